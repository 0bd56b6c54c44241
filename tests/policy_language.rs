//! The structural policy language (issue 19): job- and step-scoped text
//! rules, `workflow.job`, `workflow.triggers`, `text.order`, literal and
//! region facts, finding-keyed waivers, each over a good and a bad fixture,
//! with every finding read back at its file and line.

mod common;

use common::{check_json, finding_messages, fixture, shipgate, verdict};
use serde_json::Value;

const WF: &str = ".github/workflows/release.yml";

/// `shipgate check fixtures/<rel> --format json --only <ids>`: exit code and report.
fn check(rel: &str, only: &str) -> (i32, Value) {
    check_json(&fixture(rel), &["--only", only])
}

/// `(path, line)` and the message of each finding of `id`.
fn found(r: &Value, id: &str) -> Vec<(String, u64, String)> {
    finding_messages(r, id)
}

fn lines(r: &Value, id: &str) -> Vec<(String, u64)> {
    found(r, id).into_iter().map(|(p, l, _)| (p, l)).collect()
}

fn at(path: &str, line: u64) -> (String, u64) {
    (path.to_string(), line)
}

/// A policy text in an empty tree (with one workflow) must be exit 2 naming
/// `needle` at `shipgate.toml:line`.
fn assert_policy_error(policy: &str, needle: &str, line: usize) {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "shipgate.toml", policy);
    let out = shipgate(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{policy}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(needle) && err.contains(&format!("shipgate.toml:{line}:")),
        "{policy}\n{err}"
    );
}

fn explains(name: &str) {
    let out = shipgate(&["explain", name]);
    assert_eq!(out.status.code(), Some(0), "{name}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Example") && text.len() > 300, "{text}");
    let schema = String::from_utf8_lossy(&shipgate(&["schema"]).stdout).to_string();
    assert!(schema.contains(&format!("`{name}`")), "schema names {name}");
}

// ---- job and step scoping on text rules ------------------------------------

const SCOPE_IDS: &str = "hex-key-only-in-publish,publish-step-never-soft-fails";

#[test]
fn job_scoped_text_rules_pass_on_the_good_tree() {
    let (code, r) = check("text-job-scope/good", SCOPE_IDS);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(verdict(&r, "hex-key-only-in-publish"), "pass");
    assert_eq!(verdict(&r, "publish-step-never-soft-fails"), "pass");
}

#[test]
fn a_secret_outside_its_job_and_text_in_a_step_block_at_their_lines() {
    let (code, r) = check(
        "text-job-scope/bad",
        &format!("{SCOPE_IDS},deploy-job-is-gated,publish-has-attest-step"),
    );
    assert_eq!(code, 1);
    // The key in the build job's env, not the one in publish.
    assert_eq!(lines(&r, "hex-key-only-in-publish"), [at(WF, 15)]);
    assert!(found(&r, "hex-key-only-in-publish")[0].2.contains("outside job `publish`"));
    // Only the Publish step is searched: its `continue-on-error`.
    assert_eq!(lines(&r, "publish-step-never-soft-fails"), [at(WF, 26)]);
    // A job or step that is not there is a finding, never a pass.
    assert_eq!(lines(&r, "deploy-job-is-gated"), [at(WF, 6)]);
    assert!(found(&r, "deploy-job-is-gated")[0].2.contains("no job `deploy`"));
    assert_eq!(lines(&r, "publish-has-attest-step"), [at(WF, 20)]);
}

#[test]
fn job_scoping_parameters_are_checked_when_the_policy_loads() {
    let head = "[[check]]\nid = \"x\"\nuses = \"text.contains\"\nfiles = [\"a.yml\"]\npatterns = [\"x\"]\n";
    assert_policy_error(&format!("{head}step = \"Publish\"\n"), "give `job` too", 6);
    assert_policy_error(&format!("{head}only_in_job = true\n"), "only_in_job", 6);
    assert_policy_error(&format!("{head}match = \"some\"\n"), "`match`", 6);
    assert_policy_error(&format!("{head}job = 3\n"), "must be a string", 6);
    assert_policy_error(&format!("{head}jobb = \"a\"\n"), "did you mean `job`", 6);
    // text.forbids takes no `match`.
    assert_policy_error(
        "[[check]]\nid = \"x\"\nuses = \"text.forbids\"\nfiles = [\"a\"]\npatterns = [\"x\"]\nmatch = \"any\"\n",
        "unknown key",
        6,
    );
    explains("text.contains");
    explains("text.forbids");
}
