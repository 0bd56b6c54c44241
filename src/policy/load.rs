//! Reading `shipgate.toml`. The file is parsed into the spanned tree and
//! validated key by key, so every error names its line and key. Unknown keys
//! are errors, never ignored.

use super::catalog::Catalog;
use super::{CustomCheck, Fact, FactSource, PRESETS, Policy, PolicyError, Tuning, params};
use crate::finding::{Location, Severity};
use crate::repo::formats::parse_toml;
use crate::repo::fs_guard;
use crate::repo::spanned::{Entry, Node, Value};
use crate::repo::text::LineIndex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The policy file under `root`, with the path to show for it: the first of
/// `shipgate.toml`, `.github/shipgate.toml` that exists as anything at all.
/// A directory, FIFO or dangling symlink in its place is found here and
/// refused when loaded, never skipped for the next candidate or the
/// built-in default.
pub fn find_policy_file(root: &Path) -> Option<(PathBuf, String)> {
    ["shipgate.toml", ".github/shipgate.toml"]
        .iter()
        .map(|rel| (root.join(rel), rel.to_string()))
        .find(|(abs, _)| std::fs::symlink_metadata(abs).is_ok())
}

/// The largest policy file read.
pub const MAX_POLICY_BYTES: u64 = 1 << 20;

/// Loads and validates a policy file; `shown` is how errors name it.
pub fn load(abs: &Path, shown: &str, catalog: &Catalog) -> Result<Policy, PolicyError> {
    // A policy is a few kilobytes of a regular file: a huge one, a device
    // (`/dev/zero`), a FIFO or a directory is refused before it is read.
    let limit = MAX_POLICY_BYTES;
    let bytes = fs_guard::read_regular(abs, limit).map_err(|e| PolicyError {
        location: Location::file(shown),
        message: format!("the policy cannot be used: {e}"),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| PolicyError {
        location: Location::file(shown),
        message: "the policy is not valid UTF-8".into(),
    })?;
    from_text(&text, shown, catalog)
}

/// Parses and validates policy text that is not a file on disk (what
/// `init` would write); `shown` is how errors name it.
pub fn from_text(text: &str, shown: &str, catalog: &Catalog) -> Result<Policy, PolicyError> {
    let mut policy = parse(text, shown, 0, catalog)?;
    // Checks that refer to names elsewhere in the file (facts), judged once
    // every table is read.
    for c in &policy.custom {
        if let Some(check) = catalog
            .evaluator(&c.uses)
            .and_then(|e| e.validate_in_policy)
        {
            check(c, &policy)?;
        }
    }
    policy.path = Some(shown.to_string());
    Ok(policy)
}

struct Reader<'a> {
    text: &'a str,
    lines: LineIndex,
    path: &'a str,
    catalog: &'a Catalog,
}

impl Reader<'_> {
    fn loc(&self, offset: usize) -> Location {
        let (l, c) = self.lines.position(self.text, offset);
        Location::new(self.path, l, c)
    }

    fn err(&self, offset: usize, message: impl Into<String>) -> PolicyError {
        PolicyError {
            location: self.loc(offset),
            message: message.into(),
        }
    }

    fn string(&self, e: &Entry, ctx: &str) -> Result<String, PolicyError> {
        e.node.as_str().map(str::to_string).ok_or_else(|| {
            self.err(
                e.node.span.start,
                format!("`{ctx}{}` must be a string", e.key),
            )
        })
    }

    fn strings(&self, e: &Entry, ctx: &str) -> Result<Vec<String>, PolicyError> {
        let items = e.node.as_array().ok_or_else(|| {
            self.err(
                e.node.span.start,
                format!("`{ctx}{}` must be an array of strings", e.key),
            )
        })?;
        items
            .iter()
            .map(|n| {
                n.as_str().map(str::to_string).ok_or_else(|| {
                    self.err(
                        n.span.start,
                        format!("`{ctx}{}` must be an array of strings", e.key),
                    )
                })
            })
            .collect()
    }

    fn table<'n>(&self, e: &'n Entry, ctx: &str) -> Result<&'n [Entry], PolicyError> {
        if e.node.is_table() {
            Ok(e.node.entries())
        } else {
            Err(self.err(
                e.node.span.start,
                format!("`{ctx}{}` must be a table", e.key),
            ))
        }
    }

    fn severity(&self, e: &Entry, ctx: &str) -> Result<Severity, PolicyError> {
        match e.node.as_str() {
            Some("block") => Ok(Severity::Block),
            Some("warn") => Ok(Severity::Warn),
            _ => Err(self.err(
                e.node.span.start,
                format!("`{ctx}severity` must be \"block\" or \"warn\""),
            )),
        }
    }

    fn globs(&self, e: &Entry, ctx: &str) -> Result<Vec<String>, PolicyError> {
        let globs = self.strings(e, ctx)?;
        // An empty selection would make the check judge nothing and pass.
        if globs.is_empty() && matches!(e.key.as_str(), "files" | "paths") {
            return Err(self.err(
                e.node.span.start,
                format!(
                    "`{ctx}{}` is empty, so the check would judge no file; name at least one \
                     glob, or remove the key",
                    e.key
                ),
            ));
        }
        for g in &globs {
            crate::repo::check_glob(g).map_err(|err| {
                self.err(
                    e.node.span.start,
                    format!("bad glob in `{ctx}{}`: {err}", e.key),
                )
            })?;
        }
        Ok(globs)
    }

    /// Checks `e` against the kind the parameter table gives its key: the
    /// error points at the first part that is wrong (an array's item).
    fn typed(&self, e: &Entry, ctx: &str) -> Result<(), PolicyError> {
        let Some(p) = params::param(&e.key) else {
            return Ok(());
        };
        if let Some(at) = p.kind.mismatch(&e.node) {
            return Err(self.err(
                at,
                format!(
                    "`{ctx}{}` must be {}, not {}",
                    e.key,
                    p.kind.expected(),
                    what(&self.text[e.node.span.clone()], at - e.node.span.start)
                ),
            ));
        }
        if p.kind == params::Kind::Globs {
            self.globs(e, ctx)?;
        }
        Ok(())
    }

    fn unknown(&self, e: &Entry, ctx: &str, allowed: &[&str]) -> PolicyError {
        let hint = did_you_mean(&e.key, allowed);
        self.err(
            e.key_span.start,
            format!(
                "unknown key `{ctx}{}`{hint}; expected one of: {}",
                e.key,
                allowed.join(", ")
            ),
        )
    }
}

/// The wrong value as written, shortened, for an error message.
fn what(value_text: &str, from: usize) -> String {
    let rest = value_text.get(from..).unwrap_or(value_text);
    let first: String = rest
        .split([',', ']', '\n'])
        .next()
        .unwrap_or(rest)
        .trim()
        .chars()
        .take(40)
        .collect();
    format!("`{first}`")
}

/// The string value of key `e` of a `[[table]]` entry, or the error that
/// says it must be one.
pub(super) fn entry_string<E>(
    table: &str,
    e: &crate::repo::spanned::Entry,
    err: &impl Fn(usize, String) -> E,
) -> Result<String, E> {
    e.node.as_str().map(str::to_string).ok_or_else(|| {
        err(
            e.node.span.start,
            format!("`{table}.{}` must be a string", e.key),
        )
    })
}

/// The error for a key a `[[table]]` entry does not know, with "did you
/// mean" and the keys it does.
pub(super) fn unknown_entry_key<E>(
    table: &str,
    e: &crate::repo::spanned::Entry,
    keys: &[&str],
    err: &impl Fn(usize, String) -> E,
) -> E {
    err(
        e.key_span.start,
        format!(
            "unknown key `{table}.{}`{}; expected one of: {}",
            e.key,
            did_you_mean(&e.key, keys),
            keys.join(", ")
        ),
    )
}

/// ` (did you mean `x`?)` for the closest allowed key, or nothing.
pub fn did_you_mean(key: &str, allowed: &[&str]) -> String {
    suggest(key, allowed)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// The allowed key closest to `key`: a few edits away (more for longer
/// keys), or one that starts with it or it starts with (`github_repo`).
fn suggest<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    let room = (key.chars().count() / 4).max(2);
    allowed
        .iter()
        .copied()
        .map(|a| (strsim::levenshtein(&lower, a), a))
        .filter(|(d, a)| {
            *d <= room || (lower.len() >= 4 && (a.starts_with(&lower) || lower.starts_with(a)))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

// The keys the loader accepts at each level. `shipgate schema` is generated
// from these lists (see schema.rs), so keep them in step with the matches below.
pub const TOP_KEYS: &[&str] = &[
    "extends",
    "vars",
    "checks",
    "check",
    "facts",
    "waiver",
    "publisher",
    "lanes",
];
pub const TUNING_KEYS: &[&str] = &["severity", "files", "lanes", "enabled"];
pub const CUSTOM_KEYS: &[&str] = &[
    "id", "uses", "title", "why", "severity", "lanes", "enabled", "optional",
];
/// `file` plus exactly one source.
pub const FACT_KEYS: &[&str] = &["file", "toml", "json", "yaml", "regex", "between"];

/// Parses policy text. `depth` guards preset recursion.
pub fn parse(
    text: &str,
    path: &str,
    depth: usize,
    catalog: &Catalog,
) -> Result<Policy, PolicyError> {
    let r = Reader {
        text,
        lines: LineIndex::new(text),
        path,
        catalog,
    };
    let root =
        parse_toml(text).map_err(|e| r.err(e.offset, format!("invalid TOML: {}", e.message)))?;
    let mut policy = Policy::default();
    let mut own = Policy::default();
    // Pass 1: lanes first, since checks and custom checks name them.
    if let Some(e) = root.entry("lanes") {
        own.lanes = r.strings(e, "")?;
        for (i, l) in own.lanes.iter().enumerate() {
            if super::BUILTIN_LANES.contains(&l.as_str()) {
                let n = &e.node.as_array().unwrap_or(&[])[i];
                return Err(r.err(
                    n.span.start,
                    format!("lane `{l}` is built in; declare only new lanes"),
                ));
            }
        }
    }
    for e in root.entries() {
        match e.key.as_str() {
            "extends" => {
                for (i, name) in r.strings(e, "")?.into_iter().enumerate() {
                    let Some((_, _, preset)) = PRESETS.iter().find(|(n, _, _)| *n == name) else {
                        let n = &e.node.as_array().unwrap_or(&[])[i];
                        let names: Vec<&str> = PRESETS.iter().map(|p| p.0).collect();
                        return Err(r.err(
                            n.span.start,
                            format!(
                                "unknown preset `{name}`{}; presets: {}",
                                did_you_mean(&name, &names),
                                names.join(", ")
                            ),
                        ));
                    };
                    if depth > 4 {
                        return Err(
                            r.err(e.node.span.start, "presets extend each other too deeply")
                        );
                    }
                    let base = parse(preset, &format!("<preset {name}>"), depth + 1, catalog)?;
                    merge(&mut policy, base);
                    own.extends.push(name);
                }
            }
            "vars" => {
                // Only variables a check reads: a misspelt one would
                // silently turn its check's BLOCK into a PASS.
                let known: Vec<&str> = params::VARS.iter().map(|v| v.key).collect();
                for v in r.table(e, "")? {
                    if params::var(&v.key).is_none() {
                        return Err(r.unknown(v, "vars.", &known));
                    }
                    let value = r.string(v, "vars.")?;
                    own.vars.insert(v.key.clone(), value);
                    own.var_at.insert(v.key.clone(), r.loc(v.key_span.start));
                }
            }
            "checks" => {
                for c in r.table(e, "")? {
                    if catalog.audits.iter().any(|a| a.id == c.key) {
                        return Err(r.err(
                            c.key_span.start,
                            format!(
                                "`{}` is the gate's audit of the policy itself, not a check \
                                 with settings: it cannot be disabled, retuned or narrowed \
                                 under [checks]; remove this table",
                                c.key
                            ),
                        ));
                    }
                    let Some(meta) = catalog.check(&c.key) else {
                        let ids = catalog.check_ids();
                        let hint = did_you_mean(&c.key, &ids);
                        return Err(r.err(
                            c.key_span.start,
                            format!(
                                "unknown check `{}`{hint}; `shipgate list` shows them",
                                c.key
                            ),
                        ));
                    };
                    let ctx = format!("checks.{}.", c.key);
                    let mut t = Tuning::default();
                    for k in r.table(c, "checks.")? {
                        match k.key.as_str() {
                            "severity" => t.severity = Some(r.severity(k, &ctx)?),
                            "files" => {
                                t.files = Some(r.globs(k, &ctx)?);
                                t.files_line = Some(r.loc(k.key_span.start).line);
                            }
                            "lanes" => t.lanes = Some(lanes(&r, k, &ctx, &own)?),
                            "enabled" => {
                                t.enabled = Some(k.node.as_bool().ok_or_else(|| {
                                    r.err(
                                        k.node.span.start,
                                        format!("`{ctx}enabled` must be true or false"),
                                    )
                                })?)
                            }
                            other if meta.params.contains(&other) => {
                                r.typed(k, &ctx)?;
                                t.params.insert(other.to_string(), to_toml(&k.node));
                            }
                            _ => {
                                let allowed: Vec<&str> =
                                    TUNING_KEYS.iter().chain(meta.params).copied().collect();
                                return Err(r.unknown(k, &ctx, &allowed));
                            }
                        }
                    }
                    own.tunings.insert(c.key.clone(), t);
                }
            }
            "check" => {
                let items = e.node.as_array().ok_or_else(|| {
                    r.err(
                        e.node.span.start,
                        "`check` must be an array of tables ([[check]])",
                    )
                })?;
                for item in items {
                    let c = custom_check(&r, item, &own)?;
                    if catalog.check(&c.id).is_some() || own.custom.iter().any(|o| o.id == c.id) {
                        return Err(PolicyError {
                            location: c.location.clone(),
                            message: format!("check id `{}` is already taken", c.id),
                        });
                    }
                    own.custom.push(c);
                }
            }
            "facts" => {
                for f in r.table(e, "")? {
                    own.facts.insert(f.key.clone(), fact(&r, f)?);
                }
            }
            "waiver" => {
                for item in array_of_tables(&r, e, "waiver")? {
                    own.waivers.push(super::waiver::parse(
                        &r.loc(item.span.start),
                        item,
                        |o, m| r.err(o, m),
                    )?);
                }
            }
            "publisher" => {
                for item in array_of_tables(&r, e, "publisher")? {
                    own.publishers.push(super::publisher::parse(
                        &r.loc(item.span.start),
                        item,
                        |o, m| r.err(o, m),
                    )?);
                }
            }
            "lanes" => {}
            _ => return Err(r.unknown(e, "", TOP_KEYS)),
        }
    }
    // Waivers may name custom checks declared anywhere in the file.
    for w in &own.waivers {
        if catalog.check(&w.check).is_none()
            && !own.custom.iter().any(|c| c.id == w.check)
            && w.check != "*"
        {
            return Err(PolicyError {
                location: w.location.clone(),
                message: {
                    let mut ids = catalog.check_ids();
                    ids.extend(own.custom.iter().map(|c| c.id.as_str()));
                    format!(
                        "waiver names unknown check `{}`{}",
                        w.check,
                        did_you_mean(&w.check, &ids)
                    )
                },
            });
        }
        if let Some(code) = &w.code {
            waiver_code(catalog, &own, w, code)?;
        }
    }
    merge(&mut policy, own);
    Ok(policy)
}

/// Judges the code of a `check = "CHECK/CODE"` waiver: CODE is one that
/// CHECK's findings may carry (a custom check's are its evaluator's).
fn waiver_code(
    catalog: &Catalog,
    own: &Policy,
    w: &super::Waiver,
    code: &str,
) -> Result<(), PolicyError> {
    let fail = |message: String| {
        Err(PolicyError {
            location: w.location.clone(),
            message,
        })
    };
    if w.check == "*" {
        return fail(format!(
            "waiver `{}` names a code under `*`; codes belong to one check: name it, as in `actions-pinned/{code}`",
            w.names()
        ));
    }
    // A custom check's codes are its evaluator's; `explain` lists them
    // under the evaluator's name.
    let (codes, explain) = match own.custom.iter().find(|c| c.id == w.check) {
        Some(c) => match catalog.evaluator(&c.uses) {
            Some(ev) => (ev.all_codes().map(|c| c.id).collect(), ev.name),
            None => (Vec::new(), c.uses.as_str()),
        },
        None => (catalog.code_ids(&w.check), w.check.as_str()),
    };
    if codes.contains(&code) {
        return Ok(());
    }
    fail(format!(
        "waiver names unknown code `{code}` of check `{}`{}; `shipgate explain {explain}` lists its codes",
        w.check,
        did_you_mean(code, &codes),
    ))
}

/// The tables of a `[[name]]` entry; anything else there is a policy error.
fn array_of_tables<'e>(
    r: &Reader<'_>,
    e: &'e Entry,
    name: &str,
) -> Result<&'e [Node], PolicyError> {
    e.node.as_array().ok_or_else(|| {
        r.err(
            e.node.span.start,
            format!("`{name}` must be an array of tables ([[{name}]])"),
        )
    })
}

fn lanes(r: &Reader<'_>, e: &Entry, ctx: &str, own: &Policy) -> Result<Vec<String>, PolicyError> {
    let lanes = r.strings(e, ctx)?;
    // Read literally, no lane would mean the check never runs; the engine
    // reads an empty list as every lane. Neither is safe to guess.
    if lanes.is_empty() {
        return Err(r.err(
            e.node.span.start,
            format!(
                "`{ctx}lanes` is empty; name the lanes the check runs in, remove the key for \
                 its default lanes, or set `enabled = false` to turn it off"
            ),
        ));
    }
    for l in &lanes {
        if !super::BUILTIN_LANES.contains(&l.as_str()) && !own.lanes.contains(l) {
            return Err(r.err(
                e.node.span.start,
                format!(
                    "unknown lane `{l}` in `{ctx}lanes`; declare it in top-level `lanes = [...]`"
                ),
            ));
        }
    }
    Ok(lanes)
}

fn custom_check(r: &Reader<'_>, item: &Node, own: &Policy) -> Result<CustomCheck, PolicyError> {
    if !item.is_table() {
        return Err(r.err(item.span.start, "each [[check]] must be a table"));
    }
    let location = r.loc(item.span.start);
    let need = |key: &str| -> Result<String, PolicyError> {
        let e = item
            .entry(key)
            .ok_or_else(|| r.err(item.span.start, format!("[[check]] needs `{key}`")))?;
        r.string(e, "check.")
    };
    let id = need("id")?;
    let uses = need("uses")?;
    let ctx = format!("check.{id}.");
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        let e = item
            .entry("id")
            .map(|e| e.node.span.start)
            .unwrap_or(item.span.start);
        return Err(r.err(
            e,
            format!("check id `{id}` must be kebab-case (a-z, 0-9, -)"),
        ));
    }
    let Some(ev) = r.catalog.evaluator(&uses) else {
        let e = item
            .entry("uses")
            .map(|e| e.node.span.start)
            .unwrap_or(item.span.start);
        let names = r.catalog.evaluator_names();
        return Err(r.err(
            e,
            format!(
                "unknown evaluator `{uses}`{}; available: {}",
                did_you_mean(&uses, &names),
                if names.is_empty() {
                    "none".into()
                } else {
                    names.join(", ")
                }
            ),
        ));
    };
    // An evaluator may default its checks to a lane (settings proof: preflight).
    let default_lanes = ev.default_lanes.iter().map(|l| l.to_string()).collect();
    let mut c = CustomCheck {
        id: id.clone(),
        uses,
        title: None,
        why: None,
        severity: Severity::Block,
        lanes: default_lanes,
        enabled: true,
        optional: false,
        files: None,
        location,
        params: toml::Table::new(),
        param_lines: HashMap::new(),
    };
    for e in item.entries() {
        match e.key.as_str() {
            "id" | "uses" => {}
            "title" => c.title = Some(r.string(e, &ctx)?),
            "why" => c.why = Some(r.string(e, &ctx)?),
            "severity" => c.severity = r.severity(e, &ctx)?,
            "lanes" => c.lanes = lanes(r, e, &ctx, own)?,
            "enabled" => {
                c.enabled = e.node.as_bool().ok_or_else(|| {
                    r.err(
                        e.node.span.start,
                        format!("`{ctx}enabled` must be true or false"),
                    )
                })?
            }
            "optional" => {
                c.optional = e.node.as_bool().ok_or_else(|| {
                    r.err(
                        e.node.span.start,
                        format!("`{ctx}optional` must be true or false"),
                    )
                })?
            }
            key if ev.params.contains(&key) => {
                r.typed(e, &ctx)?;
                c.param_lines
                    .insert(key.to_string(), r.loc(e.key_span.start).line);
                c.params.insert(key.to_string(), to_toml(&e.node));
            }
            _ => {
                let allowed: Vec<&str> = CUSTOM_KEYS.iter().chain(ev.params).copied().collect();
                return Err(r.unknown(e, &ctx, &allowed));
            }
        }
    }
    if let Some(f) = c.params.get("files").and_then(|v| v.as_array()) {
        c.files = Some(
            f.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        );
    }
    (ev.validate)(&c).map_err(|(key, msg)| {
        let offset = key
            .and_then(|k| item.entry(k))
            .map(|e| e.key_span.start)
            .unwrap_or(item.span.start);
        r.err(offset, format!("[[check]] `{}`: {msg}", c.id))
    })?;
    Ok(c)
}

fn fact(r: &Reader<'_>, f: &Entry) -> Result<Fact, PolicyError> {
    let ctx = format!("facts.{}.", f.key);
    if !f.node.is_table() {
        return Err(r.err(
            f.node.span.start,
            format!(
                "`facts.{}` must be a table like {{ file = \"…\", regex = '…' }}",
                f.key
            ),
        ));
    }
    let mut file = None;
    let mut source = None;
    for e in f.node.entries() {
        if e.key == "between" {
            let markers = r.strings(e, &ctx)?;
            let [start, end] = markers.as_slice() else {
                return Err(r.err(
                    e.node.span.start,
                    format!("`{ctx}between` takes two marker lines: [\"start\", \"end\"]"),
                ));
            };
            if start.trim().is_empty() || end.trim().is_empty() {
                return Err(r.err(
                    e.node.span.start,
                    format!("`{ctx}between` markers must not be empty"),
                ));
            }
            let new = FactSource::Region {
                start: start.clone(),
                end: end.clone(),
            };
            if source.replace(new).is_some() {
                return Err(r.err(
                    e.key_span.start,
                    format!(
                        "`facts.{}` takes exactly one of toml, json, yaml, regex, between",
                        f.key
                    ),
                ));
            }
            continue;
        }
        let s = r.string(e, &ctx)?;
        if matches!(e.key.as_str(), "toml" | "json" | "yaml")
            && let Err(why) = super::fact_path::path_parts(&s)
        {
            return Err(r.err(
                e.node.span.start,
                format!("bad path in `{ctx}{}`: {why}", e.key),
            ));
        }
        let new = match e.key.as_str() {
            "file" => {
                file = Some(s);
                continue;
            }
            "toml" => FactSource::Toml(s),
            "json" => FactSource::Json(s),
            "yaml" => FactSource::Yaml(s),
            "regex" => FactSource::Regex(regex::Regex::new(&s).map_err(|err| {
                r.err(
                    e.node.span.start,
                    format!("bad regex in `{ctx}regex`: {err}"),
                )
            })?),
            _ => return Err(r.unknown(e, &ctx, FACT_KEYS)),
        };
        if source.replace(new).is_some() {
            return Err(r.err(
                e.key_span.start,
                format!(
                    "`facts.{}` takes exactly one of toml, json, yaml, regex, between",
                    f.key
                ),
            ));
        }
    }
    let file =
        file.ok_or_else(|| r.err(f.node.span.start, format!("`facts.{}` needs `file`", f.key)))?;
    let source = source.ok_or_else(|| {
        r.err(
            f.node.span.start,
            format!(
                "`facts.{}` needs one of toml, json, yaml, regex, between",
                f.key
            ),
        )
    })?;
    Ok(Fact {
        name: f.key.clone(),
        file,
        source,
        location: r.loc(f.key_span.start),
    })
}

/// Later settings win; lists of custom checks, facts and waivers add up.
fn merge(into: &mut Policy, from: Policy) {
    into.extends.extend(from.extends);
    into.vars.extend(from.vars);
    into.var_at.extend(from.var_at);
    for (id, t) in from.tunings {
        let cur = into.tunings.entry(id).or_default();
        if t.severity.is_some() {
            cur.severity = t.severity;
        }
        if t.files.is_some() {
            cur.files = t.files;
            cur.files_line = t.files_line;
        }
        if t.lanes.is_some() {
            cur.lanes = t.lanes;
        }
        if t.enabled.is_some() {
            cur.enabled = t.enabled;
        }
        cur.params.extend(t.params);
    }
    into.custom.extend(from.custom);
    into.facts.extend(from.facts);
    into.waivers.extend(from.waivers);
    into.publishers.extend(from.publishers);
    into.lanes.extend(from.lanes);
}

/// The spanned tree back to a plain TOML value, for evaluator parameters.
pub fn to_toml(n: &Node) -> toml::Value {
    match &n.value {
        Value::Null => toml::Value::String(String::new()),
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Str(s) => toml::Value::String(s.clone()),
        Value::Scalar(s) => s
            .parse::<i64>()
            .map(toml::Value::Integer)
            .or_else(|_| s.parse::<f64>().map(toml::Value::Float))
            .unwrap_or_else(|_| toml::Value::String(s.clone())),
        Value::Array(items) => toml::Value::Array(items.iter().map(to_toml).collect()),
        Value::Table(entries) => toml::Value::Table(
            entries
                .iter()
                .map(|e| (e.key.clone(), to_toml(&e.node)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::EvaluatorSpec;

    static PINNED: crate::meta::Meta = crate::meta::Meta {
        id: "actions-pinned",
        title: "t",
        severity: Severity::Block,
        lanes: &[],
        rationale: "",
        passes: "",
        fails: "",
        fix: "",
        params: &[],
        codes: &[crate::meta::Code {
            id: "movable-ref",
            summary: "",
        }],
    };

    static AUDIT: crate::meta::Meta = crate::meta::Meta {
        id: "policy-waivers",
        ..PINNED
    };

    #[test]
    fn an_audit_of_the_policy_has_no_settings_and_says_so() {
        // `shipgate list` shows the audits beside the checks; a table for
        // one is refused with what it is, not as an unknown check.
        let e = parse(
            "[checks.actions-pinned]\nseverity = \"warn\"\n[checks.policy-waivers]\nenabled = false\n",
            "shipgate.toml",
            0,
        )
        .unwrap_err();
        assert_eq!(e.location.line, 3, "{e}");
        assert!(e.message.contains("audit of the policy itself"), "{e}");
        assert!(!e.message.contains("unknown check"), "{e}");
    }

    static PREFLIGHT_ONLY: EvaluatorSpec = EvaluatorSpec {
        name: "settings.environment",
        summary: "",
        params: &["evidence", "required_reviewers"],
        doc: "",
        example: "",
        validate: |_| Ok(()),
        validate_in_policy: None,
        default_lanes: &["preflight"],
        codes: &[crate::meta::Code {
            id: "setting-differs",
            summary: "",
        }],
    };

    /// A catalog of one check and one evaluator: the loader judges names
    /// against what it is handed, nothing else.
    fn catalog() -> Catalog {
        Catalog {
            checks: vec![&PINNED],
            evaluators: vec![&PREFLIGHT_ONLY],
            audits: vec![&AUDIT],
        }
    }

    fn parse(text: &str, path: &str, depth: usize) -> Result<Policy, PolicyError> {
        super::parse(text, path, depth, &catalog())
    }

    #[test]
    fn a_waiver_names_one_code_of_a_check_and_only_a_declared_one() {
        let p = parse(
            "[[waiver]]\ncheck = \"actions-pinned/movable-ref\"\nreason = \"r\"\n",
            "shipgate.toml",
            0,
        )
        .unwrap();
        assert_eq!(p.waivers[0].check, "actions-pinned");
        assert_eq!(p.waivers[0].code.as_deref(), Some("movable-ref"));
        assert_eq!(p.waivers[0].names(), "actions-pinned/movable-ref");
        // An engine code is a code of every check.
        assert!(
            parse(
                "[[waiver]]\ncheck = \"actions-pinned/unparseable\"\nreason = \"r\"\n",
                "shipgate.toml",
                0,
            )
            .is_ok()
        );
        let e = parse(
            "\n[[waiver]]\ncheck = \"actions-pinned/movable-rf\"\nreason = \"r\"\n",
            "shipgate.toml",
            0,
        )
        .unwrap_err();
        assert_eq!(e.location.line, 2, "{e}");
        assert!(e.message.contains("unknown code `movable-rf`"), "{e}");
        assert!(e.message.contains("did you mean `movable-ref`"), "{e}");
        let custom = "[[check]]\nid = \"mine\"\nuses = \"settings.environment\"\nevidence = \"e.json\"\n\n[[waiver]]\ncheck = \"mine/setting-differs\"\nreason = \"r\"\n";
        assert_eq!(
            parse(custom, "shipgate.toml", 0).unwrap().waivers[0].names(),
            "mine/setting-differs"
        );
        for bad in ["*/movable-ref", "mine/no-match"] {
            let text = format!(
                "[[check]]\nid = \"mine\"\nuses = \"settings.environment\"\nevidence = \"e.json\"\n\n[[waiver]]\ncheck = \"{bad}\"\nreason = \"r\"\n"
            );
            let e = parse(&text, "shipgate.toml", 0).unwrap_err();
            assert!(e.message.contains("code"), "{bad}: {e}");
        }
    }

    #[test]
    fn misspelt_key_names_line_and_key() {
        let e = parse(
            "[checks.actions-pinned]\nsevrity = \"warn\"\n",
            "shipgate.toml",
            0,
        )
        .unwrap_err();
        assert_eq!(e.location.line, 2);
        assert!(
            e.message.contains("sevrity") && e.message.contains("did you mean `severity`"),
            "{e}"
        );
    }

    #[test]
    fn tunes_and_extends() {
        let p = parse("extends = [\"default\"]\n[vars]\npublish_environment = \"pypi\"\n[checks.actions-pinned]\nseverity = \"warn\"\n", "p", 0).unwrap();
        assert_eq!(p.vars["publish_environment"], "pypi");
        assert_eq!(p.tunings["actions-pinned"].severity, Some(Severity::Warn));
        assert!(parse("extends = [\"nope\"]", "p", 0).is_err());
        assert!(parse("[checks.no-such]\nseverity = \"warn\"", "p", 0).is_err());
        assert!(parse("bogus = 1", "p", 0).is_err());
        let bad = parse("[facts]\nv = { file = \"a\", regex = '(' }", "p", 0).unwrap_err();
        assert!(bad.message.contains("bad regex"), "{bad}");
    }

    #[test]
    fn settings_checks_default_to_preflight() {
        let check = "[[check]]\nid = \"env\"\nuses = \"settings.environment\"\nevidence = \"e.json\"\nrequired_reviewers = true\n";
        let p = parse(check, "p", 0).unwrap();
        assert_eq!(p.custom[0].lanes, vec!["preflight".to_string()]);
        let named = check.replace("evidence", "lanes = [\"pre-merge\"]\nevidence");
        let p = parse(&named, "p", 0).unwrap();
        assert_eq!(p.custom[0].lanes, vec!["pre-merge".to_string()]);
    }
}
