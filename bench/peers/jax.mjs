// jax-js (@jax-js/jax) on its "wasm" device: kernels generated as WebAssembly, single-threaded in
// Node (no global Worker). Every function is jit-compiled; jax-js arrays are reference-counted, so
// each call passes `.ref` of the inputs it keeps. Layout NCHW / OIHW as in JAX's lax.conv.
let jax = null;
let seed = 0;

function normal(shape) {
  return jax.random.normal(jax.random.key(seed++), shape);
}

function conv({ batch, inChannels, outChannels, size, kernel, groups = 1, backward = false }) {
  const { lax, jit, grad, numpy: np } = jax;
  const x = normal([batch, inChannels, size, size]);
  const w = normal([outChannels, inChannels / groups, kernel, kernel]);
  const b = normal([1, outChannels, 1, 1]);
  const forward = (xs, ws, bs) => lax.convGeneralDilated(xs, ws, [1, 1], "SAME", { featureGroupCount: groups }).add(bs);
  if (!backward) {
    const f = jit(forward);
    return () => f(x.ref, w.ref, b.ref);
  }
  const dy = normal([batch, outChannels, size, size]);
  // The vector-Jacobian product with dy, as the gradient of sum(conv(x, w) * dy).
  const g = jit(grad((xs, ws, bs, dys) => np.sum(forward(xs, ws, bs).mul(dys)), { argnums: [0, 1, 2] }));
  return () => g(x.ref, w.ref, b.ref, dy.ref);
}

/** 2x2 max pooling as a reshape and a max: jax-js's reduceWindow has no max-pool gradient shortcut. */
function maxPool2(x) {
  const [n, c, h, w] = x.shape;
  return x.reshape([n, c, h / 2, 2, w / 2, 2]).max([3, 5]);
}

function lenetStep({ batch }) {
  const { lax, jit, grad, nn, numpy: np, tree } = jax;
  const scaled = (shape, fanIn) => normal(shape).mul(1 / Math.sqrt(fanIn));
  let params = {
    c1: scaled([6, 1, 5, 5], 25), b1: np.zeros([1, 6, 1, 1]), c2: scaled([16, 6, 5, 5], 150), b2: np.zeros([1, 16, 1, 1]),
    f1: scaled([400, 120], 400), g1: np.zeros([120]), f2: scaled([120, 84], 120), g2: np.zeros([84]), f3: scaled([84, 10], 84), g3: np.zeros([10]),
  };
  let velocity = tree.map((p) => np.zerosLike(p.ref), params);
  const loss = (p, x, labels) => {
    let h = maxPool2(nn.relu(lax.conv(x, p.c1, [1, 1], [[2, 2], [2, 2]]).add(p.b1)));
    h = maxPool2(nn.relu(lax.conv(h, p.c2, [1, 1], "VALID").add(p.b2))).reshape([batch, 400]);
    h = nn.relu(np.matmul(h, p.f1).add(p.g1));
    h = nn.relu(np.matmul(h, p.f2).add(p.g2));
    const logits = np.matmul(h, p.f3).add(p.g3);
    return np.mean(np.sum(nn.logSoftmax(logits, -1).mul(labels), -1)).mul(-1);
  };
  // SGD with momentum 0.9 (PyTorch's form: v = 0.9 v + g; p -= lr v), lr 0.01.
  const step = jit((p, v, x, labels) => {
    const g = grad(loss)(tree.ref(p), x, labels);
    const nextV = tree.map((vi, gi) => vi.mul(0.9).add(gi), v, g);
    return [tree.map((pi, vi) => pi.sub(vi.mul(0.01)), p, tree.ref(nextV)), nextV];
  });
  const x = normal([batch, 1, 28, 28]);
  const labels = nn.oneHot(jax.random.randint(jax.random.key(seed++), { minval: 0, maxval: 10, shape: [batch] }), 10);
  return () => {
    [params, velocity] = step(params, velocity, x.ref, labels.ref);
    return [params, velocity];
  };
}

function transformerBlock({ batch, sequence, hidden, heads }) {
  const { jit, nn, numpy: np } = jax;
  const headDim = hidden / heads;
  const w = {
    qkv: normal([hidden, 3 * hidden]), qkvBias: normal([3 * hidden]), out: normal([hidden, hidden]), outBias: normal([hidden]),
    up: normal([hidden, 4 * hidden]), upBias: normal([4 * hidden]), down: normal([4 * hidden, hidden]), downBias: normal([hidden]),
  };
  const x = normal([batch, sequence, hidden]);
  const block = jit((p, xs) => {
    const qkv = np.matmul(nn.standardize(xs.ref, -1, { epsilon: 1e-5 }), p.qkv).add(p.qkvBias).reshape([batch, sequence, 3, heads, headDim]);
    // Attention by matmuls: nn.dotProductAttention goes through einsum, which needs Node 22's iterator helpers.
    const [q, k, v] = np.split(qkv, 3, 2).map((t) => np.transpose(t.reshape([batch, sequence, heads, headDim]), [0, 2, 1, 3]));
    const weights = nn.softmax(np.matmul(q, np.transpose(k, [0, 1, 3, 2])).mul(1 / Math.sqrt(headDim)), -1);
    const context = np.transpose(np.matmul(weights, v), [0, 2, 1, 3]).reshape([batch, sequence, hidden]);
    const h = xs.add(np.matmul(context, p.out).add(p.outBias));
    const up = nn.gelu(np.matmul(nn.standardize(h.ref, -1, { epsilon: 1e-5 }), p.up).add(p.upBias), { approximate: false });
    return h.add(np.matmul(up, p.down).add(p.downBias));
  });
  return () => block(jax.tree.ref(w), x.ref);
}

const BUILDERS = {
  sgemm: ({ n }) => {
    const a = normal([n, n]);
    const b = normal([n, n]);
    const matmul = jax.jit((x, y) => jax.numpy.matmul(x, y));
    return () => matmul(a.ref, b.ref);
  },
  conv,
  "lenet5-step": lenetStep,
  transformer: transformerBlock,
};

export const jaxPeer = {
  id: "jax-js",
  label: "jax-js wasm",
  async start() {
    jax = await import("@jax-js/jax");
    const devices = await jax.init("wasm");
    if (!devices.includes("wasm")) throw new Error("wasm device unavailable");
    jax.defaultDevice("wasm");
    return "jax-js wasm device, 1 thread (no Worker in Node)";
  },
  async setup(workload) {
    const build = BUILDERS[workload.kind];
    if (!build) throw new Error(workload.kind === "resnet18" || workload.kind === "mobilenetV2" ? "no model zoo" : `no ${workload.kind} workload`);
    const step = build(workload.params);
    const keeps = workload.kind === "lenet5-step";
    return async (n) => {
      for (let i = 0; i < n; i++) {
        const out = await jax.blockUntilReady(step());
        if (!keeps) jax.tree.dispose(out);
      }
    };
  },
};
