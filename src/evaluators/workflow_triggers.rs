//! `workflow.triggers`: what starts a workflow — the events it has and has
//! not, `push` branch and tag filters, `workflow_dispatch` inputs with their
//! types, `workflow_run` workflows and types — read from the typed `on:`.

use super::Code;
use super::{Evaluator, EvaluatorSpec, ParamError, params};
use crate::checks::{Context, Outcome};
use crate::finding::Finding;
use crate::policy::CustomCheck;
use crate::workflow::WorkflowFile;
use crate::workflow::triggers::{dispatch, event_names};
use github_actions_models::workflow::Trigger;
use github_actions_models::workflow::event::{
    BranchFilters, Events, OptionalBody, TagFilters, WorkflowDispatchInputType,
};
use serde::Deserialize;
use std::collections::BTreeMap;

pub static EVALUATOR: Evaluator = Evaluator {
    spec: EvaluatorSpec {
        name: "workflow.triggers",
        summary: "what starts a workflow: events it `has` / `has_not`, push branches and tags, workflow_dispatch inputs and types, workflow_run workflows and types",
        params: &[
            "files",
            "has",
            "has_not",
            "push_branches",
            "push_tags",
            "dispatch_inputs",
            "workflow_run_workflows",
            "workflow_run_types",
        ],
        doc: "Every workflow `files` selects must be started by each event of `has` and by no event \
            of `has_not` (push, pull_request, pull_request_target, workflow_dispatch, workflow_run, \
            schedule, release, …). `push_branches` and `push_tags` are exactly the `branches` and \
            `tags` filters of `on.push` (`[]`: that filter is absent). `dispatch_inputs` are exactly \
            the `workflow_dispatch` inputs, each as \"required TYPE\" or \"TYPE\" (string, boolean, \
            choice, number, environment). `workflow_run_workflows` and `workflow_run_types` are \
            exactly those lists of `on.workflow_run`. A missing event is a finding at `on:`; a \
            forbidden one, a wrong filter or a wrong input at its own key.",
        example: "[[check]]\nid = \"release-triggers-shape\"\nuses = \"workflow.triggers\"\nfiles = [\".github/workflows/release.yml\"]\nhas = [\"push\", \"workflow_dispatch\"]\nhas_not = [\"pull_request_target\", \"schedule\"]\npush_branches = [\"main\"]\npush_tags = []\ndispatch_inputs = { recovery_reason = \"required string\" }",
        validate,
        validate_in_policy: None,
        default_lanes: &[],
        codes: &[
            super::NO_WORKFLOW,
            Code {
                id: "missing-event",
                summary: "the workflow is not started by an event the check requires",
            },
            Code {
                id: "forbidden-event",
                summary: "the workflow is started by an event the check forbids",
            },
            Code {
                id: "no-push",
                summary: "the workflow has no `push` trigger whose filters could be judged",
            },
            Code {
                id: "push-filter",
                summary: "a `push` branch or tag filter is not exactly the one required",
            },
            Code {
                id: "no-workflow-run",
                summary: "the workflow has no `workflow_run` trigger whose filters could be judged",
            },
            Code {
                id: "workflow-run-filter",
                summary: "a `workflow_run` filter is not exactly the one required",
            },
            Code {
                id: "no-dispatch",
                summary: "the workflow has no `workflow_dispatch` trigger whose inputs could be judged",
            },
            Code {
                id: "input-missing",
                summary: "`workflow_dispatch` lacks an input the check requires",
            },
            Code {
                id: "input-required",
                summary: "a `workflow_dispatch` input is required where it must be optional, or the other way round",
            },
            Code {
                id: "input-type",
                summary: "a `workflow_dispatch` input has another type than the one required",
            },
            Code {
                id: "input-unexpected",
                summary: "`workflow_dispatch` takes an input the check does not list",
            },
        ],
    },
    run,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    has: Vec<String>,
    #[serde(default)]
    has_not: Vec<String>,
    push_branches: Option<Vec<String>>,
    push_tags: Option<Vec<String>>,
    dispatch_inputs: Option<BTreeMap<String, toml::Value>>,
    workflow_run_workflows: Option<Vec<String>>,
    workflow_run_types: Option<Vec<String>>,
}

/// Every event name `on:` may hold, from the model itself.
fn known_events() -> Vec<String> {
    match serde_json::to_value(Events::default()) {
        Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

const INPUT_TYPES: &[&str] = &["string", "boolean", "choice", "number", "environment"];

/// `"required string"` → (true, "string").
fn input_spec(s: &str) -> Option<(bool, String)> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let (required, ty) = match words.as_slice() {
        ["required", t] => (true, *t),
        ["optional", t] | [t] => (false, *t),
        _ => return None,
    };
    INPUT_TYPES
        .contains(&ty)
        .then(|| (required, ty.to_string()))
}

fn validate(c: &CustomCheck) -> Result<(), ParamError> {
    let p: Params = params(c)?;
    if p.files.is_empty() {
        return Err((
            Some("files"),
            "name the workflows: `files = [\".github/workflows/release.yml\"]`".into(),
        ));
    }
    let known = known_events();
    let names: Vec<&str> = known.iter().map(String::as_str).collect();
    for (key, list) in [("has", &p.has), ("has_not", &p.has_not)] {
        for e in list {
            if !known.contains(e) {
                let hint = crate::policy::did_you_mean(e, &names);
                return Err((
                    Some(if key == "has" { "has" } else { "has_not" }),
                    format!("`{key}` names `{e}`, which is not a workflow event{hint}"),
                ));
            }
        }
    }
    if let Some(both) = p.has.iter().find(|e| p.has_not.contains(e)) {
        return Err((
            Some("has_not"),
            format!("`{both}` is in both `has` and `has_not`"),
        ));
    }
    if let Some(inputs) = &p.dispatch_inputs {
        for (name, v) in inputs {
            let ok = v.as_str().and_then(input_spec).is_some();
            if !ok {
                return Err((
                    Some("dispatch_inputs"),
                    format!(
                        "input `{name}` must be described as \"required TYPE\" or \"TYPE\", TYPE one of {}",
                        INPUT_TYPES.join(", ")
                    ),
                ));
            }
        }
    }
    let asks = !p.has.is_empty()
        || !p.has_not.is_empty()
        || p.push_branches.is_some()
        || p.push_tags.is_some()
        || p.dispatch_inputs.is_some()
        || p.workflow_run_workflows.is_some()
        || p.workflow_run_types.is_some();
    if !asks {
        return Err((
            None,
            "say what must start the workflow: has, has_not, push_branches, push_tags, \
             dispatch_inputs, workflow_run_workflows or workflow_run_types"
                .into(),
        ));
    }
    Ok(())
}

fn run(c: &CustomCheck, cx: &Context<'_>) -> Outcome {
    let p: Params = match params(c) {
        Ok(p) => p,
        Err((_, msg)) => return super::param_error(c, msg),
    };
    let wfs = cx.workflows();
    let mut out = wfs.broken.clone();
    for wf in &wfs.parsed {
        judge(wf, &p, &mut out);
    }
    if wfs.parsed.is_empty() && out.is_empty() {
        out.push(
            Finding::new(
                c.location.clone(),
                "no workflow to judge",
                "point `files` at workflows",
            )
            .code("no-workflow"),
        );
    }
    if let Some(why) = c.why.as_deref().filter(|w| !w.trim().is_empty()) {
        for f in &mut out {
            f.help = format!("{} (why: {})", f.help, why.trim());
        }
    }
    Outcome::Findings(out)
}

/// Same members, whatever the order.
fn same(a: &[String], b: &[String]) -> bool {
    let mut a: Vec<&String> = a.iter().collect();
    let mut b: Vec<&String> = b.iter().collect();
    a.sort();
    a.dedup();
    b.sort();
    b.dedup();
    a == b
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        format!("[{}]", v.join(", "))
    }
}

fn judge(wf: &WorkflowFile, p: &Params, out: &mut Vec<Finding>) {
    let on = &wf.model.on;
    let events = event_names(on);
    let on_at = wf.top().key("on");
    let on_key = on_at.locate_key();
    let event_at = |e: &str| match on {
        Trigger::Events(_) => on_at.clone().key(e).locate_key(),
        _ => on_at.locate(),
    };
    let name = &wf.path;
    for e in &p.has {
        if !events.contains(e) {
            out.push(
                Finding::new(
                    on_key.clone(),
                    format!(
                        "{name} is not started by `{e}` (its events: {})",
                        list(&events)
                    ),
                    format!("add `{e}` under `on:`"),
                )
                .code("missing-event"),
            );
        }
    }
    for e in &p.has_not {
        if events.contains(e) {
            out.push(
                Finding::new(
                    event_at(e),
                    format!("{name} is started by `{e}`, which the policy forbids"),
                    format!("remove `{e}` from `on:`"),
                )
                .code("forbidden-event"),
            );
        }
    }
    let events_body = match on {
        Trigger::Events(e) => Some(e.as_ref()),
        _ => None,
    };
    // push filters
    if p.push_branches.is_some() || p.push_tags.is_some() {
        if !events.iter().any(|e| e == "push") {
            out.push(Finding::new(
                on_key.clone(),
                format!(
                    "{name} has no `push` trigger, so its branch and tag filters cannot be judged"
                ),
                "add `push:` under `on:` with the branches and tags the policy names",
            )
.code("no-push"));
        } else {
            let push = events_body.and_then(|e| match &e.push {
                OptionalBody::Body(b) => Some(b),
                _ => None,
            });
            let (branches, ignored_branches) = match push.and_then(|b| b.branch_filters.as_ref()) {
                Some(BranchFilters::Branches(v)) => (v.clone(), false),
                Some(BranchFilters::BranchesIgnore(v)) => (v.clone(), true),
                None => (Vec::new(), false),
            };
            let (tags, ignored_tags) = match push.and_then(|b| b.tag_filters.as_ref()) {
                Some(TagFilters::Tags(v)) => (v.clone(), false),
                Some(TagFilters::TagsIgnore(v)) => (v.clone(), true),
                None => (Vec::new(), false),
            };
            for (key, want, got, ignored) in [
                ("branches", &p.push_branches, branches, ignored_branches),
                ("tags", &p.push_tags, tags, ignored_tags),
            ] {
                let Some(want) = want else { continue };
                if ignored || !same(want, &got) {
                    let written = if ignored {
                        format!("{key}-ignore")
                    } else {
                        key.to_string()
                    };
                    let push_at = wf.top().key("on").key("push");
                    let loc = if got.is_empty() && !ignored {
                        push_at.locate_key()
                    } else {
                        push_at.key(&written).locate()
                    };
                    out.push(Finding::new(
                        loc,
                        format!(
                            "`on.push.{written}` of {name} is {}, but the policy wants `{key}` to be exactly {}",
                            list(&got),
                            list(want)
                        ),
                        format!("set `on.push.{key}` to {}", list(want)),
                    )
.code("push-filter"));
                }
            }
        }
    }
    if let Some(want) = &p.dispatch_inputs {
        dispatch_inputs(wf, want, out);
    }
    if p.workflow_run_workflows.is_some() || p.workflow_run_types.is_some() {
        let body = events_body.and_then(|e| match &e.workflow_run {
            OptionalBody::Body(b) => Some(b),
            _ => None,
        });
        match body {
            None => out.push(
                Finding::new(
                    on_key.clone(),
                    format!("{name} has no `workflow_run` trigger with a body"),
                    "add `workflow_run:` with `workflows:` and `types:` under `on:`",
                )
                .code("no-workflow-run"),
            ),
            Some(b) => {
                for (key, want, got) in [
                    ("workflows", &p.workflow_run_workflows, &b.workflows),
                    ("types", &p.workflow_run_types, &b.types),
                ] {
                    let Some(want) = want else { continue };
                    if !same(want, got) {
                        let run_at = wf.top().key("on").key("workflow_run");
                        let loc = if got.is_empty() {
                            run_at.locate_key()
                        } else {
                            run_at.key(key).locate()
                        };
                        out.push(Finding::new(
                            loc,
                            format!(
                                "`on.workflow_run.{key}` of {name} is {}, but the policy wants exactly {}",
                                list(got),
                                list(want)
                            ),
                            format!("set `on.workflow_run.{key}` to {}", list(want)),
                        )
.code("workflow-run-filter"));
                    }
                }
            }
        }
    }
}

fn type_name(t: &WorkflowDispatchInputType) -> &'static str {
    match t {
        WorkflowDispatchInputType::Boolean => "boolean",
        WorkflowDispatchInputType::Choice => "choice",
        WorkflowDispatchInputType::Environment => "environment",
        WorkflowDispatchInputType::Number => "number",
        WorkflowDispatchInputType::String => "string",
    }
}

fn dispatch_inputs(
    wf: &WorkflowFile,
    want: &BTreeMap<String, toml::Value>,
    out: &mut Vec<Finding>,
) {
    let name = &wf.path;
    let dispatch_at = wf.top().key("on").key("workflow_dispatch");
    let Some(body) = dispatch(&wf.model.on) else {
        out.push(
            Finding::new(
                wf.top().key("on").locate_key(),
                format!(
                    "{name} has no `workflow_dispatch` trigger, so its inputs cannot be judged"
                ),
                "add `workflow_dispatch:` with the inputs the policy names",
            )
            .code("no-dispatch"),
        );
        return;
    };
    let empty = Default::default();
    let inputs = body.map(|b| &b.inputs).unwrap_or(&empty);
    let inputs_at = dispatch_at.clone().key("inputs");
    for (input, spec) in want {
        let Some((required, ty)) = spec.as_str().and_then(input_spec) else {
            continue;
        };
        let wanted = format!("{}{ty}", if required { "required " } else { "" });
        match inputs.get(input) {
            None => out.push(Finding::new(
                if inputs.is_empty() {
                    dispatch_at.locate_key()
                } else {
                    inputs_at.locate_key()
                },
                format!("`workflow_dispatch` of {name} has no input `{input}` (the policy wants a {wanted} input)"),
                format!("declare input `{input}` ({wanted}) under `on.workflow_dispatch.inputs`"),
            )
.code("input-missing")),
            Some(i) => {
                let got_ty = type_name(&i.r#type);
                let input_at = inputs_at.clone().key(input);
                if i.required != required {
                    let required_at = input_at.clone().key("required");
                    out.push(Finding::new(
                        if required_at.byte_span().is_some() {
                            required_at.locate()
                        } else {
                            input_at.locate_key()
                        },
                        format!(
                            "input `{input}` of {name} is {}required, but the policy wants a {wanted} input",
                            if i.required { "" } else { "not " }
                        ),
                        format!("set `required: {required}` on input `{input}`"),
                    )
.code("input-required"));
                }
                if got_ty != ty {
                    out.push(Finding::new(
                        input_at.key("type").locate(),
                        format!("input `{input}` of {name} is a {got_ty}, not a {ty}"),
                        format!("set `type: {ty}` on input `{input}`"),
                    )
.code("input-type"));
                }
            }
        }
    }
    for (input, _) in inputs.iter().filter(|(n, _)| !want.contains_key(*n)) {
        out.push(Finding::new(
            inputs_at.clone().key(input).locate_key(),
            format!(
                "`workflow_dispatch` of {name} takes input `{input}`, which the policy does not list (it lists: {})",
                want.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
            format!("remove input `{input}`, or add it to `dispatch_inputs`"),
        )
.code("input-unexpected"));
    }
}
