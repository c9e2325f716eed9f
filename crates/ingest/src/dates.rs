//! Dates as sources write them. Machine formats first (RFC 3339 and ISO 8601, RFC 822/2822),
//! then the forms real feeds use anyway: a weekday that does not match the date, a three-digit
//! offset, "Sat, Dec 16 2023 02:02:33 PM" with no zone. A date without a zone is read as UTC:
//! nothing in the item says otherwise, and guessing the publisher's zone would be worse.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// Any date form newsdesk reads, or `None`.
pub fn parse(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    iso(s).or_else(|| rfc2822(s)).or_else(|| loose(s))
}

/// RFC 3339 / ISO 8601: `2026-01-05T08:00:00Z`, with fractions, with or without an offset,
/// `2026-01-05 08:00:00` (WordPress), or a bare date.
pub fn iso(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    if let Ok(dt) = s.parse::<DateTime>() {
        return utc(dt);
    }
    if s.len() == 10
        && let Ok(d) = s.parse::<Date>()
    {
        return utc(d.to_datetime(jiff::civil::Time::midnight()));
    }
    None
}

fn utc(dt: DateTime) -> Option<Timestamp> {
    TimeZone::UTC.to_timestamp(dt).ok()
}

/// RFC 822/2822 (`Sun, 29 Sep 2002 19:59:01 GMT`), forgiving a weekday that does not match and
/// a short offset (`+000`).
pub fn rfc2822(s: &str) -> Option<Timestamp> {
    let parser = jiff::fmt::rfc2822::DateTimeParser::new();
    if let Ok(t) = parser.parse_timestamp(s) {
        return Some(t);
    }
    let without_day = s.split_once(',').map_or(s, |(_, rest)| rest).trim();
    if let Ok(t) = parser.parse_timestamp(without_day) {
        return Some(t);
    }
    // "+000" / "-000": a digit short.
    let (head, zone) = without_day.rsplit_once(' ')?;
    if zone.len() == 4 && zone.starts_with(['+', '-']) && zone[1..].bytes().all(|b| b.is_ascii_digit()) {
        return parser.parse_timestamp(format!("{head} {zone}0")).ok();
    }
    None
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// "Sat, Dec 16 2023 02:02:33 PM" and its like: a month name, a day, a year and a time with an
/// optional AM/PM, in any order of month and day; no zone (UTC).
fn loose(s: &str) -> Option<Timestamp> {
    let words: Vec<String> = s.split([' ', ',']).filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase()).collect();
    let month = words.iter().find_map(|w| MONTHS.iter().position(|m| w.starts_with(m)))? as i8 + 1;
    let numbers: Vec<i32> = words.iter().filter_map(|w| w.parse().ok()).collect();
    let day = *numbers.iter().find(|n| (1..=31).contains(*n))?;
    let year = *numbers.iter().find(|n| (1900..=2200).contains(*n))?;
    let time = words.iter().find(|w| w.contains(':'));
    let (mut hour, minute, second) = match time {
        Some(t) => {
            let mut parts = t.split(':').map(|p| p.parse::<i8>().ok());
            (parts.next()??, parts.next()??, parts.next().flatten().unwrap_or(0))
        }
        None => (0, 0, 0),
    };
    let pm = words.iter().any(|w| w == "pm");
    let am = words.iter().any(|w| w == "am");
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    let date = Date::new(year as i16, month, day as i8).ok()?;
    let time = jiff::civil::Time::new(hour, minute, second, 0).ok()?;
    utc(date.to_datetime(time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_forms_sources_use() {
        let cases = [
            ("2026-01-05T08:00:00Z", "2026-01-05T08:00:00Z"),
            (" 2008-11-05T19:04:00-08:00 \n ", "2008-11-06T03:04:00Z"),
            ("2019-09-09T08:00:00.000Z", "2019-09-09T08:00:00Z"),
            ("2021-03-24T04:34:09.000Z", "2021-03-24T04:34:09Z"),
            ("2018-02-05", "2018-02-05T00:00:00Z"),
            ("2013-04-09 18:20:39", "2013-04-09T18:20:39Z"),
            ("Sun, 29 Sep 2002 19:59:01 GMT", "2002-09-29T19:59:01Z"),
            ("Thu, 13 Aug 2020 06:57:55 -0300", "2020-08-13T09:57:55Z"),
            ("Mon, 29 Sep 2002 19:59:01 GMT", "2002-09-29T19:59:01Z"),
            ("Sun, 21 Oct 2018 02:57:41 +000", "2018-10-21T02:57:41Z"),
            ("Fri, 31 May 2019 12:17:58 -0700", "2019-05-31T19:17:58Z"),
            ("Sat, Dec 16 2023 02:02:33 PM", "2023-12-16T14:02:33Z"),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input), Some(at(want)), "{input}");
        }
        for bad in ["", "yesterday", "Mon, 16 Jun 20081 21:47:17 +0000", "0000-00-00 00:00:00", "2019"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = parse(&s);
        }

        #[test]
        fn rfc3339_round_trips(secs in 0i64..4_000_000_000) {
            let t = Timestamp::from_second(secs).unwrap();
            prop_assert_eq!(parse(&t.to_string()), Some(t));
            let r = jiff::fmt::rfc2822::to_string(&t.to_zoned_datetime(TimeZone::UTC)).unwrap();
            prop_assert_eq!(parse(&r), Some(t));
        }
    }
}
