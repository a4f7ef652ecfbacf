// The seeded, deterministic scenario of issue 6, shared by the Node and Chromium benches (and
// ported line for line to benches/native.rs: same PRNG, same draws, same picks).
//
// - One manager tree: user u0 is the root, an admin. Nodes are expanded breadth-first; each
//   expanded node gets 3–7 reports (uniform), down to `maxDepth` (6 for 1,000 users), until
//   the directory holds `users` users. ~3 % of the other users get the no-access role `none`,
//   the rest `limited`.
// - `leads` leads `{ type: "lead", id, ownerId, amount, teamId }` with uniformly random owners,
//   integer amounts 1..100,000 (so every sum is exact in a double) and the team of the owner's
//   top-level branch.
// - `checks` pre-drawn (user, action, lead) triples, actions from view/update/reassign/delete.
// - Picks: `manager` = the depth-3 `limited` user with the largest subtree, `vp` = the depth-1
//   `limited` user with the largest subtree (lowest index on ties).

export const ACTIONS = ["view", "update", "reassign", "delete"];
export const PLAN = "professional";

/** mulberry32: a 32-bit seeded PRNG returning floats in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The manager tree: arrays indexed by user number (user id is `"u" + index`).
 * Returns { n, manager: Int32Array (-1 for the root), depth: Uint8Array, role: string[], size:
 * Int32Array (users in the subtree, self included), top: Int32Array (top-level branch) }.
 */
export function tree(n, maxDepth, seed) {
  const r = rng(seed);
  const int = (k) => Math.floor(r() * k);
  const manager = new Int32Array(n);
  const depth = new Uint8Array(n);
  const role = new Array(n);
  manager[0] = -1;
  role[0] = "admin";
  let count = 1;
  const frontier = [0]; // expanded breadth-first, in order
  let next = 0;
  while (count < n) {
    if (next === frontier.length) throw new Error(`depth ${maxDepth} cannot hold ${n} users`);
    const node = frontier[next++];
    const k = 3 + int(5);
    for (let j = 0; j < k && count < n; j++) {
      const c = count++;
      manager[c] = node;
      depth[c] = depth[node] + 1;
      role[c] = r() < 0.03 ? "none" : "limited";
      if (depth[c] < maxDepth) frontier.push(c);
    }
  }
  // Children always come after their manager, so one backward pass sums subtree sizes and one
  // forward pass finds each user's top-level branch.
  const size = new Int32Array(n).fill(1);
  for (let i = n - 1; i > 0; i--) size[manager[i]] += size[i];
  const top = new Int32Array(n);
  for (let i = 1; i < n; i++) top[i] = depth[i] === 1 ? i : top[manager[i]];
  return { n, manager, depth, role, size, top };
}

/** The accord directory (API.md shape) of a tree. */
export function directory(t) {
  const users = new Array(t.n);
  for (let i = 0; i < t.n; i++) {
    users[i] =
      i === 0
        ? { id: "u0", role: t.role[0] }
        : { id: "u" + i, role: t.role[i], managerId: "u" + t.manager[i] };
  }
  return { plan: PLAN, users };
}

function pick(t, depth) {
  let best = -1;
  for (let i = 0; i < t.n; i++) {
    if (t.depth[i] === depth && t.role[i] === "limited" && (best < 0 || t.size[i] > t.size[best])) best = i;
  }
  return best;
}

/** The whole scenario. Defaults are issue 6's. */
export function scenario({ users = 1000, maxDepth = 6, leads = 100_000, checks = 10_000, seed = 6 } = {}) {
  const t = tree(users, maxDepth, seed);
  const r = rng(seed * 7919 + 1);
  const int = (k) => Math.floor(r() * k);
  const leadList = new Array(leads);
  for (let i = 0; i < leads; i++) {
    const owner = int(users);
    const amount = 1 + int(100_000);
    leadList[i] = { type: "lead", id: "L" + i, ownerId: "u" + owner, amount, teamId: "team" + t.top[owner] };
  }
  const cu = new Array(checks);
  const ca = new Array(checks);
  const cl = new Array(checks);
  for (let i = 0; i < checks; i++) {
    cu[i] = "u" + int(users);
    ca[i] = ACTIONS[int(ACTIONS.length)];
    cl[i] = leadList[int(leads)];
  }
  const manager = pick(t, 3);
  const vp = pick(t, 1);
  return {
    tree: t,
    directory: directory(t),
    leads: leadList,
    checks: { users: cu, actions: ca, leads: cl },
    manager: "u" + manager,
    managerSubtree: t.size[manager],
    vp: "u" + vp,
    vpSubtree: t.size[vp],
    bulk: leadList.slice(0, 10_000),
    bulkTo: "u" + manager,
    roles: count(t.role),
  };
}

function count(list) {
  const out = {};
  for (const x of list) out[x] = (out[x] || 0) + 1;
  return out;
}

/** The large directory used for tenant construction (depth 8 is needed to reach 100,000). */
export function bigDirectory(users = 100_000, seed = 66) {
  return directory(tree(users, 8, seed));
}

/** The no-access role the preset lacks, added as a custom role with no rules (ZS-4 allows
 * custom roles on professional+); everything else is the preset unchanged. */
export function withNoAccessRole(policy) {
  policy.roles.none = { label: "No access (bench)", custom: true, rules: [] };
  return policy;
}
