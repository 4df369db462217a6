import * as lt from "../../index.js";
import type { DemoSection } from "./section.js";

/**
 * Backpropagation on a 2-2-2 sigmoid network with the classic textbook numbers (inputs 0.05/0.10,
 * targets 0.01/0.99): the forward pass, the squared error, the gradient of one output weight by
 * the chain rule written out, the same gradient from autograd, and one gradient-descent step.
 */
export const backpropSection: DemoSection = {
  id: "backprop",
  title: "Backpropagation on a tiny network, chain rule vs autograd",
  run(log) {
    const x = lt.tensor([[0.05, 0.1]]);
    const target = lt.tensor([[0.01, 0.99]]);
    const w1 = lt.tensor([[0.15, 0.2], [0.25, 0.3]], { requiresGrad: true });
    const b1 = lt.tensor([0.35, 0.35], { requiresGrad: true });
    const w2 = lt.tensor([[0.4, 0.45], [0.5, 0.55]], { requiresGrad: true });
    const b2 = lt.tensor([0.6, 0.6], { requiresGrad: true });

    const hidden = lt.F.linear(x, w1, b1).sigmoid().retainGrad();
    const output = lt.F.linear(hidden, w2, b2).sigmoid();
    const loss = output.sub(target).square().mul(0.5).sum();
    log(`forward: hidden = ${fmt(hidden)}, output = ${fmt(output)}`);
    log(`error E = sum(1/2 (target - output)^2) = ${loss.item().toFixed(9)}`);
    loss.backward();

    // Chain rule for w5 (= w2[0][0], hidden 1 -> output 1): dE/dout * dout/dnet * dnet/dw5
    const out1 = output.select(1, 0).item();
    const h1 = hidden.select(1, 0).item();
    const dEdOut = out1 - 0.01;
    const dOutdNet = out1 * (1 - out1);
    const byHand = dEdOut * dOutdNet * h1;
    const byAutograd = w2.grad!.select(0, 0).select(0, 0).item();
    log(`dE/dw5 by the chain rule: (${dEdOut.toFixed(6)}) * (${dOutdNet.toFixed(6)}) * (${h1.toFixed(6)}) = ${byHand.toFixed(9)}`);
    log(`dE/dw5 from loss.backward():                                  ${byAutograd.toFixed(9)}`);
    log(`gradient reaching the hidden layer (retainGrad): ${fmt(hidden.grad!)}`);

    const lr = 0.5;
    const updated = lt.noGrad(() => w2.sub(w2.grad!.mul(lr)));
    log(`one step of gradient descent (lr ${lr}): w5 ${0.4} -> ${updated.select(0, 0).select(0, 0).item().toFixed(8)}`);
    const check = lt.autograd.gradcheck((a, b) => lt.F.linear(lt.F.linear(x.double(), a, b1.detach().double()).sigmoid(), w2.detach().double(), b2.detach().double()).sigmoid().sub(target.double()).square().sum(), [w1.detach(), b1.detach()]);
    log(`lt.autograd.gradcheck (finite differences, float64) on the first layer: ${check ? "passed" : "failed"}`);
    return { error: loss.item(), dEdw5ChainRule: byHand, dEdw5Autograd: byAutograd, w5AfterStep: updated.select(0, 0).select(0, 0).item(), gradcheck: check };
  },
};

function fmt(t: lt.Tensor): string {
  return `[${Array.from(t.toArray(), (v) => v.toFixed(6)).join(", ")}]`;
}
