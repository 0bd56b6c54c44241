//! `--format github`: GitHub Actions workflow commands. Each finding that
//! counts becomes an annotation on its file and line (`::error` for block,
//! `::warning` for warn); suppressed findings are not annotated. The plain
//! report follows in a collapsed group for the log. The Markdown summary for
//! `$GITHUB_STEP_SUMMARY` is written by the command, not here.

use super::{Report, human};
use crate::finding::Severity;
use std::io::Write;

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for c in &report.checks {
        for f in c.findings.iter().filter(|f| f.suppressed.is_none()) {
            let command = match f.severity {
                Severity::Block => "error",
                Severity::Warn => "warning",
            };
            let loc = &f.location;
            let mut message = f.message.clone();
            if !f.help.is_empty() {
                message.push_str(&format!("\nhelp: {}", f.help));
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&loc.path),
                loc.line,
                loc.column,
                loc.end_line.max(loc.line),
                loc.end_column,
                escape_property(&format!("shipgate {}: {}", c.id, c.title)),
                escape_data(&message),
            )?;
        }
    }
    writeln!(out, "::group::shipgate report")?;
    let mut plain = Vec::new();
    human::render(report, false, &mut plain)?;
    // A report line can never start a workflow command: every human line
    // starts with a verdict label or indentation, but make sure.
    for line in String::from_utf8_lossy(&plain).lines() {
        if line.starts_with("::") {
            writeln!(out, " {line}")?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    writeln!(out, "::endgroup::")
}

/// Escapes a command's message, as the Actions toolkit does.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value: the data escapes plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_toolkit() {
        assert_eq!(escape_data("50% a\r\nb:c,d"), "50%25 a%0D%0Ab:c,d");
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        // `%` first, so an escape is never escaped twice.
        assert_eq!(escape_data("%0A"), "%250A");
    }
}
