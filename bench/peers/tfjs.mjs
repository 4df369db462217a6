// TensorFlow.js with its two Node CPU backends: "cpu" (plain JavaScript kernels) and "wasm" (XNNPACK
// compiled to WebAssembly with SIMD; single-threaded in Node, which gives it no SharedArrayBuffer
// workers). Both are timed in the same process: each run first selects its backend. TF.js is NHWC.
import { createRequire } from "node:module";
import { tfjsResnet18, tfjsMobilenetV2 } from "./tfjs-models.mjs";
import { mnistMissing, readMnistTrain } from "./mnist-idx.mjs";
import { NotApplicable } from "../harness.mjs";

let tf = null;

async function load() {
  if (tf) return tf;
  const require = createRequire(import.meta.url);
  tf = await import("@tensorflow/tfjs");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  wasm.setWasmPaths(require.resolve("@tensorflow/tfjs-backend-wasm").replace(/[^/]*$/, ""));
  return tf;
}

function randomNormal(shape) {
  return tf.randomNormal(shape, 0, 1, "float32", 0);
}

/** 0.5 x (1 + erf(x / sqrt 2)): the exact GELU, which TF.js has no op for. */
function gelu(x) {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

function layerNorm(x) {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
}

/** The pre-LayerNorm block of bench/peers/models.py (LayerNorm's unit scale and zero shift are dropped). */
function transformerBlock({ batch, sequence, hidden, heads }) {
  const headDim = hidden / heads;
  const weights = {
    qkv: randomNormal([hidden, 3 * hidden]), qkvBias: randomNormal([3 * hidden]),
    out: randomNormal([hidden, hidden]), outBias: randomNormal([hidden]),
    up: randomNormal([hidden, 4 * hidden]), upBias: randomNormal([4 * hidden]),
    down: randomNormal([4 * hidden, hidden]), downBias: randomNormal([hidden]),
  };
  const x = randomNormal([batch * sequence, hidden]);
  const linear = (v, w, b) => tf.add(tf.matMul(v, weights[w]), weights[b]);
  return () => {
    const qkv = tf.transpose(tf.reshape(linear(layerNorm(x), "qkv", "qkvBias"), [batch, sequence, 3, heads, headDim]), [2, 0, 3, 1, 4]);
    const [q, k, v] = tf.unstack(qkv).map((t) => tf.reshape(t, [batch * heads, sequence, headDim]));
    const attention = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)));
    const context = tf.reshape(tf.transpose(tf.reshape(tf.matMul(attention, v), [batch, heads, sequence, headDim]), [0, 2, 1, 3]), [batch * sequence, hidden]);
    const h = tf.add(x, linear(context, "out", "outBias"));
    return tf.add(h, linear(gelu(linear(layerNorm(h), "up", "upBias")), "down", "downBias"));
  };
}

function conv({ batch, inChannels, outChannels, size, kernel, groups = 1, backward = false }) {
  const x = randomNormal([batch, size, size, inChannels]);
  const depthwise = groups > 1;
  if (depthwise && groups !== inChannels) throw new Error("only depthwise grouping is supported");
  const w = depthwise ? randomNormal([kernel, kernel, inChannels, outChannels / inChannels]) : randomNormal([kernel, kernel, inChannels, outChannels]);
  const b = randomNormal([outChannels]);
  const forward = (xs, ws) => tf.add(depthwise ? tf.depthwiseConv2d(xs, ws, 1, "same") : tf.conv2d(xs, ws, 1, "same"), b);
  if (!backward) return () => forward(x, w);
  const dy = randomNormal([batch, size, size, outChannels]);
  const grads = tf.grads(forward);
  return () => grads([x, w], dy);
}

function lenet5() {
  const relu = "relu";
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: "same", activation: relu }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: relu }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: relu }),
      tf.layers.dense({ units: 84, activation: relu }),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

function lenetStep({ batch }) {
  const model = lenet5();
  const optimizer = tf.train.momentum(0.01, 0.9);
  const x = randomNormal([batch, 28, 28, 1]);
  const labels = tf.oneHot(tf.randomUniform([batch], 0, 10, "int32", 0), 10);
  return () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true })), true);
}

/**
 * LeNet-5 trained on MNIST with Adam: each step builds a shuffled, normalised batch here (TF.js
 * has no background loader in Node), then minimises the cross-entropy and reads the loss back.
 */
function lenetMnist({ data, batch, lr }) {
  if (!data) throw mnistMissing();
  const { count, images, labels } = readMnistTrain(data);
  const model = lenet5();
  const optimizer = tf.train.adam(lr);
  let order = new Int32Array(0);
  let next = 0;
  const pixels = new Float32Array(batch * 784);
  const classes = new Int32Array(batch);
  return () => {
    if (next + batch > order.length) {
      order = Int32Array.from({ length: count }, (_, i) => i);
      tf.util.shuffle(order);
      next = 0;
    }
    for (let b = 0; b < batch; b++) {
      const i = order[next + b];
      for (let p = 0; p < 784; p++) pixels[b * 784 + p] = (images[i * 784 + p] / 255 - 0.1307) / 0.3081;
      classes[b] = labels[i];
    }
    next += batch;
    const x = tf.tensor4d(pixels, [batch, 28, 28, 1]);
    const y = tf.oneHot(tf.tensor1d(classes, "int32"), 10);
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })), true);
    loss.dataSync();
  };
}

function inference(model, batch) {
  const x = randomNormal([batch, 224, 224, 3]);
  return () => model.predict(x);
}

const BUILDERS = {
  sgemm: ({ n }) => {
    const a = randomNormal([n, n]);
    const b = randomNormal([n, n]);
    return () => tf.matMul(a, b);
  },
  conv,
  "lenet5-step": lenetStep,
  "lenet5-mnist": lenetMnist,
  resnet18: ({ batch }) => inference(tfjsResnet18(tf), batch),
  mobilenetV2: ({ batch }) => inference(tfjsMobilenetV2(tf), batch),
  transformer: transformerBlock,
};

/**
 * Each setup opens an engine scope that its release closes, freeing the workload's tensors. The two
 * peers share TF.js's one scope stack; that is sound because the harness sets up every contender of
 * a workload before releasing any, and releases them all before the next workload.
 */
function tfjsPeer(backendName, label) {
  let scope = false;
  return {
    id: `tfjs-${backendName}`,
    label,
    async start() {
      await load();
      if (!(await tf.setBackend(backendName))) throw new Error(`backend ${backendName} failed to initialise`);
      return `TensorFlow.js ${tf.version.tfjs} ${backendName} backend, 1 thread`;
    },
    async setup(workload) {
      const build = BUILDERS[workload.kind];
      if (!build) throw new Error(`no ${workload.kind} workload`);
      if (workload.params.javascriptPeers === false) throw new NotApplicable("this row leaves out the JavaScript peers");
      await tf.setBackend(backendName);
      tf.engine().startScope();
      scope = true;
      const step = build(workload.params);
      const trains = workload.params.backward || workload.kind.startsWith("lenet5-");
      return async (n) => {
        await tf.setBackend(backendName);
        try {
          for (let i = 0; i < n; i++) tf.dispose(tf.tidy(step));
        } catch (error) {
          const kernel = /Kernel '(\w+)' not registered/.exec(error.message)?.[1];
          if (kernel) throw new Error(`cannot ${trains ? "train" : `run ${workload.kind}`} (no ${kernel} kernel)`);
          throw error;
        }
      };
    },
    release() {
      if (scope) tf.engine().endScope();
      scope = false;
    },
  };
}

export const tfjsCpuPeer = tfjsPeer("cpu", "TF.js cpu");
export const tfjsWasmPeer = tfjsPeer("wasm", "TF.js wasm");
