//! What starts a workflow: event names in every form of `on:` (a string, a
//! list, a map), and the kinds of run (a push to `main`, a tag) it has.

use super::WorkflowFile;
use super::expr::{Scenario, eval, eval_template};
use github_actions_models::common::If;
use github_actions_models::workflow::Job;
use github_actions_models::workflow::Trigger;
use github_actions_models::workflow::event::{
    BranchFilters, OptionalBody, Push, TagFilters, WorkflowDispatch,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Whether the workflow runs only when another workflow calls it
/// (`on: workflow_call` and nothing else): its jobs then get their token
/// scopes, concurrency and secrets from the calling job.
pub fn only_called(on: &Trigger) -> bool {
    let events = event_names(on);
    !events.is_empty() && events.iter().all(|e| e == "workflow_call")
}

/// The event names that trigger `on`, in snake_case (`pull_request_target`).
pub fn event_names(on: &Trigger) -> Vec<String> {
    match on {
        Trigger::BareEvent(e) => vec![snake(&format!("{e:?}"))],
        Trigger::BareEvents(es) => es.iter().map(|e| snake(&format!("{e:?}"))).collect(),
        Trigger::Events(events) => set_events(events.as_ref()),
    }
}

/// The names of the events an `on:` map sets, sorted: the typed model's
/// field names whose value is not `Missing`. Read by a serializer that
/// looks at the first level only, so no event's body (its branch lists,
/// its inputs) is serialized: this runs several times per workflow.
fn set_events(events: &github_actions_models::workflow::event::Events) -> Vec<String> {
    use serde::Serialize;
    let mut names = Vec::new();
    if events.serialize(probe::Fields(&mut names)).is_err() {
        return Vec::new();
    }
    names.sort_unstable();
    names
}

mod probe {
    //! Two serializers: [`Fields`] collects the names of a struct's fields
    //! whose value [`IsMissing`] does not find to be the `Missing` variant;
    //! anything else either meets ends the serialization at once.
    use serde::ser::{self, Impossible, Serialize, SerializeStruct};

    #[derive(Debug)]
    pub struct Stop;

    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("not a struct of events")
        }
    }

    impl std::error::Error for Stop {}

    impl ser::Error for Stop {
        fn custom<T: std::fmt::Display>(_: T) -> Stop {
            Stop
        }
    }

    /// What every serializer method but the ones a probe reads answers.
    macro_rules! refuse {
        ($ok:ty; $($name:ident($($arg:ty),*)),* $(,)?) => {
            $(fn $name(self, $(_: $arg),*) -> Result<$ok, Stop> { Err(Stop) })*
        };
    }

    macro_rules! refuse_compounds {
        ($ok:ty) => {
            type SerializeSeq = Impossible<$ok, Stop>;
            type SerializeTuple = Impossible<$ok, Stop>;
            type SerializeTupleStruct = Impossible<$ok, Stop>;
            type SerializeTupleVariant = Impossible<$ok, Stop>;
            type SerializeMap = Impossible<$ok, Stop>;
            type SerializeStructVariant = Impossible<$ok, Stop>;
            refuse!($ok;
                serialize_bool(bool), serialize_i8(i8), serialize_i16(i16),
                serialize_i32(i32), serialize_i64(i64), serialize_u8(u8),
                serialize_u16(u16), serialize_u32(u32), serialize_u64(u64),
                serialize_f32(f32), serialize_f64(f64), serialize_char(char),
                serialize_str(&str), serialize_bytes(&[u8]), serialize_none(),
                serialize_unit(), serialize_unit_struct(&'static str),
            );
            fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<$ok, Stop> {
                Err(Stop)
            }
            fn serialize_newtype_struct<T: ?Sized + Serialize>(
                self,
                _: &'static str,
                _: &T,
            ) -> Result<$ok, Stop> {
                Err(Stop)
            }
            fn serialize_newtype_variant<T: ?Sized + Serialize>(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: &T,
            ) -> Result<$ok, Stop> {
                Err(Stop)
            }
            fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Stop> {
                Err(Stop)
            }
            fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Stop> {
                Err(Stop)
            }
            fn serialize_tuple_struct(
                self,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeTupleStruct, Stop> {
                Err(Stop)
            }
            fn serialize_tuple_variant(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeTupleVariant, Stop> {
                Err(Stop)
            }
            fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Stop> {
                Err(Stop)
            }
            fn serialize_struct_variant(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeStructVariant, Stop> {
                Err(Stop)
            }
        };
    }

    /// Collects the names of a struct's fields that are set.
    pub struct Fields<'a>(pub &'a mut Vec<String>);

    impl<'a> ser::Serializer for Fields<'a> {
        type Ok = ();
        type Error = Stop;
        type SerializeStruct = Self;
        refuse_compounds!(());
        refuse!((); serialize_unit_variant(&'static str, u32, &'static str));
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Stop> {
            Ok(self)
        }
    }

    impl SerializeStruct for Fields<'_> {
        type Ok = ();
        type Error = Stop;
        fn serialize_field<T: ?Sized + Serialize>(
            &mut self,
            key: &'static str,
            value: &T,
        ) -> Result<(), Stop> {
            // A body, or any value but the `Missing` variant, stops the
            // probe at its first step: the event is set.
            if value.serialize(IsMissing) != Ok(true) {
                self.0.push(key.to_string());
            }
            Ok(())
        }
        fn skip_field(&mut self, _: &'static str) -> Result<(), Stop> {
            Ok(())
        }
        fn end(self) -> Result<(), Stop> {
            Ok(())
        }
    }

    /// `Ok(true)` for the unit variant `Missing`; anything else is `Ok(false)`
    /// or stops.
    struct IsMissing;

    impl ser::Serializer for IsMissing {
        type Ok = bool;
        type Error = Stop;
        type SerializeStruct = Impossible<bool, Stop>;
        refuse_compounds!(bool);
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
        ) -> Result<bool, Stop> {
            Ok(variant == "Missing")
        }
        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStruct, Stop> {
            Err(Stop)
        }
    }

    impl PartialEq for Stop {
        fn eq(&self, _: &Stop) -> bool {
            true
        }
    }
}

pub fn has_event(on: &Trigger, name: &str) -> bool {
    event_names(on).iter().any(|e| e == name)
}

/// The `workflow_dispatch` body: `Some(None)` for a bare `workflow_dispatch:`.
pub fn dispatch(on: &Trigger) -> Option<Option<&WorkflowDispatch>> {
    match on {
        Trigger::Events(e) => match &e.workflow_dispatch {
            OptionalBody::Missing => None,
            OptionalBody::Default => Some(None),
            OptionalBody::Body(b) => Some(Some(b)),
        },
        _ => has_event(on, "workflow_dispatch").then_some(None),
    }
}

fn push_body(on: &Trigger) -> Option<&Push> {
    match on {
        Trigger::Events(e) => match &e.push {
            OptionalBody::Body(b) => Some(b),
            _ => None,
        },
        _ => None,
    }
}

/// Which tag pushes start the workflow: `None` when no tag push does,
/// `Some(None)` when every tag does (no tag filter, or only `tags-ignore`),
/// `Some(Some(patterns))` for the `tags:` patterns it lists (negated `!`
/// patterns left out).
pub fn push_tag_patterns(on: &Trigger) -> Option<Option<Vec<String>>> {
    if !has_event(on, "push") {
        return None;
    }
    let Some(push) = push_body(on) else {
        return Some(None);
    };
    match &push.tag_filters {
        Some(TagFilters::Tags(t)) => Some(Some(
            t.iter().filter(|p| !p.starts_with('!')).cloned().collect(),
        )),
        Some(TagFilters::TagsIgnore(_)) => Some(None),
        // With only `branches`, tags do not start the workflow.
        None if push.branch_filters.is_some() => None,
        None => Some(None),
    }
}

/// Whether a GitHub Actions filter pattern (`v*`, `*-v[0-9]+.[0-9]+.[0-9]+`,
/// `release/**`) matches `name`: `*` is any run without `/`, `**` any run,
/// `?` and `+` make the character before optional or repeatable, `[..]` is a
/// class.
pub fn filter_matches(pattern: &str, name: &str) -> bool {
    let mut re = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                re.push_str(".*");
                i += 1;
            }
            '*' => re.push_str("[^/]*"),
            '?' | '+' => re.push(chars[i]),
            '[' => match chars[i..].iter().position(|c| *c == ']') {
                Some(end) => {
                    let class: String = chars[i + 1..i + end]
                        .iter()
                        .map(|c| {
                            if *c == '\\' {
                                "\\\\".to_string()
                            } else {
                                c.to_string()
                            }
                        })
                        .collect();
                    re.push('[');
                    re.push_str(&class);
                    re.push(']');
                    i += end;
                }
                None => re.push_str("\\["),
            },
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push('$');
    regex::Regex::new(&re).is_ok_and(|r| r.is_match(name))
}

/// What starts a workflow, for people: `push (tags: v*)`,
/// `release, workflow_dispatch`. Branch and tag filters are shown as written.
pub fn describe(on: &Trigger) -> String {
    let mut out = Vec::new();
    for ev in event_names(on) {
        if ev == "push"
            && let Some(p) = push_body(on)
        {
            let mut filters = Vec::new();
            match &p.tag_filters {
                Some(TagFilters::Tags(t)) => filters.push(format!("tags: {}", t.join(", "))),
                Some(TagFilters::TagsIgnore(t)) => {
                    filters.push(format!("tags-ignore: {}", t.join(", ")))
                }
                None => {}
            }
            match &p.branch_filters {
                Some(BranchFilters::Branches(b)) => {
                    filters.push(format!("branches: {}", b.join(", ")))
                }
                Some(BranchFilters::BranchesIgnore(b)) => {
                    filters.push(format!("branches-ignore: {}", b.join(", ")))
                }
                None => {}
            }
            if !filters.is_empty() {
                out.push(format!("push ({})", filters.join("; ")));
                continue;
            }
        }
        out.push(ev);
    }
    out.join(", ")
}

/// The kinds of non-pull-request run this workflow has, each twice (two
/// different tags or run ids) so that values which differ per run can be
/// told from constants.
pub fn release_scenarios(on: &Trigger) -> Vec<Scenario> {
    let mut out = Vec::new();
    let tags = |ev: &str, out: &mut Vec<Scenario>| {
        out.push(Scenario::new(ev, "refs/tags/v1.0.0", "1"));
        out.push(Scenario::new(ev, "refs/tags/v1.0.1", "2"));
    };
    let main = |ev: &str, out: &mut Vec<Scenario>| {
        out.push(Scenario::new(ev, "refs/heads/main", "1"));
        out.push(Scenario::new(ev, "refs/heads/main", "2"));
    };
    for ev in event_names(on) {
        match ev.as_str() {
            "push" => {
                let (branches, tag_filters) = push_body(on)
                    .map(|p| (p.branch_filters.is_some(), p.tag_filters.is_some()))
                    .unwrap_or((false, false));
                let tags_ignored_all = matches!(
                    push_body(on).and_then(|p| p.tag_filters.as_ref()),
                    Some(TagFilters::TagsIgnore(v)) if v.iter().any(|t| t == "*" || t == "**")
                );
                // GitHub: with only `branches`, tags do not trigger; with only `tags`, branches do not.
                if (!branches || tag_filters) && !tags_ignored_all {
                    tags("push", &mut out);
                }
                if !tag_filters || branches {
                    main("push", &mut out);
                }
            }
            "release" | "create" | "registry_package" => tags(&ev, &mut out),
            "workflow_call" => {
                tags("push", &mut out);
                main("push", &mut out);
            }
            "workflow_dispatch"
            | "schedule"
            | "workflow_run"
            | "repository_dispatch"
            | "merge_group" => main(&ev, &mut out),
            _ => {}
        }
    }
    out
}

/// One run of every kind this workflow can have, a tag run wherever the
/// trigger allows one (a dispatch may be started on a tag), or `None` when
/// it has a trigger this model does not know.
pub fn every_run(on: &Trigger) -> Option<Vec<Scenario>> {
    let mut out = release_scenarios(on);
    for ev in event_names(on) {
        match ev.as_str() {
            "pull_request" | "pull_request_target" => {
                out.push(Scenario::new(&ev, "refs/pull/1/merge", "1"))
            }
            "workflow_dispatch" | "repository_dispatch" | "workflow_run" => {
                out.push(Scenario::new(&ev, "refs/tags/v1.0.0", "1"))
            }
            "push" | "release" | "create" | "registry_package" | "workflow_call" | "schedule"
            | "merge_group" => {}
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Every job's declared outputs, as `job.name` → expression, for
/// [`Scenario::with_outputs`].
pub fn job_outputs(wf: &WorkflowFile) -> Arc<HashMap<String, String>> {
    let mut out = HashMap::new();
    for (id, job) in wf.normal_jobs() {
        for (name, value) in &job.outputs {
            out.insert(
                format!("{}.{}", id.to_ascii_lowercase(), name.to_ascii_lowercase()),
                value.clone(),
            );
        }
    }
    Arc::new(out)
}

/// Whether an `if:` is known to be false in a scenario.
pub fn if_false(cond: &If, sc: &Scenario) -> bool {
    let e = match cond {
        If::Bool(b) => return !b,
        If::Expr(e) => e,
    };
    let v = if e.contains("${{") {
        eval_template(e, sc)
    } else {
        eval(e, sc)
    };
    v.is_some_and(|v| !v.truthy())
}

/// Every job known not to run in `sc`, judging each `if:` with `cond_false`:
/// its `if:` is false (where `needs.JOB.result` reads `skipped` for a needed
/// job that does not run), or it `needs` a job that does not run (and does
/// not force itself with `always()`, `failure()` or `cancelled()`). One pass
/// over the whole `needs` graph.
pub fn skipped_jobs(
    wf: &WorkflowFile,
    sc: &Scenario,
    cond_false: &dyn Fn(&If, &Scenario) -> bool,
) -> std::collections::HashSet<String> {
    skipped_in(&wf.model, sc, cond_false)
}

/// [`skipped_jobs`] over a workflow's model.
pub fn skipped_in(
    wf: &github_actions_models::workflow::Workflow,
    sc: &Scenario,
    cond_false: &dyn Fn(&If, &Scenario) -> bool,
) -> std::collections::HashSet<String> {
    // Only a condition skips a job (a job is skipped through `needs` only
    // when a job it needs is): with none, every job runs.
    let conditional = wf.jobs.values().any(|j| match j {
        Job::NormalJob(j) => j.r#if.is_some(),
        Job::ReusableWorkflowCallJob(j) => j.r#if.is_some(),
    });
    if !conditional {
        return std::collections::HashSet::new();
    }
    let mut memo = HashMap::new();
    for id in wf.jobs.keys() {
        skipped_at(wf, id, sc, cond_false, &mut memo);
    }
    memo.into_iter()
        .filter(|(_, s)| *s)
        .map(|(id, _)| id)
        .collect()
}

fn skipped_at(
    wf: &github_actions_models::workflow::Workflow,
    job_id: &str,
    sc: &Scenario,
    cond_false: &dyn Fn(&If, &Scenario) -> bool,
    memo: &mut HashMap<String, bool>,
) -> bool {
    if let Some(known) = memo.get(job_id) {
        return *known;
    }
    // Assume it runs while it is being decided: a `needs` cycle proves nothing.
    memo.insert(job_id.to_string(), false);
    let Some(job) = wf.jobs.get(job_id) else {
        return false;
    };
    let (cond, needs) = match job {
        Job::NormalJob(j) => (j.r#if.as_ref(), &j.needs),
        Job::ReusableWorkflowCallJob(j) => (j.r#if.as_ref(), &j.needs),
    };
    let skipped_needs: std::collections::HashSet<String> = needs
        .iter()
        .filter(|n| skipped_at(wf, n, sc, cond_false, memo))
        .map(|n| n.to_ascii_lowercase())
        .collect();
    let forced = matches!(cond, Some(If::Expr(e))
        if ["always()", "failure()", "cancelled()"].iter().any(|f| e.contains(f)));
    let skipped = (!forced && !skipped_needs.is_empty())
        || cond.is_some_and(|c| cond_false(c, &sc.with_skipped_needs(skipped_needs)));
    memo.insert(job_id.to_string(), skipped);
    skipped
}

fn snake(camel: &str) -> String {
    let mut s = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(y: &str) -> Trigger {
        yaml_serde::from_str(y).unwrap()
    }

    #[test]
    fn tag_pushes_and_filter_patterns() {
        assert_eq!(push_tag_patterns(&on("pull_request")), None);
        assert_eq!(push_tag_patterns(&on("push:\n  branches: [main]\n")), None);
        assert_eq!(push_tag_patterns(&on("push")), Some(None));
        assert_eq!(
            push_tag_patterns(&on("push:\n  tags: ['v*', '!v0*']\n")),
            Some(Some(vec!["v*".to_string()]))
        );
        assert!(filter_matches("v*", "v1.2.3"));
        assert!(!filter_matches("v*", "1.2.3"));
        assert!(filter_matches("*-v[0-9]+.[0-9]+.[0-9]+", "http-v1.6.0"));
        assert!(!filter_matches("*-v[0-9]+.[0-9]+.[0-9]+", "http-v1.6"));
        assert!(!filter_matches("v[0-9]+.[0-9]+.[0-9]+", "vX1.2.3"));
        assert!(filter_matches("release/**", "release/a/b"));
        assert!(!filter_matches("release/*", "release/a/b"));
        assert!(filter_matches("v1.?0", "v10"));
        // Repetitions GitHub would not write: read without a panic.
        assert!(!filter_matches("v**+", "1.0"));
    }

    #[test]
    fn every_form_of_on() {
        assert_eq!(
            event_names(&on("pull_request_target")),
            ["pull_request_target"]
        );
        assert_eq!(
            event_names(&on("[push, workflow_dispatch]")),
            ["push", "workflow_dispatch"]
        );
        let m = on("push:\n  tags: ['v*']\nworkflow_dispatch:\n");
        assert_eq!(event_names(&m), ["push", "workflow_dispatch"]);
        assert!(matches!(dispatch(&m), Some(None)));
        let sc = release_scenarios(&on("push:\n  tags: ['v*']\n"));
        assert!(sc.iter().all(|s| s.git_ref.starts_with("refs/tags/")));
        let sc = release_scenarios(&on("push:\n  branches: [main]\n"));
        assert!(sc.iter().all(|s| s.git_ref == "refs/heads/main"));
        assert!(release_scenarios(&on("pull_request")).is_empty());
    }

    #[test]
    fn events_of_a_map_in_name_order() {
        // Bodies, bare keys and null values all set their event; the names
        // come sorted, whatever order the map is written in.
        let m = on(
            "workflow_dispatch:\n  inputs:\n    v: {type: string}\nschedule:\n  - cron: '0 0 * * *'\nrelease: ~\npull_request_target:\n  branches: [main]\n",
        );
        assert_eq!(
            event_names(&m),
            [
                "pull_request_target",
                "release",
                "schedule",
                "workflow_dispatch"
            ]
        );
        assert!(!has_event(&m, "push"));
        assert!(has_event(&m, "schedule"));
    }
}

#[cfg(test)]
mod describe_tests {
    use super::describe;
    use github_actions_models::workflow::Workflow;

    fn on(yaml: &str) -> String {
        let wf: Workflow =
            yaml_serde::from_str(&format!("{yaml}\njobs: {{}}\n")).expect("workflow");
        describe(&wf.on)
    }

    #[test]
    fn events_and_refs_as_written() {
        assert_eq!(on("on: push"), "push");
        assert_eq!(
            on("on:\n  push:\n    tags: ['v*']\n  workflow_dispatch:"),
            "push (tags: v*), workflow_dispatch"
        );
        assert_eq!(
            on("on:\n  push:\n    branches: [main]\n    tags: ['v*', 'release-*']"),
            "push (tags: v*, release-*; branches: main)"
        );
        assert_eq!(on("on: [release]"), "release");
    }
}
