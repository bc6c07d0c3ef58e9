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
  /** Set by bench.mts for a scenario that is missing, threw or timed out (its description says why). */
  failed?: boolean;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const ratios = (m: Measurement): number[] =>
  m.baselineSamples ? m.samples.map((v, i) => v / (m.baselineSamples as number[])[i]) : [];

// ---- Additions used by bench/bench.mts (pure: unit-tested in bench/report.test.mts) ----

/** min / median / max of a row's samples (NaN for none). */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

export const spread = (xs: number[]): Spread => ({
  min: xs.length ? Math.min(...xs) : NaN,
  median: median(xs),
  max: xs.length ? Math.max(...xs) : NaN,
});

/** A figure with as many decimals as it is worth: 12345, 123, 12.3, 1.23 (∞ for a measurement that never completed). */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return '–';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '-∞';
  const a = Math.abs(n);
  return a >= 100 ? Math.round(n).toString() : a >= 10 ? n.toFixed(1) : n.toFixed(2);
}

const withUnit = (n: number, unit: string) => (Number.isFinite(n) ? `${formatNumber(n)} ${unit}` : formatNumber(n));

/** "12.3 ms" for one sample, "12.3 ms (11.0–14.2)" for several. */
export function formatSpread(xs: number[], unit: string): string {
  const s = spread(xs);
  if (xs.length <= 1) return withUnit(s.median, unit);
  return `${withUnit(s.median, unit)} (${formatNumber(s.min)}–${formatNumber(s.max)})`;
}

export const formatPass = (pass: boolean | undefined): string => (pass === undefined ? '' : pass ? 'yes' : '**no**');

/** A section that could not be measured: the scenario module is missing, threw, or timed out. */
export const failedSection = (scenario: string, error: string): Section => ({
  title: `${scenario}: not measured`,
  description: error,
  rows: [],
  failed: true,
});

/** One section as Markdown: its description, a table (median with min–max over runs), then each row's detail. */
export function renderSection(section: Section): string {
  const lines = [`## ${section.title}`, '', section.description, ''];
  if (section.rows.length === 0) return lines.join('\n');
  lines.push('| What | Result | Baseline | Ratio | Goal | Met |', '|---|---|---|---|---|---|');
  for (const m of section.rows) {
    const base = m.baselineSamples ? `${formatSpread(m.baselineSamples, m.unit)}${m.baselineName ? ` (${m.baselineName})` : ''}` : '';
    const r = ratios(m);
    lines.push(
      `| ${m.name} | **${formatSpread(m.samples, m.unit)}** | ${base} | ${r.length ? formatSpread(r, '×').replace(' ×', '') : ''} | ${m.goal ?? ''} | ${formatPass(m.pass)} |`,
    );
  }
  const details = section.rows.filter((m) => m.detail);
  if (details.length) lines.push('', ...details.map((m) => `- ${m.name}: ${m.detail}`));
  return lines.join('\n') + '\n';
}

/** One row as a console line: value, baseline and ratio side by side, goal and whether it is met. */
export function renderLine(m: Measurement): string {
  const r = ratios(m);
  const parts = [`${m.name}: ${formatSpread(m.samples, m.unit)}`];
  if (m.baselineSamples)
    parts.push(`baseline ${formatSpread(m.baselineSamples, m.unit)}`, `ratio ${formatSpread(r, '×').replace(' ×', '')}`);
  if (m.goal) parts.push(`goal ${m.goal}: ${m.pass === undefined ? '?' : m.pass ? 'met' : 'NOT met'}`);
  return parts.join(' | ') + (m.detail ? `\n      ${m.detail}` : '');
}
