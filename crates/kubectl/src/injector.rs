//! The webhook's injector, backed by the real injection engine: the pod goes
//! out as YAML, through `meshsim_inject::inject`, and comes back as a pod.

use meshsim_cluster::{Injector, Pod};

use crate::convert::{decode, pod_for_injection};

/// Injects with `meshsim_inject` using the given options (hub, tag, ...).
pub struct EngineInjector {
    pub options: meshsim_inject::Options,
}

impl Default for EngineInjector {
    fn default() -> Self {
        EngineInjector { options: meshsim_inject::Options::default() }
    }
}

impl Injector for EngineInjector {
    fn inject(&self, pod: &Pod, native_sidecars: bool) -> Result<Pod, String> {
        let text = meshsim_yaml::to_string(&pod_for_injection(pod));
        let mut opts = self.options.clone();
        opts.native_sidecars = native_sidecars;
        let injected = meshsim_inject::inject(&text, &opts).map_err(|f| f.error.to_string())?;
        let value = meshsim_yaml::load(&injected.output).map_err(|e| e.message)?;
        match decode(&value, &pod.meta.namespace) {
            Ok(meshsim_cluster::Object::Pod(p)) => Ok(*p),
            Ok(_) => Err("injector returned something other than a Pod".into()),
            Err(e) => Err(e.to_string()),
        }
    }
}
