import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { writeSyntheticMnist } from "../data/synthetic.js";

const main = fileURLToPath(new URL("./cli-main.js", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "lantern-cli-"));
const data = join(work, "mnist");
writeSyntheticMnist(data, 320, 100);

function lantern(...args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", env: { ...process.env, LANTERN_HOME: join(work, "home") } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const common = ["--dataset", "mnist", "--data", data, "--no-verify"];

describe("lantern train / eval / experiment", () => {
  test("train --json prints one JSON document on stdout; eval of the weights agrees", () => {
    const out = join(work, "run");
    const train = lantern("train", "lenet5", ...common, "--epochs", "2", "--batch-size", "32", "--out", out, "--json", "--workers", "0");
    assert.equal(train.code, 0, train.stderr);
    const report = JSON.parse(train.stdout);
    assert.equal(report.epochs, 2);
    assert.ok(report.test.top1 > 0.5, `accuracy ${report.test.top1}`);
    assert.equal(report.history.length, 2);
    assert.match(train.stderr, /epoch 2\/2/);
    for (const file of ["model.safetensors", "checkpoint.safetensors", "metrics.jsonl", "curves.svg"]) assert.ok(existsSync(join(out, file)), file);
    const evaluation = lantern("eval", "lenet5", "--weights", join(out, "model.safetensors"), ...common, "--json");
    assert.equal(evaluation.code, 0, evaluation.stderr);
    const metrics = JSON.parse(evaluation.stdout);
    assert.equal(metrics.top1, report.test.top1);
    assert.equal(metrics.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0), 100);
    const text = lantern("eval", "lenet5", "--weights", join(out, "checkpoint.safetensors"), ...common);
    assert.match(text.stdout, /accuracy \d+\.\d\d%/);
    assert.match(text.stdout, /confusion matrix/);
  });

  test("a run stopped by --max-steps resumes from its checkpoint to the same result as an uninterrupted one", () => {
    const args = ["--epochs", "2", "--batch-size", "32", "--dropout", "0.2", "--augment", "--schedule", "cosine", "--json"];
    const whole = JSON.parse(lantern("train", "lenet5", ...common, ...args, "--out", join(work, "whole")).stdout);
    const cut = lantern("train", "lenet5", ...common, ...args, "--out", join(work, "cut"), "--max-steps", "13");
    assert.equal(cut.code, 0, cut.stderr);
    assert.equal(JSON.parse(cut.stdout).interrupted, true);
    const resumed = lantern("train", "lenet5", ...common, "--json", "--resume", join(work, "cut", "checkpoint.safetensors"), "--out", join(work, "cut"));
    assert.equal(resumed.code, 0, resumed.stderr);
    const report = JSON.parse(resumed.stdout);
    assert.equal(report.test.loss, whole.test.loss);
    assert.deepEqual(readFileSync(join(work, "cut", "model.safetensors")), readFileSync(join(work, "whole", "model.safetensors")));
    const wrong = lantern("train", "small-cnn", ...common, "--resume", join(work, "cut", "checkpoint.safetensors"));
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /is a run of lenet5 on mnist, not small-cnn on mnist/);
  });

  test("bad input exits 2 with one line naming the problem", () => {
    const cases: [string[], RegExp][] = [
      [["train", "nonet", ...common], /unknown model "nonet" \(expected lenet5, small-cnn/],
      [["train", "lenet5", ...common, "--lr", "fast"], /--lr: expected a positive number, got "fast"/],
      [["train", "lenet5", ...common, "--optimizer", "adagrad"], /--optimizer: unknown optimizer "adagrad"/],
      [["train", "lenet5", "--dataset", "svhn"], /--dataset: unknown data set "svhn"/],
      [["train", "lenet5", "--dataset", "mnist", "--data", data], /train-images-idx3-ubyte.gz: md5 of the content is [0-9a-f]+, expected 6bbc9ace/],
      [["train", "lenet5", "--dataset", "mnist", "--no-download"], /MNIST: train-images-idx3-ubyte.gz, .* not found in .*home\/datasets\/mnist; put .* or a folder passed as --data DIR/],
      [["train", "lenet5", "--dataset", "cifar10", "--data", data], /lenet5 takes 1x28x28 images|CIFAR-10: cifar-10-binary.tar.gz not found/],
      [["eval", "small-cnn", "--weights", join(work, "run", "model.safetensors"), ...common], /--weights: .* does not fit SmallCnn/],
    ];
    for (const [args, pattern] of cases) {
      const result = lantern(...args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split("\n").filter((l) => l.startsWith("lantern:")).length, 1, result.stderr);
      assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    }
  });

  test("experiment optimizers: a table, a JSON report and one SVG of every run's curves, reproducible from the seed", () => {
    const out = join(work, "experiment");
    const args = ["experiment", "optimizers", ...common, "--arms", "sgd-momentum,adam,adam-dropout", "--epochs", "2", "--subset", "120", "--test-subset", "50", "--out", out];
    const result = lantern(...args, "--json");
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.runs.map((r: { name: string }) => r.name), ["sgd-momentum", "adam", "adam-dropout"]);
    assert.ok(report.runs.every((r: { history: unknown[] }) => r.history.length === 2));
    const svg = readFileSync(join(out, "curves.svg"), "utf8");
    for (const name of ["sgd-momentum", "adam", "adam-dropout"]) assert.ok(svg.includes(name), name);
    const again = JSON.parse(lantern(...args, "--json").stdout);
    assert.deepEqual(again.runs.map((r: { finalLoss: number }) => r.finalLoss), report.runs.map((r: { finalLoss: number }) => r.finalLoss));
    const table = lantern(...args, "--arms", "sgd");
    assert.match(table.stdout, /run\s+lr\s+momentum\s+dropout\s+augment\s+test acc/);
  });
});
