// A TypeScript consumer with no DOM lib: loading, a decision, and the error type.
import init, { AccordError, Engine, initSync, presets, type Decision, type WasmSource } from "accord";

export async function ask(bytes?: Uint8Array): Promise<Decision> {
  if (bytes) initSync(bytes);
  else await init();
  const source: WasmSource = "https://example.com/accord_wasm_bg.wasm";
  void source;
  const acme = new Engine(presets["zendesk-sell"]()).tenant({ plan: "professional", users: [{ id: "r1", role: "limited" }] });
  try {
    return acme.check("r1", "view", { type: "lead", id: "L1", ownerId: "r1" });
  } catch (e) {
    if (e instanceof AccordError) throw new Error(`${e.code} at ${e.path}: ${e.message}`);
    throw e;
  }
}
// @ts-expect-error a number is no wasm source
void init(42);
