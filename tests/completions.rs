//! Shell completions offer the check ids, lanes and evaluators, while the
//! command line itself still accepts a check or lane a policy declares.

mod common;

use common::{check_json, copy_fixture, shipgate, verdict};

/// The values zsh completion offers for the option or argument whose spec
/// starts with `spec` in the block of subcommand `sub`.
fn offered(script: &str, sub: &str, spec: &str) -> Vec<String> {
    let block = script
        .split(&format!("({sub})\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no {sub} block"));
    let line = block
        .lines()
        .find(|l| l.trim_start().starts_with(spec))
        .unwrap_or_else(|| panic!("no {spec} in {sub}"));
    let values = line.rsplit_once(":(").expect("a value list").1;
    let values = values.split(')').next().unwrap();
    values.split_whitespace().map(str::to_string).collect()
}

#[test]
fn zsh_completion_offers_check_ids_lanes_and_evaluators() {
    let out = shipgate(&["completions", "zsh"]);
    assert_eq!(out.status.code(), Some(0));
    let script = String::from_utf8(out.stdout).unwrap();
    let list = String::from_utf8(shipgate(&["list"]).stdout).unwrap();
    // Every check `shipgate list` shows that --only can name.
    let ids: Vec<String> = list
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .filter(|id| id != "baseline")
        .collect();
    assert!(ids.len() > 20, "{ids:?}");
    for spec in ["'*--only=", "'*--skip="] {
        assert_eq!(offered(&script, "check", spec), ids, "{spec}");
    }
    assert_eq!(
        offered(&script, "check", "'--lane="),
        vec!["pre-merge", "preflight"]
    );
    assert_eq!(
        offered(&script, "baseline", "'--lane="),
        vec!["pre-merge", "preflight"]
    );
    let explain = offered(&script, "explain", "'::id");
    assert!(explain.contains(&"checkout-credentials".to_string()));
    assert!(explain.contains(&"baseline".to_string()));
    assert!(explain.contains(&"workflow.job-runs".to_string()));
}

#[test]
fn the_command_line_still_takes_a_policy_check_and_lane() {
    let dir = copy_fixture("hex-env-good");
    common::write(
        dir.path(),
        "shipgate.toml",
        "lanes = [\"nightly\"]\n[[check]]\nid = \"has-readme\"\nuses = \"file.exists\"\npaths = [\"mix.exs\"]\nlanes = [\"nightly\"]\n",
    );
    let (code, report) = check_json(dir.path(), &["--lane", "nightly", "--only", "has-readme"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(verdict(&report, "has-readme"), "pass");
}
