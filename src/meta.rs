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
}

/// Where a check is documented: its page, docs/checks/<id>.md, generated
/// from its metadata (`app::check_page`).
pub fn help_uri(id: &str) -> String {
    format!(
        "{}/blob/main/docs/checks/{id}.md",
        env!("CARGO_PKG_REPOSITORY")
    )
}
