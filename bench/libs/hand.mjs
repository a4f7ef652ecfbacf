// Hand-written JS: what an app would write without a library. A tenant is a Map of users and,
// per user, a Set of the ids in its reporting line (self included), built eagerly.
// Full and admin: the four actions on every lead; limited: own + transitive subordinates';
// none: nothing (the roles of the zendesk-sell preset, professional plan).

const ALL = new Set(["view", "update", "reassign", "delete"]);

export class HandTenant {
  constructor(directory) {
    const users = new Map();
    for (const u of directory.users) users.set(u.id, { role: u.role, managerId: u.managerId, line: null });
    // Each user's id goes into the Set of every user above it (and its own).
    for (const [id, u] of users) {
      let at = u;
      let guard = 0;
      while (at) {
        (at.line ??= new Set()).add(id);
        at = at.managerId === undefined ? undefined : users.get(at.managerId);
        if (++guard > users.size) throw new Error("manager cycle");
      }
    }
    this.users = users;
  }

  /** 0: nothing, 1: every lead, 2: the Set of the reporting line. */
  scope(userId, action) {
    const u = this.users.get(userId);
    if (!u || !ALL.has(action) || u.role === "none") return null;
    if (u.role === "admin" || u.role === "full") return true;
    return u.line;
  }

  can(userId, action, lead) {
    const s = this.scope(userId, action);
    return s === true || (s !== null && s.has(lead.ownerId));
  }

  filter(userId, action, leads) {
    const s = this.scope(userId, action);
    if (s === null) return [];
    if (s === true) return leads.slice();
    return leads.filter((l) => s.has(l.ownerId));
  }

  total(userId, leads, field) {
    const s = this.scope(userId, "view");
    let total = 0;
    let count = 0;
    if (s === null) return { total, count };
    for (let i = 0; i < leads.length; i++) {
      const l = leads[i];
      if (s === true || s.has(l.ownerId)) {
        total += l[field] ?? 0;
        count++;
      }
    }
    return { total, count };
  }

  bulk(userId, action, leads) {
    const s = this.scope(userId, action);
    const allowed = [];
    const denied = [];
    for (let i = 0; i < leads.length; i++) {
      const l = leads[i];
      if (s === true || (s !== null && s.has(l.ownerId))) allowed.push(l.id);
      else if (s === null) denied.push({ id: l.id, code: "no_permission", message: `You may not ${action} leads.` });
      else
        denied.push({
          id: l.id,
          code: "out_of_scope",
          message: `Lead ${l.id} belongs to ${l.ownerId}, who is not in your reporting line.`,
        });
    }
    return { allowed, denied };
  }
}

export function hand() {
  return {
    name: "hand-written JS",
    key: "hand",
    tenant: (dir) => new HandTenant(dir),
    checks(t, us, as, ls, out) {
      for (let i = 0; i < out.length; i++) out[i] = t.can(us[i], as[i], ls[i]) ? 1 : 0;
    },
    // What a page keeps for its signed-in user: the scope per action, looked up once.
    user(t, u) {
      const scopes = Object.fromEntries(["view", "update", "reassign", "delete"].map((a) => [a, t.scope(u, a)]));
      return { can: (a, lead) => { const s = scopes[a] ?? null; return s === true || (s !== null && s.has(lead.ownerId)); } };
    },
    userChecks(h, as, ls, out) {
      for (let i = 0; i < out.length; i++) out[i] = h.can(as[i], ls[i]) ? 1 : 0;
    },
    filter: (t, u, a, leads) => t.filter(u, a, leads),
    total: (t, u, leads, f) => t.total(u, leads, f),
    bulk: (t, u, a, leads, to) => t.bulk(u, a, leads, to),
  };
}
