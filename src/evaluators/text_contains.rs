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
    let rule = match text_rule::start(c, cx) {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let mut out = rule.problems;
    if rule.scopes.is_empty() && out.is_empty() {
        out.push(Finding::new(
            rule.at,
            format!(
                "no file matches `files` ({}), so the required text is nowhere",
                rule.params.files.join(", ")
            ),
            "fix the glob, or restore the file",
        ));
        return Outcome::Findings(out);
    }
    for s in &rule.scopes {
        let text = &s.file.text[s.range.clone()];
        for pat in &rule.patterns {
            if !pat.re.is_match(text) {
                let place = match &rule.params.section {
                    Some(t) => format!("the \"{t}\" section of {}", s.path),
                    None => s.path.clone(),
                };
                out.push(Finding::new(
                    s.start.clone(),
                    format!("{place} does not contain {}", pat.shown),
                    c.why
                        .clone()
                        .unwrap_or_else(|| format!("add {} to {place}", pat.shown)),
                ));
            }
        }
    }
    Outcome::Findings(out)
}
