import * as accord from "accord";
import { accord as acc } from "./libs/accord.mjs";
import { hand } from "./libs/hand.mjs";
import { scenario } from "./scenario.mjs";
const sc = scenario();
const A = acc(accord), H = hand();
const ta = A.tenant(sc.directory), th = H.tenant(sc.directory);
const me = ta.user(sc.manager);
const hu = H.user(th, sc.manager);
const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const rows = {
  bulk: [() => A.bulk(ta, sc.vp, "reassign", sc.bulk, sc.bulkTo), () => H.bulk(th, sc.vp, "reassign", sc.bulk, sc.bulkTo)],
  filter: [() => A.filter(ta, sc.manager, "view", sc.leads), () => H.filter(th, sc.manager, "view", sc.leads)],
  total: [() => A.total(ta, sc.vp, sc.leads, "amount"), () => H.total(th, sc.vp, sc.leads, "amount")],
  check1u: [() => { const o = new Uint8Array(10000); A.userChecks(me, sc.checks.actions, sc.checks.leads, o); }, () => { const o = new Uint8Array(10000); H.userChecks(hu, sc.checks.actions, sc.checks.leads, o); }],
};
for (const [name, [fa, fh]] of Object.entries(rows)) {
  const xa = [], xh = [];
  for (let r = 0; r < 25; r++) {
    for (const [f, xs] of r % 2 ? [[fa, xa], [fh, xh]] : [[fh, xh], [fa, xa]]) {
      globalThis.gc?.();
      const t0 = performance.now(); for (let k = 0; k < 5; k++) f(); xs.push((performance.now() - t0) / 5);
    }
  }
  console.log(name, "accord", med(xa).toFixed(3), "hand", med(xh).toFixed(3), "ratio", (med(xa) / med(xh)).toFixed(2));
}
