import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { copyFile, open } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DatasetError } from "./errors.js";
import { readMaybeGzip } from "./idx.js";

/**
 * Where datasets come from: a folder the user names (`--data DIR`), Lantern's cache
 * ($LANTERN_HOME/datasets/<name>, LANTERN_HOME defaulting to ~/.cache/lantern), folders where a
 * system package installs them, and last the public mirrors. Downloads are resumable (HTTP Range
 * on a `.part` file), verified before they are renamed into place, so the cache never holds a
 * partial or wrong file.
 */
export interface RemoteFile {
  /** The file's name on the mirrors and in the cache. */
  file: string;
  /** md5 of the content after gunzip (compressed copies differ between mirrors), or of the file itself when `md5Of` is "file". */
  md5: string;
  md5Of?: "content" | "file";
}

export interface RemoteDataset {
  /** Cache folder name, e.g. "mnist". */
  name: string;
  /** Display name, e.g. "MNIST". */
  title: string;
  /** Base URLs tried in order; a file's URL is the base followed by its name. */
  mirrors: readonly string[];
  files: readonly RemoteFile[];
  /** Folders a system package installs the files into (read-only, looked in after the cache). */
  systemDirs?: readonly string[];
}

export interface ResolveOptions {
  /** A folder holding local copies (the CLI's --data): only it is searched, and nothing is downloaded. */
  root?: string;
  /** Download missing files from the mirrors into the cache (default false, as torchvision). */
  download?: boolean;
  /** Replaces the dataset's mirrors (tests point this at a local server). */
  mirrors?: readonly string[];
  /** Progress messages (stderr in the CLI). */
  log?: (message: string) => void;
}

export function lanternHome(): string {
  return process.env.LANTERN_HOME || join(homedir(), ".cache", "lantern");
}

export function datasetCacheDir(name: string): string {
  return join(lanternHome(), "datasets", name);
}

/** The names a local copy of `file` may have: as on the mirror, or already gunzipped. */
function localNames(file: string): string[] {
  return file.endsWith(".gz") ? [file, file.slice(0, -3)] : [file, `${file}.gz`];
}

function findIn(dirs: readonly string[], file: string): string | null {
  for (const dir of dirs) {
    for (const name of localNames(file)) {
      const path = join(dir, name);
      if (existsSync(path) && statSync(path).isFile()) return path;
    }
  }
  return null;
}

/** The folders searched for `dataset`, in order. */
export function searchDirs(dataset: RemoteDataset, root?: string): string[] {
  if (root !== undefined) return [root, join(root, dataset.name), join(root, dataset.title, "raw")];
  return [datasetCacheDir(dataset.name), ...(dataset.systemDirs ?? [])];
}

/**
 * A local path for every file of `dataset` (keyed by its mirror name), downloading the missing
 * ones when asked. Fails with one message that says which files to put where.
 */
export async function resolveDataset(dataset: RemoteDataset, opts: ResolveOptions = {}): Promise<Record<string, string>> {
  const dirs = searchDirs(dataset, opts.root);
  const paths: Record<string, string> = {};
  const missing: RemoteFile[] = [];
  for (const remote of dataset.files) {
    const found = findIn(dirs, remote.file);
    if (found) paths[remote.file] = found;
    else missing.push(remote);
  }
  if (missing.length === 0) return paths;
  const where = opts.root !== undefined ? `the --data folder ${opts.root}` : `${dirs[0]} (the cache; set LANTERN_HOME to move it) or a folder passed as --data DIR`;
  const list = missing.map((m) => m.file).join(", ");
  if (opts.root !== undefined || !opts.download) {
    throw new DatasetError(`${dataset.title}: ${list} not found in ${dirs.join(", ")}; put ${list} (gzipped or not) in ${where}${opts.root === undefined ? ", or allow downloading" : ""}`);
  }
  const mirrors = opts.mirrors ?? dataset.mirrors;
  mkdirSync(dirs[0], { recursive: true });
  for (const remote of missing) {
    const dest = join(dirs[0], remote.file);
    const reasons: string[] = [];
    for (const base of mirrors) {
      const url = new URL(remote.file, base.endsWith("/") ? base : `${base}/`).href;
      try {
        await downloadFile(url, dest, { md5: remote.md5, md5Of: remote.md5Of, log: opts.log });
        paths[remote.file] = dest;
        break;
      } catch (error) {
        reasons.push(`${url}: ${(error as Error).message}`);
        opts.log?.(`${dataset.title}: ${url} failed (${(error as Error).message})`);
      }
    }
    if (paths[remote.file] === undefined) {
      throw new DatasetError(`${dataset.title}: could not download ${remote.file} (${reasons.join("; ")}); without network, put ${list} (gzipped or not) in ${where}`);
    }
  }
  return paths;
}

export interface DownloadOptions {
  md5?: string;
  md5Of?: "content" | "file";
  log?: (message: string) => void;
}

/**
 * Downloads `url` (http, https or file) to `dest`. Bytes go to `dest.part`, which a later call
 * resumes with a Range request; the finished file is checked against `md5` before the rename.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<void> {
  const part = `${dest}.part`;
  if (url.startsWith("file:")) await copyFile(fileURLToPath(url), part);
  else await fetchResumable(url, part, opts.log);
  if (opts.md5 !== undefined) {
    let actual: string;
    try {
      actual = md5Of(part, opts.md5Of ?? "content");
    } catch (error) {
      // A .part that does not even decompress is as wrong as one with another md5: a kept copy
      // would be resumed (and fail) on every later run.
      rmSync(part, { force: true });
      throw new DatasetError(`the downloaded file is corrupt and was removed (${(error as Error).message})`, dest);
    }
    if (actual !== opts.md5) {
      rmSync(part, { force: true });
      throw new DatasetError(`checksum mismatch: md5 ${actual}, expected ${opts.md5}`, dest);
    }
  }
  renameSync(part, dest);
}

async function fetchResumable(url: string, part: string, log?: (message: string) => void): Promise<void> {
  const have = existsSync(part) ? statSync(part).size : 0;
  const response = await fetch(url, { headers: have > 0 ? { range: `bytes=${have}-` } : {} });
  // 416: the .part already holds every byte (an earlier run stopped between download and rename).
  if (response.status === 416 && have > 0) return;
  if (response.status !== 200 && response.status !== 206) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  const append = response.status === 206;
  const resumedAt = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "")?.[1];
  if (append && resumedAt !== undefined && Number(resumedAt) !== have) {
    // Appending bytes from another offset would corrupt the file: start over on the next run.
    await response.body?.cancel();
    rmSync(part, { force: true });
    throw new Error(`the server resumed at byte ${resumedAt} instead of ${have}`);
  }
  const total = Number(response.headers.get("content-length") ?? NaN) + (append ? have : 0);
  if (append) log?.(`resuming ${url} at byte ${have}`);
  const handle = await open(part, append ? "a" : "w");
  let written = append ? have : 0;
  let reported = 0;
  try {
    if (response.body) {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        await handle.write(chunk);
        written += chunk.length;
        if (log && written - reported >= 4 << 20) {
          reported = written;
          log(`${url}: ${(written / 1e6).toFixed(1)}${Number.isFinite(total) ? ` of ${(total / 1e6).toFixed(1)}` : ""} MB`);
        }
      }
    }
  } finally {
    await handle.close();
  }
  if (Number.isFinite(total) && written !== total) throw new Error(`connection closed after ${written} of ${total} bytes; run again to resume`);
}

/** md5 (hex) of a file, of its gunzipped content when `of` is "content" and the file is gzip. */
export function md5Of(path: string, of: "content" | "file" = "content"): string {
  return md5Hex(of === "content" ? readMaybeGzip(path) : readFileSync(path));
}

export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** Checks decompressed `content` against the md5 a dataset publishes for `file`. */
export function verifyContent(content: Uint8Array, remote: RemoteFile, path: string): void {
  const actual = md5Hex(content);
  if (actual !== remote.md5) {
    throw new DatasetError(`${path}: md5 of the content is ${actual}, expected ${remote.md5} for ${remote.file}; the file is corrupt or a different version, replace it`, path);
  }
}
