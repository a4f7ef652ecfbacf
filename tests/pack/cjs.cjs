const accord = require("accord");
import("./zs9.mjs").then(({ zs9 }) => {
  const r = zs9(accord);
  console.log("node-cjs", JSON.stringify(r));
  process.exitCode = r.ok ? 0 : 1;
});
