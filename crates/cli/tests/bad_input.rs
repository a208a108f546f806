//! Hostile and malformed input: a clear error naming the cause, never a panic, a hang or a huge
//! allocation. (How long each takes is reported by `make bench`, not asserted here.)

use std::io::Write;

fn run(args: &[&str], stdin: &[u8]) -> meshsim_cli::Outcome {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    meshsim_cli::run(&args, &mut &stdin[..], false)
}

fn inject_stdin(input: &[u8]) -> meshsim_cli::Outcome {
    run(&["inject", "-f", "-"], input)
}

#[test]
fn billion_laughs_is_refused() {
    let mut s = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (i, c) in "bcdefghi".chars().enumerate() {
        let p = (b'a' + i as u8) as char;
        s.push_str(&format!("  {c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"));
    }
    let out = inject_stdin(s.as_bytes());
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("document contains excessive aliasing"), "{}", out.stderr);
}

#[test]
fn ten_thousand_deep_nesting_is_refused() {
    for doc in [format!("a: {}1{}\n", "[".repeat(10_000), "]".repeat(10_000)), format!("a:\n{}x\n", "- ".repeat(10_000))] {
        let out = inject_stdin(doc.as_bytes());
        assert_eq!(out.code, 1);
        assert!(out.stderr.contains("exceeded max depth of 256"), "{}", out.stderr);
    }
}

#[test]
fn fifty_megabytes_are_refused_before_reading() {
    let dir = std::env::temp_dir().join(format!("meshsim-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.yaml");
    let mut f = std::fs::File::create(&path).unwrap();
    let line = b"# padding padding padding padding padding padding padding padding padding\n";
    for _ in 0..(50 * 1024 * 1024 / line.len()) {
        f.write_all(line).unwrap();
    }
    drop(f);
    let out = run(&["inject", "-f", path.to_str().unwrap()], b"");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("the limit is 4194304 bytes (4 MiB)"), "{}", out.stderr);
    // The same through standard input, where only the limit plus one byte is read.
    let big = vec![b'#'; 5 * 1024 * 1024];
    let out = inject_stdin(&big);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("the limit is"), "{}", out.stderr);
}

#[test]
fn invalid_utf8_is_refused() {
    let out = inject_stdin(b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: \xff\xfe\n");
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("standard input is not valid UTF-8: invalid byte at line 4, column 9 (byte offset 43)"), "{}", out.stderr);
}

#[test]
fn empty_input_is_empty_output() {
    for input in ["", "---\n", "---\n---\n"] {
        let out = inject_stdin(input.as_bytes());
        assert_eq!((out.code, out.stdout.len(), out.stderr.as_str()), (0, 0, ""), "{input:?}");
    }
}

#[test]
fn odd_shapes_never_panic() {
    let docs = [
        "kind: Deployment\nspec: null\n",
        "kind: Deployment\nspec: 5\n",
        "kind: Deployment\nspec:\n  template: [1]\n",
        "kind: Pod\nmetadata: []\n",
        "kind: Pod\nspec:\n  containers: null\n",
        "kind: Pod\nspec:\n  containers: [null, 3]\n",
        "kind: Pod\nspec:\n  containers:\n  - name: a\n    ports: [{containerPort: 1.5}]\n",
        "kind: Pod\nmetadata:\n  annotations:\n    proxy.istio.io/config: '[unclosed'\n",
        "kind: Pod\nmetadata:\n  annotations:\n    sidecar.istio.io/userVolume: 'not json'\n    sidecar.istio.io/userVolumeMount: '{\"a\": 1}'\n",
        "kind: Pod\nmetadata:\n  annotations:\n    prometheus.io/port: '99999'\n",
        "kind: Pod\nmetadata:\n  annotations:\n    status.sidecar.istio.io/port: '-1'\n",
        "kind: Pod\nmetadata:\n  annotations:\n    inject.istio.io/templates: ','\n",
        "kind: List\nitems: [3, {kind: Pod}, {kind: List, items: []}]\n",
        "kind: CronJob\nspec:\n  jobTemplate: null\n",
        "kind: ReplicationController\nspec: {}\n",
        "kind: 7\n",
        "? [a]\n: b\n",
        "a: !!int x\n",
        "a: *nope\n",
        "<<: 5\n",
        "kind: Pod\nmetadata:\n  labels:\n    y: n\n    1.5: on\n",
        "\u{feff}kind: Pod\n",
        "kind: Pod\nspec:\n  initContainers:\n  - name: istio-proxy\n    securityContext: {runAsUser: 0}\n",
        // Each of these made libyaml-safer 0.3.0 panic (see vendor/libyaml-safer/PATCHES.md).
        "kind: Pod\nmetadata:\n  annotations:\n    proxy.istio.io/config: \"holdApplicationUntilProxyStarts: |\\n  x\"\nspec:\n  containers: [{name: c}]\n",
        "kind: Pod\nmetadata:\n  name: p\n  labels: [!a,]\n",
        "kind: Pod\nmetadata:\n  annotations:\n    proxy.istio.io/config: '\"x\\'\nspec:\n  containers: [{name: c}]\n",
        "kind: ConfigMap\ndata:\n  a: |\n    x",
    ];
    for doc in docs {
        let out = inject_stdin(doc.as_bytes());
        if out.code != 0 {
            assert!(out.stderr.starts_with("Error: ") && out.stderr.len() > 10, "{doc:?}: {}", out.stderr);
        }
    }
}

#[test]
fn reinjecting_the_output_changes_nothing() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    for dir in ["crates/kubectl/vfs/kubernetes", "crates/kubectl/vfs/kubernetes-v2"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let input = std::fs::read_to_string(&path).unwrap();
            for native in ["--native-sidecars=false", "--native-sidecars=true"] {
                let once = run(&["inject", "-f", "-", native], input.as_bytes());
                assert_eq!(once.code, 0, "{}", once.stderr);
                let twice = run(&["inject", "-f", "-", native], &once.stdout);
                assert_eq!(
                    String::from_utf8_lossy(&once.stdout),
                    String::from_utf8_lossy(&twice.stdout),
                    "{} {native}: a second injection changed the output",
                    path.display()
                );
            }
        }
    }
}
