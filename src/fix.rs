//! Machine-applicable fixes (`check --fix`, `check --diff`).
//!
//! A check may attach a [`Fix`] to a finding: the file and the edits that
//! remove it, each edit a yamlpath route and what to do there. The engine and
//! the report only carry it. This module turns the fixes of one run into new
//! file text with `yamlpatch`, which splices bytes at the node a route names,
//! so comments, quoting and indentation elsewhere in the file stay as they
//! were; a whole file is never rewritten through serde.
//!
//! It refuses, per file, rather than guess: a path outside the root or
//! through a symlink, two edits that touch the same node, an edit yamlpatch
//! cannot place, and a result that no longer parses as a workflow. Writing
//! goes through [`fs_guard::write`], which never follows a symlink.

pub use crate::edit::{Edit, Fix, Op, Step, mapping};
use crate::repo::fs_guard::{self, Create};
use crate::report::escape;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Files larger than this are not fixed: workflows are a few KB.
const MAX_FIX_BYTES: u64 = 4 << 20;

/// The new text of one file, and the fixes it applies.
#[derive(Debug)]
pub struct Change {
    pub path: String,
    pub before: String,
    pub after: String,
    /// The titles of the fixes applied, deduplicated, in order.
    pub titles: Vec<String>,
}

impl Change {
    /// The change as a unified diff (`--- a/path`, `+++ b/path`), made safe
    /// to print: the path and the lines come from the tree, so each line is
    /// shown as [`escape::github_line`] shows log text (control and bidi
    /// characters escaped, no line a CI runner reads as a workflow command).
    /// Line ends are kept; a line that needed escaping no longer applies as
    /// a patch, which is the price of never printing it raw.
    pub fn unified_diff(&self) -> String {
        let path = escape::visible(&self.path);
        let raw = similar::TextDiff::from_lines(&self.before, &self.after)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string();
        let mut out = String::with_capacity(raw.len());
        for line in raw.split_inclusive('\n') {
            let body = line.strip_suffix('\n').unwrap_or(line);
            let (body, end) = match body.strip_suffix('\r') {
                Some(b) if line.ends_with('\n') => (b, "\r\n"),
                _ => (body, if line.ends_with('\n') { "\n" } else { "" }),
            };
            out.push_str(&escape::github_line(body));
            out.push_str(end);
        }
        out
    }
}

/// A file left as it was, and why.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub path: String,
    pub reason: String,
}

/// Computes the new text of every file the fixes touch; nothing is written.
/// Files are handled independently: one refused file does not stop the others.
pub fn plan<'a>(
    root: &Path,
    fixes: impl IntoIterator<Item = &'a Fix>,
) -> (Vec<Change>, Vec<Refusal>) {
    let mut by_file: BTreeMap<&str, Vec<&Fix>> = BTreeMap::new();
    for f in fixes {
        by_file.entry(f.path.as_str()).or_default().push(f);
    }
    let mut changes = Vec::new();
    let mut refused = Vec::new();
    for (path, fixes) in by_file {
        match plan_file(root, path, &fixes) {
            Ok(Some(c)) => changes.push(c),
            Ok(None) => {}
            Err(reason) => refused.push(Refusal {
                path: path.to_string(),
                reason,
            }),
        }
    }
    (changes, refused)
}

fn plan_file(root: &Path, path: &str, fixes: &[&Fix]) -> Result<Option<Change>, String> {
    let abs = beneath(root, path)?;
    let bytes = fs_guard::read_regular_no_follow(&abs, MAX_FIX_BYTES).map_err(|e| e.to_string())?;
    let before = String::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?;
    let mut edits: Vec<&Edit> = Vec::new();
    let mut titles: Vec<String> = Vec::new();
    for f in fixes {
        for e in &f.edits {
            if !edits.contains(&e) {
                edits.push(e);
            }
        }
        if !titles.contains(&f.title) {
            titles.push(f.title.clone());
        }
    }
    if let Some((a, b)) = overlapping(&edits) {
        return Err(format!(
            "two fixes edit the same place ({} and {}); fix it by hand",
            show_route(&a.touches()),
            show_route(&b.touches())
        ));
    }
    if edits.is_empty() {
        return Ok(None);
    }
    // Nesting and alias bombs are refused before tree-sitter sees the text
    // (deep indentation aborts it), as for every workflow shipgate reads.
    crate::workflow::yaml_guard(&before).map_err(|e| format!("it is refused: {}", e.message))?;
    if is_workflow(path) {
        // Routes name nodes of the workflow as the checks read it. When the
        // parser had to read a rewritten text (parallel steps, YAML tags),
        // a route may not name the same node of the file on disk.
        let parsed =
            crate::workflow::WorkflowFile::parse(path, std::sync::Arc::from(before.as_str()))
                .map_err(|e| format!("it does not parse (line {}: {})", e.line, e.message))?;
        if *parsed.text != *before {
            return Err("shipgate reads this workflow through a rewrite (parallel steps or YAML tags), so its fixes are not applied; fix it by hand".into());
        }
    }
    // yamlpatch writes `\n`; a file whose every line ends in `\r\n` is
    // edited with `\n` and given its own line ends back, never a mix.
    let crlf =
        before.contains("\r\n") && before.matches('\n').count() == before.matches("\r\n").count();
    let after = if crlf {
        apply(&before.replace("\r\n", "\n"), &edits)?.replace('\n', "\r\n")
    } else {
        apply(&before, &edits)?
    };
    reparse(path, &after)?;
    means_the_edits(&before, &after, &edits)?;
    if after == before {
        return Ok(None);
    }
    Ok(Some(Change {
        path: path.to_string(),
        before,
        after,
        titles,
    }))
}

/// Writes every change. A change whose file is no longer what was read is
/// refused, so a concurrent edit is never lost.
pub fn write(root: &Path, changes: &[Change]) -> Vec<Refusal> {
    let mut refused = Vec::new();
    for c in changes {
        let result = beneath(root, &c.path).and_then(|abs| {
            let now =
                fs_guard::read_regular_no_follow(&abs, MAX_FIX_BYTES).map_err(|e| e.to_string())?;
            if now != c.before.as_bytes() {
                return Err("the file changed while it was being fixed".to_string());
            }
            fs_guard::write(&abs, Create::Replace, c.after.as_bytes())
        });
        if let Err(reason) = result {
            refused.push(Refusal {
                path: c.path.clone(),
                reason,
            });
        }
    }
    refused
}

/// `root/rel` when `rel` is a plain relative path whose every directory
/// beneath the root is a real directory, not a symlink, and whose last
/// component is not a symlink either (the open refuses that once more).
fn beneath(root: &Path, rel: &str) -> Result<PathBuf, String> {
    let rel_path = Path::new(rel);
    if rel.is_empty()
        || !rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err("not a plain path beneath the root".into());
    }
    let mut at = root.to_path_buf();
    let parts: Vec<_> = rel_path.components().collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let meta = std::fs::symlink_metadata(&at)
            .map_err(|e| format!("cannot read {}: {e}", at.display()))?;
        if meta.file_type().is_symlink() {
            let shown = parts[..=i]
                .iter()
                .map(|p| p.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            return Err(format!(
                "{shown} is a symlink; shipgate never writes through a symlink"
            ));
        }
        let last = i + 1 == parts.len();
        if !last && !meta.is_dir() {
            return Err(format!("{} is not a directory", at.display()));
        }
        if last && !meta.is_file() {
            return Err(format!("{} is {}", at.display(), fs_guard::kind(&meta)));
        }
    }
    Ok(at)
}

/// Two edits where one writes inside (or over) what the other writes.
fn overlapping<'e>(edits: &[&'e Edit]) -> Option<(&'e Edit, &'e Edit)> {
    for (i, a) in edits.iter().enumerate() {
        for b in &edits[i + 1..] {
            let (ta, tb) = (a.touches(), b.touches());
            let n = ta.len().min(tb.len());
            if ta[..n] == tb[..n] {
                return Some((a, b));
            }
        }
    }
    None
}

fn show_route(route: &[Step]) -> String {
    let parts: Vec<String> = route
        .iter()
        .map(|s| match s {
            Step::Key(k) => k.clone(),
            Step::Index(i) => format!("[{i}]"),
        })
        .collect();
    format!("`{}`", parts.join("."))
}

/// Applies the edits in order with yamlpatch. Its errors, and a panic inside
/// it, come back as a reason to leave the file alone.
fn apply(text: &str, edits: &[&Edit]) -> Result<String, String> {
    let doc = yamlpath::Document::new(text.to_string())
        .map_err(|e| format!("cannot locate nodes in it: {e}"))?;
    let patches: Vec<yamlpatch::Patch<'_>> = edits
        .iter()
        .map(|e| {
            let comps: Vec<yamlpath::Component<'_>> = e
                .route
                .iter()
                .map(|s| match s {
                    Step::Key(k) => yamlpath::Component::Key(k.as_str().into()),
                    Step::Index(i) => yamlpath::Component::Index(*i),
                })
                .collect();
            yamlpatch::Patch {
                route: yamlpath::Route::from(comps),
                operation: match &e.op {
                    Op::Add { key, value } => yamlpatch::Op::Add {
                        key: key.clone(),
                        value: value.clone(),
                    },
                    Op::Replace(v) => yamlpatch::Op::Replace(v.clone()),
                },
            }
        })
        .collect();
    let patched = crate::checks::guarded(|| yamlpatch::apply_yaml_patches(&doc, &patches))
        .ok_or_else(|| "the YAML editor failed on this file; fix it by hand".to_string())?
        .map_err(|e| format!("cannot apply the fix: {e}"))?;
    Ok(patched.source().to_string())
}

/// The fixed text must mean the original with the edits made and nothing
/// else: both are read as YAML values, the edits are made to the original's
/// value, and the two must be equal. This catches an edit the text editor
/// placed on the wrong node, even when the result still parses.
fn means_the_edits(before: &str, after: &str, edits: &[&Edit]) -> Result<(), String> {
    let wrong = || {
        "the edited text does not mean what the fix intends; left unchanged, fix it by hand"
            .to_string()
    };
    let mut want: yaml_serde::Value = yaml_serde::from_str(before).map_err(|_| wrong())?;
    let got: yaml_serde::Value = yaml_serde::from_str(after).map_err(|_| wrong())?;
    for e in edits {
        let mut node = &mut want;
        for step in &e.route {
            node = match step {
                Step::Key(k) => node.get_mut(k.as_str()),
                Step::Index(i) => node.get_mut(*i),
            }
            .ok_or_else(wrong)?;
        }
        match &e.op {
            Op::Add { key, value } => {
                let map = node.as_mapping_mut().ok_or_else(wrong)?;
                let key = yaml_serde::Value::String(key.clone());
                if map.contains_key(&key) {
                    return Err(wrong());
                }
                map.insert(key, value.clone());
            }
            Op::Replace(value) => *node = value.clone(),
        }
    }
    if want == got { Ok(()) } else { Err(wrong()) }
}

fn is_workflow(path: &str) -> bool {
    path.starts_with(".github/workflows/")
}

/// The fixed text must still be the kind of file it was: a workflow still
/// parses as a workflow, any other YAML file as YAML.
fn reparse(path: &str, text: &str) -> Result<(), String> {
    let refuse = |why: String| format!("the fixed file would not parse ({why}); left unchanged");
    if is_workflow(path) {
        crate::workflow::WorkflowFile::parse(path, std::sync::Arc::from(text))
            .map(|_| ())
            .map_err(|e| refuse(format!("line {}: {}", e.line, e.message)))
    } else {
        yaml_serde::from_str::<yaml_serde::Value>(text)
            .map(|_| ())
            .map_err(|e| refuse(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::Key;
    use yaml_serde::Value;

    fn fixed(text: &str, edits: &[Edit]) -> Result<String, String> {
        apply(text, &edits.iter().collect::<Vec<_>>())
    }

    #[test]
    fn adds_a_key_to_a_step_keeping_comments() {
        let text = "jobs:\n  build:\n    runs-on: ubuntu-latest # the runner\n    steps:\n      # check out\n      - uses: actions/checkout@v4 # v4.2.2\n      - run: make\n";
        let route = [Key::K("jobs"), Key::K("build"), Key::K("steps"), Key::I(0)];
        let out = fixed(
            text,
            &[Edit::add(
                &route,
                "with",
                mapping([("persist-credentials", Value::Bool(false))]),
            )],
        )
        .unwrap();
        assert_eq!(
            out,
            "jobs:\n  build:\n    runs-on: ubuntu-latest # the runner\n    steps:\n      # check out\n      - uses: actions/checkout@v4 # v4.2.2\n        with:\n          persist-credentials: false\n      - run: make\n"
        );
    }

    #[test]
    fn overlapping_edits_are_found() {
        let a = Edit::add(&[Key::K("jobs"), Key::K("a")], "permissions", Value::Null);
        let b = Edit::replace(
            &[Key::K("jobs"), Key::K("a"), Key::K("permissions")],
            Value::Null,
        );
        let c = Edit::add(&[Key::K("jobs"), Key::K("a")], "concurrency", Value::Null);
        assert!(overlapping(&[&a, &b]).is_some());
        assert!(overlapping(&[&a, &c]).is_none());
        assert!(overlapping(&[&b, &c]).is_none());
    }

    #[test]
    fn a_file_is_left_alone_when_its_fixes_overlap_or_break_it() {
        let d = tempfile::tempdir().unwrap();
        let wf = ".github/workflows/release.yml";
        std::fs::create_dir_all(d.path().join(".github/workflows")).unwrap();
        let text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n";
        std::fs::write(d.path().join(wf), text).unwrap();
        let job = [Key::K("jobs"), Key::K("a")];
        let read = mapping([("contents", Value::from("read"))]);
        let add = Fix::new(wf, "add", vec![Edit::add(&job, "permissions", read)]);
        let over = Fix::new(
            wf,
            "replace",
            vec![Edit::replace(
                &[Key::K("jobs"), Key::K("a"), Key::K("permissions")],
                Value::Null,
            )],
        );
        let (changes, refused) = plan(d.path(), [&add, &over]);
        assert!(changes.is_empty());
        assert!(
            refused[0].reason.contains("two fixes edit the same place"),
            "{refused:?}"
        );
        // The same fix twice (two findings, one cause) is applied once.
        let (changes, refused) = plan(d.path(), [&add, &add]);
        assert_eq!((changes.len(), refused.len()), (1, 0));
        // An edit that would leave no valid workflow is refused.
        let broken = Fix::new(
            wf,
            "break",
            vec![Edit::replace(&[Key::K("jobs")], Value::Bool(true))],
        );
        let (changes, refused) = plan(d.path(), [&broken]);
        assert!(changes.is_empty());
        assert!(refused[0].reason.contains("would not parse"), "{refused:?}");
        assert_eq!(std::fs::read_to_string(d.path().join(wf)).unwrap(), text);
    }

    #[test]
    fn an_edit_placed_on_the_wrong_node_is_refused() {
        // yamlpatch 1.25 replaces the first value of a one-line flow mapping
        // instead of the one named; the result still parses, but it is not
        // what the fix means.
        let text = "jobs:\n  b:\n    runs-on: x\n    concurrency: {group: x, cancel-in-progress: true}\n    steps:\n      - run: a\n";
        let route = [
            Key::K("jobs"),
            Key::K("b"),
            Key::K("concurrency"),
            Key::K("cancel-in-progress"),
        ];
        let e = Edit::replace(&route, false.into());
        let edited = fixed(text, std::slice::from_ref(&e)).unwrap();
        assert!(edited.contains("{ group: false }"), "{edited}");
        assert!(means_the_edits(text, &edited, &[&e]).is_err());
        // Made where it belongs, the same edit is accepted.
        let right = text.replace("cancel-in-progress: true", "cancel-in-progress: false");
        assert!(means_the_edits(text, &right, &[&e]).is_ok());
        // And an edit that changed something else as well is not.
        let more = right.replace("runs-on: x", "runs-on: y");
        assert!(means_the_edits(text, &more, &[&e]).is_err());
    }

    #[test]
    fn a_crlf_file_keeps_its_line_ends() {
        let d = tempfile::tempdir().unwrap();
        let wf = ".github/workflows/release.yml";
        std::fs::create_dir_all(d.path().join(".github/workflows")).unwrap();
        let text = "on: push\r\njobs:\r\n  a:\r\n    runs-on: x\r\n    steps:\r\n      - uses: actions/checkout@v4\r\n";
        std::fs::write(d.path().join(wf), text).unwrap();
        let route = [Key::K("jobs"), Key::K("a"), Key::K("steps"), Key::I(0)];
        let off = mapping([("persist-credentials", Value::Bool(false))]);
        let fix = Fix::new(wf, "t", vec![Edit::add(&route, "with", off)]);
        let (changes, refused) = plan(d.path(), [&fix]);
        assert!(refused.is_empty(), "{refused:?}");
        assert_eq!(
            changes[0].after,
            "on: push\r\njobs:\r\n  a:\r\n    runs-on: x\r\n    steps:\r\n      - uses: actions/checkout@v4\r\n        with:\r\n          persist-credentials: false\r\n"
        );
    }

    #[test]
    fn paths_outside_the_root_are_refused() {
        let d = tempfile::tempdir().unwrap();
        for bad in ["", "../x.yml", "/etc/passwd", "a/../../b"] {
            assert!(beneath(d.path(), bad).is_err(), "{bad}");
        }
    }
}
