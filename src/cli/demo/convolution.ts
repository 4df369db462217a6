import * as lt from "../../index.js";
import type { DemoSection } from "./section.js";

/**
 * The notes' vertical-edge example: a 6x6 image, bright left half and dark right half, convolved
 * with the 3x3 vertical-edge filter [[1,0,-1]]x3 gives a 4x4 map whose middle columns are 30.
 * Computed once by sliding the filter by hand and once with lt.F.conv2d.
 */
export const convolutionSection: DemoSection = {
  id: "convolution",
  title: "Convolution by hand vs lt.F.conv2d (the notes' vertical edge detector)",
  run(log) {
    const image = lt.tensor(Array.from({ length: 6 }, () => [10, 10, 10, 0, 0, 0]));
    const filter = lt.tensor([[1, 0, -1], [1, 0, -1], [1, 0, -1]]);
    log("image (6x6): left half 10, right half 0; filter (3x3): [[1, 0, -1]] x 3");

    // By hand: slide the filter, multiply element-wise, sum.
    const byHand: number[][] = [];
    for (let i = 0; i + 3 <= 6; i++) {
      const row: number[] = [];
      for (let j = 0; j + 3 <= 6; j++) row.push(image.slice(0, i, i + 3).slice(1, j, j + 3).mul(filter).sum().item());
      byHand.push(row);
    }
    const first = image.slice(0, 0, 3).slice(1, 1, 4);
    log(`one step: sum(${JSON.stringify(first.tolist())} * filter) = ${first.mul(filter).sum().item()}`);
    log(`by hand, (n - f + 1) = 4: ${JSON.stringify(byHand)}`);

    const library = lt.F.conv2d(image.reshape([1, 1, 6, 6]), filter.reshape([1, 1, 3, 3])).reshape([4, 4]).tolist() as number[][];
    log(`lt.F.conv2d:              ${JSON.stringify(library)}`);
    const agree = JSON.stringify(library) === JSON.stringify(byHand);
    log(agree ? "identical: the bright-to-dark edge shows up as the column of 30s." : "MISMATCH between hand computation and conv2d");

    const sizes = [
      { n: 6, f: 3, p: 0, s: 1 },
      { n: 6, f: 3, p: 1, s: 1 },
      { n: 7, f: 3, p: 0, s: 2 },
      { n: 10, f: 5, p: 1, s: 2 },
    ].map(({ n, f, p, s }) => {
      const out = lt.F.conv2d(lt.zeros([1, 1, n, n]), lt.zeros([1, 1, f, f]), undefined, { padding: p, stride: s }).shape[2];
      const formula = Math.floor((n + 2 * p - f) / s) + 1;
      log(`n=${n}, f=${f}, p=${p}, s=${s}: floor((n + 2p - f) / s) + 1 = ${formula}; conv2d gives ${out}`);
      return { n, f, p, s, formula, conv2d: out };
    });
    const same = lt.F.conv2d(lt.zeros([1, 1, 6, 6]), lt.zeros([1, 1, 3, 3]), undefined, { padding: "same" }).shape.slice(2);
    log(`padding "same" keeps 6x6 -> ${same.join("x")} (p = (f - 1) / 2 = 1); "valid" means p = 0`);
    return { byHand, conv2d: library, agree, sizes, same };
  },
};
