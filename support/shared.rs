// Test support, included with `#[path]` by the crates' tests: finds `../shared` (the outside
// data and validators) and skips loudly when it is missing. Each skip is counted in
// `target/shared-skips/`, which the test command reports; with NEWSDESK_REQUIRE_SHARED=1 (CI) a
// skip is a failure instead.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared` beside the repository, or `$NEWSDESK_SHARED`.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("NEWSDESK_SHARED") {
        Some(d) => PathBuf::from(d),
        None => repo_root().join("../shared"),
    };
    dir.join("testdata").is_dir().then_some(dir)
}

pub fn repo_root() -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    while !dir.join("support/shared.rs").is_file() {
        assert!(dir.pop(), "cannot find the repository root above {}", env!("CARGO_MANIFEST_DIR"));
    }
    dir
}

/// The shared directory, or `None` after recording a loud skip for `test`.
pub fn require_shared(test: &str) -> Option<PathBuf> {
    if let Some(d) = shared_dir() {
        return Some(d);
    }
    skip(test, "../shared is missing")
}

/// Records a skip of `test` for `why`; panics instead when NEWSDESK_REQUIRE_SHARED=1.
pub fn skip<T>(test: &str, why: &str) -> Option<T> {
    if std::env::var("NEWSDESK_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!("{test}: {why}, and NEWSDESK_REQUIRE_SHARED=1 makes that a failure");
    }
    eprintln!("SKIPPED {test}: {why}");
    let dir = repo_root().join("target/shared-skips");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(test.replace(['/', ':'], "_")), why);
    None
}
