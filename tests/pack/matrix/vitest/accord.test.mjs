// Vitest in a jsdom environment: the package as a component test would import it.
import { test, expect } from "vitest";
import init, * as accord from "accord";
import { zs9 } from "./zs9.mjs";

test("jsdom is the environment", () => {
  expect(typeof window).toBe("object");
  expect(typeof document.createElement).toBe("function");
});

test("decides ZS-9 after init()", async () => {
  await init();
  expect(zs9(accord)).toMatchObject({ ok: true, allowed: 10, denied: 10 });
});
