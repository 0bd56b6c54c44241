//! `release-concurrency`: a release workflow serialises its runs and never
//! cancels one that is publishing from `main` or a tag.

use super::{Code, Meta, ReleaseWorkflowCheck};
use crate::edit::{Edit, Fix, mapping};
use crate::finding::{Finding, Severity};
use crate::workflow::expr::{Scenario, context_paths, eval, eval_template, interpolations};
use crate::workflow::triggers::{if_false, job_outputs, release_scenarios, skipped_jobs};
use crate::workflow::at::At;
use crate::workflow::publish::Registry;
use crate::workflow::{Key, WorkflowFile};
use github_actions_models::common::expr::LoE;
use github_actions_models::workflow::{Concurrency, Job};

pub static CHECK: ReleaseWorkflowCheck = ReleaseWorkflowCheck {
    meta: &META,
    judge: check,
};

static META: Meta = Meta {
    id: "release-concurrency",
    title: "Release workflows have a concurrency group and never cancel a release in flight",
    severity: Severity::Block,
    lanes: &[],
    rationale: "Two release runs for the same ref race each other: both may tag, both may \
        upload, and the registry keeps whichever lands first. A `concurrency` group makes \
        them queue. `cancel-in-progress: true` is right for pull-request CI but wrong for a \
        release: cancelling a run on `main` or a tag half-way through can leave a pushed tag \
        without its package, or a package without its GitHub release. An expression such as \
        `${{ github.ref != 'refs/heads/main' }}` cancels only superseded branch runs and \
        passes. A group built only from contexts that are empty for the workflow's own \
        triggers (`github.head_ref` on a push or tag workflow) is the same string for every \
        run, so unrelated releases queue behind each other and a waiting run is cancelled \
        when a newer one arrives. A workflow that releases only on tags, with a group per \
        tag and `cancel-in-progress: true`, can only cancel a run of the same tag pushed \
        again: two releases never cancel each other, so that is a warning (a re-pushed tag \
        can still cut short its own half-done release). A workflow that only publishes \
        what the next run redoes (docs for a released version, `mix hex.publish docs`; a \
        Maven snapshot, every version it sets before publishing ending in `-SNAPSHOT`) \
        only warns. A job that calls a local reusable workflow \
        which publishes or ships is one of the caller's releasing jobs, and the called \
        workflow, when it runs only through `workflow_call`, runs inside its caller's run: \
        the caller is judged for the group, and the called workflow needs none of its own.",
    passes: "on:\n  push:\n    branches: [main]\n  pull_request:\nconcurrency:\n  group: release-${{ github.ref }}\n  cancel-in-progress: ${{ github.ref != 'refs/heads/main' }}",
    fails: "concurrency:\n  group: ${{ github.workflow }}-${{ github.head_ref }}\n  cancel-in-progress: true",
    fix: "Add a top-level `concurrency:` block to the release workflow with \
        `group: release-${{ github.ref }}` and `cancel-in-progress: false` (or an expression \
        that is false on `main` and tags), keying the group on something every run of this \
        workflow has, such as `github.ref`.",
    params: &[],
    codes: &[
        Code {
            id: "no-group",
            summary: "a release workflow has no concurrency group, so two runs may publish at once",
        },
        Code {
            id: "one-group-for-all",
            summary: "the concurrency group is built only from contexts that are empty for the workflow's triggers",
        },
        Code {
            id: "group-per-run",
            summary: "the concurrency group differs on every run, so it never serialises releases",
        },
        Code {
            id: "cancels-release",
            summary: "a new run cancels a release in progress",
        },
        Code {
            id: "cancels-docs-publish",
            summary: "a workflow that only publishes docs (`mix hex.publish docs`) cancels an in-flight docs upload, which the newer run redoes (a warning)",
        },
        Code {
            id: "cancels-snapshot-publish",
            summary: "a workflow that only publishes Maven snapshot builds (`-SNAPSHOT`) cancels an in-flight snapshot upload, which the newer run replaces (a warning)",
        },
        Code {
            id: "cancels-same-tag",
            summary: "tag releases with a group per tag cancel only a re-pushed tag's own run (a warning)",
        },
    ],
};

fn check(wf: &WorkflowFile, out: &mut Vec<Finding>) {
    let release_jobs: Vec<&str> = wf.release.releasing_jobs().map(|r| r.id.as_str()).collect();
    // The runs that can release: a tag run whose publishing jobs are all
    // skipped on tags (`if: github.ref == 'refs/heads/main'`) cannot.
    let outputs = job_outputs(wf);
    let all: Vec<Scenario> = release_scenarios(&wf.model.on)
        .into_iter()
        .map(|s| s.with_outputs(outputs.clone()))
        .collect();
    let releasing: Vec<Scenario> = all
        .iter()
        .filter(|s| {
            let skipped = skipped_jobs(wf, s, &if_false);
            release_jobs.iter().any(|j| !skipped.contains(*j))
        })
        .cloned()
        .collect();
    let scenarios = if releasing.is_empty() { all } else { releasing };
    // Every release job only uploads docs for a version already published
    // (`mix hex.publish docs`): a cancelled run leaves no half release.
    let docs_only = wf.release.releasing_jobs().all(|r| {
        r.ships.is_empty() && !r.publishes.is_empty() && r.publishes.iter().all(|p| p.docs_only())
    });
    // Every release job publishes only a snapshot build to Maven (each
    // version it sets ends in `-SNAPSHOT`): the newer run publishes a newer
    // snapshot, as a newer docs upload replaces the one it cancels.
    let snapshots = wf.release.releasing_jobs().all(|r| {
        r.ships.is_empty()
            && !r.publishes.is_empty()
            && r.publishes
                .iter()
                .all(|p| p.registry == Registry::Maven && snapshot_only(wf, &r.id, p.step))
    });
    let redone = if docs_only {
        Redone::Docs
    } else if snapshots {
        Redone::Snapshot
    } else {
        Redone::Not
    };
    if let Some(c) = &wf.model.concurrency {
        judge(wf, c, wf.top().key("concurrency"), &scenarios, redone, out);
    }
    let mut missing = Vec::new();
    for (id, job) in &wf.model.jobs {
        let id = id.as_str();
        if !release_jobs.contains(&id) {
            continue;
        }
        match job {
            Job::NormalJob(job) => match &job.concurrency {
                Some(c) => judge(
                    wf,
                    c,
                    wf.job(id).location().key("concurrency"),
                    &scenarios,
                    redone,
                    out,
                ),
                None => missing.push(id),
            },
            // A job that calls a local reusable workflow which releases is a
            // releasing job of this workflow: the release runs inside this
            // run. It is grouped when the called workflow holds its own group,
            // or the job does (the typed model keeps no `concurrency:` for a
            // calling job, so that is read from the text).
            Job::ReusableWorkflowCallJob(_) => {
                if !wf.lane.call_is_grouped(id)
                    && wf
                        .job(id)
                        .location()
                        .key("concurrency")
                        .byte_span()
                        .is_none()
                {
                    missing.push(id);
                }
            }
        }
    }
    // A workflow that only runs when called runs inside its caller's run:
    // callers that each hold a concurrency group serialize it, and a release
    // workflow that calls it is judged for the group itself (its calling job
    // releases), so the finding lands on the workflow that starts the release.
    let only_called = crate::workflow::triggers::only_called(&wf.model.on);
    let serialized_by_callers = only_called
        && (wf.release.callers_hold_concurrency || wf.release.called_by_release.is_some());
    if wf.model.concurrency.is_none() && !missing.is_empty() && !serialized_by_callers {
        let jobs: Vec<String> = missing.iter().map(|j| format!("`{j}`")).collect();
        out.push(
            Finding::new(
                wf.top().key("on").locate_key(),
                format!(
                    "release workflow `{}` has no concurrency group (nor do its releasing jobs {}), so two runs can publish at once",
                    wf.file_name(),
                    jobs.join(", ")
                ),
                "add a top-level `concurrency:` with `group: release-${{ github.ref }}` and `cancel-in-progress: false`",
            )
.code("no-group")
            .warn_only()
            .with_fix(Fix::new(
                &wf.path,
                "add a top-level concurrency group that never cancels a release",
                vec![Edit::add_top(
                    "concurrency",
                    mapping([
                        ("group", "release-${{ github.ref }}".into()),
                        ("cancel-in-progress", false.into()),
                    ]),
                )],
            )),
        );
    }
}

fn judge(
    wf: &WorkflowFile,
    c: &Concurrency,
    at: At<'_>,
    scenarios: &[Scenario],
    redone: Redone,
    out: &mut Vec<Finding>,
) {
    let (group, cancel) = match c {
        Concurrency::Bare(g) => (g.as_str(), None),
        Concurrency::Rich {
            group,
            cancel_in_progress,
        } => (group.as_str(), Some(cancel_in_progress)),
    };
    if scenarios.is_empty() {
        // Only pull-request runs: release-triggers reports that.
        return;
    }
    let group_at = match c {
        Concurrency::Rich { .. } => at.clone().key("group"),
        Concurrency::Bare(_) => at.clone(),
    };
    if let Some(empty) = collapsed(group, scenarios) {
        out.push(
            Finding::new(
                group_at.locate(),
                format!(
                    "concurrency group `{group}` is the same for every run of this workflow: {} is empty for its triggers ({}), so every release shares one group and a waiting run is cancelled when a newer one arrives",
                    empty.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", "),
                    trigger_summary(scenarios)
                ),
                "key the group on a context these runs have, e.g. `release-${{ github.ref }}`",
            )
.code("one-group-for-all")
            .warn_only(),
        );
    }
    if per_run(group, scenarios) {
        // `${{ github.head_ref || github.run_id }}` on a push or dispatch:
        // every run has a group of its own, so nothing is ever cancelled, and
        // nothing waits either.
        out.push(
            Finding::new(
                group_at.locate(),
                format!(
                    "concurrency group `{group}` differs on every run of release workflow `{}` (it takes `github.run_id` or the like for {}), so it never cancels a release but never queues one either: two runs can publish at once",
                    wf.file_name(),
                    trigger_summary(scenarios)
                ),
                "key the group on what must not run twice at once, e.g. `release-${{ github.ref }}`, with `cancel-in-progress: false`",
            )
.code("group-per-run")
            .warn_only(),
        );
        return;
    }
    let Some(cancel) = cancel else { return };
    let cancel_at = at.key("cancel-in-progress");
    let (shown, cancels, help): (String, Vec<&Scenario>, &str) = match cancel {
        LoE::Literal(false) => return,
        LoE::Literal(true) => (
            "true".into(),
            scenarios.iter().collect(),
            "set `cancel-in-progress: false`, or `${{ github.ref != 'refs/heads/main' }}` to cancel only superseded branch runs",
        ),
        LoE::Expr(e) => (
            e.as_curly().to_string(),
            scenarios
                .iter()
                .filter(|s| eval(e.as_bare(), s).is_some_and(|v| v.truthy()))
                .collect(),
            "make the expression false on `main` and tags, e.g. `${{ github.ref != 'refs/heads/main' && !startsWith(github.ref, 'refs/tags/') }}`",
        ),
    };
    if cancels.is_empty() {
        return;
    }
    let message = format!(
        "`cancel-in-progress: {shown}` in release workflow `{}` is true on {}, so it cancels a release already in flight",
        wf.file_name(),
        refs_of(cancels.iter().copied())
    );
    // An expression that spares `main` (SPEC's own example is
    // `${{ github.ref != 'refs/heads/main' }}`) but is true on tags, with a
    // group per tag, could only cut short a second run of the very same tag:
    // that passes. With one group for all tags, a newer tag cancels an older
    // tag's release.
    let tags_only = cancels.iter().all(|s| s.git_ref.starts_with("refs/tags/"));
    let same_tag_only = tags_only && per_tag(group, scenarios);
    if matches!(cancel, LoE::Expr(_)) && same_tag_only {
        return;
    }
    if same_tag_only {
        // A literal `true` on a tags-only release with a group per tag: no
        // two releases share a group, so only a tag deleted and pushed again
        // while its first run is in flight is cancelled. Maintainers choose
        // that on purpose; the leftover risk (that first run cut short after
        // the upload) is worth a warning, not a block.
        out.push(
            Finding::new(
                cancel_at.locate(),
                format!(
                    "`cancel-in-progress: true` in release workflow `{}` releases only on {} with a concurrency group per tag, so it cancels a run only when the same tag is pushed again while that run is in flight, which can leave that release half done",
                    wf.file_name(),
                    refs_of(cancels.iter().copied())
                ),
                "set `cancel-in-progress: false` so a re-pushed tag waits for its first run instead of cutting it short",
            )
            .code("cancels-same-tag")
            .warn_only()
            .with_fix(no_cancel(wf, cancel_at.route())),
        );
        return;
    }
    if redone != Redone::Not {
        let (what, again, help) = match redone {
            Redone::Snapshot => (
                "only publishes snapshot builds (its version ends in `-SNAPSHOT`), cancels a snapshot upload in flight",
                "publishes a newer snapshot",
                "set `cancel-in-progress: false` so each snapshot upload finishes before the next starts",
            ),
            _ => (
                "only publishes docs for a released version, cancels a docs upload in flight",
                "uploads them again",
                "set `cancel-in-progress: false` so each docs upload finishes before the next starts",
            ),
        };
        let finding = Finding::new(
                cancel_at.locate(),
                format!(
                    "`cancel-in-progress: {shown}` in `{}`, which {what} on {}; the newer run {again}",
                    wf.file_name(),
                    refs_of(cancels.iter().copied())
                ),
                help,
            )
            .warn_only();
        let finding = match redone {
            Redone::Snapshot => finding.code("cancels-snapshot-publish"),
            _ => finding.code("cancels-docs-publish"),
        };
        out.push(match cancel {
            LoE::Literal(true) => finding.with_fix(no_cancel(wf, cancel_at.route())),
            _ => finding,
        });
        return;
    }
    let finding = Finding::new(cancel_at.locate(), message, help).code("cancels-release");
    out.push(match cancel {
        LoE::Literal(true) => finding.with_fix(no_cancel(wf, cancel_at.route())),
        _ => finding,
    });
}

/// Whether a Maven or Gradle publish at `step` of job `job_id` publishes a
/// snapshot: every version the job sets up to that step ends in
/// `-SNAPSHOT`, and it sets one. A version is set by a line of a `run:`
/// script (`echo "ORG_GRADLE_PROJECT_VERSION_NAME=$(…)-SNAPSHOT" >>
/// $GITHUB_ENV`, `-Pversion=…`, `-DnewVersion=…`) or a `*version*` variable
/// of the workflow's, the job's or a step's `env:`. One set to anything
/// else (an input, a tag) is a release.
fn snapshot_only(wf: &WorkflowFile, job_id: &str, step: usize) -> bool {
    use crate::workflow::{env_map, env_value};
    use github_actions_models::workflow::job::StepBody;
    let Some(Job::NormalJob(job)) = wf.model.jobs.get(job_id) else {
        return false;
    };
    let Ok(assign) = regex::Regex::new(r"(?i)version\w*\s*=\s*((?:\$\([^)]*\)|[^\s;&|])*)") else {
        return false;
    };
    let mut values: Vec<String> = Vec::new();
    let from_env = |values: &mut Vec<String>, env: Option<&github_actions_models::common::Env>| {
        for (k, v) in env.into_iter().flatten() {
            if k.to_ascii_lowercase().contains("version") {
                values.push(env_value(v));
            }
        }
    };
    from_env(&mut values, env_map(&wf.model.env));
    from_env(&mut values, env_map(&job.env));
    for s in job.steps.iter().take(step + 1) {
        from_env(&mut values, env_map(&s.env));
        if let StepBody::Run { run, .. } = &s.body {
            values.extend(assign.captures_iter(run).map(|c| c[1].to_string()));
        }
    }
    !values.is_empty()
        && values
            .iter()
            .all(|v| v.trim_end_matches(['"', '\'']).ends_with("-SNAPSHOT"))
}

/// What a cancelled run of a workflow leaves for the next run to redo,
/// when that is all it publishes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Redone {
    /// A release: cancelling it can leave it half done.
    Not,
    /// Docs for a version already published (`mix hex.publish docs`).
    Docs,
    /// A snapshot build (`-SNAPSHOT`), which the newer run replaces.
    Snapshot,
}

/// The fix for a literal `cancel-in-progress: true` at `route`.
fn no_cancel(wf: &WorkflowFile, route: &[Key<'_>]) -> Fix {
    Fix::new(
        &wf.path,
        "set `cancel-in-progress: false`",
        vec![Edit::replace(route, false.into())],
    )
}

/// Whether the group differs between any two runs of the same event and
/// ref, in every scenario: each is compared with another run of itself.
fn per_run(group: &str, scenarios: &[Scenario]) -> bool {
    if interpolations(group).is_empty() || scenarios.is_empty() {
        return false;
    }
    scenarios.iter().all(|s| {
        let first = eval_template(group, s).map(|v| v.render());
        let again = eval_template(group, &s.another_run()).map(|v| v.render());
        matches!((first, again), (Some(x), Some(y)) if x != y)
    })
}

/// Whether the group differs between two tags.
fn per_tag(group: &str, scenarios: &[Scenario]) -> bool {
    let tags: Vec<Option<String>> = scenarios
        .iter()
        .filter(|s| s.git_ref.starts_with("refs/tags/"))
        .map(|s| eval_template(group, s).map(|v| v.render()))
        .collect();
    tags.iter().all(Option::is_some) && tags.windows(2).any(|w| w[0] != w[1])
}

/// The contexts that are empty in every run, when the group evaluates to
/// one constant string across all of them.
fn collapsed(group: &str, scenarios: &[Scenario]) -> Option<Vec<String>> {
    let parts = interpolations(group);
    if parts.is_empty() {
        // A literal group is a deliberate single queue.
        return None;
    }
    let values: Option<Vec<String>> = scenarios
        .iter()
        .map(|s| eval_template(group, s).map(|v| v.render()))
        .collect();
    let values = values?;
    if values.iter().any(|v| v != &values[0]) {
        return None;
    }
    let mut empty = Vec::new();
    for (_, _, inner) in &parts {
        let all_empty = scenarios
            .iter()
            .all(|s| eval(inner, s).is_some_and(|v| v.render().is_empty()));
        if all_empty {
            empty.extend(context_paths(inner));
        }
    }
    (!empty.is_empty()).then_some(empty)
}

fn refs_of<'a>(s: impl Iterator<Item = &'a Scenario>) -> String {
    let mut main = false;
    let mut tags = false;
    for sc in s {
        if sc.git_ref.starts_with("refs/tags/") {
            tags = true;
        } else {
            main = true;
        }
    }
    match (main, tags) {
        (true, true) => "`main` and tags".into(),
        (false, true) => "tags".into(),
        _ => "`main`".into(),
    }
}

fn trigger_summary(s: &[Scenario]) -> String {
    let mut evs: Vec<&str> = s.iter().map(|s| s.event.as_str()).collect();
    evs.dedup();
    evs.join(", ")
}
