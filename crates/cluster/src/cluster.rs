//! The API server's store and the simulation loop: objects, the event queue,
//! the change log that `-w` watches read, and the verbs kubectl calls.

use std::collections::{BTreeMap, BTreeSet};

use crate::kubelet::ContainerRef;
use crate::objects::*;
use crate::queue::Queue;
use crate::rng::Rng;
use crate::time::{Nanos, MS, SEC};
use crate::webhook::Injector;

/// `(namespace, name)`; cluster-scoped objects use an empty namespace.
pub type Key = (String, String);

/// Everything the simulation can be asked to do at a point in virtual time.
#[derive(Clone, Debug)]
pub(crate) enum Action {
    Schedule(Key, String),
    ReconcileDeployment(Key),
    ReconcileReplicaSet(Key),
    SyncEndpoints(Key),
    AssignLoadBalancer(Key),
    KubeletStart(Key, String),
    PullDone(Key, String, ContainerRef, u32),
    Work(Key, String, ContainerRef, u32, crate::workload::Work),
    Probe(Key, String, ContainerRef, u32, crate::kubelet::ProbeKind),
    Restart(Key, String, ContainerRef, u32),
    KillDone(Key, String),
    RetryPending,
    PullFailed(Key, String, ContainerRef, u32),
    PullBackOff(Key, String, ContainerRef, u32),
}

/// A change to an object, as a watch sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub kind: Kind,
    pub key: Key,
    /// The object's last state when the change deleted it.
    pub deleted: Option<Object>,
}

/// Cluster-wide settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Inject Istio's proxy as a native sidecar (`Init:1/2`) instead of a regular container.
    pub native_sidecars: bool,
    /// Record changes for watches (the benchmark turns this off).
    pub record_changes: bool,
    /// Virtual time at which the session starts (the cluster is this old when the learner arrives).
    pub start: Nanos,
    /// Number of worker nodes (the workshop's cluster has three).
    pub nodes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            native_sidecars: false,
            record_changes: true,
            start: 3600 * SEC,
            nodes: 3,
        }
    }
}

/// Why the API server refused a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("Error from server (NotFound): {plural} \"{name}\" not found")]
    NotFound { plural: &'static str, name: String },
    #[error("Error from server (AlreadyExists): {plural} \"{name}\" already exists")]
    AlreadyExists { plural: &'static str, name: String },
    #[error("Error from server (NotFound): namespaces \"{0}\" not found")]
    NamespaceNotFound(String),
    /// Validation failed; kubectl prints the message alone (`The Deployment "x" is invalid: ...`).
    #[error("{0}")]
    Invalid(String),
    #[error("Error from server (Forbidden): {0}")]
    Forbidden(String),
}

/// What `apply` did with an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    Created,
    Configured,
    Unchanged,
}

/// The simulated cluster.
pub struct Cluster {
    pub(crate) now: Nanos,
    pub(crate) queue: Queue<Action>,
    pub(crate) rng: Rng,
    pub(crate) seed: u64,
    /// How many generated names each prefix has used (see [`Cluster::generated_suffix`]).
    pub(crate) name_serials: BTreeMap<String, u64>,
    pub(crate) config: Config,
    pub(crate) namespaces: BTreeMap<String, Namespace>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) deployments: BTreeMap<Key, Deployment>,
    pub(crate) replicasets: BTreeMap<Key, ReplicaSet>,
    pub(crate) pods: BTreeMap<Key, Pod>,
    /// Pods by the uid of the ReplicaSet that owns them.
    pub(crate) pods_by_owner: BTreeMap<String, BTreeSet<Key>>,
    pub(crate) services: BTreeMap<Key, Service>,
    pub(crate) endpoints: BTreeMap<Key, Endpoints>,
    pub(crate) configmaps: BTreeMap<Key, ConfigMap>,
    /// Custom resources by (kind, namespace, name).
    pub(crate) custom: BTreeMap<(String, String, String), CustomObject>,
    pub(crate) events: BTreeMap<Key, Event>,
    pub(crate) event_index: BTreeMap<(String, String, String, String), Key>,
    pub(crate) pending: BTreeSet<(u8, Key)>,
    pub(crate) changes: Vec<Change>,
    pub(crate) resource_version: u64,
    pub(crate) injector: Option<Box<dyn Injector>>,
    pub(crate) node_images: Vec<BTreeMap<String, Nanos>>,
    pub(crate) node_pull_busy: Vec<Nanos>,
    pub(crate) used_ips: BTreeSet<String>,
    pub(crate) next_ip: Vec<u32>,
    pub(crate) used_cluster_ips: BTreeSet<String>,
    pub(crate) steps: u64,
}

impl Cluster {
    /// A three-node cluster, one hour old, whose randomness all comes from `seed`.
    pub fn new(seed: u64, config: Config) -> Self {
        let mut c = Cluster {
            now: 0,
            queue: Queue::default(),
            rng: Rng::new(seed),
            seed,
            name_serials: BTreeMap::new(),
            config,
            namespaces: BTreeMap::new(),
            nodes: Vec::new(),
            deployments: BTreeMap::new(),
            replicasets: BTreeMap::new(),
            pods: BTreeMap::new(),
            pods_by_owner: BTreeMap::new(),
            services: BTreeMap::new(),
            endpoints: BTreeMap::new(),
            configmaps: BTreeMap::new(),
            custom: BTreeMap::new(),
            events: BTreeMap::new(),
            event_index: BTreeMap::new(),
            pending: BTreeSet::new(),
            changes: Vec::new(),
            resource_version: 1000,
            injector: None,
            node_images: Vec::new(),
            node_pull_busy: Vec::new(),
            used_ips: BTreeSet::new(),
            next_ip: Vec::new(),
            used_cluster_ips: BTreeSet::new(),
            steps: 0,
        };
        crate::bootstrap::boot(&mut c);
        c
    }

    /// Install the sidecar injector the mutating webhook calls.
    pub fn set_injector(&mut self, injector: Box<dyn Injector>) {
        self.injector = Some(injector);
    }

    /// Cluster settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Switch native sidecars on or off for pods created from now on.
    pub fn set_native_sidecars(&mut self, on: bool) {
        self.config.native_sidecars = on;
    }

    /// Current virtual time.
    pub fn now(&self) -> Nanos {
        self.now
    }

    /// Number of actions processed so far (the benchmark's event count).
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// When the next action is due, if any.
    pub fn next_event_time(&self) -> Option<Nanos> {
        self.queue.peek_time()
    }

    /// Run the next action, if there is one; returns whether one ran.
    pub fn step(&mut self) -> bool {
        let Some((t, action)) = self.queue.pop() else {
            return false;
        };
        if t > self.now {
            self.now = t;
        }
        self.steps += 1;
        self.run(action);
        true
    }

    /// Run every action due up to and including `t`, then set the clock to `t`.
    pub fn advance_to(&mut self, t: Nanos) {
        while let Some(next) = self.queue.peek_time() {
            if next > t {
                break;
            }
            self.step();
        }
        if t > self.now {
            self.now = t;
        }
    }

    /// Advance the clock by `d`.
    pub fn advance(&mut self, d: Nanos) {
        self.advance_to(self.now + d);
    }

    /// Take the changes recorded since the last call.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    /// A 5-character suffix for a generated name. Each prefix (`<replicaset>-`) has its own
    /// stream derived from the seed, so a pod's name depends only on the seed, its
    /// ReplicaSet and how many pods that ReplicaSet created before it: unrelated changes
    /// elsewhere in the cluster do not rename pods.
    pub(crate) fn generated_suffix(&mut self, prefix: &str) -> String {
        let serial = self.name_serials.entry(prefix.to_string()).or_insert(0);
        *serial += 1;
        let mix = u64::from(crate::rng::fnv32a(prefix.as_bytes())) << 32
            | u64::from(crate::rng::fnv32a(&serial.to_le_bytes()));
        Rng::new(self.seed ^ mix).name_suffix(5)
    }

    pub(crate) fn schedule(&mut self, delay: Nanos, action: Action) {
        self.queue.push(self.now + delay, action);
    }

    /// Queue a reconcile once; further requests before it runs are merged.
    pub(crate) fn enqueue(&mut self, class: u8, key: Key, delay: Nanos) {
        if self.pending.insert((class, key.clone())) {
            let action = match class {
                0 => Action::ReconcileDeployment(key),
                1 => Action::ReconcileReplicaSet(key),
                2 => Action::SyncEndpoints(key),
                _ => Action::RetryPending,
            };
            self.schedule(delay, action);
        }
    }

    pub(crate) fn next_rv(&mut self) -> u64 {
        self.resource_version += 1;
        self.resource_version
    }

    pub(crate) fn changed(&mut self, kind: Kind, key: &Key) {
        if self.config.record_changes {
            self.changes.push(Change {
                kind,
                key: key.clone(),
                deleted: None,
            });
        }
    }

    pub(crate) fn changed_deleted(&mut self, kind: Kind, key: &Key, last: Object) {
        if self.config.record_changes {
            self.changes.push(Change {
                kind,
                key: key.clone(),
                deleted: Some(last),
            });
        }
    }

    fn run(&mut self, action: Action) {
        match action {
            Action::Schedule(key, uid) => self.schedule_pod(&key, &uid),
            Action::ReconcileDeployment(key) => {
                self.pending.remove(&(0, key.clone()));
                self.reconcile_deployment(&key);
            }
            Action::ReconcileReplicaSet(key) => {
                self.pending.remove(&(1, key.clone()));
                self.reconcile_replicaset(&key);
            }
            Action::SyncEndpoints(key) => {
                self.pending.remove(&(2, key.clone()));
                self.sync_endpoints(&key);
            }
            Action::AssignLoadBalancer(key) => self.assign_load_balancer(&key),
            Action::KubeletStart(key, uid) => self.kubelet_start(&key, &uid),
            Action::PullDone(key, uid, c, run) => self.pull_done(&key, &uid, c, run),
            Action::Work(key, uid, c, run, w) => self.work(&key, &uid, c, run, w),
            Action::Probe(key, uid, c, run, k) => self.probe(&key, &uid, c, run, k),
            Action::Restart(key, uid, c, run) => self.restart_container(&key, &uid, c, run),
            Action::KillDone(key, uid) => self.kill_done(&key, &uid),
            Action::PullFailed(key, uid, c, run) => self.pull_failed(&key, &uid, c, run),
            Action::PullBackOff(key, uid, c, run) => self.pull_back_off(&key, &uid, c, run),
            Action::RetryPending => {
                self.pending.remove(&(3, (String::new(), String::new())));
                self.schedule_pending();
            }
        }
    }

    // ----- reads -----

    /// Namespaces, sorted by name.
    pub fn namespaces(&self) -> impl Iterator<Item = &Namespace> {
        self.namespaces.values()
    }
    /// A namespace by name.
    pub fn namespace(&self, name: &str) -> Option<&Namespace> {
        self.namespaces.get(name)
    }
    /// The worker nodes.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }
    /// Deployments, sorted by namespace and name.
    pub fn deployments(&self) -> impl Iterator<Item = &Deployment> {
        self.deployments.values()
    }
    /// ReplicaSets, sorted by namespace and name.
    pub fn replica_sets(&self) -> impl Iterator<Item = &ReplicaSet> {
        self.replicasets.values()
    }
    /// Pods, sorted by namespace and name.
    pub fn pods(&self) -> impl Iterator<Item = &Pod> {
        self.pods.values()
    }
    /// Services, sorted by namespace and name.
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.services.values()
    }
    /// Endpoints, sorted by namespace and name.
    pub fn endpoints(&self) -> impl Iterator<Item = &Endpoints> {
        self.endpoints.values()
    }
    /// ConfigMaps, sorted by namespace and name.
    pub fn config_maps(&self) -> impl Iterator<Item = &ConfigMap> {
        self.configmaps.values()
    }
    /// Events younger than an hour (the API server's TTL), sorted by namespace and name.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        let now = self.now;
        self.events
            .values()
            .filter(move |e| now.saturating_sub(e.last) < 3600 * SEC)
    }
    /// A pod by namespace and name.
    pub fn pod(&self, ns: &str, name: &str) -> Option<&Pod> {
        self.pods.get(&(ns.to_string(), name.to_string()))
    }
    /// A deployment by namespace and name.
    pub fn deployment(&self, ns: &str, name: &str) -> Option<&Deployment> {
        self.deployments.get(&(ns.to_string(), name.to_string()))
    }
    /// A service by namespace and name.
    pub fn service(&self, ns: &str, name: &str) -> Option<&Service> {
        self.services.get(&(ns.to_string(), name.to_string()))
    }
    /// The object of `kind` called `name`, as an [`Object`] (for `-o yaml`).
    pub fn get(&self, kind: Kind, ns: &str, name: &str) -> Option<Object> {
        let key = (ns.to_string(), name.to_string());
        match kind {
            Kind::Namespace => self.namespaces.get(name).cloned().map(Object::Namespace),
            Kind::Deployment => self
                .deployments
                .get(&key)
                .cloned()
                .map(|o| Object::Deployment(Box::new(o))),
            Kind::ReplicaSet => self
                .replicasets
                .get(&key)
                .cloned()
                .map(|o| Object::ReplicaSet(Box::new(o))),
            Kind::Pod => self
                .pods
                .get(&key)
                .cloned()
                .map(|o| Object::Pod(Box::new(o))),
            Kind::Service => self
                .services
                .get(&key)
                .cloned()
                .map(|o| Object::Service(Box::new(o))),
            Kind::ConfigMap => self.configmaps.get(&key).cloned().map(Object::ConfigMap),
            _ => None,
        }
    }

    /// The log of a container (`previous` = the run before the current one).
    pub fn logs(
        &self,
        ns: &str,
        pod: &str,
        container: &str,
        previous: bool,
    ) -> Result<String, String> {
        let p = self
            .pod(ns, pod)
            .ok_or_else(|| format!("Error from server (NotFound): pods \"{pod}\" not found"))?;
        let idx = p
            .spec
            .containers
            .iter()
            .position(|c| c.name == container)
            .map(|i| (false, i))
            .or_else(|| {
                p.spec
                    .init_containers
                    .iter()
                    .position(|c| c.name == container)
                    .map(|i| (true, i))
            });
        let Some((init, i)) = idx else {
            return Err(format!(
                "error: container {container} is not valid for pod {pod}"
            ));
        };
        let rt = if init {
            &p.runtime.init[i]
        } else {
            &p.runtime.main[i]
        };
        let status = if init {
            &p.status.init_statuses.get(i)
        } else {
            &p.status.statuses.get(i)
        };
        if previous {
            if rt.prev_logs.is_none() {
                return Err(format!(
                    "Error from server (BadRequest): previous terminated container \"{container}\" in pod \"{pod}\" not found"
                ));
            }
            return Ok(rt.prev_logs.clone().unwrap_or_default().concat());
        }
        if rt.run == 0 {
            let reason = match status.map(|s| &s.state) {
                Some(ContainerState::Waiting { reason, .. }) => reason.clone(),
                _ => "ContainerCreating".to_string(),
            };
            return Err(format!(
                "Error from server (BadRequest): container \"{container}\" in pod \"{pod}\" is waiting to start: {}",
                if reason == "PodInitializing" || reason == "ContainerCreating" { reason } else { "trying and failing to pull image".to_string() }
            ));
        }
        Ok(rt.logs.concat())
    }

    // ----- writes -----

    pub(crate) fn new_meta(&mut self, mut meta: ObjectMeta) -> ObjectMeta {
        meta.uid = self.rng.uuid();
        meta.creation = self.now;
        meta.generation = 1;
        meta.resource_version = self.next_rv();
        meta
    }

    fn check_namespace(&self, kind: Kind, ns: &str) -> Result<(), ApiError> {
        if kind.namespaced() && !self.namespaces.contains_key(ns) {
            return Err(ApiError::NamespaceNotFound(ns.to_string()));
        }
        Ok(())
    }

    /// `kubectl create`: add a new object; refuses one that already exists.
    pub fn create(&mut self, obj: Object) -> Result<(), ApiError> {
        let kind = obj.kind();
        let (ns, name) = (obj.meta().namespace.clone(), obj.meta().name.clone());
        self.check_namespace(kind, &ns)?;
        if self.get(kind, &ns, &name).is_some() {
            return Err(ApiError::AlreadyExists {
                plural: kind.plural(),
                name,
            });
        }
        self.apply(obj).map(|_| ())
    }

    /// `kubectl apply`: create the object or update it in place.
    pub fn apply(&mut self, obj: Object) -> Result<Applied, ApiError> {
        let kind = obj.kind();
        let ns = obj.meta().namespace.clone();
        let name = obj.meta().name.clone();
        self.check_namespace(kind, &ns)?;
        let key = (ns.clone(), name.clone());
        match obj {
            Object::Namespace(n) => {
                if let Some(cur) = self.namespaces.get_mut(&name) {
                    if covers(&cur.meta.labels, &n.meta.labels)
                        && covers(&cur.meta.annotations, &n.meta.annotations)
                    {
                        return Ok(Applied::Unchanged);
                    }
                    merge_into(&mut cur.meta.labels, &n.meta.labels);
                    merge_into(&mut cur.meta.annotations, &n.meta.annotations);
                    self.changed(Kind::Namespace, &key);
                    return Ok(Applied::Configured);
                }
                let mut meta = self.new_meta(n.meta);
                meta.namespace.clear();
                meta.labels
                    .insert("kubernetes.io/metadata.name".into(), name.clone());
                self.namespaces.insert(
                    name.clone(),
                    Namespace {
                        meta,
                        terminating: false,
                    },
                );
                self.changed(Kind::Namespace, &("".into(), name.clone()));
                self.namespace_config_maps(&name);
                Ok(Applied::Created)
            }
            Object::Deployment(d) => {
                let mut d = *d;
                if d.selector.is_empty() || !selector_matches(&d.selector, &d.template.labels) {
                    return Err(ApiError::Invalid(format!(
                        "The Deployment \"{name}\" is invalid: spec.template.metadata.labels: Invalid value: {}: `selector` does not match template `labels`",
                        go_map_literal(&d.template.labels)
                    )));
                }
                if let Some(cur) = self.deployments.get_mut(&key) {
                    if cur.selector != d.selector {
                        return Err(ApiError::Invalid(format!(
                            "The Deployment \"{name}\" is invalid: spec.selector: Invalid value: v1.LabelSelector{{MatchLabels:{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}: field is immutable",
                            go_map(&d.selector)
                        )));
                    }
                    let same = cur.replicas == d.replicas
                        && cur.template == d.template
                        && covers(&cur.meta.labels, &d.meta.labels)
                        && covers(&cur.meta.annotations, &d.meta.annotations)
                        && cur.strategy == d.strategy;
                    if same {
                        return Ok(Applied::Unchanged);
                    }
                    if cur.template != d.template || cur.replicas != d.replicas {
                        cur.meta.generation += 1;
                    }
                    cur.replicas = d.replicas;
                    cur.template = d.template;
                    cur.strategy = d.strategy;
                    merge_into(&mut cur.meta.labels, &d.meta.labels);
                    merge_into(&mut cur.meta.annotations, &d.meta.annotations);
                    cur.meta.resource_version = self.resource_version + 1;
                    self.resource_version += 1;
                    self.changed(Kind::Deployment, &key);
                    self.enqueue(0, key, MS);
                    return Ok(Applied::Configured);
                }
                d.meta = self.new_meta(d.meta);
                d.status = DeploymentStatus::default();
                self.deployments.insert(key.clone(), d);
                self.changed(Kind::Deployment, &key);
                self.enqueue(0, key, MS);
                Ok(Applied::Created)
            }
            Object::ReplicaSet(rs) => {
                let mut rs = *rs;
                if let Some(cur) = self.replicasets.get_mut(&key) {
                    if cur.replicas == rs.replicas && cur.template == rs.template {
                        return Ok(Applied::Unchanged);
                    }
                    cur.replicas = rs.replicas;
                    cur.template = rs.template;
                    self.changed(Kind::ReplicaSet, &key);
                    self.enqueue(1, key, MS);
                    return Ok(Applied::Configured);
                }
                rs.meta = self.new_meta(rs.meta);
                self.replicasets.insert(key.clone(), rs);
                self.changed(Kind::ReplicaSet, &key);
                self.enqueue(1, key, MS);
                Ok(Applied::Created)
            }
            Object::Pod(p) => {
                if let Some(cur) = self.pods.get_mut(&key) {
                    // Pod specs are (almost) immutable. Apply merges the manifest's labels and
                    // annotations into what the server holds, so what the webhook added stays.
                    let images = |spec: &PodSpec| {
                        spec.containers
                            .iter()
                            .map(|c| c.image.clone())
                            .collect::<Vec<_>>()
                    };
                    let app_containers: Vec<String> =
                        p.spec.containers.iter().map(|c| c.name.clone()).collect();
                    let current_app: Vec<String> = cur
                        .spec
                        .containers
                        .iter()
                        .filter(|c| app_containers.contains(&c.name))
                        .map(|c| c.image.clone())
                        .collect();
                    if current_app != images(&p.spec) {
                        return Err(ApiError::Invalid(format!(
                            "The Pod \"{name}\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
                        )));
                    }
                    let mut changed = false;
                    for (k, v) in &p.meta.labels {
                        changed |= cur.meta.labels.insert(k.clone(), v.clone()).as_ref() != Some(v);
                    }
                    for (k, v) in &p.meta.annotations {
                        changed |=
                            cur.meta.annotations.insert(k.clone(), v.clone()).as_ref() != Some(v);
                    }
                    if !changed {
                        return Ok(Applied::Unchanged);
                    }
                    self.changed(Kind::Pod, &key);
                    self.pod_changed(&key);
                    return Ok(Applied::Configured);
                }
                self.admit_pod(*p)?;
                Ok(Applied::Created)
            }
            Object::Service(s) => {
                let mut s = *s;
                if let Some(cur) = self.services.get_mut(&key) {
                    let same = cur.selector == s.selector
                        && cur
                            .ports
                            .iter()
                            .map(|p| (&p.name, p.port, &p.target_port))
                            .eq(s.ports.iter().map(|p| (&p.name, p.port, &p.target_port)))
                        && cur.kind == s.kind
                        && covers(&cur.meta.labels, &s.meta.labels)
                        && covers(&cur.meta.annotations, &s.meta.annotations);
                    if same {
                        return Ok(Applied::Unchanged);
                    }
                    let lb_now = s.kind == "LoadBalancer" && cur.kind != "LoadBalancer";
                    cur.selector = s.selector;
                    for (i, p) in s.ports.iter_mut().enumerate() {
                        p.node_port = cur.ports.get(i).and_then(|o| o.node_port);
                    }
                    cur.ports = s.ports;
                    cur.kind = s.kind;
                    merge_into(&mut cur.meta.labels, &s.meta.labels);
                    merge_into(&mut cur.meta.annotations, &s.meta.annotations);
                    self.allocate_node_ports(&key);
                    self.changed(Kind::Service, &key);
                    self.enqueue(2, key.clone(), MS);
                    if lb_now {
                        let d = self.rng.range(25, 45) * SEC;
                        self.schedule(d, Action::AssignLoadBalancer(key));
                    }
                    return Ok(Applied::Configured);
                }
                s.meta = self.new_meta(s.meta);
                if s.cluster_ip.is_empty() {
                    s.cluster_ip = self.allocate_cluster_ip();
                }
                let is_lb = s.kind == "LoadBalancer";
                self.services.insert(key.clone(), s);
                self.allocate_node_ports(&key);
                self.changed(Kind::Service, &key);
                self.create_endpoints(&key);
                if is_lb {
                    let (uid, svc) = (self.services[&key].meta.uid.clone(), key.1.clone());
                    self.record(
                        Kind::Service,
                        &key.0,
                        &svc,
                        &uid,
                        "",
                        "Normal",
                        "EnsuringLoadBalancer",
                        "Ensuring load balancer",
                        "service-controller",
                    );
                    let d = self.rng.range(25, 45) * SEC;
                    self.schedule(d, Action::AssignLoadBalancer(key));
                }
                Ok(Applied::Created)
            }
            Object::ConfigMap(cm) => {
                if let Some(cur) = self.configmaps.get_mut(&key) {
                    if cur.data == cm.data && covers(&cur.meta.labels, &cm.meta.labels) {
                        return Ok(Applied::Unchanged);
                    }
                    cur.data = cm.data;
                    merge_into(&mut cur.meta.labels, &cm.meta.labels);
                    self.changed(Kind::ConfigMap, &key);
                    return Ok(Applied::Configured);
                }
                let mut cm = cm;
                cm.meta = self.new_meta(cm.meta);
                self.configmaps.insert(key.clone(), cm);
                self.changed(Kind::ConfigMap, &key);
                Ok(Applied::Created)
            }
        }
    }

    /// `kubectl delete`: remove an object (pods terminate gracefully first; owned objects are
    /// garbage-collected).
    pub fn delete(&mut self, kind: Kind, ns: &str, name: &str) -> Result<(), ApiError> {
        let key = (ns.to_string(), name.to_string());
        let not_found = || ApiError::NotFound {
            plural: kind.plural(),
            name: name.to_string(),
        };
        match kind {
            Kind::Namespace => {
                if !self.namespaces.contains_key(name) {
                    return Err(not_found());
                }
                if ["default", "kube-system", "kube-public", "kube-node-lease"].contains(&name) {
                    return Err(ApiError::Forbidden(format!(
                        "namespaces \"{name}\" is forbidden: this namespace may not be deleted"
                    )));
                }
                // Everything in the namespace goes, controllers first so nothing is recreated.
                let mut doomed: Vec<(Kind, Key)> = Vec::new();
                let in_ns = |k: &&Key| k.0 == name;
                doomed.extend(self.deployments.keys().filter(in_ns).map(|k| (Kind::Deployment, k.clone())));
                doomed.extend(self.replicasets.keys().filter(in_ns).map(|k| (Kind::ReplicaSet, k.clone())));
                doomed.extend(self.pods.keys().filter(in_ns).map(|k| (Kind::Pod, k.clone())));
                doomed.extend(self.services.keys().filter(in_ns).map(|k| (Kind::Service, k.clone())));
                doomed.extend(self.configmaps.keys().filter(in_ns).map(|k| (Kind::ConfigMap, k.clone())));
                for (kind, k) in doomed {
                    let _ = self.delete(kind, &k.0, &k.1);
                }
                self.events.retain(|k, _| k.0 != name);
                self.event_index.retain(|_, k| k.0 != name);
                if let Some(n) = self.namespaces.remove(name) {
                    self.changed_deleted(
                        Kind::Namespace,
                        &("".into(), name.into()),
                        Object::Namespace(n),
                    );
                }
                Ok(())
            }
            Kind::Deployment => {
                let d = self.deployments.remove(&key).ok_or_else(not_found)?;
                let owned: Vec<Key> = self
                    .replicasets
                    .iter()
                    .filter(|(_, rs)| rs.meta.owner.as_ref().is_some_and(|o| o.uid == d.meta.uid))
                    .map(|(k, _)| k.clone())
                    .collect();
                self.changed_deleted(Kind::Deployment, &key, Object::Deployment(Box::new(d)));
                for k in owned {
                    let _ = self.delete(Kind::ReplicaSet, &k.0, &k.1);
                }
                Ok(())
            }
            Kind::ReplicaSet => {
                let rs = self.replicasets.remove(&key).ok_or_else(not_found)?;
                let owned: Vec<Key> = self
                    .pods
                    .iter()
                    .filter(|(_, p)| p.meta.owner.as_ref().is_some_and(|o| o.uid == rs.meta.uid))
                    .map(|(k, _)| k.clone())
                    .collect();
                let owner = rs.meta.owner.clone();
                self.changed_deleted(Kind::ReplicaSet, &key, Object::ReplicaSet(Box::new(rs)));
                for k in owned {
                    let _ = self.delete(Kind::Pod, &k.0, &k.1);
                }
                if let Some(o) = owner {
                    if self
                        .deployments
                        .contains_key(&(ns.to_string(), o.name.clone()))
                    {
                        self.enqueue(0, (ns.to_string(), o.name), MS);
                    }
                }
                Ok(())
            }
            Kind::Pod => {
                if !self.pods.contains_key(&key) {
                    return Err(not_found());
                }
                self.begin_pod_deletion(&key);
                Ok(())
            }
            Kind::Service => {
                let s = self.services.remove(&key).ok_or_else(not_found)?;
                self.changed_deleted(Kind::Service, &key, Object::Service(Box::new(s.clone())));
                let endpoints = self.endpoints.remove(&key);
                if endpoints.is_some() {
                    self.changed(Kind::Endpoints, &key);
                }
                if key.0 == "default" && key.1 == "kubernetes" {
                    // The API server recreates its own Service at once, with the same address.
                    let mut s = s;
                    s.meta = self.new_meta(ObjectMeta {
                        name: s.meta.name.clone(),
                        namespace: s.meta.namespace.clone(),
                        labels: s.meta.labels.clone(),
                        ..ObjectMeta::default()
                    });
                    self.services.insert(key.clone(), s);
                    if let Some(mut e) = endpoints {
                        e.meta = self.new_meta(ObjectMeta {
                            name: e.meta.name.clone(),
                            namespace: e.meta.namespace.clone(),
                            labels: e.meta.labels.clone(),
                            ..ObjectMeta::default()
                        });
                        self.endpoints.insert(key.clone(), e);
                    }
                    self.changed(Kind::Service, &key);
                }
                Ok(())
            }
            Kind::ConfigMap => {
                let c = self.configmaps.remove(&key).ok_or_else(not_found)?;
                self.changed_deleted(Kind::ConfigMap, &key, Object::ConfigMap(c));
                Ok(())
            }
            Kind::Endpoints | Kind::EndpointSlice | Kind::Event | Kind::Node => {
                Err(ApiError::Forbidden(format!(
                    "{} \"{name}\" is forbidden: the simulator does not delete this kind",
                    kind.plural()
                )))
            }
        }
    }

    /// Create or update a custom resource (stored as written; no controller acts on it).
    pub fn apply_custom(&mut self, mut obj: CustomObject) -> Result<Applied, ApiError> {
        let ns = obj.meta.namespace.clone();
        if !self.namespaces.contains_key(&ns) {
            return Err(ApiError::NamespaceNotFound(ns));
        }
        let key = (obj.kind.clone(), ns, obj.meta.name.clone());
        let rv = self.resource_version + 1;
        if let Some(cur) = self.custom.get_mut(&key) {
            if cur.body == obj.body
                && cur.api_version == obj.api_version
                && covers(&cur.meta.labels, &obj.meta.labels)
                && covers(&cur.meta.annotations, &obj.meta.annotations)
            {
                return Ok(Applied::Unchanged);
            }
            cur.body = obj.body;
            cur.api_version = obj.api_version;
            merge_into(&mut cur.meta.labels, &obj.meta.labels);
            merge_into(&mut cur.meta.annotations, &obj.meta.annotations);
            cur.meta.generation += 1;
            cur.meta.resource_version = rv;
            self.resource_version = rv;
            return Ok(Applied::Configured);
        }
        obj.meta = self.new_meta(obj.meta);
        self.custom.insert(key, obj);
        Ok(Applied::Created)
    }

    /// Custom resources of one kind, sorted by namespace and name.
    pub fn custom_objects<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a CustomObject> + 'a {
        self.custom
            .iter()
            .filter(move |(k, _)| k.0 == kind)
            .map(|(_, v)| v)
    }

    /// Delete a custom resource; `plural` names it in the error (`virtualservices.networking.istio.io`).
    pub fn delete_custom(
        &mut self,
        kind: &str,
        plural: &'static str,
        ns: &str,
        name: &str,
    ) -> Result<(), ApiError> {
        self.custom
            .remove(&(kind.to_string(), ns.to_string(), name.to_string()))
            .map(|_| ())
            .ok_or(ApiError::NotFound {
                plural,
                name: name.to_string(),
            })
    }

    /// Change labels (`Some(v)` sets, `None` removes). Returns whether anything changed.
    pub fn set_label(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        key: &str,
        value: Option<&str>,
    ) -> Result<bool, ApiError> {
        self.edit_meta(kind, ns, name, |m| edit_map(&mut m.labels, key, value))
    }

    /// Change annotations (`Some(v)` sets, `None` removes). Returns whether anything changed.
    pub fn set_annotation(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        key: &str,
        value: Option<&str>,
    ) -> Result<bool, ApiError> {
        self.edit_meta(kind, ns, name, |m| edit_map(&mut m.annotations, key, value))
    }

    fn edit_meta(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        f: impl FnOnce(&mut ObjectMeta) -> bool,
    ) -> Result<bool, ApiError> {
        let key = (ns.to_string(), name.to_string());
        let nf = || ApiError::NotFound {
            plural: kind.plural(),
            name: name.to_string(),
        };
        let changed = match kind {
            Kind::Namespace => f(&mut self.namespaces.get_mut(name).ok_or_else(nf)?.meta),
            Kind::Deployment => f(&mut self.deployments.get_mut(&key).ok_or_else(nf)?.meta),
            Kind::ReplicaSet => f(&mut self.replicasets.get_mut(&key).ok_or_else(nf)?.meta),
            Kind::Pod => f(&mut self.pods.get_mut(&key).ok_or_else(nf)?.meta),
            Kind::Service => f(&mut self.services.get_mut(&key).ok_or_else(nf)?.meta),
            Kind::ConfigMap => f(&mut self.configmaps.get_mut(&key).ok_or_else(nf)?.meta),
            Kind::Node => {
                let n = self
                    .nodes
                    .iter_mut()
                    .find(|n| n.meta.name == name)
                    .ok_or_else(nf)?;
                f(&mut n.meta)
            }
            _ => return Err(nf()),
        };
        if changed {
            let k = if kind.namespaced() {
                key.clone()
            } else {
                ("".to_string(), name.to_string())
            };
            self.changed(kind, &k);
            if kind == Kind::Pod {
                self.pod_changed(&key);
                // A label change can move a pod in or out of its ReplicaSet.
                let rss: Vec<Key> = self
                    .replicasets
                    .keys()
                    .filter(|k| k.0 == ns)
                    .cloned()
                    .collect();
                for k in rss {
                    self.enqueue(1, k, MS);
                }
            }
        }
        Ok(changed)
    }

    /// `kubectl scale`: set a deployment's (or replica set's) replicas.
    pub fn scale(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        replicas: i64,
    ) -> Result<(), ApiError> {
        let key = (ns.to_string(), name.to_string());
        match kind {
            Kind::Deployment => {
                let d = self.deployments.get_mut(&key).ok_or(ApiError::NotFound {
                    plural: kind.plural(),
                    name: name.into(),
                })?;
                if d.replicas != replicas {
                    d.replicas = replicas;
                    d.meta.generation += 1;
                }
                self.changed(Kind::Deployment, &key);
                self.enqueue(0, key, MS);
                Ok(())
            }
            Kind::ReplicaSet => {
                let rs = self.replicasets.get_mut(&key).ok_or(ApiError::NotFound {
                    plural: kind.plural(),
                    name: name.into(),
                })?;
                rs.replicas = replicas;
                self.changed(Kind::ReplicaSet, &key);
                self.enqueue(1, key, MS);
                Ok(())
            }
            _ => Err(ApiError::NotFound {
                plural: kind.plural(),
                name: name.into(),
            }),
        }
    }

    /// `kubectl set image` / `rollout restart` style template edit: apply `f` to a deployment's template.
    pub fn edit_template(
        &mut self,
        ns: &str,
        name: &str,
        f: impl FnOnce(&mut PodTemplate),
    ) -> Result<(), ApiError> {
        let key = (ns.to_string(), name.to_string());
        let d = self.deployments.get_mut(&key).ok_or(ApiError::NotFound {
            plural: "deployments.apps",
            name: name.into(),
        })?;
        let before = d.template.clone();
        f(&mut d.template);
        if d.template != before {
            d.meta.generation += 1;
            self.changed(Kind::Deployment, &key);
            self.enqueue(0, key, MS);
        }
        Ok(())
    }

    /// What controllers put in every namespace: the API server's CA (kube-root-ca.crt,
    /// from kube-controller-manager) and the mesh's root certificate (istio-ca-root-cert,
    /// from istiod, which the sidecars mount).
    fn namespace_config_maps(&mut self, ns: &str) {
        for (name, key) in [
            ("kube-root-ca.crt", "ca.crt"),
            ("istio-ca-root-cert", "root-cert.pem"),
        ] {
            let mut data = indexmap::IndexMap::new();
            data.insert(
                key.to_string(),
                "-----BEGIN CERTIFICATE-----\n(simulated)\n-----END CERTIFICATE-----\n".to_string(),
            );
            let meta = ObjectMeta {
                name: name.into(),
                namespace: ns.into(),
                ..ObjectMeta::default()
            };
            let meta = self.new_meta(meta);
            let key = (ns.to_string(), name.to_string());
            self.configmaps
                .insert(key.clone(), ConfigMap { meta, data });
            self.changed(Kind::ConfigMap, &key);
        }
    }

    fn allocate_cluster_ip(&mut self) -> String {
        loop {
            let ip = format!(
                "10.96.{}.{}",
                self.rng.range(0, 255),
                self.rng.range(2, 254)
            );
            if self.used_cluster_ips.insert(ip.clone()) {
                return ip;
            }
        }
    }

    fn allocate_node_ports(&mut self, key: &Key) {
        let needs = self
            .services
            .get(key)
            .is_some_and(|s| s.kind == "LoadBalancer" || s.kind == "NodePort");
        if !needs {
            return;
        }
        let count = self.services[key].ports.len();
        for i in 0..count {
            if self.services[key].ports[i].node_port.is_none() {
                let p = self.rng.range(30000, 32767) as i64;
                self.services.get_mut(key).expect("service exists").ports[i].node_port = Some(p);
            }
        }
    }

    fn assign_load_balancer(&mut self, key: &Key) {
        let ip = format!(
            "35.{}.{}.{}",
            self.rng.range(184, 239),
            self.rng.range(0, 255),
            self.rng.range(1, 254)
        );
        let Some(s) = self.services.get_mut(key) else {
            return;
        };
        if s.kind != "LoadBalancer" || !s.external_ips.is_empty() {
            return;
        }
        s.external_ips.push(ip);
        let uid = s.meta.uid.clone();
        self.changed(Kind::Service, key);
        self.record(
            Kind::Service,
            &key.0,
            &key.1,
            &uid,
            "",
            "Normal",
            "EnsuredLoadBalancer",
            "Ensured load balancer",
            "service-controller",
        );
    }
}

fn edit_map(m: &mut StringMap, key: &str, value: Option<&str>) -> bool {
    match value {
        Some(v) => m.insert(key.to_string(), v.to_string()).as_deref() != Some(v),
        None => m.remove(key).is_some(),
    }
}

/// A Go `map[string]string` as `%v` prints it: `map[app:x version:1.0]`.
pub fn go_map(m: &StringMap) -> String {
    let inner: Vec<String> = m.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("map[{}]", inner.join(" "))
}

/// A Go `map[string]string` as `%#v` prints it: `map[string]string{"app":"x"}`.
pub fn go_map_literal(m: &StringMap) -> String {
    let inner: Vec<String> = m.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
    format!("map[string]string{{{}}}", inner.join(", "))
}

/// Whether every entry of `new` is already in `cur`.
fn covers(cur: &StringMap, new: &StringMap) -> bool {
    new.iter().all(|(k, v)| cur.get(k) == Some(v))
}

/// `kubectl apply` sets the manifest's labels and annotations and keeps the others
/// (those added by `kubectl label`, controllers or the webhook).
fn merge_into(cur: &mut StringMap, new: &StringMap) {
    for (k, v) in new {
        cur.insert(k.clone(), v.clone());
    }
}
