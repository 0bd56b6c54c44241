//! GitHub Actions expressions (`${{ … }}`): the contexts an expression reads,
//! what flows into its result, and a small three-valued evaluator for the
//! few contexts whose value is known for a given kind of run (a push to
//! `main`, a tag). Anything it does not know evaluates to "unknown", never to
//! a guess. Expressions are parsed once, by zizmor's
//! `github-actions-expressions`; what is judged here walks its tree.

use github_actions_expressions::call::{Call, Function};
use github_actions_expressions::context::Context;
use github_actions_expressions::literal::Literal;
use github_actions_expressions::op::{BinOp, UnOp};
use github_actions_expressions::{Expr, SpannedExpr};
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A value an expression produces.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// A string of which only the start is known: the ref of a run some
    /// tag started is `refs/tags/` and then a name no file states, and its
    /// `github.ref_name` is that name. `text` is one such string, which
    /// stands in where the value is only rendered (a concurrency group:
    /// two tags give two groups); `known` is how many of its leading bytes
    /// every such run shares. A test against the unknown rest (`v4` at the
    /// start of the name) is unknown, never decided by the stand-in.
    Partial {
        text: String,
        known: usize,
    },
}

impl Value {
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            // A ref and a tag name are never empty.
            Value::Partial { text, .. } => !text.is_empty(),
        }
    }

    /// How the value reads when interpolated into a string.
    pub fn render(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Num(n) => n.to_string(),
            Value::Str(s) | Value::Partial { text: s, .. } => s.clone(),
        }
    }

    /// The part every run shares, for a partly known string.
    fn known_start(&self) -> Option<&str> {
        match self {
            Value::Partial { text, known } => text.get(..*known),
            _ => None,
        }
    }

    /// `==`: `None` when a partly known string is compared with one that
    /// starts as it does (the unknown rest decides).
    fn loose_eq(&self, other: &Value) -> Option<bool> {
        if let (Value::Partial { text: a, .. }, Value::Partial { text: b, .. }) = (self, other) {
            return (a == b).then_some(true);
        }
        for (p, o) in [(self, other), (other, self)] {
            if let Some(start) = p.known_start() {
                let o = o.render();
                let shares = o
                    .get(..start.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(start));
                return if shares { None } else { Some(false) };
            }
        }
        Some(match (self, other) {
            (Value::Str(a), Value::Str(b)) => a.eq_ignore_ascii_case(b),
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Num(a), Value::Num(b)) => a == b,
            // Mixed types: GitHub coerces to numbers; rendering is close enough
            // for the literals release workflows compare.
            (a, b) => a.render().eq_ignore_ascii_case(&b.render()),
        })
    }
}

/// The top-level keys of a `push` event's payload.
const PUSH_PAYLOAD: &[&str] = &[
    "after",
    "base_ref",
    "before",
    "commits",
    "compare",
    "created",
    "deleted",
    "enterprise",
    "forced",
    "head_commit",
    "installation",
    "organization",
    "pusher",
    "ref",
    "repository",
    "sender",
];

/// Job-output lookups one scenario may make.
const OUTPUT_LOOKUPS: u32 = 10_000;

/// What the evaluator knows about one kind of run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// `github.event_name`.
    pub event: String,
    /// `github.ref`, e.g. `refs/heads/main` or `refs/tags/v1.0.0`.
    pub git_ref: String,
    /// Stands in for values that differ between runs (`github.sha`, `github.run_id`).
    pub run: String,
    /// `job.output` → the expression a job's `outputs:` declares, so that
    /// `needs.job.outputs.output` can be evaluated too.
    outputs: Option<Arc<HashMap<String, String>>>,
    /// The jobs this job `needs` that are known not to run, so that
    /// `needs.JOB.result` reads `skipped` for them.
    skipped_needs: Option<Arc<HashSet<String>>>,
    /// How deep output lookups have nested (they may refer to each other).
    depth: Cell<u8>,
    /// Output lookups left for this scenario: a hostile file cannot make
    /// them multiply without bound.
    budget: Cell<u32>,
    /// Run as a reusable workflow by a caller: its `inputs.*` hold what the
    /// caller passes, so they are unknown whatever the event.
    called: bool,
    /// What one caller passes in `with:` (lower-cased name → value), when
    /// the scenario knows only that: every other context is unknown.
    given: Option<Arc<HashMap<String, Given>>>,
}

/// One input a caller passes to a reusable workflow.
#[derive(Debug, Clone)]
pub enum Given {
    /// A literal string, number or boolean.
    Literal(Value),
    /// A string with `${{ }}` in it: unknown as a whole, though a JSON
    /// document written around the expressions still has known fields.
    Template(String),
}

/// Stands in for an expression inside a caller's JSON input: a field that
/// holds it is unknown.
const UNKNOWN_PART: &str = "shipgate-unknown-part-5e1f";

impl Scenario {
    pub fn new(event: &str, git_ref: &str, run: &str) -> Scenario {
        Scenario {
            event: event.into(),
            git_ref: git_ref.into(),
            run: run.into(),
            outputs: None,
            skipped_needs: None,
            depth: Cell::new(0),
            budget: Cell::new(OUTPUT_LOOKUPS),
            called: false,
            given: None,
        }
    }

    /// A run of a reusable workflow of which only what one caller passes
    /// in `with:` is known: the event, the ref and every other context are
    /// unknown, and so is an input the caller does not pass.
    pub fn given_inputs(given: HashMap<String, Given>) -> Scenario {
        let mut sc = Scenario::new("", "", "").called();
        sc.given = Some(Arc::new(
            given
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
        ));
        sc
    }

    /// The caller's input `name`, as given.
    fn given_input(&self, name: &str) -> Option<&Given> {
        self.given.as_ref()?.get(name)
    }

    /// The same event and ref, seen by a reusable workflow the run calls:
    /// `inputs.*` come from the caller and are not known here.
    pub fn called(mut self) -> Scenario {
        self.called = true;
        self
    }

    /// Another run of the same event and ref: only the per-run values
    /// (`github.run_id`, `github.sha`) differ.
    pub fn another_run(&self) -> Scenario {
        let mut again = self.clone();
        again.run = format!("{}-again", self.run);
        again
    }

    /// The same run, able to read the workflow's job outputs.
    pub fn with_outputs(mut self, outputs: Arc<HashMap<String, String>>) -> Scenario {
        self.outputs = Some(outputs);
        self
    }

    /// The same run, judged for a job whose `needs` named here are skipped.
    pub fn with_skipped_needs(&self, skipped: HashSet<String>) -> Scenario {
        let mut s = self.clone();
        s.skipped_needs = Some(Arc::new(skipped));
        s
    }

    /// `needs.JOB.outputs.NAME`, evaluated from the job's `outputs:` declaration.
    fn job_output(&self, path: &str) -> Option<Value> {
        let rest = path.strip_prefix("needs.")?;
        let (job, name) = rest.split_once(".outputs.")?;
        let tpl = self.outputs.as_ref()?.get(&format!("{job}.{name}"))?;
        if self.depth.get() >= 8 || self.budget.get() == 0 {
            return None;
        }
        self.budget.set(self.budget.get() - 1);
        self.depth.set(self.depth.get() + 1);
        let v = eval_template(tpl, self);
        self.depth.set(self.depth.get() - 1);
        // Job outputs are always strings (a tag's name stays partly known).
        v.map(|v| match v {
            Value::Partial { .. } => v,
            v => Value::Str(v.render()),
        })
    }

    /// `github.ref`: a branch's in full, a tag's as far as `refs/tags/`.
    fn git_ref_value(&self) -> Value {
        if self.git_ref.starts_with("refs/tags/") {
            Value::Partial {
                text: self.git_ref.clone(),
                known: "refs/tags/".len(),
            }
        } else {
            Value::Str(self.git_ref.clone())
        }
    }

    fn is_pull_request(&self) -> bool {
        self.event.starts_with("pull_request")
    }

    /// The value of a context path (`github.ref`), or `None` when unknown.
    fn lookup(&self, path: &str) -> Option<Value> {
        let s = |v: &str| Some(Value::Str(v.to_string()));
        let p = path.to_ascii_lowercase();
        if self.given.is_some() {
            return match self.given_input(p.strip_prefix("inputs.")?)? {
                Given::Literal(v) => Some(v.clone()),
                Given::Template(_) => None,
            };
        }
        match p.as_str() {
            // A tag run's tag is not known: only its `refs/tags/`.
            "github.ref" => return Some(self.git_ref_value()),
            "github.ref_name" => {
                if let Some(tag) = self.git_ref.strip_prefix("refs/tags/") {
                    return Some(Value::Partial {
                        text: tag.to_string(),
                        known: 0,
                    });
                }
                let short = self
                    .git_ref
                    .strip_prefix("refs/heads/")
                    .unwrap_or(&self.git_ref);
                return s(short);
            }
            "github.ref_type" => {
                return s(if self.git_ref.starts_with("refs/tags/") {
                    "tag"
                } else {
                    "branch"
                });
            }
            "github.event_name" => return s(&self.event),
            "github.sha" | "github.run_id" | "github.run_number" => return s(&self.run),
            "github.workflow" => return s("release"),
            // Which repository runs the workflow is not known from its
            // files: a fork guard (`github.repository == 'acme/widget'`)
            // is neither true nor false. The stand-in is only rendered
            // (a concurrency group).
            "github.repository" | "github.repository_owner" => {
                return Some(Value::Partial {
                    text: if p == "github.repository" {
                        "owner/repo".into()
                    } else {
                        "owner".into()
                    },
                    known: 0,
                });
            }
            "github.event.ref" if self.event == "push" => return Some(self.git_ref_value()),
            "github.head_ref" | "github.base_ref" if !self.is_pull_request() => {
                return Some(Value::Null);
            }
            // The payload object itself: present exactly on pull-request runs.
            "github.event.pull_request" if self.is_pull_request() => return s("{pull_request}"),
            _ => {}
        }
        if let Some(job) = p
            .strip_prefix("needs.")
            .and_then(|r| r.strip_suffix(".result"))
        {
            let skipped = self.skipped_needs.as_ref().is_some_and(|s| s.contains(job));
            return skipped.then(|| Value::Str("skipped".into()));
        }
        if p.starts_with("needs.") {
            return self.job_output(&p);
        }
        if !self.is_pull_request()
            && (p.starts_with("github.event.pull_request") || p == "github.event.number")
        {
            return Some(Value::Null);
        }
        // A push payload has these keys and no others: `github.event.push.ref`
        // is empty on every push.
        if self.event == "push"
            && let Some(key) = p.strip_prefix("github.event.")
            && !PUSH_PAYLOAD.contains(&key.split(['.', '[']).next().unwrap_or(key))
        {
            return Some(Value::Null);
        }
        if self.event != "release" && p.starts_with("github.event.release") {
            return Some(Value::Null);
        }
        if !self.called
            && !matches!(self.event.as_str(), "workflow_dispatch" | "workflow_call")
            && (p.starts_with("inputs.") || p.starts_with("github.event.inputs."))
        {
            return Some(Value::Null);
        }
        None
    }
}

/// The bodies of every `${{ … }}` in `text`: (byte offset of `${{`, the whole
/// `${{ … }}` as written, the expression inside).
pub fn interpolations(text: &str) -> Vec<(usize, &str, &str)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(open) = text[rest..].find("${{") {
        let start = rest + open;
        let Some(close) = text[start + 3..].find("}}") else {
            break;
        };
        let end = start + 3 + close + 2;
        out.push((start, &text[start..end], text[start + 3..end - 2].trim()));
        rest = end;
    }
    out
}

/// The context paths an expression reads (`github.event.issue.title`,
/// `inputs.version`), lower-cased, with computed indexes written as `.*`
/// (`x['key']` is `x.key`). Empty when the expression does not parse.
pub fn context_paths(expr: &str) -> Vec<String> {
    let Some(e) = parse(expr) else {
        return Vec::new();
    };
    e.contexts()
        .into_iter()
        .filter_map(|(ctx, _)| path_of(ctx))
        .collect()
}

/// The context paths whose value can reach the expression's result, as
/// text: `a || b` yields either operand and `a && b` only `b` (a falsy `a`
/// is empty), `format`, `join`, `toJSON` and `fromJSON` pass their
/// arguments through, `case` its values, while comparisons, `!`,
/// `contains()`, `startsWith()` and `endsWith()` yield only `true` or
/// `false`. Lower-cased, indexes as `.*`; `None` when the expression cannot
/// be read (callers that must not miss anything fall back to
/// [`context_paths`]).
pub fn flowing_paths(expr: &str) -> Option<Vec<String>> {
    let e = parse(expr)?;
    let mut out = Vec::new();
    flow(&e, &mut out);
    Some(out)
}

fn flow(e: &SpannedExpr<'_>, out: &mut Vec<String>) {
    match &e.inner {
        Expr::Context(ctx) => match path_of(ctx) {
            Some(p) => out.push(p),
            // `fromJSON(x).field`, `(a || b).field`: a property of what the
            // head yields, which is made of what flows into the head.
            None => {
                if let Some(head) = ctx.parts.first() {
                    flow(head, out);
                }
            }
        },
        Expr::Call(Call { func, args }) => match func {
            Function::Format | Function::Join | Function::ToJSON | Function::FromJSON => {
                for a in args {
                    flow(a, out);
                }
            }
            // case(pred1, value1, …, default): the values, not the predicates.
            Function::Case => {
                for (i, a) in args.iter().enumerate() {
                    if i % 2 == 1 || i + 1 == args.len() {
                        flow(a, out);
                    }
                }
            }
            _ => {}
        },
        Expr::BinOp { lhs, op, rhs } => match op {
            BinOp::Or => {
                flow(lhs, out);
                flow(rhs, out);
            }
            BinOp::And => flow(rhs, out),
            _ => {}
        },
        _ => {}
    }
}

/// Expressions nest at most this deep (parentheses, indexes, calls, `!`):
/// real ones nest a few levels, and a bound keeps a hostile one from
/// costing the parser time or stack.
const MAX_NESTING: usize = 64;

/// Work the expression parser may do on one expression, in grammar rule
/// calls; past it the expression is unreadable (unknown).
const MAX_PARSE_CALLS: std::num::NonZeroUsize = match std::num::NonZeroUsize::new(200_000) {
    Some(n) => n,
    None => std::num::NonZeroUsize::MIN,
};

/// Parses a bare expression, or `None` when it is not one GitHub accepts, or
/// nests deeper than [`MAX_NESTING`].
fn parse(expr: &str) -> Option<SpannedExpr<'_>> {
    static LIMIT: std::sync::Once = std::sync::Once::new();
    // The limit is pest's, process-wide; only this parser uses pest.
    LIMIT.call_once(|| pest::set_call_limit(Some(MAX_PARSE_CALLS)));
    if nesting(expr) > MAX_NESTING {
        return None;
    }
    Expr::parse(expr).ok()
}

/// How deep `(`, `[` and `!` nest outside string literals.
fn nesting(expr: &str) -> usize {
    let (mut depth, mut max, mut nots, mut in_str) = (0usize, 0usize, 0usize, false);
    for c in expr.chars() {
        if in_str {
            in_str = c != '\'';
            continue;
        }
        match c {
            '\'' => in_str = true,
            '(' | '[' => {
                depth += 1;
                max = max.max(depth + nots);
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            '!' => {
                nots += 1;
                max = max.max(depth + nots);
                continue;
            }
            _ => {}
        }
        if !c.is_whitespace() && c != '=' {
            nots = 0;
        }
    }
    max
}

/// A context's dotted path (`github.event.issue.title`), lower-cased, when
/// it starts at a named context: `x[0]` and `x[*]` read as `x.*`, `x['key']`
/// as `x.key`. `None` for the property of a call or a parenthesis.
fn path_of(ctx: &Context<'_>) -> Option<String> {
    let mut parts = ctx.parts.iter();
    let Expr::Identifier(head) = &parts.next()?.inner else {
        return None;
    };
    let mut path = head.as_str().to_ascii_lowercase();
    for part in parts {
        path.push('.');
        match &part.inner {
            Expr::Identifier(i) => path.push_str(&i.as_str().to_ascii_lowercase()),
            Expr::Index(inner) => match &inner.inner {
                Expr::Literal(Literal::String(key)) => path.push_str(&key.to_ascii_lowercase()),
                _ => path.push('*'),
            },
            _ => path.push('*'),
        }
    }
    Some(path)
}

/// Evaluates a bare expression (no `${{ }}`) for one scenario: `None` when
/// its value is unknown (or it does not parse).
pub fn eval(expr: &str, sc: &Scenario) -> Option<Value> {
    value(&parse(expr)?, sc)
}

/// Evaluates a value that may hold `${{ }}` interpolations (a concurrency
/// group): `None` when any part is unknown. A value that is exactly one
/// expression keeps its type.
pub fn eval_template(text: &str, sc: &Scenario) -> Option<Value> {
    let parts = interpolations(text);
    if let [(0, whole, inner)] = parts.as_slice()
        && whole.len() == text.trim_end().len()
    {
        return eval(inner, sc);
    }
    let mut out = String::new();
    let mut last = 0;
    for (start, whole, inner) in parts {
        out.push_str(&text[last..start]);
        out.push_str(&eval(inner, sc)?.render());
        last = start + whole.len();
    }
    out.push_str(&text[last..]);
    Some(Value::Str(out))
}

/// The value of an expression in one scenario, `None` when unknown.
fn value(e: &SpannedExpr<'_>, sc: &Scenario) -> Option<Value> {
    match &e.inner {
        Expr::Literal(l) => Some(match l {
            Literal::Number(n) => Value::Num(*n),
            Literal::String(s) => Value::Str(s.to_string()),
            Literal::Boolean(b) => Value::Bool(*b),
            Literal::Null => Value::Null,
        }),
        // A property of a call's result or of a parenthesis is not known,
        // but for a field of a caller's JSON input (`fromJSON(inputs.info).x`).
        Expr::Context(ctx) => match path_of(ctx) {
            Some(p) => sc.lookup(&p),
            None => json_field(ctx, sc),
        },
        Expr::Call(Call { func, args }) => call(*func, args, sc),
        Expr::UnOp {
            op: UnOp::Not,
            expr,
        } => value(expr, sc).map(|v| Value::Bool(!v.truthy())),
        Expr::BinOp { lhs, op, rhs } => {
            if matches!(op, BinOp::Eq | BinOp::Neq)
                && let Some(eq) = activity_type_eq(lhs, rhs, sc)
            {
                return Some(Value::Bool(eq == matches!(op, BinOp::Eq)));
            }
            let (l, r) = (value(lhs, sc), value(rhs, sc));
            match op {
                // Three-valued: a known operand may decide alone.
                BinOp::Or => match (l, r) {
                    (Some(l), _) if l.truthy() => Some(l),
                    (Some(_), r) => r,
                    (None, Some(r)) if r.truthy() => Some(Value::Bool(true)),
                    _ => None,
                },
                BinOp::And => match (l, r) {
                    (Some(l), _) if !l.truthy() => Some(l),
                    (Some(_), r) => r,
                    (None, Some(r)) if !r.truthy() => Some(Value::Bool(false)),
                    _ => None,
                },
                BinOp::Eq => l?.loose_eq(&r?).map(Value::Bool),
                BinOp::Neq => l?.loose_eq(&r?).map(|eq| Value::Bool(!eq)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The activity types a pull request's event payload names in `action`.
const PULL_REQUEST_ACTIONS: &[&str] = &[
    "assigned",
    "unassigned",
    "labeled",
    "unlabeled",
    "opened",
    "edited",
    "closed",
    "reopened",
    "synchronize",
    "converted_to_draft",
    "ready_for_review",
    "locked",
    "unlocked",
    "review_requested",
    "review_request_removed",
    "auto_merge_enabled",
    "auto_merge_disabled",
    "milestoned",
    "demilestoned",
    "enqueued",
    "dequeued",
];

/// `github.event.action == 'published'` on a pull-request run: the
/// payload's `action` is one of a pull request's activity types, which one
/// unknown, so a test for any other word is false (`Some(false)`); a test
/// for one of them is left unknown (`None`).
fn activity_type_eq(a: &SpannedExpr<'_>, b: &SpannedExpr<'_>, sc: &Scenario) -> Option<bool> {
    if !sc.is_pull_request() || sc.given.is_some() {
        return None;
    }
    let is_action = |e: &SpannedExpr<'_>| matches!(&e.inner, Expr::Context(c) if path_of(c).as_deref() == Some("github.event.action"));
    let word = |e: &SpannedExpr<'_>| match &e.inner {
        Expr::Literal(Literal::String(s)) => Some(s.to_ascii_lowercase()),
        _ => None,
    };
    let w = if is_action(a) {
        word(b)?
    } else if is_action(b) {
        word(a)?
    } else {
        return None;
    };
    (!PULL_REQUEST_ACTIONS.contains(&w.as_str())).then_some(false)
}

/// `fromJSON(X).a.b`: the field of a JSON document X holds, when X is a
/// known string or an input the caller wrote as JSON around expressions
/// (a field those expressions fill is unknown).
fn json_field(ctx: &Context<'_>, sc: &Scenario) -> Option<Value> {
    let mut parts = ctx.parts.iter();
    let Expr::Call(Call {
        func: Function::FromJSON,
        args,
    }) = &parts.next()?.inner
    else {
        return None;
    };
    let [arg] = args.as_slice() else { return None };
    let text = match &arg.inner {
        Expr::Context(c) => match path_of(c)?.strip_prefix("inputs.") {
            Some(name) if sc.given.is_some() => match sc.given_input(name)? {
                Given::Literal(Value::Str(s)) => s.clone(),
                Given::Literal(_) => return None,
                Given::Template(t) => {
                    let mut out = String::new();
                    let mut last = 0;
                    for (start, whole, _) in interpolations(t) {
                        out.push_str(&t[last..start]);
                        out.push_str(UNKNOWN_PART);
                        last = start + whole.len();
                    }
                    out.push_str(&t[last..]);
                    out
                }
            },
            _ => return None,
        },
        _ => match value(arg, sc)? {
            Value::Str(s) => s,
            _ => return None,
        },
    };
    if text.len() > 64 * 1024 {
        return None;
    }
    let mut at: serde_json::Value = serde_json::from_str(&text).ok()?;
    for part in parts {
        let key = match &part.inner {
            Expr::Identifier(i) => i.as_str().to_string(),
            Expr::Index(inner) => match &inner.inner {
                Expr::Literal(Literal::String(k)) => k.to_string(),
                Expr::Literal(Literal::Number(n)) if *n >= 0.0 && n.fract() == 0.0 => {
                    at = at.get(*n as usize)?.clone();
                    continue;
                }
                _ => return None,
            },
            _ => return None,
        };
        // Property names are matched without regard to case.
        let obj = at.as_object()?;
        if obj.keys().any(|k| k.contains(UNKNOWN_PART)) {
            return None;
        }
        let found = obj
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&key))
            .map(|(_, v)| v.clone());
        at = found.unwrap_or(serde_json::Value::Null);
    }
    match at {
        serde_json::Value::Null => Some(Value::Null),
        serde_json::Value::Bool(b) => Some(Value::Bool(b)),
        serde_json::Value::Number(n) => n.as_f64().map(Value::Num),
        serde_json::Value::String(s) if s.contains(UNKNOWN_PART) => None,
        serde_json::Value::String(s) => Some(Value::Str(s)),
        // An object or array is only known as a document.
        _ => None,
    }
}

/// The functions whose result the evaluator knows: the string tests on
/// known arguments, and the status functions (`always()` is true and a run
/// being judged is not cancelled; whether an earlier job failed is unknown).
fn call(func: Function, args: &[SpannedExpr<'_>], sc: &Scenario) -> Option<Value> {
    match func {
        Function::Always => return Some(Value::Bool(true)),
        Function::Cancelled => return Some(Value::Bool(false)),
        Function::StartsWith | Function::EndsWith | Function::Contains => {}
        _ => return None,
    }
    let [h, n] = args else { return None };
    let (h, n) = (value(h, sc)?, value(n, sc)?);
    if matches!(n, Value::Partial { .. }) {
        return None;
    }
    let n = n.render().to_ascii_lowercase();
    if let Some(start) = h.known_start() {
        // Only the start of the haystack is known: a test the known part
        // answers is answered, one that reaches into the rest is unknown.
        let start = start.to_ascii_lowercase();
        return match func {
            Function::StartsWith if start.starts_with(&n) => Some(Value::Bool(true)),
            Function::StartsWith if !n.starts_with(&start) => Some(Value::Bool(false)),
            Function::Contains if start.contains(&n) => Some(Value::Bool(true)),
            _ => None,
        };
    }
    let h = h.render().to_ascii_lowercase();
    Some(Value::Bool(match func {
        Function::StartsWith => h.starts_with(&n),
        Function::EndsWith => h.ends_with(&n),
        _ => h.contains(&n),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn main() -> Scenario {
        Scenario::new("push", "refs/heads/main", "1")
    }
    fn tag() -> Scenario {
        Scenario::new("push", "refs/tags/v1.0.0", "1")
    }

    #[test]
    fn a_pull_requests_activity_type_is_one_of_its_own() {
        let pr = Scenario::new("pull_request", "refs/pull/1/merge", "1");
        let t = |e: &str| eval(e, &pr).map(|v| v.truthy());
        assert_eq!(t("github.event.action == 'published'"), Some(false));
        assert_eq!(t("'released' == github.event.action"), Some(false));
        assert_eq!(t("github.event.action != 'published'"), Some(true));
        assert_eq!(t("github.event.action == 'opened'"), None);
        assert_eq!(t("github.event.action != 'closed'"), None);
        // Elsewhere the payload's action is not judged this way.
        let rel = Scenario::new("release", "refs/tags/v1", "1");
        assert_eq!(eval("github.event.action == 'published'", &rel), None);
    }

    #[test]
    fn a_callers_inputs_decide_conditions_on_them_alone() {
        let given: HashMap<String, Given> = [
            ("upload".to_string(), Given::Literal(Value::Bool(false))),
            (
                "plan".to_string(),
                Given::Template(r#"{"live": false, "tag": "${{ github.sha }}"}"#.into()),
            ),
            (
                "odd".to_string(),
                Given::Template(r#"{"live": ${{ inputs.x }}}"#.into()),
            ),
        ]
        .into();
        let sc = Scenario::given_inputs(given);
        assert_eq!(eval("inputs.upload", &sc), Some(Value::Bool(false)));
        assert_eq!(
            eval("fromJSON(inputs.plan).live == true", &sc),
            Some(Value::Bool(false))
        );
        assert_eq!(
            eval("fromJSON(inputs.plan).LIVE != 'true'", &sc),
            Some(Value::Bool(true))
        );
        // A field an expression fills, invalid JSON, an input not given and
        // every other context are unknown.
        assert_eq!(eval("fromJSON(inputs.plan).tag == 'x'", &sc), None);
        assert_eq!(eval("fromJSON(inputs.odd).live", &sc), None);
        assert_eq!(eval("inputs.missing", &sc), None);
        assert_eq!(eval("github.ref == 'refs/heads/main'", &sc), None);
        assert_eq!(
            eval("inputs.upload && github.event_name == 'push'", &sc),
            Some(Value::Bool(false))
        );
    }

    #[test]
    fn a_fork_guard_on_the_repository_is_undecided() {
        let t = |e: &str| eval(e, &tag()).map(|v| v.truthy());
        assert_eq!(t("github.repository == 'acme/widget'"), None);
        assert_eq!(t("github.repository != 'acme/widget'"), None);
        assert_eq!(t("github.repository_owner == 'acme'"), None);
        assert_eq!(t("startsWith(github.repository, 'acme/')"), None);
        // What else the condition says still decides it.
        assert_eq!(
            t("github.repository == 'acme/widget' && github.event_name == 'pull_request'"),
            Some(false)
        );
        assert_eq!(t("github.repository == github.repository"), Some(true));
    }

    #[test]
    fn evaluates_ref_guards() {
        let e = "github.ref != 'refs/heads/main'";
        assert_eq!(eval(e, &main()), Some(Value::Bool(false)));
        assert_eq!(eval(e, &tag()), Some(Value::Bool(true)));
        let e = "!startsWith(github.ref, 'refs/tags/') && github.ref != 'refs/heads/main'";
        assert_eq!(eval(e, &tag()).map(|v| v.truthy()), Some(false));
        assert_eq!(
            eval("github.event_name == 'pull_request'", &main()),
            Some(Value::Bool(false))
        );
        assert_eq!(eval("matrix.os == 'x'", &main()), None);
        assert_eq!(
            eval("github.event_name == 'pull_request' && matrix.x", &main()).map(|v| v.truthy()),
            Some(false)
        );
        assert_eq!(eval("((((", &main()), None);
    }

    #[test]
    fn a_tag_runs_name_is_unknown_past_refs_tags() {
        let t = |e: &str| eval(e, &tag()).map(|v| v.truthy());
        // What `refs/tags/` answers is known …
        assert_eq!(t("startsWith(github.ref, 'refs/tags/')"), Some(true));
        assert_eq!(t("startsWith(github.ref, 'refs/heads/')"), Some(false));
        assert_eq!(t("github.ref == 'refs/heads/main'"), Some(false));
        assert_eq!(t("github.ref != 'refs/heads/main'"), Some(true));
        assert_eq!(t("github.ref_type == 'tag'"), Some(true));
        assert_eq!(t("contains(github.ref, 'tags')"), Some(true));
        // … the tag's own name is not: the stand-in `v1.0.0` decides nothing.
        assert_eq!(t("startsWith(github.ref_name, 'v4')"), None);
        assert_eq!(t("startsWith(github.ref, 'refs/tags/v4')"), None);
        assert_eq!(t("github.ref == 'refs/tags/v2.0.0'"), None);
        assert_eq!(t("github.ref_name == 'v1.0.0'"), None);
        assert_eq!(t("contains(github.ref_name, '-beta')"), None);
        assert_eq!(t("endsWith(github.ref, '-rc')"), None);
        assert_eq!(t("github.ref_name"), Some(true));
        // A branch run's ref is known in full.
        assert_eq!(
            eval("startsWith(github.ref_name, 'v4')", &main()),
            Some(Value::Bool(false))
        );
        // Rendered (a concurrency group), two tags stay two groups.
        let other = Scenario::new("push", "refs/tags/v1.0.1", "1");
        assert_ne!(
            eval_template("rel-${{ github.ref }}", &tag()),
            eval_template("rel-${{ github.ref }}", &other)
        );
    }

    #[test]
    fn properties_of_calls_are_unknown_but_parse() {
        let pr = Scenario::new("pull_request", "refs/pull/1/merge", "1");
        let e = "inputs.plan != '' && !fromJson(inputs.plan).announcement_tag_is_implicit";
        assert_eq!(eval(e, &pr), Some(Value::Bool(false)));
        assert_eq!(
            eval("fromJson(inputs.plan)[0].x || true", &pr),
            Some(Value::Bool(true))
        );
        assert_eq!(eval("fromJson(inputs.plan).x", &pr), None);
        assert_eq!(
            context_paths("fromJson(inputs.plan).x"),
            vec!["inputs.plan"]
        );
    }

    #[test]
    fn a_push_payload_has_only_its_own_keys() {
        let v = eval_template("publish-${{ github.event.push.ref }}", &tag());
        assert_eq!(v, Some(Value::Str("publish-".into())));
        assert_eq!(
            eval("github.event.ref", &tag()).map(|v| v.render()),
            Some("refs/tags/v1.0.0".into())
        );
        assert_eq!(eval("github.event.head_commit.message", &tag()), None);
    }

    #[test]
    fn needs_result_is_skipped_only_for_a_skipped_need() {
        let sc = main().with_skipped_needs(["gate".to_string()].into());
        let e = "always() && needs.gate.result == 'success'";
        assert_eq!(eval(e, &sc), Some(Value::Bool(false)));
        assert_eq!(
            eval("always() && needs.build.result == 'success'", &sc),
            None
        );
        assert_eq!(eval(e, &main()), None);
    }

    #[test]
    fn hostile_expressions_end_quietly() {
        let deep = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(eval(&deep, &main()), None);
        assert_eq!(eval(&"!".repeat(100_000), &main()), None);
        let calls = format!("{}1{}", "contains(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(eval(&calls, &main()), None);
        assert_eq!(eval("'unterminated", &main()), None);
        // Negations around an unclosed parenthesis make a backtracking
        // parser retry each level: the nesting bound and the parser's call
        // limit end it as unknown.
        let retry = format!("{}x", "!(".repeat(60));
        assert_eq!(eval(&retry, &main()), None);
        let fine = format!("{}true{}", "!(".repeat(10), ")".repeat(10));
        assert_eq!(eval(&fine, &main()), Some(Value::Bool(true)));
        assert_eq!(eval("a[", &main()), None);
        assert!(interpolations("${{ a }} ${{ b").len() == 1);
        // Job outputs that refer to each other stop at a fixed depth.
        let mut outs = HashMap::new();
        outs.insert("a.x".to_string(), "${{ needs.b.outputs.y }}".to_string());
        outs.insert("b.y".to_string(), "${{ needs.a.outputs.x }}".to_string());
        let sc = main().with_outputs(Arc::new(outs));
        assert_eq!(eval("needs.a.outputs.x", &sc), None);
        // … and outputs that fan out cannot multiply without bound.
        let mut outs = HashMap::new();
        for j in 0..10 {
            let next = format!("${{{{ needs.j{}.outputs.o }}}}", j + 1).repeat(50);
            outs.insert(format!("j{j}.o"), next);
        }
        outs.insert("j10.o".to_string(), "x".to_string());
        let sc = main().with_outputs(Arc::new(outs));
        // 50^10 lookups if outputs multiplied: the depth bound gives up on
        // the first chain past 8 levels, after 8 lookups.
        assert_eq!(eval("needs.j0.outputs.o", &sc), None);
        assert!(OUTPUT_LOOKUPS - sc.budget.get() <= 8);
    }

    #[test]
    fn job_outputs_and_status_functions() {
        let mut outs = HashMap::new();
        outs.insert(
            "plan.publishing".to_string(),
            "${{ !github.event.pull_request }}".to_string(),
        );
        let outs = Arc::new(outs);
        let pr = Scenario::new("pull_request", "refs/pull/1/merge", "1").with_outputs(outs.clone());
        let e = "always() && needs.plan.outputs.publishing == 'true'";
        assert_eq!(eval(e, &pr).map(|v| v.truthy()), Some(false));
        let tag = Scenario::new("push", "refs/tags/v1", "1").with_outputs(outs);
        assert_eq!(eval(e, &tag).map(|v| v.truthy()), Some(true));
        assert_eq!(
            eval("success() && github.ref == 'x'", &main()).map(|v| v.truthy()),
            Some(false)
        );
        assert_eq!(eval("success()", &main()), None);
    }

    #[test]
    fn what_flows_into_the_result() {
        let f = |e: &str| flowing_paths(e).unwrap();
        assert_eq!(f("github.event.issue.title"), ["github.event.issue.title"]);
        assert!(f("contains(github.event.head_commit.message, '[skip]')").is_empty());
        assert!(f("github.event.issue.title == 'x'").is_empty());
        assert!(f("!github.event.pull_request && 'a' || 'b'").is_empty());
        assert_eq!(
            f("github.head_ref || github.ref"),
            ["github.head_ref", "github.ref"]
        );
        assert_eq!(
            f("format('{0}', toJSON(github.event.commits[0]))"),
            ["github.event.commits.*"]
        );
        // A falsy left side of `&&` is empty: only the right side can flow.
        assert_eq!(
            f("github.event.issue.title && github.head_ref"),
            ["github.head_ref"]
        );
        // `case` yields its values, never its predicates.
        assert_eq!(
            f("case(github.event.issue.title == 'x', github.head_ref, 'y')"),
            ["github.head_ref"]
        );
        assert_eq!(
            f("fromJSON(github.event.comment.body).x"),
            ["github.event.comment.body"]
        );
        assert_eq!(flowing_paths("((("), None);
        assert_eq!(flowing_paths(&"(".repeat(100_000)), None);
    }

    #[test]
    fn templates_and_contexts() {
        assert_eq!(
            eval_template("rel-${{ github.head_ref }}", &main()),
            Some(Value::Str("rel-".into()))
        );
        assert_eq!(
            eval_template("${{ github.head_ref || github.run_id }}", &main()),
            Some(Value::Str("1".into()))
        );
        assert_eq!(
            context_paths("toJSON(github.event.commits[0].message) || 'x'"),
            vec!["github.event.commits.*.message".to_string()]
        );
        // A literal key reads as a property; a computed index as `*`.
        assert_eq!(
            context_paths("github.event['pull_request'].title || needs[inputs.job].result"),
            [
                "github.event.pull_request.title",
                "needs.*.result",
                "inputs.job"
            ]
        );
        let i = interpolations("a ${{ x }} b ${{y}}");
        assert_eq!(i.len(), 2);
        assert_eq!(i[1].2, "y");
    }
}
