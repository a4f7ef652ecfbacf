//! Crafted ids do not degrade lookups (issue 7, item 1).
//!
//! Ids come from input; with a hash function an attacker can compute, they can choose ids that
//! all land in one bucket and turn every lookup into a scan. accord hashes ids with SipHash
//! keyed by a per-process secret from `getrandom` (`accord::hasher::Keyed`). This test:
//! 1. crafts ids that collide on the low bits of std's SipHash with zero keys (what
//!    `DefaultHasher::new()` computes: anyone can), and shows with an instrumented
//!    linear-probing table that they pile up under that hash but not under `Keyed`
//!    (probe counts, not times);
//! 2. builds a tenant of 200,000 ids sharing a 256-byte prefix plus the crafted ids, and asks
//!    questions about users found through the id table. It prints the time and asserts only
//!    that everything completes and answers correctly.

use accord::{Engine, Json, Tenant};
use std::collections::hash_map::DefaultHasher;
use std::hash::{BuildHasher, BuildHasherDefault};
use std::sync::Arc;
use std::time::Instant;

/// std's SipHash with zero keys: the hash anyone can compute offline.
type ZeroKeys = BuildHasherDefault<DefaultHasher>;

/// Ids whose zero-key hashes agree on their low `bits` bits.
fn crafted(n: usize, bits: u32) -> Vec<String> {
    let zero = ZeroKeys::default();
    let mask = (1u64 << bits) - 1;
    let target = zero.hash_one("seed") & mask;
    let mut out = Vec::with_capacity(n);
    let mut i: u64 = 0;
    while out.len() < n {
        let id = format!("c{i:x}");
        if zero.hash_one(id.as_str()) & mask == target {
            out.push(id);
        }
        i += 1;
    }
    out
}

/// Total probes to insert `ids` into an open-addressing table of `slots` (a power of two),
/// the layout of `accord::tenant::ids::IdTable`, with the given hasher.
fn probes<H: BuildHasher>(ids: &[String], slots: usize, hasher: &H) -> usize {
    let mask = slots - 1;
    let mut table = vec![false; slots];
    let mut count = 0;
    for id in ids {
        let mut at = hasher.hash_one(id.as_str()) as usize & mask;
        loop {
            count += 1;
            if !table[at] {
                table[at] = true;
                break;
            }
            at = (at + 1) & mask;
        }
    }
    count
}

#[test]
fn crafted_ids_do_not_cluster_under_the_keyed_hasher() {
    let n = 4096;
    let t0 = Instant::now();
    let ids = crafted(n, 12);
    let craft_time = t0.elapsed();
    let slots = (n * 2).next_power_of_two();
    let unkeyed = probes(&ids, slots, &ZeroKeys::default());
    let keyed = probes(&ids, slots, &accord::hasher::Keyed::default());
    println!(
        "colliding ids: {n} ids crafted in {craft_time:?} to share the low 12 bits of zero-key SipHash; \
         probes to insert them into {slots} slots: {unkeyed} with zero keys, {keyed} with accord's keyed hasher"
    );
    // Under zero keys every id lands in one of 2 buckets (slots/4096), so insertion is quadratic.
    assert!(
        unkeyed > n * n / 8,
        "the crafted ids should collide under zero keys: {unkeyed}"
    );
    // Under the keyed hasher they are ordinary ids: about 1.5 probes each at half load.
    assert!(
        keyed < n * 4,
        "keyed hashing should spread crafted ids: {keyed} probes"
    );
}

fn user(id: String, role: &str, manager: Option<&str>) -> Json {
    let mut pairs = vec![
        ("id".to_owned(), Json::Str(id)),
        ("role".to_owned(), Json::Str(role.to_owned())),
    ];
    if let Some(m) = manager {
        pairs.push(("managerId".to_owned(), Json::Str(m.to_owned())));
    }
    Json::Obj(pairs)
}

#[test]
fn a_tenant_of_crafted_ids_builds_and_answers() {
    let prefix = "p".repeat(256);
    let mut ids: Vec<String> = (0..200_000).map(|i| format!("{prefix}{i}")).collect();
    ids.extend(crafted(4096, 12));
    let n = ids.len();
    let users: Vec<Json> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            // A few long reporting lines through the crafted ids, too.
            let manager = (i % 100 != 0).then(|| ids[i - 1].as_str());
            user(id.clone(), "limited", manager)
        })
        .collect();
    let dir = Json::Obj(vec![
        ("plan".to_owned(), Json::Str("professional".to_owned())),
        ("users".to_owned(), Json::Arr(users)),
    ]);
    let engine =
        Arc::new(Engine::from_json(accord::presets::json("zendesk-sell").unwrap()).unwrap());
    let t0 = Instant::now();
    let tenant = Tenant::new(engine, &dir).expect("a directory of crafted ids builds");
    let built = t0.elapsed();
    assert_eq!(tenant.user_count(), n);
    let t1 = Instant::now();
    let mut asked = 0;
    for i in (0..n).step_by(97) {
        let boss = &ids[i - i % 100];
        let lead = Json::Obj(vec![
            ("type".to_owned(), Json::Str("lead".to_owned())),
            ("id".to_owned(), Json::Str("L1".to_owned())),
            ("ownerId".to_owned(), Json::Str(ids[i].clone())),
        ]);
        assert_eq!(tenant.user_index(&ids[i]), Some(i as u32));
        assert!(tenant.can(&ids[i], "update", &lead).unwrap(), "own lead");
        assert!(
            tenant.can(boss, "update", &lead).unwrap(),
            "a subordinate's lead"
        );
        asked += 2;
    }
    println!(
        "colliding ids: tenant of {n} users (200,000 with a 256-byte common prefix, 4,096 crafted) built in {built:?}; \
         {asked} questions in {:?}",
        t1.elapsed()
    );
}
