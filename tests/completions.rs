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
}

/// The values, with their descriptions, zsh completion offers for the
/// argument whose spec starts with `spec` in subcommand `sub`'s block: the
/// `((value\:"description" …))` form.
fn described(script: &str, sub: &str, spec: &str) -> Vec<(String, String)> {
    let block = script
        .split(&format!("({sub})\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no {sub} block"));
    let start = block
        .find(&format!("\n{spec}"))
        .unwrap_or_else(|| panic!("no {spec} in {sub}"));
    let list = block[start..]
        .split_once(":((")
        .expect("a described list")
        .1;
    let list = list.split_once("))'").expect("the list's end").0;
    list.lines()
        .map(|l| {
            let (value, about) = l.split_once("\\:").expect("value\\:description");
            (value.to_string(), about.trim_matches('"').to_string())
        })
        .collect()
}

#[test]
fn explain_completes_checks_evaluators_and_check_codes_with_descriptions() {
    let out = shipgate(&["completions", "zsh"]);
    let script = String::from_utf8(out.stdout).unwrap();
    let offered = described(&script, "explain", "'::id");
    let want = shipgate::app::explain_values();
    let values: Vec<&str> = offered.iter().map(|(v, _)| v.as_str()).collect();
    let wanted: Vec<&str> = want.iter().map(|(v, _)| v.as_str()).collect();
    assert_eq!(values, wanted);
    for v in [
        "checkout-credentials",
        "baseline",
        "workflow.job-runs",
        "actions-pinned/movable-ref",
        "actions-updates/no-update-bot",
        "text.contains/text-missing",
    ] {
        assert!(values.contains(&v), "{v} not offered");
    }
    let about = |v: &str| &offered.iter().find(|(x, _)| x == v).unwrap().1;
    assert_eq!(
        about("actions-updates"),
        "An update bot keeps SHA-pinned actions current"
    );
    assert!(about("actions-pinned/movable-ref").contains("tag or branch"));
}

#[test]
fn every_explain_value_offered_is_one_explain_takes() {
    for (value, _) in shipgate::app::explain_values() {
        let out = shipgate(&["explain", &value]);
        assert_eq!(out.status.code(), Some(0), "explain {value}");
    }
}

#[test]
fn fish_completes_explain_values_too() {
    let out = shipgate(&["completions", "fish"]);
    let script = String::from_utf8(out.stdout).unwrap();
    let line = script
        .lines()
        .find(|l| l.contains("-a 'actions-updates/renovate-disabled'"))
        .expect("a fish line for a CHECK/CODE");
    assert!(
        line.contains("__fish_shipgate_using_subcommand explain"),
        "{line}"
    );
    assert!(line.contains("-d 'the Renovate config turns off"), "{line}");
    // A quote in a description is escaped for fish's single quotes.
    assert!(
        script.contains("-d 'the manifest\\'s file list"),
        "{script}"
    );
}

#[test]
fn bash_completes_a_check_code_after_explain() {
    if std::process::Command::new("bash")
        .arg("-c")
        .arg("true")
        .output()
        .is_err()
    {
        return;
    }
    let out = shipgate(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let script = common::write(dir.path(), "shipgate.bash", out.stdout);
    let run = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}'; COMP_WORDS=(shipgate explain actions-updates/no); COMP_CWORD=2; \
             _shipgate shipgate actions-updates/no explain; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        ))
        .output()
        .unwrap();
    let offered = String::from_utf8(run.stdout).unwrap();
    let offered: Vec<&str> = offered.lines().collect();
    assert_eq!(
        offered,
        [
            "actions-updates/no-update-bot",
            "actions-updates/no-actions-ecosystem"
        ],
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
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
