//! The shared document pass. Checks that read every project document
//! (`docs-links`, `docs-workflow-agreement`) do not each walk the docs: the
//! engine walks them once, on every core, and hands each document to every
//! such check in turn. A document is read and parsed once, visited, and
//! dropped, so memory holds the documents being worked on plus what the
//! checks keep (findings and small summaries), not every document in the
//! tree. Cross-document questions (does `other.md#setup` exist?) are answered
//! from those summaries when the pass ends.
//!
//! A document another check may also read by name (`README.md`,
//! `CHANGELOG.md`, `SECURITY.md`, anything at the root or directly under
//! `.github/`) goes through the tree's cache instead, so it is still read
//! once however the checks are scheduled.

use super::{Check, Context, Outcome, guarded};
use crate::finding::Finding;
use crate::repo::markdown::{self, MarkdownDoc};
use crate::repo::{FileError, TextFile, Tree};
use std::sync::{Arc, OnceLock};

/// One check's side of the pass: built per run by [`Check::documents`].
pub trait DocVisitor: Sync {
    /// Called once per selected document, on any thread; returns findings
    /// that concern this document (their snippets are filled while its text
    /// is at hand). Anything kept for [`DocVisitor::finish`] is the
    /// visitor's own business (behind a lock: visits run in parallel).
    fn visit(&self, doc: &PassDoc<'_>) -> Vec<Finding>;

    /// After every document: findings that need the whole picture.
    fn finish(self: Box<Self>, visited: Vec<Finding>) -> Outcome;
}

/// The documents a docs check reads: its `files` globs, else every project
/// document (Markdown outside vendored copies and test inputs, and not a
/// template whose rendered page is in the tree: that page is read instead,
/// see [`crate::docsite::templates`]). A symlink to
/// a document inside the root is not read again: GitHub shows it as a link,
/// and the document it points at is judged under its own path (its relative
/// links resolve from there, not from the symlink's directory).
pub fn select<'t>(cx: &'t Context<'t>) -> Result<Vec<&'t str>, Outcome> {
    let default: Vec<&str> = cx
        .tree
        .paths()
        .filter(|p| {
            markdown::is_project_doc(p)
                && crate::docsite::templates::rendered_page(cx.tree, p).is_none()
        })
        .collect();
    let selected = cx
        .select(default)
        .map_err(|f| Outcome::Findings(vec![*f]))?;
    Ok(selected
        .into_iter()
        .filter(|p| !cx.tree.is_link(p))
        .collect())
}

/// One document as the pass sees it: read on first use, parsed on first
/// use, shared by every visitor of this document.
pub struct PassDoc<'t> {
    pub path: &'t str,
    /// The document's place in the tree's paths ([`Tree::position`]).
    pub position: usize,
    tree: &'t Tree,
    keep: bool,
    text: OnceLock<Result<Arc<TextFile>, FileError>>,
    markdown: OnceLock<Result<Arc<MarkdownDoc>, FileError>>,
}

impl<'t> PassDoc<'t> {
    fn new(tree: &'t Tree, position: usize, path: &'t str) -> PassDoc<'t> {
        PassDoc {
            path,
            position,
            tree,
            keep: kept(path),
            text: OnceLock::new(),
            markdown: OnceLock::new(),
        }
    }

    pub fn text(&self) -> Result<&Arc<TextFile>, &FileError> {
        self.text
            .get_or_init(|| {
                if self.keep {
                    self.tree.text(self.path)
                } else {
                    self.tree.text_unkept(self.path)
                }
            })
            .as_ref()
    }

    pub fn markdown(&self) -> Result<&Arc<MarkdownDoc>, &FileError> {
        self.markdown
            .get_or_init(|| {
                if self.keep {
                    self.tree.markdown(self.path)
                } else {
                    let tf = self.text().map_err(Clone::clone)?;
                    self.tree.markdown_unkept(self.path, tf.clone())
                }
            })
            .as_ref()
    }

    /// The text of a line of this document, if it has been read.
    fn snippet(&self, line: usize) -> Option<String> {
        let tf = self.text.get()?.as_ref().ok()?;
        Some(tf.line(line)?.chars().take(300).collect())
    }
}

/// Documents other checks name directly (README, CHANGELOG, SECURITY,
/// CONTRIBUTING…) live at the root or directly under `.github/`: those stay
/// in the tree's cache so a second reader finds them there.
fn kept(path: &str) -> bool {
    match path.split_once('/') {
        None => true,
        Some((dir, rest)) => dir == ".github" && !rest.contains('/'),
    }
}

/// Runs the pass for every check in `cxs` (each of
/// [`super::Scope::Documents`]) and returns their outcomes, in order.
pub fn run(cxs: &[(&Context<'_>, &'static dyn Check)]) -> Vec<Outcome> {
    let Some((first, _)) = cxs.first() else {
        return Vec::new();
    };
    let tree = first.tree;
    let mut outcomes: Vec<Option<Outcome>> = cxs.iter().map(|_| None).collect();
    let mut visitors: Vec<(usize, Box<dyn DocVisitor + '_>)> = Vec::new();
    let mut wanted: Vec<Vec<bool>> = Vec::new();
    let mut any = vec![false; tree.len()];
    for (k, &(cx, check)) in cxs.iter().enumerate() {
        let selected = match select(cx) {
            Ok(s) => s,
            Err(o) => {
                outcomes[k] = Some(o);
                continue;
            }
        };
        let started =
            guarded(|| check.documents(cx, &selected)).unwrap_or_else(|| Err(internal_error()));
        match started {
            Ok(v) => {
                let mut mine = vec![false; tree.len()];
                for p in selected {
                    if let Some(i) = tree.position(p) {
                        mine[i] = true;
                        any[i] = true;
                    }
                }
                visitors.push((k, v));
                wanted.push(mine);
            }
            Err(o) => outcomes[k] = Some(o),
        }
    }
    let paths: Vec<(usize, &str)> = tree.paths().enumerate().filter(|(i, _)| any[*i]).collect();
    // Per document: for each visitor, its findings (or None after a panic);
    // no list at all when no visitor found anything, which is most
    // documents. What is kept for the whole pass is kept at its size: a
    // 100,000-document tree holds every document's result at once.
    let seen = first.lines_seen;
    let per_doc = crate::repo::par_map(&paths, |&(i, path)| {
        let doc = PassDoc::new(tree, i, path);
        let mut found: Vec<Option<Vec<Finding>>> = Vec::new();
        for (v, (_, visitor)) in visitors.iter().enumerate() {
            let got = if wanted[v][i] {
                guarded(|| visitor.visit(&doc))
            } else {
                Some(Vec::new())
            };
            if matches!(&got, Some(fs) if fs.is_empty()) && found.is_empty() {
                continue;
            }
            if found.is_empty() {
                found.reserve_exact(visitors.len());
                found.resize_with(v, || Some(Vec::new()));
            }
            found.push(got.map(|mut fs| {
                for f in &mut fs {
                    if f.snippet.is_none() && f.location.path == path {
                        f.snippet = doc.snippet(f.location.line);
                    }
                }
                fs.shrink_to_fit();
                fs
            }));
        }
        // The lines the report needs of this document (inline ignores on
        // or above each finding), noted while its text is at hand: it is
        // not read again for the report.
        if let Some(Ok(tf)) = doc.text.get() {
            seen.note(
                path,
                |n| tf.line(n),
                found.iter().filter_map(Option::as_ref).flatten(),
            );
        }
        found
    });
    let mut visited: Vec<Vec<Finding>> = (0..visitors.len())
        .map(|v| {
            let n = per_doc
                .iter()
                .filter_map(|found| found.get(v).and_then(Option::as_ref))
                .map(Vec::len)
                .sum();
            Vec::with_capacity(n)
        })
        .collect();
    let mut crashed = vec![false; visitors.len()];
    for found in per_doc {
        for (v, got) in found.into_iter().enumerate() {
            match got {
                Some(fs) => visited[v].extend(fs),
                None => crashed[v] = true,
            }
        }
    }
    for (v, ((k, visitor), fs)) in visitors.into_iter().zip(visited).enumerate() {
        outcomes[k] = Some(if crashed[v] {
            internal_error()
        } else {
            guarded(|| visitor.finish(fs)).unwrap_or_else(internal_error)
        });
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Outcome::Skip("not run".into())))
        .collect()
}

/// A check whose side of the pass crashed fails closed (its report entry names it).
fn internal_error() -> Outcome {
    super::internal_error("reading the docs")
}

#[cfg(test)]
mod tests {
    use super::kept;

    #[test]
    fn root_and_github_docs_stay_cached() {
        assert!(kept("README.md"));
        assert!(kept(".github/SECURITY.md"));
        assert!(!kept(".github/ISSUE_TEMPLATE/bug.md"));
        assert!(!kept("docs/guide.md"));
    }
}
