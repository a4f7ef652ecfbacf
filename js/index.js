// The "accord" entry, bundled into pkg/accord.js: the API and the presets. The presets are
// re-exported here, not in accord.js, so the runtime entry (runtime.js, bundled from the same
// accord.js) carries no import of them.
export * from "./accord.js";
export { default } from "./accord.js";
export { presets } from "./presets.js";
