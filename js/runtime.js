// accord/runtime: the lean entry. Loads tenant snapshots (`Tenant.load(bytes)`, written by
// `tenant.save()` with the full entry) and answers, with a wasm module built without the
// policy reader, validator and compilers (`--no-default-features`). The same API module as
// "accord", bundled into pkg/runtime/ beside that module: nothing here but what it exports.
export { Tenant, AccordError, default, initSync } from "./accord.js";
