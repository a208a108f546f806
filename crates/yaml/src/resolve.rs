//! go-yaml v2's resolution of plain scalars (YAML 1.1 flavoured).
//!
//! The same rules decide two things: what an unquoted scalar in the input means, and whether a
//! string must be quoted on output (a string that would read back as something else is printed
//! double-quoted, e.g. `"15020"`, `"true"`, `"yes"`, `""`).

use crate::value::Value;

/// What a plain scalar resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// `null`, `~`, empty.
    Null,
    /// A boolean, including `yes`/`no`/`on`/`off`/`y`/`n`.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// An integer that only fits `u64` (kept as a float in [`Value`]).
    UInt(u64),
    /// A float, including `.inf` and `.nan`.
    Float(f64),
    /// A timestamp such as `2015-07-21`; go-yaml v2 hands these to untyped code as strings.
    Timestamp,
    /// The merge key `<<`.
    Merge,
    /// A plain string.
    Str,
}

fn lookup(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        "<<" => Resolved::Merge,
        _ => return None,
    })
}

/// Resolves a plain (unquoted, untagged) scalar as go-yaml v2 does.
pub fn resolve_plain(s: &str) -> Resolved {
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+') | Some(b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(c) if b"yYnNtTfFoO~".contains(c) => b'M',
        Some(b'.') => b'.',
        Some(b'<') => b'M',
        _ => 0,
    };
    if hint == 0 {
        return Resolved::Str;
    }
    if let Some(r) = lookup(s) {
        return r;
    }
    match hint {
        b'.' => {
            if let Some(f) = go_parse_float(s) {
                return Resolved::Float(f);
            }
        }
        b'D' | b'S' => {
            if is_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int(&plain) {
                return Resolved::Int(i);
            }
            if let Some(u) = go_parse_uint(&plain) {
                return Resolved::UInt(u);
            }
            if is_yaml_style_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return Resolved::Float(f);
                }
            }
            if let Some(rest) = plain.strip_prefix("0b") {
                if let Ok(i) = i64::from_str_radix(rest, 2) {
                    if !rest.starts_with(['+', '-']) {
                        return Resolved::Int(i);
                    }
                }
            } else if let Some(rest) = plain.strip_prefix("-0b") {
                if !rest.starts_with(['+', '-']) {
                    if let Ok(i) = i64::from_str_radix(&format!("-{rest}"), 2) {
                        return Resolved::Int(i);
                    }
                }
            }
        }
        _ => {}
    }
    Resolved::Str
}

/// Turns a resolved plain scalar into a [`Value`] (what `yaml.Unmarshal` into `interface{}` gives).
pub fn plain_to_value(s: &str) -> Value {
    match resolve_plain(s) {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::Int(i),
        Resolved::UInt(u) => Value::Float(u as f64),
        Resolved::Float(f) => Value::Float(f),
        Resolved::Timestamp | Resolved::Merge | Resolved::Str => Value::String(s.to_string()),
    }
}

/// True when go-yaml v2 prints `s` without quotes (before the emitter's own checks).
pub fn can_be_plain(s: &str) -> bool {
    resolve_plain(s) == Resolved::Str && !is_base60_float(s)
}

/// Go's `strconv.ParseInt(s, 0, 64)`: optional sign, then `0x`, `0o`, `0b`, leading-`0` octal or decimal.
pub fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let mag = parse_magnitude(body)?;
    if neg {
        if mag <= (i64::MAX as u64) + 1 {
            Some((mag as i64).wrapping_neg())
        } else {
            None
        }
    } else if mag <= i64::MAX as u64 {
        Some(mag as i64)
    } else {
        None
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
pub fn go_parse_uint(s: &str) -> Option<u64> {
    if s.starts_with(['+', '-']) {
        return None;
    }
    parse_magnitude(s)
}

fn parse_magnitude(body: &str) -> Option<u64> {
    if body.is_empty() {
        return None;
    }
    let b = body.as_bytes();
    let (radix, digits) = if b.len() >= 2 && b[0] == b'0' {
        match b[1] {
            b'x' | b'X' => (16, &body[2..]),
            b'o' | b'O' => (8, &body[2..]),
            b'b' | b'B' => (2, &body[2..]),
            _ => (8, &body[1..]),
        }
    } else {
        (10, body)
    };
    if digits.is_empty() {
        // "0x" alone is invalid; a lone "0" was handled as decimal above.
        return None;
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// A subset of Go's `strconv.ParseFloat` good enough for YAML plain scalars.
fn go_parse_float(s: &str) -> Option<f64> {
    let t = s.strip_prefix('+').unwrap_or(s);
    let lower = t.trim_start_matches('-').to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return None; // go-yaml only reaches here with a leading '.', or after its regex.
    }
    if !t
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    crate::decimal::parse(t)
}

/// go-yaml's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
pub fn is_base60_float(s: &str) -> bool {
    if s.is_empty() || !s.contains(':') {
        return false;
    }
    let b = s.as_bytes();
    let mut i = 0;
    if b[0] == b'+' || b[0] == b'-' {
        i = 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let n = i - start;
        if n == 0 {
            return false;
        }
        if n == 2 && b[start] > b'5' {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml v2's `parseTimestamp`: `YYYY-` followed by one of the accepted layouts.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i != 4 || i == b.len() || b[i] != b'-' {
        return false;
    }
    parse_date_time(s)
}

/// Accepts Go layouts "2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00",
/// "2006-1-2 15:4:5.999999999" and "2006-1-2".
fn parse_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, min: usize, max: usize| -> Option<u32> {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - start < max {
            *i += 1;
        }
        if *i - start < min {
            return None;
        }
        s[start..*i].parse().ok()
    };
    let Some(_year) = num(&mut i, 4, 4) else { return false };
    if i >= b.len() || b[i] != b'-' {
        return false;
    }
    i += 1;
    let Some(month) = num(&mut i, 1, 2) else { return false };
    if i >= b.len() || b[i] != b'-' {
        return false;
    }
    i += 1;
    let Some(day) = num(&mut i, 1, 2) else { return false };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let zoned = match b[i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    i += 1;
    let Some(h) = num(&mut i, 1, 2) else { return false };
    if i >= b.len() || b[i] != b':' {
        return false;
    }
    i += 1;
    let Some(m) = num(&mut i, 1, 2) else { return false };
    if i >= b.len() || b[i] != b':' {
        return false;
    }
    i += 1;
    let Some(sec) = num(&mut i, 1, 2) else { return false };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if !zoned {
        return i == b.len();
    }
    if i == b.len() {
        return false;
    }
    if b[i] == b'Z' {
        return i + 1 == b.len();
    }
    if b[i] != b'+' && b[i] != b'-' {
        return false;
    }
    i += 1;
    let Some(_) = num(&mut i, 2, 2) else { return false };
    if i >= b.len() || b[i] != b':' {
        return false;
    }
    i += 1;
    let Some(_) = num(&mut i, 2, 2) else { return false };
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_go_yaml_v2() {
        let cases: &[(&str, Resolved)] = &[
            ("15020", Resolved::Int(15020)),
            ("0777", Resolved::Int(511)),
            ("0x1F", Resolved::Int(31)),
            ("1_000", Resolved::Int(1000)),
            ("-0b101", Resolved::Int(-5)),
            ("1.0", Resolved::Float(1.0)),
            (".5", Resolved::Float(0.5)),
            ("08", Resolved::Float(8.0)),
            ("1e3", Resolved::Float(1000.0)),
            ("yes", Resolved::Bool(true)),
            ("Off", Resolved::Bool(false)),
            ("y", Resolved::Bool(true)),
            ("~", Resolved::Null),
            ("", Resolved::Null),
            ("2015-07-21", Resolved::Timestamp),
            ("2015-07-21T22:10:00Z", Resolved::Timestamp),
            ("2015-07-21 22:10:00", Resolved::Timestamp),
            ("2015-7-1x", Resolved::Str),
            ("*", Resolved::Str),
            ("1.2.3", Resolved::Str),
            ("15090,15021,15020", Resolved::Str),
            ("-", Resolved::Str),
            ("-p", Resolved::Str),
            ("100m", Resolved::Str),
            ("0.5Gi", Resolved::Str),
            ("+", Resolved::Str),
            ("<<", Resolved::Merge),
        ];
        for (input, want) in cases {
            assert_eq!(&resolve_plain(input), want, "{input:?}");
        }
    }

    #[test]
    fn base60_floats_are_quoted() {
        assert!(is_base60_float("190:20:30"));
        assert!(is_base60_float("1:20"));
        assert!(!is_base60_float("1:2:"));
        assert!(!is_base60_float("a:20"));
        assert!(!can_be_plain("1:20"));
        assert!(can_be_plain("http://x"));
    }
}
