//! `newsdesk user add|list|token|sign-out`: newsroom accounts from the command line. A password
//! piped on stdin is set at once; otherwise the account gets a one-time invite link.

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use jiff::Timestamp;
use newsdesk_core::Role;
use newsdesk_desk::accounts as auth;
use newsdesk_desk::accounts::hash_key;
use newsdesk_store::Store;

use crate::UserCommand;

pub fn run(data: &Path, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let store = Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?;
    let now = Timestamp::now();
    match cmd {
        UserCommand::Add { email, role, name, site_url } => {
            let role = parse_role(&role)?;
            let email = email.trim().to_lowercase();
            if !newsdesk_desk::accounts::valid_email(&email) {
                bail!("{email:?} is not an email address");
            }
            let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
            // A password piped in is used; a terminal, or nothing on stdin, means an invite.
            let stdin = std::io::stdin();
            let mut piped = String::new();
            if !stdin.is_terminal() {
                stdin
                    .lock()
                    .take(auth::MAX_PASSWORD_BYTES as u64 + 2)
                    .read_to_string(&mut piped)
                    .context("cannot read the password from stdin")?;
            }
            let password = piped.strip_suffix('\n').unwrap_or(&piped);
            let password = password.strip_suffix('\r').unwrap_or(password);
            if password.is_empty() {
                let user = store.add_user(&email, &name, role, None, now)?;
                let token = auth::invite(&store, &user, now)?;
                println!("{}/newsroom/invite/{token}", site_url.trim_end_matches('/'));
                eprintln!(
                    "{} account {email} made; send the link above (it works once, for {} days) so they can choose a password",
                    role.as_str(),
                    auth::INVITE_DAYS
                );
            } else {
                auth::check_password_rules(password).map_err(|e| anyhow::anyhow!("the password on stdin: {e}"))?;
                let hash = auth::hash_password(password).map_err(anyhow::Error::msg)?;
                store.add_user(&email, &name, role, Some(&hash), now)?;
                eprintln!("{} account {email} made with the password from stdin", role.as_str());
            }
        }
        UserCommand::List => {
            for u in store.users()? {
                let status = if u.disabled {
                    "disabled"
                } else if u.password_hash.is_none() {
                    "invited"
                } else {
                    "active"
                };
                println!("{}\t{}\t{}\t{status}", u.email, u.role.as_str(), u.name);
            }
        }
        UserCommand::Token { email, list: true, .. } => {
            let user = store.user_by_email(&email)?.with_context(|| format!("there is no account {email}"))?;
            println!("id\tname\tmade\texpires\tstate");
            for t in store.user_tokens(user.id)? {
                let state = match (t.revoked_at, t.expires_at) {
                    (Some(_), _) => "revoked",
                    (None, Some(e)) if e <= now => "expired",
                    _ => "active",
                };
                let day = |t: Timestamp| t.strftime("%Y-%m-%d %H:%M UTC").to_string();
                println!(
                    "{}\t{}\t{}\t{}\t{state}",
                    t.id,
                    t.name,
                    day(t.created_at),
                    t.expires_at.map_or("never".into(), day)
                );
            }
        }
        UserCommand::Token { email, revoke: Some(which), .. } => {
            let user = store.user_by_email(&email)?.with_context(|| format!("there is no account {email}"))?;
            let n = store.revoke_user_token(user.id, &which, now)?;
            if n == 0 {
                bail!(
                    "{email} has no active token with the id or name {which:?} (see `newsdesk user token {email} --list`)"
                );
            }
            eprintln!("{n} token(s) of {email} revoked");
        }
        UserCommand::Token { email, name, days, .. } => {
            let user = store.user_by_email(&email)?.with_context(|| format!("there is no account {email}"))?;
            if user.disabled {
                bail!("the account {email} is disabled");
            }
            let token = auth::random_token("nda_").map_err(anyhow::Error::msg)?;
            let expires = now + jiff::SignedDuration::from_hours(24 * i64::from(days));
            store.add_user_token(user.id, &name, &hash_key(&token), now, expires)?;
            println!("{token}");
            eprintln!(
                "Admin API token {name:?} for {email} ({}), valid until {}; shown only now. Send it as `Authorization: Bearer TOKEN`.",
                user.role.as_str(),
                expires.strftime("%Y-%m-%d %H:%M UTC")
            );
        }
        UserCommand::SignOut { email } => {
            let user = store.user_by_email(&email)?.with_context(|| format!("there is no account {email}"))?;
            let (sessions, tokens) = store.sign_out_everywhere(user.id, now)?;
            let detail = format!("{sessions} sessions, {tokens} tokens");
            store.audit(None, "cli", "user.sign_out", Some(&user.email), Some(&detail), now)?;
            eprintln!("{sessions} sessions of {email} ended and {tokens} Admin API tokens revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_role(s: &str) -> anyhow::Result<Role> {
    Role::parse(&s.to_lowercase()).with_context(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("--role {s:?}: expected one of {}", names.join(", "))
    })
}
