//! `text.order`: in every matching file (or section, job or step), the first
//! occurrence of each pattern comes after the first occurrence of the one
//! before it.

use super::text_rule::{self, FORBIDS_PARAMS};
use super::{Code, Evaluator, EvaluatorSpec};
use crate::checks::{Context, Outcome};
use crate::finding::Finding;
use crate::policy::CustomCheck;

pub static EVALUATOR: Evaluator = Evaluator {
    spec: EvaluatorSpec {
        name: "text.order",
        summary: "in files matching `files` (or a `section`, `job` or `step` of them), the first occurrences of `patterns` / `regex` come in the order given",
        params: FORBIDS_PARAMS,
        doc: "In every file `files` matches, each pattern must occur, and the first occurrence of each \
            must come after the first occurrence of the one listed before it (literals of `patterns` \
            first, then `regex`). `section`, `job` and `step` narrow the text as for \
            `text.contains`. A missing pattern is a finding at the start of the scope; one out of \
            order is a finding at its first occurrence, naming the pattern it should follow and that \
            pattern's line. Give at least two patterns.",
        example: "[[check]]\nid = \"release-steps-in-order\"\nuses = \"text.order\"\nfiles = [\"docs/releasing.md\"]\npatterns = [\"mix test\", \"mix hex.build\", \"mix hex.publish\"]",
        validate,
        validate_in_policy: None,
        default_lanes: &[],
        codes: &[
            Code {
                id: "no-file",
                summary: "no file matches `files`, so the order cannot be checked",
            },
            Code {
                id: "text-missing",
                summary: "a file lacks one of the patterns whose order is checked",
            },
            Code {
                id: "wrong-order",
                summary: "the patterns appear in another order than the check requires",
            },
            text_rule::NO_SECTION,
            text_rule::NO_SUCH_JOB,
            text_rule::NO_SUCH_STEP,
            text_rule::UNLOCATABLE,
        ],
    },
    run,
};

fn validate(c: &CustomCheck) -> Result<(), super::ParamError> {
    let (_, patterns) = text_rule::load(c)?;
    if patterns.len() < 2 {
        return Err((
            Some("patterns"),
            "an order needs at least two patterns".into(),
        ));
    }
    Ok(())
}

fn run(c: &CustomCheck, cx: &Context<'_>) -> Outcome {
    let rule = match text_rule::start(c, cx) {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let mut out = rule.problems;
    if rule.scopes.is_empty() && out.is_empty() {
        out.push(
            Finding::new(
                rule.at,
                format!(
                    "no file matches `files` ({}), so the order cannot be checked",
                    rule.params.files.join(", ")
                ),
                "fix the glob, or restore the file",
            )
            .code("no-file"),
        );
        return Outcome::Findings(out);
    }
    for s in &rule.scopes {
        let text = s.text();
        // The last pattern found, with its first match.
        let mut prev: Option<(&str, regex::Match<'_>)> = None;
        for pat in &rule.patterns {
            let Some(m) = pat.re.find(text) else {
                out.push(
                    Finding::new(
                        s.start.clone(),
                        format!("{} does not contain {}", s.shown, pat.shown),
                        c.why
                            .clone()
                            .unwrap_or_else(|| format!("add {} to {}", pat.shown, s.shown)),
                    )
                    .code("text-missing"),
                );
                continue;
            };
            if let Some((before, pm)) = prev
                && m.start() < pm.start()
            {
                let pl = s.location(pm.start(), pm.len());
                out.push(
                    Finding::new(
                        s.location(m.start(), m.len()),
                        format!(
                            "{}: {} comes before {} (line {}), but the order is {} then {}",
                            s.shown, pat.shown, before, pl.line, before, pat.shown
                        ),
                        c.why.clone().unwrap_or_else(|| {
                            let all: Vec<&str> =
                                rule.patterns.iter().map(|p| p.shown.as_str()).collect();
                            format!("reorder {}: {}", s.shown, all.join(" → "))
                        }),
                    )
                    .code("wrong-order"),
                );
                // Keep comparing against the later of the two.
                continue;
            }
            prev = Some((pat.shown.as_str(), m));
        }
    }
    Outcome::Findings(out)
}
