//! `package.json`: name, version, `private`, license, `repository` and
//! `workspaces` (an array, or `{ "packages": [...] }`).

use super::Field;
use super::cargo::dir_of;
use crate::finding::Location;
use crate::repo::{FileError, Tree};

#[derive(Debug, Clone)]
pub struct PackageJson {
    pub path: String,
    pub name: Option<Field>,
    pub version: Option<Field>,
    pub private: bool,
    pub license: Option<Field>,
    /// `repository` as a string, or its `url`.
    pub repository: Option<Field>,
    /// Workspace member directories (relative to the root).
    pub workspaces: Vec<String>,
    /// Declares what it ships (`main`, `exports`, `bin`, `files`, `types`,
    /// `publishConfig`, …): a library or tool, not an app's dependency list,
    /// a VS Code extension, nor a GitHub Action's build manifest.
    pub ships_entry_points: bool,
    pub location: Location,
}

pub fn read(tree: &Tree, path: &str) -> Result<PackageJson, FileError> {
    let df = tree.json(path)?;
    let root = &df.root;
    let field = |key: &str| root.get(key).and_then(|n| Field::of_str(&df, n));
    let repository = root.get("repository").and_then(|n| {
        let n = if n.is_table() { n.get("url")? } else { n };
        Field::of_str(&df, n)
    });
    // The SPDX-less forms (`licenses: [...]`, `license: {type}`) are legacy but present.
    let license = field("license").or_else(|| {
        let n = root.get("license").or_else(|| root.get("licenses"))?;
        Some(Field {
            value: n.display(),
            location: df.location(&n.span),
        })
    });
    let patterns: Vec<String> = root
        .get("workspaces")
        .map(|w| {
            if w.is_table() {
                w.get("packages")
            } else {
                Some(w)
            }
        })
        .and_then(|w| w?.as_array())
        .unwrap_or(&[])
        .iter()
        .filter_map(|n| n.as_str())
        .map(|s| super::cargo::join(dir_of(path), s.trim_end_matches('/')))
        .collect();
    let workspaces = super::expand_dirs(tree, &patterns, "package.json");
    Ok(PackageJson {
        path: path.to_string(),
        name: field("name"),
        version: field("version"),
        // npm refuses to publish whatever `private` JavaScript reads as
        // true, `"private": "true"` included.
        private: root.get("private").is_some_and(|n| n.is_js_truthy()),
        license,
        repository,
        workspaces,
        // A VS Code extension's manifest (`engines.vscode`) names in `main`
        // the file the editor loads: it is packaged by vsce for the
        // Marketplace, not shipped to npm.
        ships_entry_points: root.get("engines").and_then(|e| e.get("vscode")).is_none()
            && !beside_action(tree, path, root.get("publishConfig").is_some())
            && [
                "main",
                "module",
                "exports",
                "bin",
                "files",
                "types",
                "typings",
                "publishConfig",
            ]
            .iter()
            .any(|k| root.get(k).is_some()),
        location: Location::new(path, 1, 1),
    })
}

/// A GitHub Action's build manifest: an `action.yml` (or `action.yaml`)
/// lies beside it, so `main` names the code the action bundles into `dist/`,
/// and the action ships as a git ref, not to npm. A `publishConfig` still
/// says it is meant for a registry too.
fn beside_action(tree: &Tree, path: &str, publish_config: bool) -> bool {
    !publish_config
        && ["action.yml", "action.yaml"]
            .iter()
            .any(|f| tree.exists(&super::cargo::join(dir_of(path), f)))
}

/// `owner/repo` from the forms npm accepts: `git+https://github.com/o/r.git`,
/// `https://github.com/o/r`, `git@github.com:o/r.git`, `github:o/r`, `o/r`.
pub fn github_repo(url: &str) -> Option<String> {
    let u = url.trim();
    let rest = if let Some(r) = u.strip_prefix("github:") {
        r
    } else if let Some(i) = u.find("github.com") {
        u[i + "github.com".len()..].trim_start_matches([':', '/'])
    } else if !u.contains(':') && u.matches('/').count() == 1 {
        u
    } else {
        return None;
    };
    let mut parts = rest.split('/');
    let owner = parts.next().filter(|s| !s.is_empty())?;
    let repo = parts
        .next()?
        .trim_end_matches(".git")
        .split(['#', '?'])
        .next()?;
    (!repo.is_empty()).then(|| format!("{owner}/{repo}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_repo_forms() {
        for u in [
            "git+https://github.com/o/r.git",
            "https://github.com/o/r",
            "git@github.com:o/r.git",
            "github:o/r",
            "o/r",
            "git+ssh://git@github.com/o/r.git",
        ] {
            assert_eq!(github_repo(u).as_deref(), Some("o/r"), "{u}");
        }
        assert_eq!(github_repo("https://gitlab.com/o/r"), None);
    }
}
