//! The newsroom's side of the store: stories as the desk sees them (every state), saving with
//! optimistic locking, workflow transitions, corrections and soft locks. The jobs a schedule
//! or an embargo leaves are run by `schedule.rs`.

use jiff::Timestamp;
use newsdesk_core::{Action, Article, ArticleId, Correction, Role, WorkflowError, WorkflowState};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::write::{self, StoryMeta};
use super::{SaveOutcome, SaveStatus, Store, lock, opt_ts, ts};
use crate::{Missing, StoreError};

/// A line on the newsroom dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StorySummary {
    pub id: i64,
    pub headline: String,
    pub section: String,
    pub section_slug: String,
    pub slug: String,
    pub state: String,
    pub desk: Option<String>,
    pub owner_id: Option<i64>,
    pub owner: Option<String>,
    pub modified_at: Timestamp,
    pub published_at: Option<Timestamp>,
    pub embargo: Option<Timestamp>,
    pub revision: i64,
}

/// Which stories the dashboard lists; `None` fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct StoryFilter {
    pub state: Option<String>,
    pub section: Option<String>,
    pub desk: Option<String>,
    /// Words that must all appear in the headline or deck.
    pub query: Option<String>,
    /// Only stories this user owns (contributors see nothing else).
    pub owner: Option<i64>,
    /// Only stories this user owns, as a filter an editor chooses (`owner` is the rule).
    pub author: Option<i64>,
    /// Changed at or after this time.
    pub changed_since: Option<Timestamp>,
    /// Changed before this time.
    pub changed_before: Option<Timestamp>,
    pub sort: StorySort,
    /// Stories to skip (the dashboard's pages).
    pub offset: usize,
    /// Only these stories (a search's hits), in this order for [`StorySort::Relevance`].
    pub ids: Option<Vec<i64>>,
}

/// The dashboard's orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StorySort {
    /// Last changed first.
    #[default]
    Changed,
    /// Published (or due) last first; never-published stories after.
    Published,
    /// By headline, A to Z.
    Headline,
    /// By workflow state, then last changed first.
    State,
    /// In the order of [`StoryFilter::ids`] (a search's, best first).
    Relevance,
}

impl StorySort {
    pub fn parse(s: &str) -> Option<StorySort> {
        Some(match s {
            "" | "changed" => StorySort::Changed,
            "published" => StorySort::Published,
            "headline" => StorySort::Headline,
            "state" => StorySort::State,
            "relevance" => StorySort::Relevance,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StorySort::Changed => "changed",
            StorySort::Published => "published",
            StorySort::Headline => "headline",
            StorySort::State => "state",
            StorySort::Relevance => "relevance",
        }
    }
}

/// The dashboard's query, one text per order (an order is never spliced in from outside).
macro_rules! stories_query {
    ($order:literal) => {
        concat!(
            "SELECT a.id, a.headline, s.name, s.slug, a.slug, a.state, a.desk, a.owner_id, u.name, a.modified_at, \
             a.published_at, a.embargo_until, a.revision \
             FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN users u ON u.id = a.owner_id \
             WHERE ($1 IS NULL OR a.state = $1) AND ($2 IS NULL OR s.slug = $2) AND ($3 IS NULL OR a.desk = $3) \
             AND ($4 IS NULL OR a.owner_id = $4) \
             AND ($5 IS NULL OR a.headline LIKE $5 ESCAPE '\\' OR a.deck LIKE $5 ESCAPE '\\') \
             AND ($6 IS NULL OR a.headline LIKE $6 ESCAPE '\\' OR a.deck LIKE $6 ESCAPE '\\') \
             AND ($7 IS NULL OR a.headline LIKE $7 ESCAPE '\\' OR a.deck LIKE $7 ESCAPE '\\') \
             AND ($8 IS NULL OR a.headline LIKE $8 ESCAPE '\\' OR a.deck LIKE $8 ESCAPE '\\') \
             AND ($9 IS NULL OR a.owner_id = $9) AND ($10 IS NULL OR a.modified_at >= $10) \
             AND ($11 IS NULL OR a.modified_at < $11) \
             AND ($12 IS NULL OR a.id IN (SELECT value FROM json_each($12))) \
             ORDER BY ",
            $order,
            " LIMIT $13 OFFSET $14"
        )
    };
}

/// A story in the editor: the article, what only the newsroom sees, and the revision it is at
/// (the version a save must name, for optimistic locking).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Story {
    pub article: Article,
    pub desk: Option<String>,
    pub owner_id: Option<i64>,
    pub revision: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Someone saved since `expected`: the caller's version is kept as revision `kept`, not applied.
    #[error(
        "this story was saved by {by} at revision {current} while you edited revision {expected}; your version is kept as revision {kept}"
    )]
    Conflict { expected: i64, current: i64, by: String, kept: i64 },
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for SaveError {
    fn from(e: rusqlite::Error) -> Self {
        SaveError::Store(e.into())
    }
}

/// What a workflow action needs beyond the action itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct ActionInput<'a> {
    /// For `Schedule`: when the story goes live.
    pub at: Option<Timestamp>,
    /// For `Correct`: the note readers see.
    pub note: Option<&'a str>,
}

/// One save of a story by an editor (see [`Store::save_story`]).
#[derive(Debug, Clone, Copy)]
pub struct StoryEdit<'a> {
    pub article: &'a Article,
    pub desk: Option<&'a str>,
    /// The revision the editor opened.
    pub expected: i64,
    /// The editors' Recommended choices, when this save sets them: pinned (in order), excluded.
    pub recommended: Option<(&'a [i64], &'a [i64])>,
    /// The revision's author as the history shows it ("Ana Ruiz (restored revision 3)").
    pub actor: &'a str,
    /// The audit log's line, for a save by a person.
    pub audit: Option<AuditLine<'a>>,
}

/// Who did what, for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct AuditLine<'a> {
    pub user: i64,
    pub name: &'a str,
    /// "story.save", "story.restore", "story.move".
    pub action: &'a str,
    /// Where the change came from: "newsroom", "admin api".
    pub via: &'a str,
}

impl<'a> StoryEdit<'a> {
    /// A save with nothing but the story: no Recommended choices, no audit line.
    pub fn plain(article: &'a Article, desk: Option<&'a str>, expected: i64, actor: &'a str) -> StoryEdit<'a> {
        StoryEdit { article, desk, expected, recommended: None, actor, audit: None }
    }
}

impl Store {
    /// Stories in every state, most recently changed first.
    pub fn stories(&self, filter: &StoryFilter, limit: usize) -> Result<Vec<StorySummary>, StoreError> {
        let conn = self.reader();
        // Each query word must appear; they are bound as LIKE patterns, never spliced in.
        let words: Vec<String> = filter
            .query
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .take(8)
            .map(|w| format!("%{}%", w.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")))
            .collect();
        let word = |i: usize| words.get(i).cloned();
        let sql = match filter.sort {
            StorySort::Changed => stories_query!("a.modified_at DESC, a.id DESC"),
            StorySort::Published => stories_query!("a.published_at IS NULL, a.published_at DESC, a.id DESC"),
            StorySort::Headline => stories_query!("a.headline COLLATE NOCASE, a.id"),
            StorySort::State => stories_query!("a.state, a.modified_at DESC, a.id DESC"),
            StorySort::Relevance => {
                stories_query!("(SELECT CAST(j.key AS INTEGER) FROM json_each($12) j WHERE j.value = a.id), a.id")
            }
        };
        let ids = filter.ids.as_ref().map(serde_json::to_string).transpose()?;
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map(
            params![
                filter.state,
                filter.section,
                filter.desk,
                filter.owner,
                word(0),
                word(1),
                word(2),
                word(3),
                filter.author,
                filter.changed_since.map(|t| t.as_microsecond()),
                filter.changed_before.map(|t| t.as_microsecond()),
                ids,
                limit.min(1000) as i64,
                filter.offset.min(1_000_000) as i64
            ],
            |r| {
                Ok((
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?),
                    (r.get(7)?, r.get(8)?, r.get::<_, i64>(9)?, r.get(10)?, r.get(11)?, r.get(12)?),
                ))
            },
        )?;
        rows.map(|row| {
            let ((id, headline, section, section_slug, slug, state, desk), (owner_id, owner, modified, p, e, revision)) =
                row?;
            Ok(StorySummary {
                id,
                headline,
                section,
                section_slug,
                slug,
                state,
                desk,
                owner_id,
                owner,
                modified_at: ts(modified)?,
                published_at: opt_ts(p)?,
                embargo: opt_ts(e)?,
                revision,
            })
        })
        .collect()
    }

    /// How many stories the filter finds in each workflow state (its own state and paging left
    /// out), for the dashboard's counts.
    pub fn story_counts(&self, filter: &StoryFilter) -> Result<Vec<(String, i64)>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT a.state, COUNT(*) FROM articles a JOIN sections s ON s.id = a.section_id \
             WHERE ($1 IS NULL OR s.slug = $1) AND ($2 IS NULL OR a.desk = $2) AND ($3 IS NULL OR a.owner_id = $3) \
             AND ($4 IS NULL OR a.owner_id = $4) AND ($5 IS NULL OR a.modified_at >= $5) \
             AND ($6 IS NULL OR a.modified_at < $6) \
             AND ($7 IS NULL OR a.id IN (SELECT value FROM json_each($7))) GROUP BY a.state",
        )?;
        let rows = stmt.query_map(
            params![
                filter.section,
                filter.desk,
                filter.owner,
                filter.author,
                filter.changed_since.map(|t| t.as_microsecond()),
                filter.changed_before.map(|t| t.as_microsecond()),
                filter.ids.as_ref().map(serde_json::to_string).transpose()?
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stories changed at or after `since` (microseconds), oldest change first, at most `limit`:
    /// (id, when changed, whether readers can see it now). What the newsroom's search index
    /// follows, since drafts leave no events.
    pub fn changed_since(&self, since: i64, limit: usize) -> Result<Vec<(i64, i64, bool)>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT id, modified_at, state = 'published' AND published_at IS NOT NULL AND published_at <= $1 \
             FROM articles WHERE modified_at >= $2 ORDER BY modified_at, id LIMIT $3",
        )?;
        let now = Timestamp::now().as_microsecond();
        let rows = stmt.query_map(params![now, since, limit as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Distinct desks in use, for the dashboard's filter.
    pub fn desks(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.reader();
        let mut stmt =
            conn.prepare_cached("SELECT DISTINCT desk FROM articles WHERE desk IS NOT NULL ORDER BY desk")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn story(&self, id: ArticleId) -> Result<Story, StoreError> {
        let article = self.article(id)?;
        let conn = self.reader();
        let (desk, owner_id, revision) =
            conn.query_row("SELECT desk, owner_id, revision FROM articles WHERE id = $1", [id.0], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        Ok(Story { article, desk, owner_id, revision })
    }

    /// Creates a story from the newsroom (a draft, usually) owned by `owner`.
    pub fn create_story(
        &self,
        article: &Article,
        meta: &StoryMeta,
        actor: &str,
        now: Timestamp,
    ) -> Result<SaveOutcome, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcome = write::insert_article(&tx, article, None, meta, actor, now)?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Saves an editor's version of a story (the newsroom's form, the Admin API, a restored
    /// revision, a bulk move: every save of a story goes through here). In one transaction: the
    /// revision check, the editors' Recommended choices, the story and its revision, the desk,
    /// and the audit log's line. When someone else saved since `expected`, nothing is applied:
    /// the version is kept as a revision of its own and the caller gets `Conflict` naming both.
    /// A Recommended choice that is not a story refuses the whole save (`NotFound` of a
    /// `Missing::Story`).
    pub fn save_story(&self, edit: &StoryEdit<'_>, now: Timestamp) -> Result<SaveOutcome, SaveError> {
        let article = edit.article;
        let actor = edit.actor;
        let expected = edit.expected;
        let id = article.id.ok_or_else(|| StoreError::not_found(Missing::Article, "(a story without an id)"))?;
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (current, state): (i64, String) = tx
            .query_row("SELECT revision, state FROM articles WHERE id = $1", [id.0], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| StoreError::not_found(Missing::Article, id.0))?;
        if current != expected {
            let by: String = tx.query_row(
                "SELECT actor FROM revisions WHERE article_id = $1 AND number = $2",
                params![id.0, current],
                |r| r.get(0),
            )?;
            let kept = write::next_revision(&tx, id)?;
            write::write_revision(
                &tx,
                article,
                kept,
                &format!("{actor} (conflict, not applied)"),
                now.as_microsecond(),
                false,
            )?;
            tx.commit()?;
            return Err(SaveError::Conflict { expected, current, by, kept });
        }
        if let Some((pinned, excluded)) = edit.recommended {
            super::related::set_related_pins_in(&tx, id, pinned, excluded, now)?;
        }
        // The editor never moves a story through the workflow by saving: the state stays.
        let state = WorkflowState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("state {state}")))?;
        let article = Article { state, ..article.clone() };
        let outcome = write::update_article(&tx, id, &article, false, actor, now)?;
        tx.execute("UPDATE articles SET desk = $1 WHERE id = $2", params![edit.desk, id.0])?;
        if let Some(audit) = &edit.audit {
            let detail = format!("revision {} ({})", outcome.revision, audit.via);
            super::accounts::audit_in(
                &tx,
                Some(audit.user),
                audit.name,
                audit.action,
                Some(&format!("story {}", id.0)),
                Some(&detail),
                now,
            )?;
        }
        tx.commit()?;
        Ok(outcome)
    }

    /// Takes `action` on a story as `role`; `core` decides whether that is allowed. Publishing
    /// stamps the time, scheduling queues the job that will publish it, a correction adds its
    /// dated note; every change is a revision and, when readers can tell, an event.
    pub fn apply_action(
        &self,
        id: ArticleId,
        action: Action,
        role: Role,
        input: ActionInput<'_>,
        actor: &str,
        now: Timestamp,
    ) -> Result<SaveOutcome, SaveError> {
        let mut article = self.article(id)?;
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let next = article.state.transition(action, role)?;
        let now_us = now.as_microsecond();
        match action {
            // A story published for the first time goes out now; a republished one keeps its date.
            Action::Publish if article.published_at.is_none_or(|p| p > now) => article.published_at = Some(now),
            Action::Schedule => {
                let at = input.at.filter(|t| *t > now).ok_or_else(|| {
                    StoreError::Conflict("a scheduled story needs a publication time in the future".into())
                })?;
                article.published_at = Some(at);
            }
            Action::Unschedule => article.published_at = None,
            Action::Update => article.updated_at = Some(now),
            Action::Correct => {
                let note =
                    input.note.map(str::trim).filter(|n| !n.is_empty()).ok_or_else(|| {
                        StoreError::Conflict("a correction needs a note saying what was wrong".into())
                    })?;
                article.corrections.push(Correction { at: now, note: note.to_string() });
                article.updated_at = Some(now);
            }
            _ => {}
        }
        article.state = next;
        tx.execute(
            "UPDATE scheduled_jobs SET done_at = $1, done_by = 'action', outcome = 'superseded' \
             WHERE article_id = $2 AND kind = 'publish' AND done_at IS NULL",
            params![now_us, id.0],
        )?;
        if action == Action::Schedule
            && let Some(at) = article.published_at
        {
            tx.execute(
                "INSERT INTO scheduled_jobs (kind, article_id, run_at, created_at) VALUES ('publish', $1, $2, $3)",
                params![id.0, at.as_microsecond(), now_us],
            )?;
        }
        let mut outcome = write::update_article(&tx, id, &article, false, actor, now)?;
        if outcome.status == SaveStatus::Unchanged {
            outcome.status = SaveStatus::Updated;
        }
        tx.commit()?;
        Ok(outcome)
    }

    /// Marks `user` as having the story open until `until`; returns the names of the others
    /// who have it open now.
    pub fn touch_lock(
        &self,
        id: ArticleId,
        user: i64,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<String>, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO story_locks (article_id, user_id, until) VALUES ($1, $2, $3) \
             ON CONFLICT (article_id, user_id) DO UPDATE SET until = excluded.until",
            params![id.0, user, until.as_microsecond()],
        )?;
        tx.execute("DELETE FROM story_locks WHERE until < $1", [now.as_microsecond()])?;
        let others = {
            let mut stmt = tx.prepare_cached(
                "SELECT u.name FROM story_locks l JOIN users u ON u.id = l.user_id \
                 WHERE l.article_id = $1 AND l.user_id <> $2 ORDER BY u.name",
            )?;
            let rows = stmt.query_map(params![id.0, user], |r| r.get(0))?;
            rows.collect::<Result<Vec<String>, _>>()?
        };
        tx.commit()?;
        Ok(others)
    }

    /// Ends `user`'s soft lock on a story (the page was left); others' locks stay.
    pub fn release_lock(&self, id: ArticleId, user: i64) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        conn.prepare_cached("DELETE FROM story_locks WHERE article_id = $1 AND user_id = $2")?
            .execute(params![id.0, user])?;
        Ok(())
    }

    /// Reads a revision's snapshot (applied or kept after a conflict).
    pub fn revision(&self, id: ArticleId, number: i64) -> Result<Article, StoreError> {
        let conn = self.reader();
        let snapshot: String = conn
            .query_row(
                "SELECT snapshot FROM revisions WHERE article_id = $1 AND number = $2",
                params![id.0, number],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found(Missing::Revision, format!("{number} of article {}", id.0)))?;
        Ok(serde_json::from_str(&snapshot)?)
    }
}
