//! `publish-isolation`: the job that holds publish credentials uploads an
//! artifact another job built; it checks out, installs and builds nothing.

use super::{Code, Meta, ReleaseWorkflowCheck};
use crate::finding::{Finding, Location, Severity};
use crate::shell::{Command, commands_shared};
use crate::workflow::lane::Ran;
use crate::workflow::oidc::job_holds_id_token;
use crate::workflow::publish::{
    BUILD_ACTIONS, JobRole, Via, action_slug, builds_itself, install_or_build,
};
use crate::workflow::secrets::secret_refs;
use crate::workflow::{WorkflowFile, env_map, env_value, step_label};
use github_actions_models::common::Uses;
use github_actions_models::workflow::job::{NormalJob, StepBody};

pub static CHECK: ReleaseWorkflowCheck = ReleaseWorkflowCheck {
    meta: &META,
    judge: check,
};

static META: Meta = Meta {
    id: "publish-isolation",
    title: "Publishing jobs upload a prebuilt artifact and run no installs or builds",
    severity: Severity::Warn,
    lanes: &[],
    rationale: "Installing dependencies or building runs code from the dependency tree: \
        setup.py, build backends, npm lifecycle scripts, build.rs. In the job that holds the \
        OIDC token or a registry secret, any of that code can publish in your name. Build in \
        a job with no credentials, upload the result with `actions/upload-artifact`, and let \
        the publishing job only download it (`actions/download-artifact` v4 or later verifies \
        it) and upload it to the registry. Setting up the runtime the publish command needs \
        (`setup-node` for `npm publish`, installing `twine`) is fine. `cargo publish` and \
        `mix hex.publish` package the checked-out source themselves, so their jobs cannot \
        be split this way: there a checkout and toolchain setup pass, and any other install \
        or build warns, saying so (the job should stay as small as the command allows). A \
        job that does not publish but holds a registry-named secret warns on each install \
        or build it runs. So does a job that uploads release assets (`gh release upload`, \
        a release action): the token that writes the release is there while it builds what \
        ships (a warning in every preset). What a job runs behind its steps counts as the \
        job's: the steps of a local composite action, and the commands of the repository \
        scripts, package.json scripts, Makefile targets and justfile recipes its `run:` \
        invokes (read, never run), each reported at its own file and line.",
    passes: "publish:\n  needs: build\n  environment: pypi\n  permissions:\n    id-token: write\n  steps:\n    - uses: actions/download-artifact@<sha> # v4\n      with:\n        name: dist\n        path: dist/\n    - uses: pypa/gh-action-pypi-publish@<sha> # v1.12.4",
    fails: "publish:\n  steps:\n    - uses: actions/checkout@<sha> # v4\n    - run: pip install build && python -m build\n    - run: twine upload dist/*\n      env:\n        TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN }}",
    fix: "Split the job: a `build` job without credentials checks out, installs, builds and \
        runs `actions/upload-artifact`; the publishing job `needs: build`, runs \
        `actions/download-artifact` (v4 or later) and the publish step, and nothing else.",
    params: &[],
    codes: &[
        Code {
            id: "credentials-beside-build",
            summary: "a job that holds publish credentials also checks out, installs or builds",
        },
        Code {
            id: "builds-while-publishing",
            summary: "the registry's publish command builds from source inside the job that holds the credentials",
        },
    ],
};

/// Setup actions that also install the project's dependencies when an
/// input is on.
const INSTALLING_INPUTS: &[(&str, &str)] = &[
    ("pnpm/action-setup", "run_install"),
    ("ruby/setup-ruby", "bundler-cache"),
];

/// One thing the credentialed job should not do.
struct Offence {
    location: Location,
    label: String,
    what: String,
    kind: OffenceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OffenceKind {
    Checkout,
    InstallOrBuild,
    /// An `actions/download-artifact` older than v4.
    StaleDownload,
}

fn check(wf: &WorkflowFile, out: &mut Vec<Finding>) {
    for (job_id, job) in wf.normal_jobs() {
        let Some(role) = wf.release.job(job_id).filter(|r| r.is_publishing()) else {
            // A job that does not publish but holds a registry secret: the
            // secret is there for something, and installs or builds can read it.
            if let Some(role) = wf.release.job(job_id)
                && let Some(secret) = registry_secret(job)
            {
                let offences = offences(wf, job_id, job, role)
                    .into_iter()
                    .filter(|o| o.kind != OffenceKind::Checkout)
                    .collect();
                push_each(
                    out,
                    job_id,
                    &format!("the registry secret `{secret}`"),
                    offences,
                    "job",
                );
            } else if let Some(role) = wf.release.job(job_id)
                && let Some(ship) = role.ships.first()
            {
                // A job that uploads release assets holds a token that can
                // write the release: what it builds is what ships. Beyond the
                // registry lane, so a warning even where the check blocks.
                let offences: Vec<Offence> = offences(wf, job_id, job, role)
                    .into_iter()
                    .filter(|o| o.kind != OffenceKind::Checkout)
                    .collect();
                let mut found = Vec::new();
                push_each(
                    &mut found,
                    job_id,
                    &format!("the token that ships the release ({})", ship.what),
                    offences,
                    "job",
                );
                out.extend(found.into_iter().map(Finding::warn_only));
            }
            continue;
        };
        let creds = if job_holds_id_token(&wf.model.permissions, &job.permissions) {
            "the OIDC token".to_string()
        } else {
            let regs: Vec<&str> = role.publishes.iter().map(|p| p.registry.name()).collect();
            format!("{} credentials", dedup(regs).join(" and "))
        };
        let offences = offences(wf, job_id, job, role);
        let publish_cmds: Vec<String> = role
            .publishes
            .iter()
            .map(|p| format!("`{}`", p.describe()))
            .collect();
        if role.publishes.iter().all(builds_itself) {
            // The publish command packages the source, so the checkout it
            // needs is no offence; other installs and builds still are.
            let (stale, rest): (Vec<Offence>, Vec<Offence>) = offences
                .into_iter()
                .filter(|o| o.kind != OffenceKind::Checkout)
                .partition(|o| o.kind == OffenceKind::StaleDownload);
            push_each(out, job_id, &creds, stale, "publishing job");
            if rest.is_empty() {
                continue;
            }
            let p = &role.publishes[0];
            let steps: Vec<String> = rest
                .iter()
                .map(|o| format!("{} ({}: {})", o.label, where_(o, wf), o.what))
                .collect();
            let location = p.locate(wf, job_id);
            out.push(Finding::new(
                location,
                format!(
                    "publishing job `{job_id}` builds from source while it holds {creds}: {} must build the package itself, so this job cannot publish a prebuilt artifact; it also runs {}",
                    publish_cmds.join(", "),
                    steps.join("; ")
                ),
                "keep the job to checkout, toolchain setup and the publish command (run tests and other builds in jobs without the credential), and keep the secret in the job's environment",
            )
.code("builds-while-publishing"));
            continue;
        }
        push_each(out, job_id, &creds, offences, "publishing job");
    }
}

/// Words in a secret's name that mark it as a package registry credential.
const REGISTRY_SECRET_WORDS: &[&str] = &[
    "PYPI",
    "NPM",
    "NODE_AUTH",
    "CARGO_REGISTRY",
    "CRATES",
    "HEX_API",
    "RUBYGEMS",
    "GEM_HOST",
    "NUGET",
    "TWINE",
    "SONATYPE",
    "OSSRH",
];

/// The first registry-named secret a job's env, steps' env or inputs read.
fn registry_secret(job: &NormalJob) -> Option<String> {
    let mut texts: Vec<String> = Vec::new();
    if let Some(env) = env_map(&job.env) {
        texts.extend(env.values().map(env_value));
    }
    for step in &job.steps {
        if let Some(env) = env_map(&step.env) {
            texts.extend(env.values().map(env_value));
        }
        match &step.body {
            StepBody::Uses { with, .. } => {
                if let Some(w) = env_map(with) {
                    texts.extend(w.values().map(env_value));
                }
            }
            StepBody::Run { run, .. } => texts.push(run.clone()),
        }
    }
    texts
        .iter()
        .flat_map(|t| secret_refs(t))
        .map(|(_, name)| name)
        .find(|name| {
            let up = name.to_ascii_uppercase();
            REGISTRY_SECRET_WORDS.iter().any(|w| up.contains(w))
        })
}

fn push_each(
    out: &mut Vec<Finding>,
    job_id: &str,
    creds: &str,
    offences: Vec<Offence>,
    job_kind: &str,
) {
    for o in offences {
        let help = if o.kind == OffenceKind::StaleDownload {
            "use actions/download-artifact v4 or later, which verifies the artifact's digest"
        } else {
            "build in a job without credentials and upload with actions/upload-artifact; here, only download it with actions/download-artifact v4+ and publish"
        };
        out.push(
            Finding::new(
                o.location,
                format!(
                    "{job_kind} `{job_id}` holds {creds} and {} in {}",
                    o.what, o.label
                ),
                help,
            )
            .code("credentials-beside-build"),
        );
    }
}

fn offences(wf: &WorkflowFile, job_id: &str, job: &NormalJob, role: &JobRole) -> Vec<Offence> {
    let mut out = Vec::new();
    for (i, step) in job.steps.iter().enumerate() {
        let label = step_label(step, i);
        let step_at = wf.job(job_id).step(i).location();
        match &step.body {
            StepBody::Uses { uses, with } => {
                let input = |k: &str| env_map(with).and_then(|w| w.get(k)).map(env_value);
                if let Some((what, kind)) = uses_offence(uses, input) {
                    out.push(Offence {
                        location: step_at.key("uses").locate(),
                        label,
                        what,
                        kind,
                    });
                }
            }
            StepBody::Run { run, .. } => {
                let run_at = step_at.key("run");
                for (line, cmd) in commands_shared(run).iter() {
                    let line = *line;
                    let is_publish = role.publishes.iter().any(|p| {
                        p.step == i
                            && p.behind.is_none()
                            && matches!(&p.via, Via::Command { command, .. } if command == cmd)
                    });
                    if let Some(what) = command_offence(cmd, is_publish) {
                        out.push(Offence {
                            location: run_at.locate_command(line, &cmd.raw),
                            label: label.clone(),
                            what,
                            kind: OffenceKind::InstallOrBuild,
                        });
                    }
                }
            }
        }
    }
    // What the job runs behind its steps: composite actions, scripts, tasks.
    for b in wf.lane.behind(job_id) {
        // The step names a composite action it uses; the chain goes on from there.
        let label = match job.steps.get(b.step) {
            Some(step) => {
                let uses_action = matches!(&step.body, StepBody::Uses { .. });
                let rest = &b.via[usize::from(uses_action).min(b.via.len())..];
                if rest.is_empty() {
                    step_label(step, b.step)
                } else {
                    format!("{} through {}", step_label(step, b.step), rest.join(" → "))
                }
            }
            None => b.chain(),
        };
        let found = match &b.ran {
            Ran::Uses { uses, with } => Uses::parse(uses.as_str()).ok().and_then(|u| {
                let input = |k: &str| {
                    with.iter()
                        .find(|(key, _, _)| key == k)
                        .map(|(_, v, _)| v.clone())
                };
                uses_offence(&u, input)
            }),
            Ran::Command(cmd) => {
                let is_publish = role.publishes.iter().any(|p| {
                    p.behind.as_ref().is_some_and(|pb| pb.at == b.at)
                        && matches!(&p.via, Via::Command { command, .. } if command.words == cmd.words)
                });
                command_offence(cmd, is_publish).map(|w| (w, OffenceKind::InstallOrBuild))
            }
            Ran::Publish(..) | Ran::Ship(_) => None,
        };
        // A composite or script the job runs twice is one offence.
        if let Some((what, kind)) = found
            && !out.iter().any(|o| o.location == b.at && o.what == what)
        {
            out.push(Offence {
                location: b.at.clone(),
                label,
                what,
                kind,
            });
        }
    }
    out
}

/// What a `uses:` step does that a credentialed job should not.
fn uses_offence(
    uses: &Uses,
    input: impl Fn(&str) -> Option<String>,
) -> Option<(String, OffenceKind)> {
    let slug = action_slug(uses).unwrap_or_default();
    let installs = INSTALLING_INPUTS
        .iter()
        .find(|(action, key)| {
            slug == *action
                && input(key).is_some_and(|v| !v.is_empty() && !v.eq_ignore_ascii_case("false"))
        })
        .map(|(_, key)| *key);
    // taiki-e/checkout-action is a checkout of the repository too, in a
    // few lines of shell instead of Node.
    if slug == "actions/checkout" || slug == "taiki-e/checkout-action" {
        Some(("checks out the source".into(), OffenceKind::Checkout))
    } else if let Some(key) = installs {
        Some((
            format!("installs dependencies with {} (`{key}`)", uses.raw()),
            OffenceKind::InstallOrBuild,
        ))
    } else if BUILD_ACTIONS.contains(&slug.as_str()) {
        Some((
            format!("builds with {}", uses.raw()),
            OffenceKind::InstallOrBuild,
        ))
    } else if slug == "actions/download-artifact" && old_major(uses, 4) {
        Some((
            format!("downloads the artifact with {} (older than v4)", uses.raw()),
            OffenceKind::StaleDownload,
        ))
    } else {
        None
    }
}

/// What a command does that a credentialed job should not: an install or
/// build, or a publish command that builds first.
fn command_offence(cmd: &Command, is_publish: bool) -> Option<String> {
    if is_publish {
        return ((cmd.matches("poetry publish") && cmd.has_flag(&["--build"]))
            || cmd.matches("maturin publish"))
        .then(|| format!("builds with `{}`", shown(cmd)));
    }
    install_or_build(cmd).map(|p| {
        let verb = if p.contains("install")
            || p.contains("sync")
            || p.contains("deps.get")
            || p.contains("restore")
            || p.contains("fetch")
            || p.ends_with(" i")
            || *p == *"yarn"
            || p.ends_with(" ci")
            || p.contains("download")
        {
            "installs dependencies with"
        } else {
            "builds with"
        };
        format!("{verb} `{}`", shown(cmd))
    })
}

/// Whether a `uses:` ref names a major version below `min` (`@v3`, `@v3.1.0`,
/// or a SHA whose trailing comment says so is not read: a SHA is assumed current).
fn old_major(uses: &Uses, min: u32) -> bool {
    let Uses::Repository(r) = uses else {
        return false;
    };
    r.git_ref()
        .strip_prefix('v')
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m < min)
}

/// A command as written, without a trailing comment.
fn shown(cmd: &crate::shell::Command) -> String {
    let raw = cmd.raw.split(" #").next().unwrap_or(&cmd.raw).trim();
    if raw.is_empty() {
        cmd.text()
    } else {
        raw.to_string()
    }
}

/// `line 12` in the workflow, `scripts/build:3` elsewhere.
fn where_(o: &Offence, wf: &WorkflowFile) -> String {
    if o.location.path == wf.path {
        format!("line {}", o.location.line)
    } else {
        format!("{}:{}", o.location.path, o.location.line)
    }
}

fn dedup(mut v: Vec<&str>) -> Vec<&str> {
    let mut seen = Vec::new();
    v.retain(|x| {
        if seen.contains(x) {
            false
        } else {
            seen.push(*x);
            true
        }
    });
    v
}
