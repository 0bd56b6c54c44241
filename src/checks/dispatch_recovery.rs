//! `dispatch-recovery`: a manual trigger on a release workflow records why
//! it was used.

use super::{Check, Code, Context, Meta, Over, Scope, Seen};
use crate::finding::{Finding, Severity};
use crate::workflow::triggers::dispatch;
use crate::workflow::WorkflowFile;
use github_actions_models::workflow::event::WorkflowDispatchInputType;

pub struct DispatchRecovery;

static META: Meta = Meta {
    id: "dispatch-recovery",
    title: "A manual release trigger records why it was used",
    severity: Severity::Warn,
    lanes: &[],
    rationale: "`workflow_dispatch` on a release workflow lets anyone with write access \
        publish from any ref at any time, outside the reviewed release-PR path. Kept for \
        recovery (re-running a publish that failed after the tag was pushed), it should \
        leave a record: a required input that says why, which GitHub shows on the run \
        page and in the audit trail. An input that names what to release (`ref`, \
        `recovery_ref`, `recoveryRef`, `tag`, `sha`) is not a reason, whatever its description \
        says, and neither is a boolean or a number.",
    passes: "on:\n  workflow_dispatch:\n    inputs:\n      recovery_reason:\n        description: Why is this release being re-run by hand?\n        required: true",
    fails: "on:\n  push:\n    tags: ['v*']\n  workflow_dispatch:",
    fix: "Declare a required string input such as `recovery_reason` on `workflow_dispatch` \
        (and echo it in the run), or drop the manual trigger if releases never need \
        a re-run.",
    params: &[],
    codes: &[
        Code {
            id: "no-reason-input",
            summary: "a release workflow can be started by hand without an input that records why",
        },
        Code {
            id: "reason-not-required",
            summary: "the input that records why a release was started by hand is optional",
        },
        Code {
            id: "reason-input-type",
            summary: "the input that records why a release was started by hand cannot hold free text",
        },
    ],
};

impl Check for DispatchRecovery {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Workflows(Over::Releases)
    }

    fn skip_workflows(&self, seen: &Seen) -> Option<String> {
        (seen.broken.is_empty() && !seen.release_dispatch)
            .then(|| "no release workflow has a `workflow_dispatch` trigger".into())
    }

    fn workflow(&self, _cx: &Context<'_>, wf: &WorkflowFile, out: &mut Vec<Finding>) {
        check(wf, out)
    }
}

/// Words in an input's name or description that mark it as the reason.
const REASON_WORDS: &[&str] = &[
    "reason",
    "why",
    "recovery",
    "justification",
    "justify",
    "incident",
    "ticket",
    "explain",
    "explanation",
    "purpose",
    "motivation",
];

/// Last words of an input's name that make it a ref to act on, not a reason.
const REF_WORDS: &[&str] = &["ref", "tag", "sha", "commit", "branch", "version"];

/// Whether an input names what to release (`ref`, `recovery_ref`,
/// `release-tag`, `sha`), whatever its description says.
fn names_a_ref(name: &str) -> bool {
    let last = name.rsplit(['_', '-', '.', ' ']).next().unwrap_or(name);
    // `recoveryRef`, `releaseTag`: the last camel-case word.
    let last = match last.rfind(|c: char| c.is_ascii_uppercase()) {
        Some(i) if i > 0 => &last[i..],
        _ => last,
    };
    REF_WORDS.contains(&last.to_ascii_lowercase().as_str())
}

/// Whether an input can hold a sentence: a boolean or a number records no
/// reason, whatever it is called.
fn holds_text(t: &WorkflowDispatchInputType) -> bool {
    matches!(
        t,
        WorkflowDispatchInputType::String | WorkflowDispatchInputType::Choice
    )
}

fn check(wf: &WorkflowFile, out: &mut Vec<Finding>) {
    let Some(body) = dispatch(&wf.model.on) else {
        return;
    };
    let dispatch_at = wf.top().key("on").key("workflow_dispatch");
    let inputs = body.map(|b| &b.inputs);
    let is_reason = |name: &str, desc: Option<&str>| {
        if names_a_ref(name) {
            // `recovery_ref` says what to re-run, not why.
            return false;
        }
        let text = format!("{name} {}", desc.unwrap_or("")).to_ascii_lowercase();
        REASON_WORDS.iter().any(|w| text.contains(w))
    };
    let Some(inputs) = inputs.filter(|i| !i.is_empty()) else {
        out.push(Finding::new(
            dispatch_at.locate_key(),
            format!(
                "release workflow `{}` can be run by hand (`workflow_dispatch`) without saying why",
                wf.file_name()
            ),
            "add a required input, e.g. `inputs: { recovery_reason: { description: Why run the release by hand?, required: true, type: string } }`",
        )
.code("no-reason-input"));
        return;
    };
    if inputs
        .iter()
        .any(|(n, i)| i.required && holds_text(&i.r#type) && is_reason(n, i.description.as_deref()))
    {
        return;
    }
    // A reason input that is a yes/no or a number: it records nothing.
    if let Some((name, i)) = inputs
        .iter()
        .find(|(n, i)| !holds_text(&i.r#type) && is_reason(n, i.description.as_deref()))
    {
        out.push(Finding::new(
            dispatch_at.key("inputs").key(name).key("type").locate(),
            format!(
                "input `{name}` is meant to record why the release was run by hand, but a {} cannot hold a reason",
                match i.r#type {
                    WorkflowDispatchInputType::Boolean => "boolean",
                    WorkflowDispatchInputType::Number => "number",
                    _ => "value of this type",
                }
            ),
            "make it `type: string` and `required: true`",
        )
.code("reason-input-type"));
        return;
    }
    // A reason input that is optional: point at it.
    if let Some((name, _)) = inputs
        .iter()
        .find(|(n, i)| is_reason(n, i.description.as_deref()))
    {
        out.push(
            Finding::new(
                dispatch_at.key("inputs").key(name).locate_key(),
                format!(
                    "input `{name}` records why the release was run by hand, but it is not required"
                ),
                "set `required: true` on it",
            )
            .code("reason-not-required"),
        );
        return;
    }
    let names: Vec<String> = inputs.keys().map(|k| format!("`{k}`")).collect();
    out.push(Finding::new(
        dispatch_at.key("inputs").locate_key(),
        format!(
            "`workflow_dispatch` on release workflow `{}` has inputs ({}) but none records why it was run by hand",
            wf.file_name(),
            names.join(", ")
        ),
        "add a required input such as `recovery_reason`",
    )
.code("no-reason-input"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_names_in_every_spelling() {
        for n in [
            "ref",
            "recovery_ref",
            "recovery-ref",
            "recoveryRef",
            "releaseTag",
            "git.sha",
        ] {
            assert!(names_a_ref(n), "{n}");
        }
        for n in ["reason", "recovery_reason", "recoveryReason", "why", "Ref"] {
            assert_eq!(names_a_ref(n), n == "Ref", "{n}");
        }
    }
}
