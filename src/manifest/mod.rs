//! Package manifests and release config, read through the tree cache with
//! exact lines: Cargo.toml, pyproject.toml, package.json, mix.exs,
//! release-please's manifest and config, and CHANGELOG.md. [`discover`]
//! groups them into packages — the root, each release-please package and
//! workspace member, and each nested manifest nobody names — so that versions
//! are only ever compared within one package.

pub mod cargo;
pub mod changelog;
pub mod mix;
pub mod npm;
pub mod pyproject;
pub mod release_please;

use crate::finding::Location;
use crate::repo::{FileError, Tree};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A string value and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub value: String,
    pub location: Location,
}

impl Field {
    /// A string value of a TOML or JSON file, where it is written; None when
    /// the node is not a string.
    pub fn of_str(df: &crate::repo::DataFile, node: &crate::repo::spanned::Node) -> Option<Field> {
        node.as_str().map(|s| Field {
            value: s.to_string(),
            location: df.location(&node.span),
        })
    }
}

/// What kind of thing says the version; package manifests outrank the rest
/// when no majority decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Manifest,
    ReleasePlease,
    Changelog,
}

/// One place that states a package's version.
#[derive(Debug, Clone)]
pub struct VersionSource {
    /// e.g. `Cargo.toml package.version`.
    pub label: String,
    pub kind: SourceKind,
    pub field: Field,
}

impl VersionSource {
    /// `Cargo.toml:3 (package.version) = 1.0.0`
    pub fn describe(&self) -> String {
        format!(
            "{} = {} ({}:{})",
            self.label, self.field.value, self.field.location.path, self.field.location.line
        )
    }
}

/// A manifest read for one package.
#[derive(Debug, Clone)]
pub enum Manifest {
    Cargo(cargo::CargoManifest),
    Pyproject(pyproject::Pyproject),
    Npm(npm::PackageJson),
    Mix(mix::MixProject),
}

impl Manifest {
    pub fn path(&self) -> &str {
        match self {
            Manifest::Cargo(m) => &m.path,
            Manifest::Pyproject(m) => &m.path,
            Manifest::Npm(m) => &m.path,
            Manifest::Mix(m) => &m.path,
        }
    }
}

/// One package: a directory and everything that speaks for it.
#[derive(Debug, Clone, Default)]
pub struct Package {
    /// `""` for the root.
    pub dir: String,
    /// Named by release-please or a workspace (or the root).
    pub named: bool,
    /// Named by release-please's config or manifest.
    pub released: bool,
    pub manifests: Vec<Manifest>,
    pub release_please: Option<Field>,
    /// The CHANGELOG path, if there is one.
    pub changelog: Option<String>,
    /// Sources not compared, and why (dynamic versions, placeholders).
    pub notes: Vec<String>,
    /// The release-please manifest's path, when it has an entry here.
    pub release_please_path: Option<String>,
}

impl Package {
    pub fn display(&self) -> &str {
        if self.dir.is_empty() { "." } else { &self.dir }
    }

    /// Every version source of this package (the CHANGELOG's newest release
    /// included), de-duplicated by location.
    pub fn sources(&self, tree: &Tree) -> Result<Vec<VersionSource>, FileError> {
        let mut out: Vec<VersionSource> = Vec::new();
        let mut push = |label: String, kind, field: Field| {
            if is_placeholder(&field.value) {
                return;
            }
            if !out.iter().any(|s| s.field.location == field.location) {
                out.push(VersionSource { label, kind, field });
            }
        };
        // A crate that says it is never published (`publish = false`),
        // beside a manifest of another registry that states a version (the
        // Node-API binding of a package npm receives), is that package's
        // build: the other manifest carries the release, and nobody bumps
        // the crate's own number.
        let published_elsewhere = self.release_please.is_none()
            && self.manifests.iter().any(|m| match m {
                Manifest::Npm(n) => !n.private && n.version.is_some(),
                Manifest::Pyproject(p) => !p.private && !p.never_built && p.version.is_some(),
                Manifest::Mix(m) => m.version.is_some(),
                Manifest::Cargo(_) => false,
            });
        for m in &self.manifests {
            match m {
                Manifest::Cargo(c) => {
                    if published_elsewhere && c.package.as_ref().is_some_and(|p| p.private) {
                        continue;
                    }
                    if let Some(p) = &c.package
                        && let Some(v) = &p.version
                    {
                        let label = match &p.version_from {
                            Some(ws) => format!(
                                "{} package.version (inherited from {ws} [workspace.package])",
                                c.path
                            ),
                            None => format!("{} package.version", c.path),
                        };
                        push(label, SourceKind::Manifest, v.clone());
                    }
                    // The workspace version speaks for the root package only
                    // when the root has no version of its own.
                    let own_literal = c
                        .package
                        .as_ref()
                        .is_some_and(|p| p.version.is_some() && p.version_from.is_none());
                    if let Some(v) = &c.workspace_version
                        && !own_literal
                    {
                        push(
                            format!("{} workspace.package.version", c.path),
                            SourceKind::Manifest,
                            v.clone(),
                        );
                    }
                }
                Manifest::Pyproject(p) => {
                    // An environment-only pyproject (a uv workspace root
                    // with `package = false`) is never built: its version
                    // is a placeholder, unless release-please versions it.
                    if p.never_built && self.release_please.is_none() {
                        continue;
                    }
                    if let Some(v) = &p.version {
                        let label = if v.location.path == p.path {
                            format!("{} version", p.path)
                        } else {
                            format!("{} (the dynamic version of {})", v.location.path, p.path)
                        };
                        push(label, SourceKind::Manifest, v.clone());
                    }
                }
                Manifest::Npm(n) => {
                    // A private package.json is tooling (commit hooks, a
                    // workspace root, a docs build) whose version nobody bumps,
                    // unless release-please versions this package.
                    if n.private && self.release_please.is_none() {
                        continue;
                    }
                    if let Some(v) = &n.version {
                        push(
                            format!("{} version", n.path),
                            SourceKind::Manifest,
                            v.clone(),
                        );
                    }
                }
                Manifest::Mix(m) => {
                    if let Some(v) = &m.version {
                        push(
                            format!("{} version", m.path),
                            SourceKind::Manifest,
                            v.clone(),
                        );
                    }
                }
            }
        }
        if let Some(v) = &self.release_please {
            push(
                format!(
                    "{} \"{}\"",
                    self.release_please_path
                        .as_deref()
                        .unwrap_or(release_please::MANIFEST),
                    self.display()
                ),
                SourceKind::ReleasePlease,
                v.clone(),
            );
        }
        if let Some(cl) = &self.changelog {
            let doc = tree.markdown(cl)?;
            if let Some(v) = changelog::newest_release(&doc) {
                push(
                    format!("{cl} newest release heading"),
                    SourceKind::Changelog,
                    v,
                );
            }
        }
        Ok(out)
    }
}

/// The packages in a tree, and the manifests that could not be read.
#[derive(Debug, Default)]
pub struct Discovery {
    pub packages: Vec<Package>,
    /// Fail-closed: manifests that must be judged but do not parse.
    pub errors: Vec<FileError>,
}

/// The package.json files of a package that are its tooling rather than
/// what it releases: beside another ecosystem's manifest that states the
/// version (a Rust or Python package or a gem with a package.json for its
/// tests, linters or docs build), in a tree whose release workflows publish, but never to
/// npm, and with no release-please entry versioning the package. Without
/// that evidence (nothing published by CI, or npm published) every
/// package.json stays a version source.
pub fn tooling_package_json<'p>(
    tree: &crate::repo::Tree,
    pkg: &'p Package,
    published: &crate::workflow::publish::Published,
) -> Vec<&'p str> {
    if !published.any()
        || published.to(crate::workflow::publish::Registry::Npm)
        || pkg.release_please.is_some()
    {
        return Vec::new();
    }
    let other_versioned = pkg.manifests.iter().any(|m| match m {
        Manifest::Cargo(c) => c.package.as_ref().is_some_and(|p| p.version.is_some()),
        Manifest::Pyproject(p) => p.version.is_some(),
        Manifest::Mix(m) => m.version.is_some(),
        Manifest::Npm(_) => false,
    });
    // A gem's specification always states its version (RubyGems requires
    // one), so a gemspec in the folder is such a manifest too.
    let gemspec = || {
        tree.paths().any(|p| {
            p.ends_with(".gemspec") && p.rsplit_once('/').map_or("", |(d, _)| d) == pkg.dir
        })
    };
    if !other_versioned && !gemspec() {
        return Vec::new();
    }
    pkg.manifests
        .iter()
        .filter_map(|m| match m {
            Manifest::Npm(n) => Some(n.path.as_str()),
            _ => None,
        })
        .collect()
}

/// Path segments under which an unnamed manifest is test data or vendored
/// code, not a package of this repository (a test suite's expected output
/// may well be a file named `Cargo.toml`). Dot-directories other than
/// `.github` (tool scratch, agent worktrees) are not ours either.
const NOT_OURS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "snapshots",
    "__snapshots__",
    "node_modules",
    "fixtures",
    "fixture",
    "__fixtures__",
    "testdata",
    "test-data",
    "test_data",
    "vendor",
    "vendored",
    "third_party",
    "third-party",
];

/// Whether a directory lies under a test-data or vendored folder (`tests/`,
/// `fixtures/`, `vendor/`, …): a manifest there, even one a workspace names
/// (a UI-test harness crate), is not a package published from this tree.
pub fn under_test_data(dir: &str) -> bool {
    dir.split('/').any(not_ours)
}

/// A folder name under which a manifest is test data or vendored code.
fn not_ours(seg: &str) -> bool {
    NOT_OURS.contains(&seg) || crate::repo::paths::test_collection(seg)
}

const MANIFEST_NAMES: &[&str] = &["Cargo.toml", "pyproject.toml", "package.json", "mix.exs"];

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Groups the tree's manifests into packages.
pub fn discover(tree: &Tree) -> Discovery {
    discover_selected(tree, None)
}

/// [`discover`], made once per run and shared: every check that judges the
/// packages asks for the same discovery.
pub fn discovered(tree: &Tree) -> std::sync::Arc<Discovery> {
    tree.whole(|| discover(tree))
}

/// [`discover`], reading only the files in `selected` (a check's `files`
/// setting) when given.
pub fn discover_selected(tree: &Tree, selected: Option<&[&str]>) -> Discovery {
    let chosen = |p: &str| selected.is_none_or(|s| s.contains(&p));
    let mut d = Discovery::default();
    let mut named: BTreeMap<String, ()> = BTreeMap::new();
    named.insert(String::new(), ());
    let (rp_config_path, rp_manifest_path) = release_please::file_paths(tree);
    let rp_manifest =
        match release_please::read_manifest(tree).filter(|_| chosen(&rp_manifest_path)) {
            Some(Ok(m)) => Some(m),
            Some(Err(e)) => {
                d.errors.push(e);
                None
            }
            None => None,
        };
    let rp_config = match release_please::read_config(tree).filter(|_| chosen(&rp_config_path)) {
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            d.errors.push(e);
            None
        }
        None => None,
    };
    for (dir, _, _) in rp_manifest.iter().flat_map(|m| &m.entries) {
        named.insert(dir.clone(), ());
    }
    for p in rp_config.iter().flat_map(|c| &c.packages) {
        named.insert(p.dir.clone(), ());
    }
    // Workspaces declared at the root name their members.
    let mut manifests: BTreeMap<String, Vec<Manifest>> = BTreeMap::new();
    let paths: Vec<&str> = tree
        .paths()
        .filter(|p| MANIFEST_NAMES.contains(&file_name(p)) && chosen(p))
        .collect();
    let read_one = |p: &str, d: &mut Discovery| -> Option<Manifest> {
        let r = match file_name(p) {
            "Cargo.toml" => cargo::read(tree, p).map(Manifest::Cargo),
            "pyproject.toml" => pyproject::read(tree, p).map(Manifest::Pyproject),
            "package.json" => npm::read(tree, p).map(Manifest::Npm),
            _ => tree.text(p).map(|tf| Manifest::Mix(mix::read(p, &tf))),
        };
        match r {
            Ok(m) => Some(m),
            Err(e) => {
                d.errors.push(e);
                None
            }
        }
    };
    // Root manifests first: their workspaces decide what is named.
    for p in paths.iter().filter(|p| !p.contains('/')) {
        if let Some(m) = read_one(p, &mut d) {
            match &m {
                Manifest::Cargo(c) => c.members.iter().for_each(|m| {
                    named.insert(m.clone(), ());
                }),
                Manifest::Npm(n) => n.workspaces.iter().for_each(|m| {
                    named.insert(m.clone(), ());
                }),
                Manifest::Pyproject(p) => p.workspace_members.iter().for_each(|m| {
                    named.insert(m.clone(), ());
                }),
                _ => {}
            }
            manifests.entry(String::new()).or_default().push(m);
        }
    }
    for p in paths.iter().filter(|p| p.contains('/')) {
        let dir = cargo::dir_of(p);
        let ours = named.contains_key(dir)
            || !dir
                .split('/')
                .any(|seg| not_ours(seg) || (seg.starts_with('.') && seg != ".github"));
        if !ours {
            continue;
        }
        if let Some(m) = read_one(p, &mut d) {
            manifests.entry(dir.to_string()).or_default().push(m);
        }
    }
    let mut dirs: Vec<String> = named.keys().cloned().collect();
    for k in manifests.keys() {
        if !dirs.contains(k) {
            dirs.push(k.clone());
        }
    }
    dirs.sort();
    for dir in dirs {
        let mut pkg = Package {
            named: named.contains_key(&dir),
            released: rp_manifest
                .iter()
                .flat_map(|m| &m.entries)
                .any(|(d, _, _)| *d == dir)
                || rp_config
                    .iter()
                    .flat_map(|c| &c.packages)
                    .any(|p| p.dir == dir),
            manifests: manifests.remove(&dir).unwrap_or_default(),
            release_please: rp_manifest.as_ref().and_then(|m| {
                m.entries
                    .iter()
                    .find(|(d, _, _)| *d == dir)
                    .map(|(_, _, f)| f.clone())
            }),
            release_please_path: rp_manifest.as_ref().map(|m| m.path.clone()),
            dir: dir.clone(),
            ..Package::default()
        };
        let rp_package = rp_config
            .iter()
            .flat_map(|c| &c.packages)
            .find(|p| p.dir == dir);
        let configured = rp_package
            .and_then(|p| p.changelog_path.clone())
            .and_then(|c| {
                // release-please reads it relative to the package; configs
                // that spell it from the root are common enough to accept.
                [cargo::join(&dir, &c), cargo::join("", &c)]
                    .into_iter()
                    .find(|p| tree.exists(p) && chosen(p))
            });
        pkg.changelog = if rp_package.is_some_and(|p| p.skip_changelog) {
            let note = format!(
                "{}: release-please keeps no CHANGELOG (skip-changelog)",
                pkg.display()
            );
            pkg.notes.push(note);
            None
        } else {
            configured.or_else(|| {
                let found = changelog::NAMES
                    .iter()
                    .map(|n| cargo::join(&dir, n))
                    .find(|p| tree.exists(p) && chosen(p))?;
                // A changelog that says it is no longer kept and hands over
                // to another records none of the package's newer releases.
                // The file it names is the package's changelog when it lies
                // in the package's own folder (`docs/changes.md`); one
                // outside it (a workspace's shared `../CHANGELOG.md`, headed
                // with another package's versions) is not this package's.
                let over = tree
                    .markdown(&found)
                    .ok()
                    .and_then(|doc| changelog::handed_over(&doc));
                let to = match over {
                    None => return Some(found),
                    Some(changelog::HandOver::Text(sentence)) => {
                        pkg.notes.push(format!(
                            "{found}: no longer kept (\"{sentence}\"); not read as this package's changelog"
                        ));
                        return None;
                    }
                    Some(changelog::HandOver::Link(to)) => to,
                };
                let target = (!to.contains(':') && !to.starts_with('/'))
                    .then(|| cargo::join(cargo::dir_of(&found), &to))
                    .filter(|t| {
                        tree.exists(t)
                            && t != &found
                            && (dir.is_empty() || t.starts_with(&format!("{dir}/")))
                    });
                if target.is_none() {
                    pkg.notes.push(format!(
                        "{found}: no longer kept (it hands over to {to}); not read as this package's changelog"
                    ));
                }
                target
            })
        };
        for m in &pkg.manifests {
            match m {
                Manifest::Pyproject(p) if p.is_package => {
                    if let Some(n) = &p.version_note {
                        pkg.notes.push(format!("{}: {n}", p.path));
                    }
                }
                Manifest::Mix(m) => {
                    if let Some(n) = &m.version_note {
                        pkg.notes.push(format!("{}: {n}", m.path));
                    }
                }
                _ => {}
            }
        }
        d.packages.push(pkg);
    }
    d
}

/// A workspace `exclude` list as a test: a directory excluded by a path or glob
/// (and everything below it).
pub fn build_exclude(patterns: &[String]) -> impl Fn(&str) -> bool + use<> {
    let globs: Vec<String> = patterns
        .iter()
        .flat_map(|p| [p.clone(), format!("{p}/**")])
        .collect();
    let set = crate::repo::build_globset(&globs).ok();
    move |dir: &str| set.as_ref().is_some_and(|s| s.is_match(dir))
}

/// Directories matching `patterns` (globs, relative to the root) that hold `file`.
pub fn expand_dirs(tree: &Tree, patterns: &[String], file: &str) -> Vec<String> {
    let globs: Vec<String> = patterns
        .iter()
        .filter(|p| !p.starts_with('!'))
        .map(|p| format!("{p}/{file}"))
        .collect();
    let negated: Vec<String> = patterns
        .iter()
        .filter_map(|p| p.strip_prefix('!'))
        .map(|p| format!("{p}/{file}"))
        .collect();
    if globs.is_empty() {
        return Vec::new();
    }
    let Ok(set) = crate::repo::build_globset(&globs) else {
        return Vec::new();
    };
    let neg = crate::repo::build_globset(&negated).ok();
    // `packages/**` must not pull in test fixtures or vendored code below a
    // member, unless a pattern names such a directory itself.
    let named_outright = |seg: &str| patterns.iter().any(|p| p.split('/').any(|s| s == seg));
    let mut out: Vec<String> = tree
        .paths()
        // The name test first: it is cheap, the glob set is not.
        .filter(|p| file_name(p) == file)
        .filter(|p| set.is_match(p) && !neg.as_ref().is_some_and(|n| n.is_match(p)))
        .map(|p| cargo::dir_of(p).to_string())
        .filter(|d| {
            !d.split('/')
                .any(|seg| not_ours(seg) && !named_outright(seg))
        })
        .collect();
    out.dedup();
    out
}

/// Versions as compared: without a leading `v`, lower-case, and `1.2` read
/// as `1.2.0`.
pub fn normalize(v: &str) -> String {
    let v = v.trim().trim_start_matches(['v', 'V']).to_lowercase();
    let cut = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let (core, rest) = v.split_at(cut);
    let parts = core.split('.').count();
    if core.is_empty() || core.ends_with('.') || parts >= 3 {
        return v;
    }
    format!("{core}{}{rest}", ".0".repeat(3 - parts))
}

/// `0.0.0`, `0.0.0-development`: a version that release tooling fills in
/// later; `1.5.0-dev`, `2.0.0.dev0`, `3.1-SNAPSHOT`: a development version
/// between releases, which no released source is expected to match.
pub fn is_placeholder(v: &str) -> bool {
    let n = normalize(v);
    n == "0.0.0"
        || n.starts_with("0.0.0-")
        || n.contains("semantically-released")
        || n.ends_with("-dev")
        || n.contains("-dev.")
        || n.contains(".dev")
        || n.ends_with("-snapshot")
}

/// A version read by the rules of the ecosystem that wrote it: Semantic
/// Versioning (`1.2.3-rc.1`), else PEP 440 (`1.2.3rc1`, `1.2.3.post1`).
enum Parsed {
    Semver(semver::Version),
    Pep440,
}

fn parse_version(v: &str) -> Option<Parsed> {
    let n = normalize(v);
    if let Ok(s) = semver::Version::parse(&n) {
        return Some(Parsed::Semver(s));
    }
    n.parse::<pep440_rs::Version>().ok().map(|_| Parsed::Pep440)
}

/// The same version in the form PEP 440 gives it, when it has one: the key
/// under which `1.0.0-rc1` (a Cargo or npm spelling) and `1.0.0rc1` (the
/// Python one) are one release, as maturin and similar tools treat them.
pub fn canonical(v: &str) -> String {
    let n = normalize(v);
    let n = n.split('+').next().unwrap_or(&n).to_string();
    match n.parse::<pep440_rs::Version>() {
        Ok(p) => p.to_string(),
        Err(_) => n,
    }
}

/// Release order. Two Semantic Versions compare by semver (build metadata
/// ignored); otherwise two PEP 440 versions by PEP 440 (`1.0.0.post1` after
/// `1.0.0`, `1.0.0rc1` before it); anything else by numeric parts, a
/// release above its pre-releases.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    match (parse_version(a), parse_version(b)) {
        (Some(Parsed::Semver(x)), Some(Parsed::Semver(y))) => {
            return x.cmp_precedence(&y);
        }
        (Some(_), Some(_)) => {
            if let (Ok(x), Ok(y)) = (
                canonical(a).parse::<pep440_rs::Version>(),
                canonical(b).parse::<pep440_rs::Version>(),
            ) {
                return x.cmp(&y);
            }
        }
        _ => {}
    }
    loose_compare(a, b)
}

/// Numeric parts, then a release above its pre-releases: for versions
/// neither scheme reads (`2024.01-beta`, `1.2.3.4.5-x`).
fn loose_compare(a: &str, b: &str) -> Ordering {
    fn split(v: &str) -> (Vec<u64>, Option<String>) {
        let v = normalize(v);
        let v = v.split('+').next().unwrap_or("").to_string();
        let cut = v
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(v.len());
        let nums = v[..cut]
            .split('.')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap_or(0))
            .collect();
        let pre = (cut < v.len()).then(|| v[cut..].trim_start_matches(['-', '.']).to_string());
        (nums, pre)
    }
    let (an, ap) = split(a);
    let (bn, bp) = split(b);
    let len = an.len().max(bn.len());
    for i in 0..len {
        let o = an.get(i).unwrap_or(&0).cmp(bn.get(i).unwrap_or(&0));
        if o != Ordering::Equal {
            return o;
        }
    }
    match (ap, bp) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => compare_prerelease(&x, &y),
    }
}

/// Semver pre-release order: dot-separated identifiers, numbers numerically
/// (`alpha.10` after `alpha.9`), numbers before words, shorter first on a tie.
fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let mut xs = a.split(['.', '-']);
    let mut ys = b.split(['.', '-']);
    loop {
        return match (xs.next(), ys.next()) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => {
                // PEP 440 style `rc10` splits into word and number too.
                let split = |s: &str| {
                    let i = s.find(|c: char| c.is_ascii_digit()).unwrap_or(s.len());
                    (s[..i].to_string(), s[i..].parse::<u64>().ok())
                };
                let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => {
                        let (xw, xn) = split(x);
                        let (yw, yn) = split(y);
                        xw.cmp(&yw).then(xn.cmp(&yn))
                    }
                };
                if o == Ordering::Equal {
                    continue;
                }
                o
            }
        };
    }
}

/// The value most sources agree on: a strict majority, else the one that
/// package manifests agree on; `None` when nothing decides.
pub fn consensus(sources: &[VersionSource]) -> Option<String> {
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for s in sources {
        let g = groups.entry(canonical(&s.field.value)).or_default();
        g.0 += 1;
        if s.kind == SourceKind::Manifest {
            g.1 += 1;
        }
    }
    let best = groups.values().map(|g| g.0).max()?;
    let top: Vec<(&String, &(usize, usize))> = groups.iter().filter(|(_, g)| g.0 == best).collect();
    if top.len() == 1 {
        return Some(top[0].0.clone());
    }
    let manifest_backed: Vec<&String> = groups
        .iter()
        .filter(|(_, g)| g.1 > 0)
        .map(|(v, _)| v)
        .collect();
    if manifest_backed.len() == 1 {
        return Some(manifest_backed[0].clone());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_versions_are_not_compared() {
        for v in [
            "0.0.0",
            "0.0.0-development",
            "1.5.0-dev",
            "2.0.0.dev0",
            "3.1-SNAPSHOT",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in ["1.5.0", "1.5.0-rc.1", "2.0.0b1", "0.10.0"] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn normalizing() {
        assert_eq!(normalize("v1.2"), "1.2.0");
        assert_eq!(normalize("1.2-rc1"), "1.2.0-rc1");
        assert_eq!(normalize("1.2.3.4"), "1.2.3.4");
        assert_eq!(normalize("V2.0.0-Beta"), "2.0.0-beta");
    }

    #[test]
    fn one_release_under_both_spellings() {
        assert_eq!(canonical("1.0.0rc1"), canonical("1.0.0-rc1"));
        assert_eq!(canonical("v1.2"), canonical("1.2.0"));
        assert_ne!(canonical("1.0.0"), canonical("1.0.0.post1"));
        assert_eq!(compare_versions("1.0.0.post1", "1.0.0"), Ordering::Greater);
        assert_eq!(compare_versions("1.0.0rc1", "1.0.0-rc1"), Ordering::Equal);
        assert_eq!(compare_versions("1.0.0.dev1", "1.0.0a1"), Ordering::Less);
        assert_eq!(compare_versions("1.0.0+build.5", "1.0.0"), Ordering::Equal);
        assert_eq!(compare_versions("2024.01-beta", "2024.01"), Ordering::Less);
    }

    #[test]
    fn ordering() {
        assert_eq!(compare_versions("1.10.0", "1.9.9"), Ordering::Greater);
        assert_eq!(compare_versions("2.0.0-rc.1", "2.0.0"), Ordering::Less);
        assert_eq!(compare_versions("v1.2", "1.2.0"), Ordering::Equal);
        assert_eq!(compare_versions("1.0.0rc1", "1.0.0"), Ordering::Less);
        assert_eq!(
            compare_versions("5.0.0-alpha.10", "5.0.0-alpha.9"),
            Ordering::Greater
        );
        assert_eq!(
            compare_versions("1.0.0-rc.1", "1.0.0-beta.11"),
            Ordering::Greater
        );
        assert_eq!(compare_versions("2.0.0rc10", "2.0.0rc9"), Ordering::Greater);
        assert_eq!(
            compare_versions("1.0.0-alpha", "1.0.0-alpha.1"),
            Ordering::Less
        );
    }

    fn src(v: &str, kind: SourceKind) -> VersionSource {
        VersionSource {
            label: "x".into(),
            kind,
            field: Field {
                value: v.into(),
                location: Location::file("x"),
            },
        }
    }

    #[test]
    fn consensus_prefers_majority_then_manifests() {
        use SourceKind::*;
        let s = [
            src("1.4.0", Manifest),
            src("1.4.0", Changelog),
            src("1.3.9", ReleasePlease),
        ];
        assert_eq!(consensus(&s).as_deref(), Some("1.4.0"));
        let s = [src("2.1.0", Manifest), src("2.0.3", Changelog)];
        assert_eq!(consensus(&s).as_deref(), Some("2.1.0"));
        let s = [src("1.0.0", Manifest), src("2.0.0", Manifest)];
        assert_eq!(consensus(&s), None);
    }
}
