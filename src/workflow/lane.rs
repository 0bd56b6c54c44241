//! The release lane: which jobs publish (following local reusable workflows
//! they call), the environment each runs in, and the repository's identity.

use crate::finding::Location;
use crate::repo::{TextFile, Tree};
use crate::shell::{Command, commands, commands_shared};
use crate::tasks::{Item, Sources, invocation};
use crate::workflow::WorkflowTree;
use crate::workflow::oidc::job_holds_id_token;
use crate::workflow::publish::{ReleaseFacts, Via, action_slug, publish_registry};
use crate::workflow::script_location::command_offset_in_block;
use crate::workflow::{Registry, WorkflowFile, env_map, env_value, parse_yaml_file};
use github_actions_models::action::{Action, Runs, StepBody as ActionStepBody};
use github_actions_models::common::expr::LoE;
use github_actions_models::common::{BasePermission, Env, EnvValue, Permissions, Uses};
use github_actions_models::workflow::Job;
use github_actions_models::workflow::job::{DeploymentEnvironment, StepBody};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use yamlpath::{Component, Route};

/// A publishing job and its environment (`None`: declares none; an
/// expression counts as matching anything).
#[derive(Clone)]
pub struct PubJob {
    /// The workflow's file name (`release.yml`).
    pub workflow: String,
    /// The workflow's path from the root.
    pub path: String,
    pub job: String,
    pub env: Option<String>,
}

/// The publishing jobs of a workflow, following local reusable workflows it
/// calls; `None` when it calls a remote one (shipgate cannot see it).
pub fn publishing_jobs(
    tree: &Tree,
    wf: &WorkflowFile,
    depth: usize,
    oidc_fallback: bool,
) -> Option<Vec<PubJob>> {
    let mut out: Vec<PubJob> = wf
        .release
        .publishing_jobs()
        // A job that calls a local workflow publishes through that
        // workflow's jobs, followed below with their own environments.
        .filter(|r| !r.calls_workflow)
        .map(|r| PubJob {
            workflow: wf.file_name().to_string(),
            path: wf.path.clone(),
            job: r.id.clone(),
            env: wf.model.jobs.get(&r.id).and_then(|j| match j {
                Job::NormalJob(n) => n.environment.as_ref().map(|e| env_name(e).to_string()),
                Job::ReusableWorkflowCallJob(_) => None,
            }),
        })
        .collect();
    if out.is_empty() && oidc_fallback {
        // Trusted publishing needs the OIDC token: a job that holds it may
        // publish in a form shipgate does not recognise (`npm stage publish`,
        // a changesets `publish:` script), so its environment counts too.
        for (id, job) in wf.normal_jobs() {
            if job_holds_id_token(&wf.model.permissions, &job.permissions) {
                out.push(PubJob {
                    workflow: wf.file_name().to_string(),
                    path: wf.path.clone(),
                    job: id.to_string(),
                    env: job.environment.as_ref().map(|e| env_name(e).to_string()),
                });
            }
        }
    }
    for job in wf.model.jobs.values() {
        let Job::ReusableWorkflowCallJob(call) = job else {
            continue;
        };
        match &call.uses {
            Uses::Local(l) if depth < 4 => {
                let p = l.path.trim_start_matches("./");
                if let Ok(inner) = tree.workflow(p) {
                    out.extend(publishing_jobs(tree, &inner, depth + 1, oidc_fallback)?);
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The name of a job's `environment:` (a string or `{name, url}`): the one
/// place shipgate reads it.
pub fn env_name(e: &DeploymentEnvironment) -> &str {
    match e {
        DeploymentEnvironment::Name(n) => n,
        DeploymentEnvironment::NameURL { name, .. } => name,
    }
}

/// `(owner, name)` of the GitHub repository the manifests point at.
pub fn repo_identity(tree: &Tree) -> Option<(String, String)> {
    let mut urls: Vec<String> = Vec::new();
    if tree.exists("package.json")
        && let Ok(j) = tree.json("package.json")
        && let Some(r) = j.root.get("repository")
    {
        if let Some(s) = r.as_str() {
            // npm's shorthand `"repository": "owner/name"` is a GitHub one.
            let shorthand = !s.contains(':')
                && s.split('/').count() == 2
                && s.split('/').all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                });
            if shorthand {
                urls.push(format!("github:{s}"));
            } else {
                urls.push(s.to_string());
            }
        } else if let Some(s) = r.get("url").and_then(|u| u.as_str()) {
            urls.push(s.to_string());
        }
    }
    if tree.exists("Cargo.toml")
        && let Ok(t) = tree.toml("Cargo.toml")
    {
        for key in ["package.repository", "workspace.package.repository"] {
            if let Some(s) = t.root.path(key).and_then(|n| n.as_str()) {
                urls.push(s.to_string());
            }
        }
    }
    if tree.exists("pyproject.toml")
        && let Ok(t) = tree.toml("pyproject.toml")
        && let Some(u) = t.root.path("project.urls")
    {
        for e in u.entries() {
            if let Some(s) = e.node.as_str() {
                urls.push(s.to_string());
            }
        }
    }
    urls.iter().find_map(|u| github_slug(u))
}

pub fn github_slug(url: &str) -> Option<(String, String)> {
    let rest = if let Some(r) = url.strip_prefix("github:") {
        r
    } else {
        let i = url.find("github.com")?;
        url[i + "github.com".len()..].trim_start_matches([':', '/'])
    };
    let mut parts = rest.split('/');
    let owner = parts.next()?.trim();
    let name = parts.next()?.trim().trim_end_matches(".git");
    (!owner.is_empty() && !name.is_empty()).then(|| (owner.to_string(), name.to_string()))
}

// ---------------------------------------------------------------------------
// What a job runs behind its own steps.
// ---------------------------------------------------------------------------

/// How far the lane is followed: a composite action inside a composite
/// action, a script that runs a script, a reusable workflow that calls one.
pub const MAX_LANE_DEPTH: usize = 4;

/// Steps and commands followed for one workflow, at most: a budget that
/// keeps a tree of scripts calling each other from growing the work.
const MAX_LANE_ITEMS: usize = 10_000;

/// Something a job runs behind one of its own steps: a step of a local
/// composite action, a command of a repository script or of a package
/// script, Makefile target or justfile recipe it invokes, or what a local
/// reusable workflow called at job level publishes or ships.
#[derive(Debug, Clone)]
pub struct Behind {
    /// The job's own step (or, for a reusable workflow call job, 0) it is reached through.
    pub step: usize,
    /// Where it is written.
    pub at: Location,
    /// The source line at `at` (for trailing-comment checks).
    pub line_text: String,
    /// How the step reaches it, outermost first (`./.github/actions/publish`,
    /// `scripts/publish.sh`).
    pub via: Vec<String>,
    pub ran: Ran,
}

impl Behind {
    /// `./.github/actions/publish → scripts/publish.sh`.
    pub fn chain(&self) -> String {
        self.via.join(" → ")
    }

    /// Where it stands, for messages: `scripts/publish:25`.
    pub fn short_location(&self) -> String {
        format!("{}:{}", self.at.path, self.at.line)
    }
}

#[derive(Debug, Clone)]
pub enum Ran {
    /// A `uses:` step of a composite action, with its literal inputs
    /// (key, value, where the key is written).
    Uses {
        uses: String,
        with: Vec<(String, String, Location)>,
    },
    /// A command of a composite `run:`, a script or a task.
    Command(Command),
    /// A publish read from what a step runs without being a command of it:
    /// a JavaScript release script's `publish()`, or a publishing job of a
    /// called workflow.
    Publish(Registry, Via),
    /// Artifacts shipped by a called workflow.
    Ship(String),
}

/// A local action or called workflow a job needs but shipgate cannot read.
#[derive(Debug, Clone)]
pub struct LaneProblem {
    pub job: String,
    /// Where the job refers to it.
    pub at: Location,
    pub message: String,
}

/// What every job of one workflow runs behind its own steps.
#[derive(Debug, Clone, Default)]
pub struct Lane {
    jobs: HashMap<String, Vec<Behind>>,
    pub problems: Vec<LaneProblem>,
    /// Jobs that call a local reusable workflow which scopes its own token
    /// (top-level `permissions:`, or on every job): the called workflow can
    /// only narrow what the caller grants, so those jobs do not run with
    /// the default token scope.
    scoped_calls: HashSet<String>,
    /// Jobs that call a local reusable workflow which serialises its own
    /// release: a workflow-level `concurrency:`, or one on every job of it
    /// that publishes or ships.
    grouped_calls: HashSet<String>,
}

impl Lane {
    /// What job `id` runs behind its own steps, in step order.
    pub fn behind(&self, id: &str) -> &[Behind] {
        self.jobs.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether job `id` calls a local reusable workflow that sets its own
    /// token permissions.
    pub fn call_is_scoped(&self, id: &str) -> bool {
        self.scoped_calls.contains(id)
    }

    /// Whether job `id` calls a local reusable workflow that holds its own
    /// concurrency group for its releasing jobs.
    pub fn call_is_grouped(&self, id: &str) -> bool {
        self.grouped_calls.contains(id)
    }
}

/// Follows every job of `wf` through the local actions, scripts and
/// reusable workflows it runs (reading them through the tree, which keeps
/// every read inside the root; nothing is executed), then judges the
/// workflow's release facts with what was found.
pub fn follow(tree: &Tree, wf: &mut WorkflowFile) {
    let mut stack = vec![wf.path.clone()];
    let lane = lane_of(tree, wf, &mut stack, &mut 0, 0);
    wf.release = ReleaseFacts::analyse_with(&wf.model, &lane);
    // Only a workflow with a `workflow_call` trigger can be called (GitHub
    // refuses the call otherwise), so no other one asks who calls it: the
    // callers' index is a read of every workflow in the tree.
    if super::triggers::has_event(&wf.model.on, "workflow_call") {
        let callers = callers_of(tree, &wf.path);
        wf.release.called_by_release = callers.release;
        wf.release.callers_hold_concurrency = callers.all_concurrent;
    }
    wf.lane = lane;
}

/// What the workflows that call one workflow say about it.
struct Callers {
    /// The first release workflow among them, by file name.
    release: Option<String>,
    /// There is at least one, and every one sets a workflow-level
    /// `concurrency:`.
    all_concurrent: bool,
}

/// The workflows that call `path` as a local reusable workflow. Each caller
/// is parsed and followed on its own (not through the tree's cache, which
/// may be filling it right now).
fn callers_of(tree: &Tree, path: &str) -> Callers {
    let mut release = None;
    let mut any = false;
    let mut all_concurrent = true;
    for caller in &tree.workflow_callers(path) {
        if caller == path {
            continue;
        }
        let Ok(tf) = tree.text(caller) else { continue };
        if tf.text.len() > crate::repo::MAX_PARSE_BYTES {
            continue;
        }
        let Ok(wf) = WorkflowFile::parse_indexed(caller, tf.text.clone(), tf.lines.clone()) else {
            continue;
        };
        let calls = wf.model.jobs.values().any(|j| {
            matches!(j, Job::ReusableWorkflowCallJob(c)
                if matches!(&c.uses, Uses::Local(l) if normalise_path("", &l.path).as_deref() == Some(path)))
        });
        if !calls {
            continue;
        }
        any = true;
        all_concurrent &= wf.model.concurrency.is_some();
        if release.is_none() {
            let mut stack = vec![caller.clone()];
            let lane = lane_of(tree, &wf, &mut stack, &mut 0, 0);
            if ReleaseFacts::analyse_with(&wf.model, &lane).is_release() {
                release = Some(wf.file_name().to_string());
            }
        }
    }
    Callers {
        release,
        all_concurrent: any && all_concurrent,
    }
}

struct Walk<'t> {
    tree: &'t Tree,
    gate: Option<Sources>,
    /// Files being followed, outermost first: a file already on it is not
    /// entered again (a composite that uses itself, scripts that call each other).
    stack: Vec<String>,
    items: usize,
    job: String,
    out: Vec<Behind>,
    problems: Vec<LaneProblem>,
}

/// What every job of `wf` runs behind its steps. `used` counts the items
/// followed so far, shared with the workflows it calls, so the whole walk
/// from one workflow stays within [`MAX_LANE_ITEMS`].
fn lane_of(
    tree: &Tree,
    wf: &WorkflowFile,
    stack: &mut Vec<String>,
    used: &mut usize,
    depth: usize,
) -> Lane {
    let mut lane = Lane::default();
    let mut w = Walk {
        tree,
        gate: None,
        stack: std::mem::take(stack),
        items: *used,
        job: String::new(),
        out: Vec::new(),
        problems: Vec::new(),
    };
    for (id, job) in &wf.model.jobs {
        w.job = id.clone();
        match job {
            Job::NormalJob(j) => {
                // Directories an earlier `actions/checkout` filled with
                // another checkout: what is there at run time is not this tree.
                let mut elsewhere: Vec<String> = Vec::new();
                for (i, step) in j.steps.iter().enumerate() {
                    match &step.body {
                        StepBody::Uses {
                            uses: Uses::Local(l),
                            with,
                        } => {
                            let dir = normalise_path("", &l.path).unwrap_or_default();
                            if under_any(&dir, &elsewhere) {
                                continue;
                            }
                            let uses_at = wf.job(id).step(i).location().key("uses");
                            let given: HashMap<String, String> = env_map(with)
                                .map(|m| m.iter().map(|(k, v)| (k.clone(), env_value(v))).collect())
                                .unwrap_or_default();
                            w.action(i, &l.path, &|| uses_at.locate(), &given, depth + 1, &[]);
                        }
                        StepBody::Run { run, .. } => {
                            let wd = wf.step_working_directory(id, i).unwrap_or_default();
                            let wd = wd.as_str();
                            if under_any(&normalise_path("", wd).unwrap_or_default(), &elsewhere) {
                                continue;
                            }
                            for (_, cmd) in commands_shared(run).iter() {
                                w.command(i, cmd, wd, depth + 1, &[]);
                            }
                        }
                        StepBody::Uses { uses, with } => {
                            if action_slug(uses).as_deref() == Some("actions/checkout") {
                                let input =
                                    |k: &str| env_map(with).and_then(|m| m.get(k)).map(env_value);
                                let path = input("path").unwrap_or_default();
                                let other_repo = input("repository").is_some_and(|r| {
                                    !r.trim().is_empty() && !r.contains("github.repository")
                                });
                                let dir = normalise_path("", &path).unwrap_or_default();
                                if !dir.is_empty() || other_repo {
                                    elsewhere.push(dir);
                                }
                            }
                        }
                    }
                }
            }
            Job::ReusableWorkflowCallJob(call) => {
                if let Uses::Local(l) = &call.uses {
                    let uses_at = wf.job(id).location().key("uses");
                    let at = || uses_at.locate();
                    let called = w.called_workflow(&l.path, &at, depth + 1, &call.with);
                    if called.scoped {
                        lane.scoped_calls.insert(id.clone());
                    }
                    if called.grouped {
                        lane.grouped_calls.insert(id.clone());
                    }
                }
            }
        }
        if !w.out.is_empty() {
            lane.jobs.insert(id.clone(), std::mem::take(&mut w.out));
        }
    }
    lane.problems = w.problems;
    *stack = w.stack;
    *used = w.items;
    lane
}

/// The text of the line a location in `wf` points at.
fn line_of(wf: &WorkflowFile, loc: &Location) -> String {
    wf.lines.line(&wf.text, loc.line).unwrap_or("").to_string()
}

/// Whether `dir` is `base` or inside it, for any base (`""`: the whole workspace).
fn under_any(dir: &str, bases: &[String]) -> bool {
    bases
        .iter()
        .any(|b| b.is_empty() || dir == b || dir.starts_with(&format!("{b}/")))
}

/// `./a/../b/` as a path from the root (`b`), or `None` when it leaves the
/// root. An absolute path is outside the repository, never its root.
fn normalise_path(base: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') {
        return None;
    }
    crate::repo::paths::normalize(base, rel)
}

impl Walk<'_> {
    fn problem(&mut self, at: Location, message: String) {
        self.problems.push(LaneProblem {
            job: self.job.clone(),
            at,
            message,
        });
    }

    fn push(&mut self, step: usize, at: Location, line_text: &str, via: &[String], ran: Ran) {
        self.items += 1;
        self.out.push(Behind {
            step,
            at,
            line_text: line_text.to_string(),
            via: via.to_vec(),
            ran,
        });
    }

    fn budget_left(&self) -> bool {
        self.items < MAX_LANE_ITEMS
    }

    /// The text of a file the lane needs, or why it cannot be read.
    fn read(&self, rel: &str) -> Result<Arc<TextFile>, String> {
        if let Some(why) = self.tree.bad_link(rel) {
            return Err(why.to_string());
        }
        self.tree.text(rel).map_err(|e| e.message)
    }

    /// `uses: ./path` of a step: a local action. A composite action's steps
    /// are steps of the job; a JavaScript or Docker action runs its own code.
    fn action(
        &mut self,
        step: usize,
        path: &str,
        at: &dyn Fn() -> Location,
        given: &HashMap<String, String>,
        depth: usize,
        via: &[String],
    ) {
        if depth > MAX_LANE_DEPTH || !self.budget_left() {
            return;
        }
        let shown = format!("./{}", path.trim_start_matches("./"));
        let Some(dir) = normalise_path("", path) else {
            self.problem(
                at(),
                format!("local action `{shown}` is outside the repository"),
            );
            return;
        };
        let candidates = if dir.is_empty() {
            ["action.yml".to_string(), "action.yaml".to_string()]
        } else {
            [format!("{dir}/action.yml"), format!("{dir}/action.yaml")]
        };
        if let Some(why) = self.tree.bad_link(&dir) {
            self.problem(
                at(),
                format!(
                    "local action `{shown}` is not read ({why}), so what this step runs cannot be judged"
                ),
            );
            return;
        }
        let Some(file) = candidates.iter().find(|c| self.tree.exists(c)).cloned() else {
            self.problem(
                at(),
                format!(
                    "local action `{shown}` has no action.yml or action.yaml, so what this step runs cannot be judged"
                ),
            );
            return;
        };
        if self.stack.contains(&file) {
            return;
        }
        let tf = match self.read(&file) {
            Ok(t) => t,
            Err(why) => {
                self.problem(
                    at(),
                    format!("local action `{shown}` cannot be read ({file}: {why})"),
                );
                return;
            }
        };
        let action = match parse_action(&file, &tf.text) {
            Ok(a) => a,
            Err(why) => {
                self.problem(
                    at(),
                    format!("local action `{shown}` cannot be judged: {file} is {why}"),
                );
                return;
            }
        };
        let Runs::Composite(comp) = &action.runs else {
            return;
        };
        // `${{ inputs.X }}` inside the action: what the caller passes, else
        // the input's default.
        let inputs: HashMap<String, String> = action
            .inputs
            .iter()
            .filter_map(|(k, i)| {
                let v = given.get(k).cloned().or_else(|| i.default.clone())?;
                Some((k.clone(), v))
            })
            .collect();
        let yaml = YamlText::new(&file, tf.clone());
        let mut via = via.to_vec();
        via.push(shown);
        self.stack.push(file.clone());
        for (k, s) in comp.steps.iter().enumerate() {
            if !self.budget_left() {
                break;
            }
            let route = [
                Component::Key("runs".into()),
                Component::Key("steps".into()),
                Component::Index(k),
            ];
            match &s.body {
                ActionStepBody::Uses { uses, with } => {
                    let mut r = route.to_vec();
                    r.push(Component::Key("uses".into()));
                    let loc = yaml.locate(&r);
                    let line_text = yaml.line(loc.line).to_string();
                    let inputs = match with {
                        LoE::Literal(m) => m
                            .iter()
                            .map(|(key, v)| {
                                let mut kr = route.to_vec();
                                kr.extend([
                                    Component::Key("with".into()),
                                    Component::Key(key.as_str().into()),
                                ]);
                                let v = with_inputs(&env_value(v), &inputs);
                                (key.clone(), v, yaml.locate_key(&kr))
                            })
                            .collect(),
                        LoE::Expr(_) => Vec::new(),
                    };
                    self.push(
                        step,
                        loc.clone(),
                        &line_text,
                        &via,
                        Ran::Uses {
                            uses: uses.raw().to_string(),
                            with: inputs,
                        },
                    );
                    if let Uses::Local(l) = uses {
                        let given = match &self.out.last().map(|b| &b.ran) {
                            Some(Ran::Uses { with, .. }) => with
                                .iter()
                                .map(|(k, v, _)| (k.clone(), v.clone()))
                                .collect(),
                            _ => HashMap::new(),
                        };
                        self.action(step, &l.path, &|| loc.clone(), &given, depth + 1, &via);
                    }
                }
                ActionStepBody::Run { run, .. } => {
                    let mut r = route.to_vec();
                    r.push(Component::Key("run".into()));
                    // Read from the text: the model's field is never set
                    // (see `WorkflowFile::step_working_directory`).
                    let mut wr = route.to_vec();
                    wr.push(Component::Key("working-directory".into()));
                    let wd = yaml.scalar(&wr).unwrap_or_default();
                    let cmds = commands_shared(run);
                    for (line, cmd) in cmds.iter() {
                        let loc = yaml.locate_command(&r, *line, &cmd.raw);
                        let line_text = yaml.line(loc.line).to_string();
                        self.push(step, loc, &line_text, &via, Ran::Command(cmd.clone()));
                        self.command(step, cmd, &wd, depth + 1, &via);
                    }
                }
            }
        }
        self.stack.pop();
    }

    /// A command the job runs: followed into the repository script, package
    /// script, Makefile target or justfile recipe it invokes. The command
    /// itself is recorded by the caller.
    fn command(&mut self, step: usize, cmd: &Command, wd: &str, depth: usize, via: &[String]) {
        if depth > MAX_LANE_DEPTH || !self.budget_left() {
            return;
        }
        // `./release.sh --dry-run`: whatever it runs, it is told not to
        // publish. A value filled in at run time (`--dry-run="$DRY_RUN"`)
        // or a false one leaves the real release on the same line.
        if cmd.has_switch_on(DRY_RUN_FLAGS) {
            return;
        }
        if let Some((file, kind)) = self.script_file(cmd, wd) {
            if self.stack.contains(&file) {
                return;
            }
            let Ok(tf) = self.read(&file) else {
                return;
            };
            if tf.text.len() > crate::repo::MAX_PARSE_BYTES {
                return;
            }
            // `node scripts/ensure-packages.ts --check-only`: a script that
            // reads the check-only flag it is given only checks; whatever it
            // would publish when run by hand is not this job's work.
            if CHECK_ONLY_FLAGS
                .iter()
                .any(|f| cmd.has_flag(&[f]) && tf.text.contains(f))
            {
                return;
            }
            let mut via = via.to_vec();
            via.push(file.clone());
            self.stack.push(file.clone());
            match kind {
                // A PowerShell script's command lines (`dotnet nuget push
                // $pkg --api-key $Env:KEY`) read like a shell script's:
                // one program and its words per line.
                ScriptKind::Shell | ScriptKind::PowerShell => {
                    self.shell_script(step, &file, &tf, depth, &via)
                }
                ScriptKind::JavaScript => self.javascript(step, &file, &tf, &via),
            }
            self.stack.pop();
            return;
        }
        // `npm run X` in another folder (a step's `working-directory`,
        // `--workspace=packages/a`, `--prefix dir`): that folder's
        // package.json script X.
        if let Some((name, dirs)) = package_dirs(cmd, wd) {
            self.package_scripts(step, cmd, &name, &dirs, depth, via);
            return;
        }
        // `npm run X`, `make X`, `just X`: the commands it stands for. The
        // gate reads the root package.json, Makefile and justfile.
        if !wd.trim_matches(['.', '/']).is_empty() || cmd.has_flag(ELSEWHERE_FLAGS) {
            return;
        }
        let text = cmd.raw.clone();
        let Some((_, name)) = invocation(&text) else {
            return;
        };
        let tree = self.tree;
        let gate = self.gate.get_or_insert_with(|| Sources::read(tree).0);
        let Some(def) = gate.definition(&text) else {
            return;
        };
        let item = gate.item(&text, def, &mut HashSet::new(), 0);
        let mut leaves = Vec::new();
        collect_leaves(&item, &mut leaves);
        let mut via = via.to_vec();
        via.push(format!("`{}`", cmd.text()));
        let key = format!("task:{name}");
        if self.stack.contains(&key) {
            return;
        }
        self.stack.push(key);
        for (t, loc) in leaves {
            if !self.budget_left() {
                break;
            }
            for (_, c) in commands(&t) {
                let line_text = self
                    .tree
                    .text(&loc.path)
                    .ok()
                    .and_then(|f| f.line(loc.line).map(str::to_string))
                    .unwrap_or_default();
                self.push(step, loc.clone(), &line_text, &via, Ran::Command(c.clone()));
                self.command(step, &c, "", depth + 1, &via);
            }
        }
        self.stack.pop();
    }

    /// `npm run X` (or yarn's, pnpm's, bun's) run in each of `dirs`: the
    /// commands of script X of that folder's package.json, each recorded
    /// where the script is written and followed from that folder. A folder
    /// without a package.json, or one without script X, adds nothing.
    fn package_scripts(
        &mut self,
        step: usize,
        cmd: &Command,
        name: &str,
        dirs: &[String],
        depth: usize,
        via: &[String],
    ) {
        for dir in dirs {
            if !self.budget_left() {
                break;
            }
            let manifest = if dir.is_empty() {
                "package.json".to_string()
            } else {
                format!("{dir}/package.json")
            };
            let key = format!("task:{manifest}:{name}");
            if self.stack.contains(&key) || !self.tree.exists(&manifest) {
                continue;
            }
            let Ok(df) = self.tree.json(&manifest) else {
                continue; // a package.json that does not parse is reported by the checks that read it
            };
            let Some(script) = df.root.get("scripts").and_then(|s| s.get(name)) else {
                continue;
            };
            let Some(line) = script.as_str() else {
                continue;
            };
            let at = df.location(&script.span);
            let line_text = df.file.line(at.line).unwrap_or_default().to_string();
            let mut via = via.to_vec();
            via.push(format!("`{}`", cmd.text()));
            self.stack.push(key);
            for (_, c) in commands(line) {
                if !self.budget_left() {
                    break;
                }
                self.push(step, at.clone(), &line_text, &via, Ran::Command(c.clone()));
                self.command(step, &c, dir, depth + 1, &via);
            }
            self.stack.pop();
        }
    }

    /// The repository script a command runs, if it runs one that is here:
    /// `./scripts/publish.sh`, `scripts/install`, `bash scripts/x`, `node
    /// scripts/x.mjs`, `tsx scripts/x.ts`, `./push.ps1`, `pwsh -File x.ps1`.
    fn script_file(&self, cmd: &Command, wd: &str) -> Option<(String, ScriptKind)> {
        let w = &cmd.words;
        let first = w.first()?.as_str();
        let arg = || {
            w.iter()
                .skip(1)
                .find(|a| !a.starts_with('-'))
                .map(String::as_str)
        };
        let (path, forced) = match first {
            "bash" | "sh" | "zsh" | "dash" => (arg()?, Some(ScriptKind::Shell)),
            "pwsh" | "powershell" | "pwsh.exe" | "powershell.exe" => {
                (arg()?, Some(ScriptKind::PowerShell))
            }
            "node" | "tsx" | "ts-node" | "bun" | "deno" | "zx" => {
                let a = w
                    .iter()
                    .skip(1)
                    .find(|a| !a.starts_with('-') && *a != "run")?;
                (a.as_str(), Some(ScriptKind::JavaScript))
            }
            p if p.contains('/') || p.ends_with(".sh") || p.ends_with(".ps1") => (p, None),
            _ => return None,
        };
        if path.contains(['$', '`', '*', '{']) {
            return None;
        }
        let rel = normalise_path(wd.trim_start_matches("./"), path)?;
        if !self.tree.exists(&rel) {
            return None;
        }
        let kind = match forced {
            Some(ScriptKind::JavaScript) => {
                let js = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"];
                js.iter()
                    .any(|e| rel.ends_with(e))
                    .then_some(ScriptKind::JavaScript)?
            }
            Some(ScriptKind::PowerShell) => rel
                .to_ascii_lowercase()
                .ends_with(".ps1")
                .then_some(ScriptKind::PowerShell)?,
            Some(k) => k,
            None => {
                if rel.ends_with(".sh") || rel.ends_with(".bash") {
                    ScriptKind::Shell
                } else if rel.to_ascii_lowercase().ends_with(".ps1") {
                    ScriptKind::PowerShell
                } else {
                    let tf = self.tree.text(&rel).ok()?;
                    let first_line = tf.text.lines().next().unwrap_or("");
                    let shebang = first_line.strip_prefix("#!")?;
                    let interp = shebang
                        .split_whitespace()
                        .find(|w| !w.ends_with("/env") && !w.starts_with('-'))?;
                    let interp = interp.rsplit('/').next().unwrap_or(interp);
                    match interp {
                        "sh" | "bash" | "zsh" | "dash" | "ash" => ScriptKind::Shell,
                        "node" | "tsx" | "ts-node" | "bun" | "deno" | "zx" => {
                            ScriptKind::JavaScript
                        }
                        _ => return None,
                    }
                }
            }
        };
        Some((rel, kind))
    }

    /// Every command of a shell script, each followed in turn. A program
    /// named through a variable (`"$PIP" install`, `${PREFIX}twine upload`)
    /// is read as the program every assignment of that variable names.
    fn shell_script(
        &mut self,
        step: usize,
        file: &str,
        tf: &TextFile,
        depth: usize,
        via: &[String],
    ) {
        let vars = shell_assignments(&tf.text);
        let functions = shell_functions(&tf.text);
        let all = commands(&tf.text);
        for (line, cmd) in all.iter().cloned() {
            if !self.budget_left() {
                break;
            }
            let cmd = resolve_program(cmd, &vars);
            let line_text = tf.line(line + 1).unwrap_or("");
            let col = line_text.find(cmd.raw.trim()).map_or(1, |c| c + 1);
            let at = Location::new(file, line + 1, col);
            self.push(step, at.clone(), line_text, via, Ran::Command(cmd.clone()));
            self.command(step, &cmd, "", depth + 1, via);
            // A call of a function the script defines: the commands of its
            // body that pass on their arguments (`cargo release publish
            // "$@"`) run with the call's words, at the call.
            let Some(&(from, to)) = cmd.words.first().and_then(|w| functions.get(w.as_str()))
            else {
                continue;
            };
            let args = &cmd.words[1..];
            for (_, body) in all.iter().filter(|(l, _)| (from..=to).contains(l)) {
                if !body.words.iter().any(|w| w == "$@" || w == "$*") {
                    continue;
                }
                let words = body
                    .words
                    .iter()
                    .flat_map(|w| {
                        if w == "$@" || w == "$*" {
                            args.to_vec()
                        } else {
                            vec![w.clone()]
                        }
                    })
                    .collect();
                let called = Command {
                    words,
                    raw: cmd.raw.clone(),
                };
                self.push(step, at.clone(), line_text, via, Ran::Command(called));
            }
        }
    }

    /// A JavaScript or TypeScript release script: the publish commands its
    /// string literals spell (`execSync('npm publish')`), or a `publish`
    /// function it imports from a package and calls (a release library such
    /// as `@vitejs/release-scripts`, which publishes the package to npm).
    fn javascript(&mut self, step: usize, file: &str, tf: &TextFile, via: &[String]) {
        if !self.javascript_own(step, file, tf, via) {
            self.javascript_imports(step, file, tf, via);
        }
    }

    /// What a JavaScript file publishes itself; whether it publishes.
    fn javascript_own(&mut self, step: usize, file: &str, tf: &TextFile, via: &[String]) -> bool {
        for (at, text) in js_exec_commands(&tf.text) {
            for (_, c) in commands(&text) {
                if let Some(reg) = publish_registry(&c) {
                    let loc = tf.location(file, at);
                    let line_text = tf.line(loc.line).unwrap_or("").to_string();
                    self.push(
                        step,
                        loc,
                        &line_text,
                        via,
                        Ran::Publish(
                            reg,
                            Via::Command {
                                command: c,
                                line: 0,
                            },
                        ),
                    );
                    return true;
                }
            }
        }
        for (at, text) in js_held_commands(&tf.text) {
            for (_, c) in commands(&text) {
                if let Some(reg) = publish_registry(&c) {
                    let loc = tf.location(file, at);
                    let line_text = tf.line(loc.line).unwrap_or("").to_string();
                    let command = Via::Command {
                        command: c,
                        line: 0,
                    };
                    self.push(step, loc, &line_text, via, Ran::Publish(reg, command));
                    return true;
                }
            }
        }
        if let Some((at, module, name)) = imported_publish_call(&tf.text) {
            let loc = tf.location(file, at);
            let line_text = tf.line(loc.line).unwrap_or("").to_string();
            let command = Command {
                words: vec![format!("{name}()")],
                raw: format!("{name}() from {module}"),
            };
            self.push(
                step,
                loc,
                &line_text,
                via,
                Ran::Publish(Registry::Npm, Via::Command { command, line: 0 }),
            );
            return true;
        }
        false
    }

    /// One level of the script's own modules: a function it imports from a
    /// file of the repository (`import { publishAll } from './lib.mjs'`)
    /// and calls publishes what that function's body runs. Only the named
    /// function is read, so a helper module's other functions do not count.
    fn javascript_imports(&mut self, step: usize, file: &str, tf: &TextFile, via: &[String]) {
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        for (name, local, spec) in js_local_imports(&tf.text) {
            if !self.budget_left() || !js_calls(&tf.text, &local) {
                continue;
            }
            let Some(base) = normalise_path(dir, &spec) else {
                continue;
            };
            let exts = ["", ".ts", ".mts", ".js", ".mjs", ".cjs"];
            let index = ["/index.ts", "/index.js", "/index.mjs"];
            let Some(module) = exts
                .iter()
                .chain(index.iter())
                .map(|e| format!("{base}{e}"))
                .find(|m| self.tree.exists(m) && !self.tree.is_dir(m))
            else {
                continue;
            };
            if self.stack.contains(&module) {
                continue;
            }
            let Ok(mf) = self.read(&module) else {
                continue;
            };
            if mf.text.len() > crate::repo::MAX_PARSE_BYTES {
                continue;
            }
            let Some((open, close)) = js_function_body(&mf.text, &name) else {
                continue;
            };
            let body = &mf.text[open..close];
            for (at, text) in js_exec_commands(body) {
                for (_, c) in commands(&text) {
                    if let Some(reg) = publish_registry(&c) {
                        let loc = mf.location(&module, open + at);
                        let line_text = mf.line(loc.line).unwrap_or("").to_string();
                        let mut via = via.to_vec();
                        via.push(module.clone());
                        let command = Via::Command {
                            command: c,
                            line: 0,
                        };
                        self.push(step, loc, &line_text, &via, Ran::Publish(reg, command));
                        return;
                    }
                }
            }
        }
    }

    /// A local reusable workflow a job calls: what its jobs publish and
    /// ship belongs to the caller's lane.
    /// Follows a local reusable workflow; whether it scopes its own token.
    fn called_workflow(
        &mut self,
        path: &str,
        at: &dyn Fn() -> Location,
        depth: usize,
        with: &LoE<Env>,
    ) -> CalledWorkflow {
        let none = CalledWorkflow::default();
        if depth > MAX_LANE_DEPTH || !self.budget_left() {
            return none;
        }
        let shown = format!("./{}", path.trim_start_matches("./"));
        let Some(file) = normalise_path("", path) else {
            self.problem(
                at(),
                format!("called workflow `{shown}` is outside the repository"),
            );
            return none;
        };
        if self.stack.contains(&file) {
            return none;
        }
        if !self.tree.exists(&file) {
            self.problem(
                at(),
                format!("called workflow `{shown}` does not exist, so what this job runs cannot be judged"),
            );
            return none;
        }
        let tf = match self.read(&file) {
            Ok(t) => t,
            Err(why) => {
                self.problem(
                    at(),
                    format!("called workflow `{shown}` cannot be read: {why}"),
                );
                return none;
            }
        };
        if tf.text.len() > crate::repo::MAX_PARSE_BYTES {
            self.problem(
                at(),
                format!("called workflow `{shown}` is too large to parse"),
            );
            return none;
        }
        let inner = match WorkflowFile::parse_indexed(&file, tf.text.clone(), tf.lines.clone()) {
            Ok(w) => w,
            Err(e) => {
                self.problem(
                    at(),
                    format!(
                        "called workflow `{shown}` cannot be judged: line {}: {}",
                        e.line, e.message
                    ),
                );
                return none;
            }
        };
        let scoped = !matches!(
            inner.model.permissions,
            Permissions::Base(BasePermission::Default)
        ) || (!inner.model.jobs.is_empty()
            && inner.model.jobs.values().all(|j| {
                !matches!(
                    match j {
                        Job::NormalJob(n) => &n.permissions,
                        Job::ReusableWorkflowCallJob(c) => &c.permissions,
                    },
                    Permissions::Base(BasePermission::Default)
                )
            }));
        let mut stack = std::mem::take(&mut self.stack);
        stack.push(file.clone());
        // A called workflow costs more than a step: it is read and parsed.
        self.items += CALLED_WORKFLOW_COST;
        let mut used = self.items;
        let inner_lane = lane_of(self.tree, &inner, &mut stack, &mut used, depth);
        self.items = used;
        stack.pop();
        self.stack = stack;
        let facts = ReleaseFacts::analyse_with(&inner.model, &inner_lane);
        let off = switched_off(&inner, with);
        let via = vec![shown];
        for role in &facts.jobs {
            if off.job(&role.id) {
                continue;
            }
            let live = |p: &&crate::workflow::publish::PublishStep| {
                role.calls_workflow || !off.step(&role.id, p.step)
            };
            // A step that only mints the registry's token publishes through
            // the upload that follows it: with every upload switched off
            // (a dry run), the mint alone is no release.
            let uploads_off = role.publishes.iter().any(|p| !live(&p))
                && role
                    .publishes
                    .iter()
                    .filter(live)
                    .all(|p| mints_token_only(&p));
            for p in role.publishes.iter().filter(live) {
                if uploads_off {
                    continue;
                }
                let loc = p.locate(&inner, &role.id);
                let line_text = line_of(&inner, &loc);
                let mut v = via.clone();
                v.push(format!("job `{}`", role.id));
                if let Some(b) = &p.behind {
                    v.extend(b.via.iter().cloned());
                }
                self.push(
                    0,
                    loc,
                    &line_text,
                    &v,
                    Ran::Publish(p.registry, p.via.clone()),
                );
            }
            for s in &role.ships {
                if !role.calls_workflow && off.step(&role.id, s.step) {
                    continue;
                }
                let loc = inner
                    .job(&role.id)
                    .step(s.step)
                    .location()
                    .key("uses")
                    .locate();
                let line_text = line_of(&inner, &loc);
                let mut v = via.clone();
                v.push(format!("job `{}`", role.id));
                self.push(0, loc, &line_text, &v, Ran::Ship(s.what.clone()));
            }
        }
        for p in inner_lane.problems {
            self.problem(p.at, p.message);
        }
        let grouped = inner.model.concurrency.is_some()
            || {
                let mut releasing = facts.releasing_jobs().peekable();
                releasing.peek().is_some()
                && releasing.all(|r| {
                    matches!(inner.model.jobs.get(&r.id), Some(Job::NormalJob(n)) if n.concurrency.is_some())
                })
            };
        CalledWorkflow { scoped, grouped }
    }
}

/// The jobs and steps of a called workflow that one caller's `with:`
/// switches off: an `if:` that reads only what the caller passes
/// (`if: inputs.publish`, `if: fromJSON(inputs.info).is-release == 'true'`)
/// and is false for the values it passes. A call that passes
/// `publish: false` is a dry run of that workflow, and what those jobs and
/// steps would publish or ship is not this caller's release. An `if:` that
/// reads anything else (the event, the ref, another job's output) or an
/// input the caller fills from an expression stays unknown, and counts.
pub(crate) struct SwitchedOff {
    jobs: HashSet<String>,
    steps: HashSet<(String, usize)>,
}

impl SwitchedOff {
    pub(crate) fn job(&self, id: &str) -> bool {
        self.jobs.contains(id)
    }

    pub(crate) fn step(&self, job: &str, step: usize) -> bool {
        self.steps.contains(&(job.to_string(), step))
    }
}

/// Whether job `job` of `inner` still publishes when called with `with`:
/// not when the caller's inputs switch the job off, or every upload step
/// of it (a token mint alone is no publish).
pub(crate) fn job_publishes_when_called(inner: &WorkflowFile, job: &str, with: &LoE<Env>) -> bool {
    let off = switched_off(inner, with);
    if off.job(job) {
        return false;
    }
    let Some(role) = inner.release.job(job) else {
        return true;
    };
    if role.calls_workflow {
        return true;
    }
    let live: Vec<_> = role
        .publishes
        .iter()
        .filter(|p| !off.step(job, p.step))
        .collect();
    !live.is_empty() && (live.len() == role.publishes.len() || !live.iter().all(mints_token_only))
}

/// A publish step that only mints the registry's token for a later upload
/// (`rust-lang/crates-io-auth-action` for `cargo publish`).
fn mints_token_only(p: &&crate::workflow::publish::PublishStep) -> bool {
    p.behind.is_none()
        && matches!(&p.via, Via::Action(a) if a.trim_start_matches("./").to_ascii_lowercase().starts_with("rust-lang/crates-io-auth-action"))
}

/// [`SwitchedOff`] for a call of `inner` with `with`.
pub(crate) fn switched_off(inner: &WorkflowFile, with: &LoE<Env>) -> SwitchedOff {
    use crate::workflow::expr::{Given, Scenario, Value};
    let mut off = SwitchedOff {
        jobs: HashSet::new(),
        steps: HashSet::new(),
    };
    let Some(map) = env_map(with) else {
        return off;
    };
    if map.is_empty() {
        return off;
    }
    let given: HashMap<String, Given> = map
        .iter()
        .map(|(k, v)| {
            let g = match v {
                EnvValue::String(t) if t.contains("${{") => Given::Template(t.clone()),
                EnvValue::String(t) => Given::Literal(Value::Str(t.clone())),
                EnvValue::Number(n) => Given::Literal(Value::Num(*n)),
                EnvValue::Boolean(b) => Given::Literal(Value::Bool(*b)),
            };
            (k.clone(), g)
        })
        .collect();
    let sc = Scenario::given_inputs(given);
    let if_false = crate::workflow::triggers::if_false;
    off.jobs = crate::workflow::triggers::skipped_in(&inner.model, &sc, &if_false);
    for (id, job) in inner.normal_jobs() {
        for (i, step) in job.steps.iter().enumerate() {
            if step.r#if.as_ref().is_some_and(|c| if_false(c, &sc)) {
                off.steps.insert((id.to_string(), i));
            }
        }
    }
    off
}

/// What a job learns of the local reusable workflow it calls.
#[derive(Default)]
struct CalledWorkflow {
    /// It scopes its own token (top-level `permissions:`, or on every job).
    scoped: bool,
    /// It holds a concurrency group around its releasing jobs.
    grouped: bool,
}

/// What following one called workflow counts against [`MAX_LANE_ITEMS`].
const CALLED_WORKFLOW_COST: usize = 100;

/// Flags that tell a script or task not to publish.
const DRY_RUN_FLAGS: &[&str] = &["--dry-run", "--dryrun", "--dry_run", "--dry"];

/// Flags that tell a script to check only, not act; they count when the
/// script itself reads the flag (its text names it).
const CHECK_ONLY_FLAGS: &[&str] = &[
    "--check-only",
    "--check_only",
    "--check",
    "--verify-only",
    "--validate-only",
];

/// The folders whose package.json an `npm run X` (or yarn's, pnpm's,
/// bun's) reads, when that is not the root's: the folders npm's
/// `--workspace`/`-w` name as paths, a `--prefix`/`--dir`/`--cwd`/`-C`
/// folder, or else the folder the step runs in. `None` when the command
/// reads the root's, or a folder that cannot be told from the command
/// (a workspace named by its package name, `--workspaces`, pnpm's
/// `--filter`): those are not followed. With the folders, the script's name.
fn package_dirs(cmd: &Command, wd: &str) -> Option<(String, Vec<String>)> {
    // The script after the flags and their values (`npm -w packages/a run
    // build` runs `build`).
    let (name, _) = crate::tasks::package_run(cmd)?;
    let clean = |d: &str| -> Option<String> {
        let d = d.trim().trim_start_matches("./").trim_end_matches('/');
        crate::repo::paths::normalize("", d)
    };
    if cmd.has_flag(&["--workspaces", "-ws", "--filter", "-F", "--recursive", "-r"]) {
        return None;
    }
    let named: Vec<&str> = cmd.flag_values(&["--workspace", "-w"]).collect();
    if !named.is_empty() {
        // A workspace given by its folder (`packages/shared`); one given by
        // its package name leaves the command unfollowed.
        let dirs: Option<Vec<String>> = named
            .iter()
            .map(|d| clean(d).filter(|d| !d.is_empty() && !d.starts_with('@')))
            .collect();
        return dirs.map(|d| (name, d));
    }
    if let Some(d) = cmd.flag_value(&["--prefix", "--dir", "--cwd", "-C"]) {
        return clean(d).map(|d| (name, vec![d]));
    }
    let wd = wd.trim();
    if wd.is_empty() || wd.trim_matches(['.', '/']).is_empty() {
        return None;
    }
    clean(wd).filter(|d| !d.is_empty()).map(|d| (name, vec![d]))
}

/// Flags that make a task runner read another directory's package.json,
/// Makefile or justfile than the root's.
const ELSEWHERE_FLAGS: &[&str] = &[
    "-C",
    "-f",
    "--directory",
    "--file",
    "--makefile",
    "--justfile",
    "--working-directory",
    "-d",
    "--prefix",
    "--dir",
    "--filter",
    "-F",
    "-w",
    "--workspace",
    "--cwd",
];

#[derive(Debug, Clone, Copy)]
enum ScriptKind {
    Shell,
    PowerShell,
    JavaScript,
}

/// A composite step's input value with `${{ inputs.X }}` read as the value
/// the action was given (or its default); other expressions stay as written.
fn with_inputs(value: &str, inputs: &HashMap<String, String>) -> String {
    let v = value.trim();
    let Some(inner) = v
        .strip_prefix("${{")
        .and_then(|r| r.strip_suffix("}}"))
        .map(str::trim)
    else {
        return value.to_string();
    };
    match inner.strip_prefix("inputs.").and_then(|n| inputs.get(n)) {
        Some(given) => given.clone(),
        None => value.to_string(),
    }
}

/// The leaves of an expanded task: the commands it finally runs.
fn collect_leaves(item: &Item, out: &mut Vec<(String, Location)>) {
    if item.children.is_empty() {
        out.push((item.text.clone(), item.location.clone()));
    }
    for c in &item.children {
        collect_leaves(c, out);
    }
}

/// An action.yml, parsed with the same bounds as a workflow.
fn parse_action(path: &str, text: &str) -> Result<Action, String> {
    parse_yaml_file::<Action>(path, text, "action")
        .map(|(action, _)| action)
        .map_err(|e| format!("{} (line {})", e.message, e.location.line))
}

/// The functions a shell script defines (`name() {`, `function name {`),
/// each with the 0-based lines of its body: from the line after the
/// definition to the closing `}` at the definition's indentation.
fn shell_functions(text: &str) -> HashMap<String, (usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = HashMap::new();
    for (i, raw) in lines.iter().enumerate() {
        let l = raw.trim();
        let head = l
            .strip_prefix("function ")
            .map(str::trim_start)
            .unwrap_or(l);
        let name_end = head
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(head.len());
        let (name, rest) = head.split_at(name_end);
        let rest = rest.trim_start();
        let rest =
            rest.strip_prefix("()")
                .map(str::trim_start)
                .unwrap_or(if l.starts_with("function ") {
                    rest
                } else {
                    "-"
                });
        if name.is_empty() || !(rest.is_empty() || rest == "{") {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let close = lines
            .iter()
            .enumerate()
            .skip(i + 1)
            .find(|(_, r)| {
                r.trim_start().starts_with('}') && r.len() - r.trim_start().len() <= indent
            })
            .map(|(j, _)| j);
        if let Some(j) = close {
            out.insert(name.to_string(), (i + 1, j));
        }
    }
    out
}

/// `NAME=value` lines of a shell script: every value each name is given.
fn shell_assignments(text: &str) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for line in text.lines() {
        let l = line.trim();
        let l = l.strip_prefix("export ").unwrap_or(l).trim();
        let Some((name, value)) = l.split_once('=') else {
            continue;
        };
        if name.is_empty()
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || name.starts_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        let v = value.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(v);
        if v.contains(char::is_whitespace) {
            continue;
        }
        out.entry(name.to_string()).or_default().push(v.to_string());
    }
    out
}

/// A command whose program is a variable, read as the program every
/// assignment of the variable names (`"$PIP"` with `PIP=pip` or
/// `PIP="$VENV/bin/pip"` is `pip`); unchanged when they disagree or there is none.
fn resolve_program(cmd: Command, vars: &HashMap<String, Vec<String>>) -> Command {
    let Some(first) = cmd.words.first() else {
        return cmd;
    };
    let Some(rest) = first.strip_prefix('$') else {
        return cmd;
    };
    let (name, tail) = if let Some(r) = rest.strip_prefix('{') {
        match r.split_once('}') {
            Some(x) => x,
            None => return cmd,
        }
    } else {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (&rest[..end], &rest[end..])
    };
    let Some(values) = vars.get(name) else {
        return cmd;
    };
    let programs: Vec<String> = values
        .iter()
        .map(|v| {
            let full = format!("{v}{tail}");
            full.rsplit('/').next().unwrap_or("").to_string()
        })
        .collect();
    let p = &programs[0];
    if p.is_empty() || p.contains(['$', '`']) || programs.iter().any(|q| q != p) {
        return cmd;
    }
    let mut words = cmd.words.clone();
    words[0] = p.clone();
    let line = words
        .iter()
        .map(|w| {
            if w.contains(char::is_whitespace) || w.is_empty() {
                format!("'{w}'")
            } else {
                w.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    match commands(&line).into_iter().next() {
        Some((_, c)) => Command {
            words: c.words,
            raw: cmd.raw,
        },
        None => cmd,
    }
}

/// String literals of a JavaScript/TypeScript file (`'…'`, `"…"`, and
/// template literals, each `${…}` read as one word), with their byte
/// range; comments skipped.
fn js_strings(text: &str) -> Vec<(usize, usize, String)> {
    js_literals(text)
        .into_iter()
        .map(|l| (l.start, l.end, l.text))
        .collect()
}

/// A string literal of a JavaScript file and the bracket it stands in.
struct JsLiteral {
    start: usize,
    end: usize,
    text: String,
    /// The offset of the innermost `(`, `[` or `{` still open where the
    /// literal starts (`None`: at the top level).
    opener: Option<usize>,
}

/// The string literals of a JavaScript/TypeScript file, read as text:
/// comments are skipped, and the brackets of the code around them are
/// tracked so a literal's enclosing call or array can be named.
fn js_literals(text: &str) -> Vec<JsLiteral> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'(' | b'[' | b'{' => {
                open.push(i);
                i += 1;
            }
            b')' | b']' | b'}' => {
                open.pop();
                i += 1;
            }
            q @ (b'\'' | b'"' | b'`') => {
                let start = i;
                i += 1;
                let mut s = Vec::new();
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' {
                        i += 1;
                    } else if q != b'`' && b[i] == b'\n' {
                        break;
                    } else if q == b'`' && b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
                        // `${…}`: one placeholder word.
                        let mut depth = 0usize;
                        while i < b.len() {
                            match b[i] {
                                b'{' => depth += 1,
                                b'}' => {
                                    depth -= 1;
                                    if depth == 0 {
                                        break;
                                    }
                                }
                                _ => {}
                            }
                            i += 1;
                        }
                        s.extend_from_slice(b"X");
                        i += 1;
                        continue;
                    }
                    if i < b.len() {
                        s.push(b[i]);
                    }
                    i += 1;
                }
                i += 1;
                if let Ok(s) = String::from_utf8(s) {
                    out.push(JsLiteral {
                        start,
                        end: i.min(b.len()),
                        text: s,
                        opener: open.last().copied(),
                    });
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// The name called at an opening `(` (`console.log` for
/// `console.log(`), or `""` for a bare parenthesis.
fn callee_at(text: &str, paren: usize) -> &str {
    let before = text[..paren].trim_end();
    let from = before
        .rfind(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '$' | '.')))
        .map_or(0, |k| k + 1);
    &before[from..]
}

/// Whether the text before a template literal tags it with a command
/// runner: zx's or execa's `$` (and `$$`, `$.sync`), `execa`, or one of
/// them called with options first (`` $({ stdio: 'inherit' })`…` ``).
fn runner_tag(before: &str) -> bool {
    let mut before = before;
    if before.ends_with(')') {
        // Back to the `(` that the final `)` closes.
        let mut depth = 0usize;
        let mut open = None;
        for (k, c) in before.char_indices().rev().take(2000) {
            match c {
                ')' => depth += 1,
                '(' => {
                    depth -= 1;
                    if depth == 0 {
                        open = Some(k);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(open) = open else {
            return false;
        };
        before = &before[..open];
    }
    let from = before
        .rfind(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '$' | '.')))
        .map_or(0, |k| k + 1);
    matches!(
        &before[from..],
        "$" | "$$" | "$.sync" | "$.s" | "execa" | "execaSync" | "execa.sync"
    )
}

/// Functions that run a command from JavaScript: Node's child_process,
/// execa, and the `run` helpers release scripts define around them.
const JS_EXEC_CALLS: &[&str] = &[
    "exec",
    "execSync",
    "execFile",
    "execFileSync",
    "spawn",
    "spawnSync",
    "execa",
    "execaSync",
    "execaCommand",
    "execaCommandSync",
    "run",
    "runIfNotDry",
    "runCommand",
];

/// Command lines a JavaScript file keeps in a value to run later
/// (`let cmds = [`pnpm publish -r ${args}`]; cmds.forEach(logAndExec)`):
/// a string literal that is an array element, an assigned value or a
/// branch of `? :`, in a file that runs commands at all. A literal handed
/// to a call (`console.log('npm publish failed')`) is a message, not a
/// command.
fn js_held_commands(text: &str) -> Vec<(usize, String)> {
    let runs = regex::Regex::new(r"(?i)(exec|spawn)\w*\s*\(")
        .map(|re| re.is_match(text))
        .unwrap_or(false);
    if !runs {
        return Vec::new();
    }
    js_literals(text)
        .into_iter()
        .filter(|l| {
            matches!(
                char_before_code(&text[..l.start]),
                Some('[' | ',' | '=' | '?' | ':')
            )
        })
        // An argument of a call that runs nothing (`console.log('next:',
        // 'npm publish')`, `new Error(ok ? 'a' : 'npm publish failed')`)
        // is a message; a runner's own arguments count.
        .filter(|l| match l.opener {
            Some(p) if text.as_bytes()[p] == b'(' => {
                let name = callee_at(text, p);
                let name = name.rsplit('.').next().unwrap_or(name);
                name.is_empty() || JS_EXEC_CALLS.contains(&name)
            }
            _ => true,
        })
        .map(|l| (l.start, l.text))
        .collect()
}

/// The last character of `before` that is code: trailing white space and
/// `//` comments at the ends of lines are skipped.
fn char_before_code(before: &str) -> Option<char> {
    for line in before.lines().rev() {
        let code = match line.find("//") {
            Some(k) if !line[..k].contains(['\'', '"', '`']) => &line[..k],
            _ => line,
        };
        if let Some(c) = code.trim_end().chars().next_back() {
            return Some(c);
        }
    }
    None
}

/// The commands a JavaScript file runs: the string literals of each call
/// to a command runner joined into one command (`execSync('npm publish')`,
/// `spawn('npm', ['publish', '--tag', tag])`), and templates tagged with
/// a runner (zx's `` $`npm publish` ``, `` execa({ stdio })`npm publish` ``),
/// each with its offset.
fn js_exec_commands(text: &str) -> Vec<(usize, String)> {
    let strings = js_strings(text);
    let mut out = Vec::new();
    for (start, _, s) in &strings {
        if text.as_bytes()[*start] == b'`' && runner_tag(&text[..*start]) {
            out.push((*start, s.clone()));
        }
    }
    let ends: HashMap<usize, usize> = strings.iter().map(|(s, e, _)| (*s, *e)).collect();
    let starts: Vec<usize> = strings.iter().map(|(s, _, _)| *s).collect();
    let in_string = |at: usize| {
        let k = starts.partition_point(|s| *s <= at);
        k > 0 && at < ends[&starts[k - 1]]
    };
    for name in JS_EXEC_CALLS {
        let pat = format!("{name}(");
        let mut from = 0;
        while let Some(k) = text[from..].find(&pat) {
            let at = from + k;
            from = at + pat.len();
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') || in_string(at)
            {
                continue;
            }
            // The call's string arguments up to the matching `)`, outside
            // any options object (`{ stdio: 'inherit' }`).
            let open = at + pat.len();
            let mut depth = 1usize;
            let mut braces = 0usize;
            let mut args: Vec<(usize, &str)> = Vec::new();
            let mut j = open;
            let bytes = text.as_bytes();
            while j < bytes.len() {
                if let Some(e) = ends.get(&j) {
                    if braces == 0 {
                        let k = starts.partition_point(|s| *s < j);
                        args.push((j, strings[k].2.as_str()));
                    }
                    j = *e;
                    continue;
                }
                match bytes[j] {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b'{' => braces += 1,
                    b'}' => braces = braces.saturating_sub(1),
                    _ => {}
                }
                j += 1;
            }
            if let Some((first, _)) = args.first() {
                let joined: Vec<&str> = args.iter().map(|(_, s)| *s).collect();
                out.push((*first, joined.join(" ")));
            }
        }
    }
    out.sort_by_key(|(at, _)| *at);
    out
}

/// A `publish` function imported from a package (`import { publish } from
/// '@scope/release-scripts'`, `const { publish } = require('…')`), or Nx's
/// programmatic `releasePublish` (from `nx/release`), and called
/// (`publish(`): the offset of the call and the module.
fn imported_publish_call(text: &str) -> Option<(usize, String, &'static str)> {
    let lines: Vec<&str> = text.lines().collect();
    let (name, module) = (0..lines.len()).find_map(|i| {
        // A statement whose `{ … }` spans lines is read as one line.
        let mut stmt = lines[i].trim().to_string();
        if stmt.contains('{') && !stmt.contains('}') {
            for more in lines.iter().skip(i + 1).take(30) {
                stmt.push(' ');
                stmt.push_str(more.trim());
                if more.contains('}') {
                    break;
                }
            }
        }
        let l = stmt.as_str();
        let names = if let Some(r) = l.strip_prefix("import") {
            r.split_once("from")?.0
        } else if l.starts_with("const") || l.starts_with("let") || l.starts_with("var") {
            let (lhs, rhs) = l.split_once('=')?;
            rhs.trim().starts_with("require(").then_some(lhs)?
        } else {
            return None;
        };
        let inner = names.split_once('{')?.1.split_once('}')?.0;
        let q = l.rfind(['\'', '"'])?;
        let open = l[..q].rfind(['\'', '"'])?;
        let m = &l[open + 1..q];
        // A package, not a file of this repository.
        if m.starts_with('.') || m.is_empty() {
            return None;
        }
        let nx = m == "nx" || m.starts_with("nx/release");
        let name = inner
            .split(',')
            .find_map(|n| match n.split_whitespace().next() {
                Some("publish") => Some("publish"),
                Some("releasePublish") if nx => Some("releasePublish"),
                _ => None,
            })?;
        Some((name, m.to_string()))
    })?;
    let call = format!("{name}(");
    let mut from = 0;
    while let Some(k) = text[from..].find(&call) {
        let at = from + k;
        let before = text[..at].chars().next_back();
        let is_call =
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '$');
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let line = text[line_start..at].trim_start();
        if is_call
            && !line.starts_with("//")
            && !line.starts_with("function")
            && !line.contains("import")
        {
            return Some((at, module, name));
        }
        from = at + call.len();
    }
    None
}

/// Functions a script imports by name from a module of its own (a path
/// starting with `.`): (name in the module, name in the script, path).
fn js_local_imports(text: &str) -> Vec<(String, String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for i in 0..lines.len() {
        let first = lines[i].trim();
        let (is_import, is_require) = (
            first.starts_with("import "),
            first.starts_with("const ") || first.starts_with("let ") || first.starts_with("var "),
        );
        if !(is_import || is_require) {
            continue;
        }
        let mut stmt = first.to_string();
        if stmt.contains('{') && !stmt.contains('}') {
            for more in lines.iter().skip(i + 1).take(30) {
                stmt.push(' ');
                stmt.push_str(more.trim());
                if more.contains('}') {
                    break;
                }
            }
        }
        let (names, rest) = if is_import {
            match stmt.split_once(" from ") {
                Some(x) => x,
                None => continue,
            }
        } else {
            match stmt.split_once('=') {
                Some((l, r)) if r.trim().starts_with("require(") => (l, r),
                _ => continue,
            }
        };
        let Some(q) = rest.find(['\'', '"']) else {
            continue;
        };
        let Some(len) = rest[q + 1..].find(['\'', '"']) else {
            continue;
        };
        let spec = &rest[q + 1..q + 1 + len];
        if !spec.starts_with("./") && !spec.starts_with("../") {
            continue;
        }
        let Some(inner) = names
            .split_once('{')
            .and_then(|(_, r)| r.split_once('}'))
            .map(|(i, _)| i)
        else {
            continue;
        };
        for n in inner.split(',') {
            let words: Vec<&str> = n.split_whitespace().collect();
            let (name, local) = match words.as_slice() {
                [name] => (*name, *name),
                [name, "as", local] => (*name, *local),
                [name, local] if name.ends_with(':') => (name.trim_end_matches(':'), *local),
                _ => continue,
            };
            let ident = |w: &str| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
            };
            if ident(name) && ident(local) && name != "type" {
                out.push((name.to_string(), local.to_string(), spec.to_string()));
            }
        }
    }
    out
}

/// Whether the script calls `name(` outside comments, strings and
/// import lines.
fn js_calls(text: &str, name: &str) -> bool {
    let strings = js_literals(text);
    let in_string = |at: usize| strings.iter().any(|l| l.start <= at && at < l.end);
    let call = format!("{name}(");
    let mut from = 0;
    while let Some(k) = text[from..].find(&call) {
        let at = from + k;
        from = at + call.len();
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.')) {
            continue;
        }
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let line = text[line_start..at].trim_start();
        if line.starts_with("//")
            || line.starts_with('*')
            || line.starts_with("import")
            || line.starts_with("function")
            || line.starts_with("export")
            || line.starts_with("async function")
            || in_string(at)
        {
            continue;
        }
        return true;
    }
    false
}

/// The body of the function a module defines under `name` (`function
/// name(…) {…}`, `const name = async (…) => {…}`), as a byte range inside
/// its braces.
fn js_function_body(text: &str, name: &str) -> Option<(usize, usize)> {
    let strings = js_literals(text);
    let ends: HashMap<usize, usize> = strings.iter().map(|l| (l.start, l.end)).collect();
    let in_string = |at: usize| strings.iter().any(|l| l.start <= at && at < l.end);
    let defs = [
        format!("function {name}("),
        format!("function* {name}("),
        format!("const {name} = "),
        format!("let {name} = "),
    ];
    let at = defs.iter().find_map(|d| {
        let mut from = 0;
        while let Some(k) = text[from..].find(d.as_str()) {
            let at = from + k;
            from = at + d.len();
            let before = text[..at].chars().next_back();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
                && !in_string(at)
            {
                return Some(at + d.len());
            }
        }
        None
    })?;
    // The first `{` after the definition that is not inside its
    // parameters opens the body.
    let b = text.as_bytes();
    let mut j = at;
    let mut parens = 0usize;
    let open = loop {
        if let Some(e) = ends.get(&j) {
            j = *e;
            continue;
        }
        match *b.get(j)? {
            b'(' => parens += 1,
            b')' => parens = parens.saturating_sub(1),
            b'{' if parens == 0 => break j,
            b';' if parens == 0 => return None,
            _ => {}
        }
        j += 1;
    };
    let mut depth = 0usize;
    let mut j = open;
    while j < b.len() {
        if let Some(e) = ends.get(&j) {
            j = *e;
            continue;
        }
        match b[j] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((open + 1, j));
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// A YAML file other than a workflow (an action.yml), for locating routes.
struct YamlText {
    path: String,
    file: Arc<TextFile>,
    doc: Option<yamlpath::Document>,
}

impl YamlText {
    fn new(path: &str, file: Arc<TextFile>) -> YamlText {
        let doc = yamlpath::Document::new(file.text.to_string()).ok();
        YamlText {
            path: path.to_string(),
            file,
            doc,
        }
    }

    fn span(&self, route: &[Component<'_>], key_only: bool) -> Option<(usize, usize)> {
        let doc = self.doc.as_ref()?;
        let r = Route::from(route.to_vec());
        let f = if key_only {
            doc.query_key_only(&r).ok()?
        } else {
            match doc.query_exact(&r) {
                Ok(Some(f)) => f,
                _ => doc.query_pretty(&r).ok()?,
            }
        };
        Some(f.location.byte_span)
    }

    fn at(&self, offset: usize) -> Location {
        self.file.location(&self.path, offset)
    }

    /// The one-line scalar at `route`, if it is there.
    fn scalar(&self, route: &[Component<'_>]) -> Option<String> {
        let doc = self.doc.as_ref()?;
        let f = doc.query_exact(&Route::from(route.to_vec())).ok()??;
        let (s, e) = f.location.byte_span;
        crate::workflow::one_line_scalar(self.file.text.get(s..e)?)
    }

    fn locate(&self, route: &[Component<'_>]) -> Location {
        match self.span(route, false) {
            Some((s, _)) => self.at(s),
            None => Location::file(&self.path),
        }
    }

    fn locate_key(&self, route: &[Component<'_>]) -> Location {
        match self.span(route, true) {
            Some((s, _)) => self.at(s),
            None => self.locate(&route[..route.len().saturating_sub(1)]),
        }
    }

    /// Where a command of the `run:` at `route` is written: the `script_line`-th
    /// line of a literal block, else the first place its text appears.
    fn locate_command(&self, route: &[Component<'_>], script_line: usize, raw: &str) -> Location {
        let Some((start, end)) = self.span(route, false) else {
            return Location::file(&self.path);
        };
        let text = &self.file.text;
        let Some(region) = text.get(start..end) else {
            return self.at(start);
        };
        let needle = raw.trim();
        if let Some(at) = command_offset_in_block(region, script_line, needle) {
            return self.at(start + at);
        }
        match region.find(needle) {
            Some(i) => self.at(start + i),
            None => self.at(start),
        }
    }

    fn line(&self, line: usize) -> &str {
        self.file.line(line).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(s: &str) -> Command {
        commands(s).remove(0).1
    }

    #[test]
    fn programs_named_through_variables() {
        let vars = shell_assignments(
            "if [ -d venv ]; then\n  PREFIX=\"venv/bin/\"\nelse\n  PREFIX=\"\"\nfi\nPIP=\"$VENV/bin/pip\"\nexport PIP=pip\nMIXED=pip\nMIXED=uv\n",
        );
        let r = |s: &str| resolve_program(cmd(s), &vars).words.join(" ");
        assert_eq!(r("${PREFIX}twine upload dist/*"), "twine upload dist/*");
        assert_eq!(r("${PREFIX}python -m build"), "build");
        assert_eq!(
            r("\"$PIP\" install -r requirements.txt"),
            "pip install -r requirements.txt"
        );
        // Assignments that disagree, or none: left as written.
        assert_eq!(r("$MIXED install x"), "$MIXED install x");
        assert_eq!(r("$UNSET publish"), "$UNSET publish");
    }

    /// The command lines a JavaScript file runs, without their offsets.
    fn exec_commands(js: &str) -> Vec<String> {
        js_exec_commands(js).into_iter().map(|(_, c)| c).collect()
    }

    #[test]
    fn javascript_commands_are_read_from_runner_calls_only() {
        let js = "// npm publish in a comment\nconsole.log('npm publish failed')\nexecSync('npm publish --tag next')\nspawn('pnpm', ['publish', '--no-git-checks'])\nawait $`yarn npm publish --tag ${tag}`\n";
        let cmds = exec_commands(js);
        assert_eq!(
            cmds,
            [
                "npm publish --tag next",
                "pnpm publish --no-git-checks",
                "yarn npm publish --tag X"
            ]
        );
        // Command lines kept in a value and run later count; a message
        // handed to a call does not, nor does a file that runs nothing.
        let held = "const cmds = cond\n  ? // two phases\n    [`pnpm publish -r --tag next ${a}`, `pnpm publish -r`]\n  : [`pnpm publish -r ${a}`];\nconsole.log('npm publish failed');\ncmds.forEach((c) => logAndExec(c));\n";
        let cmds: Vec<String> = js_held_commands(held).into_iter().map(|(_, c)| c).collect();
        assert_eq!(
            cmds,
            [
                "pnpm publish -r --tag next X",
                "pnpm publish -r",
                "pnpm publish -r X"
            ]
        );
        assert!(js_held_commands("const hint = 'npm publish';\nconsole.log(hint);\n").is_empty());
        let lib = "import { publish } from '@acme/release'\n\npublish({ tag })\n";
        assert_eq!(
            imported_publish_call(lib),
            Some((
                lib.find("publish({").unwrap(),
                "@acme/release".to_string(),
                "publish"
            ))
        );
        // A publish of the repository's own module, or one never called: no.
        assert_eq!(
            imported_publish_call("import { publish } from './publish'\npublish()\n"),
            None
        );
        assert_eq!(imported_publish_call("import { publish } from 'x'\n"), None);
        // Nx's programmatic release publishes; its other steps, or a
        // `releasePublish` of another package, do not.
        let nx = "import { releaseVersion } from 'nx/release';\nimport {\n  releaseChangelog,\n  releasePublish,\n} from 'nx/release/index.js';\nawait releasePublish({ dryRun })\n";
        assert_eq!(
            imported_publish_call(nx),
            Some((
                nx.find("releasePublish({").unwrap(),
                "nx/release/index.js".to_string(),
                "releasePublish"
            ))
        );
        assert_eq!(
            imported_publish_call("import { releasePublish } from 'acme'\nreleasePublish()\n"),
            None
        );
    }

    #[test]
    fn javascript_literals_are_read_as_text() {
        // Quotes of each kind, an escaped quote, and a template whose
        // placeholder is one word; comments hold no literals.
        let js =
            "a('x\\'y'); b(\"npm publish\") // 'no'\n/* \"no\" */ c(`pnpm publish --tag ${t}`)\n";
        let texts: Vec<String> = js_strings(js).into_iter().map(|(_, _, s)| s).collect();
        assert_eq!(texts, ["x'y", "npm publish", "pnpm publish --tag X"]);
        // A literal program and an array of literal arguments are one command.
        let run = "execa('pnpm', ['publish', '--access', 'public'], { stdio: 'inherit' })\n";
        let cmds = exec_commands(run);
        assert_eq!(cmds, ["pnpm publish --access public"]);
        // A program named by a placeholder is not a known program.
        let dynamic = "execSync(`${pm} publish`)\n";
        let cmds = exec_commands(dynamic);
        assert_eq!(cmds, ["X publish"]);
        assert!(publish_registry(&cmd("X publish")).is_none());
    }

    #[test]
    fn templates_tagged_with_a_runner_are_commands() {
        let js = "await $`npm publish`\nawait $({ stdio: 'inherit' })`pnpm publish -r`\nawait execa`yarn npm publish`\nawait execa({ cwd: dir })`bun publish`\nconst s = String.raw`npm publish`\nconst t = `npm publish`\n";
        let cmds = exec_commands(js);
        assert_eq!(
            cmds,
            [
                "npm publish",
                "pnpm publish -r",
                "yarn npm publish",
                "bun publish"
            ]
        );
    }

    #[test]
    fn messages_handed_to_other_calls_are_not_held_commands() {
        let js = "execSync('git push')\nconsole.log('next:', 'npm publish')\nthrow new Error(ok ? 'done' : 'npm publish failed')\nconst cmd = dry ? 'npm publish --dry-run' : 'npm publish'\nexecSync(dry ? 'x' : 'pnpm publish')\n";
        let held: Vec<String> = js_held_commands(js).into_iter().map(|(_, c)| c).collect();
        assert_eq!(
            held,
            ["npm publish --dry-run", "npm publish", "x", "pnpm publish"]
        );
    }

    #[test]
    fn functions_imported_from_own_modules_and_their_bodies() {
        let js = "import { a, b as c } from './lib.mjs'\nimport {\n  d,\n  type E,\n} from '../x'\nimport { f } from 'pkg'\nconst { g } = require('./g')\n";
        let got = js_local_imports(js);
        let names: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|(n, l, s)| (n.as_str(), l.as_str(), s.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("a", "a", "./lib.mjs"),
                ("b", "c", "./lib.mjs"),
                ("d", "d", "../x"),
                ("g", "g", "./g")
            ]
        );
        assert!(js_calls("import { a } from './a'\nawait a(1)\n", "a"));
        assert!(!js_calls(
            "import { a } from './a'\n// a(1)\nconsole.log('a(1)')\n",
            "a"
        ));
        let m = "export function one(x) {\n  if (x) { run('npm publish') }\n}\nexport const two = async ({ y }) => {\n  execSync('x')\n}\n";
        let (o, c) = js_function_body(m, "one").unwrap();
        assert_eq!(m[o..c].trim(), "if (x) { run('npm publish') }");
        let (o, c) = js_function_body(m, "two").unwrap();
        assert_eq!(m[o..c].trim(), "execSync('x')");
        assert_eq!(js_function_body(m, "three"), None);
    }

    #[test]
    fn composite_inputs_are_read_from_the_caller_then_the_default() {
        let inputs: HashMap<String, String> = [("cache".to_string(), "npm".to_string())].into();
        assert_eq!(with_inputs("${{ inputs.cache }}", &inputs), "npm");
        assert_eq!(
            with_inputs("${{ inputs.other }}", &inputs),
            "${{ inputs.other }}"
        );
        assert_eq!(
            with_inputs("${{ matrix.cache }}", &inputs),
            "${{ matrix.cache }}"
        );
        assert_eq!(with_inputs("pip", &inputs), "pip");
    }

    #[test]
    fn paths_stay_under_the_root() {
        assert_eq!(
            normalise_path("", "./.github/actions/x/").as_deref(),
            Some(".github/actions/x")
        );
        assert_eq!(
            normalise_path("sub", "../scripts/a.sh").as_deref(),
            Some("scripts/a.sh")
        );
        assert_eq!(normalise_path("", "../outside"), None);
        assert_eq!(normalise_path("", "/etc/passwd"), None);
    }

    #[test]
    fn slugs() {
        assert_eq!(
            github_slug("git+https://github.com/acme/tool.git"),
            Some(("acme".into(), "tool".into()))
        );
        assert_eq!(
            github_slug("github:acme/tool"),
            Some(("acme".into(), "tool".into()))
        );
        assert_eq!(github_slug("https://gitlab.com/a/b"), None);
    }
}
