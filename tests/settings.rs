//! `settings.environment` and `shipgate evidence collect`, run as a user would:
//! the binary over fixture trees, reading `--format json`.

mod common;

use common::{check_json, finding_messages, has_check, result, shipgate, verdict, write};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A tree under `fixtures/settings-environment`.
fn fixture(name: &str) -> PathBuf {
    common::fixture("settings-environment").join(name)
}

/// Runs `check --format json` on a tree in a lane: (exit code, report).
fn check(root: &Path, lane: &str) -> (i32, Value) {
    check_json(root, &["--lane", lane])
}

const EVIDENCE: &str = ".github/settings-evidence";

#[test]
fn every_bad_setting_blocks_once_at_its_line() {
    let (code, report) = check(&fixture("bad"), "preflight");
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "block");
    assert_eq!(verdict(&report, "pypi-environment"), "block");
    let f = finding_messages(&report, "pypi-environment");
    let env = format!("{EVIDENCE}/environment.json");
    let repo = format!("{EVIDENCE}/repo-secrets.json");
    let at: Vec<(&str, u64)> = f.iter().map(|(p, l, _)| (p.as_str(), *l)).collect();
    assert_eq!(
        at,
        vec![
            (env.as_str(), 9),   // "can_admins_bypass": true
            (env.as_str(), 10),  // "protection_rules": [ wait_timer only ]
            (env.as_str(), 18),  // "deployment_branch_policy": null
            (repo.as_str(), 10), // "name": "PYPI_API_TOKEN"
        ],
        "{f:#?}"
    );
    assert!(f[0].2.contains("admin bypass") && f[0].2.contains("must be: false"));
    assert!(f[1].2.contains("required reviewers: none") && f[1].2.contains("`wait_timer`"));
    assert!(f[2].2.contains("every branch can deploy") && f[2].2.contains("only `main`"));
    assert!(
        f[3].2.contains("`PYPI_API_TOKEN`: a repository secret")
            && f[3].2.contains("environment `pypi`"),
        "{}",
        f[3].2
    );
}

#[test]
fn each_defect_alone_blocks_with_one_finding() {
    let (code, report) = check(&fixture("single-defects"), "preflight");
    assert_eq!(code, 1);
    for (id, path, line, says) in [
        (
            "all-branches",
            "evidence/all-branches.json",
            29,
            "every branch can deploy",
        ),
        (
            "no-reviewers",
            "evidence/no-reviewers.json",
            10,
            "no `required_reviewers` rule",
        ),
        (
            "empty-reviewers",
            "evidence/empty-reviewers.json",
            16,
            "lists no reviewer",
        ),
        (
            "admin-bypass",
            "evidence/admin-bypass.json",
            9,
            "`can_admins_bypass: true`",
        ),
        (
            "repo-secret",
            "evidence/repo-secrets-token.json",
            10,
            "a repository secret",
        ),
    ] {
        assert_eq!(verdict(&report, id), "block", "{id}");
        let f = finding_messages(&report, id);
        assert_eq!(f.len(), 1, "{id}: {f:#?}");
        assert_eq!((f[0].0.as_str(), f[0].1), (path, line), "{id}");
        assert!(f[0].2.contains(says), "{id}: {}", f[0].2);
    }
    // The same evidence with the defect removed passes.
    assert_eq!(verdict(&report, "all-good"), "pass");
    assert!(finding_messages(&report, "all-good").is_empty());
    // Trusted publishing: only the repository secrets are checked; names and
    // environment names compare case-insensitively, as GitHub treats them.
    let f = finding_messages(&report, "oidc-leftover-token");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (f[0].0.as_str(), f[0].1),
        ("evidence/repo-secrets-token.json", 10)
    );
    assert_eq!(verdict(&report, "oidc-clean"), "pass");
}

#[test]
fn seed_001_environment_passes() {
    for tree in ["good", "good-pypi"] {
        let (code, report) = check(&fixture(tree), "preflight");
        assert_eq!(code, 0, "{tree}: {report:#}");
        assert_eq!(report["verdict"], "pass", "{tree}");
        let id = if tree == "good" {
            "release-environment"
        } else {
            "pypi-environment"
        };
        assert_eq!(verdict(&report, id), "pass", "{tree}");
        assert!(finding_messages(&report, id).is_empty(), "{tree}");
    }
}

#[test]
fn settings_checks_do_not_run_before_merge() {
    for tree in ["bad", "good", "missing", "default-lane"] {
        let (code, report) = check(&fixture(tree), "pre-merge");
        assert_eq!(code, 0, "{tree}: {report:#}");
        assert_eq!(report["lane"], "pre-merge");
        assert!(
            !report["checks"]
                .as_array()
                .expect("checks")
                .iter()
                .any(|c| c["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("settings.environment"))),
            "{tree}: a settings check ran in pre-merge: {report:#}"
        );
    }
}

#[test]
fn a_check_without_lanes_defaults_to_preflight() {
    let tree = fixture("default-lane");
    let (_, before_merge) = check(&tree, "pre-merge");
    assert!(!has_check(&before_merge, "pypi-environment"));
    let (code, preflight) = check(&tree, "preflight");
    assert_eq!(code, 0);
    assert_eq!(verdict(&preflight, "pypi-environment"), "pass");
}

#[test]
fn missing_evidence_blocks_naming_the_file() {
    let (code, report) = check(&fixture("missing"), "preflight");
    assert_eq!(code, 1);
    let f = finding_messages(&report, "pypi-environment");
    assert_eq!(f.len(), 1, "{f:#?}");
    // Points at the policy line that names the missing file.
    assert_eq!((f[0].0.as_str(), f[0].1), ("shipgate.toml", 6));
    assert!(
        f[0].2
            .contains(".github/settings-evidence/environment.json")
            && f[0].2.contains("does not exist"),
        "{}",
        f[0].2
    );
}

#[test]
fn malformed_evidence_blocks_naming_the_file() {
    let (code, report) = check(&fixture("malformed"), "preflight");
    assert_eq!(code, 1);
    for (id, path, line, says) in [
        (
            "truncated",
            "evidence/truncated.json",
            10,
            "cannot be read: invalid JSON",
        ),
        (
            "not-found",
            "evidence/not-found.json",
            2,
            "is a GitHub API error (\"Not Found\")",
        ),
        ("array", "evidence/array.json", 1, "is not a JSON object"),
        ("no-name", "evidence/no-name.json", 1, "has no `name`"),
    ] {
        assert_eq!(verdict(&report, id), "block", "{id}");
        let f = finding_messages(&report, id);
        assert_eq!(f.len(), 1, "{id}: {f:#?}");
        assert_eq!((f[0].0.as_str(), f[0].1), (path, line), "{id}");
        assert!(
            f[0].2.contains(path) && f[0].2.contains(says),
            "{id}: {}",
            f[0].2
        );
    }
    let f = finding_messages(&report, "wrong-types");
    let at: Vec<(&str, u64)> = f.iter().map(|(p, l, _)| (p.as_str(), *l)).collect();
    assert_eq!(
        at,
        vec![
            ("evidence/wrong-types.json", 9),
            ("evidence/wrong-types.json", 10)
        ]
    );
    assert!(f.iter().all(|(_, _, m)| m.contains("is malformed")));
    // A missing secrets file fails closed even when the environment is fine.
    let f = finding_messages(&report, "missing-secrets-file");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].0, "shipgate.toml");
    assert!(f[0].2.contains("evidence/repo-secrets.json"), "{}", f[0].2);
}

#[test]
fn branch_rules_are_compared_with_the_allowed_branches() {
    let (code, report) = check(&fixture("branch-rules"), "preflight");
    assert_eq!(code, 1);
    let lines = |id: &str| -> Vec<(String, u64)> {
        finding_messages(&report, id)
            .into_iter()
            .map(|(p, l, _)| (p, l))
            .collect()
    };
    let extra = finding_messages(&report, "extra-rules");
    assert_eq!(
        lines("extra-rules"),
        vec![
            ("evidence/policies-extra.json".to_string(), 13),
            ("evidence/policies-extra.json".to_string(), 19)
        ]
    );
    assert!(extra[0].2.contains("`release/*` can deploy"));
    assert!(extra[1].2.contains("tags matching `v*`"));
    // The same rules pass when the policy allows them.
    assert_eq!(verdict(&report, "rules-allowed"), "pass");
    assert_eq!(
        lines("rules-unlisted"),
        vec![("evidence/custom.json".to_string(), 36)]
    );
    assert_eq!(
        lines("no-main-rule"),
        vec![("evidence/policies-no-main.json".to_string(), 3)]
    );
    assert!(
        finding_messages(&report, "paged-rules")[0]
            .2
            .contains("incomplete")
    );
    let protected = finding_messages(&report, "protected-only");
    assert_eq!(
        (protected[0].0.as_str(), protected[0].1),
        ("evidence/protected.json", 35)
    );
    assert!(protected[0].2.contains("any protected branch"));
    // gh writes compact JSON when redirected: line 1, at the key's column.
    let compact = &result(&report, "compact")["findings"][0];
    assert_eq!(compact["line"], 1);
    assert_eq!(compact["column"], 327);
    let wrong = finding_messages(&report, "wrong-environment");
    assert_eq!(wrong.len(), 1);
    assert_eq!(
        (wrong[0].0.as_str(), wrong[0].1),
        ("evidence/staging.json", 4)
    );
    assert!(wrong[0].2.contains("`staging`") && wrong[0].2.contains("`pypi`"));
    let secrets = lines("secret-not-in-env");
    assert_eq!(
        secrets,
        vec![
            ("evidence/env-secrets-other.json".to_string(), 3),
            ("evidence/repo-secrets-paged.json".to_string(), 3)
        ]
    );
}

#[test]
fn bad_parameters_are_exit_2_at_their_key() {
    let cases = [
        (
            "secrets = [\"PYPI_API_TOKEN\"]\n",
            "`secrets` needs evidence",
            6,
        ),
        ("evidence2 = \"x\"\n", "unknown key", 6),
        ("branches = []\n", "at least one", 6),
        ("repo_secrets = \"r.json\"\n", "names none", 6),
        ("", "checks nothing", 1),
    ];
    for (extra, says, line) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "shipgate.toml",
            format!(
                "[[check]]\nid = \"env\"\nuses = \"settings.environment\"\nlanes = [\"preflight\"]\nevidence = \"e.json\"\n{extra}"
            ),
        );
        let out = shipgate(&["check", dir.path().to_str().unwrap(), "--lane", "preflight"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra}: {err}");
        assert!(
            err.contains(says) && err.contains(&format!("shipgate.toml:{line}:")),
            "{extra}: {err}"
        );
    }
    // An evidence path outside the root is refused before anything runs.
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "shipgate.toml",
        "[[check]]\nid = \"env\"\nuses = \"settings.environment\"\nevidence = \"../../etc/passwd\"\nrequired_reviewers = true\n",
    );
    let out = shipgate(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shipgate.toml:4:"));
}

fn collect(args: &[&str]) -> (i32, String, String) {
    let out = shipgate(&[&["evidence", "collect"][..], args].concat());
    (
        out.status.code().expect("code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn collect_prints_the_gh_commands_and_the_policy() {
    let (code, out, _) = collect(&[
        "--repo",
        "example-org/example-pkg",
        "--environment",
        "pypi",
        "--out",
        ".github/settings-evidence",
        "--secret",
        "PYPI_API_TOKEN",
    ]);
    assert_eq!(code, 0);
    for line in [
        "gh api -H 'Accept: application/vnd.github+json' 'repos/example-org/example-pkg/environments/pypi' > '.github/settings-evidence/environment.json'",
        "gh api -H 'Accept: application/vnd.github+json' 'repos/example-org/example-pkg/environments/pypi/deployment-branch-policies?per_page=100' > '.github/settings-evidence/branch-policies.json'",
        "gh api -H 'Accept: application/vnd.github+json' 'repos/example-org/example-pkg/environments/pypi/secrets?per_page=100' > '.github/settings-evidence/environment-secrets.json'",
        "gh api -H 'Accept: application/vnd.github+json' 'repos/example-org/example-pkg/actions/secrets?per_page=100' > '.github/settings-evidence/repo-secrets.json'",
    ] {
        assert!(
            out.lines().any(|l| l == line),
            "missing `{line}` in:\n{out}"
        );
    }
    // The printed policy, with the evidence the good-pypi fixture holds at the
    // same paths, is a valid policy that passes.
    let policy: String = out
        .split("cat <<'SHIPGATE_POLICY'\n")
        .nth(1)
        .and_then(|rest| rest.split("SHIPGATE_POLICY\n").next())
        .expect("policy heredoc")
        .to_string();
    assert!(policy.contains("lanes = [\"preflight\"]"), "{policy}");
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "shipgate.toml", &policy);
    let src = fixture("good-pypi").join(EVIDENCE);
    for f in [
        "environment.json",
        "branch-policies.json",
        "environment-secrets.json",
        "repo-secrets.json",
    ] {
        let text = std::fs::read_to_string(src.join(f)).expect("fixture");
        write(dir.path(), &format!("{EVIDENCE}/{f}"), &text);
    }
    let (code, report) = check(dir.path(), "preflight");
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(verdict(&report, "pypi-environment"), "pass");
    // Without --secret the secrets lines are a commented suggestion.
    let (code, out, _) = collect(&["--repo", "o/r", "--environment", "prod eu", "--out", "ev"]);
    assert_eq!(code, 0);
    assert!(out.contains("'repos/o/r/environments/prod%20eu'"), "{out}");
    assert!(out.contains("# secrets = []") && out.contains("id = \"prod-eu-environment\""));
}

#[test]
fn collect_refuses_bad_names_with_exit_2() {
    for (flag, value) in [
        ("--repo", "no-slash"),
        ("--repo", "o/r/x"),
        ("--repo", "o/$(id)"),
        ("--environment", "pypi;rm -rf ~"),
        ("--environment", ""),
        ("--out", "/tmp/evidence"),
        ("--out", "../outside"),
        ("--secret", "1BAD"),
        ("--secret", "GITHUB_TOKEN"),
        ("--branch", "main;x"),
    ] {
        let mut args = vec!["--repo", "o/r", "--environment", "pypi", "--out", "ev"];
        match args.iter().position(|a| *a == flag) {
            Some(i) => args[i + 1] = value,
            None => args.extend([flag, value]),
        }
        let (code, out, err) = collect(&args);
        assert_eq!(code, 2, "{flag} {value:?}: {out}");
        assert!(out.is_empty(), "{flag} {value:?} printed: {out}");
        assert!(err.contains(flag), "{flag} {value:?}: {err}");
    }
    // A missing required flag is a usage error too.
    let (code, _, _) = collect(&["--repo", "o/r", "--out", "ev"]);
    assert_eq!(code, 2);
}

#[cfg(unix)]
#[test]
fn hostile_evidence_is_reported_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = |id: &str, file: &str| {
        format!(
            "[[check]]\nid = \"{id}\"\nuses = \"settings.environment\"\nlanes = [\"preflight\"]\nevidence = \"{file}\"\nadmins_bypass = false\n"
        )
    };
    write(
        dir.path(),
        "shipgate.toml",
        [
            policy("link", "ev/link.json"),
            policy("binary", "ev/binary.json"),
        ]
        .join("\n"),
    );
    std::fs::create_dir_all(dir.path().join("ev")).expect("mkdir");
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("ev/link.json")).expect("symlink");
    std::fs::write(dir.path().join("ev/binary.json"), b"{\n\"name\": \"a\0b\"}").expect("write");
    let (code, report) = check(dir.path(), "preflight");
    assert_eq!(code, 1);
    let link = finding_messages(&report, "link");
    assert_eq!(link.len(), 1, "{link:#?}");
    assert_eq!(link[0].0, "ev/link.json");
    assert!(
        link[0].2.contains("symlink that leaves the root"),
        "{}",
        link[0].2
    );
    let binary = finding_messages(&report, "binary");
    assert_eq!((binary[0].0.as_str(), binary[0].1), ("ev/binary.json", 2));
    assert!(binary[0].2.contains("binary"), "{}", binary[0].2);
}
