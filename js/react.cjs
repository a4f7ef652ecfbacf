"use client";
// accord/react for require(): the very module that `import` loads (require() loads ES modules on
// Node >= 20.19 and >= 22.12, and bundlers resolve it alike), so a page that reaches accord/react
// both ways still has one React context, one provider for every hook.
const react = require("./react.mjs");
Object.assign(exports, react);
Object.defineProperty(exports, "__esModule", { value: true });
