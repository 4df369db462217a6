#!/usr/bin/env node
import { Command } from "commander";
import { reportAndExit } from "./errors.js";
import { demoCommand } from "./commands/demo.js";
import { benchCommand } from "./commands/bench.js";
import { kmeansCommand } from "./commands/kmeans.js";
import { fcmCommand } from "./commands/fcm.js";
import { hclustCommand } from "./commands/hclust.js";
import { pcaCommand } from "./commands/pca.js";
import { svdCommand } from "./commands/svd.js";
import { rulesCommand } from "./commands/rules.js";
import { recommendCommand } from "./commands/recommend.js";
import { trainCommand } from "./commands/train.js";
import { evalCommand } from "./commands/eval.js";
import { experimentCommand } from "./commands/experiment.js";
import { summaryCommand } from "./commands/summary.js";
import { convCalcCommand } from "./commands/conv-calc.js";
import { classifyCommand } from "./commands/classify.js";
import { backend } from "../backend/index.js";

/** commander's own usage errors (unknown option, missing argument, bad choice) are bad input: exit 2. */
function usageExits(command: Command): Command {
  command.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
  command.commands.forEach(usageExits);
  return command;
}

const program = new Command("lantern")
  .description("Lantern: machine learning for TypeScript")
  .option("--verbose", "print stack traces on errors")
  .showHelpAfterError();

for (const command of [
  demoCommand(), summaryCommand(), convCalcCommand(), classifyCommand(), trainCommand(), evalCommand(), experimentCommand(),
  kmeansCommand(), fcmCommand(), hclustCommand(), pcaCommand(), svdCommand(), rulesCommand(), recommendCommand(),
  benchCommand(),
]) {
  program.addCommand(command.showHelpAfterError());
}
program
  .command("backend")
  .description("print the active compute backend (native or js)")
  .option("--json", "JSON output")
  .action((opts: { json?: boolean }) => {
    if (opts.json) console.log(JSON.stringify({ backend: backend() }));
    else console.log(backend());
  });

usageExits(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportAndExit(error, process.argv.includes("--verbose"));
}
