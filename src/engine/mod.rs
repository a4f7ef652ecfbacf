//! The compiled policy: a dense [`Engine`], names interned to integers, conditions flattened,
//! and grants indexed by (principal, type, action) so that a question reads one short list of
//! rules. [`compile`] builds it from a validated policy.
//!
//! A principal is a role or system role (with everything it inherits already merged in), or
//! the pseudo-principal "everyone" for the policy's top-level rules. Action implication
//! (`update` ⇒ `view`) is expanded at compile time, so evaluation never follows it.

#[cfg(feature = "compiler")]
pub mod compile;
pub mod describe;

use crate::error::Error;
#[cfg(feature = "compiler")]
use crate::error::{Errors, Sink};
use crate::hasher::{Keyed, Map};
#[cfg(feature = "compiler")]
use crate::json::Json;
#[cfg(feature = "compiler")]
use crate::policy::{parse, validate};
use crate::policy::{Effect, Scope};
#[cfg(feature = "compiler")]
use compile::PolicyCompiler;

/// Marks "none" in `u16` and `u32` index slots.
pub const NONE16: u16 = u16::MAX;
pub const NONE32: u32 = u32::MAX;

/// A record field every policy may read (scopes and workflow states read these), at a fixed
/// index in the engine's `fixed` slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixed {
    Owner,
    Creator,
    Assignee,
    Team,
    State,
    Id,
}

impl Fixed {
    /// Every fixed field, in index order.
    pub const ALL: [Fixed; 6] = [
        Fixed::Owner,
        Fixed::Creator,
        Fixed::Assignee,
        Fixed::Team,
        Fixed::State,
        Fixed::Id,
    ];

    /// The field's name in a record.
    pub const fn name(self) -> &'static str {
        match self {
            Fixed::Owner => "ownerId",
            Fixed::Creator => "creatorId",
            Fixed::Assignee => "assigneeId",
            Fixed::Team => "teamId",
            Fixed::State => "state",
            Fixed::Id => "id",
        }
    }

    /// The field's index in the engine's `fixed` slots.
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// Size of the per-record field array: the fields a policy reads (fixed ones its scopes use,
/// and those its conditions name) get compact slots, so a resolved record stays small.
pub const FIELD_SLOTS: usize = Fixed::ALL.len() + crate::limits::MAX_FIELDS;
/// Marks a fixed field no rule reads.
pub const NONE8: u8 = u8::MAX;

/// A compiled policy. Build it once with [`Engine::new`], then compile tenants against it.
#[derive(Debug)]
pub struct Engine {
    pub(crate) name: Option<String>,
    pub(crate) plans: Vec<String>,
    /// Per plan: its label from `planLabels`, if the policy gives one.
    pub(crate) plan_labels: Vec<Option<String>>,
    pub(crate) settings: Vec<SettingInfo>,
    pub(crate) actions: Vec<String>,
    /// Action indices in alphabetical order of their names (for sorted `permitted` lists).
    pub(crate) alpha: Vec<u16>,
    /// Per action index: how it reads before a record, if the policy says.
    pub(crate) phrases: Vec<Option<String>>,
    pub(crate) action_ix: Map<String, u16>,
    pub(crate) types: Vec<TypeInfo>,
    pub(crate) type_ix: Map<String, u16>,
    pub(crate) roles: Vec<RoleInfo>,
    pub(crate) role_ix: Map<String, u16>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) grants: Vec<Grant>,
    pub(crate) slots: Vec<(u32, u32)>,
    pub(crate) conds: Vec<CNode>,
    pub(crate) literals: Vec<String>,
    /// Record fields read: the fixed ones, then condition fields.
    pub(crate) fields: Vec<String>,
    /// Slot of each [`Fixed`] field in `fields`, or `NONE8`.
    pub(crate) fixed: [u8; Fixed::ALL.len()],
    /// Slots read by some condition (bit i = slot i).
    pub(crate) cond_read: u64,
    pub(crate) reads_orgs: bool,
    pub(crate) user_attrs: Vec<String>,
    /// System roles a main role holds without naming them (SE-6), as a bit set per role.
    pub(crate) default_sys: Vec<u64>,
    /// System-role bit → its principal (role index).
    pub(crate) sys_principal: Vec<u16>,
    /// True when some rule denies: only then is the deny pass run.
    pub(crate) has_deny: bool,
    pub(crate) warnings: Vec<Error>,
}

/// A setting: name, default, and the plan window in which it has effect.
#[derive(Debug, Clone)]
pub struct SettingInfo {
    pub name: String,
    pub label: Option<String>,
    pub default: bool,
    pub plan: (u8, u8),
}

/// A record type in dense form.
#[derive(Debug, Clone)]
pub struct TypeInfo {
    pub name: String,
    pub label: String,
    /// Per action index: whether the type declares it, and how.
    pub kind: Vec<ActionKind>,
    pub parents: Vec<u16>,
    /// Per action index: the parent action it needs (child types only).
    pub follow: Vec<u16>,
    pub states: Vec<String>,
    /// Per state index: its literal index.
    pub state_lit: Vec<u32>,
    /// Per action index: the states it may start from (bit set; all ones if unrestricted).
    pub from: Vec<u64>,
    /// Per action index: the state it leads to.
    pub to: Vec<Option<u8>>,
}

/// How a type declares an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ActionKind {
    /// Not declared on the type.
    Undeclared,
    /// Asked of one record.
    Record,
    /// Asked of the type as a whole (`export`, `manage_users`).
    TypeLevel,
}

impl TypeInfo {
    /// True when records of this type follow a parent record (ZS-6).
    pub fn is_child(&self) -> bool {
        !self.parents.is_empty()
    }
}

/// A role or system role.
#[derive(Debug, Clone)]
pub struct RoleInfo {
    pub name: String,
    pub label: Option<String>,
    pub system: bool,
    /// Bit of this system role in a user's system-role set.
    pub sys_bit: u8,
    pub plan: (u8, u8),
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub seed: Option<String>,
    pub effect: Effect,
    pub scope: Scope,
    pub setting: Option<u8>,
    pub external: bool,
    pub cond: Option<u32>,
    pub explain: Option<String>,
}

/// One entry of a slot: a rule and the plan window in which it applies for that principal.
#[derive(Debug, Clone, Copy)]
pub struct Grant {
    pub rule: u32,
    pub lo: u8,
    pub hi: u8,
}

/// A flattened condition node.
#[derive(Debug, Clone)]
pub enum CNode {
    Const(bool),
    Eq(Opd, Opd),
    In(Opd, Vec<Lit>),
    Not(u32),
    And(Vec<u32>),
    Or(Vec<u32>),
}

/// A condition operand in dense form.
#[derive(Debug, Clone, Copy)]
pub enum Opd {
    Lit(Lit),
    Field(u8),
    UserAttr(u8),
    UserOf { field: u8, attr: u8 },
}

/// A literal in dense form: strings are indices into the engine's literal table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lit {
    Null,
    Bool(bool),
    Num(f64),
    Str(u32),
}

impl Engine {
    /// Compiles a policy document. Every error is reported at once.
    #[cfg(feature = "compiler")]
    pub fn new(doc: &Json) -> Result<Engine, Errors> {
        let mut sink = Sink::default();
        let policy = parse::parse(doc, &mut sink);
        let names = validate::validate(&policy, &mut sink);
        let warnings = sink.finish()?;
        Ok(PolicyCompiler::new(&policy, names).build(warnings)?)
    }

    /// Parses JSON text and compiles it.
    #[cfg(feature = "compiler")]
    pub fn from_json(text: &str) -> Result<Engine, Errors> {
        Engine::new(&Json::parse(text)?)
    }

    /// Warnings found while validating (rules that can never apply, ...).
    pub fn warnings(&self) -> &[Error] {
        &self.warnings
    }

    /// The policy's name, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Plan names from lowest to highest.
    pub fn plans(&self) -> &[String] {
        &self.plans
    }

    /// How plan index `i` reads in a message: its label, else "the <name> plan".
    #[doc(hidden)]
    pub fn plan_words(&self, i: u8) -> String {
        match self.plan_labels.get(i as usize).and_then(Option::as_deref) {
            Some(label) => label.to_owned(),
            None => format!(
                "the {} plan",
                self.plans
                    .get(i as usize)
                    .map(|p| p.replace('_', " "))
                    .unwrap_or_else(|| "next".to_owned())
            ),
        }
    }

    /// Type names in declaration order.
    pub fn type_names(&self) -> impl Iterator<Item = &str> {
        self.types.iter().map(|t| t.name.as_str())
    }

    /// Role names (main and system) in declaration order.
    pub fn role_names(&self) -> impl Iterator<Item = &str> {
        self.roles.iter().map(|r| r.name.as_str())
    }

    fn type_named(&self, ty: &str) -> Option<&TypeInfo> {
        self.type_ix
            .get(ty)
            .and_then(|&i| self.types.get(i as usize))
    }

    /// The actions declared on a type, record actions first, in declaration order.
    pub fn actions_of(&self, ty: &str) -> Vec<&str> {
        let Some(t) = self.type_named(ty) else {
            return Vec::new();
        };
        // Record actions, then type-level ones, each in declaration order.
        [ActionKind::Record, ActionKind::TypeLevel]
            .iter()
            .flat_map(|&want| {
                t.kind
                    .iter()
                    .zip(self.actions.iter())
                    .filter(move |(k, _)| **k == want)
                    .map(|(_, a)| a.as_str())
            })
            .collect()
    }

    /// The actions done on one record of type `ty`, sorted by name (the order `permitted`
    /// lists them in).
    #[doc(hidden)]
    pub fn record_actions(&self, ty: &str) -> Vec<&str> {
        let Some(t) = self.type_named(ty) else {
            return Vec::new();
        };
        self.alpha
            .iter()
            .filter(|&&a| t.kind.get(a as usize) == Some(&ActionKind::Record))
            .filter_map(|&a| self.actions.get(a as usize).map(String::as_str))
            .collect()
    }

    /// The name of action index `a` (empty when out of range).
    #[doc(hidden)]
    pub fn action_name(&self, a: u16) -> &str {
        self.actions
            .get(a as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The record fields a caller must encode for the compact batch path, in order:
    /// `(field index, field name)`.
    #[doc(hidden)]
    pub fn encoded_fields(&self) -> Vec<(usize, &str)> {
        self.fields
            .iter()
            .enumerate()
            .map(|(i, n)| (i, n.as_str()))
            .collect()
    }

    /// The plan index of `name`.
    #[doc(hidden)]
    pub fn plan_index(&self, name: &str) -> Option<u8> {
        self.plans.iter().position(|p| p == name).map(|i| i as u8)
    }

    /// Rebuilds the name → index maps from the name lists (an engine loaded from a snapshot
    /// stores the lists only), with the hasher for names ([`Keyed::names`]).
    pub(crate) fn index_names(&mut self) {
        let index = |names: &mut dyn Iterator<Item = &String>| -> Map<String, u16> {
            let mut map = Map::with_capacity_and_hasher(0, Keyed::names());
            map.extend(names.enumerate().map(|(i, n)| (n.clone(), i as u16)));
            map
        };
        self.action_ix = index(&mut self.actions.iter());
        self.type_ix = index(&mut self.types.iter().map(|t| &t.name));
        self.role_ix = index(&mut self.roles.iter().map(|r| &r.name));
    }

    pub(crate) fn principal_everyone(&self) -> usize {
        self.roles.len()
    }

    /// The grants for (principal, type, action).
    pub(crate) fn slot(&self, principal: usize, ty: u16, action: u16) -> &[Grant] {
        let at =
            (principal * self.types.len() + ty as usize) * self.actions.len() + action as usize;
        match self.slots.get(at) {
            Some(&(start, len)) => self
                .grants
                .get(start as usize..(start + len) as usize)
                .unwrap_or(&[]),
            None => &[],
        }
    }
}
