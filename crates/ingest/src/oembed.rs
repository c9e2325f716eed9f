//! An oEmbed answer (https://oembed.com, section 2.3.4) from YouTube, Vimeo, X or Instagram:
//! what an embed card shows. Only the plain-text fields and the thumbnail's address are kept;
//! the provider's `html` (its script or iframe) never is, since the player is loaded from a
//! URL we build, and only on the reader's click.

use serde_json::Value;

/// Longest title or author name kept, in characters.
const MAX_TEXT: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OEmbed {
    /// "video", "rich", "photo" or "link".
    pub kind: String,
    pub title: Option<String>,
    pub author_name: Option<String>,
    /// An http(s) URL of a picture, fetched once (through the guarded client) and served from
    /// the site's own media.
    pub thumbnail_url: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OEmbedError {
    #[error("the oEmbed answer is not JSON: {0}")]
    Json(String),
    #[error("the oEmbed answer is not a JSON object")]
    NotAnObject,
    #[error("the oEmbed answer has no \"type\" (video, rich, photo or link)")]
    NoType,
    #[error("the oEmbed answer's \"type\" is {0:?}, not video, rich, photo or link")]
    UnknownType(String),
    #[error("the oEmbed answer's \"version\" is {0}, not \"1.0\"")]
    Version(String),
}

/// Reads an oEmbed answer. Text fields lose control characters and runs of white space and are
/// cut at [`MAX_TEXT`] characters; a thumbnail that is not an absolute http(s) URL is dropped.
pub fn parse(bytes: &[u8]) -> Result<OEmbed, OEmbedError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| OEmbedError::Json(e.to_string()))?;
    let obj = value.as_object().ok_or(OEmbedError::NotAnObject)?;
    match obj.get("version") {
        None => {}
        Some(Value::String(v)) if v == "1.0" => {}
        // Some providers send 1.0 as a number.
        Some(Value::Number(n)) if n.as_f64() == Some(1.0) => {}
        Some(other) => return Err(OEmbedError::Version(other.to_string())),
    }
    let kind = match obj.get("type") {
        Some(Value::String(t)) if matches!(t.as_str(), "video" | "rich" | "photo" | "link") => t.clone(),
        Some(Value::String(t)) => return Err(OEmbedError::UnknownType(t.chars().take(40).collect())),
        _ => return Err(OEmbedError::NoType),
    };
    let text = |key: &str| obj.get(key).and_then(Value::as_str).map(clean).filter(|s| !s.is_empty());
    let thumbnail_url = obj
        .get("thumbnail_url")
        .and_then(Value::as_str)
        .and_then(|u| url::Url::parse(u).ok())
        .filter(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some())
        .map(String::from);
    Ok(OEmbed { kind, title: text("title"), author_name: text("author_name"), thumbnail_url })
}

fn clean(s: &str) -> String {
    let words: Vec<&str> = s.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect();
    words.join(" ").chars().take(MAX_TEXT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_youtube_answer_gives_title_author_and_thumbnail() {
        let answer = br#"{"title":"Harbour cranes at dawn\n","author_name":"Port Films","author_url":"https://www.youtube.com/@portfilms",
            "type":"video","height":113,"width":200,"version":"1.0","provider_name":"YouTube","provider_url":"https://www.youtube.com/",
            "thumbnail_height":360,"thumbnail_width":480,"thumbnail_url":"https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
            "html":"<iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\"></iframe>"}"#;
        let o = parse(answer).unwrap();
        assert_eq!(o.kind, "video");
        assert_eq!(o.title.as_deref(), Some("Harbour cranes at dawn"));
        assert_eq!(o.author_name.as_deref(), Some("Port Films"));
        assert_eq!(o.thumbnail_url.as_deref(), Some("https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"));
    }

    #[test]
    fn bad_answers_say_what_is_wrong() {
        assert!(matches!(parse(b"<html>"), Err(OEmbedError::Json(_))));
        assert_eq!(parse(b"[1]"), Err(OEmbedError::NotAnObject));
        assert_eq!(parse(br#"{"title":"x"}"#), Err(OEmbedError::NoType));
        assert_eq!(parse(br#"{"type":"movie"}"#), Err(OEmbedError::UnknownType("movie".into())));
        assert_eq!(parse(br#"{"type":"video","version":"2.0"}"#), Err(OEmbedError::Version("\"2.0\"".into())));
        let o = parse(br#"{"type":"rich","thumbnail_url":"javascript:alert(1)"}"#).unwrap();
        assert_eq!(o.thumbnail_url, None, "only http(s) pictures are fetched");
    }

    proptest! {
        #[test]
        fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn any_answer_object_keeps_short_clean_text(title in "\\PC{0,600}", kind in "(video|rich|photo|link|x)") {
            let answer = serde_json::json!({ "type": kind, "title": title, "thumbnail_url": title }).to_string();
            if let Ok(o) = parse(answer.as_bytes()) {
                let t = o.title.unwrap_or_default();
                prop_assert!(t.chars().count() <= MAX_TEXT);
                prop_assert!(!t.chars().any(char::is_control));
            }
        }
    }
}
