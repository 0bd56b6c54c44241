//! `pyproject.toml`: PEP 621 `[project]` and Poetry `[tool.poetry]`. A
//! `dynamic` version is followed to where it is written (hatch `path`,
//! setuptools `attr`/`file`, flit's module `__version__`) or skipped with the
//! reason (versions from git tags, maturin's Cargo.toml).

use super::Field;
use super::cargo::{dir_of, join};
use crate::finding::Location;
use crate::repo::spanned::Node;
use crate::repo::{DataFile, FileError, Tree};
use regex::Regex;

/// Metadata PyPI refuses a distribution without (`version` may be dynamic).
pub const REQUIRED: &[&str] = &["name", "version"];

/// Metadata PyPI users rely on and the packaging guide asks for.
pub const EXPECTED: &[&str] = &["description", "license", "readme"];

#[derive(Debug, Clone)]
pub struct Pyproject {
    pub path: String,
    /// `[project]` or `[tool.poetry]` exists: this describes a package.
    pub is_package: bool,
    pub version: Option<Field>,
    /// Why the version is not a source (dynamic and not followed).
    pub version_note: Option<String>,
    /// `package-mode = false`, `Private :: Do Not Upload`, or no build system.
    pub private: bool,
    /// `package-mode = false` (Poetry) or `[tool.uv] package = false`: the
    /// file only sets up an environment (a workspace root, a dev setup);
    /// nothing is built from it, so nobody bumps its version.
    pub never_built: bool,
    /// A PEP 621 project with no `[build-system]`: usually an application,
    /// unless a workflow uploads it to PyPI.
    pub no_build_system: bool,
    pub present: Vec<(String, Location)>,
    /// The `[project]` (or `[tool.poetry]`) header.
    pub location: Location,
    /// The `Cargo.toml` maturin builds into this wheel (build-backend
    /// `maturin`; `[tool.maturin] manifest-path`, else the one beside it).
    pub maturin_crate: Option<String>,
    /// uv workspace member directories (relative to the root).
    pub workspace_members: Vec<String>,
}

pub fn read(tree: &Tree, path: &str) -> Result<Pyproject, FileError> {
    let df = tree.toml(path)?;
    let root = &df.root;
    let project = root.entry("project").filter(|e| e.node.is_table());
    let poetry_entry = root
        .get("tool")
        .and_then(|t| t.entry("poetry"))
        .filter(|e| e.node.is_table());
    let poetry = poetry_entry.map(|e| &e.node);
    let location = project
        .or(poetry_entry)
        .map(|e| df.location(&e.key_span))
        .unwrap_or_else(|| Location::file(path));
    let mut out = Pyproject {
        path: path.to_string(),
        is_package: project.is_some() || poetry.is_some_and(|p| p.get("name").is_some()),
        version: None,
        version_note: None,
        private: false,
        never_built: false,
        no_build_system: false,
        present: Vec::new(),
        location,
        maturin_crate: None,
        workspace_members: Vec::new(),
    };
    if let Some(ws) = root.path("tool.uv.workspace") {
        let list = |key: &str| -> Vec<String> {
            ws.get(key)
                .and_then(|n| n.as_array())
                .unwrap_or(&[])
                .iter()
                .filter_map(|n| n.as_str())
                .map(|s| join(dir_of(path), s.trim_end_matches('/')))
                .collect()
        };
        let exclude = super::build_exclude(&list("exclude"));
        out.workspace_members = super::expand_dirs(tree, &list("members"), "pyproject.toml")
            .into_iter()
            .filter(|m| !exclude(m))
            .collect();
    }
    let backend = root
        .path("build-system.build-backend")
        .and_then(|n| n.as_str())
        .unwrap_or("");
    if backend == "maturin" {
        let manifest = root
            .path("tool.maturin.manifest-path")
            .and_then(|n| n.as_str())
            .unwrap_or("Cargo.toml");
        out.maturin_crate = Some(join(dir_of(path), manifest));
    }
    let classifiers = |n: Option<&Node>| -> Vec<String> {
        n.and_then(|c| c.get("classifiers"))
            .and_then(|c| c.as_array())
            .unwrap_or(&[])
            .iter()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect()
    };
    let mut all_classifiers = classifiers(project.map(|e| &e.node));
    all_classifiers.extend(classifiers(poetry));
    out.never_built = poetry
        .and_then(|p| p.get("package-mode"))
        .and_then(|n| n.as_bool())
        == Some(false)
        || root.path("tool.uv.package").and_then(|n| n.as_bool()) == Some(false);
    out.private = out.never_built || all_classifiers.iter().any(|c| c.starts_with("Private ::"));
    out.no_build_system =
        project.is_some() && poetry.is_none() && root.get("build-system").is_none();
    let dynamic: Vec<&str> = project
        .and_then(|p| p.node.get("dynamic"))
        .and_then(|n| n.as_array())
        .unwrap_or(&[])
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    // Metadata: PEP 621 first, Poetry as the fallback.
    for key in REQUIRED.iter().chain(EXPECTED) {
        let own = project.and_then(|p| p.node.get(key));
        let found = own.or_else(|| poetry.and_then(|p| p.get(key)));
        if let Some(n) = found {
            out.present.push((key.to_string(), df.location(&n.span)));
        } else if dynamic.contains(key) {
            out.present.push((key.to_string(), out.location.clone()));
        } else if *key == "license" {
            let alt = project
                .and_then(|p| p.node.get("license-files"))
                .map(|n| df.location(&n.span))
                .or_else(|| {
                    all_classifiers
                        .iter()
                        .any(|c| c.starts_with("License ::"))
                        .then(|| out.location.clone())
                });
            if let Some(l) = alt {
                out.present.push((key.to_string(), l));
            }
        }
    }
    // Version.
    let dir = dir_of(path);
    if let Some(v) = project.and_then(|p| p.node.get("version")) {
        out.version = Field::of_str(&df, v);
    } else if dynamic.contains(&"version") {
        match dynamic_version(tree, &df, dir, backend, project.map(|e| &e.node)) {
            Ok(f) => out.version = Some(f),
            Err(why) => out.version_note = Some(why),
        }
    } else if let Some(v) = poetry.and_then(|p| p.get("version")) {
        out.version = Field::of_str(&df, v);
    }
    let poetry_dynamic = root
        .path("tool.poetry-dynamic-versioning.enable")
        .and_then(|n| n.as_bool())
        == Some(true);
    if poetry_dynamic && out.version.is_some() {
        out.version = None;
        out.version_note =
            Some("poetry-dynamic-versioning sets the version from git tags at build time".into());
    }
    Ok(out)
}

/// Where a dynamic version lives, or why shipgate does not follow it.
fn dynamic_version(
    tree: &Tree,
    df: &DataFile,
    dir: &str,
    backend: &str,
    project: Option<&Node>,
) -> Result<Field, String> {
    let root = &df.root;
    let tool = |p: &str| root.path(&format!("tool.{p}"));
    if let Some(h) = tool("hatch.version") {
        if let Some(p) = h.get("path").and_then(|n| n.as_str()) {
            return version_in_file(tree, &join(dir, p), "__version__|VERSION");
        }
        return Err("the version comes from hatch's version source (not a file path)".into());
    }
    if let Some(v) = tool("setuptools.dynamic.version") {
        if let Some(attr) = v.get("attr").and_then(|n| n.as_str()) {
            let (module, name) = attr.rsplit_once('.').unwrap_or((attr, "__version__"));
            let m = module.replace('.', "/");
            for base in ["", "src/"] {
                for cand in [format!("{base}{m}.py"), format!("{base}{m}/__init__.py")] {
                    let p = join(dir, &cand);
                    if tree.exists(&p) {
                        return version_in_file(tree, &p, &regex::escape(name));
                    }
                }
            }
            return Err(format!(
                "version attr `{attr}`: its module is not in the tree"
            ));
        }
        let file = v.get("file").and_then(|n| {
            n.as_str()
                .map(str::to_string)
                .or_else(|| n.as_array()?.first()?.as_str().map(str::to_string))
        });
        if let Some(f) = file {
            let p = join(dir, &f);
            let tf = tree.text(&p).map_err(|e| e.message)?;
            let line = tf.text.lines().next().unwrap_or("").trim();
            return if line.is_empty() {
                Err(format!("version file {p} is empty"))
            } else {
                Ok(Field {
                    value: line.to_string(),
                    location: Location::new(&p, 1, 1),
                })
            };
        }
    }
    if tool("setuptools_scm").is_some()
        || ["scm", "vcs", "versioningit", "dynamic-versioning", "pbr"]
            .iter()
            .any(|w| backend.contains(w))
    {
        return Err("the version comes from git tags at build time".into());
    }
    if backend.contains("maturin") {
        return Err("maturin takes the version from Cargo.toml".into());
    }
    if backend.contains("flit") {
        let name = tool("flit.module.name")
            .and_then(|n| n.as_str())
            .or_else(|| project?.get("name")?.as_str())
            .map(|n| n.replace(['-', '.'], "_"));
        if let Some(name) = name {
            for cand in [
                format!("{name}/__init__.py"),
                format!("src/{name}/__init__.py"),
                format!("{name}.py"),
            ] {
                let p = join(dir, &cand);
                if tree.exists(&p) {
                    return version_in_file(tree, &p, "__version__");
                }
            }
        }
    }
    Err("`dynamic = [\"version\"]` and shipgate cannot tell where the version is written".into())
}

/// `NAME = "x.y.z"` in a Python file.
fn version_in_file(tree: &Tree, path: &str, names: &str) -> Result<Field, String> {
    let tf = tree
        .text(path)
        .map_err(|e| format!("version file {path}: {}", e.message))?;
    let re = Regex::new(&format!(
        r#"(?m)^\s*(?:{names})\s*(?::\s*[\w.\[\]]+\s*)?=\s*["']v?([^"']+)["']"#
    ))
    .map_err(|e| e.to_string())?;
    let m = re
        .captures(&tf.text)
        .and_then(|c| c.get(1))
        .ok_or_else(|| format!("no version assignment found in {path}"))?;
    Ok(Field {
        value: m.as_str().to_string(),
        location: tf.location(path, m.start()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::repo::test_tree as tree;

    #[test]
    fn pep621_literal() {
        let (_d, t) = tree(&[(
            "pyproject.toml",
            "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"a\"\nversion = \"1.0.0\"\nlicense = \"MIT\"\n",
        )]);
        let p = read(&t, "pyproject.toml").unwrap();
        assert_eq!(p.version.unwrap().location.line, 7);
        assert!(!p.private);
        let keys: Vec<&str> = p.present.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, vec!["name", "version", "license"]);
    }

    #[test]
    fn hatch_path_is_followed() {
        let (_d, t) = tree(&[
            (
                "pyproject.toml",
                "[build-system]\nbuild-backend = \"hatchling.build\"\n[project]\nname = \"a\"\ndynamic = [\"version\"]\n[tool.hatch.version]\npath = \"src/a/__about__.py\"\n",
            ),
            ("src/a/__about__.py", "# x\n__version__ = \"0.3.0\"\n"),
        ]);
        let v = read(&t, "pyproject.toml").unwrap().version.unwrap();
        assert_eq!(
            (v.value.as_str(), v.location.path.as_str(), v.location.line),
            ("0.3.0", "src/a/__about__.py", 2)
        );
    }

    #[test]
    fn setuptools_attr_and_scm() {
        let (_d, t) = tree(&[
            (
                "pyproject.toml",
                "[build-system]\nbuild-backend = \"setuptools.build_meta\"\n[project]\nname = \"b\"\ndynamic = [\"version\"]\n[tool.setuptools.dynamic]\nversion = {attr = \"b.__version__\"}\n",
            ),
            ("src/b/__init__.py", "__version__ = '4.5.6'\n"),
            (
                "scm/pyproject.toml",
                "[build-system]\nbuild-backend = \"setuptools.build_meta\"\n[project]\nname = \"c\"\ndynamic = [\"version\"]\n[tool.setuptools_scm]\n",
            ),
        ]);
        assert_eq!(
            read(&t, "pyproject.toml").unwrap().version.unwrap().value,
            "4.5.6"
        );
        let c = read(&t, "scm/pyproject.toml").unwrap();
        assert!(c.version.is_none());
        assert!(c.version_note.unwrap().contains("git tags"));
    }

    #[test]
    fn poetry_and_tool_only_files() {
        let (_d, t) = tree(&[
            (
                "pyproject.toml",
                "[tool.poetry]\nname = \"p\"\nversion = \"0.9.0\"\ndescription = \"d\"\nlicense = \"MIT\"\nreadme = \"README.md\"\n",
            ),
            ("tools/pyproject.toml", "[tool.ruff]\nline-length = 100\n"),
        ]);
        let p = read(&t, "pyproject.toml").unwrap();
        assert!(p.is_package && !p.private);
        assert_eq!(p.version.unwrap().location.line, 3);
        assert_eq!(p.present.len(), 5);
        assert!(!read(&t, "tools/pyproject.toml").unwrap().is_package);
    }

    #[test]
    fn uv_workspace_members() {
        let (_d, t) = tree(&[
            (
                "pyproject.toml",
                "[project]\nname = \"root\"\n[tool.uv.workspace]\nmembers = [\"packages/*\"]\nexclude = [\"packages/seeds\"]\n",
            ),
            ("packages/a/pyproject.toml", "[project]\nname = \"a\"\n"),
            ("packages/seeds/pyproject.toml", "[project]\nname = \"s\"\n"),
        ]);
        let p = read(&t, "pyproject.toml").unwrap();
        assert_eq!(p.workspace_members, vec!["packages/a".to_string()]);
    }
}
