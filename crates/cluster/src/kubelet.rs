//! The kubelet on each worker: image pulls (serialised per node, as with
//! `serializeImagePulls`), init containers in order, native sidecars, container
//! start, startup/readiness/liveness probes, restarts with CrashLoopBackOff
//! back-off (10 s doubling to 5 min) and graceful termination.

use crate::cluster::{Action, Cluster, Key};
use crate::objects::*;
use crate::rng::{digest_hex, fnv32a};
use crate::scheduler::set_condition;
use crate::time::{go_duration, Nanos, MS, SEC};
use crate::workload::{Behaviour, Work};

/// Which container of a pod: an init container or a regular one, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContainerRef {
    pub init: bool,
    pub idx: usize,
}

/// The three probe kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeKind {
    Startup,
    Readiness,
    Liveness,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Stage {
    #[default]
    Idle,
    Pulling,
    Running,
    Exited,
    BackOff,
    PullBackOff,
    Done,
}

/// What the kubelet knows about one container beyond its API status.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContainerRuntime {
    pub(crate) run: u32,
    pub(crate) stage: Stage,
    pub(crate) listening: bool,
    pub(crate) serving: bool,
    pub(crate) startup_ok: bool,
    pub(crate) ready_ok: i64,
    pub(crate) ready_fail: i64,
    pub(crate) live_fail: i64,
    pub(crate) startup_fail: i64,
    pub(crate) backoff: Nanos,
    pub(crate) pull_backoff: Nanos,
    pub(crate) pull_requested: Nanos,
    pub(crate) pull_started: Nanos,
    pub(crate) pulled: bool,
    pub(crate) behaviour: Behaviour,
    pub(crate) logs: Vec<String>,
    pub(crate) prev_logs: Option<Vec<String>>,
}

/// Simulation bookkeeping for a pod.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodRuntime {
    pub(crate) node: usize,
    /// CPU (millicores) and memory (bytes) requests, parsed once at admission.
    pub(crate) requests: (i64, i64),
    pub(crate) injected: bool,
    pub(crate) started: bool,
    pub(crate) init: Vec<ContainerRuntime>,
    pub(crate) main: Vec<ContainerRuntime>,
}

impl PodRuntime {
    pub(crate) fn reset(&mut self, spec: &PodSpec) {
        self.init = spec
            .init_containers
            .iter()
            .map(|c| ContainerRuntime {
                behaviour: Behaviour::classify(c),
                ..ContainerRuntime::default()
            })
            .collect();
        self.main = spec
            .containers
            .iter()
            .map(|c| ContainerRuntime {
                behaviour: Behaviour::classify(c),
                ..ContainerRuntime::default()
            })
            .collect();
    }

    /// Whether the kubelet has picked the pod up (sandbox created).
    pub fn sandbox_ready(&self) -> bool {
        self.started
    }
}

/// Approximate compressed size of an image, in bytes (stable per name).
pub fn image_size(image: &str) -> u64 {
    let known: [(&str, u64); 11] = [
        ("busybox", 2_155_388),
        ("alpine", 3_653_713),
        ("nginx", 72_223_946),
        ("httpbin", 17_442_118),
        ("proxyv2", 98_765_432),
        ("helloworld-service", 143_218_876),
        ("guestbook-service", 151_604_223),
        ("guestbook-ui", 158_977_102),
        ("mysql", 302_531_915),
        ("redis", 38_514_213),
        ("pilot", 77_311_834),
    ];
    for (k, v) in known {
        if image.contains(k) {
            return v;
        }
    }
    20_000_000 + u64::from(fnv32a(image.as_bytes())) % 180_000_000
}

/// The fully qualified image reference (`mysql:5.6` → `docker.io/library/mysql:5.6`).
pub fn qualified_image(image: &str) -> String {
    let first = image.split('/').next().unwrap_or("");
    let has_registry =
        image.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let mut s = if has_registry {
        image.to_string()
    } else if image.contains('/') {
        format!("docker.io/{image}")
    } else {
        format!("docker.io/library/{image}")
    };
    let last = s.rsplit('/').next().unwrap_or("").to_string();
    if !last.contains(':') && !last.contains('@') {
        s.push_str(":latest");
    }
    s
}

/// The image ID the runtime reports (`repo@sha256:…`).
pub fn image_id(image: &str) -> String {
    let q = qualified_image(image);
    let repo = q.rsplit_once(':').map_or(
        q.as_str(),
        |(r, t)| if t.contains('/') { q.as_str() } else { r },
    );
    format!("{repo}@sha256:{}", digest_hex(&q, 64))
}

impl Cluster {
    fn pod_ok(&self, key: &Key, uid: &str) -> bool {
        self.pods.get(key).is_some_and(|p| p.meta.uid == uid)
    }

    fn crt(&mut self, key: &Key, c: ContainerRef) -> &mut ContainerRuntime {
        let p = self.pods.get_mut(key).expect("pod exists");
        if c.init {
            &mut p.runtime.init[c.idx]
        } else {
            &mut p.runtime.main[c.idx]
        }
    }

    fn cstatus(&mut self, key: &Key, c: ContainerRef) -> &mut ContainerStatus {
        let p = self.pods.get_mut(key).expect("pod exists");
        if c.init {
            &mut p.status.init_statuses[c.idx]
        } else {
            &mut p.status.statuses[c.idx]
        }
    }

    fn cspec(&self, key: &Key, c: ContainerRef) -> &Container {
        let p = &self.pods[key];
        if c.init {
            &p.spec.init_containers[c.idx]
        } else {
            &p.spec.containers[c.idx]
        }
    }

    pub(crate) fn field_path(&self, key: &Key, c: ContainerRef) -> String {
        let name = &self.cspec(key, c).name;
        if c.init {
            format!("spec.initContainers{{{name}}}")
        } else {
            format!("spec.containers{{{name}}}")
        }
    }

    pub(crate) fn pod_event(
        &mut self,
        key: &Key,
        c: Option<ContainerRef>,
        type_: &str,
        reason: &str,
        msg: &str,
    ) {
        let uid = self.pods[key].meta.uid.clone();
        let fp = c.map(|c| self.field_path(key, c)).unwrap_or_default();
        self.record(
            Kind::Pod,
            &key.0.clone(),
            &key.1.clone(),
            &uid,
            &fp,
            type_,
            reason,
            msg,
            "kubelet",
        );
    }

    fn allocate_pod_ip(&mut self, node: usize) -> String {
        // The scheduler keeps a node at 110 pods, far below the 253 addresses of its /24.
        for _ in 0..256 {
            let n = self.next_ip[node];
            self.next_ip[node] = if n >= 254 { 2 } else { n + 1 };
            let ip = format!("{}.{n}", self.nodes[node].pod_cidr_prefix);
            if self.used_ips.insert(ip.clone()) {
                return ip;
            }
        }
        format!("{}.255", self.nodes[node].pod_cidr_prefix)
    }

    pub(crate) fn kubelet_start(&mut self, key: &Key, uid: &str) {
        if !self.pod_ok(key, uid) || self.pods[key].meta.deletion.is_some() {
            return;
        }
        let node = self.pods[key].runtime.node;
        let ip = self.allocate_pod_ip(node);
        let now = self.now;
        let p = self.pods.get_mut(key).expect("pod exists");
        p.runtime.started = true;
        p.status.pod_ip = ip;
        p.status.start_time = Some(now);
        let has_init = !p.spec.init_containers.is_empty();
        p.status.init_statuses = p
            .spec
            .init_containers
            .iter()
            .map(|c| ContainerStatus::waiting(&c.name, &c.image, "PodInitializing"))
            .collect();
        p.status.statuses = p
            .spec
            .containers
            .iter()
            .map(|c| {
                ContainerStatus::waiting(
                    &c.name,
                    &c.image,
                    if has_init {
                        "PodInitializing"
                    } else {
                        "ContainerCreating"
                    },
                )
            })
            .collect();
        set_condition(
            &mut p.status,
            "PodReadyToStartContainers",
            true,
            now,
            "",
            "",
        );
        set_condition(
            &mut p.status,
            "Initialized",
            !has_init,
            now,
            if has_init {
                "ContainersNotInitialized"
            } else {
                ""
            },
            "",
        );
        set_condition(&mut p.status, "Ready", false, now, "ContainersNotReady", "");
        set_condition(
            &mut p.status,
            "ContainersReady",
            false,
            now,
            "ContainersNotReady",
            "",
        );
        self.refresh_pod(key);
        self.changed(Kind::Pod, key);
        self.pod_changed(key);
        self.advance_pod(key);
    }

    /// Start whatever container is next in the pod's start-up order.
    fn advance_pod(&mut self, key: &Key) {
        let p = &self.pods[key];
        if p.meta.deletion.is_some() {
            return;
        }
        let initialized = p.status.condition("Initialized").is_some_and(|c| c.status);
        if !initialized {
            for i in 0..p.spec.init_containers.iter().len() {
                let rt = &p.runtime.init[i];
                let sidecar = p.spec.init_containers[i].is_native_sidecar();
                let cref = ContainerRef { init: true, idx: i };
                if rt.stage == Stage::Idle {
                    self.begin_container(key, cref);
                    return;
                }
                if sidecar {
                    if !p.status.init_statuses[i].started {
                        return;
                    }
                } else if rt.stage != Stage::Done {
                    return;
                }
            }
            let now = self.now;
            let p = self.pods.get_mut(key).expect("pod exists");
            set_condition(&mut p.status, "Initialized", true, now, "", "");
            self.changed(Kind::Pod, key);
        }
        let p = &self.pods[key];
        if let Some(i) = p.runtime.main.iter().position(|rt| rt.stage == Stage::Idle) {
            // Containers start one after another; each waits for its image.
            if p.runtime.main.iter().any(|rt| rt.stage == Stage::Pulling) {
                return;
            }
            self.begin_container(
                key,
                ContainerRef {
                    init: false,
                    idx: i,
                },
            );
        }
    }

    /// Pull the container's image if needed, then start it.
    fn begin_container(&mut self, key: &Key, c: ContainerRef) {
        let spec = self.cspec(key, c).clone();
        let uid = self.pods[key].meta.uid.clone();
        let node = self.pods[key].runtime.node;
        let now = self.now;
        // `node_images` maps an image to the time its pull completes (or completed).
        let pulled_at = self.node_images[node].get(&spec.image).copied();
        let present = pulled_at.is_some_and(|t| t <= now);
        let run = self.crt(key, c).run;
        match image_problem(&spec.image) {
            Some(ImageProblem::Invalid) => {
                let msg = format!(
                    "Failed to apply default image tag \"{0}\": couldn't parse image name \"{0}\": invalid reference format",
                    spec.image
                );
                self.pod_event(key, Some(c), "Warning", "InspectFailed", &msg);
                self.pod_event(key, Some(c), "Warning", "Failed", "Error: InvalidImageName");
                self.crt(key, c).stage = Stage::PullBackOff;
                let st = self.cstatus(key, c);
                st.state = ContainerState::Waiting {
                    reason: "InvalidImageName".into(),
                    message: msg,
                };
                self.changed(Kind::Pod, key);
                return;
            }
            Some(ImageProblem::NotFound) => {
                let msg = format!("Pulling image \"{}\"", spec.image);
                self.pod_event(key, Some(c), "Normal", "Pulling", &msg);
                self.crt(key, c).stage = Stage::Pulling;
                let d = self.rng.range(700, 1600) * MS;
                self.schedule(d, Action::PullFailed(key.clone(), uid, c, run));
                return;
            }
            None => {}
        }
        if present && spec.image_pull_policy != "Always" {
            let msg = format!(
                "Container image \"{}\" already present on machine",
                spec.image
            );
            self.pod_event(key, Some(c), "Normal", "Pulled", &msg);
            // The kubelet starts the container in the same sync, so one status update
            // covers every container whose image was already there.
            let rt = self.crt(key, c);
            rt.stage = Stage::Pulling;
            rt.pulled = false;
            self.start_container(key, c);
            return;
        }
        let msg = format!("Pulling image \"{}\"", spec.image);
        self.pod_event(key, Some(c), "Normal", "Pulling", &msg);
        let (start, done) = match pulled_at {
            // Another pod is pulling the same image: the layers arrive once, this pull
            // finishes just after that one.
            Some(t) if t > now => {
                let d = self.rng.range(200, 600) * MS;
                (t, t + d)
            }
            _ => {
                let dur = if present {
                    self.rng.range(300, 900) * MS
                } else {
                    let base = image_size(&spec.image) / 15_000;
                    (base + self.rng.range(0, base / 5 + 1)) * MS
                };
                let start = now.max(self.node_pull_busy[node]);
                self.node_pull_busy[node] = start + dur;
                (start, start + dur)
            }
        };
        if !present {
            self.node_images[node].insert(spec.image.clone(), done);
        }
        let rt = self.crt(key, c);
        rt.stage = Stage::Pulling;
        rt.pulled = true;
        rt.pull_requested = now;
        rt.pull_started = start;
        self.queue
            .push(done, Action::PullDone(key.clone(), uid, c, run));
    }

    pub(crate) fn pull_done(&mut self, key: &Key, uid: &str, c: ContainerRef, run: u32) {
        if !self.pod_ok(key, uid) || self.pods[key].meta.deletion.is_some() {
            return;
        }
        let rt = self.crt(key, c);
        if rt.run != run || rt.stage != Stage::Pulling {
            return;
        }
        if rt.pulled {
            let (req, started) = (rt.pull_requested, rt.pull_started);
            let image = self.cspec(key, c).image.clone();
            let now = self.now;
            let msg = format!(
                "Successfully pulled image \"{image}\" in {} ({} including waiting). Image size: {} bytes.",
                go_duration(now - started),
                go_duration(now - req),
                image_size(&image)
            );
            self.pod_event(key, Some(c), "Normal", "Pulled", &msg);
        }
        self.start_container(key, c);
    }

    fn start_container(&mut self, key: &Key, c: ContainerRef) {
        let spec = self.cspec(key, c).clone();
        let uid = self.pods[key].meta.uid.clone();
        let cid = format!("containerd://{}", self.rng.hex(64));
        let now = self.now;
        let rt = self.crt(key, c);
        let restarted = rt.run > 0;
        rt.run += 1;
        let run = rt.run;
        rt.stage = Stage::Running;
        rt.listening = false;
        rt.serving = false;
        rt.ready_ok = 0;
        rt.ready_fail = 0;
        rt.live_fail = 0;
        rt.startup_fail = 0;
        rt.startup_ok = spec.startup.is_none();
        if restarted {
            rt.prev_logs = Some(std::mem::take(&mut rt.logs));
        }
        let st = self.cstatus(key, c);
        if restarted {
            st.restart_count += 1;
            if let ContainerState::Terminated(t) = &st.state {
                st.last_state = Some(t.clone());
            }
        }
        st.state = ContainerState::Running { started: now };
        st.container_id = cid;
        st.image = qualified_image(&spec.image);
        st.image_id = image_id(&spec.image);
        st.ready = spec.readiness.is_none() && spec.startup.is_none() && !c.init;
        st.started = spec.startup.is_none();
        if c.init && spec.is_native_sidecar() {
            st.ready = spec.readiness.is_none() && spec.startup.is_none();
        }
        let msg = format!("Created container: {}", spec.name);
        self.pod_event(key, Some(c), "Normal", "Created", &msg);
        let msg = format!("Started container {}", spec.name);
        self.pod_event(key, Some(c), "Normal", "Started", &msg);
        // Probes.
        if let Some(p) = &spec.startup {
            let d = (p.initial_delay.max(0) as u64) * SEC + self.rng.range(0, 900) * MS;
            self.schedule(
                d,
                Action::Probe(key.clone(), uid.clone(), c, run, ProbeKind::Startup),
            );
        } else {
            self.schedule_after_startup(key, &uid, c, run, &spec);
        }
        // What the program inside does.
        self.workload_start(key, c, run);
        self.refresh_pod(key);
        self.changed(Kind::Pod, key);
        self.pod_changed(key);
        if !c.init || (spec.is_native_sidecar() && spec.startup.is_none()) {
            self.advance_pod(key);
        }
    }

    fn schedule_after_startup(
        &mut self,
        key: &Key,
        uid: &str,
        c: ContainerRef,
        run: u32,
        spec: &Container,
    ) {
        if let Some(p) = &spec.readiness {
            let d = (p.initial_delay.max(0) as u64) * SEC + self.rng.range(100, 1000) * MS;
            self.schedule(
                d,
                Action::Probe(key.clone(), uid.to_string(), c, run, ProbeKind::Readiness),
            );
        }
        if let Some(p) = &spec.liveness {
            let d = (p.initial_delay.max(0) as u64) * SEC + self.rng.range(100, 1000) * MS;
            self.schedule(
                d,
                Action::Probe(key.clone(), uid.to_string(), c, run, ProbeKind::Liveness),
            );
        }
    }

    /// Recompute phase and conditions from container statuses.
    pub(crate) fn refresh_pod(&mut self, key: &Key) {
        let now = self.now;
        let p = self.pods.get_mut(key).expect("pod exists");
        if !p.runtime.started {
            return;
        }
        let sidecars_ready = p
            .spec
            .init_containers
            .iter()
            .zip(p.status.init_statuses.iter())
            .filter(|(c, _)| c.is_native_sidecar())
            .all(|(_, s)| s.ready);
        let initialized = p.status.condition("Initialized").is_some_and(|c| c.status);
        let all_ready = initialized && sidecars_ready && p.status.statuses.iter().all(|s| s.ready);
        set_condition(
            &mut p.status,
            "ContainersReady",
            all_ready,
            now,
            if all_ready { "" } else { "ContainersNotReady" },
            "",
        );
        set_condition(
            &mut p.status,
            "Ready",
            all_ready,
            now,
            if all_ready { "" } else { "ContainersNotReady" },
            "",
        );
        let main_done = p.runtime.main.iter().all(|r| r.stage == Stage::Done);
        p.status.phase = if main_done && !p.runtime.main.is_empty() {
            let ok = p
                .status
                .statuses
                .iter()
                .all(|s| matches!(&s.state, ContainerState::Terminated(t) if t.exit_code == 0));
            if ok { "Succeeded" } else { "Failed" }.into()
        } else if initialized && p.runtime.main.iter().any(|r| r.run > 0) {
            "Running".into()
        } else {
            "Pending".into()
        };
    }

    fn restart_wanted(&self, key: &Key, c: ContainerRef, code: i32) -> bool {
        let p = &self.pods[key];
        if c.init && p.spec.init_containers[c.idx].is_native_sidecar() {
            return true;
        }
        match p.spec.restart_policy.as_str() {
            "Never" => false,
            "OnFailure" => code != 0,
            _ => !(c.init && code == 0),
        }
    }

    /// A container's process ended with `code`.
    pub(crate) fn container_exit(&mut self, key: &Key, c: ContainerRef, code: i32, reason: &str) {
        let now = self.now;
        let rt = self.crt(key, c);
        if rt.stage != Stage::Running {
            return;
        }
        rt.stage = Stage::Exited;
        rt.listening = false;
        rt.serving = false;
        let st = self.cstatus(key, c);
        let started = match st.state {
            ContainerState::Running { started } => started,
            _ => now,
        };
        st.state = ContainerState::Terminated(Terminated {
            reason: reason.to_string(),
            exit_code: code,
            started,
            finished: now,
            container_id: st.container_id.clone(),
        });
        // A successfully completed init container reports ready.
        st.ready = c.init && code == 0;
        st.started = false;
        if now.saturating_sub(started) > 600 * SEC {
            self.crt(key, c).backoff = 0;
        }
        let uid = self.pods[key].meta.uid.clone();
        if c.init && code == 0 && !self.cspec(key, c).is_native_sidecar() {
            self.crt(key, c).stage = Stage::Done;
            self.refresh_pod(key);
            self.changed(Kind::Pod, key);
            self.advance_pod(key);
            return;
        }
        if self.restart_wanted(key, c, code) {
            let run = self.crt(key, c).run;
            let d = self.rng.range(1500, 2500) * MS;
            self.schedule(d, Action::Restart(key.clone(), uid, c, run));
        } else {
            self.crt(key, c).stage = Stage::Done;
        }
        self.refresh_pod(key);
        self.changed(Kind::Pod, key);
        self.pod_changed(key);
    }

    /// The registry said the image does not exist: ErrImagePull, then ImagePullBackOff.
    pub(crate) fn pull_failed(&mut self, key: &Key, uid: &str, c: ContainerRef, run: u32) {
        if !self.pod_ok(key, uid) || self.pods[key].meta.deletion.is_some() {
            return;
        }
        if self.crt(key, c).run != run || self.crt(key, c).stage != Stage::Pulling {
            return;
        }
        let image = self.cspec(key, c).image.clone();
        let q = qualified_image(&image);
        let err = format!(
            "rpc error: code = NotFound desc = failed to pull and unpack image \"{q}\": failed to resolve reference \"{q}\": {q}: not found"
        );
        self.pod_event(
            key,
            Some(c),
            "Warning",
            "Failed",
            &format!("Failed to pull image \"{image}\": {err}"),
        );
        self.pod_event(key, Some(c), "Warning", "Failed", "Error: ErrImagePull");
        self.cstatus(key, c).state = ContainerState::Waiting {
            reason: "ErrImagePull".into(),
            message: err,
        };
        self.crt(key, c).stage = Stage::PullBackOff;
        self.changed(Kind::Pod, key);
        let d = self.rng.range(1000, 2000) * MS;
        self.schedule(d, Action::PullBackOff(key.clone(), uid.to_string(), c, run));
    }

    /// The kubelet waits before the next pull: 10 s doubling to 5 min.
    pub(crate) fn pull_back_off(&mut self, key: &Key, uid: &str, c: ContainerRef, run: u32) {
        if !self.pod_ok(key, uid) || self.pods[key].meta.deletion.is_some() {
            return;
        }
        if self.crt(key, c).run != run || self.crt(key, c).stage != Stage::PullBackOff {
            return;
        }
        let image = self.cspec(key, c).image.clone();
        let rt = self.crt(key, c);
        let wait = if rt.pull_backoff == 0 {
            10 * SEC
        } else {
            (rt.pull_backoff * 2).min(300 * SEC)
        };
        rt.pull_backoff = wait;
        let msg = format!("Back-off pulling image \"{image}\"");
        self.pod_event(key, Some(c), "Normal", "BackOff", &msg);
        self.pod_event(key, Some(c), "Warning", "Failed", "Error: ImagePullBackOff");
        self.cstatus(key, c).state = ContainerState::Waiting {
            reason: "ImagePullBackOff".into(),
            message: msg,
        };
        self.changed(Kind::Pod, key);
        self.schedule(wait, Action::Restart(key.clone(), uid.to_string(), c, run));
    }

    pub(crate) fn restart_container(&mut self, key: &Key, uid: &str, c: ContainerRef, run: u32) {
        if !self.pod_ok(key, uid) || self.pods[key].meta.deletion.is_some() {
            return;
        }
        let rt = self.crt(key, c);
        if rt.run != run {
            return;
        }
        match rt.stage {
            Stage::Exited if rt.backoff > 0 => {
                let wait = rt.backoff;
                rt.backoff = (rt.backoff * 2).min(300 * SEC);
                rt.stage = Stage::BackOff;
                let name = self.cspec(key, c).name.clone();
                let (pod, ns) = (key.1.clone(), key.0.clone());
                let st = self.cstatus(key, c);
                if let ContainerState::Terminated(t) = &st.state {
                    st.last_state = Some(t.clone());
                }
                st.state = ContainerState::Waiting {
                    reason: "CrashLoopBackOff".into(),
                    message: format!(
                        "back-off {} restarting failed container={name} pod={pod}_{ns}({uid})",
                        go_duration(wait)
                    ),
                };
                let msg =
                    format!("Back-off restarting failed container {name} in pod {pod}_{ns}({uid})");
                self.pod_event(key, Some(c), "Warning", "BackOff", &msg);
                self.changed(Kind::Pod, key);
                self.schedule(wait, Action::Restart(key.clone(), uid.to_string(), c, run));
            }
            Stage::PullBackOff => {
                rt.stage = Stage::Idle;
                self.begin_container(key, c);
            }
            Stage::Exited | Stage::BackOff => {
                if rt.backoff == 0 {
                    rt.backoff = 10 * SEC;
                }
                rt.stage = Stage::Idle;
                self.begin_container(key, c);
            }
            _ => {}
        }
    }

    pub(crate) fn probe(
        &mut self,
        key: &Key,
        uid: &str,
        c: ContainerRef,
        run: u32,
        kind: ProbeKind,
    ) {
        if !self.pod_ok(key, uid) || self.pods[key].meta.deletion.is_some() {
            return;
        }
        let rt = self.crt(key, c);
        if rt.run != run || rt.stage != Stage::Running {
            return;
        }
        let spec = self.cspec(key, c).clone();
        let probe = match kind {
            ProbeKind::Startup => spec.startup.clone(),
            ProbeKind::Readiness => spec.readiness.clone(),
            ProbeKind::Liveness => spec.liveness.clone(),
        };
        let Some(probe) = probe else { return };
        let outcome = self.probe_outcome(key, c, &probe);
        let label = match kind {
            ProbeKind::Startup => "Startup",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Liveness => "Liveness",
        };
        let period = (probe.period.max(1) as u64) * SEC;
        let mut reschedule = true;
        match (kind, outcome) {
            (ProbeKind::Startup, Ok(())) => {
                reschedule = false;
                self.crt(key, c).startup_ok = true;
                let st = self.cstatus(key, c);
                st.started = true;
                if spec.readiness.is_none() {
                    st.ready = true;
                }
                self.schedule_after_startup(key, uid, c, run, &spec);
                self.refresh_pod(key);
                self.changed(Kind::Pod, key);
                self.pod_changed(key);
                if c.init {
                    self.advance_pod(key);
                }
            }
            (ProbeKind::Readiness, Ok(())) => {
                let rt = self.crt(key, c);
                rt.ready_fail = 0;
                rt.ready_ok += 1;
                if rt.ready_ok >= probe.success.max(1) && !self.cstatus(key, c).ready {
                    self.cstatus(key, c).ready = true;
                    self.refresh_pod(key);
                    self.changed(Kind::Pod, key);
                    self.pod_changed(key);
                }
            }
            (ProbeKind::Liveness, Ok(())) => self.crt(key, c).live_fail = 0,
            (_, Err(msg)) => {
                let text = format!("{label} probe failed: {msg}");
                self.pod_event(key, Some(c), "Warning", "Unhealthy", &text);
                let threshold = probe.failure.max(1);
                match kind {
                    ProbeKind::Readiness => {
                        let rt = self.crt(key, c);
                        rt.ready_ok = 0;
                        rt.ready_fail += 1;
                        if rt.ready_fail >= threshold && self.cstatus(key, c).ready {
                            self.cstatus(key, c).ready = false;
                            self.refresh_pod(key);
                            self.changed(Kind::Pod, key);
                            self.pod_changed(key);
                        }
                    }
                    ProbeKind::Liveness | ProbeKind::Startup => {
                        let rt = self.crt(key, c);
                        let n = if kind == ProbeKind::Liveness {
                            rt.live_fail += 1;
                            rt.live_fail
                        } else {
                            rt.startup_fail += 1;
                            rt.startup_fail
                        };
                        if n >= threshold {
                            let what = if kind == ProbeKind::Liveness {
                                "liveness"
                            } else {
                                "startup"
                            };
                            let msg = format!(
                                "Container {} failed {what} probe, will be restarted",
                                spec.name
                            );
                            self.pod_event(key, Some(c), "Normal", "Killing", &msg);
                            self.workload_log_kill(key, c);
                            self.container_exit(key, c, 137, "Error");
                            reschedule = false;
                        }
                    }
                }
            }
        }
        if reschedule {
            self.schedule(
                period,
                Action::Probe(key.clone(), uid.to_string(), c, run, kind),
            );
        }
    }

    fn port_number(&self, key: &Key, c: ContainerRef, port: &PortRef) -> i64 {
        match port {
            PortRef::Int(i) => *i,
            PortRef::Name(n) => self
                .cspec(key, c)
                .ports
                .iter()
                .find(|p| &p.name == n)
                .map_or(0, |p| p.container_port),
        }
    }

    /// Which container of the pod listens on `port` (defaults to `fallback`).
    fn owner_of_port(&self, key: &Key, port: i64, fallback: ContainerRef) -> ContainerRef {
        let p = &self.pods[key];
        if [15020, 15021, 15090].contains(&port) {
            if let Some(i) = p
                .spec
                .containers
                .iter()
                .position(|c| c.name == "istio-proxy")
            {
                return ContainerRef {
                    init: false,
                    idx: i,
                };
            }
            if let Some(i) = p
                .spec
                .init_containers
                .iter()
                .position(|c| c.name == "istio-proxy")
            {
                return ContainerRef { init: true, idx: i };
            }
        }
        for (i, c) in p.spec.containers.iter().enumerate() {
            if c.ports.iter().any(|cp| cp.container_port == port) {
                return ContainerRef {
                    init: false,
                    idx: i,
                };
            }
        }
        fallback
    }

    fn rt_of(&self, key: &Key, c: ContainerRef) -> &ContainerRuntime {
        let p = &self.pods[key];
        if c.init {
            &p.runtime.init[c.idx]
        } else {
            &p.runtime.main[c.idx]
        }
    }

    fn probe_outcome(&self, key: &Key, c: ContainerRef, probe: &Probe) -> Result<(), String> {
        let ip = self.pods[key].status.pod_ip.clone();
        match &probe.action {
            ProbeAction::Exec { .. } => Ok(()),
            ProbeAction::HttpGet {
                path, port, scheme, ..
            } => {
                let port = self.port_number(key, c, port);
                let owner = self.owner_of_port(key, port, c);
                let rt = self.rt_of(key, owner);
                let url = format!("{}://{ip}:{port}{path}", scheme.to_lowercase());
                if !rt.listening {
                    return Err(format!(
                        "Get \"{url}\": dial tcp {ip}:{port}: connect: connection refused"
                    ));
                }
                if port == 15020 {
                    // pilot-agent forwards `/app-health/<container>/...` to the application.
                    let target = path
                        .trim_start_matches("/app-health/")
                        .split('/')
                        .next()
                        .unwrap_or("");
                    let p = &self.pods[key];
                    if let Some(i) = p.spec.containers.iter().position(|x| x.name == target) {
                        if !p.runtime.main[i].serving {
                            return Err("HTTP probe failed with statuscode: 500".into());
                        }
                        if !self.app_healthy(
                            key,
                            ContainerRef {
                                init: false,
                                idx: i,
                            },
                        ) {
                            return Err("HTTP probe failed with statuscode: 503".into());
                        }
                    }
                    return Ok(());
                }
                if !rt.serving || !self.app_healthy(key, owner) {
                    return Err("HTTP probe failed with statuscode: 503".into());
                }
                Ok(())
            }
            ProbeAction::TcpSocket { port } => {
                let port = self.port_number(key, c, port);
                let owner = self.owner_of_port(key, port, c);
                if self.rt_of(key, owner).listening {
                    Ok(())
                } else {
                    Err(format!("dial tcp {ip}:{port}: connect: connection refused"))
                }
            }
            ProbeAction::Grpc { port } => {
                if self.rt_of(key, c).serving {
                    Ok(())
                } else {
                    Err(format!(
                        "timeout: failed to connect service \"{ip}:{port}\" within 1s"
                    ))
                }
            }
        }
    }

    /// Start graceful deletion of a pod (or remove it at once if it never ran).
    pub(crate) fn begin_pod_deletion(&mut self, key: &Key) {
        let Some(p) = self.pods.get(key) else { return };
        if p.meta.deletion.is_some() {
            return;
        }
        let uid = p.meta.uid.clone();
        if !p.runtime.started {
            self.pod_changed(key);
            self.remove_pod(key);
            return;
        }
        let now = self.now;
        let grace = p.spec.termination_grace.max(0) as u64 * SEC;
        let p = self.pods.get_mut(key).expect("pod exists");
        p.meta.deletion = Some(now + grace);
        let running: Vec<ContainerRef> = (0..p.spec.containers.len())
            .map(|i| ContainerRef {
                init: false,
                idx: i,
            })
            .chain((0..p.spec.init_containers.len()).map(|i| ContainerRef { init: true, idx: i }))
            .filter(|c| {
                let st = if c.init {
                    &p.status.init_statuses[c.idx]
                } else {
                    &p.status.statuses[c.idx]
                };
                st.is_running()
            })
            .collect();
        let injected = p.runtime.injected;
        for c in running {
            let msg = format!("Stopping container {}", self.cspec(key, c).name);
            self.pod_event(key, Some(c), "Normal", "Killing", &msg);
        }
        self.changed(Kind::Pod, key);
        self.pod_changed(key);
        let d = if injected {
            self.rng.range(5000, 6500)
        } else {
            self.rng.range(1200, 3000)
        } * MS;
        self.schedule(d.min(grace.max(MS)), Action::KillDone(key.clone(), uid));
    }

    pub(crate) fn kill_done(&mut self, key: &Key, uid: &str) {
        if !self.pod_ok(key, uid) {
            return;
        }
        // Every container has stopped (a JVM answers SIGTERM with exit code 143).
        let now = self.now;
        let p = self.pods.get_mut(key).expect("pod exists");
        for (st, rt) in p.status.statuses.iter_mut().zip(p.runtime.main.iter()) {
            stop_container(st, if rt.behaviour.is_java() { 143 } else { 0 }, now);
        }
        for st in p.status.init_statuses.iter_mut() {
            stop_container(st, 0, now);
        }
        self.changed(Kind::Pod, key);
        self.remove_pod(key);
    }

    fn remove_pod(&mut self, key: &Key) {
        let Some(p) = self.pods.get(key) else { return };
        if let Some(o) = &p.meta.owner {
            self.enqueue(1, (key.0.clone(), o.name.clone()), MS);
        }
        self.pod_changed(key);
        let p = self.pods.remove(key).expect("pod exists");
        if let Some(o) = &p.meta.owner {
            if let Some(set) = self.pods_by_owner.get_mut(&o.uid) {
                set.remove(key);
            }
        }
        self.used_ips.remove(&p.status.pod_ip);
        let was_scheduled = !p.spec.node_name.is_empty();
        self.changed_deleted(Kind::Pod, key, Object::Pod(Box::new(p)));
        if was_scheduled {
            self.retry_pending();
        }
    }

    pub(crate) fn work(&mut self, key: &Key, uid: &str, c: ContainerRef, run: u32, w: Work) {
        if !self.pod_ok(key, uid) || self.pods[key].meta.deletion.is_some() {
            return;
        }
        let rt = self.crt(key, c);
        if rt.run != run || rt.stage != Stage::Running {
            return;
        }
        self.workload_work(key, c, run, w);
    }
}

/// Why an image cannot be pulled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageProblem {
    /// Not a valid reference (`InvalidImageName`).
    Invalid,
    /// The registry has no such tag (`ErrImagePull`, then `ImagePullBackOff`).
    NotFound,
}

/// The registry the simulation knows: the workshop's repositories have only the
/// tags that were published; any other repository is assumed to exist.
pub fn image_problem(image: &str) -> Option<ImageProblem> {
    let valid = !image.is_empty()
        && !image.contains(char::is_whitespace)
        && !image.starts_with(['-', ':', '/', '.'])
        && !image.ends_with([':', '/', '@'])
        && image.split('/').next_back().is_some_and(|last| {
            !last
                .split(':')
                .next()
                .unwrap_or("")
                .chars()
                .any(|c| c.is_ascii_uppercase())
        })
        && !image
            .split(':')
            .next()
            .unwrap_or("")
            .chars()
            .any(|c| c.is_ascii_uppercase());
    if !valid {
        return Some(ImageProblem::Invalid);
    }
    let q = qualified_image(image);
    let (repo, tag) = q.rsplit_once(':')?;
    if tag.contains('/') {
        return None;
    }
    let ok = match repo {
        "docker.io/saturnism/helloworld-service-istio"
        | "docker.io/saturnism/guestbook-ui-istio" => ["1.0", "2.0", "latest"].contains(&tag),
        "docker.io/saturnism/guestbook-service-istio" => ["1.0", "latest"].contains(&tag),
        "docker.io/library/mysql" => {
            ["5.6", "5.7", "8.0", "8.4", "9.0", "latest"].contains(&tag)
                || tag.starts_with("5.")
                || tag.starts_with("8.")
        }
        "docker.io/istio/proxyv2" | "docker.io/istio/pilot" => {
            tag.starts_with("1.")
                && tag[2..].split('.').all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|c| c.is_ascii_digit() || c == '-' || c.is_ascii_alphabetic())
                })
        }
        _ => true,
    };
    (!ok).then_some(ImageProblem::NotFound)
}

/// Record that a running container ended with `code` at `now`.
fn stop_container(st: &mut ContainerStatus, code: i32, now: Nanos) {
    if let ContainerState::Running { started } = st.state {
        st.state = ContainerState::Terminated(Terminated {
            reason: if code == 0 {
                "Completed".into()
            } else {
                "Error".into()
            },
            exit_code: code,
            started,
            finished: now,
            container_id: st.container_id.clone(),
        });
        st.ready = false;
        st.started = false;
    }
}
