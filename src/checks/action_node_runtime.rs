//! `action-node-runtime`: a local JavaScript action that a workflow uses
//! declares a Node runtime GitHub still provides.

use super::{Check, Code, Context, Meta, Outcome, Scope, Seen, WorkflowVisitor};
use crate::finding::{Finding, Location, Severity};
use crate::repo::Tree;
use crate::workflow::WorkflowFile;
use github_actions_models::common::Uses;
use github_actions_models::workflow::Job;
use github_actions_models::workflow::job::StepBody;
use std::collections::BTreeSet;
use std::sync::Mutex;

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

    fn scope(&self) -> Scope {
        Scope::AcrossWorkflows
    }

    fn across_workflows<'a>(
        &self,
        cx: &'a Context<'a>,
    ) -> Result<Box<dyn WorkflowVisitor + 'a>, Outcome> {
        Ok(Box::new(LocalActions {
            tree: cx.tree,
            dirs: Mutex::new(BTreeSet::new()),
        }))
    }
}

/// The check's side of the workflow pass: every local action directory a
/// workflow step uses, once; the actions are judged when the pass ends.
struct LocalActions<'a> {
    tree: &'a Tree,
    dirs: Mutex<BTreeSet<String>>,
}

impl WorkflowVisitor for LocalActions<'_> {
    fn visit(&self, wf: &WorkflowFile) -> Vec<Finding> {
        let mut found = Vec::new();
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
                        found.push(dir.to_string());
                    }
                }
            }
        }
        if !found.is_empty()
            && let Ok(mut dirs) = self.dirs.lock()
        {
            dirs.extend(found);
        }
        Vec::new()
    }

    fn finish(self: Box<Self>, seen: &Seen, _visited: Vec<Finding>) -> Outcome {
        let dirs = self.dirs.into_inner().unwrap_or_default();
        judge(self.tree, seen.broken.clone(), &dirs)
    }
}

/// Runtimes hosted runners no longer provide, or are retiring.
const RETIRED: &[&str] = &["node12", "node16", "node20"];

fn judge(tree: &Tree, mut out: Vec<Finding>, dirs: &BTreeSet<String>) -> Outcome {
    let mut judged = 0;
    for dir in dirs {
        let Some(file) = ["action.yml", "action.yaml"]
            .iter()
            .map(|f| {
                if dir.is_empty() {
                    (*f).to_string()
                } else {
                    format!("{dir}/{f}")
                }
            })
            .find(|p| tree.exists(p))
        else {
            continue;
        };
        let text = match tree.text(&file) {
            Ok(t) => t,
            Err(e) => {
                out.push(e.to_finding());
                continue;
            }
        };
        // Bounded like a workflow: nesting and alias expansion are refused
        // before the parser sees them (a deep `[[[…` stalls it).
        let parsed = crate::workflow::parse_yaml_file(&file, &text.text, "action");
        let value: yaml_serde::Value = match parsed {
            Ok((v, _)) => v,
            Err(e) => {
                out.push(
                    Finding::new(
                        e.location.clone(),
                        format!("{file}'s runtime cannot be judged: {}", e.message),
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
