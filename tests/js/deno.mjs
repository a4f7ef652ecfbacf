// The corpus through the package's Deno entry; then through the snapshots the Node run wrote
// (target/snapshots.json), loaded by "accord/runtime"'s Deno entry.
import * as accord from "../../pkg/deno.mjs";
import * as runtime from "../../pkg/runtime/deno.mjs";
import { runCorpus, report, fromSnapshots, withRuntime } from "./corpus.mjs";

const dir = new URL("../corpus/", import.meta.url);
const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((f) => f.endsWith(".json")).sort();
const files = names.map((f) => [f, JSON.parse(Deno.readTextFileSync(new URL(f, dir)))]);
const target = (name) => new URL(`../../target/${name}`, import.meta.url);
const result = runCorpus(accord, files);
Deno.mkdirSync(target("transcripts/"), { recursive: true });
Deno.writeTextFileSync(target("transcripts/deno.txt"), result.transcript.join("\n") + "\n");
const store = JSON.parse(Deno.readTextFileSync(target("snapshots.json")));
const loaded = runCorpus(withRuntime(accord, runtime), files, { tenant: fromSnapshots(runtime, store) });
Deno.writeTextFileSync(target("transcripts/deno-runtime.txt"), loaded.transcript.join("\n") + "\n");
Deno.exitCode = report("deno", result) | report("deno snapshots from node (accord/runtime)", loaded);
