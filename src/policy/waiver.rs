//! `[[waiver]]`: a reasoned, optionally expiring exception for one check's
//! findings in matching paths, narrowed if need be to one kind of finding
//! (`check = "CHECK/CODE"`), a line, what the finding is about (`target`),
//! or the finding itself (`fingerprint`).

use super::PolicyError;
use crate::finding::Location;
use crate::repo::spanned::Node;

/// The keys a `[[waiver]]` takes (`shipgate schema` lists them).
pub const WAIVER_KEYS: &[&str] = &[
    "check",
    "path",
    "line",
    "target",
    "fingerprint",
    "reason",
    "expires",
];

#[derive(Debug, Clone)]
pub struct Waiver {
    /// The check id (`*`: every check).
    pub check: String,
    /// With `check = "CHECK/CODE"`: only findings with this code.
    pub code: Option<String>,
    /// A glob over finding paths.
    pub path: String,
    pub line: Option<usize>,
    /// A glob over what the finding is about: the first name in backquotes
    /// in its message (a link's destination, an action, an input).
    pub target: Option<globset::GlobMatcher>,
    /// The normalised source line of the finding, as the baseline records it.
    pub fingerprint: Option<String>,
    pub reason: String,
    pub expires: Option<jiff::civil::Date>,
    /// Where the waiver is declared in the policy.
    pub location: Location,
}

impl Waiver {
    /// What it names, as written: `check` or `check/code`.
    pub fn names(&self) -> String {
        match &self.code {
            Some(code) => format!("{}/{code}", self.check),
            None => self.check.clone(),
        }
    }

    /// Whether the finding is the one `target` and `fingerprint` narrow the
    /// waiver to (check, path and line are matched by the engine);
    /// `snippet` gives the finding's source line, read only when needed.
    pub fn matches_finding(
        &self,
        f: &crate::finding::Finding,
        snippet: impl FnOnce() -> Option<String>,
    ) -> bool {
        if let Some(t) = &self.target {
            match subject(&f.message) {
                Some(s) if t.is_match(s) => {}
                _ => return false,
            }
        }
        if let Some(want) = &self.fingerprint {
            let line = f.snippet.clone().or_else(snippet).unwrap_or_default();
            if crate::baseline::normalise(&line) != *want {
                return false;
            }
        }
        true
    }
}

/// What a finding is about: the first name in backquotes in its message.
pub fn subject(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
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
        code: None,
        path: "**".into(),
        line: None,
        target: None,
        fingerprint: None,
        reason: String::new(),
        expires: None,
        location: location.clone(),
    };
    for e in item.entries() {
        let s = || super::load::entry_string("waiver", e, &err);
        match e.key.as_str() {
            "check" => {
                let named = s()?;
                match named.split_once('/') {
                    Some((check, code)) => {
                        w.check = check.to_string();
                        w.code = Some(code.to_string());
                    }
                    None => w.check = named,
                }
            }
            "path" => {
                w.path = s()?;
                crate::repo::check_glob(&w.path).map_err(|g| {
                    err(e.node.span.start, format!("bad glob in `waiver.path`: {g}"))
                })?;
            }
            "reason" => w.reason = s()?,
            "target" => {
                let glob = s()?;
                let m = globset::GlobBuilder::new(&glob)
                    .literal_separator(false)
                    .build()
                    .map_err(|g| {
                        err(
                            e.node.span.start,
                            format!("bad glob in `waiver.target`: {g}"),
                        )
                    })?;
                w.target = Some(m.compile_matcher());
            }
            "fingerprint" => {
                let text = crate::baseline::normalise(&s()?);
                if text.is_empty() {
                    return Err(err(
                        e.node.span.start,
                        "`waiver.fingerprint` must not be empty".into(),
                    ));
                }
                w.fingerprint = Some(text);
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_is_the_first_quoted_name() {
        assert_eq!(
            subject("link `guide.html` points at `docs/guide.html`, which does not exist"),
            Some("guide.html")
        );
        assert_eq!(subject("no quotes"), None);
    }
}
