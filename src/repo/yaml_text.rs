//! Lexical facts about YAML text that the typed parse does not give, kept
//! byte-exact so every offset still points into the file as written:
//! - standard tags (`!!map`, `!!seq`, `!!int`, …) mean the untagged value,
//!   so they are blanked before the typed parse, which would otherwise
//!   refuse `jobs: !!map` and leave the file unjudged; other global tags
//!   (`!!python/object`, `!<tag:example.com,…>`) the parser already reads
//!   untagged, so they are blanked too and every view agrees;
//! - where local tags (`!custom`) may be, which a workflow cannot carry;
//! - which lines starting with `#` are the content of a block scalar
//!   (`run: |`, `env: >-`) or of a quoted scalar spanning lines, rather
//!   than comments.

use std::ops::Range;

/// Standard tags of the core schema whose value the typed models read the
/// same untagged (`!!str` the YAML parser already resolves).
const STANDARD: &[&str] = &["map", "seq", "int", "bool", "float", "null"];

/// `text` with each standard tag in tag position (after indentation, `: `,
/// `- `, `? `, `[`, `{` or `,`, and followed by a space, a line end or a
/// flow bracket) replaced by spaces of the same length; `None` when there
/// is none. Both `!!map` and `!<tag:yaml.org,2002:map>` are recognised, and
/// so is every other global tag but a string's (see [`global_tag_len`]).
pub fn standard_tags_blanked(text: &str) -> Option<String> {
    if !text.contains("!!") && !text.contains("!<") {
        return None;
    }
    let b = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'!' || !in_tag_position(b, i) {
            i += 1;
            continue;
        }
        let len = STANDARD
            .iter()
            .find_map(|name| {
                let short = format!("!!{name}");
                let long = format!("!<tag:yaml.org,2002:{name}>");
                [short, long]
                    .into_iter()
                    .find(|t| b[i..].starts_with(t.as_bytes()))
                    .map(|t| t.len())
            })
            .filter(|&n| ends_tag(b.get(i + n)))
            .or_else(|| global_tag_len(&b[i..]));
        match len {
            Some(n) if ends_tag(b.get(i + n)) => {
                let o = out.get_or_insert_with(|| b.to_vec());
                o[i..i + n].fill(b' ');
                i += n;
            }
            _ => i += 1,
        }
    }
    // Only ASCII was replaced by ASCII: still UTF-8.
    out.map(|o| String::from_utf8(o).unwrap_or_else(|_| text.to_string()))
}

/// Whether the byte after a tag ends it: a space, a line end or a flow bracket.
fn ends_tag(next: Option<&u8>) -> bool {
    next.is_none_or(|c| b" \t\r\n[{".contains(c))
}

/// The length of a global tag other than a string's at the start of `b`:
/// `!!python/object:…` or a verbatim `!<tag:example.com,2000:x>`. The YAML
/// parser resolves these to no tag at all (only local `!tags` reach the
/// typed models), so they are blanked with the standard ones and every view
/// of the file reads the same untagged value.
fn global_tag_len(b: &[u8]) -> Option<usize> {
    let n = if b.starts_with(b"!<") {
        let close = b
            .iter()
            .take_while(|c| !matches!(c, b'\n' | b'\r'))
            .position(|&c| c == b'>')?;
        close + 1
    } else if b.starts_with(b"!!") {
        2 + b[2..]
            .iter()
            .take_while(|c| !b" \t\r\n,[]{}".contains(c))
            .count()
    } else {
        return None;
    };
    let tag = &b[..n];
    let string = tag == b"!!str" || tag == b"!<tag:yaml.org,2002:str>";
    (n > 2 && !string).then_some(n)
}

/// Byte offsets of every `!` in tag position that starts a local tag
/// (`!custom`), in order: the tags the YAML parser keeps and the typed
/// models then read past. Lexical, so a `!` at
/// the start of a block-scalar line or after a comma in a quoted string is
/// found too: callers confirm with the parser before acting on it.
pub fn other_tag_candidates(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (i, _) in text.match_indices('!') {
        if !in_tag_position(b, i) || matches!(b.get(i + 1), Some(b'!' | b'<')) {
            continue;
        }
        let rest = &b[i..];
        let end = rest
            .iter()
            .position(|c| b" \t\r\n,[]{}".contains(c))
            .unwrap_or(rest.len());
        // `!` alone is the non-specific tag: a plain string, as untagged.
        if end > 1 {
            out.push(i);
        }
    }
    out
}

fn in_tag_position(b: &[u8], i: usize) -> bool {
    let mut j = i;
    while j > 0 && matches!(b[j - 1], b' ' | b'\t') {
        j -= 1;
    }
    if j == 0 || matches!(b[j - 1], b'\n' | b'\r' | b'[' | b'{' | b',') {
        return true;
    }
    // `key: !!map`, `- !!map`, `? !!map`: the indicator then whitespace.
    j < i && matches!(b[j - 1], b':' | b'-' | b'?')
}

/// Where a workflow's `#` characters stand, for readers of its raw text.
#[derive(Debug, Default)]
pub struct Hashes {
    /// The lines that start (after indentation) with `#` but lie inside a
    /// scalar: a block scalar (`run: |`, `env: >-`) or a quoted scalar that
    /// spans lines (`run: "echo` … `"`). They are content, not comments.
    /// Each range starts just after the `#` and ends at the line's end.
    pub in_scalars: Vec<Range<usize>>,
    /// The comments that follow a value on its line (`run: make # note`,
    /// `run: | # note`): a `#` after whitespace, outside quotes, block
    /// scalars and quoted scalars spanning lines. GitHub never sees that
    /// text. Each range runs from the `#` to the line's end; whole-line
    /// comments are not included.
    pub trailing: Vec<Range<usize>>,
}

/// [`Hashes`] of `text`, in one walk over its lines.
pub fn hashes(text: &str) -> Hashes {
    let mut out = Hashes::default();
    // (indentation of the line that opened the scalar, content indentation once known)
    let mut block: Option<(usize, Option<usize>)> = None;
    // The quote of a quoted scalar still open at the end of the last line.
    let mut quote: Option<u8> = None;
    let mut start = 0;
    for line in text.split_inclusive(['\n', '\r']) {
        let offset = start;
        start += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches([' ', '\t']).len();
        let rest = &body[indent..];
        let comment_at = |at: usize| offset + indent + at..offset + body.len();
        if quote.is_some() {
            if let Some(after) = rest.strip_prefix('#') {
                let from = offset + indent + 1;
                out.in_scalars.push(from..from + after.len());
            }
            let (open, comment) = scan_line(rest, quote);
            quote = open;
            out.trailing.extend(comment.map(comment_at));
            continue;
        }
        if let Some((parent, content)) = block {
            if rest.trim().is_empty() {
                continue;
            }
            let inside = match content {
                Some(ci) => indent >= ci,
                None => indent > parent,
            };
            if inside {
                block = Some((parent, content.or(Some(indent))));
                if let Some(after) = rest.strip_prefix('#') {
                    let from = offset + indent + 1;
                    out.in_scalars.push(from..from + after.len());
                }
                continue;
            }
            block = None;
        }
        if rest.starts_with('#') {
            continue;
        }
        let (open, comment) = scan_line(rest, None);
        out.trailing.extend(comment.map(comment_at));
        if opens_block_scalar(rest) {
            block = Some((indent, None));
            continue;
        }
        quote = open;
    }
    out
}

/// The quote (`"` or `'`) of a quoted scalar left open at the end of
/// `line`, given the one open at its start. A quote opens a scalar only
/// where a value can start (the line's start, after `: `, `- `, `? `, `[`,
/// `{` or `,`); a quote inside a plain scalar (`run: echo "hi"`) is text,
/// and a `#` after whitespace outside quotes starts a comment: with the
/// quote, where on the line that comment starts, if one does.
fn scan_line(line: &str, mut quote: Option<u8>) -> (Option<u8>, Option<usize>) {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match quote {
            Some(b'"') if b[i] == b'\\' => i += 1,
            Some(b'"') if b[i] == b'"' => quote = None,
            Some(b'\'') if b[i] == b'\'' => {
                if b.get(i + 1) == Some(&b'\'') {
                    i += 1;
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => {
                if b[i] == b'#' && (i == 0 || matches!(b[i - 1], b' ' | b'\t')) {
                    return (None, Some(i));
                }
                if matches!(b[i], b'"' | b'\'') && value_starts_at(b, i) {
                    quote = Some(b[i]);
                }
            }
        }
        i += 1;
    }
    (quote, None)
}

/// Whether a scalar can start at `b[i]`: only whitespace before it on the
/// line, or an indicator (`:`, `-`, `?` then whitespace; `[`, `{`, `,`).
fn value_starts_at(b: &[u8], i: usize) -> bool {
    let mut j = i;
    while j > 0 && matches!(b[j - 1], b' ' | b'\t') {
        j -= 1;
    }
    if j == 0 || matches!(b[j - 1], b'[' | b'{' | b',') {
        return true;
    }
    j < i && matches!(b[j - 1], b':' | b'-' | b'?')
}

/// Whether a line ends in a block scalar header (`key: |`, `- >-`, `|2+`),
/// a trailing comment aside.
fn opens_block_scalar(rest: &str) -> bool {
    // Drop a trailing comment: ` #` starts one outside quotes; headers hold no quotes.
    let code = match rest.find(" #") {
        Some(i) => &rest[..i],
        None => rest,
    };
    let code = code.trim_end();
    let (before, header) = code.rsplit_once([' ', '\t']).unwrap_or(("", code));
    let mut chars = header.chars();
    if !matches!(chars.next(), Some('|' | '>')) {
        return false;
    }
    let tail: String = chars.collect();
    let valid_tail = tail.len() <= 2
        && tail.chars().all(|c| matches!(c, '+' | '-' | '1'..='9'))
        && tail.chars().filter(|c| matches!(c, '+' | '-')).count() <= 1;
    let before = before.trim_end();
    valid_tail && (before.is_empty() || before.ends_with(':') || before.ends_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_comments_are_found_outside_scalars_only() {
        let text = "a: cargo build # note ${{ x }}\nb: \"q # not\" # yes\nc: | # header\n  echo # content\nd: e#f\n# whole line\n";
        let got: Vec<&str> = hashes(text)
            .trailing
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(got, ["# note ${{ x }}", "# yes", "# header"]);
    }

    #[test]
    fn a_quoted_scalar_over_lines_hides_its_hashes_until_it_closes() {
        let text = "run: \"echo a\n  # inside\n  b\" # after\n";
        let got: Vec<&str> = hashes(text)
            .trailing
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(got, ["# after"]);
    }

    #[test]
    fn standard_tags_become_spaces_of_the_same_length() {
        let t = "jobs: !!map\n  a: !!int 5\n  b: [!!bool true, !<tag:yaml.org,2002:seq> []]\n";
        let out = standard_tags_blanked(t).unwrap();
        assert_eq!(out.len(), t.len());
        let mut want = t.to_string();
        for tag in ["!!map", "!!int", "!!bool", "!<tag:yaml.org,2002:seq>"] {
            want = want.replace(tag, &" ".repeat(tag.len()));
        }
        assert_eq!(out, want);
        // Not in tag position, a string's tag, or a local tag: left alone.
        assert_eq!(standard_tags_blanked("run: echo a!!map\n"), None);
        assert_eq!(standard_tags_blanked("x: !local x\n"), None);
        // Other global tags the parser reads untagged are blanked too.
        assert_eq!(
            standard_tags_blanked("x: !!python/object x\n"),
            Some(format!("x: {} x\n", " ".repeat("!!python/object".len())))
        );
        assert_eq!(
            standard_tags_blanked("x: !!mapping\n"),
            Some(format!("x: {}\n", " ".repeat("!!mapping".len())))
        );
        assert_eq!(other_tag_candidates("a: !local x\nb: !!map\nc: ! x\n"), [3]);
        assert_eq!(standard_tags_blanked("x: !!str 5\n"), None);
    }

    #[test]
    fn hash_lines_inside_block_scalars_are_content() {
        let t = "\
jobs:
  # a real comment
  p:
    steps:
      - run: |
          # ${{ secrets.A }}
          echo
        env:
          X: >-
            #${{ secrets.B }}
      # comment again
      - run: echo # ${{ secrets.C }}
";
        let got: Vec<&str> = hashes(t).in_scalars.into_iter().map(|r| &t[r]).collect();
        assert_eq!(got, [" ${{ secrets.A }}", "${{ secrets.B }}"]);
        // CR line ends too.
        let cr = "a: |\r  # x\rb: 1\r# y\r";
        let got: Vec<&str> = hashes(cr).in_scalars.into_iter().map(|r| &cr[r]).collect();
        assert_eq!(got, [" x"]);
        // A quoted scalar spanning lines; quotes inside plain text open none.
        let q = "a: \"x\n  # ${{ A }} \\\" still\n  # B\"\nb: echo \"q\n# c\nd: 'it''s\n # D'\n";
        let got: Vec<&str> = hashes(q).in_scalars.into_iter().map(|r| &q[r]).collect();
        assert_eq!(got, [" ${{ A }} \\\" still", " B\"", " D'"]);
        assert!(opens_block_scalar("- run: |2-"));
        assert!(opens_block_scalar("key: > # folded"));
        assert!(!opens_block_scalar("key: a | b"));
        assert!(!opens_block_scalar("run: echo >"));
    }
}
