//! `actions-updates`: workflows that pin actions to commit SHAs need
//! Dependabot's github-actions ecosystem, or Renovate with its
//! github-actions manager on, to keep the pins current. Each case is a
//! fixture under `fixtures/actions-updates/`, read back through
//! `--format json`: verdict, file and line, and the finding's code.

mod common;

use common::{check_json, findings, fixture, repo_path, result, verdict, write};

const ID: &str = "actions-updates";

/// Exit code, verdict, and `(path, line, code)` of each finding.
fn run(case: &str) -> (i32, String, Vec<(String, u64, String)>) {
    let (code, r) = check_json(&fixture(&format!("{ID}/{case}")), &["--only", ID]);
    (code, verdict(&r, ID), coded(&r))
}

fn coded(r: &serde_json::Value) -> Vec<(String, u64, String)> {
    result(r, ID)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn at(path: &str, line: u64, code: &str) -> (String, u64, String) {
    (path.to_string(), line, code.to_string())
}

#[test]
fn a_github_actions_ecosystem_or_renovate_passes() {
    for case in [
        "good",
        "directories-glob",
        "renovate-good",
        "renovate-package-json",
    ] {
        let (code, v, found) = run(case);
        assert_eq!((code, v.as_str()), (0, "pass"), "{case}: {found:?}");
    }
}

#[test]
fn pins_without_any_bot_warn_at_the_first_pin() {
    let (code, v, found) = run("no-bot");
    assert_eq!((code, v.as_str()), (0, "warn"));
    assert_eq!(found, [at(".github/workflows/ci.yml", 10, "no-update-bot")]);
}

#[test]
fn dependabot_without_the_ecosystem_warns_at_updates() {
    let (_, v, found) = run("bad");
    assert_eq!(v, "warn");
    assert_eq!(
        found,
        [at(".github/dependabot.yml", 3, "no-actions-ecosystem")]
    );
}

#[test]
fn an_entry_that_does_not_reach_the_workflows_warns_at_its_directory() {
    let (_, v, found) = run("wrong-directory");
    assert_eq!(v, "warn");
    assert_eq!(
        found,
        [at(".github/dependabot.yaml", 4, "workflows-not-covered")]
    );
}

#[test]
fn a_composite_action_outside_the_listed_directories_warns() {
    let (_, v, found) = run("action-not-covered");
    assert_eq!(v, "warn");
    assert_eq!(
        found,
        [at(".github/dependabot.yml", 4, "action-not-covered")]
    );
    let (_, r) = check_json(
        &fixture("actions-updates/action-not-covered"),
        &["--only", ID],
    );
    let message = result(&r, ID)["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("/.github/actions/setup") && message.contains("action.yml:6"),
        "{message}"
    );
}

#[test]
fn renovate_with_the_manager_off_warns_where_it_is_turned_off() {
    let (_, v, found) = run("renovate-disabled");
    assert_eq!(v, "warn");
    assert_eq!(found, [at("renovate.json5", 5, "renovate-disabled")]);
}

#[test]
fn a_dependabot_file_that_does_not_parse_fails_closed_at_its_line() {
    let (_, v, found) = run("unparseable");
    assert_eq!(v, "warn");
    assert_eq!(found, [at(".github/dependabot.yml", 7, "unparseable")]);
}

#[test]
fn a_renovate_file_that_does_not_parse_fails_closed_at_its_line() {
    let dir = common::copy_fixture("actions-updates/no-bot");
    write(
        dir.path(),
        ".renovaterc",
        "{\n  \"extends\": [\n    oops\n  ]\n}\n",
    );
    let (_, r) = check_json(dir.path(), &["--only", ID]);
    assert_eq!(verdict(&r, ID), "warn");
    assert_eq!(coded(&r), [at(".renovaterc", 3, "unparseable")]);
}

#[test]
fn without_sha_pins_the_check_is_skipped() {
    let (code, v, found) = run("none");
    assert_eq!((code, v.as_str(), found.len()), (0, "skip", 0));
    let (_, r) = check_json(&fixture(&format!("{ID}/none")), &["--only", ID]);
    assert_eq!(
        result(&r, ID)["skip_reason"],
        "no workflow pins an action to a commit SHA"
    );
}

#[test]
fn shipgates_own_pins_are_kept_current() {
    let (code, r) = check_json(&repo_path("."), &["--only", ID]);
    assert_eq!((code, verdict(&r, ID).as_str()), (0, "pass"), "{r:#}");
    assert!(findings(&r, ID).is_empty());
}

#[test]
fn a_hostile_dependabot_file_is_refused_not_parsed() {
    let dir = common::copy_fixture("actions-updates/no-bot");
    let deep = format!("updates: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    write(dir.path(), ".github/dependabot.yml", deep);
    let (_, r) = check_json(dir.path(), &["--only", ID]);
    assert_eq!(coded(&r), [at(".github/dependabot.yml", 1, "unparseable")]);
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nupdates: []\n";
    // An alias bomb under keys the typed config does not read is skipped,
    // never expanded: the file is judged, in milliseconds.
    write(dir.path(), ".github/dependabot.yml", bomb);
    let started = std::time::Instant::now();
    let (_, r) = check_json(dir.path(), &["--only", ID]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(
        coded(&r),
        [at(".github/dependabot.yml", 8, "no-actions-ecosystem")]
    );
}
