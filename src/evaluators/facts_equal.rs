//! `facts.equal`: named `[facts]` — values read from files by TOML/JSON/YAML
//! path or regex — are all equal. Each odd value is a finding at its own line.

use super::{Evaluator, ParamError};
use crate::checks::{Context, Outcome};
use crate::finding::{Finding, Location};
use crate::manifest::Field;
use crate::policy::{CustomCheck, Fact, FactSource, Policy, PolicyError};
use crate::repo::Tree;
use serde::Deserialize;
use std::collections::BTreeMap;

pub static EVALUATOR: Evaluator = Evaluator {
    name: "facts.equal",
    summary: "named [facts] (values read from files by TOML/JSON/YAML path or regex) are all equal",
    params: &["facts"],
    doc: "Every fact named in `facts` (declared under [facts]: a value read from a file by TOML, \
        JSON or YAML path, a regex, or the normalised text `between` two marker lines) must be \
        equal; with `value = \"…\"`, each must equal that literal (one fact is then enough). \
        Each odd value is a finding at its own line in its file; a fact that cannot be read is a \
        finding at its line in the policy.",
    example: "[facts]\nmix-version = { file = \"mix.exs\", regex = 'version: \"([^\"]+)\"' }\nrp-version = { file = \".release-please-manifest.json\", json = '\".\"' }\n\n[[check]]\nid = \"versions-match\"\nuses = \"facts.equal\"\nfacts = [\"mix-version\", \"rp-version\"]",
    validate,
    run,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    facts: Vec<String>,
}

fn validate(c: &CustomCheck) -> Result<(), ParamError> {
    let p: Params = super::params(c)?;
    if p.facts.len() < 2 {
        return Err((Some("facts"), "name at least two facts to compare".into()));
    }
    for (i, f) in p.facts.iter().enumerate() {
        if p.facts[..i].contains(f) {
            return Err((Some("facts"), format!("fact `{f}` is listed twice")));
        }
    }
    Ok(())
}

/// Called by the policy loader once every `[facts]` table is known: each name
/// a `facts.equal` check compares must be defined.
pub fn check_names(policy: &Policy) -> Result<(), PolicyError> {
    for c in policy.custom.iter().filter(|c| c.uses == EVALUATOR.name) {
        let Ok(p) = super::params::<Params>(c) else {
            continue;
        };
        for name in &p.facts {
            if !policy.facts.contains_key(name) {
                let line = c
                    .param_lines
                    .get("facts")
                    .copied()
                    .unwrap_or(c.location.line);
                let known: Vec<&str> = policy.facts.keys().map(String::as_str).collect();
                return Err(PolicyError {
                    location: Location::new(&c.location.path, line, 1),
                    message: format!(
                        "[[check]] `{}`: `facts` names `{name}`, which is not defined under [facts] (defined: {})",
                        c.id,
                        if known.is_empty() {
                            "none".into()
                        } else {
                            known.join(", ")
                        }
                    ),
                });
            }
        }
    }
    Ok(())
}

fn run(c: &CustomCheck, cx: &Context<'_>) -> Outcome {
    let p: Params = match super::params(c) {
        Ok(p) => p,
        Err((_, msg)) => return super::param_error(c, msg),
    };
    let mut findings = Vec::new();
    let mut values: Vec<(&str, Field)> = Vec::new();
    for name in &p.facts {
        let Some(fact) = cx.policy.facts.get(name) else {
            findings.push(Finding::new(
                c.location.clone(),
                format!("fact `{name}` is not defined under [facts]"),
                format!("add `\"{name}\" = {{ file = \"…\", regex = '…' }}` under [facts]"),
            ));
            continue;
        };
        match read(cx.tree, fact) {
            Ok(f) => values.push((name, f)),
            Err(f) => findings.push(*f),
        }
    }
    if values.len() < 2 {
        return Outcome::Findings(findings);
    }
    // A strict majority decides; otherwise the first-listed fact is the reference.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, f) in &values {
        *counts.entry(f.value.as_str()).or_default() += 1;
    }
    let best = counts.values().copied().max().unwrap_or(0);
    let leaders: Vec<&str> = counts
        .iter()
        .filter(|(_, n)| **n == best)
        .map(|(v, _)| *v)
        .collect();
    let reference = if leaders.len() == 1 {
        leaders[0].to_string()
    } else {
        values[0].1.value.clone()
    };
    let seen: Vec<String> = values
        .iter()
        .map(|(n, f)| {
            format!(
                "{n} = {:?} ({}:{})",
                f.value, f.location.path, f.location.line
            )
        })
        .collect();
    for (name, f) in &values {
        if f.value != reference {
            findings.push(Finding::new(
                f.location.clone(),
                format!(
                    "fact `{name}` is {:?}, but {:?} is expected; compared: {}",
                    f.value,
                    reference,
                    seen.join(", ")
                ),
                format!("make this {reference:?}, or update the facts that disagree with it"),
            ));
        }
    }
    Outcome::Findings(findings)
}

fn at_fact(fact: &Fact, message: String) -> Box<Finding> {
    Box::new(Finding::new(
        fact.location.clone(),
        message,
        "point the fact at a file and key or pattern that exists",
    ))
}

/// One fact's value and where it is written; a finding when it cannot be read.
pub fn read(tree: &Tree, fact: &Fact) -> Result<Field, Box<Finding>> {
    let file = fact.file.trim_start_matches("./");
    if !tree.exists(file) {
        return Err(at_fact(
            fact,
            format!("fact `{}`: file `{file}` does not exist", fact.name),
        ));
    }
    let not_found = |what: &str| {
        at_fact(
            fact,
            format!("fact `{}`: {what} not found in {file}", fact.name),
        )
    };
    match &fact.source {
        FactSource::Toml(path) | FactSource::Json(path) => {
            let df = if matches!(fact.source, FactSource::Toml(_)) {
                tree.toml(file)
            } else {
                tree.json(file)
            }
            .map_err(|e| Box::new(e.to_finding()))?;
            let n = df
                .root
                .path(path)
                .ok_or_else(|| not_found(&format!("`{path}`")))?;
            Ok(Field {
                value: n.display(),
                location: df.location(&n.span),
            })
        }
        FactSource::Regex(re) => {
            let tf = tree.text(file).map_err(|e| Box::new(e.to_finding()))?;
            let caps = re
                .captures(&tf.text)
                .ok_or_else(|| not_found(&format!("a match for `{}`", re.as_str())))?;
            let m = caps
                .get(1)
                .or_else(|| caps.get(0))
                .ok_or_else(|| not_found("a match"))?;
            Ok(Field {
                value: m.as_str().to_string(),
                location: tf.location(file, m.start()),
            })
        }
        FactSource::Yaml(path) => {
            let tf = tree.text(file).map_err(|e| Box::new(e.to_finding()))?;
            let depth = crate::repo::text::nesting_depth(&tf.text);
            if depth > crate::repo::formats::MAX_DEPTH
                || tf.text.len() > crate::repo::MAX_PARSE_BYTES
            {
                return Err(Box::new(Finding::new(
                    Location::file(file),
                    "cannot judge this file: too deeply nested or too large to parse as YAML",
                    "fix the file so it parses; shipgate fails closed on files it must judge",
                )));
            }
            let doc: yaml_serde::Value = yaml_serde::from_str(&tf.text).map_err(|e| {
                let line = e.location().map(|l| l.line()).unwrap_or(1);
                Box::new(Finding::new(
                    Location::new(file, line, 1),
                    format!("cannot judge this file: invalid YAML: {e}"),
                    "fix the file so it parses; shipgate fails closed on files it must judge",
                ))
            })?;
            let mut node = &doc;
            for part in path.split('.') {
                node = match part.parse::<usize>() {
                    Ok(i) if node.is_sequence() => node.get(i),
                    _ => node.get(part),
                }
                .ok_or_else(|| not_found(&format!("`{path}`")))?;
            }
            let value = match node {
                yaml_serde::Value::String(s) => s.clone(),
                yaml_serde::Value::Number(n) => n.to_string(),
                yaml_serde::Value::Bool(b) => b.to_string(),
                yaml_serde::Value::Null => "null".into(),
                _ => return Err(not_found(&format!("a scalar at `{path}`"))),
            };
            let line = yaml_line(&tf.text, path);
            Ok(Field {
                value,
                location: Location::new(file, line, 1),
            })
        }
    }
}

/// The line of `a.b.c` in YAML text, found key by key downwards (line 1 when
/// the layout defeats the search).
fn yaml_line(text: &str, path: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let mut at = 0usize;
    let mut found = 1;
    for part in path.split('.') {
        if part.parse::<usize>().is_ok() {
            continue;
        }
        let keys = [
            format!("{part}:"),
            format!("\"{part}\":"),
            format!("'{part}':"),
        ];
        let hit = lines.iter().enumerate().skip(at).find(|(_, l)| {
            let t = l.trim_start().trim_start_matches("- ");
            keys.iter().any(|k| t.starts_with(k.as_str()))
        });
        match hit {
            Some((i, _)) => {
                at = i + 1;
                found = i + 1;
            }
            None => return found,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_line_follows_keys_down() {
        let t = "name: x\nversion: 0.1\nchart:\n  name: y\n  version: 1.2.3\n";
        assert_eq!(yaml_line(t, "chart.version"), 5);
        assert_eq!(yaml_line(t, "version"), 2);
    }
}
