//! IPTC 7901 and its American sibling ANPA 1312: the plain-text wire, still on the line at some
//! agencies. A file holds one or more messages, each framed by control characters: SOH (0x01)
//! opens the header, STX (0x02) the text, ETX (0x03) ends it and the trailer runs to EOT (0x04)
//! or the next SOH.
//!
//! What is read: from the header, the message number, priority (flash, bulletin, urgent, routine,
//! deferred as urgency 1 to 6), category and keyword (slug: the story's identity, so a
//! write-through of the same keyword updates it, its lead number the version), and a `KILL` or
//! `WITHDRAWN` advisory (a kill); from the text, the keyword line, the headline (the first line,
//! AP's `^…<` marks taken off), the dateline (`CITY (Agency) —`) and the paragraphs (blank lines or
//! indented lines start one); from the trailer, the time sent. Text that is not UTF-8 is read as
//! Windows-1252 (the wire's Latin-1 in practice). Left out: selector codes, word counts, the
//! IPTC 7901 heading's originator codes, and format codes other than `^` and `<`.

use crate::item::{Format, ItemError, Parsed, PubStatus, WireItem};
use newsdesk_core::Block;

/// Largest file read.
pub const MAX_7901_BYTES: usize = 8 * 1024 * 1024;

const SOH: char = '\u{1}';
const STX: char = '\u{2}';
const ETX: char = '\u{3}';
const EOT: char = '\u{4}';

pub fn parse_7901(bytes: &[u8]) -> Result<Parsed, ItemError> {
    if bytes.len() > MAX_7901_BYTES {
        return Err(ItemError::document(format!("{} bytes; at most {MAX_7901_BYTES} are read", bytes.len())));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    if !text.contains(SOH) || !text.contains(STX) {
        return Err(ItemError::document("no SOH and STX framing: not an IPTC 7901 / ANPA 1312 message"));
    }
    let messages: Vec<&str> = text
        .split(SOH)
        .skip(1)
        .filter(|m| !m.trim_matches(|c: char| c.is_whitespace() || c.is_control()).is_empty())
        .collect();
    let several = messages.len() > 1;
    let mut parsed = Parsed::default();
    for (i, m) in messages.into_iter().enumerate() {
        let at = several.then_some(i);
        match message(m) {
            Ok(Ok(item)) => parsed.items.push(item),
            Ok(Err(why)) => parsed.skipped.push((String::new(), why)),
            Err(e) => parsed.failed.push(e.at(at)),
        }
    }
    Ok(parsed)
}

/// Printable text of a header or trailer line (control characters as spaces).
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn urgency(priority: &str) -> Option<i64> {
    Some(match priority.to_ascii_lowercase().as_str() {
        "f" | "1" => 1,
        "b" | "2" => 2,
        "u" | "3" => 3,
        "r" | "4" | "5" => 5,
        "d" | "6" => 6,
        _ => return None,
    })
}

fn message(m: &str) -> Result<Result<WireItem, String>, ItemError> {
    let (header, rest) =
        m.split_once(STX).ok_or_else(|| ItemError::new("STX", "missing: the message's text never starts"))?;
    let (body, trailer) = match rest.split_once(ETX) {
        Some((b, t)) => (b, t.split(EOT).next().unwrap_or("")),
        None => (rest.split(EOT).next().unwrap_or(rest), ""),
    };
    let header = printable(header);
    let tokens: Vec<&str> = header.split(' ').filter(|t| !t.is_empty()).collect();
    let number = tokens.first().map(|t| t.to_string());
    let priority = tokens.iter().skip(1).find(|t| t.len() == 1).and_then(|p| urgency(p));
    let keyword = tokens
        .iter()
        .skip(1)
        .find(|t| t.len() > 2 && t.chars().any(char::is_alphabetic))
        .map(|k| k.trim_end_matches(',').to_string());
    let killed = ["KILL", "WITHDRAWN", "ELIMINATION"]
        .iter()
        .any(|k| header.contains(k) || body.lines().take(3).any(|l| l.contains(k)));
    let lead = header.split(|c: char| !c.is_ascii_alphanumeric()).collect::<Vec<_>>().windows(2).find_map(|w| {
        let n: String = w[0].chars().take_while(char::is_ascii_digit).collect();
        (!n.is_empty() && w[1].eq_ignore_ascii_case("Ld")).then_some(n)
    });

    // The text: lines, the keyword line left out, `^…<` marks taken off.
    let mut lines: Vec<String> =
        body.lines().map(|l| l.chars().filter(|c| *c == '\t' || !c.is_control()).collect::<String>()).collect();
    while lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    if let (Some(first), Some(k)) = (lines.first(), &keyword)
        && first.trim().trim_start_matches('^').starts_with(k.as_str())
    {
        lines.remove(0);
    }
    let clean = |l: &str| {
        let l = l.trim().trim_start_matches('^').trim_end_matches('<');
        l.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let headline_at = lines.iter().position(|l| !l.trim().is_empty());
    let headline = headline_at.map(|i| clean(&lines[i])).filter(|h| !h.is_empty() && h.chars().count() <= 200);
    let start = if headline.is_some() { headline_at.map_or(0, |i| i + 1) } else { 0 };
    let mut paragraphs: Vec<String> = vec![];
    let mut current = String::new();
    for line in &lines[start..] {
        let starts_new = line.trim().is_empty() || line.starts_with('\t') || line.starts_with("  ");
        if starts_new && !current.is_empty() {
            paragraphs.push(std::mem::take(&mut current));
        }
        let text = clean(line);
        if !text.is_empty() {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(&text);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    let Some(headline) = headline.or_else(|| paragraphs.first().map(|p| p.chars().take(120).collect())) else {
        return Ok(Err("no headline and no text".into()));
    };
    let located = paragraphs.first().and_then(|p| {
        let (place, _) = p.split_once(" (")?;
        (place.len() <= 40 && place.chars().any(char::is_alphabetic) && place.chars().all(|c| !c.is_lowercase()))
            .then(|| place.trim_end_matches(',').to_string())
    });
    let mut blocks: Vec<Block> = paragraphs.into_iter().map(Block::paragraph).collect();
    if blocks.is_empty() {
        blocks.push(Block::paragraph(headline.clone()));
    }
    let identity = keyword
        .clone()
        .or(number.clone())
        .ok_or_else(|| ItemError::new("header", "no message number or keyword to know the story by"))?;
    let mut item = WireItem::new(Format::Iptc7901, format!("iptc7901:{identity}"), headline, blocks);
    item.version = lead;
    item.urgency = priority;
    item.located = located;
    item.slug = keyword.map(|k| k.to_lowercase());
    item.pub_status = if killed { PubStatus::Canceled } else { PubStatus::Usable };
    let sent = printable(trailer);
    item.version_created = crate::dates::parse(&sent);
    item.first_created = item.version_created;
    Ok(Ok(item))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn wire(header: &str, text: &str, trailer: &str) -> Vec<u8> {
        format!("\u{16}\u{16}\u{1}{header}\n\u{2}{text}\u{3}{trailer}\u{4}").into_bytes()
    }

    #[test]
    fn a_message_is_read_from_its_framing() {
        let bytes = wire(
            "a0412 u i BC-Storm-Europe 1st Ld-Writethru 12-07 0412",
            "BC-Storm-Europe,0412\n^Storm batters Atlantic coast<\n\n\tLISBON (NDW) — Winds of 140 km/h hit the\ncoast overnight.\n\tFerries stayed in port.\n",
            "\n2026-12-07T10:15:00Z\n",
        );
        let p = parse_7901(&bytes).unwrap();
        let item = &p.items[0];
        assert_eq!(
            (item.format, item.uri.as_str(), item.version.as_deref()),
            (Format::Iptc7901, "iptc7901:BC-Storm-Europe", Some("1"))
        );
        assert_eq!(item.headline, "Storm batters Atlantic coast");
        assert_eq!(
            item.body,
            vec![
                Block::paragraph("LISBON (NDW) — Winds of 140 km/h hit the coast overnight."),
                Block::paragraph("Ferries stayed in port.")
            ]
        );
        assert_eq!((item.urgency, item.located.as_deref()), (Some(3), Some("LISBON")));
        assert_eq!(item.version_created, Some("2026-12-07T10:15:00Z".parse().unwrap()));
        assert_eq!(item.pub_status, PubStatus::Usable);
    }

    #[test]
    fn several_messages_a_kill_and_latin_1() {
        let mut bytes =
            wire("a0413 b i BC-Ferry-Strike 12-07", "^Ferry strike called off<\n\nDock workers agreed.", "");
        bytes.extend(wire("a0414 f i BC-Ferry-Strike KILL 12-07", "KILL: the story is withdrawn.", ""));
        bytes.extend(b"\x01a0415 r i BC-Espana\n\x02^Espa\xf1a vota<\n\nEl Congreso aprob\xf3.\x03\x04".to_vec());
        let p = parse_7901(&bytes).unwrap();
        assert_eq!(p.items.len(), 3, "{:?}", p.failed);
        assert_eq!((p.items[0].urgency, p.items[0].pub_status), (Some(2), PubStatus::Usable));
        assert_eq!((p.items[1].uri.as_str(), p.items[1].pub_status), ("iptc7901:BC-Ferry-Strike", PubStatus::Canceled));
        assert_eq!(
            (p.items[2].headline.as_str(), p.items[2].body[0].text()[0]),
            ("España vota", "El Congreso aprobó.")
        );
    }

    #[test]
    fn what_is_not_framed_is_refused() {
        assert!(parse_7901(b"just some text").unwrap_err().to_string().contains("no SOH and STX framing"));
        let p = parse_7901(b"\x01a1 r i BC-Cut\nno text start").unwrap_err();
        assert!(p.to_string().contains("SOH and STX"), "{p}");
        let p = parse_7901(b"\x01\x02\x03\x01a9 r i BC-Ok\n\x02^Fine<\n\nText.\x03").unwrap();
        assert_eq!(p.items.len(), 1, "{:?} {:?}", p.failed, p.skipped);
    }

    proptest! {
        #[test]
        fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(p) = parse_7901(&bytes) {
                for item in p.items {
                    prop_assert!(!item.headline.is_empty() && !item.body.is_empty());
                }
            }
        }

        #[test]
        fn paragraphs_come_through(paras in proptest::collection::vec("[A-Za-z][a-z ,.]{0,40}", 1..5)) {
            let text = format!("^A headline<\n\n{}", paras.iter().map(|p| format!("\t{p}\n")).collect::<String>());
            let p = parse_7901(&wire("a1 r i BC-Test", &text, "")).unwrap();
            let want: Vec<String> = paras.iter().map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|p| !p.is_empty()).collect();
            let got: Vec<String> = p.items[0].body.iter().flat_map(|b| b.text()).map(str::to_string).collect();
            prop_assert_eq!(got, want);
        }
    }
}
