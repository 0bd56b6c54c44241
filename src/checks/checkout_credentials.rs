//! `checkout-credentials`: `actions/checkout` in a release workflow does not
//! leave the token in `.git/config`.

use super::{Check, Context, Meta, Over, Scope};
use crate::finding::{Finding, Severity};
use crate::workflow::publish::action_slug;
use crate::workflow::script::commands_shared;
use crate::workflow::{Key, WorkflowFile, env_map, env_value, step_route};
use github_actions_models::workflow::job::StepBody;

pub struct CheckoutCredentials;

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
};

impl Check for CheckoutCredentials {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Workflows(Over::Releases)
    }

    fn workflow(&self, _cx: &Context<'_>, wf: &WorkflowFile, out: &mut Vec<Finding>) {
        check(wf, out)
    }
}

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
            let mut route = step_route(job_id, i);
            let loc = match persist {
                Some(_) => {
                    route.extend([Key::K("with"), Key::K("persist-credentials")]);
                    wf.locate(&route)
                }
                None => {
                    route.push(Key::K("uses"));
                    wf.locate(&route)
                }
            };
            let help = if pushes {
                "add `with: persist-credentials: false`; this job runs `git push`, so give that one command the token (e.g. `git push \"https://x-access-token:${GH_TOKEN}@github.com/${GITHUB_REPOSITORY}\"`), or keep the default and record why with an inline ignore"
            } else {
                "add `with: persist-credentials: false`"
            };
            out.push(Finding::new(
                loc,
                format!(
                    "{} in job `{job_id}` keeps the token in .git/config for every later step",
                    uses.raw()
                ),
                help,
            ));
        }
    }
}
