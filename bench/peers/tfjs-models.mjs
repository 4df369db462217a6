// ResNet-18 (He et al. 2016) and MobileNetV2 (Sandler et al. 2018) as TF.js layer graphs, NHWC,
// with torchvision's shapes (random weights: only the speed is measured). TF.js's "same" padding
// with stride 2 pads bottom/right where torchvision pads symmetrically: same output sizes, same work.

function convBn(tf, x, filters, kernelSize, strides, activation) {
  let y = tf.layers.conv2d({ filters, kernelSize, strides, padding: "same", useBias: false }).apply(x);
  y = tf.layers.batchNormalization().apply(y);
  if (activation === "relu") return tf.layers.reLU().apply(y);
  if (activation === "relu6") return tf.layers.reLU({ maxValue: 6 }).apply(y);
  return y;
}

function classifier(tf, x) {
  const pooled = tf.layers.globalAveragePooling2d({}).apply(x);
  return tf.layers.dense({ units: 1000 }).apply(pooled);
}

export function tfjsResnet18(tf) {
  const input = tf.input({ shape: [224, 224, 3] });
  let x = convBn(tf, input, 64, 7, 2, "relu");
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same" }).apply(x);
  let channels = 64;
  for (const [width, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    for (let block = 0; block < 2; block++) {
      const s = block === 0 ? stride : 1;
      const y = convBn(tf, convBn(tf, x, width, 3, s, "relu"), width, 3, 1, null);
      const shortcut = s !== 1 || channels !== width ? convBn(tf, x, width, 1, s, null) : x;
      x = tf.layers.reLU().apply(tf.layers.add().apply([y, shortcut]));
      channels = width;
    }
  }
  return tf.model({ inputs: input, outputs: classifier(tf, x) });
}

export function tfjsMobilenetV2(tf) {
  const input = tf.input({ shape: [224, 224, 3] });
  let x = convBn(tf, input, 32, 3, 2, "relu6");
  let channels = 32;
  const settings = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
  for (const [expand, width, repeats, stride] of settings) {
    for (let i = 0; i < repeats; i++) {
      const s = i === 0 ? stride : 1;
      let y = expand === 1 ? x : convBn(tf, x, channels * expand, 1, 1, "relu6");
      y = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: s, padding: "same", useBias: false }).apply(y);
      y = tf.layers.reLU({ maxValue: 6 }).apply(tf.layers.batchNormalization().apply(y));
      y = convBn(tf, y, width, 1, 1, null);
      x = s === 1 && channels === width ? tf.layers.add().apply([x, y]) : y;
      channels = width;
    }
  }
  x = convBn(tf, x, 1280, 1, 1, "relu6");
  return tf.model({ inputs: input, outputs: classifier(tf, x) });
}
