import { MAX_RETRY_DELAY_MS, retryDelayMs } from '../src/backoff';

describe('retry backoff', () => {
  it('doubles per attempt, with 50–100 % jitter', () => {
    expect(retryDelayMs(1, 5_000, () => 0)).toBe(2_500);
    expect(retryDelayMs(1, 5_000, () => 1)).toBe(5_000);
    expect(retryDelayMs(2, 5_000, () => 1)).toBe(10_000);
    expect(retryDelayMs(3, 5_000, () => 0.5)).toBe(15_000);
    expect(retryDelayMs(4, 5_000, () => 1)).toBe(40_000);
  });

  it('retries the first failure within the base delay (10 s at most with the default 5 s)', () => {
    for (let i = 0; i < 1000; i++) {
      const delay = retryDelayMs(1, 5_000);
      expect(delay).toBeGreaterThanOrEqual(2_500);
      expect(delay).toBeLessThanOrEqual(5_000);
    }
  });

  it('never waits more than an hour', () => {
    expect(retryDelayMs(30, 5_000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(30, 5_000, () => 0)).toBe(MAX_RETRY_DELAY_MS / 2);
  });
});
