//! `--format junit`: JUnit XML for CI test tabs. One testsuite; one testcase
//! per check. A blocking check fails with its findings in the failure text;
//! a warning check passes with its findings in `system-out`; a skipped check
//! is `<skipped/>`.

use super::Report;
use super::escape::{visible, xml, xml_attr};
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
        lane = xml_attr(&report.lane)
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
        xml_attr(&report.lane)
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
            xml_attr(&c.id),
            xml_attr(&c.id)
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
                    xml_attr(&format!(
                        "{}: {counted} blocking finding{}",
                        c.title,
                        if counted == 1 { "" } else { "s" }
                    )),
                    xml(&text)
                );
            }
            Verdict::Skip => {
                let _ = writeln!(
                    x,
                    "      <skipped message=\"{}\"/>",
                    xml_attr(c.skip_reason.as_deref().unwrap_or("nothing to check"))
                );
            }
            Verdict::Warn | Verdict::Pass => {
                let _ = writeln!(x, "      <system-out>{}</system-out>", xml(&text));
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
    // Tree text is made visible before the renderer adds its own line breaks.
    let mut s = format!(
        "{}:{}:{}: {tag}: {}\n",
        visible(&loc.path),
        loc.line,
        loc.column,
        visible(&f.message)
    );
    if let Some(sup) = &f.suppressed
        && !sup.reason.is_empty()
    {
        s.push_str(&format!("    reason: {}\n", visible(&sup.reason)));
    }
    if !f.help.is_empty() {
        s.push_str(&format!("    help: {}\n", visible(&f.help)));
    }
    s
}
