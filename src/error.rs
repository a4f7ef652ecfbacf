//! Error types: every failure has a stable `code`, a one-line `message` and a JSON `path`.
//!
//! Errors are data. A caller matches on [`Error::code`], shows [`Error::message`] and points at
//! the offending input with [`Error::path`] (a JSON pointer such as `/roles/limited/rules/2/scope`).
//! Validation reports every problem it finds at once, so the public failure type is [`Errors`], a
//! non-empty list whose first entry is the one to show when only one fits.

use std::fmt;

/// One problem with an input: stable code, human message, JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: &'static str,
    message: String,
    path: String,
}

impl Error {
    /// A new error. `code` is snake_case and stable across releases.
    pub fn new(code: &'static str, message: impl Into<String>, path: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            path: path.into(),
        }
    }

    /// The stable snake_case code, e.g. `unknown_role`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// One sentence a person can act on.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// JSON pointer into the offending input (`""` is the whole input).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The same error with `prefix` put in front of its path.
    pub fn under(mut self, prefix: &str) -> Self {
        self.path = format!("{prefix}{}", self.path);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at `{}`: {}", self.code, self.path, self.message)
    }
}

impl std::error::Error for Error {}

/// A non-empty list of errors, in the order they were found (input order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors {
    first: Error,
    rest: Vec<Error>,
}

impl Errors {
    /// Wraps a list; `None` when it is empty.
    pub fn from_vec(mut list: Vec<Error>) -> Option<Self> {
        if list.is_empty() {
            return None;
        }
        let first = list.remove(0);
        Some(Errors { first, rest: list })
    }

    /// The first error: the one to show when only one fits.
    pub fn first(&self) -> &Error {
        &self.first
    }

    /// Every error, first one included.
    pub fn iter(&self) -> impl Iterator<Item = &Error> {
        std::iter::once(&self.first).chain(self.rest.iter())
    }

    /// How many errors there are (at least one).
    pub fn len(&self) -> usize {
        1 + self.rest.len()
    }

    /// Always false: an `Errors` holds at least one error.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The codes, in order (handy in tests).
    pub fn codes(&self) -> Vec<&'static str> {
        self.iter().map(Error::code).collect()
    }
}

impl From<Error> for Errors {
    fn from(first: Error) -> Self {
        Errors {
            first,
            rest: Vec::new(),
        }
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first)?;
        if !self.rest.is_empty() {
            write!(f, " (and {} more)", self.rest.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

/// Collects errors and warnings while a pass walks its input.
#[derive(Debug, Default)]
pub struct Sink {
    pub(crate) errors: Vec<Error>,
    pub(crate) warnings: Vec<Error>,
}

impl Sink {
    pub fn err(&mut self, code: &'static str, message: impl Into<String>, path: impl Into<String>) {
        self.errors.push(Error::new(code, message, path));
    }

    pub fn warn(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        path: impl Into<String>,
    ) {
        self.warnings.push(Error::new(code, message, path));
    }

    /// `Err` with every error collected so far, if any.
    pub fn finish(self) -> Result<Vec<Error>, Errors> {
        match Errors::from_vec(self.errors) {
            Some(errors) => Err(errors),
            None => Ok(self.warnings),
        }
    }
}

/// Sorts `(key, index)` pairs: ties keep index order, so sorting `(key, position)` is stable.
/// The one sort of the crate, a heapsort: O(n log n) on any input and a few hundred bytes of
/// wasm, where `sort_unstable` costs about 6 KB; it only orders errors, so speed matters little.
pub fn sort_pairs(v: &mut [(u64, u32)]) {
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

/// Moves `v[root]` down the max-heap `v[..end]` to where it belongs.
fn sift_down(v: &mut [(u64, u32)], mut root: usize, end: usize) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && v.get(child) < v.get(child + 1) {
            child += 1;
        }
        if v.get(root) >= v.get(child) {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

/// Escapes one JSON pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn pointer_segment(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// `base` + `/` + escaped `name`.
pub fn join(base: &str, name: &str) -> String {
    format!("{base}/{}", pointer_segment(name))
}
