//! `action-node-runtime`: a local JavaScript action that a workflow uses
//! declares a Node runtime GitHub still provides.

use super::{Check, Code, Context, Meta, Outcome};
use crate::finding::{Finding, Location, Severity};
use github_actions_models::common::Uses;
use github_actions_models::workflow::Job;
use github_actions_models::workflow::job::StepBody;
use std::collections::BTreeSet;

pub struct ActionNodeRuntime;

static META: Meta = Meta {
    id: "action-node-runtime",
    title: "Local JavaScript actions declare a Node runtime GitHub still provides",
    severity: Severity::Warn,
    lanes: &[],
    rationale: "A JavaScript action names the Node version the runner starts it with in \
        `runs.using`. GitHub retires old ones: `node12` and `node16` are gone from hosted \
        runners, which run such actions on a newer Node instead, and `node20` is being \
        replaced by `node24`. An action written for the old runtime can then fail on the \
        day of a release, in a step nobody has touched. Only actions in this repository \
        that a workflow uses (`uses: ./path`) are read; published actions are their \
        authors' business.",
    passes: "# .github/actions/stamp/action.yml\nruns:\n  using: node24\n  main: dist/index.js",
    fails: "# .github/actions/stamp/action.yml\nruns:\n  using: node16\n  main: dist/index.js",
    fix: "Set `runs.using: node24`, rebuild the action's bundle with that Node, and run the \
        workflows that use it once before the next release.",
    params: &[],
    codes: &[
        Code {
            id: "retired-node",
            summary: "a local JavaScript action runs on a Node version GitHub-hosted runners no longer support",
        },
        Code {
            id: "unparseable-action",
            summary: "a local action's metadata file is not valid YAML, so its runtime cannot be judged",
        },
    ],
};

impl Check for ActionNodeRuntime {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn project(&self, cx: &Context<'_>) -> Outcome {
        run(cx)
    }
}

/// Runtimes hosted runners no longer provide, or are retiring.
const RETIRED: &[&str] = &["node12", "node16", "node20"];

fn run(cx: &Context<'_>) -> Outcome {
    let wfs = cx.workflows();
    let mut out = wfs.broken.clone();
    // Every local action directory a workflow step uses, once.
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for wf in &wfs.parsed {
        for job in wf.model.jobs.values() {
            let Job::NormalJob(job) = job else { continue };
            for step in &job.steps {
                if let StepBody::Uses {
                    uses: Uses::Local(l),
                    ..
                } = &step.body
                {
                    let dir = l.path.trim_start_matches("./").trim_end_matches('/');
                    if !dir.contains("${{") && !dir.split('/').any(|s| s == "..") {
                        dirs.insert(dir.to_string());
                    }
                }
            }
        }
    }
    let mut judged = 0;
    for dir in &dirs {
        let Some(file) = ["action.yml", "action.yaml"]
            .iter()
            .map(|f| {
                if dir.is_empty() {
                    (*f).to_string()
                } else {
                    format!("{dir}/{f}")
                }
            })
            .find(|p| cx.tree.exists(p))
        else {
            continue;
        };
        let text = match cx.tree.text(&file) {
            Ok(t) => t,
            Err(e) => {
                out.push(e.to_finding());
                continue;
            }
        };
        let value: yaml_serde::Value = match yaml_serde::from_str(&text.text) {
            Ok(v) => v,
            Err(e) => {
                out.push(
                    Finding::new(
                        Location::file(&file),
                        format!("{file} is not valid YAML, so its runtime cannot be judged: {e}"),
                        "fix the action's metadata file",
                    )
                    .code("unparseable-action"),
                );
                continue;
            }
        };
        judged += 1;
        let Some(using) = value
            .get("runs")
            .and_then(|r| r.get("using"))
            .and_then(|u| u.as_str())
        else {
            continue;
        };
        let using = using.trim().to_ascii_lowercase();
        if !RETIRED.contains(&using.as_str()) {
            continue;
        }
        let line = text
            .text
            .lines()
            .position(|l| {
                let t = l.trim_start();
                t.starts_with("using:") && t.to_ascii_lowercase().contains(&using)
            })
            .map_or(1, |i| i + 1);
        let column = text
            .text
            .lines()
            .nth(line - 1)
            .map_or(1, |l| l.len() - l.trim_start().len() + 1);
        out.push(Finding::new(
            Location::new(&file, line, column),
            format!(
                "local action `{dir}` runs on `{using}`, a Node runtime GitHub-hosted runners have retired or are retiring"
            ),
            "set `runs.using: node24` and rebuild the action with Node 24",
        )
.code("retired-node"));
    }
    if judged == 0 && out.is_empty() {
        return Outcome::Skip("no workflow uses a local action".into());
    }
    Outcome::Findings(out)
}
