//! Injection into one pod template: Istio's `injectPod` pipeline.
//!
//! 1. Validate annotations; decide native sidecars; build the proxy config.
//! 2. Strip what an earlier injection added (re-injection) to get the template inputs.
//! 3. Render each selected template and strategic-merge it over the pod.
//! 4. Re-apply user-supplied containers that a template also defines (`proxy.istio.io/overrides`).
//! 5. Post-process: cluster/network env, Prometheus merge, probe rewrite, status annotation, order.

use crate::config::Config;
use crate::merge::merge_into;
use crate::probe;
use crate::templates::{self, Tpl};
use crate::tree::{name_of, seq, seq_mut, sprint, string_map};
use meshsim_yaml::{Mapping, Value};

/// Identity of the workload the pod belongs to.
pub struct Workload<'a> {
    /// `TypeMeta.APIVersion`.
    pub api_version: &'a str,
    /// `TypeMeta.Kind`.
    pub kind: &'a str,
    /// `DeploymentMeta.Name`.
    pub name: &'a str,
    /// `DeploymentMeta.Namespace`.
    pub namespace: &'a str,
}

fn ann<'a>(pod: &'a Value, key: &str) -> Option<&'a Value> {
    pod.get_path(&["metadata", "annotations", key])
}

fn find_container<'a>(list: &'a [Value], name: &str) -> Option<&'a Value> {
    list.iter().find(|c| name_of(c) == name)
}

fn find_in_pod<'a>(pod: &'a Value, name: &str) -> Option<&'a Value> {
    let spec = pod.get("spec")?;
    find_container(seq(spec, "containers"), name).or_else(|| find_container(seq(spec, "initContainers"), name))
}

/// The container `name` (`containers` first, then `initContainers`), mutably.
pub(crate) fn find_in_pod_mut<'a>(pod: &'a mut Value, name: &str) -> Option<&'a mut Value> {
    let spec = pod.get_mut("spec")?;
    let field = if seq(spec, "containers").iter().any(|c| name_of(c) == name) { "containers" } else { "initContainers" };
    spec.get_mut(field)?.as_seq_mut()?.iter_mut().find(|c| name_of(c) == name)
}

fn spec_mut(pod: &mut Value) -> &mut Value {
    let m = pod.as_map_mut().expect("pod is a mapping");
    m.entry("spec".to_string()).or_insert(Value::Map(Mapping::new()))
}

fn annotations_mut(pod: &mut Value) -> &mut Mapping {
    pod.entry_map("metadata");
    let meta = pod.get_mut("metadata").expect("metadata exists");
    meta.entry_map("annotations")
}

/// The previous `sidecar.istio.io/status`, parsed.
struct Status {
    containers: Vec<String>,
    init_containers: Vec<String>,
}

fn parse_status(pod: &Value) -> Option<Status> {
    let raw = ann(pod, "sidecar.istio.io/status")?.as_str()?;
    let v = meshsim_yaml::load(raw).ok()?;
    let names = |k: &str| seq(&v, k).iter().filter_map(|x| x.as_str().map(str::to_string)).collect();
    Some(Status { containers: names("containers"), init_containers: names("initContainers") })
}

fn prometheus_port(pod: &Value) -> Option<String> {
    ann(pod, "prometheus.io/port").map(|v| sprint(Some(v)))
}

fn normalized_annotation_key(k: &str) -> String {
    k.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

fn clear_prometheus_annotations(pod: &mut Value) {
    let a = annotations_mut(pod);
    let gone: Vec<String> = a
        .keys()
        .filter(|k| matches!(normalized_annotation_key(k).as_str(), "prometheus_io_scrape" | "prometheus_io_port" | "prometheus_io_path"))
        .cloned()
        .collect();
    for k in gone {
        a.shift_remove(k.as_str());
    }
}

/// Istio's `stripPod`: removes previously injected containers and metadata from the template
/// inputs; `None` when the pod was never injected (it is its own input then).
fn strip(pod: &Value, status_port: &str) -> Option<Value> {
    let prev = parse_status(pod)?;
    let mut p = pod.clone();
    let spec = spec_mut(&mut p);
    for (field, names) in [("containers", &prev.containers), ("initContainers", &prev.init_containers)] {
        if let Some(list) = spec.get_mut(field).and_then(Value::as_seq_mut) {
            list.retain(|c| !names.iter().any(|n| n == name_of(c)));
        }
    }
    if prometheus_port(&p).as_deref() == Some(status_port) {
        clear_prometheus_annotations(&mut p);
    }
    annotations_mut(&mut p).shift_remove("sidecar.istio.io/status");
    Some(p)
}

fn overrides_of(pod: &Value) -> (Vec<Value>, Vec<Value>) {
    let Some(raw) = ann(pod, "proxy.istio.io/overrides").and_then(Value::as_str) else { return (vec![], vec![]) };
    let Ok(v) = meshsim_yaml::load(raw) else { return (vec![], vec![]) };
    (seq(&v, "containers").to_vec(), seq(&v, "initContainers").to_vec())
}

/// Istio's `reinsertOverrides`: puts containers saved in `proxy.istio.io/overrides` back
/// (`None` when there are none).
fn reinsert_overrides(pod: &Value) -> Option<Value> {
    let (containers, inits) = overrides_of(pod);
    if containers.is_empty() && inits.is_empty() {
        return None;
    }
    let mut p = pod.clone();
    let spec = spec_mut(&mut p);
    for (field, items) in [("containers", containers), ("initContainers", inits)] {
        for c in items {
            if find_container(seq(spec, field), name_of(&c)).is_none() {
                seq_mut(spec, field).push(c);
            }
        }
    }
    Some(p)
}

fn move_container(pod: &mut Value, from: &str, to: &str, name: &str) {
    let spec = spec_mut(pod);
    let Some(list) = spec.get_mut(from).and_then(Value::as_seq_mut) else { return };
    let Some(i) = list.iter().position(|c| name_of(c) == name) else { return };
    let c = list.remove(i);
    seq_mut(spec, to).push(c);
}

#[derive(Clone, Copy, PartialEq)]
enum Place {
    First,
    Last,
}

fn modify(list: &mut Vec<Value>, name: &str, place: Place) {
    if let Some(i) = list.iter().position(|c| name_of(c) == name) {
        let c = list.remove(i);
        match place {
            Place::First => list.insert(0, c),
            Place::Last => list.push(c),
        }
    }
}


/// Runs the pipeline; returns the injected pod (`metadata` and `spec`, not yet normalised).
pub fn inject(pod: &Value, w: &Workload, cfg: &Config, native_default: bool) -> Result<Value, String> {
    let empty = Mapping::new();
    let annotations: &Mapping = pod.get_path(&["metadata", "annotations"]).and_then(Value::as_map).unwrap_or(&empty);
    crate::annotations::validate(annotations)?;

    let user_templates = cfg.v(&["sidecarInjectorWebhook", "templates"]).and_then(Value::as_map);
    let selected: Vec<String> = match annotations.get("inject.istio.io/templates").and_then(Value::as_str) {
        // Split and trimmed, nothing dropped: an empty entry ("sidecar," or "") is a template
        // named "" that does not exist, an error like any unknown name.
        Some(list) => list.split(',').map(|t| t.trim().to_string()).collect(),
        None => {
            let defaults: Vec<String> = cfg
                .v(&["sidecarInjectorWebhook", "defaultTemplates"])
                .and_then(Value::as_seq)
                .map(|l| l.iter().filter_map(|x| x.as_str().map(String::from)).collect())
                .unwrap_or_default();
            if defaults.is_empty() { vec!["sidecar".to_string()] } else { defaults }
        }
    };
    // Only the sidecar template has a native layout; gateways and agents keep istio-proxy a container.
    let native = selected.iter().any(|t| t == "sidecar")
        && match annotations.get("sidecar.istio.io/nativeSidecar").and_then(Value::as_str) {
            Some("true") => true,
            Some("false") => false,
            _ => native_default,
        };

    // Proxy config: mesh defaultConfig, then the pod annotation.
    let mut pc = cfg.mesh.get("defaultConfig").and_then(Value::as_map).cloned().unwrap_or_default();
    let mut pc_set = cfg.proxy_config_set.clone();
    if let Some(raw) = annotations.get("proxy.istio.io/config").and_then(Value::as_str) {
        if let Ok(Value::Map(over)) = meshsim_yaml::load(raw) {
            crate::proxyconfig::merge(&mut pc, &over);
            crate::proxyconfig::merge(&mut pc_set, &over);
        }
    }
    let proxy_config = Value::Map(pc);
    let proxy_config_json = crate::proxyconfig::to_env_json(&pc_set);
    let mesh_status_port = sprint(proxy_config.get("statusPort"));

    // Cluster and network overrides of the proxy environment.
    let labels: &Mapping = pod.get_path(&["metadata", "labels"]).and_then(Value::as_map).unwrap_or(&empty);
    let mut proxy_envs: Vec<(String, String)> = Vec::new();
    let cluster = cfg.v_str(&["global", "multiCluster", "clusterName"]).to_string();
    let mut network = cfg.v_str(&["global", "network"]).to_string();
    if let Some(n) = labels.get("topology.istio.io/network").and_then(Value::as_str) {
        network = n.to_string();
    }
    if !cluster.is_empty() {
        proxy_envs.push(("ISTIO_META_CLUSTER_ID".into(), cluster));
    }
    if !network.is_empty() {
        proxy_envs.push(("ISTIO_META_NETWORK".into(), network));
    }
    meshsim_yaml::sort::sort(&mut proxy_envs);

    let stripped_owned = strip(pod, &mesh_status_port);
    let stripped_ref = stripped_owned.as_ref().unwrap_or(pod);
    let reinserted = reinsert_overrides(stripped_ref);
    let stripped = reinserted.as_ref().unwrap_or(stripped_ref);
    let null = Value::Null;
    let stripped_spec = stripped.get("spec").unwrap_or(&null);
    let s_labels: &Mapping = stripped.get_path(&["metadata", "labels"]).and_then(Value::as_map).unwrap_or(&empty);
    let s_annotations: &Mapping = stripped.get_path(&["metadata", "annotations"]).and_then(Value::as_map).unwrap_or(&empty);

    // A user istio-proxy that sets runAsUser/runAsGroup changes the uid iptables exempts.
    let user_proxy = find_in_pod(pod, "istio-proxy");
    let sc = |k: &str| user_proxy.and_then(|c| c.get_path(&["securityContext", k])).and_then(Value::as_i64);
    let proxy_uid = sc("runAsUser").filter(|u| *u != 0).unwrap_or(1337);
    let proxy_gid = sc("runAsGroup").filter(|g| *g != 0).unwrap_or(1337);

    let proxy_image = proxy_image(cfg, &proxy_config, annotations);
    let tpl = Tpl {
        api_version: w.api_version,
        kind: w.kind,
        deploy_name: w.name,
        deploy_namespace: w.namespace,
        labels: s_labels,
        annotations: s_annotations,
        spec: stripped_spec,
        cfg,
        proxy_config: &proxy_config,
        proxy_config_json: &proxy_config_json,
        native,
        proxy_image: &proxy_image,
        proxy_uid,
        proxy_gid,
    };

    let mut merged = pod.clone();
    let mut template_pod = Value::Map(Mapping::new());
    for name in &selected {
        let user = user_templates.and_then(|m| m.get(name.as_str())).and_then(Value::as_str);
        let rendered = match (user, name.as_str()) {
            (Some(src), _) => {
                let Some(renderer) = cfg.renderer else {
                    return Err(format!(
                        "template {} is user-written (values.sidecarInjectorWebhook.templates) and this build has no Go template engine; use the meshsim command",
                        crate::objects::go_quote(name)
                    ));
                };
                let text = renderer.0.render_pod(name, src, &tpl, stripped.get("metadata").unwrap_or(&null))?;
                meshsim_yaml::load(&text).map_err(|e| {
                    format!("failed parsing generated injected YAML (check Istio sidecar injector configuration): {}", e.message)
                })?
            }
            (None, other) => match templates::render(other, &tpl) {
                Some(v) => v,
                None => {
                    let mut have: Vec<String> = templates::NAMES.iter().map(|t| t.to_string()).collect();
                    have.extend(user_templates.into_iter().flat_map(|m| m.keys().cloned()));
                    meshsim_yaml::sort::sort(&mut have);
                    have.dedup();
                    return Err(format!("requested template {} not found; have {}", crate::objects::go_quote(other), have.join(", ")));
                }
            },
        };
        merge_into(&mut template_pod, &rendered, "");
        if native {
            move_container(&mut merged, "containers", "initContainers", "istio-proxy");
        }
        merge_into(&mut merged, &rendered, "");
    }

    let tproxy = annotations
        .get("sidecar.istio.io/interceptionMode")
        .and_then(Value::as_str)
        .or_else(|| proxy_config.get("interceptionMode").and_then(Value::as_str))
        == Some("TPROXY");
    reapply_overrides(&mut merged, pod, &template_pod, tproxy);
    post_process(&mut merged, &template_pod, pod, cfg, &proxy_envs, &mesh_status_port)?;
    Ok(merged)
}

/// Istio's `ProxyImage` + `imageURL`.
fn proxy_image(cfg: &Config, proxy_config: &Value, annotations: &Mapping) -> String {
    let mut image_type = cfg.v_str(&["global", "variant"]).to_string();
    if let Some(t) = proxy_config.get_path(&["image", "imageType"]).and_then(Value::as_str) {
        image_type = t.to_string();
    }
    let mut name = cfg.v_str(&["global", "proxy", "image"]).to_string();
    if name.is_empty() {
        name = "proxyv2".into();
    }
    if let Some(t) = annotations.get("sidecar.istio.io/proxyImageType").and_then(Value::as_str) {
        image_type = t.to_string();
    }
    let mut tag = sprint(cfg.v(&["global", "tag"]));
    if !image_type.is_empty() {
        for suffix in ["-debug", "-distroless"] {
            if let Some(t) = tag.strip_suffix(suffix) {
                tag = t.to_string();
                break;
            }
        }
        if image_type != "default" {
            tag = format!("{tag}-{image_type}");
        }
    }
    if name.contains('/') {
        return format!("{name}:{tag}");
    }
    format!("{}/{name}:{tag}", cfg.v_str(&["global", "hub"]))
}

/// Istio's `reapplyOverwrittenContainers`.
fn reapply_overrides(merged: &mut Value, original: &Value, template_pod: &Value, tproxy: bool) {
    let (existing_c, existing_i) = overrides_of(original);
    let status = parse_status(original);
    let mut recorded: Vec<(String, Vec<Value>)> = Vec::new();
    let null = Value::Null;
    let tspec = template_pod.get("spec").unwrap_or(&null);
    for (field, existing, injected) in [
        ("containers", &existing_c, status.as_ref().map(|s| &s.containers)),
        ("initContainers", &existing_i, status.as_ref().map(|s| &s.init_containers)),
    ] {
        let mut list = Vec::new();
        for c in seq(tspec, field) {
            let name = name_of(c);
            // A container an earlier injection added in the same place is the template's own. (One
            // added elsewhere, e.g. a classic istio-proxy re-injected as native, is laid over the new
            // one, so its old fields win, as in Istio.)
            if injected.is_some_and(|names| names.iter().any(|n| n == name)) {
                continue;
            }
            let Some(found) = find_container(existing, name).or_else(|| find_in_pod(original, name)) else { continue };
            let mut overlay = crate::schema::normalize(found, "Container").unwrap_or_else(|_| found.clone());
            if overlay.get("image").and_then(Value::as_str) == Some("auto") {
                overlay.as_map_mut().expect("container is a mapping").shift_remove("image");
            }
            let patch = crate::tree::map([(
                "spec",
                Some(crate::tree::map([(field, Some(Value::Seq(vec![overlay.clone()])))])),
            )]);
            merge_into(merged, &patch, "");
            if tproxy && name == "istio-proxy" {
                // TPROXY needs the proxy to run as root; the user's uid only reaches iptables (-u).
                if let Some(sc) = find_in_pod_mut(merged, name).and_then(|c| c.get_mut("securityContext")).and_then(Value::as_map_mut) {
                    sc.insert("runAsUser".into(), Value::Int(0));
                }
            }
            list.push(overlay);
        }
        if !list.is_empty() {
            recorded.push((field.to_string(), list));
        }
    }
    // Overrides are recorded only on a first injection.
    if !recorded.is_empty() && status.is_none() {
        let mut m = Mapping::new();
        for (field, list) in recorded {
            m.insert(field, Value::Seq(list));
        }
        annotations_mut(merged).insert("proxy.istio.io/overrides".into(), Value::String(meshsim_yaml::to_json(&Value::Map(m))));
    }
}

fn post_process(
    pod: &mut Value,
    template_pod: &Value,
    original: &Value,
    cfg: &Config,
    proxy_envs: &[(String, String)],
    mesh_status_port: &str,
) -> Result<(), String> {
    annotations_mut(pod);
    pod.get_mut("metadata").expect("metadata").entry_map("labels");

    // Cluster/network overrides move to the end of the proxy env, sorted.
    if !proxy_envs.is_empty() {
        if let Some(sidecar) = find_in_pod_mut(pod, "istio-proxy") {
            let e = seq_mut(sidecar, "env");
            e.retain(|v| !proxy_envs.iter().any(|(k, _)| k == name_of(v)));
            for (k, v) in proxy_envs {
                e.push(crate::tree::map([("name", crate::tree::ss(k.clone())), ("value", crate::tree::ss(v.clone()))]));
            }
        }
    }

    prometheus_merge(pod, cfg, mesh_status_port)?;
    probe::rewrite(pod, cfg, mesh_status_port, original);

    if let Some((_, n)) = proxy_envs.iter().find(|(k, _)| k == "ISTIO_META_NETWORK") {
        pod.get_mut("metadata").expect("metadata").entry_map("labels").insert("topology.istio.io/network".into(), Value::String(n.clone()));
    }
    let null = Value::Null;
    let tspec = template_pod.get("spec").unwrap_or(&null);
    let names = |field: &str| -> Value {
        let l = seq(tspec, field);
        if l.is_empty() {
            Value::Null
        } else {
            Value::Seq(l.iter().map(|c| Value::String(name_of(c).to_string())).collect())
        }
    };
    let rev = if cfg.revision.is_empty() { "default".to_string() } else { cfg.revision.clone() };
    let status = crate::tree::map([
        ("initContainers", Some(names("initContainers"))),
        ("containers", Some(names("containers"))),
        ("volumes", Some(names("volumes"))),
        ("imagePullSecrets", Some(names("imagePullSecrets"))),
        ("revision", Some(Value::String(rev))),
    ]);
    annotations_mut(pod).insert("sidecar.istio.io/status".into(), Value::String(meshsim_yaml::to_json(&status)));
    reorder(pod, original, cfg);
    Ok(())
}

fn prometheus_merge(pod: &mut Value, cfg: &Config, status_port: &str) -> Result<(), String> {
    let a = string_map(pod.get("metadata").unwrap_or(&Value::Null), "annotations");
    let scrape_off = a.iter().any(|(k, v)| {
        normalized_annotation_key(k) == "prometheus_io_scrape" && crate::annotations::parse_bool(&sprint(Some(v))) == Some(false)
    });
    if scrape_off {
        return Ok(());
    }
    let merge = match a.get("prometheus.istio.io/merge-metrics") {
        Some(v) => crate::annotations::parse_bool(&sprint(Some(v))).unwrap_or(true),
        None => !matches!(cfg.mesh.get("enablePrometheusMerge"), Some(Value::Bool(false))),
    };
    if !merge {
        return Ok(());
    }
    if prometheus_port(pod).as_deref() == Some(status_port) {
        return Ok(());
    }
    let get = |k: &str| a.get(k).map(|v| sprint(Some(v))).unwrap_or_default();
    let (scrape, path, port) = (get("prometheus.io/scrape"), get("prometheus.io/path"), get("prometheus.io/port"));
    if !port.is_empty() {
        if let Some(e) = u16_error(&port) {
            return Err(format!("invalid prometheus scrape configuration: {e}"));
        }
    }
    if !scrape.is_empty() || !path.is_empty() || !port.is_empty() {
        let cfgv = crate::tree::map([
            ("scrape", (!scrape.is_empty()).then(|| Value::String(scrape.clone()))),
            ("path", (!path.is_empty()).then(|| Value::String(path.clone()))),
            ("port", (!port.is_empty()).then(|| Value::String(port.clone()))),
        ]);
        if let Some(sidecar) = find_in_pod_mut(pod, "istio-proxy") {
            seq_mut(sidecar, "env").push(crate::tree::map([
                ("name", crate::tree::ss("ISTIO_PROMETHEUS_ANNOTATIONS")),
                ("value", Some(Value::String(meshsim_yaml::to_json(&cfgv)))),
            ]));
        }
    }
    clear_prometheus_annotations(pod);
    let a = annotations_mut(pod);
    a.insert("prometheus.io/port".into(), Value::String(status_port.to_string()));
    a.insert("prometheus.io/path".into(), Value::String("/stats/prometheus".into()));
    a.insert("prometheus.io/scrape".into(), Value::String("true".into()));
    Ok(())
}

/// The message of Rust's `parse::<u16>` error for `s`, if any (std's u16 parser is not linked
/// otherwise): digits are read left to right and the first bad digit or overflow is reported.
fn u16_error(s: &str) -> Option<&'static str> {
    const INVALID: &str = "invalid digit found in string";
    const OVERFLOW: &str = "number too large to fit in target type";
    let digits = match s.as_bytes() {
        [] => return Some("cannot parse integer from empty string"),
        [b'+' | b'-'] => return Some(INVALID),
        [b'+', rest @ ..] => rest,
        all => all,
    };
    let mut v: u32 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return Some(INVALID);
        }
        v = v * 10 + u32::from(c - b'0');
        if v > u32::from(u16::MAX) {
            return Some(OVERFLOW);
        }
    }
    None
}

/// Istio's `reorderPod`.
fn reorder(pod: &mut Value, original: &Value, cfg: &Config) {
    let mut hold = cfg.v_bool(&["global", "proxy", "holdApplicationUntilProxyStarts"])
        || matches!(cfg.mesh.get_path(&["defaultConfig", "holdApplicationUntilProxyStarts"]), Some(Value::Bool(true)));
    if let Some(raw) = ann(original, "proxy.istio.io/config").and_then(Value::as_str) {
        if let Ok(v) = meshsim_yaml::load(raw) {
            if let Some(Value::Bool(b)) = v.get("holdApplicationUntilProxyStarts") {
                hold = *b || cfg.v_bool(&["global", "proxy", "holdApplicationUntilProxyStarts"]);
            }
        }
    }
    let spec = spec_mut(pod);
    if let Some(c) = spec.get_mut("containers").and_then(Value::as_seq_mut) {
        modify(c, "istio-proxy", if hold { Place::First } else { Place::Last });
    }
    let native = seq(spec, "initContainers").iter().any(|c| name_of(c) == "istio-proxy");
    if let Some(i) = spec.get_mut("initContainers").and_then(Value::as_seq_mut) {
        if native {
            modify(i, "enable-core-dump", Place::First);
            modify(i, "istio-proxy", Place::First);
            modify(i, "istio-validation", Place::First);
            modify(i, "istio-init", Place::First);
        } else {
            modify(i, "istio-init", Place::Last);
            modify(i, "istio-validation", Place::First);
            modify(i, "enable-core-dump", Place::Last);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn u16_errors_like_std() {
        let mut cases: Vec<String> = ["", "+", "-", "-1", "+1", "0", "65535", "65536", "99999x", "6553x", "x", "1 ", "00000000065535", "+-1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let alphabet = b"0123569+-x";
        let mut x: u64 = 0x1234_5678_9abc_def1;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cases.push((0..(x % 9) as usize).map(|i| alphabet[((x >> (i * 4 + 4)) % 10) as usize] as char).collect());
        }
        for c in &cases {
            assert_eq!(super::u16_error(c), c.parse::<u16>().err().map(|e| e.to_string()).as_deref(), "{c:?}");
        }
    }
}
