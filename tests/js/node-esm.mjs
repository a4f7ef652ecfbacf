// The corpus through the package's Node ESM entry. Writes the transcript for cross-runtime checks.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import * as accord from "../../pkg/node.mjs";
import { runCorpus, report } from "./corpus.mjs";

const dir = new URL("../corpus/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), "utf8"))]);
const result = runCorpus(accord, files);
mkdirSync(new URL("../../target/transcripts/", import.meta.url), { recursive: true });
writeFileSync(new URL("../../target/transcripts/node-esm.txt", import.meta.url), result.transcript.join("\n") + "\n");
process.exitCode = report("node-esm", result);
