// Node (CommonJS): the same module instance as the ESM entry, so `instanceof AccordError`
// holds across both (needs Node ≥ 20.19 or ≥ 22.12, where require() loads ES modules).
module.exports = require("./node.mjs");
