//! Compares the block-style locator (`shipgate::workflow::fast_locate`)
//! with the location tree (yamlpath) on every route of every workflow
//! under the given directories. Prints each disagreement and a summary;
//! exits 1 if any answer differs.
//!
//!     cargo run --release --example locate_diff -- DIR...

use shipgate::workflow::fast_locate::{Compared, compare_with_tree};

fn main() {
    let mut files = Vec::new();
    for dir in std::env::args().skip(1) {
        files.extend(workflows(std::path::Path::new(&dir)));
    }
    let (mut agree, mut unsure, mut differ, mut whole, mut read) = (0, 0, 0, 0, 0);
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        match compare_with_tree(&text) {
            Compared::Unparsed => {}
            Compared::NotBlockStyle => {
                read += 1;
                whole += 1;
            }
            Compared::Done {
                agree: a,
                unsure: u,
                differ: d,
            } => {
                read += 1;
                agree += a;
                unsure += u;
                for line in d.iter().take(20) {
                    println!("DIFF {} {line}", f.display());
                }
                differ += d.len();
            }
        }
    }
    println!(
        "files {read} (whole file left to the tree {whole}); answers agree {agree}, unsure {unsure}, differ {differ}"
    );
    if differ > 0 {
        std::process::exit(1);
    }
}

/// The YAML files under a `.github/workflows/` folder below `dir`.
fn workflows(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            out.extend(workflows(&p));
        } else if ft.is_file()
            && p.to_string_lossy().contains(".github/workflows/")
            && p.extension().is_some_and(|x| x == "yml" || x == "yaml")
        {
            out.push(p);
        }
    }
    out
}
