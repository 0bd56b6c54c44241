//! CLI tests for versions-agree, changelog-entry, package-metadata,
//! release-please-config and the facts.equal evaluator, over fixture trees.

mod common;

use serde_json::Value;

struct Run {
    code: i32,
    report: Value,
}

/// Runs `shipgate check fixtures/<fixture> --format json <extra…>`.
fn shipgate(fixture: &str, extra: &[&str]) -> Run {
    let (code, report) = common::check_json(&common::fixture(fixture), extra);
    Run { code, report }
}

/// A check's verdict and its findings as (path, line, message).
fn check(run: &Run, id: &str) -> (String, Vec<(String, u64, String)>) {
    (
        common::verdict(&run.report, id),
        common::finding_messages(&run.report, id),
    )
}

const MINE: &[&str] = &[
    "versions-agree",
    "changelog-entry",
    "package-metadata",
    "release-please-config",
];

fn assert_no_block(run: &Run, ids: &[&str]) {
    for id in ids {
        let (v, f) = check(run, id);
        assert!(v == "pass" || v == "skip", "{id} is {v}: {f:?}");
    }
}

#[test]
fn versions_agree_good_passes() {
    let r = shipgate("versions-agree/good", &[]);
    assert_eq!(check(&r, "versions-agree").0, "pass");
    assert_no_block(&r, MINE);
    assert_eq!(r.code, 0);
}

#[test]
fn release_please_manifest_is_the_odd_one_out() {
    let r = shipgate("versions-agree/bad", &[]);
    let (v, f) = check(&r, "versions-agree");
    assert_eq!(v, "block");
    assert_eq!(f.len(), 1, "{f:?}");
    let (path, line, msg) = &f[0];
    assert_eq!((path.as_str(), *line), (".release-please-manifest.json", 2));
    assert!(msg.contains("1.4.0") && msg.contains("1.3.9"), "{msg}");
    assert!(
        msg.contains("mix.exs") && msg.contains("CHANGELOG.md"),
        "{msg}"
    );
    assert_eq!(r.code, 1);
}

#[test]
fn cargo_workspace_inherited_version_ahead_of_changelog() {
    let r = shipgate("versions-agree/cargo-workspace", &[]);
    let (v, f) = check(&r, "versions-agree");
    assert_eq!(v, "block");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1), ("CHANGELOG.md", 11));
    assert!(f[0].2.contains("2.1.0") && f[0].2.contains("2.0.3"));
    let (v, f) = check(&r, "changelog-entry");
    assert_eq!(v, "block");
    assert_eq!((f[0].0.as_str(), f[0].1), ("CHANGELOG.md", 11));
    assert!(f[0].2.contains("no section for 2.1.0"), "{}", f[0].2);
    // The member inherits license and repository: no metadata finding.
    assert_eq!(check(&r, "package-metadata").0, "pass");
}

#[test]
fn one_manifest_alone_never_blocks() {
    let r = shipgate("versions-agree/single", &[]);
    let (v, _) = check(&r, "versions-agree");
    assert!(v == "skip" || v == "pass", "{v}");
    assert_no_block(&r, MINE);
    assert_eq!(r.code, 0);
}

#[test]
fn monorepo_compares_per_package() {
    let r = shipgate("versions-agree/monorepo", &[]);
    let (v, f) = check(&r, "versions-agree");
    assert_eq!(v, "block");
    // Only packages/cli disagrees; the root, packages/core and the unnamed
    // example app are not compared with each other.
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1), ("packages/cli/package.json", 3));
    assert!(f[0].2.contains("0.9.0") && f[0].2.contains("0.9.1"));
    assert!(!f[0].2.contains("3.2.0") && !f[0].2.contains("0.0.1"));
    assert_eq!(check(&r, "release-please-config").0, "pass");
    assert_eq!(check(&r, "package-metadata").0, "pass");
}

#[test]
fn unparsable_manifest_fails_closed_at_its_line() {
    let r = shipgate("versions-agree/broken", &[]);
    for id in ["versions-agree", "package-metadata"] {
        let (v, f) = check(&r, id);
        assert_eq!(v, "block", "{id}");
        assert_eq!((f[0].0.as_str(), f[0].1), ("package.json", 5), "{id}");
    }
}

#[test]
fn changelog_entry_good() {
    let r = shipgate("changelog-entry/good", &[]);
    assert_eq!(check(&r, "changelog-entry").0, "pass");
    assert_eq!(check(&r, "versions-agree").0, "pass");
    assert_no_block(&r, MINE);
}

#[test]
fn changelog_entry_bad_names_the_missing_version() {
    let r = shipgate("changelog-entry/bad", &[]);
    let (v, f) = check(&r, "changelog-entry");
    assert_eq!(v, "block");
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].0.as_str(), f[0].1), ("CHANGELOG.md", 5));
    assert!(f[0].2.contains("1.1.0") && f[0].2.contains("pyproject.toml"));
    // A classic Poetry project with every key PyPI wants.
    assert_eq!(check(&r, "package-metadata").0, "pass");
}

#[test]
fn a_changelog_of_release_lines_without_headings_has_its_sections() {
    // `v3.2.0 - March 3, 2026` on a line of its own, then the release's
    // list: ESLint's generated CHANGELOG has no headings at all.
    let r = shipgate("changelog-entry/release-lines-current", &[]);
    assert_eq!(check(&r, "changelog-entry").0, "pass");
    assert_eq!(check(&r, "versions-agree").0, "pass");
    assert_no_block(&r, MINE);
    // A version the lines do not name still blocks, at the newest line.
    let r = shipgate("changelog-entry/release-lines-behind", &[]);
    let (v, f) = check(&r, "changelog-entry");
    assert_eq!(v, "block");
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].0.as_str(), f[0].1), ("CHANGELOG.md", 1));
    assert!(f[0].2.contains("its newest release is 3.2.0"), "{}", f[0].2);
    let (v, f) = check(&r, "versions-agree");
    assert_eq!(v, "block");
    assert_eq!((f[0].0.as_str(), f[0].1), ("CHANGELOG.md", 1));
}

#[test]
fn a_changelog_that_hands_over_is_judged_by_the_file_it_names() {
    // lumen-macros/CHANGELOG.md stops at 0.2.0, says it is no longer kept
    // and links the workspace changelog, which is headed with another
    // crate's versions: the crate has no changelog of its own to judge.
    // lumen-core/CHANGELOG.md hands over to docs/changes.md in its own
    // folder, which is judged, and which lacks 1.2.0.
    let r = shipgate("changelog-entry/handed-over", &[]);
    changelog_blocks_once_at(&r, "lumen-core/docs/changes.md", 3, "1.2.0");
}

/// The run blocks, and changelog-entry and versions-agree each block once,
/// at `path:line`, naming `version`.
fn changelog_blocks_once_at(r: &Run, path: &str, line: u64, version: &str) {
    assert_eq!(r.code, 1);
    for id in ["changelog-entry", "versions-agree"] {
        let (v, f) = check(r, id);
        assert_eq!(v, "block", "{id}");
        assert_eq!(f.len(), 1, "{id}: {f:?}");
        assert_eq!((f[0].0.as_str(), f[0].1), (path, line), "{id}");
        assert!(f[0].2.contains(version), "{}", f[0].2);
    }
}

#[test]
fn a_changelog_that_names_where_later_versions_went_is_not_judged() {
    // runner/CHANGELOG.md stops at 0.4.0 and says the versions after it are
    // in the tool's changelog on its website: it is not the crate's changelog
    // for 0.9.2. filter/CHANGELOG.md points elsewhere only for versions
    // before its first entry, is still kept, and lacks 0.6.0.
    let r = shipgate("changelog-entry/handed-over-after", &[]);
    changelog_blocks_once_at(&r, "filter/CHANGELOG.md", 5, "0.6.0");
}

#[test]
fn pyproject_without_readme_warns_at_the_project_table() {
    // PyPI accepts a distribution without a readme: its users expect one.
    let r = shipgate("package-metadata/pyproject-bad", &[]);
    let (v, f) = check(&r, "package-metadata");
    assert_eq!(v, "warn");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1), ("pyproject.toml", 5));
    assert!(f[0].2.contains("`readme`"), "{}", f[0].2);
}

#[test]
fn a_crate_every_crates_io_publish_leaves_out_by_name_is_not_judged() {
    // scripts/publish.sh calls its function `publish_crates` (which runs
    // `cargo release publish --execute "$@"`) with `--workspace --exclude
    // tally --exclude tally-harness`, then with `-p tally`. tally-harness is
    // published nowhere: its missing description is not judged. tally is
    // excluded from the first call but published by the second, and still
    // blocks for its description.
    let r = shipgate("package-metadata/excluded-by-name", &[]);
    let (v, f) = check(&r, "package-metadata");
    assert_eq!(v, "block");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1), ("cli/Cargo.toml", 1));
    assert!(f[0].2.contains("`description`"), "{}", f[0].2);
}

#[test]
fn package_metadata_good_inherits_from_workspace() {
    let r = shipgate("package-metadata/good", &[]);
    let (v, f) = check(&r, "package-metadata");
    assert_eq!(v, "pass", "{f:?}");
    assert_no_block(&r, MINE);
}

#[test]
fn package_metadata_bad_names_missing_keys() {
    let r = shipgate("package-metadata/bad", &[]);
    let (v, f) = check(&r, "package-metadata");
    assert_eq!(v, "block");
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1), ("mix.exs", 9));
    assert!(f[0].2.contains("`licenses`"));
    assert_eq!((f[1].0.as_str(), f[1].1), ("package.json", 1));
    assert!(f[1].2.contains("`license`"));
}

#[test]
fn package_metadata_checks_repository_against_the_github_repo() {
    let r = shipgate(
        "versions-agree/monorepo",
        &[
            "--policy",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/package-metadata/other-repo.toml"
            ),
        ],
    );
    let (v, f) = check(&r, "package-metadata");
    assert_eq!(v, "block");
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1), ("packages/cli/package.json", 6));
    assert!(f[0].2.contains("acme/monorepo") && f[0].2.contains("acme/elsewhere"));
}

#[test]
fn release_please_config_good() {
    let r = shipgate("release-please-config/good", &[]);
    assert_eq!(check(&r, "release-please-config").0, "pass");
    assert_no_block(&r, MINE);
}

#[test]
fn release_please_config_bad() {
    let r = shipgate("release-please-config/bad", &[]);
    let (v, f) = check(&r, "release-please-config");
    assert_eq!(v, "block");
    let at: Vec<(&str, u64)> = f.iter().map(|(p, l, _)| (p.as_str(), *l)).collect();
    assert_eq!(
        at,
        vec![
            ("release-please-config.json", 4),
            ("release-please-config.json", 5),
            ("release-please-config.json", 6),
        ]
    );
    assert!(f[0].2.contains("crates/old-name") && f[0].2.contains("does not exist"));
    assert!(f[1].2.contains("tools/cli") && f[1].2.contains("no entry"));
    assert!(f[2].2.contains("release-type `node`"));
    assert_eq!(check(&r, "versions-agree").0, "pass");
}

#[test]
fn facts_equal_good() {
    let r = shipgate("facts-equal/good", &[]);
    assert_eq!(check(&r, "install-snippet-current").0, "pass");
    assert_eq!(r.code, 0);
}

#[test]
fn facts_equal_majority_finds_the_readme() {
    let r = shipgate("facts-equal/bad", &[]);
    let (v, f) = check(&r, "install-snippet-current");
    assert_eq!(v, "block");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1), ("README.md", 9));
    for s in ["1.3.0", "1.4.0", "mix.exs:4", "chart/Chart.yaml:4"] {
        assert!(f[0].2.contains(s), "{s} in {}", f[0].2);
    }
}

#[test]
fn facts_equal_two_facts_blocks_at_the_readme_line() {
    let policy = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/facts-equal/bad/two-facts.toml"
    );
    let r = shipgate("facts-equal/bad", &["--policy", policy]);
    let (v, f) = check(&r, "readme-matches-mix");
    assert_eq!(v, "block");
    assert_eq!((f[0].0.as_str(), f[0].1), ("README.md", 9));
    assert!(f[0].2.contains("1.3.0") && f[0].2.contains("1.4.0"));
    assert_eq!(r.code, 1);
}

#[test]
fn facts_equal_undefined_fact_is_a_policy_error() {
    let policy = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/facts-equal/bad/undefined-fact.toml"
    );
    let out = common::shipgate(&[
        "check",
        concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/facts-equal/bad"),
        "--policy",
        policy,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(":7:") && err.contains("readme.version"),
        "{err}"
    );
}

#[test]
fn explain_and_list_know_the_checks() {
    for id in MINE {
        let out = common::shipgate(&["explain", id]);
        assert!(out.status.success(), "explain {id}");
        assert!(!out.stdout.is_empty());
    }
    let out = common::shipgate(&["list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("facts.equal") && text.contains("versions-agree"));
}

#[test]
fn release_please_paths_come_from_the_workflow() {
    let r = shipgate("release-please-config/custom-paths", &[]);
    let (v, f) = check(&r, "release-please-config");
    assert_eq!(v, "block");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].0.as_str(), f[0].1),
        (".github/release-please/config.json", 5)
    );
    assert!(f[0].2.contains("crates/bye"));
    let (v, f) = check(&r, "versions-agree");
    assert_eq!(v, "block");
    assert_eq!(
        (f[0].0.as_str(), f[0].1),
        (".github/release-please/manifest.json", 2)
    );
    assert!(f[0].2.contains("0.1.15") && f[0].2.contains("0.1.16"));
}

#[test]
fn an_app_package_json_is_not_held_to_npm_rules() {
    // No entry points, files or npm publish workflow: an app, not a package.
    let r = shipgate("package-metadata/app", &[]);
    assert_eq!(check(&r, "package-metadata").0, "skip");
    assert_eq!(r.code, 0);
}

#[test]
fn private_written_as_a_string_is_private_as_npm_reads_it() {
    // `"private": "true"` is a string, which npm reads as true and refuses
    // to publish: the worker is not held to npm's provenance fields. The
    // bench package, with no `private` at all, still is.
    let r = shipgate(
        "package-metadata/private-as-string",
        &["--only", "package-metadata"],
    );
    let (v, f) = check(&r, "package-metadata");
    assert_eq!(v, "block");
    let at: Vec<(&str, u64)> = f.iter().map(|(p, l, _)| (p.as_str(), *l)).collect();
    assert_eq!(at, vec![("packages/bench/package.json", 1)]);
    assert!(f[0].2.contains("repository.url"), "{}", f[0].2);
}

#[test]
fn a_private_workspace_root_version_is_not_a_release_version() {
    // The root package.json is private and nothing bumps it; the root
    // CHANGELOG describes the published workspace package.
    let r = shipgate("versions-agree/private-root", &[]);
    assert_no_block(&r, MINE);
    assert_eq!(r.code, 0);
}

#[test]
fn manifests_that_disagree_with_no_majority_are_all_reported() {
    let r = shipgate("versions-agree/no-majority", &[]);
    let (v, f) = check(&r, "versions-agree");
    assert_eq!(v, "block");
    let at: Vec<(&str, u64)> = f.iter().map(|(p, l, _)| (p.as_str(), *l)).collect();
    assert_eq!(at, vec![("Cargo.toml", 3), ("package.json", 3)]);
    for (_, _, m) in &f {
        assert!(m.contains("1.0.0") && m.contains("2.0.0"), "{m}");
    }
}

#[test]
fn files_setting_limits_what_versions_agree_reads() {
    let policy = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/versions-agree/only-mix-and-changelog.toml"
    );
    let r = shipgate("versions-agree/bad", &["--policy", policy]);
    assert_eq!(check(&r, "versions-agree").0, "pass");
}

#[test]
fn release_please_changelog_path_is_followed() {
    let r = shipgate("versions-agree/changelog-path", &[]);
    let (v, f) = check(&r, "versions-agree");
    assert_eq!(v, "block");
    let at: Vec<(&str, u64)> = f.iter().map(|(p, l, _)| (p.as_str(), *l)).collect();
    // Package-relative (lib/HISTORY.md) and, as configs often spell it,
    // root-relative (tool/NEWS.md).
    assert_eq!(at, vec![("lib/HISTORY.md", 3), ("tool/NEWS.md", 3)]);
}

#[test]
fn skip_changelog_leaves_an_archived_changelog_alone() {
    let r = shipgate("versions-agree/skip-changelog", &[]);
    assert_eq!(check(&r, "versions-agree").0, "pass");
    assert_eq!(check(&r, "changelog-entry").0, "skip");
    assert_eq!(check(&r, "release-please-config").0, "pass");
}

#[test]
fn a_test_tooling_package_json_beside_the_released_manifest_is_not_compared() {
    // pydantic-core: a package.json that runs the wasm tests (version
    // 1.0.0) sits beside the Cargo.toml whose version maturin gives the
    // wheel (2.1.0). The release workflow publishes to PyPI and nothing
    // publishes to npm: the package.json is tooling, not a version source.
    let r = shipgate(
        "versions-agree/tooling-package-json",
        &["--only", "versions-agree"],
    );
    assert_eq!(check(&r, "versions-agree"), ("pass".into(), vec![]));
    assert_eq!(r.code, 0);

    // Once a release workflow publishes to npm, the package.json is a
    // package again, and its version disagrees.
    let tmp = common::copy_fixture("versions-agree/tooling-package-json");
    common::write(
        tmp.path(),
        ".github/workflows/npm.yml",
        "on:\n  push:\n    tags: [\"v*\"]\npermissions: {}\njobs:\n  npm:\n    runs-on: ubuntu-latest\n    environment: npm\n    permissions:\n      id-token: write\n    steps:\n      - run: npm publish --provenance\n",
    );
    let (code, report) = common::check_json(tmp.path(), &["--only", "versions-agree"]);
    assert_eq!(code, 1);
    assert_eq!(
        common::findings(&report, "versions-agree"),
        vec![("package.json".into(), 3, "block".into())]
    );
}

#[test]
fn a_crate_never_published_beside_an_npm_package_is_no_version_source() {
    // A Node-API binding: the crate (`publish = false`, 0.3.0) is the build
    // of the npm package (0.5.0), which carries the release and agrees with
    // the CHANGELOG.
    let only = ["--only", "versions-agree,changelog-entry"];
    let r = shipgate("versions-agree/napi-binding-crate", &only);
    assert_eq!(check(&r, "versions-agree"), ("pass".into(), vec![]));
    assert_eq!(check(&r, "changelog-entry").1, vec![]);
    assert_eq!(r.code, 0);

    // A crate that is published is a version source, and its 0.3.0 is the
    // odd one out.
    let tmp = common::copy_fixture("versions-agree/napi-binding-crate");
    common::write(
        tmp.path(),
        "Cargo.toml",
        "[package]\nname = \"widget_napi\"\nversion = \"0.3.0\"\nedition = \"2021\"\n",
    );
    let (code, report) = common::check_json(tmp.path(), &only);
    assert_eq!(code, 1);
    assert_eq!(
        common::findings(&report, "versions-agree"),
        vec![("Cargo.toml".into(), 3, "block".into())]
    );
}

#[test]
fn an_environment_only_pyproject_is_no_version_source() {
    // The root pyproject.toml sets up a uv dev environment (`[tool.uv]
    // package = false`): nothing is built from it, and its `0.1.0` is a
    // placeholder beside the Cargo workspace's 3.4.0.
    let r = shipgate(
        "versions-agree/uv-virtual-root",
        &["--only", "versions-agree"],
    );
    assert_eq!(check(&r, "versions-agree"), ("pass".into(), vec![]));
    assert_eq!(r.code, 0);

    // Without the marker it is a package, and its version disagrees.
    let tmp = common::copy_fixture("versions-agree/uv-virtual-root");
    common::write(
        tmp.path(),
        "pyproject.toml",
        "[project]\nname = \"spindle-dev\"\nversion = \"0.1.0\"\n",
    );
    let (code, report) = common::check_json(tmp.path(), &["--only", "versions-agree"]);
    assert_eq!(code, 1);
    assert_eq!(
        common::findings(&report, "versions-agree"),
        vec![("pyproject.toml".into(), 3, "block".into())]
    );
}

#[test]
fn a_changelog_that_restarted_its_numbering_is_read_from_its_newest_release() {
    // `1.0.0 (2022-05-14)` at the foot is the old name's last release; every
    // dated release since (0.4.0, 0.4.1) is later, so the newest is 0.4.1,
    // as package.json says.
    let r = shipgate(
        "versions-agree/restarted-numbering",
        &["--only", "versions-agree"],
    );
    assert_eq!(check(&r, "versions-agree"), ("pass".into(), vec![]));
    assert_eq!(r.code, 0);

    // A manifest that is behind the newest section still disagrees with it.
    let tmp = common::copy_fixture("versions-agree/restarted-numbering");
    common::write(
        tmp.path(),
        "package.json",
        "{\n  \"name\": \"lumen-detector\",\n  \"version\": \"0.4.0\"\n}\n",
    );
    let (code, report) = common::check_json(tmp.path(), &["--only", "versions-agree"]);
    assert_eq!(code, 1);
    assert_eq!(
        common::findings(&report, "versions-agree"),
        vec![("CHANGELOG.md".into(), 3, "block".into())]
    );
}

#[test]
fn a_prerelease_line_left_below_later_releases_is_not_the_newest() {
    // `1.0.0-alpha.0` and `alpha.1` sit under 0.31.0 and 0.31.1, written
    // above them since: the package went on releasing 0.x, as package.json
    // says, and the alphas' 1.0.0 never came.
    let r = shipgate(
        "versions-agree/left-prerelease",
        &["--only", "versions-agree"],
    );
    assert_eq!(check(&r, "versions-agree"), ("pass".into(), vec![]));
    assert_eq!(r.code, 0);

    // A manifest behind the top section still disagrees with it.
    let tmp = common::copy_fixture("versions-agree/left-prerelease");
    let text = std::fs::read_to_string(tmp.path().join("package.json")).unwrap();
    common::write(tmp.path(), "package.json", text.replace("0.31.1", "0.31.0"));
    let (code, report) = common::check_json(tmp.path(), &["--only", "versions-agree"]);
    assert_eq!(code, 1);
    assert_eq!(
        common::findings(&report, "versions-agree"),
        vec![("CHANGELOG.md".into(), 3, "block".into())]
    );
}

#[test]
fn a_root_changelog_that_says_it_moved_is_not_the_root_packages() {
    // "Since 0.26 the changelog has moved to a CHANGELOG.md in each package
    // folder": no link to follow, but the sentence retires the file, so its
    // 0.25.0 is not compared with the workspace root's 0.1.0, and the root
    // needs no section for 0.1.0 in it. The package's own changelog is still
    // judged.
    let r = shipgate(
        "versions-agree/retired-root-changelog",
        &["--only", "versions-agree", "--only", "changelog-entry"],
    );
    assert_eq!(check(&r, "versions-agree"), ("pass".into(), vec![]));
    assert_eq!(check(&r, "changelog-entry"), ("pass".into(), vec![]));
    assert_eq!(r.code, 0);

    // The package's changelog behind its manifest still blocks.
    let tmp = common::copy_fixture("versions-agree/retired-root-changelog");
    common::write(
        tmp.path(),
        "packages/lamp/CHANGELOG.md",
        "# Changelog\n\n## 2.2.0 (2026-01-05)\n\n- Dimmer.\n",
    );
    let (code, report) = common::check_json(tmp.path(), &["--only", "changelog-entry"]);
    assert_eq!(code, 1);
    assert_eq!(
        common::findings(&report, "changelog-entry"),
        vec![("packages/lamp/CHANGELOG.md".into(), 3, "block".into())]
    );
}

#[test]
fn a_root_changelog_split_into_the_applications_is_not_the_root_packages() {
    // "This changelog has been split into a changelog per application": the
    // root file keeps old releases of several components, and the root
    // mix.exs (a test harness at 0.1.0) is not compared with them.
    let r = shipgate(
        "versions-agree/split-root-changelog",
        &["--only", "versions-agree", "--only", "changelog-entry"],
    );
    assert_eq!(check(&r, "versions-agree"), ("pass".into(), vec![]));
    assert_eq!(check(&r, "changelog-entry"), ("pass".into(), vec![]));
    assert_eq!(r.code, 0);

    // Without the sentence the root changelog is the root package's: its
    // newest release disagrees with mix.exs and has no section for 0.1.0.
    let tmp = common::copy_fixture("versions-agree/split-root-changelog");
    common::write(
        tmp.path(),
        "CHANGELOG.md",
        "# Changelog\n\n## Lamp 1.8.0 - 2024-10-05\n\n- Brighter bulbs.\n",
    );
    let (code, report) = common::check_json(
        tmp.path(),
        &["--only", "versions-agree", "--only", "changelog-entry"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        common::findings(&report, "versions-agree"),
        vec![("CHANGELOG.md".into(), 3, "block".into())]
    );
    assert_eq!(
        common::findings(&report, "changelog-entry"),
        vec![("CHANGELOG.md".into(), 3, "block".into())]
    );
}

#[test]
fn a_release_type_input_means_release_please_reads_no_config_file() {
    // The only release-please step gives `release-type`: the action runs in
    // single-package mode and never opens release-please-config.json, so a
    // config without packages is no broken release.
    let r = shipgate("release-please-config/single-package-mode", &[]);
    let (v, f) = check(&r, "release-please-config");
    assert_eq!(v, "skip", "{f:?}");
    // A second step without `release-type` reads the file: it blocks there.
    let tmp = common::copy_fixture("release-please-config/single-package-mode");
    common::write(
        tmp.path(),
        ".github/workflows/release-please-manifest.yml",
        "on: workflow_dispatch\npermissions: {}\njobs:\n  rp:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: googleapis/release-please-action@a02a34c4d625f9be7cb89156071d8567266a2445 # v4.2.0\n        with:\n          token: ${{ secrets.GITHUB_TOKEN }}\n",
    );
    let (code, report) = common::check_json(tmp.path(), &["--only", "release-please-config"]);
    assert_eq!(code, 1);
    let f = common::finding_messages(&report, "release-please-config");
    assert_eq!(
        f.iter()
            .map(|(p, l, _)| (p.as_str(), *l))
            .collect::<Vec<_>>(),
        [("release-please-config.json", 1)]
    );
    assert!(f[0].2.contains("declares no packages"), "{f:?}");
}

#[test]
fn test_projects_under_a_test_collection_folder_are_not_packages() {
    // `test-crates/mixed` states 2.1.2 in Cargo.toml and 0.1.0 in
    // pyproject.toml on purpose (a build tool's test input); the same pair
    // under `bindings/` is a package and blocks at both sources.
    let r = shipgate(
        "versions-agree/test-collection",
        &["--only", "versions-agree"],
    );
    assert_eq!(r.code, 1);
    let (verdict, fs) = check(&r, "versions-agree");
    assert_eq!(verdict, "block");
    let at: Vec<(&str, u64)> = fs.iter().map(|(p, l, _)| (p.as_str(), *l)).collect();
    assert_eq!(
        at,
        vec![
            ("bindings/mixed/Cargo.toml", 3),
            ("bindings/mixed/pyproject.toml", 7)
        ]
    );
}

#[test]
fn a_gems_linter_package_json_is_not_its_version() {
    // The gemspec and the CHANGELOG say 2.4.0, the gem is pushed, nothing
    // goes to npm: the package.json (0.2.0) only installs linters.
    let only = ["--only", "versions-agree,changelog-entry"];
    let r = shipgate("versions-agree/gem-tooling-package-json", &only);
    assert_eq!(r.code, 0);
    assert_eq!(check(&r, "versions-agree").1, vec![]);
    assert_eq!(check(&r, "changelog-entry").1, vec![]);

    // Without the gemspec the package.json is the folder's manifest, and
    // its version has no CHANGELOG section.
    let tmp = common::copy_fixture("versions-agree/gem-tooling-package-json");
    std::fs::remove_file(tmp.path().join("gem-theme.gemspec")).unwrap();
    let (code, report) = common::check_json(tmp.path(), &only);
    assert_eq!(code, 1);
    // The manifest's word decides a pair, so the CHANGELOG is the odd one.
    assert_eq!(
        common::findings(&report, "versions-agree"),
        vec![("CHANGELOG.md".into(), 3, "block".into())]
    );
    assert_eq!(
        common::findings(&report, "changelog-entry"),
        vec![("CHANGELOG.md".into(), 3, "block".into())]
    );
}

#[test]
fn a_javascript_actions_build_manifest_is_not_an_npm_package() {
    // action.yml beside package.json: `main` names the source the action
    // bundles into dist/, the action ships as a git tag, and nothing
    // publishes to npm, so a missing `version` is no registry's concern.
    let only = ["--only", "package-metadata"];
    let r = shipgate("package-metadata/javascript-action", &only);
    assert_eq!(r.code, 0);
    assert_eq!(check(&r, "package-metadata").0, "skip");

    // Without the action.yml the same package.json declares an entry point
    // and is held to npm's rules: it has no version (block) and no
    // repository.url (warn).
    let tmp = common::copy_fixture("package-metadata/javascript-action");
    std::fs::remove_file(tmp.path().join("action.yml")).unwrap();
    let (code, report) = common::check_json(tmp.path(), &only);
    assert_eq!(code, 1);
    assert_eq!(
        common::findings(&report, "package-metadata"),
        vec![
            ("package.json".into(), 1, "block".into()),
            ("package.json".into(), 1, "warn".into())
        ]
    );
    assert!(
        common::finding_messages(&report, "package-metadata")[0]
            .2
            .contains("no `version`, which npm needs"),
        "{report}"
    );
}

#[test]
fn a_seeded_release_please_changelog_with_no_version_warns() {
    // `packages/beta` is versioned by release-please at the 0.1.0 it was
    // seeded with and its CHANGELOG names no version: release-please writes
    // the first section (a warning). `packages/alpha`'s CHANGELOG stops at
    // 1.1.0 while it is at 1.2.0 and still blocks.
    let r = shipgate(
        "changelog-entry/release-please-seeded",
        &["--only", "changelog-entry"],
    );
    assert_eq!(r.code, 1);
    let (v, f) = check(&r, "changelog-entry");
    assert_eq!(v, "block");
    let at: Vec<(&str, u64)> = f.iter().map(|(p, l, _)| (p.as_str(), *l)).collect();
    assert_eq!(
        at,
        vec![
            ("packages/alpha/CHANGELOG.md", 3),
            ("packages/beta/CHANGELOG.md", 1)
        ]
    );
    assert!(f[0].2.contains("no section for 1.2.0"), "{}", f[0].2);
    assert!(
        f[1].2
            .contains("release-please versions this package at 0.1.0"),
        "{}",
        f[1].2
    );
    let sev: Vec<&str> = r.report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == "changelog-entry")
        .flat_map(|c| c["findings"].as_array().unwrap().iter())
        .map(|x| x["severity"].as_str().unwrap())
        .collect();
    assert_eq!(sev, vec!["block", "warn"]);
}
