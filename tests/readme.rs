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

/// docs/checks/<id>.md is each check's metadata as `app::check_page`
/// renders it: one page per check, and no page for a check that is gone.
#[test]
fn every_check_has_its_generated_page() {
    let dir = common::repo_path("docs/checks");
    let update = std::env::var_os("UPDATE_README").is_some();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut stale = Vec::new();
    let mut expected = std::collections::BTreeSet::new();
    for m in shipgate::checks::all_metas() {
        let name = format!("{}.md", m.id);
        let path = dir.join(&name);
        let page = shipgate::app::check_page(m);
        assert!(page.contains(&format!("# {}\n", m.id)));
        assert!(page.contains(m.title));
        if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
            if update {
                std::fs::write(&path, &page).unwrap();
            } else {
                stale.push(name.clone());
            }
        }
        expected.insert(name);
    }
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        if !expected.contains(&name) {
            if update {
                std::fs::remove_file(dir.join(&name)).unwrap();
            } else {
                stale.push(format!("{name} (no such check)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/checks/ is stale ({}): run UPDATE_README=1 cargo test --locked --test readme",
        stale.join(", ")
    );
}

/// SARIF's helpUri and `explain` point at the check's page, and the page exists.
#[test]
fn help_links_name_the_check_page() {
    let out = common::shipgate(&["explain", "checkout-credentials"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let uri = text
        .lines()
        .find_map(|l| l.strip_prefix("More: "))
        .expect("explain links the page");
    assert!(
        uri.ends_with("/blob/main/docs/checks/checkout-credentials.md"),
        "{uri}"
    );
    assert_eq!(uri, shipgate::report::help_uri("checkout-credentials"));
    let rel = uri.split("/blob/main/").nth(1).unwrap();
    assert!(common::repo_path(rel).is_file(), "{rel}");
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
