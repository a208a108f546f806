//! The one source of randomness: a SplitMix64 generator seeded once per cluster.
//! Every name suffix, IP, delay and identifier is drawn from it, in event order,
//! so the same seed and the same commands give the same cluster.

/// The alphabet apimachinery uses for generated names (no vowels, no `0 1 3`).
pub const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// SplitMix64: small, fast, and identical on every platform.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole future is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng {
            state: seed ^ 0x6a09_e667_f3bc_c908,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform integer in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// `n` characters from the generated-name alphabet (the pod suffix `x7k2p`).
    pub fn name_suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| ALPHANUMS[(self.next_u64() % ALPHANUMS.len() as u64) as usize] as char)
            .collect()
    }

    /// `n` lowercase hex digits (container IDs).
    pub fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            s.push_str(&format!("{:016x}", self.next_u64()));
        }
        s.truncate(n);
        s
    }

    /// A random (version 4) UUID.
    pub fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-4{}-{}{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            ["8", "9", "a", "b"][(self.next_u64() % 4) as usize],
            &h[17..20],
            &h[20..32]
        )
    }
}

/// 32-bit FNV-1a, the hash behind `pod-template-hash`.
pub fn fnv32a(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// apimachinery's `SafeEncodeString`: every byte mapped into the name alphabet.
pub fn safe_encode(s: &str) -> String {
    s.bytes()
        .map(|b| ALPHANUMS[(b as usize) % ALPHANUMS.len()] as char)
        .collect()
}

/// A deterministic hex digest of some text (stands in for image digests).
pub fn digest_hex(text: &str, n: usize) -> String {
    let mut r = Rng::new(u64::from(fnv32a(text.as_bytes())) << 17 ^ text.len() as u64);
    r.hex(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_hashes_use_the_digit_alphabet() {
        // Decimal digits map onto 4-9 and b-f, which is why real hashes look like `7d5f8b9c4d`.
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
    }

    #[test]
    fn same_seed_same_stream() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.name_suffix(5), b.name_suffix(5));
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }
}
