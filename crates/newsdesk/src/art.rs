//! Cover pictures for the demo, drawn here as JPEGs: a landscape or a city at a time of day, in a
//! palette per section, laid out by a small deterministic generator seeded by the headline.

/// xorshift64*, seeded by FNV-1a of the text: the same headline always draws the same picture.
struct Rng(u64);

impl Rng {
    fn new(text: &str) -> Rng {
        let mut h: u64 = 0xcbf29ce484222325;
        for b in text.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x100000001b3);
        }
        Rng(h | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }

    /// Uniform in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
    }
}

/// Sky top, sky bottom, sun, and three ground tones from far to near.
fn palette(section: &str, rng: &mut Rng) -> [&'static str; 6] {
    const DAWN: [&str; 6] = ["#f6d8c4", "#fbeee0", "#f28c5b", "#c9a7b8", "#9a7a96", "#5d4a66"];
    const NOON: [&str; 6] = ["#8cc8ec", "#e2f2fb", "#fff3b0", "#7fb08a", "#4f8a62", "#2f5a40"];
    const DUSK: [&str; 6] = ["#2d3561", "#c05c7e", "#f3826f", "#5a4a78", "#3b3160", "#1f1b3a"];
    const NIGHT: [&str; 6] = ["#0b1a33", "#28406b", "#f2eccf", "#26385c", "#1a2946", "#0d1526"];
    const DESERT: [&str; 6] = ["#f2c57c", "#fbe7c0", "#fff6d6", "#d99a5b", "#b87333", "#7f4f24"];
    const SEA: [&str; 6] = ["#a7d7e8", "#eef8fb", "#ffe7a3", "#4f9ab8", "#2f7394", "#1b4d66"];
    let choices: &[[&str; 6]] = match section {
        "middle-east" | "africa" => &[DESERT, DUSK, DAWN],
        "business" => &[NIGHT, DUSK, NOON],
        "science" => &[NIGHT, SEA, DAWN],
        "sport" => &[NOON, SEA, DAWN],
        "culture" => &[DUSK, DAWN, NIGHT],
        _ => &[SEA, NOON, DAWN, DUSK],
    };
    choices[(rng.next() % choices.len() as u64) as usize]
}

/// Width and height of a cover.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 675;

/// A cover for a story: a 1200×675 JPEG, the same picture for the same headline, with a
/// photograph's grain, so the demo's pictures go through the renditions as any upload does.
pub fn cover(headline: &str, section: &str) -> Vec<u8> {
    let mut rng = Rng::new(headline);
    let [sky_top, sky_bottom, sun, far, mid, near] = palette(section, &mut rng);
    let mut canvas = Canvas::new(rgb(sky_top), rgb(sky_bottom));
    let (sx, sy, sr) = (rng.range(150.0, 1050.0), rng.range(110.0, 300.0), rng.range(40.0, 90.0));
    canvas.ellipse(sx, sy, sr * 1.6, sr * 1.6, rgb(sun), 0.25);
    canvas.ellipse(sx, sy, sr, sr, rgb(sun), 1.0);
    for _ in 0..(rng.next() % 4) {
        let (cx, cy, w) = (rng.range(0.0, 1200.0), rng.range(60.0, 260.0), rng.range(80.0, 200.0));
        canvas.ellipse(cx, cy, w, w / 5.0, [255, 255, 255], 0.35);
    }
    let city = matches!(section, "business" | "europe") && rng.next().is_multiple_of(2);
    ridge(&mut canvas, &mut rng, rgb(far), 380.0, 70.0, 7);
    if city {
        skyline(&mut canvas, &mut rng, rgb(mid), rgb(sun));
    } else {
        ridge(&mut canvas, &mut rng, rgb(mid), 460.0, 60.0, 5);
    }
    ridge(&mut canvas, &mut rng, rgb(near), 560.0, 40.0, 4);
    canvas.jpeg(&mut rng)
}

fn rgb(hex: &str) -> [u8; 3] {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// An RGB picture drawn with coverage-free shapes (the grain hides their edges).
struct Canvas {
    px: Vec<[f32; 3]>,
}

impl Canvas {
    /// A sky: a vertical gradient from `top` to `bottom`.
    fn new(top: [u8; 3], bottom: [u8; 3]) -> Canvas {
        let mut px = Vec::with_capacity((WIDTH * HEIGHT) as usize);
        for y in 0..HEIGHT {
            let t = y as f32 / (HEIGHT - 1) as f32;
            let c = [0, 1, 2].map(|i| f32::from(top[i]) * (1.0 - t) + f32::from(bottom[i]) * t);
            px.extend(std::iter::repeat_n(c, WIDTH as usize));
        }
        Canvas { px }
    }

    fn blend(&mut self, x: u32, y: u32, c: [u8; 3], alpha: f32) {
        if x < WIDTH && y < HEIGHT {
            let p = &mut self.px[(y * WIDTH + x) as usize];
            for i in 0..3 {
                p[i] = p[i] * (1.0 - alpha) + f32::from(c[i]) * alpha;
            }
        }
    }

    fn ellipse(&mut self, cx: f64, cy: f64, rx: f64, ry: f64, c: [u8; 3], alpha: f32) {
        let (x0, x1) = ((cx - rx).max(0.0) as u32, (cx + rx).min(f64::from(WIDTH)) as u32);
        let (y0, y1) = ((cy - ry).max(0.0) as u32, (cy + ry).min(f64::from(HEIGHT)) as u32);
        for y in y0..y1 {
            for x in x0..x1 {
                let (dx, dy) = ((f64::from(x) - cx) / rx, (f64::from(y) - cy) / ry);
                if dx * dx + dy * dy <= 1.0 {
                    self.blend(x, y, c, alpha);
                }
            }
        }
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, c: [u8; 3], alpha: f32) {
        let (x0, y0) = (x.max(0.0) as u32, y.max(0.0) as u32);
        for yy in y0..((y + h).min(f64::from(HEIGHT)) as u32) {
            for xx in x0..((x + w).min(f64::from(WIDTH)) as u32) {
                self.blend(xx, yy, c, alpha);
            }
        }
    }

    /// Everything below the curve `top(x)` filled with `c`.
    fn below(&mut self, c: [u8; 3], top: impl Fn(f64) -> f64) {
        for x in 0..WIDTH {
            let from = top(f64::from(x)).max(0.0) as u32;
            for y in from..HEIGHT {
                self.blend(x, y, c, 1.0);
            }
        }
    }

    fn jpeg(self, rng: &mut Rng) -> Vec<u8> {
        let mut raw = Vec::with_capacity(self.px.len() * 3);
        for p in &self.px {
            let grain = (rng.next() % 9) as f32 - 4.0;
            raw.extend(p.map(|v| (v + grain).clamp(0.0, 255.0) as u8));
        }
        let picture = image::RgbImage::from_raw(WIDTH, HEIGHT, raw).expect("the canvas holds WIDTH×HEIGHT pixels");
        let mut out = Vec::new();
        // Encoding into memory cannot fail for an RGB picture of this size.
        let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88).encode_image(&picture);
        out
    }
}

/// A smooth band of hills across the picture, filled to the bottom: quadratic curves whose
/// control points sit halfway along each step, so each is a function of x.
fn ridge(canvas: &mut Canvas, rng: &mut Rng, fill: [u8; 3], base: f64, height: f64, peaks: usize) {
    let step = 1200.0 / peaks as f64;
    let mut y0 = base - rng.range(0.0, height);
    let mut segments = Vec::with_capacity(peaks);
    for i in 0..peaks {
        let ny = base - rng.range(0.0, height);
        let cy = base - rng.range(height * 0.5, height * 1.8);
        segments.push((step * i as f64, y0, cy, ny));
        y0 = ny;
    }
    canvas.below(fill, |x| {
        let i = ((x / step) as usize).min(peaks - 1);
        let (x0, a, c, b) = segments[i];
        let t = (x - x0) / step;
        (1.0 - t) * (1.0 - t) * a + 2.0 * t * (1.0 - t) * c + t * t * b
    });
}

/// Towers with lit windows.
fn skyline(canvas: &mut Canvas, rng: &mut Rng, fill: [u8; 3], light: [u8; 3]) {
    let mut x = 0.0;
    while x < 1200.0 {
        let w = rng.range(50.0, 120.0);
        let h = rng.range(120.0, 330.0);
        let top = 560.0 - h;
        canvas.rect(x, top, w - 6.0, h + 115.0, fill, 1.0);
        let mut wy = top + 16.0;
        while wy < 540.0 {
            let mut wx = x + 10.0;
            while wx < x + w - 20.0 {
                if rng.next().is_multiple_of(3) {
                    canvas.rect(wx, wy, 8.0, 12.0, light, 0.8);
                }
                wx += 18.0;
            }
            wy += 26.0;
        }
        x += w;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_are_deterministic_and_distinct_pictures() {
        let a = cover("One headline", "europe");
        assert_eq!(a, cover("One headline", "europe"));
        assert_ne!(a, cover("Another headline", "europe"));
        assert_eq!(newsdesk_ingest::image::check(&a), Ok(("image/jpeg", "jpg", u64::from(WIDTH), u64::from(HEIGHT))));
    }
}
