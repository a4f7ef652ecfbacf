// A workerd worker that runs the corpus with the package's workerd entry, on request; then
// through the snapshots the Node run wrote, loaded by "accord/runtime"'s workerd entry.
import * as accord from "./accord/workerd.mjs";
import * as runtime from "./accord-runtime/workerd.mjs";
import { runCorpus, fromSnapshots, withRuntime } from "./corpus.mjs";
import files from "./corpus.json";
import snapshots from "./snapshots.json";

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname !== "/run") return new Response("not found", { status: 404 });
    const result = runCorpus(accord, files);
    const loaded = runCorpus(withRuntime(accord, runtime), files, { tenant: fromSnapshots(runtime, snapshots) });
    return Response.json({ ...result, runtime: loaded });
  },
};
