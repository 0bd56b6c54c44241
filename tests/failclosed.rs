//! A gate that judged nothing must not say PASS (issue 15): misspelt or
//! mistyped policy keys, globs that name nothing, `--only`/`--skip` that
//! leave nothing, and a run from a subdirectory.

mod common;

use common::{result, shipgate, write};
use std::path::Path;
use std::process::Command;

/// A release workflow whose publishing job uses environment `crates`.
const RELEASE: &str = "\
name: release
on:
  push:
    tags: ['v*']
permissions: {}
concurrency:
  group: release-${{ github.ref }}
  cancel-in-progress: false
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: crates
    steps:
      - run: cargo publish
";
const WF: &str = ".github/workflows/release.yml";

fn tree_with_policy(policy: &str) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), WF, RELEASE);
    write(t.path(), "README.md", "# x\n");
    write(t.path(), "shipgate.toml", policy);
    t
}

/// `check` exits 2, and stderr names `shipgate.toml:LINE:` and each of `needles`.
fn assert_policy_error(policy: &str, line: usize, needles: &[&str]) {
    let t = tree_with_policy(policy);
    let out = shipgate(&["check", t.path().to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{policy}\n→ {err}");
    assert!(
        err.contains(&format!("shipgate.toml:{line}:")),
        "{policy}\n→ want line {line}: {err}"
    );
    for n in needles {
        assert!(err.contains(n), "{policy}\n→ want {n:?}: {err}");
    }
    assert!(out.stdout.is_empty(), "nothing is evaluated");
}

#[test]
fn misspelt_vars_are_errors_with_a_suggestion() {
    // Without the error, the typo would leave publish-environment unpinned: PASS.
    assert_policy_error(
        "[vars]\npublish_enviroment = \"release\"\n",
        2,
        &[
            "vars.publish_enviroment",
            "did you mean `publish_environment`",
        ],
    );
    assert_policy_error(
        "[vars]\npublish_environment = \"crates\"\ngithub_repo = \"o/r\"\n",
        3,
        &["did you mean", "github_repository"],
    );
    assert_policy_error(
        "vars = { publishenvironment = \"x\" }\n",
        1,
        &["did you mean `publish_environment`"],
    );
    assert_policy_error(
        "[vars]\nanything = \"x\"\n",
        2,
        &["unknown key `vars.anything`"],
    );
    // Typed: a string, not a number, bool or table.
    for v in ["3", "true", "[\"a\"]", "{ name = \"a\" }"] {
        assert_policy_error(
            &format!("[vars]\npublish_environment = {v}\n"),
            2,
            &["must be a string"],
        );
    }
    // The right spelling still works, and still judges.
    let t = tree_with_policy("[vars]\npublish_environment = \"release\"\n");
    let (code, v) = common::check_json(t.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(result(&v, "publish-environment")["verdict"], "block");
}

#[test]
fn every_table_rejects_unknown_keys_with_a_suggestion() {
    for (policy, line, hint) in [
        ("extend = [\"default\"]\n", 1, "did you mean `extends`"),
        (
            "[checks.actions-pinned]\nseverty = \"warn\"\n",
            2,
            "did you mean `severity`",
        ),
        (
            "[checks.actions-pined]\nseverity = \"warn\"\n",
            1,
            "did you mean `actions-pinned`",
        ),
        (
            "[[check]]\nid = \"c\"\nuses = \"file.exists\"\npath = [\"x\"]\n",
            4,
            "did you mean `paths`",
        ),
        (
            "[facts]\nv = { file = \"a\", regx = \"(x)\" }\n",
            2,
            "did you mean `regex`",
        ),
        (
            "[[waiver]]\ncheck = \"actions-pinned\"\nreason = \"r\"\nexpire = \"2099-01-01\"\n",
            4,
            "did you mean `expires`",
        ),
    ] {
        assert_policy_error(policy, line, &[hint]);
    }
}

#[test]
fn parameters_of_the_wrong_type_are_errors_at_their_line() {
    // A built-in check's parameter.
    assert_policy_error(
        "[checks.ci-equivalence]\ngate = \"make everything\"\n",
        2,
        &[
            "checks.ci-equivalence.gate",
            "must be an array of strings",
            "make everything",
        ],
    );
    assert_policy_error(
        "[checks.ci-equivalence]\ngate = [\n  \"npm test\",\n  3,\n]\n",
        4,
        &["must be an array of strings", "not `3`"],
    );
    assert_policy_error(
        "[checks.ci-equivalence]\ngate = [[\"npm test\"]]\n",
        2,
        &["must be an array of strings"],
    );
    // Evaluator parameters: lists, strings and booleans.
    let head = "[[check]]\nid = \"c\"\nuses = \"text.forbids\"\n";
    for (extra, key) in [
        ("files = \"README.md\"\npatterns = [\"x\"]\n", "files"),
        (
            "files = [\"README.md\"]\npatterns = [\"x\", 1]\n",
            "patterns",
        ),
        (
            "files = [\"README.md\"]\npatterns = [\"x\"]\nignore_case = \"yes\"\n",
            "ignore_case",
        ),
        (
            "files = [\"README.md\"]\npatterns = [\"x\"]\nsection = [\"A\"]\n",
            "section",
        ),
        (
            "files = [\"README.md\"]\npatterns = [\"x\"]\noptional = 1\n",
            "optional",
        ),
    ] {
        let policy = format!("{head}{extra}");
        let line = policy.lines().position(|l| l.starts_with(key)).unwrap() + 1;
        assert_policy_error(&policy, line, &[&format!("check.c.{key}"), "must be"]);
    }
    assert_policy_error(
        "[[check]]\nid = \"j\"\nuses = \"workflow.job-runs\"\njob = \"publish\"\nruns = [\"cargo publish\"]\nonly_in_job = \"true\"\n",
        6,
        &["only_in_job", "true or false"],
    );
}

#[test]
fn globs_that_match_nothing_block_unless_optional() {
    for (uses, extra) in [
        ("text.forbids", "patterns = [\"secret\"]"),
        ("text.contains", "patterns = [\"# x\"]"),
        (
            "workflow.job-runs",
            "job = \"publish\"\nruns = [\"cargo publish\"]",
        ),
    ] {
        for files in [
            "[\"docs/**/*.mdd\"]",
            "[\"README.md\", \"READEM.md\"]",
            "[\".github/workflows/relase.yml\"]",
        ] {
            if uses == "workflow.job-runs" && files.contains("README") {
                continue;
            }
            let policy =
                format!("[[check]]\nid = \"c\"\nuses = \"{uses}\"\nfiles = {files}\n{extra}\n");
            let t = tree_with_policy(&policy);
            let (code, v) = common::check_json(t.path(), &[]);
            let c = result(&v, "c");
            assert_eq!(c["verdict"], "block", "{policy}\n{c:#}");
            assert_eq!(code, 1);
            let msgs = common::entry_messages(c);
            assert!(
                msgs.iter().any(|(p, l, m)| p == "shipgate.toml"
                    && *l == 4
                    && m.contains("names files that do not exist")),
                "{policy}\n{msgs:#?}"
            );
            // `optional = true`: a SKIP when nothing matches at all, and
            // judged as usual when some glob matches.
            let optional = format!("{policy}optional = true\n");
            let t = tree_with_policy(&optional);
            let (_, v) = common::check_json(t.path(), &[]);
            let c = result(&v, "c");
            let want = if files.contains("README.md\"") {
                "pass"
            } else {
                "skip"
            };
            assert_eq!(c["verdict"], want, "{optional}\n{c:#}");
        }
    }
    // file.exists judges its own paths; file.absent passes on no match.
    let t =
        tree_with_policy("[[check]]\nid = \"gone\"\nuses = \"file.absent\"\npaths = [\"*.pem\"]\n");
    let (code, v) = common::check_json(t.path(), &[]);
    assert_eq!(result(&v, "gone")["verdict"], "pass");
    assert_eq!(code, 0, "{v:#}");
}

#[test]
fn a_built_in_check_narrowed_to_globs_that_match_nothing_blocks() {
    // `files` of a built-in check narrows what it judges: a misspelt glob
    // used to leave actions-pinned with no workflow (a SKIP), and one of two
    // globs misspelt made it judge half of what the policy names.
    for (files, findings) in [
        ("[\".github/workflows/relase.yml\"]", 1),
        ("[\".github/workflows/release.yml\", \"ci/*.yml\"]", 2),
    ] {
        let policy = format!("# narrowed\n[checks.actions-pinned]\nfiles = {files}\n");
        let t = tree_with_policy(&policy);
        write(
            t.path(),
            WF,
            RELEASE.replace(
                "    steps:\n",
                "    steps:\n      - uses: actions/checkout@v4\n",
            ),
        );
        let (code, v) = common::check_json(t.path(), &[]);
        let c = result(&v, "actions-pinned");
        assert_eq!(c["verdict"], "block", "{policy}\n{c:#}");
        assert_eq!(code, 1);
        let msgs = common::entry_messages(c);
        assert_eq!(msgs.len(), findings, "{msgs:#?}");
        assert!(
            msgs.iter()
                .any(|(p, l, m)| p == "shipgate.toml" && *l == 3 && m.contains("matches no file")),
            "{policy}\n{msgs:#?}"
        );
        // The glob that matches is still judged: the movable ref is there.
        assert_eq!(
            msgs.iter().any(|(p, l, _)| p == WF && *l == 14),
            findings == 2,
            "{msgs:#?}"
        );
    }
    // Globs that all match: no such finding.
    let t = tree_with_policy("[checks.actions-pinned]\nfiles = [\".github/workflows/*.yml\"]\n");
    let (_, v) = common::check_json(t.path(), &[]);
    let c = result(&v, "actions-pinned");
    assert_eq!(c["verdict"], "pass", "{c:#}");
}

#[test]
fn an_empty_files_paths_or_lanes_list_is_a_policy_error() {
    assert_policy_error(
        "[checks.actions-pinned]\nfiles = []\n",
        2,
        &["`checks.actions-pinned.files` is empty"],
    );
    assert_policy_error(
        "[[check]]\nid = \"c\"\nuses = \"text.contains\"\npatterns = [\"x\"]\nfiles = []\n",
        5,
        &["files` is empty"],
    );
    assert_policy_error(
        "[[check]]\nid = \"c\"\nuses = \"file.exists\"\npaths = []\n",
        4,
        &["paths` is empty"],
    );
    // No lane: never run, or every lane? Neither is guessed.
    assert_policy_error(
        "[checks.actions-pinned]\nlanes = []\n",
        2,
        &["`checks.actions-pinned.lanes` is empty", "enabled = false"],
    );
}

#[test]
fn only_and_skip_that_leave_nothing_are_exit_2() {
    let t = tree_with_policy("extends = [\"default\"]\n");
    let root = t.path().to_str().unwrap();
    for args in [
        vec!["--only", "actions-pinned", "--skip", "actions-pinned"],
        vec![
            "--only",
            "actions-pinned,oidc-scope",
            "--skip",
            "oidc-scope,actions-pinned",
        ],
        vec!["--only", "policy-waivers", "--skip", "policy-waivers"],
    ] {
        let mut all = vec!["check", root];
        all.extend(&args);
        let out = shipgate(&all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("no check is left to run"), "{err}");
    }
    let out = shipgate(&[
        "check",
        root,
        "--only",
        "actions-pinned,oidc-scope",
        "--skip",
        "oidc-scope",
    ]);
    assert!(matches!(out.status.code(), Some(0 | 1)));
}

fn check_in(dir: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shipgate"))
        .arg("check")
        .args(extra)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap()
}

#[test]
fn without_a_path_the_root_is_found_by_walking_up() {
    // A repository with `.git`: run from `lib/deep`, it gates the repository.
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(t.path().join(".git")).unwrap();
    write(t.path(), WF, RELEASE.replace("environment: crates\n", ""));
    write(t.path(), "lib/deep/notes.txt", "x\n");
    let out = check_in(&t.path().join("lib/deep"), &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = result(&v, "publish-environment");
    assert_eq!(c["findings"][0]["path"], WF);
    // A `.git` file (a worktree) counts too, and so does `shipgate.toml`,
    // whose policy then applies.
    let t = tempfile::tempdir().unwrap();
    write(t.path(), ".git", "gitdir: /elsewhere\n");
    write(t.path(), WF, RELEASE);
    write(
        t.path(),
        "shipgate.toml",
        "[vars]\npublish_environment = \"release\"\n",
    );
    write(t.path(), "sub/x.txt", "x\n");
    let out = check_in(&t.path().join("sub"), &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result(&v, "publish-environment")["verdict"], "block");
    // The nearest marker wins: a nested package with its own shipgate.toml.
    write(t.path(), "sub/shipgate.toml", "extends = [\"default\"]\n");
    write(t.path(), "sub/README.md", "# sub\n");
    let out = check_in(&t.path().join("sub"), &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        result(&v, "publish-environment")["verdict"],
        "skip",
        "{v:#}"
    );
}

#[test]
fn policy_errors_quoting_the_tree_forge_no_command_on_stderr() {
    // The runner reads stderr for workflow commands as well.
    for key in [
        "\"##[add-mask]x\"",
        "\"x ##[set-output name=a]b\"",
        "\"\\u001b[31mred\"",
        "\"\\u202egpj\"",
    ] {
        let t = tree_with_policy(&format!("[vars]\n{key} = \"x\"\n"));
        let out = shipgate(&["check", t.path().to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("unknown key"), "{err}");
        assert!(!err.contains("##["), "{err}");
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{202e}'),
            "{err:?}"
        );
        for line in err.lines() {
            assert!(!line.trim_start().starts_with("::"), "{line}");
        }
    }
}

/// The JSON report of `check DIR`, with its exit code.
fn check_json(dir: &Path) -> (i32, serde_json::Value) {
    let out = shipgate(&["check", dir.to_str().unwrap(), "--format", "json"]);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    (out.status.code().unwrap_or(-1), v)
}

#[cfg(unix)]
#[test]
fn a_workflow_folder_that_is_a_symlink_blocks_instead_of_passing_as_empty() {
    // GitHub follows no symlink to find workflows: with `.github` or
    // `.github/workflows` a link, nothing runs. The gate used to see "no
    // workflows" and skip every workflow check.
    for (link, target, held) in [
        (".github/workflows", "../ci", "ci/release.yml"),
        (".github", "shared", "shared/workflows/release.yml"),
    ] {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), held, RELEASE);
        write(t.path(), "README.md", "# x\n");
        std::fs::create_dir_all(t.path().join(link).parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, t.path().join(link)).unwrap();
        let (code, v) = check_json(t.path());
        assert_eq!(code, 1, "{link}: {v:#}");
        for id in [
            "workflow-permissions",
            "release-concurrency",
            "publish-environment",
        ] {
            let r = result(&v, id);
            assert_eq!(r["verdict"], "block", "{link} {id}: {r:#}");
            let f = &r["findings"][0];
            assert_eq!(f["path"], link, "{link} {id}: {r:#}");
        }
        let text = v.to_string();
        assert!(
            text.contains(&format!(
                "`{link}` is a symlink, and GitHub does not follow it"
            )),
            "{text}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_workflow_file_that_is_a_symlink_inside_the_root_blocks() {
    // GitHub reports a symlinked workflow file as invalid and runs none of
    // its jobs; judging the file it points at would pass a lane that never runs.
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "ci/release.yml", RELEASE);
    write(t.path(), "README.md", "# x\n");
    std::fs::create_dir_all(t.path().join(".github/workflows")).unwrap();
    std::os::unix::fs::symlink("../../ci/release.yml", t.path().join(WF)).unwrap();
    let (code, v) = check_json(t.path());
    assert_eq!(code, 1, "{v:#}");
    let r = result(&v, "release-triggers");
    assert_eq!(r["verdict"], "block", "{r:#}");
    assert_eq!(r["findings"][0]["path"], WF);
    assert_eq!(r["findings"][0]["line"], 1);
    assert!(
        v.to_string()
            .contains("GitHub does not run a workflow file that is a symlink"),
        "{v:#}"
    );
}

/// Every finding of the report that carries `needle` in its message, as
/// (check, path, line).
fn findings_saying(v: &serde_json::Value, needle: &str) -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    for c in v["checks"].as_array().unwrap() {
        for f in c["findings"].as_array().unwrap() {
            if f["message"].as_str().unwrap_or("").contains(needle) {
                out.push((
                    c["id"].as_str().unwrap().to_string(),
                    f["path"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                ));
            }
        }
    }
    out
}

#[test]
fn a_workflow_that_writes_a_key_twice_blocks_once_at_the_second_key() {
    // YAML parsers keep the last of two equal keys; GitHub refuses the file
    // ("'A' is already defined") and runs none of it, so judging the
    // last-wins reading would judge a workflow that does not exist.
    let job = "  publish:\n    runs-on: ubuntu-latest\n    environment: crates\n    steps:\n      - run: cargo publish\n";
    let head = "name: release\non:\n  push:\n    tags: ['v*']\npermissions: {}\n";
    for (name, wf, line, key) in [
        (
            "env",
            format!("{head}env:\n  A: 1\n  B: 2\n  A: 3\njobs:\n{job}"),
            9,
            "A",
        ),
        (
            "jobs",
            format!("{head}jobs:\n{job}jobs:\n{job}"),
            12,
            "jobs",
        ),
        (
            "a job listed twice",
            format!("{head}jobs:\n{job}{job}"),
            12,
            "publish",
        ),
        (
            "step",
            format!("{head}jobs:\n{job}        env:\n          X: 1\n        run: cargo test\n"),
            14,
            "run",
        ),
        (
            "nested flow mapping",
            format!("{head}jobs:\n{job}        with: {{a: 1, a: 2}}\n"),
            12,
            "a",
        ),
        (
            "quoted and plain",
            format!("{head}env:\n  a: 1\n  \"a\": 2\njobs:\n{job}"),
            8,
            "a",
        ),
    ] {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), WF, &wf);
        write(t.path(), "README.md", "# x\n");
        let (code, v) = check_json(t.path());
        assert_eq!(code, 1, "{name}\n{wf}\n{v:#}");
        let said = format!("the key `{key}` appears twice");
        let at = findings_saying(&v, &said);
        assert_eq!(
            at,
            [("actions-pinned".to_string(), WF.to_string(), line)],
            "{name}: one report of the parse error, at the second key\n{wf}\n{v:#}"
        );
        // The checks that needed the file block there, pointing at that report.
        assert_eq!(
            result(&v, "publish-environment")["verdict"],
            "block",
            "{name}"
        );
        assert!(
            findings_saying(&v, "cannot be read or parsed")
                .iter()
                .all(|(_, p, _)| p == WF),
            "{name}"
        );
    }
}

#[test]
fn equal_keys_in_sibling_mappings_are_not_duplicates() {
    let wf = "\
name: release
on:
  push:
    tags: ['v*']
permissions: {}
concurrency:
  group: release-${{ github.ref }}
  cancel-in-progress: false
env:
  A: 1
jobs:
  test:
    runs-on: ubuntu-latest
    env:
      A: 2
    steps:
      - run: cargo test
        env: {A: 3}
      - run: cargo test
        env: {A: 4}
  publish:
    needs: test
    runs-on: ubuntu-latest
    environment: crates
    env:
      A: 5
    steps:
      - run: cargo publish
";
    let t = tempfile::tempdir().unwrap();
    write(t.path(), WF, wf);
    write(t.path(), "README.md", "# x\n");
    let (_, v) = check_json(t.path());
    assert!(findings_saying(&v, "appears twice").is_empty(), "{v:#}");
    assert!(findings_saying(&v, "cannot judge").is_empty(), "{v:#}");
    assert_eq!(
        result(&v, "publish-environment")["verdict"],
        "pass",
        "{v:#}"
    );
}

#[test]
fn a_local_action_that_writes_a_key_twice_is_not_read_as_last_wins() {
    let wf = "\
name: release
on:
  push:
    tags: ['v*']
permissions: {}
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: crates
    steps:
      - uses: ./.github/actions/ship
";
    let action = "\
name: ship
runs:
  using: composite
  steps:
    - run: cargo publish
      shell: bash
      shell: sh
";
    let t = tempfile::tempdir().unwrap();
    write(t.path(), WF, wf);
    write(t.path(), ".github/actions/ship/action.yml", action);
    write(t.path(), "README.md", "# x\n");
    let (_, v) = check_json(t.path());
    let text = v.to_string();
    assert!(
        text.contains("the key `shell` appears twice") && text.contains("line 7"),
        "{v:#}"
    );
}
