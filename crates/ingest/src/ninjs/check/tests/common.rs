//! Helpers for the checker's tests: IPTC's files, read from ../shared.
#![allow(dead_code)]

use super::super::Version;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The ninjs test data (README, schemas, test_suite, examples); `NINJS_TESTDATA` overrides it.
/// `None` after recording a loud skip when ../shared is missing.
pub fn data_dir() -> PathBuf {
    crate::shared::shared_dir().expect("callers check `have_data` first").join("testdata/ninjs")
}

/// Whether the shared test data is here (a loud skip is recorded when not).
pub fn have_data(test: &str) -> bool {
    crate::shared::require_shared(test).is_some()
}

/// Every `*.json` file under `dir`, recursively, sorted.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

pub fn load(path: &Path) -> Result<Value, serde_json::Error> {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The items of a file: the value itself, or each element of a top-level array.
pub fn items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        item => vec![item],
    }
}

/// The conformance-suite folders with the version each is checked against:
/// the development folders stand for the latest released version of their major.
pub fn suite_folders() -> Vec<(String, Version)> {
    let mut out: Vec<(String, Version)> = std::fs::read_dir(data_dir().join("test_suite"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| data_dir().join("test_suite").join(name).is_dir())
        .map(|name| {
            let version = match name.as_str() {
                "1.x_dev" => Version::V1_6,
                "2.x_dev" => Version::V2_2,
                other => other.parse().unwrap_or_else(|e| panic!("suite folder {other}: {e}")),
            };
            (name, version)
        })
        .collect();
    out.sort();
    out
}

/// A path relative to the data directory, for messages.
pub fn rel(path: &Path) -> String {
    path.strip_prefix(data_dir()).unwrap_or(path).display().to_string()
}

/// Every released version, oldest first.
pub const ALL: [Version; 12] = [
    Version::V1_0,
    Version::V1_1,
    Version::V1_2,
    Version::V1_3,
    Version::V1_4,
    Version::V1_5,
    Version::V1_6,
    Version::V2_0,
    Version::V2_1,
    Version::V2_2,
    Version::V3_0,
    Version::V3_1,
];
