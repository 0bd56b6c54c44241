//! Generic evaluators behind custom `[[check]]` entries (`uses = "…"`).
//! Each declares its parameters, validates them when the policy loads (a bad
//! parameter is exit 2, naming its key), and runs like a built-in check.

use crate::checks::{Context, Outcome};
pub use crate::meta::Code;
use crate::policy::CustomCheck;
pub use crate::policy::catalog::{EvaluatorSpec, ParamError};
use serde::de::DeserializeOwned;

/// The finding of a workflow evaluator whose `files` select no workflow,
/// declared once for the three that judge workflows.
pub(crate) const NO_WORKFLOW: Code = Code {
    id: "no-workflow",
    summary: "no workflow matches `files`, so there is nothing to judge",
};

pub mod facts_equal;
mod file_rule;
mod job_runs;
mod package_files;
mod settings_environment;
mod text_contains;
mod text_forbids;
mod text_order;
mod text_rule;
mod workflow_job;
mod workflow_triggers;

/// An evaluator: what it declares (read by the policy loader through the
/// catalog) and the code that runs it.
pub struct Evaluator {
    pub spec: EvaluatorSpec,
    pub run: fn(&CustomCheck, &Context<'_>) -> Outcome,
}

impl std::ops::Deref for Evaluator {
    type Target = EvaluatorSpec;
    fn deref(&self) -> &EvaluatorSpec {
        &self.spec
    }
}

/// Every evaluator, in `shipgate list` order.
pub static EVALUATORS: &[&Evaluator] = &[
    &job_runs::EVALUATOR,
    &workflow_job::EVALUATOR,
    &workflow_triggers::EVALUATOR,
    &facts_equal::EVALUATOR,
    &settings_environment::EVALUATOR,
    &text_contains::EVALUATOR,
    &text_forbids::EVALUATOR,
    &text_order::EVALUATOR,
    &file_rule::EXISTS,
    &file_rule::ABSENT,
    &package_files::EVALUATOR,
];

pub fn find(name: &str) -> Option<&'static Evaluator> {
    EVALUATORS.iter().copied().find(|e| e.name == name)
}

/// Runs a custom check, failing closed on globs that name nothing: each
/// glob in `files` must match at least one file, or a typo in the policy
/// would turn the check into a silent SKIP (or a PASS over nothing). Such a
/// glob is a finding at its line in the policy ("names files that do not
/// exist"). With `optional = true` a check whose globs all match nothing is
/// a SKIP instead. `file.exists` and `file.absent` judge their `paths`
/// themselves: matching nothing is what they are about.
pub fn run_custom(c: &CustomCheck, ev: &Evaluator, cx: &Context<'_>) -> Outcome {
    let globs = c.files.as_deref().unwrap_or_default();
    let unmatched = cx.tree.unmatched_globs(globs);
    if unmatched.is_empty() {
        return (ev.run)(c, cx);
    }
    if c.optional {
        if unmatched.len() == globs.len() {
            return Outcome::Skip(format!(
                "optional, and no file matches `files` ({})",
                globs.join(", ")
            ));
        }
        return (ev.run)(c, cx);
    }
    let at = policy_location(c, "files");
    let mut findings: Vec<crate::finding::Finding> = unmatched
        .iter()
        .map(|g| {
            crate::finding::Finding::new(
                at.clone(),
                format!(
                    "[[check]] `{}`: `files` glob `{g}` names files that do not exist",
                    c.id
                ),
                "fix the glob, restore the file, or set `optional = true` if the files may be absent",
            )
.code("glob-matches-nothing")
        })
        .collect();
    if unmatched.len() < globs.len()
        && let Outcome::Findings(more) = (ev.run)(c, cx)
    {
        findings.extend(more);
    }
    Outcome::Findings(findings)
}

/// The fail-closed outcome for a custom check whose parameters cannot be
/// used: one finding at the check's declaration.
pub fn param_error(c: &CustomCheck, message: impl Into<String>) -> Outcome {
    Outcome::Findings(vec![
        crate::finding::Finding::new(c.location.clone(), message, "fix the check's parameters")
            .code("bad-params"),
    ])
}

/// The fail-closed outcome for parameters that validated at load time but
/// cannot be read now (a bug, never expected).
pub fn invalid_params(c: &CustomCheck) -> Outcome {
    param_error(
        c,
        format!("[[check]] `{}`: its parameters cannot be read", c.id),
    )
}

/// Where the policy declares `key` of a custom check (or the check itself).
pub fn policy_location(c: &CustomCheck, key: &str) -> crate::finding::Location {
    match c.param_lines.get(key) {
        Some(line) => crate::finding::Location::new(c.location.path.clone(), *line, 1),
        None => c.location.clone(),
    }
}

/// Deserialises a custom check's parameters into an evaluator's own type.
pub fn params<T: DeserializeOwned>(c: &CustomCheck) -> Result<T, ParamError> {
    toml::Value::Table(c.params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| (None, e.message().to_string()))
}
