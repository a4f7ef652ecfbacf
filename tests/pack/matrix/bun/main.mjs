// Bun: import and require of the package, one module instance.
import { createRequire } from "node:module";
import * as accord from "accord";
import { zs9 } from "./zs9.mjs";

const required = createRequire(import.meta.url)("accord");
const r = zs9(accord);
const same = required.AccordError === accord.AccordError;
console.log(JSON.stringify({ ...r, same }));
process.exitCode = r.ok && same ? 0 : 1;
