/**
 * Entry point for the `lantern summary`, `conv-calc` and `classify` tests: the commands mounted on
 * a program that handles errors the way src/cli/main.ts does (usage errors exit 2 on every
 * subcommand), so the tests do not depend on which commands main registers.
 */
import { Command } from "commander";
import { reportAndExit } from "../../src/cli/errors.js";
import { summaryCommand } from "../../src/cli/commands/summary.js";
import { convCalcCommand } from "../../src/cli/commands/conv-calc.js";
import { classifyCommand } from "../../src/cli/commands/classify.js";

function usageExits(command: Command): Command {
  command.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
  command.commands.forEach(usageExits);
  return command;
}

const program = new Command("lantern").option("--verbose", "print stack traces on errors");
for (const command of [summaryCommand(), convCalcCommand(), classifyCommand()]) program.addCommand(command);
usageExits(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportAndExit(error, process.argv.includes("--verbose"));
}
