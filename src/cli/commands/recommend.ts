import { Command, Option } from "commander";
import { readRatingTriples } from "../../io/table.js";
import { BiasedMF, evaluate, globalMean, mae, ratingsFromTriples, rmse, SVDRecommender, trainTestSplit } from "../../recommend/index.js";
import type { Ratings } from "../../recommend/index.js";
import { InputError } from "../errors.js";
import { formatTable, printJson } from "../output.js";
import { integerFlag, numberFlag } from "../options.js";

const METHODS = ["mean-fill-svd", "biased-mf"] as const;
type Method = (typeof METHODS)[number];

interface RecommendFlags {
  ratings: string;
  rank?: string;
  method: Method;
  algorithm: "sgd" | "als";
  test?: string;
  testFraction?: string;
  seed: string;
  epochs?: string;
  lr?: string;
  reg?: string;
  json?: boolean;
}

export function recommendCommand(): Command {
  return new Command("recommend")
    .description("rating prediction with RMSE/MAE: the notes' mean-filled truncated SVD, or biased matrix factorisation")
    .requiredOption("--ratings <file>", "training ratings: user, item, rating[, timestamp] per line (tab, comma or '::' separated)")
    .option("--rank <k>", "singular values kept (mean-fill-svd, default 10) or latent factors (biased-mf, default 100 for sgd, 50 for als)")
    .addOption(new Option("--method <m>", "mean-fill-svd: fill missing ratings with the global mean, keep the top-k SVD; biased-mf: biases + factors fitted on the observed ratings").choices([...METHODS]).default("mean-fill-svd"))
    .addOption(new Option("--algorithm <a>", "biased-mf training: stochastic gradient descent or alternating least squares").choices(["sgd", "als"]).default("sgd"))
    .option("--test <file>", "held-out ratings to score (same format); otherwise a random --test-fraction of --ratings")
    .option("--test-fraction <f>", "share of --ratings held out when no --test is given (default 0.2)")
    .option("--seed <n>", "seed of the split and of the model", "0")
    .option("--epochs <n>", "biased-mf: passes (sgd, default 40) or sweeps (als, default 10)")
    .option("--lr <x>", "biased-mf sgd: learning rate (default 0.01)")
    .option("--reg <x>", "biased-mf: L2 penalty (default 0.1)")
    .option("--json", "print one JSON document on stdout")
    .action((flags: RecommendFlags) => runRecommend(flags));
}

function runRecommend(flags: RecommendFlags): void {
  if (flags.test !== undefined && flags.testFraction !== undefined) throw new InputError("--test and --test-fraction: give one or the other");
  const seed = integerFlag("--seed", flags.seed, 0);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let train: Ratings;
  let test: Ratings;
  if (flags.test !== undefined) {
    train = ratingsFromTriples(readRatingTriples(flags.ratings));
    test = ratingsFromTriples(readRatingTriples(flags.test), train);
  } else {
    const fraction = flags.testFraction === undefined ? 0.2 : numberFlag("--test-fraction", flags.testFraction, (v) => v > 0 && v < 1, "a fraction in (0, 1)");
    ({ train, test } = trainTestSplit(ratingsFromTriples(readRatingTriples(flags.ratings)), { testFraction: fraction, seed }));
  }
  const rank = flags.rank === undefined ? undefined : integerFlag("--rank", flags.rank, 1);
  const model = buildModel(flags, rank, seed, train, log);
  const start = performance.now();
  model.fit(train);
  const seconds = (performance.now() - start) / 1000;
  const scores = evaluate(model, test);
  const mean = globalMean(train);
  const baseline = new Float64Array(test.values.length).fill(mean);
  const result = {
    method: flags.method, algorithm: flags.method === "biased-mf" ? flags.algorithm : null,
    rank: model instanceof BiasedMF ? model.nFactors : model.rank,
    train: { ratings: train.values.length, users: countDistinct(train.users), items: countDistinct(train.items) },
    test: { ratings: test.values.length, source: flags.test ?? `random ${flags.testFraction ?? 0.2} of ${flags.ratings}` },
    rmse: scores.rmse, mae: scores.mae,
    baseline: { globalMean: mean, rmse: rmse(baseline, test.values), mae: mae(baseline, test.values) },
    seed, fitSeconds: seconds,
  };
  if (flags.json) {
    printJson(result);
    return;
  }
  console.log(`${flags.method}${result.algorithm ? ` (${result.algorithm})` : ""}, rank ${result.rank}: trained on ${result.train.ratings} ratings (${result.train.users} users, ${result.train.items} items) in ${seconds.toFixed(2)} s\n`);
  console.log(formatTable(["predictor", "RMSE", "MAE"], [
    [flags.method, scores.rmse.toFixed(4), scores.mae.toFixed(4)],
    ["global mean", result.baseline.rmse.toFixed(4), result.baseline.mae.toFixed(4)],
  ]));
  console.log(`\nscored on ${test.values.length} held-out ratings (${result.test.source})`);
}

function buildModel(flags: RecommendFlags, rank: number | undefined, seed: number, train: Ratings, log: (line: string) => void): SVDRecommender | BiasedMF {
  const optional = (flag: string, value: string | undefined, check: (v: number) => boolean, expected: string) =>
    value === undefined ? undefined : numberFlag(flag, value, check, expected);
  if (flags.method === "mean-fill-svd") {
    for (const flag of ["epochs", "lr", "reg"] as const) {
      if (flags[flag] !== undefined) throw new InputError(`--${flag}: only used by --method biased-mf`);
    }
    const limit = Math.min(train.userIds.length, train.itemIds.length);
    if (rank !== undefined && rank > limit) throw new InputError(`--rank: the ratings have ${train.userIds.length} users and ${train.itemIds.length} items, so at most ${limit}, got ${rank}`);
    return new SVDRecommender({ rank, seed });
  }
  return new BiasedMF({
    nFactors: rank, algorithm: flags.algorithm, seed,
    epochs: flags.epochs === undefined ? undefined : integerFlag("--epochs", flags.epochs, 1),
    lr: optional("--lr", flags.lr, (v) => v > 0, "a positive number"),
    reg: optional("--reg", flags.reg, (v) => v >= 0, "a nonnegative number"),
    onEpoch: process.stderr.isTTY ? (epoch, trainRmse) => log(`epoch ${epoch}: training RMSE ${trainRmse.toFixed(4)}`) : undefined,
  });
}

function countDistinct(indices: Int32Array): number {
  return new Set(indices).size;
}
