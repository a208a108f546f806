//! The line diff between what the learner wrote and what the injector printed.
//!
//! Consecutive lines of the same kind are grouped into one [`Hunk`], so that the diff view
//! needs a few dozen DOM nodes rather than one per line.
//! A diff that takes longer than [`BUDGET`] is finished coarsely (bigger replaced blocks,
//! still a correct diff): inputs with hundreds of identical lines would otherwise take seconds.

use std::time::Duration;

use similar::{Algorithm, ChangeTag, TextDiff};

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

/// The line diff from `before` to `after`.
pub fn lines(before: &str, after: &str) -> Vec<Hunk> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .timeout(BUDGET)
        .diff_lines(before, after);
    let mut hunks: Vec<Hunk> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => Change::Kept,
            ChangeTag::Insert => Change::Added,
            ChangeTag::Delete => Change::Removed,
        };
        let value = change.value();
        match hunks.last_mut() {
            Some(last) if last.change == kind => {
                last.text.push_str(value);
                last.lines += 1;
            }
            _ => hunks.push(Hunk { change: kind, text: value.to_owned(), lines: 1 }),
        }
        if !value.ends_with('\n') {
            hunks.last_mut().expect("just pushed").text.push('\n');
        }
    }
    hunks
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
        // Thirty identical documents leave the patience diff no unique lines to anchor on.
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
    fn a_last_line_without_newline_still_ends_its_hunk_with_one() {
        let hunks = lines("a", "a\nb");
        assert!(hunks.iter().all(|h| h.text.ends_with('\n')));
        assert_eq!(counts(&hunks), (2, 1));
    }
}
