//! Locating a route in a workflow's text without building a syntax tree.
//!
//! Findings point at the key or value they are about. The location tree
//! (yamlpath over tree-sitter-yaml) answers every route in every YAML shape,
//! but building it costs about 300 instructions per byte of YAML and 25
//! bytes of memory per byte, and a workflow with one finding pays for the
//! whole file: on the benchmark tree it was a sixth of the run's CPU.
//!
//! Almost every workflow is written in YAML's block style: keys at the
//! start of their lines, nested by indentation, scalars on one line or in
//! `|` / `>` blocks. This module answers a route in that style by reading
//! the lines on the way to it, and gives the byte span yamlpath would give
//! (its `query_exact`, `query_pretty` and `query_key_only` modes). Wherever
//! the text leaves that style on the way (a flow collection the route goes
//! into, an anchor, an alias, a tag, a quoted or plain scalar over several
//! lines, a key that is not a plain or simply quoted word, a tab, a second
//! document) it answers [`Answer::Unsure`], and the caller asks the
//! location tree. The two are compared on every workflow of the local
//! corpora by `examples/locate_diff.rs`.

use super::Key;

/// Longer texts go to the location tree: each route costs this reader up
/// to the file's lines.
pub const MAX_LINES: usize = 5_000;

/// What yamlpath's query modes return for a route ending in a key: the
/// value alone, the whole `key: value` pair, or the key alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Exact,
    Pretty,
    KeyOnly,
}

/// The answer to one query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The byte span yamlpath gives.
    Found(usize, usize),
    /// The key is there with no value: yamlpath's exact query gives `None`.
    NoValue,
    /// The route is not in the file (yamlpath gives an error).
    Missing,
    /// The text leaves the block style on the way: ask the location tree.
    Unsure,
}

/// Where each line of a workflow starts, for a text this module reads.
pub struct Index {
    starts: Vec<usize>,
}

/// A workflow's text and its [`Index`], to ask routes of.
pub struct Lines<'t> {
    text: &'t str,
    /// Byte offset where each line starts.
    starts: &'t [usize],
}

/// A node the route reached: where its value is, as far as this module
/// understands it.
#[derive(Clone, Copy, Debug)]
enum Node {
    /// A block mapping whose keys start at `col`, the first on line
    /// `line` at byte `first`.
    Map {
        line: usize,
        col: usize,
        first: usize,
    },
    /// A block sequence whose dashes are at `col`, the first on `line`.
    Seq { line: usize, col: usize },
    /// A scalar (or a flow collection the route ends on) at `start..end`.
    Leaf { start: usize, end: usize },
    /// A `|` or `>` block scalar whose header starts at `start`, owned by
    /// a key or dash at column `parent`.
    Block {
        start: usize,
        line: usize,
        parent: usize,
    },
}

/// A key of a block mapping and its value.
struct Pair {
    key_start: usize,
    key_end: usize,
    /// `None`: the key has no value.
    value: Option<Node>,
    /// End of `key:` (for a pair with no value).
    colon_end: usize,
}

type Step<T> = Result<T, Answer>;

impl Index {
    /// `None` for a text this module never reads: a tab in any line's
    /// indentation, document markers, directives, carriage returns. Anchors,
    /// aliases and tags are refused where a route meets them.
    pub fn new(text: &str) -> Option<Index> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        if text.ends_with('\n') {
            starts.pop();
        }
        if starts.len() > MAX_LINES {
            return None;
        }
        let index = Index { starts };
        let lines = index.view(text);
        for n in 0..lines.starts.len() {
            let line = lines.raw(n);
            let body = line.trim_start_matches(' ');
            if body.starts_with('\t')
                || line.starts_with("---")
                || line.starts_with("...")
                || line.starts_with('%')
                || line.contains('\r')
            {
                return None;
            }
        }
        Some(index)
    }

    /// The index with the text it was built from.
    pub fn view<'t>(&'t self, text: &'t str) -> Lines<'t> {
        Lines {
            text,
            starts: &self.starts,
        }
    }
}

impl<'t> Lines<'t> {
    fn len(&self) -> usize {
        self.starts.len()
    }

    /// Line `n` without its newline.
    fn raw(&self, n: usize) -> &'t str {
        let start = self.starts[n];
        let end = self
            .starts
            .get(n + 1)
            .map(|s| s - 1)
            .unwrap_or(self.text.len() - usize::from(self.text.ends_with('\n')));
        let end = end.max(start);
        &self.text[start..end]
    }

    fn indent(&self, n: usize) -> usize {
        let l = self.raw(n);
        l.len() - l.trim_start_matches(' ').len()
    }

    /// Whether line `n`'s content is a sequence item's dash.
    fn starts_item(&self, n: usize) -> bool {
        is_dash(self.raw(n).trim_start_matches(' '))
    }

    /// Blank, or only a comment.
    fn is_empty_line(&self, n: usize) -> bool {
        let b = self.raw(n).trim_start_matches(' ');
        b.is_empty() || b.starts_with('#')
    }

    /// The next line at or after `n` with content.
    fn next_content(&self, mut n: usize) -> Option<usize> {
        while n < self.len() {
            if !self.is_empty_line(n) {
                return Some(n);
            }
            n += 1;
        }
        None
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The answer for `route` in `mode`.
    pub fn query(&self, route: &[Key<'_>], mode: Mode) -> Answer {
        match self.query_inner(route, mode) {
            Ok(a) | Err(a) => a,
        }
    }

    fn query_inner(&self, route: &[Key<'_>], mode: Mode) -> Step<Answer> {
        let Some(first) = self.next_content(0) else {
            return Err(Answer::Unsure);
        };
        let mut node = self.node_at_line_start(first, None)?;
        let mut last_pair: Option<Pair> = None;
        for (i, key) in route.iter().enumerate() {
            let last = i + 1 == route.len();
            match (*key, node) {
                (Key::K(want), Node::Map { .. }) => {
                    let pair = self.find_key(node, want)?;
                    match pair.value {
                        Some(v) => node = v,
                        None if last => {
                            return Ok(match mode {
                                Mode::Exact => Answer::NoValue,
                                Mode::Pretty => Answer::Found(pair.key_start, pair.colon_end),
                                Mode::KeyOnly => Answer::Found(pair.key_start, pair.key_end),
                            });
                        }
                        None => return Err(Answer::Unsure),
                    }
                    last_pair = Some(pair);
                }
                (Key::I(idx), Node::Seq { .. }) => {
                    node = self.nth_item(node, idx)?;
                    last_pair = None;
                }
                (_, Node::Leaf { .. } | Node::Block { .. }) => return Err(Answer::Unsure),
                // A key asked of a sequence, an index of a mapping: yamlpath
                // refuses the route.
                _ => return Ok(Answer::Missing),
            }
        }
        let (start, end) = self.span(node)?;
        Ok(match (mode, last_pair) {
            (Mode::Exact, _) => Answer::Found(start, end),
            (Mode::Pretty, Some(p)) => Answer::Found(p.key_start, end),
            (Mode::KeyOnly, Some(p)) => Answer::Found(p.key_start, p.key_end),
            (Mode::Pretty, None) => Answer::Found(start, end),
            (Mode::KeyOnly, None) => return Err(Answer::Unsure),
        })
    }

    /// The comments on the lines of the value at `route` (each from its
    /// `#`), when the value is on one line; `None` when unsure.
    pub fn comments(&self, route: &[Key<'_>]) -> Option<Option<Vec<(usize, usize)>>> {
        match self.query(route, Mode::Exact) {
            Answer::Found(start, end) => {
                let n = self.line_of(start);
                if self.line_of(end.saturating_sub(1).max(start)) != n {
                    return None;
                }
                // A collection on one line spans its own trailing comment;
                // only a scalar's comment is read here.
                if self.text.get(start..end)?.contains('#') {
                    return None;
                }
                let line_start = self.starts[n];
                let line = self.raw(n);
                let rest = line.get(end.checked_sub(line_start)?..)?;
                let after = rest.trim_start_matches([' ', '\t']);
                if after.is_empty() {
                    return Some(Some(Vec::new()));
                }
                if after.starts_with('#') {
                    let at = line_start + (line.len() - after.len());
                    return Some(Some(vec![(at, line_start + line.len())]));
                }
                None
            }
            Answer::NoValue | Answer::Missing => Some(None),
            Answer::Unsure => None,
        }
    }

    /// The node whose content starts at the first non-space byte of line
    /// `n` (or at `from`, a byte offset inside it after a `- `).
    fn node_at_line_start(&self, n: usize, from: Option<usize>) -> Step<Node> {
        let line_start = self.starts[n];
        let at = match from {
            Some(a) => a,
            None => line_start + self.indent(n),
        };
        let col = at - line_start;
        let rest = &self.text[at..line_start + self.raw(n).len()];
        if is_dash(rest) {
            return Ok(Node::Seq { line: n, col });
        }
        if self.key_at(n, col).is_some() {
            return Ok(Node::Map {
                line: n,
                col,
                first: at,
            });
        }
        Err(Answer::Unsure)
    }

    /// The key written at column `col` of line `n`: (start, end, text,
    /// where its value starts on the line).
    fn key_at(&self, n: usize, col: usize) -> Option<(usize, usize, &'t str, usize)> {
        let line = self.raw(n);
        let line_start = self.starts[n];
        let rest = line.get(col..)?;
        let first = rest.bytes().next()?;
        let (key_len, text) = match first {
            b'"' | b'\'' => {
                let close = rest[1..].find(first as char)? + 1;
                let inner = &rest[1..close];
                if inner.contains('\\') || rest[close + 1..].starts_with(first as char) {
                    return None;
                }
                if !rest[close + 1..].starts_with(':') {
                    return None;
                }
                (close + 1, inner)
            }
            b'[' | b'{' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'?' | b'-'
            | b'#' | b',' | b']' | b'}' | b':' => return None,
            _ => {
                let colon = find_key_colon(rest)?;
                let key = rest[..colon].trim_end_matches([' ', '\t']);
                if key.contains(" #") || key.contains('\t') {
                    return None;
                }
                (key.len(), key)
            }
        };
        let after_key = &rest[key_len..];
        let colon_off = after_key.find(':')?;
        if !after_key[..colon_off].trim().is_empty() {
            return None;
        }
        let value_from = col + key_len + colon_off + 1;
        let next = line.as_bytes().get(value_from);
        if next.is_some_and(|b| *b != b' ' && *b != b'\t') {
            return None;
        }
        Some((
            line_start + col,
            line_start + col + key_len,
            text,
            line_start + value_from,
        ))
    }

    /// The pair of `map` whose key is `want`.
    fn find_key(&self, map: Node, want: &str) -> Step<Pair> {
        let Node::Map { line, col, .. } = map else {
            return Err(Answer::Unsure);
        };
        let mut n = line;
        loop {
            let Some((ks, ke, text, vfrom)) = self.key_at(n, col) else {
                return Err(Answer::Unsure);
            };
            if text == want {
                let (value, _) = self.value_after(n, vfrom, col)?;
                return Ok(Pair {
                    key_start: ks,
                    key_end: ke,
                    value,
                    colon_end: vfrom,
                });
            }
            // The next key of this mapping: the next content line at `col`.
            match self.next_pair(n, vfrom, col) {
                Some(m) => n = m,
                None => return Err(Answer::Missing),
            }
        }
    }

    /// The first line after the value of the key (or dash) at column
    /// `owner` on line `n`, without reading the value: the next line with
    /// content at `owner` or less (a value's own lines are deeper, its
    /// comments and blank lines do not count), where a dash at `owner`
    /// still belongs to a value that starts below its key (`compact`).
    fn extent(&self, n: usize, owner: usize, compact: bool) -> usize {
        let mut m = n + 1;
        while m < self.len() {
            if !self.is_empty_line(m) {
                let ind = self.indent(m);
                let dash = compact && ind == owner && self.starts_item(m);
                if ind <= owner && !dash {
                    return m;
                }
            }
            m += 1;
        }
        self.len()
    }

    /// The line of the key after the one on line `n` (whose value starts
    /// at byte `vfrom`) in the mapping at column `col`; `None` at its end.
    fn next_pair(&self, n: usize, vfrom: usize, col: usize) -> Option<usize> {
        let line = self.raw(n);
        let rest = line.get(vfrom - self.starts[n]..).unwrap_or("");
        let body = rest.trim_start_matches([' ', '\t']);
        let compact = body.is_empty() || body.starts_with('#');
        let m = self.extent(n, col, compact);
        (m < self.len() && self.indent(m) == col).then_some(m)
    }

    /// The line of the item after the one on line `n` in the sequence
    /// whose dashes are at column `col`; `None` at its end.
    fn next_item(&self, n: usize, col: usize) -> Option<usize> {
        let m = self.extent(n, col, false);
        (m < self.len() && self.indent(m) == col && self.starts_item(m)).then_some(m)
    }

    /// The value of a key (or dash) at column `owner` on line `n` whose
    /// value starts at byte `from` on that line, and the first line after
    /// the value.
    fn value_after(&self, n: usize, from: usize, owner: usize) -> Step<(Option<Node>, usize)> {
        let line_start = self.starts[n];
        let line = self.raw(n);
        let rest = &line[from - line_start..];
        let body = rest.trim_start_matches([' ', '\t']);
        let at = line_start + line.len() - body.len();
        if body.is_empty() || body.starts_with('#') {
            // The value, if any, is on the lines below.
            let Some(m) = self.next_content(n + 1) else {
                return Ok((None, self.len()));
            };
            let ind = self.indent(m);
            if ind > owner || (ind == owner && self.starts_item(m)) {
                let node = self.node_at_line_start(m, None)?;
                let end = self.end_line_of(node)?;
                return Ok((Some(node), end));
            }
            return Ok((None, n + 1));
        }
        let c = body.as_bytes()[0];
        if c == b'|' || c == b'>' {
            let header = body.split(" #").next().unwrap_or(body).trim_end();
            if !header[1..].bytes().all(|b| b == b'-' || b == b'+') {
                return Err(Answer::Unsure);
            }
            let node = Node::Block {
                start: at,
                line: n,
                parent: owner,
            };
            return Ok((Some(node), self.end_line_of(node)?));
        }
        // The rest are scalars (or a flow collection the route ends on) on
        // this one line; how long each is written differs.
        let len = match c {
            b'"' | b'\'' => {
                let end = quoted_end(body).ok_or(Answer::Unsure)?;
                let after = body[end..].trim_start_matches([' ', '\t']);
                if !(after.is_empty() || after.starts_with('#')) {
                    return Err(Answer::Unsure);
                }
                end
            }
            b'[' | b'{' => {
                let close = if c == b'[' { ']' } else { '}' };
                let content = body.trim_end_matches([' ', '\t']);
                if body.contains(['"', '\'', '#']) || !content.ends_with(close) {
                    return Err(Answer::Unsure);
                }
                content.len()
            }
            b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b'?' => return Err(Answer::Unsure),
            b'-' if is_dash(body) => return Err(Answer::Unsure),
            _ => {
                // A plain scalar: it ends before ` #` or at the line's end.
                if body.contains(": ") || body.ends_with(':') {
                    return Err(Answer::Unsure);
                }
                let content = match body.find(" #").or_else(|| body.find("\t#")) {
                    Some(i) => &body[..i],
                    None => body,
                };
                content.trim_end_matches([' ', '\t']).len()
            }
        };
        self.single_line(n, owner)?;
        Ok((
            Some(Node::Leaf {
                start: at,
                end: at + len,
            }),
            n + 1,
        ))
    }

    /// A scalar on line `n` owned at column `owner` must not go on over
    /// the next lines (a plain or quoted scalar may): unsure if it may.
    fn single_line(&self, n: usize, owner: usize) -> Step<()> {
        match self.next_content(n + 1) {
            Some(m) if self.indent(m) > owner => Err(Answer::Unsure),
            _ => Ok(()),
        }
    }

    /// The first line after `node`.
    fn end_line_of(&self, node: Node) -> Step<usize> {
        match node {
            Node::Leaf { end, .. } => Ok(self.line_of(end.max(1) - 1) + 1),
            Node::Block { line, parent, .. } => {
                // Content lines are blank or indented at least as deep as
                // the first content line, which is deeper than the owner.
                let mut last = line;
                let mut content_indent = None;
                let mut m = line + 1;
                while m < self.len() {
                    if self.raw(m).trim_matches(' ').is_empty() {
                        m += 1;
                        continue;
                    }
                    let ind = self.indent(m);
                    let min = *content_indent.get_or_insert(ind);
                    if ind <= parent || ind < min {
                        break;
                    }
                    last = m;
                    m += 1;
                }
                Ok(last + 1)
            }
            Node::Map { line, col, .. } => {
                let mut n = line;
                loop {
                    let (_, _, _, vfrom) = self.key_at(n, col).ok_or(Answer::Unsure)?;
                    match self.next_pair(n, vfrom, col) {
                        Some(m) => n = m,
                        None => {
                            let body = self.raw(n).get(vfrom - self.starts[n]..).unwrap_or("");
                            let body = body.trim_start_matches([' ', '\t']);
                            let compact = body.is_empty() || body.starts_with('#');
                            return Ok(self.extent(n, col, compact));
                        }
                    }
                }
            }
            Node::Seq { line, col } => {
                let mut n = line;
                while let Some(m) = self.next_item(n, col) {
                    n = m;
                }
                Ok(self.extent(n, col, false))
            }
        }
    }

    /// The item whose dash is at column `col` of line `n`, and the first
    /// line after it.
    fn item(&self, n: usize, col: usize) -> Step<(Node, usize)> {
        let line_start = self.starts[n];
        let line = self.raw(n);
        let after_dash = &line[col + 1..];
        let body = after_dash.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') || body.starts_with('\t') {
            return Err(Answer::Unsure);
        }
        let at = line_start + line.len() - body.len();
        let inner_col = at - line_start;
        if is_dash(body) {
            return Err(Answer::Unsure);
        }
        if self.key_at(n, inner_col).is_some() {
            let node = Node::Map {
                line: n,
                col: inner_col,
                first: at,
            };
            let end = self.end_line_of(node)?;
            return Ok((node, end));
        }
        match self.value_after(n, line_start + col + 1, col)? {
            (Some(node), end) => Ok((node, end)),
            (None, _) => Err(Answer::Unsure),
        }
    }

    /// Item `idx` of the sequence `seq`.
    fn nth_item(&self, seq: Node, idx: usize) -> Step<Node> {
        let Node::Seq { line, col } = seq else {
            return Err(Answer::Unsure);
        };
        let mut n = line;
        for _ in 0..idx {
            n = self.next_item(n, col).ok_or(Answer::Missing)?;
        }
        Ok(self.item(n, col)?.0)
    }

    /// The byte span of `node`, as tree-sitter-yaml gives its node.
    fn span(&self, node: Node) -> Step<(usize, usize)> {
        match node {
            Node::Leaf { start, end } => Ok((start, end)),
            Node::Block { start, line, .. } => {
                let after = self.end_line_of(node)?;
                let last = after - 1;
                if last == line {
                    // A header with no content line.
                    return Err(Answer::Unsure);
                }
                // At the end of the file the scalar takes the rest of it,
                // final newline and blank lines included.
                let end = if self.next_content(after).is_none()
                    && (after..self.len()).all(|m| self.raw(m).trim_matches(' ').is_empty())
                {
                    self.text.len()
                } else {
                    self.starts[last] + self.raw(last).trim_end_matches(' ').len()
                };
                Ok((start, end))
            }
            Node::Map { first, .. } => Ok((first, self.last_value_end(node)?)),
            Node::Seq { line, col } => Ok((self.starts[line] + col, self.last_value_end(node)?)),
        }
    }

    /// Where a block collection whose last value ends at `end` ends:
    /// tree-sitter-yaml closes it only at the next line with content, so
    /// the comments before that line (the one after the value on its own
    /// line, then comment lines) are inside it; blank lines are not.
    fn past_comments(&self, end: usize) -> usize {
        let n = self.line_of(end);
        let line_start = self.starts[n];
        let line = self.raw(n);
        let mut out = end;
        if let Some(rest) = line.get(end - line_start..) {
            let after = rest.trim_start_matches([' ', '\t']);
            if after.starts_with('#') {
                out = line_start + line.len();
            }
        }
        let mut m = n + 1;
        while m < self.len() {
            let b = self.raw(m).trim_start_matches(' ');
            if b.starts_with('#') {
                out = self.starts[m] + self.raw(m).len();
            } else if !b.trim().is_empty() {
                return out;
            }
            m += 1;
        }
        // The last collection of the file closes at its very end.
        self.text.len()
    }

    /// The end of the last value written in `node`.
    fn last_value_end(&self, node: Node) -> Step<usize> {
        match node {
            Node::Leaf { end, .. } => Ok(end),
            Node::Block { .. } => Ok(self.span(node)?.1),
            Node::Map { line, col, .. } => {
                let mut n = line;
                loop {
                    let (_, _, _, vfrom) = self.key_at(n, col).ok_or(Answer::Unsure)?;
                    if let Some(m) = self.next_pair(n, vfrom, col) {
                        n = m;
                        continue;
                    }
                    let (value, _) = self.value_after(n, vfrom, col)?;
                    let end = match value {
                        Some(v) => self.last_value_end(v)?,
                        None => vfrom,
                    };
                    return Ok(self.past_comments(end));
                }
            }
            Node::Seq { line, col } => {
                let mut n = line;
                while let Some(m) = self.next_item(n, col) {
                    n = m;
                }
                let (item, _) = self.item(n, col)?;
                Ok(self.past_comments(self.last_value_end(item)?))
            }
        }
    }
}

/// Whether `s` starts with a sequence item's dash (`-` alone or `- `).
fn is_dash(s: &str) -> bool {
    s == "-" || s.starts_with("- ")
}

/// Where the `:` that ends a plain key is: the first one followed by a
/// space, a tab or the end of the line.
fn find_key_colon(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'#' && i > 0 && (b[i - 1] == b' ' || b[i - 1] == b'\t') {
            return None;
        }
        if b[i] == b':' && (i + 1 == b.len() || b[i + 1] == b' ' || b[i + 1] == b'\t') {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The length of the quoted scalar `s` starts with, through its closing
/// quote, when it closes on this line and holds no escapes.
fn quoted_end(s: &str) -> Option<usize> {
    let q = s.as_bytes()[0];
    let b = s.as_bytes();
    let mut i = 1;
    while i < b.len() {
        if q == b'"' && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q {
            if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// How this reader and the location tree compare on one text: every route
/// of the text (one missing key per mapping, one index past each sequence)
/// in every mode, and the comments of each. For `examples/locate_diff.rs`
/// and the tests.
#[doc(hidden)]
pub enum Compared {
    /// yaml_serde or tree-sitter refuses the text.
    Unparsed,
    /// [`Index::new`] refuses the text: every route goes to the tree.
    NotBlockStyle,
    Done {
        /// Answers this reader gave that equal the tree's.
        agree: usize,
        /// Questions this reader left to the tree.
        unsure: usize,
        /// Answers that differ, described.
        differ: Vec<String>,
    },
}

#[doc(hidden)]
pub fn compare_with_tree(text: &str) -> Compared {
    use yamlpath::{Component, Document, Route};
    let Ok(value) = yaml_serde::from_str::<yaml_serde::Value>(text) else {
        return Compared::Unparsed;
    };
    let Ok(doc) = Document::new(text.to_string()) else {
        return Compared::Unparsed;
    };
    let Some(index) = Index::new(text) else {
        return Compared::NotBlockStyle;
    };
    let lines = index.view(text);
    let mut all = Vec::new();
    every_route(&value, &mut Vec::new(), &mut all);
    let (mut agree, mut unsure, mut differ) = (0, 0, Vec::new());
    let span =
        |f: yamlpath::Feature<'_>| Answer::Found(f.location.byte_span.0, f.location.byte_span.1);
    for r in all {
        let keys: Vec<Key<'_>> = r
            .iter()
            .map(|s| match s {
                RouteStep::Key(k) => Key::K(k),
                RouteStep::Index(i) => Key::I(*i),
            })
            .collect();
        let comps: Vec<Component<'_>> = r
            .iter()
            .map(|s| match s {
                RouteStep::Key(k) => Component::Key(k.as_str().into()),
                RouteStep::Index(i) => Component::Index(*i),
            })
            .collect();
        let route = Route::from(comps);
        for mode in [Mode::Exact, Mode::Pretty, Mode::KeyOnly] {
            if mode == Mode::KeyOnly && !matches!(keys.last(), Some(Key::K(_))) {
                continue;
            }
            let tree = match mode {
                Mode::Exact => match doc.query_exact(&route) {
                    Ok(Some(f)) => span(f),
                    Ok(None) => Answer::NoValue,
                    Err(_) => Answer::Missing,
                },
                Mode::Pretty => doc.query_pretty(&route).map_or(Answer::Missing, span),
                Mode::KeyOnly => doc.query_key_only(&route).map_or(Answer::Missing, span),
            };
            match lines.query(&keys, mode) {
                Answer::Unsure => unsure += 1,
                fast if fast == tree => agree += 1,
                fast => differ.push(format!("{r:?} {mode:?}: {fast:?}, the tree {tree:?}")),
            }
        }
        match lines.comments(&keys) {
            None => unsure += 1,
            Some(fast) => {
                let tree: Option<Vec<(usize, usize)>> = match doc.query_exact(&route) {
                    Ok(Some(f)) => Some(
                        doc.feature_comments(&f)
                            .iter()
                            .map(|c| c.location.byte_span)
                            .collect(),
                    ),
                    _ => None,
                };
                if fast == tree {
                    agree += 1;
                } else {
                    differ.push(format!("{r:?} comments: {fast:?}, the tree {tree:?}"));
                }
            }
        }
    }
    Compared::Done {
        agree,
        unsure,
        differ,
    }
}

/// One step of a route [`compare_with_tree`] asks.
#[derive(Clone, Debug)]
enum RouteStep {
    Key(String),
    Index(usize),
}

/// Every route of `v`, with one missing key per mapping and one index past
/// the end of each sequence. Deeper than 10 levels is not asked.
fn every_route(v: &yaml_serde::Value, prefix: &mut Vec<RouteStep>, out: &mut Vec<Vec<RouteStep>>) {
    out.push(prefix.clone());
    if prefix.len() > 10 {
        return;
    }
    match v {
        yaml_serde::Value::Mapping(m) => {
            for (k, val) in m {
                if let Some(k) = k.as_str() {
                    prefix.push(RouteStep::Key(k.to_string()));
                    every_route(val, prefix, out);
                    prefix.pop();
                }
            }
            prefix.push(RouteStep::Key("not-a-key-here".into()));
            out.push(prefix.clone());
            prefix.pop();
        }
        yaml_serde::Value::Sequence(s) => {
            for (i, val) in s.iter().enumerate() {
                prefix.push(RouteStep::Index(i));
                every_route(val, prefix, out);
                prefix.pop();
            }
            prefix.push(RouteStep::Index(s.len()));
            out.push(prefix.clone());
            prefix.pop();
        }
        yaml_serde::Value::Tagged(t) => every_route(&t.value, prefix, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asks every route of `text` of both readers; returns how many
    /// answers this reader gave. Panics where the two disagree.
    fn agree_with_tree(text: &str) -> usize {
        match compare_with_tree(text) {
            Compared::Done { agree, differ, .. } => {
                assert!(differ.is_empty(), "{differ:#?}");
                agree
            }
            Compared::Unparsed => panic!("not YAML"),
            Compared::NotBlockStyle => panic!("not block style"),
        }
    }

    const SHAPES: &str = "\
name: release   # trailing comment
on:
  push:
    tags: ['v*']
  workflow_dispatch:
permissions:
  contents: read # why
\"quoted key\": 'a value'
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      TOKEN: ${{ secrets.TOKEN }}   
      EMPTY:
    steps:
    - uses: actions/checkout@0123456789abcdef0123456789abcdef01234567 # v4.2.2
    - name: Build
      run: |
        make build
        # a shell comment, not a YAML one

      # a YAML comment after the block
    - run: >-
        folded
        text   
      with:
        a: \"x # not a comment\"
        b: 'it''s'

    # between steps
    - { uses: flow/step@v1 }
  publish:
    needs: [build]
    steps:
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
      # trailing comment in the sequence

# the end
";

    #[test]
    fn answers_what_the_location_tree_answers() {
        let answered = agree_with_tree(SHAPES);
        assert!(answered > 150, "only {answered} answers");
    }

    #[test]
    fn a_block_scalar_at_the_end_of_the_file_takes_the_rest() {
        let text =
            "jobs:\n  a:\n    steps:\n      - run: |\n          one\n          two   \n\n   \n";
        assert!(agree_with_tree(text) > 10);
        let lines_index = Index::new(text).unwrap();
        let lines = lines_index.view(text);
        let route = [
            Key::K("jobs"),
            Key::K("a"),
            Key::K("steps"),
            Key::I(0),
            Key::K("run"),
        ];
        let Answer::Found(start, end) = lines.query(&route, Mode::Exact) else {
            panic!("not found");
        };
        assert_eq!(&text[start..start + 1], "|");
        assert_eq!(end, text.len());
    }

    #[test]
    fn is_unsure_off_the_block_style() {
        // An alias, an anchored mapping, a plain scalar over two lines, a
        // quoted one over two lines, a flow mapping the route goes into.
        let text = "\
a: &anchor
  k: v
b: *anchor
c: plain
  continued
d: \"quoted
  continued\"
e: {k: v}
f: ok
";
        let index = Index::new(text).unwrap();
        let lines = index.view(text);
        for route in [
            vec![Key::K("a"), Key::K("k")],
            vec![Key::K("b")],
            vec![Key::K("c")],
            vec![Key::K("d")],
            vec![Key::K("e"), Key::K("k")],
        ] {
            assert_eq!(
                lines.query(&route, Mode::Exact),
                Answer::Unsure,
                "{route:?}"
            );
        }
        assert!(matches!(
            lines.query(&[Key::K("f")], Mode::Exact),
            Answer::Found(..)
        ));
        // Texts it never reads at all.
        assert!(Index::new("---\na: 1\n").is_none());
        assert!(Index::new("a:\n\tb: 1\n").is_none());
        assert!(Index::new("a: 1\r\nb: 2\r\n").is_none());
    }
}
