import { Command } from "commander";
import { convCalc } from "../../analysis/conv-calc.js";
import type { ConvCalcResult, ConvCost, ConvSpec } from "../../analysis/conv-calc.js";
import { InputError } from "../errors.js";
import { formatTable, printJson } from "../output.js";
import { integerFlag } from "../options.js";

interface ConvCalcOptions {
  input: string;
  kernel: string;
  padding: string;
  stride: string;
  dilation: string;
  outChannels: string;
  groups: string;
  bias?: boolean;
  separable?: boolean;
  bottleneck?: string;
  json?: boolean;
}

/** "5" or "1x7" (height x width). */
function pairFlag(flag: string, text: string, min: number): number | [number, number] {
  const parts = text.toLowerCase().split("x");
  if (parts.length === 1) return integerFlag(flag, parts[0], min);
  if (parts.length === 2) return [integerFlag(flag, parts[0], min), integerFlag(flag, parts[1], min)];
  throw new InputError(`${flag}: expected N or HxW, got "${text}"`);
}

/** "HxW" or "HxWxC". */
function parseInput(text: string): { height: number; width: number; channels: number } {
  const parts = text.toLowerCase().split("x");
  if (parts.length !== 2 && parts.length !== 3) throw new InputError(`--input: expected HxW or HxWxC (e.g. 28x28x192), got "${text}"`);
  const [height, width, channels = 1] = parts.map((p) => integerFlag("--input", p, 1));
  return { height, width, channels };
}

const grouped = (n: number) => n.toLocaleString("en-US");
const shape = ([h, w, c]: readonly number[]) => `${h}x${w}x${c}`;

/** The layer preceded by a 1x1 convolution to `channels` channels, and the pair's totals. */
interface BottleneckCost {
  channels: number;
  first: ConvCost;
  second: ConvCost;
  params: number;
  macs: number;
  flops: number;
}

function costRow(label: string, output: readonly number[], c: { params: number; macs: number; flops: number }): string[] {
  return [label, shape(output), grouped(c.params), grouped(c.macs), grouped(c.flops)];
}

function printResult(spec: ConvSpec, result: ConvCalcResult, bottleneck: BottleneckCost | null): void {
  const [kh, kw] = typeof spec.kernel === "number" ? [spec.kernel, spec.kernel] : spec.kernel;
  console.log(`input ${shape(result.input)}, kernel ${kh}x${kw}, padding ${spec.padding}, stride ${spec.stride}, dilation ${spec.dilation}, groups ${spec.groups}${spec.bias ? ", bias" : ""}`);
  console.log("output size: floor((M + 2P - D(K - 1) - 1) / S) + 1 per side\n");
  const rows = [costRow("standard", result.output, result)];
  if (result.separable) {
    const s = result.separable;
    rows.push(costRow("  depthwise", s.depthwise.output, s.depthwise), costRow("  pointwise 1x1", s.pointwise.output, s.pointwise), costRow("separable total", s.pointwise.output, s));
  }
  if (bottleneck) {
    const { first, second } = bottleneck;
    rows.push(costRow(`  1x1 to ${bottleneck.channels}`, first.output, first), costRow("  then the conv", second.output, second), costRow("bottleneck total", second.output, bottleneck));
  }
  console.log(formatTable(["layer", "output", "params", "MACs (multiplications)", "FLOPs"], rows));
  if (result.separable) {
    console.log(`\nseparable / standard: ${(result.separable.paramsRatio * 100).toFixed(1)}% of the parameters, ${(result.separable.macsRatio * 100).toFixed(1)}% of the multiplications`);
  }
}

export function convCalcCommand(): Command {
  return new Command("conv-calc")
    .description("output size, parameters and multiply-accumulates of one convolution layer")
    .requiredOption("--input <HxW[xC]>", "input height x width (x channels, default 1)")
    .requiredOption("--kernel <K>", "kernel size K or KhxKw")
    .option("--padding <P>", "zeros added on each side (P or PhxPw)", "0")
    .option("--stride <S>", "stride (S or ShxSw)", "1")
    .option("--dilation <D>", "dilation (D or DhxDw)", "1")
    .option("--out-channels <N>", "number of filters", "1")
    .option("--groups <G>", "grouped convolution (G = channels is depthwise)", "1")
    .option("--bias", "count one bias per filter")
    .option("--separable", "compare with the depthwise-separable replacement (depthwise KxK + pointwise 1x1)")
    .option("--bottleneck <N>", "compare with a 1x1 convolution to N channels first (Inception's bottleneck)")
    .option("--json", "print the result as one JSON document")
    .action((opts: ConvCalcOptions) => {
      const spec: ConvSpec = {
        ...parseInput(opts.input),
        kernel: pairFlag("--kernel", opts.kernel, 1),
        padding: pairFlag("--padding", opts.padding, 0),
        stride: pairFlag("--stride", opts.stride, 1),
        dilation: pairFlag("--dilation", opts.dilation, 1),
        outChannels: integerFlag("--out-channels", opts.outChannels, 1),
        groups: integerFlag("--groups", opts.groups, 1),
        bias: opts.bias ?? false,
      };
      const run = <T>(f: () => T): T => {
        try {
          return f();
        } catch (error) {
          if (error instanceof RangeError) throw new InputError(error.message);
          throw error;
        }
      };
      const result = run(() => convCalc(spec, { separable: opts.separable }));
      let bottleneck: BottleneckCost | null = null;
      if (opts.bottleneck !== undefined) {
        const channels = integerFlag("--bottleneck", opts.bottleneck, 1);
        const first = run(() => convCalc({ height: spec.height, width: spec.width, channels: spec.channels, kernel: 1, outChannels: channels, bias: spec.bias }));
        const second = run(() => convCalc({ ...spec, channels, groups: 1 }));
        bottleneck = { channels, first, second, params: first.params + second.params, macs: first.macs + second.macs, flops: first.flops + second.flops };
      }
      if (opts.json) printJson({ ...spec, ...result, ...(bottleneck ? { bottleneck } : {}) });
      else printResult(spec, result, bottleneck);
    });
}
