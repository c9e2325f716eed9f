//! Sends webhooks and WebSub pings. Follows the event log into delivery jobs (see
//! `store::jobs`), claims due jobs one at a time, signs webhook bodies with HMAC-SHA256, and
//! retries failures with exponential backoff; every attempt is logged in the database.

use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use newsdesk_store::{DeliveryJob, HookKind, Store, StoreError};
use serde_json::json;
use sha2::Sha256;

use crate::outbound::Outbound;

/// The follower name under which the hook worker keeps its place in the event log.
const FOLLOWER: &str = "hooks";
/// How long a claimed delivery is ours before another worker may take it over.
const LEASE: SignedDuration = SignedDuration::from_secs(60);
/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i64 = 8;

/// When to try again after failed attempt number `attempt`: 30 s, 1 min, 2 min… at most 6 h.
pub fn backoff(attempt: i64) -> SignedDuration {
    let secs = 30i64.saturating_mul(1i64 << (attempt - 1).clamp(0, 20));
    SignedDuration::from_secs(secs.min(6 * 3600))
}

/// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`: the receiver recomputes it with the
/// hook's secret and rejects old timestamps to stop replays.
pub fn signature(secret: &str, at: Timestamp, body: &[u8]) -> String {
    let t = at.as_second();
    // HMAC accepts a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

/// Enqueues new events and sends every due delivery; returns how many were attempted.
/// `site_url` makes the stories' links absolute.
pub fn deliver_due(store: &Store, site_url: &str, outbound: &Outbound, now: Timestamp) -> Result<usize, StoreError> {
    store.enqueue_deliveries(FOLLOWER, 500, now)?;
    let mut attempted = 0;
    while let Some(job) = store.claim_delivery(now, LEASE)? {
        attempted += 1;
        let outcome = send(site_url, outbound, &job, now);
        let retry = match &outcome {
            Ok(_) => None,
            Err(_) if job.attempt >= MAX_ATTEMPTS => None,
            Err(_) => Some(now + backoff(job.attempt)),
        };
        match &outcome {
            Ok(status) => tracing::info!(hook = job.hook.id, delivery = job.delivery_id, status, "delivered"),
            Err((_, e)) => {
                tracing::warn!(hook = job.hook.id, delivery = job.delivery_id, attempt = job.attempt, error = %e, "delivery failed")
            }
        }
        store.finish_delivery(job.delivery_id, outcome, retry, now)?;
    }
    Ok(attempted)
}

fn send(site: &str, outbound: &Outbound, job: &DeliveryJob, now: Timestamp) -> Result<u16, (Option<u16>, String)> {
    let path = job.event.payload["path"].as_str().unwrap_or("").to_string();
    let section = job.event.payload["section"].as_str().unwrap_or("").to_string();
    let result = match job.hook.kind {
        HookKind::Webhook => {
            let body = json!({
                "delivery": job.delivery_id,
                "event": job.event.kind.hook_name(),
                "event_id": job.event.id,
                "occurred_at": job.event.created_at.to_string(),
                "article": { "id": job.event.article_id, "url": format!("{site}{path}"), "path": path, "section": section },
            })
            .to_string();
            let headers = [
                ("X-Newsdesk-Event", job.event.kind.hook_name().to_string()),
                ("X-Newsdesk-Delivery", job.delivery_id.to_string()),
                ("X-Newsdesk-Signature", signature(&job.hook.secret, now, body.as_bytes())),
            ];
            outbound.post(&job.hook.url, "application/json", &headers, body.as_bytes(), job.hook.allow_private)
        }
        HookKind::Websub => {
            // Every feed the change can have altered: the home page's and the section's.
            let mut pairs = vec![("hub.mode", "publish".to_string())];
            let mut bases = vec![String::new()];
            if !section.is_empty() {
                bases.push(format!("/{section}"));
            }
            for base in &bases {
                for file in ["feed.xml", "atom.xml", "feed.json"] {
                    pairs.push(("hub.url", format!("{site}{base}/{file}")));
                }
            }
            let form = serde_urlencoded::to_string(&pairs).unwrap_or_default();
            outbound.post(
                &job.hook.url,
                "application/x-www-form-urlencoded",
                &[],
                form.as_bytes(),
                job.hook.allow_private,
            )
        }
    };
    match result {
        Ok(reply) if (200..300).contains(&reply.status) => Ok(reply.status),
        Ok(reply) => Err((Some(reply.status), format!("answered {}", reply.status))),
        Err(e) => Err((e.status(), e.to_string())),
    }
}

#[cfg(test)]
mod tests;
