// The corpus through the package's CommonJS entry (require), same runner.
const { readdirSync, readFileSync, writeFileSync, mkdirSync } = require("node:fs");
const path = require("node:path");
const accord = require("../../pkg/node.cjs");

(async () => {
  const { runCorpus, report } = await import("./corpus.mjs");
  const dir = path.join(__dirname, "../corpus");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => [f, JSON.parse(readFileSync(path.join(dir, f), "utf8"))]);
  const result = runCorpus(accord, files);
  mkdirSync(path.join(__dirname, "../../target/transcripts"), { recursive: true });
  writeFileSync(path.join(__dirname, "../../target/transcripts/node-cjs.txt"), result.transcript.join("\n") + "\n");
  process.exitCode = report("node-cjs", result);
})();
