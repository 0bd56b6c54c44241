//! `[[waiver]]`: a reasoned, optionally expiring exception for one check's
//! findings in matching paths.

use super::PolicyError;
use crate::finding::Location;
use crate::repo::spanned::Node;

/// The keys a `[[waiver]]` takes (`shipgate schema` lists them).
pub(super) const WAIVER_KEYS: &[&str] = &["check", "path", "line", "reason", "expires"];

#[derive(Debug, Clone)]
pub struct Waiver {
    pub check: String,
    /// A glob over finding paths.
    pub path: String,
    pub line: Option<usize>,
    pub reason: String,
    pub expires: Option<jiff::civil::Date>,
    /// Where the waiver is declared in the policy.
    pub location: Location,
}

pub(super) fn parse(
    location: &Location,
    item: &Node,
    err: impl Fn(usize, String) -> PolicyError,
) -> Result<Waiver, PolicyError> {
    if !item.is_table() {
        return Err(err(
            item.span.start,
            "each [[waiver]] must be a table".into(),
        ));
    }
    let mut w = Waiver {
        check: String::new(),
        path: "**".into(),
        line: None,
        reason: String::new(),
        expires: None,
        location: location.clone(),
    };
    for e in item.entries() {
        let s = || super::load::entry_string("waiver", e, &err);
        match e.key.as_str() {
            "check" => w.check = s()?,
            "path" => {
                w.path = s()?;
                crate::repo::check_glob(&w.path).map_err(|g| {
                    err(e.node.span.start, format!("bad glob in `waiver.path`: {g}"))
                })?;
            }
            "reason" => w.reason = s()?,
            "line" => {
                w.line = Some(e.node.display().parse::<usize>().map_err(|_| {
                    err(
                        e.node.span.start,
                        "`waiver.line` must be a positive integer".into(),
                    )
                })?)
            }
            "expires" => {
                let raw = e.node.display();
                let date = raw.parse::<jiff::civil::Date>().map_err(|_| {
                    err(
                        e.node.span.start,
                        format!("`waiver.expires` must be a date like 2027-03-01, not `{raw}`"),
                    )
                })?;
                w.expires = Some(date);
            }
            _ => {
                return Err(super::load::unknown_entry_key(
                    "waiver",
                    e,
                    WAIVER_KEYS,
                    &err,
                ));
            }
        }
    }
    if w.check.is_empty() {
        return Err(err(item.span.start, "[[waiver]] needs `check`".into()));
    }
    if w.reason.trim().is_empty() {
        return Err(err(
            item.span.start,
            "[[waiver]] needs a non-empty `reason`".into(),
        ));
    }
    Ok(w)
}
