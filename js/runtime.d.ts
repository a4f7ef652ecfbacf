// accord/runtime: loads snapshots written by `tenant.save()` and answers; no policy compiler.
// In pkg/ this file is runtime/accord.d.ts and imports "../accord.js" (.ci/build-pkg rewrites it).
export { Tenant, UserHandle, AccordError, default, initSync } from "./accord.js";
export type { AccordRecord, ActionOf, BulkResult, Decision, Denial, Directory, ErrorDetail, GroupTotal, Labelled, Plan, PlanField, PlanName, PlanPredicate, Policy, PolicyDescription, Reason, ReasonCode, RecordOf, SqlColumn, SqlOptions, SqlParam, SqlResult, TotalResult, TypeName, User, WasmBytes, WasmModule, WasmResponse, WasmSource, WhatIf } from "./accord.js";
