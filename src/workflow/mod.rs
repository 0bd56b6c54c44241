//! GitHub Actions workflows: typed models for meaning (github-actions-models)
//! and a format-preserving tree for exact locations (yamlpath). Checks never
//! count lines themselves; they ask a [`WorkflowFile`] where a route lives.

pub mod at;
pub mod contexts;
pub mod expr;
#[doc(hidden)]
pub mod fast_locate;
pub mod lane;
pub mod oidc;
pub mod publish;
pub(crate) mod script_location;
pub mod secrets;
pub mod triggers;
pub mod unique_keys;

use crate::finding::Location;
use crate::repo::text::{LineIndex, yaml_shape};
use github_actions_models::common::expr::LoE;
use github_actions_models::common::{Env, EnvValue};
use github_actions_models::workflow::job::{NormalJob, Step, StepBody};
use github_actions_models::workflow::{Job, Workflow};
use std::sync::Arc;
use yamlpath::{Component, Document, Route};

pub use publish::{JobRole, PublishStep, Registry, ReleaseFacts};

/// Workflows read through the tree: each parsed once, with what its jobs run
/// behind their own steps followed (local actions, called workflows,
/// scripts), and dropped with the tree's `forget_workflows`.
pub trait WorkflowTree {
    fn workflow(&self, rel: &str) -> Result<Arc<WorkflowFile>, crate::repo::FileError>;

    /// [`WorkflowTree::workflow`] for a reader that visits every workflow
    /// once and lets each go: the cached parse if a reader by name kept one,
    /// else a fresh parse that is not kept (nor is its text), so memory holds
    /// the workflows being visited, not every workflow of the tree.
    fn workflow_unkept(&self, rel: &str) -> Result<Arc<WorkflowFile>, crate::repo::FileError>;
}

impl WorkflowTree for crate::repo::Tree {
    fn workflow(&self, rel: &str) -> Result<Arc<WorkflowFile>, crate::repo::FileError> {
        refuse_link(self, rel)?;
        self.derived(rel, || parse_in_tree(self, rel, self.text(rel)?))
    }

    fn workflow_unkept(&self, rel: &str) -> Result<Arc<WorkflowFile>, crate::repo::FileError> {
        refuse_link(self, rel)?;
        self.derived_unkept(rel, || parse_in_tree(self, rel, self.text_taken(rel)?))
    }
}

/// GitHub does not run a workflow file that is a symlink (it reports the
/// file as invalid), so its jobs never run: judging the file it points at
/// would pass a release lane that does not exist.
fn refuse_link(tree: &crate::repo::Tree, rel: &str) -> Result<(), crate::repo::FileError> {
    if tree.is_link(rel) {
        return Err(crate::repo::FileError::at_file(
            rel,
            "a symlink, and GitHub does not run a workflow file that is a symlink (it \
             reports it as invalid), so its jobs never run",
        )
        .help("replace the symlink with the workflow file itself"));
    }
    Ok(())
}

/// Parses the workflow at `rel` from its text and follows what its jobs run
/// behind their steps through `tree`.
fn parse_in_tree(
    tree: &crate::repo::Tree,
    rel: &str,
    tf: Arc<crate::repo::TextFile>,
) -> Result<WorkflowFile, crate::repo::FileError> {
    if tf.text.len() > crate::repo::MAX_PARSE_BYTES {
        return Err(crate::repo::FileError::at_file(
            rel,
            "too large to parse as a workflow",
        ));
    }
    WorkflowFile::parse_indexed(rel, tf.text.clone(), tf.lines.clone())
        .map(|mut wf| {
            crate::workflow::lane::follow(tree, &mut wf);
            wf
        })
        .map_err(|we| crate::repo::FileError {
            location: Location::new(rel, we.line, we.column),
            message: we.message,
            help: None,
        })
}

/// Nesting past this is refused before the YAML parsers see the file:
/// yaml_serde's cost grows with the square of the flow depth (SPEC §5), and
/// tree-sitter-yaml aborts the whole process (a C assertion, not a panic) once
/// its indentation stack passes 253 levels, so the bound also covers
/// indentation columns (see [`crate::repo::text::yaml_nesting_depth`]).
pub const MAX_YAML_DEPTH: usize = 200;

/// Past this many flow-collection items or mapping keys, exact locations are
/// not computed: tree-sitter-yaml (behind yamlpath) costs ~15 µs and over
/// 1 KB per flow item (8 MB of `[a, a, …]`: a minute and gigabytes), and
/// yamlpath finds a key by scanning its mapping (a finding on each of 20,000
/// jobs: 7 s). The workflow is still judged; its findings point at the file
/// instead of the line. Real workflows have hundreds of keys at most.
pub const MAX_ITEMS_FOR_LOCATIONS: usize = 20_000;

/// The block-style reader ([`fast_locate`]) walks the lines on the way to
/// each route, which costs up to the file's lines (times its depth) per
/// route, where the location tree, once built, costs the keys of each
/// mapping on the way. Past this many routes asked of one workflow the rest
/// go to the tree, so a file with thousands of findings stays linear.
pub const FAST_QUERIES: usize = 256;

/// YAML nodes a workflow may expand to once aliases are followed. Anchors and
/// aliases are legal in workflows, but a few lines of them can stand for
/// millions of nodes ("billion laughs"), and fields such as `matrix.include`
/// hold arbitrary values that yaml_serde would build in memory.
pub const MAX_YAML_NODES: usize = 1_000_000;

/// A workflow read and parsed once for every check.
pub struct WorkflowFile {
    pub path: String,
    pub text: Arc<str>,
    pub lines: LineIndex,
    pub model: Workflow,
    /// The format-preserving tree for location lookups, built on the first
    /// lookup ([`WorkflowFile::doc`]) and dropped with the workflow.
    located: std::sync::OnceLock<Option<Document>>,
    /// The line index of [`fast_locate`], which answers most routes of a
    /// block-style workflow without the location tree.
    fast: std::sync::OnceLock<Option<fast_locate::Index>>,
    /// Routes asked of the block-style reader so far ([`FAST_QUERIES`]).
    fast_asked: std::sync::atomic::AtomicUsize,
    /// `working-directory` values asked so far ([`WORKING_DIRECTORIES`]).
    wd_asked: std::sync::atomic::AtomicUsize,
    /// Whether the text has a `working-directory` key at all.
    has_working_directory: bool,
    /// False when the file is too big for tree-sitter to locate cheaply:
    /// findings then point at the file.
    locatable: bool,
    /// Publishing jobs, shipping steps, credentials: what makes this a release workflow.
    pub release: ReleaseFacts,
    /// What each job runs behind its own steps (local composite actions,
    /// repository and package scripts, called workflows); empty until
    /// [`crate::workflow::lane::follow`] reads them through the tree.
    pub lane: crate::workflow::lane::Lane,
}

/// A workflow that could not be judged, with where parsing failed.
#[derive(Debug, Clone)]
pub struct WorkflowError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A workflow holding a local tag (`jobs: !custom`) cannot be judged: the typed
/// model reads past the tag while the text views that locate findings and
/// find secrets do not, so the checks would disagree about the file (and
/// the text-based ones pass it unseen). The tag's line is the error; a `!`
/// that the parser reads as text (in a block scalar or a quoted string) is
/// not a tag and is left alone.
fn refuse_other_tags(text: &str, lines: &LineIndex) -> Result<(), WorkflowError> {
    let candidates = crate::repo::yaml_text::other_tag_candidates(text);
    if candidates.is_empty() {
        return Ok(());
    }
    // A document the generic parse refuses (an alias bomb, say) is left to
    // the typed parse, which reports it.
    let Ok(doc) = yaml_serde::from_str::<yaml_serde::Value>(text) else {
        return Ok(());
    };
    let Some(tag) = first_tag(&doc) else {
        return Ok(());
    };
    let shown = tag.to_string();
    let at = candidates
        .iter()
        .copied()
        .find(|&i| text[i..].starts_with(shown.as_str()))
        .unwrap_or(candidates[0]);
    let (line, column) = lines.position(text, at);
    Err(WorkflowError {
        line,
        column,
        message: format!(
            "not a valid GitHub Actions workflow: the local YAML tag `{shown}` has no meaning \
             shipgate (or GitHub) can read; remove it"
        ),
    })
}

/// The first tag the generic parse kept (standard tags it resolves itself).
fn first_tag(v: &yaml_serde::Value) -> Option<&yaml_serde::value::Tag> {
    use yaml_serde::Value;
    match v {
        Value::Tagged(t)
            if !matches!(
                t.tag.to_string().as_str(),
                "!!str" | "!<tag:yaml.org,2002:str>"
            ) =>
        {
            Some(&t.tag)
        }
        Value::Tagged(t) => first_tag(&t.value),
        Value::Sequence(items) => items.iter().find_map(first_tag),
        Value::Mapping(m) => m
            .iter()
            .find_map(|(k, v)| first_tag(k).or_else(|| first_tag(v))),
        _ => None,
    }
}

impl WorkflowFile {
    pub fn parse(path: &str, text: Arc<str>) -> Result<WorkflowFile, WorkflowError> {
        let lines = LineIndex::new(&text);
        WorkflowFile::parse_indexed(path, text, lines)
    }

    /// [`WorkflowFile::parse`] with the line index the tree already built
    /// for this text.
    pub fn parse_indexed(
        path: &str,
        text: Arc<str>,
        lines: LineIndex,
    ) -> Result<WorkflowFile, WorkflowError> {
        let shape = yaml_guard(&text)?;
        let original_len = text.len();
        // `uses: $/path` (a self-repository reference) is newer than the typed
        // model; it means the same as `./path` at the running commit, and the
        // two spellings have the same length, so offsets stay exact.
        // What the typed model reads differently from GitHub is rewritten
        // before it, line for line, on every path a workflow is parsed by
        // (the cache, and called workflows the release lane reads):
        // standard tags (`jobs: !!map`) mean the untagged value, and steps
        // newer than the model (parallel steps) become the steps it knows.
        let text: Arc<str> = match crate::repo::yaml_text::standard_tags_blanked(&text) {
            Some(t) => Arc::from(t),
            None => text,
        };
        refuse_other_tags(&text, &lines)?;
        let text: Arc<str> = match steps_as_known(&text) {
            Some(t) => Arc::from(t),
            None => text,
        };
        let text: Arc<str> = match empty_trigger_maps_as_known(&text) {
            Some(t) => Arc::from(t),
            None => text,
        };
        // The rewrites keep every line where it was but may change a line's
        // length (a dedented step): the tree's index of the text as read
        // would then put later offsets on the wrong line, so an index of
        // the text as judged is built instead.
        let lines = if text.len() == original_len {
            lines
        } else {
            LineIndex::new(&text)
        };
        let patched = self_repo_refs_as_local(&text);
        let model: Workflow = match unique_keys::from_str(patched.as_deref().unwrap_or(&text)) {
            Ok(m) => m,
            Err(e) => {
                let (line, column) = e
                    .location()
                    .map(|l| (l.line(), l.column()))
                    .unwrap_or((1, 1));
                return Err(WorkflowError {
                    line,
                    column,
                    message: format!(
                        "not a valid GitHub Actions workflow: {}",
                        strip_position(&e.to_string())
                    ),
                });
            }
        };
        // Locations are best effort: a document tree-sitter rejects (or that
        // would cost it too much) still has a model; the tree is built lazily.
        let locatable = shape.flow_items <= MAX_ITEMS_FOR_LOCATIONS
            && shape.mapping_keys <= MAX_ITEMS_FOR_LOCATIONS;
        let release = ReleaseFacts::analyse(&model);
        let has_working_directory =
            memchr::memmem::find(text.as_bytes(), b"working-directory").is_some();
        Ok(WorkflowFile {
            path: path.to_string(),
            text,
            lines,
            model,
            located: std::sync::OnceLock::new(),
            fast: std::sync::OnceLock::new(),
            fast_asked: std::sync::atomic::AtomicUsize::new(0),
            wd_asked: std::sync::atomic::AtomicUsize::new(0),
            has_working_directory,
            locatable,
            release,
            lane: Default::default(),
        })
    }

    /// The format-preserving tree for location lookups, or None when
    /// tree-sitter rejects the file (locations are best effort: the model
    /// still judges it). Built on the first lookup, so a workflow with no
    /// findings never pays for it, and owned by the workflow: a tree takes
    /// about 25 bytes per byte of YAML, and it goes when the workflow does
    /// (the workflows pass lets each workflow go after its visit; the tree's
    /// cache forgets the workflows it kept when the checks are done).
    pub(crate) fn doc(&self) -> Option<&Document> {
        if !self.locatable {
            return None;
        }
        self.located
            .get_or_init(|| Document::new(self.text.to_string()).ok())
            .as_ref()
    }

    /// The block-style reader of this workflow ([`fast_locate`]), when the
    /// text is one it reads; its answers equal the location tree's, and
    /// where it is unsure the caller asks the tree.
    fn fast(&self) -> Option<fast_locate::Lines<'_>> {
        use std::sync::atomic::Ordering;
        if !self.locatable || self.fast_asked.fetch_add(1, Ordering::Relaxed) >= FAST_QUERIES {
            return None;
        }
        self.fast
            .get_or_init(|| fast_locate::Index::new(&self.text))
            .as_ref()
            .map(|i| i.view(&self.text))
    }

    /// The byte span of the value at `route` (`None`: the key has no value
    /// or the route is not there), from the block-style reader; `Err` when
    /// it is unsure.
    fn fast_exact(&self, route: &[Key<'_>]) -> Result<Option<(usize, usize)>, ()> {
        use fast_locate::{Answer, Mode};
        match self.fast().map(|f| f.query(route, Mode::Exact)) {
            Some(Answer::Found(s, e)) => Ok(Some((s, e))),
            Some(Answer::NoValue | Answer::Missing) => Ok(None),
            Some(Answer::Unsure) | None => Err(()),
        }
    }

    /// The comments on the lines of the value at `route`, each without its
    /// `#` and trimmed, from the block-style reader: `Some(None)` when the
    /// value is not there, `None` when the reader is unsure.
    pub(crate) fn fast_comments(&self, route: &[Key<'_>]) -> Option<Option<Vec<String>>> {
        let found = self.fast()?.comments(route)?;
        Some(found.map(|spans| {
            spans
                .iter()
                .filter_map(|&(s, e)| self.text.get(s..e))
                .map(|c| c.trim_start_matches('#').trim().to_string())
                .collect()
        }))
    }

    /// The location of `route`, or of its nearest ancestor that is there,
    /// else the file, as one reader (`ask`) answers: the key alone at the
    /// full route when `key_only`, else the value, else the `key: value`
    /// pair. `ask` gives `Ok(None)` where the route is not there (or has no
    /// value) and `Err` where it cannot say; then this gives `None`.
    fn nearest(
        &self,
        route: &[Key<'_>],
        key_only: bool,
        ask: impl Fn(&[Key<'_>], fast_locate::Mode) -> Result<Option<(usize, usize)>, ()>,
    ) -> Option<Location> {
        use fast_locate::Mode;
        for len in (0..=route.len()).rev() {
            let r = &route[..len];
            let found = if key_only && len == route.len() && len > 0 {
                ask(r, Mode::KeyOnly).ok()?
            } else {
                match ask(r, Mode::Exact).ok()? {
                    Some(span) => Some(span),
                    None => ask(r, Mode::Pretty).ok()?,
                }
            };
            if let Some((start, end)) = found {
                let (l, c) = self.lines.position(&self.text, start);
                let (el, ec) = self.lines.position(&self.text, end);
                return Some(Location::new(&self.path, l, c).with_end(el, ec));
            }
        }
        Some(Location::file(&self.path))
    }

    /// The file name, e.g. `release.yml`.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    pub fn is_release(&self) -> bool {
        self.release.is_release()
    }

    pub fn normal_jobs(&self) -> impl Iterator<Item = (&str, &NormalJob)> {
        self.model.jobs.iter().filter_map(|(id, job)| match job {
            Job::NormalJob(j) => Some((id.as_str(), j.as_ref())),
            Job::ReusableWorkflowCallJob(_) => None,
        })
    }

    /// Where the value at `route` lives; falls back to the nearest ancestor
    /// that can be found, then to the top of the file.
    pub fn locate(&self, route: &[Key<'_>]) -> Location {
        self.span_of(route, false)
    }

    /// Where the key at the end of `route` is written (`permissions:`).
    /// The one line that starts with `name:` (unquoted, at column 1), as
    /// the key's span; `None` when there is none or more than one (the
    /// location tree decides then).
    fn top_level_key(&self, name: &str) -> Option<Location> {
        let mut found = None;
        let mut at = 0;
        for line in self.text.split_inclusive('\n') {
            if let Some(rest) = line.strip_prefix(name)
                && let Some(after) = rest.strip_prefix(':')
                && (after.is_empty() || after.starts_with([' ', '\t', '\n', '\r']))
            {
                if found.is_some() {
                    return None;
                }
                found = Some(at);
            }
            at += line.len();
        }
        let start = found?;
        let (l, c) = self.lines.position(&self.text, start);
        let (el, ec) = self.lines.position(&self.text, start + name.len());
        Some(Location::new(&self.path, l, c).with_end(el, ec))
    }

    pub fn locate_key(&self, route: &[Key<'_>]) -> Location {
        self.span_of(route, true)
    }

    fn span_of(&self, route: &[Key<'_>], key_only: bool) -> Location {
        // A top-level key of a block mapping starts a line at column 1: no
        // location tree is needed to find it (release-concurrency locates
        // `on` in every workflow without a group).
        if key_only
            && let [Key::K(name)] = route
            && let Some(loc) = self.top_level_key(name)
        {
            return loc;
        }
        use fast_locate::{Answer, Mode};
        if let Some(fast) = self.fast()
            && let Some(loc) = self.nearest(route, key_only, |r, mode| match fast.query(r, mode) {
                Answer::Found(s, e) => Ok(Some((s, e))),
                Answer::NoValue | Answer::Missing => Ok(None),
                Answer::Unsure => Err(()),
            })
        {
            return loc;
        }
        let Some(doc) = self.doc() else {
            return Location::file(&self.path);
        };
        let tree = |r: &[Key<'_>], mode| {
            let comps: Vec<Component<'_>> = r.iter().map(Key::component).collect();
            let r = Route::from(comps);
            let found = match mode {
                Mode::KeyOnly => doc.query_key_only(&r).ok(),
                Mode::Exact => doc.query_exact(&r).ok().flatten(),
                Mode::Pretty => doc.query_pretty(&r).ok(),
            };
            Ok(found.map(|f| f.location.byte_span))
        };
        self.nearest(route, key_only, tree)
            .unwrap_or_else(|| Location::file(&self.path))
    }

    /// The byte range of the value at `route`, when it can be found exactly.
    pub fn byte_span(&self, route: &[Key<'_>]) -> Option<(usize, usize)> {
        use fast_locate::{Answer, Mode};
        match self.fast().map(|f| f.query(route, Mode::Pretty)) {
            Some(Answer::Found(s, e)) => return Some((s, e)),
            Some(Answer::Missing | Answer::NoValue) => return None,
            Some(Answer::Unsure) | None => {}
        }
        let doc = self.doc()?;
        let comps: Vec<Component<'_>> = route.iter().map(Key::component).collect();
        doc.query_pretty(&Route::from(comps))
            .ok()
            .map(|f| f.location.byte_span)
    }

    /// The `working-directory` of step `step` of job `job`, read from the
    /// text: the model's field never has it (github-actions-models 1.25
    /// renames the variants of a step's body, not their fields, so it
    /// looks for `working_directory`). A value written over several lines,
    /// or one the readers cannot find exactly, is `None`.
    ///
    /// Asked of every `run:` step the release lane follows, so its work is
    /// bounded: nothing when the text has no `working-directory` at all;
    /// at most [`WORKING_DIRECTORIES`] questions a file, past which the
    /// value is unknown (the step is read as running at the root, as it
    /// was before this was read); the block-style reader (at most
    /// [`fast_locate::MAX_LINES`] lines a question) without counting
    /// against the routes findings may ask; the location tree for the
    /// first [`TREE_WORKING_DIRECTORIES`] only.
    pub fn step_working_directory(&self, job: &str, step: usize) -> Option<String> {
        use fast_locate::{Answer, Mode};
        use std::sync::atomic::Ordering;
        if !self.has_working_directory {
            return None;
        }
        let asked = self.wd_asked.fetch_add(1, Ordering::Relaxed);
        if asked >= WORKING_DIRECTORIES {
            return None;
        }
        let route = [
            Key::K("jobs"),
            Key::K(job),
            Key::K("steps"),
            Key::I(step),
            Key::K("working-directory"),
        ];
        let fast = self
            .locatable
            .then(|| {
                self.fast
                    .get_or_init(|| fast_locate::Index::new(&self.text))
            })
            .and_then(|i| i.as_ref())
            .map(|i| i.view(&self.text).query(&route, Mode::Exact));
        let (s, e) = match fast {
            Some(Answer::Found(s, e)) => (s, e),
            Some(Answer::NoValue | Answer::Missing) => return None,
            Some(Answer::Unsure) | None => {
                if asked >= TREE_WORKING_DIRECTORIES {
                    return None;
                }
                let doc = self.doc()?;
                let comps: Vec<Component<'_>> = route.iter().map(Key::component).collect();
                doc.query_exact(&Route::from(comps))
                    .ok()
                    .flatten()?
                    .location
                    .byte_span
            }
        };
        one_line_scalar(self.text.get(s..e)?)
    }

    /// The location of a byte offset in this file.
    pub fn location_at(&self, offset: usize) -> Location {
        let (l, c) = self.lines.position(&self.text, offset);
        Location::new(&self.path, l, c)
    }

    /// The line inside the value at `route` (typically a `run:` script) where
    /// `needle` first appears; the value's own location when it does not.
    pub fn locate_in(&self, route: &[Key<'_>], needle: &str) -> Location {
        let base = self.locate(route);
        let (start, end) = match self.fast_exact(route) {
            Ok(Some(span)) => span,
            Ok(None) => return base,
            Err(()) => {
                let Some(doc) = self.doc() else {
                    return base;
                };
                let comps: Vec<Component<'_>> = route.iter().map(Key::component).collect();
                let Ok(Some(f)) = doc.query_exact(&Route::from(comps)) else {
                    return base;
                };
                f.location.byte_span
            }
        };
        let Some(region) = self.text.get(start..end) else {
            return base;
        };
        let needle = needle.trim();
        if let Some(off) = find_loose(region, needle) {
            let (l, c) = self.lines.position(&self.text, start + off);
            return Location::new(&self.path, l, c).with_end(l, c + needle.chars().count());
        }
        base
    }
}

/// Refuses YAML the parsers should not see: nested past [`MAX_YAML_DEPTH`],
/// or aliases expanding past [`MAX_YAML_NODES`]. Workflows and the local
/// actions they use pass through it before yaml_serde.
/// How many steps of one workflow may have their `working-directory` read:
/// each question walks the text from its top.
const WORKING_DIRECTORIES: usize = 256;

/// Of those, how many may be read through the location tree (a flow-style
/// step list, a file the block-style reader leaves).
const TREE_WORKING_DIRECTORIES: usize = 64;

/// A scalar written on one line (plain, or in simple double or single
/// quotes), as the text of its value; a block scalar or a value over
/// several lines is `None`.
pub(crate) fn one_line_scalar(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let value = match raw.as_bytes().first() {
        Some(b'"') => raw.strip_prefix('"')?.strip_suffix('"')?,
        Some(b'\'') => raw.strip_prefix('\'')?.strip_suffix('\'')?,
        Some(b'|' | b'>') => return None,
        _ => raw,
    };
    (!value.contains('\n')).then(|| value.trim().to_string())
}

pub fn yaml_guard(text: &str) -> Result<crate::repo::text::YamlShape, WorkflowError> {
    let shape = yaml_shape(text);
    let depth = shape.depth;
    if depth > MAX_YAML_DEPTH {
        return Err(WorkflowError {
            line: 1,
            column: 1,
            message: format!(
                "YAML nested {depth} levels deep; shipgate refuses more than {MAX_YAML_DEPTH}"
            ),
        });
    }
    if let Some(e) = alias_bomb(text) {
        return Err(e);
    }
    Ok(shape)
}

/// A YAML file other than a workflow (an action's metadata, a Dependabot
/// config), read into `T` with a workflow's bounds: the size cap, then
/// [`yaml_guard`], then yaml_serde. `what` names the file's kind in the
/// error (`"dependabot.yml"`: "not a valid dependabot.yml: …"), which
/// points at the parser's line.
pub fn parse_yaml_file<T: serde::de::DeserializeOwned>(
    path: &str,
    text: &str,
    what: &str,
) -> Result<(T, crate::repo::text::YamlShape), crate::repo::FileError> {
    if text.len() > crate::repo::MAX_PARSE_BYTES {
        return Err(crate::repo::FileError::at_file(
            path,
            format!("too large to parse as a {what}"),
        ));
    }
    let at = |line: usize, column: usize, message: String| crate::repo::FileError {
        location: Location::new(path, line, column),
        message,
        help: None,
    };
    let shape = yaml_guard(text).map_err(|e| at(e.line, e.column, e.message))?;
    let value = unique_keys::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        at(
            line,
            column,
            format!("not a valid {what}: {}", strip_position(&e.to_string())),
        )
    })?;
    Ok((value, shape))
}

/// Finds `needle` in `hay` treating any run of whitespace (and a `\` line
/// continuation) as one space.
fn find_loose(hay: &str, needle: &str) -> Option<usize> {
    if let Some(i) = hay.find(needle) {
        return Some(i);
    }
    let first = needle.split_whitespace().next()?;
    let want: Vec<&str> = needle.split_whitespace().collect();
    for (i, _) in hay.match_indices(first) {
        let got: Vec<&str> = hay[i..]
            .split_whitespace()
            .filter(|w| *w != "\\")
            .take(want.len())
            .collect();
        if got == want {
            return Some(i);
        }
    }
    hay.find(first)
}

/// Walks the document as yaml_serde would expand it, counting nodes, and
/// stops at [`MAX_YAML_NODES`]. The count is cheap (nothing is built) and
/// bounded (it stops at the limit), so the typed parse that follows can never
/// expand an alias bomb. Errors other than the budget are left to that parse,
/// which reports them with its own line.
fn alias_bomb(text: &str) -> Option<WorkflowError> {
    use serde::de::DeserializeSeed;
    // No anchor, no alias: most workflows skip the counting pass.
    if !has_anchor(text) {
        return None;
    }
    let counter = NodeBudget {
        left: std::cell::Cell::new(MAX_YAML_NODES),
        exceeded: std::cell::Cell::new(false),
    };
    let de = yaml_serde::Deserializer::from_str(text);
    // Multi-document streams are refused by the typed parse; count the first.
    let result = (&counter).deserialize(de);
    if result.is_err() && counter.exceeded.get() {
        return Some(WorkflowError {
            line: 1,
            column: 1,
            message: format!(
                "YAML aliases expand to more than {MAX_YAML_NODES} nodes; shipgate refuses alias bombs"
            ),
        });
    }
    None
}

/// Whether the text may define a YAML anchor (`&name` after a separator);
/// `&&` in shell scripts does not count.
pub(crate) fn has_anchor(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c == b'&'
            && (i == 0
                || matches!(
                    b[i - 1],
                    b' ' | b'\t' | b'\n' | b'[' | b'{' | b',' | b':' | b'-'
                ))
            && b.get(i + 1)
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_' || *n == b'-')
    })
}

struct NodeBudget {
    left: std::cell::Cell<usize>,
    exceeded: std::cell::Cell<bool>,
}

impl NodeBudget {
    fn tick<E: serde::de::Error>(&self) -> Result<(), E> {
        match self.left.get().checked_sub(1) {
            Some(n) => {
                self.left.set(n);
                Ok(())
            }
            None => {
                self.exceeded.set(true);
                Err(E::custom("node budget exceeded"))
            }
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for &NodeBudget {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for &NodeBudget {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.tick()
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.tick()
    }
    fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<(), E> {
        self.tick()
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.tick()
    }
    fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<(), E> {
        self.tick()
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.tick()
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        self.tick()
    }
    fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<(), E> {
        self.tick()
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.tick()
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.tick()
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.tick()?;
        serde::de::DeserializeSeed::deserialize(self, d)
    }
    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.tick()?;
        serde::de::DeserializeSeed::deserialize(self, d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.tick()?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.tick()?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A tagged node (`!tag value`).
        use serde::de::VariantAccess;
        self.tick()?;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

/// Rewrites each `uses: $/…` (GitHub's self-repository reference) to
/// `uses: ./…`, byte for byte the same length; `None` when there is none.
/// GitHub's parallel steps (2026) are newer than the typed model, which
/// would refuse the whole workflow: a `- parallel:` group runs its steps
/// at once, and `wait:`, `wait-all:` and `cancel:` steps only order them.
/// For judging, a group's steps are the job's steps (the group's line
/// becomes a comment and its steps are dedented to the job's step list),
/// and a control step is an empty `run:`. Every line stays where it was, so
/// findings keep their lines (a step inside a group keeps its line; its
/// column moves left by the dedent). `None` when there is nothing to rewrite.
fn steps_as_known(text: &str) -> Option<String> {
    if !["parallel:", "wait:", "wait-all:", "cancel:"]
        .iter()
        .any(|k| text.contains(k))
    {
        return None;
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let blank = |l: &str| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    };
    let value_empty = |rest: &str| {
        let r = rest.trim();
        r.is_empty() || r.starts_with('#')
    };
    let mut changed = false;
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim_start();
        let is_steps = t
            .strip_prefix("steps:")
            .is_some_and(|rest| value_empty(rest) && !blank(lines[i]));
        if !is_steps {
            i += 1;
            continue;
        }
        let key_indent = indent(lines[i]);
        let mut k = i + 1;
        while k < lines.len() && blank(lines[k]) {
            k += 1;
        }
        let Some(first) = lines.get(k) else { break };
        let s = indent(first);
        if s < key_indent || !first.trim_start().starts_with('-') {
            i = k;
            continue;
        }
        // Each item of the steps sequence: its lines are [k, end).
        loop {
            let mut end = k + 1;
            while end < lines.len() && (blank(lines[end]) || indent(lines[end]) > s) {
                end += 1;
            }
            changed |= rewrite_step(&lines, &mut out, k, end, s);
            match lines.get(end) {
                Some(l) if indent(l) == s && l.trim_start().starts_with('-') => k = end,
                _ => {
                    i = end;
                    break;
                }
            }
        }
    }
    changed.then(|| out.concat())
}

/// Rewrites one step item (lines `[start, end)`, its `-` at column `s`) if
/// it is a parallel group or a control step; whether it did.
fn rewrite_step(lines: &[&str], out: &mut [String], start: usize, end: usize, s: usize) -> bool {
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let first = lines[start];
    let after_dash = &first[s + 1..];
    let c = s + 1 + (after_dash.len() - after_dash.trim_start_matches(' ').len());
    let nl = |l: &str| if l.ends_with('\n') { "\n" } else { "" };
    // The item's own keys: on the `-` line, and lines at column `c`.
    let keys: Vec<usize> = std::iter::once(start)
        .chain((start + 1..end).filter(|&j| {
            indent(lines[j]) == c
                && !lines[j].trim().is_empty()
                && !lines[j].trim_start().starts_with('#')
        }))
        .collect();
    let key_of = |j: usize| -> Option<(&str, &str)> {
        let body = if j == start {
            first.get(c..)?
        } else {
            lines[j].get(c..)?
        };
        let (k, rest) = body.split_once(':')?;
        Some((k.trim(), rest))
    };
    let empty = |rest: &str| {
        let r = rest.trim();
        r.is_empty() || r.starts_with('#')
    };
    // `- parallel:` alone: its steps join the job's list.
    if keys.len() == 1
        && let Some(("parallel", rest)) = key_of(start)
        && empty(rest)
    {
        let nested = (start + 1..end).find(|&j| lines[j].trim_start().starts_with('-'));
        let Some(nested) = nested else { return false };
        let j_indent = indent(lines[nested]);
        if j_indent <= s {
            return false;
        }
        let shift = j_indent - s;
        out[start] = format!("{}# parallel:{}", " ".repeat(s), nl(first));
        for j in start + 1..end {
            let l = lines[j];
            if !l.trim().is_empty() && indent(l) >= shift {
                out[j] = l[shift..].to_string();
            }
        }
        return true;
    }
    // `wait:`, `wait-all:`, `cancel:`: an empty command for the model.
    let mut did = false;
    for (n, &j) in keys.iter().enumerate() {
        let Some((key, _)) = key_of(j) else { continue };
        if !matches!(key, "wait" | "wait-all" | "cancel") {
            continue;
        }
        let lead = &lines[j][..c];
        out[j] = format!("{lead}run: ''{}", nl(lines[j]));
        // The key's own value lines (a block list of step ids) go.
        let stop = keys.get(n + 1).copied().unwrap_or(end);
        for line in out.iter_mut().take(stop).skip(j + 1) {
            if !line.trim().is_empty() {
                *line = if line.ends_with('\n') {
                    "\n".into()
                } else {
                    String::new()
                };
            }
        }
        did = true;
    }
    did
}

/// GitHub reads a `workflow_dispatch:` or `workflow_call:` key left with no
/// value (`inputs:` and nothing under it, or `~`/`null`) as an empty map and
/// runs the workflow; the typed model refuses a null where it wants a map,
/// which would leave the whole workflow unjudged. Such a key becomes a
/// comment, line for line (its line keeps its place; nothing is reported
/// on it). `None` when there is nothing to rewrite.
fn empty_trigger_maps_as_known(text: &str) -> Option<String> {
    if !text.contains("workflow_dispatch:") && !text.contains("workflow_call:") {
        return None;
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let blank = |l: &str| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    };
    let null_value = |rest: &str| {
        let r = rest.split(" #").next().unwrap_or("").trim();
        r.is_empty() || r == "~" || r == "null" || r == "Null" || r == "NULL" || r.starts_with('#')
    };
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let mut changed = false;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let (event, rest) = if let Some(r) = t.strip_prefix("workflow_dispatch:") {
            ("workflow_dispatch", r)
        } else if let Some(r) = t.strip_prefix("workflow_call:") {
            ("workflow_call", r)
        } else {
            continue;
        };
        let r = rest.trim();
        if !(r.is_empty() || r.starts_with('#')) {
            continue;
        }
        let key_indent = indent(line);
        let children: Vec<usize> = (i + 1..lines.len())
            .take_while(|&j| blank(lines[j]) || indent(lines[j]) > key_indent)
            .filter(|&j| !blank(lines[j]))
            .collect();
        let Some(&first) = children.first() else {
            continue;
        };
        let c = indent(lines[first]);
        for (n, &j) in children.iter().enumerate() {
            if indent(lines[j]) != c {
                continue;
            }
            let Some((key, value)) = lines[j].trim_start().split_once(':') else {
                continue;
            };
            let known = match event {
                "workflow_dispatch" => key == "inputs",
                _ => matches!(key, "inputs" | "outputs" | "secrets"),
            };
            // Nothing nested under it: the next line of the trigger is a
            // sibling (or there is none).
            let nested = children.get(n + 1).is_some_and(|&k| indent(lines[k]) > c);
            if known && null_value(value) && !nested {
                let nl = if lines[j].ends_with('\n') { "\n" } else { "" };
                out[j] = format!("{}# {}{nl}", " ".repeat(c), lines[j].trim());
                changed = true;
            }
        }
    }
    changed.then(|| out.concat())
}

fn self_repo_refs_as_local(text: &str) -> Option<String> {
    if !text.contains("$/") {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut changed = false;
    let mut from = 0;
    while let Some(k) = text[from..].find("uses:") {
        let mut at = from + k + "uses:".len();
        from = at;
        while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'"' | b'\'') {
            at += 1;
        }
        if bytes.get(at) == Some(&b'$') && bytes.get(at + 1) == Some(&b'/') {
            bytes[at] = b'.';
            changed = true;
        }
    }
    if changed {
        String::from_utf8(bytes).ok()
    } else {
        None
    }
}

fn strip_position(msg: &str) -> String {
    // yaml_serde appends " at line X column Y"; the location is reported separately.
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// One step of a route into a workflow.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    K(&'a str),
    I(usize),
}

impl Key<'_> {
    fn component(&self) -> Component<'_> {
        match self {
            Key::K(k) => Component::Key((*k).into()),
            Key::I(i) => Component::Index(*i),
        }
    }
}

impl From<Key<'_>> for crate::edit::Step {
    fn from(k: Key<'_>) -> Self {
        match k {
            Key::K(s) => crate::edit::Step::Key(s.to_string()),
            Key::I(i) => crate::edit::Step::Index(i),
        }
    }
}

/// How messages name a step: its `name:`, else what it uses or runs, with
/// its 1-based position in the job.
pub fn step_label(step: &Step, index: usize) -> String {
    if let Some(n) = step.name.as_deref().filter(|n| !n.trim().is_empty()) {
        return format!("step {} \"{}\"", index + 1, n.trim());
    }
    match &step.body {
        StepBody::Uses { uses, .. } => format!("step {} ({})", index + 1, uses.raw()),
        StepBody::Run { run, .. } => {
            let first = run
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("");
            let short: String = first.chars().take(60).collect();
            format!("step {} (`{short}`)", index + 1)
        }
    }
}

/// The string form of an `env:`/`with:` value.
pub fn env_value(v: &EnvValue) -> String {
    match v {
        EnvValue::String(s) => s.clone(),
        EnvValue::Number(n) => n.to_string(),
        EnvValue::Boolean(b) => b.to_string(),
    }
}

/// The literal map of an `env:`/`with:` block (empty when it is one expression).
pub fn env_map(env: &LoE<Env>) -> Option<&Env> {
    match env {
        LoE::Literal(m) => Some(m),
        LoE::Expr(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steps_working_directory_is_read_from_the_text() {
        let text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: npm run x\n        working-directory: tools/site\n      - run: y\n        working-directory: \"pkg/a\"\n      - run: z\n      - run: w\n        working-directory: |\n          odd\n  b:\n    runs-on: x\n    steps: [{run: v, working-directory: 'flow/dir'}]\n";
        let wf = WorkflowFile::parse("w.yml", text.into()).unwrap();
        // The model never has it (the reason this reads the text).
        let Some(Job::NormalJob(a)) = wf.model.jobs.get("a") else {
            panic!("job a");
        };
        assert!(matches!(
            &a.steps[0].body,
            StepBody::Run {
                working_directory: None,
                ..
            }
        ));
        assert_eq!(
            wf.step_working_directory("a", 0).as_deref(),
            Some("tools/site")
        );
        assert_eq!(wf.step_working_directory("a", 1).as_deref(), Some("pkg/a"));
        assert_eq!(wf.step_working_directory("a", 2), None);
        assert_eq!(wf.step_working_directory("a", 3), None, "a block scalar");
        // A flow mapping: the location tree answers.
        assert_eq!(
            wf.step_working_directory("b", 0).as_deref(),
            Some("flow/dir")
        );
    }

    #[test]
    fn working_directories_are_read_for_a_bounded_number_of_steps() {
        // Each question walks the text from its top: past the bound, a
        // step's folder is unknown instead of the walk growing with the
        // square of the steps.
        let steps: String = (0..WORKING_DIRECTORIES + 10)
            .map(|i| format!("      - run: npm run b{i}\n        working-directory: p{i}\n"))
            .collect();
        let text = format!("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n{steps}");
        let wf = WorkflowFile::parse("w.yml", text.into()).unwrap();
        for i in 0..WORKING_DIRECTORIES {
            assert_eq!(wf.step_working_directory("a", i), Some(format!("p{i}")));
        }
        assert_eq!(wf.step_working_directory("a", WORKING_DIRECTORIES), None);
        // A workflow without the key asks nothing.
        let plain = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: x\n";
        let wf = WorkflowFile::parse("w.yml", plain.into()).unwrap();
        assert_eq!(wf.step_working_directory("a", 0), None);
    }

    #[test]
    fn an_empty_trigger_key_is_an_empty_map_but_a_scalar_is_refused() {
        let empty = "on:\n  workflow_dispatch:\n    inputs:\n\n  workflow_call:\n    inputs: ~\n    secrets:\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n";
        let wf = WorkflowFile::parse(".github/workflows/e.yml", empty.into()).unwrap();
        assert_eq!(wf.text.lines().count(), empty.lines().count());
        let scalar = "on:\n  workflow_dispatch:\n    inputs: everything\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n";
        let Err(e) = WorkflowFile::parse(".github/workflows/s.yml", scalar.into()) else {
            panic!("a scalar `inputs:` parsed");
        };
        assert!(
            e.message.contains("not a valid GitHub Actions workflow"),
            "{}",
            e.message
        );
    }

    #[test]
    fn parallel_and_control_steps_become_known_steps_line_for_line() {
        let t = "jobs:\n  a:\n    steps:\n      - parallel:\n          - run: one\n          - uses: o/r@v1\n            with:\n              x: 1\n      - name: w\n        wait-all:\n      - cancel: bg\n      - wait:\n          - a\n          - b\n      - run: last\n";
        let got = steps_as_known(t).unwrap();
        assert_eq!(got.lines().count(), t.lines().count());
        assert_eq!(
            got,
            "jobs:\n  a:\n    steps:\n      # parallel:\n      - run: one\n      - uses: o/r@v1\n        with:\n          x: 1\n      - name: w\n        run: ''\n      - run: ''\n      - run: ''\n\n\n      - run: last\n"
        );
        // `wait:` as an input of an action is left alone.
        let t =
            "jobs:\n  a:\n    steps:\n      - uses: o/r@v1\n        with:\n          wait: true\n";
        assert_eq!(steps_as_known(t), None);
    }

    const WF: &str = "name: release\non:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    environment: pypi\n    permissions:\n      id-token: write\n    steps:\n      - uses: actions/download-artifact@v4\n      - run: |\n          echo hi\n          twine upload \\\n            dist/*\n";

    #[test]
    fn locates_routes_and_script_lines() {
        let wf = WorkflowFile::parse(".github/workflows/r.yml", WF.into()).unwrap();
        let l = wf.locate(&[
            Key::K("jobs"),
            Key::K("publish"),
            Key::K("steps"),
            Key::I(0),
            Key::K("uses"),
        ]);
        assert_eq!((l.line, l.column), (13, 15));
        let k = wf.locate_key(&[Key::K("jobs"), Key::K("publish"), Key::K("permissions")]);
        assert_eq!(k.line, 10);
        let r = wf.locate_in(
            &[
                Key::K("jobs"),
                Key::K("publish"),
                Key::K("steps"),
                Key::I(1),
                Key::K("run"),
            ],
            "twine upload dist/*",
        );
        assert_eq!(r.line, 16);
        // A route that does not exist falls back to its nearest ancestor.
        let f = wf.locate(&[Key::K("jobs"), Key::K("publish"), Key::K("nope")]);
        assert_eq!(f.line, 8);
    }

    #[test]
    fn each_workflow_locates_in_its_own_tree() {
        // Workflows of different shapes, located in turn and again: a tree
        // shared or mixed up between them would put the key on another line.
        let wfs: Vec<WorkflowFile> = (0..17)
            .map(|i| {
                let pad = "# pad\n".repeat(i);
                let text = format!(
                    "on: push\n{pad}jobs:\n  build:\n    runs-on: x\n    steps:\n      - run: make\n"
                );
                WorkflowFile::parse(&format!(".github/workflows/w{i}.yml"), text.into()).unwrap()
            })
            .collect();
        let route = [Key::K("jobs"), Key::K("build"), Key::K("runs-on")];
        for _ in 0..2 {
            for (i, wf) in wfs.iter().enumerate() {
                assert_eq!(wf.locate(&route).line, i + 4, "w{i}");
            }
        }
        // The same, from several threads at once over shared workflows.
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for (i, wf) in wfs.iter().enumerate().rev() {
                        assert_eq!(wf.locate(&route).line, i + 4, "w{i}");
                    }
                });
            }
        });
    }

    #[test]
    fn anchors_are_told_from_shell_ands() {
        assert!(has_anchor("defaults: &d\n  a: 1\nb: *d"));
        assert!(!has_anchor("run: make && make test\nx: 'a&b'"));
    }

    #[test]
    fn parse_errors_carry_lines() {
        let e = WorkflowFile::parse(
            "w.yml",
            "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [\n".into(),
        )
        .err()
        .unwrap();
        assert!(e.line >= 5, "{e:?}");
        let deep = format!("on: {}", "[".repeat(10_000));
        assert!(WorkflowFile::parse("w.yml", deep.into()).is_err());
    }
}
