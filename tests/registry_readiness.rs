//! `registry-readiness` (issue 18): a job that publishes by trusted
//! publishing has what its registry needs to hand it a token. Each case is
//! a fixture under `fixtures/registry-readiness/`; the finding is checked by
//! verdict, file, line and the words that name the cause.

mod common;

use common::{check_json, finding_messages, fixture, verdict};

const ID: &str = "registry-readiness";
const WF: &str = ".github/workflows/release.yml";

/// One finding: (path, line, severity, message).
type Found = (String, u64, String, String);

/// Exit code, verdict and findings of the check on one fixture.
fn run(case: &str) -> (i32, String, Vec<Found>) {
    let (code, r) = check_json(
        &fixture(&format!("registry-readiness/{case}")),
        &["--only", ID],
    );
    let sev: Vec<(String, u64, String)> = common::findings(&r, ID);
    let msg = finding_messages(&r, ID);
    let all = sev
        .into_iter()
        .zip(msg)
        .map(|((p, l, s), (_, _, m))| (p, l, s, m))
        .collect();
    (code, verdict(&r, ID), all)
}

fn one(case: &str, path: &str, line: u64, sev: &str, words: &[&str]) {
    let (code, v, f) = run(case);
    assert_eq!(f.len(), 1, "{case}: {f:#?}");
    let (p, l, s, m) = &f[0];
    assert_eq!(
        (p.as_str(), *l, s.as_str()),
        (path, line, sev),
        "{case}: {m}"
    );
    for w in words {
        assert!(m.contains(w), "{case}: `{w}` not in {m}");
    }
    let want = if sev == "block" {
        (1, "block")
    } else {
        (0, "warn")
    };
    assert_eq!((code, v.as_str()), want, "{case}");
}

#[test]
fn jobs_that_have_what_their_registry_needs_pass() {
    for case in [
        "crates-good",
        "pypi-good",
        "pypi-reusable-caller-grants",
        "npm-good",
        "npm-upgraded",
        "nuget-good",
        "rubygems-good",
    ] {
        let (code, v, f) = run(case);
        assert_eq!((code, v.as_str()), (0, "pass"), "{case}: {f:#?}");
    }
}

#[test]
fn a_publish_that_hands_npm_a_token_is_left_to_trusted_publishing() {
    let (code, v, f) = run("npm-token");
    assert_eq!((code, v.as_str()), (0, "pass"), "{f:#?}");
}

#[test]
fn pypi_without_the_oidc_grant_blocks_at_the_action() {
    one(
        "pypi-no-id-token",
        WF,
        17,
        "block",
        &["cannot mint the OIDC token", "`id-token: write`"],
    );
}

#[test]
fn a_caller_that_narrows_permissions_blocks_the_reusable_publish() {
    let (code, v, f) = run("pypi-reusable-caller-narrows");
    assert_eq!((code, v.as_str()), (1, "block"), "{f:#?}");
    let blocks: Vec<_> = f.iter().filter(|x| x.2 == "block").collect();
    assert_eq!(blocks.len(), 1, "{f:#?}");
    assert_eq!(blocks[0].0, ".github/workflows/publish.yml");
    assert_eq!(blocks[0].1, 15);
    assert!(
        blocks[0]
            .3
            .contains("called by job `publish` of `release.yml`")
    );
    // Without a declared publisher, the reusable-workflow caveat warns.
    assert!(
        f.iter().any(|x| x.2 == "warn"
            && x.3
                .contains("the record must name `release.yml`, not `publish.yml`")),
        "{f:#?}"
    );
}

#[test]
fn switching_off_pypi_attestations_warns() {
    one("pypi-attestations-off", WF, 19, "warn", &["attestations"]);
}

#[test]
fn npm_with_a_node_that_bundles_npm_10_blocks_at_the_version() {
    one(
        "npm-old-node",
        WF,
        19,
        "block",
        &["Node 20", "npm 10", "11.5.1"],
    );
    one(
        "npm-nvmrc",
        ".nvmrc",
        1,
        "block",
        &["Node v18.20.4", "11.5.1"],
    );
}

#[test]
fn npm_from_a_self_hosted_runner_blocks_at_runs_on() {
    one("npm-self-hosted", WF, 8, "block", &["self-hosted"]);
}

#[test]
fn a_package_json_naming_another_repository_blocks_at_the_url() {
    one(
        "npm-repo-mismatch",
        "package.json",
        8,
        "block",
        &["acme/old-widget", "acme/widget", "E422"],
    );
}

#[test]
fn npm_publish_with_neither_token_nor_oidc_grant_only_warns() {
    one(
        "npm-no-id-token",
        WF,
        20,
        "warn",
        &["no token", "cannot mint the OIDC token"],
    );
}

#[test]
fn crates_io_auth_output_must_reach_cargo_publish() {
    one(
        "crates-unwired",
        WF,
        18,
        "block",
        &["steps.auth.outputs.token"],
    );
    one("crates-no-id", WF, 17, "block", &["has no `id:`"]);
    one(
        "crates-auth-after",
        WF,
        19,
        "block",
        &["after `cargo publish`"],
    );
}

#[test]
fn nuget_login_needs_a_user_and_its_key_on_the_push() {
    let (code, v, f) = run("nuget-bad");
    assert_eq!((code, v.as_str()), (1, "block"), "{f:#?}");
    let got: Vec<(u64, bool)> = f
        .iter()
        .map(|x| (x.1, x.3.contains("`user:`") || x.3.contains("--api-key")))
        .collect();
    assert_eq!(got, [(17, true), (19, true)], "{f:#?}");
}

#[test]
fn release_gem_without_contents_write_blocks() {
    one(
        "rubygems-no-contents",
        WF,
        16,
        "block",
        &["contents: write"],
    );
}

#[test]
fn explain_error_maps_a_registry_error_to_the_checks_that_find_its_causes() {
    let out = common::shipgate(&[
        "explain",
        "--error",
        "npm ERR! code E404\nnpm ERR! 404 Not Found - PUT https://registry.npmjs.org/widget",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("npm: E404"), "{text}");
    assert!(text.contains("publisher-binding:"), "{text}");
    assert!(text.contains("registry-readiness:"), "{text}");

    let out = common::shipgate(&["explain", "--error", "Error: invalid-publisher"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("PyPI: invalid-publisher"));

    // Text no registry prints is a usage error, not an empty success.
    let out = common::shipgate(&["explain", "--error", "segmentation fault"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no known registry error"));
    // An id and --error together, or neither, are refused.
    assert_eq!(
        common::shipgate(&["explain", "docs-links", "--error", "E404"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(common::shipgate(&["explain"]).status.code(), Some(2));
}

#[test]
fn a_package_published_from_a_subfolder_is_judged_by_its_own_package_json() {
    // `cd packages` then `npm publish ./widget`: packages/widget/package.json
    // is what npm reads; the private root package.json is not published.
    one(
        "npm-subdir-mismatch",
        "packages/widget/package.json",
        8,
        "block",
        &["packages/widget/package.json's `repository`", "acme/tools"],
    );
}

#[test]
fn npm_from_a_reusable_workflow_warns_naming_the_caller_the_record_must_name() {
    one(
        "npm-reusable",
        ".github/workflows/npm-publish.yml",
        18,
        "warn",
        &["must name `release.yml`, not `npm-publish.yml`"],
    );
}

#[test]
fn dart_set_up_inside_a_local_composite_action_counts_before_the_publish() {
    // The job's `./.github/actions/prepare` runs dart-lang/setup-dart first:
    // the pub.dev token is minted before `dart pub publish`, and the OIDC
    // grant is used by the publish.
    let dir = fixture("registry-readiness/pubdev-setup-in-action");
    let (code, r) = check_json(&dir, &["--only", ID, "--only", "oidc-scope"]);
    assert_eq!(verdict(&r, ID), "pass", "{r:#}");
    assert_eq!(verdict(&r, "oidc-scope"), "pass", "{r:#}");
    assert_eq!(code, 0);
    // pub.dev's own documented shape (setup-dart as a step of the job)
    // holds the grant for the publish too.
    let (_, r) = check_json(
        &fixture("registry-readiness/pubdev-good"),
        &["--only", "oidc-scope"],
    );
    assert_eq!(verdict(&r, "oidc-scope"), "pass", "{r:#}");

    // Without setup-dart in the composite action nothing mints the token:
    // the publish line blocks.
    let tmp = common::copy_fixture("registry-readiness/pubdev-setup-in-action");
    common::write(
        tmp.path(),
        ".github/actions/prepare/action.yml",
        "name: Prepare\ndescription: deps\nruns:\n  using: composite\n  steps:\n    - run: dart pub get\n      shell: bash\n",
    );
    let (code, r) = check_json(tmp.path(), &["--only", ID]);
    assert_eq!(code, 1);
    let f = finding_messages(&r, ID);
    assert_eq!(
        f.iter()
            .map(|(p, l, _)| (p.as_str(), *l))
            .collect::<Vec<_>>(),
        [(".github/workflows/publish.yml", 21)]
    );
    assert!(f[0].2.contains("no dart-lang/setup-dart step"), "{f:?}");

    // A job that holds the grant but publishes nothing still blocks
    // oidc-scope, setup-dart or not.
    common::write(
        tmp.path(),
        ".github/workflows/publish.yml",
        "on:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n      - uses: dart-lang/setup-dart@3d3c42e5aac5ba805825da76410c181273ba90b1 # v1.7.1\n      - run: dart test\n      - run: gh release create \"$GITHUB_REF_NAME\"\n",
    );
    let (code, r) = check_json(tmp.path(), &["--only", "oidc-scope"]);
    assert_eq!(code, 1);
    assert_eq!(
        common::findings(&r, "oidc-scope"),
        vec![(".github/workflows/publish.yml".into(), 9, "block".into())]
    );
}
