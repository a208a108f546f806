//! The event queue: actions ordered by (time, sequence number), so two actions
//! due at the same instant run in the order they were scheduled.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::time::Nanos;

/// A min-heap of timed items with FIFO tie-breaking.
#[derive(Debug)]
pub struct Queue<T> {
    heap: BinaryHeap<Reverse<(Nanos, u64, usize)>>,
    slots: Vec<Option<T>>,
    free: Vec<usize>,
    seq: u64,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            seq: 0,
        }
    }
}

impl<T> Queue<T> {
    /// Schedule `item` at time `at`.
    pub fn push(&mut self, at: Nanos, item: T) {
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s] = Some(item);
                s
            }
            None => {
                self.slots.push(Some(item));
                self.slots.len() - 1
            }
        };
        self.seq += 1;
        self.heap.push(Reverse((at, self.seq, slot)));
    }

    /// The time of the earliest item.
    pub fn peek_time(&self) -> Option<Nanos> {
        self.heap.peek().map(|Reverse((t, _, _))| *t)
    }

    /// Remove and return the earliest item.
    pub fn pop(&mut self) -> Option<(Nanos, T)> {
        let Reverse((t, _, slot)) = self.heap.pop()?;
        let item = self.slots[slot].take().expect("queued slot is filled");
        self.free.push(slot);
        Some((t, item))
    }

    /// Number of pending items.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_pop_in_push_order() {
        let mut q = Queue::default();
        q.push(5, "b");
        q.push(3, "a");
        q.push(5, "c");
        assert_eq!(q.pop(), Some((3, "a")));
        assert_eq!(q.pop(), Some((5, "b")));
        assert_eq!(q.pop(), Some((5, "c")));
        assert_eq!(q.pop(), None);
    }
}
