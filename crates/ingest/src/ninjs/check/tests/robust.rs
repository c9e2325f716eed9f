//! No input makes the checker panic: arbitrary JSON (proptest) and mutations of every test item.

use super::super::{Version, check, declared_version};
use super::common::*;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Keys the checker knows somewhere, so that generated objects reach the nested rules.
const KEYS: &[&str] = &[
    "uri",
    "type",
    "standard",
    "$standard",
    "version",
    "schema",
    "name",
    "associations",
    "renditions",
    "places",
    "place",
    "geojson",
    "geoJSON",
    "coordinates",
    "geometries",
    "features",
    "geometry",
    "properties",
    "bbox",
    "eventDetails",
    "dates",
    "startDate",
    "expectedStartDate",
    "recurrence",
    "recurrenceDates",
    "plannedCoverage",
    "rightsinfo",
    "rightsInfo",
    "linkedrights",
    "encodedrights",
    "contactinfo",
    "contactInfo",
    "address",
    "value",
    "subjects",
    "relevance",
    "urgency",
    "advices",
    "importance",
    "body_x",
    "headline_",
    "geometry_a",
    "_r",
    "",
    "é",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![Just("Point".to_string()), Just("2024-02-29".to_string()), ".{0,12}".prop_map(String::from)]
            .prop_map(Value::String),
    ];
    leaf.prop_recursive(8, 96, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (prop_oneof![prop::sample::select(KEYS).prop_map(String::from), ".{0,6}"], inner),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn arbitrary_json_never_panics(value in json_value(), root_keys in prop::collection::vec(prop::sample::select(KEYS), 0..4)) {
        // Also as an item with a uri, so that more of the rules are reached.
        let mut item = json!({"uri": "u"});
        for key in root_keys {
            item[key] = value.clone();
        }
        for candidate in [&value, &item] {
            let _ = declared_version(candidate);
            let none = check(candidate, None);
            prop_assert_eq!(&none, &check(candidate, None));
            for v in ALL {
                prop_assert_eq!(check(candidate, Some(v)), check(candidate, Some(v)));
            }
        }
    }
}

/// Every value of every test item replaced by odd values, and every key removed, under every version.
#[test]
fn mutated_test_items_never_panic() {
    if !have_data("ingest::ninjs_check::mutated_test_items_never_panic") {
        return;
    }
    let odd = [
        json!(null),
        json!(true),
        json!(-1),
        json!(1.5),
        json!(""),
        json!("Point"),
        json!([]),
        json!({}),
        json!([[0, 0]]),
        json!({"type": "Point"}),
    ];
    let mut checks = 0;
    for dir in ["test_suite", "examples"] {
        for path in json_files(&data_dir().join(dir)) {
            let Ok(value) = load(&path) else { continue };
            for item in items(value) {
                let mut pointers = Vec::new();
                collect_pointers(&item, String::new(), &mut pointers);
                for (n, pointer) in pointers.iter().enumerate().filter(|(_, p)| !p.is_empty()) {
                    let mut removed = item.clone();
                    remove(&mut removed, pointer);
                    let _ = check(&removed, None);
                    let replacement = &odd[n % odd.len()];
                    let mut changed = item.clone();
                    if let Some(slot) = changed.pointer_mut(pointer) {
                        *slot = replacement.clone();
                    }
                    let _ = check(&changed, Some(ALL[n % ALL.len()]));
                    let _ = check(&changed, None);
                    checks += 3;
                }
            }
        }
    }
    println!("{checks} checks of mutated items");
    assert!(checks > 10_000);
}

#[test]
fn deep_associations_are_refused_not_followed() {
    let mut item = json!({"uri": "leaf"});
    for _ in 0..500 {
        item = json!({"uri": "u", "associations": {"a": item}});
    }
    let e = check(&item, Some(Version::V1_6)).unwrap_err();
    assert!(e.message.contains("nested more than"), "{e}");
    let mut item = json!({"uri": "leaf", "name": "n"});
    for _ in 0..500 {
        item = json!({"uri": "u", "name": "n", "associations": [item]});
    }
    assert!(check(&item, None).is_err());
}

fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                collect_pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn remove(value: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return };
    let last = last.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.remove(&last);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = last.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
            }
        }
        _ => {}
    }
}
