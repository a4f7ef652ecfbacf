//! The four preset policies shipped with the crate, as JSON documents tagged rule by rule with
//! the seed IDs of `SEEDS.md`: `zendesk-sell`, `crm`, `slack` and `sales-ops`.

/// Preset names, in the order the docs list them.
pub const NAMES: [&str; 4] = ["zendesk-sell", "crm", "slack", "sales-ops"];

/// The JSON text of a preset, by name.
pub fn json(name: &str) -> Option<&'static str> {
    match name {
        "zendesk-sell" => Some(include_str!("../presets/zendesk-sell.json")),
        "crm" => Some(include_str!("../presets/crm.json")),
        "slack" => Some(include_str!("../presets/slack.json")),
        "sales-ops" => Some(include_str!("../presets/sales-ops.json")),
        _ => None,
    }
}
