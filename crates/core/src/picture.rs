//! A picture's renditions as pages and the rendition job agree on them, without pixels: the crops
//! (the picture's own shape, 16:9, 4:3, 1:1 and the 1200×630 social preview) cut around the
//! editor's focal point or set by hand, the widths made of each (320 to 2048, never enlarged),
//! and the version that names a set of renditions in their URLs (content-addressed: a new focal
//! point or crop makes new names, so every rendition URL can be cached for a year).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Widths made of a picture's own shape and of the 16:9 crop (the ones pages show at many sizes).
pub const WIDTHS: [u32; 6] = [320, 640, 960, 1280, 1600, 2048];
/// Widest of the 4:3 and 1:1 crops (structured data asks for pictures at least 1200 wide); they
/// are also made 320 wide, for small square or 4:3 slots.
pub const WIDE_ENOUGH: u32 = 1200;
/// The social preview's size (OpenGraph, Twitter cards).
pub const SOCIAL: (u32, u32) = (1200, 630);
/// Bumped whenever the rendition job's output changes, so old URLs are never reused.
pub const PIPELINE: u32 = 3;

/// One cut of a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Crop {
    /// The picture's own shape.
    #[serde(rename = "o")]
    Original,
    #[serde(rename = "16x9")]
    Wide,
    #[serde(rename = "4x3")]
    Standard,
    #[serde(rename = "1x1")]
    Square,
    /// The social preview, 1200×630.
    #[serde(rename = "og")]
    Social,
}

impl Crop {
    pub const ALL: [Crop; 5] = [Crop::Original, Crop::Wide, Crop::Standard, Crop::Square, Crop::Social];
    /// The crops an editor may set by hand (the original is the whole picture).
    pub const EDITABLE: [Crop; 4] = [Crop::Wide, Crop::Standard, Crop::Square, Crop::Social];

    /// The name in URLs and settings: `o`, `16x9`, `4x3`, `1x1`, `og`.
    pub fn name(self) -> &'static str {
        match self {
            Crop::Original => "o",
            Crop::Wide => "16x9",
            Crop::Standard => "4x3",
            Crop::Square => "1x1",
            Crop::Social => "og",
        }
    }

    pub fn from_name(name: &str) -> Option<Crop> {
        Crop::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Width to height, or `None` for the picture's own.
    pub fn ratio(self) -> Option<(u32, u32)> {
        match self {
            Crop::Original => None,
            Crop::Wide => Some((16, 9)),
            Crop::Standard => Some((4, 3)),
            Crop::Square => Some((1, 1)),
            Crop::Social => Some(SOCIAL),
        }
    }
}

/// Where the picture's subject is, as fractions of its width and height from the top left.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Focus {
    pub x: f64,
    pub y: f64,
}

impl Default for Focus {
    fn default() -> Focus {
        Focus { x: 0.5, y: 0.5 }
    }
}

impl Focus {
    /// A focal point, or `None` when it is not inside the picture.
    pub fn new(x: f64, y: f64) -> Option<Focus> {
        ((0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y)).then_some(Focus { x, y })
    }
}

/// A rectangle of the (upright) picture, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl Rect {
    /// Whether it is a non-empty part of a `width`×`height` picture.
    pub fn fits(&self, width: u32, height: u32) -> bool {
        self.w > 0 && self.h > 0 && self.x.checked_add(self.w).is_some_and(|r| r <= width) && {
            self.y.checked_add(self.h).is_some_and(|b| b <= height)
        }
    }
}

/// What an editor has said about a picture's cuts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Framing {
    #[serde(default)]
    pub focus: Focus,
    /// Crops set by hand, by crop; the others are cut around `focus`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub crops: BTreeMap<Crop, Rect>,
}

/// The largest `rw:rh` rectangle of a `w`×`h` picture, centred on `focus` as far as the edges
/// allow.
pub fn cut_around(w: u32, h: u32, (rw, rh): (u32, u32), focus: Focus) -> Rect {
    let (w64, h64, rw, rh) = (u64::from(w), u64::from(h), u64::from(rw.max(1)), u64::from(rh.max(1)));
    // As wide as the picture, unless that is too tall: then as tall as the picture.
    let (cw, ch) = if w64 * rh <= h64 * rw { (w64, (w64 * rh / rw).max(1)) } else { ((h64 * rw / rh).max(1), h64) };
    let place = |size: u64, cut: u64, at: f64| -> u32 {
        let centre = (at * size as f64).round() as i64;
        (centre - (cut as i64) / 2).clamp(0, (size - cut) as i64) as u32
    };
    Rect { x: place(w64, cw, focus.x), y: place(h64, ch, focus.y), w: cw as u32, h: ch as u32 }
}

/// The rectangle `crop` takes from a `w`×`h` picture framed as `framing` says.
pub fn rect(crop: Crop, w: u32, h: u32, framing: &Framing) -> Rect {
    match (crop.ratio(), framing.crops.get(&crop)) {
        (None, _) => Rect { x: 0, y: 0, w, h },
        (Some(_), Some(r)) if r.fits(w, h) => *r,
        (Some(ratio), _) => cut_around(w, h, ratio, framing.focus),
    }
}

/// The sizes made of `crop` from a `w`×`h` picture: (width, height) pairs, smallest first, never
/// wider than the cut itself (a picture narrower than every width gets one rendition, its own).
pub fn sizes(crop: Crop, w: u32, h: u32, framing: &Framing) -> Vec<(u32, u32)> {
    let cut = rect(crop, w, h, framing);
    let height_at =
        |width: u32| ((u64::from(width) * u64::from(cut.h) + u64::from(cut.w) / 2) / u64::from(cut.w)).max(1) as u32;
    let widths: Vec<u32> = match crop {
        Crop::Original | Crop::Wide => WIDTHS.iter().copied().filter(|&x| x <= cut.w).collect(),
        Crop::Standard | Crop::Square => [320, WIDE_ENOUGH].iter().copied().filter(|&x| x <= cut.w).collect(),
        Crop::Social => vec![SOCIAL.0.min(cut.w)],
    };
    let widths = if widths.is_empty() { vec![cut.w] } else { widths };
    widths
        .into_iter()
        .map(|width| match crop {
            Crop::Social if width == SOCIAL.0 => SOCIAL,
            _ => (width, height_at(width)),
        })
        .collect()
}

/// The name of one set of renditions: changes with the framing and the pipeline, so the URLs of
/// a re-framed picture are new ones.
pub fn version(framing: &Framing) -> String {
    let mut text = format!("{PIPELINE}:{:.4},{:.4}", framing.focus.x, framing.focus.y);
    for (crop, r) in &framing.crops {
        text.push_str(&format!(";{}:{},{},{},{}", crop.name(), r.x, r.y, r.w, r.h));
    }
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:010x}", hash & 0xff_ffff_ffff)
}

/// A picture's renditions, once made: what pages need to point at them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendered {
    /// The set's name in its URLs ([`version`]).
    pub version: String,
    /// The upright picture's size (after its EXIF orientation).
    pub width: u32,
    pub height: u32,
    /// The fallback format is PNG (the picture has transparency), else JPEG.
    pub alpha: bool,
    /// AVIF renditions were made too (the build that made them had libavif).
    #[serde(default)]
    pub avif: bool,
    pub framing: Framing,
}

impl Rendered {
    /// The formats made, best first; the last is the fallback every browser reads.
    pub fn formats(&self) -> Vec<(&'static str, &'static str)> {
        formats(self.alpha, self.avif)
    }

    /// The fallback format's extension (`jpg`, or `png` for a picture with transparency).
    pub fn fallback(&self) -> &'static str {
        if self.alpha { "png" } else { "jpg" }
    }
}

/// The formats of a rendition, best first (AVIF when made, then WebP); the last is the
/// fallback every browser reads.
pub fn formats(alpha: bool, avif: bool) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::with_capacity(3);
    if avif {
        out.push(("avif", "image/avif"));
    }
    out.push(("webp", "image/webp"));
    out.push(if alpha { ("png", "image/png") } else { ("jpg", "image/jpeg") });
    out
}

/// The path of one rendition under `/media/`: `r/<stem>/<version>/<crop>-<width>.<ext>`.
/// A media file's name without its extension: what its renditions are filed and purged under.
pub fn stem(file: &str) -> &str {
    file.rsplit_once('.').map_or(file, |(s, _)| s)
}

pub fn path(file: &str, version: &str, crop: Crop, width: u32, ext: &str) -> String {
    let stem = stem(file);
    format!("r/{stem}/{version}/{}-{width}.{ext}", crop.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cuts_follow_the_focus_and_stop_at_the_edges() {
        // A 4000×3000 landscape: 16:9 is the full width, 2250 high, moved towards the focus.
        let wide = cut_around(4000, 3000, (16, 9), Focus { x: 0.5, y: 0.1 });
        assert_eq!(wide, Rect { x: 0, y: 0, w: 4000, h: 2250 });
        let low = cut_around(4000, 3000, (16, 9), Focus { x: 0.5, y: 0.9 });
        assert_eq!(low, Rect { x: 0, y: 750, w: 4000, h: 2250 });
        // A square from the same picture: 3000 on a side, centred on a face at the right.
        assert_eq!(cut_around(4000, 3000, (1, 1), Focus { x: 0.8, y: 0.5 }), Rect { x: 1000, y: 0, w: 3000, h: 3000 });
        assert_eq!(cut_around(4000, 3000, (1, 1), Focus { x: 0.55, y: 0.5 }), Rect { x: 700, y: 0, w: 3000, h: 3000 });
    }

    #[test]
    fn sizes_are_never_enlarged_and_keep_the_cut_shape() {
        let f = Framing::default();
        assert_eq!(sizes(Crop::Original, 4000, 3000, &f).len(), WIDTHS.len());
        assert_eq!(sizes(Crop::Original, 1000, 500, &f), vec![(320, 160), (640, 320), (960, 480)]);
        assert_eq!(sizes(Crop::Original, 200, 100, &f), vec![(200, 100)], "a small picture is its own");
        assert_eq!(sizes(Crop::Wide, 4000, 3000, &f)[0], (320, 180));
        assert_eq!(sizes(Crop::Social, 4000, 3000, &f), vec![SOCIAL]);
        assert_eq!(sizes(Crop::Square, 800, 600, &f), vec![(320, 320)]);
        assert_eq!(sizes(Crop::Square, 300, 200, &f), vec![(200, 200)]);
        assert_eq!(sizes(Crop::Standard, 4000, 3000, &f), vec![(320, 240), (1200, 900)]);
    }

    #[test]
    fn a_hand_set_crop_wins_unless_it_does_not_fit() {
        let mut f = Framing::default();
        f.crops.insert(Crop::Square, Rect { x: 10, y: 20, w: 500, h: 500 });
        assert_eq!(rect(Crop::Square, 4000, 3000, &f), Rect { x: 10, y: 20, w: 500, h: 500 });
        f.crops.insert(Crop::Square, Rect { x: 3800, y: 0, w: 500, h: 500 });
        assert_eq!(rect(Crop::Square, 4000, 3000, &f).w, 3000, "off the picture: cut around the focus instead");
        let v1 = version(&f);
        f.focus = Focus { x: 0.2, y: 0.3 };
        assert_ne!(v1, version(&f), "a new framing is a new set of URLs");
        assert_eq!(path("ab12.jpg", "v1", Crop::Wide, 640, "webp"), "r/ab12/v1/16x9-640.webp");
    }

    proptest! {
        #[test]
        fn every_cut_is_inside_the_picture(w in 1u32..20_000, h in 1u32..20_000, x in 0.0f64..=1.0, y in 0.0f64..=1.0) {
            let framing = Framing { focus: Focus { x, y }, crops: BTreeMap::new() };
            for crop in Crop::ALL {
                let r = rect(crop, w, h, &framing);
                prop_assert!(r.fits(w, h), "{crop:?} {r:?} of {w}×{h}");
                for (sw, sh) in sizes(crop, w, h, &framing) {
                    prop_assert!(sw >= 1 && sh >= 1);
                    prop_assert!(crop == Crop::Social || sw <= r.w, "{crop:?} {sw} wider than the cut {r:?}");
                }
            }
        }
    }
}
