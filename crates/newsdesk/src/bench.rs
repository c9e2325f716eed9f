//! `newsdesk bench-render`: how long one uncached page render takes (store reads, view building,
//! template) with the shared lists already derived for the current data, how long it takes when
//! they must be derived too (the first render after a change), and what compressing a page for
//! the cache costs. Prints one JSON line.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use newsdesk_render::{Theme, ThemeOptions};
use newsdesk_store::{ArticleFilter, Store};
use newsdesk_web::{AppState, SiteConfig, render_path};

use crate::BenchArgs;

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
    let state = AppState::new(store, Theme::load(ThemeOptions::default()), SiteConfig::default(), data.join("media"));
    let iterations = args.iterations.max(1);
    let mut render_us = Vec::with_capacity(iterations);
    let mut compress_us = Vec::with_capacity(iterations.min(200));
    let mut bytes = 0;
    for i in 0..iterations {
        let t = Instant::now();
        let page = render_path(&state, &path, None).map_err(|e| anyhow::anyhow!("cannot render {path}: {e}"))?;
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
            render_path(&state, &path, None).map_err(|e| anyhow::anyhow!("cannot render {path}: {e}"))?,
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

fn stats(v: &mut [f64]) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    (v.iter().sum::<f64>() / v.len() as f64, at(0.5), at(0.99))
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
