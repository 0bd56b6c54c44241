//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF
//! viewers. One rule per check that ran (metadata from the check registry, or
//! from the policy for custom checks), one result per finding. Suppressed
//! findings stay, with `suppressions`, so viewers show them as dismissed.

use super::escape::md_text;
use super::{CheckResult, RenderContext, Report, percent_encode_path};
use crate::finding::{Finding, Severity};
use serde::Serialize;
#[cfg(test)]
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base every result's `uri` is relative to: the workspace (the
/// repository checkout), declared in the run's `originalUriBaseIds`.
pub const SRCROOT: &str = "%SRCROOT%";

/// The log as a JSON value, as the unit tests read it.
#[cfg(test)]
fn to_value(report: &Report, ctx: &RenderContext) -> Value {
    serde_json::to_value(log(report, ctx)).unwrap_or(Value::Null)
}

// The log's shape, as borrowed views whose fields are declared in the order
// they are written (sorted by name): the log streams to the writer without
// a tree of JSON values built first.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    automation_details: Id,
    column_kind: &'static str,
    invocations: [Invocation; 1],
    original_uri_base_ids: BaseIds,
    results: Vec<SarifResult<'a>>,
    tool: Tool<'a>,
}

#[derive(Serialize)]
struct Id {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
}

#[derive(Serialize)]
struct BaseIds {
    #[serde(rename = "%SRCROOT%")]
    srcroot: Described,
}

#[derive(Serialize)]
struct Described {
    description: Text<&'static str>,
}

#[derive(Serialize)]
struct Text<T> {
    text: T,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<Rule<'a>>,
    semantic_version: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    default_configuration: Level,
    full_description: Text<String>,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    id: &'a str,
    name: String,
    properties: Tags,
    short_description: Text<&'a str>,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct Help {
    markdown: String,
    text: String,
}

#[derive(Serialize)]
struct Tags {
    tags: [&'static str; 2],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    /// With --base: SARIF's own word for new and existing results.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    level: &'static str,
    locations: [PhysicalLocation; 1],
    message: Text<String>,
    partial_fingerprints: Fingerprints,
    /// The rule is the check; the code says which of its problems this is.
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Code>,
    /// Other places the finding is about.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    rule_id: &'a str,
    rule_index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[SarifSuppression<'a>; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    physical_location: Physical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    message: Text<String>,
    physical_location: Physical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

/// The `partialFingerprints` shipgate fills: one, under its own versioned key.
#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "shipgate/v1")]
    v1: String,
}

#[derive(Serialize)]
struct Code {
    code: String,
}

#[derive(Serialize)]
struct SarifSuppression<'a> {
    justification: &'a str,
    kind: &'static str,
    status: &'static str,
}

fn log<'a>(report: &'a Report, ctx: &RenderContext) -> Log<'a> {
    let rules = report.checks.iter().map(rule).collect();
    let mut results = Vec::new();
    for (index, check) in report.checks.iter().enumerate() {
        let mut seen: HashMap<u64, usize> = HashMap::new();
        // A file error is one result, under the check that reports it in full.
        for f in check.findings.iter().filter(|f| f.reported_under.is_none()) {
            let base = fingerprint(&check.id, f);
            let n = seen.entry(base).or_insert(0);
            *n += 1;
            let mut r = result(check, index, f, ctx, format!("{base:016x}:{n}"));
            if report.base.is_some() {
                r.baseline_state = Some(if f.existing { "unchanged" } else { "new" });
            }
            results.push(r);
        }
    }
    Log {
        schema: SARIF_SCHEMA,
        runs: [Run {
            automation_details: Id {
                id: format!("shipgate/{}/", report.lane),
            },
            column_kind: "unicodeCodePoints",
            invocations: [Invocation {
                execution_successful: true,
            }],
            original_uri_base_ids: BaseIds {
                srcroot: Described {
                    description: Text {
                        text: "The workspace: GITHUB_WORKSPACE in GitHub Actions, else the directory shipgate ran in.",
                    },
                },
            },
            results,
            tool: Tool {
                driver: Driver {
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    name: "shipgate",
                    rules,
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    }
}

pub fn render(report: &Report, ctx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    super::write_json(&mut *out, &log(report, ctx))?;
    writeln!(out)
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Block => "error",
        Severity::Warn => "warning",
    }
}

/// `actions-pinned` → `ActionsPinned`: SARIF's readable rule name.
fn rule_name(id: &str) -> String {
    id.split(['-', '_', '.'])
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// Text as escaped Markdown ([`md_text`]), its paragraphs kept apart.
fn md_paragraphs(s: &str) -> String {
    s.split("\n\n")
        .map(md_text)
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn rule(c: &CheckResult) -> Rule<'_> {
    let info = &c.rule;
    let full = if info.rationale.is_empty() {
        c.title.clone()
    } else {
        info.rationale.clone()
    };
    let mut help_text = full.clone();
    // Code scanning renders `help.markdown`, and a custom check's title and
    // `why` come from the policy in the tree under review: escaped.
    let mut help_md = format!(
        "**{}**\n\n{}",
        md_paragraphs(&c.title),
        md_paragraphs(&full)
    );
    if !info.fix.is_empty() {
        help_text.push_str(&format!("\n\nFix: {}", info.fix));
        help_md.push_str(&format!("\n\n**Fix:** {}", md_paragraphs(&info.fix)));
    }
    if let Some(uri) = &info.help_uri {
        help_md.push_str(&format!("\n\n[Documentation]({uri})"));
    }
    Rule {
        default_configuration: Level {
            level: level(c.severity),
        },
        full_description: Text { text: full },
        help: Help {
            markdown: help_md,
            text: help_text,
        },
        help_uri: info.help_uri.as_deref(),
        id: &c.id,
        name: rule_name(&c.id),
        properties: Tags {
            tags: ["release", "shipgate"],
        },
        short_description: Text { text: &c.title },
    }
}

/// Where a location is, relative to the workspace.
fn physical(loc: &crate::finding::Location, ctx: &RenderContext) -> Physical {
    // SARIF's endColumn is the column after the region; a point location
    // still covers the one character it points at.
    let end_column = if loc.end_line == loc.line {
        loc.end_column.max(loc.column + 1)
    } else {
        loc.end_column.max(1)
    };
    Physical {
        artifact_location: Artifact {
            uri: percent_encode_path(&ctx.workspace_path(&loc.path)),
            uri_base_id: SRCROOT,
        },
        region: Region {
            end_column,
            end_line: loc.end_line.max(loc.line).max(1),
            start_column: loc.column.max(1),
            start_line: loc.line.max(1),
        },
    }
}

fn result<'a>(
    c: &'a CheckResult,
    index: usize,
    f: &'a Finding,
    ctx: &RenderContext,
    fingerprint: String,
) -> SarifResult<'a> {
    let mut text = f.message.clone();
    if !f.help.is_empty() {
        text.push_str(&format!("\nhelp: {}", f.help));
    }
    SarifResult {
        baseline_state: None,
        level: level(f.severity),
        locations: [PhysicalLocation {
            physical_location: physical(&f.location, ctx),
        }],
        message: Text { text },
        partial_fingerprints: Fingerprints { v1: fingerprint },
        properties: (!f.code.is_empty()).then(|| Code {
            code: format!("{}/{}", c.id, f.code),
        }),
        related_locations: f
            .related_places()
            .iter()
            .enumerate()
            .map(|(id, r)| RelatedLocation {
                id,
                message: Text {
                    text: r.message.clone(),
                },
                physical_location: physical(&r.location, ctx),
            })
            .collect(),
        rule_id: &c.id,
        rule_index: index,
        suppressions: f.suppressed.as_ref().map(|s| {
            let kind = if s.by == "inline" {
                "inSource"
            } else {
                "external"
            };
            [SarifSuppression {
                justification: &s.reason,
                kind,
                status: "accepted",
            }]
        }),
    }
}

/// A hash of what a finding is, not where: the rule, the file, the source
/// line's text with whitespace normalised, and the message. Line numbers are
/// left out so the fingerprint survives edits above the finding; duplicates
/// in one file are told apart by their order (the `:n` suffix).
fn fingerprint(rule: &str, f: &Finding) -> u64 {
    let normalize = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let snippet = f.snippet.as_deref().map(normalize).unwrap_or_default();
    fnv1a(&[
        rule.as_bytes(),
        f.location.path.as_bytes(),
        snippet.as_bytes(),
        normalize(&f.message).as_bytes(),
    ])
}

/// FNV-1a (64-bit): stable across platforms, runs and Rust versions, unlike
/// the standard library's hasher.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.iter().chain(&[0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Location;
    use crate::report::RuleInfo;

    #[test]
    fn fingerprint_ignores_line_moves_but_not_content() {
        let mut a = Finding::new(Location::new("w.yml", 11, 9), "tag pin", "pin it");
        a.snippet = Some("      - uses: actions/checkout@v4".into());
        let mut b = a.clone();
        b.location = Location::new("w.yml", 40, 13);
        b.snippet = Some("  - uses:   actions/checkout@v4 ".into());
        assert_eq!(
            fingerprint("actions-pinned", &a),
            fingerprint("actions-pinned", &b)
        );
        let mut c = a.clone();
        c.snippet = Some("- uses: actions/setup-python@v5".into());
        assert_ne!(
            fingerprint("actions-pinned", &a),
            fingerprint("actions-pinned", &c)
        );
        assert_ne!(
            fingerprint("actions-pinned", &a),
            fingerprint("oidc-scope", &a)
        );
    }

    fn custom_check(why: Option<&str>) -> CheckResult {
        let mut f = Finding::new(
            Location::new("mix.exs", 3, 5),
            "`mix hex.publish` runs outside job `publish`",
            "",
        );
        f.severity = Severity::Warn;
        CheckResult {
            id: "hex-publish-only-in-lane".into(),
            title: "Hex is published only from the trusted lane".into(),
            severity: Severity::Warn,
            verdict: crate::finding::Verdict::Warn,
            findings: vec![f],
            skip_reason: None,
            rule: RuleInfo::custom(why),
        }
    }

    #[test]
    fn custom_checks_get_a_rule_from_their_id_title_and_why() {
        let report = Report::new(
            "preflight".into(),
            Some("shipgate.toml".into()),
            vec![custom_check(Some(
                "the dry-run must run with the real credentials",
            ))],
        );
        let v = to_value(&report, &RenderContext::default());
        let rule = &v["runs"][0]["tool"]["driver"]["rules"][0];
        assert_eq!(rule["id"], "hex-publish-only-in-lane");
        assert_eq!(rule["name"], "HexPublishOnlyInLane");
        assert_eq!(
            rule["shortDescription"]["text"],
            "Hex is published only from the trusted lane"
        );
        assert_eq!(
            rule["fullDescription"]["text"],
            "the dry-run must run with the real credentials"
        );
        assert_eq!(rule["defaultConfiguration"]["level"], "warning");
        assert!(
            rule.get("helpUri").is_none(),
            "no documentation page for a custom check"
        );
        let result = &v["runs"][0]["results"][0];
        assert_eq!(result["level"], "warning");
        assert_eq!(result["ruleIndex"], 0);
        assert_eq!(
            result["message"]["text"],
            "`mix hex.publish` runs outside job `publish`"
        );
        assert_eq!(
            v["runs"][0]["automationDetails"]["id"],
            "shipgate/preflight/"
        );
        // Without `why`, the title stands in.
        let bare = Report::new("pre-merge".into(), None, vec![custom_check(None)]);
        let v = to_value(&bare, &RenderContext::default());
        assert_eq!(
            v["runs"][0]["tool"]["driver"]["rules"][0]["fullDescription"]["text"],
            "Hex is published only from the trusted lane"
        );
    }

    #[test]
    fn point_locations_cover_one_character_and_paths_are_encoded() {
        let mut c = custom_check(None);
        c.findings[0].location = Location::new("docs/release notes.md", 7, 4);
        let v = to_value(
            &Report::new("pre-merge".into(), None, vec![c]),
            &RenderContext::default(),
        );
        let loc = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "docs/release%20notes.md");
        assert_eq!(loc["region"]["startColumn"], 4);
        assert_eq!(loc["region"]["endColumn"], 5);
        assert_eq!(loc["region"]["endLine"], 7);
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(rule_name("actions-pinned"), "ActionsPinned");
        assert_eq!(rule_name("x"), "X");
    }
}
