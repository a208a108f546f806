//! Behaviour of the simulation core, driven through its public API.

use meshsim_cluster::time::SEC;
use meshsim_cluster::*;

fn deployment(name: &str, app: &str, image: &str, replicas: i64, cpu: &str) -> Object {
    let mut labels = StringMap::new();
    labels.insert("app".into(), app.into());
    let mut c = Container::new(app, image);
    c.resources.requests.insert("cpu".into(), cpu.into());
    c.resources.requests.insert("memory".into(), "256Mi".into());
    c.ports.push(ContainerPort {
        name: "http".into(),
        container_port: 8080,
        protocol: "TCP".into(),
    });
    c.readiness = Some(Probe {
        action: ProbeAction::HttpGet {
            path: "/health".into(),
            port: PortRef::Int(8080),
            scheme: "HTTP".into(),
            host: String::new(),
        },
        initial_delay: 0,
        timeout: 1,
        period: 10,
        success: 1,
        failure: 3,
    });
    Object::Deployment(Box::new(Deployment::new("default", name, labels, replicas, vec![c])))
}

fn service(name: &str, app: &str, port: i64) -> Object {
    let mut sel = StringMap::new();
    sel.insert("app".into(), app.into());
    Object::Service(Box::new(Service {
        meta: ObjectMeta {
            name: name.into(),
            namespace: "default".into(),
            ..ObjectMeta::default()
        },
        kind: "ClusterIP".into(),
        selector: sel,
        ports: vec![ServicePort {
            name: String::new(),
            port,
            target_port: PortRef::Int(port),
            protocol: "TCP".into(),
            node_port: None,
            app_protocol: String::new(),
        }],
        cluster_ip: String::new(),
        external_ips: vec![],
        load_balancer_ip: None,
        session_affinity: "None".into(),
        external_traffic_policy: String::new(),
        internal_traffic_policy: "Cluster".into(),
    }))
}

fn default_pods(c: &Cluster) -> Vec<&Pod> {
    c.pods().filter(|p| p.meta.namespace == "default").collect()
}

#[test]
fn a_deployment_comes_up_ready_with_real_name_shapes() {
    let mut c = Cluster::new(1, Config::default());
    assert_eq!(
        c.apply(deployment(
            "hello",
            "hello",
            "saturnism/helloworld-service-istio:1.0",
            2,
            "250m"
        )),
        Ok(Applied::Created)
    );
    c.advance(60 * SEC);
    let pods = default_pods(&c);
    assert_eq!(pods.len(), 2);
    for p in &pods {
        assert_eq!(p.status.phase, "Running");
        assert!(controller::is_ready(p), "{} not ready", p.meta.name);
        let parts: Vec<&str> = p.meta.name.rsplitn(3, '-').collect();
        assert_eq!(parts[0].len(), 5);
        assert!(
            parts[1].chars().all(|ch| "456789bcdf".contains(ch)),
            "hash {}",
            parts[1]
        );
    }
    let d = c.deployment("default", "hello").unwrap();
    assert_eq!(
        (d.status.ready, d.status.available, d.status.updated),
        (2, 2, 2)
    );
}

#[test]
fn too_many_replicas_stay_pending_with_failed_scheduling() {
    let mut c = Cluster::new(2, Config::default());
    c.apply(deployment(
        "hello",
        "hello",
        "saturnism/helloworld-service-istio:1.0",
        25,
        "250m",
    ))
    .unwrap();
    c.advance(90 * SEC);
    let pending: Vec<&Pod> = default_pods(&c)
        .into_iter()
        .filter(|p| p.spec.node_name.is_empty())
        .collect();
    assert!(!pending.is_empty());
    let ev = c.events_for(&pending[0].meta.uid);
    assert!(
        ev.iter()
            .any(|e| e.reason == "FailedScheduling" && e.message.contains("Insufficient cpu")),
        "{ev:?}"
    );
    // Scaling back down frees capacity and removes the pending pods first.
    c.scale(Kind::Deployment, "default", "hello", 2).unwrap();
    c.advance(60 * SEC);
    assert_eq!(default_pods(&c).len(), 2);
}

#[test]
fn deleting_a_pod_gets_it_replaced() {
    let mut c = Cluster::new(3, Config::default());
    c.apply(deployment("hello", "hello", "nginx:1.27", 1, "100m"))
        .unwrap();
    c.advance(30 * SEC);
    let old = default_pods(&c)[0].meta.name.clone();
    c.delete(Kind::Pod, "default", &old).unwrap();
    c.advance(30 * SEC);
    let now: Vec<String> = default_pods(&c)
        .iter()
        .map(|p| p.meta.name.clone())
        .collect();
    assert_eq!(now.len(), 1);
    assert_ne!(now[0], old);
}

#[test]
fn guestbook_service_crashes_until_mysql_is_ready() {
    let mut c = Cluster::new(4, Config::default());
    c.apply(deployment(
        "guestbook-service",
        "guestbook-service",
        "saturnism/guestbook-service-istio:1.0",
        1,
        "250m",
    ))
    .unwrap();
    c.advance(60 * SEC);
    let p = default_pods(&c)[0];
    assert!(
        p.status.statuses[0].restart_count >= 1,
        "{:?}",
        p.status.statuses[0]
    );
    let mut mysql = deployment("mysql", "mysql", "mysql:5.6", 1, "250m");
    if let Object::Deployment(d) = &mut mysql {
        d.template.spec.containers[0].readiness = None;
        d.template.spec.containers[0].ports[0].container_port = 3306;
    }
    c.apply(mysql).unwrap();
    c.apply(service("mysql", "mysql", 3306)).unwrap();
    c.advance(400 * SEC);
    let gb = default_pods(&c)
        .into_iter()
        .find(|p| p.meta.name.starts_with("guestbook"))
        .unwrap();
    assert!(controller::is_ready(gb), "{:?}", gb.status);
}

#[test]
fn same_seed_same_history() {
    let run = |seed| {
        let mut c = Cluster::new(seed, Config::default());
        c.apply(deployment(
            "hello",
            "hello",
            "saturnism/helloworld-service-istio:1.0",
            3,
            "250m",
        ))
        .unwrap();
        c.advance(45 * SEC);
        default_pods(&c)
            .iter()
            .map(|p| format!("{} {} {:?}", p.meta.name, p.status.pod_ip, p.status.phase))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(9), run(9));
    assert_ne!(run(9), run(10));
}

#[test]
fn rolling_update_replaces_every_pod() {
    let mut c = Cluster::new(5, Config::default());
    c.apply(deployment("hello", "hello", "nginx:1.27", 4, "100m"))
        .unwrap();
    c.advance(60 * SEC);
    c.apply(deployment("hello", "hello", "nginx:1.28", 4, "100m"))
        .unwrap();
    c.advance(120 * SEC);
    let pods = default_pods(&c);
    assert_eq!(pods.len(), 4);
    assert!(pods
        .iter()
        .all(|p| p.spec.containers[0].image == "nginx:1.28" && controller::is_ready(p)));
    let d = c.deployment("default", "hello").unwrap();
    assert_eq!(
        d.meta
            .annotations
            .get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("2")
    );
}

/// The core must stay sans-IO: no browser APIs, no wall clock.
#[test]
fn sources_never_touch_the_outside_world() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for banned in [
            "web_sys",
            "Instant::now",
            "SystemTime",
            "HashMap",
            "HashSet",
        ] {
            assert!(
                !text.contains(banned),
                "{} mentions {banned}",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 10);
}
