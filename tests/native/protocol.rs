//! The numbers JavaScript shares with the engine (`js/protocol.js`) are the engine's: a test
//! that fails when either side changes alone.

use accord::limits;

fn js_constant(name: &str) -> Option<u64> {
    let text = include_str!("../../js/protocol.js");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("export const {name} = ")))?;
    line.split('=')
        .nth(1)?
        .trim()
        .trim_end_matches(';')
        .parse()
        .ok()
}

#[test]
fn protocol_fast_strings_stay_under_the_string_limit() {
    // A JavaScript string of n UTF-16 units takes at most 3n UTF-8 bytes.
    let n = js_constant("MAX_FAST_STRING").unwrap_or(u64::MAX);
    assert!(
        3 * n < limits::MAX_STRING_BYTES as u64,
        "{n} units may exceed the limit"
    );
    assert!(
        3 * (n + 1) >= limits::MAX_STRING_BYTES as u64,
        "{n} units is needlessly low"
    );
}

#[test]
fn protocol_limits_match_the_engine() {
    assert_eq!(
        js_constant("MAX_RECORD_ORGS"),
        Some(limits::MAX_RECORD_ORGS as u64)
    );
    assert_eq!(js_constant("MAX_RECORDS"), Some(limits::MAX_RECORDS as u64));
    assert_eq!(
        js_constant("MAX_SNAPSHOT_BYTES"),
        Some(limits::MAX_SNAPSHOT_BYTES as u64)
    );
}

#[test]
fn protocol_value_tags_match_the_engine() {
    use accord::tenant::record::code;
    for (name, tag) in [
        ("TAG_ABSENT", code::ABSENT),
        ("TAG_NULL", code::NULL),
        ("TAG_BOOL", code::BOOL),
        ("TAG_NUM", code::NUM),
        ("TAG_STR", code::STR),
    ] {
        assert_eq!(js_constant(name), Some(u64::from(tag)), "{name}");
    }
}

#[test]
fn protocol_refusal_marks_match_the_engine() {
    let hex = |name: &str| {
        let text = include_str!("../../js/protocol.js");
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("export const {name} = 0x")))?;
        u32::from_str_radix(line.split("0x").nth(1)?.trim_end_matches(';'), 16).ok()
    };
    assert_eq!(hex("MARK_FIELD"), Some(accord::answer::explain::FIELD_MARK));
    assert_eq!(hex("MARK_ID"), Some(0xFDD0));
    assert_eq!(hex("MARK_PARENT"), Some(0xFDD1));
    // The JavaScript side reads one field mark per slot a record may have.
    assert_eq!(accord::engine::FIELD_SLOTS, 16);
}
