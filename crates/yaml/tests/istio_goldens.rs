//! Reading and re-printing every object that istioctl itself printed must give the same bytes.
//!
//! The objects come from Istio's kube-inject goldens in `../shared/istio-inject-conformance`
//! (read in place, never copied). Documents istioctl passed through untouched (Services and other
//! unrecognised kinds keep the user's formatting) are not Go output, so they are left out.

use std::path::PathBuf;

const RECOGNISED: &[&str] = &[
    "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob",
    "ReplicationController", "Pod", "DeploymentConfig", "List",
];

fn vectors() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/istio-inject-conformance/vectors");
    p.is_dir().then_some(p)
}

#[test]
fn reprinting_istio_output_is_byte_identical() {
    let Some(dir) = vectors() else {
        eprintln!("skipped: ../shared/istio-inject-conformance is not beside the repository");
        return;
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for path in files.iter().filter(|p| p.to_string_lossy().ends_with(".injected")) {
        let text = std::fs::read_to_string(path).unwrap();
        for doc in text.split("---\n") {
            if doc.trim().is_empty() {
                continue;
            }
            let v = meshsim_yaml::load(doc).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let kind = v.get("kind").and_then(|k| k.as_str()).unwrap_or("");
            if !RECOGNISED.contains(&kind) {
                continue;
            }
            checked += 1;
            let again = meshsim_yaml::to_string(&v);
            if again != doc {
                let diff: Vec<String> = doc
                    .lines()
                    .zip(again.lines())
                    .filter(|(a, b)| a != b)
                    .take(3)
                    .map(|(a, b)| format!("  want {a:?}\n  got  {b:?}"))
                    .collect();
                failures.push(format!("{}:\n{}", path.display(), diff.join("\n")));
            }
        }
    }
    assert!(checked > 90, "only {checked} documents checked");
    assert!(failures.is_empty(), "{} of {checked} differ:\n{}", failures.len(), failures.join("\n"));
}
