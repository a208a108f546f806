//! The line diff between what the learner wrote and what the injector printed.
//!
//! Consecutive lines of the same kind are grouped into one [`Hunk`], so that the diff view
//! needs a few dozen DOM nodes rather than one per line.
//! A diff that takes longer than [`BUDGET`] is finished coarsely (bigger replaced blocks,
//! still a correct diff): inputs with hundreds of identical lines would otherwise take seconds.

use std::time::Duration;

/// How long the diff may refine before it settles for a coarser result.
pub const BUDGET: Duration = Duration::from_millis(40);

/// What happened to a run of lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Kept,
    Added,
    Removed,
}

/// A run of consecutive lines with the same [`Change`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hunk {
    pub change: Change,
    /// The lines, each ending with a newline.
    pub text: String,
    pub lines: usize,
}

/// The line diff from `before` to `after` (Myers' O(ND) shortest edit script).
///
/// A line is compared with its newline, so a last line without one differs from the same text
/// with one.
pub fn lines(before: &str, after: &str) -> Vec<Hunk> {
    let a: Vec<&str> = before.split_inclusive('\n').collect();
    let b: Vec<&str> = after.split_inclusive('\n').collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let mut hunks: Vec<Hunk> = Vec::new();
    for line in &a[..prefix] {
        push(&mut hunks, Change::Kept, line);
    }
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    match script(a_mid, b_mid) {
        Some(ops) => {
            for (change, line) in ops {
                push(&mut hunks, change, line);
            }
        }
        // Over budget: the whole middle is replaced, which is still a correct diff.
        None => {
            for line in a_mid {
                push(&mut hunks, Change::Removed, line);
            }
            for line in b_mid {
                push(&mut hunks, Change::Added, line);
            }
        }
    }
    for line in &a[a.len() - suffix..] {
        push(&mut hunks, Change::Kept, line);
    }
    hunks
}

/// Appends `line` to the last hunk when it has the same change, else starts a hunk.
fn push(hunks: &mut Vec<Hunk>, change: Change, line: &str) {
    match hunks.last_mut() {
        Some(last) if last.change == change => {
            last.text.push_str(line);
            last.lines += 1;
        }
        _ => hunks.push(Hunk { change, text: line.to_owned(), lines: 1 }),
    }
    if !line.ends_with('\n') {
        if let Some(last) = hunks.last_mut() {
            last.text.push('\n');
        }
    }
}

/// Milliseconds on a monotonic clock (`performance.now()`); none natively, where nothing diffs.
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        return performance.now();
    }
    0.0
}

/// The shortest edit script from `a` to `b`, or `None` when it takes longer than [`BUDGET`]
/// (or needs more memory than the trace allows).
///
/// The greedy forward pass keeps, for each number of edits `d`, how far each diagonal `k`
/// (x - y) reaches (`2d + 1` values, stored from offset `d²`); the path is then read backwards.
fn script<'a>(a: &[&'a str], b: &[&'a str]) -> Option<Vec<(Change, &'a str)>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = n + m;
    let at = |k: isize| (k + max + 1) as usize;
    let mut reach = vec![0isize; at(max) + 2];
    let mut trace: Vec<isize> = Vec::new();
    let deadline = now_ms() + BUDGET.as_millis() as f64;
    let mut end = 0;
    'rounds: for d in 0..=max {
        // The time budget, and 8 MB of trace at most.
        if d > 0 && (now_ms() > deadline || trace.len() > 1 << 21) {
            return None;
        }
        for k in (-d..=d).step_by(2) {
            let down = k == -d || (k != d && reach[at(k - 1)] < reach[at(k + 1)]);
            let mut x = if down { reach[at(k + 1)] } else { reach[at(k - 1)] + 1 };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            reach[at(k)] = x;
            if x >= n && y >= m {
                end = d;
                break 'rounds;
            }
        }
        trace.extend_from_slice(&reach[at(-d)..=at(d)]);
    }
    let mut ops = Vec::with_capacity((n + m) as usize);
    let (mut x, mut y) = (n, m);
    for d in (1..=end).rev() {
        let before = |k: isize| trace[((d - 1) * (d - 1) + k + d - 1) as usize];
        let k = x - y;
        let from = if k == -d || (k != d && before(k - 1) < before(k + 1)) { k + 1 } else { k - 1 };
        let from_x = before(from);
        while x > from_x && y > from_x - from {
            x -= 1;
            y -= 1;
            ops.push((Change::Kept, a[x as usize]));
        }
        if x == from_x {
            y -= 1;
            ops.push((Change::Added, b[y as usize]));
        } else {
            x -= 1;
            ops.push((Change::Removed, a[x as usize]));
        }
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        ops.push((Change::Kept, a[x as usize]));
    }
    ops.reverse();
    Some(ops)
}

/// How many lines were added and removed.
pub fn counts(hunks: &[Hunk]) -> (usize, usize) {
    hunks.iter().fold((0, 0), |(added, removed), hunk| match hunk.change {
        Change::Added => (added + hunk.lines, removed),
        Change::Removed => (added, removed + hunk.lines),
        Change::Kept => (added, removed),
    })
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn groups_runs_and_marks_additions_and_removals() {
        let hunks = lines("a\nb\nc\n", "a\nx\ny\nc\n");
        let shape: Vec<(Change, &str)> = hunks.iter().map(|h| (h.change, h.text.as_str())).collect();
        assert_eq!(
            shape,
            vec![
                (Change::Kept, "a\n"),
                (Change::Removed, "b\n"),
                (Change::Added, "x\ny\n"),
                (Change::Kept, "c\n"),
            ]
        );
        assert_eq!(counts(&hunks), (2, 1));
    }

    #[wasm_bindgen_test]
    fn a_pathological_diff_stays_within_its_budget_and_correct() {
        // Thirty identical documents, a line added after each: 1800 edits.
        let doc: String = (0..60).map(|i| format!("key{}: value\n", i % 7)).collect();
        let before = vec![doc.as_str(); 30].join("---\n");
        let after: String = before.lines().flat_map(|line| [line, "  added: x"]).map(|l| format!("{l}\n")).collect();
        let started = web_time::Instant::now();
        let hunks = lines(&before, &after);
        assert!(started.elapsed() < BUDGET * 5, "took {:?}", started.elapsed());
        let rebuilt = |skip: Change| hunks.iter().filter(|h| h.change != skip).map(|h| h.text.as_str()).collect::<String>();
        assert_eq!(rebuilt(Change::Removed), after);
        assert_eq!(rebuilt(Change::Added), before);
    }

    #[wasm_bindgen_test]
    fn random_diffs_rebuild_both_sides_with_the_fewest_edits() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        for _ in 0..500 {
            let letters = 1 + next(4);
            let mut text = || -> String {
                let count = next(12);
                (0..count).map(|_| ["a\n", "b\n", "c\n", "d\n"][next(letters) as usize]).collect()
            };
            let (before, after) = (text(), text());
            let hunks = lines(&before, &after);
            let rebuilt = |skip: Change| hunks.iter().filter(|h| h.change != skip).map(|h| h.text.as_str()).collect::<String>();
            assert_eq!(rebuilt(Change::Removed), after);
            assert_eq!(rebuilt(Change::Added), before);
            // The longest common subsequence, by dynamic programming.
            let (a, b): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
            let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for i in 0..a.len() {
                for j in 0..b.len() {
                    table[i + 1][j + 1] = if a[i] == b[j] { table[i][j] + 1 } else { table[i][j + 1].max(table[i + 1][j]) };
                }
            }
            let (added, removed) = counts(&hunks);
            assert_eq!(added + removed, a.len() + b.len() - 2 * table[a.len()][b.len()], "{before:?} -> {after:?}");
        }
    }

    #[wasm_bindgen_test]
    fn a_last_line_without_newline_still_ends_its_hunk_with_one() {
        let hunks = lines("a", "a\nb");
        assert!(hunks.iter().all(|h| h.text.ends_with('\n')));
        assert_eq!(counts(&hunks), (2, 1));
    }
}
