#!/usr/bin/env node
// Builds the native core (build/Release/lantern_native.node) with node-gyp during `npm install`.
// The native core is an accelerator, not a requirement: if the build fails, say so in one line
// and exit 0, so the install succeeds and Lantern runs on the TypeScript backend.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const verbose = process.argv.includes("--verbose");

function warn(reason) {
  console.warn(`lantern: native core not built (${reason}); using the TypeScript backend`);
  process.exit(0);
}

if (process.env.LANTERN_SKIP_NATIVE_BUILD) warn("LANTERN_SKIP_NATIVE_BUILD is set");

let nodeGyp;
try {
  nodeGyp = require.resolve("node-gyp/bin/node-gyp.js");
} catch {
  warn("node-gyp is not installed");
}

// Offline builds: point node-gyp at the headers that ship with this Node installation, unless
// npm's configuration already names a header directory.
const args = [nodeGyp, "rebuild", "--release", "--jobs=max"];
const bundledHeaders = resolve(dirname(process.execPath), "..");
if (!process.env.npm_config_nodedir && existsSync(join(bundledHeaders, "include", "node", "node_api.h"))) {
  args.push(`--nodedir=${bundledHeaders}`);
}

const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", stdio: verbose ? "inherit" : "pipe" });
if (result.error) warn(result.error.message);
if (result.status !== 0) {
  const lines = `${result.stderr ?? ""}\n${result.stdout ?? ""}`.split("\n").map((l) => l.trim());
  const firstError = lines.find((l) => /error/i.test(l) && !l.startsWith("gyp ERR! stack")) ?? `node-gyp exited with ${result.status}`;
  warn(firstError.replace(/^gyp ERR! /, "").slice(0, 200));
}
