//! The webhook's injector, backed by the real injection engine: the pod goes
//! out as a document, through `meshsim_inject::inject_value` (what
//! `istioctl kube-inject` does to one object), and comes back as a pod.

use meshsim_cluster::{Injector, Pod};

use crate::convert::{decode, pod_for_injection};

/// Injects with `meshsim_inject` using the given options (hub, tag, ...).
pub struct EngineInjector {
    /// The engine's configuration, resolved once from the options.
    config: Result<meshsim_inject::Config, String>,
}

impl EngineInjector {
    /// An injector with `istioctl kube-inject`'s options.
    pub fn new(options: &meshsim_inject::Options) -> Self {
        EngineInjector {
            config: meshsim_inject::config_from(options).map_err(|e| e.to_string()),
        }
    }
}

impl Default for EngineInjector {
    fn default() -> Self {
        EngineInjector::new(&meshsim_inject::Options::default())
    }
}

impl Injector for EngineInjector {
    fn inject(&self, pod: &Pod, native_sidecars: bool) -> Result<Pod, String> {
        let cfg = self.config.as_ref().map_err(Clone::clone)?;
        let (value, _warnings) =
            meshsim_inject::inject_value(&pod_for_injection(pod), cfg, native_sidecars)
                .map_err(|e| e.to_string())?;
        match decode(&value, &pod.meta.namespace) {
            Ok(meshsim_cluster::Object::Pod(p)) => Ok(*p),
            Ok(_) => Err("injector returned something other than a Pod".into()),
            Err(e) => Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value path gives the same pod as printing, running kube-inject on the text and reading it back.
    #[test]
    fn value_injection_matches_the_text_round_trip() {
        let text = include_str!("../vfs/kubernetes/helloworld-deployment.yaml");
        let doc = meshsim_yaml::load(text).unwrap();
        let meshsim_cluster::Object::Deployment(d) = decode(&doc, "default").unwrap() else {
            panic!("not a deployment")
        };
        let meta = meshsim_cluster::ObjectMeta {
            name: "hw-1".into(),
            namespace: "default".into(),
            labels: d.template.labels.clone(),
            ..Default::default()
        };
        let pod = Pod::new(meta, d.template.spec.clone());
        let via_value = EngineInjector::default().inject(&pod, false).unwrap();
        let printed = meshsim_yaml::to_string(&pod_for_injection(&pod));
        let out = meshsim_inject::inject(&printed, &meshsim_inject::Options::default()).unwrap();
        let meshsim_cluster::Object::Pod(via_text) =
            decode(&meshsim_yaml::load(&out.output).unwrap(), "default").unwrap()
        else {
            panic!("not a pod")
        };
        assert_eq!(via_value, *via_text);
        assert_eq!(via_value.spec.containers.len(), 2);
        assert_eq!(via_value.spec.init_containers[0].name, "istio-init");
    }
}
