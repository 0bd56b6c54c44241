//! Opening a tree's files beneath its root in one system call.
//!
//! The walk found each file as a plain file inside the root, but the tree
//! can change before it is read: a directory on the way may have become a
//! symlink out of the root. On Linux 5.6 and later, `openat2` opens a path
//! relative to the root directory and refuses, in the kernel, any symlink on
//! the way (`RESOLVE_NO_SYMLINKS`) and any escape from the root
//! (`RESOLVE_BENEATH`): a file opened that way is inside the root, so no
//! further check (a readlink of `/proc/self/fd`, a canonicalize) is needed.
//! Where the call is refused for any reason (an older kernel, a seccomp
//! filter, an in-root symlink on the path), [`RootDir::open`] returns `None`
//! and the caller takes the slower path that resolves and checks.

use std::fs::File;
use std::path::Path;

/// The root directory, held open for the run.
pub struct RootDir {
    #[cfg(target_os = "linux")]
    dir: File,
}

impl RootDir {
    /// Opens `canon_root`, or `None` where opening beneath it is not
    /// available (not Linux, or the kernel lacks `openat2`).
    pub fn hold(canon_root: &Path) -> Option<RootDir> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::OpenOptionsExt;
            let dir = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC)
                .open(canon_root)
                .ok()?;
            let root = RootDir { dir };
            // One probe: the root itself, beneath itself. A kernel without
            // the call says ENOSYS, a filter EPERM; either way, never again.
            let probe = root.open_raw(".", libc::O_DIRECTORY);
            probe.map(|_| root)
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = canon_root;
            None
        }
    }

    /// Opens `rel` (relative, `/`-separated) for reading beneath the root:
    /// no symlink anywhere on the way, no `..` out, no blocking on a FIFO,
    /// no controlling terminal. `None` when the kernel refuses.
    pub fn open(&self, rel: &str) -> Option<File> {
        #[cfg(target_os = "linux")]
        {
            self.open_raw(rel, libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = rel;
            None
        }
    }

    #[cfg(target_os = "linux")]
    fn open_raw(&self, rel: &str, extra: libc::c_int) -> Option<File> {
        use std::os::fd::{AsRawFd, FromRawFd};
        /// `struct open_how` of linux/openat2.h.
        #[repr(C)]
        struct OpenHow {
            flags: u64,
            mode: u64,
            resolve: u64,
        }
        let path = std::ffi::CString::new(rel).ok()?;
        let how = OpenHow {
            flags: (libc::O_RDONLY | libc::O_CLOEXEC | extra) as u64,
            mode: 0,
            resolve: libc::RESOLVE_BENEATH
                | libc::RESOLVE_NO_SYMLINKS
                | libc::RESOLVE_NO_MAGICLINKS,
        };
        // SAFETY: the directory descriptor is open for as long as `self`;
        // `path` is a NUL-terminated string that outlives the call; `how`
        // is a properly laid out `struct open_how` and its size is passed
        // with it, as openat2(2) requires.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                self.dir.as_raw_fd(),
                path.as_ptr(),
                &how as *const OpenHow,
                std::mem::size_of::<OpenHow>(),
            )
        };
        if fd < 0 {
            return None;
        }
        // SAFETY: the call returned a new descriptor that nothing else owns.
        Some(unsafe { File::from_raw_fd(fd as libc::c_int) })
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn opens_plain_files_and_refuses_every_symlink_and_escape() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/f.txt"), "in").unwrap();
        std::fs::write(dir.path().join("outside.txt"), "out").unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        std::os::unix::fs::symlink("a", root.join("inside")).unwrap();
        std::os::unix::fs::symlink("f.txt", root.join("a/link.txt")).unwrap();
        let canon = std::fs::canonicalize(&root).unwrap();
        let Some(rd) = RootDir::hold(&canon) else {
            // A kernel without openat2: the tree takes its checked path.
            return;
        };
        let mut s = String::new();
        use std::io::Read;
        rd.open("a/f.txt").unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "in");
        assert!(
            rd.open("up/outside.txt").is_none(),
            "symlink out of the root"
        );
        assert!(
            rd.open("inside/f.txt").is_none(),
            "in-root directory symlink"
        );
        assert!(
            rd.open("a/link.txt").is_none(),
            "symlink at the last component"
        );
        assert!(rd.open("../outside.txt").is_none(), "`..` out of the root");
        assert!(rd.open("/etc/passwd").is_none(), "absolute path");
        assert!(rd.open("a/missing").is_none());
        assert!(rd.open("a\0b").is_none());
    }
}
