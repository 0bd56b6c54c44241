//! `workflow-change-owned` (with `--base`): every workflow or local action
//! the change touches has a code owner, and a `uses:` the change adds to a
//! release workflow is pinned to a commit SHA.

use super::actions_pinned::is_full_sha;
use super::codeowners_workflows::{LOCATIONS, owner_rule, parse};
use super::{Check, Code, Context, Meta, Outcome};
use crate::finding::{Finding, Location, Severity};
use crate::preflight::{Base, ChangeKind};
use crate::workflow::WorkflowTree;
use crate::workflow::WorkflowFile;
use github_actions_models::common::Uses;
use github_actions_models::workflow::Job;
use github_actions_models::workflow::job::StepBody;
use std::collections::HashSet;

pub struct WorkflowChangeOwned;

static META: Meta = Meta {
    id: "workflow-change-owned",
    title: "A PR's workflow changes have an owner, and its new release `uses:` are pinned",
    severity: Severity::Block,
    lanes: &[],
    rationale: "A change to a workflow or local action changes what runs with the \
        repository's secrets and publishing rights, so someone who owns the release lane \
        must review it. GitHub requests code-owner review from the CODEOWNERS of the PR's \
        base branch, so that is the file read here: a PR cannot make itself its own owner. \
        Only with `--base REF`: every workflow (`.github/workflows/*.yml`) and action \
        (the root `action.yml`, or one under `.github/`) the change adds, edits or removes must be owned by a CODEOWNERS rule \
        with an owner, and every `uses:` the change adds or alters in a release workflow \
        must be pinned to a full commit SHA. Pins already on the base are not judged here \
        (actions-pinned judges every pin, old or new); when actions-pinned blocks at its \
        default severity it reports the new ones too, and this check leaves them to it. \
        Without a base the check is skipped.",
    passes: "base .github/CODEOWNERS: /.github/ @acme/release\nPR adds: - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0",
    fails: "base .github/CODEOWNERS: /src/ @acme/devs\nPR adds: - uses: actions/setup-node@v4   (unowned file, movable ref)",
    fix: "Add a CODEOWNERS rule such as `/.github/ @org/release-owners` in a PR of its own \
        (it takes effect once merged), and pin new actions: `owner/action@<sha> # vX.Y.Z`.",
    params: &[],
    codes: &[
        Code {
            id: "no-codeowners",
            summary: "the change touches workflows and the base has no CODEOWNERS",
        },
        Code {
            id: "unowned-change",
            summary: "the change touches a workflow file no CODEOWNERS rule on the base covers",
        },
        Code {
            id: "unpinned-new-uses",
            summary: "the change adds an action to a release workflow without a SHA pin",
        },
    ],
};

impl Check for WorkflowChangeOwned {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn project(&self, cx: &Context<'_>) -> Outcome {
        run(cx)
    }
}

fn is_workflow(path: &str) -> bool {
    path.strip_prefix(".github/workflows/")
        .is_some_and(|n| !n.contains('/') && (n.ends_with(".yml") || n.ends_with(".yaml")))
}

/// An action defined in the repository: the root `action.yml` (the action
/// it publishes) or one under `.github/` (`.github/actions/x/action.yml`).
fn is_local_action(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    (name == "action.yml" || name == "action.yaml")
        && (path == name || path.starts_with(".github/"))
}

fn run(cx: &Context<'_>) -> Outcome {
    let Some(base) = cx.base else {
        return Outcome::Skip("needs --base REF: it judges what a change did to workflows".into());
    };
    let touched: Vec<(&str, ChangeKind)> = base
        .changes(cx.tree)
        .iter()
        .filter(|c| is_workflow(&c.path) || is_local_action(&c.path))
        .map(|c| (c.path.as_str(), c.kind))
        .collect();
    if touched.is_empty() {
        return Outcome::Findings(Vec::new());
    }
    let mut out = Vec::new();
    owners(base, &touched, &mut out);
    if !actions_pinned_blocks(cx) {
        for (path, kind) in &touched {
            if *kind != ChangeKind::Removed && is_workflow(path) {
                new_pins(cx, base, path, &mut out);
            }
        }
    }
    Outcome::Findings(out)
}

/// The base's CODEOWNERS must own every touched file.
fn owners(base: &Base, touched: &[(&str, ChangeKind)], out: &mut Vec<Finding>) {
    let btree = base.tree();
    let Some(co) = LOCATIONS.iter().copied().find(|p| btree.exists(p)) else {
        for (path, kind) in touched {
            out.push(Finding::new(
                Location::file(*path),
                format!(
                    "this change {} {path}, and the base ({}) has no CODEOWNERS, so no owner must review it",
                    verb(*kind),
                    base.describe()
                ),
                "add .github/CODEOWNERS with `/.github/ @org/release-owners` in a PR of its own",
            )
.code("no-codeowners"));
        }
        return;
    };
    let text = match btree.text(co) {
        Ok(t) => t,
        Err(e) => {
            let mut f = e.to_finding();
            f.message = format!("on the base ({}): {}", base.describe(), f.message);
            out.push(f);
            return;
        }
    };
    let rules = parse(&text.text);
    for (path, kind) in touched {
        if owner_rule(&rules, path).is_some_and(|r| !r.owners.is_empty()) {
            continue;
        }
        out.push(
            Finding::new(
                Location::file(*path),
                format!(
                    "this change {} {path}, which no rule of the base's {co} ({}) gives an owner",
                    verb(*kind),
                    base.describe()
                ),
                format!(
                    "add a rule such as `/.github/ @org/release-owners` to {co} in a PR of its own"
                ),
            )
            .code("unowned-change"),
        );
    }
}

fn verb(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "adds",
        ChangeKind::Modified => "edits",
        ChangeKind::Removed => "removes",
    }
}

/// Whether actions-pinned, as the policy tunes it, blocks on every unpinned
/// `uses:` of a release workflow (then it reports the new ones too).
fn actions_pinned_blocks(cx: &Context<'_>) -> bool {
    let t = cx.policy.tuning("actions-pinned");
    t.and_then(|t| t.enabled).unwrap_or(true)
        && t.and_then(|t| t.severity).unwrap_or(Severity::Block) == Severity::Block
        && t.and_then(|t| t.lanes.as_ref()).is_none()
        && t.and_then(|t| t.files.as_ref()).is_none()
}

/// Every remote `uses:` of a workflow, with where it is.
fn uses_of(wf: &WorkflowFile) -> Vec<(&Uses, Location)> {
    let mut out = Vec::new();
    for (job_id, job) in &wf.model.jobs {
        match job {
            Job::NormalJob(j) => {
                for (i, step) in j.steps.iter().enumerate() {
                    if let StepBody::Uses { uses, .. } = &step.body {
                        let at = wf.job(job_id).step(i).location().key("uses");
                        out.push((uses, at.locate()));
                    }
                }
            }
            Job::ReusableWorkflowCallJob(j) => {
                out.push((&j.uses, wf.job(job_id).location().key("uses").locate()));
            }
        }
    }
    out
}

fn raw(u: &Uses) -> Option<&str> {
    match u {
        Uses::Repository(r) => Some(r.raw()),
        Uses::Docker(d) => Some(d.raw()),
        Uses::Local(_) => None,
    }
}

fn pinned(u: &Uses) -> bool {
    match u {
        Uses::Repository(r) => is_full_sha(r.git_ref()),
        Uses::Docker(d) => d.hash().is_some(),
        Uses::Local(_) => true,
    }
}

/// The `uses:` a change added to (or altered in) a release workflow that
/// are not pinned.
fn new_pins(cx: &Context<'_>, base: &Base, path: &str, out: &mut Vec<Finding>) {
    let wf = match cx.tree.workflow(path) {
        Ok(w) => w,
        Err(e) => {
            out.push(e.to_finding());
            return;
        }
    };
    if !(wf.is_release() || wf.release.called_by_release.is_some()) {
        return;
    }
    let before: HashSet<String> = match base.tree().workflow(path) {
        Ok(old) => uses_of(&old)
            .iter()
            .filter_map(|(u, _)| raw(u).map(str::to_string))
            .collect(),
        // New, or unreadable on the base: every `uses:` is the change's.
        Err(_) => HashSet::new(),
    };
    for (u, at) in uses_of(&wf) {
        let Some(r) = raw(u) else { continue };
        if pinned(u) || before.contains(r) {
            continue;
        }
        out.push(Finding::new(
            at,
            format!("this change adds `{r}` to release workflow {path}, and it is not pinned to a commit SHA"),
            "pin it: owner/action@<40-hex sha> # vX.Y.Z (a docker image by @sha256 digest)",
        )
.code("unpinned-new-uses"));
    }
}
