//! Plans as SQL (`accord::sql`), checked on the text and parameters: the real databases run
//! the same SQL in `tests/sql/` (differential and semantics), these pin its shape and errors.

use accord::sql::{ColType, Column, Dialect, Options, Param, Sql};
use accord::{Engine, Json, Tenant};
use std::sync::Arc;

const POLICY: &str = r#"{
  "plans": ["std"],
  "types": {
    "lead": { "actions": ["view", "update", "delete", "share", "export"] },
    "note": { "parents": ["lead"], "actions": ["view"] }
  },
  "roles": {
    "rep": { "rules": [
      { "actions": ["view"], "types": ["lead"], "scope": "subordinates" },
      { "actions": ["update"], "types": ["lead"], "scope": "own", "when": { "eq": [{ "record": "level" }, 2] } },
      { "actions": ["share"], "types": ["lead"], "scope": "org" },
      { "actions": ["delete"], "types": ["lead"], "scope": "team" },
      { "actions": ["export"], "types": ["lead"], "when": { "eq": [{ "record": "region" }, 2] } },
      { "effect": "deny", "actions": ["view"], "types": ["lead"], "when": { "eq": [{ "record": "hidden" }, true] } }
    ] },
    "admin": { "rules": [ { "actions": "*", "types": "*" } ] }
  }
}"#;

fn tenant(users: &str) -> Tenant {
    let engine = Arc::new(Engine::from_json(POLICY).expect("the test policy compiles"));
    let dir = format!(r#"{{ "plan": "std", "org": "acme", "users": [{users}] }}"#);
    Tenant::from_json(engine, &dir).expect("the test directory compiles")
}

fn small() -> Tenant {
    tenant(
        r#"{ "id": "boss", "role": "rep", "teams": ["east"] },
           { "id": "it's \"me\"", "role": "rep", "managerId": "boss" },
           { "id": "lonely", "role": "rep" },
           { "id": "root", "role": "admin" }"#,
    )
}

fn columns(dialect: Dialect, offset: u32) -> Options {
    let text = |s: &str| Column {
        sql: s.to_owned(),
        ty: ColType::Text,
    };
    Options {
        dialect,
        param_offset: offset,
        columns: vec![
            ("id".into(), text("id")),
            ("ownerId".into(), text("owner_id")),
            ("teamId".into(), text("team_id")),
            ("region".into(), text("region")),
            (
                "level".into(),
                Column {
                    sql: "level".into(),
                    ty: ColType::Number,
                },
            ),
            (
                "hidden".into(),
                Column {
                    sql: "hidden".into(),
                    ty: ColType::Boolean,
                },
            ),
            (
                "orgs".into(),
                Column {
                    sql: "orgs".into(),
                    ty: ColType::List,
                },
            ),
            ("parent.type".into(), text("p.type")),
            ("parent.ownerId".into(), text("p.owner_id")),
            (
                "parent.hidden".into(),
                Column {
                    sql: "p.hidden".into(),
                    ty: ColType::Boolean,
                },
            ),
        ],
    }
}

fn sql(t: &Tenant, user: &str, action: &str, ty: &str, o: &Options) -> Sql {
    t.sql(user, action, ty, o).expect("the question has SQL")
}

fn texts(items: &[&str]) -> Param {
    Param::TextArray(items.iter().map(|s| s.to_string()).collect())
}

#[test]
fn always_is_a_true_literal_and_never_a_false_one_in_each_dialect() {
    let t = small();
    let pg = columns(Dialect::Postgres, 0);
    let lite = columns(Dialect::Sqlite, 0);
    assert_eq!(sql(&t, "root", "view", "lead", &pg).text, "TRUE");
    assert_eq!(sql(&t, "root", "view", "lead", &lite).text, "1");
    // An unknown user may do nothing, as in filter().
    let never = sql(&t, "ghost", "view", "lead", &pg);
    assert_eq!((never.text.as_str(), never.params.len()), ("FALSE", 0));
    assert_eq!(sql(&t, "ghost", "view", "lead", &lite).text, "0");
}

#[test]
fn values_are_parameters_never_spliced_into_the_text() {
    let t = small();
    let s = sql(
        &t,
        "it's \"me\"",
        "update",
        "lead",
        &columns(Dialect::Postgres, 0),
    );
    assert!(!s.text.contains("me"), "{}", s.text);
    assert_eq!(
        s.text,
        "((level IS NOT NULL AND level = $1::float8) AND (owner_id IS NOT NULL AND owner_id = $2::text))"
    );
    assert_eq!(
        s.params,
        vec![Param::Number(2.0), Param::Text("it's \"me\"".into())]
    );
}

#[test]
fn a_reporting_line_of_many_users_is_one_parameter() {
    // A chain of 3,000 users: the top one's line holds all of them.
    let mut users = String::from(r#"{ "id": "u0", "role": "rep" }"#);
    for i in 1..3000 {
        users.push_str(&format!(
            r#", {{ "id": "u{i}", "role": "rep", "managerId": "u{}" }}"#,
            i - 1
        ));
    }
    let t = tenant(&users);
    let pg = sql(&t, "u0", "view", "lead", &columns(Dialect::Postgres, 0));
    assert!(
        pg.text.contains("owner_id = ANY($2::text[])"),
        "{}",
        pg.text
    );
    match pg.params.as_slice() {
        [Param::Bool(true), Param::TextArray(ids)] => assert_eq!(ids.len(), 3000),
        other => panic!(
            "the line as one text[] parameter expected, got {} params",
            other.len()
        ),
    }
    let lite = sql(&t, "u0", "view", "lead", &columns(Dialect::Sqlite, 0));
    assert_eq!(lite.text.matches('?').count(), 2, "{}", lite.text);
    assert!(lite
        .text
        .contains("owner_id COLLATE BINARY IN (SELECT value FROM json_each(?))"));
    match lite.params.as_slice() {
        [Param::Number(_), Param::Text(json)] => {
            let list = Json::parse(json).expect("the parameter is JSON text");
            assert!(matches!(list, Json::Arr(ref v) if v.len() == 3000));
        }
        _ => panic!("one JSON text parameter expected"),
    }
}

#[test]
fn param_offset_continues_the_callers_numbering() {
    let t = small();
    let s = sql(&t, "boss", "update", "lead", &columns(Dialect::Postgres, 3));
    assert!(s.text.contains("$4::float8") && s.text.contains("$5::text"));
    assert!(!s.text.contains("$1"));
}

#[test]
fn not_is_null_safe_every_test_guarded() {
    // `view` is `subordinates AND NOT hidden = true`: the negated test is guarded, so a NULL
    // `hidden` makes the NOT true instead of NULL.
    let t = small();
    let pg = sql(&t, "boss", "view", "lead", &columns(Dialect::Postgres, 0));
    assert_eq!(
        pg.text,
        "(NOT (hidden IS NOT NULL AND hidden = $1::boolean) AND (owner_id IS NOT NULL AND owner_id = ANY($2::text[])))"
    );
    assert_eq!(
        pg.params,
        vec![Param::Bool(true), texts(&["boss", "it's \"me\""])]
    );
    let lite = sql(&t, "boss", "view", "lead", &columns(Dialect::Sqlite, 0));
    assert!(lite
        .text
        .starts_with("(NOT (hidden IS NOT NULL AND hidden = ?) AND "));
    // SQLite booleans are 1 and 0: better-sqlite3 cannot bind JavaScript booleans.
    assert_eq!(lite.params.first(), Some(&Param::Number(1.0)));
}

#[test]
fn a_comparison_a_column_type_cannot_hold_folds_to_false() {
    // `region = 2` on a text column: no string equals a number, so no SQL is needed for it.
    let t = small();
    let s = sql(&t, "boss", "export", "lead", &columns(Dialect::Postgres, 0));
    assert_eq!((s.text.as_str(), s.params.len()), ("FALSE", 0));
    let mut o = columns(Dialect::Sqlite, 0);
    for (name, c) in o.columns.iter_mut() {
        if name == "region" {
            c.ty = ColType::Number;
        }
    }
    let s = sql(&t, "boss", "export", "lead", &o);
    assert_eq!(s.text, "(region IS NOT NULL AND region = ?)");
    assert_eq!(s.params, vec![Param::Number(2.0)]);
}

#[test]
fn an_empty_set_is_false_without_a_parameter() {
    // `lonely` has no team: the team scope holds no record.
    let t = small();
    let s = sql(
        &t,
        "lonely",
        "delete",
        "lead",
        &columns(Dialect::Postgres, 0),
    );
    assert_eq!(s.text, "FALSE");
    let s = sql(&t, "boss", "delete", "lead", &columns(Dialect::Postgres, 0));
    assert_eq!(s.params, vec![texts(&["east"])]);
}

#[test]
fn record_orgs_are_a_text_array_in_postgres_and_a_json_array_in_sqlite() {
    let t = small();
    let pg = sql(&t, "boss", "share", "lead", &columns(Dialect::Postgres, 0));
    assert_eq!(pg.text, "(orgs IS NOT NULL AND orgs && $1::text[])");
    assert_eq!(pg.params, vec![texts(&["acme"])]);
    let lite = sql(&t, "boss", "share", "lead", &columns(Dialect::Sqlite, 0));
    assert_eq!(
        lite.text,
        "EXISTS (SELECT 1 FROM json_each(orgs) WHERE type = 'text' AND value IN (SELECT value FROM json_each(?)))"
    );
    assert_eq!(lite.params, vec![Param::Text(r#"["acme"]"#.into())]);
}

#[test]
fn a_child_type_reads_its_parents_columns() {
    let t = small();
    let s = sql(&t, "boss", "view", "note", &columns(Dialect::Postgres, 0));
    assert_eq!(
        s.text,
        "((p.type IS NOT NULL AND p.type = $1::text) AND NOT (p.hidden IS NOT NULL AND p.hidden = $2::boolean) AND (p.owner_id IS NOT NULL AND p.owner_id = ANY($3::text[])))"
    );
    assert_eq!(s.params.first(), Some(&Param::Text("lead".into())));
}

#[test]
fn a_column_expression_is_used_as_given_and_wrapped_when_not_a_name() {
    let t = small();
    let mut o = columns(Dialect::Postgres, 0);
    o.columns.retain(|(n, _)| n != "ownerId" && n != "level");
    o.columns.push((
        "ownerId".into(),
        Column {
            sql: "data->>'owner'".into(),
            ty: ColType::Text,
        },
    ));
    o.columns.push((
        "level".into(),
        Column {
            sql: r#""Level""#.into(),
            ty: ColType::Number,
        },
    ));
    let s = sql(&t, "boss", "update", "lead", &o);
    assert_eq!(
        s.text,
        r#"(("Level" IS NOT NULL AND "Level" = $1::float8) AND ((data->>'owner') IS NOT NULL AND (data->>'owner') = $2::text))"#
    );
}

#[test]
fn an_unmapped_field_is_an_error_naming_every_such_field() {
    let t = small();
    let o = Options {
        dialect: Dialect::Postgres,
        param_offset: 0,
        columns: Vec::new(),
    };
    let e = t.sql("boss", "view", "lead", &o).expect_err("no columns");
    assert_eq!(e.code(), "unmapped_field");
    assert_eq!(e.path(), "/columns");
    assert!(
        e.message().contains("`hidden`, `ownerId`"),
        "{}",
        e.message()
    );
    // `always` and `never` read no field: no column is needed.
    assert_eq!(
        t.sql("root", "view", "lead", &o).map(|s| s.text).ok(),
        Some("TRUE".into())
    );
}

#[test]
fn unknown_types_and_actions_are_errors_as_in_every_question() {
    let t = small();
    let o = columns(Dialect::Postgres, 0);
    let e = t.sql("boss", "view", "deal", &o).expect_err("no such type");
    assert_eq!(e.code(), "unknown_type");
    let e = t
        .sql("boss", "fly", "lead", &o)
        .expect_err("no such action");
    assert_eq!(e.code(), "unknown_action");
    let e = t
        .sql("boss", "update", "note", &o)
        .expect_err("not on notes");
    assert_eq!(e.code(), "unknown_action");
}

fn options(text: &str) -> Result<Options, Vec<(String, String)>> {
    Options::from_json(&Json::parse(text).expect("JSON")).map_err(|errs| {
        errs.iter()
            .map(|e| (e.code().to_owned(), e.path().to_owned()))
            .collect()
    })
}

#[test]
fn options_read_strings_and_typed_columns() {
    let o = options(
        r#"{ "dialect": "postgres", "paramOffset": 2, "columns": {
            "ownerId": "owner_id", "level": { "sql": "lvl", "type": "number" },
            "orgs": "org_list", "flag": { "sql": "f", "type": "boolean" } } }"#,
    )
    .expect("valid options");
    assert_eq!(o.param_offset, 2);
    let ty = |name: &str| o.column(name).map(|c| c.ty);
    assert_eq!(ty("ownerId"), Some(ColType::Text));
    assert_eq!(ty("level"), Some(ColType::Number));
    assert_eq!(ty("orgs"), Some(ColType::List));
    assert_eq!(ty("flag"), Some(ColType::Boolean));
}

#[test]
fn bad_options_report_every_problem_with_its_path() {
    let errs = options(
        r#"{ "dialect": "mysql", "paramOffset": -1, "extra": 1, "columns": {
            "ownerId": 7, "level": { "sql": "", "type": "decimal" } } }"#,
    )
    .expect_err("bad options");
    let want: Vec<(String, String)> = [
        ("unknown_field", "/extra"),
        ("unknown_dialect", "/dialect"),
        ("invalid_option", "/paramOffset"),
        ("invalid_column", "/columns/ownerId"),
        ("invalid_column", "/columns/level/sql"),
        ("invalid_column", "/columns/level/type"),
    ]
    .iter()
    .map(|(c, p)| (c.to_string(), p.to_string()))
    .collect();
    assert_eq!(errs, want);
    let errs = options(r#"{ "dialect": "sqlite", "columns": ["owner_id"] }"#).expect_err("list");
    assert_eq!(errs, vec![("invalid_type".into(), "/columns".into())]);
    let errs = options(r#"{ "dialect": "sqlite", "paramOffset": 1, "columns": {} }"#)
        .expect_err("no offset in sqlite");
    assert_eq!(errs, vec![("invalid_option".into(), "/paramOffset".into())]);
}

#[test]
fn the_json_form_is_where_and_params() {
    let t = small();
    let s = sql(&t, "boss", "delete", "lead", &columns(Dialect::Sqlite, 0));
    assert_eq!(
        accord::json::write::to_string(&s),
        r#"{"where":"(team_id IS NOT NULL AND team_id COLLATE BINARY IN (SELECT value FROM json_each(?)))","params":["[\"east\"]"]}"#
    );
}

#[test]
fn an_empty_set_needs_no_column() {
    // `lonely` has no team: `teamId` need not be mapped to ask about deleting.
    let t = small();
    let o = Options {
        dialect: Dialect::Sqlite,
        param_offset: 0,
        columns: Vec::new(),
    };
    assert_eq!(
        t.sql("lonely", "delete", "lead", &o).map(|s| s.text),
        Ok("0".into())
    );
    assert_eq!(
        t.sql("boss", "delete", "lead", &o).map_err(|e| e.code()),
        Err("unmapped_field")
    );
}
