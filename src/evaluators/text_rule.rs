//! What `text.contains` and `text.forbids` share: their parameters, how
//! patterns compile, and the part of a file they look at.

use super::ParamError;
use crate::checks::Context;
use crate::finding::{Finding, Location};
use crate::policy::CustomCheck;
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::ops::Range;
use std::sync::Arc;

pub const PARAMS: &[&str] = &["files", "patterns", "regex", "section", "ignore_case"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextParams {
    pub files: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
    #[serde(default)]
    pub regex: Vec<String>,
    pub section: Option<String>,
    #[serde(default)]
    pub ignore_case: bool,
}

/// One compiled pattern and how to name it in a message.
pub struct Pattern {
    pub shown: String,
    pub re: Regex,
}

pub fn validate(c: &CustomCheck) -> Result<(), ParamError> {
    load(c).map(|_| ())
}

/// The parameters, checked, with every pattern compiled.
pub fn load(c: &CustomCheck) -> Result<(TextParams, Vec<Pattern>), ParamError> {
    let p: TextParams = super::params(c)?;
    if p.files.is_empty() {
        return Err((Some("files"), "`files` needs at least one glob".into()));
    }
    if p.patterns.is_empty() && p.regex.is_empty() {
        return Err((
            Some("patterns"),
            "give `patterns = [\"literal\", …]` and/or `regex = ['…']`".into(),
        ));
    }
    if p.patterns.iter().any(|s| s.is_empty()) {
        return Err((
            Some("patterns"),
            "an empty pattern matches everything".into(),
        ));
    }
    if p.section.as_deref().is_some_and(|s| s.trim().is_empty()) {
        return Err((Some("section"), "`section` must name a heading".into()));
    }
    let mut out = Vec::new();
    for lit in &p.patterns {
        let re = RegexBuilder::new(&regex::escape(lit))
            .case_insensitive(p.ignore_case)
            .build()
            .map_err(|e| (Some("patterns"), e.to_string()))?;
        out.push(Pattern {
            shown: format!("\"{lit}\""),
            re,
        });
    }
    for r in &p.regex {
        let re = RegexBuilder::new(r)
            .case_insensitive(p.ignore_case)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| (Some("regex"), format!("invalid regex `{r}`: {e}")))?;
        if re.is_match("") {
            return Err((
                Some("regex"),
                format!("regex `{r}` matches the empty string, so it matches everywhere"),
            ));
        }
        out.push(Pattern {
            shown: format!("/{r}/"),
            re,
        });
    }
    Ok((p, out))
}

/// A text rule ready to judge: its parameters, its patterns, where the policy
/// names its files, the scopes to search, and the files that could not be
/// read (already findings).
pub struct Rule {
    pub params: TextParams,
    pub patterns: Vec<Pattern>,
    pub at: Location,
    pub scopes: Vec<Scope>,
    pub problems: Vec<Finding>,
}

/// Loads a `text.contains` / `text.forbids` check and its scopes; a broken
/// parameter or glob is the check's outcome.
pub fn start(c: &CustomCheck, cx: &Context<'_>) -> Result<Rule, crate::checks::Outcome> {
    let (params, patterns) = load(c).map_err(|(_, msg)| super::param_error(c, msg))?;
    let at = super::policy_location(c, "files");
    let (scopes, problems) =
        scopes(cx, &params, &at).map_err(|f| crate::checks::Outcome::Findings(vec![*f]))?;
    Ok(Rule {
        params,
        patterns,
        at,
        scopes,
        problems,
    })
}

/// The text of one file and the byte range the rule applies to.
pub struct Scope {
    pub path: String,
    pub file: Arc<crate::repo::TextFile>,
    pub range: Range<usize>,
    /// Where the scope starts (the section's heading, or the file).
    pub start: Location,
}

/// The files a rule applies to, each narrowed to its section; files that
/// cannot be read, and files without the section, come back as findings.
pub fn scopes(
    cx: &Context<'_>,
    p: &TextParams,
    policy_at: &Location,
) -> Result<(Vec<Scope>, Vec<Finding>), Box<Finding>> {
    let paths = cx.tree.glob(&p.files).map_err(|e| {
        Box::new(Finding::new(
            policy_at.clone(),
            format!("bad `files` glob: {e}"),
            "fix the glob",
        ))
    })?;
    let mut scopes = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let Some(title) = &p.section else {
            match cx.tree.text(path) {
                Ok(file) => scopes.push(Scope {
                    path: path.to_string(),
                    range: 0..file.text.len(),
                    file,
                    start: Location::file(path),
                }),
                Err(e) if is_binary(&e) => {}
                Err(e) => problems.push(e.to_finding()),
            }
            continue;
        };
        match cx.tree.markdown(path) {
            Ok(doc) => match doc
                .headings
                .iter()
                .find(|h| h.text.eq_ignore_ascii_case(title.trim()))
            {
                Some(h) => scopes.push(Scope {
                    path: path.to_string(),
                    range: h.section.clone(),
                    file: doc.file.clone(),
                    start: Location::new(path, h.line, 1),
                }),
                None => problems.push(Finding::new(
                    Location::file(path),
                    format!("{path} has no section headed \"{title}\""),
                    format!("add a \"{title}\" heading, or fix `section` in the policy"),
                )),
            },
            Err(e) if is_binary(&e) => {}
            Err(e) => problems.push(e.to_finding()),
        }
    }
    Ok((scopes, problems))
}

/// A binary file (an image under `docs/**`) holds no prose to judge; every
/// other unreadable file fails closed.
fn is_binary(e: &crate::repo::FileError) -> bool {
    e.message.starts_with("binary content")
}
