//! `docs-workflow-agreement`: trusted-publisher settings written in the docs
//! (workflow file, environment, repository, owner) match the workflows.

use super::doc_pass::{DocVisitor, PassDoc};
use super::{Check, Code, Context, Meta, Outcome, Scope};
use crate::finding::{Finding, Location, Severity};
use crate::project::publisher::{identities, repository, sees_caller_only};
use crate::repo::markdown::MarkdownDoc;
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

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Field {
    Workflow,
    Environment,
    Repository,
    Owner,
}

/// One setting stated in a document.
#[derive(Debug, Clone)]
pub(crate) struct Stated {
    pub field: Field,
    pub value: String,
    pub line: usize,
    pub column: usize,
}

fn field_of(key: &str) -> Option<Field> {
    // Emphasis and code marks go; so does a parenthesised aside
    // ("Environment name (optional but recommended)").
    let mut k = String::new();
    let mut depth = 0usize;
    for c in key.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '*' | '_' | '`' => {}
            c if depth == 0 => k.push(c),
            _ => {}
        }
    }
    let k = k.to_lowercase();
    let k = k.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match k.as_str() {
        "workflow" | "workflow name" | "workflow filename" | "workflow file"
        | "workflow file name" => Field::Workflow,
        "environment" | "environment name" | "github environment" => Field::Environment,
        "repository" | "repository name" | "repo" | "repo name" => Field::Repository,
        "owner"
        | "organization"
        | "organization or user"
        | "user or organization"
        | "organization/user"
        | "org or user"
        | "repository owner"
        | "organization or user name" => Field::Owner,
        _ => return None,
    })
}

/// Words that state a field is left blank ("Environment: leave blank").
fn is_blank_word(v: &str) -> bool {
    let v = v.to_lowercase();
    let v = v.trim_matches(|c: char| !c.is_alphanumeric() && c != '/');
    matches!(
        v,
        "leave"
            | "blank"
            | "empty"
            | "none"
            | "n/a"
            | "na"
            | "unset"
            | "omit"
            | "omitted"
            | "optional"
            | "any"
            | "留空"
            | "空"
    ) || v.is_empty()
}

/// The value at the start of `rest`: the first code span if it starts with
/// one, else the first word; with its byte offset in `rest`.
fn value_at(rest: &str) -> Option<(String, usize)> {
    let lead = rest.len() - rest.trim_start_matches([' ', '\t', '*', '_']).len();
    let r = &rest[lead..];
    if let Some(inner) = r.strip_prefix('`') {
        let end = inner.find('`')?;
        let v = inner[..end].trim();
        return (!is_blank_word(v)).then(|| (v.to_string(), lead + 1));
    }
    let word: &str = r.split_whitespace().next()?;
    let v = word.trim_matches(|c: char| {
        matches!(
            c,
            '.' | ',' | ';' | ')' | '(' | '[' | ']' | '*' | '_' | '"' | '\''
        )
    });
    if is_blank_word(v) || v == "—" || v == "-" {
        return None;
    }
    let off = lead + r.find(v).unwrap_or(0);
    Some((v.to_string(), off))
}

/// Settings stated in a Markdown document, grouped into records (one per
/// stated publisher): `Key: value` prose and list items, two-column
/// key/value tables, and tables whose header row names the keys. Code blocks
/// are not statements.
pub(crate) fn stated_settings(doc: &MarkdownDoc) -> Vec<Vec<Stated>> {
    let text: &str = &doc.file.text;
    // (byte offset, field, value)
    let mut found: Vec<(usize, Field, String)> = Vec::new();
    for table in &doc.tables {
        let header: Vec<Option<Field>> = table
            .rows
            .first()
            .map(|r| r.iter().map(|c| field_of(&c.source)).collect())
            .unwrap_or_default();
        if header.iter().filter(|f| f.is_some()).count() >= 2 {
            for row in table.rows.iter().skip(1) {
                for (cell, field) in row.iter().zip(&header) {
                    if let Some(f) = field
                        && let Some((v, off)) = value_at(&cell.source)
                    {
                        found.push((cell.offset + off, *f, v));
                    }
                }
            }
        } else if table.rows.iter().all(|r| r.len() <= 3) {
            // A key/value table (a notes column at most). A wider table
            // whose row starts with "Workflow" is a catalogue (a tool's
            // audits, a feature matrix), not a publisher record.
            for row in &table.rows {
                if let [key, value, ..] = row.as_slice()
                    && let Some(f) = field_of(&key.source)
                    && !links_elsewhere(&value.source, text)
                    && let Some((v, off)) = value_at(&value.source)
                {
                    found.push((value.offset + off, f, v));
                }
            }
        }
    }
    let mut starts: Vec<usize> = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let raw = text[start..end].trim_end_matches(['\n', '\r']);
        if raw.trim().is_empty()
            || (doc.in_code_block(start) && !in_settings_block(doc, start))
            || doc.in_table(start)
        {
            continue;
        }
        let body = strip_marker(raw);
        let body_start = start + (raw.len() - body.len());
        let Some(colon) = body.find(':') else {
            continue;
        };
        // A colon inside a code span (`environment: release` quoted from a
        // workflow) is not a `Key: value` statement.
        if body[..colon].matches('`').count() % 2 == 1 {
            continue;
        }
        let Some(f) = field_of(&body[..colon]) else {
            continue;
        };
        if links_elsewhere(&body[colon + 1..], text) {
            continue;
        }
        if let Some((v, off)) = value_at(&body[colon + 1..]) {
            found.push((body_start + colon + 1 + off, f, v));
            continue;
        }
        // "Key:" with the value alone on the next non-blank line.
        let next = starts[i + 1..]
            .iter()
            .take(2)
            .map(|&s| (s, text[s..].split('\n').next().unwrap_or("")))
            .find(|(_, l)| !l.trim().is_empty());
        if let Some((nstart, nline)) = next
            && !doc.in_code_block(nstart)
        {
            let nline = nline.trim_end_matches('\r');
            let nt = strip_marker(nline);
            if nt.split_whitespace().count() == 1
                && let Some((v, off)) = value_at(nt)
            {
                found.push((nstart + (nline.len() - nt.len()) + off, f, v));
            }
        }
    }
    found.sort_by_key(|(off, _, _)| *off);
    found.dedup_by_key(|(off, _, _)| *off);

    // Group: a heading, a gap of more than six lines, or a second workflow
    // starts a new record.
    let section_of = |off: usize| doc.headings.partition_point(|h| h.section.start <= off);
    let mut records: Vec<Vec<Stated>> = Vec::new();
    let mut cur: Vec<Stated> = Vec::new();
    let mut last: Option<(usize, usize)> = None; // (section, line)
    for (off, field, value) in found {
        let (line, column) = doc.file.lines.position(text, off);
        let section = section_of(off);
        let split = last.is_some_and(|(s, l)| s != section || line > l + 6)
            || (field == Field::Workflow && cur.iter().any(|c| c.field == Field::Workflow));
        if split && !cur.is_empty() {
            records.push(std::mem::take(&mut cur));
        }
        last = Some((section, line));
        cur.push(Stated {
            field,
            value,
            line,
            column,
        });
    }
    if !cur.is_empty() {
        records.push(cur);
    }
    records
}

/// Whether a value is a Markdown link to an absolute URL (`[x.yml](https://…)`
/// or `[x.yml]` with `[x.yml]: https://…` defined in the document): a file in
/// another repository, which the doc describes, not this repository's setting.
fn links_elsewhere(value: &str, text: &str) -> bool {
    let v = value.trim_start_matches([' ', '\t', '*', '_']);
    let Some(rest) = v.strip_prefix('[') else {
        return false;
    };
    let Some(close) = rest.find(']') else {
        return false;
    };
    let label = &rest[..close];
    let after = &rest[close + 1..];
    let target = if let Some(inline) = after.strip_prefix('(') {
        inline.to_string()
    } else {
        let key = if after.starts_with("[]") || !after.starts_with('[') {
            label.to_string()
        } else {
            let r = &after[1..];
            r[..r.find(']').unwrap_or(r.len())].to_string()
        };
        let def = format!("[{}]:", key.to_lowercase());
        match text.lines().map(str::trim_start).find(|l| {
            l.len() >= def.len()
                && l.is_char_boundary(def.len())
                && l[..def.len()].to_lowercase() == def
        }) {
            Some(l) => l[def.len()..].trim().to_string(),
            None => return false,
        }
    };
    let t = target.trim_start_matches('<').to_ascii_lowercase();
    t.starts_with("https://") || t.starts_with("http://")
}

/// Whether `offset` lies in a fenced block that is a plain settings form, the
/// way registries' setup notes are usually written:
///
/// ```text
/// Workflow name: release.yml
/// Environment name: pypi
/// ```
///
/// The fence has no language (or `text`), every line inside is `Key: value`,
/// at least two keys are trusted-publisher fields, and no value is a
/// placeholder (`<package>`, `your-repo`, `{owner}`): a template for other
/// repositories is not a statement about this one. Code in a block (YAML, a
/// shell session) never qualifies.
fn in_settings_block(doc: &MarkdownDoc, offset: usize) -> bool {
    let text: &str = &doc.file.text;
    let Some(range) = doc
        .code_blocks
        .iter()
        .find(|r| r.start <= offset && offset < r.end)
    else {
        return false;
    };
    let Some(block) = text.get(range.clone()) else {
        return false;
    };
    let mut lines = block.lines();
    let Some(fence) = lines.next().map(str::trim) else {
        return false;
    };
    let info = if let Some(r) = fence.strip_prefix("```") {
        r.trim_start_matches('`')
    } else if let Some(r) = fence.strip_prefix("~~~") {
        r.trim_start_matches('~')
    } else {
        return false; // an indented code block
    };
    if !matches!(
        info.trim().to_ascii_lowercase().as_str(),
        "" | "text" | "txt" | "plain" | "plaintext"
    ) {
        return false;
    }
    let mut fields = 0;
    for line in lines {
        let t = line.trim();
        if t.is_empty() || t.starts_with("```") || t.starts_with("~~~") {
            continue;
        }
        let body = strip_marker(t);
        let Some((key, value)) = body.split_once(':') else {
            return false;
        };
        let value = value.trim();
        let lower = value.to_ascii_lowercase();
        if value.is_empty()
            || key.trim().is_empty()
            || !key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '/' | '(' | ')'))
            || value.contains(['<', '>', '{', '}'])
            || lower.contains("your-")
            || lower.contains("your_")
            || lower.starts_with("your ")
        {
            return false;
        }
        if field_of(key).is_some() {
            fields += 1;
        }
    }
    fields >= 2
}

/// Drops a list marker, blockquote marker or numbering from the start of a line.
fn strip_marker(mut s: &str) -> &str {
    loop {
        let t = s.trim_start();
        if let Some(r) = t
            .strip_prefix("- ")
            .or_else(|| t.strip_prefix("* "))
            .or_else(|| t.strip_prefix("+ "))
            .or_else(|| t.strip_prefix('>'))
            .or_else(|| t.strip_prefix("[ ] "))
            .or_else(|| t.strip_prefix("[x] "))
        {
            s = r;
            continue;
        }
        let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0
            && let Some(r) = t[digits..]
                .strip_prefix(". ")
                .or_else(|| t[digits..].strip_prefix(") "))
        {
            s = r;
            continue;
        }
        return t;
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

/// Whether a document talks about trusted publishing at all; settings in
/// other documents ("Workflow file: ci.yml" in a CI overview) are not
/// publisher records.
fn about_trusted_publishing(text: &str) -> bool {
    // Case-insensitive search without lower-casing a copy of every document.
    static WORDS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)trusted[ -]publish|publisher|oidc").expect("valid regex")
    });
    WORDS.is_match(text)
}

fn is_workflow_file(v: &str) -> bool {
    let v = v.to_ascii_lowercase();
    (v.ends_with(".yml") || v.ends_with(".yaml")) && !v.contains(' ')
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

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(t: &str) -> MarkdownDoc {
        MarkdownDoc::parse("d.md", std::sync::Arc::new(crate::repo::TextFile::new(t)))
    }

    fn fields(t: &str) -> Vec<(Field, String, usize)> {
        stated_settings(&doc(t))
            .into_iter()
            .flatten()
            .map(|s| (s.field, s.value, s.line))
            .collect()
    }

    #[test]
    fn list_prose_and_tables() {
        let t = "# PyPI\n\n- PyPI Project Name: `x`\n- **Owner:** acme\n- Repository name: `tool`\n   - Workflow filename: `release.yml` (the filename)\n   - Environment name: release\n";
        assert_eq!(
            fields(t),
            vec![
                (Field::Owner, "acme".into(), 4),
                (Field::Repository, "tool".into(), 5),
                (Field::Workflow, "release.yml".into(), 6),
                (Field::Environment, "release".into(), 7),
            ]
        );
        let t = "| Field | Value |\n|---|---|\n| Workflow filename | `deploy.yml` |\n| Environment | npm |\n";
        assert_eq!(
            fields(t),
            vec![
                (Field::Workflow, "deploy.yml".into(), 3),
                (Field::Environment, "npm".into(), 4),
            ]
        );
        let t = "| Owner | Repository | Workflow | Environment |\n|--|--|--|--|\n| acme | tool | release.yml | pypi |\n";
        assert_eq!(fields(t).len(), 4);
        // Value on the next line (rendered-form copies).
        let t = "- Workflow filename:\n  `release.yml`\n";
        assert_eq!(fields(t), vec![(Field::Workflow, "release.yml".into(), 2)]);
        // Fenced code is not a statement.
        assert!(fields("```\nEnvironment: prod\n```\n").is_empty());
        // Blank values and asides in the key.
        let t = "- Environment name: leave blank\n- Environment: _(leave empty)_\n- Environment name (optional but recommended): `npm`\n- Organization/user: `Acme`\n";
        assert_eq!(
            fields(t),
            vec![
                (Field::Environment, "npm".into(), 3),
                (Field::Owner, "Acme".into(), 4)
            ]
        );
    }

    #[test]
    fn records_split_on_new_workflow() {
        let t = "- Workflow filename: `a.yml`\n- Environment name: `testpypi`\n- Workflow filename: `a.yml`\n- Environment name: `pypi`\n";
        assert_eq!(stated_settings(&doc(t)).len(), 2);
    }
}
