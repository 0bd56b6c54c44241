//! One harness over every check's fixture folders: for each
//! `fixtures/<check-id>/<case>/` it runs `shipgate check <case> --only
//! <check-id> --format json` and snapshots the exit code, the verdict and
//! every finding (severity, file, line and column span, message, help) as
//! text. A check's cases are its folders plus the accepted snapshots in
//! `tests/snapshots/fixtures/`; the behaviour tests beside them say more
//! where a case needs words.
//!
//! A case is a folder that holds a file of its own (a manifest, a policy)
//! or a `.github` folder; a folder holding only folders groups cases
//! (`docs-links/sites/mkdocs`). Folders named for a policy evaluator
//! (`text-contains`) run with their own `shipgate.toml`, and only the
//! policy's own checks are kept, so a new built-in check does not rewrite
//! them.
//!
//! Accept new or changed snapshots with `INSTA_UPDATE=always cargo test
//! --locked --test fixture_reports` and review the diff.

mod common;

use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The built-in check ids and the evaluator names, as `shipgate list`
/// prints them (evaluators after the line that introduces them).
fn catalog() -> (Vec<String>, Vec<String>) {
    let out = common::shipgate(&["list"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (checks, evaluators) = text
        .split_once("Evaluators")
        .expect("list names the evaluators");
    let first = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("  "))
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_string)
            .collect()
    };
    (first(checks), first(evaluators))
}

/// Whether `dir` is the root of a fixture tree rather than a group of them.
fn is_case(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .expect("read fixture dir")
        .flatten()
        .any(|e| {
            let ft = e.file_type().expect("file type");
            !ft.is_dir() || e.file_name() == ".github"
        })
}

/// The cases under a check's folder: a folder two levels down is always a
/// case (a docs site whose files all sit in subfolders); one level down it
/// is a case when it holds a file or `.github`, else a group.
fn cases(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read fixture dir")
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    entries.sort();
    for e in entries {
        if depth >= 1 || is_case(&e) {
            out.push(e);
        } else {
            cases(&e, depth + 1, out);
        }
    }
}

/// The report as stable text: exit code, verdicts, findings.
/// The evaluator each custom check of a case's policy uses (`id` → `uses`).
fn custom_checks(case: &Path) -> std::collections::HashMap<String, String> {
    let Ok(text) = std::fs::read_to_string(case.join("shipgate.toml")) else {
        return Default::default();
    };
    let Ok(policy) = text.parse::<toml::Table>() else {
        return Default::default();
    };
    let checks = policy.get("check").and_then(|c| c.as_array());
    checks
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some((
                c.get("id")?.as_str()?.to_string(),
                c.get("uses")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// The codes findings of check `id` may carry: a built-in check's `Meta`,
/// or the evaluator a custom check uses. `None` when neither is known.
fn declares(
    id: &str,
    code: &str,
    customs: &std::collections::HashMap<String, String>,
) -> Option<bool> {
    if let Some(meta) = shipgate::checks::meta(id) {
        return Some(meta.code_named(code).is_some());
    }
    let ev = shipgate::evaluators::find(customs.get(id)?)?;
    Some(ev.code_named(code).is_some())
}

fn render(
    code: i32,
    stdout: &[u8],
    stderr: &[u8],
    keep: &dyn Fn(&str) -> bool,
    customs: &std::collections::HashMap<String, String>,
) -> String {
    let mut s = format!("exit {code}\n");
    let Ok(report) = serde_json::from_slice::<Value>(stdout) else {
        // A policy error: no report, the message on stderr.
        let err = String::from_utf8_lossy(stderr);
        let root = common::repo_path("fixtures");
        let _ = write!(
            s,
            "stderr:\n{}",
            err.replace(root.to_str().expect("utf-8"), "<fixtures>")
        );
        return s;
    };
    for c in report["checks"].as_array().expect("checks") {
        let id = c["id"].as_str().unwrap_or("");
        if !keep(id) {
            continue;
        }
        let _ = writeln!(s, "{id}: {}", c["verdict"].as_str().unwrap_or(""));
        if let Some(r) = c["skip_reason"].as_str() {
            let _ = writeln!(s, "  skipped: {r}");
        }
        for f in c["findings"].as_array().into_iter().flatten() {
            // Every finding names its kind: what SARIF and scripts key on.
            let code = f["code"].as_str().unwrap_or("");
            assert!(
                !code.is_empty()
                    && code
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{id}: a finding without a kebab-case code: {f}"
            );
            // A check reports only the codes its `Meta` (a custom check:
            // its evaluator) or the engine declares.
            assert_ne!(
                declares(id, code, customs),
                Some(false),
                "{id} reported code `{code}`, which it does not declare: {f}"
            );
            let _ = writeln!(
                s,
                "  {} {id}/{code} {}:{}:{}-{}:{}",
                f["severity"].as_str().unwrap_or(""),
                f["path"].as_str().unwrap_or(""),
                f["line"],
                f["column"],
                f["end_line"],
                f["end_column"]
            );
            let _ = writeln!(s, "    {}", f["message"].as_str().unwrap_or(""));
            for r in f["related"].as_array().into_iter().flatten() {
                let _ = writeln!(
                    s,
                    "    see: {}:{}:{} {}",
                    r["path"].as_str().unwrap_or(""),
                    r["line"],
                    r["column"],
                    r["message"].as_str().unwrap_or("")
                );
            }
            let _ = writeln!(s, "    help: {}", f["help"].as_str().unwrap_or(""));
            if let Some(by) = f["suppressed"]["by"].as_str() {
                let _ = writeln!(s, "    suppressed by {by}");
            }
        }
    }
    s
}

#[test]
fn every_fixture_case_gives_its_accepted_report() {
    let (builtins, evaluators) = catalog();
    // An evaluator's family: `text` for `text.contains`, `workflow` for
    // `workflow.job`; fixture folders are named `text-order`, `workflow.job`.
    let families: Vec<String> = evaluators
        .iter()
        .filter_map(|e| e.split_once('.').map(|(f, _)| f.to_string()))
        .collect();
    let root = common::repo_path("fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures")
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    let mut ran = 0;
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let is_check = builtins.contains(&name);
        // Evaluator folders are named for the evaluator's family (`text-order`,
        // `workflow.job`); anything else is a behaviour fixture.
        let is_evaluator = !is_check
            && families.iter().any(|f| {
                name.strip_prefix(f.as_str())
                    .is_some_and(|r| r.starts_with(['-', '.']))
            });
        if !is_check && !is_evaluator {
            continue;
        }
        let mut found = Vec::new();
        // Loose files beside the cases (`package-metadata/other-repo.toml`)
        // do not make the check's folder a case of its own.
        if dir.join(".github").is_dir() || dir.join("shipgate.toml").is_file() {
            found.push(dir.clone());
        } else {
            cases(&dir, 0, &mut found);
        }
        for case in found {
            let rel = case
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .to_string();
            let path = case.to_str().expect("utf-8 path");
            let mut args = vec!["check", path, "--format", "json"];
            if is_check {
                args.extend(["--only", name.as_str()]);
            }
            let out = common::shipgate(&args);
            let code = out.status.code().expect("exit code");
            let keep = |id: &str| {
                if is_check {
                    id == name
                } else {
                    !builtins.iter().any(|b| b == id)
                }
            };
            let text = render(code, &out.stdout, &out.stderr, &keep, &custom_checks(&case));
            let snap = rel.replace(['/', '.'], "__");
            insta::with_settings!({
                snapshot_path => "snapshots/fixtures",
                prepend_module_to_snapshot => false,
                description => format!("shipgate check fixtures/{rel}"),
                omit_expression => true,
            }, {
                insta::assert_snapshot!(snap, text);
            });
            ran += 1;
        }
    }
    assert!(ran > 100, "only {ran} fixture cases found");
}
