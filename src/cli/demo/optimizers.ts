import * as lt from "../../index.js";
import { formatTable } from "../output.js";
import type { DemoSection } from "./section.js";

const STEPS = 300;
const REPORT_AT = [0, 10, 30, 100, 200, 300];

/** Two interleaved spirals: a small problem that plain SGD finds hard and adaptive methods solve. */
function spirals(pointsPerClass: number, generator: lt.Generator): { x: lt.Tensor; y: lt.Tensor } {
  const coords: number[][] = [];
  const labels: number[] = [];
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < pointsPerClass; i++) {
      const r = (i + 1) / pointsPerClass;
      const angle = c * Math.PI + r * 3 * Math.PI + generator.normal() * 0.15;
      coords.push([r * Math.cos(angle), r * Math.sin(angle)]);
      labels.push(c);
    }
  }
  return { x: lt.tensor(coords), y: lt.tensor(labels, { dtype: "int32" }) };
}

/** The notes' third remedy: the same network trained with SGD, SGD + momentum, RMSprop and Adam. */
export const optimizersSection: DemoSection = {
  id: "optimizers",
  title: "Optimizers side by side: SGD, momentum, RMSprop, Adam",
  run(log) {
    const { x, y } = spirals(100, new lt.Generator(7));
    const contenders: { name: string; make: (p: lt.Tensor[]) => { zeroGrad(): void; step(): void } }[] = [
      { name: "SGD lr 0.1", make: (p) => new lt.optim.SGD(p, { lr: 0.1 }) },
      { name: "SGD momentum 0.9", make: (p) => new lt.optim.SGD(p, { lr: 0.1, momentum: 0.9 }) },
      { name: "RMSprop lr 0.01", make: (p) => new lt.optim.RMSprop(p, { lr: 0.01 }) },
      { name: "Adam lr 0.01", make: (p) => new lt.optim.Adam(p, { lr: 0.01 }) },
    ];
    const results = contenders.map(({ name, make }) => {
      lt.manualSeed(0); // identical initial weights for every optimizer
      const model = new lt.nn.Sequential(new lt.nn.Linear(2, 32), new lt.nn.Tanh(), new lt.nn.Linear(32, 32), new lt.nn.Tanh(), new lt.nn.Linear(32, 2));
      const optimizer = make([...model.parameters()]);
      const losses: number[] = [];
      for (let step = 0; step <= STEPS; step++) {
        const loss = lt.F.crossEntropy(model.forward(x), y);
        losses.push(loss.item());
        if (step === STEPS) break;
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
      }
      const accuracy = lt.noGrad(() => model.forward(x).argmax(1).eq(y).float().mean().item());
      return { name, losses: REPORT_AT.map((s) => losses[s]), accuracy };
    });
    const rows = results.map((r) => [r.name, ...r.losses.map((l) => l.toFixed(4)), `${(r.accuracy * 100).toFixed(1)}%`]);
    log(`2-32-32-2 tanh network on two spirals (200 points), full batch, same initial weights, ${STEPS} steps:`);
    log(formatTable(["optimizer", ...REPORT_AT.map((s) => `loss@${s}`), "accuracy"], rows));
    log("Adaptive methods (RMSprop, Adam) scale each weight's step by its gradient history and escape the flat start fastest.");
    return { steps: STEPS, reportAt: REPORT_AT, results };
  },
};
