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
    assert!(
        found(&r, "hex-key-only-in-publish")[0]
            .2
            .contains("outside job `publish`")
    );
    // Only the Publish step is searched: its `continue-on-error`.
    assert_eq!(lines(&r, "publish-step-never-soft-fails"), [at(WF, 26)]);
    // A job or step that is not there is a finding, never a pass.
    assert_eq!(lines(&r, "deploy-job-is-gated"), [at(WF, 6)]);
    assert!(
        found(&r, "deploy-job-is-gated")[0]
            .2
            .contains("no job `deploy`")
    );
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

// ---- workflow.job -----------------------------------------------------------

const JOB_IDS: &str = "publish-job-shape,publish-checks-out-full-history,release-please-shape";

#[test]
fn workflow_job_passes_a_job_of_the_declared_shape() {
    let (code, r) = check("workflow.job/good", JOB_IDS);
    assert_eq!(code, 0, "{r:#}");
    for id in JOB_IDS.split(',') {
        assert_eq!(verdict(&r, id), "pass", "{id}");
    }
}

#[test]
fn workflow_job_reports_each_difference_at_its_yaml_node() {
    let (code, r) = check("workflow.job/bad", JOB_IDS);
    assert_eq!(code, 1);
    // needs, if, environment, the permission's value.
    assert_eq!(
        lines(&r, "publish-job-shape"),
        [at(WF, 19), at(WF, 20), at(WF, 22), at(WF, 24)]
    );
    let m = found(&r, "publish-job-shape");
    assert!(
        m[0].2.contains("does not need `release-please`"),
        "{}",
        m[0].2
    );
    assert!(
        m[2].2.contains("`production`, not `hex-publish`"),
        "{}",
        m[2].2
    );
    assert!(
        m[3].2.contains("`contents: write`, not `contents: read`"),
        "{}",
        m[3].2
    );
    // A missing input at the step, a wrong one at its value.
    assert_eq!(
        lines(&r, "publish-checks-out-full-history"),
        [at(WF, 27), at(WF, 28)]
    );
    assert!(
        found(&r, "publish-checks-out-full-history")[1]
            .2
            .contains("`fetch-depth: 1`, not `fetch-depth: 0`")
    );
    // Missing output at the job, an extra scope at its line, a wrong input at its value.
    assert_eq!(
        lines(&r, "release-please-shape"),
        [at(WF, 7), at(WF, 12), at(WF, 17)]
    );
    assert!(
        found(&r, "release-please-shape")[1]
            .2
            .contains("`id-token: write`, which the policy does not allow")
    );
}

#[test]
fn workflow_job_fails_closed_on_a_missing_job_or_step() {
    let dir = common::copy_fixture("workflow.job/good");
    common::write(
        dir.path(),
        "shipgate.toml",
        "[[check]]\nid = \"deploy\"\nuses = \"workflow.job\"\nfiles = [\".github/workflows/release.yml\"]\njob = \"deploy\"\nenvironment = \"x\"\n\n[[check]]\nid = \"attest\"\nuses = \"workflow.job\"\nfiles = [\".github/workflows/release.yml\"]\njob = \"publish\"\nstep = \"actions/attest-build-provenance\"\nwith = { subject-path = \"x\" }\n",
    );
    let (code, r) = check_json(dir.path(), &["--only", "deploy,attest"]);
    assert_eq!(code, 1);
    assert_eq!(lines(&r, "deploy"), [at(WF, 6)]);
    assert_eq!(lines(&r, "attest"), [at(WF, 26)]);
}

#[test]
fn workflow_job_parameters_are_checked_when_the_policy_loads() {
    let head = "[[check]]\nid = \"x\"\nuses = \"workflow.job\"\njob = \"publish\"\n";
    assert_policy_error(
        &format!("{head}permissions = {{ id-token = \"admin\" }}\n"),
        "\"read\", \"write\" or \"none\"",
        5,
    );
    assert_policy_error(
        &format!("{head}with = {{ fetch-depth = 0 }}\n"),
        "name the step",
        5,
    );
    assert_policy_error(
        &format!("{head}permissions = {{ pull_requests = \"write\" }}\n"),
        "did you mean `pull-requests`",
        5,
    );
    assert_policy_error(&format!("{head}with = [1]\n"), "must be a table", 5);
    assert_policy_error(
        &format!("{head}enviroment = \"x\"\n"),
        "did you mean `environment`",
        5,
    );
    assert_policy_error(head, "say what the job must be", 1);
    explains("workflow.job");
}

// ---- workflow.triggers and dispatch-recovery ---------------------------------

const TRIGGER_IDS: &str = "release-starts-from-main,docs-follow-release";

#[test]
fn workflow_triggers_pass_the_declared_events_and_filters() {
    let (code, r) = check("workflow.triggers/good", TRIGGER_IDS);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(verdict(&r, "release-starts-from-main"), "pass");
    assert_eq!(verdict(&r, "docs-follow-release"), "pass");
}

#[test]
fn workflow_triggers_report_each_difference_at_its_key() {
    let (code, r) = check("workflow.triggers/bad", TRIGGER_IDS);
    assert_eq!(code, 1);
    // A tag filter, a forbidden event, an optional input, its type, an extra input.
    assert_eq!(
        lines(&r, "release-starts-from-main"),
        [at(WF, 5), at(WF, 6), at(WF, 11), at(WF, 12), at(WF, 13)]
    );
    let m = found(&r, "release-starts-from-main");
    assert!(m[1].2.contains("`pull_request_target`"), "{}", m[1].2);
    assert!(m[3].2.contains("is a boolean, not a string"), "{}", m[3].2);
    assert!(m[4].2.contains("`recovery_ref`"), "{}", m[4].2);
    let docs = ".github/workflows/docs.yml";
    assert_eq!(lines(&r, "docs-follow-release"), [at(docs, 4), at(docs, 5)]);
}

#[test]
fn workflow_triggers_parameters_are_checked_when_the_policy_loads() {
    let head = "[[check]]\nid = \"x\"\nuses = \"workflow.triggers\"\nfiles = [\"a.yml\"]\n";
    assert_policy_error(
        &format!("{head}has = [\"pushh\"]\n"),
        "did you mean `push`",
        5,
    );
    assert_policy_error(
        &format!("{head}dispatch_inputs = {{ why = \"required text\" }}\n"),
        "required TYPE",
        5,
    );
    assert_policy_error(
        &format!("{head}has = [\"push\"]\nhas_not = [\"push\"]\n"),
        "both",
        6,
    );
    assert_policy_error(head, "say what must start", 1);
    assert_policy_error(
        "[[check]]\nid = \"x\"\nuses = \"workflow.triggers\"\nhas = [\"push\"]\n",
        "name the workflows",
        1,
    );
    explains("workflow.triggers");
}

#[test]
fn dispatch_recovery_takes_no_ref_and_no_boolean_as_the_reason() {
    let wf = |inputs: &str| {
        format!(
            "name: release\non:\n  push:\n    tags: ['v*']\n  workflow_dispatch:\n    inputs:\n{inputs}permissions: {{}}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: mix hex.publish --yes\n"
        )
    };
    for (inputs, line, needle) in [
        (
            "      recoveryRef:\n        description: Recovery reason and ref\n        required: true\n",
            6,
            "none records why",
        ),
        (
            "      recovery_reason:\n        description: Why?\n        required: true\n        type: boolean\n",
            10,
            "a boolean cannot hold a reason",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        common::write(dir.path(), WF, wf(inputs));
        let (_, r) = check_json(dir.path(), &["--only", "dispatch-recovery"]);
        assert_eq!(verdict(&r, "dispatch-recovery"), "warn", "{inputs}");
        let f = found(&r, "dispatch-recovery");
        assert_eq!((f[0].0.as_str(), f[0].1), (WF, line), "{inputs}");
        assert!(f[0].2.contains(needle), "{}", f[0].2);
    }
}

// ---- text.order and match = "any" --------------------------------------------

#[test]
fn text_order_and_match_any_pass_on_the_good_tree() {
    let (code, r) = check(
        "text-order/good",
        "release-steps-in-order,install-line-somewhere",
    );
    assert_eq!(code, 0, "{r:#}");
}

#[test]
fn text_order_blocks_at_the_early_pattern_and_match_any_at_the_policy() {
    let (code, r) = check(
        "text-order/bad",
        "release-steps-in-order,install-line-somewhere",
    );
    assert_eq!(code, 1);
    assert_eq!(
        lines(&r, "release-steps-in-order"),
        [at("docs/releasing.md", 4)]
    );
    let m = &found(&r, "release-steps-in-order")[0].2;
    assert!(
        m.contains("\"mix hex.publish\" comes before \"mix hex.build\" (line 5)"),
        "{m}"
    );
    // No file has it: one finding, at the `files` line of the check.
    assert_eq!(
        lines(&r, "install-line-somewhere"),
        [at("shipgate.toml", 10)]
    );
    assert!(
        found(&r, "install-line-somewhere")[0]
            .2
            .contains("none of README.md, docs/guide.md")
    );
}

#[test]
fn text_order_needs_two_patterns() {
    assert_policy_error(
        "[[check]]\nid = \"x\"\nuses = \"text.order\"\nfiles = [\"a\"]\npatterns = [\"one\"]\n",
        "at least two patterns",
        5,
    );
    explains("text.order");
}

// ---- facts: literal values, quoted path parts, regions -----------------------

const FACT_IDS: &str = "release-type-is-elixir,manifest-matches-mix,install-block-identical";

#[test]
fn facts_with_literals_dotted_keys_and_regions_pass_on_the_good_tree() {
    let (code, r) = check("facts-structural/good", FACT_IDS);
    assert_eq!(code, 0, "{r:#}");
    for id in FACT_IDS.split(',') {
        assert_eq!(verdict(&r, id), "pass", "{id}");
    }
}

#[test]
fn a_wrong_literal_and_a_drifted_region_block_at_their_lines() {
    let (code, r) = check("facts-structural/bad", FACT_IDS);
    assert_eq!(code, 1);
    // The JSON value under the `"."` key.
    assert_eq!(
        lines(&r, "release-type-is-elixir"),
        [at("release-please-config.json", 4)]
    );
    assert!(
        found(&r, "release-type-is-elixir")[0]
            .2
            .contains("\"simple\"")
    );
    // The one line of the guide's block that differs.
    assert_eq!(
        lines(&r, "install-block-identical"),
        [at("docs/guide.md", 8)]
    );
    let m = &found(&r, "install-block-identical")[0].2;
    assert!(
        m.contains("~> 1.1") && m.contains("~> 1.2") && m.contains("README.md:6"),
        "{m}"
    );
    assert_eq!(verdict(&r, "manifest-matches-mix"), "pass");
}

#[test]
fn fact_paths_and_regions_are_checked_when_the_policy_loads() {
    assert_policy_error(
        "[facts]\nv = { file = \"a.json\", json = 'packages.\".' }\n",
        "unclosed",
        2,
    );
    assert_policy_error(
        "[facts]\nv = { file = \"a\", between = [\"start\"] }\n",
        "two marker lines",
        2,
    );
    assert_policy_error(
        "[facts]\nv = { file = \"a\", regex = 'x' }\n[[check]]\nid = \"x\"\nuses = \"facts.equal\"\nfacts = [\"v\"]\n",
        "or one and a `value`",
        6,
    );
    explains("facts.equal");
}

// ---- waivers keyed on a finding ------------------------------------------------

const LINKS: &str = "# Demo\n\nRendered: [a](site/a.html) and\n[b](site/b.html).\n\nSee [the guide](docs/missing.md).\n";

fn waived(policy: &str, readme: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "README.md", readme);
    common::write(dir.path(), "shipgate.toml", policy);
    check_json(dir.path(), &["--only", "docs-links,policy-waivers"]).1
}

fn suppressed(r: &Value) -> Vec<(u64, bool)> {
    common::result(r, "docs-links")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), !f["suppressed"].is_null()))
        .collect()
}

#[test]
fn a_target_waiver_accepts_rendered_pages_but_not_a_new_broken_link() {
    let policy = "[[waiver]]\ncheck = \"docs-links\"\ntarget = \"*.html\"\nreason = \"rendered pages are built by the docs job\"\n";
    let r = waived(policy, LINKS);
    assert_eq!(suppressed(&r), [(3, true), (4, true), (6, false)]);
    assert_eq!(verdict(&r, "docs-links"), "block");
    assert_eq!(verdict(&r, "policy-waivers"), "pass");
}

#[test]
fn a_fingerprint_waiver_follows_its_line_and_waives_nothing_else() {
    let policy = "[[waiver]]\ncheck = \"docs-links\"\nfingerprint = \"See   [the guide](docs/missing.md).\"\nreason = \"the guide lands next week\"\n";
    let r = waived(policy, LINKS);
    assert_eq!(suppressed(&r), [(3, false), (4, false), (6, true)]);
    // Lines added above do not unwaive it.
    let moved = format!("Intro.\n\n{LINKS}");
    let r = waived(policy, &moved);
    assert_eq!(suppressed(&r), [(5, false), (6, false), (8, true)]);
    // A fingerprint that matches nothing is a stale waiver.
    let r = waived(&policy.replace("missing.md", "other.md"), LINKS);
    assert_eq!(suppressed(&r), [(3, false), (4, false), (6, false)]);
    assert_eq!(verdict(&r, "policy-waivers"), "warn");
}

#[test]
fn waiver_target_and_fingerprint_are_checked_when_the_policy_loads() {
    assert_policy_error(
        "[[waiver]]\ncheck = \"docs-links\"\ntarget = \"a[\"\nreason = \"r\"\n",
        "waiver.target",
        3,
    );
    assert_policy_error(
        "[[waiver]]\ncheck = \"docs-links\"\nfingerprint = \"  \"\nreason = \"r\"\n",
        "must not be empty",
        3,
    );
    assert_policy_error(
        "[[waiver]]\ncheck = \"docs-links\"\ntargets = \"*.html\"\nreason = \"r\"\n",
        "did you mean `target`",
        3,
    );
}

// ---- package.files ------------------------------------------------------------

const PACKAGE_IDS: &str = "hex-package-contents,npm-package-contents,crate-package-contents";

#[test]
fn package_files_pass_when_hex_npm_and_cargo_packages_hold_what_they_should() {
    let (code, r) = check("package-files/good", PACKAGE_IDS);
    assert_eq!(code, 0, "{r:#}");
}

#[test]
fn package_files_point_at_the_manifest_entry_that_brings_a_file_in() {
    let (code, r) = check("package-files/bad", PACKAGE_IDS);
    assert_eq!(code, 1);
    let hex = found(&r, "hex-package-contents");
    // All on the `files:` line of mix.exs: the missing CHANGELOG, the .beam
    // the `lib` entry brings in, the test file the `test` entry brings in.
    assert_eq!(
        lines(&r, "hex-package-contents"),
        vec![at("mix.exs", 11); 3]
    );
    assert!(
        hex[0].2.contains("no file matching `CHANGELOG.md`"),
        "{}",
        hex[0].2
    );
    assert!(
        hex[1].2.contains("`lib/ex.beam`") && hex[1].2.contains("build output"),
        "{}",
        hex[1].2
    );
    assert!(hex[2].2.contains("`test/ex_test.exs`"), "{}", hex[2].2);
    // The `"dist"` entry of `files` brings in the source map.
    assert_eq!(
        lines(&r, "npm-package-contents"),
        [at("js/package.json", 5)]
    );
    assert!(
        found(&r, "npm-package-contents")[0]
            .2
            .contains("index.js.map")
    );
    // Without `include` or `exclude`, the fixture data ships.
    assert_eq!(
        lines(&r, "crate-package-contents"),
        [at("rs/Cargo.toml", 1)]
    );
}

#[test]
fn package_files_parameters_are_checked_when_the_policy_loads() {
    let head = "[[check]]\nid = \"x\"\nuses = \"package.files\"\n";
    assert_policy_error(
        &format!("{head}manifest = \"setup.py\"\nincludes = [\"a\"]\n"),
        "mix.exs, package.json or Cargo.toml",
        4,
    );
    assert_policy_error(
        &format!("{head}manifest = \"mix.exs\"\n"),
        "say what the package must hold",
        1,
    );
    assert_policy_error(
        &format!("{head}manifest = \"mix.exs\"\nincludes = [\"a[\"]\n"),
        "glob",
        5,
    );
    explains("package.files");
}

// ---- workflow.job-runs: composite actions and `exclusive` ---------------------

#[test]
fn job_runs_sees_through_composite_actions_and_keeps_exclusive_commands_to_the_job() {
    let (code, r) = check("workflow.job-runs/composite", "publish-through-action");
    assert_eq!(code, 1);
    // The order holds through the local action; the other workflow's
    // `mix hex.retire` is the only finding, at its line.
    assert_eq!(
        lines(&r, "publish-through-action"),
        [at(".github/workflows/maint.yml", 9)]
    );
    assert!(
        found(&r, "publish-through-action")[0]
            .2
            .contains("`mix hex.retire`")
    );
    // Published before it is built, inside the action: at the job.
    let dir = common::copy_fixture("workflow.job-runs/composite");
    let action = dir.path().join(".github/actions/publish/action.yml");
    let text = std::fs::read_to_string(&action).unwrap();
    std::fs::write(
        &action,
        text.replace("run: mix hex.build", "run: mix hex.TMP")
            .replace("run: mix hex.publish --yes", "run: mix hex.build")
            .replace("run: mix hex.TMP", "run: mix hex.publish --yes"),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join(".github/workflows/maint.yml")).unwrap();
    let (code, r) = check_json(dir.path(), &["--only", "publish-through-action"]);
    assert_eq!(code, 1);
    assert_eq!(lines(&r, "publish-through-action"), [at(WF, 7)]);
    explains("workflow.job-runs");
}
