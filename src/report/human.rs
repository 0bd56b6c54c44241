//! `--format human`: grouped by check, each finding as `path:line:col` with
//! its source line, message and fix hint. Colour only when asked.

use super::{RenderContext, Report, Threshold, escape};
use crate::finding::{Location, Severity, Verdict};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Effects, Style};
use std::io::Write;

/// Styles of the report's own words (never of text from the tree).
const BOLD: Style = Style::new().effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);
const RED: Style = AnsiColor::Red.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const GREEN: Style = AnsiColor::Green.on_default();

/// Styles text when colour is on.
struct Paint(bool);

impl Paint {
    fn wrap(&self, style: Style, s: &str) -> String {
        if self.0 {
            format!("{style}{s}{style:#}")
        } else {
            s.to_string()
        }
    }
    fn verdict(&self, v: Verdict) -> String {
        let (label, style) = match v {
            Verdict::Pass => ("PASS ", GREEN),
            Verdict::Warn => ("WARN ", YELLOW),
            Verdict::Block => ("BLOCK", RED.effects(Effects::BOLD)),
            Verdict::Skip => ("SKIP ", DIM),
        };
        self.wrap(style, label)
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
            p.wrap(BOLD, &c.id),
            clean(&c.title)
        )?;
        if let Some(why) = &c.skip_reason {
            write!(out, " {}", p.wrap(DIM, &format!("({})", clean(why))))?;
        }
        writeln!(out)?;
        // Baselined findings are known: counted in the summary, not listed.
        for f in c
            .findings
            .iter()
            .filter(|f| f.suppressed.as_ref().is_none_or(|s| s.by != "baseline"))
        {
            let mut tag = match (&f.suppressed, f.severity) {
                (Some(s), _) => p.wrap(DIM, &format!("suppressed ({}): ", s.by)),
                (None, Severity::Block) => p.wrap(RED, "block: "),
                (None, Severity::Warn) => p.wrap(YELLOW, "warn: "),
            };
            if report.base.is_some() && f.existing {
                tag.push_str(&p.wrap(DIM, "(existing) "));
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
                let blocks = f.severity == Severity::Block && f.suppressed.is_none();
                for line in frame(raw, &f.location, blocks, ctx.color).lines() {
                    writeln!(out, "  {line}")?;
                }
            }
            for r in f.related_places() {
                writeln!(
                    out,
                    "    = see: {}{}:{}:{}: {}",
                    clean(&ctx.display_prefix),
                    clean(&r.location.path),
                    r.location.line,
                    r.location.column,
                    clean(&r.message)
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

/// The source line a finding points at, with carets under what it points
/// at, as a code frame drawn by annotate-snippets (red carets for a finding
/// that blocks, yellow otherwise, when colour is on). The line is shown
/// escaped ([`clean`]) and the span is measured on the escaped text, so
/// the carets stay under what they mark however wide an escape is.
fn frame(raw: &str, at: &Location, blocks: bool, color: bool) -> String {
    let raw = raw.trim_end();
    let col = at.column.saturating_sub(1);
    let chars = if at.end_line == at.line {
        at.end_column.saturating_sub(at.column).max(1)
    } else {
        raw.chars().count().saturating_sub(col).max(1)
    };
    let before: String = raw.chars().take(col).collect();
    let upto: String = raw.chars().take(col + chars).collect();
    let shown = clean(raw);
    let start = char_floor(&shown, clean(&before).len());
    let end = char_floor(&shown, clean(&upto).len()).max(start);
    let level = if blocks { Level::ERROR } else { Level::WARNING };
    let report = &[Group::with_level(level).element(
        Snippet::source(shown.as_str())
            .line_start(at.line)
            .annotation(AnnotationKind::Primary.span(start..end)),
    )];
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let drawn = renderer.render(report);
    // The frame opens with an empty gutter line, which separates a title
    // from its source; the finding's own line is the title here.
    match drawn.split_once('\n') {
        Some((first, rest)) if anstream::adapter::strip_str(first).to_string().trim() == "|" => {
            rest.to_string()
        }
        _ => drawn,
    }
}

/// The largest char boundary of `s` at or below `at` (within `s`).
fn char_floor(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
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

#[cfg(test)]
mod tests {
    use super::*;

    fn caret_line(framed: &str) -> &str {
        framed.lines().last().unwrap_or("")
    }

    #[test]
    fn the_frame_shows_the_line_and_marks_the_span() {
        let raw = "      - uses: actions/checkout@v4";
        let at = Location::new("w.yml", 14, 15).with_end(14, 34);
        let framed = frame(raw, &at, true, false);
        assert!(
            framed.contains("14 |       - uses: actions/checkout@v4"),
            "{framed}"
        );
        let carets = caret_line(&framed);
        let bar = carets.find('|').unwrap();
        assert_eq!(carets[bar + 2..].find('^'), Some(14), "{framed}");
        assert_eq!(carets.matches('^').count(), 19, "{framed}");
    }

    #[test]
    fn a_hidden_character_is_shown_escaped_and_the_carets_follow_it() {
        // Column 3 is `b`, after a right-to-left override.
        let raw = "a\u{202e}bc";
        let at = Location::new("x.md", 2, 3).with_end(2, 4);
        let framed = frame(raw, &at, false, false);
        assert!(!framed.contains('\u{202e}'), "{framed}");
        assert!(framed.contains("a\\u{202e}bc"), "{framed}");
        let carets = caret_line(&framed);
        let bar = carets.find('|').unwrap();
        let shown = framed.lines().find(|l| l.contains("a\\u")).unwrap();
        let b = shown.find("bc").unwrap();
        assert_eq!(carets.find('^'), Some(b), "{framed}");
        assert_eq!(carets[bar..].matches('^').count(), 1);
    }

    #[test]
    fn colour_only_when_asked() {
        let at = Location::new("x", 1, 1).with_end(1, 2);
        assert!(!frame("ab", &at, true, false).contains('\u{1b}'));
        let styled = frame("ab", &at, true, true);
        assert!(styled.contains('\u{1b}'));
        // Styled or not, the frame opens on the source line, not an empty
        // gutter line.
        let first = anstream::adapter::strip_str(styled.lines().next().unwrap()).to_string();
        assert!(first.contains("1 | ab"), "{first:?}");
        assert!(frame("ab", &at, true, false).starts_with("1 | ab"));
    }

    #[test]
    fn no_column_or_text_makes_it_panic() {
        let lines = [
            "",
            "abc",
            "\tx\ty",
            "héllo wörld",
            "日本語テキスト",
            "a\u{fe0f}b\u{202e}c\u{1b}[31md",
            "::error::x ##[group] y",
            &"long ".repeat(100),
        ];
        for raw in lines {
            for col in [1, 2, 3, 5, 8, 200, 600] {
                for end in [col, col + 1, col + 3, col + 50, 1000] {
                    let at = Location::new("f", 3, col).with_end(3, end);
                    let framed = frame(raw, &at, true, false);
                    assert!(framed.contains("3 |"), "{raw:?} {col} {end}: {framed}");
                    let multi = Location::new("f", 3, col).with_end(4, 1);
                    let _ = frame(raw, &multi, false, true);
                }
            }
        }
    }
}
