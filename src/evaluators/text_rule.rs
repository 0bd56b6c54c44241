//! What `text.contains`, `text.forbids` and `text.order` share: their
//! parameters, how patterns compile, and the part of a file they look at (the
//! whole file, a Markdown section, or one job or step of a workflow).

use super::Code;
use super::ParamError;
use crate::checks::Context;
use crate::finding::{Finding, Location};
use crate::policy::CustomCheck;
use crate::workflow::WorkflowFile;
use crate::workflow::WorkflowTree;
use crate::workflow::at::At;
use crate::workflow::publish::action_slug;
use github_actions_models::workflow::job::StepBody;
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::ops::Range;
use std::sync::Arc;

// The codes of the findings `start` builds, declared by each text evaluator
// that calls it (text.contains, text.forbids, text.order).

pub const NO_SECTION: Code = Code {
    id: "no-section",
    summary: "a Markdown file has no section with the heading the check names",
};

pub const NO_SUCH_JOB: Code = Code {
    id: "no-such-job",
    summary: "a workflow has no job with the id the check names",
};

pub const NO_SUCH_STEP: Code = Code {
    id: "no-such-step",
    summary: "the job has no step with the name, id or action the check names",
};

pub const UNLOCATABLE: Code = Code {
    id: "unlocatable",
    summary: "the job or step could not be located in the workflow's text",
};

/// The keys every text rule takes.
pub const FORBIDS_PARAMS: &[&str] = &[
    "files",
    "patterns",
    "regex",
    "section",
    "ignore_case",
    "job",
    "step",
];
/// `text.contains` also takes `match` and `only_in_job`.
pub const CONTAINS_PARAMS: &[&str] = &[
    "files",
    "patterns",
    "regex",
    "section",
    "ignore_case",
    "job",
    "step",
    "match",
    "only_in_job",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextParams {
    pub files: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
    #[serde(default)]
    pub regex: Vec<String>,
    pub section: Option<String>,
    #[serde(default)]
    pub ignore_case: bool,
    pub job: Option<String>,
    pub step: Option<String>,
    #[serde(default)]
    pub only_in_job: bool,
    #[serde(rename = "match")]
    pub match_: Option<String>,
}

impl TextParams {
    /// `match = "any"`: each pattern must appear in at least one file.
    pub fn any_file(&self) -> bool {
        self.match_.as_deref() == Some("any")
    }
}

/// One compiled pattern and how to name it in a message.
pub struct Pattern {
    pub shown: String,
    pub re: Regex,
}

pub fn validate(c: &CustomCheck) -> Result<(), ParamError> {
    load(c).map(|_| ())
}

/// The parameters, checked, with every pattern compiled.
pub fn load(c: &CustomCheck) -> Result<(TextParams, Vec<Pattern>), ParamError> {
    let p: TextParams = super::params(c)?;
    if p.files.is_empty() {
        return Err((Some("files"), "`files` needs at least one glob".into()));
    }
    if p.patterns.is_empty() && p.regex.is_empty() {
        return Err((
            Some("patterns"),
            "give `patterns = [\"literal\", …]` and/or `regex = ['…']`".into(),
        ));
    }
    if p.patterns.iter().any(|s| s.is_empty()) {
        return Err((
            Some("patterns"),
            "an empty pattern matches everything".into(),
        ));
    }
    if p.section.as_deref().is_some_and(|s| s.trim().is_empty()) {
        return Err((Some("section"), "`section` must name a heading".into()));
    }
    if p.job.as_deref().is_some_and(|s| s.trim().is_empty()) {
        return Err((Some("job"), "`job` must name a job id".into()));
    }
    if let Some(s) = p.step.as_deref() {
        if p.job.is_none() {
            return Err((
                Some("step"),
                "`step` selects a step of a job: give `job` too".into(),
            ));
        }
        if s.trim().is_empty() {
            return Err((
                Some("step"),
                "`step` must name a step (its `name:` or the action it uses)".into(),
            ));
        }
    }
    if p.job.is_some() && p.section.is_some() {
        return Err((
            Some("section"),
            "`section` (a Markdown heading) and `job` (a workflow job) cannot be combined".into(),
        ));
    }
    if p.only_in_job && p.job.is_none() {
        return Err((
            Some("only_in_job"),
            "`only_in_job = true` needs the job: `job = \"id\"`".into(),
        ));
    }
    if p.only_in_job && p.step.is_some() {
        return Err((
            Some("only_in_job"),
            "`only_in_job` keeps the text to a whole job; drop `step`".into(),
        ));
    }
    match p.match_.as_deref() {
        None | Some("all") | Some("any") => {}
        Some(other) => {
            return Err((
                Some("match"),
                format!("`match` is \"all\" (every file) or \"any\" (some file), not {other:?}"),
            ));
        }
    }
    let mut out = Vec::new();
    for lit in &p.patterns {
        let re = RegexBuilder::new(&regex::escape(lit))
            .case_insensitive(p.ignore_case)
            .build()
            .map_err(|e| (Some("patterns"), e.to_string()))?;
        out.push(Pattern {
            shown: format!("\"{lit}\""),
            re,
        });
    }
    for r in &p.regex {
        let re = RegexBuilder::new(r)
            .case_insensitive(p.ignore_case)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| (Some("regex"), format!("invalid regex `{r}`: {e}")))?;
        if re.is_match("") {
            return Err((
                Some("regex"),
                format!("regex `{r}` matches the empty string, so it matches everywhere"),
            ));
        }
        out.push(Pattern {
            shown: format!("/{r}/"),
            re,
        });
    }
    Ok((p, out))
}

/// A text rule ready to judge: its parameters, its patterns, where the policy
/// names its files, the scopes to search, and the files that could not be
/// read (already findings).
pub struct Rule {
    pub params: TextParams,
    pub patterns: Vec<Pattern>,
    pub at: Location,
    pub scopes: Vec<Scope>,
    pub problems: Vec<Finding>,
}

/// Loads a text rule and its scopes; a broken parameter or glob is the
/// check's outcome.
pub fn start(c: &CustomCheck, cx: &Context<'_>) -> Result<Rule, crate::checks::Outcome> {
    let (params, patterns) = load(c).map_err(|(_, msg)| super::param_error(c, msg))?;
    let at = super::policy_location(c, "files");
    let (scopes, problems) =
        scopes(cx, &params, &at).map_err(|f| crate::checks::Outcome::Findings(vec![*f]))?;
    Ok(Rule {
        params,
        patterns,
        at,
        scopes,
        problems,
    })
}

/// The text of one file and the byte range the rule applies to.
pub struct Scope {
    pub path: String,
    pub file: Arc<crate::repo::TextFile>,
    pub range: Range<usize>,
    /// Where the scope starts (the section's heading, the job's key, or the file).
    pub start: Location,
    /// How messages name it ("the \"Publish\" section of README.md").
    pub shown: String,
}

impl Scope {
    pub fn text(&self) -> &str {
        self.file.text.get(self.range.clone()).unwrap_or("")
    }

    /// The location of an offset inside the scope, spanning `len` bytes.
    pub fn location(&self, offset: usize, len: usize) -> Location {
        let start = self.range.start + offset;
        let (el, ec) = self.file.lines.position(&self.file.text, start + len);
        self.file.location(&self.path, start).with_end(el, ec)
    }
}

/// The files a rule applies to, each narrowed to its section, job or step;
/// files that cannot be read, and files without the section, job or step,
/// come back as findings.
pub fn scopes(
    cx: &Context<'_>,
    p: &TextParams,
    policy_at: &Location,
) -> Result<(Vec<Scope>, Vec<Finding>), Box<Finding>> {
    let paths = cx.tree.glob(&p.files).map_err(|e| {
        Box::new(
            Finding::new(
                policy_at.clone(),
                format!("bad `files` glob: {e}"),
                "fix the glob",
            )
            .code("bad-glob"),
        )
    })?;
    let mut scopes = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if let Some(job) = &p.job {
            match job_scopes(cx, path, job, p.step.as_deref()) {
                Ok(mut s) => scopes.append(&mut s),
                Err(f) => problems.push(*f),
            }
            continue;
        }
        let Some(title) = &p.section else {
            match cx.tree.text(path) {
                Ok(file) => scopes.push(Scope {
                    path: path.to_string(),
                    range: 0..file.text.len(),
                    file,
                    start: Location::file(path),
                    shown: path.to_string(),
                }),
                Err(e) if is_binary(&e) => {}
                Err(e) => problems.push(e.to_finding()),
            }
            continue;
        };
        match cx.tree.markdown(path) {
            Ok(doc) => match doc
                .headings
                .iter()
                .find(|h| h.text.eq_ignore_ascii_case(title.trim()))
            {
                Some(h) => scopes.push(Scope {
                    path: path.to_string(),
                    range: h.section.clone(),
                    file: doc.file.clone(),
                    start: Location::new(path, h.line, 1),
                    shown: format!("the \"{title}\" section of {path}"),
                }),
                None => problems.push(
                    Finding::new(
                        Location::file(path),
                        format!("{path} has no section headed \"{title}\""),
                        format!("add a \"{title}\" heading, or fix `section` in the policy"),
                    )
                    .code("no-section"),
                ),
            },
            Err(e) if is_binary(&e) => {}
            Err(e) => problems.push(e.to_finding()),
        }
    }
    Ok((scopes, problems))
}

/// Whether a step is the one `want` names: its `name:`, or the action it
/// uses (`actions/checkout`, with or without `@ref`).
pub fn step_matches(step: &github_actions_models::workflow::job::Step, want: &str) -> bool {
    let want = want.trim();
    if step.name.as_deref().map(str::trim) == Some(want) {
        return true;
    }
    if step.id.as_deref() == Some(want) {
        return true;
    }
    match &step.body {
        StepBody::Uses { uses, .. } => {
            let want = want.split('@').next().unwrap_or(want).to_ascii_lowercase();
            action_slug(uses).is_some_and(|slug| slug == want)
                || uses.raw().to_ascii_lowercase().split('@').next() == Some(want.as_str())
        }
        StepBody::Run { .. } => false,
    }
}

/// The job (or its matching steps) of one workflow, as scopes. A workflow
/// that does not parse, or has no such job or step, is a finding: a rule
/// about a job that is not there must not pass.
fn job_scopes(
    cx: &Context<'_>,
    path: &str,
    job: &str,
    step: Option<&str>,
) -> Result<Vec<Scope>, Box<Finding>> {
    let wf = cx
        .tree
        .workflow(path)
        .map_err(|e| Box::new(e.to_finding()))?;
    let file = cx.tree.text(path).map_err(|e| Box::new(e.to_finding()))?;
    let Some((id, model)) = wf.model.jobs.iter().find(|(id, _)| id.as_str() == job) else {
        let ids: Vec<&str> = wf.model.jobs.keys().map(String::as_str).collect();
        return Err(Box::new(
            Finding::new(
                wf.top().key("jobs").locate_key(),
                format!(
                    "{path} has no job `{job}` (its jobs: {})",
                    if ids.is_empty() {
                        "none".into()
                    } else {
                        ids.join(", ")
                    }
                ),
                "fix `job` in the policy, or restore the job",
            )
            .code("no-such-job"),
        ));
    };
    let Some(step) = step else {
        let at = wf.job(id).location();
        let range = span(&wf, &at)?;
        return Ok(vec![Scope {
            path: path.to_string(),
            file,
            range,
            start: at.locate_key(),
            shown: format!("job `{id}` of {path}"),
        }]);
    };
    let steps = match model {
        github_actions_models::workflow::Job::NormalJob(j) => &j.steps[..],
        github_actions_models::workflow::Job::ReusableWorkflowCallJob(_) => &[],
    };
    let mut out = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        if step_matches(s, step) {
            let at = wf.job(id).step(i).location();
            out.push(Scope {
                path: path.to_string(),
                file: file.clone(),
                range: span(&wf, &at)?,
                start: at.locate(),
                shown: format!(
                    "{} of job `{id}` in {path}",
                    crate::workflow::step_label(s, i)
                ),
            });
        }
    }
    if out.is_empty() {
        return Err(Box::new(Finding::new(
            wf.job(id).location().key("steps").locate_key(),
            format!("job `{id}` of {path} has no step named or using `{step}`"),
            "fix `step` in the policy (a step's `name:`, `id:` or the action it uses), or restore the step",
        )
.code("no-such-step")));
    }
    Ok(out)
}

/// The byte range of a route in a workflow; a finding when the location tree
/// cannot give one (the rule cannot be judged, so it does not pass).
fn span(wf: &WorkflowFile, at: &At<'_>) -> Result<Range<usize>, Box<Finding>> {
    at.byte_span().map(|(s, e)| s..e).ok_or_else(|| {
        Box::new(
            Finding::new(
                at.locate(),
                format!(
                    "cannot find where this job or step is written in {}",
                    wf.path
                ),
                "simplify the workflow's layout so its jobs can be located",
            )
            .code("unlocatable"),
        )
    })
}

/// Every other part of every workflow in the tree: the text outside the
/// jobs named `job` (for `only_in_job`). Unreadable workflows are judged by
/// the checks that select them.
pub fn outside_job(cx: &Context<'_>, job: &str) -> Vec<Scope> {
    let mut out = Vec::new();
    for path in cx.tree.workflow_paths() {
        let (Ok(wf), Ok(file)) = (cx.tree.workflow(path), cx.tree.text(path)) else {
            continue;
        };
        let cut = wf
            .model
            .jobs
            .contains_key(job)
            .then(|| wf.job(job).location().byte_span())
            .flatten();
        let len = file.text.len();
        let ranges: Vec<Range<usize>> = match cut {
            Some((s, e)) => vec![0..s, e..len],
            None => std::iter::once(0..len).collect(),
        };
        for range in ranges.into_iter().filter(|r| !r.is_empty()) {
            out.push(Scope {
                path: path.to_string(),
                file: file.clone(),
                range,
                start: Location::file(path),
                shown: path.to_string(),
            });
        }
    }
    out
}

/// A binary file (an image under `docs/**`) holds no prose to judge; every
/// other unreadable file fails closed.
fn is_binary(e: &crate::repo::FileError) -> bool {
    e.message.starts_with("binary content")
}
