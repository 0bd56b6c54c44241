//! `codeowners-workflows`: every workflow file has a code owner, by
//! CODEOWNERS' own rules (the last matching line wins).

use super::{Check, Code, Context, Meta, Outcome};
use crate::finding::{Finding, Location, Severity};
use globset::{GlobBuilder, GlobMatcher};

pub struct CodeownersWorkflows;

static META: Meta = Meta {
    id: "codeowners-workflows",
    title: "CODEOWNERS gives every workflow file an owner",
    severity: Severity::Warn,
    lanes: &[],
    rationale: "A workflow file decides what runs with the repository's secrets and \
        publishing rights. With branch protection requiring code-owner review, a CODEOWNERS \
        rule over `.github/workflows/` means no change to the release lane merges without \
        someone who owns it. shipgate reads CODEOWNERS where GitHub does (`.github/`, then \
        the root, then `docs/`; the first found is the one used) and applies its rules as \
        GitHub does: patterns follow gitignore syntax, the last matching line wins, and a \
        pattern with no owners leaves the matching files unowned.",
    passes: "# .github/CODEOWNERS\n*                     @acme/devs\n/.github/workflows/   @acme/release-owners",
    fails: "# .github/CODEOWNERS\n/src/  @acme/devs\n# (nothing matches .github/workflows/release.yml)",
    fix: "Add a line such as `/.github/workflows/ @org/release-owners` near the end of \
        CODEOWNERS (after broader patterns, since the last match wins), and turn on \"Require \
        review from Code Owners\" in branch protection.",
    params: &[],
    codes: &[
        Code {
            id: "no-codeowners",
            summary: "the repository has no CODEOWNERS file, so workflow changes need no owner's review",
        },
        Code {
            id: "unowned-workflow",
            summary: "no CODEOWNERS rule matches a workflow file",
        },
        Code {
            id: "ownerless-rule",
            summary: "the CODEOWNERS rule that decides a workflow's owner names nobody",
        },
        Code {
            id: "invalid-owner",
            summary: "the CODEOWNERS rule for a workflow names no valid owner, so GitHub ignores it",
        },
    ],
};

impl Check for CodeownersWorkflows {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn project(&self, cx: &Context<'_>) -> Outcome {
        run(cx)
    }
}

/// Where GitHub looks for CODEOWNERS, in order.
pub(crate) const LOCATIONS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

fn run(cx: &Context<'_>) -> Outcome {
    let workflows = match cx.select(cx.tree.workflow_paths()) {
        Ok(w) => w,
        Err(f) => return Outcome::Findings(vec![*f]),
    };
    if workflows.is_empty() {
        return Outcome::Skip("no workflows".into());
    }
    let Some(path) = LOCATIONS.iter().copied().find(|p| cx.tree.exists(p)) else {
        return Outcome::Findings(vec![Finding::new(
            Location::file(".github/CODEOWNERS"),
            format!(
                "no CODEOWNERS file (looked in {}): changes to the {} workflow file(s) need no owner's review",
                LOCATIONS.join(", "),
                workflows.len()
            ),
            "add .github/CODEOWNERS with a rule such as `/.github/workflows/ @org/release-owners`",
        )
.code("no-codeowners")]);
    };
    let text = match cx.tree.text(path) {
        Ok(t) => t,
        Err(e) => return Outcome::Findings(vec![e.to_finding()]),
    };
    let rules = parse(&text.text);
    let mut out = Vec::new();
    for wf in workflows {
        match owner_rule(&rules, wf) {
            Some(r) if !r.owners.is_empty() => {}
            Some(r) => out.push(Finding::new(
                Location::new(path, r.line, 1),
                format!(
                    "`{}` is the last CODEOWNERS rule matching {wf} and names no owner, so the workflow is unowned",
                    r.pattern
                ),
                "give the rule an owner, or add a later rule such as `/.github/workflows/ @org/release-owners`",
            )
.code("ownerless-rule")),
            None => match rules.iter().rev().find(|r| r.invalid && r.pattern_matches(wf)) {
                Some(bad) => out.push(Finding::new(
                    Location::new(path, bad.line, 1),
                    format!(
                        "`{}` would own {wf}, but names no valid owner ({}), so GitHub skips the line",
                        bad.pattern,
                        bad.owners.join(" ")
                    ),
                    "write owners as @user, @org/team or an email address",
                )
.code("invalid-owner")),
                None => out.push(Finding::new(
                    Location::file(wf),
                    format!("no CODEOWNERS rule in {path} matches {wf}"),
                    format!("add `/.github/workflows/ @org/release-owners` to {path}"),
                )
.code("unowned-workflow")),
            },
        }
    }
    Outcome::Findings(out)
}

/// One CODEOWNERS line.
#[derive(Debug)]
pub(crate) struct Rule {
    pub pattern: String,
    pub owners: Vec<String>,
    pub line: usize,
    matcher: Option<GlobMatcher>,
    /// A trailing `/`: matches only what is inside a directory.
    dir_only: bool,
    /// Names owners, none of them valid: GitHub skips such a line.
    pub invalid: bool,
}

impl Rule {
    /// Whether this rule matches `path` (a file), directly or through a parent directory.
    pub fn matches(&self, path: &str) -> bool {
        !self.invalid && self.pattern_matches(path)
    }

    fn pattern_matches(&self, path: &str) -> bool {
        let Some(m) = &self.matcher else { return false };
        if !self.dir_only && m.is_match(path) {
            return true;
        }
        // A pattern matching a directory owns everything under it, except
        // `dir/*`, which GitHub applies to direct children only.
        if self.pattern.ends_with("/*") {
            return false;
        }
        let mut end = path.len();
        while let Some(i) = path[..end].rfind('/') {
            if m.is_match(&path[..i]) {
                return true;
            }
            end = i;
        }
        false
    }
}

pub(crate) fn parse(text: &str) -> Vec<Rule> {
    let mut rules = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = strip_comment(raw);
        let mut words = line.split_whitespace();
        let Some(pattern) = words.next() else {
            continue;
        };
        let owners: Vec<String> = words.map(str::to_string).collect();
        let invalid = !owners.is_empty() && !owners.iter().any(|o| is_owner(o));
        let pattern = pattern.replace("\\#", "#");
        let dir_only = pattern.ends_with('/');
        let core = pattern.trim_end_matches('/');
        let anchored = pattern.starts_with('/') || core.trim_start_matches('/').contains('/');
        let core = core.trim_start_matches('/');
        let glob = if core.is_empty() {
            "**".to_string()
        } else if anchored {
            core.to_string()
        } else {
            format!("**/{core}")
        };
        // `!` negation and `[ ]` ranges are not supported by GitHub: such lines match nothing.
        let matcher = if pattern.starts_with('!') || pattern.contains('[') {
            None
        } else {
            GlobBuilder::new(&glob)
                .literal_separator(true)
                .build()
                .ok()
                .map(|g| g.compile_matcher())
        };
        rules.push(Rule {
            pattern,
            owners,
            line: i + 1,
            matcher,
            dir_only,
            invalid,
        });
    }
    rules
}

/// `@user`, `@org/team` or an email address.
fn is_owner(o: &str) -> bool {
    o.strip_prefix('@').is_some_and(|r| !r.is_empty()) || (o.contains('@') && o.contains('.'))
}

fn strip_comment(line: &str) -> &str {
    let b = line.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b'#' && (i == 0 || b[i - 1] != b'\\') {
            return &line[..i];
        }
    }
    line
}

/// The rule that decides `path`'s owners: the last one matching it.
pub(crate) fn owner_rule<'r>(rules: &'r [Rule], path: &str) -> Option<&'r Rule> {
    rules.iter().rev().find(|r| r.matches(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(co: &str, path: &str) -> Option<Vec<String>> {
        owner_rule(&parse(co), path).map(|r| r.owners.clone())
    }

    #[test]
    fn last_match_wins_and_empty_unowns() {
        let co = "* @all\n/.github/workflows/ @rel\n.github/workflows/docs.yml\n";
        assert_eq!(
            owners(co, ".github/workflows/release.yml").unwrap(),
            ["@rel"]
        );
        assert!(owners(co, ".github/workflows/docs.yml").unwrap().is_empty());
        assert_eq!(owners(co, "src/main.rs").unwrap(), ["@all"]);
    }

    #[test]
    fn pattern_forms() {
        // Unanchored names match at any depth, and a directory owns its contents.
        assert!(owners("workflows/ @a", ".github/workflows/ci.yml").is_some());
        assert!(owners(".github @a", ".github/workflows/ci.yml").is_some());
        assert!(owners("*.yml @a", ".github/workflows/ci.yml").is_some());
        // `dir/*` matches direct children only.
        assert!(owners(".github/* @a", ".github/workflows/ci.yml").is_none());
        assert!(owners(".github/workflows/* @a", ".github/workflows/ci.yml").is_some());
        // Anchored patterns with a middle slash only match from the root.
        assert!(owners("docs/.github/ @a", ".github/workflows/ci.yml").is_none());
        assert!(owners("/.github/**/ci.yml @a", ".github/workflows/ci.yml").is_some());
        // A trailing slash does not match a file of that name.
        assert!(owners("ci.yml/ @a", ".github/workflows/ci.yml").is_none());
        // Comments, escaped #, negation.
        assert!(owners("# .github/ @a\n", ".github/workflows/ci.yml").is_none());
        assert_eq!(
            owners(".github/ @a # note", ".github/workflows/ci.yml").unwrap(),
            ["@a"]
        );
        assert!(owners("!.github/ @a", ".github/workflows/ci.yml").is_none());
        // An owner without `@` is invalid: GitHub skips the line.
        assert!(owners("* Jake-Shadle", ".github/workflows/ci.yml").is_none());
        assert!(owners("* dev@acme.org", ".github/workflows/ci.yml").is_some());
    }
}
