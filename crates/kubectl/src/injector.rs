//! The webhook's injector, backed by the real injection engine: the pod goes
//! through `meshsim_inject::inject_value` (the same code as `kube-inject`, without
//! the text round trip) and comes back as a pod.

use meshsim_cluster::{Injector, Pod};

use crate::convert::{decode, pod_for_injection};

/// Injects with `meshsim_inject` using the given options (hub, tag, ...).
#[derive(Default)]
pub struct EngineInjector {
    pub options: meshsim_inject::Options,
}

impl Injector for EngineInjector {
    fn inject(&self, pod: &Pod, native_sidecars: bool) -> Result<Pod, String> {
        let cfg = meshsim_inject::config_from(&self.options).map_err(|e| e.to_string())?;
        let (value, _warnings) =
            meshsim_inject::inject_value(&pod_for_injection(pod), &cfg, native_sidecars).map_err(|e| e.to_string())?;
        match decode(&value, &pod.meta.namespace) {
            Ok(meshsim_cluster::Object::Pod(p)) => Ok(*p),
            Ok(_) => Err("injector returned something other than a Pod".into()),
            Err(e) => Err(e.to_string()),
        }
    }
}
