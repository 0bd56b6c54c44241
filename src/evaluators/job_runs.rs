//! `workflow.job-runs`: a job runs the commands a release contract names,
//! in order, and (optionally) no other job does.

use super::Code;
use super::{Evaluator, EvaluatorSpec, ParamError, params};
use crate::checks::{Context, Outcome};
use crate::finding::{Finding, Location};
use crate::policy::CustomCheck;
use crate::shell::{Command, commands};
use crate::workflow::WorkflowFile;
use crate::workflow::WorkflowTree;
use crate::workflow::publish::action_slug;
use github_actions_models::workflow::job::{NormalJob, StepBody};
use serde::Deserialize;

pub static EVALUATOR: Evaluator = Evaluator {
    spec: EvaluatorSpec {
        name: "workflow.job-runs",
        summary: "a workflow job (with the composite actions and scripts it reaches) runs the given commands (in order); `only_in_job` / `exclusive` keep commands to that job",
        params: &[
            "files",
            "job",
            "job_uses",
            "runs",
            "runs_in_order",
            "only_in_job",
            "exclusive",
        ],
        doc: "The job named by `job` (or the job that uses the action `job_uses`) must run each command of \
            `runs`, and the commands of `runs_in_order` in that order. Commands are matched as \
            commands inside `run:` scripts (across `&&`, `;` and line continuations, with flags allowed \
            between words). `only_in_job = true` forbids every other job in the tree from running \
            them, and `exclusive` names commands no other job may run (whether or not this job \
            runs them). What a step reaches counts as the job's: the steps of a local composite \
            action and the commands of a repository script it calls. Findings point at the job's \
            key, or at the other job's command (in its action or script when it is there).",
        example: "[[check]]\nid = \"preflight-before-publish\"\nuses = \"workflow.job-runs\"\nfiles = [\".github/workflows/release.yml\"]\njob = \"publish\"\nruns_in_order = [\"mix hex.build\", \"mix hex.publish --yes\"]\nonly_in_job = true",
        validate,
        validate_in_policy: None,
        default_lanes: &[],
        codes: &[
            super::NO_WORKFLOW,
            Code {
                id: "no-such-job",
                summary: "the named job (or a job using `job_uses`) is not in the workflow",
            },
            Code {
                id: "missing-command",
                summary: "the job does not run a command the check requires",
            },
            Code {
                id: "wrong-order",
                summary: "the job runs the required commands in another order",
            },
            Code {
                id: "runs-outside-job",
                summary: "a command that only the named job may run runs in another job",
            },
        ],
    },
    run,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default)]
    files: Vec<String>,
    job: Option<String>,
    job_uses: Option<String>,
    #[serde(default)]
    runs: Vec<String>,
    #[serde(default)]
    runs_in_order: Vec<String>,
    #[serde(default)]
    only_in_job: bool,
    #[serde(default)]
    exclusive: Vec<String>,
}

fn validate(c: &CustomCheck) -> Result<(), ParamError> {
    let p: Params = params(c)?;
    match (&p.job, &p.job_uses) {
        (None, None) => {
            return Err((
                None,
                "name the job: `job = \"id\"` or `job_uses = \"owner/action\"`".into(),
            ));
        }
        (Some(_), Some(_)) => {
            return Err((
                Some("job_uses"),
                "give `job` or `job_uses`, not both".into(),
            ));
        }
        (Some(j), None) if j.trim().is_empty() => {
            return Err((Some("job"), "`job` is empty".into()));
        }
        (None, Some(u)) if !u.contains('/') => {
            return Err((
                Some("job_uses"),
                format!("`job_uses = \"{u}\"` must be an action, `owner/name`"),
            ));
        }
        _ => {}
    }
    if p.runs.is_empty() && p.runs_in_order.is_empty() && p.exclusive.is_empty() {
        return Err((
            None,
            "give the commands to look for: `runs = [..]`, `runs_in_order = [..]` and/or \
             `exclusive = [..]`"
                .into(),
        ));
    }
    for (key, list) in [
        ("runs", &p.runs),
        ("runs_in_order", &p.runs_in_order),
        ("exclusive", &p.exclusive),
    ] {
        if let Some(bad) = list.iter().find(|c| c.split_whitespace().next().is_none()) {
            return Err((Some(key), format!("`{key}` holds an empty command {bad:?}")));
        }
    }
    Ok(())
}

/// One command a job runs, with where it is written.
struct Ran {
    cmd: Command,
    location: Location,
}

fn run(c: &CustomCheck, cx: &Context<'_>) -> Outcome {
    let p: Params = match params(c) {
        Ok(p) => p,
        Err((_, msg)) => return super::param_error(c, msg),
    };
    let wfs = cx.workflows();
    let mut findings = wfs.broken.clone();
    let own = findings.len();
    let target = match (&p.job, &p.job_uses) {
        (Some(j), _) => format!("job `{j}`"),
        (_, Some(u)) => format!("the job using `{u}`"),
        _ => "the job".into(),
    };
    if wfs.parsed.is_empty() {
        if findings.is_empty() {
            findings.push(
                Finding::new(
                    c.location.clone(),
                    format!(
                        "no workflow matches `files = {:?}`, so {target} cannot be checked",
                        if p.files.is_empty() {
                            vec!["<all workflows>".to_string()]
                        } else {
                            p.files.clone()
                        }
                    ),
                    "point `files` at the workflow that holds the job",
                )
                .code("no-workflow"),
            );
        }
        return Outcome::Findings(findings);
    }
    // What no other job may run: every command named with `only_in_job`,
    // and `exclusive` always.
    let mut wanted: Vec<&String> = Vec::new();
    if p.only_in_job {
        wanted.extend(p.runs.iter().chain(&p.runs_in_order));
    }
    wanted.extend(&p.exclusive);
    let mut found_job = false;
    let mut target_jobs: Vec<(String, String)> = Vec::new();
    for wf in &wfs.parsed {
        for (id, job) in wf.normal_jobs() {
            let is_target = match (&p.job, &p.job_uses) {
                (Some(j), _) => id == j,
                (_, Some(u)) => uses_action(job, u),
                _ => false,
            };
            if is_target {
                found_job = true;
                target_jobs.push((wf.path.clone(), id.to_string()));
                judge_job(wf, id, &ran(wf, id, job), &p, &mut findings);
            }
        }
    }
    // `only_in_job` and `exclusive`: no other job, in any workflow of the
    // tree, runs them.
    if !wanted.is_empty() && found_job {
        for path in cx.tree.workflow_paths() {
            let Ok(wf) = cx.tree.workflow(path) else {
                // Unreadable workflows fail closed in the checks that select them.
                continue;
            };
            for (id, job) in wf.normal_jobs() {
                if target_jobs.iter().any(|(p, j)| p == path && j == id) {
                    continue;
                }
                let ran = ran(&wf, id, job);
                for want in &wanted {
                    if let Some(r) = ran.iter().find(|r| r.cmd.matches(want)) {
                        findings.push(
                            Finding::new(
                                r.location.clone(),
                                format!(
                                    "job `{id}` runs `{}`, which only {target} may run (`{want}`)",
                                    r.cmd.text()
                                ),
                                format!("remove it from `{id}`, or run it only in {target}"),
                            )
                            .code("runs-outside-job"),
                        );
                    }
                }
            }
        }
    }
    if !found_job {
        let wf = &wfs.parsed[0];
        let names: Vec<String> = wfs.parsed.iter().map(|w| w.path.clone()).collect();
        findings.push(
            Finding::new(
                wf.top().key("jobs").locate_key(),
                format!("no {target} in {}", names.join(", ")),
                "name an existing job (`job = \"id\"`) or the action it uses (`job_uses`)",
            )
            .code("no-such-job"),
        );
    }
    // Say why the contract exists, as the policy puts it.
    if let Some(why) = c.why.as_deref().filter(|w| !w.trim().is_empty()) {
        for f in &mut findings[own..] {
            f.help = format!("{} (why: {})", f.help, why.trim());
        }
    }
    Outcome::Findings(findings)
}

fn judge_job(wf: &WorkflowFile, id: &str, ran: &[Ran], p: &Params, out: &mut Vec<Finding>) {
    let loc = wf.job(id).location().locate_key();
    let listing = || {
        let all: Vec<String> = ran.iter().map(|r| format!("`{}`", r.cmd.text())).collect();
        if all.is_empty() {
            "no commands".to_string()
        } else {
            let n = all.len();
            let mut shown: Vec<String> = all.into_iter().take(12).collect();
            if n > 12 {
                shown.push(format!("… {} more", n - 12));
            }
            shown.join(", ")
        }
    };
    let missing = |want: &str| {
        Finding::new(
            loc.clone(),
            format!("job `{id}` does not run `{want}` (it runs {})", listing()),
            format!("add a step to `{id}` that runs `{want}`"),
        )
        .code("missing-command")
    };
    for want in &p.runs {
        if !ran.iter().any(|r| r.cmd.matches(want)) {
            out.push(missing(want));
        }
    }
    // Each command must appear after the one before it.
    let mut after: Option<(usize, &str)> = None;
    for want in &p.runs_in_order {
        let first_any = ran.iter().position(|r| r.cmd.matches(want));
        let Some(first_any) = first_any else {
            out.push(missing(want));
            after = None;
            continue;
        };
        let start = after.map(|(i, _)| i + 1).unwrap_or(0);
        let in_order = ran
            .iter()
            .enumerate()
            .skip(start)
            .find(|(_, r)| r.cmd.matches(want))
            .map(|(i, _)| i);
        match (in_order, after) {
            (Some(i), _) => after = Some((i, want.as_str())),
            (None, Some((prev_i, prev))) => {
                out.push(Finding::new(
                    loc.clone(),
                    format!(
                        "job `{id}` runs `{}` (line {}) before `{}` (line {}); the contract is `{}` then `{want}`",
                        ran[first_any].cmd.text(),
                        ran[first_any].location.line,
                        ran[prev_i].cmd.text(),
                        ran[prev_i].location.line,
                        prev
                    ),
                    format!("reorder the steps of `{id}`: {}", p.runs_in_order.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" → ")),
                )
.code("wrong-order"));
                after = Some((first_any.max(prev_i), want.as_str()));
            }
            (None, None) => after = Some((first_any, want.as_str())),
        }
    }
}

fn uses_action(job: &NormalJob, want: &str) -> bool {
    let want = want.split('@').next().unwrap_or(want).to_ascii_lowercase();
    job.steps.iter().any(|s| match &s.body {
        StepBody::Uses { uses, .. } => {
            action_slug(uses).is_some_and(|slug| slug == want)
                || uses.raw().to_ascii_lowercase().split('@').next() == Some(want.as_str())
        }
        _ => false,
    })
}

/// Every command the job runs, in order: its `run:` scripts, and behind
/// each step what it reaches (the steps of a local composite action, the
/// commands of a repository script it calls), at their own lines.
fn ran(wf: &WorkflowFile, id: &str, job: &NormalJob) -> Vec<Ran> {
    let mut out = Vec::new();
    let behind = wf.lane.behind(id);
    for (i, step) in job.steps.iter().enumerate() {
        if let StepBody::Run { run, .. } = &step.body {
            let run_at = wf.job(id).step(i).location().key("run");
            for (line, cmd) in commands(run) {
                let location = run_at.locate_command(line, &cmd.raw);
                out.push(Ran { cmd, location });
            }
        }
        for b in behind.iter().filter(|b| b.step == i) {
            if let crate::workflow::lane::Ran::Command(cmd) = &b.ran {
                out.push(Ran {
                    cmd: cmd.clone(),
                    location: b.at.clone(),
                });
            }
        }
    }
    out
}
