import { test } from "node:test";
import assert from "node:assert/strict";
import { barChart, lineChart, niceTicks, scatterPlot } from "../../src/plot/index.js";

function wellFormed(svg: string): void {
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  assert.doesNotMatch(svg, /NaN|undefined|Infinity/);
}

test("niceTicks: round steps that cover the range", () => {
  assert.deepEqual(niceTicks(0, 1, 6), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-3.2, 3.8, 6), [-4, -2, 0, 2, 4]);
  assert.deepEqual(niceTicks(5, 5).length > 1, true);
});

test("scatterPlot: one circle per point, a colour and legend entry per group, escaped text", () => {
  const svg = scatterPlot([0, 1, 2, 3], [1, 0, 1, 0], { groups: ["b", "a", "b", "a"], title: "x < y & z" });
  wellFormed(svg);
  assert.equal(svg.match(/<circle /g)!.length, 4 + 2);
  assert.match(svg, /x &lt; y &amp; z/);
  assert.equal(new Set(svg.match(/fill="#[0-9a-f]{6}" fill-opacity/g)).size, 2);
  assert.throws(() => scatterPlot([1, 2], [1]), /scatterPlot: y has 1 values, expected 2/);
  assert.throws(() => scatterPlot([1, NaN], [1, 2]), /x\[1\] is NaN/);
});

test("lineChart and barChart: series, overlay lines and legends", () => {
  const line = lineChart([{ name: "a", x: [1, 2, 3], y: [1, 4, 9] }, { name: "b", x: [1, 2, 3], y: [2, 3, 4] }], { xLabel: "k" });
  wellFormed(line);
  assert.equal(line.match(/<polyline /g)!.length, 2);
  const bars = barChart(["PC1", "PC2", "PC3"], [0.7, 0.2, 0.1], { lines: [{ name: "cumulative", values: [0.7, 0.9, 1] }], yDomain: [0, 1] });
  wellFormed(bars);
  assert.equal(bars.match(/<rect x=/g)!.length, 3 + 1);
  assert.match(bars, />cumulative</);
  assert.throws(() => barChart(["a"], [1, 2]), /barChart: values has 2 values, expected 1/);
});
