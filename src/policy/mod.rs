//! The policy document as users write it: plans, settings, types, roles and rules, by name.
//!
//! [`parse`](parse::parse) turns JSON into these types and reports structural problems
//! (wrong types, unknown or repeated keys, bad scope names) with JSON pointers; names are
//! resolved and cross-checked later by [`validate`]. The language itself is
//! documented in `docs/policy.md`.

pub mod cond;
#[cfg(feature = "compiler")]
pub mod parse;
#[cfg(feature = "compiler")]
pub mod validate;

pub use cond::{Cond, Literal, Operand};

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub name: String,
    pub path: String,
}

/// A parsed policy document, names not yet resolved.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub name: Option<String>,
    pub plans: Vec<Named>,
    pub custom_role_plan: Option<Named>,
    pub settings: Vec<SettingDef>,
    pub implies: Vec<(Named, Vec<Named>)>,
    /// How an action reads in a sentence before the record ("add a member to").
    pub phrases: Vec<(Named, String)>,
    /// A plan's name as the product shows it ("Business+"), by plan.
    pub plan_labels: Vec<(Named, String)>,
    pub types: Vec<TypeDef>,
    pub roles: Vec<RoleDef>,
    pub rules: Vec<RuleDef>,
}

/// A named toggle with a default; rules may require it to be on.
#[derive(Debug, Clone)]
pub struct SettingDef {
    pub name: Named,
    pub default: bool,
    pub plan: Option<PlanReq>,
    pub label: Option<String>,
}

/// A record type: its actions, its parents if it follows one, its workflow states.
#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: Named,
    pub label: Option<String>,
    /// Actions on one record.
    pub actions: Vec<Named>,
    /// Actions on the type as a whole (an "Add" or "Export" button).
    pub type_actions: Vec<Named>,
    /// Types whose records this type's records follow (ZS-6).
    pub parents: Vec<Named>,
    /// Child action → the parent action it needs.
    pub follows: Vec<(Named, Named)>,
    /// Workflow states, in the order a board shows them.
    pub states: Vec<Named>,
    /// Which states an action may start from, and where it leads.
    pub transitions: Vec<Transition>,
}

/// An action's workflow edge: the states it may start from, and the state it leads to.
#[derive(Debug, Clone)]
pub struct Transition {
    pub action: Named,
    pub from: Vec<Named>,
    pub to: Option<Named>,
}

/// A role (held as a user's `role`) or a system role (held in `systemRoles`).
#[derive(Debug, Clone)]
pub struct RoleDef {
    pub name: Named,
    pub system: bool,
    pub custom: bool,
    pub inherits: Vec<Named>,
    pub plan: Option<PlanReq>,
    /// Roles whose holders hold this system role without naming it (SE-6).
    pub default_for: Vec<Named>,
    pub rules: Vec<RuleDef>,
    pub label: Option<String>,
}

/// A plan window: the lowest plan that allows, and optionally the highest.
#[derive(Debug, Clone)]
pub struct PlanReq {
    pub min: Option<Named>,
    pub max: Option<Named>,
}

/// Allow or deny; deny rules win over allow rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// Which records of a type a rule covers, relative to the asking user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every record.
    All,
    /// Records whose `ownerId` is the user.
    Own,
    /// Records whose `creatorId` is the user.
    Created,
    /// Records owned by the user or anyone below them in the `managerId` forest.
    Subordinates,
    /// Records whose `teamId` is one of the user's `teams`.
    Team,
    /// Records the user's manager may act on by the manager's own rules (ZS-9).
    Manager,
    /// Records whose `assigneeId` is the user.
    Assignee,
    /// Records whose `orgs` include the user's organisation (SC-2).
    Org,
    /// Records an admin granted to the user in the directory (`grants`, ZS-3).
    Granted,
}

impl Scope {
    /// Every scope with its name in the policy language.
    pub const ALL: [(Scope, &'static str); 9] = [
        (Scope::All, "all"),
        (Scope::Own, "own"),
        (Scope::Created, "created"),
        (Scope::Subordinates, "subordinates"),
        (Scope::Team, "team"),
        (Scope::Manager, "manager"),
        (Scope::Assignee, "assignee"),
        (Scope::Org, "org"),
        (Scope::Granted, "granted"),
    ];

    /// The scope called `name`.
    pub fn from_name(name: &str) -> Option<Scope> {
        Scope::ALL.iter().find(|(_, n)| *n == name).map(|(s, _)| *s)
    }
}

/// One rule: effect × actions × types × scope, with its gates.
#[derive(Debug, Clone)]
pub struct RuleDef {
    /// The rule's name in decisions; defaults to its JSON pointer.
    pub id: String,
    pub path: String,
    pub seed: Option<String>,
    pub effect: Effect,
    /// `None` means every action of the rule's types.
    pub actions: Option<Vec<Named>>,
    /// `None` means every type.
    pub types: Option<Vec<Named>>,
    pub scope: Scope,
    pub scope_path: String,
    pub plan: Option<PlanReq>,
    pub setting: Option<Named>,
    /// Open to users of another organisation (SE-9, SC-2).
    pub external: bool,
    pub when: Option<Cond>,
    pub when_path: String,
    /// What the condition means, in words, for denial messages.
    pub explain: Option<String>,
}
