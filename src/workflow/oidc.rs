//! Who holds GitHub's OIDC token (`id-token: write`) and who uses it.

use super::publish::{JobRole, Registry, Via, action_slug};
use super::{env_map, env_value};
use crate::shell::commands_shared;
use github_actions_models::common::expr::LoE;
use github_actions_models::common::{BasePermission, Env, Permission, Permissions};
use github_actions_models::workflow::job::{NormalJob, StepBody};

/// Actions known to exchange the OIDC token: publishing, attestations and
/// signing, cloud and registry logins.
pub const OIDC_ACTIONS: &[&str] = &[
    "pypa/gh-action-pypi-publish",
    "rubygems/release-gem",
    "rubygems/configure-rubygems-credentials",
    "rust-lang/crates-io-auth-action",
    "nuget/login",
    "js-devtools/npm-publish",
    "actions/attest-build-provenance",
    "actions/attest-sbom",
    "actions/attest",
    "sigstore/gh-action-sigstore-python",
    "sigstore/cosign-installer",
    "aws-actions/configure-aws-credentials",
    "google-github-actions/auth",
    "azure/login",
    "hashicorp/vault-action",
    "octo-sts/action",
    "slsa-framework/slsa-github-generator",
    "codecov/codecov-action",
    "docker/login-action",
    "pulumi/auth-actions",
    "jfrog/setup-jfrog-cli",
    "goreleaser/goreleaser-action",
    // GitHub Pages deployments authenticate with the job's OIDC token.
    "actions/deploy-pages",
    // Pushes the action to GHCR as an OCI package and attests it.
    "actions/publish-immutable-action",
];

/// Actions that exchange the OIDC token only when an input turns it on:
/// (action, input), with the input set to `true` (or an expression).
pub const OIDC_INPUTS: &[(&str, &str)] = &[
    // Attests the built distributions with `actions/attest-build-provenance`.
    (
        "hynek/build-and-inspect-python-package",
        "attest-build-provenance-github",
    ),
];

/// Words in an action's name that mark a token exchange.
const OIDC_HINTS: &[&str] = &[
    "auth",
    "login",
    "credential",
    "oidc",
    "attest",
    "sigstore",
    "cosign",
    "sts",
    "provenance",
    "vault",
];

/// Whether `perms` grants `id-token: write` (explicitly or by `write-all`).
pub fn grants_id_token(perms: &Permissions) -> bool {
    match perms {
        Permissions::Base(BasePermission::WriteAll) => true,
        Permissions::Base(_) => false,
        Permissions::Explicit(m) => m.get("id-token") == Some(&Permission::Write),
    }
}

/// Whether a job holds the OIDC token: its own grant, or the workflow's when
/// it sets none.
pub fn job_holds_id_token(workflow: &Permissions, job: &Permissions) -> bool {
    match job {
        Permissions::Base(BasePermission::Default) => grants_id_token(workflow),
        other => grants_id_token(other),
    }
}

/// Why a job needs the OIDC token, if it visibly does.
pub fn oidc_use(job: &NormalJob, role: &JobRole) -> Option<String> {
    for p in &role.publishes {
        if p.registry.supports_oidc() {
            let oidc_capable = match &p.via {
                Via::Action(_) => true,
                // pub.dev's automated publishing: `dart pub publish` sends
                // the token dart-lang/setup-dart minted from the grant
                // (registry-readiness judges whether that step is there).
                Via::Command { .. } => matches!(
                    p.registry,
                    Registry::Npm | Registry::PyPi | Registry::Jsr | Registry::PubDev
                ),
            };
            if oidc_capable {
                return Some(format!(
                    "publishes to {} ({})",
                    p.registry.name(),
                    p.describe()
                ));
            }
        }
    }
    // npm reads `NPM_CONFIG_PROVENANCE=true` as `--provenance`: whatever
    // publishes to npm under it (a release action, a script) signs the
    // provenance statement with the OIDC token.
    let provenance_env = |env: &LoE<Env>| {
        env_map(env).is_some_and(|m| {
            m.iter().any(|(k, v)| {
                let v = env_value(v);
                k.eq_ignore_ascii_case("NPM_CONFIG_PROVENANCE")
                    && (v.trim().eq_ignore_ascii_case("true") || v.contains("${{"))
            })
        })
    };
    if provenance_env(&job.env) || job.steps.iter().any(|s| provenance_env(&s.env)) {
        return Some("publishes to npm with provenance (`NPM_CONFIG_PROVENANCE`)".into());
    }
    for step in &job.steps {
        match &step.body {
            StepBody::Uses { uses, with } => {
                let Some(slug) = action_slug(uses) else {
                    continue;
                };
                let name = slug.rsplit('/').next().unwrap_or(&slug).to_string();
                if OIDC_ACTIONS.contains(&slug.as_str())
                    || OIDC_HINTS.iter().any(|h| name.contains(h))
                {
                    return Some(format!("uses {slug}"));
                }
                if let Some((_, input)) = OIDC_INPUTS.iter().find(|(a, _)| *a == slug)
                    && env_map(with)
                        .and_then(|w| w.get(*input))
                        .map(env_value)
                        .is_some_and(|v| {
                            // An expression may be true on the release run.
                            v.trim().eq_ignore_ascii_case("true") || v.contains("${{")
                        })
                {
                    return Some(format!("uses {slug} with `{input}: true`"));
                }
                if slug == "actions/github-script"
                    && env_map(with)
                        .and_then(|w| w.get("script"))
                        .is_some_and(|s| env_value(s).contains("getIDToken"))
                {
                    return Some("requests an ID token in actions/github-script".into());
                }
            }
            StepBody::Run { run, .. } => {
                if run.contains("ACTIONS_ID_TOKEN_REQUEST") {
                    return Some("requests an ID token in a run script".into());
                }
                for (_, c) in commands_shared(run).iter() {
                    // The Sigstore CLIs sign keylessly with the ambient
                    // OIDC token (`cosign sign`, sigstore-python's
                    // `sigstore sign` and `sigstore attest`).
                    if c.matches("cosign sign")
                        || c.matches("cosign attest")
                        || c.matches("sigstore sign")
                        || c.matches("sigstore attest")
                        || c.matches("gh attestation")
                    {
                        return Some(format!("signs with `{}`", c.text()));
                    }
                    if c.matches("npm publish") && c.has_flag(&["--provenance"]) {
                        return Some("publishes to npm with provenance".into());
                    }
                }
            }
        }
    }
    None
}
