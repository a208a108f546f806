//! The cluster as the learner finds it: three worker nodes, the system
//! namespaces, the `kubernetes` Service, and Istio's control plane running.

use crate::cluster::Cluster;
use crate::objects::*;
use crate::time::SEC;

/// Build the initial cluster and run it up to `config.start`.
pub(crate) fn boot(c: &mut Cluster) {
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        create_namespace(c, ns);
    }
    for i in 1..=c.config.nodes.max(1) {
        let mut meta = c.new_meta(ObjectMeta {
            name: format!("worker-{i}"),
            ..ObjectMeta::default()
        });
        for (k, v) in [
            ("beta.kubernetes.io/arch", "amd64"),
            ("beta.kubernetes.io/os", "linux"),
            ("kubernetes.io/arch", "amd64"),
            ("kubernetes.io/hostname", &format!("worker-{i}")),
            ("kubernetes.io/os", "linux"),
        ] {
            meta.labels.insert(k.to_string(), v.to_string());
        }
        c.nodes.push(Node {
            meta,
            internal_ip: format!("172.18.{}.{}", (i + 1) / 250, (i + 1) % 250),
            pod_cidr_prefix: format!("10.244.{i}"),
            cpu_milli: 1930,
            memory: 5_900 * (1 << 20),
            kubelet_version: "v1.34.1".into(),
            os_image: "Debian GNU/Linux 12 (bookworm)".into(),
            kernel: "6.1.0-31-cloud-amd64".into(),
            runtime: "containerd://2.1.4".into(),
            role: "<none>".into(),
            max_pods: 110,
        });
        c.node_images.push(Default::default());
        c.node_pull_busy.push(0);
        c.next_ip.push(2);
    }
    // The API server's own Service comes first, with the first address of the range.
    c.used_cluster_ips.insert("10.96.0.1".into());
    let mut meta = ObjectMeta {
        name: "kubernetes".into(),
        namespace: "default".into(),
        ..ObjectMeta::default()
    };
    meta.labels.insert("component".into(), "apiserver".into());
    meta.labels.insert("provider".into(), "kubernetes".into());
    let svc = Service {
        meta,
        kind: "ClusterIP".into(),
        selector: StringMap::new(),
        ports: vec![ServicePort {
            name: "https".into(),
            port: 443,
            target_port: PortRef::Int(6443),
            protocol: "TCP".into(),
            node_port: None,
            app_protocol: String::new(),
        }],
        cluster_ip: "10.96.0.1".into(),
        external_ips: vec![],
        load_balancer_ip: None,
        session_affinity: "None".into(),
        external_traffic_policy: String::new(),
        internal_traffic_policy: "Cluster".into(),
    };
    let _ = c.apply(Object::Service(Box::new(svc)));
    if let Some(e) = c
        .endpoints
        .get_mut(&("default".to_string(), "kubernetes".to_string()))
    {
        e.addresses.push(EndpointAddress {
            ip: "172.18.0.5".into(),
            node: String::new(),
            pod: String::new(),
            pod_uid: String::new(),
            ready: true,
        });
        e.ports = vec![("https".into(), 6443, "TCP".into())];
    }
    system_deployment(
        c,
        "kube-system",
        "coredns",
        "registry.k8s.io/coredns/coredns:v1.12.1",
        2,
        &[("k8s-app", "kube-dns")],
        100,
        70,
    );
    // Istio was installed twenty minutes after the cluster came up.
    c.advance_to(20 * 60 * SEC);
    create_namespace(c, "istio-system");
    system_deployment(
        c,
        "istio-system",
        "istiod",
        "docker.io/istio/pilot:1.30.3",
        1,
        &[("app", "istiod"), ("istio", "pilot")],
        500,
        2048,
    );
    system_deployment(
        c,
        "istio-system",
        "istio-ingressgateway",
        "docker.io/istio/proxyv2:1.30.3",
        1,
        &[("app", "istio-ingressgateway"), ("istio", "ingressgateway")],
        100,
        128,
    );
    let mut meta = ObjectMeta {
        name: "istio-ingressgateway".into(),
        namespace: "istio-system".into(),
        ..ObjectMeta::default()
    };
    meta.labels
        .insert("app".into(), "istio-ingressgateway".into());
    meta.labels.insert("istio".into(), "ingressgateway".into());
    let mut selector = StringMap::new();
    selector.insert("app".into(), "istio-ingressgateway".into());
    selector.insert("istio".into(), "ingressgateway".into());
    let port = |name: &str, port: i64, target: i64| ServicePort {
        name: name.into(),
        port,
        target_port: PortRef::Int(target),
        protocol: "TCP".into(),
        node_port: None,
        app_protocol: String::new(),
    };
    let svc = Service {
        meta,
        kind: "LoadBalancer".into(),
        selector,
        ports: vec![
            port("status-port", 15021, 15021),
            port("http2", 80, 8080),
            port("https", 443, 8443),
        ],
        cluster_ip: String::new(),
        external_ips: vec![],
        load_balancer_ip: None,
        session_affinity: "None".into(),
        external_traffic_policy: "Cluster".into(),
        internal_traffic_policy: "Cluster".into(),
    };
    let _ = c.apply(Object::Service(Box::new(svc)));
    let start = c.config.start;
    c.advance_to(start);
    c.changes.clear();
}

#[allow(clippy::too_many_arguments)]
fn system_deployment(
    c: &mut Cluster,
    ns: &str,
    name: &str,
    image: &str,
    replicas: i64,
    labels: &[(&str, &str)],
    cpu: i64,
    mem_mi: i64,
) {
    let mut selector = StringMap::new();
    for (k, v) in labels {
        selector.insert(k.to_string(), v.to_string());
    }
    let mut container = Container::new(
        if name == "istio-ingressgateway" {
            "istio-proxy"
        } else {
            name
        },
        image,
    );
    container
        .resources
        .requests
        .insert("cpu".into(), format!("{cpu}m"));
    container
        .resources
        .requests
        .insert("memory".into(), format!("{mem_mi}Mi"));
    let mut d = Deployment::new(ns, name, selector, replicas, vec![container]);
    d.template.annotations.insert("sidecar.istio.io/inject".into(), "false".into());
    let _ = c.apply(Object::Deployment(Box::new(d)));
}

fn create_namespace(c: &mut Cluster, name: &str) {
    let meta = ObjectMeta {
        name: name.to_string(),
        ..ObjectMeta::default()
    };
    let _ = c.apply(Object::Namespace(Namespace {
        meta,
        terminating: false,
    }));
}
