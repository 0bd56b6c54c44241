//! `shipgate explain --error "TEXT"`: the error a registry printed at
//! publish time, matched to what it means and the checks that find its
//! causes before the release runs.
//!
//! Each entry is a fact about a registry's public behaviour; the text it is
//! recognised by is a short fragment of the message the registry or tool
//! prints, compared case-insensitively.

/// One known publish-time error.
pub struct KnownError {
    pub registry: &'static str,
    /// A short name for the error, as people search for it.
    pub label: &'static str,
    /// Fragments of the printed error, any of which identifies it.
    pub fragments: &'static [&'static str],
    /// What the registry is saying.
    pub meaning: &'static str,
    /// Checks whose findings are the usual causes, most likely first.
    pub checks: &'static [&'static str],
    pub fix: &'static str,
}

pub static KNOWN: &[KnownError] = &[
    KnownError {
        registry: "npm",
        label: "E404 Not Found on publish",
        fragments: &["e404", "404 not found - put"],
        meaning: "npm answers a publish it cannot attribute to anyone with 404. With trusted \
            publishing that means the job's OIDC token matched no trusted publisher of the \
            package (repository, workflow file name, environment), or npm never tried OIDC \
            (npm older than 11.5.1, no `id-token: write`), or the package does not exist yet \
            (the first version must be published by hand before a trusted publisher can be set).",
        checks: &["publisher-binding", "registry-readiness"],
        fix: "Compare the trusted publisher on npmjs.com with the workflow file name and \
            environment the publishing job runs under; grant `id-token: write`; install npm \
            11.5.1 or newer in the job.",
    },
    KnownError {
        registry: "npm",
        label: "ENEEDAUTH",
        fragments: &[
            "eneedauth",
            "need auth",
            "this command requires you to be logged in",
        ],
        meaning: "npm had no credentials at all: no token in .npmrc and no OIDC exchange. \
            Trusted publishing needs npm 11.5.1 or newer, `id-token: write` on the job and a \
            GitHub-hosted runner.",
        checks: &["registry-readiness", "trusted-publishing"],
        fix: "Grant `id-token: write` to the publishing job, run `npm install -g npm@latest` \
            before `npm publish`, and publish from a GitHub-hosted runner.",
    },
    KnownError {
        registry: "npm",
        label: "E422 provenance does not match the repository",
        fragments: &[
            "e422",
            "unprocessable entity",
            "repository.url",
            "failed to validate repository information",
        ],
        meaning: "npm checked the provenance statement made for this publish against \
            package.json and found `repository.url` naming another repository (a rename, a \
            fork, a monorepo `directory` missing).",
        checks: &["registry-readiness", "package-metadata"],
        fix: "Set `repository.url` in package.json to this repository's GitHub URL (and \
            `repository.directory` for a package in a subfolder).",
    },
    KnownError {
        registry: "npm",
        label: "EOTP one-time password required",
        fragments: &["eotp", "one-time password"],
        meaning: "The publish used a token from an account with two-factor authentication \
            for writes, which CI cannot answer.",
        checks: &["trusted-publishing"],
        fix: "Publish by trusted publishing instead of a token.",
    },
    KnownError {
        registry: "PyPI",
        label: "invalid-publisher",
        fragments: &[
            "invalid-publisher",
            "valid token, but no corresponding publisher",
        ],
        meaning: "PyPI received a valid OIDC token but no trusted publisher of the project \
            matches its claims: the repository, the workflow file name (of the top-level \
            workflow: a publish inside a reusable workflow is seen as its caller) or the \
            environment differ.",
        checks: &["publisher-binding", "registry-readiness"],
        fix: "Copy the exact values shipgate computes for the publishing job (`shipgate init` \
            writes them as `[[publisher]]`) into PyPI's trusted publisher form.",
    },
    KnownError {
        registry: "PyPI",
        label: "OIDC token exchange failed",
        fragments: &[
            "missing or insufficient oidc token permissions",
            "actions_id_token_request",
            "trusted publishing exchange failure",
        ],
        meaning: "The job could not mint an OIDC token: it lacks `id-token: write`, or it \
            runs in a reusable workflow whose caller does not grant it, or it runs on a \
            pull request from a fork.",
        checks: &["registry-readiness", "oidc-scope"],
        fix: "Grant `id-token: write` in the publishing job's permissions (and in the job \
            that calls its reusable workflow).",
    },
    KnownError {
        registry: "PyPI",
        label: "File already exists",
        fragments: &["file already exists"],
        meaning: "A file with this name and version is already on PyPI: the version was not \
            bumped, or the release ran twice.",
        checks: &["versions-agree", "release-concurrency", "release-triggers"],
        fix: "Bump the version in every version source before tagging, and let only one \
            release run at a time.",
    },
    KnownError {
        registry: "crates.io",
        label: "no trusted publishing config matches",
        fragments: &[
            "does not match the workflow filename",
            "no trusted publishing config",
        ],
        meaning: "crates.io found no trusted publishing configuration of the crate matching \
            the token's repository, workflow file name and environment.",
        checks: &["publisher-binding", "registry-readiness"],
        fix: "Make the crate's trusted publishing settings on crates.io name the workflow file \
            and environment the publishing job runs under.",
    },
    KnownError {
        registry: "crates.io",
        label: "no token found",
        fragments: &["no token found", "please run `cargo login`", "cargo login"],
        meaning: "`cargo publish` found no token: rust-lang/crates-io-auth-action's `token` \
            output was not handed to it as `CARGO_REGISTRY_TOKEN`.",
        checks: &["registry-readiness"],
        fix: "Give the auth step an `id:` and set `CARGO_REGISTRY_TOKEN: ${{ \
            steps.<id>.outputs.token }}` on the `cargo publish` step.",
    },
    KnownError {
        registry: "crates.io",
        label: "token expired",
        fragments: &["token has expired", "expired token"],
        meaning: "The short-lived token from crates-io-auth-action lasts 30 minutes; a build \
            between the login and the publish outlived it.",
        checks: &["registry-readiness"],
        fix: "Run the auth action directly before `cargo publish`.",
    },
    KnownError {
        registry: "NuGet",
        label: "No matching trust policy",
        fragments: &["no matching trust policy", "trust policy"],
        meaning: "nuget.org found no trusted publishing policy for the account named by \
            NuGet/login's `user:` that matches the repository and workflow file.",
        checks: &["publisher-binding", "registry-readiness"],
        fix: "Check the policy on nuget.org (owner, repository, workflow file) and the `user:` \
            input of NuGet/login.",
    },
    KnownError {
        registry: "NuGet",
        label: "API key invalid or expired",
        fragments: &[
            "api key is invalid",
            "has expired, or does not have permission",
        ],
        meaning: "The key given to `dotnet nuget push` is missing, expired (NuGet/login keys \
            last one hour) or not the login step's output.",
        checks: &["registry-readiness", "trusted-publishing"],
        fix: "Pass `--api-key ${{ steps.<login id>.outputs.NUGET_API_KEY }}` and log in right \
            before the push.",
    },
    KnownError {
        registry: "RubyGems",
        label: "No trusted publisher configured",
        fragments: &["no trusted publisher configured"],
        meaning: "rubygems.org has no trusted publisher for the gem matching the repository, \
            workflow file name and environment in the token.",
        checks: &["publisher-binding", "registry-readiness"],
        fix: "Configure the gem's trusted publisher on rubygems.org with the values of the \
            publishing job, or declare them in `[[publisher]]` to have shipgate compare.",
    },
    KnownError {
        registry: "GitHub Actions",
        label: "nested job is requesting id-token: write",
        fragments: &["is requesting 'id-token: write', but is only allowed"],
        meaning: "A reusable workflow asks for `id-token: write` but the job that calls it \
            does not grant it; a called workflow can only keep or narrow its caller's \
            permissions.",
        checks: &["registry-readiness"],
        fix: "Add `id-token: write` to the `permissions:` of the caller job.",
    },
];

/// The known errors whose fragments occur in `text`.
pub fn matching(text: &str) -> Vec<&'static KnownError> {
    let t = text.to_lowercase();
    KNOWN
        .iter()
        .filter(|e| e.fragments.iter().any(|f| t.contains(f)))
        .collect()
}

/// The explanation `shipgate explain --error` prints, or `None` when no
/// known error matches.
pub fn explain(text: &str) -> Option<String> {
    let hits = matching(text);
    if hits.is_empty() {
        return None;
    }
    let mut s = String::new();
    for e in hits {
        s.push_str(&format!("{}: {}\n", e.registry, e.label));
        s.push_str(&crate::text_wrap::wrap(e.meaning));
        s.push_str("\n\nChecks that find the causes:\n");
        for id in e.checks {
            let title = crate::checks::meta(id).map(|m| m.title).unwrap_or("");
            s.push_str(&format!("    {id}: {title}\n"));
        }
        s.push_str("\nFix\n");
        s.push_str(&crate::text_wrap::wrap(e.fix));
        s.push_str("\n\n");
    }
    s.push_str(
        "Run `shipgate check --only <id>` for each, and `shipgate explain <id>` for details.\n",
    );
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_check_exists() {
        for e in KNOWN {
            for id in e.checks {
                assert!(crate::checks::meta(id).is_some(), "{id}");
            }
            assert!(e.fragments.iter().all(|f| *f == f.to_lowercase()));
        }
    }

    #[test]
    fn npm_404_points_at_the_publisher_checks() {
        let hits = matching(
            "npm ERR! code E404\nnpm ERR! 404 Not Found - PUT https://registry.npmjs.org/acme",
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].checks, ["publisher-binding", "registry-readiness"]);
        assert!(matching("all good").is_empty());
    }
}
