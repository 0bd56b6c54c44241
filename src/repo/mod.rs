//! The working tree under the root: discovery (honouring .gitignore, never
//! leaving the root through a symlink) and a cache that reads and parses each
//! file at most once for all checks.

mod beneath;
pub mod formats;
pub mod fs_guard;
pub mod markdown;
pub mod paths;
pub mod spanned;
pub mod stated;
pub mod text;
pub mod yaml_text;

use crate::finding::{Finding, Location};
use formats::SyntaxError;
use globset::{Glob, GlobSet, GlobSetBuilder};
use spanned::Node;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use text::LineIndex;

/// Files larger than this are not read: a clear finding, not a hang.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Structured files (YAML, TOML, JSON, Markdown) larger than this are not parsed.
pub const MAX_PARSE_BYTES: usize = 8 * 1024 * 1024;

/// Directories never walked.
const SKIP_DIRS: &[&str] = &[".git", "node_modules"];

/// Files beside a `target` folder that make it a build's output (Cargo,
/// Maven, sbt), or inside it (Cargo tags its output with `CACHEDIR.TAG`).
const BUILD_MANIFESTS: &[&str] = &["Cargo.toml", "pom.xml", "build.sbt"];

/// Whether a folder is left out of the walk: `.git`, `node_modules`, and a
/// `target` folder that is a build's output. A `target` folder that is
/// neither tagged nor beside a build manifest is content (docs about scan
/// targets, a deploy target's config) and is walked.
fn skipped_dir(path: &Path, name: &std::ffi::OsStr) -> bool {
    if SKIP_DIRS.iter().any(|d| name == *d) {
        return true;
    }
    if name != "target" {
        return false;
    }
    let present = |p: PathBuf| std::fs::symlink_metadata(p).is_ok();
    present(path.join("CACHEDIR.TAG"))
        || path
            .parent()
            .is_some_and(|parent| BUILD_MANIFESTS.iter().any(|m| present(parent.join(m))))
}

/// Why a file could not be read or parsed; always points at a line.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    pub location: Location,
    pub message: String,
    /// What to do about it, when "fix the file so it parses" is not it.
    pub help: Option<String>,
}

impl FileError {
    /// The same error with its own advice.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn at_file(path: &str, message: impl Into<String>) -> Self {
        FileError {
            location: Location::file(path),
            message: message.into(),
            help: None,
        }
    }

    /// The fail-closed finding for a check that needed this file.
    pub fn to_finding(&self) -> Finding {
        Finding::new(
            self.location.clone(),
            format!("cannot judge this file: {}", self.message),
            self.help.as_deref().unwrap_or(
                "fix the file so it parses; shipgate fails closed on files it must judge",
            ),
        )
        .code("unparseable")
    }
}

/// A text file with its line index.
pub struct TextFile {
    pub text: Arc<str>,
    pub lines: LineIndex,
}

impl TextFile {
    /// A text and its line index.
    pub fn new(text: impl Into<Arc<str>>) -> TextFile {
        let text = text.into();
        let lines = LineIndex::new(&text);
        TextFile { text, lines }
    }

    /// The text of 1-based `line` without its line ending.
    pub fn line(&self, line: usize) -> Option<&str> {
        self.lines.line(&self.text, line)
    }

    pub fn location(&self, path: &str, offset: usize) -> Location {
        let (l, c) = self.lines.position(&self.text, offset);
        Location::new(path, l, c)
    }
}

/// A TOML or JSON document as a spanned tree.
pub struct DataFile {
    pub path: String,
    pub file: Arc<TextFile>,
    pub root: Node,
}

impl DataFile {
    pub fn location(&self, span: &std::ops::Range<usize>) -> Location {
        let (l, c) = self.file.lines.position(&self.file.text, span.start);
        let (el, ec) = self.file.lines.position(&self.file.text, span.end);
        Location::new(&self.path, l, c).with_end(el, ec)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    File,
    /// A symlink to a file inside the root.
    Link,
    /// A path that is never read, and why: a symlink whose target is
    /// outside the root, dangling, or a loop; or a name that is not UTF-8.
    BadLink(String),
}

struct Entry {
    rel: String,
    kind: Kind,
    /// What was read or parsed of the file and kept, made on first use:
    /// most files of a tree are never kept, and four slots inline made
    /// every entry three times larger (100,000 files held 9 MB of empty
    /// slots).
    cache: OnceLock<Box<Cache>>,
}

/// The values a file may keep in the tree, each made once.
#[derive(Default)]
struct Cache {
    text: Slot<TextFile>,
    derived: Slot<Derived>,
    data: Slot<DataFile>,
    markdown: Slot<markdown::MarkdownDoc>,
}

/// A value read or parsed once, until the tree is told to forget it. The
/// error is boxed: most files never fail, and an inline error would make
/// every entry of a 25,000-file tree four times larger. The lock is held
/// while the value is made, so two threads asking at once still make it once.
struct Slot<T: ?Sized>(Mutex<Option<Result<Arc<T>, Box<FileError>>>>);

/// What a layer above derives from one file (a parsed workflow), kept beside
/// it. The tree stores it without knowing its type; [`Tree::derived`] hands
/// it back typed.
type Derived = dyn std::any::Any + Send + Sync;

impl<T: ?Sized> Default for Slot<T> {
    fn default() -> Self {
        Slot(Mutex::new(None))
    }
}

impl<T: ?Sized> Slot<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Result<Arc<T>, Box<FileError>>>> {
        // A panic while making the value leaves it unmade, not the slot unusable.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get_or_init(
        &self,
        init: impl FnOnce() -> Result<Arc<T>, FileError>,
    ) -> Result<Arc<T>, FileError> {
        let mut slot = self.lock();
        unbox(slot.get_or_insert_with(|| init().map_err(Box::new)))
    }

    fn get(&self) -> Option<Result<Arc<T>, FileError>> {
        self.lock().as_ref().map(unbox)
    }

    /// Drops the value; the next ask makes it again.
    fn forget(&self) {
        self.lock().take();
    }

    /// The value, if made, taken out: the next ask makes it again.
    fn take(&self) -> Option<Result<Arc<T>, FileError>> {
        self.lock().take().as_ref().map(unbox)
    }
}

fn unbox<T: ?Sized>(r: &Result<Arc<T>, Box<FileError>>) -> Result<Arc<T>, FileError> {
    match r {
        Ok(v) => Ok(v.clone()),
        Err(e) => Err((**e).clone()),
    }
}

impl Entry {
    fn new(rel: String, kind: Kind) -> Entry {
        Entry {
            rel,
            kind,
            cache: OnceLock::new(),
        }
    }

    /// The file's cache, made empty on first use (to keep a value in it).
    fn cache(&self) -> &Cache {
        self.cache.get_or_init(Box::default)
    }

    /// The file's cache if anything was ever kept in it (to look a value up,
    /// take it or drop it, without making one).
    fn cached(&self) -> Option<&Cache> {
        self.cache.get().map(|c| &**c)
    }
}

/// What a walked path is: a file, a symlink that is never read, or `None`
/// (a directory, a symlink to a directory inside the root, or neither).
fn classify(path: &Path, ft: std::fs::FileType, canon_root: &Path) -> Option<Kind> {
    if ft.is_symlink() {
        match std::fs::canonicalize(path) {
            Ok(target) if target.starts_with(canon_root) => {
                (!target.is_dir()).then_some(Kind::Link)
            }
            Ok(_) => Some(Kind::BadLink(
                "a symlink that leaves the root; it is not read".into(),
            )),
            Err(_) => Some(Kind::BadLink(dangling_why(path))),
        }
    } else if ft.is_file() {
        Some(Kind::File)
    } else {
        None
    }
}

/// Why a symlink that resolves to nothing is not read. A target that ends
/// in a line break or a space (a link written from a file's text, newline
/// and all) names a file that no checkout has, whatever the name before it
/// is: say so, since the name alone looks right.
fn dangling_why(path: &Path) -> String {
    let target = std::fs::read_link(path).ok();
    let target = target.as_deref().and_then(Path::to_str).unwrap_or("");
    let trimmed = target.trim_end();
    if !trimmed.is_empty() && trimmed.len() < target.len() {
        format!(
            "a symlink whose target `{trimmed}` ends in a line break or space, so it names no file; \
             it is not read"
        )
    } else {
        "a symlink that is dangling or loops; it is not read".into()
    }
}

/// Why the workflow folder at `rel` (`.github` or `.github/workflows`),
/// a symlink, is not judged.
fn workflow_dir_link(rel: &str) -> FileError {
    FileError::at_file(
        rel,
        format!(
            "`{rel}` is a symlink, and GitHub does not follow it: no workflow under it runs, \
             so none is judged"
        ),
    )
    .help(format!(
        "make `{rel}` a real directory holding the workflows"
    ))
}

/// The files under the root, each read at most once.
pub struct Tree {
    root: PathBuf,
    canon_root: PathBuf,
    /// Sorted by path.
    entries: Vec<Entry>,
    /// Hash of a path → its entry, so the tree keeps no second copy of every
    /// path. Two paths with one hash keep the first; a lookup that lands on
    /// another path falls back to a binary search of `entries`.
    index: HashMap<u64, usize, std::hash::BuildHasherDefault<Prehashed>>,
    /// Seeded per run, so a tree cannot choose paths that collide.
    hasher: foldhash::fast::RandomState,
    dirs: std::collections::HashSet<String, foldhash::fast::RandomState>,
    /// Whether any entry is a symlink that is never read (most trees: none).
    any_bad_link: bool,
    /// Problems met while walking (unreadable directories), as findings.
    pub walk_problems: Vec<FileError>,
    /// `.github` or `.github/workflows` as a symlink: GitHub does not follow
    /// it, so no workflow in it runs, and the gate has none to judge there.
    pub workflow_dir_link: Option<FileError>,
    /// The root directory, held open: files are opened beneath it with the
    /// kernel refusing every symlink on the way (Linux `openat2`).
    root_dir: Option<beneath::RootDir>,
    /// What a layer above derives from the whole tree, by type
    /// ([`Tree::whole`]): per type, a cell that holds the value once made.
    wholes: std::sync::Mutex<HashMap<std::any::TypeId, Arc<dyn std::any::Any + Send + Sync>>>,
}

impl Tree {
    /// Walks `root`. Hidden files are included (`.github/`), ignored ones and
    /// `.git`, `node_modules` and build output `target/` are not; symlinks
    /// are never followed.
    pub fn discover(root: &Path) -> anyhow::Result<Tree> {
        let canon_root = std::fs::canonicalize(root)
            .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", root.display()))?;
        if !canon_root.is_dir() {
            anyhow::bail!("{} is not a directory", root.display());
        }
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .parents(false)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(false)
            .ignore(false)
            .require_git(false)
            .follow_links(false)
            .filter_entry(|e| {
                !(e.depth() > 0
                    && e.file_type().is_some_and(|t| t.is_dir())
                    && skipped_dir(e.path(), e.file_name()))
            })
            .build();
        let mut entries = Vec::new();
        let mut dirs = std::collections::HashSet::with_hasher(Default::default());
        let mut walk_problems = Vec::new();
        for item in walker {
            let e = match item {
                Ok(e) => e,
                Err(err) => {
                    walk_problems.push(FileError::at_file(
                        ".",
                        format!("cannot walk part of the tree: {err}"),
                    ));
                    continue;
                }
            };
            if e.depth() == 0 {
                continue;
            }
            let Ok(relp) = e.path().strip_prefix(root) else {
                continue;
            };
            let rel = rel_string(relp);
            let Some(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                dirs.insert(rel);
                continue;
            }
            let Some(kind) =
                classify(e.path(), ft, &canon_root).map(|k| bad_name(relp).unwrap_or(k))
            else {
                if ft.is_symlink() {
                    // Its files are walked where they really live.
                    dirs.insert(rel);
                }
                continue;
            };
            entries.push(Entry::new(rel, kind));
        }
        // GitHub runs every workflow file whatever `.gitignore` says, so a
        // committed `.gitignore` must not hide one from the gate.
        let wf_dir = root.join(".github/workflows");
        let real_dir = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
        // The walk reads `.gitignore` files only (no global or `.git/info`
        // excludes, none above the root), so with none on the way to the
        // workflow folder it hid nothing there, and the folder is not read
        // a second time.
        let may_hide = ["", ".github/", ".github/workflows/"]
            .iter()
            .any(|dir| std::fs::symlink_metadata(root.join(format!("{dir}.gitignore"))).is_ok());
        if may_hide && real_dir(&root.join(".github")) && real_dir(&wf_dir) {
            // Only the workflow folder's own entries, borrowed: copying every
            // path of a 100,000-file tree into a second set cost more than
            // the read_dir.
            let seen: std::collections::HashSet<&str, foldhash::fast::RandomState> = entries
                .iter()
                .filter(|e| e.rel.starts_with(".github/workflows/"))
                .map(|e| e.rel.as_str())
                .collect();
            let mut hidden = Vec::new();
            for item in std::fs::read_dir(&wf_dir).into_iter().flatten().flatten() {
                let rel = format!(".github/workflows/{}", name_string(&item.file_name()));
                let is_yaml = rel.ends_with(".yml") || rel.ends_with(".yaml");
                let Ok(ft) = item.file_type() else { continue };
                if !is_yaml || seen.contains(rel.as_str()) {
                    continue;
                }
                if let Some(kind) = classify(&item.path(), ft, &canon_root) {
                    let kind = bad_name(Path::new(&item.file_name())).unwrap_or(kind);
                    hidden.push(Entry::new(rel, kind));
                }
            }
            if !hidden.is_empty() {
                dirs.insert(".github".into());
                dirs.insert(".github/workflows".into());
                entries.append(&mut hidden);
            }
        }
        keep_escaped_names_apart(&mut entries);
        entries.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
        entries.shrink_to_fit();
        use std::hash::BuildHasher;
        let hasher = foldhash::fast::RandomState::default();
        let mut index = HashMap::with_capacity_and_hasher(entries.len(), Default::default());
        for (i, e) in entries.iter().enumerate() {
            index.entry(hasher.hash_one(e.rel.as_str())).or_insert(i);
        }
        let workflow_dir_link = [".github", ".github/workflows"]
            .into_iter()
            .find(|rel| {
                std::fs::symlink_metadata(root.join(rel)).is_ok_and(|m| m.file_type().is_symlink())
            })
            .map(workflow_dir_link);
        let any_bad_link = entries.iter().any(|e| matches!(e.kind, Kind::BadLink(_)));
        let root_dir = beneath::RootDir::hold(&canon_root);
        Ok(Tree {
            root: root.to_path_buf(),
            canon_root,
            any_bad_link,
            entries,
            index,
            hasher,
            dirs,
            walk_problems,
            workflow_dir_link,
            root_dir,
            wholes: Default::default(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every file path, sorted, relative and `/`-separated.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.rel.as_str())
    }

    /// Every folder the walk found (not the root), in no order.
    pub fn dirs(&self) -> impl Iterator<Item = &str> {
        self.dirs.iter().map(|d| d.as_str())
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.find(rel).is_some()
    }

    /// How many files the tree holds (the length of [`Tree::paths`]).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where `rel` is in [`Tree::paths`]: a small key for a file, for
    /// tables indexed by path.
    pub fn position(&self, rel: &str) -> Option<usize> {
        use std::hash::BuildHasher;
        let i = *self.index.get(&self.hasher.hash_one(rel))?;
        if self.entries[i].rel == rel {
            return Some(i);
        }
        self.entries
            .binary_search_by(|e| e.rel.as_str().cmp(rel))
            .ok()
    }

    /// The path at `position` in [`Tree::paths`].
    pub fn path_at(&self, position: usize) -> Option<&str> {
        self.entries.get(position).map(|e| e.rel.as_str())
    }

    /// The entry of `rel`.
    fn find(&self, rel: &str) -> Option<&Entry> {
        self.position(rel).map(|i| &self.entries[i])
    }

    /// Where an entry is on disk: the root joined with its path (only
    /// UTF-8 paths are ever read, so the `/`-separated path is exact).
    fn abs(&self, e: &Entry) -> PathBuf {
        self.root.join(&e.rel)
    }

    pub fn is_dir(&self, rel: &str) -> bool {
        self.dirs.contains(rel.trim_end_matches('/'))
    }

    /// Whether `rel` names a file or directory in the tree.
    pub fn has_path(&self, rel: &str) -> bool {
        let rel = rel.trim_end_matches('/');
        rel.is_empty() || self.exists(rel) || self.is_dir(rel)
    }

    /// Whether some file lies under folder `dir`: a binary search of the
    /// sorted paths, so asking it per link costs no scan of the tree.
    pub fn has_files_under(&self, dir: &str) -> bool {
        let under = format!("{}/", dir.trim_end_matches('/'));
        let i = self
            .entries
            .partition_point(|e| e.rel.as_str() < under.as_str());
        self.entries
            .get(i)
            .is_some_and(|e| e.rel.starts_with(&under))
    }

    /// Whether any path is a symlink that is never read.
    pub fn has_bad_links(&self) -> bool {
        self.any_bad_link
    }

    /// Whether `rel` is a symlink to a file inside the root (read through
    /// it like a file; the file it points at is in the tree under its own path).
    pub fn is_link(&self, rel: &str) -> bool {
        self.find(rel).is_some_and(|e| matches!(e.kind, Kind::Link))
    }

    /// Why a path is a symlink that is never read, if it is one.
    pub fn bad_link(&self, rel: &str) -> Option<&str> {
        if !self.any_bad_link {
            return None;
        }
        match &self.find(rel)?.kind {
            Kind::BadLink(why) => Some(why),
            Kind::File | Kind::Link => None,
        }
    }

    /// Every symlink that is never read (it leaves the root, dangles or
    /// loops), with why; sorted by path.
    pub fn bad_links(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().filter_map(|e| match &e.kind {
            Kind::BadLink(why) => Some((e.rel.as_str(), why.as_str())),
            Kind::File | Kind::Link => None,
        })
    }

    /// Paths matching any of the globs (`**` crosses directories).
    pub fn glob(&self, patterns: &[String]) -> Result<Vec<&str>, globset::Error> {
        let set = build_globset(patterns)?;
        Ok(self.paths().filter(|p| set.is_match(p)).collect())
    }

    /// The workflow files GitHub runs: `.github/workflows/*.yml|yaml`.
    /// The globs of `globs` that match no file (a bad glob is the caller's
    /// to report, not counted here): a policy glob that selects nothing.
    pub fn unmatched_globs<'g>(&self, globs: &'g [String]) -> Vec<&'g String> {
        globs
            .iter()
            .filter(|g| {
                self.glob(std::slice::from_ref(*g))
                    .is_ok_and(|hits| hits.is_empty())
            })
            .collect()
    }

    pub fn workflow_paths(&self) -> Vec<&str> {
        self.paths()
            .filter(|p| {
                p.strip_prefix(".github/workflows/").is_some_and(|name| {
                    !name.contains('/') && (name.ends_with(".yml") || name.ends_with(".yaml"))
                })
            })
            .collect()
    }

    fn entry(&self, rel: &str) -> Result<&Entry, FileError> {
        self.find(rel)
            .ok_or_else(|| FileError::at_file(rel, "no such file"))
    }

    /// The file's text, read once. Invalid UTF-8, binary content, oversize
    /// files and symlinks out of the root are errors with a line.
    pub fn text(&self, rel: &str) -> Result<Arc<TextFile>, FileError> {
        let e = self.entry(rel)?;
        e.cache().text.get_or_init(|| self.read_text(e))
    }

    fn read_text(&self, e: &Entry) -> Result<Arc<TextFile>, FileError> {
        use std::io::Read;
        if let Kind::BadLink(why) = &e.kind {
            return Err(FileError::at_file(&e.rel, why.clone()));
        }
        let cannot =
            |err: std::io::Error| FileError::at_file(&e.rel, format!("cannot read: {err}"));
        let leaves =
            || FileError::at_file(&e.rel, "a symlink that leaves the root; it is not read");
        let not_regular = || FileError::at_file(&e.rel, "not a regular file; it is not read");
        // Re-check containment at read time: the tree may have changed since
        // the walk. What the walk found as a plain file is opened without
        // following a symlink in its place and without blocking on a FIFO
        // swapped in (no lstat first); then the file actually opened is
        // checked (one readlink of /proc/self/fd on Linux, instead of
        // resolving every component of its path) and its fstat below keeps
        // anything but a regular file unread. Anything else (an in-root
        // symlink, an open that failed, or no /proc) is resolved before it is
        // opened, as it always was. A FIFO or device would block or never
        // end, so only regular files are read.
        let abs = self.abs(e);
        // Cheapest first: beneath the held root with no symlink anywhere on
        // the path, which the kernel enforces, so nothing is left to check.
        let beneath = match (&e.kind, &self.root_dir) {
            (Kind::File, Some(dir)) => dir.open(&e.rel),
            _ => None,
        };
        let opened = match (&beneath, &e.kind) {
            (None, Kind::File) => open_no_follow(&abs),
            _ => None,
        };
        let file = match (beneath, opened) {
            (Some(file), _) => file,
            (None, opened) => match opened {
                Some(file) => match opened_path(&file) {
                    Some(real) if real.starts_with(&self.canon_root) => file,
                    Some(_) => return Err(leaves()),
                    None => {
                        let real = std::fs::canonicalize(&abs).map_err(cannot)?;
                        if !real.starts_with(&self.canon_root) {
                            return Err(leaves());
                        }
                        file
                    }
                },
                None => {
                    let real = std::fs::canonicalize(&abs).map_err(cannot)?;
                    if !real.starts_with(&self.canon_root) {
                        return Err(leaves());
                    }
                    if !std::fs::metadata(&real).map_err(cannot)?.is_file() {
                        return Err(not_regular());
                    }
                    std::fs::File::open(&real).map_err(cannot)?
                }
            },
        };
        let meta = file.metadata().map_err(cannot)?;
        if !meta.is_file() {
            return Err(not_regular());
        }
        let too_large = |len: u64| {
            FileError::at_file(
                &e.rel,
                format!("{len} bytes is larger than shipgate reads ({MAX_FILE_BYTES})"),
            )
        };
        if meta.len() > MAX_FILE_BYTES {
            return Err(too_large(meta.len()));
        }
        // Read at most one byte past the limit: the file may grow meanwhile.
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(too_large(bytes.len() as u64));
        }
        decode(&e.rel, bytes).map(Arc::new)
    }

    /// What a layer above derives from the whole tree (say, where the
    /// workflows put release-please's files), made once by `make` and kept
    /// for the run: one value per type. Threads that ask while it is being
    /// made wait for it rather than make it again (several checks start by
    /// asking, and a whole-tree value is a pass over many files). `make`
    /// runs with no lock of the tree held, so it may ask the tree anything
    /// but the same type's value.
    pub fn whole<T: std::any::Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        let key = std::any::TypeId::of::<T>();
        let cell = self
            .wholes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(key)
            .or_insert_with(|| Arc::new(OnceLock::<Arc<T>>::new()))
            .clone();
        // The cell under T's type id is always a cell of T.
        match cell.downcast::<OnceLock<Arc<T>>>() {
            Ok(cell) => cell.get_or_init(|| Arc::new(make())).clone(),
            Err(_) => Arc::new(make()),
        }
    }

    /// What a layer above makes of the file at `rel` (the workflow module's
    /// parse), made once by `make` and kept until forgotten. The slot's lock
    /// is held while `make` runs, so `make` must not ask for the same file's
    /// derived value again.
    pub fn derived<T: std::any::Any + Send + Sync>(
        &self,
        rel: &str,
        make: impl FnOnce() -> Result<T, FileError>,
    ) -> Result<Arc<T>, FileError> {
        let e = self.entry(rel)?;
        let any = e
            .cache()
            .derived
            .get_or_init(|| make().map(|v| Arc::new(v) as Arc<Derived>))?;
        any.downcast::<T>().map_err(|_| {
            FileError::at_file(
                rel,
                "internal error: the file was read as two different things",
            )
        })
    }

    /// [`Tree::derived`] for a one-pass reader: the cached value if another
    /// reader kept one, else made by `make` and not kept.
    pub fn derived_unkept<T: std::any::Any + Send + Sync>(
        &self,
        rel: &str,
        make: impl FnOnce() -> Result<T, FileError>,
    ) -> Result<Arc<T>, FileError> {
        let e = self.entry(rel)?;
        let any = match e.cached().and_then(|c| c.derived.get()) {
            Some(cached) => cached?,
            None => return make().map(Arc::new),
        };
        any.downcast::<T>().map_err(|_| {
            FileError::at_file(
                rel,
                "internal error: the file was read as two different things",
            )
        })
    }

    /// Drops every parsed workflow and the text of every workflow file, once
    /// no check will read them again: they are most of what a run holds, and
    /// only findings need to outlive the checks. Asking again reads again.
    pub fn forget_workflows(&self) {
        for p in self.workflow_paths() {
            if let Some(c) = self.find(p).and_then(Entry::cached) {
                c.derived.forget();
                c.text.forget();
            }
        }
    }

    /// A TOML file as a spanned tree, parsed once.
    pub fn toml(&self, rel: &str) -> Result<Arc<DataFile>, FileError> {
        self.data(rel, "TOML", formats::parse_toml)
    }

    /// A JSON file as a spanned tree, parsed once.
    pub fn json(&self, rel: &str) -> Result<Arc<DataFile>, FileError> {
        self.data(rel, "JSON", formats::parse_json)
    }

    fn data(
        &self,
        rel: &str,
        what: &str,
        parse: fn(&str) -> Result<Node, SyntaxError>,
    ) -> Result<Arc<DataFile>, FileError> {
        let e = self.entry(rel)?;
        e.cache().data.get_or_init(|| {
            let tf = self.text(rel)?;
            if tf.text.len() > MAX_PARSE_BYTES {
                return Err(FileError::at_file(
                    rel,
                    format!("too large to parse as {what}"),
                ));
            }
            match parse(&tf.text) {
                Ok(root) => Ok(Arc::new(DataFile {
                    path: rel.to_string(),
                    file: tf,
                    root,
                })),
                Err(err) => Err(FileError {
                    location: tf.location(rel, err.offset),
                    message: format!("invalid {what}: {}", err.message),
                    help: None,
                }),
            }
        })
    }

    /// A Markdown file's headings, links and code spans, parsed once.
    pub fn markdown(&self, rel: &str) -> Result<Arc<markdown::MarkdownDoc>, FileError> {
        let e = self.entry(rel)?;
        e.cache()
            .markdown
            .get_or_init(|| parse_markdown(rel, self.text(rel)?))
    }

    /// The text for a one-pass reader (the shared document pass): the cached
    /// copy when a check already read it, else read now and not kept, so a
    /// pass over thousands of files holds only those it is working on.
    pub fn text_unkept(&self, rel: &str) -> Result<Arc<TextFile>, FileError> {
        let e = self.entry(rel)?;
        match e.cached().and_then(|c| c.text.get()) {
            Some(cached) => cached,
            None => self.read_text(e),
        }
    }

    /// [`Tree::text_unkept`] for the one reader that is the last to need
    /// the text (the workflows pass, which parses each workflow once): a
    /// copy an earlier whole-tree reader kept is taken out of the cache, so
    /// the file is read once and its text is not held to the end.
    pub fn text_taken(&self, rel: &str) -> Result<Arc<TextFile>, FileError> {
        let e = self.entry(rel)?;
        match e.cached().and_then(|c| c.text.take()) {
            Some(cached) => cached,
            None => self.read_text(e),
        }
    }

    /// [`Tree::markdown`] for a one-pass reader: parsed from `file` (which
    /// [`Tree::text_unkept`] gave) unless already cached, and not kept.
    pub fn markdown_unkept(
        &self,
        rel: &str,
        file: Arc<TextFile>,
    ) -> Result<Arc<markdown::MarkdownDoc>, FileError> {
        let e = self.entry(rel)?;
        match e.cached().and_then(|c| c.markdown.get()) {
            Some(cached) => cached,
            None => parse_markdown(rel, file),
        }
    }

    /// The workflows that call `rel` as a local reusable workflow
    /// (`uses: ./.github/workflows/x.yml` at job level), read from their
    /// text once for the whole tree; each caller still has to be parsed to
    /// be sure.
    pub fn workflow_callers(&self, rel: &str) -> Vec<String> {
        /// Workflow path → the workflows whose text calls it.
        struct Callers(HashMap<String, Vec<String>>);
        let map = self.whole(|| {
            let paths: Vec<&str> = self.workflow_paths();
            // Read on every core: with many workflows this is a whole pass
            // over their texts, and every other reader waits for it.
            let called = par_map(&paths, |p| match self.text_unkept(p) {
                Ok(tf) => local_workflow_calls(&tf.text),
                Err(_) => Vec::new(),
            });
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            for (p, callees) in paths.iter().zip(called) {
                for callee in callees {
                    let list = map.entry(callee).or_default();
                    if list.last().map(String::as_str) != Some(*p) {
                        list.push(p.to_string());
                    }
                }
            }
            Callers(map)
        });
        map.0.get(rel).cloned().unwrap_or_default()
    }

    /// Whether a path (relative to the root, may be `..`-laden) stays inside it.
    pub fn canon_root(&self) -> &Path {
        &self.canon_root
    }
}

/// The `.github/workflows/…` paths a workflow's text names after `uses:`,
/// in order, each once per run of equal names.
fn local_workflow_calls(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some(k) = text[from..].find(".github/workflows/") {
        let start = from + k;
        from = start + 1;
        let before = text[..start].trim_end_matches(['.', '/', '$']);
        if !before.trim_end_matches(['"', '\'', ' ']).ends_with("uses:") {
            continue;
        }
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '@')
            .map_or(text.len(), |e| start + e);
        out.push(text[start..end].to_string());
    }
    out
}

fn parse_markdown(rel: &str, tf: Arc<TextFile>) -> Result<Arc<markdown::MarkdownDoc>, FileError> {
    // Parsed Markdown takes ~25 bytes of memory per byte of text (30 MB of
    // links: 700 MB), so it shares the structured limit.
    if tf.text.len() > MAX_PARSE_BYTES {
        return Err(FileError::at_file(
            rel,
            format!("too large to parse as Markdown (over {MAX_PARSE_BYTES} bytes)"),
        ));
    }
    Ok(Arc::new(markdown::MarkdownDoc::parse(rel, tf)))
}

/// `f` over `items` on every core, results in the order of `items`. Checks
/// use it for per-file work (parsing through the cache included), so one
/// long check does not leave the other cores idle.
pub fn par_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = cores().unwrap_or(1).min(items.len() / 16 + 1);
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    const CHUNK: usize = 8;
    let mut parts: Vec<(usize, Vec<U>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let start = next.fetch_add(CHUNK, std::sync::atomic::Ordering::Relaxed);
                        if start >= items.len() {
                            break;
                        }
                        let end = (start + CHUNK).min(items.len());
                        mine.push((start, items[start..end].iter().map(&f).collect()));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    parts.sort_by_key(|(start, _)| *start);
    parts.into_iter().flat_map(|(_, v)| v).collect()
}

/// The cores this process may use, asked of the OS once per run: each ask
/// reads the cgroup files (seven reads on Linux), and every pool asks.
pub fn cores() -> Option<usize> {
    static CORES: OnceLock<Option<usize>> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().ok().map(|n| n.get()))
}

/// The hasher of [`Tree`]'s path index, whose keys are already hashes of
/// the paths (by the tree's seeded hasher): the key is its own hash, not
/// hashed a second time on every lookup.
#[derive(Default)]
pub struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed; anything else is folded in plainly.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Opens a path for reading without following a symlink at its last
/// component and without blocking (a FIFO put in a file's place), or None
/// when that fails for any reason: the caller then takes the resolving path,
/// which reports the error as before.
fn open_no_follow(path: &Path) -> Option<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(path)
            .ok()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The real path of an open file, where the OS says it cheaply (Linux).
fn opened_path(file: &std::fs::File) -> Option<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
        None
    }
}

/// Build a glob set where `*` does not cross `/` and `**` does.
pub fn build_globset(patterns: &[String]) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(
            globset::GlobBuilder::new(p.trim_start_matches("./"))
                .literal_separator(true)
                .build()?,
        );
    }
    b.build()
}

/// Validates one glob, for the policy loader.
pub fn check_glob(pattern: &str) -> Result<(), globset::Error> {
    Glob::new(pattern).map(|_| ())
}

fn rel_string(p: &Path) -> String {
    let parts: Vec<String> = p.components().map(|c| name_string(c.as_os_str())).collect();
    parts.join("/")
}

/// A file name as text. A name that is not UTF-8 keeps every byte: each
/// invalid one is written `\xNN`, so two names that differ only there stay
/// two paths (U+FFFD would make them one, and one file would go unjudged).
fn name_string(name: &std::ffi::OsStr) -> String {
    if let Some(s) = name.to_str() {
        return s.to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        let mut rest = name.as_bytes();
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    out.push_str(s);
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    out.push_str(std::str::from_utf8(good).unwrap_or_default());
                    let n = e.error_len().unwrap_or(bad.len()).max(1);
                    for b in &bad[..n] {
                        out.push_str(&format!("\\x{b:02X}"));
                    }
                    rest = &bad[n..];
                }
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

/// Why a path whose name is not UTF-8 is never read.
const NOT_UTF8: &str = "a path whose name is not UTF-8 (shown with `\\xNN` for each invalid \
                        byte); it is not read, so rename it";

/// Why a path is never read because of its name, if it is.
fn bad_name(p: &Path) -> Option<Kind> {
    p.to_str().is_none().then(|| Kind::BadLink(NOT_UTF8.into()))
}

/// A UTF-8 name can be spelt exactly as a name that is not UTF-8 is shown
/// (`r\xFF.yml` with a backslash): the shown one then gets a marker before
/// its extension until it is unique, so two files never share one path (one
/// would go unjudged, and the passes that index paths would disagree).
fn keep_escaped_names_apart(entries: &mut [Entry]) {
    let escaped = |e: &Entry| matches!(&e.kind, Kind::BadLink(m) if m == NOT_UTF8);
    if !entries.iter().any(escaped) {
        return;
    }
    let mut taken: std::collections::HashSet<String> = entries
        .iter()
        .filter(|e| !escaped(e))
        .map(|e| e.rel.clone())
        .collect();
    for e in entries.iter_mut().filter(|e| escaped(e)) {
        while !taken.insert(e.rel.clone()) {
            // Before the extension, so a workflow is still a `.yml` file and
            // still judged (and blocked) as one.
            let name_at = e.rel.rfind('/').map_or(0, |i| i + 1);
            let at = match e.rel[name_at..].rfind('.') {
                Some(dot) if dot > 0 => name_at + dot,
                _ => e.rel.len(),
            };
            e.rel.insert_str(at, " (not UTF-8)");
        }
    }
}

fn decode(rel: &str, bytes: Vec<u8>) -> Result<TextFile, FileError> {
    // `contains` on bytes is a vectorised search; the position is found
    // only for the rare binary file.
    let head = &bytes[..bytes.len().min(8192)];
    if let Some(nul) = head
        .contains(&0)
        .then(|| head.iter().position(|b| *b == 0))
        .flatten()
    {
        // LF, CRLF and a lone CR each end a line.
        let before = &bytes[..nul];
        let line = before
            .iter()
            .enumerate()
            .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && before.get(i + 1) != Some(&b'\n')))
            .count()
            + 1;
        return Err(FileError {
            location: Location::new(rel, line, 1),
            message: "binary content (a NUL byte) where text was expected".into(),
            help: None,
        });
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.replace_range(..3, "");
            }
            Ok(TextFile::new(s))
        }
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.as_bytes();
            let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
            let col = bytes[..valid]
                .iter()
                .rev()
                .take_while(|b| **b != b'\n')
                .count()
                + 1;
            Err(FileError {
                location: Location::new(rel, line, col),
                message: "invalid UTF-8".into(),
                help: None,
            })
        }
    }
}

/// A tree written from `(path, text)` pairs, for unit tests.
#[cfg(test)]
pub(crate) fn test_tree(files: &[(&str, &str)]) -> (tempfile::TempDir, Tree) {
    let d = tempfile::tempdir().expect("tempdir");
    for (p, t) in files {
        let abs = d.path().join(p);
        std::fs::create_dir_all(abs.parent().expect("parent")).expect("mkdir");
        std::fs::write(abs, t).expect("write");
    }
    let t = Tree::discover(d.path()).expect("discover");
    (d, t)
}

#[cfg(test)]
mod tests {
    use super::Tree;

    #[test]
    fn an_entry_keeps_its_cache_out_of_line() {
        // Every file of the tree has an entry: its path, its kind and one
        // pointer for whatever is kept of it.
        assert!(std::mem::size_of::<super::Entry>() <= 64);
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("a.md"), "# A\n").unwrap();
        std::fs::write(t.path().join("b.md"), "# B\n").unwrap();
        let tree = Tree::discover(t.path()).unwrap();
        // Read for a one-pass reader: nothing kept.
        assert_eq!(&*tree.text_unkept("a.md").unwrap().text, "# A\n");
        assert!(tree.find("a.md").unwrap().cached().is_none());
        // Read to keep: kept, and found again by a one-pass reader.
        let kept = tree.text("b.md").unwrap();
        let again = tree.text_unkept("b.md").unwrap();
        assert!(std::sync::Arc::ptr_eq(&kept, &again));
        // Taken by the last reader: gone from the cache.
        let taken = tree.text_taken("b.md").unwrap();
        assert!(std::sync::Arc::ptr_eq(&kept, &taken));
        let cache = tree.find("b.md").unwrap().cached().unwrap();
        assert!(cache.text.get().is_none());
    }

    #[test]
    fn files_under_a_folder_are_found_by_prefix() {
        let t = tempfile::tempdir().unwrap();
        for p in ["a-b/x.md", "a/b/c.md", "ab.md", "empty/.keep"] {
            let path = t.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        std::fs::create_dir_all(t.path().join("none")).unwrap();
        let tree = Tree::discover(t.path()).unwrap();
        assert!(tree.has_files_under("a"));
        assert!(tree.has_files_under("a/b"));
        assert!(tree.has_files_under("a/"));
        assert!(!tree.has_files_under("a/b/c.md"));
        assert!(!tree.has_files_under("none"));
        assert!(!tree.has_files_under("ab"));
        assert!(tree.has_files_under("empty"));
    }
}
