//! The native test binary (filled in by the corpus work).
