import type { TypedArray } from "../../tensor/dtype.js";

function checkIndex(i: number, size: number, op: string): void {
  if (i < 0 || i >= size) throw new RangeError(`${op}: index ${i} is out of bounds for a dimension of size ${size}`);
}

export function gather(x: TypedArray, index: Int32Array, outer: number, size: number, inner: number, indexSize: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < indexSize; i++) {
      const src = index[i];
      checkIndex(src, size, "indexSelect");
      const from = (o * size + src) * inner;
      const to = (o * indexSize + i) * inner;
      for (let j = 0; j < inner; j++) out[to + j] = x[from + j];
    }
  }
}

export function scatterAdd(src: TypedArray, index: Int32Array, outer: number, size: number, inner: number, indexSize: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < indexSize; i++) {
      const dst = index[i];
      checkIndex(dst, size, "indexAdd");
      const from = (o * indexSize + i) * inner;
      const to = (o * size + dst) * inner;
      for (let j = 0; j < inner; j++) out[to + j] += src[from + j];
    }
  }
}

export function gatherAlong(x: TypedArray, index: Int32Array, outer: number, size: number, inner: number, indexSize: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < indexSize; i++) {
      const row = (o * indexSize + i) * inner;
      for (let j = 0; j < inner; j++) {
        const src = index[row + j];
        checkIndex(src, size, "gather");
        out[row + j] = x[(o * size + src) * inner + j];
      }
    }
  }
}

export function scatterAddAlong(src: TypedArray, index: Int32Array, outer: number, size: number, inner: number, indexSize: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < indexSize; i++) {
      const row = (o * indexSize + i) * inner;
      for (let j = 0; j < inner; j++) {
        const dst = index[row + j];
        checkIndex(dst, size, "scatterAdd");
        out[(o * size + dst) * inner + j] += src[row + j];
      }
    }
  }
}
