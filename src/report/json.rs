//! `--format json`: the versioned `shipgate/report-v1` schema.

use super::{Report, SCHEMA};
use serde_json::{Value, json};
use std::io::Write;

pub fn to_value(report: &Report) -> Value {
    let checks: Vec<Value> = report
        .checks
        .iter()
        .map(|c| {
            let findings: Vec<Value> = c
                .findings
                .iter()
                .map(|f| {
                    let mut v = json!({
                        "path": f.location.path,
                        "line": f.location.line,
                        "column": f.location.column,
                        "end_line": f.location.end_line,
                        "end_column": f.location.end_column,
                        "severity": f.severity.as_str(),
                        "code": f.code,
                        "message": f.message,
                        "help": f.help,
                    });
                    if let Some(s) = &f.suppressed {
                        v["suppressed"] = json!({"by": s.by, "reason": s.reason});
                        if s.by == "baseline" {
                            v["baselined"] = json!(true);
                        }
                    }
                    if let Some(fix) = f.fix.as_deref() {
                        // What `check --fix` would do about this finding.
                        v["fix"] = json!(fix.title);
                    }
                    if let Some(id) = &f.reported_under {
                        v["reported_under"] = json!(id);
                    }
                    if report.base.is_some() {
                        v["new"] = json!(!f.existing);
                    }
                    v
                })
                .collect();
            let mut v = json!({
                "id": c.id,
                "title": c.title,
                "verdict": c.verdict.as_str(),
                "severity": c.severity.as_str(),
                "findings": findings,
            });
            if let Some(r) = &c.skip_reason {
                v["skip_reason"] = json!(r);
            }
            v
        })
        .collect();
    let mut v = json!({
        "schema": SCHEMA,
        "tool": {"name": "shipgate", "version": env!("CARGO_PKG_VERSION")},
        "lane": report.lane,
        "policy": report.policy,
        "verdict": report.verdict.as_str(),
        "summary": {
            "pass": report.summary.pass,
            "warn": report.summary.warn,
            "block": report.summary.block,
            "skip": report.summary.skip,
            "suppressed": report.summary.suppressed,
        },
        "checks": checks,
    });
    // Present only when a baseline was applied, so reports without one
    // are unchanged.
    if let Some(path) = &report.baseline {
        v["baseline"] = json!({
            "path": path,
            "known": report.summary.baselined,
            "new": report.summary.counted,
        });
    }
    // Present only with --base: what the change brought.
    if let Some(base) = &report.base {
        v["base"] = json!({
            "ref": base,
            "new": report.summary.counted - report.summary.existing.min(report.summary.counted),
            "existing": report.summary.existing,
        });
    }
    v
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(report))?;
    writeln!(out)
}
