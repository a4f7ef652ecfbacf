import * as accord from "accord";
import { zs9 } from "./zs9.mjs";
const r = zs9(accord);
console.log("node-esm", JSON.stringify(r));
process.exitCode = r.ok ? 0 : 1;
