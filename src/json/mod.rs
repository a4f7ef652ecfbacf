//! A plain JSON value that keeps key order and duplicate keys, and a reader that walks it
//! with JSON pointers so every problem can name where it is.
//!
//! `serde_json::Value` drops duplicate keys silently; a policy with two roles named `admin`
//! must be an error, so objects here are lists of pairs and the readers check for repeats.

pub mod parse;
pub mod text;
pub mod write;

use crate::error::{join, Error, Sink};
use crate::limits;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A JSON value. Objects keep their pairs in input order, repeats included.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// Parses JSON text, refusing oversized or malformed input with `invalid_json`.
    pub fn parse(text: &str) -> Result<Json, Error> {
        limits::check(
            text.len(),
            limits::MAX_INPUT_BYTES,
            "input_too_large",
            "the input size in bytes",
            "",
        )?;
        let value: Json = crate::json::parse::parse(text).map_err(|e| {
            Error::new(
                "invalid_json",
                format!("the input is not valid JSON: {e}"),
                "",
            )
        })?;
        if value.depth() > limits::MAX_JSON_DEPTH {
            return Err(limits::exceeded(
                "too_deep",
                "the nesting depth",
                limits::MAX_JSON_DEPTH,
                "",
            ));
        }
        Ok(value)
    }

    /// Nesting depth (a scalar is 0), computed without recursion.
    pub fn depth(&self) -> usize {
        let mut max = 0;
        let mut stack = vec![(self, 0usize)];
        while let Some((v, d)) = stack.pop() {
            max = max.max(d);
            match v {
                Json::Arr(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
                Json::Obj(pairs) => stack.extend(pairs.iter().map(|(_, i)| (i, d + 1))),
                _ => {}
            }
        }
        max
    }

    /// The first value under `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A short name of the kind of value, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Num(_) => "a number",
            Json::Str(_) => "a string",
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

/// Builds a [`Json`] from any serde input (`serde_json::from_str::<Json>` for native callers;
/// the tests hold the crate's own reader to it).
pub(crate) struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        Json::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Num(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Num(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Num(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            pairs.push((k, v));
        }
        Ok(Json::Obj(pairs))
    }
}

/// Reads the fields of one JSON object; [`Fields::open`] reports its unknown and repeated keys.
pub struct Fields<'a> {
    path: String,
    pairs: &'a [(String, Json)],
    known: &'static [&'static str],
}

impl<'a> Fields<'a> {
    /// Opens `value` as an object with the given known keys; reports `invalid_type` otherwise.
    pub fn open(
        value: &'a Json,
        path: &str,
        known: &'static [&'static str],
        sink: &mut Sink,
    ) -> Option<Self> {
        match value {
            Json::Obj(pairs) => {
                let fields = Fields {
                    path: path.to_owned(),
                    pairs,
                    known,
                };
                fields.check_keys(sink);
                Some(fields)
            }
            other => {
                sink.err(
                    "invalid_type",
                    format!("expected an object, found {}", other.kind()),
                    path,
                );
                None
            }
        }
    }

    fn check_keys(&self, sink: &mut Sink) {
        for (i, (key, _)) in self.pairs.iter().enumerate() {
            let at = join(&self.path, key);
            if !self.known.contains(&key.as_str()) && !key.starts_with('$') {
                let expected = self.known.join("`, `");
                sink.err(
                    "unknown_field",
                    format!("unknown field `{key}`; expected one of `{expected}`"),
                    at.clone(),
                );
            }
            if self.pairs.iter().take(i).any(|(k, _)| k == key) {
                sink.err(
                    "duplicate_key",
                    format!("the key `{key}` appears more than once"),
                    at,
                );
            }
        }
    }

    /// The value under `key` and its path.
    pub fn get(&self, key: &str) -> Option<(&'a Json, String)> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| (v, join(&self.path, key)))
    }

    /// A required string field.
    pub fn req_str(&self, key: &str, sink: &mut Sink) -> Option<&'a str> {
        match self.get(key) {
            Some((v, at)) => string(v, &at, sink),
            None => {
                sink.err(
                    "missing_field",
                    format!("the field `{key}` is required"),
                    join(&self.path, key),
                );
                None
            }
        }
    }

    /// An optional string field.
    pub fn opt_str(&self, key: &str, sink: &mut Sink) -> Option<&'a str> {
        let (v, at) = self.get(key)?;
        match v {
            Json::Null => None,
            _ => string(v, &at, sink),
        }
    }

    /// An optional boolean field.
    pub fn opt_bool(&self, key: &str, sink: &mut Sink) -> Option<bool> {
        match self.get(key)? {
            (Json::Bool(b), _) => Some(*b),
            (Json::Null, _) => None,
            (other, at) => {
                sink.err(
                    "invalid_type",
                    format!("`{key}` must be a boolean, found {}", other.kind()),
                    at,
                );
                None
            }
        }
    }

    /// An optional list of strings; a single string counts as a list of one.
    pub fn str_list(&self, key: &str, sink: &mut Sink) -> Vec<(&'a str, String)> {
        match self.get(key) {
            None | Some((Json::Null, _)) => Vec::new(),
            Some((v, at)) => str_list(v, &at, sink),
        }
    }
}

/// A string value, checked against the string length limit.
pub fn string<'a>(value: &'a Json, path: &str, sink: &mut Sink) -> Option<&'a str> {
    match value {
        Json::Str(s) if s.len() > limits::MAX_STRING_BYTES => {
            sink.errors.push(limits::exceeded(
                "string_too_long",
                "the string length in bytes",
                limits::MAX_STRING_BYTES,
                path,
            ));
            None
        }
        Json::Str(s) => Some(s),
        other => {
            sink.err(
                "invalid_type",
                format!("expected a string, found {}", other.kind()),
                path,
            );
            None
        }
    }
}

/// A list of strings (or one string), each with its path.
pub fn str_list<'a>(value: &'a Json, path: &str, sink: &mut Sink) -> Vec<(&'a str, String)> {
    match value {
        Json::Str(_) => string(value, path, sink)
            .map(|s| vec![(s, path.to_owned())])
            .unwrap_or_default(),
        Json::Arr(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let at = format!("{path}/{i}");
                string(v, &at, sink).map(|s| (s, at))
            })
            .collect(),
        other => {
            sink.err(
                "invalid_type",
                format!(
                    "expected a string or a list of strings, found {}",
                    other.kind()
                ),
                path,
            );
            Vec::new()
        }
    }
}

/// The pairs of an object value (or an `invalid_type` error).
pub fn object<'a>(value: &'a Json, path: &str, sink: &mut Sink) -> &'a [(String, Json)] {
    match value {
        Json::Obj(pairs) => {
            for (i, (key, _)) in pairs.iter().enumerate() {
                if pairs.iter().take(i).any(|(k, _)| k == key) {
                    sink.err(
                        "duplicate_key",
                        format!("the key `{key}` appears more than once"),
                        join(path, key),
                    );
                }
            }
            pairs
        }
        other => {
            sink.err(
                "invalid_type",
                format!("expected an object, found {}", other.kind()),
                path,
            );
            &[]
        }
    }
}

/// The items of an array value (or an `invalid_type` error).
pub fn array<'a>(value: &'a Json, path: &str, sink: &mut Sink) -> &'a [Json] {
    match value {
        Json::Arr(items) => items,
        other => {
            sink.err(
                "invalid_type",
                format!("expected an array, found {}", other.kind()),
                path,
            );
            &[]
        }
    }
}
