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
mod tables;
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
