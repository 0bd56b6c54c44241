//! An owned, spanned document tree shared by the TOML and JSON readers, so
//! every check can point at the exact line of a key or value.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Integers, floats and TOML datetimes, kept as written.
    Scalar(String),
    Str(String),
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Range<usize>,
    pub node: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Range<usize>,
    pub value: Value,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.node)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Table(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Follows a dotted path (`package.version`); array indexes are numbers.
    pub fn path(&self, dotted: &str) -> Option<&Node> {
        let mut node = self;
        for part in dotted.split('.') {
            node = match &node.value {
                Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
                _ => node.get(part)?,
            };
        }
        Some(node)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Whether JavaScript reads the value as true, as npm reads
    /// `"private"` (`if (manifest.private)`): `true`, a non-empty string
    /// (`"true"`, even `"false"`), a number other than zero, any array or
    /// object.
    pub fn is_js_truthy(&self) -> bool {
        match &self.value {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Str(s) => !s.is_empty(),
            Value::Scalar(n) => n.parse::<f64>().map_or(true, |f| f != 0.0 && !f.is_nan()),
            Value::Array(_) | Value::Table(_) => true,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Table(entries) => entries,
            _ => &[],
        }
    }

    pub fn is_table(&self) -> bool {
        matches!(self.value, Value::Table(_))
    }

    /// The value as a display string: strings bare, scalars as written.
    pub fn display(&self) -> String {
        match &self.value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Scalar(s) | Value::Str(s) => s.clone(),
            Value::Array(_) => "[…]".into(),
            Value::Table(_) => "{…}".into(),
        }
    }
}
