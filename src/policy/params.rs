//! The typed keys of `[vars]`, of built-in check parameters (`[checks.ID]`)
//! and of evaluator parameters (`[[check]]`). The loader checks every value
//! against its [`Kind`] at its own line, before any check runs, and
//! `shipgate schema` prints the same kinds and descriptions, so the two
//! cannot disagree. A key an evaluator or check declares but this table
//! does not type is caught by a test.

use crate::repo::spanned::{Node, Value};
use serde_json::{Value as Json, json};

/// What a value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    /// An array of strings.
    Strings,
    /// An array of globs (checked as globs too).
    Globs,
    Bool,
}

impl Kind {
    /// How an error names what was expected.
    pub fn expected(self) -> &'static str {
        match self {
            Kind::Str => "a string",
            Kind::Strings => "an array of strings",
            Kind::Globs => "an array of glob strings",
            Kind::Bool => "true or false",
        }
    }

    /// The JSON Schema of a value of this kind.
    pub fn schema(self) -> Json {
        match self {
            Kind::Str => json!({"type": "string"}),
            Kind::Strings | Kind::Globs => json!({"type": "array", "items": {"type": "string"}}),
            Kind::Bool => json!({"type": "boolean"}),
        }
    }

    /// The offset of the first part of `n` that is not of this kind, if any.
    pub fn mismatch(self, n: &Node) -> Option<usize> {
        match (self, &n.value) {
            (Kind::Str, Value::Str(_)) | (Kind::Bool, Value::Bool(_)) => None,
            (Kind::Strings | Kind::Globs, Value::Array(items)) => items
                .iter()
                .find(|i| !matches!(i.value, Value::Str(_)))
                .map(|i| i.span.start),
            _ => Some(n.span.start),
        }
    }
}

/// One typed key.
#[derive(Debug)]
pub struct Param {
    pub key: &'static str,
    pub kind: Kind,
    pub doc: &'static str,
}

const fn p(key: &'static str, kind: Kind, doc: &'static str) -> Param {
    Param { key, kind, doc }
}

/// The variables checks read (`[vars]`). Anything else is a typo.
pub static VARS: &[Param] = &[
    p(
        "publish_environment",
        Kind::Str,
        "The GitHub environment every publishing job must use (publish-environment).",
    ),
    p(
        "github_repository",
        Kind::Str,
        "OWNER/REPO, the repository package metadata must link to (package-metadata).",
    ),
];

/// Parameters of built-in checks and evaluators, by key. A key means the
/// same thing wherever it appears.
pub static PARAMS: &[Param] = &[
    p(
        "gate",
        Kind::Strings,
        "The contributor gate's commands, each of which CI must run (ci-equivalence).",
    ),
    p(
        "release_docs",
        Kind::Globs,
        "Documents a release depends on, beyond the built-in ones: a broken link or cited path \
         there blocks instead of warning (docs-links).",
    ),
    p(
        "files",
        Kind::Globs,
        "Globs of the files to look at, relative to the root.",
    ),
    p(
        "paths",
        Kind::Globs,
        "Globs of paths, relative to the root.",
    ),
    p("patterns", Kind::Strings, "Literal strings to look for."),
    p("regex", Kind::Strings, "Regular expressions to look for."),
    p(
        "section",
        Kind::Str,
        "Only inside the Markdown section under this heading.",
    ),
    p(
        "ignore_case",
        Kind::Bool,
        "Match patterns and regexes without regard to case.",
    ),
    p("job", Kind::Str, "The workflow job id."),
    p(
        "step",
        Kind::Str,
        "A step of `job`: its `name:`, its `id:`, or the action it uses (owner/action).",
    ),
    p(
        "match",
        Kind::Str,
        "`all` (default): every file contains each pattern; `any`: at least one file does.",
    ),
    p(
        "job_uses",
        Kind::Str,
        "The job that uses this action (owner/action).",
    ),
    p(
        "runs",
        Kind::Strings,
        "Commands the job runs, in any order.",
    ),
    p(
        "runs_in_order",
        Kind::Strings,
        "Commands the job runs, in this order.",
    ),
    p(
        "only_in_job",
        Kind::Bool,
        "Only `job` may run these commands (workflow.job-runs) or hold this text \
         (text.contains): any other job or part of a workflow that does is a finding.",
    ),
    p(
        "facts",
        Kind::Strings,
        "Names of facts declared under [facts], to compare.",
    ),
    p(
        "evidence",
        Kind::Str,
        "`gh api repos/O/R/environments/NAME` saved as JSON, relative to the root.",
    ),
    p(
        "environment",
        Kind::Str,
        "The environment the evidence must describe.",
    ),
    p(
        "branches",
        Kind::Strings,
        "Exactly the branches that may deploy.",
    ),
    p("tags", Kind::Strings, "Tag patterns that may deploy too."),
    p(
        "branch_policies",
        Kind::Str,
        "`gh api …/environments/NAME/deployment-branch-policies` saved as JSON.",
    ),
    p(
        "required_reviewers",
        Kind::Bool,
        "The environment requires reviewers.",
    ),
    p(
        "admins_bypass",
        Kind::Bool,
        "`false`: admins may not bypass the protection rules.",
    ),
    p(
        "secrets",
        Kind::Strings,
        "Secrets that must live in the environment.",
    ),
    p(
        "environment_secrets",
        Kind::Str,
        "`gh api …/environments/NAME/secrets` saved as JSON.",
    ),
    p(
        "repo_secrets",
        Kind::Str,
        "`gh api repos/O/R/actions/secrets` saved as JSON.",
    ),
];

pub fn var(key: &str) -> Option<&'static Param> {
    VARS.iter().find(|v| v.key == key)
}

pub fn param(key: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|v| v.key == key)
}

/// The JSON Schema of a parameter, with its description.
pub fn schema(key: &str) -> Json {
    match param(key) {
        Some(p) => {
            let mut s = p.kind.schema();
            s["description"] = json!(p.doc);
            s
        }
        None => json!({"description": format!("`{key}`")}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_parameter_is_typed() {
        for ev in crate::evaluators::EVALUATORS {
            for k in ev.params {
                assert!(param(k).is_some(), "{}: `{k}` has no kind", ev.name);
            }
        }
        for b in crate::checks::BUILTINS {
            for k in b.meta.params {
                assert!(param(k).is_some(), "{}: `{k}` has no kind", b.meta.id);
            }
        }
    }
}
