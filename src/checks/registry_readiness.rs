//! `registry-readiness`: a job that publishes by trusted publishing has what
//! its registry needs to hand it a token: the OIDC grant along every run
//! that reaches it, the right tool version, the login action's output wired
//! into the publish, a GitHub-hosted runner, matching package metadata.
//!
//! Only jobs that rely on OIDC are judged: a job that hands the publish a
//! long-lived token is `trusted-publishing`'s business, not this check's.

use super::{Check, Code, Context, Meta, Outcome, Scope, Seen, WorkflowVisitor};
use crate::finding::{Finding, Location, Severity};
use crate::project::publisher::repository_outside_manifests;
use crate::repo::Tree;
use crate::shell::{Command, commands_shared};
use crate::workflow::WorkflowTree;
use crate::workflow::lane::Ran;
use crate::workflow::oidc::job_holds_id_token;
use crate::workflow::publish::{PublishStep, Registry, Via, action_slug};
use crate::workflow::triggers::event_names;
use crate::workflow::at::JobAt;
use crate::workflow::{WorkflowFile, env_map, env_value};
use github_actions_models::common::expr::LoE;
use github_actions_models::common::{BasePermission, Permission, Permissions, Uses};
use github_actions_models::workflow::Job;
use github_actions_models::workflow::job::{NormalJob, RunsOn, Step, StepBody};
use std::sync::atomic::{AtomicBool, Ordering};

pub struct RegistryReadiness;

static META: Meta = Meta {
    id: "registry-readiness",
    title: "Jobs that publish by trusted publishing have what the registry needs",
    severity: Severity::Block,
    lanes: &[],
    rationale: "Trusted publishing fails at the registry, after the build and every other \
        check have passed, when the job cannot present a token the registry accepts. Each \
        registry has its own conditions. Every one needs `id-token: write` on the publishing \
        job; a job in a reusable workflow holds it only if each caller grants it too. npm \
        needs npm 11.5.1 or newer (Node 22 and older bundle npm 10, so the job must install a \
        newer npm), a GitHub-hosted runner, and `repository.url` in package.json naming this \
        repository. crates.io needs rust-lang/crates-io-auth-action run before `cargo publish` \
        and its `token` output handed to it as `CARGO_REGISTRY_TOKEN`. NuGet/login needs a \
        `user:` input and its `NUGET_API_KEY` output passed to `dotnet nuget push`. \
        rubygems/release-gem pushes the release tag, so it needs `contents: write`. PyPI \
        does not accept a reusable workflow as the trusted publisher, and attestations \
        should stay on. Findings where shipgate infers the intent (an npm publish with no \
        token) warn, unless the policy declares a `[[publisher]]` for that registry. Hex and \
        Maven Central have no OIDC: their token belongs in a protected environment \
        (`secrets-in-environment`). pub.dev hands a token only to a run started by a tag \
        push whose tag matches the package's configured tag pattern (or by \
        `workflow_dispatch` where the package allows it), through dart-lang/setup-dart \
        with `id-token: write`; its publish workflows (dart-lang/setup-dart's and \
        dart-lang/ecosystem's) need the caller to grant `id-token: write`.",
    passes: "publish:\n  permissions:\n    id-token: write\n  steps:\n    - uses: rust-lang/crates-io-auth-action@<sha> # v1\n      id: auth\n    - run: cargo publish\n      env:\n        CARGO_REGISTRY_TOKEN: ${{ steps.auth.outputs.token }}",
    fails: "publish:\n  permissions:\n    contents: read     # no id-token: write\n  steps:\n    - uses: pypa/gh-action-pypi-publish@<sha> # v1.12.4",
    fix: "Grant `id-token: write` to the publishing job (and to the job that calls its \
        reusable workflow); for npm, install npm 11.5.1 or newer before publishing \
        (`npm install -g npm@latest`) and publish from a GitHub-hosted runner; wire the \
        login action's output into the publish command.",
    params: &[],
    codes: &[
        Code {
            id: "no-id-token",
            summary: "a job that publishes by trusted publishing cannot mint the OIDC token",
        },
        Code {
            id: "attestations-off",
            summary: "PyPI attestations are switched off",
        },
        Code {
            id: "reusable-workflow-caller",
            summary: "publishing happens in a reusable workflow, so the registry must trust the calling workflow",
        },
        Code {
            id: "self-hosted-runner",
            summary: "npm trusted publishing runs on a self-hosted runner, which npm refuses",
        },
        Code {
            id: "npm-too-old",
            summary: "the npm in use is older than trusted publishing needs",
        },
        Code {
            id: "repository-differs",
            summary: "package.json's repository is not the repository that publishes, so npm refuses the provenance",
        },
        Code {
            id: "auth-after-publish",
            summary: "the crates.io auth step runs after `cargo publish`",
        },
        Code {
            id: "token-not-passed",
            summary: "the crates.io auth step's token never reaches `cargo publish`",
        },
        Code {
            id: "token-may-expire",
            summary: "slow steps run between the crates.io login and the publish, and the token is short-lived",
        },
        Code {
            id: "no-contents-write",
            summary: "rubygems/release-gem pushes a tag, but the job lacks `contents: write`",
        },
        Code {
            id: "nuget-login-user",
            summary: "NuGet/login names no nuget.org user, which the trust policy matches on",
        },
        Code {
            id: "nuget-no-api-key",
            summary: "the key NuGet/login returns is not passed to `dotnet nuget push`",
        },
        Code {
            id: "no-setup-dart",
            summary: "a pub.dev publish has no dart-lang/setup-dart step to exchange the OIDC token",
        },
        Code {
            id: "pub-dev-trigger",
            summary: "a pub.dev publish is started by an event pub.dev issues no token for",
        },
        Code {
            id: "tag-pattern-mismatch",
            summary: "the workflow's tag filter does not match the tag pattern pub.dev expects",
        },
    ],
};

impl Check for RegistryReadiness {
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
        let declared = cx
            .policy
            .publishers
            .iter()
            .map(|p| p.registry.as_str())
            .collect();
        let repo = repository_outside_manifests(cx.tree, cx.var("github_repository"));
        Ok(Box::new(Readiness {
            tree: cx.tree,
            declared,
            repo,
            any: AtomicBool::new(false),
        }))
    }
}

/// The check's side of the workflow pass.
struct Readiness<'a> {
    tree: &'a Tree,
    /// The registries the policy declares trusted publishers for.
    declared: Vec<&'a str>,
    repo: Option<String>,
    /// Whether any job publishes to a registry with trusted publishing.
    any: AtomicBool,
}

impl WorkflowVisitor for Readiness<'_> {
    fn visit(&self, wf: &WorkflowFile) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut any = false;
        for role in wf.release.publishing_jobs() {
            if role.calls_workflow {
                continue;
            }
            let Some(Job::NormalJob(job)) = wf.model.jobs.get(&role.id) else {
                continue;
            };
            let j = JobView {
                tree: self.tree,
                wf,
                id: &role.id,
                job,
            };
            let mut seen: Vec<(Registry, usize)> = Vec::new();
            for p in &role.publishes {
                if seen.contains(&(p.registry, p.step)) {
                    continue;
                }
                seen.push((p.registry, p.step));
                let strict = crate::project::publisher::policy_name(p.registry)
                    .is_some_and(|n| self.declared.contains(&n));
                match p.registry {
                    Registry::PyPi => pypi(&j, p, strict, &mut out),
                    Registry::Npm => npm(&j, p, strict, self.repo.as_deref(), &mut out),
                    Registry::Crates => crates(&j, p, &mut out),
                    Registry::RubyGems => rubygems(&j, p, &mut out),
                    Registry::NuGet => nuget(&j, p, &mut out),
                    Registry::PubDev => pubdev(&j, p, &mut out),
                    _ => continue,
                }
                any |= p.registry.supports_oidc();
            }
        }
        any |= pubdev_reusable_calls(self.tree, wf, &mut out);
        if any {
            self.any.store(true, Ordering::Relaxed);
        }
        out
    }

    fn finish(self: Box<Self>, seen: &Seen, visited: Vec<Finding>) -> Outcome {
        let mut out = seen.broken.clone();
        out.extend(visited);
        if !self.any.load(Ordering::Relaxed) && out.is_empty() {
            return Outcome::Skip("no job publishes to a registry with trusted publishing".into());
        }
        dedup(&mut out);
        Outcome::Findings(out)
    }
}

/// One finding per place and message: two publish commands of one step
/// (`npm publish` twice in a loop) say the same thing once.
fn dedup(out: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    out.retain(|f| seen.insert((f.location.path.clone(), f.location.line, f.message.clone())));
}

/// The publishing job being judged, with what is needed to read around it.
struct JobView<'a> {
    tree: &'a Tree,
    wf: &'a WorkflowFile,
    id: &'a str,
    job: &'a NormalJob,
}

impl<'a> JobView<'a> {
    /// The job, as a place in its workflow.
    fn at(&self) -> JobAt<'a> {
        self.wf.job(self.id)
    }

    fn step_loc(&self, i: usize, key: &'static str) -> Location {
        self.at().step(i).location().key(key).locate()
    }

    /// Steps using an action, by its lower-case `owner/name` slug.
    fn uses<'s>(&'s self, slug: &'s str) -> impl Iterator<Item = (usize, &'s Step)> + 's {
        self.job.steps.iter().enumerate().filter(move |(_, s)| {
            matches!(&s.body, StepBody::Uses { uses, .. }
                if action_slug(uses).is_some_and(|a| a.eq_ignore_ascii_case(slug)))
        })
    }

    /// The job's own steps that run an action, by its lower-case
    /// `owner/name` slug, inside a local composite action (`uses:
    /// ./.github/actions/prepare`, whose first step sets up Dart).
    fn behind_uses<'s>(&'s self, slug: &'s str) -> impl Iterator<Item = usize> + 's {
        self.wf.lane.behind(self.id).iter().filter_map(move |b| match &b.ran {
            Ran::Uses { uses, .. } => {
                let name = uses.split('@').next().unwrap_or(uses);
                let mut parts = name.split('/');
                let owner_repo = format!(
                    "{}/{}",
                    parts.next().unwrap_or(""),
                    parts.next().unwrap_or("")
                );
                owner_repo.eq_ignore_ascii_case(slug).then_some(b.step)
            }
            _ => None,
        })
    }

    /// Why the job cannot mint the OIDC token, if it cannot on some run.
    fn missing_id_token(&self) -> Option<String> {
        id_token_gap(self.tree, self.wf, self.id, &self.job.permissions, 0)
    }
}

fn with_input(step: &Step, key: &str) -> Option<String> {
    match &step.body {
        StepBody::Uses { with, .. } => env_map(with)?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| env_value(v)),
        StepBody::Run { .. } => None,
    }
}

/// Every place a step's token can come from, as text: its env, the job's,
/// the workflow's, and its run script or inputs.
fn step_text(j: &JobView<'_>, step: &Step) -> String {
    let mut s = String::new();
    for env in [
        env_map(&step.env),
        env_map(&j.job.env),
        env_map(&j.wf.model.env),
    ]
    .into_iter()
    .flatten()
    {
        for (k, v) in env {
            s.push_str(k);
            s.push('=');
            s.push_str(&env_value(v));
            s.push('\n');
        }
    }
    match &step.body {
        StepBody::Run { run, .. } => s.push_str(run),
        StepBody::Uses { with, .. } => {
            if let Some(w) = env_map(with) {
                for (k, v) in w {
                    s.push_str(k);
                    s.push('=');
                    s.push_str(&env_value(v));
                    s.push('\n');
                }
            }
        }
    }
    s
}

// ---------------------------------------------------------------------------
// Who can mint the OIDC token.
// ---------------------------------------------------------------------------

/// Whether the permissions name anything at all (a job or workflow that
/// writes no `permissions:` takes the repository's default).
fn is_default(p: &Permissions) -> bool {
    matches!(p, Permissions::Base(BasePermission::Default))
}

/// Why job `job` with `job_perms` in `wf` cannot mint the OIDC token on some
/// run: neither it nor its workflow grants `id-token: write` (the default
/// token never has it), or a local caller of the reusable workflow does not
/// grant it (a called workflow can only keep or narrow its caller's grant).
fn id_token_gap(
    tree: &Tree,
    wf: &WorkflowFile,
    job: &str,
    job_perms: &Permissions,
    depth: usize,
) -> Option<String> {
    let own_default = is_default(job_perms) && is_default(&wf.model.permissions);
    let own = job_holds_id_token(&wf.model.permissions, job_perms);
    let events = event_names(&wf.model.on);
    let callable = events.iter().any(|e| e == "workflow_call");
    let runs_alone = events.iter().any(|e| e != "workflow_call");
    if runs_alone && !own {
        return Some(format!(
            "neither the job nor `{}` grants `id-token: write`",
            wf.file_name()
        ));
    }
    if !callable {
        return None;
    }
    if !own && !own_default {
        return Some(format!(
            "the permissions in `{}` leave out `id-token: write`",
            wf.file_name()
        ));
    }
    if depth >= crate::workflow::lane::MAX_LANE_DEPTH {
        return None;
    }
    // A reusable workflow: the token it can mint is what each caller grants.
    for caller in &tree.workflow_callers(&wf.path) {
        let Ok(c) = tree.workflow(caller) else {
            continue;
        };
        for (cid, j) in &c.model.jobs {
            let Job::ReusableWorkflowCallJob(call) = j else {
                continue;
            };
            if !matches!(&call.uses, Uses::Local(l) if l.path.trim_start_matches("./") == wf.path) {
                continue;
            }
            // A caller whose inputs switch the publish off (a dry run)
            // needs no token for it.
            if !crate::workflow::lane::job_publishes_when_called(wf, job, &call.with) {
                continue;
            }
            if let Some(why) = id_token_gap(tree, &c, cid, &call.permissions, depth + 1) {
                return Some(format!(
                    "it runs in the reusable workflow `{}`, called by job `{cid}` of `{}`, where {why}",
                    wf.file_name(),
                    c.file_name()
                ));
            }
        }
    }
    None
}

fn oidc_block(
    j: &JobView<'_>,
    at: Location,
    registry: Registry,
    how: &str,
    why: String,
) -> Finding {
    Finding::new(
        at,
        format!(
            "job `{}` publishes to {} by trusted publishing ({how}) but cannot mint the OIDC token: {why}",
            j.id,
            registry.name()
        ),
        "grant `id-token: write` in the publishing job's `permissions:` (and in the `permissions:` of every job that calls its reusable workflow)",
    )
.code("no-id-token")
}

// ---------------------------------------------------------------------------
// PyPI
// ---------------------------------------------------------------------------

fn pypi(j: &JobView<'_>, p: &PublishStep, strict: bool, out: &mut Vec<Finding>) {
    if p.behind.is_some() {
        return;
    }
    let Some(step) = j.job.steps.get(p.step) else {
        return;
    };
    match &p.via {
        Via::Action(a)
            if a.split('@')
                .next()
                .is_some_and(|s| s.eq_ignore_ascii_case("pypa/gh-action-pypi-publish")) =>
        {
            if with_input(step, "password").is_some_and(|v| !v.trim().is_empty()) {
                return;
            }
            if let Some(why) = j.missing_id_token() {
                out.push(oidc_block(
                    j,
                    j.step_loc(p.step, "uses"),
                    Registry::PyPi,
                    "pypa/gh-action-pypi-publish with no password",
                    why,
                ));
            }
            if with_input(step, "attestations").is_some_and(|v| v.trim() == "false") {
                let at = j.at().step(p.step).location().key("with");
                out.push(
                    Finding::new(
                        at.key("attestations").locate_key(),
                        format!("job `{}` switches off PyPI attestations", j.id),
                        "remove `attestations: false`: with trusted publishing the action signs each distribution and PyPI shows where it was built",
                    )
.code("attestations-off")
                    .warn_only(),
                );
            }
            if !strict {
                reusable_caveat(j, Registry::PyPi, || j.step_loc(p.step, "uses"), out);
            }
        }
        Via::Command { command, .. } if command.matches("uv publish") => {
            let text = step_text(j, step);
            if text.contains("UV_PUBLISH_TOKEN")
                || text.contains("UV_PUBLISH_PASSWORD")
                || command.has_flag(&["--token", "-t", "--password", "-p"])
            {
                return;
            }
            let always = flag_value(command, "--trusted-publishing").as_deref() == Some("always");
            if flag_value(command, "--trusted-publishing").as_deref() == Some("never") {
                return;
            }
            if let Some(why) = j.missing_id_token() {
                let f = oidc_block(
                    j,
                    p.locate(j.wf, j.id),
                    Registry::PyPi,
                    "`uv publish` with no token",
                    why,
                );
                out.push(if always || strict { f } else { f.warn_only() });
            }
        }
        _ => {}
    }
}

/// A warning for an OIDC publish inside a reusable workflow when no
/// `[[publisher]]` says what the registry was given: the registry matches its
/// trusted publisher against the top-level workflow's file, so the record
/// must name the caller, never this file.
/// `at` is asked only when there is a finding: locating a step parses the
/// workflow's location tree.
fn reusable_caveat(
    j: &JobView<'_>,
    registry: Registry,
    at: impl FnOnce() -> Location,
    out: &mut Vec<Finding>,
) {
    if !reusable_only(j) {
        return;
    }
    let callers: Vec<String> = j
        .tree
        .workflow_callers(&j.wf.path)
        .iter()
        .map(|c| format!("`{}`", c.rsplit('/').next().unwrap_or(c)))
        .collect();
    let seen = if callers.is_empty() {
        "the calling workflow's file".to_string()
    } else {
        callers.join(" or ")
    };
    out.push(
        Finding::new(
            at(),
            format!(
                "job `{}` publishes to {} from the reusable workflow `{}`; {} matches its trusted publisher against the top-level workflow, so the record must name {seen}, not `{}`",
                j.id,
                registry.name(),
                j.wf.file_name(),
                registry.name(),
                j.wf.file_name()
            ),
            format!(
                "register {seen} as the workflow of the trusted publisher on {} and declare it in `[[publisher]]` so publisher-binding checks it, or move the publish job into the top-level release workflow",
                registry.name()
            ),
        )
.code("reusable-workflow-caller")
        .warn_only(),
    );
}

/// Whether the job's workflow runs only when another workflow calls it.
fn reusable_only(j: &JobView<'_>) -> bool {
    crate::workflow::triggers::only_called(&j.wf.model.on)
}

fn flag_value(c: &Command, flag: &str) -> Option<String> {
    let mut it = c.words.iter();
    while let Some(w) = it.next() {
        if w == flag {
            return it.next().cloned();
        }
        if let Some(v) = w.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
            return Some(v.to_string());
        }
    }
    None
}

// ---------------------------------------------------------------------------
// npm
// ---------------------------------------------------------------------------

fn npm(j: &JobView<'_>, p: &PublishStep, strict: bool, repo: Option<&str>, out: &mut Vec<Finding>) {
    if p.behind.is_some() {
        return;
    }
    let Via::Command { command, .. } = &p.via else {
        return;
    };
    if !command.matches("npm publish") {
        return;
    }
    if super::trusted_publishing::token_use(j.wf, j.id, j.job, p).is_some()
        || any_token_in_steps(j, p.step)
    {
        return;
    }
    let holds = match j.missing_id_token() {
        Some(why) => {
            let f = Finding::new(
                p.locate(j.wf, j.id),
                format!(
                    "job `{}` runs `npm publish` with no token, so npm can only use trusted publishing, but the job cannot mint the OIDC token: {why}",
                    j.id
                ),
                "grant `id-token: write` to the publishing job, or hand npm a token (and see trusted-publishing)",
            )
.code("no-id-token");
            out.push(if strict { f } else { f.warn_only() });
            false
        }
        None => true,
    };
    if !holds {
        return;
    }
    // From here the job relies on OIDC: it holds the token and hands npm none.
    if !strict {
        reusable_caveat(j, Registry::Npm, || p.locate(j.wf, j.id), out);
    }
    // With an npm `[[publisher]]`, publisher-binding reports the runner.
    if !strict && let Some(at) = self_hosted(j) {
        out.push(Finding::new(
            at,
            format!(
                "job `{}` publishes to npm by trusted publishing from a self-hosted runner; npm accepts trusted publishing only from GitHub-hosted runners",
                j.id
            ),
            "run the publishing job on a GitHub-hosted runner (`runs-on: ubuntu-latest`)",
        )
.code("self-hosted-runner"));
    }
    if !npm_upgraded(j, p.step, command)
        && let Some((node, at)) = setup_node(j, p.step)
        && let Some(bundled) = old_bundled_npm(&node)
    {
        out.push(Finding::new(
            at,
            format!(
                "job `{}` publishes to npm by trusted publishing with Node {node}, which bundles npm {bundled}; trusted publishing needs npm 11.5.1 or newer",
                j.id
            ),
            "add `- run: npm install -g npm@latest` before the publish, or set up Node 24 or newer",
        )
.code("npm-too-old"));
    }
    if let Some(repo) = repo
        && let Some(dir) = published_dir(j, p)
        && let Some((url, at)) = package_repository(j.tree, &dir)
        && let Some((o, n)) = crate::workflow::lane::github_slug(&url)
        && !format!("{o}/{n}").eq_ignore_ascii_case(repo)
    {
        let file = at.path.clone();
        out.push(Finding::new(
            at,
            format!(
                "{file}'s `repository` names {o}/{n}, but the package is published from {repo}; npm checks the provenance it generates with trusted publishing against `repository.url` and refuses the publish (E422)"
            ),
            format!("set `repository.url` in package.json to `https://github.com/{repo}`"),
        )
.code("repository-differs"));
    }
}

/// An earlier step that hands npm a token another way (`npm config set
/// //registry.npmjs.org/:_authToken`, a written .npmrc).
fn any_token_in_steps(j: &JobView<'_>, upto: usize) -> bool {
    j.job.steps.iter().take(upto + 1).any(|s| {
        let t = step_text(j, s);
        t.contains("_authToken")
            || t.contains("NPM_TOKEN")
            || t.contains("NODE_AUTH_TOKEN")
            || t.contains("NPM_CONFIG_TOKEN")
    })
}

fn self_hosted(j: &JobView<'_>) -> Option<Location> {
    let labels = match &j.job.runs_on {
        LoE::Literal(RunsOn::Target(l)) => l,
        LoE::Literal(RunsOn::Group { labels, .. }) => labels,
        LoE::Expr(_) => return None,
    };
    labels.iter().any(|l| l == "self-hosted").then(|| {
        j.at().location().key("runs-on").locate()
    })
}

/// Whether npm is replaced by a newer one before the publish: `npm install
/// -g npm@…` in an earlier step, or the publish itself run through a
/// versioned npm (`npx npm@11 publish`).
fn npm_upgraded(j: &JobView<'_>, upto: usize, publish: &Command) -> bool {
    if publish.words.first().is_some_and(|w| w.starts_with("npm@")) {
        return true;
    }
    j.job.steps.iter().take(upto + 1).any(|s| match &s.body {
        StepBody::Run { run, .. } => commands_shared(run).iter().any(|(_, c)| {
            (c.matches("npm install") || c.matches("npm i") || c.matches("npm update"))
                && c.has_flag(&["-g", "--global", "--location"])
                && c.words.iter().any(|w| w == "npm" || w.starts_with("npm@"))
        }),
        StepBody::Uses { .. } => false,
    })
}

/// The Node version `actions/setup-node` installs before `upto`, as written
/// (or read from its `node-version-file`), with where it is written.
fn setup_node(j: &JobView<'_>, upto: usize) -> Option<(String, Location)> {
    let (i, step) = j
        .uses("actions/setup-node")
        .filter(|(i, _)| *i < upto)
        .last()?;
    if let Some(v) = with_input(step, "node-version") {
        let at = j.at().step(i).location().key("with").key("node-version");
        return Some((v.trim().to_string(), at.locate()));
    }
    let file = with_input(step, "node-version-file")?;
    let file = file.trim().trim_start_matches("./");
    if !(file.ends_with(".nvmrc") || file.ends_with(".node-version")) || !j.tree.exists(file) {
        return None;
    }
    let text = j.tree.text(file).ok()?;
    let v = text
        .text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    Some((v.to_string(), Location::file(file)))
}

/// The npm a Node version bundles, when it is certainly older than 11.5.1:
/// every Node release up to 23 bundles npm 10 or older. Ranges, aliases
/// for the newest release and expressions tell nothing certain.
fn old_bundled_npm(node: &str) -> Option<&'static str> {
    let v = node.trim().trim_start_matches(['v', 'V']);
    let major: u32 = if let Some(code) = v.strip_prefix("lts/") {
        match code.to_ascii_lowercase().as_str() {
            "hydrogen" => 18,
            "iron" => 20,
            "jod" => 22,
            "gallium" => 16,
            "fermium" => 14,
            _ => return None,
        }
    } else {
        let head = v.split(['.', ' ']).next()?;
        let rest = &v[head.len()..];
        // `20`, `20.x`, `20.11.1`; not `>=20`, `^20`, `20 || 22`.
        if !rest.is_empty()
            && !rest.strip_prefix('.').is_some_and(|r| {
                r.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == 'x' || c == '*')
            })
        {
            return None;
        }
        head.parse().ok()?
    };
    match major {
        0..=13 => Some("6 or older"),
        14 => Some("6"),
        15 => Some("7"),
        16..=17 => Some("8"),
        18..=19 => Some("9 or 10"),
        20..=23 => Some("10"),
        _ => None,
    }
}

/// The folder whose package.json `npm publish` publishes, relative to the
/// root ("" for the root): the step's or the job's literal working
/// directory, then a literal `cd` earlier in the script, then a folder named
/// after `publish`. `None` when an expression, a variable, a workspace flag
/// or a tarball leaves it unknown.
fn published_dir(j: &JobView<'_>, p: &PublishStep) -> Option<String> {
    let step = j.job.steps.get(p.step)?;
    let Via::Command { command, line } = &p.via else {
        return None;
    };
    let StepBody::Run { run, .. } = &step.body else {
        return None;
    };
    // Read from the text: the model's `working_directory` is never set.
    let working_directory = j.wf.step_working_directory(j.id, p.step);
    if command.has_flag(&["--workspace", "-w", "--workspaces", "--ws"]) {
        return None;
    }
    let job_dir = j
        .job
        .defaults
        .as_ref()
        .and_then(|d| d.run.as_ref())
        .and_then(|r| r.working_directory.clone());
    let mut dir = String::new();
    let mut join = |part: &str| -> Option<()> {
        if part.contains('$') || part.contains('~') || part.starts_with('/') {
            return None;
        }
        for seg in part.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    let keep = dir.rfind('/').unwrap_or(0);
                    dir.truncate(keep);
                }
                s => {
                    if !dir.is_empty() {
                        dir.push('/');
                    }
                    dir.push_str(s);
                }
            }
        }
        Some(())
    };
    if let Some(wd) = working_directory.as_ref().or(job_dir.as_ref()) {
        join(wd)?;
    }
    for (l, c) in commands_shared(run).iter() {
        if *l >= *line {
            break;
        }
        if c.matches("pushd") || c.matches("popd") {
            return None;
        }
        if c.words.first().is_some_and(|w| w == "cd") {
            join(c.words.get(1)?)?;
        }
    }
    if let Some(t) = publish_target(command) {
        if t.ends_with(".tgz") || t.ends_with(".tar.gz") {
            return None;
        }
        join(t)?;
    }
    Some(dir)
}

/// A folder or tarball named after `npm publish`: a word that is neither a
/// flag nor the value of a flag that takes one.
fn publish_target(c: &Command) -> Option<&str> {
    const VALUED: &[&str] = &[
        "--tag",
        "--access",
        "--otp",
        "--registry",
        "--provenance-file",
    ];
    let mut words = c.words.iter().skip_while(|w| *w != "publish").skip(1);
    while let Some(w) = words.next() {
        if VALUED.contains(&w.as_str()) {
            words.next();
        } else if !w.starts_with('-') {
            return Some(w);
        }
    }
    None
}

/// `repository` (or `repository.url`) of the package.json in `dir`, unless
/// the package is private (never published).
fn package_repository(tree: &Tree, dir: &str) -> Option<(String, Location)> {
    let path = if dir.is_empty() {
        "package.json".to_string()
    } else {
        format!("{dir}/package.json")
    };
    if !tree.exists(&path) {
        return None;
    }
    let j = tree.json(&path).ok()?;
    if j.root.get("private").is_some_and(|p| p.is_js_truthy()) {
        return None;
    }
    let r = j.root.get("repository")?;
    let node = if r.as_str().is_some() {
        r
    } else {
        r.get("url")?
    };
    Some((node.as_str()?.to_string(), j.location(&node.span)))
}

// ---------------------------------------------------------------------------
// crates.io
// ---------------------------------------------------------------------------

fn crates(j: &JobView<'_>, p: &PublishStep, out: &mut Vec<Finding>) {
    let Some((auth_i, auth)) = j.uses("rust-lang/crates-io-auth-action").next() else {
        return;
    };
    if let Some(why) = j.missing_id_token() {
        out.push(oidc_block(
            j,
            j.step_loc(auth_i, "uses"),
            Registry::Crates,
            "rust-lang/crates-io-auth-action",
            why,
        ));
    }
    // The auth action is itself counted as a crates.io step; the wiring is
    // judged at the step that runs `cargo publish`.
    if p.behind.is_some() || p.step == auth_i {
        return;
    }
    let Some(step) = j.job.steps.get(p.step) else {
        return;
    };
    if auth_i > p.step {
        out.push(Finding::new(
            j.step_loc(auth_i, "uses"),
            format!(
                "job `{}` runs rust-lang/crates-io-auth-action after `cargo publish`, so the publish has no token",
                j.id
            ),
            "move the auth step directly before the `cargo publish` step",
        )
.code("auth-after-publish"));
        return;
    }
    let text = step_text(j, step);
    if text.contains("CARGO_REGISTRY_TOKEN") && text.contains("secrets.") {
        // A long-lived token: trusted-publishing reports it.
        return;
    }
    let wired = auth
        .id
        .as_deref()
        .is_some_and(|id| text.contains(&format!("steps.{id}.outputs.token")));
    if !wired {
        out.push(Finding::new(
            p.locate(j.wf, j.id),
            match &auth.id {
                Some(id) => format!(
                    "`cargo publish` in job `{}` is not given the auth action's token (`steps.{id}.outputs.token`)",
                    j.id
                ),
                None => format!(
                    "rust-lang/crates-io-auth-action in job `{}` has no `id:`, so its token output cannot reach `cargo publish`",
                    j.id
                ),
            },
            "give the auth step an `id: auth` and set `CARGO_REGISTRY_TOKEN: ${{ steps.auth.outputs.token }}` in the env of the `cargo publish` step",
        )
.code("token-not-passed"));
    }
    // The token lives 30 minutes: a build between login and publish eats it.
    if let Some((i, c)) = j
        .job
        .steps
        .iter()
        .enumerate()
        .take(p.step)
        .skip(auth_i + 1)
        .find_map(|(i, s)| match &s.body {
            StepBody::Run { run, .. } => commands_shared(run)
                .iter()
                .find(|(_, c)| {
                    c.matches("cargo build")
                        || c.matches("cargo test")
                        || c.matches("cargo package")
                })
                .map(|(_, c)| (i, c.clone())),
            StepBody::Uses { .. } => None,
        })
    {
        out.push(
            Finding::new(
                j.step_loc(i, "run"),
                format!(
                    "job `{}` runs `{}` between the crates.io login and the publish; the token lives 30 minutes",
                    j.id,
                    c.text()
                ),
                "run rust-lang/crates-io-auth-action right before `cargo publish`, after the build",
            )
.code("token-may-expire")
            .warn_only(),
        );
    }
}

// ---------------------------------------------------------------------------
// RubyGems
// ---------------------------------------------------------------------------

fn rubygems(j: &JobView<'_>, _p: &PublishStep, out: &mut Vec<Finding>) {
    let release_gem = j.uses("rubygems/release-gem").next();
    let configure = j
        .uses("rubygems/configure-rubygems-credentials")
        .find(|(_, s)| with_input(s, "api-token").is_none_or(|v| v.trim().is_empty()));
    let Some((i, how)) = release_gem
        .map(|(i, _)| (i, "rubygems/release-gem"))
        .or(configure.map(|(i, _)| (i, "rubygems/configure-rubygems-credentials")))
    else {
        return;
    };
    if let Some(why) = j.missing_id_token() {
        out.push(oidc_block(
            j,
            j.step_loc(i, "uses"),
            Registry::RubyGems,
            how,
            why,
        ));
    }
    if release_gem.is_some() && lacks_contents_write(j) {
        out.push(Finding::new(
            j.step_loc(i, "uses"),
            format!(
                "job `{}` runs rubygems/release-gem, which pushes the release tag, but its permissions leave out `contents: write`",
                j.id
            ),
            "grant `contents: write` to this job",
        )
.code("no-contents-write"));
    }
}

/// Whether the job's effective permissions are written out and do not give
/// `contents: write` (the repository default is unknown, so an unwritten
/// block is not judged).
fn lacks_contents_write(j: &JobView<'_>) -> bool {
    let p = if is_default(&j.job.permissions) {
        &j.wf.model.permissions
    } else {
        &j.job.permissions
    };
    match p {
        Permissions::Base(BasePermission::Default)
        | Permissions::Base(BasePermission::WriteAll) => false,
        Permissions::Base(_) => true,
        Permissions::Explicit(m) => m.get("contents") != Some(&Permission::Write),
    }
}

// ---------------------------------------------------------------------------
// NuGet
// ---------------------------------------------------------------------------

fn nuget(j: &JobView<'_>, p: &PublishStep, out: &mut Vec<Finding>) {
    let Some((i, login)) = j.uses("nuget/login").next() else {
        return;
    };
    if let Some(why) = j.missing_id_token() {
        out.push(oidc_block(
            j,
            j.step_loc(i, "uses"),
            Registry::NuGet,
            "NuGet/login",
            why,
        ));
    }
    if with_input(login, "user").is_none_or(|v| v.trim().is_empty()) {
        out.push(Finding::new(
            j.step_loc(i, "uses"),
            format!(
                "NuGet/login in job `{}` has no `user:` input; NuGet matches the trust policy to the nuget.org account named there",
                j.id
            ),
            "add `with: user: <your nuget.org user name>` (not an email address)",
        )
.code("nuget-login-user"));
    }
    if p.behind.is_some() || i > p.step {
        return;
    }
    let Via::Command { command, .. } = &p.via else {
        return;
    };
    if command.has_flag(&["--api-key", "-k"]) {
        return;
    }
    let Some(step) = j.job.steps.get(p.step) else {
        return;
    };
    if step_text(j, step).contains("NUGET_API_KEY") {
        return;
    }
    out.push(Finding::new(
        p.locate(j.wf, j.id),
        format!(
            "`{}` in job `{}` has no `--api-key`; NuGet/login only hands out a key, it does not configure the push",
            command.text(),
            j.id
        ),
        match &login.id {
            Some(id) => format!("add `--api-key ${{{{ steps.{id}.outputs.NUGET_API_KEY }}}}`"),
            None => "give the login step an `id: login` and add `--api-key ${{ steps.login.outputs.NUGET_API_KEY }}`".into(),
        },
    )
.code("nuget-no-api-key"));
}

// ---------------------------------------------------------------------------
// pub.dev
// ---------------------------------------------------------------------------

/// Reusable workflows that publish a Dart package to pub.dev by OIDC.
const PUBDEV_WORKFLOWS: &[&str] = &[
    "dart-lang/setup-dart/.github/workflows/publish.yml",
    "dart-lang/ecosystem/.github/workflows/publish.yaml",
];

/// Whether the job hands `dart pub publish` a long-lived credential
/// (a `pub-credentials.json` written from a secret, `dart pub token add`):
/// `trusted-publishing` judges those.
fn pub_credentials(j: &JobView<'_>) -> bool {
    j.job.steps.iter().any(|st| {
        let t = step_text(j, st).to_ascii_lowercase();
        t.contains("pub token add")
            || (t.contains("secrets.") && (t.contains("credentials") || t.contains("pub_token")))
    })
}

fn pubdev(j: &JobView<'_>, p: &PublishStep, out: &mut Vec<Finding>) {
    if pub_credentials(j) {
        return;
    }
    let at = p.locate(j.wf, j.id);
    let setup = j
        .uses("dart-lang/setup-dart")
        .map(|(i, _)| i)
        .chain(j.behind_uses("dart-lang/setup-dart"))
        .find(|i| *i < p.step);
    let missing = j.missing_id_token();
    // The job shows it means to publish by OIDC when it sets up Dart's
    // token exchange or holds the grant; otherwise shipgate infers it.
    let intent = setup.is_some() || missing.is_none();
    let cap = |f: Finding| if intent { f } else { f.warn_only() };
    if setup.is_none() {
        out.push(cap(Finding::new(
            at.clone(),
            format!(
                "job `{}` publishes to pub.dev with no dart-lang/setup-dart step before the publish, so nothing exchanges GitHub's OIDC token for a pub.dev token",
                j.id
            ),
            "add `uses: dart-lang/setup-dart@<sha>` before the publish step (with `id-token: write` it mints the pub.dev token)",
        )
.code("no-setup-dart")));
    }
    if let Some(why) = missing {
        out.push(cap(oidc_block(
            j,
            at.clone(),
            Registry::PubDev,
            "dart pub publish",
            why,
        )));
    }
    if let Some(f) = pubdev_trigger(j.tree, j.wf, at) {
        out.push(cap(f));
    }
}

/// Calls of a pub.dev publish workflow: the caller grants `id-token: write`
/// and runs on the tag push pub.dev accepts. Whether any was found.
fn pubdev_reusable_calls(tree: &Tree, wf: &WorkflowFile, out: &mut Vec<Finding>) -> bool {
    let mut any = false;
    for (id, job) in &wf.model.jobs {
        let Job::ReusableWorkflowCallJob(call) = job else {
            continue;
        };
        let Uses::Repository(r) = &call.uses else {
            continue;
        };
        let target = format!("{}/{}/{}", r.owner(), r.repo(), r.subpath().unwrap_or(""))
            .to_ascii_lowercase();
        if !PUBDEV_WORKFLOWS.contains(&target.as_str()) {
            continue;
        }
        any = true;
        let at = wf.job(id).location().key("uses").locate();
        if !job_holds_id_token(&wf.model.permissions, &call.permissions) {
            out.push(Finding::new(
                at.clone(),
                format!(
                    "job `{id}` calls {target}, which publishes to pub.dev by OIDC, but does not grant it `id-token: write`"
                ),
                "grant `id-token: write` in this job's `permissions:`: a called workflow gets no more than its caller grants",
            )
.code("no-id-token"));
        }
        out.extend(pubdev_trigger(tree, wf, at));
    }
    any
}

/// pub.dev accepts the OIDC token of a run started by pushing a tag that
/// matches the package's tag pattern (or, where the package allows it, by
/// `workflow_dispatch`). A workflow that runs on neither cannot publish; one
/// whose tag filters match no tag for a version of the repository's
/// packages (`v1.2.3`, `name-v1.2.3`) warns, since pub.dev's pattern must
/// name a tag the workflow runs on.
fn pubdev_trigger(tree: &Tree, wf: &WorkflowFile, at: Location) -> Option<Finding> {
    use crate::workflow::triggers::{dispatch, filter_matches, has_event, push_tag_patterns};
    let on = &wf.model.on;
    if has_event(on, "workflow_call") {
        return None; // the caller's trigger decides
    }
    let tags = push_tag_patterns(on);
    if tags.is_none() && dispatch(on).is_none() {
        return Some(Finding::new(
            at,
            format!(
                "{} publishes to pub.dev but runs on {}: pub.dev issues tokens only to runs started by pushing a tag (or by `workflow_dispatch` where the package allows it)",
                wf.file_name(),
                event_names(on).join(", ")
            ),
            "trigger the publish with `on: push: tags: ['v[0-9]+.[0-9]+.[0-9]+']` and set the same tag pattern (`v{{version}}`) in the package's admin page on pub.dev",
        )
.code("pub-dev-trigger"));
    }
    let patterns = tags.flatten()?;
    let packages = pubspec_versions(tree);
    let mut examples = Vec::new();
    for (name, version) in &packages {
        let candidates = [
            version.clone(),
            format!("v{version}"),
            format!("{name}-v{version}"),
            format!("{name}-{version}"),
            format!("{name}/v{version}"),
            format!("{name}_v{version}"),
        ];
        if candidates
            .iter()
            .any(|c| patterns.iter().any(|p| filter_matches(p, c)))
        {
            return None;
        }
        examples.push(format!("`v{version}`, `{name}-v{version}`"));
    }
    let first = examples.first()?;
    Some(
        Finding::new(
            at,
            format!(
                "no tag filter of {} ({}) matches a release tag of the Dart packages here ({first}): pub.dev accepts a run only for a tag that matches the package's tag pattern",
                wf.file_name(),
                patterns
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "make the workflow's `tags:` filter match the tag pattern configured on pub.dev (`v{{version}}` or `{{package}}-v{{version}}`)",
        )
.code("tag-pattern-mismatch")
        .warn_only(),
    )
}

/// `(name, version)` of every `pubspec.yaml` outside test and example
/// folders, read from their top-level `name:` and `version:` lines.
fn pubspec_versions(tree: &Tree) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in tree.paths() {
        if path.rsplit('/').next() != Some("pubspec.yaml")
            || path.split('/').any(|seg| {
                matches!(
                    seg,
                    "test" | "tests" | "example" | "examples" | "fixtures" | "testdata"
                ) || seg.starts_with('.')
            })
        {
            continue;
        }
        let Ok(tf) = tree.text(path) else { continue };
        let top = |key: &str| {
            tf.text.lines().find_map(|l| {
                let v = l.strip_prefix(key)?.strip_prefix(':')?;
                let v = v.split(" #").next()?.trim().trim_matches(['"', '\'']);
                (!v.is_empty()).then(|| v.to_string())
            })
        };
        if let (Some(n), Some(v)) = (top("name"), top("version")) {
            out.push((n, v));
        }
    }
    out
}
