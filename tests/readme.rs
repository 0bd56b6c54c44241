//! The docs say what the binary does: the check reference in docs/checks.md
//! is the registry's own text, and the README's setup names the test
//! command CI runs. `UPDATE_README=1 cargo test --test readme` rewrites the
//! generated part.

mod common;

const BEGIN: &str = "<!-- BEGIN GENERATED CHECKS -->\n";
const END: &str = "<!-- END GENERATED CHECKS -->";

#[test]
fn readme_check_reference_matches_the_registry() {
    let path = common::repo_path("docs/checks.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let out = common::shipgate(&["list", "--markdown"]);
    assert_eq!(out.status.code(), Some(0));
    let generated = String::from_utf8(out.stdout).unwrap();
    let start = readme.find(BEGIN).expect("begin marker") + BEGIN.len();
    let end = readme.find(END).expect("end marker");
    if readme[start..end] != generated {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..start], generated, &readme[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "docs/checks.md's check reference is stale: run UPDATE_README=1 cargo test --test readme"
            );
        }
    }
}

#[test]
fn readme_names_the_ci_test_command() {
    let readme = std::fs::read_to_string(common::repo_path("README.md")).unwrap();
    let ci = std::fs::read_to_string(common::repo_path(".ci/run")).unwrap();
    assert!(
        readme.contains("cargo test "),
        "README gives the test command"
    );
    assert!(ci.contains("cargo test"), ".ci/run runs it");
}
