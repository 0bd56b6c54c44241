//! `shipgate init`: look at the tree, say what was found, and write a
//! commented starter `shipgate.toml` that loads and, as written, gives the
//! same built-in verdicts as the default policy.

use crate::repo::Tree;
use crate::report::escape;
use crate::workflow::WorkflowFile;
use crate::workflow::WorkflowTree;
use crate::workflow::lane::env_name;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Arc;

/// What `init` detected in the tree.
#[derive(Debug, Default)]
pub struct Detected {
    /// (ecosystem, manifest path, preset that fits it)
    pub ecosystems: Vec<(&'static str, String, &'static str)>,
    pub release_please: bool,
    /// (workflow path, publishing job, environment)
    pub publishing: Vec<(String, String, Option<String>)>,
    pub shipping_only: Vec<String>,
    /// Docs that state trusted-publisher settings.
    pub publisher_docs: Vec<String>,
    /// (file, how the contributor gate is defined)
    pub gate: Option<(String, String)>,
    pub has_changelog: bool,
    /// Trusted-publisher records the publishing jobs present today:
    /// (registry, workflow file, environment, repository, what starts it).
    pub publishers: Vec<Record>,
    /// The body of a `[[check]]` that keeps publishing in the publishing job,
    /// built from what that job really runs and already passing on this tree.
    pub publish_check: Option<String>,
}

pub fn detect(tree: &Tree) -> Detected {
    let mut d = Detected::default();
    for (file, eco, preset) in [
        ("Cargo.toml", "Rust / crates.io", "crates"),
        ("pyproject.toml", "Python / PyPI", "pypi"),
        ("package.json", "JavaScript / npm", "npm"),
        ("mix.exs", "Elixir / Hex", "hex"),
    ] {
        if tree.exists(file) {
            d.ecosystems.push((eco, file.to_string(), preset));
        }
    }
    d.release_please =
        tree.exists("release-please-config.json") || tree.exists(".release-please-manifest.json");
    d.has_changelog = tree.exists("CHANGELOG.md");
    for p in tree.workflow_paths() {
        let Ok(wf) = tree.workflow(p) else { continue };
        let wf: Arc<WorkflowFile> = wf;
        let mut publishes = false;
        for (id, job) in wf.normal_jobs() {
            if wf.release.job(id).is_some_and(|r| r.is_publishing()) {
                publishes = true;
                let env = job.environment.as_ref().map(|e| env_name(e).to_string());
                d.publishing.push((p.to_string(), id.to_string(), env));
            }
        }
        if !publishes && wf.is_release() {
            d.shipping_only.push(p.to_string());
        }
    }
    for p in tree.paths().filter(|p| p.ends_with(".md")) {
        let Ok(t) = tree.text(p) else { continue };
        let lower = t.text.to_lowercase();
        if (lower.contains("workflow filename") || lower.contains("workflow name"))
            && (lower.contains("environment name") || lower.contains("environment:"))
        {
            d.publisher_docs.push(p.to_string());
        }
    }
    d.gate = detect_gate(tree);
    d.publishers = publisher_records(tree);
    d.publish_check = d
        .publishing
        .first()
        .and_then(|(wf, job, _)| publish_check(tree, wf, job));
    d
}

/// The `[[check]]` suggested for the first publishing job, from the publish
/// step it really has: its publish command (`runs`, `only_in_job`), or the
/// publish action that selects the job (`job_uses`) with the registry's
/// command kept out of every other job (`exclusive`). Each candidate is run
/// on this tree and only one that passes is offered, so uncommenting it never
/// blocks a repository that was fine; none passing, none is offered.
fn publish_check(tree: &Tree, wf_path: &str, job: &str) -> Option<String> {
    use crate::workflow::publish::{PUBLISH_COMMANDS, Via};
    let wf = tree.workflow(wf_path).ok()?;
    let role = wf.release.job(job)?;
    let head = format!(
        "id = \"publish-only-in-{}\"\nuses = \"workflow.job-runs\"\nlanes = [\"preflight\"]\nfiles = [{}]\n",
        job.chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            })
            .collect::<String>(),
        toml_str(wf_path)
    );
    let mut candidates = Vec::new();
    let command = role.publishes.iter().find_map(|p| match &p.via {
        Via::Command { command, .. } => PUBLISH_COMMANDS
            .iter()
            .find(|(pattern, _)| command.matches(pattern))
            .map(|(pattern, _)| *pattern),
        Via::Action(_) => None,
    });
    if let Some(cmd) = command {
        let body = format!(
            "{head}job = {}\nruns = [{}]\n",
            toml_str(job),
            toml_str(cmd)
        );
        candidates.push(format!("{body}only_in_job = true\n"));
        candidates.push(body);
    }
    for p in &role.publishes {
        if let Via::Action(slug) = &p.via
            && let Some((cmd, _)) = PUBLISH_COMMANDS.iter().find(|(_, r)| *r == p.registry)
        {
            // `owner/name`, without the ref (and any subpath) it is pinned to.
            let action: String = slug.split('@').next().unwrap_or(slug).to_string();
            let action = action.split('/').take(2).collect::<Vec<_>>().join("/");
            candidates.push(format!(
                "{head}job_uses = {}\nexclusive = [{}]\n",
                toml_str(&action),
                toml_str(cmd)
            ));
        }
    }
    let why = "why = \"one trusted job holds the publish credentials\"\n";
    candidates
        .into_iter()
        .map(|c| format!("{c}{why}"))
        .find(|body| passes(tree, body))
}

/// Whether a suggested `[[check]]` loads and passes on `tree` in the
/// preflight lane.
fn passes(tree: &Tree, body: &str) -> bool {
    let text = format!("extends = [\"default\"]\n[[check]]\n{body}");
    let Ok(policy) = crate::policy::from_text(&text, "shipgate.toml", &crate::engine::catalog())
    else {
        return false;
    };
    let Some(id) = policy.custom.first().map(|c| c.id.clone()) else {
        return false;
    };
    let opts = crate::engine::Options {
        lane: "preflight".into(),
        only: vec![id.clone()],
        skip: Vec::new(),
        today: jiff::Zoned::now().date(),
    };
    let report = crate::engine::run(tree, &policy, &opts);
    report
        .checks
        .iter()
        .find(|c| c.id == id)
        .is_some_and(|c| c.verdict == crate::finding::Verdict::Pass)
}

/// A trusted-publisher record: (registry, workflow file, environment,
/// repository, what starts the workflow).
pub type Record = (&'static str, String, Option<String>, Option<String>, String);

/// The identity each publishing job presents to a registry with trusted
/// publishing, one record per distinct (registry, workflow, environment).
fn publisher_records(tree: &Tree) -> Vec<Record> {
    use crate::project::publisher::{identities, policy_name, repository};
    let parsed: Vec<Arc<WorkflowFile>> = tree
        .workflow_paths()
        .into_iter()
        .filter_map(|p| tree.workflow(p).ok())
        .collect();
    let repo = repository(tree, None);
    let mut out = Vec::new();
    for id in identities(tree, &parsed, repo) {
        let Some(name) = policy_name(id.registry) else {
            continue;
        };
        // An environment written as an expression cannot be typed into a form.
        let env = id.environment.filter(|e| !e.contains("${{"));
        let rec = (name, id.workflow, env, id.repository, id.runs_on);
        if !out.contains(&rec) {
            out.push(rec);
        }
    }
    out
}

fn detect_gate(tree: &Tree) -> Option<(String, String)> {
    let has = |file: &str, needle: &regex::Regex| {
        tree.text(file)
            .ok()
            .is_some_and(|t| needle.is_match(&t.text))
    };
    let re = |s: &str| regex::Regex::new(s).expect("static regex");
    // The alias as ci-equivalence reads it, wherever it sits: `aliases:
    // [ci: [..]]` on one line as well as a `defp aliases` block.
    if tree
        .text("mix.exs")
        .ok()
        .is_some_and(|t| crate::tasks::mix_aliases("mix.exs", &t).contains_key("ci"))
    {
        return Some(("mix.exs".into(), "the `ci:` alias (`mix ci`)".into()));
    }
    if let Ok(pkg) = tree.json("package.json")
        && pkg.root.path("scripts.ci").is_some()
    {
        return Some(("package.json".into(), "`scripts.ci` (`npm run ci`)".into()));
    }
    for f in ["Makefile", "makefile", "GNUmakefile"] {
        if has(f, &re(r"(?m)^ci\s*:")) {
            return Some((f.into(), "the `ci` target (`make ci`)".into()));
        }
    }
    for f in ["justfile", "Justfile", ".justfile"] {
        if has(f, &re(r"(?m)^ci\s*:")) {
            return Some((f.into(), "the `ci` recipe (`just ci`)".into()));
        }
    }
    None
}

impl Detected {
    /// A human summary of what was found, one item a line.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        if self.ecosystems.is_empty() {
            s.push_str(
                "  no package manifest (Cargo.toml, pyproject.toml, package.json, mix.exs)\n",
            );
        }
        for (eco, file, _) in &self.ecosystems {
            let _ = writeln!(s, "  {eco}: {}", shown(file));
        }
        if self.release_please {
            s.push_str(
                "  release-please: release-please-config.json / .release-please-manifest.json\n",
            );
        }
        for (wf, job, env) in &self.publishing {
            let _ = writeln!(
                s,
                "  publishing job `{}` in {} (environment: {})",
                shown(job),
                shown(wf),
                env.as_deref().map_or("none".into(), shown)
            );
        }
        for wf in &self.shipping_only {
            let _ = writeln!(
                s,
                "  release workflow {} (ships artifacts, publishes to no registry)",
                shown(wf)
            );
        }
        if self.publishing.is_empty() && self.shipping_only.is_empty() {
            s.push_str("  no release workflow\n");
        }
        for doc in &self.publisher_docs {
            let _ = writeln!(s, "  trusted-publisher settings stated in {}", shown(doc));
        }
        if let Some((file, how)) = &self.gate {
            let _ = writeln!(s, "  contributor gate: {} in {}", shown(how), shown(file));
        }
        s
    }

    /// The one environment every publishing job uses, if they agree.
    pub fn publish_environment(&self) -> Option<&str> {
        let envs: BTreeSet<Option<&str>> = self
            .publishing
            .iter()
            .map(|(_, _, e)| e.as_deref())
            .collect();
        match envs.into_iter().collect::<Vec<_>>().as_slice() {
            [Some(e)] => Some(e),
            _ => None,
        }
    }

    /// The commented policy text.
    pub fn policy_text(&self) -> String {
        let mut s = String::new();
        s.push_str("# shipgate policy, written by `shipgate init`.\n");
        s.push_str("# Reference: `shipgate list` shows every check, `shipgate explain <id>` explains one.\n");
        s.push_str("#\n# Detected:\n");
        for line in self.summary().lines() {
            let _ = writeln!(s, "#  {}", line.trim_start());
        }
        s.push_str("\n# The built-in default: every check at its default severity.\n");
        s.push_str("extends = [\"default\"]\n");
        let presets: Vec<&str> = self.ecosystems.iter().map(|(_, _, p)| *p).collect();
        let mut stricter: Vec<&str> = presets.clone();
        if self.release_please {
            stricter.push("release-please");
        }
        if !self.publishing.is_empty() || !self.shipping_only.is_empty() {
            stricter.push("github-actions");
        }
        if !stricter.is_empty() {
            let list: Vec<String> = stricter.iter().map(|p| format!("\"{p}\"")).collect();
            let _ = writeln!(
                s,
                "# Stricter presets that fit this repository (`shipgate list --presets`):\n# extends = [\"default\", {}]",
                list.join(", ")
            );
        }
        s.push_str("\n[vars]\n");
        match self.publish_environment() {
            Some(env) => {
                s.push_str("# Every publishing job must use this GitHub environment (publish-environment).\n");
                let _ = writeln!(s, "publish_environment = {}", toml_str(env));
            }
            None => {
                s.push_str("# Name the GitHub environment publishing jobs must use (publish-environment):\n");
                s.push_str("# publish_environment = \"release\"\n");
            }
        }
        s.push_str(
            "\n# Tune a built-in check:\n# [checks.checkout-credentials]\n# severity = \"block\"\n",
        );
        if let Some(body) = &self.publish_check {
            s.push_str(
                "\n# Only the publishing job publishes, in the preflight lane (it passes on\n\
                 # this repository as it is: it names the publish step the job runs):\n# [[check]]\n",
            );
            for line in body.lines() {
                let _ = writeln!(s, "# {line}");
            }
        }
        if !self.publishers.is_empty() {
            s.push_str(
                "\n# Trusted publishers, as the publishing jobs present themselves today.\n\
                 # Copy these exact values into the registry's trusted-publisher form, then\n\
                 # uncomment them: publisher-binding then blocks any change that would make\n\
                 # the registry refuse the upload (a renamed file, environment or repository).\n",
            );
            for (registry, workflow, env, repo, runs_on) in &self.publishers {
                if !runs_on.is_empty() {
                    let _ = writeln!(s, "# ({} runs on: {})", shown(workflow), shown(runs_on));
                }
                let _ = writeln!(s, "# [[publisher]]\n# registry = {}", toml_str(registry));
                let _ = writeln!(s, "# workflow = {}", toml_str(workflow));
                if let Some(e) = env {
                    let _ = writeln!(s, "# environment = {}", toml_str(e));
                }
                if let Some(r) = repo {
                    let _ = writeln!(s, "# repository = {}", toml_str(r));
                }
            }
        }
        if !self.publisher_docs.is_empty() || self.has_changelog {
            s.push_str(
                "\n# Docs must not claim more than the repository proves:\n\
                 # [[check]]\n# id = \"no-certification-claims\"\n# uses = \"text.forbids\"\n\
                 # files = [\"docs/**/*.md\", \"README.md\"]\n# patterns = [\"certified\"]\n",
            );
        }
        s.push_str(
            "\n# Waive a finding with a reason and an end date (an expired waiver blocks):\n\
             # [[waiver]]\n# check = \"checkout-credentials\"\n# path = \".github/workflows/docs.yml\"\n\
             # reason = \"the docs deploy pushes with the checkout token\"\n# expires = \"2027-03-01\"\n",
        );
        s
    }
}

/// Tree text (a file name, a job id, an environment) on one line of what
/// init prints and of the comments it writes: control and bidi characters
/// escaped, so a line break in a name cannot start a live line of policy.
fn shown(s: &str) -> String {
    escape::visible(s).into_owned()
}

/// A TOML basic string; control and bidi characters as `\uXXXX` escapes.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if escape::is_hidden(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
