//! The one way to write a check: a type that implements [`Check`].
//!
//! A check declares its [`Meta`] and where it looks ([`Check::scope`]), and
//! fills in the hook for that scope. The engine does the rest: it plans the
//! run, walks the documents and workflows once for every check that joins
//! those passes, spreads the work over every core, and turns a panic in any
//! hook into a fail-closed finding ([`guarded`]).

use super::doc_pass::DocVisitor;
use super::{Context, Meta, Outcome};
use crate::finding::{Finding, Location};
use crate::workflow::WorkflowFile;
use crate::workflow::publish::Published;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;

/// Where a check looks, and so which hook the engine calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole project at once: [`Check::project`], run as a job of its own.
    Project,
    /// Every project document, in the shared documents pass:
    /// [`Check::documents`].
    Documents,
    /// One workflow at a time, in the shared workflow pass:
    /// [`Check::workflow`] on the workflows [`Over`] names.
    Workflows(Over),
    /// Every workflow, in the shared workflow pass, judged across them when
    /// the pass ends: [`Check::across_workflows`] builds the run's visitor,
    /// which keeps what it needs of each workflow (facts, findings), never
    /// the workflow itself.
    AcrossWorkflows,
}

/// What the workflow pass saw of the workflows one check selects: enough
/// to say why the check has nothing to judge, without holding a workflow.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    /// Workflows parsed.
    pub parsed: usize,
    /// Fail-closed findings for the workflows that could not be parsed, in
    /// path order (or the check's bad `files` glob).
    pub broken: Vec<Finding>,
    /// Release workflows among those parsed.
    pub releases: usize,
    /// Whether a release workflow has a `workflow_dispatch` trigger.
    pub release_dispatch: bool,
    /// What the release workflows publish, joined over all of them (a
    /// release workflow has a publishing job when it publishes anything).
    pub published: crate::workflow::publish::Published,
}

/// What a [`WorkflowVisitor`] gathers from each workflow, added from every
/// thread of the pass and handed back in path order, as one walk over the
/// workflows would give it.
pub struct InPathOrder<T>(std::sync::Mutex<Vec<(String, T)>>);

impl<T> Default for InPathOrder<T> {
    fn default() -> Self {
        InPathOrder(std::sync::Mutex::new(Vec::new()))
    }
}

impl<T> InPathOrder<T> {
    /// Keeps what the workflow at `path` gave.
    pub fn add(&self, path: &str, facts: T) {
        if let Ok(mut all) = self.0.lock() {
            all.push((path.to_string(), facts));
        }
    }

    /// Everything added, sorted by workflow path.
    pub fn into_sorted(self) -> Vec<(String, T)> {
        let mut all = self.0.into_inner().unwrap_or_else(|p| p.into_inner());
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

/// The lines findings point at, noted by a pass while it holds a file's
/// text (each finding's line and the line above it, where an inline ignore
/// may stand): the engine then reads no file again for the report's
/// snippets and inline ignores. 100,000 workflows with a finding each were
/// each read a second time after the pass.
#[derive(Default)]
pub struct LinesSeen(std::sync::Mutex<HashMap<String, NotedLines, foldhash::fast::RandomState>>);

/// What a pass noted of one file's lines. Most noted lines are only marked
/// as seen (four bytes each); the few whose text the report may need keep
/// it beside.
#[derive(Debug, Default)]
pub struct NotedLines {
    /// Every line noted, in order.
    seen: Vec<u32>,
    /// Of those, the lines whose text was kept, or that the file does not
    /// have (`None`), in order.
    kept: Vec<(u32, Option<Box<str>>)>,
}

/// One line a finding points at, as a pass noted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noted<'a> {
    /// The file has no such line.
    Absent,
    /// The line's text: it may hold an inline ignore, or a finding on it
    /// had no snippet.
    Text(&'a str),
    /// The line exists and holds no inline ignore, and every finding on it
    /// carried its snippet: nothing of it was kept.
    Plain,
}

impl NotedLines {
    /// What was noted of line `n` (`None`: the line was not noted).
    pub fn get(&self, n: usize) -> Option<Noted<'_>> {
        let n = u32::try_from(n).ok()?;
        self.seen.binary_search(&n).ok()?;
        Some(match self.kept.binary_search_by_key(&n, |(k, _)| *k) {
            Ok(i) => match &self.kept[i].1 {
                Some(t) => Noted::Text(t),
                None => Noted::Absent,
            },
            Err(_) => Noted::Plain,
        })
    }

    /// Adds what another note of the same file saw; a line's text wins
    /// over its mark.
    fn merge(&mut self, other: NotedLines) {
        self.seen.extend(other.seen);
        self.seen.sort_unstable();
        self.seen.dedup();
        self.kept.extend(other.kept);
        self.kept.sort_by_key(|(n, _)| *n);
        self.kept.dedup_by_key(|(n, _)| *n);
    }
}

/// Whether a line may hold an inline ignore (`shipgate: ignore[…]`): the
/// cheap test before the engine reads one.
pub fn may_hold_ignore(line: &str) -> bool {
    line.contains("shipgate:")
}

impl LinesSeen {
    /// Notes the lines of the file at `path` that the findings on it point
    /// at, through `line` (1-based line → its text). A line's text is kept
    /// only where the report may need it: a line that could hold an inline
    /// ignore, or a finding's line when that finding has no snippet. The
    /// rest are only marked as seen (a documents pass with a finding in
    /// every other page would otherwise hold two lines per finding through
    /// the whole run). A line past `u32::MAX` is not noted: the engine
    /// reads the file again for it.
    pub fn note<'f>(
        &self,
        path: &str,
        line: impl Fn(usize) -> Option<&'f str>,
        findings: impl IntoIterator<Item = &'f Finding>,
    ) {
        // (line, whether a finding on it needs its text for a snippet)
        let mut wanted: Vec<(u32, bool)> = findings
            .into_iter()
            .filter(|f| f.location.path == path)
            .flat_map(|f| {
                let n = f.location.line;
                [(n, f.snippet.is_none()), (n.saturating_sub(1), false)]
            })
            .filter(|&(n, _)| n > 0)
            .filter_map(|(n, needs_text)| Some((u32::try_from(n).ok()?, needs_text)))
            .collect();
        if wanted.is_empty() {
            return;
        }
        // Per line, "needs text" first, so that the dedup keeps it.
        wanted.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        wanted.dedup_by_key(|(n, _)| *n);
        let mut noted = NotedLines {
            seen: Vec::with_capacity(wanted.len()),
            kept: Vec::new(),
        };
        for (n, needs_text) in wanted {
            noted.seen.push(n);
            match line(n as usize) {
                None => noted.kept.push((n, None)),
                Some(t) if needs_text || may_hold_ignore(t) => noted.kept.push((n, Some(t.into()))),
                Some(_) => {}
            }
        }
        if let Ok(mut all) = self.0.lock() {
            match all.entry(path.to_string()) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(noted);
                }
                // A path noted twice keeps both notes' lines.
                std::collections::hash_map::Entry::Occupied(mut o) => o.get_mut().merge(noted),
            }
        }
    }

    /// Everything noted, by path.
    pub fn into_map(self) -> HashMap<String, NotedLines, foldhash::fast::RandomState> {
        self.0.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

/// A check's side of the workflow pass ([`Scope::AcrossWorkflows`]), built
/// per run by [`Check::across_workflows`].
pub trait WorkflowVisitor: Sync {
    /// Called once per selected workflow that parses, on any thread; returns
    /// findings about it. Anything kept for [`WorkflowVisitor::finish`] is
    /// the visitor's own (behind a lock: visits run in parallel).
    fn visit(&self, wf: &WorkflowFile) -> Vec<Finding>;

    /// Work that needs nothing from the pass (reading the project's
    /// manifests), run on a thread of its own while the workflows are
    /// visited, so [`WorkflowVisitor::finish`] does not start it after
    /// them on one core. Its results live where they are shared (the
    /// tree's cache).
    fn prepare(&self) {}

    /// After every workflow: the outcome, from what was seen and the
    /// visits' findings (in path order).
    fn finish(self: Box<Self>, seen: &Seen, visited: Vec<Finding>) -> Outcome;
}

/// Which workflows a workflow check is handed, and when it has nothing to
/// judge (unless [`Check::skip_workflows`] says otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    /// Every release workflow; skips when there is none.
    Releases,
    /// Every release workflow; skips unless one has a publishing job.
    Publishing,
    /// Every workflow; skips when there are none.
    All,
}

impl Over {
    /// Why a check of this scope has nothing to judge, if so.
    pub fn skip(self, seen: &Seen) -> Option<String> {
        match self {
            Over::Releases => no_release_workflow(seen),
            Over::Publishing => no_publishing_job(seen),
            Over::All => {
                (seen.parsed == 0 && seen.broken.is_empty()).then(|| "no workflows".into())
            }
        }
    }
}

/// Nothing failed to parse and no workflow releases anything.
fn no_release_workflow(seen: &Seen) -> Option<String> {
    (seen.broken.is_empty() && seen.releases == 0).then(|| {
        if seen.parsed == 0 {
            "no workflows".into()
        } else {
            "no release workflow (nothing publishes or ships artifacts)".into()
        }
    })
}

/// Nothing failed to parse and no release workflow has a publishing job.
fn no_publishing_job(seen: &Seen) -> Option<String> {
    (seen.broken.is_empty() && !seen.published.any()).then(|| "no publishing job".into())
}

/// A built-in check. Every hook has a default that does nothing, so a check
/// writes [`Check::meta`], [`Check::scope`] (unless it is a project check)
/// and the hook its scope calls.
pub trait Check: Sync {
    /// Its id, title, severity, rationale and examples.
    fn meta(&self) -> &'static Meta;

    /// Where it looks. Project checks need not say.
    fn scope(&self) -> Scope {
        Scope::Project
    }

    /// [`Scope::Project`]: judges the whole project.
    fn project(&self, _cx: &Context<'_>) -> Outcome {
        Outcome::Skip("nothing to judge".into())
    }

    /// [`Scope::Workflows`]: why there is nothing to judge, decided from
    /// what the pass saw of every selected workflow (the visits' findings
    /// are then dropped). By default, the scope's own rule ([`Over::skip`]).
    fn skip_workflows(&self, seen: &Seen) -> Option<String> {
        match self.scope() {
            Scope::Workflows(over) => over.skip(seen),
            _ => None,
        }
    }

    /// [`Scope::Workflows`]: judges one workflow, pushing its findings.
    fn workflow(&self, _cx: &Context<'_>, _wf: &WorkflowFile, _out: &mut Vec<Finding>) {}

    /// [`Scope::Workflows`]: once every workflow is visited, why the check
    /// skips after all, from all its findings (those of broken workflows
    /// included).
    fn after_workflows(&self, _seen: &Seen, _found: &[Finding]) -> Option<String> {
        None
    }

    /// [`Scope::AcrossWorkflows`]: starts this run's visitor of the
    /// workflows, or ends the check before any is read.
    fn across_workflows<'a>(
        &self,
        _cx: &'a Context<'a>,
    ) -> Result<Box<dyn WorkflowVisitor + 'a>, Outcome> {
        Err(Outcome::Skip("nothing to judge".into()))
    }

    /// [`Scope::Documents`]: starts this run's visitor of the documents in
    /// `docs`, or ends the check before any is read.
    fn documents<'a>(
        &self,
        _cx: &'a Context<'a>,
        _docs: &[&str],
    ) -> Result<Box<dyn DocVisitor + 'a>, Outcome> {
        Err(Outcome::Skip("nothing to judge".into()))
    }
}

/// A check that judges each release workflow on its own, from the workflow
/// alone: its metadata and the function that judges one workflow. Such a
/// check is a static of this type, not a type and an impl of its own.
pub struct ReleaseWorkflowCheck {
    pub meta: &'static Meta,
    pub judge: fn(&WorkflowFile, &mut Vec<Finding>),
}

impl Check for ReleaseWorkflowCheck {
    fn meta(&self) -> &'static Meta {
        self.meta
    }

    fn scope(&self) -> Scope {
        Scope::Workflows(Over::Releases)
    }

    fn workflow(&self, _cx: &Context<'_>, wf: &WorkflowFile, out: &mut Vec<Finding>) {
        (self.judge)(wf, out)
    }
}

/// A check that judges the project once the workflows pass is done, from
/// what the release workflows publish ([`Published`]): which registries
/// decide which manifests are packages and what they must carry. Such a
/// check is a static of this type, as [`ReleaseWorkflowCheck`] is.
pub struct PublishedCheck {
    pub meta: &'static Meta,
    pub judge: fn(&Context<'_>, Published) -> Outcome,
}

impl Check for PublishedCheck {
    fn meta(&self) -> &'static Meta {
        self.meta
    }

    fn scope(&self) -> Scope {
        Scope::AcrossWorkflows
    }

    fn across_workflows<'a>(
        &self,
        cx: &'a Context<'a>,
    ) -> Result<Box<dyn WorkflowVisitor + 'a>, Outcome> {
        Ok(Box::new(PublishedPass {
            cx,
            judge: self.judge,
        }))
    }
}

/// A [`PublishedCheck`]'s side of the workflow pass: it reads the project's
/// packages beside the visits and judges when the pass ends.
struct PublishedPass<'a> {
    cx: &'a Context<'a>,
    judge: fn(&Context<'_>, Published) -> Outcome,
}

impl WorkflowVisitor for PublishedPass<'_> {
    fn visit(&self, _wf: &WorkflowFile) -> Vec<Finding> {
        Vec::new()
    }

    fn prepare(&self) {
        // The packages are shared by every check that asks (the tree's
        // cache); an error here comes back when the judge asks again.
        let _ = self.cx.packages();
    }

    fn finish(self: Box<Self>, seen: &Seen, _visited: Vec<Finding>) -> Outcome {
        (self.judge)(self.cx, seen.published.clone())
    }
}

/// Runs `f`; a panic inside it comes back as `None`. The one place the
/// engine catches a check's panic: every caller turns `None` into
/// [`internal_error`].
pub fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).ok()
}

/// The fail-closed outcome of a check that panicked `doing` something.
pub fn internal_error(doing: &str) -> Outcome {
    Outcome::Findings(vec![internal_error_finding(doing)])
}

/// The finding behind [`internal_error`].
pub fn internal_error_finding(doing: &str) -> Finding {
    Finding::new(
        Location::file("."),
        format!("internal error while {doing}; the check fails closed"),
        "please report this bug with the input that caused it",
    )
    .code("internal-error")
}

#[cfg(test)]
mod tests {
    use super::{LinesSeen, Noted};
    use crate::finding::{Finding, Location};

    fn at(line: usize, snippet: Option<&str>) -> Finding {
        let mut f = Finding::new(Location::new("d.md", line, 1), "m", "h");
        f.snippet = snippet.map(str::to_string);
        f
    }

    #[test]
    fn a_line_keeps_its_text_only_where_the_report_needs_it() {
        let text = ["# T", "<!-- shipgate: ignore[x] why -->", "a", "b", "c"];
        let line = |n: usize| text.get(n.wrapping_sub(1)).copied();
        let seen = LinesSeen::default();
        // Line 3 has its snippet; line 5 has none; line 9 is past the end.
        let findings = [at(3, Some("a")), at(5, None), at(9, None)];
        seen.note("d.md", line, &findings);
        let all = seen.into_map();
        let d = &all["d.md"];
        assert_eq!(d.get(2), Some(Noted::Text(text[1])), "an ignore stays");
        assert_eq!(d.get(3), Some(Noted::Plain), "a snippet was kept already");
        assert_eq!(d.get(4), Some(Noted::Plain));
        assert_eq!(d.get(5), Some(Noted::Text("c")), "no snippet yet");
        assert_eq!(d.get(9), Some(Noted::Absent));
        assert_eq!(d.get(1), None, "not noted");
        // A second note of the same file: a line's text wins over its mark.
        let seen = LinesSeen::default();
        let (first, second) = ([at(4, Some("b"))], [at(4, None)]);
        seen.note("d.md", line, &first);
        seen.note("d.md", line, &second);
        let all = seen.into_map();
        assert_eq!(all["d.md"].get(4), Some(Noted::Text("b")));
        assert_eq!(all["d.md"].get(3), Some(Noted::Plain));
    }
}
