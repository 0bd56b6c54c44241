//! `package-metadata`: what each registry needs before it accepts (or
//! usefully shows) a package is present in the manifest.

use super::{Code, Context, Meta, Outcome, PublishedCheck};
use crate::finding::{Finding, Location, Severity};
use crate::manifest::{self, Manifest, npm};
use crate::workflow::publish::{Published, Registry};

static META: Meta = Meta {
    id: "package-metadata",
    title: "Manifests carry the metadata their registry requires",
    severity: Severity::Block,
    lanes: &[],
    rationale: "A registry refuses, or publishes half-described, a package whose manifest \
        lacks its metadata: crates.io rejects a crate without a description and license, \
        Hex without licenses, and npm provenance fails unless `repository.url` names the \
        GitHub repository the workflow runs in. Finding that out in the publish job means a \
        half-finished release. Checked per registry, what it requires blocking and what its \
        users expect warning: Cargo (requires description, license or license-file; expects \
        repository — inherited from `[workspace.package]` counts), pyproject (requires name \
        and version, or either in `dynamic`; expects description, license, readme), \
        package.json (requires name and version; expects license and a GitHub \
        repository.url, required when a workflow publishes it to npm with the OIDC token; \
        `vars.github_repository = \"owner/repo\"` pins which; judged when it declares entry \
        points or files, or a workflow runs `npm publish`; not a VS Code extension's \
        manifest, a GitHub Action's build manifest (an action.yml beside it, no \
        `publishConfig`) when no workflow runs `npm publish`, one with neither a version nor entry points, an app's or docs site's \
        dependency list, nor one under `examples/` no release config names), mix.exs (description, licenses, \
        links). Packages not published to that registry (`\"private\": true`, `publish = \
        false`, no version or a `publish` list without `crates-io`, Poetry `package-mode = \
        false`, a pyproject without `[build-system]`, a crate that maturin builds into a \
        Python wheel when no workflow publishes crates, a crate with a path dependency that \
        has no version, which `cargo publish` refuses, and a crate only such crates depend \
        on, a crate under a tests or fixtures folder, unless a workflow publishes the whole \
        workspace with `cargo publish --workspace`, cargo-workspaces or release-plz; a \
        crate a crates.io publish leaves out with `--exclude NAME` and none names with \
        `-p NAME`, also when the publish runs in a shell function handed those words) and \
        nested manifests nothing names \
        are not held to registry rules.",
    passes: "[package]\nname = \"mycrate\"\nversion.workspace = true\ndescription = \"Does one thing well\"\nlicense.workspace = true\nrepository.workspace = true",
    fails: "{ \"name\": \"@acme/widget\", \"version\": \"1.2.0\",\n  \"repository\": { \"url\": \"git+https://github.com/acme/widget.git\" } }   <- no license",
    fix: "Add the missing keys to the manifest (or to `[workspace.package]` and inherit them \
        with `key.workspace = true`). Mark packages that are never published as private.",
    params: &[],
    codes: &[
        Code {
            id: "required-field",
            summary: "a published manifest lacks a field its registry requires",
        },
        Code {
            id: "expected-field",
            summary: "a published manifest lacks a field its registry's users expect",
        },
        Code {
            id: "undefined-workspace-field",
            summary: "a crate inherits a field from the workspace, which does not define it",
        },
        Code {
            id: "repository-not-github",
            summary: "package.json's repository is not on GitHub, so npm provenance cannot match it",
        },
        Code {
            id: "repository-differs",
            summary: "package.json's repository is not this repository, which npm provenance rejects",
        },
    ],
};

/// Judged when the workflows pass ends: what the release workflows
/// publish decides which manifests are packages.
pub static CHECK: PublishedCheck = PublishedCheck {
    meta: &META,
    judge: run,
};

fn missing(loc: &Location, path: &str, registry: &str, key: &str, hint: &str) -> Finding {
    Finding::new(
        loc.clone(),
        format!("{path} has no `{key}`, which {registry} needs"),
        hint.to_string(),
    )
    .code("required-field")
}

/// A key the registry accepts a package without, but its users look for: a
/// warning.
fn expected(loc: &Location, path: &str, registry: &str, key: &str, hint: &str) -> Finding {
    Finding::new(
        loc.clone(),
        format!("{path} has no `{key}`, which {registry} shows and its users expect (the registry accepts it without)"),
        hint.to_string(),
    )
.code("expected-field")
    .warn_only()
}

fn run(cx: &Context<'_>, published: Published) -> Outcome {
    let (d, mut findings) = match cx.packages() {
        Ok(x) => x,
        Err(f) => return Outcome::Findings(vec![*f]),
    };
    let want_repo = cx.var("github_repository");
    let mut judged = 0;
    // An npm publish in a release workflow makes every non-private package
    // a candidate; otherwise a package.json that ships nothing is an app's.
    let npm_published = published.to(Registry::Npm);
    let pypi_published = published.to(Registry::PyPi);
    let crates_published = published.to(Registry::Crates);
    let Published {
        npm_oidc,
        whole_workspace,
        ..
    } = published.clone();
    // Crates that maturin builds into a Python wheel: published to PyPI
    // inside the wheel, not to crates.io (unless a workflow publishes crates).
    let wheel_crates: Vec<&str> = d
        .packages
        .iter()
        .flat_map(|p| &p.manifests)
        .filter_map(|m| match m {
            Manifest::Pyproject(p) => p.maturin_crate.as_deref(),
            _ => None,
        })
        .collect();
    // Otherwise crates that cannot or need not reach crates.io are not
    // judged: a path dependency without a version, or only such crates
    // depend on them, or a harness under a tests folder.
    let cargo_manifests: Vec<&manifest::cargo::CargoManifest> = d
        .packages
        .iter()
        .flat_map(|p| &p.manifests)
        .filter_map(|m| match m {
            Manifest::Cargo(c) => Some(c),
            _ => None,
        })
        .collect();
    let internal_crates = manifest::cargo::unpublishable_dirs(&cargo_manifests);
    for pkg in d.packages.iter().filter(|p| p.named) {
        for m in &pkg.manifests {
            match m {
                Manifest::Cargo(c) => {
                    let Some(p) = &c.package else { continue };
                    if p.private
                        || p.name.as_deref().is_some_and(|n| published.crate_left_out(n))
                        || (!crates_published && wheel_crates.contains(&c.path.as_str()))
                        || (!whole_workspace
                            && (internal_crates.contains(&c.dir)
                                || manifest::under_test_data(&c.dir)))
                    {
                        continue;
                    }
                    judged += 1;
                    for (key, loc) in &p.broken_inheritance {
                        findings.push(Finding::new(
                            loc.clone(),
                            format!(
                                "{} inherits `{key}` from the workspace, but no [workspace.package] defines it",
                                c.path
                            ),
                            format!("add `{key}` to [workspace.package] in the workspace root"),
                        )
.code("undefined-workspace-field"));
                    }
                    let has = |k: &str| p.present.iter().any(|(key, _)| key == k);
                    let inherited = |k: &str| p.broken_inheritance.iter().any(|(key, _)| key == k);
                    for key in manifest::cargo::REQUIRED {
                        let ok = has(key)
                            || inherited(key)
                            || (*key == "license"
                                && (has("license-file") || inherited("license-file")));
                        if !ok {
                            findings.push(missing(
                                &p.location,
                                &c.path,
                                "crates.io",
                                key,
                                &format!("add `{key} = \"…\"` under [package] (or `{key}.workspace = true`)"),
                            ));
                        }
                    }
                    for key in manifest::cargo::EXPECTED {
                        if !has(key) && !inherited(key) {
                            findings.push(expected(
                                &p.location,
                                &c.path,
                                "crates.io",
                                key,
                                &format!("add `{key} = \"…\"` under [package] (or `{key}.workspace = true`)"),
                            ));
                        }
                    }
                }
                Manifest::Pyproject(p) => {
                    // Python has no `publish = false`: a uv workspace member is
                    // held to PyPI's rules only when it is released.
                    if !p.is_package
                        || p.private
                        || (p.no_build_system && !pypi_published)
                        || !(pkg.dir.is_empty() || pkg.released)
                    {
                        continue;
                    }
                    judged += 1;
                    for key in manifest::pyproject::REQUIRED {
                        if !p.present.iter().any(|(k, _)| k == key) {
                            findings.push(missing(
                                &p.location,
                                &p.path,
                                "PyPI",
                                key,
                                &format!(
                                    "add `{key}` to the [project] table (or list it in `dynamic`)"
                                ),
                            ));
                        }
                    }
                    for key in manifest::pyproject::EXPECTED {
                        if !p.present.iter().any(|(k, _)| k == key) {
                            findings.push(expected(
                                &p.location,
                                &p.path,
                                "PyPI",
                                key,
                                &format!("add `{key}` to the [project] table"),
                            ));
                        }
                    }
                }
                Manifest::Npm(n) => {
                    // A workspace member with neither a version nor anything
                    // it ships (`main`, `exports`, `files`, …) is an app's or
                    // a docs site's dependency list, which npm would refuse;
                    // one under an `examples/` folder is a demo app, unless a
                    // release config names it.
                    let app = n.version.is_none() && !n.ships_entry_points;
                    let example = !pkg.released
                        && pkg
                            .dir
                            .split('/')
                            .any(|seg| matches!(seg, "examples" | "example"));
                    if n.private
                        || (n.name.is_none() && n.version.is_none())
                        || app
                        || example
                        || !(n.ships_entry_points || npm_published)
                    {
                        continue;
                    }
                    judged += 1;
                    for (key, v) in [("name", &n.name), ("version", &n.version)] {
                        if v.is_none() {
                            findings.push(missing(
                                &n.location,
                                &n.path,
                                "npm",
                                key,
                                &format!("add `\"{key}\"` to package.json"),
                            ));
                        }
                    }
                    if n.license.is_none() {
                        findings.push(expected(
                            &n.location,
                            &n.path,
                            "npm",
                            "license",
                            "add `\"license\"` to package.json",
                        ));
                    }
                    let repo_hint = "add `\"repository\": { \"type\": \"git\", \"url\": \"git+https://github.com/OWNER/REPO.git\" }`";
                    match &n.repository {
                        None if npm_oidc => findings.push(missing(
                            &n.location,
                            &n.path,
                            "npm provenance",
                            "repository.url",
                            repo_hint,
                        )),
                        None => findings.push(expected(
                            &n.location,
                            &n.path,
                            "npm",
                            "repository.url",
                            repo_hint,
                        )),
                        Some(r) => match (npm::github_repo(&r.value), want_repo) {
                            (None, _) => findings.push(Finding::new(
                                r.location.clone(),
                                format!(
                                    "{} repository.url `{}` is not a GitHub repository; npm provenance from GitHub Actions needs it to be the workflow's repository",
                                    n.path, r.value
                                ),
                                "set it to git+https://github.com/OWNER/REPO.git",
                            )
.code("repository-not-github").warn_only()),
                            (Some(got), Some(want))
                                if !got.eq_ignore_ascii_case(want.trim_end_matches(".git")) =>
                            {
                                findings.push(Finding::new(
                                    r.location.clone(),
                                    format!(
                                        "{} repository.url names {got}, but this repository is {want} (vars.github_repository); npm provenance rejects the mismatch",
                                        n.path
                                    ),
                                    format!("set it to git+https://github.com/{want}.git"),
                                )
.code("repository-differs"))
                            }
                            _ => {}
                        },
                    }
                }
                Manifest::Mix(m) => {
                    if !m.publishes_to_hex {
                        continue;
                    }
                    judged += 1;
                    for (key, v) in [
                        ("description", &m.description),
                        ("licenses", &m.licenses),
                        ("links", &m.links),
                    ] {
                        if v.is_none() {
                            let (at, hint) = match (key, &m.package_location) {
                                ("description", _) | (_, None) => (
                                    &m.project_location,
                                    format!("add `{key}: …` to the keyword list project/0 returns"),
                                ),
                                (_, Some(pkg)) => (
                                    pkg,
                                    format!("add `{key}: …` to the `package:` keyword list"),
                                ),
                            };
                            findings.push(missing(at, &m.path, "Hex", key, &hint));
                        }
                    }
                }
            }
        }
    }
    if judged == 0 && findings.is_empty() {
        return Outcome::Skip("no published package manifest".into());
    }
    Outcome::Findings(findings)
}
