//! A near miss of a typed name gets a suggestion: `explain`, `--only` /
//! `--skip`, `extends`, `uses` and a waiver's `check`.

mod common;

use common::{shipgate, write};

fn stderr_of(args: &[&str]) -> (Option<i32>, String) {
    let out = shipgate(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn explain_suggests_the_closest_check() {
    let (code, err) = stderr_of(&["explain", "actions-pined"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("did you mean `actions-pinned`?"), "{err}");
}

#[test]
fn only_and_skip_suggest_the_closest_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().to_str().expect("utf-8");
    for flag in ["--only", "--skip"] {
        let (code, err) = stderr_of(&["check", path, flag, "oidc-scop"]);
        assert_eq!(code, Some(2));
        assert!(err.contains("did you mean `oidc-scope`?"), "{flag}: {err}");
    }
}

#[test]
fn policy_names_suggest_the_closest_one() {
    let cases = [
        ("extends = [\"defualt\"]\n", "did you mean `default`?"),
        (
            "[[check]]\nid = \"x\"\nuses = \"workflow.jobs\"\nfiles = [\"a\"]\n",
            "did you mean `workflow.job`?",
        ),
        (
            "[[waiver]]\ncheck = \"oidc-scop\"\nreason = \"r\"\n",
            "did you mean `oidc-scope`?",
        ),
    ];
    for (policy, hint) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "shipgate.toml", policy);
        let (code, err) = stderr_of(&["check", dir.path().to_str().expect("utf-8")]);
        assert_eq!(code, Some(2), "{policy}");
        assert!(err.contains(hint), "{policy}: {err}");
    }
}
