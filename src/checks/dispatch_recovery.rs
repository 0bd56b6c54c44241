//! `dispatch-recovery`: a manual trigger on a release workflow records why
//! it was used.

use super::workflow_pass::{Visit, WorkflowPass};
use super::{BuiltIn, Meta, Pass};
use crate::finding::{Finding, Severity};
use crate::workflow::triggers::dispatch;
use crate::workflow::{Key, WorkflowFile};

pub static CHECK: BuiltIn = BuiltIn {
    meta: Meta {
        id: "dispatch-recovery",
        title: "A manual release trigger records why it was used",
        severity: Severity::Warn,
        lanes: &[],
        rationale: "`workflow_dispatch` on a release workflow lets anyone with write access \
            publish from any ref at any time, outside the reviewed release-PR path. Kept for \
            recovery (re-running a publish that failed after the tag was pushed), it should \
            leave a record: a required input that says why, which GitHub shows on the run \
            page and in the audit trail. An input that names what to release (`ref`, \
            `recovery_ref`, `tag`, `sha`) is not a reason, whatever its description says.",
        passes: "on:\n  workflow_dispatch:\n    inputs:\n      recovery_reason:\n        description: Why is this release being re-run by hand?\n        required: true",
        fails: "on:\n  push:\n    tags: ['v*']\n  workflow_dispatch:",
        fix: "Declare a required string input such as `recovery_reason` on `workflow_dispatch` \
            (and echo it in the run), or drop the manual trigger if releases never need \
            a re-run.",
        params: &[],
    },
    pass: Pass::Workflows(&PASS),
};

static PASS: WorkflowPass = WorkflowPass {
    all: false,
    skip: |wfs| {
        let any = wfs.releases().any(|w| dispatch(&w.model.on).is_some());
        (wfs.broken.is_empty() && !any)
            .then(|| "no release workflow has a `workflow_dispatch` trigger".into())
    },
    visit: Visit::Workflow(check),
    after: None,
};

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
    let last = name
        .rsplit(['_', '-', '.'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    REF_WORDS.contains(&last.as_str())
}

fn check(wf: &WorkflowFile, out: &mut Vec<Finding>) {
    let Some(body) = dispatch(&wf.model.on) else {
        return;
    };
    let route = [Key::K("on"), Key::K("workflow_dispatch")];
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
            wf.locate_key(&route),
            format!(
                "release workflow `{}` can be run by hand (`workflow_dispatch`) without saying why",
                wf.file_name()
            ),
            "add a required input, e.g. `inputs: { recovery_reason: { description: Why run the release by hand?, required: true, type: string } }`",
        ));
        return;
    };
    if inputs
        .iter()
        .any(|(n, i)| i.required && is_reason(n, i.description.as_deref()))
    {
        return;
    }
    // A reason input that is optional: point at it.
    if let Some((name, _)) = inputs
        .iter()
        .find(|(n, i)| is_reason(n, i.description.as_deref()))
    {
        let mut r = route.to_vec();
        r.extend([Key::K("inputs"), Key::K(name)]);
        out.push(Finding::new(
            wf.locate_key(&r),
            format!(
                "input `{name}` records why the release was run by hand, but it is not required"
            ),
            "set `required: true` on it",
        ));
        return;
    }
    let names: Vec<String> = inputs.keys().map(|k| format!("`{k}`")).collect();
    let mut r = route.to_vec();
    r.push(Key::K("inputs"));
    out.push(Finding::new(
        wf.locate_key(&r),
        format!(
            "`workflow_dispatch` on release workflow `{}` has inputs ({}) but none records why it was run by hand",
            wf.file_name(),
            names.join(", ")
        ),
        "add a required input such as `recovery_reason`",
    ));
}
