//! Checks IPTC ninjs items against the rules of the ninjs JSON Schemas 1.0–1.6, 2.0–2.2
//! and 3.0–3.1, so that an importer can refuse an invalid item with a clear message.
//!
//! The rules are tables written for this module (`ROOT1`, `ROOT2`, `ROOT3` and the objects
//! they use); no schema file is read or embedded. What is checked, as the schemas say it:
//! allowed properties (closed objects reject any other key), the 1.x extension keys
//! (`^body_…`, `^description_…`, `^headline_…` from 1.3, `^geometry_…` in places from 1.1,
//! rendition and association names), required properties, JSON types, integer ranges,
//! enumerations, "exactly one of" rules (rightsinfo, contactinfo, 3.x dates), the 3.x
//! truncated date-time pattern, and GeoJSON (the schema that 2.x/3.x places refer to).
//!
//! Decisions:
//! * `format` (date-time, uri) is not asserted, as in IPTC's own conformance suite, whose
//!   should_pass files carry bad or date-only date-times.
//! * Development lines: IPTC's `1.x_dev` and `2.x_dev` suites are checked as 1.6 and 2.2.
//!   The one dev property their should_pass files need, `advices` (shaped as in IPTC's dev
//!   schemas), is therefore accepted by 1.6 and 2.2 only; nothing else differs from the
//!   released schemas.
//! * Regex patterns follow ECMA-262 as JSON Schema says (`$` is the end of the string).
//! * The 3.x schemas type `recurrenceDates` as an array and, through `$ref`, as a string at
//!   once, so no value can be valid there; this checker says so instead of guessing.
//! * `check(item, None)` uses the declared version (see [`declared_version`]); without one it
//!   tries every version, newest first. When none accepts the item, it reports the first
//!   violation of the closest version: fewest unknown top-level properties (the version whose
//!   vocabulary the item speaks), then fewest violations, then the newest.
//! * Values nested more than 128 levels deep (about 60 levels of associations) are refused
//!   instead of being followed further; the schemas set no such limit.

use serde_json::Value;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[rustfmt::skip]
pub enum Version { V1_0, V1_1, V1_2, V1_3, V1_4, V1_5, V1_6, V2_0, V2_1, V2_2, V3_0, V3_1 }
use Version::*;

#[rustfmt::skip]
const VERSIONS: [(Version, &str); 12] = [
    (V1_0, "1.0"), (V1_1, "1.1"), (V1_2, "1.2"), (V1_3, "1.3"), (V1_4, "1.4"), (V1_5, "1.5"),
    (V1_6, "1.6"), (V2_0, "2.0"), (V2_1, "2.1"), (V2_2, "2.2"), (V3_0, "3.0"), (V3_1, "3.1"),
];

impl FromStr for Version {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        VERSIONS.iter().find(|(_, name)| *name == s).map(|(v, _)| *v).ok_or_else(|| {
            let all: Vec<&str> = VERSIONS.iter().map(|(_, n)| *n).collect();
            format!("unknown ninjs version {s:?}, expected one of {}", all.join(", "))
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = VERSIONS.iter().find(|(v, _)| v == self).map_or("?", |(_, n)| *n);
        f.write_str(name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

/// The version an item declares ($standard.version / $standard schema URL / other markers the
/// schemas define), if any.
///
/// 1.3–1.6 declare with a `$standard` object, 2.x/3.x with `standard`; a declaration only counts
/// for versions of its marker's family (so `"standard": {"version": "1.2"}` declares nothing).
/// Within the marker, a schema URL whose file name is `ninjs-schema_X.Y.json` wins; else
/// `version` counts when `name` is absent or mentions ninjs (e.g. "ninjs", "TTNINJS").
pub fn declared_version(item: &Value) -> Option<Version> {
    for (marker, family) in [("standard", V2_0..=V3_1), ("$standard", V1_0..=V1_6)] {
        let Some(std) = item.get(marker).and_then(Value::as_object) else { continue };
        let text = |key: &str| std.get(key).and_then(Value::as_str);
        let from_schema = text("schema").and_then(version_of_schema_url);
        let names_ninjs =
            std.get("name").is_none_or(|n| n.as_str().is_some_and(|n| n.to_ascii_lowercase().contains("ninjs")));
        let from_version = text("version").filter(|_| names_ninjs).and_then(|s| s.trim().parse().ok());
        if let Some(v) = [from_schema, from_version].into_iter().flatten().find(|v| family.contains(v)) {
            return Some(v);
        }
    }
    None
}

fn version_of_schema_url(url: &str) -> Option<Version> {
    let url = url.split(['#', '?']).next().unwrap_or(url);
    let file = url.rsplit('/').next().unwrap_or(url);
    file.strip_prefix("ninjs-schema_")?.strip_suffix(".json")?.parse().ok()
}

/// Checks one item (a JSON object). With `version`, against that version. Without, against the
/// version the item declares, else against every released version: it passes when any version
/// accepts it (returning that version, newest first); when none does, it returns the first
/// violation of the closest version (see the module docs), naming that version in the message.
pub fn check(item: &Value, version: Option<Version>) -> Result<Version, Violation> {
    if let Some(v) = version.or_else(|| declared_version(item)) {
        return violations(item, v).into_iter().next().map_or(Ok(v), |f| Err(f.violation));
    }
    let mut best: Option<((usize, usize), Version, Violation)> = None;
    for &(v, _) in VERSIONS.iter().rev() {
        let found = violations(item, v);
        let score = (found.iter().filter(|f| f.top_unknown).count(), found.len());
        let Some(first) = found.into_iter().next() else { return Ok(v) };
        if best.as_ref().is_none_or(|(s, _, _)| score < *s) {
            best = Some((score, v, first.violation));
        }
    }
    let (_, v, mut violation) =
        best.ok_or_else(|| Violation { path: String::new(), message: "no ninjs version".into() })?;
    violation.message = format!("{} (no version declared; closest is ninjs {v})", violation.message);
    Err(violation)
}

// ---------------------------------------------------------------------------------------
// Rule tables

/// The shape a JSON value must have.
#[derive(Clone, Copy)]
enum Shape {
    Null,
    Str,
    Num,
    Int,
    IntIn(i64, i64),
    Enum(&'static [&'static str]),
    /// 3.x truncatedDateTimeType: a date-time that may stop after the year, month or day.
    TruncDate,
    /// A rule no value can meet; the text says why.
    Never(&'static str),
    Obj(&'static Obj),
    /// An array of objects.
    List(&'static Obj),
    Arr(&'static Shape),
    ArrMin(usize, &'static Shape),
    AnyOf(&'static [Shape]),
    /// GeoJSON: an object whose "type" picks the rule (a oneOf of types with distinct tags).
    Tagged(&'static [(&'static str, &'static Obj)]),
    /// The whole item rule of the version being checked (1.x and 2.0 associations).
    Item,
}
use Shape::*;

struct Obj {
    props: &'static [Prop],
    required: &'static [&'static str],
    /// Satisfied when at least one group has exactly one of its keys present (oneOf of required).
    one_of: &'static [&'static [&'static str]],
    /// additionalProperties / unevaluatedProperties false.
    closed: bool,
    /// Also accepts and checks the properties of the version's item rule (2.1+ associations).
    item: bool,
}

struct Prop {
    key: Key,
    from: Version,
    to: Version,
    shape: Shape,
}

enum Key {
    Is(&'static str),
    /// patternProperties `^prefix[a-zA-Z0-9]+` (or `[a-zA-Z0-9_]+` when the flag is set).
    Ext(&'static str, bool),
}

impl Key {
    fn matches(&self, key: &str) -> bool {
        match *self {
            Key::Is(name) => name == key,
            Key::Ext(prefix, underscore) => key
                .strip_prefix(prefix)
                .and_then(|rest| rest.bytes().next())
                .is_some_and(|c| c.is_ascii_alphanumeric() || (underscore && c == b'_')),
        }
    }
}

const fn p(key: &'static str, shape: Shape) -> Prop {
    Prop { key: Key::Is(key), from: V1_0, to: V3_1, shape }
}
const fn since(from: Version, key: &'static str, shape: Shape) -> Prop {
    Prop { key: Key::Is(key), from, to: V3_1, shape }
}
const fn span(from: Version, to: Version, key: &'static str, shape: Shape) -> Prop {
    Prop { key: Key::Is(key), from, to, shape }
}
const fn pat(from: Version, to: Version, prefix: &'static str, underscore: bool, shape: Shape) -> Prop {
    Prop { key: Key::Ext(prefix, underscore), from, to, shape }
}
const fn closed(props: &'static [Prop]) -> Obj {
    Obj { props, required: &[], one_of: &[], closed: true, item: false }
}
const fn open(props: &'static [Prop]) -> Obj {
    Obj { props, required: &[], one_of: &[], closed: false, item: false }
}
const fn geo(props: &'static [Prop], required: &'static [&'static str]) -> Obj {
    Obj { required, ..open(props) }
}

/// The rules, one table per object of the schemas; rows mirror the schemas' properties.
#[rustfmt::skip]
mod tables {
use super::{Obj, Prop, Shape, Shape::*, Version::*, Version, closed, geo, open, p, pat, since, span};

const TYPES_1_0: &[&str] = &["text", "audio", "video", "picture", "graphic", "composite"];
const TYPES_1_2: &[&str] = &["text", "audio", "video", "picture", "graphic", "composite", "component"];
const TYPES_3: &[&str] =
    &["text", "audio", "video", "picture", "graphic", "composite", "component", "event", "planning"];
const PUBSTATUS: &[&str] = &["usable", "withheld", "canceled"];
const FULL_PARTIAL: &[&str] = &["full", "partial"];

static ANY_OBJ: Obj = open(&[]);
static STANDARD: Obj = closed(&[p("name", Str), p("version", Str), p("schema", Str)]);
static DIGITAL_SOURCE: Obj = closed(&[p("name", Str), p("uri", Str), p("literal", Str)]);
static RIGHTS: Obj = Obj {
    one_of: &[&["linkedrights", "encodedrights"]],
    ..open(&[p("langid", Str), p("linkedrights", Str), p("encodedrights", Str)])
};
static CONTACT: Obj = Obj {
    one_of: &[&["value", "address"]],
    ..closed(&[
        p("type", Str), p("role", Str), p("lang", Str), p("name", Str), p("value", Str), p("address", Obj(&ADDRESS)),
    ])
};
static ADDRESS: Obj = closed(&[
    p("lines", Arr(&Str)), p("locality", Str), p("area", Str), p("postalcode", Str), p("country", Str),
]);
// Development property of 1.x_dev / 2.x_dev (accepted by 1.6 and 2.2 only, see the module docs).
static ADVICE: Obj = closed(&[
    p("role", Enum(&["publish"])), p("environments", List(&CODE_OPEN)), p("importance", Obj(&CODE)),
    p("lifetime", Obj(&CODE)),
]);
static CODE: Obj = closed(&[p("code", Str), p("scheme", Str)]);
static CODE_OPEN: Obj = open(&[p("code", Str), p("scheme", Str)]);

// ninjs 1.0–1.6
static ROOT1: Obj = Obj {
    required: &["uri"],
    ..closed(&[
        p("uri", Str),
        span(V1_0, V1_1, "type", Enum(TYPES_1_0)),
        since(V1_2, "type", Enum(TYPES_1_2)),
        p("mimetype", Str),
        p("representationtype", Enum(&["complete", "incomplete"])),
        p("profile", Str), p("version", Str),
        since(V1_2, "firstcreated", Str), p("versioncreated", Str), since(V1_4, "contentcreated", Str),
        p("embargoed", Str),
        p("pubstatus", Enum(PUBSTATUS)),
        since(V1_1, "urgency", Num),
        p("copyrightholder", Str), p("copyrightnotice", Str), since(V1_1, "usageterms", Str),
        since(V1_2, "ednote", Str),
        p("language", Str),
        p("person", List(&PERSON1)), p("organisation", List(&ORG1)), p("place", List(&PLACE1)),
        p("subject", List(&SUBJECT1)),
        p("event", List(&ENTITY1)), p("object", List(&ENTITY1)),
        since(V1_2, "infosource", List(&PERSON1)) /* same shape */,
        since(V1_2, "title", Str), p("byline", Str), p("headline", Str), since(V1_2, "slugline", Str),
        p("located", Str),
        since(V1_2, "charcount", Num), since(V1_2, "wordcount", Num),
        p("renditions", Obj(&RENDITIONS1)), p("associations", Obj(&ASSOCIATIONS1)),
        since(V1_3, "altids", Obj(&ANY_OBJ)), since(V1_3, "trustindicator", List(&TRUST1)),
        since(V1_3, "$standard", Obj(&STANDARD)), since(V1_3, "genre", List(&GENRE1)),
        since(V1_4, "expires", Str), since(V1_4, "rightsinfo", Obj(&RIGHTS)),
        since(V1_6, "digitalsourcetype", Obj(&DIGITAL_SOURCE)),
        since(V1_6, "advices", List(&ADVICE)),
        pat(V1_0, V3_1, "description_", true, Str), pat(V1_0, V3_1, "body_", true, Str),
        pat(V1_3, V3_1, "headline_", true, Str),
    ])
};
static ENTITY1: Obj = closed(&[p("name", Str), p("rel", Str), p("scheme", Str), p("code", Str)]);
static PERSON1: Obj = closed(&[
    p("name", Str), p("rel", Str), p("scheme", Str), p("code", Str), since(V1_5, "contactinfo", List(&CONTACT)),
]);
static ORG1: Obj = closed(&[
    p("name", Str), p("rel", Str), p("scheme", Str), p("code", Str), p("symbols", List(&SYMBOL1)),
    since(V1_5, "contactinfo", List(&CONTACT)),
]);
static SYMBOL1: Obj = closed(&[
    p("ticker", Str), p("exchange", Str), since(V1_5, "symboltype", Str), since(V1_5, "symbol", Str),
]);
static PLACE1: Obj = closed(&[
    p("name", Str), p("rel", Str), p("scheme", Str), p("code", Str), since(V1_5, "contactinfo", List(&CONTACT)),
    pat(V1_1, V3_1, "geometry_", true, Obj(&ANY_OBJ)),
]);
static SUBJECT1: Obj = closed(&[
    p("name", Str), p("rel", Str), p("scheme", Str), p("code", Str),
    since(V1_5, "creator", Str), since(V1_5, "relevance", IntIn(0, 100)), since(V1_5, "confidence", IntIn(0, 100)),
]);
static RENDITIONS1: Obj = closed(&[
    pat(V1_0, V1_2, "", false, Obj(&RENDITION1)), pat(V1_3, V3_1, "", true, Obj(&RENDITION1)),
]);
static RENDITION1: Obj = closed(&[
    p("href", Str), p("mimetype", Str), p("title", Str), p("height", Num), p("width", Num), p("sizeinbytes", Num),
    since(V1_2, "duration", Num), since(V1_2, "format", Str),
]);
static ASSOCIATIONS1: Obj = closed(&[pat(V1_0, V1_2, "", false, Item), pat(V1_3, V3_1, "", true, Item)]);
static TRUST1: Obj = closed(&[p("scheme", Str), p("code", Str), p("title", Str), p("href", Str)]);
static GENRE1: Obj = closed(&[p("name", Str), p("scheme", Str), p("code", Str)]);

// ninjs 2.0–2.2
static ROOT2: Obj = Obj {
    required: &["uri"],
    ..closed(&[
        p("uri", Str), p("type", Enum(TYPES_1_2)), p("representationtype", Enum(FULL_PARTIAL)), p("profile", Str),
        p("version", Str),
        p("firstcreated", Str), p("versioncreated", Str), p("contentcreated", Str), p("embargoed", Str),
        p("pubstatus", Enum(PUBSTATUS)), p("urgency", Num),
        p("copyrightholder", Str), p("copyrightnotice", Str), p("usageterms", Str), p("ednote", Str),
        p("language", Str),
        p("descriptions", List(&TEXT2)), p("bodies", List(&BODY2)), p("headlines", List(&TEXT2)),
        p("people", List(&PERSON2)), p("organisations", List(&ORG2)), p("places", List(&PLACE2)),
        p("subjects", List(&SUBJECT2)),
        p("events", List(&ENTITY2)), p("objects", List(&ENTITY2)), p("infosources", List(&INFOSOURCE2)),
        p("title", Str), p("by", Str), p("slugline", Str), p("located", Str),
        p("renditions", List(&RENDITION2)),
        span(V2_0, V2_0, "associations", Arr(&AnyOf(&[Obj(&NAMED), Item]))),
        since(V2_1, "associations", List(&ASSOCIATION)),
        p("altids", List(&ALTID)), p("trustindicators", List(&TRUST2)), p("standard", Obj(&STANDARD)),
        p("genres", List(&GENRE2)),
        since(V2_1, "expires", Str), p("rightsinfo", Obj(&RIGHTS)),
        since(V2_2, "digitalsourcetype", Obj(&DIGITAL_SOURCE)),
        since(V2_2, "advices", List(&ADVICE)),
    ])
};
/// 2.0 association, first anyOf branch: any object with a string `name`.
static NAMED: Obj = Obj { required: &["name"], ..open(&[p("name", Str)]) };
/// 2.1+ association: the version's item properties plus these, closed.
static ASSOCIATION: Obj =
    Obj { required: &["name", "uri"], item: true, ..closed(&[p("name", Str), since(V3_0, "rel", Str)]) };
static TEXT2: Obj = Obj { required: &["value"], ..closed(&[p("role", Str), p("contenttype", Str), p("value", Str)]) };
static BODY2: Obj = Obj {
    required: &["value"],
    ..closed(&[p("role", Str), p("contenttype", Str), p("charcount", Num), p("wordcount", Num), p("value", Str)])
};
static ENTITY2: Obj = closed(&[p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str)]);
static PERSON2: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str), since(V2_1, "contactinfo", List(&CONTACT)),
]);
static ORG2: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str), p("symbols", List(&SYMBOL2)),
    since(V2_1, "contactinfo", List(&CONTACT)),
]);
static SYMBOL2: Obj = closed(&[
    p("ticker", Str), p("exchange", Str), since(V2_1, "symboltype", Str), since(V2_1, "symbol", Str),
]);
static PLACE2: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str), since(V2_1, "contactinfo", List(&CONTACT)),
    p("geojson", GEOJSON),
]);
static SUBJECT2: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str),
    since(V2_1, "creator", Str), since(V2_1, "relevance", IntIn(0, 100)), since(V2_1, "confidence", IntIn(0, 100)),
]);
static INFOSOURCE2: Obj = closed(&[
    p("name", Str), p("role", Str), p("uri", Str), p("literal", Str), since(V2_1, "contactinfo", List(&CONTACT)),
]);
static RENDITION2: Obj = Obj {
    required: &["name"],
    ..closed(&[
        p("name", Str), p("href", Str), p("contenttype", Str), p("title", Str), p("height", Num), p("width", Num),
        p("sizeinbytes", Num), p("duration", Num), p("format", Str),
    ])
};
static ALTID: Obj = closed(&[p("role", Str), p("value", Str)]);
static TRUST2: Obj = closed(&[p("role", Str), p("title", Str), p("href", Str)]);
static GENRE2: Obj = closed(&[p("name", Str), p("uri", Str), p("literal", Str)]);

// ninjs 3.0–3.1
static ROOT3: Obj = Obj {
    required: &["uri"],
    ..closed(&[
        p("uri", Str), p("type", Enum(TYPES_3)), p("representationType", Enum(FULL_PARTIAL)), p("profile", Str),
        p("version", Str),
        p("firstCreated", Str), p("versionCreated", Str), p("contentCreated", Str), p("embargoedUntil", Str),
        p("pubStatus", Enum(PUBSTATUS)), p("urgency", IntIn(1, 9)),
        p("copyrightHolder", Str), p("copyrightNotice", Str), p("usageTerms", Str), p("edNote", Str),
        p("language", Str),
        p("descriptions", List(&TEXT3)), p("bodies", List(&BODY3)), p("headlines", List(&TEXT3)),
        p("people", List(&PERSON3)), p("organisations", List(&ORG3)), p("places", List(&PLACE3)),
        p("subjects", List(&SUBJECT3)),
        p("events", List(&EVENT3)), p("eventDetails", Obj(&EVENT_DETAILS)), p("plannedCoverage", List(&COVERAGE)),
        p("objects", List(&ENTITY2)), p("infoSources", List(&INFOSOURCE3)),
        p("title", Str), p("by", Str), p("slugline", Str), p("located", Str),
        p("renditions", List(&RENDITION3)), p("associations", List(&ASSOCIATION)),
        p("altIds", List(&ALTID)), p("trustIndicators", List(&TRUST2)), p("standard", Obj(&STANDARD)),
        p("genres", List(&GENRE2)),
        p("expires", Str), p("rightsInfo", Obj(&RIGHTS3)),
        since(V3_1, "digitalSourceType", Obj(&DIGITAL_SOURCE)),
    ])
};
static TEXT3: Obj = Obj { required: &["value"], ..closed(&[p("role", Str), p("contentType", Str), p("value", Str)]) };
static BODY3: Obj = Obj {
    required: &["value"],
    ..closed(&[p("role", Str), p("contentType", Str), p("charCount", Int), p("wordCount", Int), p("value", Str)])
};
static CONTACT3: Obj = Obj {
    one_of: &[&["value", "address"]],
    ..closed(&[
        p("type", Str), p("role", Str), p("lang", Str), p("name", Str), p("value", Str),
        p("address", Obj(&ADDRESS3)),
    ])
};
static ADDRESS3: Obj = closed(&[
    p("lines", Arr(&Str)), p("locality", Str), p("area", Str), p("postalCode", Str), p("country", Str),
]);
static PERSON3: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str), p("contactInfo", List(&CONTACT3)),
]);
static INFOSOURCE3: Obj = closed(&[
    p("name", Str), p("role", Str), p("uri", Str), p("literal", Str), p("contactInfo", List(&CONTACT3)),
]);
static ORG3: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str), p("symbols", List(&SYMBOL3)),
    p("contactInfo", List(&CONTACT3)),
]);
static SYMBOL3: Obj = closed(&[p("exchange", Str), p("symbolType", Str), p("symbol", Str)]);
static PLACE3: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str), p("contactInfo", List(&CONTACT3)),
    p("geoJSON", GEOJSON),
]);
static SUBJECT3: Obj = closed(&[
    p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str),
    p("creator", Str), p("relevance", IntIn(0, 100)), p("confidence", IntIn(0, 100)),
]);
static EVENT3: Obj = closed(&[p("id", Str), p("name", Str), p("rel", Str), p("uri", Str), p("literal", Str)]);
static EVENT_DETAILS: Obj = closed(&[
    p("eventStatus", Str), p("plannedCoverageStatus", Str), p("dates", Obj(&DATES)), p("organiser", Obj(&ORG3)),
]);
static DATES: Obj = Obj {
    one_of: &[&["startDate", "expectedStartDate"], &["endDate", "expectedEndDate"]],
    ..closed(&[
        p("startDate", Str), p("endDate", Str), p("expectedStartDate", TruncDate), p("expectedEndDate", TruncDate),
        p("expectedDuration", Str), p("recurrence", Obj(&RECURRENCE)),
    ])
};
static RECURRENCE: Obj = closed(&[
    p("recurrenceDates", Never("the 3.x schema requires an array and, by its $ref, a date string at once, \
                                so no value is valid")),
    p("recurrenceRules", List(&RECURRENCE_RULE)),
]);
static RECURRENCE_RULE: Obj = closed(&[
    p("frequency", Enum(&["secondly", "minutely", "hourly", "daily", "weekly", "monthly", "yearly"])),
    p("interval", Int), p("until", Str), p("count", Int),
]);
static COVERAGE: Obj = closed(&[
    p("uri", Str), p("title", Str), p("pubStatus", Enum(PUBSTATUS)), p("type", Enum(TYPES_3)),
    p("commissioned", Obj(&COMMISSIONED)),
    p("dates", Obj(&DATES)), p("audiences", List(&AUDIENCE)), p("exclAudience", Arr(&Str)), p("edNote", Str),
    p("urgency", IntIn(1, 9)), p("language", Str), p("itemCount", Obj(&ITEM_COUNT)), p("wordCount", Int),
    p("renditions", List(&RENDITION3)),
]);
static COMMISSIONED: Obj = closed(&[p("by", Str), p("on", Str), p("references", List(&REFERENCE))]);
static REFERENCE: Obj = closed(&[p("name", Str), p("value", Str)]);
static AUDIENCE: Obj = closed(&[p("audience", Str), p("significance", Int)]);
static ITEM_COUNT: Obj = closed(&[p("rangeFrom", Int), p("rangeTo", Int)]);
static RENDITION3: Obj = Obj {
    required: &["name"],
    ..closed(&[
        p("name", Str), p("href", Str), p("contentType", Str), p("title", Str), p("width", Int), p("height", Int),
        p("sizeInBytes", Int), p("duration", Num), p("format", Str), p("aspectRatio", Str), p("videoCodec", Str),
        p("frameRate", Num), p("poi", Obj(&POI)), p("transportProtocol", Str),
        p("scanType", Enum(&["progressive", "interlaced"])),
        p("bitrate", Str),
    ])
};
static POI: Obj = closed(&[p("x", Int), p("y", Int)]);
static RIGHTS3: Obj = Obj {
    one_of: &[&["linkedRights", "encodedRights"]],
    ..closed(&[p("langId", Str), p("linkedRights", Str), p("encodedRights", Str)])
};

// GeoJSON (RFC 7946 objects as the GeoJSON schema that 2.x/3.x places refer to describes them)
const GEOJSON: Shape = Tagged(&GEOJSON_TYPES);
const POSITION: Shape = ArrMin(2, &Num);
const BBOX: Prop = p("bbox", ArrMin(4, &Num));
const GEOMETRY: &[&str] = &["type", "coordinates"];
static POINT: Obj = geo(&[p("coordinates", POSITION), BBOX], GEOMETRY);
static LINE_STRING: Obj = geo(&[p("coordinates", ArrMin(2, &POSITION)), BBOX], GEOMETRY);
static POLYGON: Obj = geo(&[p("coordinates", Arr(&ArrMin(4, &POSITION))), BBOX], GEOMETRY);
static MULTI_POINT: Obj = geo(&[p("coordinates", Arr(&POSITION)), BBOX], GEOMETRY);
static MULTI_LINE_STRING: Obj = geo(&[p("coordinates", Arr(&ArrMin(2, &POSITION))), BBOX], GEOMETRY);
static MULTI_POLYGON: Obj = geo(&[p("coordinates", Arr(&Arr(&ArrMin(4, &POSITION)))), BBOX], GEOMETRY);
static GEOMETRY_COLLECTION: Obj = geo(&[
    p("geometries", Arr(&Tagged(&SIMPLE_GEOMETRIES))), BBOX], &["type", "geometries",
]);
static FEATURE: Obj = geo(
    &[
        p("id", AnyOf(&[Num, Str])), p("properties", AnyOf(&[Null, Obj(&ANY_OBJ)])),
        p("geometry", AnyOf(&[Null, Tagged(&GEOMETRIES)])), BBOX,
    ],
    &["type", "properties", "geometry"],
);
static FEATURE_COLLECTION: Obj = geo(&[
    p("features", Arr(&Tagged(&[("Feature", &FEATURE)]))), BBOX], &["type", "features",
]);
static SIMPLE_GEOMETRIES: [(&str, &Obj); 6] = [
    ("Point", &POINT), ("LineString", &LINE_STRING), ("Polygon", &POLYGON),
    ("MultiPoint", &MULTI_POINT), ("MultiLineString", &MULTI_LINE_STRING), ("MultiPolygon", &MULTI_POLYGON),
];
static GEOMETRIES: [(&str, &Obj); 7] = [
    ("Point", &POINT), ("LineString", &LINE_STRING), ("Polygon", &POLYGON), ("MultiPoint", &MULTI_POINT),
    ("MultiLineString", &MULTI_LINE_STRING), ("MultiPolygon", &MULTI_POLYGON),
    ("GeometryCollection", &GEOMETRY_COLLECTION),
];
static GEOJSON_TYPES: [(&str, &Obj); 9] = [
    ("Point", &POINT), ("LineString", &LINE_STRING), ("Polygon", &POLYGON), ("MultiPoint", &MULTI_POINT),
    ("MultiLineString", &MULTI_LINE_STRING), ("MultiPolygon", &MULTI_POLYGON),
    ("GeometryCollection", &GEOMETRY_COLLECTION),
    ("Feature", &FEATURE), ("FeatureCollection", &FEATURE_COLLECTION),
];

pub(super) fn root(v: Version) -> &'static Obj {
    if v <= V1_6 { &ROOT1 } else if v <= V2_2 { &ROOT2 } else { &ROOT3 }
}
}
use tables::root;

// ---------------------------------------------------------------------------------------
// The checker

/// Deeper nesting than this (only reachable through associations) is refused rather than recursed.
const MAX_DEPTH: usize = 128;

struct Found {
    violation: Violation,
    /// The violation is a top-level property the version does not know.
    top_unknown: bool,
}

fn violations(item: &Value, v: Version) -> Vec<Found> {
    let mut c = Checker { v, out: Vec::new() };
    if item.is_object() {
        c.obj(root(v), item, "", 0);
    } else {
        c.push("", format!("a ninjs item must be a JSON object, found {}", show(item)));
    }
    c.out
}

struct Checker {
    v: Version,
    out: Vec<Found>,
}

impl Checker {
    fn push(&mut self, path: &str, message: String) {
        self.out.push(Found { violation: Violation { path: path.to_string(), message }, top_unknown: false });
    }

    fn expected(&mut self, path: &str, what: &str, val: &Value) {
        self.push(path, format!("expected {what}, found {}", show(val)));
    }

    fn shape(&mut self, shape: &Shape, val: &Value, path: &str, depth: usize) {
        match *shape {
            Never(why) => self.push(path, why.to_string()),
            Obj(o) => self.obj(o, val, path, depth),
            Item => self.obj(root(self.v), val, path, depth),
            List(o) => self.array(0, &Obj(o), val, path, depth),
            Arr(item) => self.array(0, item, val, path, depth),
            ArrMin(min, item) => self.array(min, item, val, path, depth),
            Enum(names) if val.as_str().is_none_or(|s| !names.contains(&s)) => {
                self.push(path, format!("expected one of {}, found {}", names.join(", "), show(val)));
            }
            IntIn(lo, hi) if !is_int(val) || val.as_f64().is_none_or(|x| x < lo as f64 || x > hi as f64) => {
                self.expected(path, &format!("an integer from {lo} to {hi}"), val);
            }
            TruncDate if val.as_str().is_some_and(|s| !is_truncated_date_time(s)) => self.expected(
                path,
                "a date-time that may stop after the year, month or day (2024, 2024-02, 2024-02-29, 2024-02-29T12:00:00Z)",
                val,
            ),
            AnyOf(branches) => self.any_of(branches, val, path, depth),
            Tagged(tags) => self.tagged(tags, val, path, depth),
            _ if !kind_fits(shape, val) => self.expected(path, what(shape), val),
            _ => {}
        }
    }

    fn array(&mut self, min: usize, item: &Shape, val: &Value, path: &str, depth: usize) {
        let Some(items) = val.as_array() else { return self.expected(path, "an array", val) };
        if items.len() < min {
            self.push(path, format!("expected at least {min} items, found {}", items.len()));
        }
        for (i, v) in items.iter().enumerate() {
            self.shape(item, v, &format!("{path}[{i}]"), depth + 1);
        }
    }

    fn obj(&mut self, o: &Obj, val: &Value, path: &str, depth: usize) {
        let Some(map) = val.as_object() else { return self.expected(path, "an object", val) };
        if depth > MAX_DEPTH {
            return self.push(path, format!("nested more than {MAX_DEPTH} levels deep"));
        }
        for key in o.required.iter().filter(|k| !map.contains_key(**k)) {
            self.push(path, format!("missing required property \"{key}\""));
        }
        let (version, item_props) = (self.v, if o.item { root(self.v).props } else { &[] });
        for (key, v) in map {
            let child = key_path(path, key);
            let mut known = false;
            for prop in
                o.props.iter().chain(item_props).filter(|p| p.from <= version && version <= p.to && p.key.matches(key))
            {
                known = true;
                self.shape(&prop.shape, v, &child, depth + 1);
            }
            if !known && o.closed {
                let message = self.unknown_message(o, key);
                self.out.push(Found { violation: Violation { path: child, message }, top_unknown: depth == 0 });
            }
        }
        if !o.one_of.is_empty()
            && !o.one_of.iter().any(|group| group.iter().filter(|k| map.contains_key(**k)).count() == 1)
        {
            let groups: Vec<String> = o.one_of.iter().map(|g| format!("exactly one of {}", g.join(", "))).collect();
            self.push(path, format!("expected {}", groups.join(", or ")));
        }
    }

    fn unknown_message(&self, o: &Obj, key: &str) -> String {
        let active: Vec<&Prop> = o.props.iter().filter(|p| p.from <= self.v && self.v <= p.to).collect();
        for prop in &active {
            if let Key::Ext(prefix, underscore) = prop.key
                && key.starts_with(prefix)
            {
                let chars = if underscore { "an ASCII letter, digit or _" } else { "an ASCII letter or digit" };
                return match prefix {
                    "" => format!("not a valid name: it must start with {chars}"),
                    _ => format!("not a valid extension key: \"{prefix}\" must be followed by {chars}"),
                };
            }
        }
        if o.item || std::ptr::eq(o, root(self.v)) {
            return format!("not a ninjs {} property", self.v);
        }
        let names: Vec<&str> =
            active.iter().filter_map(|p| if let Key::Is(n) = p.key { Some(n) } else { None }).collect();
        format!("not allowed here (ninjs {} allows {})", self.v, names.join(", "))
    }

    fn any_of(&mut self, branches: &[Shape], val: &Value, path: &str, depth: usize) {
        let mut best: Option<Vec<Found>> = None;
        for branch in branches.iter().filter(|b| kind_fits(b, val)) {
            let mut sub = Checker { v: self.v, out: Vec::new() };
            sub.shape(branch, val, path, depth);
            if sub.out.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|b| sub.out.len() < b.len()) {
                best = Some(sub.out);
            }
        }
        match best {
            Some(found) => self.out.extend(found),
            None => {
                let mut names: Vec<&str> = branches.iter().map(what).collect();
                names.dedup();
                self.expected(path, &names.join(" or "), val);
            }
        }
    }

    fn tagged(&mut self, tags: &[(&str, &'static Obj)], val: &Value, path: &str, depth: usize) {
        let names: Vec<&str> = tags.iter().map(|(n, _)| *n).collect();
        let Some(map) = val.as_object() else { return self.expected(path, "a GeoJSON object", val) };
        let tag = map.get("type");
        match tag.and_then(Value::as_str).and_then(|t| tags.iter().find(|(n, _)| *n == t)) {
            Some((_, o)) => self.obj(o, val, path, depth),
            None => match tag {
                None => self.push(path, format!("missing required property \"type\" (one of {})", names.join(", "))),
                Some(t) => self
                    .push(&key_path(path, "type"), format!("expected one of {}, found {}", names.join(", "), show(t))),
            },
        }
    }
}

/// Whether the value has the JSON type the shape asks for (its content may still be wrong).
fn kind_fits(shape: &Shape, val: &Value) -> bool {
    match shape {
        Never(_) => false,
        Null => val.is_null(),
        Str | Enum(_) | TruncDate => val.is_string(),
        Num => val.is_number(),
        Int | IntIn(..) => is_int(val),
        Obj(_) | Item | Tagged(_) => val.is_object(),
        List(_) | Arr(_) | ArrMin(..) => val.is_array(),
        AnyOf(branches) => branches.iter().any(|b| kind_fits(b, val)),
    }
}

fn what(shape: &Shape) -> &'static str {
    match shape {
        Null => "null",
        Str | Enum(_) | TruncDate => "a string",
        Num => "a number",
        Int | IntIn(..) => "an integer",
        Obj(_) | Item | Tagged(_) => "an object",
        List(_) | Arr(_) | ArrMin(..) => "an array",
        Never(_) | AnyOf(_) => "a valid value",
    }
}

/// JSON Schema integers include numbers like 2.0 (draft 4 and later).
fn is_int(val: &Value) -> bool {
    val.as_number()
        .is_some_and(|n| n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|x| x.is_finite() && x.fract() == 0.0))
}

/// `^(-?(?:[1-9][0-9]*)?[0-9]{4})(-(1[0-2]|0[1-9])(-(3[01]|0[1-9]|[12][0-9])(T(2[0-3]|[01][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?(Z|[+-](?:2[0-3]|[01][0-9]):[0-5][0-9])?)?)?)?$`
fn is_truncated_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let digits_from = |i: usize| b.get(i..).unwrap_or_default().iter().take_while(|c| c.is_ascii_digit()).count();
    let two = |i: usize, lo: u8, hi: u8| {
        at(i).is_ascii_digit()
            && at(i + 1).is_ascii_digit()
            && (lo..=hi).contains(&((at(i) - b'0') * 10 + at(i + 1) - b'0'))
    };
    let mut i = usize::from(at(0) == b'-');
    let year = digits_from(i);
    if year < 4 || (year > 4 && at(i) == b'0') {
        return false;
    }
    i += year;
    for (sep, lo, hi) in [(b'-', 1, 12), (b'-', 1, 31)] {
        if i == b.len() {
            return true;
        }
        if at(i) != sep || !two(i + 1, lo, hi) {
            return false;
        }
        i += 3;
    }
    if i == b.len() {
        return true;
    }
    if !(at(i) == b'T'
        && two(i + 1, 0, 23)
        && at(i + 3) == b':'
        && two(i + 4, 0, 59)
        && at(i + 6) == b':'
        && two(i + 7, 0, 59))
    {
        return false;
    }
    i += 9;
    if at(i) == b'.' {
        let fraction = digits_from(i + 1);
        if fraction == 0 {
            return false;
        }
        i += 1 + fraction;
    }
    if at(i) == b'Z' {
        i += 1;
    } else if (at(i) == b'+' || at(i) == b'-') && two(i + 1, 0, 23) && at(i + 3) == b':' && two(i + 4, 0, 59) {
        i += 6;
    }
    i == b.len()
}

fn key_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'-'));
    match (plain, path.is_empty()) {
        (true, true) => key.to_string(),
        (true, false) => format!("{path}.{key}"),
        (false, _) => format!("{path}[{}]", Value::from(key)),
    }
}

/// A short rendering of a value for messages.
fn show(val: &Value) -> String {
    match val {
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
        Value::String(s) if s.chars().count() > 60 => {
            Value::from(format!("{}…", s.chars().take(60).collect::<String>())).to_string()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
