//! docs-links as a maintainer reads it: broken links block only in the docs
//! a release depends on, links resolve the way the docs' site generator
//! resolves them, and what is not the project's documentation (test inputs,
//! tool scratch, ignored build output, e-mail addresses) is not judged.

mod common;

use common::*;

const ID: &str = "docs-links";

fn run(name: &str, extra: &[&str]) -> (i32, Vec<(String, u64, String)>) {
    let mut args = vec!["--only", ID];
    args.extend_from_slice(extra);
    let (code, report) = check_json(&fixture(name), &args);
    (code, findings(&report, ID))
}

fn at(path: &str, line: u64, severity: &str) -> (String, u64, String) {
    (path.to_string(), line, severity.to_string())
}

#[test]
fn release_docs_block_and_other_docs_warn() {
    let (code, mut got) = run("docs-links/severity", &[]);
    got.sort();
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            // The newest changelog sections (unreleased, 1.1.0) block; 1.0.0 is history.
            at("CHANGELOG.md", 5, "block"),
            at("CHANGELOG.md", 9, "block"),
            at("CHANGELOG.md", 13, "warn"),
            at("README.md", 3, "block"),
            // A path whose folder is missing too may be the reader's app.
            at("README.md", 7, "warn"),
            at("RELEASING.md", 3, "block"),
            at("docs/guide.md", 3, "warn"),
            // Placeholders, a path moved to the wiki and an output path are
            // not claims; the missing signing script is.
            at("docs/release-plan.md", 6, "block"),
            // An example app's README is not what a registry shows.
            at("examples/demo/README.md", 3, "warn"),
            // A package's README is.
            at("packages/lib/README.md", 3, "block"),
            // LICENSE is copied in from the root when the package is packed.
            at("packages/lib/README.md", 5, "warn"),
        ]
    );
}

#[test]
fn policy_release_docs_globs_make_a_doc_block() {
    let tmp = copy_fixture("docs-links/severity");
    write(
        tmp.path(),
        "shipgate.toml",
        "[checks.docs-links]\nrelease_docs = [\"docs/guide.md\"]\n",
    );
    let (_, report) = check_json(tmp.path(), &["--only", ID]);
    assert!(
        findings(&report, ID).contains(&at("docs/guide.md", 3, "block")),
        "{:#?}",
        findings(&report, ID)
    );
}

#[test]
fn release_docs_globs_of_the_wrong_type_fail_closed() {
    let tmp = copy_fixture("docs-links/severity");
    write(
        tmp.path(),
        "shipgate.toml",
        "[checks.docs-links]\nrelease_docs = \"docs/guide.md\"\n",
    );
    let out = shipgate(&["check", tmp.path().to_str().unwrap(), "--only", ID]);
    assert_eq!(out.status.code(), Some(2), "a wrong type is a policy error");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("release_docs"), "{err}");
}

#[test]
fn a_release_docs_glob_that_names_no_document_blocks() {
    let tmp = copy_fixture("docs-links/severity");
    write(
        tmp.path(),
        "shipgate.toml",
        "[checks.docs-links]\nrelease_docs = [\"docs/suport.md\"]\n",
    );
    let (code, report) = check_json(tmp.path(), &["--only", ID]);
    assert_eq!(code, 1);
    assert_eq!(verdict(&report, ID), "block");
    let msgs = finding_messages(&report, ID);
    assert_eq!(msgs.len(), 1, "{msgs:#?}");
    assert_eq!(msgs[0].0, "shipgate.toml");
    assert!(msgs[0].2.contains("docs/suport.md"), "{msgs:#?}");
}

#[test]
fn test_inputs_scratch_ignored_output_and_email_are_not_judged() {
    let (code, got) = run("docs-links/not-docs", &[]);
    assert_eq!(got, vec![], "nothing here is a broken link");
    assert_eq!(code, 0);
    // Judged and passed, not skipped: the README's links were read.
    let (_, report) = check_json(&fixture("docs-links/not-docs"), &["--only", ID]);
    assert_eq!(verdict(&report, ID), "pass");
}

#[test]
fn links_resolve_as_each_site_generator_resolves_them() {
    let (_, report) = check_json(&fixture("docs-links/sites"), &["--only", ID]);
    let mut got = finding_messages(&report, ID);
    got.sort();
    let places: Vec<(String, u64)> = got.iter().map(|(p, l, _)| (p.clone(), *l)).collect();
    assert_eq!(
        places,
        vec![
            ("book/src/README.md".to_string(), 5),
            // The one Docusaurus route that names no page.
            (
                "docusaurus-routes/website/docs/configuration/changelog.md".to_string(),
                12,
            ),
            // A name no extra has, and a missing anchor beside the doc.
            ("ex/guides/howto/deploy.md".to_string(), 4),
            ("ex/guides/howto/deploy.md".to_string(), 4),
            ("ex/guides/intro.md".to_string(), 4),
            // Pages mounted from `content/en` are served from the root.
            ("hugo-mounts/content/en/guide/a.md".to_string(), 5),
            ("hugo/content/blog/a.md".to_string(), 5),
            // `/migrating#…` is a page's permalink; `/migrating-2` is none.
            ("jekyll/site/_pages/whats-new.md".to_string(), 11),
            ("mk/docs/index.md".to_string(), 8),
            ("sphinx/docs/contributing/guide.md".to_string(), 3),
            ("vp/guide/a.md".to_string(), 4),
        ],
        "only the links that are missing in every renderer: {got:#?}"
    );
    // None of these pages is a release doc: they warn.
    assert!(
        findings(&report, ID).iter().all(|(_, _, s)| s == "warn"),
        "{:#?}",
        findings(&report, ID)
    );
}

#[test]
fn a_framework_tutorial_naming_the_readers_files_is_not_a_claim() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "lib/tool.ex", "defmodule Tool do end\n");
    write(tmp.path(), "config/config.exs", "import Config\n");
    write(
        tmp.path(),
        "guides/up_and_running.md",
        "# Up and running\n\nOpen `lib/hello_web/router.ex`, then `config/runtime.exs`.\n\n\
         Add a controller in `lib/hello_web/controllers/page_controller.ex`.\n",
    );
    // One stale claim among real ones is still reported.
    write(
        tmp.path(),
        "guides/internals.md",
        "# Internals\n\nThe entry point is `lib/tool.ex`; settings are in `config/config.exs`.\n\n\
         Parsing lives in `lib/tool/parser.ex`.\n",
    );
    let (_, report) = check_json(tmp.path(), &["--only", ID]);
    assert_eq!(
        findings(&report, ID),
        vec![at("guides/internals.md", 5, "warn")]
    );
}

#[test]
fn a_doc_in_a_nested_project_cites_paths_from_that_project_root() {
    // packages/app has its own mix.exs and .github: its guide's
    // `.github/workflows/release.yml` is the app's workflow, not a missing
    // one at the repository root; a file missing from both is still found.
    let (code, r) = check_json(
        &fixture("docs-links/nested-project"),
        &["--only", "docs-links"],
    );
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(
        findings(&r, "docs-links"),
        [at("packages/app/docs/guide.md", 4, "warn")],
        "{r:#}"
    );
}

#[test]
fn exdoc_links_an_extra_by_its_file_name_from_any_folder() {
    // ExDoc flattens its extras and links `[x](intro.md)` to the extra of
    // that file name, wherever it sits: from guides/howto/, `intro.md` is
    // guides/intro.md. A name no page has is still reported, as on GitHub,
    // and so is a missing anchor in a file beside the doc (`setup.md#ports`).
    let (code, mut got) = run("docs-links/sites/ex", &[]);
    got.sort();
    assert_eq!(code, 0);
    assert_eq!(
        got,
        vec![
            at("guides/howto/deploy.md", 4, "warn"),
            at("guides/howto/deploy.md", 4, "warn"),
            at("guides/intro.md", 4, "warn"),
        ]
    );
}

#[test]
fn docusaurus_serves_docs_under_its_route_and_generates_category_pages() {
    // `/docs/x` is the page `x` of the docs folder (the default
    // `routeBasePath`), `/support` a page of `src/pages`, and
    // `/docs/category/<label>` the index a `_category_.json` asks
    // Docusaurus to generate. The page named `changelog.md` is a guide to a
    // changelog setting, with no release headings: its one dead link warns.
    let (code, got) = run("docs-links/sites/docusaurus-routes", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        got,
        vec![at("website/docs/configuration/changelog.md", 12, "warn")]
    );
}

#[test]
fn a_hugo_site_configured_from_its_config_directory_mounts_its_content() {
    // `site/config/_default/hugo.yaml` is the site's config: its YAML mounts
    // `content/en` and `content/fr` as the content tree, so
    // `/docs/install/` is `content/en/docs/install.md`, from the English
    // changelog and from the French page alike. A page in neither still
    // blocks in the changelog's newest section.
    let (code, got) = run("docs-links/hugo-config-dir", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![at("site/content/en/project/changelog.md", 7, "block")]
    );
}

#[test]
fn a_changelog_a_sphinx_site_includes_reaches_its_myst_labels() {
    // docs/changelog.md pulls in ../CHANGELOG.md with ```{include}```, so the
    // root changelog is written for the site: `(config-options)` is the
    // label docs/options.md defines. A name that is neither a label nor a
    // file still blocks in the newest section.
    let (code, got) = run("docs-links/sphinx-included-changelog", &[]);
    assert_eq!(code, 1);
    assert_eq!(got, vec![at("CHANGELOG.md", 5, "block")]);
}

#[test]
fn a_jekyll_collection_serves_its_pages_at_pretty_urls_under_its_name() {
    // `_guides/maintaining/becoming-a-maintainer.md` is served at
    // `/guides/maintaining/becoming-a-maintainer/`: `../triaging/` from that
    // URL is the page beside the file, `/guides/…/reviewing/` the
    // collection's page, `/help/` an old URL a page keeps through
    // `redirect_from`. The one page no file gives still blocks in this
    // maintainer guide.
    let (code, got) = run("docs-links/jekyll-collections", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![at(
            "site/_guides/maintaining/becoming-a-maintainer.md",
            8,
            "block"
        )]
    );
}

#[test]
fn a_jekyll_project_sites_root_links_may_carry_its_baseurl() {
    // `baseurl: "/widget"`: `/widget/manual/setup` is the page whose
    // permalink is `/manual/setup/`, and `/widget` the home page
    // (`permalink: /`). A page no file gives (`/widget/faq`,
    // `/widget/manual/usage/`) and a link under another base still warn.
    let (code, got) = run("docs-links/jekyll-baseurl", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        got,
        vec![
            at("docs/_manual/01-setup.md", 5, "warn"),
            at("docs/_manual/01-setup.md", 7, "warn"),
            at("docs/_manual/01-setup.md", 7, "warn"),
        ]
    );
}

#[test]
fn an_mkdocs_i18n_language_folder_falls_back_to_the_default_pages() {
    // mkdocs-static-i18n (`docs_structure: folder`) builds `docs/ja/` over
    // the default language's pages: `ref/api.md` from `docs/ja/index.md`
    // and `../assets/logo.png` from `docs/ja/guide/` are the default's
    // files. A page neither has, and the same link from a folder that is
    // no language's, still warn.
    let (code, got) = run("docs-links/mkdocs-i18n-folders", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        got,
        vec![
            at("docs/extra/page.md", 3, "warn"),
            at("docs/ja/index.md", 5, "warn"),
        ]
    );
}

#[test]
fn an_exdoc_config_script_makes_its_extras_a_site() {
    // `ex_doc --config lib/lang/scripts/docs.exs` (no `mix.exs` docs):
    // the extras it lists are pages of an ExDoc site, so `releases.md` is
    // a guide for users, not a maintainers' doc, and its `bin/shop` (in
    // the reader's release) warns; `` `Kernel` `` is an autolink and
    // `assets/logo.png` the copied images folder. The page it links that
    // no folder holds still warns, and the root RELEASING.md still blocks.
    let (code, mut got) = run("docs-links/exdoc-config-script", &[]);
    got.sort();
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            at("RELEASING.md", 3, "block"),
            at("lib/lang/pages/guide/releases.md", 5, "warn"),
            at("lib/lang/pages/guide/releases.md", 7, "warn"),
        ]
    );
}

#[test]
fn exdoc_copies_its_assets_folders_beside_every_page() {
    // `assets: %{Path.expand("./guides/images") => "images"}` puts the
    // folder at `images/` next to the flattened extras: `images/shot.png`
    // from guides/howto/ is guides/images/shot.png. A file the folder does
    // not hold is still reported.
    let (code, got) = run("docs-links/exdoc-assets", &[]);
    assert_eq!(code, 0);
    assert_eq!(got, vec![at("guides/howto/setup.md", 9, "warn")]);
}

#[test]
fn docusaurus_pages_are_reached_at_the_urls_their_front_matter_and_plugins_give() {
    // `id: configs` serves `users/Shared_Configs.md` at `/docs/users/configs`;
    // a second docs plugin instance serves `../api-docs` at `/api/`; a
    // blog post is at its `slug:` or, dated, at `/blog/YYYY/MM/DD/name`.
    // The page no file gives is still reported.
    let (code, got) = run("docs-links/docusaurus-urls", &[]);
    assert_eq!(code, 0);
    assert_eq!(got, vec![at("website/docs/guide.md", 8, "warn")]);
}

#[test]
fn docusaurus_versioned_docs_react_pages_and_the_blog_index_resolve() {
    // A frozen version folder names its pages by their `id:` within that
    // folder (`setup` is the 1.0 `Setup.md`); `/help` is a React page of
    // `src/pages` and `/blog/` the generated blog index. A page only the
    // current docs have, and a URL no page gives, still warn.
    let (code, got) = run("docs-links/docusaurus-versions", &[]);
    assert_eq!(code, 0);
    let guide = "website/versioned_docs/version-1.0/guide.md";
    assert_eq!(got, vec![at(guide, 9, "warn"), at(guide, 10, "warn")]);
}

#[test]
fn a_docusaurus_markdown_link_is_looked_up_from_the_docs_folder() {
    // `[catalog](catalogs.md)` in `docs/cli/add.md` is `docs/catalogs.md`
    // to Docusaurus, which tries the docs folder (of the page's version)
    // and the site folder before the page's own folder. A link written
    // `./catalogs.md` is only beside the page, and `workspaces.md` is no
    // page anywhere: both still warn.
    let (code, got) = run("docs-links/docusaurus-content-root", &[]);
    assert_eq!(code, 0);
    let add = "docs/cli/add.md";
    assert_eq!(got, vec![at(add, 7, "warn"), at(add, 8, "warn")]);
}

#[test]
fn a_sphinx_myst_link_to_a_dotted_python_name_is_a_cross_reference() {
    // `[renderer](mypkg.render.JSONRenderer)` in a MyST page is resolved by
    // Sphinx to the object autodoc documents; it names no file. A link to
    // a missing `setup.py` or `changes.rst` is a path and still warns.
    let (code, got) = run("docs-links/sphinx-python-objects", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        got,
        vec![at("docs/why.md", 9, "warn"), at("docs/why.md", 10, "warn")]
    );
}

#[test]
fn a_myst_explicit_target_is_an_anchor() {
    // `(event-stream)=` before a heading is a MyST target, which
    // `[text](#event-stream)` links to; a label no page defines still warns.
    let (code, got) = run("docs-links/myst-targets", &[]);
    assert_eq!(code, 0);
    assert_eq!(got, vec![at("docs/plugins.md", 7, "warn")]);
}

#[test]
fn a_vitepress_config_folder_is_a_site_and_its_ignored_api_pages_are_build_output() {
    // `.vitepress/config/index.ts` (with `srcDir` in a file beside it)
    // configures the site as `.vitepress/config.ts` would, four levels
    // down; a link into the API folder its `.gitignore` names is a page
    // the build writes. A page that is neither still warns.
    let (code, got) = run("docs-links/vitepress-config-folder", &[]);
    assert_eq!(code, 0);
    assert_eq!(got, vec![at("packages/docs/src/guide/intro.md", 7, "warn")]);
}

#[test]
fn order_prefixed_pages_are_linked_by_their_names_without_the_prefix() {
    // Pages named `02-guide/01-setup.md` for a site built elsewhere, which
    // drops the prefixes and serves the tree from one folder: `setup` from
    // a numbered page in another section is that page, its anchor left to
    // the site. A name no page has, and the same link from a page without
    // a prefix, still warn.
    let (code, got) = run("docs-links/numbered-pages", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        got,
        vec![
            at(
                "documentation/docs/01-introduction/01-overview.md",
                7,
                "warn"
            ),
            at("documentation/notes.md", 3, "warn"),
        ]
    );
}

#[test]
fn jekyll_pages_with_the_markdown_extension_are_reached_without_it() {
    // `guide` and `index#features` are the site's `guide.markdown` and
    // `index.markdown`: found, anchors checked. `setup` names no page.
    let (code, got) = run("docs-links/jekyll-markdown-pages", &[]);
    assert_eq!(code, 0);
    assert_eq!(got, vec![at("site/index.markdown", 11, "warn")]);

    // An anchor the `.markdown` page lacks is still reported.
    let tmp = copy_fixture("docs-links/jekyll-markdown-pages");
    let page = std::fs::read_to_string(tmp.path().join("site/index.markdown")).unwrap();
    write(
        tmp.path(),
        "site/index.markdown",
        page.replace("guide#usage", "guide#install"),
    );
    let (_, report) = check_json(tmp.path(), &["--only", ID]);
    assert_eq!(
        findings(&report, ID),
        vec![
            at("site/index.markdown", 10, "warn"),
            at("site/index.markdown", 11, "warn")
        ]
    );
}

#[test]
fn docfx_tab_headings_name_tabs_not_anchors() {
    // `# [xUnit](#tab/xunit)` in a folder docfx.json builds is a tab of the
    // page. A `#tab/…` link in a paragraph is an in-page link: reported.
    let (code, got) = run("docs-links/docfx-tabs", &[]);
    assert_eq!(code, 0);
    assert_eq!(got, vec![at("site/guide/install.md", 15, "warn")]);

    // Without docfx.json the headings' links are in-page links too.
    let tmp = copy_fixture("docs-links/docfx-tabs");
    std::fs::remove_file(tmp.path().join("site/docfx.json")).unwrap();
    let (_, report) = check_json(tmp.path(), &["--only", ID]);
    assert_eq!(
        findings(&report, ID),
        vec![
            at("site/guide/install.md", 5, "warn"),
            at("site/guide/install.md", 9, "warn"),
            at("site/guide/install.md", 15, "warn")
        ]
    );
}

#[test]
fn a_docusaurus_one_site_serves_its_docs_as_html_pages_under_its_base_url() {
    // `website/siteConfig.js` beside a package.json on `docusaurus` 1:
    // `guide.html` from a doc is `docs/guide.md` (even when the config's
    // docs folder is written at build time from `docs/`), and a blog link
    // to `/example/docs/guide.html` counts the `baseUrl`. A page no file
    // backs still warns.
    let (code, got) = run("docs-links/docusaurus-one", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        got,
        vec![
            at("docs/start.md", 8, "warn"),
            at("website/blog/2024-05-01-launch.md", 6, "warn"),
        ]
    );
}

#[test]
fn a_starlight_site_serves_slugs_astro_pages_and_redirects() {
    // Starlight pages with order prefixes are served at their `slug:`;
    // `src/pages/…/active.astro` is an Astro page and `/invite` a redirect
    // in the config. A URL none of them gives still warns.
    let (code, got) = run("docs-links/starlight-slugs", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        got,
        vec![at(
            "site/src/content/docs/02-guides/01-first.md",
            10,
            "warn"
        )]
    );
}

#[test]
fn a_hugo_site_configured_by_config_toml_is_a_site() {
    // `site/config.toml` with Hugo's `baseURL` beside `site/content/`:
    // `/docs/user/setup/` is a page of it; `/docs/user/missing` is not.
    let (code, got) = run("docs-links/hugo-legacy-config", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        got,
        vec![at("site/content/docs/user/quick-start.md", 7, "warn")]
    );
}

#[test]
fn exdoc_extras_are_linked_by_the_filename_the_config_gives_them() {
    // `"guides/backend/nx.md": [filename: "backend-nx"]` is served as
    // `backend-nx.html`; a name no extra takes still warns.
    let (code, got) = run("docs-links/exdoc-extra-filenames", &[]);
    assert_eq!(code, 0);
    assert_eq!(got, vec![at("guides/backend/index.md", 4, "warn")]);
}

#[test]
fn a_docs_folder_named_target_is_read_but_a_build_target_is_not() {
    // `docs/guide/target/` is a folder of pages; `engine/target/` beside
    // `engine/Cargo.toml` is cargo's output, which the walk leaves out.
    let (code, got) = run("docs-links/content-target-folder", &[]);
    assert_eq!(code, 0);
    assert_eq!(got, vec![at("docs/guide/index.md", 5, "warn")]);
}

#[test]
fn a_jekyll_link_that_climbs_from_the_pretty_url_lands_in_the_site() {
    // Served at `/docs/kitchen-sink/`, the page reaches `assets/` with
    // `../../`; one more level leaves the site and still warns.
    let (code, got) = run("docs-links/jekyll-pretty-climb", &[]);
    assert_eq!(code, 0);
    assert_eq!(got, vec![at("docs/kitchen-sink.md", 9, "warn")]);
}

#[test]
fn a_fragment_other_pages_paste_in_links_from_their_folders() {
    // `docs/snippets/see-also.md` is pasted into two style pages by
    // pymdownx.snippets, `book/shared/notes.md` into a chapter by mdBook's
    // `{{#include}}`: their links to pages beside the including page are
    // fine; a link broken from every includer still warns, and the README's
    // broken link still blocks.
    let (code, mut got) = run("docs-links/included-fragment", &[]);
    got.sort();
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            at("README.md", 4, "block"),
            at("book/shared/notes.md", 2, "warn"),
            at("docs/snippets/see-also.md", 2, "warn"),
        ]
    );
}

#[test]
fn a_myst_directive_name_option_is_an_anchor() {
    // `:name:` under `:::{figure}` and `:label:` under ```` ```{code-block} ````
    // label the directive, and `[](#label)` links to it; the same words
    // outside a directive's option block label nothing, so a release doc's
    // link to them still blocks.
    let (code, got) = run("docs-links/myst-directive-names", &[]);
    assert_eq!(code, 1);
    assert_eq!(got, vec![at("RELEASING.md", 21, "block")]);
}

#[test]
fn a_mystmd_project_reaches_labels_on_its_other_pages() {
    // In a mystmd project (`myst.yml` with `project:`) `[](#label)` finds
    // a label on any page: a `(label)=` target and a directive's `:label:`
    // in `docs/keys.md` are reached from `RELEASING.md`. A label no page
    // defines still blocks in that release doc.
    let (code, got) = run("docs-links/mystmd-project-labels", &[]);
    assert_eq!(code, 1);
    assert_eq!(got, vec![at("RELEASING.md", 7, "block")]);
}

#[test]
fn the_readme_of_a_package_never_published_warns() {
    // `"private": true` (a monorepo's starter template) and `publish =
    // false` say the package never reaches a registry: its README is not a
    // registry's page, so a broken link there warns. The same link in a
    // published package's README still blocks.
    let (code, mut got) = run("docs-links/private-package-readme", &[]);
    got.sort();
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            at("crates/bench-tool/README.md", 3, "warn"),
            at("crates/gauge/README.md", 3, "block"),
            at("packages/starter/README.md", 3, "warn"),
            at("packages/widgets/README.md", 3, "block"),
        ]
    );
}

#[test]
fn a_docfx_site_resolves_root_links_from_its_folder() {
    // `/help/matchers/` in a page of the folder docfx.json builds is the
    // page `docs/help/matchers/index.md`; a root link to a page no folder
    // holds still warns.
    let (code, got) = run("docs-links/docfx-root-links", &[]);
    assert_eq!(code, 0);
    assert_eq!(got, vec![at("docs/help/callbacks/index.md", 8, "warn")]);
}

#[test]
fn the_file_a_manifest_names_as_its_readme_blocks_like_a_readme() {
    // `readme = "docs/PYPI_README.md"`: that file is the package's page on
    // PyPI, so its broken link blocks; the same link in another page of
    // the docs warns.
    let (code, mut got) = run("docs-links/manifest-readme", &[]);
    got.sort();
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            at("docs/PYPI_README.md", 3, "block"),
            at("docs/guide.md", 3, "warn"),
        ]
    );
}
