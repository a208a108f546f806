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

/// The crates in the injection page's wasm sort through `meshsim_yaml::sort`: each
/// `slice::sort*` call site costs the page 3 to 4 KB of wasm (see `crates/yaml/src/sort.rs`).
#[test]
fn page_crates_sort_with_the_shared_sort() {
    const SLICE_SORTS: &[&str] = &[".sort()", ".sort_by(", ".sort_by_key(", ".sort_unstable", ".sort_by_cached_key("];
    let mut files = Vec::new();
    for dir in ["yaml/src", "inject/src", "../src"] {
        rust_files(&crates_dir().join(dir), &mut files);
    }
    let mut offenders = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        // Unit tests compare against the standard sort; they never reach the wasm.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (i, line) in code.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if SLICE_SORTS.iter().any(|needle| code.contains(needle)) {
                offenders.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "use meshsim_yaml::sort instead of slice sorts:\n{}", offenders.join("\n"));
}
