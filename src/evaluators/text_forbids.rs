//! `text.forbids`: no matching file (or its Markdown section) contains any
//! pattern; each occurrence is a finding at its line.

use super::Evaluator;
use super::text_rule::{self, PARAMS};
use crate::checks::{Context, Outcome};
use crate::finding::Finding;
use crate::policy::CustomCheck;

pub static EVALUATOR: Evaluator = Evaluator {
    name: "text.forbids",
    summary: "files matching `files` (optionally only a Markdown `section`) contain no literal in `patterns` and no `regex` match",
    params: PARAMS,
    validate: text_rule::validate,
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
        let text = &s.file.text[s.range.clone()];
        let mut n = 0;
        for pat in &rule.patterns {
            for m in pat.re.find_iter(text) {
                if n == MAX_PER_FILE {
                    break;
                }
                n += 1;
                let start = s.range.start + m.start();
                let (el, ec) = s.file.lines.position(&s.file.text, s.range.start + m.end());
                out.push(Finding::new(
                    s.file.location(&s.path, start).with_end(el, ec),
                    format!(
                        "{} contains forbidden {}: \"{}\"",
                        s.path,
                        pat.shown,
                        m.as_str()
                    ),
                    c.why
                        .clone()
                        .unwrap_or_else(|| "remove or reword the text".to_string()),
                ));
            }
        }
    }
    Outcome::Findings(out)
}
