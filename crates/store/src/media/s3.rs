//! Media in S3-compatible object storage (`--media-url s3://bucket/prefix`), so that several nodes
//! serve the same pictures. Requests are signed by `rusty-s3` (SigV4, the request's URL and the
//! listing's XML are the crate's) and sent with `ureq`, synchronously like the rest of the store.
//! The endpoint, region and credentials come from the usual variables: `AWS_ENDPOINT_URL` (an
//! S3-compatible server; absent, AWS itself), `AWS_REGION` or `AWS_DEFAULT_REGION` (default
//! `us-east-1`), `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`. The endpoint is
//! the operator's own configuration, not a URL from outside, so it is not held to the outbound
//! guard's ban on private addresses (a MinIO on the newsroom's network is the usual case).
//!
//! An S3 PUT replaces an object whole and is acknowledged once stored: the same promise as the
//! directory's rename.

use std::io::Read;
use std::time::Duration;

use rusty_s3::actions::{ListObjectsV2, S3Action};
use rusty_s3::{Bucket, Credentials, UrlStyle};

use super::{MediaError, MediaStore, valid_key, valid_prefix};

/// How long a signed request stays valid (it is sent at once).
const SIGNED_FOR: Duration = Duration::from_secs(300);
/// The largest object read back: an upload's limit with room to spare.
const MAX_OBJECT: u64 = 64 * 1024 * 1024;

pub struct S3MediaStore {
    bucket: Bucket,
    credentials: Option<Credentials>,
    /// Key prefix inside the bucket, empty or ending in `/`.
    prefix: String,
    agent: ureq::Agent,
    location: String,
}

impl std::fmt::Debug for S3MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.location) // never the credentials
    }
}

fn remote(key: &str, why: impl Into<String>) -> MediaError {
    MediaError::Remote { key: key.to_string(), why: why.into() }
}

impl S3MediaStore {
    /// The bucket and prefix of `url` (`s3://bucket` or `s3://bucket/some/prefix`), with the
    /// endpoint, region and credentials from the environment (see the module).
    pub fn from_env(url: &str) -> Result<S3MediaStore, MediaError> {
        let endpoint = std::env::var("AWS_ENDPOINT_URL").ok().filter(|v| !v.trim().is_empty());
        let region = ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|v| !v.trim().is_empty()))
            .unwrap_or_else(|| "us-east-1".into());
        S3MediaStore::new(url, endpoint.as_deref(), &region, Credentials::from_env())
    }

    pub fn new(
        url: &str,
        endpoint: Option<&str>,
        region: &str,
        credentials: Option<Credentials>,
    ) -> Result<S3MediaStore, MediaError> {
        let bad = |why: &str| MediaError::Config(format!("{url}: {why}"));
        let rest = url.strip_prefix("s3://").ok_or_else(|| bad("a media URL starts with s3://"))?;
        let (name, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if name.is_empty() {
            return Err(bad("no bucket named"));
        }
        let prefix = prefix.trim_matches('/');
        if !prefix.is_empty() && !valid_key(prefix) {
            return Err(bad("the prefix may hold letters, digits, '.', '-', '_' and '/' only"));
        }
        let (endpoint, style) = match endpoint {
            Some(e) => (e.to_string(), UrlStyle::Path),
            None => (format!("https://s3.{region}.amazonaws.com"), UrlStyle::VirtualHost),
        };
        let endpoint_url = endpoint.parse().map_err(|e| bad(&format!("endpoint {endpoint}: {e}")))?;
        let bucket = Bucket::new(endpoint_url, style, name.to_string(), region.to_string())
            .map_err(|e| bad(&format!("bucket {name} at {endpoint}: {e}")))?;
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .redirects(0)
            .build();
        let location = format!("{url} at {endpoint}");
        let prefix = if prefix.is_empty() { String::new() } else { format!("{prefix}/") };
        Ok(S3MediaStore { bucket, credentials, prefix, agent, location })
    }

    /// Checks that the bucket answers (at start, so a wrong bucket or key is one clear line).
    pub fn check(&self) -> Result<(), MediaError> {
        let url = self.bucket.head_bucket(self.credentials.as_ref()).sign(SIGNED_FOR);
        match self.agent.head(url.as_str()).call() {
            Ok(_) => Ok(()),
            Err(ureq::Error::Status(code, _)) => Err(remote(
                "",
                format!("{} answered {code} for the bucket (missing, or not ours to use)", self.location),
            )),
            Err(e) => Err(remote("", format!("{}: {e}", self.location))),
        }
    }

    fn object(&self, key: &str) -> Result<String, MediaError> {
        if !valid_key(key) {
            return Err(MediaError::Key(key.to_string()));
        }
        Ok(format!("{}{key}", self.prefix))
    }
}

/// A failed request in the server's words: its status and the `<Code>` of its XML error.
fn failure(key: &str, e: ureq::Error) -> MediaError {
    match e {
        ureq::Error::Status(code, res) => {
            let body = res.into_string().unwrap_or_default();
            let code_text = body.split("<Code>").nth(1).and_then(|s| s.split("</Code>").next()).unwrap_or("");
            remote(key, format!("S3 answered {code} {code_text}").trim_end().to_string())
        }
        other => remote(key, other.to_string()),
    }
}

impl MediaStore for S3MediaStore {
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), MediaError> {
        let object = self.object(key)?;
        let url = self.bucket.put_object(self.credentials.as_ref(), &object).sign(SIGNED_FOR);
        self.agent.put(url.as_str()).send_bytes(bytes).map_err(|e| failure(key, e))?;
        Ok(())
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, MediaError> {
        let object = self.object(key)?;
        let url = self.bucket.get_object(self.credentials.as_ref(), &object).sign(SIGNED_FOR);
        match self.agent.get(url.as_str()).call() {
            Ok(res) => {
                let mut bytes = Vec::new();
                res.into_reader().take(MAX_OBJECT).read_to_end(&mut bytes).map_err(|e| MediaError::io(key, e))?;
                Ok(Some(bytes))
            }
            Err(ureq::Error::Status(404, _)) => Ok(None),
            Err(e) => Err(failure(key, e)),
        }
    }

    fn exists(&self, key: &str) -> Result<bool, MediaError> {
        let object = self.object(key)?;
        let url = self.bucket.head_object(self.credentials.as_ref(), &object).sign(SIGNED_FOR);
        match self.agent.head(url.as_str()).call() {
            Ok(_) => Ok(true),
            Err(ureq::Error::Status(404, _)) => Ok(false),
            Err(e) => Err(failure(key, e)),
        }
    }

    fn delete(&self, key: &str) -> Result<(), MediaError> {
        let object = self.object(key)?;
        let url = self.bucket.delete_object(self.credentials.as_ref(), &object).sign(SIGNED_FOR);
        match self.agent.delete(url.as_str()).call() {
            Ok(_) | Err(ureq::Error::Status(404, _)) => Ok(()),
            Err(e) => Err(failure(key, e)),
        }
    }

    fn list(&self, prefix: &str) -> Result<Vec<String>, MediaError> {
        if !valid_prefix(prefix) {
            return Err(MediaError::Key(prefix.to_string()));
        }
        let full = format!("{}{prefix}", self.prefix);
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut action = self.bucket.list_objects_v2(self.credentials.as_ref());
            action.with_prefix(full.as_str());
            if let Some(t) = &token {
                action.with_continuation_token(t.as_str());
            }
            let url = action.sign(SIGNED_FOR);
            let body = self
                .agent
                .get(url.as_str())
                .call()
                .map_err(|e| failure(prefix, e))?
                .into_string()
                .map_err(|e| MediaError::io(prefix, e))?;
            let page =
                ListObjectsV2::parse_response(&body).map_err(|e| remote(prefix, format!("unreadable listing: {e}")))?;
            out.extend(
                page.contents
                    .into_iter()
                    .filter_map(|c| c.key.strip_prefix(&self.prefix).map(str::to_string))
                    .filter(|k| valid_key(k)),
            );
            match page.next_continuation_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        out.sort();
        Ok(out)
    }

    fn location(&self) -> String {
        self.location.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared;

    /// The S3 server the test command started (moto, `NEWSDESK_TEST_S3_ENDPOINT`) and its bucket.
    fn server(test: &str) -> Option<(String, String)> {
        let (Ok(endpoint), Ok(bucket)) =
            (std::env::var("NEWSDESK_TEST_S3_ENDPOINT"), std::env::var("NEWSDESK_TEST_S3_BUCKET"))
        else {
            return shared::skip(test, "no S3 server (NEWSDESK_TEST_S3_ENDPOINT is unset; scripts/test starts one)");
        };
        Some((endpoint, bucket))
    }

    fn store(endpoint: &str, url: &str) -> S3MediaStore {
        S3MediaStore::new(url, Some(endpoint), "us-east-1", Some(Credentials::new("testing", "testing"))).unwrap()
    }

    #[test]
    fn an_object_store_keeps_gives_lists_and_forgets_objects() {
        let Some((endpoint, bucket)) =
            server("store::media::s3::an_object_store_keeps_gives_lists_and_forgets_objects")
        else {
            return;
        };
        let media = store(&endpoint, &format!("s3://{bucket}/unit-{}", std::process::id()));
        media.check().unwrap();
        assert_eq!(media.get("a.jpg").unwrap(), None);
        media.put("a.jpg", b"one").unwrap();
        media.put("a.jpg", b"two").unwrap();
        for i in 0..3 {
            media.put(&format!("r/a/v{i}/wide-320.webp"), b"w").unwrap();
        }
        assert_eq!(media.get("a.jpg").unwrap().as_deref(), Some(&b"two"[..]));
        assert!(media.exists("a.jpg").unwrap() && !media.exists("b.jpg").unwrap());
        assert_eq!(
            media.list("r/a/").unwrap(),
            ["r/a/v0/wide-320.webp", "r/a/v1/wide-320.webp", "r/a/v2/wide-320.webp"]
        );
        assert_eq!(media.delete_prefix("r/a/").unwrap(), 3);
        media.delete("a.jpg").unwrap();
        media.delete("a.jpg").unwrap();
        assert_eq!(media.list("").unwrap(), Vec::<String>::new());
        assert!(matches!(media.put("../x", b"x"), Err(MediaError::Key(_))));
        // Another prefix of the same bucket is another store.
        let other = store(&endpoint, &format!("s3://{bucket}/other-{}", std::process::id()));
        other.put("a.jpg", b"x").unwrap();
        assert!(!media.exists("a.jpg").unwrap());
        other.delete("a.jpg").unwrap();
    }

    #[test]
    fn a_wrong_bucket_or_url_is_one_clear_line() {
        let Some((endpoint, _)) = server("store::media::s3::a_wrong_bucket_or_url_is_one_clear_line") else { return };
        let err = store(&endpoint, "s3://no-such-bucket-here/x").check().unwrap_err().to_string();
        assert!(err.contains("no-such-bucket-here") && err.contains("404"), "{err}");
        let bad = S3MediaStore::new("https://bucket", Some(&endpoint), "us-east-1", None).unwrap_err().to_string();
        assert!(bad.contains("s3://"), "{bad}");
        let bad = S3MediaStore::new("s3://b/../etc", Some(&endpoint), "us-east-1", None).unwrap_err().to_string();
        assert!(bad.contains("prefix"), "{bad}");
    }
}
