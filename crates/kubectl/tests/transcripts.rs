//! Golden transcripts: each `transcripts/*.txt` is a terminal session as
//! `meshsim shell --echo` prints it (`$ command`, `> ` here-document lines, then
//! the output). The checker replays the commands and compares every byte.
//! `UPDATE_GOLDEN=1 cargo test -p meshsim-kubectl --test transcripts` rewrites
//! them; review the diff like code.

use std::path::{Path, PathBuf};

use meshsim_kubectl::Shell;

/// Replay the commands of a transcript and return the transcript they produce.
fn replay(text: &str) -> String {
    let mut seed = 1;
    let mut out = String::new();
    for line in text.lines() {
        if let Some(s) = line.strip_prefix("# seed: ") {
            seed = s.trim().parse().expect("seed is a number");
        }
    }
    let mut shell = Shell::batch(seed);
    if text.lines().any(|l| l == "# native-sidecars: true") {
        shell.cluster_mut().set_native_sidecars(true);
    }
    for line in text.lines() {
        if line.starts_with('#') && out.is_empty()
            || (line.starts_with('#')
                && out.ends_with('\n')
                && !shell.in_heredoc()
                && is_header(text, line))
        {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let cmd = if let Some(c) = line.strip_prefix("$ ") {
            c
        } else if let Some(c) = line.strip_prefix("> ").filter(|_| shell.in_heredoc()) {
            c
        } else if line == ">" && shell.in_heredoc() {
            ""
        } else {
            continue;
        };
        out.push_str(if shell.in_heredoc() { "> " } else { "$ " });
        out.push_str(cmd);
        out.push('\n');
        let o = shell.run(cmd);
        out.push_str(&o.text);
    }
    out
}

/// Header comments are the `#` lines before the first command.
fn is_header(text: &str, line: &str) -> bool {
    text.lines()
        .take_while(|l| !l.starts_with("$ "))
        .any(|l| l == line)
}

fn transcripts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    v.sort();
    v
}

fn check(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let got = replay(&text);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &got).unwrap();
        return;
    }
    if got != text {
        let (mut line_no, mut shown) = (0, 0);
        for (a, b) in got.lines().zip(text.lines()) {
            line_no += 1;
            if a != b && shown < 5 {
                eprintln!("line {line_no}:\n  got:      {a:?}\n  expected: {b:?}");
                shown += 1;
            }
        }
        panic!(
            "{} differs from the replay (UPDATE_GOLDEN=1 rewrites it; review the diff)",
            path.display()
        );
    }
}

#[test]
fn every_transcript_replays_byte_for_byte() {
    let all = transcripts();
    for p in &all {
        check(p);
    }
    assert!(
        all.len() >= 5,
        "expected the golden transcripts, found {}",
        all.len()
    );
}

#[test]
fn the_same_seed_gives_the_same_transcript() {
    for p in transcripts() {
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(
            replay(&text),
            replay(&text),
            "{} is not deterministic",
            p.display()
        );
    }
}

#[test]
fn another_seed_gives_other_names() {
    let cmds = "$ kubectl apply -f kubernetes/helloworld-deployment.yaml\n$ sleep 30\n$ kubectl get pods\n";
    let a = replay(&format!("# seed: 1\n{cmds}"));
    let b = replay(&format!("# seed: 2\n{cmds}"));
    assert_ne!(a.lines().last(), b.lines().last());
}

/// `meshsim shell --echo` prints exactly the transcript the page's session produces.
#[test]
fn the_cli_prints_the_transcripts() {
    for p in transcripts() {
        let text = std::fs::read_to_string(&p).unwrap();
        if text
            .lines()
            .any(|l| l == "# native-sidecars: true" || l.starts_with("# seed: "))
        {
            continue;
        }
        let input: String = text
            .lines()
            .filter_map(|l| {
                l.strip_prefix("$ ")
                    .or_else(|| l.strip_prefix("> "))
                    .or(if l == ">" { Some("") } else { None })
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let mut out = Vec::new();
        let code = meshsim_kubectl::cli::run_session(
            &["--echo".to_string()],
            input.as_bytes(),
            &mut out,
            false,
        );
        let header: String = text
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        let got = format!("{header}{}", String::from_utf8(out).unwrap());
        assert_eq!(got, text, "{}", p.display());
        let _ = code;
    }
}

/// `meshsim shell --request-timeout 5s` shortens every watch that does not set its own.
#[test]
fn the_cli_request_timeout_bounds_watches() {
    let input = "kubectl apply -f kubernetes/redis-deployment.yaml\nkubectl get pods -w\nkubectl get pods\n";
    let mut out = Vec::new();
    let args = ["--request-timeout".to_string(), "5s".to_string()];
    assert_eq!(
        meshsim_kubectl::cli::run_session(&args, input.as_bytes(), &mut out, false),
        0
    );
    let text = String::from_utf8(out).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.ends_with(" 5s"),
        "the watch ran 5 s of virtual time: {text}"
    );
}
