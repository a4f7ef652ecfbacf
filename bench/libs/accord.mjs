// accord, through its public JS API only (../../shared/API.md): the zendesk-sell preset plus a
// no-access custom role, one Engine, one tenant per directory.
import { withNoAccessRole } from "../scenario.mjs";

export function accord({ Engine, presets }) {
  const engine = new Engine(withNoAccessRole(presets["zendesk-sell"]()));
  return {
    name: "accord",
    key: "accord",
    tenant: (dir) => engine.tenant(dir),
    checks(t, us, as, ls, out) {
      for (let i = 0; i < out.length; i++) out[i] = t.can(us[i], as[i], ls[i]) ? 1 : 0;
    },
    user: (t, u) => t.user(u),
    userChecks(h, as, ls, out) {
      for (let i = 0; i < out.length; i++) out[i] = h.can(as[i], ls[i]) ? 1 : 0;
    },
    filter: (t, u, a, leads) => t.filter(u, a, leads),
    total: (t, u, leads, f) => t.total(u, leads, f),
    bulk: (t, u, a, leads, to) => t.bulk(u, a, leads, { to }),
  };
}
