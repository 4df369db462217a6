import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../../src/index.js";
import type { Tensor } from "../../../src/index.js";
import * as nn from "../../../src/nn/index.js";
import { assertClose, assertThrowsWith } from "../../helpers/assert.js";

/** A two-level model shaped like torchvision's: a Sequential with a BatchNorm, then a head. */
class Net extends nn.Module {
  features = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2), new nn.ReLU());
  head = new nn.Linear(8, 3);

  forward(x: Tensor): Tensor {
    return this.head.call(this.features.call(x).flatten(1));
  }
}

const NET_KEYS = [
  "features.0.weight", "features.0.bias",
  "features.1.weight", "features.1.bias", "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked",
  "head.weight", "head.bias",
];

describe("Module registration", () => {
  test("fields become parameters, buffers and submodules with PyTorch's dotted keys, in definition order", () => {
    const net = new Net();
    assert.deepEqual(Object.keys(net.stateDict()), NET_KEYS);
    assert.deepEqual(net.namedParameters().map(([n]) => n), NET_KEYS.filter((k) => !/running|num_batches/.test(k)));
    assert.deepEqual(net.namedBuffers().map(([n]) => n), ["features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked"]);
    assert.deepEqual(net.namedModules().map(([n]) => n), ["", "features", "features.0", "features.1", "features.2", "head"]);
    assert.deepEqual(net.namedChildren().map(([n, m]) => [n, m.constructor.name]), [["features", "Sequential"], ["head", "Linear"]]);
    assert.equal(net.numParameters(), 2 * 9 + 2 + 2 + 2 + 8 * 3 + 3);
    assert.equal(net.stateDict()["features.1.num_batches_tracked"].dtype, "int32");
    for (const p of net.parameters()) assert.ok(p instanceof nn.Parameter && p.requiresGrad && p.isLeaf);
  });

  test("plain tensor fields are not state; registerBuffer persistent:false is a buffer but not saved", () => {
    class Holder extends nn.Module {
      scratch = lt.zeros([2]);
      constructor() {
        super();
        this.registerBuffer("mask", lt.ones([2]), { persistent: false });
        this.registerBuffer("scale", lt.ones([1]));
        this.registerParameter("w", lt.zeros([3]));
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const h = new Holder();
    assert.deepEqual(Object.keys(h.stateDict()), ["w", "scale"]);
    assert.deepEqual(h.namedBuffers().map(([n]) => n), ["mask", "scale"]);
    assert.ok((h as unknown as { w: Tensor }).w instanceof nn.Parameter);
  });

  test("a null field (bias: false) is absent, and a re-assigned field is picked up", () => {
    const linear = new nn.Linear(2, 2, { bias: false });
    assert.deepEqual(Object.keys(linear.stateDict()), ["weight"]);
    linear.bias = new nn.Parameter(lt.zeros([2]));
    assert.deepEqual(Object.keys(linear.stateDict()), ["weight", "bias"]);
  });

  test("registration refuses names that are empty, dotted or hide a member", () => {
    const m = new nn.Sequential();
    assertThrowsWith(() => m.registerModule("a.b", new nn.ReLU()), '"a.b"');
    assertThrowsWith(() => m.registerModule("", new nn.ReLU()), "non-empty");
    assertThrowsWith(() => m.registerModule("forward", new nn.ReLU()), 'cannot register module "forward"');
    assertThrowsWith(() => m.registerParameter("training", lt.zeros([1])), 'cannot register parameter "training"');
  });

  test("tied weights: parameters() lists a shared tensor once, stateDict() under both keys", () => {
    class Tied extends nn.Module {
      embed = new nn.Embedding(5, 3);
      out = new nn.Linear(3, 5, { bias: false });
      constructor() {
        super();
        this.out.weight = this.embed.weight;
      }
      forward(x: Tensor): Tensor {
        return this.out.call(this.embed.call(x));
      }
    }
    const t = new Tied();
    assert.deepEqual(t.namedParameters().map(([n]) => n), ["embed.weight"]);
    assert.deepEqual(Object.keys(t.stateDict()), ["embed.weight", "out.weight"]);
    assert.equal(t.numParameters(), 15);
    t.to("float64");
    assert.equal(t.out.weight, t.embed.weight, "to() keeps the tie");
    assert.equal(t.embed.weight.dtype, "float64");
  });

  test("getSubmodule follows dotted paths and names the missing segment", () => {
    const net = new Net();
    assert.ok(net.getSubmodule("features.1") instanceof nn.BatchNorm2d);
    assert.equal(net.getSubmodule(""), net);
    assertThrowsWith(() => net.getSubmodule("features.7"), 'no submodule "7"', "features.7");
  });
});

describe("Module state dict", () => {
  test("stateDict values share storage with the module but are detached", () => {
    const linear = new nn.Linear(2, 2);
    const w = linear.stateDict().weight;
    assert.equal(w.requiresGrad, false);
    lt.noGrad(() => linear.weight.fill_(3));
    assert.deepEqual([...w.toArray()], [3, 3, 3, 3]);
  });

  test("loadStateDict copies values and converts dtype (float64 weights, float32 num_batches_tracked)", () => {
    const a = new Net();
    const dict: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(a.stateDict())) dict[k] = lt.randLike(v.to("float32")).to(k.endsWith("num_batches_tracked") ? "float32" : "float64");
    dict["features.1.num_batches_tracked"] = lt.tensor(7);
    const b = new Net();
    const before = b.features[0] as nn.Conv2d;
    const weight = before.weight;
    assert.deepEqual(b.loadStateDict(dict), { missingKeys: [], unexpectedKeys: [] });
    assert.equal(before.weight, weight, "copied into the existing tensor");
    assert.equal(weight.dtype, "float32");
    assertClose(weight, dict["features.0.weight"], { rtol: 1e-6 });
    const tracked = (b.features[1] as nn.BatchNorm2d).num_batches_tracked!;
    assert.equal(tracked.dtype, "int32");
    assert.equal(tracked.item(), 7);
  });

  test("strict loading lists every missing and unexpected key and loads nothing", () => {
    const net = new Net();
    const dict = net.stateDict();
    const original = net.head.weight.toArray();
    const changed: Record<string, Tensor> = { ...dict, "head.weight": lt.ones([3, 8]), "extra.weight": lt.ones([1]) };
    delete changed["features.0.bias"];
    delete changed["head.bias"];
    assert.throws(() => net.loadStateDict(changed), (e: unknown) => {
      assert.ok(e instanceof nn.StateDictError);
      assert.match(e.message, /missing keys: features\.0\.bias, head\.bias/);
      assert.match(e.message, /unexpected keys: extra\.weight/);
      assert.deepEqual(e.missingKeys, ["features.0.bias", "head.bias"]);
      assert.deepEqual(e.unexpectedKeys, ["extra.weight"]);
      return true;
    });
    assert.deepEqual(net.head.weight.toArray(), original, "nothing was copied");
  });

  test("non-strict loading reports the differences and loads the rest; shape mismatches always throw", () => {
    const net = new Net();
    const result = net.loadStateDict({ "head.weight": lt.ones([3, 8]), bogus: lt.ones([1]) }, { strict: false });
    assert.deepEqual(result.unexpectedKeys, ["bogus"]);
    assert.equal(result.missingKeys.length, NET_KEYS.length - 1);
    assert.deepEqual([...net.head.weight.toArray()], new Array(24).fill(1));
    assertThrowsWith(
      () => net.loadStateDict({ "head.weight": lt.ones([2, 8]) }, { strict: false }),
      "shape mismatch for head.weight ([2, 8] in the dict, [3, 8] in the model)",
    );
  });
});

describe("Module modes and bulk operations", () => {
  test("train()/eval() reach every descendant and return the module", () => {
    const net = new Net();
    assert.equal(net.eval(), net);
    assert.ok(net.modules().every((m) => !m.training));
    net.train();
    assert.ok(net.modules().every((m) => m.training));
  });

  test("apply visits children before parents; zeroGrad clears gradients; requiresGrad_ freezes", () => {
    const net = new Net();
    const order: string[] = [];
    net.apply((m) => order.push(m.constructor.name));
    assert.deepEqual(order, ["Conv2d", "BatchNorm2d", "ReLU", "Sequential", "Linear", "Net"]);
    net.call(lt.randn([2, 1, 4, 4])).sum().backward();
    assert.ok(net.parameters().every((p) => p.grad !== null));
    net.zeroGrad();
    assert.ok(net.parameters().every((p) => p.grad === null));
    net.requiresGrad_(false);
    assert.equal(net.numParameters({ trainableOnly: true }), 0);
  });

  test("to(float64) converts floating parameters and buffers, keeps int buffers, and the model runs in float64", () => {
    const net = new Net().double();
    assert.ok(net.parameters().every((p) => p.dtype === "float64" && p.requiresGrad && p instanceof nn.Parameter));
    const bn = net.features[1] as nn.BatchNorm2d;
    assert.equal(bn.running_mean!.dtype, "float64");
    assert.equal(bn.num_batches_tracked!.dtype, "int32");
    assert.equal(net.call(lt.randn([2, 1, 4, 4], { dtype: "float64" })).dtype, "float64");
  });

  test("forward hooks see inputs and output, can replace the output, and can be removed", () => {
    const relu = new nn.ReLU();
    const seen: unknown[] = [];
    const handle = relu.registerForwardHook((m, inputs, output) => {
      seen.push(m, inputs.length, (output as Tensor).shape);
      return (output as Tensor).add(1);
    });
    const seq = new nn.Sequential(relu);
    assert.deepEqual([...seq.forward(lt.tensor([-1, 2])).toArray()], [1, 3]);
    assert.deepEqual(seen, [relu, 1, [2]]);
    handle.remove();
    assert.deepEqual([...seq.forward(lt.tensor([-1, 2])).toArray()], [0, 2]);
  });

  test("toString prints the tree as PyTorch's print(model)", () => {
    assert.equal(
      new Net().toString(),
      [
        "Net(",
        "  (features): Sequential(",
        "    (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))",
        "    (1): BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)",
        "    (2): ReLU()",
        "  )",
        "  (head): Linear(in_features=8, out_features=3, bias=True)",
        ")",
      ].join("\n"),
    );
  });
});

describe("containers", () => {
  test("Sequential: numbered children, indexing, iteration, slicing with names kept, append", () => {
    const a = new nn.Linear(2, 3);
    const b = new nn.ReLU();
    const c = new nn.Linear(3, 1);
    const seq = new nn.Sequential(a, b, c);
    assert.equal(seq.length, 3);
    assert.equal(seq[0], a);
    assert.equal(seq.at(-1), c);
    assert.deepEqual([...seq], [a, b, c]);
    assert.deepEqual(Object.keys(seq.slice(1).stateDict()), ["2.weight", "2.bias"]);
    assertThrowsWith(() => seq.at(3), "index 3 is out of range for 3 modules");
    seq.append(new nn.Sigmoid());
    assert.equal(seq.length, 4);
    const x = lt.randn([4, 2]);
    assertClose(seq.forward(x), c.forward(b.forward(a.forward(x))).sigmoid());
  });

  test("Sequential from a record keeps the names", () => {
    const seq = new nn.Sequential({ conv: new nn.Conv2d(1, 1, 1), act: new nn.ReLU() });
    assert.deepEqual(Object.keys(seq.stateDict()), ["conv.weight", "conv.bias"]);
  });

  test("ModuleList and ModuleDict register their modules but have no forward", () => {
    const list = new nn.ModuleList([new nn.Linear(1, 1)]).extend([new nn.Linear(1, 2)]);
    assert.deepEqual(Object.keys(list.stateDict()), ["0.weight", "0.bias", "1.weight", "1.bias"]);
    assert.equal(list.at(1), list[1]);
    assertThrowsWith(() => list.forward(), "ModuleList has no forward()");
    const dict = new nn.ModuleDict({ enc: new nn.Linear(1, 1) }).set("dec", new nn.Linear(1, 1, { bias: false }));
    assert.deepEqual(dict.keys(), ["enc", "dec"]);
    assert.ok(dict.get("dec") instanceof nn.Linear);
    assert.equal(dict.has("nope"), false);
    assert.deepEqual(Object.keys(dict.stateDict()), ["enc.weight", "enc.bias", "dec.weight"]);
    assertThrowsWith(() => dict.set("keys", new nn.ReLU()), 'cannot register module "keys"');
  });
});
