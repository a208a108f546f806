//! `kubectl get` tables: the server-side columns for each resource and the
//! cells kubectl computes (pod READY/STATUS/RESTARTS per `printPod`).

use meshsim_cluster::time::{age, Nanos};
use meshsim_cluster::*;

/// The resources `kubectl get` knows in the simulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Pods,
    Deployments,
    ReplicaSets,
    Services,
    Namespaces,
    Endpoints,
    EndpointSlices,
    Events,
    Nodes,
    ConfigMaps,
}

impl Resource {
    /// Parse a resource name as kubectl accepts it (singular, plural, short, grouped).
    pub fn parse(s: &str) -> Option<Resource> {
        let s = s.to_ascii_lowercase();
        let base = s.split('.').next().unwrap_or("");
        let group = s.split_once('.').map(|x| x.1).unwrap_or("");
        let r = match base {
            "po" | "pod" | "pods" => Resource::Pods,
            "deploy" | "deployment" | "deployments" => Resource::Deployments,
            "rs" | "replicaset" | "replicasets" => Resource::ReplicaSets,
            "svc" | "service" | "services" => Resource::Services,
            "ns" | "namespace" | "namespaces" => Resource::Namespaces,
            "ep" | "endpoints" => Resource::Endpoints,
            "endpointslice" | "endpointslices" => Resource::EndpointSlices,
            "ev" | "event" | "events" => Resource::Events,
            "no" | "node" | "nodes" => Resource::Nodes,
            "cm" | "configmap" | "configmaps" => Resource::ConfigMaps,
            _ => return None,
        };
        let ok_group = match r {
            Resource::Deployments | Resource::ReplicaSets => {
                ["", "apps", "apps/v1", "v1.apps"].contains(&group)
            }
            Resource::EndpointSlices => {
                ["", "discovery.k8s.io", "v1.discovery.k8s.io"].contains(&group)
            }
            Resource::Events => ["", "events.k8s.io"].contains(&group),
            _ => group.is_empty(),
        };
        ok_group.then_some(r)
    }

    /// The cluster kind behind the resource.
    pub fn kind(self) -> Kind {
        match self {
            Resource::Pods => Kind::Pod,
            Resource::Deployments => Kind::Deployment,
            Resource::ReplicaSets => Kind::ReplicaSet,
            Resource::Services => Kind::Service,
            Resource::Namespaces => Kind::Namespace,
            Resource::Endpoints => Kind::Endpoints,
            Resource::EndpointSlices => Kind::EndpointSlice,
            Resource::Events => Kind::Event,
            Resource::Nodes => Kind::Node,
            Resource::ConfigMaps => Kind::ConfigMap,
        }
    }

    /// Whether the resource is namespaced.
    pub fn namespaced(self) -> bool {
        self.kind().namespaced()
    }

    /// Column headers (the wide-only ones after `narrow` columns).
    pub fn headers(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Resource::Pods => (
                &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
                &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
            ),
            Resource::Deployments => (
                &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
                &["CONTAINERS", "IMAGES", "SELECTOR"],
            ),
            Resource::ReplicaSets => (
                &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
                &["CONTAINERS", "IMAGES", "SELECTOR"],
            ),
            Resource::Services => (
                &[
                    "NAME",
                    "TYPE",
                    "CLUSTER-IP",
                    "EXTERNAL-IP",
                    "PORT(S)",
                    "AGE",
                ],
                &["SELECTOR"],
            ),
            Resource::Namespaces => (&["NAME", "STATUS", "AGE"], &[]),
            Resource::Endpoints => (&["NAME", "ENDPOINTS", "AGE"], &[]),
            Resource::EndpointSlices => {
                (&["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], &[])
            }
            Resource::Events => (&["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], &[]),
            Resource::Nodes => (
                &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
                &[
                    "INTERNAL-IP",
                    "EXTERNAL-IP",
                    "OS-IMAGE",
                    "KERNEL-VERSION",
                    "CONTAINER-RUNTIME",
                ],
            ),
            Resource::ConfigMaps => (&["NAME", "DATA", "AGE"], &[]),
        }
    }

    /// The singular name used in messages and `-o name` (`pod`, `deployment.apps`).
    pub fn singular(self) -> &'static str {
        self.kind().resource_ref()
    }

    /// The plural resource name (`pods`, `deployments.apps`) used in errors.
    pub fn plural(self) -> &'static str {
        self.kind().plural()
    }
}

/// READY, STATUS and RESTARTS of a pod, as `printPod` computes them.
pub fn pod_cells(p: &Pod, now: Nanos) -> (String, String, String) {
    let spec = &p.spec;
    let st = &p.status;
    let mut restarts: u32 = 0;
    let mut last_restart: Option<Nanos> = None;
    let sidecars = spec
        .init_containers
        .iter()
        .filter(|c| c.is_native_sidecar())
        .count();
    let total = spec.containers.len() + sidecars;
    let mut ready = 0;
    let mut reason = if st.reason.is_empty() {
        st.phase.clone()
    } else {
        st.reason.clone()
    };
    let note_restart = |cs: &ContainerStatus, restarts: &mut u32, last: &mut Option<Nanos>| {
        *restarts += cs.restart_count;
        if let Some(t) = &cs.last_state {
            if last.is_none_or(|l| t.finished > l) {
                *last = Some(t.finished);
            }
        }
    };
    let initialized_cond = st.condition("Initialized").is_some_and(|c| c.status);
    let mut initializing = false;
    for (i, cs) in st.init_statuses.iter().enumerate() {
        note_restart(cs, &mut restarts, &mut last_restart);
        let sidecar = spec
            .init_containers
            .get(i)
            .is_some_and(|c| c.is_native_sidecar());
        if let ContainerState::Terminated(t) = &cs.state {
            if t.exit_code == 0 {
                continue;
            }
        }
        if sidecar && cs.started {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        match &cs.state {
            ContainerState::Terminated(t) => {
                reason = if t.reason.is_empty() {
                    format!("Init:ExitCode:{}", t.exit_code)
                } else {
                    format!("Init:{}", t.reason)
                };
            }
            ContainerState::Waiting { reason: r, .. }
                if !r.is_empty() && r != "PodInitializing" =>
            {
                reason = format!("Init:{r}");
            }
            _ => {
                reason = format!("Init:{}/{}", i, spec.init_containers.len());
            }
        }
        initializing = true;
        break;
    }
    if !initializing || initialized_cond {
        restarts = 0;
        last_restart = None;
        for (i, cs) in st.init_statuses.iter().enumerate() {
            if spec
                .init_containers
                .get(i)
                .is_some_and(|c| c.is_native_sidecar())
            {
                note_restart(cs, &mut restarts, &mut last_restart);
            }
        }
        let mut has_running = false;
        for cs in st.statuses.iter().rev() {
            note_restart(cs, &mut restarts, &mut last_restart);
            match &cs.state {
                ContainerState::Waiting { reason: r, .. } if !r.is_empty() => reason = r.clone(),
                ContainerState::Terminated(t) => {
                    reason = if !t.reason.is_empty() {
                        t.reason.clone()
                    } else {
                        format!("ExitCode:{}", t.exit_code)
                    };
                }
                ContainerState::Running { .. } => {
                    has_running = true;
                    if cs.ready {
                        ready += 1;
                    }
                }
                _ => {}
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = st.condition("Ready").is_some_and(|c| c.status);
            reason = if pod_ready {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    if p.meta.deletion.is_some() && st.phase != "Succeeded" && st.phase != "Failed" {
        reason = "Terminating".into();
    }
    let restarts_cell = match (restarts, last_restart) {
        (n, Some(t)) if n > 0 => format!("{n} ({} ago)", age(now, t)),
        (n, _) => n.to_string(),
    };
    (format!("{ready}/{total}"), reason, restarts_cell)
}

/// A pod's table row.
pub fn pod_row(p: &Pod, now: Nanos, wide: bool) -> Vec<String> {
    let (ready, status, restarts) = pod_cells(p, now);
    let mut row = vec![
        p.meta.name.clone(),
        ready,
        status,
        restarts,
        age(now, p.meta.creation),
    ];
    if wide {
        row.push(if p.status.pod_ip.is_empty() {
            "<none>".into()
        } else {
            p.status.pod_ip.clone()
        });
        row.push(if p.spec.node_name.is_empty() {
            "<none>".into()
        } else {
            p.spec.node_name.clone()
        });
        row.push("<none>".into());
        row.push("<none>".into());
    }
    row
}

fn selector_text(sel: &StringMap) -> String {
    if sel.is_empty() {
        return "<none>".into();
    }
    sel.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A deployment's table row.
pub fn deployment_row(d: &Deployment, now: Nanos, wide: bool) -> Vec<String> {
    let mut row = vec![
        d.meta.name.clone(),
        format!("{}/{}", d.status.ready, d.replicas),
        d.status.updated.to_string(),
        d.status.available.to_string(),
        age(now, d.meta.creation),
    ];
    if wide {
        row.extend(wide_template_columns(&d.template));
        row.push(selector_text(&d.selector));
    }
    row
}

/// The CONTAINERS and IMAGES columns of `-o wide` for a pod template.
fn wide_template_columns(t: &meshsim_cluster::PodTemplate) -> [String; 2] {
    let join = |f: fn(&meshsim_cluster::Container) -> &str| t.spec.containers.iter().map(f).collect::<Vec<_>>().join(",");
    [join(|c| c.name.as_str()), join(|c| c.image.as_str())]
}

/// A replica set's table row.
pub fn replicaset_row(r: &ReplicaSet, now: Nanos, wide: bool) -> Vec<String> {
    let mut row = vec![
        r.meta.name.clone(),
        r.replicas.to_string(),
        r.status_replicas.to_string(),
        r.status_ready.to_string(),
        age(now, r.meta.creation),
    ];
    if wide {
        row.extend(wide_template_columns(&r.template));
        row.push(selector_text(&r.selector));
    }
    row
}

/// PORT(S) of a Service: `80/TCP`, or `8080:31771/TCP` with a node port.
pub fn service_ports(s: &Service) -> String {
    if s.ports.is_empty() {
        return "<none>".into();
    }
    s.ports
        .iter()
        .map(|p| match p.node_port {
            Some(n) => format!("{}:{n}/{}", p.port, p.protocol),
            None => format!("{}/{}", p.port, p.protocol),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A service's table row.
pub fn service_row(s: &Service, now: Nanos, wide: bool) -> Vec<String> {
    let external = if !s.external_ips.is_empty() {
        s.external_ips.join(",")
    } else if s.kind == "LoadBalancer" {
        "<pending>".into()
    } else {
        "<none>".into()
    };
    let mut row = vec![
        s.meta.name.clone(),
        s.kind.clone(),
        s.cluster_ip.clone(),
        external,
        service_ports(s),
        age(now, s.meta.creation),
    ];
    if wide {
        row.push(selector_text(&s.selector));
    }
    row
}

/// ENDPOINTS of an Endpoints object: up to three `ip:port`, then `+ N more...`.
pub fn endpoints_text(e: &Endpoints) -> String {
    let mut list = Vec::new();
    for a in e.ready() {
        if e.ports.is_empty() {
            list.push(a.ip.clone());
        }
        for (_, port, _) in &e.ports {
            list.push(format!("{}:{port}", a.ip));
        }
    }
    if list.is_empty() {
        return "<none>".into();
    }
    if list.len() > 3 {
        format!("{} + {} more...", list[..3].join(","), list.len() - 3)
    } else {
        list.join(",")
    }
}

/// An event's table row.
pub fn event_row(e: &Event, now: Nanos) -> Vec<String> {
    vec![
        age(now, e.last),
        e.kind.clone(),
        e.reason.clone(),
        format!(
            "{}/{}",
            e.object_kind.name().to_ascii_lowercase(),
            e.object_name
        ),
        e.message.clone(),
    ]
}

/// A namespace's table row.
pub fn namespace_row(n: &Namespace, now: Nanos) -> Vec<String> {
    vec![
        n.meta.name.clone(),
        if n.terminating {
            "Terminating"
        } else {
            "Active"
        }
        .into(),
        age(now, n.meta.creation),
    ]
}

/// A node's table row.
pub fn node_row(n: &Node, now: Nanos, wide: bool) -> Vec<String> {
    let mut row = vec![
        n.meta.name.clone(),
        "Ready".into(),
        n.role.clone(),
        age(now, n.meta.creation),
        n.kubelet_version.clone(),
    ];
    if wide {
        row.extend([
            n.internal_ip.clone(),
            "<none>".into(),
            n.os_image.clone(),
            n.kernel.clone(),
            n.runtime.clone(),
        ]);
    }
    row
}
