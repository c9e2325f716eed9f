//! Uploaded pictures, judged by their bytes: the type from the magic number (never the file
//! name or the Content-Type), the pixel size from the header, the limits the media library
//! keeps, and then a bounded decode of the whole picture, so a file with a valid header and
//! damaged or cut-off data is refused before anyone stores or serves it. No I/O.

pub mod meta;
pub mod renditions;

/// Largest upload, in bytes.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// Pictures larger than this many pixels are refused (decoding them would need too much memory).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Neither side may be longer than this.
pub const MAX_SIDE: u64 = 12_000;
/// Decoding one upload may allocate at most this much: a picture at [`MAX_PIXELS`] decodes to
/// 160 MB of RGBA, and the decoder is refused anything beyond this bound.
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// What an upload is, judged by its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some(("image/jpeg", "jpg")),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(("image/png", "png")),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(("image/gif", "gif")),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(("image/webp", "webp")),
        [_, _, _, _, b'f', b't', b'y', b'p', b'a', b'v', b'i', b'f', ..] => Some(("image/avif", "avif")),
        _ => None,
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UploadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {0} bytes; the limit is {MAX_BYTES}")]
    TooLarge(usize),
    #[error("the file is not a JPEG, PNG, WebP, GIF or AVIF picture (judged by its contents)")]
    NotAPicture,
    #[error("the picture's size cannot be read: {0}")]
    Unreadable(String),
    #[error("the picture is {0}×{1} pixels; the limits are {MAX_SIDE} on a side and {MAX_PIXELS} in all")]
    TooManyPixels(u64, u64),
    #[error("the picture's data is damaged or cut off ({0})")]
    Damaged(String),
}

/// Checks an upload; returns its type, extension and pixel size.
pub fn check(bytes: &[u8]) -> Result<(&'static str, &'static str, u64, u64), UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(UploadError::TooLarge(bytes.len()));
    }
    let (mime, ext) = sniff(bytes).ok_or(UploadError::NotAPicture)?;
    let size = imagesize::blob_size(bytes).map_err(|e| UploadError::Unreadable(e.to_string()))?;
    let (w, h) = (size.width as u64, size.height as u64);
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS {
        return Err(UploadError::TooManyPixels(w, h));
    }
    decode(bytes, mime, (w, h))?;
    Ok((mime, ext, w, h))
}

/// Longest side of a thumbnail, in pixels (the newsroom's library and pickers show them at up to
/// 320 CSS pixels, so this is sharp on a 1.25× screen).
pub const THUMBNAIL_SIDE: u32 = 400;

/// A JPEG thumbnail of a checked picture (see [`check`]), at most [`THUMBNAIL_SIDE`] on its
/// longer side, never enlarged; transparency is laid on white. `None` for a picture this build
/// cannot decode (AVIF, SVG): those are shown as they are.
pub fn thumbnail(bytes: &[u8]) -> Result<Option<Vec<u8>>, UploadError> {
    // Upright (its EXIF orientation applied), so that a focal point clicked on it is the
    // picture's own.
    let Some(upright) = renditions::upright(bytes)? else { return Ok(None) };
    let picture = upright.into_image();
    let small = if picture.width().max(picture.height()) > THUMBNAIL_SIDE {
        picture.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        picture
    };
    let rgba = small.to_rgba8();
    let mut rgb = ::image::RgbImage::new(rgba.width(), rgba.height());
    for (to, from) in rgb.pixels_mut().zip(rgba.pixels()) {
        let [r, g, b, a] = from.0;
        let over_white = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        to.0 = [over_white(r), over_white(g), over_white(b)];
    }
    let mut out = Vec::new();
    ::image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&rgb)
        .map_err(|e| UploadError::Damaged(e.to_string()))?;
    Ok(Some(out))
}

/// Decodes the whole picture (the first frame of an animation) within [`MAX_DECODE_BYTES`] and
/// checks that it is the size its header claims. AVIF has no decoder here (it would need a C
/// library), so AVIF is judged by its header alone.
fn decode(bytes: &[u8], mime: &str, (w, h): (u64, u64)) -> Result<(), UploadError> {
    let format = match mime {
        "image/jpeg" => ::image::ImageFormat::Jpeg,
        "image/png" => ::image::ImageFormat::Png,
        "image/gif" => ::image::ImageFormat::Gif,
        "image/webp" => ::image::ImageFormat::WebP,
        _ => return Ok(()),
    };
    let mut reader = ::image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = ::image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE as u32);
    limits.max_image_height = Some(MAX_SIDE as u32);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    // The JPEG decoder fills a cut-off scan with grey rather than failing, so a JPEG's segments
    // are walked to its end first.
    if format == ::image::ImageFormat::Jpeg {
        jpeg_is_whole(bytes).map_err(|e| UploadError::Damaged(e.into()))?;
    }
    let picture = reader.decode().map_err(|e| UploadError::Damaged(e.to_string()))?;
    if (picture.width() as u64, picture.height() as u64) != (w, h) {
        return Err(UploadError::Damaged(format!(
            "the header says {w}×{h} but the data holds {}×{}",
            picture.width(),
            picture.height()
        )));
    }
    Ok(())
}

/// Walks a JPEG's segments from its start marker to its end marker (EOI): each segment by its
/// length, each scan's entropy-coded data to the next marker (a 0xFF there is always followed by
/// 0x00 or a restart marker). Bytes after EOI (some cameras append their own data) are allowed.
fn jpeg_is_whole(bytes: &[u8]) -> Result<(), &'static str> {
    let mut i = 2; // after SOI (FF D8), which `sniff` has seen
    loop {
        // Fill bytes (0xFF repeated) may come before a marker.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else {
            return Err("the file ends before the picture does (no end-of-image marker)");
        };
        i += 2;
        match marker {
            0xD9 => return Ok(()),
            0x01 | 0xD0..=0xD7 => continue, // markers without a length
            _ => {}
        }
        let len = match (bytes.get(i), bytes.get(i + 1)) {
            (Some(&hi), Some(&lo)) => usize::from(hi) << 8 | usize::from(lo),
            _ => return Err("the file ends inside a segment header"),
        };
        if len < 2 || i + len > bytes.len() {
            return Err("the file ends inside a segment");
        }
        i += len;
        if marker == 0xDA {
            // Entropy-coded data runs to the next marker that is not a stuffed byte or a restart.
            loop {
                match (bytes.get(i), bytes.get(i + 1)) {
                    (Some(&0xFF), Some(&(0x00 | 0xD0..=0xD7))) => i += 2,
                    (Some(&0xFF), Some(_)) => break,
                    (Some(_), _) => i += 1,
                    (None, _) => return Err("the file ends inside the picture data"),
                }
            }
        }
    }
}

/// A whole 3×2 PNG: a small picture this module accepts, for tests here and in the crates that
/// take uploads (and a fuzzing seed).
#[doc(hidden)]
pub fn tiny_png() -> Vec<u8> {
    let picture = ::image::RgbImage::from_fn(3, 2, |x, y| ::image::Rgb([x as u8 * 80, y as u8 * 120, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, ::image::ImageFormat::Png).expect("encoding a PNG in memory");
    out.into_inner()
}

/// A real JPEG of at least `min_bytes` (a camera-sized photo for upload tests): noisy pixels at a
/// high quality, so it is large, and a gradient, so it is a picture. Deterministic.
#[doc(hidden)]
pub fn test_jpeg(min_bytes: usize) -> Vec<u8> {
    let mut side = 512u32;
    loop {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let picture = ::image::RgbImage::from_fn(side * 4 / 3, side, |x, y| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let noise = (seed & 0x3f) as u8;
            ::image::Rgb([(x % 256) as u8 / 2 + noise, (y % 256) as u8 / 2 + noise, 96 + noise])
        });
        let mut out = Vec::new();
        ::image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 98)
            .encode_image(&picture)
            .expect("encoding a JPEG in memory");
        if out.len() >= min_bytes {
            return out;
        }
        side = side * 3 / 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn thumbnails_are_small_jpegs_of_the_picture_never_enlarged() {
        let big = test_jpeg(300_000);
        let (_, _, w, h) = check(&big).unwrap();
        let small = thumbnail(&big).unwrap().unwrap();
        let (mime, _, tw, th) = check(&small).unwrap();
        assert_eq!(mime, "image/jpeg");
        assert_eq!(tw.max(th), u64::from(THUMBNAIL_SIDE), "{w}×{h} became {tw}×{th}");
        assert!((tw as f64 / th as f64 - w as f64 / h as f64).abs() < 0.02, "the shape is kept");
        assert!(small.len() * 5 < big.len(), "{} bytes from {}", small.len(), big.len());
        let tiny = thumbnail(&tiny_png()).unwrap().unwrap();
        let (_, _, tw, th) = check(&tiny).unwrap();
        assert_eq!(
            (tw, th),
            {
                let (_, _, w, h) = check(&tiny_png()).unwrap();
                (w, h)
            },
            "never enlarged"
        );
        assert_eq!(thumbnail(b"<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap(), None);
    }

    #[test]
    fn pictures_are_judged_by_their_bytes() {
        assert_eq!(check(&tiny_png()), Ok(("image/png", "png", 3, 2)));
        assert_eq!(check(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), Err(UploadError::NotAPicture));
        assert_eq!(check(b""), Err(UploadError::Empty));
        let mut huge = tiny_png();
        huge[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        assert_eq!(check(&huge), Err(UploadError::TooManyPixels(20_000, 2)));
    }

    #[test]
    fn a_picture_with_a_good_header_and_damaged_data_is_refused() {
        // A 6300×6300 PNG header followed by nothing: the size passes, the data does not.
        let mut header_only = tiny_png()[..33].to_vec();
        header_only[16..20].copy_from_slice(&6300u32.to_be_bytes());
        header_only[20..24].copy_from_slice(&6300u32.to_be_bytes());
        assert!(matches!(check(&header_only), Err(UploadError::Damaged(_))), "{:?}", check(&header_only));
        let png = tiny_png();
        assert!(matches!(check(&png[..png.len() - 20]), Err(UploadError::Damaged(_))));
        let jpeg = test_jpeg(100_000);
        assert_eq!(check(&jpeg).map(|c| c.0), Ok("image/jpeg"));
        let cut = &jpeg[..jpeg.len() / 3];
        assert!(matches!(check(cut), Err(UploadError::Damaged(_))), "a JPEG cut at a third: {:?}", check(cut));
    }

    proptest! {
        #[test]
        fn any_bytes_get_an_answer_not_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = check(&bytes);
        }
    }
}
