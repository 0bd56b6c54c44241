//! New findings and existing ones. With `--base`, the same checks run over
//! the base tree too; a head finding is *existing* when the base had one
//! like it: the same check, the same file, the same source line (trimmed,
//! whitespace collapsed: the baseline's fingerprint, so an edit above it
//! does not make it new) and the same message. Matches are counted, so a
//! second copy of an old problem is new.

use crate::baseline::Fingerprint;
use crate::report::Report;
use std::collections::HashMap;

type Key = (Fingerprint, String);

/// Marks each finding of `head` the base report also has as existing, and
/// counts the existing ones that would count toward the verdict.
pub fn mark(mut head: Report, base: &Report, base_name: &str) -> Report {
    let mut left: HashMap<Key, usize> = HashMap::new();
    for c in &base.checks {
        for f in &c.findings {
            *left
                .entry((Fingerprint::of(&c.id, f), f.message.clone()))
                .or_default() += 1;
        }
    }
    for c in &mut head.checks {
        for f in &mut c.findings {
            let key = (Fingerprint::of(&c.id, f), f.message.clone());
            if let Some(n) = left.get_mut(&key).filter(|n| **n > 0) {
                *n -= 1;
                f.existing = true;
            }
        }
    }
    head.summary.existing = count_existing(&head);
    head.base = Some(base_name.to_string());
    head
}

/// The findings that count toward the verdict and the base already had.
pub fn count_existing(report: &Report) -> usize {
    report
        .checks
        .iter()
        .flat_map(|c| &c.findings)
        .filter(|f| f.existing && f.suppressed.is_none())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Location, Severity, Verdict};
    use crate::report::CheckResult;

    fn report(findings: Vec<(usize, &str, &str)>) -> Report {
        let findings = findings
            .into_iter()
            .map(|(line, snippet, msg)| {
                let mut f = Finding::new(Location::new("a.yml", line, 1), msg, "h");
                f.snippet = Some(snippet.into());
                f
            })
            .collect();
        Report::new(
            "pre-merge".into(),
            None,
            vec![CheckResult {
                id: "actions-pinned".into(),
                title: "t".into(),
                severity: Severity::Block,
                verdict: Verdict::Block,
                findings,
                skip_reason: None,
                rule: Default::default(),
            }],
        )
    }

    #[test]
    fn moved_lines_stay_existing_and_extra_copies_are_new() {
        let base = report(vec![(3, "uses: x@v1", "m")]);
        let head = report(vec![
            (9, "  uses:  x@v1", "m"),
            (12, "uses: x@v1", "m"),
            (14, "uses: y@v1", "m"),
        ]);
        let out = mark(head, &base, "main");
        let flags: Vec<bool> = out.checks[0].findings.iter().map(|f| f.existing).collect();
        assert_eq!(flags, [true, false, false]);
        assert_eq!(out.summary.existing, 1);
        assert!(out.fails_on_new());
        assert_eq!(out.base.as_deref(), Some("main"));
    }

    #[test]
    fn another_message_on_the_same_line_is_new() {
        let base = report(vec![(3, "uses: x@v1", "m")]);
        let head = report(vec![(3, "uses: x@v1", "other")]);
        let out = mark(head, &base, "main");
        assert!(!out.checks[0].findings[0].existing);
    }
}
