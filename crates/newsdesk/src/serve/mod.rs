//! `newsdesk serve` and `newsdesk demo`: open the store, load the theme, listen, and stop
//! gracefully on Ctrl-C or SIGTERM.

pub mod bench_render;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use jiff::tz::TimeZone;
use newsdesk_render::{Theme, ThemeOptions};
use newsdesk_store::{DirMediaStore, MediaStore, Store};
use newsdesk_web::{AppState, SiteConfig};

/// The page cache's default size, as `web` sizes it (the `serve` flags' default).
pub const DEFAULT_PAGE_CACHE_MB: usize = newsdesk_web::DEFAULT_PAGE_CACHE_MB;

use crate::{ServeArgs, SiteArgs};

pub fn run(data: &Path, args: ServeArgs, demo: bool) -> anyhow::Result<ExitCode> {
    let store =
        Arc::new(Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?);
    let media: Arc<dyn MediaStore> = match &args.media_url {
        None => Arc::new(DirMediaStore::new(data.join("media"))),
        Some(url) => {
            let s3 = newsdesk_store::media::s3::S3MediaStore::from_env(url)?;
            s3.check().context("the media store is not usable")?;
            Arc::new(s3)
        }
    };
    let mut logins = vec![];
    if demo {
        let loaded = crate::demo::load_if_empty(&store, media.as_ref())?;
        if loaded > 0 {
            eprintln!("loaded {loaded} sample articles into {}", data.display());
        }
        logins = crate::demo::demo_logins(&store, data)?;
    }
    // The search index is derived: opened (or made) here, filled or caught up by the server in
    // the background, so a missing or stale index never holds the site back.
    let index_dir = data.join("search-index");
    let search = Arc::new(
        newsdesk_derive::SearchIndex::open(&index_dir)
            .with_context(|| format!("cannot open the search index in {}", index_dir.display()))?,
    );
    // The newsroom's index of the stories readers cannot see (drafts and the like), for the
    // dashboard's search; derived the same way.
    let newsroom_dir = data.join("search-newsroom");
    let newsroom_search = Arc::new(
        newsdesk_derive::SearchIndex::open(&newsroom_dir)
            .with_context(|| format!("cannot open the newsroom's search index in {}", newsroom_dir.display()))?,
    );
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = args.workers {
        runtime.worker_threads(n.max(1));
    }
    let runtime = runtime.enable_all().build().context("cannot start the async runtime")?;
    crate::webhook::ensure_websub_hub(&store, args.site.websub_hub.as_deref(), args.site.websub_hub_allow_private)?;
    runtime.block_on(async move {
        // Before anything says the server is up: a SIGTERM that comes early still stops it
        // gracefully (a handler registered later left the default action, death by signal, to
        // an operator or a test quick to stop it).
        let shutdown = shutdown_signal()?;
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr()?;
        let site = site_config(&args.site, &format!("http://{addr}"))?;
        let theme = Theme::load(ThemeOptions { dir: args.site.theme.clone(), dev_reload: args.site.dev_reload });
        let state = AppState::new(store, theme, site, media).with_search(search).with_newsroom_search(newsroom_search);
        println!("newsdesk {} at http://{addr}/", if demo { "demo site" } else { "site" });
        if !logins.is_empty() {
            println!(
                "newsroom at http://{addr}/newsroom — demo sign-ins (also in {}):",
                data.join("demo-logins.json").display()
            );
            for (role, email, password) in &logins {
                println!("  {role:<12} {email:<30} {password}");
            }
        }
        tracing::info!(%addr, "listening");
        newsdesk_web::serve(listener, state, shutdown).await.context("server failed")?;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

pub fn site_config(args: &SiteArgs, default_url: &str) -> anyhow::Result<SiteConfig> {
    let time_zone = TimeZone::get(&args.timezone)
        .with_context(|| format!("--timezone {:?}: expected an IANA time zone such as Europe/London", args.timezone))?;
    Ok(SiteConfig {
        name: args.site_name.clone(),
        url: args.site_url.as_deref().unwrap_or(default_url).trim_end_matches('/').to_string(),
        time_zone,
        feed_full_text: !args.feed_excerpts,
        renditions: !args.no_renditions,
        metrics: args.metrics,
        wire_photos_allow_private: args.wire_photos_allow_private,
        api_rate_per_minute: args.api_rate,
        page_cache_mb: args.page_cache_mb,
        websub_hub: args.websub_hub.clone(),
        purge: args
            .purge_url
            .clone()
            .map(|url| newsdesk_web::purge::PurgeTarget { url, allow_private: args.purge_url_allow_private }),
        trusted_proxies: args.trusted_proxies.clone(),
        ..SiteConfig::default()
    })
}

/// Registers for SIGTERM and SIGINT (Ctrl-C) now, and returns what resolves when either comes.
#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = interrupt.recv() => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    })
}
