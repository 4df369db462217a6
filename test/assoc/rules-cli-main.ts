/**
 * Entry point for the `lantern rules` tests: the command mounted on a program that handles errors
 * the way src/cli/main.ts does, so the tests do not depend on which commands main registers.
 */
import { Command } from "commander";
import { reportAndExit } from "../../src/cli/errors.js";
import { rulesCommand } from "../../src/cli/commands/rules.js";

const program = new Command("lantern")
  .option("--verbose", "print stack traces on errors")
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
program.addCommand(rulesCommand());
try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportAndExit(error, process.argv.includes("--verbose"));
}
