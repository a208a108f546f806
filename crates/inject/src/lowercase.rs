//! `str::to_lowercase` with small tables.
//!
//! The workload kind in `ISTIO_META_OWNER` is lower-cased. std's `to_lowercase` carries its full
//! Unicode case tables (13 KB of the page's wasm) for that one call; this gives the same result
//! from the same data (this toolchain's Unicode version) encoded as runs: `LOWER` holds the
//! one-character mappings as runs of characters with a common offset (a varint gap from the
//! previous run's start, a count, and a varint of the zigzag offset times two plus the stride
//! minus one), the two sets used for the final sigma hold ranges (varint gap from the end of the
//! previous range, varint length minus one). The `lowercase_like_std` test checks every character.

const LOWER: &[u8] = &[
    65, 26, 128, 1, 127, 23, 128, 1, 24, 7, 128, 1, 40, 24, 5, 50, 3, 5, 7, 8, 5, 17, 23, 5, 46, 1, 226, 3, 1, 3, 5, 8,
    1, 200, 6, 1, 2, 5, 4, 1, 184, 6, 1, 1, 4, 2, 2, 180, 6, 2, 1, 4, 3, 1, 188, 2, 1, 1, 168, 6, 1, 1, 172, 6,
    1, 1, 4, 2, 1, 180, 6, 1, 1, 188, 6, 2, 1, 204, 6, 1, 1, 196, 6, 1, 1, 4, 4, 1, 204, 6, 1, 1, 212, 6, 2, 1,
    216, 6, 1, 3, 5, 6, 1, 232, 6, 1, 1, 4, 2, 1, 232, 6, 3, 1, 4, 2, 1, 232, 6, 1, 1, 4, 2, 2, 228, 6, 2, 2,
    5, 4, 1, 236, 6, 1, 1, 4, 4, 1, 4, 8, 1, 8, 1, 1, 4, 2, 1, 8, 1, 1, 4, 2, 1, 8, 1, 9, 5, 19, 9, 5,
    19, 1, 8, 1, 2, 5, 4, 1, 130, 3, 1, 1, 222, 1, 1, 20, 5, 40, 1, 134, 4, 2, 9, 5, 24, 1, 172, 209, 2, 1, 1, 4,
    2, 1, 138, 5, 1, 1, 160, 209, 2, 3, 1, 4, 2, 1, 138, 6, 1, 1, 148, 2, 1, 1, 156, 2, 1, 5, 5, 170, 2, 2, 5, 6,
    1, 4, 9, 1, 208, 3, 7, 1, 152, 1, 2, 3, 148, 1, 4, 1, 128, 2, 2, 2, 252, 1, 3, 17, 128, 1, 18, 9, 128, 1, 44, 1,
    32, 9, 12, 5, 28, 1, 238, 1, 3, 1, 4, 2, 1, 26, 1, 1, 4, 3, 3, 134, 4, 3, 16, 192, 2, 16, 32, 128, 1, 80, 17, 5,
    42, 27, 5, 54, 1, 60, 1, 7, 5, 15, 48, 5, 97, 38, 192, 1, 239, 22, 38, 128, 227, 1, 39, 1, 128, 227, 1, 6, 1, 128, 227, 1,
    211, 5, 80, 192, 190, 9, 80, 6, 32, 153, 17, 1, 4, 7, 43, 254, 93, 45, 3, 254, 93, 195, 2, 75, 5, 158, 1, 1, 250, 237, 1, 2,
    48, 5, 104, 8, 30, 16, 6, 30, 16, 8, 30, 16, 8, 30, 16, 6, 30, 17, 4, 31, 15, 8, 30, 32, 8, 30, 16, 8, 30, 16, 8, 30,
    16, 2, 30, 2, 2, 166, 2, 2, 1, 34, 12, 4, 214, 2, 4, 1, 34, 12, 2, 30, 2, 2, 142, 3, 14, 2, 30, 2, 2, 190, 3, 2,
    1, 26, 12, 2, 254, 3, 2, 2, 246, 3, 2, 1, 34, 170, 2, 1, 242, 234, 1, 4, 1, 250, 133, 2, 1, 1, 150, 130, 2, 7, 1, 112,
    46, 16, 64, 35, 1, 4, 179, 6, 26, 104, 202, 14, 48, 192, 1, 96, 1, 4, 2, 1, 218, 207, 2, 1, 1, 150, 119, 1, 1, 154, 207, 2,
    3, 3, 5, 6, 1, 238, 208, 2, 1, 1, 242, 207, 2, 1, 1, 250, 208, 2, 1, 1, 246, 208, 2, 2, 1, 4, 3, 1, 4, 9, 2, 250,
    209, 2, 2, 50, 5, 107, 2, 5, 7, 1, 4, 206, 242, 1, 23, 5, 64, 14, 5, 162, 1, 7, 5, 16, 31, 5, 71, 2, 5, 4, 1, 142,
    208, 8, 1, 5, 5, 13, 1, 4, 2, 1, 158, 169, 10, 3, 2, 5, 6, 10, 5, 20, 1, 142, 170, 10, 1, 1, 186, 170, 10, 1, 1, 170,
    170, 10, 1, 1, 130, 170, 10, 1, 1, 142, 170, 10, 2, 1, 198, 168, 10, 1, 1, 166, 169, 10, 1, 1, 210, 168, 10, 1, 1, 128, 29, 1,
    8, 5, 16, 1, 190, 1, 1, 1, 138, 170, 10, 1, 1, 222, 209, 8, 1, 2, 5, 4, 1, 154, 171, 10, 1, 8, 5, 16, 1, 130, 178, 10,
    25, 1, 4, 172, 174, 1, 26, 128, 1, 223, 9, 40, 160, 1, 176, 1, 36, 160, 1, 192, 1, 11, 156, 1, 12, 15, 156, 1, 16, 7, 156, 1,
    8, 2, 156, 1, 236, 13, 51, 128, 2, 208, 1, 22, 128, 1, 208, 22, 32, 128, 1, 160, 171, 1, 32, 128, 1, 96, 25, 108, 224, 244, 1, 34,
    136, 1,
];

const CASE_IGNORABLE: &[u8] = &[
    39, 0, 6, 0, 11, 0, 35, 0, 1, 0, 71, 0, 4, 0, 1, 0, 4, 0, 2, 1, 247, 3, 191, 1, 4, 1, 4, 0, 9, 1, 1, 0,
    251, 1, 6, 207, 1, 0, 5, 0, 49, 44, 1, 0, 1, 1, 1, 1, 1, 0, 44, 0, 11, 5, 10, 10, 1, 0, 35, 0, 10, 20, 16, 0,
    101, 7, 1, 9, 1, 3, 33, 0, 1, 0, 30, 26, 91, 10, 58, 10, 4, 0, 2, 0, 24, 23, 43, 2, 44, 0, 7, 1, 5, 8, 41, 57,
    55, 0, 1, 0, 4, 7, 4, 0, 3, 6, 10, 1, 13, 0, 15, 0, 58, 0, 4, 3, 8, 0, 20, 1, 26, 0, 2, 1, 57, 0, 4, 1,
    4, 1, 2, 2, 3, 0, 30, 1, 3, 0, 11, 1, 57, 0, 4, 4, 1, 1, 4, 0, 20, 1, 22, 5, 1, 0, 58, 0, 2, 0, 1, 3,
    8, 0, 7, 1, 11, 1, 30, 0, 61, 0, 12, 0, 50, 0, 3, 0, 55, 0, 1, 2, 5, 2, 1, 3, 7, 1, 11, 1, 29, 0, 58, 0,
    2, 0, 6, 0, 5, 1, 20, 1, 28, 1, 57, 1, 4, 3, 8, 0, 20, 1, 29, 0, 72, 0, 7, 2, 1, 0, 90, 0, 2, 6, 11, 8,
    98, 0, 2, 8, 9, 0, 1, 6, 73, 1, 27, 0, 1, 0, 1, 0, 55, 13, 1, 4, 1, 1, 5, 10, 1, 35, 9, 0, 102, 3, 1, 5,
    1, 1, 2, 1, 25, 1, 4, 2, 16, 3, 13, 0, 2, 1, 6, 0, 15, 0, 94, 0, 224, 4, 2, 178, 7, 2, 29, 1, 30, 1, 30, 1,
    64, 1, 1, 6, 8, 0, 2, 10, 3, 0, 5, 0, 45, 4, 51, 0, 65, 1, 34, 0, 118, 2, 4, 1, 9, 0, 6, 2, 219, 1, 1, 2,
    0, 58, 0, 1, 6, 1, 0, 1, 0, 2, 7, 6, 9, 2, 0, 39, 0, 8, 45, 2, 11, 20, 3, 48, 0, 1, 4, 1, 0, 5, 0, 40,
    8, 12, 1, 32, 3, 2, 1, 1, 2, 56, 0, 1, 1, 3, 0, 1, 2, 58, 7, 2, 1, 64, 5, 82, 2, 1, 12, 1, 6, 4, 0, 6,
    0, 3, 1, 50, 62, 13, 0, 34, 100, 189, 3, 0, 1, 2, 11, 2, 13, 2, 13, 2, 13, 1, 12, 4, 8, 1, 10, 0, 2, 0, 2, 4,
    49, 4, 1, 9, 1, 0, 13, 0, 16, 12, 51, 32, 139, 23, 1, 113, 2, 125, 0, 15, 0, 96, 31, 47, 0, 213, 3, 0, 36, 3, 3, 4,
    5, 0, 93, 5, 93, 2, 150, 222, 1, 0, 226, 9, 5, 142, 2, 0, 98, 3, 1, 9, 1, 0, 28, 3, 80, 1, 14, 33, 78, 0, 23, 2,
    102, 3, 3, 1, 8, 0, 3, 0, 4, 0, 25, 1, 5, 0, 151, 1, 1, 26, 17, 13, 0, 38, 7, 25, 10, 46, 2, 48, 0, 2, 3, 2,
    1, 17, 0, 21, 1, 66, 5, 2, 1, 2, 1, 12, 0, 8, 0, 35, 0, 11, 0, 51, 0, 1, 2, 2, 1, 5, 1, 1, 0, 27, 0, 14,
    1, 5, 1, 1, 0, 100, 4, 9, 2, 121, 0, 2, 0, 4, 0, 176, 158, 1, 0, 147, 1, 16, 189, 4, 15, 3, 0, 12, 15, 34, 0, 2,
    0, 169, 1, 0, 7, 0, 6, 0, 11, 0, 35, 0, 1, 0, 47, 0, 45, 1, 67, 0, 21, 2, 129, 4, 0, 226, 1, 0, 149, 1, 4, 133,
    8, 5, 1, 41, 1, 8, 198, 4, 2, 1, 1, 5, 3, 40, 2, 4, 0, 165, 1, 1, 189, 4, 3, 38, 0, 26, 4, 1, 0, 187, 2, 1,
    24, 0, 52, 5, 70, 10, 49, 3, 123, 0, 54, 14, 41, 0, 2, 1, 10, 2, 49, 3, 2, 1, 2, 0, 4, 0, 10, 0, 50, 2, 36, 4,
    1, 7, 62, 0, 12, 1, 52, 8, 10, 3, 2, 0, 95, 2, 2, 0, 1, 1, 6, 0, 2, 0, 157, 1, 0, 3, 7, 21, 1, 57, 1, 3,
    0, 37, 6, 3, 4, 70, 5, 13, 0, 1, 0, 1, 0, 14, 1, 85, 7, 2, 2, 1, 0, 23, 0, 84, 5, 1, 0, 4, 1, 1, 1, 238,
    1, 3, 6, 1, 1, 1, 27, 1, 85, 7, 2, 0, 1, 1, 106, 0, 1, 0, 2, 5, 1, 0, 101, 0, 1, 0, 2, 3, 1, 4, 131, 2,
    8, 1, 1, 128, 2, 1, 1, 0, 4, 0, 144, 1, 3, 2, 1, 4, 0, 32, 9, 40, 5, 2, 3, 8, 0, 9, 5, 2, 2, 46, 12, 1,
    1, 198, 1, 0, 1, 2, 1, 0, 201, 1, 6, 1, 5, 1, 0, 82, 21, 2, 6, 1, 1, 1, 1, 122, 5, 3, 0, 1, 1, 1, 6, 1,
    0, 72, 1, 3, 0, 1, 0, 65, 0, 153, 2, 1, 11, 1, 52, 4, 5, 0, 1, 0, 23, 0, 213, 41, 16, 6, 14, 200, 89, 11, 3, 2,
    192, 19, 4, 59, 6, 9, 3, 252, 3, 2, 40, 1, 226, 3, 0, 63, 16, 64, 1, 1, 1, 13, 1, 252, 127, 3, 1, 6, 1, 1, 158, 25,
    1, 1, 3, 220, 36, 45, 2, 22, 160, 4, 2, 9, 15, 2, 6, 30, 3, 148, 1, 2, 187, 15, 54, 4, 49, 8, 0, 14, 0, 22, 4, 1,
    14, 208, 10, 6, 1, 16, 2, 6, 1, 1, 1, 4, 5, 61, 33, 0, 160, 1, 13, 240, 2, 0, 61, 3, 251, 3, 4, 254, 1, 1, 243, 1,
    0, 2, 0, 7, 1, 5, 0, 9, 0, 208, 3, 6, 109, 7, 175, 21, 4, 129, 152, 48, 0, 30, 95, 128, 1, 239, 1,
];

const CASED: &[u8] = &[
    65, 25, 6, 25, 47, 0, 10, 0, 4, 0, 5, 22, 1, 30, 1, 194, 1, 1, 3, 4, 207, 1, 2, 25, 192, 1, 3, 2, 1, 3, 2, 1,
    0, 6, 0, 1, 2, 1, 0, 1, 19, 1, 82, 1, 138, 1, 8, 165, 1, 1, 37, 9, 40, 151, 22, 37, 1, 0, 5, 0, 2, 42, 2, 2,
    160, 5, 85, 2, 5, 130, 17, 10, 5, 42, 2, 2, 64, 43, 63, 12, 1, 33, 101, 149, 2, 2, 5, 2, 37, 2, 5, 2, 7, 1, 0, 1,
    0, 1, 0, 1, 30, 2, 52, 1, 6, 1, 0, 3, 2, 1, 6, 3, 3, 2, 5, 4, 12, 5, 2, 1, 6, 133, 2, 0, 4, 0, 2, 9,
    1, 0, 3, 4, 6, 0, 1, 0, 1, 0, 1, 3, 1, 5, 4, 0, 2, 3, 5, 4, 4, 0, 17, 31, 3, 1, 177, 6, 51, 150, 14, 123,
    2, 102, 6, 3, 3, 1, 12, 37, 1, 0, 5, 0, 146, 242, 1, 45, 18, 27, 134, 1, 77, 1, 22, 3, 3, 1, 76, 24, 1, 3, 0, 181,
    6, 42, 5, 8, 7, 79, 192, 158, 1, 6, 12, 4, 137, 8, 25, 6, 25, 165, 9, 79, 96, 35, 4, 35, 116, 10, 1, 14, 1, 6, 1, 1,
    1, 10, 1, 14, 1, 6, 1, 1, 195, 13, 50, 13, 50, 93, 21, 10, 21, 154, 22, 63, 224, 170, 1, 63, 32, 24, 2, 24, 172, 202, 1, 84,
    1, 70, 1, 1, 2, 0, 2, 1, 2, 3, 1, 11, 1, 0, 1, 6, 1, 64, 1, 3, 2, 7, 1, 6, 1, 27, 1, 3, 1, 4, 1, 0,
    3, 6, 1, 211, 2, 2, 24, 1, 24, 1, 30, 1, 24, 1, 30, 1, 24, 1, 30, 1, 24, 1, 30, 1, 24, 1, 7, 180, 14, 9, 1, 19,
    6, 5, 213, 19, 67, 236, 15, 25, 6, 25, 6, 25,
];

/// Reads a LEB128 varint at `i`.
fn varint(t: &[u8], i: &mut usize) -> u32 {
    let mut v = 0;
    let mut shift = 0;
    loop {
        let b = t[*i];
        *i += 1;
        v |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

/// The ranges `(first, last)` of a set table.
fn ranges(t: &'static [u8]) -> impl Iterator<Item = (u32, u32)> {
    let (mut i, mut pos) = (0, 0);
    std::iter::from_fn(move || {
        if i == t.len() {
            return None;
        }
        let lo = pos + varint(t, &mut i);
        let hi = lo + varint(t, &mut i);
        pos = hi + 1;
        Some((lo, hi))
    })
}

/// True when `c` is in a set table.
fn in_set(t: &'static [u8], c: char) -> bool {
    let c = c as u32;
    ranges(t).take_while(|r| r.0 <= c).any(|r| c <= r.1)
}

/// The runs of `LOWER`: first character, count, stride and offset.
fn runs() -> impl Iterator<Item = (u32, u32, u32, i32)> {
    let (mut i, mut start) = (0, 0);
    std::iter::from_fn(move || {
        if i == LOWER.len() {
            return None;
        }
        start += varint(LOWER, &mut i);
        let count = u32::from(LOWER[i]);
        i += 1;
        let v = varint(LOWER, &mut i);
        let z = v >> 1;
        let offset = if z & 1 == 1 { -((z as i32 + 1) / 2) } else { (z / 2) as i32 };
        Some((start, count, (v & 1) + 1, offset))
    })
}

/// The lowercase of a character whose lowercase is one character.
fn lower(c: char) -> char {
    let code = c as u32;
    runs()
        .take_while(|r| r.0 <= code)
        .find(|&(start, count, stride, _)| code < start + count * stride && (code - start).is_multiple_of(stride))
        .and_then(|r| char::from_u32(code.wrapping_add_signed(r.3)))
        .unwrap_or(c)
}

/// Unicode's `Final_Sigma` context test on one side: after skipping case-ignorable characters,
/// the next one is cased.
fn case_ignorable_then_cased(mut chars: impl Iterator<Item = char>) -> bool {
    chars.find(|&c| !in_set(CASE_IGNORABLE, c)).is_some_and(|c| in_set(CASED, c))
}

/// `s.to_lowercase()`.
pub fn to_lowercase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            '\0'..='\u{7f}' => out.push(c),
            'Σ' => {
                let last = case_ignorable_then_cased(s[..i].chars().rev()) && !case_ignorable_then_cased(s[i + 2..].chars());
                out.push(if last { 'ς' } else { 'σ' });
            }
            '\u{130}' => out.push_str("i\u{307}"),
            c => out.push(lower(c)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables hold exactly std's data: every one-character mapping, and the case-ignorable
    /// and cased characters as std's final-sigma rule sees them (`cΣ` ends in `ς` when `c` is cased
    /// and not case-ignorable, `AcΣ` when it is either).
    #[test]
    fn lowercase_like_std() {
        let mut mapped = std::collections::BTreeMap::new();
        for (start, count, stride, offset) in runs() {
            for k in 0..count {
                let c = start + k * stride;
                mapped.insert(c, c.wrapping_add_signed(offset));
            }
        }
        let (mut ignorable, mut cased) = (Vec::new(), Vec::new());
        for t in [CASE_IGNORABLE, CASED] {
            let out = if t == CASE_IGNORABLE { &mut ignorable } else { &mut cased };
            for (lo, hi) in ranges(t) {
                out.extend(lo..=hi);
            }
        }
        let (mut want_mapped, mut want_ignorable, mut want_cased) = (std::collections::BTreeMap::new(), Vec::new(), Vec::new());
        let final_sigma = |s: String| s.to_lowercase().ends_with('ς');
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            let l: Vec<char> = c.to_lowercase().collect();
            if l.len() == 1 && l[0] != c {
                want_mapped.insert(c as u32, l[0] as u32);
            }
            let (x, y) = (final_sigma(format!("{c}Σ")), final_sigma(format!("A{c}Σ")));
            if y && !x {
                want_ignorable.push(c as u32);
            }
            if x {
                want_cased.push(c as u32);
            }
        }
        assert_eq!(mapped, want_mapped);
        assert_eq!(ignorable, want_ignorable);
        assert_eq!(cased, want_cased);
        // Words mixing cased, case-ignorable and other characters around sigmas.
        let pieces = ["Σ", "A", "a", "'", "\u{301}", " ", "ΣΑ", "1", "\u{345}", "ǅ", "İ", "Ä", "\u{10400}", "."];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let s: String = (0..(x % 9) as usize).map(|i| pieces[((x >> (i * 4 + 4)) % 14) as usize]).collect();
            assert_eq!(to_lowercase(&s), s.to_lowercase(), "{s:?}");
        }
    }
}
