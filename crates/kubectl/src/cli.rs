//! `meshsim shell`: the same terminal as the page, reading commands from
//! standard input. `sleep N` returns at once after advancing virtual time, and
//! watches end after `--request-timeout` of virtual time (default 60 s).

use std::io::{BufRead, IsTerminal, Write};

use crate::shell::Shell;

const USAGE: &str =
    "Usage: meshsim shell [--seed N] [--native-sidecars] [--request-timeout 60s] [--echo]

Reads commands (kubectl, istioctl, ls, cat, sleep, watch, ...) from standard input
and prints what the page's terminal prints. --echo prints each command after a
`$ ` prompt, which makes transcripts.
";

/// Entry point for `meshsim shell ARGS...`; returns the process exit code.
pub fn shell_main(args: &[String]) -> i32 {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    run_session(args, stdin.lock(), &mut out, interactive)
}

/// The session behind [`shell_main`], over any input and output (tests feed it text).
pub fn run_session(
    args: &[String],
    input: impl BufRead,
    out: &mut impl Write,
    interactive: bool,
) -> i32 {
    let mut seed = 1u64;
    let mut echo = false;
    let mut native = false;
    let mut timeout = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" => {
                let Some(v) = args.get(i + 1).and_then(|s| s.parse().ok()) else {
                    eprintln!("meshsim shell: --seed needs a number");
                    return 2;
                };
                seed = v;
                i += 1;
            }
            s if s.starts_with("--seed=") => match s["--seed=".len()..].parse() {
                Ok(v) => seed = v,
                Err(_) => {
                    eprintln!("meshsim shell: --seed needs a number");
                    return 2;
                }
            },
            "--echo" => echo = true,
            "--request-timeout" => {
                let Some(d) = args
                    .get(i + 1)
                    .and_then(|s| crate::kubectl::parse_duration(s))
                else {
                    eprintln!("meshsim shell: --request-timeout needs a duration such as 60s");
                    return 2;
                };
                timeout = Some(d);
                i += 1;
            }
            s if s.starts_with("--request-timeout=") => {
                match crate::kubectl::parse_duration(&s["--request-timeout=".len()..]) {
                    Some(d) => timeout = Some(d),
                    None => {
                        eprintln!("meshsim shell: --request-timeout needs a duration such as 60s");
                        return 2;
                    }
                }
            }
            "--native-sidecars" => native = true,
            "-h" | "--help" => {
                let _ = write!(out, "{USAGE}");
                return 0;
            }
            other => {
                eprintln!("meshsim shell: unknown argument {other}\n{USAGE}");
                return 2;
            }
        }
        i += 1;
    }
    let mut shell = Shell::batch(seed);
    shell.cluster_mut().set_native_sidecars(native);
    if let Some(t) = timeout {
        shell.set_watch_timeout(t);
    }
    let mut last = 0;
    let mut lines = input.lines();
    loop {
        let prompt = if shell.in_heredoc() { "> " } else { "$ " };
        if interactive {
            let _ = write!(out, "{prompt}");
            let _ = out.flush();
        }
        let Some(Ok(line)) = lines.next() else { break };
        if echo {
            let _ = writeln!(out, "{prompt}{line}");
        }
        let o = shell.run(&line);
        if o.clear && interactive {
            let _ = write!(out, "\x1b[2J\x1b[H");
        }
        let _ = write!(out, "{}", o.text);
        last = o.exit_code;
    }
    let _ = out.flush();
    last
}
