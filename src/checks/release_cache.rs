//! `release-cache`: publishing jobs restore no caches.

use super::workflow_pass::WorkflowPass;
use super::{BuiltIn, Meta, Pass};
use crate::finding::{Finding, Severity};
use crate::project::lane::Ran;
use crate::workflow::publish::action_slug;
use crate::workflow::{Key, WorkflowFile, env_map, env_value, step_route};
use github_actions_models::common::Uses;
use github_actions_models::workflow::job::StepBody;

pub static CHECK: BuiltIn = BuiltIn {
    meta: Meta {
        id: "release-cache",
        title: "Publishing jobs restore no caches",
        severity: Severity::Warn,
        lanes: &[],
        rationale: "A cache is written by whichever run saved it first under its key, including \
            runs for pull requests and other branches, and GitHub does not sign it. A publishing \
            job that restores one builds or uploads from files another, less trusted run chose: \
            cache poisoning turns a compromised CI job into a compromised release. Release jobs \
            are rare, so the time a cache saves them is small. The steps of a local composite \
            action the publishing job uses are the job's steps: a cache they restore counts.",
        passes: "- uses: actions/setup-node@<sha> # v4\n  with:\n    node-version: 22",
        fails: "- uses: actions/setup-node@<sha> # v4\n  with:\n    node-version: 22\n    cache: npm",
        fix: "Drop `actions/cache` and `Swatinem/rust-cache` from publishing jobs and remove \
            `cache:` (`enable-cache:`, `bundler-cache:`) from `setup-*` steps there (`cache: false` for `actions/setup-go`, whose \
            cache is on by default).",
        params: &[],
    },
    pass: Pass::Workflows(&PASS),
};

static PASS: WorkflowPass = WorkflowPass::over_publishing(check);

const CACHE_ACTIONS: &[&str] = &[
    "actions/cache",
    "swatinem/rust-cache",
    "mozilla-actions/sccache-action",
    "hendrikmuhs/ccache-action",
];

fn check(wf: &WorkflowFile, out: &mut Vec<Finding>) {
    for (job_id, job) in wf.normal_jobs() {
        if !wf.release.job(job_id).is_some_and(|r| r.is_publishing()) {
            continue;
        }
        for (i, step) in job.steps.iter().enumerate() {
            let StepBody::Uses { uses, with } = &step.body else {
                continue;
            };
            let Some(slug) = action_slug(uses) else {
                continue;
            };
            let mut route = step_route(job_id, i);
            if CACHE_ACTIONS.contains(&slug.as_str()) {
                route.push(Key::K("uses"));
                out.push(Finding::new(
                    wf.locate(&route),
                    format!(
                        "publishing job `{job_id}` restores a cache with {}",
                        uses.raw()
                    ),
                    "remove the cache from the publishing job",
                ));
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
                if v.is_empty() || v.eq_ignore_ascii_case("false") {
                    continue;
                }
                let mut r = route.clone();
                r.extend([Key::K("with"), Key::K(key)]);
                out.push(Finding::new(
                    wf.locate_key(&r),
                    format!(
                        "publishing job `{job_id}` restores a cache through {} (`{key}: {v}`)",
                        uses.raw()
                    ),
                    format!("remove `{key}:` from this step"),
                ));
            }
            if slug == "actions/setup-go"
                && go_caches_by_default(uses)
                && with.and_then(|w| w.get("cache")).is_none()
            {
                route.push(Key::K("uses"));
                out.push(Finding::new(
                    wf.locate(&route),
                    format!(
                        "publishing job `{job_id}` uses {}, which restores the Go module cache by default",
                        uses.raw()
                    ),
                    "add `with: cache: false`",
                ));
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
                ));
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
                ));
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
                ));
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
