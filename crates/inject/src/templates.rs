//! The built-in injection templates of Istio 1.30.3: `sidecar`, `gateway`, `grpc-simple`, `grpc-agent`.
//!
//! Istio renders these as Go text templates into a partial Pod; here each is a function building the
//! same partial Pod as a [`Value`] from the same inputs ([`Tpl`]). The pipeline in [`crate::pod`] then
//! merges it over the user's pod exactly as Istio merges the rendered YAML.

use crate::config::Config;
use crate::tree::{map, s, sb, si, ss, strs, sv};
use meshsim_yaml::{Mapping, Value};

/// Everything a template reads (Istio's `SidecarTemplateData`).
pub struct Tpl<'a> {
    /// `TypeMeta.APIVersion` of the workload.
    pub api_version: &'a str,
    /// `TypeMeta.Kind` of the workload.
    pub kind: &'a str,
    /// `DeploymentMeta.Name`.
    pub deploy_name: &'a str,
    /// `DeploymentMeta.Namespace`.
    pub deploy_namespace: &'a str,
    /// Labels of the (stripped) pod.
    pub labels: &'a Mapping,
    /// Annotations of the (stripped) pod.
    pub annotations: &'a Mapping,
    /// The (stripped) pod spec.
    pub spec: &'a Value,
    /// Values and mesh config.
    pub cfg: &'a Config,
    /// The proxy config (mesh `defaultConfig` with the pod's `proxy.istio.io/config`).
    pub proxy_config: &'a Value,
    /// `PROXY_CONFIG`, already compact JSON.
    pub proxy_config_json: &'a str,
    /// Native sidecars for this pod.
    pub native: bool,
    /// `ProxyImage`.
    pub proxy_image: &'a str,
    /// `ProxyUID` (1337 unless a user `istio-proxy` sets `runAsUser`).
    pub proxy_uid: i64,
    /// `ProxyGID`.
    pub proxy_gid: i64,
}

impl Tpl<'_> {
    /// Istio's `annotation` template function: the annotation if present (even empty), else the default.
    fn annotation(&self, key: &str, default: &str) -> String {
        match self.annotations.get(key) {
            Some(v) => crate::tree::sprint(Some(v)),
            None => default.to_string(),
        }
    }

    fn has_annotation(&self, key: &str) -> bool {
        self.annotations.contains_key(key)
    }

    fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
    }

    fn values_proxy(&self, key: &str) -> String {
        crate::tree::sprint(self.cfg.v(&["global", "proxy", key]))
    }

    fn interception_mode(&self) -> String {
        let mesh = self.proxy_config.get("interceptionMode").and_then(Value::as_str).unwrap_or("REDIRECT");
        self.annotation("sidecar.istio.io/interceptionMode", mesh)
    }

    fn status_port(&self) -> String {
        self.annotation("status.sidecar.istio.io/port", &self.values_proxy("statusPort"))
    }

    fn proxy_metadata(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = match self.proxy_config.get("proxyMetadata") {
            Some(Value::Map(m)) => m.iter().map(|(k, v)| (k.clone(), crate::tree::sprint(Some(v)))).collect(),
            _ => Vec::new(),
        };
        meshsim_yaml::sort::sort(&mut out);
        out
    }

    /// Names of the regular containers other than `istio-proxy`.
    pub fn app_containers(&self) -> Vec<String> {
        crate::tree::seq(self.spec, "containers")
            .iter()
            .map(|c| crate::tree::name_of(c).to_string())
            .filter(|n| n != "istio-proxy")
            .collect()
    }

    fn image_for(&self, values_image: &str) -> String {
        let a = self.annotation("sidecar.istio.io/proxyImage", values_image);
        if a.contains('/') {
            a
        } else {
            self.proxy_image.to_string()
        }
    }

    fn resources(&self) -> Option<Value> {
        let keys = ["sidecar.istio.io/proxyCPU", "sidecar.istio.io/proxyMemory", "sidecar.istio.io/proxyCPULimit", "sidecar.istio.io/proxyMemoryLimit"];
        if keys.iter().any(|k| self.has_annotation(k)) {
            let pick = |cpu: &str, mem: &str| {
                let mut m = Mapping::new();
                if self.has_annotation(cpu) {
                    m.insert("cpu".into(), s(self.annotation(cpu, "")));
                }
                if self.has_annotation(mem) {
                    m.insert("memory".into(), s(self.annotation(mem, "")));
                }
                (!m.is_empty()).then_some(Value::Map(m))
            };
            return Some(map([
                ("requests", pick(keys[0], keys[1])),
                ("limits", pick(keys[2], keys[3])),
            ]));
        }
        let r = self.cfg.v(&["global", "proxy", "resources"])?;
        Some(prune_nulls(r))
    }

    fn owner(&self) -> Option<String> {
        if self.api_version.is_empty() || self.deploy_name.is_empty() {
            return None;
        }
        let ns = if self.deploy_namespace.is_empty() { "default" } else { self.deploy_namespace };
        Some(format!(
            "kubernetes://apis/{}/namespaces/{ns}/{}s/{}",
            self.api_version,
            // Go's strings.ToLower; the kinds that reach a template are ASCII, and the Unicode
            // case tables would cost the page 5.5 KB brotli.
            self.kind.to_ascii_lowercase(),
            self.deploy_name
        ))
    }

    fn mesh_id(&self) -> String {
        let id = self.cfg.v_str(&["global", "meshID"]);
        if !id.is_empty() {
            return id.to_string();
        }
        self.trust_domain()
    }

    fn trust_domain(&self) -> String {
        let td = self.cfg.m_str(&["trustDomain"]);
        if td.is_empty() {
            self.cfg.v_str(&["global", "trustDomain"]).to_string()
        } else {
            td.to_string()
        }
    }

    fn hold_application(&self) -> bool {
        let pc = matches!(self.proxy_config.get("holdApplicationUntilProxyStarts"), Some(Value::Bool(true)));
        (pc || self.cfg.v_bool(&["global", "proxy", "holdApplicationUntilProxyStarts"])) && !self.native
    }
}

fn prune_nulls(v: &Value) -> Value {
    match v {
        Value::Map(m) => {
            let mut out = Mapping::new();
            for (k, v) in m {
                if v.is_null() {
                    continue;
                }
                let p = prune_nulls(v);
                if matches!(&p, Value::Map(m) if m.is_empty()) {
                    continue;
                }
                out.insert(k.clone(), p);
            }
            Value::Map(out)
        }
        other => other.clone(),
    }
}

/// `service.istio.io/canonical-name` and `canonical-revision`: the existing labels, else the app's
/// name and version labels, else the workload name and `latest` (the name cut to 63 characters
/// without a trailing `-`, as Istio 1.30 does).
fn canonical(t: &Tpl) -> (String, String) {
    let name = t
        .label("service.istio.io/canonical-name")
        .or_else(|| t.label("app.kubernetes.io/name"))
        .or_else(|| t.label("app"))
        .unwrap_or(t.deploy_name);
    let cut: String = name.chars().take(63).collect();
    let name = cut.strip_suffix('-').unwrap_or(&cut).to_string();
    let revision = t
        .label("service.istio.io/canonical-revision")
        .or_else(|| t.label("app.kubernetes.io/version"))
        .or_else(|| t.label("version"))
        .unwrap_or("latest");
    (name, revision.to_string())
}

/// The agent's arguments common to every template: `proxy <mode> --domain … --log levels`.
fn proxy_args(t: &Tpl, mode: &str) -> Vec<String> {
    let cfg = t.cfg;
    vec![
        "proxy".to_string(),
        mode.to_string(),
        "--domain".into(),
        format!("$(POD_NAMESPACE).svc.{}", cfg.v_str(&["global", "proxy", "clusterDomain"])),
        format!("--proxyLogLevel={}", t.annotation("sidecar.istio.io/logLevel", cfg.v_str(&["global", "proxy", "logLevel"]))),
        format!("--proxyComponentLogLevel={}", t.annotation("sidecar.istio.io/componentLogLevel", cfg.v_str(&["global", "proxy", "componentLogLevel"]))),
        format!("--log_output_level={}", t.annotation("sidecar.istio.io/agentLogLevel", cfg.v_str(&["global", "logging", "level"]))),
    ]
}

fn field_env(name: &str, path: &str) -> Value {
    map([("name", ss(name)), ("valueFrom", sv(map([("fieldRef", sv(map([("fieldPath", ss(path))])))])))])
}

fn resource_env(name: &str, resource: &str) -> Value {
    map([
        ("name", ss(name)),
        ("valueFrom", sv(map([("resourceFieldRef", sv(map([("resource", ss(resource)), ("divisor", ss("1"))])))]))),
    ])
}

fn env(name: &str, value: impl Into<String>) -> Value {
    map([("name", ss(name)), ("value", ss(value))])
}

fn mount(name: &str, path: &str) -> Value {
    map([("name", ss(name)), ("mountPath", ss(path))])
}

/// `excludeInboundPort`: appends the status port to the excluded list unless present or zero.
pub fn exclude_inbound_port(port: &str, excluded: &str) -> String {
    let port = port.trim();
    if port.is_empty() || port == "0" {
        return excluded.to_string();
    }
    let mut out = Vec::new();
    for p in excluded.split(',') {
        if p == port {
            return excluded.to_string();
        }
        let p = p.trim();
        if !p.is_empty() {
            out.push(p.to_string());
        }
    }
    out.push(port.to_string());
    out.join(",")
}

/// `ISTIO_META_POD_PORTS`: one compact JSON line per container port of the regular containers.
fn pod_ports(spec: &Value) -> String {
    let mut out = String::from("[");
    let mut first = true;
    for c in crate::tree::seq(spec, "containers") {
        for p in crate::tree::seq(c, "ports") {
            let p = crate::schema::normalize(p, "ContainerPort").unwrap_or(Value::Null);
            out.push_str("\n    ");
            if !first {
                out.push(',');
            }
            out.push_str(&meshsim_yaml::to_json(&p));
            first = false;
        }
    }
    out.push_str("\n]");
    out
}

/// Common proxy environment (the head of the list, shared by sidecar and gateway templates).
fn proxy_env_head(t: &Tpl, extra_after_service_account: &[Value]) -> Vec<Value> {
    let mut e = Vec::new();
    if t.cfg.m_str(&["inboundTrafficPolicy", "mode"]) == "LOCALHOST" {
        e.push(env("REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION", "true"));
    }
    e.push(env("PILOT_CERT_PROVIDER", t.cfg.v_str(&["global", "pilotCertProvider"])));
    let ca = t.cfg.v_str(&["global", "caAddress"]);
    let ca = if ca.is_empty() {
        // The template reads `.Values.revision`; the injector ConfigMap of a revision carries it,
        // so `--revision <rev>` gives `istiod-<rev>` unless the values name another revision.
        let rev = match t.cfg.v_str(&["revision"]) {
            "" => t.cfg.revision.as_str(),
            r => r,
        };
        let rev = if rev.is_empty() { String::new() } else { format!("-{rev}") };
        format!("istiod{rev}.{}.svc:15012", t.cfg.v_str(&["global", "istioNamespace"]))
    } else {
        ca.to_string()
    };
    e.push(env("CA_ADDR", ca));
    e.push(field_env("POD_NAME", "metadata.name"));
    e.push(field_env("POD_NAMESPACE", "metadata.namespace"));
    e.push(field_env("INSTANCE_IP", "status.podIP"));
    e.push(field_env("SERVICE_ACCOUNT", "spec.serviceAccountName"));
    e.push(field_env("HOST_IP", "status.hostIP"));
    e.extend_from_slice(extra_after_service_account);
    e
}

fn proxy_env_tail(t: &Tpl, e: &mut Vec<Value>, interception: bool) {
    let cluster = t.cfg.v_str(&["global", "multiCluster", "clusterName"]);
    e.push(env("ISTIO_META_CLUSTER_ID", if cluster.is_empty() { "Kubernetes" } else { cluster }));
    e.push(field_env("ISTIO_META_NODE_NAME", "spec.nodeName"));
    if interception {
        let mode = t
            .annotations
            .get("sidecar.istio.io/interceptionMode")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| t.proxy_config.get("interceptionMode").and_then(Value::as_str).unwrap_or("REDIRECT").to_string());
        e.push(env("ISTIO_META_INTERCEPTION_MODE", mode));
    }
    let network = t.cfg.v_str(&["global", "network"]);
    if !network.is_empty() {
        e.push(env("ISTIO_META_NETWORK", network));
    }
    if let Some(w) = t.label("service.istio.io/workload-name") {
        e.push(env("ISTIO_META_WORKLOAD_NAME", w));
    } else if !t.deploy_name.is_empty() {
        e.push(env("ISTIO_META_WORKLOAD_NAME", t.deploy_name));
    }
    if let Some(owner) = t.owner() {
        e.push(env("ISTIO_META_OWNER", owner));
    }
    if t.has_annotation("sidecar.istio.io/bootstrapOverride") {
        e.push(env("ISTIO_BOOTSTRAP_OVERRIDE", "/etc/istio/custom-bootstrap/custom_bootstrap.json"));
    }
    let mesh_id = t.mesh_id();
    if !mesh_id.is_empty() {
        e.push(env("ISTIO_META_MESH_ID", mesh_id));
    }
    let td = t.trust_domain();
    if !td.is_empty() {
        e.push(env("TRUST_DOMAIN", td));
    }
    if t.cfg.v_str(&["global", "proxy", "tracer"]) == "datadog" {
        if let Some(Value::Map(m)) = t.annotations.get("apm.datadoghq.com/env").and_then(Value::as_str).and_then(|j| meshsim_yaml::load(j).ok()) {
            let mut kv: Vec<_> = m.into_iter().collect();
            meshsim_yaml::sort::sort_by(&mut kv, |a, b| a.0.cmp(&b.0));
            for (k, v) in kv {
                e.push(env(&k, crate::tree::sprint(Some(&v))));
            }
        }
    }
    if let Some(attrs) = otel_resource_attributes(t) {
        e.push(env("OTEL_RESOURCE_ATTRIBUTES", attrs));
    }
    for (k, v) in t.proxy_metadata() {
        e.push(env(&k, v));
    }
}

/// `OTEL_RESOURCE_ATTRIBUTES` when a mesh OpenTelemetry provider enriches with semantic conventions.
fn otel_resource_attributes(t: &Tpl) -> Option<String> {
    let providers = t.cfg.mesh.get("extensionProviders")?.as_seq()?;
    let semconv = providers.iter().any(|p| {
        p.get_path(&["opentelemetry", "serviceAttributeEnrichment"]).and_then(Value::as_str) == Some("OTEL_SEMANTIC_CONVENTIONS")
    });
    if !semconv {
        return None;
    }
    let version = t
        .label("app.kubernetes.io/version")
        .or_else(|| t.label("version"))
        .or_else(|| t.label("service.istio.io/canonical-revision"))
        .unwrap_or("latest")
        .to_string();
    let container = t.app_containers().into_iter().next().unwrap_or_default();
    let ns = if t.deploy_namespace.is_empty() { "default" } else { t.deploy_namespace };
    Some(format!("service.namespace={ns},service.version={version},service.instance.id={ns}.$(POD_NAME).{container}"))
}

fn readiness_probe(t: &Tpl, port: i64) -> Option<Value> {
    let a = |k: &str, d: &str| t.annotation(k, d).parse::<i64>().unwrap_or(0);
    Some(map([
        ("httpGet", sv(map([("path", ss("/healthz/ready")), ("port", si(port))]))),
        ("initialDelaySeconds", si(a("readiness.status.sidecar.istio.io/initialDelaySeconds", &t.values_proxy("readinessInitialDelaySeconds")))),
        ("periodSeconds", si(a("readiness.status.sidecar.istio.io/periodSeconds", &t.values_proxy("readinessPeriodSeconds")))),
        ("timeoutSeconds", si(3)),
        ("failureThreshold", si(a("readiness.status.sidecar.istio.io/failureThreshold", &t.values_proxy("readinessFailureThreshold")))),
    ]))
}

/// The default `sidecar` template.
pub fn sidecar(t: &Tpl) -> Value {
    let cfg = t.cfg;
    let containers = t.app_containers();
    let mode = t.interception_mode();
    let cni = cfg.cni();

    // Labels.
    let (canonical_name, canonical_rev) = canonical(t);
    let mut labels = Mapping::new();
    labels.insert("security.istio.io/tlsMode".into(), s(t.label("security.istio.io/tlsMode").unwrap_or("istio")));
    if t.proxy_metadata().iter().any(|(k, v)| k == "ISTIO_META_ENABLE_HBONE" && v == "true") {
        labels.insert("networking.istio.io/tunnel".into(), s(t.label("networking.istio.io/tunnel").unwrap_or("http")));
    }
    labels.insert("service.istio.io/canonical-name".into(), s(canonical_name));
    labels.insert("service.istio.io/canonical-revision".into(), s(canonical_rev));

    // Annotations.
    let mut ann = Mapping::new();
    let rev = if t.cfg.revision.is_empty() { "default".to_string() } else { t.cfg.revision.clone() };
    ann.insert("istio.io/rev".into(), s(rev));
    if let Some(first) = containers.first() {
        if !t.has_annotation("kubectl.kubernetes.io/default-logs-container") {
            ann.insert("kubectl.kubernetes.io/default-logs-container".into(), s(first.clone()));
        }
        if !t.has_annotation("kubectl.kubernetes.io/default-container") {
            ann.insert("kubectl.kubernetes.io/default-container".into(), s(first.clone()));
        }
    }
    if cni {
        if cfg.v_str(&["pilot", "cni", "provider"]) == "multus" {
            let existing = t.annotations.get("k8s.v1.cni.cncf.io/networks").and_then(Value::as_str).unwrap_or("");
            ann.insert("k8s.v1.cni.cncf.io/networks".into(), s(append_multus_network(existing, "default/istio-cni")));
        }
        ann.insert("sidecar.istio.io/interceptionMode".into(), s(mode.clone()));
        let include = t.annotation("traffic.sidecar.istio.io/includeOutboundIPRanges", &t.values_proxy("includeIPRanges"));
        if !include.is_empty() {
            ann.insert("traffic.sidecar.istio.io/includeOutboundIPRanges".into(), s(include));
        }
        let exclude = t.annotation("traffic.sidecar.istio.io/excludeOutboundIPRanges", &t.values_proxy("excludeIPRanges"));
        if !exclude.is_empty() {
            ann.insert("traffic.sidecar.istio.io/excludeOutboundIPRanges".into(), s(exclude));
        }
        let inb = t.annotation("traffic.sidecar.istio.io/includeInboundPorts", &t.values_proxy("includeInboundPorts"));
        if !inb.is_empty() {
            ann.insert("traffic.sidecar.istio.io/includeInboundPorts".into(), s(inb));
        }
        let pc_status = crate::tree::sprint(t.proxy_config.get("statusPort"));
        ann.insert(
            "traffic.sidecar.istio.io/excludeInboundPorts".into(),
            s(exclude_inbound_port(&pc_status, &t.annotation("traffic.sidecar.istio.io/excludeInboundPorts", &t.values_proxy("excludeInboundPorts")))),
        );
        if t.has_annotation("traffic.sidecar.istio.io/includeOutboundPorts") || !t.values_proxy("includeOutboundPorts").is_empty() {
            ann.insert("traffic.sidecar.istio.io/includeOutboundPorts".into(), s(t.annotation("traffic.sidecar.istio.io/includeOutboundPorts", &t.values_proxy("includeOutboundPorts"))));
        }
        if t.has_annotation("traffic.sidecar.istio.io/excludeOutboundPorts") || !t.values_proxy("excludeOutboundPorts").is_empty() {
            ann.insert("traffic.sidecar.istio.io/excludeOutboundPorts".into(), s(t.annotation("traffic.sidecar.istio.io/excludeOutboundPorts", &t.values_proxy("excludeOutboundPorts"))));
        }
        for k in ["traffic.sidecar.istio.io/kubevirtInterfaces", "istio.io/reroute-virtual-interfaces", "traffic.sidecar.istio.io/excludeInterfaces"] {
            let v = t.annotation(k, "");
            if !v.is_empty() {
                ann.insert(k.into(), s(v));
            }
        }
    }

    let status_port = t.status_port();
    let resources = t.resources();

    // istio-init (or istio-validation with CNI).
    let mut init_containers = Vec::new();
    if mode != "NONE" {
        let mut args = vec![
            "istio-iptables".to_string(),
            "-p".into(),
            crate::tree::sprint(cfg.mesh.get("proxyListenPort")),
            "-z".into(),
            crate::tree::sprint(cfg.mesh.get("proxyInboundListenPort")),
            "-u".into(),
            t.proxy_uid.to_string(),
            "-m".into(),
            mode.clone(),
            "-i".into(),
            t.annotation("traffic.sidecar.istio.io/includeOutboundIPRanges", &t.values_proxy("includeIPRanges")),
            "-x".into(),
            t.annotation("traffic.sidecar.istio.io/excludeOutboundIPRanges", &t.values_proxy("excludeIPRanges")),
            "-b".into(),
            t.annotation("traffic.sidecar.istio.io/includeInboundPorts", &t.values_proxy("includeInboundPorts")),
            "-d".into(),
        ];
        let excluded = exclude_inbound_port(&status_port, &t.annotation("traffic.sidecar.istio.io/excludeInboundPorts", &t.values_proxy("excludeInboundPorts")));
        args.push(if excluded.is_empty() { "15090,15021".to_string() } else { format!("15090,15021,{excluded}") });
        if t.has_annotation("traffic.sidecar.istio.io/includeOutboundPorts") || !t.values_proxy("includeOutboundPorts").is_empty() {
            args.push("-q".into());
            args.push(t.annotation("traffic.sidecar.istio.io/includeOutboundPorts", &t.values_proxy("includeOutboundPorts")));
        }
        if t.has_annotation("traffic.sidecar.istio.io/excludeOutboundPorts") || !t.values_proxy("excludeOutboundPorts").is_empty() {
            args.push("-o".into());
            args.push(t.annotation("traffic.sidecar.istio.io/excludeOutboundPorts", &t.values_proxy("excludeOutboundPorts")));
        }
        if t.has_annotation("istio.io/reroute-virtual-interfaces") {
            args.push("-k".into());
            args.push(t.annotation("istio.io/reroute-virtual-interfaces", ""));
        } else if t.has_annotation("traffic.sidecar.istio.io/kubevirtInterfaces") {
            args.push("-k".into());
            args.push(t.annotation("traffic.sidecar.istio.io/kubevirtInterfaces", ""));
        }
        if t.has_annotation("traffic.sidecar.istio.io/excludeInterfaces") {
            args.push("-c".into());
            args.push(t.annotation("traffic.sidecar.istio.io/excludeInterfaces", ""));
        }
        args.push(format!("--log_output_level={}", t.annotation("sidecar.istio.io/agentLogLevel", cfg.v_str(&["global", "logging", "level"]))));
        if cfg.v_bool(&["global", "logAsJson"]) {
            args.push("--log_as_json".into());
        }
        if cni {
            args.push("--run-validation".into());
            args.push("--skip-rule-apply".into());
        } else if cfg.v_bool(&["global", "proxy_init", "forceApplyIptables"]) {
            args.push("--force-apply".into());
        }
        if cfg.v_bool(&["global", "nativeNftables"]) {
            args.push("--native-nftables".into());
        }
        let metadata = t.proxy_metadata();
        let init_env = (!metadata.is_empty()).then(|| Value::Seq(metadata.iter().map(|(k, v)| env(k, v.clone())).collect()));
        let privileged = cfg.v_bool(&["global", "proxy", "privileged"]);
        let security = if cni {
            map([
                ("allowPrivilegeEscalation", sb(privileged)),
                ("privileged", sb(privileged)),
                ("capabilities", sv(map([("drop", sv(strs(&["ALL"])))]))),
                ("readOnlyRootFilesystem", sb(true)),
                ("runAsGroup", si(t.proxy_gid)),
                ("runAsUser", si(t.proxy_uid)),
                ("runAsNonRoot", sb(true)),
                ("seccompProfile", cfg.v(&["global", "proxy", "seccompProfile"]).cloned()),
            ])
        } else {
            map([
                ("allowPrivilegeEscalation", sb(privileged)),
                ("privileged", sb(privileged)),
                ("capabilities", sv(map([("add", sv(strs(&["NET_ADMIN", "NET_RAW"]))), ("drop", sv(strs(&["ALL"])))]))),
                ("readOnlyRootFilesystem", sb(false)),
                ("runAsGroup", si(0)),
                ("runAsNonRoot", sb(false)),
                ("runAsUser", si(0)),
                ("seccompProfile", cfg.v(&["global", "proxy", "seccompProfile"]).cloned()),
            ])
        };
        let pull = cfg.v_str(&["global", "imagePullPolicy"]);
        init_containers.push(map([
            ("name", ss(if cni { "istio-validation" } else { "istio-init" })),
            ("image", ss(t.image_for(cfg.v_str(&["global", "proxy", "image"])))),
            ("args", sv(Value::Seq(args.into_iter().map(s).collect()))),
            ("imagePullPolicy", (!pull.is_empty()).then(|| s(pull))),
            ("env", init_env),
            ("resources", cfg.v(&["global", "proxy_init", "resources"]).cloned().or_else(|| resources.clone())),
            ("securityContext", sv(security)),
        ]));
    }

    // istio-proxy.
    let mut e = proxy_env_head(t, &[resource_env("ISTIO_CPU_LIMIT", "limits.cpu")]);
    e.push(env("PROXY_CONFIG", format!("{}\n", t.proxy_config_json)));
    e.push(env("ISTIO_META_POD_PORTS", pod_ports(t.spec)));
    e.push(env("ISTIO_META_APP_CONTAINERS", containers.join(",")));
    e.push(resource_env("GOMEMLIMIT", "limits.memory"));
    e.push(resource_env("GOMAXPROCS", "limits.cpu"));
    proxy_env_tail(t, &mut e, true);

    let mut proxy_args = proxy_args(t, "sidecar");
    let sts = crate::tree::sprint(cfg.v(&["global", "sts", "servicePort"]));
    if !sts.is_empty() && sts != "0" {
        proxy_args.push(format!("--stsPort={sts}"));
    }
    if cfg.v_bool(&["global", "logAsJson"]) {
        proxy_args.push("--log_as_json".into());
    }
    let outlier = cfg.v_str(&["global", "proxy", "outlierLogPath"]);
    if !outlier.is_empty() {
        proxy_args.push(format!("--outlierLogPath={outlier}"));
    }
    let lifecycle = if let Some(l) = cfg.v(&["global", "proxy", "lifecycle"]).filter(|v| !v.is_null()) {
        Some(l.clone())
    } else if t.hold_application() {
        Some(map([("postStart", sv(map([("exec", sv(map([("command", sv(strs(&["pilot-agent", "wait"])))])))])))]))
    } else if t.native {
        Some(map([(
            "preStop",
            sv(map([(
                "exec",
                sv(map([(
                    "command",
                    sv(Value::Seq(vec![s("pilot-agent"), s("request"), s(format!("--debug-port={status_port}")), s("POST"), s("drain")])),
                )])),
            )])),
        )]))
    } else {
        None
    };
    let probes_on = status_port != "0";
    let tproxy = mode == "TPROXY";
    let bind = t.annotation("sidecar.istio.io/capNetBindService", &t.values_proxy("capNetBindService")) == "true";
    let trace = t.proxy_metadata().iter().any(|(k, v)| k == "IPTABLES_TRACE_LOGGING" && v == "true");
    let privileged = cfg.v_bool(&["global", "proxy", "privileged"]);
    let security = if trace {
        map([
            ("allowPrivilegeEscalation", sb(true)),
            ("capabilities", sv(map([("add", sv(strs(&["NET_ADMIN", "NET_RAW"]))), ("drop", sv(strs(&["ALL"])))]))),
            ("privileged", sb(true)),
            ("readOnlyRootFilesystem", sb(true)),
            ("runAsGroup", si(t.proxy_gid)),
            ("runAsNonRoot", sb(false)),
            ("runAsUser", si(0)),
        ])
    } else {
        let mut add = Vec::new();
        if tproxy {
            add.push("NET_ADMIN");
        }
        if bind {
            add.push("NET_BIND_SERVICE");
        }
        let root = tproxy || bind;
        map([
            ("allowPrivilegeEscalation", sb(privileged)),
            ("capabilities", sv(map([("add", (!add.is_empty()).then(|| strs(&add))), ("drop", sv(strs(&["ALL"])))]))),
            ("privileged", sb(privileged)),
            ("readOnlyRootFilesystem", sb(true)),
            ("runAsGroup", si(t.proxy_gid)),
            ("runAsNonRoot", sb(!root)),
            ("runAsUser", si(if root { 0 } else { t.proxy_uid })),
            ("seccompProfile", cfg.v(&["global", "proxy", "seccompProfile"]).cloned()),
        ])
    };
    let mut mounts = vec![
        mount("workload-socket", "/var/run/secrets/workload-spiffe-uds"),
        mount("credential-socket", "/var/run/secrets/credential-uds"),
    ];
    if cfg.v_str(&["global", "caName"]) == "GkeWorkloadCertificate" {
        mounts.push(map([("name", ss("gke-workload-certificate")), ("mountPath", ss("/var/run/secrets/workload-spiffe-credentials")), ("readOnly", sb(true))]));
    } else {
        mounts.push(mount("workload-certs", "/var/run/secrets/workload-spiffe-credentials"));
    }
    let istiod_ca = cfg.v_str(&["global", "pilotCertProvider"]) == "istiod";
    if istiod_ca {
        mounts.push(mount("istiod-ca-cert", "/var/run/secrets/istio"));
        mounts.push(mount("istio-ca-crl", "/var/run/secrets/istio/crl"));
    }
    mounts.push(mount("istio-data", "/var/lib/istio/data"));
    if t.has_annotation("sidecar.istio.io/bootstrapOverride") {
        mounts.push(mount("custom-bootstrap-volume", "/etc/istio/custom-bootstrap"));
    }
    mounts.push(mount("istio-envoy", "/etc/istio/proxy"));
    mounts.push(mount("istio-token", "/var/run/secrets/tokens"));
    if cfg.v_bool(&["global", "mountMtlsCerts"]) {
        mounts.push(map([("name", ss("istio-certs")), ("mountPath", ss("/etc/certs/")), ("readOnly", sb(true))]));
    }
    mounts.push(mount("istio-podinfo", "/etc/istio/pod"));
    if let Some(Value::Map(user)) = t.annotations.get("sidecar.istio.io/userVolumeMount").and_then(Value::as_str).and_then(|j| meshsim_yaml::load(j).ok()) {
        let mut entries: Vec<_> = user.into_iter().collect();
        meshsim_yaml::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        for (name, m) in entries {
            let mut v = Mapping::new();
            v.insert("name".into(), s(name));
            if let Value::Map(mm) = m {
                v.extend(mm);
            }
            mounts.push(Value::Map(v));
        }
    }

    let pull = cfg.v_str(&["global", "imagePullPolicy"]);
    let proxy = map([
        ("name", ss("istio-proxy")),
        ("image", ss(t.image_for(cfg.v_str(&["global", "proxy", "image"])))),
        ("restartPolicy", t.native.then(|| s("Always"))),
        ("ports", sv(Value::Seq(vec![map([("containerPort", si(15090)), ("protocol", ss("TCP")), ("name", ss("http-envoy-prom"))])]))),
        ("args", sv(Value::Seq(proxy_args.into_iter().map(s).collect()))),
        ("lifecycle", lifecycle),
        ("env", sv(Value::Seq(e))),
        ("imagePullPolicy", (!pull.is_empty()).then(|| s(pull))),
        ("readinessProbe", if probes_on { readiness_probe(t, 15021) } else { None }),
        (
            "startupProbe",
            (probes_on && cfg.v_bool(&["global", "proxy", "startupProbe", "enabled"])).then(|| {
                map([
                    ("httpGet", sv(map([("path", ss("/healthz/ready")), ("port", si(15021))]))),
                    ("initialDelaySeconds", si(0)),
                    ("periodSeconds", si(1)),
                    ("timeoutSeconds", si(3)),
                    ("failureThreshold", cfg.v(&["global", "proxy", "startupProbe", "failureThreshold"]).cloned()),
                ])
            }),
        ),
        ("securityContext", sv(security)),
        ("resources", resources),
        ("volumeMounts", sv(Value::Seq(mounts))),
    ]);
    if t.native {
        init_containers.push(proxy.clone());
    }

    // Volumes.
    let mut volumes = vec![map([("name", ss("workload-socket"))]), map([("name", ss("credential-socket"))])];
    if cfg.v_str(&["global", "caName"]) == "GkeWorkloadCertificate" {
        volumes.push(map([
            ("name", ss("gke-workload-certificate")),
            ("csi", sv(map([("driver", ss("workloadcertificates.security.cloud.google.com"))]))),
        ]));
    } else {
        volumes.push(map([("name", ss("workload-certs"))]));
    }
    if t.has_annotation("sidecar.istio.io/bootstrapOverride") {
        volumes.push(map([
            ("name", ss("custom-bootstrap-volume")),
            ("configMap", sv(map([("name", ss(t.annotation("sidecar.istio.io/bootstrapOverride", "")))]))),
        ]));
    }
    volumes.push(map([("emptyDir", sv(map([("medium", ss("Memory"))]))), ("name", ss("istio-envoy"))]));
    volumes.push(map([("name", ss("istio-data")), ("emptyDir", sv(Value::Map(Mapping::new())))]));
    volumes.push(podinfo_volume());
    volumes.push(token_volume(cfg));
    if istiod_ca {
        volumes.push(map([("name", ss("istiod-ca-cert")), ("configMap", sv(map([("name", ss("istio-ca-root-cert"))])))]));
        volumes.push(map([("name", ss("istio-ca-crl")), ("configMap", sv(map([("name", ss("istio-ca-crl")), ("optional", sb(true))])))]));
    }
    if cfg.v_bool(&["global", "mountMtlsCerts"]) {
        let sa = t.spec.get("serviceAccountName").and_then(Value::as_str).unwrap_or("");
        let secret = if sa.is_empty() { "istio.default".to_string() } else { format!("istio.{sa}") };
        volumes.push(map([("name", ss("istio-certs")), ("secret", sv(map([("optional", sb(true)), ("secretName", ss(secret))])))]));
    }
    if let Some(Value::Map(user)) = t.annotations.get("sidecar.istio.io/userVolume").and_then(Value::as_str).and_then(|j| meshsim_yaml::load(j).ok()) {
        let mut entries: Vec<_> = user.into_iter().collect();
        meshsim_yaml::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        for (name, v) in entries {
            let mut m = Mapping::new();
            m.insert("name".into(), s(name));
            if let Value::Map(mm) = v {
                m.extend(mm);
            }
            volumes.push(Value::Map(m));
        }
    }
    let pull_secrets = cfg
        .v(&["global", "imagePullSecrets"])
        .and_then(Value::as_seq)
        .filter(|s| !s.is_empty())
        .map(|secrets| Value::Seq(secrets.iter().map(|x| map([("name", ss(crate::tree::sprint(Some(x))))])).collect()));

    map([
        ("metadata", sv(map([("labels", sv(Value::Map(labels))), ("annotations", sv(Value::Map(ann)))]))),
        (
            "spec",
            sv(map([
                ("initContainers", sv(Value::Seq(init_containers))),
                ("containers", (!t.native).then(|| Value::Seq(vec![proxy]))),
                ("volumes", sv(Value::Seq(volumes))),
                ("imagePullSecrets", pull_secrets),
            ])),
        ),
    ])
}

fn podinfo_volume() -> Value {
    let item = |path: &str, field: &str| map([("path", ss(path)), ("fieldRef", sv(map([("fieldPath", ss(field))])))]);
    map([
        ("name", ss("istio-podinfo")),
        ("downwardAPI", sv(map([("items", sv(Value::Seq(vec![item("labels", "metadata.labels"), item("annotations", "metadata.annotations")])))]))),
    ])
}

fn token_volume(cfg: &Config) -> Value {
    map([
        ("name", ss("istio-token")),
        (
            "projected",
            sv(map([(
                "sources",
                sv(Value::Seq(vec![map([(
                    "serviceAccountToken",
                    sv(map([
                        ("path", ss("istio-token")),
                        ("expirationSeconds", si(43200)),
                        ("audience", ss(cfg.v_str(&["global", "sds", "token", "aud"]))),
                    ])),
                )])])),
            )])),
        ),
    ])
}

/// `appendMultusNetwork`: adds `network` to a comma list, or inside a JSON list keeping its text.
pub fn append_multus_network(existing: &str, network: &str) -> String {
    if existing.is_empty() {
        return network.to_string();
    }
    let (ns, name) = network.split_once('/').unwrap_or(("", network));
    if let Some(i) = existing.rfind(']') {
        let Ok(Value::Seq(items)) = meshsim_yaml::load(existing) else { return existing.to_string() };
        if items.iter().any(|n| n.get("name").and_then(Value::as_str) == Some(name)) {
            return existing.to_string();
        }
        let entry = if ns.is_empty() {
            format!(r#", {{"name": "{name}"}}"#)
        } else {
            format!(r#", {{"name": "{name}", "namespace": "{ns}"}}"#)
        };
        return format!("{}{entry}{}", &existing[..i], &existing[i..]);
    }
    if existing.split(',').any(|n| n.trim() == network) {
        return existing.to_string();
    }
    format!("{existing}, {network}")
}

/// The built-in `gateway` template (`proxy router`, no init container).
pub fn gateway(t: &Tpl) -> Value {
    let cfg = t.cfg;
    let (canonical_name, canonical_rev) = canonical(t);
    let mut labels = Mapping::new();
    labels.insert("service.istio.io/canonical-name".into(), s(canonical_name));
    labels.insert("service.istio.io/canonical-revision".into(), s(canonical_rev));
    let mut ann = Mapping::new();
    let rev = if cfg.revision.is_empty() { "default".to_string() } else { cfg.revision.clone() };
    ann.insert("istio.io/rev".into(), s(rev));

    let mut e = proxy_env_head(t, &[resource_env("ISTIO_CPU_LIMIT", "limits.cpu")]);
    e.push(env("PROXY_CONFIG", format!("{}\n", t.proxy_config_json)));
    e.push(env("ISTIO_META_POD_PORTS", pod_ports(t.spec)));
    e.push(resource_env("GOMEMLIMIT", "limits.memory"));
    e.push(resource_env("GOMAXPROCS", "limits.cpu"));
    e.push(env("ISTIO_META_APP_CONTAINERS", t.app_containers().join(",")));
    proxy_env_tail(t, &mut e, true);
    let status_port = t.status_port();
    let proxy = map([
        ("name", ss("istio-proxy")),
        ("image", ss(t.image_for(cfg.v_str(&["global", "proxy", "image"])))),
        ("ports", sv(Value::Seq(vec![map([("containerPort", si(15090)), ("protocol", ss("TCP")), ("name", ss("http-envoy-prom"))])]))),
        (
            "args",
            sv(Value::Seq(proxy_args(t, "router").into_iter().map(s).collect())),
        ),
        ("env", sv(Value::Seq(e))),
        ("readinessProbe", if status_port != "0" { readiness_probe(t, 15021) } else { None }),
        ("securityContext", sv(map([("runAsUser", si(t.proxy_uid)), ("runAsGroup", si(t.proxy_gid))]))),
        (
            "volumeMounts",
            sv(Value::Seq(vec![
                mount("workload-socket", "/var/run/secrets/workload-spiffe-uds"),
                mount("credential-socket", "/var/run/secrets/credential-uds"),
                mount("workload-certs", "/var/run/secrets/workload-spiffe-credentials"),
                mount("istiod-ca-cert", "/var/run/secrets/istio"),
                mount("istio-data", "/var/lib/istio/data"),
                mount("istio-envoy", "/etc/istio/proxy"),
                mount("istio-token", "/var/run/secrets/tokens"),
                mount("istio-podinfo", "/etc/istio/pod"),
            ])),
        ),
    ]);
    let empty = || sv(Value::Map(Mapping::new()));
    let volumes = vec![
        map([("name", ss("workload-socket"))]),
        map([("name", ss("credential-socket")), ("emptyDir", empty())]),
        map([("name", ss("workload-certs")), ("emptyDir", empty())]),
        map([("emptyDir", sv(map([("medium", ss("Memory"))]))), ("name", ss("istio-envoy"))]),
        map([("name", ss("istio-data")), ("emptyDir", empty())]),
        podinfo_volume(),
        token_volume(cfg),
        map([("name", ss("istiod-ca-cert")), ("configMap", sv(map([("name", ss("istio-ca-root-cert"))])))]),
    ];
    map([
        ("metadata", sv(map([("labels", sv(Value::Map(labels))), ("annotations", sv(Value::Map(ann)))]))),
        (
            "spec",
            sv(map([
                (
                    "securityContext",
                    sv(map([("sysctls", sv(Value::Seq(vec![map([("name", ss("net.ipv4.ip_unprivileged_port_start")), ("value", ss("0"))])])))])),
                ),
                ("containers", sv(Value::Seq(vec![proxy]))),
                ("volumes", sv(Value::Seq(volumes))),
            ])),
        ),
    ])
}

const GRPC_BOOTSTRAP_SCRIPT: &str = r#"NODE_ID="sidecar~${INSTANCE_IP}~${POD_NAME}.${POD_NAMESPACE}~cluster.local"
SERVER_URI="dns:///istiod.${ISTIO_NAMESPACE}.svc:15010"
echo '
{
  "xds_servers": [
    {
      "server_uri": "'${SERVER_URI}'",
      "channel_creds": [{"type": "insecure"}],
      "server_features" : ["xds_v3"]
    }
  ],
  "node": {
    "id": "'${NODE_ID}'",
    "metadata": {
      "GENERATOR": "grpc"
    }
  }
}' > /var/lib/grpc/data/bootstrap.json"#;

/// The built-in `grpc-simple` template: a busybox init container writes a gRPC xDS bootstrap.
pub fn grpc_simple(t: &Tpl) -> Value {
    let bootstrap_mount = || mount("grpc-io-proxyless-bootstrap", "/var/lib/grpc/data/");
    let init = map([
        ("name", ss("grpc-bootstrap-init")),
        ("image", ss("busybox:1.28")),
        ("volumeMounts", sv(Value::Seq(vec![bootstrap_mount()]))),
        (
            "env",
            sv(Value::Seq(vec![
                field_env("INSTANCE_IP", "status.podIP"),
                field_env("POD_NAME", "metadata.name"),
                field_env("POD_NAMESPACE", "metadata.namespace"),
                env("ISTIO_NAMESPACE", format!("{}\n", t.cfg.v_str(&["global", "istioNamespace"]))),
            ])),
        ),
        ("command", sv(Value::Seq(vec![s("sh"), s("-c"), s(GRPC_BOOTSTRAP_SCRIPT)]))),
    ]);
    let containers: Vec<Value> = crate::tree::seq(t.spec, "containers")
        .iter()
        .map(|c| {
            map([
                ("name", ss(crate::tree::name_of(c))),
                (
                    "env",
                    sv(Value::Seq(vec![
                        env("GRPC_XDS_BOOTSTRAP", "/var/lib/grpc/data/bootstrap.json"),
                        env("GRPC_GO_LOG_VERBOSITY_LEVEL", "99"),
                        env("GRPC_GO_LOG_SEVERITY_LEVEL", "info"),
                    ])),
                ),
                ("volumeMounts", sv(Value::Seq(vec![bootstrap_mount()]))),
            ])
        })
        .collect();
    map([
        ("metadata", sv(map([("annotations", sv(map([("sidecar.istio.io/rewriteAppHTTPProbers", ss("false"))])))]))),
        (
            "spec",
            sv(map([
                ("initContainers", sv(Value::Seq(vec![init]))),
                ("containers", sv(Value::Seq(containers))),
                ("volumes", sv(Value::Seq(vec![map([("name", ss("grpc-io-proxyless-bootstrap")), ("emptyDir", sv(Value::Map(Mapping::new())))])]))),
            ])),
        ),
    ])
}

/// The built-in `grpc-agent` template: the agent without Envoy, serving xDS to proxyless gRPC.
pub fn grpc_agent(t: &Tpl) -> Value {
    let cfg = t.cfg;
    let containers = t.app_containers();
    let (canonical_name, canonical_rev) = canonical(t);
    let mut labels = Mapping::new();
    labels.insert("service.istio.io/canonical-name".into(), s(canonical_name));
    labels.insert("service.istio.io/canonical-revision".into(), s(canonical_rev));
    let mut ann = Mapping::new();
    ann.insert("sidecar.istio.io/rewriteAppHTTPProbers".into(), s("false"));
    if let Some(first) = containers.first() {
        if !t.has_annotation("kubectl.kubernetes.io/default-logs-container") {
            ann.insert("kubectl.kubernetes.io/default-logs-container".into(), s(first.clone()));
        }
        if !t.has_annotation("kubectl.kubernetes.io/default-container") {
            ann.insert("kubectl.kubernetes.io/default-container".into(), s(first.clone()));
        }
    }
    let rev = if cfg.revision.is_empty() { "default".to_string() } else { cfg.revision.clone() };
    ann.insert("istio.io/rev".into(), s(rev));

    // The agent-only template lists the generator and certificate output first.
    let mut e = vec![env("ISTIO_META_GENERATOR", "grpc"), env("OUTPUT_CERTS", "/var/lib/istio/data")];
    e.extend(proxy_env_head(t, &[]));
    e.push(env("PROXY_CONFIG", format!("{}\n", t.proxy_config_json)));
    e.push(env("ISTIO_META_POD_PORTS", pod_ports(t.spec)));
    e.push(env("ISTIO_META_APP_CONTAINERS", containers.join(",")));
    proxy_env_tail(t, &mut e, false);
    e.push(env("ISTIO_META_DNS_CAPTURE", "false"));
    e.push(env("DISABLE_ENVOY", "true"));
    let status_port = t.status_port();
    let proxy = map([
        ("name", ss("istio-proxy")),
        ("image", ss(t.image_for(cfg.v_str(&["global", "proxy", "image"])))),
        ("ports", sv(Value::Seq(vec![map([("containerPort", si(15020)), ("protocol", ss("TCP")), ("name", ss("mesh-metrics"))])]))),
        (
            "args",
            sv(Value::Seq(proxy_args(t, "sidecar").into_iter().map(s).collect())),
        ),
        (
            "lifecycle",
            sv(map([("postStart", sv(map([("exec", sv(map([("command", sv(strs(&["pilot-agent", "wait", "--url=http://localhost:15020/healthz/ready"])))])))])))])),
        ),
        ("env", sv(Value::Seq(e))),
        ("readinessProbe", if status_port != "0" { readiness_probe(t, 15020) } else { None }),
        ("resources", t.resources()),
        (
            "volumeMounts",
            sv(Value::Seq(vec![
                mount("workload-socket", "/var/run/secrets/workload-spiffe-uds"),
                mount("workload-certs", "/var/run/secrets/workload-spiffe-credentials"),
                mount("istiod-ca-cert", "/var/run/secrets/istio"),
                mount("istio-data", "/var/lib/istio/data"),
                mount("istio-xds", "/etc/istio/proxy"),
                mount("istio-token", "/var/run/secrets/tokens"),
                mount("istio-podinfo", "/etc/istio/pod"),
            ])),
        ),
    ]);
    let mut all = vec![proxy];
    for c in crate::tree::seq(t.spec, "containers") {
        let n = crate::tree::name_of(c);
        if n == "istio-proxy" {
            continue;
        }
        all.push(map([
            ("name", ss(n)),
            ("env", sv(Value::Seq(vec![env("GRPC_XDS_EXPERIMENTAL_SECURITY_SUPPORT", "true"), env("GRPC_XDS_BOOTSTRAP", "/etc/istio/proxy/grpc-bootstrap.json")]))),
            (
                "volumeMounts",
                sv(Value::Seq(vec![
                    mount("istio-data", "/var/lib/istio/data"),
                    mount("istio-xds", "/etc/istio/proxy"),
                    mount("workload-certs", "/var/run/secrets/workload-spiffe-credentials"),
                ])),
            ),
        ]));
    }
    let volumes = vec![
        map([("name", ss("workload-socket"))]),
        map([("name", ss("workload-certs"))]),
        map([("emptyDir", sv(map([("medium", ss("Memory"))]))), ("name", ss("istio-xds"))]),
        map([("name", ss("istio-data")), ("emptyDir", sv(Value::Map(Mapping::new())))]),
        podinfo_volume(),
        token_volume(cfg),
        map([("name", ss("istiod-ca-cert")), ("configMap", sv(map([("name", ss("istio-ca-root-cert"))])))]),
    ];
    map([
        ("metadata", sv(map([("labels", sv(Value::Map(labels))), ("annotations", sv(Value::Map(ann)))]))),
        ("spec", sv(map([("containers", sv(Value::Seq(all))), ("volumes", sv(Value::Seq(volumes)))]))),
    ])
}
