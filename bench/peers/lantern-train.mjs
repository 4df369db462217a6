// Lantern's side of `lantern bench train`: the path `lantern train` takes, through the built
// package's public API. lt.train.loadSplits reads and normalises the MNIST IDX files, buildModel and
// buildOptimizer make the CLI's LeNet-5 and default optimizer, a DataLoader prepares shuffled batches
// (in worker threads when asked, as `--workers` does), and lt.train.trainEpoch takes the steps:
// forward, loss, backward, optimizer step, loss and accuracy bookkeeping.
import { lanternPeerBase } from "./lantern-entry.mjs";
import { mnistMissing } from "./mnist-idx.mjs";

let lt = null;
let open = null;

/** Batches from a loader without end: a finished epoch starts the next one (reshuffled), as training does. */
function endlessBatches(loader) {
  let epoch = loader[Symbol.asyncIterator]();
  return {
    async *take(n) {
      for (let i = 0; i < n; ) {
        const next = await epoch.next();
        if (next.done) {
          epoch = loader[Symbol.asyncIterator]();
          continue;
        }
        i++;
        yield next.value;
      }
    },
    async close() {
      await epoch.return?.();
      await loader.close();
    },
  };
}

async function lenet5Mnist({ data, batch, workers, optimizer, lr, verify = true }) {
  if (!data) throw mnistMissing();
  lt.manualSeed(0);
  const { train, recipe, classes } = await lt.train.loadSplits("mnist", { root: data, verify });
  const model = lt.train.buildModel("lenet5", { inChannels: recipe.channels, imageSize: recipe.imageSize, numClasses: classes.length });
  const opt = lt.train.buildOptimizer(optimizer, model.parameters(), { lr });
  const loader = new lt.data.DataLoader(train, { batchSize: batch, shuffle: true, generator: new lt.Generator(2), numWorkers: workers });
  const batches = endlessBatches(loader);
  open = batches;
  return async (n) => {
    await lt.train.trainEpoch(model, batches.take(n), opt);
  };
}

export const lanternTrainPeer = {
  ...lanternPeerBase((loaded) => (lt = loaded)),
  async setup(workload) {
    if (workload.kind !== "lenet5-mnist") throw new Error(`no ${workload.kind} workload`);
    return lenet5Mnist(workload.params);
  },
  async release() {
    const batches = open;
    open = null;
    await batches?.close();
  },
};
