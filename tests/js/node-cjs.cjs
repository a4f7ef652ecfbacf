// The corpus through the package's CommonJS entry (require), same runner; then through the
// snapshots the ESM run wrote (target/snapshots.json), loaded by require'd "accord/runtime".
const { readdirSync, readFileSync, writeFileSync, mkdirSync } = require("node:fs");
const path = require("node:path");
const accord = require("../../pkg/node.cjs");
const runtime = require("../../pkg/runtime/node.cjs");

(async () => {
  const { runCorpus, report, fromSnapshots, withRuntime } = await import("./corpus.mjs");
  const dir = path.join(__dirname, "../corpus");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => [f, JSON.parse(readFileSync(path.join(dir, f), "utf8"))]);
  const target = (name) => path.join(__dirname, "../../target", name);
  const result = runCorpus(accord, files);
  mkdirSync(target("transcripts"), { recursive: true });
  writeFileSync(target("transcripts/node-cjs.txt"), result.transcript.join("\n") + "\n");
  const store = JSON.parse(readFileSync(target("snapshots.json"), "utf8"));
  const loaded = runCorpus(withRuntime(accord, runtime), files, { tenant: fromSnapshots(runtime, store) });
  writeFileSync(target("transcripts/node-cjs-runtime.txt"), loaded.transcript.join("\n") + "\n");
  process.exitCode = report("node-cjs", result) | report("node-cjs snapshots from node-esm (accord/runtime)", loaded);
})();
