//! Paths inside the root: joining a relative path onto a folder without
//! ever leaving the root.

/// Joins `rel` onto `base` (a folder relative to the root) and removes `.`
/// and `..`; `None` when the result leaves the root. A `rel` starting with
/// `/` starts at the root.
pub fn normalize(base: &str, rel: &str) -> Option<String> {
    // Built in one string (runs for every link): no segment is empty, so
    // the string is empty exactly when no segment is left to pop.
    let mut out = String::with_capacity(base.len() + rel.len() + 1);
    let push = |out: &mut String, seg: &str| {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(seg);
    };
    if !rel.starts_with('/') {
        for seg in base.split('/').filter(|s| !s.is_empty()) {
            push(&mut out, seg);
        }
    }
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.is_empty() {
                    return None;
                }
                let cut = out.rfind('/').unwrap_or(0);
                out.truncate(cut);
            }
            s => push(&mut out, s),
        }
    }
    Some(out)
}
