//! What the policy loader validates names against: the built-in checks and
//! the evaluators behind `[[check]]`. The caller hands it in (the engine
//! builds it from the registries), so the policy module knows what a check or
//! an evaluator declares without importing the code that runs them.

use super::{CustomCheck, Policy, PolicyError};
use crate::meta::{CUSTOM_CHECK_CODES, Code, ENGINE_CODES, Meta};

/// A parameter error: the offending key (when known) and why.
pub type ParamError = (Option<&'static str>, String);

/// Judges one `[[check]]` against the whole loaded policy.
pub type PolicyValidator = fn(&CustomCheck, &Policy) -> Result<(), PolicyError>;

/// What an evaluator declares: its name, parameters and how they validate.
/// The code that runs it lives with the evaluator.
pub struct EvaluatorSpec {
    pub name: &'static str,
    pub summary: &'static str,
    /// Keys it accepts beside the common ones (id, uses, title, why, severity, lanes, enabled).
    pub params: &'static [&'static str],
    /// What it asks and how it reports, for `shipgate explain NAME`.
    pub doc: &'static str,
    /// A `[[check]]` that uses it.
    pub example: &'static str,
    /// Checks the parameters of one `[[check]]`.
    pub validate: fn(&CustomCheck) -> Result<(), ParamError>,
    /// Checks one `[[check]]` against the whole loaded policy (names it
    /// refers to elsewhere in the file), once every table is read.
    pub validate_in_policy: Option<PolicyValidator>,
    /// The lanes its checks run in when the policy names none (empty: every lane).
    pub default_lanes: &'static [&'static str],
    /// Every code its findings may carry, beside [`CUSTOM_CHECK_CODES`] and
    /// [`ENGINE_CODES`] (tests/codes.rs holds each evaluator to its list).
    pub codes: &'static [Code],
}

impl EvaluatorSpec {
    /// A code a custom check that uses this evaluator may report.
    pub fn code_named(&self, id: &str) -> Option<&'static Code> {
        self.all_codes().find(|c| c.id == id)
    }

    /// Every code a custom check that uses it may report, its own first.
    pub fn all_codes(&self) -> impl Iterator<Item = &'static Code> {
        self.codes
            .iter()
            .chain(CUSTOM_CHECK_CODES)
            .chain(ENGINE_CODES)
    }
}

/// The names a policy may use.
pub struct Catalog {
    pub checks: Vec<&'static Meta>,
    pub evaluators: Vec<&'static EvaluatorSpec>,
    /// The engine's audits of the policy itself (`policy-waivers`,
    /// `baseline`): listed and reported like checks, but nothing of theirs
    /// is set under `[checks]`.
    pub audits: Vec<&'static Meta>,
}

impl Catalog {
    pub fn check(&self, id: &str) -> Option<&'static Meta> {
        self.checks.iter().copied().find(|m| m.id == id)
    }

    /// A code a built-in check's findings may carry (its own or an engine
    /// code); `None` for an unknown check or code.
    pub fn check_code(&self, check: &str, code: &str) -> Option<&'static Code> {
        self.check(check)?.code_named(code)
    }

    /// Every code a built-in check's findings may carry, its own first.
    pub fn code_ids(&self, check: &str) -> Vec<&'static str> {
        self.check(check)
            .map(|m| m.all_codes().map(|c| c.id).collect())
            .unwrap_or_default()
    }

    pub fn check_ids(&self) -> Vec<&'static str> {
        self.checks.iter().map(|m| m.id).collect()
    }

    pub fn evaluator(&self, name: &str) -> Option<&'static EvaluatorSpec> {
        self.evaluators.iter().copied().find(|e| e.name == name)
    }

    pub fn evaluator_names(&self) -> Vec<&'static str> {
        self.evaluators.iter().map(|e| e.name).collect()
    }
}
