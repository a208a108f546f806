//! `kubectl describe` for pods, deployments, services and namespaces, laid out
//! as `pkg/describe/describe.go` writes them through Go's tabwriter.

use meshsim_cluster::time::{age, rfc1123z, Nanos};
use meshsim_cluster::*;

use crate::tabwriter::GoTabWriter;

const MAX_ANNOTATION_LEN: usize = 140;

struct W {
    tw: GoTabWriter,
    out: String,
}

impl W {
    fn new() -> Self {
        W {
            tw: GoTabWriter::describe(),
            out: String::new(),
        }
    }
    fn w(&mut self, level: usize, s: &str) {
        for _ in 0..level {
            self.tw.write("  ");
        }
        self.tw.write(s);
    }
    fn flush(&mut self) {
        let s = self.tw.flush();
        self.out.push_str(&s);
    }
    fn done(mut self) -> String {
        self.flush();
        self.out
    }
}

fn labels_multiline(w: &mut W, title: &str, m: &StringMap) {
    w.w(0, &format!("{title}:\t"));
    if m.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    for (i, (k, v)) in m.iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        w.w(0, &format!("{k}={v}\n"));
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &s[..cut])
    } else {
        s.to_string()
    }
}

fn annotations_multiline(w: &mut W, title: &str, m: &StringMap) {
    w.w(0, &format!("{title}:\t"));
    let shown: Vec<(&String, &String)> = m
        .iter()
        .filter(|(k, _)| k.as_str() != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if shown.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    for (i, (k, v)) in shown.iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        let value = v.trim_end_matches('\n');
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.w(0, &format!("{k}:\n"));
            for line in value.split('\n') {
                w.w(
                    0,
                    &format!("\t  {}\n", shorten(line, MAX_ANNOTATION_LEN - 2)),
                );
            }
        } else {
            w.w(0, &format!("{k}: {value}\n"));
        }
    }
}

fn tolerations_multiline(w: &mut W, title: &str, ts: &[Toleration]) {
    w.w(0, &format!("{title}:\t"));
    if ts.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    for (i, t) in ts.iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        let mut s = t.key.clone();
        if !t.value.is_empty() {
            s.push_str(&format!("={}", t.value));
        }
        if !t.effect.is_empty() {
            s.push_str(&format!(":{}", t.effect));
        }
        if t.operator == "Exists" && t.value.is_empty() {
            s.push_str(" op=Exists");
        }
        if let Some(sec) = t.seconds {
            s.push_str(&format!(" for {sec}s"));
        }
        w.w(0, &format!("{s}\n"));
    }
}

/// A probe as describe prints it: `http-get http://:8080/health delay=0s timeout=1s period=10s #success=1 #failure=3`.
pub fn describe_probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay, p.timeout, p.period, p.success, p.failure
    );
    match &p.action {
        ProbeAction::Exec { command } => format!("exec [{}] {attrs}", command.join(" ")),
        ProbeAction::HttpGet {
            path,
            port,
            scheme,
            host,
        } => {
            format!(
                "http-get {}://{host}:{port}{path} {attrs}",
                scheme.to_lowercase()
            )
        }
        ProbeAction::TcpSocket { port } => format!("tcp-socket :{port} {attrs}"),
        ProbeAction::Grpc { port } => format!("grpc <pod>:{port}  {attrs}"),
    }
}

fn ports_text(c: &Container, host: bool) -> String {
    c.ports
        .iter()
        .map(|p| {
            let n = if host { 0 } else { p.container_port };
            if p.name.is_empty() {
                format!("{n}/{}", p.protocol)
            } else {
                format!("{n}/{} ({})", p.protocol, p.name)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn or_none(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

fn resource_value(c: &Container, resource: &str, divisor: &str) -> String {
    let (which, name) = resource.split_once('.').unwrap_or(("limits", resource));
    let map = if which == "limits" {
        &c.resources.limits
    } else {
        &c.resources.requests
    };
    let Some(q) = map.get(name) else {
        return "0".into();
    };
    if name == "cpu" {
        let d = if divisor.is_empty() {
            1000
        } else {
            cpu_milli(divisor).max(1)
        };
        let v = cpu_milli(q);
        ((v + d - 1) / d).to_string()
    } else {
        let d = if divisor.is_empty() {
            1
        } else {
            memory_bytes(divisor).max(1)
        };
        ((memory_bytes(q) + d - 1) / d).to_string()
    }
}

fn state_lines(w: &mut W, title: &str, s: &ContainerState) {
    match s {
        ContainerState::Running { started } => {
            w.w(2, &format!("{title}:\tRunning\n"));
            w.w(3, &format!("Started:\t{}\n", rfc1123z(*started)));
        }
        ContainerState::Waiting { reason, .. } => {
            w.w(2, &format!("{title}:\tWaiting\n"));
            if !reason.is_empty() {
                w.w(3, &format!("Reason:\t{reason}\n"));
            }
        }
        ContainerState::Terminated(t) => terminated_lines(w, title, t),
    }
}

fn terminated_lines(w: &mut W, title: &str, t: &Terminated) {
    w.w(2, &format!("{title}:\tTerminated\n"));
    if !t.reason.is_empty() {
        w.w(3, &format!("Reason:\t{}\n", t.reason));
    }
    w.w(3, &format!("Exit Code:\t{}\n", t.exit_code));
    w.w(3, &format!("Started:\t{}\n", rfc1123z(t.started)));
    w.w(3, &format!("Finished:\t{}\n", rfc1123z(t.finished)));
}

fn containers(
    w: &mut W,
    label: &str,
    cs: &[Container],
    statuses: &[ContainerStatus],
    pod: Option<&Pod>,
    space: &str,
) {
    w.w(0, &format!("{space}{label}:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in cs {
        let st = statuses.iter().find(|s| s.name == c.name);
        w.w(1, &format!("{name_indent}{}:\n", c.name));
        if let Some(st) = st {
            w.w(2, &format!("Container ID:\t{}\n", st.container_id));
        }
        w.w(2, &format!("Image:\t{}\n", c.image));
        if let Some(st) = st {
            w.w(
                2,
                &format!(
                    "Image ID:\t{}\n",
                    if st.container_id.is_empty() {
                        ""
                    } else {
                        &st.image_id
                    }
                ),
            );
        }
        let ports = ports_text(c, false);
        if ports.contains(',') {
            w.w(2, &format!("Ports:\t{ports}\n"));
        } else {
            w.w(2, &format!("Port:\t{}\n", or_none(ports)));
        }
        let hports = ports_text(c, true);
        if hports.contains(',') {
            w.w(2, &format!("Host Ports:\t{hports}\n"));
        } else {
            w.w(2, &format!("Host Port:\t{}\n", or_none(hports)));
        }
        if !c.command.is_empty() {
            w.w(2, "Command:\n");
            for x in &c.command {
                for line in x.split('\n') {
                    w.w(3, &format!("{line}\n"));
                }
            }
        }
        if !c.args.is_empty() {
            w.w(2, "Args:\n");
            for x in &c.args {
                for line in x.split('\n') {
                    w.w(3, &format!("{line}\n"));
                }
            }
        }
        if let Some(st) = st {
            state_lines(w, "State", &st.state);
            if let Some(t) = &st.last_state {
                terminated_lines(w, "Last State", t);
            }
            w.w(
                2,
                &format!("Ready:\t{}\n", if st.ready { "True" } else { "False" }),
            );
            w.w(2, &format!("Restart Count:\t{}\n", st.restart_count));
        }
        if !c.resources.limits.is_empty() {
            w.w(2, "Limits:\n");
            for (k, v) in &c.resources.limits {
                w.w(3, &format!("{k}:\t{v}\n"));
            }
        }
        if !c.resources.requests.is_empty() {
            w.w(2, "Requests:\n");
            for (k, v) in &c.resources.requests {
                w.w(3, &format!("{k}:\t{v}\n"));
            }
        }
        if let Some(p) = &c.liveness {
            w.w(2, &format!("Liveness:\t{}\n", describe_probe(p)));
        }
        if let Some(p) = &c.readiness {
            w.w(2, &format!("Readiness:\t{}\n", describe_probe(p)));
        }
        if let Some(p) = &c.startup {
            w.w(2, &format!("Startup:\t{}\n", describe_probe(p)));
        }
        w.w(
            2,
            &format!(
                "Environment:{}\n",
                if c.env.is_empty() { "\t<none>" } else { "" }
            ),
        );
        for e in &c.env {
            match &e.from {
                None => {
                    for (i, line) in e.value.clone().unwrap_or_default().split('\n').enumerate() {
                        if i == 0 {
                            w.w(3, &format!("{}:\t{line}\n", e.name));
                        } else {
                            w.w(3, &format!("\t{line}\n"));
                        }
                    }
                }
                Some(EnvSource::Field { api_version, path }) => {
                    let v = match (pod, path.as_str()) {
                        (Some(p), "metadata.name") => p.meta.name.clone(),
                        (Some(p), "metadata.namespace") => p.meta.namespace.clone(),
                        (Some(p), "metadata.uid") => p.meta.uid.clone(),
                        _ => String::new(),
                    };
                    w.w(3, &format!("{}:\t{v} ({api_version}:{path})\n", e.name));
                }
                Some(EnvSource::Resource { resource, divisor }) => {
                    let mut v = resource_value(c, resource, divisor);
                    if v == "0" && (resource == "limits.cpu" || resource == "limits.memory") {
                        v = "node allocatable".into();
                    }
                    w.w(3, &format!("{}:\t{v} ({resource})\n", e.name));
                }
                Some(EnvSource::SecretKey { name, key }) => {
                    w.w(
                        3,
                        &format!(
                            "{}:\t<set to the key '{key}' in secret '{name}'>\tOptional: false\n",
                            e.name
                        ),
                    );
                }
                Some(EnvSource::ConfigMapKey { name, key }) => {
                    w.w(3, &format!("{}:\t<set to the key '{key}' of config map '{name}'>\tOptional: false\n", e.name));
                }
            }
        }
        let mut mounts = c.volume_mounts.clone();
        mounts.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
        w.w(
            2,
            &format!(
                "Mounts:{}\n",
                if mounts.is_empty() { "\t<none>" } else { "" }
            ),
        );
        for m in mounts {
            w.w(
                3,
                &format!(
                    "{} from {} ({})\n",
                    m.mount_path,
                    m.name,
                    if m.read_only { "ro" } else { "rw" }
                ),
            );
        }
    }
}

fn volumes(w: &mut W, vs: &[Volume], space: &str) {
    if vs.is_empty() {
        w.w(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.w(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in vs {
        w.w(1, &format!("{name_indent}{}:\n", v.name));
        match &v.source {
            VolumeSource::EmptyDir { medium, size_limit } => {
                w.w(2, &format!("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{medium}\n"));
                w.w(
                    2,
                    &format!(
                        "SizeLimit:\t{}\n",
                        size_limit.clone().unwrap_or_else(|| "<unset>".into())
                    ),
                );
            }
            VolumeSource::ConfigMap { name, optional } => {
                w.w(2, &format!("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{name}\n    Optional:\t{optional}\n"));
            }
            VolumeSource::Secret { name, optional } => {
                w.w(2, &format!("Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{name}\n    Optional:\t{optional}\n"));
            }
            VolumeSource::DownwardApi { items } => {
                w.w(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
                for (field, path) in items {
                    w.w(3, &format!("{field} -> {path}\n"));
                }
            }
            VolumeSource::Projected {
                token_expiration,
                config_map,
                downward_api,
            } => {
                w.w(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
                if let Some(t) = token_expiration {
                    w.w(2, &format!("TokenExpirationSeconds:\t{t}\n"));
                }
                if let Some(c) = config_map {
                    w.w(2, &format!("ConfigMapName:\t{c}\n    Optional:\tfalse\n"));
                }
                if *downward_api {
                    w.w(2, "DownwardAPI:\ttrue\n");
                }
            }
            VolumeSource::Other { kind, .. } => {
                if kind == "persistentVolumeClaim" {
                    w.w(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n");
                } else {
                    w.w(2, &format!("Type:\t<unknown> ({kind})\n"));
                }
            }
        }
    }
}

fn events(w: &mut W, evs: &[&Event], now: Nanos) {
    if evs.is_empty() {
        w.w(0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    w.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.w(1, "----\t------\t----\t----\t-------\n");
    for e in evs {
        let interval = if e.count > 1 {
            format!(
                "{} (x{} over {})",
                age(now, e.last),
                e.count,
                age(now, e.first)
            )
        } else {
            age(now, e.first)
        };
        w.w(
            1,
            &format!(
                "{}\t{}\t{interval}\t{}\t{}\n",
                e.kind,
                e.reason,
                e.source,
                e.message.trim()
            ),
        );
    }
}

/// `kubectl describe pod`.
pub fn pod(c: &Cluster, p: &Pod) -> String {
    let now = c.now();
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", p.meta.name));
    w.w(0, &format!("Namespace:\t{}\n", p.meta.namespace));
    w.w(0, "Priority:\t0\n");
    w.w(
        0,
        &format!("Service Account:\t{}\n", p.spec.service_account),
    );
    if p.spec.node_name.is_empty() {
        w.w(0, "Node:\t<none>\n");
    } else {
        w.w(
            0,
            &format!("Node:\t{}/{}\n", p.spec.node_name, p.status.host_ip),
        );
    }
    if let Some(t) = p.status.start_time {
        w.w(0, &format!("Start Time:\t{}\n", rfc1123z(t)));
    }
    labels_multiline(&mut w, "Labels", &p.meta.labels);
    annotations_multiline(&mut w, "Annotations", &p.meta.annotations);
    if let Some(d) = p.meta.deletion {
        w.w(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                meshsim_cluster::time::human_duration(d.saturating_sub(now))
            ),
        );
        w.w(
            0,
            &format!("Termination Grace Period:\t{}s\n", p.spec.termination_grace),
        );
    } else {
        w.w(0, &format!("Status:\t{}\n", p.status.phase));
    }
    if !p.status.reason.is_empty() {
        w.w(0, &format!("Reason:\t{}\n", p.status.reason));
    }
    if !p.status.message.is_empty() {
        w.w(0, &format!("Message:\t{}\n", p.status.message));
    }
    w.w(0, &format!("IP:\t{}\n", p.status.pod_ip));
    if p.status.pod_ip.is_empty() {
        w.w(0, "IPs:\t<none>\n");
    } else {
        w.w(0, "IPs:\n");
        w.w(1, &format!("IP:\t{}\n", p.status.pod_ip));
    }
    if let Some(o) = &p.meta.owner {
        w.w(
            0,
            &format!("Controlled By:\t{}/{}\n", o.kind.name(), o.name),
        );
    }
    if !p.spec.init_containers.is_empty() {
        containers(
            &mut w,
            "Init Containers",
            &p.spec.init_containers,
            &p.status.init_statuses,
            Some(p),
            "",
        );
    }
    containers(
        &mut w,
        "Containers",
        &p.spec.containers,
        &p.status.statuses,
        Some(p),
        "",
    );
    if !p.status.conditions.is_empty() {
        w.w(0, "Conditions:\n  Type\tStatus\n");
        for cond in &p.status.conditions {
            w.w(
                1,
                &format!(
                    "{} \t{} \n",
                    cond.kind,
                    if cond.status { "True" } else { "False" }
                ),
            );
        }
    }
    volumes(&mut w, &p.spec.volumes, "");
    w.w(0, &format!("QoS Class:\t{}\n", p.status.qos));
    labels_multiline(&mut w, "Node-Selectors", &p.spec.node_selector);
    tolerations_multiline(&mut w, "Tolerations", &p.spec.tolerations);
    let evs = c.events_for(&p.meta.uid);
    events(&mut w, &evs, now);
    w.done()
}

fn pod_template(w: &mut W, t: &PodTemplate) {
    w.w(0, "Pod Template:\n");
    labels_multiline(w, "  Labels", &t.labels);
    if !t.annotations.is_empty() {
        annotations_multiline(w, "  Annotations", &t.annotations);
    }
    if !t.spec.init_containers.is_empty() {
        containers(
            w,
            "Init Containers",
            &t.spec.init_containers,
            &[],
            None,
            "  ",
        );
    }
    containers(w, "Containers", &t.spec.containers, &[], None, "  ");
    volumes(w, &t.spec.volumes, "  ");
    labels_multiline(w, "  Node-Selectors", &t.spec.node_selector);
    tolerations_multiline(w, "  Tolerations", &t.spec.tolerations);
}

/// `kubectl describe deployment`.
pub fn deployment(c: &Cluster, d: &Deployment) -> String {
    let now = c.now();
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", d.meta.name));
    w.w(0, &format!("Namespace:\t{}\n", d.meta.namespace));
    w.w(
        0,
        &format!("CreationTimestamp:\t{}\n", rfc1123z(d.meta.creation)),
    );
    labels_multiline(&mut w, "Labels", &d.meta.labels);
    annotations_multiline(&mut w, "Annotations", &d.meta.annotations);
    let sel: Vec<String> = d.selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
    w.w(0, &format!("Selector:\t{}\n", sel.join(",")));
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            d.replicas,
            d.status.updated,
            d.status.replicas,
            d.status.available,
            d.status.unavailable
        ),
    );
    w.w(0, &format!("StrategyType:\t{}\n", d.strategy.kind));
    w.w(0, &format!("MinReadySeconds:\t{}\n", d.min_ready_seconds));
    if d.strategy.kind == "RollingUpdate" {
        w.w(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                d.strategy.max_unavailable, d.strategy.max_surge
            ),
        );
    }
    pod_template(&mut w, &d.template);
    if !d.status.conditions.is_empty() {
        w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
        w.w(1, "----\t------\t------\n");
        for cond in &d.status.conditions {
            w.w(
                1,
                &format!(
                    "{} \t{}\t{}\n",
                    cond.kind,
                    if cond.status { "True" } else { "False" },
                    cond.reason
                ),
            );
        }
    }
    let rss: Vec<&ReplicaSet> = c
        .replica_sets()
        .filter(|r| r.meta.owner.as_ref().is_some_and(|o| o.uid == d.meta.uid))
        .collect();
    let hash = meshsim_cluster::controller::template_hash(&d.template);
    let fmt_rs = |v: Vec<&&ReplicaSet>| {
        if v.is_empty() {
            "<none>".to_string()
        } else {
            v.iter()
                .map(|r| {
                    format!(
                        "{} ({}/{} replicas created)",
                        r.meta.name, r.status_replicas, r.replicas
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let old: Vec<&&ReplicaSet> = rss
        .iter()
        .filter(|r| r.template_hash != hash && r.replicas > 0)
        .collect();
    let new: Vec<&&ReplicaSet> = rss.iter().filter(|r| r.template_hash == hash).collect();
    w.w(0, &format!("OldReplicaSets:\t{}\n", fmt_rs(old)));
    w.w(0, &format!("NewReplicaSet:\t{}\n", fmt_rs(new)));
    let evs = c.events_for(&d.meta.uid);
    events(&mut w, &evs, now);
    w.done()
}

/// `kubectl describe service`.
pub fn service(c: &Cluster, s: &Service) -> String {
    let now = c.now();
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", s.meta.name));
    w.w(0, &format!("Namespace:\t{}\n", s.meta.namespace));
    labels_multiline(&mut w, "Labels", &s.meta.labels);
    annotations_multiline(&mut w, "Annotations", &s.meta.annotations);
    let sel: Vec<String> = s.selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            if sel.is_empty() {
                "<none>".into()
            } else {
                sel.join(",")
            }
        ),
    );
    w.w(0, &format!("Type:\t{}\n", s.kind));
    w.w(0, "IP Family Policy:\tSingleStack\n");
    w.w(0, "IP Families:\tIPv4\n");
    w.w(0, &format!("IP:\t{}\n", s.cluster_ip));
    w.w(0, &format!("IPs:\t{}\n", s.cluster_ip));
    if !s.external_ips.is_empty() {
        let list: Vec<String> = s
            .external_ips
            .iter()
            .map(|ip| format!("{ip} (VIP)"))
            .collect();
        w.w(0, &format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    let ep = c
        .endpoints()
        .find(|e| e.meta.namespace == s.meta.namespace && e.meta.name == s.meta.name);
    for p in &s.ports {
        let name = if p.name.is_empty() {
            "<unset>".to_string()
        } else {
            p.name.clone()
        };
        w.w(0, &format!("Port:\t{name}\t{}/{}\n", p.port, p.protocol));
        w.w(
            0,
            &format!("TargetPort:\t{}/{}\n", p.target_port, p.protocol),
        );
        if let Some(n) = p.node_port {
            w.w(0, &format!("NodePort:\t{name}\t{n}/{}\n", p.protocol));
        }
        let list = match ep {
            None => "<none>".to_string(),
            Some(e) => {
                let port = e.ports.iter().find(|(n, _, _)| *n == p.name).map(|x| x.1);
                let all: Vec<String> = e
                    .ready()
                    .map(|a| match port {
                        Some(pt) => format!("{}:{pt}", a.ip),
                        None => a.ip.clone(),
                    })
                    .collect();
                let count = e.addresses.len();
                if all.len() > 3 {
                    format!("{} + {} more...", all[..3].join(","), count - 3)
                } else {
                    all.join(",")
                }
            }
        };
        w.w(0, &format!("Endpoints:\t{list}\n"));
    }
    w.w(0, &format!("Session Affinity:\t{}\n", s.session_affinity));
    if !s.external_traffic_policy.is_empty() {
        w.w(
            0,
            &format!("External Traffic Policy:\t{}\n", s.external_traffic_policy),
        );
    }
    w.w(
        0,
        &format!("Internal Traffic Policy:\t{}\n", s.internal_traffic_policy),
    );
    let evs = c.events_for(&s.meta.uid);
    events(&mut w, &evs, now);
    w.done()
}

/// `kubectl describe namespace`.
pub fn namespace(n: &Namespace) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", n.meta.name));
    labels_multiline(&mut w, "Labels", &n.meta.labels);
    annotations_multiline(&mut w, "Annotations", &n.meta.annotations);
    w.w(
        0,
        &format!(
            "Status:\t{}\n",
            if n.terminating {
                "Terminating"
            } else {
                "Active"
            }
        ),
    );
    w.w(0, "\n");
    w.w(0, "No resource quota.\n");
    w.w(0, "\n");
    w.w(0, "No LimitRange resource.\n");
    w.done()
}

/// `kubectl describe replicaset`.
pub fn replica_set(c: &Cluster, r: &ReplicaSet) -> String {
    let now = c.now();
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", r.meta.name));
    w.w(0, &format!("Namespace:\t{}\n", r.meta.namespace));
    let sel: Vec<String> = r.selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
    w.w(0, &format!("Selector:\t{}\n", sel.join(",")));
    labels_multiline(&mut w, "Labels", &r.meta.labels);
    annotations_multiline(&mut w, "Annotations", &r.meta.annotations);
    if let Some(o) = &r.meta.owner {
        w.w(
            0,
            &format!("Controlled By:\t{}/{}\n", o.kind.name(), o.name),
        );
    }
    w.w(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            r.status_replicas, r.replicas
        ),
    );
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for p in c
        .pods()
        .filter(|p| p.meta.owner.as_ref().is_some_and(|o| o.uid == r.meta.uid))
    {
        match p.status.phase.as_str() {
            "Running" => running += 1,
            "Succeeded" => succeeded += 1,
            "Failed" => failed += 1,
            _ => waiting += 1,
        }
    }
    w.w(0, &format!("Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"));
    pod_template(&mut w, &r.template);
    let evs = c.events_for(&r.meta.uid);
    events(&mut w, &evs, now);
    w.done()
}

/// `kubectl describe configmap`.
pub fn config_map(c: &Cluster, m: &ConfigMap) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", m.meta.name));
    w.w(0, &format!("Namespace:\t{}\n", m.meta.namespace));
    labels_multiline(&mut w, "Labels", &m.meta.labels);
    annotations_multiline(&mut w, "Annotations", &m.meta.annotations);
    w.w(0, "\nData\n====\n");
    for (k, v) in &m.data {
        w.w(0, &format!("{k}:\n----\n{v}\n"));
    }
    w.w(0, "\nBinaryData\n====\n");
    w.w(0, "\n");
    let evs = c.events_for(&m.meta.uid);
    events(&mut w, &evs, c.now());
    w.done()
}

/// A CPU quantity in millicores as Kubernetes prints it (`1750m`, `2`, `0`).
fn cpu_text(m: i64) -> String {
    if m % 1000 == 0 {
        (m / 1000).to_string()
    } else {
        format!("{m}m")
    }
}

/// A memory quantity in bytes in its canonical binary form (`384Mi`, `1Gi`, `0`).
fn memory_text(b: i64) -> String {
    if b == 0 {
        return "0".into();
    }
    for (suffix, unit) in [
        ("Ti", 1i64 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ] {
        if b % unit == 0 {
            return format!("{}{suffix}", b / unit);
        }
    }
    b.to_string()
}

fn pct(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        0
    } else {
        (part as f64 / whole as f64 * 100.0) as i64
    }
}

fn pod_limits(spec: &PodSpec) -> (i64, i64) {
    spec.containers.iter().fold((0, 0), |(c, m), x| {
        (
            c + x.resources.limits.get("cpu").map_or(0, |q| cpu_milli(q)),
            m + x
                .resources
                .limits
                .get("memory")
                .map_or(0, |q| memory_bytes(q)),
        )
    })
}

/// `kubectl describe node`.
pub fn node(c: &Cluster, n: &Node) -> String {
    let now = c.now();
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", n.meta.name));
    w.w(0, &format!("Roles:\t{}\n", n.role));
    labels_multiline(&mut w, "Labels", &n.meta.labels);
    let mut ann = StringMap::new();
    ann.insert("node.alpha.kubernetes.io/ttl".into(), "0".into());
    ann.insert(
        "volumes.kubernetes.io/controller-managed-attach-detach".into(),
        "true".into(),
    );
    annotations_multiline(&mut w, "Annotations", &ann);
    w.w(
        0,
        &format!("CreationTimestamp:\t{}\n", rfc1123z(n.meta.creation)),
    );
    w.w(0, "Taints:\t<none>\n");
    w.w(0, "Unschedulable:\tfalse\n");
    w.w(0, "Lease:\n");
    w.w(1, &format!("HolderIdentity:\t{}\n", n.meta.name));
    w.w(1, "AcquireTime:\t<unset>\n");
    let heartbeat = now - now % (10 * meshsim_cluster::time::SEC);
    w.w(1, &format!("RenewTime:\t{}\n", rfc1123z(heartbeat)));
    w.w(
        0,
        "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
    );
    w.w(
        1,
        "----\t------\t-----------------\t------------------\t------\t-------\n",
    );
    let beat = rfc1123z(now - now % (60 * meshsim_cluster::time::SEC));
    let since = rfc1123z(n.meta.creation + 20 * meshsim_cluster::time::SEC);
    for (t, s, reason, msg) in [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ] {
        w.w(
            1,
            &format!("{t} \t{s} \t{beat} \t{since} \t{reason} \t{msg}\n"),
        );
    }
    w.w(0, "Addresses:\n");
    w.w(1, &format!("InternalIP:\t{}\n", n.internal_ip));
    w.w(1, &format!("Hostname:\t{}\n", n.meta.name));
    let capacity_cpu = (n.cpu_milli + 999) / 1000 * 1000;
    let capacity_mem = n.memory + (2 << 30);
    w.w(0, "Capacity:\n");
    w.w(0, &format!("  cpu:\t{}\n", cpu_text(capacity_cpu)));
    w.w(0, "  ephemeral-storage:\t101430960Ki\n");
    w.w(0, "  hugepages-1Gi:\t0\n");
    w.w(0, "  hugepages-2Mi:\t0\n");
    w.w(0, &format!("  memory:\t{}Ki\n", capacity_mem / 1024));
    w.w(0, &format!("  pods:\t{}\n", n.max_pods));
    w.w(0, "Allocatable:\n");
    w.w(0, &format!("  cpu:\t{}\n", cpu_text(n.cpu_milli)));
    w.w(0, "  ephemeral-storage:\t93478772582\n");
    w.w(0, "  hugepages-1Gi:\t0\n");
    w.w(0, "  hugepages-2Mi:\t0\n");
    w.w(0, &format!("  memory:\t{}Ki\n", n.memory / 1024));
    w.w(0, &format!("  pods:\t{}\n", n.max_pods));
    let id = meshsim_cluster::rng::digest_hex(&n.meta.name, 32);
    w.w(0, "System Info:\n");
    w.w(0, &format!("  Machine ID:\t{id}\n"));
    w.w(
        0,
        &format!(
            "  System UUID:\t{}-{}-{}-{}-{}\n",
            &id[0..8],
            &id[8..12],
            &id[12..16],
            &id[16..20],
            &id[20..32]
        ),
    );
    let boot = meshsim_cluster::rng::digest_hex(&format!("{}/boot", n.meta.name), 32);
    w.w(
        0,
        &format!(
            "  Boot ID:\t{}-{}-{}-{}-{}\n",
            &boot[0..8],
            &boot[8..12],
            &boot[12..16],
            &boot[16..20],
            &boot[20..32]
        ),
    );
    w.w(0, &format!("  Kernel Version:\t{}\n", n.kernel));
    w.w(0, &format!("  OS Image:\t{}\n", n.os_image));
    w.w(0, "  Operating System:\tlinux\n");
    w.w(0, "  Architecture:\tamd64\n");
    w.w(0, &format!("  Container Runtime Version:\t{}\n", n.runtime));
    w.w(0, &format!("  Kubelet Version:\t{}\n", n.kubelet_version));
    w.w(0, "  Kube-Proxy Version:\t\n");
    w.w(0, &format!("PodCIDR:\t{}.0/24\n", n.pod_cidr_prefix));
    w.w(0, &format!("PodCIDRs:\t{}.0/24\n", n.pod_cidr_prefix));
    let pods: Vec<&Pod> = c
        .pods()
        .filter(|p| {
            p.spec.node_name == n.meta.name
                && p.status.phase != "Succeeded"
                && p.status.phase != "Failed"
        })
        .collect();
    w.w(
        0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.w(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.w(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let (mut tc, mut tm, mut tlc, mut tlm) = (0, 0, 0, 0);
    for p in &pods {
        let (rc, rm) = meshsim_cluster::scheduler::pod_requests(&p.spec);
        let (lc, lm) = pod_limits(&p.spec);
        tc += rc;
        tm += rm;
        tlc += lc;
        tlm += lm;
        w.w(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                p.meta.namespace,
                p.meta.name,
                cpu_text(rc),
                pct(rc, n.cpu_milli),
                cpu_text(lc),
                pct(lc, n.cpu_milli),
                memory_text(rm),
                pct(rm, n.memory),
                memory_text(lm),
                pct(lm, n.memory),
                age(now, p.meta.creation)
            ),
        );
    }
    w.w(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.w(1, "Resource\tRequests\tLimits\n");
    w.w(1, "--------\t--------\t------\n");
    w.w(
        1,
        &format!(
            "cpu\t{} ({}%)\t{} ({}%)\n",
            cpu_text(tc),
            pct(tc, n.cpu_milli),
            cpu_text(tlc),
            pct(tlc, n.cpu_milli)
        ),
    );
    w.w(
        1,
        &format!(
            "memory\t{} ({}%)\t{} ({}%)\n",
            memory_text(tm),
            pct(tm, n.memory),
            memory_text(tlm),
            pct(tlm, n.memory)
        ),
    );
    w.w(1, "ephemeral-storage\t0 (0%)\t0 (0%)\n");
    w.w(1, "hugepages-1Gi\t0 (0%)\t0 (0%)\n");
    w.w(1, "hugepages-2Mi\t0 (0%)\t0 (0%)\n");
    let evs = c.events_for(&n.meta.uid);
    events(&mut w, &evs, now);
    w.done()
}
