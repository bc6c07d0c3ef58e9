import type { RedisClient } from '@superflag/core';

/** The shared monthly counters: one per environment per month, expiring after the month. */
export interface QuotaStore {
  /** Adds `by` (may be negative) to the counter and returns its new value. */
  add(key: string, by: number, expireAt: Date): Promise<number>;
  get(keys: string[]): Promise<number[]>;
}

/** Requests reserved by replicas (admission control: never more than the limit while the store is up). */
export const counterKey = (environmentId: string, month: string) => `sf:quota:${environmentId}:${month}`;
/** Requests actually served (what usage reports; only ever grows). */
export const servedKey = (environmentId: string, month: string) => `sf:quota-served:${environmentId}:${month}`;

/** Redis: INCRBY + EXPIREAT in one MULTI (shared by every replica). */
export class RedisQuotaStore implements QuotaStore {
  constructor(private readonly redis: RedisClient) {}

  async add(key: string, by: number, expireAt: Date): Promise<number> {
    // Keep the counter a little past the month so late reads of the old month still answer.
    const expiry = Math.floor(expireAt.getTime() / 1000) + 7 * 24 * 3600;
    const [total] = (await this.redis.multi().incrBy(key, by).expireAt(key, expiry).exec()) as unknown as [number];
    return total;
  }

  async get(keys: string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const values = (await this.redis.multi().mGet(keys).exec()) as unknown as [Array<string | null>];
    return values[0].map((v) => Number(v ?? 0));
  }
}

/** Process memory: the same rules for a single replica without Redis. */
export class MemoryQuotaStore implements QuotaStore {
  private readonly counters = new Map<string, { value: number; expireAt: number }>();

  async add(key: string, by: number, expireAt: Date): Promise<number> {
    const now = Date.now();
    const entry = this.counters.get(key);
    const value = (entry && entry.expireAt > now ? entry.value : 0) + by;
    this.counters.set(key, { value, expireAt: expireAt.getTime() + 7 * 24 * 3600 * 1000 });
    return value;
  }

  async get(keys: string[]): Promise<number[]> {
    const now = Date.now();
    return keys.map((k) => {
      const e = this.counters.get(k);
      return e && e.expireAt > now ? e.value : 0;
    });
  }
}
