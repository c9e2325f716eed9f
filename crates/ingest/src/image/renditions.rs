//! Making a picture's renditions: decoded once within the upload limits, turned upright by its
//! EXIF orientation, then each crop and width (`core::picture`) resized (Lanczos3) and written as
//! WebP (libwebp, quality 78) and as JPEG (quality 82) or, for a picture with transparency, PNG.
//! Nothing of the original's metadata is written: EXIF (GPS included), IPTC and XMP stay in the
//! original alone. No I/O: each rendition is handed to the caller as it is made.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageReader};
use newsdesk_core::picture::{self, Crop, Framing, Rendered};

use super::{MAX_DECODE_BYTES, MAX_SIDE, UploadError, sniff};

pub const JPEG_QUALITY: u8 = 82;
pub const WEBP_QUALITY: f32 = 78.0;
/// AVIF's quantizer range (0 best to 63 worst) and encoder speed (0 slowest to 10 fastest).
pub const AVIF_QUANTIZER: (i32, i32) = (20, 34);
pub const AVIF_SPEED: i32 = 8;
/// Whether this build makes AVIF renditions (it found libavif; see build.rs).
pub const AVIF: bool = cfg!(has_avif);

/// A picture decoded and upright, ready to be cut.
pub struct Upright {
    picture: DynamicImage,
    alpha: bool,
}

impl Upright {
    pub fn width(&self) -> u32 {
        self.picture.width()
    }
    pub fn height(&self) -> u32 {
        self.picture.height()
    }
    pub fn alpha(&self) -> bool {
        self.alpha
    }
    pub fn into_image(self) -> DynamicImage {
        self.picture
    }
}

/// Decodes a checked picture (see [`super::check`]) within [`MAX_DECODE_BYTES`], applies its
/// EXIF orientation and notes whether any pixel is see-through. `None` for a type this build
/// cannot decode (AVIF): such a picture is served as it is.
pub fn upright(bytes: &[u8]) -> Result<Option<Upright>, UploadError> {
    let format = match sniff(bytes).map(|(mime, _)| mime) {
        Some("image/jpeg") => image::ImageFormat::Jpeg,
        Some("image/png") => image::ImageFormat::Png,
        Some("image/gif") => image::ImageFormat::Gif,
        Some("image/webp") => image::ImageFormat::WebP,
        _ => return Ok(None),
    };
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE as u32);
    limits.max_image_height = Some(MAX_SIDE as u32);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| UploadError::Damaged(e.to_string()))?;
    let orientation = decoder.orientation().map_err(|e| UploadError::Damaged(e.to_string()))?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| UploadError::Damaged(e.to_string()))?;
    picture.apply_orientation(orientation);
    let alpha = picture.color().has_alpha() && picture.to_rgba8().pixels().any(|p| p.0[3] < 255);
    // Eight-bit RGB or RGBA, converted only when it is something else (a 12-megapixel JPEG is
    // 36 MB of RGB: not copied again).
    let picture = match picture {
        p @ DynamicImage::ImageRgb8(_) if !alpha => p,
        p @ DynamicImage::ImageRgba8(_) if alpha => p,
        p if alpha => DynamicImage::ImageRgba8(p.to_rgba8()),
        p => DynamicImage::ImageRgb8(p.to_rgb8()),
    };
    Ok(Some(Upright { picture, alpha }))
}

/// One rendition, encoded.
pub struct Rendition {
    pub crop: Crop,
    pub width: u32,
    pub height: u32,
    /// `webp`, `jpg` or `png`.
    pub ext: &'static str,
    pub bytes: Vec<u8>,
}

/// Makes every rendition of `source` framed as `framing` says, handing each to `emit` as soon as
/// it is encoded (so at most one is held at a time); returns what pages need to point at them.
pub fn make<E>(
    source: &Upright,
    framing: &Framing,
    mut emit: impl FnMut(Rendition) -> Result<(), E>,
) -> Result<Rendered, RenditionError<E>> {
    let (w, h) = (source.width(), source.height());
    let mut resizer = fast_image_resize::Resizer::new();
    for crop in Crop::ALL {
        let cut = picture::rect(crop, w, h, framing);
        // Largest first, each smaller size from the one before it: a resize from 2048 pixels
        // wide costs a fraction of one from the camera's 4000 (see bench/RESULTS.md). The first
        // reads the cut straight from the picture, without copying it.
        let mut larger: Option<DynamicImage> = None;
        for (width, height) in picture::sizes(crop, w, h, framing).into_iter().rev() {
            let sized = match &larger {
                None if (width, height) == (cut.w, cut.h) => source.picture.crop_imm(cut.x, cut.y, cut.w, cut.h),
                None => resize(&mut resizer, &source.picture, Some(cut), width, height)?,
                Some(l) => resize(&mut resizer, l, None, width, height)?,
            };
            for (ext, _) in picture::formats(source.alpha, AVIF) {
                let bytes = encode(&sized, ext).map_err(RenditionError::Encode)?;
                emit(Rendition { crop, width, height, ext, bytes }).map_err(RenditionError::Emit)?;
            }
            larger = Some(sized);
        }
    }
    Ok(Rendered {
        version: picture::version(framing),
        width: w,
        height: h,
        alpha: source.alpha,
        avif: AVIF,
        framing: framing.clone(),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum RenditionError<E> {
    #[error("encoding a rendition: {0}")]
    Encode(String),
    #[error("storing a rendition: {0}")]
    Emit(E),
}

/// `from` (or its `cut`) at `width`×`height`, by Lanczos3.
fn resize<E>(
    resizer: &mut fast_image_resize::Resizer,
    from: &DynamicImage,
    cut: Option<picture::Rect>,
    width: u32,
    height: u32,
) -> Result<DynamicImage, RenditionError<E>> {
    use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions};
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if let Some(c) = cut {
        options = options.crop(f64::from(c.x), f64::from(c.y), f64::from(c.w), f64::from(c.h));
    }
    let mut out = DynamicImage::new(width, height, from.color());
    resizer.resize(from, &mut out, &options).map_err(|e| RenditionError::Encode(format!("resizing: {e}")))?;
    Ok(out)
}

fn encode(picture: &DynamicImage, ext: &str) -> Result<Vec<u8>, String> {
    let (w, h) = (picture.width(), picture.height());
    match (ext, picture) {
        #[cfg(has_avif)]
        ("avif", DynamicImage::ImageRgba8(rgba)) => avif::encode(rgba.as_raw(), w, h, true),
        #[cfg(has_avif)]
        ("avif", other) => avif::encode(other.to_rgb8().as_raw(), w, h, false),
        ("webp", DynamicImage::ImageRgba8(rgba)) => {
            Ok(webp::Encoder::from_rgba(rgba.as_raw(), w, h).encode(WEBP_QUALITY).to_vec())
        }
        ("webp", other) => {
            let rgb = other.to_rgb8();
            Ok(webp::Encoder::from_rgb(rgb.as_raw(), w, h).encode(WEBP_QUALITY).to_vec())
        }
        ("png", other) => {
            let mut out = std::io::Cursor::new(Vec::new());
            other.write_to(&mut out, image::ImageFormat::Png).map_err(|e| e.to_string())?;
            Ok(out.into_inner())
        }
        (_, other) => {
            let mut out = Vec::new();
            JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
                .encode_image(&other.to_rgb8())
                .map_err(|e| e.to_string())?;
            Ok(out)
        }
    }
}

/// Debian's libavif through `csrc/avif_shim.c` (see build.rs).
#[cfg(has_avif)]
mod avif {
    unsafe extern "C" {
        fn nd_avif_encode(
            pixels: *const u8,
            width: u32,
            height: u32,
            has_alpha: i32,
            min_quantizer: i32,
            max_quantizer: i32,
            speed: i32,
            out: *mut *mut u8,
            out_len: *mut usize,
        ) -> i32;
        fn nd_avif_free(data: *mut u8);
    }

    /// Encodes `width`×`height` 8-bit RGB (or RGBA) pixels as AVIF.
    pub fn encode(pixels: &[u8], width: u32, height: u32, alpha: bool) -> Result<Vec<u8>, String> {
        let channels = if alpha { 4 } else { 3 };
        if pixels.len() != width as usize * height as usize * channels {
            return Err("AVIF: the pixel buffer is not the picture's size".into());
        }
        let (mut out, mut len) = (std::ptr::null_mut(), 0usize);
        let (lo, hi) = super::AVIF_QUANTIZER;
        // SAFETY: `pixels` holds width×height pixels of `channels` bytes (checked above) and is
        // only read; `out` and `len` are written by the shim, which returns 0 only with `out`
        // pointing at `len` bytes it allocated, freed here by `nd_avif_free` after copying.
        let status = unsafe {
            nd_avif_encode(
                pixels.as_ptr(),
                width,
                height,
                i32::from(alpha),
                lo,
                hi,
                super::AVIF_SPEED,
                &mut out,
                &mut len,
            )
        };
        if status != 0 || out.is_null() {
            return Err(format!("AVIF encoding failed (libavif result {status})"));
        }
        // SAFETY: as above: `out` points at `len` initialised bytes owned by the shim until freed.
        let bytes = unsafe { std::slice::from_raw_parts(out, len) }.to_vec();
        // SAFETY: `out` came from the shim's malloc and is freed once.
        unsafe { nd_avif_free(out) };
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsdesk_core::picture::Focus;

    fn made(bytes: &[u8], framing: &Framing) -> (Rendered, Vec<Rendition>) {
        let source = upright(bytes).unwrap().unwrap();
        let mut out = Vec::new();
        let rendered = make::<()>(&source, framing, |r| {
            out.push(r);
            Ok(())
        })
        .unwrap();
        (rendered, out)
    }

    #[test]
    fn every_crop_and_width_in_each_format_at_the_size_it_says() {
        let jpeg = super::super::test_jpeg(200_000);
        let (_, _, w, h) = super::super::check(&jpeg).unwrap();
        let framing = Framing { focus: Focus { x: 0.3, y: 0.6 }, ..Framing::default() };
        let (rendered, out) = made(&jpeg, &framing);
        assert_eq!((u64::from(rendered.width), u64::from(rendered.height)), (w, h));
        assert!(!rendered.alpha);
        assert_eq!(rendered.avif, AVIF);
        let formats = rendered.formats().len();
        let expected: usize = Crop::ALL
            .iter()
            .map(|c| picture::sizes(*c, rendered.width, rendered.height, &framing).len() * formats)
            .sum();
        assert_eq!(out.len(), expected);
        for r in &out {
            let (mime, _, rw, rh) = super::super::check(&r.bytes).unwrap();
            assert_eq!((rw, rh), (u64::from(r.width), u64::from(r.height)), "{:?} {}", r.crop, r.ext);
            let expected = match r.ext {
                "webp" => "image/webp",
                "avif" => "image/avif",
                _ => "image/jpeg",
            };
            assert_eq!(mime, expected);
        }
        let social = out.iter().find(|r| r.crop == Crop::Social).unwrap();
        assert_eq!((social.width, social.height), picture::SOCIAL.min((social.width, social.height)));
    }

    #[test]
    fn a_sideways_camera_photo_is_turned_upright_and_loses_its_metadata() {
        let jpeg = super::super::meta::test_camera_jpeg(640, 480, "Caption", "Credit");
        assert!(super::super::meta::describe(&jpeg).gps);
        let source = upright(&jpeg).unwrap().unwrap();
        assert_eq!((source.width(), source.height()), (480, 640), "orientation 6: a quarter turn right");
        // The stored top-left marker is now at the top right.
        let px = |x, y| source.picture.to_rgb8().get_pixel(x, y).0;
        assert!(px(470, 5)[0] > 200 && px(5, 5)[0] < 200, "{:?} {:?}", px(470, 5), px(5, 5));
        let (_, out) = made(&jpeg, &Framing::default());
        for r in &out {
            let d = super::super::meta::describe(&r.bytes);
            assert_eq!(d, super::super::meta::Described::default(), "{:?}-{} {}", r.crop, r.width, r.ext);
            assert!(!r.bytes.windows(4).any(|w| w == b"Exif"), "no EXIF block in {:?}-{}.{}", r.crop, r.width, r.ext);
            assert!(r.height >= r.width || r.crop != Crop::Original, "upright");
        }
    }

    #[test]
    fn an_animation_of_thousands_of_frames_is_read_for_its_first_frame_only() {
        // 3000 frames: the check and the renditions decode the first and stop.
        let mut gif = Vec::new();
        {
            let mut enc = image::codecs::gif::GifEncoder::new(&mut gif);
            for n in 0..3000u32 {
                let frame = image::RgbaImage::from_pixel(64, 48, image::Rgba([(n % 255) as u8, 40, 90, 255]));
                enc.encode_frame(image::Frame::new(frame)).unwrap();
            }
        }
        let t0 = std::time::Instant::now();
        assert_eq!(super::super::check(&gif).map(|c| (c.2, c.3)), Ok((64, 48)));
        let (rendered, out) = made(&gif, &Framing::default());
        assert_eq!((rendered.width, rendered.height), (64, 48));
        assert!(out.iter().all(|r| r.width <= 64));
        eprintln!("3000-frame GIF ({} bytes): checked and rendered in {:?}", gif.len(), t0.elapsed());
    }

    #[test]
    fn transparency_falls_back_to_png() {
        let mut rgba = image::RgbaImage::new(40, 30);
        rgba.put_pixel(3, 3, image::Rgba([255, 0, 0, 10]));
        let mut png = std::io::Cursor::new(Vec::new());
        rgba.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let (rendered, out) = made(png.get_ref(), &Framing::default());
        assert!(rendered.alpha);
        assert!(out.iter().all(|r| matches!(r.ext, "avif" | "webp" | "png")));
    }
}
