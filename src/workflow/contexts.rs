//! Who controls an expression context: an outsider (anyone who can open an
//! issue, a pull request, push a branch or write a commit message), the
//! person who dispatches the workflow, or the repository itself.

/// How far a context's value can be trusted inside a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Free text an outsider writes: titles, bodies, branch names, commit messages.
    Outsider,
    /// Inputs chosen by whoever dispatches or calls the workflow.
    Caller,
    /// Set by the repository or GitHub (`github.ref`, `github.sha`, `secrets.*`, `vars.*`).
    Trusted,
}

/// Context paths whose value an outsider writes. `*` stands for one segment
/// (a key or an index).
const OUTSIDER: &[&str] = &[
    "github.head_ref",
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.event.pull_request.head.repo.description",
    "github.event.pull_request.head.repo.homepage",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.discussion.title",
    "github.event.discussion.body",
    "github.event.pages.*.page_name",
    "github.event.commits.*.message",
    "github.event.commits.*.author.name",
    "github.event.commits.*.author.email",
    "github.event.commits.*.committer.name",
    "github.event.commits.*.committer.email",
    "github.event.head_commit.message",
    "github.event.head_commit.author.name",
    "github.event.head_commit.author.email",
    "github.event.head_commit.committer.name",
    "github.event.head_commit.committer.email",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.display_title",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.name",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.committer.name",
    "github.event.workflow_run.head_commit.committer.email",
    "github.event.workflow_run.head_repository.description",
    "github.event.workflow_run.pull_requests.*.head.ref",
    "github.event.check_suite.head_branch",
    "github.event.check_run.check_suite.head_branch",
    "github.event.merge_group.head_commit.message",
    "github.event.merge_group.head_commit.author.name",
    "github.event.merge_group.head_commit.author.email",
];

/// Who controls the value of `path` (lower-cased, indexes as `*`).
pub fn control(path: &str) -> Control {
    let segs: Vec<&str> = path.split('.').collect();
    for pat in OUTSIDER {
        let p: Vec<&str> = pat.split('.').collect();
        // The path names an outsider field, or a whole object that holds one
        // (`toJSON(github.event.head_commit)`).
        let n = segs.len().min(p.len());
        let prefix_ok = segs[..n]
            .iter()
            .zip(&p[..n])
            .all(|(s, q)| *q == "*" || *s == "*" || s == q);
        if prefix_ok {
            return Control::Outsider;
        }
    }
    if caller_events(path).is_some() {
        return Control::Caller;
    }
    Control::Trusted
}

/// Whether `path` is an outsider-written field itself (or inside one), rather
/// than an object that holds one. An object renders as `Object` in a
/// string; only `toJSON(…)` spills its fields.
pub fn is_outsider_field(path: &str) -> bool {
    let segs: Vec<&str> = path.split('.').collect();
    OUTSIDER.iter().any(|pat| {
        let p: Vec<&str> = pat.split('.').collect();
        segs.len() >= p.len()
            && segs[..p.len()]
                .iter()
                .zip(&p)
                .all(|(s, q)| *q == "*" || *s == "*" || s == q)
    })
}

/// For a context chosen by whoever starts the workflow, the events that
/// fill it: dispatch and call inputs, a `repository_dispatch` payload.
pub fn caller_events(path: &str) -> Option<&'static [&'static str]> {
    if path == "inputs" || path.starts_with("inputs.") || path.starts_with("github.event.inputs") {
        Some(&["workflow_dispatch", "workflow_call"])
    } else if path.starts_with("github.event.client_payload") {
        Some(&["repository_dispatch"])
    } else {
        None
    }
}

/// The events whose payload fills an outsider-controlled context; `None`
/// when any event may (`github.event` as a whole). A context no trigger of
/// the workflow fills is empty, so expanding it injects nothing.
pub fn filled_by(path: &str) -> Option<&'static [&'static str]> {
    const PR: &[&str] = &[
        "pull_request",
        "pull_request_target",
        "pull_request_review",
        "pull_request_review_comment",
    ];
    let table: &[(&str, &'static [&'static str])] = &[
        ("github.head_ref", PR),
        ("github.event.pull_request", PR),
        ("github.event.issue", &["issues", "issue_comment"]),
        (
            "github.event.comment",
            &[
                "issue_comment",
                "pull_request_review_comment",
                "commit_comment",
                "discussion_comment",
            ],
        ),
        (
            "github.event.review_comment",
            &["pull_request_review_comment"],
        ),
        ("github.event.review", &["pull_request_review"]),
        (
            "github.event.discussion",
            &["discussion", "discussion_comment"],
        ),
        ("github.event.pages", &["gollum"]),
        ("github.event.commits", &["push"]),
        ("github.event.head_commit", &["push"]),
        ("github.event.workflow_run", &["workflow_run"]),
        ("github.event.check_suite", &["check_suite"]),
        ("github.event.check_run", &["check_run"]),
        ("github.event.merge_group", &["merge_group"]),
    ];
    table
        .iter()
        .find(|(prefix, _)| path == *prefix || path.starts_with(&format!("{prefix}.")))
        .map(|(_, events)| *events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outsiders_callers_and_trusted() {
        assert_eq!(
            control("github.event.head_commit.author.name"),
            Control::Outsider
        );
        assert_eq!(control("github.event.commits.*.message"), Control::Outsider);
        assert_eq!(control("github.event.head_commit"), Control::Outsider);
        assert_eq!(control("github.event"), Control::Outsider);
        assert_eq!(control("github.head_ref"), Control::Outsider);
        assert_eq!(control("inputs.version"), Control::Caller);
        assert_eq!(control("github.event.inputs.version"), Control::Caller);
        assert_eq!(control("github.event.client_payload.tag"), Control::Caller);
        assert_eq!(control("inputs"), Control::Caller);
        assert_eq!(control("github.ref"), Control::Trusted);
        assert_eq!(
            control("github.event.pull_request.number"),
            Control::Trusted
        );
        assert_eq!(control("github.event.head_commit.id"), Control::Trusted);
        assert_eq!(control("secrets.token"), Control::Trusted);
        assert_eq!(control("github.event.release.tag_name"), Control::Trusted);
        assert!(is_outsider_field("github.event.pull_request.title"));
        assert!(is_outsider_field("github.event.commits.*.message"));
        assert!(!is_outsider_field("github.event.pull_request"));
    }
}
