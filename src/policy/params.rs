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
    /// A table of strings, integers and booleans (`with = { fetch-depth = 0 }`).
    Table,
}

impl Kind {
    /// How an error names what was expected.
    pub fn expected(self) -> &'static str {
        match self {
            Kind::Str => "a string",
            Kind::Strings => "an array of strings",
            Kind::Globs => "an array of glob strings",
            Kind::Bool => "true or false",
            Kind::Table => "a table of strings, integers or booleans",
        }
    }

    /// The JSON Schema of a value of this kind.
    pub fn schema(self) -> Json {
        match self {
            Kind::Str => json!({"type": "string"}),
            Kind::Strings | Kind::Globs => json!({"type": "array", "items": {"type": "string"}}),
            Kind::Bool => json!({"type": "boolean"}),
            Kind::Table => json!({
                "type": "object",
                "additionalProperties": {"type": ["string", "integer", "boolean"]},
            }),
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
            (Kind::Table, Value::Table(entries)) => entries
                .iter()
                .find(|e| {
                    !matches!(
                        e.node.value,
                        Value::Str(_) | Value::Bool(_) | Value::Scalar(_)
                    )
                })
                .map(|e| e.node.span.start),
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
        "exclusive",
        Kind::Strings,
        "Commands no job but `job` may run, in any workflow of the tree (it need not run them).",
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
        "The GitHub environment: the one the evidence must describe (settings.environment), \
         or the one the job deploys to (workflow.job).",
    ),
    p(
        "permissions",
        Kind::Table,
        "The job's token permissions, exactly: each scope listed has this value, and every \
         scope not listed is absent or `none` (`{}`: the job sets `permissions: {}`).",
    ),
    p(
        "needs",
        Kind::Strings,
        "Jobs the job needs (at least these).",
    ),
    p(
        "if_contains",
        Kind::Strings,
        "Text the job's `if:` contains (whitespace-insensitive); each must be there.",
    ),
    p("outputs", Kind::Strings, "Outputs the job declares."),
    p("runs_on", Kind::Str, "A label of the job's `runs-on`."),
    p(
        "step_uses",
        Kind::Str,
        "The action the step uses (owner/action, any ref); without `step`, some step of the job uses it.",
    ),
    p(
        "with",
        Kind::Table,
        "Inputs the step passes to its action: each key is there with this value.",
    ),
    p(
        "has",
        Kind::Strings,
        "Events that must trigger the workflow (push, workflow_dispatch, schedule, …).",
    ),
    p(
        "has_not",
        Kind::Strings,
        "Events that must not trigger the workflow.",
    ),
    p(
        "push_branches",
        Kind::Strings,
        "Exactly the `branches` filter of `on.push` ([]: none, so only tags push).",
    ),
    p(
        "push_tags",
        Kind::Strings,
        "Exactly the `tags` filter of `on.push` ([]: none).",
    ),
    p(
        "dispatch_inputs",
        Kind::Table,
        "`workflow_dispatch` inputs, by name: \"required string\", \"boolean\", \"required choice\", … \
         (the type, after `required` when it must be required).",
    ),
    p(
        "workflow_run_workflows",
        Kind::Strings,
        "Exactly the `workflows` of `on.workflow_run`.",
    ),
    p(
        "workflow_run_types",
        Kind::Strings,
        "Exactly the `types` of `on.workflow_run`.",
    ),
    p(
        "manifest",
        Kind::Str,
        "The package manifest (mix.exs, package.json or Cargo.toml), relative to the root.",
    ),
    p(
        "includes",
        Kind::Globs,
        "Globs (from the package root) the package must hold a file for.",
    ),
    p(
        "excludes",
        Kind::Globs,
        "Globs (from the package root) no packaged file may match.",
    ),
    p(
        "no_build_junk",
        Kind::Bool,
        "No packaged file is build output or clutter (_build/, deps/, *.beam, .DS_Store, …).",
    ),
    p("value", Kind::Str, "A literal every fact must equal."),
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
