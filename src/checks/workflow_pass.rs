//! The shared workflow pass. Most workflow checks judge one workflow at a
//! time; run as separate jobs, each would walk every workflow on its own,
//! and a workflow's location tree (tree-sitter, ~25 bytes per byte of YAML,
//! built only for findings) would be built once per check that reports on
//! it, or kept for every workflow until the end. In one pass, every such
//! check visits a workflow back to back on one thread: its location tree is
//! built at most once, reused by each check from the per-thread cache, and
//! dropped soon after, whatever the number of workflows.

use super::{Context, Outcome, Workflows};
use crate::finding::Finding;
use crate::workflow::WorkflowFile;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

/// One check's side of the pass, declared next to its code.
pub struct WorkflowPass {
    /// Visit every parsed workflow, not only release workflows.
    pub all: bool,
    /// Decided from the parsed workflows before any is visited: why there
    /// is nothing to judge, if so.
    pub skip: fn(&Workflows) -> Option<String>,
    /// Judges one workflow.
    pub visit: Visit,
    /// Decided once every workflow is visited, from all findings (those of
    /// broken workflows included): why the check skips after all, if so.
    pub after: Option<AfterFn>,
}

/// How a check judges one workflow: from the workflow alone, or with the
/// check's context (its policy settings).
pub enum Visit {
    Workflow(fn(&WorkflowFile, &mut Vec<Finding>)),
    WithContext(fn(&Context<'_>, &WorkflowFile, &mut Vec<Finding>)),
}

impl WorkflowPass {
    /// The usual shape: every release workflow, skipping when there is none.
    pub const fn over_releases(visit: fn(&WorkflowFile, &mut Vec<Finding>)) -> WorkflowPass {
        WorkflowPass {
            all: false,
            skip: no_release_workflow,
            visit: Visit::Workflow(visit),
            after: None,
        }
    }

    /// Every release workflow, skipping when none has a publishing job.
    pub const fn over_publishing(visit: fn(&WorkflowFile, &mut Vec<Finding>)) -> WorkflowPass {
        WorkflowPass {
            skip: no_publishing_job,
            ..WorkflowPass::over_releases(visit)
        }
    }
}

/// See [`WorkflowPass::after`].
pub type AfterFn = fn(&Workflows, &[Finding]) -> Option<String>;

/// The usual skip: nothing failed to parse and no workflow releases anything.
pub fn no_release_workflow(wfs: &Workflows) -> Option<String> {
    (wfs.broken.is_empty() && wfs.releases().next().is_none()).then(|| {
        if wfs.parsed.is_empty() {
            "no workflows".into()
        } else {
            "no release workflow (nothing publishes or ships artifacts)".into()
        }
    })
}

/// Skip unless some release workflow has a publishing job.
pub fn no_publishing_job(wfs: &Workflows) -> Option<String> {
    (wfs.broken.is_empty() && !wfs.any_publishing()).then(|| "no publishing job".into())
}

struct Started<'w> {
    k: usize,
    pass: &'static WorkflowPass,
    wfs: &'w Workflows,
}

/// Runs the pass for every check in `cxs` and returns their outcomes, in order.
pub fn run(cxs: &[(&Context<'_>, &'static WorkflowPass)]) -> Vec<Outcome> {
    let mut outcomes: Vec<Option<Outcome>> = cxs.iter().map(|_| None).collect();
    // The workflows each distinct `files` setting selects (usually one:
    // none of the checks sets it), parsed on every core through the cache.
    let mut selections: Vec<(Option<&[String]>, Workflows)> = Vec::new();
    let which: Vec<usize> = cxs
        .iter()
        .map(|(cx, _)| {
            selections
                .iter()
                .position(|(files, _)| *files == cx.files)
                .unwrap_or_else(|| {
                    selections.push((cx.files, cx.workflows()));
                    selections.len() - 1
                })
        })
        .collect();
    let mut started: Vec<Started> = Vec::new();
    for (k, (_, pass)) in cxs.iter().enumerate() {
        let wfs = &selections[which[k]].1;
        match (pass.skip)(wfs) {
            Some(why) => outcomes[k] = Some(Outcome::Skip(why)),
            None => started.push(Started { k, pass, wfs }),
        }
    }
    // Every workflow some check visits, in path order, and who visits it.
    let mut order: Vec<Arc<WorkflowFile>> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut wanted: Vec<Vec<usize>> = Vec::new();
    for (s, st) in started.iter().enumerate() {
        for wf in st
            .wfs
            .parsed
            .iter()
            .filter(|w| st.pass.all || w.is_release())
        {
            let i = *at.entry(wf.path.clone()).or_insert_with(|| {
                order.push(wf.clone());
                wanted.push(Vec::new());
                order.len() - 1
            });
            wanted[i].push(s);
        }
    }
    let items: Vec<usize> = (0..order.len()).collect();
    // Per workflow: (visitor, its findings, or None after a panic).
    let per_wf = crate::repo::par_map(&items, |&i| {
        let wf = &order[i];
        wanted[i]
            .iter()
            .map(|&s| {
                let st = &started[s];
                let cx = cxs[st.k].0;
                let got = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    let mut out = Vec::new();
                    match st.pass.visit {
                        Visit::Workflow(visit) => visit(wf, &mut out),
                        Visit::WithContext(visit) => visit(cx, wf, &mut out),
                    }
                    out
                }))
                .ok();
                (s, got)
            })
            .collect::<Vec<_>>()
    });
    let mut found: Vec<Option<Vec<Finding>>> = started
        .iter()
        .map(|st| Some(st.wfs.broken.clone()))
        .collect();
    for (s, got) in per_wf.into_iter().flatten() {
        match (got, &mut found[s]) {
            (Some(fs), Some(all)) => all.extend(fs),
            _ => found[s] = None,
        }
    }
    for (st, fs) in started.iter().zip(found) {
        outcomes[st.k] = Some(match fs {
            None => Outcome::Findings(vec![Finding::new(
                crate::finding::Location::file("."),
                "internal error while judging a workflow; the check fails closed",
                "please report this bug with the input that caused it",
            )]),
            Some(fs) => match st.pass.after.and_then(|after| after(st.wfs, &fs)) {
                Some(why) => Outcome::Skip(why),
                None => Outcome::Findings(fs),
            },
        });
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Outcome::Skip("not run".into())))
        .collect()
}
