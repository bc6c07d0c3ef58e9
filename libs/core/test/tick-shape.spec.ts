import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { keepTickObjectShape, keptTickObjects } from '../src/process/tick-shape';

const MODULE = join(__dirname, '../src/process/tick-shape.ts');

/**
 * A fresh Node process that queues and drains a burst of 100,000 nextTicks per round (30 rounds), with a full collection
 * between rounds while no tick is queued (what the embedded engine's start-up does), and prints each round's cost
 * per nextTick in ns. With `keep`, it first calls keepTickObjectShape, as createApp does.
 */
async function roundsOfNextTick(keep: boolean): Promise<number[]> {
  const script = `
    ${keep ? `const { keepTickObjectShape } = await import(${JSON.stringify(MODULE)}); keepTickObjectShape();` : ''}
    const noop = () => {};
    const drain = () => new Promise((resolve) => setImmediate(resolve));
    const costs = [];
    for (let round = 0; round < 30; round++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 100000; i++) process.nextTick(noop);
      costs.push(Number(process.hrtime.bigint() - start) / 100000);
      await drain();
      globalThis.gc();
      await drain();
    }
    process.stdout.write(JSON.stringify(costs));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--no-warnings', '--input-type=module', '-e', script]);
  return JSON.parse(stdout) as number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('keepTickObjectShape', () => {
  it('keeps one nextTick entry without and one with arguments, once', () => {
    keepTickObjectShape();
    keepTickObjectShape();
    const kept = keptTickObjects();
    expect(kept).toHaveLength(2);
    expect(kept.map((entry) => Object.keys(entry))).toEqual([
      ['callback', 'args'],
      ['callback', 'args'],
    ]);
    expect((kept[1] as { args: unknown[] }).args).toEqual([undefined]);
  });

  // Without the kept entries, after 5 to 20 rounds every later round costs about 10 times the fastest (V8 builds
  // each entry in its runtime), or 3 times the first rounds when it turns slow before it ever ran optimised. With
  // them, the later rounds cost 1 to 2 times the fastest. (2-core CI machine, Node 24.)
  it('keeps nextTick on its fast path through collections that find no tick queued', async () => {
    const costs = await roundsOfNextTick(true);
    expect(median(costs.slice(-10))).toBeLessThan(3 * Math.min(...costs));
  });
});
