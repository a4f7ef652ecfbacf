//! JSON values as the text a person reads: numbers as JavaScript's `String(n)` prints them and
//! a record's id, so an answer names the same record in every runtime.

use super::Json;

/// A number as JavaScript's `String(n)` prints it, for the usual cases.
pub fn number_key(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        (n as i64).to_string()
    } else {
        float(n)
    }
}

/// A number as JSON text, as serde_json prints it: zmij's shortest round trip (much smaller in
/// wasm than `format!("{n}")`), `null` for NaN and the infinities.
pub fn float(n: f64) -> String {
    if n.is_finite() {
        zmij::Buffer::new().format_finite(n).to_owned()
    } else {
        "null".to_owned()
    }
}

/// A record's `id` as text, if it has one (numbers are printed as JSON numbers).
pub fn id_text(rec: &Json) -> Option<String> {
    match rec.get("id")? {
        Json::Str(s) => Some(s.clone()),
        Json::Num(n) => Some(number_key(*n)),
        _ => None,
    }
}
