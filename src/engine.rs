//! The one door between the page and the kube-inject engine.
//!
//! Everything the page knows about injection goes through [`inject`], so that the
//! page prints exactly what `meshsim inject` prints for the same input and options.

/// The options the page offers; they map one to one onto the CLI flags
/// `--native-sidecars`, `--hub` and `--tag`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub native_sidecars: bool,
    /// Image hub; empty means the engine's default (`docker.io/istio`).
    pub hub: String,
    /// Image tag; empty means the engine's default (the Istio version).
    pub tag: String,
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

/// The Istio release whose `istioctl kube-inject` the engine mirrors, as a literal for `concat!`
/// (the page's static markup); [`ISTIO_VERSION`] is the same text.
#[macro_export]
macro_rules! istio_version {
    () => {
        "1.30.3"
    };
}

/// The Istio release whose `istioctl kube-inject` the engine mirrors.
pub const ISTIO_VERSION: &str = istio_version!();

/// Runs kube-inject over `input`, as `meshsim inject -f FILE --native-sidecars=… [--hub H] [--tag T]`.
pub fn inject(input: &str, settings: &Settings) -> Run {
    let defaults = meshsim_inject::Options::default();
    let options = meshsim_inject::Options {
        native_sidecars: settings.native_sidecars,
        hub: if settings.hub.is_empty() { defaults.hub.clone() } else { settings.hub.clone() },
        tag: if settings.tag.is_empty() { defaults.tag.clone() } else { settings.tag.clone() },
        ..defaults
    };
    match meshsim_inject::inject(input, &options) {
        Ok(injected) => Run { output: injected.output, warnings: injected.warnings, error: None },
        Err(failure) => Run {
            output: failure.output,
            warnings: Vec::new(),
            error: Some(EngineError { message: failure.error.to_string(), line: failure.error.line() }),
        },
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_header_version_is_the_engines_default_tag() {
        assert_eq!(ISTIO_VERSION, meshsim_inject::Options::default().tag);
    }

    #[wasm_bindgen_test]
    fn empty_hub_and_tag_mean_the_engines_defaults() {
        let input = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n";
        let defaults = inject(input, &Settings::default());
        let explicit = Settings { hub: "docker.io/istio".into(), tag: ISTIO_VERSION.into(), ..Settings::default() };
        assert_eq!(defaults, inject(input, &explicit));
        assert!(defaults.output.contains("image: docker.io/istio/proxyv2:1.30.3"), "{}", defaults.output);
    }

    #[wasm_bindgen_test]
    fn a_yaml_error_carries_its_line_in_the_whole_input() {
        let input = "kind: Service\nmetadata:\n  name: s\n---\nkind: Pod\nmetadata:\n  name: x: y\n";
        let run = inject(input, &Settings::default());
        let error = run.error.expect("an error");
        assert_eq!(error.line, Some(7), "{}", error.message);
    }
}
