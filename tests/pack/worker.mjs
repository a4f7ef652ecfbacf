import * as accord from "accord";
import { zs9 } from "./zs9.mjs";
export default {
  fetch() {
    return Response.json(zs9(accord));
  },
};
