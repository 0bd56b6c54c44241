//! `Cargo.toml`: the package's version and registry metadata, with
//! `key.workspace = true` resolved against the workspace root's
//! `[workspace.package]`, and the workspace's members (globs and `exclude`).

use super::Field;
use crate::finding::Location;
use crate::repo::spanned::Node;
use crate::repo::{DataFile, FileError, Tree};
use std::sync::Arc;

/// Metadata crates.io needs before it accepts a crate (`license-file` may stand
/// in for `license`).
pub const REQUIRED: &[&str] = &["description", "license"];

/// Metadata crates.io shows and its users expect, but does not require.
pub const EXPECTED: &[&str] = &["repository"];

#[derive(Debug, Clone)]
pub struct CargoPackage {
    pub name: Option<String>,
    /// The effective version, at the line where it is written (the workspace
    /// root's line when inherited).
    pub version: Option<Field>,
    /// `Some(workspace manifest path)` when `version.workspace = true`.
    pub version_from: Option<String>,
    /// `publish = false`, `publish = []`, or a list without `crates-io`.
    pub private: bool,
    /// Present metadata keys (own or inherited) and where they are written.
    pub present: Vec<(String, Location)>,
    /// The `[package]` header.
    pub location: Location,
    /// An inherited key whose workspace root does not define it.
    pub broken_inheritance: Vec<(String, Location)>,
}

#[derive(Debug, Clone)]
pub struct CargoManifest {
    pub path: String,
    pub dir: String,
    pub package: Option<CargoPackage>,
    /// `[workspace.package].version`, when this manifest is a workspace root.
    pub workspace_version: Option<Field>,
    /// Member directories (relative to the root), when a workspace root.
    pub members: Vec<String>,
    pub is_workspace: bool,
    /// Dependencies (normal and build, any target) given by `path`, with
    /// `workspace = true` resolved through `[workspace.dependencies]`.
    pub path_deps: Vec<PathDep>,
}

/// A dependency on a crate in this tree, by its directory.
#[derive(Debug, Clone)]
pub struct PathDep {
    /// The depended-on crate's directory, relative to the root.
    pub dir: String,
    /// Whether a `version` stands beside the path: without one, `cargo
    /// publish` refuses the crate that declares the dependency.
    pub versioned: bool,
}

pub use crate::repo::paths::dir_of;

pub fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for p in rel.trim_start_matches("./").split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Reads one Cargo.toml, resolving inheritance from its workspace root.
pub fn read(tree: &Tree, path: &str) -> Result<CargoManifest, FileError> {
    let df = tree.toml(path)?;
    let dir = dir_of(path).to_string();
    let ws = df.root.get("workspace");
    let workspace_version = ws
        .and_then(|w| w.path("package.version"))
        .and_then(|n| Field::of_str(&df, n));
    let members = match ws {
        Some(w) => expand_members(tree, &dir, w),
        None => Vec::new(),
    };
    // What cargo refuses to load is not a manifest with nothing to check:
    // the checks that need it cannot judge it.
    let package = match df.root.entry("package") {
        Some(pkg) if pkg.node.is_table() => Some(read_package(tree, &df, &dir, pkg)?),
        Some(pkg) => {
            return Err(FileError {
                location: df.location(&pkg.key_span),
                message: "`package` must be a table ([package]); cargo refuses this manifest"
                    .into(),
                help: None,
            });
        }
        None if ws.is_none() => {
            return Err(FileError::at_file(
                path,
                "neither [package] nor [workspace]: cargo refuses this manifest",
            ));
        }
        None => None,
    };
    let path_deps = if package.is_some() {
        read_path_deps(tree, &df, &dir)
    } else {
        Vec::new()
    };
    Ok(CargoManifest {
        path: path.to_string(),
        dir,
        package,
        workspace_version,
        members,
        is_workspace: ws.is_some(),
        path_deps,
    })
}

/// The path dependencies of a package's `[dependencies]` and
/// `[build-dependencies]` (and their `[target.*.…]` forms). Dev-dependencies
/// are left out: `cargo publish` drops a path-only one instead of refusing.
fn read_path_deps(tree: &Tree, df: &Arc<DataFile>, dir: &str) -> Vec<PathDep> {
    let mut tables: Vec<&Node> = ["dependencies", "build-dependencies"]
        .iter()
        .filter_map(|k| df.root.get(k))
        .collect();
    if let Some(targets) = df.root.get("target") {
        for t in targets.entries() {
            tables.extend(
                ["dependencies", "build-dependencies"]
                    .iter()
                    .filter_map(|k| t.node.get(k)),
            );
        }
    }
    let mut root: Option<Option<Arc<DataFile>>> = None;
    let mut out = Vec::new();
    for table in tables {
        for dep in table.entries() {
            let inherits = dep.node.get("workspace").and_then(Node::as_bool) == Some(true);
            let (spec, base) = if inherits {
                let ws = root
                    .get_or_insert_with(|| workspace_root(tree, df, dir).ok().flatten())
                    .clone();
                let Some(ws) = ws else { continue };
                let Some(spec) = ws
                    .root
                    .path("workspace.dependencies")
                    .and_then(|d| d.get(&dep.key))
                    .cloned()
                else {
                    continue;
                };
                (spec, dir_of(&ws.path).to_string())
            } else {
                (dep.node.clone(), dir.to_string())
            };
            let Some(path) = spec.get("path").and_then(Node::as_str) else {
                continue;
            };
            out.push(PathDep {
                dir: join(&base, path.trim_end_matches('/')),
                versioned: spec.get("version").is_some() || dep.node.get("version").is_some(),
            });
        }
    }
    out
}

/// Directories of crates that never reach crates.io, whatever their
/// `publish` says: a crate with a path dependency and no version (`cargo
/// publish` refuses it), and, repeatedly, a crate that only such crates
/// depend on, each by path without a version: it exists to be built into
/// them (the internal crates of a binary installed from git).
pub fn unpublishable_dirs(manifests: &[&CargoManifest]) -> std::collections::HashSet<String> {
    let mut out: std::collections::HashSet<String> = manifests
        .iter()
        .filter(|m| m.package.is_some() && m.path_deps.iter().any(|d| !d.versioned))
        .map(|m| m.dir.clone())
        .collect();
    loop {
        let mut grew = false;
        for m in manifests.iter().filter(|m| m.package.is_some()) {
            if out.contains(&m.dir) {
                continue;
            }
            let mut dependents = manifests.iter().flat_map(|d| {
                d.path_deps
                    .iter()
                    .filter(|p| p.dir == m.dir)
                    .map(move |p| (d, p))
            });
            let mut any = false;
            let only_internal = dependents.all(|(d, p)| {
                any = true;
                !p.versioned && out.contains(&d.dir)
            });
            if any && only_internal {
                out.insert(m.dir.clone());
                grew = true;
            }
        }
        if !grew {
            return out;
        }
    }
}

fn read_package(
    tree: &Tree,
    df: &Arc<DataFile>,
    dir: &str,
    pkg: &crate::repo::spanned::Entry,
) -> Result<CargoPackage, FileError> {
    let node = &pkg.node;
    let mut root: Option<Option<Arc<DataFile>>> = None;
    let mut out = CargoPackage {
        name: node
            .get("name")
            .and_then(|n| n.as_str())
            .map(str::to_string),
        version: None,
        version_from: None,
        private: false,
        present: Vec::new(),
        location: df.location(&pkg.key_span),
        broken_inheritance: Vec::new(),
    };
    for key in [
        "version",
        "description",
        "license",
        "license-file",
        "repository",
        "publish",
    ] {
        let Some(entry) = node.entry(key) else {
            continue;
        };
        let inherits = entry
            .node
            .get("workspace")
            .and_then(|n| n.as_bool())
            .unwrap_or(false);
        let (src_df, value) = if inherits {
            if root.is_none() {
                root = Some(workspace_root(tree, df, dir)?);
            }
            let found = root.as_ref().and_then(|r| r.as_ref()).and_then(|r| {
                r.root
                    .path("workspace.package")
                    .and_then(|p| p.get(key))
                    .map(|n| (r.clone(), n.clone()))
            });
            match found {
                Some((r, n)) => (r, n),
                None => {
                    out.broken_inheritance
                        .push((key.to_string(), df.location(&entry.key_span)));
                    continue;
                }
            }
        } else {
            (df.clone(), entry.node.clone())
        };
        match key {
            "version" => {
                out.version = Field::of_str(&src_df, &value);
                if inherits {
                    out.version_from = Some(src_df.path.clone());
                }
            }
            "publish" => {
                // `publish = ["other-registry"]` never reaches crates.io.
                out.private = value.as_bool() == Some(false)
                    || value
                        .as_array()
                        .is_some_and(|a| !a.iter().any(|r| r.as_str() == Some("crates-io")));
            }
            _ => {
                let present = match value.as_str() {
                    Some(s) => !s.trim().is_empty(),
                    None => true,
                };
                if present {
                    out.present
                        .push((key.to_string(), src_df.location(&value.span)));
                }
            }
        }
    }
    // Without a version (Cargo 1.75+) or at 0.0.0 a crate is not published.
    if node.get("version").is_none() || out.version.as_ref().is_some_and(|v| v.value == "0.0.0") {
        out.private = true;
    }
    Ok(out)
}

/// The workspace root a package inherits from: `package.workspace = "…"`, else
/// the nearest ancestor Cargo.toml with `[workspace]` (including its own).
fn workspace_root(
    tree: &Tree,
    df: &Arc<DataFile>,
    dir: &str,
) -> Result<Option<Arc<DataFile>>, FileError> {
    if df.root.get("workspace").is_some() {
        return Ok(Some(df.clone()));
    }
    if let Some(p) = df.root.path("package.workspace").and_then(|n| n.as_str()) {
        let path = join(&join(dir, p), "Cargo.toml");
        return if tree.exists(&path) {
            tree.toml(&path).map(Some)
        } else {
            Ok(None)
        };
    }
    let mut d = dir.to_string();
    while !d.is_empty() {
        d = dir_of(&d).to_string();
        let path = join(&d, "Cargo.toml");
        if tree.exists(&path) {
            let ws = tree.toml(&path)?;
            if ws.root.get("workspace").is_some() {
                return Ok(Some(ws));
            }
        }
    }
    Ok(None)
}

/// Member directories named by `members` (globs allowed) minus `exclude`.
fn expand_members(tree: &Tree, dir: &str, ws: &Node) -> Vec<String> {
    let list = |key: &str| -> Vec<String> {
        ws.get(key)
            .and_then(|n| n.as_array())
            .unwrap_or(&[])
            .iter()
            .filter_map(|n| n.as_str())
            .map(|s| join(dir, s.trim_end_matches('/')))
            .collect()
    };
    let exclude = super::build_exclude(&list("exclude"));
    super::expand_dirs(tree, &list("members"), "Cargo.toml")
        .into_iter()
        .filter(|m| !exclude(m))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::repo::test_tree as tree;

    #[test]
    fn inherits_from_workspace_package() {
        let (_d, t) = tree(&[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\", \"crates/a/**\"]\nexclude = [\"crates/skip\"]\n\n[workspace.package]\nversion = \"2.1.0\"\nlicense = \"MIT\"\nrepository = \"https://github.com/o/r\"\n",
            ),
            (
                "crates/a/Cargo.toml",
                "[package]\nname = \"a\"\nversion.workspace = true\nlicense.workspace = true\nrepository = { workspace = true }\ndescription = \"A\"\n",
            ),
            ("crates/skip/Cargo.toml", "[package]\nname = \"s\"\n"),
            ("crates/notes/README.md", "x"),
            (
                "crates/a/tests/fixtures/Cargo.toml",
                "[package]\nname = \"fixture\"\n",
            ),
        ]);
        let root = read(&t, "Cargo.toml").unwrap();
        assert_eq!(root.members, vec!["crates/a".to_string()]);
        assert_eq!(root.workspace_version.unwrap().location.line, 6);
        let a = read(&t, "crates/a/Cargo.toml").unwrap().package.unwrap();
        let v = a.version.unwrap();
        assert_eq!(
            (v.value.as_str(), v.location.path.as_str(), v.location.line),
            ("2.1.0", "Cargo.toml", 6)
        );
        assert_eq!(a.version_from.as_deref(), Some("Cargo.toml"));
        let keys: Vec<&str> = a.present.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, vec!["description", "license", "repository"]);
    }

    #[test]
    fn missing_inherited_key_is_reported() {
        let (_d, t) = tree(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"a\"]\n"),
            (
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"0.1.0\"\nlicense.workspace = true\npublish = false\n",
            ),
        ]);
        let a = read(&t, "a/Cargo.toml").unwrap().package.unwrap();
        assert_eq!(a.broken_inheritance[0].0, "license");
        assert!(a.private);
        assert_eq!(a.version.unwrap().location.line, 3);
    }

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join("crates/a", "../b"), "crates/b");
        assert_eq!(join("", "./x/"), "x");
    }
}
