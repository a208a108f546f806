//! Architecture invariants that a grep can check (see ARCHITECTURE.md, "Invariants").

use std::path::{Path, PathBuf};

const PURE: &[&str] = &["yaml", "inject", "gotmpl", "cluster", "kubectl"];
const WEB_CRATES: &[&str] = &["web-sys", "js-sys", "wasm-bindgen", "yew", "gloo"];
const CLOCKS: &[&str] = &["Instant::now", "SystemTime", "std::time::Instant", "chrono::", "Utc::now"];

fn crates_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn pure_crates_have_no_web_dependencies() {
    for c in PURE {
        let manifest = std::fs::read_to_string(crates_dir().join(c).join("Cargo.toml")).unwrap();
        for dep in WEB_CRATES {
            let dep_line = manifest.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with(&format!("{dep} ")) || l.starts_with(&format!("{dep}=")) || l.starts_with(&format!("{dep}."))
            });
            assert!(!dep_line, "crates/{c}/Cargo.toml depends on {dep}");
        }
    }
}

#[test]
fn pure_crates_never_read_a_clock_or_the_dom() {
    let mut offenders = Vec::new();
    for c in PURE {
        let mut files = Vec::new();
        rust_files(&crates_dir().join(c).join("src"), &mut files);
        assert!(!files.is_empty(), "crates/{c}/src has no Rust files");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for needle in CLOCKS.iter().chain(&["web_sys", "gloo::", "yew::"]) {
                    if code.contains(needle) {
                        offenders.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "clock or web use in pure crates:\n{}", offenders.join("\n"));
}
