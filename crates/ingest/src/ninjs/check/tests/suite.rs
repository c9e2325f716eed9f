//! IPTC's conformance suite (test_suite/<version>/should_pass|should_fail) and the examples.

use super::super::{Version, check};
use super::common::*;
use std::collections::BTreeMap;

#[test]
fn should_fail_files_fail_with_their_folder_version() {
    if !have_data("ingest::ninjs_check::should_fail_files_fail_with_their_folder_version") {
        return;
    }
    let (mut failed, mut not_json, mut wrong) = (BTreeMap::new(), Vec::new(), Vec::new());
    for (folder, version) in suite_folders() {
        for path in json_files(&data_dir().join("test_suite").join(&folder).join("should_fail")) {
            let Ok(item) = load(&path) else {
                not_json.push(rel(&path)); // the caller's JSON parser refuses it; nothing to check
                continue;
            };
            match check(&item, Some(version)) {
                Err(v) => {
                    println!("{} [{version}] -> {v}", rel(&path));
                    *failed.entry(folder.clone()).or_insert(0) += 1;
                }
                Ok(_) => wrong.push(rel(&path)),
            }
        }
    }
    println!("should_fail per folder (failed as expected): {failed:?}; not JSON at all: {not_json:?}");
    assert!(wrong.is_empty(), "should_fail files accepted: {wrong:?}");
    assert_eq!(not_json.len(), 5, "files that serde_json refuses: {not_json:?}");
}

#[test]
fn should_pass_files_pass_with_their_folder_version() {
    if !have_data("ingest::ninjs_check::should_pass_files_pass_with_their_folder_version") {
        return;
    }
    let (mut passed, mut wrong) = (BTreeMap::new(), Vec::new());
    for (folder, version) in suite_folders() {
        for path in json_files(&data_dir().join("test_suite").join(&folder).join("should_pass")) {
            let item = load(&path).unwrap_or_else(|e| panic!("{}: {e}", rel(&path)));
            match check(&item, Some(version)) {
                Ok(v) => {
                    assert_eq!(v, version);
                    *passed.entry(folder.clone()).or_insert(0) += 1;
                }
                Err(v) => wrong.push(format!("{} [{version}]: {v}", rel(&path))),
            }
        }
    }
    println!("should_pass per folder (passed): {passed:?}");
    assert!(wrong.is_empty(), "should_pass files refused:\n{}", wrong.join("\n"));
}

/// IPTC's suite does not assert `format`; these files are in should_pass only because of that.
#[test]
fn bad_date_times_pass_because_formats_are_not_asserted() {
    if !have_data("ingest::ninjs_check::bad_date_times_pass_because_formats_are_not_asserted") {
        return;
    }
    for file in [
        "1.0/should_pass/016_versioncreated_bad_datetime.json",
        "1.0/should_pass/017_versioncreated_date_only.json",
        "1.0/should_pass/019_embargoed_bad_datetime.json",
        "1.0/should_pass/020_embargoed_date_only.json",
        "1.2/should_pass/005_firstcreated_bad_datetime.json",
    ] {
        let item = load(&data_dir().join("test_suite").join(file)).unwrap();
        let version: Version = file[..3].parse().unwrap();
        assert_eq!(check(&item, Some(version)), Ok(version), "{file}");
    }
}

#[test]
fn should_pass_files_pass_without_a_version() {
    if !have_data("ingest::ninjs_check::should_pass_files_pass_without_a_version") {
        return;
    }
    let mut wrong = Vec::new();
    for (folder, _) in suite_folders() {
        for path in json_files(&data_dir().join("test_suite").join(&folder).join("should_pass")) {
            match check(&load(&path).unwrap(), None) {
                Ok(v) => println!("{} -> ninjs {v}", rel(&path)),
                Err(v) => wrong.push(format!("{}: {v}", rel(&path))),
            }
        }
    }
    assert!(wrong.is_empty(), "should_pass files refused with version None:\n{}", wrong.join("\n"));
}

/// Without a version, a should_fail file passes when another version accepts it (and it declares none).
#[test]
fn should_fail_files_that_another_version_accepts() {
    if !have_data("ingest::ninjs_check::should_fail_files_that_another_version_accepts") {
        return;
    }
    let mut accepted = Vec::new();
    for (folder, _) in suite_folders() {
        for path in json_files(&data_dir().join("test_suite").join(&folder).join("should_fail")) {
            let Ok(item) = load(&path) else { continue };
            if let Ok(v) = check(&item, None) {
                accepted.push(format!("{} -> {v}", rel(&path)));
            }
        }
    }
    println!("should_fail files valid under another version:\n{}", accepted.join("\n"));
    let expected = [
        "test_suite/1.0/should_fail/014_type_component.json -> 1.6",
        "test_suite/1.0/should_fail/016_infosource.json -> 1.6",
        "test_suite/1.1/should_fail/001_type_component.json -> 1.6",
        "test_suite/1.1/should_fail/002_infosource.json -> 1.6",
        "test_suite/2.1/should_fail/001_bad_association.json -> 2.0",
        "test_suite/2.1/should_fail/002_good_association_but_no_name.json -> 2.0",
        "test_suite/2.1/should_fail/003_good_association_but_no_uri.json -> 2.0",
        "test_suite/3.0/should_fail/006_bad_urgency.json -> 2.2",
    ];
    assert_eq!(accepted, expected);
}

/// Examples that cannot pass: (file, what the first violation of every item must mention).
const INVALID_EXAMPLES: [(&str, &str); 4] = [
    // Counter-example of the user guide: an extension property.
    ("examples/spec-doc/not-valid/008_extension.json", "embargoedreason: not a ninjs 2.2 property"),
    // TT's extension demo: "foofoo" is defined by TT's own extension schema, not by ninjs 2.1.
    ("examples/agency/2.1/schema-extension/extension-example.json", "foofoo: not a ninjs 2.1 property"),
    // That extension schema itself: a JSON Schema document, not a ninjs item.
    ("examples/agency/2.1/schema-extension/extension-schema.json", "missing required property \"uri\""),
    // Each of the 14 items uses eventDetails.dates.estimatedStartDate/-EndDate, which 3.0 does not
    // define (and the first 12 also give "events" as an object instead of an array).
    (
        "examples/agency/3.0/collection/20231016-event-timeline-sample.json",
        "eventDetails.dates.estimatedEndDate: not allowed here (ninjs 3.1 allows startDate",
    ),
];

#[test]
fn examples_pass_without_a_version() {
    if !have_data("ingest::ninjs_check::examples_pass_without_a_version") {
        return;
    }
    let (mut passed, mut wrong, mut refused) = (BTreeMap::new(), Vec::new(), 0);
    for path in json_files(&data_dir().join("examples")) {
        let name = rel(&path);
        let items = items(load(&path).unwrap_or_else(|e| panic!("{name}: {e}")));
        let expected_failure = INVALID_EXAMPLES.iter().find(|(f, _)| *f == name).map(|(_, m)| *m);
        for (i, item) in items.iter().enumerate() {
            match (check(item, None), expected_failure) {
                (Ok(v), None) => {
                    println!("{name}#{i} -> ninjs {v}");
                    *passed.entry(name.rsplit_once('/').unwrap().0.to_string()).or_insert(0) += 1;
                }
                (Err(v), Some(mention)) if v.to_string().contains(mention) => {
                    println!("{name}#{i} refused as expected: {v}");
                    refused += 1;
                }
                (result, _) => wrong.push(format!("{name}#{i}: {result:?}")),
            }
        }
    }
    println!("examples passed per folder: {passed:?}; refused as expected: {refused}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(refused, 1 + 1 + 1 + 14);
}
