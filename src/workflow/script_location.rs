//! Where a command of a `run:` script lives in the workflow file.

use super::{Key, WorkflowFile};
use crate::finding::Location;
use yamlpath::{Component, Route};

impl WorkflowFile {
    /// Where a command of a `run:` script is written, given the 0-based line
    /// of the script it starts on (as [`script::commands`] reports it). In a
    /// literal block (`run: |`) script lines map one to one onto file lines,
    /// so the same text earlier in the script cannot mislead it; other
    /// scalars fall back to [`WorkflowFile::locate_in`].
    pub fn locate_command(&self, route: &[Key<'_>], script_line: usize, raw: &str) -> Location {
        let fallback = || self.locate_in(route, raw);
        let (start, end) = match self.fast_exact(route) {
            Ok(Some(span)) => span,
            Ok(None) => return fallback(),
            Err(()) => {
                let Some(doc) = self.doc() else {
                    return fallback();
                };
                let comps: Vec<Component<'_>> = route.iter().map(Key::component).collect();
                let Ok(Some(f)) = doc.query_exact(&Route::from(comps)) else {
                    return fallback();
                };
                f.location.byte_span
            }
        };
        let Some(region) = self.text.get(start..end) else {
            return fallback();
        };
        let needle = raw.trim();
        let Some(at) = command_offset_in_block(region, script_line, needle) else {
            return fallback();
        };
        let (l, c) = self.lines.position(&self.text, start + at);
        let width = needle.lines().next().unwrap_or("").chars().count();
        Location::new(&self.path, l, c).with_end(l, c + width)
    }
}

/// Where, inside a literal block scalar (`run: |`, the text from its `|`),
/// the command that starts on 0-based `script_line` of the script is
/// written: script lines map one to one onto file lines there, so the same
/// text earlier in the script cannot mislead it. `None` for other scalars.
pub(crate) fn command_offset_in_block(
    region: &str,
    script_line: usize,
    needle: &str,
) -> Option<usize> {
    if !region.starts_with('|') {
        return None;
    }
    // Skip the `|` header line, then `script_line` lines.
    let mut off = 0;
    for _ in 0..=script_line {
        off += region[off..].find('\n')? + 1;
    }
    let line_end = region[off..]
        .find('\n')
        .map(|i| off + i)
        .unwrap_or(region.len());
    let line = &region[off..line_end];
    let col = match line.find(needle) {
        Some(i) => i,
        None => line.len() - line.trim_start().len(),
    };
    Some(off + col)
}
#[cfg(test)]
mod tests {
    use super::*;

    /// The route of step `i`'s `run:` in job `a`.
    fn run_of_step(i: usize) -> [Key<'static>; 5] {
        [
            Key::K("jobs"),
            Key::K("a"),
            Key::K("steps"),
            Key::I(i),
            Key::K("run"),
        ]
    }

    #[test]
    fn locates_commands_by_script_line() {
        let wf = WorkflowFile::parse(
            "w.yml",
            "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n          echo \"git push --tags\"\n          git push --tags\n      - run: git push --tags\n"
                .into(),
        )
        .unwrap();
        let r = run_of_step(0);
        let l = wf.locate_command(&r, 1, "git push --tags");
        assert_eq!((l.line, l.column), (8, 11));
        let r = run_of_step(1);
        assert_eq!(wf.locate_command(&r, 0, "git push --tags").line, 9);
        // A line past the script falls back to searching it.
        let r = run_of_step(0);
        assert_eq!(wf.locate_command(&r, 99, "git push --tags").line, 7);
    }
}
