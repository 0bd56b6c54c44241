//! `docs-workflow-agreement`: trusted-publisher settings written in the docs
//! (workflow file, environment, repository, owner) match the workflows.

use super::doc_pass::{DocVisitor, PassDoc};
use super::{Check, Code, Context, Meta, Outcome, Scope};
use crate::finding::{Finding, Location, Severity};
use crate::project::publisher::{identities, repository, sees_caller_only};
use crate::repo::stated::{Field, Stated, about_trusted_publishing, is_workflow_file, stated_settings};
use crate::workflow::WorkflowTree;
use crate::workflow::lane::{PubJob, publishing_jobs};

pub struct DocsWorkflowAgreement;

static META: Meta = Meta {
    id: "docs-workflow-agreement",
    title: "Trusted-publisher settings in the docs match the workflows",
    severity: Severity::Block,
    lanes: &[],
    rationale: "A trusted publisher on PyPI, npm, crates.io or RubyGems is a record typed \
        into the registry's web form: owner, repository, workflow filename, environment. \
        The workflow's OIDC token has to match every field, and when one disagrees the \
        registry answers with a bare 404 or 'no trusted publisher matches'. The runbook that \
        tells a maintainer what to type is the only copy of those values in the repository, \
        so it must agree with the workflows. In Markdown documents that mention trusted \
        publishing, a publisher or OIDC, shipgate reads `Key: value` prose and list items, \
        key/value tables (two columns, or three with notes) and tables whose header names \
        the keys (values may be in backticks; 'leave blank' states no value; a value that \
        links to another site, or a colon inside a code span, states nothing). Where a workflow filename is stated, \
        `.github/workflows/<name>` must exist and publish (a job holding `id-token: write` \
        counts), the stated environment must be one its publishing job uses (or, if the \
        file is missing, one any publishing job uses), and a stated repository or owner \
        must agree with the repository (`vars.github_repository`, else the manifests, else \
        `.git/config`). A stated workflow that runs only as a reusable workflow called from \
        another file is not what PyPI, npm, RubyGems or NuGet see: they match the caller's \
        file (the identity publisher-binding computes).",
    passes: "- Workflow filename: `release.yml`\n- Environment: `pypi`\n\
        (and .github/workflows/release.yml has a publishing job with `environment: pypi`)",
    fails: "- Workflow filename: `release.yml`\n- Environment: `release`\n\
        (but the package is published from deploy.yml with `environment: npm`)",
    fix: "Make the runbook state what the workflow does (and what the registry's trusted \
        publisher is configured with), or rename the workflow or environment to match. \
        After changing either, update the registry's trusted-publisher record too.",
    params: &[],
    codes: &[
        Code {
            id: "workflow-missing",
            summary: "the docs name a trusted-publishing workflow file that does not exist",
        },
        Code {
            id: "workflow-does-not-publish",
            summary: "the workflow the docs name for trusted publishing has no publishing job",
        },
        Code {
            id: "reusable-workflow-named",
            summary: "the docs name a reusable workflow, but the registry sees the calling workflow's file",
        },
        Code {
            id: "environment-differs",
            summary: "the environment the docs state is not the one the publishing job uses",
        },
        Code {
            id: "repository-as-url",
            summary: "the docs give the trusted publisher's repository as a URL instead of its name",
        },
        Code {
            id: "repository-differs",
            summary: "the repository the docs state is not the one the workflow runs in",
        },
        Code {
            id: "owner-differs",
            summary: "the owner the docs state is not the repository's owner",
        },
    ],
};

impl Check for DocsWorkflowAgreement {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Documents
    }

    fn documents<'a>(
        &self,
        cx: &'a Context<'a>,
        docs: &[&str],
    ) -> Result<Box<dyn DocVisitor + 'a>, Outcome> {
        start(cx, docs)
    }
}

fn start<'a>(cx: &'a Context<'a>, _docs: &[&str]) -> Result<Box<dyn DocVisitor + 'a>, Outcome> {
    Ok(Box::new(Agreement {
        cx,
        statements: std::sync::Mutex::new(Vec::new()),
    }))
}

/// This check's side of the document pass: the settings each document
/// states, compared with the workflows once every document is read.
struct Agreement<'a> {
    cx: &'a Context<'a>,
    statements: std::sync::Mutex<Vec<(String, Vec<Stated>)>>,
}

impl DocVisitor for Agreement<'_> {
    fn visit(&self, doc: &PassDoc<'_>) -> Vec<Finding> {
        // The text alone decides whether the document is about this at all.
        if !doc.text().is_ok_and(|t| about_trusted_publishing(&t.text)) {
            return Vec::new();
        }
        let Ok(md) = doc.markdown() else {
            return Vec::new(); // docs-links reports unreadable documents
        };
        let records: Vec<Vec<Stated>> = stated_settings(md)
            .into_iter()
            .filter(|record| {
                record
                    .iter()
                    .any(|s| s.field == Field::Workflow && is_workflow_file(&s.value))
            })
            .collect();
        if !records.is_empty()
            && let Ok(mut st) = self.statements.lock()
        {
            st.extend(records.into_iter().map(|r| (doc.path.to_string(), r)));
        }
        Vec::new()
    }

    fn finish(self: Box<Self>, _visited: Vec<Finding>) -> Outcome {
        let mut statements = self.statements.into_inner().unwrap_or_default();
        // Visits run in parallel: put the records back in document order.
        statements.sort_by(|a, b| {
            (&a.0, a.1.first().map(|s| (s.line, s.column)))
                .cmp(&(&b.0, b.1.first().map(|s| (s.line, s.column))))
        });
        judge(self.cx, &statements)
    }
}

fn judge(cx: &Context<'_>, statements: &[(String, Vec<Stated>)]) -> Outcome {
    if statements.is_empty() {
        return Outcome::Skip("no trusted-publisher settings stated in the docs".into());
    }
    let wfs = cx.workflows();
    let mut out = wfs.broken.clone();
    // Every publishing job in the repository; jobs holding the OIDC token
    // stand in only when nothing recognisably publishes.
    let mut all_pub: Vec<PubJob> = Vec::new();
    for fallback in [false, true] {
        for wf in &wfs.parsed {
            if let Some(jobs) = publishing_jobs(cx.tree, wf, 0, fallback) {
                all_pub.extend(jobs.into_iter().filter(|j| j.workflow == wf.file_name()));
            }
        }
        if !all_pub.is_empty() {
            break;
        }
    }
    let publishing_files = {
        let mut v: Vec<&str> = all_pub.iter().map(|j| j.workflow.as_str()).collect();
        v.dedup();
        v
    };
    let repo = repository(cx.tree, cx.var("github_repository"));
    let identity = repo
        .as_deref()
        .and_then(|r| r.split_once('/'))
        .map(|(o, n)| (o.to_string(), n.to_string()));
    // What each publishing job presents to its registry (publisher-binding's
    // identity): a stated workflow that is only ever a called reusable
    // workflow is not the file PyPI, npm, RubyGems or NuGet see.
    let seen = identities(cx.tree, &wfs.parsed, repo);
    for (path, record) in statements {
        let at = |s: &Stated| Location::new(path, s.line, s.column);
        let wf_stated = record
            .iter()
            .find(|s| s.field == Field::Workflow && is_workflow_file(&s.value))
            .expect("records are kept only with a workflow");
        let name = wf_stated
            .value
            .rsplit('/')
            .next()
            .unwrap_or(&wf_stated.value);
        let wf_path = format!(".github/workflows/{name}");
        // The jobs the environment must match; None = cannot judge.
        let candidates: Option<Vec<PubJob>> = if cx.tree.exists(&wf_path) {
            match cx.tree.workflow(&wf_path) {
                Err(_) => None, // reported among the broken workflows
                Ok(wf) => match publishing_jobs(cx.tree, &wf, 0, true) {
                    None => None,
                    Some(jobs) if jobs.is_empty() => {
                        out.push(Finding::new(
                            at(wf_stated),
                            format!(
                                "docs name workflow `{name}` for trusted publishing, but {wf_path} has no publishing job{}",
                                others(&publishing_files)
                            ),
                            "name the workflow that publishes, or move the publish step into the named workflow",
                        )
.code("workflow-does-not-publish"));
                        Some(all_pub.clone())
                    }
                    Some(jobs) => Some(jobs),
                },
            }
        } else {
            out.push(Finding::new(
                at(wf_stated),
                format!(
                    "docs name workflow `{name}` for trusted publishing, but {wf_path} does not exist{}",
                    others(&publishing_files)
                ),
                "state the workflow filename that publishes (the registry matches it exactly), or rename the workflow",
            )
.code("workflow-missing"));
            Some(all_pub.clone())
        };
        let through: Vec<&str> = seen
            .iter()
            .filter(|i| i.job_workflow == name)
            .map(|i| i.workflow.as_str())
            .collect();
        if !through.is_empty()
            && !through.contains(&name)
            && seen
                .iter()
                .filter(|i| i.job_workflow == name)
                .all(|i| sees_caller_only(i.registry))
        {
            let mut callers = through.clone();
            callers.sort_unstable();
            callers.dedup();
            out.push(Finding::new(
                at(wf_stated),
                format!(
                    "docs name workflow `{name}` for trusted publishing, but it is a reusable workflow run only from {}; the registry sees the calling workflow's file, not `{name}`",
                    callers.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                ),
                "state the calling workflow's file name (and configure the registry's trusted publisher with it)",
            )
.code("reusable-workflow-named"));
        }
        for s in record {
            match s.field {
                Field::Environment => {
                    let Some(jobs) = &candidates else { continue };
                    if jobs.is_empty() {
                        continue;
                    }
                    let ok = jobs.iter().any(|j| match &j.env {
                        Some(e) => e == &s.value || e.contains("${{"),
                        None => false,
                    });
                    if !ok {
                        let theirs: Vec<String> = jobs
                            .iter()
                            .map(|j| match &j.env {
                                Some(e) => format!(
                                    "job `{}` in {} uses environment `{e}`",
                                    j.job, j.workflow
                                ),
                                None => format!(
                                    "job `{}` in {} declares no environment",
                                    j.job, j.workflow
                                ),
                            })
                            .collect();
                        let mut finding = Finding::new(
                            at(s),
                            format!(
                                "docs say environment `{}`, but the publishing {}",
                                s.value,
                                theirs.join("; ")
                            ),
                            "make the doc (and the registry's trusted publisher) name the environment the publishing job uses; the OIDC claim carries it and must match exactly",
                        )
                        .code("environment-differs");
                        // Where each publishing job names its environment.
                        for j in jobs {
                            if let Ok(wf) = cx.tree.workflow(&j.path) {
                                let said = match &j.env {
                                    Some(e) => format!("job `{}` uses environment `{e}`", j.job),
                                    None => format!("job `{}` declares no environment", j.job),
                                };
                                finding = finding.related(wf.job(&j.job).environment(), said);
                            }
                        }
                        out.push(finding);
                    }
                }
                Field::Repository => {
                    if s.value.contains("://")
                        || s.value.contains("github.com")
                        || s.value.contains("npmjs.com")
                    {
                        out.push(Finding::new(
                            at(s),
                            format!("docs give the trusted publisher's repository as the URL `{}`; registries match the bare repository name{}", s.value,
                                identity.as_ref().map(|(_, n)| format!(" (`{n}`)")).unwrap_or_default()),
                            "state the repository name only, without owner prefix or URL",
                        )
.code("repository-as-url"));
                        continue;
                    }
                    if let Some((owner, repo)) = &identity {
                        let doc_name = s.value.rsplit('/').next().unwrap_or(&s.value);
                        let doc_owner = s.value.split_once('/').map(|(o, _)| o);
                        if !doc_name.eq_ignore_ascii_case(repo)
                            || doc_owner.is_some_and(|o| !o.eq_ignore_ascii_case(owner))
                        {
                            out.push(Finding::new(
                                at(s),
                                format!("docs say repository `{}`, but the repository is `{owner}/{repo}` (vars.github_repository, the manifests or .git/config)", s.value),
                                "state the repository the workflow runs in; the OIDC claim carries it",
                            )
.code("repository-differs"));
                        }
                    }
                }
                Field::Owner => {
                    if let Some((owner, repo)) = &identity
                        && !s.value.trim_start_matches('@').eq_ignore_ascii_case(owner)
                    {
                        out.push(Finding::new(
                            at(s),
                            format!("docs say owner `{}`, but the repository is `{owner}/{repo}` (vars.github_repository, the manifests or .git/config)", s.value),
                            "state the owner (user or organization) the repository lives under",
                        )
.code("owner-differs"));
                    }
                }
                Field::Workflow => {}
            }
        }
    }
    Outcome::Findings(out)
}

fn others(files: &[&str]) -> String {
    match files {
        [] => " (and no workflow in the repository publishes)".into(),
        fs => format!(
            "; the repository publishes from {}",
            fs.iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
