//! `workflow.job`: a job's structure — its environment, token permissions,
//! needs, `if:`, outputs, runner, and the action and inputs of a step — read
//! from the typed workflow model and reported at the YAML node that differs.

use super::Code;
use super::text_rule::step_matches;
use super::{Evaluator, EvaluatorSpec, ParamError, params};
use crate::checks::{Context, Outcome};
use crate::finding::{Finding, Location};
use crate::policy::CustomCheck;
use crate::workflow::publish::action_slug;
use crate::workflow::{WorkflowFile, env_map, env_value};
use github_actions_models::common::expr::LoE;
use github_actions_models::common::{BasePermission, If, Permission, Permissions};
use github_actions_models::workflow::job::{DeploymentEnvironment, NormalJob, RunsOn, StepBody};
use serde::Deserialize;
use std::collections::BTreeMap;

pub static EVALUATOR: Evaluator = Evaluator {
    spec: EvaluatorSpec {
        name: "workflow.job",
        summary: "a workflow job's structure: environment, permissions, needs, `if:`, outputs, runs-on, and a step's action and `with:` inputs",
        params: &[
            "files",
            "job",
            "environment",
            "permissions",
            "needs",
            "if_contains",
            "outputs",
            "runs_on",
            "step",
            "step_uses",
            "with",
        ],
        doc: "The job `job` of each workflow `files` selects (every workflow when `files` is not \
            given: then some workflow must have it) must have the structure the other keys state, \
            read from the parsed workflow rather than its text. `environment`: the job deploys to \
            this environment. `permissions`: exactly these token scopes (a scope not listed must be \
            absent or `none`; a job that sets none is judged by the workflow's). `needs`: it needs \
            at least these jobs. `if_contains`: its `if:` contains each text. `outputs`: it declares \
            these outputs. `runs_on`: this runner label. `step` selects steps by `name:`, `id:` or \
            action; `step_uses` asks that they use an action (or, without `step`, that some step \
            does), and `with` that they pass each input with that value (`fetch-depth = 0`). Every \
            difference is a finding at the node that differs (the permission's value, the `needs:` \
            key, the input); something missing is a finding at its parent. A selected workflow \
            without the job, or a job without the step, is a finding.",
        example: "[[check]]\nid = \"publish-job-shape\"\nuses = \"workflow.job\"\nfiles = [\".github/workflows/release.yml\"]\njob = \"publish\"\nenvironment = \"hex-publish\"\npermissions = { contents = \"read\" }\nneeds = [\"release-please\"]\nif_contains = [\"needs.release-please.outputs.release_created\"]\n\n[[check]]\nid = \"full-history-checkout\"\nuses = \"workflow.job\"\nfiles = [\".github/workflows/release.yml\"]\njob = \"publish\"\nstep = \"actions/checkout\"\nwith = { fetch-depth = 0, persist-credentials = false }",
        validate,
        validate_in_policy: None,
        default_lanes: &[],
        codes: &[
            super::NO_WORKFLOW,
            Code {
                id: "no-such-job",
                summary: "the named job is not in the workflow",
            },
            Code {
                id: "reusable-job",
                summary: "the named job calls a reusable workflow, which has no steps of its own to judge",
            },
            Code {
                id: "environment",
                summary: "the job's environment is missing or not the one required",
            },
            Code {
                id: "needs",
                summary: "the job does not need a job the check requires",
            },
            Code {
                id: "condition",
                summary: "the job's `if:` is missing or lacks the required text",
            },
            Code {
                id: "outputs",
                summary: "the job does not declare a required output",
            },
            Code {
                id: "runs-on",
                summary: "the job runs on another runner than the one required",
            },
            Code {
                id: "step-missing",
                summary: "no step of the job uses the required action",
            },
            Code {
                id: "step-uses",
                summary: "the named step uses another action than the one required",
            },
            Code {
                id: "step-input",
                summary: "a step passes another value for an input than the one required",
            },
            Code {
                id: "step-input-missing",
                summary: "a step does not pass an input the check requires",
            },
            Code {
                id: "no-such-step",
                summary: "the job has no step with the name, id or action the check names",
            },
            Code {
                id: "permissions",
                summary: "the job's permissions are missing or not exactly the ones required",
            },
            Code {
                id: "permission",
                summary: "the job grants a scope at another level than the one required",
            },
            Code {
                id: "permission-not-allowed",
                summary: "the job grants a scope the check does not allow",
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
    job: String,
    environment: Option<String>,
    permissions: Option<BTreeMap<String, toml::Value>>,
    needs: Option<Vec<String>>,
    if_contains: Option<Vec<String>>,
    outputs: Option<Vec<String>>,
    runs_on: Option<String>,
    step: Option<String>,
    step_uses: Option<String>,
    with: Option<BTreeMap<String, toml::Value>>,
}

const PERMISSION_VALUES: &[&str] = &["read", "write", "none"];

/// The scopes a `GITHUB_TOKEN` has; a misspelt one is a policy error.
const PERMISSION_SCOPES: &[&str] = &[
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
];

fn validate(c: &CustomCheck) -> Result<(), ParamError> {
    let p: Params = params(c)?;
    if p.job.trim().is_empty() {
        return Err((Some("job"), "`job` must name a job id".into()));
    }
    if let Some(perms) = &p.permissions {
        for (k, v) in perms {
            if !PERMISSION_SCOPES.contains(&k.as_str()) {
                return Err((
                    Some("permissions"),
                    format!(
                        "`{k}` is not a token permission{}; they are: {}",
                        crate::policy::did_you_mean(k, PERMISSION_SCOPES),
                        PERMISSION_SCOPES.join(", ")
                    ),
                ));
            }
            let v = shown(v);
            if !PERMISSION_VALUES.contains(&v.as_str()) {
                return Err((
                    Some("permissions"),
                    format!("permission `{k}` must be \"read\", \"write\" or \"none\", not {v:?}"),
                ));
            }
        }
    }
    if p.with.is_some() && p.step.is_none() {
        return Err((
            Some("with"),
            "`with` judges a step's inputs: name the step with `step = \"…\"`".into(),
        ));
    }
    if p.step.is_some() && p.step_uses.is_none() && p.with.is_none() {
        return Err((
            Some("step"),
            "say what the step must be: `step_uses = \"owner/action\"` and/or `with = { … }`"
                .into(),
        ));
    }
    if let Some(u) = &p.step_uses
        && !u.contains('/')
    {
        return Err((
            Some("step_uses"),
            format!("`step_uses = \"{u}\"` must be an action, `owner/name`"),
        ));
    }
    let asks = p.environment.is_some()
        || p.permissions.is_some()
        || p.needs.is_some()
        || p.if_contains.is_some()
        || p.outputs.is_some()
        || p.runs_on.is_some()
        || p.step_uses.is_some()
        || p.with.is_some();
    if !asks {
        return Err((
            None,
            "say what the job must be: environment, permissions, needs, if_contains, outputs, \
             runs_on, step_uses or with"
                .into(),
        ));
    }
    Ok(())
}

/// A policy value as the workflow would show it.
fn shown(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn run(c: &CustomCheck, cx: &Context<'_>) -> Outcome {
    let p: Params = match params(c) {
        Ok(p) => p,
        Err((_, msg)) => return super::param_error(c, msg),
    };
    let wfs = cx.workflows();
    let mut out = wfs.broken.clone();
    if wfs.parsed.is_empty() {
        if out.is_empty() {
            out.push(
                Finding::new(
                    c.location.clone(),
                    format!("no workflow to look for job `{}` in", p.job),
                    "point `files` at the workflow that holds the job",
                )
                .code("no-workflow"),
            );
        }
        return Outcome::Findings(out);
    }
    let mut seen = false;
    for wf in &wfs.parsed {
        match wf.normal_jobs().find(|(id, _)| *id == p.job) {
            Some((id, job)) => {
                seen = true;
                judge(wf, id, job, &p, &mut out);
            }
            // With `files`, every selected workflow must have the job.
            None if !p.files.is_empty() => out.push(no_job(wf, &p.job)),
            None => {}
        }
    }
    if !seen && p.files.is_empty() {
        out.push(no_job(&wfs.parsed[0], &p.job));
    }
    if let Some(why) = c.why.as_deref().filter(|w| !w.trim().is_empty()) {
        for f in &mut out {
            f.help = format!("{} (why: {})", f.help, why.trim());
        }
    }
    Outcome::Findings(out)
}

fn no_job(wf: &WorkflowFile, job: &str) -> Finding {
    if wf.model.jobs.contains_key(job) {
        return Finding::new(
            wf.job(job).location().locate_key(),
            format!(
                "job `{job}` of {} calls a reusable workflow; workflow.job judges jobs that run steps",
                wf.path
            ),
            "point the check at the called workflow's job (`files` and `job`)",
        )
.code("reusable-job");
    }
    let ids: Vec<&str> = wf.model.jobs.keys().map(String::as_str).collect();
    Finding::new(
        wf.top().key("jobs").locate_key(),
        format!(
            "{} has no job `{job}` (its jobs: {})",
            wf.path,
            if ids.is_empty() {
                "none".into()
            } else {
                ids.join(", ")
            }
        ),
        "fix `job` in the policy, or restore the job",
    )
    .code("no-such-job")
}

/// Where `key` of the job is (its value), or the job's own key when absent.
fn at(wf: &WorkflowFile, id: &str, key: &str, present: bool) -> Location {
    let job = wf.job(id).location();
    if present {
        job.key(key).locate()
    } else {
        job.locate_key()
    }
}

fn judge(wf: &WorkflowFile, id: &str, job: &NormalJob, p: &Params, out: &mut Vec<Finding>) {
    let name = format!("job `{id}` of {}", wf.path);
    if let Some(want) = &p.environment {
        let got = job.environment.as_ref().map(|e| match e {
            DeploymentEnvironment::Name(n) => n.as_str(),
            DeploymentEnvironment::NameURL { name, .. } => name.as_str(),
        });
        if got != Some(want.as_str()) {
            out.push(
                Finding::new(
                    at(wf, id, "environment", got.is_some()),
                    match got {
                        Some(g) => format!("{name} deploys to environment `{g}`, not `{want}`"),
                        None => format!("{name} has no `environment:` (the policy wants `{want}`)"),
                    },
                    format!("set `environment: {want}` on job `{id}`"),
                )
                .code("environment"),
            );
        }
    }
    if let Some(want) = &p.permissions {
        permissions(wf, id, job, want, out);
    }
    if let Some(want) = &p.needs {
        for n in want {
            if !job.needs.iter().any(|h| h == n) {
                out.push(
                    Finding::new(
                        at(wf, id, "needs", !job.needs.is_empty()),
                        format!(
                            "{name} does not need `{n}` (it needs: {})",
                            listing(&job.needs)
                        ),
                        format!("add `{n}` to the `needs:` of `{id}`"),
                    )
                    .code("needs"),
                );
            }
        }
    }
    if let Some(want) = &p.if_contains {
        let cond = match &job.r#if {
            Some(If::Expr(e)) => Some(squash(e)),
            Some(If::Bool(b)) => Some(b.to_string()),
            None => None,
        };
        for w in want {
            if !cond.as_deref().is_some_and(|c| c.contains(&squash(w))) {
                out.push(
                    Finding::new(
                        at(wf, id, "if", cond.is_some()),
                        match &cond {
                            Some(c) => {
                                format!("the `if:` of {name} does not contain `{w}` (it is `{c}`)")
                            }
                            None => {
                                format!(
                                    "{name} has no `if:` (the policy wants one containing `{w}`)"
                                )
                            }
                        },
                        format!("guard `{id}` with an `if:` that contains `{w}`"),
                    )
                    .code("condition"),
                );
            }
        }
    }
    if let Some(want) = &p.outputs {
        let have: Vec<String> = job.outputs.keys().cloned().collect();
        for o in want {
            if !job.outputs.contains_key(o) {
                out.push(
                    Finding::new(
                        at(wf, id, "outputs", !have.is_empty()),
                        format!(
                            "{name} does not declare output `{o}` (it declares: {})",
                            listing(&have)
                        ),
                        format!("declare `{o}` under `outputs:` of `{id}`"),
                    )
                    .code("outputs"),
                );
            }
        }
    }
    if let Some(want) = &p.runs_on {
        let labels: Vec<String> = match &job.runs_on {
            LoE::Literal(RunsOn::Target(v)) => v.clone(),
            LoE::Literal(RunsOn::Group { group, labels }) => group
                .iter()
                .cloned()
                .chain(labels.iter().cloned())
                .collect(),
            LoE::Expr(e) => vec![e.as_bare().to_string()],
        };
        if !labels.iter().any(|l| l == want) {
            out.push(
                Finding::new(
                    at(wf, id, "runs-on", true),
                    format!("{name} runs on {}, not `{want}`", listing(&labels)),
                    format!("set `runs-on: {want}` on `{id}`"),
                )
                .code("runs-on"),
            );
        }
    }
    if p.step.is_some() || p.step_uses.is_some() {
        steps(wf, id, job, p, out);
    }
}

fn steps(wf: &WorkflowFile, id: &str, job: &NormalJob, p: &Params, out: &mut Vec<Finding>) {
    let name = format!("job `{id}` of {}", wf.path);
    let steps_key = wf.job(id).location().key("steps");
    let Some(sel) = &p.step else {
        // Some step uses the action.
        if let Some(want) = &p.step_uses
            && !job.steps.iter().any(|s| uses_action(s, want))
        {
            out.push(
                Finding::new(
                    steps_key.locate_key(),
                    format!("no step of {name} uses `{want}`"),
                    format!("add a step that uses `{want}` to `{id}`"),
                )
                .code("step-missing"),
            );
        }
        return;
    };
    let mut any = false;
    for (i, s) in job.steps.iter().enumerate() {
        if !step_matches(s, sel) {
            continue;
        }
        any = true;
        let step_at = wf.job(id).step(i).location();
        let label = crate::workflow::step_label(s, i);
        if let Some(want) = &p.step_uses
            && !uses_action(s, want)
        {
            let (loc, got) = match &s.body {
                StepBody::Uses { uses, .. } => {
                    let at = step_at.clone().key("uses");
                    (at.locate(), format!("uses `{}`", uses.raw()))
                }
                StepBody::Run { .. } => (step_at.locate(), "runs a script".to_string()),
            };
            out.push(
                Finding::new(
                    loc,
                    format!("{label} of {name} {got}, not `{want}`"),
                    format!("make the step use `{want}`"),
                )
                .code("step-uses"),
            );
        }
        let Some(want) = &p.with else { continue };
        let with = match &s.body {
            StepBody::Uses { with, .. } => env_map(with),
            StepBody::Run { .. } => None,
        };
        let with_at = step_at.clone().key("with");
        for (k, v) in want {
            let v = shown(v);
            match with.and_then(|m| m.get(k)) {
                Some(got) if env_value(got) == v => {}
                Some(got) => {
                    out.push(
                        Finding::new(
                            with_at.clone().key(k).locate(),
                            format!(
                                "{label} of {name} passes `{k}: {}`, not `{k}: {v}`",
                                env_value(got)
                            ),
                            format!("set `{k}: {v}` under the step's `with:`"),
                        )
                        .code("step-input"),
                    );
                }
                None => out.push(
                    Finding::new(
                        if with.is_some_and(|m| !m.is_empty()) {
                            with_at.locate_key()
                        } else {
                            step_at.locate()
                        },
                        format!(
                            "{label} of {name} does not pass `{k}` (the policy wants `{k}: {v}`)"
                        ),
                        format!("add `{k}: {v}` under the step's `with:`"),
                    )
                    .code("step-input-missing"),
                ),
            }
        }
    }
    if !any {
        out.push(
            Finding::new(
                steps_key.locate_key(),
                format!("{name} has no step named or using `{sel}`"),
                "fix `step` in the policy (a step's `name:`, `id:` or action), or restore the step",
            )
            .code("no-such-step"),
        );
    }
}

fn uses_action(s: &github_actions_models::workflow::job::Step, want: &str) -> bool {
    let want = want.split('@').next().unwrap_or(want).to_ascii_lowercase();
    match &s.body {
        StepBody::Uses { uses, .. } => {
            action_slug(uses).is_some_and(|slug| slug == want)
                || uses.raw().to_ascii_lowercase().split('@').next() == Some(want.as_str())
        }
        StepBody::Run { .. } => false,
    }
}

/// Judges the effective permissions of the job: its own, or the workflow's
/// when it sets none.
fn permissions(
    wf: &WorkflowFile,
    id: &str,
    job: &NormalJob,
    want: &BTreeMap<String, toml::Value>,
    out: &mut Vec<Finding>,
) {
    let name = format!("job `{id}` of {}", wf.path);
    let own = !matches!(job.permissions, Permissions::Base(BasePermission::Default));
    let (perms, perms_at, whose) = if own {
        let at = wf.job(id).location().key("permissions");
        (&job.permissions, at, name.clone())
    } else {
        (
            &wf.model.permissions,
            wf.top().key("permissions"),
            format!("{name} sets no permissions, and {}", wf.path),
        )
    };
    let wanted: Vec<String> = want
        .iter()
        .map(|(k, v)| format!("{k}: {}", shown(v)))
        .collect();
    let explicit = match perms {
        Permissions::Explicit(m) => m,
        Permissions::Base(b) => {
            let got = match b {
                BasePermission::Default => "nothing (the repository's default token)",
                BasePermission::ReadAll => "`read-all`",
                BasePermission::WriteAll => "`write-all`",
            };
            let loc = if matches!(b, BasePermission::Default) {
                wf.job(id).location().locate_key()
            } else {
                perms_at.locate()
            };
            out.push(
                Finding::new(
                    loc,
                    format!(
                        "{whose} grants {got}; the policy wants exactly {{{}}}",
                        wanted.join(", ")
                    ),
                    format!(
                        "set `permissions:` on `{id}` to exactly {{{}}}",
                        wanted.join(", ")
                    ),
                )
                .code("permissions"),
            );
            return;
        }
    };
    let value = |p: &Permission| match p {
        Permission::Read => "read",
        Permission::Write => "write",
        Permission::None => "none",
    };
    for (k, v) in want {
        let v = shown(v);
        let got = explicit.get(k).map(value).unwrap_or("none");
        if got != v {
            let loc = if explicit.contains_key(k) {
                perms_at.clone().key(k).locate()
            } else {
                perms_at.locate_key()
            };
            out.push(
                Finding::new(
                    loc,
                    format!("{whose} grants `{k}: {got}`, not `{k}: {v}`"),
                    format!("set `{k}: {v}` in the job's `permissions:`"),
                )
                .code("permission"),
            );
        }
    }
    for (k, p) in explicit {
        if !want.contains_key(k) && *p != Permission::None {
            out.push(Finding::new(
                perms_at.clone().key(k).locate(),
                format!(
                    "{whose} grants `{k}: {}`, which the policy does not allow (it allows exactly {{{}}})",
                    value(p),
                    wanted.join(", ")
                ),
                format!("remove `{k}` from the `permissions:` of `{id}`"),
            )
.code("permission-not-allowed"));
        }
    }
}

/// Whitespace runs as one space, for comparing expressions.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn listing(v: &[String]) -> String {
    if v.is_empty() {
        "nothing".into()
    } else {
        v.iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
