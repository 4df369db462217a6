// What the results depend on besides the code: the CPU, its vector extensions, Node's version.
import { readFileSync } from "node:fs";
import os from "node:os";

function cpuinfo() {
  try {
    return readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    return "";
  }
}

/** The CPU's model name (/proc/cpuinfo, else os.cpus()) with its logical core count. */
export function cpuModel() {
  const name = /^model name\s*:\s*(.+)$/m.exec(cpuinfo())?.[1] ?? os.cpus()[0]?.model ?? "unknown CPU";
  return `${name.trim()} (${os.cpus().length} logical cores)`;
}

/** The vector extensions the kernels care about, as /proc/cpuinfo lists them. */
export function vectorFlags() {
  const flags = new Set((/^flags\s*:\s*(.+)$/m.exec(cpuinfo())?.[1] ?? "").split(/\s+/));
  return ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16"].filter((f) => flags.has(f));
}

export function hasAvx512() {
  return vectorFlags().includes("avx512f");
}
