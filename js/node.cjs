// Node (CommonJS): the very objects of the ESM entry (require() loads ES modules on Node ≥ 20.19
// and ≥ 22.12), so `instanceof AccordError` holds across both. Copied onto `exports` with the
// `__esModule` mark, so `require("accord").default` is `init` as the CommonJS types (accord.d.cts)
// say, and TypeScript's or a bundler's default-import interop finds it there too.
const accord = require("./node.mjs");
Object.assign(exports, accord);
exports.default = accord.default; // spelt out for tools that read exports statically
Object.defineProperty(exports, "__esModule", { value: true });
