// A route handler on the edge runtime: the package's `edge-light` entry.
import { AccordError, Engine, presets } from "accord"; // named, as users write it (tree-shaking applies)
import { zs9 } from "../../../zs9.mjs";

export const runtime = "edge";
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(zs9({ AccordError, Engine, presets }));
}
