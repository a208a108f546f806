//! Small helpers for building and reading [`Value`] trees.

use meshsim_yaml::{Mapping, Value};

/// A mapping from pairs, skipping `None` values.
pub fn map<const N: usize>(pairs: [(&str, Option<Value>); N]) -> Value {
    let mut m = Mapping::new();
    for (k, v) in pairs {
        if let Some(v) = v {
            m.insert(k.to_string(), v);
        }
    }
    Value::Map(m)
}

/// A string value.
pub fn s(x: impl Into<String>) -> Value {
    Value::String(x.into())
}

/// `Some(string value)`.
pub fn ss(x: impl Into<String>) -> Option<Value> {
    Some(Value::String(x.into()))
}

/// `Some(int value)`.
pub fn si(x: i64) -> Option<Value> {
    Some(Value::Int(x))
}

/// `Some(bool value)`.
pub fn sb(x: bool) -> Option<Value> {
    Some(Value::Bool(x))
}

/// `Some(value)`.
pub fn sv(x: Value) -> Option<Value> {
    Some(x)
}

/// A sequence of strings.
pub fn strs(items: &[&str]) -> Value {
    Value::Seq(items.iter().map(|x| s(*x)).collect())
}

/// The string map at `v[key]` (labels, annotations), empty when missing.
pub fn string_map(v: &Value, key: &str) -> Mapping {
    match v.get(key) {
        Some(Value::Map(m)) => m.clone(),
        _ => Mapping::new(),
    }
}

/// The string at `m[key]`.
pub fn get_str<'a>(m: &'a Mapping, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str)
}

/// The sequence at `v[key]`, empty when missing.
pub fn seq<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_seq).map(Vec::as_slice).unwrap_or(&[])
}

/// The `name` field of a container/volume.
pub fn name_of(v: &Value) -> &str {
    v.get("name").and_then(Value::as_str).unwrap_or("")
}

/// The list at `v[key]` mutably, created when missing.
pub fn seq_mut<'a>(v: &'a mut Value, key: &str) -> &'a mut Vec<Value> {
    if v.is_null() {
        *v = Value::Map(Mapping::new());
    }
    let m = v.as_map_mut().expect("seq_mut on a mapping");
    let slot = m.entry(key.to_string()).or_insert(Value::Seq(Vec::new()));
    if !matches!(slot, Value::Seq(_)) {
        *slot = Value::Seq(Vec::new());
    }
    slot.as_seq_mut().expect("just made a sequence")
}

/// Sorts map entries by key (stable), the one sort of `(String, Value)` pairs in the crate.
pub fn sort_entries(entries: &mut [(String, Value)]) {
    meshsim_yaml::sort::sort_by(entries, |a, b| a.0.cmp(&b.0));
}

/// Go's `fmt.Sprint` of a scalar value.
pub fn sprint(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Float(f)) => meshsim_yaml::gofmt::format_g(*f),
        Some(other) => meshsim_yaml::to_json(other),
    }
}
