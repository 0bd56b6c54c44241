//! `--format junit`: JUnit XML for CI test tabs. One testsuite; one testcase
//! per check. A blocking check fails with its findings in the failure text;
//! a warning check passes with its findings in `system-out`; a skipped check
//! is `<skipped/>`.

use super::Report;
use crate::finding::{Finding, Verdict};
use std::fmt::Write as _;
use std::io::Write;

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let tests = report.checks.len();
    let failures = report
        .checks
        .iter()
        .filter(|c| c.verdict == Verdict::Block)
        .count();
    let skipped = report
        .checks
        .iter()
        .filter(|c| c.verdict == Verdict::Skip)
        .count();
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"shipgate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">"
    );
    let _ = writeln!(
        x,
        "  <testsuite name=\"shipgate ({lane})\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\">",
        lane = attr(&report.lane)
    );
    let _ = writeln!(x, "    <properties>");
    let _ = writeln!(
        x,
        "      <property name=\"shipgate.version\" value=\"{}\"/>",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        x,
        "      <property name=\"lane\" value=\"{}\"/>",
        attr(&report.lane)
    );
    let _ = writeln!(
        x,
        "      <property name=\"verdict\" value=\"{}\"/>",
        report.verdict.as_str()
    );
    let _ = writeln!(x, "    </properties>");
    for c in &report.checks {
        let _ = write!(
            x,
            "    <testcase name=\"{}\" classname=\"shipgate.{}\" time=\"0\"",
            attr(&c.id),
            attr(&c.id)
        );
        let text: String = c.findings.iter().map(finding_line).collect();
        match c.verdict {
            Verdict::Pass if text.is_empty() => {
                x.push_str("/>\n");
                continue;
            }
            _ => x.push_str(">\n"),
        }
        match c.verdict {
            Verdict::Block => {
                let counted = c.findings.iter().filter(|f| f.suppressed.is_none()).count();
                let _ = writeln!(
                    x,
                    "      <failure type=\"block\" message=\"{}\">{}</failure>",
                    attr(&format!(
                        "{}: {counted} blocking finding{}",
                        c.title,
                        if counted == 1 { "" } else { "s" }
                    )),
                    escape(&text)
                );
            }
            Verdict::Skip => {
                let _ = writeln!(
                    x,
                    "      <skipped message=\"{}\"/>",
                    attr(c.skip_reason.as_deref().unwrap_or("nothing to check"))
                );
            }
            Verdict::Warn | Verdict::Pass => {
                let _ = writeln!(x, "      <system-out>{}</system-out>", escape(&text));
            }
        }
        let _ = writeln!(x, "    </testcase>");
    }
    x.push_str("  </testsuite>\n</testsuites>\n");
    out.write_all(x.as_bytes())
}

fn finding_line(f: &Finding) -> String {
    let loc = &f.location;
    let tag = match &f.suppressed {
        Some(s) => format!("suppressed ({})", s.by),
        None => f.severity.as_str().to_string(),
    };
    let mut s = format!(
        "{}:{}:{}: {tag}: {}\n",
        loc.path, loc.line, loc.column, f.message
    );
    if let Some(sup) = &f.suppressed
        && !sup.reason.is_empty()
    {
        s.push_str(&format!("    reason: {}\n", sup.reason));
    }
    if !f.help.is_empty() {
        s.push_str(&format!("    help: {}\n", f.help));
    }
    s
}

/// Escapes an attribute value: [`escape`], and line breaks and tabs as
/// character references so parsers do not fold them into spaces.
pub fn attr(s: &str) -> String {
    escape(s)
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

/// Escapes text for XML content and attribute values. Characters XML 1.0
/// cannot carry at all (most C0 controls) become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_illegal_controls() {
        assert_eq!(
            escape("a<b>&\"c'\u{1b}[0m\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}[0m\n"
        );
    }
}
