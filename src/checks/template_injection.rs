//! `template-injection`: values an outsider writes are never expanded into
//! a script of a release workflow.

use super::{Code, Meta, ReleaseWorkflowCheck};
use crate::finding::{Finding, Location, Severity};
use crate::workflow::contexts::{Control, caller_events, control, filled_by, is_outsider_field};
use crate::workflow::expr::{context_paths, flowing_paths, interpolations};
use crate::workflow::publish::action_slug;
use crate::workflow::triggers::event_names;
use crate::workflow::{WorkflowFile, env_map, env_value};
use github_actions_models::workflow::job::StepBody;

pub static CHECK: ReleaseWorkflowCheck = ReleaseWorkflowCheck {
    meta: &META,
    judge: check,
};

static META: Meta = Meta {
    id: "template-injection",
    title: "Release scripts do not expand attacker-controlled expressions",
    severity: Severity::Block,
    lanes: &[],
    rationale: "GitHub substitutes `${{ … }}` into a `run:` script before the shell reads it. \
        A commit message, branch name, pull-request title or author name is text an outsider \
        chooses; written as `\"; curl … | sh; echo \"` it becomes part of the script and runs \
        with the release job's token and credentials. Passing the value through `env:` and \
        quoting the variable keeps it data. Workflow inputs are chosen by whoever can \
        dispatch the workflow, a smaller circle, so they warn.",
    passes: "- run: ./notify.sh \"$AUTHOR\"\n  env:\n    AUTHOR: ${{ github.event.head_commit.author.name }}",
    fails: "- run: ./notify.sh \"${{ github.event.head_commit.author.name }}\"",
    fix: "Move each expression into the step's `env:` (`AUTHOR: ${{ … }}`) and use the \
        quoted shell variable (`\"$AUTHOR\"`) in the script; in `actions/github-script`, read \
        `context.payload` or `process.env` instead of interpolating.",
    params: &[],
    codes: &[
        Code {
            id: "outsider-controlled",
            summary: "a `run:` script expands text that anyone outside the project controls",
        },
        Code {
            id: "dispatcher-controlled",
            summary: "a `run:` script expands text that whoever starts the workflow chooses",
        },
    ],
};

fn check(wf: &WorkflowFile, out: &mut Vec<Finding>) {
    let events = event_names(&wf.model.on);
    for (job_id, job) in wf.normal_jobs() {
        for (i, step) in job.steps.iter().enumerate() {
            let (key, script) = match &step.body {
                StepBody::Run { run, .. } => ("run", run.clone()),
                StepBody::Uses { uses, with } => {
                    if action_slug(uses).as_deref() != Some("actions/github-script") {
                        continue;
                    }
                    match env_map(with).and_then(|w| w.get("script")) {
                        Some(s) => ("script", env_value(s)),
                        None => continue,
                    }
                }
            };
            let mut at = wf.job(job_id).step(i).location();
            if key == "script" {
                at = at.key("with");
            }
            let at = at.key(key);
            for (offset, whole, inner) in interpolations(&script) {
                let line = script[..offset].matches('\n').count();
                let loc = at.locate_command(line, whole);
                judge(&events, loc, job_id, whole, inner, out);
            }
        }
    }
}

fn judge(
    events: &[String],
    loc: Location,
    job_id: &str,
    whole: &str,
    inner: &str,
    out: &mut Vec<Finding>,
) {
    // Only what can reach the rendered text matters: `contains(title, 'x')`
    // renders `true` or `false`. An expression that cannot be read is judged
    // on every context it names.
    let paths = flowing_paths(inner).unwrap_or_else(|| context_paths(inner));
    let outsider: Vec<&String> = paths
        .iter()
        .filter(|p| {
            control(p) == Control::Outsider
                && reachable(p, events)
                && (is_outsider_field(p) || spills_objects(inner))
        })
        .collect();
    let caller: Vec<&String> = paths
        .iter()
        .filter(|p| {
            control(p) == Control::Caller
                && caller_events(p)
                    .is_some_and(|by| events.iter().any(|e| by.contains(&e.as_str())))
        })
        .collect();
    let var = suggest_var(paths.first().map(String::as_str).unwrap_or("VALUE"));
    let help = format!(
        "pass it through the step's env (`{var}: {whole}`) and use \"${var}\" in the script"
    );
    if let Some(p) = outsider.first() {
        out.push(Finding::new(
            loc,
            format!(
                "`{whole}` in job `{job_id}` expands `{p}`, which an outsider controls, straight into the script"
            ),
            help,
        )
.code("outsider-controlled"));
    } else if let Some(p) = caller.first() {
        out.push(
            Finding::new(
                loc,
                format!(
                    "`{whole}` in job `{job_id}` expands `{p}`, which whoever starts the workflow chooses, straight into the script"
                ),
                help,
            )
.code("dispatcher-controlled")
            .warn_only(),
        );
    }
}

/// Whether the expression serialises whole objects (`toJSON(github.event)`);
/// elsewhere an object renders as `Object`.
fn spills_objects(expr: &str) -> bool {
    let e = expr.to_ascii_lowercase();
    e.contains("tojson(")
}

/// Whether some trigger of the workflow (or its caller, for `workflow_call`)
/// fills the context.
fn reachable(path: &str, events: &[String]) -> bool {
    match filled_by(path) {
        None => true,
        Some(by) => events
            .iter()
            .any(|e| e == "workflow_call" || by.contains(&e.as_str())),
    }
}

/// `github.event.head_commit.author.name` → `AUTHOR_NAME`.
fn suggest_var(path: &str) -> String {
    let segs: Vec<&str> = path.split('.').filter(|s| *s != "*").collect();
    let tail = &segs[segs.len().saturating_sub(2)..];
    let v = tail.join("_").replace('-', "_").to_ascii_uppercase();
    if v.is_empty() { "VALUE".into() } else { v }
}
