//! scripts/install-action.sh against a fake release served on 127.0.0.1:
//! a good archive is installed, a tampered one is refused with nothing
//! installed, and a missing release asset chooses the cargo fallback.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TARGET: &str = "x86_64-unknown-linux-musl";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-action.sh")
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn tools_present() -> bool {
    let missing: Vec<&str> = ["bash", "curl", "tar"]
        .into_iter()
        .filter(|t| !have(t))
        .collect();
    let hash = have("sha256sum") || have("shasum");
    if missing.is_empty() && hash {
        return true;
    }
    // A test that passes without running proves nothing: only an explicit
    // opt-out skips it.
    assert!(
        std::env::var_os("SHIPGATE_SKIP_INSTALL_TESTS").is_some(),
        "the install-script tests need bash, curl, tar and sha256sum or shasum \
         (missing: {}{}); set SHIPGATE_SKIP_INSTALL_TESTS=1 to skip them",
        missing.join(", "),
        if hash { "" } else { " a sha256 tool" }
    );
    eprintln!("skipping: SHIPGATE_SKIP_INSTALL_TESTS is set");
    false
}

/// The install step wrote each of `want` to `$GITHUB_OUTPUT`.
fn has_outputs(run: &Run, want: &[&str]) {
    for w in want {
        assert!(
            run.github_output.contains(w),
            "no `{w}` in:\n{}",
            run.github_output
        );
    }
}

/// Serves files under `root` over HTTP/1.0 on 127.0.0.1 until the test ends:
/// 200 with the file when it exists, 404 otherwise. Returns the base URL.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // Drain the headers.
            let mut header = String::new();
            while reader
                .read_line(&mut header)
                .map(|n| n > 2)
                .unwrap_or(false)
            {
                header.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let file = root.join(path.trim_start_matches('/'));
            let safe = !path.contains("..");
            let response = match std::fs::read(&file) {
                Ok(body) if safe && file.is_file() => {
                    let mut r = format!(
                        "HTTP/1.0 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend_from_slice(&body);
                    r
                }
                _ => b"HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found"
                    .to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    format!("http://{addr}")
}

fn sha256(file: &Path) -> String {
    let cmd = if have("sha256sum") {
        "sha256sum"
    } else {
        "shasum -a 256"
    };
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{cmd} \"$1\"", cmd = cmd))
        .arg("sh")
        .arg(file)
        .output()
        .expect("sha256");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("a digest")
        .to_string()
}

/// Publishes release `tag` under `root`: an archive holding a fake
/// `shipgate` and its checksum file. With `tamper`, the archive is changed
/// after its checksum was written.
fn publish(root: &Path, tag: &str, tamper: bool) {
    let dir = root.join(tag);
    std::fs::create_dir_all(&dir).expect("release dir");
    let staging = tempfile::tempdir().expect("tempdir");
    let bin = staging.path().join("shipgate");
    std::fs::write(&bin, format!("#!/bin/sh\necho 'fake shipgate {tag}'\n")).expect("fake bin");
    let archive = dir.join(format!("shipgate-{TARGET}.tar.gz"));
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(staging.path())
        .arg("shipgate")
        .status()
        .expect("tar");
    assert!(status.success());
    let digest = sha256(&archive);
    std::fs::write(
        dir.join(format!("shipgate-{TARGET}.tar.gz.sha256")),
        format!("{digest}  shipgate-{TARGET}.tar.gz\n"),
    )
    .expect("checksum file");
    if tamper {
        let mut bytes = std::fs::read(&archive).expect("archive");
        bytes.extend_from_slice(b"tampered");
        std::fs::write(&archive, bytes).expect("tampered archive");
    }
}

struct Run {
    output: Output,
    github_output: String,
    github_path: String,
    root: PathBuf,
}

fn install(base: &str, work: &Path, envs: &[(&str, &str)], args: &[&str]) -> Run {
    let root = work.join("install-root");
    let gh_output = work.join("github-output");
    let gh_path = work.join("github-path");
    let _ = std::fs::remove_file(&gh_output);
    let _ = std::fs::remove_file(&gh_path);
    let mut cmd = Command::new("bash");
    cmd.arg(script())
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", work)
        .env("SHIPGATE_DOWNLOAD_URL", base)
        .env("SHIPGATE_TARGET", TARGET)
        .env("SHIPGATE_INSTALL_ROOT", &root)
        .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
        .env("GITHUB_OUTPUT", &gh_output)
        .env("GITHUB_PATH", &gh_path);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("run install-action.sh");
    Run {
        output,
        github_output: std::fs::read_to_string(&gh_output).unwrap_or_default(),
        github_path: std::fs::read_to_string(&gh_path).unwrap_or_default(),
        root,
    }
}

fn stderr(run: &Run) -> String {
    String::from_utf8_lossy(&run.output.stderr).into_owned()
}

#[test]
fn good_checksum_installs_the_release_binary() {
    if !tools_present() {
        return;
    }
    let releases = tempfile::tempdir().expect("tempdir");
    publish(releases.path(), "v9.8.7", false);
    let base = serve(releases.path().to_path_buf());
    let work = tempfile::tempdir().expect("tempdir");
    let run = install(&base, work.path(), &[("SHIPGATE_VERSION", "9.8.7")], &[]);
    assert!(run.output.status.success(), "{}", stderr(&run));
    let bin = run.root.join("bin/shipgate");
    let out = Command::new(&bin)
        .output()
        .expect("run the installed binary");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "fake shipgate v9.8.7\n"
    );
    has_outputs(&run, &["method=release\n", "version=v9.8.7\n"]);
    assert_eq!(
        run.github_path.trim(),
        run.root.join("bin").to_string_lossy()
    );
}

#[test]
fn the_action_ref_is_the_default_version() {
    if !tools_present() {
        return;
    }
    let releases = tempfile::tempdir().expect("tempdir");
    publish(releases.path(), "v1.2.3", false);
    let base = serve(releases.path().to_path_buf());
    let work = tempfile::tempdir().expect("tempdir");
    let run = install(
        &base,
        work.path(),
        &[("SHIPGATE_ACTION_REF", "v1.2.3")],
        &[],
    );
    assert!(run.output.status.success(), "{}", stderr(&run));
    assert!(run.root.join("bin/shipgate").is_file());
    has_outputs(&run, &["version=v1.2.3\n"]);
}

#[test]
fn tampered_archive_is_refused_and_nothing_is_installed() {
    if !tools_present() {
        return;
    }
    let releases = tempfile::tempdir().expect("tempdir");
    publish(releases.path(), "v9.8.7", true);
    let base = serve(releases.path().to_path_buf());
    let work = tempfile::tempdir().expect("tempdir");
    let run = install(&base, work.path(), &[("SHIPGATE_VERSION", "v9.8.7")], &[]);
    assert!(!run.output.status.success());
    assert!(
        stderr(&run).contains("checksum mismatch"),
        "{}",
        stderr(&run)
    );
    assert!(!run.root.join("bin/shipgate").exists());
    assert!(
        !run.github_output.contains("method="),
        "{}",
        run.github_output
    );
    assert!(run.github_path.is_empty());
}

#[test]
fn missing_checksum_file_is_refused() {
    if !tools_present() {
        return;
    }
    let releases = tempfile::tempdir().expect("tempdir");
    publish(releases.path(), "v9.8.7", false);
    std::fs::remove_file(
        releases
            .path()
            .join(format!("v9.8.7/shipgate-{TARGET}.tar.gz.sha256")),
    )
    .expect("remove checksum");
    let base = serve(releases.path().to_path_buf());
    let work = tempfile::tempdir().expect("tempdir");
    let run = install(&base, work.path(), &[("SHIPGATE_VERSION", "9.8.7")], &[]);
    assert!(!run.output.status.success());
    assert!(!run.root.join("bin/shipgate").exists());
}

#[test]
fn missing_release_asset_chooses_cargo_install() {
    if !tools_present() {
        return;
    }
    let releases = tempfile::tempdir().expect("tempdir");
    let base = serve(releases.path().to_path_buf());
    let work = tempfile::tempdir().expect("tempdir");
    let run = install(&base, work.path(), &[("SHIPGATE_VERSION", "0.0.1")], &[]);
    assert!(run.output.status.success(), "{}", stderr(&run));
    has_outputs(
        &run,
        &["method=cargo\n", "source=crates-io\n", "cache-key=v0.0.1\n"],
    );
    assert!(!run.root.join("bin/shipgate").exists());

    // The fallback step, with cargo stubbed: it runs `cargo install --locked`
    // for that version and puts the install root's bin on PATH.
    let stub = work.path().join("fake-cargo");
    let log = work.path().join("cargo-args");
    std::fs::write(
        &stub,
        format!("#!/bin/sh\necho \"$@\" > '{}'\n", log.display()),
    )
    .expect("stub");
    let chmod = Command::new("chmod").arg("+x").arg(&stub).status();
    assert!(chmod.map(|s| s.success()).unwrap_or(false));
    let run = install(
        &base,
        work.path(),
        &[
            ("SHIPGATE_VERSION", "0.0.1"),
            ("SHIPGATE_CARGO", stub.to_str().expect("utf-8 path")),
        ],
        &["cargo"],
    );
    assert!(run.output.status.success(), "{}", stderr(&run));
    let args = std::fs::read_to_string(&log).expect("cargo was run");
    assert!(args.starts_with("install --locked --root "), "{args}");
    assert!(
        args.trim_end().ends_with("shipgate --version 0.0.1"),
        "{args}"
    );
    assert_eq!(
        run.github_path.trim(),
        run.root.join("bin").to_string_lossy()
    );
}

#[test]
fn no_version_tag_builds_the_action_source() {
    if !tools_present() {
        return;
    }
    // Nothing is served: without a version tag the script must not download.
    let work = tempfile::tempdir().expect("tempdir");
    let run = install(
        "http://127.0.0.1:9",
        work.path(),
        &[("SHIPGATE_ACTION_REF", "main")],
        &[],
    );
    assert!(run.output.status.success(), "{}", stderr(&run));
    has_outputs(&run, &["method=cargo\n", "source=path\n", "cache-key=src-"]);
}

#[test]
fn a_version_that_is_not_one_is_an_input_error() {
    if !tools_present() {
        return;
    }
    let work = tempfile::tempdir().expect("tempdir");
    let run = install(
        "http://127.0.0.1:9",
        work.path(),
        &[("SHIPGATE_VERSION", "1.0.0/../../evil")],
        &[],
    );
    assert_eq!(run.output.status.code(), Some(2), "{}", stderr(&run));
    assert!(run.github_output.is_empty());
}
