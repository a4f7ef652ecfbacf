// accord/runtime from the installed tarball (Node ESM): a snapshot saved by "accord" loads in
// the lean entry and answers alike; bad bytes are the runtime's own AccordError.
import { Engine, presets } from "accord";
import { Tenant, AccordError } from "accord/runtime";

const acme = new Engine(presets["zendesk-sell"]()).tenant({ plan: "professional", users: [{ id: "sm", role: "limited" }, { id: "r1", role: "rep", managerId: "sm" }] });
const lead = { type: "lead", id: "L7", ownerId: "sm" };
const loaded = Tenant.load(acme.save());
let code = null;
try {
  Tenant.load(new Uint8Array([1, 2, 3]));
} catch (e) {
  code = e instanceof AccordError ? e.code : String(e);
}
const ok = loaded.can("r1", "view", lead) === true && loaded.check("r1", "reassign", lead).message === acme.check("r1", "reassign", lead).message && code === "invalid_snapshot" && !("Engine" in (await import("accord/runtime")));
console.log("runtime-esm", JSON.stringify({ ok, code }));
process.exitCode = ok ? 0 : 1;
