import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type { RedisClient } from './redis';

/**
 * Fixed-window counters in Redis, shared by every replica, for @nestjs/throttler and our own limiters.
 * One MULTI per hit (node-redis single commands under load caused long GC pauses; MULTI did not).
 * While Redis is unreachable each replica counts in its own memory (`local`): the limits then hold per
 * replica instead of cluster-wide, and a rate limit never takes the API down with Redis.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private lastWarning = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly local: ThrottlerStorage,
    private readonly prefix = 'sf:rl:',
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    // Known down: the connection's own log line has said so; do not wait for a command to fail.
    if (!this.redis.isReady) return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    const hitKey = `${this.prefix}${throttlerName}:${key}`;
    const blockKey = `${hitKey}:blocked`;
    try {
      const [hits, , hitTtl, blockTtl] = (await this.redis
        .multi()
        .incr(hitKey)
        .pExpire(hitKey, ttl, 'NX')
        .pTTL(hitKey)
        .pTTL(blockKey)
        .exec()) as unknown as [number, number, number, number];
      // Over the limit means blocked until the window ends. A separate block key is kept only for a penalty
      // longer than the window, so a caller with a lower limit never blocks callers with higher ones.
      let timeToBlockExpire = blockTtl > 0 ? blockTtl : hits > limit ? Math.max(hitTtl, 1) : 0;
      if (blockTtl <= 0 && hits > limit && blockDuration > ttl) {
        await this.redis
          .multi()
          .set(blockKey, '1', { PX: blockDuration, NX: true } as never)
          .exec();
        timeToBlockExpire = blockDuration;
      }
      return {
        totalHits: hits,
        timeToExpire: Math.ceil(Math.max(hitTtl, 0) / 1000),
        isBlocked: timeToBlockExpire > 0,
        timeToBlockExpire: Math.ceil(timeToBlockExpire / 1000),
      };
    } catch (err) {
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.logger.warn(`Rate limit store unavailable, counting in this replica: ${(err as Error).message}`);
      }
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }
}
