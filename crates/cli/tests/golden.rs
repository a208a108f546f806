//! The project's own `meshsim inject` goldens (`tests/golden/inject`): input → expected output.
//!
//! One `check` helper runs a case exactly as the binary would (same argument parsing, same code) and
//! compares standard output, standard error and the exit status. `UPDATE_GOLDEN=1` rewrites the
//! expected files; a rewritten golden is reviewed like code. Files that no case uses fail the test.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

struct Case {
    name: String,
    input: PathBuf,
    args: Vec<String>,
}

fn cases(dir: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(dir.join("cases.tsv")).expect("cases.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Case {
                name: cols[0].to_string(),
                input: root().join(cols[1]),
                args: cols.get(2).map(|a| a.split_whitespace().map(String::from).collect()).unwrap_or_default(),
            }
        })
        .collect()
}

/// Runs one case; returns a description of the difference, if any.
fn check(dir: &Path, case: &Case, update: bool) -> Option<String> {
    let mut args = vec!["inject".to_string(), "-f".into(), case.input.display().to_string()];
    args.extend(case.args.iter().cloned());
    let out = meshsim_cli::run(&args, &mut std::io::empty(), false);
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    let mut stderr = out.stderr;
    if out.code != 0 {
        stderr.push_str(&format!("[exit status {}]\n", out.code));
    }
    let out_path = dir.join("expected").join(format!("{}.out", case.name));
    let err_path = dir.join("expected").join(format!("{}.err", case.name));
    if update {
        std::fs::write(&out_path, &stdout).unwrap();
        if stderr.is_empty() {
            let _ = std::fs::remove_file(&err_path);
        } else {
            std::fs::write(&err_path, &stderr).unwrap();
        }
        return None;
    }
    let want_out = std::fs::read_to_string(&out_path).unwrap_or_else(|_| panic!("missing {}", out_path.display()));
    let want_err = std::fs::read_to_string(&err_path).unwrap_or_default();
    let mut problems = Vec::new();
    for (what, want, got) in [("stdout", &want_out, &stdout), ("stderr", &want_err, &stderr)] {
        if want != got {
            let diff = similar::TextDiff::from_lines(want.as_str(), got.as_str());
            problems.push(format!("{}: {what} differs:\n{}", case.name, diff.unified_diff().context_radius(2)));
        }
    }
    (!problems.is_empty()).then(|| problems.join("\n"))
}

#[test]
fn inject_goldens() {
    let dir = root().join("tests/golden/inject");
    let update = std::env::var("UPDATE_GOLDEN").is_ok();
    let cases = cases(&dir);
    assert!(cases.len() >= 20, "cases.tsv lists too few cases");
    let failures: Vec<String> = cases.iter().filter_map(|c| check(&dir, c, update)).collect();

    // Stale files: every expected file and every input must belong to a case.
    let names: BTreeSet<String> = cases.iter().map(|c| c.name.clone()).collect();
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(dir.join("expected")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if !names.contains(&stem) {
            stale.push(path.display().to_string());
        }
    }
    let inputs: BTreeSet<PathBuf> = cases.iter().map(|c| c.input.clone()).collect();
    for entry in std::fs::read_dir(dir.join("inputs")).unwrap() {
        let path = entry.unwrap().path().canonicalize().unwrap();
        if !inputs.contains(&path) {
            stale.push(path.display().to_string());
        }
    }
    assert!(stale.is_empty(), "files no case uses: {stale:?}");
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
