//! `actions-pinned`: remote `uses:` are pinned to full commit SHAs.

use super::{Check, Code, Context, Meta, Over, Scope, Seen};
use crate::finding::{Finding, Location, Severity};
use crate::workflow::WorkflowTree;
use crate::workflow::lane::{Behind, Ran};
use crate::workflow::at::At;
use crate::workflow::{WorkflowFile};
use github_actions_models::common::Uses;
use github_actions_models::workflow::Job;
use github_actions_models::workflow::job::StepBody;
use std::collections::HashSet;

pub struct ActionsPinned;

static META: Meta = Meta {
    id: "actions-pinned",
    title: "Release workflows pin actions to full commit SHAs",
    severity: Severity::Block,
    lanes: &[],
    rationale: "A tag such as `@v4` can be moved by whoever controls the action's repository, \
        so a release job that uses it runs whatever code the tag points at on release day, with \
        the release's credentials (a workflow a release workflow calls runs in its lane and \
        is judged the same). A 40-character commit SHA cannot move. The version comment \
        after the SHA keeps the pin reviewable and lets update bots bump it. Plain CI \
        workflows hold no publish credentials, so an unpinned action there is a warning. \
        The steps of a local composite action (`uses: ./.github/actions/x`) are steps of the \
        job that uses it: its `uses:` are judged the same way, at their line in its \
        action.yml, and a local action that is missing or cannot be parsed is reported \
        where the job uses it, since nothing it runs can be judged.",
    passes: "- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
    fails: "- uses: actions/checkout@v4\n- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683   # no version comment (warn)",
    fix: "Replace each tag or branch with the commit SHA it points at and keep the tag as a \
        trailing comment (`owner/action@<sha> # v1.2.3`); tools such as Dependabot and \
        Renovate keep such pins current.",
    params: &[],
    codes: &[
        Code {
            id: "movable-ref",
            summary: "a remote action or reusable workflow is pinned to a tag or branch that can be moved",
        },
        Code {
            id: "sha-without-version",
            summary: "an action is pinned to a commit SHA with no comment saying which version it is",
        },
        Code {
            id: "image-not-digest",
            summary: "a `docker://` image is pinned by tag rather than by its sha256 digest",
        },
        Code {
            id: "slsa-release-tag",
            summary: "the SLSA generator is pinned to its release tag, as it requires; tag bumps need review by hand",
        },
        Code {
            id: "unreadable-callee",
            summary: "a local action or called workflow a job uses is missing or does not parse, so its pins cannot be judged",
        },
    ],
};

impl Check for ActionsPinned {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Workflows(Over::All)
    }

    fn workflow(&self, cx: &Context<'_>, wf: &WorkflowFile, out: &mut Vec<Finding>) {
        check_workflow(cx, wf, out)
    }

    fn after_workflows(&self, seen: &Seen, found: &[Finding]) -> Option<String> {
        no_release_and_all_pinned(seen, found)
    }
}

fn no_release_and_all_pinned(seen: &Seen, findings: &[Finding]) -> Option<String> {
    (seen.releases == 0 && findings.is_empty())
        .then(|| "no release workflow, and every action in other workflows is pinned".into())
}

fn check_workflow(cx: &Context<'_>, wf: &WorkflowFile, out: &mut Vec<Finding>) {
    // A workflow a release workflow calls runs in that release's lane.
    let release = wf.is_release() || wf.release.called_by_release.is_some();
    let mut seen_behind: HashSet<(String, usize, usize)> = HashSet::new();
    for (job_id, job) in &wf.model.jobs {
        match job {
            Job::NormalJob(j) => {
                for (i, step) in j.steps.iter().enumerate() {
                    if let StepBody::Uses { uses, .. } = &step.body {
                        let at = wf.job(job_id).step(i).location().key("uses");
                        judge(&Site::Workflow(wf, at), uses, release, out);
                    }
                }
                // The `uses:` of local composite actions the job runs.
                for b in wf.lane.behind(job_id) {
                    let Ran::Uses { uses, .. } = &b.ran else {
                        continue;
                    };
                    if !seen_behind.insert((b.at.path.clone(), b.at.line, b.at.column)) {
                        continue;
                    }
                    let Ok(u) = Uses::parse(uses.as_str()) else {
                        continue;
                    };
                    let mut found = Vec::new();
                    judge(&Site::Behind(wf, job_id, b), &u, release, &mut found);
                    // A composite action several workflows use is judged once,
                    // in the first release workflow that uses it (else the first).
                    if !found.is_empty() && owner(cx, &b.at.path).is_none_or(|o| o == wf.path) {
                        out.extend(found);
                    }
                }
            }
            Job::ReusableWorkflowCallJob(j) => {
                let at = wf.job(job_id).location().key("uses");
                judge(&Site::Workflow(wf, at), &j.uses, release, out);
            }
        }
    }
    // Local actions and called workflows that cannot be read: what they run
    // cannot be judged.
    for p in &wf.lane.problems {
        let f = Finding::new(
            p.at.clone(),
            format!("job `{}`: {}", p.job, p.message),
            "commit the local action (its action.yml) or workflow the job uses, or fix it so it parses",
        )
.code("unreadable-callee");
        out.push(if release { f } else { f.warn_only() });
    }
}

/// The workflow that reports on the steps of the composite action in
/// `action_file`: the first release workflow (by path) whose jobs run it,
/// else the first workflow that does.
fn owner(cx: &Context<'_>, action_file: &str) -> Option<String> {
    let mut first: Option<String> = None;
    for p in cx.select(cx.tree.workflow_paths()).unwrap_or_default() {
        let Ok(w) = cx.tree.workflow(p) else { continue };
        let runs_it = w
            .model
            .jobs
            .keys()
            .any(|id| w.lane.behind(id).iter().any(|b| b.at.path == action_file));
        if !runs_it {
            continue;
        }
        if w.is_release() || w.release.called_by_release.is_some() {
            return Some(w.path.clone());
        }
        first.get_or_insert_with(|| w.path.clone());
    }
    first
}

/// Where a `uses:` is written: a step of the workflow, or a step of a local
/// composite action one of its jobs runs.
enum Site<'a> {
    Workflow(&'a WorkflowFile, At<'a>),
    Behind(&'a WorkflowFile, &'a str, &'a Behind),
}

impl Site<'_> {
    fn locate(&self) -> Location {
        match self {
            Site::Workflow(_, at) => at.locate(),
            Site::Behind(_, _, b) => b.at.clone(),
        }
    }

    /// The text the `uses:` is written in, for the cheap comment scan.
    fn text(&self) -> &str {
        match self {
            Site::Workflow(wf, _) => &wf.text,
            Site::Behind(_, _, b) => &b.line_text,
        }
    }

    fn line(&self, loc: &Location) -> String {
        match self {
            Site::Workflow(wf, _) => wf.lines.line(&wf.text, loc.line).unwrap_or("").to_string(),
            Site::Behind(_, _, b) => b.line_text.clone(),
        }
    }

    /// Whether the `uses:` at `loc`, pinned to `git_ref`, carries a
    /// non-empty comment: in a workflow, the comments the location tree
    /// finds on the value's line; in a composite action (and where the
    /// tree cannot find the value), the text after the ref on its line.
    fn has_version_comment(&self, loc: &Location, git_ref: &str) -> bool {
        if let Site::Workflow(_, at) = self
            && let Some(comments) = at.comments()
        {
            return comments.iter().any(|c| !c.is_empty());
        }
        let line = self.line(loc);
        let after = line
            .find(git_ref)
            .map(|i| &line[i + git_ref.len()..])
            .unwrap_or("");
        after
            .split_once('#')
            .is_some_and(|(_, c)| !c.trim().is_empty())
    }

    /// How a message names where it stands, after the action.
    fn context(&self, kind: &str) -> String {
        match self {
            Site::Workflow(wf, _) => match &wf.release.called_by_release {
                Some(caller) if !wf.is_release() => {
                    format!(" in a workflow called by release workflow {caller}")
                }
                _ => format!(" in a {kind}"),
            },
            Site::Behind(wf, job, b) => format!(
                " in local action {} (run by job `{job}` of {kind} {})",
                b.chain(),
                wf.file_name()
            ),
        }
    }
}

/// Whether every line that pins `raw` (`owner/repo@<sha>`) carries a
/// trailing comment: a cheap text scan that spares the exact lookup when
/// nothing is wrong.
fn every_pin_commented(text: &str, raw: &str) -> bool {
    text.lines().filter(|l| l.contains(raw)).all(|l| {
        l.split_once(raw)
            .and_then(|(_, after)| after.split_once('#'))
            .is_some_and(|(_, c)| !c.trim().is_empty())
    })
}

/// `slsa-framework/slsa-github-generator/.github/workflows/…@vX.Y.Z`: the
/// generator's reusable workflows must be called by an exact release tag.
fn slsa_generator_at_release_tag(r: &github_actions_models::common::RepositoryUses) -> bool {
    let exact_tag = r.git_ref().strip_prefix('v').is_some_and(|v| {
        let parts: Vec<&str> = v.split('.').collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    });
    r.owner() == "slsa-framework"
        && r.repo() == "slsa-github-generator"
        && r.subpath()
            .is_some_and(|p| p.starts_with(".github/workflows/"))
        && exact_tag
}

pub fn is_full_sha(r: &str) -> bool {
    r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())
}

fn judge(site: &Site<'_>, uses: &Uses, release: bool, out: &mut Vec<Finding>) {
    let kind = if release {
        "release workflow"
    } else {
        "workflow"
    };
    let context = site.context(kind);
    match uses {
        Uses::Local(_) => {}
        Uses::Docker(d) => {
            if d.hash().is_none() {
                let f = Finding::new(
                    site.locate(),
                    format!("{}{context} is not pinned to an image digest", d.raw()),
                    "pin the image by digest: docker://image@sha256:<digest>",
                )
                .code("image-not-digest");
                out.push(if release { f } else { f.warn_only() });
            }
        }
        Uses::Repository(r) => {
            if !is_full_sha(r.git_ref()) && slsa_generator_at_release_tag(r) {
                // The SLSA generator verifies its own ref and only accepts a
                // release tag: a SHA pin breaks provenance, so a tag is the
                // pin its maintainers ask for. Still worth a look, not a block.
                out.push(
                    Finding::new(
                        site.locate(),
                        format!(
                            "{} is pinned to the release tag `{}`: the SLSA generator refuses SHA pins, so review tag bumps by hand",
                            r.raw(),
                            r.git_ref()
                        ),
                        "keep the exact release tag (vX.Y.Z), never a branch or a major-only tag",
                    )
.code("slsa-release-tag")
                    .warn_only(),
                );
            } else if !is_full_sha(r.git_ref()) {
                let f = Finding::new(
                    site.locate(),
                    format!(
                        "{}{context} is pinned to a movable ref `{}`",
                        r.raw(),
                        r.git_ref()
                    ),
                    format!(
                        "pin to the commit SHA and keep the tag as a comment: {}@<sha> # {}",
                        r.raw().rsplit_once('@').map(|(a, _)| a).unwrap_or(r.raw()),
                        r.git_ref()
                    ),
                )
                .code("movable-ref");
                out.push(if release { f } else { f.warn_only() });
            } else if release && !every_pin_commented(site.text(), r.raw()) {
                // Only now pay for the exact location.
                let loc = site.locate();
                if !site.has_version_comment(&loc, r.git_ref()) {
                    out.push(
                        Finding::new(
                            loc,
                            format!("{} is pinned to a SHA without a version comment", r.raw()),
                            "add the version the SHA stands for as a trailing comment: @<sha> # v1.2.3",
                        )
.code("sha-without-version")
                        .warn_only(),
                    );
                }
            }
        }
    }
}
