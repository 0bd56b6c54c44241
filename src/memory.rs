//! Handing freed memory back to the OS between the phases of a run.
//!
//! glibc's allocator keeps what a thread freed in that thread's arena for
//! later use, so after the documents pass drops its parsed documents the
//! process still holds their pages, and the workflows phase then allocates
//! elsewhere: peak RSS became the sum of the phases rather than the larger
//! one. `malloc_trim` returns the free pages of every arena.

/// Returns the allocator's free pages to the OS, where that is possible
/// and needed (glibc); elsewhere does nothing.
pub fn give_back_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointer and only releases pages that
    // glibc's own bookkeeping marks free; any thread may call it at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
