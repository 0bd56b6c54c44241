//! `settings.environment`: proof, from GitHub settings exported with `gh api`,
//! that the publishing environment is protected — deployments restricted to
//! the release branches, required reviewers, no admin bypass, and registry
//! secrets held by the environment rather than the repository.
//!
//! The evidence files are the unedited JSON answers of:
//! - `gh api repos/O/R/environments/NAME` (`evidence`)
//! - `gh api repos/O/R/environments/NAME/deployment-branch-policies` (`branch_policies`)
//! - `gh api repos/O/R/environments/NAME/secrets` (`environment_secrets`)
//! - `gh api repos/O/R/actions/secrets` (`repo_secrets`)
//!
//! Every finding names the setting, what it is and what it must be, and
//! points at the evidence file's line of the offending key (line 1 when the
//! key is missing). Missing, unreadable or malformed evidence fails closed.

use super::Code;
use super::{Evaluator, EvaluatorSpec, ParamError};
use crate::checks::{Context, Outcome};
use crate::finding::{Finding, Location};
use crate::policy::CustomCheck;
use crate::repo::DataFile;
use crate::repo::spanned::{Entry, Node, Value};
use serde::Deserialize;
use std::sync::Arc;

pub static EVALUATOR: Evaluator = Evaluator {
    spec: EvaluatorSpec {
        name: "settings.environment",
        summary: "GitHub environment settings exported with `gh api` (branches, reviewers, \
                  admin bypass, secret placement); preflight lane by default",
        params: &[
            "evidence",
            "environment",
            "branches",
            "tags",
            "branch_policies",
            "required_reviewers",
            "admins_bypass",
            "secrets",
            "environment_secrets",
            "repo_secrets",
        ],
        doc: "Reads a GitHub environment's settings exported with `gh api` (the `evidence` file, and \
            optionally its branch policies and secrets) and asks that it allows exactly `branches` \
            (and `tags`), requires reviewers, does not let admins bypass, and holds `secrets` in the \
            environment rather than the repository. Runs in the preflight lane unless `lanes` says \
            otherwise.",
        example: "[[check]]\nid = \"hex-environment\"\nuses = \"settings.environment\"\nevidence = \".shipgate/evidence/hex-publish.json\"\nenvironment = \"hex-publish\"\nbranches = [\"main\"]\nrequired_reviewers = true",
        validate,
        validate_in_policy: None,
        default_lanes: DEFAULT_LANES,
        codes: &[Code {
            id: "setting-differs",
            summary: "a GitHub environment setting in the evidence is not what the check requires",
        }],
    },
    run,
};

/// The lanes a `settings.environment` check runs in when the policy names none:
/// settings proof belongs to the maintainer's preflight, not every pull request.
pub const DEFAULT_LANES: &[&str] = &["preflight"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// `gh api repos/O/R/environments/NAME`.
    evidence: String,
    /// The environment the evidence must describe (its `name`).
    environment: Option<String>,
    /// Exactly the branches that may deploy.
    branches: Option<Vec<String>>,
    /// Tag patterns that may deploy too (custom policies of type `tag`).
    tags: Option<Vec<String>>,
    /// `gh api repos/O/R/environments/NAME/deployment-branch-policies`.
    branch_policies: Option<String>,
    required_reviewers: Option<bool>,
    /// `false`: `can_admins_bypass` must be false. `true` allows bypass.
    admins_bypass: Option<bool>,
    #[serde(default)]
    secrets: Vec<String>,
    /// `gh api repos/O/R/environments/NAME/secrets`.
    environment_secrets: Option<String>,
    /// `gh api repos/O/R/actions/secrets`.
    repo_secrets: Option<String>,
}

fn validate(c: &CustomCheck) -> Result<(), ParamError> {
    let p: Params = super::params(c)?;
    for (key, path) in [
        ("evidence", Some(&p.evidence)),
        ("branch_policies", p.branch_policies.as_ref()),
        ("environment_secrets", p.environment_secrets.as_ref()),
        ("repo_secrets", p.repo_secrets.as_ref()),
    ] {
        if let Some(path) = path {
            check_rel_path(path).map_err(|why| (Some(key), format!("`{key}` {why}")))?;
        }
    }
    for (key, list) in [("branches", &p.branches), ("tags", &p.tags)] {
        if let Some(list) = list
            && (list.is_empty() || list.iter().any(|b| b.trim().is_empty()))
        {
            return Err((
                Some(key),
                format!("`{key}` must list at least one non-empty name"),
            ));
        }
    }
    if p.branches.is_none() {
        for key in ["branch_policies", "tags"] {
            if c.params.contains_key(key) {
                return Err((
                    Some(key),
                    format!("`{key}` only means something with `branches = [...]`"),
                ));
            }
        }
    }
    if p.secrets.iter().any(|s| s.trim().is_empty()) {
        return Err((Some("secrets"), "`secrets` has an empty name".into()));
    }
    if !p.secrets.is_empty() && p.environment_secrets.is_none() && p.repo_secrets.is_none() {
        return Err((
            Some("secrets"),
            "`secrets` needs evidence: `repo_secrets` (gh api repos/O/R/actions/secrets) \
             and/or `environment_secrets` (gh api repos/O/R/environments/NAME/secrets)"
                .into(),
        ));
    }
    if p.secrets.is_empty() {
        for key in ["environment_secrets", "repo_secrets"] {
            if c.params.contains_key(key) {
                return Err((
                    Some(key),
                    format!(
                        "`{key}` is read only for the names in `secrets = [...]`, which names none"
                    ),
                ));
            }
        }
    }
    if p.branches.is_none()
        && p.required_reviewers != Some(true)
        && p.admins_bypass != Some(false)
        && p.secrets.is_empty()
        && p.environment.is_none()
    {
        return Err((
            None,
            "checks nothing: set `branches`, `required_reviewers = true`, \
             `admins_bypass = false` or `secrets`"
                .into(),
        ));
    }
    Ok(())
}

/// Evidence paths are relative to the repository root and stay inside it.
fn check_rel_path(path: &str) -> Result<(), &'static str> {
    if path.trim().is_empty() {
        return Err("is empty");
    }
    if path.starts_with('/') || path.starts_with('\\') || path.contains(':') {
        return Err("must be a path relative to the repository root");
    }
    if path.split(['/', '\\']).any(|seg| seg == "..") {
        return Err("must not leave the repository root (`..`)");
    }
    Ok(())
}

fn run(c: &CustomCheck, cx: &Context<'_>) -> Outcome {
    let p: Params = match super::params(c) {
        Ok(p) => p,
        Err((_, msg)) => return super::param_error(c, format!("[[check]] `{}`: {msg}", c.id)),
    };
    let mut judge = Judge {
        cx,
        check: c,
        label: p
            .environment
            .clone()
            .map(|e| format!("environment `{e}`"))
            .unwrap_or_else(|| "the environment".into()),
        out: Vec::new(),
    };
    if let Some(env) = judge.load("evidence", &p.evidence, "name", "an environment") {
        judge.environment(&env, &p);
    }
    judge.secrets(&p);
    Outcome::Findings(judge.out)
}

struct Judge<'a> {
    cx: &'a Context<'a>,
    check: &'a CustomCheck,
    /// How findings name the environment: "environment `pypi`".
    label: String,
    out: Vec<Finding>,
}

/// The last entry named `key`, as `jq` and serde read duplicate keys.
fn field<'n>(node: &'n Node, key: &str) -> Option<&'n Entry> {
    node.entries().iter().rev().find(|e| e.key == key)
}

fn get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    field(node, key).map(|e| &e.node)
}

impl Judge<'_> {
    fn at_key(&self, df: &DataFile, e: &Entry) -> Location {
        df.location(&e.key_span)
    }

    fn push(&mut self, location: Location, message: String, help: impl Into<String>) {
        self.out
            .push(Finding::new(location, message, help).code("setting-differs"));
    }

    fn malformed(&mut self, df: &DataFile, span: &std::ops::Range<usize>, what: String) {
        let loc = df.location(span);
        self.push(
            loc,
            format!("evidence `{}` is malformed: {what}", df.path),
            "re-export it with the `gh api` command `shipgate evidence collect` prints; \
             shipgate fails closed on evidence it cannot read",
        );
    }

    /// Reads one evidence file through the tree cache. Missing, unparsable,
    /// error responses and files without `expect` become findings.
    fn load(
        &mut self,
        key: &'static str,
        rel: &str,
        expect: &str,
        what: &str,
    ) -> Option<Arc<DataFile>> {
        let rel = rel.trim_start_matches("./");
        let endpoint = endpoint_for(key);
        if !self.cx.tree.exists(rel) {
            let line = self.check.param_lines.get(key).copied().unwrap_or(1);
            let loc = Location::new(self.cx.policy.display_path(), line, 1);
            self.push(
                loc,
                format!(
                    "evidence file `{rel}` (`{key}`) does not exist; without it the settings it \
                     proves cannot be judged, so the check fails closed"
                ),
                format!(
                    "write it with `gh api {endpoint} > {rel}` (`shipgate evidence collect` prints \
                     the exact commands); a gitignored file is not seen"
                ),
            );
            return None;
        }
        let df = match self.cx.tree.json(rel) {
            Ok(df) => df,
            Err(e) => {
                self.push(
                    e.location.clone(),
                    format!("evidence file `{rel}` cannot be read: {}", e.message),
                    format!(
                        "re-export it: `gh api {endpoint} > {rel}`; shipgate fails closed on \
                         evidence it cannot read"
                    ),
                );
                return None;
            }
        };
        if !df.root.is_table() {
            self.push(
                Location::file(rel),
                format!(
                    "evidence file `{rel}` is not a JSON object, so it is not {what} as `gh api {endpoint}` writes it"
                ),
                format!("re-export it: `gh api {endpoint} > {rel}`"),
            );
            return None;
        }
        if field(&df.root, expect).is_none() {
            let (loc, message) = match field(&df.root, "message") {
                Some(m) => (
                    df.location(&m.node.span),
                    format!(
                        "evidence file `{rel}` is a GitHub API error (\"{}\"), not {what}",
                        m.node.display()
                    ),
                ),
                None => (
                    Location::file(rel),
                    format!(
                        "evidence file `{rel}` has no `{expect}`, so it is not {what} as `gh api {endpoint}` writes it"
                    ),
                ),
            };
            self.push(
                loc,
                message,
                format!(
                    "check the repository and environment names and the token's access, then \
                     re-export: `gh api {endpoint} > {rel}`"
                ),
            );
            return None;
        }
        Some(df)
    }

    fn environment(&mut self, df: &DataFile, p: &Params) {
        let root = &df.root;
        let name = get(root, "name").and_then(Node::as_str);
        if let Some(e) = field(root, "name") {
            match (&p.environment, name) {
                // GitHub environment names are case-insensitive.
                (Some(want), Some(have)) if !want.eq_ignore_ascii_case(have) => {
                    let loc = df.location(&e.node.span);
                    self.push(
                        loc,
                        format!(
                            "environment name: the evidence describes `{have}`; must be: `{want}`"
                        ),
                        format!(
                            "export the `{want}` environment: gh api repos/O/R/environments/{want}"
                        ),
                    );
                }
                (None, Some(have)) => self.label = format!("environment `{have}`"),
                (_, None) => self.malformed(df, &e.node.span, "`name` is not a string".into()),
                _ => {}
            }
        }
        if let Some(branches) = &p.branches {
            self.branches(df, branches, p);
        }
        if p.required_reviewers == Some(true) {
            self.reviewers(df);
        }
        if p.admins_bypass == Some(false) {
            self.admin_bypass(df);
        }
    }

    fn branches(&mut self, df: &DataFile, branches: &[String], p: &Params) {
        let must = format!("must be: only {}", names(branches));
        let label = self.label.clone();
        let Some(e) = field(&df.root, "deployment_branch_policy") else {
            self.push(
                Location::file(&df.path),
                format!(
                    "{label}: deployment branches are not in the evidence (no \
                     `deployment_branch_policy`); {must}"
                ),
                "export the environment with `gh api repos/O/R/environments/NAME`",
            );
            return;
        };
        let loc = self.at_key(df, e);
        let restrict_help = format!(
            "Settings → Environments → the environment → Deployment branches and tags: choose \
             \"Selected branches and tags\" and add a rule for each of {}",
            names(branches)
        );
        let policy = &e.node;
        match &policy.value {
            Value::Null => self.push(
                loc,
                format!(
                    "{label}: deployment branches: every branch can deploy \
                     (`deployment_branch_policy: null`); {must}"
                ),
                restrict_help,
            ),
            Value::Table(_) => {
                let protected = field(policy, "protected_branches");
                let custom = field(policy, "custom_branch_policies");
                let is_true = |e: Option<&Entry>| e.and_then(|e| e.node.as_bool()) == Some(true);
                for (key, e) in [
                    ("protected_branches", protected),
                    ("custom_branch_policies", custom),
                ] {
                    if let Some(e) = e.filter(|e| e.node.as_bool().is_none()) {
                        self.malformed(df, &e.node.span, format!("`{key}` is not true or false"));
                        return;
                    }
                }
                if let Some(e) = custom.filter(|e| is_true(Some(e))) {
                    self.custom_branches(df, e, branches, p);
                } else if let Some(e) = protected.filter(|e| is_true(Some(e))) {
                    let loc = self.at_key(df, e);
                    self.push(
                        loc,
                        format!(
                            "{label}: deployment branches: any protected branch can deploy \
                             (`protected_branches: true`), and the evidence cannot show which \
                             branches are protected; {must}"
                        ),
                        format!(
                            "{restrict_help}; or, if {} is your only protected branch, waive this \
                             finding with that reason",
                            names(branches)
                        ),
                    );
                } else {
                    self.push(
                        loc,
                        format!(
                            "{label}: deployment branches: not restricted (neither \
                             `protected_branches` nor `custom_branch_policies` is true); {must}"
                        ),
                        restrict_help,
                    );
                }
            }
            _ => self.malformed(
                df,
                &policy.span,
                "`deployment_branch_policy` is neither null nor an object".into(),
            ),
        }
    }

    fn custom_branches(&mut self, df: &DataFile, custom: &Entry, branches: &[String], p: &Params) {
        let label = self.label.clone();
        let must = format!("must be: only {}", names(branches));
        let Some(rel) = &p.branch_policies else {
            let loc = self.at_key(df, custom);
            self.push(
                loc,
                format!(
                    "{label}: deployment branches: custom branch policies \
                     (`custom_branch_policies: true`) that this evidence does not list; {must}"
                ),
                "export them with `gh api repos/O/R/environments/NAME/deployment-branch-policies \
                 > FILE` and name FILE in the check's `branch_policies = \"FILE\"`",
            );
            return;
        };
        let Some(bp) = self.load(
            "branch_policies",
            rel,
            "branch_policies",
            "a list of deployment branch policies",
        ) else {
            return;
        };
        let Some(list_entry) = field(&bp.root, "branch_policies") else {
            return;
        };
        let Some(items) = list_entry.node.as_array() else {
            self.malformed(
                &bp,
                &list_entry.node.span,
                "`branch_policies` is not an array".into(),
            );
            return;
        };
        let tags = p.tags.as_deref().unwrap_or(&[]);
        let mut allowed: Vec<&str> = Vec::new();
        for item in items {
            let Some(name_node) = get(item, "name").filter(|n| n.as_str().is_some()) else {
                self.malformed(
                    &bp,
                    &item.span,
                    "a branch policy without a string `name`".into(),
                );
                continue;
            };
            let name = name_node.as_str().unwrap_or_default();
            let kind = get(item, "type").and_then(Node::as_str).unwrap_or("branch");
            let loc = bp.location(&name_node.span);
            if kind == "tag" {
                if !tags.iter().any(|t| t == name) {
                    let must_tags = if tags.is_empty() {
                        "must be: no tag deployments (`tags` names none)".to_string()
                    } else {
                        format!("must be: only tags {}", names(tags))
                    };
                    self.push(
                        loc,
                        format!("{label}: deployment tags: tags matching `{name}` can deploy; {must_tags}"),
                        format!(
                            "delete the `{name}` tag rule from the environment, or, if releases \
                             run from tags, add \"{name}\" to the check's `tags = [...]`"
                        ),
                    );
                }
            } else if branches.iter().any(|b| b == name) {
                allowed.push(name);
            } else {
                self.push(
                    loc,
                    format!("{label}: deployment branches: branches matching `{name}` can deploy; {must}"),
                    format!(
                        "delete the `{name}` branch rule from the environment, or add \"{name}\" \
                         to the check's `branches = [...]` if it is meant to publish"
                    ),
                );
            }
        }
        let truncated = total_count(&bp.root).is_some_and(|n| n > items.len());
        for b in branches.iter().filter(|b| !allowed.contains(&b.as_str())) {
            let loc = self.at_key(&bp, list_entry);
            let why = if truncated {
                "is not among the listed policies, and the list is incomplete (paged)"
            } else {
                "has no policy, so the release job cannot deploy from it"
            };
            self.push(
                loc,
                format!(
                    "{label}: deployment branches: `{b}` {why}; must be: `{b}` allowed to deploy"
                ),
                format!(
                    "add a deployment branch rule for `{b}`, and export every policy with \
                     `?per_page=100`"
                ),
            );
        }
    }

    fn reviewers(&mut self, df: &DataFile) {
        let label = self.label.clone();
        let must = "must be: at least one required reviewer";
        let help = "Settings → Environments → the environment → check \"Required reviewers\" and \
                    add the maintainers who approve releases";
        let Some(rules) = field(&df.root, "protection_rules") else {
            self.push(
                Location::file(&df.path),
                format!(
                    "{label}: required reviewers are not in the evidence (no `protection_rules`); {must}"
                ),
                help,
            );
            return;
        };
        let Some(items) = rules.node.as_array() else {
            self.malformed(
                df,
                &rules.node.span,
                "`protection_rules` is not an array".into(),
            );
            return;
        };
        let reviewer_rules: Vec<&Node> = items
            .iter()
            .filter(|r| get(r, "type").and_then(Node::as_str) == Some("required_reviewers"))
            .collect();
        if reviewer_rules.iter().any(|r| {
            get(r, "reviewers")
                .and_then(Node::as_array)
                .is_some_and(|a| !a.is_empty())
        }) {
            return;
        }
        let (loc, what) = match reviewer_rules.first() {
            None => {
                let kinds: Vec<String> = items
                    .iter()
                    .filter_map(|r| get(r, "type").and_then(Node::as_str))
                    .map(|t| format!("`{t}`"))
                    .collect();
                let have = if kinds.is_empty() {
                    "no protection rules at all".to_string()
                } else {
                    format!("no `required_reviewers` rule, only {}", kinds.join(", "))
                };
                (self.at_key(df, rules), have)
            }
            Some(rule) => {
                let loc = field(rule, "reviewers")
                    .map(|e| self.at_key(df, e))
                    .unwrap_or_else(|| df.location(&rule.span));
                (
                    loc,
                    "the `required_reviewers` rule lists no reviewer".into(),
                )
            }
        };
        self.push(
            loc,
            format!("{label}: required reviewers: none ({what}); {must}"),
            help,
        );
    }

    fn admin_bypass(&mut self, df: &DataFile) {
        let label = self.label.clone();
        let help = "Settings → Environments → the environment → uncheck \"Allow administrators to \
                    bypass configured protection rules\"";
        match field(&df.root, "can_admins_bypass") {
            None => self.push(
                Location::file(&df.path),
                format!(
                    "{label}: admin bypass is not in the evidence (no `can_admins_bypass`); must \
                     be: false"
                ),
                "export the environment with a token that can read its settings (a repository \
                 admin's `gh auth login`)",
            ),
            Some(e) => match e.node.as_bool() {
                Some(false) => {}
                Some(true) => {
                    let loc = self.at_key(df, e);
                    self.push(
                        loc,
                        format!(
                            "{label}: admin bypass: administrators can bypass the protection \
                             rules (`can_admins_bypass: true`); must be: false"
                        ),
                        help,
                    );
                }
                None => self.malformed(
                    df,
                    &e.node.span,
                    "`can_admins_bypass` is not true or false".into(),
                ),
            },
        }
    }

    fn secrets(&mut self, p: &Params) {
        if p.secrets.is_empty() {
            return;
        }
        if let Some(rel) = &p.repo_secrets
            && let Some(df) = self.load(
                "repo_secrets",
                rel,
                "secrets",
                "a list of repository secrets",
            )
            && let Some((list, items)) = self.secret_list(&df)
        {
            let truncated = total_count(&df.root).is_some_and(|n| n > items.len());
            for want in &p.secrets {
                let hit = items.iter().find_map(|i| {
                    get(i, "name")
                        .filter(|n| n.as_str().is_some_and(|s| s.eq_ignore_ascii_case(want)))
                });
                let target = format!("a secret of {} only", self.label);
                match hit {
                    Some(n) => self.push(
                        df.location(&n.span),
                        format!(
                            "secret `{want}`: a repository secret, which every workflow and job can \
                             read; must be: {target}"
                        ),
                        format!(
                            "add `{want}` under the environment's secrets, then delete the \
                             repository secret (Settings → Secrets and variables → Actions)"
                        ),
                    ),
                    None if truncated => {
                        let loc = self.at_key(&df, list);
                        self.push(
                            loc,
                            format!(
                                "secret `{want}`: the repository secret list is incomplete \
                                 (paged), so it cannot show `{want}` is not a repository secret; \
                                 must be: {target}"
                            ),
                            "export every secret: `gh api 'repos/O/R/actions/secrets?per_page=100'`",
                        );
                    }
                    None => {}
                }
            }
        }
        if let Some(rel) = &p.environment_secrets
            && let Some(df) = self.load(
                "environment_secrets",
                rel,
                "secrets",
                "a list of environment secrets",
            )
            && let Some((list, items)) = self.secret_list(&df)
        {
            let truncated = total_count(&df.root).is_some_and(|n| n > items.len());
            let label = self.label.clone();
            for want in &p.secrets {
                let found = items.iter().any(|i| {
                    get(i, "name")
                        .and_then(Node::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case(want))
                });
                if found {
                    continue;
                }
                let paged = if truncated {
                    " (the list is incomplete: paged)"
                } else {
                    ""
                };
                let loc = self.at_key(&df, list);
                self.push(
                    loc,
                    format!(
                        "secret `{want}`: not an environment secret of {label}{paged}; must be: \
                         set in the environment"
                    ),
                    format!(
                        "Settings → Environments → the environment → Environment secrets → add \
                         `{want}`"
                    ),
                );
            }
        }
    }

    fn secret_list<'d>(&mut self, df: &'d DataFile) -> Option<(&'d Entry, &'d [Node])> {
        let list = field(&df.root, "secrets")?;
        match list.node.as_array() {
            Some(items) => Some((list, items)),
            None => {
                self.malformed(df, &list.node.span, "`secrets` is not an array".into());
                None
            }
        }
    }
}

fn total_count(root: &Node) -> Option<usize> {
    match &get(root, "total_count")?.value {
        Value::Scalar(s) => s.parse().ok(),
        _ => None,
    }
}

/// `main`, `main` and `release`, … for messages.
fn names(list: &[String]) -> String {
    let quoted: Vec<String> = list.iter().map(|b| format!("`{b}`")).collect();
    match quoted.as_slice() {
        [] => "nothing".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The `gh api` endpoint that writes the evidence behind a parameter.
fn endpoint_for(key: &str) -> &'static str {
    match key {
        "branch_policies" => "repos/O/R/environments/NAME/deployment-branch-policies",
        "environment_secrets" => "repos/O/R/environments/NAME/secrets",
        "repo_secrets" => "repos/O/R/actions/secrets",
        _ => "repos/O/R/environments/NAME",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_paths_stay_inside_the_root() {
        assert!(check_rel_path(".github/evidence/pypi.json").is_ok());
        assert!(check_rel_path("/etc/passwd").is_err());
        assert!(check_rel_path("../outside.json").is_err());
        assert!(check_rel_path("a/../../b.json").is_err());
        assert!(check_rel_path("C:\\x.json").is_err());
        assert!(check_rel_path(" ").is_err());
    }

    #[test]
    fn names_reads_as_a_list() {
        assert_eq!(names(&["main".into()]), "`main`");
        assert_eq!(
            names(&["main".into(), "next".into(), "lts".into()]),
            "`main`, `next` and `lts`"
        );
    }

    #[test]
    fn duplicate_keys_read_as_jq_does() {
        let root = crate::repo::formats::parse_json(
            r#"{"can_admins_bypass": false, "can_admins_bypass": true}"#,
        )
        .unwrap();
        assert_eq!(
            get(&root, "can_admins_bypass").and_then(Node::as_bool),
            Some(true)
        );
    }
}
