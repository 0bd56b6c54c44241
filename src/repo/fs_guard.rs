//! The few files shipgate writes or reads outside the tree walk, opened so
//! that a planted symlink, FIFO or device cannot redirect them (SPEC §5):
//! - writing (`init`'s shipgate.toml, `check --output`) never follows a
//!   symlink at the final component: the open itself refuses (`O_NOFOLLOW`,
//!   or `O_EXCL` for a new file), so there is no window between a check and
//!   the write;
//! - reading a policy accepts only a regular file, opened without blocking
//!   (a FIFO would wait for a writer forever) and read up to a cap.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;

/// Why a file was not opened, worded for the user.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How to create the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// Only a new file: anything already there (a dangling symlink too) is refused.
    New,
    /// A new file, or truncate an existing one that is not a symlink.
    Replace,
}

pub fn symlink_refusal(path: &Path) -> Option<Refused> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    meta.file_type().is_symlink().then(|| {
        Refused(format!(
            "{} is a symlink; shipgate never writes through a symlink, since a tree \
             could point it anywhere. Remove the link or write to another path",
            path.display()
        ))
    })
}

/// The first symlink on the way to `path` that lives inside `root`, the
/// tree under review: a directory there that is a link could send a write
/// anywhere (`reports -> /home/runner`). Links above the root (a system's
/// `/tmp -> /private/tmp`) are the user's own and left alone; the last
/// component is refused by the open itself ([`create`]).
pub fn symlink_in_tree(root: &Path, path: &Path) -> Option<Refused> {
    let root = std::fs::canonicalize(root).ok()?;
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let parts: Vec<_> = abs.components().collect();
    let mut at = std::path::PathBuf::new();
    for part in &parts[..parts.len().saturating_sub(1)] {
        at.push(part);
        // Missing: the open fails and says so.
        let meta = std::fs::symlink_metadata(&at).ok()?;
        if !meta.file_type().is_symlink() {
            continue;
        }
        let home = at.parent().and_then(|p| std::fs::canonicalize(p).ok());
        if home.is_some_and(|h| h.starts_with(&root)) {
            return symlink_refusal(&at);
        }
    }
    None
}

/// [`write`], refusing first a directory on the way that is a symlink inside
/// `root` ([`symlink_in_tree`]): for the files a user names that may lie in
/// the tree under review (`check --output`, `baseline --output`).
pub fn write_near_tree(root: &Path, path: &Path, how: Create, bytes: &[u8]) -> Result<(), String> {
    match symlink_in_tree(root, path) {
        Some(refused) => Err(refused.to_string()),
        None => write(path, how, bytes),
    }
}

/// Writes `bytes` to `path` through [`create`] (never through a symlink);
/// the error says what was refused or failed, with the path.
pub fn write(path: &Path, how: Create, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    create(path, how)
        .map_err(|e| e.to_string())
        .and_then(|mut f| {
            f.write_all(bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        })
}

/// Opens `path` for writing without following a symlink at its last component.
pub fn create(path: &Path, how: Create) -> Result<File, Refused> {
    let mut opts = OpenOptions::new();
    opts.write(true);
    match how {
        Create::New => {
            // O_CREAT|O_EXCL fails on any existing entry, a dangling symlink included.
            opts.create_new(true);
        }
        Create::Replace => {
            opts.create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.custom_flags(libc::O_NOFOLLOW);
            }
            #[cfg(not(unix))]
            if let Some(r) = symlink_refusal(path) {
                return Err(r);
            }
        }
    }
    opts.open(path).map_err(|e| {
        if let Some(r) = symlink_refusal(path) {
            return r;
        }
        match (how, e.kind()) {
            (Create::New, std::io::ErrorKind::AlreadyExists) => {
                Refused(format!("{} already exists", path.display()))
            }
            _ => Refused(format!("cannot write {}: {e}", path.display())),
        }
    })
}

/// Reads a regular file of at most `cap` bytes. A directory, FIFO, socket or
/// device is refused by what it is, before anything is read from it.
pub fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, Refused> {
    read_capped(path, cap, true)
}

fn read_capped(path: &Path, cap: u64, follow: bool) -> Result<Vec<u8>, Refused> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading waits for a writer unless non-blocking.
        let no_follow = if follow { 0 } else { libc::O_NOFOLLOW };
        opts.custom_flags(libc::O_NONBLOCK | no_follow);
    }
    #[cfg(not(unix))]
    if !follow && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Refused(format!("{} is a symlink", path.display())));
    }
    let file = opts
        .open(path)
        .map_err(|e| Refused(format!("cannot read {}: {e}", path.display())))?;
    let meta = file
        .metadata()
        .map_err(|e| Refused(format!("cannot read {}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(Refused(format!(
            "{} is {}, not a regular file",
            path.display(),
            kind(&meta)
        )));
    }
    if meta.len() > cap {
        return Err(Refused(format!(
            "{} is larger than {cap} bytes",
            path.display()
        )));
    }
    let mut bytes = Vec::new();
    // The size can change between the stat and the read: the cap holds anyway.
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Refused(format!("cannot read {}: {e}", path.display())))?;
    if bytes.len() as u64 > cap {
        return Err(Refused(format!(
            "{} is larger than {cap} bytes",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Like [`read_regular`], and a symlink at the last component is refused
/// rather than followed: the open itself refuses it (`O_NOFOLLOW`), so there
/// is no window between a check and the read. For files a tree names for
/// itself, such as its baseline.
pub fn read_regular_no_follow(path: &Path, cap: u64) -> Result<Vec<u8>, Refused> {
    read_capped(path, cap, false).map_err(|e| {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            Refused(format!(
                "{} is a symlink; shipgate does not read it through a symlink",
                path.display()
            ))
        } else {
            e
        }
    })
}

/// What a non-regular file is, in words.
pub fn kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    if t.is_symlink() {
        return "a symlink";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    "not a regular file"
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn never_writes_through_a_symlink() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("target");
        std::fs::write(&target, "keep").unwrap();
        let link = d.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for how in [Create::New, Create::Replace] {
            let e = create(&link, how).unwrap_err();
            assert!(e.0.contains("is a symlink"), "{e}");
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        let dangling = d.path().join("dangling");
        std::os::unix::fs::symlink(d.path().join("nowhere"), &dangling).unwrap();
        for how in [Create::New, Create::Replace] {
            assert!(create(&dangling, how).is_err());
        }
        assert!(!d.path().join("nowhere").exists());
        let plain = d.path().join("plain");
        create(&plain, Create::New).unwrap();
        assert!(create(&plain, Create::New).is_err());
        create(&plain, Create::Replace).unwrap();
    }

    #[test]
    fn reads_only_regular_files_up_to_a_cap() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("f");
        std::fs::write(&f, "12345").unwrap();
        assert_eq!(read_regular(&f, 5).unwrap(), b"12345");
        assert!(read_regular(&f, 4).unwrap_err().0.contains("larger"));
        assert!(
            read_regular(d.path(), 10)
                .unwrap_err()
                .0
                .contains("a directory")
        );
        assert!(
            read_regular(Path::new("/dev/zero"), 10)
                .unwrap_err()
                .0
                .contains("a device")
        );
    }
}
