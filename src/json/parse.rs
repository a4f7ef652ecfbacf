//! JSON text → [`Json`], by hand: the same values and the same error messages as
//! `serde_json::from_str` (serde_json 1.0 without `float_roundtrip`), at a fraction of its
//! code in wasm. Every decision below mirrors serde_json's reader (`de.rs`, `read.rs`): where
//! an error points (`error` = the current byte, `peek_error` = one past it), its wording, how
//! numbers round (a `u64` significand scaled by a table of powers of ten), the nesting limit.
//! `tests/native/jsonparse.rs` checks it against serde_json on mutated and truncated inputs.

use crate::json::Json;
use std::borrow::Cow;

const EOF_LIST: &str = "EOF while parsing a list";
const EOF_OBJECT: &str = "EOF while parsing an object";
const EOF_STRING: &str = "EOF while parsing a string";
const EOF_VALUE: &str = "EOF while parsing a value";
const EXPECTED_COLON: &str = "expected `:`";
const EXPECTED_LIST: &str = "expected `,` or `]`";
const EXPECTED_OBJECT: &str = "expected `,` or `}`";
const EXPECTED_IDENT: &str = "expected ident";
const EXPECTED_VALUE: &str = "expected value";
const INVALID_ESCAPE: &str = "invalid escape";
const INVALID_NUMBER: &str = "invalid number";
const OUT_OF_RANGE: &str = "number out of range";
const CONTROL: &str = "control character (\\u0000-\\u001F) found while parsing a string";
const KEY_STRING: &str = "key must be a string";
const LONE_SURROGATE: &str = "lone leading surrogate in hex escape";
const TRAILING_COMMA: &str = "trailing comma";
const TRAILING: &str = "trailing characters";
const HEX_END: &str = "unexpected end of hex escape";
const RECURSION: &str = "recursion limit exceeded";

/// Parses one JSON document; the error is serde_json's message (`… at line L column C`).
pub fn parse(text: &str) -> Result<Json, String> {
    let mut p = Pull::new(text);
    let value = p.value()?;
    p.finish()?;
    Ok(value)
}

/// What a value starts with: a scalar read whole, or a container opened (read its contents
/// with [`Pull::item`] or [`Pull::key`], which also close it).
pub enum Start<'a> {
    Null,
    Bool(bool),
    Num(f64),
    /// Borrowed from the text when it has no escapes.
    Str(Cow<'a, str>),
    Arr,
    Obj,
}

impl Start<'_> {
    /// A short name of the kind of value, for messages (as [`Json::kind`]).
    pub fn kind(&self) -> &'static str {
        match self {
            Start::Null => "null",
            Start::Bool(_) => "a boolean",
            Start::Num(_) => "a number",
            Start::Str(_) => "a string",
            Start::Arr => "an array",
            Start::Obj => "an object",
        }
    }
}

/// A pull reader over JSON text: the one parser behind [`parse`] and the streaming directory
/// reader, which keeps what it needs of each value as it goes and builds no tree.
pub struct Pull<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    /// serde_json's recursion budget: the 128th open bracket is an error.
    depth: u8,
}

type R<T> = Result<T, String>;

impl<'a> Pull<'a> {
    pub fn new(text: &'a str) -> Self {
        Pull {
            text,
            bytes: text.as_bytes(),
            i: 0,
            depth: 128,
        }
    }

    /// Nothing but whitespace is left.
    pub fn finish(&mut self) -> R<()> {
        match self.whitespace() {
            Some(_) => Err(self.peek_error(TRAILING)),
            None => Ok(()),
        }
    }

    /// The next value, as a tree.
    pub fn value(&mut self) -> R<Json> {
        let start = self.start()?;
        self.rest(start)
    }

    /// The rest of a value that `start` began, as a tree.
    pub fn rest(&mut self, start: Start<'a>) -> R<Json> {
        Ok(match start {
            Start::Null => Json::Null,
            Start::Bool(b) => Json::Bool(b),
            Start::Num(n) => Json::Num(n),
            Start::Str(s) => Json::Str(s.into_owned()),
            Start::Arr => {
                let mut items = Vec::new();
                while self.item(items.is_empty())? {
                    items.push(self.value()?);
                }
                Json::Arr(items)
            }
            Start::Obj => {
                let mut pairs = Vec::new();
                while let Some(key) = self.key(pairs.is_empty())? {
                    let value = self.value()?;
                    pairs.push((key.into_owned(), value));
                }
                Json::Obj(pairs)
            }
        })
    }

    /// Reads a scalar, or opens an array or object.
    pub fn start(&mut self) -> R<Start<'a>> {
        let Some(peek) = self.whitespace() else {
            return Err(self.peek_error(EOF_VALUE));
        };
        match peek {
            b'n' => self.ident(b"ull", Start::Null),
            b't' => self.ident(b"rue", Start::Bool(true)),
            b'f' => self.ident(b"alse", Start::Bool(false)),
            b'-' => {
                self.i += 1;
                self.integer(false).map(Start::Num)
            }
            b'0'..=b'9' => self.integer(true).map(Start::Num),
            b'"' => {
                self.i += 1;
                self.string().map(Start::Str)
            }
            b'[' | b'{' => {
                self.depth -= 1;
                if self.depth == 0 {
                    return Err(self.peek_error(RECURSION));
                }
                self.i += 1;
                Ok(if peek == b'[' { Start::Arr } else { Start::Obj })
            }
            _ => Err(self.peek_error(EXPECTED_VALUE)),
        }
    }

    /// In an open array: true when an element follows (read it next), false when the array
    /// closed. `first`: nothing was read from it yet.
    pub fn item(&mut self, first: bool) -> R<bool> {
        match self.whitespace() {
            None => return Err(self.peek_error(EOF_LIST)),
            Some(b']') => return Ok(self.close()),
            Some(_) if first => {}
            Some(b',') => {
                self.i += 1;
                match self.whitespace() {
                    Some(b']') => return Err(self.peek_error(TRAILING_COMMA)),
                    Some(_) => {}
                    None => return Err(self.peek_error(EOF_VALUE)),
                }
            }
            Some(_) => return Err(self.peek_error(EXPECTED_LIST)),
        }
        Ok(true)
    }

    /// In an open object: the next key, its colon read (read its value next), or `None` when
    /// the object closed. `first`: nothing was read from it yet.
    pub fn key(&mut self, first: bool) -> R<Option<Cow<'a, str>>> {
        match self.whitespace() {
            None => return Err(self.peek_error(EOF_OBJECT)),
            Some(b'}') => {
                self.close();
                return Ok(None);
            }
            Some(b'"') if first => {}
            Some(_) if first => return Err(self.peek_error(KEY_STRING)),
            Some(b',') => {
                self.i += 1;
                match self.whitespace() {
                    Some(b'"') => {}
                    Some(b'}') => return Err(self.peek_error(TRAILING_COMMA)),
                    Some(_) => return Err(self.peek_error(KEY_STRING)),
                    None => return Err(self.peek_error(EOF_VALUE)),
                }
            }
            Some(_) => return Err(self.peek_error(EXPECTED_OBJECT)),
        }
        self.i += 1;
        let key = self.string()?;
        match self.whitespace() {
            Some(b':') => self.i += 1,
            Some(_) => return Err(self.peek_error(EXPECTED_COLON)),
            None => return Err(self.peek_error(EOF_OBJECT)),
        }
        Ok(Some(key))
    }

    /// Reads the closing bracket the reader is on.
    fn close(&mut self) -> bool {
        self.depth += 1;
        self.i += 1;
        false
    }

    /// `msg` at byte `i`: line from 1, column in bytes from the line start.
    #[cold]
    fn at(&self, i: usize, msg: &str) -> String {
        let before = self.bytes.get(..i).unwrap_or(self.bytes);
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let line = 1 + before.iter().take(start).filter(|&&b| b == b'\n').count();
        format!("{msg} at line {line} column {}", i - start)
    }

    /// An error about the byte just read.
    fn error(&self, msg: &str) -> String {
        self.at(self.i, msg)
    }

    /// An error about the byte being looked at.
    fn peek_error(&self, msg: &str) -> String {
        self.at((self.i + 1).min(self.bytes.len()), msg)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn peek_or_null(&self) -> u8 {
        self.peek().unwrap_or(0)
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.i += 1;
        Some(b)
    }

    /// Skips whitespace; the next byte, not consumed.
    fn whitespace(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
        self.peek()
    }

    fn ident(&mut self, rest: &[u8], value: Start<'a>) -> R<Start<'a>> {
        self.i += 1;
        for &want in rest {
            match self.next() {
                None => return Err(self.error(EOF_VALUE)),
                Some(b) if b != want => return Err(self.error(EXPECTED_IDENT)),
                Some(_) => {}
            }
        }
        Ok(value)
    }

    /// The rest of a string whose opening quote was read.
    fn string(&mut self) -> R<Cow<'a, str>> {
        let mut out = String::new();
        let mut start = self.i;
        let mut escaped = false;
        loop {
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // `start` and `i` sit next to ASCII bytes (quotes, escapes): char boundaries.
            let plain = self.text.get(start..self.i).unwrap_or_default();
            match self.next() {
                None => return Err(self.error(EOF_STRING)),
                Some(b'"') if !escaped => return Ok(Cow::Borrowed(plain)),
                Some(b'"') => {
                    out.push_str(plain);
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    escaped = true;
                    out.push_str(plain);
                    self.escape(&mut out)?;
                    start = self.i;
                }
                Some(_) => return Err(self.error(CONTROL)),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> R<()> {
        let c = match self.next() {
            None => return Err(self.error(EOF_STRING)),
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode(out),
            Some(_) => return Err(self.error(INVALID_ESCAPE)),
        };
        out.push(c);
        Ok(())
    }

    /// Four hex digits.
    fn hex(&mut self) -> R<u32> {
        let Some(digits) = self.bytes.get(self.i..self.i + 4) else {
            self.i = self.bytes.len();
            return Err(self.error(EOF_STRING));
        };
        self.i += 4;
        let mut n = 0;
        for &d in digits {
            match char::from(d).to_digit(16) {
                Some(v) => n = n * 16 + v,
                None => return Err(self.error(INVALID_ESCAPE)),
            }
        }
        Ok(n)
    }

    /// The rest of a `\u` escape, surrogate pairs joined.
    fn unicode(&mut self, out: &mut String) -> R<()> {
        let n = self.hex()?;
        if (0xDC00..=0xDFFF).contains(&n) {
            return Err(self.error(LONE_SURROGATE));
        }
        let c = if (0xD800..=0xDBFF).contains(&n) {
            for want in [b'\\', b'u'] {
                match self.next() {
                    None => return Err(self.error(EOF_STRING)),
                    Some(b) if b != want => return Err(self.error(HEX_END)),
                    Some(_) => {}
                }
            }
            let n2 = self.hex()?;
            if !(0xDC00..=0xDFFF).contains(&n2) {
                return Err(self.error(LONE_SURROGATE));
            }
            (((n - 0xD800) << 10) | (n2 - 0xDC00)) + 0x1_0000
        } else {
            n
        };
        out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
        Ok(())
    }

    /// A number after its sign.
    fn integer(&mut self, positive: bool) -> R<f64> {
        let Some(first) = self.next() else {
            return Err(self.error(EOF_VALUE));
        };
        let mut significand = match first {
            b'0' if self.peek_or_null().is_ascii_digit() => {
                return Err(self.peek_error(INVALID_NUMBER));
            }
            b'0'..=b'9' => u64::from(first - b'0'),
            _ => return Err(self.error(INVALID_NUMBER)),
        };
        while let c @ b'0'..=b'9' = self.peek_or_null() {
            let digit = u64::from(c - b'0');
            if overflows(significand, digit, u64::MAX) {
                // Too long for a u64: the digits that do not fit only scale it.
                let mut exponent = 0i32;
                while self.peek_or_null().is_ascii_digit() {
                    self.i += 1;
                    exponent = exponent.wrapping_add(1);
                }
                return self.fraction(positive, significand, exponent);
            }
            self.i += 1;
            significand = significand * 10 + digit;
        }
        self.fraction(positive, significand, 0)
    }

    /// What may follow the integer digits: a fraction, an exponent, or nothing.
    fn fraction(&mut self, positive: bool, mut significand: u64, exponent: i32) -> R<f64> {
        match self.peek_or_null() {
            b'.' => {
                self.i += 1;
                let mut after = 0i32;
                let mut overflowed = false;
                while let c @ b'0'..=b'9' = self.peek_or_null() {
                    let digit = u64::from(c - b'0');
                    if overflowed || overflows(significand, digit, u64::MAX) {
                        overflowed = true;
                        self.i += 1;
                        continue;
                    }
                    self.i += 1;
                    significand = significand * 10 + digit;
                    after -= 1;
                }
                if after == 0 && !overflowed {
                    return Err(match self.peek() {
                        Some(_) => self.peek_error(INVALID_NUMBER),
                        None => self.peek_error(EOF_VALUE),
                    });
                }
                let exponent = exponent.wrapping_add(after);
                match self.peek_or_null() {
                    b'e' | b'E' => self.exponent(positive, significand, exponent),
                    _ => self.scaled(positive, significand, exponent),
                }
            }
            b'e' | b'E' => self.exponent(positive, significand, exponent),
            _ if exponent != 0 => self.scaled(positive, significand, exponent),
            // A plain integer: serde_json's u64 / i64 / f64, each widened to f64 alike.
            _ => Ok(if positive {
                significand as f64
            } else {
                -(significand as f64)
            }),
        }
    }

    fn exponent(&mut self, positive: bool, significand: u64, starting: i32) -> R<f64> {
        self.i += 1;
        let positive_exp = match self.peek_or_null() {
            b'+' => {
                self.i += 1;
                true
            }
            b'-' => {
                self.i += 1;
                false
            }
            _ => true,
        };
        let mut exp = match self.next() {
            None => return Err(self.error(EOF_VALUE)),
            Some(c @ b'0'..=b'9') => i32::from(c - b'0'),
            Some(_) => return Err(self.error(INVALID_NUMBER)),
        };
        while let c @ b'0'..=b'9' = self.peek_or_null() {
            self.i += 1;
            let digit = i32::from(c - b'0');
            if overflows(exp as u64, digit as u64, i32::MAX as u64) {
                if significand != 0 && positive_exp {
                    return Err(self.error(OUT_OF_RANGE));
                }
                while self.peek_or_null().is_ascii_digit() {
                    self.i += 1;
                }
                return Ok(if positive { 0.0 } else { -0.0 });
            }
            exp = exp * 10 + digit;
        }
        let exponent = if positive_exp {
            starting.saturating_add(exp)
        } else {
            starting.saturating_sub(exp)
        };
        self.scaled(positive, significand, exponent)
    }

    /// `significand × 10^exponent`, rounded as serde_json rounds it.
    fn scaled(&self, positive: bool, significand: u64, mut exponent: i32) -> R<f64> {
        let mut f = significand as f64;
        loop {
            match POW10.get(exponent.unsigned_abs() as usize) {
                Some(&pow) => {
                    if exponent >= 0 {
                        f *= pow;
                        if f.is_infinite() {
                            return Err(self.error(OUT_OF_RANGE));
                        }
                    } else {
                        f /= pow;
                    }
                    break;
                }
                None => {
                    if f == 0.0 {
                        break;
                    }
                    if exponent >= 0 {
                        return Err(self.error(OUT_OF_RANGE));
                    }
                    f /= 1e308;
                    exponent += 308;
                }
            }
        }
        Ok(if positive { f } else { -f })
    }
}

/// 10^0 through 10^308, each the nearest f64 (serde_json's table).
static POW10: [f64; 309] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31, 1e32,
    1e33, 1e34, 1e35, 1e36, 1e37, 1e38, 1e39, 1e40, 1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47, 1e48,
    1e49, 1e50, 1e51, 1e52, 1e53, 1e54, 1e55, 1e56, 1e57, 1e58, 1e59, 1e60, 1e61, 1e62, 1e63, 1e64,
    1e65, 1e66, 1e67, 1e68, 1e69, 1e70, 1e71, 1e72, 1e73, 1e74, 1e75, 1e76, 1e77, 1e78, 1e79, 1e80,
    1e81, 1e82, 1e83, 1e84, 1e85, 1e86, 1e87, 1e88, 1e89, 1e90, 1e91, 1e92, 1e93, 1e94, 1e95, 1e96,
    1e97, 1e98, 1e99, 1e100, 1e101, 1e102, 1e103, 1e104, 1e105, 1e106, 1e107, 1e108, 1e109, 1e110,
    1e111, 1e112, 1e113, 1e114, 1e115, 1e116, 1e117, 1e118, 1e119, 1e120, 1e121, 1e122, 1e123,
    1e124, 1e125, 1e126, 1e127, 1e128, 1e129, 1e130, 1e131, 1e132, 1e133, 1e134, 1e135, 1e136,
    1e137, 1e138, 1e139, 1e140, 1e141, 1e142, 1e143, 1e144, 1e145, 1e146, 1e147, 1e148, 1e149,
    1e150, 1e151, 1e152, 1e153, 1e154, 1e155, 1e156, 1e157, 1e158, 1e159, 1e160, 1e161, 1e162,
    1e163, 1e164, 1e165, 1e166, 1e167, 1e168, 1e169, 1e170, 1e171, 1e172, 1e173, 1e174, 1e175,
    1e176, 1e177, 1e178, 1e179, 1e180, 1e181, 1e182, 1e183, 1e184, 1e185, 1e186, 1e187, 1e188,
    1e189, 1e190, 1e191, 1e192, 1e193, 1e194, 1e195, 1e196, 1e197, 1e198, 1e199, 1e200, 1e201,
    1e202, 1e203, 1e204, 1e205, 1e206, 1e207, 1e208, 1e209, 1e210, 1e211, 1e212, 1e213, 1e214,
    1e215, 1e216, 1e217, 1e218, 1e219, 1e220, 1e221, 1e222, 1e223, 1e224, 1e225, 1e226, 1e227,
    1e228, 1e229, 1e230, 1e231, 1e232, 1e233, 1e234, 1e235, 1e236, 1e237, 1e238, 1e239, 1e240,
    1e241, 1e242, 1e243, 1e244, 1e245, 1e246, 1e247, 1e248, 1e249, 1e250, 1e251, 1e252, 1e253,
    1e254, 1e255, 1e256, 1e257, 1e258, 1e259, 1e260, 1e261, 1e262, 1e263, 1e264, 1e265, 1e266,
    1e267, 1e268, 1e269, 1e270, 1e271, 1e272, 1e273, 1e274, 1e275, 1e276, 1e277, 1e278, 1e279,
    1e280, 1e281, 1e282, 1e283, 1e284, 1e285, 1e286, 1e287, 1e288, 1e289, 1e290, 1e291, 1e292,
    1e293, 1e294, 1e295, 1e296, 1e297, 1e298, 1e299, 1e300, 1e301, 1e302, 1e303, 1e304, 1e305,
    1e306, 1e307, 1e308,
];

/// `a * 10 + d` would pass `max` (serde_json's `overflow!`).
fn overflows(a: u64, d: u64, max: u64) -> bool {
    a >= max / 10 && (a > max / 10 || d > max % 10)
}
