//! Readers that feed a [`DirectoryCompiler`]: a pull reader over JSON text that hands each user over
//! as soon as it is read and then drops it (no tree of the users array is ever built), and a
//! walk over an already parsed [`Json`] document.
//!
//! The text reader pulls from the crate's one JSON parser ([`Pull`]), so syntax errors, their
//! messages and positions are exactly those of [`Json::parse`]; it keeps only the fields the
//! compiler reads (strings borrowed from the text) and checks everything else for syntax and
//! depth. Reading a value returns its nesting depth (a scalar is 0).

use super::compile::{DirectoryCompiler, Field, TopKey, UserSlots};
use crate::json::parse::{Pull, Start};
use crate::json::Json;
use std::borrow::Cow;

type R<T> = Result<T, String>;

/// Reads a whole directory from JSON text.
pub(crate) fn directory(c: &mut DirectoryCompiler, text: &str) -> R<()> {
    let mut p = Pull::new(text);
    let depth = top(&mut p, c)?;
    c.note_top_depth(depth);
    p.finish()
}

/// Reads a JSON array of further users (anything else makes [`DirectoryCompiler::refused`] true).
pub(crate) fn users(c: &mut DirectoryCompiler, text: &str) -> R<()> {
    let mut p = Pull::new(text);
    match p.start()? {
        Start::Arr if c.takes_users() => user_list(&mut p, c)?,
        other => {
            c.refuse();
            skip(&mut p, other)?;
        }
    }
    p.finish()
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

/// The directory: its users go to the compiler one by one, the keys it keeps as trees.
fn top(p: &mut Pull<'_>, c: &mut DirectoryCompiler) -> R<usize> {
    let start = p.start()?;
    if !matches!(start, Start::Obj) {
        c.top_not_object(start.kind());
        return skip(p, start);
    }
    c.top_object();
    let mut deepest = None;
    while let Some(key) = p.key(deepest.is_none())? {
        let d = match c.top_key(&key) {
            TopKey::Keep(at) => {
                let value = p.value()?;
                let d = value.depth();
                c.top_value(at, value);
                d
            }
            TopKey::Users => users_value(p, c)?,
            TopKey::Skip => skip_value(p)?,
        };
        deepest = deeper(deepest, d);
    }
    Ok(above(deepest))
}

/// The directory's `users`: when it is an array, its depth reads as 0 (the users' depths go to
/// the compiler).
fn users_value(p: &mut Pull<'_>, c: &mut DirectoryCompiler) -> R<usize> {
    match p.start()? {
        Start::Arr if c.takes_users() => user_list(p, c).map(|()| 0),
        Start::Arr => {
            c.refuse();
            skip(p, Start::Arr)
        }
        other => {
            c.users_not_array(other.kind());
            skip(p, other)
        }
    }
}

/// The elements of an open users array, each to the compiler as soon as it is read.
fn user_list<'de>(p: &mut Pull<'de>, c: &mut DirectoryCompiler) -> R<()> {
    let mut slots = UserSlots::default();
    let mut first = true;
    while p.item(first)? {
        first = false;
        let depth = user(p, c, &mut slots)?;
        c.note_user_depth(depth);
    }
    Ok(())
}

/// One user: the fields the compiler reads are kept, the rest read and dropped.
fn user<'de>(p: &mut Pull<'de>, c: &mut DirectoryCompiler, slots: &mut UserSlots<'de>) -> R<usize> {
    let start = p.start()?;
    if !matches!(start, Start::Obj) {
        let kind = start.kind();
        let d = skip(p, start)?;
        slots.reset(c.width(), Some(kind));
        c.user(slots);
        return Ok(d);
    }
    slots.reset(c.width(), None);
    let mut deepest = None;
    let mut first = true;
    while let Some(key) = p.key(first)? {
        first = false;
        let d = match c.slot_of(&key).and_then(|s| slots.wants(s)) {
            Some(slot) => keep(p, slot)?,
            None => skip_value(p)?,
        };
        deepest = deeper(deepest, d);
    }
    c.user(slots);
    Ok(above(deepest))
}

/// A user field the compiler reads: strings borrowed from the text when they have no escapes.
fn keep<'de>(p: &mut Pull<'de>, slot: &mut Option<Field<'de>>) -> R<usize> {
    let (field, depth) = match p.start()? {
        Start::Null => (Field::Null, 0),
        Start::Bool(b) => (Field::Bool(b), 0),
        Start::Num(n) => (Field::Num(n), 0),
        Start::Str(s) => (Field::Str(s), 0),
        container => {
            let value = p.rest(container)?;
            let d = value.depth();
            (Field::Tree(Cow::Owned(value)), d)
        }
    };
    *slot = Some(field);
    Ok(depth)
}

/// The next value, read for syntax and depth only.
fn skip_value(p: &mut Pull<'_>) -> R<usize> {
    let start = p.start()?;
    skip(p, start)
}

/// The rest of a value `start` began, read for syntax and depth only.
fn skip(p: &mut Pull<'_>, start: Start<'_>) -> R<usize> {
    let mut deepest = None;
    match start {
        Start::Arr => {
            while p.item(deepest.is_none())? {
                deepest = deeper(deepest, skip_value(p)?);
            }
        }
        Start::Obj => {
            while p.key(deepest.is_none())?.is_some() {
                deepest = deeper(deepest, skip_value(p)?);
            }
        }
        _ => return Ok(0),
    }
    Ok(above(deepest))
}
