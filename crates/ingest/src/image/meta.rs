//! What a picture says about itself, read on upload and import to prefill the media library:
//! caption, credit, copyright and creator from IPTC-IIM (the APP13 block newsroom tools write),
//! XMP (Dublin Core and Photoshop's properties) and EXIF, in that order of trust; and whether it
//! carries a GPS position (renditions never do: see [`super::renditions`]). Damaged or missing
//! metadata is simply absent; reading it never fails an upload. No I/O.

use newsdesk_core::input::clean;

use crate::xml::{self, Element};

/// What the picture's own metadata says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Described {
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub copyright: Option<String>,
    pub creator: Option<String>,
    /// The picture's EXIF holds a GPS position.
    pub gps: bool,
}

/// Longest text kept from a metadata field.
const MAX_FIELD: usize = 2000;

/// Reads IPTC-IIM, XMP and EXIF; the first source that has a field wins.
pub fn describe(bytes: &[u8]) -> Described {
    let mut out = Described::default();
    let segments = jpeg_segments(bytes);
    let iim =
        segments.iter().find_map(|(marker, data)| (*marker == 0xED).then(|| iim(data)).flatten()).unwrap_or_default();
    let xmp = segments
        .iter()
        .find_map(|(marker, data)| (*marker == 0xE1).then(|| data.strip_prefix(XMP_HEADER)).flatten())
        .map(xmp)
        .unwrap_or_default();
    let exif = exif(bytes);
    for from in [iim, xmp, exif.0] {
        out.caption = out.caption.or(from.caption);
        out.credit = out.credit.or(from.credit);
        out.copyright = out.copyright.or(from.copyright);
        out.creator = out.creator.or(from.creator);
    }
    out.gps = exif.1;
    out
}

fn tidy(s: &str) -> Option<String> {
    let s = clean(s);
    let s: String = s.chars().take(MAX_FIELD).collect();
    (!s.trim().is_empty()).then(|| s.trim().to_string())
}

/// A JPEG's marker segments before its picture data, as (marker, payload); empty for other types.
fn jpeg_segments(bytes: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return out;
    }
    let mut i = 2;
    while let (Some(&0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) {
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let Some(len) = bytes.get(i + 2..i + 4).map(|l| usize::from(l[0]) << 8 | usize::from(l[1])) else { break };
        let Some(data) = bytes.get(i + 4..i + 2 + len).filter(|_| len >= 2) else { break };
        out.push((marker, data));
        i += 2 + len;
    }
    out
}

/// IPTC-IIM from a Photoshop APP13 block: resource 0x0404 of its 8BIM resources.
fn iim(app13: &[u8]) -> Option<Described> {
    let mut rest = app13.strip_prefix(b"Photoshop 3.0\0")?;
    while rest.len() >= 12 && rest.starts_with(b"8BIM") {
        let id = u16::from_be_bytes([rest[4], rest[5]]);
        let name_len = usize::from(rest[6]);
        let name_total = (1 + name_len + 1) & !1; // a Pascal string padded to even length
        let at = 6 + name_total;
        let size = rest.get(at..at + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize)?;
        let data = rest.get(at + 4..at + 4 + size)?;
        if id == 0x0404 {
            return Some(iim_datasets(data));
        }
        rest = rest.get(at + 4 + ((size + 1) & !1)..)?;
    }
    None
}

fn iim_datasets(mut data: &[u8]) -> Described {
    let mut out = Described::default();
    let mut utf8 = false;
    while data.len() >= 5 && data[0] == 0x1C {
        let (record, dataset) = (data[1], data[2]);
        let len = usize::from(data[3]) << 8 | usize::from(data[4]);
        if len & 0x8000 != 0 {
            break; // an extended-length dataset: a picture preview, never text we read
        }
        let Some(value) = data.get(5..5 + len) else { break };
        // 1:90 is the coded character set; ESC % G says UTF-8.
        if (record, dataset) == (1, 90) && value == b"\x1b%G" {
            utf8 = true;
        }
        let text = || {
            let s = match std::str::from_utf8(value) {
                Ok(s) => s.to_string(),
                Err(_) if !utf8 => value.iter().map(|&b| char::from(b)).collect(), // Latin-1
                Err(_) => String::from_utf8_lossy(value).into_owned(),
            };
            tidy(&s)
        };
        match (record, dataset) {
            (2, 120) => out.caption = out.caption.take().or_else(text),
            (2, 110) => out.credit = out.credit.take().or_else(text),
            (2, 116) => out.copyright = out.copyright.take().or_else(text),
            (2, 80) => out.creator = out.creator.take().or_else(text),
            _ => {}
        }
        data = &data[5 + len..];
    }
    out
}

const XMP_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
/// Dublin Core, as `xml` folds its namespace.
const DC: &str = xml::ns::DC;
const PHOTOSHOP: &str = "http://ns.adobe.com/photoshop/1.0/";

/// XMP (an RDF/XML packet): `dc:description`, `dc:rights`, `dc:creator` and
/// `photoshop:Credit`, as elements or as attributes of an `rdf:Description`.
fn xmp(packet: &[u8]) -> Described {
    let Ok(root) = xml::parse(packet) else { return Described::default() };
    let mut out = Described::default();
    let mut stack = vec![&root];
    while let Some(el) = stack.pop() {
        for (ns, name, into) in [
            (DC, "description", &mut out.caption),
            (DC, "rights", &mut out.copyright),
            (DC, "creator", &mut out.creator),
            (PHOTOSHOP, "Credit", &mut out.credit),
        ] {
            if into.is_none() {
                *into =
                    el.attr_ns(ns, name).and_then(tidy).or_else(|| el.is(ns, name).then(|| first_value(el)).flatten());
            }
        }
        stack.extend(el.elements());
    }
    out
}

/// An XMP property's value: its first `rdf:li` (a language alternative or a list), or its text.
fn first_value(el: &Element) -> Option<String> {
    let mut stack = vec![el];
    while let Some(e) = stack.pop() {
        if e.name == "li" {
            return tidy(&e.text());
        }
        stack.extend(e.elements());
    }
    tidy(&el.text())
}

/// EXIF: ImageDescription, Artist, Copyright; and whether a GPS directory has any field.
fn exif(bytes: &[u8]) -> (Described, bool) {
    let Ok(data) = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) else {
        return (Described::default(), false);
    };
    let field = |tag: exif::Tag| {
        data.get_field(tag, exif::In::PRIMARY).and_then(|f| match &f.value {
            exif::Value::Ascii(parts) => {
                parts.first().map(|p| String::from_utf8_lossy(p).into_owned()).and_then(|s| tidy(&s))
            }
            _ => None,
        })
    };
    let described = Described {
        caption: field(exif::Tag::ImageDescription),
        credit: None,
        copyright: field(exif::Tag::Copyright),
        creator: field(exif::Tag::Artist),
        gps: false,
    };
    let gps = data.fields().any(|f| f.tag.context() == exif::Context::Gps);
    (described, gps)
}

/// A JPEG as a camera and a picture desk leave it: EXIF with an orientation (6: turn right), the
/// photographer, a copyright and a GPS position; IPTC-IIM with a caption and a credit; for tests
/// here and in the crates that take uploads. `width`×`height` are the stored (sideways) pixels.
#[doc(hidden)]
pub fn test_camera_jpeg(width: u32, height: u32, caption: &str, credit: &str) -> Vec<u8> {
    // A gradient with a photo's grain (so it compresses as a photo does), and a marker in the
    // stored top-left corner, to see where turning puts it.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let grain = (seed & 0x1f) as u8;
        if x < width / 8 && y < height / 8 {
            image::Rgb([235 + grain / 2, 20, 20])
        } else {
            let shade = |at: u32, of: u32| ((u64::from(at) * 180 / u64::from(of)) as u8).saturating_add(grain);
            image::Rgb([shade(x, width), shade(y, height), 100 + grain])
        }
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 85)
        .encode_image(&picture)
        .expect("a JPEG in memory");
    let mut out = plain[..2].to_vec();
    let segment = |out: &mut Vec<u8>, marker: u8, payload: &[u8]| {
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
    };
    segment(&mut out, 0xE1, &test_exif());
    let mut iim = Vec::new();
    for (dataset, value) in [(90u8, "\x1b%G"), (120, caption), (110, credit)] {
        let record = if dataset == 90 { 1 } else { 2 };
        iim.extend_from_slice(&[0x1C, record, dataset]);
        iim.extend_from_slice(&(value.len() as u16).to_be_bytes());
        iim.extend_from_slice(value.as_bytes());
    }
    let mut app13 = b"Photoshop 3.0\08BIM\x04\x04\0\0".to_vec();
    app13.extend_from_slice(&(iim.len() as u32).to_be_bytes());
    app13.extend_from_slice(&iim);
    if iim.len() % 2 == 1 {
        app13.push(0);
    }
    segment(&mut out, 0xED, &app13);
    out.extend_from_slice(&plain[2..]);
    out
}

/// "Exif\0\0" and a big-endian TIFF: IFD0 with Orientation 6, Artist, Copyright and a GPS IFD
/// (latitude reference and latitude).
fn test_exif() -> Vec<u8> {
    let artist = b"Demo Photographer\0";
    let copyright = b"(c) Newsdesk Agency\0";
    // Layout: header 8, IFD0 at 8 (4 entries: 2 + 4*12 + 4 = 54), strings after, GPS IFD after.
    let ifd0 = 8u32;
    let strings = ifd0 + 2 + 4 * 12 + 4;
    let artist_at = strings;
    let copyright_at = artist_at + artist.len() as u32;
    let gps_at = copyright_at + copyright.len() as u32;
    let latitude_at = gps_at + 2 + 2 * 12 + 4;
    let mut t = b"MM\0\x2a".to_vec();
    t.extend_from_slice(&ifd0.to_be_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&kind.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        t.extend_from_slice(&value);
    };
    t.extend_from_slice(&4u16.to_be_bytes());
    entry(&mut t, 0x0112, 3, 1, [0, 6, 0, 0]); // Orientation: SHORT 6
    entry(&mut t, 0x013B, 2, artist.len() as u32, artist_at.to_be_bytes());
    entry(&mut t, 0x8298, 2, copyright.len() as u32, copyright_at.to_be_bytes());
    entry(&mut t, 0x8825, 4, 1, gps_at.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    t.extend_from_slice(artist);
    t.extend_from_slice(copyright);
    t.extend_from_slice(&2u16.to_be_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0"); // GPSLatitudeRef
    entry(&mut t, 0x0002, 5, 3, latitude_at.to_be_bytes()); // GPSLatitude: 3 RATIONALs
    t.extend_from_slice(&0u32.to_be_bytes());
    for (num, den) in [(41u32, 1u32), (1, 1), (0, 1)] {
        t.extend_from_slice(&num.to_be_bytes());
        t.extend_from_slice(&den.to_be_bytes());
    }
    let mut out = b"Exif\0\0".to_vec();
    out.extend_from_slice(&t);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_camera_jpeg_says_who_took_it_and_where() {
        let jpeg = test_camera_jpeg(64, 48, "Ferry at the quay, Monday.", "Newsdesk Agency / Jane Doe");
        let d = describe(&jpeg);
        assert_eq!(d.caption.as_deref(), Some("Ferry at the quay, Monday."));
        assert_eq!(d.credit.as_deref(), Some("Newsdesk Agency / Jane Doe"));
        assert_eq!(d.copyright.as_deref(), Some("(c) Newsdesk Agency"));
        assert_eq!(d.creator.as_deref(), Some("Demo Photographer"));
        assert!(d.gps);
        assert_eq!(super::super::check(&jpeg).map(|c| (c.2, c.3)), Ok((64, 48)));
    }

    #[test]
    fn xmp_properties_are_read_as_elements_or_attributes() {
        let packet = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="AA">
          <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Rutte in London</rdf:li></rdf:Alt></dc:description>
          <dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let d = xmp(packet);
        assert_eq!(d.caption.as_deref(), Some("Rutte in London"));
        assert_eq!(d.credit.as_deref(), Some("AA"));
        assert_eq!(d.creator.as_deref(), Some("Jane Doe"));
    }

    #[test]
    fn pictures_without_metadata_say_nothing() {
        assert_eq!(describe(&super::super::tiny_png()), Described::default());
        assert_eq!(describe(&super::super::test_jpeg(1000)), Described::default());
    }

    proptest! {
        #[test]
        fn any_bytes_inside_a_jpegs_metadata_segments_are_read_or_ignored(
            app13 in proptest::collection::vec(any::<u8>(), 0..300),
            app1 in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let mut jpeg = vec![0xFF, 0xD8];
            for (marker, payload) in [(0xEDu8, [b"Photoshop 3.0\08BIM".as_slice(), &app13].concat()), (0xE1, [b"Exif\0\0".as_slice(), &app1].concat())] {
                jpeg.extend_from_slice(&[0xFF, marker]);
                jpeg.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
                jpeg.extend_from_slice(&payload);
            }
            let d = describe(&jpeg);
            for text in [d.caption, d.credit, d.copyright, d.creator].into_iter().flatten() {
                prop_assert!(!text.is_empty() && text.chars().count() <= MAX_FIELD);
            }
        }
    }
}
