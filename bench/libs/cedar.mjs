// @cedar-policy/cedar-wasm 4, stateful API: the policy set is preparsed once
// (`preparsePolicySet`); each question passes only the entities it needs: the lead (attribute
// `owner`), the owner and its manager chain up to the root (users' parents = their manager;
// attribute `role` = a Role entity), the principal if it is not in that chain, and the role
// hierarchy (admin in full in limited, as the preset's `inherits`). Roles are an attribute, not
// a parent: a parent role would flow down the manager chain (a report "in" its admin manager
// would be "in" Role::"admin").

export const POLICIES = `
permit (
  principal is User,
  action in [Action::"view", Action::"update", Action::"reassign", Action::"delete"],
  resource is Lead
) when { principal.role in Role::"full" };
permit (
  principal is User,
  action in [Action::"view", Action::"update", Action::"reassign", Action::"delete"],
  resource is Lead
) when { principal.role in Role::"limited" && resource.owner in principal };
`;

const ROLES = [
  { uid: { type: "Role", id: "admin" }, attrs: {}, parents: [{ type: "Role", id: "full" }] },
  { uid: { type: "Role", id: "full" }, attrs: {}, parents: [{ type: "Role", id: "limited" }] },
  { uid: { type: "Role", id: "limited" }, attrs: {}, parents: [] },
  { uid: { type: "Role", id: "none" }, attrs: {}, parents: [] },
];

let psets = 0;

export function cedar(wasm) {
  function tenant(directory) {
    const pset = "bench" + psets++;
    const ok = wasm.preparsePolicySet(pset, { staticPolicies: POLICIES });
    if (ok.type !== "success") throw new Error("cedar: " + JSON.stringify(ok));
    const users = new Map();
    for (const u of directory.users) {
      const parents = u.managerId === undefined ? [] : [{ type: "User", id: u.managerId }];
      const attrs = { role: { __entity: { type: "Role", id: u.role } } };
      users.set(u.id, { entity: { uid: { type: "User", id: u.id }, attrs, parents }, managerId: u.managerId, chain: null });
    }
    // chain = the user's entity then its managers' up to the root, plus the role entities.
    const chainOf = (u) => {
      if (u.chain) return u.chain;
      const up = u.managerId === undefined ? ROLES : chainOf(users.get(u.managerId));
      u.chain = [u.entity, ...up];
      return u.chain;
    };
    for (const u of users.values()) chainOf(u);
    return { pset, users };
  }

  function entities(t, principal, lead) {
    const owner = t.users.get(lead.ownerId);
    const chain = owner ? owner.chain : ROLES;
    const out = chain.slice();
    out.push({ uid: { type: "Lead", id: lead.id }, attrs: { owner: { __entity: { type: "User", id: lead.ownerId } } }, parents: [] });
    const p = t.users.get(principal);
    if (p && !chain.includes(p.entity)) out.push(p.entity);
    return out;
  }

  function can(t, principal, action, lead) {
    const answer = wasm.statefulIsAuthorized({
      principal: { type: "User", id: principal },
      action: { type: "Action", id: action },
      resource: { type: "Lead", id: lead.id },
      context: {},
      preparsedPolicySetId: t.pset,
      entities: entities(t, principal, lead),
    });
    if (answer.type !== "success") throw new Error("cedar: " + JSON.stringify(answer.errors));
    return answer.response.decision === "allow";
  }

  return {
    name: "cedar-wasm",
    key: "cedar",
    sampled: true,
    tenant,
    checks(t, us, as, ls, out) {
      for (let i = 0; i < out.length; i++) out[i] = can(t, us[i], as[i], ls[i]) ? 1 : 0;
    },
    // Cedar has no per-user object: the handle is the tenant and the user id.
    user: (t, u) => ({ t, u }),
    userChecks(h, as, ls, out) {
      for (let i = 0; i < out.length; i++) out[i] = can(h.t, h.u, as[i], ls[i]) ? 1 : 0;
    },
    filter: (t, u, a, leads) => leads.filter((l) => can(t, u, a, l)),
    total(t, u, leads, f) {
      let total = 0;
      let count = 0;
      for (const l of leads) {
        if (can(t, u, "view", l)) {
          total += l[f] ?? 0;
          count++;
        }
      }
      return { total, count };
    },
    bulk(t, u, a, leads) {
      const allowed = [];
      const denied = [];
      for (const l of leads) {
        if (can(t, u, a, l)) allowed.push(l.id);
        else denied.push({ id: l.id, code: "out_of_scope", message: `Lead ${l.id} belongs to ${l.ownerId}, who is not in your reporting line.` });
      }
      return { allowed, denied };
    },
  };
}
