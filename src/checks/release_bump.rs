//! `release-bump` (with `--base`): the version sources a change moved all
//! moved from one old version to one new version, upwards, by a step that
//! fits what the CHANGELOG says, and none was left behind.

use super::{Check, Code, Context, Meta, Outcome};
use crate::finding::{Finding, Severity};
use crate::manifest::{self, changelog};
use crate::preflight::release::{self, Step, Version, at};

pub struct ReleaseBump;

static META: Meta = Meta {
    id: "release-bump",
    title: "A release PR bumps every version source together, by the right step",
    severity: Severity::Block,
    lanes: &[],
    rationale: "A release PR (release-please, changesets, a hand-made bump) moves the version \
        in several places at once. When one is left behind the tag, the registry upload and \
        the release tool's own record disagree, and the next release is computed from the \
        stale one. Only with `--base REF`: the manifests and release-please's manifest of \
        each package are read on both sides; every source that changed must have moved from \
        the same old version to the same new, higher version (semver, or PEP 440 for Python \
        versions), every other source must have moved with them, and a change the CHANGELOG \
        marks as breaking (a `BREAKING CHANGE` note, or a top-level `#` heading for the new \
        version as conventional-changelog writes for a major release) needs a major bump, or \
        a minor one while the major version is 0. Without a base the check is skipped.",
    passes: "base:  Cargo.toml 1.2.0, .release-please-manifest.json {\".\": \"1.2.0\"}\nhead:  Cargo.toml 1.3.0, .release-please-manifest.json {\".\": \"1.3.0\"}",
    fails: "base:  Cargo.toml 1.2.0, .release-please-manifest.json {\".\": \"1.2.0\"}\nhead:  Cargo.toml 1.3.0, .release-please-manifest.json {\".\": \"1.2.0\"}   <- left behind",
    fix: "Let the release tool bump every source in one commit (or bump the one left behind \
        by hand to the same version), and pick the version the change calls for: a major \
        bump for breaking changes.",
    params: &[],
    codes: &[
        Code {
            id: "old-versions-disagree",
            summary: "the version sources already disagreed on the base, so the bump cannot be judged",
        },
        Code {
            id: "new-versions-disagree",
            summary: "the version sources moved to different versions",
        },
        Code {
            id: "source-left-behind",
            summary: "one version source was not bumped with the others",
        },
        Code {
            id: "unreadable-version",
            summary: "a version is neither semver nor PEP 440, so the bump cannot be judged",
        },
        Code {
            id: "not-higher",
            summary: "the new version is not higher than the old one",
        },
        Code {
            id: "mixed-schemes",
            summary: "the old and new versions follow different version schemes",
        },
        Code {
            id: "step-too-small",
            summary: "the change breaks compatibility but the version step does not say so",
        },
    ],
};

impl Check for ReleaseBump {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn project(&self, cx: &Context<'_>) -> Outcome {
        run(cx)
    }
}

fn run(cx: &Context<'_>) -> Outcome {
    let Some(base) = cx.base else {
        return Outcome::Skip("needs --base REF: it judges what a change did to versions".into());
    };
    let reading = release::read(cx.tree, base);
    let mut out = reading.broken;
    if reading.releases.is_empty() {
        if out.is_empty() {
            return Outcome::Skip(format!(
                "no version source changed since {}: not a release",
                base.describe()
            ));
        }
        return Outcome::Findings(out);
    }
    for r in &reading.releases {
        judge(cx, base, r, &mut out);
    }
    Outcome::Findings(out)
}

fn judge(
    cx: &Context<'_>,
    base: &crate::preflight::Base,
    r: &release::Release,
    out: &mut Vec<Finding>,
) {
    let pkg = &r.package;
    let moved: Vec<&release::Pair> = r.pairs.iter().filter(|p| p.moved()).collect();
    let names = |ps: &[&release::Pair]| -> String {
        ps.iter()
            .map(|p| p.head.label.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // All moved from one version…
    for p in &moved {
        let Some(b) = &p.base else { continue };
        let from = manifest::normalize(&b.field.value);
        if from != r.old {
            out.push(Finding::new(
                at(&p.head),
                format!(
                    "package `{pkg}`: {} moved from {}, but {} moved from {} on the base",
                    p.head.label,
                    b.field.value,
                    names(&moved[..1]),
                    r.old
                ),
                "the sources disagreed before this change: settle the old version first (versions-agree)",
            )
.code("old-versions-disagree"));
        }
    }
    // …to one version.
    for p in &moved {
        if manifest::normalize(&p.head.field.value) != r.new {
            out.push(
                Finding::new(
                    at(&p.head),
                    format!(
                        "package `{pkg}`: {} moved to {}, but the other moved sources say {}",
                        p.head.label, p.head.field.value, r.new
                    ),
                    format!("set this to {} with the others", r.new),
                )
                .code("new-versions-disagree"),
            );
        }
    }
    // Nothing left behind.
    for p in r.pairs.iter().filter(|p| !p.moved()) {
        let still = manifest::normalize(&p.head.field.value);
        if still == r.new {
            continue;
        }
        let why = if p.base.is_some() {
            format!("was left behind at {}", p.head.field.value)
        } else {
            format!("is new and says {}", p.head.field.value)
        };
        out.push(
            Finding::new(
                at(&p.head),
                format!(
                    "package `{pkg}`: {} {why} while {} moved {} → {}",
                    p.head.label,
                    names(&moved),
                    r.old,
                    r.new
                ),
                format!("bump it to {} in the same change", r.new),
            )
            .code("source-left-behind"),
        );
    }
    // Upwards, by a step that fits.
    let Some(first) = moved.first() else { return };
    let (Some(old), Some(new)) = (Version::parse(&r.old), Version::parse(&r.new)) else {
        out.push(Finding::new(
            at(&first.head),
            format!(
                "package `{pkg}`: cannot compare {} → {} as semver or PEP 440 versions, so the bump cannot be judged",
                r.old, r.new
            ),
            "use versions that semver or PEP 440 can read",
        )
.code("unreadable-version"));
        return;
    };
    match old.compare(&new) {
        Some(std::cmp::Ordering::Less) => {}
        Some(_) => {
            out.push(
                Finding::new(
                    at(&first.head),
                    format!(
                        "package `{pkg}`: the version goes from {} to {}, which is not higher",
                        r.old, r.new
                    ),
                    "a release moves the version up",
                )
                .code("not-higher"),
            );
            return;
        }
        None => {
            out.push(Finding::new(
                at(&first.head),
                format!(
                    "package `{pkg}`: {} and {} are read by different version schemes and cannot be compared",
                    r.old, r.new
                ),
                "keep one scheme (semver or PEP 440) for the package",
            )
.code("mixed-schemes"));
            return;
        }
    }
    let step = Step::of(&old, &new);
    if let Some(marker) = breaking_marker(cx, base, r) {
        let needed = release::breaking_step(&old);
        if step < needed {
            out.push(Finding::new(
                marker.0,
                format!(
                    "package `{pkg}`: {}, but the bump {} → {} is a {} step; a breaking change needs a {} one",
                    marker.1,
                    r.old,
                    r.new,
                    step.as_str(),
                    needed.as_str()
                ),
                "bump the major version (the minor one before 1.0), or move the breaking change out of this release",
            )
.code("step-too-small"));
        }
    }
}

/// Where a section notes a breaking change: the first `breaking change`
/// (or `breaking-change`) that is not negated on its own line ("no breaking
/// changes", "non-breaking change", "without breaking changes").
fn breaking_note(body: &str) -> Option<usize> {
    let lower = body.to_ascii_lowercase();
    let mut from = 0;
    loop {
        let rest = &lower[from..];
        let rel = match (rest.find("breaking change"), rest.find("breaking-change")) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => return None,
        };
        let i = from + rel;
        let line_start = lower[..i].rfind('\n').map_or(0, |n| n + 1);
        let before = lower[line_start..i].trim_end_matches([' ', '*', '_', '`']);
        let negated = before.ends_with("non-")
            || before.ends_with("non")
            || ["no", "not", "without", "zero", "any"]
                .iter()
                .any(|w| before.split_whitespace().next_back() == Some(*w));
        if !negated {
            return Some(i);
        }
        from = i + "breaking change".len();
    }
}

/// Where the head CHANGELOG marks the new version's section as breaking,
/// and how, if it does.
fn breaking_marker(
    cx: &Context<'_>,
    base: &crate::preflight::Base,
    r: &release::Release,
) -> Option<(crate::finding::Location, String)> {
    let path = r.changelog.as_deref()?;
    let doc = cx.tree.markdown(path).ok()?;
    let want = manifest::normalize(&r.new);
    let heading = doc.headings.iter().find(|h| {
        changelog::heading_version(&h.text).is_some_and(|(v, _)| manifest::normalize(&v) == want)
    })?;
    let loc = changelog::heading_location(&doc, heading.line);
    let body = doc.file.text.get(heading.section.clone()).unwrap_or("");
    if let Some(i) = breaking_note(body) {
        let line = heading.line + body[..i].matches('\n').count();
        return Some((
            crate::finding::Location::new(path, line, 1),
            format!(
                "the CHANGELOG section for {} notes a breaking change",
                r.new
            ),
        ));
    }
    // conventional-changelog heads a major release one level up (`#`).
    if heading.level == 1 {
        let base_levels = r
            .base_changelog
            .as_deref()
            .and_then(|p| base.tree().markdown(p).ok())
            .map(|d| {
                d.headings
                    .iter()
                    .filter(|h| changelog::heading_version(&h.text).is_some())
                    .map(|h| h.level)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        if base_levels.iter().any(|l| *l > 1) {
            return Some((
                loc,
                format!(
                    "the CHANGELOG heads {} with `#`, as conventional-changelog does for a major release",
                    r.new
                ),
            ));
        }
    }
    None
}
