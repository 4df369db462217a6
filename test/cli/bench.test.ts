import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

function lantern(...args: string[]) {
  const run = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

// The suites themselves need bench/node_modules and minutes of CPU; these checks need neither.
test("bench: --help works without the peers installed; an unknown suite is bad input", () => {
  assert.equal(lantern("bench", "--help").code, 0);
  const unknown = lantern("bench", "nosuch");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown suite "nosuch" \(expected one of core/);
});

test("bench --json of a suite that is not implemented yet says so in one JSON document", () => {
  const run = lantern("bench", "train", "--json", "--no-record");
  assert.equal(run.code, 0);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.suite, "train");
  assert.equal(doc.implemented, false);
});
