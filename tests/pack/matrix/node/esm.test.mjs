// node --test, ESM: the package's `node` import entry, loaded on import.
import { test } from "node:test";
import assert from "node:assert/strict";
import init, * as accord from "accord";
import { zs9 } from "./zs9.mjs";

test("import decides ZS-9", () => {
  const r = zs9(accord);
  assert.equal(r.ok, true, JSON.stringify(r));
});

test("init() resolves at once and is shared", async () => {
  await Promise.all([init(), init(), init()]);
});
