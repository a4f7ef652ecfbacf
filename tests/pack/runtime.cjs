// accord/runtime from the installed tarball (require): loads a snapshot saved by "accord".
const { Engine, presets } = require("accord");
const { Tenant } = require("accord/runtime");

const acme = new Engine(presets.crm()).tenant({ plan: "standard", users: [{ id: "o", role: "owner" }, { id: "m", role: "member" }] });
const loaded = Tenant.load(acme.save());
const rec = { type: "lead", id: "L1", creatorId: "m" };
const ok = loaded.can("m", "view", rec) === acme.can("m", "view", rec) && loaded.permitted("o", rec).join() === acme.permitted("o", rec).join();
console.log("runtime-cjs", JSON.stringify({ ok }));
process.exitCode = ok ? 0 : 1;
