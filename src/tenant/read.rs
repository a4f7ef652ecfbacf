//! Readers that feed a [`DirectoryCompiler`]: a pull reader over JSON text that hands each user over
//! as soon as it is read and then drops it (no tree of the users array is ever built), and a
//! walk over an already parsed [`Json`] document.
//!
//! The text reader drives `serde_json`'s own parser, so syntax errors, their messages and
//! positions are exactly those of [`Json::parse`]; it keeps only the fields the compiler
//! reads (strings borrowed from the text) and checks everything else for syntax and depth.

use super::compile::{DirectoryCompiler, Field, TopKey, UserSlots};
use crate::json::{Json, JsonVisitor};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Reads a whole directory from JSON text.
pub(crate) fn directory(c: &mut DirectoryCompiler, text: &str) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let depth = Node::Top(&mut *c).deserialize(&mut de)?;
    c.note_top_depth(depth);
    de.end()
}

/// Reads a JSON array of further users (anything else makes [`DirectoryCompiler::refused`] true).
pub(crate) fn users(c: &mut DirectoryCompiler, text: &str) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    Node::Users(c, true).deserialize(&mut de)?;
    de.end()
}

/// Feeds a parsed document.
pub(crate) fn tree(c: &mut DirectoryCompiler, doc: &Json) {
    let Json::Obj(pairs) = doc else {
        c.top_not_object(doc.kind());
        return;
    };
    c.top_object();
    let mut slots = UserSlots::default();
    for (key, value) in pairs {
        match c.top_key(key) {
            TopKey::Keep(at) => c.top_value(at, value.clone()),
            TopKey::Skip => {}
            TopKey::Users => match value {
                Json::Arr(items) => {
                    for u in items {
                        match u {
                            Json::Obj(fields) => {
                                slots.reset(c.width(), None);
                                for (k, v) in fields {
                                    if let Some(s) = c.slot_of(k) {
                                        slots.keep(s, field(v));
                                    }
                                }
                            }
                            other => slots.reset(c.width(), Some(other.kind())),
                        }
                        c.user(&slots);
                    }
                }
                other => c.users_not_array(other.kind()),
            },
        }
    }
}

fn field(v: &Json) -> Field<'_> {
    match v {
        Json::Null => Field::Null,
        Json::Bool(b) => Field::Bool(*b),
        Json::Num(n) => Field::Num(*n),
        Json::Str(s) => Field::Str(Cow::Borrowed(s)),
        other => Field::Tree(Cow::Borrowed(other)),
    }
}

/// Depth of a container from its children's deepest (`None`: no children).
fn above(deepest: Option<usize>) -> usize {
    deepest.map_or(0, |d| d + 1)
}

fn deeper(a: Option<usize>, b: usize) -> Option<usize> {
    Some(a.map_or(b, |a| a.max(b)))
}

/// What to do with the value being read; reading it returns its nesting depth. One visitor
/// type for every role keeps one copy of the parser in the wasm module.
enum Node<'a, 'de> {
    /// Read for syntax and depth only.
    Skip,
    /// A user field the compiler reads (strings borrowed from the text when they have no
    /// escapes).
    Keep(&'a mut Option<Field<'de>>),
    /// The directory.
    Top(&'a mut DirectoryCompiler),
    /// The users array (the directory's, or a part of its own when `true`): each element
    /// goes to the compiler as soon as it is read. Its depth reads as 0 (the users' depths
    /// go to the compiler), or, when `users` is not an array, as the value's depth.
    Users(&'a mut DirectoryCompiler, bool),
    /// One user: the fields the compiler reads are kept, the rest read and dropped.
    User(&'a mut DirectoryCompiler, &'a mut UserSlots<'de>),
}

impl<'de> DeserializeSeed<'de> for Node<'_, 'de> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Node<'_, 'de> {
    /// A value that is not an array or object.
    fn scalar(self, kind: &'static str, value: impl FnOnce() -> Field<'de>) -> usize {
        match self {
            Node::Skip => {}
            Node::Keep(slot) => *slot = Some(value()),
            Node::Top(c) => c.top_not_object(kind),
            Node::Users(c, true) => c.refuse(),
            Node::Users(c, false) => c.users_not_array(kind),
            Node::User(c, slots) => {
                slots.reset(c.width(), Some(kind));
                c.user(slots);
            }
        }
        0
    }
}

/// Reads a key; borrowed from the text when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
}

fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<usize, A::Error> {
    let mut deepest = None;
    while let Some(d) = seq.next_element_seed(Node::Skip)? {
        deepest = deeper(deepest, d);
    }
    Ok(above(deepest))
}

fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<usize, A::Error> {
    let mut deepest = None;
    while map.next_key_seed(Key)?.is_some() {
        deepest = deeper(deepest, map.next_value_seed(Node::Skip)?);
    }
    Ok(above(deepest))
}

impl<'de> Visitor<'de> for Node<'_, 'de> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<usize, E> {
        Ok(self.scalar("null", || Field::Null))
    }
    fn visit_bool<E>(self, v: bool) -> Result<usize, E> {
        Ok(self.scalar("a boolean", || Field::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<usize, E> {
        Ok(self.scalar("a number", || Field::Num(v as f64)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<usize, E> {
        Ok(self.scalar("a number", || Field::Num(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<usize, E> {
        Ok(self.scalar("a number", || Field::Num(v)))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<usize, E> {
        Ok(self.scalar("a string", || Field::Str(Cow::Borrowed(v))))
    }
    fn visit_str<E>(self, v: &str) -> Result<usize, E> {
        Ok(self.scalar("a string", || Field::Str(Cow::Owned(v.to_owned()))))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        match self {
            Node::Skip => skip_seq(seq),
            Node::Keep(slot) => {
                let v = JsonVisitor.visit_seq(seq)?;
                let d = v.depth();
                *slot = Some(Field::Tree(Cow::Owned(v)));
                Ok(d)
            }
            Node::Top(c) => {
                c.top_not_object("an array");
                skip_seq(seq)
            }
            Node::Users(c, _) if !c.takes_users() => {
                c.refuse();
                skip_seq(seq)
            }
            Node::Users(c, _) => {
                let mut slots = UserSlots::default();
                while let Some(depth) = seq.next_element_seed(Node::User(&mut *c, &mut slots))? {
                    c.note_user_depth(depth);
                }
                Ok(0)
            }
            Node::User(c, slots) => {
                let d = skip_seq(seq)?;
                slots.reset(c.width(), Some("an array"));
                c.user(slots);
                Ok(d)
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        let mut deepest = None;
        match self {
            Node::Skip => return skip_map(map),
            Node::Keep(slot) => {
                let v = JsonVisitor.visit_map(map)?;
                let d = v.depth();
                *slot = Some(Field::Tree(Cow::Owned(v)));
                return Ok(d);
            }
            Node::Users(c, true) => {
                c.refuse();
                return skip_map(map);
            }
            Node::Users(c, false) => {
                let d = skip_map(map)?;
                c.users_not_array("an object");
                return Ok(d);
            }
            Node::Top(c) => {
                c.top_object();
                while let Some(key) = map.next_key_seed(Key)? {
                    let d = match c.top_key(&key) {
                        TopKey::Keep(at) => {
                            let value: Json = map.next_value()?;
                            let d = value.depth();
                            c.top_value(at, value);
                            d
                        }
                        TopKey::Users => map.next_value_seed(Node::Users(&mut *c, false))?,
                        TopKey::Skip => map.next_value_seed(Node::Skip)?,
                    };
                    deepest = deeper(deepest, d);
                }
            }
            Node::User(c, slots) => {
                slots.reset(c.width(), None);
                while let Some(key) = map.next_key_seed(Key)? {
                    let d = match c.slot_of(&key).and_then(|s| slots.wants(s)) {
                        Some(slot) => map.next_value_seed(Node::Keep(slot))?,
                        None => map.next_value_seed(Node::Skip)?,
                    };
                    deepest = deeper(deepest, d);
                }
                c.user(slots);
            }
        }
        Ok(above(deepest))
    }
}
