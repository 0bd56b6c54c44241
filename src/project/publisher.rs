//! The publisher identity of every publishing job: what a registry's trusted
//! publisher sees in the job's OIDC token (repository, the workflow file,
//! environment) and the runner it runs on. Built once from the tree and the
//! parsed workflows; `publisher-binding` compares it with `[[publisher]]`.

use crate::finding::Location;
use crate::repo::Tree;
use crate::workflow::WorkflowTree;
use crate::workflow::lane::{env_name, repo_identity};
use crate::workflow::triggers::event_names;
use crate::workflow::{Registry, WorkflowFile, env_map, env_value};
use github_actions_models::common::Uses;
use github_actions_models::common::expr::LoE;
use github_actions_models::workflow::Job;
use github_actions_models::workflow::job::RunsOn;
use std::collections::HashMap;
use std::sync::Arc;

/// Inputs a caller job passes to a reusable workflow, by name.
type Inputs = HashMap<String, String>;

/// `${{ inputs.NAME }}` as the literal value the caller passes, if it does;
/// anything else unchanged (an expression still matches any environment).
fn with_input<'a>(value: &'a str, inputs: &'a Inputs) -> &'a str {
    let inner = value
        .trim()
        .strip_prefix("${{")
        .and_then(|r| r.strip_suffix("}}"))
        .map(str::trim);
    match inner
        .and_then(|i| i.strip_prefix("inputs."))
        .and_then(|n| inputs.get(n))
    {
        Some(v) if !v.contains("${{") && !v.trim().is_empty() => v,
        _ => value,
    }
}

/// How the policy's `[[publisher]]` names a registry; `None` for registries
/// without trusted publishing.
pub fn policy_name(r: Registry) -> Option<&'static str> {
    Some(match r {
        Registry::PyPi => "pypi",
        Registry::Npm => "npm",
        Registry::Crates => "crates-io",
        Registry::RubyGems => "rubygems",
        Registry::NuGet => "nuget",
        _ => return None,
    })
}

/// Whether the registry matches its trusted publisher against the
/// top-level workflow only (the `workflow_ref` claim), so a publish inside
/// a reusable workflow is seen as its caller's file. crates.io is left out:
/// it is given the benefit of the doubt and either file is accepted.
pub fn sees_caller_only(r: Registry) -> bool {
    matches!(
        r,
        Registry::PyPi | Registry::Npm | Registry::RubyGems | Registry::NuGet
    )
}

/// What one publishing job looks like to a registry, through one top-level
/// workflow (a reusable workflow called from two workflows has two).
#[derive(Debug, Clone)]
pub struct PublisherIdentity {
    pub registry: Registry,
    /// `OWNER/REPO`: `vars.github_repository`, else the manifests, else
    /// `.git/config`'s origin; `None` when none says.
    pub repository: Option<String>,
    /// The file name of the top-level workflow the run starts from.
    pub workflow: String,
    /// What starts that top-level workflow (`push (tags: v*)`, `release`):
    /// the events and refs a registry sees in the token.
    pub runs_on: String,
    /// The file holding the publishing job (differs from `workflow` when
    /// the job is in a reusable workflow).
    pub job_workflow: String,
    /// Callers from the top-level file down, when the job is in a reusable
    /// workflow: `release.yml (job publish)`.
    pub via: Vec<String>,
    pub job: String,
    /// The publishing job's own `environment:`. A job that calls a reusable
    /// workflow cannot name one (GitHub rejects `environment` there), so the
    /// environment in the token is always the publishing job's.
    pub environment: Option<String>,
    /// `runs-on` names `self-hosted`.
    pub self_hosted: bool,
    /// Where the job publishes.
    pub at: Location,
    /// Where its `environment:` (or, without one, the job) is written.
    pub environment_at: Location,
    /// Where its `runs-on` is written.
    pub runs_on_at: Location,
}

impl PublisherIdentity {
    pub fn in_reusable_workflow(&self) -> bool {
        !self.via.is_empty()
    }
}

/// The repository a registry sees, as `OWNER/REPO`.
pub fn repository(tree: &Tree, var: Option<&str>) -> Option<String> {
    if let Some(v) = var.filter(|v| !v.trim().is_empty()) {
        return Some(v.trim().to_string());
    }
    if let Some((o, n)) = repo_identity(tree) {
        return Some(format!("{o}/{n}"));
    }
    git_origin(tree)
}

/// The repository as the policy (`vars.github_repository`) or `.git/config`
/// names it, never the manifests: for comparing with what a manifest says.
pub fn repository_outside_manifests(tree: &Tree, var: Option<&str>) -> Option<String> {
    if let Some(v) = var.filter(|v| !v.trim().is_empty()) {
        return Some(v.trim().to_string());
    }
    git_origin(tree)
}

/// The `origin` remote of the root's `.git/config`, if it is on GitHub.
/// The tree's walk leaves `.git` out, so it is read here directly: a regular
/// file in a real directory under the root, never through a symlink.
fn git_origin(tree: &Tree) -> Option<String> {
    let dir = tree.root().join(".git");
    let config = dir.join("config");
    for p in [&dir, &config] {
        let m = std::fs::symlink_metadata(p).ok()?;
        if m.file_type().is_symlink() {
            return None;
        }
    }
    let bytes = crate::repo::fs_guard::read_regular(&config, 1 << 16).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut in_origin = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            in_origin = l.replace(' ', "") == "[remote\"origin\"]";
            continue;
        }
        if in_origin
            && let Some((k, v)) = l.split_once('=')
            && k.trim() == "url"
        {
            return crate::workflow::lane::github_slug(v.trim()).map(|(o, n)| format!("{o}/{n}"));
        }
    }
    None
}

/// Every publishing job's identity, one per registry it publishes to and
/// top-level workflow it runs under.
pub fn identities(
    tree: &Tree,
    workflows: &[Arc<WorkflowFile>],
    repository: Option<String>,
) -> Vec<PublisherIdentity> {
    let mut out = Vec::new();
    for wf in workflows {
        identities_of(tree, wf, &repository, &mut out);
    }
    out
}

/// [`identities`] of one workflow's publishing jobs, pushed onto `out`.
pub fn identities_of(
    tree: &Tree,
    wf: &WorkflowFile,
    repository: &Option<String>,
    out: &mut Vec<PublisherIdentity>,
) {
    {
        let tops = top_level(tree, wf, &mut vec![wf.path.clone()]);
        for role in wf.release.publishing_jobs() {
            // A job calling a local reusable workflow publishes through that
            // workflow's jobs, which are read with the called file.
            if role.calls_workflow {
                continue;
            }
            let Some(Job::NormalJob(job)) = wf.model.jobs.get(&role.id) else {
                continue;
            };
            let environment = job.environment.as_ref().map(|e| env_name(e).to_string());
            let environment_at = wf.job(&role.id).environment();
            let runs_on_at = wf.job(&role.id).location().key("runs-on").locate();
            let self_hosted = match &job.runs_on {
                LoE::Literal(RunsOn::Target(labels)) => labels.iter().any(|l| l == "self-hosted"),
                LoE::Literal(RunsOn::Group { labels, .. }) => {
                    labels.iter().any(|l| l == "self-hosted")
                }
                LoE::Expr(_) => false,
            };
            let mut seen = Vec::new();
            for p in &role.publishes {
                if seen.contains(&p.registry) {
                    continue;
                }
                seen.push(p.registry);
                for (top, via, inputs, runs_on) in &tops {
                    let environment = environment
                        .as_deref()
                        .map(|e| with_input(e, inputs).to_string());
                    out.push(PublisherIdentity {
                        registry: p.registry,
                        repository: repository.clone(),
                        workflow: top.clone(),
                        runs_on: runs_on.clone(),
                        job_workflow: wf.file_name().to_string(),
                        via: via.clone(),
                        job: role.id.clone(),
                        environment,
                        self_hosted,
                        at: p.locate(wf, &role.id),
                        environment_at: environment_at.clone(),
                        runs_on_at: runs_on_at.clone(),
                    });
                }
            }
        }
    }
}

/// The top-level workflow files a run of `wf` starts from, each with the
/// chain of callers from it down: `wf` itself when something other than
/// `workflow_call` triggers it or nothing in the repository calls it, and
/// every local caller's own top-level files. With each, the literal
/// `with:` inputs the immediate caller job passes (none for `wf` itself).
fn top_level(
    tree: &Tree,
    wf: &WorkflowFile,
    stack: &mut Vec<String>,
) -> Vec<(String, Vec<String>, Inputs, String)> {
    let events = event_names(&wf.model.on);
    let callable = events.iter().any(|e| e == "workflow_call");
    let mut out = Vec::new();
    if callable && stack.len() <= crate::workflow::lane::MAX_LANE_DEPTH {
        for caller in &tree.workflow_callers(&wf.path) {
            if stack.contains(caller) {
                continue;
            }
            let Ok(c) = tree.workflow(caller) else {
                continue;
            };
            let jobs: Vec<(&String, Inputs)> = c
                .model
                .jobs
                .iter()
                .filter_map(|(id, j)| match j {
                    Job::ReusableWorkflowCallJob(call)
                        if matches!(&call.uses, Uses::Local(l)
                            if l.path.trim_start_matches("./") == wf.path) =>
                    {
                        let with = env_map(&call.with)
                            .map(|m| m.iter().map(|(k, v)| (k.clone(), env_value(v))).collect())
                            .unwrap_or_default();
                        Some((id, with))
                    }
                    _ => None,
                })
                .collect();
            if jobs.is_empty() {
                continue;
            }
            stack.push(caller.clone());
            for (top, via, _, runs_on) in top_level(tree, &c, stack) {
                for (id, with) in &jobs {
                    let mut v = via.clone();
                    v.push(format!("{} (job `{id}`)", c.file_name()));
                    out.push((top.clone(), v, with.clone(), runs_on.clone()));
                }
            }
            stack.pop();
        }
    }
    if out.is_empty() || events.iter().any(|e| e != "workflow_call") {
        out.push((
            wf.file_name().to_string(),
            Vec::new(),
            Inputs::new(),
            crate::workflow::triggers::describe(&wf.model.on),
        ));
    }
    out
}
