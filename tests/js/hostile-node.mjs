// Hostile JS input through the Node entry (issue 7).
import * as accord from "../../pkg/node.mjs";
import { runHostile } from "./hostile.mjs";
const r = runHostile(accord);
for (const f of r.failures) console.log(`  FAIL [node] ${f.name}: ${f.why}`);
console.log(`hostile-node: ${r.passed} passed, ${r.failed} failed`);
process.exitCode = r.failed === 0 ? 0 : 1;
