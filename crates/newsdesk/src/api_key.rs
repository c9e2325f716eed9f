//! `newsdesk api-key add|list|revoke`: Content API keys. Only a key's SHA-256 is stored, so a
//! key is printed once, when it is made.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use newsdesk_desk::accounts::{hash_key, new_key};
use newsdesk_store::Store;

use crate::ApiKeyCommand;

pub fn run(data: &Path, cmd: ApiKeyCommand) -> anyhow::Result<ExitCode> {
    let store = Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?;
    let now = jiff::Timestamp::now();
    match cmd {
        ApiKeyCommand::Add { name, scope } => {
            let name = name.trim();
            anyhow::ensure!(!name.is_empty() && name.len() <= 100, "the key's name must be 1 to 100 characters");
            let key = new_key().map_err(anyhow::Error::msg)?;
            let scope = match scope {
                crate::KeyScopeArg::Content => newsdesk_store::KeyScope::Content,
                crate::KeyScopeArg::Ingest => newsdesk_store::KeyScope::Ingest,
            };
            store.add_api_key(name, &hash_key(&key), scope, now)?;
            println!("{key}");
            eprintln!("API key {name:?} made; it is shown only now. Send it as `Authorization: Bearer KEY`.");
        }
        ApiKeyCommand::List => {
            for k in store.api_keys()? {
                let revoked = k.revoked_at.map_or_else(|| "live".to_string(), |t| format!("revoked {t}"));
                println!("{}\t{}\tcreated {}\t{revoked}", k.name, k.scope.as_str(), k.created_at);
            }
        }
        ApiKeyCommand::Revoke { name } => {
            store.revoke_api_key(&name, now)?;
            eprintln!("API key {name:?} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}
