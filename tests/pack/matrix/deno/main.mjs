// Deno with the package from node_modules: the `deno` entry, no permission flags at all.
import init, * as accord from "accord";
import { zs9 } from "./zs9.mjs";

await init();
const r = zs9(accord);
console.log(JSON.stringify(r));
if (!r.ok) Deno.exit(1);
