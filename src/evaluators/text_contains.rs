//! `text.contains`: every matching file (or its Markdown section, or one job
//! or step of a workflow) contains each pattern; with `match = "any"`, some
//! file does; with `only_in_job`, no other part of any workflow does.

use super::text_rule::{self, CONTAINS_PARAMS};
use super::{Code, Evaluator, EvaluatorSpec};
use crate::checks::{Context, Outcome};
use crate::finding::Finding;
use crate::policy::CustomCheck;

pub static EVALUATOR: Evaluator = Evaluator {
    spec: EvaluatorSpec {
        name: "text.contains",
        summary: "files matching `files` (optionally only a Markdown `section`, or a workflow `job`/`step`) contain every literal in `patterns` and every `regex`",
        params: CONTAINS_PARAMS,
        doc: "Every file `files` matches must contain each literal of `patterns` and a match of each \
            `regex`. `section = \"Heading\"` narrows a Markdown file to the text under that heading. \
            `job = \"publish\"` narrows a workflow to that job, and `step = \"name, id or owner/action\"` \
            to its matching steps; a selected workflow without the job, or a job without the step, is \
            a finding at its `jobs:` (or `steps:`) key, never a pass. `only_in_job = true` also \
            forbids the patterns everywhere else in every workflow of the tree (\"HEX_API_KEY appears \
            only in the publish job\"): each stray occurrence is a finding at its line. \
            `match = \"any\"` asks that each pattern appear in at least one of the files instead of \
            in all of them. A missing pattern is reported at the top of the file, the section's \
            heading, or the job's or step's key; a glob that matches nothing blocks at its line in \
            the policy.",
        example: "[[check]]\nid = \"hex-key-only-in-publish\"\nuses = \"text.contains\"\nfiles = [\".github/workflows/release.yml\"]\njob = \"publish\"\npatterns = [\"secrets.HEX_API_KEY\"]\nonly_in_job = true",
        validate: text_rule::validate,
        validate_in_policy: None,
        default_lanes: &[],
        codes: &[
            Code {
                id: "no-file",
                summary: "no file matches `files`, so the required text is nowhere",
            },
            Code {
                id: "text-missing",
                summary: "a file (or its section, job or step) lacks a required pattern",
            },
            Code {
                id: "outside-job",
                summary: "a pattern allowed only in one job appears elsewhere",
            },
            text_rule::NO_SECTION,
            text_rule::NO_SUCH_JOB,
            text_rule::NO_SUCH_STEP,
            text_rule::UNLOCATABLE,
        ],
    },
    run,
};

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
                    "no file matches `files` ({}), so the required text is nowhere",
                    rule.params.files.join(", ")
                ),
                "fix the glob, or restore the file",
            )
            .code("no-file"),
        );
        return Outcome::Findings(out);
    }
    let help = |default: String| c.why.clone().unwrap_or(default);
    if rule.params.any_file() {
        for pat in &rule.patterns {
            if !rule.scopes.is_empty() && !rule.scopes.iter().any(|s| pat.re.is_match(s.text())) {
                let names: Vec<&str> = rule.scopes.iter().map(|s| s.shown.as_str()).collect();
                out.push(
                    Finding::new(
                        rule.at.clone(),
                        format!("none of {} contains {}", names.join(", "), pat.shown),
                        help(format!("add {} to one of them", pat.shown)),
                    )
                    .code("text-missing"),
                );
            }
        }
    } else {
        for s in &rule.scopes {
            for pat in &rule.patterns {
                if !pat.re.is_match(s.text()) {
                    out.push(
                        Finding::new(
                            s.start.clone(),
                            format!("{} does not contain {}", s.shown, pat.shown),
                            help(format!("add {} to {}", pat.shown, s.shown)),
                        )
                        .code("text-missing"),
                    );
                }
            }
        }
    }
    if rule.params.only_in_job
        && let Some(job) = &rule.params.job
    {
        for s in text_rule::outside_job(cx, job) {
            for pat in &rule.patterns {
                for m in pat.re.find_iter(s.text()).take(50) {
                    out.push(
                        Finding::new(
                            s.location(m.start(), m.len()),
                            format!(
                                "{} holds {} (\"{}\") outside job `{job}`, the only job that may",
                                s.path,
                                pat.shown,
                                m.as_str()
                            ),
                            help(format!("move it into job `{job}`, or remove it")),
                        )
                        .code("outside-job"),
                    );
                }
            }
        }
    }
    Outcome::Findings(out)
}
