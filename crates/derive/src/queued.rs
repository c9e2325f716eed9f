//! Documents waiting for tantivy's indexing threads, counted so that a reader faster than the
//! indexing cannot pile them up in memory.
//!
//! tantivy's queue holds 10,000 hand-overs, and a hand-over is a batch of documents. At 64 a
//! batch, a rebuild whose reading outran the indexing kept up to 640,000 stories waiting: the
//! peak RSS of a 1,000,000-story rebuild reached 4.4 GB. Each document now carries a ticket
//! that is given back when an indexing thread has written it (tantivy drops the document
//! then), and a hand-over waits while [`WAITING_MAX`] documents are out.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use tantivy::{Document, TantivyDocument};

/// How many documents may wait for the indexing threads: enough to keep both busy for a
/// while (a few hundred milliseconds of work), little enough to be a few tens of megabytes.
pub(crate) const WAITING_MAX: usize = 4096;
/// How long a hand-over waits for room before going ahead anyway: the count only bounds
/// memory, and a stalled indexing thread must not also stall the caller for good.
const PATIENCE: Duration = Duration::from_secs(30);

/// The count of documents handed over and not yet written. Only [`Gate::admit`] makes a
/// [`Queued`], and the writer takes nothing else, so every document is counted.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    waiting: Mutex<usize>,
    freed: Condvar,
}

impl Gate {
    fn count(&self) -> MutexGuard<'_, usize> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until `docs` may join the queue (when fewer than [`WAITING_MAX`] would then wait,
    /// or none waits), and gives each a ticket.
    pub(crate) fn admit(self: &Arc<Self>, docs: Vec<TantivyDocument>) -> Vec<Queued> {
        let n = docs.len();
        let (mut count, _) = self
            .freed
            .wait_timeout_while(self.count(), PATIENCE, |waiting| *waiting > 0 && *waiting + n > WAITING_MAX)
            .unwrap_or_else(|p| p.into_inner());
        *count += n;
        drop(count);
        docs.into_iter().map(|doc| Queued { doc, gate: Arc::clone(self) }).collect()
    }

    /// How many documents wait now.
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> usize {
        *self.count()
    }
}

/// A document on its way to the indexing threads; it gives its place back when dropped.
pub(crate) struct Queued {
    doc: TantivyDocument,
    gate: Arc<Gate>,
}

impl Drop for Queued {
    fn drop(&mut self) {
        let mut count = self.gate.count();
        *count = count.saturating_sub(1);
        drop(count);
        self.gate.freed.notify_one();
    }
}

impl Document for Queued {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn a_hand_over_waits_while_the_queue_is_full_and_goes_on_when_a_document_is_written() {
        let gate = Arc::new(Gate::default());
        let mut first = gate.admit(vec![TantivyDocument::default(); WAITING_MAX]);
        let (tx, rx) = mpsc::channel();
        let waiting = Arc::clone(&gate);
        let t = std::thread::spawn(move || {
            let more = waiting.admit(vec![TantivyDocument::default()]);
            tx.send(more.len()).unwrap();
        });
        assert!(rx.recv_timeout(Duration::from_millis(200)).is_err(), "the queue was full");
        first.pop(); // one written
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(1));
        t.join().unwrap();
        // The one the thread queued was dropped with it: one fewer than were let in.
        assert_eq!(gate.waiting(), WAITING_MAX - 1);
        drop(first);
        assert_eq!(gate.waiting(), 0);
        // A batch larger than the queue goes alone.
        let big = gate.admit(vec![TantivyDocument::default(); WAITING_MAX + 1]);
        assert_eq!(big.len(), WAITING_MAX + 1);
    }
}
