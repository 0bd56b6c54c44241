//! Property tests ("fuzzing" with proptest) over every parser shipgate runs on
//! untrusted text, and over the whole pipeline on small generated trees. None
//! may panic; spans must stay inside the text; the YAML depth pre-scan must
//! never see less nesting than libyaml does. The default case count keeps
//! `cargo test` quick; scripts/fuzz.sh runs many more (PROPTEST_CASES).
//! Every crash found becomes a named regression test at the bottom.

mod common;

use common::write;
use proptest::prelude::*;
use shipgate::repo::formats::{parse_json, parse_toml};
use shipgate::repo::markdown::MarkdownDoc;
use shipgate::repo::spanned::{Node, Value};
use shipgate::repo::text::{LineIndex, yaml_nesting_depth};
use shipgate::repo::{TextFile, Tree};
use shipgate::shell::commands;
use shipgate::workflow::WorkflowFile;
use std::sync::Arc;

/// Text biased toward the characters each format treats specially.
fn structured(special: &'static str, max: usize) -> impl Strategy<Value = String> {
    let pieces: Vec<String> = special.chars().map(String::from).collect();
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(pieces),
            1 => "[a-z0-9_.-]{1,6}",
            1 => any::<char>().prop_map(String::from),
            1 => Just("\n".to_string()),
            1 => Just("  ".to_string()),
        ],
        0..max,
    )
    .prop_map(|v| v.concat())
}

fn spans_inside(n: &Node, text: &str) {
    assert!(n.span.start <= n.span.end && n.span.end <= text.len());
    assert!(text.is_char_boundary(n.span.start) && text.is_char_boundary(n.span.end));
    match &n.value {
        Value::Array(items) => items.iter().for_each(|i| spans_inside(i, text)),
        Value::Table(entries) => entries.iter().for_each(|e| {
            assert!(e.key_span.end <= text.len());
            spans_inside(&e.node, text)
        }),
        _ => {}
    }
}

fn text_file(t: &str) -> Arc<TextFile> {
    Arc::new(TextFile {
        text: t.into(),
        lines: LineIndex::new(t),
    })
}

/// Pieces of a workflow, so generated files are often valid enough to reach
/// the typed model, the release analysis and yamlpath.
fn workflow_text() -> impl Strategy<Value = String> {
    let lines = prop::sample::select(vec![
        "on: push",
        "on: [push, workflow_dispatch]",
        "permissions: {}",
        "permissions: write-all",
        "permissions:\n  contents: write",
        "jobs:",
        "  publish:",
        "  build:",
        "    runs-on: ubuntu-latest",
        "    environment: pypi",
        "    environment: {name: release, url: x}",
        "    permissions:\n      id-token: write",
        "    needs: [build]",
        "    uses: ./.github/workflows/x.yml",
        "    secrets: inherit",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: pypa/gh-action-pypi-publish@release/v1",
        "        with:\n          password: ${{ secrets.PYPI }}",
        "      - run: cargo publish",
        "      - run: |\n          npm ci && npm publish\n          twine upload dist/*",
        "        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM }}",
        "x: &a [1, 2]",
        "y: *a",
        "  # shipgate: ignore[actions-pinned] reason",
        "'",
        "\"",
        "[",
        "{",
        "- - -",
        ":",
        "\t",
    ]);
    prop::collection::vec(lines, 0..16).prop_map(|v| v.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn json_parser_never_panics(t in structured("{}[]\":,\\tfnue0-.+ ", 60)) {
        match parse_json(&t) {
            Ok(n) => spans_inside(&n, &t),
            Err(e) => prop_assert!(e.offset <= t.len()),
        }
    }

    #[test]
    fn toml_parser_never_panics(t in structured("[]{}=\"'#.,\\ntrue1-:", 60)) {
        match parse_toml(&t) {
            Ok(n) => spans_inside(&n, &t),
            Err(e) => prop_assert!(e.offset <= t.len()),
        }
    }

    #[test]
    fn workflow_parser_never_panics(t in workflow_text()) {
        if let Ok(wf) = WorkflowFile::parse(".github/workflows/r.yml", t.as_str().into()) {
            // Locations of every job and step resolve inside the file.
            for (id, job) in wf.normal_jobs() {
                let l = wf.job(id).location().locate();
                prop_assert!(l.line >= 1 && l.line <= t.lines().count().max(1));
                for i in 0..job.steps.len() {
                    let s = wf.job(id).step(i).location().key("uses").locate();
                    prop_assert!(s.line >= 1 && s.line <= t.lines().count().max(1));
                }
            }
            let _ = wf.is_release();
        }
    }

    #[test]
    fn workflow_parser_never_panics_on_noise(t in structured("[]{}'\"#:,-?|>&*!%@` \t", 80)) {
        let _ = WorkflowFile::parse("w.yml", t.as_str().into());
    }

    #[test]
    fn markdown_parser_never_panics(t in structured("#[]()`*_<>!-|\\ \n", 80)) {
        let d = MarkdownDoc::parse("d.md", text_file(&t));
        for h in &d.headings {
            prop_assert!(h.section.end <= t.len());
        }
        let _ = d.has_anchor("x");
    }

    #[test]
    fn script_splitter_never_panics(t in structured("\\\"'`$(){};|&<>#\n =", 80)) {
        for (_, c) in commands(&t) {
            let _ = c.matches("npm publish");
            let _ = c.has_flag(&["--dry-run"]);
        }
    }

    #[test]
    fn policy_loader_never_panics(t in structured("[]{}=\"'#.,\ntrue-", 60),
                                  pre in prop::sample::select(vec![
                                      "", "[vars]\n", "[[check]]\nid = \"x\"\nuses = \"file.exists\"\n",
                                      "[[waiver]]\ncheck = \"actions-pinned\"\npath = \"a\"\n",
                                      "[checks.actions-pinned]\n", "extends = [\"default\"]\n",
                                  ])) {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "p.toml", format!("{pre}{t}"));
        if let Err(e) = shipgate::policy::resolve(dir.path(), Some(&p), &shipgate::engine::catalog()) {
            prop_assert!(e.location.line >= 1);
        }
    }

    /// libyaml's cost grows with the square of the flow depth, so the pre-scan
    /// must never see less nesting than libyaml: whatever comes before, when
    /// libyaml reads `k` as 40 nested sequences, the scan must count them.
    #[test]
    fn yaml_depth_scan_never_undercounts(prefix in structured("[]{}'\"#:,-?|>&*! \t", 30)) {
        let deep = format!("{}x{}", "[".repeat(40), "]".repeat(40));
        let t = format!("{prefix}\nk: {deep}\n");
        if let Ok(yaml_serde::Value::Mapping(m)) = yaml_serde::from_str::<yaml_serde::Value>(&t)
            && m.get("k").is_some_and(|v| depth(v) >= 40)
        {
            prop_assert!(yaml_nesting_depth(&t) >= 40, "{t:?}");
        }
    }

    /// The whole pipeline on a small generated tree: no check may panic (the
    /// engine would turn it into an "internal error" finding).
    #[test]
    fn pipeline_never_panics(wf in workflow_text(),
                             pj in structured("{}[]\":,", 30),
                             toml in structured("[]=\"'#\n", 30),
                             md in structured("#[]()`", 40)) {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        write(r, ".github/workflows/release.yml", &wf);
        write(r, "package.json", &pj);
        write(r, "Cargo.toml", &toml);
        write(r, "pyproject.toml", &toml);
        write(r, "README.md", &md);
        write(r, "CHANGELOG.md", &md);
        let tree = Tree::discover(r).unwrap();
        let policy = shipgate::policy::Policy::builtin_default();
        let opts = shipgate::engine::Options {
            lane: "preflight".into(),
            only: vec![],
            skip: vec![],
            today: jiff::civil::date(2026, 1, 1),
        };
        let report = shipgate::engine::run(&tree, &policy, &opts);
        for c in &report.checks {
            for f in &c.findings {
                prop_assert!(!f.message.contains("internal error"), "{}: {}\n{wf}", c.id, f.message);
            }
        }
        let mut out = Vec::new();
        shipgate::report::render(&report, shipgate::report::Format::Json, &Default::default(), &mut out).unwrap();
        shipgate::report::render(&report, shipgate::report::Format::Human, &Default::default(), &mut out).unwrap();
    }
}

fn depth(v: &yaml_serde::Value) -> usize {
    match v {
        yaml_serde::Value::Sequence(s) => 1 + s.iter().map(depth).max().unwrap_or(0),
        yaml_serde::Value::Mapping(m) => 1 + m.values().map(depth).max().unwrap_or(0),
        yaml_serde::Value::Tagged(t) => depth(&t.value),
        _ => 0,
    }
}

// ---------------------------------------------------------------- regressions
// Inputs found by the hostile suite and by these properties.

#[test]
fn regression_apostrophe_in_plain_scalar_hid_brackets() {
    let t = format!("name: it's\non: {}", "[".repeat(1000));
    assert!(WorkflowFile::parse("w.yml", t.into()).is_err());
}

#[test]
fn regression_tree_sitter_indentation_abort() {
    // 300 levels of one-space indentation: tree-sitter-yaml's scanner aborts
    // the process (a C assertion) past 253 levels; the pre-scan refuses first.
    let mut t = String::from("x:\n");
    for i in 1..300 {
        t.push_str(&" ".repeat(i));
        t.push_str("a:\n");
    }
    t.push_str("on: push\njobs: {}\n");
    let e = WorkflowFile::parse("w.yml", t.into()).err().unwrap();
    assert!(e.message.contains("nested"), "{e:?}");
}

#[test]
fn regression_wide_alias_expansion() {
    let keys: Vec<String> = (0..1000).map(|i| format!("k{i}: v")).collect();
    let mut t = format!("w: &w {{{}}}\nx:\n", keys.join(", "));
    for _ in 0..2000 {
        t.push_str("  - *w\n");
    }
    let e = WorkflowFile::parse("w.yml", t.into()).err().unwrap();
    assert!(e.message.contains("alias"), "{e:?}");
}
