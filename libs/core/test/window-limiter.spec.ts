import { WindowLimiter } from '../src/http/window-limiter';

describe('WindowLimiter', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('admits `limit` hits per address and subject in a window, then says how long to wait', () => {
    const l = new WindowLimiter(3, 60_000, 100, clock);
    expect([l.hit('a', 'k'), l.hit('a', 'k'), l.hit('a', 'k')]).toEqual([0, 0, 0]);
    expect(l.hit('a', 'k')).toBe(60);
    now += 59_001;
    expect(l.hit('a', 'k')).toBe(1);
    // Other subjects and other addresses have their own windows.
    expect(l.hit('a', 'other')).toBe(0);
    expect(l.hit('b', 'k')).toBe(0);
  });

  it('opens a fresh window once the last one ended; refused hits do not extend it', () => {
    const l = new WindowLimiter(2, 10_000, 100, clock);
    l.hit('a');
    l.hit('a');
    for (let i = 0; i < 50; i++) expect(l.hit('a')).toBeGreaterThan(0);
    now += 10_000;
    expect(l.hit('a')).toBe(0);
    expect(l.hit('a')).toBe(0);
    expect(l.hit('a')).toBe(10);
  });

  it('blocked() reports without counting', () => {
    const l = new WindowLimiter(2, 60_000, 100, clock);
    expect(l.blocked('a')).toBe(0);
    l.hit('a');
    expect(l.blocked('a')).toBe(0);
    l.hit('a');
    expect(l.blocked('a')).toBe(60);
    expect(l.blocked('a')).toBe(60);
    now += 60_000;
    expect(l.blocked('a')).toBe(0);
  });

  it('stays within maxEntries: ended windows are swept first, then the address tracked longest is dropped', () => {
    const l = new WindowLimiter(1, 1_000, 10, clock);
    for (let i = 0; i < 10; i++) l.hit(`old-${i}`);
    expect(l.size).toBe(10);
    now += 1_000;
    l.hit('new');
    // Every old window had ended: all swept.
    expect(l.size).toBe(1);
    for (let i = 0; i < 20; i++) l.hit(`live-${i}`, 's');
    expect(l.size).toBe(10);
    // The first addresses were dropped (their counters start over); the newest are still counted.
    expect(l.blocked('new')).toBe(0);
    expect(l.hit('live-19', 's')).toBe(1);
  });

  it('sweeps ended windows lazily, at most once per window length', () => {
    const l = new WindowLimiter(5, 1_000, 1_000, clock);
    for (let i = 0; i < 100; i++) l.hit(`a-${i}`, 'x');
    expect(l.size).toBe(100);
    now += 1_500;
    l.hit('b');
    expect(l.size).toBe(1);
  });

  it('is off at limit 0', () => {
    expect(new WindowLimiter(0, 60_000).enabled).toBe(false);
    expect(new WindowLimiter(1, 60_000).enabled).toBe(true);
  });
});
