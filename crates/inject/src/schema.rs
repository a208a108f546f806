//! The typed round trip that kube-inject puts every recognised object through.
//!
//! istioctl decodes a Deployment (or Pod, CronJob, …) into Kubernetes' Go structs and encodes it
//! back to JSON before printing. That has visible effects: unknown fields vanish, numbers in string
//! fields become strings, zero values of `omitempty` fields disappear, non-pointer structs print as
//! `{}`, quantities are canonicalised and map keys come out sorted. [`normalize`] reproduces that on a
//! [`Value`] using the type table in `schema.txt` (Go field order, JSON names, `omitempty`), so the
//! result is what `json.Marshal` of the typed object gives, fields in Go declaration order.

use crate::quantity;
use meshsim_yaml::{gofmt, Mapping, Value};
use std::sync::OnceLock;

/// A field type from the table.
#[derive(Debug, Clone)]
enum Ty {
    Str,
    Int,
    Bool,
    Float,
    Quantity,
    IntOrStr,
    Time,
    Any,
    Struct(String),
    Ptr(Box<Ty>),
    Slice(Box<Ty>),
    Map(Box<Ty>),
}

#[derive(Debug)]
struct Field {
    name: String,
    ty: Ty,
    omitempty: bool,
}

/// A struct type: its name and fields in Go order.
#[derive(Debug)]
struct TypeDef {
    name: String,
    fields: Vec<Field>,
}

/// The struct types, sorted by name.
type Types = Vec<TypeDef>;

fn parse_ty(s: &str) -> Ty {
    if let Some(rest) = s.strip_prefix('*') {
        return Ty::Ptr(Box::new(parse_ty(rest)));
    }
    if let Some(rest) = s.strip_prefix("[]") {
        return Ty::Slice(Box::new(parse_ty(rest)));
    }
    if let Some(rest) = s.strip_prefix("map[").and_then(|r| r.strip_suffix(']')) {
        return Ty::Map(Box::new(parse_ty(rest)));
    }
    match s {
        "string" => Ty::Str,
        "int" => Ty::Int,
        "bool" => Ty::Bool,
        "float" => Ty::Float,
        "quantity" => Ty::Quantity,
        "intorstr" => Ty::IntOrStr,
        "time" => Ty::Time,
        "any" => Ty::Any,
        name => Ty::Struct(name.to_string()),
    }
}

/// The type table of `schema.txt`: Kubernetes types as kube-inject decodes and re-encodes them
/// (Go field order, JSON names). A type name starts a line; its fields follow, indented, one per
/// line as `name type [!]`. Types: `string int bool float quantity intorstr time any`, a type name
/// (a non-pointer struct: always printed, `{}` when empty), `*T` (pointer: printed when set, even
/// to a zero value), `[]T`, `map[T]` (string keys). `!` marks fields without `omitempty`. (The
/// file has no comments: it is embedded in the page as is.)
fn types() -> &'static Types {
    static TYPES: OnceLock<Types> = OnceLock::new();
    TYPES.get_or_init(|| {
        let mut types = Types::new();
        for line in include_str!("schema.txt").lines() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if !line.starts_with(' ') {
                types.push(TypeDef { name: t.to_string(), fields: Vec::new() });
                continue;
            }
            let mut parts = t.split_whitespace();
            let name = parts.next().expect("field name").to_string();
            let ty = parse_ty(parts.next().expect("field type"));
            let omitempty = parts.next() != Some("!");
            types.last_mut().expect("fields follow a type name").fields.push(Field { name, ty, omitempty });
        }
        meshsim_yaml::sort::sort_by(&mut types, |a, b| a.name.cmp(&b.name));
        types
    })
}

/// The struct type `name`.
fn lookup(name: &str) -> Option<&'static TypeDef> {
    let types = types();
    types.binary_search_by(|d| d.name.as_str().cmp(name)).ok().map(|i| &types[i])
}

/// True when `kind` has an entry in the table.
pub fn knows(kind: &str) -> bool {
    lookup(kind).is_some()
}

/// A decode failure, worded as Go's `encoding/json` words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

fn go_type(ty: &Ty) -> String {
    match ty {
        Ty::Str | Ty::Time => "string".into(),
        Ty::Int => "int32".into(),
        Ty::Bool => "bool".into(),
        Ty::Float => "float64".into(),
        Ty::Quantity => "resource.Quantity".into(),
        Ty::IntOrStr => "intstr.IntOrString".into(),
        Ty::Any => "interface {}".into(),
        Ty::Struct(n) => format!("v1.{n}"),
        Ty::Ptr(t) => go_type(t),
        Ty::Slice(t) => format!("[]{}", go_type(t)),
        Ty::Map(t) => format!("map[string]{}", go_type(t)),
    }
}

/// Where a value sits, for error messages; the dotted path is only built when an error is reported.
struct Ctx<'a> {
    /// The innermost struct type.
    owner: &'a str,
    /// The enclosing context.
    parent: Option<&'a Ctx<'a>>,
    /// The JSON field name at this level (empty at the root).
    field: &'a str,
}

impl Ctx<'_> {
    fn path(&self) -> String {
        let mut path = String::new();
        let mut cur = Some(self);
        while let Some(c) = cur {
            if !c.field.is_empty() {
                if !path.is_empty() {
                    path.insert(0, '.');
                }
                path.insert_str(0, c.field);
            }
            cur = c.parent;
        }
        path
    }
}

fn type_error(v: &Value, ty: &Ty, ctx: &Ctx) -> DecodeError {
    let what = match v {
        Value::Int(_) | Value::Float(_) => {
            let n = match v {
                Value::Int(i) => i.to_string(),
                Value::Float(f) => gofmt::format_float_json(*f),
                _ => unreachable!(),
            };
            format!("number {n}")
        }
        other => other.json_type_name().to_string(),
    };
    let what = if matches!(v, Value::Int(_) | Value::Float(_)) && matches!(ty, Ty::Int) {
        what
    } else {
        v.json_type_name().to_string()
    };
    DecodeError(format!(
        "json: cannot unmarshal {what} into Go struct field {}.{} of type {}",
        ctx.owner,
        ctx.path(),
        go_type(ty)
    ))
}

/// Decodes `v` as the named type and re-encodes it as Go would; the result is always a mapping.
pub fn normalize(v: &Value, type_name: &str) -> Result<Value, DecodeError> {
    normalize_owned(v.clone(), type_name)
}

/// [`normalize`] consuming its input (no copies of the strings it keeps).
pub fn normalize_owned(v: Value, type_name: &str) -> Result<Value, DecodeError> {
    let ctx = Ctx { owner: type_name, parent: None, field: "" };
    normalize_struct(v, type_name, &ctx)
}

fn normalize_struct(v: Value, type_name: &str, ctx: &Ctx) -> Result<Value, DecodeError> {
    let def = lookup(type_name).unwrap_or_else(|| panic!("type {type_name} is in schema.txt"));
    let fields = &def.fields;
    let input = match v {
        Value::Null => Mapping::new(),
        Value::Map(m) => m,
        other => {
            let ty = Ty::Struct(type_name.to_string());
            return Err(if ctx.parent.is_none() {
                DecodeError(format!(
                    "json: cannot unmarshal {} into Go value of type v1.{type_name}",
                    other.json_type_name()
                ))
            } else {
                type_error(&other, &ty, ctx)
            });
        }
    };
    // encoding/json matches keys exactly first, then case-insensitively; unknown keys are dropped.
    let n = input.len();
    let mut slots: Vec<Option<Value>> = vec![None; fields.len()];
    let mut exact = vec![false; fields.len()];
    for (k, v) in input {
        if let Some(i) = fields.iter().position(|f| f.name == k) {
            slots[i] = Some(v);
            exact[i] = true;
        } else if let Some(i) = fields.iter().position(|f| f.name.eq_ignore_ascii_case(&k)) {
            if !exact[i] {
                slots[i] = Some(v);
            }
        }
    }
    let mut out = Mapping::with_capacity(n + 2);
    for (f, found) in fields.iter().zip(slots) {
        let fctx = Ctx { owner: type_name, parent: Some(ctx), field: &f.name };
        let decoded = match found {
            Some(v) => decode(v, &f.ty, &fctx)?,
            None => None,
        };
        if let Some(v) = encode_field(decoded, &f.ty, f.omitempty) {
            out.insert(f.name.clone(), v);
        }
    }
    Ok(Value::Map(out))
}

/// Decodes a value of type `ty`; `None` is Go's zero value / nil.
fn decode(v: Value, ty: &Ty, ctx: &Ctx) -> Result<Option<Value>, DecodeError> {
    if v.is_null() {
        return Ok(None);
    }
    Ok(Some(match ty {
        Ty::Str | Ty::Time => match v {
            Value::String(s) => Value::String(s),
            // sigs.k8s.io/yaml turns YAML numbers and booleans into strings for string fields.
            Value::Int(i) => Value::String(i.to_string()),
            Value::Float(f) => Value::String(gofmt::format_g32(f)),
            Value::Bool(b) => Value::String(b.to_string()),
            other => return Err(type_error(&other, ty, ctx)),
        },
        Ty::Int => match v {
            Value::Int(i) => Value::Int(i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::Int(f as i64),
            other => return Err(type_error(&other, ty, ctx)),
        },
        Ty::Float => match v {
            Value::Int(i) => Value::Float(i as f64),
            Value::Float(f) => Value::Float(f),
            other => return Err(type_error(&other, ty, ctx)),
        },
        Ty::Bool => match v {
            Value::Bool(b) => Value::Bool(b),
            other => return Err(type_error(&other, ty, ctx)),
        },
        Ty::Quantity => {
            let text = match v {
                Value::String(s) => s,
                Value::Int(i) => i.to_string(),
                Value::Float(f) => gofmt::format_float_json(f),
                other => return Err(type_error(&other, ty, ctx)),
            };
            match quantity::canonical(&text) {
                Some(q) => Value::String(q),
                None => {
                    return Err(DecodeError(
                        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
                            .to_string(),
                    ))
                }
            }
        }
        Ty::IntOrStr => match v {
            Value::Int(i) => Value::Int(i),
            Value::String(s) => Value::String(s),
            Value::Float(f) if f.fract() == 0.0 => Value::Int(f as i64),
            other => return Err(type_error(&other, ty, ctx)),
        },
        Ty::Any => v,
        Ty::Struct(name) => normalize_struct(v, name, &Ctx { owner: name, parent: ctx.parent, field: ctx.field })?,
        Ty::Ptr(inner) => return decode(v, inner, ctx),
        Ty::Slice(inner) => match v {
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let d = decode(item, inner, ctx)?;
                    out.push(encode_elem(d, inner));
                }
                Value::Seq(out)
            }
            other => return Err(type_error(&other, ty, ctx)),
        },
        Ty::Map(inner) => match v {
            Value::Map(m) => {
                // Go prints map keys sorted; sort here so JSON output matches too.
                let mut entries: Vec<(String, Value)> = m.into_iter().collect();
                crate::tree::sort_entries(&mut entries);
                let mut out = Mapping::with_capacity(entries.len());
                for (k, item) in entries {
                    let d = decode(item, inner, ctx)?;
                    out.insert(k, encode_elem(d, inner));
                }
                Value::Map(out)
            }
            other => return Err(type_error(&other, ty, ctx)),
        },
    }))
}

/// A slice element or map value: nil becomes the element type's zero value.
fn encode_elem(d: Option<Value>, ty: &Ty) -> Value {
    match (d, ty) {
        (Some(v), _) => v,
        (None, Ty::Str | Ty::Time) => Value::String(String::new()),
        (None, Ty::Int) => Value::Int(0),
        (None, Ty::Bool) => Value::Bool(false),
        (None, Ty::Quantity) => Value::String("0".into()),
        (None, Ty::Struct(_)) => Value::Map(Mapping::new()),
        (None, _) => Value::Null,
    }
}

/// How `json.Marshal` prints a struct field holding `d`; `None` omits it.
fn encode_field(d: Option<Value>, ty: &Ty, omitempty: bool) -> Option<Value> {
    match ty {
        // A missing struct is its zero value, which still prints its non-omitempty fields.
        Ty::Struct(name) => Some(d.unwrap_or_else(|| {
            normalize_struct(Value::Null, name, &Ctx { owner: name, parent: None, field: "" }).unwrap_or_else(|_| unreachable!("a zero struct decodes"))
        })),
        // A nil pointer is always omitted by omitempty; the time type is `omitzero`.
        Ty::Ptr(_) | Ty::Any | Ty::Time => d,
        Ty::Str | Ty::IntOrStr => {
            let v = d.unwrap_or_else(|| Value::String(String::new()));
            if omitempty && v == Value::String(String::new()) {
                None
            } else {
                Some(v)
            }
        }
        Ty::Int => {
            let v = d.unwrap_or(Value::Int(0));
            if omitempty && v == Value::Int(0) {
                None
            } else {
                Some(v)
            }
        }
        Ty::Float => {
            let v = d.unwrap_or(Value::Float(0.0));
            if omitempty && v == Value::Float(0.0) {
                None
            } else {
                Some(v)
            }
        }
        Ty::Bool => {
            let v = d.unwrap_or(Value::Bool(false));
            if omitempty && v == Value::Bool(false) {
                None
            } else {
                Some(v)
            }
        }
        Ty::Quantity => d,
        Ty::Slice(_) | Ty::Map(_) => {
            let empty = match &d {
                None => true,
                Some(Value::Seq(s)) => s.is_empty(),
                Some(Value::Map(m)) => m.is_empty(),
                _ => false,
            };
            if omitempty && empty {
                None
            } else {
                Some(d.unwrap_or(Value::Null))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshsim_yaml::load;

    #[test]
    fn round_trip_effects() {
        let v = load(
            "metadata:\n  labels: {version: 1.0, on: yes}\nspec:\n  contianers: []\n  containers:\n  - name: a\n    ports:\n    - containerPort: 80\n    readinessProbe:\n      initialDelaySeconds: 0\n      httpGet: {port: http}\n    resources:\n      limits: {cpu: 2000m, memory: 1024Mi}\n",
        )
        .unwrap();
        let n = normalize(&v, "Pod").unwrap();
        assert_eq!(
            meshsim_yaml::to_string(&n),
            "metadata:\n  labels:\n    \"true\": \"true\"\n    version: \"1\"\nspec:\n  containers:\n  - name: a\n    ports:\n    - containerPort: 80\n    readinessProbe:\n      httpGet:\n        port: http\n    resources:\n      limits:\n        cpu: \"2\"\n        memory: 1Gi\nstatus: {}\n"
        );
    }

    #[test]
    fn type_errors_read_like_go() {
        let v = load("spec:\n  hostNetwork: \"true\"\n").unwrap();
        assert_eq!(
            normalize(&v, "Pod").unwrap_err().0,
            "json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool"
        );
    }
}
