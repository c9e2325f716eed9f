//! `newsdesk bench-render`: how long one uncached page render takes (store reads, view building,
//! template) with the shared lists already derived for the current data, how long it takes when
//! they must be derived too (the first render after a change), and what compressing a page for
//! the cache costs. Prints one JSON line.
//!
//! It lives under `serve` because it times `web` itself: the pages are rendered by the code that
//! serves them, in process, so the CLI's one door into `newsdesk_web` stays this module.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use newsdesk_render::{Theme, ThemeOptions};
use newsdesk_store::{ArticleFilter, Store};
use newsdesk_web::{AppState, SiteConfig, render_path};

use crate::BenchArgs;
use crate::bench::{round, stats};

pub fn run(data: &Path, args: BenchArgs) -> anyhow::Result<ExitCode> {
    let store =
        Arc::new(Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?);
    let path = match args.path {
        Some(p) => p,
        None => store
            .latest_published(&ArticleFilter::default(), 1, 0)?
            .first()
            .map(|a| a.path())
            .context("no published article to render; run `newsdesk demo` or `newsdesk import` first")?,
    };
    // A path may carry its query string (`/europe?page=50`), as a reader's request does.
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (path, None),
    };
    let state = AppState::new(
        store,
        Theme::load(ThemeOptions::default()),
        SiteConfig::default(),
        Arc::new(newsdesk_store::DirMediaStore::new(data.join("media"))),
    );
    // The Content API's list is timed as its handler builds it (query read, stories, JSON).
    if path == "/api/v1/articles" {
        return api_list(&state, query.as_deref(), args.iterations.max(1));
    }
    let iterations = args.iterations.max(1);
    let mut render_us = Vec::with_capacity(iterations);
    let mut compress_us = Vec::with_capacity(iterations.min(200));
    let mut bytes = 0;
    // One render first, untimed: it derives the shared lists, which the timed renders then
    // reuse as a running site does (the cold figure below times deriving them).
    render_path(&state, &path, query.as_deref()).map_err(|e| anyhow::anyhow!("cannot render {path}: {e}"))?;
    for i in 0..iterations {
        let t = Instant::now();
        let page =
            render_path(&state, &path, query.as_deref()).map_err(|e| anyhow::anyhow!("cannot render {path}: {e}"))?;
        render_us.push(t.elapsed().as_secs_f64() * 1e6);
        bytes = page.body.len();
        if i < 200 {
            let t = Instant::now();
            std::hint::black_box(page.into_page());
            compress_us.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    // Cold: the shared lists (sections, recent stories) rebuilt for every render, as happens
    // once after each change.
    let mut cold_us = Vec::with_capacity(iterations.min(500));
    for _ in 0..iterations.min(500) {
        state.cache.clear();
        let t = Instant::now();
        std::hint::black_box(
            render_path(&state, &path, query.as_deref()).map_err(|e| anyhow::anyhow!("cannot render {path}: {e}"))?,
        );
        cold_us.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let (cold_mean, _, cold_p99) = stats(&mut cold_us);
    let (mean, p50, p99) = stats(&mut render_us);
    let (compress_mean, _, _) = stats(&mut compress_us);
    let line = serde_json::json!({
        "path": path, "iterations": iterations, "bytes": bytes,
        "mean_us": round(mean), "p50_us": round(p50), "p99_us": round(p99),
        "compress_mean_us": round(compress_mean),
        "cold_mean_us": round(cold_mean), "cold_p99_us": round(cold_p99),
    });
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}

/// `bench-render --path /api/v1/articles[?…]`: one page of the Content API's list, from its
/// query string to the JSON text, with the same figures as a page.
fn api_list(state: &AppState, query: Option<&str>, iterations: usize) -> anyhow::Result<ExitCode> {
    let page = || -> anyhow::Result<Vec<u8>> {
        let q = newsdesk_web::api::article_query(query).map_err(|e| anyhow::anyhow!("bad query: {e:?}"))?;
        let value = newsdesk_web::api::list_value(state, &q).map_err(|e| anyhow::anyhow!("cannot list: {e:?}"))?;
        Ok(serde_json::to_vec(&value)?)
    };
    page()?;
    let mut us = Vec::with_capacity(iterations);
    let mut bytes = 0;
    for _ in 0..iterations {
        let t = Instant::now();
        bytes = std::hint::black_box(page()?).len();
        us.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let (mean, p50, p99) = stats(&mut us);
    let line = serde_json::json!({
        "path": "/api/v1/articles", "query": query, "iterations": iterations, "bytes": bytes,
        "mean_us": round(mean), "p50_us": round(p50), "p99_us": round(p99),
        "compress_mean_us": 0.0, "cold_mean_us": round(mean), "cold_p99_us": round(p99),
    });
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}
