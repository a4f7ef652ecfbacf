// accord/runtime from the installed tarball (Node ESM): a snapshot saved by "accord" loads in
// the lean entry and answers alike; bad bytes are the runtime's own AccordError, and an
// AccordError to the full entry's class too (two bundles, one error type).
import { Engine, presets, AccordError as FullError } from "accord";
import { Tenant, AccordError } from "accord/runtime";

const acme = new Engine(presets["zendesk-sell"]()).tenant({ plan: "professional", users: [{ id: "sm", role: "limited" }, { id: "r1", role: "rep", managerId: "sm" }] });
const lead = { type: "lead", id: "L7", ownerId: "sm" };
const bytes = acme.save();
const loaded = Tenant.load(bytes);
// The lean entry has no snapshot writer: a loaded tenant saves to the bytes it was loaded from.
const again = loaded.save();
const resaved = again instanceof Uint8Array && again.length === bytes.length && again.every((b, i) => b === bytes[i]) && Tenant.load(again).can("r1", "view", lead) === true;
let code = null;
let shared = false;
try {
  Tenant.load(new Uint8Array([1, 2, 3]));
} catch (e) {
  code = e instanceof AccordError ? e.code : String(e);
  shared = e instanceof FullError && e instanceof Error && !(new Error("x") instanceof FullError) && !({ code: "x" } instanceof AccordError);
}
try {
  new Engine({});
} catch (e) {
  shared &&= e instanceof AccordError;
}
const ok = loaded.can("r1", "view", lead) === true && loaded.check("r1", "reassign", lead).message === acme.check("r1", "reassign", lead).message && code === "invalid_snapshot" && shared && resaved && !("Engine" in (await import("accord/runtime")));
console.log("runtime-esm", JSON.stringify({ ok, code, shared, resaved }));
process.exitCode = ok ? 0 : 1;
