//! Kubernetes resource quantities, canonicalised as `resource.Quantity` prints them.
//!
//! `2000m` prints as `2`, `1024Mi` as `1Gi`, `0.5` as `500m`, `1e3` as `1k`: the value is kept exactly
//! (as a decimal mantissa and exponent) and printed in the largest unit of the same format (binary
//! suffixes stay binary, decimal and exponent forms stay decimal) that keeps it an integer.

/// How the quantity was written, which decides how it is printed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    BinarySI,
    DecimalSI,
    DecimalExponent,
}

/// Parses `s` and returns the canonical spelling, or `None` when it is not a quantity.
pub fn canonical(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // Split number and suffix.
    let bytes = s.as_bytes();
    let mut i = 0;
    if bytes[0] == b'+' || bytes[0] == b'-' {
        i = 1;
    }
    let num_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
        i += 1;
    }
    let number = &s[..i];
    let suffix = &s[i..];
    if i == num_start || number[num_start..].chars().filter(|&c| c == '.').count() > 1 {
        return None;
    }
    let negative = number.starts_with('-');
    let digits_part = &number[num_start..];
    let (int_part, frac_part) = digits_part.split_once('.').unwrap_or((digits_part, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    // value = mantissa * 10^exp10 * 2^exp2
    let mut mantissa: u128 = 0;
    for c in int_part.chars().chain(frac_part.chars()) {
        mantissa = mantissa.checked_mul(10)?.checked_add(c.to_digit(10)? as u128)?;
    }
    let mut exp10: i32 = -(frac_part.len() as i32);
    const DECIMAL: [(&str, i32); 10] =
        [("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18)];
    const BINARY: [(&str, i32); 6] = [("Ki", 10), ("Mi", 20), ("Gi", 30), ("Ti", 40), ("Pi", 50), ("Ei", 60)];
    let (format, exp2): (Format, i32) = if let Some((_, e)) = BINARY.iter().find(|(s, _)| *s == suffix) {
        (Format::BinarySI, *e)
    } else if let Some((_, e)) = DECIMAL.iter().find(|(s, _)| *s == suffix) {
        exp10 += e;
        (Format::DecimalSI, 0)
    } else if let Some(e) = suffix.strip_prefix(['e', 'E']) {
        // As `parse::<i32>` (the i64 parser is linked anyway).
        exp10 += i32::try_from(e.parse::<i64>().ok()?).ok()?;
        (Format::DecimalExponent, 0)
    } else {
        return None;
    };
    if mantissa == 0 {
        return Some("0".to_string());
    }
    let sign = if negative { "-" } else { "" };
    // Strip trailing zeros into the exponent.
    while mantissa.is_multiple_of(10) {
        mantissa /= 10;
        exp10 += 1;
    }
    if format == Format::BinarySI && exp10 >= 0 {
        // An integer number of bytes: print with the largest binary suffix that divides it.
        let value = mantissa.checked_mul(10u128.checked_pow(exp10 as u32)?)?.checked_shl(exp2 as u32)?;
        return Some(binary(sign, value));
    }
    if format == Format::BinarySI {
        // A fractional binary quantity (e.g. 0.5Gi): exact when expressed in a smaller binary unit,
        // otherwise Kubernetes falls back to decimal.
        let denom = 10u128.checked_pow((-exp10) as u32)?;
        let scaled = mantissa.checked_shl(exp2 as u32)?;
        if scaled.is_multiple_of(denom) {
            return Some(binary(sign, scaled / denom));
        }
        // Not an integer number of bytes: value in decimal with the binary factor folded in.
        let mut m = scaled;
        let mut e = exp10;
        while m % 10 == 0 {
            m /= 10;
            e += 1;
        }
        return Some(decimal(sign, m, e, Format::DecimalSI));
    }
    if format == Format::DecimalExponent {
        // Exponent form prints as mantissa e<multiple of 3>.
        let mut m = mantissa;
        let mut e = exp10;
        while e % 3 != 0 {
            m = m.checked_mul(10)?;
            e -= 1;
        }
        if e < -9 {
            // Below nano Kubernetes rounds up; keep the exact value at nano precision.
            return Some(decimal(sign, m, e, Format::DecimalSI));
        }
        return Some(if e == 0 { text(sign, m, "") } else { format!("{}e{e}", text(sign, m, "")) });
    }
    Some(decimal(sign, mantissa, exp10, format))
}

/// `sign`, the decimal digits of `v`, `suffix` (a digit loop: std's u128 formatting is 1.3 KB of
/// the page's wasm).
fn text(sign: &str, mut v: u128, suffix: &str) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(b'0' + (v % 10) as u8);
        v /= 10;
        if v == 0 {
            break;
        }
    }
    digits.reverse();
    let mut out = sign.to_string();
    out.push_str(std::str::from_utf8(&digits).unwrap_or_default());
    out.push_str(suffix);
    out
}

/// Prints a whole number of bytes with the largest binary suffix that divides it.
fn binary(sign: &str, mut value: u128) -> String {
    let mut unit = 0;
    while value.is_multiple_of(1024) && unit < 6 && value >= 1024 {
        value /= 1024;
        unit += 1;
    }
    text(sign, value, ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][unit])
}

/// Prints `m * 10^e` with the largest decimal SI suffix that keeps the number an integer.
fn decimal(sign: &str, mut m: u128, mut e: i32, _f: Format) -> String {
    if e < -9 {
        // Kubernetes rounds sub-nano values up to 1n precision.
        let shift = (-9 - e) as u32;
        let div = 10u128.pow(shift.min(30));
        m = m.div_ceil(div);
        e = -9;
    }
    while e % 3 != 0 {
        m *= 10;
        e -= 1;
    }
    let suffix = match e {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => {
            // Beyond E: fold the exponent back into the digits.
            let extra = (e - 18) as u32;
            m *= 10u128.pow(extra);
            "E"
        }
    };
    text(sign, m, suffix)
}

#[cfg(test)]
mod tests {
    use super::{canonical, text};

    #[test]
    fn digits_like_format() {
        let mut v: u128 = 1;
        for _ in 0..130 {
            for x in [v - 1, v, v.wrapping_add(7), u128::MAX - v] {
                assert_eq!(text("-", x, "Ki"), format!("-{x}Ki"));
            }
            v = v.wrapping_mul(3) | 1;
        }
        assert_eq!(text("", u128::MAX, ""), u128::MAX.to_string());
    }

    #[test]
    fn canonical_forms() {
        for (input, want) in [
            ("2000m", "2"),
            ("1024Mi", "1Gi"),
            ("4000m", "4"),
            ("1000m", "1"),
            ("100m", "100m"),
            ("128Mi", "128Mi"),
            ("0.5", "500m"),
            ("1e3", "1e3"),
            ("1500m", "1500m"),
            ("1.5", "1500m"),
            ("0", "0"),
            ("2Gi", "2Gi"),
            ("1k", "1k"),
            ("1000", "1k"),
            ("500Mi", "500Mi"),
            ("1536Mi", "1536Mi"),
            ("0.5Gi", "512Mi"),
            ("10G", "10G"),
        ] {
            assert_eq!(canonical(input).as_deref(), Some(want), "{input}");
        }
        assert_eq!(canonical("bad"), None);
        assert_eq!(canonical("1x"), None);
    }
}
