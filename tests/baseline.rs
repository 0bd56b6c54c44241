//! `shipgate baseline` and the baseline `check` applies: known findings are
//! hidden from the verdict, new ones block, fixed ones are reported stale.

mod common;

use common::{check_json, copy_fixture, shipgate, verdict};
use std::path::Path;

const WORKFLOW: &str = ".github/workflows/release.yml";

fn baseline(dir: &Path) {
    let out = shipgate(&["baseline", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(dir.join(".shipgate-baseline.json").is_file());
}

fn human(dir: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["check", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = shipgate(&args);
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn edit(dir: &Path, from: &str, to: &str) {
    let p = dir.join(WORKFLOW);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{from} not in the fixture");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_baselined_repository_passes_and_counts_what_is_known() {
    let dir = copy_fixture("pypi-token-bad");
    assert_eq!(
        human(dir.path(), &[]).0,
        1,
        "the fixture blocks without a baseline"
    );
    baseline(dir.path());
    let (code, text) = human(dir.path(), &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("16 known, 0 new"), "{text}");
    // Known findings are not listed one by one.
    assert!(!text.contains("block:"), "{text}");
    let (code, report) = check_json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(report["schema"], "shipgate/report-v1");
    assert_eq!(report["baseline"]["known"], 16);
    assert_eq!(report["baseline"]["new"], 0);
    let pinned = &common::result(&report, "actions-pinned")["findings"][0];
    assert_eq!(pinned["baselined"], true);
    assert_eq!(pinned["suppressed"]["by"], "baseline");
    assert_eq!(verdict(&report, "baseline"), "pass");
    // --no-baseline shows everything again.
    assert_eq!(human(dir.path(), &["--no-baseline"]).0, 1);
}

#[test]
fn an_edit_above_a_finding_keeps_it_baselined() {
    let dir = copy_fixture("pypi-token-bad");
    baseline(dir.path());
    edit(
        dir.path(),
        "name: Release\n",
        "# a comment\n\nname: Release\n",
    );
    edit(
        dir.path(),
        "      - uses: actions/setup-python@v5",
        "      - uses:    actions/setup-python@v5   ",
    );
    let (code, text) = human(dir.path(), &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("16 known, 0 new"), "{text}");
}

#[test]
fn a_fixed_finding_leaves_a_stale_entry_reported() {
    let dir = copy_fixture("pypi-token-bad");
    baseline(dir.path());
    edit(
        dir.path(),
        "actions/setup-python@v5",
        "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0",
    );
    let (code, report) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "a stale entry warns, it does not block");
    assert_eq!(verdict(&report, "baseline"), "warn");
    let stale = common::finding_messages(&report, "baseline");
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!(
        (stale[0].0.as_str(), stale[0].1),
        (".shipgate-baseline.json", 5)
    );
    assert!(stale[0].2.contains("actions/setup-python@v5"), "{stale:?}");
    assert_eq!(report["baseline"]["known"], 15);
}

#[test]
fn a_new_finding_blocks() {
    let dir = copy_fixture("pypi-token-bad");
    baseline(dir.path());
    edit(
        dir.path(),
        "      - uses: actions/setup-python@v5",
        "      - uses: actions/setup-python@v5\n      - uses: actions/cache@v4",
    );
    let (code, text) = human(dir.path(), &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("actions/cache@v4"), "{text}");
    let (_, report) = check_json(dir.path(), &[]);
    assert_eq!(verdict(&report, "actions-pinned"), "block");
    assert!(report["baseline"]["new"].as_u64().unwrap() >= 1);
}

#[test]
fn duplicates_are_counted_not_merged() {
    let dir = copy_fixture("pypi-token-bad");
    baseline(dir.path());
    // A second unpinned checkout is a second finding with the same
    // fingerprint: the entry's count of one does not cover it.
    edit(
        dir.path(),
        "      - uses: actions/setup-python@v5",
        "      - uses: actions/setup-python@v5\n      - uses: actions/checkout@v4",
    );
    let (code, report) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(verdict(&report, "actions-pinned"), "block");
}

#[test]
fn another_baseline_file_can_be_named() {
    let dir = copy_fixture("pypi-token-bad");
    let other = dir.path().join("known.json");
    let out = shipgate(&[
        "baseline",
        dir.path().to_str().unwrap(),
        "--output",
        other.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(human(dir.path(), &[]).0, 1, "no baseline at the root");
    let (code, text) = human(dir.path(), &["--baseline", other.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = human(dir.path(), &["--baseline", "/nonexistent/b.json"]);
    assert_eq!(code, 2, "{text}");
}

#[test]
fn a_malformed_baseline_is_a_usage_error_at_its_line() {
    let dir = copy_fixture("pypi-token-bad");
    common::write(
        dir.path(),
        ".shipgate-baseline.json",
        "{\n  \"schema\": \"shipgate/baseline-v1\",\n  \"findings\": [\n    {\"check\": 3}\n  ]\n}\n",
    );
    let (code, text) = human(dir.path(), &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains(".shipgate-baseline.json:4:"), "{text}");
    common::write(dir.path(), ".shipgate-baseline.json", "{\n  \"schema\": ");
    let (code, text) = human(dir.path(), &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains(".shipgate-baseline.json:2:"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_baseline_is_never_read_or_written_through_a_symlink() {
    let dir = copy_fixture("pypi-token-bad");
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("b.json");
    std::fs::write(&target, "keep").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join(".shipgate-baseline.json")).unwrap();
    let out = shipgate(&["baseline", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    let (code, text) = human(dir.path(), &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("symlink"), "{text}");
    // A FIFO in its place is refused without waiting for a writer.
    std::fs::remove_file(dir.path().join(".shipgate-baseline.json")).unwrap();
    let fifo = std::ffi::CString::new(dir.path().join(".shipgate-baseline.json").to_str().unwrap())
        .unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let (code, text) = human(dir.path(), &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("not a regular file"), "{text}");
}
