//! `changelog-gained` (with `--base`): a release's CHANGELOG gained exactly
//! the section for the new version, on top, with a date, and the sections
//! of earlier releases did not change.

use super::{Check, Code, Context, Meta, Outcome};
use crate::finding::{Finding, Location, Severity};
use crate::manifest::{self, changelog};
use crate::preflight::release;
use crate::repo::markdown::MarkdownDoc;
use regex::Regex;
use std::sync::LazyLock;

pub struct ChangelogGained;

static META: Meta = Meta {
    id: "changelog-gained",
    title: "A release PR adds exactly its own dated CHANGELOG section, on top",
    severity: Severity::Block,
    lanes: &[],
    rationale: "The notes a release ships are the CHANGELOG section its PR adds. A section \
        under the wrong version, placed below the previous release, without a date, or a PR \
        that quietly rewrites the notes of releases already out, all reach users unseen \
        because nobody rereads the whole file before merging. Only with `--base REF`, and \
        only for a package whose version the change moved (see release-bump): the CHANGELOG \
        must have gained one section, for the new version, above the previous release's, \
        with a date (YYYY-MM-DD) in its heading or first line; every release section on the \
        base must be there unchanged. Without a base the check is skipped.",
    passes: "## [1.3.0] - 2026-11-20     <- added by the PR\n## [1.2.0] - 2026-10-01     <- unchanged",
    fails: "## [1.2.0] - 2026-10-01\n## [1.3.0] - 2026-11-20     <- added below the previous release",
    fix: "Put the new version's section first (below `[Unreleased]`), head it with the \
        version and the release date, and undo edits to older sections (or make them in a \
        PR of their own).",
    params: &[],
    codes: &[
        Code {
            id: "no-section",
            summary: "a release bumps the version but the CHANGELOG gained no section for it",
        },
        Code {
            id: "wrong-version",
            summary: "the CHANGELOG gained a section, but for another version than this release's",
        },
        Code {
            id: "not-on-top",
            summary: "the new release's section is below an older release's",
        },
        Code {
            id: "no-date",
            summary: "the new release's section carries no release date",
        },
        Code {
            id: "past-section-edited",
            summary: "the notes of an already released version were changed",
        },
        Code {
            id: "past-section-removed",
            summary: "the notes of an already released version were deleted",
        },
    ],
};

impl Check for ChangelogGained {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn project(&self, cx: &Context<'_>) -> Outcome {
        run(cx)
    }
}

static DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d{4}-\d{2}-\d{2}\b").expect("static regex"));

fn run(cx: &Context<'_>) -> Outcome {
    let Some(base) = cx.base else {
        return Outcome::Skip("needs --base REF: it judges what a release PR added".into());
    };
    let reading = release::read(cx.tree, base);
    let releases: Vec<&release::Release> = reading
        .releases
        .iter()
        .filter(|r| r.changelog.is_some())
        .collect();
    if releases.is_empty() {
        return Outcome::Skip(format!(
            "no package with a CHANGELOG changed its version since {}: not a release",
            base.describe()
        ));
    }
    let mut out = Vec::new();
    for r in releases {
        judge(cx, base, r, &mut out);
    }
    Outcome::Findings(out)
}

/// A release heading with its section text.
struct Section {
    version: String,
    released: bool,
    line: usize,
    text: String,
}

fn sections(doc: &MarkdownDoc) -> Vec<Section> {
    let entries = changelog::entries(doc);
    doc.headings
        .iter()
        .filter_map(|h| {
            let entry = entries.iter().find(|e| e.line == h.line)?;
            Some(Section {
                version: manifest::normalize(&entry.version),
                released: entry.released,
                line: h.line,
                text: doc
                    .file
                    .text
                    .get(h.section.clone())
                    .unwrap_or("")
                    .lines()
                    .map(str::trim_end)
                    .collect::<Vec<_>>()
                    .join("\n")
                    .trim()
                    .to_string(),
            })
        })
        .collect()
}

fn judge(
    cx: &Context<'_>,
    base: &crate::preflight::Base,
    r: &release::Release,
    out: &mut Vec<Finding>,
) {
    let Some(path) = r.changelog.as_deref() else {
        return;
    };
    let doc = match cx.tree.markdown(path) {
        Ok(d) => d,
        Err(e) => {
            out.push(e.to_finding());
            return;
        }
    };
    let old_doc = match r.base_changelog.as_deref() {
        Some(p) => match base.tree().markdown(p) {
            Ok(d) => Some(d),
            Err(e) => {
                let mut f = e.to_finding();
                f.message = format!("on the base ({}): {}", base.describe(), f.message);
                out.push(f);
                return;
            }
        },
        None => None,
    };
    let head = sections(&doc);
    let before = old_doc.as_deref().map(sections).unwrap_or_default();
    let pkg = &r.package;
    let gained: Vec<&Section> = head
        .iter()
        .filter(|s| !before.iter().any(|b| b.version == s.version))
        .collect();
    let mine = gained.iter().find(|s| s.version == r.new);
    // A CHANGELOG new in this change brings its history with it; otherwise
    // a released section for another version is one too many.
    let extra = gained
        .iter()
        .filter(|s| s.version != r.new && s.released && old_doc.is_some());
    for s in extra {
        out.push(Finding::new(
            Location::new(path, s.line, 1),
            format!(
                "package `{pkg}`: the CHANGELOG gained a section for {}, but this release is {}",
                s.version, r.new
            ),
            format!("head the section with {} (or drop the extra one)", r.new),
        )
.code("wrong-version"));
    }
    match mine {
        None if gained.iter().all(|s| s.version == r.new || !s.released) || old_doc.is_none() => {
            let (line, what) = match head.iter().find(|s| s.version == r.new) {
                Some(s) => (s.line, "already had a section for it before this change"),
                None => (1, "gained no section for it"),
            };
            out.push(
                Finding::new(
                    Location::new(path, line, 1),
                    format!(
                        "package `{pkg}`: the version moves {} → {}, but the CHANGELOG {what}",
                        r.old, r.new
                    ),
                    format!(
                        "add `## [{}] - YYYY-MM-DD` with this release's notes on top",
                        r.new
                    ),
                )
                .code("no-section"),
            );
        }
        None => {}
        Some(s) => {
            // Above the previous release (the first release heading on the base).
            if let Some(prev) = before.iter().find(|b| b.released)
                && let Some(now) = head.iter().find(|h| h.version == prev.version)
                && now.line < s.line
            {
                out.push(Finding::new(
                    Location::new(path, s.line, 1),
                    format!(
                        "package `{pkg}`: the section for {} is below the one for {} (line {}); the new release's section goes on top",
                        r.new, prev.version, now.line
                    ),
                    "move the section above the previous release, under `[Unreleased]` if there is one",
                )
.code("not-on-top"));
            }
            let first_line = s.text.lines().take(3).collect::<Vec<_>>().join("\n");
            if !DATE.is_match(&first_line) {
                out.push(
                    Finding::new(
                        Location::new(path, s.line, 1),
                        format!(
                            "package `{pkg}`: the section for {} has no release date (YYYY-MM-DD)",
                            r.new
                        ),
                        format!("head it `## [{}] - YYYY-MM-DD`", r.new),
                    )
                    .code("no-date"),
                );
            }
        }
    }
    // Sections of releases already out stay as they were.
    for b in before.iter().filter(|b| b.released) {
        match head.iter().find(|h| h.version == b.version) {
            Some(h) if h.text == b.text => {}
            Some(h) => out.push(Finding::new(
                Location::new(path, h.line, 1),
                format!(
                    "package `{pkg}`: the section for {}, released before this change, was edited",
                    b.version
                ),
                "leave the notes of past releases as they were, or change them in a PR of their own",
            )
.code("past-section-edited")),
            None => out.push(Finding::new(
                Location::file(path),
                format!(
                    "package `{pkg}`: the section for {}, released before this change, was removed",
                    b.version
                ),
                "put the section back",
            )
.code("past-section-removed")),
        }
    }
}
