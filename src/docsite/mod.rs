//! How a repository's docs are built and which of them a release depends
//! on, read once per run: the site generators found in the tree (mkdocs,
//! mdBook, VitePress, Docusaurus, Zola, Hugo, Sphinx, ExDoc, Jekyll, Starlight, DocFX), each with the folder its
//! pages come from and the folders it serves as-is; every `.gitignore`
//! (nested ones too), so a doc naming build output is not read as a claim;
//! and the release docs (see [`release`]).
//!
//! Links in a site's pages resolve the way that generator resolves them:
//! `guide/x.html` is the page `guide/x.md`, `guide/x/` is `guide/x.md` or
//! its `index.md`, `/guide/x` starts at the site's source folder, `@/x.md`
//! (Zola) at its content folder, `/logo.png` in its static folder, and
//! ExDoc flattens its extras so `setup.html` is `setup.md` wherever it
//! lives (and copies its `assets:` folders beside them), and a Jekyll page is also reached at its `permalink:` and its
//! `redirect_from:` URLs, a collection's pages under `/<name>/`, and a page
//! served at a pretty URL (`x/`; MkDocs' directory URLs too, for links it
//! does not rewrite, those not to a Markdown file) counts its relative
//! links from there. A
//! Docusaurus page is reached at its front-matter `id:`/`slug:` (in the docs
//! and in each frozen `versioned_docs/version-*` copy), a React page of
//! `src/pages` at its name, and the blog at its generated index (Docusaurus 1,
//! `website/siteConfig.js`, serves the docs as `docs/x.html`, also under its
//! `baseUrl`). Outside any
//! site, links resolve as GitHub renders them.

pub mod includes;
pub mod release;
pub mod templates;

use crate::repo::Tree;
pub use crate::repo::paths::normalize;
use std::collections::HashSet;

/// A documentation site generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    Mkdocs,
    MdBook,
    VitePress,
    Docusaurus,
    Zola,
    Hugo,
    ExDoc,
    Sphinx,
    Jekyll,
    Starlight,
    DocFx,
    Nextra,
}

impl Generator {
    pub fn name(self) -> &'static str {
        match self {
            Generator::Mkdocs => "mkdocs",
            Generator::MdBook => "mdBook",
            Generator::VitePress => "VitePress",
            Generator::Docusaurus => "Docusaurus",
            Generator::Zola => "Zola",
            Generator::Hugo => "Hugo",
            Generator::ExDoc => "ExDoc",
            Generator::Sphinx => "Sphinx",
            Generator::Jekyll => "Jekyll",
            Generator::Starlight => "Starlight",
            Generator::DocFx => "DocFX",
            Generator::Nextra => "Nextra",
        }
    }
}

/// One site: where its pages come from and what it serves as-is.
#[derive(Debug, Clone)]
pub struct Site {
    pub generator: Generator,
    /// The config file it was found from.
    pub config: String,
    /// Folders whose Markdown files are the site's pages ("" is the root).
    pub sources: Vec<String>,
    /// Folders served at the site's root as they are (`public/`, `static/`).
    pub assets: Vec<String>,
    /// URL prefixes the site serves from a folder of its own, longest
    /// first: Docusaurus serves its docs under `/docs/` (its
    /// `routeBasePath`), its blog under `/blog/` and `src/pages` at `/`.
    pub routes: Vec<(String, String)>,
    /// Folders whose pages are served at a URL of their own name ending in
    /// `/` (Jekyll's pretty permalinks: `guide/setup.md` at `guide/setup/`),
    /// so a relative link there counts from that URL, one level below the
    /// file's folder.
    pub pretty: Vec<String>,
    /// URL prefixes whose pages a plugin writes from the code when the site
    /// builds (docusaurus-plugin-typedoc-api's API pages under `/api`): no
    /// file in the tree holds them, as with pages in an ignored folder.
    pub generated: Vec<String>,
}

impl Site {
    /// Whether `path` is one of this site's pages.
    pub fn holds(&self, path: &str) -> bool {
        self.sources.iter().any(|s| under(path, s))
    }

    /// The source folder `path` belongs to.
    fn source_of(&self, path: &str) -> Option<&str> {
        self.sources
            .iter()
            .filter(|s| under(path, s))
            .max_by_key(|s| s.len())
            .map(String::as_str)
    }
}

/// Whether `path` lies in folder `dir` ("" holds everything).
fn under(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn join(dir: &str, rel: &str) -> String {
    let rel = rel.trim_start_matches("./");
    if dir.is_empty() {
        rel.to_string()
    } else if rel.is_empty() {
        dir.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

use crate::repo::paths::dir_of;

/// Every `.gitignore` in the tree, each matching from its own folder.
pub struct Ignores(Vec<ignore::gitignore::Gitignore>);

impl Ignores {
    pub fn load(tree: &Tree) -> Ignores {
        let mut all = Vec::new();
        for path in tree.paths() {
            if path.rsplit('/').next() != Some(".gitignore") {
                continue;
            }
            let Ok(text) = tree.text(path) else { continue };
            let dir = tree.root().join(dir_of(path));
            let mut b = ignore::gitignore::GitignoreBuilder::new(&dir);
            for line in text.text.lines() {
                let _ = b.add_line(None, line);
            }
            if let Ok(gi) = b.build() {
                all.push(gi);
            }
        }
        Ignores(all)
    }

    /// Whether some `.gitignore` excludes `rel` or a folder above it (a
    /// folder pattern such as `/examples/*/_build/` matches even when the
    /// folder is absent from the tree).
    pub fn covers(&self, tree: &Tree, rel: &str) -> bool {
        let path = tree.root().join(rel.trim_end_matches('/'));
        self.0.iter().any(|gi| {
            path.starts_with(gi.path())
                && gi
                    .matched_path_or_any_parents(&path, rel.ends_with('/'))
                    .is_ignore()
        })
    }
}

/// The docs model of one run.
pub struct Docs {
    pub sites: Vec<Site>,
    pub ignores: Ignores,
    /// File names (lower-case, no extension) of every Markdown page of an
    /// ExDoc site, which flattens its extras to one folder.
    exdoc_pages: HashSet<String>,
    /// Folders that hold a package manifest ("" for the root), other than
    /// one that says it is never published (see [`declares_unpublished`]).
    packages: HashSet<String>,
    /// Markdown files a published package's manifest names as its readme
    /// (`[project] readme = "docs/PYPI_README.md"`, Cargo's `readme`): the
    /// page the registry shows, whatever the file is called.
    manifest_readmes: HashSet<String>,
    /// MyST targets (`(name)=` before a heading) of Sphinx sites, which
    /// `[text](name)` links reach.
    myst_labels: HashSet<String>,
    /// Files outside a Sphinx site's folder that its pages pull in with an
    /// `{include}` directive (`docs/changelog.md` including
    /// `../CHANGELOG.md`): written for the site, so their MyST label links
    /// land.
    sphinx_included: HashSet<String>,
    /// Jekyll pages' `permalink:` front matter, as the site folder joined
    /// with the URL path (no leading or trailing slash, no `.html`).
    permalinks: HashSet<String>,
    /// The index pages Docusaurus generates for a sidebar category
    /// (`_category_.json` with `"link": {"type": "generated-index"}`), as
    /// the docs folder joined with the page's path: `category/<label>`, or
    /// the category's own `slug`; and the URLs a Starlight site serves that
    /// no page's file name gives (see [`starlight_slugs`]).
    categories: HashSet<String>,
    /// Pages named with an order prefix (`04-styling/01-scoped-styles.md`),
    /// keyed by the folder above the numbered folders and the name without
    /// its prefix (`scoped-styles`); see [`Docs::numbered_page`].
    numbered: std::collections::HashMap<(String, String), String>,
    /// mystmd projects (a `myst.yml` with a `project:` section): the
    /// project's folder and the labels its pages define, lower-cased.
    /// mystmd resolves `[](#label)` against every page of the project,
    /// not only the linking one.
    mystmd_labels: Vec<(String, HashSet<String>)>,
    /// Jekyll sites' `baseurl` (the path a project site is served under,
    /// `/name` on `owner.github.io/name`), by config path, without slashes:
    /// a root link written with it (`/name/manual/x`) is the page `/manual/x`.
    jekyll_baseurls: std::collections::HashMap<String, String>,
    /// mkdocs sites built per language by mkdocs-static-i18n from language
    /// folders (`docs_structure: folder`): config path and the locales.
    mkdocs_locales: Vec<(String, Vec<String>)>,
}

impl Docs {
    pub fn load(tree: &Tree) -> Docs {
        let sites = find_sites(tree);
        let exdoc_pages = if sites.iter().any(|s| s.generator == Generator::ExDoc) {
            tree.paths()
                .filter(|p| crate::repo::markdown::is_markdown(p) || p.ends_with(".cheatmd"))
                .map(|p| {
                    let name = p.rsplit('/').next().unwrap_or(p);
                    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
                    stem.to_ascii_lowercase()
                })
                .chain(
                    sites
                        .iter()
                        .filter(|s| s.generator == Generator::ExDoc)
                        .flat_map(|s| exdoc_filenames(tree, &s.config)),
                )
                .collect()
        } else {
            HashSet::new()
        };
        let packages = tree
            .paths()
            .filter(|p| release::is_manifest_name(p.rsplit('/').next().unwrap_or(p)))
            .filter(|p| !declares_unpublished(tree, p))
            .map(|p| dir_of(p).to_string())
            .collect();
        let manifest_readmes = tree
            .paths()
            .filter(|p| matches!(p.rsplit('/').next(), Some("pyproject.toml" | "Cargo.toml")))
            .filter(|p| !declares_unpublished(tree, p))
            .filter_map(|p| manifest_readme(tree, p))
            .collect();
        let myst_labels = sites
            .iter()
            .filter(|s| s.generator == Generator::Sphinx)
            .flat_map(|s| myst_labels(tree, s))
            .collect();
        let sphinx_included = sites
            .iter()
            .filter(|s| s.generator == Generator::Sphinx)
            .flat_map(|s| sphinx_includes(tree, s))
            .collect();
        let permalinks = sites
            .iter()
            .filter(|s| s.generator == Generator::Jekyll)
            .flat_map(|s| permalinks(tree, s))
            .collect();
        let categories = sites
            .iter()
            .filter(|s| s.generator == Generator::Docusaurus)
            .flat_map(|s| {
                generated_categories(tree, s)
                    .into_iter()
                    .chain(docusaurus_urls(tree, s))
            })
            .chain(
                sites
                    .iter()
                    .filter(|s| s.generator == Generator::Starlight)
                    .flat_map(|s| starlight_slugs(tree, s)),
            )
            .collect();
        let mut numbered = std::collections::HashMap::new();
        for p in tree.paths() {
            let name = p.rsplit('/').next().unwrap_or(p);
            let Some(stem) = name
                .strip_suffix(".md")
                .or_else(|| name.strip_suffix(".mdx"))
            else {
                continue;
            };
            if let Some(page) = unnumbered(stem) {
                numbered
                    .entry((numbered_root(p).to_string(), page.to_string()))
                    .or_insert_with(|| p.to_string());
            }
        }
        let mystmd_labels = mystmd_projects(tree);
        let jekyll_baseurls = sites
            .iter()
            .filter(|s| s.generator == Generator::Jekyll)
            .filter_map(|s| {
                let text = tree.text(&s.config).ok()?;
                let base = yaml_key(&text.text, "baseurl")?;
                let base = base.trim_matches(['/', '"', '\'', ' ']);
                (!base.is_empty() && !base.contains(['{', ':']))
                    .then(|| (s.config.clone(), base.to_string()))
            })
            .collect();
        let mkdocs_locales = sites
            .iter()
            .filter(|s| s.generator == Generator::Mkdocs)
            .filter_map(|s| {
                let text = tree.text(&s.config).ok()?;
                let locales = i18n_locales(&text.text);
                (!locales.is_empty()).then(|| (s.config.clone(), locales))
            })
            .collect();
        Docs {
            mkdocs_locales,
            jekyll_baseurls,
            mystmd_labels,
            numbered,
            categories,
            sites,
            ignores: Ignores::load(tree),
            exdoc_pages,
            packages,
            manifest_readmes,
            myst_labels,
            sphinx_included,
            permalinks,
        }
    }

    /// Whether `label` is a MyST label some page of the mystmd project
    /// holding `doc` defines: there `[](#label)` reaches it from any page.
    pub fn mystmd_label(&self, doc: &str, label: &str) -> bool {
        let label = label.to_lowercase();
        self.mystmd_labels.iter().any(|(dir, labels)| {
            (dir.is_empty()
                || doc
                    .strip_prefix(dir.as_str())
                    .is_some_and(|r| r.starts_with('/')))
                && labels.contains(&label)
        })
    }

    /// The page a bare page name links to in docs whose files and folders
    /// carry order prefixes (`01-introduction/03-svelte-files.md`), written
    /// for a site built elsewhere that drops the prefixes and serves every
    /// page of the tree under one folder: `scoped-styles` (or
    /// `./scoped-styles`) from any page of the tree is
    /// `04-styling/01-scoped-styles.md`. Only for a page that is numbered
    /// itself, and a name with no folder and no extension.
    pub fn numbered_page(&self, doc: &str, file_part: &str) -> Option<&str> {
        let name = file_part.trim_start_matches("./").trim_end_matches('/');
        if name.is_empty() || name.contains(['/', '.']) {
            return None;
        }
        let doc_name = doc.rsplit('/').next().unwrap_or(doc);
        let doc_stem = doc_name.rsplit_once('.').map_or(doc_name, |(s, _)| s);
        unnumbered(doc_stem)?;
        self.numbered
            .get(&(numbered_root(doc).to_string(), name.to_string()))
            .map(String::as_str)
    }

    /// Whether the folder of `path` holds a package manifest.
    pub fn in_package_dir(&self, path: &str) -> bool {
        self.packages.contains(dir_of(path))
    }

    /// Whether `path` is the file a published package's manifest names as
    /// its readme: what the registry shows on the package's page.
    pub fn is_manifest_readme(&self, path: &str) -> bool {
        self.manifest_readmes.contains(path)
    }

    /// The site `path` is a page of, if any (the deepest source wins).
    pub fn site_of(&self, path: &str) -> Option<&Site> {
        self.sites
            .iter()
            .filter(|s| s.holds(path))
            .max_by_key(|s| s.source_of(path).map(str::len).unwrap_or(0))
    }

    /// Resolves a link's file part the way the site that holds `doc`
    /// would. `Some(true)`: it lands on something in the tree; `Some(false)`:
    /// the site would not find it either; `None`: not a site page, or a
    /// form the site resolves that this model does not (GitHub's rules then
    /// apply).
    pub fn resolve(&self, tree: &Tree, doc: &str, file_part: &str) -> Option<bool> {
        if self.sphinx_included.contains(doc) && self.myst_labels.contains(file_part) {
            return Some(true);
        }
        let site = self.site_of(doc)?;
        let source = site.source_of(doc).unwrap_or("");
        let base = dir_of(doc);
        // A Jekyll project site's root links may carry its `baseurl`.
        let unbased;
        let file_part = match self.jekyll_baseurls.get(&site.config) {
            Some(b) if site.generator == Generator::Jekyll => {
                match file_part
                    .strip_prefix('/')
                    .and_then(|r| r.strip_prefix(b.as_str()))
                    .filter(|r| r.is_empty() || r.starts_with('/'))
                {
                    Some(r) => {
                        unbased = format!("/{}", r.trim_start_matches('/'));
                        unbased.as_str()
                    }
                    None => file_part,
                }
            }
            _ => file_part,
        };
        if site.generator == Generator::ExDoc {
            // A link GitHub resolves too (`asset_management.md#css` beside
            // it) is judged by GitHub's rules, its anchor included.
            if normalize(base, file_part).is_some_and(|t| tree.exists(&t)) {
                return None;
            }
            // Every page sits in the one output folder, beside the folders
            // the `assets:` option copies there: `images/x.png` from any
            // extra is the file in the folder copied to `images/`.
            let rel = file_part.trim_start_matches("./");
            for (target, folder) in &site.routes {
                if let Some(rest) = rel
                    .strip_prefix(target.as_str())
                    .and_then(|r| r.strip_prefix('/'))
                    && tree.exists(&join(folder, rest))
                {
                    return Some(true);
                }
            }
            return self.resolve_exdoc(file_part);
        }
        if site.generator == Generator::Sphinx && self.myst_labels.contains(file_part) {
            return Some(true);
        }
        if site.generator == Generator::Jekyll
            && let Some(rest) = file_part.strip_prefix('/')
        {
            let url = rest.trim_matches('/');
            let url = url.strip_suffix(".html").unwrap_or(url);
            if self.permalinks.contains(&join(source, url)) {
                return Some(true);
            }
        }
        let mut tries: Vec<String> = Vec::new();
        if let Some(rest) = file_part.strip_prefix("@/") {
            // Zola: from the content folder.
            tries.push(join(source, rest));
        } else if let Some(rest) = file_part.strip_prefix('/') {
            tries.push(join(source, rest));
            // Docusaurus reads `/cli/cache-list.md` from the docs folder of
            // the page's version (and the site's folder).
            if site.generator == Generator::Docusaurus
                && (rest.ends_with(".md") || rest.ends_with(".mdx"))
            {
                tries.push(join(&docusaurus_content_root(source, doc), rest));
                tries.push(join(dir_of(&site.config), rest));
            }
            if site.generator == Generator::Hugo {
                // Every folder a Hugo config mounts as `content` lands in
                // the one content tree (a language's pages with the
                // default language's as the fallback).
                for s in site.sources.iter().filter(|s| s.as_str() != source) {
                    tries.push(join(s, rest));
                }
            }
            for a in &site.assets {
                tries.push(join(a, rest));
            }
            let url = rest.trim_end_matches('/');
            if site.generated.iter().any(|g| {
                url == g
                    || url
                        .strip_prefix(g.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            }) {
                return Some(true);
            }
            for (prefix, folder) in &site.routes {
                let under_route = if prefix.is_empty() {
                    Some(url)
                } else if url == prefix {
                    Some("")
                } else {
                    url.strip_prefix(prefix.as_str())
                        .and_then(|r| r.strip_prefix('/'))
                };
                if let Some(r) = under_route {
                    if self.categories.contains(&join(folder, r)) {
                        return Some(true);
                    }
                    if site.generator == Generator::Docusaurus
                        && docusaurus_generated_page(tree, prefix, folder, r)
                    {
                        return Some(true);
                    }
                    tries.push(join(folder, r));
                }
            }
        } else {
            let direct = normalize(base, file_part);
            if let Some(t) = direct {
                if self.categories.contains(t.trim_end_matches('/')) {
                    return Some(true);
                }
                tries.push(t);
            }
            // A page served at `<name>/` reads `../other/` from that URL:
            // from the file's folder that is one level higher (so a link
            // that climbs above the root from the file may still land).
            // MkDocs rewrites a link to a Markdown file from the file's
            // folder; only its other links stay for the browser to resolve.
            let rewritten = site.generator == Generator::Mkdocs
                && [".md", ".markdown"].iter().any(|e| file_part.ends_with(e));
            if !rewritten
                && let Some(own) = pretty_url_folder(site, doc)
                && let Some(t) = normalize(&own, file_part)
            {
                tries.push(t);
            }
            // Docusaurus looks a link to a Markdown file that does not start
            // `./` or `../` (`catalogs.md` from `docs/cli/add.md`) up from
            // the docs folder of the page's version and from the site's
            // folder too, not only beside the page.
            if site.generator == Generator::Docusaurus
                && !file_part.starts_with("./")
                && !file_part.starts_with("../")
                && (file_part.ends_with(".md") || file_part.ends_with(".mdx"))
            {
                for root in [
                    docusaurus_content_root(source, doc),
                    dir_of(&site.config).to_string(),
                ] {
                    if let Some(t) = normalize(&root, file_part) {
                        tries.push(t);
                    }
                }
            }
            if tries.is_empty() {
                return None;
            }
        }
        // mkdocs-static-i18n with `docs_structure: folder`: a language's
        // folder (`docs/ja/`) is built over the default language's pages,
        // so what a translated page links and its folder lacks is the
        // default language's file (`docs/ja/ref/x.md` → `docs/ref/x.md`).
        if let Some((_, locales)) = self
            .mkdocs_locales
            .iter()
            .find(|(config, _)| *config == site.config)
            && let Some(locale) = doc
                .strip_prefix(source)
                .and_then(|r| r.strip_prefix('/'))
                .and_then(|r| r.split_once('/'))
                .map(|(first, _)| first)
                .filter(|first| locales.iter().any(|l| l == first))
        {
            let own = join(source, locale);
            let fallback: Vec<String> = tries
                .iter()
                .filter_map(|t| t.strip_prefix(own.as_str())?.strip_prefix('/'))
                .map(|rest| join(source, rest))
                .collect();
            tries.extend(fallback);
        }
        // A page the site generates into a folder its `.gitignore` names
        // (API pages a typedoc run writes before the build) is build
        // output, as a GitHub link into ignored files is.
        let found = tries
            .iter()
            .any(|t| page_exists(tree, t) || self.ignores.covers(tree, t));
        Some(found)
    }

    fn resolve_exdoc(&self, file_part: &str) -> Option<bool> {
        let name = file_part.rsplit('/').next().unwrap_or(file_part);
        // `[Subscriptions](subscriptions.md)`: ExDoc links an extra by its
        // file name, wherever the two files sit (`config.extras[basename]`).
        // One it does not know is left to GitHub's rules.
        if let Some((stem, ext)) = name.rsplit_once('.')
            && matches!(ext, "md" | "cheatmd" | "livemd" | "txt")
        {
            return self
                .exdoc_pages
                .contains(&stem.to_ascii_lowercase())
                .then_some(true);
        }
        let stem = name.strip_suffix(".html")?;
        // Module, task and exception pages come from the code, not from a
        // Markdown file: `Phoenix.Router.html`, `Mix.Tasks.Phx.New.html`.
        if stem.chars().next().is_some_and(|c| c.is_ascii_uppercase()) || stem.contains('.') {
            return None;
        }
        Some(
            self.exdoc_pages.contains(&stem.to_ascii_lowercase())
                || matches!(stem, "api-reference" | "search" | "readme"),
        )
    }

    /// Whether a link destination is an ExDoc autolink (`` `Plug` ``,
    /// `` `c:Plug.init/1` ``, `m:Plug`, `t:t/0`), which ExDoc turns into a
    /// link to a module or function page, or in a Sphinx site a dotted
    /// Python name MyST resolves to an autodoc object (`pkg.mod.Class`).
    pub fn is_autolink(&self, doc: &str, dest: &str) -> bool {
        let Some(site) = self.site_of(doc) else {
            return false;
        };
        if site.generator == Generator::Sphinx {
            return python_object(dest.trim());
        }
        if site.generator != Generator::ExDoc {
            return false;
        }
        let d = dest.trim();
        d.starts_with('`')
            || ["c:", "t:", "m:", "e:"].iter().any(|p| d.starts_with(p))
            || d.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !d.contains('/')
    }
}

/// `01-scoped-styles` → `scoped-styles`: a name without its order prefix
/// (digits and a `-`), if it has one.
fn unnumbered(name: &str) -> Option<&str> {
    let (digits, rest) = name.split_once('-')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty())
        .then_some(rest)
}

/// The folder above the numbered folders a file sits in:
/// `documentation/docs` for `documentation/docs/04-styling/01-x.md`.
fn numbered_root(path: &str) -> &str {
    let mut dir = dir_of(path);
    while !dir.is_empty() && unnumbered(dir.rsplit('/').next().unwrap_or(dir)).is_some() {
        dir = dir_of(dir);
    }
    dir
}

/// Whether a link destination is a dotted Python name (`pkg.mod.Class`),
/// which MyST resolves as a cross-reference to the object autodoc
/// documents, never as a file: two or more identifiers joined by `.`, the
/// last not a file extension (`setup.py`, `index.rst` stay files).
fn python_object(dest: &str) -> bool {
    const FILE_EXTENSIONS: &[&str] = &[
        "md", "rst", "txt", "py", "pyi", "html", "htm", "toml", "cfg", "ini", "json", "yaml",
        "yml", "ipynb", "png", "svg", "jpg", "jpeg", "gif", "css", "js", "sh", "in", "lock",
    ];
    let parts: Vec<&str> = dest.split('.').collect();
    let identifier = |p: &&str| {
        p.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && p.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    parts.len() >= 2
        && parts.iter().all(identifier)
        && parts
            .last()
            .is_some_and(|l| !FILE_EXTENSIONS.contains(&l.to_ascii_lowercase().as_str()))
}

/// The folder a page's relative links count from when its site serves it
/// at a URL of its own name (`guide/setup.md` at `guide/setup/`): the page
/// path without its extension. An index page is its folder's URL already.
fn pretty_url_folder(site: &Site, doc: &str) -> Option<String> {
    if !site.pretty.iter().any(|f| under(doc, f)) {
        return None;
    }
    let name = doc.rsplit('/').next().unwrap_or(doc);
    let (stem, _) = name.rsplit_once('.')?;
    if stem.eq_ignore_ascii_case("index") {
        return None;
    }
    Some(join(dir_of(doc), stem))
}

/// The docs folder a Docusaurus page belongs to: its source folder, or for
/// a frozen version (`versioned_docs/version-10.x/cli/add.md`) that
/// version's own folder.
fn docusaurus_content_root(source: &str, doc: &str) -> String {
    if source.rsplit('/').next() == Some("versioned_docs")
        && let Some(version) = doc
            .strip_prefix(source)
            .and_then(|r| r.strip_prefix('/'))
            .and_then(|r| r.split_once('/'))
            .map(|(first, _)| first)
    {
        return join(source, version);
    }
    source.to_string()
}

/// Pages a Docusaurus site makes without a Markdown file: the blog's index
/// (`/blog/`, when the blog folder exists) and a React page of `src/pages`
/// (`/help` from `help.js`, `help.tsx` or `help/index.js`).
fn docusaurus_generated_page(tree: &Tree, prefix: &str, folder: &str, rest: &str) -> bool {
    if prefix == "blog" {
        return rest.is_empty() && tree.is_dir(folder);
    }
    if !(prefix.is_empty() && folder.ends_with("src/pages")) {
        return false;
    }
    let page = join(folder, rest.trim_end_matches('/'));
    ["js", "jsx", "ts", "tsx"].iter().any(|ext| {
        tree.exists(&format!("{page}.{ext}")) || tree.exists(&join(&page, &format!("index.{ext}")))
    })
}

/// Whether a site-relative target names a page or file that exists:
/// `x.md`, `x.html` for `x.md`, `x/` or `x` for `x.md`, `x/index.md`,
/// `x/README.md` or `x/_index.md`, or the file itself.
fn page_exists(tree: &Tree, target: &str) -> bool {
    let t = target.trim_end_matches('/');
    if !target.ends_with('/') && tree.exists(t) {
        return true;
    }
    let stemmed = t
        .strip_suffix(".html")
        .or_else(|| t.strip_suffix(".htm"))
        .unwrap_or(t);
    let mut candidates = vec![
        format!("{stemmed}.md"),
        format!("{stemmed}.mdx"),
        // Jekyll's other Markdown extension (`invite.markdown` at `invite`).
        format!("{stemmed}.markdown"),
        join(stemmed, "index.md"),
        join(stemmed, "index.markdown"),
        join(stemmed, "README.md"),
        join(stemmed, "readme.md"),
        join(stemmed, "_index.md"),
        join(stemmed, "index.mdx"),
    ];
    if let Some(dir) =
        stemmed
            .strip_suffix("/index")
            .or(if stemmed == "index" { Some("") } else { None })
    {
        candidates.push(join(dir, "README.md"));
        candidates.push(join(dir, "_index.md"));
        candidates.push(join(dir, "index.markdown"));
    }
    candidates.iter().any(|c| tree.exists(c))
}

/// Whether the manifest at `path` says its package never reaches a
/// registry: a `package.json` with `"private": true` (a monorepo's starter
/// template, an internal tool), a crate with `publish = false` or no
/// version, a pyproject with a `Private ::` classifier or `package = false`.
/// Its README is what the folder's readers see, not a registry's page.
fn declares_unpublished(tree: &Tree, path: &str) -> bool {
    use crate::manifest::{cargo, npm, pyproject};
    match path.rsplit('/').next().unwrap_or(path) {
        "package.json" => npm::read(tree, path).is_ok_and(|n| n.private),
        "Cargo.toml" => cargo::read(tree, path).is_ok_and(|c| c.package.is_some_and(|p| p.private)),
        "pyproject.toml" => pyproject::read(tree, path).is_ok_and(|p| p.is_package && p.private),
        _ => false,
    }
}

/// The Markdown file the manifest at `path` names as its package's readme:
/// pyproject's `[project] readme` (a path, or a table's `file`) or
/// `[tool.poetry] readme`, Cargo's `[package] readme` (a path).
fn manifest_readme(tree: &Tree, path: &str) -> Option<String> {
    let df = tree.toml(path).ok()?;
    let root = &df.root;
    let readme = if path.ends_with("Cargo.toml") {
        root.get("package")?.get("readme")?
    } else {
        root.get("project")
            .and_then(|p| p.get("readme"))
            .or_else(|| root.get("tool")?.get("poetry")?.get("readme"))?
    };
    let file = readme
        .as_str()
        .or_else(|| readme.get("file").and_then(|f| f.as_str()))?;
    let target = normalize(dir_of(path), file)?;
    crate::repo::markdown::is_markdown(&target).then_some(target)
}

fn find_sites(tree: &Tree) -> Vec<Site> {
    let mut sites = Vec::new();
    for path in tree.paths() {
        let depth = path.matches('/').count();
        let name = path.rsplit('/').next().unwrap_or(path);
        let dir = dir_of(path);
        // A VitePress config split into a folder
        // (`.vitepress/config/index.ts`) sits one level deeper.
        let vitepress_folder_config =
            dir.ends_with(".vitepress/config") && name.starts_with("index.");
        if depth > 3 && !(depth == 4 && vitepress_folder_config) {
            continue;
        }
        let site = if (name.starts_with("mkdocs")
            && (name.ends_with(".yml") || name.ends_with(".yaml")))
            && !path.contains("/.")
        {
            let text = tree.text(path).ok();
            let docs_dir = text
                .as_ref()
                .and_then(|t| yaml_key(&t.text, "docs_dir"))
                .unwrap_or_else(|| "docs".into());
            let source = join(dir, &docs_dir);
            // `use_directory_urls` (on unless set false) serves
            // `guide/setup.md` at `guide/setup/`.
            let directory_urls = text
                .as_ref()
                .and_then(|t| yaml_key(&t.text, "use_directory_urls"))
                .is_none_or(|v| !v.eq_ignore_ascii_case("false"));
            Some(Site {
                generator: Generator::Mkdocs,
                config: path.into(),
                sources: vec![source.clone()],
                assets: Vec::new(),
                routes: Vec::new(),
                pretty: if directory_urls {
                    vec![source]
                } else {
                    Vec::new()
                },
                generated: Vec::new(),
            })
        } else if name == "book.toml" {
            let src = tree
                .text(path)
                .ok()
                .and_then(|t| toml_key(&t.text, "src"))
                .unwrap_or_else(|| "src".into());
            Some(Site {
                generator: Generator::MdBook,
                config: path.into(),
                sources: vec![join(dir, &src)],
                assets: Vec::new(),
                routes: Vec::new(),
                pretty: Vec::new(),
                generated: Vec::new(),
            })
        } else if (dir.ends_with(".vitepress") && name.starts_with("config."))
            || vitepress_folder_config
        {
            let vitepress = if vitepress_folder_config {
                dir_of(dir)
            } else {
                dir
            };
            let root = dir_of(vitepress);
            // A config folder keeps its shared keys in a file beside
            // `index.ts` (`shared.ts`): `srcDir` is read from any of them.
            let files: Vec<&str> = if vitepress_folder_config {
                tree.paths().filter(|p| dir_of(p) == dir).collect()
            } else {
                vec![path]
            };
            let src = files
                .iter()
                .find_map(|f| {
                    tree.text(f)
                        .ok()
                        .and_then(|t| js_config_key(&t.text, "srcDir"))
                })
                .map(|s| join(root, &s))
                .unwrap_or_else(|| root.to_string());
            Some(Site {
                generator: Generator::VitePress,
                config: path.into(),
                assets: vec![join(&src, "public")],
                sources: vec![src],
                routes: Vec::new(),
                pretty: Vec::new(),
                generated: Vec::new(),
            })
        } else if name == "siteConfig.js" {
            docusaurus_one(tree, path, dir)
        } else if name.starts_with("docusaurus.config.") {
            let text = tree.text(path).ok();
            // Plugin instances that set both keys are read apart (below);
            // the main docs take the first `path` / `routeBasePath` outside
            // them.
            let keys = text
                .as_ref()
                .map(|t| docusaurus_keys(&t.text))
                .unwrap_or_default();
            let docs = keys
                .path
                .clone()
                .map(|p| normalize(dir, &p).unwrap_or_else(|| join(dir, "docs")))
                .unwrap_or_else(|| join(dir, "docs"));
            // The docs plugin serves its folder under `routeBasePath`
            // (`docs` unless the config says otherwise; `/` in docs-only
            // mode), the blog under `/blog`, and `src/pages` at the root.
            let route = keys
                .route
                .clone()
                .or_else(|| {
                    let paired = keys
                        .instances
                        .iter()
                        .any(|(r, _)| r.trim_matches('/').is_empty());
                    text.as_ref()
                        .and_then(|t| (!paired && serves_docs_at_root(&t.text)).then(String::new))
                })
                .unwrap_or_else(|| "docs".into());
            let route = route.trim_matches('/').to_string();
            let mut routes = vec![
                (route, docs.clone()),
                ("blog".to_string(), join(dir, "blog")),
                (String::new(), join(dir, "src/pages")),
            ];
            let mut sources = vec![
                docs,
                join(dir, "blog"),
                join(dir, "versioned_docs"),
                join(dir, "src/pages"),
            ];
            // Each further docs (or blog) plugin instance serves its own
            // folder under its own route: `{ id: 'api', path: 'api-docs',
            // routeBasePath: 'api' }`.
            for (route, folder) in keys.instances {
                let Some(folder) = normalize(dir, &folder) else {
                    continue;
                };
                let route = route.trim_matches('/').to_string();
                if !routes.contains(&(route.clone(), folder.clone())) {
                    routes.push((route, folder.clone()));
                }
                if !sources.contains(&folder) {
                    sources.push(folder);
                }
            }
            routes.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
            // docusaurus-plugin-typedoc-api (and its forks, `@apify/…`)
            // writes a page per exported symbol under `/api` (its default
            // route) while the site builds.
            let generated = text
                .as_ref()
                .filter(|t| t.text.contains("docusaurus-plugin-typedoc-api"))
                .map(|_| vec!["api".to_string()])
                .unwrap_or_default();
            Some(Site {
                generator: Generator::Docusaurus,
                config: path.into(),
                sources,
                assets: vec![join(dir, "static")],
                routes,
                pretty: Vec::new(),
                generated,
            })
        } else if (name == "config.toml" || name == "zola.toml")
            && tree.is_dir(&join(dir, "content"))
            && tree
                .text(path)
                .ok()
                .is_some_and(|t| t.text.contains("base_url"))
        {
            Some(Site {
                generator: Generator::Zola,
                config: path.into(),
                sources: vec![join(dir, "content")],
                assets: vec![join(dir, "static")],
                routes: Vec::new(),
                pretty: Vec::new(),
                generated: Vec::new(),
            })
        } else if let Some(site_dir) =
            hugo_site_dir(name, dir).or_else(|| legacy_hugo_config(tree, path, name, dir))
            && tree.is_dir(&join(site_dir, "content"))
        {
            Some(Site {
                generator: Generator::Hugo,
                config: path.into(),
                sources: hugo_content_dirs(tree, path, site_dir),
                assets: vec![join(site_dir, "static")],
                routes: Vec::new(),
                pretty: Vec::new(),
                generated: Vec::new(),
            })
        } else if name == "conf.py"
            && tree
                .text(path)
                .ok()
                .is_some_and(|t| t.text.contains("sphinx") || t.text.contains("myst"))
        {
            Some(Site {
                generator: Generator::Sphinx,
                config: path.into(),
                sources: vec![dir.to_string()],
                assets: Vec::new(),
                routes: Vec::new(),
                pretty: Vec::new(),
                generated: Vec::new(),
            })
        } else if name == "mix.exs"
            && tree
                .text(path)
                .ok()
                .is_some_and(|t| t.text.contains("extras"))
        {
            Some(Site {
                generator: Generator::ExDoc,
                config: path.into(),
                sources: vec![dir.to_string()],
                assets: Vec::new(),
                routes: tree
                    .text(path)
                    .map(|t| exdoc_assets(&t.text, dir))
                    .unwrap_or_default(),
                pretty: Vec::new(),
                generated: Vec::new(),
            })
        } else if let Some(site) = exdoc_config_site(tree, path, name, dir) {
            Some(site)
        } else if let Some(pages) = starlight_pages(tree, path, name, dir) {
            // Starlight serves `src/content/docs/a/b.md` at `/a/b/`, or at
            // the `slug:` its front matter gives; `public/` is copied as is.
            Some(Site {
                generator: Generator::Starlight,
                config: path.into(),
                sources: vec![pages.clone()],
                assets: vec![join(dir, "public")],
                routes: vec![(String::new(), pages)],
                pretty: Vec::new(),
                generated: Vec::new(),
            })
        } else if let Some(site) = nextra_site(tree, path, name, dir) {
            Some(site)
        } else if name == "docfx.json" && !path.contains("/.") {
            // DocFX builds the Markdown beside its config into pages at the
            // same paths (`help/x/index.md` at `/help/x/`) and copies its
            // resources (images) as they are.
            Some(Site {
                generator: Generator::DocFx,
                config: path.into(),
                sources: vec![dir.to_string()],
                assets: vec![dir.to_string()],
                routes: Vec::new(),
                pretty: Vec::new(),
                generated: Vec::new(),
            })
        } else if name == "_config.yml"
            && ["_layouts", "_includes", "_posts", "_pages", "_data"]
                .iter()
                .any(|d| tree.is_dir(&join(dir, d)))
        {
            // Jekyll serves every page from its folder and copies the other
            // files there as they are; a collection's pages come from its
            // `_name` folder at the URLs its permalink gives.
            let (routes, pretty) = jekyll_urls(tree, path, dir);
            Some(Site {
                generator: Generator::Jekyll,
                config: path.into(),
                sources: vec![dir.to_string()],
                assets: vec![dir.to_string()],
                routes,
                pretty,
                generated: Vec::new(),
            })
        } else {
            None
        };
        sites.extend(site);
    }
    sites
}

/// The pages folder of an Astro site that uses Starlight: its config
/// (`astro.config.mjs`, `.ts`, …) names the integration and
/// `src/content/docs/` beside it holds the pages.
fn starlight_pages(tree: &Tree, path: &str, name: &str, dir: &str) -> Option<String> {
    let ext = name.strip_prefix("astro.config.")?;
    if !matches!(ext, "mjs" | "js" | "ts" | "mts" | "cjs" | "cts") {
        return None;
    }
    let pages = join(dir, "src/content/docs");
    (tree.is_dir(&pages) && tree.text(path).ok()?.text.contains("@astrojs/starlight"))
        .then_some(pages)
}

/// A Nextra site: a Next.js config (`next.config.mjs`, `.ts`, …) that
/// imports `nextra`. Nextra 4 serves the Markdown of its `content/` folder
/// (or `src/content/`) from the site's root, or from the config's
/// `contentDirBasePath`. With Next.js `i18n` locales each locale's folder
/// (`content/es/`) is a root of its own: `/docs/options` from one of its
/// pages is that locale's `docs/options`.
fn nextra_site(tree: &Tree, path: &str, name: &str, dir: &str) -> Option<Site> {
    let ext = name.strip_prefix("next.config.")?;
    if !matches!(ext, "mjs" | "js" | "ts" | "mts" | "cjs" | "cts") {
        return None;
    }
    let text = tree.text(path).ok()?;
    let text = &text.text;
    let imports = ["'nextra'", "\"nextra\""]
        .iter()
        .any(|q| text.contains(&format!("from {q}")) || text.contains(&format!("require({q})")));
    if !imports {
        return None;
    }
    let content = ["content", "src/content"]
        .iter()
        .map(|f| join(dir, f))
        .find(|f| tree.is_dir(f))?;
    let locales: Vec<String> = nextra_locales(text)
        .into_iter()
        .map(|l| join(&content, &l))
        .filter(|f| tree.is_dir(f))
        .collect();
    let sources = if locales.is_empty() {
        vec![content]
    } else {
        locales
    };
    let base = js_key(text, "contentDirBasePath")
        .map(|b| b.trim_matches('/').to_string())
        .unwrap_or_default();
    let routes = if base.is_empty() {
        Vec::new()
    } else {
        sources.iter().map(|s| (base.clone(), s.clone())).collect()
    };
    Some(Site {
        generator: Generator::Nextra,
        config: path.into(),
        sources,
        assets: vec![join(dir, "public")],
        routes,
        pretty: Vec::new(),
        generated: Vec::new(),
    })
}

/// The locales a Next.js config lists: `i18n: { locales: ['en', 'es'] }`.
fn nextra_locales(text: &str) -> Vec<String> {
    let Some(at) = text.find("locales:") else {
        return Vec::new();
    };
    let rest = &text[at + "locales:".len()..];
    let Some(list) = rest
        .trim_start()
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .map(|(l, _)| l)
    else {
        return Vec::new();
    };
    list.split(',')
        .map(|v| v.trim().trim_matches(['"', '\'', '`']).to_string())
        .filter(|v| {
            !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .collect()
}

/// The URLs of a Starlight site that its pages folder does not show by
/// file name, as the pages folder joined with the URL path: a `slug:` in a
/// page's front matter (`slug: getting-started/terms` serves the page at
/// `/getting-started/terms/` whatever its file is called), Astro's own
/// pages (`src/pages/reference/active.astro` at `/reference/active`; not
/// the dynamic `[param]` ones), and the config's `redirects` sources.
fn starlight_slugs(tree: &Tree, site: &Site) -> Vec<String> {
    let mut out = Vec::new();
    let root = dir_of(&site.config);
    let astro_pages = join(root, "src/pages");
    for folder in &site.sources {
        for p in tree.paths().filter(|p| under(p, &astro_pages)) {
            let rel = p[astro_pages.len()..].trim_start_matches('/');
            let Some(stem) = [".astro", ".md", ".mdx"]
                .iter()
                .find_map(|e| rel.strip_suffix(e))
            else {
                continue;
            };
            if stem.contains('[') {
                continue;
            }
            let url = stem
                .strip_suffix("index")
                .unwrap_or(stem)
                .trim_end_matches('/');
            out.push(join(folder, url));
        }
        if let Ok(config) = tree.text(&site.config) {
            for from in astro_redirects(&config.text) {
                out.push(join(folder, &from));
            }
        }
        for p in tree
            .paths()
            .filter(|p| under(p, folder) && (p.ends_with(".md") || p.ends_with(".mdx")))
        {
            if let Some(slug) = front_matter(tree, p).and_then(|f| yaml_key(&f, "slug")) {
                let slug = slug.trim_matches('/');
                if !slug.is_empty() && !slug.contains(':') {
                    out.push(join(folder, slug));
                }
            }
        }
    }
    out
}

/// The paths an Astro config's `redirects: { "/old/": "/new/", … }` serve
/// (without slashes at either end); a dynamic one (`[...slug]`) is left out.
fn astro_redirects(text: &str) -> Vec<String> {
    let Some(at) = text.find("redirects:") else {
        return Vec::new();
    };
    let rest = &text[at..];
    let Some(open) = rest.find('{') else {
        return Vec::new();
    };
    let mut depth = 0usize;
    let mut end = rest.len();
    for (i, c) in rest[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    end = open + i;
                    break;
                }
            }
            _ => {}
        }
    }
    let Ok(key) = regex::Regex::new(r#"(?m)^\s*["'](/[^"'\s]*)["']\s*:"#) else {
        return Vec::new();
    };
    key.captures_iter(&rest[open..end])
        .map(|c| c[1].trim_matches('/').to_string())
        .filter(|k| !k.is_empty() && !k.contains('['))
        .collect()
}

/// The locales of an mkdocs config whose `i18n` plugin (mkdocs-static-i18n)
/// keeps each language in a folder of its own (`docs_structure: folder`).
fn i18n_locales(text: &str) -> Vec<String> {
    let folder = text.lines().any(|l| {
        l.trim()
            .strip_prefix("docs_structure:")
            .is_some_and(|v| v.trim().trim_matches(['"', '\'']) == "folder")
    });
    if !folder
        || !text
            .lines()
            .any(|l| l.trim().trim_start_matches("- ") == "i18n:")
    {
        return Vec::new();
    }
    text.lines()
        .filter_map(|l| l.trim().trim_start_matches("- ").strip_prefix("locale:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
        .filter(|v| {
            !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .collect()
}

/// An ExDoc config kept in a script of its own, as `ex_doc --config
/// docs.exs` reads it (a project that builds its docs without a `mix.exs`
/// `docs:` section, as Elixir itself does): a `.exs` file whose `extras:`
/// lists Markdown files that exist, from the root (where `ex_doc` runs) or
/// beside the script. The site's pages are those extras' folders.
fn exdoc_config_site(tree: &Tree, path: &str, name: &str, dir: &str) -> Option<Site> {
    if !name.ends_with(".exs") || name == "mix.exs" || crate::manifest::under_test_data(dir) {
        return None;
    }
    let text = tree.text(path).ok()?;
    let text: &str = &text.text;
    let at = text.find("extras:")?;
    let quoted = regex::Regex::new(r#""([^"\n]+\.(?:md|cheatmd|livemd))""#).ok()?;
    let listed: Vec<&str> = quoted
        .captures_iter(&text[at..])
        .filter_map(|c| c.get(1).map(|m| m.as_str().trim_start_matches("./")))
        .filter(|p| !p.contains(".."))
        .collect();
    let base = ["", dir]
        .into_iter()
        .find(|b| listed.iter().any(|p| tree.exists(&join(b, p))))?;
    let mut sources: Vec<String> = listed
        .iter()
        .map(|p| join(base, p))
        .filter(|p| tree.exists(p))
        .map(|p| dir_of(&p).to_string())
        .filter(|d| !d.is_empty())
        .collect();
    sources.sort();
    sources.dedup();
    if sources.is_empty() {
        return None;
    }
    Some(Site {
        generator: Generator::ExDoc,
        config: path.into(),
        sources,
        assets: Vec::new(),
        routes: exdoc_assets(text, base),
        pretty: Vec::new(),
        generated: Vec::new(),
    })
}

/// The page names an ExDoc config gives its extras in place of their file
/// names (`"guides/a/nx.md": [filename: "a-nx"]` is served as `a-nx.html`),
/// lower-cased.
fn exdoc_filenames(tree: &Tree, config: &str) -> Vec<String> {
    let (Ok(text), Ok(option)) = (
        tree.text(config),
        regex::Regex::new(r#"\bfilename:\s*"([^"\n]+)""#),
    ) else {
        return Vec::new();
    };
    option
        .captures_iter(&text.text)
        .map(|c| c[1].trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty() && !n.contains('/'))
        .collect()
}

/// The folders ExDoc's `assets:` option copies into the docs' output, as
/// (output folder, source folder from the root): `assets: %{"guides/assets"
/// => "assets"}` (a source may be spelled `Path.expand("./docs/images")`),
/// or the older `assets: "guides/assets"`, copied to `assets/`.
fn exdoc_assets(text: &str, dir: &str) -> Vec<(String, String)> {
    let source = r#"(?:"([^"\n]+)"|Path\.expand\(\s*"([^"\n]+)"[^)]*\))"#;
    let (Ok(map), Ok(pair), Ok(single)) = (
        regex::Regex::new(r"\bassets:\s*%\{([^}]*)\}"),
        regex::Regex::new(&format!(r#"{source}\s*=>\s*"([^"\n]+)""#)),
        regex::Regex::new(r#"\bassets:\s*"([^"\n]+)""#),
    ) else {
        return Vec::new();
    };
    let clean = |p: &str| p.trim_start_matches("./").trim_matches('/').to_string();
    let mut out = Vec::new();
    if let Some(m) = map.captures(text).and_then(|c| c.get(1)) {
        for c in pair.captures_iter(m.as_str()) {
            let Some(src) = c.get(1).or(c.get(2)) else {
                continue;
            };
            let (src, dst) = (clean(src.as_str()), clean(&c[3]));
            if !src.is_empty() && !dst.is_empty() && !src.contains("..") {
                out.push((dst, join(dir, &src)));
            }
        }
    } else if let Some(c) = single.captures(text) {
        let src = clean(&c[1]);
        if !src.is_empty() && !src.contains("..") {
            out.push(("assets".to_string(), join(dir, &src)));
        }
    }
    out
}

/// A Jekyll site's collection routes and pretty folders, from its
/// `_config.yml`: a collection whose permalink is `/:collection/:path…` is
/// served under `/<name>/` from its `_<name>` folder (inside
/// `collections_dir`), and a permalink ending in `/` (or the site's
/// `permalink: pretty`) serves each page at a URL of its own name.
fn jekyll_urls(tree: &Tree, config: &str, dir: &str) -> (Vec<(String, String)>, Vec<String>) {
    use yaml_serde::Value;
    let (mut routes, mut pretty) = (Vec::new(), Vec::new());
    let Ok(tf) = tree.text(config) else {
        return (routes, pretty);
    };
    let Ok((root, _)) = crate::workflow::parse_yaml_file::<Value>(config, &tf.text, "_config.yml")
    else {
        return (routes, pretty);
    };
    let ends_pretty = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .is_some_and(|p| p == "pretty" || p.ends_with('/'))
    };
    let site_pretty = ends_pretty(root.get("permalink"));
    if site_pretty {
        pretty.push(dir.to_string());
    }
    let cdir = root
        .get("collections_dir")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim_matches('/');
    let collections: Vec<(String, Option<&Value>)> = match root.get("collections") {
        Some(Value::Mapping(m)) => m
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), Some(v))))
            .collect(),
        Some(Value::Sequence(s)) => s
            .iter()
            .filter_map(|k| Some((k.as_str()?.to_string(), None)))
            .collect(),
        _ => Vec::new(),
    };
    for (name, meta) in collections {
        if name == "posts" || name.is_empty() || name.contains(['/', '.']) {
            continue; // posts are dated; their URLs are not their paths
        }
        let folder = join(dir, &join(cdir, &format!("_{name}")));
        let permalink = meta.and_then(|m| m.get("permalink"));
        let output = meta
            .and_then(|m| m.get("output"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !output {
            continue; // not rendered: no URLs at all
        }
        let served_by_path = match permalink.and_then(Value::as_str) {
            None => true, // the default, `/:collection/:path:output_ext`
            Some(p) => p.starts_with("/:collection/") && p.contains(":path"),
        };
        if served_by_path {
            routes.push((name.clone(), folder.clone()));
        }
        if ends_pretty(permalink) || (permalink.is_none() && site_pretty) {
            pretty.push(folder);
        }
    }
    routes.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
    (routes, pretty)
}

/// A Docusaurus 1 site: `website/siteConfig.js` beside a `package.json`
/// that depends on `docusaurus` (version 2 on is `@docusaurus/core`, with
/// a `docusaurus.config.js`). Its docs come from the folder beside
/// `website/` (`docs/`, or `customDocsPath`) and are served as
/// `docs/<id>.html`, so `tests.html` from a doc is the page `tests.md`;
/// the blog is `website/blog/`, the static files `website/static/`.
fn docusaurus_one(tree: &Tree, path: &str, dir: &str) -> Option<Site> {
    let manifest = tree.text(&join(dir, "package.json")).ok()?;
    if !manifest.text.contains("\"docusaurus\"") {
        return None;
    }
    let root = dir_of(dir);
    let config = tree.text(path).ok().map(|t| t.text.to_string());
    let docs_dir = config
        .as_deref()
        .and_then(|t| js_config_key(t, "customDocsPath"))
        .unwrap_or_else(|| "docs".into());
    // A `customDocsPath` the tree lacks is written at build time (mdoc
    // compiles `docs/` into `website/target/docs`): its pages come from
    // `docs/`, the generator's default input.
    let docs = normalize(root, &docs_dir)
        .filter(|d| tree.is_dir(d))
        .unwrap_or_else(|| join(root, "docs"));
    let mut routes = vec![
        ("docs".to_string(), docs.clone()),
        ("blog".to_string(), join(dir, "blog")),
    ];
    // Links in its pages are plain hrefs: a root link written for a site
    // served below the domain (`/lib/docs/x.html` with `baseUrl: "/lib/"`)
    // names the same pages.
    if let Some(base) = config.as_deref().and_then(base_url) {
        let prefixed: Vec<(String, String)> = routes
            .iter()
            .map(|(prefix, folder)| (join(&base, prefix), folder.clone()))
            .collect();
        routes.extend(prefixed);
    }
    routes.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
    Some(Site {
        generator: Generator::Docusaurus,
        config: path.into(),
        sources: vec![docs.clone(), join(dir, "blog"), join(dir, "versioned_docs")],
        assets: vec![join(dir, "static")],
        routes,
        pretty: Vec::new(),
        generated: Vec::new(),
    })
}

/// A Docusaurus 1 `baseUrl` other than `/`, without its slashes: written
/// in the config object (`baseUrl: "/lib/"`) or in a constant it names
/// (`const baseUrl = "/lib/"`).
fn base_url(config: &str) -> Option<String> {
    let re = regex::Regex::new(r#"\bbaseUrl\s*[:=]\s*["'`]([^"'`\n]*)["'`]"#).ok()?;
    let base = re.captures(config)?.get(1)?.as_str().trim_matches('/');
    (!base.is_empty() && !base.contains("${")).then(|| base.to_string())
}

/// The category index pages a Docusaurus site generates, each as its docs
/// folder joined with the page's path (see [`Docs::categories`]).
/// The URLs Docusaurus gives pages whose front matter names them: a doc's
/// `id:` replaces its file name (`users/Shared_Configs.mdx` with `id:
/// configs` is `users/configs`), a `slug:` replaces its path (from the
/// route when it starts with `/`, else from the doc's folder; a blog post's
/// from the blog's route), and a blog post named `2024-07-31-name.md` is
/// `2024/07/31/name`. Each as the route's folder joined with the URL under
/// the route, the form [`Docs::resolve`] looks pages up by.
fn docusaurus_urls(tree: &Tree, site: &Site) -> Vec<String> {
    let mut out = Vec::new();
    let routes = site.routes.iter().map(|(p, f)| (p.clone(), f.clone()));
    for (prefix, folder) in routes.chain(docusaurus_versions(tree, site)) {
        let folder = &folder;
        let blog = prefix == "blog" || folder.rsplit('/').next() == Some("blog");
        for p in tree
            .paths()
            .filter(|p| under(p, folder) && (p.ends_with(".md") || p.ends_with(".mdx")))
        {
            let rel = p
                .strip_prefix(folder.as_str())
                .unwrap_or(p)
                .trim_start_matches('/');
            let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
            if blog && let Some(dated) = dated_post(stem) {
                out.push(join(folder, &dated));
            }
            let Some(front) = front_matter(tree, p) else {
                continue;
            };
            let url = match (yaml_key(&front, "slug"), yaml_key(&front, "id")) {
                (Some(slug), _) if slug.starts_with('/') || blog => {
                    slug.trim_start_matches('/').to_string()
                }
                (Some(slug), _) => join(dir, &slug),
                (None, Some(id)) if !blog => join(dir, &id),
                _ => continue,
            };
            if !url.contains(':') {
                out.push(join(folder, &url));
            }
        }
    }
    out
}

/// The frozen copies of a Docusaurus site's docs, one folder per version
/// (`versioned_docs/version-29.7/`, made by `docusaurus docs:version`): each
/// is served as the docs are, so its pages' `id:` and `slug:` name them
/// within that folder. As (route, folder) pairs like [`Site::routes`]; the
/// route is left empty, as it only tells a blog apart.
fn docusaurus_versions(tree: &Tree, site: &Site) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for versioned in site
        .sources
        .iter()
        .filter(|s| s.rsplit('/').next() == Some("versioned_docs"))
    {
        for p in tree.paths().filter(|p| under(p, versioned)) {
            let rest = p[versioned.len()..].trim_start_matches('/');
            let Some((version, _)) = rest.split_once('/') else {
                continue;
            };
            if !version.starts_with("version-") {
                continue;
            }
            let folder = join(versioned, version);
            if !out.iter().any(|(_, f)| *f == folder) {
                out.push((String::new(), folder));
            }
        }
    }
    out
}

/// `2024-07-31-name` → `2024/07/31/name`: a dated blog post's default URL.
fn dated_post(stem: &str) -> Option<String> {
    let b = stem.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.len() > 11
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'-'
    {
        Some(format!(
            "{}/{}/{}/{}",
            &stem[..4],
            &stem[5..7],
            &stem[8..10],
            &stem[11..]
        ))
    } else {
        None
    }
}

fn generated_categories(tree: &Tree, site: &Site) -> Vec<String> {
    let Some(docs) = site.sources.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in tree.paths().filter(|p| under(p, docs)) {
        let name = p.rsplit('/').next().unwrap_or(p);
        if name != "_category_.json" {
            continue;
        }
        let Ok(df) = tree.json(p) else { continue };
        let Some(link) = df.root.get("link") else {
            continue;
        };
        if link.get("type").and_then(|t| t.as_str()) != Some("generated-index") {
            continue;
        }
        if let Some(slug) = link.get("slug").and_then(|s| s.as_str()) {
            out.push(join(docs, slug.trim_matches('/')));
            continue;
        }
        // Without a slug the page is `category/` and the label (else the
        // folder's name) as Docusaurus slugs it: lower case, every run of
        // other characters one `-`.
        let label = df
            .root
            .get("label")
            .and_then(|l| l.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| dir_of(p).rsplit('/').next().unwrap_or("").to_string());
        let mut slug = String::new();
        for c in label.to_lowercase().chars() {
            if c.is_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug = slug.trim_end_matches('-');
        if !slug.is_empty() {
            out.push(join(docs, &format!("category/{slug}")));
        }
    }
    out
}

/// The mystmd projects of the tree: each `myst.yml` with a top-level
/// `project:` section, with the labels the Markdown pages under its folder
/// define.
fn mystmd_projects(tree: &Tree) -> Vec<(String, HashSet<String>)> {
    let mut out = Vec::new();
    for cfg in tree
        .paths()
        .filter(|p| p.rsplit('/').next() == Some("myst.yml"))
    {
        let Ok(t) = tree.text_unkept(cfg) else {
            continue;
        };
        if !t.text.lines().any(|l| l.trim_end() == "project:") {
            continue;
        }
        let dir = dir_of(cfg).to_string();
        let labels = tree
            .paths()
            .filter(|p| {
                p.ends_with(".md")
                    && (dir.is_empty()
                        || p.strip_prefix(dir.as_str())
                            .is_some_and(|r| r.starts_with('/')))
            })
            .filter_map(|p| tree.text_unkept(p).ok())
            .flat_map(|t| crate::repo::markdown::myst_page_labels(&t.text))
            .map(|l| l.to_lowercase())
            .collect();
        out.push((dir, labels));
    }
    out
}

/// The `(name)=` targets in the Markdown pages of a Sphinx site.
fn myst_labels(tree: &Tree, site: &Site) -> Vec<String> {
    let mut out = Vec::new();
    for p in tree.paths().filter(|p| site.holds(p) && p.ends_with(".md")) {
        let Ok(t) = tree.text_unkept(p) else { continue };
        for line in t.text.lines() {
            if let Some(label) = line
                .trim()
                .strip_prefix('(')
                .and_then(|l| l.strip_suffix(")="))
                .filter(|l| !l.is_empty() && !l.contains(char::is_whitespace))
            {
                out.push(label.to_string());
            }
        }
    }
    out
}

/// The files a Sphinx site's pages include (MyST ```` ```{include} path ````
/// or `:::{include}`, reST `.. include:: path`), resolved from the including
/// page's folder (a leading `/` from the site's folder).
fn sphinx_includes(tree: &Tree, site: &Site) -> Vec<String> {
    let dir = site.sources.first().map(String::as_str).unwrap_or("");
    let mut out = Vec::new();
    for p in tree
        .paths()
        .filter(|p| site.holds(p) && (p.ends_with(".md") || p.ends_with(".rst")))
    {
        let Ok(t) = tree.text_unkept(p) else { continue };
        for line in t.text.lines() {
            let l = line.trim();
            let target = if let Some(rest) = l.strip_prefix(".. include::") {
                rest
            } else {
                let rest = l.trim_start_matches(['`', '~', ':']);
                if rest.len() == l.len() || l.len() - rest.len() < 3 {
                    continue;
                }
                let Some(rest) = rest.strip_prefix("{include}") else {
                    continue;
                };
                rest
            };
            let target = target.trim();
            if target.is_empty() || target.contains("://") {
                continue;
            }
            let path = match target.strip_prefix('/') {
                Some(from_site) => Some(join(dir, from_site)),
                None => normalize(dir_of(p), target),
            };
            out.extend(path.filter(|t| !site.holds(t) && tree.exists(t)));
        }
    }
    out
}

/// The `permalink:` of each Markdown page of a Jekyll site, joined onto the
/// site's folder: `/upgrading/` in `docs/_pages/x.md` is `docs/upgrading`.
/// Only the front matter (between the opening `---` and the next) is read.
fn permalinks(tree: &Tree, site: &Site) -> Vec<String> {
    let dir = site.sources.first().map(String::as_str).unwrap_or("");
    let mut out = Vec::new();
    for p in tree
        .paths()
        .filter(|p| site.holds(p) && crate::repo::markdown::is_markdown(p))
    {
        let Some(front) = front_matter(tree, p) else {
            continue;
        };
        // The page's own URL, and the old ones the jekyll-redirect-from
        // plugin keeps answering (`redirect_from:`, one or a list).
        let mut urls: Vec<String> = yaml_key(&front, "permalink").into_iter().collect();
        urls.extend(yaml_key(&front, "redirect_from"));
        urls.extend(yaml_list(&front, "redirect_from"));
        for link in urls {
            let url = link.trim_matches(['/', '"', '\'']);
            let url = url.strip_suffix(".html").unwrap_or(url);
            let url = url.strip_suffix("/index").unwrap_or(url);
            let url = if url == "index" { "" } else { url };
            // `permalink: /` is the site's home page, which `/` reaches.
            if !url.contains(':') {
                out.push(join(dir, url));
            }
        }
    }
    out
}

/// A page's YAML front matter (between `---` lines at its top, at most 200
/// lines), read without keeping the page in the tree's cache.
fn front_matter(tree: &Tree, path: &str) -> Option<String> {
    let t = tree.text_unkept(path).ok()?;
    let mut lines = t.text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return None;
    }
    let front: Vec<&str> = lines
        .take_while(|l| l.trim_end() != "---")
        .take(200)
        .collect();
    Some(front.join("\n"))
}

/// `key: value` at the start of a line of a YAML file (a top-level scalar).
fn yaml_key(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.trim_start().strip_prefix(':')?;
        let v = rest.split(" #").next()?.trim().trim_matches(['"', '\'']);
        (!v.is_empty()).then(|| v.trim_end_matches('/').to_string())
    })
}

/// The items of a block list under a top-level `key:` of a YAML text
/// (`key:` alone on its line, then `- item` lines).
fn yaml_list(text: &str, key: &str) -> Vec<String> {
    let mut lines = text.lines();
    let found = lines.by_ref().any(|l| {
        l.strip_prefix(key)
            .and_then(|r| r.trim_start().strip_prefix(':'))
            .is_some_and(|r| r.split(" #").next().unwrap_or("").trim().is_empty())
    });
    if !found {
        return Vec::new();
    }
    lines
        .map(str::trim)
        .take_while(|l| l.starts_with('-'))
        .filter_map(|l| {
            let v = l[1..].trim().trim_matches(['"', '\'']);
            (!v.is_empty()).then(|| v.to_string())
        })
        .collect()
}

/// `key = "value"` in a TOML file (the first one).
fn toml_key(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l
            .trim_start()
            .strip_prefix(key)?
            .trim_start()
            .strip_prefix('=')?;
        let v = rest.trim().trim_matches(['"', '\'']);
        (!v.is_empty()).then(|| v.trim_end_matches('/').to_string())
    })
}

/// `key: 'value'` in a JavaScript or TypeScript config (the first one).
fn js_key(text: &str, key: &str) -> Option<String> {
    let re = regex::Regex::new(&format!(
        r#"\b{}\s*:\s*(?:"([^"\n]+)"|'([^'\n]+)'|`([^`\n]+)`)"#,
        regex::escape(key)
    ))
    .ok()?;
    let caps = re.captures(text)?;
    let v = caps.get(1).or(caps.get(2)).or(caps.get(3))?.as_str();
    let v = v.trim_start_matches("./").trim_end_matches('/');
    (!v.is_empty()).then(|| v.to_string())
}

/// A key of the config object itself, not of an object nested in it: the
/// PWA plugin's `pwa: { srcDir: '.vitepress/' }` names where its service
/// worker lives, not the site's pages. The config object is the first `{`
/// after `defineConfig(` (or `export default`); a config written some other
/// way is read with [`js_key`].
fn js_config_key(text: &str, key: &str) -> Option<String> {
    let Some(start) = text
        .find("defineConfig(")
        .or_else(|| text.find("export default"))
        .and_then(|at| text[at..].find('{').map(|b| at + b))
    else {
        return js_key(text, key);
    };
    // Byte offsets of the config object's own keys' depth: 1 inside its
    // braces. Strings and line comments are stepped over.
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    let mut line_start = i;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return None;
                }
            }
            q @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\n' => line_start = i + 1,
            _ if depth == 1 && text[i..].starts_with(key) => {
                let before = text[line_start..i].trim();
                if (before.is_empty() || before.ends_with(',') || before.ends_with('{'))
                    && let Some(v) = js_key(
                        &text[i..text[i..].find('\n').map_or(text.len(), |n| i + n)],
                        key,
                    )
                {
                    return Some(v);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The `path` and `routeBasePath` keys of a Docusaurus config.
#[derive(Debug, Default, PartialEq)]
struct DocusaurusKeys {
    /// Every object literal that sets both to a string (a content plugin
    /// instance), as (route, folder as written).
    instances: Vec<(String, String)>,
    /// The first `path` and `routeBasePath` outside those: the main docs'.
    path: Option<String>,
    route: Option<String>,
}

/// Reads [`DocusaurusKeys`]. Keys are grouped by the innermost `{` they sit
/// in; strings and `//` comments are stepped over, so a brace inside one
/// does not count.
fn docusaurus_keys(text: &str) -> DocusaurusKeys {
    let clean = |v: &str| {
        let v = v.trim_start_matches("./").trim_end_matches('/');
        (!v.is_empty()).then(|| v.to_string())
    };
    let mut keys = DocusaurusKeys::default();
    for (_, route, path) in docusaurus_objects(text) {
        match (route, path) {
            (Some(r), Some(p)) => keys.instances.push((r, p)),
            // Outside a paired object, the first of each.
            (r, p) => {
                if keys.route.is_none() {
                    keys.route = r.map(|r| r.trim_start_matches("./").trim_end_matches('/').into());
                }
                if keys.path.is_none() {
                    keys.path = p.as_deref().and_then(clean);
                }
            }
        }
    }
    keys
}

/// Per object literal that sets `path` or `routeBasePath` to a string, in
/// the order the objects open: (where, route, path).
fn docusaurus_objects(text: &str) -> Vec<(usize, Option<String>, Option<String>)> {
    let key = regex::Regex::new(
        r#"\b(path|routeBasePath)\s*:\s*(?:"([^"\n]*)"|'([^'\n]*)'|`([^`\n$]*)`)"#,
    )
    .expect("valid regex");
    let hits: Vec<(usize, bool, String)> = key
        .captures_iter(text)
        .filter_map(|c| {
            let at = c.get(0)?.start();
            let route = &c[1] == "routeBasePath";
            let v = c.get(2).or(c.get(3)).or(c.get(4))?.as_str();
            Some((at, route, v.to_string()))
        })
        .collect();
    if hits.is_empty() {
        return Vec::new();
    }
    // The innermost open `{` at each hit.
    let bytes = text.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    let mut owner = Vec::with_capacity(hits.len());
    let (mut i, mut next) = (0, 0);
    while i < bytes.len() && next < hits.len() {
        if i == hits[next].0 {
            owner.push(open.last().copied());
            next += 1;
            continue;
        }
        match bytes[i] {
            b'{' => open.push(i),
            b'}' => {
                open.pop();
            }
            q @ (b'"' | b'\'' | b'`') => {
                // Step over the string (a hit never starts inside one it
                // matched, and one inside an unclosed string is dropped).
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != q && bytes[j] != b'\n' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                while next < hits.len() && hits[next].0 < j {
                    owner.push(None);
                    next += 1;
                }
                i = j;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                while next < hits.len() && hits[next].0 < end {
                    owner.push(None);
                    next += 1;
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    let mut by_object: Vec<(usize, Option<String>, Option<String>)> = Vec::new();
    for ((_, route, value), obj) in hits.into_iter().zip(owner) {
        let Some(obj) = obj else { continue };
        let slot = match by_object.iter().position(|(o, ..)| *o == obj) {
            Some(k) => k,
            None => {
                by_object.push((obj, None, None));
                by_object.len() - 1
            }
        };
        let (_, r, p) = &mut by_object[slot];
        let field = if route { r } else { p };
        field.get_or_insert(value);
    }
    by_object.sort_by_key(|(o, ..)| *o);
    by_object
}

/// Whether a Docusaurus config says `routeBasePath: '/'` (docs-only mode),
/// which [`js_key`] reads as no value.
fn serves_docs_at_root(text: &str) -> bool {
    text.match_indices("routeBasePath").any(|(i, k)| {
        let rest = text[i + k.len()..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            return false;
        };
        let rest = rest.trim_start();
        ["'/'", "\"/\"", "`/`"].iter().any(|q| rest.starts_with(q))
    })
}

/// The folder of the Hugo site whose config `path` is: `hugo.toml` (or
/// `.yaml`, `.yml`, `.json`) in the site's folder, or `hugo.*` or
/// `config.*` in its config directory, `config/_default/` (the settings
/// every environment shares; `config/production/` only adds to them).
fn hugo_site_dir<'a>(name: &str, dir: &'a str) -> Option<&'a str> {
    let (stem, ext) = name.rsplit_once('.')?;
    if !matches!(ext, "toml" | "yaml" | "yml" | "json") {
        return None;
    }
    let parent = dir_of(dir);
    if parent == "config" || parent.ends_with("/config") {
        let env = dir.rsplit('/').next().unwrap_or(dir);
        return (env == "_default" && (stem == "hugo" || stem == "config")).then(|| dir_of(parent));
    }
    (stem == "hugo").then_some(dir)
}

/// The folder of a Hugo site configured by the name older Hugo used,
/// `config.toml` (or `.yaml`, `.yml`, `.json`) in the site's folder, which
/// Hugo still reads. Other tools use that name too (Zola, read before
/// this), so the file must set Hugo's `baseURL` (any case, as Hugo reads
/// keys).
fn legacy_hugo_config<'a>(tree: &Tree, path: &str, name: &str, dir: &'a str) -> Option<&'a str> {
    let (stem, ext) = name.rsplit_once('.')?;
    if stem != "config" || !matches!(ext, "toml" | "yaml" | "yml" | "json") {
        return None;
    }
    let text = tree.text(path).ok()?;
    let key = regex::Regex::new(r#"(?im)^\s*"?baseurl"?\s*[:=]"#).ok()?;
    key.is_match(&text.text).then_some(dir)
}

/// A YAML config read into the same tree a JSON one gives (`None` when it
/// does not parse, or is not a mapping).
fn yaml_config(tree: &Tree, path: &str) -> Option<crate::repo::spanned::Node> {
    let text = tree.text(path).ok()?;
    let value: serde_json::Value = yaml_serde::from_str(&text.text).ok()?;
    if !value.is_object() {
        return None;
    }
    crate::repo::formats::parse_json(&serde_json::to_string(&value).ok()?).ok()
}

/// Where a Hugo site's pages come from: the folders its config mounts as
/// `content` (`module.mounts` with `target: content`, which replace the
/// default), else `contentDir` (the site's and each language's), else
/// `content/`. A config that cannot be read gets the default.
fn hugo_content_dirs(tree: &Tree, path: &str, dir: &str) -> Vec<String> {
    let default = vec![join(dir, "content")];
    let df = if path.ends_with(".toml") {
        tree.toml(path).ok()
    } else if path.ends_with(".json") {
        tree.json(path).ok()
    } else {
        None
    };
    let yaml = if df.is_none() && (path.ends_with(".yaml") || path.ends_with(".yml")) {
        yaml_config(tree, path)
    } else {
        None
    };
    let Some(root) = df.as_ref().map(|d| &d.root).or(yaml.as_ref()) else {
        return default;
    };
    let clean = |s: &str| s.trim_start_matches("./").trim_end_matches('/').to_string();
    let mounted: Vec<String> = root
        .path("module.mounts")
        .and_then(|m| m.as_array())
        .unwrap_or(&[])
        .iter()
        .filter(|m| {
            m.get("target")
                .and_then(|t| t.as_str())
                .map(clean)
                .as_deref()
                == Some("content")
        })
        .filter_map(|m| m.get("source").and_then(|s| s.as_str()))
        .map(|s| join(dir, &clean(s)))
        .collect();
    if !mounted.is_empty() {
        return mounted;
    }
    let mut dirs: Vec<String> = root
        .get("contentDir")
        .into_iter()
        .chain(
            root.get("languages")
                .map(|l| l.entries())
                .unwrap_or(&[])
                .iter()
                .filter_map(|e| e.node.get("contentDir")),
        )
        .filter_map(|n| n.as_str())
        .map(|s| join(dir, &clean(s)))
        .collect();
    dirs.dedup();
    if dirs.is_empty() { default } else { dirs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_prefixes_come_off_names_and_folders() {
        assert_eq!(unnumbered("01-scoped-styles"), Some("scoped-styles"));
        assert_eq!(unnumbered("2024-07-31-post"), Some("07-31-post"));
        assert_eq!(unnumbered("scoped-styles"), None);
        assert_eq!(unnumbered("01-"), None);
        assert_eq!(unnumbered("-x"), None);
        assert_eq!(numbered_root("d/docs/04-styling/01-x.md"), "d/docs");
        assert_eq!(numbered_root("01-a/02-b/03-x.md"), "");
        assert_eq!(numbered_root("guide/x.md"), "guide");
    }

    #[test]
    fn python_object_is_a_dotted_identifier_path_not_a_file_name() {
        assert!(python_object("structlog.processors"));
        assert!(python_object("pkg.mod.Class.method_name"));
        assert!(!python_object("setup.py"));
        assert!(!python_object("docs.index.RST"));
        assert!(!python_object("processors"));
        assert!(!python_object("guide/pkg.mod"));
        assert!(!python_object("pkg..mod"));
        assert!(!python_object("1.2.3"));
        assert!(!python_object(""));
    }

    #[test]
    fn docusaurus_one_base_url_is_read_from_the_config_or_its_constant() {
        assert_eq!(base_url("const baseUrl = '/lib/';").as_deref(), Some("lib"));
        assert_eq!(base_url("  baseUrl: \"/a/b/\",").as_deref(), Some("a/b"));
        assert_eq!(base_url("baseUrl: '/',"), None);
        assert_eq!(base_url("baseUrl: `/${name}/`,"), None);
        assert_eq!(base_url("url: 'https://x.org',"), None);
    }

    #[test]
    fn docusaurus_plugin_instances_pair_keys_of_one_object() {
        let config = r#"
const rules = {
  id: 'rules', // a comment with { and path: 'nope'
  path: '../plugin/docs/rules',
  label: "a } in a string",
  routeBasePath: 'rules',
};
export default {
  presets: [['classic', { docs: { routeBasePath: '/' }, blog: { path: 'news' } }]],
  plugins: [
    ['@docusaurus/plugin-content-docs', { id: 'api', path: "api-docs", routeBasePath: "/api/" }],
    ['other', { path: `gen/${name}`, routeBasePath: 'gen' }],
  ],
};
"#;
        let keys = docusaurus_keys(config);
        assert_eq!(
            keys.instances,
            vec![
                ("rules".to_string(), "../plugin/docs/rules".to_string()),
                ("/api/".to_string(), "api-docs".to_string()),
            ]
        );
        // The main docs' keys come from outside the instances.
        assert_eq!(keys.route.as_deref(), Some(""));
        assert_eq!(keys.path.as_deref(), Some("news"));
        let lone = docusaurus_keys("module.exports = { docs: { path: './site/' } }");
        assert!(lone.instances.is_empty());
        assert_eq!(lone.path.as_deref(), Some("site"));
        assert_eq!(docusaurus_keys(""), DocusaurusKeys::default());
    }

    #[test]
    fn hugo_config_in_the_site_folder_or_its_config_directory() {
        assert_eq!(hugo_site_dir("hugo.toml", "site"), Some("site"));
        assert_eq!(hugo_site_dir("hugo.yaml", "config/_default"), Some(""));
        assert_eq!(
            hugo_site_dir("config.yaml", "web/config/_default"),
            Some("web")
        );
        // An environment's overrides and a plain `config.toml` are not it.
        assert_eq!(hugo_site_dir("hugo.yaml", "web/config/production"), None);
        assert_eq!(hugo_site_dir("config.toml", "web"), None);
        assert_eq!(hugo_site_dir("hugo.md", "web"), None);
        assert_eq!(
            hugo_site_dir("hugo.yaml", "webconfig/_default"),
            Some("webconfig/_default")
        );
    }

    #[test]
    fn config_values() {
        assert_eq!(
            yaml_key("site_name: x\ndocs_dir: site/ # c\n", "docs_dir").as_deref(),
            Some("site")
        );
        assert_eq!(
            toml_key("[book]\nsrc = \"pages\"\n", "src").as_deref(),
            Some("pages")
        );
        assert_eq!(
            js_key("  srcDir: './src',\n", "srcDir").as_deref(),
            Some("src")
        );
        assert_eq!(
            js_key("path: \"../docs\",", "path").as_deref(),
            Some("../docs")
        );
        assert_eq!(js_key("path: variable,", "path"), None);
        // The PWA plugin's `srcDir` is its own, not the site's.
        let vp = "export default withPwa(defineConfig({\n  title: 'x', // a {\n  pwa: {\n    srcDir: '.vitepress/',\n  },\n}))\n";
        assert_eq!(js_config_key(vp, "srcDir"), None);
        let vp = "export default defineConfig({\n  markdown: { lineNumbers: true },\n  srcDir: 'pages',\n})\n";
        assert_eq!(js_config_key(vp, "srcDir").as_deref(), Some("pages"));
        assert_eq!(
            js_config_key("  srcDir: './src',\n", "srcDir").as_deref(),
            Some("src")
        );
        assert!(serves_docs_at_root("docs: { routeBasePath: '/' },"));
        assert!(serves_docs_at_root("routeBasePath : \"/\""));
        assert!(!serves_docs_at_root("routeBasePath: '/guide'"));
        assert_eq!(
            js_key(
                "presets: [[\"classic\", { docs: { path: \"../docs\" } }]],",
                "path"
            )
            .as_deref(),
            Some("../docs")
        );
    }

    #[test]
    fn folders() {
        assert!(under("docs/a.md", "docs"));
        assert!(!under("docsx/a.md", "docs"));
        assert!(under("a.md", ""));
    }
}
