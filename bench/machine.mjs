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

/**
 * The CPU's model name (/proc/cpuinfo, else os.cpus()), its family / model numbers (a VM may name
 * only "AMD EPYC": family 25 model 17 then says Zen 4 Genoa) and its logical core count.
 */
export function cpuModel() {
  const info = cpuinfo();
  const field = (name) => new RegExp(`^${name}\\s*:\\s*(.+)$`, "m").exec(info)?.[1]?.trim();
  const name = field("model name") ?? os.cpus()[0]?.model ?? "unknown CPU";
  const family = field("cpu family");
  const ids = family ? `family ${family} model ${field("model")}, ` : "";
  return `${name.trim()} (${ids}${os.cpus().length} logical cores)`;
}

/** The vector extensions the kernels care about, as /proc/cpuinfo lists them. */
export function vectorFlags() {
  const flags = new Set((/^flags\s*:\s*(.+)$/m.exec(cpuinfo())?.[1] ?? "").split(/\s+/));
  return ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16"].filter((f) => flags.has(f));
}

export function hasAvx512() {
  return vectorFlags().includes("avx512f");
}

/** The 1-minute load average: above the core count, other work shared the CPU during the run. */
export function loadAverage() {
  return Number(os.loadavg()[0].toFixed(2));
}
