#!/usr/bin/env node
import { Command } from "commander";
import { reportAndExit } from "./errors.js";
import { demoCommand } from "./commands/demo.js";
import { backend } from "../backend/index.js";

const program = new Command("lantern")
  .description("Lantern: machine learning for TypeScript")
  .option("--verbose", "print stack traces on errors")
  .showHelpAfterError()
  .exitOverride((error) => {
    // commander's own usage errors (unknown option, missing argument) are bad input: exit 2.
    process.exit(error.exitCode === 0 ? 0 : 2);
  });

program.addCommand(demoCommand());
program
  .command("backend")
  .description("print the active compute backend (native or js)")
  .option("--json", "JSON output")
  .action((opts: { json?: boolean }) => {
    if (opts.json) console.log(JSON.stringify({ backend: backend() }));
    else console.log(backend());
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportAndExit(error, process.argv.includes("--verbose"));
}
