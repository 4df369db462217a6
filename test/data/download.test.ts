import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import { resolveDataset, md5Of, mnist, DatasetError } from "../../src/data/index.js";
import type { RemoteDataset } from "../../src/data/index.js";
import { md5Hex } from "../../src/data/download.js";
import { idxBytes, syntheticDigits } from "./synthetic.js";

/**
 * Synthetic files served by a server on 127.0.0.1 that honours Range and can cut a response short.
 * A cut happens only once the client has written the bytes sent so far to its .part file (the
 * server watches the file), so the test never depends on how fast the client reads: a reset sent
 * while the bytes still sat in the client's socket buffer would discard them.
 */
const { images, labels } = syntheticDigits(50);
const content = idxBytes(0x08, [50, 28, 28], images);
const served = new Map<string, Uint8Array>([["images.gz", gzipSync(content)], ["labels.gz", gzipSync(idxBytes(0x08, [50], labels))]]);
const imagesGz = served.get("images.gz") as Uint8Array;
/** The Range header of every request, in order ("" for none); tests clear it first. */
const rangeHeaders: string[] = [];
/** The next response sends this many bytes, waits until the client's .part file holds them, and is cut. */
let cutNext: { bytes: number; part: string } | null = null;
let ignoreRangeNext = false;

async function waitForSize(path: string, size: number): Promise<void> {
  // Bounded so that a client that never writes fails the test's assertions instead of hanging it.
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !(existsSync(path) && statSync(path).size >= size)) await new Promise((r) => setTimeout(r, 5));
}

const server = createServer((req, res) => {
  const body = served.get((req.url ?? "").slice(1));
  if (!body) {
    res.writeHead(404).end();
    return;
  }
  rangeHeaders.push(req.headers.range ?? "");
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  // A broken server answers a Range request with 206 from byte 0.
  const start = range && !ignoreRangeNext ? Number(range[1]) : 0;
  ignoreRangeNext = false;
  if (start >= body.length) {
    res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
    return;
  }
  res.writeHead(range ? 206 : 200, { "content-length": body.length - start, ...(range ? { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}) });
  const cut = cutNext;
  cutNext = null;
  if (!cut) {
    res.end(body.subarray(start));
    return;
  }
  res.write(body.subarray(start, start + cut.bytes));
  void waitForSize(cut.part, start + cut.bytes).then(() => res.destroy());
});
let base = "";
const home = mkdtempSync(join(tmpdir(), "lantern-home-"));

const dataset = (files: RemoteDataset["files"]): RemoteDataset => ({ name: "synthetic", title: "Synthetic", mirrors: [], files });

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  process.env.LANTERN_HOME = home;
});
after(() => server.close());

describe("download and verification", () => {
  test("an interrupted download keeps its bytes in .part and resumes with a Range request, verified on the decompressed content", async () => {
    const ds = dataset([{ file: "images.gz", md5: md5Hex(content) }]);
    const cache = join(home, "datasets", "synthetic");
    rangeHeaders.length = 0;
    cutNext = { bytes: 1000, part: join(cache, "images.gz.part") };
    await assert.rejects(resolveDataset(ds, { download: true, mirrors: [base] }), /could not download images.gz/);
    assert.deepEqual(readFileSync(join(cache, "images.gz.part")), Buffer.from(imagesGz.subarray(0, 1000)), "the partial download is kept");
    assert.ok(!existsSync(join(cache, "images.gz")), "nothing unverified is renamed into place");
    const paths = await resolveDataset(ds, { download: true, mirrors: [base] });
    assert.equal(paths["images.gz"], join(cache, "images.gz"));
    assert.deepEqual(rangeHeaders, ["", "bytes=1000-"]);
    assert.equal(md5Of(paths["images.gz"]), md5Hex(content));
    assert.deepEqual(readdirSync(cache), ["images.gz"]);
    // Found in the cache now: no further request.
    await resolveDataset(ds, { download: true, mirrors: ["http://127.0.0.1:1/"] });
  });

  test("a .part left by an earlier run: Range bytes=N-, the rest appended, verified, renamed into place", async () => {
    const ds = { ...dataset([{ file: "images.gz", md5: md5Hex(content) }]), name: "resume-part" };
    const cache = join(home, "datasets", "resume-part");
    mkdirSync(cache, { recursive: true });
    const prefix = 1234;
    writeFileSync(join(cache, "images.gz.part"), imagesGz.subarray(0, prefix));
    rangeHeaders.length = 0;
    const logged: string[] = [];
    const paths = await resolveDataset(ds, { download: true, mirrors: [base], log: (m) => logged.push(m) });
    assert.deepEqual(rangeHeaders, [`bytes=${prefix}-`]);
    assert.ok(logged.some((m) => m.includes(`resuming ${base}images.gz at byte ${prefix}`)), logged.join("\n"));
    assert.deepEqual(readFileSync(paths["images.gz"]), Buffer.from(imagesGz));
    assert.deepEqual(readdirSync(cache), ["images.gz"]);
  });

  test("a .part that already holds every byte (416) is verified and renamed without downloading again", async () => {
    const ds = { ...dataset([{ file: "images.gz", md5: md5Hex(content) }]), name: "resume-complete" };
    const cache = join(home, "datasets", "resume-complete");
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, "images.gz.part"), imagesGz);
    rangeHeaders.length = 0;
    const paths = await resolveDataset(ds, { download: true, mirrors: [base] });
    assert.deepEqual(rangeHeaders, [`bytes=${imagesGz.length}-`]);
    assert.deepEqual(readFileSync(paths["images.gz"]), Buffer.from(imagesGz));
    assert.deepEqual(readdirSync(cache), ["images.gz"]);
  });

  test("a .part with wrong bytes fails the checksum after resuming and is removed, so the next run starts over", async () => {
    const ds = { ...dataset([{ file: "images.gz", md5: md5Hex(content) }]), name: "resume-corrupt" };
    const cache = join(home, "datasets", "resume-corrupt");
    mkdirSync(cache, { recursive: true });
    // The real gzip header, then garbage: the resumed file no longer decompresses.
    writeFileSync(join(cache, "images.gz.part"), Buffer.concat([imagesGz.subarray(0, 10), new Uint8Array(990).fill(7)]));
    rangeHeaders.length = 0;
    await assert.rejects(resolveDataset(ds, { download: true, mirrors: [base] }), /could not download images.gz/);
    assert.deepEqual(readdirSync(cache), [], "neither the corrupt .part nor an unverified file is left");
    const paths = await resolveDataset(ds, { download: true, mirrors: [base] });
    assert.deepEqual(rangeHeaders, ["bytes=1000-", ""]);
    assert.equal(md5Of(paths["images.gz"]), md5Hex(content));
  });

  test("a 206 reply from another offset than asked is not appended: the .part is dropped and the next run starts over", async () => {
    const ds = { ...dataset([{ file: "images.gz", md5: md5Hex(content) }]), name: "resume-misaligned" };
    const cache = join(home, "datasets", "resume-misaligned");
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, "images.gz.part"), imagesGz.subarray(0, 500));
    ignoreRangeNext = true;
    await assert.rejects(resolveDataset(ds, { download: true, mirrors: [base] }), /the server resumed at byte 0 instead of 500/);
    assert.deepEqual(readdirSync(cache), []);
    const paths = await resolveDataset(ds, { download: true, mirrors: [base] });
    assert.equal(md5Of(paths["images.gz"]), md5Hex(content));
  });

  test("a checksum mismatch removes the download and tries the next mirror", async () => {
    const ds = dataset([{ file: "labels.gz", md5: "0".repeat(32) }]);
    await assert.rejects(resolveDataset(ds, { download: true, mirrors: [base, `${base}missing/`] }), (e: unknown) => {
      assert.ok(e instanceof DatasetError);
      assert.match(e.message, /checksum mismatch/);
      assert.match(e.message, /HTTP 404/);
      return true;
    });
    assert.ok(!existsSync(join(home, "datasets", "synthetic", "labels.gz")));
    assert.ok(!existsSync(join(home, "datasets", "synthetic", "labels.gz.part")));
  });

  test("file:// URLs are copied and verified like downloads", async () => {
    const source = mkdtempSync(join(tmpdir(), "lantern-src-"));
    writeFileSync(join(source, "labels.gz"), served.get("labels.gz") as Uint8Array);
    const ds = { ...dataset([{ file: "labels.gz", md5: md5Hex(idxBytes(0x08, [50], labels)) }]), name: "from-file" };
    const paths = await resolveDataset(ds, { download: true, mirrors: [pathToFileURL(source).href] });
    assert.deepEqual(readFileSync(paths["labels.gz"]), Buffer.from(served.get("labels.gz") as Uint8Array));
  });

  test("offline without a copy: one line saying which files to put where", async () => {
    const ds = { ...dataset([{ file: "a.gz", md5: "x" }, { file: "b.gz", md5: "y" }]), name: "offline" };
    await assert.rejects(resolveDataset(ds), (e: unknown) => {
      const message = (e as Error).message;
      assert.ok(e instanceof DatasetError);
      assert.ok(!message.includes("\n"));
      for (const part of ["a.gz, b.gz", join(home, "datasets", "offline"), "--data DIR"]) assert.ok(message.includes(part), `"${message}" mentions ${part}`);
      return true;
    });
    await assert.rejects(resolveDataset(ds, { download: true, mirrors: ["http://127.0.0.1:1/"] }), /could not download a.gz .*put a.gz, b.gz/);
    await assert.rejects(resolveDataset(ds, { root: "/nonexistent/dir" }), /not found in \/nonexistent\/dir.*the --data folder \/nonexistent\/dir/);
  });

  test("--data copies are verified: a wrong md5 is an error naming the file", async () => {
    const root = mkdtempSync(join(tmpdir(), "lantern-data-"));
    const { images: im, labels: lb } = syntheticDigits(20);
    for (const prefix of ["train", "t10k"]) {
      writeFileSync(join(root, `${prefix}-images-idx3-ubyte`), idxBytes(0x08, [20, 28, 28], im));
      writeFileSync(join(root, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(idxBytes(0x08, [20], lb)));
    }
    await assert.rejects(mnist({ root }), /train-images-idx3-ubyte: md5 of the content is [0-9a-f]{32}, expected 6bbc9ace898e44ae57da46a324031adb/);
    const ds = await mnist({ root, verify: false });
    assert.equal(ds.length, 20);
  });
});
