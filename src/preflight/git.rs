//! Reads one commit's tree out of the repository's object database with gix
//! (no `git` process, nothing from the tree is run) and lays it out in a
//! private temporary folder, so that the same [`Tree`] code that judges the
//! work tree judges it too, with the same containment rules:
//!
//! - a symlink is written as a symlink, after every file and folder, so it
//!   can never redirect a later write; the tree walk then treats it as it
//!   treats one in a work tree (one that leaves the root is never read);
//! - a blob larger than [`MAX_FILE_BYTES`] is not inflated: an empty sparse
//!   file of its size stands for it, which the tree reports as too large;
//! - the folders a work-tree walk skips (`.git`, `target`, `node_modules`)
//!   are not written, and the whole snapshot has a byte and entry budget.

use crate::repo::{MAX_FILE_BYTES, Tree};
use std::path::{Path, PathBuf};

/// The most blob bytes one snapshot writes.
pub const MAX_SNAPSHOT_BYTES: u64 = 1 << 30;
/// The most entries (files, folders, links) one snapshot writes.
pub const MAX_SNAPSHOT_ENTRIES: usize = 500_000;
/// The deepest folder nesting read.
const MAX_DEPTH: usize = 128;
/// A symlink's target longer than this is not written.
const MAX_LINK_BYTES: u64 = 4096;
/// Folders never written (the work-tree walk skips them too; a committed
/// `target/` is content, and the walk judges it as it judges the work tree's).
const SKIP_DIRS: &[&[u8]] = &[b".git", b"node_modules"];

/// The repository that holds the gated root, opened without reading any
/// configuration beyond the repository's own, and where the root lies in its
/// work tree (`""` at the top, else `a/b/`).
pub struct Repo {
    repo: gix::Repository,
    prefix: Vec<Vec<u8>>,
}

impl Repo {
    pub fn open(root: &Path) -> Result<Repo, String> {
        let canon = std::fs::canonicalize(root)
            .map_err(|e| format!("cannot open {}: {e}", root.display()))?;
        let repo = gix::discover_opts(
            &canon,
            gix::discover::upwards::Options::default(),
            gix::open::Options::isolated(),
        )
        .map_err(|e| {
            format!(
                "--base/--head need a git repository, and none holds {}: {e}",
                root.display()
            )
        })?;
        let prefix = match repo.workdir() {
            Some(wd) => {
                let wd = std::fs::canonicalize(wd)
                    .map_err(|e| format!("cannot open {}: {e}", wd.display()))?;
                let rel = canon.strip_prefix(&wd).map_err(|_| {
                    format!(
                        "{} is not inside the work tree of its repository ({})",
                        root.display(),
                        wd.display()
                    )
                })?;
                rel.components()
                    .map(|c| c.as_os_str().as_encoded_bytes().to_vec())
                    .collect()
            }
            None => Vec::new(),
        };
        Ok(Repo { repo, prefix })
    }

    /// The commit `spec` names (a branch, tag, SHA or rev-spec such as
    /// `main~1`), as its full hex id.
    pub fn resolve(&self, spec: &str) -> Result<gix::ObjectId, String> {
        let not_found = |e: &dyn std::fmt::Display| {
            format!(
                "cannot resolve `{spec}` to a commit in this repository: {e} \
                 (in a shallow CI checkout, fetch the base first, e.g. actions/checkout with fetch-depth: 0)"
            )
        };
        if spec.trim().is_empty() {
            return Err(not_found(&"the revision is empty"));
        }
        let id = self
            .repo
            .rev_parse_single(spec)
            .map_err(|e| not_found(&e))?;
        let commit = id
            .object()
            .map_err(|e| not_found(&e))?
            .peel_to_commit()
            .map_err(|e| not_found(&e))?;
        Ok(commit.id)
    }

    /// Writes the tree of `commit` (under the root's prefix) into `dest`,
    /// which must be an empty folder, and walks it.
    pub fn write_tree(&self, commit: gix::ObjectId, dest: &Path) -> Result<Tree, String> {
        let unreadable = |e: &dyn std::fmt::Display| format!("cannot read commit {commit}: {e}");
        let commit_obj = self.repo.find_commit(commit).map_err(|e| unreadable(&e))?;
        let mut tree_id = commit_obj.tree_id().map_err(|e| unreadable(&e))?.detach();
        for part in &self.prefix {
            let tree = self.repo.find_tree(tree_id).map_err(|e| unreadable(&e))?;
            let next = tree
                .iter()
                .filter_map(Result::ok)
                .find(|e| e.inner.filename == part.as_slice() && e.inner.mode.is_tree());
            match next {
                Some(e) => tree_id = e.inner.oid.to_owned(),
                None => {
                    return Err(format!(
                        "commit {commit} has no folder {} (the root being gated)",
                        String::from_utf8_lossy(&self.prefix.join(&b'/'))
                    ));
                }
            }
        }
        let mut w = Writer {
            repo: &self.repo,
            top: dest.to_path_buf(),
            bytes: 0,
            entries: 0,
            links: Vec::new(),
        };
        w.tree(tree_id, dest, 0)?;
        w.finish_links();
        Tree::discover(dest).map_err(|e| e.to_string())
    }
}

struct Writer<'r> {
    repo: &'r gix::Repository,
    /// The snapshot's top folder, to name folders in messages.
    top: PathBuf,
    bytes: u64,
    entries: usize,
    /// Symlinks to create once every file and folder is written.
    links: Vec<(PathBuf, Vec<u8>)>,
}

impl Writer<'_> {
    fn count(&mut self) -> Result<(), String> {
        self.entries += 1;
        if self.entries > MAX_SNAPSHOT_ENTRIES {
            return Err(format!(
                "the commit's tree has more than {MAX_SNAPSHOT_ENTRIES} entries; shipgate reads no more"
            ));
        }
        Ok(())
    }

    fn tree(&mut self, id: gix::ObjectId, dir: &Path, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "the commit's tree nests folders deeper than {MAX_DEPTH}"
            ));
        }
        let tree = self
            .repo
            .find_tree(id)
            .map_err(|e| format!("cannot read tree {id}: {e}"))?;
        let mut children = Vec::new();
        let mut names = std::collections::HashSet::new();
        for entry in tree.iter() {
            let entry = entry.map_err(|e| format!("cannot decode tree {id}: {e}"))?;
            let name: &[u8] = entry.inner.filename;
            // Names git itself refuses (fsck): one that could step out of
            // its folder, or one met twice. Such a tree was made by hand,
            // so the run stops rather than guess which entry counts.
            let bad = name.is_empty()
                || name == b"."
                || name == b".."
                || name.contains(&b'/')
                || name.contains(&0)
                || (cfg!(windows) && name.contains(&b'\\'));
            if bad || !names.insert(name.to_vec()) {
                return Err(format!(
                    "the commit's tree is malformed: {} `{}` in {}",
                    if bad {
                        "an entry named"
                    } else {
                        "a second entry named"
                    },
                    String::from_utf8_lossy(name),
                    if self.label(dir).is_empty() {
                        "its top folder".to_string()
                    } else {
                        self.label(dir)
                    }
                ));
            }
            children.push((name.to_vec(), entry.inner.mode, entry.inner.oid.to_owned()));
        }
        drop(tree);
        for (name, mode, oid) in children {
            self.count()?;
            let path = dir.join(os_name(&name));
            if mode.is_tree() {
                if SKIP_DIRS.contains(&name.as_slice()) {
                    continue;
                }
                // `create_dir`, not `_all`: a name met twice fails here
                // instead of writing into whatever is already there.
                std::fs::create_dir(&path)
                    .map_err(|e| format!("cannot lay out the base tree: {e}"))?;
                self.tree(oid, &path, depth + 1)?;
            } else if mode.is_link() {
                let target = self.blob(oid, MAX_LINK_BYTES)?;
                if let Some(target) = target {
                    self.links.push((path, target));
                }
            } else if mode.is_blob() {
                self.file(oid, &path)?;
            }
            // A submodule (a commit entry) has no files here, as in a
            // checkout that did not fetch it.
        }
        Ok(())
    }

    /// The blob's bytes, or None when it is larger than `cap`.
    fn blob(&mut self, oid: gix::ObjectId, cap: u64) -> Result<Option<Vec<u8>>, String> {
        let header = self
            .repo
            .find_header(oid)
            .map_err(|e| format!("cannot read blob {oid}: {e}"))?;
        if header.size() > cap {
            return Ok(None);
        }
        self.bytes += header.size();
        if self.bytes > MAX_SNAPSHOT_BYTES {
            return Err(format!(
                "the commit's files add up to more than {MAX_SNAPSHOT_BYTES} bytes; shipgate reads no more"
            ));
        }
        let obj = self
            .repo
            .find_object(oid)
            .map_err(|e| format!("cannot read blob {oid}: {e}"))?;
        Ok(Some(obj.detach().data))
    }

    fn file(&mut self, oid: gix::ObjectId, path: &Path) -> Result<(), String> {
        use std::io::Write;
        let cannot = |e: std::io::Error| format!("cannot lay out the base tree: {e}");
        // `create_new`: never opens what is already there (a link included).
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(cannot)?;
        match self.blob(oid, MAX_FILE_BYTES)? {
            Some(data) => file.write_all(&data).map_err(cannot)?,
            None => {
                // Too large to read: a sparse stand-in of the same size.
                let size = self
                    .repo
                    .find_header(oid)
                    .map_err(|e| format!("cannot read blob {oid}: {e}"))?
                    .size();
                file.set_len(size).map_err(cannot)?;
            }
        }
        Ok(())
    }

    fn finish_links(&mut self) {
        for (path, target) in std::mem::take(&mut self.links) {
            #[cfg(unix)]
            {
                use std::os::unix::ffi::OsStrExt;
                // A link whose place is taken is left out; the tree walk
                // judges the links that are there like any work tree's.
                let _ = std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(&target), &path);
            }
            #[cfg(not(unix))]
            {
                let _ = (path, target);
            }
        }
    }
}

impl Writer<'_> {
    /// A folder of the snapshot as a tree path (`a/b`), for messages.
    fn label(&self, dir: &Path) -> String {
        dir.strip_prefix(&self.top)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default()
    }
}

fn os_name(name: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(name))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(name).into_owned())
    }
}
