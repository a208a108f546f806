//! The mutating admission webhook: Istio's sidecar injector. The cluster
//! decides *whether* to inject (namespace label `istio-injection`, pod label or
//! annotation `sidecar.istio.io/inject`); *what* to inject comes from an
//! [`Injector`], which the command layer backs with the real injection engine.

use crate::cluster::Cluster;
use crate::objects::Pod;

/// Something that rewrites a pod the way `istioctl kube-inject` would.
pub trait Injector {
    /// Return the injected pod, or the injector's error message.
    fn inject(&self, pod: &Pod, native_sidecars: bool) -> Result<Pod, String>;
}

impl Cluster {
    /// Istio's webhook selection rules for a new pod.
    pub(crate) fn wants_injection(&self, pod: &Pod) -> bool {
        let ns = &pod.meta.namespace;
        if ns == "kube-system" || ns == "kube-public" || ns == "istio-system" {
            return false;
        }
        if pod.meta.annotations.contains_key("sidecar.istio.io/status") {
            return false;
        }
        let ns_label = self
            .namespaces
            .get(ns)
            .and_then(|n| n.meta.labels.get("istio-injection"))
            .map(String::as_str);
        let pod_label = pod
            .meta
            .labels
            .get("sidecar.istio.io/inject")
            .map(String::as_str);
        let pod_annotation = pod
            .meta
            .annotations
            .get("sidecar.istio.io/inject")
            .map(String::as_str);
        match ns_label {
            Some("disabled") => false,
            Some("enabled") => pod_label != Some("false") && pod_annotation != Some("false"),
            _ => pod_label == Some("true"),
        }
    }
}
