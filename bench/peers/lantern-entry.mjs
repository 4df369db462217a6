// How every Lantern peer loads the library: the built package (dist/), exactly as a user imports it.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ENTRY = new URL("../../dist/src/index.js", import.meta.url);

/** The built library, or an error saying how to build it. */
export async function loadLantern() {
  if (!existsSync(fileURLToPath(ENTRY))) throw new Error("dist/src/index.js missing: run `npm run build` first");
  return import(ENTRY.href);
}

/** The peer's one-line description in the report. */
export function lanternInfo(lt, threads) {
  return `Lantern ${lt.backend()} backend, LANTERN_NUM_THREADS=${process.env.LANTERN_NUM_THREADS ?? threads}`;
}

/**
 * What every Lantern peer shares: its id and label, a start() that loads the library (handing it to
 * `loaded`, which keeps it for the peer's workloads) and describes it, and the active backend.
 */
export function lanternPeerBase(loaded) {
  let lt = null;
  return {
    id: "lantern",
    label: "Lantern",
    async start({ threads }) {
      lt = await loadLantern();
      loaded(lt);
      return lanternInfo(lt, threads);
    },
    backend: () => lt?.backend(),
  };
}
