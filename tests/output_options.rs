//! The human report's `--quiet` and `--color`, the summary's reason under
//! `--fail-on warn`, and JUnit failures counted at the same threshold.

mod common;

use common::{fixture, write};
use std::process::{Command, Output};

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shipgate"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run shipgate")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A repository whose only findings are warnings: a release workflow whose
/// checkout keeps the token (checkout-credentials warns).
fn warn_only_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        ".github/workflows/release.yml",
        "name: release\non:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: make dist\n      - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2\n        with:\n          name: dist\n          path: dist\n",
    );
    dir
}

#[test]
fn quiet_lists_only_warning_and_blocking_checks() {
    let root = fixture("pypi-token-bad");
    let out = run(&["check", root.to_str().expect("utf-8"), "--quiet"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.lines().any(|l| l.starts_with("BLOCK ")), "{text}");
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("PASS ") || l.starts_with("SKIP ")),
        "{text}"
    );
    let full = stdout(&run(&["check", root.to_str().expect("utf-8")], &[]));
    let last = |t: &str| t.lines().last().unwrap_or_default().to_string();
    assert_eq!(last(&text), last(&full), "the summary is the same");
}

#[test]
fn colour_follows_the_flag_then_the_environment() {
    let root = fixture("pypi-token-bad");
    let root = root.to_str().expect("utf-8");
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check", root];
        all.extend_from_slice(args);
        stdout(&run(&all, env)).contains('\x1b')
    };
    // Standard output is a pipe here, so `auto` alone means no colour.
    assert!(!coloured(&[], &[]));
    assert!(coloured(&[], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "0")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(!coloured(&["--color", "always", "--format", "json"], &[]));
    // A blocking finding's carets are (bright) red.
    let text = stdout(&run(&["check", root, "--color", "always"], &[]));
    assert!(text.contains("\x1b[91m^"), "{text}");
}

#[test]
fn fail_on_warn_says_why_the_run_failed() {
    let repo = warn_only_repo();
    let path = repo.path().to_str().expect("utf-8");
    let plain = run(&["check", path], &[]);
    assert_eq!(plain.status.code(), Some(0), "{}", stdout(&plain));
    assert!(!stdout(&plain).contains("fails:"));
    let strict = run(&["check", path, "--fail-on", "warn"], &[]);
    assert_eq!(strict.status.code(), Some(1));
    let text = stdout(&strict);
    let summary = text.lines().last().unwrap_or_default();
    assert!(summary.contains("WARN"), "{summary}");
    assert!(
        summary.contains("; fails: --fail-on warn, and "),
        "{summary}"
    );
}

#[test]
fn junit_failures_follow_fail_on() {
    let repo = warn_only_repo();
    let path = repo.path().to_str().expect("utf-8");
    let junit = |extra: &[&str]| {
        let mut args = vec!["check", path, "--format", "junit"];
        args.extend_from_slice(extra);
        stdout(&run(&args, &[]))
    };
    let default = junit(&[]);
    assert!(default.contains("failures=\"0\""), "{default}");
    assert!(!default.contains("<failure"), "{default}");
    let strict = junit(&["--fail-on", "warn"]);
    assert!(!strict.contains("failures=\"0\""), "{strict}");
    assert!(strict.contains("<failure type=\"warn\""), "{strict}");
    assert!(strict.contains(": 1 warning\""), "{strict}");
}

#[test]
fn human_paths_open_from_the_current_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "app/.github/workflows/release.yml",
        "name: release\non:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm publish\n",
    );
    std::fs::create_dir_all(dir.path().join("app/.git")).expect("mkdir .git");
    std::fs::create_dir_all(dir.path().join("app/sub")).expect("mkdir sub");
    let from = |cwd: &std::path::Path, args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_shipgate"))
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .expect("run shipgate");
        stdout(&out)
    };
    let finding = |text: &str| {
        text.lines()
            .find(|l| l.contains("release.yml:"))
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    // The root given relative to the current directory.
    let below = from(dir.path(), &["check", "app", "-q"]);
    assert!(
        finding(&below).starts_with("app/.github/workflows/release.yml:"),
        "{below}"
    );
    // The root found upwards from a subdirectory.
    let above = from(&dir.path().join("app/sub"), &["check", "-q"]);
    assert!(
        finding(&above).starts_with("../.github/workflows/release.yml:"),
        "{above}"
    );
    // At the root, and with an absolute root, paths stay relative to it.
    let at = from(&dir.path().join("app"), &["check", "-q"]);
    assert!(
        finding(&at).starts_with(".github/workflows/release.yml:"),
        "{at}"
    );
    let abs = dir.path().join("app");
    let abs = from(dir.path(), &["check", abs.to_str().expect("utf-8"), "-q"]);
    assert!(
        finding(&abs).starts_with(".github/workflows/release.yml:"),
        "{abs}"
    );
}
