//! Uploaded pictures, judged by their bytes: the type from the magic number (never the file
//! name or the Content-Type), the pixel size from the header, and the limits the media library
//! keeps. No decoding and no I/O, so it is cheap to run on anything and to fuzz.

/// Largest upload, in bytes.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// Pictures larger than this many pixels are refused (decoding them would need too much memory).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Neither side may be longer than this.
pub const MAX_SIDE: u64 = 12_000;

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
    Ok((mime, ext, w, h))
}

/// A 3×2 PNG header: the smallest picture this module accepts, for tests here and in the
/// crates that take uploads (and a fuzzing seed).
#[doc(hidden)]
pub fn tiny_png() -> Vec<u8> {
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
    png.extend_from_slice(&3u32.to_be_bytes());
    png.extend_from_slice(&2u32.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    png
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pictures_are_judged_by_their_bytes() {
        assert_eq!(check(&tiny_png()), Ok(("image/png", "png", 3, 2)));
        assert_eq!(check(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), Err(UploadError::NotAPicture));
        assert_eq!(check(b""), Err(UploadError::Empty));
        let mut huge = tiny_png();
        huge[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        assert_eq!(check(&huge), Err(UploadError::TooManyPixels(20_000, 2)));
    }

    proptest! {
        #[test]
        fn any_bytes_get_an_answer_not_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = check(&bytes);
        }
    }
}
