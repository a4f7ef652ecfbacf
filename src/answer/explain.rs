//! Explanations: a [`Verdict`] put into a [`Decision`] whose message a UI can show as it is
//! ("Lead L7 belongs to p1, who is not in your reporting line."), with the deciding rule and,
//! when the plan is what denies, the plan to upgrade to.

use crate::engine::{ActionKind, Fixed, NONE32};
use crate::eval::{Stage, Verdict};
use crate::json::write::{json_object, object, ToJson};
use crate::policy::Scope;
use crate::tenant::value::{Resource, Val};
use crate::tenant::Tenant;
use serde::Serialize;

/// The answer to one question, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub allowed: bool,
    /// `allowed` or a stable reason: `no_permission`, `out_of_scope`, `plan_required`,
    /// `setting_disabled`, `external_org`, `invalid_state`, `condition_failed`, `forbidden`,
    /// `unknown_user`.
    pub code: &'static str,
    pub message: String,
    /// The id of the rule that decided, if one did.
    pub rule: Option<String>,
    /// The lowest plan that would allow it, when the plan is what denies.
    #[serde(rename = "upgradeTo", skip_serializing_if = "Option::is_none")]
    pub upgrade_to: Option<String>,
    /// Every check the deciding rule fails, most fundamental first (the first is `code` and
    /// `message`); empty when allowed.
    pub reasons: Vec<Reason>,
}

/// One check a refused question fails, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub message: String,
}

/// The strings a message may quote that the resolved resource does not keep.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ids<'a> {
    pub user: &'a str,
    pub record: Option<&'a str>,
    pub parent: Option<&'a str>,
    /// Quote a record field that names a known user or team as a mark (U+FDD2 + its slot)
    /// instead of its text, so one sentence serves every record of a batch: the caller puts
    /// back the record's own value (see [`Tenant::wording_key`]).
    pub field_marks: bool,
}

/// The first of the marks [`Ids::field_marks`] writes (slot `i` is `FIELD_MARK + i`).
pub const FIELD_MARK: u32 = 0xFDD2;

impl Verdict {
    /// The stable code of this verdict.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Allowed { .. } => "allowed",
            Verdict::UnknownUser => "unknown_user",
            Verdict::NoPermission => "no_permission",
            Verdict::ClosedToOrg => "external_org",
            Verdict::Forbidden { .. } => "forbidden",
            Verdict::PlanRequired { .. } => "plan_required",
            Verdict::Missed { stage, .. } => match stage {
                Stage::State => "invalid_state",
                Stage::Condition => "condition_failed",
                Stage::Scope => "out_of_scope",
                Stage::External => "external_org",
                Stage::Setting => "setting_disabled",
                Stage::Plan => "plan_required",
            },
        }
    }
}

fn words(s: &str) -> String {
    s.replace('_', " ")
}

/// Upper-cases the first letter when it is ASCII (messages start with our own words; this
/// keeps Unicode case tables out of the wasm module).
fn capitalise(mut s: String) -> String {
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    s
}

impl Tenant {
    /// Everything a refusal's wording with [`Ids::field_marks`] depends on besides the
    /// record's ids and the values the marks stand for: the verdict, the action, the record's
    /// type, the workflow state, and what kind of value each quoted field holds (a known name
    /// is a mark, anything else its own words). Equal keys, equal sentences.
    #[doc(hidden)]
    pub fn wording_key(&self, v: Verdict, action: u16, resource: &Resource) -> [u64; 12] {
        let (tag, rule, extra) = match v {
            Verdict::Allowed { rule } => (0u64, rule, 0u64),
            Verdict::UnknownUser => (1, 0, 0),
            Verdict::NoPermission => (2, 0, 0),
            Verdict::ClosedToOrg => (6, 0, 0),
            Verdict::Forbidden { rule } => (3, rule, 0),
            Verdict::PlanRequired { rule, upgrade_to } => (4, rule, upgrade_to as u64),
            Verdict::Missed { rule, stage, .. } => (5, rule, stage as u64),
        };
        let f = &resource.facts;
        let mut key = [0u64; 12];
        let head = action as u64
            | ((f.ty as u64) << 16)
            | ((resource.child.unwrap_or(u16::MAX) as u64) << 32)
            | ((f.type_level as u64) << 48);
        for (k, which) in [
            Fixed::Owner,
            Fixed::Creator,
            Fixed::Assignee,
            Fixed::Team,
            Fixed::State,
        ]
        .into_iter()
        .enumerate()
        {
            let (t, bits) = match self.fixed(f, which) {
                Val::Absent => (0, 0),
                Val::Null => (1, 0),
                Val::Bool(b) => (2, b as u64),
                Val::Num(n) => (3, n.to_bits()),
                Val::Str(s) if which == Fixed::State || s == NONE32 => (4, s as u64),
                Val::Str(_) => (5, 0),
            };
            if let Some(pair) = key.get_mut(2 + 2 * k..4 + 2 * k) {
                pair.copy_from_slice(&[t, bits]);
            }
        }
        if let Some(first) = key.get_mut(0..2) {
            first.copy_from_slice(&[tag | (extra << 8) | ((rule as u64) << 32), head]);
        }
        key
    }

    /// Puts a verdict into words.
    #[doc(hidden)]
    pub fn decision(&self, v: Verdict, action: u16, resource: &Resource, ids: Ids<'_>) -> Decision {
        let e = &self.engine;
        let rule = match v {
            Verdict::Allowed { rule }
            | Verdict::Forbidden { rule }
            | Verdict::PlanRequired { rule, .. }
            | Verdict::Missed { rule, .. } => e.rules.get(rule as usize),
            _ => None,
        };
        let upgrade_to = match v {
            Verdict::PlanRequired { upgrade_to, .. } => e.plans.get(upgrade_to as usize).cloned(),
            _ => None,
        };
        let message = capitalise(self.sentence(v, action, resource, ids));
        let reasons = match v {
            Verdict::Allowed { .. } => Vec::new(),
            Verdict::Missed {
                rule,
                fails,
                lo,
                stage,
            } => crate::eval::Stage::ALL
                .into_iter()
                .filter(|s| fails & s.bit() != 0)
                .map(|s| {
                    // The plan's own words: an upgrade when the plan is below the window.
                    let one = match s {
                        Stage::Plan if lo != crate::engine::NONE8 => Verdict::PlanRequired {
                            rule,
                            upgrade_to: lo,
                        },
                        _ => Verdict::Missed {
                            rule,
                            stage: s,
                            fails,
                            lo,
                        },
                    };
                    Reason {
                        code: one.code(),
                        message: if s == stage {
                            message.clone()
                        } else {
                            capitalise(self.sentence(one, action, resource, ids))
                        },
                    }
                })
                .collect(),
            // Another organisation, and no role would open it: say so, then that no role of
            // theirs grants it.
            Verdict::ClosedToOrg => vec![
                Reason {
                    code: v.code(),
                    message: message.clone(),
                },
                Reason {
                    code: Verdict::NoPermission.code(),
                    message: capitalise(self.sentence(
                        Verdict::NoPermission,
                        action,
                        resource,
                        ids,
                    )),
                },
            ],
            _ => vec![Reason {
                code: v.code(),
                message: message.clone(),
            }],
        };
        Decision {
            allowed: v.allowed(),
            code: v.code(),
            message,
            rule: rule.map(|r| r.id.clone()),
            upgrade_to,
            reasons,
        }
    }

    /// The words of a record refused because user `to`, its new owner, may not receive it:
    /// their verdict's code, and who may not do what.
    #[doc(hidden)]
    pub fn receive_words(
        &self,
        to: u32,
        v: Verdict,
        view: u16,
        theirs: &Resource,
        ids: Ids<'_>,
    ) -> (&'static str, String) {
        let who = self.user_words(to).unwrap_or("the new owner");
        let ty = theirs.child.unwrap_or(theirs.facts.ty);
        let it = capitalise(self.thing(ty, ids.record, false));
        let verb = self
            .engine
            .phrases
            .get(view as usize)
            .and_then(Option::as_deref)
            .map(str::to_owned)
            .unwrap_or_else(|| words(self.engine.action_name(view)));
        (
            v.code(),
            format!("{it} cannot go to {who}, who may not {verb} it."),
        )
    }

    /// "lead L7" or "leads" (type-level), for the resource's own type.
    fn thing(&self, ty: u16, id: Option<&str>, type_level: bool) -> String {
        let label = self
            .engine
            .types
            .get(ty as usize)
            .map(|t| t.label.as_str())
            .unwrap_or("record");
        match id {
            Some(id) if !type_level => format!("{label} {id}"),
            _ => format!("{label}s"),
        }
    }

    /// "delete lead L7", "export leads", or "manage users" for multi-word type-level actions.
    fn doing(&self, action: u16, resource: &Resource, ids: Ids<'_>) -> String {
        let ty = resource.child.unwrap_or(resource.facts.ty);
        let name = self.engine.action_name(action);
        let kind = self
            .engine
            .types
            .get(ty as usize)
            .and_then(|t| t.kind.get(action as usize))
            .copied()
            .unwrap_or(ActionKind::Record);
        let phrase = self
            .engine
            .phrases
            .get(action as usize)
            .and_then(Option::as_deref);
        if kind == ActionKind::TypeLevel && name.contains('_') {
            return phrase.map(str::to_owned).unwrap_or_else(|| words(name));
        }
        format!(
            "{} {}",
            phrase.map(str::to_owned).unwrap_or_else(|| words(name)),
            self.thing(
                ty,
                ids.record,
                resource.facts.type_level && resource.child.is_none()
            )
        )
    }

    /// The record the rules were evaluated on, as text ("contact C1").
    fn evaluated(&self, resource: &Resource, ids: Ids<'_>) -> String {
        let id = if resource.child.is_some() {
            ids.parent
        } else {
            ids.record
        };
        self.thing(resource.facts.ty, id, resource.facts.type_level)
    }

    /// Who a fixed field of the record names: a mark for a known name when `ids` asks for
    /// marks, else as [`person`](Tenant::person) words it.
    fn who_field(&self, f: &crate::tenant::value::Facts, which: Fixed, ids: Ids<'_>) -> String {
        let v = self.fixed(f, which);
        let slot = self
            .engine
            .fixed
            .get(which.index())
            .copied()
            .unwrap_or(crate::engine::NONE8);
        match v {
            Val::Str(s) if ids.field_marks && s != NONE32 => {
                char::from_u32(FIELD_MARK + slot as u32)
                    .map(String::from)
                    .unwrap_or_else(|| self.person(v))
            }
            _ => self.person(v),
        }
    }

    /// A user by display name (else id), any other known string as it is.
    fn person(&self, v: Val) -> String {
        match v {
            Val::Str(s) if (s as usize) < self.users.len() => {
                self.user_words(s).unwrap_or("someone").to_owned()
            }
            Val::Str(s) if s != NONE32 => self.sym_str(s).unwrap_or("someone").to_owned(),
            Val::Str(_) => "someone outside this account".to_owned(),
            _ => "no one".to_owned(),
        }
    }

    fn sentence(&self, v: Verdict, action: u16, resource: &Resource, ids: Ids<'_>) -> String {
        let doing = self.doing(action, resource, ids);
        let base = match v {
            Verdict::Allowed { .. } => return format!("you may {doing}."),
            Verdict::UnknownUser => {
                return format!("there is no user {} in this account.", ids.user)
            }
            Verdict::ClosedToOrg => self.closed_message(ids, &doing),
            Verdict::NoPermission => {
                let role = self
                    .users
                    .get(self.user_index(ids.user).unwrap_or(NONE32) as usize)
                    .and_then(|u| self.engine.roles.get(u.role as usize))
                    .map(|r| r.name.as_str())
                    .unwrap_or("none");
                format!("your role {} does not allow you to {doing}.", words(role))
            }
            Verdict::Forbidden { rule } => {
                let id = self
                    .engine
                    .rules
                    .get(rule as usize)
                    .map(|r| r.id.as_str())
                    .unwrap_or("");
                format!("rule {id} forbids you to {doing}.")
            }
            Verdict::PlanRequired { upgrade_to, .. } => format!(
                "upgrade to {} to {doing}.",
                self.engine.plan_words(upgrade_to)
            ),
            Verdict::Missed { rule, stage, .. } => {
                self.missed(rule, stage, action, resource, ids, &doing)
            }
        };
        match (resource.child, ids.record) {
            (Some(child), Some(id))
                if !matches!(v, Verdict::NoPermission | Verdict::ClosedToOrg) =>
            {
                format!(
                    "{} follows {}: {}",
                    self.thing(child, Some(id), false),
                    self.evaluated(resource, ids),
                    capitalise(base)
                )
            }
            _ => base,
        }
    }

    fn missed(
        &self,
        rule: u32,
        stage: Stage,
        action: u16,
        resource: &Resource,
        ids: Ids<'_>,
        doing: &str,
    ) -> String {
        let f = &resource.facts;
        let it = capitalise(self.evaluated(resource, ids));
        let Some(r) = self.engine.rules.get(rule as usize) else {
            return format!("you may not {doing}.");
        };
        match stage {
            Stage::State => self.state_message(&it, action, resource),
            Stage::Condition => match &r.explain {
                Some(why) => format!("you may not {doing}: {why}."),
                None => format!("{it} does not meet the condition of rule {}.", r.id),
            },
            Stage::Scope => match r.scope {
                Scope::Own => format!(
                    "{it} belongs to {}, not to you.",
                    self.who_field(f, Fixed::Owner, ids)
                ),
                Scope::Subordinates => match self.fixed(f, Fixed::Owner) {
                    Val::Str(_) => format!(
                        "{it} belongs to {}, who is not in your reporting line.",
                        self.who_field(f, Fixed::Owner, ids)
                    ),
                    _ => format!("{it} belongs to no one, so it is not in your reporting line."),
                },
                Scope::Created => format!(
                    "{it} was created by {}, not by you.",
                    self.who_field(f, Fixed::Creator, ids)
                ),
                Scope::Assignee => format!(
                    "{it} is assigned to {}, not to you.",
                    self.who_field(f, Fixed::Assignee, ids)
                ),
                Scope::Team => match self.fixed(f, Fixed::Team) {
                    Val::Str(t) if t != NONE32 => format!(
                        "{it} belongs to team {}, which is not one of your teams.",
                        self.who_field(f, Fixed::Team, ids)
                    ),
                    // A team no user of the account is in: the engine keeps no name for it.
                    Val::Str(_) => format!("{it} belongs to a team that is not one of yours."),
                    _ => format!("{it} belongs to no team, so not to one of yours."),
                },
                Scope::Org => format!(
                    "your organisation is not a party to {}.",
                    self.evaluated(resource, ids)
                ),
                Scope::Granted => format!("{it} has not been shared with you."),
                Scope::Manager => self.manager_message(doing, ids),
                Scope::All => format!("you may not {doing}."),
            },
            Stage::External => self.closed_message(ids, doing),
            Stage::Setting => {
                let s = r.setting.and_then(|s| self.engine.settings.get(s as usize));
                let name = s
                    .map(|s| s.label.clone().unwrap_or_else(|| words(&s.name)))
                    .unwrap_or_default();
                format!("the setting \u{201c}{name}\u{201d} is turned off for this account, so you may not {doing}.")
            }
            Stage::Plan => format!("your plan does not allow you to {doing}."),
        }
    }

    fn closed_message(&self, ids: Ids<'_>, doing: &str) -> String {
        let org = self
            .user_index(ids.user)
            .and_then(|u| self.users.get(u as usize))
            .map(|u| self.person(Val::Str(u.org)))
            .unwrap_or_default();
        format!("you belong to {org}, another organisation, and this is not open to other organisations: you may not {doing}.")
    }

    fn manager_message(&self, doing: &str, ids: Ids<'_>) -> String {
        let manager = self
            .user_index(ids.user)
            .map(|u| self.manager_of(u))
            .unwrap_or(NONE32);
        match self.user_words(manager) {
            Some(m) => format!("your manager {m} may not {doing} either."),
            None => format!("you have no manager whose access you share, so you may not {doing}."),
        }
    }

    fn state_message(&self, it: &str, action: u16, resource: &Resource) -> String {
        let (ty, action) = self.target(resource, action);
        let Some(t) = self.engine.types.get(ty as usize) else {
            return format!("{it} is not in a state that allows this.");
        };
        let from = t.from.get(action as usize).copied().unwrap_or(u64::MAX);
        let allowed: Vec<String> = t
            .states
            .iter()
            .enumerate()
            .filter(|(i, _)| from & (1u64 << (i & 63)) != 0)
            .map(|(_, s)| words(s))
            .collect();
        let verb = words(
            self.engine
                .actions
                .get(action as usize)
                .map(String::as_str)
                .unwrap_or("this"),
        );
        let now = match self
            .state_index(ty, &resource.facts)
            .and_then(|i| t.states.get(i))
        {
            Some(s) => format!("{it} is {}", words(s)),
            None => format!("{it} has no known state"),
        };
        format!(
            "{now}; {verb} is allowed only from {}.",
            allowed.join(" or ")
        )
    }
}

/// The refusals of one bulk call, each distinct sentence worded once, with marks where each
/// record's own values go: U+FDD0 its id, U+FDD1 its parent's id, and [`FIELD_MARK`] + slot
/// for a field that names a known user or team (see [`Ids::field_marks`]). Refusals of one
/// bulk action share a handful of sentences, so 8,000 refusals cost a few sentences, not
/// 8,000.
pub struct Refusals<'a> {
    t: &'a Tenant,
    user_id: &'a str,
    seen: crate::hasher::Map<[u64; 12], u32>,
    sentences: Vec<(&'static str, String)>,
}

impl<'a> Refusals<'a> {
    /// The refusals of `user_id`'s bulk call.
    pub fn new(t: &'a Tenant, user_id: &'a str) -> Self {
        Refusals {
            t,
            user_id,
            seen: crate::hasher::map_with_capacity(64),
            sentences: Vec::new(),
        }
    }

    /// 0 when the full verdict on `s` allows, else 1 + the index of its sentence.
    pub fn refusal(&mut self, user: Option<u32>, a: u16, s: &Resource) -> u32 {
        let t = self.t;
        let v = t.verdict(user, a, s);
        if v.allowed() {
            return 0;
        }
        self.sentence(t.wording_key(v, a, s), |ids| {
            let d = t.decision(v, a, s, ids);
            (d.code, d.message)
        })
    }

    /// 1 + the index of the sentence refusing `s` because user `to` may not receive it
    /// (their verdict `v` on viewing it once it is theirs, `theirs`).
    pub fn receive_refusal(&mut self, to: u32, v: Verdict, view: u16, theirs: &Resource) -> u32 {
        let t = self.t;
        let mut key = t.wording_key(v, view, theirs);
        if let Some(first) = key.first_mut() {
            // Apart from the sentences of the user's own refusals.
            *first |= 0x80;
        }
        self.sentence(key, |ids| t.receive_words(to, v, view, theirs, ids))
    }

    /// 1 + the index of the sentence worded under `key`, worded by `words` (with the marks
    /// for each record's own values) the first time the key comes.
    fn sentence(
        &mut self,
        key: [u64; 12],
        words: impl FnOnce(Ids<'a>) -> (&'static str, String),
    ) -> u32 {
        let next = self.sentences.len() as u32;
        let at = *self.seen.entry(key).or_insert(next);
        if at == next {
            self.sentences.push(words(Ids {
                user: self.user_id,
                record: Some("\u{FDD0}"),
                parent: Some("\u{FDD1}"),
                field_marks: true,
            }));
        }
        at + 1
    }

    /// The `(code, sentence)` of each distinct refusal, by index.
    pub fn into_sentences(self) -> Vec<(&'static str, String)> {
        self.sentences
    }
}

impl ToJson for Decision {
    fn write(&self, out: &mut String) {
        object(
            out,
            &[
                ("allowed", Some(&self.allowed)),
                ("code", Some(&self.code)),
                ("message", Some(&self.message)),
                ("rule", Some(&self.rule)),
                (
                    "upgradeTo",
                    self.upgrade_to.as_ref().map(|u| u as &dyn ToJson),
                ),
                ("reasons", Some(&self.reasons)),
            ],
        );
    }
}

json_object!(Reason { "code" => code, "message" => message });
