import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recommendCommand } from "../../src/cli/commands/recommend.js";
import { isInputError } from "../../src/cli/errors.js";
import { run } from "../decomposition/run-command.js";
import { Generator } from "../../src/random/generator.js";

const dir = mkdtempSync(join(tmpdir(), "lantern-recommend-"));
const g = new Generator(3);
const lines: string[] = [];
for (let u = 1; u <= 40; u++) for (let i = 1; i <= 30; i++) if (g.uniform() < 0.4) lines.push(`${u}\t${i}\t${1 + Math.floor(g.uniform() * 5)}\t${800000000 + u * i}`);
const ratings = join(dir, "ratings.tsv");
writeFileSync(ratings, lines.slice(0, Math.floor(lines.length * 0.8)).join("\n"));
const held = join(dir, "test.tsv");
writeFileSync(held, lines.slice(Math.floor(lines.length * 0.8)).join("\n"));

test("lantern recommend --json: RMSE/MAE for both methods, with --test or a seeded --test-fraction", async () => {
  const svd = JSON.parse(await run(recommendCommand(), ["--ratings", ratings, "--test", held, "--rank", "3", "--json"]));
  assert.equal(svd.method, "mean-fill-svd");
  assert.equal(svd.rank, 3);
  assert.ok(svd.rmse > 0 && svd.mae > 0 && svd.mae <= svd.rmse);
  assert.equal(svd.test.ratings, lines.length - Math.floor(lines.length * 0.8));
  const mf = JSON.parse(await run(recommendCommand(), ["--ratings", ratings, "--method", "biased-mf", "--rank", "5", "--epochs", "5", "--test-fraction", "0.25", "--seed", "7", "--json"]));
  assert.equal(mf.algorithm, "sgd");
  assert.equal(mf.rank, 5);
  const again = JSON.parse(await run(recommendCommand(), ["--ratings", ratings, "--method", "biased-mf", "--rank", "5", "--epochs", "5", "--test-fraction", "0.25", "--seed", "7", "--json"]));
  assert.equal(again.rmse, mf.rmse, "a seed reproduces the split and the model");
  const text = await run(recommendCommand(), ["--ratings", ratings, "--method", "biased-mf", "--algorithm", "als", "--rank", "3", "--epochs", "3"]);
  assert.match(text, /global mean/);
});

test("lantern recommend: bad input is reported against the flag or file", async () => {
  const bad = join(dir, "bad.tsv");
  writeFileSync(bad, "1\t2\t5\n1\t3\tfive\n");
  await assert.rejects(run(recommendCommand(), ["--ratings", bad]), (e: unknown) => isInputError(e) && /bad\.tsv: line 2, column 3 \("rating"\): "five" is not a number/.test((e as Error).message));
  await assert.rejects(run(recommendCommand(), ["--ratings", ratings, "--test", held, "--test-fraction", "0.2"]), /give one or the other/);
  await assert.rejects(run(recommendCommand(), ["--ratings", ratings, "--lr", "0.1"]), /--lr: only used by --method biased-mf/);
  await assert.rejects(run(recommendCommand(), ["--ratings", ratings, "--rank", "0"]), /--rank: expected an integer >= 1, got "0"/);
});
