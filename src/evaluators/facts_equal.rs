//! `facts.equal`: named `[facts]` — values read from files by TOML/JSON/YAML
//! path or regex — are all equal. Each odd value is a finding at its own line.

use super::Code;
use super::{Evaluator, EvaluatorSpec, ParamError};
use crate::checks::{Context, Outcome};
use crate::finding::{Finding, Location};
use crate::manifest::Field;
use crate::policy::fact_path::path_parts;
use crate::policy::{CustomCheck, Fact, FactSource, Policy, PolicyError};
use crate::repo::Tree;
use serde::Deserialize;
use std::collections::BTreeMap;

pub static EVALUATOR: Evaluator = Evaluator {
    spec: EvaluatorSpec {
        name: "facts.equal",
        summary: "named [facts] (values read from files by TOML/JSON/YAML path, regex, or the region `between` two markers) are all equal, or all equal a literal `value`",
        params: &["facts", "value"],
        doc: "Every fact named in `facts` (declared under [facts]: a value read from a file by TOML, \
            JSON or YAML path, a regex, or the normalised text `between` two marker lines) must be \
            equal; with `value = \"…\"`, each must equal that literal (one fact is then enough). \
            Each odd value is a finding at its own line in its file; a fact that cannot be read is a \
            finding at its line in the policy.",
        example: "[facts]\nmix-version = { file = \"mix.exs\", regex = 'version: \"([^\"]+)\"' }\nrp-version = { file = \".release-please-manifest.json\", json = '\".\"' }\n\n[[check]]\nid = \"versions-match\"\nuses = \"facts.equal\"\nfacts = [\"mix-version\", \"rp-version\"]",
        validate,
        validate_in_policy: Some(check_names),
        default_lanes: &[],
        codes: &[
            Code {
                id: "undefined-fact",
                summary: "the check compares a fact that `[facts]` does not define",
            },
            Code {
                id: "differs",
                summary: "a fact's value differs from the others it is compared with",
            },
            Code {
                id: "differs-from-value",
                summary: "a fact's value differs from the value the check requires",
            },
            Code {
                id: "region-differs",
                summary: "a block of text a fact reads differs from the block it must equal",
            },
            Code {
                id: "unreadable-fact",
                summary: "a fact's file, key or pattern could not be read or found",
            },
        ],
    },
    run,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    facts: Vec<String>,
    value: Option<String>,
}

fn validate(c: &CustomCheck) -> Result<(), ParamError> {
    let p: Params = super::params(c)?;
    if p.value.is_none() && p.facts.len() < 2 {
        return Err((
            Some("facts"),
            "name at least two facts to compare, or one and a `value` it must equal".into(),
        ));
    }
    if p.facts.is_empty() {
        return Err((Some("facts"), "name at least one fact".into()));
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
fn check_names(c: &CustomCheck, policy: &Policy) -> Result<(), PolicyError> {
    let Ok(p) = super::params::<Params>(c) else {
        return Ok(());
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
            findings.push(
                Finding::new(
                    c.location.clone(),
                    format!("fact `{name}` is not defined under [facts]"),
                    format!("add `\"{name}\" = {{ file = \"…\", regex = '…' }}` under [facts]"),
                )
                .code("undefined-fact"),
            );
            continue;
        };
        match read(cx.tree, fact) {
            Ok(f) => values.push((name, f)),
            Err(f) => findings.push(*f),
        }
    }
    if let Some(want) = &p.value {
        for (name, f) in &values {
            if f.value != *want {
                findings.push(differs(
                    name,
                    f,
                    want,
                    &format!("the policy's value {want:?}"),
                ));
            }
        }
        return Outcome::Findings(findings);
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
            if f.value.contains('\n') || reference.contains('\n') {
                let with = values
                    .iter()
                    .find(|(_, o)| o.value == reference)
                    .map(|(n, o)| format!("fact `{n}` ({}:{})", o.location.path, o.location.line))
                    .unwrap_or_else(|| "the others".into());
                findings.push(differs(name, f, &reference, &with));
                continue;
            }
            findings.push(
                Finding::new(
                    f.location.clone(),
                    format!(
                        "fact `{name}` is {:?}, but {:?} is expected; compared: {}",
                        f.value,
                        reference,
                        seen.join(", ")
                    ),
                    format!("make this {reference:?}, or update the facts that disagree with it"),
                )
                .code("differs"),
            );
        }
    }
    Outcome::Findings(findings)
}

/// A fact that is not `want`: a one-line value is shown whole; a region is
/// reported at its first line that differs, with both versions of that line.
fn differs(name: &str, f: &Field, want: &str, whom: &str) -> Finding {
    if !f.value.contains('\n') && !want.contains('\n') {
        return Finding::new(
            f.location.clone(),
            format!("fact `{name}` is {:?}, but it must equal {whom}", f.value),
            format!("make it {want:?}"),
        )
        .code("differs-from-value");
    }
    let got: Vec<&str> = f.value.lines().collect();
    let exp: Vec<&str> = want.lines().collect();
    let i = (0..got.len().max(exp.len()))
        .find(|i| got.get(*i) != exp.get(*i))
        .unwrap_or(0);
    let show = |l: Option<&&str>| match l {
        Some(l) => format!("{:?}", l),
        None => "nothing".to_string(),
    };
    let at = Location::new(
        &f.location.path,
        f.location.line + i.min(got.len().saturating_sub(1)),
        1,
    );
    Finding::new(
        at,
        format!(
            "fact `{name}` differs from {whom} at its line {}: {} here, {} there",
            i + 1,
            show(got.get(i)),
            show(exp.get(i))
        ),
        "make the blocks the same (after their comment prefix and indentation)".to_string(),
    )
    .code("region-differs")
}

/// Follows path parts through a spanned TOML/JSON tree.
fn follow<'n>(
    root: &'n crate::repo::spanned::Node,
    parts: &[String],
) -> Option<&'n crate::repo::spanned::Node> {
    use crate::repo::spanned::Value;
    let mut node = root;
    for part in parts {
        node = match &node.value {
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => node.get(part)?,
        };
    }
    Some(node)
}

/// Comment prefixes a region may carry on every line.
const COMMENT_PREFIXES: &[&str] = &["#", "//", "--", ";", "%"];

/// The lines between two markers, normalised, with the 1-based line the
/// value starts on; `None` when a marker is missing.
pub fn region(text: &str, start: &str, end: &str) -> Option<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.iter().position(|l| l.contains(start))?;
    let to = from + 1 + lines[from + 1..].iter().position(|l| l.contains(end))?;
    let mut body: Vec<&str> = lines[from + 1..to].to_vec();
    let mut first = from + 2;
    while body.first().is_some_and(|l| l.trim().is_empty()) {
        body.remove(0);
        first += 1;
    }
    while body.last().is_some_and(|l| l.trim().is_empty()) {
        body.pop();
    }
    let nonblank = || body.iter().filter(|l| !l.trim().is_empty());
    let prefix = COMMENT_PREFIXES
        .iter()
        .find(|p| nonblank().count() > 0 && nonblank().all(|l| l.trim_start().starts_with(*p)));
    let stripped: Vec<String> = body
        .iter()
        .map(|l| match prefix {
            Some(p) if !l.trim().is_empty() => {
                let rest = &l.trim_start()[p.len()..];
                rest.strip_prefix(' ').unwrap_or(rest).to_string()
            }
            _ => l.to_string(),
        })
        .collect();
    let indent = stripped
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let out: Vec<&str> = stripped
        .iter()
        .map(|l| {
            if l.trim().is_empty() {
                ""
            } else {
                l.get(indent..).unwrap_or(l).trim_end()
            }
        })
        .collect();
    Some((out.join("\n"), first))
}

fn at_fact(fact: &Fact, message: String) -> Box<Finding> {
    Box::new(
        Finding::new(
            fact.location.clone(),
            message,
            "point the fact at a file and key or pattern that exists",
        )
        .code("unreadable-fact"),
    )
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
            let parts = path_parts(path).map_err(|why| not_found(&why))?;
            let n = follow(&df.root, &parts).ok_or_else(|| not_found(&format!("`{path}`")))?;
            Ok(Field {
                value: n.display(),
                location: df.location(&n.span),
            })
        }
        FactSource::Region { start, end } => {
            let tf = tree.text(file).map_err(|e| Box::new(e.to_finding()))?;
            let (value, line) = region(&tf.text, start, end).ok_or_else(|| {
                not_found(&format!(
                    "a line holding {start:?} followed by one holding {end:?}"
                ))
            })?;
            Ok(Field {
                value,
                location: Location::new(file, line, 1),
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
                return Err(Box::new(
                    Finding::new(
                        Location::file(file),
                        "cannot judge this file: too deeply nested or too large to parse as YAML",
                        "fix the file so it parses; shipgate fails closed on files it must judge",
                    )
                    .code("unparseable"),
                ));
            }
            let doc: yaml_serde::Value =
                yaml_serde::from_str(&tf.text).map_err(|e| {
                    let line = e.location().map(|l| l.line()).unwrap_or(1);
                    Box::new(Finding::new(
                    Location::new(file, line, 1),
                    format!("cannot judge this file: invalid YAML: {e}"),
                    "fix the file so it parses; shipgate fails closed on files it must judge",
                )
.code("unparseable"))
                })?;
            let mut node = &doc;
            let parts = path_parts(path).map_err(|why| not_found(&why))?;
            for part in &parts {
                let part = part.as_str();
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
    fn regions_are_normalised() {
        let t =
            "x\n  # BEGIN deps\n  #   {:a, \"~> 1.0\"},\n  #     {:b, \"~> 2.0\"}\n  # END deps\n";
        let (v, line) = region(t, "BEGIN deps", "END deps").unwrap();
        assert_eq!(v, "{:a, \"~> 1.0\"},\n  {:b, \"~> 2.0\"}");
        assert_eq!(line, 3);
        let md = "<!-- BEGIN deps -->\n```elixir\n{:a, \"~> 1.0\"},\n  {:b, \"~> 2.0\"}\n```\n<!-- END deps -->\n";
        assert!(
            region(md, "BEGIN deps", "END deps")
                .unwrap()
                .0
                .contains("{:b")
        );
        assert!(region(t, "BEGIN deps", "nope").is_none());
    }

    #[test]
    fn yaml_line_follows_keys_down() {
        let t = "name: x\nversion: 0.1\nchart:\n  name: y\n  version: 1.2.3\n";
        assert_eq!(yaml_line(t, "chart.version"), 5);
        assert_eq!(yaml_line(t, "version"), 2);
    }
}
