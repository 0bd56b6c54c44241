//! The commands behind the CLI. Each returns the process exit code:
//! 0 nothing blocks, 1 something blocks, 2 the policy or command line is wrong.

use crate::baseline;
use crate::checks;
use crate::cli::{
    BaselineArgs, CheckArgs, Cli, ColorChoice, Command, EvidenceCommand, FailOn, ListFormat,
};
use crate::engine::{self, Options};
use crate::evaluators::EVALUATORS;
use crate::finding::Severity;
use crate::policy;
use crate::preflight;
use crate::repo::Tree;
use crate::repo::fs_guard::{self, Create};
use crate::report::{self, Format};
use std::io::{IsTerminal, Write};

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Baseline(args) => write_baseline(args),
        Command::Init { path, force } => init(&path, force),
        Command::List {
            presets,
            markdown,
            format,
        } => print_out(&match (presets, markdown, format) {
            (true, _, _) => presets_text(),
            (_, true, _) | (_, _, ListFormat::Markdown) => catalog_markdown(),
            (_, _, ListFormat::Json) => crate::list_json::to_string(),
            (_, _, ListFormat::Human) => list_text(),
        }),
        Command::Evidence {
            command: EvidenceCommand::Collect(args),
        } => match crate::evidence::collect_script(&args) {
            Ok(script) => print_out(&script),
            Err(e) => usage_error(e),
        },
        Command::Explain {
            error: Some(text), ..
        } => match crate::registry_errors::explain(&text) {
            Some(t) => print_out(&t),
            None => {
                say(format_args!(
                    "error: no known registry error matches that text; `shipgate explain registry-readiness` and `shipgate explain publisher-binding` describe what trusted publishing needs"
                ));
                2
            }
        },
        Command::Explain { id, .. } => {
            let id = id.unwrap_or_default();
            if let Some((check, code)) = id.split_once('/') {
                return match explain_code(check, code) {
                    Ok(t) => print_out(&t),
                    Err(e) => {
                        say(format_args!("error: {e}"));
                        2
                    }
                };
            }
            match explain_text(&id) {
                Some(t) => print_out(&t),
                None => {
                    let mut names: Vec<&str> =
                        checks::BUILTINS.iter().map(|b| b.meta().id).collect();
                    names.extend(crate::evaluators::EVALUATORS.iter().map(|e| e.name));
                    let hint = policy::did_you_mean(&id, &names);
                    say(format_args!(
                        "error: unknown check or evaluator `{}`{hint}; `shipgate list` shows them",
                        log_safe(&id)
                    ));
                    2
                }
            }
        }
        Command::Schema => print_out(&crate::schema::to_string(&crate::engine::catalog())),
        Command::Completions { shell } => {
            let mut cmd = completion_command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "shipgate", &mut buf);
            let mut script = String::from_utf8_lossy(&buf).into_owned();
            if shell == clap_complete::Shell::Fish {
                script.push_str(&fish_explain_values());
            }
            print_out(&script)
        }
    }
}

/// The command line as shell completion sees it: `--only`/`--skip` offer
/// the check ids, `--lane` the built-in lanes, `explain` the checks and
/// evaluators, each with its title, and every `CHECK/CODE` of their own
/// codes, each with its summary (shells that show descriptions, zsh and
/// fish, print them beside the value). Parsing itself stays open (a policy
/// may add checks and lanes, and a typo gets "did you mean"), so the lists
/// live only here.
pub fn completion_command() -> clap::Command {
    use clap::builder::{PossibleValue, PossibleValuesParser};
    let ids: Vec<&'static str> = checks::BUILTINS
        .iter()
        .map(|b| b.meta().id)
        .chain(std::iter::once(checks::waivers::META.id))
        .collect();
    let explainable = explain_values()
        .into_iter()
        // clap keeps possible values as `&'static str` (its `string`
        // feature is off); this runs once, to print a script, so the few
        // KB of `CHECK/CODE` names are leaked rather than owned.
        .map(|(value, about)| PossibleValue::new(&*value.leak()).help(about));
    let lanes: Vec<&'static str> = policy::BUILTIN_LANES.to_vec();
    let values = |v: &[&'static str]| PossibleValuesParser::new(v.to_vec());
    <Cli as clap::CommandFactory>::command()
        .mut_subcommand("check", |c| {
            c.mut_arg("only", |a| a.value_parser(values(&ids)))
                .mut_arg("skip", |a| a.value_parser(values(&ids)))
                .mut_arg("lane", |a| a.value_parser(values(&lanes)))
        })
        .mut_subcommand("baseline", |c| {
            c.mut_arg("lane", |a| a.value_parser(values(&lanes)))
        })
        .mut_subcommand("explain", |c| {
            c.mut_arg("id", |a| {
                a.value_parser(PossibleValuesParser::new(explainable))
            })
        })
}

/// clap_complete's fish script completes the values of options but not of
/// positional arguments, so `explain`'s values are added after it: one
/// `complete` line each, with its description.
fn fish_explain_values() -> String {
    let quote = |t: &str| format!("'{}'", t.replace('\\', "\\\\").replace('\'', "\\'"));
    let mut s = String::from("# `shipgate explain` takes a check, an evaluator, or CHECK/CODE.\n");
    for (value, about) in explain_values() {
        s.push_str(&format!(
            "complete -c shipgate -n \"__fish_shipgate_using_subcommand explain\" -f -a {} -d {}\n",
            quote(&value),
            quote(&about)
        ));
    }
    s
}

/// What `explain` takes, with a line about each: every check and audit
/// (its title), every evaluator (its summary), then `CHECK/CODE` and
/// `EVALUATOR/CODE` for each of their own codes (its summary). The engine's
/// codes, which `explain` also takes under any check, are left out: they
/// would repeat under every check.
pub fn explain_values() -> Vec<(String, String)> {
    let one_line = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: Vec<(String, String)> = checks::all_metas()
        .map(|m| (m.id.to_string(), one_line(m.title)))
        .chain(
            EVALUATORS
                .iter()
                .map(|e| (e.name.to_string(), one_line(e.summary))),
        )
        .collect();
    for m in checks::all_metas() {
        for c in m.codes {
            out.push((format!("{}/{}", m.id, c.id), one_line(c.summary)));
        }
    }
    for e in EVALUATORS {
        for c in e.codes {
            out.push((format!("{}/{}", e.name, c.id), one_line(c.summary)));
        }
    }
    out
}

/// Colour is for the human format only. `--color always` / `never` decide
/// alone; with `auto`, `NO_COLOR` set to anything non-empty turns it off
/// (https://no-color.org), else `FORCE_COLOR` or `CLICOLOR_FORCE` set to
/// anything but empty or `0` turn it on, else it follows the terminal.
pub fn use_color(
    format: Format,
    choice: ColorChoice,
    terminal: bool,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> bool {
    if format != Format::Human {
        return false;
    }
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    let forced = |name: &str| env(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR") => false,
        ColorChoice::Auto => forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") || terminal,
    }
}

/// What the human report puts before each path so `path:line:col` opens
/// from the current directory: `packages/app/` when the root was given as a
/// relative path below it, `../` for each level when the current directory
/// lies inside the root (the root was found upwards). Empty when the root is
/// the current directory, was given as an absolute path, lies elsewhere, or
/// cannot be resolved.
pub fn display_prefix(root: &std::path::Path, cwd: Option<&std::path::Path>) -> String {
    let Some(cwd) = cwd else {
        return String::new();
    };
    let (Ok(root), Ok(cwd)) = (std::fs::canonicalize(root), std::fs::canonicalize(cwd)) else {
        return String::new();
    };
    let below = workspace_prefix(&root, None, Some(&cwd));
    if !below.is_empty() || root == cwd {
        return below;
    }
    if let Ok(inside) = cwd.strip_prefix(&root) {
        return "../".repeat(inside.components().count());
    }
    String::new()
}

/// Where `--format github` and SARIF paths start: the root relative to the
/// workspace (`GITHUB_WORKSPACE` when set, else the current directory),
/// `/`-separated with a trailing `/`, so `shipgate check packages/app`
/// annotates `packages/app/…`. Empty when the root is the workspace, lies
/// outside it, or cannot be resolved: paths then stay relative to the root.
pub fn workspace_prefix(
    root: &std::path::Path,
    github_workspace: Option<&std::ffi::OsStr>,
    cwd: Option<&std::path::Path>,
) -> String {
    let workspace = match github_workspace.filter(|w| !w.is_empty()) {
        Some(w) => std::path::PathBuf::from(w),
        None => match cwd {
            Some(c) => c.to_path_buf(),
            None => return String::new(),
        },
    };
    let (Ok(root), Ok(workspace)) = (
        std::fs::canonicalize(root),
        std::fs::canonicalize(workspace),
    ) else {
        return String::new();
    };
    let Ok(rel) = root.strip_prefix(&workspace) else {
        return String::new();
    };
    let mut prefix = String::new();
    for part in rel.components() {
        match part.as_os_str().to_str() {
            Some(p) => {
                prefix.push_str(p);
                prefix.push('/');
            }
            None => return String::new(),
        }
    }
    prefix
}

/// `--format github` in a GitHub Actions job: append the Markdown summary to
/// the file `$GITHUB_STEP_SUMMARY` names.
fn append_step_summary(report: &report::Report, ctx: &report::RenderContext) -> Result<(), String> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("cannot open $GITHUB_STEP_SUMMARY ({}): {e}", path.display()))?;
    file.write_all(report::markdown_summary(report, ctx).as_bytes())
        .and_then(|_| file.write_all(b"\n"))
        .map_err(|e| {
            format!(
                "cannot write $GITHUB_STEP_SUMMARY ({}): {e}",
                path.display()
            )
        })
}

/// Writes to stdout, treating a closed pipe as success.
fn print_out(text: &str) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            say(format_args!("error: cannot write output: {e}"));
            2
        }
    }
}

/// Writes a line to stderr. Unlike `eprintln!`, a closed stderr is not a
/// panic (which, inside the panic hook, would abort the process).
pub fn say(msg: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "{msg}");
}

/// An error that ends the run with exit 2. The message may quote the tree
/// (a policy key, a path), and a GitHub runner reads stderr for workflow
/// commands too: hidden characters are shown escaped and `::` / `##[`
/// neutralised, line by line.
fn usage_error(msg: impl std::fmt::Display) -> u8 {
    say(format_args!("error: {}", log_safe(&msg.to_string())));
    2
}

/// Text for stderr, safe for a terminal and a CI log (see [`usage_error`]).
fn log_safe(msg: &str) -> String {
    msg.split('\n')
        .map(report::escape::github_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The root `check` gates without a PATH: the nearest of the current
/// directory and its parents that holds `.git` or `shipgate.toml` (as cargo
/// and ruff look for theirs); the current directory when none does.
pub fn find_root(start: &std::path::Path) -> std::path::PathBuf {
    start
        .ancestors()
        .find(|d| {
            [".git", "shipgate.toml"]
                .iter()
                .any(|m| std::fs::symlink_metadata(d.join(m)).is_ok())
        })
        .unwrap_or(start)
        .to_path_buf()
}

/// Whether the tree holds anything the gate judges: a workflow, a package
/// manifest or release config, or a Markdown doc.
fn has_something_to_gate(tree: &Tree) -> bool {
    const MANIFESTS: &[&str] = &[
        "Cargo.toml",
        "pyproject.toml",
        "package.json",
        "mix.exs",
        "release-please-config.json",
        ".release-please-manifest.json",
    ];
    // A workflow folder that is a symlink is something to gate: the gate
    // blocks on it rather than call the tree empty.
    !tree.workflow_paths().is_empty()
        || tree.workflow_dir_link.is_some()
        || tree.paths().any(|p| {
            let name = p.rsplit('/').next().unwrap_or(p);
            MANIFESTS.contains(&name) || crate::repo::markdown::is_markdown(p)
        })
}

/// What `check` and `baseline` both run: the root, the policy and the tree,
/// then the gate. `Err` is the exit code of a usage error already reported.
struct Gate<'a> {
    path: Option<&'a std::path::Path>,
    policy: Option<&'a std::path::Path>,
    lane: &'a str,
    only: &'a [String],
    skip: &'a [String],
    /// `--base REF` and `--head REF`.
    base: Option<&'a str>,
    head: Option<&'a str>,
}

fn run_gate(g: Gate<'_>) -> Result<(report::Report, std::path::PathBuf), u8> {
    let root = match g.path {
        Some(p) => p.to_path_buf(),
        None => match std::env::current_dir() {
            Ok(cwd) => find_root(&cwd),
            Err(e) => {
                return Err(usage_error(format!(
                    "cannot read the current directory: {e}"
                )));
            }
        },
    };
    let policy =
        policy::resolve(&root, g.policy, &crate::engine::catalog()).map_err(usage_error)?;
    if !policy.knows_lane(g.lane) {
        let mut lanes: Vec<String> = policy::BUILTIN_LANES
            .iter()
            .map(|s| s.to_string())
            .collect();
        lanes.extend(policy.lanes.iter().cloned());
        return Err(usage_error(format!(
            "unknown lane `{}`; lanes: {}",
            g.lane,
            lanes.join(", ")
        )));
    }
    let known = engine::known_ids(&policy);
    for id in g.only.iter().chain(g.skip) {
        if !known.iter().any(|k| k == id) {
            let names: Vec<&str> = known.iter().map(|k| k.as_str()).collect();
            let hint = policy::did_you_mean(id, &names);
            return Err(usage_error(format!(
                "unknown check `{id}` in --only/--skip{hint}; `shipgate list` shows the built-in checks"
            )));
        }
    }
    let today = jiff::Zoned::now().date();
    let opts = Options {
        lane: g.lane.to_string(),
        only: g.only.to_vec(),
        skip: g.skip.to_vec(),
        today,
    };
    // A run that judges nothing must not say PASS.
    if engine::planned_ids(&policy, &opts).is_empty() {
        return Err(usage_error(format!(
            "no check is left to run in lane `{}` (--only {:?}, --skip {:?}); nothing would be judged",
            g.lane,
            g.only.join(","),
            g.skip.join(",")
        )));
    }
    // With a base (or head) revision, both come from the repository's
    // objects, read with gix; nothing is run.
    let repo = match (g.base, g.head) {
        (None, None) => None,
        _ => Some(preflight::git::Repo::open(&root).map_err(usage_error)?),
    };
    let read = |spec: &str| -> Result<preflight::Snapshot, u8> {
        match &repo {
            Some(repo) => preflight::Snapshot::read(repo, spec).map_err(usage_error),
            None => Err(usage_error("no repository to read a revision from")),
        }
    };
    let head = g.head.map(read).transpose()?;
    let base = g.base.map(read).transpose()?.map(preflight::Base::new);
    let discovered = match &head {
        Some(_) => None,
        None => Some(Tree::discover(&root).map_err(usage_error)?),
    };
    let tree = match (&head, &discovered) {
        (Some(h), _) => &h.tree,
        (None, Some(t)) => t,
        (None, None) => return Err(usage_error("no tree to judge")),
    };
    if policy.custom.is_empty() && !has_something_to_gate(tree) {
        return Err(usage_error(format!(
            "nothing to gate in {}: no workflow (.github/workflows/*.yml), package manifest \
             or release config, and no Markdown doc. Is this the repository root?",
            root.display()
        )));
    }
    let mut report = engine::run_with_base(tree, base.as_ref(), &policy, &opts);
    if let Some(base) = &base {
        // The same checks over the base, to tell what the change brought.
        let before = engine::run(base.tree(), &policy, &opts);
        report = preflight::split::mark(report, &before, &base.describe());
    }
    drop((head, base, discovered));
    Ok((report, root))
}

/// The baseline `check` applies: `--baseline FILE`, else the root's
/// `.shipgate-baseline.json` when there is one (a dangling symlink there is
/// there, and refused), none with `--no-baseline`.
fn load_baseline(
    args: &CheckArgs,
    root: &std::path::Path,
) -> Result<Option<baseline::Baseline>, baseline::BaselineError> {
    if args.no_baseline {
        return Ok(None);
    }
    match &args.baseline {
        Some(p) => baseline::read(p, &p.display().to_string()).map(Some),
        None => {
            let abs = root.join(baseline::FILE_NAME);
            if std::fs::symlink_metadata(&abs).is_err() {
                return Ok(None);
            }
            baseline::read(&abs, baseline::FILE_NAME).map(Some)
        }
    }
}

fn write_baseline(args: BaselineArgs) -> u8 {
    let (report, root) = match run_gate(Gate {
        path: args.path.as_deref(),
        policy: args.policy.as_deref(),
        lane: &args.lane,
        only: &[],
        skip: &[],
        base: None,
        head: None,
    }) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let target = args
        .output
        .clone()
        .unwrap_or_else(|| root.join(baseline::FILE_NAME));
    let (text, findings) = baseline::to_text(&report);
    // Never through a symlink, nor a linked directory: the root is the tree
    // under review.
    let written = fs_guard::write_near_tree(&root, &target, Create::Replace, text.as_bytes());
    if let Err(e) = written {
        return usage_error(e);
    }
    print_out(&format!(
        "Wrote {} with {findings} known finding{} (lane {}). `shipgate check` now blocks only on new ones.\n",
        target.display(),
        if findings == 1 { "" } else { "s" },
        args.lane
    ))
}

fn check(args: CheckArgs) -> u8 {
    if args.fail_on == FailOn::New && args.base.is_none() {
        return usage_error(
            "--fail-on new needs --base REF: without a base there is nothing to be new against",
        );
    }
    let gate = || {
        run_gate(Gate {
            path: args.path.as_deref(),
            policy: args.policy.as_deref(),
            lane: &args.lane,
            only: &args.only,
            skip: &args.skip,
            base: args.base.as_deref(),
            head: args.head.as_deref(),
        })
    };
    let (mut report, root) = match gate() {
        Ok(r) => r,
        Err(code) => return code,
    };
    if args.diff {
        return print_fixes(&report, &root);
    }
    if args.fix && apply_fixes(&report, &root) > 0 {
        // Report what is left, judged on the fixed files.
        report = match gate() {
            Ok((r, _)) => r,
            Err(code) => return code,
        };
    }
    let report = match load_baseline(&args, &root) {
        Ok(Some(b)) => {
            let base = report.base.clone();
            let mut applied = baseline::apply(report, &b);
            applied.base = base;
            applied.summary.existing = preflight::split::count_existing(&applied);
            applied
        }
        Ok(None) => report,
        Err(e) => return usage_error(e),
    };
    let code = u8::from(match args.fail_on {
        FailOn::Block => report.fails(Severity::Block),
        FailOn::Warn => report.fails(Severity::Warn),
        FailOn::New => report.fails_on_new(),
    });
    let mut ctx = report::RenderContext {
        color: false,
        workspace_prefix: workspace_prefix(
            &root,
            std::env::var_os("GITHUB_WORKSPACE").as_deref(),
            std::env::current_dir().ok().as_deref(),
        ),
        links: {
            let var = |k: &str| std::env::var(k).ok();
            report::LinkBase::github(
                var("GITHUB_SERVER_URL").as_deref(),
                var("GITHUB_REPOSITORY").as_deref(),
                var("GITHUB_SHA").as_deref(),
            )
        },
        quiet: args.quiet,
        fail_on: match args.fail_on {
            FailOn::Block => report::Threshold::Block,
            FailOn::Warn => report::Threshold::Warn,
            FailOn::New => report::Threshold::New,
        },
        display_prefix: match args.path.as_deref() {
            Some(p) if p.is_absolute() => String::new(),
            _ => display_prefix(&root, std::env::current_dir().ok().as_deref()),
        },
    };
    let written = match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            let _ = report::render(&report, args.format, &ctx, &mut buf);
            // The path may lie inside the tree under review: a symlink planted
            // there, or a directory on the way that is one, is refused,
            // never written through.
            fs_guard::write_near_tree(&root, path, Create::Replace, &buf)
        }
        None => {
            ctx.color = use_color(
                args.format,
                args.color,
                std::io::stdout().is_terminal(),
                |name| std::env::var_os(name),
            );
            // Buffered: stdout alone flushes at every line.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            match report::render(&report, args.format, &ctx, &mut out).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write the report: {e}")),
            }
        }
    };
    if let Err(e) = written {
        return usage_error(e);
    }
    if args.format == Format::Github
        && let Err(e) = append_step_summary(&report, &ctx)
    {
        // The gate ran; a summary that cannot be written must not hide its verdict.
        say(format_args!("warning: {}", log_safe(&e)));
    }
    // The run is over and what it wrote is flushed: the process exits here
    // rather than free the report one finding at a time (100,000 findings,
    // made on the pass's threads, took 0.3 s to free on this one); the OS
    // takes the memory back at once. Nothing else is pending: no file is
    // open for writing, and no other thread is running.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    std::process::exit(i32::from(code))
}

/// The fixes of the findings that count (a waived or inline-ignored finding
/// was accepted as it is, so it is left alone).
fn fixes(report: &report::Report) -> impl Iterator<Item = &crate::fix::Fix> {
    report
        .checks
        .iter()
        .flat_map(|c| &c.findings)
        .filter(|f| f.suppressed.is_none())
        .filter_map(|f| f.fix.as_deref())
}

fn say_refused(refused: &[crate::fix::Refusal]) {
    for r in refused {
        say(format_args!(
            "warning: not fixing {}: {}",
            log_safe(&r.path),
            log_safe(&r.reason)
        ));
    }
}

/// `check --diff`: the fixes as one unified diff on stdout; nothing is
/// written. Exit 0 when there is nothing to fix, 1 otherwise.
fn print_fixes(report: &report::Report, root: &std::path::Path) -> u8 {
    let (changes, refused) = crate::fix::plan(root, fixes(report));
    say_refused(&refused);
    if changes.is_empty() && refused.is_empty() {
        say("nothing to fix");
        return 0;
    }
    let patch: String = changes.iter().map(|c| c.unified_diff()).collect();
    match print_out(&patch) {
        0 => 1,
        code => code,
    }
}

/// `check --fix`: writes the fixes, says on stderr what changed and what was
/// refused; returns how many files were written.
fn apply_fixes(report: &report::Report, root: &std::path::Path) -> usize {
    let (changes, mut refused) = crate::fix::plan(root, fixes(report));
    let failed = crate::fix::write(root, &changes);
    for c in &changes {
        if failed.iter().any(|r| r.path == c.path) {
            continue;
        }
        say(format_args!(
            "fixed {}: {}",
            log_safe(&c.path),
            log_safe(&c.titles.join("; "))
        ));
    }
    let written = changes.len() - failed.len();
    refused.extend(failed);
    say_refused(&refused);
    written
}

fn init(root: &std::path::Path, force: bool) -> u8 {
    let tree = match Tree::discover(root) {
        Ok(t) => t,
        Err(e) => return usage_error(e),
    };
    if let Some(refused) = fs_guard::symlink_refusal(&root.join("shipgate.toml")) {
        return usage_error(refused);
    }
    if let Some((_, shown)) = policy::find_policy_file(root)
        && !(force && shown == "shipgate.toml")
    {
        return usage_error(format!(
            "{shown} already exists in {}; pass --force to overwrite shipgate.toml",
            root.display()
        ));
    }
    let detected = crate::init::detect(&tree);
    let text = detected.policy_text();
    let target = root.join("shipgate.toml");
    // Never through a symlink: `--force` replaces a regular file only, and
    // a new file is created exclusively (a dangling link is not followed).
    let how = if force { Create::Replace } else { Create::New };
    let written = fs_guard::write(&target, how, text.as_bytes());
    if let Err(e) = written {
        return usage_error(e);
    }
    print_out(&format!(
        "Detected:\n{}\nWrote {}. Run `shipgate check {}` to use it.\n",
        detected.summary(),
        target.display(),
        root.display()
    ))
}

/// `shipgate list --presets`: each preset and what it turns on or tightens.
pub fn presets_text() -> String {
    let mut s = String::from("Presets (extends = [\"…\"]):\n");
    for (name, about, text) in policy::PRESETS {
        s.push_str(&format!("  {name:<16} {about}\n"));
        for line in text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        {
            s.push_str(&format!("      {line}\n"));
        }
    }
    s
}

pub fn list_text() -> String {
    let mut s = String::from("Checks (id, default severity, lanes, title):\n");
    for m in checks::all_metas() {
        let lanes = if m.lanes.is_empty() {
            "pre-merge".to_string()
        } else {
            m.lanes.join(",")
        };
        s.push_str(&format!(
            "  {:<26} {:<5}  {:<10} {}\n",
            m.id,
            m.severity.as_str(),
            lanes,
            m.title
        ));
    }
    s.push_str("\nEvaluators for custom [[check]] entries (uses = \"…\"):\n");
    if EVALUATORS.is_empty() {
        s.push_str("  (none)\n");
    }
    for e in EVALUATORS {
        s.push_str(&format!(
            "  {:<22} {}  [{}]\n",
            e.name,
            e.summary,
            e.params.join(", ")
        ));
    }
    s
}

/// The check catalog as Markdown: a table of the checks, each linking to
/// its page under docs/checks/ ([`check_page`]), and the evaluators. The
/// generated part of docs/checks.md is this text, kept in step by a test.
pub fn catalog_markdown() -> String {
    let mut s = String::from("| check | default | lanes | what it asks |\n|---|---|---|---|\n");
    for m in checks::all_metas() {
        s.push_str(&format!(
            "| [`{id}`](checks/{id}.md) | {} | {} | {} |\n",
            m.severity.as_str(),
            lanes_shown(m, ", "),
            m.title,
            id = m.id
        ));
    }
    s.push_str("\nEvaluators for custom `[[check]]` entries:\n\n| `uses =` | what it checks | parameters |\n|---|---|---|\n");
    for e in EVALUATORS {
        let params: Vec<String> = e.params.iter().map(|p| format!("`{p}`")).collect();
        s.push_str(&format!(
            "| `{}` | {} | {} |\n",
            e.name,
            e.summary,
            params.join(", ")
        ));
    }
    s
}

fn lanes_shown(m: &checks::Meta, sep: &str) -> String {
    if m.lanes.is_empty() {
        "pre-merge".to_string()
    } else {
        m.lanes.join(sep)
    }
}

/// One check's reference page, docs/checks/<id>.md, from its metadata: what
/// `explain` prints, as Markdown, with its parameters and how to tune it.
/// SARIF's `helpUri` and `explain` link here.
pub fn check_page(m: &checks::Meta) -> String {
    let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let fence = |t: &str| {
        let ticks = "`".repeat(3.max(longest_backtick_run(t) + 1));
        format!("{ticks}\n{t}\n{ticks}")
    };
    let mut s = format!(
        "<!-- Generated from the check's metadata in src/ by `UPDATE_README=1 cargo test --locked --test readme`: edit the code, not this page. -->\n\n# {id}\n\n**{title}**\n\n- Default severity: `{sev}`\n- Lanes: {lanes}\n",
        id = m.id,
        title = m.title,
        sev = m.severity.as_str(),
        lanes = if m.lanes.is_empty() {
            "`pre-merge` (and so every lane)".to_string()
        } else {
            m.lanes
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        },
    );
    s.push_str("- Parameters under `[checks.");
    s.push_str(m.id);
    s.push_str("]`: `severity`, `enabled`, `lanes`, `files`");
    for p in m.params {
        s.push_str(&format!(", `{p}`"));
    }
    s.push('\n');
    s.push_str(&format!("\n## Why\n\n{}\n", flat(m.rationale)));
    if !m.fails.is_empty() {
        s.push_str(&format!("\n## Fails\n\n{}\n", fence(m.fails)));
    }
    if !m.passes.is_empty() {
        s.push_str(&format!("\n## Passes\n\n{}\n", fence(m.passes)));
    }
    s.push_str(&format!("\n## How to fix\n\n{}\n", flat(m.fix)));
    s.push_str(&format!(
        "\n## Codes\n\nEach finding carries one of these codes (JSON `code`, SARIF `properties.code` as `{id}/CODE`); `shipgate explain {id}/CODE` prints one.",
        id = m.id
    ));
    // The audits run after waivers are applied, so nothing waives them.
    if checks::builtin(m.id).is_some() {
        s.push_str(&format!(
            " A waiver with `check = \"{id}/CODE\"` or an inline `# shipgate: ignore[{id}/CODE] reason` silences only that kind.",
            id = m.id
        ));
    }
    s.push_str("\n\n| code | what it means |\n|---|---|\n");
    for c in m.codes {
        s.push_str(&format!("| `{}` | {} |\n", c.id, c.summary));
    }
    let engine: Vec<String> = crate::meta::ENGINE_CODES
        .iter()
        .map(|c| format!("`{}`", c.id))
        .collect();
    s.push_str(&format!(
        "\nAs under every check, the engine may also add {} ([codes](../reports.md#codes)).\n",
        engine.join(", ")
    ));
    if !m.params.is_empty() {
        s.push_str("\n## Parameters\n\n");
        for p in m.params {
            match crate::policy::params::param(p) {
                Some(d) => s.push_str(&format!(
                    "- `{p}` ({}): {}\n",
                    d.kind.expected(),
                    flat(d.doc)
                )),
                None => s.push_str(&format!("- `{p}`\n")),
            }
        }
    }
    s.push_str(&format!(
        "\n## Tuning\n\n{}\n\n`shipgate explain {id}` prints the same in a terminal; [all checks](../checks.md).\n",
        fence(&format!(
            "# shipgate.toml\n[checks.{id}]\nseverity = \"{other}\"   # default: {sev}",
            id = m.id,
            sev = m.severity.as_str(),
            other = match m.severity {
                Severity::Block => "warn",
                Severity::Warn => "block",
            },
        )),
        id = m.id,
    ));
    s
}

fn longest_backtick_run(t: &str) -> usize {
    t.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

pub fn explain_text(id: &str) -> Option<String> {
    let Some(m) = checks::meta(id) else {
        return crate::evaluators::find(id).map(explain_evaluator);
    };
    let lanes = if m.lanes.is_empty() {
        "pre-merge (and every lane)".to_string()
    } else {
        m.lanes.join(", ")
    };
    Some(format!(
        "{id}: {title}\n\nDefault severity: {sev}\nLanes: {lanes}\n\nWhy\n{why}\n\nPasses\n{passes}\n\nFails\n{fails}\n\nFix\n{fix}\n\nCodes (`shipgate explain {id}/CODE`)\n{codes}\n\nMore: {uri}\n",
        codes = codes_text(m.codes, &[crate::meta::ENGINE_CODES]),
        uri = report::help_uri(m.id),
        id = m.id,
        title = m.title,
        sev = m.severity.as_str(),
        why = wrap(m.rationale),
        passes = indent(m.passes),
        fails = indent(m.fails),
        fix = wrap(m.fix),
    ))
}

/// The codes a check's findings may carry, one a line, for `explain`: its
/// own, then those the engine may add under any check.
fn codes_text(own: &[crate::meta::Code], shared: &[&[crate::meta::Code]]) -> String {
    let width = own
        .iter()
        .chain(shared.iter().copied().flatten())
        .map(|c| c.id.len())
        .max()
        .unwrap_or(0);
    let line = |c: &crate::meta::Code| format!("  {:<width$}  {}", c.id, c.summary);
    let mut lines: Vec<String> = own.iter().map(line).collect();
    lines.push("  and, under any check:".to_string());
    lines.extend(shared.iter().copied().flatten().map(line));
    lines.join("\n")
}

/// `shipgate explain CHECK/CODE`: one kind of finding of a check, or why
/// there is none by that name (with the closest one).
pub fn explain_code(check: &str, code: &str) -> Result<String, String> {
    if let Some(e) = crate::evaluators::find(check) {
        return explain_evaluator_code(e, code);
    }
    let Some(m) = checks::meta(check) else {
        let mut ids: Vec<&str> = checks::all_metas().map(|m| m.id).collect();
        ids.extend(EVALUATORS.iter().map(|e| e.name));
        return Err(format!(
            "unknown check or evaluator `{}`{}; `shipgate list` shows them",
            log_safe(check),
            policy::did_you_mean(check, &ids)
        ));
    };
    let Some(c) = m.code_named(code) else {
        let codes: Vec<&str> = m.all_codes().map(|c| c.id).collect();
        return Err(format!(
            "check `{}` has no code `{}`{}; `shipgate explain {}` lists its codes",
            m.id,
            log_safe(code),
            policy::did_you_mean(code, &codes),
            m.id
        ));
    };
    let engine = if m.codes.iter().any(|own| own.id == c.id) {
        ""
    } else {
        " (the engine may add this code under any check)"
    };
    // The audits run after waivers are applied, so nothing waives them.
    let waive = if checks::builtin(m.id).is_some() {
        format!(
            "Waive only this kind of finding:\n    [[waiver]]\n    check = \"{id}/{code}\"\n    reason = \"…\"\nor on its line: # shipgate: ignore[{id}/{code}] the reason\n\n",
            id = m.id,
            code = c.id
        )
    } else {
        String::new()
    };
    Ok(format!(
        "{id}/{code}: {summary}{engine}\n\nCheck: {id}: {title}\nDefault severity: {sev}\n\nFix\n{fix}\n\n{waive}More: {uri}\n",
        id = m.id,
        code = c.id,
        summary = c.summary,
        title = m.title,
        sev = m.severity.as_str(),
        fix = wrap(m.fix),
        uri = report::help_uri(m.id),
    ))
}

/// `shipgate explain EVALUATOR/CODE`: one kind of finding of the custom
/// checks that use an evaluator.
fn explain_evaluator_code(e: &crate::evaluators::Evaluator, code: &str) -> Result<String, String> {
    let Some(c) = e.code_named(code) else {
        let codes: Vec<&str> = e.all_codes().map(|c| c.id).collect();
        return Err(format!(
            "evaluator `{}` has no code `{}`{}; `shipgate explain {}` lists its codes",
            e.name,
            log_safe(code),
            policy::did_you_mean(code, &codes),
            e.name
        ));
    };
    Ok(format!(
        "{name}/{code}: {summary}\n\nEvaluator: {name}: {about}\n\nA custom check that uses it reports this as `ID/{code}`; waive only this kind with:\n    [[waiver]]\n    check = \"ID/{code}\"\n    reason = \"…\"\n",
        name = e.name,
        code = c.id,
        summary = c.summary,
        about = e.summary,
    ))
}

/// `shipgate explain` for an evaluator of custom `[[check]]` entries.
fn explain_evaluator(e: &crate::evaluators::Evaluator) -> String {
    let params: Vec<String> = e
        .params
        .iter()
        .map(|p| match crate::policy::params::param(p) {
            Some(d) => format!("  {p} ({}): {}", d.kind.expected(), d.doc),
            None => format!("  {p}"),
        })
        .collect();
    format!(
        "{name}: evaluator for custom [[check]] entries (uses = \"{name}\")\n\n{summary}\n\nWhat it asks\n{doc}\n\nParameters (besides id, uses, title, why, severity, lanes, enabled, optional)\n{params}\n\nExample\n{example}\n\nCodes (`shipgate explain {name}/CODE`)\n{codes}\n",
        codes = codes_text(
            e.codes,
            &[crate::meta::CUSTOM_CHECK_CODES, crate::meta::ENGINE_CODES]
        ),
        name = e.name,
        summary = e.summary,
        doc = wrap(e.doc),
        params = params.join("\n"),
        example = indent(e.example),
    )
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

use crate::text_wrap::wrap;

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn paths_are_prefixed_with_the_root_relative_to_the_workspace() {
        let d = tempfile::tempdir().unwrap();
        let app = d.path().join("packages/app");
        std::fs::create_dir_all(&app).unwrap();
        let ws = Some(d.path().as_os_str());
        assert_eq!(workspace_prefix(&app, ws, None), "packages/app/");
        assert_eq!(workspace_prefix(d.path(), ws, None), "");
        // GITHUB_WORKSPACE wins over the current directory; empty is unset.
        assert_eq!(workspace_prefix(&app, ws, Some(&app)), "packages/app/");
        assert_eq!(
            workspace_prefix(&app, Some(OsStr::new("")), Some(d.path())),
            "packages/app/"
        );
        // A root outside the workspace keeps root-relative paths.
        let other = tempfile::tempdir().unwrap();
        assert_eq!(workspace_prefix(other.path(), ws, None), "");
        assert_eq!(workspace_prefix(&app, None, None), "");
    }

    #[test]
    fn colour_only_for_human_on_a_terminal_without_no_color() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsStr::new(v).to_os_string())
            }
        };
        let auto = ColorChoice::Auto;
        assert!(use_color(Format::Human, auto, true, env(&[])));
        assert!(use_color(
            Format::Human,
            auto,
            true,
            env(&[("NO_COLOR", "")])
        ));
        assert!(!use_color(
            Format::Human,
            auto,
            true,
            env(&[("NO_COLOR", "1")])
        ));
        assert!(!use_color(Format::Human, auto, false, env(&[])));
        assert!(!use_color(Format::Json, auto, true, env(&[])));
        // Forcing works off a terminal; NO_COLOR still wins over it.
        assert!(use_color(
            Format::Human,
            auto,
            false,
            env(&[("FORCE_COLOR", "1")])
        ));
        assert!(use_color(
            Format::Human,
            auto,
            false,
            env(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(!use_color(
            Format::Human,
            auto,
            false,
            env(&[("FORCE_COLOR", "0")])
        ));
        assert!(!use_color(
            Format::Human,
            auto,
            false,
            env(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")])
        ));
        // The flag decides alone.
        assert!(use_color(
            Format::Human,
            ColorChoice::Always,
            false,
            env(&[("NO_COLOR", "1")])
        ));
        assert!(!use_color(
            Format::Human,
            ColorChoice::Never,
            true,
            env(&[("FORCE_COLOR", "1")])
        ));
        assert!(!use_color(
            Format::Json,
            ColorChoice::Always,
            true,
            env(&[])
        ));
    }
}
