//! Intake: where every item from outside becomes a story or a wire-queue entry, whichever door
//! it came through (`newsdesk import`, `POST /api/ingest`, a polled source). One place decides,
//! item by item:
//!
//! - **where it is filed**: a section given for the batch, else the first routing rule it
//!   matches, else the section its source filed it under, else the default; the rule's tags are
//!   added;
//! - **what happens to it**: published, queued for the desk, or (a rule says so, for pushes and
//!   polled sources) skipped;
//! - **whether it is new**: a repeated or older version changes nothing and counts as a
//!   duplicate, a newer one updates its story as a new revision (also when it replaces another
//!   item by identity), and in the queue the same text again is a re-delivery while the same
//!   story from another agency or a light rewrite joins its near-duplicate group.
//!
//! Items to publish are stored a batch at a time in one durable transaction, each item in a
//! savepoint of its own, so one that fails leaves nothing half-written and stops nothing else,
//! and a hundred thousand posts do not cost a hundred thousand disk flushes.

use jiff::{SignedDuration, Timestamp};
use newsdesk_core::article::Section;
use newsdesk_core::routing::{RoutingRule, RuleAction};
use newsdesk_core::{Article, Block};
use newsdesk_ingest::routing::route;
use newsdesk_ingest::{ItemError, PubStatus, WireItem, simhash};
use newsdesk_store::{NewMediaRef, QueueEntry, QueueStatus, Queued, SaveRequest, SaveStatus, Store, StoreError};
use serde::Serialize;

/// How far back a new queue item looks for others telling the same story.
pub const NEAR_DUPLICATE_WINDOW: SignedDuration = SignedDuration::from_hours(72);

/// What the door through which items come wants done with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Publish (a migration, an import, a push without `queue`). Drafts stay drafts.
    Publish,
    /// Into the wire queue, whatever the item.
    Queue,
    /// As the routing rules say; items no rule decides are published when `publish` is set and
    /// queued when not. A polled source, a push with `route`.
    Route { publish: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Published (or stored as the draft its source kept it as).
    Imported,
    /// Put in the wire queue.
    Queued,
    /// A newer version of something already here.
    Updated,
    /// The same item, an older version of it, or the same text again: nothing changed.
    Duplicate,
    /// A routing rule does not want it.
    Skipped,
}

/// What became of one item.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub uri: String,
    pub status: Status,
    /// The story's id (published) or the wire item's (queued).
    pub id: i64,
    /// Where readers find it (published), or the wire queue.
    pub path: String,
    /// The near-duplicate group of a queued item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<i64>,
    /// The routing rule that decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<i64>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub imported: usize,
    pub updated: usize,
    pub duplicate: usize,
    pub skipped: usize,
    pub failed: usize,
}

impl Tally {
    pub fn count(&mut self, status: Status) {
        match status {
            Status::Imported | Status::Queued => self.imported += 1,
            Status::Updated => self.updated += 1,
            Status::Duplicate => self.duplicate += 1,
            Status::Skipped => self.skipped += 1,
        }
    }

    pub fn line(&self) -> String {
        format!(
            "{} imported, {} updated, {} duplicate, {} skipped, {} failed",
            self.imported, self.updated, self.duplicate, self.skipped, self.failed
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The item cannot become a story (no usable headline, …): the item's fault.
    #[error(transparent)]
    Item(#[from] ItemError),
    /// Storing failed: the store's fault, nothing of the item was kept.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One batch's intake: the rules read once, the recent queue's fingerprints kept as it grows.
pub struct Intake<'a> {
    store: &'a Store,
    rules: Vec<RoutingRule>,
    mode: Mode,
    /// The section every item goes to, when the batch names one.
    section: Option<Section>,
    /// Where an item goes that nothing else files.
    fallback: Section,
    actor: &'a str,
    feed_source: Option<i64>,
    /// (id, group, SimHash) of recent queue items, loaded when the first item is queued.
    fingerprints: Option<Vec<(i64, i64, u64)>>,
}

impl<'a> Intake<'a> {
    pub fn new(store: &'a Store, mode: Mode, actor: &'a str) -> Result<Intake<'a>, StoreError> {
        Ok(Intake {
            store,
            rules: store.routing_rules()?,
            mode,
            section: None,
            fallback: Section::from_label("News").expect("a valid label"),
            actor,
            feed_source: None,
            fingerprints: None,
        })
    }

    /// Every item of the batch goes to `section`, whatever rules and sources say.
    pub fn into_section(mut self, section: Section) -> Self {
        self.section = Some(section);
        self
    }

    /// Items nothing else files go to `section`.
    pub fn fallback(mut self, section: Section) -> Self {
        self.fallback = section;
        self
    }

    pub fn from_source(mut self, id: i64) -> Self {
        self.feed_source = Some(id);
        self
    }

    /// Files, then stores or queues one item.
    pub fn take(&mut self, item: &WireItem, now: Timestamp) -> Result<Outcome, IntakeError> {
        let mut out = self.take_all(std::slice::from_ref(item), now)?;
        out.pop().expect("one outcome per item")
    }

    /// Files, then stores or queues each item; an outcome per item, in order. Items to publish
    /// are stored together in one durable transaction, each in a savepoint of its own (one that
    /// fails keeps nothing and stops nothing); `Err` when the batch itself could not be made
    /// durable, and then none of it was.
    pub fn take_all(
        &mut self,
        items: &[WireItem],
        now: Timestamp,
    ) -> Result<Vec<Result<Outcome, IntakeError>>, StoreError> {
        let mut results: Vec<Option<Result<Outcome, IntakeError>>> = items.iter().map(|_| None).collect();
        let mut publish: Vec<(usize, Article, String, Option<i64>)> = vec![];
        for (i, item) in items.iter().enumerate() {
            let (article, action, rule) = match self.decide(item) {
                Ok(d) => d,
                Err(e) => {
                    results[i] = Some(Err(e.into()));
                    continue;
                }
            };
            let external_id = item.external_id();
            let done = match action {
                RuleAction::Publish => {
                    publish.push((i, article, external_id, rule));
                    continue;
                }
                RuleAction::Skip => Ok(Outcome {
                    uri: item.uri.clone(),
                    status: Status::Skipped,
                    id: 0,
                    path: String::new(),
                    cluster: None,
                    rule,
                }),
                RuleAction::Queue => self
                    .queue(item, &article, &external_id, now)
                    .map(|o| Outcome { rule, ..o })
                    .map_err(IntakeError::from),
            };
            results[i] = Some(done);
        }
        // What an item replaces is named by the replaced item's identity at the same source.
        let replaced: Vec<Vec<String>> = publish
            .iter()
            .map(|(i, ..)| {
                let item = &items[*i];
                item.supersedes.iter().map(|old| WireItem { uri: old.clone(), ..item.clone() }.external_id()).collect()
            })
            .collect();
        let media: Vec<Vec<NewMediaRef<'_>>> = publish.iter().map(|(i, ..)| media_refs(&items[*i])).collect();
        // A kill says so in the revision history: the revision it makes names who and why.
        let actors: Vec<String> = publish
            .iter()
            .map(|(i, ..)| match items[*i].pub_status {
                PubStatus::Canceled => format!("{} (killed: canceled at its source)", self.actor),
                PubStatus::Withheld => format!("{} (withheld at its source)", self.actor),
                _ => self.actor.to_string(),
            })
            .collect();
        let requests: Vec<SaveRequest<'_>> = publish
            .iter()
            .zip(&media)
            .zip(&replaced)
            .zip(&actors)
            .map(|((((i, article, external_id, _), media), supersedes), actor)| SaveRequest {
                article,
                external_id,
                version: items[*i].version.as_deref(),
                supersedes,
                media,
                actor,
            })
            .collect();
        let saved = if requests.is_empty() { vec![] } else { self.store.save_many(&requests, now)? };
        for ((i, _, _, rule), outcome) in publish.iter().zip(saved) {
            results[*i] = Some(outcome.map_err(IntakeError::from).map(|saved| Outcome {
                uri: items[*i].uri.clone(),
                status: match saved.status {
                    SaveStatus::Created => Status::Imported,
                    SaveStatus::Updated => Status::Updated,
                    SaveStatus::Unchanged => Status::Duplicate,
                },
                id: saved.id.0,
                path: saved.path,
                cluster: None,
                rule: *rule,
            }));
        }
        Ok(results.into_iter().map(|r| r.expect("every item decided")).collect())
    }

    /// Where an item is filed and what happens to it: the article it makes, the action, and the
    /// rule that decided.
    fn decide(&self, item: &WireItem) -> Result<(Article, RuleAction, Option<i64>), ItemError> {
        let decision = route(&self.rules, item);
        let section = self
            .section
            .clone()
            .or_else(|| decision.section.as_deref().and_then(Section::from_label))
            .or_else(|| item.section.as_deref().and_then(Section::from_label))
            .unwrap_or_else(|| self.fallback.clone());
        let action = match self.mode {
            Mode::Publish => RuleAction::Publish,
            Mode::Queue => RuleAction::Queue,
            Mode::Route { publish } => {
                decision.action.unwrap_or(if publish { RuleAction::Publish } else { RuleAction::Queue })
            }
        };
        let mut article = item.to_article(&section)?;
        for tag in &decision.tags {
            if !article.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                article.tags.push(tag.clone());
            }
        }
        Ok((article, action, decision.rule))
    }

    fn queue(
        &mut self,
        item: &WireItem,
        article: &Article,
        external_id: &str,
        now: Timestamp,
    ) -> Result<Outcome, StoreError> {
        let text = article_text(article);
        let fingerprint = simhash::simhash(&text);
        let cluster = self.cluster_of(&text, fingerprint, now)?;
        let queued = self.store.queue_item(
            &QueueEntry {
                external_id,
                article,
                version: item.version.as_deref(),
                format: item.format.name(),
                urgency: item.urgency,
                simhash: fingerprint,
                content_hash: simhash::content_hash(&text),
                cluster,
                feed_source: self.feed_source,
            },
            now,
        )?;
        if queued.status == QueueStatus::Queued
            && let Some(f) = self.fingerprints.as_mut()
        {
            f.push((queued.id, queued.cluster, fingerprint));
        }
        let status = match queued.status {
            QueueStatus::Queued => Status::Queued,
            QueueStatus::Updated => Status::Updated,
            QueueStatus::Duplicate => Status::Duplicate,
        };
        Ok(Outcome {
            uri: item.uri.clone(),
            status,
            id: queued.id,
            path: "/newsroom/wire".into(),
            cluster: Some(queued.cluster),
            rule: None,
        })
    }

    /// The near-duplicate group a text joins: the closest recent queue item that tells the same
    /// story (fingerprints pick candidates, word overlap decides).
    fn cluster_of(&mut self, text: &str, fingerprint: u64, now: Timestamp) -> Result<Option<i64>, StoreError> {
        if self.fingerprints.is_none() {
            self.fingerprints = Some(self.store.wire_fingerprints(now - NEAR_DUPLICATE_WINDOW)?);
        }
        let mut candidates: Vec<(u32, i64)> = self
            .fingerprints
            .iter()
            .flatten()
            .filter(|(_, _, f)| simhash::candidates(*f, fingerprint))
            .map(|(id, _, f)| (simhash::distance(*f, fingerprint), *id))
            .collect();
        candidates.sort();
        candidates.truncate(20);
        let ids: Vec<i64> = candidates.iter().map(|(_, id)| *id).collect();
        let mut best: Option<(f64, i64)> = None;
        for (_, cluster, other) in self.store.wire_articles(&ids)? {
            let overlap = simhash::overlap(text, &article_text(&other));
            if overlap >= simhash::SAME_STORY && best.is_none_or(|(b, _)| overlap > b) {
                best = Some((overlap, cluster));
            }
        }
        Ok(best.map(|(_, cluster)| cluster))
    }
}

/// The pictures an item refers to: its lead picture, then its other media.
fn media_refs(item: &WireItem) -> Vec<NewMediaRef<'_>> {
    let lead = item.picture.iter().map(|p| ("lead", p));
    lead.chain(item.media.iter().map(|m| ("attachment", m)))
        .filter_map(|(role, p)| {
            Some(NewMediaRef {
                url: p.href.as_deref()?,
                role,
                alt: p.alt.as_deref(),
                caption: p.caption.as_deref(),
                credit: p.credit.as_deref(),
            })
        })
        .collect()
}

/// Queues a story made elsewhere (the demo's wire items, tests) as intake would, with its
/// fingerprints; no grouping with others.
pub fn queue_article(
    store: &Store,
    external_id: &str,
    article: &Article,
    now: Timestamp,
) -> Result<Queued, StoreError> {
    let text = article_text(article);
    let entry = QueueEntry {
        external_id,
        article,
        version: None,
        format: "ninjs",
        urgency: None,
        simhash: simhash::simhash(&text),
        content_hash: simhash::content_hash(&text),
        cluster: None,
        feed_source: None,
    };
    store.queue_item(&entry, now)
}

/// A story's words: headline and body.
pub fn article_text(a: &Article) -> String {
    let mut out = a.headline.clone();
    for t in a.body.iter().flat_map(Block::text) {
        out.push('\n');
        out.push_str(t);
    }
    out
}

#[cfg(test)]
mod tests;
