//! Living with the gate: waivers, lanes, tuning, presets and `init`.

mod common;

use common::*;

const WF: &str = ".github/workflows/release.yml";

fn write_policy(dir: &std::path::Path, text: &str) {
    std::fs::write(dir.join("shipgate.toml"), text).unwrap();
}

#[test]
fn future_waiver_suppresses_one_check_in_one_file() {
    let dir = copy_fixture("pypi-token-bad");
    write_policy(
        dir.path(),
        "[[waiver]]\ncheck = \"actions-pinned\"\npath = \".github/workflows/release.yml\"\nreason = \"pins land with the next bot run\"\nexpires = \"2099-01-01\"\n",
    );
    let (_, r) = check_json(dir.path(), &[]);
    assert_eq!(verdict(&r, "actions-pinned"), "pass");
    let f = &result(&r, "actions-pinned")["findings"];
    assert_eq!(
        f.as_array().unwrap().len(),
        2,
        "suppressed findings stay in the report"
    );
    assert_eq!(f[0]["suppressed"]["by"], "waiver");
    assert_eq!(
        f[0]["suppressed"]["reason"],
        "pins land with the next bot run"
    );
    assert_eq!(r["summary"]["suppressed"], 2);
    // Every other check is unchanged.
    assert_eq!(verdict(&r, "trusted-publishing"), "block");
    assert_eq!(verdict(&r, "policy-waivers"), "pass");
}

#[test]
fn expired_waiver_blocks_at_its_line() {
    let dir = copy_fixture("pypi-token-bad");
    write_policy(
        dir.path(),
        "# waivers\n\n[[waiver]]\ncheck = \"actions-pinned\"\npath = \".github/workflows/*.yml\"\nreason = \"temporary\"\nexpires = \"2020-01-01\"\n",
    );
    let (code, r) = check_json(dir.path(), &["--only", "actions-pinned,policy-waivers"]);
    assert_eq!(code, 1);
    assert_eq!(
        verdict(&r, "actions-pinned"),
        "block",
        "an expired waiver suppresses nothing"
    );
    assert_eq!(
        findings(&r, "policy-waivers"),
        vec![("shipgate.toml".into(), 3, "block".into())]
    );
    let msg = result(&r, "policy-waivers")["findings"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("2020-01-01"), "{msg}");
}

#[test]
fn stale_waiver_warns() {
    let dir = copy_fixture("release-split-good");
    write_policy(
        dir.path(),
        "[[waiver]]\ncheck = \"actions-pinned\"\npath = \"**\"\nreason = \"old\"\n",
    );
    let (code, r) = check_json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(
        findings(&r, "policy-waivers"),
        vec![("shipgate.toml".into(), 1, "warn".into())]
    );
}

#[test]
fn waiver_line_narrows_to_one_finding() {
    let dir = copy_fixture("pypi-token-bad");
    write_policy(
        dir.path(),
        "[[waiver]]\ncheck = \"actions-pinned\"\npath = \".github/workflows/release.yml\"\nline = 12\nreason = \"setup-python is vendored\"\n",
    );
    let (_, r) = check_json(dir.path(), &["--only", "actions-pinned"]);
    let f = result(&r, "actions-pinned")["findings"]
        .as_array()
        .unwrap()
        .clone();
    assert!(f[0]["suppressed"].is_null());
    assert_eq!(f[1]["suppressed"]["by"], "waiver");
    assert_eq!(verdict(&r, "actions-pinned"), "block");
}

#[test]
fn bad_waivers_are_policy_errors() {
    for (text, needle, line) in [
        (
            "[[waiver]]\ncheck = \"actions-pinned\"\npath = \"**\"\n",
            "reason",
            1,
        ),
        (
            "[[waiver]]\ncheck = \"nope\"\nreason = \"x\"\n",
            "unknown check `nope`",
            1,
        ),
        (
            "[[waiver]]\ncheck = \"actions-pinned\"\nreason = \"x\"\nexpires = \"soon\"\n",
            "expires",
            4,
        ),
        (
            "[[waiver]]\ncheck = \"actions-pinned\"\nreason = \"x\"\nowner = \"me\"\n",
            "waiver.owner",
            4,
        ),
    ] {
        assert_policy_error(text, needle, line);
    }
}

#[test]
fn lanes_select_checks() {
    let dir = copy_fixture("pypi-token-bad");
    write_policy(
        dir.path(),
        "[checks.actions-pinned]\nlanes = [\"preflight\"]\n",
    );
    let (_, r) = check_json(dir.path(), &[]);
    assert_eq!(r["lane"], "pre-merge");
    assert!(!has_check(&r, "actions-pinned"));
    let (_, r) = check_json(dir.path(), &["--lane", "preflight"]);
    assert_eq!(r["lane"], "preflight");
    assert_eq!(verdict(&r, "actions-pinned"), "block");
    // preflight runs everything pre-merge runs too.
    assert_eq!(verdict(&r, "trusted-publishing"), "block");
}

#[test]
fn custom_lanes_must_be_declared() {
    let dir = copy_fixture("pypi-token-bad");
    write_policy(
        dir.path(),
        "lanes = [\"nightly\"]\n[checks.oidc-scope]\nlanes = [\"nightly\"]\n",
    );
    let (_, r) = check_json(dir.path(), &["--lane", "nightly"]);
    assert_eq!(verdict(&r, "oidc-scope"), "pass");
    let (_, r) = check_json(dir.path(), &[]);
    assert!(!has_check(&r, "oidc-scope"));
    write_policy(dir.path(), "[checks.oidc-scope]\nlanes = [\"nightly\"]\n");
    let out = shipgate(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn tuning_severity_files_and_enabled() {
    let dir = copy_fixture("pypi-token-bad");
    write_policy(
        dir.path(),
        "[checks.actions-pinned]\nseverity = \"warn\"\n\n[checks.trusted-publishing]\nenabled = false\n\n[checks.workflow-permissions]\nfiles = [\".github/workflows/other.yml\"]\n",
    );
    let (_, r) = check_json(dir.path(), &[]);
    assert_eq!(verdict(&r, "actions-pinned"), "warn");
    assert_eq!(
        findings(&r, "actions-pinned")[0],
        (WF.into(), 11, "warn".into())
    );
    assert!(!has_check(&r, "trusted-publishing"));
    assert_eq!(
        verdict(&r, "workflow-permissions"),
        "block",
        "a `files` glob that matches nothing blocks at its policy line"
    );
    assert_eq!(
        findings(&r, "workflow-permissions"),
        vec![("shipgate.toml".into(), 8, "block".into())]
    );
    // Narrowed to a workflow that is there (and releases nothing).
    std::fs::write(
        dir.path().join(".github/workflows/other.yml"),
        "on: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n",
    )
    .unwrap();
    let (_, r) = check_json(dir.path(), &[]);
    assert_eq!(
        verdict(&r, "workflow-permissions"),
        "skip",
        "files narrows what the check reads"
    );
}

#[test]
fn policy_found_in_dot_github_and_by_flag() {
    let dir = copy_fixture("pypi-token-bad");
    std::fs::write(
        dir.path().join(".github/shipgate.toml"),
        "[checks.actions-pinned]\nseverity = \"warn\"\n",
    )
    .unwrap();
    let (_, r) = check_json(dir.path(), &[]);
    assert_eq!(r["policy"], ".github/shipgate.toml");
    assert_eq!(verdict(&r, "actions-pinned"), "warn");
    let other = dir.path().join("strict.toml");
    std::fs::write(&other, "[checks.actions-pinned]\nenabled = false\n").unwrap();
    let (_, r) = check_json(dir.path(), &["--policy", other.to_str().unwrap()]);
    assert!(!has_check(&r, "actions-pinned"));
}

#[test]
fn policy_type_errors_name_key_and_line() {
    for (text, needle, line) in [
        ("extends = \"default\"\n", "extends", 1),
        (
            "[checks.actions-pinned]\nseverity = \"fatal\"\n",
            "severity",
            2,
        ),
        (
            "\n[checks.actions-pinned]\nenabled = \"yes\"\n",
            "enabled",
            3,
        ),
        (
            "[[check]]\nid = \"x\"\nuses = \"no.such\"\n",
            "unknown evaluator",
            3,
        ),
        ("extends = [\"default\"\n", "invalid TOML", 1),
        ("[checks.actions-pinned]\nfiles = [\"a/[\"]\n", "glob", 2),
    ] {
        assert_policy_error(text, needle, line);
    }
}

#[test]
fn init_writes_a_policy_that_keeps_default_verdicts_and_refuses_to_overwrite() {
    let dir = copy_fixture("hex-env-good");
    std::fs::write(
        dir.path().join("release-please-config.json"),
        "{\"packages\": {\".\": {\"release-type\": \"elixir\"}}}",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".release-please-manifest.json"),
        "{\".\": \"1.4.0\"}",
    )
    .unwrap();
    let (_, before) = check_json(dir.path(), &[]);
    let out = shipgate(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("Elixir / Hex")
            && said.contains("release-please")
            && said.contains("hex-publish"),
        "{said}"
    );
    let written = std::fs::read_to_string(dir.path().join("shipgate.toml")).unwrap();
    assert!(written.contains("publish_environment = \"hex-publish\""));
    let (_, after) = check_json(dir.path(), &[]);
    assert_eq!(after["policy"], "shipgate.toml");
    for c in before["checks"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        assert_eq!(verdict(&after, id), c["verdict"].as_str().unwrap(), "{id}");
    }
    let again = shipgate(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("shipgate.toml")).unwrap(),
        written
    );
    let forced = shipgate(&["init", dir.path().to_str().unwrap(), "--force"]);
    assert_eq!(forced.status.code(), Some(0));
}

#[test]
fn presets_are_listed() {
    let out = shipgate(&["list", "--presets"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("default"));
}

#[test]
fn every_preset_loads_and_pypi_tightens_publish_isolation() {
    let out = shipgate(&["list", "--presets"]);
    let listing = String::from_utf8_lossy(&out.stdout).to_string();
    for preset in [
        "default",
        "github-actions",
        "pypi",
        "npm",
        "crates",
        "hex",
        "release-please",
    ] {
        assert!(listing.contains(preset), "{preset} not listed");
        let dir = copy_fixture("release-split-good");
        write_policy(dir.path(), &format!("extends = [\"{preset}\"]\n"));
        let (code, _) = check_json(dir.path(), &[]);
        assert_eq!(code, 0, "preset {preset} on a good tree");
    }
    let dir = copy_fixture("pypi-token-bad");
    let (_, plain) = check_json(dir.path(), &["--only", "publish-isolation"]);
    assert_eq!(verdict(&plain, "publish-isolation"), "warn");
    write_policy(dir.path(), "extends = [\"default\", \"pypi\"]\n");
    let (_, strict) = check_json(dir.path(), &["--only", "publish-isolation"]);
    assert_eq!(verdict(&strict, "publish-isolation"), "block");
    // The file's own settings win over its presets.
    write_policy(
        dir.path(),
        "extends = [\"pypi\"]\n[checks.publish-isolation]\nseverity = \"warn\"\n",
    );
    let (_, own) = check_json(dir.path(), &["--only", "publish-isolation"]);
    assert_eq!(verdict(&own, "publish-isolation"), "warn");
}

#[test]
fn preflight_only_job_runs_check() {
    let dir = copy_fixture("hex-env-good");
    write_policy(
        dir.path(),
        "[[check]]\nid = \"preflight-before-publish\"\nuses = \"workflow.job-runs\"\nlanes = [\"preflight\"]\nfiles = [\".github/workflows/release.yml\"]\njob = \"publish\"\nruns_in_order = [\"mix hex.publish --yes\", \"mix release.preflight\"]\nwhy = \"the dry-run comes first\"\n",
    );
    let (code, r) = check_json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert!(!has_check(&r, "preflight-before-publish"));
    let (code, r) = check_json(dir.path(), &["--lane", "preflight"]);
    assert_eq!(code, 1, "the fixture runs them the other way round");
    assert_eq!(verdict(&r, "preflight-before-publish"), "block");
    assert_eq!(
        findings(&r, "preflight-before-publish")[0].0,
        ".github/workflows/release.yml"
    );
}

/// `text` as the policy of a good tree is exit 2, naming `needle` at
/// `shipgate.toml:line`.
fn assert_policy_error(text: &str, needle: &str, line: usize) {
    let dir = copy_fixture("release-split-good");
    write_policy(dir.path(), text);
    let out = shipgate(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(needle) && err.contains(&format!("shipgate.toml:{line}:")),
        "{text}\n{err}"
    );
}

/// The lines of the commented `[[check]]` that `init` suggests for the
/// publishing job, uncommented.
fn uncommented_publish_suggestion(policy: &str) -> String {
    let start = policy
        .find("# Only the publishing job publishes")
        .expect("a publish suggestion");
    policy[start..]
        .lines()
        .skip_while(|l| *l != "# [[check]]")
        .take_while(|l| !l.is_empty())
        .map(|l| format!("{}\n", l.strip_prefix("# ").unwrap()))
        .collect()
}

#[test]
fn init_suggests_what_the_publishing_job_really_runs_and_it_passes() {
    // A Python project that publishes with the PyPI action, not `twine
    // upload`: the suggestion selects the job by that action.
    let dir = copy_fixture("release-split-good");
    let out = shipgate(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let path = dir.path().join("shipgate.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    let suggestion = uncommented_publish_suggestion(&written);
    assert_eq!(
        suggestion,
        "[[check]]\nid = \"publish-only-in-publish\"\nuses = \"workflow.job-runs\"\nlanes = [\"preflight\"]\nfiles = [\".github/workflows/release.yml\"]\njob_uses = \"pypa/gh-action-pypi-publish\"\nexclusive = [\"twine upload\"]\nwhy = \"one trusted job holds the publish credentials\"\n"
    );
    let (code, before) = check_json(dir.path(), &["--lane", "preflight"]);
    std::fs::write(&path, format!("{written}\n{suggestion}")).unwrap();
    let (after_code, after) = check_json(dir.path(), &["--lane", "preflight"]);
    assert_eq!(verdict(&after, "publish-only-in-publish"), "pass");
    assert_eq!(
        (after_code, after["verdict"].clone()),
        (code, before["verdict"].clone())
    );

    // A Hex project whose job runs the publish command: `runs` names it, and
    // no other job may run it.
    let dir = copy_fixture("hex-env-good");
    shipgate(&["init", dir.path().to_str().unwrap()]);
    let path = dir.path().join("shipgate.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    let suggestion = uncommented_publish_suggestion(&written);
    assert!(
        suggestion
            .contains("job = \"publish\"\nruns = [\"mix hex.publish\"]\nonly_in_job = true\n"),
        "{suggestion}"
    );
    std::fs::write(&path, format!("{written}\n{suggestion}")).unwrap();
    let (_, after) = check_json(dir.path(), &["--lane", "preflight"]);
    assert_eq!(verdict(&after, "publish-only-in-publish"), "pass");

    // A second job that also publishes: `only_in_job` would block, so the
    // suggestion leaves it out and still passes.
    let dir = copy_fixture("hex-env-good");
    let wf = dir.path().join(".github/workflows/release.yml");
    let text = std::fs::read_to_string(&wf).unwrap();
    std::fs::write(
        &wf,
        format!("{text}  again:\n    runs-on: ubuntu-latest\n    environment: hex-publish\n    steps:\n      - run: mix hex.publish --yes\n"),
    )
    .unwrap();
    shipgate(&["init", dir.path().to_str().unwrap()]);
    let path = dir.path().join("shipgate.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    let suggestion = uncommented_publish_suggestion(&written);
    assert!(!suggestion.contains("only_in_job"), "{suggestion}");
    std::fs::write(&path, format!("{written}\n{suggestion}")).unwrap();
    let (_, after) = check_json(dir.path(), &["--lane", "preflight"]);
    assert_eq!(verdict(&after, "publish-only-in-publish"), "pass");
}

#[test]
fn init_sees_a_mix_ci_alias_wherever_it_sits() {
    for project in [
        // One line, inside the project keyword list.
        "    [app: :demo, version: @version, aliases: [ci: [\"format --check-formatted\", \"test\"]]]\n",
        // The usual `defp aliases` block.
        "    [app: :demo, version: @version, aliases: aliases()]\n  end\n\n  defp aliases do\n    [\n      ci: [\"test\"]\n    ]\n",
    ] {
        let dir = copy_fixture("hex-env-good");
        let mix = dir.path().join("mix.exs");
        let text = std::fs::read_to_string(&mix).unwrap().replace(
            "    [app: :demo, version: @version, description: \"Demo\", package: package()]\n",
            project,
        );
        std::fs::write(&mix, text).unwrap();
        let out = shipgate(&["init", dir.path().to_str().unwrap()]);
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            said.contains("contributor gate: the `ci:` alias (`mix ci`) in mix.exs"),
            "{project}\n{said}"
        );
    }
}
