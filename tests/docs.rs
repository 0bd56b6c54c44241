//! CLI tests for the docs-and-repository checks and the text/file evaluators,
//! over the fixture trees in `fixtures/<check-id>/`.

mod common;

use common::{check_json, entry_messages, fixture, result, shipgate, write};
use serde_json::Value;

/// Runs `shipgate check <fixture> --only <id> --format json`; returns the exit
/// code and the check's report entry.
fn check(rel: &str, id: &str) -> (i32, Value) {
    let (code, report) = check_json(&fixture(rel), &["--only", id]);
    assert_ne!(code, 101, "panic: {report}");
    (code, result(&report, id).clone())
}

fn assert_pass(rel: &str, id: &str) {
    let (code, entry) = check(rel, id);
    assert_eq!(entry["verdict"], "pass", "{rel}: {entry}");
    assert_eq!(code, 0);
}

fn finding_at<'a>(
    fs: &'a [(String, u64, String)],
    path: &str,
    line: u64,
    needle: &str,
) -> &'a (String, u64, String) {
    fs.iter()
        .find(|(p, l, m)| p == path && *l == line && m.contains(needle))
        .unwrap_or_else(|| panic!("no finding at {path}:{line} containing {needle:?}: {fs:#?}"))
}

// ---------------------------------------------------------------- docs-links

#[test]
fn docs_links_good_tree_passes() {
    // Commands, bare file names, `dist/`, `@scope/pkg`, placeholders, globs,
    // `../../issues`, issue-template links and vendored docs raise nothing.
    assert_pass("docs-links/good", "docs-links");
}

#[test]
fn docs_links_missing_cited_path_links_anchors_and_escapes_block() {
    let (code, entry) = check("docs-links/bad", "docs-links");
    assert_eq!(code, 1);
    assert_eq!(entry["verdict"], "block");
    let fs = entry_messages(&entry);
    let f = finding_at(
        &fs,
        "docs/supported-surface.md",
        5,
        "test/integration/onboarding_e2e_test.exs",
    );
    assert!(f.2.contains("no such file"), "{}", f.2);
    finding_at(&fs, "docs/supported-surface.md", 9, "releasing.md");
    finding_at(&fs, "docs/supported-surface.md", 9, "#no-such-heading");
    finding_at(&fs, "docs/supported-surface.md", 10, "image `img/flow.png`");
    finding_at(
        &fs,
        "docs/supported-surface.md",
        10,
        "outside the repository root",
    );
    finding_at(
        &fs,
        "docs/supported-surface.md",
        10,
        "symlink that leaves the root",
    );
    // A code span that is a link's text is not reported twice.
    let l12: Vec<_> = fs.iter().filter(|(_, l, _)| *l == 12).collect();
    assert_eq!(l12.len(), 1, "{fs:#?}");
    assert!(l12[0].2.contains("link `runbook.md`"));
    // The existing cited file and the commands on line 7 are not findings.
    assert!(!fs.iter().any(|(_, l, _)| *l == 6 || *l == 7), "{fs:#?}");
    assert_eq!(fs.len(), 7, "{fs:#?}");
}

#[test]
fn docs_links_invalid_utf8_is_a_warning_not_a_crash() {
    let (code, entry) = check("docs-links/bad-utf8", "docs-links");
    assert_eq!(code, 0);
    assert_eq!(entry["verdict"], "warn");
    let fs = entry_messages(&entry);
    finding_at(&fs, "README.md", 4, "invalid UTF-8");
}

// --------------------------------------------------- docs-workflow-agreement

#[test]
fn docs_workflow_agreement_mismatch_blocks_at_both_doc_lines() {
    let (code, entry) = check("docs-workflow-agreement/bad", "docs-workflow-agreement");
    assert_eq!(code, 1);
    assert_eq!(entry["verdict"], "block");
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 2, "{fs:#?}");
    let wf = finding_at(&fs, "docs/release-secrets.md", 10, "release.yml");
    assert!(wf.2.contains("deploy.yml"), "{}", wf.2);
    let env = finding_at(&fs, "docs/release-secrets.md", 11, "`release`");
    assert!(env.2.contains("`npm`"), "{}", env.2);
}

#[test]
fn docs_workflow_agreement_matching_runbook_passes() {
    // List and table forms, two publishers (testpypi, pypi) in one workflow.
    assert_pass("docs-workflow-agreement/good", "docs-workflow-agreement");
}

#[test]
fn docs_workflow_agreement_blank_environment_and_unrecognised_publish_pass() {
    // "Environment: leave blank" states no environment; a changesets job that
    // holds the OIDC token counts as the publisher.
    assert_pass(
        "docs-workflow-agreement/good-blank",
        "docs-workflow-agreement",
    );
}

#[test]
fn docs_workflow_agreement_repository_url_and_owner_disagree() {
    let (code, entry) = check(
        "docs-workflow-agreement/bad-repository",
        "docs-workflow-agreement",
    );
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 2, "{fs:#?}");
    finding_at(&fs, "RELEASING.md", 7, "owner `acme-labs`");
    finding_at(&fs, "RELEASING.md", 7, "bare repository name");
}

#[test]
fn docs_workflow_agreement_skips_without_statements() {
    let (_, entry) = check("docs-links/good", "docs-workflow-agreement");
    assert_eq!(entry["verdict"], "skip");
}

// ----------------------------------------------------------- security-policy

#[test]
fn security_policy_with_private_route_passes() {
    assert_pass("security-policy/good", "security-policy");
}

#[test]
fn security_policy_without_route_or_file_warns() {
    for (rel, needle) in [
        ("security-policy/bad", "names no private reporting route"),
        ("security-policy/missing", "no SECURITY.md"),
    ] {
        let (code, entry) = check(rel, "security-policy");
        assert_eq!(code, 0, "a warn does not fail the run");
        assert_eq!(entry["verdict"], "warn", "{rel}");
        let fs = entry_messages(&entry);
        assert_eq!(fs.len(), 1);
        finding_at(&fs, "SECURITY.md", 1, needle);
    }
}

// ------------------------------------------------------- codeowners-workflows

#[test]
fn codeowners_covering_workflows_passes() {
    assert_pass("codeowners-workflows/good", "codeowners-workflows");
}

#[test]
fn codeowners_unowned_workflows_warn() {
    let (_, entry) = check("codeowners-workflows/bad", "codeowners-workflows");
    assert_eq!(entry["verdict"], "warn");
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 2, "{fs:#?}");
    finding_at(
        &fs,
        ".github/workflows/release.yml",
        1,
        "no CODEOWNERS rule",
    );
    // The owner-less last match un-owns ci.yml: reported at that line.
    finding_at(&fs, "CODEOWNERS", 3, "names no owner");
}

#[test]
fn codeowners_line_without_valid_owner_is_skipped_like_github_does() {
    let (_, entry) = check("codeowners-workflows/bad-owner", "codeowners-workflows");
    assert_eq!(entry["verdict"], "warn");
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(&fs, ".github/CODEOWNERS", 2, "no valid owner");
}

#[test]
fn codeowners_missing_file_warns() {
    let (_, entry) = check("codeowners-workflows/missing", "codeowners-workflows");
    assert_eq!(entry["verdict"], "warn");
    finding_at(
        &entry_messages(&entry),
        ".github/CODEOWNERS",
        1,
        "no CODEOWNERS file",
    );
}

// ------------------------------------------------------------ ci-equivalence

#[test]
fn ci_equivalence_mix_alias_missing_command_blocks() {
    let (code, entry) = check("ci-equivalence/bad", "ci-equivalence");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    // Only test.phase3 is missing: the nightly (schedule) run does not count,
    // and qa is covered through its expansion.
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(&fs, "mix.exs", 16, "mix test.phase3");
}

#[test]
fn ci_equivalence_matrix_and_reusable_workflow_pass() {
    assert_pass("ci-equivalence/good", "ci-equivalence");
}

#[test]
fn ci_equivalence_npm_script_missing_piece_blocks() {
    let (code, entry) = check("ci-equivalence/bad-npm", "ci-equivalence");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    // Reported at the gate's line, naming the script and the step CI skips.
    let f = finding_at(&fs, "package.json", 8, "npm run typecheck");
    assert!(f.2.contains("tsc --noEmit"), "{}", f.2);
}

#[test]
fn ci_equivalence_a_make_target_made_by_the_same_rule_with_the_same_variables_counts() {
    // `$(SUITES): test` makes test-default and test-race alike, and
    // `test-default test-race: ARGS=-race` gives both the same variables:
    // CI running `make test-race` runs the gate's `make test-default`.
    assert_pass("ci-equivalence/same-rule-make", "ci-equivalence");
    // test-short has other variables: it is other work, and the gate's
    // target still blocks, at the gate's line.
    let (code, entry) = check("ci-equivalence/same-rule-make-other-vars", "ci-equivalence");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(&fs, "Makefile", 14, "make test-default");
}

#[test]
fn ci_equivalence_ci_running_the_gate_itself_passes() {
    assert_pass("ci-equivalence/good-make", "ci-equivalence");
}

#[test]
fn ci_equivalence_policy_gate_reports_at_policy_line() {
    let (code, entry) = check("ci-equivalence/policy-gate", "ci-equivalence");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(&fs, "shipgate.toml", 4, "cargo test --all-features");
}

#[test]
fn ci_equivalence_justfile_with_narrowing_flags_passes() {
    // `mix test --stale` in the gate is covered by CI's full `mix test`;
    // `echo` is not a check.
    assert_pass("ci-equivalence/good-just", "ci-equivalence");
}

#[test]
fn ci_equivalence_reads_a_just_dependency_called_with_arguments_as_one_recipe() {
    // `(check '… --locked --offline …')` calls the recipe `check`, whose
    // step CI runs; the words of its quoted argument are no recipes. The
    // gate's own `cargo doc` runs nowhere in CI and still blocks.
    let (code, entry) = check("ci-equivalence/just-call-arguments", "ci-equivalence");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(&fs, "justfile", 3, "cargo doc --no-deps");
}

#[test]
fn ci_equivalence_looks_through_shell_wrappers_and_aliases() {
    // `cmd sh -lc 'mix lint'` is `mix lint`, covered by CI running both of its steps.
    assert_pass("ci-equivalence/good-wrapped", "ci-equivalence");
}

#[test]
fn ci_equivalence_skips_when_ci_is_not_github_actions() {
    let (code, entry) = check("ci-equivalence/other-ci", "ci-equivalence");
    assert_eq!(code, 0);
    assert_eq!(entry["verdict"], "skip", "{entry}");
}

#[test]
fn ci_equivalence_skips_without_gate() {
    let (_, entry) = check("security-policy/missing", "ci-equivalence");
    assert_eq!(entry["verdict"], "skip");
}

// ---------------------------------------------------------------- evaluators

#[test]
fn text_forbids_blocks_at_the_doc_line() {
    let (code, entry) = check("text-forbids/bad", "no-certification-claims");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 2, "{fs:#?}");
    finding_at(&fs, "docs/guides/posture.md", 5, "FAPI certified");
    finding_at(&fs, "docs/guides/posture.md", 5, "Full CIAM");
}

#[test]
fn text_forbids_passes_outside_its_files() {
    assert_pass("text-forbids/good", "no-certification-claims");
}

#[test]
fn text_contains_respects_the_section() {
    assert_pass("text-contains/good", "preflight-documented");
    let (code, entry) = check("text-contains/bad", "preflight-documented");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    // The text is in the file, but under another heading.
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(
        &fs,
        "docs/maintainer-release.md",
        3,
        "mix release.preflight",
    );
}

#[test]
fn file_exists_and_absent() {
    assert_pass("file-exists/good", "support-contract");
    let (_, entry) = check("file-exists/bad", "support-contract");
    assert_eq!(entry["verdict"], "block");
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 2, "{fs:#?}");
    finding_at(&fs, "shipgate.toml", 4, "docs/supported-surface.md");

    assert_pass("file-absent/good", "no-npmrc-token");
    let (_, entry) = check("file-absent/bad", "no-npmrc-token");
    assert_eq!(entry["verdict"], "block");
    let fs = entry_messages(&entry);
    finding_at(&fs, ".npmrc", 1, ".npmrc");
    finding_at(&fs, ".github/signing.pem", 1, "**/*.pem");
}

#[test]
fn bad_regex_is_exit_2_at_its_line() {
    let out = shipgate(&[
        "check",
        fixture("policy-errors/bad-regex").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shipgate.toml:6"), "{err}");
    assert!(err.contains("invalid regex"), "{err}");
}

#[test]
fn explain_and_list_know_the_docs_checks() {
    let out = shipgate(&["list"]);
    let list = String::from_utf8_lossy(&out.stdout);
    for id in [
        "docs-links",
        "docs-workflow-agreement",
        "security-policy",
        "codeowners-workflows",
        "ci-equivalence",
        "text.contains",
        "text.forbids",
        "file.exists",
        "file.absent",
    ] {
        assert!(list.contains(id), "{id} missing from list:\n{list}");
    }
    let out = shipgate(&["explain", "ci-equivalence"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("gate"));
}

// ------------------------------------------------------ the shared doc pass

/// Runs `shipgate check ROOT [extra…] --format json`; returns each check's
/// findings as `(path, line, message)`, by check id.
fn run_tree(
    root: &std::path::Path,
    extra: &[&str],
) -> std::collections::BTreeMap<String, Vec<(String, u64, String)>> {
    let (code, report) = check_json(root, extra);
    assert_ne!(code, 101);
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_string(), entry_messages(c)))
        .collect()
}

/// Eighty documents, each linking to an anchor of the one before and the one
/// after it (in path order, so the pass meets some targets before their
/// links and some after); every seventh link names a heading that is not there.
fn chain_of_docs(root: &std::path::Path) -> Vec<(String, u64)> {
    let mut broken = Vec::new();
    let n = 80;
    for i in 0..n {
        let mut md = format!("# Doc {i}\n\n## Part {i}\n\nText.\n");
        for (k, j) in [(i + n - 1) % n, (i + 1) % n].into_iter().enumerate() {
            let line = 6 + k as u64;
            let bad = (i * 2 + k) % 7 == 0;
            let anchor = if bad {
                broken.push((format!("docs/d{i:03}.md"), line));
                format!("part-{j}-gone")
            } else {
                format!("part-{j}")
            };
            md.push_str(&format!("See [doc {j}](d{j:03}.md#{anchor}).\n"));
        }
        write(root, &format!("docs/d{i:03}.md"), &md);
    }
    broken.sort();
    broken
}

#[test]
fn doc_pass_judges_anchors_whichever_document_comes_first() {
    let t = tempfile::tempdir().unwrap();
    let broken = chain_of_docs(t.path());
    let by_check = run_tree(t.path(), &["--only", "docs-links"]);
    let mut got: Vec<(String, u64)> = by_check["docs-links"]
        .iter()
        .map(|(p, l, m)| {
            assert!(m.contains("has no heading with anchor"), "{m}");
            assert!(m.contains("-gone"), "{m}");
            (p.clone(), *l)
        })
        .collect();
    got.sort();
    assert_eq!(got, broken);
}

#[test]
fn doc_pass_gives_the_same_findings_alone_and_together() {
    let t = tempfile::tempdir().unwrap();
    chain_of_docs(t.path());
    write(
        t.path(),
        "docs/publishing.md",
        "# Publishing\n\nTrusted publisher on PyPI:\n\n- Workflow: `release.yml`\n- Environment: `pypi`\n",
    );
    write(
        t.path(),
        ".github/workflows/release.yml",
        "on:\n  release:\n    types: [published]\npermissions: {}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    environment: testpypi\n    permissions:\n      id-token: write\n    steps:\n      - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.12.4\n",
    );
    let together = run_tree(t.path(), &[]);
    assert!(!together["docs-links"].is_empty());
    for id in ["docs-links", "docs-workflow-agreement"] {
        let alone = run_tree(t.path(), &["--only", id]);
        assert_eq!(alone[id], together[id], "{id}");
    }
    let agreement = &together["docs-workflow-agreement"];
    finding_at(agreement, "docs/publishing.md", 6, "`pypi`");
}

#[test]
fn doc_pass_reads_anchors_of_documents_outside_its_selection() {
    // vendor/ is not judged, but a link into it still needs its headings.
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "vendor/lib/GUIDE.md", "# Guide\n\n## Install\n");
    write(
        t.path(),
        "README.md",
        "# Project\n\n[ok](vendor/lib/GUIDE.md#install)\n[gone](vendor/lib/GUIDE.md#upgrade)\n",
    );
    let by_check = run_tree(t.path(), &["--only", "docs-links"]);
    let fs = &by_check["docs-links"];
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(fs, "README.md", 4, "#upgrade");
}

#[test]
fn doc_pass_findings_show_their_line() {
    let t = tempfile::tempdir().unwrap();
    chain_of_docs(t.path());
    let out = shipgate(&["check", t.path().to_str().unwrap(), "--only", "docs-links"]);
    let human = String::from_utf8_lossy(&out.stdout);
    // The quoted source line of a broken link found during the pass, and
    // of one judged after it (whose document had been dropped).
    assert!(
        human.contains("6 | See [doc 6](d006.md#part-6-gone)."),
        "{human}"
    );
    assert!(
        human.contains("7 | See [doc 4](d004.md#part-4-gone)."),
        "{human}"
    );
}

// ------------------------------------------------------------ tree-contained

#[test]
fn tree_contained_passes_a_tree_whose_symlink_stays_inside() {
    // docs/guide.md -> ../README.md: followed, as it never leaves the root.
    // Symlinks that leave the root, dangle or loop are made at test time
    // (tests/hostile.rs), never committed: they would point every tool that
    // walks this repository outside it.
    let (code, entry) = check("tree-contained/good", "tree-contained");
    assert_eq!(entry["verdict"], "pass", "{entry}");
    assert_eq!(code, 0);
    let (_, links) = check("tree-contained/good", "docs-links");
    assert_eq!(links["verdict"], "pass", "{links}");
}

#[test]
fn docs_links_to_a_sibling_repository_through_the_owner_page_are_not_files() {
    // GitHub shows a document at /OWNER/REPO/blob/REF/PATH: from the root,
    // `../../../name` is another repository of the same owner, a github.com
    // page. One level above the root is still a missing file, and so is a
    // link from docs/ that stops at the repository's own `blob/` page.
    let (code, entry) = check("docs-links/sibling-repository", "docs-links");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 2, "{fs:#?}");
    finding_at(&fs, "README.md", 7, "outside the repository root");
    finding_at(&fs, "docs/guide.md", 4, "outside the repository root");
}

#[test]
fn docs_links_to_a_file_on_another_branch_are_not_files_of_this_tree() {
    // One level above the root is GitHub's `blob/` page, so the next name is
    // a ref: `../media/screens/follow.gif` is a file on the `media` branch,
    // from the root README and from docs/ alike. `../guide/start.md` names a
    // folder of this tree (a link that climbed once too often) and
    // `../notes.md` names a ref with no file: both still block.
    let (code, entry) = check("docs-links/other-branch", "docs-links");
    assert_eq!(code, 1);
    assert_eq!(entry["verdict"], "block");
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 2, "{fs:#?}");
    finding_at(&fs, "README.md", 9, "`../guide/start.md` resolves outside");
    finding_at(&fs, "README.md", 9, "`../notes.md` resolves outside");
}

#[test]
fn a_plugins_src_dir_in_a_vitepress_config_is_not_the_sites() {
    // `offline: { srcDir: '.vitepress/' }` is a plugin's option, nested in
    // the config object: the site's pages are still the config's folder,
    // so `/guide/start.html` is `site/guide/start.md`. A page that is not
    // there still warns.
    let (code, entry) = check("docs-links/vitepress-nested-srcdir", "docs-links");
    assert_eq!(code, 0);
    assert_eq!(entry["verdict"], "warn");
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(&fs, "site/index.md", 3, "`/recipes.html`");
}

#[test]
fn headings_written_in_html_or_carrying_badges_have_githubs_anchors() {
    // `# Lantern [![Gem Version](…)](…) [![CI](…)](…)`: GitHub slugs the
    // heading's text, not the badges' alt text, so `#lantern--` lands;
    // `<h3>Our Backers</h3>` gets `#our-backers` like a Markdown heading.
    // `#backers` names no heading and still blocks.
    let (code, entry) = check("docs-links/html-and-badge-headings", "docs-links");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(&fs, "README.md", 7, "`#backers`");
}

#[test]
fn paths_cited_in_another_repository_are_not_this_trees() {
    // "In the `quartz/quartz-site` repository, … `tools/release-data.js`":
    // a file of that repository, though this one has a `tools/` folder. A
    // path in a sentence about this repository (`quartz/quartz-lint`, as
    // package.json's npm shorthand names it) is still a claim, and blocks.
    // "(see `tools/tagline.js` in that repo)" points back at the other one.
    let (code, entry) = check("docs-links/other-repository-paths", "docs-links");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(&fs, "RELEASING.md", 5, "`tools/publish-notes.js`");
}

#[test]
fn a_path_the_reader_is_told_to_create_is_theirs_wherever_the_doc_cites_it() {
    // "Start by creating one module … in `test/support/builders.ex`" and
    // "create a folder …, like `test/builders`": files of the reader's
    // project, and `test/builders` cited again later is that same folder.
    // "When creating a release, update `test/support/release_cases.ex`"
    // cites a file of this repository, which is missing, and blocks.
    let (code, entry) = check("docs-links/reader-creates", "docs-links");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(&fs, "README.md", 13, "`test/support/release_cases.ex`");
}

#[test]
fn a_path_where_a_frameworks_layout_would_put_something_is_not_a_citation() {
    // "In Rails, request tests would go into the `spec/requests` group":
    // the layout of the reader's app, not a folder of this tree. "Our
    // release checks in `spec/release`" cites one, which is missing, and
    // blocks.
    let (code, entry) = check("docs-links/framework-layout", "docs-links");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(&fs, "README.md", 5, "`spec/release`");
}

#[test]
fn a_stand_in_file_name_is_the_readers_file_not_a_citation() {
    // "Annotate an import in a test suite such as `test/some_test.dart`":
    // `some_test.dart` stands for a file of the reader's project, as
    // `my_app` does. A named file of this tree that is missing
    // (`test/goldens.json`) still blocks in the README.
    let (code, entry) = check("docs-links/stand-in-name", "docs-links");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(&fs, "README.md", 11, "`test/goldens.json`");
}

#[test]
fn a_file_named_for_a_version_pattern_is_one_to_write_not_a_citation() {
    // "write the upgrade guide `docs/N.N-Upgrade.md`": a file the release
    // steps tell the maintainer to create for the next version, named with
    // a version pattern (as `vX.Y.Z` is a placeholder). A real version's
    // guide that is missing (`docs/2.0-Upgrade.md`) still blocks.
    let (code, entry) = check("docs-links/version-pattern-file", "docs-links");
    assert_eq!(code, 1);
    let fs = entry_messages(&entry);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    finding_at(&fs, "RELEASING.md", 7, "`docs/2.0-Upgrade.md`");
}

// ------------------------------------------- lines the documents pass notes

#[test]
fn inline_ignores_and_snippets_of_a_nested_document_come_from_the_documents_pass() {
    // A page under docs/ is read once, by the documents pass, which notes
    // what the report needs of it: the ignore on the line above a finding,
    // the ignore on the finding's own line, and every snippet, including
    // the one of the finding that counts those past the per-file cap.
    let t = tempfile::tempdir().unwrap();
    let many: String = (0..205).map(|i| format!("[m{i}](gone-{i}.md)\n")).collect();
    write(
        t.path(),
        "docs/guide.md",
        format!(
            "# Guide\n\n\
             <!-- shipgate: ignore[docs-links] moved to the wiki -->\n\
             See [old](old.md).\n\n\
             See [older](older.md). <!-- shipgate: ignore[docs-links] kept for the archive -->\n\n\
             See [missing](missing.md).\n\n\
             {many}"
        ),
    );
    write(
        t.path(),
        "README.md",
        "# Project\n\nSee [the guide](docs/guide.md).\n",
    );
    let (code, report) = check_json(t.path(), &["--only", "docs-links"]);
    // A page outside the release docs: its broken links warn.
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(result(&report, "docs-links")["verdict"], "warn");
    let fs = result(&report, "docs-links")["findings"]
        .as_array()
        .unwrap()
        .clone();
    let at = |line: u64| {
        fs.iter()
            .find(|f| f["path"] == "docs/guide.md" && f["line"] == line)
            .unwrap_or_else(|| panic!("no finding at line {line}: {fs:#?}"))
    };
    assert_eq!(at(4)["suppressed"]["by"], "inline", "{:#}", at(4));
    assert_eq!(at(4)["suppressed"]["reason"], "moved to the wiki");
    assert_eq!(at(6)["suppressed"]["by"], "inline", "{:#}", at(6));
    assert_eq!(at(6)["suppressed"]["reason"], "kept for the archive");
    assert!(
        at(8).get("suppressed").is_none_or(|s| s.is_null()),
        "{:#}",
        at(8)
    );
    // 208 findings on the page: 200 listed, the rest counted at the first
    // left out (line 10 + 197).
    assert_eq!(fs.len(), 201, "{fs:#?}");
    assert!(
        fs[200]["message"]
            .as_str()
            .unwrap()
            .contains("8 more findings")
    );
    assert_eq!(fs[200]["line"], 207);
    let out = shipgate(&["check", t.path().to_str().unwrap(), "--only", "docs-links"]);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("8 | See [missing](missing.md)."), "{human}");
    assert!(human.contains("206 | [m196](gone-196.md)"), "{human}");
    // The counting finding shows its line, as every other finding does.
    let counted = human
        .split("8 more findings")
        .nth(1)
        .expect("the counting finding is shown");
    assert!(counted.contains("207 | [m197](gone-197.md)"), "{human}");
}
