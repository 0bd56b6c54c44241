//! What a change did to each package's version: which sources moved, from
//! what to what. The preflight checks share this reading: `release-bump`
//! judges it, `changelog-gained` and `release-pr-scope` use it to know a
//! release PR and its new version.
//!
//! Sources are those `versions-agree` compares (manifests and
//! release-please's manifest), matched between base and head by package
//! folder and label; the CHANGELOG is left to `changelog-gained`.

use super::Base;
use crate::finding::{Finding, Location};
use crate::manifest::{self, SourceKind, VersionSource};
use crate::repo::{FileError, Tree};
use std::cmp::Ordering;

/// One source of a package, on both sides.
#[derive(Debug, Clone)]
pub struct Pair {
    pub head: VersionSource,
    /// The same source on the base; None when the change added it.
    pub base: Option<VersionSource>,
}

impl Pair {
    pub fn moved(&self) -> bool {
        self.base.as_ref().is_some_and(|b| {
            manifest::normalize(&b.field.value) != manifest::normalize(&self.head.field.value)
        })
    }
}

/// A package whose version the change moved.
#[derive(Debug, Clone)]
pub struct Release {
    /// The package folder (`.` for the root).
    pub package: String,
    /// The base version the moved sources agreed on (the first one's when
    /// they did not).
    pub old: String,
    /// The version most moved sources moved to.
    pub new: String,
    pub pairs: Vec<Pair>,
    /// The package's CHANGELOG on the head and on the base.
    pub changelog: Option<String>,
    pub base_changelog: Option<String>,
}

/// Every package the change released, and what could not be read.
#[derive(Debug, Default)]
pub struct Reading {
    pub releases: Vec<Release>,
    /// Fail-closed findings: manifests that do not parse on either side.
    pub broken: Vec<Finding>,
}

fn sources(pkg: &manifest::Package, tree: &Tree) -> Result<Vec<VersionSource>, FileError> {
    pkg.sources(tree).map(|s| {
        s.into_iter()
            .filter(|s| s.kind != SourceKind::Changelog)
            .collect()
    })
}

/// Reads every package on both sides and pairs their version sources.
pub fn read(head: &Tree, base: &Base) -> Reading {
    let mut out = Reading::default();
    let h = manifest::discovered(head);
    let b = manifest::discovered(base.tree());
    out.broken.extend(h.errors.iter().map(|e| e.to_finding()));
    for e in &b.errors {
        let mut f = e.to_finding();
        f.message = format!("on the base ({}): {}", base.describe(), f.message);
        out.broken.push(f);
    }
    for pkg in &h.packages {
        let head_sources = match sources(pkg, head) {
            Ok(s) => s,
            Err(e) => {
                out.broken.push(e.to_finding());
                continue;
            }
        };
        let base_sources = match b.packages.iter().find(|p| p.dir == pkg.dir) {
            Some(bp) => match sources(bp, base.tree()) {
                Ok(s) => s,
                Err(e) => {
                    let mut f = e.to_finding();
                    f.message = format!("on the base ({}): {}", base.describe(), f.message);
                    out.broken.push(f);
                    continue;
                }
            },
            None => Vec::new(),
        };
        let pairs: Vec<Pair> = head_sources
            .into_iter()
            .map(|s| Pair {
                base: base_sources.iter().find(|b| b.label == s.label).cloned(),
                head: s,
            })
            .collect();
        let moved: Vec<&Pair> = pairs.iter().filter(|p| p.moved()).collect();
        let Some(first) = moved.first() else { continue };
        let heads: Vec<VersionSource> = moved.iter().map(|p| p.head.clone()).collect();
        let new = manifest::consensus(&heads)
            .unwrap_or_else(|| manifest::normalize(&first.head.field.value));
        let old = first
            .base
            .as_ref()
            .map(|b| manifest::normalize(&b.field.value))
            .unwrap_or_default();
        out.releases.push(Release {
            package: pkg.display().to_string(),
            old,
            new,
            changelog: pkg.changelog.clone(),
            base_changelog: b
                .packages
                .iter()
                .find(|p| p.dir == pkg.dir)
                .and_then(|p| p.changelog.clone()),
            pairs,
        });
    }
    out
}

/// A version read by the scheme that parses it: semver first, then PEP 440.
#[derive(Debug, Clone, PartialEq)]
pub enum Version {
    Semver(semver::Version),
    Pep440(pep440_rs::Version),
}

impl Version {
    pub fn parse(v: &str) -> Option<Version> {
        let n = manifest::normalize(v);
        if let Ok(s) = semver::Version::parse(&n) {
            return Some(Version::Semver(s));
        }
        n.parse::<pep440_rs::Version>().ok().map(Version::Pep440)
    }

    /// Major, minor, patch.
    pub fn triple(&self) -> (u64, u64, u64) {
        match self {
            Version::Semver(v) => (v.major, v.minor, v.patch),
            Version::Pep440(v) => {
                let r = v.release();
                let at = |i: usize| r.get(i).copied().unwrap_or(0);
                (at(0), at(1), at(2))
            }
        }
    }

    /// The order of two versions read by the same scheme; None across schemes.
    pub fn compare(&self, other: &Version) -> Option<Ordering> {
        match (self, other) {
            (Version::Semver(a), Version::Semver(b)) => Some(a.cmp(b)),
            (Version::Pep440(a), Version::Pep440(b)) => Some(a.cmp(b)),
            (Version::Semver(a), Version::Pep440(_)) => {
                // `1.2.0` parses as both: read it as PEP 440 to compare.
                let a = a.to_string().parse::<pep440_rs::Version>().ok()?;
                Version::Pep440(a).compare(other)
            }
            (Version::Pep440(_), Version::Semver(b)) => {
                let b = b.to_string().parse::<pep440_rs::Version>().ok()?;
                self.compare(&Version::Pep440(b))
            }
        }
    }
}

/// How big a step `old` → `new` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Patch,
    Minor,
    Major,
}

impl Step {
    pub fn of(old: &Version, new: &Version) -> Step {
        let (a, b) = (old.triple(), new.triple());
        if b.0 != a.0 {
            Step::Major
        } else if b.1 != a.1 {
            Step::Minor
        } else {
            Step::Patch
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Patch => "patch",
            Step::Minor => "minor",
            Step::Major => "major",
        }
    }
}

/// The step a breaking change needs from `old`: major, or minor while the
/// major version is 0 (semver leaves 0.y free to break, and cargo and
/// release-please treat a 0.y bump as the breaking one).
pub fn breaking_step(old: &Version) -> Step {
    if old.triple().0 == 0 {
        Step::Minor
    } else {
        Step::Major
    }
}

/// Where a source is, for a finding that names it.
pub fn at(s: &VersionSource) -> Location {
    s.field.location.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|| panic!("{s} parses"))
    }

    #[test]
    fn steps_and_order_across_schemes() {
        assert_eq!(Step::of(&v("1.2.3"), &v("1.2.4")), Step::Patch);
        assert_eq!(Step::of(&v("1.2.3"), &v("1.3.0")), Step::Minor);
        assert_eq!(Step::of(&v("v1.2"), &v("2.0.0")), Step::Major);
        assert_eq!(Step::of(&v("1.9.0rc1"), &v("1.9.0")), Step::Patch);
        assert_eq!(v("1.0.0-rc.1").compare(&v("1.0.0")), Some(Ordering::Less));
        assert_eq!(v("2.0.0rc1").compare(&v("2.0.0")), Some(Ordering::Less));
        assert_eq!(v("2.0.0").compare(&v("2.0.0.post1")), Some(Ordering::Less));
        assert_eq!(breaking_step(&v("0.4.1")), Step::Minor);
        assert_eq!(breaking_step(&v("3.4.1")), Step::Major);
        assert!(Version::parse("not-a-version").is_none());
    }
}
