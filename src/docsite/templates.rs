//! Markdown templates that a tool renders into the pages readers see.
//!
//! MarkdownSnippets (`mdsnippets`, common in .NET repositories) renders each
//! `x.source.md` into `x.md`, pasting code snippets and include files into
//! it. The page is written beside its source, or, for a source kept under a
//! folder named `mdsource`, with that folder left out of the path:
//! `docs/mdsource/naming.source.md` becomes `docs/naming.md`, and
//! `docs/mdsource/wiz/linux.source.md` becomes `docs/wiz/linux.md`. The source's
//! links are written for where the page will live (`[naming](naming.md)`
//! in `docs/mdsource/` means `docs/naming.md`), and the page carries the
//! same links, so the page is the document to judge, not its source.

use crate::repo::Tree;

/// The page MarkdownSnippets renders from `path`, when `path` is such a
/// source (`x.source.md`) and that page is in the tree.
pub fn rendered_page(tree: &Tree, path: &str) -> Option<String> {
    let (dir, name) = match path.rsplit_once('/') {
        Some((dir, name)) => (dir, name),
        None => ("", path),
    };
    let lower = name.to_ascii_lowercase();
    let stem_len = lower.strip_suffix(".source.md")?.len();
    let page = format!("{}.md", &name[..stem_len]);
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    if let Some(i) = parts
        .iter()
        .rposition(|p| p.eq_ignore_ascii_case("mdsource"))
    {
        parts.remove(i);
    }
    parts.push(&page);
    let target = parts.join("/");
    tree.exists(&target).then_some(target)
}

#[cfg(test)]
mod tests {
    use super::rendered_page;
    use crate::repo::Tree;

    fn tree(files: &[&str]) -> (tempfile::TempDir, Tree) {
        let files: Vec<(&str, &str)> = files.iter().map(|f| (*f, "# page\n")).collect();
        crate::repo::test_tree(&files)
    }

    #[test]
    fn a_source_renders_beside_it_or_above_its_mdsource_folder() {
        let (_d, t) = tree(&[
            "readme.source.md",
            "readme.md",
            "docs/mdsource/naming.source.md",
            "docs/naming.md",
            "mdsource/intro.source.md",
            "intro.md",
            "docs/mdsource/wiz/linux.source.md",
            "docs/wiz/linux.md",
            "docs/mdsource/draft.source.md",
            "guide.md",
        ]);
        assert_eq!(
            rendered_page(&t, "readme.source.md").as_deref(),
            Some("readme.md")
        );
        assert_eq!(
            rendered_page(&t, "docs/mdsource/naming.source.md").as_deref(),
            Some("docs/naming.md")
        );
        assert_eq!(
            rendered_page(&t, "mdsource/intro.source.md").as_deref(),
            Some("intro.md")
        );
        assert_eq!(
            rendered_page(&t, "docs/mdsource/wiz/linux.source.md").as_deref(),
            Some("docs/wiz/linux.md")
        );
        // Not rendered yet: the source is the only copy of its text.
        assert_eq!(rendered_page(&t, "docs/mdsource/draft.source.md"), None);
        // Not a source at all.
        assert_eq!(rendered_page(&t, "guide.md"), None);
    }
}
