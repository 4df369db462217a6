#!/usr/bin/env node
// The native core's targets, timed against PyTorch (and onnxruntime-node where bench/node_modules has
// it) in the same run: alternating rounds, medians, ratios. Single-threaded runs are timed in CPU
// time (process.cpuUsage, time.process_time), which stays meaningful on a shared, busy machine.
//
//   node bench/native-ops.mjs [--only conv3x3,lenet5] [--rounds 7] [--threads 1]
//
// Build first (npm run build, node scripts/build-native.mjs). Python references run with
// OPENBLAS_CORETYPE=SkylakeX, as bench/README.md explains.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const threads = Number(option("threads", process.env.LANTERN_NUM_THREADS ?? "1"));
const rounds = Number(option("rounds", "7"));
const only = option("only", "")?.split(",").filter(Boolean) ?? [];
// The native thread pool reads this when it first starts, so it must be set before the import.
process.env.LANTERN_NUM_THREADS = String(threads);
const cpuTime = threads === 1;
const lt = await import(new URL("../dist/src/index.js", import.meta.url).href);
lt.manualSeed(0);

const convFlops = (p) => 2 * p.batch * p.outChannels * (p.inChannels / (p.groups ?? 1)) * p.kernel ** 2 * p.size ** 2;
const conv = (id, p, target) => ({ id, kind: "conv", params: p, flops: convFlops(p) * (p.backward ? 3 : 1), target });
const conv3x3 = { batch: 8, inChannels: 64, outChannels: 64, size: 56, kernel: 3 };
const WORKLOADS = [
  { id: "sgemm1024", kind: "sgemm", params: { n: 1024 }, flops: 2 * 1024 ** 3 },
  conv("conv3x3", conv3x3, ">= 1.0x torch"),
  conv("conv3x3-train", { ...conv3x3, backward: true }, ">= 1.0x torch"),
  conv("depthwise-b1", { batch: 1, inChannels: 32, outChannels: 32, size: 112, kernel: 3, groups: 32 }, "> torch, ort"),
  conv("depthwise-b8", { batch: 8, inChannels: 32, outChannels: 32, size: 112, kernel: 3, groups: 32 }, "> torch, ort"),
  conv("pointwise-b1", { batch: 1, inChannels: 32, outChannels: 64, size: 112, kernel: 1 }, "> torch, ort"),
  conv("pointwise-b8", { batch: 8, inChannels: 32, outChannels: 64, size: 112, kernel: 1 }, "> torch, ort"),
  { id: "lenet5", kind: "lenet5-step", params: { batch: 64 }, target: "<= 1.2x torch time" },
  { id: "resnet18-b1", kind: "resnet18", params: { batch: 1 }, target: "faster than ort" },
  { id: "resnet18-b8", kind: "resnet18", params: { batch: 8 }, target: "faster than ort" },
  { id: "mobilenetV2-b1", kind: "mobilenetV2", params: { batch: 1 }, target: "faster than ort" },
  { id: "mobilenetV2-b8", kind: "mobilenetV2", params: { batch: 8 }, target: "faster than ort" },
  { id: "transformer", kind: "transformer", params: { batch: 1, sequence: 128, hidden: 768, heads: 12 } },
].filter((w) => only.length === 0 || only.some((o) => w.id.startsWith(o)));

// ---- Lantern ----
function lanternConv({ batch, inChannels, outChannels, size, kernel, groups = 1, backward = false }) {
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

function lanternTransformer({ batch, sequence, hidden, heads }) {
  const nn = lt.nn;
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

const LANTERN = {
  sgemm: ({ n }) => {
    const a = lt.randn([n, n]), b = lt.randn([n, n]);
    return () => lt.matmul(a, b);
  },
  conv: lanternConv,
  "lenet5-step": ({ batch }) => {
    const model = lt.vision.models.lenet5();
    model.train();
    const optimizer = new lt.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = lt.randn([batch, 1, 28, 28]);
    const target = lt.randint(0, 10, [batch], { dtype: "int32" });
    return () => {
      optimizer.zeroGrad();
      lt.F.crossEntropy(model.forward(x), target).backward();
      optimizer.step();
    };
  },
  resnet18: ({ batch }) => inference(lt.vision.models.resnet18(), batch),
  mobilenetV2: ({ batch }) => inference(lt.vision.models.mobilenetV2(), batch),
  transformer: lanternTransformer,
};

function inference(model, batch) {
  model.eval();
  const x = lt.randn([batch, 3, 224, 224]);
  return () => lt.noGrad(() => model.forward(x));
}

/** Seconds per call of fn over n calls. */
function timeLantern(fn, n) {
  const wall = performance.now(), cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  if (!cpuTime) return (performance.now() - wall) / 1000 / n;
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1e6 / n;
}

// ---- PyTorch, in one persistent process speaking JSON lines ----
const PYTHON_WORKER = String.raw`
import json, sys, time, torch
sys.path.insert(0, sys.argv[1])
import models
torch.set_num_threads(int(sys.argv[2]))
clock = time.process_time if int(sys.argv[2]) == 1 else time.perf_counter
torch.manual_seed(0)
runs = {}
def build(kind, p):
    if kind == "sgemm":
        a, b = torch.randn(p["n"], p["n"]), torch.randn(p["n"], p["n"])
        return lambda: torch.matmul(a, b)
    if kind == "conv":
        g = p.get("groups", 1)
        bw = p.get("backward", False)
        x = torch.randn(p["batch"], p["inChannels"], p["size"], p["size"], requires_grad=bw)
        w = torch.randn(p["outChannels"], p["inChannels"] // g, p["kernel"], p["kernel"], requires_grad=bw)
        b = torch.randn(p["outChannels"], requires_grad=bw)
        pad = p["kernel"] // 2
        if not bw:
            def fwd():
                with torch.no_grad():
                    torch.nn.functional.conv2d(x, w, b, padding=pad, groups=g)
            return fwd
        gy = torch.randn(p["batch"], p["outChannels"], p["size"], p["size"])
        def step():
            x.grad = w.grad = b.grad = None
            torch.nn.functional.conv2d(x, w, b, padding=pad, groups=g).backward(gy)
        return step
    if kind == "lenet5-step":
        model = models.lenet5().train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        x = torch.randn(p["batch"], 1, 28, 28)
        t = torch.randint(0, 10, (p["batch"],))
        def step():
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(x), t).backward()
            opt.step()
        return step
    if kind in ("resnet18", "mobilenetV2", "transformer"):
        if kind == "transformer":
            model = models.TransformerBlock(p["hidden"], p["heads"]).eval()
            x = torch.randn(p["batch"], p["sequence"], p["hidden"])
        else:
            model = (models.resnet18() if kind == "resnet18" else models.mobilenet_v2()).eval()
            x = torch.randn(p["batch"], 3, 224, 224)
        def infer():
            with torch.no_grad():
                model(x)
        return infer
    raise ValueError(kind)
for line in sys.stdin:
    req = json.loads(line)
    if req["id"] not in runs:
        runs[req["id"]] = build(req["kind"], req["params"])
        runs[req["id"]]()
    fn = runs[req["id"]]
    start = clock()
    for _ in range(req["n"]):
        fn()
    print(json.dumps({"seconds": (clock() - start) / req["n"]}), flush=True)
`;

function startPython() {
  const env = { ...process.env, OPENBLAS_CORETYPE: "SkylakeX", OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
  const child = spawn("/usr/bin/python3", ["-c", PYTHON_WORKER, join(HERE, "peers"), String(threads)], { env, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async time(w, n) {
      child.stdin.write(`${JSON.stringify({ id: w.id, kind: w.kind, params: w.params, n })}\n`);
      const { value, done } = await lines.next();
      if (done) throw new Error("python worker exited");
      return JSON.parse(value).seconds;
    },
    close: () => child.stdin.end(),
  };
}

// ---- onnxruntime-node, when the bench helper has installed it ----
async function startOrt() {
  const path = join(HERE, "node_modules", "onnxruntime-node");
  if (!existsSync(path)) return null;
  const ort = (await import(join(path, "dist", "index.js"))).default ?? (await import(join(path, "dist", "index.js")));
  const options = { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all", extra: { session: { intra_op: { allow_spinning: "0" } } } };
  const exportable = new Set(["conv", "resnet18", "mobilenetV2", "transformer"]);
  return {
    async setup(w) {
      if (!exportable.has(w.kind) || w.params.backward) return null;
      const key = Object.entries(w.params).map(([k, v]) => `${k}${v}`).join("-");
      const name = `${w.kind}-${key}.onnx`;
      let graph = join(HERE, ".cache", name);
      if (!existsSync(graph)) {
        const dir = join(tmpdir(), "lantern-native-ops");
        mkdirSync(dir, { recursive: true });
        graph = join(dir, name);
        if (!existsSync(graph)) await exportGraph(graph, w);
      }
      const session = await ort.InferenceSession.create(graph, options);
      const dims = w.kind === "conv" ? [w.params.batch, w.params.inChannels, w.params.size, w.params.size]
        : w.kind === "transformer" ? [w.params.batch, w.params.sequence, w.params.hidden] : [w.params.batch, 3, 224, 224];
      const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => Math.random() * 2 - 1);
      const feeds = { x: new ort.Tensor("float32", data, dims) };
      await session.run(feeds);
      return async (n) => {
        const wall = performance.now(), cpu = process.cpuUsage();
        for (let i = 0; i < n; i++) await session.run(feeds);
        if (!cpuTime) return (performance.now() - wall) / 1000 / n;
        const used = process.cpuUsage(cpu);
        return (used.user + used.system) / 1e6 / n;
      };
    },
  };
}

function exportGraph(path, w) {
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/python3", ["make_onnx.py", path, w.kind, JSON.stringify(w.params)], { cwd: join(HERE, "peers"), stdio: "ignore" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ONNX export of ${w.id} failed`))));
  });
}

// ---- the run ----
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const python = startPython();
const ortPeer = await startOrt();
const { nativeAddon } = await import(new URL("../dist/src/backend/native/index.js", import.meta.url).href);
const info = nativeAddon?.info() ?? {};
console.log(`Lantern ${lt.backend()} backend ${JSON.stringify(info)}; threads ${threads}; ${cpuTime ? "CPU" : "wall"} time; ${rounds} rounds; onnxruntime ${ortPeer ? "present" : "absent"}`);
const format = (w, s) => (w.flops ? `${(w.flops / s / 1e9).toFixed(1)} GFLOP/s` : `${(s * 1000).toFixed(2)} ms`);
for (const w of WORKLOADS) {
  const fn = LANTERN[w.kind](w.params);
  fn();
  const once = timeLantern(fn, 1);
  // About 0.3 s per contender per round.
  const n = Math.max(1, Math.round(0.3 / once));
  const ortRun = ortPeer ? await ortPeer.setup(w).catch(() => null) : null;
  const times = { lantern: [], torch: [], ort: [] };
  for (let r = 0; r < rounds; r++) {
    times.lantern.push(timeLantern(fn, n));
    times.torch.push(await python.time(w, n));
    if (ortRun) times.ort.push(await ortRun(n));
  }
  const ours = median(times.lantern);
  const cells = [`lantern ${format(w, ours)} (${(ours * 1000).toFixed(2)} ms)`];
  for (const peer of ["torch", "ort"]) {
    if (times[peer].length === 0) continue;
    const theirs = median(times[peer]);
    cells.push(`${peer} ${format(w, theirs)} (${(theirs / ours).toFixed(2)}x)`);
  }
  console.log(`${w.id.padEnd(16)} ${cells.join("  |  ")}${w.target ? `   [target ${w.target}]` : ""}`);
}
python.close();
