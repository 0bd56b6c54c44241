//! The baseline: the findings a repository had when it adopted shipgate,
//! written by `shipgate baseline` to `.shipgate-baseline.json` and read by
//! `shipgate check`. A baselined finding is known: it stays in the report
//! (suppressed `by: "baseline"`) but no longer weighs on the verdict. An
//! entry that matches no finding any more is reported under the `baseline`
//! pseudo-check, so the baseline only shrinks.
//!
//! A finding is fingerprinted by its check, its path and its source line's
//! text (trimmed, whitespace collapsed), not its line number: an edit above
//! it does not make it new. Several findings with one fingerprint are one
//! entry with a count.

use crate::finding::{Finding, Location, Severity, Suppression, Verdict};
use crate::repo::formats::parse_json;
use crate::repo::fs_guard;
use crate::repo::spanned::Node;
use crate::repo::text::LineIndex;
use crate::report::{CheckResult, Report};
use std::collections::BTreeMap;
use std::path::Path;

/// The baseline `check` reads at the root when no `--baseline` names one.
pub const FILE_NAME: &str = ".shipgate-baseline.json";
/// The baseline file's format.
pub const SCHEMA: &str = "shipgate/baseline-v1";
/// The largest baseline read.
pub const MAX_BYTES: u64 = 16 << 20;
/// The pseudo-check stale entries are reported under.
pub const CHECK_ID: &str = "baseline";
const TITLE: &str = "Every baseline entry still matches a finding";

/// The baseline audit, for `shipgate list` and `explain`: like
/// `policy-waivers`, it has no run of its own; `check` fills it in when a
/// baseline is in use.
pub const META: crate::meta::Meta = crate::meta::Meta {
    id: CHECK_ID,
    title: TITLE,
    severity: Severity::Warn,
    lanes: &[],
    rationale: "A baseline lets a repository adopt the gate with the findings it has today: \
        `shipgate baseline` records each one (check, path and the normalised source line, not the \
        line number), and `check` blocks only on new ones. The record must only shrink, so an \
        entry that no longer matches any finding (its problem was fixed, or its line changed) \
        warns at its line in the baseline file. Present only when a baseline is read \
        (`.shipgate-baseline.json` at the root, or `--baseline FILE`; `--no-baseline` ignores it).",
    passes: "every entry of .shipgate-baseline.json matches a current finding",
    fails: "an entry whose finding was fixed: {\"check\": \"actions-pinned\", \"path\": \".github/workflows/release.yml\", …}",
    fix: "Run `shipgate baseline` again to rewrite the file without the entries that were fixed.",
    params: &[],
    codes: &[crate::meta::Code {
        id: "stale-entry",
        summary: "a baseline entry matches no current finding",
    }],
};

/// What a finding is, not where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint {
    pub check: String,
    pub path: String,
    /// The source line, trimmed, whitespace collapsed ("" for a finding
    /// on no line of a readable file).
    pub text: String,
}

impl Fingerprint {
    pub fn of(check: &str, f: &Finding) -> Fingerprint {
        Fingerprint {
            check: check.to_string(),
            path: f.location.path.clone(),
            text: normalise(f.snippet.as_deref().unwrap_or("")),
        }
    }
}

/// Trimmed, runs of whitespace collapsed to one space.
pub fn normalise(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One entry of a baseline file, with where it is written.
#[derive(Debug, Clone)]
pub struct Entry {
    pub fingerprint: Fingerprint,
    pub count: usize,
    pub location: Location,
}

/// A baseline as read.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// How the file is named in messages.
    pub shown: String,
    pub entries: Vec<Entry>,
}

/// The baseline of a report: every finding that counts today (waived and
/// inline-ignored ones are already accepted elsewhere), one entry per
/// fingerprint, as the text of a baseline file. Entries are sorted and one
/// a line, so the file diffs well.
pub fn to_text(report: &Report) -> (String, usize) {
    let mut counts: BTreeMap<Fingerprint, usize> = BTreeMap::new();
    let mut findings = 0;
    for c in report.checks.iter().filter(|c| c.id != CHECK_ID) {
        for f in c.findings.iter().filter(|f| f.suppressed.is_none()) {
            *counts.entry(Fingerprint::of(&c.id, f)).or_default() += 1;
            findings += 1;
        }
    }
    let lines: Vec<String> = counts
        .iter()
        .map(|(fp, n)| {
            format!(
                "    {}",
                serde_json::json!({"check": fp.check, "path": fp.path, "text": fp.text, "count": n})
            )
        })
        .collect();
    let body = if lines.is_empty() {
        String::new()
    } else {
        format!("\n{}\n  ", lines.join(",\n"))
    };
    (
        format!("{{\n  \"schema\": \"{SCHEMA}\",\n  \"findings\": [{body}]\n}}\n"),
        findings,
    )
}

/// Why a baseline cannot be used: always exit 2, at its file:line.
#[derive(Debug, Clone)]
pub struct BaselineError {
    pub location: Location,
    pub message: String,
}

impl std::fmt::Display for BaselineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.location.path, self.location.line, self.location.column, self.message
        )
    }
}

/// Reads a baseline file the way a policy is read: a regular file only,
/// up to [`MAX_BYTES`], and never through a symlink (a tree could point its
/// baseline at anything).
pub fn read(abs: &Path, shown: &str) -> Result<Baseline, BaselineError> {
    let refuse = |message: String| BaselineError {
        location: Location::file(shown),
        message,
    };
    let bytes = fs_guard::read_regular_no_follow(abs, MAX_BYTES)
        .map_err(|e| refuse(format!("the baseline cannot be used: {e}")))?;
    let text =
        String::from_utf8(bytes).map_err(|_| refuse("the baseline is not valid UTF-8".into()))?;
    parse(&text, shown)
}

/// Parses the text of a baseline file; unknown keys are errors.
pub fn parse(text: &str, shown: &str) -> Result<Baseline, BaselineError> {
    let lines = LineIndex::new(text);
    let at = |offset: usize, message: String| {
        let (l, c) = lines.position(text, offset);
        BaselineError {
            location: Location::new(shown, l, c),
            message,
        }
    };
    let root =
        parse_json(text).map_err(|e| at(e.offset, format!("not valid JSON: {}", e.message)))?;
    if !root.is_table() {
        return Err(at(root.span.start, "a baseline is a JSON object".into()));
    }
    for e in root.entries() {
        if !["schema", "findings"].contains(&e.key.as_str()) {
            return Err(at(
                e.key_span.start,
                format!(
                    "unknown key `{}`; a baseline has `schema` and `findings`",
                    e.key
                ),
            ));
        }
    }
    match root.get("schema") {
        Some(n) if n.as_str() == Some(SCHEMA) => {}
        Some(n) => {
            return Err(at(
                n.span.start,
                format!("`schema` is {}, expected \"{SCHEMA}\"", n.display()),
            ));
        }
        None => {
            return Err(at(
                root.span.start,
                format!("`schema` is missing (\"{SCHEMA}\")"),
            ));
        }
    }
    let Some(items) = root.get("findings") else {
        return Err(at(root.span.start, "`findings` is missing".into()));
    };
    let Some(items) = items.as_array() else {
        return Err(at(items.span.start, "`findings` must be an array".into()));
    };
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        entries.push(entry(item, &at)?);
    }
    Ok(Baseline {
        shown: shown.to_string(),
        entries,
    })
}

fn entry(item: &Node, at: &dyn Fn(usize, String) -> BaselineError) -> Result<Entry, BaselineError> {
    if !item.is_table() {
        return Err(at(
            item.span.start,
            "each finding is an object with `check`, `path`, `text` and `count`".into(),
        ));
    }
    for e in item.entries() {
        if !["check", "path", "text", "count"].contains(&e.key.as_str()) {
            return Err(at(
                e.key_span.start,
                format!(
                    "unknown key `{}`; an entry has `check`, `path`, `text` and `count`",
                    e.key
                ),
            ));
        }
    }
    let string = |key: &str| -> Result<String, BaselineError> {
        match item.get(key) {
            Some(n) => n
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| at(n.span.start, format!("`{key}` must be a string"))),
            None => Err(at(item.span.start, format!("`{key}` is missing"))),
        }
    };
    let count = match item.get("count") {
        None => 1,
        Some(n) => match n.display().parse::<usize>() {
            Ok(c) if c >= 1 && matches!(n.value, crate::repo::spanned::Value::Scalar(_)) => c,
            _ => {
                return Err(at(
                    n.span.start,
                    format!(
                        "`count` must be a whole number of at least 1, not {}",
                        n.display()
                    ),
                ));
            }
        },
    };
    // Where the entry is written, for a stale entry to point at.
    let location = at(item.span.start, String::new()).location;
    let check = string("check")?;
    let path = string("path")?;
    let text = normalise(&string("text")?);
    Ok(Entry {
        fingerprint: Fingerprint { check, path, text },
        count,
        location,
    })
}

/// Marks the report's findings the baseline knows, recomputes the
/// verdicts, and adds the `baseline` pseudo-check with an entry that
/// matches no finding as a warning. Entries of a check that did not run
/// (another lane, `--only`, a skip) are not stale: nothing judged them.
pub fn apply(report: Report, baseline: &Baseline) -> Report {
    let mut left: BTreeMap<&Fingerprint, usize> = BTreeMap::new();
    for e in &baseline.entries {
        *left.entry(&e.fingerprint).or_default() += e.count;
    }
    let Report {
        lane,
        policy,
        mut checks,
        ..
    } = report;
    for c in &mut checks {
        if c.verdict == Verdict::Skip {
            continue;
        }
        for f in c.findings.iter_mut().filter(|f| f.suppressed.is_none()) {
            let fp = Fingerprint::of(&c.id, f);
            if let Some(n) = left.get_mut(&fp).filter(|n| **n > 0) {
                *n -= 1;
                f.suppressed = Some(Suppression {
                    by: "baseline",
                    reason: format!("known in {}", baseline.shown),
                });
            }
        }
        c.verdict = c
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| Verdict::from(f.severity))
            .max()
            .unwrap_or(Verdict::Pass);
    }
    let ran = |id: &str| {
        checks
            .iter()
            .any(|c| c.id == id && c.verdict != Verdict::Skip)
    };
    let mut stale = Vec::new();
    let mut reported: BTreeMap<&Fingerprint, ()> = BTreeMap::new();
    for e in &baseline.entries {
        let n = left.get(&e.fingerprint).copied().unwrap_or(0);
        if n == 0 || !ran(&e.fingerprint.check) || reported.insert(&e.fingerprint, ()).is_some() {
            continue;
        }
        let fp = &e.fingerprint;
        let mut f = Finding::new(
            e.location.clone(),
            format!(
                "baseline entry for `{}` in {} ({}) no longer matches {}: fixed or changed",
                fp.check,
                fp.path,
                if fp.text.is_empty() {
                    "the file".to_string()
                } else {
                    format!("`{}`", fp.text)
                },
                if n == e.count && n == 1 {
                    "a finding".to_string()
                } else {
                    format!("{n} of its findings")
                }
            ),
            "run `shipgate baseline` again to drop what was fixed, so the baseline only shrinks",
        )
        .code("stale-entry")
        .warn_only();
        f.severity = Severity::Warn;
        stale.push(f);
    }
    let verdict = if stale.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Warn
    };
    checks.push(CheckResult {
        id: CHECK_ID.to_string(),
        title: TITLE.to_string(),
        severity: Severity::Warn,
        verdict,
        findings: stale,
        skip_reason: None,
        rule: crate::report::RuleInfo::of(&META),
    });
    let mut out = Report::new(lane, policy, checks);
    out.baseline = Some(baseline.shown.clone());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(path: &str, line: usize, snippet: &str) -> Finding {
        let mut f = Finding::new(Location::new(path, line, 1), "m", "h");
        f.snippet = Some(snippet.to_string());
        f
    }

    fn report(findings: Vec<Finding>) -> Report {
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
    fn round_trips_and_counts_duplicates() {
        let r = report(vec![
            finding("a.yml", 3, "  uses:   x@v1"),
            finding("a.yml", 9, "uses: x@v1"),
        ]);
        let (text, n) = to_text(&r);
        assert_eq!(n, 2);
        let b = parse(&text, FILE_NAME).unwrap();
        assert_eq!(b.entries.len(), 1);
        assert_eq!(b.entries[0].count, 2);
        assert_eq!(b.entries[0].location.line, 4);
        let applied = apply(r, &b);
        assert_eq!(applied.verdict, Verdict::Pass);
        assert_eq!(applied.summary.baselined, 2);
    }

    #[test]
    fn malformed_baselines_name_their_line() {
        let e = parse(
            "{\n  \"schema\": \"shipgate/baseline-v1\",\n  \"findings\": [{\"check\": 1}]\n}",
            "b.json",
        )
        .unwrap_err();
        assert_eq!(e.location.line, 3, "{e}");
        let e = parse("{\n  \"schema\": \"x\"", "b.json").unwrap_err();
        assert!(e.to_string().starts_with("b.json:2:"), "{e}");
        let e = parse(
            "{\"schema\": \"shipgate/baseline-v1\", \"findings\": [], \"x\": 1}",
            "b.json",
        )
        .unwrap_err();
        assert!(e.message.contains("unknown key `x`"), "{e}");
    }
}
