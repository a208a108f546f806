//! Validation of the behaviour annotations, with Istio's error texts.

use meshsim_yaml::{Mapping, Value};

/// Go's `strconv.Quote`, which the Go parse errors use.
fn q(s: &str) -> String {
    crate::objects::go_quote(s)
}

fn parse_uint(s: &str, bits: u32) -> Result<u64, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.ParseUint: parsing {}: invalid syntax", q(s)));
    }
    match s.parse::<u64>() {
        Ok(v) if bits == 64 || v < (1u64 << bits) => Ok(v),
        _ => Err(format!("strconv.ParseUint: parsing {}: value out of range", q(s))),
    }
}

fn parse_port(p: &str) -> Result<u16, String> {
    parse_uint(p, 16).map(|v| v as u16).map_err(|e| format!("failed parsing port '{p}': {e}"))
}

fn validate_ports(list: &str, what: &str, allow_star: bool) -> Result<(), String> {
    if allow_star && list.trim() == "*" {
        return Ok(());
    }
    for p in list.split(',') {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        if let Err(e) = parse_port(p) {
            return Err(format!("{what} invalid: failed parsing port '{p}': {e}"));
        }
    }
    Ok(())
}

fn parse_addr(a: &str) -> bool {
    a.parse::<std::net::IpAddr>().is_ok()
}

fn parse_prefix(c: &str) -> Result<(), String> {
    let Some((addr, bits)) = c.split_once('/') else {
        return Err(format!("netip.ParsePrefix({}): no '/'", q(c)));
    };
    if !parse_addr(addr) {
        return Err(format!("netip.ParsePrefix({}): ParseAddr({}): unable to parse IP", q(c), q(addr)));
    }
    let max = if addr.contains(':') { 128 } else { 32 };
    match bits.parse::<u32>() {
        Ok(b) if b <= max && !bits.starts_with('+') => Ok(()),
        Ok(_) => Err(format!("netip.ParsePrefix({}): prefix length out of range", q(c))),
        Err(_) => Err(format!("netip.ParsePrefix({}): bad bits after slash: {}", q(c), q(bits))),
    }
}

fn validate_cidrs(list: &str, what: &str, allow_star: bool) -> Result<(), String> {
    if allow_star && list.trim() == "*" {
        return Ok(());
    }
    for c in list.split(',') {
        let c = c.trim();
        if c.is_empty() {
            continue;
        }
        if let Err(e) = parse_prefix(c) {
            return Err(format!("{what} invalid: failed parsing cidr '{c}': {e}"));
        }
    }
    Ok(())
}

fn validate_bool(v: &str) -> Result<(), String> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" | "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(()),
        _ => Err(format!("strconv.ParseBool: parsing {}: invalid syntax", q(v))),
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn validate_one(key: &str, v: &str) -> Option<Result<(), String>> {
    Some(match key {
        "sidecar.istio.io/interceptionMode" => match v {
            "REDIRECT" | "TPROXY" | "NONE" => Ok(()),
            _ => Err(format!("interceptionMode invalid, use REDIRECT,TPROXY,NONE: {v}")),
        },
        "traffic.sidecar.istio.io/includeOutboundIPRanges" => validate_cidrs(v, "includeIPRanges", true),
        "traffic.sidecar.istio.io/excludeOutboundIPRanges" => validate_cidrs(v, "excludeIPRanges", false),
        "traffic.sidecar.istio.io/includeInboundPorts" => validate_ports(v, "includeInboundPorts", true),
        "traffic.sidecar.istio.io/excludeInboundPorts" => validate_ports(v, "excludeInboundPorts", false),
        "traffic.sidecar.istio.io/excludeOutboundPorts" => validate_ports(v, "excludeOutboundPorts", false),
        // Istio reports a bad status port under the excludeInboundPorts name (a copy/paste slip upstream).
        "status.sidecar.istio.io/port" => validate_ports(v, "excludeInboundPorts", false),
        "readiness.status.sidecar.istio.io/initialDelaySeconds"
        | "readiness.status.sidecar.istio.io/periodSeconds"
        | "readiness.status.sidecar.istio.io/failureThreshold" => parse_uint(v, 32).map(|_| ()),
        "prometheus.istio.io/merge-metrics" => validate_bool(v),
        "sidecar.istio.io/proxyCPU" | "sidecar.istio.io/proxyMemory" | "sidecar.istio.io/proxyCPULimit" | "sidecar.istio.io/proxyMemoryLimit" => {
            match crate::quantity::canonical(v) {
                Some(_) => Ok(()),
                None => Err("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".to_string()),
            }
        }
        "proxy.istio.io/config" => match meshsim_yaml::load(v) {
            Ok(Value::Map(_)) | Ok(Value::Null) => Ok(()),
            Ok(_) => Err("proxy config must be a mapping".to_string()),
            Err(e) => Err(e.message),
        },
        _ => return None,
    })
}

/// Checks every known annotation; returns Istio's multierror text when any is invalid.
pub fn validate(annotations: &Mapping) -> Result<(), String> {
    let mut errors = Vec::new();
    let mut keys: Vec<&String> = annotations.keys().collect();
    meshsim_yaml::sort::sort(&mut keys);
    for k in keys {
        let v = crate::tree::sprint(annotations.get(k.as_str()));
        if let Some(Err(reason)) = validate_one(k, &v) {
            errors.push(format!("invalid value '{v}' for annotation '{k}': {reason}"));
        }
    }
    if errors.is_empty() {
        return Ok(());
    }
    let head = if errors.len() == 1 { "1 error occurred:".to_string() } else { format!("{} errors occurred:", errors.len()) };
    let body: String = errors.iter().map(|e| format!("\n\t* {e}")).collect();
    Err(format!("{head}{body}\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn istio_error_texts() {
        let mut a = Mapping::new();
        a.insert("traffic.sidecar.istio.io/includeOutboundIPRanges".into(), Value::String("bad".into()));
        assert_eq!(
            validate(&a).unwrap_err(),
            "1 error occurred:\n\t* invalid value 'bad' for annotation 'traffic.sidecar.istio.io/includeOutboundIPRanges': includeIPRanges invalid: failed parsing cidr 'bad': netip.ParsePrefix(\"bad\"): no '/'\n\n"
        );
        let mut a = Mapping::new();
        a.insert("traffic.sidecar.istio.io/includeInboundPorts".into(), Value::String("bad".into()));
        assert!(validate(&a).unwrap_err().contains(
            "includeInboundPorts invalid: failed parsing port 'bad': failed parsing port 'bad': strconv.ParseUint: parsing \"bad\": invalid syntax"
        ));
        let mut a = Mapping::new();
        a.insert("traffic.sidecar.istio.io/includeOutboundIPRanges".into(), Value::String("10.0.0.0/8, 127.0.0.1/32".into()));
        assert!(validate(&a).is_ok());
    }
}
