//! Embeds: which pasted URLs are posts of a provider we show as a card (YouTube, Vimeo, X,
//! Instagram), where their oEmbed description is asked for, and the player a reader's click
//! loads. Any other URL stays a plain link. Reading a URL never fails: an address we do not
//! recognise is simply not an embed.

use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    YouTube,
    Vimeo,
    X,
    Instagram,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::YouTube => "youtube",
            Provider::Vimeo => "vimeo",
            Provider::X => "x",
            Provider::Instagram => "instagram",
        }
    }

    pub fn parse(s: &str) -> Option<Provider> {
        [Provider::YouTube, Provider::Vimeo, Provider::X, Provider::Instagram].into_iter().find(|p| p.as_str() == s)
    }

    /// The provider's name as readers know it.
    pub fn name(self) -> &'static str {
        match self {
            Provider::YouTube => "YouTube",
            Provider::Vimeo => "Vimeo",
            Provider::X => "X",
            Provider::Instagram => "Instagram",
        }
    }

    /// The provider's oEmbed endpoint (Instagram's also needs an access token, added by the
    /// caller that has one).
    pub fn oembed_endpoint(self) -> &'static str {
        match self {
            Provider::YouTube => "https://www.youtube.com/oembed",
            Provider::Vimeo => "https://vimeo.com/api/oembed.json",
            Provider::X => "https://publish.twitter.com/oembed",
            Provider::Instagram => "https://graph.facebook.com/v21.0/instagram_oembed",
        }
    }

    /// The host the player is loaded from, for the reader site's Content-Security-Policy.
    pub fn player_origin(self) -> &'static str {
        match self {
            Provider::YouTube => "https://www.youtube-nocookie.com",
            Provider::Vimeo => "https://player.vimeo.com",
            Provider::X => "https://platform.twitter.com",
            Provider::Instagram => "https://www.instagram.com",
        }
    }

    pub const ALL: [Provider; 4] = [Provider::YouTube, Provider::Vimeo, Provider::X, Provider::Instagram];
}

/// A post of a known provider: which, its id there, and the URL it was pasted as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedTarget {
    pub provider: Provider,
    /// The video's or post's id ("dQw4w9WgXcQ", "76979871", "1460323737035677698", "CqX1z2Ab3cD").
    pub id: String,
    /// The canonical URL of the post, as its oEmbed endpoint expects it.
    pub canonical: String,
}

impl EmbedTarget {
    /// Reads a pasted URL; `None` for anything that is not a post of a known provider.
    pub fn recognise(raw: &str) -> Option<EmbedTarget> {
        let url = Url::parse(raw.trim()).ok()?;
        if !matches!(url.scheme(), "https" | "http") {
            return None;
        }
        let host = url.host_str()?.to_ascii_lowercase();
        let host = host.strip_prefix("www.").or_else(|| host.strip_prefix("m.")).unwrap_or(&host).to_string();
        let segments: Vec<&str> =
            url.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect()).unwrap_or_default();
        let target =
            |provider, id: &str, canonical: String| Some(EmbedTarget { provider, id: id.to_string(), canonical });
        match (host.as_str(), segments.as_slice()) {
            ("youtube.com", ["watch"]) => {
                let id = url.query_pairs().find(|(k, _)| k == "v").map(|(_, v)| v.into_owned())?;
                youtube_id(&id).then(|| youtube(&id))?
            }
            ("youtube.com", ["shorts" | "embed" | "live", id]) | ("youtu.be", [id]) if youtube_id(id) => youtube(id),
            ("vimeo.com", [id]) | ("player.vimeo.com", ["video", id]) if numeric(id, 12) => {
                target(Provider::Vimeo, id, format!("https://vimeo.com/{id}"))
            }
            ("twitter.com" | "x.com" | "mobile.twitter.com", [user, "status", id, ..])
                if numeric(id, 20) && handle(user) =>
            {
                target(Provider::X, id, format!("https://x.com/{user}/status/{id}"))
            }
            ("instagram.com", ["p" | "reel" | "tv", code, ..]) if post_code(code) => {
                let kind = segments[0];
                target(Provider::Instagram, code, format!("https://www.instagram.com/{kind}/{code}/"))
            }
            _ => None,
        }
    }

    /// Where the provider's player is, loaded only after the reader asks for it; the
    /// privacy-enhanced one where the provider has it.
    pub fn player_url(&self) -> String {
        match self.provider {
            Provider::YouTube => format!("https://www.youtube-nocookie.com/embed/{}?autoplay=1", self.id),
            Provider::Vimeo => format!("https://player.vimeo.com/video/{}?dnt=1&autoplay=1", self.id),
            Provider::X => format!("https://platform.twitter.com/embed/Tweet.html?id={}&dnt=true", self.id),
            Provider::Instagram => format!("{}embed/", self.canonical),
        }
    }
}

fn youtube(id: &str) -> Option<EmbedTarget> {
    Some(EmbedTarget {
        provider: Provider::YouTube,
        id: id.to_string(),
        canonical: format!("https://www.youtube.com/watch?v={id}"),
    })
}

fn youtube_id(id: &str) -> bool {
    id.len() == 11 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn numeric(id: &str, max: usize) -> bool {
    !id.is_empty() && id.len() <= max && id.bytes().all(|b| b.is_ascii_digit())
}

fn handle(user: &str) -> bool {
    (1..=15).contains(&user.len()) && user.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn post_code(code: &str) -> bool {
    (5..=40).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_providers_are_recognised_in_the_forms_people_paste() {
        let cases = [
            ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", Provider::YouTube, "dQw4w9WgXcQ"),
            ("https://youtu.be/dQw4w9WgXcQ?si=abc", Provider::YouTube, "dQw4w9WgXcQ"),
            ("https://m.youtube.com/shorts/aBcDeFgHiJk", Provider::YouTube, "aBcDeFgHiJk"),
            ("https://vimeo.com/76979871", Provider::Vimeo, "76979871"),
            ("https://player.vimeo.com/video/76979871", Provider::Vimeo, "76979871"),
            ("https://twitter.com/NASA/status/1460323737035677698", Provider::X, "1460323737035677698"),
            ("https://x.com/NASA/status/1460323737035677698/photo/1", Provider::X, "1460323737035677698"),
            ("https://www.instagram.com/p/CqX1z2Ab3cD/", Provider::Instagram, "CqX1z2Ab3cD"),
            ("https://instagram.com/reel/CqX1z2Ab3cD", Provider::Instagram, "CqX1z2Ab3cD"),
        ];
        for (url, provider, id) in cases {
            let t = EmbedTarget::recognise(url).unwrap_or_else(|| panic!("{url} not recognised"));
            assert_eq!((t.provider, t.id.as_str()), (provider, id), "{url}");
        }
        let t = EmbedTarget::recognise("https://youtu.be/dQw4w9WgXcQ").unwrap();
        assert_eq!(t.canonical, "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
        assert_eq!(t.player_url(), "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1");
    }

    #[test]
    fn anything_else_stays_a_link() {
        for url in [
            "https://example.org/video",
            "https://www.youtube.com/watch?v=short",
            "https://www.youtube.com/channel/UC123",
            "https://vimeo.com/channels/staffpicks",
            "https://x.com/NASA",
            "https://x.com/NASA/status/notanumber",
            "https://evil.example/youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "javascript:alert(1)//youtu.be/dQw4w9WgXcQ",
            "ftp://youtu.be/dQw4w9WgXcQ",
            "not a url",
            "",
        ] {
            assert_eq!(EmbedTarget::recognise(url), None, "{url}");
        }
    }

    proptest! {
        /// Any string is read without a panic, and what is recognised has an id that is safe
        /// in a URL and a player on the provider's own host.
        #[test]
        fn any_string_is_read_safely(raw in "\\PC{0,120}", tail in "[a-zA-Z0-9_/?=&.-]{0,40}") {
            for candidate in [raw.clone(), format!("https://youtu.be/{tail}"), format!("https://x.com/{tail}")] {
                if let Some(t) = EmbedTarget::recognise(&candidate) {
                    prop_assert!(t.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
                    prop_assert!(t.player_url().starts_with(t.provider.player_origin()));
                }
            }
        }
    }
}
