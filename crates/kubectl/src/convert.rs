//! Manifests to API objects and back: what the API server's decoding and
//! defaulting does on the way in, and what `-o yaml`/`-o json` print on the way out.

use indexmap::IndexMap;
use meshsim_cluster::time::{rfc3339, Nanos};
use meshsim_cluster::*;
use meshsim_yaml::{Mapping, Value};

/// Why a document could not become an object.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// `kind` or `apiVersion` missing.
    #[error("error validating data: {0}")]
    Validation(String),
    /// A kind/version the API server does not serve.
    #[error("no matches for kind \"{kind}\" in version \"{version}\"")]
    NoMatch { kind: String, version: String },
    /// A field the API server rejects.
    #[error("{0}")]
    Invalid(String),
    /// A field of the wrong JSON type (the API server cannot decode the object).
    #[error("{0}")]
    BadRequest(String),
}

fn type_error(
    kind: &str,
    version: &str,
    go_field: &str,
    path: &str,
    want: &str,
    got: &Value,
) -> DecodeError {
    let version = version.rsplit('/').next().unwrap_or(version);
    DecodeError::BadRequest(format!(
        "{kind} in version \"{version}\" cannot be handled as a {kind}: json: cannot unmarshal {} into Go struct field {go_field}.{path} of type {want}",
        got.json_type_name()
    ))
}

/// The few type checks that matter for hand-written manifests.
fn check_types(v: &Value, kind: &str, version: &str) -> Result<(), DecodeError> {
    if let Some(r) = v.get_path(&["spec", "replicas"]) {
        if !matches!(r, Value::Int(_) | Value::Null) {
            return Err(type_error(
                kind,
                version,
                &format!("{kind}Spec"),
                "spec.replicas",
                "int32",
                r,
            ));
        }
    }
    for path in [
        &["metadata", "labels"][..],
        &["spec", "template", "metadata", "labels"][..],
        &["metadata", "annotations"][..],
    ] {
        if let Some(Value::Map(m)) = v.get_path(path) {
            for val in m.values() {
                if !matches!(val, Value::String(_)) {
                    let field = path.join(".");
                    return Err(type_error(
                        kind,
                        version,
                        "ObjectMeta",
                        &field,
                        "string",
                        val,
                    ));
                }
            }
        }
    }
    for path in [
        &["spec", "containers"][..],
        &["spec", "template", "spec", "containers"][..],
    ] {
        if let Some(c) = v.get_path(path) {
            if !matches!(c, Value::Seq(_)) {
                return Err(type_error(
                    kind,
                    version,
                    "PodSpec",
                    &path.join("."),
                    "[]v1.Container",
                    c,
                ));
            }
        }
    }
    Ok(())
}

fn s(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(x)) => x.clone(),
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Float(f)) => meshsim_yaml::gofmt::format_g(*f),
        _ => String::new(),
    }
}

fn int(v: Option<&Value>, default: i64) -> i64 {
    match v {
        Some(Value::Int(i)) => *i,
        Some(Value::String(x)) => x.parse().unwrap_or(default),
        _ => default,
    }
}

fn string_map(v: Option<&Value>) -> StringMap {
    let mut m = StringMap::new();
    if let Some(Value::Map(map)) = v {
        for (k, v) in map {
            m.insert(k.clone(), s(Some(v)));
        }
    }
    m
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_seq)
        .map(|xs| xs.iter().map(|x| s(Some(x))).collect())
        .unwrap_or_default()
}

/// A [`Value`] as the cluster's generic [`Tree`].
pub fn to_tree(v: &Value) -> Tree {
    match v {
        Value::Null => Tree::Null,
        Value::Bool(b) => Tree::Bool(*b),
        Value::Int(i) => Tree::Int(*i),
        Value::Float(f) => Tree::Float(*f),
        Value::String(x) => Tree::Str(x.clone()),
        Value::Seq(xs) => Tree::Seq(xs.iter().map(to_tree).collect()),
        Value::Map(m) => Tree::Map(m.iter().map(|(k, v)| (k.clone(), to_tree(v))).collect()),
    }
}

/// The cluster's [`Tree`] back as a [`Value`].
pub fn from_tree(t: &Tree) -> Value {
    match t {
        Tree::Null => Value::Null,
        Tree::Bool(b) => Value::Bool(*b),
        Tree::Int(i) => Value::Int(*i),
        Tree::Float(f) => Value::Float(*f),
        Tree::Str(x) => Value::String(x.clone()),
        Tree::Seq(xs) => Value::Seq(xs.iter().map(from_tree).collect()),
        Tree::Map(m) => Value::Map(m.iter().map(|(k, v)| (k.clone(), from_tree(v))).collect()),
    }
}

fn extras(map: &Mapping, known: &[&str]) -> IndexMap<String, Tree> {
    map.iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), to_tree(v)))
        .collect()
}

fn port_ref(v: Option<&Value>) -> PortRef {
    match v {
        Some(Value::Int(i)) => PortRef::Int(*i),
        Some(Value::String(x)) => x
            .parse()
            .map(PortRef::Int)
            .unwrap_or_else(|_| PortRef::Name(x.clone())),
        _ => PortRef::Int(0),
    }
}

fn probe(v: Option<&Value>) -> Option<Probe> {
    let v = v?;
    let action = if let Some(h) = v.get("httpGet") {
        ProbeAction::HttpGet {
            path: {
                let p = s(h.get("path"));
                if p.is_empty() {
                    "/".into()
                } else {
                    p
                }
            },
            port: port_ref(h.get("port")),
            scheme: {
                let x = s(h.get("scheme"));
                if x.is_empty() {
                    "HTTP".into()
                } else {
                    x
                }
            },
            host: s(h.get("host")),
        }
    } else if let Some(t) = v.get("tcpSocket") {
        ProbeAction::TcpSocket {
            port: port_ref(t.get("port")),
        }
    } else if let Some(e) = v.get("exec") {
        ProbeAction::Exec {
            command: strings(e.get("command")),
        }
    } else if let Some(g) = v.get("grpc") {
        ProbeAction::Grpc {
            port: int(g.get("port"), 0),
        }
    } else {
        return None;
    };
    Some(Probe {
        action,
        initial_delay: int(v.get("initialDelaySeconds"), 0),
        timeout: int(v.get("timeoutSeconds"), 1),
        period: int(v.get("periodSeconds"), 10),
        success: int(v.get("successThreshold"), 1),
        failure: int(v.get("failureThreshold"), 3),
    })
}

fn container(v: &Value) -> Result<Container, DecodeError> {
    let map = v
        .as_map()
        .ok_or_else(|| DecodeError::Invalid("container must be a mapping".into()))?;
    let name = s(v.get("name"));
    let image = s(v.get("image"));
    let mut c = Container::new(&name, &image);
    let policy = s(v.get("imagePullPolicy"));
    if !policy.is_empty() {
        c.image_pull_policy = policy;
    }
    c.command = strings(v.get("command"));
    c.args = strings(v.get("args"));
    for p in v.get("ports").and_then(Value::as_seq).into_iter().flatten() {
        let proto = s(p.get("protocol"));
        c.ports.push(ContainerPort {
            name: s(p.get("name")),
            container_port: int(p.get("containerPort"), 0),
            protocol: if proto.is_empty() {
                "TCP".into()
            } else {
                proto
            },
        });
    }
    for e in v.get("env").and_then(Value::as_seq).into_iter().flatten() {
        let from = e.get("valueFrom").and_then(|f| {
            if let Some(r) = f.get("fieldRef") {
                let av = s(r.get("apiVersion"));
                Some(EnvSource::Field {
                    api_version: if av.is_empty() { "v1".into() } else { av },
                    path: s(r.get("fieldPath")),
                })
            } else if let Some(r) = f.get("resourceFieldRef") {
                Some(EnvSource::Resource {
                    resource: s(r.get("resource")),
                    divisor: s(r.get("divisor")),
                })
            } else if let Some(r) = f.get("configMapKeyRef") {
                Some(EnvSource::ConfigMapKey {
                    name: s(r.get("name")),
                    key: s(r.get("key")),
                })
            } else {
                f.get("secretKeyRef").map(|r| EnvSource::SecretKey {
                    name: s(r.get("name")),
                    key: s(r.get("key")),
                })
            }
        });
        c.env.push(EnvVar {
            name: s(e.get("name")),
            value: e.get("value").map(|x| s(Some(x))),
            from,
        });
    }
    if let Some(r) = v.get("resources") {
        c.resources.limits = string_map(r.get("limits"));
        c.resources.requests = string_map(r.get("requests"));
        // The API server defaults requests to limits when only limits are given.
        for (k, l) in c.resources.limits.clone() {
            c.resources.requests.entry(k).or_insert(l);
        }
    }
    c.liveness = probe(v.get("livenessProbe"));
    c.readiness = probe(v.get("readinessProbe"));
    c.startup = probe(v.get("startupProbe"));
    for m in v
        .get("volumeMounts")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
    {
        c.volume_mounts.push(VolumeMount {
            name: s(m.get("name")),
            mount_path: s(m.get("mountPath")),
            read_only: m.get("readOnly").and_then(Value::as_bool).unwrap_or(false),
        });
    }
    let rp = s(v.get("restartPolicy"));
    c.restart_policy = if rp.is_empty() { None } else { Some(rp) };
    c.extra = extras(
        map,
        &[
            "name",
            "image",
            "imagePullPolicy",
            "command",
            "args",
            "ports",
            "env",
            "resources",
            "livenessProbe",
            "readinessProbe",
            "startupProbe",
            "volumeMounts",
            "restartPolicy",
            "terminationMessagePath",
            "terminationMessagePolicy",
        ],
    );
    Ok(c)
}

fn volume(v: &Value) -> Volume {
    let name = s(v.get("name"));
    let source = if let Some(e) = v.get("emptyDir") {
        let limit = s(e.get("sizeLimit"));
        VolumeSource::EmptyDir {
            medium: s(e.get("medium")),
            size_limit: if limit.is_empty() { None } else { Some(limit) },
        }
    } else if let Some(c) = v.get("configMap") {
        VolumeSource::ConfigMap {
            name: s(c.get("name")),
            optional: c.get("optional").and_then(Value::as_bool).unwrap_or(false),
        }
    } else if let Some(c) = v.get("secret") {
        VolumeSource::Secret {
            name: s(c.get("secretName")),
            optional: c.get("optional").and_then(Value::as_bool).unwrap_or(false),
        }
    } else if let Some(d) = v.get("downwardAPI") {
        let items = d
            .get("items")
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
            .map(|i| (s(i.get_path(&["fieldRef", "fieldPath"])), s(i.get("path"))))
            .collect();
        VolumeSource::DownwardApi { items }
    } else if let Some(p) = v.get("projected") {
        let mut token = None;
        let mut cm = None;
        let mut dapi = false;
        for src in p
            .get("sources")
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
        {
            if let Some(t) = src.get("serviceAccountToken") {
                token = Some(int(t.get("expirationSeconds"), 3600));
            }
            if let Some(c) = src.get("configMap") {
                cm = Some(s(c.get("name")));
            }
            if src.get("downwardAPI").is_some() {
                dapi = true;
            }
        }
        VolumeSource::Projected {
            token_expiration: token,
            config_map: cm,
            downward_api: dapi,
        }
    } else if v.as_map().is_some_and(|m| m.keys().all(|k| k == "name")) {
        // The API server defaults a volume without a source to an empty directory.
        VolumeSource::EmptyDir {
            medium: String::new(),
            size_limit: None,
        }
    } else {
        let (kind, body) = v
            .as_map()
            .and_then(|m| m.iter().find(|(k, _)| k.as_str() != "name"))
            .map(|(k, b)| (k.clone(), to_tree(b)))
            .unwrap_or_default_pair();
        VolumeSource::Other { kind, body }
    };
    Volume { name, source }
}

trait DefaultPair {
    fn unwrap_or_default_pair(self) -> (String, Tree);
}
impl DefaultPair for Option<(String, Tree)> {
    fn unwrap_or_default_pair(self) -> (String, Tree) {
        self.unwrap_or((String::new(), Tree::Null))
    }
}

/// A pod spec from `spec` (of a Pod or a template).
pub fn pod_spec(v: Option<&Value>) -> Result<PodSpec, DecodeError> {
    let Some(v) = v else {
        return Ok(PodSpec::default());
    };
    let empty = Mapping::new();
    let map = v.as_map().unwrap_or(&empty);
    let mut spec = PodSpec::default();
    for c in v
        .get("initContainers")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
    {
        spec.init_containers.push(container(c)?);
    }
    for c in v
        .get("containers")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
    {
        spec.containers.push(container(c)?);
    }
    for vol in v
        .get("volumes")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
    {
        spec.volumes.push(volume(vol));
    }
    let rp = s(v.get("restartPolicy"));
    if !rp.is_empty() {
        spec.restart_policy = rp;
    }
    spec.service_account = s(v.get("serviceAccountName"));
    if spec.service_account.is_empty() {
        spec.service_account = s(v.get("serviceAccount"));
    }
    spec.node_name = s(v.get("nodeName"));
    spec.termination_grace = int(v.get("terminationGracePeriodSeconds"), 30);
    spec.node_selector = string_map(v.get("nodeSelector"));
    for t in v
        .get("tolerations")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
    {
        spec.tolerations.push(Toleration {
            key: s(t.get("key")),
            operator: s(t.get("operator")),
            value: s(t.get("value")),
            effect: s(t.get("effect")),
            seconds: t.get("tolerationSeconds").and_then(Value::as_i64),
        });
    }
    spec.extra = extras(
        map,
        &[
            "initContainers",
            "containers",
            "volumes",
            "restartPolicy",
            "serviceAccountName",
            "serviceAccount",
            "nodeName",
            "terminationGracePeriodSeconds",
            "nodeSelector",
            "tolerations",
            "dnsPolicy",
            "schedulerName",
            "securityContext",
            "enableServiceLinks",
            "preemptionPolicy",
            "priority",
        ],
    );
    Ok(spec)
}

fn meta(v: &Value, default_ns: &str, namespaced: bool) -> ObjectMeta {
    let m = v.get("metadata");
    let ns = s(m.and_then(|m| m.get("namespace")));
    ObjectMeta {
        name: s(m.and_then(|m| m.get("name"))),
        namespace: if !namespaced {
            String::new()
        } else if ns.is_empty() {
            default_ns.to_string()
        } else {
            ns
        },
        labels: string_map(m.and_then(|m| m.get("labels"))),
        annotations: string_map(m.and_then(|m| m.get("annotations"))),
        generate_name: s(m.and_then(|m| m.get("generateName"))),
        ..ObjectMeta::default()
    }
}

/// Which API group/version serves each kind the simulator knows.
pub fn served(kind: &str, version: &str) -> bool {
    matches!(
        (kind, version),
        ("Namespace", "v1")
            | ("Pod", "v1")
            | ("Service", "v1")
            | ("ConfigMap", "v1")
            | ("Deployment", "apps/v1")
            | ("ReplicaSet", "apps/v1")
    )
}

/// Decode one document into an object, applying the API server's defaults.
pub fn decode(v: &Value, default_ns: &str) -> Result<Object, DecodeError> {
    let kind = s(v.get("kind"));
    let version = s(v.get("apiVersion"));
    let mut missing = vec![];
    if version.is_empty() {
        missing.push("apiVersion not set");
    }
    if kind.is_empty() {
        missing.push("kind not set");
    }
    if !missing.is_empty() {
        return Err(DecodeError::Validation(if missing.len() == 1 {
            missing[0].to_string()
        } else {
            format!("[{}]", missing.join(", "))
        }));
    }
    if !served(&kind, &version) {
        return Err(DecodeError::NoMatch { kind, version });
    }
    check_types(v, &kind, &version)?;
    let namespaced = kind != "Namespace";
    let meta = meta(v, default_ns, namespaced);
    let spec = v.get("spec");
    Ok(match kind.as_str() {
        "Namespace" => Object::Namespace(Namespace {
            meta,
            terminating: false,
        }),
        "ConfigMap" => {
            let data = v
                .get("data")
                .and_then(Value::as_map)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), s(Some(v)))).collect())
                .unwrap_or_default();
            Object::ConfigMap(ConfigMap { meta, data })
        }
        "Pod" => Object::Pod(Box::new(Pod::new(meta, pod_spec(spec)?))),
        "Service" => {
            let mut ports = vec![];
            for p in spec
                .and_then(|s| s.get("ports"))
                .and_then(Value::as_seq)
                .into_iter()
                .flatten()
            {
                let port = int(p.get("port"), 0);
                let proto = s(p.get("protocol"));
                ports.push(ServicePort {
                    name: s(p.get("name")),
                    port,
                    target_port: p
                        .get("targetPort")
                        .map(|t| port_ref(Some(t)))
                        .unwrap_or(PortRef::Int(port)),
                    protocol: if proto.is_empty() {
                        "TCP".into()
                    } else {
                        proto
                    },
                    node_port: p.get("nodePort").and_then(Value::as_i64),
                    app_protocol: s(p.get("appProtocol")),
                });
            }
            let t = s(spec.and_then(|s| s.get("type")));
            let kind = if t.is_empty() {
                "ClusterIP".to_string()
            } else {
                t
            };
            Object::Service(Box::new(Service {
                meta,
                external_traffic_policy: if kind == "LoadBalancer" || kind == "NodePort" {
                    "Cluster".into()
                } else {
                    String::new()
                },
                kind,
                selector: string_map(spec.and_then(|s| s.get("selector"))),
                ports,
                cluster_ip: s(spec.and_then(|s| s.get("clusterIP"))),
                external_ips: vec![],
                load_balancer_ip: None,
                session_affinity: "None".into(),
                internal_traffic_policy: "Cluster".into(),
            }))
        }
        "Deployment" | "ReplicaSet" => {
            let selector = string_map(spec.and_then(|s| s.get_path(&["selector", "matchLabels"])));
            if selector.is_empty() {
                return Err(DecodeError::Invalid(format!(
                    "The {kind} \"{}\" is invalid: spec.selector: Required value",
                    meta.name
                )));
            }
            let template = spec.and_then(|s| s.get("template"));
            let tm = template.and_then(|t| t.get("metadata"));
            let tpl = PodTemplate {
                labels: string_map(tm.and_then(|m| m.get("labels"))),
                annotations: string_map(tm.and_then(|m| m.get("annotations"))),
                spec: pod_spec(template.and_then(|t| t.get("spec")))?,
            };
            let replicas = int(spec.and_then(|s| s.get("replicas")), 1);
            if kind == "ReplicaSet" {
                Object::ReplicaSet(Box::new(ReplicaSet {
                    meta,
                    replicas,
                    selector,
                    template: tpl,
                    status_replicas: 0,
                    status_ready: 0,
                    status_available: 0,
                    template_hash: String::new(),
                }))
            } else {
                let st = spec.and_then(|s| s.get("strategy"));
                let mut strategy = Strategy::default();
                let t = s(st.and_then(|x| x.get("type")));
                if !t.is_empty() {
                    strategy.kind = t;
                }
                if let Some(ru) = st.and_then(|x| x.get("rollingUpdate")) {
                    if let Some(x) = ru.get("maxSurge") {
                        strategy.max_surge = s(Some(x));
                    }
                    if let Some(x) = ru.get("maxUnavailable") {
                        strategy.max_unavailable = s(Some(x));
                    }
                }
                Object::Deployment(Box::new(Deployment {
                    meta,
                    replicas,
                    selector,
                    template: tpl,
                    strategy,
                    min_ready_seconds: int(spec.and_then(|s| s.get("minReadySeconds")), 0),
                    revision_history_limit: int(
                        spec.and_then(|s| s.get("revisionHistoryLimit")),
                        10,
                    ),
                    progress_deadline: int(
                        spec.and_then(|s| s.get("progressDeadlineSeconds")),
                        600,
                    ),
                    status: DeploymentStatus::default(),
                }))
            }
        }
        _ => unreachable!("served() admitted only known kinds"),
    })
}

// ----- encoding -----

fn map() -> Mapping {
    Mapping::new()
}

fn smap(m: &StringMap) -> Value {
    Value::Map(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

fn ts(t: Nanos) -> Value {
    Value::String(rfc3339(t))
}

fn port_value(p: &PortRef) -> Value {
    match p {
        PortRef::Int(i) => Value::Int(*i),
        PortRef::Name(n) => Value::String(n.clone()),
    }
}

fn encode_probe(p: &Probe) -> Value {
    let mut m = map();
    m.insert("failureThreshold".into(), Value::Int(p.failure));
    match &p.action {
        ProbeAction::HttpGet {
            path,
            port,
            scheme,
            host,
        } => {
            let mut h = map();
            if !host.is_empty() {
                h.insert("host".into(), host.clone().into());
            }
            h.insert("path".into(), path.clone().into());
            h.insert("port".into(), port_value(port));
            h.insert("scheme".into(), scheme.clone().into());
            m.insert("httpGet".into(), Value::Map(h));
        }
        ProbeAction::TcpSocket { port } => {
            let mut h = map();
            h.insert("port".into(), port_value(port));
            m.insert("tcpSocket".into(), Value::Map(h));
        }
        ProbeAction::Exec { command } => {
            let mut h = map();
            h.insert(
                "command".into(),
                Value::Seq(command.iter().map(|c| c.clone().into()).collect()),
            );
            m.insert("exec".into(), Value::Map(h));
        }
        ProbeAction::Grpc { port } => {
            let mut h = map();
            h.insert("port".into(), Value::Int(*port));
            h.insert("service".into(), "".into());
            m.insert("grpc".into(), Value::Map(h));
        }
    }
    if p.initial_delay != 0 {
        m.insert("initialDelaySeconds".into(), Value::Int(p.initial_delay));
    }
    m.insert("periodSeconds".into(), Value::Int(p.period));
    m.insert("successThreshold".into(), Value::Int(p.success));
    m.insert("timeoutSeconds".into(), Value::Int(p.timeout));
    Value::Map(m)
}

fn encode_container(c: &Container, server: bool) -> Value {
    let mut m = map();
    if !c.args.is_empty() {
        m.insert(
            "args".into(),
            Value::Seq(c.args.iter().map(|a| a.clone().into()).collect()),
        );
    }
    if !c.command.is_empty() {
        m.insert(
            "command".into(),
            Value::Seq(c.command.iter().map(|a| a.clone().into()).collect()),
        );
    }
    if !c.env.is_empty() {
        let env = c
            .env
            .iter()
            .map(|e| {
                let mut em = map();
                em.insert("name".into(), e.name.clone().into());
                if let Some(v) = &e.value {
                    em.insert("value".into(), v.clone().into());
                }
                if let Some(f) = &e.from {
                    let mut fm = map();
                    match f {
                        EnvSource::Field { api_version, path } => {
                            let mut r = map();
                            r.insert("apiVersion".into(), api_version.clone().into());
                            r.insert("fieldPath".into(), path.clone().into());
                            fm.insert("fieldRef".into(), Value::Map(r));
                        }
                        EnvSource::Resource { resource, divisor } => {
                            let mut r = map();
                            if !divisor.is_empty() {
                                r.insert("divisor".into(), divisor.clone().into());
                            }
                            r.insert("resource".into(), resource.clone().into());
                            fm.insert("resourceFieldRef".into(), Value::Map(r));
                        }
                        EnvSource::ConfigMapKey { name, key } => {
                            let mut r = map();
                            r.insert("key".into(), key.clone().into());
                            r.insert("name".into(), name.clone().into());
                            fm.insert("configMapKeyRef".into(), Value::Map(r));
                        }
                        EnvSource::SecretKey { name, key } => {
                            let mut r = map();
                            r.insert("key".into(), key.clone().into());
                            r.insert("name".into(), name.clone().into());
                            fm.insert("secretKeyRef".into(), Value::Map(r));
                        }
                    }
                    em.insert("valueFrom".into(), Value::Map(fm));
                }
                Value::Map(em)
            })
            .collect();
        m.insert("env".into(), Value::Seq(env));
    }
    m.insert("image".into(), c.image.clone().into());
    if server {
        m.insert("imagePullPolicy".into(), c.image_pull_policy.clone().into());
    }
    if let Some(p) = &c.liveness {
        m.insert("livenessProbe".into(), encode_probe(p));
    }
    m.insert("name".into(), c.name.clone().into());
    if !c.ports.is_empty() {
        let ports = c
            .ports
            .iter()
            .map(|p| {
                let mut pm = map();
                pm.insert("containerPort".into(), Value::Int(p.container_port));
                if !p.name.is_empty() {
                    pm.insert("name".into(), p.name.clone().into());
                }
                pm.insert("protocol".into(), p.protocol.clone().into());
                Value::Map(pm)
            })
            .collect();
        m.insert("ports".into(), Value::Seq(ports));
    }
    if let Some(p) = &c.readiness {
        m.insert("readinessProbe".into(), encode_probe(p));
    }
    let mut r = map();
    if !c.resources.limits.is_empty() {
        r.insert("limits".into(), smap(&c.resources.limits));
    }
    if !c.resources.requests.is_empty() {
        r.insert("requests".into(), smap(&c.resources.requests));
    }
    if server || !r.is_empty() {
        m.insert("resources".into(), Value::Map(r));
    }
    if let Some(rp) = &c.restart_policy {
        m.insert("restartPolicy".into(), rp.clone().into());
    }
    if let Some(p) = &c.startup {
        m.insert("startupProbe".into(), encode_probe(p));
    }
    if server {
        m.insert(
            "terminationMessagePath".into(),
            "/dev/termination-log".into(),
        );
        m.insert("terminationMessagePolicy".into(), "File".into());
    }
    if !c.volume_mounts.is_empty() {
        let vms = c
            .volume_mounts
            .iter()
            .map(|v| {
                let mut vm = map();
                vm.insert("mountPath".into(), v.mount_path.clone().into());
                vm.insert("name".into(), v.name.clone().into());
                if v.read_only {
                    vm.insert("readOnly".into(), Value::Bool(true));
                }
                Value::Map(vm)
            })
            .collect();
        m.insert("volumeMounts".into(), Value::Seq(vms));
    }
    for (k, v) in &c.extra {
        m.insert(k.clone(), from_tree(v));
    }
    Value::Map(m)
}

fn encode_volume(v: &Volume) -> Value {
    let mut m = map();
    match &v.source {
        VolumeSource::EmptyDir { medium, size_limit } => {
            let mut e = map();
            if !medium.is_empty() {
                e.insert("medium".into(), medium.clone().into());
            }
            if let Some(l) = size_limit {
                e.insert("sizeLimit".into(), l.clone().into());
            }
            m.insert("emptyDir".into(), Value::Map(e));
        }
        VolumeSource::ConfigMap { name, optional } => {
            let mut e = map();
            e.insert("defaultMode".into(), Value::Int(420));
            e.insert("name".into(), name.clone().into());
            if *optional {
                e.insert("optional".into(), Value::Bool(true));
            }
            m.insert("configMap".into(), Value::Map(e));
        }
        VolumeSource::Secret { name, optional } => {
            let mut e = map();
            e.insert("defaultMode".into(), Value::Int(420));
            e.insert("secretName".into(), name.clone().into());
            if *optional {
                e.insert("optional".into(), Value::Bool(true));
            }
            m.insert("secret".into(), Value::Map(e));
        }
        VolumeSource::DownwardApi { items } => {
            let mut e = map();
            e.insert("defaultMode".into(), Value::Int(420));
            let items = items
                .iter()
                .map(|(field, path)| {
                    let mut i = map();
                    let mut f = map();
                    f.insert("apiVersion".into(), "v1".into());
                    f.insert("fieldPath".into(), field.clone().into());
                    i.insert("fieldRef".into(), Value::Map(f));
                    i.insert("path".into(), path.clone().into());
                    Value::Map(i)
                })
                .collect();
            e.insert("items".into(), Value::Seq(items));
            m.insert("downwardAPI".into(), Value::Map(e));
        }
        VolumeSource::Projected {
            token_expiration,
            config_map,
            downward_api,
        } => {
            let mut e = map();
            e.insert("defaultMode".into(), Value::Int(420));
            let mut sources = vec![];
            if let Some(t) = token_expiration {
                let mut x = map();
                let mut y = map();
                y.insert("expirationSeconds".into(), Value::Int(*t));
                y.insert("path".into(), "token".into());
                x.insert("serviceAccountToken".into(), Value::Map(y));
                sources.push(Value::Map(x));
            }
            if let Some(c) = config_map {
                let mut x = map();
                let mut y = map();
                let mut item = map();
                item.insert("key".into(), "ca.crt".into());
                item.insert("path".into(), "ca.crt".into());
                y.insert("items".into(), Value::Seq(vec![Value::Map(item)]));
                y.insert("name".into(), c.clone().into());
                x.insert("configMap".into(), Value::Map(y));
                sources.push(Value::Map(x));
            }
            if *downward_api {
                let mut x = map();
                let mut y = map();
                let mut item = map();
                let mut f = map();
                f.insert("apiVersion".into(), "v1".into());
                f.insert("fieldPath".into(), "metadata.namespace".into());
                item.insert("fieldRef".into(), Value::Map(f));
                item.insert("path".into(), "namespace".into());
                y.insert("items".into(), Value::Seq(vec![Value::Map(item)]));
                x.insert("downwardAPI".into(), Value::Map(y));
                sources.push(Value::Map(x));
            }
            e.insert("sources".into(), Value::Seq(sources));
            m.insert("projected".into(), Value::Map(e));
        }
        VolumeSource::Other { kind, body } => {
            m.insert(kind.clone(), from_tree(body));
        }
    }
    m.insert("name".into(), v.name.clone().into());
    Value::Map(m)
}

/// A pod spec as a [`Value`]; `server` adds the fields the API server defaults.
pub fn encode_pod_spec(spec: &PodSpec, server: bool) -> Value {
    let mut m = map();
    m.insert(
        "containers".into(),
        Value::Seq(
            spec.containers
                .iter()
                .map(|c| encode_container(c, server))
                .collect(),
        ),
    );
    if server {
        m.insert("dnsPolicy".into(), "ClusterFirst".into());
        m.insert("enableServiceLinks".into(), Value::Bool(true));
    }
    if !spec.init_containers.is_empty() {
        m.insert(
            "initContainers".into(),
            Value::Seq(
                spec.init_containers
                    .iter()
                    .map(|c| encode_container(c, server))
                    .collect(),
            ),
        );
    }
    if !spec.node_name.is_empty() {
        m.insert("nodeName".into(), spec.node_name.clone().into());
    }
    if !spec.node_selector.is_empty() {
        m.insert("nodeSelector".into(), smap(&spec.node_selector));
    }
    if server {
        m.insert("preemptionPolicy".into(), "PreemptLowerPriority".into());
        m.insert("priority".into(), Value::Int(0));
        m.insert("restartPolicy".into(), spec.restart_policy.clone().into());
        m.insert("schedulerName".into(), "default-scheduler".into());
        m.insert("securityContext".into(), Value::Map(map()));
    } else if spec.restart_policy != "Always" {
        m.insert("restartPolicy".into(), spec.restart_policy.clone().into());
    }
    if !spec.service_account.is_empty() {
        m.insert("serviceAccount".into(), spec.service_account.clone().into());
        m.insert(
            "serviceAccountName".into(),
            spec.service_account.clone().into(),
        );
    }
    if server {
        m.insert(
            "terminationGracePeriodSeconds".into(),
            Value::Int(spec.termination_grace),
        );
    }
    if !spec.tolerations.is_empty() {
        let ts = spec
            .tolerations
            .iter()
            .map(|t| {
                let mut x = map();
                if !t.effect.is_empty() {
                    x.insert("effect".into(), t.effect.clone().into());
                }
                if !t.key.is_empty() {
                    x.insert("key".into(), t.key.clone().into());
                }
                if !t.operator.is_empty() {
                    x.insert("operator".into(), t.operator.clone().into());
                }
                if let Some(s) = t.seconds {
                    x.insert("tolerationSeconds".into(), Value::Int(s));
                }
                if !t.value.is_empty() {
                    x.insert("value".into(), t.value.clone().into());
                }
                Value::Map(x)
            })
            .collect();
        m.insert("tolerations".into(), Value::Seq(ts));
    }
    if !spec.volumes.is_empty() {
        m.insert(
            "volumes".into(),
            Value::Seq(spec.volumes.iter().map(encode_volume).collect()),
        );
    }
    for (k, v) in &spec.extra {
        m.insert(k.clone(), from_tree(v));
    }
    Value::Map(m)
}

fn encode_meta(m: &ObjectMeta, kind: Kind) -> Value {
    let mut x = map();
    if !m.annotations.is_empty() {
        x.insert("annotations".into(), smap(&m.annotations));
    }
    x.insert("creationTimestamp".into(), ts(m.creation));
    if let Some(d) = m.deletion {
        x.insert("deletionGracePeriodSeconds".into(), Value::Int(30));
        x.insert("deletionTimestamp".into(), ts(d));
    }
    if !m.generate_name.is_empty() {
        x.insert("generateName".into(), m.generate_name.clone().into());
    }
    if matches!(kind, Kind::Deployment | Kind::ReplicaSet) {
        x.insert("generation".into(), Value::Int(m.generation));
    }
    if !m.labels.is_empty() {
        x.insert("labels".into(), smap(&m.labels));
    }
    x.insert("name".into(), m.name.clone().into());
    if kind.namespaced() {
        x.insert("namespace".into(), m.namespace.clone().into());
    }
    if let Some(o) = &m.owner {
        let mut r = map();
        r.insert("apiVersion".into(), o.kind.api_version().into());
        r.insert("blockOwnerDeletion".into(), Value::Bool(true));
        r.insert("controller".into(), Value::Bool(true));
        r.insert("kind".into(), o.kind.name().into());
        r.insert("name".into(), o.name.clone().into());
        r.insert("uid".into(), o.uid.clone().into());
        x.insert("ownerReferences".into(), Value::Seq(vec![Value::Map(r)]));
    }
    x.insert(
        "resourceVersion".into(),
        m.resource_version.to_string().into(),
    );
    x.insert("uid".into(), m.uid.clone().into());
    Value::Map(x)
}

fn encode_cstatus(s: &ContainerStatus) -> Value {
    let mut m = map();
    if !s.container_id.is_empty() {
        m.insert("containerID".into(), s.container_id.clone().into());
    }
    m.insert("image".into(), s.image.clone().into());
    m.insert("imageID".into(), s.image_id.clone().into());
    let term = |t: &Terminated| {
        let mut x = map();
        if !t.container_id.is_empty() {
            x.insert("containerID".into(), t.container_id.clone().into());
        }
        x.insert("exitCode".into(), Value::Int(i64::from(t.exit_code)));
        x.insert("finishedAt".into(), ts(t.finished));
        x.insert("reason".into(), t.reason.clone().into());
        x.insert("startedAt".into(), ts(t.started));
        let mut y = map();
        y.insert("terminated".into(), Value::Map(x));
        Value::Map(y)
    };
    m.insert(
        "lastState".into(),
        s.last_state.as_ref().map(term).unwrap_or(Value::Map(map())),
    );
    m.insert("name".into(), s.name.clone().into());
    m.insert("ready".into(), Value::Bool(s.ready));
    m.insert(
        "restartCount".into(),
        Value::Int(i64::from(s.restart_count)),
    );
    m.insert("started".into(), Value::Bool(s.started || s.is_running()));
    let state = match &s.state {
        ContainerState::Waiting { reason, message } => {
            let mut x = map();
            if !message.is_empty() {
                x.insert("message".into(), message.clone().into());
            }
            x.insert("reason".into(), reason.clone().into());
            let mut y = map();
            y.insert("waiting".into(), Value::Map(x));
            Value::Map(y)
        }
        ContainerState::Running { started } => {
            let mut x = map();
            x.insert("startedAt".into(), ts(*started));
            let mut y = map();
            y.insert("running".into(), Value::Map(x));
            Value::Map(y)
        }
        ContainerState::Terminated(t) => term(t),
    };
    m.insert("state".into(), state);
    Value::Map(m)
}

fn template_value(t: &PodTemplate) -> Value {
    let mut tm = map();
    let mut md = map();
    if !t.annotations.is_empty() {
        md.insert("annotations".into(), smap(&t.annotations));
    }
    md.insert("creationTimestamp".into(), Value::Null);
    md.insert("labels".into(), smap(&t.labels));
    tm.insert("metadata".into(), Value::Map(md));
    tm.insert("spec".into(), encode_pod_spec(&t.spec, true));
    Value::Map(tm)
}

fn selector_value(sel: &StringMap) -> Value {
    let mut m = map();
    m.insert("matchLabels".into(), smap(sel));
    Value::Map(m)
}

/// A pod as the webhook receives it (no status, no server-only defaults).
pub fn pod_for_injection(p: &Pod) -> Value {
    let mut m = map();
    m.insert("apiVersion".into(), "v1".into());
    m.insert("kind".into(), "Pod".into());
    let mut md = map();
    if !p.meta.annotations.is_empty() {
        md.insert("annotations".into(), smap(&p.meta.annotations));
    }
    md.insert("creationTimestamp".into(), Value::Null);
    if !p.meta.generate_name.is_empty() {
        md.insert("generateName".into(), p.meta.generate_name.clone().into());
    }
    if !p.meta.labels.is_empty() {
        md.insert("labels".into(), smap(&p.meta.labels));
    }
    md.insert("name".into(), p.meta.name.clone().into());
    md.insert("namespace".into(), p.meta.namespace.clone().into());
    // The webhook sees who owns the pod: kube-inject names the workload after it.
    if let Some(owner) = encode_meta(&p.meta, Kind::Pod).get("ownerReferences") {
        md.insert("ownerReferences".into(), owner.clone());
    }
    m.insert("metadata".into(), Value::Map(md));
    m.insert("spec".into(), encode_pod_spec(&p.spec, false));
    m.insert("status".into(), Value::Map(map()));
    Value::Map(m)
}

/// An object as the API server returns it (`kubectl get -o yaml`).
pub fn encode(o: &Object) -> Value {
    let kind = o.kind();
    let mut m = map();
    m.insert("apiVersion".into(), kind.api_version().into());
    m.insert("kind".into(), kind.name().into());
    m.insert("metadata".into(), encode_meta(o.meta(), kind));
    match o {
        Object::Namespace(n) => {
            let mut sp = map();
            sp.insert("finalizers".into(), Value::Seq(vec!["kubernetes".into()]));
            m.insert("spec".into(), Value::Map(sp));
            let mut st = map();
            st.insert(
                "phase".into(),
                if n.terminating {
                    "Terminating"
                } else {
                    "Active"
                }
                .into(),
            );
            m.insert("status".into(), Value::Map(st));
        }
        Object::ConfigMap(c) => {
            m.insert(
                "data".into(),
                Value::Map(
                    c.data
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                        .collect(),
                ),
            );
        }
        Object::Pod(p) => {
            m.insert("spec".into(), encode_pod_spec(&p.spec, true));
            let mut st = map();
            if !p.status.conditions.is_empty() {
                let cs = p
                    .status
                    .conditions
                    .iter()
                    .map(|c| {
                        let mut x = map();
                        x.insert("lastProbeTime".into(), Value::Null);
                        x.insert("lastTransitionTime".into(), ts(c.last_transition));
                        if !c.message.is_empty() {
                            x.insert("message".into(), c.message.clone().into());
                        }
                        if !c.reason.is_empty() {
                            x.insert("reason".into(), c.reason.clone().into());
                        }
                        x.insert(
                            "status".into(),
                            if c.status { "True" } else { "False" }.into(),
                        );
                        x.insert("type".into(), c.kind.into());
                        Value::Map(x)
                    })
                    .collect();
                st.insert("conditions".into(), Value::Seq(cs));
            }
            if !p.status.statuses.is_empty() {
                st.insert(
                    "containerStatuses".into(),
                    Value::Seq(p.status.statuses.iter().map(encode_cstatus).collect()),
                );
            }
            if !p.status.host_ip.is_empty() {
                st.insert("hostIP".into(), p.status.host_ip.clone().into());
            }
            if !p.status.init_statuses.is_empty() {
                st.insert(
                    "initContainerStatuses".into(),
                    Value::Seq(p.status.init_statuses.iter().map(encode_cstatus).collect()),
                );
            }
            st.insert("phase".into(), p.status.phase.clone().into());
            if !p.status.pod_ip.is_empty() {
                st.insert("podIP".into(), p.status.pod_ip.clone().into());
                let mut ip = map();
                ip.insert("ip".into(), p.status.pod_ip.clone().into());
                st.insert("podIPs".into(), Value::Seq(vec![Value::Map(ip)]));
            }
            st.insert("qosClass".into(), p.status.qos.clone().into());
            if let Some(t) = p.status.start_time {
                st.insert("startTime".into(), ts(t));
            }
            m.insert("status".into(), Value::Map(st));
        }
        Object::Deployment(d) => {
            let mut sp = map();
            sp.insert(
                "progressDeadlineSeconds".into(),
                Value::Int(d.progress_deadline),
            );
            sp.insert("replicas".into(), Value::Int(d.replicas));
            sp.insert(
                "revisionHistoryLimit".into(),
                Value::Int(d.revision_history_limit),
            );
            sp.insert("selector".into(), selector_value(&d.selector));
            let mut strat = map();
            if d.strategy.kind == "RollingUpdate" {
                let mut ru = map();
                ru.insert("maxSurge".into(), d.strategy.max_surge.clone().into());
                ru.insert(
                    "maxUnavailable".into(),
                    d.strategy.max_unavailable.clone().into(),
                );
                strat.insert("rollingUpdate".into(), Value::Map(ru));
            }
            strat.insert("type".into(), d.strategy.kind.clone().into());
            sp.insert("strategy".into(), Value::Map(strat));
            sp.insert("template".into(), template_value(&d.template));
            m.insert("spec".into(), Value::Map(sp));
            let mut st = map();
            if d.status.available > 0 {
                st.insert("availableReplicas".into(), Value::Int(d.status.available));
            }
            let conds = d
                .status
                .conditions
                .iter()
                .map(|c| {
                    let mut x = map();
                    x.insert("lastTransitionTime".into(), ts(c.last_transition));
                    x.insert("lastUpdateTime".into(), ts(c.last_update));
                    x.insert("message".into(), c.message.clone().into());
                    x.insert("reason".into(), c.reason.clone().into());
                    x.insert(
                        "status".into(),
                        if c.status { "True" } else { "False" }.into(),
                    );
                    x.insert("type".into(), c.kind.clone().into());
                    Value::Map(x)
                })
                .collect();
            st.insert("conditions".into(), Value::Seq(conds));
            st.insert(
                "observedGeneration".into(),
                Value::Int(d.status.observed_generation),
            );
            if d.status.ready > 0 {
                st.insert("readyReplicas".into(), Value::Int(d.status.ready));
            }
            st.insert("replicas".into(), Value::Int(d.status.replicas));
            if d.status.unavailable > 0 {
                st.insert(
                    "unavailableReplicas".into(),
                    Value::Int(d.status.unavailable),
                );
            }
            st.insert("updatedReplicas".into(), Value::Int(d.status.updated));
            m.insert("status".into(), Value::Map(st));
        }
        Object::ReplicaSet(r) => {
            let mut sp = map();
            sp.insert("replicas".into(), Value::Int(r.replicas));
            sp.insert("selector".into(), selector_value(&r.selector));
            sp.insert("template".into(), template_value(&r.template));
            m.insert("spec".into(), Value::Map(sp));
            let mut st = map();
            if r.status_available > 0 {
                st.insert("availableReplicas".into(), Value::Int(r.status_available));
            }
            st.insert("fullyLabeledReplicas".into(), Value::Int(r.status_replicas));
            st.insert("observedGeneration".into(), Value::Int(1));
            if r.status_ready > 0 {
                st.insert("readyReplicas".into(), Value::Int(r.status_ready));
            }
            st.insert("replicas".into(), Value::Int(r.status_replicas));
            m.insert("status".into(), Value::Map(st));
        }
        Object::Service(s) => {
            let mut sp = map();
            sp.insert("clusterIP".into(), s.cluster_ip.clone().into());
            sp.insert(
                "clusterIPs".into(),
                Value::Seq(vec![s.cluster_ip.clone().into()]),
            );
            if !s.external_traffic_policy.is_empty() {
                sp.insert(
                    "externalTrafficPolicy".into(),
                    s.external_traffic_policy.clone().into(),
                );
            }
            sp.insert(
                "internalTrafficPolicy".into(),
                s.internal_traffic_policy.clone().into(),
            );
            sp.insert("ipFamilies".into(), Value::Seq(vec!["IPv4".into()]));
            sp.insert("ipFamilyPolicy".into(), "SingleStack".into());
            let ports = s
                .ports
                .iter()
                .map(|p| {
                    let mut x = map();
                    if !p.name.is_empty() {
                        x.insert("name".into(), p.name.clone().into());
                    }
                    if let Some(n) = p.node_port {
                        x.insert("nodePort".into(), Value::Int(n));
                    }
                    x.insert("port".into(), Value::Int(p.port));
                    x.insert("protocol".into(), p.protocol.clone().into());
                    x.insert("targetPort".into(), port_value(&p.target_port));
                    Value::Map(x)
                })
                .collect();
            sp.insert("ports".into(), Value::Seq(ports));
            if !s.selector.is_empty() {
                sp.insert("selector".into(), smap(&s.selector));
            }
            sp.insert("sessionAffinity".into(), s.session_affinity.clone().into());
            sp.insert("type".into(), s.kind.clone().into());
            m.insert("spec".into(), Value::Map(sp));
            let mut lb = map();
            if !s.external_ips.is_empty() {
                let ing = s
                    .external_ips
                    .iter()
                    .map(|ip| {
                        let mut x = map();
                        x.insert("ip".into(), ip.clone().into());
                        x.insert("ipMode".into(), "VIP".into());
                        Value::Map(x)
                    })
                    .collect();
                lb.insert("ingress".into(), Value::Seq(ing));
            }
            let mut st = map();
            st.insert("loadBalancer".into(), Value::Map(lb));
            m.insert("status".into(), Value::Map(st));
        }
    }
    Value::Map(m)
}
