//! Paths into a TOML, JSON or YAML document as `[facts]` write them:
//! dot-separated keys, a quoted part for a key that holds a dot.

/// The parts of a fact path: `a.b.0`, with `"…"` (or `'…'`) quoting a part
/// that holds dots (`packages.".".version`); an error says what is wrong.
pub fn path_parts(path: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    let mut quoted_part = false;
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' if cur.is_empty() && !quoted_part => {
                let mut closed = false;
                for q in chars.by_ref() {
                    if q == c {
                        closed = true;
                        break;
                    }
                    cur.push(q);
                }
                if !closed {
                    return Err(format!("unclosed {c} in `{path}`"));
                }
                quoted_part = true;
                if !matches!(chars.peek(), None | Some('.')) {
                    return Err(format!("a quoted part must end at a `.` in `{path}`"));
                }
            }
            '.' => {
                if cur.is_empty() && !quoted_part {
                    return Err(format!("empty part in `{path}`"));
                }
                parts.push(std::mem::take(&mut cur));
                quoted_part = false;
            }
            _ => cur.push(c),
        }
    }
    if cur.is_empty() && !quoted_part {
        return Err(format!("empty part in `{path}`"));
    }
    parts.push(cur);
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_quote_parts_with_dots() {
        assert_eq!(path_parts("a.b.0").unwrap(), ["a", "b", "0"]);
        assert_eq!(
            path_parts("packages.\".\".version").unwrap(),
            ["packages", ".", "version"]
        );
        assert_eq!(path_parts("'.'").unwrap(), ["."]);
        assert!(path_parts("a..b").is_err());
        assert!(path_parts("\"a").is_err());
        assert!(path_parts("\"a\"b").is_err());
    }
}
