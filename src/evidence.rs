//! `shipgate evidence collect`: prints the `gh api` commands that export a
//! GitHub environment's settings as evidence files, and the policy check that
//! reads them. It runs nothing and needs no token or network itself.

use crate::cli::CollectArgs;

/// One evidence file: its name under `--out`, the endpoint after
/// `repos/O/R/`, and the check parameter that reads it.
struct Export {
    file: &'static str,
    endpoint: String,
    param: &'static str,
}

/// The script (and, inside it, the policy snippet), or why the input is wrong.
pub fn collect_script(args: &CollectArgs) -> Result<String, String> {
    let (owner, repo) = parse_repo(&args.repo)?;
    check_environment(&args.environment)?;
    let out = check_out_dir(&args.out)?;
    for s in &args.secret {
        check_secret_name(s)?;
    }
    let branches: Vec<String> = if args.branch.is_empty() {
        vec!["main".into()]
    } else {
        args.branch.clone()
    };
    for b in &branches {
        check_branch(b)?;
    }
    let env = &args.environment;
    let env_url = percent_encode(env);
    let base = format!("repos/{owner}/{repo}");
    let exports = [
        Export {
            file: "environment.json",
            endpoint: format!("{base}/environments/{env_url}"),
            param: "evidence",
        },
        Export {
            file: "branch-policies.json",
            endpoint: format!(
                "{base}/environments/{env_url}/deployment-branch-policies?per_page=100"
            ),
            param: "branch_policies",
        },
        Export {
            file: "environment-secrets.json",
            endpoint: format!("{base}/environments/{env_url}/secrets?per_page=100"),
            param: "environment_secrets",
        },
        Export {
            file: "repo-secrets.json",
            endpoint: format!("{base}/actions/secrets?per_page=100"),
            param: "repo_secrets",
        },
    ];
    let mut s = String::new();
    s.push_str(&format!(
        "# Evidence of the `{env}` environment's settings in {owner}/{repo}, for shipgate's\n\
         # settings.environment check. Run from the repository root, logged in with\n\
         # `gh auth login` as someone who can read the repository's settings (an admin).\n\
         # The files hold settings and secret names only, never secret values. A failed\n\
         # call leaves GitHub's error in its file, and the gate then blocks on it.\n\
         # Keep {out}/ out of .gitignore: shipgate does not read ignored files.\n"
    ));
    s.push_str(&format!("mkdir -p {}\n", shell_quote(&out)));
    for e in &exports {
        s.push_str(&format!(
            "gh api -H 'Accept: application/vnd.github+json' {} > {}\n",
            shell_quote(&e.endpoint),
            shell_quote(&format!("{out}/{}", e.file))
        ));
    }
    s.push_str("cat <<'SHIPGATE_POLICY'\n");
    s.push_str("# Add this check to shipgate.toml, then run: shipgate check --lane preflight\n");
    s.push_str(&format!(
        "[[check]]\nid = \"{}-environment\"\n",
        check_id(env)
    ));
    s.push_str("uses = \"settings.environment\"\nlanes = [\"preflight\"]\n");
    s.push_str(&format!(
        "why = \"the `{env}` environment is the release boundary: {} only, reviewed, no admin bypass\"\n",
        branches.join(", ")
    ));
    s.push_str(&format!("environment = \"{env}\"\n"));
    let path_of = |param: &str| {
        exports
            .iter()
            .find(|e| e.param == param)
            .map(|e| format!("{out}/{}", e.file))
            .unwrap_or_default()
    };
    s.push_str(&format!("evidence = \"{}\"\n", path_of("evidence")));
    s.push_str(&format!("branches = {}\n", toml_list(&branches)));
    s.push_str(&format!(
        "branch_policies = \"{}\"\n",
        path_of("branch_policies")
    ));
    s.push_str("required_reviewers = true\nadmins_bypass = false\n");
    if args.secret.is_empty() {
        s.push_str(
            "# Name the registry secrets the publish job reads, e.g. secrets = [\"PYPI_API_TOKEN\"],\n\
             # and uncomment the two evidence files that prove where they live.\n\
             # secrets = []\n",
        );
        s.push_str(&format!(
            "# environment_secrets = \"{}\"\n# repo_secrets = \"{}\"\n",
            path_of("environment_secrets"),
            path_of("repo_secrets")
        ));
    } else {
        s.push_str(&format!("secrets = {}\n", toml_list(&args.secret)));
        s.push_str(&format!(
            "environment_secrets = \"{}\"\nrepo_secrets = \"{}\"\n",
            path_of("environment_secrets"),
            path_of("repo_secrets")
        ));
    }
    s.push_str("SHIPGATE_POLICY\n");
    Ok(s)
}

fn parse_repo(repo: &str) -> Result<(&str, &str), String> {
    let bad = || {
        format!(
            "--repo `{}` is not OWNER/REPO (letters, digits, `-` in the owner; letters, digits, \
             `.`, `_`, `-` in the repository), e.g. --repo octo-org/octo-repo",
            repo.escape_debug()
        )
    };
    let (owner, name) = repo.split_once('/').ok_or_else(bad)?;
    let owner_ok = (1..=39).contains(&owner.len())
        && owner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !owner.starts_with('-')
        && !owner.ends_with('-');
    let name_ok = (1..=100).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && name != "."
        && name != "..";
    if owner_ok && name_ok {
        Ok((owner, name))
    } else {
        Err(bad())
    }
}

fn check_environment(env: &str) -> Result<(), String> {
    let ok = (1..=255).contains(&env.len())
        && env
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b' ' | b'/'))
        && env.trim() == env
        && !env.starts_with('/')
        && !env.ends_with('/')
        && env
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "--environment `{}` is not an environment name shipgate accepts (1-255 of letters, \
             digits, `.`, `_`, `-`, spaces and inner `/`), e.g. --environment pypi",
            env.escape_debug()
        ))
    }
}

/// `--out` is where the files go, relative to the repository root, because
/// the policy names evidence files relative to the root.
fn check_out_dir(out: &str) -> Result<String, String> {
    let trimmed = out.trim_end_matches('/');
    let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
    let ok = !trimmed.is_empty()
        && !trimmed.starts_with('/')
        && trimmed
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/'))
        && trimmed.split('/').all(|seg| !seg.is_empty() && seg != "..");
    if ok {
        Ok(trimmed.to_string())
    } else {
        Err(format!(
            "--out `{}` must be a directory relative to the repository root, inside it (letters, \
             digits, `.`, `_`, `-`, `/`; no `..`), e.g. --out .github/settings-evidence",
            out.escape_debug()
        ))
    }
}

fn check_secret_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit()
        && !name.to_ascii_uppercase().starts_with("GITHUB_");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "--secret `{}` is not a GitHub secret name (letters, digits, `_`; not starting with a \
             digit or GITHUB_)",
            name.escape_debug()
        ))
    }
}

fn check_branch(b: &str) -> Result<(), String> {
    let ok = !b.is_empty()
        && b.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'/' | b'*'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "--branch `{}` is not a branch name shipgate accepts (letters, digits, `.`, `_`, `-`, `/`, `*`)",
            b.escape_debug()
        ))
    }
}

/// Environment names go into a URL path: `/` and spaces are escaped.
fn percent_encode(s: &str) -> String {
    s.replace(' ', "%20").replace('/', "%2F")
}

/// A kebab-case check id from an environment name.
fn check_id(env: &str) -> String {
    let mut id = String::new();
    for c in env.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_matches('-');
    if id.is_empty() {
        "release".into()
    } else {
        id.to_string()
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_shapes() {
        assert_eq!(parse_repo("octo/demo.rs").unwrap(), ("octo", "demo.rs"));
        for bad in [
            "octo",
            "/demo",
            "octo/",
            "-octo/demo",
            "octo/de mo",
            "o/r/x",
            "octo/..",
            "octo/$(id)",
        ] {
            assert!(parse_repo(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn environment_and_out_shapes() {
        assert!(check_environment("pypi").is_ok());
        assert!(check_environment("prod/eu west").is_ok());
        for bad in ["", " pypi", "a'b", "x;rm", "../x", "a//b", "/x"] {
            assert!(check_environment(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_out_dir("./evidence/").unwrap(), "evidence");
        for bad in ["/tmp/x", "../x", "a/../../b", "a b", "", "/"] {
            assert!(check_out_dir(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ids_and_encoding() {
        assert_eq!(check_id("Prod/EU west"), "prod-eu-west");
        assert_eq!(check_id("..."), "release");
        assert_eq!(percent_encode("prod/eu west"), "prod%2Feu%20west");
        assert_eq!(shell_quote("a'b"), "'a'\\''b'");
    }
}
