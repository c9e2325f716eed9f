//! People: accounts and roles, invites, sessions, failed logins, Admin API tokens and the audit
//! log. Secrets (session cookies, invite links, tokens) are stored as SHA-256 hashes only;
//! passwords as argon2id PHC strings made by the caller.

use jiff::Timestamp;
use newsdesk_core::Role;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{Store, lock, ts};
use crate::{Missing, StoreError};

/// An Admin API token as its owner sees it listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserToken {
    pub id: i64,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// argon2id PHC string; `None` until the invite is accepted.
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub created_at: Timestamp,
    pub disabled: bool,
}

/// A live session and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
}

// Every account query selects the same columns (the user table as `u`); the caller's tail adds
// FROM/WHERE with placeholders.
macro_rules! user_query {
    ($tail:literal) => {
        concat!("SELECT u.id, u.email, u.name, u.role, u.password_hash, u.created_at, u.disabled_at ", $tail)
    };
}

/// A user row as read: id, email, name, role, password hash, created, disabled.
type UserRow = (i64, String, String, String, Option<String>, i64, Option<i64>);

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn to_user(row: UserRow) -> Result<User, StoreError> {
    let (id, email, name, role, password_hash, created, disabled) = row;
    Ok(User {
        id,
        email,
        name,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("user {id}: role {role:?}")))?,
        password_hash,
        created_at: ts(created)?,
        disabled: disabled.is_some(),
    })
}

impl Store {
    /// Adds an account. The email is kept lower-cased; a second account with it is a conflict.
    pub fn add_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<User, StoreError> {
        let email = email.trim().to_lowercase();
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inserted = tx.execute(
            "INSERT INTO users (email, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (email) DO NOTHING",
            params![email, name, role.as_str(), password_hash, now.as_microsecond()],
        )?;
        if inserted == 0 {
            return Err(StoreError::Conflict(format!("an account for {email} already exists")));
        }
        let user = to_user(tx.query_row(user_query!("FROM users u WHERE u.email = $1"), [&email], user_row)?)?;
        audit_in(&tx, None, "cli", "user.add", Some(&email), Some(role.as_str()), now)?;
        tx.commit()?;
        Ok(user)
    }

    pub fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let conn = self.reader();
        conn.query_row(user_query!("FROM users u WHERE u.email = $1"), [email.trim().to_lowercase()], user_row)
            .optional()?
            .map(to_user)
            .transpose()
    }

    pub fn user(&self, id: i64) -> Result<User, StoreError> {
        let conn = self.reader();
        let row = conn.query_row(user_query!("FROM users u WHERE u.id = $1"), [id], user_row).optional()?;
        to_user(row.ok_or_else(|| StoreError::not_found(Missing::User, id))?)
    }

    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(user_query!("FROM users u ORDER BY u.email"))?;
        let rows = stmt.query_map([], user_row)?;
        rows.map(|r| to_user(r?)).collect()
    }

    /// Changes a role or disables an account; disabling also ends every session and token.
    pub fn update_user(
        &self,
        id: i64,
        role: Role,
        disabled: bool,
        actor: (Option<i64>, &str),
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_us = now.as_microsecond();
        let changed = tx.execute(
            "UPDATE users SET role = $1, disabled_at = CASE WHEN $2 THEN COALESCE(disabled_at, $3) ELSE NULL END \
             WHERE id = $4",
            params![role.as_str(), disabled, now_us, id],
        )?;
        if changed == 0 {
            return Err(StoreError::not_found(Missing::User, id));
        }
        if disabled {
            tx.execute(
                "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                params![now_us, id],
            )?;
            tx.execute(
                "UPDATE user_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                params![now_us, id],
            )?;
        }
        let detail = format!("role={} disabled={disabled}", role.as_str());
        audit_in(&tx, actor.0, actor.1, "user.update", Some(&format!("user {id}")), Some(&detail), now)?;
        tx.commit()?;
        Ok(())
    }

    /// Records a one-time invite (its hash) that lets `user` set a password until `expires`.
    pub fn add_invite(
        &self,
        user: i64,
        token_hash: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        conn.execute(
            "INSERT INTO invites (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            params![token_hash, user, now.as_microsecond(), expires.as_microsecond()],
        )?;
        Ok(())
    }

    /// The account an unused, unexpired invite is for.
    pub fn invite_user(&self, token_hash: &str, now: Timestamp) -> Result<Option<User>, StoreError> {
        let conn = self.reader();
        let sql = user_query!(
            "FROM invites i JOIN users u ON u.id = i.user_id \
             WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND u.disabled_at IS NULL"
        );
        conn.query_row(sql, params![token_hash, now.as_microsecond()], user_row).optional()?.map(to_user).transpose()
    }

    /// Uses an invite: sets the password and spends the token, in one transaction.
    pub fn accept_invite(&self, token_hash: &str, password_hash: &str, now: Timestamp) -> Result<User, StoreError> {
        let user = self.invite_user(token_hash, now)?.ok_or_else(|| StoreError::not_found(Missing::Invite, ""))?;
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let used = tx.execute(
            "UPDATE invites SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
            params![now.as_microsecond(), token_hash],
        )?;
        if used == 0 {
            return Err(StoreError::not_found(Missing::Invite, ""));
        }
        tx.execute("UPDATE users SET password_hash = $1 WHERE id = $2", params![password_hash, user.id])?;
        audit_in(&tx, Some(user.id), &user.email, "user.accept_invite", None, None, now)?;
        tx.commit()?;
        Ok(User { password_hash: Some(password_hash.to_string()), ..user })
    }

    pub fn set_password(&self, user: i64, password_hash: &str, now: Timestamp) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("UPDATE users SET password_hash = $1 WHERE id = $2", params![password_hash, user])?;
        audit_in(&tx, Some(user), "cli", "user.password", Some(&format!("user {user}")), None, now)?;
        tx.commit()?;
        Ok(())
    }

    pub fn add_session(
        &self,
        token_hash: &str,
        user: i64,
        csrf: &str,
        address: Option<&str>,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at, address) VALUES ($1, $2, $3, $4, $5, $6)",
            params![token_hash, user, csrf, now.as_microsecond(), expires.as_microsecond(), address],
        )?;
        Ok(())
    }

    /// The live session with this cookie hash: not revoked, not expired, account enabled.
    pub fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>, StoreError> {
        let conn = self.reader();
        let sql = user_query!(
            ", s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.disabled_at IS NULL"
        );
        let row = conn
            .query_row(sql, params![token_hash, now.as_microsecond()], |r| {
                Ok((user_row(r)?, r.get::<_, String>(7)?, r.get::<_, i64>(8)?))
            })
            .optional()?;
        row.map(|(u, csrf, expires)| Ok(Session { user: to_user(u)?, csrf, expires_at: ts(expires)? })).transpose()
    }

    pub fn revoke_session(&self, token_hash: &str, now: Timestamp) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        conn.execute(
            "UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
            params![now.as_microsecond(), token_hash],
        )?;
        Ok(())
    }

    /// Counts a sign-in attempt against every key *before* its password is checked, in one
    /// write transaction, so concurrent attempts cannot all slip under a limit: `None` when any
    /// key already has its limit of attempts since `since` (nothing is written), else the ids of
    /// the rows written. A successful sign-in takes its rows back ([`Store::forget_login_attempt`]).
    pub fn claim_login_attempt(
        &self,
        keys: &[(&str, i64)],
        since: Timestamp,
        now: Timestamp,
    ) -> Result<Option<Vec<i64>>, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (key, limit) in keys {
            let n: i64 = tx
                .prepare_cached("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")?
                .query_row(params![key, since.as_microsecond()], |r| r.get(0))?;
            if n >= *limit {
                return Ok(None);
            }
        }
        let mut ids = Vec::with_capacity(keys.len());
        for (key, _) in keys {
            tx.prepare_cached("INSERT INTO login_failures (key, at) VALUES ($1, $2)")?
                .execute(params![key, now.as_microsecond()])?;
            ids.push(tx.last_insert_rowid());
        }
        // Old attempts matter to no throttle; keep the table small.
        tx.prepare_cached("DELETE FROM login_failures WHERE at < $1")?
            .execute([now.as_microsecond() - 86_400_000_000])?;
        tx.commit()?;
        Ok(Some(ids))
    }

    /// A sign-in succeeded: its attempt rows are taken back, and the account's earlier failures
    /// are forgotten (the address's stay).
    pub fn forget_login_attempt(&self, ids: &[i64], account_key: &str) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for id in ids {
            tx.prepare_cached("DELETE FROM login_failures WHERE rowid = $1")?.execute([id])?;
        }
        tx.prepare_cached("DELETE FROM login_failures WHERE key = $1")?.execute([account_key])?;
        tx.commit()?;
        Ok(())
    }

    /// Adds an Admin API token (by its hash) acting as `user` until `expires`.
    pub fn add_user_token(
        &self,
        user: i64,
        name: &str,
        token_hash: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO user_tokens (user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            params![user, name, token_hash, now.as_microsecond(), expires.as_microsecond()],
        )?;
        audit_in(&tx, Some(user), "cli", "token.add", Some(name), None, now)?;
        tx.commit()?;
        Ok(())
    }

    /// The enabled account an unrevoked, unexpired Admin API token belongs to.
    pub fn user_by_token(&self, token_hash: &str, now: Timestamp) -> Result<Option<User>, StoreError> {
        let conn = self.reader();
        let sql = user_query!(
            "FROM user_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND u.disabled_at IS NULL"
        );
        conn.query_row(sql, params![token_hash, now.as_microsecond()], user_row).optional()?.map(to_user).transpose()
    }

    /// A user's Admin API tokens, newest first (never the tokens themselves: only their hashes
    /// are kept).
    pub fn user_tokens(&self, user: i64) -> Result<Vec<UserToken>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, created_at, expires_at, revoked_at FROM user_tokens WHERE user_id = $1 ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([user], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, created, expires, revoked) = row?;
            let at =
                |us: i64| Timestamp::from_microsecond(us).map_err(|e| StoreError::Corrupt(format!("token time: {e}")));
            out.push(UserToken {
                id,
                name,
                created_at: at(created)?,
                expires_at: expires.map(at).transpose()?,
                revoked_at: revoked.map(at).transpose()?,
            });
        }
        Ok(out)
    }

    /// Revokes one of `user`'s tokens by its id or its name (every unrevoked token of that name);
    /// the number revoked.
    pub fn revoke_user_token(&self, user: i64, id_or_name: &str, now: Timestamp) -> Result<usize, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id: Option<i64> = id_or_name.parse().ok();
        let n = tx.execute(
            "UPDATE user_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND (id = $3 OR name = $4)",
            params![now.as_microsecond(), user, id, id_or_name],
        )?;
        audit_in(&tx, Some(user), "cli", "token.revoke", Some(id_or_name), Some(&format!("{n} revoked")), now)?;
        tx.commit()?;
        Ok(n)
    }

    /// Ends every session and revokes every Admin API token of an account (sign-out
    /// everywhere); the numbers of sessions and tokens ended.
    pub fn sign_out_everywhere(&self, user: i64, now: Timestamp) -> Result<(usize, usize), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sessions = tx.execute(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            params![now.as_microsecond(), user],
        )?;
        let tokens = tx.execute(
            "UPDATE user_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            params![now.as_microsecond(), user],
        )?;
        tx.commit()?;
        Ok((sessions, tokens))
    }

    /// Writes one line of the audit log.
    pub fn audit(
        &self,
        user: Option<i64>,
        actor: &str,
        action: &str,
        target: Option<&str>,
        detail: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        audit_in(&tx, user, actor, action, target, detail, now)?;
        tx.commit()?;
        Ok(())
    }

    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn
            .prepare_cached("SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT $1")?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?;
        rows.map(|row| {
            let (id, at, actor, action, target, detail) = row?;
            Ok(AuditEntry { id, at: ts(at)?, actor, action, target, detail })
        })
        .collect()
    }
}

pub(super) fn audit_in(
    tx: &rusqlite::Transaction<'_>,
    user: Option<i64>,
    actor: &str,
    action: &str,
    target: Option<&str>,
    detail: Option<&str>,
    now: Timestamp,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO audit_log (at, user_id, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )?
    .execute(params![now.as_microsecond(), user, actor, action, target, detail])?;
    Ok(())
}
