//! Writing text into markup (HTML, XML) with the characters markup reserves replaced.

/// Appends `text` to `out`, each byte `entity` names replaced by what it gives. A byte scan:
/// `entity` may only name ASCII bytes, so every cut falls on a character boundary. Pages, feeds
/// and sitemaps escape every story's text this way, so it is kept to slices, not characters.
pub fn escape_bytes(out: &mut String, text: &str, entity: impl Fn(u8) -> Option<&'static str>) {
    let mut from = 0;
    for (at, b) in text.bytes().enumerate() {
        if !b.is_ascii() {
            continue;
        }
        if let Some(replacement) = entity(b) {
            out.push_str(&text[from..at]);
            out.push_str(replacement);
            from = at + 1;
        }
    }
    out.push_str(&text[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_bytes_change_and_every_character_stays() {
        let mut out = String::new();
        escape_bytes(&mut out, "a<b & ünï 中文 <", |b| match b {
            b'<' => Some("&lt;"),
            b'&' => Some("&amp;"),
            _ => None,
        });
        assert_eq!(out, "a&lt;b &amp; ünï 中文 &lt;");
    }
}
