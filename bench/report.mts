// The contract between `npm run bench` (bench/bench.mts) and its scenario modules: each scenario returns
// sections of measurements; bench.mts prints them and writes BENCHMARKS.md.

export interface BenchOptions {
  /** --quick: shorter loads, smaller scales, 1 run instead of 3 (a laptop check, not a record). */
  quick: boolean;
  /** How many times each load measurement is repeated (3 full, 1 quick): rows report min/median/max. */
  runs: number;
  /** Seconds per autocannon measurement (full 5, quick 2). */
  seconds: number;
}

/**
 * One result. `samples` holds one value per run; when the row has a baseline, `baselineSamples[i]` was
 * measured in the same run, right before or after `samples[i]`, and the ratio of each pair is reported
 * (higherIsBetter: value / baseline; otherwise baseline / value is NOT used — ratio = value / baseline and
 * the goal says which way is good).
 */
export interface Measurement {
  name: string;
  unit: string; // 'req/s', 'ms', 'writes/s', 'KB', 'MB', 's', …
  samples: number[];
  baselineName?: string;
  baselineSamples?: number[];
  /** The goal in words, e.g. '≥ 0.80 of baseline', '≤ 8 ms'. */
  goal?: string;
  /** Whether the median meets the goal (the scenario decides). */
  pass?: boolean;
  /** Extra figures worth printing beside the row (p50/p99, errors, memory…). */
  detail?: string;
}

export interface Section {
  title: string;
  /** What was measured and how, in a sentence or three (goes into BENCHMARKS.md). */
  description: string;
  rows: Measurement[];
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const ratios = (m: Measurement): number[] =>
  m.baselineSamples ? m.samples.map((v, i) => v / (m.baselineSamples as number[])[i]) : [];
