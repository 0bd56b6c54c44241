//! `release-cache`: jobs that publish, ship or build a release restore no caches.

use super::{Code, Meta, ReleaseWorkflowCheck};
use crate::finding::{Finding, Severity};
use crate::workflow::expr::{Scenario, eval_template};
use crate::workflow::lane::Ran;
use crate::workflow::publish::action_slug;
use crate::workflow::triggers::{if_false, job_outputs, release_scenarios, skipped_jobs};
use crate::workflow::{WorkflowFile, env_map, env_value};
use github_actions_models::common::Uses;
use github_actions_models::workflow::job::{NormalJob, StepBody};
use std::collections::{HashMap, HashSet};

pub static CHECK: ReleaseWorkflowCheck = ReleaseWorkflowCheck {
    meta: &META,
    judge: check,
};

static META: Meta = Meta {
    id: "release-cache",
    title: "Jobs that publish, ship or build a release restore no caches",
    severity: Severity::Warn,
    lanes: &[],
    rationale: "A cache is written by whichever run saved it first under its key, including \
        runs for pull requests and other branches, and GitHub does not sign it. A publishing \
        job that restores one builds or uploads from files another, less trusted run chose: \
        cache poisoning turns a compromised CI job into a compromised release. The same holds \
        for a job that uploads assets to a GitHub release, and for a job whose uploaded \
        artifact a publishing or shipping job downloads (it builds what ships). Release jobs \
        are rare, so the time a cache saves them is small. The steps of a local composite \
        action such a job uses are the job's steps: a cache they restore counts.",
    passes: "- uses: actions/setup-node@<sha> # v4\n  with:\n    node-version: 22",
    fails: "- uses: actions/setup-node@<sha> # v4\n  with:\n    node-version: 22\n    cache: npm",
    fix: "Drop `actions/cache` and `Swatinem/rust-cache` from these jobs and remove \
        `cache:` (`enable-cache:`, `bundler-cache:`) from `setup-*` steps there (`cache: false` for `actions/setup-go`, whose \
        cache is on by default).",
    params: &[],
    codes: &[
        Code {
            id: "cache-action",
            summary: "a publishing job restores a cache with `actions/cache`",
        },
        Code {
            id: "setup-cache",
            summary: "a publishing job restores a cache through a `setup-*` action's cache input",
        },
        Code {
            id: "go-cache-default",
            summary: "a publishing job uses `setup-go`, which restores the module cache unless told not to",
        },
    ],
};

const CACHE_ACTIONS: &[&str] = &[
    "actions/cache",
    "swatinem/rust-cache",
    "mozilla-actions/sccache-action",
    "hendrikmuhs/ccache-action",
];

/// The artifact names a job's `actions/download-artifact` (or
/// `upload-artifact`) steps name: `Some(name or pattern)`, or `None` for a
/// download of every artifact.
fn artifacts(job: &NormalJob, action: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for s in &job.steps {
        let StepBody::Uses { uses, with } = &s.body else {
            continue;
        };
        if action_slug(uses).as_deref() != Some(action) {
            continue;
        }
        let with = env_map(with);
        let named = ["name", "pattern"]
            .iter()
            .find_map(|k| with.and_then(|w| w.get(*k)).map(env_value));
        out.push(named);
    }
    out
}

/// Whether an uploaded artifact name can be what a download asks for. Only
/// the literal start of each (before `${{` or `*`) is compared.
fn same_artifact(download: &Option<String>, upload: &Option<String>) -> bool {
    let (Some(d), Some(u)) = (download, upload) else {
        return download.is_none() || upload.is_none();
    };
    let lit = |s: &str| -> String {
        let end = [s.find("${{"), s.find('*')].into_iter().flatten().min();
        s[..end.unwrap_or(s.len())].to_string()
    };
    let exact = |s: &str| !s.contains("${{") && !s.contains('*');
    let (ld, lu) = (lit(d), lit(u));
    if exact(d) && exact(u) {
        return d == u;
    }
    ld.starts_with(&lu) || lu.starts_with(&ld)
}

/// The jobs a cache must stay out of, each with what it does for the
/// release: jobs that publish or ship (upload to a GitHub release), and jobs
/// that upload an artifact such a job downloads (they build what ships),
/// found through its `needs`, transitively.
fn release_jobs(wf: &WorkflowFile) -> HashMap<&str, String> {
    let jobs: HashMap<&str, &NormalJob> = wf.normal_jobs().collect();
    let mut out: HashMap<&str, String> = HashMap::new();
    let mut queue: Vec<(&str, &str, Vec<Option<String>>)> = Vec::new();
    for (id, job) in wf.normal_jobs() {
        let Some(role) = wf.release.job(id) else {
            continue;
        };
        let what = if role.is_publishing() {
            format!("publishing job `{id}`")
        } else if !role.ships.is_empty() {
            format!("job `{id}`, which ships release assets,")
        } else {
            continue;
        };
        out.insert(id, what);
        let downloads = artifacts(job, "actions/download-artifact");
        if !downloads.is_empty() {
            queue.push((id, id, downloads));
        }
    }
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    while let Some((id, releaser, downloads)) = queue.pop() {
        if !seen.insert((id, releaser)) {
            continue;
        }
        let Some(job) = jobs.get(id) else { continue };
        for need in &job.needs {
            let Some((nid, njob)) = jobs.get_key_value(need.as_str()) else {
                continue;
            };
            let builds = artifacts(njob, "actions/upload-artifact")
                .iter()
                .any(|u| downloads.iter().any(|d| same_artifact(d, u)));
            if builds && !out.contains_key(nid) {
                out.insert(
                    nid,
                    format!("job `{nid}`, which builds what release job `{releaser}` ships,"),
                );
            }
            queue.push((nid, releaser, downloads.clone()));
        }
    }
    out
}

/// Whether a `cache:` value turns the cache off on every release run
/// (`${{ !startsWith(github.ref, 'refs/tags/') }}` on a tag workflow).
fn off_on_release(v: &str, scenarios: &[Scenario]) -> bool {
    if v.is_empty() || v.eq_ignore_ascii_case("false") {
        return true;
    }
    v.contains("${{")
        && !scenarios.is_empty()
        && scenarios.iter().all(|s| {
            eval_template(v, s)
                .is_some_and(|x| !x.truthy() || x.render().eq_ignore_ascii_case("false"))
        })
}

fn check(wf: &WorkflowFile, out: &mut Vec<Finding>) {
    let release = release_jobs(wf);
    // The runs that release: a cache turned off on tags is off where it
    // matters when the release jobs run only on tags.
    let outputs = job_outputs(wf);
    let scenarios: Vec<Scenario> = release_scenarios(&wf.model.on)
        .into_iter()
        .map(|s| s.with_outputs(outputs.clone()))
        .filter(|s| {
            let skipped = skipped_jobs(wf, s, &if_false);
            wf.release
                .releasing_jobs()
                .any(|r| !skipped.contains(&r.id))
        })
        .collect();
    for (job_id, job) in wf.normal_jobs() {
        let Some(what) = release.get(job_id) else {
            continue;
        };
        for (i, step) in job.steps.iter().enumerate() {
            let StepBody::Uses { uses, with } = &step.body else {
                continue;
            };
            let Some(slug) = action_slug(uses) else {
                continue;
            };
            let step_at = wf.job(job_id).step(i).location();
            if CACHE_ACTIONS.contains(&slug.as_str()) {
                out.push(
                    Finding::new(
                        step_at.key("uses").locate(),
                        format!("{what} restores a cache with {}", uses.raw()),
                        "remove the cache from the publishing job",
                    )
                    .code("cache-action"),
                );
                continue;
            }
            let name = slug.rsplit('/').next().unwrap_or("");
            if !name.starts_with("setup-") {
                continue;
            }
            let with = env_map(with);
            for key in ["cache", "enable-cache", "bundler-cache"] {
                let Some(v) = with.and_then(|w| w.get(key)) else {
                    continue;
                };
                let v = env_value(v);
                if off_on_release(&v, &scenarios) {
                    continue;
                }
                out.push(
                    Finding::new(
                        step_at.clone().key("with").key(key).locate_key(),
                        format!(
                            "{what} restores a cache through {} (`{key}: {v}`)",
                            uses.raw()
                        ),
                        format!("remove `{key}:` from this step"),
                    )
                    .code("setup-cache"),
                );
            }
            if slug == "actions/setup-go"
                && go_caches_by_default(uses)
                && with.and_then(|w| w.get("cache")).is_none()
            {
                out.push(
                    Finding::new(
                        step_at.key("uses").locate(),
                        format!(
                            "{what} uses {}, which restores the Go module cache by default",
                            uses.raw()
                        ),
                        "add `with: cache: false`",
                    )
                    .code("go-cache-default"),
                );
            }
        }
        // Caches restored by local composite actions the job runs.
        for b in wf.lane.behind(job_id) {
            let Ran::Uses { uses, with } = &b.ran else {
                continue;
            };
            let Ok(u) = Uses::parse(uses.as_str()) else {
                continue;
            };
            let Some(slug) = action_slug(&u) else {
                continue;
            };
            let through = format!("in local action {}", b.chain());
            if CACHE_ACTIONS.contains(&slug.as_str()) {
                out.push(Finding::new(
                    b.at.clone(),
                    format!("publishing job `{job_id}` restores a cache with {uses} ({through})"),
                    "remove the cache from the action, or do not use the action in the publishing job",
                )
.code("cache-action"));
                continue;
            }
            if !slug.rsplit('/').next().unwrap_or("").starts_with("setup-") {
                continue;
            }
            for key in ["cache", "enable-cache", "bundler-cache"] {
                let Some((_, v, at)) = with.iter().find(|(k, _, _)| k == key) else {
                    continue;
                };
                if v.is_empty() || v.eq_ignore_ascii_case("false") {
                    continue;
                }
                out.push(Finding::new(
                    at.clone(),
                    format!(
                        "publishing job `{job_id}` restores a cache through {uses} (`{key}: {v}`, {through})"
                    ),
                    format!("remove `{key}:` from this step of the action, or pass it an input that turns the cache off"),
                )
.code("setup-cache"));
            }
            if slug == "actions/setup-go"
                && go_caches_by_default(&u)
                && !with.iter().any(|(k, _, _)| k == "cache")
            {
                out.push(Finding::new(
                    b.at.clone(),
                    format!(
                        "publishing job `{job_id}` uses {uses} ({through}), which restores the Go module cache by default"
                    ),
                    "add `with: cache: false`",
                )
.code("go-cache-default"));
            }
        }
    }
}

/// `actions/setup-go` v4 and later cache unless told not to. A SHA pin
/// cannot be dated, so it is assumed current.
fn go_caches_by_default(uses: &Uses) -> bool {
    let Uses::Repository(r) = uses else {
        return false;
    };
    let major = r
        .git_ref()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok());
    major.is_none_or(|m| m >= 4)
}
