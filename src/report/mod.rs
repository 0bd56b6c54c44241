//! One report model; one renderer per format. Renderers never decide verdicts.

pub mod escape;
mod github;
mod human;
mod json;
mod junit;
mod markdown;
mod sarif;

use crate::finding::{Finding, Severity, Verdict};
use std::io::Write;

pub const SCHEMA: &str = "shipgate/report-v1";

#[derive(Debug, Clone)]
pub struct CheckResult {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub skip_reason: Option<String>,
    /// Why it exists, how to fix it, where it is documented.
    pub rule: RuleInfo,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub pass: usize,
    pub warn: usize,
    pub block: usize,
    pub skip: usize,
    /// Suppressed by a waiver or an inline ignore.
    pub suppressed: usize,
    /// Known from the baseline (not counted in `suppressed`).
    pub baselined: usize,
    /// Findings that count toward the verdict.
    pub counted: usize,
    /// With `--base`: counted findings the base already had.
    pub existing: usize,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub lane: String,
    pub policy: Option<String>,
    pub verdict: Verdict,
    pub summary: Summary,
    pub checks: Vec<CheckResult>,
    /// The baseline applied, as it is named, when one was.
    pub baseline: Option<String>,
    /// With `--base`: the base compared against (`main (0123abcd4567)`).
    pub base: Option<String>,
}

impl Report {
    pub fn new(lane: String, policy: Option<String>, checks: Vec<CheckResult>) -> Report {
        let mut summary = Summary::default();
        for c in &checks {
            match c.verdict {
                Verdict::Pass => summary.pass += 1,
                Verdict::Warn => summary.warn += 1,
                Verdict::Block => summary.block += 1,
                Verdict::Skip => summary.skip += 1,
            }
            for f in &c.findings {
                match &f.suppressed {
                    Some(s) if s.by == "baseline" => summary.baselined += 1,
                    Some(_) => summary.suppressed += 1,
                    None => summary.counted += 1,
                }
            }
        }
        let verdict = checks
            .iter()
            .map(|c| c.verdict)
            .filter(|v| *v != Verdict::Skip)
            .max()
            .unwrap_or(Verdict::Pass);
        Report {
            lane,
            policy,
            verdict,
            summary,
            checks,
            baseline: None,
            base: None,
        }
    }

    /// Whether a finding the change brought (not on the base) blocks: what
    /// `--fail-on new` exits 1 on.
    pub fn fails_on_new(&self) -> bool {
        self.checks.iter().any(|c| {
            c.findings
                .iter()
                .any(|f| f.suppressed.is_none() && !f.existing && f.severity == Severity::Block)
        })
    }

    /// Whether the run fails at `fail_on`.
    pub fn fails(&self, fail_on: Severity) -> bool {
        match fail_on {
            Severity::Block => self.verdict == Verdict::Block,
            Severity::Warn => self.verdict >= Verdict::Warn,
        }
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML, one testcase per check.
    Junit,
    /// A Markdown summary, fit for a PR comment or the job summary.
    Markdown,
}

/// What a renderer needs from outside the report. The command fills it
/// (from the terminal and the environment); renderers never read either.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderContext {
    /// ANSI colour, for `human` only.
    pub color: bool,
    /// The root relative to the workspace, `/`-separated with a trailing
    /// `/` (`packages/app/`), or empty: prefixed to the paths of
    /// `--format github` annotations and SARIF results, which a runner and
    /// code scanning resolve from the workspace, not from the root.
    pub workspace_prefix: String,
    /// Where Markdown links point.
    pub links: LinkBase,
    /// `human`: list only the checks that warn or block.
    pub quiet: bool,
    /// What fails the run (`--fail-on`): the human summary says why a run
    /// failed, and JUnit marks failing checks by it.
    pub fail_on: Threshold,
    /// `human`: prefixed to every path so `path:line:col` opens from the
    /// current directory (`packages/app/`), or empty.
    pub display_prefix: String,
}

/// What fails the run, as `--fail-on` says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Threshold {
    /// A blocking finding.
    #[default]
    Block,
    /// A blocking finding or a warning.
    Warn,
    /// A blocking finding the base does not have.
    New,
}

impl Threshold {
    /// Whether check `c` fails the run at this threshold.
    pub fn fails(self, c: &CheckResult) -> bool {
        match self {
            Threshold::Block => c.verdict == Verdict::Block,
            Threshold::Warn => c.verdict >= Verdict::Warn,
            Threshold::New => c
                .findings
                .iter()
                .any(|f| f.suppressed.is_none() && !f.existing && f.severity == Severity::Block),
        }
    }
}

impl RenderContext {
    /// `path` (relative to the root) relative to the workspace.
    pub fn workspace_path(&self, path: &str) -> String {
        format!("{}{path}", self.workspace_prefix)
    }
}

/// Renders `report` in `format` to `out`.
pub fn render(
    report: &Report,
    format: Format,
    ctx: &RenderContext,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::render(report, ctx, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, ctx, out),
        Format::Github => github::render(report, ctx, out),
        Format::Junit => junit::render(report, ctx.fail_on, out),
        Format::Markdown => markdown::render(report, &ctx.links, out),
    }
}

/// The Markdown report on its own: what `--format github` appends to
/// `$GITHUB_STEP_SUMMARY`.
pub fn markdown_summary(report: &Report, ctx: &RenderContext) -> String {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = markdown::render(report, &ctx.links, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Where Markdown links to files point. In a GitHub Actions run
/// (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` and `GITHUB_SHA` set) they are
/// absolute links to the commit; elsewhere they are relative to the root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkBase(pub Option<String>);

impl LinkBase {
    /// Links into the commit a GitHub Actions run checked out, given the
    /// run's `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` and `GITHUB_SHA` (the
    /// command line reads them; renderers never read the environment).
    /// Any of them missing or blank: links relative to the root.
    pub fn github(server: Option<&str>, repository: Option<&str>, sha: Option<&str>) -> LinkBase {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        match (given(server), given(repository), given(sha)) {
            (Some(server), Some(repo), Some(sha)) => LinkBase(Some(format!(
                "{}/{}/blob/{}/",
                server.trim_end_matches('/'),
                repo,
                sha
            ))),
            _ => LinkBase(None),
        }
    }

    /// A link to `path` at `line`.
    pub fn link(&self, path: &str, line: usize) -> String {
        let path = percent_encode_path(path);
        match &self.0 {
            Some(base) => format!("{base}{path}#L{line}"),
            None => format!("{path}#L{line}"),
        }
    }
}

/// Where a check is documented.
pub use crate::meta::help_uri;

/// Writes `value` as serde_json's pretty JSON, with every character a
/// terminal would obey that JSON leaves raw (C1 controls, DEL, bidi marks:
/// [`escape::is_hidden`]) written as a `\u` escape: a parser reads back the
/// same text, and a person viewing the file sees the escape (JSON and SARIF).
pub(crate) fn write_json<T: serde::Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
) -> std::io::Result<()> {
    // The serializer makes many small writes (a quote, an indent, a
    // fragment); a buffer of a known type takes them without a call through
    // the writer's vtable each, and hands the writer whole blocks.
    let mut buf = std::io::BufWriter::with_capacity(1 << 16, out);
    let pretty = serde_json::ser::PrettyFormatter::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, ShownJson(pretty));
    value.serialize(&mut ser)?;
    buf.flush()
}

/// serde_json's pretty layout, delegated; only string fragments differ.
struct ShownJson<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for ShownJson<'_> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if !escape::has_hidden(fragment) {
            return w.write_all(fragment.as_bytes());
        }
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| escape::is_hidden(c)) {
            w.write_all(&rest.as_bytes()[..at])?;
            write!(w, "\\u{:04x}", c as u32)?;
            rest = &rest[at + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Percent-encodes a `/`-separated relative path for use in a URI
/// reference: unreserved characters, most sub-delimiters, `@` and `/` stay.
/// `:` is encoded (`a:b.md` would read as a scheme), and so are parentheses
/// (they end a Markdown link).
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'*+,;=@".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a report says about a check beyond its title: why it exists, how to
/// fix a failure, where it is documented. The engine fills it from the
/// check's metadata (or a custom check's `why`), so renderers never look a
/// check up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleInfo {
    /// Why the check exists (empty when nobody said).
    pub rationale: String,
    /// How to fix a failure (empty for custom checks).
    pub fix: String,
    /// Where the check is documented, for built-in checks.
    pub help_uri: Option<String>,
}

impl RuleInfo {
    /// A built-in check's (or an engine audit's) declared text.
    pub fn of(meta: &crate::meta::Meta) -> RuleInfo {
        RuleInfo {
            rationale: meta.rationale.to_string(),
            fix: meta.fix.to_string(),
            help_uri: Some(help_uri(meta.id)),
        }
    }

    /// A custom check's: its `why`, if the policy gives one.
    pub fn custom(why: Option<&str>) -> RuleInfo {
        RuleInfo {
            rationale: why.unwrap_or_default().to_string(),
            ..RuleInfo::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_safe_relative_uri_references() {
        assert_eq!(
            percent_encode_path(".github/workflows/release.yml"),
            ".github/workflows/release.yml"
        );
        assert_eq!(percent_encode_path("a:b.md"), "a%3Ab.md");
        assert_eq!(
            percent_encode_path("docs/my notes (v2).md"),
            "docs/my%20notes%20%28v2%29.md"
        );
        assert_eq!(percent_encode_path("ü#?%.md"), "%C3%BC%23%3F%25.md");
    }

    #[test]
    fn links_are_relative_or_to_the_commit() {
        assert_eq!(LinkBase(None).link("a b.md", 3), "a%20b.md#L3");
        assert_eq!(
            LinkBase(Some("https://github.com/o/r/blob/abc/".into())).link("x.yml", 9),
            "https://github.com/o/r/blob/abc/x.yml#L9"
        );
        let run = LinkBase::github(Some("https://github.com/"), Some("o/r"), Some("abc"));
        assert_eq!(
            run.link("x.yml", 9),
            "https://github.com/o/r/blob/abc/x.yml#L9"
        );
        // Outside a run (or with any of the three blank) links stay relative.
        assert_eq!(
            LinkBase::github(Some("https://github.com"), None, Some("abc")),
            LinkBase(None)
        );
        assert_eq!(
            LinkBase::github(Some(" "), Some("o/r"), Some("abc")),
            LinkBase(None)
        );
    }
}
