//! `shipgate list --format json`: the catalog of checks and evaluators as
//! the versioned `shipgate/list-v1` schema, for editors, dashboards and
//! scripts that would otherwise scrape the one-line-each text.
//!
//! The keys are those of the typed views below, each object's keys in name
//! order (as in the report); a key is only ever added, never renamed or
//! removed, without a new schema version.

use crate::checks;
use crate::evaluators::{EVALUATORS, Evaluator};
use crate::meta::{CUSTOM_CHECK_CODES, Code, ENGINE_CODES, Meta};
use serde::Serialize;

/// The schema this output follows.
pub const SCHEMA: &str = "shipgate/list-v1";

#[derive(Serialize)]
struct ListView {
    /// Every built-in check and engine audit, in `shipgate list` order.
    checks: Vec<CheckView>,
    /// Codes any custom `[[check]]` may carry, whatever its evaluator.
    custom_check_codes: Vec<CodeView>,
    /// Codes the engine may add under any check.
    engine_codes: Vec<CodeView>,
    evaluators: Vec<EvaluatorView>,
    schema: &'static str,
    tool: ToolView,
}

#[derive(Serialize)]
struct ToolView {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct CheckView {
    /// The check's own codes (the engine's are in `engine_codes`).
    codes: Vec<CodeView>,
    /// Its reference page.
    help_uri: String,
    id: &'static str,
    /// `check`: a built-in check a policy tunes and waivers silence;
    /// `audit`: an engine audit (waivers, baseline) that runs after them.
    kind: &'static str,
    /// The lanes that run it (`pre-merge` runs in every lane).
    lanes: Vec<&'static str>,
    /// Keys it accepts under `[checks.ID]` beside `severity`, `enabled`,
    /// `lanes` and `files`.
    params: Vec<ParamView>,
    severity: &'static str,
    title: &'static str,
}

#[derive(Serialize)]
struct EvaluatorView {
    codes: Vec<CodeView>,
    /// The lanes its checks run in when the policy names none.
    lanes: Vec<&'static str>,
    name: &'static str,
    /// Keys a `[[check]]` that uses it accepts beside the common ones.
    params: Vec<ParamView>,
    summary: &'static str,
}

#[derive(Serialize)]
struct CodeView {
    id: &'static str,
    summary: &'static str,
}

#[derive(Serialize)]
struct ParamView {
    doc: String,
    /// What the value must be, in words (`an array of strings`).
    expects: &'static str,
    name: &'static str,
}

fn codes(list: &'static [Code]) -> Vec<CodeView> {
    list.iter()
        .map(|c| CodeView {
            id: c.id,
            summary: c.summary,
        })
        .collect()
}

fn params(keys: &'static [&'static str]) -> Vec<ParamView> {
    keys.iter()
        .map(|&name| {
            let (expects, doc) = match crate::policy::params::param(name) {
                Some(p) => (p.kind.expected(), p.doc),
                None => ("", ""),
            };
            ParamView {
                doc: doc.split_whitespace().collect::<Vec<_>>().join(" "),
                expects,
                name,
            }
        })
        .collect()
}

fn lanes(declared: &'static [&'static str]) -> Vec<&'static str> {
    if declared.is_empty() {
        vec!["pre-merge"]
    } else {
        declared.to_vec()
    }
}

fn check(m: &'static Meta) -> CheckView {
    CheckView {
        codes: codes(m.codes),
        help_uri: crate::meta::help_uri(m.id),
        id: m.id,
        kind: if checks::builtin(m.id).is_some() {
            "check"
        } else {
            "audit"
        },
        lanes: lanes(m.lanes),
        params: params(m.params),
        severity: m.severity.as_str(),
        title: m.title,
    }
}

fn evaluator(e: &'static Evaluator) -> EvaluatorView {
    EvaluatorView {
        codes: codes(e.codes),
        lanes: lanes(e.default_lanes),
        name: e.name,
        params: params(e.params),
        summary: e.summary,
    }
}

/// The catalog as pretty-printed JSON, ending with a newline.
pub fn to_string() -> String {
    let view = ListView {
        checks: checks::all_metas().map(check).collect(),
        custom_check_codes: codes(CUSTOM_CHECK_CODES),
        engine_codes: codes(ENGINE_CODES),
        evaluators: EVALUATORS.iter().copied().map(evaluator).collect(),
        schema: SCHEMA,
        tool: ToolView {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
    };
    let mut s = serde_json::to_string_pretty(&view).unwrap_or_default();
    s.push('\n');
    s
}
