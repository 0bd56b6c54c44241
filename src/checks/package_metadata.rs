//! `package-metadata`: what each registry needs before it accepts (or
//! usefully shows) a package is present in the manifest.

use super::{BuiltIn, Context, Meta, Outcome, Pass};
use crate::finding::{Finding, Location, Severity};
use crate::manifest::{self, Manifest, npm};
use crate::workflow::publish::Registry;

pub static CHECK: BuiltIn = BuiltIn {
    meta: Meta {
        id: "package-metadata",
        title: "Manifests carry the metadata their registry requires",
        severity: Severity::Block,
        lanes: &[],
        rationale: "A registry refuses, or publishes half-described, a package whose manifest \
            lacks its metadata: crates.io rejects a crate without a description and license, \
            Hex without licenses, and npm provenance fails unless `repository.url` names the \
            GitHub repository the workflow runs in. Finding that out in the publish job means a \
            half-finished release. Checked per registry: Cargo (description, license or \
            license-file, repository — inherited from `[workspace.package]` counts), pyproject \
            (name, description, license, readme), package.json (name, version, license, \
            repository.url on GitHub; `vars.github_repository = \"owner/repo\"` pins which; \
            judged when it declares entry points or files, or a workflow runs `npm publish`), \
            mix.exs (description, licenses, links). Private packages (`\"private\": true`, \
            `publish = false` or no version, Poetry `package-mode = false`, a pyproject without \
            `[build-system]`) and nested manifests nothing names are not held to registry rules.",
        passes: "[package]\nname = \"mycrate\"\nversion.workspace = true\ndescription = \"Does one thing well\"\nlicense.workspace = true\nrepository.workspace = true",
        fails: "{ \"name\": \"@acme/widget\", \"version\": \"1.2.0\",\n  \"repository\": { \"url\": \"git+https://github.com/acme/widget.git\" } }   <- no license",
        fix: "Add the missing keys to the manifest (or to `[workspace.package]` and inherit them \
            with `key.workspace = true`). Mark packages that are never published as private.",
        params: &[],
    },
    pass: Pass::Alone(run),
};

fn missing(loc: &Location, path: &str, registry: &str, key: &str, hint: &str) -> Finding {
    Finding::new(
        loc.clone(),
        format!("{path} has no `{key}`, which {registry} needs"),
        hint.to_string(),
    )
}

fn run(cx: &Context<'_>) -> Outcome {
    let (d, mut findings) = match manifest::for_check(cx) {
        Ok(x) => x,
        Err(f) => return Outcome::Findings(vec![*f]),
    };
    let want_repo = cx.var("github_repository");
    let mut judged = 0;
    // An npm publish in a release workflow makes every non-private package
    // a candidate; otherwise a package.json that ships nothing is an app's.
    let npm_published = cx.workflows().releases().any(|wf| {
        wf.release
            .publishing_jobs()
            .any(|j| j.publishes.iter().any(|p| p.registry == Registry::Npm))
    });
    let pypi_published = cx.workflows().releases().any(|wf| {
        wf.release
            .publishing_jobs()
            .any(|j| j.publishes.iter().any(|p| p.registry == Registry::PyPi))
    });
    for pkg in d.packages.iter().filter(|p| p.named) {
        for m in &pkg.manifests {
            match m {
                Manifest::Cargo(c) => {
                    let Some(p) = &c.package else { continue };
                    if p.private {
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
                        ));
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
                                &format!("add `{key}` to the [project] table"),
                            ));
                        }
                    }
                }
                Manifest::Npm(n) => {
                    if n.private
                        || (n.name.is_none() && n.version.is_none())
                        || !(n.ships_entry_points || npm_published)
                    {
                        continue;
                    }
                    judged += 1;
                    for (key, v) in [
                        ("name", &n.name),
                        ("version", &n.version),
                        ("license", &n.license),
                    ] {
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
                    match &n.repository {
                        None => findings.push(missing(
                            &n.location,
                            &n.path,
                            "npm provenance",
                            "repository.url",
                            "add `\"repository\": { \"type\": \"git\", \"url\": \"git+https://github.com/OWNER/REPO.git\" }`",
                        )),
                        Some(r) => match (npm::github_repo(&r.value), want_repo) {
                            (None, _) => findings.push(Finding::new(
                                r.location.clone(),
                                format!(
                                    "{} repository.url `{}` is not a GitHub repository; npm provenance from GitHub Actions needs it to be the workflow's repository",
                                    n.path, r.value
                                ),
                                "set it to git+https://github.com/OWNER/REPO.git",
                            ).warn_only()),
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
                                ))
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
