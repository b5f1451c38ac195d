// ESLint for the officer app's ES modules — dev only, run through npx by `make lint` (the app itself needs no Node,
// and the repository no node_modules). npx installs eslint and globals in a cache of its own, where an import from
// this file cannot find them: they are resolved from the running eslint instead.
import { realpathSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(realpathSync(process.argv[1]));
const js = require("@eslint/js");
const globals = require("globals");

export default [
  js.configs.recommended,
  {
    files: ["static/js/**/*.js", "service_worker/**/*.js"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.browser, ...globals.serviceworker },
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { globals: globals.node },
  },
  {
    // The service worker's text is a template: the server fills in these placeholders before serving it.
    files: ["service_worker/sw.js"],
    languageOptions: { globals: { __PRECACHE__: "readonly", __INTEGRITY__: "readonly", __CONFIG__: "readonly" } },
  },
];
