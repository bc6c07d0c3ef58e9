import { closeRedis, connectRedis, duplicateRedis, type RedisClient, whenRedisReady } from '@superflag/core';
import { unique } from './support/factories';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('The shared Redis client (real Redis)', () => {
  let client: RedisClient;
  beforeAll(async () => {
    client = await connectRedis(REDIS_URL);
  });
  afterAll(async () => {
    await closeRedis(client);
  });

  // node-redis 6 arms a 5 s AbortSignal.timeout per command by default; each fires 5 s later even after the answer
  // came, and builds a DOMException with its stack (about 4 % of a flag write's CPU). Hung connections are the
  // heartbeat's to drop (faults-redis.e2e-spec.ts).
  it('arms no timer per command, on the client and on its duplicates (pub/sub)', async () => {
    const copy = duplicateRedis(client);
    const timeout = jest.spyOn(AbortSignal, 'timeout');
    try {
      expect(await whenRedisReady(copy, 5000)).toBe(true);
      const key = `superflag:test:${unique('cmd')}`;
      await client.set(key, '1', { expiration: { type: 'PX', value: 1000 } });
      expect(await client.get(key)).toBe('1');
      expect(await copy.ping()).toBe('PONG');
      await client.multi().incr(key).pExpire(key, 1000).exec();
      expect(timeout).not.toHaveBeenCalled();
    } finally {
      timeout.mockRestore();
      await closeRedis(copy);
    }
  });
});
