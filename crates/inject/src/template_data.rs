//! The data Istio hands injection templates (`SidecarTemplateData`), for user-written templates
//! rendered by a [`crate::TemplateRenderer`].

use meshsim_yaml::{Mapping, Value};

/// The template data Istio passes (`SidecarTemplateData`), with Go field names at the top level.
pub fn data(t: &crate::templates::Tpl, pod_meta: &Value) -> Value {
    let mut m = Mapping::new();
    let mut type_meta = Mapping::new();
    type_meta.insert("APIVersion".into(), Value::String(t.api_version.into()));
    type_meta.insert("Kind".into(), Value::String(t.kind.into()));
    m.insert("TypeMeta".into(), Value::Map(type_meta));
    let mut dm = Mapping::new();
    dm.insert("Name".into(), Value::String(t.deploy_name.into()));
    dm.insert("Namespace".into(), Value::String(t.deploy_namespace.into()));
    m.insert("DeploymentMeta".into(), Value::Map(dm));
    m.insert("ObjectMeta".into(), pod_meta.clone());
    m.insert("Spec".into(), t.spec.clone());
    m.insert("ProxyConfig".into(), t.proxy_config.clone());
    m.insert("MeshConfig".into(), t.cfg.mesh.clone());
    m.insert("Values".into(), t.cfg.values.clone());
    m.insert("Revision".into(), Value::String(t.cfg.revision.clone()));
    m.insert("NativeSidecars".into(), Value::Bool(t.native));
    m.insert("ProxyImage".into(), Value::String(t.proxy_image.into()));
    m.insert("ProxyUID".into(), Value::Int(t.proxy_uid));
    m.insert("ProxyGID".into(), Value::Int(t.proxy_gid));
    Value::Map(m)
}

