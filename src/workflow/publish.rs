//! What makes a workflow a release workflow (SPEC §4): publishing jobs that
//! push a package to a registry, and steps that otherwise ship artifacts.

use super::{env_map, env_value};
use crate::shell::{ByProgram, Command, commands, commands_shared};
use crate::workflow::lane::{Behind, Lane, Ran};
use github_actions_models::common::Uses;
use github_actions_models::workflow::Job;
use github_actions_models::workflow::Workflow;
use github_actions_models::workflow::job::{NormalJob, StepBody};

/// The package registry a publishing step pushes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Registry {
    PyPi,
    Npm,
    Crates,
    RubyGems,
    Hex,
    NuGet,
    Maven,
    /// pub.dev, the Dart and Flutter package registry.
    PubDev,
    /// JSR, the JavaScript registry `deno publish` publishes to.
    Jsr,
    /// A marketplace or registry shipgate knows only by its command.
    Other,
}

impl Registry {
    pub fn name(self) -> &'static str {
        match self {
            Registry::PyPi => "PyPI",
            Registry::Npm => "npm",
            Registry::Crates => "crates.io",
            Registry::RubyGems => "RubyGems",
            Registry::Hex => "Hex",
            Registry::NuGet => "NuGet",
            Registry::Maven => "Maven",
            Registry::PubDev => "pub.dev",
            Registry::Jsr => "JSR",
            Registry::Other => "a package registry",
        }
    }

    /// Registries that accept GitHub's OIDC token (trusted publishing).
    pub fn supports_oidc(self) -> bool {
        matches!(
            self,
            Registry::PyPi
                | Registry::Npm
                | Registry::Crates
                | Registry::RubyGems
                | Registry::NuGet
                | Registry::PubDev
                | Registry::Jsr
        )
    }
}

/// Publish commands, matched as commands (see [`Command::matches`]).
pub const PUBLISH_COMMANDS: &[(&str, Registry)] = &[
    ("cargo publish", Registry::Crates),
    ("cargo workspaces publish", Registry::Crates),
    ("cargo ws publish", Registry::Crates),
    ("release-plz release", Registry::Crates),
    ("npm publish", Registry::Npm),
    ("pnpm publish", Registry::Npm),
    // npm staged publishing: the package waits on the registry for a
    // maintainer's approval, but it is published by this job's credentials.
    ("npm stage publish", Registry::Npm),
    ("pnpm stage publish", Registry::Npm),
    ("yarn npm publish", Registry::Npm),
    ("yarn publish", Registry::Npm),
    ("bun publish", Registry::Npm),
    // Vite+'s `vp pm <command>` hands the command to the package manager
    // the project uses (pnpm, npm, Yarn or Bun): every one publishes to npm.
    ("vp pm publish", Registry::Npm),
    ("changeset publish", Registry::Npm),
    ("yarn changeset publish", Registry::Npm),
    ("pnpm changeset publish", Registry::Npm),
    ("lerna publish", Registry::Npm),
    // Nx's release publish: every releasable project of the workspace.
    ("nx release publish", Registry::Npm),
    ("semantic-release", Registry::Npm),
    // @ossjs/release: bumps, tags and publishes with npm.
    ("release publish", Registry::Npm),
    ("twine upload", Registry::PyPi),
    ("uv publish", Registry::PyPi),
    ("poetry publish", Registry::PyPi),
    ("flit publish", Registry::PyPi),
    ("hatch publish", Registry::PyPi),
    ("pdm publish", Registry::PyPi),
    ("maturin publish", Registry::PyPi),
    ("maturin upload", Registry::PyPi),
    ("mix hex.publish", Registry::Hex),
    ("rebar3 hex publish", Registry::Hex),
    ("gem push", Registry::RubyGems),
    ("dart pub publish", Registry::PubDev),
    ("flutter pub publish", Registry::PubDev),
    // `pub lish` is pub's own alias of `pub publish`.
    ("dart pub lish", Registry::PubDev),
    ("flutter pub lish", Registry::PubDev),
    ("deno publish", Registry::Jsr),
    ("jsr publish", Registry::Jsr),
    // A JSR package run by `deno run jsr:@david/publish-on-tag`: it runs
    // `deno publish` when the pushed tag names the package's version.
    ("publish-on-tag", Registry::Jsr),
    ("dotnet nuget push", Registry::NuGet),
    ("nuget push", Registry::NuGet),
    ("mvn deploy", Registry::Maven),
    ("mvnw deploy", Registry::Maven),
    ("gradle publish", Registry::Maven),
    ("gradlew publish", Registry::Maven),
    ("vsce publish", Registry::Other),
    ("ovsx publish", Registry::Other),
    // Chocolatey's community repository and the Snap Store: package
    // registries with API keys or store credentials, no OIDC.
    ("choco push", Registry::Other),
    ("snapcraft upload", Registry::Other),
    ("snapcraft push", Registry::Other),
];

/// Actions that publish to a registry, and whether they do it by OIDC
/// unless given a token.
pub const PUBLISH_ACTIONS: &[(&str, Registry)] = &[
    ("pypa/gh-action-pypi-publish", Registry::PyPi),
    ("rubygems/release-gem", Registry::RubyGems),
    ("rust-lang/crates-io-auth-action", Registry::Crates),
    ("js-devtools/npm-publish", Registry::Npm),
    ("cycjimmy/semantic-release-action", Registry::Npm),
    // Runs `changeset version --snapshot` and `changeset publish --tag`:
    // every workspace package goes to npm under a snapshot dist-tag.
    ("seek-oss/changesets-snapshot", Registry::Npm),
    // `vsce publish` / `ovsx publish` with the token it is given.
    ("haaleo/publish-vscode-extension", Registry::Other),
    // `snapcraft upload` of a built snap, with the store credentials it is
    // given, released to the channels its `release:` input names.
    ("snapcore/action-publish", Registry::Other),
];

/// Commands that install dependencies or build a package: what a job holding
/// publish credentials should not run (publish-isolation). Matched as
/// commands ([`Command::matches`]); `python -m build` is `build` once the
/// runner is dropped.
pub const BUILD_COMMANDS: &[&str] = &[
    "pip install",
    "pip3 install",
    "pip wheel",
    "pip download",
    "uv sync",
    "uv pip install",
    "uv build",
    "poetry install",
    "poetry build",
    "pdm install",
    "pdm sync",
    "pdm build",
    "hatch build",
    "flit build",
    "pipenv install",
    "maturin build",
    "build",
    "setup.py",
    "npm ci",
    "npm install",
    "npm i",
    "npm run build",
    "npm pack",
    "pnpm install",
    "pnpm i",
    "pnpm run build",
    "pnpm build",
    "pnpm pack",
    "yarn install",
    "yarn build",
    "yarn run build",
    "yarn pack",
    "bun install",
    "bun run build",
    "cargo build",
    "cargo install",
    "cargo fetch",
    "mix deps.get",
    "mix compile",
    "mix hex.build",
    "gem build",
    "bundle install",
    "rake build",
    "dotnet restore",
    "dotnet build",
    "dotnet pack",
    "mvn package",
    "mvn install",
    "mvn verify",
    "gradle build",
    "gradlew build",
    "go build",
];

/// Actions that install dependencies or build a package.
pub const BUILD_ACTIONS: &[&str] = &[
    "pypa/cibuildwheel",
    "pyo3/maturin-action",
    "hynek/build-and-inspect-python-package",
    "bahmutov/npm-install",
    "borales/actions-yarn",
];

/// Tools a publish command needs, which may be installed in the publishing
/// job without counting as a dependency install (`pip install twine`,
/// `npm install -g npm@latest` for trusted publishing).
const PUBLISH_TOOLS: &[&str] = &["twine", "npm", "pnpm", "yarn", "pip", "setuptools-scm"];

/// The install or build a command performs, as the pattern it matched.
pub fn install_or_build(cmd: &Command) -> Option<&'static str> {
    // Bare `yarn` installs; `yarn <anything else>` is judged by the list.
    if cmd.words.len() == 1 && cmd.words[0] == "yarn" {
        return Some("yarn");
    }
    // `python setup.py …` keeps `python` as the program.
    if matches!(
        cmd.words.first().map(String::as_str),
        Some("python" | "python3")
    ) && cmd.words.get(1).is_some_and(|w| w.ends_with("setup.py"))
    {
        return Some("setup.py");
    }
    let pat = BUILD_COMMANDS
        .iter()
        .copied()
        .find(|p| *p != "setup.py" && cmd.matches(p))?;
    if pat.contains("install") || *pat == *"npm i" || *pat == *"pnpm i" {
        // Installing only the publish tool itself is runtime setup.
        let verb = pat.split_whitespace().last().unwrap_or("install");
        let args: Vec<&str> = cmd
            .words
            .iter()
            .skip_while(|w| w.as_str() != verb)
            .skip(1)
            .map(String::as_str)
            .filter(|w| !w.starts_with('-'))
            .collect();
        let tool = |a: &str| {
            let name = a.split(['=', '<', '>', '~', '!', '[']).next().unwrap_or(a);
            let name = name
                .rsplit_once('@')
                .map(|(n, _)| n)
                .filter(|n| !n.is_empty())
                .unwrap_or(name);
            PUBLISH_TOOLS.contains(&name.to_ascii_lowercase().as_str())
        };
        if !args.is_empty() && args.iter().all(|a| tool(a)) {
            return None;
        }
    }
    Some(pat)
}

/// Publish commands that must build the package from source themselves:
/// `cargo publish` compiles the crate, `mix hex.publish` builds the package
/// and its docs, Maven and Gradle deploys run the build, `dart pub publish`
/// and `deno publish` pack the package from the checked-out source tree.
pub fn builds_itself(p: &PublishStep) -> bool {
    // Whatever authenticates (a command, or an action such as
    // crates-io-auth-action that only mints the token), the upload to these
    // registries is made by a tool that packages the checked-out source.
    matches!(
        p.registry,
        Registry::Crates | Registry::Hex | Registry::Maven | Registry::PubDev | Registry::Jsr
    )
}

/// Commands and actions that ship artifacts without publishing to a registry.
const SHIP_COMMANDS: &[&str] = &[
    "gh release create",
    "gh release upload",
    "docker push",
    "podman push",
    "docker buildx imagetools create",
    "buildah push",
    "skopeo copy",
    "goreleaser release",
];
/// Whether `cmd` is one of [`SHIP_COMMANDS`].
fn ship_command(cmd: &Command) -> bool {
    static BY_PROGRAM: std::sync::LazyLock<ByProgram> =
        std::sync::LazyLock::new(|| ByProgram::new(SHIP_COMMANDS.iter().copied()));
    BY_PROGRAM.first(cmd, SHIP_COMMANDS).is_some()
}

/// The registry of the first of [`PUBLISH_COMMANDS`] that `cmd` is.
fn publish_command(cmd: &Command) -> Option<&'static Registry> {
    static PATTERNS: std::sync::LazyLock<Vec<&'static str>> =
        std::sync::LazyLock::new(|| PUBLISH_COMMANDS.iter().map(|(p, _)| *p).collect());
    static BY_PROGRAM: std::sync::LazyLock<ByProgram> =
        std::sync::LazyLock::new(|| ByProgram::new(PATTERNS.iter().copied()));
    let i = BY_PROGRAM.first(cmd, &PATTERNS)?;
    PUBLISH_COMMANDS.get(i).map(|(_, r)| r)
}

const SHIP_ACTIONS: &[&str] = &[
    "softprops/action-gh-release",
    "ncipollo/release-action",
    "svenstaro/upload-release-action",
    "actions/upload-release-asset",
    "actions/create-release",
    // Forks and successors of the release-creating actions above.
    "yyx990803/release-tag",
    "marvinpinto/action-automatic-releases",
    "mikepenz/action-gh-release",
    // Creates the GitHub release from the changelog, as `gh release create`.
    "taiki-e/create-gh-release-action",
    "goreleaser/goreleaser-action",
    "docker/build-push-action",
    "docker/bake-action",
    "redhat-actions/push-to-registry",
    "taiki-e/upload-rust-binary-action",
    // An immutable action: the release's code pushed to GHCR as a package.
    "actions/publish-immutable-action",
];

/// Whether goreleaser's arguments make a release (its default command), not
/// a config check, a local build or a snapshot.
/// Arguments chosen by an expression (`${{ github.event_name == 'push' &&
/// 'release --clean' || 'release --snapshot' }}`) release when any string
/// they can choose does; one with no literal to read may release.
fn goreleaser_releases(args: &str) -> bool {
    if args.contains("${{") {
        let literals: Vec<&str> = args.split('\'').skip(1).step_by(2).collect();
        let outside: String = args.split('\'').step_by(2).collect::<Vec<_>>().join(" ");
        // Words outside the expression (`${{ x }} --clean`) join each choice.
        let fixed: String = outside
            .split("${{")
            .map(|part| part.split_once("}}").map_or(part, |(_, after)| after))
            .collect::<Vec<_>>()
            .join(" ");
        let choices: Vec<String> = literals.iter().map(|l| format!("{fixed} {l}")).collect();
        if choices.is_empty() {
            // Nothing to read in the expression (`${{ steps.x.outputs.id }}`):
            // a command written before it (`build --snapshot ${{ … }}`) or a
            // `--snapshot` anywhere outside it still decides; else it may
            // release.
            let head = args.split("${{").next().unwrap_or("");
            let named = head
                .split_whitespace()
                .next()
                .is_some_and(|w| !w.starts_with('-'));
            let snapshot = fixed.split_whitespace().any(|w| w == "--snapshot");
            return !snapshot && (!named || goreleaser_releases_plain(head));
        }
        return choices.iter().any(|c| goreleaser_releases_plain(c));
    }
    goreleaser_releases_plain(args)
}

fn goreleaser_releases_plain(args: &str) -> bool {
    let words: Vec<&str> = args.split_whitespace().collect();
    let command = words.iter().find(|w| !w.starts_with('-')).copied();
    matches!(command, None | Some("release")) && !words.contains(&"--snapshot")
}

/// How a step publishes.
#[derive(Debug, Clone)]
pub enum Via {
    /// `uses: owner/action@ref`.
    Action(String),
    /// A command in a `run:` script, with its 0-based line in the script.
    Command { command: Command, line: usize },
}

/// One step that pushes to a registry.
#[derive(Debug, Clone)]
pub struct PublishStep {
    pub step: usize,
    pub registry: Registry,
    pub via: Via,
    /// Set when the push happens behind the step: in a local composite
    /// action, a script or task it runs, or a workflow the job calls.
    pub behind: Option<Box<Behind>>,
}

impl PublishStep {
    /// Whether the step uploads only docs for a version already published
    /// (`mix hex.publish docs`), not a package.
    pub fn docs_only(&self) -> bool {
        matches!(&self.via, Via::Command { command, .. } if command.matches("mix hex.publish docs"))
    }

    /// What the step runs, for messages: `twine upload dist/*` or
    /// `pypa/gh-action-pypi-publish`; where it stands when it is behind the
    /// step (`twine upload dist/* in scripts/publish:25`).
    pub fn describe(&self) -> String {
        let what = match &self.via {
            Via::Action(a) => a.clone(),
            Via::Command { command, .. } => match &self.behind {
                Some(_) if command.words.first().is_some_and(|w| w.ends_with("()")) => {
                    command.raw.clone()
                }
                _ => command.text(),
            },
        };
        match &self.behind {
            Some(b) => format!("{what} in {}", b.short_location()),
            None => what,
        }
    }

    /// Where the push is written: behind the step, there; else the step's
    /// action or command in the workflow.
    pub fn locate(&self, wf: &super::WorkflowFile, job_id: &str) -> crate::finding::Location {
        if let Some(b) = &self.behind {
            return b.at.clone();
        }
        let step = wf.job(job_id).step(self.step).location();
        match &self.via {
            Via::Command { command, line } => step.key("run").locate_command(*line, &command.raw),
            Via::Action(_) => step.key("uses").locate(),
        }
    }

    /// The text to look for inside the step when locating it.
    pub fn needle(&self) -> String {
        match &self.via {
            Via::Action(a) => a.clone(),
            Via::Command { command, .. } => command.raw.clone(),
        }
    }
}

/// One step that ships artifacts (a GitHub release, a container push).
#[derive(Debug, Clone)]
pub struct ShipStep {
    pub step: usize,
    pub what: String,
}

/// What one job does for the release.
#[derive(Debug, Clone, Default)]
pub struct JobRole {
    pub id: String,
    pub publishes: Vec<PublishStep>,
    pub ships: Vec<ShipStep>,
    /// A job-level `uses:` of a reusable workflow.
    pub calls_workflow: bool,
    /// Steps (or a called workflow) of another repository, unseen, handed a
    /// registry credential: they ship, unless the workflow runs on pull
    /// requests, where such a credential installs private packages more
    /// often than it publishes ([`ReleaseFacts::analyse_with`] decides).
    handed: Vec<ShipStep>,
    /// Steps whose publish is inferred from a registry token handed to a
    /// release task (`tox -e release` with `TWINE_PASSWORD`), not read.
    delegated: Vec<usize>,
}

impl JobRole {
    pub fn is_publishing(&self) -> bool {
        !self.publishes.is_empty()
    }

    /// Publishes to a registry or otherwise ships artifacts.
    pub fn releases(&self) -> bool {
        self.is_publishing() || !self.ships.is_empty()
    }
}

/// Everything release-related about one workflow, computed once at parse time.
#[derive(Debug, Clone, Default)]
pub struct ReleaseFacts {
    pub jobs: Vec<JobRole>,
    /// Job id → index in `jobs`: checks look a job up per job, and a linear
    /// search made 20,000 jobs cost seconds (quadratic).
    by_id: std::collections::HashMap<String, usize>,
    /// A release workflow that calls this one as a local reusable workflow:
    /// its jobs run in that release's lane.
    pub called_by_release: Option<String>,
    /// Whether the workflow has callers in the tree and each of them holds
    /// a workflow-level concurrency group: a run of this one is then part
    /// of a run of its caller, serialized by the caller's group.
    pub callers_hold_concurrency: bool,
}

impl ReleaseFacts {
    /// The workflow's own steps alone.
    pub fn analyse(wf: &Workflow) -> ReleaseFacts {
        ReleaseFacts::analyse_with(wf, &Lane::default())
    }

    /// The workflow's steps and what its jobs run behind them: a step that
    /// publishes nothing itself publishes what its composite action, script
    /// or task publishes; a job calling a local reusable workflow publishes
    /// and ships what that workflow does.
    pub fn analyse_with(wf: &Workflow, lane: &Lane) -> ReleaseFacts {
        let jobs = wf
            .jobs
            .iter()
            .map(|(id, job)| match job {
                Job::NormalJob(j) => {
                    // Kept with the workflow for the whole run: no spare
                    // slots (a tree of 100,000 workflows held 300 bytes
                    // of them each).
                    let mut role = analyse_job(id, j, lane.behind(id), &wf.env);
                    role.publishes.shrink_to_fit();
                    role.ships.shrink_to_fit();
                    role
                }
                Job::ReusableWorkflowCallJob(call) => {
                    let mut role = JobRole {
                        id: id.clone(),
                        calls_workflow: true,
                        ..JobRole::default()
                    };
                    for b in lane.behind(id) {
                        judge_behind(b, &mut role);
                    }
                    if let Some(ship) = remote_release_call(call, &wf.permissions) {
                        role.handed.push(ship);
                    }
                    role
                }
            })
            .collect::<Vec<JobRole>>();
        let mut jobs = jobs;
        if jobs.iter().any(|j| !j.handed.is_empty()) {
            let on_prs = crate::workflow::triggers::event_names(&wf.on)
                .iter()
                .any(|e| e == "pull_request" || e == "pull_request_target");
            for j in &mut jobs {
                let handed = std::mem::take(&mut j.handed);
                if !on_prs {
                    j.ships.extend(handed);
                }
            }
        }
        drop_ci_images(wf, &mut jobs);
        drop_dead_delegated(wf, &mut jobs);
        let by_id = jobs
            .iter()
            .enumerate()
            .map(|(i, j)| (j.id.clone(), i))
            .collect();
        ReleaseFacts {
            jobs,
            by_id,
            called_by_release: None,
            callers_hold_concurrency: false,
        }
    }

    pub fn is_release(&self) -> bool {
        self.releasing_jobs().next().is_some()
    }

    /// The jobs that publish or ship.
    pub fn releasing_jobs(&self) -> impl Iterator<Item = &JobRole> {
        self.jobs.iter().filter(|j| j.releases())
    }

    pub fn publishing_jobs(&self) -> impl Iterator<Item = &JobRole> {
        self.jobs.iter().filter(|j| j.is_publishing())
    }

    pub fn job(&self, id: &str) -> Option<&JobRole> {
        self.by_id.get(id).map(|i| &self.jobs[*i])
    }
}

/// What release workflows publish, as the checks that judge manifests
/// need it: the registries, and two facts about how. Made for each release
/// workflow ([`super::WorkflowFile::published`]) and joined over every
/// workflow a check selects by the workflows pass (`checks::Seen`), so no
/// check gathers it for itself.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Published {
    /// One bit per [`Registry`] published to.
    registries: u16,
    /// npm with the OIDC token held by the publishing job (provenance, which
    /// needs `repository.url` to name this repository).
    pub npm_oidc: bool,
    /// Every member of a Cargo workspace at once (`cargo publish
    /// --workspace`, cargo-workspaces, release-plz): a member not marked
    /// `publish = false` is then published.
    pub whole_workspace: bool,
    /// Crates a crates.io publish leaves out by name (`cargo publish
    /// --workspace --exclude NAME`, cargo-release's `--exclude`).
    pub crates_excluded: Vec<String>,
    /// Crates a crates.io publish names (`-p NAME`, `--package NAME`).
    pub crates_named: Vec<String>,
}

impl Published {
    fn bit(registry: Registry) -> u16 {
        1 << (registry as u16)
    }

    /// Whether `registry` is published to.
    pub fn to(&self, registry: Registry) -> bool {
        self.registries & Published::bit(registry) != 0
    }

    /// Whether anything is published to a registry.
    pub fn any(&self) -> bool {
        self.registries != 0
    }

    /// Adds what another workflow publishes.
    pub fn join(&mut self, other: Published) {
        self.registries |= other.registries;
        self.npm_oidc |= other.npm_oidc;
        self.whole_workspace |= other.whole_workspace;
        self.crates_excluded.extend(other.crates_excluded);
        self.crates_named.extend(other.crates_named);
    }

    /// Whether a crate is left out of every crates.io publish that names
    /// crates: excluded by name, and published by name nowhere.
    pub fn crate_left_out(&self, name: &str) -> bool {
        self.crates_excluded.iter().any(|n| n == name)
            && !self.crates_named.iter().any(|n| n == name)
    }
}

impl super::WorkflowFile {
    /// What this workflow publishes: nothing unless it is a release
    /// workflow.
    pub fn published(&self) -> Published {
        let mut out = Published::default();
        if !self.is_release() {
            return out;
        }
        for job in self.release.publishing_jobs() {
            for p in &job.publishes {
                out.registries |= Published::bit(p.registry);
                out.npm_oidc |= p.registry == Registry::Npm
                    && self.normal_jobs().any(|(id, j)| {
                        id == job.id
                            && super::oidc::job_holds_id_token(
                                &self.model.permissions,
                                &j.permissions,
                            )
                    });
                out.whole_workspace |= p.registry == Registry::Crates
                    && match &p.via {
                        Via::Command { command, .. } => {
                            command.has_flag(&["--workspace", "--all"])
                                || command.matches("cargo workspaces publish")
                                || command.matches("cargo ws publish")
                        }
                        Via::Action(a) => a.starts_with("release-plz/action"),
                    };
                if let (Registry::Crates, Via::Command { command, .. }) = (p.registry, &p.via) {
                    out.crates_excluded
                        .extend(command.flag_values(&["--exclude"]).map(str::to_string));
                    out.crates_named.extend(
                        command
                            .flag_values(&["-p", "--package"])
                            .map(str::to_string),
                    );
                }
            }
        }
        out
    }
}

/// A publish inferred from a token handed to a release task counts only in
/// a job that can run: a job whose `if:` wants a tag
/// (`contains(github.ref, 'refs/tags/')`) in a workflow no tag starts is
/// left-over code, and what its task would do is no release path.
fn drop_dead_delegated(wf: &Workflow, jobs: &mut [JobRole]) {
    if jobs.iter().all(|j| j.delegated.is_empty()) {
        return;
    }
    let Some(scenarios) = crate::workflow::triggers::every_run(&wf.on) else {
        return;
    };
    let never: Vec<std::collections::HashSet<String>> = scenarios
        .iter()
        .map(|s| crate::workflow::triggers::skipped_in(wf, s, &crate::workflow::triggers::if_false))
        .collect();
    for j in jobs.iter_mut().filter(|j| !j.delegated.is_empty()) {
        if never.iter().all(|skipped| skipped.contains(&j.id)) {
            let dead = std::mem::take(&mut j.delegated);
            j.publishes.retain(|p| !dead.contains(&p.step));
        }
    }
}

/// A container image a job pushes only so that later jobs of the same
/// workflow run in it (`container: image: ${{ needs.image.outputs.ref }}`)
/// is CI's own build environment, not something the project ships: such a
/// push does not make the job (or the workflow) a release.
fn drop_ci_images(wf: &Workflow, jobs: &mut [JobRole]) {
    use github_actions_models::common::expr::LoE;
    use github_actions_models::workflow::job::Container;
    let image_expr = |c: &Container| match c {
        Container::Name(LoE::Expr(e))
        | Container::Container {
            image: LoE::Expr(e),
            ..
        } => Some(e.as_raw().to_string()),
        _ => None,
    };
    for role in jobs.iter_mut() {
        if role.ships.is_empty()
            || role.is_publishing()
            || !role.ships.iter().all(|s| is_container_push(&s.what))
        {
            continue;
        }
        let needle = format!("needs.{}.outputs.", role.id);
        let consumed = wf.jobs.values().any(|j| match j {
            Job::NormalJob(n) => {
                n.needs.contains(&role.id)
                    && n.container
                        .iter()
                        .chain(n.services.values())
                        .filter_map(image_expr)
                        .any(|e| e.contains(&needle))
            }
            Job::ReusableWorkflowCallJob(_) => false,
        });
        if consumed {
            role.ships.clear();
        }
    }
}

/// Whether a shipping step pushes a container image.
fn is_container_push(what: &str) -> bool {
    let w = what.trim_start();
    [
        "docker push",
        "podman push",
        "buildah push",
        "docker buildx imagetools",
        "skopeo copy",
        "docker build",
        "docker buildx",
        "docker bake",
        "docker manifest push",
        "docker image push",
        "podman build",
        "crane ",
        "ko ",
        "docker compose push",
        "docker-compose push",
    ]
    .iter()
    .any(|p| w.starts_with(p))
        || [
            "docker/build-push-action",
            "docker/bake-action",
            "redhat-actions/push-to-registry",
        ]
        .iter()
        .any(|a| w.to_ascii_lowercase().starts_with(a))
}

/// `owner/repo` of a `uses:`, lower-cased, without subpath or ref.
pub fn action_slug(uses: &Uses) -> Option<String> {
    match uses {
        Uses::Repository(r) => Some(format!("{}/{}", r.owner(), r.repo()).to_ascii_lowercase()),
        _ => None,
    }
}

fn analyse_job(
    id: &str,
    job: &NormalJob,
    behind: &[Behind],
    workflow_env: &github_actions_models::common::expr::LoE<github_actions_models::common::Env>,
) -> JobRole {
    let mut role = JobRole {
        id: id.to_string(),
        ..JobRole::default()
    };
    // A registry whose credentials an earlier step of the job configured
    // (rubygems/configure-rubygems-credentials exchanges the OIDC token for
    // a RubyGems key and writes it where `gem push` reads it).
    // (A credential set in the job's own `env:` is not taken for one: CI
    // jobs set install tokens there for every step, and a `deploy-docs`
    // task beside them publishes nothing.)
    let mut configured: Option<Registry> = None;
    for (i, step) in job.steps.iter().enumerate() {
        let before = role.publishes.len();
        match &step.body {
            StepBody::Uses { uses, with } => {
                if let Some(reg) = action_slug(uses).and_then(|s| credential_action(&s)) {
                    configured = Some(reg);
                }
                judge_uses(i, uses, env_map(with), &mut role)
            }
            StepBody::Run { run, .. } => {
                // Where `ko` pushes: the nearest `env:` that names it.
                let ko_repo = [&step.env, &job.env, workflow_env]
                    .into_iter()
                    .find_map(|e| env_map(e).and_then(|m| m.get(KO_REPO_VAR)))
                    .map(env_value);
                for (line, cmd) in commands_shared(run).iter() {
                    judge_command(i, *line, cmd, ko_repo.as_deref(), &mut role);
                }
            }
        }
        // What the step runs behind it: its composite action's steps, the
        // scripts and tasks its commands invoke.
        if role.publishes.len() == before {
            for b in behind.iter().filter(|b| b.step == i) {
                judge_behind(b, &mut role);
            }
            // A script's push to a registry without trusted publishing
            // (Chocolatey, Hex, Maven, …) needs a credential. A step handed
            // no secret, in a job and workflow that set none and configured
            // none, cannot push: its script builds the package and leaves the
            // push to the release job that hands it the key (a CI smoke run
            // of `update.ps1`, whose `choco push` waits for `$ENV:PUSH_TOKEN`).
            if configured.is_none()
                && !env_holds_secret(workflow_env)
                && !env_holds_secret(&job.env)
                && !step_holds_secret(step)
            {
                let behind_step = role.publishes.split_off(before);
                role.publishes.extend(
                    behind_step
                        .into_iter()
                        .filter(|p| p.registry.supports_oidc()),
                );
            }
        }
        if role.publishes.len() == before
            && let StepBody::Run { run, .. } = &step.body
            && let Some(p) = delegated_publish(i, run, env_map(&step.env), configured)
        {
            role.delegated.push(i);
            role.publishes.push(p);
        }
        // An action of another repository that nothing above recognised,
        // handed a registry credential (`with: {npm-token: ${{
        // secrets.NPM_TOKEN }}}`): it publishes with it, by all evidence.
        if role.publishes.len() == before
            && !role.ships.iter().any(|s| s.step == i)
            && let StepBody::Uses { uses, with } = &step.body
            && matches!(uses, Uses::Repository(_))
            && let Some(credential) = env_map(with)
                .into_iter()
                .flatten()
                .chain(env_map(&step.env).into_iter().flatten())
                .find_map(|(_, v)| handed_credential(&env_value(v)))
        {
            role.handed.push(ShipStep {
                step: i,
                what: format!(
                    "{}, handed the registry credential `{credential}`",
                    uses.raw()
                ),
            });
        }
    }
    role
}

/// Whether an `env:` (or `with:`) block hands over a secret other than
/// `GITHUB_TOKEN`; one written as a single expression may.
fn env_holds_secret(
    env: &github_actions_models::common::expr::LoE<github_actions_models::common::Env>,
) -> bool {
    env_map(env).is_none_or(|m| {
        m.values()
            .any(|v| crate::workflow::secrets::has_registry_secret(&env_value(v)))
    })
}

/// Whether a step is handed a secret other than `GITHUB_TOKEN`: in its
/// `env:`, its `with:` or its script's text.
fn step_holds_secret(step: &github_actions_models::workflow::job::Step) -> bool {
    env_holds_secret(&step.env)
        || match &step.body {
            StepBody::Run { run, .. } => crate::workflow::secrets::has_registry_secret(run),
            StepBody::Uses { with, .. } => env_holds_secret(with),
        }
}

/// The first secret `value` refers to whose name says it is a package
/// registry's credential ([`registry_credential`]).
fn handed_credential(value: &str) -> Option<String> {
    crate::workflow::secrets::secret_refs(value)
        .into_iter()
        .map(|(_, n)| n)
        .find(|n| registry_credential(n))
}

/// A step or command behind a job's step, judged as if it were the step.
fn judge_behind(b: &Behind, role: &mut JobRole) {
    let before = (role.publishes.len(), role.ships.len());
    match &b.ran {
        Ran::Uses { uses, with } => {
            if let Ok(u) = Uses::parse(uses.as_str()) {
                let env: github_actions_models::common::Env = with
                    .iter()
                    .map(|(k, v, _)| {
                        (
                            k.clone(),
                            github_actions_models::common::EnvValue::String(v.clone()),
                        )
                    })
                    .collect();
                judge_uses(b.step, &u, Some(&env), role);
            }
        }
        Ran::Command(c) => judge_command(b.step, 0, c, None, role),
        Ran::Publish(registry, via) => role.publishes.push(PublishStep {
            step: b.step,
            registry: *registry,
            via: via.clone(),
            behind: None,
        }),
        Ran::Ship(what) => role.ships.push(ShipStep {
            step: b.step,
            what: what.clone(),
        }),
    }
    for p in &mut role.publishes[before.0..] {
        p.behind = Some(Box::new(b.clone()));
    }
    for s in &mut role.ships[before.1..] {
        s.what = format!("{} in {}", s.what, b.short_location());
    }
}

/// A command of a step's script: a publish, or a shipping command.
/// `ko_repo` is the `KO_DOCKER_REPO` the step's environment sets, if any.
fn judge_command(i: usize, line: usize, cmd: &Command, ko_repo: Option<&str>, role: &mut JobRole) {
    if let Some(reg) = publish_registry(cmd) {
        role.publishes.push(PublishStep {
            step: i,
            registry: reg,
            via: Via::Command {
                command: cmd.clone(),
                line,
            },
            behind: None,
        });
    } else if (ship_command(cmd)
        && !(cmd.matches("goreleaser release") && cmd.has_flag(&["--snapshot"])))
        || pushes_image(cmd, ko_repo)
    {
        role.ships.push(ShipStep {
            step: i,
            what: cmd.text(),
        });
    }
}

/// A build or copy that pushes an image or chart to a registry as it goes:
/// `docker buildx build --push` (or `--output type=registry`), `docker
/// buildx bake --push`, `docker manifest push`, `crane push|copy`, `oras
/// push`, `helm push`, and `ko build|publish|resolve`, which push unless
/// told to keep the image local. A push whose every destination is a
/// registry on the runner itself is a test's, not a release's: `ko` told
/// by `KO_DOCKER_REPO` (inline, else `ko_repo` from the step's
/// environment) to load into kind or the local daemon or to push to a
/// loopback host, a build tagged only for a loopback host.
fn pushes_image(cmd: &Command, ko_repo: Option<&str>) -> bool {
    if to_test_registry(cmd) {
        return false;
    }
    let registry_output = || {
        cmd.flag_value(&["--output", "-o"])
            .is_some_and(|v| v.contains("type=registry") || v.contains("push=true"))
    };
    let buildx = [
        "docker buildx build",
        "docker build",
        "docker buildx bake",
        "docker bake",
        "podman build",
    ]
    .iter()
    .any(|p| cmd.matches(p));
    if buildx {
        // `--push=${{ … }}` pushes on the runs its expression allows, as
        // build-push-action's `push:` does.
        let push_off = cmd.words.iter().any(|w| {
            w.strip_prefix("--push=")
                .is_some_and(|v| matches!(v.trim_matches(['"', '\'']), "false" | "0"))
        });
        let mut tags = cmd.flag_values(&["--tag", "-t"]).peekable();
        if tags.peek().is_some() && tags.all(runner_local_registry) {
            return false;
        }
        return (cmd.has_flag(&["--push"]) && !push_off) || registry_output();
    }
    if [
        "docker manifest push",
        "docker image push",
        "docker compose push",
        "docker-compose push",
        "crane push",
        "crane copy",
        "crane cp",
        "oras push",
        "helm push",
    ]
    .iter()
    .any(|p| cmd.matches(p))
    {
        return true;
    }
    ["ko build", "ko publish", "ko resolve", "ko apply"]
        .iter()
        .any(|p| cmd.matches(p))
        && !cmd.has_flag(&["--local", "-L", "--push=false"])
        && !inline_assignment(&cmd.raw, KO_REPO_VAR)
            .or(ko_repo)
            .is_some_and(runner_local_registry)
}

/// The variable that names where `ko` pushes.
const KO_REPO_VAR: &str = "KO_DOCKER_REPO";

/// The value a `NAME=value` prefix of a command line gives `name`
/// (`KO_DOCKER_REPO=kind.local ko apply -f x`), quotes removed.
fn inline_assignment<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.split_whitespace()
        .take_while(|w| w.contains('='))
        .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
        .map(|v| v.trim_matches(['"', '\'']))
}

/// Whether an image destination is a registry on the runner itself: a
/// loopback host (`localhost:5000/x`, `registry.localhost:5000/x`,
/// `127.0.0.1:5000/x`) or ko's names for loading into kind or the local
/// Docker daemon (`kind.local`, `ko.local`).
fn runner_local_registry(dest: &str) -> bool {
    let dest = dest.trim_matches(['"', '\'']);
    let host = dest.split('/').next().unwrap_or(dest);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    let host = host.to_ascii_lowercase();
    matches!(
        host.as_str(),
        "localhost" | "kind.local" | "ko.local" | "[::1]"
    ) || host.ends_with(".localhost")
        || host.strip_prefix("127.").is_some_and(|rest| {
            rest.split('.').count() == 3 && rest.split('.').all(|o| o.parse::<u8>().is_ok())
        })
}

/// Whether an image push is told to reach its registry without TLS or
/// without checking the certificate (`ko --insecure-registry`, `crane
/// --insecure`, `oras`/`helm push --plain-http`, `helm push
/// --insecure-skip-tls-verify`, buildx's `registry.insecure=true`). That is
/// a registry the job brought up on the runner for a test (kind's, a
/// `registry:2` service), not the one a release ships to.
fn to_test_registry(cmd: &Command) -> bool {
    let flagged = cmd.words.iter().any(|w| {
        let (flag, value) = w.split_once('=').unwrap_or((w, "true"));
        matches!(
            flag,
            "--insecure-registry" | "--insecure" | "--plain-http" | "--insecure-skip-tls-verify"
        ) && !matches!(value.trim_matches(['"', '\'']), "false" | "0")
    });
    flagged
        || cmd
            .flag_value(&["--output", "-o"])
            .is_some_and(|v| v.contains("registry.insecure=true"))
}

/// Whether a package index URL names a host other than PyPI or TestPyPI.
/// A host chosen by an expression is unknown: not another index.
fn is_other_index(url: &str) -> bool {
    let url = url.trim();
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split(['/', ':']).next().unwrap_or("");
    if host.is_empty() || host.contains("${{") || host.contains('$') {
        return false;
    }
    !matches!(
        host.to_ascii_lowercase().as_str(),
        "pypi.org" | "upload.pypi.org" | "test.pypi.org" | "www.pypi.org"
    )
}

/// A `uses:` step: a publish action, an action whose inputs make it
/// publish, or one that ships artifacts.
fn judge_uses(
    i: usize,
    uses: &Uses,
    with: Option<&github_actions_models::common::Env>,
    role: &mut JobRole,
) {
    let Some(slug) = action_slug(uses) else {
        return;
    };
    if let Some((_, reg)) = PUBLISH_ACTIONS.iter().find(|(a, _)| *a == slug) {
        let input = |k: &str| with.and_then(|w| w.get(k)).map(env_value);
        // pypi-publish pointed at another index (a project's own upload
        // server, a private index) does not publish to PyPI, and that
        // index's rules for tokens are not PyPI's.
        let reg = if slug == "pypa/gh-action-pypi-publish"
            && input("repository-url")
                .or_else(|| input("repository_url"))
                .is_some_and(|u| is_other_index(&u))
        {
            Registry::Other
        } else {
            *reg
        };
        role.publishes.push(PublishStep {
            step: i,
            registry: reg,
            via: Via::Action(uses.raw().to_string()),
            behind: None,
        });
        return;
    }
    // Actions whose inputs decide whether they publish.
    let input = |k: &str| with.and_then(|w| w.get(k)).map(env_value);
    let conditional = match slug.as_str() {
        "release-plz/action" => {
            (input("command").as_deref() != Some("release-pr")).then_some(Registry::Crates)
        }
        // cibuildgem's `release` step pushes the built gems to
        // RubyGems (trusted publishing).
        "shopify/cibuildgem" => {
            (input("step").as_deref() == Some("release")).then_some(Registry::RubyGems)
        }
        // maturin's `upload` and `publish` commands send the wheels to
        // PyPI, as `maturin upload` in a script does; its other commands
        // (`build`, `sdist`) only build.
        "pyo3/maturin-action" => matches!(input("command").as_deref(), Some("upload" | "publish"))
            .then_some(Registry::PyPi),
        "actions-rs/cargo" => (input("command").as_deref() == Some("publish")
            && !input("args").is_some_and(|a| a.contains("--dry-run")))
        .then_some(Registry::Crates),
        _ => None,
    };
    if let Some(reg) = conditional {
        role.publishes.push(PublishStep {
            step: i,
            registry: reg,
            via: Via::Action(uses.raw().to_string()),
            behind: None,
        });
        return;
    }
    // Actions whose sub-action (a folder of the action's repository)
    // publishes: changesets/action v2's `…/publish` pushes the packed
    // tarballs to npm; jupyter_releaser's `finalize-release` uploads the
    // built distributions to PyPI (by trusted publishing unless handed a
    // `PYPI_TOKEN`), while its `prep-release` and `populate-release`
    // siblings only draft the release.
    const PUBLISHING_SUBACTIONS: &[(&str, &str, Registry)] = &[
        ("changesets/action", "publish", Registry::Npm),
        (
            "jupyter-server/jupyter_releaser",
            ".github/actions/finalize-release",
            Registry::PyPi,
        ),
    ];
    if let Uses::Repository(r) = uses
        && let Some(&(_, _, registry)) = PUBLISHING_SUBACTIONS.iter().find(|(s, sub, _)| {
            slug == *s && r.subpath().is_some_and(|p| p.trim_matches('/') == *sub)
        })
    {
        role.publishes.push(PublishStep {
            step: i,
            registry,
            via: Via::Action(uses.raw().to_string()),
            behind: None,
        });
        return;
    }
    // changesets/action publishes when given a `publish:` command
    // (`publish-script:` in v2).
    if slug == "changesets/action"
        && let Some(cmd) = with.and_then(|w| w.get("publish").or_else(|| w.get("publish-script")))
    {
        let cmd = env_value(cmd);
        let cmds = commands(&cmd);
        // `publish: echo "never publishes here"`: a lane that only opens
        // version pull requests hands the action a command that does
        // nothing, and the action then publishes nothing.
        if cmds.iter().all(|(_, c)| does_nothing(c)) {
            return;
        }
        if let Some((line, c)) = cmds.into_iter().next() {
            role.publishes.push(PublishStep {
                step: i,
                registry: Registry::Npm,
                via: Via::Command { command: c, line },
                behind: None,
            });
        }
        return;
    }
    if SHIP_ACTIONS.contains(&slug.as_str()) {
        let pushes = match slug.as_str() {
            "docker/build-push-action" | "docker/bake-action" => {
                input("push").is_some_and(|v| v != "false")
            }
            // goreleaser ships only when it runs `release` without
            // `--snapshot`; `check`, `build` and snapshots publish nothing.
            // With `install-only: true` the action only puts goreleaser on
            // the PATH and runs nothing: what a later `run:` step does with
            // it is judged as that step's command.
            "goreleaser/goreleaser-action" => {
                input("install-only").is_none_or(|v| v.trim() != "true")
                    && goreleaser_releases(input("args").as_deref().unwrap_or("release"))
            }
            _ => true,
        };
        if pushes {
            role.ships.push(ShipStep {
                step: i,
                what: uses.raw().to_string(),
            });
        }
    }
}

/// A command that only prints or stops (`echo`, `printf`, `true`, `:`,
/// `exit`): given as a publish command, it publishes nothing.
fn does_nothing(cmd: &Command) -> bool {
    cmd.words
        .first()
        .is_some_and(|w| matches!(w.as_str(), "echo" | "printf" | "true" | ":" | "exit"))
}

/// A job that calls a reusable workflow in another repository, whose steps
/// cannot be read here, and hands it a registry credential by name
/// (`secrets: {npm_token: ${{ secrets.NPM_TOKEN }}}`): the called workflow
/// publishes with it, so the job releases. Its steps stay unjudged; the
/// calling workflow is judged as the release workflow it is (its pins,
/// permissions, triggers and the secrets it hands over). So is a job that
/// grants the OIDC token to another repository's workflow named for
/// releasing or publishing (`…/release.yml`, `…/npm-publish.yml`): it
/// mints the registry's token with it, and no secret needs handing.
fn remote_release_call(
    call: &github_actions_models::workflow::job::ReusableWorkflowCallJob,
    workflow_permissions: &github_actions_models::common::Permissions,
) -> Option<ShipStep> {
    use github_actions_models::workflow::job::Secrets;
    let Uses::Repository(r) = &call.uses else {
        return None;
    };
    // Reusable workflows published for others to publish with, by OIDC:
    // no secret is handed, the called workflow mints the token.
    let slug =
        format!("{}/{}/{}", r.owner(), r.repo(), r.subpath().unwrap_or("")).to_ascii_lowercase();
    if PUBLISH_WORKFLOWS.contains(&slug.as_str()) {
        return Some(ShipStep {
            step: 0,
            what: format!("{}, which publishes to pub.dev", call.uses.raw()),
        });
    }
    if crate::workflow::oidc::job_holds_id_token(workflow_permissions, &call.permissions)
        && named_for_release(r.subpath().unwrap_or(""))
    {
        return Some(ShipStep {
            step: 0,
            what: format!(
                "{}, a release workflow of another repository handed the OIDC token",
                call.uses.raw()
            ),
        });
    }
    let Some(Secrets::Env(passed)) = &call.secrets else {
        return None;
    };
    passed.iter().find_map(|(key, value)| {
        let value = env_value(value);
        // The secret's own name, or the name the called workflow reads it by.
        let credential = handed_credential(&value).or_else(|| {
            (crate::workflow::secrets::has_registry_secret(&value) && registry_credential(key))
                .then(|| key.clone())
        })?;
        Some(ShipStep {
            step: 0,
            what: format!(
                "{}, handed the registry credential `{credential}`",
                call.uses.raw()
            ),
        })
    })
}

/// Whether a workflow file's name says it releases or publishes: a word of
/// its name (split at `-`, `_`, `.`) is `release` or `publish` (`release.yml`,
/// `npm-publish.yaml`, `release_pypi.yml`), not merely contains it
/// (`prerelease-check.yml`, `unpublished.yml`).
fn named_for_release(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
        .unwrap_or(name);
    stem.split(['-', '_', '.'])
        .any(|w| w.eq_ignore_ascii_case("release") || w.eq_ignore_ascii_case("publish"))
}

/// Reusable workflows of other repositories that publish the caller's
/// package (to pub.dev, by OIDC), as `owner/repo/path`.
const PUBLISH_WORKFLOWS: &[&str] = &[
    "dart-lang/setup-dart/.github/workflows/publish.yml",
    "dart-lang/ecosystem/.github/workflows/publish.yaml",
];

/// Whether a secret's name says it is a package registry's credential: a
/// registry's name and a credential word among its `_`/`-` separated words
/// (`NPM_TOKEN`, `PYPI_API_TOKEN`, `nuget-api-key`, `FURY_TOKEN`), never a
/// GitHub token or a key of some other service. A Docker Hub login is left
/// out: CI logs in to pull images past the rate limit as often as to push.
fn registry_credential(name: &str) -> bool {
    const REGISTRIES: &[&str] = &[
        "NPM",
        "PYPI",
        "TWINE",
        "NUGET",
        "CARGO",
        "CRATES",
        "CRATESIO",
        "HEX",
        "HEXPM",
        "RUBYGEMS",
        "GEM",
        "FURY",
        "GEMFURY",
        "SNAPCRAFT",
        "CHOCOLATEY",
        "CHOCO",
        "JSR",
        "SONATYPE",
        "OSSRH",
        "MAVEN",
        "CLOUDSMITH",
        "PACKAGECLOUD",
        "VSCE",
        "OVSX",
    ];
    const CREDENTIALS: &[&str] = &[
        "TOKEN", "KEY", "APIKEY", "PASSWORD", "PASS", "SECRET", "PAT",
    ];
    let words: Vec<String> = name
        .split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    words.iter().any(|w| REGISTRIES.contains(&w.as_str()))
        && words.iter().any(|w| CREDENTIALS.contains(&w.as_str()))
}

/// The registry a credential's name names (`NUGET_API_KEY`: NuGet), for a
/// name [`registry_credential`] accepts.
fn credential_registry(name: &str) -> Registry {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper.split(['_', '-']).collect();
    let has = |names: &[&str]| words.iter().any(|w| names.contains(w));
    if has(&["NPM"]) {
        Registry::Npm
    } else if has(&["PYPI", "TWINE"]) {
        Registry::PyPi
    } else if has(&["NUGET"]) {
        Registry::NuGet
    } else if has(&["CARGO", "CRATES", "CRATESIO"]) {
        Registry::Crates
    } else if has(&["HEX", "HEXPM"]) {
        Registry::Hex
    } else if has(&["RUBYGEMS", "GEM"]) {
        Registry::RubyGems
    } else if has(&["JSR"]) {
        Registry::Jsr
    } else if has(&["SONATYPE", "OSSRH", "MAVEN"]) {
        Registry::Maven
    } else {
        Registry::Other
    }
}

/// The registry whose credential a command is handed in its own arguments
/// (`--nuget-key=${{ secrets.NUGET_API_KEY }}`).
fn credential_in_args(cmd: &Command) -> Option<Registry> {
    crate::workflow::secrets::secret_refs(&cmd.text())
        .into_iter()
        .find(|(_, n)| registry_credential(n))
        .map(|(_, n)| credential_registry(&n))
}

/// Environment variables that hand a registry credential to whatever runs.
const CREDENTIAL_VARS: &[(&str, Registry)] = &[
    ("TWINE_PASSWORD", Registry::PyPi),
    ("POETRY_PYPI_TOKEN_", Registry::PyPi),
    ("UV_PUBLISH_TOKEN", Registry::PyPi),
    ("UV_PUBLISH_PASSWORD", Registry::PyPi),
    ("FLIT_PASSWORD", Registry::PyPi),
    ("HATCH_INDEX_AUTH", Registry::PyPi),
    ("MATURIN_PYPI_TOKEN", Registry::PyPi),
    ("MATURIN_PASSWORD", Registry::PyPi),
    ("PDM_PUBLISH_PASSWORD", Registry::PyPi),
    ("NODE_AUTH_TOKEN", Registry::Npm),
    ("NPM_TOKEN", Registry::Npm),
    ("NPM_AUTH_TOKEN", Registry::Npm),
    ("CARGO_REGISTRY_TOKEN", Registry::Crates),
    ("GEM_HOST_API_KEY", Registry::RubyGems),
    ("RUBYGEMS_API_KEY", Registry::RubyGems),
    ("HEX_API_KEY", Registry::Hex),
];

/// Actions that only configure a registry's credentials for later steps
/// (they publish nothing themselves).
const CREDENTIAL_ACTIONS: &[(&str, Registry)] = &[(
    "rubygems/configure-rubygems-credentials",
    Registry::RubyGems,
)];

fn credential_action(slug: &str) -> Option<Registry> {
    CREDENTIAL_ACTIONS
        .iter()
        .find(|(a, _)| *a == slug)
        .map(|(_, r)| *r)
}

/// The environment a tox command runs, or the session a nox command runs
/// (`tox -e release`, `tox run -e=release`, `python -m tox -e release`,
/// `uvx nox -s publish`), when the command names exactly one.
fn runner_env<'a>(w: &[&'a str]) -> Option<&'a str> {
    let at = match w {
        ["python" | "python3" | "py", "-m", "tox" | "nox", ..] => 2,
        ["uvx" | "pipx", "tox" | "nox", ..] => 1,
        ["tox" | "nox", ..] => 0,
        _ => return None,
    };
    let flags: &[&str] = if w[at] == "tox" {
        &["-e", "--env"]
    } else {
        &["-s", "--session", "--sessions", "-e"]
    };
    let rest = &w[at + 1..];
    let mut found = None;
    for (i, word) in rest.iter().enumerate() {
        let value = if flags.contains(word) {
            rest.get(i + 1).copied()
        } else {
            flags
                .iter()
                .find_map(|f| word.strip_prefix(f).and_then(|v| v.strip_prefix('=')))
        };
        if let Some(v) = value {
            if found.is_some() || v.contains([',', '$']) {
                return None; // several, or chosen at run time
            }
            found = Some(v);
        }
    }
    found
}

/// A step that hands a registry credential to a repository script or a
/// release task (`scripts/publish`, `npm run release`, `make publish`,
/// `bundle exec rake release`) is publishing through it, even though the
/// publish command is not in the workflow. The credential comes in the
/// step's environment or from an earlier step of the job that configured
/// it (`configured`). Install steps with a token (private registries) are
/// not publishing.
/// The registry whose credential an `env:` map sets from a secret
/// (`TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN }}`).
fn credential_in_env(env: &github_actions_models::common::Env) -> Option<Registry> {
    env.iter().find_map(|(k, v)| {
        let v = env_value(v);
        if !super::secrets::has_registry_secret(&v) {
            return None;
        }
        CREDENTIAL_VARS
            .iter()
            .find(|(name, _)| {
                if name.ends_with('_') {
                    k.starts_with(name)
                } else {
                    k == name
                }
            })
            .map(|(_, r)| *r)
    })
}

fn delegated_publish(
    step: usize,
    run: &str,
    env: Option<&github_actions_models::common::Env>,
    configured: Option<Registry>,
) -> Option<PublishStep> {
    let given = env.and_then(credential_in_env).or(configured);
    let releasing = |w: &str| {
        ["publish", "release", "deploy", "upload"]
            .iter()
            .any(|k| w.contains(k))
    };
    commands_shared(run).iter().find_map(|(line, cmd)| {
        let inline = credential_in_args(cmd);
        let registry = given.or(inline)?;
        let w: Vec<&str> = cmd.words.iter().map(String::as_str).collect();
        let delegated = match w.as_slice() {
            [prog, ..]
                if (prog.starts_with("./")
                    || prog.starts_with("scripts/")
                    || prog.contains("/"))
                    && releasing(prog) =>
            {
                true
            }
            ["bash" | "sh" | "python" | "python3" | "node", script, ..] if releasing(script) => {
                true
            }
            // A release tool handed the token (`release-it --ci`, `release
            // publish`, `auto shipit`): it publishes with it.
            _ if released_by_tool(&w, &releasing) => !rehearsal(cmd),
            ["npm" | "pnpm" | "yarn" | "bun", "run", task, ..] if releasing(task) => true,
            ["make" | "just" | "rake" | "thor" | "task", task, ..] if releasing(task) => true,
            // The gem-release plugin's `gem release` builds the gem and
            // pushes it with the configured RubyGems key (`--pretend`
            // only shows what it would do).
            ["gem", "release", ..] if registry == Registry::RubyGems => {
                !cmd.has_flag(&["--pretend"])
            }
            // A build script or task runner handed the credential in its
            // own arguments and told to release (`dotnet make publish
            // --nuget-key=${{ secrets.NUGET_API_KEY }}`, `./build.sh
            // --target Publish --api-key …`): the task pushes with it.
            [_, args @ ..]
                if inline.is_some()
                    && args
                        .iter()
                        .filter(|a| !a.starts_with('-'))
                        .any(|a| releasing(&a.to_ascii_lowercase())) =>
            {
                true
            }
            // `tox -e release`, `tox run -e release`, `nox -s publish`: an
            // environment or session of the project's tox.ini or noxfile.
            _ => runner_env(&w).is_some_and(releasing),
        };
        delegated.then(|| PublishStep {
            step,
            registry,
            via: Via::Command {
                command: cmd.clone(),
                line: *line,
            },
            behind: None,
        })
    })
}

/// The registry a command publishes to, unless it is a dry run.
pub fn publish_registry(cmd: &Command) -> Option<Registry> {
    if let Some(inner) = per_workspace(cmd).or_else(|| package_bin(cmd)) {
        return publish_registry(&inner);
    }
    if let Some(tool) = jvm_build_tool(cmd) {
        return build_tool_publish(cmd, tool);
    }
    if cmd.matches("cargo release") {
        return cargo_release(cmd);
    }
    if cmd.matches("nx release") && !cmd.matches("nx release publish") {
        return nx_release(cmd);
    }
    let Some(reg) = publish_command(cmd) else {
        return provenance_publish(cmd);
    };
    let dry = cmd.has_switch_on(&["--dry-run", "--dryrun", "--dry_run"])
        || (matches!(reg, Registry::Crates | Registry::PubDev) && cmd.has_flag(&["-n"]))
        || (cmd.matches("semantic-release") && cmd.has_flag(&["-d", "--no-ci"]));
    (!dry).then(|| {
        if elsewhere(cmd, *reg) {
            Registry::Other
        } else {
            *reg
        }
    })
}

/// A JVM build whose goals or tasks publish, wherever they stand among
/// the others (`mvn -B clean deploy -P release`, `./gradlew build
/// publishToSonatype closeAndReleaseSonatypeStagingRepository`, `sbt
/// +publishSigned sonatypeBundleRelease`, `sbt ci-release`, sbt-typelevel's
/// `sbt tlCiRelease`): these tools
/// take a list of goals, so the pattern match above (the subcommand right
/// after the program) misses them. Local installs (`publishToMavenLocal`,
/// `sbt publishLocal`), excluded tasks (`-x publish`), skipped deploys
/// (`-Dmaven.deploy.skip=true`), deploys to a folder
/// (`-DaltDeploymentRepository=local::file:…`) and dry runs (`gradle -m`)
/// publish nothing.
fn build_tool_publish(cmd: &Command, tool: &str) -> Option<Registry> {
    let args = &cmd.words[1..];
    let goals = || {
        let mut out = Vec::new();
        let mut skip_next = false;
        for w in args {
            if std::mem::take(&mut skip_next) {
                continue;
            }
            if is_flag_word(w) {
                // Flags whose value is a separate word: Gradle's excluded
                // task, Maven's settings file, project list or profile.
                skip_next = matches!(
                    w.as_str(),
                    "-x" | "--exclude-task"
                        | "-s"
                        | "--settings"
                        | "-pl"
                        | "--projects"
                        | "-P"
                        | "--activate-profiles"
                        | "-f"
                        | "--file"
                        | "-rf"
                        | "--resume-from"
                        | "-p"
                        | "--project-dir"
                );
                continue;
            }
            out.push(w.as_str());
        }
        out
    };
    match tool {
        "mvn" | "mvnw" | "mvnd" => {
            let skipped = args.iter().any(|w| {
                w.strip_prefix("-Dmaven.deploy.skip")
                    .is_some_and(|v| v.is_empty() || v.eq_ignore_ascii_case("=true"))
            });
            let staged = maven_deploys_to_folder(args);
            let publishes = goals().iter().any(|g| {
                if g.starts_with("jreleaser:") {
                    return g.ends_with(":deploy") || g.ends_with(":full-release");
                }
                (maven_deploy_goal(g) || *g == "release:perform") && !skipped && !staged
            });
            publishes.then_some(Registry::Maven)
        }
        "gradle" | "gradlew" => {
            if cmd.has_flag(&["-m", "--dry-run"]) {
                return None;
            }
            let mut found = None;
            for g in goals() {
                let task = g.rsplit(':').next().unwrap_or(g);
                if task == "publishPlugins" {
                    // The plugin-publish plugin's rehearsal: it checks the
                    // plugins against the Portal and uploads nothing.
                    if !cmd.has_switch_on(&["--validate-only"]) {
                        found.get_or_insert(Registry::Other);
                    }
                } else if gradle_publish_task(task) {
                    found = Some(Registry::Maven);
                }
            }
            found
        }
        "sbt" => {
            // `sbt "; +publishSigned; sonatypeBundleRelease"`: one word may
            // hold several commands.
            let publishes = goals()
                .iter()
                .flat_map(|g| g.split([';', ' ']))
                .map(|t| t.trim().trim_start_matches('+').trim())
                .any(|t| {
                    matches!(
                        t,
                        "ci-release"
                            | "tlCiRelease"
                            | "tlRelease"
                            | "publish"
                            | "publishSigned"
                            | "sonatypeBundleRelease"
                            | "sonatypeRelease"
                            | "sonatypeCentralRelease"
                            | "sonaRelease"
                    ) || t.ends_with("/publish")
                        || t.ends_with("/publishSigned")
                });
            publishes.then_some(Registry::Maven)
        }
        _ => None,
    }
}

/// A Maven goal that uploads the build's artifacts to a repository: the
/// `deploy` phase, the deploy plugin's goal (`deploy:deploy`, or by its
/// coordinates `org.apache.maven.plugins:maven-deploy-plugin:3.1.1:deploy`)
/// and the Nexus staging plugin's. Other plugins' `deploy` goals ship an
/// application or a site (`appengine:deploy`, `azure-webapp:deploy`,
/// `site:deploy`), not a package.
fn maven_deploy_goal(goal: &str) -> bool {
    if goal == "deploy" {
        return true;
    }
    let Some(plugin) = goal.strip_suffix(":deploy") else {
        return false;
    };
    // `groupId:artifactId[:version]` or the plugin's prefix.
    let mut parts = plugin.split(':');
    let prefix = match (parts.next(), parts.next()) {
        (Some(_), Some(artifact)) => artifact
            .strip_prefix("maven-")
            .and_then(|a| a.strip_suffix("-plugin"))
            .or_else(|| artifact.strip_suffix("-maven-plugin"))
            .unwrap_or(artifact),
        (Some(p), None) => p,
        _ => return false,
    };
    matches!(prefix, "deploy" | "nexus-staging")
}

/// Whether a Maven deploy is pointed at a folder on the machine
/// (`-DaltDeploymentRepository=local::file:./target/staging-deploy`, the
/// staging JReleaser then uploads): releases and snapshots both go to a
/// `file:` repository. A deploy that names only one of the two still
/// sends the other to the repositories the POM names.
fn maven_deploys_to_folder(args: &[String]) -> bool {
    let alt = |key: &str| {
        args.iter().find_map(|w| {
            let v = w.strip_prefix("-D")?.strip_prefix(key)?.strip_prefix('=')?;
            // `id::url` or the older `id::layout::url`.
            Some(
                v.rsplit("::")
                    .next()
                    .unwrap_or(v)
                    .trim_matches(['"', '\''])
                    .to_string(),
            )
        })
    };
    let local = |url: Option<String>| url.is_some_and(|u| u.starts_with("file:"));
    local(alt("altDeploymentRepository"))
        || (local(alt("altReleaseDeploymentRepository"))
            && local(alt("altSnapshotDeploymentRepository")))
}

/// A release tool run by name, directly or through the package manager
/// (`release-it --ci`, `yarn auto shipit`, `pnpm release`): handed the
/// registry's token, it publishes with it.
fn released_by_tool(w: &[&str], releasing: &dyn Fn(&str) -> bool) -> bool {
    match through_package_manager(w) {
        [prog, "shipit" | "latest" | "canary" | "next", ..] if program_base(prog) == "auto" => true,
        [prog, ..] => !prog.starts_with('-') && releasing(program_base(prog)),
        [] => false,
    }
}

/// The words of a tool run through the package manager (`pnpm exec
/// changelogen`, `yarn auto shipit`, `bun x release-it`), or all of them.
fn through_package_manager<S: AsRef<str>>(w: &[S]) -> &[S] {
    // `pnpm exec`, `yarn dlx`, `bun x` and `npm exec` are dropped when the
    // script is split (`shell::commands`); what is left is the bare form,
    // which runs a package script or binary of that name.
    match w.first().map(AsRef::as_ref) {
        Some("yarn" | "pnpm" | "bun") if w.len() > 1 => &w[1..],
        _ => w,
    }
}

/// A release tool's dry run (`release-it --dry-run`, `auto shipit -d`).
fn rehearsal(cmd: &Command) -> bool {
    cmd.has_switch_on(&["--dry-run", "--dryrun", "--dry_run"]) || cmd.has_flag(&["-d"])
}

/// A program's name without its directory or npm version (`release-it`
/// for `node_modules/.bin/release-it` or `release-it@17`).
fn program_base(word: &str) -> &str {
    let base = word.rsplit('/').next().unwrap_or(word);
    match base.rfind('@') {
        Some(at) if at > 0 => &base[..at],
        _ => base,
    }
}

/// cargo-release: without `--execute` every run is a dry run; with it, a
/// release (`cargo release minor --execute`) or its publish step (`cargo
/// release publish -x`) publishes to crates.io, unless `--no-publish`.
/// Its other steps (`version`, `tag`, `push`, …) publish nothing.
fn cargo_release(cmd: &Command) -> Option<Registry> {
    let execute = cmd.has_flag(&["--execute", "-x"]);
    let step = cmd
        .words
        .iter()
        .skip(2)
        .find(|w| !w.starts_with('-'))
        .map(String::as_str);
    let other_step = matches!(
        step,
        Some("version" | "replace" | "hook" | "commit" | "owner" | "tag" | "push" | "changes")
    );
    (execute && !other_step && !cmd.has_flag(&["--no-publish"])).then_some(Registry::Crates)
}

/// `nx release` without a subcommand (or with only the version to make,
/// `nx release minor`) versions, writes changelogs and publishes every
/// releasable project, unless `--skip-publish`; its `version`, `changelog`
/// and `plan` steps publish nothing.
fn nx_release(cmd: &Command) -> Option<Registry> {
    let mut words = cmd.words.iter().skip(2).filter(|w| !w.starts_with('-'));
    let step = words.next().map(String::as_str);
    if step.is_some_and(|s| s == "version" || s == "changelog" || s.starts_with("plan")) {
        return None;
    }
    let off = cmd.has_flag(&["--skip-publish"])
        || cmd.has_switch_on(&["--dry-run", "--dryrun", "--dry_run"])
        || cmd.has_flag(&["-d"]);
    (!off).then_some(Registry::Npm)
}

/// The JVM build tool a command runs (`./mvnw` is `mvnw`), if it runs one.
fn jvm_build_tool(cmd: &Command) -> Option<&str> {
    let base = program_base(cmd.words.first()?);
    let base = base
        .strip_suffix(".cmd")
        .or_else(|| base.strip_suffix(".bat"))
        .unwrap_or(base);
    matches!(base, "mvn" | "mvnw" | "mvnd" | "gradle" | "gradlew" | "sbt").then_some(base)
}

/// A Gradle task that uploads to a public registry: `publish`, the
/// Nexus and Maven Central plugins' tasks, the Gradle Plugin Portal's and
/// JReleaser's deploy (the Nexus plugin's `closeAndRelease…` tasks only
/// release what such a task staged in the same run). A task publishing to
/// a repository the build
/// names itself (`publishAllPublicationsToStagingRepository`, a folder) or
/// to Maven Local is not known to leave the machine.
fn gradle_publish_task(task: &str) -> bool {
    matches!(
        task,
        "publish"
            | "publishToSonatype"
            | "publishToMavenCentral"
            | "publishAndReleaseToMavenCentral"
            | "publishAllPublicationsToMavenCentral"
            | "publishAllPublicationsToMavenCentralRepository"
            | "publishAllPublicationsToSonatypeRepository"
            | "jreleaserDeploy"
            | "jreleaserFullRelease"
    )
}

/// A flag of a JVM build tool's command line. Unlike the shell reader's
/// flags, a word starting with `+` is a goal here (sbt's cross-built
/// `+publishSigned`).
fn is_flag_word(w: &str) -> bool {
    w.starts_with('-') && w.len() > 1
}

/// Whether a publish command is pointed at another index than its
/// registry's public one (`dotnet nuget push --source` a MyGet or GitHub
/// Packages feed, `npm publish --registry https://npm.pkg.github.com`,
/// `cargo publish --registry` a private one): it still publishes, but that
/// index's rules for tokens are not the public registry's.
fn elsewhere(cmd: &Command, reg: Registry) -> bool {
    let value = |flags: &[&str]| cmd.flag_value(flags);
    let other_host = |flags: &[&str], public: &[&str]| {
        value(flags).is_some_and(|url| {
            host_of(url).is_some_and(|h| {
                !public
                    .iter()
                    .any(|p| h == *p || h.ends_with(&format!(".{p}")))
            })
        })
    };
    match reg {
        Registry::Npm => other_host(&["--registry"], &["npmjs.org", "yarnpkg.com"]),
        Registry::PyPi => other_host(
            &["--repository-url", "--publish-url"],
            &["pypi.org", "pythonhosted.org"],
        ),
        Registry::NuGet => other_host(&["--source", "-s", "-Source"], &["nuget.org"]),
        Registry::RubyGems => other_host(&["--host"], &["rubygems.org"]),
        Registry::Crates => {
            value(&["--registry"]).is_some_and(|r| r != "crates-io")
                || other_host(&["--index"], &["crates.io"])
        }
        _ => false,
    }
}

/// The lowercased host of an http(s) URL written literally (None for an
/// expression or a variable, which could be anything).
fn host_of(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', ':', '?']).next().unwrap_or("");
    (!host.is_empty() && !host.contains('$') && !host.contains('{'))
        .then(|| host.to_ascii_lowercase())
}

/// The command a workspace runner runs in each package (or one): `yarn
/// workspaces foreach -A --no-private npm publish` runs `yarn npm publish`,
/// `yarn workspace web npm publish` the same in one (`yarn workspace web
/// exec npm publish` runs `npm publish` there), `lerna exec -- npm
/// publish` and `pnpm -r exec npm publish` run `npm publish`.
fn per_workspace(cmd: &Command) -> Option<Command> {
    let w = &cmd.words;
    let rest: Vec<String> = match w.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["yarn", "workspaces", "foreach", ..] => {
            // Flags of `foreach` may take values (`--include @scope/*`): the
            // command starts at the first word naming a yarn command that
            // publishes.
            let at = w
                .iter()
                .skip(3)
                .position(|x| x == "npm" || x == "publish")?
                + 3;
            std::iter::once("yarn".to_string())
                .chain(w[at..].iter().cloned())
                .collect()
        }
        // `yarn workspace web exec npm publish` runs the command itself in
        // that package, as `yarn exec` does.
        ["yarn", "workspace", _, "exec", ..] => w[4..].to_vec(),
        ["yarn", "workspace", _, ..] => std::iter::once("yarn".to_string())
            .chain(w[3..].iter().cloned())
            .collect(),
        ["lerna", "exec", ..] => {
            let at = w.iter().position(|x| x == "--")?;
            w[at + 1..].to_vec()
        }
        ["pnpm", ..] => {
            let at = w.iter().position(|x| x == "exec")?;
            // Only flags stand between `pnpm` and `exec` (`-r`, `--filter x`).
            if w[1..at].iter().any(|x| x == "publish" || x == "run") {
                return None;
            }
            w[at + 1..].to_vec()
        }
        _ => return None,
    };
    (!rest.is_empty()).then(|| Command {
        words: rest,
        raw: cmd.raw.clone(),
    })
}

/// The npm release tools whose binary Yarn, pnpm and Bun run by its name
/// (`yarn lerna publish`, `pnpm semantic-release`), as npx does: none of
/// them is a command of the package manager itself.
const PACKAGE_BINS: &[&str] = &["lerna", "changeset", "semantic-release", "nx", "jsr"];

/// The command a package manager runs as a dependency's binary: `yarn
/// lerna publish from-package` runs `lerna publish from-package`.
fn package_bin(cmd: &Command) -> Option<Command> {
    match cmd.words.as_slice() {
        [pm, bin, ..]
            if matches!(pm.as_str(), "yarn" | "pnpm" | "bun")
                && PACKAGE_BINS.contains(&bin.as_str()) =>
        {
            Some(Command {
                words: cmd.words[1..].to_vec(),
                raw: cmd.raw.clone(),
            })
        }
        _ => None,
    }
}

/// A monorepo's own release tool run as `… publish --provenance` (`yarn
/// release-tool publish --yes --provenance`): `--provenance` is npm's flag
/// for a provenance statement signed with the job's OIDC token, which only
/// a publish to npm makes, so the tool publishes to npm.
fn provenance_publish(cmd: &Command) -> Option<Registry> {
    // `changelogen --release --publish`: bumps, tags and runs `npm publish`.
    if through_package_manager(&cmd.words)
        .first()
        .is_some_and(|p| program_base(p) == "changelogen")
        && cmd.has_flag(&["--publish"])
    {
        return (!cmd.has_flag(&["--dry", "--dry-run"])).then_some(Registry::Npm);
    }
    // `publish` is the subcommand: the program's or its tool's first word.
    let publish = cmd
        .words
        .iter()
        .filter(|w| !w.starts_with('-'))
        .skip(1)
        .take(2)
        .any(|w| w == "publish");
    let provenance = cmd
        .words
        .iter()
        .any(|w| w == "--provenance" || w == "--provenance=true");
    let dry = cmd.has_switch_on(&["--dry-run", "--dryrun", "--dry_run"]);
    (publish && provenance && !dry).then_some(Registry::Npm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_index_finds_what_trying_every_pattern_finds() {
        // Every pattern's program is a plain name (or `./name`), which the
        // index relies on.
        for p in PUBLISH_COMMANDS
            .iter()
            .map(|(p, _)| *p)
            .chain(SHIP_COMMANDS.iter().copied())
        {
            let program = p.split_whitespace().next().unwrap();
            assert!(!program.trim_start_matches("./").contains('/'), "{p}");
        }
        // Each pattern written as a command, and the forms a program takes
        // in scripts (a path, a package spec with its version, flags
        // between the words), plus commands that are none of them.
        let mut scripts: Vec<String> = PUBLISH_COMMANDS
            .iter()
            .map(|(p, _)| p.to_string())
            .chain(SHIP_COMMANDS.iter().map(|p| p.to_string()))
            .collect();
        scripts.extend(
            [
                "./node_modules/.bin/semantic-release",
                "npx semantic-release@24.2.9 --dry-run",
                "/usr/bin/npm --workspace a publish --access public",
                "./gradlew publish",
                "gh release create v1 dist/*",
                "gh  release list",
                "pnpm -r publish --no-git-checks",
                "python -m twine upload dist/*",
                "echo cargo publish",
                "docker buildx imagetools create -t x y",
                "make release",
                "cargo@1 publish",
                "@scope/tool publish",
            ]
            .map(String::from),
        );
        let publish_patterns: Vec<&str> = PUBLISH_COMMANDS.iter().map(|(p, _)| *p).collect();
        let (mut published, mut shipped) = (0, 0);
        for script in &scripts {
            for (_, cmd) in commands(script) {
                let linear = PUBLISH_COMMANDS
                    .iter()
                    .position(|(p, _)| cmd.matches(p))
                    .map(|i| &PUBLISH_COMMANDS[i].1);
                assert_eq!(publish_command(&cmd), linear, "{script}");
                let ships = SHIP_COMMANDS.iter().any(|p| cmd.matches(p));
                assert_eq!(ship_command(&cmd), ships, "{script}");
                published += usize::from(linear.is_some());
                shipped += usize::from(ships);
            }
        }
        // Most of the list matched itself (a few patterns are
        // shadowed by an earlier one of the same registry's form).
        assert!(published >= publish_patterns.len() - 5, "{published}");
        assert!(shipped >= SHIP_COMMANDS.len(), "{shipped}");
    }

    #[test]
    fn workflow_files_named_for_releasing() {
        for yes in [
            ".github/workflows/release.yml",
            ".github/workflows/npm-publish.yaml",
            ".github/workflows/release_pypi.yml",
            "ci/Publish.yml",
        ] {
            assert!(named_for_release(yes), "{yes}");
        }
        for no in [
            ".github/workflows/prerelease-check.yml",
            ".github/workflows/unpublished.yml",
            ".github/workflows/lint.yml",
            "",
        ] {
            assert!(!named_for_release(no), "{no}");
        }
    }

    #[test]
    fn registry_credentials_are_named_for_a_registry() {
        for yes in [
            "NPM_TOKEN",
            "PYPI_API_TOKEN",
            "nuget-api-key",
            "FURY_TOKEN",
            "CARGO_REGISTRY_TOKEN",
            "HEX_API_KEY",
            "gem_host_api_key",
        ] {
            assert!(registry_credential(yes), "{yes}");
        }
        for no in [
            "GITHUB_TOKEN",
            "PERSONAL_ACCESS_TOKEN",
            "CODECOV_TOKEN",
            "REVIEWDOG_TOKEN",
            "NPM_REGISTRY",
            "DOCKER_USERNAME",
            "DOCKERHUB_TOKEN",
            "GPG_PUB_KEY",
            "SIGNING_KEY",
            "TOKEN",
        ] {
            assert!(!registry_credential(no), "{no}");
        }
    }

    fn wf(text: &str) -> crate::workflow::WorkflowFile {
        crate::workflow::WorkflowFile::parse(".github/workflows/r.yml", text.into()).unwrap()
    }

    #[test]
    fn published_names_registries_and_how() {
        let npm_oidc = wf(
            "on: push\njobs:\n  p:\n    runs-on: x\n    permissions:\n      id-token: write\n    steps:\n      - run: npm publish --provenance\n",
        );
        let p = npm_oidc.published();
        assert!(p.any() && p.to(Registry::Npm) && p.npm_oidc);
        assert!(!p.to(Registry::Crates) && !p.whole_workspace);

        let npm_token =
            wf("on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: npm publish\n");
        assert!(npm_token.published().to(Registry::Npm) && !npm_token.published().npm_oidc);

        let crates = wf(
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: cargo publish --workspace\n",
        );
        let c = crates.published();
        assert!(c.to(Registry::Crates) && c.whole_workspace && !c.to(Registry::Npm));

        let ci = wf("on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: cargo test\n");
        assert_eq!(ci.published(), Published::default());
        assert!(!ci.published().any());

        let mut all = Published::default();
        for w in [&npm_oidc, &crates, &ci] {
            all.join(w.published());
        }
        assert!(all.to(Registry::Npm) && all.to(Registry::Crates) && !all.to(Registry::PyPi));
        assert!(all.npm_oidc && all.whole_workspace);
    }

    #[test]
    fn goreleaser_ships_only_a_real_release() {
        assert!(goreleaser_releases("release --clean"));
        assert!(goreleaser_releases("--clean"));
        assert!(goreleaser_releases(""));
        assert!(!goreleaser_releases("check"));
        assert!(!goreleaser_releases("release --snapshot --clean"));
        assert!(!goreleaser_releases("build --single-target"));
        // Chosen per event: the tag-push branch releases.
        assert!(goreleaser_releases(
            "${{ github.event_name == 'push' && 'release --clean' || 'release --snapshot --clean' }}"
        ));
        assert!(!goreleaser_releases(
            "${{ inputs.dry && 'release --snapshot' || 'check' }}"
        ));
        assert!(goreleaser_releases("${{ inputs.args }}"));
        assert!(goreleaser_releases(
            "release --clean ${{ steps.ids.outputs.id }}"
        ));
        assert!(goreleaser_releases("${{ inputs.command }} --clean"));
        assert!(!goreleaser_releases(
            "build --snapshot ${{ steps.ids.outputs.id }}"
        ));
        assert!(!goreleaser_releases(
            "build --clean ${{ steps.ids.outputs.id }}"
        ));
        assert!(!goreleaser_releases("${{ inputs.command }} --snapshot"));
        assert!(goreleaser_releases("--config x.yml ${{ inputs.command }}"));
    }

    /// What a one-step job running `run` publishes to.
    fn regs(run: &str) -> Vec<Registry> {
        facts(&format!(
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: {run}\n"
        ))
        .jobs[0]
            .publishes
            .iter()
            .map(|p| p.registry)
            .collect()
    }

    fn facts(yaml: &str) -> ReleaseFacts {
        let wf: Workflow = yaml_serde::from_str(yaml).unwrap();
        ReleaseFacts::analyse(&wf)
    }

    #[test]
    fn a_release_tools_publish_with_provenance_is_an_npm_publish() {
        let c = |s: &str| commands(s).remove(0).1;
        let reg = |s: &str| publish_registry(&c(s));
        assert_eq!(
            reg("yarn release-tool publish --yes --provenance"),
            Some(Registry::Npm)
        );
        assert_eq!(reg("yarn release-tool publish --yes"), None);
        assert_eq!(
            reg("yarn release-tool publish --provenance --dry-run"),
            None
        );
        assert_eq!(reg("tool publish --provenance=false"), None);
        assert_eq!(reg("gh attestation verify --provenance publish"), None);
    }

    #[test]
    fn finds_publish_commands_in_multiline_scripts() {
        let f = facts(
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: |\n          npm ci\n          npm publish --provenance --access public\n",
        );
        let p = &f.jobs[0].publishes[0];
        assert_eq!(p.registry, Registry::Npm);
        assert!(matches!(&p.via, Via::Command { line: 1, .. }));
        assert!(f.is_release());
    }

    #[test]
    fn dry_runs_and_github_releases_are_not_registry_publishing() {
        let f = facts(
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: cargo publish --dry-run\n      - run: gh release create v1 dist/*\n",
        );
        assert!(!f.jobs[0].is_publishing());
        assert!(f.is_release(), "a GitHub release ships artifacts");
        let plain = facts(
            "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test\n",
        );
        assert!(!plain.is_release());
        // pub.dev: `-n` is the dry run; `--force` publishes.
        let dart = facts(
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: dart pub publish -n\n      - run: flutter pub publish --force\n",
        );
        let regs: Vec<Registry> = dart.jobs[0].publishes.iter().map(|p| p.registry).collect();
        assert_eq!(regs, [Registry::PubDev]);
        assert_eq!(dart.jobs[0].publishes[0].step, 1);
    }

    #[test]
    fn jvm_goal_lists_publish_wherever_the_goal_stands() {
        let reg = |line: &str| publish_registry(&commands(line).remove(0).1);
        for (line, want) in [
            ("mvn clean deploy", Registry::Maven),
            ("./mvnw -B -ntp verify deploy:deploy", Registry::Maven),
            ("mvn -s settings.xml release:perform", Registry::Maven),
            (
                "./gradlew publishAllPublicationsToMavenCentralRepository",
                Registry::Maven,
            ),
            ("gradle :lib:publish", Registry::Maven),
            ("./gradlew publishPlugins", Registry::Other),
            ("sbt ci-release", Registry::Maven),
            ("sbt tlCiRelease", Registry::Maven),
            ("sbt core/publishSigned", Registry::Maven),
            (
                "./mvnw deploy -DaltDeploymentRepository=local::file:target/staging jreleaser:full-release",
                Registry::Maven,
            ),
            ("./gradlew jreleaserDeploy", Registry::Maven),
            (
                "mvn -B org.apache.maven.plugins:maven-deploy-plugin:3.1.1:deploy",
                Registry::Maven,
            ),
            ("mvn clean nexus-staging:deploy", Registry::Maven),
            (
                "mvn org.sonatype.plugins:nexus-staging-maven-plugin:deploy",
                Registry::Maven,
            ),
            (
                "mvn deploy -DaltReleaseDeploymentRepository=local::file:target/staging",
                Registry::Maven,
            ),
        ] {
            assert_eq!(reg(line), Some(want), "{line}");
        }
        for line in [
            "mvn clean install",
            "mvn -pl deploy test",
            "mvn deploy -Dmaven.deploy.skip=true",
            "./mvnw package appengine:deploy",
            "./gradlew publishPlugins --validate-only",
            "mvn site site:deploy",
            "mvn -B package azure-functions:deploy",
            "mvn com.microsoft.azure:azure-webapp-maven-plugin:2.13.0:deploy",
            "./mvnw -Ppublication deploy -DaltDeploymentRepository=local::file:./target/staging-deploy",
            "mvn deploy -DaltReleaseDeploymentRepository=local::default::file:///tmp/r -DaltSnapshotDeploymentRepository=local::default::file:///tmp/s",
            "./gradlew publishToMavenLocal",
            "./gradlew publishAllPublicationsToStagingRepository",
            "./gradlew closeAndReleaseStagingRepositories",
            "./gradlew build -x publish",
            "./gradlew --dry-run publish",
            "sbt publishLocal",
            "sbt test",
        ] {
            assert_eq!(reg(line), None, "{line}");
        }
    }

    #[test]
    fn an_immutable_action_push_ships() {
        let f = facts(
            "on: release\njobs:\n  p:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/publish-immutable-action@v0.0.4\n",
        );
        assert!(f.is_release());
        assert!(!f.jobs[0].is_publishing(), "no package registry");
        assert_eq!(f.jobs[0].ships[0].step, 1);
    }

    #[test]
    fn ko_pushes_where_the_environment_says() {
        let (_, cmd) = commands("ko build ./cmd/x").remove(0);
        assert!(!pushes_image(&cmd, Some("kind.local")));
        assert!(!pushes_image(&cmd, Some("registry.localhost:5000/ko")));
        assert!(pushes_image(&cmd, Some("ghcr.io/o/x")));
        // An inline assignment wins over the environment.
        let (_, cmd) = commands("KO_DOCKER_REPO=ghcr.io/o ko build ./cmd/x").remove(0);
        assert!(pushes_image(&cmd, Some("kind.local")));
    }

    #[test]
    fn image_builds_that_push_ship() {
        let ships = |line: &str| {
            let (_, cmd) = commands(line).remove(0);
            pushes_image(&cmd, None)
        };
        for line in [
            "KO_DOCKER_REPO=ghcr.io/o ko build ./cmd/x",
            "KO_DOCKER_REPO=localhost.example.com/x ko build ./cmd/x",
            "docker buildx build --push -t localhost:5000/x -t ghcr.io/o/x .",
            "docker buildx build --push -t ghcr.io/o/x:1 .",
            "docker buildx build --push=${{ github.event_name != 'pull_request' }} .",
            "docker build --output type=registry -t o/x .",
            "docker buildx bake --push",
            "docker manifest push o/x:1",
            "crane copy o/x:1 o/x:latest",
            "helm push chart.tgz oci://ghcr.io/o",
            "ko build ./cmd/x",
            "ko build --insecure-registry=false ./cmd/x",
            "docker compose push",
        ] {
            assert!(ships(line), "{line}");
        }
        for line in [
            "docker buildx build -t o/x .",
            "docker buildx build --push=false .",
            "docker build --load -t o/x .",
            "ko build --local ./cmd/x",
            "ko publish --insecure-registry -B example.com/demo",
            "crane --insecure copy registry.local:5000/x:1 registry.local:5000/x:2",
            "helm push chart.tgz oci://localhost:5000/charts --plain-http",
            "docker buildx build --output type=registry,registry.insecure=true -t localhost:5000/x .",
            "helm package chart",
            "KO_DOCKER_REPO=kind.local ko apply -f ./config",
            "KO_DOCKER_REPO=ko.local ko build ./cmd/x",
            "KO_DOCKER_REPO=registry.localhost:5000/x ko build ./cmd/x",
            "KO_DOCKER_REPO=127.0.0.1:5000/x ko resolve -f ./config",
            "docker buildx build --push -t localhost:5000/x:1 -t localhost:5000/x:2 .",
        ] {
            assert!(!ships(line), "{line}");
        }
    }

    #[test]
    fn nx_release_publishes_unless_told_not_to() {
        let reg = |line: &str| publish_registry(&commands(line).remove(0).1);
        for line in [
            "npx nx release --yes",
            "nx release minor",
            "pnpm exec nx release publish",
        ] {
            assert_eq!(reg(line), Some(Registry::Npm), "{line}");
        }
        for line in [
            "nx release --skip-publish",
            "nx release --dry-run",
            "nx release version 1.2.0",
            "nx release changelog 1.2.0",
            "nx release plan minor",
        ] {
            assert_eq!(reg(line), None, "{line}");
        }
    }

    #[test]
    fn cargo_release_publishes_only_when_executed() {
        let reg = |line: &str| publish_registry(&commands(line).remove(0).1);
        for line in [
            "cargo release --execute --no-confirm",
            "cargo release minor -x",
            "cargo release publish --execute",
            "cargo release --workspace 1.2.0 --execute",
        ] {
            assert_eq!(reg(line), Some(Registry::Crates), "{line}");
        }
        for line in [
            "cargo release minor",
            "cargo release --execute --no-publish",
            "cargo release tag --execute",
            "cargo release version patch -x",
        ] {
            assert_eq!(reg(line), None, "{line}");
        }
    }

    #[test]
    fn a_package_managers_bin_publishes_what_it_runs() {
        let reg = |s: &str| publish_registry(&commands(s).remove(0).1);
        assert_eq!(
            reg("yarn lerna publish from-package --dist-tag next --yes"),
            Some(Registry::Npm)
        );
        assert_eq!(reg("pnpm semantic-release"), Some(Registry::Npm));
        assert_eq!(reg("bun changeset publish"), Some(Registry::Npm));
        assert_eq!(reg("yarn nx release publish"), Some(Registry::Npm));
        assert_eq!(reg("yarn lerna publish --dry-run"), None);
        assert_eq!(reg("yarn lerna version patch --yes"), None);
        assert_eq!(reg("yarn lerna run build"), None);
    }

    #[test]
    fn workspace_runners_publish_what_they_run() {
        let reg = |line: &str| publish_registry(&commands(line).remove(0).1);
        for line in [
            "yarn workspaces foreach -A --no-private npm publish",
            "yarn workspace @acme/web npm publish --access public",
            "yarn workspace @acme/web exec npm publish --provenance",
            "lerna exec --no-private -- npm publish",
            "pnpm -r --filter ./packages/* exec npm publish",
            "changelogen --release --publish",
            "pnpm changelogen --canary nightly --publish",
            "npx release publish",
        ] {
            assert_eq!(reg(line), Some(Registry::Npm), "{line}");
        }
        for line in [
            "yarn workspaces foreach -A run build",
            "yarn workspace web build",
            "yarn workspace web exec npm pack",
            "lerna exec -- npm test",
            "pnpm -r exec tsc",
            "yarn workspaces foreach -A npm publish --dry-run",
            "changelogen --release",
            "changelogen --publish --dry",
        ] {
            assert_eq!(reg(line), None, "{line}");
        }
    }

    #[test]
    fn release_tools_handed_the_token_publish_with_it() {
        let job = |run: &str| {
            facts(&format!(
                "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: {run}\n        env:\n          NPM_TOKEN: ${{{{ secrets.NPM_TOKEN }}}}\n"
            ))
        };
        for run in [
            "npx release-it --ci",
            "yarn auto shipit -vv",
            "pnpm release",
            "bun x release-it",
        ] {
            assert_eq!(
                job(run).jobs[0].publishes[0].registry,
                Registry::Npm,
                "{run}"
            );
        }
        for run in [
            "release-it --ci --dry-run",
            "yarn auto shipit -d",
            "yarn build",
            "auto label",
        ] {
            assert!(!job(run).jobs[0].is_publishing(), "{run}");
        }
    }

    #[test]
    fn vite_plus_publishes_through_the_package_manager() {
        // Vite+ hands `vp pm publish` to the project's package manager;
        // `vp exec` and `vpx` run a package's binary.
        assert_eq!(
            regs("vp pm publish -r --tag latest --no-git-checks"),
            [Registry::Npm]
        );
        assert_eq!(regs("vp pm publish -r --dry-run --no-git-checks"), []);
        assert_eq!(regs("vp pm pack"), []);
        assert_eq!(regs("vp exec changeset publish"), [Registry::Npm]);
        assert_eq!(regs("vpx semantic-release"), [Registry::Npm]);
    }

    #[test]
    fn pub_lish_gradle_publish_tasks_and_maven_deploys_publish() {
        assert_eq!(regs("dart pub lish -f"), [Registry::PubDev]);
        assert_eq!(regs("dart pub lish --dry-run"), []);
        assert_eq!(
            regs(
                "./gradlew githubRelease publishToSonatype closeAndReleaseStagingRepositories --info"
            ),
            [Registry::Maven]
        );
        assert_eq!(regs("./gradlew :lib:publish"), [Registry::Maven]);
        assert_eq!(regs("gradle build publishPlugins"), [Registry::Other]);
        // Local repositories, other tasks and dry runs publish nothing.
        assert_eq!(regs("./gradlew build publishToMavenLocal"), []);
        assert_eq!(
            regs("./gradlew publishAllPublicationsToStagingRepository"),
            []
        );
        assert_eq!(regs("./gradlew publishToSonatype -m"), []);
        assert_eq!(regs("./gradlew check -Ppublish=true"), []);
        // Maven: the deploy phase or goal among others.
        assert_eq!(regs("mvn -B clean deploy -P release"), [Registry::Maven]);
        assert_eq!(regs("./mvnw clean nexus-staging:deploy"), [Registry::Maven]);
        assert_eq!(regs("./mvnw -B release:perform"), [Registry::Maven]);
        assert_eq!(regs("mvn -B clean verify"), []);
        assert_eq!(regs("mvn -B release:prepare"), []);
    }

    #[test]
    fn a_rake_release_run_by_gem_exec_publishes_with_configured_credentials() {
        let f = facts(
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - uses: rubygems/configure-rubygems-credentials@v1\n      - run: gem exec rake gems:release\n",
        );
        assert_eq!(f.jobs[0].publishes[0].registry, Registry::RubyGems);
        assert_eq!(f.jobs[0].publishes[0].step, 1);
    }

    #[test]
    fn gem_release_publishes_with_configured_credentials() {
        let f = facts(
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - uses: rubygems/configure-rubygems-credentials@v1\n      - run: gem release\n",
        );
        assert_eq!(f.jobs[0].publishes[0].registry, Registry::RubyGems);
        let pretend = facts(
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - uses: rubygems/configure-rubygems-credentials@v1\n      - run: gem release --pretend\n",
        );
        assert!(pretend.jobs[0].publishes.is_empty());
    }

    #[test]
    fn a_script_given_a_registry_token_publishes() {
        let f = facts(
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: scripts/publish\n        env:\n          TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN }}\n",
        );
        assert_eq!(f.jobs[0].publishes[0].registry, Registry::PyPi);
        let install = facts(
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: npm ci\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n",
        );
        assert!(
            !install.jobs[0].is_publishing(),
            "installing from a private registry is not publishing"
        );
    }

    #[test]
    fn a_task_handed_a_registry_key_in_its_arguments_publishes() {
        let job = |run: &str| {
            facts(&format!(
                "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: {run}\n"
            ))
        };
        let f = job("dotnet make publish --nuget-key=\"${{secrets.NUGET_API_KEY}}\"");
        assert_eq!(f.jobs[0].publishes[0].registry, Registry::NuGet);
        let f = job("./build.sh --target Publish --api-key ${{ secrets.NUGET_KEY }}");
        assert_eq!(f.jobs[0].publishes[0].registry, Registry::NuGet);
        // A task that does not release, or a secret that is no registry's.
        assert!(
            !job("dotnet make test --nuget-key=${{ secrets.NUGET_API_KEY }}").jobs[0]
                .is_publishing()
        );
        assert!(
            !job("dotnet make publish --token=${{ secrets.SLACK_TOKEN }}").jobs[0].is_publishing()
        );
    }

    #[test]
    fn a_tox_or_nox_release_environment_given_a_registry_token_publishes() {
        let job = |run: &str| {
            facts(&format!(
                "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: {run}\n        env:\n          TWINE_PASSWORD: ${{{{ secrets.PYPI_TOKEN }}}}\n"
            ))
        };
        for run in [
            "tox -e release",
            "tox run -e=release",
            "python -m tox -e publish",
            "uvx nox -s upload",
        ] {
            let f = job(run);
            assert_eq!(f.jobs[0].publishes[0].registry, Registry::PyPi, "{run}");
        }
        for run in [
            "tox -e py312",
            "tox -e release,docs",
            "tox -e ${{ matrix.env }}",
            "nox -s tests",
        ] {
            assert!(!job(run).jobs[0].is_publishing(), "{run}");
        }
    }

    #[test]
    fn installs_and_builds_but_not_publish_tools() {
        let ib = |s: &str| install_or_build(&commands(s).remove(0).1);
        assert_eq!(ib("pip install -r requirements.txt"), Some("pip install"));
        assert_eq!(
            ib("python -m pip install --upgrade build twine"),
            Some("pip install")
        );
        assert_eq!(ib("python -m pip install --upgrade pip"), None);
        assert_eq!(ib("pip install twine==6.1.0"), None);
        assert_eq!(ib("npm install -g npm@latest"), None);
        assert_eq!(ib("npm ci"), Some("npm ci"));
        assert_eq!(ib("yarn"), Some("yarn"));
        assert_eq!(ib("yarn npm publish"), None);
        assert_eq!(ib("python -m build --sdist"), Some("build"));
        assert_eq!(ib("python setup.py sdist"), Some("setup.py"));
        assert_eq!(ib("MIX_ENV=prod mix deps.get"), Some("mix deps.get"));
        assert_eq!(ib("npm run test"), None);
        assert_eq!(ib("echo npm ci"), None);
    }

    #[test]
    fn publish_actions() {
        let f = facts(
            "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - uses: pypa/gh-action-pypi-publish@release/v1\n",
        );
        assert_eq!(f.jobs[0].publishes[0].registry, Registry::PyPi);
    }
}
