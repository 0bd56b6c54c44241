//! Hostile input (SPEC §5): trees written by whoever opened the pull request.
//! Every tree here is generated at test time. Every case must finish fast,
//! exit 0 or 1 (never 101, never a panic), produce a JSON report when asked,
//! fail closed (BLOCK at the right line) where a needed file cannot be judged,
//! and never read or print anything outside the root.

mod common;

use common::{result, write};
use serde_json::Value;
use shipgate::workflow::WorkflowTree;
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A watchdog, not a speed claim: a run still going after this long is a
/// hang (a FIFO read, an unbounded loop), so it is killed and the test
/// fails instead of stalling the suite. How fast each case is (the contract
/// is under 20 s) is measured by scripts/hostile-measure.sh, never asserted
/// by tests.
const DEADLINE: Duration = Duration::from_secs(300);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Spawns shipgate with a deadline; a hang is killed and reported, never waited on forever.
// Kept local, not common::shipgate: it needs the watchdog and control of the pipes.
fn run_with(args: &[&OsStr], stdout: Stdio, close_stdout: bool) -> Run {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipgate"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn shipgate");
    let out_reader = child.stdout.take().and_then(|mut o| {
        if close_stdout {
            // Close our end of the pipe: the child writes into a closed reader.
            drop(o);
            None
        } else {
            Some(std::thread::spawn(move || {
                let mut v = Vec::new();
                let _ = o.read_to_end(&mut v);
                v
            }))
        }
    });
    let mut err = child.stderr.take().expect("stderr");
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("shipgate {args:?} hung for more than {DEADLINE:?}; killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = out_reader
        .map(|h| h.join().unwrap_or_default())
        .unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn run(args: &[&OsStr]) -> Run {
    run_with(args, Stdio::piped(), false)
}

/// No panic, no crash.
fn assert_sane(r: &Run, what: &str) {
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("internal error"),
        "{what}: panic on stderr: {}",
        r.stderr
    );
    assert!(r.code.is_some(), "{what}: killed by a signal: {}", r.stderr);
    assert_ne!(r.code, Some(101), "{what}: exit 101");
}

/// `check ROOT --format json`: exit 0 or 1 and a parseable v1 report.
// Kept local: it runs through the watchdog and asserts the exit and the schema.
fn check_json(root: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("check"),
        root.as_os_str(),
        OsStr::new("--format"),
        OsStr::new("json"),
    ];
    args.extend(extra.iter().map(OsStr::new));
    let r = run(&args);
    assert_sane(&r, &format!("check {}", root.display()));
    let code = r.code.unwrap();
    assert!(
        code == 0 || code == 1,
        "exit {code}, stderr: {}\nstdout: {}",
        r.stderr,
        r.stdout
    );
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", &r.stdout[..r.stdout.len().min(500)]));
    assert_eq!(v["schema"], "shipgate/report-v1");
    (code, v)
}

/// `check ROOT` in human format: exit 0 or 1; returns stdout+stderr.
fn check_human(root: &Path) -> String {
    let r = run(&[OsStr::new("check"), root.as_os_str()]);
    assert_sane(&r, "human");
    assert!(
        matches!(r.code, Some(0 | 1)),
        "exit {:?}: {}",
        r.code,
        r.stderr
    );
    format!("{}{}", r.stdout, r.stderr)
}

fn findings_at<'a>(report: &'a Value, id: &str, path: &str) -> Vec<&'a Value> {
    result(report, id)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .collect()
}

/// The message of the one finding that reports `path`'s read or parse error
/// in full; every other check that needed the file points at it.
fn file_error(report: &Value, path: &str) -> String {
    let mut full = Vec::new();
    for c in report["checks"].as_array().unwrap() {
        for f in c["findings"].as_array().unwrap() {
            let m = f["message"].as_str().unwrap();
            if f["path"] == path && m.starts_with("cannot judge this file") {
                if f.get("reported_under").is_none() {
                    full.push(m.to_string());
                } else {
                    // Still counted: the check could not judge the file.
                    assert!(
                        f.get("suppressed").is_none() && c["verdict"] != "pass",
                        "{c:#}"
                    );
                }
            }
        }
    }
    assert_eq!(
        full.len(),
        1,
        "{path}: reported in full {} times: {full:#?}",
        full.len()
    );
    full.remove(0)
}

/// Asserts `id` BLOCKs with a finding on `path` at `line`.
fn assert_blocks_at(report: &Value, id: &str, path: &str, line: u64) {
    let c = result(report, id);
    assert_eq!(c["verdict"], "block", "{id}: {c:#}");
    let fs = findings_at(report, id, path);
    assert!(
        fs.iter()
            .any(|f| f["line"] == line && f["severity"] == "block"),
        "{id}: no block finding at {path}:{line}: {c:#}"
    );
}

fn tree() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

const WF: &str = ".github/workflows/release.yml";

/// A valid release workflow (it publishes) with everything in order.
const GOOD_RELEASE: &str = "\
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
      - run: cargo publish
";

// ---------------------------------------------------------------- malformed

#[test]
fn malformed_yaml_release_workflow_blocks_at_the_error_line() {
    let t = tree();
    // Line 9 opens a flow sequence that never closes.
    let wf = "name: release\non:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps: [\n      - run: cargo publish\n";
    write(t.path(), WF, wf);
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    let f = &findings_at(&v, "workflow-permissions", WF)[0];
    let line = f["line"].as_u64().unwrap();
    assert!((9..=11).contains(&line), "parse error line {line}: {f:#}");
    assert_eq!(result(&v, "workflow-permissions")["verdict"], "block");
    assert_eq!(v["verdict"], "block");
}

#[test]
fn bad_indentation_blocks_at_its_line() {
    let t = tree();
    // Line 5 puts a second `key:` inside a plain value.
    let wf = "on: push\njobs:\n  publish:\n    runs-on: x\n    environment: a: b\n    steps:\n      - run: cargo publish\n";
    write(t.path(), WF, wf);
    let (_, v) = check_json(t.path(), &[]);
    let f = &findings_at(&v, "workflow-permissions", WF)[0];
    assert_eq!(f["line"], 5, "{f:#}");
    assert_blocks_at(&v, "workflow-permissions", WF, 5);
}

#[test]
fn malformed_toml_and_json_fail_at_their_line_through_the_cache() {
    let t = tree();
    write(
        t.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\nversion = \"1.0\"\ndescription = \n",
    );
    write(
        t.path(),
        "package.json",
        "{\n  \"name\": \"x\",\n  \"version\": \"1.0.0\"\n  \"license\": \"MIT\"\n}\n",
    );
    write(
        t.path(),
        "Cargo.toml",
        "[package]\nname = \"x\"\n[package]\n",
    );
    let tr = shipgate::repo::Tree::discover(t.path()).unwrap();
    let e = tr.toml("pyproject.toml").err().expect("toml error");
    assert_eq!(e.location.line, 4, "{e:?}");
    assert_eq!(e.location.path, "pyproject.toml");
    let f = e.to_finding();
    assert!(f.message.contains("cannot judge"));
    let e = tr.json("package.json").err().expect("json error");
    assert_eq!(e.location.line, 4, "{e:?}");
    let e = tr.toml("Cargo.toml").err().expect("duplicate table");
    assert_eq!(e.location.line, 3, "{e:?}");
    // The CLI over the same tree neither crashes nor misreports.
    check_json(t.path(), &[]);
}

// ---------------------------------------------------------------- alias bombs

/// Nine levels of nine aliases each: 9^9 nodes if expanded.
fn billion_laughs(at: &str) -> String {
    let mut s = String::from("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        s.push_str(&format!("x{i}: &a{i} [{refs}]\n"));
    }
    s.push_str(at);
    s
}

#[test]
fn alias_bomb_in_a_release_workflow_blocks_fast() {
    // The bomb is used where the typed model must read it: the job's env.
    let t = tree();
    let wf = billion_laughs(
        "on: push\npermissions: {}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    env:\n      BOMB: *a9\n    steps:\n      - run: cargo publish\n",
    );
    write(t.path(), WF, wf);
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(result(&v, "workflow-permissions")["verdict"], "block");
    assert!(!findings_at(&v, "workflow-permissions", WF).is_empty());
}

#[test]
fn alias_bomb_in_matrix_values_is_refused_not_expanded() {
    // `matrix.include` holds arbitrary YAML values: a wide anchor aliased many
    // times would expand to millions of map entries if nothing bounded it.
    let t = tree();
    let keys: Vec<String> = (0..500).map(|i| format!("k{i}: v")).collect();
    let mut wf = format!(
        "on: push\npermissions: {{}}\nwide: &w {{{}}}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        include:\n",
        keys.join(", ")
    );
    for _ in 0..20_000 {
        wf.push_str("          - *w\n");
    }
    wf.push_str("    steps:\n      - run: cargo publish\n");
    write(t.path(), WF, wf);
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    let c = result(&v, "workflow-permissions");
    assert_eq!(c["verdict"], "block", "{c:#}");
    let msg = file_error(&v, WF);
    assert!(msg.contains("alias"), "{msg}");
}

#[test]
fn alias_bomb_in_ignored_keys_does_not_hide_the_workflow() {
    // Keys the model does not know are skipped, never expanded; the workflow
    // is still judged, and its missing top-level permissions still block.
    let t = tree();
    let wf = billion_laughs(
        "on: push\njobs:\n  publish:\n    runs-on: x\n    steps:\n      - run: cargo publish\n",
    );
    write(t.path(), WF, wf);
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(result(&v, "workflow-permissions")["verdict"], "block");
}

#[test]
fn recursive_alias_does_not_loop() {
    let t = tree();
    write(
        t.path(),
        WF,
        "on: push\nx: &a [*a, *a]\njobs:\n  p:\n    runs-on: x\n    env: &e\n      A: *e\n    steps:\n      - run: cargo publish\n",
    );
    check_json(t.path(), &[]);
}

// ---------------------------------------------------------------- deep nesting

const DEEP: usize = 100_000;

#[test]
fn yaml_nested_100k_deep_is_refused_fast() {
    let cases: Vec<(&str, String)> = vec![
        (
            "flow-seq",
            format!("on: push\njobs: {}\n", "[".repeat(DEEP)),
        ),
        (
            "flow-map",
            format!("on: push\njobs: {}\n", "{a: ".repeat(DEEP)),
        ),
        (
            "block-seq",
            format!("on: push\njobs:\n{}x\n", "- ".repeat(DEEP)),
        ),
        (
            // A stray apostrophe in a plain scalar must not hide what follows
            // from the depth pre-scan.
            "quote-hidden",
            format!("name: it's\non: push\njobs: {}\n", "[".repeat(DEEP)),
        ),
        (
            "flow-quote-hidden",
            format!("on: push\njobs: [a', {}\n", "[".repeat(DEEP)),
        ),
        (
            "comment-hidden",
            format!("on: push\njobs: [a#b, {}\n", "[".repeat(DEEP)),
        ),
    ];
    for (name, wf) in cases {
        let t = tree();
        write(t.path(), WF, &wf);
        let (code, v) = check_json(t.path(), &[]);
        assert_eq!(code, 1, "{name}");
        let c = result(&v, "workflow-permissions");
        assert_eq!(c["verdict"], "block", "{name}: {c:#}");
    }
}

#[test]
fn a_local_action_nested_deep_or_full_of_aliases_is_refused_not_expanded() {
    // A workflow uses a local action whose action.yml is hostile: it is
    // refused before the YAML parser sees it (a finding at the file), never
    // expanded (the parser's cost grows with the square of the depth).
    let bomb = {
        let mut y = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            y.push_str(&format!(
                "{}: &{} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
                (b'a' + i) as char,
                (b'a' + i) as char,
                p = (b'a' + i - 1) as char
            ));
        }
        y.push_str("runs:\n  using: node20\n  main: index.js\n");
        y
    };
    for (name, action) in [
        ("deep", format!("runs: {}\n", "[".repeat(DEEP))),
        ("aliases", bomb),
    ] {
        let t = tree();
        write(
            t.path(),
            ".github/workflows/ci.yml",
            "on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./local\n",
        );
        write(t.path(), "local/action.yml", &action);
        let (_, v) = check_json(t.path(), &["--only", "action-node-runtime"]);
        let c = result(&v, "action-node-runtime");
        let fs = c["findings"].as_array().expect("findings");
        assert!(
            fs.iter().any(|f| f["path"] == "local/action.yml"
                && f["code"] == "unparseable-action"
                && f["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("runtime cannot be judged"))),
            "{name}: {c:#}"
        );
    }
}

#[test]
fn yaml_deep_indentation_is_refused() {
    let mut wf = String::from("on: push\njobs:\n");
    for i in 1..5_000 {
        wf.push_str(&" ".repeat(i * 2));
        wf.push_str("a:\n");
    }
    let t = tree();
    write(t.path(), WF, &wf);
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(result(&v, "workflow-permissions")["verdict"], "block");
}

#[test]
fn json_and_toml_nested_100k_deep_are_refused_without_overflow() {
    let t = tree();
    write(t.path(), "package.json", "[".repeat(DEEP));
    write(
        t.path(),
        "a.json",
        format!("{{\"a\": {}", "{\"a\": ".repeat(DEEP)),
    );
    write(t.path(), "Cargo.toml", format!("a = {}", "[".repeat(DEEP)));
    write(t.path(), "b.toml", format!("a = {}", "{a = ".repeat(DEEP)));
    write(t.path(), "c.toml", format!("a = [{}]", "[".repeat(DEEP)));
    // A multi-line literal string with an apostrophe must not blind the pre-scan.
    write(
        t.path(),
        "pyproject.toml",
        format!("x = '''\nit's\n'''\na = {}\n", "[".repeat(DEEP)),
    );
    write(
        t.path(),
        "d.toml",
        format!("x = \"\\\\\"\na = {}\n", "{b = ".repeat(DEEP)),
    );
    let tr = shipgate::repo::Tree::discover(t.path()).unwrap();
    for p in ["package.json", "a.json"] {
        let e = tr.json(p).err().unwrap_or_else(|| panic!("{p} parsed"));
        assert!(e.message.contains("nested"), "{p}: {e:?}");
    }
    for p in ["Cargo.toml", "b.toml", "c.toml", "pyproject.toml", "d.toml"] {
        assert!(tr.toml(p).is_err(), "{p} parsed");
    }
    check_json(t.path(), &[]);
}

// ---------------------------------------------------------------- bytes

#[test]
fn invalid_utf8_in_every_kind_of_file() {
    let t = tree();
    let bad = |before: &str| {
        let mut v = before.as_bytes().to_vec();
        v.extend_from_slice(b"\xff\xfe oops\n");
        v
    };
    write(t.path(), WF, bad("on: push\njobs:\n  p:\n"));
    write(t.path(), "Cargo.toml", bad("[package]\nname = \"x\"\n"));
    write(t.path(), "package.json", bad("{\n"));
    write(t.path(), "README.md", bad("# Title\n\n"));
    write(t.path(), "mix.exs", bad("defmodule X do\n"));
    write(t.path(), "CHANGELOG.md", bad(""));
    write(t.path(), "shipgate-not-a-policy.toml", bad("x = 1\n"));
    let tr = shipgate::repo::Tree::discover(t.path()).unwrap();
    assert_eq!(tr.text("Cargo.toml").err().unwrap().location.line, 3);
    assert_eq!(tr.json("package.json").err().unwrap().location.line, 2);
    assert_eq!(tr.markdown("README.md").err().unwrap().location.line, 3);
    assert_eq!(tr.workflow(WF).err().unwrap().location.line, 4);
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    assert_blocks_at(&v, "workflow-permissions", WF, 4);
    let f = file_error(&v, WF);
    assert!(f.contains("UTF-8"), "{f:#}");
    check_human(t.path());
}

#[test]
fn binary_files_where_text_is_expected() {
    let t = tree();
    let mut bin = b"on: push\n".to_vec();
    bin.extend((0..=255u8).cycle().take(4096));
    write(t.path(), WF, &bin);
    write(t.path(), "package.json", [0u8, 1, 2, 3, 0xff]);
    write(t.path(), "logo.png", [0x89, b'P', b'N', b'G', 0, 0, 0, 0]);
    let tr = shipgate::repo::Tree::discover(t.path()).unwrap();
    let e = tr.workflow(WF).err().unwrap();
    assert!(e.message.contains("binary"), "{e:?}");
    assert_eq!(e.location.line, 2);
    assert!(tr.json("package.json").is_err());
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    assert_blocks_at(&v, "workflow-permissions", WF, 2);
    check_human(t.path());
}

#[test]
fn oversized_workflow_is_a_clear_finding() {
    let t = tree();
    let mut wf = String::from(GOOD_RELEASE);
    let pad = format!("# {}\n", "x".repeat(1000));
    while wf.len() <= shipgate::repo::MAX_PARSE_BYTES {
        wf.push_str(&pad);
    }
    write(t.path(), WF, &wf);
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    let f = file_error(&v, WF);
    assert!(f.contains("too large"), "{f:#}");
}

#[test]
fn thirty_megabyte_single_line_markdown() {
    let t = tree();
    let mut md = String::with_capacity(30 * 1024 * 1024 + 100);
    md.push_str("# Big\n");
    let chunk = "word [link](docs/missing.md) `src/x` *em* ";
    while md.len() < 30 * 1024 * 1024 {
        md.push_str(chunk);
    }
    write(t.path(), "README.md", &md);
    write(t.path(), WF, GOOD_RELEASE);
    // Too large to parse (parsed Markdown costs ~25 bytes a byte): a clear
    // error at the file for any check that needs it, not 700 MB of memory.
    let tr = shipgate::repo::Tree::discover(t.path()).unwrap();
    let e = tr.markdown("README.md").err().expect("refused");
    assert!(e.message.contains("too large"), "{e:?}");
    assert_eq!(e.location.path, "README.md");
    assert!(
        tr.text("README.md").is_ok(),
        "plain text search still works"
    );
    drop(tr);
    check_json(t.path(), &[]);
    check_human(t.path());
}

#[test]
fn markdown_positions_on_one_long_line_stay_linear() {
    // Every link's column used to be counted from the line's start: on one
    // 3 MB line that was 15 s (quadratic); 30 MB would have been hours.
    let t = tree();
    let mut md = String::from("# Big\n");
    let chunk = "word [link](docs/missing.md) `src/x` é ";
    while md.len() < 3 * 1024 * 1024 {
        md.push_str(chunk);
    }
    write(t.path(), "README.md", &md);
    let tr = shipgate::repo::Tree::discover(t.path()).unwrap();
    let doc = tr.markdown("README.md").expect("markdown parses");
    assert_eq!(doc.headings.len(), 1);
    assert!(doc.links.len() > 70_000);
    let last = doc.links.last().unwrap();
    let at = doc.location(last.span.start);
    assert_eq!(at.line, 2);
    let expected = md[..md.rfind('[').unwrap()]
        .rsplit('\n')
        .next()
        .unwrap()
        .chars()
        .count()
        + 1;
    assert_eq!(at.column, expected);
}

#[test]
fn twenty_thousand_files() {
    let t = tree();
    for d in 0..100 {
        for f in 0..200 {
            write(
                t.path(),
                &format!("src/d{d}/f{f}.md"),
                format!("# F{f}\n[x](f{}.md)\n", (f + 1) % 200),
            );
        }
    }
    write(t.path(), WF, GOOD_RELEASE);
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 0, "{v:#}");
}

#[test]
fn empty_files() {
    let t = tree();
    for p in [
        WF,
        ".github/workflows/ci.yaml",
        "Cargo.toml",
        "pyproject.toml",
        "package.json",
        "mix.exs",
        "CHANGELOG.md",
        "README.md",
        "SECURITY.md",
        ".github/CODEOWNERS",
        "release-please-config.json",
        ".release-please-manifest.json",
        "Makefile",
    ] {
        write(t.path(), p, "");
    }
    let (code, v) = check_json(t.path(), &[]);
    // An empty workflow is not a workflow GitHub can run: it cannot be judged.
    assert_eq!(code, 1);
    assert_blocks_at(&v, "workflow-permissions", WF, 1);
    check_human(t.path());
}

#[test]
fn wrong_top_level_shapes() {
    for (content, name) in [
        ("- on: push\n- jobs: {}\n", "list"),
        ("just a string\n", "scalar"),
        ("42\n", "number"),
        ("null\n", "null"),
        ("on: push\njobs: [a, b]\n", "jobs-list"),
        ("on: push\njobs:\n  p: 3\n", "job-scalar"),
        (
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps: {a: 1}\n",
            "steps-map",
        ),
        ("--- \non: push\n...\n---\non: pull_request\n", "two-docs"),
    ] {
        let t = tree();
        write(t.path(), WF, content);
        write(t.path(), "package.json", "\"a string\"");
        write(t.path(), "Cargo.toml", "package = 3\n");
        write(t.path(), ".release-please-manifest.json", "[1, 2]");
        let (code, v) = check_json(t.path(), &[]);
        assert_eq!(code, 1, "{name}: {v:#}");
        let c = result(&v, "workflow-permissions");
        assert_eq!(c["verdict"], "block", "{name}: {c:#}");
        let tr = shipgate::repo::Tree::discover(t.path()).unwrap();
        let pj = tr.json("package.json").expect("a string is valid JSON");
        assert_eq!(pj.root.as_str(), Some("a string"));
    }
}

#[test]
fn a_tree_with_nothing_to_gate_is_exit_2_not_pass() {
    // Empty, only unrelated files, only a workflow-less .github: a gate
    // that judged nothing must not say PASS.
    let empty = tree();
    let unrelated = tree();
    write(unrelated.path(), "notes.txt", "hello\n");
    write(unrelated.path(), "src/main.c", "int main(){}\n");
    let dotgithub = tree();
    write(dotgithub.path(), ".github/dependabot.yml", "version: 2\n");
    write(
        dotgithub.path(),
        ".github/workflows/README.txt",
        "not a workflow\n",
    );
    for t in [&empty, &unrelated, &dotgithub] {
        let r = run(&[OsStr::new("check"), t.path().as_os_str()]);
        assert_sane(&r, "nothing to gate");
        assert_eq!(r.code, Some(2), "{}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("nothing to gate"), "{}", r.stderr);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
    }
    // A doc alone, a manifest alone, a workflow alone: each is something.
    for (rel, text) in [
        ("README.md", "# x\n"),
        ("pkg/package.json", "{\"name\": \"x\", \"private\": true}\n"),
        (WF, GOOD_RELEASE),
    ] {
        let t = tree();
        write(t.path(), rel, text);
        check_json(t.path(), &[]);
    }
}

#[cfg(unix)]
#[test]
fn non_utf8_and_control_character_file_names() {
    use std::os::unix::ffi::OsStrExt;
    let t = tree();
    let wfdir = t.path().join(".github/workflows");
    std::fs::create_dir_all(&wfdir).unwrap();
    std::fs::write(
        wfdir.join(OsStr::from_bytes(b"rel\xffease.yml")),
        "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: cargo publish\n",
    )
    .unwrap();
    std::fs::write(wfdir.join("a\nb\x1b[31m.yml"), "on: [\n").unwrap();
    std::fs::write(
        t.path().join(OsStr::from_bytes(b"\xfe.md")),
        "[x](nope.md)\n",
    )
    .unwrap();
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    let c = result(&v, "workflow-permissions");
    assert_eq!(c["verdict"], "block");
    let out = check_human(t.path());
    assert!(out.contains("rel\\xFFease.yml"), "{out}");
    assert!(
        !out.contains('\x1b'),
        "a file name put an escape sequence on the terminal"
    );
}

// ---------------------------------------------------------------- symlinks

const SECRET: &str = "TOPSECRET-7f3a9c-never-print-me";

#[cfg(unix)]
fn symlink_tree() -> (tempfile::TempDir, tempfile::TempDir) {
    use std::os::unix::fs::symlink;
    let outside = tree();
    let secret_wf = format!(
        "# {SECRET}\non: push\npermissions: write-all\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: cargo publish # {SECRET}\n"
    );
    write(outside.path(), "secret-release.yml", &secret_wf);
    write(
        outside.path(),
        "secret.md",
        format!("# {SECRET}\n[a](b.md)\n"),
    );
    write(
        outside.path(),
        "secret.toml",
        format!("[package]\nname = \"{SECRET}\"\n"),
    );
    write(outside.path(), "dir/inner.md", format!("{SECRET}\n"));
    let root = tree();
    let r = root.path();
    std::fs::create_dir_all(r.join(".github/workflows")).unwrap();
    symlink(
        outside.path().join("secret-release.yml"),
        r.join(".github/workflows/release.yml"),
    )
    .unwrap();
    symlink(outside.path().join("secret.md"), r.join("README.md")).unwrap();
    symlink(outside.path().join("secret.toml"), r.join("Cargo.toml")).unwrap();
    symlink(outside.path().join("secret.toml"), r.join("package.json")).unwrap();
    symlink(outside.path().join("dir"), r.join("docs")).unwrap();
    symlink("/etc/passwd", r.join("passwd.md")).unwrap();
    symlink("loop-b", r.join("loop-a")).unwrap();
    symlink("loop-a", r.join("loop-b")).unwrap();
    symlink("self.yml", r.join(".github/workflows/self.yml")).unwrap();
    symlink("missing-target", r.join("dangling.md")).unwrap();
    symlink("..", r.join("up")).unwrap();
    // A symlink that stays inside is fine.
    write(r, "real.md", "# Real\n");
    symlink("real.md", r.join("inside.md")).unwrap();
    (root, outside)
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_reported_never_read() {
    let (root, outside) = symlink_tree();
    let outside_str = outside.path().to_string_lossy().into_owned();
    let (code, v) = check_json(root.path(), &[]);
    let json = v.to_string();
    assert!(!json.contains(SECRET), "secret leaked into JSON: {json}");
    assert!(
        !json.contains(&outside_str),
        "outside path leaked into JSON"
    );
    assert!(!json.contains("root:x:0"), "/etc/passwd leaked");
    // The release workflow is a symlink out: it cannot be judged, so it blocks.
    assert_eq!(code, 1);
    assert_blocks_at(&v, "workflow-permissions", WF, 1);
    let msg = file_error(&v, WF);
    assert!(msg.contains("symlink"), "{msg}");
    // Every bad link is reported, by its path inside the root.
    let links = result(&v, "tree-contained");
    for p in [
        "README.md",
        "passwd.md",
        "loop-a",
        "loop-b",
        "dangling.md",
        WF,
    ] {
        assert!(
            links["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["path"] == p),
            "{p} not reported: {links:#}"
        );
    }
    assert!(!json.contains("\"inside.md\"") || !json.contains("inside.md\",\"severity"));
    let human = check_human(root.path());
    assert!(!human.contains(SECRET), "secret leaked into human output");
    assert!(
        !human.contains(&outside_str),
        "outside path leaked into human output"
    );
    assert!(!human.contains("root:x:0"));
    // The library never hands out the text either.
    let tr = shipgate::repo::Tree::discover(root.path()).unwrap();
    for p in ["README.md", "Cargo.toml", "passwd.md", WF] {
        assert!(tr.text(p).is_err(), "{p} was read");
    }
    assert!(
        tr.paths().all(|p| !p.starts_with("docs/")),
        "walked into a linked dir"
    );
    assert!(tr.text("inside.md").is_ok());
    drop(outside);
}

#[cfg(unix)]
#[test]
fn a_policy_file_that_is_a_symlink_out_is_not_read() {
    use std::os::unix::fs::symlink;
    let outside = tree();
    write(
        outside.path(),
        "p.toml",
        format!("[vars]\nx = \"{SECRET}\"\nbad = \n"),
    );
    let root = tree();
    symlink(
        outside.path().join("p.toml"),
        root.path().join("shipgate.toml"),
    )
    .unwrap();
    let r = run(&[
        OsStr::new("check"),
        root.path().as_os_str(),
        OsStr::new("--format"),
        OsStr::new("json"),
    ]);
    assert_sane(&r, "policy symlink");
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(!all.contains(SECRET), "{all}");
    assert!(!all.contains(&*outside.path().to_string_lossy()), "{all}");
    // A policy that cannot be read is a policy error.
    assert_eq!(r.code, Some(2), "{all}");
    assert!(r.stderr.contains("shipgate.toml"), "{all}");
}

#[test]
fn gitignore_cannot_hide_release_workflows() {
    // At the root, in `.github/` and in the workflow folder itself.
    for (at, rule) in [
        (".gitignore", ".github/\n*.yml\n"),
        (".github/.gitignore", "workflows/\n"),
        (".github/workflows/.gitignore", "*\n"),
    ] {
        let t = tree();
        write(t.path(), at, rule);
        write(
            t.path(),
            WF,
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: cargo publish\n",
        );
        let (code, v) = check_json(t.path(), &[]);
        assert_eq!(
            code, 1,
            "a release workflow ignored by {at} was waved through: {v:#}"
        );
        assert_blocks_at(&v, "workflow-permissions", WF, 1);
    }
}

// ---------------------------------------------------------------- pipes

#[test]
fn closed_stdout_is_not_a_crash() {
    let t = tree();
    write(t.path(), WF, "on: [\n");
    for args in [
        vec![OsString::from("list")],
        vec![OsString::from("explain"), OsString::from("actions-pinned")],
        vec![OsString::from("check"), t.path().into()],
        vec![
            OsString::from("check"),
            t.path().into(),
            OsString::from("--format"),
            OsString::from("json"),
        ],
        vec![OsString::from("--help")],
    ] {
        let a: Vec<&OsStr> = args.iter().map(|s| s.as_os_str()).collect();
        let r = run_with(&a, Stdio::piped(), true);
        assert_sane(&r, &format!("{args:?} into a closed pipe"));
        assert!(
            matches!(r.code, Some(0 | 1)),
            "{args:?}: {:?} {}",
            r.code,
            r.stderr
        );
    }
}

#[test]
fn closed_stderr_is_not_a_crash() {
    let t = tree();
    write(t.path(), "shipgate.toml", "nonsense = \n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipgate"))
        .args([OsStr::new("check"), t.path().as_os_str()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < DEADLINE, "hung");
        std::thread::sleep(Duration::from_millis(10));
    };
    // A policy error is exit 2, even when nobody can read the message.
    assert_eq!(status.code(), Some(2), "{status:?}");
}

#[cfg(unix)]
#[test]
fn fifos_are_never_opened() {
    // Reading a FIFO blocks until someone writes: a hang, not a finding.
    let t = tree();
    let wfdir = t.path().join(".github/workflows");
    std::fs::create_dir_all(&wfdir).unwrap();
    let made = Command::new("mkfifo")
        .arg(t.path().join("pipe"))
        .arg(wfdir.join("direct.yml"))
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo unavailable; skipped");
        return;
    }
    std::os::unix::fs::symlink("../../pipe", wfdir.join("release.yml")).unwrap();
    std::os::unix::fs::symlink("pipe", t.path().join("Cargo.toml")).unwrap();
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    // A workflow that is a symlink is refused before anything is opened.
    assert_blocks_at(&v, "workflow-permissions", WF, 1);
    let f = file_error(&v, WF);
    assert!(f.contains("symlink"), "{f:#}");
    // A manifest that leads to the FIFO is refused when it is read.
    let f = file_error(&v, "Cargo.toml");
    assert!(f.contains("regular file"), "{f:#}");
}

#[test]
fn huge_flow_style_workflow_is_judged_fast() {
    // tree-sitter-yaml spent 7 s and 560 MB on 2.4 MB of `[a, a, …]`; past
    // a bound the workflow is judged without exact locations instead.
    let t = tree();
    let items = vec!["aaaa"; 200_000].join(", ");
    let wf = format!(
        "{{on: push, jobs: {{p: {{runs-on: x, steps: [{{run: cargo publish}}]}}}}, x: [{items}]}}\n"
    );
    write(t.path(), WF, &wf);
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    // Judged, not refused: the missing top-level permissions is the finding.
    let f = &findings_at(&v, "workflow-permissions", WF)[0];
    assert!(
        f["message"].as_str().unwrap().contains("permissions"),
        "{f:#}"
    );
}

#[test]
fn thousands_of_jobs_with_findings_stay_linear() {
    // A finding on every job used to look the job up linearly and scan the
    // file from the top for its source line: quadratic (20,000 jobs: 10 s).
    let t = tree();
    let mut wf = String::from("on: push\njobs:\n");
    for i in 0..5_000 {
        wf.push_str(&format!(
            "  j{i}:\n    runs-on: x\n    permissions: write-all\n    steps:\n      - uses: a/b@v1\n      - run: cargo publish\n"
        ));
    }
    write(t.path(), WF, &wf);
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    // Every job is judged; the report lists the first 200 and counts the rest.
    let fs = findings_at(&v, "workflow-permissions", WF);
    assert_eq!(fs.len(), 201);
    let more = fs[200]["message"].as_str().unwrap();
    let n: usize = more.split(' ').next().unwrap().parse().unwrap();
    assert!(n + 200 > 5_000, "{more}");
}

// ------------------------------------------------- writes and policy files

/// Runs shipgate with `args` and expects exit 2 with `why` on stderr.
fn assert_refused(args: &[&OsStr], why: &str) -> Run {
    let r = run(args);
    assert_sane(&r, why);
    assert_eq!(r.code, Some(2), "{args:?}: {}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(why), "{args:?}: {}", r.stderr);
    r
}

#[cfg(unix)]
#[test]
fn init_never_writes_through_a_symlink() {
    use std::os::unix::fs::symlink;
    let outside = tree();
    let victim = outside.path().join("victim.toml");
    std::fs::write(&victim, "keep me\n").unwrap();
    // A live link to a file outside, with and without --force.
    let root = tree();
    write(
        root.path(),
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n",
    );
    symlink(&victim, root.path().join("shipgate.toml")).unwrap();
    for force in [false, true] {
        let mut args = vec![OsStr::new("init"), root.path().as_os_str()];
        if force {
            args.push(OsStr::new("--force"));
        }
        assert_refused(&args, "symlink");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
    }
    // A dangling link: following it would create a file outside the root.
    let root = tree();
    let planted = outside.path().join("planted.toml");
    symlink(&planted, root.path().join("shipgate.toml")).unwrap();
    for force in [false, true] {
        let mut args = vec![OsStr::new("init"), root.path().as_os_str()];
        if force {
            args.push(OsStr::new("--force"));
        }
        assert_refused(&args, "symlink");
        assert!(!planted.exists(), "init wrote through a dangling symlink");
    }
    // A relative link inside the root is refused all the same.
    let root = tree();
    write(root.path(), "real.toml", "extends = [\"default\"]\n");
    symlink("real.toml", root.path().join("shipgate.toml")).unwrap();
    assert_refused(
        &[
            OsStr::new("init"),
            root.path().as_os_str(),
            OsStr::new("--force"),
        ],
        "symlink",
    );
    assert_eq!(
        std::fs::read_to_string(root.path().join("real.toml")).unwrap(),
        "extends = [\"default\"]\n"
    );
    // A plain file is still replaced with --force.
    let root = tree();
    write(root.path(), "shipgate.toml", "# old\n");
    let r = run(&[
        OsStr::new("init"),
        root.path().as_os_str(),
        OsStr::new("--force"),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(root.path().join("shipgate.toml")).unwrap();
    assert!(text.contains("extends = [\"default\"]"), "{text}");
}

#[cfg(unix)]
#[test]
fn check_output_never_follows_a_symlink() {
    use std::os::unix::fs::symlink;
    let outside = tree();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "keep me\n").unwrap();
    let root = tree();
    write(root.path(), WF, GOOD_RELEASE);
    let live = root.path().join("report.json");
    symlink(&victim, &live).unwrap();
    let dangling = root.path().join("report.sarif");
    let planted = outside.path().join("planted");
    symlink(&planted, &dangling).unwrap();
    for (out, format) in [(&live, "json"), (&dangling, "sarif"), (&live, "human")] {
        assert_refused(
            &[
                OsStr::new("check"),
                root.path().as_os_str(),
                OsStr::new("--format"),
                OsStr::new(format),
                OsStr::new("--output"),
                out.as_os_str(),
            ],
            "symlink",
        );
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
    assert!(!planted.exists());
    // A regular file is written (and replaced) as before.
    let plain = root.path().join("out.json");
    std::fs::write(&plain, "old").unwrap();
    let r = run(&[
        OsStr::new("check"),
        root.path().as_os_str(),
        OsStr::new("--format"),
        OsStr::new("json"),
        OsStr::new("--output"),
        plain.as_os_str(),
    ]);
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&plain).unwrap()).unwrap();
    assert_eq!(v["schema"], "shipgate/report-v1");
}

#[cfg(unix)]
#[test]
fn explicit_policy_must_be_a_regular_file() {
    let root = tree();
    write(root.path(), WF, GOOD_RELEASE);
    let check = |policy: &Path, why: &str| {
        assert_refused(
            &[
                OsStr::new("check"),
                root.path().as_os_str(),
                OsStr::new("--policy"),
                policy.as_os_str(),
            ],
            why,
        );
    };
    // Endless, then blocking, then not a file at all.
    check(Path::new("/dev/zero"), "a device");
    check(Path::new("/dev/null"), "a device");
    let fifo = root.path().join("policy.fifo");
    if Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        check(&fifo, "a FIFO");
    }
    check(root.path(), "a directory");
    check(&root.path().join("missing.toml"), "cannot read");
    let big = root.path().join("big.toml");
    std::fs::write(&big, format!("# {}\n", "x".repeat(2 << 20))).unwrap();
    check(&big, "larger than");
}

#[cfg(unix)]
#[test]
fn an_in_tree_policy_that_is_not_a_file_is_an_error_not_the_default() {
    use std::os::unix::fs::symlink;
    type Make = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Make, &str)> = vec![
        (
            "shipgate.toml",
            Box::new(|p| std::fs::create_dir(p).unwrap()),
            "a directory",
        ),
        (
            ".github/shipgate.toml",
            Box::new(|p| std::fs::create_dir_all(p).unwrap()),
            "a directory",
        ),
        (
            "shipgate.toml",
            Box::new(|p| symlink("nowhere.toml", p).unwrap()),
            "does not exist",
        ),
        (
            ".github/shipgate.toml",
            Box::new(|p| symlink("../gone/x.toml", p).unwrap()),
            "does not exist",
        ),
        (
            "shipgate.toml",
            Box::new(|p| {
                let _ = Command::new("mkfifo").arg(p).status();
            }),
            "a FIFO",
        ),
    ];
    for (rel, make, why) in cases {
        let root = tree();
        // A tree the built-in default would pass: falling back would be exit 0.
        write(root.path(), WF, GOOD_RELEASE);
        let p = root.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        make(&p);
        if std::fs::symlink_metadata(&p).is_err() {
            continue; // mkfifo unavailable
        }
        let r = assert_refused(&[OsStr::new("check"), root.path().as_os_str()], why);
        assert!(r.stderr.contains(rel), "{rel}: {}", r.stderr);
    }
}

// ------------------------------------------------- YAML as YAML reads it

/// A release job with no environment, its secret hidden by `hide`.
fn secret_in(block: &str) -> String {
    format!(
        "on:\n  push:\n    tags: ['v*']\npermissions: {{}}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n{block}      - run: cargo publish\n"
    )
}

#[test]
fn hash_lines_inside_block_scalars_are_content_not_comments() {
    // (step text, line of the secret)
    let cases = [
        (
            "      - run: |\n          # ${{ secrets.TOKEN }}\n          echo\n",
            10,
        ),
        (
            "      - run: |-\n          echo\n          #${{ secrets.TOKEN }}\n",
            11,
        ),
        ("      - run: >+\n          #  ${{ secrets.TOKEN }}\n", 10),
        ("      - run: |2\n            # ${{ secrets.TOKEN }}\n", 10),
        (
            "      - run: echo\n        env:\n          X: >-\n            #${{ secrets.TOKEN }}\n",
            12,
        ),
        (
            "      - uses: some/action@0123456789abcdef0123456789abcdef01234567\n        with:\n          script: |\n            # ${{ secrets.TOKEN }}\n",
            12,
        ),
    ];
    for (block, line) in cases {
        let t = tree();
        write(t.path(), WF, secret_in(block));
        let (code, v) = check_json(t.path(), &["--only", "secrets-in-environment"]);
        assert_eq!(code, 1, "{block}\n{v:#}");
        assert_blocks_at(&v, "secrets-in-environment", WF, line);
    }
    // A `#` without whitespace before it, or inside quotes, is text: the
    // expression there is evaluated.
    for (block, line) in [
        ("      - run: echo a#${{ secrets.TOKEN }}\n", 9),
        ("      - run: \"echo # ${{ secrets.TOKEN }}\"\n", 9),
        ("      - run: 'echo # ${{ secrets.TOKEN }}'\n", 9),
    ] {
        let t = tree();
        write(t.path(), WF, secret_in(block));
        let (code, v) = check_json(t.path(), &["--only", "secrets-in-environment"]);
        assert_eq!(code, 1, "{block}\n{v:#}");
        assert_blocks_at(&v, "secrets-in-environment", WF, line);
    }
    // A real comment is still a comment, whole-line or after a value.
    for block in [
        "      # ${{ secrets.TOKEN }}\n      - run: echo\n",
        "      - run: |\n          echo\n    # ${{ secrets.TOKEN }}\n",
        "      - run: cargo build # ${{ secrets.TOKEN }} is not needed\n",
        "      - run: | # ${{ secrets.TOKEN }}\n          echo\n",
        "      - run: \"echo\n          done\" # ${{ secrets.TOKEN }}\n",
    ] {
        let t = tree();
        write(t.path(), WF, secret_in(block));
        let (code, v) = check_json(t.path(), &["--only", "secrets-in-environment"]);
        assert_eq!(code, 0, "{block}\n{v:#}");
    }
}

#[test]
fn standard_tags_are_the_untagged_value() {
    let plain = secret_in("      - run: echo ${{ secrets.TOKEN }}\n");
    for (from, to) in [
        ("jobs:\n", "jobs: !!map\n"),
        ("jobs:\n", "jobs: !<tag:yaml.org,2002:map>\n"),
        ("  publish:\n", "  publish: !!map\n"),
        ("    steps:\n", "    steps: !!seq\n"),
        (
            "    runs-on: ubuntu-latest\n",
            "    runs-on: ubuntu-latest\n    timeout-minutes: !!int 5\n",
        ),
        ("on:\n", "on: !!map\n"),
    ] {
        let tagged = plain.replacen(from, to, 1);
        assert_ne!(tagged, plain);
        let t = tree();
        write(t.path(), WF, &tagged);
        let (code, v) = check_json(t.path(), &[]);
        assert_eq!(code, 1, "{tagged}");
        let c = result(&v, "secrets-in-environment");
        assert_eq!(c["verdict"], "block", "{tagged}\n{c:#}");
        let msgs: Vec<String> = c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect();
        assert!(
            msgs.iter().any(|m| m.contains("secret `TOKEN`")),
            "{tagged}\njudged as unparseable, not as the untagged value: {msgs:#?}"
        );
    }
}

#[test]
fn lone_cr_line_ends_count_as_lines() {
    let wf = "on:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo publish\n";
    let doc = "# Title\n\nSome text.\n\n[broken](nope.md)\n";
    for (name, eol) in [("CR", "\r"), ("CRLF", "\r\n"), ("mixed", "\r")] {
        let mut w = wf.replace('\n', eol);
        let mut d = doc.replace('\n', eol);
        if name == "mixed" {
            // Some lines LF, some CR, some CRLF.
            w = w.replacen('\r', "\n", 2).replacen('\r', "\r\n", 2);
            d = d.replacen('\r', "\n", 1).replacen('\r', "\r\n", 1);
        }
        let t = tree();
        write(t.path(), WF, &w);
        write(t.path(), "README.md", &d);
        let (_, v) = check_json(t.path(), &[]);
        assert_blocks_at(&v, "actions-pinned", WF, 9);
        assert_blocks_at(&v, "publish-environment", WF, 6);
        assert_blocks_at(&v, "docs-links", "README.md", 5);
        // The human snippet is the right line, not the whole file.
        let out = check_human(t.path());
        assert!(
            out.contains("  9 |       - uses: actions/checkout@v4\n"),
            "{name}: {out}"
        );
    }
    // A parse error in a CR-only file is at its own line.
    let t = tree();
    write(
        t.path(),
        WF,
        "on: push\rjobs:\r  a:\r    runs-on: [x\r    steps: []\r",
    );
    let (_, v) = check_json(t.path(), &[]);
    let f = &findings_at(&v, "workflow-permissions", WF);
    assert!(f.iter().all(|f| f["line"].as_u64().unwrap() > 1), "{f:#?}");
}

#[test]
fn one_unparseable_workflow_is_reported_once_and_judged_by_none() {
    for (broken, what) in [
        ("on: [\n", "not a valid GitHub Actions workflow"),
        (
            "on: push\njobs:\n  a:\n    runs-on: [x\n",
            "not a valid GitHub Actions workflow",
        ),
        ("on: push\njobs: 3\n", "not a valid GitHub Actions workflow"),
        ("\u{0}\u{1}binary", "binary"),
    ] {
        let t = tree();
        write(t.path(), WF, broken);
        let (code, v) = check_json(t.path(), &[]);
        assert_eq!(code, 1, "{broken:?}");
        let msg = file_error(&v, WF);
        assert!(msg.contains(what), "{broken:?}: {msg}");
        // Every check that needed the file fails there (at its severity): none passes.
        let needing: Vec<&Value> = v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                c["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["path"] == WF)
            })
            .collect();
        assert!(needing.len() >= 10, "{broken:?}: {}", needing.len());
        for c in &needing {
            assert_eq!(c["verdict"], c["severity"], "{c:#}");
        }
        // One annotation, one SARIF result for the file.
        let gh = run(&[
            OsStr::new("check"),
            t.path().as_os_str(),
            OsStr::new("--format"),
            OsStr::new("github"),
        ]);
        let on_wf = gh
            .stdout
            .lines()
            .filter(|l| l.starts_with("::error file=.github/workflows/release.yml,"))
            .count();
        assert_eq!(on_wf, 1, "{}", gh.stdout);
        let sarif = run(&[
            OsStr::new("check"),
            t.path().as_os_str(),
            OsStr::new("--format"),
            OsStr::new("sarif"),
        ]);
        let s: Value = serde_json::from_str(&sarif.stdout).unwrap();
        let results = s["runs"][0]["results"].as_array().unwrap();
        let on_wf = results
            .iter()
            .filter(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == WF)
            .count();
        assert_eq!(on_wf, 1, "{results:#?}");
    }
}

// ------------------------------------------------------------ bounded work

/// `n` broken links on one line, or one a line.
fn broken_links(n: usize, one_line: bool) -> String {
    let sep = if one_line { " " } else { "\n" };
    let mut s = String::from("# Doc\n\n");
    for i in 0..n {
        s.push_str(&format!("[l{i}](missing-{i}.md){sep}"));
    }
    s.push('\n');
    s
}

#[test]
fn findings_are_capped_per_check_and_file_and_the_rest_counted() {
    for one_line in [false, true] {
        let t = tree();
        write(t.path(), "README.md", broken_links(1000, one_line));
        write(t.path(), "docs/other.md", broken_links(3, false));
        let (code, v) = check_json(t.path(), &["--only", "docs-links"]);
        assert_eq!(code, 1);
        let readme = findings_at(&v, "docs-links", "README.md");
        assert_eq!(readme.len(), 201, "200 listed and one that counts the rest");
        let last = readme.last().unwrap();
        let msg = last["message"].as_str().unwrap();
        assert!(
            msg.starts_with("800 more findings of `docs-links` in README.md"),
            "{msg}"
        );
        assert_eq!(last["severity"], "block");
        assert!(last.get("suppressed").is_none());
        // Other files keep theirs.
        assert_eq!(findings_at(&v, "docs-links", "docs/other.md").len(), 3);
        // Every format carries the count.
        let out = check_human(t.path());
        assert!(
            out.contains("800 more findings"),
            "{}",
            &out[..out.len().min(2000)]
        );
    }
}

#[test]
fn an_inline_ignore_on_a_huge_line_suppresses_every_finding_on_it() {
    // One line, thousands of findings, the ignore at its end (the line was
    // scanned once per finding).
    let t = tree();
    let mut line: String = (0..5000)
        .map(|i| format!("[l{i}](missing-{i}.md) "))
        .collect();
    line.push_str("<!-- shipgate: ignore[docs-links] generated index -->");
    write(t.path(), "README.md", format!("# Doc\n\n{line}\n"));
    let (code, v) = check_json(t.path(), &["--only", "docs-links"]);
    assert_eq!(code, 0, "{:#}", result(&v, "docs-links")["verdict"]);
    let c = result(&v, "docs-links");
    assert_eq!(c["verdict"], "pass");
    let fs = c["findings"].as_array().unwrap();
    assert_eq!(fs.len(), 201);
    assert!(
        fs.iter().all(|f| f["suppressed"]["by"] == "inline"),
        "{:#}",
        fs[200]
    );
    assert!(
        fs[200]["suppressed"]["reason"]
            .as_str()
            .unwrap()
            .contains("all 4800 are suppressed")
    );
    // The ignore names another check: nothing is suppressed.
    let t = tree();
    write(
        t.path(),
        "README.md",
        format!(
            "# Doc\n\n{}\n",
            line.replace("ignore[docs-links]", "ignore[actions-pinned]")
        ),
    );
    let (code, _) = check_json(t.path(), &["--only", "docs-links"]);
    assert_eq!(code, 1);
}

#[test]
fn many_waivers_over_many_findings_each_match_once() {
    // 300 waivers, each for its own file, over 300 files of findings.
    let t = tree();
    let mut policy = String::new();
    for i in 0..300 {
        write(t.path(), &format!("docs/d{i}.md"), broken_links(5, false));
        policy.push_str(&format!(
            "[[waiver]]\ncheck = \"docs-links\"\npath = \"docs/d{i}.md\"\nreason = \"r{i}\"\n"
        ));
    }
    // One file is not waived.
    write(t.path(), "docs/open.md", broken_links(2, false));
    // These docs are release docs, so their broken links block.
    policy.push_str("[checks.docs-links]\nrelease_docs = [\"docs/*.md\"]\n");
    write(t.path(), "shipgate.toml", policy);
    let (code, v) = check_json(t.path(), &["--only", "docs-links,policy-waivers"]);
    let c = result(&v, "docs-links");
    // The unwaived file still counts.
    assert_eq!(code, 1);
    assert_eq!(c["verdict"], "block", "{c:#}");
    let fs = c["findings"].as_array().unwrap();
    assert_eq!(fs.len(), 1502);
    let open: Vec<_> = fs.iter().filter(|f| f["suppressed"].is_null()).collect();
    assert_eq!(open.len(), 2);
    assert!(open.iter().all(|f| f["path"] == "docs/open.md"));
    assert!(fs.iter().filter(|f| !f["suppressed"].is_null()).all(|f| {
        let p = f["path"].as_str().unwrap();
        f["suppressed"]["reason"] == format!("r{}", &p["docs/d".len()..p.len() - 3])
    }));
    // No waiver is stale.
    assert_eq!(result(&v, "policy-waivers")["verdict"], "pass");
}

#[cfg(unix)]
#[test]
fn names_differing_only_in_invalid_utf8_never_collapse() {
    use std::os::unix::ffi::OsStrExt;
    let t = tree();
    let wfdir = t.path().join(".github/workflows");
    std::fs::create_dir_all(&wfdir).unwrap();
    let wf = "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: cargo publish\n";
    for name in [&b"r\xff.yml"[..], b"r\xfe.yml", b"r\xc3.yml"] {
        std::fs::write(wfdir.join(OsStr::from_bytes(name)), wf).unwrap();
    }
    for name in [&b"a\xff.md"[..], b"a\xfe.md"] {
        std::fs::write(t.path().join(OsStr::from_bytes(name)), "[x](nope.md)\n").unwrap();
    }
    std::fs::create_dir_all(t.path().join(OsStr::from_bytes(b"d\xff"))).unwrap();
    std::fs::write(
        t.path().join(OsStr::from_bytes(b"d\xff")).join("b.md"),
        "# b\n",
    )
    .unwrap();
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    // Each file is its own path, and none is judged as if it were readable.
    let contained: Vec<String> = result(&v, "tree-contained")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    for p in [
        ".github/workflows/r\\xFF.yml",
        ".github/workflows/r\\xFE.yml",
        ".github/workflows/r\\xC3.yml",
        "a\\xFF.md",
        "a\\xFE.md",
        "d\\xFF/b.md",
    ] {
        assert!(
            contained.iter().any(|c| c == p),
            "{p} not reported: {contained:#?}"
        );
    }
    for wf in [
        ".github/workflows/r\\xFF.yml",
        ".github/workflows/r\\xFE.yml",
        ".github/workflows/r\\xC3.yml",
    ] {
        assert_blocks_at(&v, "workflow-permissions", wf, 1);
    }
    // No check crashed on them.
    let all = v.to_string();
    assert!(!all.contains("internal error"), "{all}");
}

// ------------------------------------------- tree text in diff, init, output

/// Text a person reads (a terminal or a CI log) that carries tree text: no
/// raw control or bidi character, and no line a runner would take for a
/// workflow command (`::` after leading whitespace, `##[` anywhere).
fn assert_log_safe(text: &str, what: &str) {
    for c in text.chars() {
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        let control = c.is_control() && !matches!(c, '\n' | '\t');
        assert!(!control && !bidi, "{what}: raw {c:?} in {text:?}");
    }
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("::") && !line.contains("##["),
            "{what}: a workflow command in {line:?}"
        );
    }
}

/// A release workflow whose checkout keeps its token (so `--diff` has a fix
/// to show), with tree text around the fix: a block-scalar line that is a
/// workflow command, a `##[` marker and a bidi override in comments.
const FIXABLE_RELEASE: &str = "\
name: release
on:
  push:
    tags: ['v*']
permissions: {}
concurrency:
  group: release
  cancel-in-progress: false
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: crates
    steps:
      # \u{202E}lmy.esaeler ##[group]x
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4
      - run: |
          ::error::forged by the tree
          cargo publish
";

#[test]
fn diff_output_shows_tree_text_escaped() {
    let root = tree();
    let name = ".github/workflows/rel\u{1b}[2J\n::warning::all checks passed.yml";
    write(root.path(), name, FIXABLE_RELEASE);
    let r = run(&[
        OsStr::new("check"),
        root.path().as_os_str(),
        OsStr::new("--diff"),
    ]);
    assert_sane(&r, "--diff");
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("persist-credentials: false"),
        "{}",
        r.stdout
    );
    assert_log_safe(&r.stdout, "--diff");
    assert_log_safe(&r.stderr, "--diff stderr");
    // The name is still shown, escaped, in the diff's header.
    assert!(r.stdout.contains("rel\\u{1b}[2J\\u{a}"), "{}", r.stdout);
}

#[test]
fn init_shows_and_writes_tree_text_escaped() {
    let root = tree();
    write(
        root.path(),
        "package.json",
        r#"{"name":"x","version":"1.0.0"}"#,
    );
    // A file name, a job id and an environment that each try to leave the
    // line they are written on: into the policy as live TOML, or into the
    // terminal as escapes.
    write(
        root.path(),
        ".github/workflows/rel\n[[waiver]]\ncheck = \"docs-links\"\n\u{1b}[2J\u{202E}.yml",
        "name: release\non:\n  push:\n    tags: ['v*']\njobs:\n  \
         \"pub\\n::error::job\\e\\u202E\":\n    runs-on: ubuntu-latest\n    \
         environment: \"prod\\n::error::env\\u2066\"\n    steps:\n      - run: npm publish\n",
    );
    let r = run(&[OsStr::new("init"), root.path().as_os_str()]);
    assert_sane(&r, "init");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_log_safe(&r.stdout, "init");
    assert!(r.stdout.contains("pub\\u{a}::error::job"), "{}", r.stdout);
    let policy = std::fs::read_to_string(root.path().join("shipgate.toml")).unwrap();
    assert_log_safe(&policy, "written shipgate.toml");
    for line in policy.lines() {
        let live = line.trim();
        assert!(
            live.is_empty()
                || live.starts_with('#')
                || live.starts_with("extends = ")
                || live.starts_with("publish_environment = ")
                || live == "[vars]",
            "tree text became live policy: {line:?}\n{policy}"
        );
    }
    // What init wrote loads.
    let r = run(&[OsStr::new("check"), root.path().as_os_str()]);
    assert_sane(&r, "check after init");
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn check_output_never_writes_through_a_symlinked_directory_in_the_tree() {
    use std::os::unix::fs::symlink;
    let outside = tree();
    let root = tree();
    write(root.path(), WF, GOOD_RELEASE);
    symlink(outside.path(), root.path().join("reports")).unwrap();
    std::fs::create_dir(root.path().join("real")).unwrap();
    for out in [
        root.path().join("reports/r.json"),
        root.path().join("reports/../real/r.json"),
    ] {
        assert_refused(
            &[
                OsStr::new("check"),
                root.path().as_os_str(),
                OsStr::new("--format"),
                OsStr::new("json"),
                OsStr::new("--output"),
                out.as_os_str(),
            ],
            "symlink",
        );
    }
    assert_refused(
        &[
            OsStr::new("baseline"),
            root.path().as_os_str(),
            OsStr::new("--output"),
            root.path().join("reports/b.json").as_os_str(),
        ],
        "symlink",
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    // A real directory in the tree is written to as before.
    let plain = root.path().join("real/r.json");
    let r = run(&[
        OsStr::new("check"),
        root.path().as_os_str(),
        OsStr::new("--format"),
        OsStr::new("json"),
        OsStr::new("--output"),
        plain.as_os_str(),
    ]);
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    assert!(plain.is_file());
}

/// A local tag (`!custom`) leaves the workflow unread by the text views that
/// locate findings and find secrets, so it fails closed at the tag's line:
/// each check reading the file blocks there. Global tags other than the
/// standard ones (`!!python/object`, `!<tag:example.com,…>`) the parser reads
/// untagged, so they are judged as the untagged value, like `!!map`.
#[test]
fn other_tags_are_judged_or_fail_closed_at_their_line() {
    let plain = secret_in("      - run: echo ${{ secrets.TOKEN }}\n");
    for (from, to, line) in [
        ("jobs:\n", "jobs: !custom\n", 5),
        ("  publish:\n", "  publish: !custom\n", 6),
        ("    steps:\n", "    steps: !seq\n", 8),
        ("      - run: echo", "      - run: !shell echo", 9),
    ] {
        let tagged = plain.replacen(from, to, 1);
        assert_ne!(tagged, plain);
        let t = tree();
        write(t.path(), WF, &tagged);
        let (code, v) = check_json(t.path(), &[]);
        assert_eq!(code, 1, "{tagged}");
        assert_blocks_at(&v, "secrets-in-environment", WF, line);
        assert_blocks_at(&v, "actions-pinned", WF, line);
    }
    let mut judged_as_untagged = vec![
        "      - run: |\n          !echo ${{ secrets.TOKEN }}\n".to_string(),
        "      - name: \"a, !b\"\n        run: echo ${{ secrets.TOKEN }}\n".to_string(),
        "      - run: echo x!y ${{ secrets.TOKEN }}\n".to_string(),
    ];
    for (from, to) in [
        ("jobs:\n", "jobs: !!python/object:os.system\n"),
        ("    steps:\n", "    steps: !<tag:example.com,2000:seq>\n"),
        ("  publish:\n", "  publish: !!omap\n"),
    ] {
        let tagged = plain.replacen(from, to, 1);
        assert_ne!(tagged, plain);
        judged_as_untagged.push(tagged);
    }
    // A `!` that is text, not a tag, and the global tags are judged as the
    // workflow they are.
    for text in judged_as_untagged {
        let text = if text.starts_with("on:") {
            text
        } else {
            secret_in(&text)
        };
        let t = tree();
        write(t.path(), WF, &text);
        let (code, v) = check_json(t.path(), &[]);
        assert_eq!(code, 1, "{text}");
        let c = result(&v, "secrets-in-environment");
        let judged = c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("secret `TOKEN`"));
        assert!(judged, "{text}\n{c:#}");
    }
}

/// Reports a person reads are often printed into a CI log: a file at the
/// root whose name is a workflow command starts a report line there, and a
/// `##[` marker from the tree counts anywhere in a line. Neither may reach
/// the log live in the human, JUnit or Markdown report.
#[test]
fn human_junit_and_markdown_reports_never_start_a_workflow_command() {
    let root = tree();
    write(
        root.path(),
        "::warning title=x::all good.md",
        "# x\n[a](nope.md) ##[group]forged\n[b](nope2.md)\n",
    );
    write(
        root.path(),
        WF,
        "on:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  \"##[group]job\":\n    \
         runs-on: ubuntu-latest\n    environment: x\n    steps:\n      - uses: actions/checkout@v4\n      \
         - run: cargo publish\n",
    );
    for format in ["human", "junit", "markdown"] {
        let r = run(&[
            OsStr::new("check"),
            root.path().as_os_str(),
            OsStr::new("--format"),
            OsStr::new(format),
        ]);
        assert_sane(&r, format);
        assert_eq!(r.code, Some(1), "{format}: {}", r.stderr);
        assert_log_safe(&r.stdout, format);
        assert!(r.stdout.contains("nope2.md"), "{format}: {}", r.stdout);
    }
}

/// A Cargo.toml cargo refuses (empty, or `package` that is not a table) is
/// not a manifest with nothing to check: the manifest checks cannot judge
/// it, so they block at its line instead of skipping.
#[test]
fn a_cargo_manifest_cargo_refuses_blocks_instead_of_skipping() {
    for (content, line) in [("", 1), ("# nothing\n", 1), ("\npackage = 3\n", 2)] {
        let t = tree();
        write(t.path(), "Cargo.toml", content);
        let (code, v) = check_json(t.path(), &[]);
        assert_eq!(code, 1, "{content:?}: {v:#}");
        assert_blocks_at(&v, "package-metadata", "Cargo.toml", line);
    }
    // A virtual workspace is a manifest with no package, judged as before.
    let t = tree();
    write(t.path(), "Cargo.toml", "[workspace]\nmembers = []\n");
    let (_, v) = check_json(t.path(), &[]);
    assert_ne!(result(&v, "package-metadata")["verdict"], "block");
}

/// A UTF-8 name may be spelt exactly as an invalid one is shown
/// (`r\xFF.yml`, with a backslash): both files stay paths of their own, the
/// readable one is judged, and nothing panics.
#[cfg(unix)]
#[test]
fn a_utf8_name_spelt_like_an_escaped_one_never_collapses_with_it() {
    use std::os::unix::ffi::OsStrExt;
    let t = tree();
    let wfdir = t.path().join(".github/workflows");
    std::fs::create_dir_all(&wfdir).unwrap();
    let literal = ".github/workflows/r\\xFF.yml";
    write(
        t.path(),
        literal,
        "on:\n  push:\n    tags: [v1]\npermissions: {}\njobs:\n  p:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo publish\n",
    );
    std::fs::write(wfdir.join(OsStr::from_bytes(b"r\xff.yml")), "on: push\n").unwrap();
    std::fs::write(t.path().join("a\\xFF.md"), "# a\n").unwrap();
    std::fs::write(
        t.path().join(OsStr::from_bytes(b"a\xff.md")),
        "[x](nope.md)\n",
    )
    .unwrap();
    let (code, v) = check_json(t.path(), &[]);
    assert_eq!(code, 1);
    let all = v.to_string();
    assert!(!all.contains("internal error"), "{all}");
    // The readable workflow is judged at its own lines.
    assert!(
        findings_at(&v, "actions-pinned", literal)
            .iter()
            .any(|f| f["line"] == 9),
        "{:#}",
        result(&v, "actions-pinned")
    );
    // The unreadable one is reported under a path of its own.
    let contained: Vec<&str> = result(&v, "tree-contained")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(contained.len(), 2, "{contained:#?}");
    assert!(!contained.contains(&literal), "{contained:#?}");
    // And the unreadable workflow still blocks as a workflow.
    let blocked: Vec<&str> = result(&v, "workflow-permissions")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        blocked.iter().any(|p| *p != literal && p.ends_with(".yml")),
        "{blocked:#?}"
    );
}

/// A line starting with `#` inside a quoted scalar that spans lines is
/// content too (GitHub expands the secret there), while a `#` line after a
/// plain scalar or below a block scalar's content is a comment.
#[test]
fn hash_lines_inside_multi_line_quoted_scalars_are_content() {
    for (step, line) in [
        (
            "      - run: \"echo\n          # ${{ secrets.TOKEN }}\"\n",
            10,
        ),
        (
            "      - run: 'echo\n          # ${{ secrets.TOKEN }}'\n",
            10,
        ),
        (
            "      - run: 'it''s\n\n          # ${{ secrets.TOKEN }}'\n",
            11,
        ),
        (
            "      - {run: \"x\n          # ${{ secrets.TOKEN }}\"}\n",
            10,
        ),
        (
            "      - run: \"a \\\" b\n          # ${{ secrets.TOKEN }}\"\n",
            10,
        ),
    ] {
        let t = tree();
        write(t.path(), WF, secret_in(step));
        let (code, v) = check_json(t.path(), &[]);
        assert_eq!(code, 1, "{step}");
        assert_blocks_at(&v, "secrets-in-environment", WF, line);
    }
    for step in [
        "      - run: echo\n          # ${{ secrets.TOKEN }}\n",
        "      - run: echo \"it's\"\n      # ${{ secrets.TOKEN }}\n",
        "      - run: |\n          x\n        # ${{ secrets.TOKEN }}\n",
    ] {
        let t = tree();
        write(t.path(), WF, secret_in(step));
        let (_, v) = check_json(t.path(), &[]);
        let c = result(&v, "secrets-in-environment");
        assert_eq!(c["verdict"], "pass", "{step}\n{c:#}");
    }
}

/// The policy is part of the tree under review: a custom check's title and
/// `why` reach SARIF's `help.markdown`, which code scanning renders, so they
/// are escaped Markdown there (and stay intact in the plain-text fields).
#[test]
fn sarif_rule_help_markdown_escapes_policy_text() {
    let root = tree();
    write(root.path(), "README.md", "# x\ncertified\n");
    write(
        root.path(),
        "shipgate.toml",
        "extends = [\"default\"]\n[[check]]\nid = \"c1\"\nuses = \"text.forbids\"\n\
         title = \"t <img src=x onerror=alert(1)> **bold**\"\n\
         why = \"w [link](https://evil.example) <a href='https://evil.example'>x</a>\"\n\
         files = [\"README.md\"]\npatterns = [\"certified\"]\n",
    );
    let (code, v) = check_json(root.path(), &[]);
    assert_eq!(code, 1);
    let r = run(&[
        OsStr::new("check"),
        root.path().as_os_str(),
        OsStr::new("--format"),
        OsStr::new("sarif"),
    ]);
    assert_sane(&r, "sarif");
    let sarif: Value = serde_json::from_str(&r.stdout).expect("SARIF is JSON");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules.iter().find(|r| r["id"] == "c1").expect("rule c1");
    let md = rule["help"]["markdown"].as_str().unwrap();
    for live in ["<img", "<a ", "](https", "**bold**"] {
        // Escaped is a backslash before the markup character.
        let unescaped = md
            .match_indices(live)
            .any(|(i, _)| !md[..i].ends_with('\\'));
        assert!(!unescaped, "{live} is live in {md}");
    }
    assert!(
        rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("<img src=x onerror=alert(1)>"),
        "the plain text stays intact: {rule:#}"
    );
    assert!(result(&v, "c1")["title"].as_str().unwrap().contains("<img"));
}

/// JSON and SARIF keep tree text intact (a parser reads back exactly what
/// the tree held) but never carry a raw C1 control, DEL or bidi override,
/// which a terminal showing the file would obey: those are `\u` escapes.
#[test]
fn json_and_sarif_escape_what_a_terminal_would_obey() {
    let root = tree();
    write(
        root.path(),
        WF,
        "on:\n  push:\n    tags: ['v*']\njobs:\n  \"p\\x9b2J\\x7f\\u202Eq\\u2066\":\n    \
         runs-on: ubuntu-latest\n    steps:\n      - run: cargo publish\n",
    );
    for format in ["json", "sarif"] {
        let r = run(&[
            OsStr::new("check"),
            root.path().as_os_str(),
            OsStr::new("--format"),
            OsStr::new(format),
        ]);
        assert_sane(&r, format);
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        for c in r.stdout.chars() {
            let obeyed = ('\u{7f}'..='\u{9f}').contains(&c)
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            assert!(!obeyed, "{format}: raw {c:?}");
        }
        let v: Value = serde_json::from_str(&r.stdout).expect("valid JSON");
        assert!(
            v.to_string().contains("p\u{9b}2J\u{7f}\u{202e}q\u{2066}"),
            "{format}: the job id is not intact"
        );
    }
}
