//! `check --fix` and `check --diff` over fixture trees copied into a
//! temporary directory: the exact text each fix leaves (comments and
//! indentation kept), the findings gone on the next run, a diff that changes
//! nothing, and a symlinked workflow left alone.

mod common;

use common::{check_json, copy_fixture, findings, shipgate, verdict};
use std::path::Path;

const WF: &str = ".github/workflows/release.yml";

fn run(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let d = dir.to_str().unwrap();
    let mut args = vec!["check", d, "--color", "never"];
    args.extend_from_slice(extra);
    let out = shipgate(&args);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// What fixtures/fix/release's workflow becomes: every comment stays, the
/// top-level grants move into the two jobs that had none, the checkouts stop
/// persisting the token and the release is never cancelled.
const FIXED: &str = r#"# Publishes the crate when a version tag is pushed.
name: release

on:
  push:
    tags: ["v*"] # release tags only

# Token scopes for the whole workflow.
permissions: {}

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      # Sources, then a build.
      - uses: actions/checkout@8e8c483db84b4bee98b60c0593521ed34d9990e8 # v6.0.1
        with:
          persist-credentials: false
      - run: cargo build --release   # keep this comment
    permissions:
      contents: write
      id-token: write
  publish:
    needs: build
    runs-on: ubuntu-latest
    environment: release
    concurrency:
      group: publish-${{ github.ref }}
      cancel-in-progress: false   # was copied from CI
    steps:
      - uses: actions/checkout@8e8c483db84b4bee98b60c0593521ed34d9990e8 # v6.0.1
        with:
          fetch-depth: 0
          persist-credentials: false
      - run: cargo publish
    permissions:
      contents: write
      id-token: write
"#;

#[test]
fn fix_rewrites_only_the_flagged_nodes_and_the_findings_go() {
    let dir = copy_fixture("fix/release");
    let (code, before) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&before, "checkout-credentials"),
        vec![
            (WF.to_string(), 18, "warn".to_string()),
            (WF.to_string(), 28, "warn".to_string())
        ]
    );
    assert_eq!(
        findings(&before, "release-concurrency"),
        // Tags only, a group per tag: a re-pushed tag's own run is the only
        // one `true` cancels, a warning (the fix still applies).
        vec![(WF.to_string(), 26, "warn".to_string())]
    );
    assert_eq!(verdict(&before, "workflow-permissions"), "block");
    assert_eq!(
        common::result(&before, "release-concurrency")["findings"][0]["fix"],
        "set `cancel-in-progress: false`"
    );
    // The human report says which findings --fix can remove.
    let (_, human, _) = run(dir.path(), &["-q"]);
    assert!(human.contains(
        "    = help: add `with: persist-credentials: false`\n    = fix: `shipgate check --fix` can set `persist-credentials: false` on actions/checkout (`--diff` shows it)\n"
    ), "{human}");

    let (_, _, stderr) = run(dir.path(), &["--fix", "--format", "json"]);
    assert!(
        stderr.contains("fixed .github/workflows/release.yml: move the top-level permissions"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(dir.path().join(WF)).unwrap();
    assert_eq!(text, FIXED);

    let (_, after) = check_json(dir.path(), &[]);
    for id in [
        "checkout-credentials",
        "release-concurrency",
        "workflow-permissions",
    ] {
        assert_eq!(verdict(&after, id), "pass", "{id}: {after:#}");
    }
    // What is left is judged on the new text: the grants now sit in each
    // job, where oidc-scope can tell which job does not use the token.
    assert_eq!(
        findings(&after, "oidc-scope")
            .iter()
            .map(|(p, l, _)| (p.as_str(), *l))
            .collect::<Vec<_>>(),
        vec![(WF, 22), (WF, 38)]
    );
    // A second --fix has nothing left to do.
    let (_, _, stderr) = run(dir.path(), &["--fix", "-q"]);
    assert!(!stderr.contains("fixed"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join(WF)).unwrap(), FIXED);
}

#[test]
fn diff_prints_the_patch_and_changes_nothing() {
    let dir = copy_fixture("fix/release");
    let original = std::fs::read_to_string(dir.path().join(WF)).unwrap();
    let (code, stdout, _) = run(dir.path(), &["--diff"]);
    assert_eq!(code, 1, "something to fix");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(WF)).unwrap(),
        original
    );
    assert!(stdout.starts_with(
        "--- a/.github/workflows/release.yml\n+++ b/.github/workflows/release.yml\n@@ -6,9 +6,7 @@\n"
    ));
    for line in [
        "-permissions:\n-  contents: write # the GitHub release\n-  id-token: write\n+permissions: {}\n",
        "-      cancel-in-progress: true   # was copied from CI\n+      cancel-in-progress: false   # was copied from CI\n",
        "           fetch-depth: 0\n+          persist-credentials: false\n",
    ] {
        assert!(stdout.contains(line), "{line}\n---\n{stdout}");
    }
    // The diff applies to the original and gives what --fix writes.
    let (_, _, _) = run(dir.path(), &["--fix", "-q"]);
    assert_eq!(std::fs::read_to_string(dir.path().join(WF)).unwrap(), FIXED);
    let (code, stdout, stderr) = run(dir.path(), &["--diff"]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    assert!(stderr.contains("nothing to fix"));
}

#[test]
fn a_missing_concurrency_group_is_added() {
    let dir = copy_fixture("release-concurrency/missing");
    let path = dir.path().join(WF);
    let original = std::fs::read_to_string(&path).unwrap();
    let (code, _, stderr) = run(
        dir.path(),
        &["--fix", "-q", "--only", "release-concurrency"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        // yamlpatch appends a new top-level key after the last one.
        format!(
            "{original}concurrency:\n  group: release-${{{{ github.ref }}}}\n  cancel-in-progress: false\n"
        )
    );
    let (_, after) = check_json(dir.path(), &["--only", "release-concurrency"]);
    assert_eq!(verdict(&after, "release-concurrency"), "pass");
}

#[test]
fn a_job_that_pushes_keeps_its_credentials_and_a_waived_finding_is_left() {
    // `git push` needs the persisted token: no mechanical fix is offered.
    let dir = copy_fixture("fix/pushes");
    let path = dir.path().join(WF);
    let original = std::fs::read_to_string(&path).unwrap();
    let (_, before) = check_json(dir.path(), &[]);
    assert_eq!(findings(&before, "checkout-credentials").len(), 1);
    let (code, stdout, stderr) = run(dir.path(), &["--diff"]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    let (_, human, _) = run(dir.path(), &["-q"]);
    assert!(
        human.contains("checkout-credentials") && !human.contains("= fix:"),
        "{human}"
    );

    // Nor when a later step runs a repository script or an unknown action,
    // which may use the persisted token without saying `git push` here.
    for later in [
        "      - run: ./scripts/release.sh",
        "      - uses: stefanzweifel/git-auto-commit-action@v5",
        "      - run: npm run release",
    ] {
        let dir = copy_fixture("fix/release");
        let path = dir.path().join(WF);
        let text = std::fs::read_to_string(&path).unwrap().replace(
            "      - run: cargo build --release   # keep this comment\n",
            &format!("{later}\n"),
        );
        std::fs::write(&path, &text).unwrap();
        let (_, stdout, _) = run(dir.path(), &["--diff", "--only", "checkout-credentials"]);
        assert_eq!(
            stdout.matches("persist-credentials: false").count(),
            1,
            "only the publish job's checkout: {later}\n{stdout}"
        );
    }

    // A finding accepted by an inline ignore is not "fixed" either.
    let dir = copy_fixture("fix/release");
    let path = dir.path().join(WF);
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "cancel-in-progress: true   # was copied from CI",
        "cancel-in-progress: true   # shipgate: ignore[release-concurrency] reruns are idempotent",
    );
    std::fs::write(&path, &text).unwrap();
    let (_, stdout, _) = run(dir.path(), &["--diff", "--only", "release-concurrency"]);
    assert_eq!(stdout, "");
}

#[cfg(unix)]
#[test]
fn a_symlinked_workflow_is_never_written_through() {
    // GitHub does not run a workflow file that is a symlink, so the gate
    // does not judge the file it points at: it blocks on the link, offers
    // no fix, and writes nothing.
    let dir = copy_fixture("fix/release");
    let link = dir.path().join(WF);
    let real = dir.path().join("real.yml");
    std::fs::rename(&link, &real).unwrap();
    std::os::unix::fs::symlink("../../real.yml", &link).unwrap();
    let original = std::fs::read_to_string(&real).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["--fix"]);
    assert_eq!(code, 1, "the link blocks: {stdout}{stderr}");
    assert!(
        stdout.contains("GitHub does not run a workflow file that is a symlink"),
        "{stdout}"
    );
    assert!(!stderr.contains("fixed "), "{stderr}");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), original);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let (_, stdout, _) = run(dir.path(), &["--diff"]);
    assert_eq!(stdout, "");

    // A workflow folder that is a link is not judged either, and nothing
    // under it is written.
    let dir = copy_fixture("fix/release");
    let wf_dir = dir.path().join(".github/workflows");
    let moved = dir.path().join("elsewhere");
    std::fs::rename(&wf_dir, &moved).unwrap();
    std::os::unix::fs::symlink("../elsewhere", &wf_dir).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["--fix"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("`.github/workflows` is a symlink"),
        "{stdout}"
    );
    assert!(!stderr.contains("fixed "), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(moved.join("release.yml")).unwrap(),
        original
    );
}

#[test]
fn a_workflow_read_through_a_rewrite_is_not_fixed() {
    // `jobs: !!map` is read with the tag blanked; routes into the rewritten
    // text are not trusted to name the same node on disk.
    let dir = tempfile::tempdir().unwrap();
    let text = "on:\n  push:\n    tags: [\"v*\"]\njobs: !!map\n  a:\n    runs-on: x\n    environment: release\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo publish\n";
    let path = common::write(dir.path(), WF, text);
    let (_, report) = check_json(dir.path(), &["--only", "checkout-credentials"]);
    assert_eq!(
        findings(&report, "checkout-credentials"),
        vec![(WF.to_string(), 9, "warn".to_string())]
    );
    let (code, stdout, stderr) = run(dir.path(), &["--fix", "--only", "checkout-credentials"]);
    assert_eq!(code, 0, "a warning: {stdout}");
    assert!(
        stderr.contains("reads this workflow through a rewrite"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn top_level_permissions_are_added_only_when_no_job_inherits_them() {
    // Every job sets its own scopes: `permissions: {}` at the top changes
    // nothing today and is added.
    let dir = tempfile::tempdir().unwrap();
    let text = "on:\n  push:\n    tags: [\"v*\"]\nconcurrency:\n  group: release-${{ github.ref }}\n  cancel-in-progress: false\njobs:\n  ship:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write # gh release\n    steps:\n      - run: gh release create \"$GITHUB_REF_NAME\"\n";
    let path = common::write(dir.path(), WF, text);
    let (_, before) = check_json(dir.path(), &["--only", "workflow-permissions"]);
    assert_eq!(
        findings(&before, "workflow-permissions"),
        vec![(WF.to_string(), 1, "warn".to_string())]
    );
    run(dir.path(), &["--fix", "--only", "workflow-permissions"]);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{text}permissions: {{}}\n")
    );
    let (_, after) = check_json(dir.path(), &["--only", "workflow-permissions"]);
    assert_eq!(verdict(&after, "workflow-permissions"), "pass");

    // A reusable-workflow call without its own `permissions:` gets the
    // caller's scopes as its cap: `{}` at the top would take them away from
    // the called workflow, so the finding stays, with no fix.
    let dir = copy_fixture("realworld/scoped-reusable-call");
    let (_, before) = check_json(dir.path(), &["--only", "workflow-permissions"]);
    assert!(findings(&before, "workflow-permissions").contains(&(
        WF.to_string(),
        1,
        "warn".to_string()
    )));
    let (_, stdout, _) = run(dir.path(), &["--diff", "--only", "workflow-permissions"]);
    assert!(!stdout.contains("release.yml"), "{stdout}");
}
