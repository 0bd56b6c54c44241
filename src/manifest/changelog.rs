//! CHANGELOG.md releases from its headings, in Keep-a-Changelog
//! (`## [1.2.0] - 2026-01-01`) and release-please
//! (`## [1.2.0](https://…/compare/…) (2026-01-01)`, `### 1.2.1 (…)`) styles, and
//! the bare forms (`# v1.2.0`, `## 1.2.0 (2026-01-01)`). `[Unreleased]` and
//! headings marked unreleased are sections, not releases.

use super::{Field, compare_versions};
use crate::finding::Location;
use crate::repo::markdown::MarkdownDoc;
use regex::Regex;
use std::sync::LazyLock;

/// A heading that names a version.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub version: String,
    /// False for `## 1.3.0 (unreleased)` and the like.
    pub released: bool,
    pub line: usize,
    pub heading: String,
}

/// File names shipgate reads as a changelog, in preference order.
pub const NAMES: &[&str] = &["CHANGELOG.md", "Changelog.md", "changelog.md", "CHANGES.md"];

static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[A-Za-z][\w./@-]*?[-@_/])?[vV]?(\d+\.\d+(?:\.\d+)*(?:[-.+]?[0-9A-Za-z][0-9A-Za-z.+-]*)?)$",
    )
    .expect("static regex")
});

/// Words that start a heading about a version without it being a release
/// named for the project: `## Upgrading 2.0`, `## Since 1.4`.
const NOT_A_NAME: &[&str] = &[
    "upgrading",
    "upgrade",
    "migrating",
    "migration",
    "migrate",
    "from",
    "to",
    "since",
    "before",
    "after",
    "until",
    "about",
    "notes",
    "changes",
    "breaking",
    "support",
    "supported",
    "dropped",
    "deprecated",
    "removed",
    "pre",
    "post",
    "towards",
    "road",
    "roadmap",
    "planned",
    "python",
    "node",
    "rust",
    "elixir",
    "ruby",
    "go",
    "java",
    "php",
];

/// The version a heading names, if it names one as its first word (after an
/// optional `Version`/`Release` word or a component prefix like `pkg-v`).
pub fn heading_version(text: &str) -> Option<(String, bool)> {
    let lower = text.to_lowercase();
    let released = ![
        "unreleased",
        "upcoming",
        "not released",
        "not yet released",
        "unpublished",
        "in progress",
        "in development",
        "releasedate",
        "yyyy-mm-dd",
        "xxxx-xx-xx",
    ]
    .iter()
    .any(|w| lower.contains(w))
        && !lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "tbd" || w == "tba" || w == "wip");
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '[' || c == ']' || c == '(' || c == ')')
        .map(|w| w.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '*' | '_' | '`')))
        .filter(|w| !w.is_empty())
        .collect();
    let mut it = words.iter();
    let mut first = *it.next()?;
    if matches!(
        first.to_lowercase().as_str(),
        "version" | "release" | "v" | "ver"
    ) {
        first = it.next()?;
    }
    // `## mdBook 0.5.4`, `## Flask 3.1.0`: the project's name, then the
    // version, and nothing else but a date or a parenthesis.
    if !VERSION.is_match(first)
        && first.chars().next().is_some_and(|c| c.is_alphabetic())
        && first
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !NOT_A_NAME.contains(&first.to_lowercase().as_str())
        && let Some(second) = it.clone().next()
        && VERSION.is_match(second)
        && text.split_whitespace().count() <= 4
    {
        first = second;
        it.next();
    }
    let caps = VERSION.captures(first)?;
    let v = caps.get(1)?.as_str().trim_end_matches('.').to_string();
    // `## 3.0 migration guide`, `## 1.x series`: about a version, not a release.
    if it.next().is_some_and(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "migration"
                | "migrating"
                | "upgrade"
                | "upgrading"
                | "guide"
                | "roadmap"
                | "plans"
                | "planned"
                | "series"
                | "branch"
                | "compatibility"
                | "deprecations"
        )
    }) {
        return None;
    }
    Some((v, released))
}

/// Every heading that names a version, in document order. A changelog
/// with no such heading may mark its releases with lines of their own
/// instead (see [`release_lines`]).
pub fn entries(doc: &MarkdownDoc) -> Vec<Entry> {
    let headed: Vec<Entry> = doc
        .headings
        .iter()
        .filter_map(|h| {
            let (version, released) = heading_version(&h.text)?;
            let released = released && !body_says_unreleased(&doc.file.text, &h.section);
            Some(Entry {
                version,
                released,
                line: h.line,
                heading: h.text.clone(),
            })
        })
        .collect();
    if headed.is_empty() {
        release_lines(&doc.file.text)
    } else {
        headed
    }
}

/// `v10.9.0 - August 21, 2026` on a line of its own, then the release's
/// list: the release markers of a changelog written without headings
/// (ESLint's generated CHANGELOG.md).
static RELEASE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[vV]?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?)\s+[-–—]\s+([A-Za-z]+\.? \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2})\s*$",
    )
    .expect("static regex")
});

/// Release lines (see [`RELEASE_LINE`]): each starts a paragraph, and a
/// list item comes next.
fn release_lines(text: &str) -> Vec<Entry> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(caps) = RELEASE_LINE.captures(line) else {
            continue;
        };
        if i > 0 && !lines[i - 1].trim().is_empty() {
            continue;
        }
        let next = lines[i + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty());
        if !next.is_some_and(|l| l.starts_with("* ") || l.starts_with("- ")) {
            continue;
        }
        out.push(Entry {
            version: caps[1].to_string(),
            released: true,
            line: i + 1,
            heading: line.trim().to_string(),
        });
    }
    out
}

/// Whether the first line under a heading marks the section unreleased, as
/// in the Pallets style (`## Version 3.1.1` then `Unreleased`, where a
/// release says `Released 2024-11-13`).
fn body_says_unreleased(text: &str, section: &std::ops::Range<usize>) -> bool {
    let Some(body) = text.get(section.clone()) else {
        return false;
    };
    let Some(first) = body.lines().skip(1).map(str::trim).find(|l| !l.is_empty()) else {
        return false;
    };
    if first.starts_with('#') || first.len() > 40 {
        return false;
    }
    let line = first
        .trim_matches(|c: char| matches!(c, '*' | '_' | '`' | '(' | ')' | '.' | ':'))
        .trim()
        .to_lowercase();
    line == "unreleased"
        || line.starts_with("unreleased ")
        || line == "not released yet"
        || line == "not yet released"
        || line == "released: unreleased"
        || line == "release date: tbd"
        || line == "released: tbd"
}

/// The newest released version: the highest one (so oldest-first files work too).
///
/// A highest version dated before every other dated release is an old
/// numbering the package restarted from (a `1.0.0 (2022-05-14)` at the foot
/// of a file whose releases since run 0.1.2 … 0.8.12): it is passed over.
/// So is a highest version that is a pre-release written below a
/// newest-first run of lower releases (`1.0.0-alpha.4` under 0.30.0 …
/// 0.37.7): a pre-release line the package left, whose final release never
/// came, while it went on releasing the line above it.
pub fn newest_release(doc: &MarkdownDoc) -> Option<Field> {
    let mut released: Vec<Entry> = entries(doc).into_iter().filter(|e| e.released).collect();
    let best = loop {
        let (i, top) = released
            .iter()
            .enumerate()
            .rev()
            .max_by(|(_, a), (_, b)| compare_versions(&a.version, &b.version))?;
        let restarted = heading_date(&top.heading).is_some_and(|d| {
            let mut others = released
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .filter_map(|(_, e)| heading_date(&e.heading))
                .peekable();
            others.peek().is_some() && others.all(|o| o > d)
        }) || left_prerelease(&released[..i], &released[i + 1..], &top.version);
        let top = released.remove(i);
        if !restarted {
            break top;
        }
    };
    Some(Field {
        value: best.version,
        location: heading_location(doc, best.line),
    })
}

/// Whether `version`, the highest of a changelog's releases, is a
/// pre-release the package left: it is a pre-release, and the releases
/// written above it are at least two, run newest-first (the first above
/// the last), and open a newer minor line than any release below it
/// (0.30.0 … 0.37.7 above `1.0.0-alpha.4`, 0.29.0 below): the package went
/// on releasing after it. Patches of a line already below (1.9.1 and
/// 1.9.2 above `2.0.0-rc.1`, 1.9.0 below: backports while the release
/// candidate waits) do not say the line was left.
fn left_prerelease(above: &[Entry], below: &[Entry], version: &str) -> bool {
    let (Some(first), Some(last)) = (above.first(), above.last()) else {
        return false;
    };
    let lowest_above = above
        .iter()
        .map(|e| minor_line(&e.version))
        .min()
        .unwrap_or_default();
    let newer_line = below
        .iter()
        .filter(|e| !is_prerelease(&e.version))
        .map(|e| minor_line(&e.version))
        .max()
        .is_none_or(|highest_below| lowest_above > highest_below);
    above.len() >= 2
        && is_prerelease(version)
        && compare_versions(&first.version, &last.version).is_gt()
        && newer_line
}

/// A version's major and minor numbers (`0.37.7` → (0, 37)).
fn minor_line(version: &str) -> (u64, u64) {
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .take_while(|p| !p.is_empty())
        .map(|p| p.parse::<u64>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Whether a version is a pre-release: it sorts below its own numeric
/// release (`1.0.0-alpha.4` < `1.0.0`, `2.1.0rc1` < `2.1.0`; not
/// `1.0.0.post1`).
fn is_prerelease(version: &str) -> bool {
    let cut = version
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(version.len());
    let base = version[..cut].trim_end_matches('.');
    cut < version.len() && !base.is_empty() && compare_versions(version, base).is_lt()
}

/// The ISO date a release heading carries (`## 1.0.0 (2022-05-14)`).
fn heading_date(heading: &str) -> Option<&str> {
    static DATE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b\d{4}-\d{2}-\d{2}\b").expect("static regex"));
    DATE.find(heading).map(|m| m.as_str())
}

/// Whether some heading (released or not) names `version`.
pub fn has_section(doc: &MarkdownDoc, version: &str) -> bool {
    let want = super::canonical(version);
    entries(doc)
        .iter()
        .any(|e| super::canonical(&e.version) == want)
}

/// Words with which a changelog's opening text says it is no longer kept.
const RETIRED: &[&str] = &[
    "obsolete",
    "no longer",
    "not maintained",
    "not updated",
    "not kept",
    "deprecated",
    "archived",
    "frozen",
    "superseded",
    "moved to",
    "has moved",
    // "This changelog has been split into a changelog per application":
    // the releases since are in the packages' own files.
    "has been split",
    "was split",
    "have been split",
    "now kept",
    "now lives",
    // "For versions after 0.75.0, see the [tool's changelog](…)": the file
    // stops at that release and names where the later ones are written.
    "versions after",
    "releases after",
    "for newer versions",
    "for later versions",
    "for newer releases",
    "for later releases",
];

/// The changelog this one hands over to, when the text before its first
/// release says it is no longer kept and links to another changelog
/// ("See the [workspace changelog](../CHANGELOG.md) for newer releases; this
/// file is obsolete"): its releases stop at the hand-over, and the newer
/// ones are recorded in the linked file. Returns the link as written.
pub fn handed_over(doc: &MarkdownDoc) -> Option<HandOver> {
    let text = &doc.file.text;
    let first = entries(doc).first().map(|e| e.line)?;
    let end = text
        .split_inclusive('\n')
        .take(first.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let preamble = text.get(..end)?.to_lowercase();
    if !RETIRED.iter().any(|w| preamble.contains(w)) {
        return None;
    }
    let own = doc.path.rsplit('/').next().unwrap_or(&doc.path);
    let linked = doc
        .links
        .iter()
        .filter(|l| !l.image && l.span.start < end)
        .map(|l| l.dest.split(['#', '?']).next().unwrap_or(""))
        .find(|dest| {
            let last = dest.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            // A link to this very file (`CHANGELOG.md` from itself) hands
            // over nothing.
            names_changelog(last) && *dest != own && *dest != format!("./{own}")
        })
        .map(|d| HandOver::Link(d.to_string()));
    if linked.is_some() {
        return linked;
    }
    // No link to follow, but one sentence of the opening text says the
    // changelog is no longer kept ("changelog content has moved to separate
    // CHANGELOG.md files for each package"): the file keeps only the
    // releases before the move.
    preamble
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| l.split(". "))
        .find(|sentence| {
            sentence.contains("changelog") && RETIRED.iter().any(|w| sentence.contains(w))
        })
        .map(|s| HandOver::Text(s.trim().chars().take(120).collect()))
}

/// Where a changelog that is no longer kept says its releases went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandOver {
    /// A link to another changelog, as written.
    Link(String),
    /// A sentence that says so, with no link to follow.
    Text(String),
}

/// Whether a file or folder name reads as a changelog's (`CHANGELOG.md`,
/// `HISTORY.rst`, `release-notes/`), whatever its case.
pub fn names_changelog(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "changelog",
        "changes",
        "history",
        "release-notes",
        "releases",
    ]
    .iter()
    .any(|w| name.starts_with(w))
}

pub fn heading_location(doc: &MarkdownDoc, line: usize) -> Location {
    Location::new(&doc.path, line, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::TextFile;
    use std::sync::Arc;

    fn doc(t: &str) -> MarkdownDoc {
        MarkdownDoc::parse("CHANGELOG.md", Arc::new(TextFile::new(t)))
    }

    #[test]
    fn a_changelog_that_says_it_moved_without_a_link() {
        let moved = doc(
            "# CHANGELOG\n\nAs of v0.9.1 changelog content has moved to the CHANGELOG.md of each package. [Search them](https://example.org/search?q=CHANGELOG.md).\n\n## 0.9.0\n\n- a\n",
        );
        assert!(matches!(handed_over(&moved), Some(HandOver::Text(_))));
        // "no longer" about something else is no hand-over.
        let live = doc(
            "# Changelog\n\nPython 3.8 is no longer supported. All notable changes are in this changelog.\n\n## 0.9.0\n",
        );
        assert_eq!(handed_over(&live), None);
        // Split into the packages' own changelogs.
        let split = doc(
            "**This changelog has been split into a changelog per application under `apps/*`. This file remains for releases before 2025-07-31.**\n\n# Changelog\n\n## SDK 1.6.0 - 2025-06-16\n",
        );
        assert!(matches!(handed_over(&split), Some(HandOver::Text(_))));
        // A changelog split into sections is still kept.
        let sections = doc(
            "# Changelog\n\nEach release of this changelog is split into Added, Changed and Fixed.\n\n## 0.9.0\n",
        );
        assert_eq!(handed_over(&sections), None);
    }

    #[test]
    fn a_restarted_numbering_is_not_the_newest_release() {
        let restarted = doc(
            "# Changelog\n\n## [0.4.1](x) (2026-03-02)\n\n- a\n\n## 0.4.0 (2025-11-20)\n\n- b\n\n## 1.0.0 (2022-05-14)\n\n- c\n",
        );
        assert_eq!(newest_release(&restarted).unwrap().value, "0.4.1");
        // A major release older than some lower-numbered one (a backport
        // after it) is still the newest.
        let backport = doc(
            "# Changelog\n\n## 1.9.5 (2026-03-02)\n\n## 2.0.0 (2026-01-10)\n\n## 1.9.4 (2025-11-20)\n",
        );
        assert_eq!(newest_release(&backport).unwrap().value, "2.0.0");
        // Undated headings: the highest version.
        let undated = doc("# Changelog\n\n## 0.4.1\n\n## 1.0.0\n");
        assert_eq!(newest_release(&undated).unwrap().value, "1.0.0");
        // A pre-release line left below the releases made since.
        let left = doc("# Changelog\n\n## 0.31.0\n\n## 0.30.0\n\n## 1.0.0-alpha.1\n\n## 0.29.0\n");
        assert_eq!(newest_release(&left).unwrap().value, "0.31.0");
        // One backport above a release candidate leaves the candidate newest.
        let backport = doc("# Changelog\n\n## 1.9.5\n\n## 2.0.0-rc.1\n\n## 1.9.4\n");
        assert_eq!(newest_release(&backport).unwrap().value, "2.0.0-rc.1");
        // So do two, patches of the line below the candidate.
        let backports = doc("# Changelog\n\n## 1.9.6\n\n## 1.9.5\n\n## 2.0.0-rc.1\n\n## 1.9.4\n");
        assert_eq!(newest_release(&backports).unwrap().value, "2.0.0-rc.1");
        assert_eq!(minor_line("0.37.7"), (0, 37));
        assert_eq!(minor_line("2.1.0rc1"), (2, 1));
        // A pre-release on top is the newest.
        let top = doc("# Changelog\n\n## 2.0.0-beta.1\n\n## 1.9.0\n\n## 1.8.0\n");
        assert_eq!(newest_release(&top).unwrap().value, "2.0.0-beta.1");
        assert!(is_prerelease("1.0.0-alpha.4") && is_prerelease("2.1.0rc1"));
        assert!(!is_prerelease("1.0.0") && !is_prerelease("1.0.0.post1"));
    }

    #[test]
    fn a_changelog_handed_over_to_another() {
        let retired = doc(
            "# Changelog\n\nSee the [workspace changelog](../CHANGELOG.md) for newer releases.\nThis file is obsolete since 2.0.\n\n## [1.4.0] - 2025-01-01\n\n- Fixed\n",
        );
        assert_eq!(
            handed_over(&retired),
            Some(HandOver::Link("../CHANGELOG.md".into()))
        );
        // A link without a word that retires the file is a cross-reference.
        let kept = doc(
            "# Changelog\n\nOlder entries are in [HISTORY](HISTORY.md).\n\n## [1.4.0] - 2025-01-01\n",
        );
        assert_eq!(handed_over(&kept), None);
        // Words under a release say nothing about the file.
        let section = doc(
            "# Changelog\n\n## [1.4.0] - 2025-01-01\n\n- The old API is deprecated; see [CHANGES](CHANGES.md).\n",
        );
        assert_eq!(handed_over(&section), None);
    }

    #[test]
    fn heading_styles() {
        let v = heading_version;
        assert_eq!(v("[1.2.0] - 2026-01-01"), Some(("1.2.0".into(), true)));
        assert_eq!(v("1.2.0 (2026-01-01)"), Some(("1.2.0".into(), true)));
        assert_eq!(v("v1.2.0"), Some(("1.2.0".into(), true)));
        assert_eq!(v("Version 2.0.0-rc.1"), Some(("2.0.0-rc.1".into(), true)));
        assert_eq!(v("mylib-v0.4.1 (2026-02-02)"), Some(("0.4.1".into(), true)));
        assert_eq!(v("1.3.0 (unreleased)"), Some(("1.3.0".into(), false)));
        assert_eq!(v("15.0.0 (TBD)"), Some(("15.0.0".into(), false)));
        assert_eq!(v("[2.0.0] - ReleaseDate"), Some(("2.0.0".into(), false)));
        assert_eq!(v("[Unreleased]"), None);
        assert_eq!(v("Added"), None);
        assert_eq!(v("Bug Fixes"), None);
        assert_eq!(v("Upgrading to 2.0"), None);
        assert_eq!(v("3.0 migration guide"), None);
        assert_eq!(v("4.18.2 / 2022-10-08"), Some(("4.18.2".into(), true)));
        assert_eq!(v("1.5.13 (2021-09-22)"), Some(("1.5.13".into(), true)));
        assert_eq!(v("2026-01-01"), None);
        assert_eq!(v("mdBook 0.5.4"), Some(("0.5.4".into(), true)));
        assert_eq!(v("Flask 3.1.0 (2026-01-02)"), Some(("3.1.0".into(), true)));
        assert_eq!(v("Migrating 1.0"), None);
        assert_eq!(v("Python 3.12 support"), None);
        assert_eq!(v("Support for 1.0 and later"), None);
    }

    #[test]
    fn release_lines_without_headings() {
        let d = doc(
            "v10.9.0 - August 21, 2026\n\n* [`899dbf1`](https://x) feat: a (A)\n\nv10.8.1 - 2026-08-07\n\n* [`1a2b3c4`](https://x) fix: b (B)\n\nSee v10.8.0 - June 1, 2026 for more.\n",
        );
        let e = entries(&d);
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!((e[0].version.as_str(), e[0].line), ("10.9.0", 1));
        assert_eq!((e[1].version.as_str(), e[1].line), ("10.8.1", 5));
        assert!(has_section(&d, "10.9.0"));
        assert_eq!(newest_release(&d).map(|f| f.value), Some("10.9.0".into()));
        // With version headings, lines are not read as releases.
        let d = doc("# Changelog\n\n## 2.0.0\n\nv3.0.0 - May 1, 2026\n\n* x\n");
        assert!(!has_section(&d, "3.0.0"));
    }

    #[test]
    fn keep_a_changelog_with_link_references() {
        let d = doc(
            "# Changelog\n\n## [Unreleased]\n\n### Added\n- x\n\n## [2.0.3] - 2026-01-01\n\n## [2.0.2] - 2025-12-01\n\n[Unreleased]: https://example.com/compare/v2.0.3...HEAD\n[2.0.3]: https://example.com/compare/v2.0.2...v2.0.3\n",
        );
        let n = newest_release(&d).unwrap();
        assert_eq!(n.value, "2.0.3");
        assert_eq!(n.location.line, 8);
        assert!(has_section(&d, "2.0.2"));
        assert!(!has_section(&d, "2.1.0"));
    }

    #[test]
    fn release_please_style() {
        let d = doc(
            "# Changelog\n\n### [1.4.1](https://github.com/o/r/compare/v1.4.0...v1.4.1) (2026-03-02)\n\n### Bug Fixes\n\n* x\n\n## [1.4.0](https://github.com/o/r/compare/v1.3.9...v1.4.0) (2026-03-01)\n",
        );
        let n = newest_release(&d).unwrap();
        assert_eq!((n.value.as_str(), n.location.line), ("1.4.1", 3));
    }

    #[test]
    fn prereleases_order_numerically_across_styles() {
        let d = doc(
            "# Changelog\n\n## [5.0.0-alpha.10](https://github.com/o/r/compare/cli-v5.0.0-alpha.9...cli-v5.0.0-alpha.10) (2026-09-11)\n\n## [5.0.0-alpha.9](https://github.com/o/r/compare/x...y) (2026-09-02)\n\n<a name=\"v4.0.26\"></a>\n## [v4.0.26] - 2025-09-12\n",
        );
        let n = newest_release(&d).unwrap();
        assert_eq!((n.value.as_str(), n.location.line), ("5.0.0-alpha.10", 3));
    }

    #[test]
    fn oldest_first_and_bare_v() {
        let d = doc("# v0.9.0\n\ntext\n\n# v1.0.0\n\nmore\n");
        assert_eq!(newest_release(&d).unwrap().value, "1.0.0");
        assert_eq!(newest_release(&d).unwrap().location.line, 5);
    }

    #[test]
    fn a_section_whose_first_line_says_unreleased_is_not_a_release() {
        let d = doc(
            "# Changes\n\n## Version 3.1.1\n\nUnreleased\n\n-   Fix a thing.\n\n## Version 3.1.0\n\nReleased 2024-11-13\n\n-   Drop 3.8.\n",
        );
        assert_eq!(newest_release(&d).map(|f| f.value), Some("3.1.0".into()));
        assert!(has_section(&d, "3.1.1"));
        // A release whose notes merely mention the word later stays a release.
        let d = doc("## 2.0.0\n\nReleased 2025-01-01\n\nUnreleased features were dropped.\n");
        assert_eq!(newest_release(&d).map(|f| f.value), Some("2.0.0".into()));
    }

    #[test]
    fn unreleased_version_heading_is_a_section_not_a_release() {
        let d = doc("## 1.3.0 (unreleased)\n\n## 1.2.0 (2026-01-01)\n");
        assert_eq!(newest_release(&d).unwrap().value, "1.2.0");
        assert!(has_section(&d, "1.3.0"));
    }
}
