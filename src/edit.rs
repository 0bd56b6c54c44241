//! What a finding may carry to fix itself mechanically: edits to one YAML
//! file, each at a route (keys and indexes from the document's root). Checks
//! build them; `crate::fix` applies them (`check --fix`, `check --diff`).

/// One step of a route into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// What an edit does at its route.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Adds `key: value` to the mapping at the route; the key must be absent.
    Add {
        key: String,
        value: yaml_serde::Value,
    },
    /// Replaces the value at the route.
    Replace(yaml_serde::Value),
}

/// One change to one node of a YAML file.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub route: Vec<Step>,
    pub op: Op,
}

impl Edit {
    /// Adds `key: value` to the mapping at `route` (workflow routes
    /// convert: `workflow::Key` is `Into<Step>`).
    pub fn add<S: Into<Step> + Copy>(route: &[S], key: &str, value: yaml_serde::Value) -> Edit {
        Edit {
            route: route.iter().map(|s| (*s).into()).collect(),
            op: Op::Add {
                key: key.to_string(),
                value,
            },
        }
    }

    /// Adds `key: value` at the top of the document.
    pub fn add_top(key: &str, value: yaml_serde::Value) -> Edit {
        Edit {
            route: Vec::new(),
            op: Op::Add {
                key: key.to_string(),
                value,
            },
        }
    }

    /// Replaces the value at `route`.
    pub fn replace<S: Into<Step> + Copy>(route: &[S], value: yaml_serde::Value) -> Edit {
        Edit {
            route: route.iter().map(|s| (*s).into()).collect(),
            op: Op::Replace(value),
        }
    }

    /// The node this edit writes: the route of a replacement, the new key's
    /// route for an addition.
    pub(crate) fn touches(&self) -> Vec<Step> {
        let mut at = self.route.clone();
        if let Op::Add { key, .. } = &self.op {
            at.push(Step::Key(key.clone()));
        }
        at
    }
}

/// A machine-applicable fix for one finding: edits to one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    /// Relative to the root, `/`-separated.
    pub path: String,
    /// What it does, in a few words (`set persist-credentials: false`).
    pub title: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(path: &str, title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            path: path.to_string(),
            title: title.into(),
            edits,
        }
    }
}

/// A YAML mapping of string keys, in the order given.
pub fn mapping<'a>(
    pairs: impl IntoIterator<Item = (&'a str, yaml_serde::Value)>,
) -> yaml_serde::Value {
    let mut m = yaml_serde::Mapping::new();
    for (k, v) in pairs {
        m.insert(yaml_serde::Value::String(k.to_string()), v);
    }
    yaml_serde::Value::Mapping(m)
}
