import { existsSync, readFileSync } from "node:fs";

/** Absolute path of a file in test/fixtures (tests run from dist/test/...). */
export const fixturePath = (name: string): string => new URL(`../../../../test/fixtures/${name}`, import.meta.url).pathname;

/**
 * The 14 MB torchvision MobileNetV2 checkpoint stays in the project's shared fixtures (beside the
 * checkout, as in CI) rather than in git; tests that need it skip with this reason when it is absent.
 */
const MOBILENET_V2 = new URL("../../../../../shared/fixtures/mobilenet_v2.safetensors", import.meta.url).pathname;
export const mobilenetV2Weights: string | null = existsSync(MOBILENET_V2) ? MOBILENET_V2 : null;
export const NEEDS_MOBILENET_V2 = mobilenetV2Weights ? false : "needs ../shared/fixtures/mobilenet_v2.safetensors beside the checkout";

export interface ArchitectureCase {
  id: string;
  model: string;
  options: Record<string, unknown>;
  keys: [string, number[]][];
  totals: { input: number[]; output: number[]; params: number; trainable: number; bn_buffers: number; macs: number };
  logits?: { input: number[]; shape: number[]; head: number[][]; mean: number; std: number; argmax: number[] };
}

/** A model's logits on the PNG test card through torchvision's ImageClassification preset (224). */
export interface ClassifyReference {
  image: string;
  logits_head: number[];
  top5: { index: number; probability: number }[];
}

export interface ArchitectureFixture {
  torch: string;
  torchvision: string;
  cases: ArchitectureCase[];
  half_precision: Record<"F16" | "BF16", { file: string; input: number[]; logits: number[] }>;
  local_response_norm: { size: number; alpha: number; beta: number; k: number; shape: number[]; input: number[]; output: number[] }[];
  images: {
    files: Record<"png" | "jpeg" | "webp", string>;
    crops: { file: string; resize: number; crop: number; interpolation: "bilinear" | "bicubic"; sha256: string; bytes: string | null; tensor_head: number[]; tensor_sum: number }[];
    mobilenet_v2: ClassifyReference;
    mobilenet_v3_small_deterministic: ClassifyReference;
  };
}

/** test/fixtures/vision-architectures.json, made by gen_vision.py with torchvision 0.14. */
export const architectures = JSON.parse(readFileSync(fixturePath("vision-architectures.json"), "utf8")) as ArchitectureFixture;

export interface PublicModel {
  model: string;
  input: number[];
  output: number[];
  params: number;
  trainable: number;
  bn_buffers: number;
  flops_torch_counter: number;
  macs: number;
}

/** The `models` and `summaries` sections of the shared PyTorch 2.11 fixture (test/fixtures/vision-models.json). */
export const publicModels = JSON.parse(readFileSync(fixturePath("vision-models.json"), "utf8")) as {
  torch: string;
  models: PublicModel[];
  summaries: Record<"resnet18" | "lenet5", { name: string; type: string; output: number[]; params: number }[]>;
};
