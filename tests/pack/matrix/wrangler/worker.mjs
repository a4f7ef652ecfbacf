// A Cloudflare worker as users write it: import the package, answer; wrangler does the rest.
import { AccordError, Engine, presets } from "accord"; // named, as users write it (tree-shaking applies)
import { zs9 } from "./zs9.mjs";

export default {
  fetch() {
    return Response.json(zs9({ AccordError, Engine, presets }));
  },
};
