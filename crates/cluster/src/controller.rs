//! The controllers of kube-controller-manager that the lesson needs:
//! Deployment → ReplicaSet → Pods, and Service → Endpoints. Each runs as a
//! level-triggered reconcile queued a millisecond after whatever changed.

use crate::cluster::{ApiError, Cluster, Key};
use crate::objects::*;
use crate::rng::{fnv32a, safe_encode};
use crate::time::MS;

/// The `pod-template-hash` of a template (FNV-1a over its canonical form, encoded like apimachinery).
pub fn template_hash(t: &PodTemplate) -> String {
    let h = fnv32a(format!("{t:?}").as_bytes());
    safe_encode(&h.to_string())
}

fn percent_or_int(v: &str, total: i64, round_up: bool) -> i64 {
    if let Some(p) = v.strip_suffix('%') {
        let p: i64 = p.parse().unwrap_or(25);
        if round_up {
            (total * p + 99) / 100
        } else {
            total * p / 100
        }
    } else {
        v.parse().unwrap_or(0)
    }
}

/// `(maxSurge, maxUnavailable)` of a deployment as absolute numbers.
pub fn surge_and_unavailable(d: &Deployment) -> (i64, i64) {
    if d.strategy.kind == "Recreate" {
        return (0, d.replicas);
    }
    let surge = percent_or_int(&d.strategy.max_surge, d.replicas, true);
    let mut unavailable = percent_or_int(&d.strategy.max_unavailable, d.replicas, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

impl Cluster {
    /// Admission for a new pod: defaults, service-account volume, the injection webhook, then store it.
    pub(crate) fn admit_pod(&mut self, mut pod: Pod) -> Result<Key, ApiError> {
        let ns = pod.meta.namespace.clone();
        if pod.meta.name.is_empty() {
            let prefix = pod.meta.generate_name.clone();
            pod.meta.name = format!("{prefix}{}", self.generated_suffix(&prefix));
        }
        // ServiceAccount admission: the token volume and its mount in every container.
        if pod.spec.service_account.is_empty() {
            pod.spec.service_account = "default".into();
        }
        let pod_name = pod.meta.name.clone();
        let vol = format!(
            "kube-api-access-{}",
            self.generated_suffix(&format!("{}/{pod_name}/token", pod.meta.namespace))
        );
        pod.spec.volumes.push(Volume {
            name: vol.clone(),
            source: VolumeSource::Projected {
                token_expiration: Some(3607),
                config_map: Some("kube-root-ca.crt".into()),
                downward_api: true,
            },
        });
        for c in pod
            .spec
            .init_containers
            .iter_mut()
            .chain(pod.spec.containers.iter_mut())
        {
            c.volume_mounts.push(VolumeMount {
                name: vol.clone(),
                mount_path: "/var/run/secrets/kubernetes.io/serviceaccount".into(),
                read_only: true,
            });
        }
        if pod.spec.tolerations.is_empty() {
            for key in [
                "node.kubernetes.io/not-ready",
                "node.kubernetes.io/unreachable",
            ] {
                pod.spec.tolerations.push(Toleration {
                    key: key.into(),
                    operator: "Exists".into(),
                    value: String::new(),
                    effect: "NoExecute".into(),
                    seconds: Some(300),
                });
            }
        }
        // The mutating webhook (Istio's sidecar injector).
        if self.wants_injection(&pod) {
            if let Some(inj) = self.injector.as_ref() {
                match inj.inject(&pod, self.config.native_sidecars) {
                    Ok(mut injected) => {
                        // The webhook may add labels and annotations; identity stays the API server's.
                        let mut meta = pod.meta.clone();
                        meta.labels = std::mem::take(&mut injected.meta.labels);
                        meta.annotations = std::mem::take(&mut injected.meta.annotations);
                        injected.meta = meta;
                        pod = injected;
                        pod.runtime.injected = true;
                    }
                    Err(msg) => {
                        return Err(ApiError::Invalid(format!(
                            "admission webhook \"namespace.sidecar-injector.istio.io\" denied the request: {msg}"
                        )))
                    }
                }
            }
        }
        // The token mount reaches containers the webhook added, too.
        for c in pod
            .spec
            .init_containers
            .iter_mut()
            .chain(pod.spec.containers.iter_mut())
        {
            if !c
                .volume_mounts
                .iter()
                .any(|m| m.mount_path == "/var/run/secrets/kubernetes.io/serviceaccount")
            {
                c.volume_mounts.push(VolumeMount {
                    name: vol.clone(),
                    mount_path: "/var/run/secrets/kubernetes.io/serviceaccount".into(),
                    read_only: true,
                });
            }
        }
        pod.status.qos = qos_class(&pod.spec);
        pod.status.phase = "Pending".into();
        pod.meta = self.new_meta(pod.meta);
        pod.runtime.reset(&pod.spec);
        pod.runtime.requests = crate::scheduler::pod_requests(&pod.spec);
        let key = (ns, pod.meta.name.clone());
        if let Some(o) = &pod.meta.owner {
            self.pods_by_owner
                .entry(o.uid.clone())
                .or_default()
                .insert(key.clone());
        }
        let uid = pod.meta.uid.clone();
        self.pods.insert(key.clone(), pod);
        self.changed(Kind::Pod, &key);
        self.schedule(2 * MS, crate::cluster::Action::Schedule(key.clone(), uid));
        Ok(key)
    }

    /// React to any change of a pod: its ReplicaSet and the Services that select it.
    pub(crate) fn pod_changed(&mut self, key: &Key) {
        let Some(p) = self.pods.get(key) else { return };
        let owner = p.meta.owner.clone();
        let labels = p.meta.labels.clone();
        let uid = p.meta.uid.clone();
        if let Some(o) = owner {
            if o.kind == Kind::ReplicaSet {
                self.enqueue(1, (key.0.clone(), o.name), MS);
            }
        }
        let svcs: Vec<Key> = self
            .services
            .range((key.0.clone(), String::new())..)
            .take_while(|(k, _)| k.0 == key.0)
            .filter(|(_, s)| selector_matches(&s.selector, &labels))
            .map(|(k, _)| k.clone())
            .collect();
        for s in svcs {
            self.enqueue(2, s, MS);
        }
        // Endpoints that listed the pod must drop it even when labels no longer match.
        let eps: Vec<Key> = self
            .endpoints
            .range((key.0.clone(), String::new())..)
            .take_while(|(k, _)| k.0 == key.0)
            .filter(|(_, e)| e.addresses.iter().any(|a| a.pod_uid == uid))
            .map(|(k, _)| k.clone())
            .collect();
        for e in eps {
            self.enqueue(2, e, MS);
        }
    }

    pub(crate) fn reconcile_deployment(&mut self, key: &Key) {
        let Some(d) = self.deployments.get(key).cloned() else {
            return;
        };
        let hash = template_hash(&d.template);
        let owned: Vec<Key> = self
            .replicasets
            .iter()
            .filter(|(_, rs)| rs.meta.owner.as_ref().is_some_and(|o| o.uid == d.meta.uid))
            .map(|(k, _)| k.clone())
            .collect();
        let new_key = (key.0.clone(), format!("{}-{hash}", key.1));
        let max_revision = owned
            .iter()
            .filter_map(|k| {
                self.replicasets[k]
                    .meta
                    .annotations
                    .get("deployment.kubernetes.io/revision")
            })
            .filter_map(|r| r.parse::<i64>().ok())
            .max()
            .unwrap_or(0);
        let (surge, max_unavailable) = surge_and_unavailable(&d);
        let old: Vec<Key> = owned.iter().filter(|k| **k != new_key).cloned().collect();
        let old_total: i64 = old.iter().map(|k| self.replicasets[k].replicas).sum();
        let mut created_new = false;
        if !self.replicasets.contains_key(&new_key) {
            let mut template = d.template.clone();
            template
                .labels
                .insert("pod-template-hash".into(), hash.clone());
            let mut selector = d.selector.clone();
            selector.insert("pod-template-hash".into(), hash.clone());
            let labels = template.labels.clone();
            let mut annotations = StringMap::new();
            annotations.insert(
                "deployment.kubernetes.io/desired-replicas".into(),
                d.replicas.to_string(),
            );
            annotations.insert(
                "deployment.kubernetes.io/max-replicas".into(),
                (d.replicas + surge).to_string(),
            );
            annotations.insert(
                "deployment.kubernetes.io/revision".into(),
                (max_revision + 1).to_string(),
            );
            let meta = ObjectMeta {
                name: new_key.1.clone(),
                namespace: key.0.clone(),
                labels,
                annotations,
                owner: Some(OwnerRef {
                    kind: Kind::Deployment,
                    name: key.1.clone(),
                    uid: d.meta.uid.clone(),
                }),
                ..ObjectMeta::default()
            };
            let meta = self.new_meta(meta);
            let rs = ReplicaSet {
                meta,
                replicas: 0,
                selector,
                template,
                status_replicas: 0,
                status_ready: 0,
                status_available: 0,
                template_hash: hash.clone(),
            };
            self.replicasets.insert(new_key.clone(), rs);
            self.changed(Kind::ReplicaSet, &new_key);
            created_new = true;
            if let Some(dd) = self.deployments.get_mut(key) {
                dd.meta.annotations.insert(
                    "deployment.kubernetes.io/revision".into(),
                    (max_revision + 1).to_string(),
                );
            }
        } else if old_total > 0
            || self.replicasets[&new_key]
                .meta
                .annotations
                .get("deployment.kubernetes.io/revision")
                .map(|r| r.parse::<i64>().unwrap_or(0))
                < Some(max_revision)
        {
            // A rollback to an older template makes that ReplicaSet the newest revision again.
            let cur_rev: i64 = self.replicasets[&new_key]
                .meta
                .annotations
                .get("deployment.kubernetes.io/revision")
                .and_then(|r| r.parse().ok())
                .unwrap_or(0);
            if cur_rev < max_revision {
                let rev = (max_revision + 1).to_string();
                self.replicasets
                    .get_mut(&new_key)
                    .expect("exists")
                    .meta
                    .annotations
                    .insert("deployment.kubernetes.io/revision".into(), rev.clone());
                if let Some(dd) = self.deployments.get_mut(key) {
                    dd.meta
                        .annotations
                        .insert("deployment.kubernetes.io/revision".into(), rev);
                }
            }
        }
        let desired = d.replicas;
        let new_cur = self.replicasets[&new_key].replicas;
        // Scale the new ReplicaSet up as far as the surge allows.
        let target_new = if old_total == 0 {
            desired
        } else {
            let total = old_total + new_cur;
            let room = (desired + surge - total).max(0);
            (new_cur + room).min(desired).max(new_cur.min(desired))
        };
        if target_new != new_cur {
            self.scale_rs(&new_key, target_new, &d);
        }
        // Scale old ReplicaSets down while enough pods stay available.
        if old_total > 0 {
            let min_available = desired - max_unavailable;
            let new_rs = &self.replicasets[&new_key];
            let new_unavailable = (new_rs.replicas - new_rs.status_available).max(0);
            let all_pods: i64 = owned
                .iter()
                .map(|k| self.replicasets.get(k).map_or(0, |r| r.replicas))
                .sum::<i64>()
                + if created_new { target_new } else { 0 };
            let mut max_scaled_down = (all_pods - min_available - new_unavailable).max(0);
            // First old replicas that are not available cost nothing to remove.
            let mut olds: Vec<Key> = old.clone();
            olds.sort_by_key(|k| self.replicasets[k].meta.creation);
            for k in &olds {
                if max_scaled_down == 0 {
                    break;
                }
                let rs = &self.replicasets[k];
                let unhealthy = (rs.replicas - rs.status_available)
                    .max(0)
                    .min(max_scaled_down);
                if unhealthy > 0 {
                    let to = rs.replicas - unhealthy;
                    max_scaled_down -= unhealthy;
                    self.scale_rs(k, to, &d);
                }
            }
            let available: i64 = owned
                .iter()
                .map(|k| self.replicasets.get(k).map_or(0, |r| r.status_available))
                .sum();
            let mut can = (available - min_available).max(0).min(max_scaled_down);
            for k in &olds {
                if can == 0 {
                    break;
                }
                let cur = self.replicasets[k].replicas;
                let n = cur.min(can);
                if n > 0 {
                    self.scale_rs(k, cur - n, &d);
                    can -= n;
                }
            }
        }
        // Status.
        let (mut replicas, mut ready, mut available) = (0, 0, 0);
        for k in owned
            .iter()
            .chain(std::iter::once(&new_key))
            .collect::<std::collections::BTreeSet<_>>()
        {
            if let Some(rs) = self.replicasets.get(k) {
                replicas += rs.status_replicas;
                ready += rs.status_ready;
                available += rs.status_available;
            }
        }
        let updated = self.replicasets[&new_key].status_replicas;
        let now = self.now;
        let new_name = new_key.1.clone();
        let old_left: i64 = old
            .iter()
            .map(|k| self.replicasets.get(k).map_or(0, |r| r.replicas))
            .sum();
        let Some(dd) = self.deployments.get_mut(key) else {
            return;
        };
        let before = dd.status.clone();
        dd.status.observed_generation = dd.meta.generation;
        dd.status.replicas = replicas;
        dd.status.updated = updated;
        dd.status.ready = ready;
        dd.status.available = available;
        dd.status.unavailable = (replicas.max(desired) - available).max(0);
        let min_ok = available >= desired - max_unavailable;
        set_dcond(
            &mut dd.status.conditions,
            "Available",
            min_ok,
            if min_ok {
                "MinimumReplicasAvailable"
            } else {
                "MinimumReplicasUnavailable"
            },
            if min_ok {
                "Deployment has minimum availability."
            } else {
                "Deployment does not have minimum availability."
            },
            now,
        );
        let done =
            updated == desired && available >= desired && old_left == 0 && replicas == desired;
        let (reason, msg) = if done {
            (
                "NewReplicaSetAvailable",
                format!("ReplicaSet \"{new_name}\" has successfully progressed."),
            )
        } else if created_new {
            (
                "NewReplicaSetCreated",
                format!("Created new replica set \"{new_name}\""),
            )
        } else {
            (
                "ReplicaSetUpdated",
                format!("ReplicaSet \"{new_name}\" is progressing."),
            )
        };
        set_dcond(
            &mut dd.status.conditions,
            "Progressing",
            true,
            reason,
            &msg,
            now,
        );
        dd.status
            .conditions
            .sort_by_key(|c| if c.kind == "Available" { 0 } else { 1 });
        if dd.status != before {
            self.changed(Kind::Deployment, key);
        }
    }

    fn scale_rs(&mut self, rs_key: &Key, to: i64, d: &Deployment) {
        let (surge, _) = surge_and_unavailable(d);
        let Some(rs) = self.replicasets.get_mut(rs_key) else {
            return;
        };
        let from = rs.replicas;
        rs.replicas = to;
        rs.meta.annotations.insert(
            "deployment.kubernetes.io/desired-replicas".into(),
            d.replicas.to_string(),
        );
        rs.meta.annotations.insert(
            "deployment.kubernetes.io/max-replicas".into(),
            (d.replicas + surge).to_string(),
        );
        self.changed(Kind::ReplicaSet, rs_key);
        let dir = if to > from { "up" } else { "down" };
        let msg = format!("Scaled {dir} replica set {} from {from} to {to}", rs_key.1);
        self.record(
            Kind::Deployment,
            &d.meta.namespace,
            &d.meta.name,
            &d.meta.uid,
            "",
            "Normal",
            "ScalingReplicaSet",
            &msg,
            "deployment-controller",
        );
        self.enqueue(1, rs_key.clone(), MS);
    }

    pub(crate) fn reconcile_replicaset(&mut self, key: &Key) {
        let Some(rs) = self.replicasets.get(key) else {
            return;
        };
        let uid = rs.meta.uid.clone();
        let want = rs.replicas;
        let owned: Vec<Key> = self
            .pods_by_owner
            .get(&uid)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        let mut live: Vec<(Key, bool, bool, u64)> = owned
            .iter()
            .filter_map(|k| self.pods.get(k).map(|p| (k, p)))
            .filter(|(_, p)| p.meta.deletion.is_none())
            .map(|(k, p)| {
                (
                    k.clone(),
                    !p.spec.node_name.is_empty(),
                    is_ready(p),
                    p.meta.creation,
                )
            })
            .collect();
        let have = live.len() as i64;
        if have < want {
            for _ in have..want {
                let rs = &self.replicasets[key];
                let mut meta = ObjectMeta {
                    namespace: key.0.clone(),
                    generate_name: format!("{}-", key.1),
                    labels: rs.template.labels.clone(),
                    annotations: rs.template.annotations.clone(),
                    owner: Some(OwnerRef {
                        kind: Kind::ReplicaSet,
                        name: key.1.clone(),
                        uid: uid.clone(),
                    }),
                    ..ObjectMeta::default()
                };
                loop {
                    let prefix = format!("{}-", key.1);
                    let name = format!(
                        "{prefix}{}",
                        self.generated_suffix(&format!("{}/{prefix}", key.0))
                    );
                    if !self.pods.contains_key(&(key.0.clone(), name.clone())) {
                        meta.name = name;
                        break;
                    }
                }
                let pod = Pod::new(meta, self.replicasets[key].template.spec.clone());
                let name = pod.meta.name.clone();
                match self.admit_pod(pod) {
                    Ok(_) => {
                        let msg = format!("Created pod: {name}");
                        self.record(
                            Kind::ReplicaSet,
                            &key.0,
                            &key.1,
                            &uid,
                            "",
                            "Normal",
                            "SuccessfulCreate",
                            &msg,
                            "replicaset-controller",
                        );
                    }
                    Err(e) => {
                        let msg = format!("Error creating: {}", e);
                        self.record(
                            Kind::ReplicaSet,
                            &key.0,
                            &key.1,
                            &uid,
                            "",
                            "Warning",
                            "FailedCreate",
                            &msg,
                            "replicaset-controller",
                        );
                        break;
                    }
                }
            }
        } else if have > want {
            // Delete unscheduled first, then not-ready, then the newest.
            live.sort_by(|a, b| a.1.cmp(&b.1).then(a.2.cmp(&b.2)).then(b.3.cmp(&a.3)));
            for (k, _, _, _) in live.iter().take((have - want) as usize) {
                self.begin_pod_deletion(k);
                let msg = format!("Deleted pod: {}", k.1);
                self.record(
                    Kind::ReplicaSet,
                    &key.0,
                    &key.1,
                    &uid,
                    "",
                    "Normal",
                    "SuccessfulDelete",
                    &msg,
                    "replicaset-controller",
                );
            }
        }
        // Status counts every pod not being deleted.
        let (mut n, mut ready) = (0, 0);
        let owned: Vec<&Pod> = self
            .pods_by_owner
            .get(&uid)
            .into_iter()
            .flatten()
            .filter_map(|k| self.pods.get(k))
            .collect();
        for p in owned {
            if p.meta.deletion.is_none() {
                n += 1;
                if is_ready(p) {
                    ready += 1;
                }
            }
        }
        let rs = self.replicasets.get_mut(key).expect("replica set exists");
        if (rs.status_replicas, rs.status_ready, rs.status_available) != (n, ready, ready) {
            rs.status_replicas = n;
            rs.status_ready = ready;
            rs.status_available = ready;
            self.changed(Kind::ReplicaSet, key);
        }
        if let Some(o) = self.replicasets[key].meta.owner.clone() {
            self.enqueue(0, (key.0.clone(), o.name), MS);
        }
    }

    pub(crate) fn create_endpoints(&mut self, key: &Key) {
        let meta = ObjectMeta {
            name: key.1.clone(),
            namespace: key.0.clone(),
            labels: self.services[key].meta.labels.clone(),
            ..ObjectMeta::default()
        };
        let meta = self.new_meta(meta);
        self.endpoints.insert(
            key.clone(),
            Endpoints {
                meta,
                addresses: vec![],
                ports: vec![],
            },
        );
        self.changed(Kind::Endpoints, key);
        self.enqueue(2, key.clone(), MS);
    }

    pub(crate) fn sync_endpoints(&mut self, key: &Key) {
        let Some(svc) = self.services.get(key) else {
            return;
        };
        if svc.selector.is_empty() {
            return;
        }
        let mut addresses = Vec::new();
        let mut ports = Vec::new();
        for (_, p) in self
            .pods
            .range((key.0.clone(), String::new())..)
            .take_while(|(k, _)| k.0 == key.0)
        {
            if !selector_matches(&svc.selector, &p.meta.labels)
                || p.status.pod_ip.is_empty()
                || p.meta.deletion.is_some()
            {
                continue;
            }
            addresses.push(EndpointAddress {
                ip: p.status.pod_ip.clone(),
                node: p.spec.node_name.clone(),
                pod: p.meta.name.clone(),
                pod_uid: p.meta.uid.clone(),
                ready: is_ready(p),
            });
            if ports.is_empty() {
                for sp in &svc.ports {
                    let port = match &sp.target_port {
                        PortRef::Int(i) => *i,
                        PortRef::Name(n) => p
                            .spec
                            .containers
                            .iter()
                            .flat_map(|c| c.ports.iter())
                            .find(|cp| &cp.name == n)
                            .map_or(0, |cp| cp.container_port),
                    };
                    ports.push((sp.name.clone(), port, sp.protocol.clone()));
                }
            }
        }
        addresses.sort_by_key(|a| ip_sort_key(&a.ip));
        let Some(ep) = self.endpoints.get_mut(key) else {
            return;
        };
        if ep.addresses != addresses || (!ports.is_empty() && ep.ports != ports) {
            ep.addresses = addresses;
            if !ports.is_empty() {
                ep.ports = ports;
            }
            ep.meta.resource_version = self.resource_version + 1;
            self.resource_version += 1;
            self.changed(Kind::Endpoints, key);
        }
    }

    /// Whether a Service in `ns` has at least one ready endpoint.
    pub fn service_has_ready_endpoints(&self, ns: &str, name: &str) -> bool {
        self.endpoints
            .get(&(ns.to_string(), name.to_string()))
            .is_some_and(|e| e.addresses.iter().any(|a| a.ready))
    }
}

/// Whether a pod's `Ready` condition is true.
pub fn is_ready(p: &Pod) -> bool {
    p.status.condition("Ready").is_some_and(|c| c.status)
}

fn ip_sort_key(ip: &str) -> Vec<u32> {
    ip.split('.').map(|x| x.parse().unwrap_or(0)).collect()
}

fn set_dcond(
    conds: &mut Vec<DeploymentCondition>,
    kind: &str,
    status: bool,
    reason: &str,
    message: &str,
    now: crate::time::Nanos,
) {
    if let Some(c) = conds.iter_mut().find(|c| c.kind == kind) {
        if c.status != status {
            c.last_transition = now;
        }
        if c.status != status || c.reason != reason || c.message != message {
            c.last_update = now;
        }
        c.status = status;
        c.reason = reason.into();
        c.message = message.into();
    } else {
        conds.push(DeploymentCondition {
            kind: kind.into(),
            status,
            reason: reason.into(),
            message: message.into(),
            last_update: now,
            last_transition: now,
        });
    }
}

/// The pod's QoS class from its containers' requests and limits.
pub fn qos_class(spec: &PodSpec) -> String {
    let all: Vec<&Container> = spec
        .init_containers
        .iter()
        .chain(spec.containers.iter())
        .collect();
    if all
        .iter()
        .all(|c| c.resources.requests.is_empty() && c.resources.limits.is_empty())
    {
        return "BestEffort".into();
    }
    let guaranteed = all.iter().all(|c| {
        ["cpu", "memory"].iter().all(|r| {
            let l = c.resources.limits.get(*r);
            l.is_some() && c.resources.requests.get(*r).is_none_or(|q| Some(q) == l)
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
    .into()
}
