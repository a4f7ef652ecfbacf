// accord/runtime: loads snapshots written by `tenant.save()` and answers; no policy compiler.
// In pkg/ this file is runtime/accord.d.ts and imports "../accord.js" (.ci/build-pkg rewrites it).
export { Tenant, UserHandle, AccordError, default, initSync } from "./accord.js";
export type { AccordRecord, BulkResult, Decision, Denial, ErrorDetail, GroupTotal, Labelled, Plan, PlanPredicate, Policy, PolicyDescription, ReasonCode, TotalResult, WasmBytes, WasmModule, WasmResponse, WasmSource } from "./accord.js";
