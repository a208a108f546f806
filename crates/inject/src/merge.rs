//! Kubernetes strategic merge patch, as applied by the injector to lay a rendered template over a pod.
//!
//! Maps merge key by key (a `null` in the patch deletes), lists of containers, volumes, env vars,
//! ports and mounts merge item by item on their merge key, other lists are replaced. The order of a
//! merged list follows apimachinery's `mergeSortedSlice`: patch items keep the patch's order, items
//! only in the original keep theirs, and new patch items come before the original ones.

use meshsim_yaml::Value;

/// The merge key of a list field, by field name (the pod schema's `patchMergeKey`s).
fn merge_key(field: &str) -> Option<&'static str> {
    match field {
        "containers" | "initContainers" | "volumes" | "env" | "imagePullSecrets" | "ephemeralContainers" => Some("name"),
        "ports" => Some("containerPort"),
        "volumeMounts" => Some("mountPath"),
        "hostAliases" => Some("ip"),
        "ownerReferences" => Some("uid"),
        _ => None,
    }
}

/// Returns `original` with `patch` merged over it.
pub fn strategic_merge(original: &Value, patch: &Value) -> Value {
    merge_value(original, patch, "")
}

fn merge_value(original: &Value, patch: &Value, field: &str) -> Value {
    match (original, patch) {
        (Value::Map(o), Value::Map(p)) => {
            let mut out = o.clone();
            for (k, pv) in p {
                if pv.is_null() {
                    out.shift_remove(k);
                    continue;
                }
                let merged = match out.get(k) {
                    Some(ov) => merge_value(ov, pv, k),
                    None => pv.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Map(out)
        }
        (Value::Seq(o), Value::Seq(p)) => match merge_key(field) {
            Some(key) => merge_list(o, p, key),
            None if field == "finalizers" => {
                let mut out = o.clone();
                for v in p {
                    if !out.contains(v) {
                        out.push(v.clone());
                    }
                }
                Value::Seq(out)
            }
            None => patch.clone(),
        },
        _ => patch.clone(),
    }
}

fn key_of<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key)
}

fn merge_list(original: &[Value], patch: &[Value], key: &str) -> Value {
    if patch.is_empty() {
        return Value::Seq(original.to_vec());
    }
    let mut merged: Vec<Value> = original.to_vec();
    for p in patch {
        let pk = key_of(p, key);
        match merged.iter().position(|m| pk.is_some() && key_of(m, key) == pk) {
            Some(i) => merged[i] = merge_value(&merged[i], p, ""),
            None => merged.push(p.clone()),
        }
    }
    let in_patch = |v: &Value| patch.iter().any(|p| key_of(p, key) == key_of(v, key));
    // Patch items in patch order, server-only items in server order.
    let mut patch_items: Vec<Value> = Vec::new();
    for p in patch {
        if let Some(m) = merged.iter().find(|m| key_of(m, key) == key_of(p, key)) {
            if !patch_items.iter().any(|x| key_of(x, key) == key_of(m, key)) {
                patch_items.push(m.clone());
            }
        }
    }
    let server_only: Vec<Value> = merged.iter().filter(|m| !in_patch(m)).cloned().collect();
    let index = |v: &Value| original.iter().position(|o| key_of(o, key) == key_of(v, key));
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(server_only.len() + patch_items.len());
    while i < server_only.len() || j < patch_items.len() {
        if i >= server_only.len() {
            out.push(patch_items[j].clone());
            j += 1;
        } else if j >= patch_items.len() {
            out.push(server_only[i].clone());
            i += 1;
        } else {
            let take_left = match (index(&server_only[i]), index(&patch_items[j])) {
                (Some(l), Some(r)) => l < r,
                _ => false,
            };
            if take_left {
                out.push(server_only[i].clone());
                i += 1;
            } else {
                out.push(patch_items[j].clone());
                j += 1;
            }
        }
    }
    Value::Seq(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshsim_yaml::load;

    #[test]
    fn new_items_come_first_and_existing_merge_in_place() {
        let o = load("containers:\n- name: app\n- name: istio-proxy\n  image: auto\n  args: [a]\n").unwrap();
        let p = load("containers:\n- name: istio-proxy\n  image: real\n  args: [b, c]\n- name: new\n").unwrap();
        let m = strategic_merge(&o, &p);
        let names: Vec<&str> = m.get("containers").unwrap().as_seq().unwrap().iter().map(|c| c.get("name").unwrap().as_str().unwrap()).collect();
        assert_eq!(names, vec!["app", "istio-proxy", "new"]);
        let proxy = &m.get("containers").unwrap().as_seq().unwrap()[1];
        assert_eq!(proxy.get("image").unwrap().as_str(), Some("real"));
        assert_eq!(proxy.get("args").unwrap().as_seq().unwrap().len(), 2);
        let o = load("volumes:\n- name: user\n").unwrap();
        let p = load("volumes:\n- name: a\n- name: b\n").unwrap();
        let names: Vec<String> = strategic_merge(&o, &p).get("volumes").unwrap().as_seq().unwrap().iter().map(|c| c.get("name").unwrap().as_str().unwrap().to_string()).collect();
        assert_eq!(names, vec!["a", "b", "user"]);
    }
}
