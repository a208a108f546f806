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
    let mut out = original.clone();
    merge_into(&mut out, patch, "");
    out
}

/// Merges `patch` into `original` in place (`field` is the name of the field being merged).
pub fn merge_into(original: &mut Value, patch: &Value, field: &str) {
    match (original, patch) {
        (Value::Map(o), Value::Map(p)) => {
            for (k, pv) in p {
                if pv.is_null() {
                    o.shift_remove(k.as_str());
                    continue;
                }
                match o.get_mut(k.as_str()) {
                    Some(ov) => merge_into(ov, pv, k),
                    None => {
                        o.insert(k.clone(), pv.clone());
                    }
                }
            }
        }
        (Value::Seq(o), Value::Seq(p)) => match merge_key(field) {
            Some(key) => merge_list(o, p, key),
            None if field == "finalizers" => {
                for v in p {
                    if !o.contains(v) {
                        o.push(v.clone());
                    }
                }
            }
            None => *o = p.clone(),
        },
        (o, p) => *o = p.clone(),
    }
}

fn key_of<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key)
}

fn merge_list(list: &mut Vec<Value>, patch: &[Value], key: &str) {
    if patch.is_empty() {
        return;
    }
    // The original order, by key, decides where server-only items go.
    let original_keys: Vec<Option<Value>> = list.iter().map(|v| key_of(v, key).cloned()).collect();
    for p in patch {
        let pk = key_of(p, key);
        match list.iter().position(|m| pk.is_some() && key_of(m, key) == pk) {
            Some(i) => merge_into(&mut list[i], p, ""),
            None => list.push(p.clone()),
        }
    }
    let in_patch = |v: &Value| patch.iter().any(|p| key_of(p, key) == key_of(v, key));
    let mut items: Vec<Option<Value>> = std::mem::take(list).into_iter().map(Some).collect();
    // Patch items in patch order, server-only items in server order.
    let mut patch_items: Vec<Value> = Vec::with_capacity(patch.len());
    for p in patch {
        if let Some(slot) = items.iter_mut().find(|m| m.as_ref().is_some_and(|m| key_of(m, key) == key_of(p, key))) {
            patch_items.push(slot.take().expect("found a filled slot"));
        }
    }
    let server_only: Vec<Value> = items.into_iter().flatten().filter(|m| !in_patch(m)).collect();
    let index = |v: &Value| original_keys.iter().position(|k| k.as_ref() == key_of(v, key));
    let mut left = server_only.into_iter().peekable();
    let mut right = patch_items.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => matches!((index(l), index(r)), (Some(a), Some(b)) if a < b),
        };
        let next = if take_left { left.next() } else { right.next() };
        list.push(next.expect("peeked"));
    }
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
