//! Routable places in a workflow: a check names the job or step it judges
//! ([`WorkflowFile::job`], [`JobAt::step`]) and the key under it
//! (`.location().key("uses")`); the place becomes a file location only
//! when a finding asks for one, through the workflow's location tree (one
//! per workflow, owned by it and built on the first lookup).
//!
//! Checks write `wf.job(id).step(i).location().key("uses").locate()`
//! instead of spelling `jobs / <id> / steps / <i> / uses` as a route by
//! hand; the route is still there ([`At::route`]) for the format-preserving
//! edits of `check --fix`, which address the same places.

use super::{Key, WorkflowFile};
use crate::finding::Location;

/// A place in one workflow, named by its route from the document's root.
#[derive(Clone)]
pub struct At<'w> {
    wf: &'w WorkflowFile,
    route: Vec<Key<'w>>,
}

impl<'w> At<'w> {
    /// The place under this one at mapping key `key`.
    pub fn key(mut self, key: &'w str) -> At<'w> {
        self.route.push(Key::K(key));
        self
    }

    /// The place under this one at sequence index `index`.
    pub fn index(mut self, index: usize) -> At<'w> {
        self.route.push(Key::I(index));
        self
    }

    /// The route from the document's root, as `check --fix` edits take it.
    pub fn route(&self) -> &[Key<'w>] {
        &self.route
    }

    /// Where the value lives; the nearest ancestor that can be found when
    /// it cannot, else the top of the file.
    pub fn locate(&self) -> Location {
        self.wf.locate(&self.route)
    }

    /// Where the key at the end of the route is written (`permissions:`).
    pub fn locate_key(&self) -> Location {
        self.wf.locate_key(&self.route)
    }

    /// The value's byte range, when it can be found exactly.
    pub fn byte_span(&self) -> Option<(usize, usize)> {
        self.wf.byte_span(&self.route)
    }

    /// The line inside the value (a `run:` script) where `needle` first
    /// appears; the value's own location when it does not.
    pub fn locate_text(&self, needle: &str) -> Location {
        self.wf.locate_in(&self.route, needle)
    }

    /// The comments written on the lines the value spans, each without its
    /// `#` and trimmed, read from the location tree (`uses:
    /// owner/action@<sha> # v4.2.2` gives `v4.2.2`); `None` when the value
    /// cannot be found exactly (no location tree for this file, or no such
    /// value). A `#` inside a quoted value or a block scalar is content,
    /// not a comment, and is not returned.
    pub fn comments(&self) -> Option<Vec<String>> {
        if let Some(found) = self.wf.fast_comments(&self.route) {
            return found;
        }
        let doc = self.wf.doc()?;
        let comps: Vec<yamlpath::Component<'_>> = self.route.iter().map(Key::component).collect();
        let feature = doc.query_exact(&yamlpath::Route::from(comps)).ok()??;
        Some(
            doc.feature_comments(&feature)
                .iter()
                .map(|c| doc.extract(c).trim_start_matches('#').trim().to_string())
                .collect(),
        )
    }

    /// Where the command that starts on 0-based `script_line` of the script
    /// at this place is written, spanning its first line (`raw` is the
    /// command as the script has it).
    pub fn locate_command(&self, script_line: usize, raw: &str) -> Location {
        self.wf.locate_command(&self.route, script_line, raw)
    }
}

/// One job of a workflow, by id.
#[derive(Clone, Copy)]
pub struct JobAt<'w> {
    wf: &'w WorkflowFile,
    id: &'w str,
}

impl<'w> JobAt<'w> {
    /// The job's id (its key under `jobs:`).
    pub fn id(&self) -> &'w str {
        self.id
    }

    /// The job's mapping (`jobs.<id>`), to go further with `.key(…)`.
    pub fn location(&self) -> At<'w> {
        At {
            wf: self.wf,
            route: vec![Key::K("jobs"), Key::K(self.id)],
        }
    }

    /// Where the job's environment is named (`environment: release`, or
    /// the `name:` of `environment: {name, url}`); the job's own key when
    /// it declares none.
    pub fn environment(&self) -> Location {
        use github_actions_models::workflow::Job;
        use github_actions_models::workflow::job::DeploymentEnvironment;
        let job = self.location();
        let env = match self.wf.model.jobs.get(self.id) {
            Some(Job::NormalJob(j)) => j.environment.as_ref(),
            _ => None,
        };
        match env {
            None => job.locate_key(),
            Some(DeploymentEnvironment::Name(_)) => job.key("environment").locate(),
            Some(DeploymentEnvironment::NameURL { .. }) => {
                job.key("environment").key("name").locate()
            }
        }
    }

    /// The job's `index`-th step (0-based).
    pub fn step(&self, index: usize) -> StepAt<'w> {
        StepAt { job: *self, index }
    }
}

/// One step of a job, by its 0-based position.
#[derive(Clone, Copy)]
pub struct StepAt<'w> {
    job: JobAt<'w>,
    index: usize,
}

impl<'w> StepAt<'w> {
    /// The job the step belongs to.
    pub fn job(&self) -> JobAt<'w> {
        self.job
    }

    /// The step's 0-based position in its job.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The step's mapping (`jobs.<id>.steps[<i>]`), to go further with
    /// `.key(…)`.
    pub fn location(&self) -> At<'w> {
        self.job.location().key("steps").index(self.index)
    }
}

impl WorkflowFile {
    /// The job `id` of this workflow, as a place to locate findings in.
    pub fn job<'w>(&'w self, id: &'w str) -> JobAt<'w> {
        JobAt { wf: self, id }
    }

    /// The document's root, to go further with `.key(…)` (`on`, `env`,
    /// `permissions`).
    pub fn top(&self) -> At<'_> {
        At {
            wf: self,
            route: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WF: &str = "\
name: release
on: push
permissions: {}
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - run: |
          echo one
          npm publish
";

    fn wf() -> WorkflowFile {
        WorkflowFile::parse(".github/workflows/release.yml", WF.into()).unwrap()
    }

    #[test]
    fn a_job_and_its_steps_route_to_their_keys() {
        let wf = wf();
        let job = wf.job("publish");
        assert_eq!(job.id(), "publish");
        let perms = job.location().key("permissions");
        assert_eq!(perms.locate_key().line, 7);
        assert_eq!(perms.clone().key("id-token").locate().line, 8);
        let uses = job.step(0).location().key("uses").locate();
        assert_eq!((uses.line, uses.column), (10, 15));
        let persist = job
            .step(0)
            .location()
            .key("with")
            .key("persist-credentials")
            .locate();
        assert_eq!(persist.line, 12);
        assert_eq!(job.step(1).index(), 1);
        assert_eq!(job.step(1).job().id(), "publish");
        assert_eq!(
            job.step(1)
                .location()
                .key("run")
                .locate_command(1, "npm publish")
                .line,
            15
        );
        assert_eq!(
            job.step(1).location().key("run").locate_text("npm").line,
            15
        );
        assert_eq!(wf.top().key("permissions").locate_key().line, 3);
    }

    #[test]
    fn comments_on_a_value_s_lines_are_read_from_the_tree() {
        let text = "\
on: push
jobs:
  a:
    runs-on: x
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - uses: \"actions/setup-node@1d0ff469b7ec7b3cb9d8673fde0c81c44821de2a\"   #   v4.2.0
      - uses: actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57
      - uses: actions/upload-artifact@50769540e7f4bd5e21e526ee35c689e35e0d6874 #
      - run: echo '# not a comment'
";
        let wf = WorkflowFile::parse(".github/workflows/r.yml", text.into()).unwrap();
        let uses = |i: usize| wf.job("a").step(i).location().key("uses").comments();
        assert_eq!(uses(0).unwrap(), ["v4.2.2"]);
        assert_eq!(uses(1).unwrap(), ["v4.2.0"]);
        assert!(uses(2).unwrap().is_empty());
        assert_eq!(uses(3).unwrap(), [""]);
        let run = wf.job("a").step(4).location().key("run").comments();
        assert!(run.unwrap().is_empty());
        assert!(uses(9).is_none());
    }

    #[test]
    fn the_route_is_the_one_edits_take() {
        let wf = wf();
        let at = wf.job("publish").step(0).location().key("with");
        assert!(matches!(
            at.route(),
            [
                Key::K("jobs"),
                Key::K("publish"),
                Key::K("steps"),
                Key::I(0),
                Key::K("with")
            ]
        ));
        assert!(at.byte_span().is_some());
    }

    #[test]
    fn a_missing_key_falls_back_to_the_nearest_place_that_exists() {
        let wf = wf();
        // The job's mapping starts on the line after `publish:`.
        let at = wf.job("publish").location().key("environment").locate();
        assert_eq!(at.line, 6);
        assert!(
            wf.job("publish")
                .location()
                .key("environment")
                .byte_span()
                .is_none()
        );
        // An unknown job falls back to the `jobs:` mapping (its value, the line after).
        assert_eq!(wf.job("nope").location().locate().line, 5);
    }
}
