// accord/runtime alone, as a page that never edits a policy imports it: its own wasm module
// (the test checks which file was fetched), answering through Tenant.load.
import init, { AccordError, Tenant } from "accord/runtime";

init().then(
  () => {
    let code = null;
    try {
      Tenant.load(new Uint8Array(16));
    } catch (e) {
      code = e instanceof AccordError ? e.code : String(e);
    }
    window.result = { ok: code === "invalid_snapshot", code };
  },
  (e) => {
    window.result = { ok: false, error: `${e.name} ${e.code}: ${e.message}` };
  },
);
