/** lt.train: training loops, metrics, checkpoints and the small models the CLI trains. */
export { Trainer } from "./trainer.js";
export type { TrainerOptions, EpochMetrics, EarlyStoppingOptions, FitResult } from "./trainer.js";
export { trainStep, trainEpoch, evaluate } from "./loop.js";
export type { LossFn, StepOptions, StepResult, TrainEpochOptions, EpochResult, EvalOptions, EvalResult } from "./loop.js";
export { ConfusionMatrix, MetricAccumulator, targetRanks, predictions } from "./metrics.js";
export { saveCheckpoint, loadCheckpoint, readCheckpoint } from "./checkpoint.js";
export type { CheckpointParts, CheckpointContents } from "./checkpoint.js";
export { ProgressBar, formatDuration } from "./progress.js";
export { trainingCurves } from "./curves.js";
export type { CurvePoint } from "./curves.js";
export { SmallCnn } from "./models/small-cnn.js";
export type { SmallCnnOptions } from "./models/small-cnn.js";
export { ResNetCifar } from "./models/resnet-cifar.js";
export type { ResNetCifarOptions } from "./models/resnet-cifar.js";
export { freeze, unfreeze, replaceModule, trainableParameters } from "./fine-tune.js";
export { compareOptimizers, OPTIMIZER_ARMS } from "./experiment.js";
export type { ExperimentArm, ExperimentOptions, ArmResult } from "./experiment.js";
export { buildModel, buildOptimizer, buildScheduler, loadSplits, addClassifierDropout, DATASETS, MODEL_NAMES } from "./setup.js";
