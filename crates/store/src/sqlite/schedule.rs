//! Scheduled jobs: a story scheduled to go live, an embargo or publication time coming. Saves
//! and workflow actions queue them (`write::announce`, `Store::apply_action`); every node runs
//! the due ones, each exactly once.

use jiff::Timestamp;
use newsdesk_core::{Article, ArticleId, WorkflowState};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{EventKind, Store, lock, opt_ts, write};
use crate::StoreError;

/// What a scheduled job does when it falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// A scheduled story goes live.
    Publish,
    /// A published story's embargo or publication time has come: readers are told.
    Release,
    /// A kind this version does not know (written by a newer one): skipped.
    Unknown,
}

impl JobKind {
    /// The kind a stored name stands for.
    pub fn parse(s: &str) -> JobKind {
        match s {
            "publish" => JobKind::Publish,
            "release" => JobKind::Release,
            _ => JobKind::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRun {
    pub id: i64,
    pub kind: JobKind,
    pub article_id: i64,
    pub outcome: String,
}

impl Store {
    /// Runs every job due at `now`: a scheduled story goes live, an embargo ends. Each job runs
    /// in the transaction that marks it done, so whichever node gets there first runs it and
    /// every other node finds it done.
    pub fn run_due_jobs(&self, now: Timestamp, node: &str) -> Result<Vec<JobRun>, StoreError> {
        let mut runs = Vec::new();
        loop {
            let mut conn = lock(&self.writer);
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now_us = now.as_microsecond();
            let job: Option<(i64, String, i64)> = tx
                .query_row(
                    "SELECT id, kind, article_id FROM scheduled_jobs WHERE done_at IS NULL AND run_at <= $1 \
                     ORDER BY run_at, id LIMIT 1",
                    [now_us],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((job_id, kind, article_id)) = job else { break };
            let id = ArticleId(article_id);
            let job_kind = JobKind::parse(&kind);
            let outcome = match job_kind {
                JobKind::Publish => {
                    let article = article_in(&tx, id)?;
                    if article.state == WorkflowState::Scheduled {
                        let live = Article { state: WorkflowState::Published, ..article };
                        write::update_article(&tx, id, &live, false, "scheduler", now)?;
                        "published"
                    } else {
                        "skipped: no longer scheduled"
                    }
                }
                JobKind::Release => {
                    let article = article_in(&tx, id)?;
                    if article.state.is_public() {
                        write::write_event(&tx, EventKind::Published, &article, None, now_us)?;
                        "released"
                    } else {
                        "skipped: not published"
                    }
                }
                JobKind::Unknown => {
                    tracing::error!(job = job_id, kind, "unknown job kind");
                    "skipped: unknown kind"
                }
            };
            tx.execute(
                "UPDATE scheduled_jobs SET done_at = $1, done_by = $2, outcome = $3 WHERE id = $4",
                params![now_us, node, outcome, job_id],
            )?;
            tx.commit()?;
            runs.push(JobRun { id: job_id, kind: job_kind, article_id, outcome: outcome.to_string() });
        }
        Ok(runs)
    }

    /// When the next job is due, if any (the scheduler sleeps until then, or a second).
    pub fn next_job_at(&self) -> Result<Option<Timestamp>, StoreError> {
        let conn = self.reader();
        let at: Option<i64> =
            conn.query_row("SELECT MIN(run_at) FROM scheduled_jobs WHERE done_at IS NULL", [], |r| r.get(0))?;
        opt_ts(at)
    }
}

fn article_in(tx: &rusqlite::Transaction<'_>, id: ArticleId) -> Result<Article, StoreError> {
    let snapshot: String = tx.query_row(
        "SELECT r.snapshot FROM articles a JOIN revisions r ON r.article_id = a.id AND r.number = a.revision WHERE a.id = $1",
        [id.0],
        |r| r.get(0),
    )?;
    Ok(serde_json::from_str(&snapshot)?)
}
