//! Policy + tree → findings → verdicts. Checks run in parallel; then waivers
//! and inline ignores are applied, severities fixed, and verdicts computed.
//! Nothing here prints.

use crate::checks::{self, Check, Context, Meta, Outcome, Scope, doc_pass, workflow_pass};
use crate::evaluators::{self, Evaluator};
use crate::finding::{Finding, Location, Severity, Suppression, Verdict};
use crate::policy::{self, CustomCheck, Policy};
use crate::repo::Tree;
use crate::report::{CheckResult, Report, RuleInfo};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What the command line asks of a run.
#[derive(Debug, Clone)]
pub struct Options {
    pub lane: String,
    pub only: Vec<String>,
    pub skip: Vec<String>,
    pub today: jiff::civil::Date,
}

enum Runner<'p> {
    /// A built-in check: run alone, or in the documents or workflows pass,
    /// as its [`Scope`] says.
    BuiltIn(&'static dyn Check),
    Custom(&'p CustomCheck, &'static Evaluator),
}

impl Runner<'_> {
    /// The built-in check's scope; a custom check runs alone.
    fn scope(&self) -> Scope {
        match self {
            Runner::BuiltIn(check) => check.scope(),
            Runner::Custom(..) => Scope::Project,
        }
    }
}

struct Planned<'p> {
    id: String,
    title: String,
    severity: Severity,
    files: Option<&'p [String]>,
    params: &'p toml::Table,
    runner: Runner<'p>,
    rule: RuleInfo,
}

static EMPTY: std::sync::LazyLock<toml::Table> = std::sync::LazyLock::new(toml::Table::new);

/// What a policy may name: the built-in checks and the evaluators behind
/// `[[check]]`. The policy loader validates against it and `shipgate schema`
/// is generated from it.
pub fn catalog() -> policy::Catalog {
    policy::Catalog {
        checks: checks::BUILTINS.iter().map(|b| b.meta()).collect(),
        evaluators: evaluators::EVALUATORS.iter().map(|e| &e.spec).collect(),
        audits: vec![&checks::waivers::META, &crate::baseline::META],
    }
}

/// Every check id the policy knows: built-ins and its custom checks.
pub fn known_ids(policy: &Policy) -> Vec<String> {
    checks::BUILTINS
        .iter()
        .map(|b| b.meta().id.to_string())
        .chain(std::iter::once(checks::waivers::META.id.to_string()))
        .chain(policy.custom.iter().map(|c| c.id.clone()))
        .collect()
}

/// The ids of the checks `opts` would run under `policy` (lane, `--only`,
/// `--skip`, `enabled`), in report order.
pub fn planned_ids(policy: &Policy, opts: &Options) -> Vec<String> {
    plan(policy, opts).into_iter().map(|p| p.id).collect()
}

fn plan<'p>(policy: &'p Policy, opts: &Options) -> Vec<Planned<'p>> {
    let wanted = |id: &str| {
        (opts.only.is_empty() || opts.only.iter().any(|o| o == id))
            && !opts.skip.iter().any(|s| s == id)
    };
    let mut out = Vec::new();
    for &b in checks::BUILTINS {
        let meta = b.meta();
        let t = policy.tuning(meta.id);
        let enabled = t.and_then(|t| t.enabled).unwrap_or(true);
        let lanes: Vec<String> = match t.and_then(|t| t.lanes.clone()) {
            Some(l) => l,
            None => meta.lanes.iter().map(|s| s.to_string()).collect(),
        };
        if !enabled || !wanted(meta.id) || !policy::runs_in_lane(&lanes, &opts.lane) {
            continue;
        }
        out.push(Planned {
            id: meta.id.to_string(),
            title: meta.title.to_string(),
            severity: t.and_then(|t| t.severity).unwrap_or(meta.severity),
            files: t.and_then(|t| t.files.as_deref()),
            params: t.map(|t| &t.params).unwrap_or(&EMPTY),
            runner: Runner::BuiltIn(b),
            rule: RuleInfo::of(meta),
        });
    }
    for c in &policy.custom {
        if !c.enabled || !wanted(&c.id) || !policy::runs_in_lane(&c.lanes, &opts.lane) {
            continue;
        }
        let Some(ev) = evaluators::find(&c.uses) else {
            continue;
        };
        out.push(Planned {
            id: c.id.clone(),
            title: c
                .title
                .clone()
                .unwrap_or_else(|| format!("{} ({})", c.id, c.uses)),
            severity: c.severity,
            files: c.files.as_deref(),
            params: &c.params,
            runner: Runner::Custom(c, ev),
            rule: RuleInfo::custom(c.why.as_deref()),
        });
    }
    out
}

/// Runs the gate and builds the report.
pub fn run(tree: &Tree, policy: &Policy, opts: &Options) -> Report {
    run_with_base(tree, None, policy, opts)
}

/// [`run`], with the base tree a pull request is compared against
/// (`--base`), which the preflight checks read.
pub fn run_with_base(
    tree: &Tree,
    base: Option<&crate::preflight::Base>,
    policy: &Policy,
    opts: &Options,
) -> Report {
    let planned = plan(policy, opts);
    let seen = checks::LinesSeen::default();
    let outcomes = run_parallel(tree, base, policy, &planned, &seen);
    // The lines findings point at: those the passes noted while they held
    // the files, the rest copied while the workflows' texts are still
    // cached; then the parsed workflows and their texts go.
    let texts = FindingTexts::collect(tree, &outcomes, seen.into_map());
    tree.forget_workflows();
    crate::memory::give_back_freed();
    let mut results: Vec<CheckResult> = Vec::new();
    let mut waiver_hits = vec![0usize; policy.waivers.len()];
    // Each waiver's glob is compiled once, not once per finding.
    let waiver_globs: Vec<Option<globset::GlobSet>> = policy
        .waivers
        .iter()
        .map(|w| crate::repo::build_globset(std::slice::from_ref(&w.path)).ok())
        .collect();
    let mut audit: Vec<Finding> = Vec::new();
    for (p, outcome) in planned.iter().zip(outcomes) {
        let (verdict_base, mut findings, skip_reason) = match outcome {
            Outcome::Skip(why) => (Verdict::Skip, Vec::new(), Some(why)),
            Outcome::Findings(f) => (Verdict::Pass, f, None),
        };
        for f in &mut findings {
            f.severity = match f.cap {
                Some(cap) => cap.min(p.severity),
                None => p.severity,
            };
        }
        // Each finding is judged on every core (its file's lines are read
        // already); what it adds to the run's tallies is summed after, in
        // finding order.
        let judged = crate::repo::par_map(&findings, |f| {
            judge(
                texts.file(&f.location.path),
                policy,
                &waiver_globs,
                &p.id,
                f,
                &opts.today,
            )
        });
        for (f, j) in findings.iter_mut().zip(judged) {
            f.suppressed = j.suppressed;
            for i in j.waiver_hits {
                waiver_hits[i] += 1;
            }
            audit.extend(j.audit);
        }
        let mut findings = ordered_and_capped(findings, &p.id);
        let snippets = crate::repo::par_map(&findings, |f| match f.snippet {
            Some(_) => None,
            None => snippet(texts.file(&f.location.path), &f.location),
        });
        for (f, s) in findings.iter_mut().zip(snippets) {
            if s.is_some() {
                f.snippet = s;
            }
        }
        let verdict = if verdict_base == Verdict::Skip {
            Verdict::Skip
        } else {
            findings
                .iter()
                .filter(|f| f.suppressed.is_none())
                .map(|f| Verdict::from(f.severity))
                .max()
                .unwrap_or(Verdict::Pass)
        };
        results.push(CheckResult {
            id: p.id.clone(),
            title: p.title.clone(),
            severity: p.severity,
            verdict,
            findings,
            skip_reason,
            rule: p.rule.clone(),
        });
    }
    report_unparseable_once(&mut results);
    let audit_wanted = (opts.only.is_empty()
        || opts.only.iter().any(|o| o == checks::waivers::META.id))
        && !opts.skip.iter().any(|s| s == checks::waivers::META.id);
    if audit_wanted && (!policy.waivers.is_empty() || !audit.is_empty()) {
        results.push(waiver_audit(
            policy,
            &waiver_hits,
            audit,
            &opts.today,
            &planned,
        ));
    }
    Report::new(opts.lane.clone(), policy.path.clone(), results)
}

/// A file that cannot be read or parsed fails closed in every check that
/// needed it, and each used to repeat the same error: one broken workflow
/// gave fourteen identical findings (and used nine of GitHub's ten
/// annotations a step). The error is now reported in full once, under the
/// check that weighs it most (the first such in report order); every other
/// check that needed the file keeps a short "cannot judge" finding there
/// that still counts toward its verdict and names where the error is.
fn report_unparseable_once(results: &mut [CheckResult]) {
    const PREFIX: &str = "cannot judge this file: ";
    // Where one error is: (path, line, column, message).
    type Error = (String, usize, usize, String);
    // Each error → (check index, finding index) of every copy.
    let mut copies: HashMap<Error, Vec<(usize, usize)>> = HashMap::new();
    for (ci, c) in results.iter().enumerate() {
        for (fi, f) in c.findings.iter().enumerate() {
            if f.message.starts_with(PREFIX) && f.suppressed.is_none() {
                let key = (
                    f.location.path.clone(),
                    f.location.line,
                    f.location.column,
                    f.message.clone(),
                );
                copies.entry(key).or_default().push((ci, fi));
            }
        }
    }
    for ((path, ..), places) in copies {
        if places.len() < 2 {
            continue;
        }
        let weight = |&(ci, fi): &(usize, usize)| results[ci].findings[fi].severity;
        let top = places.iter().map(weight).max();
        let Some(&(main, _)) = places.iter().find(|p| Some(weight(p)) == top) else {
            continue;
        };
        let main_id = results[main].id.clone();
        for &(ci, fi) in places.iter().filter(|(ci, _)| *ci != main) {
            let f = &mut results[ci].findings[fi];
            f.message = format!(
                "cannot judge this file: {path} cannot be read or parsed (the error is reported once, under `{main_id}`)"
            );
            f.help = format!("fix the error `{main_id}` reports; this check judges the file then");
            f.snippet = None;
            f.reported_under = Some(main_id.clone());
        }
    }
}

/// How long freed pages wait for reuse during the documents pass
/// ([`crate::memory::PurgeDelay`]): long enough for the next documents to
/// take them, short against the pass. That pass never holds the run's peak
/// (the workflows pass and the report do), so the wait costs no peak RSS.
const DOCS_PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Runs the planned checks on every core, in two phases. The documents
/// pass runs first, alone (it spreads over every core itself). Then the
/// workflows pass (also spread over every core) and every other check, each
/// a job of its own, run side by side. The workflows pass parses each
/// workflow, hands it to every check that reads workflows, and lets it go;
/// a workflow is kept in the tree's cache only when a reader asks for it by
/// name (a called workflow, a caller), and the tree drops those at the end.
/// (The one docs check that reads workflows, `docs-workflow-agreement`,
/// reads them for itself at the end of the first phase, without keeping them.)
fn run_parallel(
    tree: &Tree,
    base: Option<&crate::preflight::Base>,
    policy: &Policy,
    planned: &[Planned<'_>],
    seen: &checks::LinesSeen,
) -> Vec<Outcome> {
    let group = |want: fn(Scope) -> bool| -> Vec<usize> {
        (0..planned.len())
            .filter(|i| want(planned[*i].runner.scope()))
            .collect()
    };
    let docs: Vec<Vec<usize>> = Some(group(|s| s == Scope::Documents))
        .filter(|g| !g.is_empty())
        .into_iter()
        .collect();
    let mut rest: Vec<Vec<usize>> = Some(group(|s| {
        matches!(s, Scope::Workflows(_) | Scope::AcrossWorkflows)
    }))
    .filter(|g| !g.is_empty())
    .into_iter()
    .collect();
    rest.extend(group(|s| s == Scope::Project).into_iter().map(|i| vec![i]));
    let mut results = {
        let _reuse = crate::memory::PurgeDelay::hold(DOCS_PURGE_DELAY_MS);
        run_jobs(tree, base, policy, planned, &docs, seen)
    };
    crate::memory::give_back_freed();
    results.extend(run_jobs(tree, base, policy, planned, &rest, seen));
    let mut slots: Vec<Option<Outcome>> = (0..planned.len()).map(|_| None).collect();
    for (i, out) in results {
        slots[i] = Some(out);
    }
    slots
        .into_iter()
        .zip(planned)
        .map(|(o, p)| {
            let o = o.unwrap_or_else(|| Outcome::Skip("not run".into()));
            with_unmatched_globs(tree, policy, p, o)
        })
        .collect()
}

/// A built-in check narrowed by `[checks.ID] files` judges only what those
/// globs select, so a glob that matches nothing (a typo, a folder since
/// moved) would quietly make it judge less, or nothing at all (a SKIP over
/// no workflows). Each such glob is a finding at the `files` line of the
/// policy, as for a custom check; when none matches, they are the check's
/// whole outcome. (Custom checks do this in `evaluators::run_custom`.)
fn with_unmatched_globs(
    tree: &Tree,
    policy: &Policy,
    p: &Planned<'_>,
    outcome: Outcome,
) -> Outcome {
    let (Runner::BuiltIn(_), Some(globs)) = (&p.runner, p.files) else {
        return outcome;
    };
    let unmatched = tree.unmatched_globs(globs);
    if unmatched.is_empty() {
        return outcome;
    }
    let line = policy.tuning(&p.id).and_then(|t| t.files_line).unwrap_or(1);
    let mut findings: Vec<Finding> = unmatched
        .iter()
        .map(|g| {
            Finding::new(
                crate::finding::Location::new(policy.display_path(), line, 1),
                format!(
                    "[checks.{}] `files` glob `{g}` matches no file, so the check does not judge what the policy names",
                    p.id
                ),
                "fix the glob, or remove it (without `files` the check judges its default files)",
            )
            .code("glob-matches-nothing")
        })
        .collect();
    if unmatched.len() < globs.len()
        && let Outcome::Findings(more) = outcome
    {
        findings.extend(more);
    }
    Outcome::Findings(findings)
}

/// Runs `jobs` on every core, the first queued first; each outcome with the
/// index of its planned check.
fn run_jobs(
    tree: &Tree,
    base: Option<&crate::preflight::Base>,
    policy: &Policy,
    planned: &[Planned<'_>],
    jobs: &[Vec<usize>],
    seen: &checks::LinesSeen,
) -> Vec<(usize, Outcome)> {
    let next = AtomicUsize::new(0);
    let threads = crate::repo::cores().unwrap_or(2).min(jobs.len());
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(j) else { break };
                    let cxs: Vec<Context<'_>> = job
                        .iter()
                        .map(|&i| context(tree, base, policy, &planned[i], seen))
                        .collect();
                    let outs: Vec<Outcome> = checks::guarded(|| run_job(planned, job, &cxs))
                        .unwrap_or_else(|| {
                            job.iter()
                                .map(|&i| internal_error(&planned[i].id))
                                .collect()
                        });
                    if let Ok(mut r) = results.lock() {
                        r.extend(job.iter().copied().zip(outs));
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

/// Runs one job: a shared pass over its checks, or one check alone.
fn run_job(planned: &[Planned<'_>], job: &[usize], cxs: &[Context<'_>]) -> Vec<Outcome> {
    // The job's built-in checks, each with its context.
    let members: Vec<(&Context<'_>, &'static dyn Check)> = job
        .iter()
        .zip(cxs)
        .filter_map(|(&i, cx)| match planned[i].runner {
            Runner::BuiltIn(check) => Some((cx, check)),
            Runner::Custom(..) => None,
        })
        .collect();
    match &planned[job[0]].runner {
        Runner::BuiltIn(check) => match check.scope() {
            Scope::Documents => doc_pass::run(&members),
            Scope::Workflows(_) | Scope::AcrossWorkflows => workflow_pass::run(&members),
            Scope::Project => vec![check.project(&cxs[0])],
        },
        Runner::Custom(c, ev) => vec![evaluators::run_custom(c, ev, &cxs[0])],
    }
}

fn context<'a>(
    tree: &'a Tree,
    base: Option<&'a crate::preflight::Base>,
    policy: &'a Policy,
    p: &'a Planned<'_>,
    lines_seen: &'a checks::LinesSeen,
) -> Context<'a> {
    Context {
        tree,
        base,
        policy,
        files: p.files,
        params: p.params,
        lines_seen,
    }
}

fn internal_error(id: &str) -> Outcome {
    checks::internal_error(&format!("running `{id}`"))
}

/// The source lines findings point at, and the inline ignores on them.
struct FindingTexts {
    /// Path → the lines asked for, in line order: each finding's line and
    /// the line above (where an inline ignore may stand). A line that a file
    /// does not have, or a file that cannot be read, is simply absent.
    lines: HashMap<String, Vec<SourceLine>, foldhash::fast::RandomState>,
}

/// One line a finding points at, and the inline ignore on it: every line is
/// read and scanned once, however many findings sit on it (a 2 MB line of
/// links with a finding per link was quadratic).
struct SourceLine {
    number: usize,
    /// None where the pass that held the file kept only that the line is
    /// there (no inline ignore on it, and every finding on it has its
    /// snippet).
    text: Option<String>,
    ignore: Option<InlineIgnore>,
}

/// A `# shipgate: ignore[ids] reason` comment.
struct InlineIgnore {
    ids: Vec<String>,
    reason: Option<String>,
}

impl FindingTexts {
    /// Reads, before the report is built, the lines every finding in
    /// `outcomes` may need, and the inline ignore on each: each file once
    /// (the cached copy when a check kept it), on every core, keeping only
    /// those lines. Holding the whole texts instead held every document
    /// with a finding until the end.
    fn collect(
        tree: &Tree,
        outcomes: &[Outcome],
        noted: HashMap<String, checks::NotedLines, foldhash::fast::RandomState>,
    ) -> FindingTexts {
        // Sized for a file per finding (100,000 workflows with one each),
        // up to a bound (500,000 findings may sit in one file): no rehash
        // while it fills.
        let findings: usize = outcomes
            .iter()
            .map(|o| match o {
                Outcome::Findings(fs) => fs.len(),
                Outcome::Skip(_) => 0,
            })
            .sum();
        // Per file, each line wanted: a finding's line (and whether that
        // finding still needs its snippet from it), and the line above.
        let mut wanted: HashMap<&str, Vec<(usize, bool)>, foldhash::fast::RandomState> =
            HashMap::with_capacity_and_hasher(findings.min(1 << 17), Default::default());
        for o in outcomes {
            let Outcome::Findings(fs) = o else { continue };
            for f in fs {
                let line = f.location.line;
                let lines = wanted.entry(f.location.path.as_str()).or_default();
                lines.push((line, f.snippet.is_none()));
                if line > 1 {
                    lines.push((line - 1, false));
                }
            }
        }
        let files: Vec<(&str, Vec<(usize, bool)>)> = wanted.into_iter().collect();
        let read = crate::repo::par_map(&files, |(path, lines)| {
            if !tree.exists(path) {
                return None;
            }
            // Each line once, however many findings sit on it: a 2 MB line
            // of 130,000 links was copied once per finding (12 s of memcpy).
            // A line wanted for a snippet sorts first and is kept by the dedup.
            let mut lines = lines.clone();
            lines.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            lines.dedup_by_key(|(n, _)| *n);
            let keep = |number: usize, text: &str| SourceLine {
                number,
                ignore: ignore_in(text),
                text: Some(text.to_string()),
            };
            // Noted by a pass that held the file: read it again only when a
            // finding from elsewhere wants a line the pass did not note, or
            // the text of a line the pass only marked as seen.
            if let Some(noted) = noted.get(*path) {
                let enough = lines.iter().all(|&(n, needs_text)| {
                    noted
                        .get(n)
                        .is_some_and(|seen| !(needs_text && seen == checks::Noted::Plain))
                });
                if enough {
                    let kept = lines
                        .iter()
                        .filter_map(|&(n, _)| match noted.get(n)? {
                            checks::Noted::Absent => None,
                            checks::Noted::Text(t) => Some(keep(n, t)),
                            // No ignore on it, and no finding takes its text.
                            checks::Noted::Plain => Some(SourceLine {
                                number: n,
                                ignore: None,
                                text: None,
                            }),
                        })
                        .collect::<Vec<SourceLine>>();
                    return Some(kept);
                }
            }
            let Ok(tf) = tree.text_unkept(path) else {
                return Some(Vec::new());
            };
            let kept = lines
                .iter()
                .filter_map(|&(number, _)| Some(keep(number, tf.lines.line(&tf.text, number)?)))
                .collect::<Vec<SourceLine>>();
            Some(kept)
        });
        FindingTexts {
            lines: files
                .iter()
                .zip(read)
                .filter_map(|((path, _), lines)| Some((path.to_string(), lines?)))
                .collect(),
        }
    }

    /// The lines kept of the file at `path` (none when it has no finding or
    /// cannot be read).
    fn file(&self, path: &str) -> &[SourceLine] {
        self.lines.get(path).map_or(&[], Vec::as_slice)
    }
}

/// Line `number` among one file's kept lines.
fn line_of(lines: &[SourceLine], number: usize) -> Option<&SourceLine> {
    let i = lines.binary_search_by_key(&number, |l| l.number).ok()?;
    lines.get(i)
}

fn snippet(lines: &[SourceLine], loc: &Location) -> Option<String> {
    let text = line_of(lines, loc.line)?.text.as_deref()?;
    Some(text.chars().take(300).collect())
}

/// What judging one finding decided: its suppression, the waivers it
/// counts as a use of, and what it adds to the waiver audit.
#[derive(Default)]
struct Judgement {
    suppressed: Option<Suppression>,
    waiver_hits: Vec<usize>,
    audit: Vec<Finding>,
}

/// Applies the first matching waiver, else an inline ignore on the finding's
/// line or the line above. `lines` are the finding's file's kept lines.
fn judge(
    lines: &[SourceLine],
    policy: &Policy,
    waiver_globs: &[Option<globset::GlobSet>],
    check: &str,
    f: &Finding,
    today: &jiff::civil::Date,
) -> Judgement {
    let mut out = Judgement::default();
    for (i, w) in policy.waivers.iter().enumerate() {
        if (w.check != check && w.check != "*")
            || w.code.as_deref().is_some_and(|c| c != f.code)
            || w.line.is_some_and(|l| l != f.location.line)
        {
            continue;
        }
        if !w.matches_finding(f, || snippet(lines, &f.location)) {
            continue;
        }
        let Some(set) = &waiver_globs[i] else {
            continue;
        };
        if !set.is_match(&f.location.path) {
            continue;
        }
        out.waiver_hits.push(i);
        if w.expires.is_some_and(|d| d < *today) {
            // An expired waiver suppresses nothing; the audit reports it.
            continue;
        }
        out.suppressed = Some(Suppression {
            by: "waiver",
            reason: w.reason.clone(),
        });
        return out;
    }
    if let Some((line, reason)) = inline_ignore(lines, &f.location, check, f.code) {
        match reason {
            Some(reason) => {
                out.suppressed = Some(Suppression {
                    by: "inline",
                    reason: reason.clone(),
                });
            }
            None => {
                out.suppressed = Some(Suppression {
                    by: "inline",
                    reason: String::new(),
                });
                out.audit.push(
                    Finding::new(
                        Location::new(&f.location.path, line, 1),
                        format!("`# shipgate: ignore[{check}]` gives no reason"),
                        "say why after the bracket: # shipgate: ignore[check-id] the reason",
                    )
                    .code("ignore-without-reason")
                    .warn_only(),
                );
            }
        }
    } else {
        out.audit = ignores_of_unknown_codes(lines, policy, &f.location, check);
    }
    out
}

/// Inline ignores on the finding's line or the line above that name a code
/// its check does not have (`ignore[actions-pinned/movable-rf]`): they
/// silence nothing, so the audit says so rather than leave a typo unnoticed.
fn ignores_of_unknown_codes(
    lines: &[SourceLine],
    policy: &Policy,
    loc: &Location,
    check: &str,
) -> Vec<Finding> {
    // Most lines carry no ignore: look for one naming a code of this check
    // before gathering the check's codes.
    let named: Vec<(usize, &String)> = [loc.line, loc.line.saturating_sub(1)]
        .into_iter()
        .filter(|&line| line > 0)
        .filter_map(|line| Some((line, ignore_on(lines, line)?)))
        .flat_map(|(line, ignore)| ignore.ids.iter().map(move |id| (line, id)))
        .filter(|(_, id)| id.split_once('/').is_some_and(|(c, _)| c == check))
        .collect();
    if named.is_empty() {
        return Vec::new();
    }
    // A built-in check's codes, or those of the evaluator a custom one
    // uses; and what `explain` lists them under.
    let (codes, explain): (Vec<&str>, &str) = match checks::meta(check) {
        Some(meta) => (meta.all_codes().map(|c| c.id).collect(), meta.id),
        None => match policy
            .custom
            .iter()
            .find(|c| c.id == check)
            .and_then(|c| evaluators::find(&c.uses))
        {
            Some(e) => (e.all_codes().map(|c| c.id).collect(), e.name),
            None => return Vec::new(),
        },
    };
    let mut out = Vec::new();
    for (line, id) in named {
        let code = id.split_once('/').map_or("", |(_, k)| k);
        if codes.contains(&code) {
            continue;
        }
        out.push(
            Finding::new(
                Location::new(&loc.path, line, 1),
                format!(
                    "`# shipgate: ignore[{id}]` names no code of `{check}`{}, so it silences nothing",
                    policy::did_you_mean(code, &codes)
                ),
                format!("name a code that `shipgate explain {explain}` lists"),
            )
            .code("ignore-unknown-code")
            .warn_only(),
        );
    }
    out
}

static IGNORE_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?:#|<!--|//)\s*shipgate:\s*ignore\[([A-Za-z0-9_,\s./-]+)\]\s*(.*?)\s*(?:-->)?\s*$",
    )
    .expect("static regex")
});

/// An inline ignore naming `check`, or `check/code` with the finding's
/// code, on the finding's line or the line above: the ignore's line and its
/// reason (None when it gives none).
fn inline_ignore<'a>(
    lines: &'a [SourceLine],
    loc: &Location,
    check: &str,
    code: &str,
) -> Option<(usize, &'a Option<String>)> {
    for line in [loc.line, loc.line.saturating_sub(1)] {
        if line == 0 {
            continue;
        }
        let Some(ignore) = ignore_on(lines, line) else {
            continue;
        };
        let names = |id: &String| match id.split_once('/') {
            Some((c, k)) => c == check && k == code,
            None => id == check,
        };
        if ignore.ids.iter().any(names) {
            return Some((line, &ignore.reason));
        }
    }
    None
}

/// The inline ignore on line `number` of a file's kept lines.
fn ignore_on(lines: &[SourceLine], number: usize) -> Option<&InlineIgnore> {
    line_of(lines, number)?.ignore.as_ref()
}

/// The inline ignore a line holds, if any.
fn ignore_in(text: &str) -> Option<InlineIgnore> {
    // A substring search first: the regex runs only on lines that can match.
    if !checks::may_hold_ignore(text) {
        return None;
    }
    IGNORE_RE.captures(text).map(|c| InlineIgnore {
        ids: c[1].split(',').map(|id| id.trim().to_string()).collect(),
        reason: c
            .get(2)
            .map(|m| m.as_str().trim().to_string())
            .filter(|r| !r.is_empty()),
    })
}

/// At most this many findings of one check are listed per file; the rest
/// are counted in one finding that says how many more there were.
pub const MAX_FINDINGS_PER_FILE: usize = 200;

/// A check's findings in file, line and column order, exact repeats (same
/// place, same message) dropped, and capped per file.
fn ordered_and_capped(mut findings: Vec<Finding>, id: &str) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        (&a.location.path, a.location.line, a.location.column).cmp(&(
            &b.location.path,
            b.location.line,
            b.location.column,
        ))
    });
    findings.dedup_by(|a, b| a.location == b.location && a.message == b.message);
    cap_per_file(findings, id)
}

/// Keeps the first [`MAX_FINDINGS_PER_FILE`] findings (sorted by position)
/// of each file; the rest become one finding at the first left out, which
/// weighs what they weighed (suppressed only when every one of them was).
fn cap_per_file(findings: Vec<Finding>, check: &str) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len().min(4 * MAX_FINDINGS_PER_FILE));
    let mut iter = findings.into_iter().peekable();
    while let Some(first) = iter.next() {
        let path = first.location.path.clone();
        let mut kept = 1;
        out.push(first);
        let mut rest: Option<(Finding, usize, Option<Severity>)> = None;
        while let Some(f) = iter.next_if(|f| f.location.path == path) {
            if kept < MAX_FINDINGS_PER_FILE {
                out.push(f);
                kept += 1;
                continue;
            }
            let counted = f.suppressed.is_none().then_some(f.severity);
            match &mut rest {
                None => rest = Some((f, 1, counted)),
                Some((_, n, weight)) => {
                    *n += 1;
                    *weight = (*weight).max(counted);
                }
            }
        }
        if let Some((at, n, weight)) = rest {
            let mut more = Finding::new(
                at.location.clone(),
                format!(
                    "{n} more finding{} of `{check}` in {path} {} not listed: shipgate lists {MAX_FINDINGS_PER_FILE} per check and file",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "is" } else { "are" },
                ),
                "fix the findings above (the same fix usually applies), then run again to see the rest",
            )
.code("more-findings");
            // The line's text as the first left out shows it.
            more.snippet = at.snippet.clone();
            match weight {
                Some(w) => more.severity = w,
                None => {
                    more.severity = at.severity;
                    more.suppressed = at.suppressed.clone().map(|s| Suppression {
                        by: s.by,
                        reason: format!("all {n} are suppressed"),
                    });
                }
            }
            out.push(more);
        }
    }
    out
}

fn waiver_audit(
    policy: &Policy,
    hits: &[usize],
    mut findings: Vec<Finding>,
    today: &jiff::civil::Date,
    planned: &[Planned<'_>],
) -> CheckResult {
    let meta: &Meta = &checks::waivers::META;
    for (w, n) in policy.waivers.iter().zip(hits) {
        if let Some(d) = w.expires.filter(|d| d < today) {
            let mut f = Finding::new(
                w.location.clone(),
                format!("waiver for `{}` on `{}` expired on {d}", w.names(), w.path),
                "fix what it waives and delete the waiver, or renew `expires` with a fresh reason",
            )
            .code("waiver-expired");
            f.severity = Severity::Block;
            findings.push(f);
        } else if *n == 0 && planned.iter().any(|p| p.id == w.check || w.check == "*") {
            findings.push(
                Finding::new(
                    w.location.clone(),
                    format!(
                        "waiver for `{}` on `{}` matches no finding (stale)",
                        w.names(),
                        w.path
                    ),
                    "delete the waiver: what it excused is gone",
                )
                .code("waiver-stale")
                .warn_only(),
            );
        }
    }
    for f in &mut findings {
        f.severity = f.cap.map(|c| c.min(meta.severity)).unwrap_or(meta.severity);
    }
    // One reasonless inline ignore covers many findings: say so once.
    let findings = ordered_and_capped(findings, meta.id);
    let verdict = findings
        .iter()
        .map(|f| Verdict::from(f.severity))
        .max()
        .unwrap_or(Verdict::Pass);
    CheckResult {
        id: meta.id.to_string(),
        title: meta.title.to_string(),
        severity: meta.severity,
        verdict,
        findings,
        skip_reason: None,
        rule: RuleInfo::of(meta),
    }
}
