//! The CI-facing report formats (SARIF, GitHub workflow commands, JUnit,
//! Markdown), `--output`, `NO_COLOR`, `shipgate schema` and completions,
//! driven through the binary over fixture trees.

mod common;

use common::{copy_fixture, fixture, repo_path};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs shipgate with a clean GitHub environment plus `env`.
// Kept local: unlike common::shipgate it clears every GitHub variable, adds `env` and returns text.
fn shipgate(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shipgate"));
    cmd.args(args);
    for k in [
        "GITHUB_STEP_SUMMARY",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_SHA",
        "NO_COLOR",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run shipgate");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `shipgate check TREE --format FORMAT` run from TREE with no
/// `GITHUB_WORKSPACE`: the root is the workspace, so annotation and SARIF
/// paths are relative to the root (see `paths_are_relative_to_the_workspace`).
fn check(tree: &Path, format: &str) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shipgate"));
    cmd.args(["check", tree.to_str().unwrap(), "--format", format])
        .current_dir(tree);
    for k in [
        "GITHUB_STEP_SUMMARY",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_SHA",
        "GITHUB_WORKSPACE",
        "NO_COLOR",
    ] {
        cmd.env_remove(k);
    }
    let out = cmd.output().expect("run shipgate");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn paths_are_relative_to_the_workspace() {
    let ws = tempfile::tempdir().unwrap();
    let app = ws.path().join("packages/app");
    copy_into(&fixture("pypi-token-bad"), &app);
    let rel = "packages/app";
    let run_in = |cwd: &Path, format: &str, workspace: Option<&Path>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shipgate"));
        cmd.args(["check", rel, "--format", format])
            .current_dir(cwd);
        cmd.env_remove("GITHUB_STEP_SUMMARY");
        match workspace {
            Some(w) => cmd.env("GITHUB_WORKSPACE", w),
            None => cmd.env_remove("GITHUB_WORKSPACE"),
        };
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    };
    // From the current directory when GITHUB_WORKSPACE is unset.
    let github = run_in(ws.path(), "github", None);
    assert!(
        github.contains("::error file=packages/app/.github/workflows/release.yml,line=11,"),
        "{github}"
    );
    // The plain report in the log stays relative to the root.
    assert!(
        github.contains("  .github/workflows/release.yml:11:15:"),
        "{github}"
    );
    let sarif: Value = serde_json::from_str(&run_in(ws.path(), "sarif", None)).unwrap();
    let run = &sarif["runs"][0];
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].is_object(), "{run}");
    let loc = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uriBaseId"], "%SRCROOT%");
    assert!(
        loc["uri"].as_str().unwrap().starts_with("packages/app/"),
        "{loc}"
    );
    // GITHUB_WORKSPACE wins over the current directory.
    let github = run_in(ws.path(), "github", Some(&ws.path().join("packages")));
    assert!(
        github.contains("::error file=app/.github/workflows/release.yml,line=11,"),
        "{github}"
    );
}

fn copy_into(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_into(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------
// JSON Schema (draft-04, the draft both the official SARIF 2.1.0 schema and
// `shipgate schema` declare), validated by the jsonschema crate with formats
// (`uri`, `date-time`) checked too.
// ---------------------------------------------------------------------------
mod schema {
    use serde_json::Value;

    pub struct Validator(jsonschema::Validator);

    impl Validator {
        pub fn new(root: Value) -> Self {
            assert_eq!(
                root["$schema"], "http://json-schema.org/draft-04/schema#",
                "a draft-04 schema"
            );
            // `uri-reference` is newer than draft-04, so the validator does
            // not know it; SARIF uses it for every artifact's `uri`.
            let compiled = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .should_validate_formats(true)
                .with_format("uri-reference", uri_reference)
                .build(&root)
                .expect("the schema compiles");
            Validator(compiled)
        }

        /// Every way `instance` breaks the schema, each with where.
        pub fn validate(&self, instance: &Value) -> Vec<String> {
            self.0
                .iter_errors(instance)
                .map(|e| format!("{}: {e}", e.instance_path()))
                .collect()
        }
    }

    /// An RFC 3986 URI reference, as far as its characters go: only
    /// unreserved and reserved characters, and `%` with two hex digits.
    fn uri_reference(s: &str) -> bool {
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b'%' {
                let hex = |x: Option<&u8>| x.is_some_and(|x| x.is_ascii_hexdigit());
                if !hex(b.get(i + 1)) || !hex(b.get(i + 2)) {
                    return false;
                }
                i += 3;
                continue;
            }
            if !(c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c)) {
                return false;
            }
            i += 1;
        }
        true
    }
}

fn sarif_validator() -> schema::Validator {
    let text = std::fs::read_to_string(repo_path("tests/schemas/sarif-schema-2.1.0.json"))
        .expect("vendored SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    assert_eq!(
        schema["id"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    schema::Validator::new(schema)
}

fn sarif_of(tree: &Path) -> Value {
    let run = check(tree, "sarif");
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("SARIF is JSON")
}

fn results(sarif: &Value) -> &Vec<Value> {
    sarif["runs"][0]["results"].as_array().expect("results")
}

fn region(r: &Value) -> &Value {
    &r["locations"][0]["physicalLocation"]["region"]
}

fn uri(r: &Value) -> &str {
    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
}

#[test]
fn sarif_from_token_pypi_workflow_is_valid_and_blocks_the_tag_pinned_checkout() {
    let sarif = sarif_of(&fixture("pypi-token-bad"));
    let errors = sarif_validator().validate(&sarif);
    assert!(
        errors.is_empty(),
        "SARIF is invalid:\n{}",
        errors.join("\n")
    );
    assert_eq!(sarif["version"], "2.1.0");

    let checkout = results(&sarif)
        .iter()
        .find(|r| r["ruleId"] == "actions-pinned" && region(r)["startLine"] == 11)
        .expect("an actions-pinned result at line 11");
    assert_eq!(checkout["level"], "error");
    // The rule is the check; the code names which of its problems this is.
    assert_eq!(checkout["properties"]["code"], "actions-pinned/movable-ref");
    assert_eq!(uri(checkout), ".github/workflows/release.yml");
    assert_eq!(
        checkout["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
        "%SRCROOT%"
    );
    let reg = region(checkout);
    assert_eq!(reg["startColumn"], 15);
    assert_eq!(reg["endLine"], 11);
    assert!(reg["endColumn"].as_u64().unwrap() > 15);
    assert!(
        checkout["message"]["text"]
            .as_str()
            .unwrap()
            .contains("actions/checkout@v4")
    );
    // The token publish is an error of its own.
    assert!(
        results(&sarif)
            .iter()
            .any(|r| r["ruleId"] == "trusted-publishing" && r["level"] == "error")
    );
}

#[test]
fn sarif_rules_carry_registry_metadata_and_results_index_them() {
    let sarif = sarif_of(&fixture("pypi-token-bad"));
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "shipgate");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    let pinned = rules.iter().find(|r| r["id"] == "actions-pinned").unwrap();
    assert_eq!(pinned["name"], "ActionsPinned");
    assert_eq!(
        pinned["shortDescription"]["text"],
        "Release workflows pin actions to full commit SHAs"
    );
    assert!(
        pinned["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("tag")
    );
    assert!(pinned["help"]["text"].as_str().unwrap().contains("Fix:"));
    assert!(
        pinned["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("**Fix:**")
    );
    assert_eq!(pinned["defaultConfiguration"]["level"], "error");
    assert!(
        pinned["helpUri"]
            .as_str()
            .unwrap()
            .contains("actions-pinned")
    );
    for r in results(&sarif) {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex points at its rule");
        assert!(r["partialFingerprints"]["shipgate/v1"].is_string());
    }
}

#[test]
fn sarif_fingerprints_are_stable_across_runs_and_line_moves() {
    let first = sarif_of(&fixture("pypi-token-bad"));
    let again = sarif_of(&fixture("pypi-token-bad"));
    assert_eq!(first, again, "two runs on one tree give identical SARIF");

    let moved = copy_fixture("pypi-token-bad");
    let wf = moved.path().join(".github/workflows/release.yml");
    let text = std::fs::read_to_string(&wf).unwrap();
    std::fs::write(&wf, format!("# a comment\n# and another\n{text}")).unwrap();
    let shifted = sarif_of(moved.path());

    let fp = |s: &Value, line: u64| -> String {
        results(s)
            .iter()
            .find(|r| r["ruleId"] == "actions-pinned" && region(r)["startLine"] == line)
            .unwrap_or_else(|| panic!("actions-pinned at {line}"))["partialFingerprints"]
            ["shipgate/v1"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        fp(&first, 11),
        fp(&shifted, 13),
        "same finding, two lines lower"
    );
    assert_ne!(fp(&first, 11), fp(&first, 12), "different findings differ");
    let all: Vec<&Value> = results(&first)
        .iter()
        .map(|r| &r["partialFingerprints"]["shipgate/v1"])
        .collect();
    for (i, f) in all.iter().enumerate() {
        assert!(
            !all[..i].contains(f),
            "fingerprints are unique within a run"
        );
    }
}

#[test]
fn sarif_keeps_suppressed_findings_with_their_suppressions() {
    let sarif = sarif_of(&fixture("reports-suppressed"));
    let errors = sarif_validator().validate(&sarif);
    assert!(
        errors.is_empty(),
        "SARIF is invalid:\n{}",
        errors.join("\n")
    );
    let inline = results(&sarif)
        .iter()
        .find(|r| r["ruleId"] == "actions-pinned")
        .expect("the inline-ignored finding stays");
    assert_eq!(region(inline)["startLine"], 13);
    assert_eq!(inline["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        inline["suppressions"][0]["justification"],
        "the org ruleset pins first-party actions"
    );
    let waived = results(&sarif)
        .iter()
        .find(|r| r["ruleId"] == "trusted-publishing")
        .expect("the waived finding stays");
    assert_eq!(waived["suppressions"][0]["kind"], "external");
    assert!(
        waived["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("tracking issue 42")
    );
    // Nothing unsuppressed is left, and the gate passes.
    assert!(results(&sarif).iter().all(|r| r["suppressions"].is_array()));
    assert_eq!(check(&fixture("reports-suppressed"), "sarif").code, 0);
}

/// The validator must be able to fail: broken SARIF is rejected.
#[test]
fn the_sarif_validator_rejects_broken_logs() {
    let v = sarif_validator();
    let good = sarif_of(&fixture("pypi-token-bad"));
    assert!(v.validate(&good).is_empty());
    type Breakage = Box<dyn Fn(&mut Value)>;
    let breakages: Vec<(&str, Breakage)> = vec![
        (
            "level",
            Box::new(|s| s["runs"][0]["results"][0]["level"] = "fatal".into()),
        ),
        (
            "message",
            Box::new(|s| {
                s["runs"][0]["results"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("message");
            }),
        ),
        (
            "unknown property",
            Box::new(|s| s["runs"][0]["results"][0]["bogus"] = 1.into()),
        ),
        (
            "startLine 0",
            Box::new(|s| {
                s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                    0.into()
            }),
        ),
        (
            "uri with a space",
            Box::new(|s| {
                s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                    ["uri"] = "a b.yml".into()
            }),
        ),
        ("version", Box::new(|s| s["version"] = "2.0.0".into())),
        (
            "suppression kind",
            Box::new(|s| {
                s["runs"][0]["results"][0]["suppressions"] = serde_json::json!([{"kind": "waiver"}])
            }),
        ),
    ];
    for (what, breakage) in breakages {
        let mut bad = good.clone();
        breakage(&mut bad);
        assert!(
            !v.validate(&bad).is_empty(),
            "validator accepted a broken {what}"
        );
    }
}

// ---------------------------------------------------------------------------
// GitHub workflow commands and the step summary
// ---------------------------------------------------------------------------

#[test]
fn github_format_annotates_each_finding_at_its_line() {
    let run = check(&fixture("pypi-token-bad"), "github");
    assert_eq!(run.code, 1);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error file=.github/workflows/release.yml,line=11,"))
        .unwrap_or_else(|| panic!("no ::error at line 11:\n{}", run.stdout));
    assert!(line.contains(",col=15,endLine=11,endColumn="), "{line}");
    assert!(
        line.contains(",title=shipgate actions-pinned%3A "),
        "{line}"
    );
    assert!(line.contains("::actions/checkout@v4 "), "{line}");
    assert!(line.contains("%0Ahelp: pin to the commit SHA"), "{line}");
    // The log gets the plain report, folded.
    assert!(run.stdout.contains("::group::shipgate report\n"));
    assert!(run.stdout.trim_end().ends_with("::endgroup::"));
    assert!(!run.stdout.contains('\x1b'));
}

#[test]
fn github_format_warns_for_warn_and_skips_suppressed() {
    let dir = copy_fixture("pypi-token-bad");
    std::fs::write(
        dir.path().join("shipgate.toml"),
        "[checks.workflow-permissions]\nseverity = \"warn\"\n",
    )
    .unwrap();
    let run = check(dir.path(), "github");
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::warning file=.github/workflows/release.yml,line=6,")),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout
            .contains("::error file=.github/workflows/release.yml,line=6,")
    );

    let run = check(&fixture("reports-suppressed"), "github");
    assert_eq!(run.code, 0);
    assert!(
        !run.stdout.contains("::error") && !run.stdout.contains("::warning"),
        "suppressed findings are not annotated:\n{}",
        run.stdout
    );
}

#[test]
fn github_commands_escape_properties_and_data() {
    let dir = copy_fixture("pypi-token-bad");
    let wfdir = dir.path().join(".github/workflows");
    let text = std::fs::read_to_string(wfdir.join("release.yml")).unwrap();
    std::fs::remove_file(wfdir.join("release.yml")).unwrap();
    // A file name with `,` and `:`, and a ref carrying `%0A::` that must not
    // turn into a new line or a second command.
    let text = text.replace(
        "actions/checkout@v4",
        "\"actions/checkout@v4%0A::warning file=x::pwned\"",
    );
    std::fs::write(wfdir.join("re,lease:1.yml"), text).unwrap();
    let run = check(dir.path(), "github");
    let commands: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert!(
        !commands.iter().any(|l| l.starts_with("::warning file=x")),
        "{}",
        run.stdout
    );
    let line = commands
        .iter()
        .find(|l| l.contains("checkout"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        line.starts_with("::error file=.github/workflows/re%2Clease%3A1.yml,line=11,"),
        "{line}"
    );
    assert!(line.contains("v4%250A::warning file=x::pwned"), "{line}");
    // The same odd file name is a valid SARIF uri.
    let sarif = sarif_of(dir.path());
    let errors = sarif_validator().validate(&sarif);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(
        results(&sarif)
            .iter()
            .any(|r| uri(r) == ".github/workflows/re,lease%3A1.yml")
    );
    // Every annotation is one physical line: the message's own newline is %0A.
    for l in &commands {
        assert!(!l.contains('\r'));
    }
}

#[test]
fn github_format_appends_a_markdown_table_to_the_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let tree = fixture("pypi-token-bad");
    let run = shipgate(
        &["check", tree.to_str().unwrap(), "--format", "github"],
        &[
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "octo/pkg"),
            ("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("earlier step\n"), "appended, not replaced");
    assert!(md.contains("## shipgate: BLOCK"));
    assert!(md.contains("| Check | Verdict | Findings |\n|---|---|---|\n"));
    assert!(md.contains("| `actions-pinned` "), "{md}");
    assert!(md.contains(
        "(https://github.com/octo/pkg/blob/0123456789abcdef0123456789abcdef01234567/.github/workflows/release.yml#L11)"
    ));
    // Other formats never touch it.
    let before = std::fs::read_to_string(&summary).unwrap();
    shipgate(
        &["check", tree.to_str().unwrap(), "--format", "json"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), before);
}

// ---------------------------------------------------------------------------
// JUnit
// ---------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Case {
    children: Vec<String>,
    failure_text: String,
    system_out: String,
}

/// Parses JUnit XML back: testsuite count and each testcase by name.
fn parse_junit(xml: &str) -> (usize, BTreeMap<String, Case>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut suites = 0;
    let mut cases: BTreeMap<String, Case> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut inside: Option<String> = None;
    loop {
        let ev = reader.read_event().expect("well-formed XML");
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.name().as_ref().to_string();
                let empty = matches!(ev, Event::Empty(_));
                match name.as_str() {
                    "testsuite" => suites += 1,
                    "testcase" => {
                        let n = e
                            .try_get_attribute("name")
                            .unwrap()
                            .expect("testcase name")
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap()
                            .into_owned();
                        cases.insert(n.clone(), Case::default());
                        if !empty {
                            current = Some(n);
                        }
                    }
                    child => {
                        if let Some(c) = current.as_ref().and_then(|n| cases.get_mut(n)) {
                            c.children.push(child.to_string());
                            if !empty {
                                inside = Some(child.to_string());
                            }
                        }
                    }
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content().into_owned();
                push_text(&mut cases, &current, &inside, &s);
            }
            Event::GeneralRef(r) => {
                let s = match r.resolve_char_ref().unwrap() {
                    Some(ch) => ch.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .expect("known entity")
                        .to_string(),
                };
                push_text(&mut cases, &current, &inside, &s);
            }
            Event::End(e) => match e.name().as_ref() {
                "testcase" => current = None,
                _ => inside = None,
            },
            Event::Eof => break,
            _ => {}
        }
    }
    (suites, cases)
}

fn push_text(
    cases: &mut BTreeMap<String, Case>,
    current: &Option<String>,
    inside: &Option<String>,
    s: &str,
) {
    if let (Some(c), Some(el)) = (current.as_ref().and_then(|n| cases.get_mut(n)), inside) {
        match el.as_str() {
            "failure" => c.failure_text.push_str(s),
            "system-out" => c.system_out.push_str(s),
            _ => {}
        }
    }
}

fn json_verdicts(tree: &Path) -> BTreeMap<String, String> {
    let run = check(tree, "json");
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn junit_parses_back_with_one_failure_per_blocking_check() {
    let dir = copy_fixture("pypi-token-bad");
    std::fs::write(
        dir.path().join("shipgate.toml"),
        "[checks.workflow-permissions]\nseverity = \"warn\"\n",
    )
    .unwrap();
    let run = check(dir.path(), "junit");
    assert_eq!(run.code, 1);
    let (suites, cases) = parse_junit(&run.stdout);
    assert_eq!(suites, 1, "one testsuite");
    let verdicts = json_verdicts(dir.path());
    assert_eq!(
        cases.keys().collect::<Vec<_>>(),
        verdicts.keys().collect::<Vec<_>>(),
        "a testcase per check"
    );
    for (id, verdict) in &verdicts {
        let case = &cases[id];
        let failed = case.children.iter().any(|c| c == "failure");
        assert_eq!(failed, verdict == "block", "{id} ({verdict}): {case:?}");
    }
    assert!(verdicts.values().filter(|v| *v == "block").count() >= 3);
    let pinned = &cases["actions-pinned"];
    assert!(
        pinned
            .failure_text
            .contains(".github/workflows/release.yml:11:15: block: actions/checkout@v4"),
        "{pinned:?}"
    );
    // Escaped in the XML, intact once parsed.
    assert!(pinned.failure_text.contains("actions/checkout@<sha> # v4"));
    // WARN is visible without failing.
    let perms = &cases["workflow-permissions"];
    assert_eq!(verdicts["workflow-permissions"], "warn");
    assert!(perms.children.iter().all(|c| c != "failure"));
    assert!(
        perms.system_out.contains("release.yml:6:3: warn:"),
        "{perms:?}"
    );
    let blocking = verdicts.values().filter(|v| *v == "block").count();
    assert!(
        run.stdout.contains(&format!("failures=\"{blocking}\"")),
        "{}",
        run.stdout
    );
}

#[test]
fn junit_marks_skipped_checks() {
    // A README alone: something to gate, and most checks have nothing to look at.
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("README.md"), "# x\n").unwrap();
    let run = check(empty.path(), "junit");
    assert_eq!(run.code, 0);
    let (suites, cases) = parse_junit(&run.stdout);
    assert_eq!(suites, 1);
    assert!(!cases.is_empty());
    let json = json_verdicts(empty.path());
    let mut skipped = 0;
    for (id, case) in &cases {
        if json[id] == "skip" {
            assert_eq!(case.children, vec!["skipped".to_string()], "{id}");
            skipped += 1;
        } else {
            assert!(!case.children.contains(&"skipped".to_string()), "{id}");
        }
    }
    assert!(skipped > cases.len() / 2, "{cases:?}");
}

// ---------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------

#[test]
fn markdown_has_a_table_naming_every_check_and_linked_findings() {
    let tree = fixture("pypi-token-bad");
    let run = check(&tree, "markdown");
    assert_eq!(run.code, 1);
    let md = &run.stdout;
    assert!(
        md.contains("| Check | Verdict | Findings |\n|---|---|---|\n"),
        "{md}"
    );
    let verdicts = json_verdicts(&tree);
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| `")).collect();
    assert_eq!(rows.len(), verdicts.len(), "one row per check:\n{md}");
    for (id, verdict) in &verdicts {
        let row = rows
            .iter()
            .find(|r| r.starts_with(&format!("| `{id}` ")))
            .unwrap_or_else(|| panic!("no row for {id}"));
        assert!(row.contains(verdict.as_str()), "{row}");
    }
    let pinned = rows
        .iter()
        .find(|r| r.starts_with("| `actions-pinned` "))
        .unwrap();
    assert!(pinned.ends_with("| ❌ block | 2 |"), "{pinned}");
    assert!(md.contains(
        "[`.github/workflows/release.yml:11`](.github/workflows/release.yml#L11): actions/checkout@v4"
    ));
    // Placeholders from fix hints cannot become HTML in a PR comment.
    assert!(md.contains("actions/checkout@\\<sha\\>"), "{md}");
    assert!(!md.contains("<sha>"));
}

#[test]
fn markdown_shows_suppressed_findings_with_reasons() {
    let run = check(&fixture("reports-suppressed"), "markdown");
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("## shipgate: PASS"));
    assert!(run.stdout.contains("2 suppressed"), "{}", run.stdout);
    assert!(run.stdout.contains("| `actions-pinned` "));
    assert!(
        run.stdout.contains("| 0 (1 suppressed) |"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  - reason: the org ruleset pins first\\-party actions")
            || run
                .stdout
                .contains("  - reason: the org ruleset pins first-party actions")
    );
}

// ---------------------------------------------------------------------------
// --output, NO_COLOR
// ---------------------------------------------------------------------------

#[test]
fn output_writes_the_report_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let tree = fixture("pypi-token-bad");
    let run = shipgate(
        &[
            "check",
            tree.to_str().unwrap(),
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 1, "the verdict still sets the exit code");
    assert!(run.stdout.is_empty(), "nothing on stdout: {}", run.stdout);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["schema"], "shipgate/report-v1");
    assert_eq!(v["verdict"], "block");

    // Every format can go to a file.
    for format in ["sarif", "junit", "markdown", "github", "human"] {
        let path = dir.path().join(format!("report.{format}"));
        let run = shipgate(
            &[
                "check",
                tree.to_str().unwrap(),
                "--format",
                format,
                "--output",
                path.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(run.code, 1);
        assert!(run.stdout.is_empty());
        assert!(std::fs::metadata(&path).unwrap().len() > 0, "{format}");
    }
    // An unwritable destination is an error, named.
    let run = shipgate(
        &[
            "check",
            tree.to_str().unwrap(),
            "--output",
            dir.path().join("no/such/dir/r.json").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot write"), "{}", run.stderr);
}

/// Runs `shipgate check` on a pseudo-terminal (util-linux `script`), so
/// colour is actually in play; skipped where `script` is missing.
fn on_a_terminal(no_color: Option<&str>) -> Option<String> {
    let bin = env!("CARGO_BIN_EXE_shipgate");
    let tree = fixture("pypi-token-bad");
    let mut cmd = Command::new("script");
    cmd.args([
        "-qec",
        &format!("{bin} check {}", tree.display()),
        "/dev/null",
    ]);
    cmd.env_remove("NO_COLOR");
    if let Some(v) = no_color {
        cmd.env("NO_COLOR", v);
    }
    let out = cmd.output().ok()?;
    let s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.contains("actions-pinned").then_some(s)
}

#[test]
fn no_color_output_has_no_escape_codes() {
    let run = shipgate(
        &["check", fixture("pypi-token-bad").to_str().unwrap()],
        &[("NO_COLOR", "1")],
    );
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("BLOCK actions-pinned"));
    assert!(!run.stdout.contains('\x1b'));

    match (on_a_terminal(None), on_a_terminal(Some("1"))) {
        (Some(coloured), Some(plain)) => {
            assert!(coloured.contains("\x1b["), "a terminal gets colour");
            assert!(
                !plain.contains('\x1b'),
                "NO_COLOR=1 on a terminal: {plain:?}"
            );
        }
        _ => eprintln!("`script` is unavailable; terminal colour not exercised"),
    }
}

// ---------------------------------------------------------------------------
// schema, completions
// ---------------------------------------------------------------------------

#[test]
fn schema_command_prints_the_policy_schema() {
    let run = shipgate(&["schema"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(s["$schema"], "http://json-schema.org/draft-04/schema#");
    assert_eq!(s["additionalProperties"], false);
    let checks = &s["properties"]["checks"]["properties"];
    assert_eq!(
        checks["actions-pinned"]["properties"]["severity"]["enum"],
        serde_json::json!(["block", "warn"])
    );
    assert_eq!(checks["actions-pinned"]["additionalProperties"], false);
    assert!(
        s["properties"]["extends"]["items"]["enum"]
            .as_array()
            .unwrap()
            .contains(&"default".into())
    );
    // Every built-in check `shipgate list` shows is tunable in the schema.
    let list = shipgate(&["list"], &[]).stdout;
    for line in list.lines().skip(1).take_while(|l| !l.trim().is_empty()) {
        let id = line.split_whitespace().next().unwrap();
        if id == "policy-waivers" || id == "baseline" {
            continue; // the waiver and baseline audits are not tunable under [checks]
        }
        assert!(checks[id].is_object(), "schema lacks [checks.{id}]");
    }
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let run = shipgate(&["completions", shell], &[]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("shipgate"), "{shell}");
        assert!(
            run.stdout.contains("fail-on"),
            "{shell} completes check's flags"
        );
    }
    let run = shipgate(&["completions", "tcsh"], &[]);
    assert_eq!(run.code, 2);
}

/// The generated schema accepts a real policy and rejects what the loader
/// rejects, checked with the same draft-04 validator as SARIF.
#[test]
fn schema_validates_policies_like_the_loader() {
    let schema: Value = serde_json::from_str(&shipgate(&["schema"], &[]).stdout).unwrap();
    let v = schema::Validator::new(schema);
    let as_json = |toml_text: &str| -> Value {
        let t: toml::Table = toml::from_str(toml_text).unwrap();
        serde_json::to_value(t).unwrap()
    };
    let good = r#"
extends = ["default"]
lanes = ["nightly"]

[vars]
publish_environment = "pypi"

[checks.actions-pinned]
severity = "warn"
files = [".github/workflows/release.yml"]
lanes = ["preflight"]

[facts]
"pkg.version" = { file = "pyproject.toml", toml = "project.version" }

[[waiver]]
check = "trusted-publishing"
path = ".github/workflows/release.yml"
reason = "moving to OIDC"
expires = "2099-01-01"
"#;
    let errors = v.validate(&as_json(good));
    assert!(errors.is_empty(), "{errors:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("shipgate.toml"), good).unwrap();
    std::fs::write(dir.path().join("README.md"), "# x\n").unwrap();
    assert_eq!(check(dir.path(), "json").code, 0, "the loader agrees");

    for bad in [
        "[checks.actions-pinned]\nsevrity = \"warn\"\n",
        "[checks.actions-pinned]\nseverity = \"fatal\"\n",
        "[checks.no-such-check]\nseverity = \"warn\"\n",
        "extends = [\"nope\"]\n",
        "lanes = [\"preflight\"]\n",
        "[facts]\nv = { file = \"a\", toml = \"x\", json = \"y\" }\n",
        "[[waiver]]\ncheck = \"actions-pinned\"\n",
        "bogus = 1\n",
    ] {
        assert!(
            !v.validate(&as_json(bad)).is_empty(),
            "schema accepts:\n{bad}"
        );
        std::fs::write(dir.path().join("shipgate.toml"), bad).unwrap();
        assert_eq!(check(dir.path(), "json").code, 2, "loader accepts:\n{bad}");
    }
}

// ---------------------------------------------------------------------------
// action.yml and .pre-commit-hooks.yaml
// ---------------------------------------------------------------------------

fn repo_yaml(name: &str) -> Value {
    let text = std::fs::read_to_string(repo_path(name)).unwrap();
    yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn action_installs_the_release_binary_and_passes_inputs_safely() {
    let action = repo_yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    for input in [
        "version",
        "path",
        "policy",
        "lane",
        "format",
        "fail-on",
        "sarif-file",
    ] {
        assert!(action["inputs"][input].is_object(), "input {input}");
    }
    assert_eq!(action["inputs"]["format"]["default"], "github");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    // The install script downloads and verifies; the cargo build runs only
    // when it says there is no release binary (tests/install_action.rs).
    assert!(
        runs.iter()
            .any(|r| r.trim() == "bash \"$GITHUB_ACTION_PATH/scripts/install-action.sh\"")
    );
    let fallback = steps
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.ends_with("install-action.sh\" cargo"))
        })
        .expect("a cargo fallback step");
    assert_eq!(fallback["if"], "steps.install.outputs.method == 'cargo'");
    for step in steps {
        // Every action it uses is pinned to a full commit SHA.
        if let Some(uses) = step["uses"].as_str() {
            let sha = uses.rsplit_once('@').map(|(_, r)| r).unwrap_or("");
            assert!(
                sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
                "unpinned: {uses}"
            );
        }
        if let Some(run) = step["run"].as_str() {
            assert!(
                !run.contains("${{"),
                "expression expanded inside run: {run}"
            );
        }
    }
    let script = runs
        .iter()
        .find(|r| r.contains("shipgate \"${args[@]}\""))
        .unwrap();
    assert!(script.contains("--format sarif --output \"$SHIPGATE_SARIF_FILE\""));
    assert!(script.contains("--fail-on \"$SHIPGATE_FAIL_ON\""));
}

#[test]
fn pre_commit_hook_runs_the_gate_on_the_repository() {
    let hooks = repo_yaml(".pre-commit-hooks.yaml");
    let hook = hooks
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "shipgate")
        .expect("a shipgate hook");
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["entry"], "shipgate check");
    assert_eq!(hook["pass_filenames"], false);
}

/// A finding about two places points at the other one too: the policy line
/// that sets the expected environment, the sources a version disagrees with.
/// JSON gives them as `related`, SARIF as `relatedLocations` (valid against
/// the official schema), the human report as `= see:` lines.
#[test]
fn findings_point_at_the_other_places_they_are_about() {
    let tree = fixture("publish-environment-mismatch");
    let run = check(&tree, "json");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let wrong = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap())
        .find(|f| f["code"] == "wrong-environment")
        .expect("the mismatch blocks");
    assert_eq!(wrong["path"], ".github/workflows/release.yml");
    assert_eq!(wrong["line"], 9);
    let related = wrong["related"].as_array().expect("related");
    assert_eq!(related.len(), 1);
    assert_eq!(related[0]["path"], "shipgate.toml");
    assert_eq!(related[0]["line"], 2);
    assert!(
        related[0]["message"]
            .as_str()
            .unwrap()
            .contains("publish_environment = \"hex-publish\""),
        "{related:?}"
    );

    let sarif = sarif_of(&tree);
    assert!(sarif_validator().validate(&sarif).is_empty());
    let result = results(&sarif)
        .iter()
        .find(|r| r["properties"]["code"] == "publish-environment/wrong-environment")
        .expect("a SARIF result");
    let rel = &result["relatedLocations"][0]["physicalLocation"];
    assert_eq!(rel["artifactLocation"]["uri"], "shipgate.toml");
    assert_eq!(rel["region"]["startLine"], 2);

    let human = check(&tree, "human").stdout;
    assert!(
        human.contains("    = see: shipgate.toml:2:1: the policy sets publish_environment"),
        "{human}"
    );

    // A version source that disagrees names the sources it disagrees with;
    // one that agrees with the majority has nothing related.
    let run = check(&fixture("versions-agree/bad"), "json");
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let f = &common::result(&v, "versions-agree")["findings"];
    assert_eq!(f.as_array().unwrap().len(), 1, "{f}");
    let seen: Vec<(String, u64)> = f[0]["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [("mix.exs".to_string(), 4), ("CHANGELOG.md".to_string(), 3)]
    );
}
