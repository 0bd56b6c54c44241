//! `workflow-permissions`: release workflows start from no token
//! permissions and grant writes per job.

use super::{Check, Code, Context, Meta, Over, Scope};
use crate::edit::{Edit, Fix};
use crate::finding::{Finding, Location, Severity};
use crate::workflow::WorkflowFile;
use github_actions_models::common::{BasePermission, Permission, Permissions};
use github_actions_models::workflow::Job;

pub struct WorkflowPermissions;

static META: Meta = Meta {
    id: "workflow-permissions",
    title: "Release workflows default to read-only tokens and grant writes per job",
    severity: Severity::Block,
    lanes: &[],
    rationale: "Without a top-level `permissions:` block, every job gets the repository's \
        default GITHUB_TOKEN scope, which on many repositories is read-write to everything. \
        A release workflow should start from `permissions: {}` (or read-only) and grant \
        `contents: write`, `id-token: write` and the like only to the job that needs them, so \
        a compromised build step cannot push tags or mint tokens. A workflow that runs only \
        through `workflow_call` needs no top-level block: its jobs get the scopes of the job \
        that calls it, which is judged in the calling workflow.",
    passes: "permissions: {}\njobs:\n  publish:\n    permissions:\n      contents: read\n      id-token: write",
    fails: "permissions:\n  contents: write      # a write at workflow level\njobs: …",
    fix: "Set `permissions: {}` (or `contents: read`) at the top of the workflow and move each \
        write grant into the `permissions:` of the one job that needs it. Never use `write-all`.",
    params: &[],
    codes: &[
        Code {
            id: "default-token",
            summary: "a release workflow sets no top-level permissions and a job gets the default token scope",
        },
        Code {
            id: "no-top-level",
            summary: "a release workflow sets no top-level permissions, though every job sets its own",
        },
        Code {
            id: "top-level-write-all",
            summary: "a release workflow grants `write-all` at top level",
        },
        Code {
            id: "top-level-write",
            summary: "a release workflow grants a write scope to every job at top level",
        },
        Code {
            id: "job-write-all",
            summary: "a job is granted `write-all`",
        },
    ],
};

impl Check for WorkflowPermissions {
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
    let top = wf.top().key("permissions");
    match &wf.model.permissions {
        // A workflow that only runs when called never gets the default
        // token: with no `permissions:` of its own, each job gets the scopes
        // of the job that calls it (GitHub lets a called workflow narrow
        // them, never widen). Those are judged where the call is written.
        Permissions::Base(BasePermission::Default)
            if crate::workflow::triggers::only_called(&wf.model.on) => {}
        Permissions::Base(BasePermission::Default) => {
            let unscoped: Vec<&str> = wf
                .model
                .jobs
                .iter()
                .filter(|(id, job)| {
                    matches!(
                        job_permissions(job),
                        Permissions::Base(BasePermission::Default)
                    ) && !wf.lane.call_is_scoped(id)
                })
                .map(|(id, _)| id.as_str())
                .collect();
            if unscoped.is_empty() && !wf.model.jobs.is_empty() {
                // Every job states its own scopes, so no job runs with the
                // default token today; only a job added later would.
                // `permissions: {}` changes nothing only when every job,
                // reusable-workflow calls included, sets its own: a call
                // without them passes the caller's scopes down as a cap.
                let all_own = wf.model.jobs.values().all(|j| {
                    !matches!(
                        job_permissions(j),
                        Permissions::Base(BasePermission::Default)
                    )
                });
                let finding = Finding::new(
                        Location::new(&wf.path, 1, 1),
                        format!(
                            "release workflow {} sets no top-level `permissions`; every job sets its own today, but a job added later would get the default token scope",
                            wf.file_name()
                        ),
                        "add `permissions: {}` at the top so a new job starts with no scopes",
                    )
.code("no-top-level")
                    .warn_only();
                out.push(if all_own {
                    finding.with_fix(Fix::new(
                        &wf.path,
                        "add top-level `permissions: {}`",
                        vec![Edit::add_top("permissions", empty_mapping())],
                    ))
                } else {
                    finding
                });
            } else {
                out.push(Finding::new(
                    Location::new(&wf.path, 1, 1),
                    format!(
                        "release workflow {} sets no top-level `permissions`, so {} get{} the default token scope",
                        wf.file_name(),
                        unscoped.iter().map(|j| format!("job `{j}`")).collect::<Vec<_>>().join(", "),
                        if unscoped.len() == 1 { "s" } else { "" }
                    ),
                    "add `permissions: {}` at the top and grant writes per job",
                )
.code("default-token"));
            }
        }
        Permissions::Base(BasePermission::WriteAll) => out.push(
            Finding::new(
                top.locate(),
                "top-level `permissions: write-all` gives every job every write scope",
                "use `permissions: {}` at the top and grant writes per job",
            )
            .code("top-level-write-all"),
        ),
        Permissions::Base(BasePermission::ReadAll) => {}
        Permissions::Explicit(map) => {
            let fix = move_down(wf, map.iter());
            for (scope, p) in map {
                if *p == Permission::Write {
                    out.push(
                        Finding::new(
                            top.clone().key(scope).locate_key(),
                            format!("`{scope}: write` is granted to every job at workflow level"),
                            format!(
                                "move `{scope}: write` into the permissions of the job that needs it"
                            ),
                        )
                        .code("top-level-write")
                        .with_fix(fix.clone()),
                    );
                }
            }
        }
    }
    for (id, job) in &wf.model.jobs {
        if matches!(
            job_permissions(job),
            Permissions::Base(BasePermission::WriteAll)
        ) {
            out.push(
                Finding::new(
                    wf.job(id).location().key("permissions").locate(),
                    format!("job `{id}` has `permissions: write-all`"),
                    "grant only the scopes the job uses, e.g. `contents: write`",
                )
                .code("job-write-all"),
            );
        }
    }
}

fn job_permissions(job: &Job) -> &Permissions {
    match job {
        Job::NormalJob(j) => &j.permissions,
        Job::ReusableWorkflowCallJob(j) => &j.permissions,
    }
}

/// The top-level grants moved into every job that has none of its own (a
/// job with its own `permissions:` never saw them), and `permissions: {}` at
/// the top: each job keeps exactly the scopes it had, and a job added later
/// starts with none.
fn move_down<'a>(
    wf: &WorkflowFile,
    map: impl Iterator<Item = (&'a String, &'a Permission)>,
) -> Fix {
    let mut grants = yaml_serde::Mapping::new();
    for (scope, p) in map {
        let level = match p {
            Permission::Read => "read",
            Permission::Write => "write",
            Permission::None => "none",
        };
        grants.insert(scope.as_str().into(), level.into());
    }
    let mut edits = vec![Edit::replace(
        wf.top().key("permissions").route(),
        empty_mapping(),
    )];
    for (id, job) in &wf.model.jobs {
        if matches!(
            job_permissions(job),
            Permissions::Base(BasePermission::Default)
        ) {
            edits.push(Edit::add(
                wf.job(id).location().route(),
                "permissions",
                yaml_serde::Value::Mapping(grants.clone()),
            ));
        }
    }
    Fix::new(
        &wf.path,
        "move the top-level permissions into each job and set `permissions: {}`",
        edits,
    )
}

fn empty_mapping() -> yaml_serde::Value {
    yaml_serde::Value::Mapping(yaml_serde::Mapping::new())
}
