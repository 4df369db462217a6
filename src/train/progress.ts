/**
 * A one-line progress bar on stderr: done/total, throughput and ETA, redrawn in place at most ten
 * times a second on a terminal. When stderr is a file or a pipe (CI logs), it prints a plain line
 * at every tenth of the work instead, so logs stay readable.
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressBar {
  #total = 0;
  #label = "";
  #started = 0;
  #startDone = 0;
  #lastDraw = 0;
  #lastDecile = -1;

  constructor(private readonly stream: ProgressStream = process.stderr, private readonly now: () => number = () => performance.now()) {}

  /** Starts a bar over `total` units (batches); `done` > 0 when a resumed epoch starts part-way. */
  start(label: string, total: number, done = 0): void {
    this.#label = label;
    this.#total = total;
    this.#started = this.now();
    this.#startDone = done;
    this.#lastDraw = 0;
    this.#lastDecile = Math.floor((done / Math.max(total, 1)) * 10);
  }

  /** `samples` processed since start (for the rate) and a short status such as "loss 0.123". */
  update(done: number, samples: number, status = ""): void {
    const now = this.now();
    const elapsed = (now - this.#started) / 1000;
    const rate = elapsed > 0 ? samples / elapsed : 0;
    const perUnit = done > this.#startDone ? elapsed / (done - this.#startDone) : 0;
    const eta = perUnit * (this.#total - done);
    const text = `${this.#label} ${done}/${this.#total} ${status} ${rate.toFixed(0)} samples/s ETA ${formatDuration(eta)}`;
    if (this.stream.isTTY) {
      if (now - this.#lastDraw < 100 && done < this.#total) return;
      this.#lastDraw = now;
      const columns = this.stream.columns ?? 100;
      const barWidth = Math.max(10, Math.min(30, columns - text.length - 4));
      const filled = Math.round((done / Math.max(this.#total, 1)) * barWidth);
      const line = `[${"=".repeat(filled)}${" ".repeat(barWidth - filled)}] ${text}`;
      this.stream.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
    } else {
      const decile = Math.floor((done / Math.max(this.#total, 1)) * 10);
      if (decile === this.#lastDecile) return;
      this.#lastDecile = decile;
      this.stream.write(`${text}\n`);
    }
  }

  /** Ends the bar with a summary line. */
  finish(summary: string): void {
    this.stream.write(this.stream.isTTY ? `\r${summary}\x1b[K\n` : `${summary}\n`);
  }
}

/** Seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}
