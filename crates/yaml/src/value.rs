//! The JSON-shaped tree that manifests are read into.
//!
//! Kubernetes tooling converts YAML to JSON before decoding, so a manifest is always a tree of
//! JSON values: maps have string keys and keep their insertion order here (printing sorts them).

use indexmap::IndexMap;

/// A mapping with string keys in insertion order.
pub type Mapping = IndexMap<String, Value>;

/// A YAML/JSON value.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// `null`, `~` or an empty plain scalar.
    #[default]
    Null,
    /// `true`/`false` (and go-yaml v2's YAML 1.1 spellings such as `yes` and `off`).
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A float (also integers too large for `i64`).
    Float(f64),
    /// A string.
    String(String),
    /// A sequence.
    Seq(Vec<Value>),
    /// A mapping.
    Map(Mapping),
}

impl Value {
    /// Looks up `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// Looks up `key` mutably when this is a mapping.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self {
            Value::Map(m) => m.get_mut(key),
            _ => None,
        }
    }

    /// Follows a path of mapping keys.
    pub fn get_path(&self, path: &[&str]) -> Option<&Value> {
        path.iter().try_fold(self, |v, k| v.get(k))
    }

    /// Follows a path of mapping keys mutably.
    pub fn get_path_mut(&mut self, path: &[&str]) -> Option<&mut Value> {
        path.iter().try_fold(self, |v, k| v.get_mut(k))
    }

    /// The string, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, when this is an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The boolean, when this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The mapping, when this is a mapping.
    pub fn as_map(&self) -> Option<&Mapping> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The mapping mutably, when this is a mapping.
    pub fn as_map_mut(&mut self) -> Option<&mut Mapping> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The sequence, when this is a sequence.
    pub fn as_seq(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The sequence mutably, when this is a sequence.
    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The mapping at `key`, created (replacing a non-mapping) when missing.
    /// Panics if `self` is not a mapping or null.
    pub fn entry_map(&mut self, key: &str) -> &mut Mapping {
        if self.is_null() {
            *self = Value::Map(Mapping::new());
        }
        let map = self.as_map_mut().expect("entry_map on a non-mapping");
        let slot = map.entry(key.to_string()).or_insert(Value::Null);
        if !matches!(slot, Value::Map(_)) {
            *slot = Value::Map(Mapping::new());
        }
        slot.as_map_mut().expect("just made a mapping")
    }

    /// Go's name for the JSON type of this value, as `encoding/json` errors print it.
    pub fn json_type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }

    /// Number of nodes in the tree (used for alias-expansion budgets).
    pub fn node_count(&self) -> usize {
        match self {
            Value::Seq(s) => 1 + s.iter().map(Value::node_count).sum::<usize>(),
            Value::Map(m) => 1 + m.values().map(|v| 1 + v.node_count()).sum::<usize>(),
            _ => 1,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Mapping> for Value {
    fn from(m: Mapping) -> Self {
        Value::Map(m)
    }
}

impl From<Vec<Value>> for Value {
    fn from(s: Vec<Value>) -> Self {
        Value::Seq(s)
    }
}
