//! GitHub Actions expressions (`${{ … }}`): the contexts an expression reads,
//! and a small three-valued evaluator for the few contexts whose value is
//! known for a given kind of run (a push to `main`, a tag). Anything it does
//! not know evaluates to "unknown", never to a guess.

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
}

impl Value {
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
        }
    }

    /// How the value reads when interpolated into a string.
    pub fn render(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Num(n) => n.to_string(),
            Value::Str(s) => s.clone(),
        }
    }

    fn loose_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Str(a), Value::Str(b)) => a.eq_ignore_ascii_case(b),
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Num(a), Value::Num(b)) => a == b,
            // Mixed types: GitHub coerces to numbers; rendering is close enough
            // for the literals release workflows compare.
            (a, b) => a.render().eq_ignore_ascii_case(&b.render()),
        }
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
}

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
        }
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
        // Job outputs are always strings.
        v.map(|v| Value::Str(v.render()))
    }

    fn is_pull_request(&self) -> bool {
        self.event.starts_with("pull_request")
    }

    /// The value of a context path (`github.ref`), or `None` when unknown.
    fn lookup(&self, path: &str) -> Option<Value> {
        let s = |v: &str| Some(Value::Str(v.to_string()));
        let p = path.to_ascii_lowercase();
        match p.as_str() {
            "github.ref" => return s(&self.git_ref),
            "github.ref_name" => {
                let short = self
                    .git_ref
                    .strip_prefix("refs/heads/")
                    .or_else(|| self.git_ref.strip_prefix("refs/tags/"))
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
            "github.repository" => return s("owner/repo"),
            "github.repository_owner" => return s("owner"),
            "github.event.ref" if self.event == "push" => return s(&self.git_ref),
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
        if !matches!(self.event.as_str(), "workflow_dispatch" | "workflow_call")
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
/// `inputs.version`), lower-cased, with `[…]` indexes written as `.*`.
pub fn context_paths(expr: &str) -> Vec<String> {
    let toks = match tokenize(expr) {
        Some(t) => t,
        None => return Vec::new(),
    };
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if let Tok::Path(p) = t {
            // A function name is followed by `(`.
            if matches!(toks.get(i + 1), Some(Tok::Open)) {
                continue;
            }
            if !matches!(p.as_str(), "true" | "false" | "null") {
                out.push(p.to_ascii_lowercase());
            }
        }
    }
    out
}

/// The context paths whose value can reach the expression's result, as
/// text: `a || b` yields either operand, `format`, `join` and `toJSON` pass
/// their arguments through, while comparisons, `!`, `contains()`,
/// `startsWith()` and `endsWith()` yield only `true` or `false`. Lower-cased,
/// indexes as `.*`; empty when the expression cannot be read (callers that
/// must not miss anything fall back to [`context_paths`]).
pub fn flowing_paths(expr: &str) -> Option<Vec<String>> {
    let toks = tokenize(expr)?;
    let mut f = Flow {
        toks: &toks,
        pos: 0,
        depth: 0,
    };
    let out = f.or()?;
    (f.pos == toks.len()).then_some(out)
}

struct Flow<'a> {
    toks: &'a [Tok],
    pos: usize,
    depth: usize,
}

impl Flow<'_> {
    fn eat_op(&mut self, op: &str) -> bool {
        if matches!(self.toks.get(self.pos), Some(Tok::Op(o)) if *o == op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Option<Vec<String>> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let mut out = self.and()?;
        while self.eat_op("||") {
            out.extend(self.and()?);
        }
        self.depth -= 1;
        Some(out)
    }

    fn and(&mut self) -> Option<Vec<String>> {
        let mut out = self.cmp()?;
        while self.eat_op("&&") {
            out.extend(self.cmp()?);
        }
        Some(out)
    }

    fn cmp(&mut self) -> Option<Vec<String>> {
        let left = self.unary()?;
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            if self.eat_op(op) {
                self.unary()?;
                return Some(Vec::new());
            }
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Vec<String>> {
        let mut nots = 0;
        while self.eat_op("!") {
            nots += 1;
        }
        let v = self.primary()?;
        Some(if nots > 0 { Vec::new() } else { v })
    }

    fn primary(&mut self) -> Option<Vec<String>> {
        let tok = self.toks.get(self.pos)?.clone();
        self.pos += 1;
        match tok {
            Tok::Str(_) | Tok::Num(_) => Some(Vec::new()),
            Tok::Open => {
                let v = self.or()?;
                (self.toks.get(self.pos) == Some(&Tok::Close)).then_some(())?;
                self.pos += 1;
                if self.toks.get(self.pos) == Some(&Tok::Member) {
                    self.pos += 1;
                }
                Some(v)
            }
            Tok::Path(p) => {
                if self.toks.get(self.pos) != Some(&Tok::Open) {
                    return Some(match p.as_str() {
                        "true" | "false" | "null" => Vec::new(),
                        _ => vec![p.to_ascii_lowercase()],
                    });
                }
                self.pos += 1;
                let mut args = Vec::new();
                if self.toks.get(self.pos) != Some(&Tok::Close) {
                    loop {
                        args.extend(self.or()?);
                        if self.toks.get(self.pos) == Some(&Tok::Comma) {
                            self.pos += 1;
                            continue;
                        }
                        break;
                    }
                }
                (self.toks.get(self.pos) == Some(&Tok::Close)).then_some(())?;
                self.pos += 1;
                if self.toks.get(self.pos) == Some(&Tok::Member) {
                    // A property of what the call returns: it reads the
                    // call's arguments.
                    self.pos += 1;
                    return Some(args);
                }
                let boolean = matches!(
                    p.to_ascii_lowercase().as_str(),
                    "contains"
                        | "startswith"
                        | "endswith"
                        | "always"
                        | "success"
                        | "failure"
                        | "cancelled"
                        | "hashfiles"
                );
                Some(if boolean { Vec::new() } else { args })
            }
            _ => None,
        }
    }
}

/// Evaluates a bare expression (no `${{ }}`) for one scenario.
pub fn eval(expr: &str, sc: &Scenario) -> Option<Value> {
    let toks = tokenize(expr)?;
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        sc,
        depth: 0,
    };
    let v = p.or()?;
    (p.pos == toks.len()).then_some(v)?
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

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Path(String),
    Str(String),
    Num(f64),
    Op(&'static str),
    Open,
    Close,
    Comma,
    /// A property or index after a call or a parenthesis:
    /// `fromJson(x).a.b`, `fromJson(x)[0]`.
    Member,
}

fn tokenize(expr: &str) -> Option<Vec<Tok>> {
    let b: Vec<char> = expr.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    let ch = *b.get(i)?;
                    if ch == '\'' {
                        if b.get(i + 1) == Some(&'\'') {
                            s.push('\'');
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    s.push(ch);
                    i += 1;
                }
                out.push(Tok::Str(s));
            }
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '.' if matches!(out.last(), Some(Tok::Close | Tok::Member)) => {
                i += 1;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], '_' | '-' | '.' | '*'))
                {
                    i += 1;
                }
                if out.last() != Some(&Tok::Member) {
                    out.push(Tok::Member);
                }
            }
            '[' if matches!(out.last(), Some(Tok::Close | Tok::Member)) => {
                let close = b[i..].iter().position(|&x| x == ']')?;
                i += close + 1;
                if out.last() != Some(&Tok::Member) {
                    out.push(Tok::Member);
                }
            }
            '=' | '!' | '<' | '>' | '&' | '|' => {
                let two: String = b[i..(i + 2).min(b.len())].iter().collect();
                let op = match two.as_str() {
                    "==" => "==",
                    "!=" => "!=",
                    "<=" => "<=",
                    ">=" => ">=",
                    "&&" => "&&",
                    "||" => "||",
                    _ => match c {
                        '!' => "!",
                        '<' => "<",
                        '>' => ">",
                        _ => return None,
                    },
                };
                i += op.len();
                out.push(Tok::Op(op));
            }
            c if c.is_ascii_digit()
                || (c == '-' && b.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let start = i;
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == '.') {
                    i += 1;
                }
                let s: String = b[start..i].iter().collect();
                out.push(Tok::Num(s.parse().ok()?));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut s = String::new();
                while i < b.len() {
                    let ch = b[i];
                    if ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.' | '*') {
                        s.push(ch);
                        i += 1;
                    } else if ch == '[' {
                        // An index: `.*` whatever it holds.
                        let close = b[i..].iter().position(|&x| x == ']')?;
                        s.push_str(".*");
                        i += close + 1;
                    } else {
                        break;
                    }
                }
                out.push(Tok::Path(s));
            }
            _ => return None,
        }
    }
    Some(out)
}

struct Parser<'a> {
    toks: &'a [Tok],
    pos: usize,
    sc: &'a Scenario,
    depth: usize,
}

/// `Some(v)` known, `None` unknown. Parse errors also give `None`.
impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Op(o)) if *o == op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Option<Option<Value>> {
        let mut left = self.and()?;
        while self.eat_op("||") {
            let right = self.and()?;
            left = match (left, right) {
                (Some(l), _) if l.truthy() => Some(l),
                (Some(_), r) => r,
                (None, Some(r)) if r.truthy() => Some(Value::Bool(true)),
                _ => None,
            };
        }
        Some(left)
    }

    fn and(&mut self) -> Option<Option<Value>> {
        let mut left = self.cmp()?;
        while self.eat_op("&&") {
            let right = self.cmp()?;
            left = match (left, right) {
                (Some(l), _) if !l.truthy() => Some(l),
                (Some(_), r) => r,
                (None, Some(r)) if !r.truthy() => Some(Value::Bool(false)),
                _ => None,
            };
        }
        Some(left)
    }

    fn cmp(&mut self) -> Option<Option<Value>> {
        let left = self.unary()?;
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            if self.eat_op(op) {
                let right = self.unary()?;
                return Some(match (left, right) {
                    (Some(l), Some(r)) => match op {
                        "==" => Some(Value::Bool(l.loose_eq(&r))),
                        "!=" => Some(Value::Bool(!l.loose_eq(&r))),
                        _ => None,
                    },
                    _ => None,
                });
            }
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Option<Value>> {
        if self.eat_op("!") {
            self.depth += 1;
            if self.depth > 64 {
                return None;
            }
            let v = self.unary()?;
            self.depth -= 1;
            return Some(v.map(|v| Value::Bool(!v.truthy())));
        }
        self.primary()
    }

    fn primary(&mut self) -> Option<Option<Value>> {
        let tok = self.peek()?.clone();
        self.pos += 1;
        match tok {
            Tok::Str(s) => Some(Some(Value::Str(s))),
            Tok::Num(n) => Some(Some(Value::Num(n))),
            Tok::Open => {
                self.depth += 1;
                if self.depth > 64 {
                    return None;
                }
                let v = self.or()?;
                self.depth -= 1;
                (self.peek() == Some(&Tok::Close)).then_some(())?;
                self.pos += 1;
                if self.peek() == Some(&Tok::Member) {
                    // A property of a value: not known here.
                    self.pos += 1;
                    return Some(None);
                }
                Some(v)
            }
            Tok::Path(p) => {
                if self.peek() == Some(&Tok::Open) {
                    self.pos += 1;
                    let mut args = Vec::new();
                    if self.peek() != Some(&Tok::Close) {
                        loop {
                            self.depth += 1;
                            if self.depth > 64 {
                                return None;
                            }
                            args.push(self.or()?);
                            self.depth -= 1;
                            if self.peek() == Some(&Tok::Comma) {
                                self.pos += 1;
                                continue;
                            }
                            break;
                        }
                    }
                    (self.peek() == Some(&Tok::Close)).then_some(())?;
                    self.pos += 1;
                    if self.peek() == Some(&Tok::Member) {
                        // `fromJson(x).field`: what the call returns is not
                        // known here, nor any property of it.
                        self.pos += 1;
                        return Some(None);
                    }
                    if args.is_empty()
                        && let Some(v) = status_call(&p)
                    {
                        return Some(v);
                    }
                    return Some(call(&p, &args));
                }
                Some(match p.as_str() {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    "null" => Some(Value::Null),
                    _ => self.sc.lookup(&p),
                })
            }
            _ => None,
        }
    }
}

fn call(name: &str, args: &[Option<Value>]) -> Option<Value> {
    let strs: Option<Vec<String>> = args
        .iter()
        .map(|a| a.as_ref().map(|v| v.render().to_ascii_lowercase()))
        .collect();
    let a = strs?;
    match (name.to_ascii_lowercase().as_str(), a.as_slice()) {
        ("startswith", [h, n]) => Some(Value::Bool(h.starts_with(n.as_str()))),
        ("endswith", [h, n]) => Some(Value::Bool(h.ends_with(n.as_str()))),
        ("contains", [h, n]) => Some(Value::Bool(h.contains(n.as_str()))),
        _ => None,
    }
}

/// Status functions: `always()` is true and a run being judged is not cancelled;
/// whether an earlier job failed is unknown.
fn status_call(name: &str) -> Option<Option<Value>> {
    match name.to_ascii_lowercase().as_str() {
        "always" => Some(Some(Value::Bool(true))),
        "cancelled" => Some(Some(Value::Bool(false))),
        "success" | "failure" => Some(None),
        _ => None,
    }
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
            eval("github.event.ref", &tag()),
            Some(Value::Str("refs/tags/v1.0.0".into()))
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
        let i = interpolations("a ${{ x }} b ${{y}}");
        assert_eq!(i.len(), 2);
        assert_eq!(i[1].2, "y");
    }
}
