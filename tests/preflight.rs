//! `check --base REF`: the preflight checks and new-vs-existing findings, on
//! small git repositories each test builds. The system `git` only builds
//! the fixture (test setup); shipgate reads the objects itself.

mod common;

use common::{check_json, result, shipgate, verdict, write};
use serde_json::Value;
use std::path::Path;

use common::git;

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

const CARGO: &str = r#"[package]
name = "demo"
version = "1.2.0"
edition = "2021"
description = "A demo crate"
license = "MIT"
repository = "https://github.com/acme/demo"
"#;

const CHANGELOG: &str = "# Changelog

## [1.2.0] - 2026-10-01

- Added the frobnicator.

## [1.1.0] - 2026-09-01

- First useful release.
";

const RELEASE_PLEASE: &str = r#"name: Release
on:
  push:
    branches: [main]
permissions: {}
concurrency:
  group: release-please
  cancel-in-progress: false
jobs:
  release-please:
    runs-on: ubuntu-latest
    permissions:
      contents: write
      pull-requests: write
    steps:
      - uses: googleapis/release-please-action@a02a34c4d625f9be7cb89156071d8567266a2445 # v4.2.0
        with:
          config-file: release-please-config.json
          manifest-file: .release-please-manifest.json
"#;

/// A clean Rust crate released by release-please, committed on `main`, with
/// branch `pr` checked out.
fn crate_repo() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    git(d, &["init", "-q"]);
    write(d, "README.md", "# demo\n");
    write(
        d,
        "SECURITY.md",
        "# Security policy\n\nPlease report vulnerabilities privately to security@example.com or through\n\
         https://github.com/acme/demo/security/advisories/new, not in public issues.\n",
    );
    write(
        d,
        ".github/CODEOWNERS",
        "* @acme/maintainers\n/.github/workflows/ @acme/release\n",
    );
    write(
        d,
        ".github/dependabot.yml",
        "version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n    schedule:\n      interval: weekly\n",
    );
    write(d, "Cargo.toml", CARGO);
    write(d, "CHANGELOG.md", CHANGELOG);
    write(
        d,
        ".release-please-manifest.json",
        "{\n  \".\": \"1.2.0\"\n}\n",
    );
    write(
        d,
        "release-please-config.json",
        "{\n  \"packages\": {\n    \".\": { \"release-type\": \"rust\" }\n  }\n}\n",
    );
    write(d, ".github/workflows/release.yml", RELEASE_PLEASE);
    commit(d, "base");
    git(d, &["checkout", "-q", "-b", "pr"]);
    t
}

fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let p = dir.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{from:?} not in {rel}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// `(check, path, line)` of every finding that counts.
fn counted(report: &Value) -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    for c in report["checks"].as_array().unwrap() {
        for f in c["findings"].as_array().unwrap() {
            if f.get("suppressed").is_none() {
                out.push((
                    c["id"].as_str().unwrap().to_string(),
                    f["path"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn good_release(d: &Path) {
    edit(
        d,
        "Cargo.toml",
        "version = \"1.2.0\"",
        "version = \"1.3.0\"",
    );
    edit(d, ".release-please-manifest.json", "1.2.0", "1.3.0");
    edit(
        d,
        "CHANGELOG.md",
        "## [1.2.0]",
        "## [1.3.0] - 2026-11-20\n\n- Faster frobnication.\n\n## [1.2.0]",
    );
}

#[test]
fn a_release_pr_with_three_slips_blocks_on_exactly_those_three() {
    let t = crate_repo();
    let d = t.path();
    // Cargo.toml bumped, the release-please manifest left behind, the new
    // section added under the previous release, and the workflow edited.
    edit(
        d,
        "Cargo.toml",
        "version = \"1.2.0\"",
        "version = \"1.3.0\"",
    );
    edit(
        d,
        "CHANGELOG.md",
        "## [1.1.0]",
        "## [1.3.0] - 2026-11-20\n\n- Faster frobnication.\n\n## [1.1.0]",
    );
    edit(
        d,
        ".github/workflows/release.yml",
        "cancel-in-progress: false",
        "cancel-in-progress: false # never cancel a release",
    );
    commit(d, "chore: release 1.3.0");
    let (code, report) = check_json(d, &["--base", "main"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        counted(&report),
        [
            ("changelog-gained".into(), "CHANGELOG.md".into(), 7),
            (
                "release-bump".into(),
                ".release-please-manifest.json".into(),
                2
            ),
            (
                "release-pr-scope".into(),
                ".github/workflows/release.yml".into(),
                1
            ),
        ],
        "{report:#}"
    );
    assert_eq!(report["base"]["new"], 3);
    assert_eq!(report["base"]["existing"], 0);
    // The same slips, judged from a checkout of main with --head.
    git(d, &["checkout", "-q", "main"]);
    let (code, again) = check_json(d, &["--base", "main", "--head", "pr"]);
    assert_eq!(code, 1);
    assert_eq!(counted(&again), counted(&report));
}

#[test]
fn the_same_release_pr_without_the_slips_passes() {
    let t = crate_repo();
    let d = t.path();
    good_release(d);
    commit(d, "chore: release 1.3.0");
    let (code, report) = check_json(d, &["--base", "main"]);
    assert_eq!(code, 0, "{report:#}");
    assert!(counted(&report).is_empty(), "{report:#}");
    for id in [
        "release-bump",
        "changelog-gained",
        "release-pr-scope",
        "workflow-change-owned",
    ] {
        assert_eq!(verdict(&report, id), "pass", "{id}: {report:#}");
    }
}

#[test]
fn without_a_base_the_preflight_checks_skip_and_say_why() {
    let t = crate_repo();
    let (code, report) = check_json(t.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    for id in [
        "release-bump",
        "changelog-gained",
        "release-pr-scope",
        "workflow-change-owned",
    ] {
        assert_eq!(verdict(&report, id), "skip");
        let why = result(&report, id)["skip_reason"].as_str().unwrap();
        assert!(why.contains("--base"), "{why}");
    }
    assert!(report.get("base").is_none());
}

#[test]
fn a_pr_that_is_no_release_skips_the_release_checks() {
    let t = crate_repo();
    let d = t.path();
    write(d, "README.md", "# demo\n\nMore words.\n");
    commit(d, "docs");
    let (code, report) = check_json(d, &["--base", "main"]);
    assert_eq!(code, 0, "{report:#}");
    for id in ["release-bump", "changelog-gained", "release-pr-scope"] {
        assert_eq!(verdict(&report, id), "skip", "{id}");
    }
    assert_eq!(verdict(&report, "workflow-change-owned"), "pass");
}

#[test]
fn a_breaking_change_needs_a_major_bump() {
    let t = crate_repo();
    let d = t.path();
    good_release(d);
    edit(
        d,
        "CHANGELOG.md",
        "- Faster frobnication.",
        "- Faster frobnication.\n- BREAKING CHANGE: `frob()` takes a config.",
    );
    commit(d, "chore: release 1.3.0");
    let (code, report) = check_json(d, &["--base", "main"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        counted(&report),
        [("release-bump".into(), "CHANGELOG.md".into(), 6)],
        "{report:#}"
    );
}

#[test]
fn edits_to_released_notes_and_a_missing_date_are_caught() {
    let t = crate_repo();
    let d = t.path();
    good_release(d);
    edit(d, "CHANGELOG.md", "[1.3.0] - 2026-11-20", "[1.3.0]");
    edit(
        d,
        "CHANGELOG.md",
        "- First useful release.",
        "- First release.",
    );
    commit(d, "chore: release 1.3.0");
    let (_, report) = check_json(d, &["--base", "main"]);
    let lines: Vec<u64> = counted(&report)
        .into_iter()
        .filter(|(id, ..)| id == "changelog-gained")
        .map(|(_, _, l)| l)
        .collect();
    assert_eq!(lines, [3, 11], "{report:#}");
}

#[test]
fn workflow_changes_are_owned_by_the_base_codeowners() {
    let t = crate_repo();
    let d = t.path();
    // The base owns only src/; the PR edits a workflow and tries to add
    // itself a rule, which GitHub would not apply before the merge.
    write(d, ".github/CODEOWNERS", "/src/ @acme/devs\n");
    commit(d, "narrow owners");
    git(d, &["branch", "-q", "-f", "main", "HEAD"]);
    write(
        d,
        ".github/CODEOWNERS",
        "/src/ @acme/devs\n/.github/ @acme/release\n",
    );
    edit(
        d,
        ".github/workflows/release.yml",
        "cancel-in-progress: false",
        "cancel-in-progress: false # keep",
    );
    commit(d, "ci tweak");
    let (_, report) = check_json(d, &["--base", "main"]);
    let owned: Vec<(String, String, u64)> = counted(&report)
        .into_iter()
        .filter(|(id, ..)| id == "workflow-change-owned")
        .collect();
    assert_eq!(
        owned,
        [(
            "workflow-change-owned".into(),
            ".github/workflows/release.yml".into(),
            1
        )],
        "{report:#}"
    );
}

/// A release workflow with `n` unpinned actions: `n` old findings.
fn unpinned_workflow(n: usize, extra: &str) -> String {
    let steps: Vec<String> = (0..n)
        .map(|i| format!("      - uses: acme/tool-{i}@v1"))
        .collect();
    format!(
        "name: Release\non:\n  push:\n    tags: [\"v*\"]\npermissions: {{}}\nconcurrency:\n  group: release-${{{{ github.ref }}}}\n  cancel-in-progress: false\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n    steps:\n{}\n{extra}      - run: gh release create \"$GITHUB_REF_NAME\"\n        env:\n          GH_TOKEN: ${{{{ github.token }}}}\n",
        steps.join("\n")
    )
}

#[test]
fn fail_on_new_blocks_on_the_one_added_action_and_counts_the_forty_old() {
    let t = crate_repo();
    let d = t.path();
    write(
        d,
        ".github/workflows/release.yml",
        unpinned_workflow(40, ""),
    );
    commit(d, "old debt");
    git(d, &["branch", "-q", "-f", "main", "HEAD"]);
    // Nothing new yet: --fail-on new passes although the report blocks.
    let (code, report) = check_json(d, &["--base", "main", "--fail-on", "new"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"], "block");
    assert_eq!(report["base"]["existing"], 40);
    assert_eq!(report["base"]["new"], 0);
    write(
        d,
        ".github/workflows/release.yml",
        unpinned_workflow(40, "      - uses: acme/new-tool@v2\n"),
    );
    commit(d, "add a tool");
    let (code, report) = check_json(d, &["--base", "main", "--fail-on", "new"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["base"]["existing"], 40);
    assert_eq!(report["base"]["new"], 1);
    let new: Vec<(String, u64)> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap().iter())
        .filter(|f| f["new"] == true)
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(new, [(".github/workflows/release.yml".to_string(), 55)]);
    // SARIF, human and Markdown reports say so; Markdown lists the new one first.
    let out = shipgate(&[
        "check",
        d.to_str().unwrap(),
        "--base",
        "main",
        "--format",
        "sarif",
    ]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let states: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "new").count(), 1);
    assert_eq!(states.iter().filter(|s| **s == "unchanged").count(), 40);
    let out = shipgate(&["check", d.to_str().unwrap(), "--base", "main"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1 new, 40 existing"), "{text}");
    let out = shipgate(&[
        "check",
        d.to_str().unwrap(),
        "--base",
        "main",
        "--format",
        "markdown",
    ]);
    let md = String::from_utf8_lossy(&out.stdout);
    let out = shipgate(&[
        "check",
        d.to_str().unwrap(),
        "--base",
        "main",
        "--format",
        "github",
    ]);
    let gh = String::from_utf8_lossy(&out.stdout);
    let first = gh.lines().next().unwrap_or("");
    assert!(
        first.starts_with("::error ") && first.contains("acme/new-tool@v2"),
        "{gh}"
    );
    assert_eq!(gh.matches("(already on the base)").count(), 40, "{gh}");
    let new_at = md.find("### New in this change").expect("new section");
    let old_at = md
        .find("### Already on the base")
        .expect("existing section");
    assert!(
        new_at < old_at && md[new_at..old_at].contains("acme/new-tool@v2"),
        "{md}"
    );
}

fn stderr_of(args: &[&str]) -> (i32, String) {
    let out = shipgate(args);
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_ref_or_no_repository_is_a_usage_error() {
    let t = crate_repo();
    let d = t.path().to_str().unwrap();
    let (code, err) = stderr_of(&["check", d, "--base", "no-such-branch"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot resolve `no-such-branch`"), "{err}");
    let (code, _) = stderr_of(&["check", d, "--base", "main", "--head", "nope"]);
    assert_eq!(code, 2);
    let (code, err) = stderr_of(&["check", d, "--fail-on", "new"]);
    assert_eq!(code, 2);
    assert!(err.contains("--base"), "{err}");
    let (code, _) = stderr_of(&["check", d, "--head", "main"]);
    assert_eq!(code, 2, "--head needs --base");

    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "README.md", "# x\n");
    let (code, err) = stderr_of(&["check", plain.path().to_str().unwrap(), "--base", "main"]);
    assert_eq!(code, 2);
    assert!(err.contains("git repository"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_root_on_the_base_is_never_followed() {
    let t = crate_repo();
    let d = t.path();
    let secret = tempfile::tempdir().unwrap();
    write(secret.path(), "secret.md", "# secret\n[x](nowhere.md)\n");
    std::os::unix::fs::symlink(secret.path().join("secret.md"), d.join("notes.md")).unwrap();
    commit(d, "a link out");
    git(d, &["branch", "-q", "-f", "main", "HEAD"]);
    let (_, report) = check_json(d, &["--base", "main"]);
    // The link is judged on both sides the same way, so it is existing;
    // the linked file (and its broken link) is never read from either.
    let tc: Vec<&Value> = result(&report, "tree-contained")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(tc.len(), 1, "{report:#}");
    assert_eq!(tc[0]["path"], "notes.md");
    assert_eq!(tc[0]["new"], false);
    assert!(!report.to_string().contains("nowhere.md"), "{report:#}");
}

#[test]
fn files_the_policy_names_may_ride_in_a_release_pr_and_others_may_not() {
    let t = crate_repo();
    let d = t.path();
    write(
        d,
        "src/version.rs",
        "pub const VERSION: &str = \"1.2.0\";\n",
    );
    write(d, "src/lib.rs", "pub mod version;\n");
    commit(d, "sources");
    git(d, &["branch", "-q", "-f", "main", "HEAD"]);
    good_release(d);
    edit(d, "src/version.rs", "1.2.0", "1.3.0");
    write(d, "src/lib.rs", "pub mod version;\npub fn sneaky() {}\n");
    commit(d, "chore: release 1.3.0");
    let (_, report) = check_json(d, &["--base", "main"]);
    let scope: Vec<String> = counted(&report)
        .into_iter()
        .filter(|(id, ..)| id == "release-pr-scope")
        .map(|(_, p, _)| p)
        .collect();
    assert_eq!(scope, ["src/lib.rs", "src/version.rs"], "{report:#}");
    write(
        d,
        "shipgate.toml",
        "[checks.release-pr-scope]\npaths = [\"src/version.rs\"]\n",
    );
    let (_, report) = check_json(d, &["--base", "main"]);
    let scope: Vec<String> = counted(&report)
        .into_iter()
        .filter(|(id, ..)| id == "release-pr-scope")
        .map(|(_, p, _)| p)
        .collect();
    // shipgate.toml itself is new in the work tree, and no release tool writes it.
    assert_eq!(scope, ["shipgate.toml", "src/lib.rs"], "{report:#}");
}

#[test]
fn a_package_folder_is_compared_with_the_same_folder_of_the_base() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    git(d, &["init", "-q"]);
    write(d, "other/README.md", "# other\n");
    let app = d.join("packages/app");
    write(&app, "Cargo.toml", CARGO);
    write(&app, "CHANGELOG.md", CHANGELOG);
    commit(d, "base");
    git(d, &["checkout", "-q", "-b", "pr"]);
    edit(
        &app,
        "Cargo.toml",
        "version = \"1.2.0\"",
        "version = \"1.3.0\"",
    );
    commit(d, "bump without notes");
    let (code, report) = check_json(&app, &["--base", "main"]);
    assert_eq!(code, 1, "{report:#}");
    let gained: Vec<(String, String, u64)> = counted(&report)
        .into_iter()
        .filter(|(id, ..)| id == "changelog-gained" || id == "release-bump")
        .collect();
    assert_eq!(
        gained,
        [("changelog-gained".into(), "CHANGELOG.md".into(), 1)],
        "{report:#}"
    );
    assert_eq!(verdict(&report, "release-bump"), "pass");
}

#[test]
fn with_actions_pinned_turned_down_a_new_unpinned_release_action_still_blocks() {
    let t = crate_repo();
    let d = t.path();
    write(
        d,
        "shipgate.toml",
        "[checks.actions-pinned]\nseverity = \"warn\"\n",
    );
    write(d, ".github/workflows/release.yml", unpinned_workflow(3, ""));
    commit(d, "old debt, tolerated");
    git(d, &["branch", "-q", "-f", "main", "HEAD"]);
    write(
        d,
        ".github/workflows/release.yml",
        unpinned_workflow(3, "      - uses: acme/new-tool@v2\n"),
    );
    commit(d, "add a tool");
    let (code, report) = check_json(d, &["--base", "main", "--fail-on", "new"]);
    assert_eq!(code, 1, "{report:#}");
    let owned: Vec<(String, String, u64)> = counted(&report)
        .into_iter()
        .filter(|(id, ..)| id == "workflow-change-owned")
        .collect();
    assert_eq!(
        owned,
        [(
            "workflow-change-owned".into(),
            ".github/workflows/release.yml".into(),
            18
        )],
        "{report:#}"
    );
}

#[test]
fn python_versions_are_compared_as_pep_440() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    git(d, &["init", "-q"]);
    write(
        d,
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"2.0.0rc1\"\ndescription = \"d\"\nlicense = \"MIT\"\n",
    );
    write(
        d,
        ".release-please-manifest.json",
        "{\".\": \"2.0.0rc1\"}\n",
    );
    commit(d, "base");
    git(d, &["checkout", "-q", "-b", "pr"]);
    // rc1 → final is a step up; rc1 → dev0 of the same release is not.
    write(
        d,
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"2.0.0\"\ndescription = \"d\"\nlicense = \"MIT\"\n",
    );
    write(d, ".release-please-manifest.json", "{\".\": \"2.0.0\"}\n");
    commit(d, "release");
    let (_, report) = check_json(d, &["--base", "main"]);
    assert_eq!(verdict(&report, "release-bump"), "pass", "{report:#}");
    write(
        d,
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"2.0.0a1\"\ndescription = \"d\"\nlicense = \"MIT\"\n",
    );
    write(d, ".release-please-manifest.json", "{\".\": \"2.0.0a1\"}\n");
    commit(d, "backwards");
    let (_, report) = check_json(d, &["--base", "main"]);
    let bump: Vec<(String, String, u64)> = counted(&report)
        .into_iter()
        .filter(|(id, ..)| id == "release-bump")
        .collect();
    assert_eq!(
        bump,
        [("release-bump".into(), "pyproject.toml".into(), 3)],
        "{report:#}"
    );
}

/// Runs git with `input` on stdin; its stdout, trimmed.
fn git_out(dir: &Path, args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("git");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn a_hand_made_tree_that_could_escape_is_refused_not_written() {
    let t = crate_repo();
    let d = t.path();
    let outside = d.parent().unwrap().join(format!(
        "{}-escaped.md",
        d.file_name().unwrap().to_str().unwrap()
    ));
    let blob = git_out(d, &["hash-object", "-w", "--stdin"], "# escaped\n");
    let cargo = git_out(d, &["hash-object", "-w", "--stdin"], CARGO);
    for (listing, says) in [
        (
            format!("100644 blob {cargo}\tCargo.toml\n100644 blob {blob}\t..\n"),
            "an entry named `..`",
        ),
        (
            format!("100644 blob {cargo}\tCargo.toml\n100644 blob {blob}\tCargo.toml\n"),
            "a second entry named `Cargo.toml`",
        ),
    ] {
        let tree = git_out(d, &["mktree"], &listing);
        let commit = git_out(d, &["commit-tree", &tree, "-m", "hand-made"], "");
        let (code, err) = stderr_of(&["check", d.to_str().unwrap(), "--base", &commit]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("malformed") && err.contains(says), "{err}");
    }
    assert!(!outside.exists());
    // A symlink entry pointing anywhere is written as a link and never read.
    let target = git_out(d, &["hash-object", "-w", "--stdin"], "/etc/passwd");
    let tree = git_out(
        d,
        &["mktree"],
        &format!("100644 blob {cargo}\tCargo.toml\n120000 blob {target}\tCHANGELOG.md\n"),
    );
    let commit = git_out(d, &["commit-tree", &tree, "-m", "link"], "");
    let (code, report) = check_json(d, &["--base", &commit]);
    assert_eq!(code, 1, "{report:#}");
    assert!(!report.to_string().contains("root:x:0"), "{report:#}");
}

#[test]
fn a_changelog_new_in_the_release_pr_may_bring_its_history() {
    let t = crate_repo();
    let d = t.path();
    std::fs::remove_file(d.join("CHANGELOG.md")).unwrap();
    commit(d, "no changelog yet");
    git(d, &["branch", "-q", "-f", "main", "HEAD"]);
    write(d, "CHANGELOG.md", CHANGELOG);
    good_release(d);
    commit(d, "chore: release 1.3.0 with a changelog");
    let (code, report) = check_json(d, &["--base", "main"]);
    assert_eq!(verdict(&report, "changelog-gained"), "pass", "{report:#}");
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn a_blob_over_the_size_cap_on_the_base_is_not_inflated_but_reported() {
    let t = crate_repo();
    let d = t.path();
    // 64 MiB and one byte of text: over what shipgate reads.
    let big = vec![b'a'; (64 << 20) + 1];
    write(d, "docs/big.md", &big);
    commit(d, "a huge doc");
    git(d, &["branch", "-q", "-f", "main", "HEAD"]);
    std::fs::remove_file(d.join("docs/big.md")).unwrap();
    let (_, report) = check_json(d, &["--base", "main"]);
    // The base run judged a stand-in of the same size and found it too
    // large, as in a work tree; the head no longer has it, so nothing of it
    // is reported (and nothing is new).
    assert!(!report.to_string().contains("docs/big.md"), "{report:#}");
    assert_eq!(report["base"]["new"], 0, "{report:#}");
    // Put back, the file is too large on both sides: one existing finding.
    std::fs::write(d.join("docs/big.md"), &big).unwrap();
    let (_, report) = check_json(d, &["--base", "main"]);
    let big_findings: Vec<&Value> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap().iter())
        .filter(|f| f["path"] == "docs/big.md")
        .collect();
    assert!(!big_findings.is_empty(), "{report:#}");
    assert!(
        big_findings
            .iter()
            .all(|f| f["new"] == false && f["message"].as_str().unwrap().contains("larger than")),
        "{report:#}"
    );
}
