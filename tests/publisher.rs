//! `[[publisher]]` and `publisher-binding` (issue 18): each publishing job's
//! identity (registry, top-level workflow file, environment, repository,
//! runner) against the trusted publishers the policy declares. Fixtures
//! under `fixtures/publisher-binding/`.

mod common;

use common::{check_json, finding_messages, findings, fixture, result, shipgate, verdict};
use serde_json::Value;

const ID: &str = "publisher-binding";
const WF: &str = ".github/workflows/release.yml";

fn check(name: &str) -> (i32, Value) {
    check_json(
        &fixture(&format!("publisher-binding/{name}")),
        &["--only", ID],
    )
}

fn at(path: &str, line: u64, sev: &str) -> (String, u64, String) {
    (path.to_string(), line, sev.to_string())
}

fn messages(r: &Value) -> Vec<String> {
    finding_messages(r, ID)
        .into_iter()
        .map(|(_, _, m)| m)
        .collect()
}

#[test]
fn a_job_that_matches_its_declared_publisher_passes() {
    let (code, r) = check("good");
    assert_eq!(code, 0);
    assert_eq!(verdict(&r, ID), "pass", "{r:#}");
}

#[test]
fn without_declared_publishers_the_check_is_skipped() {
    let (code, r) = check("none");
    assert_eq!(code, 0);
    assert_eq!(verdict(&r, ID), "skip");
    assert_eq!(
        result(&r, ID)["skip_reason"].as_str(),
        Some("no trusted publishers declared in the policy"),
        "{r:#}"
    );
}

#[test]
fn yml_against_yaml_blocks_naming_the_workflow_and_both_names() {
    let (code, r) = check("yaml-name");
    assert_eq!(code, 1);
    assert_eq!(verdict(&r, ID), "block");
    assert_eq!(
        findings(&r, ID),
        [
            at(".github/workflows/release.yaml", 12, "block"),
            at("shipgate.toml", 1, "warn"),
        ]
    );
    let m = &messages(&r)[0];
    assert!(
        m.contains("workflow is `release.yaml` here, `release.yml` in the publisher"),
        "{m}"
    );
}

#[test]
fn an_environment_differing_in_case_blocks_at_the_environment() {
    let (code, r) = check("env-case");
    assert_eq!(code, 1);
    assert_eq!(findings(&r, ID)[0], at(WF, 8, "block"));
    let m = &messages(&r)[0];
    assert!(
        m.contains("environment is `PyPI` here, `pypi` in the publisher"),
        "{m}"
    );
}

#[test]
fn a_publisher_naming_the_called_reusable_workflow_blocks_with_the_reason() {
    let (code, r) = check("reusable");
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, ID)[0],
        at(".github/workflows/publish.yml", 12, "block")
    );
    let m = &messages(&r)[0];
    assert!(m.contains("from reusable workflow `publish.yml`"), "{m}");
    assert!(m.contains("called from release.yml (job `npm`)"), "{m}");
    assert!(
        m.contains(
            "npm matches the top-level workflow `release.yml` and does not accept the called file"
        ),
        "{m}"
    );
}

#[test]
fn the_caller_file_is_the_identity_of_a_publish_in_a_reusable_workflow() {
    // The same tree with the publisher corrected to the caller's file passes.
    let dir = common::copy_fixture("publisher-binding/reusable");
    common::write(
        dir.path(),
        "shipgate.toml",
        "[[publisher]]\nregistry = \"npm\"\nworkflow = \"release.yml\"\nenvironment = \"npm\"\n",
    );
    let (code, r) = check_json(dir.path(), &["--only", ID]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(verdict(&r, ID), "pass");
}

#[test]
fn npm_trusted_publishing_on_a_self_hosted_runner_blocks_at_runs_on() {
    let (code, r) = check("self-hosted");
    assert_eq!(code, 1);
    assert_eq!(findings(&r, ID), [at(WF, 7, "block")]);
    assert!(messages(&r)[0].contains("self-hosted runner"));
}

#[test]
fn a_declared_publisher_no_job_satisfies_warns_at_its_policy_line() {
    let (code, r) = check("unsatisfied");
    assert_eq!(code, 0);
    assert_eq!(verdict(&r, ID), "warn");
    assert_eq!(findings(&r, ID), [at("shipgate.toml", 8, "warn")]);
    assert!(messages(&r)[0].contains("crates-io publisher (workflow `release.yml`)"));
}

#[test]
fn a_repository_that_differs_blocks_naming_both() {
    let dir = common::copy_fixture("publisher-binding/good");
    common::write(
        dir.path(),
        "shipgate.toml",
        "[vars]\ngithub_repository = \"acme/tool-renamed\"\n\n[[publisher]]\nregistry = \"pypi\"\nworkflow = \"release.yml\"\nenvironment = \"pypi\"\nrepository = \"acme/tool\"\n",
    );
    let (code, r) = check_json(dir.path(), &["--only", ID]);
    assert_eq!(code, 1);
    assert_eq!(findings(&r, ID)[0], at(WF, 12, "block"));
    let m = &messages(&r)[0];
    assert!(
        m.contains("repository is `acme/tool-renamed` here, `acme/tool` in the publisher"),
        "{m}"
    );
}

fn policy_error(name: &str) -> String {
    let p = fixture(&format!("publisher-binding/{name}"));
    let out = shipgate(&["check", p.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_unknown_publisher_key_is_a_policy_error_at_its_line() {
    let err = policy_error("unknown-key");
    assert!(
        err.contains(
            "shipgate.toml:4:1: unknown key `publisher.enviroment` (did you mean `environment`?)"
        ),
        "{err}"
    );
}

#[test]
fn an_unknown_registry_is_a_policy_error_with_a_suggestion() {
    let err = policy_error("bad-registry");
    assert!(
        err.contains("shipgate.toml:2:12: unknown registry `pypy` in `publisher.registry` (did you mean `pypi`?)"),
        "{err}"
    );
}

#[test]
fn wrong_types_and_shapes_are_policy_errors() {
    for (toml, want) in [
        (
            "[[publisher]]\nregistry = \"npm\"\nworkflow = 3\n",
            "shipgate.toml:3:12: `publisher.workflow` must be a string",
        ),
        (
            "[[publisher]]\nregistry = \"npm\"\nworkflow = \".github/workflows/release.yml\"\n",
            "must be a workflow file name like `release.yml`",
        ),
        (
            "[[publisher]]\nregistry = \"npm\"\nworkflow = \"release.yml\"\nrepository = \"acme\"\n",
            "shipgate.toml:4:14: `publisher.repository` must be OWNER/REPO",
        ),
        (
            "[[publisher]]\nregistry = \"npm\"\n",
            "[[publisher]] needs `workflow`",
        ),
        (
            "publisher = \"npm\"\n",
            "`publisher` must be an array of tables",
        ),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        common::write(dir.path(), "shipgate.toml", toml);
        let out = shipgate(&["check", dir.path().to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(2), "{toml}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{toml}: {err}");
    }
}

#[test]
fn the_schema_lists_the_publisher_table() {
    let out = shipgate(&["schema"]);
    let s: Value = serde_json::from_slice(&out.stdout).expect("schema JSON");
    let items = &s["properties"]["publisher"]["items"];
    assert_eq!(items["additionalProperties"], false);
    assert_eq!(
        items["properties"]["registry"]["enum"],
        serde_json::json!(["pypi", "npm", "crates-io", "rubygems", "nuget"])
    );
}

#[test]
fn a_reusable_workflow_also_dispatched_on_its_own_warns_for_the_run_that_cannot_authenticate() {
    let dir = common::copy_fixture("publisher-binding/reusable");
    let called = dir.path().join(".github/workflows/publish.yml");
    let text = std::fs::read_to_string(&called).expect("read");
    common::write(
        dir.path(),
        ".github/workflows/publish.yml",
        text.replace(
            "  workflow_call:\n",
            "  workflow_call:\n  workflow_dispatch:\n",
        ),
    );
    common::write(
        dir.path(),
        "shipgate.toml",
        "[[publisher]]\nregistry = \"npm\"\nworkflow = \"release.yml\"\nenvironment = \"npm\"\n",
    );
    let (code, r) = check_json(dir.path(), &["--only", ID]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(verdict(&r, ID), "warn");
    assert_eq!(
        findings(&r, ID),
        [at(".github/workflows/publish.yml", 13, "warn")]
    );
    let m = &messages(&r)[0];
    assert!(
        m.contains("workflow is `publish.yml` here, `release.yml` in the publisher"),
        "{m}"
    );
    assert!(m.contains("another run of the job matches"), "{m}");
}

#[test]
fn docs_naming_the_called_reusable_workflow_disagree_with_what_the_registry_sees() {
    let dir = common::copy_fixture("publisher-binding/reusable");
    common::write(dir.path(), "shipgate.toml", "extends = [\"default\"]\n");
    common::write(
        dir.path(),
        "RELEASING.md",
        "# Releasing\n\nConfigure the npm trusted publisher:\n\n- Workflow filename: `publish.yml`\n- Environment: `npm`\n",
    );
    let (code, r) = check_json(dir.path(), &["--only", "docs-workflow-agreement"]);
    assert_eq!(code, 1, "{r:#}");
    let f = finding_messages(&r, "docs-workflow-agreement");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1), ("RELEASING.md", 5));
    assert!(
        f[0].2
            .contains("reusable workflow run only from `release.yml`"),
        "{}",
        f[0].2
    );
    // Naming the caller agrees.
    common::write(
        dir.path(),
        "RELEASING.md",
        "# Releasing\n\nConfigure the npm trusted publisher:\n\n- Workflow filename: `release.yml`\n- Environment: `npm`\n",
    );
    let (code, r) = check_json(dir.path(), &["--only", "docs-workflow-agreement"]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(verdict(&r, "docs-workflow-agreement"), "pass");
}

#[test]
fn without_vars_or_manifests_the_repository_comes_from_git_config() {
    let dir = common::copy_fixture("publisher-binding/good");
    std::fs::remove_file(dir.path().join("pyproject.toml")).expect("rm");
    common::write(
        dir.path(),
        ".git/config",
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:acme/other.git\n",
    );
    let (code, r) = check_json(dir.path(), &["--only", ID]);
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(findings(&r, ID)[0], at(WF, 12, "block"));
    assert!(
        messages(&r)[0].contains("repository is `acme/other` here, `acme/tool` in the publisher"),
        "{r:#}"
    );
}

#[test]
fn an_environment_passed_in_by_the_caller_is_the_one_compared() {
    let dir = common::copy_fixture("publisher-binding/reusable");
    let called = dir.path().join(".github/workflows/publish.yml");
    let text = std::fs::read_to_string(&called).expect("read");
    common::write(
        dir.path(),
        ".github/workflows/publish.yml",
        text.replace(
            "  workflow_call:\n",
            "  workflow_call:\n    inputs:\n      environment:\n        type: string\n",
        )
        .replace("environment: npm", "environment: ${{ inputs.environment }}"),
    );
    let caller = dir.path().join(".github/workflows/release.yml");
    let text = std::fs::read_to_string(&caller).expect("read");
    common::write(
        dir.path(),
        ".github/workflows/release.yml",
        text.replace(
            "    uses: ./.github/workflows/publish.yml\n",
            "    uses: ./.github/workflows/publish.yml\n    with:\n      environment: Release\n",
        ),
    );
    common::write(
        dir.path(),
        "shipgate.toml",
        "[[publisher]]\nregistry = \"npm\"\nworkflow = \"release.yml\"\nenvironment = \"release\"\n",
    );
    let (code, r) = check_json(dir.path(), &["--only", ID]);
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(
        findings(&r, ID)[0],
        at(".github/workflows/publish.yml", 10, "block")
    );
    assert!(
        messages(&r)[0].contains("environment is `Release` here, `release` in the publisher"),
        "{r:#}"
    );
}

#[test]
fn init_writes_the_records_jobs_present_and_they_bind_once_uncommented() {
    let dir = common::copy_fixture("registry-readiness/pypi-reusable-caller-grants");
    std::fs::remove_file(dir.path().join("shipgate.toml")).unwrap();
    let out = shipgate(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("shipgate.toml")).unwrap();
    // The publish runs in publish.yml, but PyPI sees the caller's file.
    let block = "# [[publisher]]\n# registry = \"pypi\"\n# workflow = \"release.yml\"\n# environment = \"pypi\"\n";
    assert!(written.contains(block), "{written}");
    assert!(written.contains("Copy these exact values into the registry's trusted-publisher form"));
    // As written (commented), the check stays skipped: verdicts do not move.
    let (_, r) = check_json(dir.path(), &["--only", ID]);
    assert_eq!(verdict(&r, ID), "skip");
    // Uncommented, the records match the jobs they were computed from.
    let active = written.replace(block, &block.replace("# ", ""));
    std::fs::write(dir.path().join("shipgate.toml"), active).unwrap();
    let (code, r) = check_json(dir.path(), &["--only", ID]);
    assert_eq!((code, verdict(&r, ID).as_str()), (0, "pass"), "{r:#}");
}
