//! The contributor gate and the release tasks behind it, read as text and
//! never run: mix.exs aliases, package.json scripts, Makefile targets and
//! justfile recipes, each expanded to the commands it stands for (bounded
//! depth, cycle-safe). `ci-equivalence` compares the gate with CI; the
//! release lane follows a workflow's `npm run X` / `make X` into them.

use crate::finding::{Finding, Location};
use crate::repo::Tree;
use crate::shell::{Command, commands};
use std::collections::{HashMap, HashSet};

/// One command of the gate, where it is defined, and what it expands to.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub text: String,
    pub location: Location,
    /// Commands it stands for (an alias, script, target or recipe); empty for a leaf.
    pub children: Vec<Item>,
    /// Other commands that do exactly the same work: `make U` for a Makefile
    /// target `T` made by the same rule with the same target-specific
    /// variables (`$(TESTS): test` with `a b: ARGS=-race`).
    pub same_as: Vec<String>,
}

/// The gate definitions in a tree, read once.
#[derive(Default)]
pub(crate) struct Sources {
    /// mix alias name → entries (text, path, line).
    pub(crate) mix: HashMap<String, Vec<(String, Location)>>,
    /// package.json script name → (command line, location).
    pub(crate) npm: HashMap<String, (String, Location)>,
    /// Makefile target → (prerequisites, recipe commands), with locations.
    pub(crate) make: HashMap<String, Vec<(String, Location)>>,
    /// Makefile target → the other targets that do the same work.
    pub(crate) make_same: HashMap<String, Vec<String>>,
    /// justfile recipe → dependencies and body commands.
    pub(crate) just: HashMap<String, Vec<(String, Location)>>,
}

impl Sources {
    /// Reads every gate definition at the root: mix.exs aliases, Makefile
    /// targets, justfile recipes, package.json scripts. Files that exist but
    /// cannot be read or parsed are returned as fail-closed findings.
    pub(crate) fn read(tree: &Tree) -> (Sources, Vec<Finding>) {
        let mut src = Sources::default();
        let mut problems = Vec::new();
        let mut read = |path: &str| -> Option<std::sync::Arc<crate::repo::TextFile>> {
            if !tree.exists(path) {
                return None;
            }
            tree.text(path)
                .map_err(|e| problems.push(e.to_finding()))
                .ok()
        };
        if let Some(t) = read("mix.exs") {
            src.mix = mix_aliases("mix.exs", &t);
        }
        for name in ["Makefile", "makefile", "GNUmakefile"] {
            if let Some(t) = read(name) {
                let (targets, specific) = make_rules(name, &t.text);
                src.make_same = same_targets(&targets, &specific);
                src.make = targets;
                break;
            }
        }
        for name in ["justfile", "Justfile", ".justfile"] {
            if let Some(t) = read(name) {
                src.just = just_recipes(name, &t.text);
                break;
            }
        }
        if tree.exists("package.json") {
            match tree.json("package.json") {
                Ok(df) => {
                    if let Some(scripts) = df.root.get("scripts") {
                        for e in scripts.entries() {
                            if let Some(s) = e.node.as_str() {
                                src.npm.insert(
                                    e.key.clone(),
                                    (s.to_string(), df.location(&e.node.span)),
                                );
                            }
                        }
                    }
                }
                Err(e) => problems.push(e.to_finding()),
            }
        }
        (src, problems)
    }
}

impl Sources {
    pub(crate) fn root(&self, cmd: &str) -> Item {
        let loc = self.definition(cmd).unwrap_or_else(|| Location::file("."));
        self.item(cmd, loc, &mut HashSet::new(), 0)
    }

    /// Where a named alias/script/target/recipe is defined.
    pub(crate) fn definition(&self, cmd: &str) -> Option<Location> {
        let (kind, name) = invocation(cmd)?;
        match kind {
            Kind::Mix => self.mix.get(&name)?.first().map(|(_, l)| l.clone()),
            Kind::Npm => self.npm.get(&name).map(|(_, l)| l.clone()),
            Kind::Make => self.make.get(&name)?.first().map(|(_, l)| l.clone()),
            Kind::Just => self.just.get(&name)?.first().map(|(_, l)| l.clone()),
        }
    }

    /// `cmd` defined at `location`, expanded through what it names.
    pub(crate) fn item(
        &self,
        cmd: &str,
        location: Location,
        seen: &mut HashSet<String>,
        depth: usize,
    ) -> Item {
        let mut children = Vec::new();
        // `sh -lc 'HEX_API_KEY= mix deps.get'`: the commands inside.
        if let Some(script) = shell_script(cmd)
            && depth < 12
        {
            for (_, c) in commands(&script) {
                children.push(self.item(&c.words.join(" "), location.clone(), seen, depth + 1));
            }
            return Item {
                text: cmd.trim().to_string(),
                location,
                children,
                same_as: Vec::new(),
            };
        }
        if depth < 12
            && let Some((kind, name)) = invocation(cmd)
        {
            let key = format!("{kind:?}:{name}");
            if seen.insert(key.clone()) {
                let parts: Vec<(String, Location)> = match kind {
                    Kind::Mix => self
                        .mix
                        .get(&name)
                        .map(|entries| {
                            entries
                                .iter()
                                .filter(|(t, _)| t.split_whitespace().next() != Some(name.as_str()))
                                .map(|(t, l)| (mix_command(t), l.clone()))
                                .collect()
                        })
                        .unwrap_or_default(),
                    Kind::Npm => self
                        .npm
                        .get(&name)
                        .map(|(line, l)| {
                            split_script(line)
                                .into_iter()
                                .flat_map(|p| run_all(&p, &self.npm))
                                .map(|p| (p, l.clone()))
                                .collect()
                        })
                        .unwrap_or_default(),
                    Kind::Make => self.make.get(&name).cloned().unwrap_or_default(),
                    Kind::Just => self.just.get(&name).cloned().unwrap_or_default(),
                };
                let parts: Vec<(String, Location)> = match kind {
                    // the first entry of make/just is the definition line itself
                    Kind::Make | Kind::Just => parts.into_iter().skip(1).collect(),
                    _ => parts,
                };
                for (t, l) in parts {
                    children.push(self.item(&t, l, seen, depth + 1));
                }
                seen.remove(&key);
            }
        }
        let same_as = match invocation(cmd) {
            Some((Kind::Make, name)) => self
                .make_same
                .get(&name)
                .map(|others| others.iter().map(|o| format!("make {o}")).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Item {
            text: cmd.trim().to_string(),
            location,
            children,
            same_as,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Mix,
    Npm,
    Make,
    Just,
}

/// What a command invokes by name: `mix X`, `npm run X` (and yarn/pnpm/bun
/// forms, and Vite+'s `vp run X`), `make X`, `just X`.
pub(crate) fn invocation(cmd: &str) -> Option<(Kind, String)> {
    // Asked of every command a release lane runs: split through the shared
    // cache, not again.
    let split = crate::shell::commands_shared(cmd);
    let w = &split.first()?.1.words;
    let first = w.first()?.rsplit('/').next()?.to_string();
    let args: Vec<&String> = w[1..].iter().filter(|a| !a.starts_with('-')).collect();
    match first.as_str() {
        "mix" => Some((Kind::Mix, args.first()?.to_string())),
        "make" | "gmake" => Some((Kind::Make, args.first()?.to_string())),
        "just" => Some((Kind::Just, args.first()?.to_string())),
        // Vite+'s `vp run X` runs the package.json script X. One run in
        // other packages or another folder (`--filter web`, `-w a`,
        // `--prefix site`, `-r`) is not the root's script: not named here.
        "npm" | "yarn" | "pnpm" | "bun" | "vp" => {
            let run = package_manager_args(&first, &w[1..]);
            if !run.selection.is_empty() {
                return None;
            }
            npm_script(&first, &run.positional).map(|s| (Kind::Npm, s))
        }
        _ => None,
    }
}

/// The package.json script a package-manager command runs.
pub(crate) fn npm_script(pm: &str, args: &[&String]) -> Option<String> {
    let a0 = args.first()?.as_str();
    if a0 == "run" || a0 == "run-script" {
        return args.get(1).map(|s| s.to_string());
    }
    let npm_direct = ["test", "t", "tst", "start", "stop", "restart"];
    match pm {
        "npm" | "bun" if npm_direct.contains(&a0) => Some(if a0.starts_with('t') {
            "test".into()
        } else {
            a0.into()
        }),
        "yarn" | "pnpm"
            if ![
                "install",
                "i",
                "add",
                "remove",
                "exec",
                "dlx",
                "publish",
                "pack",
                "why",
                "up",
                "upgrade",
                "audit",
                "config",
                "set",
                "workspace",
                "workspaces",
                "dedupe",
                "rebuild",
                "link",
                "unlink",
                "init",
                "create",
                "info",
                "npm",
                "version",
            ]
            .contains(&a0) =>
        {
            Some(a0.into())
        }
        _ => None,
    }
}

pub(crate) fn parse(cmd: &str) -> Option<Command> {
    commands(cmd).into_iter().next().map(|(_, c)| c)
}

/// A package manager's arguments read apart: the words that name what it
/// runs, and what chooses the packages it runs in (`--filter web`,
/// `-w packages/a`, `--prefix site`, `-r`), kept as written.
pub(crate) struct PackageArgs<'a> {
    pub positional: Vec<&'a String>,
    /// The selecting flags and their values, sorted.
    pub selection: Vec<String>,
    /// Whether the selection spans workspace packages (`-r`, `--filter`,
    /// `--workspaces`, `--workspace`).
    pub across: bool,
}

pub(crate) fn package_manager_args<'a>(program: &str, args: &'a [String]) -> PackageArgs<'a> {
    // Each flag: whether the next word is its value, and whether it
    // chooses where the script runs. npm's `-w` names a workspace; pnpm's
    // is `--workspace-root`, a switch (both told apart below).
    const FLAGS: &[(&str, bool, bool)] = &[
        ("--filter", true, true),
        ("-F", true, true),
        ("--filter-prod", true, true),
        ("--dir", true, true),
        ("-C", true, true),
        ("--prefix", true, true),
        ("--cwd", true, true),
        ("--workspace", true, true),
        ("-w", false, true),
        ("--workspaces", false, true),
        ("-ws", false, true),
        ("-r", false, true),
        ("--recursive", false, true),
        ("--reporter", true, false),
        ("--loglevel", true, false),
        ("--workspace-concurrency", true, false),
        ("--test-pattern", true, false),
        ("--changed-files-ignore-pattern", true, false),
        ("--resume-from", true, false),
    ];
    let across_flags: &[&str] = match program {
        "pnpm" => &["-r", "--recursive", "--filter", "-F", "--filter-prod"],
        "npm" => &["--workspaces", "-ws", "--workspace", "-w"],
        "bun" => &["--filter", "-F"],
        _ => &[],
    };
    // pnpm's `-w` is `--workspace-root`, a switch; npm's names a workspace.
    let w_valued = program == "npm";
    let mut out = PackageArgs {
        positional: Vec::new(),
        selection: Vec::new(),
        across: false,
    };
    let mut i = 0;
    while i < args.len() {
        let w = args[i].as_str();
        let name = w.split('=').next().unwrap_or(w);
        if across_flags.contains(&name) {
            out.across = true;
        }
        let flag = FLAGS.iter().find(|(f, _, _)| *f == name);
        let valued = flag.is_some_and(|f| f.1) || (w_valued && name == "-w");
        if (w_valued || name != "-w") && flag.is_some_and(|f| f.2) {
            let value = if w.contains('=') {
                w.to_string()
            } else if valued {
                format!("{name}={}", args.get(i + 1).map_or("", |v| v.as_str()))
            } else {
                name.to_string()
            };
            out.selection.push(value);
        }
        if valued && !w.contains('=') {
            i += 2;
            continue;
        }
        if !w.starts_with('-') {
            out.positional.push(&args[i]);
        }
        i += 1;
    }
    out.selection.sort();
    out
}

/// The package.json script a package-manager command runs and where:
/// the script's name and the selecting flags, for telling two runs apart
/// (`pnpm --filter web lint` is not `pnpm --filter web test`, nor `pnpm
/// lint`).
pub(crate) fn package_run(cmd: &Command) -> Option<(String, Vec<String>)> {
    let program = cmd.words.first()?.rsplit('/').next()?;
    if !matches!(program, "npm" | "yarn" | "pnpm" | "bun" | "vp") {
        return None;
    }
    let run = package_manager_args(program, &cmd.words[1..]);
    npm_script(program, &run.positional).map(|s| (s, run.selection))
}

/// The package scripts a command runs across workspace packages, or none
/// when it is not such a run: `pnpm -r run X`, `pnpm --filter A X`,
/// `npm run X --workspaces` (or `-w A`), `yarn workspaces foreach run X`,
/// `lerna run X`, `turbo run X Y`, `nx run-many -t X` (and `nx affected`).
/// Which packages the run selects is not resolved: two such runs of the
/// same script may cover the same packages or not.
pub(crate) fn workspace_scripts(cmd: &Command) -> Vec<String> {
    let Some(program) = cmd.words.first().and_then(|w| w.rsplit('/').next()) else {
        return Vec::new();
    };
    let args = &cmd.words[1..];
    match program {
        "pnpm" | "npm" => {
            let run = package_manager_args(program, args);
            if !run.across {
                return Vec::new();
            }
            npm_script(program, &run.positional).into_iter().collect()
        }
        "yarn" => {
            let positional: Vec<&str> = args
                .iter()
                .map(String::as_str)
                .filter(|w| !w.starts_with('-'))
                .collect();
            match positional.as_slice() {
                ["workspaces", "foreach", "run", script, ..]
                | ["workspaces", "foreach", script, ..]
                | ["workspaces", "run", script, ..] => vec![script.to_string()],
                _ => Vec::new(),
            }
        }
        "lerna" => match args.first().map(String::as_str) {
            Some("run") => args[1..]
                .iter()
                .find(|w| !w.starts_with('-'))
                .map(|w| vec![w.clone()])
                .unwrap_or_default(),
            _ => Vec::new(),
        },
        "turbo" => {
            let rest = match args.first().map(String::as_str) {
                Some("run") => &args[1..],
                Some(w) if !w.starts_with('-') => args,
                _ => return Vec::new(),
            };
            rest.iter()
                .take_while(|w| !w.starts_with('-'))
                .cloned()
                .collect()
        }
        "nx" => {
            if !matches!(
                args.first().map(String::as_str),
                Some("run-many" | "affected")
            ) {
                return Vec::new();
            }
            let mut out = Vec::new();
            let mut i = 1;
            while i < args.len() {
                let w = args[i].as_str();
                let (name, value) = match w.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (w, args.get(i + 1).cloned()),
                };
                if matches!(name, "-t" | "--target" | "--targets") {
                    if let Some(v) = value {
                        out.extend(v.split(',').filter(|s| !s.is_empty()).map(str::to_string));
                    }
                    i += if w.contains('=') { 1 } else { 2 };
                    continue;
                }
                i += 1;
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The script of `sh -c '…'` (also `bash -lc`, `-ec`, …), if `cmd` is one.
pub(crate) fn shell_script(cmd: &str) -> Option<String> {
    let c = parse(cmd)?;
    let program = c.words.first()?.rsplit('/').next()?;
    if !matches!(program, "sh" | "bash" | "zsh" | "dash" | "ash") {
        return None;
    }
    let flag = c.words[1..]
        .iter()
        .position(|w| w.starts_with('-') && !w.starts_with("--") && w.contains('c'))?;
    c.words.get(flag + 2).cloned()
}

/// A mix alias entry as the command CI would run.
pub(crate) fn mix_command(entry: &str) -> String {
    let e = entry.trim();
    match e.strip_prefix("cmd ") {
        Some(shell) => shell.trim().to_string(),
        None => format!("mix {e}"),
    }
}

/// A package.json script split into commands at `&&`, `||` and `;`.
pub(crate) fn split_script(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.push(c);
            }
            (None, ';') => out.push(std::mem::take(&mut cur)),
            (None, '&' | '|') if chars.peek() == Some(&c) => {
                chars.next();
                out.push(std::mem::take(&mut cur));
            }
            (None, c) => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `run-s a b` / `npm-run-all a b` / `run-p a b`: each named script.
pub(crate) fn run_all(piece: &str, scripts: &HashMap<String, (String, Location)>) -> Vec<String> {
    let words: Vec<&str> = piece.split_whitespace().collect();
    if !matches!(words.first(), Some(&"run-s" | &"run-p" | &"npm-run-all")) {
        return vec![piece.to_string()];
    }
    let mut out = Vec::new();
    for w in &words[1..] {
        if w.starts_with('-') {
            continue;
        }
        let w = w.trim_matches(['"', '\'']);
        if let Some(prefix) = w.strip_suffix('*') {
            let mut names: Vec<&String> =
                scripts.keys().filter(|k| k.starts_with(prefix)).collect();
            names.sort();
            out.extend(names.into_iter().map(|n| format!("npm run {n}")));
        } else {
            out.push(format!("npm run {w}"));
        }
    }
    out
}

/// Aliases from mix.exs, read as text: `name: [..]` / `"name": [..]` /
/// `name: "..."` inside the `aliases` function (or `aliases:` keyword).
pub(crate) fn mix_aliases(
    path: &str,
    file: &crate::repo::TextFile,
) -> HashMap<String, Vec<(String, Location)>> {
    let text: &str = &file.text;
    let mut out = HashMap::new();
    let Some(start) = text
        .find("defp aliases")
        .or_else(|| text.find("def aliases"))
        .or_else(|| text.find("aliases:"))
    else {
        return out;
    };
    let region_end = text[start + 1..]
        .find("\n  def")
        .map(|i| start + 1 + i)
        .unwrap_or(text.len());
    let region = &text[..region_end];
    let loc = |off: usize| {
        let (l, c) = file.lines.position(text, off);
        Location::new(path, l, c)
    };
    let bytes = region.as_bytes();
    let mut i = start;
    while i < region.len() {
        // A key: an identifier (or quoted name) directly followed by `:` and a space.
        let (name, after) = if bytes[i] == b'"' {
            match region[i + 1..].find('"') {
                Some(e) if region[i + 1 + e + 1..].starts_with(": ") => {
                    (region[i + 1..i + 1 + e].to_string(), i + 1 + e + 2)
                }
                _ => {
                    i += 1;
                    continue;
                }
            }
        } else if (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_')
            && (i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || matches!(bytes[i - 1], b'_' | b'.' | b':' | b'"')))
        {
            let len = region[i..]
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'?' | b'!'))
                .count();
            if region[i + len..].starts_with(": ") {
                (region[i..i + len].to_string(), i + len + 2)
            } else {
                i += len.max(1);
                continue;
            }
        } else {
            i += 1;
            continue;
        };
        let v = after + (region[after..].len() - region[after..].trim_start().len());
        let (entries, end) = if region[v..].starts_with('[') {
            list_strings(region, v)
        } else if region[v..].starts_with('"') {
            match string_at(region, v) {
                Some((s, e)) => (vec![(s, v + 1)], e),
                None => (Vec::new(), v + 1),
            }
        } else {
            i = after;
            continue;
        };
        if name != "aliases" {
            out.entry(name).or_insert_with(|| {
                entries
                    .into_iter()
                    .map(|(s, off)| (s, loc(off)))
                    .collect::<Vec<_>>()
            });
            i = end.max(i + 1);
        } else {
            i = v + 1; // step inside `aliases: [`
        }
    }
    out
}

/// The string literals at the top level of the list starting at `open`
/// (`[`), with their offsets, and the offset after the list.
pub(crate) fn list_strings(text: &str, open: usize) -> (Vec<(String, usize)>, usize) {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = open;
    let b = text.as_bytes();
    while i < text.len() {
        match b[i] {
            b'[' | b'{' | b'(' => depth += 1,
            b']' | b'}' | b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (out, i + 1);
                }
            }
            b'#' => {
                i += text[i..].find('\n').unwrap_or(text.len() - i);
                continue;
            }
            b'"' => {
                let Some((s, end)) = string_at(text, i) else {
                    return (out, text.len());
                };
                if depth == 1 {
                    out.push((s, i + 1));
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    (out, text.len())
}

/// The Elixir string starting at `at` (a `"`), and the offset after it.
pub(crate) fn string_at(text: &str, at: usize) -> Option<(String, usize)> {
    let mut s = String::new();
    let mut chars = text[at + 1..].char_indices();
    while let Some((j, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, n)) = chars.next() {
                    s.push(n);
                }
            }
            '"' => return Some((s, at + 1 + j + 1)),
            c => s.push(c),
        }
    }
    None
}

/// A Makefile read once: its targets (for each, its definition line first,
/// then `make P` for each prerequisite and each recipe command), and each
/// target's target-specific variables (`test-default test-race: ARGS=-race`)
/// as written.
pub(crate) type MakeRules = (
    HashMap<String, Vec<(String, Location)>>,
    HashMap<String, Vec<String>>,
);

pub(crate) fn make_rules(path: &str, text: &str) -> MakeRules {
    let mut vars: HashMap<String, String> = HashMap::new();
    let mut out: HashMap<String, Vec<(String, Location)>> = HashMap::new();
    let mut specific: HashMap<String, Vec<String>> = HashMap::new();
    // The targets of the rule whose recipe lines come next.
    let mut current: Option<Vec<String>> = None;
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i];
        let lineno = i + 1;
        i += 1;
        if let Some(recipe) = raw.strip_prefix('\t') {
            let Some(t) = &current else { continue };
            let mut logical = recipe.to_string();
            while logical.trim_end().ends_with('\\') && i < lines.len() {
                logical = format!(
                    "{} {}",
                    logical.trim_end().trim_end_matches('\\'),
                    lines[i].trim()
                );
                i += 1;
            }
            let cmd = logical.trim().trim_start_matches(['@', '-', '+']).trim();
            if cmd.is_empty() || cmd.starts_with('#') {
                continue;
            }
            let cmd = substitute_make(cmd, &vars);
            for (_, c) in commands(&cmd) {
                for t in t {
                    if let Some(entry) = out.get_mut(t) {
                        entry.push((c.raw.clone(), Location::new(path, lineno, 2)));
                    }
                }
            }
            continue;
        }
        let line = raw.split('#').next().unwrap_or("");
        if line.trim().is_empty() {
            continue;
        }
        current = None;
        // Variable assignment: NAME = v, NAME := v, NAME ?= v.
        if let Some((name, value)) = assignment(line) {
            vars.insert(name, value);
            continue;
        }
        let Some((targets, rest)) = line.split_once(':') else {
            continue;
        };
        if rest.starts_with('=') || targets.trim().starts_with('.') {
            continue;
        }
        let (prereqs, inline) = match rest.split_once(';') {
            Some((p, r)) => (p, Some(r)),
            None => (rest, None),
        };
        // `test-race test-default: ARGS=-race` sets a variable for those
        // targets; it is not a rule and names no prerequisite.
        if prereqs.contains('=') {
            for t in substitute_make(targets, &vars).split_whitespace() {
                specific
                    .entry(t.to_string())
                    .or_default()
                    .push(rest.trim().to_string());
            }
            continue;
        }
        // `$(TEST_TARGETS): test` makes every target the variable lists.
        let targets = substitute_make(targets, &vars);
        for t in targets.split_whitespace() {
            let entry = out.entry(t.to_string()).or_default();
            entry.clear();
            entry.push((t.to_string(), Location::new(path, lineno, 1)));
            for p in prereqs.split('|').next().unwrap_or("").split_whitespace() {
                entry.push((format!("make {p}"), Location::new(path, lineno, 1)));
            }
            if let Some(r) = inline.filter(|r| !r.trim().is_empty()) {
                entry.push((
                    substitute_make(r.trim(), &vars),
                    Location::new(path, lineno, 1),
                ));
            }
        }
        current = Some(targets.split_whitespace().map(str::to_string).collect());
    }
    (out, specific)
}

/// Targets that do the same work as another: made by the same rule (the
/// same prerequisites and recipe, from the same lines), with the same
/// target-specific variables, and a recipe that does not name its own
/// target (`$@`, `$*`: the work would differ by name).
pub(crate) fn same_targets(
    make: &HashMap<String, Vec<(String, Location)>>,
    vars: &HashMap<String, Vec<String>>,
) -> HashMap<String, Vec<String>> {
    const AUTOMATIC: &[&str] = &["$@", "$*", "$<", "$^", "$(@", "${@", "$(*", "${*"];
    // What a target runs (prerequisites and recipe, with their lines) and
    // its target-specific variables.
    type Work<'a> = (&'a [(String, Location)], Vec<String>);
    let mut groups: HashMap<Work<'_>, Vec<&str>> = HashMap::new();
    for (t, entry) in make {
        let body = entry.get(1..).unwrap_or_default();
        if body.is_empty()
            || body
                .iter()
                .any(|(c, _)| AUTOMATIC.iter().any(|a| c.contains(a)))
        {
            continue;
        }
        let mut v = vars.get(t).cloned().unwrap_or_default();
        v.sort();
        groups.entry((body, v)).or_default().push(t.as_str());
    }
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for targets in groups.into_values().filter(|g| g.len() > 1) {
        for t in &targets {
            let mut others: Vec<String> = targets
                .iter()
                .filter(|o| *o != t)
                .map(|o| (*o).to_string())
                .collect();
            others.sort();
            out.insert((*t).to_string(), others);
        }
    }
    out
}

pub(crate) fn assignment(line: &str) -> Option<(String, String)> {
    for op in [":=", "?=", "+=", "::=", "="] {
        if let Some((n, v)) = line.split_once(op) {
            let n = n.trim().trim_start_matches("export ").trim();
            if !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Some((n.to_string(), v.trim().to_string()));
            }
            return None;
        }
    }
    None
}

/// `cmd` with the Makefile's variables put in, as make expands them: a
/// value that names another variable (`PIP = $(VENV_BIN)/pip3`) is
/// expanded in turn, whatever order the map holds them in, so the same
/// Makefile always reads the same. The passes are few and the text may
/// grow only so far: a variable that names itself stops there.
pub(crate) fn substitute_make(cmd: &str, vars: &HashMap<String, String>) -> String {
    const PASSES: usize = 8;
    let mut s = cmd.replace("$(MAKE)", "make").replace("${MAKE}", "make");
    let limit = 4 * s.len() + 4096;
    // By name, so that even a variable that names itself ends the same way.
    let mut vars: Vec<(&String, &String)> = vars.iter().collect();
    vars.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for _ in 0..PASSES {
        if !s.contains("$(") && !s.contains("${") {
            break;
        }
        let before = s.clone();
        for (k, v) in &vars {
            s = s
                .replace(&format!("$({k})"), v)
                .replace(&format!("${{{k}}}"), v);
            if s.len() > limit {
                return before;
            }
        }
        if s == before {
            break;
        }
    }
    s
}

/// justfile recipes: definition line first, then `just D` per dependency and
/// each body command.
/// The recipes a just recipe's header depends on, in order: bare names
/// (`ci: test lint`) and the first word of a call with arguments (`test:
/// (watch 'ltest --all')` depends on `watch`; its quoted arguments are not
/// recipes). A trailing comment ends the list.
fn just_dependencies(deps: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start: Option<usize> = None;
    let mut first_in_call = false;
    let mut end_word = |start: &mut Option<usize>, at: usize, depth: usize, first: &mut bool| {
        if let Some(s) = start.take() {
            if depth == 0 || *first {
                out.push(&deps[s..at]);
            }
            *first = false;
        }
    };
    for (i, c) in deps.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                end_word(&mut start, i, depth, &mut first_in_call);
                first_in_call = false;
                quote = Some(c);
            }
            '(' => {
                end_word(&mut start, i, depth, &mut first_in_call);
                depth += 1;
                first_in_call = depth == 1;
            }
            ')' => {
                end_word(&mut start, i, depth, &mut first_in_call);
                depth = depth.saturating_sub(1);
                first_in_call = false;
            }
            '#' if depth == 0 && start.is_none() => break,
            c if c.is_whitespace() => end_word(&mut start, i, depth, &mut first_in_call),
            _ => {
                if start.is_none() {
                    start = Some(i);
                }
            }
        }
    }
    end_word(&mut start, deps.len(), depth, &mut first_in_call);
    out
}

pub(crate) fn just_recipes(path: &str, text: &str) -> HashMap<String, Vec<(String, Location)>> {
    let mut out: HashMap<String, Vec<(String, Location)>> = HashMap::new();
    let mut current: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        if raw.starts_with([' ', '\t']) {
            let Some(t) = &current else { continue };
            let cmd = raw.trim().trim_start_matches(['@', '-']).trim();
            if cmd.is_empty() || cmd.starts_with('#') {
                continue;
            }
            let col = raw.len() - raw.trim_start().len() + 1;
            out.get_mut(t)
                .expect("current recipe exists")
                .push((cmd.to_string(), Location::new(path, lineno, col)));
            continue;
        }
        current = None;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
            continue;
        }
        let Some((head, deps)) = line.split_once(':') else {
            continue;
        };
        if deps.starts_with('=') {
            continue; // `x := value`
        }
        let mut words = head.trim_start_matches('@').split_whitespace();
        let Some(name) = words.next() else { continue };
        if matches!(name, "set" | "alias" | "export" | "import" | "mod") {
            continue;
        }
        let mut entry = vec![(name.to_string(), Location::new(path, lineno, 1))];
        for d in just_dependencies(deps) {
            if d.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && !d.is_empty()
                && !d.starts_with('-')
            {
                entry.push((format!("just {d}"), Location::new(path, lineno, 1)));
            }
        }
        out.insert(name.to_string(), entry);
        current = Some(name.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scripts(line: &str) -> Vec<String> {
        workspace_scripts(&parse(line).unwrap())
    }

    #[test]
    fn runs_across_workspace_packages_name_their_script() {
        assert_eq!(
            scripts(
                "CI=true pnpm -r --reporter-hide-prefix --filter '@a/test-*' --filter !b run test"
            ),
            ["test"]
        );
        assert_eq!(scripts("pnpm --filter=./packages/** build"), ["build"]);
        assert_eq!(scripts("pnpm -F web lint"), ["lint"]);
        assert_eq!(scripts("npm run test --workspaces"), ["test"]);
        assert_eq!(scripts("npm -w packages/core run build"), ["build"]);
        assert_eq!(scripts("npm test -ws"), ["test"]);
        assert_eq!(
            scripts("yarn workspaces foreach -A --parallel run lint"),
            ["lint"]
        );
        assert_eq!(scripts("npx lerna run test --stream"), ["test"]);
        assert_eq!(
            scripts("turbo run lint test --filter=web"),
            ["lint", "test"]
        );
        assert_eq!(scripts("turbo build"), ["build"]);
        assert_eq!(
            scripts("nx run-many -t lint,test --parallel"),
            ["lint", "test"]
        );
        assert_eq!(scripts("nx affected --target=build"), ["build"]);
    }

    #[test]
    fn make_variables_that_name_variables_expand_in_full() {
        // Each map is seeded anew, so these are many orders.
        for _ in 0..32 {
            let vars: HashMap<String, String> = [
                ("VENV", ".venv"),
                ("VENV_BIN", "$(VENV)/bin"),
                ("PIP", "${VENV_BIN}/pip"),
                ("LOOP", "$(LOOP) again"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            assert_eq!(
                substitute_make("$(PIP) install build", &vars),
                ".venv/bin/pip install build"
            );
            let looped = substitute_make("echo $(LOOP)", &vars);
            assert_eq!(looped, substitute_make("echo $(LOOP)", &vars));
            assert!(looped.len() < 200, "{looped}");
        }
    }

    #[test]
    fn a_package_run_names_its_script_and_where_it_runs() {
        let run = |l: &str| package_run(&parse(l).unwrap());
        assert_eq!(
            run("pnpm --filter web lint"),
            Some(("lint".into(), vec!["--filter=web".into()]))
        );
        assert_eq!(run("pnpm lint --filter=web"), run("pnpm --filter web lint"));
        assert_ne!(run("pnpm --filter web lint"), run("pnpm --filter web test"));
        assert_ne!(run("pnpm --filter web lint"), run("pnpm lint"));
        assert_eq!(run("npm run build"), Some(("build".into(), vec![])));
        assert_eq!(
            run("yarn --cwd site build"),
            Some(("build".into(), vec!["--cwd=site".into()]))
        );
        assert_eq!(
            run("npm -w packages/a run test"),
            Some(("test".into(), vec!["-w=packages/a".into()]))
        );
        // pnpm's `-w` is a switch: the script still follows it.
        assert_eq!(run("pnpm -w lint"), Some(("lint".into(), vec![])));
        assert_eq!(run("cargo test"), None);
        // The root's scripts are named only by runs at the root.
        assert_eq!(invocation("pnpm --filter web build"), None);
        assert_eq!(invocation("npm run build --workspace=packages/a"), None);
        assert_eq!(invocation("pnpm -r build"), None);
        assert_eq!(
            invocation("pnpm run build"),
            Some((Kind::Npm, "build".to_string()))
        );
    }

    #[test]
    fn runs_in_one_package_or_the_root_are_not_across_workspaces() {
        for line in [
            "pnpm run test",
            "pnpm test",
            "npm run build",
            "pnpm -w run lint",
            "yarn lint",
            "lerna publish from-package",
            "nx run web:build",
            "pnpm -r install",
            "turbo --version",
            "cargo test",
        ] {
            assert!(scripts(line).is_empty(), "{line}: {:?}", scripts(line));
        }
    }
}
