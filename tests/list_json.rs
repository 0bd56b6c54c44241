//! `shipgate list --format json`: the catalog as `shipgate/list-v1`. Every
//! registered check and evaluator is there, with its codes, and the text
//! list names the same checks in the same order.

mod common;

use common::shipgate;
use serde_json::Value;

fn list_json() -> Value {
    let out = shipgate(&["list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).expect("list --format json is JSON")
}

/// `(id, summary)` of each code in a JSON array of codes.
fn codes(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .expect("codes array")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["summary"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn declared(list: &[shipgate::meta::Code]) -> Vec<(String, String)> {
    list.iter()
        .map(|c| (c.id.to_string(), c.summary.to_string()))
        .collect()
}

#[test]
fn every_check_appears_with_its_codes_lanes_and_params() {
    let v = list_json();
    assert_eq!(v["schema"], "shipgate/list-v1");
    assert_eq!(v["tool"]["name"], "shipgate");
    assert_eq!(v["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let listed = v["checks"].as_array().unwrap();
    let metas: Vec<_> = shipgate::checks::all_metas().collect();
    assert_eq!(listed.len(), metas.len());
    for (c, m) in listed.iter().zip(&metas) {
        assert_eq!(c["id"], m.id);
        assert_eq!(c["title"], m.title);
        assert_eq!(c["severity"], m.severity.as_str());
        assert_eq!(codes(&c["codes"]), declared(m.codes), "{}", m.id);
        let lanes: Vec<&str> = c["lanes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        if m.lanes.is_empty() {
            assert_eq!(lanes, ["pre-merge"], "{}", m.id);
        } else {
            assert_eq!(lanes, m.lanes, "{}", m.id);
        }
        let params: Vec<&str> = c["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(params, m.params, "{}", m.id);
        for p in c["params"].as_array().unwrap() {
            assert!(!p["expects"].as_str().unwrap().is_empty(), "{p}");
            assert!(!p["doc"].as_str().unwrap().is_empty(), "{p}");
        }
        let kind = if shipgate::checks::builtin(m.id).is_some() {
            "check"
        } else {
            "audit"
        };
        assert_eq!(c["kind"], kind, "{}", m.id);
        assert!(
            c["help_uri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("docs/checks/{}.md", m.id))
        );
    }
    assert!(listed.iter().any(|c| c["id"] == "actions-updates"));
    assert_eq!(
        codes(&v["engine_codes"]),
        declared(shipgate::meta::ENGINE_CODES)
    );
    assert_eq!(
        codes(&v["custom_check_codes"]),
        declared(shipgate::meta::CUSTOM_CHECK_CODES)
    );
}

#[test]
fn every_evaluator_appears_with_its_codes_and_params() {
    let v = list_json();
    let listed = v["evaluators"].as_array().unwrap();
    assert_eq!(listed.len(), shipgate::evaluators::EVALUATORS.len());
    for (e, spec) in listed.iter().zip(shipgate::evaluators::EVALUATORS) {
        assert_eq!(e["name"], spec.name);
        assert_eq!(e["summary"], spec.summary);
        assert_eq!(codes(&e["codes"]), declared(spec.codes), "{}", spec.name);
        let params: Vec<&str> = e["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(params, spec.params, "{}", spec.name);
    }
}

#[test]
fn the_text_list_names_the_same_checks_in_the_same_order() {
    let v = list_json();
    let text = String::from_utf8(shipgate(&["list"]).stdout).unwrap();
    let from_text: Vec<&str> = text
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let from_json: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(from_text, from_json);
}

#[test]
fn markdown_is_a_format_too_and_json_does_not_mix_with_presets() {
    let a = shipgate(&["list", "--markdown"]);
    let b = shipgate(&["list", "--format", "markdown"]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    let out = shipgate(&["list", "--presets", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
}
