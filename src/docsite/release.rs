//! Which documents a release depends on. A broken link or cited path blocks
//! there and only warns elsewhere: a stale link in a blog post is worth
//! fixing, a stale link in the README a package ships or in the runbook a
//! maintainer follows on release day is a broken promise.
//!
//! Release docs: the root README and the README of every package (a
//! directory with a manifest, whose README the registry shows), SECURITY,
//! the newest section of a changelog (its history is history), the
//! maintainers' docs (RELEASING, MAINTAINING, runbooks, docs named for
//! releasing, publishing, maintainers or the supported surface), and what
//! the policy adds with `release_docs` globs.

use crate::repo::markdown::MarkdownDoc;
use std::ops::Range;

/// Manifests whose directory is a package with its own README.
const MANIFESTS: &[&str] = &[
    "Cargo.toml",
    "package.json",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "mix.exs",
    "go.mod",
    "composer.json",
    "pubspec.yaml",
];

/// How much of a document a release depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole document.
    All,
    /// A changelog: these byte ranges (the preamble, unreleased notes and the
    /// newest release) are current; the rest is history.
    Current(Vec<Range<usize>>),
    /// Not a release doc: its problems warn.
    None,
}

impl Scope {
    /// Whether a problem at byte `offset` blocks.
    pub fn blocks_at(&self, offset: usize) -> bool {
        match self {
            Scope::All => true,
            Scope::Current(ranges) => ranges.iter().any(|r| r.contains(&offset)),
            Scope::None => false,
        }
    }

    /// Whether what a document says at `offset` describes the repository as
    /// it is today. Past changelog sections describe the repository as it
    /// was: a path they cite may rightly be gone.
    pub fn is_current(&self, offset: usize) -> bool {
        match self {
            Scope::Current(_) => self.blocks_at(offset),
            _ => true,
        }
    }
}

fn stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
    stem.to_ascii_lowercase()
}

fn words(stem: &str) -> Vec<&str> {
    stem.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether a file name reads as a changelog (release notes, history, news).
pub fn is_changelog_name(path: &str) -> bool {
    let s = stem(path);
    let w = words(&s);
    matches!(
        s.as_str(),
        "changelog" | "changes" | "history" | "news" | "releasenotes" | "release-notes"
    ) || w.windows(2).any(|p| p == ["release", "notes"])
        || w.first().is_some_and(|f| *f == "changelog")
}

/// Whether a file name says it is for the people who cut releases.
/// `in_site`: the document is a page of a documentation site, which is
/// written for users: there a page named `releases` or `publishing` is
/// about the user's releases (a framework's deployment guide), so only the
/// maintainers' own words count.
fn is_maintainer_name(path: &str, in_site: bool) -> bool {
    let s = stem(path);
    let w = words(&s);
    let maintainer = names_maintainers(path)
        || (w.contains(&"support") || w.contains(&"supported"))
            && w.iter()
                .any(|w| matches!(*w, "surface" | "contract" | "matrix" | "policy"));
    let release = w.iter().any(|w| {
        matches!(
            *w,
            "release" | "releases" | "publish" | "publishing" | "deploy" | "shipping"
        )
    });
    maintainer || (release && !in_site)
}

/// Whether `path` is a README (any extension).
fn is_readme(path: &str) -> bool {
    stem(path) == "readme"
}

/// Whether `path` is the security policy: SECURITY (any extension) where
/// GitHub looks for one — the root, `.github/` or `docs/`. A page named
/// `security.md` deeper in a docs folder (`docs/how-to/security.md`) is a
/// guide about security for the project's users, not the reporting route.
fn is_security(path: &str) -> bool {
    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    stem(path) == "security" && matches!(dir, "" | ".github" | "docs")
}

/// The scope of a document, given whether its directory holds a package
/// manifest, whether it is a page of a docs site, and whether the policy
/// names it.
pub fn scope(
    doc: &MarkdownDoc,
    dir_has_manifest: bool,
    in_site: bool,
    named_by_policy: bool,
) -> Scope {
    let path = doc.path.as_str();
    if named_by_policy {
        return Scope::All;
    }
    let at_root = !path.contains('/');
    if is_readme(path) && (at_root || dir_has_manifest) {
        return Scope::All;
    }
    if is_security(path) {
        return Scope::All;
    }
    if is_changelog_name(path) {
        // `RELEASE_NOTES_v1.0.0.md`: the notes of one past release.
        if stem(path).chars().any(|c| c.is_ascii_digit()) {
            return Scope::None;
        }
        // A site page named `changelog` with no release heading at all is
        // a guide about changelogs (a changelog generator's configuration
        // page), not the project's release notes.
        if in_site
            && !doc
                .headings
                .iter()
                .any(|h| crate::manifest::changelog::heading_version(&h.text).is_some())
        {
            return Scope::None;
        }
        return Scope::Current(current_sections(doc));
    }
    if is_maintainer_name(path, in_site) {
        // `RELEASES.md` that is a list of releases, one heading each, is
        // release notes kept under another name: its history is history.
        if !names_maintainers(path) && is_release_log(doc) {
            return Scope::Current(current_sections(doc));
        }
        return Scope::All;
    }
    Scope::None
}

/// Whether a file name speaks of the people who cut releases, not only of
/// releases (`RELEASING`, `MAINTAINERS`, a runbook).
fn names_maintainers(path: &str) -> bool {
    let s = stem(path);
    words(&s).iter().any(|w| {
        matches!(
            *w,
            "releasing" | "maintaining" | "maintainer" | "maintainers" | "runbook" | "runbooks"
        )
    })
}

/// Whether a document reads as a log of releases: at least three of its
/// headings name a released version. A runbook may show one example
/// version; a log has one heading per release.
fn is_release_log(doc: &MarkdownDoc) -> bool {
    doc.headings
        .iter()
        .filter(|h| {
            crate::manifest::changelog::heading_version(&h.text)
                .is_some_and(|(_, released)| released)
        })
        .take(3)
        .count()
        >= 3
}

/// Whether a file name is a package manifest, so its folder is a package.
pub fn is_manifest_name(name: &str) -> bool {
    MANIFESTS.contains(&name) || name.ends_with(".gemspec") || name.ends_with(".csproj")
}

/// The current part of a changelog: everything before its first version
/// heading, unreleased sections, and the section of its newest release.
fn current_sections(doc: &MarkdownDoc) -> Vec<Range<usize>> {
    use crate::manifest::changelog::heading_version;
    let text_len = doc.file.text.len();
    let mut ranges = Vec::new();
    let mut first_versioned: Option<usize> = None;
    let mut newest: Option<(String, Range<usize>)> = None;
    let mut level: Option<u8> = None;
    for h in &doc.headings {
        let lower = h.text.to_lowercase();
        let unreleased = [
            "unreleased",
            "upcoming",
            "next",
            "main",
            "master",
            "in progress",
        ]
        .iter()
        .any(|w| {
            lower
                .trim_matches(|c: char| !c.is_alphanumeric())
                .starts_with(w)
        });
        let version = heading_version(&h.text);
        if version.is_none() && !unreleased {
            continue;
        }
        // Only headings at the level of the first release heading divide
        // the file into releases.
        match level {
            None => level = Some(h.level),
            Some(l) if h.level != l => continue,
            _ => {}
        }
        first_versioned.get_or_insert(h.section.start);
        match version {
            Some((v, true)) => {
                let newer = newest.as_ref().is_none_or(|(b, _)| {
                    crate::manifest::compare_versions(&v, b) == std::cmp::Ordering::Greater
                });
                if newer {
                    newest = Some((v, h.section.clone()));
                }
            }
            _ => ranges.push(h.section.clone()),
        }
    }
    ranges.push(0..first_versioned.unwrap_or(text_len));
    if let Some((_, r)) = newest {
        ranges.push(r);
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::TextFile;
    use std::sync::Arc;

    fn doc(path: &str, t: &str) -> MarkdownDoc {
        MarkdownDoc::parse(path, Arc::new(TextFile::new(t)))
    }

    #[test]
    fn names() {
        assert!(is_changelog_name("CHANGELOG.md"));
        assert!(is_changelog_name("docs/release-notes.md"));
        assert!(is_changelog_name("HISTORY.rst"));
        assert!(!is_changelog_name("docs/changes-to-make.md"));
        assert!(is_maintainer_name("RELEASING.md", false));
        assert!(is_maintainer_name("docs/maintainer-release.md", true));
        assert!(is_maintainer_name("docs/supported-surface.md", true));
        assert!(is_maintainer_name("docs/release-plan.md", false));
        assert!(!is_maintainer_name("guides/deployment/releases.md", true));
        assert!(!is_maintainer_name("docs/supported-sql.md", false));
        assert!(!is_maintainer_name("docs/guide.md", false));
    }

    #[test]
    fn releases_log_under_a_release_name() {
        let t = "# Releases\n\n## 3.0.0\n\nnewest\n\n## 2.0.0\n\nold\n\n## 1.0.0\n\noldest\n";
        let d = doc("RELEASES.md", t);
        let s = scope(&d, false, false, false);
        assert!(s.blocks_at(t.find("newest").unwrap()));
        assert!(!s.blocks_at(t.find("old\n").unwrap()));
        // A runbook keeps its whole scope, example versions and all.
        let r = "# Releasing\n\n## 1.0.0\n\n## 2.0.0\n\n## 3.0.0\n\nsteps\n";
        let d = doc("RELEASING.md", r);
        assert_eq!(scope(&d, false, false, false), Scope::All);
        // A release guide without release headings stays whole.
        let g = "# Release process\n\n## Tag\n\nsteps\n";
        let d = doc("docs/release-process.md", g);
        assert_eq!(scope(&d, false, false, false), Scope::All);
    }

    #[test]
    fn changelog_current_sections() {
        let t = "# Changelog\n\nintro\n\n## Unreleased\n\nnew\n\n## 1.2.0\n\nlatest\n\n### Fixed\n\nfix\n\n## 1.1.0\n\nold\n";
        let d = doc("CHANGELOG.md", t);
        let s = scope(&d, false, false, false);
        assert!(s.blocks_at(t.find("intro").unwrap()));
        assert!(s.blocks_at(t.find("new").unwrap()));
        assert!(s.blocks_at(t.find("latest").unwrap()));
        assert!(s.blocks_at(t.find("fix").unwrap()));
        assert!(!s.blocks_at(t.find("old").unwrap()));
        assert!(!s.is_current(t.find("old").unwrap()));
        // Oldest first: the highest version is the newest.
        let t = "# Changes\n\n## 0.1.0\n\nfirst\n\n## 0.2.0\n\nsecond\n";
        let s = scope(&doc("CHANGES.md", t), false, false, false);
        assert!(!s.blocks_at(t.find("first").unwrap()));
        assert!(s.blocks_at(t.find("second").unwrap()));
    }

    #[test]
    fn a_site_page_named_changelog_without_releases_is_a_guide() {
        let t = "# Changelog\n\n## header\n\nSee [x](/nowhere).\n";
        assert_eq!(
            scope(
                &doc("docs/configuration/changelog.md", t),
                false,
                true,
                false
            ),
            Scope::None
        );
        // Outside a site, or with a release heading, it is release notes.
        assert!(matches!(
            scope(
                &doc("docs/configuration/changelog.md", t),
                false,
                false,
                false
            ),
            Scope::Current(_)
        ));
        let t = "# Changelog\n\n## 1.0.0\n\nfirst\n";
        assert!(matches!(
            scope(&doc("docs/changelog.md", t), false, true, false),
            Scope::Current(_)
        ));
    }

    #[test]
    fn security_policy_only_where_github_finds_it() {
        for p in ["SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md"] {
            assert_eq!(
                scope(&doc(p, "# x\n"), false, false, false),
                Scope::All,
                "{p}"
            );
        }
        for p in ["docs/how-to/security.md", "guides/security.md"] {
            assert_eq!(
                scope(&doc(p, "# x\n"), false, true, false),
                Scope::None,
                "{p}"
            );
        }
    }

    #[test]
    fn readmes() {
        let d = doc("README.md", "# x\n");
        assert_eq!(scope(&d, false, false, false), Scope::All);
        let d = doc("examples/demo/README.md", "# x\n");
        assert_eq!(scope(&d, false, false, false), Scope::None);
        assert_eq!(scope(&d, true, false, false), Scope::All);
        let d = doc("docs/guide.md", "# x\n");
        assert_eq!(scope(&d, false, false, true), Scope::All);
    }
}
