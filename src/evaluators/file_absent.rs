//! `file.absent`: nothing in the tree matches any of `paths` (globs).

use super::{Evaluator, ParamError};
use crate::checks::{Context, Outcome};
use crate::finding::{Finding, Location};
use crate::policy::CustomCheck;
use serde::Deserialize;

pub static EVALUATOR: Evaluator = Evaluator {
    name: "file.absent",
    summary: "no file matches any glob in `paths`",
    params: &["paths"],
    validate,
    run,
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

fn run(c: &CustomCheck, cx: &Context<'_>) -> Outcome {
    let Ok(p) = super::params::<Params>(c) else {
        return Outcome::Findings(vec![Finding::new(
            c.location.clone(),
            "invalid parameters",
            "fix the check's parameters",
        )]);
    };
    let mut out = Vec::new();
    for g in &p.paths {
        let mut hits: Vec<String> = cx
            .tree
            .glob(std::slice::from_ref(g))
            .unwrap_or_default()
            .into_iter()
            .map(str::to_string)
            .collect();
        let literal = g.trim_start_matches("./").trim_end_matches('/');
        if hits.is_empty() && cx.tree.is_dir(literal) {
            hits.push(literal.to_string());
        }
        for path in hits {
            out.push(Finding::new(
                Location::file(&path),
                format!("`{path}` exists, but the policy requires nothing to match `{g}`"),
                c.why
                    .clone()
                    .unwrap_or_else(|| format!("remove `{path}`, or change the policy")),
            ));
        }
    }
    Outcome::Findings(out)
}
