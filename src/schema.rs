//! `shipgate schema`: the JSON Schema (draft-04, what taplo / Even Better
//! TOML support) of `shipgate.toml`, for editor completion and validation. It is generated from
//! the lists the loader itself validates against — its key lists, the check
//! registry's parameters, the evaluators' parameters, the typed parameter
//! and variable table (params.rs), the presets and the built-in lanes — so
//! the schema and the loader cannot drift apart. The
//! tests below hold the loader to every key the schema names, and back.

use crate::meta::Meta;
use crate::policy::keys::{CUSTOM_KEYS, FACT_KEYS, TOP_KEYS, TUNING_KEYS};
use crate::policy::publisher::{PUBLISHER_KEYS, PUBLISHER_REGISTRIES};
use crate::policy::waiver::WAIVER_KEYS;
use crate::policy::{BUILTIN_LANES, Catalog, PRESETS, params};
use serde_json::{Map, Value, json};

/// The schema as pretty-printed JSON, ending in a newline.
pub fn to_string(catalog: &Catalog) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(catalog)).unwrap_or_default();
    s.push('\n');
    s
}

fn severity() -> Value {
    json!({
        "description": "How much a failure weighs: `block` fails the gate, `warn` reports.",
        "type": "string",
        "enum": ["block", "warn"],
    })
}

fn globs(what: &str) -> Value {
    json!({
        "description": what,
        "type": "array",
        "items": {"type": "string"},
    })
}

fn lanes() -> Value {
    json!({
        "description": format!(
            "Lanes that run this check: {} or a lane declared in top-level `lanes`. \
             Default: pre-merge (and so every lane).",
            BUILTIN_LANES.join(", ")
        ),
        "type": "array",
        "items": {"type": "string"},
    })
}

fn enabled() -> Value {
    json!({"description": "Set to false to turn the check off.", "type": "boolean"})
}

/// The common `[checks.ID]` / `[[check]]` keys, typed.
fn common_key(key: &str) -> Value {
    match key {
        "severity" => severity(),
        "files" => globs("Globs of the files to look at, relative to the root."),
        "paths" => globs("Globs of paths, relative to the root."),
        "lanes" => lanes(),
        "enabled" => enabled(),
        "id" => json!({
            "description": "A new check id, kebab-case.",
            "type": "string",
            "pattern": "^[a-z0-9-]+$",
        }),
        "title" => json!({"description": "A one-line title for reports.", "type": "string"}),
        "why" => json!({
            "description": "Why the check exists; shown in reports and SARIF rule help.",
            "type": "string",
        }),
        "optional" => json!({
            "description": "Globs in `files`/`paths` that match nothing are a SKIP instead of a \
                            BLOCK (\"names files that do not exist\"). Default: false.",
            "type": "boolean",
        }),
        other => json!({"description": format!("`{other}`")}),
    }
}

fn uses(catalog: &Catalog) -> Value {
    if catalog.evaluators.is_empty() {
        return json!({"description": "The generic evaluator to run.", "type": "string"});
    }
    let names = catalog.evaluator_names();
    let docs: Vec<String> = catalog
        .evaluators
        .iter()
        .map(|e| format!("`{}`: {}", e.name, e.summary))
        .collect();
    json!({
        "description": format!("The generic evaluator to run. {}", docs.join("; ")),
        "type": "string",
        "enum": names,
    })
}

fn tuning(meta: &Meta) -> Value {
    let mut props = Map::new();
    for k in TUNING_KEYS {
        props.insert(k.to_string(), common_key(k));
    }
    for p in meta.params {
        props.insert(p.to_string(), params::schema(p));
    }
    json!({
        "description": format!("{} (default severity: {}).", meta.title, meta.severity.as_str()),
        "type": "object",
        "properties": props,
        "additionalProperties": false,
        "x-taplo": {"links": {"key": crate::meta::help_uri(meta.id)}},
    })
}

fn custom_check(catalog: &Catalog) -> Value {
    let mut props = Map::new();
    for k in CUSTOM_KEYS {
        let v = match *k {
            "uses" => uses(catalog),
            other => common_key(other),
        };
        props.insert(k.to_string(), v);
    }
    // Which keys go with which evaluator is checked by the loader (draft-04
    // has no if/then); the schema offers the union.
    for ev in &catalog.evaluators {
        for p in ev.params {
            props
                .entry(p.to_string())
                .or_insert_with(|| params::schema(p));
        }
    }
    let item = json!({
        "description": "A custom check built from a generic evaluator.",
        "type": "object",
        "properties": props,
        "required": ["id", "uses"],
        "additionalProperties": false,
    });
    json!({
        "description": "Custom checks ([[check]]).",
        "type": "array",
        "items": item,
    })
}

fn fact() -> Value {
    let mut props = Map::new();
    for k in FACT_KEYS {
        let v = match *k {
            "file" => {
                json!({"description": "The file to read, relative to the root.", "type": "string"})
            }
            "toml" | "json" | "yaml" => json!({
                "description": format!(
                    "A dotted path into the {k} file, such as `package.version`; a part in \
                     double quotes may hold dots (`packages.\".\".version`), a number indexes \
                     an array."
                ),
                "type": "string",
            }),
            "between" => json!({
                "description": "Two marker lines: the value is the text between the first line \
                                holding the first marker and the next line holding the second, \
                                with a shared comment prefix (#, //, --, ;, %) stripped and the \
                                lines dedented.",
                "type": "array",
                "items": {"type": "string"},
                "minItems": 2,
                "maxItems": 2,
            }),
            "regex" => json!({
                "description": "A regular expression; the first capture group of the first match is the value.",
                "type": "string",
            }),
            other => json!({"description": format!("`{other}`")}),
        };
        props.insert(k.to_string(), v);
    }
    json!({
        "description": "A named value read from a file: `file` and exactly one of the sources.",
        "type": "object",
        "properties": props,
        "required": ["file"],
        "minProperties": 2,
        "maxProperties": 2,
        "additionalProperties": false,
    })
}

fn waiver(catalog: &Catalog) -> Value {
    let mut props = Map::new();
    for k in WAIVER_KEYS {
        let v = match *k {
            "check" => json!({
                "description": format!(
                    "The check id it waives, `*` for all, or a custom check's id; `CHECK/CODE` waives only its findings with that code (`shipgate explain CHECK` lists a built-in check's; a custom check's are its evaluator's). Built in: {}.",
                    catalog.check_ids().join(", ")
                ),
                "type": "string",
                "pattern": "^[^/]+(/[a-z0-9]+(-[a-z0-9]+)*)?$",
            }),
            "path" => {
                json!({"description": "A glob over finding paths. Default: every path.", "type": "string"})
            }
            "line" => {
                json!({"description": "Only the finding on this line.", "type": "integer", "minimum": 1})
            }
            "target" => json!({
                "description": "A glob over what the finding is about: the first name in backquotes in its message (a link's destination, an action). Only findings about a matching target are waived.",
                "type": "string",
            }),
            "fingerprint" => json!({
                "description": "The finding's source line, as `shipgate baseline` records it (`text`, whitespace collapsed): only that finding is waived, wherever the line moves.",
                "type": "string",
                "minLength": 1,
            }),
            "reason" => {
                json!({"description": "Why it is acceptable; required.", "type": "string", "minLength": 1})
            }
            // A TOML date or a string holding one: both load.
            "expires" => json!({
                "description": "A date (2027-03-01) after which the waiver blocks.",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            }),
            other => json!({"description": format!("`{other}`")}),
        };
        props.insert(k.to_string(), v);
    }
    json!({
        "description": "Reasoned exceptions ([[waiver]]).",
        "type": "array",
        "items": {
            "type": "object",
            "properties": props,
            "required": ["check", "reason"],
            "additionalProperties": false,
        },
    })
}

fn publisher() -> Value {
    let mut props = Map::new();
    for k in PUBLISHER_KEYS {
        let v = match *k {
            "registry" => json!({
                "description": "The registry the trusted publisher is configured on.",
                "type": "string",
                "enum": PUBLISHER_REGISTRIES,
            }),
            "package" => {
                json!({"description": "The package it publishes (informational).", "type": "string"})
            }
            "workflow" => json!({
                "description": "The workflow file name typed into the registry (`release.yml`), compared exactly.",
                "type": "string",
                "pattern": "^[^/]+\\.(yml|yaml)$",
            }),
            "environment" => json!({
                "description": "The GitHub environment typed into the registry, compared exactly (case counts).",
                "type": "string",
            }),
            "repository" => json!({
                "description": "OWNER/REPO typed into the registry. Default: vars.github_repository, else the package metadata.",
                "type": "string",
                "pattern": "^[^/]+/[^/]+$",
            }),
            other => json!({"description": format!("`{other}`")}),
        };
        props.insert(k.to_string(), v);
    }
    json!({
        "description": "Trusted publishers as configured on the registries ([[publisher]]); publisher-binding holds every publishing job to one.",
        "type": "array",
        "items": {
            "type": "object",
            "properties": props,
            "required": ["registry", "workflow"],
            "additionalProperties": false,
        },
    })
}

/// The JSON Schema (draft-04) of `shipgate.toml`.
pub fn to_value(catalog: &Catalog) -> Value {
    let mut top = Map::new();
    for k in TOP_KEYS {
        let v = match *k {
            "extends" => json!({
                "description": "Built-in presets to start from.",
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": PRESETS.iter().map(|p| p.0).collect::<Vec<_>>(),
                },
            }),
            "vars" => {
                let props: Map<String, Value> = params::VARS
                    .iter()
                    .map(|v| {
                        let mut s = v.kind.schema();
                        s["description"] = json!(v.doc);
                        (v.key.to_string(), s)
                    })
                    .collect();
                json!({
                    "description": "Variables checks read.",
                    "type": "object",
                    "properties": props,
                    "additionalProperties": false,
                })
            }
            "checks" => {
                let props: Map<String, Value> = catalog
                    .checks
                    .iter()
                    .map(|m| (m.id.to_string(), tuning(m)))
                    .collect();
                json!({
                    "description": "Tune built-in checks: [checks.ID].",
                    "type": "object",
                    "properties": props,
                    "additionalProperties": false,
                })
            }
            "check" => custom_check(catalog),
            "facts" => json!({
                "description": "Named values read from files, compared by `facts.equal`.",
                "type": "object",
                "additionalProperties": fact(),
            }),
            "waiver" => waiver(catalog),
            "publisher" => publisher(),
            "lanes" => json!({
                "description": format!(
                    "Lanes beyond the built-in ones ({}).",
                    BUILTIN_LANES.join(", ")
                ),
                "type": "array",
                "items": {"type": "string", "not": {"enum": BUILTIN_LANES}},
            }),
            other => json!({"description": format!("`{other}`")}),
        };
        top.insert(k.to_string(), v);
    }
    json!({
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "shipgate.toml",
        "description": format!(
            "The policy of shipgate {}, a release-readiness gate. Unknown keys are errors.",
            env!("CARGO_PKG_VERSION")
        ),
        "type": "object",
        "properties": top,
        "additionalProperties": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Policy, PolicyError};

    fn catalog() -> Catalog {
        crate::engine::catalog()
    }

    fn parse(text: &str, path: &str, depth: usize) -> Result<Policy, PolicyError> {
        crate::policy::parse_text(text, path, depth, &catalog())
    }

    fn to_value() -> Value {
        super::to_value(&catalog())
    }

    fn to_string() -> String {
        super::to_string(&catalog())
    }
    use std::collections::BTreeSet;

    fn keys(v: &Value) -> BTreeSet<String> {
        v["properties"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn set(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// Every key list the loader validates against appears in the schema,
    /// and the schema names no key the loader does not list.
    #[test]
    fn schema_keys_match_the_loader_lists() {
        let s = to_value();
        assert_eq!(keys(&s), set(TOP_KEYS));
        let checks = &s["properties"]["checks"];
        let cat = catalog();
        let ids: BTreeSet<String> = cat.check_ids().iter().map(|id| id.to_string()).collect();
        assert_eq!(keys(checks), ids);
        for m in &cat.checks {
            let want: Vec<&str> = TUNING_KEYS.iter().chain(m.params).copied().collect();
            assert_eq!(keys(&checks["properties"][m.id]), set(&want), "{}", m.id);
        }
        let custom = &s["properties"]["check"]["items"];
        let mut want: Vec<&str> = CUSTOM_KEYS.to_vec();
        for ev in &cat.evaluators {
            want.extend(ev.params);
        }
        assert_eq!(keys(custom), set(&want));
        assert_eq!(
            keys(&s["properties"]["facts"]["additionalProperties"]),
            set(FACT_KEYS)
        );
        assert_eq!(keys(&s["properties"]["waiver"]["items"]), set(WAIVER_KEYS));
        assert_eq!(
            keys(&s["properties"]["publisher"]["items"]),
            set(PUBLISHER_KEYS)
        );
        let presets: Vec<&str> = PRESETS.iter().map(|p| p.0).collect();
        assert_eq!(s["properties"]["extends"]["items"]["enum"], json!(presets));
    }

    fn accepted(toml: &str) {
        if let Err(e) = parse(toml, "shipgate.toml", 0) {
            assert!(
                !e.message.contains("unknown"),
                "the loader rejects a key the schema offers:\n{toml}\n→ {e}"
            );
            // The typed table and an evaluator's own parameter struct agree.
            assert!(
                ![
                    "invalid type",
                    "must be a string",
                    "must be an array",
                    "must be true or false"
                ]
                .iter()
                .any(|t| e.message.contains(t)),
                "the schema's type for a key is not the one the loader wants:\n{toml}\n→ {e}"
            );
        }
    }

    fn rejected(toml: &str) {
        let e = parse(toml, "shipgate.toml", 0).expect_err(toml);
        assert!(e.message.contains("unknown"), "{toml}\n→ {e}");
    }

    /// Behaviour, not lists: the loader accepts every key the schema names
    /// (in a valid setting) and rejects one it does not.
    #[test]
    fn loader_accepts_every_schema_key_and_rejects_others() {
        let s = to_value();
        for k in keys(&s) {
            let value = match k.as_str() {
                "extends" => "[\"default\"]",
                "vars" | "checks" | "facts" => "{}",
                _ => "[]",
            };
            accepted(&format!("{k} = {value}\n"));
        }
        rejected("extend = []\n");

        let cat = catalog();
        for m in &cat.checks {
            let id = m.id;
            for k in keys(&s["properties"]["checks"]["properties"][id]) {
                let value = match k.as_str() {
                    "severity" => "\"warn\"",
                    "files" => "[\"x.yml\"]",
                    "lanes" => "[\"preflight\"]",
                    "enabled" | "optional" => "true",
                    other => typed_value(other),
                };
                accepted(&format!("[checks.{id}]\n{k} = {value}\n"));
                if let Some(p) = params::param(&k) {
                    let wrong = if p.kind == params::Kind::Bool {
                        "[1]"
                    } else {
                        "true"
                    };
                    let e =
                        parse(&format!("[checks.{id}]\n{k} = {wrong}\n"), "p", 0).expect_err(&k);
                    assert!(e.message.contains("must be"), "{e}");
                    assert_eq!(e.location.line, 2);
                }
            }
            rejected(&format!("[checks.{id}]\nno_such_key = 1\n"));
        }

        for k in keys(&s["properties"]["facts"]["additionalProperties"]) {
            let toml = if k == "file" {
                "[facts]\nv = { file = \"a\", toml = \"a.b\" }\n".to_string()
            } else if k == "between" {
                "[facts]\nv = { file = \"a\", between = [\"b\", \"e\"] }\n".to_string()
            } else {
                format!("[facts]\nv = {{ file = \"a\", {k} = \"(x)\" }}\n")
            };
            accepted(&toml);
        }
        rejected("[facts]\nv = { file = \"a\", xml = \"a\" }\n");

        for k in keys(&s["properties"]["waiver"]["items"]) {
            let extra = match k.as_str() {
                "check" | "reason" => String::new(),
                "path" => "path = \"x\"\n".into(),
                "line" => "line = 3\n".into(),
                "expires" => "expires = \"2099-01-01\"\n".into(),
                other => format!("{other} = \"x\"\n"),
            };
            accepted(&format!(
                "[[waiver]]\ncheck = \"actions-pinned\"\nreason = \"r\"\n{extra}"
            ));
        }
        rejected("[[waiver]]\ncheck = \"actions-pinned\"\nreason = \"r\"\nuntil = \"x\"\n");
        // `check` may name one code of the check, and only a declared one.
        accepted("[[waiver]]\ncheck = \"actions-pinned/movable-ref\"\nreason = \"r\"\n");
        accepted("[[waiver]]\ncheck = \"actions-pinned/unparseable\"\nreason = \"r\"\n");
        rejected("[[waiver]]\ncheck = \"actions-pinned/movable\"\nreason = \"r\"\n");

        for k in keys(&s["properties"]["publisher"]["items"]) {
            let extra = match k.as_str() {
                "registry" | "workflow" => String::new(),
                "repository" => "repository = \"o/r\"\n".into(),
                other => format!("{other} = \"x\"\n"),
            };
            accepted(&format!(
                "[[publisher]]\nregistry = \"pypi\"\nworkflow = \"release.yml\"\n{extra}"
            ));
        }
        rejected("[[publisher]]\nregistry = \"pypi\"\nworkflow = \"release.yml\"\nenv = \"x\"\n");
        rejected("[[publisher]]\nregistry = \"pip\"\nworkflow = \"release.yml\"\n");

        for ev in &cat.evaluators {
            let allowed: Vec<&str> = CUSTOM_KEYS.iter().chain(ev.params).copied().collect();
            for k in allowed {
                let value = match k {
                    "id" | "uses" => continue,
                    "severity" => "\"warn\"",
                    "lanes" => "[\"preflight\"]",
                    "enabled" | "optional" => "true",
                    other => typed_value(other),
                };
                accepted(&format!(
                    "[[check]]\nid = \"c\"\nuses = \"{}\"\n{k} = {value}\n",
                    ev.name
                ));
            }
            rejected(&format!(
                "[[check]]\nid = \"c\"\nuses = \"{}\"\nno_such_key = 1\n",
                ev.name
            ));
        }
    }

    /// A well-typed value for a parameter.
    fn typed_value(key: &str) -> &'static str {
        match params::param(key).map(|p| p.kind) {
            Some(params::Kind::Strings | params::Kind::Globs) => "[\"x\"]",
            Some(params::Kind::Bool) => "true",
            Some(params::Kind::Table) => "{ a = \"x\" }",
            _ => "\"x\"",
        }
    }

    #[test]
    fn vars_are_the_ones_checks_read() {
        let s = to_value();
        let vars = &s["properties"]["vars"];
        assert_eq!(vars["additionalProperties"], false);
        for k in keys(vars) {
            accepted(&format!("[vars]\n{k} = \"x\"\n"));
            let e = parse(&format!("[vars]\n{k} = 3\n"), "p", 0).expect_err(&k);
            assert!(e.message.contains("must be a string"), "{e}");
        }
        let e = parse("[vars]\npublish_enviroment = \"release\"\n", "p", 0).unwrap_err();
        assert_eq!(e.location.line, 2);
        assert!(
            e.message.contains("did you mean `publish_environment`"),
            "{e}"
        );
    }

    #[test]
    fn schema_is_draft04_json() {
        let v: Value = serde_json::from_str(&to_string()).expect("valid JSON");
        assert_eq!(v["$schema"], "http://json-schema.org/draft-04/schema#");
        // Keywords taplo's draft-04 support would not understand.
        let text = to_string();
        for later in [
            "\"const\"",
            "\"if\"",
            "\"propertyNames\"",
            "\"$id\"",
            "\"examples\"",
        ] {
            assert!(!text.contains(later), "{later} is not draft-04");
        }
        assert_eq!(v["additionalProperties"], false);
    }
}

#[cfg(test)]
mod typed_params {
    use crate::policy::params::param;

    /// Every parameter a check or an evaluator declares has a type in the
    /// table the loader and this schema read.
    #[test]
    fn every_declared_parameter_is_typed() {
        let cat = crate::engine::catalog();
        for ev in &cat.evaluators {
            for k in ev.params {
                assert!(param(k).is_some(), "{}: `{k}` has no kind", ev.name);
            }
        }
        for m in &cat.checks {
            for k in m.params {
                assert!(param(k).is_some(), "{}: `{k}` has no kind", m.id);
            }
        }
    }
}
