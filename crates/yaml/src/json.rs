//! JSON as Go's `encoding/json` prints it (compact, or indented like `kubectl -o json`).

use crate::gofmt::format_float_json;
use crate::value::Value;

/// Compact JSON with keys in insertion order (Go prints struct fields in declaration order and
/// map keys sorted; callers build the [`Value`] in the order they need).
pub fn to_json(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out, None, 0);
    out
}

/// Indented JSON (4 spaces, as `kubectl get -o json`), keys sorted bytewise as Go sorts map keys.
pub fn to_json_pretty(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out, Some(4), 0);
    out
}

fn write(v: &Value, out: &mut String, indent: Option<usize>, level: usize) {
    let nl = |out: &mut String, level: usize| {
        if let Some(n) = indent {
            out.push('\n');
            out.push_str(&" ".repeat(n * level));
        }
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&format_float_json(*f)),
        Value::String(s) => write_str(s, out),
        Value::Seq(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, level + 1);
                write(item, out, indent, level + 1);
            }
            nl(out, level);
            out.push(']');
        }
        Value::Map(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            let mut keys: Vec<&String> = m.keys().collect();
            if indent.is_some() {
                crate::sort::sort(&mut keys);
            }
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, level + 1);
                write_str(k, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write(&m[k.as_str()], out, indent, level + 1);
            }
            nl(out, level);
            out.push('}');
        }
    }
}

/// Go's string escaping with HTML escaping on (`<`, `>`, `&` become `\u003c` etc.).
pub fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load;

    #[test]
    fn compact_and_pretty() {
        let v = load("b: 1\na: [x, {c: true}]\n").unwrap();
        assert_eq!(to_json(&v), r#"{"b":1,"a":["x",{"c":true}]}"#);
        assert_eq!(to_json_pretty(&v), "{\n    \"a\": [\n        \"x\",\n        {\n            \"c\": true\n        }\n    ],\n    \"b\": 1\n}");
    }
}
