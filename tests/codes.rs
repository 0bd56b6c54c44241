//! Finding codes: every code a built-in check can give is declared in its
//! `Meta` (or is one of the engine's), every declared code is given
//! somewhere, and waivers, inline ignores and `explain` can name one code of
//! a check (`actions-pinned/movable-ref`).
//!
//! The source rule the first tests enforce, since a check only ever sets a
//! code with a string literal, `.code("…")`:
//! - a literal in the file that declares a check's `Meta` (one check per
//!   file under `src/checks/`, and `src/baseline.rs`) is a code of that
//!   check: its `Meta` declares it, or it is an engine code;
//! - `src/engine.rs` fills in the `policy-waivers` audit, so its literals
//!   are that audit's codes or engine codes;
//! - a literal anywhere else (`src/repo/`, `src/checks/mod.rs`, the shared
//!   models under `src/workflow/` and `src/manifest/`, …) can end up under
//!   any check that calls it, so it must be an engine code
//!   (`meta::ENGINE_CODES`). A shared module that wants a code of its own
//!   returns what it found and lets the check build the finding;
//! - `src/evaluators/` is not judged: custom checks declare no codes.

mod common;

use common::*;
use shipgate::meta::{ENGINE_CODES, Meta};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read src")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The codes a source file sets: each `.code("…")` literal. A `.code(`
/// with anything but a literal fails the test, since it cannot be judged.
fn literals(rel: &str, text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r#"\.code\(\s*("([^"]*)"|[^)\s])"#).unwrap();
    let mut out = BTreeSet::new();
    for c in re.captures_iter(text) {
        match c.get(2) {
            Some(code) => {
                out.insert(code.as_str().to_string());
            }
            None => panic!(
                "{rel}: `.code(` with something other than a string literal; write the code as a literal so it can be checked against the Meta"
            ),
        }
    }
    out
}

/// The id of the `Meta` a file declares, if it declares one (`id: "…"`, or
/// `id: NAME` with `const NAME: &str = "…"` in the same file).
fn meta_id(text: &str) -> Option<String> {
    let re = regex::Regex::new(r"Meta = (?:crate::meta::)?Meta \{\s*id: ([^,]+),").unwrap();
    let raw = re.captures(text)?.get(1)?.as_str().trim().to_string();
    if let Some(lit) = raw.strip_prefix('"') {
        return Some(lit.trim_end_matches('"').to_string());
    }
    let konst = regex::Regex::new(&format!(r#"const {raw}: &str = "([^"]+)""#)).unwrap();
    Some(konst.captures(text)?[1].to_string())
}

fn meta(id: &str) -> &'static Meta {
    shipgate::checks::meta(id).unwrap_or_else(|| panic!("no check `{id}`"))
}

/// Source file (relative to the crate) → the codes it sets, for every file
/// under `src/` but the evaluators.
fn code_literals() -> BTreeMap<String, BTreeSet<String>> {
    let root = repo_path("");
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).unwrap();
            let codes = literals(&rel, &text);
            (rel, (text, codes))
        })
        .filter(|(rel, _)| !rel.starts_with("src/evaluators/"))
        .map(|(rel, (text, codes))| {
            let owner = meta_id(&text);
            (format!("{rel}|{}", owner.unwrap_or_default()), codes)
        })
        .collect()
}

/// The check whose codes a file's literals are, if any (see the module doc).
fn owner(key: &str) -> Option<&str> {
    let (rel, id) = key.split_once('|').unwrap();
    match (rel, id) {
        ("src/engine.rs", _) => Some(shipgate::checks::waivers::META.id),
        (_, "") => None,
        (_, id) => Some(id),
    }
}

#[test]
fn every_code_a_check_sets_is_declared_in_its_meta() {
    let mut undeclared = Vec::new();
    for (key, codes) in code_literals() {
        let rel = key.split_once('|').unwrap().0;
        for code in codes {
            let ok = match owner(&key) {
                Some(id) => meta(id).code_named(&code).is_some(),
                None => ENGINE_CODES.iter().any(|c| c.id == code),
            };
            if !ok {
                undeclared.push(match owner(&key) {
                    Some(id) => format!("{rel}: `{id}/{code}` is not in {id}'s Meta `codes`"),
                    None => format!(
                        "{rel}: `{code}` is set outside a check's file, so it must be in meta::ENGINE_CODES (or let the check set it)"
                    ),
                });
            }
        }
    }
    assert!(undeclared.is_empty(), "{}", undeclared.join("\n"));
}

#[test]
fn every_declared_code_is_set_somewhere() {
    let literals = code_literals();
    let mut dead = Vec::new();
    for m in shipgate::checks::all_metas() {
        let set: BTreeSet<&String> = literals
            .iter()
            .filter(|(key, _)| owner(key) == Some(m.id))
            .flat_map(|(_, codes)| codes)
            .collect();
        for c in m.codes {
            if !set.iter().any(|s| *s == c.id) {
                dead.push(format!("{}/{} is declared but never set", m.id, c.id));
            }
        }
    }
    for c in ENGINE_CODES {
        if !literals.values().any(|codes| codes.contains(c.id)) {
            dead.push(format!("engine code {} is declared but never set", c.id));
        }
    }
    assert!(dead.is_empty(), "{}", dead.join("\n"));
}

#[test]
fn codes_are_kebab_case_unique_and_summarised_in_one_line() {
    let kebab = regex::Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*$").unwrap();
    for m in shipgate::checks::all_metas() {
        let mut seen = BTreeSet::new();
        for c in m.all_codes() {
            assert!(kebab.is_match(c.id), "{}/{} is not kebab-case", m.id, c.id);
            assert!(
                seen.insert(c.id),
                "{}/{} is declared twice (an engine code need not be)",
                m.id,
                c.id
            );
            assert!(
                !c.summary.trim().is_empty() && !c.summary.contains('\n'),
                "{}/{}: the summary is one line",
                m.id,
                c.id
            );
        }
        assert!(!m.codes.is_empty(), "{} declares no codes", m.id);
    }
}

const WF: &str = ".github/workflows/release.yml";

/// `fixtures/codes`: a release workflow with a SHA pin without its version
/// comment (line 12), and tag pins on lines 13, 15 and 17; line 14 ignores
/// `actions-pinned/movable-ref` on line 15, line 16 names another code.
fn codes_tree(policy: Option<&str>) -> tempfile::TempDir {
    let dir = copy_fixture("codes");
    if let Some(text) = policy {
        std::fs::write(dir.path().join("shipgate.toml"), text).unwrap();
    }
    dir
}

/// `(line, code, suppressed by)` of each actions-pinned finding.
fn pinned(r: &serde_json::Value) -> Vec<(u64, String, String)> {
    result(r, "actions-pinned")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
                f["suppressed"]["by"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn row(line: u64, code: &str, by: &str) -> (u64, String, String) {
    (line, code.to_string(), by.to_string())
}

#[test]
fn an_inline_ignore_by_code_suppresses_only_that_code_on_its_line() {
    let dir = codes_tree(None);
    let (code, r) = check_json(dir.path(), &["--only", "actions-pinned,policy-waivers"]);
    assert_eq!(code, 1);
    assert_eq!(
        pinned(&r),
        [
            row(12, "sha-without-version", ""),
            row(13, "movable-ref", ""),
            row(15, "movable-ref", "inline"),
            row(17, "movable-ref", ""),
        ]
    );
    assert_eq!(
        result(&r, "actions-pinned")["findings"][2]["suppressed"]["reason"],
        "the org mirrors this action"
    );
    assert_eq!(verdict(&r, "actions-pinned"), "block");
}

#[test]
fn an_inline_ignore_naming_an_unknown_code_silences_nothing_and_warns() {
    let dir = codes_tree(None);
    let wf = dir.path().join(WF);
    let text = std::fs::read_to_string(&wf).unwrap().replace(
        "ignore[actions-pinned/movable-ref] the org",
        "ignore[actions-pinned/movable-rf] the org",
    );
    std::fs::write(&wf, text).unwrap();
    let (_, r) = check_json(dir.path(), &["--only", "actions-pinned,policy-waivers"]);
    assert_eq!(pinned(&r)[2], row(15, "movable-ref", ""));
    assert_eq!(
        findings(&r, "policy-waivers"),
        [(WF.to_string(), 14, "warn".to_string())]
    );
    let f = &result(&r, "policy-waivers")["findings"][0];
    assert_eq!(f["code"], "ignore-unknown-code");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("did you mean `movable-ref`"), "{msg}");
}

#[test]
fn a_waiver_by_code_suppresses_only_that_code() {
    let dir = codes_tree(Some(&format!(
        "[[waiver]]\ncheck = \"actions-pinned/movable-ref\"\npath = \"{WF}\"\nreason = \"tags until the bot pins them\"\n\n[[waiver]]\ncheck = \"actions-pinned/image-not-digest\"\nreason = \"no image yet\"\n"
    )));
    let (code, r) = check_json(dir.path(), &["--only", "actions-pinned,policy-waivers"]);
    // The waiver comes first; the SHA pin without its comment still warns.
    assert_eq!(
        pinned(&r),
        [
            row(12, "sha-without-version", ""),
            row(13, "movable-ref", "waiver"),
            row(15, "movable-ref", "waiver"),
            row(17, "movable-ref", "waiver"),
        ]
    );
    assert_eq!(verdict(&r, "actions-pinned"), "warn");
    assert_eq!(code, 0);
    // The waiver for a code nothing here has is stale, at its own line.
    assert_eq!(
        findings(&r, "policy-waivers"),
        [("shipgate.toml".to_string(), 6, "warn".to_string())]
    );
    let msg = result(&r, "policy-waivers")["findings"][0]["message"]
        .as_str()
        .unwrap();
    assert!(msg.contains("`actions-pinned/image-not-digest`"), "{msg}");
}

#[test]
fn a_waiver_naming_an_unknown_code_is_a_policy_error_at_its_line() {
    let dir = codes_tree(Some(
        "# pins\n\n[[waiver]]\ncheck = \"actions-pinned/movable-rev\"\nreason = \"r\"\n",
    ));
    let out = shipgate(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing is evaluated");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shipgate.toml:3:"), "{err}");
    assert!(err.contains("unknown code `movable-rev`"), "{err}");
    assert!(err.contains("did you mean `movable-ref`"), "{err}");
}

#[test]
fn explain_describes_one_code_and_lists_a_checks_codes() {
    let out = shipgate(&["explain", "actions-pinned/movable-ref"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let m = meta("actions-pinned");
    assert!(text.starts_with("actions-pinned/movable-ref: "), "{text}");
    assert!(
        text.contains(m.code_named("movable-ref").unwrap().summary),
        "{text}"
    );
    assert!(text.contains(m.title), "{text}");
    assert!(text.contains("Fix\n"), "{text}");
    assert!(text.contains("docs/checks/actions-pinned.md"), "{text}");

    let out = shipgate(&["explain", "actions-pinned"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for c in m.all_codes() {
        assert!(text.contains(c.id), "explain lists {}: {text}", c.id);
    }

    // An engine code is explained under any check.
    let out = shipgate(&["explain", "docs-links/unparseable"]);
    assert_eq!(out.status.code(), Some(0));

    for (arg, hint) in [
        ("actions-pinned/movable-rf", "did you mean `movable-ref`"),
        ("actions-pined/movable-ref", "did you mean `actions-pinned`"),
    ] {
        let out = shipgate(&["explain", arg]);
        assert_eq!(out.status.code(), Some(2), "{arg}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(hint), "{arg}: {err}");
    }
}

#[test]
fn each_check_page_lists_its_codes() {
    for m in shipgate::checks::all_metas() {
        let page = shipgate::app::check_page(m);
        assert!(page.contains("## Codes"), "{}", m.id);
        for c in m.codes {
            assert!(
                page.contains(&format!("| `{}` | {} |", c.id, c.summary)),
                "{}/{}",
                m.id,
                c.id
            );
        }
    }
}
