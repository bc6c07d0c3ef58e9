import { ThrottlerStorageService } from '@nestjs/throttler';
import { closeRedis, connectRedis, RedisClient, RedisThrottlerStorage } from '@superflag/core';
import { unique } from './support/factories';
import { until } from './support/poll';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisThrottlerStorage (real Redis)', () => {
  let a: RedisClient;
  let b: RedisClient;
  beforeAll(async () => {
    [a, b] = await Promise.all([connectRedis(REDIS_URL), connectRedis(REDIS_URL)]);
  });
  afterAll(async () => {
    await Promise.all([closeRedis(a), closeRedis(b)]);
  });
  /** The storage one replica's throttler uses, on its own connection. */
  const storeOn = (client: RedisClient) => new RedisThrottlerStorage(client, new ThrottlerStorageService());
  /** A new key on replica a, hit once past a limit of 1 a minute, with `blockMs` of penalty. */
  const overLimit = async (blockMs: number) => {
    const store = storeOn(a);
    const key = unique('ip');
    await store.increment(key, 60_000, 1, blockMs, 'test');
    return { store, key, over: await store.increment(key, 60_000, 1, blockMs, 'test') };
  };

  it('counts hits of one key across replicas in one fixed window', async () => {
    const replica1 = storeOn(a);
    const replica2 = storeOn(b);
    const key = unique('ip');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? replica1 : replica2).increment(key, 60_000, 5, 0, 'test')),
    );
    expect(results.map((r) => r.totalHits).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const r of results) {
      expect(r.timeToExpire).toBeGreaterThan(0);
      expect(r.timeToExpire).toBeLessThanOrEqual(60);
    }
    expect(
      results
        .filter((r) => r.isBlocked)
        .map((r) => r.totalHits)
        .sort((x, y) => x - y),
    ).toEqual([6, 7, 8, 9, 10]);
  });

  it('starts a new window when the old one expires', async () => {
    const store = storeOn(a);
    const key = unique('ip');
    await store.increment(key, 50, 1, 0, 'test');
    await store.increment(key, 50, 1, 0, 'test');
    const hitKey = `sf:rl:test:${key}`;
    await a.pExpire(hitKey, 1);
    expect(
      await until(
        () => a.exists(hitKey),
        (n) => n === 0,
        5_000,
        1,
      ),
    ).toBe(0);
    expect((await store.increment(key, 50, 1, 0, 'test')).totalHits).toBe(1);
  });

  it('blocks until the window ends once over the limit, without blocking callers with a higher limit', async () => {
    const { store, key, over } = await overLimit(60_000);
    expect(over.isBlocked).toBe(true);
    expect(over.timeToBlockExpire).toBeGreaterThan(55);
    expect(over.timeToBlockExpire).toBeLessThanOrEqual(60);
    const generous = await store.increment(key, 60_000, 1000, 60_000, 'test');
    expect(generous.isBlocked).toBe(false);
  });

  it('keeps a longer penalty (blockDuration beyond the window) in a block key', async () => {
    const { over } = await overLimit(120_000);
    expect(over.isBlocked).toBe(true);
    expect(over.timeToBlockExpire).toBe(120);
  });

  it('counts in this replica while Redis is unreachable, so limits still hold per replica', async () => {
    const store = storeOn(b);
    await closeRedis(b);
    const key = unique('ip');
    const started = Date.now();
    const first = await store.increment(key, 60_000, 1, 0, 'test');
    const second = await store.increment(key, 60_000, 1, 0, 'test');
    expect(Date.now() - started).toBeLessThan(50);
    expect(first).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(second).toMatchObject({ totalHits: 2, isBlocked: true });
    expect(second.timeToBlockExpire).toBeGreaterThan(55);
  });
});
