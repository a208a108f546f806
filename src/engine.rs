//! The one door between the page and the kube-inject engine.
//!
//! Everything the page knows about injection goes through [`inject`], so that the
//! page prints exactly what `meshsim inject` prints for the same input and options.

/// The options the page offers; they map one to one onto the CLI flags
/// `--native-sidecars`, `--hub` and `--tag`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub native_sidecars: bool,
    /// Image hub; empty means the engine's default (`docker.io/istio`).
    pub hub: String,
    /// Image tag; empty means the engine's default (the Istio version).
    pub tag: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { native_sidecars: false, hub: String::new(), tag: String::new() }
    }
}

/// What one run of the engine gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The injected YAML (istioctl's stdout); on failure, what was printed before the error.
    pub output: String,
    /// istioctl's stderr warnings, such as skipped workloads.
    pub warnings: Vec<String>,
    pub error: Option<EngineError>,
}

/// A failed run: istioctl's message and, when known, the 1-based line in the whole input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineError {
    pub message: String,
    pub line: Option<usize>,
}

/// The Istio release whose `istioctl kube-inject` the engine mirrors.
pub const ISTIO_VERSION: &str = "1.30.3";

/// Runs kube-inject over `input`.
///
/// Stand-in until meshsim-inject lands: it echoes the input unchanged.
pub fn inject(input: &str, settings: &Settings) -> Run {
    let _ = settings;
    Run { output: input.to_owned(), warnings: Vec::new(), error: None }
}
