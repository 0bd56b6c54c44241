//! `trusted-publishing`: registries that accept OIDC are published to
//! without long-lived tokens.

use super::{Check, Code, Context, Meta, Over, Scope};
use crate::finding::{Finding, Location, Severity};
use crate::workflow::oidc::job_holds_id_token;
use crate::workflow::publish::{PublishStep, Registry, Via};
use crate::workflow::secrets::has_registry_secret;
use crate::workflow::{WorkflowFile, env_map, env_value};
use github_actions_models::common::Env;
use github_actions_models::workflow::job::{NormalJob, StepBody};

pub struct TrustedPublishing;

static META: Meta = Meta {
    id: "trusted-publishing",
    title: "Registries that support OIDC are published to without long-lived tokens",
    severity: Severity::Block,
    lanes: &[],
    rationale: "A registry token stored as a secret lives for months and publishes from \
        anywhere it leaks to. PyPI and npm accept GitHub's short-lived OIDC token through \
        trusted publishing, bound to this repository, workflow and environment, so a token \
        there is a block. crates.io and RubyGems support trusted publishing too, so a token \
        warns. Registries without OIDC (Hex, Maven, other feeds) need a token; this check has \
        nothing to say about it, and keeping it in the publishing job's environment is \
        judged by `publish-environment` and `secrets-in-environment`. A publish behind a \
        step (in a local composite action or a script it runs) is judged by what the step \
        hands it: the step's env, or a secret passed as an input to the composite action.",
    passes: "publish:\n  environment: pypi\n  permissions:\n    id-token: write\n  steps:\n    - uses: pypa/gh-action-pypi-publish@<sha> # v1.12.4",
    fails: "- run: twine upload dist/*\n  env:\n    TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN }}",
    fix: "Configure a trusted publisher on the registry (repository, workflow file name, \
        environment), grant the publishing job `id-token: write`, and delete the token secret.",
    params: &[],
    codes: &[
        Code {
            id: "long-lived-token",
            summary: "a job publishes with a long-lived token to a registry that requires OIDC in this policy",
        },
        Code {
            id: "token-where-oidc-exists",
            summary: "a job publishes with a token to a registry that supports trusted publishing",
        },
    ],
};

impl Check for TrustedPublishing {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Workflows(Over::Publishing)
    }

    fn workflow(&self, _cx: &Context<'_>, wf: &WorkflowFile, out: &mut Vec<Finding>) {
        check(wf, out)
    }
}

/// Env keys that carry registry credentials. A key named for GitHub
/// (`GITHUB_TOKEN`, `GH_TOKEN`, `GITHUB_PAT`) authenticates to GitHub, to
/// push a release commit or open a pull request, whatever secret fills it:
/// it is not a registry token.
fn is_credential_key(k: &str) -> bool {
    let k = k.to_ascii_uppercase();
    if k.contains("GITHUB") || k.starts_with("GH_") {
        return false;
    }
    [
        "TOKEN",
        "PASSWORD",
        "API_KEY",
        "APIKEY",
        "AUTH",
        "SECRET",
        "CREDENTIAL",
    ]
    .iter()
    .any(|w| k.contains(w))
}

fn check(wf: &WorkflowFile, findings: &mut Vec<Finding>) {
    for (id, job) in wf.normal_jobs() {
        let Some(role) = wf.release.job(id).filter(|r| r.is_publishing()) else {
            continue;
        };
        for p in &role.publishes {
            // A registry with no trusted publisher needs its token: nothing
            // to judge here. That the token stays in the job's environment
            // is publish-environment's and secrets-in-environment's finding
            // on this same job; repeating it here made one missing
            // `environment:` three BLOCKs.
            if !p.registry.supports_oidc() {
                continue;
            }
            if let Some((loc, what)) = token_use(wf, id, job, p)
                && let Some(f) = judge(p.registry, id, loc, &what)
            {
                findings.push(f);
            }
        }
    }
}

/// The finding for a long-lived token used to publish to `reg`, a registry
/// with trusted publishing.
fn judge(reg: Registry, job: &str, loc: Location, what: &str) -> Option<Finding> {
    let name = reg.name();
    match reg {
        Registry::PyPi | Registry::Npm => Some(Finding::new(
            loc,
            format!("job `{job}` publishes to {name} with a long-lived token ({what})"),
            format!("use trusted publishing: configure a trusted publisher on {name}, grant `id-token: write`, and drop the token"),
        )
        .code("long-lived-token")),
        Registry::Crates
        | Registry::RubyGems
        | Registry::NuGet
        | Registry::PubDev
        | Registry::Jsr => Some(
            Finding::new(
                loc,
                format!("job `{job}` publishes to {name} with a long-lived token ({what}); {name} supports trusted publishing"),
                match reg {
                    Registry::Crates => "use rust-lang/crates-io-auth-action for a short-lived token and delete the secret".to_string(),
                    Registry::RubyGems => "use rubygems/release-gem (trusted publishing) and delete the secret".to_string(),
                    Registry::PubDev => "publish from a tag push with dart-lang/setup-dart and `id-token: write` (automated publishing) and delete the credentials secret".to_string(),
                    Registry::Jsr => "link the package to this repository on JSR, grant `id-token: write`, and drop `--token`".to_string(),
                    _ => "use NuGet/login (trusted publishing) and delete the secret".to_string(),
                },
            )
.code("token-where-oidc-exists")
            .warn_only(),
        ),
        // No trusted publisher to use instead: see `check`.
        Registry::Hex | Registry::Maven | Registry::Other => None,
    }
}

/// Words in an env key that say what a credential is, not whose it is.
const GENERIC_WORDS: &[&str] = &[
    "TOKEN",
    "TOKENS",
    "PASSWORD",
    "PASSWD",
    "PASS",
    "API",
    "KEY",
    "APIKEY",
    "AUTH",
    "AUTHTOKEN",
    "SECRET",
    "SECRETS",
    "CREDENTIAL",
    "CREDENTIALS",
    "ACCESS",
    "PUBLISH",
    "PUBLISHING",
    "PUBLISHER",
    "RELEASE",
    "RELEASES",
    "REGISTRY",
    "DEPLOY",
    "UPLOAD",
    "BOT",
    "CI",
    "PACKAGE",
    "PACKAGES",
    "PKG",
    "AUTOMATION",
    "USER",
    "USERNAME",
    "PAT",
    "WRITE",
    "ORG",
    "PROD",
    "PRODUCTION",
    "TEST",
    "CONFIG",
];

/// Words in an env key that name npm or PyPI or one of their publish tools.
fn registry_words(reg: Registry) -> &'static [&'static str] {
    match reg {
        Registry::Npm => &["NPM", "NPMJS", "NODE", "YARN", "PNPM", "BUN"],
        Registry::PyPi => &[
            "PYPI",
            "TESTPYPI",
            "TWINE",
            "UV",
            "POETRY",
            "FLIT",
            "HATCH",
            "PDM",
            "PYTHON",
            "WAREHOUSE",
        ],
        _ => &[],
    }
}

/// Whether an env key names some other service than the registry: a word
/// in it is neither a credential word nor the registry's own
/// (`NX_CLOUD_ACCESS_TOKEN`, `CODECOV_TOKEN` for npm). Only npm and PyPI
/// are judged by name; for the others every credential key still counts.
fn names_other_service(key: &str, reg: Registry) -> bool {
    let own = registry_words(reg);
    if own.is_empty() {
        return false;
    }
    let words: Vec<String> = key
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    if words.iter().any(|w| own.contains(&w.as_str())) {
        return false;
    }
    words.iter().any(|w| !GENERIC_WORDS.contains(&w.as_str()))
}

/// Where a publishing step gets a registry token from, if it uses one.
///
/// In a job that holds the OIDC token, npm and PyPI are published by OIDC
/// unless a token says otherwise, so a secret whose key names another
/// service (a build cache's, a coverage service's) is not taken for the
/// registry's token. A job without OIDC must authenticate with something,
/// so there every credential-shaped secret counts.
pub(crate) fn token_use(
    wf: &WorkflowFile,
    job_id: &str,
    job: &NormalJob,
    p: &PublishStep,
) -> Option<(Location, String)> {
    let oidc = job_holds_id_token(&wf.model.permissions, &job.permissions);
    let reg = p.registry;
    let key_ok = |k: &str| is_credential_key(k) && !(oidc && names_other_service(k, reg));
    let step = job.steps.get(p.step)?;
    let step_at = wf.job(job_id).step(p.step).location();
    // Inputs of a publishing action: `password:`, `token:`, …
    if let (Via::Action(_), StepBody::Uses { with, .. }) = (&p.via, &step.body)
        && let Some(hit) = credential_in(env_map(with), key_ok)
    {
        let at = step_at.key("with").key(hit);
        return Some((at.locate_key(), format!("`{hit}:` input")));
    }
    // A token handed to the local composite action the publish is behind.
    if p.behind.is_some()
        && let StepBody::Uses { with, .. } = &step.body
        && let Some(hit) = credential_in(env_map(with), key_ok)
    {
        return Some((
            step_at.key("with").key(hit).locate_key(),
            format!("`{hit}:` input to the local action"),
        ));
    }
    // The command itself: `--token ${{ secrets.X }}`.
    if let Via::Command { command, .. } = &p.via
        && has_registry_secret(&command.raw)
    {
        return Some((
            step_at.key("run").locate_text(&command.raw),
            "a secret on the command line".into(),
        ));
    }
    // A secret handed to the command through a variable of any name:
    // `poetry publish --password "$PW"` with `PW: ${{ secrets.X }}`.
    if let Via::Command { command, .. } = &p.via
        && let Some((flag, var)) = credential_flag_var(&command.words)
        && let Some((loc, hit)) = env_secret(wf, job_id, job, p.step, |k| k == var)
    {
        return Some((loc, format!("`{hit}` from a secret, passed as `{flag}`")));
    }
    // Environment of the step, then the job, then the workflow.
    if let Some((loc, hit)) = env_secret(wf, job_id, job, p.step, key_ok) {
        return Some((loc, format!("`{hit}` from a secret")));
    }
    // An earlier step that writes a token into .npmrc / .pypirc / credentials.
    for (i, s) in job.steps.iter().enumerate().take(p.step) {
        if let StepBody::Run { run, .. } = &s.body
            && has_registry_secret(run)
            && [
                "_authToken",
                "pypirc",
                "npmrc",
                "credentials",
                "api_key",
                "gem_host_api_key",
            ]
            .iter()
            .any(|w| run.contains(w))
        {
            let run = wf.job(job_id).step(i).location().key("run");
            return Some((
                run.locate_text("secrets."),
                "a token written to a credentials file".into(),
            ));
        }
    }
    None
}

/// Flags by which publish commands take a registry credential (twine,
/// poetry, uv, pdm, hatch, cargo, dotnet nuget, gem).
const CREDENTIAL_FLAGS: &[&str] = &[
    "--password",
    "-p",
    "-P",
    "--token",
    "-t",
    "--api-key",
    "--apikey",
    "-k",
    "--key",
    "--auth",
    "-a",
    "--auth-token",
    "--registry-token",
];

/// The credential flag of a publish command whose value is one variable
/// (`--password "$PW"`, `--token=${T}`), and that variable's name.
fn credential_flag_var(words: &[String]) -> Option<(&str, String)> {
    let var = |v: &str| -> Option<String> {
        let name = v.strip_prefix('$')?;
        let name = name
            .strip_prefix('{')
            .and_then(|n| n.strip_suffix('}'))
            .unwrap_or(name);
        let ok = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        ok.then(|| name.to_string())
    };
    for (i, w) in words.iter().enumerate() {
        if let Some((flag, value)) = w.split_once('=')
            && let Some(&flag) = CREDENTIAL_FLAGS.iter().find(|f| **f == flag)
            && let Some(name) = var(value)
        {
            return Some((flag, name));
        }
        if let Some(&flag) = CREDENTIAL_FLAGS.iter().find(|f| **f == w.as_str())
            && let Some(name) = words.get(i + 1).and_then(|v| var(v))
        {
            return Some((flag, name));
        }
    }
    None
}

/// The first env key, in the step's env, then the job's, then the
/// workflow's, that `key_ok` accepts and a registry secret fills, with where
/// it is written.
fn env_secret<'w>(
    wf: &'w WorkflowFile,
    job_id: &str,
    job: &'w NormalJob,
    step: usize,
    key_ok: impl Fn(&str) -> bool,
) -> Option<(Location, &'w str)> {
    if let Some(hit) = credential_in(env_map(&job.steps.get(step)?.env), &key_ok) {
        let at = wf.job(job_id).step(step).location().key("env").key(hit);
        return Some((at.locate_key(), hit));
    }
    if let Some(hit) = credential_in(env_map(&job.env), &key_ok) {
        let at = wf.job(job_id).location().key("env").key(hit);
        return Some((at.locate_key(), hit));
    }
    let hit = credential_in(env_map(&wf.model.env), &key_ok)?;
    Some((wf.top().key("env").key(hit).locate_key(), hit))
}

fn credential_in(env: Option<&Env>, key_ok: impl Fn(&str) -> bool) -> Option<&str> {
    env?.iter()
        .find(|(k, v)| key_ok(k) && has_registry_secret(&env_value(v)))
        .map(|(k, _)| k.as_str())
}

#[cfg(test)]
mod tests {
    use super::credential_flag_var;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn a_credential_flag_names_the_variable_it_takes() {
        let got =
            |s: &str| credential_flag_var(&words(s)).map(|(flag, var)| (flag.to_string(), var));
        assert_eq!(
            got("poetry publish --username __token__ --password $PW"),
            Some(("--password".into(), "PW".into()))
        );
        assert_eq!(
            got("cargo publish --token=${KEY}"),
            Some(("--token".into(), "KEY".into()))
        );
        assert_eq!(
            got("dotnet nuget push x.nupkg -k $K"),
            Some(("-k".into(), "K".into()))
        );
        // A literal, a partial expansion or a flag without a value is not one variable.
        assert_eq!(got("twine upload --password literal"), None);
        assert_eq!(got("uv publish --token ${T}x"), None);
        assert_eq!(got("uv publish --token"), None);
        assert_eq!(got("npm publish --tag $CHANNEL"), None);
    }
}
