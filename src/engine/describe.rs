//! What a settings page or a demo needs to know about a policy, without parsing it:
//! [`Engine::describe`] lists the plans in order, the roles, the record types with their
//! actions and parents, and the settings with their defaults, each with the label messages use.

use super::{ActionKind, Engine};
use crate::json::write::{object, ToJson};

/// A policy as a UI reads it (see [`Engine::describe`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    pub plans: Vec<Named>,
    pub roles: Vec<RoleEntry>,
    pub types: Vec<TypeEntry>,
    pub settings: Vec<SettingEntry>,
}

/// A name and its label: the policy's own, else the name with `_` as spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub label: String,
}

/// A role or system role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleEntry {
    pub name: String,
    pub label: String,
    pub system: bool,
}

/// A record type: its record actions, type-level actions and parents, in declaration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeEntry {
    pub name: String,
    pub label: String,
    pub actions: Vec<String>,
    pub type_actions: Vec<String>,
    pub parents: Vec<String>,
    /// Workflow states, in the order a board shows them (empty without a workflow).
    pub states: Vec<String>,
}

/// A setting and its default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingEntry {
    pub name: String,
    pub label: String,
    pub default: bool,
}

fn words(s: &str) -> String {
    s.replace('_', " ")
}

impl Engine {
    /// The plans (lowest first), roles, types and settings, labelled: what a UI shows.
    pub fn describe(&self) -> Description {
        let of_kind = |kind: &[ActionKind], want: ActionKind| -> Vec<String> {
            kind.iter()
                .zip(&self.actions)
                .filter(|(k, _)| **k == want)
                .map(|(_, a)| a.clone())
                .collect()
        };
        Description {
            plans: self
                .plans
                .iter()
                .zip(&self.plan_labels)
                .map(|(p, l)| Named {
                    name: p.clone(),
                    label: l.clone().unwrap_or_else(|| words(p)),
                })
                .collect(),
            roles: self
                .roles
                .iter()
                .map(|r| RoleEntry {
                    name: r.name.clone(),
                    label: r.label.clone().unwrap_or_else(|| words(&r.name)),
                    system: r.system,
                })
                .collect(),
            types: self
                .types
                .iter()
                .map(|t| TypeEntry {
                    name: t.name.clone(),
                    label: t.label.clone(),
                    actions: of_kind(&t.kind, ActionKind::Record),
                    type_actions: of_kind(&t.kind, ActionKind::TypeLevel),
                    parents: t
                        .parents
                        .iter()
                        .filter_map(|&p| self.types.get(p as usize))
                        .map(|p| p.name.clone())
                        .collect(),
                    states: t.states.clone(),
                })
                .collect(),
            settings: self
                .settings
                .iter()
                .map(|s| SettingEntry {
                    name: s.name.clone(),
                    label: s.label.clone().unwrap_or_else(|| words(&s.name)),
                    default: s.default,
                })
                .collect(),
        }
    }
}

impl ToJson for Named {
    fn write(&self, out: &mut String) {
        object(
            out,
            &[("name", Some(&self.name)), ("label", Some(&self.label))],
        );
    }
}

impl ToJson for RoleEntry {
    fn write(&self, out: &mut String) {
        object(
            out,
            &[
                ("name", Some(&self.name)),
                ("label", Some(&self.label)),
                ("system", Some(&self.system)),
            ],
        );
    }
}

impl ToJson for TypeEntry {
    fn write(&self, out: &mut String) {
        // `parents` only for a child type and `states` only with a workflow, as the policy
        // writes them.
        let parents = (!self.parents.is_empty()).then_some(&self.parents);
        let states = (!self.states.is_empty()).then_some(&self.states);
        object(
            out,
            &[
                ("name", Some(&self.name)),
                ("label", Some(&self.label)),
                ("actions", Some(&self.actions)),
                ("typeActions", Some(&self.type_actions)),
                ("parents", parents.map(|p| p as &dyn ToJson)),
                ("states", states.map(|s| s as &dyn ToJson)),
            ],
        );
    }
}

impl ToJson for SettingEntry {
    fn write(&self, out: &mut String) {
        object(
            out,
            &[
                ("name", Some(&self.name)),
                ("label", Some(&self.label)),
                ("default", Some(&self.default)),
            ],
        );
    }
}

impl ToJson for Description {
    fn write(&self, out: &mut String) {
        object(
            out,
            &[
                ("plans", Some(&self.plans)),
                ("roles", Some(&self.roles)),
                ("types", Some(&self.types)),
                ("settings", Some(&self.settings)),
            ],
        );
    }
}
