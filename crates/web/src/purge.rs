//! Tells the cache in front of the site (`--purge-url`) exactly what changed: the same keys the
//! node's own page cache drops (`depends`), which every page also names in its `Surrogate-Key`
//! header (and `xkey`, the name Varnish's xkey module reads).
//!
//! The purge is one `PURGE` request to the URL per batch of keys, naming them space-separated
//! in the `xkey` header (Varnish with `vmod_xkey`: `xkey.purge(req.http.xkey)`, see
//! `bench/varnish/newsdesk.vcl`) and in `Surrogate-Key` (for proxies that read that name). When
//! the node cannot tell what changed it purges the key `site`, which every response carries.
//! A failed purge is logged and not retried: the CDN's copies then age out by `max-age`.

use crate::depends::Change;
use newsdesk_desk::outbound::Outbound;

use crate::AppState;

/// The key every response carries, for purging everything.
pub const SITE: &str = "site";
/// Longest `xkey` header sent in one request; more keys go in further requests.
const MAX_HEADER: usize = 6000;

/// Where purges go, as configured.
#[derive(Debug, Clone)]
pub struct PurgeTarget {
    pub url: String,
    /// The URL may be a private or loopback address (a Varnish on the same machine).
    pub allow_private: bool,
}

/// The header values a change is purged with, each at most [`MAX_HEADER`] long.
pub fn batches(change: &Change) -> Vec<String> {
    let keys: Vec<&str> = match change {
        Change::All => vec![SITE],
        Change::Keys(keys) => keys.iter().map(String::as_str).collect(),
    };
    let mut out: Vec<String> = vec![];
    for key in keys {
        match out.last_mut() {
            Some(last) if last.len() + 1 + key.len() <= MAX_HEADER => {
                last.push(' ');
                last.push_str(key);
            }
            _ => out.push(key.to_string()),
        }
    }
    out
}

/// Sends the purges for `change` in the background, if the site has a purge URL.
pub fn send(state: &AppState, change: Change) {
    let Some(target) = state.site.purge.clone() else { return };
    let batches = batches(&change);
    if batches.is_empty() {
        return;
    }
    let work = move || {
        let client = Outbound::new();
        for keys in batches {
            let headers = [("xkey", keys.clone()), ("Surrogate-Key", keys.clone())];
            match client.send("PURGE", &target.url, &headers, target.allow_private) {
                Ok(reply) => tracing::debug!(status = reply.status, keys = %keys, "purged"),
                Err(e) => tracing::warn!(error = %e, keys = %keys, "purge failed"),
            }
        }
    };
    match tokio::runtime::Handle::try_current() {
        Ok(rt) => drop(rt.spawn_blocking(work)),
        Err(_) => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_go_in_batches_that_fit_a_header() {
        let keys = (0..2000).map(|i| format!("article-{i}")).collect();
        let sent = batches(&Change::Keys(keys));
        assert!(sent.len() > 1);
        assert!(sent.iter().all(|b| b.len() <= MAX_HEADER));
        assert_eq!(sent.iter().map(|b| b.split(' ').count()).sum::<usize>(), 2000);
        assert_eq!(batches(&Change::All), vec!["site".to_string()]);
        assert!(batches(&Change::Keys(Default::default())).is_empty());
    }
}
