//! What kube-inject renders with besides the manifest: Helm values and mesh config.
//!
//! Both are kept as [`Value`] trees: the defaults of Istio 1.30.3 (below, from the chart's values
//! and the mesh defaults), overlaid by an IstioOperator file (`spec.values`, `spec.meshConfig`,
//! `spec.components.cni.enabled`), a values file or a mesh config file, then by the command-line
//! hub and tag.

use meshsim_yaml::{Mapping, Value};

/// Istio 1.30.3's injector values (the trimmed copy kube-inject reads), as YAML.
const DEFAULT_VALUES: &str = r#"
global:
  hub: docker.io/istio
  tag: 1.30.3
  variant: ""
  imagePullPolicy: ""
  imagePullSecrets: []
  istioNamespace: istio-system
  logging:
    level: default:info
  logAsJson: false
  nativeNftables: false
  caAddress: ""
  caName: ""
  meshID: ""
  network: ""
  mountMtlsCerts: false
  pilotCertProvider: istiod
  multiCluster:
    clusterName: ""
  sds:
    token:
      aud: istio-ca
  sts:
    servicePort: 0
  proxy:
    image: proxyv2
    clusterDomain: cluster.local
    logLevel: warning
    componentLogLevel: misc:error
    includeIPRanges: "*"
    excludeIPRanges: ""
    includeInboundPorts: "*"
    excludeInboundPorts: ""
    includeOutboundPorts: ""
    excludeOutboundPorts: ""
    privileged: false
    readinessInitialDelaySeconds: 0
    readinessPeriodSeconds: 15
    readinessFailureThreshold: 4
    startupProbe:
      enabled: true
      failureThreshold: 600
    resources:
      requests:
        cpu: 100m
        memory: 128Mi
      limits:
        cpu: 2000m
        memory: 1024Mi
    statusPort: 15020
    tracer: none
    autoInject: enabled
    holdApplicationUntilProxyStarts: false
  proxy_init:
    image: proxyv2
    forceApplyIptables: false
sidecarInjectorWebhook:
  rewriteAppHTTPProbe: true
  templates: {}
  defaultTemplates: []
revision: ""
pilot:
  cni:
    enabled: false
    provider: default
  env: {}
cni:
  provider: default
"#;

/// Istio's built-in mesh config defaults that the templates read.
const DEFAULT_MESH: &str = r#"
trustDomain: cluster.local
enablePrometheusMerge: true
proxyListenPort: 15001
proxyInboundListenPort: 15006
defaultConfig:
  statusPort: 15020
  interceptionMode: REDIRECT
inboundTrafficPolicy:
  mode: PASSTHROUGH
"#;

/// The resolved configuration for one run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Helm values (`global`, `sidecarInjectorWebhook`, `pilot`, …).
    pub values: Value,
    /// Mesh config including `defaultConfig` (the proxy config before pod annotations).
    pub mesh: Value,
    /// The mesh `defaultConfig` fields that were set explicitly (printed in `PROXY_CONFIG`).
    pub proxy_config_set: Mapping,
    /// `--revision`, with `default` treated as empty.
    pub revision: String,
    /// The renderer for user-written templates, when the caller has one.
    pub renderer: Option<crate::Renderer>,
}

/// Merges `overlay` into `base` the way Helm/IstioOperator overlays do (maps merge, the rest replaces).
pub fn overlay(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Map(b), Value::Map(o)) => {
            for (k, v) in o {
                match b.get_mut(k.as_str()) {
                    Some(slot) if matches!(slot, Value::Map(_)) && matches!(v, Value::Map(_)) => {
                        self::overlay(slot, v)
                    }
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    v.get_path(path).and_then(Value::as_str).unwrap_or("")
}

impl Config {
    /// Istio 1.30.3 defaults (parsed once).
    pub fn defaults() -> Config {
        static DEFAULTS: std::sync::OnceLock<Config> = std::sync::OnceLock::new();
        DEFAULTS
            .get_or_init(|| Config {
                values: meshsim_yaml::load(DEFAULT_VALUES).unwrap_or_else(|e| panic!("built-in values: {e}")),
                mesh: meshsim_yaml::load(DEFAULT_MESH).unwrap_or_else(|e| panic!("built-in mesh config: {e}")),
                proxy_config_set: Mapping::new(),
                revision: String::new(),
                renderer: None,
            })
            .clone()
    }

    /// Applies an IstioOperator document.
    pub fn apply_operator(&mut self, iop: &Value) {
        if let Some(values) = iop.get_path(&["spec", "values"]) {
            overlay(&mut self.values, values);
        }
        if let Some(mesh) = iop.get_path(&["spec", "meshConfig"]) {
            self.apply_mesh(mesh);
        }
        if let Some(Value::Bool(cni)) = iop.get_path(&["spec", "components", "cni", "enabled"]) {
            let pilot = self.values.entry_map("pilot");
            let cni_map = pilot.entry("cni".to_string()).or_insert(Value::Map(Mapping::new()));
            if let Some(m) = cni_map.as_map_mut() {
                m.insert("enabled".into(), Value::Bool(*cni));
            }
        }
        // `values.cni.provider` is what the chart copies into `pilot.cni.provider`.
        if let Some(p) = self.values.get_path(&["cni", "provider"]).cloned() {
            if let Some(m) = self.values.get_path_mut(&["pilot", "cni"]).and_then(Value::as_map_mut) {
                m.insert("provider".into(), p);
            }
        }
    }

    /// Applies a mesh config overlay (`--meshConfigFile` or `spec.meshConfig`).
    pub fn apply_mesh(&mut self, mesh: &Value) {
        if let Some(Value::Map(dc)) = mesh.get("defaultConfig") {
            for (k, v) in dc {
                self.proxy_config_set.insert(k.clone(), v.clone());
            }
        }
        overlay(&mut self.mesh, mesh);
    }

    /// A string value at `path` below the values root.
    pub fn v_str(&self, path: &[&str]) -> &str {
        str_at(&self.values, path)
    }

    /// A value at `path` below the values root.
    pub fn v(&self, path: &[&str]) -> Option<&Value> {
        self.values.get_path(path)
    }

    /// A boolean value (missing is false).
    pub fn v_bool(&self, path: &[&str]) -> bool {
        match self.values.get_path(path) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true",
            _ => false,
        }
    }

    /// True when CNI is enabled.
    pub fn cni(&self) -> bool {
        self.v_bool(&["pilot", "cni", "enabled"])
    }

    /// A mesh config string at `path`.
    pub fn m_str(&self, path: &[&str]) -> &str {
        str_at(&self.mesh, path)
    }
}
