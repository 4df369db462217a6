/** One chapter of `lantern demo`: it computes its worked example live and returns the numbers for --json. */
export interface DemoSection {
  id: string;
  title: string;
  run(log: (line: string) => void): Record<string, unknown>;
}
