//! Shapes found by running shipgate on real repositories' release files:
//! each fixture reduces one case to what mattered, and each test pins the
//! verdict, path and line a careful maintainer would agree with.

mod common;

use common::*;

const RELEASE: &str = ".github/workflows/release.yml";

fn rw(name: &str) -> std::path::PathBuf {
    fixture(&format!("realworld/{name}"))
}

fn messages(report: &serde_json::Value, id: &str) -> Vec<String> {
    result(report, id)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["message"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn slsa_generator_at_an_exact_release_tag_warns_but_a_floating_tag_blocks() {
    // The SLSA generator's reusable workflows refuse SHA pins; an exact
    // vX.Y.Z tag is the pin they document. A major-only tag still moves.
    let (code, r) = check_json(&rw("slsa-tag-pin"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![
            (RELEASE.into(), 28, "warn".into()),
            (RELEASE.into(), 37, "block".into())
        ]
    );
    assert!(messages(&r, "actions-pinned")[0].contains("refuses SHA pins"));
}

#[test]
fn a_called_only_workflow_needs_no_top_level_permissions() {
    // A reusable publish workflow (`on: workflow_call` alone) never gets the
    // default token: its jobs get the calling job's scopes, so it passes
    // without a top-level block. A sibling with an unscoped job still blocks.
    let (_, r) = check_json(&rw("scoped-jobs-permissions"), &[]);
    assert_eq!(verdict(&r, "workflow-permissions"), "block");
    assert_eq!(
        findings(&r, "workflow-permissions"),
        vec![(".github/workflows/tag.yml".into(), 1, "block".into())]
    );
    let msgs = messages(&r, "workflow-permissions");
    assert!(msgs[0].contains("job `wheels`"), "{}", msgs[0]);
}

#[test]
fn only_a_called_workflow_passes_workflow_permissions() {
    let tmp = copy_fixture("realworld/scoped-jobs-permissions");
    std::fs::remove_file(tmp.path().join(".github/workflows/tag.yml")).unwrap();
    let (code, r) = check_json(tmp.path(), &["--only", "workflow-permissions"]);
    assert_eq!(code, 0);
    assert_eq!(verdict(&r, "workflow-permissions"), "pass");
}

#[test]
fn self_repository_uses_parses_and_keeps_exact_lines() {
    // `uses: $/path` is GitHub's self-repository reference: a local action.
    // The workflow must parse (no fail-closed block on every check), and
    // the one unpinned remote action is still reported at its own line.
    let (code, r) = check_json(&rw("self-repo-uses"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![(".github/workflows/publish.yml".into(), 21, "block".into())]
    );
    for id in [
        "workflow-permissions",
        "oidc-scope",
        "publish-environment",
        "trusted-publishing",
        "release-concurrency",
        "template-injection",
    ] {
        assert_eq!(verdict(&r, id), "pass", "{id}");
    }
}

#[test]
fn npx_with_a_pinned_package_version_is_still_the_publisher() {
    // `npx semantic-release@25.0.1` publishes to npm; with NPM_TOKEN it is
    // a token publish, not something to wave through.
    let (_, r) = check_json(&rw("npx-versioned-publisher"), &[]);
    assert_eq!(
        findings(&r, "trusted-publishing"),
        vec![(RELEASE.into(), 21, "block".into())]
    );
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 8, "block".into())]
    );
}

#[test]
fn changesets_publish_sub_action_is_a_publishing_job() {
    let (_, r) = check_json(&rw("changesets-subaction"), &[]);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 19, "block".into())]
    );
    assert!(messages(&r, "publish-environment")[0].contains("`publish`"));
    // The pack job holds no credentials and publishes nothing.
    assert_eq!(verdict(&r, "oidc-scope"), "pass");
}

#[test]
fn cibuildgem_release_step_is_a_rubygems_publisher() {
    // The release step of cibuildgem pushes gems with the OIDC token: the
    // workflow is a release workflow, so its `@main` pin and the missing
    // environment are release problems, not plain-CI warnings.
    let (code, r) = check_json(&rw("cibuildgem-release"), &[]);
    assert_eq!(code, 1);
    let wf = ".github/workflows/gems.yml";
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![(wf.into(), 29, "block".into())]
    );
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(wf.into(), 22, "block".into())]
    );
    // The compile step publishes nothing.
    assert!(messages(&r, "publish-environment")[0].contains("`push`"));
}

#[test]
fn trusted_publisher_settings_in_a_plain_text_block_are_statements() {
    // Setup notes usually give the registry's form in a ```text block; a
    // mismatch there is the 404-on-publish this check exists for. A YAML
    // snippet and a template for other repositories are not statements.
    let (code, r) = check_json(
        &rw("settings-in-text-block"),
        &["--only", "docs-workflow-agreement"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "docs-workflow-agreement"),
        vec![("RELEASING.md".into(), 11, "block".into())]
    );
    assert_eq!(
        result(&r, "docs-workflow-agreement")["findings"][0]["column"],
        19
    );

    let tmp = copy_fixture("realworld/settings-in-text-block");
    let doc = tmp.path().join("RELEASING.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(
        &doc,
        text.replacen(
            "Environment name: pypi\n```\n\nThe",
            "Environment name: release\n```\n\nThe",
            1,
        ),
    )
    .unwrap();
    let (code, r) = check_json(tmp.path(), &["--only", "docs-workflow-agreement"]);
    assert_eq!(code, 0);
    assert_eq!(verdict(&r, "docs-workflow-agreement"), "pass");
}

#[test]
fn an_expression_in_a_command_does_not_cut_off_its_flags() {
    // `${{ … }}` is one word: the `--dry-run` after it still belongs to
    // `npm publish`, so a rehearsal is not a publishing job (it was, and
    // blocked for want of an environment).
    let (code, r) = check_json(&rw("expression-in-command"), &[]);
    assert_eq!(code, 0);
    for id in [
        "publish-environment",
        "trusted-publishing",
        "publish-isolation",
    ] {
        assert_eq!(verdict(&r, id), "skip", "{id}");
    }
    // The same line without the flag publishes, and is judged at its job.
    let tmp = copy_fixture("realworld/expression-in-command");
    let wf = tmp.path().join(".github/workflows/check.yml");
    let text = std::fs::read_to_string(&wf).unwrap();
    std::fs::write(&wf, text.replace(" --dry-run", "")).unwrap();
    let (_, r) = check_json(tmp.path(), &[]);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(".github/workflows/check.yml".into(), 12, "block".into())]
    );
    assert!(
        messages(&r, "publish-environment")[0].contains("${{ steps.pick.outputs.tag }}"),
        "{}",
        messages(&r, "publish-environment")[0]
    );
}

#[test]
fn a_group_unique_per_run_never_cancels_but_is_named_for_not_queueing() {
    // `github.head_ref || github.run_id` gives a dispatch run a group of its
    // own: `cancel-in-progress: true` cannot cut a release short (that block
    // was false), but nothing serialises two releases either (a warning).
    let (code, r) = check_json(&rw("per-run-group"), &["--only", "release-concurrency"]);
    assert_eq!(code, 0);
    assert_eq!(
        findings(&r, "release-concurrency"),
        vec![(".github/workflows/publish.yml".into(), 11, "warn".into())]
    );
    assert!(messages(&r, "release-concurrency")[0].contains("differs on every run"));
    // Keyed on the ref instead, the same `true` does cancel a release.
    let tmp = copy_fixture("realworld/per-run-group");
    let wf = tmp.path().join(".github/workflows/publish.yml");
    let text = std::fs::read_to_string(&wf).unwrap();
    std::fs::write(&wf, text.replace("github.run_id", "github.ref")).unwrap();
    let (code, r) = check_json(tmp.path(), &["--only", "release-concurrency"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "release-concurrency"),
        vec![(".github/workflows/publish.yml".into(), 12, "block".into())]
    );
}

#[test]
fn a_next_version_section_marked_unreleased_in_its_body_is_not_the_newest_release() {
    // Pallets-style changelogs open the next section right after a release:
    // `## Version 2.4.1` with `Unreleased` as its first line. The newest
    // release is 2.4.0, which the manifest states.
    let (code, r) = check_json(
        &rw("unreleased-under-heading"),
        &["--only", "versions-agree,changelog-entry"],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(verdict(&r, "versions-agree"), "pass");
    assert_eq!(verdict(&r, "changelog-entry"), "pass");
    // Once 2.4.1 says it was released, the stale manifest is a real block.
    let tmp = copy_fixture("realworld/unreleased-under-heading");
    let log = tmp.path().join("CHANGELOG.md");
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(&log, text.replacen("Unreleased", "Released 2026-04-01", 1)).unwrap();
    let (code, r) = check_json(tmp.path(), &["--only", "versions-agree"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "versions-agree"),
        vec![("CHANGELOG.md".into(), 3, "block".into())]
    );
}

#[test]
fn a_changelog_heading_that_starts_with_the_project_name_names_its_version() {
    // `## quill 0.5.4`: the project's name, then the version it released.
    let (_, r) = check_json(&rw("named-changelog-heading"), &[]);
    assert_eq!(verdict(&r, "changelog-entry"), "pass");
    assert_eq!(verdict(&r, "versions-agree"), "pass");
}

#[test]
fn a_github_token_beside_a_publish_is_not_a_registry_token() {
    // GITHUB_TOKEN / GH_TOKEN push the release commit; only NPM_TOKEN
    // carries an npm credential.
    let (_, r) = check_json(
        &rw("github-token-for-release-pr"),
        &["--only", "trusted-publishing"],
    );
    assert_eq!(
        findings(&r, "trusted-publishing"),
        vec![(".github/workflows/legacy.yml".into(), 24, "block".into())]
    );
    assert!(messages(&r, "trusted-publishing")[0].contains("NPM_TOKEN"));
}

#[test]
fn goreleaser_check_and_snapshots_ship_nothing() {
    // `args: check` validates the config and `--snapshot` builds locally:
    // the workflow is CI, not a release lane, whatever its triggers and
    // secrets.
    let (code, r) = check_json(&rw("goreleaser-check"), &[]);
    for id in [
        "release-triggers",
        "release-concurrency",
        "secrets-in-environment",
        "workflow-permissions",
    ] {
        assert_eq!(verdict(&r, id), "skip", "{id}: {:#?}", findings(&r, id));
    }
    assert_eq!(code, 0);
}

#[test]
fn goreleaser_action_that_only_installs_ships_nothing() {
    // `install-only: true` puts goreleaser on the PATH and runs nothing;
    // the step after it builds a snapshot. The push-to-main CI workflow
    // that cancels superseded runs is not a release lane.
    let (code, r) = check_json(&rw("goreleaser-install-only"), &[]);
    for id in ["release-concurrency", "workflow-permissions"] {
        assert_eq!(verdict(&r, id), "skip", "{id}: {:#?}", findings(&r, id));
    }
    assert_eq!(code, 0);

    // The same action running its default `release` ships: both block.
    let tmp = copy_fixture("realworld/goreleaser-install-only");
    let wf = ".github/workflows/ci.yml";
    edit(
        tmp.path(),
        wf,
        "install-only: true",
        "args: release --clean",
    );
    let (code, r) = check_json(tmp.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "workflow-permissions"),
        vec![(wf.into(), 1, "block".into())]
    );
    assert_eq!(
        findings(&r, "release-concurrency"),
        vec![(wf.into(), 8, "block".into())]
    );
}

#[test]
fn goreleaser_build_with_an_expression_after_its_command_ships_nothing() {
    // `args: build --snapshot --clean ${{ steps.ids.outputs.flags }}`: the
    // expression only adds flags after `build`, so the pull-request
    // workflow releases nothing.
    let (code, r) = check_json(&rw("goreleaser-build-expression"), &[]);
    for id in ["release-triggers", "workflow-permissions"] {
        assert_eq!(verdict(&r, id), "skip", "{id}: {:#?}", findings(&r, id));
    }
    assert_eq!(code, 0);

    // `release --clean` before the same expression ships on a pull request.
    let tmp = copy_fixture("realworld/goreleaser-build-expression");
    let wf = ".github/workflows/test.yml";
    edit(
        tmp.path(),
        wf,
        "build --snapshot --clean",
        "release --clean",
    );
    let (code, r) = check_json(tmp.path(), &["--only", "release-triggers"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "release-triggers"),
        vec![(wf.into(), 3, "block".into())]
    );
}

#[test]
fn npm_publish_run_through_yarn_workspace_exec_is_a_publishing_job() {
    // `yarn workspace ${{ inputs.package }} exec npm publish --provenance`
    // publishes the chosen package: the job needs an environment.
    let wf = ".github/workflows/publish.yml";
    let only = ["--only", "publish-environment"];
    let (code, r) = check_json(&rw("yarn-workspace-exec-publish"), &only);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(wf.into(), 19, "block".into())]
    );

    // `exec npm pack` in the same place only builds a tarball.
    let tmp = copy_fixture("realworld/yarn-workspace-exec-publish");
    edit(
        tmp.path(),
        wf,
        "exec npm publish --access public --provenance",
        "exec npm pack",
    );
    let (code, r) = check_json(tmp.path(), &only);
    assert_eq!(verdict(&r, "publish-environment"), "skip");
    assert_eq!(code, 0);
}

#[test]
fn a_zx_script_behind_a_package_script_publishes_what_it_runs() {
    // `pnpm run ci:publish` is `zx scripts/publish.mjs`, whose
    // `` $`pnpm -r publish …` `` publishes to npm.
    let only = ["--only", "publish-environment"];
    let (code, r) = check_json(&rw("zx-publish-script"), &only);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 10, "block".into())]
    );

    // The same script building only publishes nothing.
    let tmp = copy_fixture("realworld/zx-publish-script");
    write(
        tmp.path(),
        "scripts/publish.mjs",
        "import { $ } from 'zx'\n\nawait $`pnpm -r build`\n",
    );
    let (code, r) = check_json(tmp.path(), &only);
    assert_eq!(verdict(&r, "publish-environment"), "skip");
    assert_eq!(code, 0);
}

#[test]
fn an_npm_publish_holds_libraries_not_workspace_apps_to_npm_rules() {
    // The docs site (no version, nothing shipped) and the demo under
    // `examples/` are not published; the library without `repository` is.
    let only = ["--only", "package-metadata"];
    let (code, r) = check_json(&fixture("package-metadata/workspace-apps"), &only);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "package-metadata"),
        vec![("packages/core/package.json".into(), 1, "block".into())]
    );
}

#[test]
fn a_group_unique_per_run_on_a_tag_push_cancels_no_release() {
    // CI that also ships on tags, grouped by `github.head_ref ||
    // github.run_id`: on a tag push `head_ref` is empty, so every run has a
    // group of its own and `cancel-in-progress: true` cancels nothing there.
    // Pull requests share a group, but they release nothing.
    let (code, r) = check_json(
        &rw("per-run-group-tags"),
        &["--only", "release-concurrency"],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(
        findings(&r, "release-concurrency"),
        vec![(".github/workflows/ci.yml".into(), 9, "warn".into())]
    );
    assert!(messages(&r, "release-concurrency")[0].contains("differs on every run"));
}

#[test]
fn jobs_a_pull_request_run_cannot_reach_do_not_ship_on_it() {
    // A release workflow that also runs on `pull_request` (a dry run): the
    // shipping jobs are kept off it by `if:`s the evaluator must follow — a
    // gate job that skips, read back as `needs.gate.result == 'success'`
    // under `always()`, and a property of `fromJson(inputs.plan)`, where
    // `inputs` is empty on a pull request. Guards only: a warning.
    let (code, r) = check_json(&rw("pr-gated-jobs"), &["--only", "release-triggers"]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(
        findings(&r, "release-triggers"),
        vec![(RELEASE.into(), 3, "warn".into())]
    );
    // A condition that a skipped gate satisfies lets the pull request ship.
    let tmp = copy_fixture("realworld/pr-gated-jobs");
    let wf = tmp.path().join(RELEASE);
    let text = std::fs::read_to_string(&wf).unwrap();
    std::fs::write(
        &wf,
        text.replace(
            "needs.gate.result == 'success'",
            "needs.gate.result != 'failure'",
        ),
    )
    .unwrap();
    let (code, r) = check_json(tmp.path(), &["--only", "release-triggers"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "release-triggers"),
        vec![(RELEASE.into(), 3, "block".into())]
    );
    assert!(messages(&r, "release-triggers")[0].contains("`announce`"));
}

#[test]
fn an_action_that_attests_when_an_input_says_so_uses_the_oidc_token() {
    // hynek/build-and-inspect-python-package attests its build with the
    // OIDC token when `attest-build-provenance-github` is true; without the
    // input the same action holds the token for nothing.
    let (code, r) = check_json(&rw("attest-by-input"), &["--only", "oidc-scope"]);
    assert_eq!(code, 1, "{r}");
    assert_eq!(
        findings(&r, "oidc-scope"),
        vec![(RELEASE.into(), 22, "block".into())]
    );
    assert!(messages(&r, "oidc-scope")[0].contains("`inspect`"));
}

#[test]
fn a_manifest_is_judged_only_against_the_registry_it_reaches() {
    // crates.io requires a description and a licence (block) and shows a
    // repository (warn). A crate with `publish = false`, one published only
    // to another registry, and one maturin builds into a Python wheel are
    // not crates.io's to judge.
    let (code, r) = check_json(&rw("registry-scope"), &["--only", "package-metadata"]);
    assert_eq!(code, 1, "{r}");
    assert_eq!(
        findings(&r, "package-metadata"),
        vec![
            ("crates/broken/Cargo.toml".into(), 1, "block".into()),
            ("crates/engine/Cargo.toml".into(), 1, "warn".into())
        ]
    );
    // Once a workflow publishes crates, the wheel's crate may be one of them.
    let tmp = copy_fixture("realworld/registry-scope");
    write(
        tmp.path(),
        ".github/workflows/release.yml",
        "on:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  crates:\n    runs-on: ubuntu-latest\n    environment: crates\n    steps:\n      - run: cargo publish --workspace\n        env:\n          CARGO_REGISTRY_TOKEN: ${{ secrets.CARGO_REGISTRY_TOKEN }}\n",
    );
    let (_, r) = check_json(tmp.path(), &["--only", "package-metadata"]);
    let at: Vec<_> = findings(&r, "package-metadata")
        .into_iter()
        .filter(|f| f.0 == "python/Cargo.toml")
        .collect();
    assert_eq!(
        at,
        vec![
            ("python/Cargo.toml".into(), 1, "block".into()),
            ("python/Cargo.toml".into(), 1, "block".into()),
            ("python/Cargo.toml".into(), 1, "warn".into())
        ]
    );
}

#[test]
fn a_runbook_aside_and_a_catalogue_of_other_projects_are_not_publisher_records() {
    // The runbook states `release.yml` and `release`; its aside quotes
    // `environment: release` from the workflow (a code span, not a second
    // statement). A linter's catalogue of sample workflows in other
    // repositories (a wide table, links to elsewhere) states nothing about
    // this one.
    let (code, r) = check_json(
        &rw("runbook-asides"),
        &["--only", "docs-workflow-agreement"],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(verdict(&r, "docs-workflow-agreement"), "pass");
    // The runbook is still read: a wrong environment there blocks at its line.
    let tmp = copy_fixture("realworld/runbook-asides");
    let doc = tmp.path().join("docs/releasing.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, text.replace("`release` *(", "`pypi` *(")).unwrap();
    let (code, r) = check_json(tmp.path(), &["--only", "docs-workflow-agreement"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "docs-workflow-agreement"),
        vec![("docs/releasing.md".into(), 9, "block".into())]
    );
}

#[test]
fn a_changelog_that_points_to_the_docs_changelog_is_judged_there() {
    // CHANGELOG.md names no version and links to the changelog on the docs
    // site, whose source is docs/project/changelog.md: that file has 2.0.1.
    let (code, r) = check_json(
        &rw("changelog-on-docs-site"),
        &["--only", "changelog-entry"],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(verdict(&r, "changelog-entry"), "pass");
    // Without the section there, the stub still blocks, and says where it looked.
    let tmp = copy_fixture("realworld/changelog-on-docs-site");
    let doc = tmp.path().join("docs/project/changelog.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, text.replace("## [2.0.1] - 2026-03-02", "## Next")).unwrap();
    let (code, r) = check_json(tmp.path(), &["--only", "changelog-entry"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "changelog-entry"),
        vec![("CHANGELOG.md".into(), 1, "block".into())]
    );
    assert!(messages(&r, "changelog-entry")[0].contains("docs/project/changelog.md"));
}

#[test]
fn parallel_steps_are_judged_not_refused() {
    // GitHub's parallel steps (`parallel:`, `wait:`, `wait-all:`, `cancel:`)
    // are newer than the typed model: the workflow is judged, its group's
    // steps as the job's steps, each at its own line.
    let (code, r) = check_json(&rw("parallel-steps"), &[]);
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![(RELEASE.into(), 26, "block".into())]
    );
    assert!(messages(&r, "actions-pinned")[0].contains("actions/setup-node@v4"));
    let report = r.to_string();
    assert!(!report.contains("cannot judge"), "{r:#}");
    assert!(
        !report.contains("not a valid GitHub Actions workflow"),
        "{r:#}"
    );
    assert_eq!(verdict(&r, "publish-environment"), "pass");
    assert_eq!(verdict(&r, "trusted-publishing"), "pass");
    assert_eq!(code, 1);
}

#[test]
fn a_trigger_key_left_empty_is_an_empty_map_not_a_refusal() {
    // `workflow_dispatch:` with `inputs:` and nothing under it (GitHub runs
    // it, reading an empty map), and `workflow_call:` with `inputs: ~` and
    // an empty `secrets:`: the workflows are judged, and the release
    // workflow's movable ref blocks at its line. (An `inputs:` holding a
    // scalar is still refused: the unit test beside the rewrite.)
    let (code, r) = check_json(&rw("empty-trigger-inputs"), &["--only", "actions-pinned"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![(RELEASE.into(), 23, "block".into())]
    );
    assert!(messages(&r, "actions-pinned")[0].contains("actions/setup-node@v4"));
    // The rewrite makes line 4 longer: positions after it still come from
    // the text as judged, so the column is the action's own (15).
    assert_eq!(
        result(&r, "actions-pinned")["findings"][0]["column"].as_u64(),
        Some(15),
        "{r:#}"
    );
    assert!(!r.to_string().contains("cannot judge"), "{r:#}");
    assert!(!r.to_string().contains("shared.yml"), "{r:#}");
}

#[test]
fn gem_release_with_configured_credentials_publishes() {
    // gem-release's `gem release` after configure-rubygems-credentials
    // pushes the gem: the workflow is a release workflow and its movable
    // ref blocks. `rehearse.yml` runs `gem release --pretend`, which
    // pushes nothing: the same ref only warns there.
    let (code, r) = check_json(&rw("gem-release-plugin"), &["--only", "actions-pinned"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![
            (".github/workflows/rehearse.yml".into(), 20, "warn".into()),
            (RELEASE.into(), 20, "block".into()),
        ]
    );
    assert!(messages(&r, "actions-pinned")[1].contains("in a release workflow"));
}

#[test]
fn a_cache_in_a_job_that_builds_release_assets_warns() {
    // `ship` uploads to the GitHub release what `build` built: build's
    // rust-cache is a cache in the release. `coverage` uploads an artifact
    // `ship` never downloads, and build's pip cache is off on tags.
    let (code, r) = check_json(&rw("release-asset-builders"), &["--only", "release-cache"]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(
        findings(&r, "release-cache"),
        vec![(RELEASE.into(), 14, "warn".into())]
    );
    assert!(messages(&r, "release-cache")[0].contains("builds what release job `ship` ships"));
}

#[test]
fn a_group_keyed_on_a_path_a_push_does_not_have_is_one_group() {
    // `github.event.push.ref` is not part of a push payload: the group is
    // `publish-` for every tag, so the next tag cancels a release in flight
    // (block), and the group is named for collapsing (warn).
    let (code, r) = check_json(
        &rw("push-payload-group"),
        &["--only", "release-concurrency"],
    );
    assert_eq!(code, 1, "{r}");
    let wf = ".github/workflows/publish.yml";
    assert_eq!(
        findings(&r, "release-concurrency"),
        vec![
            (wf.into(), 7, "warn".into()),
            (wf.into(), 8, "block".into())
        ]
    );
    assert!(messages(&r, "release-concurrency")[0].contains("`github.event.push.ref` is empty"));
}

#[test]
fn a_job_that_uploads_release_assets_and_builds_them_warns_even_in_a_strict_preset() {
    // The job that holds the token writing the GitHub release also runs the
    // build whose output ships: a warning at the build. Checking out the
    // source to build is not itself the offence here, and the finding stays
    // a warning where a preset makes publish-isolation block.
    let (code, r) = check_json(&rw("ship-job-builds"), &["--only", "publish-isolation"]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(
        findings(&r, "publish-isolation"),
        vec![(RELEASE.into(), 15, "warn".into())]
    );
    assert!(messages(&r, "publish-isolation")[0].contains("ships the release"));
    let tmp = copy_fixture("realworld/ship-job-builds");
    write(
        tmp.path(),
        "shipgate.toml",
        "extends = [\"default\", \"pypi\"]\n",
    );
    let (code, r) = check_json(tmp.path(), &["--only", "publish-isolation"]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(verdict(&r, "publish-isolation"), "warn");
}

#[test]
fn a_gate_target_written_as_a_shell_loop_warns_that_it_cannot_tell() {
    // `make examples` loops over the examples; CI runs each one in its own
    // words. shipgate does not expand the loop, so it cannot match the
    // commands: it says so, as a warning (a block here would be one it
    // cannot stand behind), never claiming that CI runs none of it.
    let (code, r) = check_json(&rw("loop-recipe"), &["--only", "ci-equivalence"]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(
        findings(&r, "ci-equivalence"),
        vec![("Makefile".into(), 3, "warn".into())]
    );
    let msg = &messages(&r, "ci-equivalence")[0];
    assert!(
        msg.contains("shell control flow (`for ex in alpha beta`)"),
        "{msg}"
    );
    assert!(msg.contains("does not expand"), "{msg}");
}

#[test]
fn a_call_to_a_reusable_workflow_that_scopes_its_token_is_scoped() {
    // `check` calls test.yml, whose top-level `permissions` narrows the
    // token (a called workflow can only narrow it); nightly.yml's call goes
    // to lint.yml, which sets none, so that job runs with the default scope.
    let (_, r) = check_json(
        &rw("scoped-reusable-call"),
        &["--only", "workflow-permissions"],
    );
    assert_eq!(
        findings(&r, "workflow-permissions"),
        vec![
            (".github/workflows/nightly.yml".into(), 1, "block".into()),
            (RELEASE.into(), 1, "warn".into())
        ]
    );
    assert!(messages(&r, "workflow-permissions")[0].contains("job `check`"));
}

#[test]
fn a_job_gated_on_another_jobs_output_is_kept_off_pull_requests_by_a_condition() {
    // `needs.build.outputs.publishing == 'true'` is decided at run time:
    // shipgate cannot tell whether it holds on a pull request, so the
    // trigger warns that a condition is all that keeps the job off it.
    let tmp = copy_fixture("realworld/pr-gated-jobs");
    let wf = tmp.path().join(RELEASE);
    let text = std::fs::read_to_string(&wf).unwrap();
    let gated = text.replace(
        "if: ${{ always() && needs.gate.result == 'success' && needs.build.result == 'success' }}",
        "if: ${{ needs.build.outputs.publishing == 'true' }}",
    );
    assert_ne!(gated, text);
    std::fs::write(&wf, gated).unwrap();
    let (code, r) = check_json(tmp.path(), &["--only", "release-triggers"]);
    assert_eq!(
        findings(&r, "release-triggers"),
        vec![(RELEASE.into(), 3, "warn".into())]
    );
    assert_eq!(code, 0);
}

#[test]
fn a_manifest_shaped_file_in_a_test_folder_is_test_data_not_a_package() {
    // A highlighter's expected output named Cargo.toml, nested too deep to
    // parse, is not a package of the repository: nothing to judge there.
    let (code, r) = check_json(&rw("manifest-shaped-test-data"), &[]);
    for id in ["versions-agree", "changelog-entry", "package-metadata"] {
        assert_eq!(verdict(&r, id), "pass", "{id}: {:#?}", findings(&r, id));
    }
    assert!(!r.to_string().contains("tests/golden"), "{r:#}");
    assert_eq!(code, 0);
}

#[test]
fn a_shipping_step_gated_on_a_steps_run_time_output_warns_on_pull_requests() {
    // CI and release in one workflow: the release step runs only when an
    // earlier step says so at run time (`steps.is-release.outputs.X`).
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        RELEASE,
        "name: CICD\non:\n  push:\n    tags: ['v*']\n  pull_request:\npermissions:\n  contents: read\n\
         jobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n    steps:\n\
         \x20     - id: is-release\n        run: echo \"IS_RELEASE=true\" >> \"$GITHUB_OUTPUT\"\n\
         \x20     - uses: softprops/action-gh-release@0123456789abcdef0123456789abcdef01234567 # v2.2.2\n\
         \x20       if: steps.is-release.outputs.IS_RELEASE\n",
    );
    let (_, r) = check_json(tmp.path(), &["--only", "release-triggers"]);
    assert_eq!(
        findings(&r, "release-triggers"),
        vec![(RELEASE.into(), 5, "warn".into())]
    );
}

/// Lays out `fixtures/realworld/<name>/base` as commit `main` and `head` on
/// top of it, in a fresh git repository (the system `git` only builds the
/// fixture; shipgate reads the objects itself).
fn base_and_head(name: &str) -> tempfile::TempDir {
    use common::git;
    fn lay(from: &std::path::Path, to: &std::path::Path) {
        for e in std::fs::read_dir(from).expect("fixture side").flatten() {
            let dest = to.join(e.file_name());
            if e.file_type().expect("file type").is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
                lay(&e.path(), &dest);
            } else {
                std::fs::copy(e.path(), dest).unwrap();
            }
        }
    }
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let src = rw(name);
    git(d, &["init", "-q"]);
    lay(&src.join("base"), d);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "base"]);
    git(d, &["checkout", "-q", "-b", "pr"]);
    for e in std::fs::read_dir(d).unwrap().flatten() {
        if e.file_name() != ".git" {
            let p = e.path();
            if p.is_dir() {
                std::fs::remove_dir_all(p).unwrap();
            } else {
                std::fs::remove_file(p).unwrap();
            }
        }
    }
    lay(&src.join("head"), d);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "chore: release"]);
    t
}

#[test]
fn a_version_module_the_manifest_reads_may_move_in_a_release_pr() {
    // pyproject.toml takes its version from `inkwell.__version__`: the bump
    // edits src/inkwell/__init__.py, which is the version source itself.
    // The source change riding along is still out of scope.
    let t = base_and_head("version-module-in-release-pr");
    let (_, report) = check_json(
        t.path(),
        &["--base", "main", "--only", "release-pr-scope,release-bump"],
    );
    assert_eq!(verdict(&report, "release-bump"), "pass", "{report:#}");
    let scope: Vec<(String, u64)> = findings(&report, "release-pr-scope")
        .into_iter()
        .map(|(p, l, _)| (p, l))
        .collect();
    assert_eq!(
        scope,
        [("src/inkwell/render.py".to_string(), 1)],
        "{report:#}"
    );
}

#[test]
fn a_section_that_says_no_breaking_changes_does_not_ask_for_a_major_bump() {
    let t = base_and_head("no-breaking-changes-note");
    let d = t.path();
    let (code, report) = check_json(d, &["--base", "main", "--only", "release-bump"]);
    assert_eq!(verdict(&report, "release-bump"), "pass", "{report:#}");
    assert_eq!(code, 0);
    // A note that does announce one still needs the major step.
    let log = d.join("CHANGELOG.md");
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(
        &log,
        text.replacen(
            "- Read tide tables in feet.",
            "- Read tide tables in feet.\n- BREAKING CHANGE: `read()` returns feet.",
            1,
        ),
    )
    .unwrap();
    let (code, report) = check_json(d, &["--base", "main", "--only", "release-bump"]);
    assert_eq!(code, 1, "{report:#}");
    let f = findings(&report, "release-bump");
    assert_eq!(f.len(), 1, "{report:#}");
    assert_eq!(
        (f[0].0.as_str(), f[0].1),
        ("CHANGELOG.md", 10),
        "{report:#}"
    );
}

#[test]
fn a_path_cited_without_its_source_extension_names_the_module() {
    // `pages/index` is the route of pages/index.tsx; `pages/settings` has no
    // file under any ending and is still a stale claim.
    let (_, report) = check_json(&rw("extensionless-module-path"), &["--only", "docs-links"]);
    let f: Vec<(String, u64)> = findings(&report, "docs-links")
        .into_iter()
        .filter(|(.., s)| s == "block")
        .map(|(p, l, _)| (p, l))
        .collect();
    assert_eq!(f, [("README.md".to_string(), 6)], "{report:#}");
}

#[test]
fn internal_crates_of_a_binary_installed_from_git_are_not_held_to_crates_io() {
    // zola's shape: the binary depends on its workspace crates by path with
    // no version, so `cargo publish` refuses it and them; a leaf crate only
    // those depend on is internal too; a UI-test harness crate named by the
    // workspace lives under tests/. A crate depended on with a version may
    // be published, and still needs its description.
    let (code, r) = check_json(&fixture("package-metadata/internal-crates"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "package-metadata"),
        vec![("crates/sdk/Cargo.toml".into(), 1, "block".into())]
    );
}

#[test]
fn one_make_run_naming_several_goals_runs_each_of_them() {
    // opentelemetry-go's lint job runs `make toolchain-check license-check
    // lint …`: each goal of the gate is run by that one command.
    let (code, r) = check_json(
        &fixture("ci-equivalence/good-make-goals"),
        &["--only", "ci-equivalence"],
    );
    assert_eq!(code, 0);
    assert_eq!(verdict(&r, "ci-equivalence"), "pass");
}

#[test]
fn pypi_publish_pointed_at_another_index_is_not_a_pypi_token() {
    // pip-tools uploads to PyPI by OIDC and then to its organisation's own
    // upload server, which takes a key: that key is not a PyPI token. A
    // token for TestPyPI, which has trusted publishing, still blocks.
    let (code, r) = check_json(
        &fixture("trusted-publishing/own-index-upload"),
        &["--only", "trusted-publishing"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "trusted-publishing"),
        vec![(RELEASE.into(), 28, "block".into())]
    );
}

#[test]
fn a_changelog_that_hands_over_to_the_github_releases_page_is_not_a_missing_section() {
    // redux's CHANGELOG.md names no version and says every release is
    // documented on the GitHub Releases page.
    let (code, r) = check_json(
        &fixture("changelog-entry/on-github-releases"),
        &["--only", "changelog-entry"],
    );
    assert_eq!(code, 0);
    assert_eq!(verdict(&r, "changelog-entry"), "pass");
}

#[test]
fn changesets_v2_publish_script_input_is_a_publish() {
    // SvelteKit's release job hands changesets/action v2 its publish
    // command as `publish-script:`; the job publishes to npm and needs an
    // environment like any other publishing job.
    let (code, r) = check_json(&rw("changesets-publish-script"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 9, "block".into())]
    );
}

#[test]
fn a_changesets_publish_input_that_only_prints_publishes_nothing() {
    // A prerelease lane runs changesets/action to open the version pull
    // request and gives it `publish: echo …`: the action runs that command
    // instead of publishing, so the job is no publishing job and the
    // workflow no release workflow.
    let (code, r) = check_json(
        &fixture("publish-environment/changesets-version-only"),
        &["--only", "publish-environment,secrets-in-environment"],
    );
    assert_eq!(code, 0);
    assert_eq!(verdict(&r, "publish-environment"), "skip");
    assert_eq!(verdict(&r, "secrets-in-environment"), "skip");
    // The same lane handed `changeset publish` still publishes: the job
    // needs an environment and the bot key is a release secret.
    let (code, r) = check_json(
        &fixture("publish-environment/changesets-version-and-publish"),
        &["--only", "publish-environment,secrets-in-environment"],
    );
    assert_eq!(code, 1);
    let wf = ".github/workflows/prerelease.yml";
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(wf.into(), 9, "block".into())]
    );
    assert_eq!(
        findings(&r, "secrets-in-environment"),
        vec![(wf.into(), 19, "block".into())]
    );
}

#[test]
fn a_workspace_published_whole_holds_every_member_to_crates_io() {
    // biome runs `cargo publish --workspace`: every member not marked
    // `publish = false` goes to crates.io, internal-looking or not.
    let (code, r) = check_json(
        &fixture("package-metadata/whole-workspace-published"),
        &["--only", "package-metadata"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "package-metadata"),
        vec![("crates/util/Cargo.toml".into(), 1, "block".into())]
    );
}

#[test]
fn another_services_token_beside_an_oidc_publish_is_not_the_npm_token() {
    // A monorepo's release job holds `id-token: write` and publishes to npm
    // by OIDC; a build cache's token at workflow level and a coverage
    // service's token on the publish step authenticate to those services,
    // not to npm.
    let (code, r) = check_json(
        &fixture("trusted-publishing/oidc-with-cache-token"),
        &["--only", "trusted-publishing"],
    );
    assert_eq!(code, 0);
    assert_eq!(verdict(&r, "trusted-publishing"), "pass");
    // The same job with NODE_AUTH_TOKEN on the publish step still blocks:
    // holding the OIDC token does not excuse an npm token beside it.
    let (code, r) = check_json(
        &fixture("trusted-publishing/oidc-with-npm-token"),
        &["--only", "trusted-publishing"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "trusted-publishing"),
        vec![(RELEASE.into(), 27, "block".into())]
    );
    assert!(messages(&r, "trusted-publishing")[0].contains("NODE_AUTH_TOKEN"));
}

#[test]
fn deno_publish_is_a_publish_to_jsr() {
    // `deno publish` pushes the package to JSR with the job's OIDC token:
    // the job publishes (it needs an environment like any other) and uses
    // the `id-token: write` it holds. The dry run beside it publishes
    // nothing.
    let (code, r) = check_json(
        &fixture("publish-environment/jsr-deno-publish"),
        &[
            "--only",
            "publish-environment,oidc-scope,trusted-publishing",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 20, "block".into())]
    );
    assert!(messages(&r, "publish-environment")[0].contains("deno publish"));
    assert_eq!(verdict(&r, "oidc-scope"), "pass");
    assert_eq!(verdict(&r, "trusted-publishing"), "pass");
    // `deno publish` packs the checked-out source itself, like
    // `cargo publish`: a job of checkout, runtime setup and the publish
    // command is as small as it can be, and passes.
    let (_, r) = check_json(
        &fixture("publish-environment/jsr-deno-publish"),
        &["--only", "publish-isolation"],
    );
    assert_eq!(verdict(&r, "publish-isolation"), "pass");
}

#[test]
fn a_powershell_script_that_pushes_to_nuget_publishes() {
    // The step hands a registry key to `./build/upload.ps1`, whose
    // `dotnet nuget push` is the publish: the job publishes and the key is
    // a release secret. A PowerShell script that pushes nothing
    // (`pwsh -File build/list.ps1`) adds no publish.
    let (code, r) = check_json(
        &fixture("publish-environment/powershell-push-script"),
        &["--only", "publish-environment,secrets-in-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 11, "block".into())]
    );
    let m = &messages(&r, "publish-environment")[0];
    assert!(m.contains("dotnet nuget push"), "{m}");
    assert!(m.contains("build/upload.ps1:8"), "{m}");
    assert_eq!(
        findings(&r, "secrets-in-environment"),
        vec![(RELEASE.into(), 22, "block".into())]
    );
}

#[test]
fn a_release_task_after_configured_rubygems_credentials_publishes() {
    // rubygems/configure-rubygems-credentials writes a RubyGems key for the
    // steps after it, so `bundle exec rake release` there pushes the gem:
    // the job publishes. The same task name in a job with no configured
    // credentials is not taken for a publish.
    let (code, r) = check_json(
        &fixture("publish-environment/rubygems-credentials-then-release-task"),
        &["--only", "publish-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 11, "block".into())]
    );
    let m = &messages(&r, "publish-environment")[0];
    assert!(m.contains("rake release"), "{m}");
    assert!(m.contains("`gem`"), "{m}");
}

#[test]
fn a_release_tools_publish_with_provenance_publishes_to_npm_by_oidc() {
    // `yarn release-tool publish --yes --provenance`: the monorepo's own
    // publisher, given npm's provenance flag, publishes to npm with the
    // job's OIDC token. The job publishes (the workflow is a release, so its
    // other job's movable ref blocks) and the `id-token: write` is used.
    let (code, r) = check_json(
        &fixture("oidc-scope/release-tool-provenance"),
        &["--only", "oidc-scope,publish-environment,actions-pinned"],
    );
    assert_eq!(code, 1);
    assert_eq!(verdict(&r, "oidc-scope"), "pass", "{r:#}");
    assert_eq!(verdict(&r, "publish-environment"), "pass", "{r:#}");
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![(RELEASE.into(), 21, "block".into())]
    );
}

#[test]
fn cancelling_a_docs_only_hex_publish_warns_where_a_package_publish_blocks() {
    // `mix hex.publish docs` uploads the docs of a version already on Hex:
    // a run cancelled for a newer one leaves no half release, so
    // `cancel-in-progress: true` is a warning. The same workflow running
    // `mix hex.publish` (the package) still blocks.
    let (code, r) = check_json(
        &fixture("release-concurrency/docs-publish-cancels"),
        &["--only", "release-concurrency"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        findings(&r, "release-concurrency"),
        vec![(".github/workflows/docs.yml".into(), 6, "warn".into())]
    );
    assert!(messages(&r, "release-concurrency")[0].contains("only publishes docs"));
    let (code, r) = check_json(
        &fixture("release-concurrency/package-publish-cancels"),
        &["--only", "release-concurrency"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "release-concurrency"),
        vec![(".github/workflows/publish.yml".into(), 6, "block".into())]
    );
}

#[test]
fn cancelling_a_snapshot_only_maven_publish_warns_where_a_release_blocks() {
    // A Gradle workflow that sets its version to `…-SNAPSHOT` before
    // publishing only publishes snapshots: the run a newer push cancels is
    // replaced by a newer snapshot, so `cancel-in-progress: true` warns.
    // The same workflow with the tag's version is a release, and blocks.
    let (code, r) = check_json(
        &fixture("release-concurrency/snapshot-publish-cancels"),
        &["--only", "release-concurrency"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "release-concurrency"),
        vec![
            (".github/workflows/release.yml".into(), 7, "block".into()),
            (".github/workflows/snapshot.yml".into(), 7, "warn".into()),
        ]
    );
    assert!(messages(&r, "release-concurrency")[1].contains("only publishes snapshot builds"));
}

#[test]
fn create_gh_release_action_makes_a_release_workflow() {
    // tokio-rs/tracing: a tag push runs only `taiki-e/create-gh-release-action`,
    // which creates the GitHub release from the changelog, as `gh release
    // create` does; the workflow ships, so its movable ref blocks.
    let (code, r) = check_json(&fixture("actions-pinned/create-gh-release-action"), &[]);
    assert_eq!(code, 1);
    assert_eq!(verdict(&r, "actions-pinned"), "block");
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![(RELEASE.into(), 19, "block".into())]
    );
    assert!(messages(&r, "actions-pinned")[0].contains("taiki-e/create-gh-release-action@v1"));
}

#[test]
fn a_changesets_snapshot_action_publishes_by_oidc() {
    // vanilla-extract: `seek-oss/changesets-snapshot` versions the changed
    // packages as snapshots and publishes them to npm by OIDC, so the job
    // that runs it uses its `id-token: write`; the lint job beside it does
    // not and still blocks.
    let (code, r) = check_json(
        &fixture("oidc-scope/changesets-snapshot-action"),
        &["--only", "oidc-scope,publish-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "oidc-scope"),
        vec![(".github/workflows/snapshot.yml".into(), 41, "block".into())]
    );
    assert!(messages(&r, "oidc-scope")[0].contains("job `lint`"));
    // The snapshot job is a publishing job, and it has its environment.
    assert_eq!(verdict(&r, "publish-environment"), "pass");
}

#[test]
fn maturin_action_upload_is_a_pypi_publish() {
    // git-cliff, typos: `PyO3/maturin-action` with `command: upload` sends
    // the wheels to PyPI (here with a token); `command: build` only builds.
    let (code, r) = check_json(
        &fixture("publish-environment/maturin-action-upload"),
        &["--only", "publish-environment,trusted-publishing"],
    );
    assert_eq!(code, 1);
    let wf = ".github/workflows/wheels.yml";
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(wf.into(), 31, "block".into())]
    );
    assert!(messages(&r, "publish-environment")[0].contains("job `upload`"));
    assert_eq!(
        findings(&r, "trusted-publishing"),
        vec![(wf.into(), 43, "block".into())]
    );
}

#[test]
fn a_tox_release_environment_given_a_pypi_token_publishes() {
    // `tox -e release` with TWINE_PASSWORD from a secret: tox.ini's release
    // environment runs `twine upload`, so the job publishes to PyPI with a
    // long-lived token where trusted publishing exists. `tox -e py312` in
    // the test job is no publish.
    let (code, r) = check_json(
        &fixture("trusted-publishing/tox-release-environment"),
        &["--only", "trusted-publishing,publish-environment"],
    );
    assert_eq!(code, 1);
    let ci = ".github/workflows/ci.yml";
    assert_eq!(
        findings(&r, "trusted-publishing"),
        vec![(ci.into(), 29, "block".into())],
        "{r:#}"
    );
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(ci.into(), 17, "block".into())],
        "{r:#}"
    );
    let m = &messages(&r, "publish-environment")[0];
    assert!(m.contains("tox -e release"), "{m}");
}

#[test]
fn a_release_task_in_a_job_that_never_runs_publishes_nothing() {
    // The same release job, in a workflow only branch pushes start, waits
    // for a tag ref that never comes: left-over code, no release path.
    let tmp = copy_fixture("trusted-publishing/tox-release-environment");
    let wf = ".github/workflows/ci.yml";
    let text = std::fs::read_to_string(tmp.path().join(wf)).unwrap();
    let text = text.replace("    tags: [\"v*\"]\n", "").replace(
        "if: github.ref_type == 'tag'",
        "if: contains(github.ref, 'refs/tags/')",
    );
    write(tmp.path(), wf, text);
    let (code, r) = check_json(
        tmp.path(),
        &["--only", "trusted-publishing,publish-environment"],
    );
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(verdict(&r, "trusted-publishing"), "skip", "{r:#}");
    assert_eq!(verdict(&r, "publish-environment"), "skip", "{r:#}");
}

#[test]
fn nx_release_publish_publishes_unless_the_dry_run_is_fixed_on() {
    // `nx release publish` pushes every releasable project of an Nx
    // workspace to npm. `--dry-run` alone makes it a rehearsal; a dry-run
    // switch whose value the run fills in (`--dry-run="$REHEARSE"`, from a
    // dispatch input) is the same line that makes the real release, so
    // that job publishes, and it declares no environment.
    let (code, r) = check_json(
        &fixture("publish-environment/nx-release-publish"),
        &["--only", "publish-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 23, "block".into())]
    );
    let m = &messages(&r, "publish-environment")[0];
    assert!(
        m.contains("`packages`") && m.contains("nx release publish"),
        "{m}"
    );
}

#[test]
fn jvm_builds_publish_from_anywhere_in_their_goal_list() {
    // Maven, Gradle and sbt run a list of goals: `mvn clean deploy` and
    // `./gradlew build publishToSonatype` publish though the publishing goal
    // is not the first word after the program. Installing into the local
    // repository, a skipped deploy, an excluded task and a dry run do not.
    let (code, r) = check_json(
        &fixture("publish-environment/jvm-goal-lists"),
        &["--only", "publish-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![
            (RELEASE.into(), 10, "block".into()),
            (RELEASE.into(), 18, "block".into()),
            (RELEASE.into(), 24, "block".into()),
        ]
    );
    let m = messages(&r, "publish-environment").join("\n");
    assert!(
        m.contains("`maven`") && m.contains("`gradle`") && m.contains("`scala`"),
        "{m}"
    );
    assert!(!m.contains("local-only"), "{m}");
}

#[test]
fn npm_release_tools_and_workspace_runners_publish() {
    // `yarn workspaces foreach … npm publish` publishes every workspace;
    // `changelogen --publish` runs npm publish; a release tool handed the
    // npm token publishes with it. Their dry runs, and a foreach that only
    // builds, publish nothing.
    let (code, r) = check_json(
        &fixture("publish-environment/npm-release-tools"),
        &["--only", "publish-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![
            (RELEASE.into(), 10, "block".into()),
            (RELEASE.into(), 14, "block".into()),
            (RELEASE.into(), 18, "block".into()),
            (RELEASE.into(), 24, "block".into()),
        ]
    );
    let m = messages(&r, "publish-environment").join("\n");
    assert!(!m.contains("rehearse"), "{m}");
}

#[test]
fn cargo_release_executed_and_extension_uploads_publish() {
    // `cargo release --execute` publishes; without `--execute`, or as its
    // tag step, it does not. The marketplace upload action publishes.
    let (code, r) = check_json(
        &fixture("publish-environment/cargo-release-and-extensions"),
        &["--only", "publish-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![
            (RELEASE.into(), 10, "block".into()),
            (RELEASE.into(), 18, "block".into()),
        ]
    );
    let m = messages(&r, "publish-environment").join("\n");
    assert!(!m.contains("rehearsal"), "{m}");
}

#[test]
fn a_call_of_a_known_publishing_reusable_workflow_makes_a_release_workflow() {
    // dart-lang/setup-dart's publish workflow mints the OIDC token and
    // publishes the caller's package: the caller is a release workflow and
    // its movable `@v1` blocks.
    let (code, r) = check_json(
        &fixture("actions-pinned/remote-publish-workflow"),
        &["--only", "actions-pinned,oidc-scope"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![(".github/workflows/publish.yml".into(), 10, "block".into())]
    );
    assert!(findings(&r, "oidc-scope").is_empty());
}

#[test]
fn a_gradle_publish_task_among_others_publishes_to_maven_central() {
    // `./gradlew githubRelease publishToSonatype closeAndRelease…`: the
    // Nexus plugin's publish task, not first among the tasks, still pushes
    // the library to Maven Central.
    let (code, r) = check_json(
        &fixture("publish-environment/gradle-central-tasks"),
        &["--only", "publish-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(".github/workflows/ci.yml".into(), 19, "block".into())]
    );
    let m = &messages(&r, "publish-environment")[0];
    assert!(m.contains("publishToSonatype"), "{m}");

    // To the local Maven repository nothing leaves the runner.
    let tmp = copy_fixture("publish-environment/gradle-central-tasks");
    edit(
        tmp.path(),
        ".github/workflows/ci.yml",
        "publishToSonatype",
        "publishToMavenLocal",
    );
    let (code, r) = check_json(tmp.path(), &["--only", "publish-environment"]);
    assert_eq!(code, 0);
    assert_eq!(verdict(&r, "publish-environment"), "skip", "{r:#}");
}

#[test]
fn a_release_task_run_by_gem_exec_after_rubygems_credentials_publishes() {
    // `gem exec rake gems:release` runs rake like `bundle exec` does: after
    // configure-rubygems-credentials, the release task pushes the gems.
    let tmp = copy_fixture("publish-environment/rubygems-credentials-then-release-task");
    edit(
        tmp.path(),
        RELEASE,
        "bundle exec rake release\n",
        "gem exec rake gems:release\n",
    );
    let (code, r) = check_json(tmp.path(), &["--only", "publish-environment"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 11, "block".into())]
    );
    assert!(messages(&r, "publish-environment")[0].contains("rake gems:release"));
}

#[test]
fn an_image_build_that_pushes_makes_a_release_workflow() {
    // `docker buildx build --push` and `ko build` push what they build: the
    // workflow ships a container image. `--load` and `ko build --local`
    // keep it on the runner.
    let (code, r) = check_json(
        &fixture("workflow-permissions/image-builds-that-push"),
        &["--only", "workflow-permissions"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "workflow-permissions"),
        vec![(".github/workflows/images.yml".into(), 1, "block".into())]
    );
}

#[test]
fn a_vs_code_extension_manifest_is_not_an_npm_package() {
    // `engines.vscode` makes package.json an extension manifest: its
    // `main` is the file VS Code loads and vsce ships it to the
    // Marketplace, so npm's expectations (a `license` field) do not apply.
    // A library beside it with the same gaps still warns.
    let (code, r) = check_json(
        &fixture("package-metadata/vscode-extension"),
        &["--only", "package-metadata"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        findings(&r, "package-metadata"),
        vec![("lib/package.json".into(), 1, "warn".into())]
    );
}

#[test]
fn a_maven_deploy_to_a_folder_stages_and_the_upload_publishes() {
    // `deploy -DaltDeploymentRepository=local::file:…` writes the staging
    // folder on the runner: job `stage` publishes nothing. The job that
    // runs JReleaser's deploy uploads it to Maven Central and still needs
    // an environment.
    let (code, r) = check_json(
        &fixture("publish-environment/maven-staging-folder"),
        &["--only", "publish-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 16, "block".into())]
    );
}

#[test]
fn a_maven_plugins_deploy_goal_ships_an_app_not_a_package() {
    // `appengine:deploy` and `site:deploy` ship an application and a
    // site: job `app` publishes nothing to a registry. The `deploy` phase
    // in job `library` uploads to the POM's repository and still needs an
    // environment.
    let (code, r) = check_json(
        &fixture("publish-environment/maven-app-deploy"),
        &["--only", "publish-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 13, "block".into())]
    );
}

#[test]
fn a_plugin_portal_validation_run_publishes_nothing() {
    // `publishPlugins --validate-only` checks the plugin against the
    // Gradle Plugin Portal and uploads nothing: job `validate` is not a
    // publishing job. The real `publishPlugins` on tags still needs an
    // environment.
    let (code, r) = check_json(
        &fixture("publish-environment/gradle-plugin-validate"),
        &["--only", "publish-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 13, "block".into())]
    );
}

#[test]
fn an_image_pushed_to_a_registry_without_tls_is_a_test_not_a_release() {
    // `ko publish --insecure-registry` and `helm push --plain-http` reach a
    // registry started on the runner for an end-to-end test: `e2e.yml` is
    // no release workflow and its movable ref only warns. The same push
    // without those flags (`images.yml`) ships an image and still blocks.
    let (code, r) = check_json(
        &fixture("actions-pinned/image-push-to-test-registry"),
        &["--only", "actions-pinned"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![
            (".github/workflows/e2e.yml".into(), 10, "warn".into()),
            (".github/workflows/images.yml".into(), 12, "block".into()),
        ]
    );
}

#[test]
fn jupyter_releasers_finalize_step_publishes_by_oidc_and_its_drafting_steps_do_not() {
    // `…/jupyter_releaser/.github/actions/finalize-release` uploads to PyPI
    // by trusted publishing: the job running it publishes (in an
    // environment) and uses its `id-token: write`. A job that runs only
    // `prep-release` publishes nothing and its grant still blocks.
    let (code, r) = check_json(
        &fixture("oidc-scope/jupyter-releaser-finalize"),
        &["--only", "oidc-scope,publish-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "oidc-scope"),
        vec![(RELEASE.into(), 10, "block".into())]
    );
    assert_eq!(verdict(&r, "publish-environment"), "pass", "{r:#}");
}

#[test]
fn a_jsr_package_run_by_deno_that_publishes_on_tag_is_a_jsr_publish() {
    // `deno run -A jsr:@david/publish-on-tag@0.1.4` runs `deno publish` by
    // trusted publishing: the job publishes to JSR and uses its OIDC
    // grant. A job running a local Deno script with the same grant still
    // blocks.
    let (code, r) = check_json(
        &fixture("oidc-scope/deno-publish-on-tag"),
        &["--only", "oidc-scope,publish-environment"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "oidc-scope"),
        vec![(RELEASE.into(), 11, "block".into())]
    );
    assert_eq!(verdict(&r, "publish-environment"), "pass", "{r:#}");
}

#[test]
fn vite_plus_package_manager_publish_uses_the_oidc_token() {
    // `vp pm publish` is Vite+ handing `publish` to the project's package
    // manager: the job publishes to npm by trusted publishing, so its
    // `id-token: write` is used.
    let (code, r) = check_json(&rw("vite-plus-publish"), &[]);
    assert_eq!(
        verdict(&r, "oidc-scope"),
        "pass",
        "{:#?}",
        findings(&r, "oidc-scope")
    );
    assert_eq!(verdict(&r, "trusted-publishing"), "pass");
    assert_eq!(code, 0);

    // Handed an npm token instead, the same publish blocks
    // trusted-publishing; with only the dry run left, the grant is unused.
    let tmp = copy_fixture("realworld/vite-plus-publish");
    let text = std::fs::read_to_string(tmp.path().join(RELEASE)).unwrap();
    write(
        tmp.path(),
        RELEASE,
        text.replace(
            "        run: vp pm publish --access public --no-git-checks",
            "        run: vp pm publish --access public --no-git-checks\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}",
        ),
    );
    let (code, r) = check_json(tmp.path(), &["--only", "trusted-publishing"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "trusted-publishing"),
        vec![(RELEASE.into(), 47, "block".into())]
    );
    write(
        tmp.path(),
        RELEASE,
        text.replace(
            "        run: vp pm publish --access public --no-git-checks\n",
            "",
        )
        .replace("      - name: Publish\n", ""),
    );
    let (code, r) = check_json(tmp.path(), &["--only", "oidc-scope"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "oidc-scope"),
        vec![(RELEASE.into(), 35, "block".into())]
    );
}

#[test]
fn renovate_json5_reads_escaped_characters_as_themselves() {
    // JSON5 reads `\.` in a string as `.` (any escaped character but a
    // digit stands for itself): a Renovate pattern written that way is a
    // config Renovate runs, not a file shipgate cannot judge.
    let (code, r) = check_json(
        &rw("renovate-json5-escapes"),
        &["--only", "actions-updates"],
    );
    assert_eq!(
        verdict(&r, "actions-updates"),
        "pass",
        "{:#?}",
        messages(&r, "actions-updates")
    );
    assert_eq!(code, 0);

    // The same file turning the github-actions manager off still warns,
    // at the switch.
    let tmp = copy_fixture("realworld/renovate-json5-escapes");
    let cfg = ".github/renovate.json5";
    edit(
        tmp.path(),
        cfg,
        "  \"github-actions\": {\n",
        "  \"github-actions\": {\n    enabled: false,\n",
    );
    let (_, r) = check_json(tmp.path(), &["--only", "actions-updates"]);
    assert_eq!(
        findings(&r, "actions-updates"),
        vec![(cfg.into(), 11, "warn".into())]
    );
    assert!(messages(&r, "actions-updates")[0].contains("enabled: false"));
}

#[test]
fn a_nextra_root_link_is_read_from_the_locale_content_folder() {
    // Nextra serves `content/` from the site's root; with Next.js i18n
    // locales each `content/<locale>/` is a root of its own, so
    // `/docs/options` from `content/es/docs/…` is `content/es/docs/options.mdx`.
    // A page no locale has, and one only another locale has, still warn.
    let (code, r) = check_json(
        &fixture("docs-links/nextra-locales"),
        &["--only", "docs-links"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        findings(&r, "docs-links"),
        vec![
            (
                "site/content/en/docs/global-configuration.md".into(),
                7,
                "warn".into()
            ),
            (
                "site/content/es/docs/global-configuration.md".into(),
                5,
                "warn".into()
            ),
        ]
    );
}

#[test]
fn a_version_written_with_one_placeholder_letter_per_digit_is_a_pattern() {
    // `.changes/v1.XX/` names the folder of whichever release line the
    // reader means, as `v1.x` would; a real line's folder that is gone
    // (`.changes/v1.9/`) still blocks in a release doc.
    let (code, r) = check_json(
        &fixture("docs-links/version-digits-placeholder"),
        &["--only", "docs-links"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "docs-links"),
        vec![("RELEASING.md".into(), 8, "block".into())]
    );
}

#[test]
fn a_shell_checkout_action_checks_out_the_source() {
    // taiki-e/checkout-action checks the repository out as
    // actions/checkout does: a job that publishes after it works from the
    // source tree, which publish-isolation warns about at that step.
    let (code, r) = check_json(
        &rw("shell-checkout-action"),
        &["--only", "publish-isolation"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        findings(&r, "publish-isolation"),
        vec![(RELEASE.into(), 20, "warn".into())]
    );
    assert!(messages(&r, "publish-isolation")[0].contains("checks out the source"));
}

#[test]
fn a_publish_behind_a_workspace_package_script_is_followed() {
    // The root's `npm run release` runs `npm run publish-package
    // --workspace=packages/core --workspace=packages/cli`: each workspace's
    // own script publishes. The job that runs `npm run deploy` in
    // tools/site only builds.
    let only = ["--only", "publish-environment"];
    let (code, r) = check_json(&rw("workspace-package-script"), &only);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 13, "block".into())]
    );
    let messages = finding_messages(&r, "publish-environment");
    assert!(
        messages[0].2.contains("packages/core/package.json:6"),
        "{messages:?}"
    );

    // The workspaces named before the script (`npm -w A -w B run X`) are
    // read the same way.
    let tmp = copy_fixture("realworld/workspace-package-script");
    edit(
        tmp.path(),
        "package.json",
        "npm run publish-package --workspace=packages/core --workspace=packages/cli",
        "npm -w packages/core -w packages/cli run publish-package",
    );
    let (code, r) = check_json(tmp.path(), &only);
    assert_eq!(code, 1);
    let messages = finding_messages(&r, "publish-environment");
    assert!(
        messages[0].2.contains("packages/core/package.json:6"),
        "{messages:?}"
    );

    // The folder a step runs in is where its package script is read: the
    // site's `deploy` that publishes makes that job a publishing job too.
    let tmp = copy_fixture("realworld/workspace-package-script");
    write(
        tmp.path(),
        "tools/site/package.json",
        r#"{"name": "acme-site", "scripts": {"deploy": "npm publish"}}"#,
    );
    let (code, r) = check_json(tmp.path(), &only);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![
            (RELEASE.into(), 13, "block".into()),
            (RELEASE.into(), 29, "block".into())
        ]
    );

    // The same from a step of a local composite action.
    edit(
        tmp.path(),
        RELEASE,
        "      - run: npm run deploy\n        working-directory: tools/site\n",
        "      - uses: ./.github/actions/deploy\n",
    );
    write(
        tmp.path(),
        ".github/actions/deploy/action.yml",
        "name: Deploy\ndescription: Deploys the site\nruns:\n  using: composite\n  steps:\n    - run: npm run deploy\n      shell: bash\n      working-directory: tools/site\n",
    );
    let (code, r) = check_json(tmp.path(), &only);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![
            (RELEASE.into(), 13, "block".into()),
            (RELEASE.into(), 29, "block".into())
        ]
    );

    // A workspace named by its package name cannot be told from the
    // command: its script is not followed. The step is still handed the
    // npm token, so it is judged as publishing by that alone.
    let tmp = copy_fixture("realworld/workspace-package-script");
    write(
        tmp.path(),
        "package.json",
        r#"{"name": "acme-root", "scripts": {"release": "npm run publish-package --workspace=@acme/core"}}"#,
    );
    let (code, r) = check_json(tmp.path(), &only);
    assert_eq!(code, 1);
    let messages = finding_messages(&r, "publish-environment");
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].2.contains("(npm run release)"), "{messages:?}");
}

#[test]
fn a_fork_guard_does_not_hide_a_release_job() {
    // `if: github.repository == 'acme/widget'` keeps the job from running
    // in forks; upstream it runs, and its `rake release:widget-core`
    // pushes the gem with the credentials configured before it. The job
    // declares no environment: publish-environment blocks at the job.
    // `leftover.yml` wants a tag in a workflow only branch pushes start:
    // that job never runs, fork guard or not, and is no release path.
    publishing_job_blocks_once("fork-guarded-release", 10, "release:widget-core");
}

#[test]
fn a_release_tool_run_by_the_package_manager_publishes() {
    // `yarn lerna publish from-package` runs lerna's binary, as `npx lerna`
    // would: job `canary` publishes to npm and declares no environment.
    // `yarn lerna run build` in job `build` publishes nothing.
    publishing_job_blocks_once("package-manager-bin-publish", 19, "`canary`");
}

#[test]
fn a_task_handed_a_registry_key_in_its_arguments_publishes() {
    // `dotnet make publish --nuget-key=…` runs the build script's Publish
    // task with the NuGet key: job `nuget` publishes and declares no
    // environment. Job `test` is handed the same key for a task that
    // releases nothing: no publishing job.
    publishing_job_blocks_once("task-handed-registry-key", 16, "`nuget`");
}

/// Fixture `realworld/NAME` blocks publish-environment once, at `line` of
/// its release workflow (the publishing job), naming `needle`.
fn publishing_job_blocks_once(name: &str, line: u64, needle: &str) {
    let (code, r) = check_json(&rw(name), &["--only", "publish-environment"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), line, "block".into())]
    );
    assert!(
        messages(&r, "publish-environment")[0].contains(needle),
        "{:?}",
        messages(&r, "publish-environment")
    );
}

#[test]
fn a_gate_running_tests_across_workspace_packages_that_ci_splits_into_jobs_warns() {
    // The gate runs `test` in every package a filter selects; CI runs
    // `test` per package, one matrix job each. shipgate does not resolve
    // which packages a filter selects, so it cannot tell whether the jobs
    // cover the gate's packages: a warning, never a block.
    let dir = rw("workspace-split-tests");
    let (code, r) = check_json(&dir, &["--only", "ci-equivalence"]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(
        findings(&r, "ci-equivalence"),
        vec![("package.json".into(), 6, "warn".into())]
    );
    let msg = &messages(&r, "ci-equivalence")[0];
    assert!(
        msg.contains("runs `test` across workspace packages"),
        "{msg}"
    );
    assert!(msg.contains("cannot tell"), "{msg}");

    // Positive control: CI runs another script across packages, never
    // `test`: the gate's tests run nowhere in CI, which blocks.
    let tmp = copy_fixture("realworld/workspace-split-tests");
    edit(
        tmp.path(),
        "package.json",
        "\"test:part:cli\": \"pnpm --filter ./packages/cli run test\"",
        "\"test:part:cli\": \"pnpm --filter ./packages/cli run build\"",
    );
    edit(
        tmp.path(),
        "package.json",
        "\"test:part:core\": \"pnpm --filter ./packages/core run test\"",
        "\"test:part:core\": \"pnpm --filter ./packages/core run build\"",
    );
    let (code, r) = check_json(tmp.path(), &["--only", "ci-equivalence"]);
    assert_eq!(code, 1, "{r}");
    assert_eq!(
        findings(&r, "ci-equivalence"),
        vec![("package.json".into(), 6, "block".into())]
    );

    // Positive control: the test job is gone.
    let tmp = copy_fixture("realworld/workspace-split-tests");
    edit(
        tmp.path(),
        ".github/workflows/ci.yml",
        "pnpm run test:part:${{ matrix.part }}",
        "pnpm lint",
    );
    let (code, r) = check_json(tmp.path(), &["--only", "ci-equivalence"]);
    assert_eq!(code, 1, "{r}");
    assert_eq!(
        findings(&r, "ci-equivalence"),
        vec![("package.json".into(), 6, "block".into())]
    );
}

#[test]
fn a_path_the_prose_places_in_the_past_is_no_claim() {
    // "the code that once lived in the tool's `lib/settings/` folder" tells
    // where the code used to be, wrapped over a line break; `lib/` exists,
    // `lib/settings/` does not, and the README claims nothing. The same
    // path said to live there now is a stale claim in a release doc.
    let only = ["--only", "docs-links"];
    let (code, r) = check_json(&rw("past-location-prose"), &only);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(findings(&r, "docs-links"), vec![]);

    let tmp = copy_fixture("realworld/past-location-prose");
    edit(
        tmp.path(),
        "README.md",
        "it is the code that once\nlived in",
        "its code lives in",
    );
    let (code, r) = check_json(tmp.path(), &only);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "docs-links"),
        vec![("README.md".into(), 5, "block".into())]
    );
}

#[test]
fn a_markdown_snippets_source_is_judged_by_its_rendered_page() {
    // `docs/mdsource/naming.source.md` is rendered to `docs/naming.md`, and
    // its `scrubbing.md` link is written for there: the page is judged, the
    // source is not (nothing is missing).
    let only = ["--only", "docs-links"];
    let (code, r) = check_json(&rw("snippets-template-sources"), &only);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(findings(&r, "docs-links"), vec![]);

    // A broken link in the rendered page still warns there.
    let tmp = copy_fixture("realworld/snippets-template-sources");
    edit(
        tmp.path(),
        "docs/naming.md",
        "[scrubbing](scrubbing.md)",
        "[scrubbing](scrub.md)",
    );
    let (_, r) = check_json(tmp.path(), &only);
    assert_eq!(
        findings(&r, "docs-links"),
        vec![("docs/naming.md".into(), 8, "warn".into())]
    );

    // A source not rendered yet is the only copy of its text: judged as it
    // is, where its `scrubbing.md` is missing; the links to the page that
    // is not there are broken too (the README's blocks).
    let tmp = copy_fixture("realworld/snippets-template-sources");
    std::fs::remove_file(tmp.path().join("docs/naming.md")).unwrap();
    let (_, r) = check_json(tmp.path(), &only);
    assert_eq!(
        findings(&r, "docs-links"),
        vec![
            ("docs/mdsource/naming.source.md".into(), 3, "warn".into()),
            ("docs/scrubbing.md".into(), 8, "warn".into()),
            ("readme.md".into(), 10, "block".into())
        ]
    );
}

#[test]
fn a_chocolatey_or_snap_store_push_publishes() {
    // `choco push` to the community repository and
    // `snapcore/action-publish` with store credentials are registry
    // publishes: neither job declares an environment.
    let only = ["--only", "publish-environment"];
    let (code, r) = check_json(&rw("store-publish"), &only);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![
            (RELEASE.into(), 17, "block".into()),
            (RELEASE.into(), 34, "block".into())
        ]
    );

    // ci.yml runs the packaging script, whose `choco push` waits for a key
    // the step never hands over: it packs and pushes nothing. Handed the
    // key, the same step publishes, in a workflow that runs on pull
    // requests with no environment.
    let tmp = copy_fixture("realworld/store-publish");
    edit(
        tmp.path(),
        ".github/workflows/ci.yml",
        "          WIDGET_VERSION: v0.0.0\n",
        "          WIDGET_VERSION: v0.0.0\n          PUSH_TOKEN: ${{ secrets.CHOCO_TOKEN }}\n",
    );
    let (code, r) = check_json(tmp.path(), &only);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![
            (".github/workflows/ci.yml".into(), 12, "block".into()),
            (RELEASE.into(), 17, "block".into()),
            (RELEASE.into(), 34, "block".into())
        ]
    );

    // Installing the packed package locally to test it publishes nothing.
    let tmp = copy_fixture("realworld/store-publish");
    edit(
        tmp.path(),
        RELEASE,
        "choco push widget*.nupkg --source https://push.chocolatey.org/ --api-key \"$CHOCO_API_KEY\"",
        "choco install widget -s .",
    );
    let (code, r) = check_json(tmp.path(), &only);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(RELEASE.into(), 34, "block".into())]
    );
}

#[test]
fn links_into_api_pages_a_typedoc_plugin_writes_at_build_are_not_missing() {
    // docusaurus-plugin-typedoc-api writes a page per exported symbol under
    // `/api` when the site builds: no file in the tree holds those pages,
    // as with pages in an ignored folder. A broken link to a docs page
    // beside them still warns.
    let dir = rw("typedoc-api-pages");
    let (_, r) = check_json(&dir, &["--only", "docs-links"]);
    assert_eq!(
        findings(&r, "docs-links"),
        vec![("docs/docs/intro.md".into(), 4, "warn".into())]
    );
    assert!(messages(&r, "docs-links")[0].contains("`/docs/guide`"));

    // Positive control: without the plugin, `/api` pages are missing.
    let tmp = copy_fixture("realworld/typedoc-api-pages");
    edit(
        tmp.path(),
        "docs/docusaurus.config.js",
        "'docusaurus-plugin-typedoc-api'",
        "'docusaurus-plugin-sitemap'",
    );
    let (_, r) = check_json(tmp.path(), &["--only", "docs-links"]);
    assert_eq!(
        findings(&r, "docs-links"),
        vec![
            ("docs/docs/intro.md".into(), 3, "warn".into()),
            ("docs/docs/intro.md".into(), 4, "warn".into()),
            ("docs/docs/intro.md".into(), 6, "warn".into()),
        ]
    );
}

#[test]
fn a_file_the_command_just_shown_changes_is_not_cited_as_there() {
    // "This modifies `.changeset/pre.json`" right after the command that
    // enters prerelease mode names the state that command keeps, which a
    // tree outside prerelease mode does not hold; so does every other
    // citation of it in the guide, the one before that sentence too. A
    // file the guide says is read, missing beside one that exists, still
    // blocks.
    let (code, r) = check_json(&rw("command-state-file"), &["--only", "docs-links"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "docs-links"),
        vec![("RELEASING.md".into(), 24, "block".into())]
    );

    // Said of commands that only read it, the same path is a claim each time.
    let tmp = copy_fixture("realworld/command-state-file");
    edit(
        tmp.path(),
        "RELEASING.md",
        "This modifies `.changeset/pre.json`.",
        "This reads `.changeset/pre.json`.",
    );
    edit(
        tmp.path(),
        "RELEASING.md",
        "This removes `.changeset/pre.json` again.",
        "This reads `.changeset/pre.json` again.",
    );
    let (_, r) = check_json(tmp.path(), &["--only", "docs-links"]);
    assert_eq!(
        findings(&r, "docs-links"),
        vec![
            ("RELEASING.md".into(), 3, "block".into()),
            ("RELEASING.md".into(), 11, "block".into()),
            ("RELEASING.md".into(), 19, "block".into()),
            ("RELEASING.md".into(), 24, "block".into())
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_target_ending_in_a_line_break_is_named_as_the_reason() {
    // A root README linked to a package's README, its target written with
    // the newline of a text file: no checkout has a file of that name, so
    // the link dangles; the finding says why, since the name looks right.
    // The same link without the newline is read through.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "packages/lib/README.md", "# lib\n");
    std::os::unix::fs::symlink("packages/lib/README.md\n", root.join("README.md")).unwrap();
    let (code, r) = check_json(root, &["--only", "docs-links"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "docs-links"),
        vec![("README.md".into(), 1, "block".into())]
    );
    let msg = &messages(&r, "docs-links")[0];
    assert!(
        msg.contains("`packages/lib/README.md` ends in a line break"),
        "{msg}"
    );

    std::fs::remove_file(root.join("README.md")).unwrap();
    std::os::unix::fs::symlink("packages/lib/README.md", root.join("README.md")).unwrap();
    let (code, r) = check_json(root, &["--only", "docs-links"]);
    assert_eq!(code, 0);
    assert!(findings(&r, "docs-links").is_empty());
}

#[test]
fn makefile_variables_that_name_variables_read_the_same_every_run() {
    // `PYTHON = $(VENV_BIN)/python` with `VENV_BIN = $(VENV)/bin`: make
    // expands the chain to `.venv/bin/python`. Read in the order a seeded
    // map held them, the chain stopped part way on most runs (`/python`),
    // and the report changed from one run to the next. Every run now
    // reads the whole chain; the release still publishes with a token.
    for _ in 0..4 {
        let (code, r) = check_json(&rw("make-chained-variables"), &[]);
        assert_eq!(code, 1);
        assert_eq!(
            findings(&r, "trusted-publishing"),
            vec![(RELEASE.into(), 22, "block".into())]
        );
        assert_eq!(
            findings(&r, "publish-isolation"),
            vec![
                (RELEASE.into(), 16, "warn".into()),
                ("Makefile".into(), 7, "warn".into()),
                ("Makefile".into(), 10, "warn".into()),
            ]
        );
        let m = messages(&r, "publish-isolation");
        assert!(
            m[1].contains("`.venv/bin/pip install build twine`"),
            "{}",
            m[1]
        );
        assert!(m[2].contains("`.venv/bin/python -m build`"), "{}", m[2]);
    }
}

#[test]
fn a_gate_script_run_in_one_package_is_run_by_ci_only_there_and_by_that_name() {
    // `pnpm --filter web lint` runs `lint` in the package `web`. CI running
    // `test` there does not run it, nor does `pnpm lint` at the root; the
    // same run with its flags in another order does.
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "package.json",
        r#"{"name": "m", "private": true, "scripts": {"ci": "pnpm --filter web lint && pnpm --filter web test"}}"#,
    );
    let wf = ".github/workflows/ci.yml";
    write(
        tmp.path(),
        wf,
        "on: pull_request\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pnpm --filter web test\n      - run: pnpm lint\n",
    );
    let only = ["--only", "ci-equivalence"];
    let (code, r) = check_json(tmp.path(), &only);
    assert_eq!(code, 1, "{r}");
    assert_eq!(
        findings(&r, "ci-equivalence"),
        vec![("package.json".into(), 1, "block".into())]
    );
    assert!(messages(&r, "ci-equivalence")[0].contains("`pnpm --filter web lint`"));

    edit(tmp.path(), wf, "pnpm lint", "pnpm lint --filter=web");
    let (code, r) = check_json(tmp.path(), &only);
    assert_eq!(code, 0, "{r}");
    assert_eq!(verdict(&r, "ci-equivalence"), "pass");
}

#[test]
fn images_pushed_only_to_registries_on_the_runner_ship_nothing() {
    // An end-to-end job loads images into kind (`KO_DOCKER_REPO=kind.local`),
    // pushes them to the cluster's registry on a loopback host (the job's
    // `env:`), and tags a build for `localhost:5000`: nothing leaves the
    // runner, so a workflow run on pull requests is no release workflow.
    const E2E: &str = ".github/workflows/e2e.yml";
    let only = ["--only", "release-triggers"];
    let (code, r) = check_json(&rw("local-registry-e2e"), &only);
    assert_eq!(code, 0);
    assert!(findings(&r, "release-triggers").is_empty());

    // Positive controls: each push sent to a registry off the runner ships,
    // and a pull request then reaches it.
    for (from, to) in [
        (
            "KO_DOCKER_REPO: registry.localhost:5000/demo",
            "KO_DOCKER_REPO: ghcr.io/example/demo",
        ),
        (
            "KO_DOCKER_REPO=kind.local ko apply",
            "KO_DOCKER_REPO=ghcr.io/example/demo ko apply",
        ),
        ("-t localhost:5000/demo:e2e", "-t ghcr.io/example/demo:e2e"),
    ] {
        let tmp = copy_fixture("realworld/local-registry-e2e");
        edit(tmp.path(), E2E, from, to);
        let (code, r) = check_json(tmp.path(), &only);
        assert_eq!(code, 1, "{to}");
        assert_eq!(
            findings(&r, "release-triggers"),
            vec![(E2E.into(), 4, "block".into())],
            "{to}"
        );
    }
}

#[test]
fn mkdocs_directory_urls_resolve_links_the_browser_follows_from_the_page_url() {
    // MkDocs serves docs/guide/setup.md at guide/setup/ and leaves a link
    // that names no Markdown file for the browser: `../../install` reaches
    // the install page from there. A link to a Markdown file is rewritten
    // from the file's folder, so `../../install.md` climbs out of the docs
    // and still warns, as does a page that is gone.
    const SETUP: &str = "docs/guide/setup.md";
    let only = ["--only", "docs-links"];
    let (_, r) = check_json(&rw("mkdocs-directory-urls"), &only);
    assert_eq!(
        findings(&r, "docs-links"),
        vec![
            (SETUP.into(), 7, "warn".into()),
            (SETUP.into(), 9, "warn".into())
        ]
    );

    // Positive control: with directory URLs off the page is guide/setup.html,
    // and `../../install` leaves the site.
    let tmp = copy_fixture("realworld/mkdocs-directory-urls");
    edit(
        tmp.path(),
        "mkdocs.yml",
        "site_name: demo\n",
        "site_name: demo\nuse_directory_urls: false\n",
    );
    let (_, r) = check_json(tmp.path(), &only);
    assert_eq!(
        findings(&r, "docs-links"),
        vec![
            (SETUP.into(), 3, "warn".into()),
            (SETUP.into(), 7, "warn".into()),
            (SETUP.into(), 9, "warn".into())
        ]
    );
}
