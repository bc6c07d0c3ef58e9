import { BatchedLines, type LineSink } from '../src/logging/batched-lines';

describe('BatchedLines', () => {
  const sink = () => {
    const writes: string[] = [];
    let synced = 0;
    const s: LineSink & { writes: string[]; synced: () => number } = {
      write: (text: string) => void writes.push(text),
      flushSync: () => void synced++,
      writes,
      synced: () => synced,
    };
    return s;
  };

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes waiting lines as one text, in order, once maxChars are waiting', () => {
    const out = sink();
    const lines = new BatchedLines(() => out, { maxChars: 10, maxDelayMs: 100 });
    lines.write('abc\n');
    lines.write('def\n');
    expect(out.writes).toEqual([]);
    lines.write('ghi\n');
    expect(out.writes).toEqual(['abc\ndef\nghi\n']);
    lines.close();
  });

  it('writes a lone line maxDelayMs after it came, not before', () => {
    const out = sink();
    const lines = new BatchedLines(() => out, { maxChars: 1000, maxDelayMs: 100 });
    lines.write('one\n');
    jest.advanceTimersByTime(99);
    expect(out.writes).toEqual([]);
    lines.write('two\n');
    jest.advanceTimersByTime(1);
    expect(out.writes).toEqual(['one\ntwo\n']);
    jest.advanceTimersByTime(1000);
    expect(out.writes).toEqual(['one\ntwo\n']);
    lines.close();
  });

  it('writes what waits and syncs the sink on exit and on close; after close, lines go straight through', () => {
    const out = sink();
    const lines = new BatchedLines(() => out, { maxChars: 1000, maxDelayMs: 100 });
    lines.write('a\n');
    lines.flushSync();
    expect(out.writes).toEqual(['a\n']);
    expect(out.synced()).toBe(1);
    lines.write('b\n');
    lines.close();
    expect(out.writes).toEqual(['a\n', 'b\n']);
    lines.write('c\n');
    expect(out.writes).toEqual(['a\n', 'b\n', 'c\n']);
  });

  it('registers its exit hooks before the sink exists and removes them on close', () => {
    const before = process.listenerCount('exit');
    let during = -1;
    const lines = new BatchedLines(
      () => {
        during = process.listenerCount('exit');
        return sink();
      },
      { maxChars: 1000, maxDelayMs: 100 },
    );
    expect(during).toBe(before + 1);
    lines.close();
    expect(process.listenerCount('exit')).toBe(before);
  });

  it('survives a sink that refuses to sync (closed)', () => {
    const lines = new BatchedLines(
      () => ({
        write: () => undefined,
        flushSync: () => {
          throw new Error('SonicBoom destroyed');
        },
      }),
      { maxChars: 1000, maxDelayMs: 100 },
    );
    lines.write('x\n');
    expect(() => lines.close()).not.toThrow();
  });
});
