//! Markdown read once into what checks ask about: headings (with GitHub's
//! anchor slugs), links and images, inline code spans, and sections.

use super::TextFile;
use crate::finding::Location;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, LazyLock, OnceLock};

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub slug: String,
    pub line: usize,
    /// Bytes from the heading to the next heading of the same or higher level.
    pub section: Range<usize>,
}

/// A link or image. Its [`Location`] is built only when a finding needs it
/// ([`MarkdownDoc::location`] of `span.start`): most links are fine.
#[derive(Debug, Clone)]
pub struct Link {
    pub dest: Box<str>,
    pub image: bool,
    /// Bytes of the whole link or image, text included.
    pub span: Range<usize>,
}

/// An inline code span; `offset` is where its opening backtick is.
#[derive(Debug, Clone)]
pub struct CodeSpan {
    pub code: Box<str>,
    pub offset: usize,
}

/// One table cell as written (trimmed), and where it starts.
#[derive(Debug, Clone)]
pub struct TableCell {
    pub source: String,
    pub offset: usize,
}

/// A table: its bytes, and its rows of cells (the header row first).
#[derive(Debug, Clone)]
pub struct Table {
    pub range: Range<usize>,
    pub rows: Vec<Vec<TableCell>>,
}

pub struct MarkdownDoc {
    pub path: String,
    pub file: Arc<TextFile>,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub code_spans: Vec<CodeSpan>,
    /// Fenced and indented code blocks.
    pub code_blocks: Vec<Range<usize>>,
    pub tables: Vec<Table>,
    /// Heading slugs and HTML anchors, gathered on first use.
    anchors: OnceLock<Anchors>,
}

/// Where `#fragment` links into a document may land: its heading slugs (in
/// document order) and its HTML `id=`/`name=` attributes. Small enough to
/// keep after the document itself is dropped: a tree of 80,000 pages keeps
/// every page's, so the anchors share one string instead of one allocation
/// each.
#[derive(Debug, Clone, Default)]
pub struct Anchors {
    /// Every anchor, lower-cased, sorted and deduplicated, one after another.
    text: Box<str>,
    /// Where each anchor of `text` ends; anchor `i` starts where `i - 1` ends.
    ends: Box<[u32]>,
    /// The heading slugs in document order, as indexes into the sorted anchors.
    slugs: Box<[u32]>,
    /// Objects a mkdocstrings `::: pkg.module` block documents: every
    /// anchor under them (`#pkg.module.Class.method`) is generated.
    prefixes: Box<[Box<str>]>,
}

impl Anchors {
    fn new(slugs: Vec<String>, html: Vec<String>, prefixes: Vec<String>) -> Anchors {
        // Python-Markdown (mkdocs) collapses runs of `-` where GitHub keeps
        // them (`a--b` vs `a-b`): both forms land.
        let collapsed = slugs
            .iter()
            .filter(|s| s.contains("--"))
            .map(|s| collapse_dashes(&s.to_lowercase()));
        let mut all: Vec<String> = slugs
            .iter()
            .chain(&html)
            .map(|a| a.to_lowercase())
            .chain(collapsed)
            .collect();
        all.sort_unstable();
        all.dedup();
        let mut text = String::with_capacity(all.iter().map(String::len).sum());
        let mut ends = Vec::with_capacity(all.len());
        for a in &all {
            // A document is parsed only below MAX_PARSE_BYTES, far below
            // u32::MAX even with every anchor written twice: no anchor is
            // lost to the narrowing, but stop rather than wrap.
            let Ok(end) = u32::try_from(text.len() + a.len()) else {
                break;
            };
            text.push_str(a);
            ends.push(end);
        }
        let mut anchors = Anchors {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
            slugs: Box::default(),
            prefixes: prefixes
                .into_iter()
                .map(|p| p.to_lowercase().into_boxed_str())
                .collect(),
        };
        anchors.slugs = slugs
            .iter()
            .filter_map(|s| {
                let i = anchors.position(&s.to_lowercase())?;
                u32::try_from(i).ok()
            })
            .collect();
        anchors
    }

    /// The `i`th anchor in sorted order.
    fn nth(&self, i: usize) -> &str {
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] as usize,
        };
        &self.text[start..self.ends[i] as usize]
    }

    /// Where the lower-cased `anchor` is among the sorted anchors.
    fn position(&self, anchor: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.nth(mid).cmp(anchor) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Whether `anchor` lands somewhere (case-insensitive).
    pub fn has(&self, anchor: &str) -> bool {
        let a = anchor.to_lowercase();
        let found = |a: &str| self.position(a).is_some();
        found(&a)
            || (a.contains("--") && found(&collapse_dashes(&a)))
            || found(&loose_slug(&a))
            || self
                .prefixes
                .iter()
                .any(|p| a == **p || a.strip_prefix(&**p).is_some_and(|r| r.starts_with('.')))
    }

    /// The heading slugs, in document order.
    pub fn slugs(&self) -> impl ExactSizeIterator<Item = &str> {
        self.slugs.iter().map(|&i| self.nth(i as usize))
    }
}

/// A heading's anchor as the site generators that do not follow GitHub
/// write it (VitePress, mdBook, Docusaurus, Hugo): every run of characters
/// that are not letters or digits becomes one `-`, trimmed at both ends.
/// `The \`features.allow\` field (optional)` → `the-features-allow-field-optional`.
pub fn loose_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn collapse_dashes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out
}

/// Ids set with Markdown attribute lists, which mkdocs (attr_list),
/// VitePress, Docusaurus and others read: `## Title {#id}`, `{: #id }`,
/// and mkdocs-autorefs' `[](){#id}`.
static ATTR_ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\s*:?\s*#([A-Za-z0-9_][\w.:-]*)[^}\n]*\}").expect("valid regex")
});

/// MyST's explicit targets, a line `(label)=` before a heading or block,
/// which `[text](#label)` links to in a Sphinx site.
static MYST_TARGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*\(([A-Za-z0-9_][\w.:-]*)\)=[ \t]*$").expect("valid regex")
});

/// A MyST directive's opening line, fenced by backticks or colons:
/// ```` ```{figure} path ```` or `:::{code-block} yaml`.
static MYST_DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*(?:`{3,}|:{3,})[ \t]*\{[A-Za-z][\w:-]*\}").expect("valid regex")
});

/// The labels MyST directives give themselves with their `:name:` (or
/// mystmd's `:label:`) option, which `[](#label)` links to as it links to
/// a `(label)=` target. Only an option line in the option block right
/// under a directive's opening line counts; the same words elsewhere on a
/// page are text.
fn myst_directive_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_options = false;
    for line in text.lines() {
        if MYST_DIRECTIVE.is_match(line) {
            in_options = true;
            continue;
        }
        if !in_options {
            continue;
        }
        let l = line.trim();
        let Some(rest) = l.strip_prefix(':') else {
            in_options = false;
            continue;
        };
        let value = rest
            .strip_prefix("name:")
            .or_else(|| rest.strip_prefix("label:"))
            .map(str::trim);
        if let Some(v) = value.filter(|v| !v.is_empty() && !v.contains(char::is_whitespace)) {
            out.push(v.to_string());
        }
    }
    out
}

/// Every MyST label a page defines: `(label)=` target lines and the
/// `:name:`/`:label:` options of its directives.
pub(crate) fn myst_page_labels(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if text.contains(")=") {
        out.extend(MYST_TARGET.captures_iter(text).map(|c| c[1].to_string()));
    }
    if text.contains(":name:") || text.contains(":label:") {
        out.extend(myst_directive_names(text));
    }
    out
}

/// `::: pkg.module` blocks of mkdocstrings, which render an object's docs.
static AUTODOC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\s*:::\s+([A-Za-z_][\w.]*)\s*$").expect("valid regex"));

/// `id="x"` / `name='x'` attributes of inline HTML.
static HTML_ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:id|name)\s*=\s*["']([^"'<>]+)["']"#).expect("valid regex")
});

/// A heading written in HTML (`<h3 align="center">Sponsors</h3>`) and what
/// is inside it.
static HTML_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<h[1-6](?:\s[^>]*)?>(.*?)</h[1-6]\s*>").expect("valid regex")
});

/// The text of an HTML fragment as a browser shows it: tags dropped (an
/// image's alt text with them), the common entities decoded.
fn html_text(fragment: &str) -> String {
    let mut out = String::with_capacity(fragment.len());
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

impl MarkdownDoc {
    pub fn parse(path: &str, file: Arc<TextFile>) -> MarkdownDoc {
        let text: &str = &file.text;
        let mut headings: Vec<Heading> = Vec::new();
        let mut links = Vec::new();
        let mut code_spans = Vec::new();
        let mut code_blocks = Vec::new();
        let mut tables: Vec<Table> = Vec::new();
        let mut slugs: HashMap<String, usize> = HashMap::new();
        let mut open_heading: Option<(u8, usize, String)> = None;
        // Images open inside a heading: their alt text is not the heading's
        // text (GitHub slugs `# Name [![badge](…)](…)` as `name-`).
        let mut images_in_heading = 0usize;
        let opts =
            Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
        for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    open_heading = Some((level_num(level), range.start, String::new()));
                    images_in_heading = 0;
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, start, htext)) = open_heading.take() {
                        let base = slugify(&htext);
                        let n = slugs.entry(base.clone()).or_insert(0);
                        let slug = if *n == 0 {
                            base.clone()
                        } else {
                            format!("{base}-{n}")
                        };
                        *n += 1;
                        let (line, _) = file.lines.position(text, start);
                        headings.push(Heading {
                            level,
                            text: htext.trim().to_string(),
                            slug,
                            line,
                            section: start..text.len(),
                        });
                    }
                }
                Event::Text(t) => {
                    if let Some((_, _, h)) = open_heading.as_mut()
                        && images_in_heading == 0
                    {
                        h.push_str(&t);
                    }
                }
                Event::End(TagEnd::Image) if open_heading.is_some() => {
                    images_in_heading = images_in_heading.saturating_sub(1);
                }
                Event::Code(c) => {
                    if let Some((_, _, h)) = open_heading.as_mut() {
                        h.push_str(&c);
                    }
                    code_spans.push(CodeSpan {
                        code: c.into_string().into_boxed_str(),
                        offset: range.start,
                    });
                }
                Event::Start(Tag::CodeBlock(_)) => code_blocks.push(range),
                Event::Start(Tag::Table(_)) => tables.push(Table {
                    range,
                    rows: Vec::new(),
                }),
                Event::Start(Tag::TableHead | Tag::TableRow) => {
                    if let Some(t) = tables.last_mut() {
                        t.rows.push(Vec::new());
                    }
                }
                Event::Start(Tag::TableCell) => {
                    if let Some(row) = tables.last_mut().and_then(|t| t.rows.last_mut()) {
                        let raw = &text[range.clone()];
                        let lead = raw.len() - raw.trim_start().len();
                        row.push(TableCell {
                            source: raw.trim().trim_matches('|').trim().to_string(),
                            offset: range.start + lead,
                        });
                    }
                }
                Event::Start(Tag::Link { dest_url, .. }) => links.push(Link {
                    dest: dest_url.into_string().into_boxed_str(),
                    image: false,
                    span: range,
                }),
                Event::Start(Tag::Image { dest_url, .. }) => {
                    if open_heading.is_some() {
                        images_in_heading += 1;
                    }
                    links.push(Link {
                        dest: dest_url.into_string().into_boxed_str(),
                        image: true,
                        span: range,
                    })
                }
                _ => {}
            }
        }
        // A section ends where the next heading of the same or higher level starts.
        for i in 0..headings.len() {
            let level = headings[i].level;
            let start = headings[i].section.start;
            let end = headings[i + 1..]
                .iter()
                .find(|h| h.level <= level)
                .map(|h| h.section.start)
                .unwrap_or(text.len());
            headings[i].section = start..end;
        }
        MarkdownDoc {
            path: path.to_string(),
            file,
            headings,
            links,
            code_spans,
            code_blocks,
            tables,
            anchors: OnceLock::new(),
        }
    }

    /// Where byte `offset` of this document is (built on demand, for findings).
    pub fn location(&self, offset: usize) -> Location {
        self.file.location(&self.path, offset)
    }

    /// Whether byte `offset` lies inside a code block.
    pub fn in_code_block(&self, offset: usize) -> bool {
        within(&self.code_blocks, |r| r, offset)
    }

    /// Whether byte `offset` lies inside a table.
    pub fn in_table(&self, offset: usize) -> bool {
        within(&self.tables, |t| &t.range, offset)
    }

    /// Whether byte `offset` lies inside a link or image (its text included).
    pub fn in_link(&self, offset: usize) -> bool {
        within(&self.links, |l| &l.span, offset)
    }

    /// The byte range of the section under the first heading whose text is
    /// `title` (case-insensitive).
    pub fn section(&self, title: &str) -> Option<Range<usize>> {
        self.headings
            .iter()
            .find(|h| h.text.eq_ignore_ascii_case(title.trim()))
            .map(|h| h.section.clone())
    }

    /// Whether `#anchor` lands somewhere in this document: a heading's slug
    /// (case-insensitive) or an HTML `id=`/`name=` attribute.
    pub fn has_anchor(&self, anchor: &str) -> bool {
        self.anchors().has(anchor)
    }

    /// The document's anchors, gathered on first use.
    pub fn anchors(&self) -> &Anchors {
        self.anchors.get_or_init(|| {
            let slugs: Vec<String> = self.headings.iter().map(|h| h.slug.clone()).collect();
            let text = &self.file.text;
            let mut html: Vec<String> = HTML_ANCHOR
                .captures_iter(text)
                .map(|c| c[1].to_string())
                .chain(self.headings.iter().map(|h| loose_slug(&h.text)))
                .collect();
            if text.contains("{") {
                html.extend(ATTR_ANCHOR.captures_iter(text).map(|c| c[1].to_string()));
            }
            if MYST_TARGET_MARK.in_text(text) {
                html.extend(MYST_TARGET.captures_iter(text).map(|c| c[1].to_string()));
            }
            if MYST_NAME_MARK.in_text(text) || MYST_LABEL_MARK.in_text(text) {
                html.extend(myst_directive_names(text));
            }
            // `<h3>Technology Sponsors</h3>`: GitHub gives a heading written
            // in HTML the anchor it gives a Markdown one.
            if HTML_H_MARK.in_text(text) || HTML_UPPER_H_MARK.in_text(text) {
                for c in HTML_HEADING.captures_iter(text) {
                    let at = c.get(0).map_or(0, |m| m.start());
                    if self.in_code_block(at) {
                        continue;
                    }
                    let inner = html_text(&c[1]);
                    html.push(slugify(&inner));
                    html.push(loose_slug(&inner));
                }
            }
            let prefixes = if FENCE_MARK.in_text(text) {
                AUTODOC
                    .captures_iter(text)
                    .map(|c| c[1].to_string())
                    .collect()
            } else {
                Vec::new()
            };
            Anchors::new(slugs, html, prefixes)
        })
    }
}

/// A marker looked for in every document, with memchr's substring
/// searcher built once (several times faster than `str::contains`, whose
/// searcher is set up again on every call).
pub(crate) struct Marker(std::sync::LazyLock<memchr::memmem::Finder<'static>>);

/// A [`Marker`] for a string literal.
macro_rules! text_marker {
    ($s:literal) => {
        $crate::repo::markdown::Marker::new(std::sync::LazyLock::new(|| {
            memchr::memmem::Finder::new($s)
        }))
    };
}
pub(crate) use text_marker;

impl Marker {
    pub(crate) const fn new(f: std::sync::LazyLock<memchr::memmem::Finder<'static>>) -> Marker {
        Marker(f)
    }

    /// Whether the marker occurs in `text`.
    pub(crate) fn in_text(&self, text: &str) -> bool {
        self.0.find(text.as_bytes()).is_some()
    }
}

static MYST_TARGET_MARK: Marker = text_marker!(")=");
static MYST_NAME_MARK: Marker = text_marker!(":name:");
static MYST_LABEL_MARK: Marker = text_marker!(":label:");
static HTML_H_MARK: Marker = text_marker!("<h");
static HTML_UPPER_H_MARK: Marker = text_marker!("<H");
static FENCE_MARK: Marker = text_marker!(":::");

/// Whether a path names a Markdown file (`.md`, `.markdown`), by extension.
pub fn is_markdown(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// Directories whose Markdown is not the project's own documentation:
/// copies of other projects (`vendor/`, `third_party/`) and test inputs
/// (`tests/`, `fixtures/`, `testdata/`, snapshots), which are often broken
/// on purpose. Dot-directories other than `.github` (tool and agent
/// scratch such as `.claude/` or `.planning/`) are not docs either.
const NOT_DOCS: &[&str] = &[
    "vendor",
    "third_party",
    "third-party",
    "node_modules",
    "test",
    "tests",
    "__tests__",
    "__test__",
    "spec_fixtures",
    "snapshots",
    "fixtures",
    "fixture",
    "__fixtures__",
    "testdata",
    "test-data",
    "test_data",
    "__snapshots__",
];

/// Whether a Markdown path is documentation of this project (see [`NOT_DOCS`]).
pub fn is_project_doc(path: &str) -> bool {
    is_markdown(path) && {
        let mut dirs = path.split('/');
        dirs.next_back();
        !dirs.any(|d| {
            NOT_DOCS.contains(&d)
                || super::paths::test_collection(d)
                || (d.starts_with('.') && d != ".github")
        })
    }
}

/// Decodes `%XX` escapes in a link destination; invalid escapes stay as written.
pub fn percent_decode(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('%') {
        return std::borrow::Cow::Borrowed(s); // most links: nothing to decode
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| s.to_string()))
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Whether `offset` falls in one of `items`' ranges; the ranges come in
/// document order and do not overlap, so a binary search finds the one.
fn within<T>(items: &[T], range: impl Fn(&T) -> &Range<usize>, offset: usize) -> bool {
    let i = items.partition_point(|it| range(it).start <= offset);
    i > 0 && range(&items[i - 1]).contains(&offset)
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// GitHub's heading anchor: lower-case, punctuation dropped (but `-` and `_`),
/// spaces to `-`.
pub fn slugify(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c == ' ' {
                Some('-')
            } else if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(t: &str) -> MarkdownDoc {
        MarkdownDoc::parse("d.md", Arc::new(TextFile::new(t)))
    }

    #[test]
    fn anchors_are_one_string_and_keep_heading_order() {
        let a = Anchors::new(
            vec!["zeta".into(), "Alpha--Beta".into(), "mid".into(), "".into()],
            vec!["Top".into(), "mid".into()],
            vec!["pkg.mod".into()],
        );
        assert_eq!(
            a.slugs().collect::<Vec<_>>(),
            ["zeta", "alpha--beta", "mid", ""]
        );
        // Sorted, deduplicated, with the dash-collapsed form beside the slug.
        let all: Vec<&str> = (0..a.ends.len()).map(|i| a.nth(i)).collect();
        assert_eq!(all, ["", "alpha--beta", "alpha-beta", "mid", "top", "zeta"]);
        for hit in ["ZETA", "top", "alpha-beta", "Alpha--Beta", "pkg.mod.Class"] {
            assert!(a.has(hit), "{hit}");
        }
        for miss in ["zet", "zetaa", "alpha", "pkg.module", "bottom"] {
            assert!(!a.has(miss), "{miss}");
        }
        assert!(!Anchors::default().has("x"));
        assert_eq!(Anchors::default().slugs().len(), 0);
    }

    #[test]
    fn tables_and_code_blocks() {
        let t = "# T\n\n| Key | Value |\n|---|---|\n| Environment | `npm` |\n\n```\nEnvironment: x\n```\n\n    indented: y\n";
        let d = doc(t);
        assert_eq!(d.tables.len(), 1);
        let rows = &d.tables[0].rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1][0].source, "Environment");
        assert_eq!(rows[1][1].source, "`npm`");
        assert_eq!(&t[rows[1][1].offset..rows[1][1].offset + 5], "`npm`");
        assert!(d.in_code_block(t.find("Environment: x").unwrap()));
        assert!(d.in_code_block(t.find("indented").unwrap()));
        assert!(d.in_table(t.find("| Environment").unwrap()));
        assert!(!d.in_code_block(t.find("# T").unwrap()));
    }

    #[test]
    fn project_docs() {
        assert!(is_project_doc("README.md"));
        assert!(is_project_doc("docs/guide.markdown"));
        assert!(!is_project_doc("vendor/x/README.md"));
        assert!(!is_project_doc("crates/a/tests/fixtures/bad/README.md"));
        assert!(!is_project_doc("src/main.rs"));
        assert!(!is_project_doc("tests/format/markdown/link.md"));
        assert!(!is_project_doc(".planning/phase-1.md"));
        assert!(!is_project_doc(".claude/worktrees/a/README.md"));
        assert!(is_project_doc(".github/SECURITY.md"));
    }

    #[test]
    fn html_headings_and_badges_in_headings() {
        let d = doc(
            "# Faker [![Gem Version](https://b/v.svg)](https://r) [![CI](https://b/ci.svg)](https://a)\n\n<h3 align=\"center\">Technology <em>Sponsors</em> &amp; Friends</h3>\n\n```html\n<h2>In a block</h2>\n```\n",
        );
        // The badges' alt text is not part of the heading's text.
        assert_eq!(d.headings[0].text, "Faker");
        assert!(d.has_anchor("faker--"));
        assert!(d.has_anchor("faker"));
        assert!(!d.has_anchor("faker-gem-version-ci"));
        // A heading written in HTML has GitHub's anchor too.
        assert!(d.has_anchor("technology-sponsors--friends"));
        assert!(d.has_anchor("technology-sponsors-friends"));
        assert!(!d.has_anchor("in-a-block"));
    }

    #[test]
    fn headings_links_and_code() {
        let d = doc(
            "# Title\n\nSee [x](docs/a.md#b) and `src/main.rs`.\n\n## Set up: `npm` & more\n\n## Title\n",
        );
        assert_eq!(d.headings[1].slug, "set-up-npm--more");
        assert_eq!(d.headings[2].slug, "title-1");
        assert!(d.has_anchor("set-up-npm--more"));
        assert!(d.has_anchor("Title-1"));
        assert!(!d.has_anchor("nope"));
        // The slug other generators give the same heading.
        assert!(d.has_anchor("set-up-npm-more"));
        assert_eq!(&*d.links[0].dest, "docs/a.md#b");
        assert_eq!(d.location(d.links[0].span.start).line, 3);
        assert_eq!(&*d.code_spans[0].code, "src/main.rs");
        let s = d.section("Set up: npm & more").unwrap();
        assert!(d.file.text[s].starts_with("## Set up"));
    }
}
