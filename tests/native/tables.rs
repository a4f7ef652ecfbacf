//! `docs/presets.md`, generated from the engine.
