// The train suite: LeNet-5 trained on MNIST as `lantern train lenet5 --dataset mnist` does it
// (batch 64, the default optimizer Adam at lr 1e-3, shuffled batches from a loader), against
// PyTorch (same model, batch, optimizer and threads, its DataLoader over the same IDX files) and
// TensorFlow.js. A whole epoch per round would take minutes, so steps are timed in rounds of 100
// and the table shows the epoch time that implies: seconds per step x 938 (= ceil(60000 / 64)).
import { lanternTrainPeer } from "../peers/lantern-train.mjs";
import { torchPeer } from "../peers/python.mjs";
import { tfjsWasmPeer, tfjsCpuPeer } from "../peers/tfjs.mjs";
import { findMnist } from "../peers/mnist-idx.mjs";

const TRAIN_IMAGES = 60000;
const BATCH = 64;
const STEPS_PER_EPOCH = Math.ceil(TRAIN_IMAGES / BATCH);

function epoch(id, title, workers, quick, javascriptPeers = true) {
  return {
    id, kind: "lenet5-mnist", title, metric: "s",
    params: { data: findMnist(), batch: BATCH, workers, optimizer: "adam", lr: 1e-3, stepsPerEpoch: STEPS_PER_EPOCH, javascriptPeers },
    iterationsPerValue: STEPS_PER_EPOCH,
    roundIterations: quick ? 10 : 100,
    target: { peer: "torch", min: 1 / 1.3, text: "within 1.3x of PyTorch" },
  };
}

function workloads(quick) {
  return [
    epoch("lenet5-epoch", `LeNet-5 MNIST epoch (b${BATCH} Adam, 1 loader worker; step time x ${STEPS_PER_EPOCH})`, 1, quick),
    // TF.js makes its batches on the training thread in both rows, and one TF.js cpu step takes
    // seconds: it is timed in the first row only.
    ...(quick ? [] : [epoch("lenet5-epoch-inline", `LeNet-5 MNIST epoch (b${BATCH} Adam, batches made on the training thread; step time x ${STEPS_PER_EPOCH})`, 0, quick, false)]),
  ];
}

export default {
  name: "train",
  description: `LeNet-5 epoch time on MNIST (batch ${BATCH}, Adam), timed over rounds of 100 steps and scaled to the ${STEPS_PER_EPOCH} steps of an epoch`,
  peers: [lanternTrainPeer, torchPeer, tfjsWasmPeer, tfjsCpuPeer],
  workloads,
};
