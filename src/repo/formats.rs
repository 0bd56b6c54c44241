//! Readers that turn TOML and JSON text into the spanned tree, with the
//! parse error's byte offset when they fail. Both refuse hostile nesting
//! before recursing.

use super::spanned::{Entry, Node, Value};
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// Deeper nesting than any real manifest has; past it a file is refused.
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

pub fn parse_toml(text: &str) -> Result<Node, SyntaxError> {
    let depth = super::text::nesting_depth(text);
    if depth > MAX_DEPTH {
        return Err(too_deep(text, depth));
    }
    let table = DeTable::parse(text).map_err(|e| SyntaxError {
        offset: e.span().map(|s| s.start).unwrap_or(0),
        message: e.message().trim().to_string(),
    })?;
    let span = table.span();
    Ok(Node {
        span,
        value: toml_table(table.get_ref()),
    })
}

fn toml_table(table: &DeTable<'_>) -> Value {
    Value::Table(
        table
            .iter()
            .map(|(k, v)| Entry {
                key: k.get_ref().to_string(),
                key_span: k.span(),
                node: toml_node(v.get_ref(), v.span()),
            })
            .collect(),
    )
}

fn toml_node(value: &DeValue<'_>, span: Range<usize>) -> Node {
    let value = match value {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => Value::Scalar(i.as_str().to_string()),
        DeValue::Float(f) => Value::Scalar(f.as_str().to_string()),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Scalar(d.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| toml_node(v.get_ref(), v.span()))
                .collect(),
        ),
        DeValue::Table(t) => toml_table(t),
    };
    Node { span, value }
}

fn too_deep(text: &str, depth: usize) -> SyntaxError {
    // Point at the first bracket past the limit.
    let mut seen = 0usize;
    let mut offset = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'[' || b == b'{' {
            seen += 1;
            if seen > MAX_DEPTH {
                offset = i;
                break;
            }
        }
    }
    SyntaxError {
        offset,
        message: format!("nested {depth} levels deep; shipgate refuses more than {MAX_DEPTH}"),
    }
}

/// A strict JSON parser (RFC 8259) that keeps spans and bounds depth.
pub fn parse_json(text: &str) -> Result<Node, SyntaxError> {
    parse_json_with(text, false)
}

/// [`parse_json`] for JSON5 (renovate.json5, and the JSON with comments
/// tools such as Renovate accept in their `.json` files): comments,
/// trailing commas, single-quoted strings, bare identifier keys, and the
/// extra number forms (hex, `+1`, `.5`, `Infinity`, `NaN`).
pub fn parse_json5(text: &str) -> Result<Node, SyntaxError> {
    parse_json_with(text, true)
}

fn parse_json_with(text: &str, json5: bool) -> Result<Node, SyntaxError> {
    let mut p = JsonParser {
        s: text.as_bytes(),
        text,
        i: 0,
        depth: 0,
        json5,
    };
    p.ws();
    // Tolerate a UTF-8 byte order mark.
    if text.starts_with('\u{feff}') {
        p.i = 3;
        p.ws();
    }
    let node = p.value()?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.err("trailing characters after the JSON value"));
    }
    Ok(node)
}

struct JsonParser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    depth: usize,
    /// Read JSON5's additions too.
    json5: bool,
}

impl JsonParser<'_> {
    fn err(&self, msg: &str) -> SyntaxError {
        SyntaxError {
            offset: self.i.min(self.s.len()),
            message: msg.to_string(),
        }
    }

    fn ws(&mut self) {
        loop {
            while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
                self.i += 1;
            }
            if !self.json5 {
                return;
            }
            let rest = &self.s[self.i.min(self.s.len())..];
            if rest.starts_with(b"//") {
                let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                self.i += end;
            } else if rest.starts_with(b"/*") {
                // An unterminated block comment runs to the end; the value
                // that should follow then reports the error.
                let end = rest[2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(rest.len(), |p| p + 4);
                self.i += end;
            } else if rest.starts_with(b"\x0b") || rest.starts_with(b"\x0c") {
                self.i += 1;
            } else if rest.starts_with("\u{a0}".as_bytes())
                || rest.starts_with("\u{feff}".as_bytes())
            {
                self.i += if rest[0] == 0xc2 { 2 } else { 3 };
            } else {
                return;
            }
        }
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        let start = self.i;
        let value = match self.s.get(self.i) {
            None => return Err(self.err("unexpected end of JSON")),
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Value::Str(self.string()?),
            Some(b'\'') if self.json5 => Value::Str(self.string()?),
            Some(b'+' | b'.' | b'I' | b'N') if self.json5 => self.number()?,
            Some(b't') => self.word("true", Value::Bool(true))?,
            Some(b'f') => self.word("false", Value::Bool(false))?,
            Some(b'n') => self.word("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.err("expected a JSON value")),
        };
        Ok(Node {
            span: start..self.i,
            value,
        })
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(&format!(
                "nested more than {MAX_DEPTH} levels deep; shipgate refuses it"
            )));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Value, SyntaxError> {
        self.enter()?;
        self.i += 1;
        let mut entries = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Value::Table(entries));
        }
        loop {
            self.ws();
            if self.json5 && self.s.get(self.i) == Some(&b'}') && !entries.is_empty() {
                // A trailing comma.
                self.i += 1;
                break;
            }
            let key_start = self.i;
            let key = match self.s.get(self.i) {
                Some(b'"') => self.string()?,
                Some(b'\'') if self.json5 => self.string()?,
                Some(&b) if self.json5 && (b.is_ascii_alphabetic() || b == b'_' || b == b'$') => {
                    let len = self.s[self.i..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'$')
                        .count();
                    self.i += len;
                    self.text[key_start..self.i].to_string()
                }
                _ => return Err(self.err("expected a string key")),
            };
            let key_span = key_start..self.i;
            self.ws();
            if self.s.get(self.i) != Some(&b':') {
                return Err(self.err("expected `:` after the key"));
            }
            self.i += 1;
            self.ws();
            let node = self.value()?;
            entries.push(Entry {
                key,
                key_span,
                node,
            });
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    break;
                }
                _ => return Err(self.err("expected `,` or `}`")),
            }
        }
        self.depth -= 1;
        Ok(Value::Table(entries))
    }

    fn array(&mut self) -> Result<Value, SyntaxError> {
        self.enter()?;
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            if self.json5 && self.s.get(self.i) == Some(&b']') && !items.is_empty() {
                // A trailing comma.
                self.i += 1;
                break;
            }
            items.push(self.value()?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    break;
                }
                _ => return Err(self.err("expected `,` or `]`")),
            }
        }
        self.depth -= 1;
        Ok(Value::Array(items))
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(value)
        } else {
            Err(self.err("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.i;
        if self.json5 {
            // Hexadecimal, `Infinity` and `NaN`, each after an optional sign.
            let unsigned = self.s[self.i..]
                .strip_prefix(b"+")
                .or_else(|| self.s[self.i..].strip_prefix(b"-"))
                .unwrap_or(&self.s[self.i..]);
            let sign = self.s.len() - self.i - unsigned.len();
            let word = [&b"Infinity"[..], b"NaN"]
                .into_iter()
                .find(|w| unsigned.starts_with(w))
                .map(<[u8]>::len)
                .or_else(|| {
                    (unsigned.starts_with(b"0x") || unsigned.starts_with(b"0X")).then(|| {
                        2 + unsigned[2..]
                            .iter()
                            .take_while(|c| c.is_ascii_hexdigit())
                            .count()
                    })
                });
            if let Some(len) = word.filter(|&l| l > 2) {
                self.i += sign + len;
                return Ok(Value::Scalar(self.text[start..self.i].to_string()));
            }
        }
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.s.get(self.i) {
            self.i += 1;
        }
        let raw = &self.text[start..self.i];
        if raw.is_empty() || raw.parse::<f64>().is_err() {
            self.i = start;
            return Err(self.err("malformed number"));
        }
        Ok(Value::Scalar(raw.to_string()))
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let quote = self.s[self.i];
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(&b) = self.s.get(self.i) else {
                return Err(self.err("unterminated string"));
            };
            match b {
                _ if b == quote => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    let esc = self.s.get(self.i + 1).copied();
                    self.i += 2;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\'') if self.json5 => out.push('\''),
                        Some(b'0') if self.json5 => out.push('\0'),
                        // A line continuation.
                        Some(b'\n') if self.json5 => {}
                        Some(b'\r') if self.json5 => {
                            if self.s.get(self.i) == Some(&b'\n') {
                                self.i += 1;
                            }
                        }
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let hex = self
                                .text
                                .get(self.i..self.i + 4)
                                .and_then(|h| u32::from_str_radix(h, 16).ok());
                            let Some(code) = hex else {
                                return Err(self.err("bad \\u escape"));
                            };
                            self.i += 4;
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        Some(b'v') if self.json5 => out.push('\u{b}'),
                        Some(b'x') if self.json5 => {
                            let hex = self
                                .text
                                .get(self.i..self.i + 2)
                                .and_then(|h| u32::from_str_radix(h, 16).ok());
                            let Some(code) = hex else {
                                return Err(self.err("bad \\x escape"));
                            };
                            self.i += 2;
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        // JSON5 (as ECMAScript) reads any other escaped
                        // character as itself: `"\.txt"` in a Renovate
                        // pattern is `.txt`. Only digits stay errors.
                        Some(b) if self.json5 && !b.is_ascii_digit() => {
                            let ch = self.text[self.i - 1..].chars().next().unwrap_or('\u{fffd}');
                            self.i += ch.len_utf8().max(1) - 1;
                            // U+2028 and U+2029 continue the line, as `\n` does.
                            if ch != '\u{2028}' && ch != '\u{2029}' {
                                out.push(ch);
                            }
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.err("bad escape"));
                        }
                    }
                }
                0..=0x1f => return Err(self.err("control character in string")),
                _ => {
                    // Copy one whole UTF-8 character.
                    let ch = self.text[self.i..].chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.i += ch.len_utf8().max(1);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_spans() {
        let t = "{\n  \"name\": \"x\",\n  \"version\": \"1.2.3\",\n  \"a\": [1, true, null]\n}";
        let n = parse_json(t).unwrap();
        let v = n.entry("version").unwrap();
        assert_eq!(&t[v.node.span.clone()], "\"1.2.3\"");
        assert_eq!(v.node.as_str(), Some("1.2.3"));
        assert_eq!(n.path("a.1").unwrap().as_bool(), Some(true));
    }

    #[test]
    fn json_errors_have_offsets() {
        let e = parse_json("{\n \"a\": 1,\n \"b\" 2}").unwrap_err();
        assert_eq!(e.offset, 16);
        assert!(parse_json(&"[".repeat(100_000)).is_err());
        assert!(parse_json("\"a").is_err());
        assert!(parse_json("[1,]").is_err());
    }

    #[test]
    fn json5_reads_what_json_refuses() {
        let t = "// renovate\n{\n  /* managers */ 'github-actions': {enabled: false,},\n  list: [1, +2, .5, 0x1F, Infinity,],\n  \"s\": 'it\\'s',\n}\n";
        assert!(parse_json(t).is_err());
        let n = parse_json5(t).unwrap();
        let e = n.path("github-actions.enabled").unwrap();
        assert_eq!(e.as_bool(), Some(false));
        assert_eq!(&t[e.span.clone()], "false");
        assert_eq!(n.path("list").unwrap().as_array().unwrap().len(), 5);
        assert_eq!(n.get("s").unwrap().as_str(), Some("it's"));
        // Any escaped character but a digit stands for itself in JSON5
        // (a Renovate regex written `"\\.txt$"`); JSON refuses it.
        let n = parse_json5(r#"{"p": "a\.txt$", "q": "\x41\v\é"}"#).unwrap();
        assert_eq!(n.get("p").unwrap().as_str(), Some("a.txt$"));
        assert_eq!(n.get("q").unwrap().as_str(), Some("A\u{b}é"));
        assert!(parse_json(r#"{"p": "a\.txt"}"#).is_err());
        assert!(parse_json5(r#"{"p": "\1"}"#).is_err());
        assert!(parse_json5("{a: }").is_err());
        assert!(parse_json5("[,]").is_err());
        assert!(parse_json5("{'a' 1}").is_err());
        assert!(parse_json5(&"[".repeat(100_000)).is_err());
    }

    #[test]
    fn toml_keeps_spans() {
        let t = "[package]\nname = \"x\"\nversion = \"0.3.0\"\n";
        let n = parse_toml(t).unwrap();
        let v = n.path("package.version").unwrap();
        assert_eq!(&t[v.span.clone()], "\"0.3.0\"");
        assert!(parse_toml("a = [").is_err());
        assert!(parse_toml(&format!("a = {}", "[".repeat(10_000))).is_err());
    }
}
