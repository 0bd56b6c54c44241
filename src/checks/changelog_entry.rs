//! `changelog-entry`: the CHANGELOG has a section for the version being released.

use super::{Code, Context, Meta, Outcome, PublishedCheck};
use crate::finding::{Finding, Location, Severity};
use crate::manifest::{self, SourceKind, changelog};
use crate::workflow::publish::Published;

static META: Meta = Meta {
    id: "changelog-entry",
    title: "CHANGELOG has a section for the current version",
    severity: Severity::Block,
    lanes: &[],
    rationale: "Release notes are what users read before they upgrade, and release tooling \
        (release-please, GitHub release bodies, Hex docs) often copies them from the \
        CHANGELOG section of the tagged version. A release whose version has no section ships \
        without notes, or with the previous release's. The current version is the one the \
        package's manifests agree on (or release-please's manifest when there is no other); a \
        package.json that versions-agree reads as tooling (beside a gemspec or another \
        ecosystem's versioned manifest, with nothing published to npm) is not one of them. \
        Packages without a CHANGELOG are not judged. A CHANGELOG that names no version but \
        links to the changelog kept in the docs (a relative link, or a docs-site URL whose \
        path ends in a file of this tree, such as `…/operations/changelog/`) is judged by \
        that file; one that names no version and hands over to a GitHub releases page keeps \
        its notes where an offline gate cannot read them, and passes. A CHANGELOG whose \
        opening text says it is no longer kept and links another changelog is judged by that \
        file when it lies in the package's folder; one that hands over to a shared changelog \
        outside it (a workspace's, headed with another package's versions) leaves the package \
        with no changelog of its own to judge; so does one whose opening sentence says the \
        changelog moved or is no longer kept without linking where (\"changelog content has \
        moved to a CHANGELOG.md in each package\"). A package release-please versions whose \
        CHANGELOG names no version at all, at the version release-please's manifest was \
        seeded with, only warns: release-please writes every section itself, and its first \
        release pull request writes that one.",
    passes: "Cargo.toml:   version = \"2.1.0\"\nCHANGELOG.md: ## [2.1.0] - 2026-02-01",
    fails: "Cargo.toml:   version = \"2.1.0\"\nCHANGELOG.md: ## [Unreleased]\n              ## [2.0.3] - 2026-01-01",
    fix: "Add a section headed with the version (`## [2.1.0] - 2026-02-01`, or release-please's \
        `## [2.1.0](…compare…) (2026-02-01)`); under Keep a Changelog, rename `[Unreleased]` \
        to the version when you cut the release.",
    params: &[],
    codes: &[
        Code {
            id: "missing-section",
            summary: "the CHANGELOG has no section for the version the manifests declare",
        },
        Code {
            id: "release-please-first-section",
            summary: "a CHANGELOG release-please versions names no version yet: its first release pull request writes the section (a warning)",
        },
    ],
};

/// Judged when the workflows pass ends: what the release workflows
/// publish decides which manifests are packages.
pub static CHECK: PublishedCheck = PublishedCheck {
    meta: &META,
    judge: run,
};

fn run(cx: &Context<'_>, published: Published) -> Outcome {
    let (d, mut findings) = match cx.packages() {
        Ok(x) => x,
        Err(f) => return Outcome::Findings(vec![*f]),
    };
    let mut judged = 0;
    for pkg in &d.packages {
        let Some(path) = &pkg.changelog else { continue };
        let sources = match pkg.sources(cx.tree) {
            Ok(s) => s,
            Err(e) => {
                findings.push(e.to_finding());
                continue;
            }
        };
        let tooling = manifest::tooling_package_json(cx.tree, pkg, &published);
        let current: Vec<_> = sources
            .iter()
            .filter(|s| s.kind != SourceKind::Changelog)
            .filter(|s| !tooling.contains(&s.field.location.path.as_str()))
            .cloned()
            .collect();
        if current.is_empty() {
            continue;
        }
        let version = match manifest::consensus(&current) {
            Some(v) => v,
            // Manifests disagree (versions-agree says so); judge the first one.
            None => manifest::canonical(&current[0].field.value),
        };
        let Some(from) = current
            .iter()
            .find(|s| manifest::canonical(&s.field.value) == version)
        else {
            continue;
        };
        let doc = match cx.tree.markdown(path) {
            Ok(d) => d,
            Err(e) => {
                findings.push(e.to_finding());
                continue;
            }
        };
        judged += 1;
        if changelog::has_section(&doc, &version) {
            continue;
        }
        let entries = changelog::entries(&doc);
        let newest = changelog::newest_release(&doc);
        // A CHANGELOG that names no version but points to the changelog kept
        // in the docs ("The full changelog is on the documentation site"):
        // that one is judged.
        let kept_elsewhere = if entries.is_empty() && newest.is_none() {
            kept_in(cx, &doc)
        } else {
            None
        };
        // Nor one whose releases are written up on GitHub's releases page
        // ("Every release is documented on the Releases page"): the notes
        // live outside the tree, where an offline gate cannot read them.
        if entries.is_empty()
            && newest.is_none()
            && kept_elsewhere.is_none()
            && points_to_github_releases(&doc)
        {
            continue;
        }
        if let Some(other) = &kept_elsewhere {
            match cx.tree.markdown(other) {
                Ok(o) if changelog::has_section(&o, &version) => continue,
                Ok(_) => {}
                Err(e) => {
                    findings.push(e.to_finding());
                    continue;
                }
            }
        }
        let (location, top) = match (&newest, doc.headings.iter().find(|h| h.level <= 2)) {
            (Some(n), _) => (
                n.location.clone(),
                format!("its newest release is {}", n.value),
            ),
            (None, Some(h)) => (
                changelog::heading_location(&doc, h.line),
                "it names no released version".to_string(),
            ),
            (None, None) => (Location::file(path), "it has no headings".to_string()),
        };
        // release-please writes every section of a package's CHANGELOG
        // itself, the first one too: a CHANGELOG it versions that names no
        // version at all, at the version its manifest was seeded with, has
        // had no release cut by it yet, and its first release pull request
        // writes the section. A warning: a release made by hand under that
        // version would have no notes here.
        let seeded = pkg.release_please.as_ref().is_some_and(|rp| {
            entries.is_empty()
                && newest.is_none()
                && kept_elsewhere.is_none()
                && manifest::canonical(&rp.value) == version
        });
        let unreleased = entries.iter().any(|e| !e.released)
            || doc
                .headings
                .iter()
                .any(|h| h.text.to_lowercase().contains("unreleased"));
        let top = match &kept_elsewhere {
            Some(other) => {
                format!("{top}, and the changelog it points to, {other}, has none either")
            }
            None => top,
        };
        if let (true, Some(rp)) = (seeded, &pkg.release_please) {
            findings.push(
                Finding::new(
                    location,
                    format!(
                        "{path} names no released version yet, and release-please versions this \
                         package at {} ({}:{}): its first release pull request writes the \
                         section; a release cut by hand would have no notes",
                        from.field.value, rp.location.path, rp.location.line,
                    ),
                    "let release-please's next release pull request write the first section",
                )
                .code("release-please-first-section")
                .warn_only(),
            );
            continue;
        }
        findings.push(
            Finding::new(
                location,
                format!(
                    "{path} has no section for {} (the current version, from {} at {}:{}); {top}",
                    from.field.value,
                    from.label,
                    from.field.location.path,
                    from.field.location.line
                ),
                if unreleased {
                    format!(
                        "turn the unreleased section into `## [{}] - <date>` before releasing",
                        from.field.value
                    )
                } else {
                    format!("add a `## [{}] - <date>` section", from.field.value)
                },
            )
            .code("missing-section"),
        );
    }
    if judged == 0 && findings.is_empty() {
        return Outcome::Skip("no CHANGELOG beside a package that states its version".into());
    }
    Outcome::Findings(findings)
}

/// Whether the document links to a repository's GitHub releases page
/// (`https://github.com/owner/repo/releases`, optionally a tag under it).
fn points_to_github_releases(doc: &crate::repo::markdown::MarkdownDoc) -> bool {
    doc.links.iter().filter(|l| !l.image).any(|l| {
        let dest = l.dest.split(['#', '?']).next().unwrap_or("");
        let Some(rest) = dest
            .strip_prefix("https://github.com/")
            .or_else(|| dest.strip_prefix("http://github.com/"))
        else {
            return false;
        };
        let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        segs.len() >= 3 && segs[2] == "releases"
    })
}

/// The changelog a version-less CHANGELOG links to, when it is a Markdown
/// file in this tree: a relative link, or a URL of the docs site whose path
/// ends in a file of the tree (`…/operations/changelog/` →
/// `docs/operations/changelog.md`). Only links whose last segment names a
/// changelog count.
fn kept_in(cx: &Context<'_>, doc: &crate::repo::markdown::MarkdownDoc) -> Option<String> {
    use crate::manifest::changelog::names_changelog;
    for link in doc.links.iter().filter(|l| !l.image) {
        let dest = link.dest.split(['#', '?']).next().unwrap_or("");
        if let Some(rest) = dest
            .strip_prefix("https://")
            .or_else(|| dest.strip_prefix("http://"))
        {
            let segs: Vec<&str> = rest.split('/').skip(1).filter(|s| !s.is_empty()).collect();
            let Some(last) = segs.last() else { continue };
            if !names_changelog(last) {
                continue;
            }
            let last = last.trim_end_matches(".html").trim_end_matches(".md");
            // The longest tail of the URL path that is a file here, with at
            // least one directory: `operations/changelog`.
            for start in 0..segs.len().saturating_sub(1) {
                let mut tail = segs[start..segs.len() - 1].join("/");
                tail.push('/');
                tail.push_str(last);
                for candidate in [format!("{tail}.md"), format!("{tail}/index.md")] {
                    let suffix = format!("/{candidate}");
                    if let Some(p) = cx
                        .tree
                        .paths()
                        .find(|p| p.ends_with(&suffix) || *p == candidate)
                    {
                        return Some(p.to_string());
                    }
                }
            }
        } else if !dest.contains(':') && dest.ends_with(".md") {
            let file = dest.rsplit('/').next().unwrap_or(dest);
            if !names_changelog(file) {
                continue;
            }
            let dir = doc.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            let p = crate::manifest::cargo::join(dir, dest);
            if p != doc.path && cx.tree.exists(&p) {
                return Some(p);
            }
        }
    }
    None
}
