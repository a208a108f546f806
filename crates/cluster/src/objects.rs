//! The API objects the simulated API server stores. Only the fields kubectl and
//! the controllers read are typed; anything else a manifest carries (security
//! contexts, affinity, ...) rides along untouched in `extra` as a [`Tree`].

use std::collections::BTreeMap;

use indexmap::IndexMap;

use crate::time::Nanos;

/// A generic document tree for fields the simulation does not interpret.
#[derive(Clone, Debug, PartialEq)]
pub enum Tree {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Tree>),
    Map(IndexMap<String, Tree>),
}

/// Labels or annotations, kept sorted as kubectl prints them.
pub type StringMap = BTreeMap<String, String>;

/// The kinds the cluster knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Namespace,
    Node,
    Deployment,
    ReplicaSet,
    Pod,
    Service,
    Endpoints,
    EndpointSlice,
    ConfigMap,
    Event,
}

impl Kind {
    /// The `Kind` field value.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Namespace => "Namespace",
            Kind::Node => "Node",
            Kind::Deployment => "Deployment",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::Pod => "Pod",
            Kind::Service => "Service",
            Kind::Endpoints => "Endpoints",
            Kind::EndpointSlice => "EndpointSlice",
            Kind::ConfigMap => "ConfigMap",
            Kind::Event => "Event",
        }
    }

    /// `apiVersion` of the kind.
    pub fn api_version(self) -> &'static str {
        match self {
            Kind::Deployment | Kind::ReplicaSet => "apps/v1",
            Kind::EndpointSlice => "discovery.k8s.io/v1",
            _ => "v1",
        }
    }

    /// The resource as kubectl names it in output (`deployment.apps`, `pod`).
    pub fn resource_ref(self) -> &'static str {
        match self {
            Kind::Namespace => "namespace",
            Kind::Node => "node",
            Kind::Deployment => "deployment.apps",
            Kind::ReplicaSet => "replicaset.apps",
            Kind::Pod => "pod",
            Kind::Service => "service",
            Kind::Endpoints => "endpoints",
            Kind::EndpointSlice => "endpointslice.discovery.k8s.io",
            Kind::ConfigMap => "configmap",
            Kind::Event => "event",
        }
    }

    /// The plural resource name used in API errors (`pods "x" not found`).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Namespace => "namespaces",
            Kind::Node => "nodes",
            Kind::Deployment => "deployments.apps",
            Kind::ReplicaSet => "replicasets.apps",
            Kind::Pod => "pods",
            Kind::Service => "services",
            Kind::Endpoints => "endpoints",
            Kind::EndpointSlice => "endpointslices.discovery.k8s.io",
            Kind::ConfigMap => "configmaps",
            Kind::Event => "events",
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        !matches!(self, Kind::Namespace | Kind::Node)
    }
}

/// A reference from an object to the one that controls it.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnerRef {
    pub kind: Kind,
    pub name: String,
    pub uid: String,
}

/// `metadata` of every object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjectMeta {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    pub labels: StringMap,
    pub annotations: StringMap,
    pub creation: Nanos,
    pub deletion: Option<Nanos>,
    pub generation: i64,
    pub resource_version: u64,
    pub owner: Option<OwnerRef>,
    pub generate_name: String,
}

/// A container port.
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerPort {
    pub name: String,
    pub container_port: i64,
    pub protocol: String,
}

/// Where an environment variable's value comes from when it is not literal.
#[derive(Clone, Debug, PartialEq)]
pub enum EnvSource {
    /// `fieldRef.fieldPath` (with its apiVersion, usually `v1`).
    Field {
        api_version: String,
        path: String,
    },
    /// `resourceFieldRef` (`limits.cpu`, with an optional divisor).
    Resource {
        resource: String,
        divisor: String,
    },
    ConfigMapKey {
        name: String,
        key: String,
    },
    SecretKey {
        name: String,
        key: String,
    },
}

/// One environment variable.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvVar {
    pub name: String,
    pub value: Option<String>,
    pub from: Option<EnvSource>,
}

/// A probe's target port: a number or a named container port.
#[derive(Clone, Debug, PartialEq)]
pub enum PortRef {
    Int(i64),
    Name(String),
}

impl std::fmt::Display for PortRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortRef::Int(i) => write!(f, "{i}"),
            PortRef::Name(n) => f.write_str(n),
        }
    }
}

/// What a probe does.
#[derive(Clone, Debug, PartialEq)]
pub enum ProbeAction {
    HttpGet {
        path: String,
        port: PortRef,
        scheme: String,
        host: String,
    },
    TcpSocket {
        port: PortRef,
    },
    Exec {
        command: Vec<String>,
    },
    Grpc {
        port: i64,
    },
}

/// A liveness, readiness or startup probe (defaults filled as the API server does).
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    pub action: ProbeAction,
    pub initial_delay: i64,
    pub timeout: i64,
    pub period: i64,
    pub success: i64,
    pub failure: i64,
}

/// `resources.limits` and `resources.requests` as written (`250m`, `1Gi`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resources {
    pub limits: StringMap,
    pub requests: StringMap,
}

/// A volume mount.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeMount {
    pub name: String,
    pub mount_path: String,
    pub read_only: bool,
}

/// A container in a pod spec or template.
#[derive(Clone, Debug, PartialEq)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub image_pull_policy: String,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub ports: Vec<ContainerPort>,
    pub env: Vec<EnvVar>,
    pub resources: Resources,
    pub liveness: Option<Probe>,
    pub readiness: Option<Probe>,
    pub startup: Option<Probe>,
    pub volume_mounts: Vec<VolumeMount>,
    /// `restartPolicy: Always` on an init container makes it a native sidecar.
    pub restart_policy: Option<String>,
    /// Fields carried but not interpreted (securityContext, lifecycle, ...).
    pub extra: IndexMap<String, Tree>,
}

impl Container {
    /// A container with just a name and an image, defaults elsewhere.
    pub fn new(name: &str, image: &str) -> Self {
        Container {
            name: name.to_string(),
            image: image.to_string(),
            image_pull_policy: default_pull_policy(image).to_string(),
            command: vec![],
            args: vec![],
            ports: vec![],
            env: vec![],
            resources: Resources::default(),
            liveness: None,
            readiness: None,
            startup: None,
            volume_mounts: vec![],
            restart_policy: None,
            extra: IndexMap::new(),
        }
    }

    /// A native sidecar is an init container that keeps running.
    pub fn is_native_sidecar(&self) -> bool {
        self.restart_policy.as_deref() == Some("Always")
    }
}

/// The API server's default pull policy: `Always` for `:latest` or untagged images.
pub fn default_pull_policy(image: &str) -> &'static str {
    let last = image.rsplit('/').next().unwrap_or(image);
    if image.contains('@') {
        "IfNotPresent"
    } else if let Some((_, tag)) = last.split_once(':') {
        if tag == "latest" {
            "Always"
        } else {
            "IfNotPresent"
        }
    } else {
        "Always"
    }
}

/// A pod volume's source, for the kinds describe knows how to print.
#[derive(Clone, Debug, PartialEq)]
pub enum VolumeSource {
    EmptyDir {
        medium: String,
        size_limit: Option<String>,
    },
    ConfigMap {
        name: String,
        optional: bool,
    },
    Secret {
        name: String,
        optional: bool,
    },
    DownwardApi {
        items: Vec<(String, String)>,
    },
    Projected {
        token_expiration: Option<i64>,
        config_map: Option<String>,
        downward_api: bool,
    },
    Other {
        kind: String,
        body: Tree,
    },
}

/// A pod volume.
#[derive(Clone, Debug, PartialEq)]
pub struct Volume {
    pub name: String,
    pub source: VolumeSource,
}

/// A toleration (only what describe prints).
#[derive(Clone, Debug, PartialEq)]
pub struct Toleration {
    pub key: String,
    pub operator: String,
    pub value: String,
    pub effect: String,
    pub seconds: Option<i64>,
}

/// A pod spec or pod template spec.
#[derive(Clone, Debug, PartialEq)]
pub struct PodSpec {
    pub init_containers: Vec<Container>,
    pub containers: Vec<Container>,
    pub volumes: Vec<Volume>,
    pub restart_policy: String,
    pub service_account: String,
    pub node_name: String,
    pub termination_grace: i64,
    pub node_selector: StringMap,
    pub tolerations: Vec<Toleration>,
    pub extra: IndexMap<String, Tree>,
}

impl Default for PodSpec {
    fn default() -> Self {
        PodSpec {
            init_containers: vec![],
            containers: vec![],
            volumes: vec![],
            restart_policy: "Always".into(),
            service_account: String::new(),
            node_name: String::new(),
            termination_grace: 30,
            node_selector: StringMap::new(),
            tolerations: vec![],
            extra: IndexMap::new(),
        }
    }
}

/// A pod template: labels, annotations and spec.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodTemplate {
    pub labels: StringMap,
    pub annotations: StringMap,
    pub spec: PodSpec,
}

/// A namespace.
#[derive(Clone, Debug, PartialEq)]
pub struct Namespace {
    pub meta: ObjectMeta,
    pub terminating: bool,
}

/// A worker node with its allocatable capacity.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub meta: ObjectMeta,
    pub internal_ip: String,
    pub pod_cidr_prefix: String,
    /// Allocatable CPU in millicores and memory in bytes.
    pub cpu_milli: i64,
    pub memory: i64,
    pub kubelet_version: String,
    pub os_image: String,
    pub kernel: String,
    pub runtime: String,
    pub role: String,
    /// The kubelet's `maxPods` (110 by default).
    pub max_pods: usize,
}

/// The rolling-update knobs of a Deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct Strategy {
    pub kind: String,
    pub max_surge: String,
    pub max_unavailable: String,
}

impl Default for Strategy {
    fn default() -> Self {
        Strategy {
            kind: "RollingUpdate".into(),
            max_surge: "25%".into(),
            max_unavailable: "25%".into(),
        }
    }
}

/// A condition on a Deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentCondition {
    pub kind: String,
    pub status: bool,
    pub reason: String,
    pub message: String,
    pub last_update: Nanos,
    pub last_transition: Nanos,
}

/// A Deployment (apps/v1).
#[derive(Clone, Debug, PartialEq)]
pub struct Deployment {
    pub meta: ObjectMeta,
    pub replicas: i64,
    pub selector: StringMap,
    pub template: PodTemplate,
    pub strategy: Strategy,
    pub min_ready_seconds: i64,
    pub revision_history_limit: i64,
    pub progress_deadline: i64,
    pub status: DeploymentStatus,
}

/// A Deployment's status.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeploymentStatus {
    pub observed_generation: i64,
    pub replicas: i64,
    pub updated: i64,
    pub ready: i64,
    pub available: i64,
    pub unavailable: i64,
    pub conditions: Vec<DeploymentCondition>,
}

impl Deployment {
    /// A Deployment whose labels are also its selector and pod labels, with the API server's
    /// defaults (RollingUpdate strategy, 10 old ReplicaSets kept, 600 s progress deadline).
    pub fn new(namespace: &str, name: &str, labels: StringMap, replicas: i64, containers: Vec<Container>) -> Deployment {
        Deployment {
            meta: ObjectMeta { name: name.into(), namespace: namespace.into(), labels: labels.clone(), ..ObjectMeta::default() },
            replicas,
            selector: labels.clone(),
            template: PodTemplate { labels, annotations: StringMap::new(), spec: PodSpec { containers, ..PodSpec::default() } },
            strategy: Strategy::default(),
            min_ready_seconds: 0,
            revision_history_limit: 10,
            progress_deadline: 600,
            status: DeploymentStatus::default(),
        }
    }
}

/// A ReplicaSet (apps/v1).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaSet {
    pub meta: ObjectMeta,
    pub replicas: i64,
    pub selector: StringMap,
    pub template: PodTemplate,
    pub status_replicas: i64,
    pub status_ready: i64,
    pub status_available: i64,
    pub template_hash: String,
}

/// A container's state as the kubelet reports it.
#[derive(Clone, Debug, PartialEq)]
pub enum ContainerState {
    Waiting { reason: String, message: String },
    Running { started: Nanos },
    Terminated(Terminated),
}

/// A finished container run.
#[derive(Clone, Debug, PartialEq)]
pub struct Terminated {
    pub reason: String,
    pub exit_code: i32,
    pub started: Nanos,
    pub finished: Nanos,
    pub container_id: String,
}

/// `status.containerStatuses[]` / `initContainerStatuses[]`.
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerStatus {
    pub name: String,
    pub state: ContainerState,
    pub last_state: Option<Terminated>,
    pub ready: bool,
    pub started: bool,
    pub restart_count: u32,
    pub image: String,
    pub image_id: String,
    pub container_id: String,
}

impl ContainerStatus {
    pub(crate) fn waiting(name: &str, image: &str, reason: &str) -> Self {
        ContainerStatus {
            name: name.to_string(),
            state: ContainerState::Waiting {
                reason: reason.to_string(),
                message: String::new(),
            },
            last_state: None,
            ready: false,
            started: false,
            restart_count: 0,
            image: image.to_string(),
            image_id: String::new(),
            container_id: String::new(),
        }
    }

    /// Whether the container is running now.
    pub fn is_running(&self) -> bool {
        matches!(self.state, ContainerState::Running { .. })
    }
}

/// A pod condition.
#[derive(Clone, Debug, PartialEq)]
pub struct PodCondition {
    pub kind: &'static str,
    pub status: bool,
    pub last_transition: Nanos,
    pub reason: String,
    pub message: String,
}

/// `status` of a pod.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodStatus {
    pub phase: String,
    pub reason: String,
    pub message: String,
    pub host_ip: String,
    pub pod_ip: String,
    pub start_time: Option<Nanos>,
    pub conditions: Vec<PodCondition>,
    pub init_statuses: Vec<ContainerStatus>,
    pub statuses: Vec<ContainerStatus>,
    pub qos: String,
    pub nominated_node: String,
}

impl PodStatus {
    /// The named condition's status, if the kubelet or scheduler set it.
    pub fn condition(&self, kind: &str) -> Option<&PodCondition> {
        self.conditions.iter().find(|c| c.kind == kind)
    }
}

/// A pod.
#[derive(Clone, Debug, PartialEq)]
pub struct Pod {
    pub meta: ObjectMeta,
    pub spec: PodSpec,
    pub status: PodStatus,
    /// Simulation-only bookkeeping, not part of the API object.
    pub(crate) runtime: crate::kubelet::PodRuntime,
}

/// A Service port.
#[derive(Clone, Debug, PartialEq)]
pub struct ServicePort {
    pub name: String,
    pub port: i64,
    pub target_port: PortRef,
    pub protocol: String,
    pub node_port: Option<i64>,
    pub app_protocol: String,
}

/// A Service.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub meta: ObjectMeta,
    pub kind: String,
    pub selector: StringMap,
    pub ports: Vec<ServicePort>,
    pub cluster_ip: String,
    pub external_ips: Vec<String>,
    pub load_balancer_ip: Option<String>,
    pub session_affinity: String,
    pub external_traffic_policy: String,
    pub internal_traffic_policy: String,
}

/// One address behind a Service.
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointAddress {
    pub ip: String,
    pub node: String,
    pub pod: String,
    pub pod_uid: String,
    pub ready: bool,
}

/// Endpoints of a Service (kept for `kubectl get endpoints`, and mirrored as an EndpointSlice).
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoints {
    pub meta: ObjectMeta,
    pub addresses: Vec<EndpointAddress>,
    pub ports: Vec<(String, i64, String)>,
}

impl Endpoints {
    /// Addresses whose pods are ready.
    pub fn ready(&self) -> impl Iterator<Item = &EndpointAddress> {
        self.addresses.iter().filter(|a| a.ready)
    }
}

/// A ConfigMap.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigMap {
    pub meta: ObjectMeta,
    pub data: IndexMap<String, String>,
}

/// An object of a custom resource the cluster serves but does not act on
/// (Istio's VirtualService, DestinationRule, Gateway, ...): stored and listed only.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomObject {
    pub meta: ObjectMeta,
    pub api_version: String,
    pub kind: String,
    /// Everything but `apiVersion`, `kind` and `metadata`, as written.
    pub body: IndexMap<String, Tree>,
}

/// A recorded Event (core/v1), aggregated the way the event recorder does.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub meta: ObjectMeta,
    pub kind: String,
    pub reason: String,
    pub message: String,
    pub source: String,
    pub object_kind: Kind,
    pub object_name: String,
    pub object_uid: String,
    pub field_path: String,
    pub count: u32,
    pub first: Nanos,
    pub last: Nanos,
}

/// A typed object as it crosses the API boundary (what `apply` takes).
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    Namespace(Namespace),
    Deployment(Box<Deployment>),
    ReplicaSet(Box<ReplicaSet>),
    Pod(Box<Pod>),
    Service(Box<Service>),
    ConfigMap(ConfigMap),
}

impl Object {
    /// The object's metadata.
    pub fn meta(&self) -> &ObjectMeta {
        match self {
            Object::Namespace(o) => &o.meta,
            Object::Deployment(o) => &o.meta,
            Object::ReplicaSet(o) => &o.meta,
            Object::Pod(o) => &o.meta,
            Object::Service(o) => &o.meta,
            Object::ConfigMap(o) => &o.meta,
        }
    }

    /// The object's metadata, mutably.
    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Object::Namespace(o) => &mut o.meta,
            Object::Deployment(o) => &mut o.meta,
            Object::ReplicaSet(o) => &mut o.meta,
            Object::Pod(o) => &mut o.meta,
            Object::Service(o) => &mut o.meta,
            Object::ConfigMap(o) => &mut o.meta,
        }
    }

    /// The object's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Object::Namespace(_) => Kind::Namespace,
            Object::Deployment(_) => Kind::Deployment,
            Object::ReplicaSet(_) => Kind::ReplicaSet,
            Object::Pod(_) => Kind::Pod,
            Object::Service(_) => Kind::Service,
            Object::ConfigMap(_) => Kind::ConfigMap,
        }
    }
}

impl Pod {
    /// A new, unscheduled pod with the given metadata and spec.
    pub fn new(meta: ObjectMeta, spec: PodSpec) -> Self {
        Pod {
            meta,
            spec,
            status: PodStatus {
                phase: "Pending".into(),
                ..PodStatus::default()
            },
            runtime: crate::kubelet::PodRuntime::default(),
        }
    }
}

/// Parse a Kubernetes CPU quantity into millicores (`250m`, `1`, `0.5`).
pub fn cpu_milli(q: &str) -> i64 {
    if let Some(m) = q.strip_suffix('m') {
        return m.parse().unwrap_or(0);
    }
    q.parse::<f64>()
        .map(|v| (v * 1000.0).round() as i64)
        .unwrap_or(0)
}

/// Parse a Kubernetes memory quantity into bytes (`256Mi`, `1Gi`, `512M`).
pub fn memory_bytes(q: &str) -> i64 {
    const UNITS: [(&str, i64); 10] = [
        ("Ki", 1 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("k", 1000),
        ("K", 1000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
        ("m", 0),
    ];
    for (suffix, mult) in UNITS {
        if let Some(n) = q.strip_suffix(suffix) {
            return n
                .parse::<f64>()
                .map(|v| (v * mult as f64) as i64)
                .unwrap_or(0);
        }
    }
    q.parse().unwrap_or(0)
}

/// Whether every key/value of `selector` is among `labels` (an empty selector matches nothing here).
pub fn selector_matches(selector: &StringMap, labels: &StringMap) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}
