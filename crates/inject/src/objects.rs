//! Which objects kube-inject touches, where their pod template is, and who owns it.

use crate::config::Config;
use crate::pod::{self, Workload};
use crate::stream::Doc;
use crate::InjectError;
use meshsim_yaml::{Mapping, Value};

/// Kinds istioctl decodes (by kind only; the apiVersion is not checked).
pub const RECOGNISED: &[&str] = &[
    "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob",
    "ReplicationController", "DeploymentConfig", "Pod", "List",
];

/// Namespaces kube-inject never injects into (checked on the pod template's own namespace).
const IGNORED_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease", "local-path-storage"];

/// Processes one document: the text to print (without the trailing `---`).
pub fn inject_document(
    doc: &Doc,
    number: usize,
    cfg: &Config,
    native: bool,
    warnings: &mut Vec<String>,
) -> Result<String, InjectError> {
    let value = meshsim_yaml::load(&doc.text).map_err(|e| InjectError::Yaml {
        message: e.message,
        document: number,
        line: e.line.map(|l| doc.first_line + l - 1),
    })?;
    let kind = match &value {
        Value::Null => return Ok(doc.text.clone()),
        Value::Map(m) => match m.get("kind") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(InjectError::Decode {
                    message: format!("json: cannot unmarshal {} into Go struct field TypeMeta.kind of type string", other.json_type_name()),
                    document: number,
                    line: doc.first_line,
                })
            }
        },
        other => {
            return Err(InjectError::Decode {
                message: format!("json: cannot unmarshal {} into Go value of type v1.TypeMeta", other.json_type_name()),
                document: number,
                line: doc.first_line,
            })
        }
    };
    if !RECOGNISED.contains(&kind.as_str()) {
        return Ok(doc.text.clone());
    }
    let at = |message: String| InjectError::Injection { message, document: number, line: doc.first_line };
    let out = inject_object(&value, cfg, native, warnings).map_err(|e| match e {
        ObjError::Decode(m) => InjectError::Decode { message: m, document: number, line: doc.first_line },
        ObjError::Inject(m) => at(m),
    })?;
    Ok(meshsim_yaml::to_string(&out))
}

/// Why an object could not be injected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjError {
    /// The object does not decode into its Kubernetes type.
    Decode(String),
    /// The injection failed.
    Inject(String),
}

/// Injects one recognised object (already parsed); returns the object as istioctl prints it.
pub fn inject_object(value: &Value, cfg: &Config, native: bool, warnings: &mut Vec<String>) -> Result<Value, ObjError> {
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
    if kind == "List" {
        return inject_list(value, cfg, native, warnings);
    }
    let mut obj = crate::schema::normalize(value, &kind).map_err(|e| ObjError::Decode(e.0))?;
    inject_normalized(&mut obj, &kind, cfg, native, warnings)?;
    Ok(obj)
}

/// Injects an object already in its typed form, in place.
fn inject_normalized(obj: &mut Value, kind: &str, cfg: &Config, native: bool, warnings: &mut Vec<String>) -> Result<(), ObjError> {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
    let name = obj.get_path(&["metadata", "name"]).and_then(Value::as_str).unwrap_or("").to_string();
    let namespace = obj.get_path(&["metadata", "namespace"]).and_then(Value::as_str).unwrap_or("").to_string();

    let (meta_path, spec_path): (Vec<&str>, Vec<&str>) = match kind {
        "Pod" => (vec!["metadata"], vec!["spec"]),
        "CronJob" => (vec!["spec", "jobTemplate", "metadata"], vec!["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => (vec!["spec", "template", "metadata"], vec!["spec", "template", "spec"]),
    };
    if matches!(kind, "ReplicationController" | "DeploymentConfig") && obj.get_path(&["spec", "template"]).is_none() {
        return Err(ObjError::Inject("spec.template is required value".into()));
    }
    let (w_api, w_kind, w_name, w_ns) = if kind == "Pod" {
        deploy_meta_from_pod(obj)
    } else {
        (api_version.clone(), kind.to_string(), name.clone(), namespace.clone())
    };
    let empty = Value::Map(Mapping::new());
    let meta = obj.get_path(&meta_path).unwrap_or(&empty);
    let spec = obj.get_path(&spec_path).unwrap_or(&empty);

    // The template's own name, else the workload's (for a Pod with only generateName, the owner).
    let tmpl_name = meta.get("name").and_then(Value::as_str).filter(|s| !s.is_empty()).unwrap_or(&w_name).to_string();
    let full_name = if namespace.is_empty() { tmpl_name } else { format!("{namespace}/{tmpl_name}") };
    // istioctl prints the name with Go's `%q`.
    let full_name = go_quote(&full_name);
    // The kind printed is the workload's (TypeMeta from GetDeployMetaFromPod for a Pod), which is
    // how it can be empty: a controller ownerReference without a kind.
    let kind_prefix = if w_kind.is_empty() { String::new() } else { format!("{w_kind} ") };

    if spec.get("hostNetwork") == Some(&Value::Bool(true)) {
        warnings.push(format!("===> Skipping injection because {kind_prefix}{full_name} has host networking enabled\n"));
        return Ok(());
    }
    if !inject_required(meta) {
        warnings.push(format!("===> Skipping injection because {kind_prefix}{full_name} has sidecar injection disabled\n"));
        return Ok(());
    }

    let meta = take_path(obj, &meta_path);
    let spec = take_path(obj, &spec_path);
    let pod_in = crate::tree::map([("metadata", Some(meta)), ("spec", Some(spec))]);
    let w = Workload { api_version: &w_api, kind: &w_kind, name: &w_name, namespace: &w_ns };
    let injected = pod::inject(&pod_in, &w, cfg, native).map_err(|m| ObjError::Inject(format!("failed to run injection template: {m}")))?;
    let mut injected = crate::schema::normalize_owned(injected, "Pod").map_err(|e| ObjError::Inject(format!("failed parsing generated injected YAML (check Istio sidecar injector configuration): {}", e.0)))?;
    let m = injected.as_map_mut().expect("a normalised pod is a mapping");
    set_path(obj, &meta_path, m.shift_remove("metadata").unwrap_or_default());
    set_path(obj, &spec_path, m.shift_remove("spec").unwrap_or_default());
    Ok(())
}

fn take_path(obj: &mut Value, path: &[&str]) -> Value {
    obj.get_path_mut(path).map(std::mem::take).unwrap_or_else(|| Value::Map(Mapping::new()))
}

fn inject_list(value: &Value, cfg: &Config, native: bool, warnings: &mut Vec<String>) -> Result<Value, ObjError> {
    let mut list = crate::schema::normalize(value, "List").map_err(|e| ObjError::Decode(e.0))?;
    if let Some(Value::Seq(items)) = list.get_mut("items") {
        for item in items.iter_mut() {
            let k = item.get("kind").and_then(Value::as_str).unwrap_or("");
            // Items go through the same decoding as documents, so a List inside a List is
            // processed too (depth is bounded by the YAML reader's nesting limit).
            if RECOGNISED.contains(&k) {
                *item = inject_object(item, cfg, native, warnings)?;
            }
        }
    }
    Ok(list)
}

fn set_path(obj: &mut Value, path: &[&str], v: Value) {
    let (last, parents) = path.split_last().expect("non-empty path");
    let mut cur = obj;
    for p in parents {
        cur.entry_map(p);
        cur = cur.get_mut(p).expect("just created");
    }
    if cur.is_null() {
        *cur = Value::Map(Mapping::new());
    }
    cur.as_map_mut().expect("parent is a mapping").insert(last.to_string(), v);
}

/// Istio's `injectRequired` as kube-inject uses it (policy forced to enabled).
fn inject_required(meta: &Value) -> bool {
    let ns = meta.get("namespace").and_then(Value::as_str).unwrap_or("");
    if IGNORED_NAMESPACES.contains(&ns) {
        return false;
    }
    let label = meta.get_path(&["labels", "sidecar.istio.io/inject"]);
    let annotation = meta.get_path(&["annotations", "sidecar.istio.io/inject"]);
    let selector = label.or(annotation).map(|v| crate::tree::sprint(Some(v))).unwrap_or_default();
    // Only exactly `false` disables (Istio compares case-sensitively); any other value, `False`
    // included, is reported as invalid and uses the default policy, which kube-inject forces to
    // "inject".
    selector != "false"
}

/// Go's `strconv.Quote` (the `%q` verb): double quotes, `"` and `\\` escaped, control and other
/// non-printable characters escaped (`\\n`, `\\x01`, `\\u00a0`), printable Unicode kept as is.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if !go_printable(c) => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.IsPrint` for the characters that matter in a name: the space is printable, other
/// spaces, controls and format characters are not.
fn go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32, 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff | 0xfff9..=0xfffb | 0xd800..=0xdfff | 0xe000..=0xf8ff | 0xf0000..)
}

/// `name.trim_end_matches(hash).trim_end_matches('-')` (`hash` is not empty).
fn trim_hash(name: &str, hash: &str) -> String {
    let mut n = name;
    while let Some(rest) = n.strip_suffix(hash) {
        n = rest;
    }
    n.trim_end_matches('-').to_string()
}

/// Istio's `GetDeployMetaFromPod`: the owning workload of a pod created by a controller.
pub fn deploy_meta_from_pod(pod: &Value) -> (String, String, String, String) {
    let name = pod.get_path(&["metadata", "name"]).and_then(Value::as_str).unwrap_or("").to_string();
    let ns = pod.get_path(&["metadata", "namespace"]).and_then(Value::as_str).unwrap_or("").to_string();
    let mut api = "v1".to_string();
    let mut kind = "Pod".to_string();
    let mut deploy = name.clone();
    let generate = pod.get_path(&["metadata", "generateName"]).and_then(Value::as_str).unwrap_or("");
    if !generate.is_empty() {
        let owners = crate::tree::seq(pod.get("metadata").unwrap_or(&Value::Null), "ownerReferences");
        if let Some(r) = owners.iter().find(|r| r.get("controller") == Some(&Value::Bool(true))) {
            let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            api = s("apiVersion");
            kind = s("kind");
            deploy = s("name");
            let label = |k: &str| pod.get_path(&["metadata", "labels", k]).and_then(Value::as_str).unwrap_or("").to_string();
            let hash = label("pod-template-hash");
            let rollout_hash = label("rollouts-pod-template-hash");
            if kind == "ReplicaSet" && !hash.is_empty() && deploy.ends_with(&hash) {
                deploy = trim_hash(&deploy, &hash);
                kind = "Deployment".into();
            } else if kind == "ReplicaSet" && !rollout_hash.is_empty() && deploy.ends_with(&rollout_hash) {
                deploy = trim_hash(&deploy, &rollout_hash);
                kind = "Rollout".into();
                api = "argoproj.io/v1alpha1".into();
            } else if kind == "ReplicationController" && !label("deploymentconfig").is_empty() {
                deploy = label("deploymentconfig");
                kind = "DeploymentConfig".into();
                api = "v1".into();
            } else if kind == "Job" {
                if let Some((cron, digits)) = deploy.rsplit_once('-') {
                    if (8..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                        deploy = cron.to_string();
                        kind = "CronJob".into();
                        api = "batch/v1".into();
                    }
                }
            }
        }
    }
    if deploy.is_empty() {
        deploy = name;
    }
    (api, kind, deploy, ns)
}

#[cfg(test)]
mod tests {
    #[test]
    fn trim_hash_like_trim_end_matches() {
        for (name, hash) in [("web-abc", "abc"), ("web-abcabc", "abc"), ("web--abc-abc", "abc"), ("abc", "abc"), ("a-b-", "x"), ("aaaa", "aa"), ("aaa", "aa"), ("", "x")] {
            assert_eq!(super::trim_hash(name, hash), name.trim_end_matches(hash).trim_end_matches('-'), "{name} {hash}");
        }
    }
}
