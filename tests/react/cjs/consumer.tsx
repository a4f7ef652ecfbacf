// accord/react for a CommonJS TypeScript project (module node16, package type commonjs): the
// .d.cts declarations, through require, with a compiled tenant, a loaded one and a handle.
import accord = require("accord");
import runtime = require("accord/runtime");
import react = require("accord/react");

const t = new accord.Engine(accord.presets.crm()).tenant({ plan: "standard", users: [{ id: "u1", role: "owner" }] });
const loaded = runtime.Tenant.load(t.save());
export const pages = [
  <react.AccordProvider tenant={t} user="u1"><i /></react.AccordProvider>,
  <react.AccordProvider tenant={loaded} user="u1"><i /></react.AccordProvider>,
  <react.AccordProvider user={t.user("u1")}><i /></react.AccordProvider>,
];
export function Row() {
  const d: accord.Decision | null = react.useCheck("view", { type: "lead" });
  return <i>{d?.message}</i>;
}
