//! Markdown pages that other pages include. A docs site pastes an included
//! file into the page that includes it, so the links in a fragment written
//! for that (`docs/snippets/see-also.md` linking `./border.md` beside the
//! pages under `docs/styles/`) resolve from the including page's folder,
//! not the fragment's. The include forms read here:
//!
//! - pymdownx.snippets (mkdocs): a line `--8<-- "path"`, the path from the
//!   project root (its default base path) or, failing that, beside the page;
//! - mdBook: `{{#include path}}`, with an optional `:anchor` or line range;
//! - MyST (Sphinx, Jupyter Book): a ```` ```{include} path ```` or
//!   `:::{include} path` directive, and reStructuredText's
//!   `.. include:: path` inside it; both beside the page.
//!
//! Only Markdown files are recorded; an included code file has no links.

use crate::repo::Tree;
use crate::repo::paths::{dir_of, normalize};

/// The Markdown files the page at `doc` (text `text`) includes, as paths
/// from the root that exist in `tree`.
pub fn included_pages(tree: &Tree, doc: &str, text: &str) -> Vec<String> {
    // Most pages include nothing: one look for any of the markers first.
    use crate::repo::markdown::{Marker, text_marker};
    static SNIPPETS: Marker = text_marker!("--8<--");
    static MDBOOK: Marker = text_marker!("{{#include");
    static MYST: Marker = text_marker!("{include}");
    static RST: Marker = text_marker!(".. include::");
    if !(SNIPPETS.in_text(text) || MDBOOK.in_text(text) || MYST.in_text(text) || RST.in_text(text))
    {
        return Vec::new();
    }
    let base = dir_of(doc);
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let (path, from_root) = if let Some(rest) = line.strip_prefix("--8<--") {
            (unquote(rest.trim()), true)
        } else if let Some(i) = line.find("{{#include ") {
            let rest = &line[i + "{{#include ".len()..];
            let Some(end) = rest.find("}}") else { continue };
            // `path:anchor` or `path:10:20`: the file is before the colon.
            let path = rest[..end].trim();
            (path.split(':').next().unwrap_or(""), false)
        } else if let Some(rest) = line
            .strip_prefix("```{include}")
            .or_else(|| line.strip_prefix(":::{include}"))
            .or_else(|| line.strip_prefix(".. include::"))
        {
            (rest.trim(), false)
        } else {
            continue;
        };
        if !crate::repo::markdown::is_markdown(path) || path.contains("://") {
            continue;
        }
        let beside = normalize(base, path);
        let rooted = from_root.then(|| normalize("", path)).flatten();
        let found = [rooted, beside]
            .into_iter()
            .flatten()
            .find(|p| tree.has_path(p));
        if let Some(p) = found
            && p != doc
            && !out.contains(&p)
        {
            out.push(p);
        }
    }
    out
}

/// The text between matching quotes, or the text itself.
fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q)
            && let Some(end) = inner.find(q)
        {
            return &inner[..end];
        }
    }
    s.split_whitespace().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> (tempfile::TempDir, Tree) {
        let files: Vec<(&str, &str)> = files.iter().map(|f| (*f, "x\n")).collect();
        crate::repo::test_tree(&files)
    }

    #[test]
    fn each_include_form_names_the_markdown_file_it_pastes() {
        let (_d, t) = tree(&[
            "docs/snippets/see-also.md",
            "docs/styles/border.md",
            "docs/book/src/intro.md",
            "docs/book/params.md",
            "README.md",
            "docs/api/other.md",
            "docs/api/page.md",
        ]);
        let text = "\
# Border

--8<-- \"docs/snippets/see-also.md\"
--8<-- \"docs/snippets/missing.md\"
--8<-- \"docs/snippets/code.py\"
";
        assert_eq!(
            included_pages(&t, "docs/styles/border.md", text),
            ["docs/snippets/see-also.md"]
        );
        let text = "{{#include ../params.md}}\n{{#include ../../../README.md:intro}}\n{{#include ../src/lib.rs}}\n";
        assert_eq!(
            included_pages(&t, "docs/book/src/intro.md", text),
            ["docs/book/params.md", "README.md"]
        );
        let text = "```{include} other.md\n```\n\n:::{include} ../../README.md\n:::\n.. include:: other.md\n";
        assert_eq!(
            included_pages(&t, "docs/api/page.md", text),
            ["docs/api/other.md", "README.md"]
        );
    }

    #[test]
    fn a_page_without_includes_or_with_only_prose_about_them_names_none() {
        let (_d, t) = tree(&["docs/a.md", "docs/b.md"]);
        assert!(included_pages(&t, "docs/a.md", "# A\n\nSee [b](b.md).\n").is_empty());
        // The marker inside a sentence is prose, not a directive.
        let text = "Write `--8<-- \"b.md\"` to paste a snippet; {{#include}} alone does nothing.\n";
        assert!(included_pages(&t, "docs/a.md", text).is_empty());
        // A page never includes itself.
        assert!(included_pages(&t, "docs/a.md", "```{include} a.md\n```\n").is_empty());
    }
}
