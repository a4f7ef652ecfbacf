//! Questions over many records: [`filter`](Tenant::filter), [`total`](Tenant::total) and
//! [`bulk`](Tenant::bulk). The user and the action are resolved once per call; each record
//! then costs one resolution and one evaluation.

use crate::answer::explain::Ids;
use crate::engine::Fixed;
use crate::error::{join, Error};
use crate::eval::Verdict;
use crate::json::text::{id_text, number_key};
use crate::json::write::{json_object, object, raw, ToJson};
use crate::json::Json;
use crate::limits;
use crate::plan::Plans;
use crate::tenant::value::Resource;
use crate::tenant::value::Val;
use crate::tenant::Tenant;
use serde::Serialize;

/// Sums over the records a user may view.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Total {
    pub total: f64,
    pub count: u64,
    /// Per value of the `groupBy` field (as `String(value)`), in first-seen order.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "groups_as_object"
    )]
    pub groups: Option<Vec<(String, Group)>>,
}

/// One group of a [`Total`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Group {
    pub total: f64,
    pub count: u64,
}

fn groups_as_object<S: serde::Serializer>(
    g: &Option<Vec<(String, Group)>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let list = g.as_deref().unwrap_or(&[]);
    let mut map = s.serialize_map(Some(list.len()))?;
    for (k, v) in list {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// A refused record of a bulk action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    /// Index of the record in the input.
    #[serde(skip)]
    pub index: usize,
    pub id: String,
    pub code: &'static str,
    pub message: String,
}

/// The outcome of a bulk action: which records may go ahead, which may not and why.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Bulk {
    /// Ids of the allowed records, in input order.
    pub allowed: Vec<String>,
    /// Refused records with their reasons, in input order.
    pub denied: Vec<Refusal>,
    /// Indices of the allowed records.
    #[serde(skip)]
    pub allowed_index: Vec<usize>,
}

fn check_count(n: usize) -> Result<(), Error> {
    limits::check(
        n,
        limits::MAX_RECORDS,
        "too_many_records",
        "the number of records",
        "",
    )
}

impl Tenant {
    /// What a batch of `action` checks before its records: their number, and, when there is
    /// none, that the policy declares the action (each record reports one its type does not).
    fn batch_of(&self, action: &str, records: &[Json]) -> Result<(), Error> {
        check_count(records.len())?;
        if records.is_empty() {
            self.declared_action(action)?;
        }
        Ok(())
    }

    fn action_for(&self, action: &str, resource: &Resource, path: &str) -> Result<u16, Error> {
        self.action_index(action, resource)
            .map_err(|e| e.under(path))
    }

    /// Indices of the records `user` may do `action` on, in input order.
    pub fn filter(&self, user: &str, action: &str, records: &[Json]) -> Result<Vec<usize>, Error> {
        self.batch_of(action, records)?;
        let mut plans = Plans::new(self.user_index(user));
        let mut out = Vec::new();
        for (i, rec) in records.iter().enumerate() {
            let path = format!("/{i}");
            let s = self.resolve_record(rec, &path)?;
            let a = self.action_for(action, &s, &path)?;
            if plans.allows(self, a, &s) {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// Sum and count of `field` over the records `user` may `view`, optionally grouped.
    /// A viewable record whose field is absent or null is counted and adds nothing; one whose
    /// field is not a finite number is an `invalid_number` error.
    pub fn total(
        &self,
        user: &str,
        records: &[Json],
        field: &str,
        group_by: Option<&str>,
    ) -> Result<Total, Error> {
        check_count(records.len())?;
        let mut plans = Plans::new(self.user_index(user));
        let mut out = Total {
            groups: group_by.map(|_| Vec::new()),
            ..Total::default()
        };
        for (i, rec) in records.iter().enumerate() {
            let path = format!("/{i}");
            let s = self.resolve_record(rec, &path)?;
            let a = self.action_for("view", &s, &path)?;
            if !plans.allows(self, a, &s) {
                continue;
            }
            let amount = amount(rec.get(field), &join(&path, field))?;
            out.total += amount;
            out.count += 1;
            if let (Some(key), Some(groups)) = (group_by, out.groups.as_mut()) {
                add_to_group(groups, group_key(rec.get(key)), amount);
            }
        }
        Ok(out)
    }

    /// The new owner of a bulk reassignment, when given, must be a user of this account.
    pub(crate) fn new_owner(&self, to: Option<&str>) -> Result<(), Error> {
        match to {
            Some(to) if self.user_index(to).is_none() => Err(Error::new(
                "unknown_user",
                format!("the new owner `{to}` is not a user of this account"),
                "/to",
            )),
            _ => Ok(()),
        }
    }

    /// The action a new owner must be allowed on a record they receive: `view`, when the
    /// record's own type declares it.
    pub(crate) fn receive_action(&self, resource: &Resource) -> Option<u16> {
        let ty = resource.child.unwrap_or(resource.facts.ty);
        let view = *self.engine.action_ix.get("view")?;
        let kind = self
            .engine
            .types
            .get(ty as usize)?
            .kind
            .get(view as usize)?;
        (*kind == crate::engine::ActionKind::Record).then_some(view)
    }

    /// Why user `to` may not receive the record (`None`: they may): their verdict on viewing
    /// it as it will be, owned by them (a child record's rules read its parent, which keeps its
    /// owner). Records whose type has no `view` may go to anyone of the account.
    pub(crate) fn receiving(
        &self,
        to: u32,
        resource: &Resource,
    ) -> Option<(Verdict, u16, Resource)> {
        let view = self.receive_action(resource)?;
        let mut theirs = resource.clone();
        if theirs.child.is_none() {
            if let Some(f) = self
                .engine
                .fixed
                .get(Fixed::Owner.index())
                .and_then(|&slot| theirs.facts.fields.get_mut(slot as usize))
            {
                *f = Val::Str(to);
            }
        }
        if self.allows(Some(to), view, &theirs) {
            return None;
        }
        let v = self.verdict(Some(to), view, &theirs);
        Some((v, view, theirs))
    }

    /// Per-record decisions for a bulk action (ZS-9): allowed ids, and refused ids with reasons.
    /// `to`, when given, must be a user of this account (the new owner of a reassignment), and
    /// a record the user may act on is still refused when `to` may not receive it (may not
    /// view it once it is theirs): the code is theirs, the message says who cannot take it.
    pub fn bulk(
        &self,
        user: &str,
        action: &str,
        records: &[Json],
        to: Option<&str>,
    ) -> Result<Bulk, Error> {
        self.batch_of(action, records)?;
        self.new_owner(to)?;
        let to = to.and_then(|t| self.user_index(t));
        let u = self.user_index(user);
        let mut out = Bulk::default();
        let mut plans = Plans::new(u);
        for (i, rec) in records.iter().enumerate() {
            let path = format!("/{i}");
            let s = self.resolve(rec, &path)?;
            let a = self.action_for(action, &s, &path)?;
            let Some(id) = id_text(rec) else {
                return Err(Error::new(
                    "missing_field",
                    "every record of a bulk action needs an `id`",
                    join(&path, "id"),
                ));
            };
            // The plan's answer first; the full verdict (the reason) only for refusals.
            let v = match plans.allows(self, a, &s) {
                true => crate::eval::Verdict::Allowed { rule: 0 },
                false => self.verdict(u, a, &s),
            };
            let parent = rec.get("parent").and_then(id_text);
            let ids = Ids {
                user,
                record: Some(&id),
                parent: parent.as_deref(),
                field_marks: false,
            };
            let receiving = match (v.allowed(), to) {
                (true, Some(to)) => self.receiving(to, &s).map(|r| (to, r)),
                _ => None,
            };
            if let Some((to, (v, view, theirs))) = receiving {
                let (code, message) = self.receive_words(to, v, view, &theirs, ids);
                out.denied.push(Refusal {
                    index: i,
                    id,
                    code,
                    message,
                });
            } else if v.allowed() {
                out.allowed.push(id);
                out.allowed_index.push(i);
            } else {
                let d = self.decision(v, a, &s, ids);
                out.denied.push(Refusal {
                    index: i,
                    id,
                    code: d.code,
                    message: d.message,
                });
            }
        }
        Ok(out)
    }
}

/// A field value as a summable amount.
pub fn amount(v: Option<&Json>, path: &str) -> Result<f64, Error> {
    match v {
        None | Some(Json::Null) => Ok(0.0),
        Some(Json::Num(n)) if n.is_finite() => Ok(*n),
        Some(other) => Err(Error::new(
            "invalid_number",
            format!("expected a finite number to sum, found {}", other.kind()),
            path,
        )),
    }
}

/// `String(value)` of a group-by field, as JavaScript prints it.
pub fn group_key(v: Option<&Json>) -> String {
    match v {
        None => "undefined".to_owned(),
        Some(Json::Null) => "null".to_owned(),
        Some(Json::Bool(b)) => b.to_string(),
        Some(Json::Num(n)) => number_key(*n),
        Some(Json::Str(s)) => s.clone(),
        Some(Json::Arr(items)) => items
            .iter()
            .map(|i| {
                if matches!(i, Json::Null) {
                    String::new()
                } else {
                    group_key(Some(i))
                }
            })
            .collect::<Vec<_>>()
            .join(","),
        Some(Json::Obj(_)) => "[object Object]".to_owned(),
    }
}

/// Adds one amount to the group `key`, creating it if new.
pub fn add_to_group(groups: &mut Vec<(String, Group)>, key: String, amount: f64) {
    match groups.iter_mut().find(|(k, _)| *k == key) {
        Some((_, g)) => {
            g.total += amount;
            g.count += 1;
        }
        None => groups.push((
            key,
            Group {
                total: amount,
                count: 1,
            },
        )),
    }
}

json_object!(Group { "total" => total, "count" => count });

impl ToJson for Total {
    fn write(&self, out: &mut String) {
        let groups = self.groups.as_ref().map(|g| Groups(g));
        object(
            out,
            &[
                ("total", Some(&self.total)),
                ("count", Some(&self.count)),
                ("groups", groups.as_ref().map(|g| g as &dyn ToJson)),
            ],
        );
    }
}

/// The groups of a [`Total`], as one object keyed by group.
struct Groups<'a>(&'a [(String, Group)]);

impl ToJson for Groups<'_> {
    fn write(&self, out: &mut String) {
        raw(out, "{");
        for (i, (key, g)) in self.0.iter().enumerate() {
            if i > 0 {
                raw(out, ",");
            }
            key.write(out);
            raw(out, ":");
            g.write(out);
        }
        raw(out, "}");
    }
}
