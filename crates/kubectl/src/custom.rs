//! Istio's custom resources. The cluster has Istio installed, so its CRDs are
//! served: VirtualServices, DestinationRules, Gateways and friends can be applied,
//! listed (with each CRD's printer columns) and deleted. Nothing acts on them here.

use meshsim_cluster::time::age;
use meshsim_cluster::{CustomObject, ObjectMeta, StringMap};
use meshsim_yaml::Value;

use crate::convert::{from_tree, to_tree};

/// A custom resource definition the cluster serves.
#[derive(Debug)]
pub struct CustomKind {
    pub kind: &'static str,
    pub group: &'static str,
    pub versions: &'static [&'static str],
    pub plural: &'static str,
    pub short: &'static [&'static str],
    /// Extra printer columns: header and the `.spec` field shown.
    pub columns: &'static [(&'static str, &'static str)],
}

const NET: &[&str] = &["v1", "v1beta1", "v1alpha3"];
const SEC: &[&str] = &["v1", "v1beta1"];

/// The CRDs Istio 1.30 installs that learners apply.
pub const KINDS: &[CustomKind] = &[
    CustomKind {
        kind: "VirtualService",
        group: "networking.istio.io",
        versions: NET,
        plural: "virtualservices",
        short: &["vs"],
        columns: &[("GATEWAYS", "gateways"), ("HOSTS", "hosts")],
    },
    CustomKind {
        kind: "DestinationRule",
        group: "networking.istio.io",
        versions: NET,
        plural: "destinationrules",
        short: &["dr"],
        columns: &[("HOST", "host")],
    },
    CustomKind {
        kind: "Gateway",
        group: "networking.istio.io",
        versions: NET,
        plural: "gateways",
        short: &["gw"],
        columns: &[],
    },
    CustomKind {
        kind: "ServiceEntry",
        group: "networking.istio.io",
        versions: NET,
        plural: "serviceentries",
        short: &["se"],
        columns: &[
            ("HOSTS", "hosts"),
            ("LOCATION", "location"),
            ("RESOLUTION", "resolution"),
        ],
    },
    CustomKind {
        kind: "Sidecar",
        group: "networking.istio.io",
        versions: NET,
        plural: "sidecars",
        short: &[],
        columns: &[],
    },
    CustomKind {
        kind: "PeerAuthentication",
        group: "security.istio.io",
        versions: SEC,
        plural: "peerauthentications",
        short: &["pa"],
        columns: &[("MODE", "mtls.mode")],
    },
    CustomKind {
        kind: "AuthorizationPolicy",
        group: "security.istio.io",
        versions: SEC,
        plural: "authorizationpolicies",
        short: &["ap"],
        columns: &[("ACTION", "action")],
    },
    CustomKind {
        kind: "RequestAuthentication",
        group: "security.istio.io",
        versions: SEC,
        plural: "requestauthentications",
        short: &["ra"],
        columns: &[],
    },
    CustomKind {
        kind: "Telemetry",
        group: "telemetry.istio.io",
        versions: &["v1", "v1alpha1"],
        plural: "telemetries",
        short: &["telemetry"],
        columns: &[],
    },
];

impl CustomKind {
    /// `virtualservice.networking.istio.io`, as apply prints it.
    pub fn reference(&self) -> String {
        format!("{}.{}", self.kind.to_ascii_lowercase(), self.group)
    }

    /// `virtualservices.networking.istio.io`, as API errors name it.
    pub fn plural_ref(&self) -> &'static str {
        match self.kind {
            "VirtualService" => "virtualservices.networking.istio.io",
            "DestinationRule" => "destinationrules.networking.istio.io",
            "Gateway" => "gateways.networking.istio.io",
            "ServiceEntry" => "serviceentries.networking.istio.io",
            "Sidecar" => "sidecars.networking.istio.io",
            "PeerAuthentication" => "peerauthentications.security.istio.io",
            "AuthorizationPolicy" => "authorizationpolicies.security.istio.io",
            "RequestAuthentication" => "requestauthentications.security.istio.io",
            _ => "telemetries.telemetry.istio.io",
        }
    }

    /// Column headers of `kubectl get`.
    pub fn headers(&self) -> Vec<String> {
        let mut h = vec!["NAME".to_string()];
        h.extend(self.columns.iter().map(|(c, _)| c.to_string()));
        h.push("AGE".into());
        h
    }

    /// One `kubectl get` row.
    pub fn row(&self, o: &CustomObject, now: meshsim_cluster::time::Nanos) -> Vec<String> {
        let mut r = vec![o.meta.name.clone()];
        let spec = o.body.get("spec").map(from_tree).unwrap_or(Value::Null);
        for (_, path) in self.columns {
            let parts: Vec<&str> = path.split('.').collect();
            let cell = match spec.get_path(&parts) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(v @ (Value::Seq(_) | Value::Map(_))) => meshsim_yaml::to_json(v),
                Some(v) => meshsim_yaml::to_json(v),
            };
            r.push(cell);
        }
        r.push(age(now, o.meta.creation));
        r
    }
}

/// The custom kind a resource name on the command line refers to.
pub fn by_resource(name: &str) -> Option<&'static CustomKind> {
    let lower = name.to_ascii_lowercase();
    let (base, group) = match lower.split_once('.') {
        Some((b, g)) => (b.to_string(), g.to_string()),
        None => (lower.clone(), String::new()),
    };
    KINDS.iter().find(|k| {
        let names = base == k.plural
            || base == k.kind.to_ascii_lowercase()
            || k.short.contains(&base.as_str());
        names
            && (group.is_empty()
                || group == k.group
                || k.versions
                    .iter()
                    .any(|v| group == format!("{v}.{}", k.group)))
    })
}

/// The custom kind a manifest's `kind` and `apiVersion` name, if the cluster serves it.
pub fn by_manifest(kind: &str, api_version: &str) -> Option<&'static CustomKind> {
    let (group, version) = api_version.split_once('/')?;
    KINDS
        .iter()
        .find(|k| k.kind == kind && k.group == group && k.versions.contains(&version))
}

/// A manifest as a custom object in `default_ns` unless it names its namespace.
pub fn decode(v: &Value, default_ns: &str) -> CustomObject {
    let m = v.get("metadata");
    let text = |x: Option<&Value>| x.and_then(Value::as_str).unwrap_or("").to_string();
    let map = |x: Option<&Value>| -> StringMap {
        x.and_then(Value::as_map)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| meshsim_yaml::to_json(v)),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let ns = text(m.and_then(|m| m.get("namespace")));
    CustomObject {
        meta: ObjectMeta {
            name: text(m.and_then(|m| m.get("name"))),
            namespace: if ns.is_empty() {
                default_ns.to_string()
            } else {
                ns
            },
            labels: map(m.and_then(|m| m.get("labels"))),
            annotations: map(m.and_then(|m| m.get("annotations"))),
            ..ObjectMeta::default()
        },
        api_version: text(v.get("apiVersion")),
        kind: text(v.get("kind")),
        body: v
            .as_map()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| {
                        !["apiVersion", "kind", "metadata", "status"].contains(&k.as_str())
                    })
                    .map(|(k, v)| (k.clone(), to_tree(v)))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// A custom object as the API server returns it (`-o yaml`).
pub fn encode(o: &CustomObject) -> Value {
    let mut m = meshsim_yaml::Mapping::new();
    m.insert("apiVersion".into(), o.api_version.clone().into());
    m.insert("kind".into(), o.kind.clone().into());
    let mut md = meshsim_yaml::Mapping::new();
    if !o.meta.annotations.is_empty() {
        md.insert(
            "annotations".into(),
            Value::Map(
                o.meta
                    .annotations
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            ),
        );
    }
    md.insert(
        "creationTimestamp".into(),
        meshsim_cluster::time::rfc3339(o.meta.creation).into(),
    );
    md.insert("generation".into(), Value::Int(o.meta.generation));
    if !o.meta.labels.is_empty() {
        md.insert(
            "labels".into(),
            Value::Map(
                o.meta
                    .labels
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            ),
        );
    }
    md.insert("name".into(), o.meta.name.clone().into());
    md.insert("namespace".into(), o.meta.namespace.clone().into());
    md.insert(
        "resourceVersion".into(),
        o.meta.resource_version.to_string().into(),
    );
    md.insert("uid".into(), o.meta.uid.clone().into());
    m.insert("metadata".into(), Value::Map(md));
    for (k, v) in &o.body {
        m.insert(k.clone(), from_tree(v));
    }
    Value::Map(m)
}
