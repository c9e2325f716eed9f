//! `newsdesk webhook add|list|remove`, and the WebSub hub registration `serve` keeps in step
//! with its `--websub-hub` flag.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use newsdesk_store::{HookKind, Store};

use crate::WebhookCommand;

const EVENTS: &[&str] = &["published", "updated", "corrected", "unpublished"];

pub fn run(data: &Path, cmd: WebhookCommand) -> anyhow::Result<ExitCode> {
    let store = Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?;
    let now = jiff::Timestamp::now();
    match cmd {
        WebhookCommand::Add { url, events, allow_private } => {
            anyhow::ensure!(
                url.starts_with("https://") || url.starts_with("http://"),
                "{url:?}: a webhook URL starts with https:// (or http://)"
            );
            for e in &events {
                anyhow::ensure!(EVENTS.contains(&e.as_str()), "unknown event {e:?}; choose from {}", EVENTS.join(","));
            }
            let secret = newsdesk_desk::accounts::new_key().map_err(anyhow::Error::msg)?.replacen("nd_", "whsec_", 1);
            let hook = store.add_hook(HookKind::Webhook, &url, &secret, &events, allow_private, now)?;
            println!("{}\t{secret}", hook.id);
            eprintln!(
                "webhook {} registered; deliveries are signed with the secret above (X-Newsdesk-Signature)",
                hook.id
            );
        }
        WebhookCommand::List => {
            for hook in store.hooks()? {
                let recent = store.deliveries(hook.id, 5)?;
                let ok = recent.iter().filter(|d| d.delivered).count();
                println!(
                    "{}\t{:?}\t{}\t{}\tlast {} deliveries: {ok} delivered",
                    hook.id,
                    hook.kind,
                    hook.url,
                    hook.events.join(","),
                    recent.len()
                );
                for d in recent.iter().filter(|d| !d.delivered) {
                    println!(
                        "\tevent {}: {} attempt(s), {}",
                        d.event_id,
                        d.attempts,
                        d.last_error.as_deref().unwrap_or("pending")
                    );
                }
            }
        }
        WebhookCommand::Remove { id } => {
            store.remove_hook(id, now)?;
            eprintln!("webhook {id} removed");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One WebSub hook for the configured hub, none when no hub is configured.
pub fn ensure_websub_hub(store: &Store, hub: Option<&str>, allow_private: bool) -> anyhow::Result<()> {
    let now = jiff::Timestamp::now();
    let mut have = false;
    for hook in store.hooks()?.into_iter().filter(|h| h.kind == HookKind::Websub) {
        if Some(hook.url.as_str()) == hub && hook.allow_private == allow_private {
            have = true;
        } else {
            store.remove_hook(hook.id, now)?;
        }
    }
    if let Some(url) = hub.filter(|_| !have) {
        anyhow::ensure!(
            url.starts_with("https://") || url.starts_with("http://"),
            "--websub-hub {url:?}: expected an http(s) URL"
        );
        let events: Vec<String> = ["published", "updated", "corrected", "unpublished"].map(String::from).to_vec();
        store.add_hook(HookKind::Websub, url, "", &events, allow_private, now)?;
    }
    Ok(())
}
