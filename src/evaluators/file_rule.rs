//! `file.exists` and `file.absent`: globs over the tree's paths that must,
//! or must not, match something.

use super::Code;
use super::{Evaluator, EvaluatorSpec, ParamError, policy_location};
use crate::checks::{Context, Outcome};
use crate::finding::{Finding, Location};
use crate::policy::CustomCheck;
use serde::Deserialize;

pub static EXISTS: Evaluator = Evaluator {
    spec: EvaluatorSpec {
        name: "file.exists",
        summary: "each glob in `paths` matches at least one file (or names a directory)",
        params: &["paths"],
        doc: "Each glob of `paths` must match at least one file, or name a directory. A glob that \
            matches nothing is a finding at its line in the policy.",
        example: "[[check]]\nid = \"has-license\"\nuses = \"file.exists\"\npaths = [\"LICENSE*\"]",
        validate,
        validate_in_policy: None,
        default_lanes: &[],
        codes: &[Code {
            id: "no-match",
            summary: "no file matches one of the `paths` globs the check requires",
        }],
    },
    run: run_exists,
};

pub static ABSENT: Evaluator = Evaluator {
    spec: EvaluatorSpec {
        name: "file.absent",
        summary: "no file matches any glob in `paths`",
        params: &["paths"],
        doc: "No file may match any glob of `paths`; each matching path is a finding.",
        example: "[[check]]\nid = \"no-env-files\"\nuses = \"file.absent\"\npaths = [\"**/.env\"]",
        validate,
        validate_in_policy: None,
        default_lanes: &[],
        codes: &[Code {
            id: "forbidden-file",
            summary: "a file matches a glob under `paths` that must match nothing",
        }],
    },
    run: run_absent,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    paths: Vec<String>,
}

fn validate(c: &CustomCheck) -> Result<(), ParamError> {
    let p: Params = super::params(c)?;
    if p.paths.is_empty() {
        return Err((Some("paths"), "`paths` needs at least one glob".into()));
    }
    Ok(())
}

/// What one glob matches: files, or the directory it names literally.
fn matches(cx: &Context<'_>, glob: &str) -> Vec<String> {
    let mut hits: Vec<String> = cx
        .tree
        .glob(std::slice::from_ref(&glob.to_string()))
        .unwrap_or_default()
        .into_iter()
        .map(str::to_string)
        .collect();
    let literal = glob.trim_start_matches("./").trim_end_matches('/');
    if hits.is_empty() && cx.tree.has_path(literal) && !literal.is_empty() {
        hits.push(literal.to_string());
    }
    hits
}

fn run_exists(c: &CustomCheck, cx: &Context<'_>) -> Outcome {
    let Ok(p) = super::params::<Params>(c) else {
        return super::invalid_params(c);
    };
    let at = policy_location(c, "paths");
    let out = p
        .paths
        .iter()
        .filter(|g| matches(cx, g).is_empty())
        .map(|g| {
            Finding::new(
                at.clone(),
                format!("no file matches `{g}`"),
                c.why
                    .clone()
                    .unwrap_or_else(|| format!("add `{g}` to the repository, or fix the path")),
            )
            .code("no-match")
        })
        .collect();
    Outcome::Findings(out)
}

fn run_absent(c: &CustomCheck, cx: &Context<'_>) -> Outcome {
    let Ok(p) = super::params::<Params>(c) else {
        return super::invalid_params(c);
    };
    let mut out = Vec::new();
    for g in &p.paths {
        for path in matches(cx, g) {
            out.push(
                Finding::new(
                    Location::file(&path),
                    format!("`{path}` exists, but the policy requires nothing to match `{g}`"),
                    c.why
                        .clone()
                        .unwrap_or_else(|| format!("remove `{path}`, or change the policy")),
                )
                .code("forbidden-file"),
            );
        }
    }
    Outcome::Findings(out)
}
