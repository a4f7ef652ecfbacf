//! The shared corpus through the wasm binding (`src/wasm/`), compiled to wasm32 and run by
//! wasm-bindgen-test in Node and in headless Chromium (`WASM_BINDGEN_USE_BROWSER=1`).
//! Natively, one test checks that the list of corpus files below is complete.

#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

/// Every corpus file, embedded: wasm tests cannot read the file system.
const CORPUS: &[(&str, &str)] = &[
    ("cs.json", include_str!("corpus/cs.json")),
    ("deny.json", include_str!("corpus/deny.json")),
    ("errors.json", include_str!("corpus/errors.json")),
    ("sc.json", include_str!("corpus/sc.json")),
    ("se.json", include_str!("corpus/se.json")),
    ("so-tools.json", include_str!("corpus/so-tools.json")),
    ("so.json", include_str!("corpus/so.json")),
    ("words-plain.json", include_str!("corpus/words-plain.json")),
    ("words.json", include_str!("corpus/words.json")),
    ("zs.json", include_str!("corpus/zs.json")),
];

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn wasm_corpus_list_is_complete() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = CORPUS.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        on_disk, listed,
        "add every tests/corpus/*.json file to CORPUS in tests/wasm.rs"
    );
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::CORPUS;
    use accord::wasm::{RawEngine, RawTenant};
    use accord::Json;
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::*;

    fn err_of(e: JsValue) -> Json {
        Json::parse(&e.as_string().unwrap_or_default()).unwrap_or(Json::Null)
    }

    fn text(j: &Json) -> String {
        to_text(j)
    }

    fn to_text(j: &Json) -> String {
        match j {
            Json::Null => "null".into(),
            Json::Bool(b) => b.to_string(),
            Json::Num(n) => serde_json::to_string(n).unwrap(),
            Json::Str(s) => serde_json::to_string(s).unwrap(),
            Json::Arr(items) => format!(
                "[{}]",
                items.iter().map(to_text).collect::<Vec<_>>().join(",")
            ),
            Json::Obj(pairs) => format!(
                "{{{}}}",
                pairs
                    .iter()
                    .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap(), to_text(v)))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }

    fn same(a: &Json, b: &Json) -> bool {
        match (a, b) {
            (Json::Obj(x), Json::Obj(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .all(|(k, v)| b.get(k).map(|w| same(v, w)).unwrap_or(false))
            }
            (Json::Arr(x), Json::Arr(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
            }
            _ => a == b,
        }
    }

    /// A case's what-if plan, if it names one.
    fn plan(c: &Json) -> Option<String> {
        c.get("plan").and_then(Json::as_str).map(String::from)
    }

    fn s<'a>(c: &'a Json, k: &str) -> &'a str {
        c.get(k).and_then(Json::as_str).unwrap_or("")
    }

    fn records(file: &Json, c: &Json) -> Json {
        match c.get("records") {
            Some(Json::Str(name)) => file
                .get("records")
                .and_then(|r| r.get(name))
                .cloned()
                .unwrap_or(Json::Null),
            Some(v) => v.clone(),
            None => Json::Null,
        }
    }

    fn ids_of(recs: &Json, idx: &[usize]) -> Json {
        let Json::Arr(items) = recs else {
            return Json::Null;
        };
        Json::Arr(
            idx.iter()
                .map(|&i| items[i].get("id").cloned().unwrap_or(Json::Null))
                .collect(),
        )
    }

    /// Asks one case's question through the binding; `Err` is the error object.
    fn ask(t: &RawTenant, file: &Json, c: &Json) -> Result<Json, Json> {
        let res = |r: Result<String, JsValue>| r.map(|s| Json::parse(&s).unwrap()).map_err(err_of);
        let resource = c.get("resource").map(text).unwrap_or_default();
        match s(c, "call") {
            "can" => t
                .can_json(s(c, "user"), s(c, "action"), &resource, false)
                .map(Json::Bool)
                .map_err(err_of),
            "check" => res(t.check_json(s(c, "user"), s(c, "action"), &resource, plan(c))),
            "permitted" => res(t.permitted_json(s(c, "user"), &resource, plan(c))),
            // The binding lists them in directory order; JavaScript sorts (as `String`s sort
            // by UTF-16 units).
            "who" => res(t.who_json(s(c, "action"), &resource)).map(|list| match list {
                Json::Arr(mut ids) => {
                    ids.sort_by(|a, b| {
                        let key =
                            |j: &Json| j.as_str().unwrap_or("").encode_utf16().collect::<Vec<_>>();
                        key(a).cmp(&key(b))
                    });
                    Json::Arr(ids)
                }
                other => other,
            }),
            // The binding answers batches through plans in JavaScript; here, record by record
            // through the exact path, as JavaScript does for records a plan cannot judge.
            "filter" => {
                let recs = records(file, c);
                let idx = allowed_each(t, s(c, "user"), s(c, "action"), &recs)?;
                Ok(ids_of(&recs, &idx))
            }
            "total" => total(
                t,
                s(c, "user"),
                &records(file, c),
                s(c, "field"),
                c.get("groupBy").and_then(Json::as_str),
            ),
            "bulk" => {
                let recs = records(file, c);
                let out = res(t.bulk_json(
                    s(c, "user"),
                    s(c, "action"),
                    &text(&recs),
                    c.get("to").and_then(Json::as_str).map(String::from),
                ))?;
                let allowed: Vec<usize> = match out.get("allowed") {
                    Some(Json::Arr(a)) => a
                        .iter()
                        .map(|v| if let Json::Num(n) = v { *n as usize } else { 0 })
                        .collect(),
                    _ => vec![],
                };
                let denied = match out.get("denied") {
                    Some(Json::Arr(d)) => d
                        .iter()
                        .map(|x| {
                            let i = if let Some(Json::Num(n)) = x.get("i") {
                                *n as usize
                            } else {
                                0
                            };
                            let id = ids_of(&recs, &[i]);
                            let id = if let Json::Arr(mut v) = id {
                                v.remove(0)
                            } else {
                                Json::Null
                            };
                            Json::Obj(vec![
                                ("id".into(), id),
                                ("code".into(), x.get("code").cloned().unwrap()),
                                ("message".into(), x.get("message").cloned().unwrap()),
                            ])
                        })
                        .collect(),
                    _ => vec![],
                };
                Ok(Json::Obj(vec![
                    ("allowed".into(), ids_of(&recs, &allowed)),
                    ("denied".into(), Json::Arr(denied)),
                ]))
            }
            "tenant" => Ok(Json::Str("built".into())),
            other => panic!("unknown call {other}"),
        }
    }

    /// Indices of the records `can_json` allows, or the first error (its path under `/i`).
    fn allowed_each(
        t: &RawTenant,
        user: &str,
        action: &str,
        recs: &Json,
    ) -> Result<Vec<usize>, Json> {
        let Json::Arr(items) = recs else {
            return Ok(vec![]);
        };
        if items.is_empty() {
            // As js/user.js does: an empty list still names an action the policy does not
            // declare (each record names one its type does not).
            let schema = Json::parse(&t.schema()).unwrap();
            let declared = matches!(schema.get("actions"), Some(Json::Arr(all))
                if all.iter().any(|a| a.as_str() == Some(action)));
            if !declared {
                return Err(Json::parse(r#"{"code":"unknown_action","path":""}"#).unwrap());
            }
        }
        let mut out = Vec::new();
        for (i, r) in items.iter().enumerate() {
            match t.can_json(user, action, &text(r), true) {
                Ok(true) => out.push(i),
                Ok(false) => {}
                Err(e) => {
                    let mut e = err_of(e);
                    if let Json::Obj(pairs) = &mut e {
                        for (k, v) in pairs.iter_mut() {
                            if let (true, Json::Str(p)) = (k == "path", &mut *v) {
                                *p = format!("/{i}{p}");
                            }
                        }
                    }
                    return Err(e);
                }
            }
        }
        Ok(out)
    }

    /// `total` over what `can_json` lets the user view, as the JavaScript handle sums it.
    fn total(
        t: &RawTenant,
        user: &str,
        recs: &Json,
        field: &str,
        group_by: Option<&str>,
    ) -> Result<Json, Json> {
        let idx = allowed_each(t, user, "view", recs)?;
        let Json::Arr(items) = recs else {
            return Ok(Json::Null);
        };
        let (mut total, mut count) = (0.0f64, 0.0f64);
        let mut groups: Vec<(String, (f64, f64))> = Vec::new();
        for i in idx {
            let amount = match items[i].get(field) {
                None | Some(Json::Null) => 0.0,
                Some(Json::Num(n)) => *n,
                Some(_) => {
                    return Err(Json::parse(&format!(
                        "{{\"code\":\"invalid_number\",\"path\":\"/{i}/{field}\"}}"
                    ))
                    .unwrap())
                }
            };
            total += amount;
            count += 1.0;
            if let Some(g) = group_by {
                let key = accord::answer::batch::group_key(items[i].get(g));
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, (t, c))) => {
                        *t += amount;
                        *c += 1.0;
                    }
                    None => groups.push((key, (amount, 1.0))),
                }
            }
        }
        let mut out = vec![
            ("total".to_owned(), Json::Num(total)),
            ("count".to_owned(), Json::Num(count)),
        ];
        if group_by.is_some() {
            let g = groups
                .into_iter()
                .map(|(k, (t, c))| {
                    (
                        k,
                        Json::Obj(vec![
                            ("total".into(), Json::Num(t)),
                            ("count".into(), Json::Num(c)),
                        ]),
                    )
                })
                .collect();
            out.push(("groups".to_owned(), Json::Obj(g)));
        }
        Ok(Json::Obj(out))
    }

    fn judge(c: &Json, got: Result<Json, Json>) -> Option<String> {
        if let Some(want) = c.get("expectError") {
            return match got {
                Ok(v) => Some(format!("expected error, got {}", text(&v))),
                Err(e) if e.get("code") != want.get("code") => {
                    Some(format!("expected {}, got {}", text(want), text(&e)))
                }
                Err(e) if want.get("path").is_some() && e.get("path") != want.get("path") => {
                    Some(format!("expected {}, got {}", text(want), text(&e)))
                }
                Err(_) => None,
            };
        }
        let got = match got {
            Ok(v) => v,
            Err(e) => return Some(format!("unexpected error {}", text(&e))),
        };
        let want = c.get("expect").cloned().unwrap_or(Json::Null);
        match (s(c, "call"), &want) {
            ("check", Json::Obj(pairs)) => pairs.iter().find_map(|(k, v)| {
                let ok = if k == "upgradeTo" && *v == Json::Null {
                    got.get(k).is_none()
                } else {
                    got.get(k).map(|g| same(g, v)).unwrap_or(false)
                };
                (!ok).then(|| format!("{k}: expected {}, got {}", text(v), text(&got)))
            }),
            ("bulk", _) => {
                if !same(
                    &got.get("allowed").cloned().unwrap_or(Json::Null),
                    &want.get("allowed").cloned().unwrap_or(Json::Null),
                ) {
                    return Some(format!("allowed differs: {}", text(&got)));
                }
                let (Some(Json::Arr(g)), Some(Json::Arr(w))) =
                    (got.get("denied"), want.get("denied"))
                else {
                    return Some("denied missing".into());
                };
                if g.len() != w.len() {
                    return Some(format!("denied: expected {}, got {}", w.len(), g.len()));
                }
                g.iter().zip(w).find_map(|(g, w)| {
                    let Json::Obj(pairs) = w else { return None };
                    pairs
                        .iter()
                        .find(|(k, v)| g.get(k) != Some(v))
                        .map(|(k, _)| format!("denied {k} differs: {}", text(g)))
                })
            }
            _ => (!same(&got, &want))
                .then(|| format!("expected {}, got {}", text(&want), text(&got))),
        }
    }

    #[wasm_bindgen_test]
    fn corpus_through_the_wasm_binding() {
        let mut passed = 0;
        let mut failures = Vec::new();
        for (name, body) in CORPUS {
            let file = Json::parse(body).unwrap();
            let policy = match file.get("preset").and_then(Json::as_str) {
                Some(p) => accord::presets::json(p).unwrap().to_owned(),
                None => text(file.get("policy").unwrap()),
            };
            let engine = RawEngine::new(&policy).unwrap();
            let Some(Json::Arr(cases)) = file.get("cases") else {
                continue;
            };
            for c in cases {
                let dir = c
                    .get("directory")
                    .or(file.get("directory"))
                    .map(text)
                    .unwrap_or_default();
                let got = if s(c, "call") == "describe" {
                    Ok(Json::parse(&engine.describe_json()).unwrap())
                } else {
                    engine
                        .tenant(&dir)
                        .map_err(err_of)
                        .and_then(|t| ask(&t, &file, c))
                };
                match judge(c, got) {
                    None => passed += 1,
                    Some(why) => failures.push(format!("{name} {}: {why}", s(c, "name"))),
                }
            }
        }
        wasm_bindgen_test::console_log!("wasm corpus: {passed} passed, {} failed", failures.len());
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(passed > 100, "the corpus ran only {passed} cases");
    }
}
