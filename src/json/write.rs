//! Compact JSON text for the binding's answers, written by hand: the same bytes as
//! `serde_json::to_string` on the same values (field order, `null`s, escapes), with a fraction
//! of the code in wasm (serde's generic serializer is instantiated once per type and inlined).
//! Floats go through zmij, the shortest round-trip printer serde_json uses, so numbers print
//! exactly as before (`1500.0`, `null` when not finite).

/// A value that writes itself as compact JSON.
pub trait ToJson {
    fn write(&self, out: &mut String);
}

/// `value` as compact JSON text.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write(&mut out);
    out
}

/// `impl ToJson` for a struct written as an object of the given fields, in order.
macro_rules! json_object {
    ($ty:ty { $($key:literal => $field:ident),* $(,)? }) => {
        impl $crate::json::write::ToJson for $ty {
            fn write(&self, out: &mut String) {
                $crate::json::write::object(out, &[$(($key, Some(&self.$field as &dyn $crate::json::write::ToJson))),*]);
            }
        }
    };
}
pub(crate) use json_object;

/// Appends `s`: one out-of-line copy instead of a grow-and-copy inlined at every call.
#[inline(never)]
pub(crate) fn raw(out: &mut String, s: &str) {
    out.push_str(s);
}

/// ASCII bytes as text.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// An array of the given items.
fn list(out: &mut String, items: &mut dyn Iterator<Item = &dyn ToJson>) {
    raw(out, "[");
    for (i, v) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        v.write(out);
    }
    raw(out, "]");
}

/// An object of the given fields, in order; a field whose value is `None` is left out.
pub fn object(out: &mut String, fields: &[(&str, Option<&dyn ToJson>)]) {
    raw(out, "{");
    let mut first = true;
    for (key, value) in fields {
        if let Some(v) = value {
            if !first {
                raw(out, ",");
            }
            first = false;
            key.write(out);
            raw(out, ":");
            v.write(out);
        }
    }
    raw(out, "}");
}

impl ToJson for str {
    fn write(&self, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        raw(out, "\"");
        let mut start = 0;
        // Escapes as serde_json does: `"`, `\`, the short forms, other controls as \u00xx.
        for (i, b) in self.bytes().enumerate() {
            let short = match b {
                b'"' | b'\\' => b,
                b'\n' => b'n',
                b'\r' => b'r',
                b'\t' => b't',
                0x08 => b'b',
                0x0c => b'f',
                0..=0x1f => b'u',
                _ => continue,
            };
            // `i` and `start` sit next to ASCII bytes, so both are char boundaries.
            raw(out, self.get(start..i).unwrap_or_default());
            let hex = |n: u8| HEX.get(usize::from(n)).copied().unwrap_or(b'0');
            let esc = [b'\\', short, b'0', b'0', hex(b >> 4), hex(b & 15)];
            let len = if short == b'u' { 6 } else { 2 };
            raw(out, ascii(esc.get(..len).unwrap_or_default()));
            start = i + 1;
        }
        raw(out, self.get(start..).unwrap_or_default());
        raw(out, "\"");
    }
}

impl ToJson for String {
    fn write(&self, out: &mut String) {
        self.as_str().write(out);
    }
}

impl ToJson for bool {
    fn write(&self, out: &mut String) {
        raw(out, if *self { "true" } else { "false" });
    }
}

impl ToJson for u64 {
    fn write(&self, out: &mut String) {
        let mut digits = [b'0'; 20];
        let mut n = *self;
        let mut at = digits.len();
        for d in digits.iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            at -= 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        out.extend(
            digits
                .get(at..)
                .unwrap_or_default()
                .iter()
                .map(|&d| char::from(d)),
        );
    }
}

impl ToJson for usize {
    fn write(&self, out: &mut String) {
        (*self as u64).write(out);
    }
}

impl ToJson for u32 {
    fn write(&self, out: &mut String) {
        u64::from(*self).write(out);
    }
}

impl ToJson for u16 {
    fn write(&self, out: &mut String) {
        u64::from(*self).write(out);
    }
}

impl ToJson for f64 {
    fn write(&self, out: &mut String) {
        raw(out, &super::text::float(*self));
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write(&self, out: &mut String) {
        (**self).write(out);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write(&self, out: &mut String) {
        match self {
            Some(v) => v.write(out),
            None => raw(out, "null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write(&self, out: &mut String) {
        list(out, &mut self.iter().map(|v| v as &dyn ToJson));
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write(&self, out: &mut String) {
        self.as_slice().write(out);
    }
}

impl<A: ToJson, B: ToJson> ToJson for (A, B) {
    fn write(&self, out: &mut String) {
        list(out, &mut [&self.0 as &dyn ToJson, &self.1].into_iter());
    }
}
impl ToJson for crate::json::Json {
    fn write(&self, out: &mut String) {
        use crate::json::Json;
        match self {
            Json::Null => raw(out, "null"),
            Json::Bool(b) => b.write(out),
            Json::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                if *n < 0.0 {
                    raw(out, "-");
                }
                (n.abs() as u64).write(out)
            }
            Json::Num(n) => n.write(out),
            Json::Str(s) => s.write(out),
            Json::Arr(items) => items.write(out),
            Json::Obj(pairs) => {
                raw(out, "{");
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        raw(out, ",");
                    }
                    k.write(out);
                    raw(out, ":");
                    v.write(out);
                }
                raw(out, "}");
            }
        }
    }
}
