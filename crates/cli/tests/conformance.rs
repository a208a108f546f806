//! Istio's own kube-inject goldens (1.30.3), read in place from `../shared/istio-inject-conformance`.
//!
//! Runs every row of its `cases.tsv` through `meshsim inject` (in process, same code as the binary)
//! with the same comparison as its `run` script: output equal after trimming, or for `error:` rows a
//! non-zero exit and the text in the lower-cased standard error. The test fails when fewer cases pass
//! than `conformance.passing` records (raise it as cases start to pass), and lists the failures.
//! Without the shared folder it says it was skipped and why.

use std::path::PathBuf;

fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/istio-inject-conformance");
    p.join("cases.tsv").is_file().then(|| p.canonicalize().unwrap())
}

#[test]
fn istio_kube_inject_conformance() {
    let Some(dir) = shared() else {
        eprintln!("conformance skipped: ../shared/istio-inject-conformance is not beside the repository");
        return;
    };
    let floor: usize = include_str!("conformance.passing").trim().parse().expect("a number");
    let (mut passed, mut failed) = (0, Vec::new());
    for line in std::fs::read_to_string(dir.join("cases.tsv")).unwrap().lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (name, input, expected) = (cols[0], cols[1], cols[2]);
        let mut args = vec!["inject".to_string(), "-f".into(), dir.join(input).display().to_string()];
        let mut rest = cols[3].split_whitespace();
        while let Some(a) = rest.next() {
            args.push(a.to_string());
            // File arguments are relative to the conformance folder.
            if matches!(a, "--operatorFileName" | "--meshConfigFile" | "--valuesFile") {
                args.push(dir.join(rest.next().unwrap()).display().to_string());
            }
        }
        let out = meshsim_cli::run(&args, &mut std::io::empty(), false);
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let ok = match expected.strip_prefix("error:") {
            Some(want) => out.code != 0 && out.stderr.to_lowercase().contains(want),
            None => {
                let want = std::fs::read_to_string(dir.join(expected)).unwrap();
                out.code == 0 && stdout.trim() == want.trim()
            }
        };
        if ok {
            passed += 1;
        } else {
            failed.push(format!("{name} (exit {}, {})", out.code, out.stderr.lines().next().unwrap_or("output differs")));
        }
    }
    eprintln!("kube-inject conformance: {passed} passed, {} failed", failed.len());
    for f in &failed {
        eprintln!("  FAIL {f}");
    }
    assert!(passed >= floor, "{passed} cases pass, fewer than the {floor} recorded in conformance.passing:\n{}", failed.join("\n"));
}
