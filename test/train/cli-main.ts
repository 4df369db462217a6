/**
 * Entry point for the train/eval/experiment CLI tests: the commands mounted on a program that
 * handles errors the way src/cli/main.ts does, so the tests do not depend on which commands main registers.
 */
import { Command } from "commander";
import { reportAndExit } from "../../src/cli/errors.js";
import { trainCommand } from "../../src/cli/commands/train.js";
import { evalCommand } from "../../src/cli/commands/eval.js";
import { experimentCommand } from "../../src/cli/commands/experiment.js";

const program = new Command("lantern")
  .option("--verbose", "print stack traces on errors")
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
program.addCommand(trainCommand());
program.addCommand(evalCommand());
program.addCommand(experimentCommand());
try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportAndExit(error, process.argv.includes("--verbose"));
}
