//! The native tests, by subject: the corpus runner, per-seed tests, presets, generated docs.

pub mod corpus;
mod directory_text;
mod jsonout;
mod jsonparse;
mod presets;
mod protocol;
mod seeds;
mod snapshot;
mod sort;
mod sql;
mod tables;
