//! Plain-text page captures: the text a browser shows for a news article page, one element per
//! line. The layout, line by line:
//!
//! ```text
//!  date 2025-09-10 EUROPE               date and section label
//! 1 min read                            reading time
//! Headline
//! Deck                                  optional
//! Headline again                        lead image title   } optional, together
//! Caption text. / CREDIT                caption / credit   }
//! September 10, 2025                    display date
//!
//! Paragraph…                            one line each, blank lines between
//! RECOMMENDED                           optional slot, anywhere in the body
//! RelatedTRT World - Headline           optional, any number, anywhere in the body
//! SOURCE:AA                             optional wire credit
//! Explore                               optional, then one headline per line
//! ```

use jiff::civil::Date;
use newsdesk_core::article::{Block, LeadImage, Section};
use newsdesk_core::dates::parse_english_date;
use newsdesk_core::{Article, Slug, WorkflowState};
use serde::Serialize;

/// What a capture holds, with the field names and order of the seed's expected record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaptureRecord {
    pub section: String,
    pub published_date: Date,
    pub reading_time_minutes: u32,
    pub headline: String,
    pub deck: Option<String>,
    pub image: Option<CaptureImage>,
    pub body_paragraphs: Vec<String>,
    pub recommended_slot_after_paragraph: Option<usize>,
    pub related: Vec<CaptureRelated>,
    pub source: Option<String>,
    pub explore_headlines: Vec<String>,
    /// Everything else the capture shows that the record above has no field for.
    #[serde(skip)]
    pub extra: CaptureExtra,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaptureExtra {
    pub section_label: String,
    pub image_title: Option<String>,
    pub display_date: Option<Date>,
    /// The body in order, with the slot and the links where they stood.
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaptureImage {
    pub caption: String,
    pub credit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaptureRelated {
    pub publication: String,
    pub headline: String,
}

/// A capture that does not follow the layout: the line (1-based) and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CaptureError {
    pub line: usize,
    pub message: String,
}

fn err(line: usize, message: impl Into<String>) -> CaptureError {
    CaptureError { line, message: message.into() }
}

/// Largest capture we read; a real article page is a few kilobytes.
pub const MAX_CAPTURE_BYTES: usize = 4 * 1024 * 1024;

/// Parses one capture. `bytes` must be UTF-8 (a BOM is allowed); CRLF line ends are accepted.
pub fn parse_capture(bytes: &[u8]) -> Result<CaptureRecord, CaptureError> {
    if bytes.len() > MAX_CAPTURE_BYTES {
        return Err(err(1, format!("the file is {} bytes; a capture may be at most {MAX_CAPTURE_BYTES}", bytes.len())));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        err(line, "expected UTF-8 text, found invalid bytes")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    Parser { lines, pos: 0 }.record()
}

struct Parser<'a> {
    lines: Vec<&'a str>,
    pos: usize,
}

impl<'a> Parser<'a> {
    /// The next line, trimmed, with its 1-based number.
    fn next_line(&mut self, expected: &str) -> Result<(usize, &'a str), CaptureError> {
        let n = self.pos + 1;
        let line = self
            .lines
            .get(self.pos)
            .ok_or_else(|| err(n, format!("expected {expected}, found the end of the file")))?;
        self.pos += 1;
        Ok((n, line.trim()))
    }

    fn record(mut self) -> Result<CaptureRecord, CaptureError> {
        let (n, first) = self.next_line("`date YYYY-MM-DD SECTION`")?;
        let (published_date, label) = parse_date_line(first).ok_or_else(|| {
            err(n, format!("expected `date YYYY-MM-DD SECTION` like \"date 2025-09-10 EUROPE\", found {first:?}"))
        })?;
        let section = Section::from_label(label)
            .ok_or_else(|| err(n, format!("expected a section label with letters, found {label:?}")))?;

        let (n, second) = self.next_line("the reading time")?;
        let reading_time_minutes = parse_reading_time(second)
            .ok_or_else(|| err(n, format!("expected the reading time like \"1 min read\", found {second:?}")))?;

        let (n, headline) = self.next_line("the headline")?;
        if headline.is_empty() {
            return Err(err(n, "expected the headline, found an empty line"));
        }

        let (deck, image, display_date) = self.header(headline)?;
        let body = self.body()?;

        let mut record = CaptureRecord {
            section: section.name,
            published_date,
            reading_time_minutes,
            headline: headline.to_string(),
            deck,
            image: image.as_ref().map(|(_, img)| img.clone()),
            body_paragraphs: vec![],
            recommended_slot_after_paragraph: None,
            related: vec![],
            source: body.source,
            explore_headlines: body.explore,
            extra: CaptureExtra {
                section_label: label.to_string(),
                image_title: image.map(|(title, _)| title),
                display_date: Some(display_date),
                blocks: body.blocks,
            },
        };
        for block in &record.extra.blocks {
            match block {
                Block::Paragraph { text, .. } => record.body_paragraphs.push(text.clone()),
                Block::Recommended => record.recommended_slot_after_paragraph = Some(record.body_paragraphs.len()),
                Block::Related { publication, headline, .. } => {
                    record.related.push(CaptureRelated { publication: publication.clone(), headline: headline.clone() })
                }
                _ => {}
            }
        }
        Ok(record)
    }

    /// Deck, lead image (title + "caption / credit") and the display date, which closes the header.
    #[allow(clippy::type_complexity)]
    fn header(
        &mut self,
        headline: &str,
    ) -> Result<(Option<String>, Option<(String, CaptureImage)>, Date), CaptureError> {
        let start = self.pos;
        let mut between: Vec<&str> = vec![];
        let display_date = loop {
            let (n, line) = self.next_line("the display date like \"September 10, 2025\"")?;
            if let Some(d) = parse_english_date(line) {
                break d;
            }
            if line.is_empty() || between.len() == 3 {
                return Err(err(
                    n,
                    format!(
                        "expected the display date like \"September 10, 2025\" within four lines of the headline (line {start}), found {line:?}"
                    ),
                ));
            }
            between.push(line);
        };
        let (deck_lines, image) = match between.as_slice() {
            [rest @ .., title, caption] if caption.contains(" / ") => (rest, Some(split_caption(title, caption))),
            [rest @ .., title, caption] if *title == headline => (rest, Some(split_caption(title, caption))),
            all => (all, None),
        };
        let deck = match deck_lines {
            [] => None,
            [deck] => Some(deck.to_string()),
            _ => {
                return Err(err(
                    start + 2,
                    format!("expected the lead image's caption ending in \" / CREDIT\", found {:?}", deck_lines[1]),
                ));
            }
        };
        Ok((deck, image, display_date))
    }

    fn body(&mut self) -> Result<Body, CaptureError> {
        let mut body = Body::default();
        while self.pos < self.lines.len() {
            let (n, line) = self.next_line("")?;
            if line.is_empty() {
                continue;
            }
            if line == "Explore" {
                body.explore = self.lines[self.pos..]
                    .iter()
                    .map(|l| l.trim())
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect();
                self.pos = self.lines.len();
            } else if line == "RECOMMENDED" {
                if body.blocks.contains(&Block::Recommended) {
                    return Err(err(n, "expected one RECOMMENDED slot, found a second"));
                }
                body.blocks.push(Block::Recommended);
            } else if let Some(agency) = line.strip_prefix("SOURCE:") {
                let agency = agency.trim();
                if agency.is_empty() {
                    return Err(err(n, "expected the wire agency after \"SOURCE:\", found nothing"));
                }
                if body.source.is_some() {
                    return Err(err(n, "expected one SOURCE line, found a second"));
                }
                body.source = Some(agency.to_string());
            } else if let Some(related) = parse_related(line) {
                body.blocks.push(related);
            } else if line.starts_with("Related")
                && line.chars().nth(7).is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
            {
                return Err(err(
                    n,
                    format!("expected a related link like \"RelatedTRT World - Headline\", found {line:?}"),
                ));
            } else {
                if body.source.is_some() {
                    return Err(err(
                        n,
                        format!("expected \"Explore\" or the end after the SOURCE line, found {line:?}"),
                    ));
                }
                body.blocks.push(Block::paragraph(line));
            }
        }
        if !body.blocks.iter().any(|b| matches!(b, Block::Paragraph { .. })) {
            return Err(err(
                self.lines.len().max(1),
                "expected at least one body paragraph after the display date, found none",
            ));
        }
        Ok(body)
    }
}

#[derive(Default)]
struct Body {
    blocks: Vec<Block>,
    source: Option<String>,
    explore: Vec<String>,
}

fn parse_date_line(line: &str) -> Option<(Date, &str)> {
    let rest = line.strip_prefix("date")?;
    let rest = rest.strip_prefix(char::is_whitespace)?.trim_start();
    let (date, label) = rest.split_once(char::is_whitespace)?;
    if date.len() != 10 {
        return None;
    }
    let date: Date = date.parse().ok()?;
    let label = label.trim();
    (!label.is_empty()).then_some((date, label))
}

fn parse_reading_time(line: &str) -> Option<u32> {
    let n = line.strip_suffix("min read")?.trim();
    n.parse().ok().filter(|&n: &u32| (1..=600).contains(&n))
}

/// The credit follows the last " / ": captions may hold " / " themselves.
fn split_caption(title: &str, line: &str) -> (String, CaptureImage) {
    let image = match line.rsplit_once(" / ") {
        Some((caption, credit)) if !credit.trim().is_empty() => {
            CaptureImage { caption: caption.trim().to_string(), credit: Some(credit.trim().to_string()) }
        }
        _ => CaptureImage { caption: line.trim_end_matches(" /").trim().to_string(), credit: None },
    };
    (title.to_string(), image)
}

/// `Related<Publication> - <Headline>`: "Related" glued to a capitalised publication name.
fn parse_related(line: &str) -> Option<Block> {
    let rest = line.strip_prefix("Related")?;
    let first = rest.chars().next()?;
    if !(first.is_uppercase() || first.is_ascii_digit()) {
        return None;
    }
    let (publication, headline) = rest.split_once(" - ")?;
    let (publication, headline) = (publication.trim(), headline.trim());
    if publication.is_empty() || headline.is_empty() {
        return None;
    }
    Some(Block::Related { publication: publication.to_string(), headline: headline.to_string(), url: None })
}

impl CaptureRecord {
    /// The article this capture becomes: published at the capture's date (midnight UTC, as the
    /// capture shows no time), in English.
    pub fn to_article(&self) -> Result<Article, CaptureError> {
        let section = Section::from_label(&self.extra.section_label)
            .ok_or_else(|| err(1, "expected a section label with letters"))?;
        let slug = Slug::from_title(&self.headline)
            .ok_or_else(|| err(3, format!("expected a headline with letters or digits, found {:?}", self.headline)))?;
        let published_at = midnight_utc(self.published_date);
        let updated_at = self.extra.display_date.filter(|d| *d > self.published_date).and_then(midnight_utc);
        let lead_image = self.image.as_ref().map(|img| LeadImage {
            asset: None,
            alt: img.caption.clone(),
            title: self.extra.image_title.clone(),
            caption: Some(img.caption.clone()),
            credit: img.credit.clone(),
            source_url: None,
            caption_marks: vec![],
        });
        Ok(Article {
            id: None,
            section,
            slug,
            headline: self.headline.clone(),
            deck: self.deck.clone(),
            lead_image,
            body: self.extra.blocks.clone(),
            source: self.source.clone(),
            authors: vec![],
            tags: vec![],
            language: "en".into(),
            canonical_url: None,
            embargo: None,
            based_on: None,
            corrections: Vec::new(),
            promo: Default::default(),
            state: WorkflowState::Published,
            published_at,
            updated_at,
        })
    }

    /// Identity of the story the capture shows, stable across re-imports of the same page.
    pub fn external_id(&self) -> String {
        format!("capture:{}:{}:{}", self.published_date, self.extra.section_label.to_lowercase(), self.headline)
    }
}

fn midnight_utc(d: Date) -> Option<jiff::Timestamp> {
    d.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests;
