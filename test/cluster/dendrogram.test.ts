import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { dendrogram, dendrogramSvg, linkage } from "../../src/cluster/index.js";
import { loadFixture, randomMatrix } from "./helpers.js";

type Layout = { icoord: number[][]; dcoord: number[][]; ivl: string[]; leaves: number[]; color_list: string[]; leaves_color_list: string[] };
const fixture = loadFixture<{ dendrogram: { Z: number[][]; default: Layout; countSort: Layout & { colorThreshold: number } } }>("hierarchy.json").dendrogram;

function assertLayout(actual: ReturnType<typeof dendrogram>, expected: Layout): void {
  assert.deepEqual(actual.leaves, expected.leaves);
  assert.deepEqual(actual.ivl, expected.ivl);
  assert.deepEqual(actual.icoord, expected.icoord);
  assert.equal(actual.dcoord.length, expected.dcoord.length);
  actual.dcoord.forEach((row, i) => row.forEach((v, c) => assert.ok(Math.abs(v - expected.dcoord[i][c]) <= 1e-12 * Math.max(1, Math.abs(v)), `dcoord[${i}][${c}]`)));
  assert.deepEqual(actual.colorList, expected.color_list);
  assert.deepEqual(actual.leavesColorList, expected.leaves_color_list);
}

describe("dendrogram equals scipy.cluster.hierarchy.dendrogram(no_plot=True)", () => {
  it("default layout and colours", () => assertLayout(dendrogram(fixture.Z), fixture.default));
  it("countSort with an explicit colour threshold", () => {
    assertLayout(dendrogram(fixture.Z, { countSort: true, colorThreshold: fixture.countSort.colorThreshold }), fixture.countSort);
  });
  it("handles a deep single-linkage chain without recursion", () => {
    const X = Array.from({ length: 5000 }, (_, i) => [i * i * 1e-3]);
    const d = dendrogram(linkage(X, "single"));
    assert.equal(d.leaves.length, 5000);
    assert.deepEqual([...d.leaves].sort((a, b) => a - b), Array.from({ length: 5000 }, (_, i) => i));
  });
});

describe("dendrogramSvg", () => {
  const Z = linkage(randomMatrix(30, 2, 3), "ward");
  it("draws one path per merge, the cut line, escaped labels", () => {
    const labels = Array.from({ length: 30 }, (_, i) => `p<${i}>`);
    const svg = dendrogramSvg(Z, { cutHeight: 0.5, labels, title: "Ward & co" });
    assert.ok(svg.startsWith("<svg"));
    assert.equal(svg.match(/<polyline/g)?.length, 29);
    assert.match(svg, /stroke-dasharray="6 4"/);
    assert.match(svg, /cut at 0\.5/);
    assert.match(svg, /p&lt;0&gt;/);
    assert.match(svg, /Ward &amp; co/);
  });
  it("rejects labels of the wrong length", () => {
    assert.throws(() => dendrogramSvg(Z, { labels: ["a"] }), /labels has 1 entries, but Z has 30 observations/);
  });
});
