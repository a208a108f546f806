//! The `meshsim` command line, as a function of its arguments and input so tests can drive it.
//!
//! * `meshsim inject` behaves as `istioctl kube-inject` with the flags it shares with it: the
//!   injected YAML on standard output, then warnings on standard error, exit status 1 and
//!   `Error: …` on failure (documents already processed are still printed, as istioctl streams).
//! * `meshsim shell [--seed N]` is the simulated cluster's terminal (`meshsim_kubectl::cli`); the
//!   binary hands it the process's standard input and output.

use clap::{Arg, ArgAction, Command};
use std::io::Read;

/// What a run printed and its exit status.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: String,
    /// Exit status.
    pub code: i32,
}

fn inject_command() -> Command {
    Command::new("inject")
        .about("Inject the Istio sidecar into Kubernetes workloads, as `istioctl kube-inject` (Istio 1.30.3) does, offline")
        .arg(Arg::new("filename").short('f').long("filename").value_name("FILE").help("Input Kubernetes resource filename, or - for standard input"))
        .arg(Arg::new("output").short('o').long("output").value_name("FILE").help("Modified output Kubernetes resource filename (default: standard output)"))
        .arg(Arg::new("hub").long("hub").value_name("HUB").default_value("docker.io/istio").help("Image hub (values.global.hub)"))
        .arg(Arg::new("tag").long("tag").value_name("TAG").default_value("1.30.3").help("Image tag (values.global.tag)"))
        .arg(
            Arg::new("native-sidecars")
                .long("native-sidecars")
                .value_name("BOOL")
                .num_args(0..=1)
                .require_equals(true)
                .default_missing_value("true")
                .value_parser(clap::value_parser!(bool))
                .help("Inject istio-proxy as a native sidecar (an init container with restartPolicy: Always). Default: false, or true when ENABLE_NATIVE_SIDECARS=true"),
        )
        .arg(Arg::new("operatorFileName").long("operatorFileName").value_name("FILE").help("An IstioOperator file whose spec.values, spec.meshConfig and spec.components.cni.enabled are used"))
        .arg(Arg::new("meshConfigFile").long("meshConfigFile").value_name("FILE").help("Mesh configuration filename"))
        .arg(Arg::new("valuesFile").long("valuesFile").value_name("FILE").help("Injection values configuration filename"))
        .arg(Arg::new("revision").short('r').long("revision").value_name("REV").default_value("").help("Control plane revision"))
}

fn command() -> Command {
    Command::new("meshsim")
        .about("meshsim: a service-mesh simulator. `meshsim inject` is istioctl kube-inject, offline.")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(inject_command())
        .subcommand(
            Command::new("shell")
                .about("A simulated cluster's terminal (kubectl, istioctl) reading commands from standard input")
                .disable_help_flag(true)
                .arg(Arg::new("args").num_args(0..).trailing_var_arg(true).allow_hyphen_values(true).action(ArgAction::Append)),
        )
}

/// Describes where invalid UTF-8 starts: `line L, column C (byte offset O)`.
fn utf8_position(bytes: &[u8], offset: usize) -> String {
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = offset - before.iter().rposition(|&b| b == b'\n').map(|i| i + 1).unwrap_or(0) + 1;
    format!("line {line}, column {column} (byte offset {offset})")
}

fn decode_utf8(what: &str, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        format!("{what} is not valid UTF-8: invalid byte at {}", utf8_position(e.as_bytes(), offset))
    })
}

fn read_file(path: &str) -> Result<String, String> {
    std::fs::read(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("open {path}: no such file or directory"),
            _ => format!("open {path}: {e}"),
        })
        .and_then(|b| decode_utf8(path, b))
}

/// Runs `meshsim` with `args` (without the program name), reading `stdin` when asked to.
pub fn run(args: &[String], stdin: &mut dyn Read, env_native: bool) -> Outcome {
    let mut argv = vec!["meshsim".to_string()];
    argv.extend_from_slice(args);
    let matches = match command().try_get_matches_from(&argv) {
        Ok(m) => m,
        Err(e) => {
            use clap::error::ErrorKind;
            let code = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => 0,
                _ => 1,
            };
            let text = match e.kind() {
                ErrorKind::UnknownArgument => {
                    let arg = e.get(clap::error::ContextKind::InvalidArg).map(|v| v.to_string()).unwrap_or_default();
                    format!("Error: unknown flag: {arg}\nRun 'meshsim inject --help' for usage.\n")
                }
                ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::DisplayVersion => {
                    return Outcome { stdout: e.to_string().into_bytes(), stderr: String::new(), code };
                }
                _ => format!("Error: {}", e.to_string().trim_start_matches("error: ")),
            };
            return Outcome { stdout: Vec::new(), stderr: text, code };
        }
    };
    match matches.subcommand() {
        Some(("inject", m)) => run_inject(m, stdin, env_native),
        // The binary runs `shell` itself (it reads and writes the terminal as it goes).
        Some(("shell", _)) => Outcome {
            stdout: Vec::new(),
            stderr: "Error: `meshsim shell` runs interactively; start it from the meshsim binary\n".into(),
            code: 1,
        },
        _ => unreachable!("a subcommand is required"),
    }
}

fn run_inject(m: &clap::ArgMatches, stdin: &mut dyn Read, env_native: bool) -> Outcome {
    let err = |msg: String| Outcome { stdout: Vec::new(), stderr: format!("Error: {msg}\n"), code: 1 };
    let Some(file) = m.get_one::<String>("filename") else {
        return Outcome {
            stdout: Vec::new(),
            stderr: "Error: 1 error occurred:\n\t* filename not specified (see --filename or -f)\n\n\n".into(),
            code: 1,
        };
    };
    let input = if file == "-" {
        let mut bytes = Vec::new();
        // Read one byte past the limit so an oversized stream is refused without reading all of it.
        let limit = (meshsim_inject::MAX_INPUT_BYTES + 1) as u64;
        if let Err(e) = stdin.take(limit).read_to_end(&mut bytes) {
            return err(format!("reading standard input: {e}"));
        }
        match decode_utf8("standard input", bytes) {
            Ok(s) => s,
            Err(e) => return err(e),
        }
    } else {
        match std::fs::metadata(file) {
            Ok(md) if md.len() as usize > meshsim_inject::MAX_INPUT_BYTES => {
                return err(meshsim_inject::InjectError::TooLarge { size: md.len() as usize, limit: meshsim_inject::MAX_INPUT_BYTES }.to_string())
            }
            _ => {}
        }
        match read_file(file) {
            Ok(s) => s,
            Err(e) => return err(e),
        }
    };
    let mut opts = meshsim_inject::Options {
        hub: m.get_one::<String>("hub").cloned().unwrap_or_default(),
        tag: m.get_one::<String>("tag").cloned().unwrap_or_default(),
        native_sidecars: m.get_one::<bool>("native-sidecars").copied().unwrap_or(env_native),
        revision: m.get_one::<String>("revision").cloned().unwrap_or_default(),
        renderer: Some(meshsim_inject::Renderer(&meshsim_gotmpl::GoTemplates)),
        ..Default::default()
    };
    for (flag, slot) in [
        ("operatorFileName", &mut opts.operator_file),
        ("meshConfigFile", &mut opts.mesh_config_file),
        ("valuesFile", &mut opts.values_file),
    ] {
        if let Some(path) = m.get_one::<String>(flag) {
            match read_file(path) {
                Ok(s) => *slot = Some(s),
                Err(e) => return err(e),
            }
        }
    }
    let (output, warnings, error) = match meshsim_inject::inject(&input, &opts) {
        Ok(r) => (r.output, r.warnings, None),
        Err(f) => (f.output, Vec::new(), Some(f.error)),
    };
    let mut out = Outcome::default();
    if let Some(path) = m.get_one::<String>("output") {
        if let Err(e) = std::fs::write(path, &output) {
            return err(format!("open {path}: {e}"));
        }
    } else {
        out.stdout = output.into_bytes();
    }
    if !warnings.is_empty() {
        out.stderr.push('\n');
        for w in &warnings {
            out.stderr.push_str(w);
            out.stderr.push('\n');
        }
    }
    if let Some(e) = error {
        out.stderr.push_str(&format!("Error: {e}\n"));
        out.code = 1;
    }
    out
}
