import { Worker } from "node:worker_threads";
import { Generator, getDefaultGenerator } from "../random/generator.js";
import type { Dataset } from "./dataset.js";
import { permutation } from "./permutation.js";
import { decodeBatch, defaultCollate } from "./collate.js";
import { DatasetError } from "./errors.js";

export interface DataLoaderOptions<S, B> {
  batchSize?: number;
  /** Reshuffle the order at the start of every epoch (default false). */
  shuffle?: boolean;
  /** Source of the shuffles and of every random transform; by default one seeded from the default generator. */
  generator?: Generator;
  /** Leave out the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Turns a list of samples into a batch (default defaultCollate). */
  collate?: (samples: S[]) => B;
  /**
   * Worker threads that prepare batches (read, decode, transform, collate) while the training
   * step runs on this thread. 0 (default) prepares each batch here when it is asked for.
   */
  numWorkers?: number;
  /** Batches each worker prepares ahead (default 2, as torch's prefetch_factor). */
  prefetchFactor?: number;
}

/** Where an epoch stands: the generator before the epoch's draws, and how many batches were handed out. */
export interface DataLoaderState {
  generator: number[];
  position: number;
}

interface EpochPlan {
  order: Int32Array;
  seeds: Uint32Array;
  start: number;
}

/**
 * Batches of a dataset (torch.utils.data.DataLoader). Each epoch draws, from the loader's
 * generator, the sample order and one seed per batch; a batch's random transforms use a generator
 * made from its seed. So a batch is the same whether prepared here or in a worker, and
 * `stateDict()` taken mid-epoch lets a resumed run replay the same epoch from the next batch.
 */
export class DataLoader<S = unknown, B = any> implements AsyncIterable<B> {
  readonly dataset: Dataset<S>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator;
  readonly numWorkers: number;
  readonly prefetchFactor: number;
  readonly #collate: ((samples: S[]) => B) | null;
  #epochStart: number[] | null = null;
  #position = 0;
  #resume: DataLoaderState | null = null;
  #workers: Worker[] = [];
  #pending = new Map<number, { resolve: (batch: B) => void; reject: (error: Error) => void }>();
  #nextRequest = 0;
  /** Why a worker died; later requests fail with it instead of waiting for an answer that will not come. */
  #failure: Error | null = null;

  constructor(dataset: Dataset<S>, opts: DataLoaderOptions<S, B> = {}) {
    this.dataset = dataset;
    this.batchSize = opts.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${opts.batchSize}`);
    this.shuffle = opts.shuffle ?? false;
    this.dropLast = opts.dropLast ?? false;
    this.generator = opts.generator ?? new Generator(getDefaultGenerator().nextUint32());
    this.numWorkers = opts.numWorkers ?? 0;
    if (!Number.isInteger(this.numWorkers) || this.numWorkers < 0) throw new RangeError(`DataLoader: numWorkers must be a non-negative integer, got ${opts.numWorkers}`);
    this.prefetchFactor = opts.prefetchFactor ?? 2;
    if (!Number.isInteger(this.prefetchFactor) || this.prefetchFactor < 1) throw new RangeError(`DataLoader: prefetchFactor must be a positive integer, got ${opts.prefetchFactor}`);
    this.#collate = opts.collate ?? null;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  stateDict(): DataLoaderState {
    return this.#epochStart ? { generator: this.#epochStart, position: this.#position } : { generator: this.generator.getState(), position: 0 };
  }

  /** Makes the next epoch replay the saved one from batch `position` on. */
  loadStateDict(state: DataLoaderState): void {
    if (!Array.isArray(state?.generator) || !Number.isInteger(state.position) || state.position < 0 || state.position > this.length) {
      throw new RangeError(`DataLoader.loadStateDict: expected {generator, position} with position between 0 and ${this.length}, got ${JSON.stringify(state)}`);
    }
    this.#resume = { generator: [...state.generator], position: state.position };
    this.#epochStart = null;
  }

  #plan(): EpochPlan {
    let start = 0;
    if (this.#resume) {
      this.generator.setState(this.#resume.generator);
      start = this.#resume.position;
      this.#resume = null;
    }
    this.#epochStart = this.generator.getState();
    const n = this.dataset.length;
    const order = this.shuffle ? permutation(n, this.generator) : Int32Array.from({ length: n }, (_, i) => i);
    const seeds = new Uint32Array(this.length);
    for (let b = 0; b < seeds.length; b++) seeds[b] = this.generator.nextUint32();
    this.#position = start;
    return { order, seeds, start };
  }

  #indices(plan: EpochPlan, batch: number): Int32Array {
    return plan.order.subarray(batch * this.batchSize, Math.min((batch + 1) * this.batchSize, plan.order.length));
  }

  /** One batch prepared on this thread. */
  #prepare(indices: Int32Array, seed: number): B {
    const generator = new Generator(seed);
    const samples = Array.from(indices, (i) => this.dataset.get(i, generator));
    return this.#collate ? this.#collate(samples) : (defaultCollate(samples) as B);
  }

  #finish(plan: EpochPlan): void {
    // A completed epoch leaves the loader between epochs; an abandoned one stays resumable.
    if (this.#position >= plan.seeds.length) this.#epochStart = null;
  }

  /** Synchronous iteration, preparing every batch on this thread (numWorkers must be 0). */
  *[Symbol.iterator](): IterableIterator<B> {
    if (this.numWorkers > 0) throw new Error("DataLoader: iterate with `for await` when numWorkers > 0");
    const plan = this.#plan();
    try {
      for (let b = plan.start; b < plan.seeds.length; b++) {
        const batch = this.#prepare(this.#indices(plan, b), plan.seeds[b]);
        this.#position = b + 1;
        yield batch;
      }
    } finally {
      this.#finish(plan);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.numWorkers === 0) {
      yield* this[Symbol.iterator]();
      return;
    }
    const plan = this.#plan();
    this.#startWorkers();
    const inflight = new Map<number, Promise<B>>();
    let next = plan.start;
    const launch = () => {
      while (next < plan.seeds.length && inflight.size < this.numWorkers * this.prefetchFactor) {
        inflight.set(next, this.#request(next % this.numWorkers, this.#indices(plan, next), plan.seeds[next]));
        next++;
      }
    };
    try {
      for (let b = plan.start; b < plan.seeds.length; b++) {
        launch();
        const batch = await (inflight.get(b) as Promise<B>);
        inflight.delete(b);
        launch();
        this.#position = b + 1;
        yield batch;
      }
    } finally {
      // Batches still in flight are dropped; their replies are ignored.
      for (const promise of inflight.values()) promise.catch(() => undefined);
      for (const worker of this.#workers) worker.unref();
      this.#finish(plan);
    }
  }

  #startWorkers(): void {
    if (this.#workers.length === 0) {
      const spec = this.dataset.workerSpec?.();
      if (!spec) throw new TypeError(`DataLoader: ${this.dataset.constructor.name} cannot be rebuilt in a worker thread; use numWorkers: 0`);
      for (let w = 0; w < this.numWorkers; w++) {
        // Workers only copy and transform pixels in TypeScript; keeping the native core (and its
        // thread pool) out of them leaves the cores to the training step's kernels.
        const worker = new Worker(new URL("./worker.js", import.meta.url), {
          workerData: { spec, collate: this.#collate === null }, env: { ...process.env, LANTERN_BACKEND: "js" },
        });
        worker.on("message", (message: { id: number; batch?: unknown; error?: { name: string; message: string } }) => {
          const pending = this.#pending.get(message.id);
          if (!pending) return;
          this.#pending.delete(message.id);
          if (message.error) pending.reject(message.error.name === "DatasetError" ? new DatasetError(message.error.message) : new Error(message.error.message));
          else {
            const decoded = decodeBatch(message.batch);
            pending.resolve(this.#collate ? this.#collate(decoded as S[]) : (decoded as B));
          }
        });
        worker.on("error", (error) => {
          this.#failure = error;
          for (const pending of this.#pending.values()) pending.reject(error);
          this.#pending.clear();
        });
        this.#workers.push(worker);
      }
    }
    for (const worker of this.#workers) worker.ref();
  }

  #request(worker: number, indices: Int32Array, seed: number): Promise<B> {
    const id = this.#nextRequest++;
    return new Promise<B>((resolve, reject) => {
      if (this.#failure) {
        reject(this.#failure);
        return;
      }
      this.#pending.set(id, { resolve, reject });
      this.#workers[worker].postMessage({ id, indices: indices.slice(), seed });
    });
  }

  /** Stops the worker threads (they are also stopped when the process exits). */
  async close(): Promise<void> {
    const workers = this.#workers;
    this.#workers = [];
    this.#failure = null;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
