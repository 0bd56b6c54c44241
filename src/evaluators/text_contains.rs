//! `text.contains`: every matching file (or its Markdown section) contains
//! each pattern.

use super::Evaluator;
use super::text_rule::{self, PARAMS};
use crate::checks::{Context, Outcome};
use crate::finding::Finding;
use crate::policy::CustomCheck;

pub static EVALUATOR: Evaluator = Evaluator {
    name: "text.contains",
    summary: "files matching `files` (optionally only a Markdown `section`) contain every literal in `patterns` and every `regex`",
    params: PARAMS,
    validate: text_rule::validate,
    run,
};

fn run(c: &CustomCheck, cx: &Context<'_>) -> Outcome {
    let (p, patterns) = match text_rule::load(c) {
        Ok(x) => x,
        Err((_, msg)) => {
            return Outcome::Findings(vec![Finding::new(
                c.location.clone(),
                msg,
                "fix the check's parameters",
            )]);
        }
    };
    let at = super::policy_location(c, "files");
    let (scopes, mut out) = match text_rule::scopes(cx, &p, &at) {
        Ok(x) => x,
        Err(f) => return Outcome::Findings(vec![*f]),
    };
    if scopes.is_empty() && out.is_empty() {
        out.push(Finding::new(
            at,
            format!(
                "no file matches `files` ({}), so the required text is nowhere",
                p.files.join(", ")
            ),
            "fix the glob, or restore the file",
        ));
        return Outcome::Findings(out);
    }
    let why = c.why.clone();
    for s in &scopes {
        let text = &s.file.text[s.range.clone()];
        for pat in &patterns {
            if !pat.re.is_match(text) {
                let place = match &p.section {
                    Some(t) => format!("the \"{t}\" section of {}", s.path),
                    None => s.path.clone(),
                };
                out.push(Finding::new(
                    s.start.clone(),
                    format!("{place} does not contain {}", pat.shown),
                    why.clone()
                        .unwrap_or_else(|| format!("add {} to {place}", pat.shown)),
                ));
            }
        }
    }
    Outcome::Findings(out)
}
