//! Application probe rewriting: kubelet probes go to the agent on the status port, which calls the app.
//!
//! Every `httpGet`, `tcpSocket` and `grpc` probe (and `httpGet`/`tcpSocket` lifecycle hook) of every
//! container except `istio-proxy` becomes an `httpGet` to `:15020/app-health/<c>/{readyz,livez,startupz}`
//! (or `/app-lifecycle/<c>/{prestopz,poststartz}`); the original targets are recorded for the agent in
//! `ISTIO_KUBE_APP_PROBERS`, keyed by those paths.

use crate::config::Config;
use crate::tree::{name_of, seq, seq_mut, sprint};
use meshsim_yaml::{Mapping, Value};

const PROBES: [(&str, &str); 3] = [("readinessProbe", "readyz"), ("livenessProbe", "livez"), ("startupProbe", "startupz")];
const HOOKS: [(&str, &str); 2] = [("preStop", "prestopz"), ("postStart", "poststartz")];

fn url(container: &str, kind: &str) -> String {
    let group = if kind == "prestopz" || kind == "poststartz" { "app-lifecycle" } else { "app-health" };
    format!("/{group}/{container}/{kind}")
}

/// The prober the agent needs for one probe, or `None` when nothing is to be recorded.
fn prober(probe: &Value, ports: &Mapping, target_port: i64, lifecycle: bool) -> Option<Value> {
    let mut out = Mapping::new();
    if let (false, Some(g)) = (lifecycle, probe.get("grpc")) {
        out.insert("grpc".into(), crate::schema::normalize(g, "GRPCAction").ok()?);
    } else {
        let (kind, action) = if let Some(h) = probe.get("httpGet") {
            ("httpGet", h)
        } else if let Some(t) = probe.get("tcpSocket") {
            ("tcpSocket", t)
        } else {
            return None;
        };
        let ty = if kind == "httpGet" { "HTTPGetAction" } else { "TCPSocketAction" };
        let mut a = crate::schema::normalize(action, ty).ok()?;
        match a.get("port") {
            Some(Value::String(name)) => {
                let p = ports.get(name)?.clone();
                a.as_map_mut().expect("action").insert("port".into(), p);
            }
            Some(Value::Int(p)) if *p == target_port => return None,
            _ => {}
        }
        out.insert(kind.into(), a);
    }
    if !lifecycle {
        if let Some(Value::Int(t)) = probe.get("timeoutSeconds") {
            if *t != 0 {
                out.insert("timeoutSeconds".into(), Value::Int(*t));
            }
        }
    }
    Some(Value::Map(out))
}

fn converted(probe: &Value, path: &str, port: i64, lifecycle: bool) -> Option<Value> {
    let mut p = probe.as_map()?.clone();
    if let Some(Value::Map(h)) = p.get_mut("httpGet") {
        h.insert("port".into(), Value::Int(port));
        h.insert("path".into(), Value::String(path.into()));
        if h.get("scheme").and_then(Value::as_str) == Some("HTTPS") {
            h.insert("scheme".into(), Value::String("HTTP".into()));
        }
        return Some(Value::Map(p));
    }
    let other = if p.contains_key("tcpSocket") {
        "tcpSocket"
    } else if !lifecycle && p.contains_key("grpc") {
        "grpc"
    } else {
        return None;
    };
    p.shift_remove(other);
    let mut h = Mapping::new();
    h.insert("path".into(), Value::String(path.into()));
    h.insert("port".into(), Value::Int(port));
    p.insert("httpGet".into(), Value::Map(h));
    Some(Value::Map(p))
}

fn find_proxy(spec: &Value) -> bool {
    seq(spec, "containers").iter().chain(seq(spec, "initContainers")).any(|c| name_of(c) == "istio-proxy")
}

/// Rewrites probes and records `ISTIO_KUBE_APP_PROBERS` on the proxy (merged with an earlier record).
pub fn rewrite(pod: &mut Value, cfg: &Config, mesh_status_port: &str, original: &Value) {
    let Some(spec) = pod.get("spec") else { return };
    if !find_proxy(spec) {
        return;
    }
    let annotations = crate::tree::string_map(pod.get("metadata").unwrap_or(&Value::Null), "annotations");
    let enabled = match annotations.get("sidecar.istio.io/rewriteAppHTTPProbers").map(|v| sprint(Some(v))) {
        Some(v) => crate::annotations::parse_bool(&v).unwrap_or(cfg.v_bool(&["sidecarInjectorWebhook", "rewriteAppHTTPProbe"])),
        None => cfg.v_bool(&["sidecarInjectorWebhook", "rewriteAppHTTPProbe"]),
    };
    if !enabled {
        return;
    }
    let target: i64 = mesh_status_port.parse().unwrap_or(15020);

    // Record the original probes.
    let mut probers: Vec<(String, Value)> = Vec::new();
    for c in seq(spec, "containers").iter().chain(seq(spec, "initContainers")) {
        let name = name_of(c);
        if name == "istio-proxy" {
            continue;
        }
        let mut ports = Mapping::new();
        for p in seq(c, "ports") {
            if let (Some(n), Some(cp)) = (p.get("name").and_then(Value::as_str), p.get("containerPort")) {
                if !n.is_empty() {
                    ports.insert(n.to_string(), cp.clone());
                }
            }
        }
        for (field, kind) in PROBES {
            if let Some(pr) = c.get(field).and_then(|p| prober(p, &ports, target, false)) {
                probers.push((url(name, kind), pr));
            }
        }
        for (field, kind) in HOOKS {
            if let Some(pr) = c.get_path(&["lifecycle", field]).and_then(|p| prober(p, &ports, target, true)) {
                probers.push((url(name, kind), pr));
            }
        }
    }

    // The status port annotation moves the rewritten probes (the record above uses the mesh port).
    let port: i64 = match annotations.get("status.sidecar.istio.io/port") {
        Some(v) => sprint(Some(v)).parse().unwrap_or(0),
        None => target,
    };
    let spec = pod.get_mut("spec").expect("spec");
    for field in ["containers", "initContainers"] {
        let Some(list) = spec.get_mut(field).and_then(Value::as_seq_mut) else { continue };
        for c in list.iter_mut() {
            let name = name_of(c).to_string();
            if name == "istio-proxy" {
                continue;
            }
            for (pf, kind) in PROBES {
                if let Some(new) = c.get(pf).and_then(|p| converted(p, &url(&name, kind), port, false)) {
                    c.as_map_mut().expect("container").insert(pf.into(), new);
                }
            }
            for (hf, kind) in HOOKS {
                if let Some(new) = c.get_path(&["lifecycle", hf]).and_then(|p| converted(p, &url(&name, kind), port, true)) {
                    c.get_mut("lifecycle").and_then(Value::as_map_mut).expect("lifecycle").insert(hf.into(), new);
                }
            }
        }
    }

    if probers.is_empty() {
        return;
    }
    let previously_injected = original.get_path(&["metadata", "annotations", "sidecar.istio.io/status"]).is_some();
    let Some(sidecar) = crate::pod::find_in_pod_mut(pod, "istio-proxy") else { return };
    let env = seq_mut(sidecar, "env");
    let mut entries = probers;
    let mut existing = None;
    if previously_injected {
        existing = env.iter_mut().find(|e| name_of(e) == "ISTIO_KUBE_APP_PROBERS");
        if let Some(Value::Map(old)) = existing.as_ref().and_then(|e| e.get("value")).and_then(Value::as_str).and_then(|j| meshsim_yaml::load(j).ok()) {
            entries.extend(old);
        }
    }
    // Sorted by path; of equal paths the last wins (an earlier record over a new prober).
    crate::tree::sort_entries(&mut entries);
    let json = Value::String(meshsim_yaml::to_json(&Value::Map(entries.into_iter().collect())));
    match existing {
        Some(e) => {
            e.as_map_mut().expect("env var").insert("value".into(), json);
        }
        None => env.push(crate::tree::map([("name", crate::tree::ss("ISTIO_KUBE_APP_PROBERS")), ("value", Some(json))])),
    }
}
