//! The allocator, and handing freed memory back to the OS between the
//! phases of a run.
//!
//! shipgate allocates many small, short-lived values from every core (a
//! parsed workflow is thousands of strings and vectors). mimalloc serves
//! those from per-thread free lists; glibc's allocator, measured on the same
//! runs, spent a quarter to a third of the CPU of 100,000 small workflows in
//! `malloc`, `free`, arena growth and consolidation, and kept each thread's
//! freed memory in that thread's arena, so peak RSS became the sum of the
//! phases (a `malloc_trim` between them was needed). mimalloc's one
//! setting that matters here is how long it waits before returning freed
//! pages to the OS: by default a second, longer than a small tree's whole
//! run, which doubled that run's peak RSS; shipgate asks it to return them
//! at once ([`configure`]).
//!
//! `docs/performance.md` has the measurements.

/// The allocator every allocation of the binary goes through.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option numbers, from its `mimalloc.h` (the `mi_option_t`
/// enumeration; libmimalloc-sys builds v3 unless asked for v2, and both
/// number it 15): the delay in milliseconds before freed pages are purged
/// (returned to the OS).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

// The two entry points used here are exported by the mimalloc library the
// `mimalloc` crate links; libmimalloc-sys declares them only behind a
// feature whose dependency is not available here, so they are declared
// with the signatures of `mimalloc.h`.
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
    fn mi_collect(force: bool);
}

/// Sets the allocator up for a run: freed pages go back to the OS as soon
/// as they are free, unless the user asked otherwise through mimalloc's own
/// `MIMALLOC_PURGE_DELAY` environment variable. Called first thing in
/// `main`; calling it again changes nothing.
pub fn configure() {
    no_huge_pages();
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: `mi_option_set` takes two integers and no pointer; mimalloc
    // documents it as callable at any time, from any thread, and the option
    // number is the purge delay's in the linked version (checked by the
    // unit test below).
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

/// Turns transparent huge pages off for this process (Linux), unless the
/// user asked mimalloc for them (`MIMALLOC_ALLOW_THP`). mimalloc asks the
/// kernel for 2 MiB pages on its arenas where the system leaves THP to
/// `madvise` (most distributions); a run that touches a little of many
/// pages is then charged whole huge pages: on the 16x benchmark tree, peak
/// RSS fell from 145 to 129 MiB with them off. This is the process-wide
/// switch (`PR_SET_THP_DISABLE`), so arenas mimalloc reserved before
/// `main` are covered too, which setting its option here would not do.
fn no_huge_pages() {
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
        return;
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // SAFETY: `prctl` with PR_SET_THP_DISABLE takes integers only and
    // changes a flag of this process; on a kernel without it, it fails
    // with EINVAL and nothing changes (the result is deliberately ignored:
    // huge pages cost memory, not correctness).
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// A stretch of a run that frees and allocates the same memory over and
/// over (the documents pass parses one document after another, each
/// leaving its parser's pages free) asks mimalloc to wait `ms` milliseconds
/// before purging freed pages, so the next document reuses them instead of
/// faulting fresh ones in. Purging at once there cost a sixth of the 16x
/// benchmark tree's CPU: 44,000 `madvise` calls, each a TLB shootdown on
/// every core. The delay in force before is restored when the value is
/// dropped. Nothing changes when the user set `MIMALLOC_PURGE_DELAY`.
pub struct PurgeDelay(Option<std::ffi::c_long>);

impl PurgeDelay {
    pub fn hold(ms: std::ffi::c_long) -> PurgeDelay {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return PurgeDelay(None);
        }
        // SAFETY: as in `configure`: integers only, callable at any time.
        let before = unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) };
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, ms) }
        PurgeDelay(Some(before))
    }
}

impl Drop for PurgeDelay {
    fn drop(&mut self) {
        if let Some(before) = self.0 {
            // SAFETY: as in `configure`.
            unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, before) }
        }
    }
}

/// Returns the allocator's free pages to the OS, between the phases of a
/// run: what one phase freed should not stay counted while the next one
/// allocates.
pub fn give_back_freed() {
    // SAFETY: `mi_collect` takes a flag and no pointer; it only releases
    // pages mimalloc's own bookkeeping marks free, and may be called from
    // any thread at any time.
    unsafe { mi_collect(true) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The purge delay in force, in milliseconds.
    fn purge_delay_ms() -> std::ffi::c_long {
        // SAFETY: as for `mi_option_set`: an integer in, an integer out.
        unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }
    }

    #[test]
    fn the_purge_delay_option_number_names_the_purge_delay() {
        // mimalloc v3's default purge delay is 1000 ms (v2's 10 ms) and its
        // neighbours in the enumeration default to other values
        // (eager_commit_delay 1, use_numa_nodes 0): a wrong option number
        // would read another one. Nothing in the test binary calls
        // `configure` but this test, so the default is still in force.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        let before = purge_delay_ms();
        assert!(matches!(before, 1000 | 10), "purge delay read as {before}");
        configure();
        assert_eq!(purge_delay_ms(), 0);
        {
            let _held = PurgeDelay::hold(10);
            assert_eq!(purge_delay_ms(), 10);
        }
        assert_eq!(purge_delay_ms(), 0, "the delay before is back");
        give_back_freed();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_off_once_asked() {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
            return;
        }
        // Not `configure`: the purge-delay test above needs the default in
        // force, and the tests of this binary run in one process.
        no_huge_pages();
        // SAFETY: PR_GET_THP_DISABLE takes no pointer and reads a flag.
        let off = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        assert_eq!(off, 1);
    }
}
