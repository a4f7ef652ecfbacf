// CommonJS for bundlers (`require("accord")` in a browser or worker bundle): the ES module API,
// the same objects, with the `__esModule` mark so default-import interop finds `init`.
const accord = require("./accord.js");
Object.assign(exports, accord);
exports.default = accord.default; // spelt out for tools that read exports statically
Object.defineProperty(exports, "__esModule", { value: true });
