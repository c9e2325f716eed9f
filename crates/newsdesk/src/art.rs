//! Cover pictures for the demo, drawn as SVG: a landscape or a city at a time of day, in a
//! palette per section, laid out by a small deterministic generator seeded by the headline.

use std::fmt::Write;

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

/// A 1200×675 SVG cover for a story.
pub fn cover(headline: &str, section: &str) -> String {
    let mut rng = Rng::new(headline);
    let [sky_top, sky_bottom, sun, far, mid, near] = palette(section, &mut rng);
    let mut svg = String::with_capacity(4096);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 675" width="1200" height="675"><defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{sky_top}"/><stop offset="1" stop-color="{sky_bottom}"/></linearGradient></defs><rect width="1200" height="675" fill="url(#sky)"/>"##
    );
    let (sx, sy, sr) = (rng.range(150.0, 1050.0), rng.range(110.0, 300.0), rng.range(40.0, 90.0));
    let _ = write!(
        svg,
        r#"<circle cx="{sx:.0}" cy="{sy:.0}" r="{:.0}" fill="{sun}" opacity=".25"/><circle cx="{sx:.0}" cy="{sy:.0}" r="{sr:.0}" fill="{sun}"/>"#,
        sr * 1.6
    );
    for _ in 0..(rng.next() % 4) {
        let (cx, cy, w) = (rng.range(0.0, 1200.0), rng.range(60.0, 260.0), rng.range(80.0, 200.0));
        let _ = write!(
            svg,
            r##"<ellipse cx="{cx:.0}" cy="{cy:.0}" rx="{w:.0}" ry="{:.0}" fill="#ffffff" opacity=".35"/>"##,
            w / 5.0
        );
    }
    let city = matches!(section, "business" | "europe") && rng.next().is_multiple_of(2);
    ridge(&mut svg, &mut rng, far, 380.0, 70.0, 7);
    if city {
        skyline(&mut svg, &mut rng, mid, sun);
    } else {
        ridge(&mut svg, &mut rng, mid, 460.0, 60.0, 5);
    }
    ridge(&mut svg, &mut rng, near, 560.0, 40.0, 4);
    svg.push_str("</svg>\n");
    svg
}

/// A smooth band of hills across the picture, filled to the bottom.
fn ridge(svg: &mut String, rng: &mut Rng, fill: &str, base: f64, height: f64, peaks: usize) {
    let step = 1200.0 / peaks as f64;
    let y = base - rng.range(0.0, height);
    let _ = write!(svg, r#"<path fill="{fill}" d="M0 675L0 {y:.0}"#);
    for i in 0..peaks {
        let x = step * (i as f64 + 1.0);
        let ny = base - rng.range(0.0, height);
        let cx = x - step / 2.0;
        let cy = base - rng.range(height * 0.5, height * 1.8);
        let _ = write!(svg, "Q{cx:.0} {cy:.0} {x:.0} {ny:.0}");
    }
    svg.push_str(r#"L1200 675Z"/>"#);
}

/// Towers with lit windows.
fn skyline(svg: &mut String, rng: &mut Rng, fill: &str, light: &str) {
    let mut x = 0.0;
    while x < 1200.0 {
        let w = rng.range(50.0, 120.0);
        let h = rng.range(120.0, 330.0);
        let top = 560.0 - h;
        let _ = write!(
            svg,
            r#"<rect x="{x:.0}" y="{top:.0}" width="{:.0}" height="{:.0}" fill="{fill}"/>"#,
            w - 6.0,
            h + 115.0
        );
        let mut wy = top + 16.0;
        while wy < 540.0 {
            let mut wx = x + 10.0;
            while wx < x + w - 20.0 {
                if rng.next().is_multiple_of(3) {
                    let _ = write!(
                        svg,
                        r#"<rect x="{wx:.0}" y="{wy:.0}" width="8" height="12" fill="{light}" opacity=".8"/>"#
                    );
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
    fn covers_are_deterministic_and_distinct() {
        let a = cover("One headline", "europe");
        assert_eq!(a, cover("One headline", "europe"));
        assert_ne!(a, cover("Another headline", "europe"));
        assert!(a.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(a.trim_end().ends_with("</svg>"));
    }
}
