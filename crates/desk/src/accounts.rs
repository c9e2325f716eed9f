//! Accounts' secrets: passwords (argon2id), session and invite tokens, API keys (stored as their
//! SHA-256), and sign-in throttling.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use jiff::{SignedDuration, Timestamp};
use newsdesk_store::{Store, StoreError, User};
use sha2::{Digest, Sha256};

/// The SHA-256 of a key or token, as stored: keys are never kept in the clear.
pub fn hash_key(key: &str) -> String {
    Sha256::digest(key.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random API key: `nd_` and 32 random bytes in hex.
pub fn new_key() -> Result<String, String> {
    random_token("nd_")
}

/// Whether `email` is an address a newsroom account may have.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// How long a login lasts.
pub const SESSION_HOURS: i64 = 12;
/// How long an invite link works.
pub const INVITE_DAYS: i64 = 7;
/// Failed logins allowed per account, and per address, in `THROTTLE_WINDOW`.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
pub const THROTTLE_WINDOW: SignedDuration = SignedDuration::from_mins(15);
pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// OWASP's argon2id setting: 19 MiB, two passes, one lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Why a password is refused, in words for the form.
pub fn check_password_rules(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("use at least {MIN_PASSWORD_CHARS} characters"));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!("use at most {MAX_PASSWORD_BYTES} bytes"));
    }
    Ok(())
}

/// An argon2id PHC string for `password` (slow on purpose: call it off the async threads).
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("no randomness from the OS: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Ok(argon2().hash_password(password.as_bytes(), &salt).map_err(|e| e.to_string())?.to_string())
}

/// Whether `password` matches `hash`. Accounts without a password (invite not yet accepted)
/// and unknown accounts are checked against a fixed hash, so every answer costs the same.
pub fn verify_password(hash: Option<&str>, password: &str) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not a password anyone has").unwrap_or_default());
    let (hash, real) = match hash {
        Some(h) => (h, true),
        None => (dummy.as_str(), false),
    };
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    verify_with_pooled_memory(&parsed, password.as_bytes()).unwrap_or(false) && real
}

/// Argon2id working memory for password checks, kept and reused: a check allocates nothing, so
/// however many threads run checks over time the memory they hold is at most one block set per
/// concurrent check (the allocator would otherwise keep 19 MiB in each thread's arena: five
/// bursts of 150 sign-ins held 500 MB after the bound on concurrent checks, 6 GB before it).
static MEMORY: std::sync::Mutex<Vec<Vec<argon2::Block>>> = std::sync::Mutex::new(Vec::new());

/// `password` against a parsed PHC string, with working memory from [`MEMORY`]; `None` for a
/// hash this build does not read (another algorithm, bad parameters).
fn verify_with_pooled_memory(parsed: &PasswordHash<'_>, password: &[u8]) -> Option<bool> {
    let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
    let version = parsed.version.map_or(Ok(Version::V0x13), Version::try_from).ok()?;
    let params = Params::try_from(parsed).ok()?;
    let expected = parsed.hash?;
    let mut salt = [0u8; 64];
    let salt = parsed.salt?.decode_b64(&mut salt).ok()?;
    let blocks = params.block_count();
    let mut memory = MEMORY.lock().unwrap_or_else(|p| p.into_inner()).pop().unwrap_or_default();
    memory.resize(blocks, argon2::Block::default());
    let mut out = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password,
        salt,
        &mut out,
        &mut memory[..blocks],
    );
    let mut pool = MEMORY.lock().unwrap_or_else(|p| p.into_inner());
    if pool.len() < CONCURRENT_PASSWORD_CHECKS {
        pool.push(memory);
    }
    drop(pool);
    hashed.ok()?;
    // `Output` compares in constant time.
    Some(argon2::password_hash::Output::new(&out).ok()? == expected)
}

/// A random secret: `prefix` and 32 bytes in hex.
pub fn random_token(prefix: &str) -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness from the OS: {e}"))?;
    Ok(format!("{prefix}{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}

/// Compares secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new session for `user`: the cookie value to send (stored only as its hash).
pub fn start_session(store: &Store, user: &User, address: Option<&str>, now: Timestamp) -> Result<String, String> {
    let token = random_token("s_")?;
    let csrf = random_token("c_")?;
    let expires = now + SignedDuration::from_hours(SESSION_HOURS);
    store.add_session(&hash_key(&token), user.id, &csrf, address, now, expires).map_err(|e| e.to_string())?;
    Ok(token)
}

/// A one-time invite for `user`; returns the token for the link.
pub fn invite(store: &Store, user: &User, now: Timestamp) -> Result<String, StoreError> {
    let token = random_token("i_").map_err(StoreError::Corrupt)?;
    store.add_invite(user.id, &hash_key(&token), now, now + SignedDuration::from_hours(24 * INVITE_DAYS))?;
    Ok(token)
}

/// Throttle keys for a login attempt: the account (known or not) and the address.
pub fn throttle_keys(email: &str, address: Option<&str>) -> Vec<String> {
    let mut keys = vec![format!("account:{}", email.trim().to_lowercase())];
    if let Some(a) = address {
        keys.push(format!("address:{a}"));
    }
    keys
}

/// Counts a sign-in attempt before its password is checked (see
/// [`Store::claim_login_attempt`]): `None` when the account or the address has used up its
/// attempts for now, else the attempt's rows, to give back if the password is right.
pub fn claim_attempt(store: &Store, keys: &[String], now: Timestamp) -> Result<Option<Vec<i64>>, StoreError> {
    let limits: Vec<(&str, i64)> = keys
        .iter()
        .map(|k| {
            (k.as_str(), if k.starts_with("account:") { MAX_FAILURES_PER_ACCOUNT } else { MAX_FAILURES_PER_ADDRESS })
        })
        .collect();
    store.claim_login_attempt(&limits, now - THROTTLE_WINDOW, now)
}

/// How many password checks run at once: each argon2id check holds 19 MiB, so a burst of
/// sign-ins is bounded to this many times that, whatever the number of connections.
pub const CONCURRENT_PASSWORD_CHECKS: usize = 4;
/// How long a sign-in waits for a free password check before it is told to try again (429).
pub const PASSWORD_CHECK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password(Some(&h), "correct horse battery"));
        assert!(!verify_password(Some(&h), "correct horse battery!"));
        assert!(!verify_password(None, "not a password anyone has"), "no account never matches");
        assert!(!verify_password(Some("garbage"), "x"));
        assert!(check_password_rules("short").is_err());
        assert!(check_password_rules("long enough now").is_ok());
    }

    #[test]
    fn password_checks_reuse_their_memory_and_still_tell_right_from_wrong() {
        let h = hash_password("correct horse battery").unwrap();
        // Hashes made elsewhere (other parameters, the argon2 crate's own verifier) read too.
        let light = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(1024, 1, 1, None).unwrap());
        let salt = SaltString::encode_b64(b"sixteen byte salt").unwrap();
        let other = light.hash_password(b"another secret", &salt).unwrap().to_string();
        std::thread::scope(|scope| {
            for n in 0..12 {
                let (h, other) = (&h, &other);
                scope.spawn(move || {
                    assert!(verify_password(Some(h), "correct horse battery"), "check {n}");
                    assert!(!verify_password(Some(h), &format!("wrong {n}")));
                    assert!(verify_password(Some(other), "another secret"));
                });
            }
        });
        let kept = MEMORY.lock().unwrap().len();
        assert!((1..=CONCURRENT_PASSWORD_CHECKS).contains(&kept), "{kept} block sets kept");
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
