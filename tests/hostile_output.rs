//! Hostile text in reports (SPEC §5, issue 15): file names, job names and
//! YAML values come from whoever opened the pull request. None of them may
//! forge a GitHub workflow command, become Markdown or HTML in a PR comment
//! or job summary, or put control or bidi characters in front of a reader,
//! in any format a person reads.

mod common;

use common::write;
use pulldown_cmark::{Event, Parser, Tag};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Names that are workflow commands, Markdown, HTML, terminal escapes or
/// bidi tricks. Each becomes a Markdown file with a broken link (so it is a
/// finding's path) and a job id (so it is quoted in messages).
const HOSTILE: &[&str] = &[
    "::warning title=x::all checks passed",
    "  ::error file=a,line=1::forged",
    "\u{a0}\u{2003}::notice::nbsp",
    "::endgroup::",
    "::stop-commands::abc",
    "::add-mask::secret",
    "x ##[add-mask]secret",
    "##[set-output name=a]b",
    "``<a href=https://evil.example>click</a>",
    "`<img src=x onerror=alert(1)>",
    "<script>alert(1)</script> & &amp; *em* _u_ ~~s~~ | pipe $x$",
    "[link](https://evil.example) ![img](https://evil.example/i.png)",
    "esc \u{1b}[31mred\u{1b}[0m bel \u{7} csi \u{9b}2J del \u{7f}",
    "bidi \u{202e}gpj.exe\u{202c} \u{2066}iso\u{2069} \u{200f}rlm \u{61c}alm",
    "cr\rhere",
    "cc @octocat @org/team",
];

/// Characters a reader must never receive raw.
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// A tree whose findings carry every hostile string: as a file name with a
/// broken link, and as the id of a publishing job with no environment.
fn hostile_tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let mut jobs = String::new();
    for (i, name) in HOSTILE.iter().enumerate() {
        if !name.contains(['\r', '/']) {
            write(t.path(), &format!("{name}.md"), "[x](nope.md)\n");
        }
        // A YAML double-quoted key can hold any character as an escape.
        let key: String = name
            .chars()
            .map(|c| match c {
                '"' => "\\\"".to_string(),
                '\\' => "\\\\".to_string(),
                c if c.is_control() || (c as u32) > 0x7e => format!("\\u{:04X}", c as u32),
                c => c.to_string(),
            })
            .collect();
        jobs.push_str(&format!(
            "  \"{key}\":\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo publish # {i}\n"
        ));
    }
    write(
        t.path(),
        ".github/workflows/release.yml",
        format!("on:\n  push:\n    tags: ['v*']\npermissions: {{}}\njobs:\n{jobs}"),
    );
    // The policy is tree text too: a custom check's title and why appear
    // unquoted in reports.
    write(
        t.path(),
        "shipgate.toml",
        "[[check]]\nid = \"no-nope\"\nuses = \"text.forbids\"\nfiles = [\"*.md\"]\npatterns = [\"nope\"]\n\
         title = \"cc @octocat <img src=x> **bold** [l](https://evil.example) ::warning::t ##[add-mask]m \\u001b[2J\"\n\
         why = \"@org/team <script>x</script>\"\n",
    );
    t
}

struct Out {
    code: i32,
    stdout: String,
}

fn check(root: &Path, format: &str) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_shipgate"))
        .args(["check", root.to_str().unwrap(), "--format", format])
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_SERVER_URL")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    Out {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 report"),
    }
}

/// The unsuppressed findings of the JSON report: (path, message).
fn counted_findings(root: &Path) -> Vec<(String, String)> {
    let (_, v) = common::check_json(root, &[]);
    let mut out = Vec::new();
    for c in v["checks"].as_array().unwrap() {
        for f in c["findings"].as_array().unwrap() {
            if f["suppressed"].is_null() {
                out.push((
                    f["path"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    out
}

/// What the Actions runner would take for a command in `log`: `::name …`
/// after leading whitespace (Unicode, as .NET's TrimStart), or `##[name` anywhere.
/// With `honour_stop`, lines between `::stop-commands::T` and `::T::` are
/// plain text, as the runner treats them.
fn runner_commands(log: &str, honour_stop: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut stopped: Option<String> = None;
    for line in log.split(['\n', '\r']) {
        let t = line.trim_start();
        if let Some(token) = &stopped {
            if t == format!("::{token}::") {
                stopped = None;
            }
            continue;
        }
        if let Some(rest) = t.strip_prefix("::") {
            let name: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != ':')
                .collect();
            if name == "stop-commands" && honour_stop {
                stopped = Some(rest["stop-commands::".len()..].to_string());
            }
            out.push(format!("::{name}"));
        } else if line.contains("##[") {
            out.push(line.to_string());
        }
    }
    out
}

/// The toolkit's unescaping of a property value.
fn unescape_property(s: &str) -> String {
    s.replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

#[test]
fn github_format_forges_no_workflow_command() {
    let t = hostile_tree();
    let run = check(t.path(), "github");
    assert_eq!(run.code, 1, "{}", run.stdout);
    let findings = counted_findings(t.path());

    // Honouring stop-commands, the runner sees exactly one annotation per
    // finding and the group around the report.
    let seen = runner_commands(&run.stdout, true);
    let annotations = seen
        .iter()
        .filter(|c| *c == "::error" || *c == "::warning")
        .count();
    assert_eq!(annotations, findings.len(), "{seen:?}");
    let other: BTreeSet<&str> = seen
        .iter()
        .map(String::as_str)
        .filter(|c| *c != "::error" && *c != "::warning")
        .collect();
    assert_eq!(
        other,
        BTreeSet::from(["::group", "::stop-commands", "::endgroup"]),
        "{}",
        run.stdout
    );

    // Even a runner that ignored the stop would find no other command: tree
    // text in the plain report is neutralised line by line.
    let unstopped = runner_commands(&run.stdout, false);
    assert!(
        unstopped.iter().all(|c| c.starts_with("::")
            && [
                "::error",
                "::warning",
                "::group",
                "::stop-commands",
                "::endgroup"
            ]
            .contains(&c.as_str())
            || c.starts_with("::shipgate-")),
        "{unstopped:#?}"
    );
    assert!(!run.stdout.contains("##["), "{}", run.stdout);

    // Each annotation is one well-formed command whose properties decode
    // back to the finding's path.
    let paths: BTreeSet<String> = findings.iter().map(|(p, _)| p.clone()).collect();
    for line in run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error ") || l.starts_with("::warning "))
    {
        let body = line.split_once(' ').unwrap().1;
        let (props, _data) = body.split_once("::").expect("properties end in ::");
        let mut file = None;
        for p in props.split(',') {
            let (k, v) = p.split_once('=').unwrap_or_else(|| panic!("{p} in {line}"));
            assert!(
                ["file", "line", "col", "endLine", "endColumn", "title"].contains(&k),
                "forged property {k}: {line}"
            );
            if k == "file" {
                file = Some(unescape_property(v));
            }
        }
        let file = file.expect("file property");
        // Hidden characters in a path are shown escaped, so compare shown forms.
        assert!(
            paths.iter().any(|p| shown(p) == file),
            "{file:?} is no finding's path"
        );
    }
    assert_no_hidden(&run.stdout, "github");
}

/// A path as the reports show it: hidden characters as `\u{…}`.
fn shown(s: &str) -> String {
    s.chars()
        .map(|c| {
            if hidden(c) || c == '\n' {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .replace("##[", "##\\u{5b}")
}

fn assert_no_hidden(text: &str, format: &str) {
    if let Some(c) = text.chars().find(|c| hidden(*c) && *c != '\r') {
        panic!("{format}: raw U+{:04X} reaches the reader", c as u32);
    }
    assert!(
        !text.contains('\r'),
        "{format}: a raw CR reaches the reader"
    );
}

#[test]
fn stop_commands_token_differs_per_run() {
    let t = hostile_tree();
    let token = |s: &str| {
        s.lines()
            .find_map(|l| l.strip_prefix("::stop-commands::"))
            .map(str::to_string)
            .expect("a stop-commands line")
    };
    let a = token(&check(t.path(), "github").stdout);
    let b = token(&check(t.path(), "github").stdout);
    assert_ne!(a, b);
    assert!(a.len() >= 32, "{a}");
}

#[test]
fn markdown_report_has_no_live_markup() {
    let t = hostile_tree();
    let run = check(t.path(), "markdown");
    assert_eq!(run.code, 1);
    let md = &run.stdout;
    let findings = counted_findings(t.path());
    let mut links = 0;
    let mut in_link = false;
    let mut depth = 0i32;
    for ev in Parser::new_ext(md, pulldown_cmark::Options::all()) {
        match ev {
            Event::Html(h) | Event::InlineHtml(h) => panic!("live HTML {h:?} in\n{md}"),
            Event::Start(Tag::Image { dest_url, .. }) => panic!("image {dest_url} in\n{md}"),
            Event::Start(Tag::Link { dest_url, .. }) => {
                // Only the renderer's own links to a finding's line.
                assert!(
                    dest_url.contains("#L") && !dest_url.contains("://"),
                    "forged link {dest_url}"
                );
                links += 1;
                in_link = true;
            }
            Event::End(pulldown_cmark::TagEnd::Link) => in_link = false,
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) if !in_link => {
                depth += 1
            }
            Event::End(
                pulldown_cmark::TagEnd::Emphasis
                | pulldown_cmark::TagEnd::Strong
                | pulldown_cmark::TagEnd::Strikethrough,
            ) => depth -= 1,
            Event::InlineMath(m) | Event::DisplayMath(m) => panic!("math {m:?} in\n{md}"),
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    // Nobody is mentioned (notified) from the tree: no `@name` in text.
    let mention = regex::Regex::new(r"(?:^|[^\w])@\w").unwrap();
    for ev in Parser::new(md) {
        if let Event::Text(t) = ev {
            assert!(!mention.is_match(&t), "a mention in {t:?}");
        }
    }
    assert_eq!(links, findings.len(), "one link per finding\n{md}");
    // The only emphasis is the renderer's own **block** / **warn** tags.
    let strong = Parser::new(md)
        .filter(|e| matches!(e, Event::Start(Tag::Emphasis | Tag::Strikethrough)))
        .count();
    assert_eq!(strong, 0, "emphasis from the tree\n{md}");
    // Every hostile job name stays inside its own span: the message's text
    // after it is plain text again, not swallowed into an unclosed code span.
    let mut judged = 0;
    for line in md.lines().filter(|l| l.contains("declares no")) {
        assert!(
            Parser::new(line).any(|e| matches!(e, Event::Text(t) if t.contains("declares no"))),
            "{line}"
        );
        judged += 1;
    }
    assert_eq!(judged, HOSTILE.len(), "{md}");
    assert_no_hidden(md, "markdown");
}

#[test]
fn human_and_junit_show_hidden_characters_escaped() {
    let t = hostile_tree();
    let human = check(t.path(), "human");
    assert_no_hidden(&human.stdout, "human");
    assert!(human.stdout.contains("\\u{1b}[31mred"), "{}", human.stdout);
    assert!(
        human.stdout.contains("\\u{202e}gpj.exe"),
        "{}",
        human.stdout
    );
    let junit = check(t.path(), "junit");
    assert_no_hidden(&junit.stdout, "junit");
    assert!(junit.stdout.contains("\\u{9b}2J"), "{}", junit.stdout);
    let mut reader = quick_xml::Reader::from_str(&junit.stdout);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("JUnit is not well-formed XML: {e}"),
        }
    }
    // Machine formats keep the exact value (JSON escapes it itself).
    let (_, v) = common::check_json(t.path(), &[]);
    assert!(v.to_string().contains("\\u001b[31mred"));
}
