//! The event log on PostgreSQL. An identity column hands out ids when rows are inserted, but
//! transactions commit in their own order: a transaction that took id 7 may commit after one that
//! took id 8, and a follower that read 8 and keeps `last = 8` would never see 7. So every writer
//! of an event first takes one transaction-scoped advisory lock ([`EVENTS_LOCK`]): the next
//! writer waits at that lock until the holder commits or rolls back, ids are taken in commit
//! order, and `id > last` misses nothing. The lock is held from the event's insert to the commit,
//! which in the store is the end of the write that made the event (a few milliseconds); writes
//! that make no event never wait for it.

use jiff::Timestamp;
use postgres::{GenericClient, Transaction};

use crate::sqlite::{Event, EventKind};
use crate::{StoreError, sqlite::ts};

/// The advisory lock every event writer holds until it commits.
pub const EVENTS_LOCK: i64 = 0x006e_6577_7365_7674; // "newsevt"

/// Appends an event inside `tx`; returns its id. The id is visible to followers only once `tx`
/// commits, and no later id commits before it.
pub fn append(
    tx: &mut Transaction<'_>,
    kind: EventKind,
    article_id: Option<i64>,
    payload: &serde_json::Value,
    now: Timestamp,
) -> Result<i64, StoreError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&EVENTS_LOCK])?;
    let row = tx.query_one(
        "INSERT INTO events (created_at, kind, article_id, payload) VALUES ($1, $2, $3, $4) RETURNING id",
        &[&now.as_microsecond(), &kind.as_str(), &article_id, &payload.to_string()],
    )?;
    Ok(row.get(0))
}

/// The events after `after`, oldest first, at most `limit`.
pub fn since(client: &mut impl GenericClient, after: i64, limit: usize) -> Result<Vec<Event>, StoreError> {
    let rows = client.query(
        "SELECT id, created_at, kind, article_id, payload FROM events WHERE id > $1 ORDER BY id LIMIT $2",
        &[&after, &(limit as i64)],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Event {
                id: r.get(0),
                created_at: ts(r.get(1))?,
                kind: EventKind::parse(r.get(2)),
                article_id: r.get(3),
                payload: serde_json::from_str(r.get(4))?,
            })
        })
        .collect()
}
