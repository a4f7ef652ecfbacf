//! `accord::json::write` writes the same bytes as `serde_json::to_string` for every shape the
//! binding answers with (the JS tests compare transcripts across runtimes).

use accord::json::write::{to_string, ToJson};
use accord::{Decision, Group, Reason, Total};
use serde::Serialize;

fn same<T: Serialize + ToJson + ?Sized>(v: &T) {
    let want = serde_json::to_string(v).unwrap_or_default();
    assert_eq!(to_string(v), want);
}

#[test]
fn strings_escape_like_serde_json() {
    let all: String = (0u8..=0x7f).map(char::from).collect();
    same(&all);
    same("");
    same("é ü 日本 \u{FDD0}\u{FDD1} 😀 \u{7f} \u{80} \u{2028}");
    same("a\"b\\c/d\n\r\t\u{8}\u{c}\u{1}\u{1f}end");
}

#[test]
fn numbers_print_like_serde_json() {
    for n in [
        0u64,
        1,
        9,
        10,
        99,
        100,
        12345,
        u64::from(u32::MAX),
        u64::MAX,
    ] {
        same(&n);
    }
    same(&[1u16, 2, 65535][..]);
    same(&[0u32, 4_000_000_000][..]);
    same(&usize::MAX);
    for f in [
        0.0,
        -0.0,
        1.0,
        1500.0,
        0.1,
        -2.5,
        1e21,
        1e-7,
        123456789.125,
        f64::MAX,
        f64::MIN_POSITIVE,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        same(&f);
    }
}

#[test]
fn answers_print_like_serde_json() {
    same(&Decision {
        allowed: true,
        code: "allowed",
        message: "ok".into(),
        rule: None,
        upgrade_to: None,
        reasons: Vec::new(),
    });
    same(&Decision {
        allowed: false,
        code: "plan_required",
        message: "Needs \"Pro\".".into(),
        rule: Some("r-1".into()),
        upgrade_to: Some("pro".into()),
        reasons: vec![
            Reason {
                code: "out_of_scope",
                message: "Not \"yours\".".into(),
            },
            Reason {
                code: "plan_required",
                message: "Needs \"Pro\".".into(),
            },
        ],
    });
    let g = Group {
        total: 2.5,
        count: 3,
    };
    same(&Total::default());
    same(&Total {
        total: 1e300,
        count: 4,
        groups: Some(vec![("a\n".into(), g), ("".into(), Group::default())]),
    });
    same(&Total {
        total: 0.0,
        count: 0,
        groups: Some(vec![]),
    });
    same(&vec!["view", "update"]);
    same(&Vec::<String>::new());
    same(&vec![("code", String::from("message"))]);
    same(&vec![vec![Some(1usize), None], vec![]]);
    same(&(Some(true), None::<u16>));
}
