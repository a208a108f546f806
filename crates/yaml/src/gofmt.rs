//! Go's number formatting, as go-yaml and `encoding/json` print floats.

use crate::bignum::Big;

/// The shortest decimal digits that read back as the same float, and the exponent `k` with
/// `f = 0.d1d2… × 10^k`: the digits Rust's `{:e}` prints (its exact "dragon" algorithm, which its
/// fast path always agrees with), computed here so that the page carries one small routine instead
/// of the standard library's float formatting and its tables.
///
/// `mant × 2^exp` is the float as `integer_decode` gives it (`mant` > 0), `min_normal` the mantissa
/// of its type's powers of two (2^52 or 2^23), `subnormal` whether the float is subnormal.
fn shortest(mant: u64, exp: i32, min_normal: u64, subnormal: bool) -> (String, i32) {
    // The neighbours are (mant - 2·minus) and (mant + 2·plus) at this scale; the halfway points are
    // mant ∓ minus/plus. Below a power of two the gap is half as wide.
    let inclusive = mant & 1 == 0;
    let (mant, minus, plus, exp) = if subnormal {
        (mant, 1, 1, exp)
    } else if mant == min_normal {
        (mant << 2, 1, 2, exp - 2)
    } else {
        (mant << 1, 1, 1, exp - 1)
    };
    // `a < b` when the boundaries are excluded, `a <= b` when included (round-half-even reading).
    let below = |a: &Big, b: &Big| if inclusive { a <= b } else { a < b };
    // An estimate of k from the high boundary's bit length (never too high, at most one too low).
    let nbits = 64 - i64::from((mant + plus - 1).leading_zeros());
    let mut k = (((nbits + i64::from(exp)) * 1_292_913_986) >> 32) as i32;
    // v = mant / scale, low = (mant - minus) / scale, high = (mant + plus) / scale.
    let (mut mant, mut minus, mut plus, mut scale) = (Big::from_u64(mant), Big::from_u64(minus), Big::from_u64(plus), Big::from(1));
    if exp < 0 {
        scale = scale.shl((-exp) as usize);
    } else {
        mant = mant.shl(exp as usize);
        minus = minus.shl(exp as usize);
        plus = plus.shl(exp as usize);
    }
    let times10 = |b: &mut Big, n: u32| (0..n).for_each(|_| b.mul_add(10, 0));
    if k >= 0 {
        times10(&mut scale, k as u32);
    } else {
        for b in [&mut mant, &mut minus, &mut plus] {
            times10(b, (-k) as u32);
        }
    }
    if below(&scale, &mant.add(&plus)) {
        k += 1;
    } else {
        for b in [&mut mant, &mut minus, &mut plus] {
            times10(b, 1);
        }
    }
    let mut digits = Vec::new();
    let (down, up) = loop {
        let mut d = 0u8;
        while mant >= scale {
            mant.sub(&scale);
            d += 1;
        }
        digits.push(b'0' + d);
        let down = below(&mant, &minus);
        let up = below(&scale, &mant.add(&plus));
        if down || up {
            break (down, up);
        }
        for b in [&mut mant, &mut minus, &mut plus] {
            times10(b, 1);
        }
    };
    // Round the last digit up when only the upper side stops, or when it is the nearer (ties up).
    if up && (!down || mant.shl(1) >= scale) {
        match digits.iter().rposition(|&c| c != b'9') {
            Some(i) => {
                digits[i] += 1;
                digits[i + 1..].fill(b'0');
            }
            None => {
                digits.fill(b'0');
                digits[0] = b'1';
                digits.push(b'0');
                k += 1;
            }
        }
    }
    (digits.into_iter().map(char::from).collect(), k)
}

/// [`shortest`] for an IEEE 754 binary float given as its bits: `fraction_bits` of fraction under
/// `exponent_bits` of biased exponent (52 and 11 for `f64`, 23 and 8 for `f32`), sign bit clear.
fn shortest_bits(bits: u64, fraction_bits: u32, exponent_bits: u32) -> (String, i32) {
    let min_normal = 1u64 << fraction_bits;
    // `integer_decode`'s exponent offset: the bias plus the fraction's width (1075 for f64, 150 for f32).
    let offset = (1i32 << (exponent_bits - 1)) - 1 + fraction_bits as i32;
    let biased = (bits >> fraction_bits) as i32 & ((1 << exponent_bits) - 1);
    let fraction = bits & (min_normal - 1);
    if biased == 0 {
        shortest(fraction << 1, -offset, min_normal, true)
    } else {
        shortest(fraction | min_normal, biased - offset, min_normal, false)
    }
}

fn shortest64(f: f64) -> (String, i32) {
    shortest_bits(f.to_bits(), 52, 11)
}

fn shortest32(f: f32) -> (String, i32) {
    shortest_bits(u64::from(f.to_bits()), 23, 8)
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
    g_layout(f < 0.0, shortest64(f))
}

/// `strconv.FormatFloat(f, 'g', -1, 32)`: the shortest digits that read back as the same `f32`,
/// as sigs.k8s.io/yaml formats floats bound for 32-bit fields.
pub fn format_g32(f: f64) -> String {
    let f = f as f32;
    if !f.is_finite() || f == 0.0 {
        return format_g(f64::from(f));
    }
    g_layout(f < 0.0, shortest32(f))
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
    let (digits, dp) = shortest64(f);
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

    /// The digits and exponent that Rust's `{:e}` prints.
    fn std_digits(e_text: &str) -> (String, i32) {
        let (mant, exp) = e_text.split_once('e').unwrap();
        (mant.replace(['.', '-'], ""), exp.parse::<i32>().unwrap() + 1)
    }

    #[test]
    fn shortest_digits_agree_with_std() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut cases64: Vec<f64> = vec![f64::MIN_POSITIVE, f64::MAX, 5e-324, 1.0, 0.1, 0.3, 1e23, 9007199254740993.0, 2.0f64.powi(-1022) * 3.0];
        cases64.extend((-1074..1024).map(|e| 2.0f64.powi(e)));
        cases64.extend((0..50_000).map(|_| f64::from_bits(next() & !(1 << 63))));
        cases64.extend((0..5_000).map(|_| f64::from_bits(next() & ((1 << 52) - 1))));
        for f in cases64.into_iter().filter(|f| f.is_finite() && *f > 0.0) {
            assert_eq!(shortest64(f), std_digits(&format!("{f:e}")), "{f:e}");
        }
        let mut cases32: Vec<f32> = vec![f32::MIN_POSITIVE, f32::MAX, 1e-45, 0.1, 16777217.0];
        cases32.extend((-149..128).map(|e| 2.0f32.powi(e)));
        cases32.extend((0..50_000).map(|_| f32::from_bits(next() as u32 & !(1 << 31))));
        for f in cases32.into_iter().filter(|f| f.is_finite() && *f > 0.0) {
            assert_eq!(shortest32(f), std_digits(&format!("{f:e}")), "{f:e}");
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
