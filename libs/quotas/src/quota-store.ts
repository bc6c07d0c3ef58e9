import { hostname } from 'node:os';
import type { RedisClient } from '@superflag/core';

/** `env_x:2026-11`: one environment's counters for one month (the counter and served keys end with it). */
export const counterId = (environmentId: string, month: string) => `${environmentId}:${month}`;
/** Requests reserved by replicas (admission control: never more than the limit while the store is up). */
export const counterKey = (environmentId: string, month: string) => `sf:quota:${counterId(environmentId, month)}`;
/** Requests actually served (what usage reports; only ever grows). */
export const servedKey = (environmentId: string, month: string) => `sf:quota-served:${counterId(environmentId, month)}`;

/** How long a replica's leases outlive its last heartbeat before another replica gives them back. */
export const LEASE_TTL_MS = 10_000;

/**
 * The shared monthly counters. Each replica also keeps, per counter, a registration of what it added to the
 * reservations and has not yet reported as served (its outstanding lease, plus served counts on their way):
 * what to give back if it dies, and how to tell that the store lost its data (the registration is gone).
 */
export interface QuotaStore {
  /**
   * Adds `by` (may be negative) to the reservations of `id` and to this replica's registration, and returns the
   * new total; null, with nothing applied, when `registered` is set and the registration is missing.
   */
  reserve(id: string, by: number, expireAt: Date, registered: boolean): Promise<number | null>;
  /** Adds `by` to what `id` served and takes it off this replica's registration; null as for reserve. */
  addServed(id: string, by: number, expireAt: Date, registered: boolean): Promise<number | null>;
  get(keys: string[]): Promise<number[]>;
  /**
   * Brings `id` back after a loss: served becomes at least `served`, the reservations at least served plus
   * `own` (this replica's registration, which is set to `own`). Returns both.
   */
  restore(id: string, served: number, own: number, expireAt: Date): Promise<{ total: number; served: number }>;
  /** Renews this replica's heartbeat and gives back the registrations of replicas whose heartbeat expired. */
  heartbeat(): Promise<number>;
  /** Drops this replica's registration of a counter it no longer holds anything of (a past month). */
  forget(id: string): Promise<void>;
  /** Clean shutdown, after every lease was given back. */
  unregister(): Promise<void>;
}

const REPLICAS = 'sf:quota-replicas';
const registryKey = (replica: string) => `sf:quota-leases:${replica}`;

// KEYS: target, registry. ARGV: by, registry delta, expire at (s), counter id, registration required.
const ADD = `
if ARGV[5] == '1' and redis.call('HEXISTS', KEYS[2], ARGV[4]) == 0 then return false end
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIREAT', KEYS[1], ARGV[3])
redis.call('HINCRBY', KEYS[2], ARGV[4], ARGV[2])
return total`;

// KEYS: counter, served, registry. ARGV: served floor, own registration, expire at (s), counter id.
const RESTORE = `
local served = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), tonumber(ARGV[1]))
redis.call('SET', KEYS[2], served)
redis.call('EXPIREAT', KEYS[2], ARGV[3])
local own = tonumber(ARGV[2])
local total = tonumber(redis.call('GET', KEYS[1]) or '0') + own - tonumber(redis.call('HGET', KEYS[3], ARGV[4]) or '0')
if total < served + own then total = served + own end
redis.call('SET', KEYS[1], total)
redis.call('EXPIREAT', KEYS[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[4], own)
return {total, served}`;

// KEYS: replicas. ARGV: this replica, ttl (ms). Redis's clock, not the replicas', decides who expired.
// The registries of dead replicas name the counters to fix, so their keys cannot be declared up front:
// fine on a single Redis (the supported setup), not on Redis Cluster.
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 16)
for _, replica in ipairs(dead) do
  local registry = 'sf:quota-leases:' .. replica
  local fields = redis.call('HGETALL', registry)
  for i = 1, #fields, 2 do
    local counter = 'sf:quota:' .. fields[i]
    local amount = tonumber(fields[i + 1])
    if amount ~= 0 and redis.call('EXISTS', counter) == 1 then
      local total = redis.call('DECRBY', counter, amount)
      local served = tonumber(redis.call('GET', 'sf:quota-served:' .. fields[i]) or '0')
      if total < served then redis.call('INCRBY', counter, served - total) end
    end
  end
  redis.call('DEL', registry)
  redis.call('ZREM', KEYS[1], replica)
end
return #dead`;

const seconds = (at: Date) => String(Math.floor(at.getTime() / 1000) + 7 * 24 * 3600);

/** Redis: shared by every replica; each write is one script, so a registration and its counter never disagree. */
export class RedisQuotaStore implements QuotaStore {
  readonly replica = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  private readonly registry = registryKey(this.replica);

  constructor(private readonly redis: RedisClient) {}

  reserve(id: string, by: number, expireAt: Date, registered: boolean): Promise<number | null> {
    return this.apply(`sf:quota:${id}`, id, by, by, expireAt, registered);
  }

  addServed(id: string, by: number, expireAt: Date, registered: boolean): Promise<number | null> {
    return this.apply(`sf:quota-served:${id}`, id, by, -by, expireAt, registered);
  }

  async get(keys: string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const values = await this.redis.mGet(keys);
    return values.map((v) => Number(v ?? 0));
  }

  async restore(id: string, served: number, own: number, expireAt: Date): Promise<{ total: number; served: number }> {
    const [total, restored] = (await this.redis.eval(RESTORE, {
      keys: [`sf:quota:${id}`, `sf:quota-served:${id}`, this.registry],
      arguments: [String(served), String(own), seconds(expireAt), id],
    })) as [number, number];
    return { total, served: restored };
  }

  async heartbeat(): Promise<number> {
    return (await this.redis.eval(HEARTBEAT, { keys: [REPLICAS], arguments: [this.replica, String(LEASE_TTL_MS)] })) as number;
  }

  async forget(id: string): Promise<void> {
    await this.redis.hDel(this.registry, id);
  }

  async unregister(): Promise<void> {
    await this.redis.multi().del(this.registry).zRem(REPLICAS, this.replica).exec();
  }

  private async apply(
    key: string,
    id: string,
    by: number,
    registration: number,
    expireAt: Date,
    registered: boolean,
  ): Promise<number | null> {
    const total = await this.redis.eval(ADD, {
      keys: [key, this.registry],
      arguments: [String(by), String(registration), seconds(expireAt), id, registered ? '1' : '0'],
    });
    return total === null ? null : (total as number);
  }
}

/** Process memory: the same rules for a single replica without Redis (nothing to register: it dies with them). */
export class MemoryQuotaStore implements QuotaStore {
  private readonly counters = new Map<string, { value: number; expireAt: number }>();

  async reserve(id: string, by: number, expireAt: Date): Promise<number> {
    return this.add(`sf:quota:${id}`, by, expireAt);
  }

  async addServed(id: string, by: number, expireAt: Date): Promise<number> {
    return this.add(`sf:quota-served:${id}`, by, expireAt);
  }

  async get(keys: string[]): Promise<number[]> {
    return keys.map((k) => this.value(k));
  }

  async restore(id: string, served: number, own: number, expireAt: Date): Promise<{ total: number; served: number }> {
    const s = Math.max(this.value(`sf:quota-served:${id}`), served);
    const total = Math.max(this.value(`sf:quota:${id}`), s + own);
    this.set(`sf:quota-served:${id}`, s, expireAt);
    this.set(`sf:quota:${id}`, total, expireAt);
    return { total, served: s };
  }

  async heartbeat(): Promise<number> {
    return 0;
  }

  async forget(): Promise<void> {}

  async unregister(): Promise<void> {}

  private add(key: string, by: number, expireAt: Date): number {
    const value = this.value(key) + by;
    this.set(key, value, expireAt);
    return value;
  }

  private value(key: string): number {
    const e = this.counters.get(key);
    return e && e.expireAt > Date.now() ? e.value : 0;
  }

  private set(key: string, value: number, expireAt: Date): void {
    // Kept a little past the month so late reads of the old month still answer.
    this.counters.set(key, { value, expireAt: expireAt.getTime() + 7 * 24 * 3600 * 1000 });
  }
}
