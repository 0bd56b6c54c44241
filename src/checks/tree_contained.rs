//! `tree-contained`: every path in the tree can be read without leaving it.
//! Symlinks that leave the root, dangle or loop are never followed or read
//! (SPEC §5); this check says where they are, by their path inside the root
//! (never their target), so nothing outside the root reaches the report.

use super::{Check, Code, Context, Meta, Outcome};
use crate::finding::{Finding, Location, Severity};

pub struct TreeContained;

static META: Meta = Meta {
    id: "tree-contained",
    title: "Every path in the tree is readable inside the root",
    severity: Severity::Warn,
    lanes: &[],
    rationale: "shipgate judges the files of the repository and nothing else. A symlink that \
        points outside the root (to /etc/passwd, to a file on the runner), dangles or loops \
        is never followed or read, so whatever a check would have learned from it is unknown. \
        Such links are reported here; a check that needs one of them fails closed on it.",
    passes: "docs/guide.md -> ../README.md      # stays inside the root",
    fails: "README.md -> /home/runner/secret.md   # leaves the root\nloop-a -> loop-b -> loop-a",
    fix: "Replace the symlink with the file itself, point it at a file inside the \
        repository, or delete it.",
    params: &[],
    codes: &[Code {
        id: "escapes-root",
        summary: "a symlink in the tree points outside the repository or cannot be followed",
    }],
};

impl Check for TreeContained {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn project(&self, cx: &Context<'_>) -> Outcome {
        run(cx)
    }
}

fn run(cx: &Context<'_>) -> Outcome {
    let mut findings: Vec<Finding> = cx
        .tree
        .bad_links()
        .map(|(path, why)| {
            Finding::new(
                Location::file(path),
                format!("{path} is {why}"),
                "replace it with the file, or point it at a file inside the repository",
            )
            .code("escapes-root")
        })
        .collect();
    findings.extend(
        cx.tree
            .walk_problems
            .iter()
            .map(|p| p.to_finding().warn_only()),
    );
    if findings.is_empty() && cx.tree.paths().next().is_none() {
        return Outcome::Skip("no files".into());
    }
    // Every path was looked at: a clean tree passes.
    Outcome::Findings(findings)
}
