//! The built-in injection templates of Istio 1.30.3: `sidecar`, `gateway`, `grpc-simple`, `grpc-agent`.
//!
//! Istio renders these as Go text templates into a partial Pod. Here the partial Pods are data,
//! `templates.yaml`, read once; [`render`] fills one in from the same inputs ([`Tpl`]) with a small
//! substitution language (variables, conditional entries, spliced lists; see `fill` and
//! `Tpl::eval`), whose variables are computed below. The pipeline in [`crate::pod`] then merges
//! the result over the user's pod exactly as Istio merges the rendered YAML. (`templates.yaml` has
//! no comments: it is embedded in the page as it is. Data rather than code, the four templates
//! cost the page's wasm a fraction of what the Rust that built them did.)

use crate::config::Config;
use crate::tree::{map, s, sprint};
use meshsim_yaml::{Mapping, Value};
use std::sync::OnceLock;

/// The names of the built-in templates.
pub const NAMES: &[&str] = &["gateway", "grpc-agent", "grpc-simple", "sidecar"];

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

/// Renders the built-in template `name`; `None` when there is no such template.
pub fn render(name: &str, t: &Tpl) -> Option<Value> {
    static TEMPLATES: OnceLock<Value> = OnceLock::new();
    if !NAMES.contains(&name) {
        return None;
    }
    let all = TEMPLATES.get_or_init(|| meshsim_yaml::load(include_str!("templates.yaml")).unwrap_or_else(|e| panic!("templates.yaml: {e}")));
    fill(all.get(name)?, t, None)
}

/// Fills in one node of `templates.yaml`; `None` when it is absent.
///
/// * A string `$expr` is the value of the expression [`Tpl::eval`]; in a string `$text` with
///   `{{expr}}` parts, they are replaced by their text. An absent value drops the map entry or list item.
/// * A map key `key?cond` is kept only when `cond` holds ([`Tpl::holds`]); the entries of a map
///   under the key `$+` are added to the enclosing map. A map with an entry `$if: cond` (written
///   first) is dropped unless `cond` holds; one with `$val: X` stands for X.
/// * In a list, an item that is a list (an alias of a shared list) and `$*expr` are spliced, and a
///   map with `$each: expr` is repeated for every item of that list, with `$item` the item.
fn fill(node: &Value, t: &Tpl, item: Option<&Value>) -> Option<Value> {
    match node {
        Value::String(x) if x.starts_with('$') => {
            let x = &x[1..];
            if !x.contains("{{") {
                return t.eval(x, item);
            }
            let mut out = String::new();
            let mut rest = x;
            while let Some((before, after)) = rest.split_once("{{") {
                let (expr, next) = after.split_once("}}")?;
                out.push_str(before);
                out.push_str(&sprint(Some(&t.eval(expr, item)?)));
                rest = next;
            }
            out.push_str(rest);
            Some(Value::String(out))
        }
        Value::Map(m) => {
            let mut out = Mapping::with_capacity(m.len());
            for (k, v) in m {
                let key = match k.split_once('?') {
                    Some((key, cond)) if t.holds(cond, item) => key,
                    Some(_) => continue,
                    None if k == "$if" => {
                        if t.holds(v.as_str().unwrap_or(""), item) {
                            continue;
                        }
                        return None;
                    }
                    None if k == "$val" => return fill(v, t, item),
                    None => k,
                };
                match fill(v, t, item) {
                    Some(Value::Map(more)) if key == "$+" => out.extend(more),
                    Some(v) => {
                        out.insert(key.to_string(), v);
                    }
                    None => {}
                }
            }
            Some(Value::Map(out))
        }
        Value::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                fill_item(i, t, item, &mut out);
            }
            Some(Value::Seq(out))
        }
        _ => Some(node.clone()),
    }
}

/// Fills in one list item into `out`: spliced lists, repeated items, or the item itself.
fn fill_item(i: &Value, t: &Tpl, item: Option<&Value>, out: &mut Vec<Value>) {
    match i {
        Value::Seq(shared) => {
            for x in shared {
                fill_item(x, t, item, out);
            }
        }
        Value::String(x) if x.starts_with("$*") => {
            if let Some(Value::Seq(list)) = t.eval(&x[2..], item) {
                out.extend(list);
            }
        }
        Value::Map(m) if m.contains_key("$each") => {
            let mut body = m.clone();
            let list = body.shift_remove("$each").and_then(|n| t.eval(n.as_str()?, item));
            let body = Value::Map(body);
            for x in list.as_ref().and_then(Value::as_seq).into_iter().flatten() {
                out.extend(fill(&body, t, Some(x)));
            }
        }
        _ => out.extend(fill(i, t, item)),
    }
}

/// A list of strings as a sequence value.
fn str_seq<S: AsRef<str>>(items: &[S]) -> Value {
    Value::Seq(items.iter().map(|x| s(x.as_ref())).collect())
}

/// An `env` entry with a value.
fn env(name: &str, value: impl Into<String>) -> Value {
    let mut m = Mapping::new();
    m.insert("name".into(), s(name));
    m.insert("value".into(), s(value));
    Value::Map(m)
}

impl Tpl<'_> {
    /// True when every `&`-joined expression of `cond` holds (present and not `false`; a leading
    /// `!` negates).
    fn holds(&self, cond: &str, item: Option<&Value>) -> bool {
        cond.split('&').all(|c| {
            let (negate, expr) = match c.strip_prefix('!') {
                Some(e) => (true, e),
                None => (false, c),
            };
            let on = !matches!(self.eval(expr, item), None | Some(Value::Bool(false)));
            on != negate
        })
    }

    /// The value of a `templates.yaml` expression; `None` when absent.
    ///
    /// `?e` is `e` with an empty string counted as absent, `#e` the number in `e`'s text (0 when
    /// none), `a|b` is `a`, else `b` (`?` and `#` apply to everything after them, so `?a|b` is
    /// `?(a|b)` and `a|?b` is `a|(?b)`). Terms: `=text` (the text), `s:a.b` (a string of the Helm
    /// values, empty when missing), `t:a.b` (the text of any values scalar), `v:a.b` (any values subtree),
    /// `b:a.b` (a values boolean), `m:a.b` (the text of a mesh config scalar), `ann:KEY` (a pod
    /// annotation, when present), `label:KEY` (a pod label, when not empty), `meta:KEY` (whether a
    /// proxy metadata entry is `true`), or one of the named variables below.
    fn eval(&self, expr: &str, item: Option<&Value>) -> Option<Value> {
        let cfg = self.cfg;
        if let Some(e) = expr.strip_prefix('?') {
            return self.eval(e, item).filter(|v| v.as_str() != Some(""));
        }
        if let Some(e) = expr.strip_prefix('#') {
            return Some(Value::Int(sprint(self.eval(e, item).as_ref()).parse::<i64>().unwrap_or(0)));
        }
        let first_container = |k: &str| {
            let c = self.app_containers();
            if self.has_annotation(k) {
                return None;
            }
            c.into_iter().next().map(s)
        };
        let bind = || self.annotation("sidecar.istio.io/capNetBindService", &self.values_proxy("capNetBindService")) == "true";
        let root = || self.interception_mode() == "TPROXY" || bind();
        let user_list = |k: &str| -> Option<Value> {
            let Some(Value::Map(user)) = self.annotations.get(k).and_then(Value::as_str).and_then(|j| meshsim_yaml::load(j).ok()) else { return None };
            let mut entries: Vec<_> = user.into_iter().collect();
            crate::tree::sort_entries(&mut entries);
            Some(Value::Seq(
                entries
                    .into_iter()
                    .map(|(name, v)| {
                        let mut m = Mapping::new();
                        m.insert("name".into(), s(name));
                        if let Value::Map(mm) = v {
                            m.extend(mm);
                        }
                        Value::Map(m)
                    })
                    .collect(),
            ))
        };
        let text = |x: String| Some(s(x));
        let flag = |b: bool| Some(Value::Bool(b));
        match expr {
            "item" => item.cloned(),
            "native" => flag(self.native),
            "cni" => flag(cfg.cni()),
            "image" => text(self.image_for(cfg.v_str(&["global", "proxy", "image"]))),
            "uid" => Some(Value::Int(self.proxy_uid)),
            "gid" => Some(Value::Int(self.proxy_gid)),
            "rev" => text(if cfg.revision.is_empty() { "default".to_string() } else { cfg.revision.clone() }),
            "canonicalName" => text(canonical(self).0),
            "canonicalRevision" => text(canonical(self).1),
            "defaultLogsContainer" => first_container("kubectl.kubernetes.io/default-logs-container"),
            "defaultContainer" => first_container("kubectl.kubernetes.io/default-container"),
            "multusNetworks" => (cfg.v_str(&["pilot", "cni", "provider"]) == "multus").then(|| {
                let existing = self.annotations.get("k8s.v1.cni.cncf.io/networks").and_then(Value::as_str).unwrap_or("");
                s(append_multus_network(existing, "default/istio-cni"))
            }),
            "mode" => text(self.interception_mode()),
            "statusPort" => text(self.status_port()),
            "initOn" => flag(self.interception_mode() != "NONE"),
            "cniExcludeInboundPorts" => text(exclude_inbound_port(
                &sprint(self.proxy_config.get("statusPort")),
                &self.annotation("traffic.sidecar.istio.io/excludeInboundPorts", &self.values_proxy("excludeInboundPorts")),
            )),
            "excludedInbound" => text(exclude_inbound_port(
                &self.status_port(),
                &self.annotation("traffic.sidecar.istio.io/excludeInboundPorts", &self.values_proxy("excludeInboundPorts")),
            )),
            "initEnv" => {
                let metadata = self.proxy_metadata();
                (!metadata.is_empty()).then(|| Value::Seq(metadata.iter().map(|(k, v)| env(k, v.clone())).collect()))
            }
            "resources" => self.resources(),
            "localhostProbe" => flag(cfg.m_str(&["inboundTrafficPolicy", "mode"]) == "LOCALHOST"),
            "caAddr" => {
                let ca = cfg.v_str(&["global", "caAddress"]);
                if !ca.is_empty() {
                    return text(ca.to_string());
                }
                // The template reads `.Values.revision`; the injector ConfigMap of a revision carries
                // it, so `--revision <rev>` gives `istiod-<rev>` unless the values name another one.
                let rev = match cfg.v_str(&["revision"]) {
                    "" => cfg.revision.as_str(),
                    r => r,
                };
                let rev = if rev.is_empty() { String::new() } else { format!("-{rev}") };
                text(format!("istiod{rev}.{}.svc:15012", cfg.v_str(&["global", "istioNamespace"])))
            }
            "proxyConfigJson" => text(self.proxy_config_json.to_string()),
            "podPorts" => text(pod_ports(self.spec)),
            "appContainersJoined" => text(self.app_containers().join(",")),
            "appContainers" => Some(str_seq(&self.app_containers())),
            "allContainers" => {
                Some(Value::Seq(crate::tree::seq(self.spec, "containers").iter().map(|c| s(crate::tree::name_of(c))).collect()))
            }
            "metaInterceptionMode" => text(
                self.annotations
                    .get("sidecar.istio.io/interceptionMode")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .unwrap_or_else(|| self.proxy_config.get("interceptionMode").and_then(Value::as_str).unwrap_or("REDIRECT").to_string()),
            ),
            "deployName" => text(self.deploy_name.to_string()),
            "apiVersion" => text(self.api_version.to_string()),
            // Go's strings.ToLower, for the kinds Kubernetes has: API kinds are ASCII (a CRD's kind must
            // lower-case to a DNS-1035 label), so Unicode case tables (1.4 KB brotli) are not carried.
            "kindLower" => text(self.kind.to_ascii_lowercase()),
            "namespace" => (!self.deploy_namespace.is_empty()).then(|| s(self.deploy_namespace)),
            "semconv" => flag(cfg.mesh.get("extensionProviders").and_then(Value::as_seq).is_some_and(|providers| {
                providers.iter().any(|p| {
                    p.get_path(&["opentelemetry", "serviceAttributeEnrichment"]).and_then(Value::as_str) == Some("OTEL_SEMANTIC_CONVENTIONS")
                })
            })),
            "firstContainer" => text(self.app_containers().into_iter().next().unwrap_or_default()),
            "meshId" => text(self.mesh_id()),
            "trustDomain" => text(self.trust_domain()),
            "datadogEnv" => {
                if cfg.v_str(&["global", "proxy", "tracer"]) != "datadog" {
                    return None;
                }
                let Some(Value::Map(m)) = self.annotations.get("apm.datadoghq.com/env").and_then(Value::as_str).and_then(|j| meshsim_yaml::load(j).ok()) else {
                    return None;
                };
                let mut kv: Vec<_> = m.into_iter().collect();
                crate::tree::sort_entries(&mut kv);
                Some(Value::Seq(kv.into_iter().map(|(k, v)| env(&k, sprint(Some(&v)))).collect()))
            }
            "proxyMetadataEnv" => Some(Value::Seq(self.proxy_metadata().into_iter().map(|(k, v)| env(&k, v)).collect())),
            "stsPort" => {
                let sts = sprint(cfg.v(&["global", "sts", "servicePort"]));
                (!sts.is_empty() && sts != "0").then(|| s(sts))
            }
            "userLifecycle" => cfg.v(&["global", "proxy", "lifecycle"]).filter(|v| !v.is_null()).cloned(),
            "hold" => flag(self.hold_application()),
            "probesOn" => flag(self.status_port() != "0"),
            "capsAdd" => {
                let mut add = Vec::new();
                if self.interception_mode() == "TPROXY" {
                    add.push("NET_ADMIN");
                }
                if bind() {
                    add.push("NET_BIND_SERVICE");
                }
                (!add.is_empty()).then(|| str_seq(&add))
            }
            "notRoot" => flag(!root()),
            "proxyRunAsUser" => Some(Value::Int(if root() { 0 } else { self.proxy_uid })),
            "gke" => flag(cfg.v_str(&["global", "caName"]) == "GkeWorkloadCertificate"),
            "istiodCa" => flag(cfg.v_str(&["global", "pilotCertProvider"]) == "istiod"),
            "userVolumeMounts" => user_list("sidecar.istio.io/userVolumeMount"),
            "userVolumes" => user_list("sidecar.istio.io/userVolume"),
            "serviceAccount" => self.spec.get("serviceAccountName").and_then(Value::as_str).filter(|x| !x.is_empty()).map(s),
            "clusterId" => {
                let cluster = cfg.v_str(&["global", "multiCluster", "clusterName"]);
                text((if cluster.is_empty() { "Kubernetes" } else { cluster }).to_string())
            }
            "pullSecrets" => cfg.v(&["global", "imagePullSecrets"]).and_then(Value::as_seq).filter(|l| !l.is_empty()).map(|l| {
                Value::Seq(
                    l.iter()
                        .map(|x| {
                            let mut m = Mapping::new();
                            m.insert("name".into(), s(sprint(Some(x))));
                            Value::Map(m)
                        })
                        .collect(),
                )
            }),
            _ => self.eval_term(expr, item),
        }
    }

    /// [`Tpl::eval`] of an expression that is not a named variable.
    fn eval_term(&self, expr: &str, item: Option<&Value>) -> Option<Value> {
        let cfg = self.cfg;
        if let Some((a, b)) = expr.split_once('|') {
            return self.eval(a, item).or_else(|| self.eval(b, item));
        }
        if let Some(text) = expr.strip_prefix('=') {
            return Some(s(text));
        }
        if let Some((kind, arg)) = expr.split_once(':') {
            let path = || arg.split('.').collect::<Vec<&str>>();
            return match kind {
                "s" => Some(s(cfg.v_str(&path()))),
                "t" => Some(s(sprint(cfg.v(&path())))),
                "v" => cfg.v(&path()).cloned(),
                "b" => Some(Value::Bool(cfg.v_bool(&path()))),
                "m" => Some(s(sprint(cfg.mesh.get_path(&path())))),
                "ann" => self.annotations.get(arg).map(|v| s(sprint(Some(v)))),
                "label" => self.label(arg).map(s),
                _ => Some(Value::Bool(self.proxy_metadata().iter().any(|(k, v)| k == arg && v == "true"))),
            };
        }
        debug_assert!(false, "templates.yaml uses an unknown variable {expr}");
        None
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every expression in `templates.yaml` names a known variable (`eval` asserts it in debug
    /// builds), whatever the conditions around it.
    #[test]
    fn every_expression_is_known() {
        fn expr(x: &str, out: &mut Vec<String>) {
            {
                let x = x.strip_prefix('$').unwrap_or(x);
                let parts: Vec<&str> = x.split("{{").skip(1).filter_map(|p| p.split_once("}}").map(|(e, _)| e)).collect();
                if parts.is_empty() {
                    out.extend(x.split('&').map(|c| c.trim_start_matches(['!', '*']).to_string()));
                } else {
                    out.extend(parts.iter().map(|p| p.to_string()));
                }
            }
        }
        fn walk(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::String(x) if x.starts_with('$') => expr(x, out),
                Value::Map(m) => {
                    for (k, v) in m {
                        match k.split_once('?') {
                            Some((_, cond)) => expr(cond, out),
                            None if k == "$if" || k == "$each" => expr(v.as_str().unwrap_or(""), out),
                            None => {}
                        }
                        walk(v, out);
                    }
                }
                Value::Seq(items) => items.iter().for_each(|i| walk(i, out)),
                _ => {}
            }
        }
        let all = meshsim_yaml::load(include_str!("templates.yaml")).unwrap();
        let mut exprs = Vec::new();
        walk(&all, &mut exprs);
        assert!(exprs.len() > 100, "{}", exprs.len());
        let cfg = Config::defaults();
        let empty = Mapping::new();
        let spec = Value::Map(Mapping::new());
        let pc = Value::Map(Mapping::new());
        let t = Tpl {
            api_version: "apps/v1",
            kind: "Deployment",
            deploy_name: "d",
            deploy_namespace: "ns",
            labels: &empty,
            annotations: &empty,
            spec: &spec,
            cfg: &cfg,
            proxy_config: &pc,
            proxy_config_json: "{}",
            native: false,
            proxy_image: "img",
            proxy_uid: 1337,
            proxy_gid: 1337,
        };
        for e in &exprs {
            t.eval(e, Some(&Value::Null));
        }
        for name in NAMES {
            assert!(render(name, &t).is_some(), "{name}");
        }
        assert!(render("envHead", &t).is_none());
    }
}
