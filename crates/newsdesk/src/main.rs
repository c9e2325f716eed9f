//! The newsdesk binary: one program for the whole newsroom. `serve` runs the site on what is
//! stored, `demo` does the same after loading sample content on first start, `import` brings
//! page captures in, `bench-render` measures an uncached page render.

mod api_key;
mod art;
mod backup;
mod bench;
mod bench_pictures;
mod copy;
mod corpus;
mod demo;
mod import;
mod pg_backup;
mod reindex;
#[cfg(test)]
mod relevance;
mod serve;
mod sources;
mod user;
mod webhook;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "newsdesk",
    version,
    about = "A self-hosted news publishing system: newsroom, reader site and APIs in one binary."
)]
struct Cli {
    /// Data directory: the database (newsdesk.db) and media live here.
    #[arg(long, global = true, env = "NEWSDESK_DATA", default_value = "data", value_name = "DIR")]
    data: PathBuf,

    /// The database: absent, SQLite in --data; `postgres://user@host:port/db` (or `host=…
    /// dbname=…`) for PostgreSQL, which `backup` and `restore` use so far (`copy` takes its own
    /// --from and --to); serving from PostgreSQL is not built yet.
    #[arg(long, global = true, env = "NEWSDESK_DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,

    /// Log format on standard error.
    #[arg(long, global = true, env = "NEWSDESK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the reader site from what is stored.
    Serve(ServeArgs),
    /// Serve the site, loading sample articles into an empty data directory first.
    Demo(ServeArgs),
    /// Import page captures: parse, store and print each article's public URL.
    Import(ImportArgs),
    /// Render one page many times without the cache and print timings as JSON.
    BenchRender(BenchArgs),
    /// Generates a deterministic benchmark corpus (several languages) into the data directory.
    BenchCorpus(CorpusArgs),
    /// Times searches against the data directory's index (JSON): p50/p99 over mixed queries, and
    /// the index build rate with --rebuild.
    BenchSearch(SearchBenchArgs),
    /// Times making one picture's renditions (every crop, width and format) and its peak memory,
    /// then several pictures at once (JSON).
    BenchRenditions(bench_pictures::RenditionBenchArgs),
    /// Manage Content API keys (one per client).
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
    /// Manage webhooks: URLs told about published, updated and unpublished stories.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Feeds and wire endpoints newsdesk polls (the running server polls them; `poll` does it
    /// once from here).
    #[command(subcommand)]
    Sources(SourcesCommand),
    /// Rebuilds the search index from the database (the server must be stopped; a running
    /// server rebuilds a missing index by itself).
    Reindex,
    /// Writes a consistent copy of the database of a site (running or not) to a new file, through
    /// SQLite's online backup API.
    Backup {
        /// The backup file to write (refused if it exists).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Copies a whole site from one database to another (SQLite data directory or PostgreSQL
    /// URL, either way) into an empty target, and prints each table's rows and checksum on both.
    Copy {
        /// The site's database now: a data directory (or sqlite://DIR) or postgres://…
        #[arg(long, value_name = "URL")]
        from: String,
        /// Where it goes (must be empty): a data directory or postgres://…
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Puts a backup in place of the site's database (stop the server first). The database it
    /// replaces is kept beside it; the search indexes are rebuilt at the next start.
    Restore {
        /// The backup file to read.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// Newsroom accounts: add (password on stdin, or an invite link), list, Admin API tokens.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Adds an account. Pipe a password on stdin to set it; otherwise a one-time invite link is
    /// printed for the person to choose one.
    Add {
        email: String,
        /// contributor, reporter, editor or admin.
        #[arg(long)]
        role: String,
        /// The name the newsroom shows (default: the email's local part).
        #[arg(long)]
        name: Option<String>,
        /// Public URL of the site, for the invite link.
        #[arg(long, env = "NEWSDESK_SITE_URL", default_value = "http://127.0.0.1:8080", value_name = "URL")]
        site_url: String,
    },
    /// Lists accounts: email, role, name, status.
    List,
    /// Makes an Admin API token acting as this account (printed once); with --list, lists the
    /// account's tokens; with --revoke, revokes one.
    Token {
        email: String,
        /// A name for the token, to tell it apart in --list and to --revoke it by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until the token expires.
        #[arg(long, default_value_t = 90, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=3650))]
        days: u32,
        /// List the account's tokens (name, made, expires, state) instead of making one.
        #[arg(long, conflicts_with = "revoke")]
        list: bool,
        /// Revoke the account's token with this id or name instead of making one.
        #[arg(long, value_name = "ID_OR_NAME")]
        revoke: Option<String>,
    },
    /// Ends every session and revokes every Admin API token of an account.
    SignOut { email: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KeyScopeArg {
    Content,
    Ingest,
}

#[derive(Debug, Subcommand)]
enum WebhookCommand {
    /// Register a URL; prints its id and the secret its deliveries are signed with.
    Add {
        url: String,
        /// Events to send, comma-separated.
        #[arg(long, default_value = "published,updated,corrected,unpublished", value_delimiter = ',')]
        events: Vec<String>,
        /// Allow this URL's host to be a private or loopback address (a receiver on your own network).
        #[arg(long)]
        allow_private: bool,
    },
    /// List webhooks with their latest deliveries.
    List,
    /// Stop sending to a webhook.
    Remove { id: i64 },
}

#[derive(Debug, Subcommand)]
enum SourcesCommand {
    /// Poll URL (RSS, Atom, JSON Feed, ninjs or NewsML-G2) on a schedule; prints its id.
    Add {
        url: String,
        /// How often: 90s, 5m, 1h (at least 30 s).
        #[arg(long, default_value = "5m", value_name = "INTERVAL")]
        every: String,
        /// What the newsroom calls it (default: the URL's host).
        #[arg(long)]
        name: Option<String>,
        /// Section for its items when no routing rule files them.
        #[arg(long)]
        section: Option<String>,
        /// Publish the items no routing rule decides for (they go to the wire queue otherwise).
        #[arg(long)]
        publish: bool,
        /// Allow this URL's host to be a private or loopback address (a feed on your own network).
        #[arg(long)]
        allow_private: bool,
    },
    /// List sources with their status: last poll, what it found, failures, next poll.
    List,
    /// Stop polling a source.
    Remove { id: i64 },
    /// Poll now: the given source, or every source that is due.
    Poll { id: Option<i64> },
}

#[derive(Debug, Subcommand)]
enum ApiKeyCommand {
    /// Make a key for a client and print it (it is shown only this once).
    Add {
        /// A name for the client, e.g. "mobile-app".
        name: String,
        /// What the key may do: read the Content API, or push wire items to /api/ingest.
        #[arg(long, value_enum, default_value_t = KeyScopeArg::Content)]
        scope: KeyScopeArg,
    },
    /// List the keys by name, with when they were made and revoked.
    List,
    /// Revoke a key: it stops working at once.
    Revoke { name: String },
}

#[derive(Debug, Args)]
struct SiteArgs {
    /// Public base URL of the site (used in canonical links and printed URLs).
    #[arg(long, env = "NEWSDESK_SITE_URL", value_name = "URL")]
    site_url: Option<String>,

    /// The site's name, shown in the masthead.
    #[arg(long, env = "NEWSDESK_SITE_NAME", default_value = "The Newsdesk Daily")]
    site_name: String,

    /// IANA time zone in which dates are shown, e.g. Europe/Istanbul.
    #[arg(long, env = "NEWSDESK_TIMEZONE", default_value = "UTC", value_name = "TZ")]
    timezone: String,

    /// Theme folder whose templates/ and assets/ shadow the built-in theme file by file.
    #[arg(long, env = "NEWSDESK_THEME", value_name = "DIR")]
    theme: Option<PathBuf>,

    /// WebSub hub to advertise in feeds and to ping whenever they change.
    #[arg(long, env = "NEWSDESK_WEBSUB_HUB", value_name = "URL")]
    websub_hub: Option<String>,

    /// Allow the WebSub hub to be a private or loopback address.
    #[arg(long, env = "NEWSDESK_WEBSUB_HUB_ALLOW_PRIVATE")]
    websub_hub_allow_private: bool,

    /// Content API requests a key may make per minute (and in one burst).
    #[arg(long, env = "NEWSDESK_API_RATE", default_value_t = 600, value_name = "N")]
    api_rate: u32,

    /// Megabytes of rendered pages (with their gzip and brotli variants) kept in memory; the
    /// pages read least recently make way first.
    #[arg(long, env = "NEWSDESK_PAGE_CACHE_MB", default_value_t = serve::DEFAULT_PAGE_CACHE_MB, value_name = "MB")]
    page_cache_mb: usize,

    /// A cache in front of the site to tell exactly what changed: each change sends `PURGE` to
    /// this URL naming the changed keys in `xkey` and `Surrogate-Key` headers (Varnish with
    /// vmod_xkey; see bench/varnish/newsdesk.vcl). Pages name their keys in `Surrogate-Key`.
    #[arg(long, env = "NEWSDESK_PURGE_URL", value_name = "URL")]
    purge_url: Option<String>,

    /// Allow the purge URL to be a private or loopback address (a Varnish on this machine).
    #[arg(long, env = "NEWSDESK_PURGE_URL_ALLOW_PRIVATE")]
    purge_url_allow_private: bool,

    /// Feeds carry each story's summary instead of its whole text.
    #[arg(long, env = "NEWSDESK_FEED_EXCERPTS")]
    feed_excerpts: bool,

    /// This node makes no renditions of pictures (another node does, or a benchmark measures
    /// pages before they exist); pages use the originals until renditions are recorded.
    #[arg(long, env = "NEWSDESK_NO_RENDITIONS")]
    no_renditions: bool,

    /// Answer `/metrics` in Prometheus' text format (requests by route, latency, page cache,
    /// event lag). Off by default; put it behind the load balancer's access rules.
    #[arg(long, env = "NEWSDESK_METRICS")]
    metrics: bool,

    /// Let the wire photo job fetch pictures from private and loopback addresses (an agency
    /// mirror on the newsroom's network; tests). Public addresses only, otherwise.
    #[arg(long, env = "NEWSDESK_WIRE_PHOTOS_ALLOW_PRIVATE")]
    wire_photos_allow_private: bool,

    /// A reverse proxy in front of the site (repeat, or comma-separate): only from these
    /// addresses is `X-Forwarded-For` believed, to tell clients apart for sign-in throttling.
    #[arg(long = "trusted-proxy", env = "NEWSDESK_TRUSTED_PROXY", value_delimiter = ',', value_name = "IP")]
    trusted_proxies: Vec<std::net::IpAddr>,

    /// Re-read the theme on every request and skip the page cache (for theme editing).
    #[arg(long, env = "NEWSDESK_DEV_RELOAD")]
    dev_reload: bool,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the URL printed says which).
    #[arg(long, env = "NEWSDESK_LISTEN", default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,

    /// Threads answering requests (default: one per CPU core).
    #[arg(long, env = "NEWSDESK_WORKERS", value_name = "N")]
    workers: Option<usize>,

    /// Where pictures' bytes are kept: absent, the data directory's media/; `s3://bucket/prefix`
    /// for S3-compatible storage that several nodes share (endpoint, region and credentials from
    /// AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
    #[arg(long, env = "NEWSDESK_MEDIA_URL", value_name = "URL")]
    media_url: Option<String>,

    #[command(flatten)]
    site: SiteArgs,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// Files to import: IPTC ninjs or NewsML-G2, RSS/Atom/JSON Feed, a WordPress (WXR) or Ghost
    /// export, or page captures. The format is told from each file's content.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Read and check only; store nothing.
    #[arg(long)]
    dry_run: bool,

    /// Print one JSON object per item instead of its URL.
    #[arg(long)]
    json: bool,

    /// The format of every file, instead of telling it from the content.
    #[arg(long, value_enum)]
    format: Option<Format>,

    /// Section for every item. Without it: the first routing rule an item matches, else the
    /// section its source filed it under (a WordPress category, a Ghost primary tag), else News.
    /// Page captures always name their own.
    #[arg(long)]
    section: Option<String>,

    /// Put the items in the newsroom's wire queue instead of publishing them.
    #[arg(long)]
    to_queue: bool,

    /// Import pages too (WordPress and Ghost exports; left out by default).
    #[arg(long)]
    pages: bool,

    /// Hold ninjs items to this ninjs version (1.0 … 3.1) instead of the one they declare.
    #[arg(long, value_name = "VERSION")]
    ninjs_version: Option<String>,

    /// Refuse a ninjs item its schema would refuse (without it, agencies' ninjs is read as
    /// written: identity from guid or a stable hash when there is no uri, and what the schema
    /// would refuse is a warning).
    #[arg(long)]
    strict: bool,

    /// Public base URL that printed URLs start with.
    #[arg(long, env = "NEWSDESK_SITE_URL", default_value = "http://127.0.0.1:8080", value_name = "URL")]
    site_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Plain-text page capture (../shared/testdata/seed).
    Capture,
    /// IPTC ninjs 1.x, 2.x or 3.x (JSON).
    Ninjs,
    /// IPTC NewsML-G2 (XML): news items, packages, news messages.
    #[value(name = "newsml-g2")]
    NewsmlG2,
    /// RSS 0.9x, 1.0 or 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.0 or 1.1.
    #[value(name = "json-feed")]
    JsonFeed,
    /// WordPress export (WXR 1.0–1.2).
    Wxr,
    /// Ghost JSON export.
    Ghost,
    /// IPTC NITF 3.x (XML).
    Nitf,
    /// IPTC NewsML 1.2 (XML): one or more NewsItems.
    #[value(name = "newsml-1.2")]
    Newsml1,
    /// AP Media API JSON: a feed or one item.
    #[value(name = "ap-media")]
    ApMedia,
    /// IPTC 7901 / ANPA 1312 plain-text wire (SOH/STX/ETX framing).
    #[value(name = "iptc-7901")]
    Iptc7901,
}

#[derive(Debug, Args)]
struct CorpusArgs {
    /// How many articles.
    #[arg(long, default_value_t = 100_000)]
    articles: u64,
    #[arg(long, default_value_t = 20_261_125)]
    seed: u64,
}

#[derive(Debug, Args)]
struct SearchBenchArgs {
    /// How many queries.
    #[arg(long, default_value_t = 1000)]
    queries: usize,
    /// Rebuild the index from the database first, and time that.
    #[arg(long)]
    rebuild: bool,
    /// Also list the slowest queries (to stderr), with their times and hit counts.
    #[arg(long, default_value_t = 0, value_name = "N")]
    slowest: usize,
}

#[derive(Debug, Args)]
struct BenchArgs {
    /// How many renders to time.
    #[arg(long, default_value_t = 1000)]
    iterations: usize,

    /// Page to render; the newest article when not given.
    #[arg(long)]
    path: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    if let Some(url) = &cli.database_url
        && !matches!(cli.command, Command::Backup { .. } | Command::Restore { .. } | Command::Copy { .. })
    {
        eprintln!(
            "error: --database-url / NEWSDESK_DATABASE_URL names {}, but this command runs on SQLite only so far \
             (backup, restore and copy work with PostgreSQL): unset it to use the SQLite data directory {}",
            newsdesk_store::copy::Database::parse(url).describe(),
            cli.data.display()
        );
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Serve(args) => serve::run(&cli.data, args, false),
        Command::Demo(args) => serve::run(&cli.data, args, true),
        Command::Import(args) => import::run(&cli.data, args),
        Command::BenchRender(args) => serve::bench_render::run(&cli.data, args),
        Command::BenchCorpus(args) => corpus::run(&cli.data, args),
        Command::BenchSearch(args) => bench::search(&cli.data, args),
        Command::BenchRenditions(args) => bench_pictures::run(args),
        Command::ApiKey(cmd) => api_key::run(&cli.data, cmd),
        Command::Webhook(cmd) => webhook::run(&cli.data, cmd),
        Command::Sources(cmd) => sources::run(&cli.data, cmd),
        Command::User(cmd) => user::run(&cli.data, cmd),
        Command::Reindex => reindex::run(&cli.data),
        Command::Backup { to } => match &cli.database_url {
            Some(url) => pg_backup::backup(url, &to),
            None => backup::backup(&cli.data, &to),
        },
        Command::Restore { from } => match &cli.database_url {
            Some(url) => pg_backup::restore(url, &from),
            None => backup::restore(&cli.data, &from),
        },
        Command::Copy { from, to } => copy::run(&from, &to),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("NEWSDESK_LOG")
        // html5ever (through ammonia) reports every quirk of outside HTML it repairs; that is
        // sanitizing working, not news.
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,html5ever=error"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
