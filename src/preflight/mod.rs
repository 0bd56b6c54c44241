//! Preflight for a pull request: the tree at a base commit (`--base REF`),
//! what the change did to it, and which findings the change brought.
//!
//! The base (and `--head REF`, when given) is read from the repository's
//! objects with gix and laid out in a private temporary folder (see
//! [`git`]); the checks then see it as an ordinary [`Tree`].

pub mod git;
pub mod release;
pub mod split;

use crate::repo::{MAX_FILE_BYTES, Tree};
use std::path::Path;
use std::sync::OnceLock;

/// A commit's tree, written out for the run and removed with it.
pub struct Snapshot {
    /// The revision as given on the command line.
    pub spec: String,
    /// The commit it named, full hex.
    pub commit: String,
    pub tree: Tree,
    _dir: tempfile::TempDir,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Snapshot({} = {})", self.spec, self.commit)
    }
}

impl Snapshot {
    /// The tree of the commit `spec` names in `repo`.
    pub fn read(repo: &git::Repo, spec: &str) -> Result<Snapshot, String> {
        let commit = repo.resolve(spec)?;
        let dir = tempfile::Builder::new()
            .prefix("shipgate-snapshot-")
            .tempdir()
            .map_err(|e| format!("cannot make a temporary folder for `{spec}`: {e}"))?;
        let tree = repo.write_tree(commit, dir.path())?;
        Ok(Snapshot {
            spec: spec.to_string(),
            commit: commit.to_string(),
            tree,
            _dir: dir,
        })
    }
}

/// How a path differs between the base and the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Modified,
    Removed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Modified => "modified",
            ChangeKind::Removed => "removed",
        }
    }
}

/// One path the change touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
}

/// The base a run compares against: its tree, and (computed once, on
/// first use) the paths the head changed.
#[derive(Debug)]
pub struct Base {
    pub snapshot: Snapshot,
    changes: OnceLock<Vec<Change>>,
}

impl Base {
    pub fn new(snapshot: Snapshot) -> Base {
        Base {
            snapshot,
            changes: OnceLock::new(),
        }
    }

    pub fn tree(&self) -> &Tree {
        &self.snapshot.tree
    }

    /// How the run names the base: `main (0123abcd…)`.
    pub fn describe(&self) -> String {
        let short: String = self.snapshot.commit.chars().take(12).collect();
        if self.snapshot.spec == self.snapshot.commit {
            short
        } else {
            format!("{} ({short})", self.snapshot.spec)
        }
    }

    /// Every path that differs between the base and `head`, sorted.
    pub fn changes(&self, head: &Tree) -> &[Change] {
        self.changes.get_or_init(|| diff(self.tree(), head))
    }

    /// How `path` changed, if it did.
    pub fn change(&self, head: &Tree, path: &str) -> Option<ChangeKind> {
        let changes = self.changes(head);
        changes
            .binary_search_by(|c| c.path.as_str().cmp(path))
            .ok()
            .map(|i| changes[i].kind)
    }
}

/// The paths that differ between two trees, sorted.
pub fn diff(base: &Tree, head: &Tree) -> Vec<Change> {
    let mut out = Vec::new();
    let mut b = base.paths().peekable();
    let mut h = head.paths().peekable();
    loop {
        match (b.peek(), h.peek()) {
            (None, None) => break,
            (Some(&p), None) => {
                out.push(change(p, ChangeKind::Removed));
                b.next();
            }
            (None, Some(&p)) => {
                out.push(change(p, ChangeKind::Added));
                h.next();
            }
            (Some(&bp), Some(&hp)) => match bp.cmp(hp) {
                std::cmp::Ordering::Less => {
                    out.push(change(bp, ChangeKind::Removed));
                    b.next();
                }
                std::cmp::Ordering::Greater => {
                    out.push(change(hp, ChangeKind::Added));
                    h.next();
                }
                std::cmp::Ordering::Equal => {
                    if !same_content(&base.root().join(bp), &head.root().join(hp)) {
                        out.push(change(bp, ChangeKind::Modified));
                    }
                    b.next();
                    h.next();
                }
            },
        }
    }
    out
}

fn change(path: &str, kind: ChangeKind) -> Change {
    Change {
        path: path.to_string(),
        kind,
    }
}

/// What a path holds, compared without following a symlink: a link's
/// target, or a regular file's bytes (a file too large to read is known by
/// its size only).
#[derive(PartialEq)]
enum Content {
    Link(std::path::PathBuf),
    Bytes(Vec<u8>),
    Large(u64),
    Unreadable,
}

fn content(path: &Path) -> Content {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Content::Unreadable;
    };
    if meta.file_type().is_symlink() {
        return std::fs::read_link(path).map_or(Content::Unreadable, Content::Link);
    }
    if meta.len() > MAX_FILE_BYTES {
        return Content::Large(meta.len());
    }
    crate::repo::fs_guard::read_regular_no_follow(path, MAX_FILE_BYTES)
        .map_or(Content::Unreadable, Content::Bytes)
}

fn same_content(a: &Path, b: &Path) -> bool {
    // Two regular files of different sizes differ: no need to read them.
    if let (Ok(ma), Ok(mb)) = (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b))
        && ma.is_file()
        && mb.is_file()
        && ma.len() != mb.len()
    {
        return false;
    }
    let (ca, cb) = (content(a), content(b));
    // What cannot be read on either side counts as changed: fail closed.
    ca != Content::Unreadable && cb != Content::Unreadable && ca == cb
}
