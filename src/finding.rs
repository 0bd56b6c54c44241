//! The report model's atoms: severities, verdicts, locations and findings.

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Warn < Block`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warn,
    Block,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warn => "warn",
            Severity::Block => "block",
        }
    }
}

/// A check's outcome in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Skip,
    Pass,
    Warn,
    Block,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Skip => "skip",
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Block => "block",
        }
    }
}

impl From<Severity> for Verdict {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Warn => Verdict::Warn,
            Severity::Block => Verdict::Block,
        }
    }
}

/// A 1-based position in a file under the root.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Location {
    /// Relative to the root, `/`-separated.
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Location {
    pub fn new(path: impl Into<String>, line: usize, column: usize) -> Self {
        let line = line.max(1);
        let column = column.max(1);
        Location {
            path: path.into(),
            line,
            column,
            end_line: line,
            end_column: column,
        }
    }

    /// A location that names a file without pointing inside it.
    pub fn file(path: impl Into<String>) -> Self {
        Location::new(path, 1, 1)
    }

    pub fn with_end(mut self, end_line: usize, end_column: usize) -> Self {
        if (end_line, end_column) >= (self.line, self.column) {
            self.end_line = end_line;
            self.end_column = end_column;
        }
        self
    }
}

/// Why a finding does not count toward its check's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `waiver` or `inline`.
    pub by: &'static str,
    pub reason: String,
}

/// One problem a check found, at one place.
#[derive(Debug, Clone)]
pub struct Finding {
    pub location: Location,
    /// What kind of problem this is, stable and kebab-case, under its check
    /// (`movable-ref` under `actions-pinned`): what SARIF consumers, scripts
    /// and the docs key on, where the message may be reworded. Empty until
    /// the check names it.
    pub code: &'static str,
    pub message: String,
    pub help: String,
    /// The most this finding may weigh. `None`: the check's configured severity.
    /// `Some(Warn)`: a warning even when the check blocks (e.g. a SHA pin without
    /// its version comment).
    pub cap: Option<Severity>,
    /// Filled by the engine from the check's configured severity and `cap`.
    pub severity: Severity,
    /// Filled by the engine from waivers and inline ignores.
    pub suppressed: Option<Suppression>,
    /// The source line the finding points at, filled by the engine.
    pub snippet: Option<String>,
    /// Set by the engine when the same problem (a file that does not parse)
    /// is reported in full under another check: that check's id. The
    /// finding still counts (the check could not judge the file), but
    /// annotations name the problem once.
    pub reported_under: Option<String>,
    /// With `--base`: the base commit already had this finding (same check,
    /// file, source line and message), so the change did not bring it.
    pub existing: bool,
    /// A machine-applicable fix for `check --fix`, when the check has one.
    pub fix: Option<Box<crate::edit::Fix>>,
    /// Other places the finding is about (the source it disagrees with,
    /// the workflow job a doc names), each with what stands there. Boxed:
    /// most findings have none, and a run may hold hundreds of thousands.
    pub related: Option<Box<Vec<Related>>>,
}

/// Another place a finding is about, and what stands there.
#[derive(Debug, Clone)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

impl Finding {
    pub fn new(location: Location, message: impl Into<String>, help: impl Into<String>) -> Self {
        Finding {
            location,
            code: "",
            message: message.into(),
            help: help.into(),
            cap: None,
            severity: Severity::Block,
            suppressed: None,
            snippet: None,
            reported_under: None,
            existing: false,
            fix: None,
            related: None,
        }
    }

    /// Points at another place the finding is about (see [`Finding::related`]).
    pub fn related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.get_or_insert_default().push(Related {
            location,
            message: message.into(),
        });
        self
    }

    /// Names the kind of problem (see [`Finding::code`]).
    pub fn code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// Attaches the edits that remove this finding (`check --fix`).
    pub fn with_fix(mut self, fix: crate::edit::Fix) -> Self {
        self.fix = Some(Box::new(fix));
        self
    }

    /// The other places the finding is about (see [`Finding::related`]).
    pub fn related_places(&self) -> &[Related] {
        self.related.as_deref().map_or(&[], Vec::as_slice)
    }

    /// Never weigh more than a warning, whatever the check's severity.
    pub fn warn_only(mut self) -> Self {
        self.cap = Some(Severity::Warn);
        self
    }

    pub fn capped(mut self, cap: Option<Severity>) -> Self {
        self.cap = cap;
        self
    }
}
