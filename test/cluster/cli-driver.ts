// The clustering commands behind the same error handling as src/cli/main.ts, so the CLI tests
// do not depend on which commands main.ts registers.
import { Command } from "commander";
import { reportAndExit } from "../../src/cli/errors.js";
import { kmeansCommand } from "../../src/cli/commands/kmeans.js";
import { fcmCommand } from "../../src/cli/commands/fcm.js";
import { hclustCommand } from "../../src/cli/commands/hclust.js";

// Commander's usage errors (unknown option, bad choice) are bad input: exit 2. addCommand does not
// pass exitOverride down to subcommands, so each gets it too.
const usageExit = (error: { exitCode: number }) => process.exit(error.exitCode === 0 ? 0 : 2);
const program = new Command("lantern").option("--verbose", "print stack traces on errors").exitOverride(usageExit);
for (const command of [kmeansCommand(), fcmCommand(), hclustCommand()]) program.addCommand(command.exitOverride(usageExit));
try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportAndExit(error, process.argv.includes("--verbose"));
}
