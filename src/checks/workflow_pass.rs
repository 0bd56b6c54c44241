//! The shared workflow pass. Checks that read the workflows do not each walk
//! them: the engine walks them once, on every core, and hands each workflow
//! to every such check in turn, back to back on one thread, so its location
//! tree (tree-sitter, ~25 bytes per byte of YAML, built only for findings)
//! is built at most once and dropped soon after. A workflow is parsed,
//! visited and let go (unless a reader by name keeps it in the tree's
//! cache): memory holds the workflows being visited plus what the checks
//! keep (findings and small facts), not every workflow of the tree.
//!
//! Two kinds of check join the pass: those that judge one workflow at a time
//! ([`Scope::Workflows`], [`Check::workflow`]) and those that judge across
//! every workflow when the pass ends ([`Scope::AcrossWorkflows`], a
//! [`WorkflowVisitor`]). Whether a check has nothing to judge is decided at
//! the end, from what the pass saw ([`Seen`]).

use super::{Check, Context, Outcome, Over, Scope, Seen, WorkflowVisitor, guarded, internal_error};
use crate::finding::Finding;
use crate::workflow::{WorkflowFile, WorkflowTree};
use std::collections::HashMap;

/// The workflows one `files` setting selects (`None`: every workflow), or
/// its bad glob.
type Selection<'a> = (Option<&'a [String]>, Result<Vec<&'a str>, Finding>);

/// One check's side of the pass.
enum Member<'a> {
    /// Judges one workflow at a time, on those `over` names.
    Each {
        cx: &'a Context<'a>,
        check: &'static dyn Check,
        over: Over,
    },
    /// Judges across every workflow through its visitor.
    Across(Box<dyn WorkflowVisitor + 'a>),
}

/// What the pass makes of one path.
enum Visited {
    /// It could not be read or parsed: the fail-closed finding.
    Broken(Box<Finding>),
    /// Its facts, and per member that found something (or panicked: `None`)
    /// the findings.
    Parsed {
        release: bool,
        dispatch: bool,
        published: crate::workflow::publish::Published,
        found: Vec<(usize, Option<Vec<Finding>>)>,
    },
}

/// Runs the pass for every check in `cxs` (each of [`Scope::Workflows`] or
/// [`Scope::AcrossWorkflows`]) and returns their outcomes, in order.
pub fn run<'a>(cxs: &[(&'a Context<'a>, &'static dyn Check)]) -> Vec<Outcome> {
    let mut outcomes: Vec<Option<Outcome>> = cxs.iter().map(|_| None).collect();
    // The paths each distinct `files` setting selects (usually one: none of
    // the checks sets it), or its bad glob.
    let mut selections: Vec<Selection<'_>> = Vec::new();
    let which: Vec<usize> = cxs
        .iter()
        .map(|(cx, _)| {
            selections
                .iter()
                .position(|(files, _)| *files == cx.files)
                .unwrap_or_else(|| {
                    let paths = cx.select(cx.tree.workflow_paths()).map_err(|f| *f);
                    selections.push((cx.files, paths));
                    selections.len() - 1
                })
        })
        .collect();
    // The members that run, each with the index of its check.
    let mut members: Vec<(usize, Member<'a>)> = Vec::new();
    for (k, &(cx, check)) in cxs.iter().enumerate() {
        match check.scope() {
            Scope::Workflows(over) => members.push((k, Member::Each { cx, check, over })),
            Scope::AcrossWorkflows => match guarded(|| check.across_workflows(cx)) {
                None => outcomes[k] = Some(internal_error(JUDGING)),
                Some(Err(outcome)) => outcomes[k] = Some(outcome),
                Some(Ok(v)) => members.push((k, Member::Across(v))),
            },
            _ => outcomes[k] = Some(internal_error(JUDGING)),
        }
    }
    // Every selected path once, in order, with the selections that hold it.
    let mut order: Vec<&str> = Vec::new();
    let mut holders: Vec<Vec<usize>> = Vec::new();
    let mut at: HashMap<&str, usize, foldhash::fast::RandomState> = HashMap::default();
    for (sel, (_, paths)) in selections.iter().enumerate() {
        let Ok(paths) = paths else { continue };
        for &p in paths {
            let i = *at.entry(p).or_insert_with(|| {
                order.push(p);
                holders.push(Vec::new());
                order.len() - 1
            });
            holders[i].push(sel);
        }
    }
    let tree = cxs.first().map(|(cx, _)| cx.tree);
    let lines_seen = cxs.first().map(|(cx, _)| cx.lines_seen);
    let items: Vec<usize> = (0..order.len()).collect();
    let visited: Vec<Visited> = match tree {
        None => Vec::new(),
        Some(tree) => std::thread::scope(|s| {
            // What members prepare runs beside the visits.
            if members.iter().any(|(_, m)| matches!(m, Member::Across(_))) {
                s.spawn(|| {
                    for (_, m) in &members {
                        if let Member::Across(v) = m {
                            let _ = guarded(|| v.prepare());
                        }
                    }
                });
            }
            crate::repo::par_map(&items, |&i| {
                let wf = match tree.workflow_unkept(order[i]) {
                    Ok(wf) => wf,
                    Err(e) => return Visited::Broken(Box::new(e.to_finding())),
                };
                let release = wf.is_release();
                let mut found = Vec::new();
                for (m, (k, member)) in members.iter().enumerate() {
                    if !holders[i].contains(&which[*k]) {
                        continue;
                    }
                    match guarded(|| visit(member, &wf, release)) {
                        None => found.push((m, None)),
                        Some(None) => {}
                        // Held until every workflow is visited (100,000 of them,
                        // one finding each): only what adds to an outcome, with
                        // no spare capacity.
                        Some(Some(mut fs)) => {
                            if !fs.is_empty() {
                                fs.shrink_to_fit();
                                found.push((m, Some(fs)));
                            }
                        }
                    }
                }
                if let Some(seen) = lines_seen {
                    seen.note(
                        &wf.path,
                        |n| wf.lines.line(&wf.text, n),
                        found.iter().filter_map(|(_, fs)| fs.as_ref()).flatten(),
                    );
                }
                // The split scripts are shared by the checks of this workflow,
                // which are done: the next workflow starts from an empty cache.
                crate::shell::forget_split_scripts();
                Visited::Parsed {
                    release,
                    dispatch: release
                        && crate::workflow::triggers::dispatch(&wf.model.on).is_some(),
                    published: wf.published(),
                    found,
                }
            })
        }),
    };
    // Per selection, what the pass saw; per member, its findings in path
    // order (`None` after a panic).
    let mut seen: Vec<Seen> = selections
        .iter()
        .map(|(_, paths)| Seen {
            broken: paths
                .as_ref()
                .err()
                .cloned()
                .into_iter()
                .chain(
                    tree.and_then(|t| t.workflow_dir_link.as_ref())
                        .map(|e| e.to_finding()),
                )
                .collect(),
            ..Seen::default()
        })
        .collect();
    let mut found: Vec<Option<Vec<Finding>>> = members.iter().map(|_| Some(Vec::new())).collect();
    for (i, v) in visited.into_iter().enumerate() {
        match v {
            Visited::Broken(f) => {
                for &sel in &holders[i] {
                    seen[sel].broken.push((*f).clone());
                }
            }
            Visited::Parsed {
                release,
                dispatch,
                published,
                found: fs,
            } => {
                for &sel in &holders[i] {
                    let s = &mut seen[sel];
                    s.parsed += 1;
                    s.releases += usize::from(release);
                    s.release_dispatch |= dispatch;
                    s.published.join(published.clone());
                }
                for (m, got) in fs {
                    match (got, &mut found[m]) {
                        (Some(fs), Some(all)) => all.extend(fs),
                        _ => found[m] = None,
                    }
                }
            }
        }
    }
    for ((k, member), fs) in members.into_iter().zip(found) {
        let seen = &seen[which[k]];
        outcomes[k] = Some(match member {
            Member::Each { check, .. } => match guarded(|| check.skip_workflows(seen)) {
                None => internal_error(JUDGING),
                Some(Some(why)) => Outcome::Skip(why),
                Some(None) => match fs {
                    None => internal_error(JUDGING),
                    Some(visited) => {
                        let mut all = seen.broken.clone();
                        all.extend(visited);
                        match guarded(|| check.after_workflows(seen, &all)) {
                            None => internal_error(JUDGING),
                            Some(Some(why)) => Outcome::Skip(why),
                            Some(None) => Outcome::Findings(all),
                        }
                    }
                },
            },
            Member::Across(v) => match fs {
                None => internal_error(JUDGING),
                Some(visited) => guarded(move || v.finish(seen, visited))
                    .unwrap_or_else(|| internal_error(JUDGING)),
            },
        });
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Outcome::Skip("not run".into())))
        .collect()
}

/// One member's visit of one workflow: `None` when the member does not look
/// at this workflow.
fn visit(member: &Member<'_>, wf: &WorkflowFile, release: bool) -> Option<Vec<Finding>> {
    match member {
        Member::Each { cx, check, over } => {
            // What the scope hands a check: every workflow, or releases.
            if *over != Over::All && !release {
                return None;
            }
            let mut out = Vec::new();
            check.workflow(cx, wf, &mut out);
            Some(out)
        }
        Member::Across(v) => Some(v.visit(wf)),
    }
}

/// What a workflow check was doing when it panicked.
const JUDGING: &str = "judging a workflow";
