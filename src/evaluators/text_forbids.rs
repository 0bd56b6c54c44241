//! `text.forbids`: no matching file (or its Markdown section, or one job or
//! step of a workflow) contains any pattern; each occurrence is a finding at
//! its line.

use super::text_rule::{self, FORBIDS_PARAMS};
use super::{Code, Evaluator, EvaluatorSpec};
use crate::checks::{Context, Outcome};
use crate::finding::Finding;
use crate::policy::CustomCheck;

pub static EVALUATOR: Evaluator = Evaluator {
    spec: EvaluatorSpec {
        name: "text.forbids",
        summary: "files matching `files` (optionally only a Markdown `section`, or a workflow `job`/`step`) contain no literal in `patterns` and no `regex` match",
        params: FORBIDS_PARAMS,
        doc: "No file `files` matches may contain a literal of `patterns` or a match of a `regex`; \
            each occurrence is a finding at its line and column. `section`, `job` and `step` narrow \
            the files as for `text.contains`, and a job or step that is not there is a finding, not \
            a pass. The check is skipped when no file matches.",
        example: "[[check]]\nid = \"no-continue-on-error-in-publish\"\nuses = \"text.forbids\"\nfiles = [\".github/workflows/release.yml\"]\njob = \"publish\"\npatterns = [\"continue-on-error\"]",
        validate: text_rule::validate,
        validate_in_policy: None,
        default_lanes: &[],
        codes: &[
            Code {
                id: "forbidden-text",
                summary: "a file (or its section, job or step) contains a forbidden pattern",
            },
            text_rule::NO_SECTION,
            text_rule::NO_SUCH_JOB,
            text_rule::NO_SUCH_STEP,
            text_rule::UNLOCATABLE,
        ],
    },
    run,
};

/// Enough to show every occurrence a person would fix by hand.
const MAX_PER_FILE: usize = 200;

fn run(c: &CustomCheck, cx: &Context<'_>) -> Outcome {
    let rule = match text_rule::start(c, cx) {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let mut out = rule.problems;
    if rule.scopes.is_empty() && out.is_empty() {
        return Outcome::Skip(format!("no file matches {}", rule.params.files.join(", ")));
    }
    for s in &rule.scopes {
        let text = s.text();
        let mut n = 0;
        for pat in &rule.patterns {
            for m in pat.re.find_iter(text) {
                if n == MAX_PER_FILE {
                    break;
                }
                n += 1;
                out.push(
                    Finding::new(
                        s.location(m.start(), m.len()),
                        format!(
                            "{} contains forbidden {}: \"{}\"",
                            s.shown,
                            pat.shown,
                            m.as_str()
                        ),
                        c.why
                            .clone()
                            .unwrap_or_else(|| "remove or reword the text".to_string()),
                    )
                    .code("forbidden-text"),
                );
            }
        }
    }
    Outcome::Findings(out)
}
