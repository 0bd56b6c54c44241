//! `versions-agree`: every source that states a package's version states the
//! same one — manifests, release-please's manifest and the newest CHANGELOG
//! release — compared package by package.

use super::{Code, Context, Meta, Outcome, PublishedCheck};
use crate::finding::{Finding, Severity};
use crate::manifest::{self, canonical};
use crate::workflow::publish::Published;

static META: Meta = Meta {
    id: "versions-agree",
    title: "Manifests, release-please and CHANGELOG state the same version",
    severity: Severity::Block,
    lanes: &[],
    rationale: "A release is cut from whatever number the tooling reads: cargo and Hex publish \
        the manifest's version, release-please bumps from its manifest, readers trust the \
        CHANGELOG. When one of them drifts (a hand edit, a half-merged release PR) the tag, \
        the package and the notes name different releases, and nobody notices until a \
        registry refuses the upload or users install the wrong thing. Versions are compared \
        per package: the root package (root manifests, release-please entry \".\", root \
        CHANGELOG), and separately each release-please package or workspace member with its \
        own sources. A nested manifest nothing names is its own package. A package.json \
        beside another ecosystem's versioned manifest (a gemspec included) is tooling (a test runner, a docs \
        build) when the release workflows publish but never to npm, and is not compared; \
        so is a pyproject.toml nothing is built from (`[tool.uv] package = false`, Poetry's \
        `package-mode = false`). A CHANGELOG's newest release is its highest version, \
        unless that heading is dated before every other dated release (a numbering the \
        package restarted). With `--base REF`, \
        a package whose sources agreed on the base is left to release-bump and \
        changelog-gained, which judge the change against the base.",
    passes: "mix.exs:                       version: \"1.4.0\"\n.release-please-manifest.json: { \".\": \"1.4.0\" }\nCHANGELOG.md:                  ## [1.4.0] - 2026-01-01",
    fails: "mix.exs:                       version: \"1.4.0\"\n.release-please-manifest.json: { \".\": \"1.3.9\" }   <- the odd one out\nCHANGELOG.md:                  ## [1.4.0] - 2026-01-01",
    fix: "Set every source to the version being released — usually by letting the release \
        tooling (release-please, cargo-release, `npm version`) bump all of them in one \
        commit — and add the CHANGELOG section for it.",
    params: &[],
    codes: &[Code {
        id: "disagrees",
        summary: "a version source disagrees with the package's other sources",
    }],
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
    let mut compared = 0;
    let mut notes = Vec::new();
    // With --base, a package whose sources agreed on the base and disagree
    // now was split by the change itself: release-bump and changelog-gained
    // judge that against the base, and saying it here too would repeat them.
    let base_packages = cx.base.map(|b| (b, manifest::discovered(b.tree())));
    let agreed_on_base = |pkg: &manifest::Package| {
        base_packages.as_ref().is_some_and(|(b, pkgs)| {
            pkgs.packages.iter()
                .find(|p| p.dir == pkg.dir)
                .and_then(|p| p.sources(b.tree()).ok())
                .is_some_and(|s| {
                    s.len() >= 2
                        && s.iter()
                            .all(|x| canonical(&x.field.value) == canonical(&s[0].field.value))
                })
        })
    };
    for pkg in &d.packages {
        notes.extend(pkg.notes.iter().cloned());
        let mut sources = match pkg.sources(cx.tree) {
            Ok(s) => s,
            Err(e) => {
                findings.push(e.to_finding());
                continue;
            }
        };
        let tooling = manifest::tooling_package_json(cx.tree, pkg, &published);
        if !tooling.is_empty() {
            let before = sources.len();
            sources.retain(|s| !tooling.contains(&s.field.location.path.as_str()));
            if sources.len() < before {
                notes.push(format!(
                    "{}: not compared, its folder's other manifest states the version and the release workflows publish nothing to npm",
                    tooling.join(", ")
                ));
            }
        }
        if sources.len() < 2 {
            continue;
        }
        compared += 1;
        let first = canonical(&sources[0].field.value);
        if sources.iter().all(|s| canonical(&s.field.value) == first) || agreed_on_base(pkg) {
            continue;
        }
        // The agreed version as one of its sources writes it, for messages.
        let agreed_key = manifest::consensus(&sources);
        let agreed = agreed_key.as_ref().map(|k| {
            sources
                .iter()
                .find(|s| canonical(&s.field.value) == *k)
                .map_or_else(|| k.clone(), |s| s.field.value.trim().to_string())
        });
        // A strict majority, or only the package manifests' word on a tie.
        let majority = agreed_key.as_ref().is_some_and(|want| {
            2 * sources
                .iter()
                .filter(|s| canonical(&s.field.value) == *want)
                .count()
                > sources.len()
        });
        let seen: Vec<String> = sources.iter().map(|s| s.describe()).collect();
        for s in &sources {
            if agreed_key.as_deref() == Some(canonical(&s.field.value).as_str()) {
                continue;
            }
            let (message, help) = match &agreed {
                Some(want) if majority => (
                    format!(
                        "package `{}`: {} says {}, but most sources say {want}; seen: {}",
                        pkg.display(),
                        s.label,
                        s.field.value,
                        seen.join("; ")
                    ),
                    format!("set this to {want} (or bump the others together with it)"),
                ),
                Some(want) => (
                    format!(
                        "package `{}`: {} says {}, but the package manifest says {want}; seen: {}",
                        pkg.display(),
                        s.label,
                        s.field.value,
                        seen.join("; ")
                    ),
                    format!(
                        "release {want} here too, or correct the manifest if {} is the current version",
                        s.field.value
                    ),
                ),
                None => (
                    format!(
                        "package `{}`: the version sources disagree and neither a majority nor the manifests decide; seen: {}",
                        pkg.display(),
                        seen.join("; ")
                    ),
                    "decide the current version and set every source to it".to_string(),
                ),
            };
            let mut finding = Finding::new(s.field.location.clone(), message, help).code("disagrees");
            // Where the other sources say otherwise: those that say the
            // agreed version, or every other one when none is agreed.
            for other in sources.iter().filter(|o| {
                !std::ptr::eq(*o, s)
                    && canonical(&o.field.value) != canonical(&s.field.value)
                    && agreed_key
                        .as_deref()
                        .is_none_or(|k| canonical(&o.field.value) == k)
            }) {
                finding = finding.related(
                    other.field.location.clone(),
                    format!("{} says {}", other.label, other.field.value.trim()),
                );
            }
            findings.push(finding);
        }
    }
    if compared == 0 && findings.is_empty() {
        let mut why = "no package has two version sources to compare".to_string();
        if !notes.is_empty() {
            why.push_str(&format!(" (not read: {})", notes.join("; ")));
        }
        return Outcome::Skip(why);
    }
    Outcome::Findings(findings)
}
