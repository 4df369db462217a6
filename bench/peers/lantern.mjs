// Lantern through its public API, from the built package (dist/), exactly as a user calls it. A
// workload whose API this build lacks (a model the zoo has not got yet) reports so, and lights up by
// itself once the build has it.
import { lanternPeerBase } from "./lantern-entry.mjs";
import { NotApplicable } from "../harness.mjs";

let lt = null;

function missing(what) {
  return new Error(`not available in this build (${what} missing)`);
}

function conv({ batch, inChannels, outChannels, size, kernel, groups = 1, backward = false }) {
  const x = lt.randn([batch, inChannels, size, size], { requiresGrad: backward });
  const w = lt.randn([outChannels, inChannels / groups, kernel, kernel], { requiresGrad: backward });
  const b = lt.randn([outChannels], { requiresGrad: backward });
  const options = { padding: Math.floor(kernel / 2), groups };
  if (!backward) return () => lt.noGrad(() => lt.F.conv2d(x, w, b, options));
  const gradOutput = lt.randn([batch, outChannels, size, size]);
  return () => {
    x.grad = w.grad = b.grad = null;
    lt.F.conv2d(x, w, b, options).backward(gradOutput);
  };
}

function lenetStep({ batch }) {
  const lenet5 = lt.vision?.models?.lenet5;
  if (!lenet5) throw missing("lt.vision.models.lenet5");
  const model = lenet5();
  model.train();
  const optimizer = new lt.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = lt.randn([batch, 1, 28, 28]);
  const target = lt.randint(0, 10, [batch], { dtype: "int32" });
  return () => {
    optimizer.zeroGrad();
    lt.F.crossEntropy(model.forward(x), target).backward();
    optimizer.step();
  };
}

/**
 * A zoo model deployed for inference as a user would: batch norms folded into the convolutions and
 * the activations applied inside them (as onnxruntime's graph optimiser does to its graph), then
 * traced with lt.jit.trace (its kernel calls replayed into planned memory, as an onnxruntime
 * session runs its prepared graph). `eager` runs model.forward instead.
 */
function inference(name, { eager = false } = {}) {
  return ({ batch }) => {
    const build = lt.vision?.models?.[name];
    if (!build) throw missing(`lt.vision.models.${name}`);
    const model = build();
    model.eval();
    const x = lt.randn([batch, 3, 224, 224]);
    lt.nn.utils?.fuseConvBn?.(model, x);
    if (eager) return () => lt.noGrad(() => model.forward(x));
    if (!lt.jit?.trace) throw missing("lt.jit.trace");
    const traced = lt.jit.trace(model, x);
    return () => traced.forward(x);
  };
}

/** The pre-LayerNorm block of bench/peers/models.py, from lt.nn's modules. */
function transformerBlock({ batch, sequence, hidden, heads }) {
  const nn = lt.nn;
  for (const name of ["LayerNorm", "MultiheadAttention", "Linear", "GELU"]) if (!nn?.[name]) throw missing(`lt.nn.${name}`);
  const ln1 = new nn.LayerNorm([hidden]);
  const attention = new nn.MultiheadAttention(hidden, heads, { batchFirst: true });
  const ln2 = new nn.LayerNorm([hidden]);
  const up = new nn.Linear(hidden, 4 * hidden);
  const gelu = new nn.GELU();
  const down = new nn.Linear(4 * hidden, hidden);
  for (const m of [ln1, attention, ln2, up, down]) m.eval();
  const x = lt.randn([batch, sequence, hidden]);
  return () =>
    lt.noGrad(() => {
      const h = ln1.forward(x);
      const y = x.add(attention.forward(h, h, h, { needWeights: false })[0]);
      return y.add(down.forward(gelu.forward(up.forward(ln2.forward(y)))));
    });
}

const BUILDERS = {
  sgemm: ({ n }) => {
    const a = lt.randn([n, n]);
    const b = lt.randn([n, n]);
    return () => lt.matmul(a, b);
  },
  conv,
  "lenet5-step": lenetStep,
  resnet18: inference("resnet18"),
  mobilenetV2: inference("mobilenetV2"),
  transformer: transformerBlock,
};

export const lanternPeer = {
  ...lanternPeerBase((loaded) => {
    lt = loaded;
    lt.manualSeed(0);
  }),
  async setup(workload) {
    const build = BUILDERS[workload.kind];
    if (!build) throw new Error(`no ${workload.kind} workload`);
    const step = build(workload.params);
    // As TF.js's peer runs tf.dispose(tf.tidy(step)): each step's tensors go back to Lantern's
    // storage pool when it ends (a build without lt.tidy leaves them to the garbage collector).
    const run = lt.tidy && lt.dispose ? () => lt.dispose(lt.tidy(step)) : step;
    return (n) => {
      for (let i = 0; i < n; i++) run();
    };
  },
};

/** The same networks run eagerly (model.forward in lt.tidy), beside the traced rows of the main peer. */
const EAGER = { resnet18: inference("resnet18", { eager: true }), mobilenetV2: inference("mobilenetV2", { eager: true }) };

export const lanternEagerPeer = {
  ...lanternPeerBase((loaded) => {
    lt = loaded;
  }),
  id: "lantern-eager",
  label: "Lantern eager",
  async setup(workload) {
    const build = EAGER[workload.kind];
    if (!build) throw new NotApplicable("measured for the networks only");
    const step = build(workload.params);
    const run = () => lt.dispose(lt.tidy(step));
    return (n) => {
      for (let i = 0; i < n; i++) run();
    };
  },
};
