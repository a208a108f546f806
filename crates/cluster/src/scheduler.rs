//! The default scheduler, reduced to what a learner can observe: it fits pods
//! onto the three workers by CPU and memory requests, prefers the least
//! allocated node, and leaves pods `Pending` with kubectl's FailedScheduling
//! message when nothing fits (retrying whenever capacity is freed).

use crate::cluster::{Action, Cluster, Key};
use crate::objects::*;
use crate::time::{MS, SEC};

/// A pod's effective CPU (millicores) and memory (bytes) requests.
pub fn pod_requests(spec: &PodSpec) -> (i64, i64) {
    let sum = |cs: &[&Container]| {
        cs.iter().fold((0, 0), |(c, m), x| {
            (
                c + x.resources.requests.get("cpu").map_or(0, |q| cpu_milli(q)),
                m + x
                    .resources
                    .requests
                    .get("memory")
                    .map_or(0, |q| memory_bytes(q)),
            )
        })
    };
    let regular: Vec<&Container> = spec
        .containers
        .iter()
        .chain(
            spec.init_containers
                .iter()
                .filter(|c| c.is_native_sidecar()),
        )
        .collect();
    let (mut cpu, mut mem) = sum(&regular);
    for c in spec
        .init_containers
        .iter()
        .filter(|c| !c.is_native_sidecar())
    {
        let (ic, im) = sum(&[c]);
        cpu = cpu.max(ic);
        mem = mem.max(im);
    }
    (cpu, mem)
}

impl Cluster {
    /// CPU and memory requested on every node, and the number of pods there.
    pub fn node_usage(&self) -> Vec<(i64, i64, usize)> {
        let mut usage = vec![(0, 0, 0); self.nodes.len()];
        for p in self.pods.values() {
            if p.spec.node_name.is_empty() {
                continue;
            }
            let i = p.runtime.node;
            if i < usage.len() {
                let (c, m) = p.runtime.requests;
                usage[i].0 += c;
                usage[i].1 += m;
                usage[i].2 += 1;
            }
        }
        usage
    }

    pub(crate) fn schedule_pod(&mut self, key: &Key, uid: &str) {
        let mut usage = self.node_usage();
        self.schedule_with(key, uid, &mut usage);
    }

    /// Try to place one pod given the current usage, updating it when the pod is bound.
    fn schedule_with(&mut self, key: &Key, uid: &str, allocated: &mut [(i64, i64, usize)]) {
        let Some(pod) = self.pods.get(key) else {
            return;
        };
        if pod.meta.uid != uid || !pod.spec.node_name.is_empty() || pod.meta.deletion.is_some() {
            return;
        }
        let (cpu, mem) = pod.runtime.requests;
        // Default topology spreading: siblings (pods of the same ReplicaSet) already on a node.
        let mut siblings = vec![0i64; self.nodes.len()];
        if let Some(o) = &pod.meta.owner {
            for k in self.pods_by_owner.get(&o.uid).into_iter().flatten() {
                if let Some(p) = self.pods.get(k) {
                    if !p.spec.node_name.is_empty()
                        && p.runtime.node < siblings.len()
                        && p.meta.deletion.is_none()
                    {
                        siblings[p.runtime.node] += 1;
                    }
                }
            }
        }
        let mut best: Option<(i64, usize)> = None;
        let (mut short_cpu, mut short_mem, mut full) = (0, 0, 0);
        for (i, n) in self.nodes.iter().enumerate() {
            let (uc, um, count) = allocated[i];
            let cpu_ok = uc + cpu <= n.cpu_milli;
            let mem_ok = um + mem <= n.memory;
            let room = count < n.max_pods;
            if !room {
                full += 1;
            }
            if !cpu_ok {
                short_cpu += 1;
            }
            if !mem_ok {
                short_mem += 1;
            }
            if cpu_ok && mem_ok && room {
                // LeastAllocated: the average free fraction of CPU and memory, in per-mille.
                let free = ((n.cpu_milli - uc - cpu) * 1000 / n.cpu_milli
                    + (n.memory - um - mem) * 1000 / n.memory)
                    / 2;
                let score = free - 200 * siblings[i];
                if best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, i));
                }
            }
        }
        let n_nodes = self.nodes.len();
        let Some((_, i)) = best else {
            let mut reasons = Vec::new();
            if short_cpu > 0 {
                reasons.push(format!("{short_cpu} Insufficient cpu"));
            }
            if short_mem > 0 {
                reasons.push(format!("{short_mem} Insufficient memory"));
            }
            if full > 0 {
                reasons.push(format!("{full} Too many pods"));
            }
            reasons.sort();
            let msg = format!(
                "0/{n_nodes} nodes are available: {}. preemption: 0/{n_nodes} nodes are available: {n_nodes} No preemption victims found for incoming pod.",
                reasons.join(", ")
            );
            let now = self.now;
            let p = self.pods.get_mut(key).expect("pod exists");
            let first = p.status.condition("PodScheduled").is_none();
            set_condition(
                &mut p.status,
                "PodScheduled",
                false,
                now,
                "Unschedulable",
                &msg,
            );
            if first {
                self.changed(Kind::Pod, key);
            }
            self.record(
                Kind::Pod,
                &key.0,
                &key.1,
                uid,
                "",
                "Warning",
                "FailedScheduling",
                &msg,
                "default-scheduler",
            );
            return;
        };
        allocated[i].0 += cpu;
        allocated[i].1 += mem;
        allocated[i].2 += 1;
        let node = self.nodes[i].meta.name.clone();
        let host_ip = self.nodes[i].internal_ip.clone();
        let now = self.now;
        let p = self.pods.get_mut(key).expect("pod exists");
        p.spec.node_name = node.clone();
        p.status.host_ip = host_ip;
        p.runtime.node = i;
        set_condition(&mut p.status, "PodScheduled", true, now, "", "");
        self.changed(Kind::Pod, key);
        let msg = format!("Successfully assigned {}/{} to {node}", key.0, key.1);
        self.record(
            Kind::Pod,
            &key.0,
            &key.1,
            uid,
            "",
            "Normal",
            "Scheduled",
            &msg,
            "default-scheduler",
        );
        let delay = self.rng.range(600, 1200) * MS;
        self.schedule(delay, Action::KubeletStart(key.clone(), uid.to_string()));
    }

    /// Give unschedulable pods another try a second after capacity was freed
    /// (one pass for all of them, however many pods were removed meanwhile).
    pub(crate) fn retry_pending(&mut self) {
        self.enqueue(3, (String::new(), String::new()), SEC);
    }

    pub(crate) fn schedule_pending(&mut self) {
        let waiting: Vec<(Key, String)> = self
            .pods
            .iter()
            .filter(|(_, p)| {
                p.spec.node_name.is_empty()
                    && p.meta.deletion.is_none()
                    && p.status.condition("PodScheduled").is_some()
            })
            .map(|(k, p)| (k.clone(), p.meta.uid.clone()))
            .collect();
        if waiting.is_empty() {
            return;
        }
        let mut usage = self.node_usage();
        for (k, uid) in waiting {
            self.schedule_with(&k, &uid, &mut usage);
        }
    }
}

/// Set a pod condition, moving its transition time only when the status flips.
pub(crate) fn set_condition(
    s: &mut PodStatus,
    kind: &'static str,
    status: bool,
    now: crate::time::Nanos,
    reason: &str,
    message: &str,
) {
    const ORDER: [&str; 5] = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ];
    if let Some(c) = s.conditions.iter_mut().find(|c| c.kind == kind) {
        if c.status != status {
            c.last_transition = now;
        }
        c.status = status;
        c.reason = reason.into();
        c.message = message.into();
    } else {
        s.conditions.push(PodCondition {
            kind,
            status,
            last_transition: now,
            reason: reason.into(),
            message: message.into(),
        });
        s.conditions
            .sort_by_key(|c| ORDER.iter().position(|o| *o == c.kind).unwrap_or(9));
    }
}
