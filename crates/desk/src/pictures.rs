//! The rendition job: takes a picture whose renditions are missing (or were made for another
//! framing) from the store's queue, makes every crop, width and format
//! (`ingest::image::renditions`), writes them beside the original under
//! `r/<stem>/<version>/` in the media store (each whole or not at all, so a crash never leaves
//! half a file under a name a page points at), and records them, which tells the pages that show
//! the picture to point at them (`media.rendered` in the event log). The set before the one
//! just made is kept (a page or CDN copy made a moment ago still names it); older sets are
//! removed.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use newsdesk_core::picture;
use newsdesk_ingest::image::renditions::{self, Rendition, RenditionError};
use newsdesk_store::{MediaError, MediaStore, NewMedia, Store, StoreError};
use sha2::{Digest, Sha256};

use crate::outbound::Outbound;

/// How long one pass keeps taking pictures before it lets the next tick come. Short: a stopping
/// server waits for the pass under way (a blocking task cannot be cut off), so at most one more
/// picture is made after a stop is asked for.
pub const PASS: Duration = Duration::from_secs(2);

/// What a pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Made {
    pub pictures: usize,
    pub files: usize,
    pub failed: usize,
}

/// Makes the renditions of queued pictures until the queue is empty or [`PASS`] has gone by.
pub fn render_pending(store: &Store, media: &dyn MediaStore, now: impl Fn() -> Timestamp) -> Result<Made, StoreError> {
    let started = Instant::now();
    let mut made = Made::default();
    while started.elapsed() < PASS {
        let Some(job) = store.claim_rendition(now())? else { break };
        match render_one(media, &job.file, &job.framing) {
            Ok((rendered, files)) => {
                if store.rendered(&job, &rendered, now())? {
                    made.pictures += 1;
                    made.files += files;
                    tracing::info!(file = %job.file, version = %rendered.version, files, "renditions made");
                    let keep = [Some(rendered.version.as_str()), job.rendered_version.as_deref()];
                    if let Err(e) = remove_older_sets(media, &job.file, &keep) {
                        tracing::warn!(file = %job.file, error = %e, "superseded renditions not removed");
                    }
                }
            }
            Err(why) => {
                made.failed += 1;
                tracing::warn!(file = %job.file, attempt = job.attempts + 1, error = %why, "renditions not made");
                store.rendition_failed(job.id, &why, now())?;
            }
        }
    }
    Ok(made)
}

/// Makes one picture's renditions; returns what was made and how many files were written.
pub fn render_one(
    media: &dyn MediaStore,
    file: &str,
    framing: &picture::Framing,
) -> Result<(picture::Rendered, usize), String> {
    let bytes = media.get(file).map_err(|e| e.to_string())?.ok_or_else(|| format!("media {file} is missing"))?;
    let source = renditions::upright(&bytes)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{file}: no decoder for this type"))?;
    let version = picture::version(framing);
    let mut written = 0;
    let rendered = renditions::make(&source, framing, |r: Rendition| {
        let rel = picture::path(file, &version, r.crop, r.width, r.ext);
        media.put(&rel, &r.bytes).map_err(|e| e.to_string())?;
        written += 1;
        Ok::<_, String>(())
    })
    .map_err(|e| match e {
        RenditionError::Encode(why) | RenditionError::Emit(why) => why,
    })?;
    Ok((rendered, written))
}

/// The key prefix under which a picture's renditions are kept: `r/<stem>/`.
pub fn renditions_prefix(file: &str) -> String {
    format!("r/{}/", picture::stem(file))
}

/// The key of a picture's newsroom thumbnail.
pub fn thumbnail_key(file: &str) -> String {
    format!("thumbs/{file}.jpg")
}

/// Removes a picture's rendition sets other than the versions in `keep`; returns how many files
/// went.
pub fn remove_older_sets(media: &dyn MediaStore, file: &str, keep: &[Option<&str>]) -> Result<usize, MediaError> {
    let prefix = renditions_prefix(file);
    let mut removed = 0;
    for key in media.list(&prefix)? {
        let version = key[prefix.len()..].split('/').next().unwrap_or_default();
        if !keep.contains(&Some(version)) {
            media.delete(&key)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Removes every file of a picture: the original, its renditions and its thumbnail. Called
/// after its library entry is gone (a crash between the two leaves files no one lists, never an
/// entry whose file is missing).
pub fn remove_files(media: &dyn MediaStore, file: &str) -> Result<(), MediaError> {
    media.delete(file)?;
    media.delete(&thumbnail_key(file))?;
    media.delete_prefix(&renditions_prefix(file))?;
    Ok(())
}

/// Writes a checked picture into the media store under a name made from its SHA-256; returns
/// (file name, SHA-256 hex). The store writes it whole or not at all, so a crash never leaves half
/// a picture under a name the library knows. The same bytes twice are one file.
pub fn store_file(media: &dyn MediaStore, bytes: &[u8], ext: &str) -> Result<(String, String), MediaError> {
    let sha = sha256_hex(bytes);
    let file = format!("{}.{ext}", &sha[..24]);
    if !media.exists(&file)? {
        media.put(&file, bytes)?;
    }
    Ok((file, sha))
}

/// The SHA-256 of `bytes` in hex: the media library's identity of a picture.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What a pass of the wire photo job did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub pictures: usize,
    pub stories: usize,
    pub failed: usize,
}

/// Downloads the pictures wire items referred to (ninjs renditions and associations, NewsML-G2
/// remote content, feeds' enclosures) through the guarded outbound client, at most the upload
/// limit, judged by their bytes as uploads are; keeps each in the media library with the
/// agency's caption and credit, and makes it the lead picture of the story that named it. A
/// failed download stays a reference, with its error, and is tried again later
/// (`Store::media_ref_failed`). `allow_private` lets the addresses be private (a test's server on
/// 127.0.0.1, an agency mirror on the newsroom's network): the operator's explicit choice.
pub fn fetch_wire_photos(
    store: &Store,
    media: &dyn MediaStore,
    outbound: &Outbound,
    allow_private: bool,
    now: impl Fn() -> Timestamp,
) -> Result<Fetched, StoreError> {
    let started = Instant::now();
    let mut done = Fetched::default();
    while started.elapsed() < PASS {
        let Some(r) = store.claim_media_ref(now())? else { break };
        match fetch_one(store, media, outbound, allow_private, &r, now()) {
            Ok((media_id, file)) => {
                done.pictures += 1;
                if store.media_ref_fetched(&r, media_id, &file, now())? {
                    done.stories += 1;
                }
                tracing::info!(url = %r.url, %file, "wire picture fetched");
            }
            Err(why) => {
                done.failed += 1;
                tracing::warn!(url = %r.url, attempt = r.attempts + 1, error = %why, "wire picture not fetched");
                store.media_ref_failed(r.id, &why, now())?;
            }
        }
    }
    Ok(done)
}

fn fetch_one(
    store: &Store,
    media: &dyn MediaStore,
    outbound: &Outbound,
    allow_private: bool,
    r: &newsdesk_store::MediaRef,
    now: Timestamp,
) -> Result<(i64, String), String> {
    let url = r.url.as_str();
    use newsdesk_ingest::image;
    let got = outbound.get(url, &[], allow_private, image::MAX_BYTES as u64).map_err(|e| e.to_string())?;
    let (mime, ext, w, h) = image::check(&got.body).map_err(|e| e.to_string())?;
    let (file, sha) = store_file(media, &got.body, ext).map_err(|e| format!("cannot write the picture: {e}"))?;
    let own = image::meta::describe(&got.body);
    let name = url.rsplit('/').next().filter(|n| !n.is_empty()).map(|n| n.chars().take(200).collect::<String>());
    let entry = NewMedia {
        file: &file,
        sha256: &sha,
        mime,
        width: w as u32,
        height: h as u32,
        bytes: got.body.len() as u64,
        original_name: name.as_deref(),
        alt: r.alt.as_deref().unwrap_or(""),
        // The agency's words first, then what the picture says about itself.
        caption: r.caption.as_deref().or(own.caption.as_deref()),
        credit: r.credit.as_deref().or(own.credit.as_deref()).or(own.creator.as_deref()),
        creator: own.creator.as_deref(),
        copyright: own.copyright.as_deref(),
        uploaded_by: None,
    };
    let media = store.add_media(&entry, now).map_err(|e| e.to_string())?;
    Ok((media.id, media.file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsdesk_core::picture::{Crop, Focus, Framing};
    use newsdesk_store::NewMedia;

    fn add(store: &Store, media: &dyn MediaStore, name: &str, bytes: &[u8]) -> i64 {
        media.put(name, bytes).unwrap();
        let entry = NewMedia {
            file: name,
            sha256: name,
            mime: "image/jpeg",
            width: 1,
            height: 1,
            bytes: bytes.len() as u64,
            original_name: None,
            alt: "",
            caption: None,
            credit: None,
            creator: None,
            copyright: None,
            uploaded_by: None,
        };
        store.add_media(&entry, Timestamp::now()).unwrap().id
    }

    #[test]
    fn queued_pictures_get_their_renditions_once_and_again_when_reframed() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(&tmp.path().join("db")).unwrap();
        let dir = newsdesk_store::DirMediaStore::new(tmp.path().join("media"));
        let id = add(&store, &dir, "aa11.jpg", &newsdesk_ingest::image::test_jpeg(150_000));
        add(&store, &dir, "bb22.jpg", b"not a picture at all");
        let made = render_pending(&store, &dir, Timestamp::now).unwrap();
        assert_eq!((made.pictures, made.failed), (1, 1), "{made:?}");
        let pictures = store.pictures(&["aa11.jpg", "bb22.jpg"]).unwrap();
        let r = &pictures["aa11.jpg"];
        assert!(!pictures.contains_key("bb22.jpg"), "a broken picture has none; pages use it as it is");
        for (w, h) in picture::sizes(Crop::Wide, r.width, r.height, &r.framing) {
            for (ext, _) in r.formats() {
                let rel = picture::path("aa11.jpg", &r.version, Crop::Wide, w, ext);
                let bytes = dir.get(&rel).unwrap().unwrap();
                let (_, _, rw, rh) = newsdesk_ingest::image::check(&bytes).unwrap();
                assert_eq!((rw, rh), (u64::from(w), u64::from(h)), "{rel}");
            }
        }
        // Nothing to do until a new framing; then a new set with new names.
        assert_eq!(render_pending(&store, &dir, Timestamp::now).unwrap().pictures, 0);
        let framing = Framing { focus: Focus { x: 0.1, y: 0.9 }, ..Framing::default() };
        store.set_framing(id, &framing).unwrap();
        assert_eq!(
            store.pictures(&["aa11.jpg"]).unwrap()["aa11.jpg"].version,
            r.version,
            "the old set until the new one is made"
        );
        assert_eq!(render_pending(&store, &dir, Timestamp::now).unwrap().pictures, 1);
        let again = &store.pictures(&["aa11.jpg"]).unwrap()["aa11.jpg"];
        assert_eq!(again.framing, framing);
        assert_ne!(again.version, r.version);
        let events = store.events_since(0, 100).unwrap();
        assert_eq!(events.iter().filter(|e| e.kind == newsdesk_store::EventKind::MediaRendered).count(), 2);
        let versions = |dir: &newsdesk_store::DirMediaStore| {
            let mut v: Vec<String> =
                dir.list("r/aa11/").unwrap().iter().map(|k| k.split('/').nth(2).unwrap().to_string()).collect();
            v.dedup();
            v
        };
        let mut both = vec![r.version.clone(), again.version.clone()];
        both.sort();
        assert_eq!(versions(&dir), both, "the set before stays for pages made a moment ago");
        // A third framing: the first set goes, the second stays beside the third.
        store.set_framing(id, &Framing { focus: Focus { x: 0.8, y: 0.2 }, ..Framing::default() }).unwrap();
        assert_eq!(render_pending(&store, &dir, Timestamp::now).unwrap().pictures, 1);
        let third = store.pictures(&["aa11.jpg"]).unwrap()["aa11.jpg"].version.clone();
        let mut kept = vec![again.version.clone(), third];
        kept.sort();
        assert_eq!(versions(&dir), kept);
        // Deleting the picture takes every file of it.
        dir.put(&thumbnail_key("aa11.jpg"), b"thumb").unwrap();
        remove_files(&dir, "aa11.jpg").unwrap();
        assert_eq!(dir.list("").unwrap(), ["bb22.jpg"]);
    }
}
