//! One report model; one renderer per format. Renderers never decide verdicts.

mod human;
mod json;

use crate::finding::{Finding, Severity, Verdict};
use std::io::Write;

pub const SCHEMA: &str = "shipgate/report-v1";

#[derive(Debug, Clone)]
pub struct CheckResult {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub skip_reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub pass: usize,
    pub warn: usize,
    pub block: usize,
    pub skip: usize,
    pub suppressed: usize,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub lane: String,
    pub policy: Option<String>,
    pub verdict: Verdict,
    pub summary: Summary,
    pub checks: Vec<CheckResult>,
}

impl Report {
    pub fn new(lane: String, policy: Option<String>, checks: Vec<CheckResult>) -> Report {
        let mut summary = Summary::default();
        for c in &checks {
            match c.verdict {
                Verdict::Pass => summary.pass += 1,
                Verdict::Warn => summary.warn += 1,
                Verdict::Block => summary.block += 1,
                Verdict::Skip => summary.skip += 1,
            }
            summary.suppressed += c.findings.iter().filter(|f| f.suppressed.is_some()).count();
        }
        let verdict = checks
            .iter()
            .map(|c| c.verdict)
            .filter(|v| *v != Verdict::Skip)
            .max()
            .unwrap_or(Verdict::Pass);
        Report {
            lane,
            policy,
            verdict,
            summary,
            checks,
        }
    }

    /// Whether the run fails at `fail_on`.
    pub fn fails(&self, fail_on: Severity) -> bool {
        match fail_on {
            Severity::Block => self.verdict == Verdict::Block,
            Severity::Warn => self.verdict >= Verdict::Warn,
        }
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Renders `report` in `format` to `out`. `color` only matters for `human`.
pub fn render(
    report: &Report,
    format: Format,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::render(report, color, out),
        Format::Json => json::render(report, out),
    }
}
