//! Persistence: the one place that holds SQL. SQLite (embedded, WAL, `synchronous=FULL`) now;
//! PostgreSQL is the second backend behind the same API (runtime-checked SQL only, `$n`
//! placeholders, nothing only SQLite can do).
//!
//! Every change readers can see is written in the same transaction as an `events` row; derived
//! state (page cache, search index, feeds) follows that log, so it can always be rebuilt.

pub mod copy;
mod error;
pub mod media;
mod migrate;
pub mod postgres;
mod sqlite;

/// Loud skips of tests whose outside server or data is missing (`support/shared.rs`).
#[cfg(test)]
#[path = "../../../support/shared.rs"]
pub(crate) mod shared;

pub use error::{DatabaseError, Missing, StoreError};
pub use media::{DirMediaStore, MediaError, MediaStore};
pub use sqlite::accounts::{AuditEntry, Session, User, UserToken};
pub use sqlite::backup::{Copied, restore};
pub use sqlite::catalog::{ApiKey, KeyScope, NamedCount};
pub use sqlite::embeds::{EMBED_ATTEMPTS, EmbedRecord};
pub use sqlite::intake::{FeedSource, MediaRef, NewMediaRef, NewSource, PollResult, QueueEntry, QueueStatus, Queued};
pub use sqlite::jobs::{Delivery, DeliveryJob, Hook, HookKind};
pub use sqlite::library::{Media, NewMedia, WireItem};
pub use sqlite::newsroom::{ActionInput, AuditLine, SaveError, Story, StoryEdit, StoryFilter, StorySort, StorySummary};
pub use sqlite::related::AuthorProfile;
pub use sqlite::schedule::{JobKind, JobRun};
pub use sqlite::{
    ArticleFilter, Event, EventKind, NewsEntry, Revision, SaveOutcome, SaveRequest, SaveStatus, SectionInfo,
    SectionName, SitemapEntry, Store, StoryMeta,
};
