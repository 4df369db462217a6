import * as lt from "../../index.js";
import type { DemoSection } from "./section.js";

/** Tensors: creation, broadcasting, views that share storage, reductions; no dispose() anywhere. */
export const tensorsSection: DemoSection = {
  id: "tensors",
  title: "Tensors: shapes, broadcasting, views and reductions",
  run(log) {
    const x = lt.arange(12).reshape([3, 4]).float();
    log(`x = lt.arange(12).reshape([3, 4]).float()  ->  ${JSON.stringify(x.tolist())}`);
    const row = lt.tensor([10, 20, 30, 40]);
    const broadcast = x.add(row);
    log(`x + [10, 20, 30, 40] broadcasts the row over 3 rows  ->  ${JSON.stringify(broadcast.tolist())}`);
    const t = x.T;
    log(`x.T is a view: shape ${JSON.stringify(t.shape)}, strides ${JSON.stringify(t.strides)} (no copy; contiguous() copies)`);
    const sums = { all: x.sum().item(), rows: x.sum(1).tolist(), cols: x.mean(0).tolist() };
    log(`sum = ${sums.all}, row sums = ${JSON.stringify(sums.rows)}, column means = ${JSON.stringify(sums.cols)}`);
    const { values, indices } = x.max(1);
    log(`max over dim 1: values ${JSON.stringify(values.tolist())} at indices ${JSON.stringify(indices.tolist())}`);
    const g = new lt.Generator(42);
    const sample = lt.randn([2, 3], { generator: g });
    const again = lt.randn([2, 3], { generator: new lt.Generator(42) });
    const shown = Array.from(sample.toArray(), (v) => v.toFixed(4)).join(", ");
    log(`lt.randn([2, 3], {generator: new lt.Generator(42)}) = [${shown}]; the same seed again gives ${sample.eq(again).all().item() ? "the same" : "DIFFERENT"} numbers`);
    const product = x.matmul(x.T);
    log(`x @ x.T (3x3) = ${JSON.stringify(product.tolist())}`);
    log("Storage is a plain typed array that the garbage collector frees: no dispose() or tidy().");
    return { x: x.tolist(), broadcast: broadcast.tolist(), sums, maxValues: values.tolist(), argmax: indices.tolist(), gram: product.tolist() };
  },
};
