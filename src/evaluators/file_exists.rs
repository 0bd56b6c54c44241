//! `file.exists`: each of `paths` (globs) matches at least one file or directory.

use super::{Evaluator, ParamError};
use crate::checks::{Context, Outcome};
use crate::finding::{Finding, Location};
use crate::policy::CustomCheck;
use serde::Deserialize;

pub static EVALUATOR: Evaluator = Evaluator {
    name: "file.exists",
    summary: "each glob in `paths` matches at least one file (or names a directory)",
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
    let at = match c.param_lines.get("paths") {
        Some(l) => Location::new(c.location.path.clone(), *l, 1),
        None => c.location.clone(),
    };
    let mut out = Vec::new();
    for g in &p.paths {
        let found = cx.tree.has_path(g.trim_start_matches("./"))
            || cx
                .tree
                .glob(std::slice::from_ref(g))
                .map(|m| !m.is_empty())
                .unwrap_or(false);
        if !found {
            out.push(Finding::new(
                at.clone(),
                format!("no file matches `{g}`"),
                c.why
                    .clone()
                    .unwrap_or_else(|| format!("add `{g}` to the repository, or fix the path")),
            ));
        }
    }
    Outcome::Findings(out)
}
