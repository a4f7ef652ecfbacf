//! Preset validation: each preset is clean, and a broken copy reports every mistake at once.
