//! Finding codes: every code a check or an evaluator can give is declared
//! (in its `Meta`, its `EvaluatorSpec`, or the shared lists in `meta`),
//! every declared code is given somewhere, and waivers, inline ignores and
//! `explain` can name one code of a check (`actions-pinned/movable-ref`).
//!
//! The source rule the first tests enforce, since a code is only ever set
//! with a string literal, `.code("…")`:
//! - a literal in the file that declares a check's `Meta` (one check per
//!   file under `src/checks/`, and `src/baseline.rs`) is a code of that
//!   check: its `Meta` declares it, or it is an engine code;
//! - `src/engine.rs` fills in the `policy-waivers` audit, so its literals
//!   are that audit's codes or engine codes;
//! - a literal in a file that declares evaluators is a code of one of them;
//!   one in a module several evaluators share (`SHARED_EVALUATOR_MODULES`)
//!   is a code of each; one in `src/evaluators/mod.rs` is one of
//!   `meta::CUSTOM_CHECK_CODES`, which every custom check may carry;
//! - a literal anywhere else (`src/repo/`, `src/checks/mod.rs`, the shared
//!   models under `src/workflow/` and `src/manifest/`, …) can end up under
//!   any check that calls it, so it must be an engine code
//!   (`meta::ENGINE_CODES`). A shared module that wants a code of its own
//!   returns what it found and lets the check build the finding.

mod common;

use common::*;
use shipgate::meta::{CUSTOM_CHECK_CODES, ENGINE_CODES, Meta};
use shipgate::policy::EvaluatorSpec;
use std::collections::BTreeSet;
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

/// The names of the evaluators a file declares.
fn evaluator_names(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"spec: EvaluatorSpec \{\s*name: "([^"]+)""#).unwrap();
    re.captures_iter(text).map(|c| c[1].to_string()).collect()
}

fn meta(id: &str) -> &'static Meta {
    shipgate::checks::meta(id).unwrap_or_else(|| panic!("no check `{id}`"))
}

fn evaluator(name: &str) -> &'static EvaluatorSpec {
    &shipgate::evaluators::find(name)
        .unwrap_or_else(|| panic!("no evaluator `{name}`"))
        .spec
}

/// Modules shared by several evaluators: each evaluator named here calls
/// it, so each declares every code the module sets. A new shared module
/// that sets codes fails the test until it is listed.
const SHARED_EVALUATOR_MODULES: &[(&str, &[&str])] = &[(
    "src/evaluators/text_rule.rs",
    &["text.contains", "text.forbids", "text.order"],
)];

/// Whose codes a file's `.code("…")` literals are (see the module doc).
enum Owner {
    /// The file declares this check's `Meta` (or runs its audit).
    Check(&'static Meta),
    /// The file declares these evaluators: each literal is a code of one.
    Evaluators(Vec<&'static EvaluatorSpec>),
    /// A module these evaluators share: each literal is a code of every one.
    SharedBy(Vec<&'static EvaluatorSpec>),
    /// `src/evaluators/mod.rs`: codes of every custom check.
    EveryCustomCheck,
    /// Anywhere else: only the engine's codes.
    Engine,
}

impl Owner {
    fn of(rel: &str, text: &str) -> Owner {
        if rel == "src/engine.rs" {
            return Owner::Check(&shipgate::checks::waivers::META);
        }
        if rel == "src/evaluators/mod.rs" {
            return Owner::EveryCustomCheck;
        }
        if let Some((_, names)) = SHARED_EVALUATOR_MODULES.iter().find(|(f, _)| *f == rel) {
            return Owner::SharedBy(names.iter().map(|n| evaluator(n)).collect());
        }
        if let Some(id) = meta_id(text) {
            return Owner::Check(meta(&id));
        }
        let evs = evaluator_names(text);
        if !evs.is_empty() {
            return Owner::Evaluators(evs.iter().map(|n| evaluator(n)).collect());
        }
        Owner::Engine
    }

    /// Whether `code` may be set in a file this owns.
    fn declares(&self, code: &str) -> bool {
        let engine = ENGINE_CODES.iter().any(|c| c.id == code);
        match self {
            Owner::Check(m) => m.code_named(code).is_some(),
            Owner::Evaluators(evs) => evs.iter().any(|e| e.code_named(code).is_some()),
            Owner::SharedBy(evs) => evs.iter().all(|e| e.code_named(code).is_some()),
            Owner::EveryCustomCheck => engine || CUSTOM_CHECK_CODES.iter().any(|c| c.id == code),
            Owner::Engine => engine,
        }
    }

    fn name(&self) -> String {
        match self {
            Owner::Check(m) => format!("check {}", m.id),
            Owner::Evaluators(evs) | Owner::SharedBy(evs) => {
                let names: Vec<&str> = evs.iter().map(|e| e.name).collect();
                format!("evaluator {}", names.join(" / "))
            }
            Owner::EveryCustomCheck => "meta::CUSTOM_CHECK_CODES".into(),
            Owner::Engine => {
                "meta::ENGINE_CODES (set outside a check's file; or let the check set it)".into()
            }
        }
    }

    /// Whether the evaluator's own codes may be set in a file this owns.
    fn covers(&self, e: &EvaluatorSpec) -> bool {
        match self {
            Owner::Evaluators(evs) | Owner::SharedBy(evs) => evs.iter().any(|o| o.name == e.name),
            _ => false,
        }
    }
}

/// Every source file under `src/`: its path, whose codes it sets, and the
/// codes it sets.
fn sources() -> Vec<(String, Owner, BTreeSet<String>)> {
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
            let owner = Owner::of(&rel, &text);
            (rel, owner, codes)
        })
        .collect()
}

#[test]
fn every_code_a_check_sets_is_declared() {
    let mut undeclared = Vec::new();
    for (rel, owner, codes) in sources() {
        for code in codes {
            if !owner.declares(&code) {
                undeclared.push(format!(
                    "{rel}: `{code}` is not declared by {}",
                    owner.name()
                ));
            }
        }
    }
    assert!(undeclared.is_empty(), "{}", undeclared.join("\n"));
}

#[test]
fn every_declared_code_is_set_somewhere() {
    let sources = sources();
    let set_by = |owns: &dyn Fn(&Owner) -> bool| -> BTreeSet<&str> {
        sources
            .iter()
            .filter(|(_, o, _)| owns(o))
            .flat_map(|(_, _, codes)| codes.iter().map(String::as_str))
            .collect()
    };
    let mut dead = Vec::new();
    for m in shipgate::checks::all_metas() {
        let set = set_by(&|o| matches!(o, Owner::Check(x) if x.id == m.id));
        for c in m.codes.iter().filter(|c| !set.contains(c.id)) {
            dead.push(format!("{}/{} is declared but never set", m.id, c.id));
        }
    }
    for e in shipgate::evaluators::EVALUATORS {
        let set = set_by(&|o| o.covers(&e.spec));
        for c in e.codes.iter().filter(|c| !set.contains(c.id)) {
            dead.push(format!("{}/{} is declared but never set", e.name, c.id));
        }
    }
    let custom = set_by(&|o| matches!(o, Owner::EveryCustomCheck));
    for c in CUSTOM_CHECK_CODES.iter().filter(|c| !custom.contains(c.id)) {
        dead.push(format!(
            "custom-check code {} is declared but never set",
            c.id
        ));
    }
    let any = set_by(&|_| true);
    for c in ENGINE_CODES.iter().filter(|c| !any.contains(c.id)) {
        dead.push(format!("engine code {} is declared but never set", c.id));
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
    for e in shipgate::evaluators::EVALUATORS {
        let mut seen = BTreeSet::new();
        for c in e.all_codes() {
            assert!(
                kebab.is_match(c.id),
                "{}/{} is not kebab-case",
                e.name,
                c.id
            );
            assert!(seen.insert(c.id), "{}/{} is declared twice", e.name, c.id);
            assert!(!c.summary.trim().is_empty() && !c.summary.contains('\n'));
        }
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

#[test]
fn a_custom_checks_codes_are_its_evaluators() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "RELEASING.md", "# Releasing\n\nTag and push.\n");
    let policy = "[[check]]\nid = \"release-guide\"\nuses = \"text.contains\"\nfiles = [\"RELEASING.md\"]\npatterns = [\"shipgate check --lane preflight\"]\n";
    write(dir.path(), "shipgate.toml", policy);
    let (code, r) = check_json(dir.path(), &["--only", "release-guide"]);
    assert_eq!(code, 1);
    assert_eq!(
        result(&r, "release-guide")["findings"][0]["code"],
        "text-missing"
    );

    let waived = format!(
        "{policy}\n[[waiver]]\ncheck = \"release-guide/text-missing\"\nreason = \"the guide moves to the wiki\"\n"
    );
    write(dir.path(), "shipgate.toml", &waived);
    let (code, r) = check_json(dir.path(), &["--only", "release-guide"]);
    assert_eq!(
        (code, verdict(&r, "release-guide")),
        (0, "pass".to_string())
    );

    let typo =
        format!("{policy}\n[[waiver]]\ncheck = \"release-guide/text-mising\"\nreason = \"r\"\n");
    write(dir.path(), "shipgate.toml", &typo);
    let out = shipgate(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shipgate.toml:7:"), "{err}");
    assert!(err.contains("did you mean `text-missing`"), "{err}");
    assert!(err.contains("shipgate explain text.contains"), "{err}");

    // An inline ignore names a custom check's code the same way.
    write(
        dir.path(),
        "RELEASING.md",
        "<!-- shipgate: ignore[release-guide/text-mising] moving to the wiki -->\n# Releasing\n",
    );
    write(dir.path(), "shipgate.toml", policy);
    let (_, r) = check_json(dir.path(), &["--only", "release-guide,policy-waivers"]);
    assert_eq!(verdict(&r, "release-guide"), "block");
    let f = &result(&r, "policy-waivers")["findings"][0];
    assert_eq!(f["code"], "ignore-unknown-code");
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .contains("explain text.contains"),
        "{f}"
    );

    let out = shipgate(&["explain", "text.contains/text-missing"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("text.contains/text-missing: "), "{text}");
}
