//! Compares the block-style locator (`shipgate::workflow::fast_locate`)
//! with the location tree (yamlpath) on every route of every workflow
//! under the given directories. Prints each disagreement and a summary;
//! exits 1 if any answer differs.
//!
//!     cargo run --release --example locate_diff -- DIR...

use shipgate::workflow::Key;
use shipgate::workflow::fast_locate::{Answer, Index, Mode};
use yamlpath::{Component, Document, Route};

fn routes(
    v: &yaml_serde::Value,
    prefix: &mut Vec<String>,
    out: &mut Vec<Vec<String>>,
    depth: usize,
) {
    out.push(prefix.clone());
    if depth > 9 {
        return;
    }
    match v {
        yaml_serde::Value::Mapping(m) => {
            for (k, val) in m {
                if let Some(k) = k.as_str() {
                    prefix.push(format!("K{k}"));
                    routes(val, prefix, out, depth + 1);
                    prefix.pop();
                }
            }
            prefix.push("Knot-a-key-here".into());
            out.push(prefix.clone());
            prefix.pop();
        }
        yaml_serde::Value::Sequence(s) => {
            for (i, val) in s.iter().enumerate() {
                prefix.push(format!("I{i}"));
                routes(val, prefix, out, depth + 1);
                prefix.pop();
            }
            prefix.push(format!("I{}", s.len()));
            out.push(prefix.clone());
            prefix.pop();
        }
        yaml_serde::Value::Tagged(t) => routes(&t.value, prefix, out, depth),
        _ => {}
    }
}

fn main() {
    let mut files = Vec::new();
    for dir in std::env::args().skip(1) {
        for e in walk(std::path::Path::new(&dir)) {
            files.push(e);
        }
    }
    let (mut agree, mut unsure, mut differ, mut whole_unsure, mut nfiles) = (0, 0, 0, 0, 0);
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let Ok(value) = yaml_serde::from_str::<yaml_serde::Value>(&text) else {
            continue;
        };
        let Ok(doc) = Document::new(text.clone()) else {
            continue;
        };
        nfiles += 1;
        let Some(index) = Index::new(&text) else {
            whole_unsure += 1;
            continue;
        };
        let lines = index.view(&text);
        let mut all = Vec::new();
        routes(&value, &mut Vec::new(), &mut all, 0);
        for r in all {
            let keys: Vec<Key<'_>> = r
                .iter()
                .map(|s| match s.strip_prefix('K') {
                    Some(k) => Key::K(k),
                    None => Key::I(s[1..].parse().unwrap()),
                })
                .collect();
            let comps: Vec<Component<'_>> = keys
                .iter()
                .map(|k| match k {
                    Key::K(k) => Component::Key((*k).into()),
                    Key::I(i) => Component::Index(*i),
                })
                .collect();
            let route = Route::from(comps);
            for mode in [Mode::Exact, Mode::Pretty, Mode::KeyOnly] {
                if mode == Mode::KeyOnly && !matches!(keys.last(), Some(Key::K(_))) {
                    continue;
                }
                let fast = lines.query(&keys, mode);
                let tree = match mode {
                    Mode::Exact => match doc.query_exact(&route) {
                        Ok(Some(f)) => {
                            Answer::Found(f.location.byte_span.0, f.location.byte_span.1)
                        }
                        Ok(None) => Answer::NoValue,
                        Err(_) => Answer::Missing,
                    },
                    Mode::Pretty => match doc.query_pretty(&route) {
                        Ok(f) => Answer::Found(f.location.byte_span.0, f.location.byte_span.1),
                        Err(_) => Answer::Missing,
                    },
                    Mode::KeyOnly => match doc.query_key_only(&route) {
                        Ok(f) => Answer::Found(f.location.byte_span.0, f.location.byte_span.1),
                        Err(_) => Answer::Missing,
                    },
                };
                if fast == Answer::Unsure {
                    unsure += 1;
                } else if fast == tree {
                    agree += 1;
                } else {
                    differ += 1;
                    if differ <= 60 {
                        let show = |a: Answer| match a {
                            Answer::Found(s, e) => {
                                format!("{s}..{e} {:?}", &text[s..e.min(s + 60).min(text.len())])
                            }
                            other => format!("{other:?}"),
                        };
                        println!(
                            "DIFF {} {:?} {:?}\n  fast {}\n  tree {}",
                            f.display(),
                            r,
                            mode,
                            show(fast),
                            show(tree)
                        );
                    }
                }
            }
            if let Some(c) = lines.comments(&keys) {
                let tree: Option<Vec<(usize, usize)>> = match doc.query_exact(&route) {
                    Ok(Some(f)) => Some(
                        doc.feature_comments(&f)
                            .iter()
                            .map(|c| c.location.byte_span)
                            .collect(),
                    ),
                    _ => None,
                };
                if c == tree {
                    agree += 1;
                } else {
                    differ += 1;
                    if differ <= 60 {
                        println!(
                            "DIFF comments {} {:?}\n  fast {:?}\n  tree {:?}",
                            f.display(),
                            r,
                            c,
                            tree
                        );
                    }
                }
            } else {
                unsure += 1;
            }
        }
    }
    println!(
        "files {nfiles} (whole file unsure {whole_unsure}); answers agree {agree}, unsure {unsure}, differ {differ}"
    );
    if differ > 0 {
        std::process::exit(1);
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            out.extend(walk(&p));
        } else if ft.is_file()
            && p.to_string_lossy().contains(".github/workflows/")
            && p.extension().is_some_and(|x| x == "yml" || x == "yaml")
        {
            out.push(p);
        }
    }
    out
}
