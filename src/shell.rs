//! Reading `run:` scripts as commands, not lines: `\` continuations are
//! joined, comments dropped, and `&&`, `||`, `;`, `|` split one line into
//! several commands. Nothing is ever executed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// One simple command of a script.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// Words after quote removal, with leading `VAR=value` assignments and
    /// wrappers (`sudo`, `then`, `python -m`, `npx`, …) dropped.
    pub words: Vec<String>,
    /// The command as written (first physical line of it), for messages and locating.
    pub raw: String,
}

impl Command {
    pub fn text(&self) -> String {
        self.words.join(" ")
    }

    /// Whether this command is `pattern` (e.g. `npm publish`, `mix hex.publish --yes`):
    /// the pattern's words appear in order, the first one as the program; between
    /// them only flags (and the value after a long flag) may stand.
    pub fn matches(&self, pattern: &str) -> bool {
        // Called for every command against every known pattern: the
        // pattern's words are walked, not collected.
        let mut pat = pattern.split_whitespace();
        let Some(program) = pat.next() else {
            return false;
        };
        if self.words.is_empty() || !program_is(&self.words[0], program) {
            return false;
        }
        let mut wi = 1;
        for p in pat {
            let mut skipped_value = false;
            loop {
                let Some(w) = self.words.get(wi) else {
                    return false;
                };
                wi += 1;
                if w.as_str() == p {
                    break;
                }
                if is_flag(w) {
                    skipped_value = false;
                    if w.starts_with("--") && !w.contains('=') {
                        skipped_value = true;
                        continue;
                    }
                    continue;
                }
                if skipped_value {
                    skipped_value = false;
                    continue;
                }
                return false;
            }
        }
        true
    }

    /// Whether any word is one of the given flags (`--dry-run`, `--dry-run=true`).
    pub fn has_flag(&self, flags: &[&str]) -> bool {
        self.words.iter().any(|w| {
            flags
                .iter()
                .any(|f| w == f || (w.starts_with(f) && w[f.len()..].starts_with('=')))
        })
    }
}

impl Command {
    /// The value given to the first of `flags` the command has, written
    /// either as the next word (`--registry URL`) or after `=`
    /// (`--registry=URL`).
    pub fn flag_value(&self, flags: &[&str]) -> Option<&str> {
        let mut words = self.words.iter();
        while let Some(w) = words.next() {
            for f in flags {
                if w == f {
                    return words.next().map(String::as_str);
                }
                if let Some(v) = w.strip_prefix(f).and_then(|r| r.strip_prefix('=')) {
                    return Some(v);
                }
            }
        }
        None
    }

    /// Every value given to any of `flags`, in order (`--exclude a
    /// --exclude=b` gives `a`, `b`).
    pub fn flag_values<'a>(&'a self, flags: &'a [&'a str]) -> impl Iterator<Item = &'a str> + 'a {
        let mut words = self.words.iter().peekable();
        std::iter::from_fn(move || {
            while let Some(w) = words.next() {
                for f in flags {
                    if w == f {
                        if let Some(v) = words.next() {
                            return Some(v.as_str());
                        }
                    } else if let Some(v) = w.strip_prefix(f).and_then(|r| r.strip_prefix('=')) {
                        return Some(v);
                    }
                }
            }
            None
        })
    }

    /// Whether one of the given switches is on: given bare
    /// (`--dry-run`) or with a value that is not false (`--dry-run=true`).
    /// A value the run fills in (`--dry-run="$DRY_RUN"`, `${{ inputs.dry }}`)
    /// is not known to be on: the same line also makes the real release.
    pub fn has_switch_on(&self, flags: &[&str]) -> bool {
        self.words.iter().any(|w| {
            flags.iter().any(|f| {
                if w == f {
                    return true;
                }
                let Some(v) = w.strip_prefix(f).and_then(|r| r.strip_prefix('=')) else {
                    return false;
                };
                let v = v.trim_matches(['"', '\'']);
                !(v.contains('$')
                    || matches!(v.to_ascii_lowercase().as_str(), "false" | "0" | "no"))
            })
        })
    }
}

fn is_flag(w: &str) -> bool {
    (w.starts_with('-') && w.len() > 1) || w.starts_with('+')
}

/// A list of command patterns indexed by their program, for the long lists
/// every command of every script is tried against (the publish and ship
/// commands): only the patterns whose program the command could be are
/// tried, in list order, with [`Command::matches`].
pub struct ByProgram {
    /// Pattern indices by program (without a leading `./`).
    index: HashMap<&'static str, Vec<usize>>,
}

impl ByProgram {
    /// Indexes `patterns` (each a pattern as [`Command::matches`] takes it).
    /// A pattern's program is a plain name (`cargo`) or one led by `./`
    /// (`./gradlew`): a program with a folder in it would be told apart
    /// only by [`program_is`]'s whole-word comparison, which this index
    /// does not make.
    pub fn new(patterns: impl IntoIterator<Item = &'static str>) -> ByProgram {
        let mut index: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for (i, p) in patterns.into_iter().enumerate() {
            let program = p.split_whitespace().next().unwrap_or("");
            let key = program.trim_start_matches("./");
            debug_assert!(!key.contains('/'), "pattern program with a folder: {p}");
            index.entry(key).or_default().push(i);
        }
        ByProgram { index }
    }

    /// The index of the first of the patterns `cmd` matches, given the
    /// same list as [`ByProgram::new`].
    pub fn first(&self, cmd: &Command, patterns: &[&str]) -> Option<usize> {
        // The names `program_is` accepts for the command's first word.
        let (base, name) = program_names(cmd.words.first()?);
        let mut tried: Vec<usize> = [Some(base), name]
            .iter()
            .flatten()
            .filter_map(|k| self.index.get(k))
            .flatten()
            .copied()
            .collect();
        tried.sort_unstable();
        tried.dedup();
        tried
            .into_iter()
            .find(|&i| patterns.get(i).is_some_and(|p| cmd.matches(p)))
    }
}

fn program_is(word: &str, want: &str) -> bool {
    if word == want {
        return true;
    }
    let mut want = want;
    while let Some(rest) = want.strip_prefix("./") {
        want = rest;
    }
    // Asked for every command against every known pattern: most words are
    // told apart here. A match below needs the word to end with `want` or
    // to hold a `@`.
    if !word.ends_with(want) && !word.contains('@') {
        return false;
    }
    let (base, name) = program_names(word);
    base == want || name == Some(want)
}

/// The names a command's first word may be asked about as its program: its
/// file name (`./gradlew`, `/usr/bin/npm`, `node_modules/.bin/changeset`),
/// and a package spec's name (`npx semantic-release@24.2.9`).
fn program_names(word: &str) -> (&str, Option<&str>) {
    let base = word.rsplit('/').next().unwrap_or(word);
    let name = base
        .split_once('@')
        .filter(|(name, version)| !name.is_empty() && !version.is_empty())
        .map(|(name, _)| name);
    (base, name)
}

/// [`commands`], split once and shared: every check that reads a step's
/// script asks for its commands, and splitting it again for each (a 4.6 MB
/// workflow of 21,000 steps, a dozen checks) was most of a run. A small
/// per-thread cache keyed by the script's text keeps what was split
/// recently; the checks of the workflow pass visit a workflow back to back
/// on one thread, so they share it. The cache is emptied whenever it would
/// pass [`CACHE_BYTES`], so its memory stays flat whatever the tree.
pub fn commands_shared(script: &str) -> Rc<[(usize, Command)]> {
    SPLIT.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(hit) = cache.map.get(script) {
            return hit.clone();
        }
        let split: Rc<[(usize, Command)]> = commands(script).into();
        let cost = script.len()
            + split
                .iter()
                .map(|(_, c)| {
                    c.raw.len() + c.words.iter().map(|w| w.len() + 24).sum::<usize>() + 80
                })
                .sum::<usize>()
            + 64;
        if cost > CACHE_BYTES {
            return split;
        }
        if cache.bytes + cost > CACHE_BYTES {
            cache.map.clear();
            cache.bytes = 0;
        }
        cache.bytes += cost;
        cache.map.insert(script.into(), split.clone());
        split
    })
}

/// Empties this thread's cache of split scripts (the workflows pass calls
/// it when the checks of one workflow are done, so the cache never holds
/// more than the scripts of the workflow being judged and what it reaches).
pub fn forget_split_scripts() {
    SPLIT.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache.map = HashMap::new();
        cache.bytes = 0;
    });
}

/// The most a thread's cache of split scripts holds, about.
const CACHE_BYTES: usize = 4 << 20;

#[derive(Default)]
struct SplitCache {
    map: HashMap<Box<str>, Rc<[(usize, Command)]>>,
    /// What `map` holds, estimated.
    bytes: usize,
}

thread_local! {
    static SPLIT: RefCell<SplitCache> = RefCell::new(SplitCache::default());
}

/// Splits a script into commands, each with the 0-based line it starts on.
pub fn commands(script: &str) -> Vec<(usize, Command)> {
    let mut out = Vec::new();
    let mut logical = String::new();
    let mut start_line = 0;
    let mut in_heredoc: Option<String> = None;
    for (i, line) in script.lines().enumerate() {
        if let Some(end) = &in_heredoc {
            if line.trim() == end {
                in_heredoc = None;
            }
            continue;
        }
        if logical.is_empty() {
            start_line = i;
        }
        let trimmed_end = line.trim_end();
        if let Some(body) = trimmed_end.strip_suffix('\\') {
            logical.push_str(body);
            logical.push(' ');
            continue;
        }
        logical.push_str(line);
        if let Some(tag) = heredoc_tag(&logical) {
            in_heredoc = Some(tag);
        }
        push_commands(&logical, start_line, &mut out);
        logical.clear();
    }
    push_commands(&logical, start_line, &mut out);
    out
}

fn push_commands(logical: &str, line: usize, out: &mut Vec<(usize, Command)>) {
    for part in split_commands(logical) {
        let words = normalise(part.words);
        if !words.is_empty() {
            out.push((
                line,
                Command {
                    words,
                    raw: part.raw.trim().to_string(),
                },
            ));
        }
    }
}

fn heredoc_tag(line: &str) -> Option<String> {
    let i = line.find("<<")?;
    let rest = line[i + 2..].trim_start_matches('-').trim_start();
    let tag: String = rest
        .trim_start_matches(['\'', '"'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!tag.is_empty()).then_some(tag)
}

struct Part {
    words: Vec<String>,
    raw: String,
}

/// Tokenises one logical line: quotes removed, comments dropped, split at
/// `&&`, `||`, `;`, `|`, `&`, and at `(`/`)`/backticks of subshells.
fn split_commands(line: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut raw_start = 0;
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    let mut quote: Option<char> = None;
    let flush_word = |word: &mut String, words: &mut Vec<String>, in_word: &mut bool| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while i < chars.len() {
        let (pos, c) = chars[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == '\\' && q == '"' && i + 1 < chars.len() {
                i += 1;
                word.push(chars[i].1);
            } else {
                word.push(c);
            }
            i += 1;
            continue;
        }
        // `${{ … }}` is substituted before the shell runs: one word, whose
        // spaces and braces are not shell syntax.
        if c == '$'
            && line[pos..].starts_with("${{")
            && let Some(len) = line[pos..].find("}}")
        {
            let end = pos + len + 2;
            word.push_str(&line[pos..end]);
            in_word = true;
            while i < chars.len() && chars[i].0 < end {
                i += 1;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                in_word = true;
            }
            '#' if !in_word => break,
            ' ' | '\t' => flush_word(&mut word, &mut words, &mut in_word),
            ';' | '&' | '|' | '(' | ')' | '`' | '{' | '}'
                if !(c == '{' || c == '}') || !in_word =>
            {
                flush_word(&mut word, &mut words, &mut in_word);
                if !words.is_empty() {
                    parts.push(Part {
                        words: std::mem::take(&mut words),
                        raw: line[raw_start..pos].to_string(),
                    });
                }
                raw_start = pos + c.len_utf8();
            }
            '\\' if i + 1 < chars.len() => {
                i += 1;
                word.push(chars[i].1);
                in_word = true;
            }
            _ => {
                word.push(c);
                in_word = true;
            }
        }
        i += 1;
    }
    flush_word(&mut word, &mut words, &mut in_word);
    if !words.is_empty() {
        parts.push(Part {
            words,
            raw: line[raw_start..].to_string(),
        });
    }
    parts
}

/// Drops what stands before the real program: assignments, shell keywords,
/// privilege and timing wrappers, and runners that only locate a tool.
fn normalise(mut words: Vec<String>) -> Vec<String> {
    loop {
        let Some(first) = words.first() else {
            return words;
        };
        let f = first.as_str();
        let drop = if is_assignment(f) {
            1
        } else {
            match f {
                "if" | "then" | "do" | "else" | "elif" | "while" | "until" | "!" | "sudo"
                | "time" | "exec" | "command" | "nohup" | "env" | "xargs" | "eval" | "$" => 1,
                // Also an interpreter named by its path (a virtualenv's
                // `venv/bin/python -m twine upload`).
                _ if matches!(
                    f.rsplit('/').next(),
                    Some("python" | "python3" | "py" | "python2")
                ) && words.get(1).map(String::as_str) == Some("-m") =>
                {
                    2
                }
                "npx" | "bunx" | "uvx" | "pipx" | "vpx" if true => {
                    if f == "pipx" && words.get(1).map(String::as_str) == Some("run") {
                        2
                    } else if f == "pipx" {
                        0
                    } else {
                        1 + words
                            .iter()
                            .skip(1)
                            .take_while(|w| w.starts_with('-'))
                            .count()
                    }
                }
                "uv" | "poetry" | "pdm" | "hatch" | "pipenv"
                    if words.get(1).map(String::as_str) == Some("run") =>
                {
                    2
                }
                // `gem exec rake release`: RubyGems runs a gem's executable.
                "bundle" | "gem" if words.get(1).map(String::as_str) == Some("exec") => 2,
                // Vite+'s `vp exec` and `vp dlx` are pnpm's, for whichever
                // package manager the project uses.
                "pnpm" | "yarn" | "vp"
                    if matches!(words.get(1).map(String::as_str), Some("exec" | "dlx")) =>
                {
                    2
                }
                // `npm exec -- release-it`, `bun x release-it`: the package's
                // binary, run by the package manager.
                "npm" if words.get(1).map(String::as_str) == Some("exec") => {
                    2 + words
                        .iter()
                        .skip(2)
                        .take_while(|w| w.starts_with('-'))
                        .count()
                }
                "bun" if words.get(1).map(String::as_str) == Some("x") => 2,
                // `deno run -A jsr:@scope/tool@1`, `deno x npm:tool`: a
                // package from a registry, run by Deno. Its permission
                // flags are dropped with the runner; a local script
                // (`deno run main.ts`) is left as it is.
                "deno"
                    if matches!(words.get(1).map(String::as_str), Some("run" | "x"))
                        && words
                            .iter()
                            .skip(2)
                            .find(|w| !w.starts_with('-'))
                            .is_some_and(|w| w.starts_with("jsr:") || w.starts_with("npm:")) =>
                {
                    2 + words
                        .iter()
                        .skip(2)
                        .take_while(|w| w.starts_with('-'))
                        .count()
                }
                // The end of a wrapper's own options (`npm exec -- tool`).
                "--" => 1,
                _ => 0,
            }
        };
        if drop == 0 || drop > words.len() {
            return words;
        }
        words.drain(..drop);
        // Deno names a registry package by its registry: `jsr:@scope/tool`.
        if let Some(first) = words.first_mut()
            && let Some(spec) = first
                .strip_prefix("jsr:")
                .or_else(|| first.strip_prefix("npm:"))
        {
            *first = spec.to_string();
        }
    }
}

fn is_assignment(w: &str) -> bool {
    match w.find('=') {
        Some(i) if i > 0 => w[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(usize, String)> {
        commands(s)
            .into_iter()
            .map(|(l, c)| (l, c.text()))
            .collect()
    }

    #[test]
    fn splits_and_joins() {
        let s = "set -e\nnpm ci && npm run build; echo done\ncargo publish \\\n  --locked\n# twine upload\nFOO=1 sudo -E twine upload dist/*";
        assert_eq!(
            texts(s),
            vec![
                (0, "set -e".into()),
                (1, "npm ci".into()),
                (1, "npm run build".into()),
                (1, "echo done".into()),
                (2, "cargo publish --locked".into()),
                (5, "-E twine upload dist/*".into()),
            ]
        );
    }

    #[test]
    fn matching_allows_flags_between_words() {
        let c = |s: &str| commands(s).remove(0).1;
        assert!(c("pnpm -r publish --access public").matches("pnpm publish"));
        assert!(c("pnpm --filter ./pkg publish").matches("pnpm publish"));
        assert!(!c("npm run publish").matches("npm publish"));
        assert!(c("python -m twine upload dist/*").matches("twine upload"));
        assert!(c("./venv/bin/python -m twine upload dist/*").matches("twine upload"));
        let ex = c("cargo publish --workspace --exclude a --exclude=b -p c");
        assert_eq!(
            ex.flag_values(&["--exclude"]).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(
            ex.flag_values(&["-p", "--package"]).collect::<Vec<_>>(),
            ["c"]
        );
        assert!(!c("./venv/bin/python3-config -m twine").matches("twine"));
        assert!(c("npx changeset publish").matches("changeset publish"));
        let dry = ["--dry-run"];
        assert!(c("nx release publish --dry-run").has_switch_on(&dry));
        assert!(c("nx release publish --dry-run=true").has_switch_on(&dry));
        assert!(!c("nx release publish --dry-run=false").has_switch_on(&dry));
        assert!(!c("nx release publish --dry-run=\"$DRY\"").has_switch_on(&dry));
        assert!(!c("nx release publish").has_switch_on(&dry));
        assert!(c("mix hex.publish --yes").matches("mix hex.publish --yes"));
        assert!(!c("mix hex.publish").matches("mix hex.publish --yes"));
        assert!(!c("echo cargo publish").matches("cargo publish"));
        assert!(c("cargo publish --dry-run").has_flag(&["--dry-run"]));
        let v = |line: &str| {
            c(line)
                .flag_value(&["--registry", "-r"])
                .map(str::to_string)
        };
        assert_eq!(
            v("npm publish --registry https://x"),
            Some("https://x".into())
        );
        assert_eq!(
            v("npm publish --registry=https://y --tag a"),
            Some("https://y".into())
        );
        assert_eq!(v("npm publish -r z"), Some("z".into()));
        assert_eq!(v("npm publish --registry"), None);
        assert_eq!(v("npm publish --registryx=1"), None);
        assert!(c("./gradlew publish").matches("gradlew publish"));
        assert!(c("npx semantic-release@24.2.9").matches("semantic-release"));
        let e = c("npm publish --tag ${{ steps.t.outputs.tag }} --dry-run");
        assert_eq!(
            e.text(),
            "npm publish --tag ${{ steps.t.outputs.tag }} --dry-run"
        );
        assert!(e.has_flag(&["--dry-run"]));
        assert_eq!(commands("echo ${{ a }} && cargo publish").len(), 2);
        assert!(c("npx @changesets/cli@2 publish").matches("cli publish"));
        assert!(!c("npx semantic-release-cli@1").matches("semantic-release"));
        assert!(c("deno run -A jsr:@david/publish-on-tag@0.1.4").matches("publish-on-tag"));
        assert!(c("deno x npm:semantic-release@24").matches("semantic-release"));
        assert!(!c("deno run -A publish-on-tag.ts").matches("publish-on-tag"));
        assert_eq!(c("npm exec -- release-it --ci").text(), "release-it --ci");
        assert_eq!(c("bun x semantic-release").text(), "semantic-release");
        assert_eq!(
            c("npm exec --yes -- changeset publish").text(),
            "changeset publish"
        );
    }

    #[test]
    fn quotes_and_heredocs() {
        assert_eq!(
            texts("echo \"a && b\" | tee x"),
            vec![(0, "echo a && b".into()), (0, "tee x".into())]
        );
        assert_eq!(
            texts("cat <<EOF\nnpm publish\nEOF\nls"),
            vec![(0, "cat <<EOF".into()), (3, "ls".into())]
        );
        assert_eq!(
            texts("if ! git diff --quiet; then exit 1; fi"),
            vec![
                (0, "git diff --quiet".into()),
                (0, "exit 1".into()),
                (0, "fi".into())
            ]
        );
    }
}
