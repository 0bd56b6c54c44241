//! `--format human`: grouped by check, each finding as `path:line:col` with
//! its source line, message and fix hint. Colour only when asked.

use super::{RenderContext, Report, Threshold, escape};
use crate::finding::{Severity, Verdict};
use std::io::Write;

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn verdict(&self, v: Verdict) -> String {
        let (label, code) = match v {
            Verdict::Pass => ("PASS ", "32"),
            Verdict::Warn => ("WARN ", "33"),
            Verdict::Block => ("BLOCK", "1;31"),
            Verdict::Skip => ("SKIP ", "2"),
        };
        self.wrap(code, label)
    }
}

/// Text from the tree (file names, source lines, messages that quote them)
/// may hold escape sequences, bidi overrides or line breaks that would
/// rewrite the reader's terminal or forge report lines; they are shown
/// escaped. The human report is what CI logs show most often, so a `##[`
/// and a leading `::` (a file at the root named like a workflow command
/// starts a finding's line) are neutralised as in the github format.
fn clean(s: &str) -> String {
    escape::github_line(s)
}

pub fn render(report: &Report, ctx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    let p = Paint(ctx.color);
    for c in &report.checks {
        if ctx.quiet && c.verdict < Verdict::Warn {
            continue;
        }
        write!(
            out,
            "{} {}  {}",
            p.verdict(c.verdict),
            p.wrap("1", &c.id),
            clean(&c.title)
        )?;
        if let Some(why) = &c.skip_reason {
            write!(out, " {}", p.wrap("2", &format!("({})", clean(why))))?;
        }
        writeln!(out)?;
        // Baselined findings are known: counted in the summary, not listed.
        for f in c
            .findings
            .iter()
            .filter(|f| f.suppressed.as_ref().is_none_or(|s| s.by != "baseline"))
        {
            let mut tag = match (&f.suppressed, f.severity) {
                (Some(s), _) => p.wrap("2", &format!("suppressed ({}): ", s.by)),
                (None, Severity::Block) => p.wrap("31", "block: "),
                (None, Severity::Warn) => p.wrap("33", "warn: "),
            };
            if report.base.is_some() && f.existing {
                tag.push_str(&p.wrap("2", "(existing) "));
            }
            writeln!(
                out,
                "  {}{}:{}:{}: {}{}",
                clean(&ctx.display_prefix),
                clean(&f.location.path),
                f.location.line,
                f.location.column,
                tag,
                clean(&f.message)
            )?;
            if let Some(raw) = f.snippet.as_deref() {
                let raw = raw.trim_end();
                let n = f.location.line.to_string();
                writeln!(out, "  {} | {}", p.wrap("2", &n), clean(raw))?;
                let pad = " ".repeat(n.len());
                // Columns count characters of the source; an escaped
                // character is wider once shown, so the caret follows it.
                let col = f.location.column.saturating_sub(1);
                let chars = if f.location.end_line == f.location.line {
                    f.location
                        .end_column
                        .saturating_sub(f.location.column)
                        .max(1)
                } else {
                    raw.chars().count().saturating_sub(col).max(1)
                };
                // The source before the caret as shown (escapes widen it).
                let before: String = raw.chars().take(col).collect();
                let indent: String = clean(&before)
                    .chars()
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let width: usize = raw
                    .chars()
                    .skip(col)
                    .take(chars)
                    .map(escape::visible_width)
                    .sum::<usize>()
                    .max(chars);
                let caret = match f.severity {
                    Severity::Block if f.suppressed.is_none() => "31",
                    _ => "33",
                };
                writeln!(
                    out,
                    "  {pad} | {indent}{}",
                    p.wrap(caret, &"^".repeat(width.min(120)))
                )?;
            }
            if let Some(s) = &f.suppressed
                && !s.reason.is_empty()
            {
                writeln!(out, "    = reason: {}", clean(&s.reason))?;
            }
            if !f.help.is_empty() {
                writeln!(out, "    = help: {}", clean(&f.help))?;
            }
            if let Some(fix) = f.fix.as_deref()
                && f.suppressed.is_none()
            {
                writeln!(
                    out,
                    "    = fix: `shipgate check --fix` can {} (`--diff` shows it)",
                    clean(&fix.title)
                )?;
            }
        }
    }
    let s = &report.summary;
    let mut tail = format!(
        "{} pass, {} warn, {} block, {} skip",
        s.pass, s.warn, s.block, s.skip
    );
    if s.suppressed > 0 {
        tail.push_str(&format!(" ({} suppressed)", s.suppressed));
    }
    if report.baseline.is_some() {
        tail.push_str(&format!("; {} known, {} new", s.baselined, s.counted));
    }
    if let Some(base) = &report.base {
        tail.push_str(&format!(
            "; against {}: {} new, {} existing",
            clean(base),
            s.counted - s.existing.min(s.counted),
            s.existing
        ));
    }
    if let Some(why) = failure_reason(report, ctx.fail_on) {
        tail.push_str(&format!("; fails: {why}"));
    }
    writeln!(out)?;
    writeln!(
        out,
        "shipgate {} [{}]: {} — {}",
        env!("CARGO_PKG_VERSION"),
        clean(&report.lane),
        p.verdict(report.verdict).trim_end(),
        tail
    )
}

/// Why the run fails, when the threshold is not the plain "a check blocks"
/// (whose verdict already says so): `--fail-on warn` failing on warnings
/// alone, or `--fail-on new` on new blocking findings.
fn failure_reason(report: &Report, fail_on: Threshold) -> Option<String> {
    let failing = report.checks.iter().filter(|c| fail_on.fails(c)).count();
    if failing == 0 {
        return None;
    }
    let checks = if failing == 1 { "check" } else { "checks" };
    match fail_on {
        Threshold::Block => None,
        Threshold::Warn if report.verdict == Verdict::Warn => {
            Some(format!("--fail-on warn, and {failing} {checks} warn"))
        }
        Threshold::Warn => None,
        Threshold::New => Some(format!(
            "--fail-on new, and {failing} {checks} have a new blocking finding"
        )),
    }
}
