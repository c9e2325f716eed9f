//! Embed cards. A story's embed block with a YouTube, Vimeo, X or Instagram URL is shown to
//! readers as a card: the post's title and author and its thumbnail, all served by us, with a
//! button that loads the provider's player (its privacy-enhanced one where it has one) only
//! when the reader presses it. Until then the reader's browser sends the provider nothing.
//!
//! The card's facts come from the provider's oEmbed endpoint, asked once per URL in the
//! background through the one guarded client, and the thumbnail is fetched the same way,
//! checked like an upload and written to the media directory. A failed try is retried a few
//! times, later each time; a URL of no known provider stays a plain link.

use newsdesk_core::embed::{EmbedTarget, Provider};
use newsdesk_ingest::oembed;
use newsdesk_render::EmbedCard;
use newsdesk_store::{EmbedRecord, Store, StoreError};

use crate::AppState;
use newsdesk_desk::outbound::{Outbound, OutboundError};

/// Largest oEmbed answer and thumbnail read.
const MAX_ANSWER_BYTES: u64 = 256 * 1024;
const MAX_THUMBNAIL_BYTES: u64 = 5 * 1024 * 1024;
/// Embeds fetched per pass.
const BATCH: usize = 20;

/// Where each provider's oEmbed endpoint is, and whether it may be on a private address (a
/// test's endpoint on loopback; never in production). Instagram's endpoint needs an access
/// token (`NEWSDESK_INSTAGRAM_TOKEN`, a Meta app token); without one its posts get a card
/// with no title or picture.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub endpoints: Vec<(Provider, String)>,
    pub instagram_token: Option<String>,
    pub allow_private: bool,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            endpoints: Provider::ALL.iter().map(|p| (*p, p.oembed_endpoint().to_string())).collect(),
            instagram_token: std::env::var("NEWSDESK_INSTAGRAM_TOKEN").ok().filter(|t| !t.is_empty()),
            allow_private: false,
        }
    }
}

impl Endpoints {
    fn request(&self, target: &EmbedTarget) -> Option<String> {
        let (_, endpoint) = self.endpoints.iter().find(|(p, _)| *p == target.provider)?;
        let mut query = vec![("url", target.canonical.as_str()), ("format", "json")];
        if target.provider == Provider::Instagram {
            query.push(("access_token", self.instagram_token.as_deref()?));
            query.push(("omitscript", "true"));
        }
        let query = serde_urlencoded::to_string(&query).ok()?;
        Some(format!("{endpoint}?{query}"))
    }
}

/// Why a fetch gave no card.
#[derive(Debug, PartialEq, Eq)]
enum Miss {
    /// Done without a title or picture: the answer will not change.
    Plain(String),
    /// To be tried again later.
    Retry(String),
}

/// Fetches every embed that is due; returns how many were tried.
pub fn fetch_due(state: &AppState, outbound: &Outbound, endpoints: &Endpoints) -> Result<usize, StoreError> {
    let due = state.store.embeds_due(BATCH, state.now())?;
    for url in &due {
        let outcome = fetch_one(state, outbound, endpoints, url);
        let now = state.now();
        match outcome {
            Ok(()) => tracing::info!(%url, "embed card fetched"),
            Err(Miss::Plain(why)) => {
                tracing::info!(%url, %why, "embed left without a card");
                state.store.embed_failed(url, &why, true, now)?;
            }
            Err(Miss::Retry(why)) => {
                tracing::warn!(%url, %why, "embed fetch failed; will try again");
                state.store.embed_failed(url, &why, false, now)?;
            }
        }
    }
    Ok(due.len())
}

fn fetch_one(state: &AppState, outbound: &Outbound, endpoints: &Endpoints, url: &str) -> Result<(), Miss> {
    let target = EmbedTarget::recognise(url).ok_or_else(|| Miss::Plain("not a post of a known provider".into()))?;
    let request = endpoints
        .request(&target)
        .ok_or_else(|| Miss::Plain(format!("no oEmbed access for {}", target.provider.name())))?;
    let answer = outbound.get(&request, &[], endpoints.allow_private, MAX_ANSWER_BYTES).map_err(|e| match e {
        // No such post, or one the provider will not describe: asking again will not help.
        OutboundError::Status { status: 400 | 401 | 403 | 404 | 410, .. } => Miss::Plain(e.to_string()),
        OutboundError::Refused { .. } => Miss::Plain(e.to_string()),
        _ => Miss::Retry(e.to_string()),
    })?;
    let about = oembed::parse(&answer.body).map_err(|e| Miss::Retry(format!("{request}: {e}")))?;
    // A card without a picture is still a card; a picture that will not come is not worth a
    // retry of the whole embed.
    let thumbnail = about.thumbnail_url.as_deref().and_then(|src| match thumbnail(state, outbound, endpoints, src) {
        Ok(file) => Some(file),
        Err(why) => {
            tracing::warn!(%url, %src, %why, "embed thumbnail not kept");
            None
        }
    });
    state
        .store
        .embed_fetched(url, about.title.as_deref(), about.author_name.as_deref(), thumbnail.as_deref(), state.now())
        .map_err(|e| Miss::Retry(e.to_string()))
}

/// Fetches a thumbnail, judges it as an upload is judged, and writes it to the media store.
fn thumbnail(state: &AppState, outbound: &Outbound, endpoints: &Endpoints, src: &str) -> Result<String, String> {
    let got = outbound.get(src, &[], endpoints.allow_private, MAX_THUMBNAIL_BYTES).map_err(|e| e.to_string())?;
    let (_, ext, _, _) = crate::newsroom::media::check(&got.body).map_err(|e| e.to_string())?;
    let (file, _) = crate::newsroom::media::store_file(state.media.as_ref(), &got.body, ext)
        .map_err(|e| format!("cannot write: {e}"))?;
    Ok(file)
}

/// The cards for the embed blocks of a page, keyed by the URL as the block has it.
pub fn cards(store: &Store, urls: &[&str]) -> Result<Vec<EmbedCard>, StoreError> {
    let known: Vec<(&str, EmbedTarget)> =
        urls.iter().filter_map(|u| EmbedTarget::recognise(u).map(|t| (*u, t))).collect();
    if known.is_empty() {
        return Ok(vec![]);
    }
    let records = store.embeds(&known.iter().map(|(u, _)| *u).collect::<Vec<_>>())?;
    Ok(known
        .into_iter()
        .map(|(url, target)| {
            let record: Option<&EmbedRecord> = records.iter().find(|r| r.url == url.trim());
            EmbedCard {
                url: url.to_string(),
                provider: target.provider.as_str(),
                provider_name: target.provider.name(),
                title: record.and_then(|r| r.title.clone()),
                author: record.and_then(|r| r.author.clone()),
                thumbnail: record.and_then(|r| r.thumbnail.as_ref()).map(|f| format!("/media/{f}")),
                player: target.player_url(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests;
