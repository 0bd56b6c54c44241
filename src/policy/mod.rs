//! The policy: presets, variables, check tuning, custom checks, facts and
//! waivers, loaded from `shipgate.toml` with every error pointing at the
//! file, line and key that caused it.

pub mod catalog;
pub mod fact_path;
mod load;
pub mod params;
pub mod publisher;
pub mod waiver;

use crate::finding::{Location, Severity};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub use catalog::{Catalog, EvaluatorSpec};
pub use load::{did_you_mean, find_policy_file, from_text, load, parse as parse_text};

/// The key lists the loader accepts, for the schema generated beside it.
pub mod keys {
    pub use super::load::{CUSTOM_KEYS, FACT_KEYS, TOP_KEYS, TUNING_KEYS};
}
pub use publisher::Publisher;
pub use waiver::Waiver;

/// Lanes every policy has. `preflight` runs what `pre-merge` runs and more.
pub const BUILTIN_LANES: &[&str] = &["pre-merge", "preflight"];

/// Embedded presets: name, what it is for, TOML.
pub static PRESETS: &[(&str, &str, &str)] = &[
    (
        "default",
        "every built-in check at its default severity",
        include_str!("presets/default.toml"),
    ),
    (
        "github-actions",
        "every workflow warning about the release lane blocks",
        include_str!("presets/github-actions.toml"),
    ),
    (
        "pypi",
        "PyPI: isolated, cache-free OIDC publishing",
        include_str!("presets/pypi.toml"),
    ),
    (
        "npm",
        "npm: isolated, cache-free OIDC publishing with provenance",
        include_str!("presets/npm.toml"),
    ),
    (
        "crates",
        "crates.io: no caches in the publishing job, tags pushed by name",
        include_str!("presets/crates.toml"),
    ),
    (
        "hex",
        "Hex: recovery-only dispatch, no persisted checkout token",
        include_str!("presets/hex.toml"),
    ),
    (
        "release-please",
        "release-please: recovery-only dispatch, tags pushed by name",
        include_str!("presets/release-please.toml"),
    ),
    (
        "docs",
        "docs and repository hygiene (SECURITY.md, CODEOWNERS) block",
        include_str!("presets/docs.toml"),
    ),
];

/// A policy error: exit 2, nothing evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyError {
    pub location: Location,
    pub message: String,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.location.path, self.location.line, self.location.column, self.message
        )
    }
}

impl std::error::Error for PolicyError {}

/// How the policy tunes one built-in check.
#[derive(Debug, Clone, Default)]
pub struct Tuning {
    pub severity: Option<Severity>,
    pub files: Option<Vec<String>>,
    /// The policy line of `files`, for a finding about a glob of it.
    pub files_line: Option<usize>,
    pub lanes: Option<Vec<String>>,
    pub enabled: Option<bool>,
    /// Check-specific keys (declared in the check's `Meta::params`).
    pub params: toml::Table,
}

/// A `[[check]]` entry built from a generic evaluator.
#[derive(Debug, Clone)]
pub struct CustomCheck {
    pub id: String,
    pub uses: String,
    pub title: Option<String>,
    pub why: Option<String>,
    pub severity: Severity,
    pub lanes: Vec<String>,
    pub enabled: bool,
    /// `optional = true`: globs that match nothing are a SKIP, not a BLOCK.
    pub optional: bool,
    pub files: Option<Vec<String>>,
    /// Where it is declared in the policy.
    pub location: Location,
    /// The evaluator's parameters, with the spans of each key.
    pub params: toml::Table,
    pub param_lines: HashMap<String, usize>,
}

/// Where a fact's value comes from.
#[derive(Debug, Clone)]
pub enum FactSource {
    Toml(String),
    Json(String),
    Yaml(String),
    Regex(regex::Regex),
    /// The lines between the first line holding `start` and the next line
    /// holding `end`, normalised (comment prefix stripped, dedented).
    Region {
        start: String,
        end: String,
    },
}

#[derive(Debug, Clone)]
pub struct Fact {
    pub name: String,
    pub file: String,
    pub source: FactSource,
    pub location: Location,
}

/// A loaded, validated policy.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The policy file as the user named it (or found it), if any.
    pub path: Option<String>,
    pub extends: Vec<String>,
    pub vars: BTreeMap<String, String>,
    /// Where each variable is set (its key in the policy file, or in the
    /// preset that set it), for findings that point into the policy.
    pub var_at: BTreeMap<String, Location>,
    pub tunings: HashMap<String, Tuning>,
    pub custom: Vec<CustomCheck>,
    pub facts: BTreeMap<String, Fact>,
    pub waivers: Vec<Waiver>,
    /// Trusted publishers configured on registries (`[[publisher]]`).
    pub publishers: Vec<Publisher>,
    /// Lanes the policy declares beyond the built-in ones.
    pub lanes: Vec<String>,
}

impl Policy {
    /// The built-in default policy, used when the tree has no policy file.
    pub fn builtin_default() -> Policy {
        Policy {
            extends: vec!["default".into()],
            ..Policy::default()
        }
    }

    pub fn display_path(&self) -> &str {
        self.path.as_deref().unwrap_or("<built-in default policy>")
    }

    pub fn tuning(&self, id: &str) -> Option<&Tuning> {
        self.tunings.get(id)
    }

    pub fn knows_lane(&self, lane: &str) -> bool {
        BUILTIN_LANES.contains(&lane) || self.lanes.iter().any(|l| l == lane)
    }
}

/// Whether a check declared for `check_lanes` runs in `lane`.
pub fn runs_in_lane(check_lanes: &[String], lane: &str) -> bool {
    if check_lanes.is_empty() {
        return true;
    }
    check_lanes
        .iter()
        .any(|l| l == lane || (l == "pre-merge" && lane == "preflight"))
}

/// Loads the policy for `root`: `--policy`, else `shipgate.toml`, else
/// `.github/shipgate.toml`, else the built-in default.
pub fn resolve(
    root: &Path,
    explicit: Option<&Path>,
    catalog: &Catalog,
) -> Result<Policy, PolicyError> {
    match explicit {
        Some(p) => load(p, &p.display().to_string(), catalog),
        None => match find_policy_file(root) {
            Some((abs, shown)) => {
                // The tree's own policy is as untrusted as the tree: never
                // follow it out of the root (SPEC §5), and never fall back to
                // the built-in default when it is there but unusable.
                let refuse = |message: String| PolicyError {
                    location: crate::finding::Location::file(&shown),
                    message,
                };
                let is_link =
                    std::fs::symlink_metadata(&abs).is_ok_and(|m| m.file_type().is_symlink());
                if is_link && !abs.exists() {
                    return Err(refuse(
                        "the policy is a symlink to a file that does not exist; fix or remove \
                         the link (shipgate does not fall back to the built-in policy)"
                            .into(),
                    ));
                }
                let inside = match (std::fs::canonicalize(root), std::fs::canonicalize(&abs)) {
                    (Ok(r), Ok(p)) => p.starts_with(r),
                    _ => false,
                };
                if !inside {
                    return Err(refuse(
                        "the policy is a symlink that leaves the root; it is not read".into(),
                    ));
                }
                load(&abs, &shown, catalog)
            }
            None => Ok(Policy::builtin_default()),
        },
    }
}
