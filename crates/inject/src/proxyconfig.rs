//! The proxy config a pod runs with, and the `PROXY_CONFIG` JSON the sidecar receives.
//!
//! The effective config is the mesh `defaultConfig` with the pod's `proxy.istio.io/config` merged over
//! it (maps merge, e.g. `proxyMetadata`). `PROXY_CONFIG` prints only what differs from Istio's
//! defaults (Istio's `cleanProxyConfig`), in the field order of the ProxyConfig proto.

use meshsim_yaml::{Mapping, Value};

/// ProxyConfig fields in proto declaration order (protojson prints in this order).
const FIELD_ORDER: &[&str] = &[
    "configPath", "binaryPath", "serviceCluster", "drainDuration", "parentShutdownDuration",
    "discoveryAddress", "discoveryRefreshDelay", "zipkinAddress", "statsdUdpAddress",
    "envoyMetricsServiceAddress", "proxyAdminPort", "availabilityZone", "controlPlaneAuthPolicy",
    "customConfigFile", "statNameLength", "concurrency", "proxyBootstrapTemplatePath",
    "interceptionMode", "tracing", "sds", "envoyAccessLogService", "envoyMetricsService",
    "proxyMetadata", "runtimeValues", "statusPort", "extraStatTags", "gatewayTopology",
    "terminationDrainDuration", "meshId", "readinessProbe", "proxyStatsMatcher",
    "holdApplicationUntilProxyStarts", "caCertificatesPem", "image", "privateKeyProvider",
    "proxyHeaders", "fileFlushInterval", "fileFlushMinSizeKb",
];

/// Values Istio strips from `PROXY_CONFIG` because they are the defaults.
fn is_default(key: &str, v: &Value) -> bool {
    let s = crate::tree::sprint(Some(v));
    match key {
        "configPath" => s == "./etc/istio/proxy",
        "binaryPath" => s == "/usr/local/bin/envoy",
        "controlPlaneAuthPolicy" => s == "MUTUAL_TLS",
        "drainDuration" => s == "45s",
        "terminationDrainDuration" => s == "5s",
        "discoveryAddress" => s == "istiod.istio-system.svc:15012",
        "proxyAdminPort" => s == "15000",
        "statNameLength" => s == "189",
        "statusPort" => s == "15020",
        "concurrency" => s == "2",
        // Enum zero values are never printed by protojson.
        "interceptionMode" => s == "REDIRECT",
        "proxyMetadata" => matches!(v, Value::Map(m) if m.is_empty()),
        "tracing" => v.get_path(&["zipkin", "address"]).and_then(Value::as_str) == Some("zipkin.istio-system:9411") && v.as_map().map(|m| m.len()) == Some(1),
        _ => false,
    }
}

/// Merges a proxy config overlay (maps merge, scalars replace).
pub fn merge(base: &mut Mapping, overlay: &Mapping) {
    for (k, v) in overlay {
        match (base.get_mut(k.as_str()), v) {
            (Some(Value::Map(b)), Value::Map(o)) if k == "proxyMetadata" => {
                for (mk, mv) in o {
                    b.insert(mk.clone(), mv.clone());
                }
            }
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// `PROXY_CONFIG`: the explicitly set, non-default fields as compact JSON.
pub fn to_env_json(set: &Mapping) -> String {
    let mut out = Mapping::new();
    for key in FIELD_ORDER {
        if let Some(v) = set.get(*key) {
            if !v.is_null() && !is_default(key, v) {
                out.insert(key.to_string(), sort_maps(v));
            }
        }
    }
    for (k, v) in set {
        if !FIELD_ORDER.contains(&k.as_str()) && !v.is_null() {
            out.insert(k.clone(), sort_maps(v));
        }
    }
    meshsim_yaml::to_json(&Value::Map(out))
}

fn sort_maps(v: &Value) -> Value {
    match v {
        Value::Map(m) => {
            let mut entries: Vec<(String, Value)> = m.iter().map(|(k, v)| (k.clone(), sort_maps(v))).collect();
            crate::tree::sort_entries(&mut entries);
            Value::Map(entries.into_iter().collect())
        }
        Value::Seq(s) => Value::Seq(s.iter().map(sort_maps).collect()),
        other => other.clone(),
    }
}
