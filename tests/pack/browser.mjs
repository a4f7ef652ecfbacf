import init, * as accord from "accord";
import { zs9 } from "./zs9.mjs";
await init();
window.result = zs9(accord);
