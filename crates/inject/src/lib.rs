//! A pure re-implementation of `istioctl kube-inject` (Istio 1.30.3).
//!
//! [`inject`] takes a manifest (one or many YAML documents) and returns exactly what
//! `istioctl kube-inject -f` prints, plus its warnings. The engine has no I/O, no clock and no web
//! dependencies; the `meshsim` CLI, the page and the simulated cluster's webhook all call it.
//!
//! The path a document takes:
//! * [`stream`] splits the input on `---` lines like istioctl's reader.
//! * Each document is read with `meshsim_yaml` (go-yaml v2 rules). Kinds istioctl does not know
//!   pass through byte for byte.
//! * Known kinds ([`objects`]) go through [`schema`], the typed round trip that drops unknown
//!   fields, canonicalises [`quantity`]s and prints `{}` for empty structs.
//! * The pod template is injected by [`pod`]: [`annotations`] validation, [`proxyconfig`],
//!   the built-in [`templates`] merged with a strategic [`merge`], overrides, [`probe`] rewriting,
//!   Prometheus merge and ordering, with values and mesh config from [`config`]; user-written
//!   templates from an IstioOperator go to a [`TemplateRenderer`] the caller supplies (the CLI
//!   passes `meshsim_gotmpl::GoTemplates`), with [`template_data`] as their data.
//! * The object is printed with `meshsim_yaml` as go-yaml prints it, followed by `---`.

pub mod annotations;
pub mod config;
pub mod template_data;
pub mod merge;
pub mod objects;
pub mod pod;
pub mod probe;
pub mod proxyconfig;
pub mod quantity;
pub mod schema;
pub mod stream;
pub mod templates;
pub mod tree;

pub use config::Config;

/// The largest input accepted: 4 MiB, far above any real manifest, small enough to answer fast.
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;

/// Renders user-written Go templates (`values.sidecarInjectorWebhook.templates`). The engine has
/// none built in, so that builds that never receive an IstioOperator file (the page, the simulated
/// cluster) do not carry a template engine; the `meshsim` command supplies `meshsim_gotmpl`.
pub trait TemplateRenderer: Sync {
    /// Renders template `name` (Go `text/template` source) with `data` as `.`.
    fn render(&self, name: &str, source: &str, data: &meshsim_yaml::Value) -> Result<String, String>;

    /// Renders template `name` for a pod: [`TemplateRenderer::render`] with Istio's template data
    /// ([`template_data::data`]). Being a provided method, it is compiled only for the renderers
    /// a build has, so builds without one (the page) do not carry the data builder.
    fn render_pod(&self, name: &str, source: &str, tpl: &templates::Tpl, pod_meta: &meshsim_yaml::Value) -> Result<String, String> {
        self.render(name, source, &template_data::data(tpl, pod_meta))
    }
}

/// A [`TemplateRenderer`] reference that prints as its presence only.
#[derive(Clone, Copy)]
pub struct Renderer(pub &'static dyn TemplateRenderer);

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Renderer")
    }
}

/// Options of a run, with `istioctl kube-inject`'s meaning.
#[derive(Clone, Debug)]
pub struct Options {
    /// `--hub` (`values.global.hub`); default `docker.io/istio`.
    pub hub: String,
    /// `--tag` (`values.global.tag`); default `1.30.3`.
    pub tag: String,
    /// Native sidecars (`--native-sidecars`, `ENABLE_NATIVE_SIDECARS=true`); offline default off.
    pub native_sidecars: bool,
    /// `--revision`; `default` means none.
    pub revision: String,
    /// Contents of `--operatorFileName` (an IstioOperator).
    pub operator_file: Option<String>,
    /// Contents of `--meshConfigFile`.
    pub mesh_config_file: Option<String>,
    /// Contents of `--valuesFile`.
    pub values_file: Option<String>,
    /// The engine for user-written templates, if any (see [`TemplateRenderer`]).
    pub renderer: Option<Renderer>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            hub: "docker.io/istio".into(),
            tag: "1.30.3".into(),
            native_sidecars: false,
            revision: String::new(),
            operator_file: None,
            mesh_config_file: None,
            values_file: None,
            renderer: None,
        }
    }
}

/// A successful run: istioctl's standard output and its warnings (printed to stderr after the YAML).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Injected {
    /// The injected manifest, every document followed by `---`.
    pub output: String,
    /// Warnings such as `===> Skipping injection because …`, each ending in a newline.
    pub warnings: Vec<String>,
}

/// A failed run: what was written before the error, and the error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Documents already written (istioctl streams its output).
    pub output: String,
    /// Why the run stopped.
    pub error: InjectError,
}

/// Why a run failed. `Display` is istioctl's message (without the `Error: ` prefix).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InjectError {
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error("input is {size} bytes; the limit is {limit} bytes ({} MiB)", limit / (1024 * 1024))]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A `---` line with text after it.
    #[error("invalid Yaml document separator: {rest} (input line {line})")]
    Separator {
        /// The text after `---`.
        rest: String,
        /// Its line in the input.
        line: usize,
    },
    /// A document is not valid YAML.
    #[error("error converting YAML to JSON: {message} (document {document}, input line {})", line.map(|l| l.to_string()).unwrap_or_else(|| "?".into()))]
    Yaml {
        /// go-yaml's message, e.g. `yaml: line 3: mapping values are not allowed in this context`.
        message: String,
        /// The 1-based document number.
        document: usize,
        /// The 1-based line in the whole input, when known.
        line: Option<usize>,
    },
    /// A document decodes to the wrong types (e.g. a list, or a string where a number belongs).
    #[error("error unmarshaling JSON: while decoding JSON: {message} (document {document}, input line {line})")]
    Decode {
        /// encoding/json's message.
        message: String,
        /// The 1-based document number.
        document: usize,
        /// The document's first line in the input.
        line: usize,
    },
    /// The injection itself failed (invalid annotation, unknown template, …).
    #[error("{message}")]
    Injection {
        /// istioctl's message, e.g. `failed to run injection template: 1 error occurred: …`.
        message: String,
        /// The 1-based document number.
        document: usize,
        /// The document's first line in the input.
        line: usize,
    },
    /// A configuration file (`--operatorFileName`, `--valuesFile`, `--meshConfigFile`) is invalid.
    #[error("{0}")]
    Config(String),
}

impl InjectError {
    /// The 1-based line of the input the error points at, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            InjectError::Separator { line, .. } => Some(*line),
            InjectError::Yaml { line, .. } => *line,
            InjectError::Decode { line, .. } | InjectError::Injection { line, .. } => Some(*line),
            InjectError::TooLarge { .. } | InjectError::Config(_) => None,
        }
    }

    /// The 1-based document number the error is in, when known.
    pub fn document(&self) -> Option<usize> {
        match self {
            InjectError::Yaml { document, .. } | InjectError::Decode { document, .. } | InjectError::Injection { document, .. } => {
                Some(*document)
            }
            _ => None,
        }
    }
}

/// Builds the run configuration from the options.
pub fn config_from(opts: &Options) -> Result<Config, InjectError> {
    let mut cfg = Config::defaults();
    let load = |what: &str, text: &str| {
        meshsim_yaml::load(text).map_err(|e| InjectError::Config(format!("{what}: {}", e.message)))
    };
    if let Some(text) = &opts.operator_file {
        let iop = load("operator file", text)?;
        cfg.apply_operator(&iop);
    } else {
        if let Some(text) = &opts.values_file {
            let v = load("values file", text)?;
            config::overlay(&mut cfg.values, &v);
        }
        if let Some(text) = &opts.mesh_config_file {
            let v = load("mesh config file", text)?;
            cfg.apply_mesh(&v);
        }
    }
    let global = cfg.values.entry_map("global");
    global.insert("hub".into(), meshsim_yaml::Value::String(opts.hub.clone()));
    global.insert("tag".into(), meshsim_yaml::Value::String(opts.tag.clone()));
    cfg.revision = if opts.revision == "default" { String::new() } else { opts.revision.clone() };
    cfg.renderer = opts.renderer;
    Ok(cfg)
}

/// Injects one object that is already a [`meshsim_yaml::Value`] (a Pod, Deployment, List, …), as
/// kube-inject would for a document holding it; returns the object as istioctl prints it and the
/// warnings. This skips the text round trip, for callers such as the simulated cluster's webhook.
pub fn inject_value(obj: &meshsim_yaml::Value, cfg: &Config, native_sidecars: bool) -> Result<(meshsim_yaml::Value, Vec<String>), InjectError> {
    let kind = obj.get("kind").and_then(meshsim_yaml::Value::as_str).unwrap_or("");
    if !objects::RECOGNISED.contains(&kind) {
        return Ok((obj.clone(), Vec::new()));
    }
    let mut warnings = Vec::new();
    let out = objects::inject_object(obj, cfg, native_sidecars, &mut warnings).map_err(|e| match e {
        objects::ObjError::Decode(message) => InjectError::Decode { message, document: 1, line: 1 },
        objects::ObjError::Inject(message) => InjectError::Injection { message, document: 1, line: 1 },
    })?;
    Ok((out, warnings))
}

/// Runs `istioctl kube-inject` on `input`.
pub fn inject(input: &str, opts: &Options) -> Result<Injected, Failure> {
    let fail = |output: String, error: InjectError| Failure { output, error };
    if input.len() > MAX_INPUT_BYTES {
        return Err(fail(String::new(), InjectError::TooLarge { size: input.len(), limit: MAX_INPUT_BYTES }));
    }
    let cfg = config_from(opts).map_err(|e| fail(String::new(), e))?;
    let docs = stream::split(input).map_err(|(line, rest)| fail(String::new(), InjectError::Separator { rest, line }))?;
    let mut out = String::with_capacity(input.len() * 3);
    let mut warnings = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        match objects::inject_document(doc, i + 1, &cfg, opts.native_sidecars, &mut warnings) {
            Ok(text) => {
                out.push_str(&text);
                out.push_str("---\n");
            }
            Err(e) => return Err(fail(out, e)),
        }
    }
    Ok(Injected { output: out, warnings })
}
