import type { Command } from "commander";

/** Runs a command like `lantern <args>` and returns what it printed on stdout. */
export async function run(command: Command, args: string[]): Promise<string> {
  let out = "";
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await command.exitOverride().parseAsync(args, { from: "user" });
  } finally {
    process.stdout.write = write;
  }
  return out;
}

