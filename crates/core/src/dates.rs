//! Dates as readers see them: in the site's time zone and the article's language.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

const EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const TR: [&str; 12] =
    ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"];
const DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const AR: [&str; 12] =
    ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"];

/// The calendar date of `ts` in the site's time zone.
pub fn local_date(ts: Timestamp, tz: &TimeZone) -> Date {
    tz.to_datetime(ts).date()
}

/// "September 10, 2025" in English; the long date form of tr, de, fr, es and ar otherwise.
/// Unknown languages fall back to English.
pub fn display_date(date: Date, language: &str) -> String {
    let m = (date.month() - 1) as usize;
    let (d, y) = (date.day(), date.year());
    match language.split(['-', '_']).next().unwrap_or("") {
        "tr" => format!("{d} {} {y}", TR[m]),
        "de" => format!("{d}. {} {y}", DE[m]),
        "fr" => format!("{d} {} {y}", FR[m]),
        "es" => format!("{d} de {} de {y}", ES[m]),
        "ar" => format!("{d} {} {y}", AR[m]),
        _ => format!("{} {d}, {y}", EN[m]),
    }
}

/// Parses an English long date such as "September 10, 2025" (the form page captures show).
pub fn parse_english_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let (month, rest) = s.split_once(' ')?;
    let m = EN.iter().position(|name| name.eq_ignore_ascii_case(month))? + 1;
    let (day, year) = rest.split_once(',')?;
    let day: i8 = day.trim().parse().ok()?;
    let year: i16 = year.trim().parse().ok()?;
    Date::new(year, m as i8, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn long_dates() {
        let d = date(2025, 9, 10);
        assert_eq!(display_date(d, "en"), "September 10, 2025");
        assert_eq!(display_date(d, "tr"), "10 Eylül 2025");
        assert_eq!(display_date(d, "de-DE"), "10. September 2025");
        assert_eq!(display_date(d, "fr"), "10 septembre 2025");
        assert_eq!(display_date(d, "es"), "10 de septiembre de 2025");
        assert_eq!(display_date(d, "ar"), "10 سبتمبر 2025");
    }

    #[test]
    fn site_time_zone_decides_the_day() {
        let ts: Timestamp = "2025-09-10T22:30:00Z".parse().unwrap();
        assert_eq!(local_date(ts, &TimeZone::UTC), date(2025, 9, 10));
        let istanbul = TimeZone::get("Europe/Istanbul").unwrap();
        assert_eq!(local_date(ts, &istanbul), date(2025, 9, 11));
    }

    #[test]
    fn parses_capture_dates() {
        assert_eq!(parse_english_date("September 10, 2025"), Some(date(2025, 9, 10)));
        assert_eq!(parse_english_date("Sept 10, 2025"), None);
        assert_eq!(parse_english_date("February 30, 2025"), None);
        assert_eq!(parse_english_date(""), None);
    }
}
