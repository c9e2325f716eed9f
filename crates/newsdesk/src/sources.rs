//! `newsdesk sources add|list|remove|poll`: the feeds and wire endpoints newsdesk polls. The
//! running server polls them on their schedule; `poll` does it once from the command line (a
//! first look at a new source, or a cron job without a server).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use jiff::Timestamp;
use newsdesk_core::article::Section;
use newsdesk_desk::outbound::Outbound;
use newsdesk_store::{NewSource, Store};

use crate::SourcesCommand;

/// "90s", "5m", "1h", "2h30m" or plain seconds -> seconds.
pub fn parse_interval(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<i64>() {
        return Some(secs).filter(|n| *n > 0);
    }
    let (mut total, mut number) = (0i64, String::new());
    for c in s.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return None,
        };
        total = total.checked_add(number.parse::<i64>().ok()?.checked_mul(unit)?)?;
        number.clear();
    }
    (number.is_empty() && total > 0).then_some(total)
}

fn duration(secs: i64) -> String {
    match secs {
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

pub fn run(data: &Path, cmd: SourcesCommand) -> anyhow::Result<ExitCode> {
    let store = Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?;
    let now = Timestamp::now();
    match cmd {
        SourcesCommand::Add { url, every, name, section, publish, allow_private } => {
            let parsed = url::Url::parse(&url).with_context(|| format!("{url:?} is not a URL"))?;
            anyhow::ensure!(
                matches!(parsed.scheme(), "http" | "https"),
                "{url:?}: a source URL starts with https:// (or http://)"
            );
            let every_secs = parse_interval(&every)
                .with_context(|| format!("--every {every:?}: expected an interval like 90s, 5m or 1h"))?;
            anyhow::ensure!(every_secs >= 30, "--every {every}: at least 30s (be kind to the source)");
            if let Some(s) = &section {
                anyhow::ensure!(Section::from_label(s).is_some(), "--section {s:?}: expected a name with letters");
            }
            let name = name.unwrap_or_else(|| parsed.host_str().unwrap_or("source").to_string());
            let source = store.add_feed_source(
                &NewSource { url: &url, name: &name, every_secs, allow_private, section: section.as_deref(), publish },
                now,
            )?;
            println!("{}", source.id);
            eprintln!(
                "source {} ({name}) added: polled every {}, items {} unless a routing rule says otherwise",
                source.id,
                duration(every_secs),
                if publish { "published" } else { "queued for the desk" }
            );
        }
        SourcesCommand::List => {
            println!("id\tname\tevery\tlast polled\tstatus\tfailures\titems\tnext poll\turl");
            for s in store.feed_sources()? {
                let last = s.last_polled_at.map_or("never".to_string(), |t| t.to_string());
                let status = match (&s.last_status, &s.last_error) {
                    (Some(st), Some(e)) => format!("{st} ({e})"),
                    (Some(st), None) => st.clone(),
                    (None, _) => "not polled yet".into(),
                };
                println!(
                    "{}\t{}\t{}\t{last}\t{status}\t{}\t{}\t{}\t{}",
                    s.id,
                    s.name,
                    duration(s.every_secs),
                    s.failures,
                    s.items_total,
                    s.next_poll_at,
                    s.url
                );
            }
        }
        SourcesCommand::Remove { id } => {
            store.remove_feed_source(id)?;
            eprintln!("source {id} removed");
        }
        SourcesCommand::Poll { id } => {
            if let Some(id) = id {
                store.poll_source_now(id, now)?;
            }
            let polled = newsdesk_desk::sources::poll_due(&store, &Outbound::new(), now)?;
            let mut failed = false;
            for s in store.feed_sources()?.into_iter().filter(|s| s.last_polled_at == Some(now)) {
                match &s.last_error {
                    Some(e) if s.failures > 0 => {
                        failed = true;
                        eprintln!(
                            "error: source {} ({}): {}: {e}",
                            s.id,
                            s.name,
                            s.last_status.as_deref().unwrap_or("")
                        );
                    }
                    _ => println!("{}\t{}\t{}", s.id, s.name, s.last_status.as_deref().unwrap_or("")),
                }
            }
            eprintln!("{polled} source(s) polled");
            return Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS });
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        for (s, want) in
            [("90", Some(90)), ("90s", Some(90)), ("5m", Some(300)), ("1h", Some(3600)), ("2h30m", Some(9000))]
        {
            assert_eq!(parse_interval(s), want, "{s}");
        }
        for bad in ["", "5x", "m", "0", "-5", "5m3"] {
            assert_eq!(parse_interval(bad), None, "{bad}");
        }
        assert_eq!(duration(300), "5m");
        assert_eq!(duration(90), "90s");
    }
}
