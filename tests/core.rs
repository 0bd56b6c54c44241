//! The core contract: exit codes, the first six workflow checks on good and
//! bad trees, policy errors, and snapshots of the human and JSON reports.

mod common;

use common::*;

const SIX: [&str; 6] = [
    "actions-pinned",
    "workflow-permissions",
    "oidc-scope",
    "publish-environment",
    "trusted-publishing",
    "secrets-in-environment",
];

const WF: &str = ".github/workflows/release.yml";

#[test]
fn token_based_pypi_workflow_blocks_at_each_line() {
    let (code, r) = check_json(&fixture("pypi-token-bad"), &[]);
    assert_eq!(code, 1);
    assert_eq!(r["verdict"], "block");
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![
            (WF.into(), 11, "block".into()),
            (WF.into(), 12, "block".into())
        ],
        "one finding per unpinned action"
    );
    assert_eq!(
        findings(&r, "workflow-permissions"),
        vec![(WF.into(), 6, "block".into())]
    );
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(WF.into(), 8, "block".into())]
    );
    assert_eq!(
        findings(&r, "trusted-publishing"),
        vec![(WF.into(), 21, "block".into())]
    );
    assert_eq!(
        findings(&r, "secrets-in-environment"),
        vec![(WF.into(), 21, "block".into())]
    );
    let pinned = &result(&r, "actions-pinned")["findings"][0];
    assert_eq!(pinned["column"], 15);
    assert!(
        pinned["message"]
            .as_str()
            .unwrap()
            .contains("actions/checkout@v4")
    );
    assert!(
        pinned["help"]
            .as_str()
            .unwrap()
            .contains("actions/checkout@<sha> # v4")
    );
}

#[test]
fn split_build_and_publish_passes_all_six() {
    let (code, r) = check_json(&fixture("release-split-good"), &[]);
    assert_eq!(code, 0, "{r:#}");
    for id in SIX {
        assert_eq!(verdict(&r, id), "pass", "{id}: {:#}", result(&r, id));
    }
}

#[test]
fn no_release_workflow_skips_and_only_warns_on_plain_pins() {
    let (code, r) = check_json(&fixture("no-release"), &[]);
    assert_eq!(code, 0);
    for id in &SIX[1..] {
        assert_eq!(verdict(&r, id), "skip", "{id}");
    }
    assert_eq!(verdict(&r, "actions-pinned"), "warn");
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![(".github/workflows/ci.yml".into(), 7, "warn".into())]
    );
    // --fail-on warn turns the warning into a failing exit code.
    let (code, _) = check_json(&fixture("no-release"), &["--fail-on", "warn"]);
    assert_eq!(code, 1);
}

#[test]
fn hex_secret_in_environment_passes() {
    let (code, r) = check_json(&fixture("hex-env-good"), &[]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(verdict(&r, "trusted-publishing"), "pass");
    assert_eq!(verdict(&r, "secrets-in-environment"), "pass");
    assert_eq!(verdict(&r, "publish-environment"), "pass");
}

#[test]
fn a_feed_key_without_environment_is_blocked_once_per_check_that_owns_it() {
    // One missing `environment:` on a job pushing with a key to a feed that
    // has no trusted publishing (MyGet, Hex): publish-environment blocks the
    // job and secrets-in-environment the secret; trusted-publishing has no
    // trusted publisher to offer and says nothing. NuGet has one, so its key
    // still warns there.
    let (code, r) = check_json(
        &fixture("trusted-publishing/feed-key-without-environment"),
        &[],
    );
    assert_eq!(code, 1, "{r:#}");
    let at = |line: u64, sev: &str| (WF.to_string(), line, sev.to_string());
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![at(14, "block"), at(18, "block"), at(24, "block")]
    );
    assert_eq!(
        findings(&r, "secrets-in-environment"),
        vec![at(17, "block"), at(23, "block"), at(27, "block")]
    );
    assert_eq!(findings(&r, "trusted-publishing"), vec![at(27, "warn")]);
    let m = &finding_messages(&r, "trusted-publishing")[0].2;
    assert!(
        m.contains("`nuget-org`") && m.contains("NuGet supports trusted publishing"),
        "{m}"
    );
}

#[test]
fn oidc_granted_where_unused_blocks() {
    let (code, r) = check_json(&fixture("oidc-scope-bad"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "oidc-scope"),
        vec![
            (WF.into(), 7, "block".into()),
            (WF.into(), 13, "block".into())
        ]
    );
}

#[test]
fn missing_permissions_write_all_and_inherited_secrets_block() {
    let (_, r) = check_json(&fixture("permissions-bad"), &[]);
    assert_eq!(
        findings(&r, "workflow-permissions"),
        vec![
            (WF.into(), 1, "block".into()),
            (WF.into(), 8, "block".into())
        ]
    );
    assert_eq!(
        findings(&r, "secrets-in-environment"),
        vec![(WF.into(), 16, "block".into())]
    );
    // A GitHub release is shipping, not registry publishing.
    assert_eq!(verdict(&r, "publish-environment"), "skip");
}

#[test]
fn npm_token_blocks_and_cargo_token_warns() {
    let (_, r) = check_json(&fixture("npm-token-bad"), &[]);
    let p = ".github/workflows/publish.yml";
    assert_eq!(
        findings(&r, "trusted-publishing"),
        vec![(p.into(), 8, "block".into()), (p.into(), 25, "warn".into())]
    );
    assert_eq!(
        findings(&r, "secrets-in-environment"),
        vec![(p.into(), 8, "block".into())]
    );
}

#[test]
fn publish_environment_var_must_match() {
    let (code, r) = check_json(&fixture("publish-environment-mismatch"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "publish-environment"),
        vec![(WF.into(), 9, "block".into())]
    );
    let msg = result(&r, "publish-environment")["findings"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("production") && msg.contains("hex-publish"),
        "{msg}"
    );
}

#[test]
fn misspelt_policy_key_exits_2_naming_key_and_line() {
    let out = shipgate(&["check", fixture("policy-typo").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shipgate.toml:4:1"), "{err}");
    assert!(err.contains("sevrity"), "{err}");
    assert!(
        out.stdout.is_empty(),
        "nothing is evaluated after a policy error"
    );
}

#[test]
fn command_line_errors_exit_2() {
    let dir = fixture("no-release");
    let d = dir.to_str().unwrap();
    for args in [
        vec!["check", d, "--format", "yaml"],
        vec!["check", d, "--only", "no-such-check"],
        vec!["check", d, "--lane", "nightly"],
        vec!["check", d, "--bogus"],
        vec!["explain", "no-such-check"],
        vec!["check", "/definitely/not/here"],
    ] {
        let out = shipgate(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stderr.is_empty());
    }
    let missing_policy = shipgate(&["check", d, "--policy", "/no/such/policy.toml"]);
    assert_eq!(missing_policy.status.code(), Some(2));
}

#[test]
fn only_and_skip_select_checks() {
    let (_, r) = check_json(
        &fixture("pypi-token-bad"),
        &["--only", "actions-pinned,oidc-scope"],
    );
    let ids: Vec<&str> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["actions-pinned", "oidc-scope"]);
    let (_, r) = check_json(&fixture("pypi-token-bad"), &["--skip", "actions-pinned"]);
    assert!(!has_check(&r, "actions-pinned"));
}

#[test]
fn list_and_explain_read_the_registry() {
    let out = shipgate(&["list"]);
    assert_eq!(out.status.code(), Some(0));
    let list = String::from_utf8_lossy(&out.stdout);
    for id in SIX {
        assert!(list.contains(id), "{id} missing from list");
        let ex = shipgate(&["explain", id]);
        assert_eq!(ex.status.code(), Some(0));
        let text = String::from_utf8_lossy(&ex.stdout);
        for part in ["Why", "Passes", "Fails", "Fix"] {
            assert!(text.contains(part), "{id} explain lacks {part}");
        }
    }
    let v = shipgate(&["--version"]);
    assert!(String::from_utf8_lossy(&v.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn report_is_written_to_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("report.json");
    let out = shipgate(&[
        "check",
        fixture("pypi-token-bad").to_str().unwrap(),
        "--format",
        "json",
        "--output",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&out_path).unwrap()).unwrap();
    assert_eq!(r["schema"], "shipgate/report-v1");
}

#[test]
fn root_is_the_path_argument_not_the_cwd() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shipgate"))
        .args(["check", "pypi-token-bad", "--format", "json"])
        .current_dir(fixture(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        findings(&r, "actions-pinned")[0].0,
        WF,
        "paths are relative to the root"
    );
}

#[test]
fn human_and_json_reports_snapshot() {
    let dir = fixture("pypi-token-bad");
    let human = shipgate(&["check", dir.to_str().unwrap()]);
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(!text.contains('\x1b'), "no colour when not a terminal");
    insta::assert_snapshot!("pypi_token_bad_human", text);
    let (_, json) = check_json(&dir, &[]);
    insta::assert_json_snapshot!("pypi_token_bad_json", json);
}

#[test]
fn a_remote_reusable_workflow_handed_a_registry_credential_makes_a_release_workflow() {
    // The called workflow lives in another repository and cannot be read;
    // handing it NUGET_API_KEY says it publishes. The caller is judged as
    // the release workflow it is; a lint call handed another service's
    // token, and a pull-request CI handing NPM_TOKEN to an action that
    // installs private packages, stay ordinary workflows.
    let (code, r) = check_json(&fixture("secrets-in-environment/remote-release-call"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![
            (".github/workflows/ci.yml".into(), 9, "warn".into()),
            (".github/workflows/lint.yml".into(), 5, "warn".into()),
            (WF.into(), 7, "block".into()),
        ]
    );
    assert_eq!(
        findings(&r, "workflow-permissions"),
        vec![(WF.into(), 1, "block".into())]
    );
    assert_eq!(
        findings(&r, "secrets-in-environment"),
        vec![
            (WF.into(), 11, "block".into()),
            (WF.into(), 12, "block".into())
        ]
    );
    let help = result(&r, "secrets-in-environment")["findings"][0]["help"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(help.contains("cannot declare `environment:`"), "{help}");
    // Its steps are not seen: nothing claims a publishing job.
    assert_eq!(verdict(&r, "publish-environment"), "skip");
    assert_eq!(verdict(&r, "trusted-publishing"), "skip");
}

#[test]
fn a_remote_release_workflow_granted_the_oidc_token_makes_a_release_workflow() {
    // No secret is handed: the called release workflow of another
    // repository mints the registry's token with the OIDC grant. A lint
    // workflow given the token, and a release workflow called from a
    // pull-request run, stay ordinary workflows.
    let (code, r) = check_json(&fixture("actions-pinned/remote-release-oidc"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "actions-pinned"),
        vec![
            (".github/workflows/lint.yml".into(), 8, "warn".into()),
            (".github/workflows/preview.yml".into(), 7, "warn".into()),
            (WF.into(), 11, "block".into()),
        ]
    );
    // The caller holds its group and its permissions itself.
    assert_eq!(verdict(&r, "release-concurrency"), "pass");
    assert_eq!(verdict(&r, "workflow-permissions"), "pass");
    assert_eq!(verdict(&r, "publish-environment"), "skip");
}

#[test]
fn the_sigstore_cli_run_from_a_virtualenv_uses_the_oidc_token() {
    // `build` signs each distribution with sigstore-python's `sigstore
    // sign`, run as a module by the interpreter of a virtualenv, over a
    // continued line: it uses its grant. `smoke` only verifies, which needs
    // no token, so its grant is unused.
    let (code, r) = check_json(&fixture("oidc-scope/sigstore-cli"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "oidc-scope"),
        vec![(WF.into(), 41, "block".into())]
    );
}

#[test]
fn an_action_handed_a_registry_credential_releases_and_npm_provenance_uses_the_oidc_token() {
    // Neither job's action is known, but each is handed NPM_TOKEN: the
    // workflow releases. `NPM_CONFIG_PROVENANCE: true` makes npm sign with
    // the OIDC token, so the first job's grant is used; the second job
    // holds the grant with nothing that uses it.
    let (code, r) = check_json(&fixture("oidc-scope/provenance-env"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "oidc-scope"),
        vec![(WF.into(), 27, "block".into())]
    );
    assert_eq!(verdict(&r, "secrets-in-environment"), "pass");
    assert_eq!(verdict(&r, "workflow-permissions"), "pass");
}
