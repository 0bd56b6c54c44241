//! release-please's `.release-please-manifest.json` (package path → released
//! version) and `release-please-config.json` (packages, their release type
//! and changelog path).

use super::Field;
use crate::finding::Location;
use crate::repo::{FileError, Tree};
use crate::workflow::WorkflowTree;
use crate::workflow::{env_map, env_value};
use github_actions_models::workflow::job::StepBody;

pub const MANIFEST: &str = ".release-please-manifest.json";
pub const CONFIG: &str = "release-please-config.json";

#[derive(Debug, Clone)]
pub struct RpManifest {
    pub path: String,
    /// Normalised package path (`""` for `"."`), raw key, and version.
    pub entries: Vec<(String, String, Field)>,
}

#[derive(Debug, Clone)]
pub struct RpPackage {
    /// Normalised path (`""` for `"."`) and as written.
    pub dir: String,
    pub raw: String,
    pub key_location: Location,
    pub release_type: Option<Field>,
    pub changelog_path: Option<String>,
    /// `skip-changelog: true`: release-please keeps no CHANGELOG here.
    pub skip_changelog: bool,
}

#[derive(Debug, Clone)]
pub struct RpConfig {
    pub path: String,
    pub packages: Vec<RpPackage>,
    /// Where `packages` is (or line 1).
    pub location: Location,
}

/// `"."`, `"./"`, `"packages/a/"` → `""`, `""`, `"packages/a"`.
pub fn normalize(path: &str) -> String {
    super::cargo::join("", path)
}

/// Where the config and manifest live: the defaults, unless a workflow's
/// release-please action step sets `config-file` / `manifest-file`.
pub fn file_paths(tree: &Tree) -> (String, String) {
    let found = found_paths(tree);
    (found.config.clone(), found.manifest.clone())
}

/// The workflow whose release-please action step runs in single-package
/// mode, when every such step does: given a `release-type` input, the
/// action builds its one package from its inputs and never opens
/// `release-please-config.json` or the manifest file.
pub fn single_package_workflow(tree: &Tree) -> Option<String> {
    found_paths(tree).single.clone()
}

/// What the workflows say about release-please's files, found once per run:
/// callers ask several times, and finding it reads every workflow's text.
struct Paths {
    config: String,
    manifest: String,
    single: Option<String>,
}

fn found_paths(tree: &Tree) -> std::sync::Arc<Paths> {
    tree.whole(|| find_file_paths(tree))
}

fn find_file_paths(tree: &Tree) -> Paths {
    let mut config = CONFIG.to_string();
    let mut manifest = MANIFEST.to_string();
    // A text test first, on every core: only a workflow that names the
    // action is parsed. The texts are kept for the workflows pass, which
    // takes each out of the cache when it parses it (one read per file).
    let paths = tree.workflow_paths();
    let names = crate::repo::par_map(&paths, |path| {
        tree.text(path)
            .is_ok_and(|t| t.text.contains("release-please-action"))
    });
    let mut first = true;
    // The workflow of a step with a `release-type`, and whether some step
    // has none (and so reads the config file).
    let mut single: Option<String> = None;
    let mut reads_config = false;
    for (path, _) in paths.iter().zip(names).filter(|(_, named)| *named) {
        let Ok(wf) = tree.workflow(path) else {
            continue;
        };
        for (_, job) in wf.normal_jobs() {
            for step in &job.steps {
                let StepBody::Uses { uses, with } = &step.body else {
                    continue;
                };
                if !crate::workflow::publish::action_slug(uses)
                    .is_some_and(|s| s.ends_with("/release-please-action"))
                {
                    continue;
                }
                let with = env_map(with);
                let release_type = with
                    .as_ref()
                    .and_then(|w| w.get("release-type"))
                    .map(env_value)
                    .is_some_and(|v| !v.trim().is_empty());
                if release_type {
                    single.get_or_insert_with(|| path.to_string());
                } else {
                    reads_config = true;
                }
                let Some(with) = with.filter(|_| first) else {
                    continue;
                };
                first = false;
                if let Some(v) = with.get("config-file") {
                    config = super::cargo::join("", &env_value(v));
                }
                if let Some(v) = with.get("manifest-file") {
                    manifest = super::cargo::join("", &env_value(v));
                }
            }
        }
    }
    Paths {
        config,
        manifest,
        single: single.filter(|_| !reads_config),
    }
}

pub fn read_manifest(tree: &Tree) -> Option<Result<RpManifest, FileError>> {
    let (_, path) = file_paths(tree);
    if !tree.exists(&path) {
        return None;
    }
    Some(tree.json(&path).map(|df| {
        RpManifest {
            path: path.clone(),
            entries: df
                .root
                .entries()
                .iter()
                .filter_map(|e| {
                    let v = e.node.as_str()?;
                    Some((
                        normalize(&e.key),
                        e.key.clone(),
                        Field {
                            value: v.to_string(),
                            location: df.location(&e.node.span),
                        },
                    ))
                })
                .collect(),
        }
    }))
}

pub fn read_config(tree: &Tree) -> Option<Result<RpConfig, FileError>> {
    let (path, _) = file_paths(tree);
    if !tree.exists(&path) {
        return None;
    }
    Some(tree.json(&path).map(|df| {
        let default_type = df.root.get("release-type");
        let pkgs = df.root.entry("packages");
        let packages = pkgs
            .map(|p| p.node.entries())
            .unwrap_or(&[])
            .iter()
            .map(|e| {
                let rt = e.node.get("release-type").or(default_type);
                RpPackage {
                    dir: normalize(&e.key),
                    raw: e.key.clone(),
                    key_location: df.location(&e.key_span),
                    release_type: rt.and_then(|n| Field::of_str(&df, n)),
                    changelog_path: e
                        .node
                        .get("changelog-path")
                        .or_else(|| df.root.get("changelog-path"))
                        .and_then(|n| n.as_str())
                        .map(str::to_string),
                    skip_changelog: e
                        .node
                        .get("skip-changelog")
                        .or_else(|| df.root.get("skip-changelog"))
                        .and_then(|n| n.as_bool())
                        .unwrap_or(false),
                }
            })
            .collect();
        RpConfig {
            path: path.clone(),
            packages,
            location: pkgs
                .map(|p| df.location(&p.key_span))
                .unwrap_or_else(|| Location::file(&path)),
        }
    }))
}

/// Files a release type reads and bumps, any one of which must exist in the
/// package directory. `None`: a type shipgate does not know (not judged).
pub fn expected_files(release_type: &str) -> Option<&'static [&'static str]> {
    Some(match release_type {
        "rust" => &["Cargo.toml"],
        "node" | "expo" => &["package.json"],
        "python" => &["pyproject.toml", "setup.py", "setup.cfg"],
        "elixir" => &["mix.exs"],
        "ruby" | "ruby-yoshi" => &["*.gemspec", "lib/**/version.rb"],
        "php" | "php-yoshi" => &["composer.json"],
        "java" | "maven" | "java-yoshi" | "java-backport" | "java-bom" | "java-lts" => &[
            "pom.xml",
            "build.gradle",
            "build.gradle.kts",
            "versions.txt",
        ],
        "helm" => &["Chart.yaml"],
        "dart" => &["pubspec.yaml"],
        "go" | "go-yoshi" => &["go.mod", "*.go", "**/*.go", "CHANGELOG.md"],
        "terraform-module" => &["*.tf", "**/*.tf", "README.md"],
        "sfdx" => &["sfdx-project.json"],
        "bazel" => &["MODULE.bazel"],
        "krm-blueprint" => &["*.yaml", "**/*.yaml"],
        "ocaml" => &["*.opam", "esy.json", "package.json", "dune-project"],
        "r" => &["DESCRIPTION"],
        _ => return None,
    })
}
