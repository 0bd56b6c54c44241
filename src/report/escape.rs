//! How text from the tree (file names, job names, YAML values, messages that
//! quote them) becomes safe in each format a person reads. The tree is
//! written by whoever opened the pull request, so nothing it holds may
//! become a terminal escape, a workflow command, Markdown or HTML, or a line
//! that reads as the report's own (SPEC §5).
//!
//! Every renderer escapes through this one module:
//! - [`visible`]: control characters and bidi overrides shown as `\u{…}`
//!   (human, github, markdown, junit);
//! - [`github_data`], [`github_property`], [`github_line`]: GitHub workflow
//!   commands;
//! - [`md_text`], [`md_code`]: Markdown for PR comments and job summaries;
//! - [`xml`], [`xml_attr`]: JUnit XML.

use std::borrow::Cow;

/// Whether `c` must be shown escaped: C0 and C1 controls (tab aside), DEL,
/// the bidi marks, embeddings, overrides and isolates that reorder what a
/// reader sees (U+061C, U+200E/F, U+202A–202E, U+2066–2069), and the
/// Unicode line and paragraph separators that some viewers break lines at.
pub fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Whether `s` holds a character [`is_hidden`] names. Reports are mostly
/// ASCII, so bytes are looked at first and only text from the first
/// non-ASCII byte on is decoded.
pub fn has_hidden(s: &str) -> bool {
    for (i, b) in s.bytes().enumerate() {
        if b >= 0x80 {
            return s[i..].chars().any(is_hidden);
        }
        if (b < 0x20 && b != b'\t') || b == 0x7f {
            return true;
        }
    }
    false
}

/// Tree text with every [`is_hidden`] character shown as a Rust-style
/// escape (`\u{1b}`), so a reader sees what is there and nothing rewrites
/// the terminal, the order of the line, or the line structure of the report.
/// A backslash is left alone: the escapes are for a person, not a parser.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !has_hidden(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c`, escaped when hidden.
pub fn push_visible(out: &mut String, c: char) {
    if is_hidden(c) {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    } else {
        out.push(c);
    }
}

/// How many columns `c` takes once made [`visible`] (1 for most characters).
pub fn visible_width(c: char) -> usize {
    if is_hidden(c) {
        format!("\\u{{{:x}}}", c as u32).len()
    } else {
        1
    }
}

// ------------------------------------------------------------------ GitHub

/// A workflow command's message, as the Actions toolkit escapes it
/// (`%`, CR, LF), after [`visible`] and with `##[` neutralised: the runner
/// looks for that older command syntax anywhere in a line.
pub fn github_data(s: &str) -> String {
    toolkit_data(&neutralise_hashes(&visible(s)))
}

/// A workflow command's property value: [`github_data`] plus `:` and `,`,
/// which would end the value or the property list.
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The toolkit's `escapeData`: `%` first, so an escape is never escaped twice.
fn toolkit_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `##[` anywhere in a line is a workflow command to the runner; the `[` is
/// shown as its escape instead.
fn neutralise_hashes(s: &str) -> Cow<'_, str> {
    if s.contains("##[") {
        Cow::Owned(s.replace("##[", "##\\u{5b}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// One line of plain log text (the grouped report) that must not be read as
/// a workflow command: hidden characters shown, `##[` neutralised, and a
/// line that starts with `::` after leading whitespace (the runner trims it,
/// Unicode spaces included) gets its first colon escaped.
pub fn github_line(line: &str) -> String {
    let shown = visible(line);
    let mut out = neutralise_hashes(&shown).into_owned();
    let lead = out.len() - out.trim_start().len();
    if out[lead..].starts_with("::") {
        out.replace_range(lead..lead + 1, "\\u{3a}");
    }
    out
}

// ---------------------------------------------------------------- Markdown

/// Plain text made safe for Markdown on one line: hidden characters shown,
/// line breaks as spaces, every character that could start markup (HTML,
/// entities, emphasis, links, images, tables, strikethrough, math) escaped
/// with a backslash, and `@` kept from mentioning anyone. Text between
/// backticks (how messages quote values) stays a code span, re-fenced by
/// [`md_code`] so no backtick inside can leave it open; when the backticks
/// do not pair up, every one is shown literally.
pub fn md_text(s: &str) -> String {
    let one_line = s.replace(['\r', '\n'], " ");
    let parts: Vec<&str> = one_line.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An odd number of backticks: no safe pairing, show them all.
        return md_plain(&one_line);
    }
    let mut out = String::with_capacity(one_line.len() + 8);
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 0 {
            out.push_str(&md_plain(part));
        } else if part.is_empty() {
            out.push_str("\\`\\`");
        } else {
            // Two code spans with nothing between them would glue their
            // fences into one longer run; keep them apart.
            if out.ends_with('`') {
                out.push(' ');
            }
            out.push_str(&md_code(part));
        }
    }
    out
}

/// Text with every Markdown-significant ASCII punctuation escaped.
fn md_plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$'
        ) {
            out.push('\\');
            out.push(c);
        } else if c == '@' && !out.ends_with(|p: char| p.is_alphanumeric()) {
            // `@user` and `@org/team` in a PR comment notify people; a word
            // joiner after the `@` keeps the text and drops the mention
            // (`name@host` and `action@v4` mention nobody and stay as written).
            out.push_str("@\u{2060}");
        } else {
            push_visible(&mut out, c);
        }
    }
    out
}

/// A code span holding `s` literally: fenced by a backtick run longer than
/// any run inside, padded with a space when the content starts or ends with
/// a backtick or a space (CommonMark strips one space from each end), on one
/// line, hidden characters shown, `##[` neutralised (the report may be
/// printed into a CI log), and `|` escaped (GitHub splits table cells at it
/// even inside a code span).
pub fn md_code(s: &str) -> String {
    let mut body = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\r' | '\n' => body.push(' '),
            '|' => body.push_str("\\|"),
            c => push_visible(&mut body, c),
        }
    }
    if body.is_empty() {
        return "` `".to_string();
    }
    let body = neutralise_hashes(&body);
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with(['`', ' ']) || body.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

// --------------------------------------------------------------------- XML

/// Text for XML content: markup escaped, hidden characters shown (XML 1.0
/// cannot carry most C0 controls at all), `##[` neutralised. Line breaks the renderer itself
/// writes are kept; pass tree values through [`visible`] first.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => push_visible(&mut out, c),
        }
    }
    // A JUnit file printed into a CI log must not carry a live `##[`.
    neutralise_hashes(&out).into_owned()
}

/// An XML attribute value: [`xml`], with line breaks and tabs as character
/// references so parsers do not fold them into spaces.
pub fn xml_attr(s: &str) -> String {
    xml(s)
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_scan_agrees_with_the_char_test() {
        let cases = [
            "",
            "plain text, tabs\tand all",
            "bell\u{7}",
            "del\u{7f}",
            "newline\n",
            "ünïcode only",
            "ü then esc \u{1b}",
            "esc \u{1b} then ü",
            "c1 \u{85}",
            "rlo \u{202e}",
            "isolate \u{2069} end",
            "separator \u{2028}",
            "arabic mark \u{61c}",
            "emoji 🚀 fine",
        ];
        for s in cases {
            assert_eq!(has_hidden(s), s.chars().any(is_hidden), "{s:?}");
        }
    }

    #[test]
    fn hidden_characters_are_shown() {
        assert_eq!(visible("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(visible("\u{7}\u{85}\u{9b}x\ty"), "\\u{7}\\u{85}\\u{9b}x\ty");
        assert_eq!(
            visible("\u{202e}gpj.exe\u{2066}\u{200f}\u{61c}"),
            "\\u{202e}gpj.exe\\u{2066}\\u{200f}\\u{61c}"
        );
        assert_eq!(visible("a\nb\rc\u{2028}"), "a\\u{a}b\\u{d}c\\u{2028}");
        assert!(matches!(visible("plain ü"), Cow::Borrowed(_)));
        assert_eq!(visible_width('\u{1b}'), "\\u{1b}".len());
    }

    #[test]
    fn github_escapes_like_the_toolkit() {
        assert_eq!(github_data("50% a:b,c"), "50%25 a:b,c");
        assert_eq!(github_property("a:b,c%d"), "a%3Ab%2Cc%25d");
        // `%` first: an escape is never escaped twice.
        assert_eq!(github_data("%0A"), "%250A");
        // Line breaks from the tree are shown, not turned into `%0A`.
        assert_eq!(github_data("a\nb"), "a\\u{a}b");
        assert_eq!(github_data("x ##[add-mask]y"), "x ##\\u{5b}add-mask]y");
    }

    #[test]
    fn github_lines_never_start_a_command() {
        for line in [
            "::warning::x",
            "  ::error file=a::b",
            "\t::endgroup::",
            "\u{a0}\u{2003}::stop-commands::t",
        ] {
            let safe = github_line(line);
            assert!(!safe.trim_start().starts_with("::"), "{safe}");
        }
        assert!(!github_line("  a ##[set-output name=x]y").contains("##["));
        assert_eq!(github_line("a::b"), "a::b");
    }

    #[test]
    fn code_spans_are_fenced_longer_than_any_run_inside() {
        assert_eq!(md_code("a"), "`a`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("``x"), "``` ``x ```");
        assert_eq!(md_code("x`"), "`` x` ``");
        assert_eq!(md_code(" a "), "`  a  `");
        assert_eq!(md_code("a|b\nc"), "`a\\|b c`");
        assert_eq!(md_code(""), "` `");
    }

    #[test]
    fn markdown_text_neutralises_markup() {
        assert_eq!(md_text("a|b <img> *x*\nc"), "a\\|b \\<img\\> \\*x\\* c");
        assert_eq!(md_text("a `b_<c>` d_e"), "a `b_<c>` d\\_e");
        assert_eq!(md_text("odd ` tick"), "odd \\` tick");
        assert_eq!(md_text("``<a href=x>"), "\\`\\`\\<a href=x\\>");
        assert_eq!(md_text("`a``b`"), "`a` `b`");
        assert_eq!(md_text("ping @org/team"), "ping @\u{2060}org/team");
        assert_eq!(md_text("`@scope/pkg`"), "`@scope/pkg`");
        assert_eq!(md_text("actions/checkout@v4"), "actions/checkout@v4");
        assert_eq!(
            md_text("&amp; [x](y) ![i](j)"),
            "\\&amp; \\[x\\](y) !\\[i\\](j)"
        );
    }

    #[test]
    fn xml_escapes_markup_and_shows_controls() {
        assert_eq!(
            xml("a<b>&\"c'\u{1b}[0m\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;\\u{1b}[0m\n"
        );
        assert_eq!(xml_attr("a\nb\t"), "a&#10;b&#9;");
    }
}
