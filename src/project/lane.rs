//! The release lane: which jobs publish (following local reusable workflows
//! they call), the environment each runs in, and the repository's identity.

use crate::repo::Tree;
use crate::workflow::WorkflowFile;
use crate::workflow::oidc::job_holds_id_token;
use github_actions_models::common::Uses;
use github_actions_models::workflow::Job;
use github_actions_models::workflow::job::DeploymentEnvironment;

/// A publishing job and its environment (`None`: declares none; an
/// expression counts as matching anything).
#[derive(Clone)]
pub struct PubJob {
    pub workflow: String,
    pub job: String,
    pub env: Option<String>,
}

/// The publishing jobs of a workflow, following local reusable workflows it
/// calls; `None` when it calls a remote one (shipgate cannot see it).
pub fn publishing_jobs(
    tree: &Tree,
    wf: &WorkflowFile,
    depth: usize,
    oidc_fallback: bool,
) -> Option<Vec<PubJob>> {
    let mut out: Vec<PubJob> = wf
        .release
        .publishing_jobs()
        .map(|r| PubJob {
            workflow: wf.file_name().to_string(),
            job: r.id.clone(),
            env: wf.model.jobs.get(&r.id).and_then(|j| match j {
                Job::NormalJob(n) => n.environment.as_ref().map(|e| env_name(e).to_string()),
                Job::ReusableWorkflowCallJob(_) => None,
            }),
        })
        .collect();
    if out.is_empty() && oidc_fallback {
        // Trusted publishing needs the OIDC token: a job that holds it may
        // publish in a form shipgate does not recognise (`npm stage publish`,
        // a changesets `publish:` script), so its environment counts too.
        for (id, job) in wf.normal_jobs() {
            if job_holds_id_token(&wf.model.permissions, &job.permissions) {
                out.push(PubJob {
                    workflow: wf.file_name().to_string(),
                    job: id.to_string(),
                    env: job.environment.as_ref().map(|e| env_name(e).to_string()),
                });
            }
        }
    }
    for job in wf.model.jobs.values() {
        let Job::ReusableWorkflowCallJob(call) = job else {
            continue;
        };
        match &call.uses {
            Uses::Local(l) if depth < 4 => {
                let p = l.path.trim_start_matches("./");
                if let Ok(inner) = tree.workflow(p) {
                    out.extend(publishing_jobs(tree, &inner, depth + 1, oidc_fallback)?);
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The name of a job's `environment:` (a string or `{name, url}`): the one
/// place shipgate reads it.
pub fn env_name(e: &DeploymentEnvironment) -> &str {
    match e {
        DeploymentEnvironment::Name(n) => n,
        DeploymentEnvironment::NameURL { name, .. } => name,
    }
}

/// `(owner, name)` of the GitHub repository the manifests point at.
pub fn repo_identity(tree: &Tree) -> Option<(String, String)> {
    let mut urls: Vec<String> = Vec::new();
    if tree.exists("package.json")
        && let Ok(j) = tree.json("package.json")
        && let Some(r) = j.root.get("repository")
    {
        if let Some(s) = r.as_str() {
            urls.push(s.to_string());
        } else if let Some(s) = r.get("url").and_then(|u| u.as_str()) {
            urls.push(s.to_string());
        }
    }
    if tree.exists("Cargo.toml")
        && let Ok(t) = tree.toml("Cargo.toml")
    {
        for key in ["package.repository", "workspace.package.repository"] {
            if let Some(s) = t.root.path(key).and_then(|n| n.as_str()) {
                urls.push(s.to_string());
            }
        }
    }
    if tree.exists("pyproject.toml")
        && let Ok(t) = tree.toml("pyproject.toml")
        && let Some(u) = t.root.path("project.urls")
    {
        for e in u.entries() {
            if let Some(s) = e.node.as_str() {
                urls.push(s.to_string());
            }
        }
    }
    urls.iter().find_map(|u| github_slug(u))
}

pub fn github_slug(url: &str) -> Option<(String, String)> {
    let rest = if let Some(r) = url.strip_prefix("github:") {
        r
    } else {
        let i = url.find("github.com")?;
        url[i + "github.com".len()..].trim_start_matches([':', '/'])
    };
    let mut parts = rest.split('/');
    let owner = parts.next()?.trim();
    let name = parts.next()?.trim().trim_end_matches(".git");
    (!owner.is_empty() && !name.is_empty()).then(|| (owner.to_string(), name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            github_slug("git+https://github.com/acme/tool.git"),
            Some(("acme".into(), "tool".into()))
        );
        assert_eq!(
            github_slug("github:acme/tool"),
            Some(("acme".into(), "tool".into()))
        );
        assert_eq!(github_slug("https://gitlab.com/a/b"), None);
    }
}
