// The corpus through the package's Deno entry.
import * as accord from "../../pkg/deno.mjs";
import { runCorpus, report } from "./corpus.mjs";

const dir = new URL("../corpus/", import.meta.url);
const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((f) => f.endsWith(".json")).sort();
const files = names.map((f) => [f, JSON.parse(Deno.readTextFileSync(new URL(f, dir)))]);
const result = runCorpus(accord, files);
Deno.mkdirSync(new URL("../../target/transcripts/", import.meta.url), { recursive: true });
Deno.writeTextFileSync(new URL("../../target/transcripts/deno.txt", import.meta.url), result.transcript.join("\n") + "\n");
Deno.exitCode = report("deno", result);
