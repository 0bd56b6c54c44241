//! `--format json`: the versioned `shipgate/report-v1` schema.

use super::{Report, SCHEMA};
use serde::Serialize;
use std::io::Write;

/// The report as it is written: borrowed views whose fields are declared in
/// the order they appear (sorted by name, as the schema's examples show), so
/// the report is streamed to the writer without building a tree of values
/// first (100,000 findings took 1.5 KB each that way).
#[derive(Serialize)]
struct ReportView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    base: Option<BaseView<'a>>,
    /// Present only when a baseline was applied, so reports without one
    /// are unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineView<'a>>,
    checks: Vec<CheckView<'a>>,
    lane: &'a str,
    policy: &'a Option<String>,
    schema: &'static str,
    summary: SummaryView,
    tool: ToolView,
    verdict: &'static str,
}

/// With --base: what the change brought.
#[derive(Serialize)]
struct BaseView<'a> {
    existing: usize,
    new: usize,
    #[serde(rename = "ref")]
    reference: &'a str,
}

#[derive(Serialize)]
struct BaselineView<'a> {
    known: usize,
    new: usize,
    path: &'a str,
}

#[derive(Serialize)]
struct SummaryView {
    block: usize,
    pass: usize,
    skip: usize,
    suppressed: usize,
    warn: usize,
}

#[derive(Serialize)]
struct ToolView {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct CheckView<'a> {
    findings: Vec<FindingView<'a>>,
    id: &'a str,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    skip_reason: Option<&'a str>,
    title: &'a str,
    verdict: &'static str,
}

#[derive(Serialize)]
struct FindingView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    baselined: Option<bool>,
    code: &'static str,
    column: usize,
    end_column: usize,
    end_line: usize,
    /// What `check --fix` would do about this finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'a str>,
    help: &'a str,
    line: usize,
    message: &'a str,
    /// With --base: whether the change brought it.
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<bool>,
    path: &'a str,
    /// Other places the finding is about.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<RelatedView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reported_under: Option<&'a str>,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<SuppressedView<'a>>,
}

#[derive(Serialize)]
struct RelatedView<'a> {
    column: usize,
    line: usize,
    message: &'a str,
    path: &'a str,
}

#[derive(Serialize)]
struct SuppressedView<'a> {
    by: &'static str,
    reason: &'a str,
}

fn view(report: &Report) -> ReportView<'_> {
    let checks = report
        .checks
        .iter()
        .map(|c| CheckView {
            findings: c
                .findings
                .iter()
                .map(|f| FindingView {
                    baselined: f
                        .suppressed
                        .as_ref()
                        .filter(|s| s.by == "baseline")
                        .map(|_| true),
                    code: f.code,
                    column: f.location.column,
                    end_column: f.location.end_column,
                    end_line: f.location.end_line,
                    fix: f.fix.as_deref().map(|fix| fix.title.as_str()),
                    help: &f.help,
                    line: f.location.line,
                    message: &f.message,
                    new: report.base.is_some().then_some(!f.existing),
                    path: &f.location.path,
                    related: f
                        .related_places()
                        .iter()
                        .map(|r| RelatedView {
                            column: r.location.column,
                            line: r.location.line,
                            message: &r.message,
                            path: &r.location.path,
                        })
                        .collect(),
                    reported_under: f.reported_under.as_deref(),
                    severity: f.severity.as_str(),
                    suppressed: f.suppressed.as_ref().map(|s| SuppressedView {
                        by: s.by,
                        reason: &s.reason,
                    }),
                })
                .collect(),
            id: &c.id,
            severity: c.severity.as_str(),
            skip_reason: c.skip_reason.as_deref(),
            title: &c.title,
            verdict: c.verdict.as_str(),
        })
        .collect();
    ReportView {
        base: report.base.as_deref().map(|reference| BaseView {
            existing: report.summary.existing,
            new: report.summary.counted - report.summary.existing.min(report.summary.counted),
            reference,
        }),
        baseline: report.baseline.as_deref().map(|path| BaselineView {
            known: report.summary.baselined,
            new: report.summary.counted,
            path,
        }),
        checks,
        lane: &report.lane,
        policy: &report.policy,
        schema: SCHEMA,
        summary: SummaryView {
            block: report.summary.block,
            pass: report.summary.pass,
            skip: report.summary.skip,
            suppressed: report.summary.suppressed,
            warn: report.summary.warn,
        },
        tool: ToolView {
            name: "shipgate",
            version: env!("CARGO_PKG_VERSION"),
        },
        verdict: report.verdict.as_str(),
    }
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    super::write_json(&mut *out, &view(report))?;
    writeln!(out)
}
