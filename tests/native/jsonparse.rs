//! `accord::json::parse` reads JSON exactly as `serde_json::from_str` did: the same values (bit
//! for bit) and the same error messages, checked on hand-picked inputs, on prefixes of real
//! documents, and on many mutations of them.

use accord::Json;

fn serde(text: &str) -> Result<Json, String> {
    serde_json::from_str::<Json>(text).map_err(|e| e.to_string())
}

fn same(text: &str) {
    // Debug prints floats exactly (shortest round trip, -0.0 kept).
    let want = format!("{:?}", serde(text));
    let got = format!("{:?}", accord::json::parse::parse(text));
    assert_eq!(got, want, "input {text:?}");
}

#[test]
fn hand_picked() {
    let cases = [
        "",
        " ",
        "null",
        "nul",
        "nulx",
        "true",
        "tru",
        "trUe",
        "false",
        "f",
        "x",
        "1",
        "-",
        "-x",
        "-0",
        "0",
        "00",
        "01",
        "-01",
        "0.",
        "0.x",
        "1.5",
        "1e",
        "1e+",
        "1e-",
        "1ex",
        "1E5",
        "1e-5",
        "-1.5e-3",
        "1.0e400",
        "1e308",
        "1e309",
        "-1e309",
        "1e-400",
        "0e999999999999",
        "1e999999999999",
        "1e-999999999999",
        "-0.0",
        "123456789012345678901234567890",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615.5",
        "1844674407370955161.5",
        "0.1234567890123456789012345",
        "123456789012345678901234567890.5e-10",
        "4.9e-324",
        "2.2250738585072014e-308",
        "1.7976931348623157e308",
        "9007199254740993",
        "\"\"",
        "\"",
        "\"abc",
        "\"a\\",
        "\"a\\x\"",
        "\"\\u\"",
        "\"\\u12\"",
        "\"\\u12g4\"",
        "\"\\u00e9\"",
        "\"\\ud83d\\ude00\"",
        "\"\\ud83d\"",
        "\"\\ud83dx\"",
        "\"\\ud83d\\x\"",
        "\"\\ud83d\\u0041\"",
        "\"\\ude00\"",
        "\"\\ud83d\\ud83d\"",
        "\"a\u{1}b\"",
        "\"tab\tx\"",
        "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"",
        "\"é日😀\"",
        "[",
        "[1",
        "[1,",
        "[1,]",
        "[1 2]",
        "[,1]",
        "[]",
        "[ ]",
        "[1,2]",
        "[[]]",
        "{",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1",
        "{\"a\":1,",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{1:1}",
        "{\"a\":1 \"b\":2}",
        "{}",
        "{ }",
        "{,}",
        "{\"a\":1}x",
        "1 2",
        " 1 ",
        "\n\n  [1,\n  x]",
        "[1,\r\n\"a\u{1}\"]",
        "{\"a\":{\"b\":[true,null]}}",
        "{\"a\":1,\"a\":2}",
        "\u{feff}1",
        "[1]]",
        "{\"a\":1}}",
        "[\"x\",]",
        "{\"k\":\"v\",\"k2\"}",
    ];
    for c in cases {
        same(c);
    }
}

#[test]
fn nesting_limit() {
    for depth in [1usize, 63, 64, 65, 126, 127, 128, 129, 200] {
        same(&"[".repeat(depth));
        same(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        same(&format!(
            "{}1{}",
            "{\"a\":".repeat(depth),
            "}".repeat(depth)
        ));
    }
}

fn documents() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = Vec::new();
    for dir in ["presets", "tests/corpus"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        docs.extend(files.iter().filter_map(|p| std::fs::read_to_string(p).ok()));
    }
    docs.push(
        r#"{"n":[0,-0,1.5,-2.25e-3,1e22,123456789012345678901,0.000001,7e-320],"s":"a\"\\\/\b\f\n\r\t\u0001\u00e9\ud83d\ude00é"}"#
            .to_owned(),
    );
    docs
}

#[test]
fn prefixes_of_real_documents() {
    let docs = documents();
    assert!(docs.len() > 5);
    for doc in &docs {
        same(doc);
        // Every prefix of the first 1,000 bytes, then every 61st (the test stays quick).
        let ends = (0..doc.len()).filter(|&e| e < 1000 || e % 61 == 0);
        for end in ends.filter(|&e| doc.is_char_boundary(e)) {
            same(doc.get(..end).unwrap_or_default());
        }
    }
}

#[test]
fn mutations_of_real_documents() {
    let bytes = [
        "\"",
        "\\",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        " ",
        "\n",
        "0",
        "1",
        "-",
        "+",
        ".",
        "e",
        "E",
        "x",
        "n",
        "t",
        "u",
        "\u{1}",
        "\\u",
        "\\ud800",
        "9999999999999999999999",
        "1e400",
        "é",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rand = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for doc in documents() {
        for _ in 0..800 {
            let mut at = rand(doc.len() + 1);
            while !doc.is_char_boundary(at) {
                at -= 1;
            }
            let mut cut = at + rand(3);
            while cut > doc.len() || !doc.is_char_boundary(cut) {
                cut -= 1;
            }
            let insert = bytes.get(rand(bytes.len())).copied().unwrap_or("");
            let text = format!(
                "{}{}{}",
                doc.get(..at).unwrap_or_default(),
                insert,
                doc.get(cut..).unwrap_or_default()
            );
            same(&text);
        }
    }
}
