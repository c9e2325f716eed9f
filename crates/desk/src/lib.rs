//! The application layer: what the newsroom does, with no HTTP in it. Plain functions and small
//! services over `Store`, the search index and the one guarded outbound client, called by the
//! web layer (handlers and its background tasks) and by the command line alike.
//!
//! - [`intake`]: wire items in (dedupe, versions, routing rules, the wire queue).
//! - [`sources`]: polled feeds and wire endpoints, each item through intake.
//! - [`hooks`]: webhook and WebSub deliveries from the event log, signed and retried.
//! - [`search`]: the search index and the Recommended lists kept in step with the store.
//! - [`accounts`]: passwords, session and invite tokens, API keys, sign-in throttling.
//! - [`clock`]: where the time is read, so tests can set it.
//! - [`outbound`]: the one HTTP client for requests newsdesk sends, guarded against private
//!   addresses.

pub mod accounts;
pub mod clock;
pub mod hooks;
pub mod intake;
pub mod outbound;
pub mod pictures;
pub mod search;
pub mod sources;
