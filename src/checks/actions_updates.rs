//! `actions-updates`: actions pinned to commit SHAs have an update bot
//! (Dependabot or Renovate) that keeps the pins current.

use super::{Check, Code, Context, InPathOrder, Meta, Outcome, Scope, Seen, WorkflowVisitor};
use crate::finding::{Finding, Location, Severity};
use crate::repo::spanned::Node;
use crate::repo::text::YamlShape;
use crate::repo::{FileError, TextFile};
use crate::workflow::lane::Ran;
use crate::workflow::WorkflowFile;
use github_actions_models::common::Uses;
use github_actions_models::workflow::Job;
use github_actions_models::workflow::job::StepBody;
use serde::Deserialize;
use yamlpath::{Component, Document, Route};

pub struct ActionsUpdates;

static META: Meta = Meta {
    id: "actions-updates",
    title: "An update bot keeps SHA-pinned actions current",
    severity: Severity::Warn,
    lanes: &[],
    rationale: "A commit SHA cannot move, which is why `actions-pinned` asks for one; it also \
        never moves forward, so a pinned action keeps the bug or the hole it had on the day it \
        was pinned. Dependabot and Renovate read the SHA and its version comment and open a pull \
        request when the action releases, so the pin stays both fixed and current. shipgate \
        looks for one of them wherever workflows pin an action by SHA: a Dependabot `updates` \
        entry with `package-ecosystem: github-actions` whose `directory` or `directories` \
        reach the workflows (`/` or `/.github/workflows`; a local composite action with pins \
        of its own needs its directory listed, or a glob over it), or a Renovate config \
        (renovate.json, renovate.json5, .github/ or .gitlab/renovate.json(5), .renovaterc, \
        .renovaterc.json(5), or package.json's `renovate` key: the first found, as Renovate \
        reads it) that leaves its `github-actions` manager on. Presets a Renovate config \
        `extends` are not fetched: shipgate judges what the file itself says.",
    passes: "# .github/dependabot.yml\nversion: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n    schedule:\n      interval: weekly",
    fails: "# .github/dependabot.yml\nversion: 2\nupdates:\n  - package-ecosystem: cargo   # nothing updates the pinned actions\n    directory: /\n    schedule:\n      interval: weekly",
    fix: "Add an entry to .github/dependabot.yml: `- package-ecosystem: github-actions`, \
        `directory: /`, `schedule: {interval: weekly}` (list the directories of local composite \
        actions that pin actions under `directories`), or turn Renovate's `github-actions` \
        manager back on. Either bot bumps the SHA and its version comment together.",
    params: &[],
    codes: &[
        Code {
            id: "no-update-bot",
            summary: "actions are pinned to commit SHAs and neither Dependabot nor Renovate is configured to update them",
        },
        Code {
            id: "no-actions-ecosystem",
            summary: "dependabot.yml has no `package-ecosystem: github-actions` entry, so pinned actions are never updated",
        },
        Code {
            id: "workflows-not-covered",
            summary: "no github-actions entry of dependabot.yml reaches `.github/workflows`, where actions are pinned",
        },
        Code {
            id: "action-not-covered",
            summary: "a local composite action pins actions in a directory no github-actions entry of dependabot.yml lists",
        },
        Code {
            id: "renovate-disabled",
            summary: "the Renovate config turns off Renovate or its github-actions manager",
        },
    ],
};

impl Check for ActionsUpdates {
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
        Ok(Box::new(Pins {
            cx,
            seen: InPathOrder::default(),
        }))
    }
}

/// The check's side of the workflow pass: each workflow's SHA pins, kept
/// small (only the first is located, when the pass ends); the update bots'
/// configs are judged then.
struct Pins<'a> {
    cx: &'a Context<'a>,
    seen: InPathOrder<WorkflowPins>,
}

/// What one workflow pins.
struct WorkflowPins {
    path: String,
    /// Its own steps' and calls' pins: `uses:`, job id, step index (none
    /// for a job-level call).
    own: Vec<(String, String, Option<usize>)>,
    /// Pins in the local composite actions its jobs run, located there.
    behind: Vec<Pin>,
}

impl WorkflowVisitor for Pins<'_> {
    fn visit(&self, wf: &WorkflowFile) -> Vec<Finding> {
        let here = workflow_pins(wf);
        if !(here.own.is_empty() && here.behind.is_empty()) {
            self.seen.add(&wf.path, here);
        }
        Vec::new()
    }

    fn finish(self: Box<Self>, seen: &Seen, _visited: Vec<Finding>) -> Outcome {
        let per_wf = self.seen.into_sorted().into_iter().map(|(_, p)| p).collect();
        let pins = sha_pins(self.cx, per_wf);
        run(self.cx, seen, &pins)
    }
}

/// Where Dependabot reads its configuration.
const DEPENDABOT: &[&str] = &[".github/dependabot.yml", ".github/dependabot.yaml"];

/// Where Renovate looks for its configuration, in its own order; it uses
/// the first it finds (package.json only when it has a `renovate` key).
const RENOVATE: &[&str] = &[
    "renovate.json",
    "renovate.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
];

/// The manager name both bots use for workflow and action files.
const ECOSYSTEM: &str = "github-actions";

/// The directory Dependabot must reach for workflow pins.
const WORKFLOWS_DIR: &str = "/.github/workflows";

fn run(cx: &Context<'_>, seen: &Seen, pins: &[Pin]) -> Outcome {
    let Some(first) = pins.first() else {
        // A workflow that does not parse may be the one with the pins.
        if !seen.broken.is_empty() {
            return Outcome::Findings(seen.broken.clone());
        }
        return Outcome::Skip(if seen.parsed == 0 {
            "no workflows".into()
        } else {
            "no workflow pins an action to a commit SHA".into()
        });
    };
    let mut out = Vec::new();
    let renovate = renovate_verdict(cx, &mut out);
    if matches!(renovate, Renovate::Updates) {
        return Outcome::Findings(out);
    }
    let dependabot = dependabot_findings(cx, pins, &mut out);
    match (renovate, dependabot) {
        (_, Dependabot::Covers) => {}
        (Renovate::Disabled(f), _) => out.push(*f),
        (Renovate::Absent, Dependabot::Absent) => out.push(
            Finding::new(
                first.at.clone(),
                format!(
                    "`{}` is pinned to a commit SHA ({} SHA pin(s) in all), but no Dependabot or Renovate config keeps the pins current",
                    first.uses,
                    pins.len()
                ),
                "add .github/dependabot.yml with an `updates` entry: `package-ecosystem: github-actions`, `directory: /`, `schedule: {interval: weekly}`",
            )
            .code("no-update-bot"),
        ),
        _ => {}
    }
    Outcome::Findings(out)
}

/// A `uses:` pinned to a full commit SHA, and the directory Dependabot must
/// be pointed at to update it.
struct Pin {
    uses: String,
    at: Location,
    /// `/.github/workflows`, or a local action's directory (`/` for the root).
    dir: String,
}

/// Every remote `uses:` pinned to a commit SHA, from each workflow's pins in
/// path order: the workflows' steps and job-level calls first, then the
/// local composite actions their jobs run (each once). Only the first pin is
/// located (its workflow read again); the others are counted and their
/// directories judged.
fn sha_pins(cx: &Context<'_>, per_wf: Vec<WorkflowPins>) -> Vec<Pin> {
    let mut pins = Vec::new();
    let mut behind: Vec<Pin> = Vec::new();
    for w in per_wf {
        for (i, (uses, job, step)) in w.own.into_iter().enumerate() {
            let at = if pins.is_empty() && i == 0 {
                locate_own(cx, &w.path, &job, step)
            } else {
                Location::file(&w.path)
            };
            pins.push(Pin {
                uses,
                at,
                dir: WORKFLOWS_DIR.to_string(),
            });
        }
        for p in w.behind {
            if !behind.iter().any(|b| b.at == p.at) {
                behind.push(p);
            }
        }
    }
    pins.extend(behind);
    pins
}

/// Where a workflow's own pin is: its `uses:` line.
fn locate_own(cx: &Context<'_>, path: &str, job: &str, step: Option<usize>) -> Location {
    use crate::workflow::WorkflowTree;
    let Ok(wf) = cx.tree.workflow_unkept(path) else {
        return Location::file(path);
    };
    let at = match step {
        Some(i) => wf.job(job).step(i).location(),
        None => wf.job(job).location(),
    };
    at.key("uses").locate()
}

/// One workflow's SHA pins.
fn workflow_pins(wf: &WorkflowFile) -> WorkflowPins {
    let mut own = Vec::new();
    let mut behind: Vec<Pin> = Vec::new();
    let pinned = |uses: &Uses| matches!(uses, Uses::Repository(r) if super::actions_pinned::is_full_sha(r.git_ref()));
    for (job_id, job) in &wf.model.jobs {
        match job {
            Job::NormalJob(j) => {
                for (i, step) in j.steps.iter().enumerate() {
                    if let StepBody::Uses { uses, .. } = &step.body
                        && pinned(uses)
                    {
                        own.push((uses.raw().to_string(), job_id.clone(), Some(i)));
                    }
                }
            }
            Job::ReusableWorkflowCallJob(j) => {
                if pinned(&j.uses) {
                    own.push((j.uses.raw().to_string(), job_id.clone(), None));
                }
            }
        }
        for b in wf.lane.behind(job_id) {
            let Ran::Uses { uses, .. } = &b.ran else {
                continue;
            };
            let Ok(Uses::Repository(r)) = Uses::parse(uses.as_str()) else {
                continue;
            };
            if !super::actions_pinned::is_full_sha(r.git_ref())
                || behind.iter().any(|p: &Pin| p.at == b.at)
            {
                continue;
            }
            let dir = match b.at.path.rsplit_once('/') {
                Some((d, _)) => format!("/{d}"),
                None => "/".to_string(),
            };
            behind.push(Pin {
                uses: uses.clone(),
                at: b.at.clone(),
                dir,
            });
        }
    }
    WorkflowPins {
        path: wf.path.clone(),
        own,
        behind,
    }
}

/// What the Renovate config, if any, does for the pins.
enum Renovate {
    /// No Renovate config.
    Absent,
    /// A config that leaves the github-actions manager on.
    Updates,
    /// A config that turns it off, and the finding that says where.
    Disabled(Box<Finding>),
    /// A config that cannot be read (its finding is already out).
    Unreadable,
}

fn renovate_verdict(cx: &Context<'_>, out: &mut Vec<Finding>) -> Renovate {
    let found = RENOVATE
        .iter()
        .copied()
        .find(|p| cx.tree.exists(p))
        .map(|p| (p, false))
        .or_else(|| {
            cx.tree
                .exists("package.json")
                .then_some(("package.json", true))
        });
    let Some((path, in_package)) = found else {
        return Renovate::Absent;
    };
    let file = match cx.tree.text(path) {
        Ok(f) => f,
        Err(e) => {
            out.push(e.to_finding());
            return Renovate::Unreadable;
        }
    };
    let parsed = if in_package {
        crate::repo::formats::parse_json(&file.text)
    } else {
        // Renovate reads its `.json` files as JSON5 too.
        crate::repo::formats::parse_json5(&file.text)
    };
    let root = match parsed {
        Ok(r) => r,
        Err(e) => {
            let what = if in_package { "JSON" } else { "JSON5" };
            out.push(
                FileError {
                    location: file.location(path, e.offset),
                    message: format!("invalid {what}: {}", e.message),
                    help: None,
                }
                .to_finding(),
            );
            return Renovate::Unreadable;
        }
    };
    let config = if in_package {
        match root.get("renovate") {
            Some(c) => c,
            None => return Renovate::Absent,
        }
    } else {
        &root
    };
    match renovate_off(config) {
        None => Renovate::Updates,
        Some((node, why)) => Renovate::Disabled(Box::new(
            Finding::new(
                span(path, &file, node.span.clone()),
                format!("actions are pinned to commit SHAs, but {path} {why}, so nothing updates the pins"),
                "remove the setting that turns the `github-actions` manager off, or configure Dependabot's github-actions ecosystem instead",
            )
            .code("renovate-disabled"),
        )),
    }
}

/// Where and how a Renovate config turns the github-actions manager off.
fn renovate_off(config: &Node) -> Option<(&Node, &'static str)> {
    if let Some(n) = config.get("enabled").filter(|n| n.as_bool() == Some(false)) {
        return Some((n, "sets `enabled: false`"));
    }
    if let Some(n) = config.get("enabledManagers")
        && let Some(list) = n.as_array()
        && !list.is_empty()
        && !list.iter().any(|m| m.as_str() == Some(ECOSYSTEM))
    {
        return Some((n, "lists `enabledManagers` without `github-actions`"));
    }
    if let Some(n) = config
        .get(ECOSYSTEM)
        .and_then(|m| m.get("enabled"))
        .filter(|n| n.as_bool() == Some(false))
    {
        return Some((n, "sets `github-actions.enabled: false`"));
    }
    // A package rule that matches the manager, and nothing narrower, and
    // turns it off.
    for rule in config
        .get("packageRules")
        .and_then(Node::as_array)
        .unwrap_or(&[])
    {
        let Some(off) = rule.get("enabled").filter(|n| n.as_bool() == Some(false)) else {
            continue;
        };
        let matches_manager = rule
            .get("matchManagers")
            .and_then(Node::as_array)
            .is_some_and(|l| l.iter().any(|m| m.as_str() == Some(ECOSYSTEM)));
        let narrower = rule.entries().iter().any(|e| {
            e.key != "matchManagers" && (e.key.starts_with("match") || e.key.starts_with("exclude"))
        });
        if matches_manager && !narrower {
            return Some((
                off,
                "has a `packageRules` entry that disables the `github-actions` manager",
            ));
        }
    }
    None
}

/// What dependabot.yml, if any, says about the pins.
enum Dependabot {
    Absent,
    /// Its github-actions entries reach every pin.
    Covers,
    /// It leaves pins out, or cannot be read; its findings are out.
    Falls,
}

#[derive(Deserialize)]
struct DependabotConfig {
    updates: Option<Vec<UpdateEntry>>,
}

#[derive(Deserialize)]
struct UpdateEntry {
    #[serde(rename = "package-ecosystem")]
    ecosystem: Option<String>,
    directory: Option<String>,
    directories: Option<Vec<String>>,
}

impl UpdateEntry {
    fn dirs(&self) -> impl Iterator<Item = &str> {
        self.directory
            .iter()
            .chain(self.directories.iter().flatten())
            .map(String::as_str)
    }
}

fn dependabot_findings(cx: &Context<'_>, pins: &[Pin], out: &mut Vec<Finding>) -> Dependabot {
    let mut seen = false;
    let before = out.len();
    for path in DEPENDABOT.iter().copied().filter(|p| cx.tree.exists(p)) {
        seen = true;
        let file = match cx.tree.text(path) {
            Ok(f) => f,
            Err(e) => {
                out.push(e.to_finding());
                continue;
            }
        };
        let (config, shape) = match parse_dependabot(path, &file) {
            Ok(c) => c,
            Err(e) => {
                out.push(e.to_finding());
                continue;
            }
        };
        let doc = Located::new(path, &file, shape);
        judge_dependabot(&doc, &config, pins, out);
    }
    match (seen, out.len() == before) {
        (false, _) => Dependabot::Absent,
        (true, true) => Dependabot::Covers,
        (true, false) => Dependabot::Falls,
    }
}

/// The config, and the shape the YAML pre-scan found (for locating in it).
fn parse_dependabot(
    path: &str,
    file: &TextFile,
) -> Result<(DependabotConfig, YamlShape), FileError> {
    crate::workflow::parse_yaml_file(path, &file.text, "dependabot.yml")
}

fn judge_dependabot(
    doc: &Located<'_>,
    config: &DependabotConfig,
    pins: &[Pin],
    out: &mut Vec<Finding>,
) {
    let path = doc.path;
    let entries: Vec<(usize, &UpdateEntry)> = config
        .updates
        .iter()
        .flatten()
        .enumerate()
        .filter(|(_, u)| u.ecosystem.as_deref() == Some(ECOSYSTEM))
        .collect();
    let Some(&(first_index, first)) = entries.first() else {
        out.push(
            Finding::new(
                doc.key(&[Component::Key("updates".into())]),
                format!(
                    "{} `uses:` pinned to commit SHAs (first `{}` at {}:{}), but {path} has no `package-ecosystem: github-actions` entry to update them",
                    pins.len(),
                    pins[0].uses,
                    pins[0].at.path,
                    pins[0].at.line
                ),
                "add an `updates` entry with `package-ecosystem: github-actions`, `directory: /` and a schedule",
            )
            .code("no-actions-ecosystem"),
        );
        return;
    };
    // Where the fix goes: the first github-actions entry's directory key.
    let dir_key = if first.directory.is_some() {
        "directory"
    } else {
        "directories"
    };
    let at = doc.key(&[
        Component::Key("updates".into()),
        Component::Index(first_index),
        Component::Key(dir_key.into()),
    ]);
    // Dependabot reads the workflows from `/` as well as from their own
    // directory.
    let reaches = |dir: &str| {
        entries.iter().any(|(_, e)| {
            e.dirs()
                .any(|d| covers(d, dir) || (dir == WORKFLOWS_DIR && covers(d, "/")))
        })
    };
    let mut reported: Vec<&str> = Vec::new();
    for pin in pins {
        if reported.contains(&pin.dir.as_str()) || reaches(&pin.dir) {
            continue;
        }
        reported.push(&pin.dir);
        let f = if pin.dir == WORKFLOWS_DIR {
            Finding::new(
                at.clone(),
                format!(
                    "no github-actions entry of {path} reaches `.github/workflows` (directories: {}), so the SHA pins there are never updated",
                    shown(&entries)
                ),
                "set `directory: /` (or list `/.github/workflows` under `directories`)",
            )
            .code("workflows-not-covered")
        } else {
            Finding::new(
                at.clone(),
                format!(
                    "local action in `{}` pins `{}` ({}:{}), but no github-actions entry of {path} lists that directory (directories: {})",
                    pin.dir,
                    pin.uses,
                    pin.at.path,
                    pin.at.line,
                    shown(&entries)
                ),
                format!(
                    "add `{}` (or a glob such as `/.github/actions/*`) under `directories` of the github-actions entry",
                    pin.dir
                ),
            )
            .code("action-not-covered")
        };
        out.push(f);
    }
}

/// The directories the github-actions entries name, for messages.
fn shown(entries: &[(usize, &UpdateEntry)]) -> String {
    let dirs: Vec<String> = entries
        .iter()
        .flat_map(|(_, e)| e.dirs())
        .map(|d| format!("`{d}`"))
        .collect();
    if dirs.is_empty() {
        "none".into()
    } else {
        dirs.join(", ")
    }
}

/// A Dependabot directory as an absolute path from the repository root:
/// `/`, `/.github/workflows`.
fn normalize(dir: &str) -> String {
    let d = dir.trim();
    let d = d.strip_prefix("./").unwrap_or(d).trim_matches('/');
    if d.is_empty() || d == "." {
        "/".into()
    } else {
        format!("/{d}")
    }
}

/// Whether a `directory`/`directories` value (a path, or a glob with `*`
/// or `**`) names `dir`.
fn covers(value: &str, dir: &str) -> bool {
    let pattern = normalize(value);
    if !pattern.contains(['*', '?', '[', '{']) {
        return pattern == dir;
    }
    globset::GlobBuilder::new(&pattern)
        .literal_separator(true)
        .build()
        .is_ok_and(|g| g.compile_matcher().is_match(dir))
}

/// The location of a byte range of `file`.
fn span(path: &str, file: &TextFile, range: std::ops::Range<usize>) -> Location {
    let (line, column) = file.lines.position(&file.text, range.end);
    file.location(path, range.start).with_end(line, column)
}

/// A YAML file's location tree, for pointing at a key.
struct Located<'a> {
    path: &'a str,
    file: &'a TextFile,
    doc: Option<Document>,
}

impl<'a> Located<'a> {
    /// `shape` is what yaml_guard found: the nesting is bounded, and a
    /// file too wide to locate cheaply is pointed at as a whole.
    fn new(path: &'a str, file: &'a TextFile, shape: YamlShape) -> Self {
        let small = shape.flow_items <= crate::workflow::MAX_ITEMS_FOR_LOCATIONS
            && shape.mapping_keys <= crate::workflow::MAX_ITEMS_FOR_LOCATIONS;
        let doc = small
            .then(|| Document::new(file.text.to_string()).ok())
            .flatten();
        Located { path, file, doc }
    }

    /// Where the key at the end of `route` is written; its nearest found
    /// ancestor, else the top of the file.
    fn key(&self, route: &[Component<'_>]) -> Location {
        let Some(doc) = &self.doc else {
            return Location::file(self.path);
        };
        for len in (1..=route.len()).rev() {
            let r = Route::from(route[..len].to_vec());
            let found = match route[len - 1] {
                Component::Key(_) => doc.query_key_only(&r).ok(),
                Component::Index(_) => doc.query_pretty(&r).ok(),
            };
            if let Some(f) = found {
                return span(
                    self.path,
                    self.file,
                    f.location.byte_span.0..f.location.byte_span.1,
                );
            }
        }
        Location::file(self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_and_globs() {
        assert!(covers("/", "/"));
        assert!(covers(".", "/"));
        assert!(covers("/.github/workflows/", WORKFLOWS_DIR));
        assert!(covers(".github/workflows", WORKFLOWS_DIR));
        assert!(!covers("/.github", WORKFLOWS_DIR));
        assert!(covers("/**", WORKFLOWS_DIR));
        assert!(covers("/.github/actions/*", "/.github/actions/build"));
        assert!(!covers("/.github/actions/*", "/.github/actions/a/b"));
        assert!(covers("/.github/actions/**", "/.github/actions/a/b"));
    }

    fn off(json5: &str) -> Option<&'static str> {
        let n = crate::repo::formats::parse_json5(json5).unwrap();
        renovate_off(&n).map(|(_, why)| why)
    }

    #[test]
    fn renovate_switches() {
        assert!(off("{extends: ['config:recommended']}").is_none());
        assert!(off("{enabled: false}").is_some());
        assert!(off("{enabledManagers: ['cargo']}").is_some());
        assert!(off("{enabledManagers: ['cargo', 'github-actions']}").is_none());
        assert!(off("{enabledManagers: []}").is_none());
        assert!(off("{'github-actions': {enabled: false}}").is_some());
        assert!(
            off("{packageRules: [{matchManagers: ['github-actions'], enabled: false}]}").is_some()
        );
        // Turning off some actions only still updates the rest.
        assert!(
            off("{packageRules: [{matchManagers: ['github-actions'], matchPackageNames: ['x/y'], enabled: false}]}")
                .is_none()
        );
    }
}
