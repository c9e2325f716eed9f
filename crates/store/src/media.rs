//! Where media bytes live: a picture's original (`ab12….jpg`), its renditions
//! (`r/<stem>/<version>/<crop>-<width>.<ext>`) and its newsroom thumbnail (`thumbs/<file>.jpg`).
//! Everything that reads or writes those bytes (uploads, imports, wire photos, the rendition job,
//! the reader's `/media/…` routes, thumbnails, deletion, the demo) goes through [`MediaStore`]; the
//! rows that describe them are in the database. One node keeps them in a directory
//! ([`DirMediaStore`], `<data>/media`); several nodes share S3-compatible object storage
//! ([`s3::S3MediaStore`], `--media-url s3://bucket/prefix`).
//!
//! Keys are relative, `/`-separated, and each part is letters, digits, `.`, `-` and `_`, never
//! starting with a dot: no absolute paths, no `..`, no hidden or temporary names. A key that is
//! not is refused by every call ([`MediaError::Key`]).

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

pub mod s3;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("not a media key: {0:?}")]
    Key(String),
    #[error("media {key}: {source}")]
    Io { key: String, source: std::io::Error },
    /// An object store that refused or could not be reached, in its words.
    #[error("media {key}: {why}")]
    Remote { key: String, why: String },
    /// A media store that cannot be set up as named (`--media-url`).
    #[error("media store {0}")]
    Config(String),
}

impl MediaError {
    pub(crate) fn io(key: &str, source: std::io::Error) -> MediaError {
        MediaError::Io { key: key.to_string(), source }
    }
}

/// The media bytes of a site. Calls block (call them off the async runtime).
pub trait MediaStore: Send + Sync + fmt::Debug {
    /// Stores `bytes` under `key`, replacing what was there. All or nothing, and durable: when it
    /// returns `Ok` the object survives a crash, and no reader ever sees part of it.
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), MediaError>;
    /// The object's bytes, or `None` when there is none.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, MediaError>;
    /// Whether there is an object under `key`.
    fn exists(&self, key: &str) -> Result<bool, MediaError>;
    /// Removes the object; one that is not there is no error.
    fn delete(&self, key: &str) -> Result<(), MediaError>;
    /// Every key that starts with `prefix` (a key prefix ending in `/`), sorted.
    fn list(&self, prefix: &str) -> Result<Vec<String>, MediaError>;
    /// Where the bytes are, for logs and `newsdesk` messages.
    fn location(&self) -> String;

    /// Removes every object under `prefix`; returns how many were removed.
    fn delete_prefix(&self, prefix: &str) -> Result<usize, MediaError> {
        let keys = self.list(prefix)?;
        for key in &keys {
            self.delete(key)?;
        }
        Ok(keys.len())
    }
}

/// Whether `key` is a media key (see the module's doc).
pub fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.split('/').all(valid_part)
}

fn valid_part(part: &str) -> bool {
    !part.is_empty()
        && !part.starts_with('.')
        && part.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// A list prefix: empty (everything) or media key parts each followed by `/`.
pub(crate) fn valid_prefix(prefix: &str) -> bool {
    prefix.is_empty() || prefix.strip_suffix('/').is_some_and(valid_key)
}

/// Media in a directory of this machine. Each write goes to a temporary name in the same
/// directory, is synced, renamed over the key's name, and the directory is synced: the file is
/// whole or absent after a crash, and an acknowledged write is on disk.
#[derive(Debug, Clone)]
pub struct DirMediaStore {
    root: PathBuf,
}

impl DirMediaStore {
    /// Media under `root` (made when the first object is written).
    pub fn new(root: impl Into<PathBuf>) -> DirMediaStore {
        DirMediaStore { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> Result<PathBuf, MediaError> {
        if !valid_key(key) {
            return Err(MediaError::Key(key.to_string()));
        }
        Ok(self.root.join(key))
    }
}

impl MediaStore for DirMediaStore {
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), MediaError> {
        let path = self.path(key)?;
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            // Per process and call, so two writers of one key never share a temporary file.
            static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let tmp = dir.join(format!(".{name}.{}.{seq}.tmp", std::process::id()));
            let written = (|| {
                let mut f = std::fs::File::create(&tmp)?;
                f.write_all(bytes)?;
                f.sync_all()?;
                std::fs::rename(&tmp, &path)
            })();
            if written.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            written?;
            std::fs::File::open(&dir)?.sync_all()
        };
        write().map_err(|e| MediaError::io(key, e))
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, MediaError> {
        match std::fs::read(self.path(key)?) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(MediaError::io(key, e)),
        }
    }

    fn exists(&self, key: &str) -> Result<bool, MediaError> {
        match std::fs::metadata(self.path(key)?) {
            Ok(m) => Ok(m.is_file()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(MediaError::io(key, e)),
        }
    }

    fn delete(&self, key: &str) -> Result<(), MediaError> {
        match std::fs::remove_file(self.path(key)?) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(MediaError::io(key, e)),
        }
    }

    fn list(&self, prefix: &str) -> Result<Vec<String>, MediaError> {
        if !valid_prefix(prefix) {
            return Err(MediaError::Key(prefix.to_string()));
        }
        let mut out = Vec::new();
        let mut todo = vec![prefix.to_string()];
        while let Some(dir) = todo.pop() {
            let entries = match std::fs::read_dir(self.root.join(&dir)) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(MediaError::io(&dir, e)),
            };
            for entry in entries {
                let entry = entry.map_err(|e| MediaError::io(&dir, e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if !valid_part(&name) {
                    continue; // a temporary file, or something we did not write
                }
                let kind = entry.file_type().map_err(|e| MediaError::io(&dir, e))?;
                if kind.is_dir() {
                    todo.push(format!("{dir}{name}/"));
                } else if kind.is_file() {
                    out.push(format!("{dir}{name}"));
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn location(&self) -> String {
        format!("directory {}", self.root.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_directory_keeps_gives_lists_and_forgets_objects() {
        let tmp = tempfile::tempdir().unwrap();
        let media = DirMediaStore::new(tmp.path().join("media"));
        assert_eq!(media.get("a.jpg").unwrap(), None);
        assert!(!media.exists("a.jpg").unwrap());
        assert_eq!(media.list("").unwrap(), Vec::<String>::new(), "no directory yet is an empty store");
        media.put("a.jpg", b"one").unwrap();
        media.put("a.jpg", b"two").unwrap();
        media.put("r/a/v1/wide-320.webp", b"w").unwrap();
        media.put("r/a/v2/wide-320.webp", b"w2").unwrap();
        assert_eq!(media.get("a.jpg").unwrap().as_deref(), Some(&b"two"[..]));
        assert!(media.exists("r/a/v1/wide-320.webp").unwrap());
        assert!(!media.exists("r/a").unwrap(), "a directory is not an object");
        assert_eq!(media.list("r/a/").unwrap(), ["r/a/v1/wide-320.webp", "r/a/v2/wide-320.webp"]);
        assert_eq!(media.delete_prefix("r/a/v1/").unwrap(), 1);
        media.delete("a.jpg").unwrap();
        media.delete("a.jpg").unwrap();
        assert_eq!(media.list("").unwrap(), ["r/a/v2/wide-320.webp"]);
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path().join("media")).unwrap().flatten().collect();
        assert!(leftovers.iter().all(|e| !e.file_name().to_string_lossy().ends_with(".tmp")));
    }

    #[test]
    fn keys_outside_the_store_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let media = DirMediaStore::new(tmp.path());
        for key in ["", "/etc/passwd", "../x.jpg", "a/../../x", ".hidden", "a//b", "a/", "a b.jpg", "a\\b"] {
            assert!(matches!(media.put(key, b"x"), Err(MediaError::Key(_))), "{key:?}");
            assert!(matches!(media.get(key), Err(MediaError::Key(_))), "{key:?}");
            assert!(matches!(media.delete(key), Err(MediaError::Key(_))), "{key:?}");
        }
        assert!(matches!(media.list("../"), Err(MediaError::Key(_))));
        assert!(matches!(media.list("r"), Err(MediaError::Key(_))), "a prefix ends in /");
    }

    #[test]
    fn a_failed_write_is_an_error_and_leaves_the_old_object() {
        let tmp = tempfile::tempdir().unwrap();
        let media = DirMediaStore::new(tmp.path().join("media"));
        media.put("a.jpg", b"old").unwrap();
        // A file where the key's directory must be: the write cannot happen.
        std::fs::write(tmp.path().join("media/r"), b"in the way").unwrap();
        let err = media.put("r/a/v/x.jpg", b"new").unwrap_err();
        assert!(err.to_string().starts_with("media r/a/v/x.jpg: "), "{err}");
        assert_eq!(media.get("a.jpg").unwrap().as_deref(), Some(&b"old"[..]));
    }

    proptest! {
        #[test]
        fn a_valid_key_stays_inside_the_root(key in "[a-z./_-]{1,12}(/[a-z./_-]{1,12}){0,3}") {
            if valid_key(&key) {
                let path = Path::new(&key);
                prop_assert!(path.is_relative());
                prop_assert!(path.components().all(|c| matches!(c, std::path::Component::Normal(_))), "{key}");
            }
        }
    }
}
