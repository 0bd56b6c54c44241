//! What a check (or an engine audit) is, declared next to its code: the
//! catalog entry `list`, `explain`, the docs and the policy loader read. It
//! lives apart from the registry so that modules outside `checks` (the
//! baseline audit) can declare one without importing the registry.

use crate::finding::Severity;

/// What a check is, declared next to its code.
pub struct Meta {
    /// Stable kebab-case id.
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    /// Lanes that run it; empty means `pre-merge` (and so every lane).
    pub lanes: &'static [&'static str],
    /// Why the check exists.
    pub rationale: &'static str,
    /// A snippet that passes.
    pub passes: &'static str,
    /// A snippet that fails.
    pub fails: &'static str,
    /// How to fix a failure.
    pub fix: &'static str,
    /// Extra keys the check accepts under `[checks.ID]`.
    pub params: &'static [&'static str],
    /// Every code its findings may carry, beside the [`ENGINE_CODES`] any
    /// check may carry. A test fails on a code a check emits but does not
    /// declare here, and on one declared here that nothing emits.
    pub codes: &'static [Code],
}

/// One kind of finding, under its check: the stable kebab-case name a
/// finding carries (`Finding::code`), waivers and inline ignores target
/// (`actions-pinned/movable-ref`), and `explain CHECK/CODE` describes.
#[derive(Debug)]
pub struct Code {
    pub id: &'static str,
    /// One line: what a finding with this code means.
    pub summary: &'static str,
}

/// The codes the engine (or the code it runs every check through) may put
/// under any check: the check itself never chooses them, so no check
/// declares them again.
pub const ENGINE_CODES: &[Code] = &[
    Code {
        id: "unparseable",
        summary: "a file the check must judge could not be read or parsed, so the check fails closed",
    },
    Code {
        id: "bad-glob",
        summary: "a glob the policy hands the check is not a valid glob",
    },
    Code {
        id: "internal-error",
        summary: "the check crashed on this input (a bug in shipgate), so it fails closed",
    },
    Code {
        id: "more-findings",
        summary: "the check found more in one file than the report lists; this finding counts the rest",
    },
    Code {
        id: "glob-matches-nothing",
        summary: "a `files` glob the policy gives the check matches no file (and a custom check is not `optional`), so the check would judge less than the policy says",
    },
];

/// The codes the engine may put under any custom `[[check]]`, whatever its
/// evaluator (`src/evaluators/mod.rs` sets them), beside [`ENGINE_CODES`].
pub const CUSTOM_CHECK_CODES: &[Code] = &[Code {
    id: "bad-params",
    summary: "the check's parameters could not be read when it ran",
}];

impl Meta {
    /// A code this check's findings may carry: its own or an engine code.
    pub fn code_named(&self, id: &str) -> Option<&'static Code> {
        self.codes.iter().chain(ENGINE_CODES).find(|c| c.id == id)
    }

    /// Every code its findings may carry, its own first.
    pub fn all_codes(&self) -> impl Iterator<Item = &'static Code> {
        self.codes.iter().chain(ENGINE_CODES)
    }
}

/// Where a check is documented: its page, docs/checks/<id>.md, generated
/// from its metadata (`app::check_page`).
pub fn help_uri(id: &str) -> String {
    format!(
        "{}/blob/main/docs/checks/{id}.md",
        env!("CARGO_PKG_REPOSITORY")
    )
}
