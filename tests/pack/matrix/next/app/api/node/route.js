// A route handler on the Node.js runtime: the package's `node` entry, bundled by Next.js.
import { AccordError, Engine, presets } from "accord"; // named, as users write it (tree-shaking applies)
import { zs9 } from "../../../zs9.mjs";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(zs9({ AccordError, Engine, presets }));
}
