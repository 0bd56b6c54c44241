//! The example policy of examples/tidewater (a fictional Elixir library):
//! the tree passes its own policy, and each realistic regression below,
//! applied alone to a copy of the tree, is caught by a structural rule —
//! a rule that reads parsed workflows, values at TOML/JSON/YAML paths, or
//! marked regions, never a pinned line of text.

mod common;

use common::{check_json, repo_path, verdict};
use std::path::Path;

const EXAMPLE: &str = "examples/tidewater";
const RELEASE: &str = ".github/workflows/release.yml";
const CI: &str = ".github/workflows/ci.yml";

/// One regression: in `file`, `from` (which must occur exactly once)
/// becomes `to`, and check `caught_by` must block.
struct Mutation {
    what: &'static str,
    file: &'static str,
    from: &'static str,
    to: &'static str,
    caught_by: &'static str,
}

const fn m(
    what: &'static str,
    file: &'static str,
    from: &'static str,
    to: &'static str,
    caught_by: &'static str,
) -> Mutation {
    Mutation {
        what,
        file,
        from,
        to,
        caught_by,
    }
}

const MUTATIONS: &[Mutation] = &[
    m(
        "publish job moved to another environment",
        RELEASE,
        "    environment: hex-publish\n",
        "    environment: production\n",
        "publish-job-shape",
    ),
    m(
        "publish token widened to contents: write",
        RELEASE,
        "    environment: hex-publish\n    permissions:\n      contents: read\n",
        "    environment: hex-publish\n    permissions:\n      contents: write\n",
        "publish-job-shape",
    ),
    m(
        "publish job given an OIDC token it does not use",
        RELEASE,
        "    environment: hex-publish\n    permissions:\n      contents: read\n",
        "    environment: hex-publish\n    permissions:\n      contents: read\n      id-token: write\n",
        "publish-job-shape",
    ),
    m(
        "publish no longer waits for release-please",
        RELEASE,
        "    needs: [release-please]\n",
        "",
        "publish-job-shape",
    ),
    m(
        "publish guard dropped: every push to main publishes",
        RELEASE,
        "    if: needs.release-please.outputs.release_created == 'true' || github.event_name == 'workflow_dispatch'\n",
        "    if: github.ref == 'refs/heads/main' || github.event_name == 'workflow_dispatch'\n",
        "publish-job-shape",
    ),
    m(
        "publish moved to a self-hosted runner",
        RELEASE,
        "    environment: hex-publish\n",
        "    environment: hex-publish\n    runs-on: self-hosted\n",
        "publish-job-shape",
    ),
    m(
        "shallow checkout in the publish job",
        RELEASE,
        "          fetch-depth: 0\n",
        "          fetch-depth: 1\n",
        "publish-checkout",
    ),
    m(
        "checkout token left on disk in the publish job",
        RELEASE,
        "          fetch-depth: 0\n          persist-credentials: false\n",
        "          fetch-depth: 0\n",
        "publish-checkout",
    ),
    m(
        "hex.build dropped before publishing",
        RELEASE,
        "      - run: mix hex.build\n",
        "",
        "publish-runs-in-order",
    ),
    m(
        "publish before the build",
        RELEASE,
        "      - run: mix hex.build\n      - name: Publish\n        env:\n          HEX_API_KEY: ${{ secrets.HEX_API_KEY }}\n        run: mix hex.publish --yes\n",
        "      - name: Publish\n        env:\n          HEX_API_KEY: ${{ secrets.HEX_API_KEY }}\n        run: mix hex.publish --yes\n      - run: mix hex.build\n",
        "publish-runs-in-order",
    ),
    m(
        "CI publishes too",
        CI,
        "      - run: mix test\n",
        "      - run: mix test\n      - run: mix hex.publish --yes\n",
        "only-publish-publishes",
    ),
    m(
        "Hex key handed to the release-please job",
        RELEASE,
        "          manifest-file: .release-please-manifest.json\n",
        "          manifest-file: .release-please-manifest.json\n        env:\n          HEX_API_KEY: ${{ secrets.HEX_API_KEY }}\n",
        "hex-key-nowhere-else",
    ),
    m(
        "Hex key moved from the publish step to the whole job",
        RELEASE,
        "      - name: Publish\n        env:\n          HEX_API_KEY: ${{ secrets.HEX_API_KEY }}\n        run: mix hex.publish --yes\n",
        "      - name: Publish\n        run: mix hex.publish --yes\n    env:\n      HEX_API_KEY: ${{ secrets.HEX_API_KEY }}\n",
        "hex-key-only-in-publish",
    ),
    m(
        "release workflow also runs on tags",
        RELEASE,
        "    branches: [main]\n  workflow_dispatch:\n",
        "    branches: [main]\n    tags: ['v*']\n  workflow_dispatch:\n",
        "release-triggers-shape",
    ),
    m(
        "release workflow runs for pull requests",
        RELEASE,
        "  workflow_dispatch:\n",
        "  pull_request:\n  workflow_dispatch:\n",
        "release-triggers-shape",
    ),
    m(
        "release workflow runs from any branch",
        RELEASE,
        "    branches: [main]\n  workflow_dispatch:\n",
        "    branches: ['**']\n  workflow_dispatch:\n",
        "release-triggers-shape",
    ),
    m(
        "manual recovery no longer asks why",
        RELEASE,
        "        required: true\n        type: string\n",
        "        required: false\n        type: string\n",
        "release-triggers-shape",
    ),
    m(
        "recovery reason turned into a checkbox",
        RELEASE,
        "        required: true\n        type: string\n",
        "        required: true\n        type: boolean\n",
        "release-triggers-shape",
    ),
    m(
        "manual recovery may publish any ref",
        RELEASE,
        "        type: string\npermissions: {}\n",
        "        type: string\n      ref:\n        description: What to publish\n        required: true\n        type: string\npermissions: {}\n",
        "release-triggers-shape",
    ),
    m(
        "release-please reads a config file that is not there",
        RELEASE,
        "          config-file: release-please-config.json\n",
        "          config-file: release-please.json\n",
        "release-please-job-shape",
    ),
    m(
        "release-please output renamed",
        RELEASE,
        "      release_created: ${{ steps.release.outputs.release_created }}\n",
        "      released: ${{ steps.release.outputs.release_created }}\n",
        "release-please-job-shape",
    ),
    m(
        "release-please loses the right to open its PR",
        RELEASE,
        "      contents: write\n      pull-requests: write\n",
        "      contents: write\n",
        "release-please-job-shape",
    ),
    m(
        "release-please release type changed",
        "release-please-config.json",
        "\"release-type\": \"elixir\"",
        "\"release-type\": \"simple\"",
        "release-type-elixir",
    ),
    m(
        "release-please package renamed",
        "release-please-config.json",
        "\"package-name\": \"tidewater\"",
        "\"package-name\": \"tide_water\"",
        "package-name-agrees",
    ),
    m(
        "mix.exs version bumped by hand",
        "mix.exs",
        "@version \"0.4.2\"",
        "@version \"0.5.0\"",
        "version-agrees",
    ),
    m(
        "CHANGELOG section missing for the release",
        "CHANGELOG.md",
        "## [0.4.2](https://github.com/tidewater-ex/tidewater/compare/v0.4.1...v0.4.2) (2026-10-02)\n\n### Bug Fixes\n\n* Slack water no longer reported twice around a solstice.\n\n",
        "",
        "version-agrees",
    ),
    m(
        "CI builds with another Elixir",
        CI,
        "          elixir-version: \"1.17.3\"\n",
        "          elixir-version: \"1.16.3\"\n",
        "elixir-version-agrees",
    ),
    m(
        "README install block drifts from the guide",
        "README.md",
        "  [{:tidewater, \"~> 0.4\"}]\n",
        "  [{:tidewater, \"~> 0.3\"}]\n",
        "install-block-identical",
    ),
    m(
        "CI stops checking formatting",
        CI,
        "      - run: mix format --check-formatted\n",
        "",
        "ci-runs-the-gate",
    ),
    m(
        "CI token can write",
        CI,
        "    permissions:\n      contents: read\n    steps:\n",
        "    permissions:\n      contents: write\n    steps:\n",
        "ci-token-read-only",
    ),
    m(
        "CI no longer runs for pull requests",
        CI,
        "  pull_request:\n",
        "",
        "ci-triggers-shape",
    ),
    m(
        "release guide tells maintainers to publish before building",
        "docs/releasing.md",
        "3. The publish job runs `mix hex.build`, reads the file list, then\n   `mix hex.publish --yes`.\n",
        "3. The publish job runs `mix hex.publish --yes`, after\n   `mix hex.build`.\n",
        "release-guide-order",
    ),
    m(
        "CHANGELOG dropped from the Hex package",
        "mix.exs",
        "files: ~w(lib mix.exs README.md CHANGELOG.md LICENSE)",
        "files: ~w(lib mix.exs README.md LICENSE)",
        "hex-package-contents",
    ),
    m(
        "maintainer docs shipped to Hex",
        "mix.exs",
        "files: ~w(lib mix.exs README.md CHANGELOG.md LICENSE)",
        "files: ~w(lib docs mix.exs README.md CHANGELOG.md LICENSE)",
        "hex-package-contents",
    ),
];

/// Evaluators that read structure (parsed workflows, paths into data
/// files, marked regions, order); text rules count only when scoped to a
/// parsed job.
fn structural(policy: &toml::Table, id: &str) -> bool {
    let checks = policy["check"].as_array().expect("[[check]]");
    let c = checks
        .iter()
        .find(|c| c["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no [[check]] `{id}` in the example policy"));
    match c["uses"].as_str().unwrap() {
        "workflow.job" | "workflow.triggers" | "workflow.job-runs" | "facts.equal"
        | "text.order" | "package.files" => true,
        "text.contains" | "text.forbids" => c.get("job").is_some(),
        _ => false,
    }
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

#[test]
fn the_example_tree_passes_its_own_policy() {
    let (code, r) = check_json(&repo_path(EXAMPLE), &[]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["policy"], "shipgate.toml");
    for c in r["checks"].as_array().unwrap() {
        assert!(
            ["pass", "skip"].contains(&c["verdict"].as_str().unwrap()),
            "{}: {}",
            c["id"],
            c["verdict"]
        );
    }
}

#[test]
fn every_regression_is_caught_by_a_structural_rule() {
    let root = repo_path(EXAMPLE);
    let policy: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("shipgate.toml")).unwrap()).unwrap();
    assert!(MUTATIONS.len() >= 20);
    let mut missed = Vec::new();
    for mu in MUTATIONS {
        assert!(
            structural(&policy, mu.caught_by),
            "{}: `{}` is not structural",
            mu.what,
            mu.caught_by
        );
        let dir = tempfile::tempdir().unwrap();
        copy(&root, dir.path());
        let path = dir.path().join(mu.file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches(mu.from).count(),
            1,
            "{}: the text to change must occur once in {}",
            mu.what,
            mu.file
        );
        std::fs::write(&path, text.replacen(mu.from, mu.to, 1)).unwrap();
        let (code, r) = check_json(dir.path(), &[]);
        if code != 1 || verdict(&r, mu.caught_by) != "block" {
            missed.push(format!(
                "{} (exit {code}, {} {})",
                mu.what,
                mu.caught_by,
                verdict(&r, mu.caught_by)
            ));
        }
    }
    assert!(
        missed.is_empty(),
        "regressions not caught:\n{}",
        missed.join("\n")
    );
}
