//! Paths inside the root: joining a relative path onto a folder without
//! ever leaving the root.

/// The folder a path lies in (`""` for a file at the root).
pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// Joins `rel` onto `base` (a folder relative to the root) and removes `.`
/// and `..`; `None` when the result leaves the root. A `rel` starting with
/// `/` starts at the root.
pub fn normalize(base: &str, rel: &str) -> Option<String> {
    // Built in one string (runs for every link): no segment is empty, so
    // the string is empty exactly when no segment is left to pop. Segments
    // are cut at `/` bytes by hand: a `split('/')` iterator costs more to
    // set up than these short paths take to walk.
    let mut out = String::with_capacity(base.len() + rel.len() + 1);
    if !rel.starts_with('/') {
        for seg in segments(base) {
            push_segment(&mut out, seg);
        }
    }
    for seg in segments(rel) {
        match seg {
            "." => {}
            ".." => {
                if out.is_empty() {
                    return None;
                }
                let cut = out.rfind('/').unwrap_or(0);
                out.truncate(cut);
            }
            s => push_segment(&mut out, s),
        }
    }
    Some(out)
}

fn push_segment(out: &mut String, seg: &str) {
    if !out.is_empty() {
        out.push('/');
    }
    out.push_str(seg);
}

/// The non-empty segments of `path` between `/` bytes.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let b = path.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        while start < b.len() {
            let end = b[start..]
                .iter()
                .position(|&c| c == b'/')
                .map_or(b.len(), |i| start + i);
            // `/` is one byte in UTF-8: both ends are character boundaries.
            let seg = &path[start..end];
            start = end + 1;
            if !seg.is_empty() {
                return Some(seg);
            }
        }
        None
    })
}

/// Whether a folder name says it holds many small projects for a test
/// suite: `test-` or `tests_` joined to a word for a collection of
/// projects (`test-crates/`, `test_projects/`, `tests-packages/`). A folder
/// such as `test-utils/` or `testing/` is not one: it may be a package.
pub fn test_collection(seg: &str) -> bool {
    const KINDS: &[&str] = &[
        "crates",
        "packages",
        "projects",
        "apps",
        "cases",
        "repos",
        "workspaces",
        "inputs",
        "fixtures",
        "sites",
        "modules",
    ];
    let lower = seg.to_ascii_lowercase();
    ["test-", "test_", "tests-", "tests_"]
        .iter()
        .filter_map(|p| lower.strip_prefix(p))
        .any(|rest| KINDS.contains(&rest))
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn joins_and_folds_dots_within_the_root() {
        for (base, rel, want) in [
            ("docs/d3", "../d21/doc.md#x", Some("docs/d21/doc.md#x")),
            ("", "a//b/./c/", Some("a/b/c")),
            ("/docs//é/", "ü/../x", Some("docs/é/x")),
            ("docs", "", Some("docs")),
            ("docs", "/", Some("")),
            ("a/b", "../../c", Some("c")),
            ("a", "../..", None),
            ("", "..", None),
        ] {
            assert_eq!(normalize(base, rel).as_deref(), want, "{base} + {rel}");
        }
    }

    #[test]
    fn test_collections_are_named_for_many_projects() {
        assert!(super::test_collection("test-crates"));
        assert!(super::test_collection("Test_Projects"));
        assert!(!super::test_collection("test-utils"));
        assert!(!super::test_collection("testing"));
        assert!(!super::test_collection("crates"));
    }
}
