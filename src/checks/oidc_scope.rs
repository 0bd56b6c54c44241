//! `oidc-scope`: `id-token: write` only where the OIDC token is used.

use super::{Code, Meta, ReleaseWorkflowCheck};
use crate::finding::{Finding, Severity};
use crate::workflow::oidc::{grants_id_token, oidc_use};
use crate::workflow::WorkflowFile;
use github_actions_models::common::{BasePermission, Permissions};
use github_actions_models::workflow::Job;

pub static CHECK: ReleaseWorkflowCheck = ReleaseWorkflowCheck {
    meta: &META,
    judge: check,
};

static META: Meta = Meta {
    id: "oidc-scope",
    title: "The OIDC token is granted only to jobs that use it",
    severity: Severity::Block,
    lanes: &[],
    rationale: "`id-token: write` lets a job mint a token that registries and clouds accept \
        as the repository itself. Granted at workflow level, every job (test runners, build \
        scripts, third-party actions) can mint it. A job should hold it only when it \
        publishes by trusted publishing, signs or attests artifacts, or logs in to a cloud \
        or registry with it.",
    passes: "jobs:\n  publish:\n    environment: pypi\n    permissions:\n      id-token: write\n    steps:\n      - uses: pypa/gh-action-pypi-publish@<sha> # v1.12.4",
    fails: "permissions:\n  id-token: write     # every job can mint the token\njobs:\n  test: …",
    fix: "Remove `id-token: write` from the workflow's top-level permissions and from jobs \
        that do not use it; grant it in the `permissions:` of the publishing (or signing) job only.",
    params: &[],
    codes: &[
        Code {
            id: "workflow-level",
            summary: "`id-token: write` is granted to every job at workflow level",
        },
        Code {
            id: "unused-grant",
            summary: "a job holds `id-token: write` but nothing in it uses an OIDC token",
        },
    ],
};

fn check(wf: &WorkflowFile, out: &mut Vec<Finding>) {
    if grants_id_token(&wf.model.permissions) {
        let loc = match &wf.model.permissions {
            Permissions::Base(BasePermission::WriteAll) => wf.top().key("permissions").locate(),
            _ => wf.top().key("permissions").key("id-token").locate_key(),
        };
        out.push(Finding::new(
            loc,
            "`id-token: write` is granted at workflow level, so every job can mint an OIDC token",
            "grant `id-token: write` only in the permissions of the job that publishes or signs",
        )
.code("workflow-level"));
    }
    for (id, job) in &wf.model.jobs {
        let Job::NormalJob(j) = job else { continue };
        if !grants_id_token(&j.permissions) {
            continue;
        }
        let Some(role) = wf.release.job(id) else {
            continue;
        };
        if oidc_use(j, role).is_some() {
            continue;
        }
        let perms = wf.job(id).location().key("permissions");
        let loc = match &j.permissions {
            Permissions::Base(_) => perms.locate(),
            Permissions::Explicit(_) => perms.key("id-token").locate_key(),
        };
        out.push(Finding::new(
            loc,
            format!("job `{id}` holds `id-token: write` but neither publishes by OIDC, signs, attests nor logs in with it"),
            "drop `id-token: write` from this job",
        )
.code("unused-grant"));
    }
}
