//! One test per seed rule of `SEEDS.md`, named after what it proves: each runs the corpus
//! cases tagged with its ID and requires both an allowed and a denied side. A last test reads
//! `SEEDS.md` (beside the repository, or the committed `tests/SEEDS.ids`) and fails if any ID
//! lacks a test or a side.

use super::corpus::{outcomes, Outcome};
use std::path::Path;

/// Declares the per-seed tests and the table of which test proves which ID.
macro_rules! seed_tests {
    ($($id:literal => $name:ident;)*) => {
        /// (seed ID, test name) for every per-seed test below.
        const TESTED: &[(&str, &str)] = &[$(($id, stringify!($name))),*];
        $(
            #[test]
            fn $name() {
                prove($id, stringify!($name));
            }
        )*
    };
}

/// The cases tagged with `id`.
fn tagged(id: &str) -> Vec<&'static Outcome> {
    outcomes()
        .iter()
        .filter(|o| o.seeds.iter().any(|s| s == id))
        .collect()
}

/// Runs the cases of one seed: all pass, and both sides are there.
fn prove(id: &str, test: &str) {
    let prefix = format!("{}_", id.to_lowercase().replace('-', ""));
    assert!(
        test.starts_with(&prefix),
        "the test {test} must start with {prefix}"
    );
    let cases = tagged(id);
    assert!(!cases.is_empty(), "no corpus case is tagged {id}");
    let failing: Vec<String> = cases
        .iter()
        .filter_map(|o| o.failure.as_ref().map(|f| format!("  {}: {f}", o.name)))
        .collect();
    assert!(
        failing.is_empty(),
        "{id}: failing cases:\n{}",
        failing.join("\n")
    );
    assert!(
        cases.iter().any(|o| o.allowed_side),
        "{id}: no case proves the allowed side"
    );
    assert!(
        cases.iter().any(|o| o.denied_side),
        "{id}: no case proves the denied side"
    );
}

seed_tests! {
    "SE-1" => se1_role_ladder_owners_above_members_above_guests;
    "SE-2" => se2_admin_levels_depend_on_the_plan;
    "SE-3" => se3_sales_admin_granted_by_primary_owner_or_roles_admin;
    "SE-4" => se4_system_roles_add_to_the_main_role;
    "SE-5" => se5_sales_admin_needs_business_plus;
    "SE-6" => se6_sales_tab_only_for_sales_admins;
    "SE-7" => se7_workflows_for_everyone_but_guests;
    "SE-8" => se8_notifications_edit_own_disable_admins;
    "SE-9" => se9_connect_notifications_are_an_admin_switch;
    "SE-10" => se10_setup_needs_crm_and_slack_admin;
    "CS-1" => cs1_owner_sees_every_record;
    "CS-2" => cs2_owner_manages_users;
    "CS-3" => cs3_owner_configures_the_app;
    "CS-4" => cs4_subscriber_is_an_owner;
    "CS-5" => cs5_member_sees_only_what_they_created;
    "CS-6" => cs6_member_cannot_configure;
    "SC-1" => sc1_paid_plans_share_channels_across_orgs;
    "SC-2" => sc2_members_add_colleagues_without_admin;
    "SC-3" => sc3_guests_have_limited_access;
    "SC-4" => sc4_each_side_admin_approves_invites;
    "SC-5" => sc5_channel_names_do_not_change_decisions;
    "SC-6" => sc6_grid_admins_see_and_stop_connected_orgs;
    "SC-7" => sc7_sharing_delegated_by_setting;
    "SC-8" => sc8_dms_stay_open_unless_admin_disables;
    "SC-9" => sc9_standard_plus_admins_manage_connections;
    "SC-10" => sc10_decisions_name_the_other_organisation;
    "SO-1" => so1_one_state_label_at_a_time;
    "SO-2" => so2_onboarding_request_starts_unassigned;
    "SO-3" => so3_pick_up_assigns_and_starts;
    "SO-4" => so4_assignee_works_it_unless_out_of_office;
    "SO-5" => so5_manual_requests_start_the_same_way;
    "SO-6" => so6_completed_is_final_for_sales_ops;
    "SO-7" => so7_seat_details_come_from_the_request;
    "SO-8" => so8_tool_defaults_unless_request_says_otherwise;
    "ZS-1" => zs1_hierarchy_and_custom_roles_on_professional;
    "ZS-2" => zs2_managing_users_needs_admin;
    "ZS-3" => zs3_full_all_records_limited_own;
    "ZS-4" => zs4_custom_roles_on_professional_and_enterprise;
    "ZS-5" => zs5_admin_areas_and_export_setting;
    "ZS-6" => zs6_children_follow_their_parent;
    "ZS-7" => zs7_actions_view_is_read_only;
    "ZS-8" => zs8_buttons_follow_permissions;
    "ZS-9" => zs9_bulk_reassign_is_partial;
    "ZS-10" => zs10_communicate_own_subordinates_or_update;
    "ZS-11" => zs11_report_totals_only_accessible_data;
    "ZS-12" => zs12_reports_follow_the_hierarchy;
}

/// The seed IDs of a `SEEDS.md` text: every list item that starts with `XX-n`.
fn ids_of_seeds_md(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("- "))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter(|w| is_id(w))
        .map(str::to_owned)
        .collect()
}

fn is_id(w: &str) -> bool {
    match w.split_once('-') {
        Some((a, n)) => {
            a.len() == 2
                && a.chars().all(|c| c.is_ascii_uppercase())
                && !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// The IDs committed in `tests/SEEDS.ids` (one per line, `#` comments).
fn committed_ids() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/SEEDS.ids");
    std::fs::read_to_string(path)
        .expect("tests/SEEDS.ids is readable")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The IDs to cover: `../shared/SEEDS.md` when it is there, else `tests/SEEDS.ids`.
fn seed_ids() -> Vec<String> {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/SEEDS.md");
    match std::fs::read_to_string(shared) {
        Ok(text) => {
            let ids = ids_of_seeds_md(&text);
            assert_eq!(
                ids,
                committed_ids(),
                "tests/SEEDS.ids is out of date with ../shared/SEEDS.md"
            );
            ids
        }
        Err(_) => committed_ids(),
    }
}

#[test]
fn seeds_every_id_has_a_test_and_both_sides() {
    let ids = seed_ids();
    assert!(ids.len() >= 46, "expected every seed ID, found {ids:?}");
    let mut missing = Vec::new();
    for id in &ids {
        if !TESTED.iter().any(|(t, _)| t == id) {
            missing.push(format!("{id}: no per-seed test"));
        }
        let cases = tagged(id);
        if !cases.iter().any(|o| o.allowed_side) {
            missing.push(format!("{id}: no allowed-side corpus case"));
        }
        if !cases.iter().any(|o| o.denied_side) {
            missing.push(format!("{id}: no denied-side corpus case"));
        }
    }
    for (id, test) in TESTED {
        if !ids.iter().any(|i| i == id) {
            missing.push(format!("{test}: {id} is not in SEEDS.md"));
        }
    }
    for o in outcomes() {
        for s in &o.seeds {
            if !ids.contains(s) {
                missing.push(format!("{}: unknown seed ID {s}", o.name));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
