//! Decimal text to `f64`, correctly rounded, in little code.
//!
//! `str::parse::<f64>` is exact and fast, but it brings a 10 KB table of powers of five (the
//! Eisel-Lemire algorithm) into the page's wasm, which brotli cannot shrink. Floats are rare in
//! manifests, so this module takes the short road:
//!
//! * Clinger's fast path: up to 15 significant digits and a power of ten up to 10^22 are both exact
//!   in an `f64`, so one multiplication or division rounds once, correctly. This covers what people
//!   write (`0.5`, `1.25`, `3e6`).
//! * Otherwise the exact value `digits × 10^exp` becomes a fraction of two big integers, and 53 bits
//!   of quotient are produced by long division, rounded half to even on the exact remainder.
//!
//! [`parse`] accepts the same text as `str::parse::<f64>` does for decimal numbers (an optional
//! sign, digits with at most one `.`, an optional exponent) and gives the same value; the tests
//! compare the two on many inputs.

use crate::bignum::Big;

/// Digits beyond this many can only matter through whether they are all zero: the exact decimal
/// expansion of any `f64` halfway point has at most 767 significant digits.
const MAX_DIGITS: usize = 800;

/// Parses a decimal number the way `str::parse::<f64>` does; `None` where that returns an error.
/// `inf`, `nan` and hexadecimal forms are not accepted (callers handle their own spellings).
pub fn parse(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    // Significant digits (leading zeros dropped), and the power of ten of the last one kept.
    let mut digits: Vec<u8> = Vec::new();
    let mut exp10: i64 = 0;
    let mut nonzero_dropped = false;
    let mut seen_digit = false;
    let mut seen_point = false;
    while i < b.len() {
        match b[i] {
            c @ b'0'..=b'9' => {
                seen_digit = true;
                if digits.len() < MAX_DIGITS {
                    if !(c == b'0' && digits.is_empty()) {
                        digits.push(c - b'0');
                    }
                    if seen_point {
                        exp10 -= 1;
                    }
                } else {
                    nonzero_dropped |= c != b'0';
                    if !seen_point {
                        exp10 += 1;
                    }
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if !seen_digit {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        let negative_exp = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut e: i64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            // Saturate: anything this large is zero or infinity anyway.
            e = (e * 10 + i64::from(b[i] - b'0')).min(1 << 40);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp10 += if negative_exp { -e } else { e };
    }
    if i != b.len() {
        return None;
    }
    if nonzero_dropped {
        // A sticky digit keeps "more than the kept digits" visible to the rounding.
        digits.push(1);
        exp10 -= 1;
    }
    let magnitude = magnitude(&digits, exp10);
    Some(if negative { -magnitude } else { magnitude })
}

/// The `f64` nearest to `0.d1d2…dn × 10^n × 10^exp10` read as the integer `d1d2…dn × 10^exp10`.
fn magnitude(digits: &[u8], exp10: i64) -> f64 {
    // Drop trailing zeros: they only shift the exponent.
    let end = digits.iter().rposition(|&d| d != 0).map_or(0, |p| p + 1);
    if end == 0 {
        return 0.0;
    }
    let exp10 = exp10 + (digits.len() - end) as i64;
    let digits = &digits[..end];
    // Every value at or above 10^309 is infinite, every value below 10^-325 rounds to zero.
    let top = exp10 + digits.len() as i64;
    if top > 310 {
        return f64::INFINITY;
    }
    if top < -326 {
        return 0.0;
    }
    if digits.len() <= 15 && exp10.abs() <= 22 {
        let w = digits.iter().fold(0u64, |w, &d| w * 10 + u64::from(d)) as f64;
        let p = POW10[exp10.unsigned_abs() as usize];
        return if exp10 < 0 { w / p } else { w * p };
    }
    long_division(digits, exp10)
}

/// Powers of ten that are exact in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22,
];

/// The slow, exact path: `num / den` with `num = digits × 10^max(exp10, 0)`, `den = 10^max(-exp10, 0)`.
fn long_division(digits: &[u8], exp10: i64) -> f64 {
    let mut num = Big::default();
    for &d in digits {
        num.mul_add(10, u32::from(d));
    }
    let mut den = Big::from(1);
    let scale = if exp10 >= 0 { &mut num } else { &mut den };
    for _ in 0..exp10.unsigned_abs() {
        scale.mul_add(10, 0);
    }
    // Find k with den·2^k <= num < den·2^(k+1), starting from the bit lengths.
    let mut k = num.bits() as i64 - den.bits() as i64;
    let (mut n, d) = loop {
        let (n, d) = if k >= 0 { (num.clone(), den.shl(k as usize)) } else { (num.shl((-k) as usize), den.clone()) };
        if n < d {
            k -= 1;
        } else if n >= d.shl(1) {
            k += 1;
        } else {
            break (n, d);
        }
    };
    // value = (n / d) × 2^k with 1 <= n/d < 2. An f64 has 53 bits of mantissa, fewer when subnormal.
    if k > 1023 {
        return f64::INFINITY;
    }
    let bits = if k >= -1022 { 53 } else { 53 - (-1022 - k) };
    if bits <= 0 {
        // Below the smallest subnormal 2^-1074: above half of it rounds up, half (a tie) to even, zero.
        return if bits == 0 && n > d { f64::from_bits(1) } else { 0.0 };
    }
    let mut q: u64 = 0;
    for _ in 0..bits {
        q <<= 1;
        if n >= d {
            n.sub(&d);
            q |= 1;
        }
        n = n.shl(1);
    }
    // n is now twice the remainder: compare it with d for the rounding.
    match n.cmp(&d) {
        std::cmp::Ordering::Greater => q += 1,
        std::cmp::Ordering::Equal => q += q & 1,
        std::cmp::Ordering::Less => {}
    }
    // The quotient's first bit stands for 2^k; its last for 2^(k - bits + 1).
    let mut exp2 = k - bits + 1;
    if q == 1 << bits {
        q >>= 1;
        exp2 += 1;
        if bits == 53 && k + 1 > 1023 {
            return f64::INFINITY;
        }
    }
    compose(q, exp2)
}

/// `q × 2^exp2` for a `q` of at most 53 bits, exactly (the caller rounded already).
fn compose(q: u64, exp2: i64) -> f64 {
    let lead = 63 - i64::from(q.leading_zeros());
    let top = lead + exp2;
    if top >= -1022 {
        // Normal: drop the implicit leading bit.
        let mantissa = (q << (52 - lead)) & ((1 << 52) - 1);
        f64::from_bits((((top + 1023) as u64) << 52) | mantissa)
    } else {
        // Subnormal: the mantissa is q × 2^(exp2 + 1074).
        f64::from_bits(q << (exp2 + 1074))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn same(s: &str) {
        let ours = parse(s);
        let std = s.parse::<f64>().ok();
        assert_eq!(ours.map(f64::to_bits), std.map(f64::to_bits), "{s:?}: ours {ours:?}, std {std:?}");
    }

    #[test]
    fn agrees_with_std_on_hard_cases() {
        for s in [
            "0", "-0", "+0", "0.0", "00.00e5", "1", "1.", ".5", "-.5", "1e5", "1E+5", "1e-5", "3.14159",
            "0.1", "0.3", "123456789012345678901234567890", "9007199254740993", "9007199254740992.5",
            "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1.8e308",
            "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9e-324", "2.4703282292062327e-324",
            "2.4703282292062328e-324", "5e-324", "1e-400", "1e400", "0e999999999999", "1e-999999999999",
            "7.2057594037927933e16", "8.98846567431158e307", "1e23", "1e22", "4.35679215e-312",
            "0.000000000000000000000000000000000000000000001", "179769313486231580793728971405301e276",
            "", ".", "-", "+", "e5", "1e", "1e+", "1.2.3", "1..2", "--1", "+-1", "1 ", " 1", "1_0", "0x10",
        ] {
            same(s);
        }
        // Halfway points with many digits after them: the sticky digit decides.
        let long = format!("9007199254740993{}1", "0".repeat(900));
        same(&long);
        same(&format!("9007199254740993{}", "0".repeat(900)));
        same(&format!("0.{}1e-300", "0".repeat(1000)));
    }

    #[test]
    fn agrees_with_std_on_generated_numbers() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let ndigits = 1 + next() % 25;
            let mut s = String::new();
            if next() % 4 == 0 {
                s.push('-');
            }
            for j in 0..ndigits {
                if j == next() % (ndigits + 1) && !s.contains('.') {
                    s.push('.');
                }
                s.push(char::from(b'0' + (next() % 10) as u8));
            }
            if next() % 2 == 0 {
                s.push_str(&format!("e{}", (next() % 700) as i64 - 350));
            }
            same(&s);
        }
        // Exact halfway points between neighbouring f64s, (2M+1) × 2^s, and their next-door numbers.
        for _ in 0..20_000 {
            let m = u128::from((next() >> 11) | (1 << 52));
            let odd = 2 * m + 1;
            let shift = (next() % 100) as i32 - 30;
            let text = if shift >= 0 {
                (odd << shift.min(70)).to_string()
            } else {
                // (2M+1) / 2^k = (2M+1) × 5^k / 10^k.
                let k = (-shift) as u32;
                let digits = (odd * 5u128.pow(k)).to_string();
                let (int, frac) = digits.split_at(digits.len() - k as usize);
                format!("{}.{frac}", if int.is_empty() { "0" } else { int })
            };
            same(&text);
            same(&format!("{text}1"));
            same(&format!("{}9", &text[..text.len() - 1]));
        }
        // Every f64's own shortest and long spellings read back to it.
        for _ in 0..20_000 {
            let f = f64::from_bits(next() & !(1 << 63));
            if f.is_finite() {
                same(&format!("{f:e}"));
                same(&format!("{f:.30e}"));
            }
        }
    }
}
