//! `--format markdown`: a summary table (check, verdict, findings) and the
//! findings with links to their lines, fit for a PR comment or the job
//! summary (`$GITHUB_STEP_SUMMARY`).

use super::{LinkBase, Report, escape};
use crate::finding::{Severity, Verdict};
use std::fmt::Write as _;
use std::io::Write;

fn badge(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "✅ pass",
        Verdict::Warn => "⚠️ warn",
        Verdict::Block => "❌ block",
        Verdict::Skip => "⏭️ skip",
    }
}

/// At most this many findings are listed per check...
const PER_CHECK: usize = 50;
/// ...and listing stops past this many bytes, so the report fits a PR
/// comment (65,536 characters) and a job summary (1 MiB).
const BUDGET: usize = 60_000;

pub fn render(report: &Report, links: &LinkBase, out: &mut dyn Write) -> std::io::Result<()> {
    let mut md = String::new();
    let s = &report.summary;
    let _ = writeln!(
        md,
        "## shipgate: {}\n",
        report.verdict.as_str().to_uppercase()
    );
    let mut tail = format!(
        "{} pass, {} warn, {} block, {} skip",
        s.pass, s.warn, s.block, s.skip
    );
    if s.suppressed > 0 {
        tail.push_str(&format!(", {} suppressed", s.suppressed));
    }
    if report.baseline.is_some() {
        tail.push_str(&format!(", {} known, {} new", s.baselined, s.counted));
    }
    if let Some(base) = &report.base {
        tail.push_str(&format!(
            " · against {}: {} new, {} existing",
            escape::md_code(base),
            s.counted - s.existing.min(s.counted),
            s.existing
        ));
    }
    let _ = writeln!(
        md,
        "Lane {} · {tail} · shipgate {}\n",
        escape::md_code(&report.lane),
        env!("CARGO_PKG_VERSION")
    );
    md.push_str("| Check | Verdict | Findings |\n|---|---|---|\n");
    for c in &report.checks {
        let counted = c.findings.iter().filter(|f| f.suppressed.is_none()).count();
        let suppressed = c.findings.len() - counted;
        let mut n = counted.to_string();
        if suppressed > 0 {
            n.push_str(&format!(" ({suppressed} suppressed)"));
        }
        let _ = writeln!(
            md,
            "| {} {} | {} | {n} |",
            escape::md_code(&c.id),
            text(&c.title),
            badge(c.verdict)
        );
    }
    let mut left_out = 0;
    match &report.base {
        // With a base, what the change brought comes first, for a PR comment.
        Some(base) => {
            let base = escape::md_code(base);
            let parts = [
                (false, format!("New in this change (not on {base})")),
                (true, format!("Already on the base {base}")),
            ];
            for (existing, heading) in parts {
                findings(
                    report,
                    &heading,
                    |f| f.existing == existing,
                    links,
                    &mut md,
                    &mut left_out,
                );
            }
        }
        None => findings(report, "Findings", |_| true, links, &mut md, &mut left_out),
    }
    if left_out > 0 {
        let _ = writeln!(
            md,
            "\n{left_out} findings are not listed here; `shipgate check` (or `--format sarif`) shows them all."
        );
    }
    out.write_all(md.as_bytes())
}

/// Lists the findings `keep` picks under `heading`, check by check.
fn findings(
    report: &Report,
    heading: &str,
    keep: impl Fn(&crate::finding::Finding) -> bool,
    links: &LinkBase,
    md: &mut String,
    left_out: &mut usize,
) {
    let with_findings: Vec<(&crate::report::CheckResult, Vec<&crate::finding::Finding>)> = report
        .checks
        .iter()
        .map(|c| (c, c.findings.iter().filter(|f| keep(f)).collect::<Vec<_>>()))
        .filter(|(_, fs)| !fs.is_empty())
        .collect();
    if !with_findings.is_empty() {
        let _ = writeln!(md, "\n### {heading}");
    }
    for (c, fs) in with_findings {
        let _ = writeln!(
            md,
            "\n#### {} — {} ({})\n",
            escape::md_code(&c.id),
            text(&c.title),
            c.verdict.as_str()
        );
        for (i, f) in fs.iter().enumerate() {
            if i == PER_CHECK || md.len() > BUDGET {
                let rest = fs.len() - i;
                *left_out += rest;
                let _ = writeln!(md, "- … and {rest} more");
                break;
            }
            let loc = &f.location;
            let tag = match (&f.suppressed, f.severity) {
                (Some(s), _) => format!("suppressed ({})", s.by),
                (None, Severity::Block) => "**block**".to_string(),
                (None, Severity::Warn) => "**warn**".to_string(),
            };
            let _ = writeln!(
                md,
                "- {tag} [{}]({}): {}",
                escape::md_code(&format!("{}:{}", loc.path, loc.line)),
                links.link(&loc.path, loc.line),
                text(&f.message)
            );
            if let Some(s) = &f.suppressed
                && !s.reason.is_empty()
            {
                let _ = writeln!(md, "  - reason: {}", text(&s.reason));
            }
            if !f.help.is_empty() {
                let _ = writeln!(md, "  - fix: {}", text(&f.help));
            }
        }
    }
}

/// Tree text as Markdown (see [`escape::md_text`]).
fn text(s: &str) -> String {
    escape::md_text(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_reports_are_cut_to_fit_a_comment() {
        use crate::finding::{Finding, Location};
        use crate::report::CheckResult;
        let findings: Vec<Finding> = (1..=120)
            .map(|n| Finding::new(Location::new("big.md", n, 1), "broken link", "fix it"))
            .collect();
        let c = CheckResult {
            id: "docs-links".into(),
            title: "Links resolve".into(),
            severity: Severity::Block,
            verdict: Verdict::Block,
            findings,
            skip_reason: None,
            rule: Default::default(),
        };
        let report = Report::new("pre-merge".into(), None, vec![c]);
        let mut out = Vec::new();
        render(&report, &LinkBase(None), &mut out).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert_eq!(md.matches("(big.md#L").count(), PER_CHECK);
        assert!(md.contains("- … and 70 more"), "{md}");
        assert!(md.contains("| `docs-links` Links resolve | ❌ block | 120 |"));
    }
}
