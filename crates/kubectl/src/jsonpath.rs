//! A small subset of kubectl's JSONPath (`{.status.loadBalancer.ingress[0].ip}`,
//! `{.items[*].metadata.name}`), enough for the workshop's commands.

use meshsim_yaml::Value;

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Float(f) => meshsim_yaml::gofmt::format_g(*f),
        Value::Null => String::new(),
        other => meshsim_yaml::to_json(other),
    }
}

fn walk<'a>(vals: Vec<&'a Value>, path: &str) -> Vec<&'a Value> {
    let mut cur = vals;
    for seg in path.split('.').filter(|s| !s.is_empty()) {
        let (name, index) = match seg.split_once('[') {
            Some((n, rest)) => (n, Some(rest.trim_end_matches(']'))),
            None => (seg, None),
        };
        let mut next = Vec::new();
        for v in cur {
            let v = if name.is_empty() {
                Some(v)
            } else {
                v.get(name)
            };
            let Some(v) = v else { continue };
            match index {
                None => next.push(v),
                Some("*") => next.extend(v.as_seq().into_iter().flatten()),
                Some(i) => {
                    if let (Some(seq), Ok(i)) = (v.as_seq(), i.parse::<usize>()) {
                        if let Some(x) = seq.get(i) {
                            next.push(x);
                        }
                    }
                }
            }
        }
        cur = next;
    }
    cur
}

/// Evaluate a template like `{.metadata.name}` (text outside braces is copied).
pub fn eval(doc: &Value, template: &str) -> String {
    let template = template.trim_matches('\'');
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let expr = &rest[start + 1..start + end];
        let vals = walk(vec![doc], expr);
        out.push_str(&vals.iter().map(|v| scalar(v)).collect::<Vec<_>>().join(" "));
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}
