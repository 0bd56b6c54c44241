//! `security-policy`: a SECURITY.md exists and tells reporters how to reach
//! the maintainers privately.

use super::{Check, Code, Context, Meta, Outcome};
use crate::finding::{Finding, Location, Severity};

pub struct SecurityPolicy;

static META: Meta = Meta {
    id: "security-policy",
    title: "SECURITY.md names a private way to report a vulnerability",
    severity: Severity::Warn,
    lanes: &[],
    rationale: "Someone who finds a hole in a released package needs a way to tell the \
        maintainers without telling everyone else first. GitHub shows SECURITY.md (from the \
        root, `.github/` or `docs/`) on the repository's Security tab; if it is missing, or \
        only says \"open an issue\", the report lands in public. shipgate looks for a \
        private route in it: an email address, GitHub's private vulnerability reporting \
        (`/security/advisories/new`), a bug-bounty platform, or a security contact URL.",
    passes: "## Reporting a vulnerability\nUse GitHub's private vulnerability reporting:\n\
        https://github.com/OWNER/REPO/security/advisories/new, or mail security@example.org.",
    fails: "## Reporting a vulnerability\nPlease open an issue.",
    fix: "Add SECURITY.md (root, `.github/` or `docs/`) with a private reporting route: enable \
        private vulnerability reporting in the repository settings and link \
        `https://github.com/OWNER/REPO/security/advisories/new`, or give a monitored email \
        address.",
    params: &[],
    codes: &[
        Code {
            id: "no-security-policy",
            summary: "there is no SECURITY.md",
        },
        Code {
            id: "no-private-route",
            summary: "SECURITY.md names no private way to report a vulnerability",
        },
    ],
};

impl Check for SecurityPolicy {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn project(&self, cx: &Context<'_>) -> Outcome {
        run(cx)
    }
}

const DIRS: &[&str] = &["", ".github/", "docs/"];

fn run(cx: &Context<'_>) -> Outcome {
    if cx.tree.paths().next().is_none() {
        return Outcome::Skip("empty tree".into());
    }
    let found: Vec<&str> = cx
        .tree
        .paths()
        .filter(|p| {
            DIRS.iter().any(|d| {
                p.strip_prefix(d).is_some_and(|name| {
                    !name.contains('/') && {
                        let n = name.to_ascii_lowercase();
                        n == "security.md" || n == "security.markdown" || n == "security.rst"
                    }
                })
            })
        })
        .collect();
    let Some(first) = found.first() else {
        return Outcome::Findings(vec![Finding::new(
            Location::file("SECURITY.md"),
            "no SECURITY.md in the root, `.github/` or `docs/`: reporters have no private route to the maintainers",
            "add SECURITY.md naming a private reporting route (GitHub private vulnerability reporting or an email address)",
        )
.code("no-security-policy")]);
    };
    for path in &found {
        match cx.tree.text(path) {
            Ok(t) if names_private_route(&t.text) => return Outcome::Findings(Vec::new()),
            Ok(_) => {}
            Err(e) => return Outcome::Findings(vec![e.to_finding()]),
        }
    }
    Outcome::Findings(vec![Finding::new(
        Location::file(*first),
        format!(
            "{first} names no private reporting route (no email address, private vulnerability reporting link, or security contact URL)"
        ),
        "link `https://github.com/OWNER/REPO/security/advisories/new` (enable private vulnerability reporting) or give a monitored email address",
    )
.code("no-private-route")])
}

/// Whether the text names a way to report privately.
pub(crate) fn names_private_route(text: &str) -> bool {
    let lower = text.to_lowercase();
    if [
        "security/advisories",
        "private vulnerability report",
        "privately report",
        "report privately",
        "report them privately",
        "report it privately",
        "private to the security team",
        "security team",
        "security advisory",
        "private security",
        "privately",
        "hackerone.com",
        "bugcrowd.com",
        "huntr.com",
        "huntr.dev",
        "intigriti.com",
        "yeswehack.com",
        "tidelift.com/security",
        "security.txt",
        "mailto:",
    ]
    .iter()
    .any(|n| lower.contains(n))
    {
        return true;
    }
    if has_email(&lower) {
        return true;
    }
    // A security contact page: a URL whose path mentions security or disclosure.
    lower
        .split(|c: char| c.is_whitespace() || "()<>[]\"'`".contains(c))
        .any(|w| {
            w.starts_with("https://")
                && (w[8..].contains("/security")
                    || w.contains("disclosure")
                    || w.contains("vulnerab"))
        })
}

fn has_email(lower: &str) -> bool {
    lower
        .split(|c: char| c.is_whitespace() || "()<>[]\"'`,;*".contains(c))
        .any(|w| {
            let w = w.trim_end_matches(['.', ':']);
            let Some((user, domain)) = w.split_once('@') else {
                return false;
            };
            !user.is_empty()
                && user
                    .chars()
                    .all(|c| c.is_alphanumeric() || "._+-".contains(c))
                && domain.contains('.')
                && !domain.starts_with('.')
                && domain
                    .chars()
                    .all(|c| c.is_alphanumeric() || ".-".contains(c))
                && ![
                    "example.com",
                    "example.org",
                    "example.net",
                    "users.noreply.github.com",
                ]
                .contains(&domain)
                && user != "git"
        })
}

#[cfg(test)]
mod tests {
    use super::names_private_route;

    #[test]
    fn routes() {
        assert!(names_private_route("Mail security@acme.dev please."));
        assert!(names_private_route(
            "Use https://github.com/o/r/security/advisories/new"
        ));
        assert!(names_private_route("Report at https://acme.dev/security"));
        assert!(names_private_route(
            "File a bug under the security product; it is private to the security team."
        ));
        assert!(names_private_route(
            "Open a GitHub Security Advisory draft for this repository."
        ));
        assert!(!names_private_route("Please open an issue on GitHub."));
        assert!(!names_private_route("Write to security@example.com"));
        assert!(!names_private_route("Clone git@github.com:o/r.git"));
    }
}
