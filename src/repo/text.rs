//! Byte offsets to 1-based lines and columns.

/// Maps byte offsets of one text to 1-based `(line, column)`; columns count characters.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        // `match_indices` of one char searches with memchr.
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
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
        let column = text[start..end].chars().count() + 1;
        (line + 1, column)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// The text of 1-based `line`, without its line ending.
pub fn line_text(text: &str, line: usize) -> Option<&str> {
    text.split('\n')
        .nth(line.checked_sub(1)?)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// The deepest bracket nesting of `[`/`{` outside quoted strings, and the
/// widest indentation; used to refuse hostile files before a recursive parser
/// sees them.
pub fn nesting_depth(text: &str) -> usize {
    let mut depth: usize = 0;
    let mut max = 0;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    let mut line_indent = 0usize;
    let mut at_line_start = true;
    for b in text.bytes() {
        if at_line_start {
            if b == b' ' {
                line_indent += 1;
                max = max.max(line_indent / 2);
                continue;
            }
            at_line_start = false;
        }
        if b == b'\n' {
            at_line_start = true;
            line_indent = 0;
            if quote == Some(b'#') {
                quote = None;
            }
            continue;
        }
        match quote {
            Some(b'#') => {}
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if b == b'\\' && q == b'"' {
                    escaped = true;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'#' => quote = Some(b'#'),
                b'[' | b'{' => {
                    depth += 1;
                    max = max.max(depth);
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let t = "ab\ncdé\nf";
        let ix = LineIndex::new(t);
        assert_eq!(ix.position(t, 0), (1, 1));
        assert_eq!(ix.position(t, 3), (2, 1));
        assert_eq!(ix.position(t, 7), (2, 4));
        assert_eq!(ix.position(t, 8), (3, 1));
        assert_eq!(line_text(t, 2), Some("cdé"));
    }

    #[test]
    fn text_file_lines_by_index() {
        let t = "one\r\ntwo\n\nfour";
        let tf = crate::repo::TextFile {
            text: t.into(),
            lines: LineIndex::new(t),
        };
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
    }
}
