//! The commands behind the CLI. Each returns the process exit code:
//! 0 nothing blocks, 1 something blocks, 2 the policy or command line is wrong.

use crate::checks::{self, BUILTINS};
use crate::cli::{CheckArgs, Cli, Command, FailOn};
use crate::engine::{self, Options};
use crate::evaluators::EVALUATORS;
use crate::finding::Severity;
use crate::policy;
use crate::repo::Tree;
use crate::report::{self, Format};
use std::io::{IsTerminal, Write};

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check(args),
        Command::List => print_out(&list_text()),
        Command::Explain { id } => match explain_text(&id) {
            Some(t) => print_out(&t),
            None => {
                say(format_args!(
                    "error: unknown check `{id}`; `shipgate list` shows the built-in checks"
                ));
                2
            }
        },
    }
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

fn usage_error(msg: impl std::fmt::Display) -> u8 {
    say(format_args!("error: {msg}"));
    2
}

fn check(args: CheckArgs) -> u8 {
    let policy = match policy::resolve(&args.path, args.policy.as_deref()) {
        Ok(p) => p,
        Err(e) => return usage_error(e),
    };
    if !policy.knows_lane(&args.lane) {
        let mut lanes: Vec<String> = policy::BUILTIN_LANES
            .iter()
            .map(|s| s.to_string())
            .collect();
        lanes.extend(policy.lanes.iter().cloned());
        return usage_error(format!(
            "unknown lane `{}`; lanes: {}",
            args.lane,
            lanes.join(", ")
        ));
    }
    let known = engine::known_ids(&policy);
    for id in args.only.iter().chain(&args.skip) {
        if !known.iter().any(|k| k == id) {
            return usage_error(format!(
                "unknown check `{id}` in --only/--skip; `shipgate list` shows the built-in checks"
            ));
        }
    }
    let tree = match Tree::discover(&args.path) {
        Ok(t) => t,
        Err(e) => return usage_error(e),
    };
    let today = jiff::Zoned::now().date();
    let opts = Options {
        lane: args.lane.clone(),
        only: args.only.clone(),
        skip: args.skip.clone(),
        today,
    };
    let report = engine::run(&tree, &policy, &opts);
    let fail_on = match args.fail_on {
        FailOn::Block => Severity::Block,
        FailOn::Warn => Severity::Warn,
    };
    let code = u8::from(report.fails(fail_on));
    let written = match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            let _ = report::render(&report, args.format, false, &mut buf);
            std::fs::write(path, buf).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let color = args.format == Format::Human
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let mut out = std::io::stdout().lock();
            match report::render(&report, args.format, color, &mut out).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write the report: {e}")),
            }
        }
    };
    if let Err(e) = written {
        return usage_error(e);
    }
    code
}

pub fn list_text() -> String {
    let mut s = String::from("Checks (id, default severity, lanes, title):\n");
    let all = BUILTINS
        .iter()
        .map(|b| &b.meta)
        .chain(std::iter::once(&checks::waivers::META));
    for m in all {
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

pub fn explain_text(id: &str) -> Option<String> {
    let m = checks::builtin(id)
        .map(|b| &b.meta)
        .or_else(|| (id == checks::waivers::META.id).then_some(&checks::waivers::META))?;
    let lanes = if m.lanes.is_empty() {
        "pre-merge (and every lane)".to_string()
    } else {
        m.lanes.join(", ")
    };
    Some(format!(
        "{id}: {title}\n\nDefault severity: {sev}\nLanes: {lanes}\n\nWhy\n{why}\n\nPasses\n{passes}\n\nFails\n{fails}\n\nFix\n{fix}\n",
        id = m.id,
        title = m.title,
        sev = m.severity.as_str(),
        why = wrap(m.rationale),
        passes = indent(m.passes),
        fails = indent(m.fails),
        fix = wrap(m.fix),
    ))
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn wrap(s: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for w in s.split_whitespace() {
        if width + w.len() > 78 && width > 0 {
            out.push('\n');
            width = 0;
        } else if width > 0 {
            out.push(' ');
            width += 1;
        }
        out.push_str(w);
        width += w.len();
    }
    out
}
