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

/// True when `a` is an IP address as Rust's `IpAddr::from_str` reads it (a port of its parser:
/// std's copy of it is 2.4 KB of the page's wasm).
fn parse_addr(a: &str) -> bool {
    let b = a.as_bytes();
    let mut p = 0;
    if ipv4(b, &mut p) {
        return p == b.len();
    }
    ipv6(b, &mut p) && p == b.len()
}

/// A number of at most `max` digits in `radix` at `p` (a leading zero only when alone, unless
/// `zero_prefix`), no larger than `limit`; `p` moves past it on success.
fn number(b: &[u8], p: &mut usize, radix: u32, max: usize, zero_prefix: bool, limit: u32) -> bool {
    let start = *p;
    let mut i = start;
    let mut value: u32 = 0;
    while let Some(d) = b.get(i).and_then(|&c| (c as char).to_digit(radix)) {
        value = value * radix + d;
        i += 1;
        if i - start > max || value > limit {
            return false;
        }
    }
    let digits = i - start;
    if digits == 0 || (!zero_prefix && b[start] == b'0' && digits > 1) {
        return false;
    }
    *p = i;
    true
}

/// `sep` (unless first) followed by what `inner` reads, all or nothing.
fn separated(b: &[u8], p: &mut usize, sep: u8, first: bool, inner: fn(&[u8], &mut usize) -> bool) -> bool {
    let mut i = *p;
    if !first {
        if b.get(i) != Some(&sep) {
            return false;
        }
        i += 1;
    }
    if inner(b, &mut i) {
        *p = i;
        return true;
    }
    false
}

fn octet(b: &[u8], p: &mut usize) -> bool {
    number(b, p, 10, 3, false, 255)
}

fn hex_group(b: &[u8], p: &mut usize) -> bool {
    number(b, p, 16, 4, true, 0xffff)
}

fn ipv4(b: &[u8], p: &mut usize) -> bool {
    let mut i = *p;
    for n in 0..4 {
        if !separated(b, &mut i, b'.', n == 0, octet) {
            return false;
        }
    }
    *p = i;
    true
}

/// Reads up to `limit` IPv6 groups; returns how many and whether the last was an embedded IPv4.
fn ipv6_groups(b: &[u8], p: &mut usize, limit: usize) -> (usize, bool) {
    for i in 0..limit {
        if i + 1 < limit && separated(b, p, b':', i == 0, ipv4) {
            return (i + 2, true);
        }
        if !separated(b, p, b':', i == 0, hex_group) {
            return (i, false);
        }
    }
    (limit, false)
}

fn ipv6(b: &[u8], p: &mut usize) -> bool {
    let start = *p;
    let (head, head_ipv4) = ipv6_groups(b, p, 8);
    if head == 8 {
        return true;
    }
    if head_ipv4 || b.get(*p..*p + 2) != Some(b"::") {
        *p = start;
        return false;
    }
    *p += 2;
    ipv6_groups(b, p, 7 - head);
    true
}

fn parse_prefix(c: &str) -> Result<(), String> {
    let Some((addr, bits)) = c.split_once('/') else {
        return Err(format!("netip.ParsePrefix({}): no '/'", q(c)));
    };
    if !parse_addr(addr) {
        return Err(format!("netip.ParsePrefix({}): ParseAddr({}): unable to parse IP", q(c), q(addr)));
    }
    let max = if addr.contains(':') { 128 } else { 32 };
    // As `parse::<u32>` (the u64 parser is linked anyway).
    match bits.parse::<u64>().ok().filter(|b| *b <= u64::from(u32::MAX)) {
        Some(b) if b <= max && !bits.starts_with('+') => Ok(()),
        Some(_) => Err(format!("netip.ParsePrefix({}): prefix length out of range", q(c))),
        None => Err(format!("netip.ParsePrefix({}): bad bits after slash: {}", q(c), q(bits))),
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
    let mut keys: Vec<String> = annotations.keys().cloned().collect();
    meshsim_yaml::sort::sort(&mut keys);
    for k in keys {
        let v = crate::tree::sprint(annotations.get(k.as_str()));
        if let Some(Err(reason)) = validate_one(&k, &v) {
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

    /// The address parser accepts exactly what `std::net::IpAddr` does.
    #[test]
    fn addresses_like_std() {
        let mut cases: Vec<String> = [
            "", "1.2.3.4", "255.255.255.255", "256.1.1.1", "01.2.3.4", "0.0.0.0", "1.2.3", "1.2.3.4.5", "1.2.3.4:",
            "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7",
            "::1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::",
            "fe80::1%eth0", "00000::1", "0000::1", "12345::", ":::", "1:::2", "::1.2.3", "1::2::3", "[::1]",
            "1:2:3:4:5::1.2.3.4", "::1.2.3.04", "1.2.3.4 ", " 1.2.3.4", "+1.2.3.4", "1.2.3.+4", "１.2.3.4",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // A deterministic walk over short strings of the characters that matter.
        let alphabet = b"019af.:F";
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 16) as usize;
            let s: String = (0..len).map(|i| alphabet[((x >> (i * 3 + 4)) % 8) as usize] as char).collect();
            cases.push(s);
        }
        // And strings made of address-like pieces.
        let pieces = ["0", "1", "255", "256", "01", "ffff", "0000", "00000", "1.2.3.4", ":", "::", ".", "a"];
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 10) as usize;
            let s: String = (0..len).map(|i| pieces[((x >> (i * 4 + 4)) % 13) as usize]).collect();
            cases.push(s);
        }
        let mut valid = 0;
        for c in &cases {
            let std_ok = c.parse::<std::net::IpAddr>().is_ok();
            assert_eq!(parse_addr(c), std_ok, "{c:?}");
            valid += usize::from(std_ok);
        }
        assert!(valid > 2000, "{valid} valid cases");
    }

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
