// The browser side: loads accord, builds the same tenants as the server, hydrates the server's
// HTML under StrictMode, and records every console error, warning and recoverable error.
import init, { Engine, presets } from "accord";
import { createElement as h } from "react";
import { hydrateRoot } from "react-dom/client";
import { App, createAccordStore, expected, scenario } from "./app.mjs";

const problems = (globalThis.problems = []);
for (const level of ["error", "warn"]) {
  const original = console[level];
  console[level] = (...args) => {
    problems.push(`console.${level}: ${args.map(String).join(" ")}`);
    original.apply(console, args);
  };
}
addEventListener("error", (e) => problems.push(`error: ${e.message}`));

await init(new URL("./accord_wasm_bg.wasm", import.meta.url));
const tenants = scenario({ Engine, presets });
const store = createAccordStore(tenants.pro, "sm");
hydrateRoot(document.getElementById("root"), h(App, { tenants, store }), {
  onRecoverableError: (e) => problems.push(`recoverable: ${e.message}`),
  onCaughtError: (e) => problems.push(`caught: ${e.message}`),
  onUncaughtError: (e) => problems.push(`uncaught: ${e.message}`),
});
// For the driver: switch the store from outside React, and the reference answers.
globalThis.accordTest = {
  setStore: (tenant, user) => store.set(tenants[tenant], user),
  expected: (tenant, user) => expected(tenants[tenant], user),
};
