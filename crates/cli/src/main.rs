//! `meshsim`: see the library crate for what each subcommand does.

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `meshsim shell` talks to the terminal (or a pipe) itself.
    if args.first().map(String::as_str) == Some("shell") {
        std::process::exit(meshsim_kubectl::cli::shell_main(&args[1..]));
    }
    let native = std::env::var("ENABLE_NATIVE_SIDECARS").map(|v| v == "true").unwrap_or(false);
    let out = meshsim_cli::run(&args, &mut std::io::stdin().lock(), native);
    let _ = std::io::stdout().write_all(&out.stdout);
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    std::process::exit(out.code);
}
