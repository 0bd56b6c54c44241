//! `[[publisher]]`: a trusted publisher as a maintainer typed it into a
//! registry's settings (registry, package, workflow file, environment,
//! repository). `publisher-binding` holds every publishing job to one.

use super::PolicyError;
use crate::finding::Location;
use crate::repo::spanned::Node;

/// The keys a `[[publisher]]` takes (`shipgate schema` lists them).
pub const PUBLISHER_KEYS: &[&str] = &[
    "registry",
    "package",
    "workflow",
    "environment",
    "repository",
];

/// The registries that accept GitHub's OIDC token, as the policy names them.
pub const PUBLISHER_REGISTRIES: &[&str] = &["pypi", "npm", "crates-io", "rubygems", "nuget"];

#[derive(Debug, Clone, PartialEq)]
pub struct Publisher {
    /// One of [`PUBLISHER_REGISTRIES`].
    pub registry: String,
    pub package: Option<String>,
    /// The workflow file name the registry expects (`release.yml`).
    pub workflow: String,
    pub environment: Option<String>,
    /// `OWNER/REPO`.
    pub repository: Option<String>,
    /// Where the entry is declared in the policy.
    pub location: Location,
}

pub(super) fn parse(
    location: &Location,
    item: &Node,
    err: impl Fn(usize, String) -> PolicyError,
) -> Result<Publisher, PolicyError> {
    if !item.is_table() {
        return Err(err(
            item.span.start,
            "each [[publisher]] must be a table".into(),
        ));
    }
    let mut p = Publisher {
        registry: String::new(),
        package: None,
        workflow: String::new(),
        environment: None,
        repository: None,
        location: location.clone(),
    };
    for e in item.entries() {
        let s = || super::load::entry_string("publisher", e, &err);
        match e.key.as_str() {
            "registry" => {
                let r = s()?;
                if !PUBLISHER_REGISTRIES.contains(&r.as_str()) {
                    return Err(err(
                        e.node.span.start,
                        format!(
                            "unknown registry `{r}` in `publisher.registry`{}; expected one of: {}",
                            super::load::did_you_mean(&r, PUBLISHER_REGISTRIES),
                            PUBLISHER_REGISTRIES.join(", ")
                        ),
                    ));
                }
                p.registry = r;
            }
            "package" => p.package = Some(s()?),
            "workflow" => {
                let w = s()?;
                if w.contains('/') || !(w.ends_with(".yml") || w.ends_with(".yaml")) {
                    return Err(err(
                        e.node.span.start,
                        format!(
                            "`publisher.workflow` must be a workflow file name like `release.yml`, not `{w}`"
                        ),
                    ));
                }
                p.workflow = w;
            }
            "environment" => p.environment = Some(s()?),
            "repository" => {
                let r = s()?;
                let parts: Vec<&str> = r.split('/').collect();
                if parts.len() != 2 || parts.iter().any(|x| x.trim().is_empty()) {
                    return Err(err(
                        e.node.span.start,
                        format!("`publisher.repository` must be OWNER/REPO, not `{r}`"),
                    ));
                }
                p.repository = Some(r);
            }
            _ => {
                return Err(super::load::unknown_entry_key(
                    "publisher",
                    e,
                    PUBLISHER_KEYS,
                    &err,
                ));
            }
        }
    }
    if p.registry.is_empty() {
        return Err(err(
            item.span.start,
            "[[publisher]] needs `registry`".into(),
        ));
    }
    if p.workflow.is_empty() {
        return Err(err(
            item.span.start,
            "[[publisher]] needs `workflow`".into(),
        ));
    }
    Ok(p)
}
