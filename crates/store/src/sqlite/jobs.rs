//! Delivery jobs for webhooks and WebSub pings. Enqueuing follows the event log from a cursor
//! kept in `followers`, so nothing is missed across a restart or a crash; claiming takes a lease
//! in one statement, so one worker (of however many nodes) sends each delivery.

use jiff::{SignedDuration, Timestamp};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{Event, Store, lock, ts};
use crate::{Missing, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HookKind {
    Webhook,
    Websub,
}

impl HookKind {
    fn as_str(self) -> &'static str {
        match self {
            HookKind::Webhook => "webhook",
            HookKind::Websub => "websub",
        }
    }

    fn parse(s: &str) -> Result<HookKind, StoreError> {
        match s {
            "webhook" => Ok(HookKind::Webhook),
            "websub" => Ok(HookKind::Websub),
            other => Err(StoreError::Corrupt(format!("hook kind {other:?}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hook {
    pub id: i64,
    pub kind: HookKind,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    pub events: Vec<String>,
    pub allow_private: bool,
    pub created_at: Timestamp,
}

/// A claimed delivery: what to send where.
#[derive(Debug, Clone)]
pub struct DeliveryJob {
    pub delivery_id: i64,
    pub attempt: i64,
    pub hook: Hook,
    pub event: Event,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub event_id: i64,
    pub attempts: i64,
    pub delivered: bool,
    pub failed: bool,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
}

// Every hook query selects the same columns; callers append the WHERE clause.
macro_rules! hook_query {
    ($tail:literal) => {
        concat!("SELECT id, kind, url, secret, events, allow_private, created_at FROM webhooks ", $tail)
    };
}

fn hook_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, String, String, String, bool, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn to_hook(row: (i64, String, String, String, String, bool, i64)) -> Result<Hook, StoreError> {
    let (id, kind, url, secret, events, allow_private, created) = row;
    Ok(Hook {
        id,
        kind: HookKind::parse(&kind)?,
        url,
        secret,
        events: events.split(',').filter(|e| !e.is_empty()).map(str::to_string).collect(),
        allow_private,
        created_at: ts(created)?,
    })
}

impl Store {
    pub fn add_hook(
        &self,
        kind: HookKind,
        url: &str,
        secret: &str,
        events: &[String],
        allow_private: bool,
        now: Timestamp,
    ) -> Result<Hook, StoreError> {
        let conn = lock(&self.writer);
        conn.execute(
            "INSERT INTO webhooks (kind, url, secret, events, allow_private, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            params![kind.as_str(), url, secret, events.join(","), allow_private, now.as_microsecond()],
        )?;
        Ok(Hook {
            id: conn.last_insert_rowid(),
            kind,
            url: url.into(),
            secret: secret.into(),
            events: events.to_vec(),
            allow_private,
            created_at: now,
        })
    }

    /// Hooks that are not removed.
    pub fn hooks(&self) -> Result<Vec<Hook>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(hook_query!("WHERE removed_at IS NULL ORDER BY id"))?;
        let rows = stmt.query_map([], hook_row)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(to_hook).collect()
    }

    pub fn remove_hook(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        let n = conn.execute(
            "UPDATE webhooks SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL",
            params![now.as_microsecond(), id],
        )?;
        if n == 0 {
            return Err(StoreError::not_found(Missing::Hook, id));
        }
        Ok(())
    }

    /// Turns events after `follower`'s cursor into delivery jobs for every hook that wants them
    /// and existed when they happened; advances the cursor in the same transaction. Returns how
    /// many jobs were made.
    pub fn enqueue_deliveries(&self, follower: &str, batch: usize, now: Timestamp) -> Result<usize, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let cursor: i64 = tx
            .query_row("SELECT last_event_id FROM followers WHERE name = $1", [follower], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let events: Vec<(i64, i64, String)> = tx
            .prepare_cached("SELECT id, created_at, kind FROM events WHERE id > $1 ORDER BY id LIMIT $2")?
            .query_map(params![cursor, batch as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let Some(last) = events.last().map(|e| e.0) else { return Ok(0) };
        let hooks: Vec<Hook> = tx
            .prepare_cached(hook_query!("WHERE removed_at IS NULL"))?
            .query_map([], hook_row)?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .map(to_hook)
            .collect::<Result<_, _>>()?;
        let mut made = 0;
        for (event_id, created, kind) in &events {
            for hook in &hooks {
                let wanted = hook.events.iter().any(|e| e == super::EventKind::parse(kind).hook_name());
                if wanted && hook.created_at.as_microsecond() <= *created {
                    made += tx
                        .prepare_cached(
                            "INSERT INTO deliveries (webhook_id, event_id, next_attempt_at) VALUES ($1, $2, $3) \
                             ON CONFLICT DO NOTHING",
                        )?
                        .execute(params![hook.id, event_id, now.as_microsecond()])?;
                }
            }
        }
        tx.execute(
            "INSERT INTO followers (name, last_event_id) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET last_event_id = excluded.last_event_id",
            params![follower, last],
        )?;
        tx.commit()?;
        Ok(made)
    }

    /// Claims the next due delivery for `lease`: nobody else gets it until the lease runs out.
    pub fn claim_delivery(&self, now: Timestamp, lease: SignedDuration) -> Result<Option<DeliveryJob>, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_us = now.as_microsecond();
        let due: Option<(i64, i64, i64)> = tx
            .query_row(
                "SELECT id, webhook_id, event_id FROM deliveries \
                 WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
                 AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY next_attempt_at, id LIMIT 1",
                [now_us],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((delivery_id, hook_id, event_id)) = due else { return Ok(None) };
        let until = (now + lease).as_microsecond();
        tx.execute(
            "UPDATE deliveries SET claimed_until = $1, attempts = attempts + 1 WHERE id = $2",
            params![until, delivery_id],
        )?;
        let attempt: i64 =
            tx.query_row("SELECT attempts FROM deliveries WHERE id = $1", [delivery_id], |r| r.get(0))?;
        let hook = to_hook(tx.query_row(hook_query!("WHERE id = $1"), [hook_id], hook_row)?)?;
        let (created, kind, article_id, payload): (i64, String, Option<i64>, String) =
            tx.query_row("SELECT created_at, kind, article_id, payload FROM events WHERE id = $1", [event_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        tx.commit()?;
        let event = Event {
            id: event_id,
            created_at: ts(created)?,
            kind: super::EventKind::parse(&kind),
            article_id,
            payload: serde_json::from_str(&payload)?,
        };
        Ok(Some(DeliveryJob { delivery_id, attempt, hook, event }))
    }

    /// Records an attempt. `Ok(status)` delivered it; on `Err`, `retry_at` schedules the next
    /// attempt, and `None` gives up.
    pub fn finish_delivery(
        &self,
        delivery_id: i64,
        outcome: Result<u16, (Option<u16>, String)>,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_us = now.as_microsecond();
        let (status, error) = match &outcome {
            Ok(s) => (Some(*s as i64), None),
            Err((s, e)) => (s.map(|s| s as i64), Some(e.as_str())),
        };
        tx.execute(
            "INSERT INTO delivery_attempts (delivery_id, at, status, error) VALUES ($1, $2, $3, $4)",
            params![delivery_id, now_us, status, error],
        )?;
        match (outcome.is_ok(), retry_at) {
            (true, _) => tx.execute(
                "UPDATE deliveries SET delivered_at = $1, claimed_until = NULL, last_status = $2, last_error = NULL WHERE id = $3",
                params![now_us, status, delivery_id],
            )?,
            (false, Some(at)) => tx.execute(
                "UPDATE deliveries SET next_attempt_at = $1, claimed_until = NULL, last_status = $2, last_error = $3 WHERE id = $4",
                params![at.as_microsecond(), status, error, delivery_id],
            )?,
            (false, None) => tx.execute(
                "UPDATE deliveries SET failed_at = $1, claimed_until = NULL, last_status = $2, last_error = $3 WHERE id = $4",
                params![now_us, status, error, delivery_id],
            )?,
        };
        tx.commit()?;
        Ok(())
    }

    /// A hook's deliveries, newest first.
    pub fn deliveries(&self, hook_id: i64, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT id, event_id, attempts, delivered_at IS NOT NULL, failed_at IS NOT NULL, last_status, last_error \
             FROM deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2",
        )?;
        let rows = stmt.query_map(params![hook_id, limit as i64], |r| {
            Ok(Delivery {
                id: r.get(0)?,
                event_id: r.get(1)?,
                attempts: r.get(2)?,
                delivered: r.get(3)?,
                failed: r.get(4)?,
                last_status: r.get(5)?,
                last_error: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn events_become_deliveries_once_and_claims_are_exclusive() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let t0: Timestamp = "2000-01-01T00:00:00Z".parse().unwrap();
        let hook = store.add_hook(HookKind::Webhook, "http://x", "s", &["published".into()], true, t0).unwrap();
        let mut a = crate::sqlite::tests::article("One", "EUROPE");
        store.save_article(&a, Some("1"), "t", now()).unwrap();
        a.deck = Some("changed".into());
        store.save_article(&a, Some("1"), "t", now()).unwrap(); // an update: not wanted by this hook
        assert_eq!(store.enqueue_deliveries("hooks", 100, now()).unwrap(), 1);
        assert_eq!(store.enqueue_deliveries("hooks", 100, now()).unwrap(), 0, "the cursor moved on");

        let lease = SignedDuration::from_secs(60);
        let job = store.claim_delivery(now(), lease).unwrap().unwrap();
        assert_eq!((job.attempt, job.hook.id, job.event.kind), (1, hook.id, crate::EventKind::Published));
        assert!(store.claim_delivery(now(), lease).unwrap().is_none(), "claimed: nobody else gets it");

        let retry = now() + SignedDuration::from_secs(30);
        store.finish_delivery(job.delivery_id, Err((Some(500), "server error".into())), Some(retry), now()).unwrap();
        assert!(store.claim_delivery(now(), lease).unwrap().is_none(), "not due yet");
        let again = store.claim_delivery(retry, lease).unwrap().unwrap();
        assert_eq!(again.attempt, 2);
        store.finish_delivery(again.delivery_id, Ok(204), None, retry).unwrap();
        let d = &store.deliveries(hook.id, 10).unwrap()[0];
        assert!(d.delivered && !d.failed);
        assert_eq!((d.attempts, d.last_status), (2, Some(204)));
    }
}
