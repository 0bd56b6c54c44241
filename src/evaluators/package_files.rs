//! `package.files`: what the registry package built from a manifest would
//! contain — Hex (`package: [files: …, exclude_patterns: …]` in mix.exs),
//! npm (`files` in package.json, else .npmignore) and Cargo (`include` /
//! `exclude`) — worked out statically from the manifest and the tree, then
//! held to `includes`, `excludes` and "no build junk".

use super::Code;
use super::{Evaluator, EvaluatorSpec, ParamError, params};
use crate::checks::{Context, Outcome};
use crate::finding::{Finding, Location};
use crate::policy::CustomCheck;
use regex::Regex;
use serde::Deserialize;

pub static EVALUATOR: Evaluator = Evaluator {
    spec: EvaluatorSpec {
        name: "package.files",
        summary: "the files the registry package built from `manifest` (mix.exs, package.json, Cargo.toml) would contain: `includes`, `excludes`, `no_build_junk`",
        params: &["manifest", "includes", "excludes", "no_build_junk"],
        doc: "Works out, without running any tool, which files of the tree the package built from \
            `manifest` would contain. Hex (mix.exs): the `files:` of `package` (default: lib, priv, \
            .formatter.exs, mix.exs, README*, LICENSE*, CHANGELOG*, src, c_src, Makefile*), each a \
            path or wildcard, directories taken whole, minus `exclude_patterns:` (strings as \
            substrings, ~r// as regexes). npm (package.json): `files` (`!` entries exclude) plus \
            package.json, README* and LICENSE*; without `files`, every file minus .npmignore (or \
            .gitignore) and what npm always leaves out. Cargo (Cargo.toml): `include`, else every \
            file of the package minus `exclude`, nested packages and target/. Then each glob of \
            `includes` must match a packaged file, no packaged file may match a glob of `excludes`, \
            and with `no_build_junk = true` none may be build output or clutter (_build/, deps/, \
            node_modules/, target/, *.beam, *.tgz, erl_crash.dump, .DS_Store, .env, cover/, …). \
            Findings point at the manifest entry that brings a file in, or at the list in the \
            manifest. Files the tree ignores (.gitignore) are not seen, so this judges what is \
            committed.",
        example: "[[check]]\nid = \"hex-package-contents\"\nuses = \"package.files\"\nmanifest = \"mix.exs\"\nincludes = [\"lib/**/*.ex\", \"CHANGELOG.md\", \"LICENSE\"]\nexcludes = [\"test/**\", \"docs/internal/**\"]\nno_build_junk = true",
        validate,
        validate_in_policy: None,
        default_lanes: &[],
        codes: &[
            Code {
                id: "no-manifest",
                summary: "the `manifest` the check names does not exist",
            },
            Code {
                id: "missing-file",
                summary: "the package built from the manifest would leave out a file it must contain",
            },
            Code {
                id: "unwanted-file",
                summary: "the package built from the manifest would contain a file it must not",
            },
            Code {
                id: "unreadable-file-list",
                summary: "the manifest's file list is computed by code, so it cannot be read",
            },
        ],
    },
    run,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    manifest: String,
    #[serde(default)]
    includes: Vec<String>,
    #[serde(default)]
    excludes: Vec<String>,
    #[serde(default)]
    no_build_junk: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Hex,
    Npm,
    Cargo,
}

fn kind(manifest: &str) -> Option<Kind> {
    match manifest.rsplit('/').next().unwrap_or(manifest) {
        "mix.exs" => Some(Kind::Hex),
        "package.json" => Some(Kind::Npm),
        "Cargo.toml" => Some(Kind::Cargo),
        _ => None,
    }
}

fn validate(c: &CustomCheck) -> Result<(), ParamError> {
    let p: Params = params(c)?;
    if kind(&p.manifest).is_none() {
        return Err((
            Some("manifest"),
            format!(
                "`manifest = \"{}\"` must name a mix.exs, package.json or Cargo.toml",
                p.manifest
            ),
        ));
    }
    for (key, list) in [("includes", &p.includes), ("excludes", &p.excludes)] {
        for g in list {
            crate::repo::check_glob(g).map_err(|e| {
                (
                    Some(if key == "includes" {
                        "includes"
                    } else {
                        "excludes"
                    }),
                    format!("bad glob `{g}`: {e}"),
                )
            })?;
        }
    }
    if p.includes.is_empty() && p.excludes.is_empty() && !p.no_build_junk {
        return Err((
            None,
            "say what the package must hold: includes, excludes or no_build_junk = true".into(),
        ));
    }
    Ok(())
}

/// What npm and Cargo leave out of every package, and what counts as junk.
const JUNK: &[&str] = &[
    "_build",
    "deps",
    "node_modules",
    "target",
    "cover",
    ".elixir_ls",
    ".git",
    "*.beam",
    "*.tgz",
    "*.tar",
    "*.tar.gz",
    "*.crate",
    "erl_crash.dump",
    ".DS_Store",
    ".env",
    "*.orig",
    "*.rej",
    "*.swp",
    "npm-debug.log",
    "*.log",
];

const HEX_DEFAULT: &[&str] = &[
    "lib",
    "priv",
    ".formatter.exs",
    "mix.exs",
    "README*",
    "readme*",
    "LICENSE*",
    "license*",
    "CHANGELOG*",
    "changelog*",
    "src",
    "c_src",
    "Makefile*",
];

/// Patterns matched like an ignore file: one with a `/` (or a leading one)
/// is anchored at the package root, one without matches a name at any
/// depth, and a pattern that names a directory takes everything under it.
/// All of them are compiled into one set, so a file is matched once.
struct Patterns {
    set: globset::GlobSet,
    /// The pattern each glob of the set comes from.
    of: Vec<usize>,
}

impl Patterns {
    fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Patterns {
        let mut b = globset::GlobSetBuilder::new();
        let mut of = Vec::new();
        for (i, pattern) in patterns.into_iter().enumerate() {
            let p = pattern.trim_end_matches('/');
            let anchored = p.starts_with('/') || p.contains('/');
            let p = p.trim_start_matches('/').trim_start_matches("./");
            if p.is_empty() {
                continue;
            }
            let forms = if anchored {
                [p.to_string(), format!("{p}/**")]
            } else {
                [format!("**/{p}"), format!("**/{p}/**")]
            };
            for f in forms {
                // An entry that is not a valid glob brings nothing in.
                if let Ok(g) = globset::GlobBuilder::new(&f)
                    .literal_separator(true)
                    .build()
                {
                    b.add(g);
                    of.push(i);
                }
            }
        }
        Patterns {
            set: b.build().unwrap_or_else(|_| globset::GlobSet::empty()),
            of,
        }
    }

    /// The patterns `rel` matches, in order.
    fn matching(&self, rel: &str) -> Vec<usize> {
        let mut hits: Vec<usize> = self
            .set
            .matches(rel)
            .into_iter()
            .map(|g| self.of[g])
            .collect();
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    fn first(&self, rel: &str) -> Option<usize> {
        self.matching(rel).first().copied()
    }

    fn last(&self, rel: &str) -> Option<usize> {
        self.matching(rel).last().copied()
    }
}

#[cfg(test)]
fn pattern_matches(pattern: &str, rel: &str) -> bool {
    Patterns::new([pattern]).first(rel).is_some()
}

/// One entry of a manifest's file list, with where it is written.
struct Entry {
    pattern: String,
    exclude: bool,
    at: Location,
}

/// The package: its files (relative to the tree root), each with the entry
/// that brought it in; where the list is written; how it was read.
struct Package {
    files: Vec<(String, Location)>,
    list_at: Location,
    how: String,
}

fn run(c: &CustomCheck, cx: &Context<'_>) -> Outcome {
    let p: Params = match params(c) {
        Ok(p) => p,
        Err((_, msg)) => return super::param_error(c, msg),
    };
    let manifest = p.manifest.trim_start_matches("./").to_string();
    let Some(k) = kind(&manifest) else {
        return super::invalid_params(c);
    };
    if !cx.tree.exists(&manifest) {
        return Outcome::Findings(vec![
            Finding::new(
                super::policy_location(c, "manifest"),
                format!("`manifest = \"{manifest}\"` does not exist"),
                "point `manifest` at the package's manifest",
            )
            .code("no-manifest"),
        ]);
    }
    let dir = match manifest.rfind('/') {
        Some(i) => manifest[..i].to_string(),
        None => String::new(),
    };
    let package = match k {
        Kind::Hex => hex(cx, &manifest, &dir),
        Kind::Npm => npm(cx, &manifest, &dir),
        Kind::Cargo => cargo(cx, &manifest, &dir),
    };
    let package = match package {
        Ok(p) => p,
        Err(f) => return Outcome::Findings(vec![*f]),
    };
    let rel = |path: &str| -> String {
        if dir.is_empty() {
            path.to_string()
        } else {
            path.strip_prefix(&format!("{dir}/"))
                .unwrap_or(path)
                .to_string()
        }
    };
    let mut out = Vec::new();
    let help = |d: String| c.why.clone().unwrap_or(d);
    let anchored = |g: &String| format!("/{}", g.trim_start_matches('/'));
    let includes = Patterns::new(
        p.includes
            .iter()
            .map(anchored)
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
    );
    let mut found = vec![false; p.includes.len()];
    for (f, _) in &package.files {
        for i in includes.matching(&rel(f)) {
            found[i] = true;
        }
    }
    for (g, _) in p.includes.iter().zip(&found).filter(|(_, seen)| !**seen) {
        {
            out.push(Finding::new(
                package.list_at.clone(),
                format!(
                    "the package built from {manifest} ({}) would contain no file matching `{g}` ({} files)",
                    package.how,
                    package.files.len()
                ),
                help(format!("add `{g}` to the package's file list")),
            )
.code("missing-file"));
        }
    }
    let excludes = Patterns::new(
        p.excludes
            .iter()
            .map(anchored)
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
    );
    let junk = Patterns::new(JUNK.iter().copied());
    let mut reported = 0;
    for (f, at) in &package.files {
        let r = rel(f);
        let hit = excludes
            .first(&r)
            .map(|i| format!("matches `{}`, which the policy keeps out", p.excludes[i]))
            .or_else(|| {
                p.no_build_junk
                    .then(|| junk.first(&r))
                    .flatten()
                    .map(|i| format!("is build output or clutter (`{}`)", JUNK[i]))
            });
        if let Some(why) = hit {
            reported += 1;
            if reported > 50 {
                continue;
            }
            out.push(
                Finding::new(
                    at.clone(),
                    format!("the package built from {manifest} would contain `{f}`, which {why}"),
                    help("narrow the package's file list, or exclude it".to_string()),
                )
                .code("unwanted-file"),
            );
        }
    }
    Outcome::Findings(out)
}

/// Files under `dir`, relative to the tree root.
fn under<'t>(cx: &'t Context<'_>, dir: &str) -> Vec<&'t str> {
    cx.tree
        .paths()
        .filter(|p| dir.is_empty() || p.starts_with(&format!("{dir}/")))
        .collect()
}

fn strip<'a>(dir: &str, path: &'a str) -> &'a str {
    if dir.is_empty() {
        path
    } else {
        path.get(dir.len() + 1..).unwrap_or(path)
    }
}

/// Applies include entries (and `!`/exclude entries after them) to the
/// files under `dir`.
fn select(
    cx: &Context<'_>,
    dir: &str,
    entries: &[Entry],
    skip: &dyn Fn(&str) -> bool,
) -> Vec<(String, Location)> {
    let patterns = Patterns::new(entries.iter().map(|e| e.pattern.as_str()));
    let mut out = Vec::new();
    for path in under(cx, dir) {
        let r = strip(dir, path);
        if skip(r) {
            continue;
        }
        // The last entry that matches decides, as in an ignore file.
        if let Some(e) = patterns.last(r).map(|i| &entries[i])
            && !e.exclude
        {
            out.push((path.to_string(), e.at.clone()));
        }
    }
    out
}

static HEX_FILES: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    Regex::new(
        r"(?s)\bfiles:\s*(~w[\(\[\{](?P<w>[^\)\]\}]*)[\)\]\}]|\[(?P<l>[^\]]*)\]|(?P<other>\S+))",
    )
    .expect("static regex")
});
static HEX_EXCLUDE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    Regex::new(r"(?s)\bexclude_patterns:\s*\[(?P<l>[^\]]*)\]").expect("static regex")
});
static QUOTED: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    Regex::new(r#""(?P<s>[^"]*)"|~r/(?P<r>[^/]*)/|~r"(?P<r2>[^"]*)""#).expect("static regex")
});

fn hex(cx: &Context<'_>, manifest: &str, dir: &str) -> Result<Package, Box<Finding>> {
    let tf = cx
        .tree
        .text(manifest)
        .map_err(|e| Box::new(e.to_finding()))?;
    let text: &str = &tf.text;
    let mut entries = Vec::new();
    let (list_at, how) = match HEX_FILES.captures(text) {
        Some(c) => {
            let whole = c.get(0).map(|m| m.start()).unwrap_or(0);
            let list_at = tf.location(manifest, whole);
            if let Some(w) = c.name("w") {
                let mut at = w.start();
                for word in w.as_str().split_whitespace() {
                    let off = text[at..].find(word).map(|o| at + o).unwrap_or(at);
                    entries.push(Entry {
                        pattern: format!("/{word}"),
                        exclude: false,
                        at: tf.location(manifest, off),
                    });
                    at = off + word.len();
                }
            } else if let Some(l) = c.name("l") {
                for q in QUOTED.captures_iter(l.as_str()) {
                    if let Some(s) = q.name("s") {
                        entries.push(Entry {
                            pattern: format!("/{}", s.as_str()),
                            exclude: false,
                            at: tf.location(manifest, l.start() + s.start()),
                        });
                    }
                }
            } else {
                let other = c.name("other").map(|m| m.as_str()).unwrap_or("");
                return Err(Box::new(Finding::new(
                    list_at,
                    format!(
                        "the Hex package's `files:` is `{other}`, which cannot be read without running mix.exs"
                    ),
                    "write `files:` as a literal list (~w(lib mix.exs …) or [\"lib\", …])",
                )
.code("unreadable-file-list")));
            }
            (list_at, "its `files:`".to_string())
        }
        None => {
            let at = Location::file(manifest);
            for d in HEX_DEFAULT {
                entries.push(Entry {
                    pattern: format!("/{d}"),
                    exclude: false,
                    at: at.clone(),
                });
            }
            (at, "Hex's default file list".to_string())
        }
    };
    let mut substrings = Vec::new();
    let mut regexes = Vec::new();
    if let Some(c) = HEX_EXCLUDE.captures(text)
        && let Some(l) = c.name("l")
    {
        for q in QUOTED.captures_iter(l.as_str()) {
            if let Some(s) = q.name("s") {
                substrings.push(s.as_str().to_string());
            } else if let Some(r) = q.name("r").or_else(|| q.name("r2"))
                && let Ok(re) = Regex::new(r.as_str())
            {
                regexes.push(re);
            }
        }
    }
    let skip = |r: &str| {
        substrings
            .iter()
            .any(|s| !s.is_empty() && r.contains(s.as_str()))
            || regexes.iter().any(|re| re.is_match(r))
    };
    Ok(Package {
        files: select(cx, dir, &entries, &skip),
        list_at,
        how,
    })
}

fn npm(cx: &Context<'_>, manifest: &str, dir: &str) -> Result<Package, Box<Finding>> {
    let df = cx
        .tree
        .json(manifest)
        .map_err(|e| Box::new(e.to_finding()))?;
    let never = Patterns::new([
        "/.git",
        "node_modules",
        ".npmrc",
        "package-lock.json",
        ".DS_Store",
        "npm-debug.log",
        "*.orig",
    ]);
    let always_out = |r: &str| never.first(r).is_some();
    let mut entries = Vec::new();
    let manifest_at = Location::file(manifest);
    for always in ["/package.json", "/README*", "/LICENSE*", "/LICENCE*"] {
        entries.push(Entry {
            pattern: always.into(),
            exclude: false,
            at: manifest_at.clone(),
        });
    }
    if let Some(main) = df.root.get("main").and_then(|n| n.as_str()) {
        entries.push(Entry {
            pattern: format!("/{}", main.trim_start_matches("./")),
            exclude: false,
            at: df.location(&df.root.get("main").map(|n| n.span.clone()).unwrap_or(0..0)),
        });
    }
    match df.root.entry("files") {
        Some(e) => {
            let items = e.node.as_array().unwrap_or(&[]);
            let mut list = Vec::new();
            for n in items {
                if let Some(s) = n.as_str() {
                    let (exclude, pat) = match s.strip_prefix('!') {
                        Some(rest) => (true, rest),
                        None => (false, s),
                    };
                    list.push(Entry {
                        pattern: pat.to_string(),
                        exclude,
                        at: df.location(&n.span),
                    });
                }
            }
            // The always-included files win over `files`.
            list.extend(entries);
            let list_at = df.location(&e.key_span);
            Ok(Package {
                files: select(cx, dir, &list, &always_out),
                list_at,
                how: "its `files`".into(),
            })
        }
        None => {
            let ignore_file = [".npmignore", ".gitignore"]
                .into_iter()
                .map(|f| {
                    if dir.is_empty() {
                        f.to_string()
                    } else {
                        format!("{dir}/{f}")
                    }
                })
                .find(|f| cx.tree.exists(f));
            let mut list = vec![Entry {
                pattern: "*".into(),
                exclude: false,
                at: manifest_at.clone(),
            }];
            let mut how = "every file".to_string();
            if let Some(f) = &ignore_file
                && let Ok(tf) = cx.tree.text(f)
            {
                how = format!("every file not in {f}");
                for line in tf.text.lines() {
                    let l = line.trim();
                    if l.is_empty() || l.starts_with('#') {
                        continue;
                    }
                    let (exclude, pat) = match l.strip_prefix('!') {
                        Some(rest) => (false, rest),
                        None => (true, l),
                    };
                    list.push(Entry {
                        pattern: pat.to_string(),
                        exclude,
                        at: manifest_at.clone(),
                    });
                }
            }
            list.extend(entries);
            Ok(Package {
                files: select(cx, dir, &list, &always_out),
                list_at: manifest_at,
                how,
            })
        }
    }
}

fn cargo(cx: &Context<'_>, manifest: &str, dir: &str) -> Result<Package, Box<Finding>> {
    let df = cx
        .tree
        .toml(manifest)
        .map_err(|e| Box::new(e.to_finding()))?;
    let pkg = df.root.get("package");
    let list = |key: &str| -> Vec<Entry> {
        pkg.and_then(|p| p.get(key))
            .and_then(|n| n.as_array())
            .unwrap_or(&[])
            .iter()
            .filter_map(|n| {
                n.as_str().map(|s| Entry {
                    pattern: s.to_string(),
                    exclude: false,
                    at: df.location(&n.span),
                })
            })
            .collect()
    };
    // Nested packages are packaged on their own.
    let nested: Vec<String> = under(cx, dir)
        .into_iter()
        .map(|p| strip(dir, p))
        .filter(|r| r.ends_with("/Cargo.toml"))
        .map(|r| r.trim_end_matches("Cargo.toml").to_string())
        .collect();
    let skip =
        |r: &str| r.starts_with("target/") || nested.iter().any(|n| r.starts_with(n.as_str()));
    let manifest_entry = Entry {
        pattern: "/Cargo.toml".into(),
        exclude: false,
        at: Location::file(manifest),
    };
    let include = list("include");
    if !include.is_empty() {
        let list_at = pkg
            .and_then(|p| p.entry("include"))
            .map(|e| df.location(&e.key_span))
            .unwrap_or_else(|| Location::file(manifest));
        let mut entries = include;
        entries.push(manifest_entry);
        return Ok(Package {
            files: select(cx, dir, &entries, &skip),
            list_at,
            how: "its `include`".into(),
        });
    }
    let mut entries = vec![Entry {
        pattern: "*".into(),
        exclude: false,
        at: Location::file(manifest),
    }];
    let exclude = list("exclude");
    let how = if exclude.is_empty() {
        "every file of the package".to_string()
    } else {
        "every file not in its `exclude`".to_string()
    };
    entries.extend(exclude.into_iter().map(|mut e| {
        e.exclude = true;
        e
    }));
    entries.push(manifest_entry);
    Ok(Package {
        files: select(cx, dir, &entries, &skip),
        list_at: Location::file(manifest),
        how,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_ignore_files() {
        assert!(pattern_matches("/lib", "lib/a/b.ex"));
        assert!(!pattern_matches("/lib", "test/lib/b.ex"));
        assert!(pattern_matches("*.beam", "_build/x/y.beam"));
        assert!(pattern_matches("dist/", "dist/index.js"));
        assert!(pattern_matches("/README*", "README.md"));
        assert!(!pattern_matches("/README*", "docs/README.md"));
        assert!(pattern_matches("/test/**", "test/a/b.exs"));
    }
}
