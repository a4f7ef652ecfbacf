// The ZS-9 question every packaging consumer asks: a rep who may view every lead their manager
// may view, but reassign only their own and their subordinates', bulk-reassigns 20 leads.
export function zs9(accord) {
  const { Engine, presets, AccordError } = accord;
  const engine = new Engine(presets["zendesk-sell"]());
  const acme = engine.tenant({
    plan: "professional",
    users: [
      { id: "sm", role: "limited" },
      { id: "r1", role: "rep", managerId: "sm" },
      { id: "r2", role: "rep", managerId: "sm" },
      { id: "r3", role: "rep", managerId: "r1" },
    ],
  });
  const owners = ["r1", "r3", "sm", "r2"];
  const leads = Array.from({ length: 20 }, (_, i) => ({ type: "lead", id: `L${i + 1}`, ownerId: owners[i % 4], amount: 100 }));
  const visible = acme.filter("r1", "view", leads).length;
  const res = acme.bulk("r1", "reassign", leads, { to: "r3" });
  let typed = false;
  try {
    acme.can("r1", "fly", leads[0]);
  } catch (e) {
    typed = e instanceof AccordError && e instanceof Error && e.code === "unknown_action";
  }
  const ok = res.allowed.length === 10 && res.denied.length === 10 && visible === 20 && typed && res.denied.every((d) => d.code === "out_of_scope");
  return { ok, allowed: res.allowed.length, denied: res.denied.length, visible, typed, sample: res.denied[0] };
}
