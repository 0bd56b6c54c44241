//! `secrets-in-environment`: release secrets are read only by jobs that
//! declare an environment.

use super::{Code, Meta, ReleaseWorkflowCheck};
use crate::finding::{Finding, Severity};
use crate::repo::yaml_text::hashes;
use crate::workflow::secrets::secret_refs;
use crate::workflow::WorkflowFile;
use github_actions_models::workflow::Job;
use github_actions_models::workflow::job::Secrets;

pub static CHECK: ReleaseWorkflowCheck = ReleaseWorkflowCheck {
    meta: &META,
    judge: check,
};

static META: Meta = Meta {
    id: "secrets-in-environment",
    title: "Release secrets are used only in jobs that declare an environment",
    severity: Severity::Block,
    lanes: &[],
    rationale: "A repository secret is readable by every job of every workflow, including \
        jobs that run untrusted build steps. An environment secret is released only to a job \
        that names the environment, after its branch rules and reviewers agree. In a release \
        workflow every secret but GITHUB_TOKEN belongs behind an environment, and \
        `secrets: inherit` hands all of them to a called workflow.",
    passes: "publish:\n  environment: hex-publish\n  steps:\n    - run: mix hex.publish --yes\n      env:\n        HEX_API_KEY: ${{ secrets.HEX_API_KEY }}",
    fails: "build:            # no environment\n  steps:\n    - run: ./build.sh\n      env:\n        SIGNING_KEY: ${{ secrets.SIGNING_KEY }}",
    fix: "Move the secret into the environment's secrets in the repository settings and add \
        `environment: <name>` to the job that uses it; pass secrets to reusable workflows by \
        name, never with `secrets: inherit`.",
    params: &[],
    codes: &[
        Code {
            id: "no-environment",
            summary: "a secret is used in a job that declares no environment",
        },
        Code {
            id: "workflow-level-secret",
            summary: "a secret is set at workflow level, where every job can read it",
        },
        Code {
            id: "secrets-inherit",
            summary: "a release workflow hands every secret to a called workflow with `secrets: inherit`",
        },
    ],
};

/// A job id, its byte span in the file, whether it declares an environment,
/// and whether it calls a reusable workflow (which cannot declare one).
type JobSpan<'a> = (&'a str, Option<(usize, usize)>, bool, bool);

fn check(wf: &WorkflowFile, out: &mut Vec<Finding>) {
    for (id, job) in &wf.model.jobs {
        if let Job::ReusableWorkflowCallJob(j) = job
            && j.secrets == Some(Secrets::Inherit)
        {
            out.push(Finding::new(
                wf.job(id).location().key("secrets").locate(),
                format!(
                    "job `{id}` passes `secrets: inherit`, handing every repository secret to {}",
                    j.uses.raw()
                ),
                "pass only the secrets the called workflow needs, by name",
            )
.code("secrets-inherit"));
        }
    }
    // A line starting with `#` inside a block scalar (`run: |`, `env: >-`)
    // or a quoted scalar spanning lines is content, not a comment: GitHub
    // expands the secret there too.
    let hashes = hashes(&wf.text);
    let in_blocks = hashes.in_scalars.into_iter().flat_map(|r| {
        secret_refs(&wf.text[r.clone()])
            .into_iter()
            .map(move |(o, name)| (r.start + o, name))
    });
    // A comment after a value on its line (`run: make # ${{ secrets.X }}`)
    // is never evaluated: GitHub does not read it.
    let comments = hashes.trailing;
    let mut refs: Vec<(usize, String)> = secret_refs(&wf.text)
        .into_iter()
        .filter(|(o, _)| {
            // The ranges are in order and apart: a binary search, not a
            // scan per reference.
            let i = comments.partition_point(|c| c.end <= *o);
            !comments.get(i).is_some_and(|c| c.contains(o))
        })
        .chain(in_blocks)
        .filter(|(_, name)| !name.eq_ignore_ascii_case("GITHUB_TOKEN"))
        .collect();
    refs.sort();
    refs.dedup();
    if refs.is_empty() {
        return; // no job spans needed: the location tree is not built
    }
    // Byte spans of each job, to place every secret reference in its job.
    let spans: Vec<JobSpan<'_>> = wf
        .model
        .jobs
        .iter()
        .map(|(id, job)| {
            let has_env = matches!(job, Job::NormalJob(j) if j.environment.is_some());
            (
                id.as_str(),
                wf.job(id).location().byte_span(),
                has_env,
                matches!(job, Job::ReusableWorkflowCallJob(_)),
            )
        })
        .collect();
    let jobs_start = wf.top().key("jobs").byte_span().map(|s| s.0);
    for (offset, name) in refs {
        let job = spans
            .iter()
            .find(|(_, span, _, _)| span.is_some_and(|(s, e)| offset >= s && offset < e));
        match job {
            Some((_, _, true, _)) => {}
            // GitHub refuses `environment:` on a job that calls a reusable
            // workflow: the secret belongs to the called job's environment.
            Some((id, _, false, true)) => out.push(Finding::new(
                wf.location_at(offset),
                format!("secret `{name}` is handed by job `{id}` to the workflow it calls as a repository secret, outside any environment"),
                format!("make `{name}` a secret of the environment the called workflow's publishing job declares, and stop passing it from here (a job that calls a reusable workflow cannot declare `environment:`)"),
            )
.code("no-environment")),
            Some((id, _, false, false)) => out.push(Finding::new(
                wf.location_at(offset),
                format!("secret `{name}` is used in job `{id}`, which declares no environment"),
                format!("make `{name}` an environment secret and add `environment:` to job `{id}`"),
            )
.code("no-environment")),
            None if jobs_start.is_some_and(|s| offset < s) => out.push(Finding::new(
                wf.location_at(offset),
                format!("secret `{name}` is set at workflow level, so every job of this release workflow can read it"),
                format!("move `{name}` into the env of the one step that needs it, in a job with an environment"),
            )
.code("workflow-level-secret")),
            None => {}
        }
    }
}
