//! `ci-equivalence`: every command of the contributor gate (`mix ci`,
//! `npm run ci`, `make ci`, `just ci`, or the policy's `gate`) runs in a CI
//! workflow triggered by `push` or `pull_request`.
//!
//! Gate definitions are read as text, never run.

use super::{Check, Code, Context, InPathOrder, Meta, Outcome, Scope, Seen, WorkflowVisitor};
use crate::finding::{Finding, Location, Severity};
use crate::repo::Tree;
use crate::shell::{Command, commands};
use crate::tasks::{
    Item, Sources, invocation, package_run, parse, shell_script, workspace_scripts,
};
use crate::workflow::WorkflowFile;
use crate::workflow::WorkflowTree;
use github_actions_models::common::Uses;
use github_actions_models::common::expr::LoE;
use github_actions_models::workflow::event::{BareEvent, OptionalBody};
use github_actions_models::workflow::job::StepBody;
use github_actions_models::workflow::{Job, Trigger};
use std::collections::{HashMap, HashSet};

pub struct CiEquivalence;

static META: Meta = Meta {
    id: "ci-equivalence",
    title: "CI runs every command of the contributor gate",
    severity: Severity::Block,
    lanes: &[],
    rationale: "Contributors are told to run one command before merging (`mix ci`, \
        `npm run ci`, `make ci`, `just ci`). CI may split that command into jobs for caching \
        and clearer failures, but it has to stay equivalent: a step added to the gate and \
        never to CI means main can break in a way every contributor's laptop catches and the \
        merge button does not. shipgate reads the gate as text (mix.exs `aliases` with \
        nested aliases expanded, package.json `scripts.ci` split on `&&` and `;` with \
        `npm run X` expanded, a Makefile `ci` target's prerequisites and recipe, a justfile \
        `ci` recipe, or `gate = [...]` under `[checks.ci-equivalence]`) and checks that each \
        command runs in a workflow triggered by `push` or `pull_request`, or that CI runs \
        the gate command itself. A recipe written as shell control flow (`for x in a b; do \
        …; done`) is not expanded: when CI does not run it as written, the finding says that \
        shipgate cannot tell whether CI runs the same work in other words, and is a warning \
        (code `cannot-tell`), never a block it could not stand behind. The same holds for a \
        gate command that runs a package script across workspace packages (`pnpm -r --filter \
        A run test`, `npm run test --workspaces`, `turbo run test`, `nx run-many -t test`) \
        when CI runs that script across packages selected another way, often one job per \
        package: shipgate does not resolve which packages a selection holds.",
    passes: "# mix.exs\nci: [\"format --check-formatted\", \"test\"]\n\
        # .github/workflows/ci.yml (on: pull_request)\n- run: mix format --check-formatted\n- run: mix test",
    fails: "# mix.exs\nci: [\"test\", \"test.phase3\"]\n\
        # .github/workflows/ci.yml runs only `mix test`",
    fix: "Add a CI step (in a workflow triggered by push or pull_request) that runs the \
        missing command, or run the whole gate command in CI, or drop the command from the \
        gate if it is no longer part of the contract.",
    params: &["gate"],
    codes: &[
        Code {
            id: "not-in-ci",
            summary: "a command the contributor gate runs is run by no CI workflow",
        },
        Code {
            id: "cannot-tell",
            summary: "a gate command is not run by CI as written, and shipgate cannot match it to what CI runs: shell control flow it does not expand, or a script run across workspace packages that CI runs across packages selected another way (a warning)",
        },
    ],
};

impl Check for CiEquivalence {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::AcrossWorkflows
    }

    fn across_workflows<'a>(
        &self,
        cx: &'a Context<'a>,
    ) -> Result<Box<dyn WorkflowVisitor + 'a>, Outcome> {
        let (src, roots, problems, policy_gate) = gate(cx)?;
        Ok(Box::new(CiRuns {
            cx,
            src,
            roots,
            problems,
            policy_gate,
            commands: InPathOrder::default(),
        }))
    }
}

/// The check's side of the workflow pass: the gate, read before the pass,
/// and the commands each CI workflow runs; compared when the pass ends.
struct CiRuns<'a> {
    cx: &'a Context<'a>,
    /// The root's package scripts, aliases, targets and recipes.
    src: Sources,
    /// Each gate command with its name (`mix ci`, the policy's `gate`).
    roots: Vec<(String, Item)>,
    /// Findings about the gate's own files.
    problems: Vec<Finding>,
    policy_gate: bool,
    /// Per workflow triggered by push or pull_request: its path and what it
    /// runs (with the local reusable workflows it calls).
    commands: InPathOrder<Vec<Command>>,
}

impl WorkflowVisitor for CiRuns<'_> {
    fn visit(&self, wf: &WorkflowFile) -> Vec<Finding> {
        if triggered_by_push_or_pr(wf) {
            let mut here = Vec::new();
            workflow_commands(self.cx.tree, wf, &mut here, &mut HashSet::new(), 0);
            self.commands.add(&wf.path, here);
        }
        Vec::new()
    }

    fn finish(self: Box<Self>, seen: &Seen, _visited: Vec<Finding>) -> Outcome {
        let ci: Vec<Command> = self
            .commands
            .into_sorted()
            .into_iter()
            .flat_map(|(_, c)| c)
            .collect();
        judge(
            self.cx,
            &self.src,
            &self.roots,
            self.problems,
            self.policy_gate,
            seen,
            &ci,
        )
    }
}

/// Configuration of CI systems other than GitHub Actions.
const OTHER_CI: &[&str] = &[
    ".circleci/config.yml",
    ".gitlab-ci.yml",
    ".travis.yml",
    "azure-pipelines.yml",
    "Jenkinsfile",
    ".buildkite",
    ".woodpecker.yml",
    ".drone.yml",
    "bitbucket-pipelines.yml",
];

/// Flags that only narrow a run or change its output (`mix test --stale`,
/// `--exclude slow`): CI running the command without them covers the gate.
const NARROWING_FLAGS: &[&str] = &[
    "--stale",
    "--failed",
    "--trace",
    "--color",
    "--no-color",
    "--verbose",
    "-v",
    "--quiet",
    "-q",
    "--watch=false",
];
/// The same, taking a value.
const NARROWING_FLAGS_WITH_VALUE: &[&str] = &[
    "--only",
    "--exclude",
    "--seed",
    "--max-failures",
    "--slowest",
    "--reporter",
];

/// The gate commands (with their names), findings about the files they come
/// from, and whether the policy names them; or the outcome when there is no
/// gate to compare.
type Gate = (Sources, Vec<(String, Item)>, Vec<Finding>, bool);

fn gate(cx: &Context<'_>) -> Result<Gate, Outcome> {
    let (src, problems) = Sources::read(cx.tree);
    let mut roots: Vec<(String, Item)> = Vec::new();

    let policy_gate = cx.params.contains_key("gate");
    if let Some(list) = cx.strings("gate") {
        let policy = cx.policy.display_path();
        let policy_text = cx.tree.text(policy).ok();
        for cmd in list {
            let line = policy_text
                .as_ref()
                .and_then(|t| {
                    let needle = format!("\"{cmd}\"");
                    let alt = format!("'{cmd}'");
                    t.text
                        .find(&needle)
                        .or_else(|| t.text.find(&alt))
                        .map(|o| t.location(policy, o + 1))
                })
                .unwrap_or_else(|| Location::file(policy));
            roots.push((
                "the policy's `gate`".to_string(),
                src.item(cmd, line, &mut HashSet::new(), 0),
            ));
        }
    } else {
        if src.mix.contains_key("ci") {
            roots.push(("`mix ci`".to_string(), src.root("mix ci")));
        }
        if src.npm.contains_key("ci") {
            roots.push(("`npm run ci`".to_string(), src.root("npm run ci")));
        }
        if src.make.contains_key("ci") {
            roots.push(("`make ci`".to_string(), src.root("make ci")));
        }
        if src.just.contains_key("ci") {
            roots.push(("`just ci`".to_string(), src.root("just ci")));
        }
    }
    if roots.is_empty() {
        if problems.is_empty() {
            return Err(Outcome::Skip(
                "no contributor gate (mix `ci` alias, package.json `scripts.ci`, Makefile or justfile `ci`, or `gate` in the policy)"
                    .into(),
            ));
        }
        return Err(Outcome::Findings(problems));
    }
    Ok((src, roots, problems, policy_gate))
}

/// Compares the gate with what CI runs (`ci`).
fn judge(
    cx: &Context<'_>,
    src: &Sources,
    roots: &[(String, Item)],
    problems: Vec<Finding>,
    policy_gate: bool,
    seen: &Seen,
    ci: &[Command],
) -> Outcome {
    if ci.is_empty() && seen.broken.is_empty() {
        if let Some(other) = OTHER_CI.iter().find(|p| cx.tree.has_path(p)) {
            return Outcome::Skip(format!(
                "CI runs outside GitHub Actions (`{other}`); shipgate reads only GitHub workflows"
            ));
        }
        if seen.parsed == 0 {
            return Outcome::Skip("no GitHub Actions workflows to compare the gate with".into());
        }
    }
    let mut out = problems;
    out.extend(seen.broken.iter().cloned());
    // Scripts CI runs across workspace packages, asked only when a missing
    // gate step is such a run.
    let mut ci_across: Option<HashSet<String>> = None;
    for (gate_name, root) in roots {
        let mut missing = Vec::new();
        if policy_gate {
            collect_missing(root, ci, &mut missing);
        } else if !runs_in_ci(&root.text, ci) {
            // The gate command is the root; its entries are the commands.
            for c in &root.children {
                collect_missing(c, ci, &mut missing);
            }
        }
        for m in missing {
            let text = &m.item.text;
            let whole = if policy_gate {
                String::new()
            } else {
                format!(", or run {gate_name} itself in CI")
            };
            let steps = if m.steps.is_empty() {
                String::new()
            } else {
                format!(
                    ", nor do all of its steps (missing: {})",
                    m.steps
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            // A recipe written as shell control flow (`for x in a b; do …;
            // done`) is not expanded: its steps cannot be matched as written,
            // so the gate cannot tell whether CI runs the same work (CI often
            // unrolls such a loop into a job per item). It says so, as a
            // warning: a block it cannot stand behind would be a false one.
            let control = m.steps.iter().find(|s| {
                let first = s.split_whitespace().next().unwrap_or("");
                SHELL_CONTROL.contains(&first)
            });
            // A step that runs a script across workspace packages
            // (`pnpm -r --filter A run test`) while CI runs the same script
            // across packages selected another way (often split into jobs):
            // which packages a selection holds is not resolved, so whether
            // CI covers the gate's is not known either.
            let split = if control.is_none() && !ci.is_empty() {
                let across = ci_across.get_or_insert_with(|| across_in_ci(src, ci));
                split_across_packages(&m, across)
            } else {
                None
            };
            let message = if let Some(loop_step) = control.filter(|_| !ci.is_empty()) {
                format!(
                    "`{text}` (part of {gate_name}) is not run by a CI workflow triggered by push or pull_request as written, and its recipe is shell control flow (`{loop_step}`) that shipgate does not expand, so it cannot tell whether CI runs the same commands in other words (steps not found as written: {})",
                    m.steps
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else if let Some((step, names)) = &split {
                format!(
                    "`{text}` (part of {gate_name}) is not run by a CI workflow triggered by push or pull_request as written; it runs {names} across workspace packages (`{step}`), and CI runs {names} across workspace packages selected another way. shipgate does not resolve which packages a selection holds, so it cannot tell whether CI covers the same ones"
                )
            } else if ci.is_empty() {
                format!(
                    "`{text}` (part of {gate_name}) runs in no CI workflow: no workflow triggered by push or pull_request runs any command"
                )
            } else {
                format!(
                    "`{text}` (part of {gate_name}) runs in no CI workflow triggered by push or pull_request{steps}"
                )
            };
            let unsure = control.is_some() || split.is_some();
            let help = if unsure {
                format!(
                    "add a CI step that runs `{text}`{whole}; if a CI job already runs the same commands, waive this finding and name that job"
                )
            } else {
                format!("add a CI step that runs `{text}`{whole}")
            };
            let finding = Finding::new(m.item.location.clone(), message, help);
            out.push(if unsure && !ci.is_empty() {
                finding.code("cannot-tell").warn_only()
            } else {
                finding.code("not-in-ci")
            });
        }
    }
    Outcome::Findings(out)
}

/// Every script CI runs across workspace packages: in a workflow's own
/// commands, or inside a root package script, alias, target or recipe a
/// workflow runs (expanded as the gate is).
fn across_in_ci(src: &Sources, ci: &[Command]) -> HashSet<String> {
    fn walk(item: &Item, out: &mut HashSet<String>) {
        if let Some(c) = parse(&item.text) {
            out.extend(workspace_scripts(&c));
        }
        for child in &item.children {
            walk(child, out);
        }
    }
    let mut out = HashSet::new();
    let mut expanded = HashSet::new();
    for c in ci {
        out.extend(workspace_scripts(c));
        let text = c.text();
        if invocation(&text).is_some() && expanded.insert(text.clone()) {
            walk(&src.root(&text), &mut out);
        }
    }
    out
}

/// When every step of a missing gate command (or the command itself) runs
/// package scripts across workspace packages, and CI runs each of those
/// scripts across workspace packages too: the first such step and the
/// scripts' names, for the message.
fn split_across_packages(m: &Missing<'_>, across: &HashSet<String>) -> Option<(String, String)> {
    let steps: Vec<&str> = if m.steps.is_empty() {
        vec![m.item.text.as_str()]
    } else {
        m.steps.clone()
    };
    let mut names: Vec<String> = Vec::new();
    for step in &steps {
        let scripts = workspace_scripts(&parse(step)?);
        if scripts.is_empty() || !scripts.iter().all(|s| across.contains(s)) {
            return None;
        }
        for s in scripts {
            if !names.contains(&s) {
                names.push(s);
            }
        }
    }
    let names = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Some((steps[0].to_string(), names))
}

/// Shell words that open or continue control flow, not a command.
const SHELL_CONTROL: &[&str] = &[
    "for", "while", "until", "do", "done", "if", "then", "else", "elif", "fi", "case", "esac",
];
/// Commands that change nothing a gate checks; never required in CI.
fn is_trivial(cmd: &Command) -> bool {
    matches!(
        cmd.words.first().map(String::as_str),
        Some(
            "echo"
                | "printf"
                | "cd"
                | "set"
                | "true"
                | ":"
                | "export"
                | "rm"
                | "mkdir"
                | "cp"
                | "mv"
                | "touch"
                | "sleep"
                | "exit"
                | "pushd"
                | "popd"
                | "shopt"
                | "unset"
        )
    )
}

/// Whether the command has parts shipgate cannot expand (`$(...)`, `{{…}}`, `${…}`).
fn unjudgeable(text: &str) -> bool {
    text.contains("$(") || text.contains("{{") || text.contains("${") || text.contains('`')
}

/// A gate command CI does not run, with the steps of its expansion that CI
/// does not run either (empty for a plain command).
pub(crate) struct Missing<'a> {
    pub item: &'a Item,
    pub steps: Vec<&'a str>,
}

/// The commands of a gate that CI does not run. A command CI runs is
/// covered; so is an alias, script, target or recipe whose every step CI
/// runs. Otherwise the command itself is reported, naming the steps CI
/// skips. `sh -c '…'` wrappers are looked through.
fn collect_missing<'a>(item: &'a Item, ci: &[Command], out: &mut Vec<Missing<'a>>) {
    // CI may run a Makefile target that does the same work under another
    // name (made by the same rule, with the same variables).
    if runs_in_ci(&item.text, ci) || item.same_as.iter().any(|s| runs_in_ci(s, ci)) {
        return;
    }
    if shell_script(&item.text).is_some() {
        for c in &item.children {
            collect_missing(c, ci, out);
        }
        return;
    }
    if !item.children.is_empty() {
        let mut inner = Vec::new();
        for c in &item.children {
            collect_missing(c, ci, &mut inner);
        }
        if !inner.is_empty() {
            let mut steps = Vec::new();
            for m in inner {
                if m.steps.is_empty() {
                    steps.push(m.item.text.as_str());
                } else {
                    steps.extend(m.steps);
                }
            }
            out.push(Missing { item, steps });
        }
        return;
    }
    let Some(cmd) = parse(&item.text) else { return };
    if is_trivial(&cmd) || unjudgeable(&item.text) {
        return;
    }
    out.push(Missing {
        item,
        steps: Vec::new(),
    });
}

/// Whether some CI command runs `text`: the same command (flags may sit
/// between its words), or the same package script through any package manager.
fn runs_in_ci(text: &str, ci: &[Command]) -> bool {
    let Some(want) = parse(text) else { return true };
    let pattern = relaxed(&want.words).join(" ");
    // The same package script run in the same packages, by any package
    // manager and with its flags in any order.
    let script = package_run(&want);
    ci.iter().any(|c| {
        c.matches(&pattern) || script.as_ref().is_some_and(|s| package_run(c).as_ref() == Some(s))
    })
}

/// The gate command's words without flags that only narrow the run.
fn relaxed(words: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut skip_value = false;
    for w in words {
        if skip_value {
            skip_value = false;
            continue;
        }
        let name = w.split('=').next().unwrap_or(w);
        if NARROWING_FLAGS.contains(&w.as_str()) || NARROWING_FLAGS.contains(&name) {
            continue;
        }
        if NARROWING_FLAGS_WITH_VALUE.contains(&name) {
            skip_value = !w.contains('=');
            continue;
        }
        out.push(w.as_str());
    }
    out
}

/// Whether push or pull_request triggers `wf`: its commands, and those of
/// the local reusable workflows it calls (`${{ matrix.X }}` expanded with
/// the job's matrix values), are what CI runs.
fn triggered_by_push_or_pr(wf: &WorkflowFile) -> bool {
    match &wf.model.on {
        Trigger::BareEvent(e) => matches!(e, BareEvent::Push | BareEvent::PullRequest),
        Trigger::BareEvents(v) => v
            .iter()
            .any(|e| matches!(e, BareEvent::Push | BareEvent::PullRequest)),
        Trigger::Events(ev) => {
            !matches!(ev.push, OptionalBody::Missing)
                || !matches!(ev.pull_request, OptionalBody::Missing)
        }
    }
}

fn workflow_commands(
    tree: &Tree,
    wf: &WorkflowFile,
    out: &mut Vec<Command>,
    seen: &mut HashSet<String>,
    depth: usize,
) {
    if !seen.insert(wf.path.clone()) || depth > 4 {
        return;
    }
    for job in wf.model.jobs.values() {
        match job {
            Job::NormalJob(j) => {
                let matrix = matrix_values(j);
                for step in &j.steps {
                    if let StepBody::Run { run, .. } = &step.body {
                        for script in expand_matrix(run, &matrix) {
                            for (_, c) in commands(&script) {
                                out.extend(make_goals(&c));
                                out.push(c);
                            }
                        }
                    }
                }
            }
            Job::ReusableWorkflowCallJob(call) => {
                if let Uses::Local(l) = &call.uses
                    && let Ok(inner) = tree.workflow(l.path.trim_start_matches("./"))
                {
                    workflow_commands(tree, &inner, out, seen, depth + 1);
                }
            }
        }
    }
}

/// `make a b c` runs the goals `a`, `b` and `c` in turn: one command per
/// goal, each keeping the invocation's flags and variable assignments, so a
/// gate target CI names among others is found. A job count (`-j 4`, `-l 2`)
/// changes how fast, not what, so it is dropped. Empty unless the command is
/// `make` with two goals or more, or with a job count.
fn make_goals(cmd: &Command) -> Vec<Command> {
    let Some(program) = cmd.words.first() else {
        return Vec::new();
    };
    if !matches!(program.rsplit('/').next(), Some("make" | "gmake")) {
        return Vec::new();
    }
    // Options whose value is the next word (`-C dir`, `-f file`).
    const VALUED: &[&str] = &[
        "-C",
        "-f",
        "-I",
        "-o",
        "-W",
        "--directory",
        "--file",
        "--makefile",
    ];
    let mut kept: Vec<&String> = vec![program];
    let mut goals = Vec::new();
    let mut i = 1;
    while i < cmd.words.len() {
        let w = &cmd.words[i];
        if (w == "-j" || w == "-l")
            && cmd
                .words
                .get(i + 1)
                .is_some_and(|n| n.parse::<f64>().is_ok())
        {
            i += 2;
            continue;
        }
        if w.starts_with("-j") || w.starts_with("--jobs") || w.starts_with("-l") {
            i += 1;
            continue;
        }
        if VALUED.contains(&w.as_str()) {
            kept.push(w);
            if let Some(v) = cmd.words.get(i + 1) {
                kept.push(v);
            }
            i += 2;
            continue;
        }
        if !w.starts_with('-') && !w.contains('=') {
            goals.push(kept.len());
        }
        kept.push(w);
        i += 1;
    }
    if goals.len() < 2 && kept.len() == cmd.words.len() {
        return Vec::new();
    }
    goals
        .iter()
        .map(|&keep| Command {
            words: kept
                .iter()
                .enumerate()
                .filter(|(j, _)| *j == keep || !goals.contains(j))
                .map(|(_, w)| (*w).clone())
                .collect(),
            raw: cmd.raw.clone(),
        })
        .collect()
}

fn matrix_values(
    job: &github_actions_models::workflow::job::NormalJob,
) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let Some(LoE::Literal(m)) = job.strategy.as_ref().and_then(|s| s.matrix.as_ref()) else {
        return out;
    };
    if let LoE::Literal(dims) = &m.dimensions {
        for (k, v) in dims {
            if let LoE::Literal(vals) = v {
                out.entry(k.clone())
                    .or_default()
                    .extend(vals.iter().filter_map(scalar));
            }
        }
    }
    if let LoE::Literal(incl) = &m.include {
        for row in incl {
            for (k, v) in row {
                if let Some(s) = scalar(v) {
                    out.entry(k.clone()).or_default().push(s);
                }
            }
        }
    }
    out
}

fn scalar(v: &yaml_serde::Value) -> Option<String> {
    match v {
        yaml_serde::Value::String(s) => Some(s.clone()),
        yaml_serde::Value::Number(n) => Some(n.to_string()),
        yaml_serde::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The script once per value of each `${{ matrix.X }}` it uses (one key at a
/// time, bounded), or unchanged.
fn expand_matrix(script: &str, matrix: &HashMap<String, Vec<String>>) -> Vec<String> {
    let mut scripts = vec![script.to_string()];
    // Keys in name order: which key's expansion the bound leaves out must
    // not follow a hash map's order from run to run.
    let mut keys: Vec<(&String, &Vec<String>)> = matrix.iter().collect();
    keys.sort();
    for (k, vals) in keys {
        let forms = [
            format!("${{{{ matrix.{k} }}}}"),
            format!("${{{{matrix.{k}}}}}"),
        ];
        if !forms.iter().any(|f| script.contains(f.as_str())) {
            continue;
        }
        let mut next = Vec::new();
        for s in &scripts {
            for v in vals.iter().take(64) {
                next.push(
                    forms
                        .iter()
                        .fold(s.clone(), |acc, f| acc.replace(f.as_str(), v)),
                );
            }
        }
        if next.len() <= 512 {
            scripts = next;
        }
    }
    scripts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::{Kind, just_recipes, make_rules, mix_aliases, same_targets, split_script};

    #[test]
    fn mix_alias_extraction() {
        let t = r#"defmodule X.MixProject do
  def project do
    [app: :x, docs: [main: "readme"], aliases: aliases()]
  end

  defp aliases do
    [
      setup: ["deps.get"],
      qa: ["format --check-formatted", "credo --strict"],
      "test.fast": ["test --exclude slow"],
      ci: [
        "qa",
        # a comment with "quotes"
        "test.fast",
        &run_checks/1,
        "test.phase3"
      ]
    ]
  end
end
"#;
        let a = mix_aliases("mix.exs", &crate::repo::TextFile::new(t));
        let ci: Vec<(&str, usize)> = a["ci"].iter().map(|(s, l)| (s.as_str(), l.line)).collect();
        assert_eq!(ci, vec![("qa", 12), ("test.fast", 14), ("test.phase3", 16)]);
        assert_eq!(a["test.fast"][0].0, "test --exclude slow");
        assert!(!a.contains_key("docs"), "project config is not an alias");
        let src = Sources {
            mix: a,
            ..Sources::default()
        };
        let root = src.root("mix ci");
        let qa = &root.children[0];
        assert_eq!(qa.text, "mix qa");
        assert_eq!(qa.children[1].text, "mix credo --strict");
        assert_eq!(qa.children[1].location.line, 9);
    }

    #[test]
    fn shell_wrappers_are_opened() {
        let t = "defp aliases do\n  [\n    \"test.fast\": [\"test\"],\n    ci: [\n      \"cmd sh -lc 'HEX_API_KEY= mix deps.get'\",\n      \"cmd sh -lc 'MIX_ENV=test mix test.fast'\"\n    ]\n  ]\nend\n";
        let src = Sources {
            mix: mix_aliases("mix.exs", &crate::repo::TextFile::new(t)),
            ..Sources::default()
        };
        let root = src.root("mix ci");
        assert_eq!(root.children[0].children[0].text, "mix deps.get");
        assert_eq!(root.children[1].children[0].text, "mix test.fast");
        assert_eq!(root.children[1].location.line, 6);
        let ci: Vec<Command> = commands("mix deps.get\nmix test")
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        let mut missing = Vec::new();
        collect_missing(&root, &ci, &mut missing);
        assert!(missing.is_empty());
        assert_eq!(
            shell_script("bash -ec 'make lint'").as_deref(),
            Some("make lint")
        );
        assert_eq!(shell_script("bash scripts/x.sh"), None);
    }

    #[test]
    fn npm_script_split_and_expand() {
        assert_eq!(
            split_script("npm run lint && npm test; tsc -p . || true"),
            vec!["npm run lint", "npm test", "tsc -p .", "true"]
        );
        assert_eq!(split_script("echo 'a && b'"), vec!["echo 'a && b'"]);
        let loc = Location::file("package.json");
        let mut npm = HashMap::new();
        npm.insert(
            "ci".to_string(),
            ("npm run lint && vitest run".to_string(), loc.clone()),
        );
        npm.insert(
            "lint".to_string(),
            ("eslint . && prettier -c .".to_string(), loc.clone()),
        );
        let src = Sources {
            npm,
            ..Sources::default()
        };
        let root = src.root("npm run ci");
        assert_eq!(root.children.len(), 2);
        assert_eq!(root.children[0].children[1].text, "prettier -c .");
        assert_eq!(invocation("yarn lint"), Some((Kind::Npm, "lint".into())));
        assert_eq!(
            invocation("pnpm run lint"),
            Some((Kind::Npm, "lint".into()))
        );
        assert_eq!(invocation("npm t"), Some((Kind::Npm, "test".into())));
        assert_eq!(invocation("yarn install"), None);
        // Vite+'s `vp run X` runs a script; its own commands are not scripts.
        assert_eq!(
            invocation("vp run release"),
            Some((Kind::Npm, "release".into()))
        );
        assert_eq!(invocation("vp build"), None);
    }

    #[test]
    fn one_make_run_with_several_goals_runs_each_goal() {
        let goals = |line: &str| -> Vec<String> {
            let (_, c) = commands(line).into_iter().next().expect("a command");
            make_goals(&c).iter().map(Command::text).collect()
        };
        assert_eq!(
            goals("make -C src -j 4 lint V=1 test"),
            vec!["make -C src lint V=1", "make -C src V=1 test"]
        );
        assert_eq!(goals("make -j2 unit"), vec!["make unit"]);
        assert!(goals("make lint").is_empty());
        assert!(goals("cargo test lint").is_empty());
    }

    #[test]
    fn a_target_specific_variable_is_not_a_prerequisite() {
        let mk =
            "unit:\n\tgo test ./...\nrace:\n\tgo test -count=1 ./...\nunit race: GOFLAGS=-race\n";
        let t = make_rules("Makefile", mk).0;
        let unit: Vec<&str> = t["unit"].iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(unit, vec!["unit", "go test ./..."]);
        assert!(!t["race"].iter().any(|(s, _)| s.contains("GOFLAGS=")));
    }

    #[test]
    fn make_and_just() {
        let mk = "CARGO ?= cargo\n.PHONY: ci lint\nci: lint test\n\t@$(CARGO) doc --no-deps\n\nlint:\n\tcargo clippy -- -D warnings\n";
        let t = make_rules("Makefile", mk).0;
        let ci: Vec<&str> = t["ci"].iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            ci,
            vec!["ci", "make lint", "make test", "cargo doc --no-deps"]
        );
        assert_eq!(t["ci"][3].1.line, 4);
        let j = "set shell := [\"bash\", \"-c\"]\n\nci: fmt\n    cargo test\n    @echo done\n\nfmt:\n    cargo fmt --check\n";
        let r = just_recipes("justfile", j);
        let ci: Vec<&str> = r["ci"].iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(ci, vec!["ci", "just fmt", "cargo test", "echo done"]);
    }

    #[test]
    fn coverage_rules() {
        let ci: Vec<Command> = commands(
            "MIX_ENV=test mix test --warnings-as-errors\nyarn lint\nmix format --check-formatted",
        )
        .into_iter()
        .map(|(_, c)| c)
        .collect();
        assert!(runs_in_ci("mix test", &ci));
        assert!(!runs_in_ci("mix test.phase3", &ci));
        assert!(runs_in_ci("npm run lint", &ci));
        assert!(runs_in_ci("mix format --check-formatted", &ci));
        assert!(!runs_in_ci("mix credo", &ci));
        // Narrowing flags in the gate are covered by CI's full run; checks are not.
        assert!(runs_in_ci("mix test --stale", &ci));
        assert!(runs_in_ci("mix test --exclude integration", &ci));
        assert!(!runs_in_ci("mix test.phase3 --stale", &ci));
        let m: HashMap<String, Vec<String>> = [(
            "task".to_string(),
            vec!["qa".to_string(), "test.fast".to_string()],
        )]
        .into();
        assert_eq!(
            expand_matrix("mix ${{ matrix.task }}", &m),
            vec!["mix qa", "mix test.fast"]
        );
    }

    #[test]
    fn targets_of_one_rule_with_the_same_variables_do_the_same_work() {
        let mk =
            "T := a b c d\n$(T): base\na b: X=1\nc: X=2\nbase:\n\tgo test $(X)\ne f:\n\techo $@\n";
        let (targets, specific) = make_rules("Makefile", mk);
        let same = same_targets(&targets, &specific);
        assert_eq!(same.get("a"), Some(&vec!["b".to_string()]));
        assert_eq!(same.get("b"), Some(&vec!["a".to_string()]));
        // Other variables, or a recipe that names its own target: other work.
        assert_eq!(same.get("c"), None);
        assert_eq!(same.get("e"), None);
        // `d` has no target-specific variables: neither `a` nor `c`.
        assert_eq!(same.get("d"), None);
        // The recipe after a rule of two targets belongs to both.
        let t = make_rules("Makefile", mk).0;
        assert_eq!(t["e"].len(), 2, "{:?}", t["e"]);
        assert_eq!(t["f"].len(), 2, "{:?}", t["f"]);
    }
}
