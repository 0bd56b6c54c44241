//! Writes a synthetic monorepo for `scripts/bench.sh`:
//! `cargo run --release --example bench_tree -- DIR SCALE`.
//! At scale 1: 1,000 workflows (publishing and plain, pinned and not),
//! 5,000 Markdown docs with links and cited paths, 200 package manifests.
//! Deterministic: the same scale always gives the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(scale)) = (
        args.get(1),
        args.get(2).and_then(|s| s.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: bench_tree DIR SCALE");
        std::process::exit(2);
    };
    let root = Path::new(dir);
    if let Err(e) = write_tree(root, scale) {
        eprintln!("bench_tree: {e}");
        std::process::exit(1);
    }
}

fn write(root: &Path, rel: &str, text: &str) -> std::io::Result<()> {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(p, text)
}

const SHA: &str = "11bd71901bbe5b1630ceea73d27597364c9af683";

fn workflow(i: usize) -> String {
    let pinned = !i.is_multiple_of(3);
    let checkout = if pinned {
        format!("actions/checkout@{SHA} # v4.2.2")
    } else {
        "actions/checkout@v4".into()
    };
    let mut s = format!("name: wf-{i}\non:\n  push:\n    branches: [main]\n  pull_request:\n");
    if i.is_multiple_of(4) {
        // A publishing workflow.
        let _ = write!(
            s,
            "  release:\n    types: [published]\npermissions: {{}}\nconcurrency:\n  group: release-${{{{ github.ref }}}}\n  cancel-in-progress: false\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps:\n      - uses: {checkout}\n        with:\n          persist-credentials: false\n      - run: |\n          npm ci\n          npm run build\n          npm pack\n      - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2\n        with:\n          name: pkg\n          path: '*.tgz'\n  publish:\n    needs: build\n    runs-on: ubuntu-latest\n    environment: npm\n    permissions:\n      contents: read\n      id-token: write\n    steps:\n      - uses: actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0\n        with:\n          name: pkg\n      - uses: actions/setup-node@1d0ff469b7ec7b3cb9d8673fde0c81c44821de2a # v4.2.0\n        with:\n          node-version: 22\n          registry-url: https://registry.npmjs.org\n      - run: npm publish --provenance *.tgz\n"
        );
        if i.is_multiple_of(8) {
            s.push_str("        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n");
        }
    } else {
        let _ = write!(
            s,
            "permissions:\n  contents: read\njobs:\n  test:\n    runs-on: ${{{{ matrix.os }}}}\n    strategy:\n      matrix:\n        os: [ubuntu-latest, macos-latest]\n    steps:\n      - uses: {checkout}\n      - uses: actions/setup-node@1d0ff469b7ec7b3cb9d8673fde0c81c44821de2a # v4.2.0\n        with:\n          node-version: 22\n          cache: npm\n      - run: |\n          npm ci\n          npm test -- --shard {i}\n          npm run lint\n"
        );
    }
    s
}

fn doc(i: usize, docs: usize, pkgs: usize) -> String {
    let mut s =
        format!("# Document {i}\n\nThis page describes part {i} of the system.\n\n## Usage\n\n");
    for k in 0..8 {
        let target = (i * 7 + k * 13) % docs;
        let _ = writeln!(
            s,
            "- See [doc {target}](../d{}/doc{target}.md#usage) and the package `packages/pkg{}/package.json`.",
            target % 50,
            (i + k) % pkgs
        );
    }
    // Real docs go stale: about one page in eight links a page that moved
    // out of the next folder, one in twenty an anchor that is gone, one in
    // ten cites a file that no longer exists.
    if i.is_multiple_of(8) {
        let _ = writeln!(
            s,
            "- The [next part](../d{}/moved{i}.md) lives in the next folder.",
            (i + 1) % 50
        );
    }
    if i % 20 == 5 {
        let target = (i * 3) % docs;
        let _ = writeln!(
            s,
            "- See [old section](../d{}/doc{target}.md#no-such-section).",
            target % 50
        );
    }
    if i % 10 == 3 {
        let _ = writeln!(
            s,
            "- Proof lives in `packages/pkg{}/test/gone_{i}.test.js`.",
            i % pkgs
        );
    }
    s.push_str("\n## Details\n\n");
    for k in 0..12 {
        let _ = writeln!(
            s,
            "Paragraph {k}: the release lane runs `npm publish` only from the trusted job; run `mix ci` before merge. \
             Reference: [the changelog](../../CHANGELOG.md) and <https://example.com/{i}/{k}>."
        );
    }
    s
}

fn write_tree(root: &Path, scale: usize) -> std::io::Result<()> {
    let (wfs, docs, pkgs) = (1000 * scale, 5000 * scale, 200 * scale);
    for i in 0..wfs {
        write(root, &format!(".github/workflows/wf{i}.yml"), &workflow(i))?;
    }
    for i in 0..docs {
        write(
            root,
            &format!("docs/d{}/doc{i}.md", i % 50),
            &doc(i, docs, pkgs),
        )?;
    }
    for i in 0..pkgs {
        let manifest = match i % 3 {
            0 => format!(
                "{{\n  \"name\": \"@bench/pkg{i}\",\n  \"version\": \"1.{i}.0\",\n  \"license\": \"MIT\",\n  \"description\": \"package {i}\",\n  \"repository\": {{\"type\": \"git\", \"url\": \"https://github.com/bench/mono.git\"}},\n  \"scripts\": {{\"build\": \"tsc\", \"test\": \"vitest\"}}\n}}\n"
            ),
            1 => format!(
                "{{\n  \"name\": \"@bench/pkg{i}\",\n  \"version\": \"0.{i}.1\",\n  \"private\": true\n}}\n"
            ),
            _ => format!(
                "{{\n  \"name\": \"@bench/pkg{i}\",\n  \"version\": \"2.0.{i}\",\n  \"license\": \"Apache-2.0\"\n}}\n"
            ),
        };
        write(root, &format!("packages/pkg{i}/package.json"), &manifest)?;
        write(
            root,
            &format!("packages/pkg{i}/CHANGELOG.md"),
            &format!("# Changelog\n\n## [Unreleased]\n\n## [1.{i}.0] - 2026-01-01\n\n- First.\n"),
        )?;
    }
    write(
        root,
        "CHANGELOG.md",
        "# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- First release.\n",
    )?;
    write(
        root,
        "package.json",
        "{\n  \"name\": \"bench-mono\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n  \"workspaces\": [\"packages/*\"],\n  \"scripts\": {\"ci\": \"npm ci && npm test && npm run lint\"}\n}\n",
    )?;
    write(
        root,
        "README.md",
        "# bench\n\nSee [docs](docs/d0/doc0.md) and `packages/pkg0/package.json`.\n",
    )?;
    Ok(())
}
