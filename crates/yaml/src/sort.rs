//! One stable sort for every crate that ends up in the page's wasm.
//!
//! The standard library's `sort`/`sort_by` is fast, but every element type and comparator gets its
//! own copy of driftsort (3 to 4 KB of wasm each); fifteen of them were a quarter of the page's
//! size budget. Here the sorting itself is a merge sort over indices that is compiled once
//! (`merge_sort` is not generic: it calls the comparator through `&mut dyn FnMut`); each caller
//! only adds the small permutation step. It is O(n log n) and stable, like `slice::sort_by`.
//!
//! `crates/cli/tests/tidy.rs` checks that the page's crates call these instead of the slice methods.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`, like `slice::sort_by`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let items: &[T] = v;
        merge_sort(&mut order, &mut |a, b| cmp(&items[a], &items[b]));
    }
    permute(v, order);
}

/// Sorts `v` stably in ascending order, like `slice::sort`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Sorts `v` stably by a key, like `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Bottom-up merge sort of indices; the one place the sorting work is compiled.
fn merge_sort(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    let n = order.len();
    let mut buf = vec![0usize; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                // Take from the right run only when it is strictly smaller: that keeps the sort stable.
                if cmp(order[j], order[i]) == Ordering::Less {
                    buf[k] = order[j];
                    j += 1;
                } else {
                    buf[k] = order[i];
                    i += 1;
                }
                k += 1;
            }
            buf[k..k + (mid - i)].copy_from_slice(&order[i..mid]);
            k += mid - i;
            buf[k..k + (end - j)].copy_from_slice(&order[j..end]);
            start = end;
        }
        order.copy_from_slice(&buf);
        width *= 2;
    }
}

/// Moves `v[order[i]]` to position `i`, following each cycle of the permutation once.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for i in 0..v.len() {
        let mut cur = i;
        // Position `cur` wants the element at `order[cur]`; swap it in and follow the cycle.
        while order[cur] != i {
            let next = order[cur];
            v.swap(cur, next);
            order[cur] = cur;
            cur = next;
        }
        order[cur] = cur;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so that the test needs no extra crate.
    fn numbers(seed: u64, n: usize, modulo: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (x >> 33) % modulo
            })
            .collect()
    }

    #[test]
    fn agrees_with_the_standard_stable_sort() {
        for n in [0, 1, 2, 3, 7, 8, 9, 31, 64, 100, 1000] {
            for modulo in [3, 1000] {
                // Pairs of (key, original position) show whether equal keys kept their order.
                let keys = numbers(n as u64 + modulo, n, modulo);
                let mut ours: Vec<(u64, usize)> = keys.iter().copied().zip(0..).collect();
                let mut std_sorted = ours.clone();
                sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
                std_sorted.sort_by_key(|a| a.0);
                assert_eq!(ours, std_sorted, "n={n} modulo={modulo}");
            }
        }
    }

    #[test]
    fn sort_and_sort_by_key() {
        let mut words = vec!["b", "a", "c", "a"];
        sort(&mut words);
        assert_eq!(words, ["a", "a", "b", "c"]);
        let mut pairs = vec![(2, 'x'), (1, 'y'), (2, 'z'), (1, 'w')];
        sort_by_key(&mut pairs, |p| std::cmp::Reverse(p.0));
        assert_eq!(pairs, [(2, 'x'), (2, 'z'), (1, 'y'), (1, 'w')]);
    }
}
