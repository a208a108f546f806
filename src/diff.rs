//! The line diff between what the learner wrote and what the injector printed.
//!
//! Consecutive lines of the same kind are grouped into one [`Hunk`], so that the diff view
//! needs a few dozen DOM nodes rather than one per line.

use similar::{Algorithm, ChangeTag, TextDiff};

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
    let diff = TextDiff::configure().algorithm(Algorithm::Patience).diff_lines(before, after);
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
    fn a_last_line_without_newline_still_ends_its_hunk_with_one() {
        let hunks = lines("a", "a\nb");
        assert!(hunks.iter().all(|h| h.text.ends_with('\n')));
        assert_eq!(counts(&hunks), (2, 1));
    }
}
