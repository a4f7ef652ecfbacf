// The Node bench: `node --expose-gc node.mjs [--quick]` (bench/run.sh does this).
// Exit code 1 when any library disagrees with another on a decision, count or sum.
import { spyWasm } from "./spy.mjs";
const spy = spyWasm(); // before any library is loaded

import { run } from "./harness.mjs";
import { sizes, versions, accordBuild } from "./sizes.mjs";
import { hand } from "./libs/hand.mjs";
import { casl } from "./libs/casl.mjs";
import { cedar } from "./libs/cedar.mjs";
import { accord } from "./libs/accord.mjs";
import os from "node:os";

const quick = process.argv.includes("--quick");
if (typeof globalThis.gc !== "function") console.error("note: run with --expose-gc for steadier figures");

const v = versions();
console.log(
  `# accord bench, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}; ` +
    `@casl/ability ${v.casl}, @cedar-policy/cedar-wasm ${v.cedar}, accord ${v.accord}; ` +
    `load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")} (the machine is shared: compare ratios)`,
);

console.log("# " + (await accordBuild()));

const loaders = [
  { key: "hand", name: "hand-written JS", load: async () => hand() },
  { key: "casl", name: "@casl/ability", load: async () => casl(await import("@casl/ability")) },
  { key: "cedar", name: "cedar-wasm", load: async () => cedar(await import("@cedar-policy/cedar-wasm/nodejs")) },
  { key: "accord", name: "accord", load: async () => accord(await import("accord")) },
];

const s = await sizes();
const result = await run(
  {
    platform: "node",
    now: () => performance.now(),
    gc: typeof globalThis.gc === "function" ? () => globalThis.gc() : () => {},
    heap: () => process.memoryUsage().heapUsed,
    spy,
    print: (line) => console.log(line),
    progress: (line) => console.error(line),
    sizes: s.lines,
    sizeTargets: s.targets,
  },
  loaders,
  quick ? { runs: 3, warmup: 1, cedarSample: { check: 100, filter: 300, bulk: 200, total: 300 } } : {},
);
process.exitCode = result.ok ? 0 : 1;
