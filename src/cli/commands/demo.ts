import { Command } from "commander";
import { InputError } from "../errors.js";
import { printJson } from "../output.js";
import type { DemoSection } from "../demo/section.js";
import { tensorsSection } from "../demo/tensors.js";
import { convolutionSection } from "../demo/convolution.js";
import { backpropSection } from "../demo/backprop.js";
import { optimizersSection } from "../demo/optimizers.js";

/** The tour, in the order the notes teach it. Each later capability appends its own section. */
export const DEMO_SECTIONS: readonly DemoSection[] = [tensorsSection, convolutionSection, backpropSection, optimizersSection];

export function demoCommand(): Command {
  return new Command("demo")
    .description("a guided tour of the notes' worked examples, computed live by the library")
    .argument("[sections...]", `sections to run (${DEMO_SECTIONS.map((s) => s.id).join(", ")}); all by default`)
    .option("--json", "print the computed numbers as one JSON document")
    .action((names: string[], opts: { json?: boolean }) => {
      const unknown = names.filter((n) => !DEMO_SECTIONS.some((s) => s.id === n));
      if (unknown.length > 0) {
        throw new InputError(`demo: unknown section "${unknown[0]}" (expected one of ${DEMO_SECTIONS.map((s) => s.id).join(", ")})`);
      }
      const chosen = names.length === 0 ? DEMO_SECTIONS : DEMO_SECTIONS.filter((s) => names.includes(s.id));
      const log = opts.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
      const results: Record<string, unknown> = {};
      chosen.forEach((section, i) => {
        log(`\n== ${i + 1}. ${section.title} ==\n`);
        results[section.id] = section.run(log);
      });
      if (opts.json) printJson(results);
    });
}
