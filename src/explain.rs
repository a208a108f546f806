//! "What was added and why": finds each part the injector added in its output and says,
//! in a sentence or two, what it is for.
//!
//! The output is kube-inject's own printing (sorted keys, sequences not indented under their
//! key, two spaces a level), so the parts are found by indentation, line by line.

/// The kinds of added parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Init,
    Proxy,
    Volumes,
    Labels,
    Annotations,
    Probe,
}

/// One entry of the list, linked to the output lines `first..=last` (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub part: Part,
    /// The workload the part belongs to, such as `Deployment mysql`.
    pub workload: String,
    pub title: String,
    pub text: String,
    pub first: usize,
    pub last: usize,
}

/// The volumes that the sidecar template adds.
const ISTIO_VOLUMES: &[&str] = &[
    "workload-socket",
    "credential-socket",
    "workload-certs",
    "istio-envoy",
    "istio-data",
    "istio-podinfo",
    "istio-token",
    "istiod-ca-cert",
    "istio-ca-crl",
];

const ISTIO_LABELS: &[&str] = &[
    "security.istio.io/tlsMode",
    "service.istio.io/canonical-name",
    "service.istio.io/canonical-revision",
];

const ISTIO_ANNOTATIONS: &[&str] = &[
    "istio.io/rev",
    "kubectl.kubernetes.io/default-container",
    "kubectl.kubernetes.io/default-logs-container",
    "prometheus.io/path",
    "prometheus.io/port",
    "prometheus.io/scrape",
    "sidecar.istio.io/status",
];

/// The entries for an injected output, in document order.
pub fn entries(output: &str) -> Vec<Entry> {
    let lines: Vec<&str> = output.lines().collect();
    let mut entries = Vec::new();
    let mut start = 0;
    for index in 0..=lines.len() {
        if index == lines.len() || lines[index] == "---" {
            document(&lines, start, index, &mut entries);
            start = index + 1;
        }
    }
    entries
}

/// Adds the entries of the document `lines[start..end]`.
fn document(lines: &[&str], start: usize, end: usize, entries: &mut Vec<Entry>) {
    let doc = &lines[start..end];
    let kind = doc.iter().find_map(|line| line.strip_prefix("kind: ")).unwrap_or("");
    let name = top_level_name(doc).unwrap_or("");
    let workload = format!("{kind} {name}").trim().to_owned();
    let mut found = Vec::new();
    let at = |i: usize| start + i + 1;

    for (i, line) in doc.iter().enumerate() {
        let content = line.trim_start();
        let name = content.strip_prefix("- ").unwrap_or(content).strip_prefix("name: ");
        match name {
            Some("istio-init") | Some("istio-validation") if is_container(doc, i) => {
                let (first, last) = item(doc, i);
                found.push((Part::Init, at(first), at(last), init_text(&doc[first..=last])));
            }
            Some("istio-proxy") if is_container(doc, i) => {
                let (first, last) = item(doc, i);
                found.push((Part::Proxy, at(first), at(last), proxy_text(&doc[first..=last])));
            }
            _ => {}
        }
        if let Some(path) = content.strip_prefix("path: /app-health/").or_else(|| content.strip_prefix("path: /app-lifecycle/")) {
            let first = (0..i).rev().find(|&j| indent(doc[j]) + 4 == indent(line)).unwrap_or(i);
            let last = (i + 1..doc.len()).find(|&j| doc[j].trim_start().starts_with("port:")).unwrap_or(i);
            found.push((Part::Probe, at(first), at(last), probe_text(path, doc[first].trim())));
        }
    }

    let volumes: Vec<(usize, usize, &str)> = doc
        .iter()
        .enumerate()
        .filter_map(|(i, line)| {
            let name = line.trim_start().strip_prefix("- ").unwrap_or(line.trim_start()).strip_prefix("name: ")?;
            (ISTIO_VOLUMES.contains(&name) && is_item_key(doc, i) && parent_key(doc, i) == Some("volumes"))
                .then(|| (item(doc, i), name))
                .map(|((first, last), name)| (first, last, name))
        })
        .collect();
    if let (Some(first), Some(last)) = (volumes.iter().map(|v| v.0).min(), volumes.iter().map(|v| v.1).max()) {
        let names: Vec<&str> = volumes.iter().map(|v| v.2).collect();
        found.push((Part::Volumes, at(first), at(last), volumes_text(&names)));
    }

    for (part, keys) in [(Part::Labels, ISTIO_LABELS), (Part::Annotations, ISTIO_ANNOTATIONS)] {
        let hits: Vec<usize> = doc
            .iter()
            .enumerate()
            .filter(|(_, line)| keys.iter().any(|key| line.trim_start().starts_with(&format!("{key}:"))))
            .map(|(i, _)| i)
            .collect();
        if let (Some(&first), Some(&last)) = (hits.first(), hits.last()) {
            let text = if part == Part::Labels { LABELS_TEXT } else { ANNOTATIONS_TEXT };
            found.push((part, at(first), at(last), text.to_owned()));
        }
    }

    // Nothing of the proxy means the document was passed through or skipped: no entries.
    if !found.iter().any(|(part, ..)| *part == Part::Proxy) {
        return;
    }
    meshsim_yaml::sort::sort_by_key(&mut found, |(part, first, ..)| (order(*part), *first));
    for (part, first, last, text) in found {
        entries.push(Entry { part, workload: workload.clone(), title: title(part, &text), text, first, last });
    }
}

fn order(part: Part) -> u8 {
    match part {
        Part::Init => 0,
        Part::Proxy => 1,
        Part::Volumes => 2,
        Part::Labels => 3,
        Part::Annotations => 4,
        Part::Probe => 5,
    }
}

fn title(part: Part, text: &str) -> String {
    match part {
        Part::Init => "istio-init".into(),
        Part::Proxy => "istio-proxy".into(),
        Part::Volumes => "Volumes".into(),
        Part::Labels => "Labels".into(),
        Part::Annotations => "Annotations".into(),
        Part::Probe => text.split(':').next().unwrap_or("Probe").to_owned(),
    }
}

/// The `name:` directly under the document's top-level `metadata:`.
fn top_level_name<'a>(doc: &[&'a str]) -> Option<&'a str> {
    let metadata = doc.iter().position(|line| *line == "metadata:")?;
    doc[metadata + 1..]
        .iter()
        .take_while(|line| line.starts_with(' ') || line.is_empty())
        .find_map(|line| line.strip_prefix("  name: "))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The first and last line of the sequence item that holds line `i`.
fn item(doc: &[&str], i: usize) -> (usize, usize) {
    let first = (0..=i).rev().find(|&j| doc[j].trim_start().starts_with("- ") && indent(doc[j]) < indent(doc[i]) || j == i && doc[i].trim_start().starts_with("- ")).unwrap_or(i);
    let dash = indent(doc[first]);
    let mut last = first;
    for (j, line) in doc.iter().enumerate().skip(first + 1) {
        if !line.trim().is_empty() && indent(line) <= dash {
            break;
        }
        last = j;
    }
    (first, last)
}

/// Whether line `i` is a key of its sequence item itself (not of a mapping nested in the item).
fn is_item_key(doc: &[&str], i: usize) -> bool {
    let (first, _) = item(doc, i);
    first == i || indent(doc[i]) == indent(doc[first]) + 2
}

/// The mapping key that holds the sequence item of line `i` (`containers`, `volumes`, ...).
fn parent_key<'a>(doc: &[&'a str], i: usize) -> Option<&'a str> {
    let (first, _) = item(doc, i);
    let dash = indent(doc[first]);
    (0..first)
        .rev()
        .map(|j| doc[j])
        .find(|line| indent(line) <= dash && !line.trim_start().starts_with("- "))
        .and_then(|line| line.trim().strip_suffix(':'))
}

fn is_container(doc: &[&str], i: usize) -> bool {
    is_item_key(doc, i) && matches!(parent_key(doc, i), Some("containers") | Some("initContainers"))
}

/// The value that follows the argument `flag` in an `args:` list.
fn arg<'a>(item: &[&'a str], flag: &str) -> Option<&'a str> {
    let position = item.iter().position(|line| line.trim() == format!("- {flag}"))?;
    item.get(position + 1)
        .and_then(|line| line.trim().strip_prefix("- "))
        .map(|value| value.trim_matches(|c| c == '"' || c == '\''))
}

fn init_text(item: &[&str]) -> String {
    let outbound = arg(item, "-p").unwrap_or("15001");
    let inbound = arg(item, "-z").unwrap_or("15006");
    let uid = arg(item, "-u").unwrap_or("1337");
    let mut text = format!(
        "Runs once before the app and installs the iptables rules that send the pod's outbound \
         traffic to Envoy on port {outbound} and its inbound traffic to port {inbound}. \
         Traffic of uid {uid}, the proxy's own user, is exempt, so Envoy's connections are not caught again."
    );
    if let Some(ports) = arg(item, "-o") {
        text.push_str(&format!(" Outbound port(s) {ports} are not captured (-o)."));
    }
    if let Some(ranges) = arg(item, "-i").filter(|ranges| *ranges != "*") {
        text.push_str(&format!(" Only outbound traffic to {ranges} is captured (-i)."));
    }
    text
}

fn proxy_text(item: &[&str]) -> String {
    let mut text = String::from(
        "The sidecar: Envoy plus the Istio agent (pilot-agent), which gets configuration and \
         certificates from istiod. Ready on port 15021 (/healthz/ready), Prometheus metrics on 15090.",
    );
    if item.iter().any(|line| line.trim() == "restartPolicy: Always") {
        text.push_str(
            " It is a native sidecar: an init container with restartPolicy: Always, \
             so it starts before the app containers and stops after them.",
        );
    }
    text
}

fn volumes_text(names: &[&str]) -> String {
    format!(
        "What the proxy mounts: {}. istio-envoy holds Envoy's files in memory, istio-podinfo \
         shows the pod's labels and annotations (downward API), istio-token is a service-account \
         token for istiod and istiod-ca-cert the mesh's root certificate.",
        names.join(", ")
    )
}

const LABELS_TEXT: &str = "security.istio.io/tlsMode: istio tells other proxies that this pod \
    speaks mutual TLS; service.istio.io/canonical-name and canonical-revision name the service \
    and its version in telemetry.";

const ANNOTATIONS_TEXT: &str = "sidecar.istio.io/status records what was injected, so that a \
    second injection replaces it; istio.io/rev names the control plane revision; prometheus.io/* \
    points scrapers at the agent's merged metrics on 15020; the default-container annotations \
    keep kubectl logs and exec on the app.";

fn probe_text(path: &str, probe: &str) -> String {
    let mut parts = path.split('/');
    let container = parts.next().unwrap_or("");
    let what = parts.next().unwrap_or("");
    let (name, kind) = match what {
        "livez" => ("Liveness probe", "probe"),
        "readyz" => ("Readiness probe", "probe"),
        "startupz" => ("Startup probe", "probe"),
        "prestopz" => ("preStop hook", "hook"),
        "poststartz" => ("postStart hook", "hook"),
        _ => (probe.trim_end_matches(':'), "probe"),
    };
    format!(
        "{name} of {container}: rewritten. The kubelet now calls the agent on port 15020 at \
         /app-{area}/{path}, and the agent calls the app's original {kind} (kept in \
         ISTIO_KUBE_APP_PROBERS): with mutual TLS the kubelet could not reach the app directly.",
        area = if kind == "hook" { "lifecycle" } else { "health" }
    )
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// A shortened injected Deployment in kube-inject's printing.
    const OUTPUT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      annotations:
        istio.io/rev: default
        sidecar.istio.io/status: '{}'
      labels:
        app: web
        security.istio.io/tlsMode: istio
        service.istio.io/canonical-name: web
    spec:
      containers:
      - image: nginx
        livenessProbe:
          httpGet:
            path: /app-health/web/livez
            port: 15020
        name: web
      - args:
        - proxy
        name: istio-proxy
      initContainers:
      - args:
        - istio-iptables
        - -p
        - \"15001\"
        - -o
        - \"3306\"
        name: istio-init
      volumes:
      - emptyDir: {}
        name: app-data
      - emptyDir:
          medium: Memory
        name: istio-envoy
      - configMap:
          name: istio-ca-crl
        name: istio-ca-crl
status: {}
---
apiVersion: v1
kind: Service
metadata:
  name: web
---
";

    #[wasm_bindgen_test]
    fn finds_each_added_part_with_its_lines() {
        let found: Vec<(Part, usize, usize)> = entries(OUTPUT).iter().map(|e| (e.part, e.first, e.last)).collect();
        assert_eq!(
            found,
            vec![
                (Part::Init, 27, 33),
                (Part::Proxy, 23, 25),
                (Part::Volumes, 37, 42),
                (Part::Labels, 13, 14),
                (Part::Annotations, 9, 10),
                (Part::Probe, 18, 21),
            ]
        );
        let all = entries(OUTPUT);
        assert!(all.iter().all(|e| e.workload == "Deployment web"));
        assert!(all[0].text.contains("port 15001") && all[0].text.contains("3306"));
        assert!(all[5].title.starts_with("Liveness probe of web"));
        assert!(all[2].text.contains("istio-envoy, istio-ca-crl."), "each volume once: {}", all[2].text);
    }

    #[wasm_bindgen_test]
    fn a_document_without_a_proxy_has_no_entries() {
        assert!(entries("kind: Service\nmetadata:\n  name: x\n---\n").is_empty());
    }
}
