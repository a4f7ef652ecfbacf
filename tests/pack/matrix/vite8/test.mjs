import "./vite-test.mjs";
