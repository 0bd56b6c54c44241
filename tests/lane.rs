//! The release lane (issue 14): a job's release path runs through local
//! composite actions, reusable workflows in the repository, and the
//! repository, package, Makefile and justfile scripts its `run:` steps
//! invoke. Each class has its own fixture under `fixtures/lane/`.

mod common;

use common::{check_json, finding_messages, findings, fixture, verdict};
use serde_json::Value;

const WF: &str = ".github/workflows/release.yml";

fn check(rel: &str, only: &str) -> (Value, i32) {
    let (code, report) = check_json(&fixture(&format!("lane/{rel}")), &["--only", only]);
    (report, code)
}

fn at(path: &str, line: u64, sev: &str) -> (String, u64, String) {
    (path.to_string(), line, sev.to_string())
}

/// The message of the finding at `path:line`.
fn message_at(report: &Value, id: &str, path: &str, line: u64) -> String {
    finding_messages(report, id)
        .into_iter()
        .find(|(p, l, _)| p == path && *l == line)
        .map(|(_, _, m)| m)
        .unwrap_or_else(|| panic!("no {id} finding at {path}:{line}: {report:#}"))
}

// ---- composite actions -----------------------------------------------------

const SETUP: &str = ".github/actions/setup/action.yml";

#[test]
fn an_unpinned_uses_inside_a_composite_action_blocks_at_its_line_in_action_yml() {
    let (r, code) = check("composite", "actions-pinned");
    assert_eq!(verdict(&r, "actions-pinned"), "block");
    // ci.yml uses the same action: it is reported once, by the release workflow.
    assert_eq!(findings(&r, "actions-pinned"), [at(SETUP, 6, "block")]);
    let m = message_at(&r, "actions-pinned", SETUP, 6);
    assert!(m.contains("actions/setup-python@v5"), "{m}");
    assert!(m.contains("./.github/actions/setup"), "{m}");
    assert!(m.contains("job `publish`"), "{m}");
    assert_eq!(code, 1);
}

#[test]
fn installs_and_caches_inside_a_composite_action_count_for_the_publishing_job() {
    let (r, _) = check("composite", "publish-isolation,release-cache");
    assert_eq!(
        findings(&r, "publish-isolation"),
        [at(SETUP, 17, "warn")],
        "the pip install in the composite's run, not the pip upgrade"
    );
    let m = message_at(&r, "publish-isolation", SETUP, 17);
    assert!(m.contains("pip install -r requirements.txt"), "{m}");
    assert!(
        !m.contains("through ./.github/actions/setup"),
        "named once: {m}"
    );
    // The node action restores the cache its caller asks for; the uv action's
    // cache input defaults to false and its caller leaves it.
    const NODE: &str = ".github/actions/node/action.yml";
    assert_eq!(
        findings(&r, "release-cache"),
        [
            at(NODE, 13, "warn"),
            at(SETUP, 9, "warn"),
            at(SETUP, 10, "warn")
        ]
    );
    let m = message_at(&r, "release-cache", NODE, 13);
    assert!(m.contains("`cache: npm`"), "{m}");
}

#[test]
fn a_publish_inside_a_composite_action_makes_the_job_a_publishing_job() {
    // `npm publish` in the action's run: the job must declare an environment.
    let (r, code) = check("composite-publishes", "publish-environment");
    assert_eq!(verdict(&r, "publish-environment"), "block");
    assert_eq!(findings(&r, "publish-environment"), [at(WF, 7, "block")]);
    let m = message_at(&r, "publish-environment", WF, 7);
    assert!(
        m.contains("npm publish --access public in .github/actions/release/action.yml:18"),
        "{m}"
    );
    assert_eq!(code, 1);
}

#[test]
fn a_token_handed_to_a_publishing_composite_action_is_a_long_lived_token() {
    let (r, _) = check("composite-publishes", "trusted-publishing");
    assert_eq!(findings(&r, "trusted-publishing"), [at(WF, 15, "block")]);
    let m = message_at(&r, "trusted-publishing", WF, 15);
    assert!(m.contains("`npm-token:` input to the local action"), "{m}");
}

// ---- reusable workflows ----------------------------------------------------

#[test]
fn a_reusable_workflow_that_publishes_is_judged_in_its_callers_lane() {
    // The caller publishes only through the workflow it calls: it is a
    // release workflow, so its tag pin blocks and `secrets: inherit` blocks.
    let (r, code) = check("reusable", "actions-pinned,secrets-in-environment");
    // A workflow the release workflow calls runs in its lane: its tag pin
    // blocks too, though it publishes nothing itself.
    const WHEELS: &str = ".github/workflows/wheels.yml";
    assert_eq!(
        findings(&r, "actions-pinned"),
        [at(WF, 10, "block"), at(WHEELS, 9, "block")]
    );
    let m = message_at(&r, "actions-pinned", WHEELS, 9);
    assert!(m.contains("called by release workflow release.yml"), "{m}");
    assert_eq!(
        findings(&r, "secrets-in-environment"),
        [at(WF, 17, "block")]
    );
    assert_eq!(code, 1);
}

// ---- package scripts -------------------------------------------------------

#[test]
fn publishes_behind_package_scripts_are_found() {
    let (r, code) = check("package-script", "publish-environment,oidc-scope");
    assert_eq!(
        findings(&r, "publish-environment"),
        [at(WF, 7, "block"), at(WF, 14, "block"), at(WF, 21, "block")]
    );
    // `pnpm run ci-publish` → `tsx scripts/publish-ci.ts`, which calls the
    // `publish` a release library exports.
    let pnpm = message_at(&r, "publish-environment", WF, 7);
    assert!(pnpm.contains("scripts/publish-ci.ts:4"), "{pnpm}");
    assert!(pnpm.contains("@acme/release-tools"), "{pnpm}");
    // `npm run release` → `npm run check && npm publish --provenance`.
    let npm = message_at(&r, "publish-environment", WF, 14);
    assert!(
        npm.contains("npm publish --provenance in package.json:7"),
        "{npm}"
    );
    // `yarn ship` → `node scripts/ship.mjs`, which runs `npm publish`.
    let yarn = message_at(&r, "publish-environment", WF, 21);
    assert!(
        yarn.contains("npm publish --tag next in scripts/ship.mjs:4"),
        "{yarn}"
    );
    // `npm run release -- --dry-run` (job `rehearse`) is told not to publish.
    // Each job uses its OIDC token to publish.
    assert_eq!(verdict(&r, "oidc-scope"), "pass");
    assert_eq!(code, 1);
}

// ---- repository scripts ----------------------------------------------------

#[test]
fn publishes_and_installs_behind_repository_scripts_are_found() {
    let (r, _) = check("repo-script", "publish-environment,publish-isolation");
    assert_eq!(findings(&r, "publish-environment"), [at(WF, 7, "block")]);
    // `${PREFIX}twine upload` with PREFIX="" is twine.
    let m = message_at(&r, "publish-environment", WF, 7);
    assert!(
        m.contains("twine upload dist/* in scripts/publish.sh:6"),
        "{m}"
    );
    // `"$PIP" install` where every assignment of PIP names pip.
    assert_eq!(
        findings(&r, "publish-isolation"),
        [at("scripts/install", 9, "warn")]
    );
    let m = message_at(&r, "publish-isolation", "scripts/install", 9);
    assert!(m.contains("through scripts/install"), "{m}");
}

// ---- Makefile and justfile -------------------------------------------------

#[test]
fn publishes_behind_make_targets_and_just_recipes_are_found() {
    let (r, _) = check("make-just", "publish-environment,publish-isolation");
    assert_eq!(
        findings(&r, "publish-environment"),
        [at(WF, 7, "block"), at(WF, 14, "block")]
    );
    let make = message_at(&r, "publish-environment", WF, 7);
    assert!(make.contains("twine upload dist/* in Makefile:5"), "{make}");
    let just = message_at(&r, "publish-environment", WF, 14);
    assert!(
        just.contains("gem push pkg/lane-1.0.0.gem in justfile:2"),
        "{just}"
    );
    // `make -C docs release` (job `docs`) runs another directory's Makefile.
    // The recipe's dependency builds the gem in the publishing job.
    assert_eq!(
        findings(&r, "publish-isolation"),
        [at("justfile", 5, "warn")]
    );
}

// ---- cycles and what cannot be read ----------------------------------------

#[test]
fn cycles_end_and_each_composite_step_is_judged_once() {
    // a uses b uses a; a script runs itself; npm scripts call each other; a
    // workflow calls itself. The run ends and the checkout in `a` is
    // reported once.
    let (r, _) = check("cycles", "actions-pinned,publish-isolation");
    assert_eq!(
        findings(&r, "actions-pinned"),
        [at(".github/actions/a/action.yml", 6, "block")]
    );
    assert_eq!(
        findings(&r, "publish-isolation"),
        [at(".github/actions/a/action.yml", 6, "warn")]
    );
}

#[test]
fn missing_or_broken_local_actions_and_called_workflows_fail_closed() {
    let (r, code) = check("missing", "actions-pinned");
    assert_eq!(
        findings(&r, "actions-pinned"),
        [
            at(WF, 13, "block"),
            at(WF, 14, "block"),
            at(WF, 17, "block")
        ]
    );
    assert!(message_at(&r, "actions-pinned", WF, 13).contains("./.github/actions/gone"));
    assert!(message_at(&r, "actions-pinned", WF, 14).contains("not a valid action"));
    assert!(message_at(&r, "actions-pinned", WF, 17).contains("does not exist"));
    // `./tools/setup` comes from another repository checked out at run
    // time (job `external`): not this tree's to judge, and not missing.
    assert_eq!(code, 1);
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_never_followed() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    common::write(
        outside.path(),
        "action/action.yml",
        "name: x\nruns:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n",
    );
    common::write(outside.path(), "publish.sh", "#!/bin/sh\nnpm publish\n");
    let root = tempfile::tempdir().unwrap();
    common::write(
        root.path(),
        WF,
        "on:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  ship:\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/out\n      - run: ./scripts/publish.sh\n      - run: gh release create v1\n",
    );
    std::fs::create_dir_all(root.path().join(".github/actions")).unwrap();
    symlink(
        outside.path().join("action"),
        root.path().join(".github/actions/out"),
    )
    .unwrap();
    std::fs::create_dir_all(root.path().join("scripts")).unwrap();
    symlink(
        outside.path().join("publish.sh"),
        root.path().join("scripts/publish.sh"),
    )
    .unwrap();
    let (_, r) = check_json(
        root.path(),
        &["--only", "actions-pinned,publish-environment"],
    );
    // The action outside the root is reported where the job uses it, not read.
    assert_eq!(findings(&r, "actions-pinned"), [at(WF, 9, "block")]);
    let m = message_at(&r, "actions-pinned", WF, 9);
    assert!(
        m.contains("./.github/actions/out") && m.contains("not read"),
        "{m}"
    );
    // The script outside the root is not read: the job publishes nothing.
    assert_eq!(verdict(&r, "publish-environment"), "skip");
}

#[test]
fn fan_out_through_called_workflows_stays_bounded() {
    // w0 calls w1 from 60 jobs, w1 calls w2 from 60 jobs, … : 60^4 paths
    // through the lane if each were followed.
    let root = tempfile::tempdir().unwrap();
    for level in 0..5 {
        let mut wf = String::from(
            "on:\n  workflow_call:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n",
        );
        if level < 4 {
            for j in 0..60 {
                wf.push_str(&format!(
                    "  j{j}:\n    uses: ./.github/workflows/w{}.yml\n",
                    level + 1
                ));
            }
        } else {
            wf.push_str("  publish:\n    runs-on: x\n    environment: npm\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm publish\n");
        }
        common::write(root.path(), &format!(".github/workflows/w{level}.yml"), wf);
    }
    let started = std::time::Instant::now();
    let (_, r) = check_json(root.path(), &["--only", "actions-pinned"]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        findings(&r, "actions-pinned"),
        [at(".github/workflows/w4.yml", 11, "block")]
    );
}

#[test]
fn a_staged_npm_publish_inside_a_command_substitution_is_the_jobs_publish() {
    // `pnpm stage publish` (npm's staged publishing) in a repository script,
    // inside `$(…)`: the job publishes to npm by OIDC, so its token is used.
    let (r, _) = check("staged-publish", "oidc-scope");
    assert_eq!(verdict(&r, "oidc-scope"), "pass", "{r:#}");
    let (r, _) = check("staged-publish", "publish-environment");
    assert_eq!(verdict(&r, "publish-environment"), "pass", "{r:#}");
}

// ---- scripts told to check only --------------------------------------------

#[test]
fn a_script_run_with_a_check_only_flag_it_reads_does_not_publish() {
    let (r, _) = check("check-only-script", "publish-environment");
    // `ensure-packages.mjs --check-only` exits before its `npm publish` (the
    // script reads the flag); run without the flag it publishes. A `--check`
    // the script never reads does not stop its publish.
    assert_eq!(
        findings(&r, "publish-environment"),
        [
            at(".github/workflows/ci.yml", 10, "block"),
            at(WF, 8, "block")
        ]
    );
    let m = message_at(&r, "publish-environment", WF, 8);
    assert!(m.contains("scripts/ensure-packages.mjs:10"), "{m}");
}

#[test]
fn a_call_whose_inputs_switch_the_publish_off_is_a_rehearsal_not_a_release() {
    // ci.yml calls the reusable publish workflow with `"live": false` in a
    // JSON input (around an expression that fills another field) and
    // `upload: false`: the steps and job those inputs switch off publish
    // nothing for this caller, and the token mint that stays on uploads
    // nothing by itself. ci.yml is no release workflow, so its test job's
    // secret needs no environment.
    let dir = fixture("secrets-in-environment/reusable-dry-run");
    let (code, r) = check_json(&dir, &[]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(verdict(&r, "secrets-in-environment"), "pass");
    assert_eq!(verdict(&r, "workflow-permissions"), "pass");
    assert_eq!(verdict(&r, "registry-readiness"), "pass");
    assert!(findings(&r, "secrets-in-environment").is_empty());
}

#[test]
fn a_call_whose_switch_is_filled_by_an_expression_still_releases() {
    // The same call with `"live"` filled from the ref: the switch is not
    // known, so the call may publish and ci.yml is judged as a release.
    let dir = fixture("secrets-in-environment/reusable-input-unknown");
    let (code, r) = check_json(&dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "secrets-in-environment"),
        vec![at(".github/workflows/ci.yml", 12, "block")]
    );
    assert_eq!(
        findings(&r, "workflow-permissions"),
        vec![at(".github/workflows/ci.yml", 1, "block")]
    );
    let m = message_at(
        &r,
        "registry-readiness",
        ".github/workflows/publish.yml",
        25,
    );
    assert!(m.contains("called by job `rehearse` of `ci.yml`"), "{m}");
}

// ---- JavaScript release scripts ---------------------------------------------

#[test]
fn publishes_in_javascript_release_scripts_are_found_and_messages_are_not() {
    let dir = fixture("trusted-publishing/js-release-script");
    let (_, r) = check_json(&dir, &["--only", "trusted-publishing,publish-environment"]);
    // `pnpm run release` → `node scripts/release.mjs` → `execSync('npm
    // publish --provenance')`, and `pnpm run ship` → `zx scripts/ship.mjs`
    // → `` $({ stdio })`pnpm publish -r` ``, each with an npm token from a
    // secret. `announce` only prints or comments the command, and
    // `rehearse` runs it with `--dry-run`: neither publishes.
    assert_eq!(
        findings(&r, "trusted-publishing"),
        [at(WF, 14, "block"), at(WF, 21, "block")]
    );
    assert_eq!(
        findings(&r, "publish-environment"),
        [at(WF, 8, "block"), at(WF, 15, "block")]
    );
    let release = message_at(&r, "publish-environment", WF, 8);
    assert!(
        release.contains("npm publish --provenance in scripts/release.mjs:4"),
        "{release}"
    );
    let ship = message_at(&r, "publish-environment", WF, 15);
    assert!(ship.contains("scripts/ship.mjs:5"), "{ship}");
}

#[test]
fn nx_release_publish_called_from_a_script_publishes_unless_told_to_rehearse() {
    let dir = fixture("publish-environment/js-nx-release-publish");
    let (_, r) = check_json(&dir, &["--only", "publish-environment"]);
    // `pnpm run release --dry-run="$DRY_RUN"` → `tsx tools/release.mts`,
    // which calls Nx's `releasePublish`: the value is filled in at run
    // time, so the same line makes the real release. `--dry-run` bare
    // (job `rehearse`) does not.
    assert_eq!(findings(&r, "publish-environment"), [at(WF, 10, "block")]);
    let m = message_at(&r, "publish-environment", WF, 10);
    assert!(m.contains("releasePublish() from nx/release"), "{m}");
    assert!(m.contains("tools/release.mts:13"), "{m}");
}

#[test]
fn a_function_a_release_script_imports_from_its_own_module_is_followed_once() {
    let dir = fixture("publish-environment/js-imported-helper");
    let (_, r) = check_json(&dir, &["--only", "publish-environment"]);
    // `node scripts/release.mjs` calls `publishAll` from
    // `./lib/packages.mjs`, whose body runs `pnpm publish -r`. Job `tag`
    // imports and calls only `tagAll` from the same module: the module's
    // other functions are not its work.
    assert_eq!(findings(&r, "publish-environment"), [at(WF, 7, "block")]);
    let m = message_at(&r, "publish-environment", WF, 7);
    assert!(m.contains("scripts/lib/packages.mjs:5"), "{m}");
}
