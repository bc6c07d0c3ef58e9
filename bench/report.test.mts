// The bench's pure parts (bench/report.mts): `npx node --test bench/report.test.mts` runs this; nothing heavy, no server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failedSection, formatNumber, formatSpread, median, ratios, renderLine, renderSection, spread, type Section } from './report.mts';

await test('median of odd, even and empty sample lists', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  assert.deepEqual(spread([5, 1, 3]), { min: 1, median: 3, max: 5 });
});

await test('ratios pair each run with the baseline measured in the same run', () => {
  assert.deepEqual(ratios({ name: 'x', unit: 'req/s', samples: [8, 9], baselineSamples: [10, 10] }), [0.8, 0.9]);
  assert.deepEqual(ratios({ name: 'x', unit: 'req/s', samples: [8] }), []);
});

await test('numbers keep the decimals they are worth; a run that never completed shows ∞', () => {
  assert.equal(formatNumber(12345.6), '12346');
  assert.equal(formatNumber(12.34), '12.3');
  assert.equal(formatNumber(1.234), '1.23');
  assert.equal(formatNumber(Infinity), '∞');
  assert.equal(formatSpread([3, 1, 2], 'ms'), '2.00 ms (1.00–3.00)');
  assert.equal(formatSpread([250], 'ms'), '250 ms');
  assert.equal(formatSpread([Infinity], 'ms'), '∞');
});

await test('a section renders as a table with baseline, ratio, goal and detail', () => {
  const section: Section = {
    title: 'Reads',
    description: 'What was measured.',
    rows: [
      {
        name: 'config 200',
        unit: 'req/s',
        samples: [8000, 9000, 8500],
        baselineName: 'bare Fastify',
        baselineSamples: [10000, 10000, 10000],
        goal: '≥ 0.80 of baseline',
        pass: true,
        detail: 'p99 7 ms',
      },
      { name: 'p99', unit: 'ms', samples: [9], goal: '≤ 8 ms', pass: false },
    ],
  };
  const md = renderSection(section);
  assert.match(md, /^## Reads\n\nWhat was measured\.\n/);
  assert.ok(
    md.includes(
      '| config 200 | **8500 req/s (8000–9000)** | 10000 req/s (10000–10000) (bare Fastify) | 0.85 (0.80–0.90) | ≥ 0.80 of baseline | yes |',
    ),
  );
  assert.ok(md.includes('| p99 | **9.00 ms** |  |  | ≤ 8 ms | **no** |'));
  assert.ok(md.includes('- config 200: p99 7 ms'));
  assert.equal(renderLine(section.rows[1]), 'p99: 9.00 ms | goal ≤ 8 ms: NOT met');
});

await test('a scenario that could not run is a section that says why', () => {
  const s = failedSection('scale', 'Scenario missing: bench/scale.mts does not exist yet.');
  assert.equal(s.failed, true);
  assert.match(renderSection(s), /## scale: not measured\n\nScenario missing/);
});
