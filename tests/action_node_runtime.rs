//! `action-node-runtime`: the check added to show the one-file check API.
//! A local action a workflow uses, on a retired Node runtime, warns at its
//! `using:` line; on `node24` it passes.

mod common;

use common::{check_json, findings, fixture, verdict};

const ID: &str = "action-node-runtime";

#[test]
fn a_local_action_on_node24_passes() {
    let (code, r) = check_json(&fixture("action-node-runtime/good"), &["--only", ID]);
    assert_eq!((code, verdict(&r, ID).as_str()), (0, "pass"), "{r:#}");
}

#[test]
fn a_local_action_on_node16_warns_at_its_using_line() {
    let (code, r) = check_json(&fixture("action-node-runtime/bad"), &["--only", ID]);
    assert_eq!((code, verdict(&r, ID).as_str()), (0, "warn"), "{r:#}");
    assert_eq!(
        findings(&r, ID),
        [(
            ".github/actions/stamp/action.yml".to_string(),
            4,
            "warn".to_string()
        )]
    );
}

#[test]
fn without_local_actions_the_check_is_skipped() {
    let (_, r) = check_json(&fixture("release-cache/good"), &["--only", ID]);
    assert_eq!(verdict(&r, ID), "skip", "{r:#}");
}
