// @casl/ability 7: one ability per user, built when the tenant is built. Limited users get
// `ownerId: { $in: [self, ...subordinates] }`; full/admin an unconditional rule; none no rule.

const ACTIONS = ["view", "update", "reassign", "delete"];

export function casl({ createMongoAbility }) {
  const options = { detectSubjectType: (o) => o.type };
  function tenant(directory) {
    const byId = new Map();
    for (const u of directory.users) byId.set(u.id, { role: u.role, managerId: u.managerId, line: [] });
    for (const [id, u] of byId) {
      for (let at = u; at; at = at.managerId === undefined ? undefined : byId.get(at.managerId)) at.line.push(id);
    }
    const abilities = new Map();
    for (const [id, u] of byId) {
      let rules;
      if (u.role === "admin" || u.role === "full") rules = [{ action: ACTIONS, subject: "lead" }];
      else if (u.role === "limited") rules = [{ action: ACTIONS, subject: "lead", conditions: { ownerId: { $in: u.line } } }];
      else rules = [];
      abilities.set(id, createMongoAbility(rules, options));
    }
    return abilities;
  }
  const none = createMongoAbility([], options);
  const of = (t, u) => t.get(u) ?? none;
  return {
    name: "@casl/ability",
    key: "casl",
    tenant,
    checks(t, us, as, ls, out) {
      for (let i = 0; i < out.length; i++) out[i] = of(t, us[i]).can(as[i], ls[i]) ? 1 : 0;
    },
    user: (t, u) => of(t, u),
    userChecks(ab, as, ls, out) {
      for (let i = 0; i < out.length; i++) out[i] = ab.can(as[i], ls[i]) ? 1 : 0;
    },
    filter(t, u, a, leads) {
      const ab = of(t, u);
      return leads.filter((l) => ab.can(a, l));
    },
    total(t, u, leads, f) {
      const ab = of(t, u);
      let total = 0;
      let count = 0;
      for (let i = 0; i < leads.length; i++) {
        if (ab.can("view", leads[i])) {
          total += leads[i][f] ?? 0;
          count++;
        }
      }
      return { total, count };
    },
    bulk(t, u, a, leads) {
      const ab = of(t, u);
      const allowed = [];
      const denied = [];
      for (let i = 0; i < leads.length; i++) {
        const l = leads[i];
        if (ab.can(a, l)) allowed.push(l.id);
        else denied.push({ id: l.id, code: "out_of_scope", message: `Lead ${l.id} belongs to ${l.ownerId}, who is not in your reporting line.` });
      }
      return { allowed, denied };
    },
  };
}
