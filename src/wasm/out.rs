//! The binding's own answer shapes as JSON text (see [`crate::json::write`]): the same bytes as
//! their serde derives wrote through serde_json.

use super::tenant::{BulkOut, Denied};
use super::{ErrorOut, ErrorsOut, Schema, TypeOut};
use crate::json::write::json_object;

json_object!(ErrorOut<'_> { "code" => code, "message" => message, "path" => path });
json_object!(ErrorsOut<'_> {
    "code" => code, "message" => message, "path" => path, "errors" => errors
});
json_object!(TypeOut<'_> {
    "name" => name, "child" => child, "parents" => parents, "recordActions" => record_actions
});
json_object!(Schema<'_> {
    "name" => name,
    "plans" => plans,
    "types" => types,
    "actions" => actions,
    "fields" => fields,
    "readsOrgs" => reads_orgs,
    "warnings" => warnings,
});
json_object!(Denied<'_> { "i" => i, "code" => code, "message" => message });
json_object!(BulkOut<'_> { "allowed" => allowed, "denied" => denied });
