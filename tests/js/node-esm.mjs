// The corpus through the package's Node ESM entry, then again through snapshots: each tenant
// compiled, saved and loaded by "accord/runtime" (its snapshots kept in target/snapshots.json
// for the other runtimes to load). Writes the transcripts for cross-runtime checks.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import * as accord from "../../pkg/node.mjs";
import * as runtime from "../../pkg/runtime/node.mjs";
import { runCorpus, report, throughSnapshots, withRuntime } from "./corpus.mjs";

const dir = new URL("../corpus/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), "utf8"))]);
const out = (name) => new URL(`../../target/${name}`, import.meta.url);
mkdirSync(out("transcripts/"), { recursive: true });
const result = runCorpus(accord, files);
writeFileSync(out("transcripts/node-esm.txt"), result.transcript.join("\n") + "\n");
const store = {};
const loaded = runCorpus(withRuntime(accord, runtime), files, { tenant: throughSnapshots(runtime, store) });
writeFileSync(out("transcripts/node-esm-runtime.txt"), loaded.transcript.join("\n") + "\n");
writeFileSync(out("snapshots.json"), JSON.stringify(store));
// The full entry loads snapshots too.
const full = runCorpus(accord, files, { tenant: throughSnapshots(accord) });
writeFileSync(out("transcripts/node-esm-load.txt"), full.transcript.join("\n") + "\n");
process.exitCode = report("node-esm", result) | report("node-esm snapshots (accord/runtime)", loaded) | report("node-esm snapshots (accord)", full);
