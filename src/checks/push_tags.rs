//! `push-tags`: release workflows push one tag by name, not all of them.

use super::{Code, Meta, ReleaseWorkflowCheck};
use crate::finding::{Finding, Severity};
use crate::shell::commands_shared;
use crate::workflow::WorkflowFile;
use github_actions_models::workflow::job::StepBody;

pub static CHECK: ReleaseWorkflowCheck = ReleaseWorkflowCheck {
    meta: &META,
    judge: check,
};

static META: Meta = Meta {
    id: "push-tags",
    title: "Release workflows push one tag by name",
    severity: Severity::Warn,
    lanes: &[],
    rationale: "`git push --tags` pushes every tag in the runner's clone, not just the one \
        this release made: a stale local tag, or one fetched from a fork, can start another \
        tag-triggered release or point a version at the wrong commit. Pushing the release's \
        tag by name does exactly one thing.",
    passes: "- run: git push origin \"refs/tags/v${VERSION}\"",
    fails: "- run: git push --tags",
    fix: "Push the single tag the release created: `git push origin \"$TAG\"` (or \
        `refs/tags/$TAG`).",
    params: &[],
    codes: &[Code {
        id: "push-all-tags",
        summary: "`git push --tags` pushes every local tag, not the release's one",
    }],
};

fn check(wf: &WorkflowFile, out: &mut Vec<Finding>) {
    for (job_id, job) in wf.normal_jobs() {
        for (i, step) in job.steps.iter().enumerate() {
            let StepBody::Run { run, .. } = &step.body else {
                continue;
            };
            for (line, cmd) in commands_shared(run).iter() {
                let line = *line;
                if cmd.matches("git push") && cmd.has_flag(&["--tags"]) {
                    let run = wf.job(job_id).step(i).location().key("run");
                    out.push(
                        Finding::new(
                            run.locate_command(line, &cmd.raw),
                            format!("`{}` in job `{job_id}` pushes every local tag", cmd.text()),
                            "push the release's tag by name: git push origin \"$TAG\"",
                        )
                        .code("push-all-tags"),
                    );
                }
            }
        }
    }
}
