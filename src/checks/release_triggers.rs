//! `release-triggers`: release workflows do not run on pull-request events.

use super::{Check, Code, Context, Meta, Over, Scope};
use crate::finding::{Finding, Severity};
use crate::repo::Tree;
use crate::workflow::WorkflowTree;
use crate::workflow::expr::{Scenario, Value, eval, eval_template};
use crate::workflow::publish::action_slug;
use crate::workflow::triggers::{event_names, if_false, job_outputs, skipped_jobs};
use crate::workflow::WorkflowFile;
use crate::workflow::{env_map, env_value};
use github_actions_models::common::{If, Uses};
use github_actions_models::workflow::Job;
use github_actions_models::workflow::job::{Step, StepBody};

pub struct ReleaseTriggers;

static META: Meta = Meta {
    id: "release-triggers",
    title: "Release workflows are not triggered by pull requests",
    severity: Severity::Block,
    lanes: &[],
    rationale: "`pull_request_target` runs with the base repository's secrets and a write \
        token while the pull request's author chooses what it acts on; in a workflow that \
        publishes, one crafted pull request is a release. `pull_request` from a branch of \
        the same repository also reaches the environment and its secrets. Releases should \
        start from a push to a protected branch, a tag, a GitHub release, or a deliberate \
        `workflow_dispatch`. When every job that publishes or ships is guarded by an `if:` \
        that excludes pull-request runs (an event name, a ref, or an activity type no pull \
        request has: `github.event.action == 'published'`), or by one that turns on what \
        another job computes at run time (`needs.plan.outputs.publishing`), the trigger only warns: the guard is the \
        one thing standing between a pull request and the release.",
    passes: "on:\n  push:\n    tags: ['v*']",
    fails: "on:\n  pull_request_target:\n    types: [closed]",
    fix: "Trigger the release on `push` (tags or the release branch), `release: published` or \
        `workflow_dispatch`, and move pull-request CI (building, testing, dry runs) to its own \
        workflow that holds no publish credentials.",
    params: &[],
    codes: &[
        Code {
            id: "pull-request-trigger",
            summary: "a release workflow runs for pull requests",
        },
        Code {
            id: "guarded-by-conditions",
            summary: "a release workflow runs for pull requests and only `if:` conditions keep them from releasing",
        },
    ],
};

impl Check for ReleaseTriggers {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Workflows(Over::Releases)
    }

    fn workflow(&self, cx: &Context<'_>, wf: &WorkflowFile, out: &mut Vec<Finding>) {
        check(cx.tree, wf, out)
    }
}

const PR_EVENTS: &[&str] = &["pull_request_target", "pull_request"];

fn check(tree: &Tree, wf: &WorkflowFile, out: &mut Vec<Finding>) {
    let events = event_names(&wf.model.on);
    if !PR_EVENTS.iter().any(|ev| events.iter().any(|e| e == ev)) {
        return;
    }
    let pr = PrRun::of(wf);
    let unguarded: Vec<&str> = wf
        .release
        .releasing_jobs()
        .filter(|r| !guarded(tree, wf, &r.id, &pr, 0))
        .map(|r| r.id.as_str())
        .collect();
    for ev in PR_EVENTS {
        if !events.iter().any(|e| e == ev) {
            continue;
        }
        let loc = wf.top().key("on").key(ev).locate_key();
        let base = format!("release workflow `{}` runs on `{ev}`", wf.file_name());
        if *ev == "pull_request" && unguarded.is_empty() {
            out.push(
                Finding::new(
                    loc,
                    format!(
                        "{base}; its publishing and shipping steps are kept off pull-request runs only by conditions (`if:`, or a `push:` input), which is all that stands between a pull request and a release"
                    ),
                    "move pull-request CI to its own workflow so the release workflow never runs for a pull request",
                )
.code("guarded-by-conditions")
                .warn_only(),
            );
            continue;
        }
        let why = if *ev == "pull_request_target" {
            "it runs with this repository's secrets and write token on behalf of the pull request's author"
        } else {
            "a pull request from a branch of this repository reaches its credentials"
        };
        let jobs = if unguarded.is_empty() {
            String::new()
        } else {
            format!(
                " (publishing or shipping without a guard: {})",
                unguarded
                    .iter()
                    .map(|j| format!("`{j}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.push(Finding::new(
            loc,
            format!("{base}: {why}{jobs}"),
            "trigger releases on push to a protected branch, a tag, `release` or `workflow_dispatch`; run pull-request CI in a separate workflow",
        )
.code("pull-request-trigger"));
    }
}

/// Whether a job cannot publish or ship on a pull-request run: the job is
/// skipped there, or every publishing or shipping step's `if:` is false, or
/// it calls a local reusable workflow whose every publishing or shipping job
/// is itself kept off a pull-request run (the called workflow sees the
/// caller's event and ref).
fn guarded(tree: &Tree, wf: &WorkflowFile, job_id: &str, pr: &PrRun, depth: usize) -> bool {
    if pr.skipped.contains(job_id) {
        return true;
    }
    // A job-level `if:` that turns on what other jobs compute at run time
    // (`needs.plan.outputs.publishing == 'true'`) cannot be decided here:
    // a condition stands between the pull request and the job, so the
    // trigger warns rather than blocks.
    let cond = wf.model.jobs.get(job_id).and_then(|j| match j {
        Job::NormalJob(n) => n.r#if.as_ref(),
        Job::ReusableWorkflowCallJob(c) => c.r#if.as_ref(),
    });
    if cond.is_some_and(|c| decided_at_run_time(c, &pr.scenario)) {
        return true;
    }
    if let Some(Job::ReusableWorkflowCallJob(call)) = wf.model.jobs.get(job_id) {
        return callee_guarded(tree, &call.uses, depth);
    }
    let Some((_, job)) = wf.normal_jobs().find(|(id, _)| *id == job_id) else {
        return false;
    };
    let Some(role) = wf.release.job(job_id) else {
        return false;
    };
    let steps: Vec<usize> = role
        .publishes
        .iter()
        .map(|p| p.step)
        .chain(role.ships.iter().map(|s| s.step))
        .collect();
    !steps.is_empty()
        && steps.iter().all(|i| {
            job.steps
                .get(*i)
                .is_some_and(|s| step_inert_on_pr(s, &pr.scenario))
        })
}

/// Whether a local reusable workflow publishes and ships only from jobs a
/// pull-request run of its caller skips. Inputs the caller passes are not
/// known here, so only conditions false whatever they hold count (the
/// evaluator leaves `inputs.*` unknown). A remote workflow, one that cannot
/// be read, or a chain deeper than four calls is not guarded.
fn callee_guarded(tree: &Tree, uses: &Uses, depth: usize) -> bool {
    let Uses::Local(l) = uses else { return false };
    if depth >= 4 {
        return false;
    }
    let Ok(inner) = tree.workflow(l.path.trim_start_matches("./")) else {
        return false;
    };
    let pr = PrRun::called(&inner);
    let shipping: Vec<&str> = inner
        .release
        .releasing_jobs()
        .map(|r| r.id.as_str())
        .collect();
    !shipping.is_empty()
        && shipping
            .iter()
            .all(|id| guarded(tree, &inner, id, &pr, depth + 1))
}

/// Whether an `if:` turns on what a job or step computes at run time
/// (`needs.plan.outputs.publishing`, `steps.is-release.outputs.IS_RELEASE`)
/// and so cannot be decided for a pull request here: a condition stands
/// between the pull request and the release, which warns rather than blocks.
fn decided_at_run_time(cond: &If, pr: &Scenario) -> bool {
    let If::Expr(e) = cond else { return false };
    if !e.contains(".outputs.") {
        return false;
    }
    let v = if e.contains("${{") {
        eval_template(e, pr)
    } else {
        eval(e, pr)
    };
    v.is_none()
}

/// Whether a publishing or shipping step does nothing on a pull-request run:
/// its `if:` is false there, or it is `docker/build-push-action` whose
/// `push:` is (`push: ${{ github.event_name != 'pull_request' }}`).
fn step_inert_on_pr(step: &Step, pr: &Scenario) -> bool {
    if step
        .r#if
        .as_ref()
        .is_some_and(|c| false_on_pull_request(c, pr) || decided_at_run_time(c, pr))
    {
        return true;
    }
    let StepBody::Uses { uses, with } = &step.body else {
        return false;
    };
    if action_slug(uses).as_deref() != Some("docker/build-push-action") {
        return false;
    }
    let Some(push) = env_map(with).and_then(|w| w.get("push")).map(env_value) else {
        return false;
    };
    let v = if push.contains("${{") {
        eval_template(&push, pr)
    } else {
        Some(Value::Str(push))
    };
    v.is_some_and(|v| !v.truthy() || v.render().eq_ignore_ascii_case("false"))
}

/// What a pull-request run of this workflow does: the scenario, and the jobs
/// it skips.
struct PrRun {
    scenario: Scenario,
    skipped: std::collections::HashSet<String>,
}

impl PrRun {
    fn of(wf: &WorkflowFile) -> PrRun {
        let scenario =
            Scenario::new("pull_request", "refs/pull/1/merge", "1").with_outputs(job_outputs(wf));
        let skipped = skipped_jobs(wf, &scenario, &false_on_pull_request);
        PrRun { scenario, skipped }
    }

    /// A pull-request run of a workflow called by one on `pull_request`:
    /// the caller's event and ref, the caller's inputs unknown.
    fn called(wf: &WorkflowFile) -> PrRun {
        let scenario = Scenario::new("pull_request", "refs/pull/1/merge", "1")
            .called()
            .with_outputs(job_outputs(wf));
        let skipped = skipped_jobs(wf, &scenario, &false_on_pull_request);
        PrRun { scenario, skipped }
    }
}

/// Whether an `if:` is false for a `pull_request` run (or only lets a merged
/// pull request through, which runs the base branch's code).
fn false_on_pull_request(cond: &If, pr: &Scenario) -> bool {
    matches!(cond, If::Expr(e) if e.contains("pull_request.merged")) || if_false(cond, pr)
}
