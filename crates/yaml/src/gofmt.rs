//! Go's number formatting, as go-yaml and `encoding/json` print floats.

/// Shortest decimal digits and exponent of a float's `{:e}` text: `f = 0.d1d2… × 10^exp`.
fn shortest(e_text: &str) -> (String, i32) {
    // Rust's `{:e}` prints the shortest round-trip digits, e.g. `1.2345e3`.
    let (mant, exp) = e_text.split_once('e').expect("{:e} always has an exponent");
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let exp: i32 = exp.parse().expect("integer exponent");
    (digits, exp + 1)
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`.
pub fn format_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    g_layout(f < 0.0, shortest(&format!("{:e}", f.abs())))
}

/// `strconv.FormatFloat(f, 'g', -1, 32)`: the shortest digits that read back as the same `f32`,
/// as sigs.k8s.io/yaml formats floats bound for 32-bit fields.
pub fn format_g32(f: f64) -> String {
    let f = f as f32;
    if !f.is_finite() || f == 0.0 {
        return format_g(f64::from(f));
    }
    g_layout(f < 0.0, shortest(&format!("{:e}", f.abs())))
}

/// The `'g'` layout of shortest digits: `%e` when the exponent is below -4 or at least 6.
fn g_layout(negative: bool, (digits, dp): (String, i32)) -> String {
    let sign = if negative { "-" } else { "" };
    let exp = dp - 1;
    // strconv/ftoa.go: with the shortest precision, %e is used when exp < -4 || exp >= 6.
    if !(-4..6).contains(&exp) {
        // %e form: d.ddde±XX with at least two exponent digits.
        let mut m = String::from(&digits[..1]);
        if digits.len() > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let (es, ev) = if exp < 0 { ('-', -exp) } else { ('+', exp) };
        return format!("{sign}{m}e{es}{ev:02}");
    }
    format!("{sign}{}", fixed(&digits, dp))
}

/// Digits placed around the decimal point `dp` (number of digits before the point).
fn fixed(digits: &str, dp: i32) -> String {
    if dp <= 0 {
        format!("0.{}{}", "0".repeat((-dp) as usize), digits)
    } else if dp as usize >= digits.len() {
        format!("{}{}", digits, "0".repeat(dp as usize - digits.len()))
    } else {
        format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    }
}

/// go-yaml's float spelling: `FormatFloat(f, 'g', -1, 64)` with `.inf`, `-.inf`, `.nan`.
pub fn format_float_yaml(f: f64) -> String {
    match format_g(f).as_str() {
        "+Inf" => ".inf".into(),
        "-Inf" => "-.inf".into(),
        "NaN" => ".nan".into(),
        s => s.to_string(),
    }
}

/// `encoding/json`'s float spelling: `'f'` for 1e-6 <= |f| < 1e21, else `'e'` with a short exponent.
pub fn format_float_json(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    if f == 0.0 {
        return "0".into();
    }
    let abs = f.abs();
    let (digits, dp) = shortest(&format!("{:e}", abs));
    let sign = if f < 0.0 { "-" } else { "" };
    if (1e-6..1e21).contains(&abs) {
        return format!("{sign}{}", fixed(&digits, dp));
    }
    let exp = dp - 1;
    let mut m = String::from(&digits[..1]);
    if digits.len() > 1 {
        m.push('.');
        m.push_str(&digits[1..]);
    }
    let (es, ev) = if exp < 0 { ('-', -exp) } else { ('+', exp) };
    format!("{sign}{m}e{es}{ev}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format_matches_go() {
        assert_eq!(format_g(1.0), "1");
        assert_eq!(format_g(0.5), "0.5");
        assert_eq!(format_g(100000.0), "100000");
        assert_eq!(format_g(1e6), "1e+06");
        assert_eq!(format_g(123456789.0), "1.23456789e+08");
        assert_eq!(format_g(0.0001), "0.0001");
        assert_eq!(format_g(0.00001), "1e-05");
        assert_eq!(format_g(-2.5), "-2.5");
        assert_eq!(format_g(1e21), "1e+21");
    }

    #[test]
    fn g32_format_matches_go() {
        // Go: strconv.FormatFloat(f, 'g', -1, 32).
        assert_eq!(format_g32(0.1), "0.1");
        assert_eq!(format_g32(1.1), "1.1");
        assert_eq!(format_g32(16777217.0), "1.6777216e+07");
        assert_eq!(format_g32(3.4e38), "3.4e+38");
        assert_eq!(format_g32(1e39), "+Inf");
        assert_eq!(format_g32(-2.5), "-2.5");
        assert_eq!(format_g32(0.0), "0");
        assert_eq!(format_g32(1e-46), "0");
        // Against the old route (f32 shortest digits re-read as f64, then 64-bit 'g').
        let mut x: u32 = 12345;
        for _ in 0..10_000 {
            x = x.wrapping_mul(1664525).wrapping_add(1013904223);
            let f = f32::from_bits(x);
            if f.is_finite() {
                let back: f64 = format!("{f:e}").parse().unwrap();
                assert_eq!(format_g32(f64::from(f)), format_g(back), "{f:e}");
            }
        }
    }

    #[test]
    fn json_format_matches_go() {
        assert_eq!(format_float_json(1.0), "1");
        assert_eq!(format_float_json(0.5), "0.5");
        assert_eq!(format_float_json(1e6), "1000000");
        assert_eq!(format_float_json(1e21), "1e+21");
        assert_eq!(format_float_json(1e-7), "1e-7");
    }
}
