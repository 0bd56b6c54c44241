//! The check registry. A built-in check is one file here: a type that
//! implements [`Check`] (its [`Meta`], its [`Scope`] and the hook that
//! scope calls), and one line in the `builtins!` list, which declares its
//! module and makes [`BUILTINS`]. `shipgate list`, `explain`, the README's
//! table, the policy loader and the engine all read this one list.

use crate::finding::Finding;
use crate::policy::Policy;
use crate::repo::{FileError, Tree};
use crate::workflow::WorkflowFile;
use crate::workflow::WorkflowTree;
use std::sync::Arc;

mod api;
pub mod doc_pass;
pub mod waivers;
pub mod workflow_pass;

pub use crate::meta::{Code, Meta};
pub use api::{
    Check, InPathOrder, LinesSeen, Noted, NotedLines, Over, PublishedCheck, ReleaseWorkflowCheck,
    Scope, Seen, WorkflowVisitor, guarded, internal_error, internal_error_finding, may_hold_ignore,
};

/// Declares each check's module and lists its value in [`BUILTINS`].
macro_rules! builtins {
    ($($module:ident :: $check:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every built-in check, in report order.
        pub static BUILTINS: &[&dyn Check] = &[$(&$module::$check),*];
    };
}

/// What a check found, before severities, waivers and verdicts are applied.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing to look at in this tree; says what was missing.
    Skip(String),
    Findings(Vec<Finding>),
}

// Every built-in check, in report order: one line each, the check's
// module and the value that implements `Check`. The macro declares the
// module too, so adding a check is its file, this line and its fixtures.
builtins! {
    actions_pinned::ActionsPinned,
    actions_updates::ActionsUpdates,
    workflow_permissions::WorkflowPermissions,
    oidc_scope::CHECK,
    publish_environment::PublishEnvironment,
    trusted_publishing::TrustedPublishing,
    publisher_binding::PublisherBinding,
    registry_readiness::RegistryReadiness,
    secrets_in_environment::CHECK,
    publish_isolation::CHECK,
    release_concurrency::CHECK,
    dispatch_recovery::DispatchRecovery,
    release_triggers::ReleaseTriggers,
    checkout_credentials::CHECK,
    template_injection::CHECK,
    release_cache::CHECK,
    push_tags::CHECK,
    versions_agree::CHECK,
    changelog_entry::CHECK,
    package_metadata::CHECK,
    release_please_config::ReleasePleaseConfig,
    docs_links::DocsLinks,
    docs_workflow_agreement::DocsWorkflowAgreement,
    security_policy::SecurityPolicy,
    codeowners_workflows::CodeownersWorkflows,
    ci_equivalence::CiEquivalence,
    tree_contained::TreeContained,
    action_node_runtime::ActionNodeRuntime,
    release_bump::ReleaseBump,
    changelog_gained::ChangelogGained,
    release_pr_scope::ReleasePrScope,
    workflow_change_owned::WorkflowChangeOwned,
}

/// Every check's metadata, in `shipgate list` order, the engine's
/// `policy-waivers` and `baseline` audits last.
pub fn all_metas() -> impl Iterator<Item = &'static Meta> {
    BUILTINS
        .iter()
        .map(|b| b.meta())
        .chain(std::iter::once(&waivers::META))
        .chain(std::iter::once(&crate::baseline::META))
}

/// The metadata of a check by id.
pub fn meta(id: &str) -> Option<&'static Meta> {
    all_metas().find(|m| m.id == id)
}

/// A built-in check by id.
pub fn builtin(id: &str) -> Option<&'static dyn Check> {
    BUILTINS.iter().copied().find(|b| b.meta().id == id)
}

/// The ids of the built-in checks that join the shared workflow pass (one
/// workflow at a time, or across every workflow), in report order.
pub fn workflow_check_ids() -> impl Iterator<Item = &'static str> {
    BUILTINS
        .iter()
        .filter(|b| matches!(b.scope(), Scope::Workflows(_) | Scope::AcrossWorkflows))
        .map(|b| b.meta().id)
}

/// What one check run sees: the tree, the policy, and its own settings.
pub struct Context<'a> {
    pub tree: &'a Tree,
    /// With `--base REF`: the tree the change is compared against. The
    /// preflight checks need it and skip without it.
    pub base: Option<&'a crate::preflight::Base>,
    pub policy: &'a Policy,
    /// `files = [...]` from the check's policy entry, if any.
    pub files: Option<&'a [String]>,
    /// Extra keys from the check's policy entry.
    pub params: &'a toml::Table,
    /// Where a pass notes the lines its findings point at while it holds
    /// the file, for the report (shared by every check of the run).
    pub lines_seen: &'a LinesSeen,
}

impl Context<'_> {
    /// A list-of-strings parameter from `[checks.ID]`. The policy loader has
    /// already checked its type (`policy::params`), so here it is only read.
    pub fn strings(&self, key: &str) -> Option<Vec<&str>> {
        let list = self.params.get(key)?.as_array()?;
        Some(list.iter().filter_map(|v| v.as_str()).collect())
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.policy.vars.get(name).map(String::as_str)
    }

    /// Where the policy file sets variable `name` (not a built-in preset).
    pub fn var_location(&self, name: &str) -> Option<&crate::finding::Location> {
        self.policy
            .var_at
            .get(name)
            .filter(|l| !l.path.starts_with('<'))
    }

    /// Paths this check should look at: the policy's `files` globs, or `default`.
    pub fn select<'t>(&'t self, default: Vec<&'t str>) -> Result<Vec<&'t str>, Box<Finding>> {
        match self.files {
            None => Ok(default),
            Some(globs) => self.tree.glob(globs).map_err(|e| {
                Box::new(
                    Finding::new(
                        crate::finding::Location::file(self.policy.display_path()),
                        format!("bad `files` glob: {e}"),
                        "fix the glob in the policy",
                    )
                    .code("bad-glob"),
                )
            }),
        }
    }

    /// The packages a manifest check judges: every manifest (discovered
    /// once per run and shared by every check that asks), or only those its
    /// policy `files` globs select; the discovery's errors come back as
    /// fail-closed findings beside it. A bad glob is the check's one finding.
    pub fn packages(
        &self,
    ) -> Result<(Arc<crate::manifest::Discovery>, Vec<Finding>), Box<Finding>> {
        let d = match self.files {
            None => crate::manifest::discovered(self.tree),
            Some(_) => {
                let selected = self.select(Vec::new())?;
                Arc::new(crate::manifest::discover_selected(
                    self.tree,
                    Some(&selected),
                ))
            }
        };
        let errors = d.errors.iter().map(|e| e.to_finding()).collect();
        Ok((d, errors))
    }

    /// Every workflow this check should judge, parsed; those that fail to parse
    /// become fail-closed findings in `broken`.
    pub fn workflows(&self) -> Workflows {
        let mut out = Workflows::default();
        let paths = match self.select(self.tree.workflow_paths()) {
            Ok(p) => p,
            Err(f) => {
                out.broken.push(*f);
                return out;
            }
        };
        // Not kept in the tree's cache: the check holds them while it runs,
        // and they go with it.
        for parsed in crate::repo::par_map(&paths, |p| self.tree.workflow_unkept(p)) {
            match parsed {
                Ok(wf) => out.parsed.push(wf),
                Err(e) => out.broken.push(e.to_finding()),
            }
        }
        out
    }
}

#[derive(Default)]
pub struct Workflows {
    pub parsed: Vec<Arc<WorkflowFile>>,
    /// Fail-closed findings for workflows that could not be parsed.
    pub broken: Vec<Finding>,
}

/// A file that must be judged but cannot be read.
pub fn fail_closed(err: &FileError) -> Finding {
    err.to_finding()
}
