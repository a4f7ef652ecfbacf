//! Plans as JSON, the form JavaScript runs and `docs/plans.md` documents (here, beside the
//! words: a `never` plan carries its decision):
//!
//! ```json
//! { "kind": "where", "user": "u7", "action": "view", "type": "lead",
//!   "where": { "or": [ { "eq": ["ownerId", "u7"] }, { "in": ["ownerId", 0] } ] },
//!   "sets": [ ["u7", "u8", "u9"] ] }
//! ```

use super::explain::Ids;
use crate::json::Json;
use crate::plan::{Asker, Kind, Plan, Pred, Set};
use crate::tenant::value::Val;
use crate::tenant::Tenant;

fn s(text: &str) -> Json {
    Json::Str(text.to_owned())
}

fn obj(fields: Vec<(&str, Json)>) -> Json {
    Json::Obj(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

impl Plan {
    /// The plan as a JSON value (see `docs/plans.md`).
    pub fn to_json(&self, t: &Tenant) -> Json {
        self.json(t, None)
    }

    /// The plan as the JavaScript binding runs it: the same, but sets of more than `small`
    /// strings name users and strings by their tenant symbols (`{"syms": [...]}`) and a
    /// reporting line by its range of pre-order numbers (`{"line": [pre, end]}`), so a plan
    /// costs the same to hand over whatever the size of the line. Sets of at most `small`
    /// strings come as the strings: JavaScript tests them without a table of every id.
    pub fn to_json_indexed(&self, t: &Tenant, small: usize) -> Json {
        self.json(t, Some(small))
    }

    fn json(&self, t: &Tenant, small: Option<usize>) -> Json {
        let e = &t.engine;
        let user = match &self.user {
            Asker::User(u) => t.user_id(*u).unwrap_or(""),
            Asker::Unknown(id) => id,
        };
        let ty = e
            .types
            .get(self.ty as usize)
            .map(|x| x.name.as_str())
            .unwrap_or("");
        let kind = match &self.kind {
            Kind::Always { .. } => "always",
            Kind::Never(_) => "never",
            Kind::Where(_) => "where",
        };
        let mut fields = vec![("kind", s(kind))];
        let head = [
            ("user", s(user)),
            ("action", s(e.action_name(self.action))),
            ("type", s(ty)),
        ];
        match &self.kind {
            Kind::Always { rule } => {
                fields.extend(head);
                let id = e
                    .rules
                    .get(*rule as usize)
                    .map(|r| r.id.as_str())
                    .unwrap_or("");
                fields.push(("rule", s(id)));
            }
            Kind::Never(v) => {
                fields.extend(head);
                let subject = t.type_subject(self.ty);
                let ids = Ids {
                    user,
                    ..Ids::default()
                };
                let d = t.decision(*v, self.action, &subject, ids);
                fields.push(("code", s(d.code)));
                fields.push(("message", s(&d.message)));
                fields.push(("rule", d.rule.as_deref().map(s).unwrap_or(Json::Null)));
                if let Some(up) = d.upgrade_to {
                    fields.push(("upgradeTo", Json::Str(up)));
                }
            }
            Kind::Where(p) => {
                fields.extend(head);
                let child = e.types.get(self.ty as usize).is_some_and(|x| x.is_child());
                fields.push(("where", self.pred_json(t, p, child)));
                let sets = self
                    .sets
                    .iter()
                    .map(|set| {
                        if let Some(small) = small {
                            set_indexed(t, set, small)
                        } else {
                            set_json(t, set)
                        }
                    })
                    .collect();
                fields.push(("sets", Json::Arr(sets)));
            }
        }
        obj(fields)
    }

    fn pred_json(&self, t: &Tenant, p: &Pred, child: bool) -> Json {
        let e = &t.engine;
        let field = |slot: u8| {
            let name = e
                .fields
                .get(slot as usize)
                .map(String::as_str)
                .unwrap_or("");
            if child {
                Json::Str(format!("parent.{name}"))
            } else {
                s(name)
            }
        };
        let list =
            |items: &[Pred]| Json::Arr(items.iter().map(|i| self.pred_json(t, i, child)).collect());
        match p {
            Pred::Const(b) => Json::Bool(*b),
            Pred::Eq(slot, v) => obj(vec![("eq", Json::Arr(vec![field(*slot), value(t, *v)]))]),
            Pred::Missing(slot) => obj(vec![("null", field(*slot))]),
            Pred::In(slot, set) => obj(vec![(
                "in",
                Json::Arr(vec![field(*slot), Json::Num(f64::from(*set))]),
            )]),
            Pred::Orgs(set) => {
                let orgs = if child { "parent.orgs" } else { "orgs" };
                obj(vec![(
                    "overlaps",
                    Json::Arr(vec![s(orgs), Json::Num(f64::from(*set))]),
                )])
            }
            Pred::Parent(ty) => {
                let name = e
                    .types
                    .get(*ty as usize)
                    .map(|x| x.name.as_str())
                    .unwrap_or("");
                obj(vec![("eq", Json::Arr(vec![s("parent.type"), s(name)]))])
            }
            Pred::Not(inner) => obj(vec![("not", self.pred_json(t, inner, child))]),
            Pred::And(items) => obj(vec![("and", list(items))]),
            Pred::Or(items) => obj(vec![("or", list(items))]),
        }
    }
}

fn value(t: &Tenant, v: Val) -> Json {
    match v {
        Val::Absent | Val::Null => Json::Null,
        Val::Bool(b) => Json::Bool(b),
        Val::Num(n) => Json::Num(n),
        Val::Str(sym) => s(t.sym_str(sym).unwrap_or("")),
    }
}

/// A set's strings: a reporting line in directory order, other sets in symbol order.
fn set_json(t: &Tenant, set: &Set) -> Json {
    match set {
        Set::Line(boss) => Json::Arr(
            t.line(*boss)
                .into_iter()
                .filter_map(|u| t.user_id(u))
                .map(s)
                .collect(),
        ),
        Set::Syms(list) => Json::Arr(list.iter().filter_map(|&x| t.sym_str(x)).map(s).collect()),
    }
}

/// A set of at most `small` strings as its strings (as [`set_json`]); a larger one by tenant
/// symbols, a larger reporting line by its pre-order range.
fn set_indexed(t: &Tenant, set: &Set, small: usize) -> Json {
    let num = |n: u32| Json::Num(f64::from(n));
    let size = match set {
        Set::Line(boss) => t.line_len(*boss),
        Set::Syms(list) => list.len(),
    };
    if size <= small {
        return set_json(t, set);
    }
    match set {
        Set::Line(boss) => {
            let (pre, end) = t
                .users
                .get(*boss as usize)
                .map(|u| (u.pre, u.end))
                .unwrap_or((0, 0));
            obj(vec![("line", Json::Arr(vec![num(pre), num(end)]))])
        }
        Set::Syms(list) => obj(vec![(
            "syms",
            Json::Arr(list.iter().map(|&x| num(x)).collect()),
        )]),
    }
}
