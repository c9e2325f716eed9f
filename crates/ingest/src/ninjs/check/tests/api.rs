//! The public API: versions, violations, declared versions, messages and the version=None policy.

use super::super::{Version, Violation, check, declared_version};
use serde_json::{Value, json};

fn err(item: Value, version: Option<Version>) -> String {
    check(&item, version).expect_err("expected a violation").to_string()
}

#[test]
fn versions_parse_and_display() {
    let names = ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.0", "2.1", "2.2", "3.0", "3.1"];
    let versions: Vec<Version> = names.iter().map(|n| n.parse().unwrap()).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]));
    for (v, n) in versions.iter().zip(names) {
        assert_eq!(v.to_string(), n);
    }
    assert_eq!("2.1".parse(), Ok(Version::V2_1));
    for bad in ["1.7", "3", "", " 1.0", "v1.0", "2.x_dev"] {
        let e = bad.parse::<Version>().unwrap_err();
        assert!(e.contains("expected one of 1.0, 1.1"), "{e}");
    }
}

#[test]
fn violations_display_with_and_without_path() {
    let v = Violation { path: "pubstatus".into(), message: "bad".into() };
    assert_eq!(v.to_string(), "pubstatus: bad");
    assert_eq!(Violation { path: String::new(), message: "bad".into() }.to_string(), "bad");
}

#[test]
fn declared_versions() {
    let d = |item: Value| declared_version(&item);
    assert_eq!(d(json!({"uri": "u"})), None);
    assert_eq!(d(json!({"$standard": {"name": "ninjs", "version": "1.3"}})), Some(Version::V1_3));
    assert_eq!(
        d(
            json!({"standard": {"name": "ninjs", "version": "3.0", "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json"}})
        ),
        Some(Version::V3_0)
    );
    // The schema URL's file name wins, with or without a fragment.
    assert_eq!(
        d(
            json!({"standard": {"version": "2.0-dev", "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.0.json#"}})
        ),
        Some(Version::V2_0)
    );
    assert_eq!(
        d(
            json!({"$standard": {"version": "1.-x-dev", "schema": "https://www.iptc.org/std/ninjs/ninjs-schema_1.4.json"}})
        ),
        Some(Version::V1_4)
    );
    // A ninjs profile that numbers its versions as ninjs does.
    assert_eq!(
        d(
            json!({"standard": {"name": "TTNINJS", "version": "2.1", "schema": "https://tt.se/spec/ttninjs/ttninjs-schema_2.1.json"}})
        ),
        Some(Version::V2_1)
    );
    // Another standard's version says nothing about ninjs.
    assert_eq!(d(json!({"standard": {"name": "NewsML-G2", "version": "2.1"}})), None);
    // A marker only declares versions of its own family.
    assert_eq!(
        d(
            json!({"standard": {"name": "IPTC ninjs 1.2", "version": "1.2", "schema": "https://www.iptc.org/std/ninjs/ninjs-schema_1.2.json"}})
        ),
        None
    );
    assert_eq!(d(json!({"standard": {"schema": "http://www.iptc.org/std/ninjs/ninjs-schema_1.3.json"}})), None);
    assert_eq!(d(json!({"$standard": {"version": "2.1"}})), None);
    // Malformed markers declare nothing.
    assert_eq!(d(json!({"$standard": "http://www.iptc.org/std/ninjs/ninjs-schema_1.3.json"})), None);
    assert_eq!(d(json!({"standard": {"version": 3.0}})), None);
    assert_eq!(d(json!([1, 2])), None);
}

#[test]
fn messages_say_what_is_wrong_and_what_was_expected() {
    let v1_0 = Some(Version::V1_0);
    assert_eq!(
        err(json!({"uri": "u", "pubstatus": "cancelled"}), v1_0),
        r#"pubstatus: expected one of usable, withheld, canceled, found "cancelled""#
    );
    assert_eq!(err(json!({"uri": "u", "mime_type": "x"}), v1_0), "mime_type: not a ninjs 1.0 property");
    assert_eq!(err(json!({}), v1_0), r#"missing required property "uri""#);
    assert_eq!(err(json!({"uri": 5}), v1_0), "uri: expected a string, found 5");
    assert_eq!(
        err(json!({"uri": "u", "person": [{"nom": "x"}]}), v1_0),
        "person[0].nom: not allowed here (ninjs 1.0 allows name, rel, scheme, code)"
    );
    assert_eq!(err(json!([]), v1_0), "a ninjs item must be a JSON object, found an array");
    assert_eq!(
        err(json!({"uri": "u", "rightsinfo": {"langid": "x"}}), Some(Version::V1_4)),
        "rightsinfo: expected exactly one of linkedrights, encodedrights"
    );
    assert_eq!(
        err(json!({"uri": "u", "urgency": 10}), Some(Version::V3_1)),
        "urgency: expected an integer from 1 to 9, found 10"
    );
    assert_eq!(
        err(json!({"uri": "u", "subjects": [{"relevance": 50.5}]}), Some(Version::V2_1)),
        "subjects[0].relevance: expected an integer from 0 to 100, found 50.5"
    );
    let long = "x".repeat(100);
    assert!(err(json!({"uri": "u", "type": long}), v1_0).ends_with(&format!("found \"{}…\"", "x".repeat(60))));
}

#[test]
fn paths_name_nested_values() {
    // 1.x: associations and renditions are objects keyed by name.
    let item =
        json!({"uri": "u", "associations": {"featureimage": {"uri": "i", "renditions": {"thumb": {"href": 5}}}}});
    assert_eq!(
        err(item, Some(Version::V1_6)),
        "associations.featureimage.renditions.thumb.href: expected a string, found 5"
    );
    // 2.x/3.x: they are arrays.
    let item =
        json!({"uri": "u", "associations": [{"name": "a", "uri": "i", "renditions": [{"name": "r", "href": 5}]}]});
    assert_eq!(err(item, Some(Version::V2_2)), "associations[0].renditions[0].href: expected a string, found 5");
    // Keys that are not plain words are quoted.
    assert_eq!(err(json!({"uri": "u", "a.b": 1}), Some(Version::V2_0)), r#"["a.b"]: not a ninjs 2.0 property"#);
}

#[test]
fn extension_keys_of_1x() {
    let v1_3 = Some(Version::V1_3);
    assert!(check(&json!({"uri": "u", "body_html5": "", "description_x_y": "", "headline_main": ""}), v1_3).is_ok());
    // Only the first character after the prefix is constrained (the patterns are not anchored at the end).
    assert!(check(&json!({"uri": "u", "headline_aé-!": ""}), v1_3).is_ok());
    assert_eq!(
        err(json!({"uri": "u", "headline_": ""}), v1_3),
        r#"headline_: not a valid extension key: "headline_" must be followed by an ASCII letter, digit or _"#
    );
    assert_eq!(
        err(json!({"uri": "u", "headline_main": ""}), Some(Version::V1_2)),
        "headline_main: not a ninjs 1.2 property"
    );
    assert_eq!(err(json!({"uri": "u", "body_x": 1}), v1_3), "body_x: expected a string, found 1");
    // Rendition names: [a-zA-Z0-9] first before 1.3, [a-zA-Z0-9_] from 1.3.
    let item = json!({"uri": "u", "renditions": {"_thumb": {}}});
    assert_eq!(
        err(item.clone(), Some(Version::V1_2)),
        "renditions._thumb: not a valid name: it must start with an ASCII letter or digit"
    );
    assert!(check(&item, v1_3).is_ok());
    // Place geometry_ keys hold any object, from 1.1.
    let item = json!({"uri": "u", "place": [{"geometry_geojson": {"type": "Point"}}]});
    assert!(check(&item, Some(Version::V1_1)).is_ok());
    assert!(check(&item, Some(Version::V1_0)).is_err());
}

#[test]
fn associations() {
    // 1.x: every association is a full item (uri required).
    assert_eq!(
        err(json!({"uri": "u", "associations": {"a": {}}}), Some(Version::V1_6)),
        r#"associations.a: missing required property "uri""#
    );
    // 2.0: any object with a string name, or else a valid item.
    assert!(check(&json!({"uri": "u", "associations": [{"name": "n", "anything": 1}]}), Some(Version::V2_0)).is_ok());
    assert!(check(&json!({"uri": "u", "associations": [{"uri": "i"}]}), Some(Version::V2_0)).is_ok());
    assert_eq!(
        err(json!({"uri": "u", "associations": [{"uri": "i", "x": 1}]}), Some(Version::V2_0)),
        r#"associations[0]: missing required property "name""#
    );
    assert_eq!(
        err(json!({"uri": "u", "associations": ["x"]}), Some(Version::V2_0)),
        r#"associations[0]: expected an object, found "x""#
    );
    // 2.1+: item properties plus name (and rel from 3.0), name and uri required.
    let rel = json!({"uri": "u", "associations": [{"name": "n", "uri": "i", "rel": "r"}]});
    assert_eq!(err(rel.clone(), Some(Version::V2_2)), "associations[0].rel: not a ninjs 2.2 property");
    assert!(check(&rel, Some(Version::V3_0)).is_ok());
}

#[test]
fn ninjs_3_rules() {
    let v3 = Some(Version::V3_0);
    let dates = |d: Value| json!({"uri": "u", "type": "event", "eventDetails": {"dates": d}});
    for ok in [
        json!({"startDate": "x"}),
        json!({"expectedEndDate": "2024-02"}),
        json!({"startDate": "x", "expectedStartDate": "2024", "endDate": "y"}),
    ] {
        assert!(check(&dates(ok.clone()), v3).is_ok(), "{ok}");
    }
    assert_eq!(
        err(dates(json!({"startDate": "x", "expectedStartDate": "2024"})), v3),
        "eventDetails.dates: expected exactly one of startDate, expectedStartDate, or exactly one of endDate, expectedEndDate"
    );
    for good in [
        "2024",
        "-0044",
        "12024",
        "2024-02",
        "2024-02-29",
        "2024-02-29T23:59:59",
        "2024-02-29T00:00:00.25Z",
        "2024-02-29T10:00:00-05:30",
    ] {
        assert!(check(&dates(json!({"expectedStartDate": good})), v3).is_ok(), "{good}");
    }
    for bad in [
        "",
        "24",
        "02024",
        "2024-13",
        "2024-1",
        "2024-02-32",
        "2024-02-29T24:00:00",
        "2024-02-29T10:00",
        "2024-02-29T10:00:00.",
        "2024-02-29T10:00:00+5",
        "2024-02-29T10:00:00Zx",
        "2024\n",
    ] {
        let e = err(dates(json!({"expectedStartDate": bad})), v3);
        assert!(
            e.starts_with("eventDetails.dates.expectedStartDate: expected a date-time that may stop after"),
            "{bad}: {e}"
        );
    }
    let recurrence = dates(json!({"startDate": "x", "recurrence": {"recurrenceDates": ["2024"]}}));
    assert!(err(recurrence, v3).contains("recurrenceDates: the 3.x schema requires an array and"));
    assert!(check(&json!({"uri": "u", "digitalSourceType": {"uri": "x"}}), v3).is_err());
    assert!(check(&json!({"uri": "u", "digitalSourceType": {"uri": "x"}}), Some(Version::V3_1)).is_ok());
}

#[test]
fn geojson() {
    let place = |g: Value| json!({"uri": "u", "places": [{"name": "p", "geojson": g}]});
    let v = Some(Version::V2_1);
    for ok in [
        json!({"type": "Point", "coordinates": [1, 2]}),
        json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]], "extra": true}),
        json!({"type": "Feature", "properties": null, "geometry": {"type": "GeometryCollection", "geometries": []}, "id": 3}),
        json!({"type": "FeatureCollection", "features": [], "bbox": [0, 0, 1, 1]}),
    ] {
        assert!(check(&place(ok.clone()), v).is_ok(), "{ok}");
    }
    assert_eq!(
        err(place(json!({"type": "Point", "coordinates": [1]})), v),
        "places[0].geojson.coordinates: expected at least 2 items, found 1"
    );
    assert!(
        err(place(json!({"type": "Foo"})), v)
            .starts_with(r#"places[0].geojson.type: expected one of Point, LineString"#)
    );
    assert_eq!(
        err(place(json!({"type": "Feature", "properties": 1, "geometry": null})), v),
        "places[0].geojson.properties: expected null or an object, found 1"
    );
}

#[test]
fn version_none_policy() {
    // No declaration: the newest version that accepts it.
    assert_eq!(check(&json!({"uri": "u"}), None), Ok(Version::V3_1));
    assert_eq!(check(&json!({"uri": "u", "headline": "h"}), None), Ok(Version::V1_6));
    assert_eq!(check(&json!({"uri": "u", "type": "component", "headline": "h"}), None), Ok(Version::V1_6));
    // A declaration is binding, even when another version would accept the item.
    let declared = json!({"uri": "u", "standard": {"version": "2.0"}, "expires": "2024"});
    assert_eq!(check(&declared, None).unwrap_err().to_string(), "expires: not a ninjs 2.0 property");
    assert_eq!(check(&declared, Some(Version::V2_1)), Ok(Version::V2_1));
    // No version accepts it: the violation of the closest one, named in the message.
    assert_eq!(
        err(json!({"uri": "u", "pubstatus": "cancelled", "headline": "h"}), None),
        r#"pubstatus: expected one of usable, withheld, canceled, found "cancelled" (no version declared; closest is ninjs 1.6)"#
    );
    assert_eq!(
        err(json!("text"), None),
        r#"a ninjs item must be a JSON object, found "text" (no version declared; closest is ninjs 3.1)"#
    );
}

#[test]
fn dev_property_advices_only_in_1_6_and_2_2() {
    let item = json!({"uri": "u", "advices": [{"role": "publish", "importance": {"code": "useful"}, "environments": [{"code": "x", "any": 1}]}]});
    for v in [Version::V1_6, Version::V2_2] {
        assert_eq!(check(&item, Some(v)), Ok(v));
    }
    for v in [Version::V1_5, Version::V2_1, Version::V3_1] {
        assert!(check(&item, Some(v)).is_err());
    }
    let bad = json!({"uri": "u", "advices": [{"role": "hold"}]});
    assert_eq!(err(bad, Some(Version::V2_2)), r#"advices[0].role: expected one of publish, found "hold""#);
}
