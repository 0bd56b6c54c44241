//! `release-pr-scope` (with `--base`): a release PR touches only the files
//! a release tool writes.

use super::{Check, Code, Context, Meta, Outcome};
use crate::finding::{Finding, Location, Severity};
use crate::manifest::{changelog, release_please};
use crate::preflight::{ChangeKind, release};

pub struct ReleasePrScope;

static META: Meta = Meta {
    id: "release-pr-scope",
    title: "A release PR changes only what the release tool writes",
    severity: Severity::Block,
    lanes: &[],
    rationale: "A release PR is approved for its version bump and notes, often quickly and by \
        someone who reads only those. A workflow or source change that rides in on it skips \
        the review it would get alone, and ships at once. Only with `--base REF`, and only \
        when the change moves a package's version (see release-bump): every path it adds, \
        edits or removes must be one a release tool writes: package manifests (Cargo.toml, \
        package.json, pyproject.toml, mix.exs, *.gemspec, *.csproj and the like), lock \
        files, CHANGELOGs, release-please's manifest, changeset files it consumes \
        (`.changeset/*.md`, removed), or a path matching the check's `paths` globs in the \
        policy (version files such as `src/pkg/__init__.py`). Without a base the check is \
        skipped.",
    passes: "release PR: Cargo.toml, Cargo.lock, CHANGELOG.md, .release-please-manifest.json",
    fails: "release PR: Cargo.toml, CHANGELOG.md, .github/workflows/release.yml   <- rides along",
    fix: "Move the extra change to a PR of its own. If the release tool really writes the \
        file, name it in the policy: [checks.release-pr-scope] paths = [\"src/pkg/__init__.py\"].",
    params: &["paths"],
    codes: &[Code {
        id: "unrelated-change",
        summary: "a release pull request changes a file that is not part of the release",
    }],
};

impl Check for ReleasePrScope {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn project(&self, cx: &Context<'_>) -> Outcome {
        run(cx)
    }
}

/// File names a release tool writes, wherever they are.
const NAMES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "package.json",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "bun.lock",
    "pyproject.toml",
    "poetry.lock",
    "uv.lock",
    "pdm.lock",
    "Pipfile.lock",
    "mix.exs",
    "mix.lock",
    "Gemfile.lock",
    "Directory.Build.props",
    "Directory.Packages.props",
    "packages.lock.json",
    "VERSION",
    "version.txt",
    "jsr.json",
    "deno.json",
];

/// File-name endings of manifests a release tool writes.
const ENDINGS: &[&str] = &[".gemspec", ".csproj", ".fsproj", ".vbproj", ".nuspec"];

fn written_by_release_tool(path: &str, kind: ChangeKind, rp_manifest: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    NAMES.contains(&name)
        || ENDINGS.iter().any(|e| name.ends_with(e))
        || changelog::NAMES.contains(&name)
        || path == rp_manifest
        || path == release_please::MANIFEST
        || (kind == ChangeKind::Removed
            && path.starts_with(".changeset/")
            && name.ends_with(".md")
            && name != "README.md")
}

fn run(cx: &Context<'_>) -> Outcome {
    let Some(base) = cx.base else {
        return Outcome::Skip("needs --base REF: it judges what a release PR changed".into());
    };
    let reading = release::read(cx.tree, base);
    if reading.releases.is_empty() {
        return Outcome::Skip(format!(
            "no version source changed since {}: not a release PR",
            base.describe()
        ));
    }
    let extra: Vec<String> = cx
        .strings("paths")
        .unwrap_or_default()
        .into_iter()
        .map(str::to_string)
        .collect();
    let allowed = match crate::repo::build_globset(&extra) {
        Ok(set) => set,
        Err(e) => {
            return Outcome::Findings(vec![
                Finding::new(
                    Location::file(cx.policy.display_path()),
                    format!("bad `paths` glob for release-pr-scope: {e}"),
                    "fix the glob in the policy",
                )
                .code("bad-glob"),
            ]);
        }
    };
    let (_, rp_manifest) = release_please::file_paths(cx.tree);
    let versions: Vec<String> = reading
        .releases
        .iter()
        .map(|r| format!("`{}` {} → {}", r.package, r.old, r.new))
        .collect();
    // A file that holds a version source of a released package (a Python
    // module's `__version__` that pyproject.toml points at, say) is part of
    // the bump itself, whatever its name.
    let sources: std::collections::HashSet<&str> = reading
        .releases
        .iter()
        .flat_map(|r| r.pairs.iter())
        .map(|p| p.head.field.location.path.as_str())
        .collect();
    let mut out = Vec::new();
    for c in base.changes(cx.tree) {
        if written_by_release_tool(&c.path, c.kind, &rp_manifest)
            || allowed.is_match(&c.path)
            || sources.contains(c.path.as_str())
        {
            continue;
        }
        out.push(Finding::new(
            Location::file(&c.path),
            format!(
                "this release PR ({}) also {} {}, which no release tool writes",
                versions.join(", "),
                match c.kind {
                    ChangeKind::Added => "adds",
                    ChangeKind::Modified => "edits",
                    ChangeKind::Removed => "removes",
                },
                c.path
            ),
            "move this change to a PR of its own, or name the file in [checks.release-pr-scope] paths if the release tool writes it",
        )
.code("unrelated-change"));
    }
    Outcome::Findings(out)
}
