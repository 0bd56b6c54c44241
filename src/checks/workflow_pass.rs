//! The shared workflow pass. Most workflow checks judge one workflow at a
//! time; run as separate jobs, each would walk every workflow on its own,
//! and a workflow's location tree (tree-sitter, ~25 bytes per byte of YAML,
//! built only for findings) would be built once per check that reports on
//! it, or kept for every workflow until the end. In one pass, every such
//! check visits a workflow back to back on one thread: its location tree is
//! built at most once, reused by each check from the per-thread cache, and
//! dropped soon after, whatever the number of workflows.

use super::{Check, Context, Outcome, Over, Scope, Workflows, guarded, internal_error};
use crate::finding::Finding;
use crate::workflow::WorkflowFile;
use std::collections::HashMap;
use std::sync::Arc;

struct Started<'w> {
    k: usize,
    check: &'static dyn Check,
    wfs: &'w Workflows,
}

/// Runs the pass for every check in `cxs` (each of [`Scope::Workflows`])
/// and returns their outcomes, in order.
pub fn run(cxs: &[(&Context<'_>, &'static dyn Check)]) -> Vec<Outcome> {
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
    for (k, &(_, check)) in cxs.iter().enumerate() {
        let wfs = &selections[which[k]].1;
        match guarded(|| check.skip_workflows(wfs)) {
            None => outcomes[k] = Some(internal_error(JUDGING)),
            Some(Some(why)) => outcomes[k] = Some(Outcome::Skip(why)),
            Some(None) => started.push(Started { k, check, wfs }),
        }
    }
    // Every workflow some check visits, in path order, and who visits it.
    let mut order: Vec<Arc<WorkflowFile>> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut wanted: Vec<Vec<usize>> = Vec::new();
    // Workflows outer, checks inner: whether a workflow releases is worked
    // out once per workflow, not once per check that asks.
    for (sel, (_, wfs)) in selections.iter().enumerate() {
        let visitors: Vec<(usize, Over)> = started
            .iter()
            .enumerate()
            .filter(|(_, st)| which[st.k] == sel)
            .filter_map(|(s, st)| match st.check.scope() {
                Scope::Workflows(over) => Some((s, over)),
                _ => None,
            })
            .collect();
        if visitors.is_empty() {
            continue;
        }
        for wf in &wfs.parsed {
            let release = wf.is_release();
            let mut slot: Option<usize> = None;
            for &(s, over) in &visitors {
                // What the scope hands a check: every workflow, or releases.
                if over != Over::All && !release {
                    continue;
                }
                let i = *slot.get_or_insert_with(|| {
                    *at.entry(wf.path.clone()).or_insert_with(|| {
                        order.push(wf.clone());
                        wanted.push(Vec::new());
                        order.len() - 1
                    })
                });
                wanted[i].push(s);
            }
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
                let got = guarded(|| {
                    let mut out = Vec::new();
                    st.check.workflow(cx, wf, &mut out);
                    // Held until every workflow is visited (100,000 of
                    // them, one finding each, held 4 slots each).
                    out.shrink_to_fit();
                    out
                });
                (s, got)
            })
            // Only what adds to the outcome is held until every workflow
            // is visited: findings and panics, not empty visits.
            .filter(|(_, got)| !got.as_ref().is_some_and(Vec::is_empty))
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
            None => internal_error(JUDGING),
            Some(fs) => match guarded(|| st.check.after_workflows(st.wfs, &fs)) {
                None => internal_error(JUDGING),
                Some(Some(why)) => Outcome::Skip(why),
                Some(None) => Outcome::Findings(fs),
            },
        });
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Outcome::Skip("not run".into())))
        .collect()
}

/// What a workflow check was doing when it panicked.
const JUDGING: &str = "judging a workflow";
