import type { Module } from "../../nn/modules/module.js";
import { skipInit } from "../../nn/modules/init.js";
import { lenet5 } from "./lenet.js";
import { alexnet } from "./alexnet.js";
import { vgg11, vgg11Bn, vgg13, vgg13Bn, vgg16, vgg16Bn, vgg19, vgg19Bn } from "./vgg.js";
import {
  resnet18, resnet34, resnet50, resnet101, resnet152, resnext50_32x4d, resnext101_32x8d, resnext101_64x4d, wide_resnet50_2,
  wide_resnet101_2,
} from "./resnet.js";
import { googlenet } from "./googlenet.js";
import { inceptionV3 } from "./inception.js";
import { mobilenetV1 } from "./mobilenet-v1.js";
import { mobilenetV2 } from "./mobilenet-v2.js";
import { mobilenetV3Large, mobilenetV3Small } from "./mobilenet-v3.js";
import {
  EFFICIENTNET_RESOLUTION, efficientnetB0, efficientnetB1, efficientnetB2, efficientnetB3, efficientnetB4, efficientnetB5,
  efficientnetB6, efficientnetB7,
} from "./efficientnet.js";

/** How a model's published weights expect their input (torchvision's ImageClassification preset). */
export interface Preprocessing {
  resizeSize: number;
  cropSize: number;
  interpolation: "bilinear" | "bicubic";
}

export interface ModelEntry {
  /** torchvision's name (also accepted: the camelCase builder name). */
  name: string;
  /** Builds the model; options as the builder's. */
  build: (opts?: Record<string, unknown>) => Module;
  /** [C, H, W] the model is usually run at (the summary default). */
  inputShape: [number, number, number];
  /** Present for ImageNet classifiers: what `lantern classify` feeds them. */
  imagenet?: Preprocessing;
  /** Options that torchvision's builder sets when it loads pretrained weights (GoogLeNet / Inception's transform_input). */
  pretrainedOptions?: Record<string, unknown>;
}

type Builder = (opts?: never) => Module;
const imagenet = (cropSize = 224, resizeSize = 256, interpolation: Preprocessing["interpolation"] = "bilinear"): Preprocessing => ({ cropSize, resizeSize, interpolation });
const entry = (name: string, build: Builder, size = 224, pre: Preprocessing | undefined = imagenet(), extra: Partial<ModelEntry> = {}): ModelEntry => ({
  name, build: build as ModelEntry["build"], inputShape: [3, size, size], imagenet: pre, ...extra,
});

/** EfficientNet weights' evaluation sizes: B1 uses torchvision's V2 recipe (bilinear, resize 255), the others bicubic. */
const EFFICIENTNET_RESIZE = [256, 255, 288, 320, 384, 456, 528, 600];
const efficientnet = (i: number, build: Builder) =>
  entry(`efficientnet_b${i}`, build, EFFICIENTNET_RESOLUTION[i], imagenet(EFFICIENTNET_RESOLUTION[i], EFFICIENTNET_RESIZE[i], i === 1 ? "bilinear" : "bicubic"));

const ENTRIES: ModelEntry[] = [
  { name: "lenet5", build: lenet5 as ModelEntry["build"], inputShape: [1, 28, 28] },
  entry("alexnet", alexnet),
  entry("vgg11", vgg11), entry("vgg11_bn", vgg11Bn), entry("vgg13", vgg13), entry("vgg13_bn", vgg13Bn),
  entry("vgg16", vgg16), entry("vgg16_bn", vgg16Bn), entry("vgg19", vgg19), entry("vgg19_bn", vgg19Bn),
  entry("resnet18", resnet18), entry("resnet34", resnet34), entry("resnet50", resnet50), entry("resnet101", resnet101),
  entry("resnet152", resnet152), entry("resnext50_32x4d", resnext50_32x4d), entry("resnext101_32x8d", resnext101_32x8d),
  entry("resnext101_64x4d", resnext101_64x4d), entry("wide_resnet50_2", wide_resnet50_2), entry("wide_resnet101_2", wide_resnet101_2),
  entry("googlenet", googlenet, 224, imagenet(), { pretrainedOptions: { transformInput: true } }),
  entry("inception_v3", inceptionV3, 299, imagenet(299, 342), { pretrainedOptions: { transformInput: true } }),
  entry("mobilenet_v1", mobilenetV1),
  entry("mobilenet_v2", mobilenetV2), entry("mobilenet_v3_small", mobilenetV3Small), entry("mobilenet_v3_large", mobilenetV3Large),
  efficientnet(0, efficientnetB0), efficientnet(1, efficientnetB1), efficientnet(2, efficientnetB2), efficientnet(3, efficientnetB3),
  efficientnet(4, efficientnetB4), efficientnet(5, efficientnetB5), efficientnet(6, efficientnetB6), efficientnet(7, efficientnetB7),
];

/** "mobilenet_v2", "mobilenetV2" and "MobileNet-V2" all name the same model. */
const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");
const BY_KEY = new Map(ENTRIES.map((e) => [normalise(e.name), e]));

/** Every registered model's torchvision name. */
export function listModels(): string[] {
  return ENTRIES.map((e) => e.name);
}

/** The registry entry for `name`, or a RangeError listing the known names. */
export function modelEntry(name: string): ModelEntry {
  const found = BY_KEY.get(normalise(name));
  if (!found) throw new RangeError(`unknown model "${name}" (expected one of ${listModels().join(", ")})`);
  return found;
}

/**
 * Builds a model by name. With `skipInit: true` the parameters are left at zero instead of drawn
 * at random, for when a checkpoint is loaded next or only shapes matter (a summary): building
 * VGG-16's 138M parameters then takes a fraction of a second instead of tens of seconds.
 */
export function getModel(name: string, opts: Record<string, unknown> & { skipInit?: boolean } = {}): Module {
  const { skipInit: skip, ...options } = opts;
  const { build } = modelEntry(name);
  return skip ? skipInit(() => build(options)) : build(options);
}
