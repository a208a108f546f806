//! The page's side of the session API: incremental watches, Ctrl-C, Tab
//! completion, the pods panel, pasted files and command latency.

use meshsim_cluster::time::{MS, SEC};
use meshsim_kubectl::Shell;

#[test]
fn a_watch_prints_as_the_page_advances_time_and_ctrl_c_ends_it() {
    let mut sh = Shell::new(1);
    sh.run("kubectl apply -f kubernetes/helloworld-deployment.yaml");
    let first = sh.run("kubectl get pods -w");
    assert!(first.text.starts_with("NAME "), "{}", first.text);
    assert!(sh.watching());
    let mut later = String::new();
    for _ in 0..60 {
        later.push_str(&sh.advance(SEC).text);
    }
    assert!(later.contains("ContainerCreating"), "{later}");
    assert!(
        later.lines().last().unwrap().contains("1/1     Running"),
        "{later}"
    );
    assert!(!later.contains("NAME "), "the header is printed once");
    sh.interrupt();
    assert!(!sh.watching());
    sh.run("kubectl scale deployment helloworld-service-v1 --replicas=3");
    assert_eq!(sh.advance(30 * SEC).text, "", "no watch, no output");
}

#[test]
fn stepping_event_by_event_reaches_the_same_state() {
    let mut a = Shell::new(5);
    let mut b = Shell::new(5);
    for sh in [&mut a, &mut b] {
        sh.run("kubectl apply -f kubernetes/redis-deployment.yaml");
    }
    a.advance(30 * SEC);
    let end = b.now() + 30 * SEC;
    while b.next_event_time().is_some_and(|t| t <= end) {
        b.step();
    }
    b.advance(end - b.now());
    assert_eq!(
        a.run("kubectl get pods -o wide").text,
        b.run("kubectl get pods -o wide").text
    );
}

#[test]
fn watch_command_clears_and_redraws_on_the_page() {
    let mut sh = Shell::new(1);
    let o = sh.run("watch kubectl get deployment");
    assert!(o.clear && o.text.starts_with("Every 2.0s: kubectl get deployment"));
    let o = sh.advance(2 * SEC);
    assert!(
        o.clear && o.text.contains("No resources found in default namespace."),
        "{o:?}"
    );
    sh.interrupt();
    assert!(!sh.watching());
}

#[test]
fn tab_completion_offers_commands_resources_names_and_files() {
    let mut sh = Shell::new(1);
    assert_eq!(sh.complete("kub"), ["kubectl"]);
    assert_eq!(sh.complete("kubectl des"), ["describe"]);
    assert!(sh.complete("kubectl get ").contains(&"pods".to_string()));
    assert!(sh
        .complete("kubectl apply -f kubernetes/red")
        .contains(&"kubernetes/redis-deployment.yaml".to_string()));
    sh.run("kubectl apply -f kubernetes/redis-deployment.yaml");
    let names = sh.complete("kubectl logs re");
    assert_eq!(names.len(), 1);
    assert!(names[0].starts_with("redis-"));
}

#[test]
fn the_pods_panel_shows_containers_and_their_state() {
    let mut sh = Shell::new(2);
    sh.run("kubectl label namespace default istio-injection=enabled");
    sh.run("kubectl apply -f kubernetes/redis-deployment.yaml");
    sh.advance(3 * SEC);
    let pods: Vec<_> = sh
        .pods()
        .into_iter()
        .filter(|p| p.namespace == "default")
        .collect();
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0].init_containers[0].name, "istio-init");
    assert_eq!(
        pods[0]
            .containers
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["redis", "istio-proxy"]
    );
    assert!(pods[0].status.starts_with("Init:"), "{:?}", pods[0]);
    sh.advance(60 * SEC);
    let p = sh
        .pods()
        .into_iter()
        .find(|p| p.namespace == "default")
        .unwrap();
    assert_eq!((p.ready.as_str(), p.status.as_str()), ("2/2", "Running"));
    assert_eq!(p.init_containers[0].reason, "Completed");
    assert!(p.containers.iter().all(|c| c.state == "Running" && c.ready));
}

#[test]
fn pasted_yaml_becomes_a_file_and_an_object() {
    let mut sh = Shell::new(1);
    sh.write_file("nginx.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.27\n");
    assert_eq!(
        sh.run("kubectl apply -f nginx.yaml").text,
        "pod/nginx created\n"
    );
    assert_eq!(
        sh.run("kubectl apply -f nginx.yaml").text,
        "pod/nginx unchanged\n"
    );
    assert!(sh.run("ls").text.contains("nginx.yaml"));
    sh.advance(20 * SEC);
    assert!(sh
        .run("kubectl get pod nginx")
        .text
        .contains("1/1     Running"));
    let yaml = sh.run("kubectl get pod nginx -o yaml").text;
    assert!(
        yaml.starts_with("apiVersion: v1\nkind: Pod\nmetadata:\n"),
        "{yaml}"
    );
    assert!(yaml.contains("  phase: Running\n"));
    let json = sh.run("kubectl get pod nginx -o json").text;
    assert!(
        json.starts_with("{\n    \"apiVersion\": \"v1\",\n"),
        "{json}"
    );
    assert_eq!(
        sh.run("kubectl get pod nginx -o jsonpath={.status.phase}")
            .text,
        "Running"
    );
}

#[test]
fn every_command_answers_well_within_a_frame() {
    let mut sh = Shell::new(1);
    sh.run("kubectl label namespace default istio-injection=enabled");
    sh.run("kubectl apply -f kubernetes/");
    sh.advance(300 * SEC);
    for cmd in [
        "kubectl get pods",
        "kubectl get all",
        "kubectl describe pods helloworld-service-v1",
        "kubectl get events",
    ] {
        // Logical work only: the budget (16 ms) is checked in the benchmark; here we
        // just require that the command does not move virtual time.
        let before = sh.now();
        let out = sh.run(cmd);
        assert_eq!(sh.now(), before, "{cmd} advanced time");
        assert!(!out.text.is_empty());
    }
    // Mutating commands cost one 40 ms API round trip each.
    let before = sh.now();
    sh.run("kubectl scale deployment redis --replicas=1");
    assert_eq!(sh.now() - before, 40 * MS);
}

#[test]
fn bad_input_gets_an_error_never_a_panic() {
    let mut sh = Shell::batch(1);
    sh.write_file("empty.yaml", "");
    sh.write_file("list.yaml", "- a\n- b\n");
    sh.write_file("scalar.yaml", "hello\n");
    sh.write_file("deep.yaml", &"[".repeat(5000));
    sh.write_file(
        "noname.yaml",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n",
    );
    sh.write_file("weird.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  replicas: many\n  selector: 7\n  template: []\n");
    sh.write_file("badsel.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\nspec:\n  selector:\n    matchLabels:\n      app: x\n  template:\n    metadata:\n      labels:\n        app: y\n    spec:\n      containers:\n      - name: c\n        image: nginx\n");
    let lines = [
        "kubectl get pods/",
        "kubectl get /x",
        "kubectl describe",
        "kubectl describe pods/",
        "kubectl logs pod/",
        "kubectl logs",
        "kubectl scale",
        "kubectl scale deployment x --replicas=-3",
        "kubectl rollout",
        "kubectl rollout status",
        "kubectl rollout status deployment",
        "kubectl label",
        "kubectl label pods",
        "kubectl label namespace default",
        "kubectl label namespace default =x",
        "kubectl annotate namespace default a",
        "sleep -1",
        "sleep x",
        "sleep",
        "kubectl get pods -o",
        "kubectl get pods -o bogus",
        "kubectl get pods -L",
        "kubectl get pods -l '!!'",
        "kubectl get pods -l 'a in (b)'",
        "kubectl get pods,bogus",
        "kubectl get all -w",
        "kubectl get pods,svc -w",
        "cat",
        "cat kubernetes",
        "cat nothere",
        "watch",
        "kubectl apply -f",
        "kubectl apply",
        "kubectl apply -f empty.yaml",
        "kubectl apply -f list.yaml",
        "kubectl apply -f scalar.yaml",
        "kubectl apply -f deep.yaml",
        "kubectl apply -f noname.yaml",
        "kubectl apply -f weird.yaml",
        "kubectl apply -f badsel.yaml",
        "kubectl apply -f kubernetes/ -n nonexistent",
        "kubectl create -f kubernetes/redis-service.yaml",
        "kubectl create -f kubernetes/redis-service.yaml",
        "kubectl create namespace",
        "kubectl create namespace default",
        "kubectl delete",
        "kubectl delete pods",
        "kubectl delete namespace default",
        "kubectl delete -f nothere.yaml",
        "'unterminated",
        "\"also",
        "kubectl get pods -n",
        "kubectl -x",
        "kubectl",
        "istioctl",
        "istioctl kube-inject",
        "istioctl kube-inject -f",
        "istioctl kube-inject -f deep.yaml",
        "istioctl kube-inject -f scalar.yaml",
        "istioctl bogus",
        "ls nothere",
        "cat > ",
        "kubectl get pods > ",
        "| grep x",
        "kubectl get pods | bogus",
        "kubectl logs x -c",
        "kubectl get pods --request-timeout=bogus -w",
        "kubectl get pods -o jsonpath={.items[",
        "kubectl get endpointslices",
        "kubectl describe rs",
        "kubectl delete all --all",
        "kubectl get pods",
    ];
    for l in lines {
        let out = sh.run(l);
        assert!(!sh.watching(), "{l} left a watch running");
        let _ = out;
    }
    // A here-document that never ends is dropped by Ctrl-C.
    sh.run("kubectl apply -f - <<EOF");
    assert!(sh.in_heredoc());
    sh.run("garbage: [");
    sh.interrupt();
    assert!(!sh.in_heredoc());
    assert_eq!(
        sh.run("kubectl get bogus").text,
        "error: the server doesn't have a resource type \"bogus\"\n"
    );
}

#[test]
fn logs_follow_streams_until_the_container_exits() {
    let mut sh = Shell::new(1);
    sh.run("kubectl apply -f kubernetes/guestbook-deployment.yaml");
    sh.advance(15 * SEC);
    let first = sh.run("kubectl logs -f deployment/guestbook-service");
    assert!(first.text.contains("Spring Boot"), "{}", first.text);
    assert!(sh.watching());
    let mut more = String::new();
    for _ in 0..30 {
        more.push_str(&sh.advance(SEC).text);
    }
    assert!(more.contains("Application run failed"), "{more}");
    assert!(!sh.watching(), "the stream ends when the container exits");
}

fn pod_yaml(name: &str, labels: &str, annotations: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\n{labels}  annotations:\n    note: x\n{annotations}spec:\n  containers:\n  - name: app\n    image: nginx:1.27\n"
    )
}

fn containers_of(sh: &Shell, name: &str) -> Vec<String> {
    let p = sh
        .pods()
        .into_iter()
        .find(|p| p.name == name)
        .expect("pod exists");
    p.containers.iter().map(|c| c.name.clone()).collect()
}

#[test]
fn the_webhook_follows_istios_selection_rules() {
    let mut sh = Shell::new(3);
    sh.write_file("a.yaml", &pod_yaml("plain", "", ""));
    sh.write_file(
        "b.yaml",
        &pod_yaml("opted-in", "    sidecar.istio.io/inject: \"true\"\n", ""),
    );
    sh.run("kubectl apply -f a.yaml -f b.yaml");
    assert_eq!(containers_of(&sh, "plain"), ["app"]);
    assert_eq!(containers_of(&sh, "opted-in"), ["app", "istio-proxy"]);
    sh.run("kubectl label namespace default istio-injection=enabled");
    sh.write_file("c.yaml", &pod_yaml("meshed", "", ""));
    sh.write_file(
        "d.yaml",
        &pod_yaml("opted-out", "", "    sidecar.istio.io/inject: \"false\"\n"),
    );
    sh.run("kubectl apply -f c.yaml -f d.yaml");
    assert_eq!(containers_of(&sh, "meshed"), ["app", "istio-proxy"]);
    assert_eq!(containers_of(&sh, "opted-out"), ["app"]);
    sh.run("kubectl label namespace default istio-injection=disabled --overwrite");
    sh.write_file(
        "e.yaml",
        &pod_yaml("disabled", "    sidecar.istio.io/inject: \"true\"\n", ""),
    );
    sh.run("kubectl apply -f e.yaml");
    assert_eq!(containers_of(&sh, "disabled"), ["app"]);
    // Native sidecars: istio-proxy becomes an init container that keeps running.
    sh.cluster_mut().set_native_sidecars(true);
    sh.run("kubectl label namespace default istio-injection=enabled --overwrite");
    sh.write_file("f.yaml", &pod_yaml("native", "", ""));
    sh.run("kubectl apply -f f.yaml");
    let p = sh.pods().into_iter().find(|p| p.name == "native").unwrap();
    assert_eq!(
        p.init_containers
            .iter()
            .map(|c| (c.name.as_str(), c.sidecar))
            .collect::<Vec<_>>(),
        [("istio-init", false), ("istio-proxy", true)]
    );
    assert_eq!(p.ready, "0/2");
}

#[test]
fn the_ui_is_not_ready_until_its_backends_are() {
    let mut sh = Shell::new(4);
    sh.run("kubectl apply -f kubernetes/redis-deployment.yaml -f kubernetes/redis-service.yaml");
    sh.run("kubectl apply -f kubernetes/guestbook-ui-deployment.yaml");
    sh.advance(90 * SEC);
    let ui = sh
        .pods()
        .into_iter()
        .find(|p| p.name.starts_with("guestbook-ui-"))
        .unwrap();
    assert_eq!((ui.ready.as_str(), ui.status.as_str()), ("0/1", "Running"));
    assert!(sh
        .run("kubectl describe pods guestbook-ui")
        .text
        .contains("Readiness probe failed: HTTP probe failed with statuscode: 503"));
    sh.run("kubectl apply -f kubernetes/helloworld-deployment.yaml -f kubernetes/helloworld-service.yaml");
    sh.run("kubectl apply -f kubernetes/mysql-deployment.yaml -f kubernetes/mysql-service.yaml");
    sh.run("kubectl apply -f kubernetes/guestbook-deployment.yaml -f kubernetes/guestbook-service.yaml");
    sh.advance(300 * SEC);
    let ui = sh
        .pods()
        .into_iter()
        .find(|p| p.name.starts_with("guestbook-ui-"))
        .unwrap();
    assert_eq!(ui.ready, "1/1");
}

/// The command layer is sans-IO too: no browser APIs, no clock, no hashed iteration.
#[test]
fn command_layer_sources_never_touch_the_outside_world() {
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

#[test]
fn rollout_status_on_the_page_follows_the_rollout() {
    let mut sh = Shell::new(6);
    sh.run("kubectl apply -f kubernetes/helloworld-deployment.yaml");
    let first = sh.run("kubectl rollout status deployment/helloworld-service-v1");
    assert_eq!(first.text, "Waiting for deployment \"helloworld-service-v1\" rollout to finish: 0 of 1 updated replicas are available...\n");
    assert!(sh.watching());
    let mut rest = String::new();
    for _ in 0..60 {
        rest.push_str(&sh.advance(SEC).text);
    }
    assert!(
        rest.ends_with("deployment \"helloworld-service-v1\" successfully rolled out\n"),
        "{rest}"
    );
    assert!(!sh.watching());
}

#[test]
fn delete_on_the_page_returns_the_prompt_when_the_pod_is_gone() {
    let mut sh = Shell::new(7);
    sh.run("kubectl apply -f kubernetes/redis-deployment.yaml");
    sh.advance(20 * SEC);
    let name = sh.pods().into_iter().find(|p| p.name.starts_with("redis-")).unwrap().name;
    let out = sh.run(&format!("kubectl delete pod {name}"));
    assert_eq!(out.text, format!("pod \"{name}\" deleted\n"));
    assert!(sh.watching(), "kubectl delete waits for the pod");
    assert!(sh.pods().iter().any(|p| p.name == name && p.status == "Terminating"));
    sh.advance(10 * SEC);
    assert!(!sh.watching());
    assert!(sh.pods().iter().all(|p| p.name != name));
}
