//! `publisher-binding`: every publishing job authenticates as one of the
//! trusted publishers the policy declares (`[[publisher]]`).

use super::{Check, Code, Context, InPathOrder, Meta, Outcome, Scope, Seen, WorkflowVisitor};
use crate::finding::{Finding, Severity};
use crate::policy::Publisher;
use crate::project::publisher::{
    PublisherIdentity, identities_of, policy_name, repository, sees_caller_only,
};
use crate::workflow::Registry;
use crate::workflow::WorkflowFile;
use std::collections::HashSet;

pub struct PublisherBinding;

static META: Meta = Meta {
    id: "publisher-binding",
    title: "Publishing jobs match the trusted publishers declared in the policy",
    severity: Severity::Block,
    lanes: &[],
    rationale: "A registry's trusted publisher is a record a maintainer typed into a web \
        form: repository, workflow file name, environment. The job's OIDC token must match \
        every field exactly, or the registry refuses with an opaque error (PyPI \
        `invalid-publisher`, npm E404, crates.io 'does not match the workflow filename', \
        NuGet 401, RubyGems 'No trusted publisher configured'), after everything else in the \
        release has passed. `[[publisher]]` entries copy that record into the policy; this \
        check computes what each publishing job presents and compares field by field: the \
        workflow file the registry sees (the top-level file: a publish in a reusable \
        workflow is seen through its caller, and PyPI, npm, RubyGems and NuGet do not \
        accept the called file), the environment (exactly, case counts), and the \
        repository. npm refuses trusted publishing from self-hosted runners. A declared \
        publisher that no job can satisfy warns. Without `[[publisher]]` entries the check \
        is skipped.",
    passes: "[[publisher]]\nregistry = \"pypi\"\nworkflow = \"release.yml\"\nenvironment = \"pypi\"\n\
        (and .github/workflows/release.yml publishes to PyPI from a job with `environment: pypi`)",
    fails: "[[publisher]]\nregistry = \"npm\"\nworkflow = \"release.yml\"\nenvironment = \"release\"\n\
        (but the npm publish runs in release.yaml with `environment: Release`)",
    fix: "Make the registry's trusted publisher and the workflow agree: rename the workflow \
        file or environment, or change the record on the registry, then copy the record into \
        `[[publisher]]`. Move a publish out of a reusable workflow into the top-level \
        workflow for PyPI, npm, RubyGems and NuGet, and publish to npm from a GitHub-hosted \
        runner.",
    params: &[],
    codes: &[
        Code {
            id: "no-matching-publisher",
            summary: "a publishing job matches no `[[publisher]]` the policy declares",
        },
        Code {
            id: "publisher-unused",
            summary: "a declared `[[publisher]]` matches no publishing job",
        },
        Code {
            id: "reusable-workflow-named",
            summary: "a `[[publisher]]` names a reusable workflow, but the registry sees the caller's file",
        },
        Code {
            id: "self-hosted-runner",
            summary: "npm trusted publishing runs on a self-hosted runner, which npm refuses",
        },
    ],
};

impl Check for PublisherBinding {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::AcrossWorkflows
    }

    fn across_workflows<'a>(
        &self,
        cx: &'a Context<'a>,
    ) -> Result<Box<dyn WorkflowVisitor + 'a>, Outcome> {
        if cx.policy.publishers.is_empty() {
            return Err(Outcome::Skip(
                "no trusted publishers declared in the policy".into(),
            ));
        }
        Ok(Box::new(Identities {
            cx,
            repo: repository(cx.tree, cx.var("github_repository")),
            ids: InPathOrder::default(),
        }))
    }
}

/// The check's side of the workflow pass: the identity of every publishing
/// job (located while its workflow is at hand); matched against the
/// declared publishers when the pass ends.
struct Identities<'a> {
    cx: &'a Context<'a>,
    repo: Option<String>,
    /// Per workflow visited: its path and its jobs' identities.
    ids: InPathOrder<Vec<PublisherIdentity>>,
}

impl WorkflowVisitor for Identities<'_> {
    fn visit(&self, wf: &WorkflowFile) -> Vec<Finding> {
        let mut here = Vec::new();
        identities_of(self.cx.tree, wf, &self.repo, &mut here);
        if !here.is_empty() {
            self.ids.add(&wf.path, here);
        }
        Vec::new()
    }

    fn finish(self: Box<Self>, seen: &Seen, _visited: Vec<Finding>) -> Outcome {
        let ids: Vec<PublisherIdentity> = self
            .ids
            .into_sorted()
            .into_iter()
            .flat_map(|(_, v)| v)
            .collect();
        run(self.cx, seen.broken.clone(), ids)
    }
}

fn run(cx: &Context<'_>, mut out: Vec<Finding>, ids: Vec<PublisherIdentity>) -> Outcome {
    let declared = &cx.policy.publishers;
    let mut satisfied = vec![false; declared.len()];
    // Jobs (file, job, registry) that authenticate in at least one of the
    // runs that reach them: a mismatch in another run (a reusable workflow
    // also dispatched on its own) only warns.
    let key = |id: &PublisherIdentity| (id.job_workflow.clone(), id.job.clone(), id.registry);
    let authenticates: HashSet<_> = ids
        .iter()
        .filter(|id| {
            declared.iter().any(|p| {
                policy_name(id.registry) == Some(p.registry.as_str())
                    && differences(id, p).is_empty()
            })
        })
        .map(key)
        .collect();
    let mut self_hosted_reported = HashSet::new();
    for id in &ids {
        let Some(name) = policy_name(id.registry) else {
            continue;
        };
        let mine: Vec<(usize, &Publisher)> = declared
            .iter()
            .enumerate()
            .filter(|(_, p)| p.registry == name)
            .collect();
        if mine.is_empty() {
            continue;
        }
        if id.registry == Registry::Npm
            && id.self_hosted
            && self_hosted_reported.insert((id.job_workflow.clone(), id.job.clone()))
        {
            out.push(Finding::new(
                id.runs_on_at.clone(),
                format!(
                    "job `{}` publishes to npm with trusted publishing from a self-hosted runner; npm accepts only GitHub-hosted runners",
                    id.job
                ),
                "run the npm publishing job on a GitHub-hosted runner (`runs-on: ubuntu-latest`)",
            )
.code("self-hosted-runner"));
        }
        let mut best: Option<(Vec<Diff>, &Publisher)> = None;
        for (i, p) in &mine {
            let diffs = differences(id, p);
            if diffs.is_empty() {
                satisfied[*i] = true;
                best = Some((Vec::new(), p));
                break;
            }
            if best.as_ref().is_none_or(|(b, _)| diffs.len() < b.len()) {
                best = Some((diffs, p));
            }
        }
        let Some((diffs, closest)) = best.filter(|(d, _)| !d.is_empty()) else {
            continue;
        };
        let elsewhere = authenticates.contains(&key(id));
        let cap = |f: Finding| {
            if elsewhere {
                let mut f = f.warn_only();
                f.message.push_str(&format!(
                    " (in the run started by `{}`; another run of the job matches)",
                    id.workflow
                ));
                f
            } else {
                f
            }
        };
        let called = mine.iter().find(|(_, p)| {
            id.in_reusable_workflow()
                && sees_caller_only(id.registry)
                && p.workflow == id.job_workflow
        });
        if let Some((_, p)) = called {
            out.push(cap(Finding::new(
                id.at.clone(),
                format!(
                    "job `{}` publishes to {} from reusable workflow `{}`, called from {}; the policy's publisher names the called file `{}`, but {} matches the top-level workflow `{}` and does not accept the called file",
                    id.job,
                    id.registry.name(),
                    id.job_workflow,
                    id.via.join(" → "),
                    p.workflow,
                    id.registry.name(),
                    id.workflow,
                ),
                format!(
                    "configure the trusted publisher with workflow `{}` (and the policy's [[publisher]]), or move the publish step into the top-level workflow",
                    id.workflow
                ),
            )
.code("reusable-workflow-named")));
            continue;
        }
        let what = diffs
            .iter()
            .map(|d| {
                format!(
                    "{} is {} here, {} in the publisher",
                    d.field, d.job, d.declared
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let first = diffs[0].field;
        let at = if first == "environment" {
            id.environment_at.clone()
        } else {
            id.at.clone()
        };
        out.push(cap(Finding::new(
            at,
            format!(
                "job `{}` publishes to {} but matches no declared {name} trusted publisher; closest ({}:{}): {what}",
                id.job,
                id.registry.name(),
                closest.location.path,
                closest.location.line,
            ),
            format!(
                "make the {} agree: change the workflow, or the registry's trusted publisher and the policy's [[publisher]]",
                diffs.iter().map(|d| d.field).collect::<Vec<_>>().join(" and ")
            ),
        )
.code("no-matching-publisher")));
    }
    for (p, ok) in declared.iter().zip(&satisfied) {
        if *ok {
            continue;
        }
        out.push(
            Finding::new(
                p.location.clone(),
                format!(
                    "no publishing job can authenticate as the declared {} publisher (workflow `{}`{})",
                    p.registry,
                    p.workflow,
                    p.environment
                        .as_ref()
                        .map(|e| format!(", environment `{e}`"))
                        .unwrap_or_default()
                ),
                "remove the stale [[publisher]] entry (and the record on the registry), or fix the workflow that should publish as it",
            )
.code("publisher-unused")
            .warn_only(),
        );
    }
    Outcome::Findings(out)
}

/// One field where a job's identity and a declared publisher differ.
struct Diff {
    field: &'static str,
    job: String,
    declared: String,
}

fn quoted(v: Option<&str>) -> String {
    match v {
        Some(v) => format!("`{v}`"),
        None => "none".into(),
    }
}

fn differences(id: &PublisherIdentity, p: &Publisher) -> Vec<Diff> {
    let mut out = Vec::new();
    // crates.io is given either file of a reusable-workflow publish.
    let workflow_ok = p.workflow == id.workflow
        || (!sees_caller_only(id.registry) && p.workflow == id.job_workflow);
    if !workflow_ok {
        out.push(Diff {
            field: "workflow",
            job: format!("`{}`", id.workflow),
            declared: format!("`{}`", p.workflow),
        });
    }
    if let Some(want) = &p.environment {
        let ok = match &id.environment {
            Some(e) => e == want || e.contains("${{"),
            None => false,
        };
        if !ok {
            out.push(Diff {
                field: "environment",
                job: quoted(id.environment.as_deref()),
                declared: format!("`{want}`"),
            });
        }
    }
    if let (Some(want), Some(have)) = (&p.repository, &id.repository) {
        // GitHub owner and repository names are case-insensitive.
        if !want.eq_ignore_ascii_case(have) {
            out.push(Diff {
                field: "repository",
                job: format!("`{have}`"),
                declared: format!("`{want}`"),
            });
        }
    }
    out
}
