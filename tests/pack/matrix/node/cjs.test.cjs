// node --test, CommonJS: require("accord") gives the very objects of the ESM entry.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const accord = require("accord");

test("require decides ZS-9", async () => {
  const { zs9 } = await import("./zs9.mjs");
  const r = zs9(accord);
  assert.equal(r.ok, true, JSON.stringify(r));
});

test("one module instance for require and import", async () => {
  const esm = await import("accord");
  assert.equal(accord.AccordError, esm.AccordError);
  assert.equal(accord.Engine, esm.Engine);
  assert.equal(accord.default, esm.default);
});
