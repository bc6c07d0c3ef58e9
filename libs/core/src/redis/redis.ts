import { Logger } from '@nestjs/common';
import { createClient, type RedisClientType } from 'redis';

export type RedisClient = RedisClientType;
/** Injection token of the shared Redis client; `null` when REDIS_URL is not configured. */
export const REDIS = Symbol('REDIS');

const logger = new Logger('Redis');

export async function connectRedis(url: string): Promise<RedisClient> {
  const client = createClient({
    url,
    // Fail fast while disconnected instead of queueing: callers (rate limits, quotas) fail open.
    disableOfflineQueue: true,
    socket: { connectTimeout: 5000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
  });
  let lastLog = 0;
  client.on('error', (err: Error) => {
    // A down Redis emits an error per reconnect attempt; say it at most every 10 s.
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      logger.warn(`Redis error: ${err.message}`);
    }
  });
  await client.connect();
  return client as unknown as RedisClient;
}
