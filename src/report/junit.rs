//! `--format junit`: JUnit XML for CI test tabs. One testsuite; one testcase
//! per check. A check that fails the run at `--fail-on` (a blocking check;
//! with `warn`, a warning one too; with `new`, one with a new blocking
//! finding) fails with its findings in the failure text; any other check
//! with findings passes with them in `system-out`; a skipped check is
//! `<skipped/>`.

use super::escape::{github_line, xml, xml_attr};
use super::{Report, Threshold};
use crate::finding::{Finding, Severity, Verdict};
use std::fmt::Write as _;
use std::io::Write;

pub fn render(report: &Report, fail_on: Threshold, out: &mut dyn Write) -> std::io::Result<()> {
    let tests = report.checks.len();
    let failures = report.checks.iter().filter(|c| fail_on.fails(c)).count();
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
            _ if fail_on.fails(c) => {
                let _ = writeln!(
                    x,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    c.verdict.as_str(),
                    xml_attr(&format!("{}: {}", c.title, counts(&c.findings))),
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
            Verdict::Block | Verdict::Warn | Verdict::Pass => {
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
    // Tree text is made visible before the renderer adds its own line breaks,
    // and cannot start a line a CI log reads as a workflow command (a path
    // starts each finding's line).
    let mut s = format!(
        "{}:{}:{}: {tag}: {}\n",
        github_line(&loc.path),
        loc.line,
        loc.column,
        github_line(&f.message)
    );
    if let Some(sup) = &f.suppressed
        && !sup.reason.is_empty()
    {
        s.push_str(&format!("    reason: {}\n", github_line(&sup.reason)));
    }
    if !f.help.is_empty() {
        s.push_str(&format!("    help: {}\n", github_line(&f.help)));
    }
    s
}

/// "2 blocking findings, 1 warning": the findings that count, by severity.
fn counts(findings: &[Finding]) -> String {
    let counted = |sev: Severity| {
        findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity == sev)
            .count()
    };
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let (block, warn) = (counted(Severity::Block), counted(Severity::Warn));
    match (block, warn) {
        (0, 0) => "no unsuppressed findings".to_string(),
        (b, 0) => plural(b, "blocking finding", "blocking findings"),
        (0, w) => plural(w, "warning", "warnings"),
        (b, w) => format!(
            "{}, {}",
            plural(b, "blocking finding", "blocking findings"),
            plural(w, "warning", "warnings")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Location;
    use crate::report::CheckResult;

    fn report() -> Report {
        let finding = |sev: Severity| {
            let mut f = Finding::new(Location::new("a.yml", 1, 1), "m", "");
            f.severity = sev;
            f
        };
        let check = |id: &str, verdict: Verdict, findings: Vec<Finding>| CheckResult {
            id: id.into(),
            title: id.into(),
            severity: Severity::Block,
            verdict,
            findings,
            skip_reason: None,
            rule: Default::default(),
        };
        Report::new(
            "pre-merge".into(),
            None,
            vec![
                check(
                    "mixed",
                    Verdict::Block,
                    vec![
                        finding(Severity::Block),
                        finding(Severity::Block),
                        finding(Severity::Warn),
                    ],
                ),
                check("warned", Verdict::Warn, vec![finding(Severity::Warn)]),
            ],
        )
    }

    fn xml_of(fail_on: Threshold) -> String {
        let mut out = Vec::new();
        render(&report(), fail_on, &mut out).expect("render");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn findings_are_counted_by_severity() {
        let x = xml_of(Threshold::Block);
        assert!(
            x.contains("message=\"mixed: 2 blocking findings, 1 warning\""),
            "{x}"
        );
        assert!(x.contains("failures=\"1\""), "{x}");
    }

    #[test]
    fn fail_on_warn_fails_warning_checks_too() {
        let x = xml_of(Threshold::Warn);
        assert!(x.contains("failures=\"2\""), "{x}");
        assert!(
            x.contains("<failure type=\"warn\" message=\"warned: 1 warning\""),
            "{x}"
        );
    }
}
