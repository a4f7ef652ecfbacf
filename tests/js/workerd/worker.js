// A workerd worker that runs the corpus with the package's workerd entry, on request.
import * as accord from "./accord/workerd.mjs";
import { runCorpus } from "./corpus.mjs";
import files from "./corpus.json";

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname !== "/run") return new Response("not found", { status: 404 });
    const result = runCorpus(accord, files);
    return Response.json(result);
  },
};
