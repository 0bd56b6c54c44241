//! Shared helpers for the CLI tests: find a fixture, write a temporary tree,
//! run the binary, read its JSON report.
// Every test binary compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A path in the repository, e.g. `README.md`.
pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A fixture tree (or file) under `fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    repo_path("fixtures").join(name)
}

/// Writes `root/rel`, creating its parent directories; returns the path.
pub fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(&p, content).expect("write");
    p
}

/// Replaces `from` with `to` in the file at `rel` under `root`; the text
/// must hold `from`, so that a test's variant cannot quietly be the
/// unchanged fixture.
pub fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    assert!(text.contains(from), "{rel} does not hold {from:?}");
    write(root, rel, text.replace(from, to));
}

pub fn shipgate(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_shipgate"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run shipgate")
}

/// Runs `shipgate check <dir> --format json <extra…>`; returns exit code and report.
pub fn check_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let d = dir.to_str().expect("utf-8 path");
    let mut args = vec!["check", d, "--format", "json"];
    args.extend_from_slice(extra);
    let out = shipgate(&args);
    let code = out.status.code().expect("exit code");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); exit {code}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, json)
}

/// The result of one check in a report.
pub fn result<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("checks array")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in report: {report:#}"))
}

pub fn verdict(report: &Value, id: &str) -> String {
    result(report, id)["verdict"]
        .as_str()
        .expect("verdict")
        .to_string()
}

/// `(path, line, severity)` of each finding of one check.
pub fn findings(report: &Value, id: &str) -> Vec<(String, u64, String)> {
    located(result(report, id), "severity")
}

/// `(path, line, message)` of each finding of one check.
pub fn finding_messages(report: &Value, id: &str) -> Vec<(String, u64, String)> {
    located(result(report, id), "message")
}

/// `(path, line, message)` of each finding in one check's report entry.
pub fn entry_messages(entry: &Value) -> Vec<(String, u64, String)> {
    located(entry, "message")
}

/// `(path, line, <field>)` of each finding in one check's report entry.
fn located(entry: &Value, field: &str) -> Vec<(String, u64, String)> {
    entry["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["line"].as_u64().expect("line"),
                f[field].as_str().expect(field).to_string(),
            )
        })
        .collect()
}

/// Copies a fixture tree into a fresh temporary directory.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture(name), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read fixture") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// Whether the report has an entry for check `id` (it ran, or skipped).
pub fn has_check(report: &Value, id: &str) -> bool {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .any(|c| c["id"] == id)
}

/// Runs the system `git` in `dir` with a fixed identity and no user or
/// system config: tests build fixture repositories with it (shipgate itself
/// reads git objects through gix, never by running git).
pub fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run git to build the fixture");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}
