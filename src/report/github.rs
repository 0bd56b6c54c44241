//! `--format github`: GitHub Actions workflow commands. Each finding that
//! counts becomes an annotation on its file and line (`::error` for block,
//! `::warning` for warn); suppressed findings are not annotated. The plain
//! report follows in a collapsed group for the log. Annotation paths are
//! relative to the workspace (the runner resolves them from there), the
//! plain report's to the root. The Markdown summary for
//! `$GITHUB_STEP_SUMMARY` is written by the command, not here.

use super::{RenderContext, Report, escape, human};
use crate::finding::Severity;
use std::io::Write;

pub fn render(report: &Report, ctx: &RenderContext, out: &mut dyn Write) -> std::io::Result<()> {
    // With --base, what the change brought is annotated first: GitHub shows
    // only the first ten errors of a step.
    let passes: &[bool] = if report.base.is_some() {
        &[false, true]
    } else {
        &[false]
    };
    for &existing in passes {
        annotate(report, ctx, out, existing)?;
    }
    plain(report, out)
}

fn annotate(
    report: &Report,
    ctx: &RenderContext,
    out: &mut dyn Write,
    existing: bool,
) -> std::io::Result<()> {
    for c in &report.checks {
        // A file error repeated by every check that needed the file is
        // annotated once, under the check that reports it in full.
        for f in c.findings.iter().filter(|f| {
            f.suppressed.is_none() && f.reported_under.is_none() && f.existing == existing
        }) {
            let command = match f.severity {
                Severity::Block => "error",
                Severity::Warn => "warning",
            };
            let loc = &f.location;
            // Tree text is made visible and neutralised piece by piece; the
            // line break before `help:` is ours, escaped as the toolkit does.
            let mut message = escape::github_data(&f.message);
            if !f.help.is_empty() {
                message.push_str("%0Ahelp: ");
                message.push_str(&escape::github_data(&f.help));
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{message}",
                escape::github_property(&ctx.workspace_path(&loc.path)),
                loc.line,
                loc.column,
                loc.end_line.max(loc.line),
                loc.end_column,
                escape::github_property(&format!(
                    "shipgate {}: {}{}",
                    c.id,
                    c.title,
                    if existing {
                        " (already on the base)"
                    } else {
                        ""
                    }
                )),
            )?;
        }
    }
    Ok(())
}

fn plain(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    // The plain report is log text, not commands: inside the group, command
    // processing is stopped with a token no tree can know in advance, and
    // every line is neutralised as well in case a runner ignores the stop.
    let token = stop_token();
    writeln!(out, "::group::shipgate report")?;
    writeln!(out, "::stop-commands::{token}")?;
    let mut plain = Vec::new();
    human::render(report, &super::RenderContext::default(), &mut plain)?;
    for line in String::from_utf8_lossy(&plain).lines() {
        writeln!(out, "{}", escape::github_line(line))?;
    }
    writeln!(out, "::{token}::")?;
    writeln!(out, "::endgroup::")
}

/// A token for `::stop-commands::`, different in every run: 128 bits from
/// the standard library's randomly keyed hasher, mixed with the time and
/// the process id.
fn stop_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let half = |salt: u64| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(salt);
        h.write_u128(nanos);
        h.write_u32(std::process::id());
        h.finish()
    };
    format!("shipgate-{:016x}{:016x}", half(1), half(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_tokens_differ() {
        let a = stop_token();
        assert_ne!(a, stop_token());
        assert_eq!(a.len(), "shipgate-".len() + 32);
    }
}
