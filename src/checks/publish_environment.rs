//! `publish-environment`: every publishing job runs in a GitHub environment.

use super::{Check, Code, Context, Meta, Over, Scope};
use crate::finding::{Finding, Severity};
use crate::workflow::WorkflowFile;
use crate::workflow::lane::env_name;

pub struct PublishEnvironment;

static META: Meta = Meta {
    id: "publish-environment",
    title: "Publishing jobs run in a protected environment",
    severity: Severity::Block,
    lanes: &[],
    rationale: "A GitHub environment is where the release boundary lives: deployment branch \
        rules, required reviewers and environment-scoped secrets apply only to jobs that name \
        it, and trusted publishers on PyPI and npm can require its name in the OIDC claim. A \
        publishing job without `environment:` skips all of that. With \
        `vars.publish_environment` set, the job must use exactly that environment.",
    passes: "jobs:\n  publish:\n    environment: pypi\n    steps:\n      - uses: pypa/gh-action-pypi-publish@<sha> # v1.12.4",
    fails: "jobs:\n  publish:            # no environment\n    steps:\n      - run: npm publish",
    fix: "Add `environment: <name>` to each publishing job (the same name the registry's trusted \
        publisher expects), and protect that environment in the repository settings.",
    params: &[],
    codes: &[
        Code {
            id: "no-environment",
            summary: "a publishing job declares no `environment`",
        },
        Code {
            id: "wrong-environment",
            summary: "a publishing job's environment is not the policy's `publish_environment`",
        },
    ],
};

impl Check for PublishEnvironment {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Workflows(Over::Publishing)
    }

    fn workflow(&self, cx: &Context<'_>, wf: &WorkflowFile, out: &mut Vec<Finding>) {
        check(cx, wf, out)
    }
}

fn check(cx: &Context<'_>, wf: &WorkflowFile, findings: &mut Vec<Finding>) {
    let want = cx.var("publish_environment");
    for (id, job) in wf.normal_jobs() {
        let Some(role) = wf.release.job(id).filter(|r| r.is_publishing()) else {
            continue;
        };
        let what = role.publishes[0].describe();
        match &job.environment {
            None => findings.push(
                Finding::new(
                    wf.job(id).location().locate_key(),
                    format!("publishing job `{id}` ({what}) declares no `environment`"),
                    match want {
                        Some(w) => format!("add `environment: {w}` to the job"),
                        None => "add `environment: <name>` to the job and protect that environment"
                            .into(),
                    },
                )
                .code("no-environment"),
            ),
            Some(env) => {
                let name = env_name(env);
                if let Some(w) = want
                    && name != w
                {
                    let mut finding = Finding::new(
                        wf.job(id).environment(),
                        format!("publishing job `{id}` uses environment `{name}`, but the policy's publish_environment is `{w}`"),
                        format!("set `environment: {w}` (or change vars.publish_environment)"),
                    )
                    .code("wrong-environment");
                    if let Some(at) = cx.var_location("publish_environment") {
                        finding = finding.related(
                            at.clone(),
                            format!("the policy sets publish_environment = \"{w}\""),
                        );
                    }
                    findings.push(finding);
                }
            }
        }
    }
}
