//! Byte offsets to 1-based lines and columns.

/// Maps byte offsets of one text to 1-based `(line, column)`; columns count characters.
/// Cloning shares the index (a file's text and its parsed forms use one).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: std::sync::Arc<Vec<usize>>,
    /// `(byte offset, characters before it)` every [`CHECKPOINT`] bytes, so a
    /// column on a very long line costs at most one stride of counting. Without
    /// them every link on a 30 MB single-line file would count from the line's
    /// start: quadratic, hours.
    checkpoints: std::sync::Arc<Vec<(usize, usize)>>,
}

const CHECKPOINT: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // A line break is LF, CRLF or a lone CR, as YAML and CommonMark
        // count them: a file with old Mac line ends is not one long line.
        let mut starts = vec![0];
        let b = text.as_bytes();
        // memchr's iterator finds each LF with a vectorised search and
        // little work per line (`match_indices` costs several times more on
        // the short lines of docs and workflows); CR is rare, so it is
        // looked for only when the file has one.
        if memchr::memchr(b'\r', b).is_some() {
            for (i, &c) in b.iter().enumerate() {
                if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
                    starts.push(i + 1);
                }
            }
        } else {
            starts.extend(memchr::memchr_iter(b'\n', b).map(|i| i + 1));
        }
        let mut checkpoints = vec![(0, 0)];
        let mut chars = 0;
        let mut last = 0;
        let mut next = CHECKPOINT;
        while next < text.len() {
            let mut at = next;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            chars += text[last..at].chars().count();
            checkpoints.push((at, chars));
            last = at;
            next = at + CHECKPOINT;
        }
        LineIndex {
            starts: starts.into(),
            checkpoints: checkpoints.into(),
        }
    }

    /// Characters before byte `offset` (a char boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let k = match self.checkpoints.binary_search_by(|c| c.0.cmp(&offset)) {
            Ok(k) => k,
            Err(k) => k - 1,
        };
        let (at, chars) = self.checkpoints[k];
        chars + text.get(at..offset).map_or(0, |s| s.chars().count())
    }

    /// 1-based line and column of `offset` (clamped into the text).
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = if end - start <= CHECKPOINT {
            text[start..end].chars().count() + 1
        } else {
            self.chars_before(text, end) - self.chars_before(text, start) + 1
        };
        (line + 1, column)
    }

    /// The text of 1-based `line` without its line ending, found through the
    /// index: [`line_text`] scans from the top, which is quadratic when every
    /// finding of a huge file asks for its line.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self
            .starts
            .get(line)
            .map(|next| next - 1)
            .unwrap_or(text.len());
        let l = text.get(start..end)?;
        Some(l.strip_suffix('\r').unwrap_or(l))
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// The text of 1-based `line`, without its line ending (LF, CRLF or CR).
pub fn line_text(text: &str, line: usize) -> Option<&str> {
    let want = line.checked_sub(1)?;
    let b = text.as_bytes();
    let (mut n, mut start, mut i) = (0, 0, 0);
    while i < b.len() {
        if b[i] == b'\n' || b[i] == b'\r' {
            if n == want {
                return text.get(start..i);
            }
            if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            n += 1;
            start = i + 1;
        }
        i += 1;
    }
    (n == want).then(|| &text[start..])
}

/// The deepest bracket nesting of `[`/`{` outside TOML strings and
/// comments, and the widest indentation (two spaces a level); used to refuse
/// hostile files before a recursive parser sees them.
///
/// Strings follow TOML's rules (a quote outside a string always opens one):
/// `"…"` with `\` escapes and `'…'` end at their quote or the end of the line;
/// `"""…"""` and `'''…'''` span lines and may end with up to two extra quotes.
/// A scanner that lost track of a string would stop counting the brackets
/// after it, and a hostile file could hide deep nesting there.
pub fn nesting_depth(text: &str) -> usize {
    let b = text.as_bytes();
    let n = b.len();
    let mut depth: usize = 0;
    let mut max = 0;
    let mut i = 0;
    let mut at_line_start = true;
    let mut line_indent = 0usize;
    while i < n {
        let c = b[i];
        if at_line_start {
            if c == b' ' {
                line_indent += 1;
                max = max.max(line_indent / 2);
                i += 1;
                continue;
            }
            at_line_start = false;
        }
        match c {
            b'\n' => {
                at_line_start = true;
                line_indent = 0;
                i += 1;
            }
            b'#' => i = skip_to_eol(b, i),
            b'"' | b'\'' if b[i..].starts_with(&[c, c, c]) => {
                // Multi-line string: to the closing triple (escapes only in `"""`).
                i += 3;
                while i < n {
                    if c == b'"' && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i..].starts_with(&[c, c, c]) {
                        i += 3;
                        // Up to two more quotes belong to the content.
                        let mut extra = 0;
                        while extra < 2 && i < n && b[i] == c {
                            i += 1;
                            extra += 1;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            b'"' | b'\'' => {
                i += 1;
                while i < n && b[i] != b'\n' {
                    if c == b'"' && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    if b[i - 1] == c {
                        break;
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    max
}

fn skip_to_eol(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b'\n' {
        i += 1;
    }
    i
}

/// How deeply a YAML text nests, as libyaml's scanner would see it: the
/// deepest flow nesting (`[`/`{` that really are flow indicators), and the
/// block nesting: the widest indentation of a structural line, in columns,
/// plus the block indicators written on it (`- - - x`); each column can be a
/// level for tree-sitter. Used to refuse hostile workflows before yaml_serde (whose
/// cost grows with the square of the flow depth) or tree-sitter (whose scanner
/// aborts the process past a few hundred indentation levels) see them.
///
/// It follows YAML's token rules rather than counting quotes: a quote opens a
/// string only where a token starts (`it's` and `[a', …` are plain text), `#`
/// starts a comment only after whitespace, plain scalars continue over
/// indented lines, and block scalars (`run: |`) are skipped by indentation. A
/// scanner that took a stray apostrophe for a string would stop counting and
/// let 100,000 brackets through.
pub fn yaml_nesting_depth(text: &str) -> usize {
    yaml_shape(text).depth
}

/// What the YAML pre-scan learns about a text in one linear pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YamlShape {
    /// See [`yaml_nesting_depth`].
    pub depth: usize,
    /// Items written inside flow collections (`[a, b]`, `{k: v}`): their
    /// commas and openings. tree-sitter-yaml spends ~15 µs and over 1 KB of
    /// memory on each (2.4 MB of `[a, a, …]`: 7 s, 560 MB).
    pub flow_items: usize,
    /// Mapping keys (`key:`), block or flow. yamlpath finds a key by scanning
    /// its mapping, so a finding per key of a huge mapping is quadratic
    /// (20,000 jobs: 7 s).
    pub mapping_keys: usize,
}

/// Depth and flow size of a YAML text, in one pass.
pub fn yaml_shape(text: &str) -> YamlShape {
    let mut scan = YamlScan {
        b: text.as_bytes(),
        i: 0,
        flow: 0,
        max: 0,
        flow_items: 0,
        mapping_keys: 0,
    };
    scan.run();
    YamlShape {
        depth: scan.max,
        flow_items: scan.flow_items,
        mapping_keys: scan.mapping_keys,
    }
}

struct YamlScan<'a> {
    b: &'a [u8],
    i: usize,
    flow: usize,
    max: usize,
    flow_items: usize,
    mapping_keys: usize,
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn is_space(c: u8) -> bool {
    is_blank(c) || c == b'\n' || c == b'\r'
}

fn is_flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

impl YamlScan<'_> {
    fn peek(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    /// Blank, line break or end of input at `i + k`.
    fn blankz(&self, k: usize) -> bool {
        self.peek(k).is_none_or(is_space)
    }

    fn run(&mut self) {
        let n = self.b.len();
        // Lines more indented than this belong to a block scalar or continue a
        // plain scalar: text, never structure.
        let mut text_deeper_than: Option<usize> = None;
        while self.i < n {
            let mut indent = 0;
            while self.peek(0) == Some(b' ') {
                indent += 1;
                self.i += 1;
            }
            let mut k = 0;
            while self.peek(k).is_some_and(is_blank) {
                k += 1;
            }
            let empty = self.peek(k).is_none_or(|c| c == b'\n' || c == b'\r');
            if let Some(limit) = text_deeper_than
                && (empty || indent > limit)
            {
                self.i = skip_to_eol(self.b, self.i) + 1;
                continue;
            }
            self.max = self.max.max(indent);
            text_deeper_than = self.block_line(indent);
            self.i = skip_to_eol(self.b, self.i) + 1;
        }
    }

    /// Scans the rest of a block-context line from a token start. Returns the
    /// indentation past which the following lines are text: a block scalar's
    /// content, or a plain scalar's continuation. That is the column of the
    /// innermost key or `-` on the line, as in libyaml.
    fn block_line(&mut self, indent: usize) -> Option<usize> {
        let line_start = self.i - indent;
        let mut levels = indent;
        let mut limit = indent;
        loop {
            while self.peek(0).is_some_and(is_blank) {
                self.i += 1;
            }
            let c = self.peek(0)?;
            let col = self.i - line_start;
            match c {
                b'\n' | b'\r' | b'#' | b'%' => return None,
                b'-' | b'?' if self.blankz(1) => {
                    self.i += 1;
                    levels += 1;
                    self.max = self.max.max(levels);
                    limit = col;
                }
                b':' if self.blankz(1) => {
                    self.mapping_keys += 1;
                    self.i += 1;
                }
                b'-' | b'.' if self.b[self.i..].starts_with(&[c, c, c]) && self.blankz(3) => {
                    self.i += 3;
                }
                b'[' | b'{' => self.flow_collection(),
                b'\'' | b'"' => {
                    self.quoted(c);
                    if self.next_is_value_indicator() {
                        limit = col;
                    }
                }
                b'|' | b'>' => return Some(limit),
                b'&' | b'!' | b'*' => {
                    while !self.blankz(0) {
                        self.i += 1;
                    }
                }
                _ => {
                    // A plain scalar: it ends at `: ` (it was a key) or ` #`; at
                    // the end of the line it may continue on more indented lines.
                    loop {
                        match self.peek(0) {
                            None | Some(b'\n') | Some(b'\r') => return Some(limit),
                            Some(b':') if self.blankz(1) => {
                                limit = col;
                                break;
                            }
                            Some(b) if is_blank(b) && self.peek(1) == Some(b'#') => return None,
                            _ => self.i += 1,
                        }
                    }
                }
            }
        }
    }

    /// Whether `: ` follows (after blanks): the scalar just read was a key.
    fn next_is_value_indicator(&self) -> bool {
        let mut k = 0;
        while self.peek(k).is_some_and(is_blank) {
            k += 1;
        }
        self.peek(k) == Some(b':') && self.blankz(k + 1)
    }

    /// A quoted scalar starting at `i`, possibly over several lines.
    fn quoted(&mut self, q: u8) {
        self.i += 1;
        while let Some(c) = self.peek(0) {
            self.i += 1;
            if q == b'"' && c == b'\\' {
                self.i += 1;
            } else if c == q {
                if q == b'\'' && self.peek(0) == Some(b'\'') {
                    self.i += 1;
                } else {
                    return;
                }
            }
        }
    }

    /// A flow collection starting at `i` (`[` or `{`), to its matching end.
    fn flow_collection(&mut self) {
        let base = self.flow;
        let mut token_start = true;
        let mut after_blank = true;
        while let Some(c) = self.peek(0) {
            let blank = is_space(c);
            match c {
                b'[' | b'{' => {
                    self.flow += 1;
                    self.flow_items += 1;
                    self.max = self.max.max(self.flow);
                    self.i += 1;
                    token_start = true;
                }
                b']' | b'}' => {
                    self.flow = self.flow.saturating_sub(1);
                    self.i += 1;
                    if self.flow <= base {
                        return;
                    }
                    token_start = false;
                }
                b',' => {
                    self.flow_items += 1;
                    self.i += 1;
                    token_start = true;
                }
                _ if blank => self.i += 1,
                b'#' if after_blank => self.i = skip_to_eol(self.b, self.i),
                b':' if !token_start
                    || self.blankz(1)
                    || self.peek(1).is_some_and(is_flow_indicator) =>
                {
                    self.mapping_keys += 1;
                    self.i += 1;
                    token_start = true;
                }
                b'?' if self.blankz(1) => {
                    self.i += 1;
                    token_start = true;
                }
                b'\'' | b'"' if token_start => {
                    self.quoted(c);
                    token_start = false;
                }
                b'&' | b'!' | b'*' if token_start => {
                    while !self.blankz(0) && !self.peek(0).is_some_and(is_flow_indicator) {
                        self.i += 1;
                    }
                }
                _ => {
                    // A plain scalar: to a flow indicator, `: `, or ` #`; it
                    // continues over line breaks.
                    self.i += 1;
                    while let Some(p) = self.peek(0) {
                        if is_flow_indicator(p)
                            || (p == b':'
                                && (self.blankz(1) || self.peek(1).is_some_and(is_flow_indicator)))
                        {
                            break;
                        }
                        if is_space(p) {
                            let mut k = 0;
                            while self.peek(k).is_some_and(is_space) {
                                k += 1;
                            }
                            if self.peek(k) == Some(b'#') {
                                break;
                            }
                        }
                        self.i += 1;
                    }
                    token_start = false;
                }
            }
            after_blank = blank;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_cr_crlf_and_lf_each_end_one_line() {
        for text in ["a\nb\nc", "a\r\nb\r\nc", "a\rb\rc", "a\r\nb\rc", "a\rb\nc"] {
            let idx = LineIndex::new(text);
            assert_eq!(idx.line_count(), 3, "{text:?}");
            let c = text.rfind('c').unwrap();
            assert_eq!(idx.position(text, c), (3, 1), "{text:?}");
            for (n, want) in [(1, "a"), (2, "b"), (3, "c")] {
                assert_eq!(idx.line(text, n), Some(want), "{text:?}");
                assert_eq!(line_text(text, n), Some(want), "{text:?}");
            }
        }
        assert_eq!(line_text("", 1), Some(""));
        assert_eq!(line_text("a\n", 2), Some(""));
        assert_eq!(line_text("a\n", 3), None);
    }

    #[test]
    fn positions_are_one_based() {
        let t = "ab\ncdé\nf";
        let ix = LineIndex::new(t);
        assert_eq!(ix.position(t, 0), (1, 1));
        assert_eq!(ix.position(t, 3), (2, 1));
        assert_eq!(ix.position(t, 7), (2, 4));
        assert_eq!(ix.position(t, 8), (3, 1));
        assert_eq!(line_text(t, 2), Some("cdé"));
        for n in 0..5 {
            assert_eq!(ix.line(t, n), line_text(t, n), "line {n}");
        }
        let crlf = "a\r\nb\r\n";
        let ix = LineIndex::new(crlf);
        for n in 0..4 {
            assert_eq!(ix.line(crlf, n), line_text(crlf, n), "line {n}");
        }
    }

    #[test]
    fn columns_on_long_lines_count_characters() {
        let t = format!("x\n{}{}", "é".repeat(10_000), "a".repeat(10_000));
        let ix = LineIndex::new(&t);
        assert_eq!(ix.position(&t, 2 + 20_000), (2, 10_001));
        assert_eq!(ix.position(&t, 2 + 20_000 + 5_000), (2, 15_001));
        assert_eq!(ix.position(&t, t.len()), (2, 20_001));
    }

    #[test]
    fn text_file_lines_by_index() {
        let t = "one\r\ntwo\n\nfour";
        let tf = crate::repo::TextFile::new(t);
        assert_eq!(tf.line(1), Some("one"));
        assert_eq!(tf.line(2), Some("two"));
        assert_eq!(tf.line(3), Some(""));
        assert_eq!(tf.line(4), Some("four"));
        assert_eq!(tf.line(5), None);
        assert_eq!(tf.line(0), None);
    }

    #[test]
    fn nesting_counts_brackets_outside_strings() {
        assert_eq!(nesting_depth("a: [[1], {b: 2}]"), 2);
        assert_eq!(nesting_depth("a: '[[[['"), 0);
        assert_eq!(nesting_depth(&"[".repeat(500)), 500);
        // TOML multi-line strings do not blind the scan.
        let hidden = format!("x = '''\nit's\n'''\na = {}", "[".repeat(50));
        assert_eq!(nesting_depth(&hidden), 50);
        let hidden = format!("x = \"\"\"a\"\"\"\"\nb = {}", "[".repeat(50));
        assert_eq!(nesting_depth(&hidden), 50);
    }

    #[test]
    fn yaml_depth_follows_token_rules() {
        let deep = "[".repeat(300);
        for prefix in [
            "name: it's\n",
            "on: [a', ",
            "on: [a#b, ",
            "run: |\n  '\n  \"\n",
            "name: foo\n  [ 'x\n",
            "x: 'a''b'\n",
            "x: \"a\\\"b\"\n",
            "k: {a: 'x', b: \"y\"}\n",
            "# it's a comment\n",
            "on: [a\n  'b, ",
            "on: [a:'x, ",
            "- name: foo\n  run: bar\n",
            "- name: foo\n",
            "steps:\n  - run: |\n      '\n",
        ] {
            let t = format!("{prefix}on: {deep}");
            let d = yaml_nesting_depth(&t);
            assert!(d >= 300, "{prefix:?}: {d}");
        }
        assert_eq!(
            yaml_nesting_depth("on: push\njobs:\n  a:\n    steps: [x, {y: z}]\n"),
            4
        );
        // A sibling key after `- name: x` is structure, not a continuation.
        let t = format!("- name: foo\n  run: {deep}\n");
        assert!(yaml_nesting_depth(&t) >= 300);
        // Script lines deeper than their key are text.
        let t = format!("run: |\n{}x\n", " ".repeat(300));
        assert_eq!(yaml_nesting_depth(&t), 0);
        assert_eq!(yaml_nesting_depth("run: |\n  [[[[[[\n"), 0);
        assert_eq!(yaml_nesting_depth("run: echo '[[[['\n"), 0);
        assert_eq!(yaml_nesting_depth("x: \"[[[[\"\n"), 0);
        assert_eq!(yaml_nesting_depth("x: [\"[[[[\", '{{']\n"), 1);
        assert_eq!(yaml_nesting_depth("x: ${{ github.ref }}\n"), 0);
        assert!(yaml_nesting_depth(&format!("{}x\n", "- ".repeat(300))) >= 300);
        assert_eq!(
            yaml_shape("on: [push, pull_request]\nx: {a: [1, 2]}\n").flow_items,
            5
        );
        assert_eq!(yaml_shape("run: echo a, b, [c]\n").flow_items, 0);
        assert_eq!(yaml_shape("a: 1\nb:\n  c: {d: 2}\n").mapping_keys, 4);
    }
}
