import { spawnSync } from "node:child_process";
import type { SpawnSyncReturns } from "node:child_process";

const MAIN = new URL("./cli-main.js", import.meta.url).pathname;

/** Runs the test CLI entry (summary, conv-calc, classify) in a child process. */
export function runCli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", timeout: 120_000 });
}
