//! `StoreError` is what every store call returns. `NotFound` is the one callers branch on (it
//! becomes a 404), by the kind of thing missing, never by its text; everything else is a failure
//! to report, with what was being done.

/// The kinds of things a store call may not find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Article,
    /// A story named by another (a pinned or excluded Recommended story, a front's pin).
    Story,
    Revision,
    RoutingRule,
    Source,
    Hook,
    ApiKey,
    Picture,
    WireItem,
    User,
    Invite,
    Embed,
    Author,
}

impl Missing {
    /// The thing as a reader of an error message calls it.
    pub fn noun(self) -> &'static str {
        match self {
            Missing::Article => "article",
            Missing::Story => "story",
            Missing::Revision => "revision",
            Missing::RoutingRule => "routing rule",
            Missing::Source => "source",
            Missing::Hook => "hook",
            Missing::ApiKey => "live API key",
            Missing::Picture => "picture",
            Missing::WireItem => "wire item",
            Missing::User => "user",
            Missing::Invite => "invite",
            Missing::Embed => "embed",
            Missing::Author => "author",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `id` names which one (an id, a slug, a URL), empty when the kind says it all.
    #[error("{} not found", what(*.kind, .id))]
    NotFound { kind: Missing, id: String },
    #[error("{0}")]
    Conflict(String),
    #[error("cannot open the database at {path}: {source}")]
    Open { path: String, source: DatabaseError },
    /// What PostgreSQL (or the way to it) said, with where it was asked, never a password.
    #[error("{0}")]
    Postgres(String),
    /// A copy between databases that cannot go ahead, or whose result does not match.
    #[error("copy: {0}")]
    Copy(String),
    #[error("backup {path}: {source}")]
    Backup { path: String, source: DatabaseError },
    #[error("{path}: {why}")]
    BackupTarget { path: String, why: String },
    #[error(
        "the database has migration {0}, which this newsdesk does not know: a newer version wrote it (run that version, or restore a backup made by this one)"
    )]
    NewerSchema(String),
    #[error("database migration {name} failed: {source}")]
    Migration { name: &'static str, source: DatabaseError },
    #[error("the database must run in WAL mode, but SQLite answered journal_mode={0}")]
    NotWal(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(DatabaseError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
}

fn what(kind: Missing, id: &str) -> String {
    if id.is_empty() { kind.noun().to_string() } else { format!("{} {id}", kind.noun()) }
}

impl StoreError {
    pub fn not_found(kind: Missing, id: impl std::fmt::Display) -> StoreError {
        StoreError::NotFound { kind, id: id.to_string() }
    }

    /// What was not found, as a phrase ("article 12"), if that is the error.
    pub fn missing(&self) -> Option<String> {
        match self {
            StoreError::NotFound { kind, id } => Some(what(*kind, id)),
            _ => None,
        }
    }
}

/// What the database said, kept whole for the logs; which database it is (and its own error
/// type) is the store's business, not its callers'.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct DatabaseError(#[from] rusqlite::Error);

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(DatabaseError(e))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}
