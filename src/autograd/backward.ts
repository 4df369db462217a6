import type { Tensor } from "../tensor/tensor.js";
import { noGrad } from "./grad-mode.js";
import { formatShape, sameShape } from "../tensor/shape.js";

/** Nodes reachable from `root`, ordered so each comes before every node it depends on. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: deep nets (ResNet-152 has thousands of ops) would overflow recursion.
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, next] = top;
    const inputs = node.gradFn?.inputs ?? [];
    if (next < inputs.length) {
      top[1]++;
      const child = inputs[next];
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse();
}

/**
 * Reverse-mode differentiation from `root`: gradients flow in reverse topological order, summed
 * where a tensor is used more than once, and land in `.grad` of leaves (accumulating, as in
 * PyTorch) and of non-leaves that asked for `retainGrad()`.
 */
export function runBackward(root: Tensor, gradient: Tensor): void {
  if (!root.requiresGrad) {
    throw new Error("backward: tensor does not require grad and has no grad_fn");
  }
  if (!sameShape(gradient.shape, root.shape)) {
    throw new RangeError(`backward: gradient shape ${formatShape(gradient.shape)} does not match tensor shape ${formatShape(root.shape)}`);
  }
  noGrad(() => {
    const grads = new Map<Tensor, Tensor>([[root, gradient]]);
    for (const node of topologicalOrder(root)) {
      const grad = grads.get(node);
      if (!grad) continue;
      grads.delete(node);
      if (node.gradFn === null || node.retainsGrad) {
        // A fresh tensor of the node's dtype, never an alias of a gradient that flows elsewhere, so
        // `grad.zero_()` is safe and accumulation never widens a float32 gradient to float64.
        node.grad = node.grad ? node.grad.add(grad).to(node.dtype) : grad.to(node.dtype, { copy: true });
      }
      if (node.gradFn === null) continue;
      const inputGrads = node.gradFn.backward(grad);
      node.gradFn.inputs.forEach((input, i) => {
        const g = inputGrads[i];
        if (!g || !input.requiresGrad) return;
        if (!sameShape(g.shape, input.shape)) {
          throw new Error(`autograd: ${node.gradFn!.name} produced a gradient of shape ${formatShape(g.shape)} for an input of shape ${formatShape(input.shape)}`);
        }
        const previous = grads.get(input);
        grads.set(input, previous ? previous.add(g) : g);
      });
    }
  });
}
