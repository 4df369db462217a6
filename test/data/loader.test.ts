import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { DataLoader, ImageArrayDataset, Subset, TensorDataset, defaultCollate, randomSplit, transforms as T } from "../../src/data/index.js";
import { syntheticDigits } from "./synthetic.js";

const digits = (n: number, transform?: T.Transform) => {
  const { images, labels } = syntheticDigits(n);
  return new ImageArrayDataset(images, labels, [1, 28, 28], { transform });
};

async function collect(loader: DataLoader<any, any>): Promise<[number[], number[]][]> {
  const out: [number[], number[]][] = [];
  for await (const [x, y] of loader) out.push([Array.from((x as Tensor).toArray()), Array.from((y as Tensor).toArray())]);
  return out;
}

describe("DataLoader", () => {
  test("batches in order, with a short last batch unless dropLast", async () => {
    const ds = new TensorDataset(lt.arange(10).reshape([10, 1]), lt.arange(10, undefined, 1, { dtype: "int32" }));
    const loader = new DataLoader(ds, { batchSize: 4 });
    assert.equal(loader.length, 3);
    const batches = [...loader] as Tensor[][];
    assert.deepEqual(batches.map((b) => b[0].shape), [[4, 1], [4, 1], [2, 1]]);
    assert.deepEqual(batches[2][1].tolist(), [8, 9]);
    assert.equal(batches[0][1].dtype, "int32");
    const dropped = new DataLoader(ds, { batchSize: 4, dropLast: true });
    assert.equal(dropped.length, 2);
    assert.equal([...dropped].length, 2);
  });

  test("shuffling is a permutation, different each epoch, reproducible from the generator's seed", async () => {
    const ds = digits(50);
    const labelsOf = async (loader: DataLoader<any, any>) => (await collect(loader)).flatMap(([, y]) => y);
    const a = new DataLoader(ds, { batchSize: 8, shuffle: true, generator: new lt.Generator(11) });
    const epoch1 = await labelsOf(a);
    const epoch2 = await labelsOf(a);
    assert.notDeepEqual(epoch1, epoch2);
    assert.deepEqual([...epoch1].sort(), [...Array.from(ds.labels)].sort());
    const b = new DataLoader(ds, { batchSize: 8, shuffle: true, generator: new lt.Generator(11) });
    assert.deepEqual(await labelsOf(b), epoch1);
    assert.deepEqual(await labelsOf(b), epoch2);
  });

  test("worker threads produce exactly the batches of the main thread, random transforms included", async () => {
    const augment = new T.Compose([new T.RandomCrop(28, { padding: 3 }), new T.RandomHorizontalFlip(), new T.RandomErasing({ p: 0.5 })]);
    const make = (numWorkers: number) => new DataLoader(digits(70, augment), { batchSize: 16, shuffle: true, generator: new lt.Generator(5), numWorkers });
    const inline = make(0);
    const workers = make(2);
    try {
      for (let epoch = 0; epoch < 2; epoch++) assert.deepEqual(await collect(workers), await collect(inline));
    } finally {
      await workers.close();
    }
  });

  test("stateDict mid-epoch resumes the same epoch at the next batch", async () => {
    const augment = new T.RandomCrop(28, { padding: 2 });
    const full = new DataLoader(digits(40, augment), { batchSize: 6, shuffle: true, generator: new lt.Generator(9) });
    await collect(full);
    const reference = await collect(full);
    const next = await collect(full);
    const partial = new DataLoader(digits(40, augment), { batchSize: 6, shuffle: true, generator: new lt.Generator(9) });
    await collect(partial);
    const seen: [number[], number[]][] = [];
    let state = partial.stateDict();
    for await (const [x, y] of partial) {
      seen.push([Array.from((x as Tensor).toArray()), Array.from((y as Tensor).toArray())]);
      state = partial.stateDict();
      if (seen.length === 3) break;
    }
    assert.equal(state.position, 3);
    const resumed = new DataLoader(digits(40, augment), { batchSize: 6, shuffle: true, generator: new lt.Generator(123) });
    resumed.loadStateDict(JSON.parse(JSON.stringify(state, (_, v) => (Number.isNaN(v) ? null : v)), (_, v) => (v === null ? NaN : v)));
    assert.deepEqual([...seen, ...(await collect(resumed))], reference);
    assert.deepEqual(await collect(resumed), next);
    assert.throws(() => resumed.loadStateDict({ generator: [], position: 99 }), /position between 0 and 7/);
  });

  test("a dataset that cannot cross threads is refused with numWorkers > 0", async () => {
    const ds = digits(10, new T.Lambda((x) => x));
    const loader = new DataLoader(ds, { batchSize: 5, numWorkers: 1 });
    await assert.rejects(collect(loader), /cannot be sent to a worker thread/);
    await loader.close();
    assert.throws(() => new DataLoader(ds, { batchSize: 0 }), /batchSize must be a positive integer/);
  });

  test("defaultCollate stacks tensors, numbers, tuples and records", () => {
    const batch = defaultCollate([{ x: lt.ones([2]), y: 1, w: 0.5 }, { x: lt.zeros([2]), y: 2, w: 1 }]);
    assert.deepEqual(batch.x.tolist(), [[1, 1], [0, 0]]);
    assert.deepEqual([batch.y.dtype, batch.w.dtype], ["int32", "float32"]);
    assert.throws(() => defaultCollate([lt.ones([2]), lt.ones([3])]), /sample 1 is float32 \[3\], but sample 0 is float32 \[2\]/);
  });

  test("Subset and randomSplit", () => {
    const ds = digits(20);
    const [a, b] = randomSplit(ds, [15, 5], new lt.Generator(1));
    assert.deepEqual([a.length, b.length], [15, 5]);
    assert.deepEqual(new Set([...a.indices, ...b.indices]).size, 20);
    assert.equal(new Subset(ds, [3, 4]).get(1)[1], ds.labels[4]);
    assert.throws(() => randomSplit(ds, [10, 5]), /adding up to the dataset's 20 samples/);
    assert.throws(() => ds.get(20), /index 20 is out of range/);
  });
});
