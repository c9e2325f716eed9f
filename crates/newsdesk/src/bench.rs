//! `newsdesk bench-search`, and the figures every `bench-*` command prints (`bench-render`, which
//! times `web`'s own renders, lives with `serve`).

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use newsdesk_store::{ArticleFilter, Store};

/// `newsdesk bench-search`: mixed queries (one word, two words, a two- and a three-word phrase,
/// a prefix, a section filter, newest first) drawn deterministically from the corpus
/// vocabularies, each timed.
pub fn search(data: &Path, args: crate::SearchBenchArgs) -> anyhow::Result<ExitCode> {
    use newsdesk_derive::{SearchIndex, SearchQuery, Sort};
    let store = Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?;
    let index = SearchIndex::open(&data.join("search-index")).context("cannot open the search index")?;
    let mut build = serde_json::Value::Null;
    if args.rebuild || index.needs_rebuild() {
        let t = Instant::now();
        let cpu = cpu_seconds();
        let n = newsdesk_desk::search::rebuild_index(&store, &index)?;
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds().zip(cpu).map(|(after, before)| round(after - before));
        // The Recommended lists a rebuild computes for the newest stories, timed apart.
        let t = Instant::now();
        let recent = store.latest_headlines(&ArticleFilter::default(), newsdesk_desk::search::RELATED_ON_REBUILD, 0)?;
        let ids: Vec<i64> = recent.iter().filter_map(|a| a.id.map(|i| i.0)).collect();
        newsdesk_desk::search::refresh_related(&store, &index, &ids, false, jiff::Timestamp::now())?;
        let related_ms = t.elapsed().as_secs_f64() * 1e3 / ids.len().max(1) as f64;
        build = serde_json::json!({ "articles": n, "seconds": round(secs), "per_second": (n as f64 / secs).round(),
                                    "cpu_seconds": cpu,
                                    "related_lists": ids.len(), "related_ms_each": round(related_ms) });
    }
    let mut rng = crate::corpus::Rng::new(42);
    let sections = ["europe", "world", "business", "science", "sport", "culture"];
    let mut queries = Vec::with_capacity(args.queries);
    for i in 0..args.queries as u64 {
        let words = crate::corpus::vocabulary(crate::corpus::language_of(i));
        let mut w = || words[rng.skewed(words.len())].to_string();
        let q = match i % 20 {
            0..=7 => SearchQuery { text: w(), ..SearchQuery::default() },
            8..=12 => SearchQuery { text: format!("{} {}", w(), w()), ..SearchQuery::default() },
            13 => SearchQuery { text: format!("\"{} {}\"", w(), w()), ..SearchQuery::default() },
            // Confirmed story by story in the stored text (its pairs may stand apart).
            14 => SearchQuery { text: format!("\"{} {} {}\"", w(), w(), w()), ..SearchQuery::default() },
            15..=16 => {
                let word = w();
                let prefix: String = word.chars().take(4).collect();
                SearchQuery { text: format!("{prefix}*"), ..SearchQuery::default() }
            }
            17..=18 => SearchQuery {
                text: w(),
                section: Some(sections[i as usize % sections.len()].to_string()),
                ..SearchQuery::default()
            },
            _ => SearchQuery { text: w(), sort: Sort::Date, ..SearchQuery::default() },
        };
        queries.push(SearchQuery { limit: 10, ..q });
    }
    let mut us = Vec::with_capacity(queries.len());
    let mut found = 0usize;
    let mut timed = Vec::with_capacity(queries.len());
    for q in &queries {
        let t = Instant::now();
        let r = index.search(q)?;
        let took = t.elapsed().as_secs_f64() * 1e6;
        us.push(took);
        timed.push((took, r.total, q));
        found += usize::from(r.total > 0);
    }
    timed.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (took, total, q) in timed.iter().take(args.slowest) {
        let filter = q.section.as_deref().map(|s| format!(" section={s}")).unwrap_or_default();
        eprintln!("{:>9.1} us  {total:>7} hits  {:?}{filter} sort={:?}", took, q.text, q.sort);
    }
    let (mean, p50, p99) = stats(&mut us);
    let line = serde_json::json!({
        "documents": index.doc_count(), "queries": queries.len(), "queries_with_hits": found,
        "mean_us": round(mean), "p50_us": round(p50), "p99_us": round(p99), "max_us": round(us[us.len() - 1]),
        "build": build,
    });
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn stats(v: &mut [f64]) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    (v.iter().sum::<f64>() / v.len() as f64, at(0.5), at(0.99))
}

/// The CPU time this process has used, user and system, in seconds (Linux: `/proc/self/stat`,
/// in clock ticks of 1/100 s); `None` elsewhere. The machine's CPU speed drifts, so the CPU a
/// build takes is compared beside the wall-clock rate.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ').skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / 100.0)
}

pub(crate) fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
