//! `release-please-config`: every package in `release-please-config.json`
//! exists, has an entry in `.release-please-manifest.json`, and its
//! `release-type` fits the manifest found there.

use super::{Check, Code, Context, Meta, Outcome};
use crate::finding::{Finding, Severity};
use crate::manifest::cargo::join;
use crate::manifest::release_please;

pub struct ReleasePleaseConfig;

static META: Meta = Meta {
    id: "release-please-config",
    title: "release-please packages exist, have manifest entries and fitting release types",
    severity: Severity::Block,
    lanes: &[],
    rationale: "release-please opens release PRs from `release-please-config.json` and \
        `.release-please-manifest.json`. A package path that was moved or renamed, a package \
        with no manifest entry, or a `release-type` that does not match the package's \
        manifest (`rust` where there is no Cargo.toml) makes it silently skip the package, \
        bump the wrong file, or fail on the release branch — discovered only when a release \
        does not appear. When every release-please action step is given a `release-type` \
        input, the action runs in single-package mode and reads neither file: the check skips.",
    passes: "release-please-config.json:    { \"packages\": { \"crates/core\": { \"release-type\": \"rust\" } } }\n.release-please-manifest.json: { \"crates/core\": \"0.4.0\" }\ncrates/core/Cargo.toml exists",
    fails: "release-please-config.json:    { \"packages\": { \"crates/old-name\": { \"release-type\": \"rust\" } } }\n(crates/old-name does not exist)",
    fix: "Point each package path at the directory that holds the package, add it to \
        `.release-please-manifest.json` with its current version, and set `release-type` to \
        the ecosystem of its manifest (rust, node, python, elixir, …).",
    params: &[],
    codes: &[
        Code {
            id: "no-packages",
            summary: "release-please-config.json declares no packages",
        },
        Code {
            id: "missing-path",
            summary: "a release-please package path does not exist",
        },
        Code {
            id: "no-manifest",
            summary: "the release-please manifest file is missing",
        },
        Code {
            id: "no-manifest-entry",
            summary: "a release-please package has no entry in the manifest file",
        },
        Code {
            id: "release-type-mismatch",
            summary: "a package's `release-type` does not fit the manifest at its path",
        },
    ],
};

impl Check for ReleasePleaseConfig {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn project(&self, cx: &Context<'_>) -> Outcome {
        run(cx)
    }
}

fn run(cx: &Context<'_>) -> Outcome {
    let tree = cx.tree;
    let config = match release_please::read_config(tree) {
        None => {
            return Outcome::Skip(format!("no {}", release_please::file_paths(tree).0));
        }
        Some(Err(e)) => return Outcome::Findings(vec![e.to_finding()]),
        Some(Ok(c)) => c,
    };
    if let Some(wf) = release_please::single_package_workflow(tree) {
        return Outcome::Skip(format!(
            "release-please runs in single-package mode (`release-type` in {wf}) and does not read {}",
            config.path
        ));
    }
    let mut findings = Vec::new();
    let (config_path, manifest_path) = (&config.path, release_please::file_paths(tree).1);
    let manifest = match release_please::read_manifest(tree) {
        None => None,
        Some(Err(e)) => {
            findings.push(e.to_finding());
            return Outcome::Findings(findings);
        }
        Some(Ok(m)) => Some(m),
    };
    if config.packages.is_empty() {
        findings.push(
            Finding::new(
                config.location.clone(),
                format!("{config_path} declares no packages"),
                "add `\"packages\": { \".\": { \"release-type\": \"…\" } }`",
            )
            .code("no-packages"),
        );
    }
    for p in &config.packages {
        if !tree.has_path(&p.dir) || (!p.dir.is_empty() && !tree.is_dir(&p.dir)) {
            findings.push(
                Finding::new(
                    p.key_location.clone(),
                    format!(
                        "release-please package path `{}` does not exist in the tree",
                        p.raw
                    ),
                    "point it at the package's directory, or remove the entry",
                )
                .code("missing-path"),
            );
            continue;
        }
        match &manifest {
            None => findings.push(
                Finding::new(
                    p.key_location.clone(),
                    format!(
                        "package `{}` has no entry: there is no {manifest_path}",
                        p.raw
                    ),
                    format!(
                        "create {manifest_path} with `{{ \"{}\": \"<current version>\" }}`",
                        p.raw
                    ),
                )
                .code("no-manifest"),
            ),
            Some(m) if !m.entries.iter().any(|(d, _, _)| *d == p.dir) => findings.push(
                Finding::new(
                    p.key_location.clone(),
                    format!("package `{}` has no entry in {manifest_path}", p.raw),
                    format!(
                        "add `\"{}\": \"<current version>\"` to {manifest_path}",
                        p.raw
                    ),
                )
                .code("no-manifest-entry"),
            ),
            _ => {}
        }
        let Some(rt) = &p.release_type else { continue };
        let Some(files) = release_please::expected_files(&rt.value) else {
            continue;
        };
        let globs: Vec<String> = files.iter().map(|f| join(&p.dir, f)).collect();
        let fits = tree.glob(&globs).map(|m| !m.is_empty()).unwrap_or(true);
        if !fits {
            findings.push(
                Finding::new(
                    rt.location.clone(),
                    format!(
                        "package `{}` has release-type `{}`, but `{}` holds none of {}",
                        p.raw,
                        rt.value,
                        if p.dir.is_empty() { "." } else { &p.dir },
                        files.join(", ")
                    ),
                    "set the release-type to the package's ecosystem, or fix the package path",
                )
                .code("release-type-mismatch"),
            );
        }
    }
    Outcome::Findings(findings)
}
