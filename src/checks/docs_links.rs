//! `docs-links`: relative links, images, `#anchors` and backticked repo paths
//! in Markdown resolve to something that exists inside the repository.

use super::doc_pass::{DocVisitor, PassDoc};
use super::{Check, Code, Context, Meta, Outcome};
use crate::docsite::Docs;
use crate::docsite::release::{self, Scope};
use crate::finding::{Finding, Location, Severity};
use crate::repo::Tree;
use crate::repo::markdown::{self, Anchors, MarkdownDoc};
use std::sync::{Mutex, OnceLock};
use std::collections::HashSet;

pub struct DocsLinks;

static META: Meta = Meta {
    id: "docs-links",
    title: "Links and cited paths in the docs resolve inside the repository",
    severity: Severity::Block,
    lanes: &[],
    rationale: "Docs are part of what a release promises. A support contract that cites \
        `test/integration/x_test.exs` as its proof, a runbook that links a renamed section, or \
        a README image that moved all tell readers something the repository no longer backs. \
        shipgate follows every relative link and image in every Markdown file, checks \
        `#anchors` against the target's headings, and treats a backticked string as a cited \
        path when it looks like one: it contains `/`, has no spaces, is not a URL, glob or \
        placeholder (`vX.Y.Z`, `<name>`), does not start with `/`, and its first segment \
        exists at the root or beside the document. A problem blocks in the docs a release \
        depends on: the root README and the README of each published package (not one whose \
        manifest says it is never published: `\"private\": true`, `publish = false`), the file a \
        package's manifest names as its readme (pyproject's or Cargo's `readme`), SECURITY, the \
        newest section of a changelog, maintainers' docs (RELEASING, MAINTAINING, runbooks, \
        docs named for releasing, publishing or the supported surface) and the policy's \
        `release_docs` globs (a glob that names no document blocks); elsewhere it warns. Links resolve as GitHub shows them or as \
        the docs' site generator builds them (mkdocs, with mkdocs-static-i18n's language \
        folders over the default language's pages and, under its directory URLs, links to no \
        Markdown file counted from the page's own URL, mdBook, VitePress, Docusaurus, Zola, Hugo, \
        Sphinx with MyST, ExDoc (a `mix.exs` `docs:` or a config script `ex_doc --config` \
        reads), Jekyll (root links with the site's `baseurl`), Starlight, DocFX, Nextra (its `content/` \
        folder, a folder per Next.js locale, `contentDirBasePath`): `x.html` for `x.md`, folder URLs, root links \
        from the site's source folder, MyST `(label)=` targets (from its pages and the files they \
        `{include}`) and dotted Python names (`pkg.mod.Class`), MyST directives' `:name:` and \
        `:label:` options, the labels of every page of a mystmd project (`myst.yml`), Docusaurus front-matter ids in \
        each doc version, Docusaurus 1 sites (`website/siteConfig.js`, its `baseUrl`), \
        Starlight `slug:`s, Astro pages and redirects, `@/` links, static \
        folders, attribute-list ids, mkdocstrings objects, ExDoc autolinks and extras' \
        `filename:`s). Not judged: Markdown under `vendor/`, `third_party/`, test folders \
        (`test/`, `tests/`, `fixtures/`, `testdata/`, `test-crates/`, snapshots) and dot-directories other \
        than `.github`; MarkdownSnippets sources (`x.source.md`, `mdsource/x.source.md`) whose \
        rendered page is in the tree (the page, which carries the same links, is judged); \
        e-mail addresses; relative links in issue and pull-request \
        templates, which GitHub renders against the issue's URL; links that climb out of \
        the root into GitHub's own pages (`../../issues`, a sibling repository \
        `../../../name`, a file on another branch `../BRANCH/path` whose first name is not \
        a folder of this tree); a symlink to a document \
        inside the repository (that document is judged under its own path); paths any \
        `.gitignore` excludes; site pages a docs plugin writes from the code at build \
        (docusaurus-plugin-typedoc-api's `/api/…`); paths a changelog names (it records what changed, removals \
        included); paths a sentence says are gone, elsewhere or produced by a run (\"moved \
        to the wiki\", \"once lived in\", \"on the `x` branch\", \"written to\"), or that the command shown just \
        before changes (\"This modifies `.changeset/pre.json`\" after the command that makes it), \
        wherever the same document cites them; \
        paths introduced as the \
        reader's own (\"add this to your `.github/workflows/ci.yml`\") or as where the \
        reader creates something (\"create the module in `test/support/factory.ex`\") or \
        where a framework's layout would put it (\"request tests would go into `spec/requests`\"), \
        there and wherever the same document cites them again; and a guide in which \
        most cited paths are absent, which describes the reader's project.",
    passes: "See [the release guide](docs/release.md#preflight) and `test/release_test.exs`\n\
        (docs/release.md exists, has a `## Preflight` heading, and the test file exists)",
    fails: "See [the release guide](docs/releasing.md) and `test/integration/gone_test.exs`\n\
        (neither file exists)",
    fix: "Point the link or the cited path at the file that exists now, restore the file, or \
        drop the claim. For a heading anchor, use the heading's GitHub slug (lower-case, \
        punctuation dropped, spaces as `-`).",
    params: &["release_docs"],
    codes: &[
        Code {
            id: "missing-target",
            summary: "a relative link points at a file that does not exist",
        },
        Code {
            id: "missing-anchor",
            summary: "a link's `#anchor` matches no heading of the target document",
        },
        Code {
            id: "missing-cited-path",
            summary: "a backticked repository path cited in prose does not exist",
        },
        Code {
            id: "outside-root",
            summary: "a link resolves to a place outside the repository",
        },
        Code {
            id: "through-symlink",
            summary: "a link or cited path goes through a symlink that leaves the repository or cannot be followed",
        },
        Code {
            id: "packed-from-root",
            summary: "a package README links to a root file that will not be inside the published package",
        },
        Code {
            id: "symlinked-doc",
            summary: "a document is a symlink out of the repository or one that cannot be read",
        },
        Code {
            id: "unreadable-doc",
            summary: "a document is not UTF-8 text, so its links were not checked",
        },
    ],
};

impl Check for DocsLinks {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::Documents
    }

    fn documents<'a>(
        &self,
        cx: &'a Context<'a>,
        docs: &[&str],
    ) -> Result<Box<dyn DocVisitor + 'a>, Outcome> {
        start(cx, docs)
    }
}

/// Routes of github.com that `../../issues`-style links reach from a README.
const GITHUB_ROUTES: &[&str] = &[
    "issues",
    "pulls",
    "pull",
    "wiki",
    "actions",
    "releases",
    "discussions",
    "security",
    "blob",
    "tree",
    "raw",
    "compare",
    "commits",
    "commit",
    "settings",
    "projects",
    "milestones",
    "labels",
    "tags",
    "graphs",
    "network",
    "stargazers",
    "watchers",
    "forks",
    "pulse",
    "community",
    "packages",
    "deployments",
];

fn start<'a>(cx: &'a Context<'a>, docs: &[&str]) -> Result<Box<dyn DocVisitor + 'a>, Outcome> {
    if docs.is_empty() {
        return Err(Outcome::Skip("no Markdown files".into()));
    }
    let release_docs = match release_globs(cx) {
        Ok(g) => g,
        Err(f) => return Err(Outcome::Findings(vec![*f])),
    };
    Ok(Box::new(Links {
        tree: cx.tree,
        docs: Docs::load(cx.tree),
        project_roots: project_roots(cx.tree),
        release_docs,
        anchors: std::iter::repeat_with(OnceLock::new)
            .take(cx.tree.len())
            .collect(),
        pending: Mutex::new(Vec::new()),
        included_by: Mutex::new(std::collections::HashMap::new()),
    }))
}

/// This check's side of the document pass. Links into another document's
/// `#anchor` wait for the end of the pass, when every document's anchors are
/// known; everything else is judged while the document is at hand.
struct Links<'a> {
    tree: &'a Tree,
    docs: Docs,
    /// Folders that are the root of a nested project (see [`project_roots`]).
    project_roots: Roots,
    /// The policy's `release_docs` globs: documents that block like a README.
    release_docs: Option<globset::GlobSet>,
    /// Anchors of every document visited, by its position in the tree's
    /// paths (set once, when the document is visited).
    anchors: Box<[OnceLock<Anchors>]>,
    /// Per document, its links whose target was not visited yet.
    pending: Mutex<Vec<Box<[Waiting]>>>,
    /// Pages other pages paste in (`--8<--`, `{{#include}}`, `{include}`),
    /// each with the pages that include it: their links to missing files
    /// are resolved again from the includers' folders when the pass ends.
    included_by: Mutex<std::collections::HashMap<String, Vec<String>>>,
}

/// A link to another document's `#fragment`, found while its document is
/// at hand. `dest` is the link as written; the fragment is what follows `#`.
struct PendingAnchor {
    /// The target document's position in the tree's paths.
    target: usize,
    dest: Box<str>,
    image: bool,
    offset: usize,
    /// Outside the release docs: a warning.
    warn: bool,
}

/// A [`PendingAnchor`] whose target was not visited yet: kept small (its
/// document is dropped) until the end of the pass. A tree of 80,000 pages
/// keeps hundreds of thousands of these; the documents are positions in
/// the tree's paths.
struct Waiting {
    source: u32,
    target: u32,
    line: u32,
    column: u32,
    dest: Box<str>,
    image: bool,
    warn: bool,
}

impl Waiting {
    fn judge(&self, tree: &Tree, anchors: &Anchors, out: &mut Vec<Finding>) {
        let (Some(source), Some(target)) = (
            tree.path_at(self.source as usize),
            tree.path_at(self.target as usize),
        ) else {
            return;
        };
        let at = Location::new(source, self.line as usize, self.column as usize);
        judge_anchor(
            anchors, target, &self.dest, self.image, self.warn, at, out,
        );
    }
}

fn judge_anchor(
    anchors: &Anchors,
    target: &str,
    dest: &str,
    image: bool,
    warn: bool,
    at: Location,
    out: &mut Vec<Finding>,
) {
    let fragment = dest.split_once('#').map(|(_, f)| f).unwrap_or("");
    let what = if image { "image" } else { "link" };
    let before = out.len();
    check_anchor(anchors, fragment, target, what, dest, at, out);
    if warn {
        for f in &mut out[before..] {
            f.cap = Some(Severity::Warn);
        }
    }
}

impl DocVisitor for Links<'_> {
    fn visit(&self, pass: &PassDoc<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut pending = Vec::new();
        check_doc(self, pass, &mut pending, &mut out);
        if pending.is_empty() {
            return out;
        }
        let Ok(doc) = pass.markdown() else {
            return out;
        };
        // Targets already visited are judged now, while this document (and
        // so the finding's line) is at hand; the rest wait, in small form.
        let mut waiting = Vec::new();
        for p in pending {
            let known = self.anchors.get(p.target).and_then(OnceLock::get);
            match (known, self.tree.path_at(p.target)) {
                (Some(a), Some(target)) => judge_anchor(
                    a,
                    target,
                    &p.dest,
                    p.image,
                    p.warn,
                    doc.location(p.offset),
                    &mut out,
                ),
                _ => {
                    let at = doc.location(p.offset);
                    // Positions and lines past u32 cannot come from a tree
                    // and a document the reader accepts (both are bounded
                    // far below); saturating keeps the finding regardless.
                    let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                    waiting.push(Waiting {
                        source: small(pass.position),
                        target: small(p.target),
                        line: small(at.line),
                        column: small(at.column),
                        dest: p.dest,
                        image: p.image,
                        warn: p.warn,
                    });
                }
            }
        }
        if !waiting.is_empty()
            && let Ok(mut w) = self.pending.lock()
        {
            w.push(waiting.into_boxed_slice());
        }
        out
    }

    fn finish(self: Box<Self>, mut out: Vec<Finding>) -> Outcome {
        let included_by = self.included_by.into_inner().unwrap_or_default();
        if !included_by.is_empty() {
            resolve_from_includers(self.tree, &self.docs, &included_by, &mut out);
        }
        let pending = self.pending.into_inner().unwrap_or_default();
        for p in pending.iter().flatten() {
            match self.anchors.get(p.target as usize).and_then(OnceLock::get) {
                Some(a) => p.judge(self.tree, a, &mut out),
                // A target outside the docs this check reads (under
                // `vendor/`, or outside its `files`): parsed here, once,
                // through the cache.
                None => {
                    if let Some(target) = self.tree.path_at(p.target as usize)
                        && let Ok(d) = self.tree.markdown(target)
                    {
                        p.judge(self.tree, d.anchors(), &mut out);
                    }
                }
            }
        }
        Outcome::Findings(out)
    }
}

/// A fragment's link is the including page's link once pasted: a link of
/// an included page reported as missing, that resolves from the folder of
/// a page including it, is not broken. Included pages are few; their links
/// are read again here rather than kept for every document.
fn resolve_from_includers(
    tree: &Tree,
    docs: &Docs,
    included_by: &std::collections::HashMap<String, Vec<String>>,
    out: &mut Vec<Finding>,
) {
    let mut fine: HashSet<(String, usize, usize)> = Default::default();
    let reported: std::collections::HashSet<&str> = out
        .iter()
        .filter(|f| f.code == "missing-target")
        .map(|f| f.location.path.as_str())
        .filter(|p| included_by.contains_key(*p))
        .collect();
    for path in reported {
        let (Some(pages), Ok(doc)) = (included_by.get(path), tree.markdown(path)) else {
            continue;
        };
        for link in &doc.links {
            let (file_part, _) = split_link(link.dest.trim());
            if file_part.is_empty() {
                continue;
            }
            let resolves = pages.iter().any(|page| {
                docs.resolve(tree, page, &file_part) == Some(true)
                    || normalize(dir_of(page), &file_part).is_some_and(|t| tree.has_path(&t))
            });
            if resolves {
                let at = doc.location(link.span.start);
                fine.insert((path.to_string(), at.line, at.column));
            }
        }
    }
    if !fine.is_empty() {
        out.retain(|f| {
            f.code != "missing-target"
                || !fine.contains(&(f.location.path.clone(), f.location.line, f.location.column))
        });
    }
}

/// A link's destination as the file it names (without `?query`,
/// percent-decoded; empty for a link to this page's own anchor) and its
/// `#fragment`, if any.
fn split_link(dest: &str) -> (std::borrow::Cow<'_, str>, Option<&str>) {
    let (no_fragment, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let file_part = no_fragment.split('?').next().unwrap_or("");
    (markdown::percent_decode(file_part), fragment)
}

fn check_doc(
    v: &Links<'_>,
    pass: &PassDoc<'_>,
    pending: &mut Vec<PendingAnchor>,
    out: &mut Vec<Finding>,
) {
    let path = pass.path;
    let tree = v.tree;
    if let Some(why) = tree.bad_link(path) {
        out.push(
            Finding::new(
                Location::file(path),
                format!("{path} is {why}"),
                "replace the symlink with the document itself, or point it inside the repository",
            )
            .code("symlinked-doc"),
        );
        return;
    }
    let doc = match pass.markdown() {
        Ok(d) => d,
        Err(e) => {
            out.push(
                Finding::new(
                    e.location.clone(),
                    format!("links in {path} not checked: {}", e.message),
                    "save the document as UTF-8 text so its links can be checked",
                )
                .code("unreadable-doc")
                .warn_only(),
            );
            return;
        }
    };
    if markdown::is_markdown(path)
        && let Some(slot) = v.anchors.get(pass.position)
    {
        let _ = slot.set(doc.anchors().clone());
    }
    let included = crate::docsite::includes::included_pages(tree, path, &doc.file.text);
    if !included.is_empty()
        && let Ok(mut by) = v.included_by.lock()
    {
        for p in included {
            by.entry(p).or_default().push(path.to_string());
        }
    }
    // The file a manifest names as its package's readme (PyPI's page, kept
    // as `docs/PYPI_README.md`) blocks like the README it stands for.
    let named = v.release_docs.as_ref().is_some_and(|g| g.is_match(path))
        || v.docs.is_manifest_readme(path);
    // A page of a docs site is written for users; a file at the root is
    // the repository's own (even when ExDoc also renders it).
    let in_site = path.contains('/') && v.docs.site_of(path).is_some();
    let scope = release::scope(doc, is_package_readme(&v.docs, path), in_site, named);
    let before = out.len();
    if !is_issue_template(path) {
        check_links(v, doc, &scope, pending, out);
    }
    check_cited_paths(tree, &v.docs, &v.project_roots, doc, &scope, out);
    // Where a release does not depend on the document, a problem warns.
    for f in &mut out[before..] {
        if f.cap.is_none()
            && !scope.blocks_at(doc.file.lines.line_start(f.location.line).unwrap_or(0))
        {
            f.cap = Some(Severity::Warn);
        }
    }
}

/// The policy's `release_docs` globs, if it sets any (their type and glob
/// syntax were checked when the policy was loaded).
fn release_globs(cx: &Context<'_>) -> Result<Option<globset::GlobSet>, Box<Finding>> {
    let Some(globs) = cx.strings("release_docs") else {
        return Ok(None);
    };
    let globs: Vec<String> = globs.into_iter().map(str::to_string).collect();
    let bad = |msg: String| {
        Box::new(
            Finding::new(
                Location::file(cx.policy.display_path()),
                msg,
                "fix the glob under `[checks.docs-links]`",
            )
            .code("bad-glob"),
        )
    };
    // A glob that names no document (a typo) would quietly leave the doc it
    // meant at warn: it fails closed instead.
    for g in &globs {
        let hits = cx
            .tree
            .glob(std::slice::from_ref(g))
            .map_err(|e| bad(format!("bad `release_docs` glob: {e}")))?;
        if !hits.iter().any(|p| markdown::is_markdown(p)) {
            return Err(bad(format!(
                "`release_docs` glob `{g}` names no Markdown document in the tree, so nothing it meant is judged as a release doc"
            )));
        }
    }
    crate::repo::build_globset(&globs)
        .map(Some)
        .map_err(|e| bad(format!("bad `release_docs` glob: {e}")))
}

/// Whether `path` is the README of a package a registry publishes: its
/// folder holds a manifest, and the folder is not an example, a test or a
/// benchmark (those are not published).
fn is_package_readme(docs: &Docs, path: &str) -> bool {
    let dir = dir_of(path);
    if dir.split('/').any(|d| {
        matches!(
            d,
            "examples"
                | "example"
                | "samples"
                | "sample"
                | "demo"
                | "demos"
                | "playground"
                | "playgrounds"
                | "benches"
                | "benchmarks"
                | "e2e"
                | "templates"
                | "template"
        )
    }) {
        return false;
    }
    docs.in_package_dir(path)
}

/// Issue, pull-request and discussion templates: rendered as issue bodies.
fn is_issue_template(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let in_github =
        lower.starts_with(".github/") || lower.starts_with("docs/") || !lower.contains('/');
    in_github
        && (lower.contains("issue_template")
            || lower.contains("pull_request_template")
            || lower.contains("discussion_template"))
}

use crate::repo::paths::dir_of;

pub(crate) use crate::docsite::normalize;

/// How many levels above the repository root a relative link climbs before
/// it names anything, from a document in directory `base`.
fn levels_above_root(base: &str, rel: &str) -> usize {
    let mut depth = base.split('/').filter(|s| !s.is_empty()).count();
    let mut above = 0;
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." if above == 0 && depth > 0 => depth -= 1,
            ".." => above += 1,
            _ => break,
        }
    }
    above
}

/// Whether `rel`, which climbs exactly one level above the root, names a
/// file on another branch (`../BRANCH/PATH`): a ref and at least one path
/// segment after it, whose first name is not a file or folder of this tree
/// (`../docs/guide.md` from the root miscounts the way to `docs/guide.md`).
fn on_another_branch(tree: &Tree, rel: &str) -> bool {
    let rest: Vec<&str> = rel
        .split('/')
        .skip_while(|s| matches!(*s, "" | "." | ".."))
        .collect();
    if rest.len() < 2 || rest.iter().any(|s| matches!(*s, "" | "." | "..")) {
        return false;
    }
    !tree.has_path(rest[0])
}

/// The first ancestor (or the path itself) that is a symlink leaving the root.
fn symlink_escape<'t>(tree: &'t Tree, rel: &str) -> Option<(String, &'t str)> {
    if !tree.has_bad_links() {
        return None;
    }
    let mut prefix = String::new();
    for seg in rel.split('/') {
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(seg);
        if let Some(why) = tree.bad_link(&prefix) {
            return Some((prefix, why));
        }
    }
    None
}

/// Whether `rel` lies under a directory the tree knows but holds no files
/// for: a symlink to a directory inside the root, whose files are indexed
/// where they really live. (Git tracks no empty directories.) Such a path
/// cannot be judged here, so it is not reported.
fn through_dir_link(tree: &Tree, rel: &str) -> bool {
    let mut end = 0;
    while let Some(i) = rel[end..].find('/') {
        let prefix = &rel[..end + i];
        if tree.is_dir(prefix) && !tree.has_files_under(prefix) {
            return true;
        }
        end += i + 1;
    }
    false
}

fn has_scheme(dest: &str) -> bool {
    let mut chars = dest.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    for c in chars {
        if c == ':' {
            return true;
        }
        if !(c.is_ascii_alphanumeric() || "+.-".contains(c)) {
            return false;
        }
    }
    false
}

fn looks_like_placeholder(s: &str) -> bool {
    // ASCII case-insensitive, no allocation: this runs for every link and
    // code span of every document, so each byte is looked at through a
    // table, and a segment is examined further only when its first byte
    // (or a dot in it) could start a placeholder.
    fn starts(seg: &[u8], p: &[u8]) -> bool {
        seg.len() >= p.len() && seg[..p.len()].eq_ignore_ascii_case(p)
    }
    const MARKER_START: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        let set = b"<>{}$.pPxX";
        while i < set.len() {
            t[set[i] as usize] = true;
            i += 1;
        }
        t
    };
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if !MARKER_START[c as usize] {
            continue;
        }
        let rest = &b[i..];
        let marker = match c {
            b'.' => rest.starts_with(b"..."),
            b'p' | b'P' => starts(rest, b"path/to"),
            b'x' | b'X' => starts(rest, b"xxx"),
            _ => true,
        };
        if marker {
            return true;
        }
    }
    if !s.is_ascii() && s.contains('…') {
        return true;
    }
    b.split(|c| *c == b'/').any(|seg| {
        let first = seg.first().map(u8::to_ascii_lowercase);
        (seg.contains(&b'.') && is_version_placeholder(seg))
            || (matches!(first, Some(b'm' | b'y' | b's'))
                && [
                    &b"my_"[..],
                    b"my-",
                    b"your_",
                    b"your-",
                    b"yourname",
                    // `test/some_test.dart`, `lib/some-module.js`: a stand-in
                    // name for one of the reader's files, as `my_app` is.
                    b"some_",
                    b"some-",
                ]
                .iter()
                .any(|p| starts(seg, p)))
            || (matches!(first, Some(b'f' | b'b'))
                && seg.split(|c| *c == b'.').next().is_some_and(|w| {
                    [&b"foo"[..], b"bar", b"baz"]
                        .iter()
                        .any(|f| w.eq_ignore_ascii_case(f))
                }))
    })
}

/// Whether the code span at `offset` stands in a parenthesised list that
/// illustrates a kind of thing named with an indefinite article: "runs a
/// repository script (`./scripts/publish.sh`, …)". Such a list shows what a
/// thing looks like; it does not say this repository has it. A list after
/// a definite phrase ("their own modules (e.g. `src/rules/x.rs`)") still
/// points into the repository.
fn is_kind_example(text: &str, offset: usize) -> bool {
    let before = text_before(text, offset, 200);
    // The innermost parenthesis still open at the span.
    let mut depth = 0i32;
    let mut open = None;
    for (i, c) in before.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth == 0 => {
                open = Some(i);
                break;
            }
            '(' => depth -= 1,
            '.' | '!' | '?' if depth == 0 && before[i + 1..].starts_with([' ', '\n']) => break,
            _ => {}
        }
    }
    let Some(open) = open else { return false };
    let head = before[..open].trim_end().to_lowercase();
    let words: Vec<&str> = head
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .rev()
        .take(4)
        .collect();
    // "a repository script (", "an action (", "any script ("
    words
        .iter()
        .skip(1)
        .any(|w| matches!(*w, "a" | "an" | "any" | "some" | "each" | "every"))
}

/// `vX.Y.Z`, `0.MINOR.x`, `1.x`, `N.N`, `v1.XX`: a version written as a pattern,
/// the whole path segment or a part of it between `-` and `_` that starts
/// a file name (`X.X-Upgrade.md`, `app-vX.Y.Z.tar.gz`): a file someone is
/// told to write for a version, not one of this tree.
fn is_version_placeholder(seg: &[u8]) -> bool {
    seg.split(|c| *c == b'-' || *c == b'_')
        .any(starts_with_version_pattern)
}

/// Whether `part` starts with two or more dot-separated version fields, at
/// least one of them a letter or word standing for a number (`X.Y`,
/// `1.x`, `MAJOR.MINOR`); what follows (`.md`) does not matter.
fn starts_with_version_pattern(part: &[u8]) -> bool {
    let part = part
        .strip_prefix(b"v")
        .or(part.strip_prefix(b"V"))
        .unwrap_or(part);
    // Runs for every segment of every link: no allocation.
    if !part.contains(&b'.') {
        return false;
    }
    // One placeholder letter, or the same one written once per digit
    // (`v1.XX`, `NN.x`).
    let word = |p: &[u8]| {
        let letter = |c: &u8| matches!(c, b'x' | b'X' | b'y' | b'Y' | b'z' | b'Z' | b'n' | b'N');
        p == b"*"
            || (matches!(p.len(), 1..=3) && letter(&p[0]) && p.iter().all(|c| *c == p[0]))
            || [&b"MAJOR"[..], b"MINOR", b"PATCH"].contains(&p)
    };
    let (mut fields, mut worded) = (0usize, false);
    for p in part.split(|c| *c == b'.') {
        if p.is_empty() || !(p.iter().all(u8::is_ascii_digit) || word(p)) {
            break;
        }
        fields += 1;
        worded |= word(p);
    }
    fields >= 2 && worded
}

/// Whether the code span at `offset` is about the reader's own project:
/// "your" earlier in its sentence ("add a step to your workflow file (e.g.
/// `.github/workflows/main.yml`)"). Plain "e.g." is not enough: examples
/// that point into this repository are claims too.
fn is_example(text: &str, offset: usize) -> bool {
    let before = text_before(text, offset, 160);
    let before = before.rsplit("\n\n").next().unwrap_or(before);
    // Most spans have no "your" before them: say so without allocating.
    let bytes = before.as_bytes();
    let has_your = bytes.windows(4).any(|w| w.eq_ignore_ascii_case(b"you "))
        || bytes.windows(5).any(|w| w.eq_ignore_ascii_case(b"your "));
    if !has_your {
        return false;
    }
    let lower = before.to_lowercase();
    let Some((at, len)) = ["your ", "you "]
        .iter()
        .filter_map(|m| lower.rfind(m).map(|i| (i, m.len())))
        .max()
    else {
        return false;
    };
    // The marker must be in the same sentence or list item as the span.
    let between = lower[at + len..]
        .replace("e.g.", "eg")
        .replace("i.e.", "ie")
        .replace("etc.", "etc");
    ![". ", "! ", "? ", ".\n", "\n- ", "\n* ", "\n+ "]
        .iter()
        .any(|b| between.contains(b))
}

/// The sentence that runs up to `offset` (at most 200 bytes back, from the
/// last sentence or list-item break), lower-cased.
fn sentence_before(text: &str, offset: usize) -> String {
    let before = text_before(text, offset, 200);
    before[sentence_start(before)..].to_lowercase()
}

/// What ends a sentence or a list item in running text.
const SENTENCE_BREAKS: &[&str] = &[". ", ".\n", "\n\n", "\n- ", "\n* ", "! ", "? "];

/// Where the last sentence of `before` starts: after its last sentence or
/// list-item break (0 when there is none).
fn sentence_start(before: &str) -> usize {
    SENTENCE_BREAKS
        .iter()
        .filter_map(|b| before.rfind(b).map(|i| i + b.len()))
        .max()
        .unwrap_or(0)
}

/// Whether the sentence before the code span at `offset` tells the reader
/// to create something there: "Start by creating one module (such as
/// `App.Factory`) in `test/support/factory.ex`", "create a directory, like
/// `test/factories`", "create `x/y`". The span must be where the creating
/// happens (a preposition or nothing between): in "when creating a release,
/// update `docs/x.md`" the path is cited as one that exists.
fn tells_reader_to_create(text: &str, offset: usize) -> bool {
    let sentence = sentence_before(text, offset);
    let Some(at) = ["create ", "creating "]
        .iter()
        .filter_map(|v| sentence.rfind(v).map(|i| i + v.len()))
        .max()
    else {
        return false;
    };
    let between = sentence[at..].trim_end();
    if between.len() > 100 {
        return false;
    }
    let last = between.rsplit(|c: char| c.is_whitespace()).next().unwrap_or("");
    between.is_empty() || matches!(last, "in" | "at" | "under" | "like" | "called" | "named" | "as")
}

/// Whether the sentence before the code span at `offset` says where
/// something *would* go, the convention of a framework or of the reader's
/// app rather than a file of this tree: "In Rails, request tests would go
/// into the `spec/requests` group", "a config would live in `config/x`".
/// The span must be the place itself (a preposition, perhaps an article,
/// right before it): "the release would fail without `scripts/sign.sh`"
/// still cites a file of this tree.
fn where_it_would_go(text: &str, offset: usize) -> bool {
    let sentence = sentence_before(text, offset);
    let Some(at) = sentence
        .match_indices("would ")
        .map(|(i, m)| i + m.len())
        .filter(|&i| {
            let word_start = i - "would ".len();
            !sentence[..word_start].ends_with(|c: char| c.is_alphanumeric())
        })
        .last()
    else {
        return false;
    };
    let between = &sentence[at..];
    if between.len() > 60 {
        return false;
    }
    let mut words = between.split_whitespace().rev();
    let mut last = words.next().unwrap_or("");
    if matches!(last, "the" | "a" | "an") {
        last = words.next().unwrap_or("");
    }
    matches!(last, "in" | "into" | "under" | "inside" | "at")
}

/// Up to `max` bytes of `text` before `offset`, cut at a character boundary.
fn text_before(text: &str, offset: usize, max: usize) -> &str {
    let end = offset.min(text.len());
    let mut start = end.saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..end]
}

/// Up to `max` bytes of `text` from `offset` on, cut at a character boundary.
fn text_after(text: &str, offset: usize, max: usize) -> &str {
    let start = offset.min(text.len());
    let mut end = (start + max).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[start..end]
}

/// Whether the sentence around the code span at `offset` says the path is
/// not in this tree by design: gone ("removed", "moved to the wiki", "the
/// code that once lived in `lib/config/`": a place named in the past), made
/// when something runs ("written to", "exports", "generated"), elsewhere
/// ("on the `x` branch"), or still to come ("will be", "planned").
fn says_not_here(text: &str, offset: usize) -> bool {
    let before = text_before(text, offset, 200);
    let after = text_after(text, offset, 200);
    let end = SENTENCE_BREAKS
        .iter()
        .filter_map(|b| after.find(b))
        .min()
        .unwrap_or(after.len());
    // Wrapped prose breaks a marker over lines ("once\nlived in"): words
    // are compared one space apart.
    let sentence = format!("{} {}", &before[sentence_start(before)..], &after[..end])
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    const MARKERS: &[&str] = &[
        "removed",
        "deleted",
        "moved to",
        "moved out",
        "renamed",
        "formerly",
        "previously",
        "no longer",
        "used to",
        "once lived",
        "lived in",
        "lived at",
        "lived under",
        "once was",
        "once were",
        " branch",
        "wiki",
        "that repo",
        "will be",
        "will live",
        "planned",
        "to be created",
        "not yet",
        "written to",
        "writes to",
        "write to",
        "export",
        "output to",
        "outputs to",
        "generated",
        "generates",
        "is created",
        "are created",
        "will create",
        "creates",
        "produces",
        "downloads",
        "removes",
        "deletes",
    ];
    MARKERS.iter().any(|m| sentence.contains(m))
}

/// Whether the code span at `offset` names a file that the command shown
/// just before changes: the sentence comes right after a fenced code
/// block, has that command as its subject ("This", "It", "The command")
/// and says what it does to the path ("This modifies `.changeset/pre.json`"
/// after `pnpm changeset pre enter beta`). The file is state the command
/// keeps while it matters, not one the tree must hold. A sentence that
/// says the command reads the path ("This reads `x/y`") still cites it.
fn what_the_command_changes(text: &str, offset: usize) -> bool {
    let before = text_before(text, offset, 300);
    let start = sentence_start(before);
    let lead = before[..start].trim_end();
    if !(lead.ends_with("```") || lead.ends_with("~~~")) {
        return false;
    }
    let sentence = before[start..].to_lowercase();
    const SUBJECTS: &[&str] = &["this ", "that ", "it ", "the command ", "this command "];
    let Some(rest) = SUBJECTS.iter().find_map(|s| sentence.strip_prefix(s)) else {
        return false;
    };
    const VERBS: &[&str] = &[
        "modifies ",
        "updates ",
        "changes ",
        "edits ",
        "rewrites ",
        "removes ",
        "deletes ",
        "adds ",
        "creates ",
        "writes ",
    ];
    // The verb comes first (an adverb may go before it), and the span
    // follows it closely: "This also updates the `x/y` file".
    let rest = rest.strip_prefix("also ").unwrap_or(rest);
    VERBS
        .iter()
        .find_map(|v| rest.strip_prefix(v))
        .is_some_and(|after| after.len() <= 40)
}

/// `owner/name` (backticked or not) followed by "repository" or "repo".
static NAMED_REPOSITORY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)`?\b([a-z0-9][a-z0-9_.-]*)/([a-z0-9_.-]+)`?\s+(?:repository|repo)\b")
        .expect("valid regex")
});

/// Whether the sentence or list item before the code span at `offset`
/// names another GitHub repository as where the path lives ("In the
/// `eslint/eslint.org` repository, submit a PR to set … in
/// `tools/release-data.js`"). Only a repository other than this one (as
/// its manifests name it) counts; when this one is unknown, none does.
fn in_other_repository(text: &str, offset: usize, this: Option<&(String, String)>) -> bool {
    let Some((owner, name)) = this else {
        return false;
    };
    let before = text_before(text, offset, 300);
    let start = sentence_start(before);
    NAMED_REPOSITORY
        .captures_iter(&before[start..])
        .any(|c| !(c[1].eq_ignore_ascii_case(owner) && c[2].eq_ignore_ascii_case(name)))
}

/// The root's license file, when `target` names a license file (`LICENSE`,
/// `LICENSE.md`, `COPYING`, `NOTICE`) in a sub-folder that lacks it.
fn root_license_for(tree: &Tree, target: &str) -> Option<String> {
    let (dir, name) = target.rsplit_once('/')?;
    if dir.is_empty() {
        return None;
    }
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    if !matches!(stem.as_str(), "license" | "licence" | "copying" | "notice") {
        return None;
    }
    [
        "LICENSE",
        "LICENSE.md",
        "LICENSE.txt",
        "LICENCE",
        "COPYING",
        name,
    ]
    .iter()
    .find(|n| tree.exists(n))
    .map(|n| n.to_string())
}

/// `someone@example.org`: an e-mail address written as a link (`<a@b.org>`
/// autolinks, or a bare address as the destination), not a file.
fn is_email(dest: &str) -> bool {
    let Some((user, host)) = dest.split_once('@') else {
        return false;
    };
    !user.is_empty() && !user.contains('/') && host.contains('.') && !host.contains('/')
}

/// `#L10`, `#L10-L20`: line anchors of GitHub's file view.
fn is_line_anchor(a: &str) -> bool {
    let Some(rest) = a.strip_prefix('L') else {
        return false;
    };
    !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == 'L' || c == 'C')
}

fn check_links(
    v: &Links<'_>,
    doc: &MarkdownDoc,
    scope: &Scope,
    pending: &mut Vec<PendingAnchor>,
    out: &mut Vec<Finding>,
) {
    let tree = v.tree;
    let base = dir_of(&doc.path);
    for link in &doc.links {
        let dest = link.dest.trim();
        let what = if link.image { "image" } else { "link" };
        if dest.is_empty()
            || has_scheme(dest)
            || dest.starts_with("//")
            || looks_like_placeholder(dest)
            || is_email(dest)
            || v.docs.is_autolink(&doc.path, dest)
        {
            continue;
        }
        let (file_part, fragment) = split_link(dest);
        // `#anchor` alone: a heading of this document.
        if file_part.is_empty() {
            if let Some(f) = fragment
                && !docfx_tab(tree, doc, f, link.span.start)
                && !v.docs.mystmd_label(&doc.path, &markdown::percent_decode(f))
            {
                check_anchor(
                    doc.anchors(),
                    f,
                    &doc.path,
                    what,
                    dest,
                    doc.location(link.span.start),
                    out,
                );
            }
            continue;
        }
        // A page of a docs site is also read on GitHub: a link either
        // renderer resolves is fine; one neither resolves is reported below
        // as GitHub sees it.
        if v.docs.resolve(tree, &doc.path, &file_part) == Some(true) {
            continue;
        }
        let Some(target) = normalize(base, &file_part) else {
            let first = file_part
                .split('/')
                .find(|s| !s.is_empty() && *s != "." && *s != "..")
                .unwrap_or("");
            if GITHUB_ROUTES.contains(&first) {
                continue; // `../../issues`: a github.com page, not a file
            }
            // GitHub shows a document at `/OWNER/REPO/blob/REF/PATH`: three
            // levels above the root is the owner's page, so the next name
            // is another of the owner's repositories (`../../../sibling`).
            // That is a github.com page this offline gate cannot open.
            let above = levels_above_root(base, &file_part);
            if above >= 3 {
                continue;
            }
            // One level above the root is the `blob/` (or `raw/`) page, so
            // the next name is a ref: `../assets/demo.gif` from the root is
            // `demo.gif` on the `assets` branch, a common home for images
            // kept out of the code branches. Another branch is not in this
            // tree. A ref alone (`../notes.md`) is no file, and a first name
            // that is a folder here is a link that climbed once too often.
            if above == 1 && on_another_branch(tree, &file_part) {
                continue;
            }
            out.push(
                Finding::new(
                    doc.location(link.span.start),
                    format!("{what} `{dest}` resolves outside the repository root"),
                    "link to a file inside the repository, or use a full https:// URL",
                )
                .code("outside-root"),
            );
            continue;
        };
        if let Some((through, why)) = symlink_escape(tree, &target) {
            out.push(Finding::new(
                doc.location(link.span.start),
                format!("{what} `{dest}` goes through `{through}`, {why}"),
                "point the link at a file inside the repository; shipgate never follows symlinks out of the root",
            )
.code("through-symlink"));
            continue;
        }
        if !tree.has_path(&target) {
            if v.docs.ignores.covers(tree, &target) || through_dir_link(tree, &target) {
                continue; // build output the .gitignore names, or behind a symlinked directory
            }
            // Docs written for a site built elsewhere (no generator config
            // in this tree) link pages without `.md`: `../hooks/useFoo` is
            // the page `hooks/useFoo.md`. Outside the release docs, whose
            // links must work where GitHub or the registry shows them, that
            // is the site's link to a page that exists.
            // Such a site may also drop the order prefixes of its pages and
            // serve them all from one folder (`scoped-styles` is
            // `04-styling/01-scoped-styles.md`); its anchors follow that
            // site's own slugs, so they are not checked.
            if !scope.blocks_at(link.span.start)
                && v.docs.numbered_page(&doc.path, &file_part).is_some()
            {
                continue;
            }
            if !scope.blocks_at(link.span.start)
                && let Some(page) = extensionless_page(tree, &target)
            {
                if fragment.is_some()
                    && let Some(page) = tree.position(&page)
                {
                    pending.push(PendingAnchor {
                        target: page,
                        dest: dest.into(),
                        image: link.image,
                        offset: link.span.start,
                        warn: true,
                    });
                }
                continue;
            }
            // A package README's `LICENSE` link, where the package folder
            // has none but the repository root does: release tooling often
            // copies the root's file in when it packs the package, so the
            // link works where the package is read. It is still broken on
            // GitHub: a warning, not a block.
            if let Some(root) = root_license_for(tree, &target) {
                out.push(
                    Finding::new(
                        doc.location(link.span.start),
                        format!(
                            "{what} `{dest}` points at `{target}`, which does not exist in the tree \
                             (the root has `{root}`; it may be copied in when the package is packed)"
                        ),
                        format!("link `{root}` from the root, or commit the file beside the package"),
                    )
.code("packed-from-root")
                    .warn_only(),
                );
                continue;
            }
            out.push(
                Finding::new(
                    doc.location(link.span.start),
                    format!("{what} `{dest}` points at `{target}`, which does not exist"),
                    "fix the path, restore the file, or remove the link",
                )
                .code("missing-target"),
            );
            continue;
        }
        if fragment.is_some()
            && markdown::is_markdown(&target)
            && let Some(target) = tree.position(&target)
        {
            pending.push(PendingAnchor {
                target,
                dest: dest.into(),
                image: link.image,
                offset: link.span.start,
                warn: !scope.blocks_at(link.span.start),
            });
        }
    }
}

/// DocFX's tabbed content: a heading that is only a link to `#tab/<id>`
/// (`# [xUnit](#tab/xunit)`) starts a tab of the page, in a folder that a
/// `docfx.json` at or above it builds. It names no heading.
fn docfx_tab(tree: &Tree, doc: &MarkdownDoc, fragment: &str, at: usize) -> bool {
    if !fragment.starts_with("tab/") {
        return false;
    }
    let line = doc.location(at).line;
    if !doc.headings.iter().any(|h| h.line == line) {
        return false;
    }
    let mut dir = dir_of(&doc.path);
    loop {
        let config = if dir.is_empty() {
            "docfx.json".to_string()
        } else {
            format!("{dir}/docfx.json")
        };
        if tree.exists(&config) {
            return true;
        }
        if dir.is_empty() {
            return false;
        }
        dir = dir_of(dir);
    }
}

/// The Markdown page a site would serve for an extensionless link target
/// (`guide/setup` is `guide/setup.md`, `.mdx`, or `guide/setup/index.md`).
fn extensionless_page(tree: &Tree, target: &str) -> Option<String> {
    let t = target.trim_end_matches('/');
    let last = t.rsplit('/').next().unwrap_or(t);
    if t.is_empty() || last.contains('.') {
        return None;
    }
    [
        format!("{t}.md"),
        format!("{t}.mdx"),
        format!("{t}.markdown"),
        format!("{t}/index.md"),
        format!("{t}/index.mdx"),
        format!("{t}/index.markdown"),
    ]
    .into_iter()
    .find(|c| tree.exists(c))
}

fn check_anchor(
    target: &Anchors,
    fragment: &str,
    target_path: &str,
    what: &str,
    dest: &str,
    at: Location,
    out: &mut Vec<Finding>,
) {
    let anchor = markdown::percent_decode(fragment);
    if anchor.is_empty() || is_line_anchor(&anchor) || target.has(&anchor) {
        return;
    }
    // Suggestions only for documents of ordinary size: this runs per broken anchor.
    let near: Vec<&str> = target
        .slugs()
        .take(if target.slugs().len() > 2000 {
            0
        } else {
            usize::MAX
        })
        .filter(|s| is_near(s, &anchor.to_lowercase()))
        .take(3)
        .collect();
    out.push(Finding::new(
        at,
        format!("{what} `{dest}`: `{target_path}` has no heading with anchor `#{anchor}`"),
        if near.is_empty() {
            "use the slug of an existing heading (lower-case, punctuation dropped, spaces as `-`)"
                .to_string()
        } else {
            format!("did you mean `#{}`?", near.join("`, `#"))
        },
    )
.code("missing-anchor"));
}

/// Whether heading slug `slug` is what a broken `#anchor` most likely
/// meant: one holds the other whole, and the shorter is a real word or
/// more (`#field-plan` for `field-plan-fieldplan`), never a single letter
/// that every slug contains.
fn is_near(slug: &str, anchor: &str) -> bool {
    let (short, long) = if slug.len() <= anchor.len() {
        (slug, anchor)
    } else {
        (anchor, slug)
    };
    short.chars().filter(|c| c.is_alphanumeric()).count() >= 3
        && long.contains(short)
        && short.len() * 3 >= long.len()
}

/// The path a backticked string claims, if it has the shape of one: a `/`,
/// no spaces, not a URL, glob, placeholder, flag, scope or absolute path.
/// A trailing `:12` or `#L12` line reference is dropped. Whether its first
/// segment exists is decided by the caller.
pub(crate) fn path_claim(code: &str) -> Option<&str> {
    let mut s = code.trim();
    if let Some((p, frag)) = s.split_once('#')
        && is_line_anchor(frag)
    {
        s = p;
    }
    // `src/main.rs:42` or `src/main.rs:42:7`
    while let Some((p, tail)) = s.rsplit_once(':') {
        if !tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit()) {
            s = p;
        } else {
            break;
        }
    }
    if !s.contains('/')
        || s.starts_with('/')
        || s.starts_with(".git/")
        || s.starts_with('-')
        || s.starts_with('@')
        || looks_like_placeholder(s)
        || !s.chars().any(|c| c.is_alphanumeric())
        || !s
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '+'))
    {
        return None;
    }
    // `a//b`, `.../x`: not something a person writes for a file.
    if s.contains("//")
        || s.split('/')
            .any(|seg| seg.len() > 2 && seg.chars().all(|c| c == '.'))
    {
        return None;
    }
    Some(s)
}

/// What makes a folder the root of a project of its own: a package
/// manifest, a policy or a `.github` folder.
const PROJECT_MARKERS: &[&str] = &[
    ".github",
    "shipgate.toml",
    "mix.exs",
    "package.json",
    "Cargo.toml",
    "pyproject.toml",
    "go.mod",
];

/// Folders, hashed the fast way (asked for every cited path).
type Roots = HashSet<String, foldhash::fast::RandomState>;

/// Every folder (not the repository root) that holds one of
/// [`PROJECT_MARKERS`], collected once per run from the tree's files and
/// folders: a cited path asks this of each folder above its document.
fn project_roots(tree: &Tree) -> Roots {
    tree.paths()
        .chain(tree.dirs())
        .filter_map(|p| {
            let (dir, name) = p.rsplit_once('/')?;
            PROJECT_MARKERS.contains(&name).then(|| dir.to_string())
        })
        .collect()
}

/// The first segment of a claim that is not `.` or `..`, and the directory it is
/// looked up in for a claim starting with `./` or `../`.
fn check_cited_paths(
    tree: &Tree,
    docs: &Docs,
    project_roots: &Roots,
    doc: &MarkdownDoc,
    scope: &Scope,
    out: &mut Vec<Finding>,
) {
    let docdir = dir_of(&doc.path);
    let changelog = matches!(scope, Scope::Current(_)) || release::is_changelog_name(&doc.path);
    let mut escapes = Vec::new();
    let mut missing = Vec::new();
    let mut found = 0usize;
    let this_repo = std::cell::OnceCell::new();
    // Paths the document has already shown to be the reader's (to create,
    // or in their project): cited again further on, they still are.
    let mut readers: HashSet<&str> = HashSet::new();
    // Paths a sentence says are not in the tree by design (made, changed or
    // removed by a run, gone, elsewhere): every citation of them in the
    // document is, those before that sentence too (a table of generated
    // files, then "`install` rewrites `x/y`, `uninstall` removes it").
    let mut not_here: HashSet<&str> = HashSet::new();
    let mut missing_claims: Vec<&str> = Vec::new();
    for span in &doc.code_spans {
        let Some(claim) = path_claim(&span.code) else {
            continue;
        };
        if changelog {
            continue; // a changelog names what changed, removals included
        }
        if doc.in_link(span.offset) {
            continue; // the text of a link: the link itself is what is checked
        }
        let explicit_relative = claim.starts_with("./") || claim.starts_with("../");
        let first = claim.split('/').next().unwrap_or("");
        // Bases in which the first segment exists.
        let mut bases: Vec<&str> = Vec::new();
        if explicit_relative {
            let lead: Vec<&str> = claim
                .split('/')
                .take_while(|s| *s == "." || *s == "..")
                .collect();
            let seg = claim.split('/').nth(lead.len()).unwrap_or("");
            if let Some(dir) = normalize(docdir, &lead.join("/"))
                && !seg.is_empty()
                && tree.has_path(&join(&dir, seg))
            {
                bases.push(docdir);
            }
        } else {
            if tree.has_path(first) {
                bases.push("");
            }
            if !docdir.is_empty() && tree.has_path(&join(docdir, first)) {
                bases.push(docdir);
            }
            // A doc inside a nested project (an example app with its own
            // manifest or `.github`) may cite paths from that project's root:
            // a claim already judged here also resolves there. (A claim no
            // base above knows stays unjudged, as before: test data that
            // describes a virtual file system is not a claim.)
            let mut dir = docdir;
            while !bases.is_empty()
                && let Some((up, _)) = dir.rsplit_once('/')
            {
                dir = up;
                if project_roots.contains(dir) && tree.has_path(&join(dir, first)) {
                    bases.push(dir);
                }
            }
        }
        if bases.is_empty() {
            continue; // not a path claim about this repository
        }
        let mut resolved = false;
        let mut escape = None;
        let mut tried = Vec::new();
        for base in &bases {
            let Some(target) = normalize(base, claim) else {
                continue;
            };
            if let Some(e) = symlink_escape(tree, &target) {
                escape = Some(e);
                continue;
            }
            if tree.has_path(&target) || names_a_module(tree, &target) {
                resolved = true;
                break;
            }
            tried.push(target);
        }
        if resolved {
            found += 1;
            continue;
        }
        // What the prose around a missing path says about it (read only for
        // the few claims that do not resolve).
        let text = &doc.file.text;
        if readers.contains(claim) {
            continue;
        }
        if is_example(text, span.offset)
            || is_kind_example(text, span.offset)
            || tells_reader_to_create(text, span.offset)
            || where_it_would_go(text, span.offset)
        {
            readers.insert(claim);
            continue; // "your `x/y`", "create it in `x/y`": the reader's project
        }
        if says_not_here(text, span.offset) || what_the_command_changes(text, span.offset) {
            not_here.insert(claim);
            continue; // "moved to the wiki", "written to `out/x`", "on the `y` branch"
        }
        let this = this_repo.get_or_init(|| crate::workflow::lane::repo_identity(tree));
        if in_other_repository(text, span.offset, this.as_ref()) {
            continue; // "In the `owner/site` repository, edit `tools/x.js`"
        }
        if tried
            .iter()
            .any(|t| docs.ignores.covers(tree, t) || through_dir_link(tree, t))
        {
            continue;
        }
        if let Some((through, why)) = escape {
            escapes.push(Finding::new(
                doc.location(span.offset),
                format!("cited path `{claim}` goes through `{through}`, {why}"),
                "cite a path inside the repository; shipgate never follows symlinks out of the root",
            )
.code("through-symlink"));
            continue;
        }
        // A file missing from a folder that exists is a stale claim; a path
        // whose folder is missing too may name another tree's layout (the
        // reader's app: `config/environments/development.rb`), so it warns.
        let folder_exists = tried
            .iter()
            .any(|t| t.rsplit_once('/').is_some_and(|(d, _)| tree.is_dir(d)));
        missing_claims.push(claim);
        missing.push(Finding::new(
            doc.location(span.offset),
            if tried.len() == 1 && tried[0] == claim {
                format!(
                    "`{claim}` is cited as a repository path, but no such file or directory exists"
                )
            } else {
                format!(
                    "`{claim}` is cited as a repository path, but {} does not exist",
                    tried
                        .iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )
            },
            "restore the file, update the path to where it lives now, or drop the claim",
        )
.code("missing-cited-path"));
        if !folder_exists && let Some(f) = missing.last_mut() {
            f.cap = Some(Severity::Warn);
        }
    }
    out.append(&mut escapes);
    if !not_here.is_empty() {
        let mut claims = missing_claims.iter();
        missing.retain(|_| claims.next().is_none_or(|c| !not_here.contains(c)));
    }
    // A guide that walks the reader through their own project names many
    // files this repository does not have (`lib/hello_web/router.ex`,
    // `config/runtime.exs`): when most of what a document cites is absent,
    // it describes the reader's tree, not this one. A release doc keeps
    // every claim.
    let tutorial = matches!(scope, Scope::None) && missing.len() >= 3 && missing.len() > found;
    if !tutorial {
        out.append(&mut missing);
    }
}

fn join(dir: &str, seg: &str) -> String {
    if dir.is_empty() {
        return seg.to_string();
    }
    // Built by hand, not with `format!`: this runs for every cited path.
    let mut out = String::with_capacity(dir.len() + 1 + seg.len());
    out.push_str(dir);
    out.push('/');
    out.push_str(seg);
    out
}

/// Source file endings a path written without one resolves to, as a module
/// import or a framework route does (`pages/index` for `pages/index.tsx`).
const MODULE_ENDINGS: &[&str] = &[
    "ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts", "vue", "svelte", "astro", "py", "rb",
    "ex", "exs", "go", "rs", "md", "mdx",
];

/// Whether `target`, whose last segment has no extension, names a source
/// file that exists with one of [`MODULE_ENDINGS`].
fn names_a_module(tree: &Tree, target: &str) -> bool {
    let last = target.rsplit('/').next().unwrap_or(target);
    if last.is_empty() || last.contains('.') {
        return false;
    }
    MODULE_ENDINGS
        .iter()
        .any(|e| tree.has_path(&format!("{target}.{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The allocating form the fast one replaced, as the reference.
    fn placeholder_reference(s: &str) -> bool {
        let lower = s.to_ascii_lowercase();
        s.contains(['<', '>', '{', '}', '$', '…'])
            || s.contains("...")
            || lower.contains("path/to")
            || lower.contains("xxx")
            || lower.split('/').any(|seg| {
                ["my_", "my-", "your_", "your-", "yourname", "some_", "some-"]
                    .iter()
                    .any(|p| seg.starts_with(p))
                    || matches!(seg.split('.').next(), Some("foo" | "bar" | "baz"))
            })
    }

    #[test]
    fn placeholders_as_before() {
        let cases = [
            "src/main.rs",
            "Path/To/file",
            "a/XXX.md",
            "docs/…/x",
            "a/.../b",
            "../x",
            "My_app/x",
            "src/Foo.rs",
            "foobar/x",
            "x/BAZ",
            "your-org/repo",
            "${HOME}/x",
            "<dir>/x",
            "",
            "a/b.c",
            "yournamespace/x",
            "test/some_test.dart",
            "lib/Some-module.js",
            "lib/something.ex",
            "é/xx",
        ];
        for c in cases {
            assert_eq!(looks_like_placeholder(c), placeholder_reference(c), "{c}");
        }
        assert!(looks_like_placeholder("path/to/file"));
        assert!(looks_like_placeholder("sdk/go/vX.Y.Z"));
        assert!(looks_like_placeholder("releases/0.MINOR.x"));
        assert!(looks_like_placeholder("docs/v1.x/guide.md"));
        assert!(looks_like_placeholder("docs/X.X-Upgrade.md"));
        assert!(looks_like_placeholder("dist/app-vX.Y.Z.tar.gz"));
        assert!(looks_like_placeholder("notes/upgrade_N.N.md"));
        assert!(looks_like_placeholder(".changes/v1.XX/"));
        assert!(!looks_like_placeholder(".changes/v1.10/"));
        assert!(!looks_like_placeholder("docs/1.xy/guide.md"));
        assert!(!looks_like_placeholder("docs/7.0-Upgrade.md"));
        assert!(!looks_like_placeholder("docs/x.md"));
        assert!(!looks_like_placeholder("lib/x-ray/z.rb"));
        assert!(!looks_like_placeholder("docs/v1.2/guide.md"));
        assert!(!looks_like_placeholder("src/main.rs"));
        assert!(looks_like_placeholder("test/some_test.dart"));
        assert!(!looks_like_placeholder("lib/something.ex"));
    }

    #[test]
    fn path_claim_shapes() {
        for yes in [
            "test/gate/x_test.exs",
            "docs/",
            ".github/workflows/release.yml",
            "./scripts/run.sh",
            "../README.md",
            "src/main.rs:42",
            "src/lib.rs#L10-L20",
            "sdk/nodejs/package.json",
        ] {
            assert!(path_claim(yes).is_some(), "{yes} should be a claim");
        }
        assert_eq!(path_claim("src/main.rs:42:7"), Some("src/main.rs"));
        for no in [
            "mix ci",
            "hex-publish",
            "release.yml",
            "cargo run --example demo",
            "@scope/pkg",
            "https://example.com/a/b",
            "git@github.com:o/r",
            "src/**/*.rs",
            "docs/*.md",
            "path/to/file",
            "<owner>/<repo>",
            "${{ github.repository }}/x",
            "/verify",
            "/etc/passwd",
            "audience:/audiences:",
            "--out=dist/x",
            "~/.config/x",
            "a/b c",
            "foo/{a,b}",
            "…/x",
            "../",
            "x/.../y",
            "KEY=a/b",
            ".git/config",
        ] {
            assert!(path_claim(no).is_none(), "{no} should not be a claim");
        }
    }

    #[test]
    fn examples_and_placeholders_are_not_claims() {
        let t = "Add a step to your workflow file (e.g.\n`.github/workflows/main.yml`).";
        assert!(is_example(t, t.find('`').unwrap()));
        let t = "Define a new file at `src/audit/x.rs`.";
        assert!(!is_example(t, t.find('`').unwrap()));
        // A marker in an earlier sentence does not carry over; "e.g." alone is no marker.
        let t = "This assumes you are globbing inside `src/pages/`.";
        assert!(is_example(t, t.find('`').unwrap()));
        let t = "Set up your tools. The proof is `test/a_test.exs`.";
        assert!(!is_example(t, t.find('`').unwrap()));
        let t = "Options live in their own modules (e.g.,\n`src/rules/x/settings.rs`).";
        assert!(!is_example(t, t.find('`').unwrap()));
        assert!(!is_kind_example(t, t.find('`').unwrap()));
        let t = "a command that runs a repository script (`./scripts/publish.sh`,\n`bash x`)";
        assert!(is_kind_example(t, t.find("`./scripts").unwrap()));
        let t = "The proof (see `test/a_test.exs`) is a test.";
        assert!(!is_kind_example(t, t.find('`').unwrap()));
        assert!(path_claim("src/audit/my_new_audit.rs").is_none());
        assert!(path_claim("src/foo.rs").is_none());
        assert!(path_claim("src/food.rs").is_some());
    }

    #[test]
    fn a_file_the_command_just_shown_changes_is_its_state() {
        let at = |t: &str| what_the_command_changes(t, t.find(" `").unwrap() + 1);
        let t = "```bash\ntool pre enter beta\n```\n\nThis modifies `.state/pre.json`. Commit it.";
        assert!(at(t));
        let t = "```\ntool pre exit\n```\n\nIt also removes `.state/pre.json`.";
        assert!(at(t));
        // Reading a file needs it to be there; so does prose with no command before.
        let t = "```\ntool check\n```\n\nThis reads `.state/config.json`.";
        assert!(!at(t));
        let t = "Run the tool.\n\nThis modifies `.state/pre.json`.";
        assert!(!at(t));
        // The path must be what is changed, not named further on.
        let t = "```\ntool x\n```\n\nThis updates the versions of every package, as listed in `.state/a.json`.";
        assert!(!at(t));
    }

    #[test]
    fn anchor_suggestions_are_words_not_letters() {
        assert!(is_near("field-plan-fieldplan", "field-plan"));
        assert!(!is_near("a", "field-plan"));
        assert!(!is_near("id", "field-plan-id"));
        assert!(!is_near(
            "setup",
            "troubleshooting-setup-on-windows-with-wsl2-and-docker"
        ));
    }

    #[test]
    fn normalize_stays_inside() {
        assert_eq!(
            normalize("docs", "../src/a.rs").as_deref(),
            Some("src/a.rs")
        );
        assert_eq!(normalize("docs", "/src/a.rs").as_deref(), Some("src/a.rs"));
        assert_eq!(
            normalize("docs/x", "./y.md").as_deref(),
            Some("docs/x/y.md")
        );
        assert_eq!(normalize("", "../x"), None);
        assert_eq!(normalize("docs", "../../x"), None);
    }

    #[test]
    fn paths_in_another_repository() {
        let this = ("eslint".to_string(), "eslint".to_string());
        let t = "- In the `eslint/eslint.org` repository, submit a PR to set `x` in `tools/release-data.js`.\n- In the `eslint/eslint` repository, add `legacy-peer-deps` in `tools/npmrc`.\n- Then edit `docs/x.md`.\n";
        let at = |s: &str| t.find(s).unwrap();
        assert!(in_other_repository(
            t,
            at("`tools/release-data.js`"),
            Some(&this)
        ));
        assert!(!in_other_repository(t, at("`tools/npmrc`"), Some(&this)));
        assert!(!in_other_repository(t, at("`docs/x.md`"), Some(&this)));
        assert!(!in_other_repository(t, at("`tools/release-data.js`"), None));
    }

    #[test]
    fn levels_above_the_root() {
        assert_eq!(levels_above_root("", "../../../sibling"), 3);
        assert_eq!(levels_above_root("docs", "../../../sibling"), 2);
        assert_eq!(levels_above_root("docs", "../../../../sibling"), 3);
        assert_eq!(levels_above_root("", "../x"), 1);
        assert_eq!(levels_above_root("docs/a", "../b.md"), 0);
        assert_eq!(levels_above_root("", "./../.././../o/r"), 3);
    }

    #[test]
    fn schemes_and_templates() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("docs/a.md"));
        assert!(!has_scheme("a.md#b:c"));
        assert!(is_issue_template(".github/ISSUE_TEMPLATE/bug.md"));
        assert!(is_issue_template(".github/pull_request_template.md"));
        assert!(!is_issue_template("docs/guide.md"));
        assert!(is_line_anchor("L10-L20"));
        assert!(!is_line_anchor("links"));
    }
}
