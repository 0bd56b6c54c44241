//! The release-workflow catalog (issue 3) end to end: every check and the
//! `workflow.job-runs` evaluator over good and bad fixture trees, read back
//! through `--format json`.

mod common;

use common::{check_json, findings, fixture, has_check, result, shipgate, verdict};
use serde_json::Value;
use std::path::PathBuf;

const WF: &str = ".github/workflows/release.yml";

/// Runs `shipgate check <fixture> --format json --only <ids>`; the report
/// and the exit code.
fn check(rel: &str, only: &str) -> (Value, i32) {
    let (code, report) = check_json(&fixture(rel), &["--only", only]);
    (report, code)
}

/// The findings of one check, whole.
fn finding_values<'a>(report: &'a Value, id: &str) -> Vec<&'a Value> {
    result(report, id)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .collect()
}

fn at(line: u64, sev: &str) -> (String, u64, String) {
    (WF.to_string(), line, sev.to_string())
}

fn message(report: &Value, id: &str, i: usize) -> String {
    finding_values(report, id)[i]["message"]
        .as_str()
        .unwrap()
        .to_string()
}

// ---- release-concurrency -------------------------------------------------

#[test]
fn concurrency_cancel_in_progress_true_blocks_at_its_line() {
    let (r, code) = check("release-concurrency/bad", "release-concurrency");
    assert_eq!(verdict(&r, "release-concurrency"), "block");
    assert_eq!(findings(&r, "release-concurrency"), [at(8, "block")]);
    assert_eq!(code, 1);
}

#[test]
fn concurrency_expression_true_on_main_blocks() {
    let (r, _) = check("release-concurrency/bad-expression", "release-concurrency");
    assert_eq!(verdict(&r, "release-concurrency"), "block");
    assert_eq!(findings(&r, "release-concurrency"), [at(12, "block")]);
    assert!(message(&r, "release-concurrency", 0).contains("`main`"));
}

#[test]
fn concurrency_ref_guard_expression_passes() {
    let (r, code) = check("release-concurrency/good-main-only", "release-concurrency");
    assert_eq!(verdict(&r, "release-concurrency"), "pass");
    assert_eq!(code, 0);
    let (r, _) = check("release-concurrency/good", "release-concurrency");
    assert_eq!(verdict(&r, "release-concurrency"), "pass");
}

#[test]
fn concurrency_expression_on_tag_runs_judged_by_where_tags_release_and_the_group() {
    // Publishing only on main: tag runs release nothing, so cancelling them is fine.
    let (r, _) = check("release-concurrency/tags-per-ref", "release-concurrency");
    assert_eq!(verdict(&r, "release-concurrency"), "pass");
    // Publishing on tags with SPEC's example expression and a group per tag:
    // only a second run of the very same tag could be cut short.
    let (r, _) = check("release-concurrency/tags-cancel", "release-concurrency");
    assert_eq!(verdict(&r, "release-concurrency"), "pass");
    // One group for every tag: a newer tag cancels an older tag's release.
    let (r, _) = check("release-concurrency/tags-shared", "release-concurrency");
    assert_eq!(findings(&r, "release-concurrency"), [at(8, "block")]);
}

#[test]
fn concurrency_true_on_tags_only_with_a_group_per_tag_warns() {
    // Only a re-pushed tag can cancel its own earlier run: a warning.
    let (r, code) = check(
        "release-concurrency/tags-per-tag-true",
        "release-concurrency",
    );
    assert_eq!(findings(&r, "release-concurrency"), [at(8, "warn")]);
    assert_eq!(code, 0);
    let m = message(&r, "release-concurrency", 0);
    assert!(m.contains("same tag is pushed again"), "{m}");
}

#[test]
fn concurrency_missing_group_warns() {
    let (r, code) = check("release-concurrency/missing", "release-concurrency");
    assert_eq!(verdict(&r, "release-concurrency"), "warn");
    assert_eq!(findings(&r, "release-concurrency"), [at(2, "warn")]);
    assert_eq!(code, 0);
}

#[test]
fn a_job_calling_a_releasing_workflow_is_judged_in_its_caller() {
    // The caller starts the release: an ungrouped caller is warned, at its
    // own `on:`, and the workflow it calls (run only through
    // `workflow_call`) is not warned again.
    let (r, code) = check(
        "release-concurrency/called-by-ungrouped",
        "release-concurrency",
    );
    assert_eq!(findings(&r, "release-concurrency"), [at(2, "warn")]);
    let m = message(&r, "release-concurrency", 0);
    assert!(m.contains("`release.yml`") && m.contains("`crates`"), "{m}");
    assert_eq!(code, 0);
    // A group on the calling job, on the caller, or inside the called
    // workflow serialises the release: nothing to say.
    for grouped in [
        "called-by-grouped",
        "called-job-grouped",
        "called-holds-group",
    ] {
        let (r, _) = check(
            &format!("release-concurrency/{grouped}"),
            "release-concurrency",
        );
        assert_eq!(
            verdict(&r, "release-concurrency"),
            "pass",
            "{grouped}: {r:#}"
        );
    }
    // A called workflow that also runs on its own pushes has runs with no
    // caller around them: both it and its ungrouped caller are warned.
    let (r, _) = check(
        "release-concurrency/called-and-pushed",
        "release-concurrency",
    );
    assert_eq!(
        findings(&r, "release-concurrency"),
        [
            (
                ".github/workflows/publish-crates.yml".to_string(),
                3,
                "warn".to_string()
            ),
            at(2, "warn")
        ]
    );
}

#[test]
fn concurrency_group_of_empty_contexts_says_it_collapses() {
    let (r, _) = check("release-concurrency/collapsed", "release-concurrency");
    assert_eq!(verdict(&r, "release-concurrency"), "warn");
    assert_eq!(findings(&r, "release-concurrency"), [at(7, "warn")]);
    let m = message(&r, "release-concurrency", 0);
    assert!(
        m.contains("github.head_ref") && m.contains("same for every run"),
        "{m}"
    );
}

// ---- template-injection ---------------------------------------------------

#[test]
fn injection_of_commit_author_blocks_at_its_line() {
    let (r, code) = check("template-injection/bad", "template-injection");
    assert_eq!(verdict(&r, "template-injection"), "block");
    // The same expression again, in another script, is its own finding.
    assert_eq!(
        findings(&r, "template-injection"),
        [at(12, "block"), at(15, "block")]
    );
    assert!(message(&r, "template-injection", 0).contains("head_commit.author.name"));
    assert_eq!(code, 1);
}

#[test]
fn injection_through_env_passes() {
    let (r, code) = check("template-injection/good", "template-injection");
    assert_eq!(verdict(&r, "template-injection"), "pass");
    assert!(finding_values(&r, "template-injection").is_empty());
    assert_eq!(code, 0);
}

#[test]
fn injection_of_inputs_warns() {
    let (r, code) = check("template-injection/inputs", "template-injection");
    assert_eq!(verdict(&r, "template-injection"), "warn");
    assert_eq!(findings(&r, "template-injection"), [at(13, "warn")]);
    assert_eq!(code, 0);
}

#[test]
fn injection_in_github_script_and_indexed_commits_blocks() {
    let (r, _) = check("template-injection/pr-title", "template-injection");
    assert_eq!(
        findings(&r, "template-injection"),
        [at(14, "block"), at(17, "block")]
    );
}

// ---- dispatch-recovery ----------------------------------------------------

#[test]
fn a_required_ref_input_is_not_a_reason() {
    // `recovery_ref` says which tag to re-run, not why: the optional `why`
    // is the reason input, and it is not required.
    let (r, _) = check("dispatch-recovery/ref-only", "dispatch-recovery");
    assert_eq!(verdict(&r, "dispatch-recovery"), "warn");
    assert_eq!(findings(&r, "dispatch-recovery"), [at(11, "warn")]);
    assert!(message(&r, "dispatch-recovery", 0).contains("`why`"));
}

#[test]
fn bare_workflow_dispatch_warns() {
    let (r, _) = check("dispatch-recovery/bad", "dispatch-recovery");
    assert_eq!(verdict(&r, "dispatch-recovery"), "warn");
    assert_eq!(findings(&r, "dispatch-recovery"), [at(5, "warn")]);
}

#[test]
fn required_recovery_reason_passes() {
    let (r, _) = check("dispatch-recovery/good", "dispatch-recovery");
    assert_eq!(verdict(&r, "dispatch-recovery"), "pass");
}

#[test]
fn optional_reason_input_warns_at_the_input() {
    let (r, _) = check("dispatch-recovery/optional", "dispatch-recovery");
    assert_eq!(findings(&r, "dispatch-recovery"), [at(5, "warn")]);
    assert!(message(&r, "dispatch-recovery", 0).contains("not required"));
}

// ---- publish-isolation ----------------------------------------------------

#[test]
fn single_pypi_job_warns_naming_the_install_step() {
    let (r, code) = check("publish-isolation/bad", "publish-isolation");
    assert_eq!(verdict(&r, "publish-isolation"), "warn");
    assert_eq!(
        findings(&r, "publish-isolation"),
        [at(11, "warn"), at(20, "warn"), at(21, "warn")]
    );
    let install = message(&r, "publish-isolation", 1);
    assert!(install.contains("Install build tools"), "{install}");
    assert!(
        install.contains("pip install -r requirements.txt"),
        "{install}"
    );
    assert!(message(&r, "publish-isolation", 0).contains("checks out"));
    assert!(message(&r, "publish-isolation", 2).contains("python -m build"));
    assert_eq!(code, 0, "a warning does not fail the gate");
}

#[test]
fn split_build_and_publish_topology_passes() {
    let (r, _) = check("publish-isolation/good", "publish-isolation");
    assert_eq!(verdict(&r, "publish-isolation"), "pass");
}

#[test]
fn runtime_setup_for_npm_publish_passes() {
    let (r, _) = check("publish-isolation/npm-runtime", "publish-isolation");
    assert_eq!(verdict(&r, "publish-isolation"), "pass");
}

#[test]
fn cargo_publish_job_with_only_checkout_and_toolchain_passes() {
    // `cargo publish` packages the checked-out source: the checkout it needs
    // is no offence, with a token secret or with crates-io-auth-action's.
    for case in ["publish-isolation/cargo", "publish-isolation/crates-auth"] {
        let (r, _) = check(case, "publish-isolation");
        assert_eq!(verdict(&r, "publish-isolation"), "pass", "{case}");
    }
}

#[test]
fn cargo_publish_says_it_builds_by_necessity_when_the_job_builds_more() {
    let (r, _) = check("publish-isolation/cargo-extra-build", "publish-isolation");
    assert_eq!(findings(&r, "publish-isolation"), [at(16, "warn")]);
    let m = message(&r, "publish-isolation", 0);
    assert!(m.contains("must build the package itself"), "{m}");
    assert!(
        m.contains("line 15: builds with `cargo build --release`"),
        "{m}"
    );
    assert!(!m.contains("checks out"), "{m}");
}

#[test]
fn changesets_job_warns_on_checkout_and_the_install_in_pnpm_setup() {
    let (r, _) = check("publish-isolation/changesets", "publish-isolation");
    assert_eq!(
        findings(&r, "publish-isolation"),
        [at(16, "warn"), at(19, "warn")]
    );
    assert!(message(&r, "publish-isolation", 0).contains("the OIDC token"));
    assert!(message(&r, "publish-isolation", 1).contains("run_install"));
}

#[test]
fn rubygems_job_with_bundler_cache_installs_and_restores_a_cache() {
    let (r, _) = check(
        "publish-isolation/rubygems",
        "publish-isolation,release-cache",
    );
    assert_eq!(
        findings(&r, "publish-isolation"),
        [at(14, "warn"), at(17, "warn")]
    );
    assert!(message(&r, "publish-isolation", 1).contains("bundler-cache"));
    assert_eq!(findings(&r, "release-cache"), [at(20, "warn")]);
}

#[test]
fn a_build_job_holding_a_registry_secret_warns_on_its_installs_and_builds() {
    let (r, _) = check("publish-isolation/secret-in-build", "publish-isolation");
    // Checking out is what a build job is for; installing with the token is not.
    assert_eq!(
        findings(&r, "publish-isolation"),
        [at(15, "warn"), at(16, "warn")]
    );
    let m = message(&r, "publish-isolation", 0);
    assert!(
        m.contains("job `build` holds the registry secret `NPM_TOKEN`"),
        "{m}"
    );
}

#[test]
fn download_artifact_before_v4_warns() {
    let (r, _) = check("publish-isolation/old-download", "publish-isolation");
    assert_eq!(findings(&r, "publish-isolation"), [at(13, "warn")]);
}

// ---- release-triggers -----------------------------------------------------

#[test]
fn pull_request_target_blocks_at_the_trigger() {
    let (r, code) = check("release-triggers/bad", "release-triggers");
    assert_eq!(verdict(&r, "release-triggers"), "block");
    assert_eq!(findings(&r, "release-triggers"), [at(5, "block")]);
    assert_eq!(code, 1);
}

#[test]
fn release_event_passes() {
    let (r, _) = check("release-triggers/good", "release-triggers");
    assert_eq!(verdict(&r, "release-triggers"), "pass");
}

#[test]
fn pull_request_with_unguarded_publish_blocks_and_guarded_warns() {
    let (r, _) = check("release-triggers/unguarded-pr", "release-triggers");
    assert_eq!(findings(&r, "release-triggers"), [at(2, "block")]);
    let (r, _) = check("release-triggers/guarded", "release-triggers");
    assert_eq!(findings(&r, "release-triggers"), [at(2, "warn")]);
}

#[test]
fn step_and_needs_guards_count_but_a_needs_on_a_running_job_does_not() {
    let (r, _) = check("release-triggers/step-guarded", "release-triggers");
    assert_eq!(findings(&r, "release-triggers"), [at(4, "warn")]);
    let (r, _) = check("release-triggers/needs-unguarded", "release-triggers");
    assert_eq!(findings(&r, "release-triggers"), [at(4, "block")]);
    assert!(message(&r, "release-triggers", 0).contains("`release`"));
}

#[test]
fn a_guard_read_from_a_job_output_counts() {
    // `shipping` is `!github.event.pull_request`: the ship job, and the npm
    // job that needs it, never run for a pull request.
    let (r, _) = check(
        "release-triggers/outputs-guarded",
        "release-triggers,template-injection",
    );
    assert_eq!(findings(&r, "release-triggers"), [at(3, "warn")]);
    // `!github.event.pull_request` reads no outsider text.
    assert_eq!(verdict(&r, "template-injection"), "pass");
}

#[test]
fn a_guard_on_an_activity_type_no_pull_request_has_counts() {
    // `github.event.action == 'published'` is false on every pull-request
    // run (its action is opened, synchronize, …): the trigger only warns.
    // `!= 'closed'` is true on most of them: still a block.
    let (r, _) = check("release-triggers/event-action-guarded", "release-triggers");
    assert_eq!(
        findings(&r, "release-triggers"),
        [
            (
                ".github/workflows/labels.yml".to_string(),
                3,
                "block".to_string()
            ),
            (
                ".github/workflows/release.yml".to_string(),
                3,
                "warn".to_string()
            ),
        ]
    );
}

#[test]
fn docker_push_disabled_on_pull_requests_only_warns() {
    let (r, _) = check("release-triggers/docker-pr", "release-triggers");
    assert_eq!(
        findings(&r, "release-triggers"),
        [(
            ".github/workflows/image.yml".to_string(),
            6,
            "warn".to_string()
        )]
    );
}

// ---- checkout-credentials -------------------------------------------------

#[test]
fn checkout_without_persist_false_warns() {
    let (r, _) = check("checkout-credentials/bad", "checkout-credentials");
    assert_eq!(verdict(&r, "checkout-credentials"), "warn");
    assert_eq!(
        findings(&r, "checkout-credentials"),
        [at(10, "warn"), at(17, "warn")]
    );
}

#[test]
fn checkout_in_a_job_that_pushes_says_how_to_push_without_it() {
    let (r, _) = check("push-tags/bad", "checkout-credentials");
    assert_eq!(
        verdict(&r, "checkout-credentials"),
        "pass",
        "no checkout there"
    );
    let (r, _) = check("checkout-credentials/pushes", "checkout-credentials");
    assert_eq!(findings(&r, "checkout-credentials"), [at(10, "warn")]);
    let help = finding_values(&r, "checkout-credentials")[0]["help"]
        .as_str()
        .unwrap();
    assert!(help.contains("git push"), "{help}");
}

#[test]
fn checkout_with_persist_false_passes() {
    let (r, _) = check("checkout-credentials/good", "checkout-credentials");
    assert_eq!(verdict(&r, "checkout-credentials"), "pass");
}

// ---- release-cache --------------------------------------------------------

#[test]
fn caches_in_publishing_job_warn() {
    let (r, _) = check("release-cache/bad", "release-cache");
    assert_eq!(verdict(&r, "release-cache"), "warn");
    assert_eq!(
        findings(&r, "release-cache"),
        [at(13, "warn"), at(14, "warn")]
    );
}

#[test]
fn cache_in_build_job_only_passes() {
    let (r, _) = check("release-cache/good", "release-cache");
    assert_eq!(verdict(&r, "release-cache"), "pass");
}

// ---- push-tags and inline ignores ----------------------------------------

#[test]
fn git_push_tags_warns_at_its_line() {
    let (r, _) = check("push-tags/bad", "push-tags");
    assert_eq!(verdict(&r, "push-tags"), "warn");
    // Line 12 echoes the same words; the command itself is on line 13.
    assert_eq!(findings(&r, "push-tags"), [at(13, "warn")]);
    let (r, _) = check("push-tags/good", "push-tags");
    assert_eq!(verdict(&r, "push-tags"), "pass");
}

#[test]
fn inline_ignore_with_reason_suppresses_and_stays_visible() {
    let (r, code) = check("push-tags/ignored", "push-tags,policy-waivers");
    assert_eq!(verdict(&r, "push-tags"), "pass");
    let f = finding_values(&r, "push-tags");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["line"], 13);
    assert_eq!(f[0]["suppressed"]["by"], "inline");
    assert_eq!(f[0]["suppressed"]["reason"], "one tag per release");
    assert_eq!(r["summary"]["suppressed"], 1);
    assert!(
        !has_check(&r, "policy-waivers"),
        "a reasoned ignore needs no audit finding"
    );
    assert_eq!(code, 0);
}

#[test]
fn inline_ignore_at_the_end_of_the_line_also_works() {
    let (r, _) = check("push-tags/ignored-inline", "push-tags");
    assert_eq!(verdict(&r, "push-tags"), "pass");
    let f = finding_values(&r, "push-tags");
    assert_eq!((f.len(), &f[0]["line"]), (1, &Value::from(11)));
    assert_eq!(f[0]["suppressed"]["reason"], "one tag per release");
}

#[test]
fn inline_ignore_without_reason_warns_in_policy_waivers() {
    let (r, _) = check("push-tags/no-reason", "push-tags,policy-waivers");
    assert_eq!(verdict(&r, "push-tags"), "pass");
    assert_eq!(
        finding_values(&r, "push-tags")[0]["suppressed"]["by"],
        "inline"
    );
    assert_eq!(verdict(&r, "policy-waivers"), "warn");
    assert_eq!(findings(&r, "policy-waivers"), [at(12, "warn")]);
    assert!(message(&r, "policy-waivers", 0).contains("no reason"));
}

// ---- workflow.job-runs ----------------------------------------------------

#[test]
fn job_runs_in_the_wrong_order_blocks_at_the_job() {
    let (r, code) = check("workflow.job-runs/bad", "preflight-before-publish");
    assert_eq!(verdict(&r, "preflight-before-publish"), "block");
    assert_eq!(findings(&r, "preflight-before-publish"), [at(7, "block")]);
    let m = message(&r, "preflight-before-publish", 0);
    assert!(
        m.contains("mix hex.publish --yes") && m.contains("mix release.preflight"),
        "{m}"
    );
    let help = finding_values(&r, "preflight-before-publish")[0]["help"]
        .as_str()
        .unwrap();
    assert!(help.contains("why: the authenticated dry-run"), "{help}");
    assert_eq!(code, 1);
}

#[test]
fn job_runs_across_and_semicolons_and_continuations_passes() {
    let (r, code) = check("workflow.job-runs/good", "preflight-before-publish");
    assert_eq!(verdict(&r, "preflight-before-publish"), "pass");
    assert_eq!(code, 0);
}

#[test]
fn job_runs_only_in_job_blocks_where_another_job_runs_it() {
    let (r, _) = check("workflow.job-runs/only", "preflight-before-publish");
    // Another job of the same workflow, and a job of another workflow.
    assert_eq!(
        findings(&r, "preflight-before-publish"),
        [
            (
                ".github/workflows/docs.yml".to_string(),
                11,
                "block".to_string()
            ),
            at(17, "block")
        ]
    );
    assert!(message(&r, "preflight-before-publish", 0).contains("job `docs`"));
    assert!(message(&r, "preflight-before-publish", 1).contains("job `again`"));
}

#[test]
fn job_runs_by_action_names_the_missing_command_and_what_runs() {
    let (r, _) = check("workflow.job-runs/uses", "hex-job-runs-preflight");
    assert_eq!(findings(&r, "hex-job-runs-preflight"), [at(7, "block")]);
    let m = message(&r, "hex-job-runs-preflight", 0);
    assert!(
        m.contains("does not run `mix release.preflight`") && m.contains("`mix deps.get`"),
        "{m}"
    );
}

#[test]
fn job_runs_with_no_matching_workflow_blocks_at_the_policy() {
    let (r, _) = check("workflow.job-runs/nofile", "preflight-before-publish");
    assert_eq!(verdict(&r, "preflight-before-publish"), "block");
    // At the `files` key that names the missing workflow.
    assert_eq!(
        findings(&r, "preflight-before-publish"),
        [("shipgate.toml".to_string(), 6, "block".to_string())]
    );
    assert!(message(&r, "preflight-before-publish", 0).contains("names files that do not exist"));
}

#[test]
fn job_runs_bad_parameters_exit_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("shipgate.toml"),
        "[[check]]\nid = \"x\"\nuses = \"workflow.job-runs\"\njob = \"publish\"\njob_uses = \"a/b\"\nruns = [\"make\"]\n",
    )
    .unwrap();
    let out = shipgate(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shipgate.toml:5"), "{err}");
}

#[test]
fn every_catalog_check_explains_itself() {
    // Every check of the workflow pass.
    for id in &workflow_pass() {
        let out = shipgate(&["explain", id]);
        assert!(out.status.success(), "{id}");
        assert!(out.stdout.len() > 200, "{id} explains too little");
    }
    let list = shipgate(&["list"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("workflow.job-runs"));
}

// ---- a well-kept lane ------------------------------------------------------

#[test]
fn a_well_kept_hex_release_lane_blocks_nothing() {
    // Seed 000's shape: release-please on main, a protected hex-publish
    // environment, a recovery-only dispatch with a required reason, the
    // authenticated dry run before the publish in one script.
    // Only this catalog's checks (and the lane's contract): other areas' checks
    // judge files this tree does not have.
    let (r, code) = check(
        "workflow.job-runs/hex-lane",
        "publish-isolation,release-concurrency,dispatch-recovery,release-triggers,\
         checkout-credentials,template-injection,release-cache,push-tags,\
         preflight-before-publish,actions-pinned,workflow-permissions,secrets-in-environment",
    );
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["verdict"], "warn");
    for c in r["checks"].as_array().unwrap() {
        let expected = if c["id"] == "publish-isolation" {
            "warn"
        } else {
            "pass"
        };
        assert_eq!(c["verdict"], expected, "{}", c["id"]);
    }
    assert_eq!(r["checks"].as_array().unwrap().len(), 12);
    assert_eq!(findings(&r, "publish-isolation"), [at(52, "warn")]);
    assert!(message(&r, "publish-isolation", 0).contains("must build the package itself"));
}

/// The checks that run in the shared workflow pass, read from the registry.
fn workflow_pass() -> Vec<&'static str> {
    shipgate::checks::workflow_check_ids().collect()
}

/// Every fixture tree with workflows, however deep it sits under fixtures/.
fn trees_with_workflows() -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, depth: usize, out: &mut Vec<PathBuf>) {
        if dir.join(".github/workflows").is_dir() {
            out.push(dir.to_path_buf());
        }
        if depth == 0 {
            return;
        }
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut subs: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir() && !p.ends_with(".github"))
            .collect();
        subs.sort();
        for s in subs {
            walk(&s, depth - 1, out);
        }
    }
    let mut out = Vec::new();
    walk(&fixture(""), 3, &mut out);
    out
}

fn run_json(root: &std::path::Path, extra: &[&str]) -> Option<Value> {
    let root = root.to_str().expect("utf-8 path");
    let out = shipgate(&[&["check", root, "--format", "json"][..], extra].concat());
    serde_json::from_slice(&out.stdout).ok()
}

#[test]
fn workflow_pass_gives_each_check_what_it_finds_alone() {
    let trees = trees_with_workflows();
    assert!(trees.len() >= 10, "{trees:?}");
    let mut compared = 0;
    // Equal because both were empty proves nothing: many must have findings.
    let mut with_findings = 0;
    for root in &trees {
        // Trees whose policy is broken on purpose give no report.
        let Some(together) = run_json(root, &[]) else {
            continue;
        };
        for id in workflow_pass() {
            let entry = |r: &Value| {
                r["checks"]
                    .as_array()
                    .and_then(|cs| cs.iter().find(|c| c["id"] == *id).cloned())
            };
            // A check the tree's policy turns off (or keeps to another lane)
            // leaves `--only` nothing to run: exit 2, and nothing to compare.
            let Some(alone) = run_json(root, &["--only", id]) else {
                assert!(
                    entry(&together).is_none(),
                    "{id} ran together but gave no report alone on {}",
                    root.display()
                );
                continue;
            };
            let judged = entry(&together);
            if judged
                .as_ref()
                .and_then(|e| e["findings"].as_array())
                .is_some_and(|f| !f.is_empty())
            {
                with_findings += 1;
            }
            assert_eq!(entry(&alone), judged, "{id} on {}", root.display());
            compared += 1;
        }
    }
    assert!(compared >= 100, "{compared}");
    assert!(with_findings >= 30, "{with_findings}");
}

#[test]
fn a_release_kept_to_some_tags_by_name_is_judged_on_tag_runs() {
    // `if: startsWith(github.ref_name, 'v3')`: which tags publish is not
    // known (the gate's stand-in tag is no `v3…`), so tag runs still
    // release, and branch runs (whose ref is known) do not. With a group
    // per ref, `cancel-in-progress: true` can only cut short a re-pushed
    // tag's own run: the warning, not the block for cancelling a release.
    let (r, code) = check(
        "release-concurrency/tag-named-in-condition",
        "release-concurrency",
    );
    let ci = (
        ".github/workflows/ci.yml".to_string(),
        9,
        "warn".to_string(),
    );
    assert_eq!(findings(&r, "release-concurrency"), [ci]);
    assert_eq!(code, 0);
    let m = message(&r, "release-concurrency", 0);
    assert!(m.contains("same tag is pushed again"), "{m}");
}
