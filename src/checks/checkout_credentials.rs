//! `checkout-credentials`: `actions/checkout` in a release workflow does not
//! leave the token in `.git/config`.

use super::{Code, Meta, ReleaseWorkflowCheck};
use crate::edit::{Edit, Fix, mapping};
use crate::finding::{Finding, Severity};
use crate::shell::commands_shared;
use crate::workflow::publish::action_slug;
use crate::workflow::{WorkflowFile, env_map, env_value};
use github_actions_models::workflow::job::StepBody;

pub static CHECK: ReleaseWorkflowCheck = ReleaseWorkflowCheck {
    meta: &META,
    judge: check,
};

static META: Meta = Meta {
    id: "checkout-credentials",
    title: "Checkouts in release workflows do not persist the token",
    severity: Severity::Warn,
    lanes: &[],
    rationale: "By default `actions/checkout` writes the job's token into `.git/config` so \
        later `git` commands can push. Every later step, including build scripts and \
        third-party actions, can read it from there, and an artifact that uploads the \
        working directory can carry it out of the run. Release jobs rarely need it: \
        the GitHub release and tag can be made with `gh` and an explicit `GH_TOKEN`.",
    passes: "- uses: actions/checkout@<sha> # v4.2.2\n  with:\n    persist-credentials: false",
    fails: "- uses: actions/checkout@<sha> # v4.2.2",
    fix: "Add `with: persist-credentials: false` to every checkout in the release workflow; \
        a step that must push passes the token explicitly for that one command.",
    params: &[],
    codes: &[Code {
        id: "persisted-token",
        summary: "`actions/checkout` leaves the job's token in .git/config for every later step",
    }],
};

fn check(wf: &WorkflowFile, out: &mut Vec<Finding>) {
    for (job_id, job) in wf.normal_jobs() {
        let pushes = job.steps.iter().any(|s| match &s.body {
            StepBody::Run { run, .. } => commands_shared(run)
                .iter()
                .any(|(_, c)| c.matches("git push")),
            _ => false,
        });
        for (i, step) in job.steps.iter().enumerate() {
            let StepBody::Uses { uses, with } = &step.body else {
                continue;
            };
            if action_slug(uses).as_deref() != Some("actions/checkout") {
                continue;
            }
            let persist = env_map(with).and_then(|w| w.get("persist-credentials"));
            let off = match persist {
                Some(v) => {
                    let s = env_value(v);
                    // An expression cannot be judged here; assume it is deliberate.
                    s.eq_ignore_ascii_case("false") || s.contains("${{")
                }
                None => false,
            };
            if off {
                continue;
            }
            let step_at = wf.job(job_id).step(i).location();
            let loc = match persist {
                Some(_) => step_at.key("with").key("persist-credentials").locate(),
                None => step_at.key("uses").locate(),
            };
            let help = if pushes {
                "add `with: persist-credentials: false`; this job runs `git push`, so give that one command the token (e.g. `git push \"https://x-access-token:${GH_TOKEN}@github.com/${GITHUB_REPOSITORY}\"`), or keep the default and record why with an inline ignore"
            } else {
                "add `with: persist-credentials: false`"
            };
            let finding = Finding::new(
                loc,
                format!(
                    "{} in job `{job_id}` keeps the token in .git/config for every later step",
                    uses.raw()
                ),
                help,
            )
            .code("persisted-token");
            // Mechanical only where nothing can break: the key is absent
            // (an explicit `true` was chosen) and no later step may use the
            // persisted token.
            let fix = match (persist, pushes) {
                (None, false) if !later_steps_may_use_git_token(&job.steps[i + 1..]) => {
                    fix(wf, job_id, i, with)
                }
                _ => None,
            };
            out.push(match fix {
                Some(f) => finding.with_fix(f),
                None => finding,
            });
        }
    }
}

/// `persist-credentials: false` added to the step's `with:` (made when absent).
fn fix(
    wf: &WorkflowFile,
    job_id: &str,
    step: usize,
    with: &github_actions_models::common::expr::LoE<github_actions_models::common::Env>,
) -> Option<Fix> {
    let off = yaml_serde::Value::Bool(false);
    let step_at = wf.job(job_id).step(step).location();
    let edit = match env_map(with) {
        None => return None,
        Some(m) if m.is_empty() => {
            Edit::add(step_at.route(), "with", mapping([("persist-credentials", off)]))
        }
        Some(_) => Edit::add(step_at.key("with").route(), "persist-credentials", off),
    };
    Some(Fix::new(
        &wf.path,
        "set `persist-credentials: false` on actions/checkout",
        vec![edit],
    ))
}

/// Whether a step after the checkout may rely on the token it persists: a
/// git command that talks to the remote, a script or task whose commands are
/// not read here, or an action not known to leave git alone. Only when none
/// may is `persist-credentials: false` offered as a fix.
fn later_steps_may_use_git_token(steps: &[github_actions_models::workflow::job::Step]) -> bool {
    const REMOTE: &[&str] = &[
        "git push",
        "git fetch",
        "git pull",
        "git clone",
        "git ls-remote",
        "git submodule",
        "git remote",
    ];
    steps.iter().any(|s| match &s.body {
        StepBody::Run { run, .. } => commands_shared(run).iter().any(|(_, c)| {
            let program = c.words.first().map(String::as_str).unwrap_or("");
            REMOTE.iter().any(|r| c.matches(r))
                || program.contains('/')
                || program.ends_with(".sh")
                || matches!(
                    program,
                    "bash"
                        | "sh"
                        | "make"
                        | "just"
                        | "npm"
                        | "pnpm"
                        | "yarn"
                        | "bun"
                        | "npx"
                        | "node"
                        | "python"
                        | "python3"
                        | "ruby"
                        | "rake"
                        | "mix"
                        | "semantic-release"
                        | "changeset"
                        | "release-it"
                        | "lerna"
                        | "goreleaser"
                )
        }),
        StepBody::Uses { uses, .. } => {
            let Some(slug) = action_slug(uses) else {
                // A local action or a container: its steps are not read here.
                return true;
            };
            let name = slug.split('/').nth(1).unwrap_or("");
            !(slug.starts_with("actions/")
                || name.starts_with("setup-")
                || crate::workflow::publish::PUBLISH_ACTIONS
                    .iter()
                    .any(|(a, _)| *a == slug)
                || slug.starts_with("docker/")
                || slug.starts_with("sigstore/"))
        }
    })
}
