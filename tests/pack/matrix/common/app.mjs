// The browser app every bundler case builds: load the package, ask the ZS-9 question.
import init, * as accord from "accord";
import { zs9 } from "./zs9.mjs";

init().then(
  () => {
    window.result = zs9(accord);
  },
  (e) => {
    window.result = { ok: false, error: `${e.name} ${e.code}: ${e.message}` };
  },
);
