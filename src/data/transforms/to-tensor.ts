import { Tensor } from "../../tensor/tensor.js";

/** Decoded pixels as image libraries hand them over: rows of interleaved channels (HWC), 8 bits each. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/**
 * HWC uint8 pixels to a CHW float32 tensor in [0, 1] (torchvision.transforms.ToTensor), the form
 * every transform here expects.
 */
export function toTensor(image: DecodedImage): Tensor {
  const { data, width, height, channels } = image;
  if (data.length !== width * height * channels) {
    throw new RangeError(`toTensor: ${data.length} bytes do not make a ${height}x${width} image of ${channels} channels`);
  }
  const plane = width * height;
  const out = new Float32Array(data.length);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < channels; c++) out[c * plane + i] = data[i * channels + c] / 255;
  }
  return Tensor.fromTypedArray(out, [channels, height, width]);
}
