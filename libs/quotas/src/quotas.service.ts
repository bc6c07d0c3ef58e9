import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppsService } from '@superflag/apps';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig, Clock, CLUSTER_BUS, type ClusterBus, DomainError, RATE_LIMIT_STORE, RequestContext, tooManyRequests } from '@superflag/core';
import type { FastifyReply } from 'fastify';
import { granted, leaseSize, monthOf, nextMonthStart, type Plan } from './quota-math';
import { counterKey, type QuotaStore, servedKey } from './quota-store';

/** Injection token of the counter store (Redis when configured, process memory otherwise). */
export const QUOTA_STORE = Symbol('QUOTA_STORE');

/** A store slower than this is treated as down for the request at hand: it is served and counted locally. */
const STORE_TIMEOUT_MS = 50;
/** Leases unused for this long go back to the shared counter, so `used` stays close to what was served. */
const IDLE_LEASE_MS = 2_000;
const HOUSEKEEPING_MS = 1_000;

export interface QuotaDecision {
  /** null: unlimited. */
  limit: number | null;
  remaining: number | null;
  /** Epoch seconds of the next month's start (UTC). */
  reset: number;
}

export interface EnvironmentUsage {
  month: string;
  used: number;
  limit: number | null;
}

interface Counter {
  key: string;
  servedKey: string;
  month: string;
  /** Requests served here and not yet added to the store's served counter. */
  served: number;
  /** Requests this replica reserved in the store and has not served yet. */
  leased: number;
  /** The store's value at its last answer (it includes this replica's outstanding lease). */
  knownTotal: number;
  knownAt: number;
  /** Requests served while the store was unreachable; added to it when it answers again. */
  unsynced: number;
  lastUsed: number;
  inflight?: Promise<boolean>;
}

function timeout(ms: number): Promise<false> {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms).unref());
}

/**
 * Monthly request quotas per environment, shared by every replica through one counter per environment and
 * month. Replicas reserve leases of up to 100 requests from the counter (smaller near the limit, 1 at the
 * very end) and serve from them without I/O, so the config hot path rarely waits for Redis and replicas
 * together never admit more than the limit. When the store is down or slow the request is served anyway
 * (fail open) and counted locally until the store answers again.
 */
@Injectable()
export class QuotasService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Quotas');
  private readonly counters = new Map<string, Counter>();
  /** The current month's counter of each environment: the hot path's one map lookup. */
  private readonly current = new Map<string, Counter>();
  /** The month `now` falls in, with its end and the X-RateLimit-Reset value, recomputed only when it ends. */
  private period = { month: '', startMs: 0, endMs: 0, reset: 0, resetHeader: '' };
  private readonly plans = new Map<string, Plan>();
  private storeDown = false;
  private timer?: NodeJS.Timeout;
  /** Requests refused because the month's quota was spent (exported as a metric). */
  rejections = 0;

  constructor(
    @Inject(QUOTA_STORE) private readonly store: QuotaStore,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly apps: AppsService,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    @Inject(RATE_LIMIT_STORE) private readonly burstStore: ThrottlerStorage,
  ) {}

  /** Whether runtime keys have a per-minute burst limit (off by default: SDKs legitimately send thousands a second). */
  get keyBurstLimited(): boolean {
    return this.config.BURST_KEY_LIMIT > 0;
  }

  /** The per-key burst limit of the runtime API: 429 `Too many requests` past BURST_KEY_LIMIT a minute. */
  async checkKeyBurst(keyId: string): Promise<void> {
    const limit = this.config.BURST_KEY_LIMIT;
    const record = await this.burstStore.increment(`key:${keyId}`, 60_000, limit, 60_000, 'key');
    if (record.isBlocked) throw tooManyRequests('Too many requests', record.timeToBlockExpire);
  }

  onModuleInit(): void {
    this.bus.subscribe((event) => {
      if (event.type === 'plan-changed') this.plans.delete(event.appId);
      if (event.type === 'resync') this.plans.clear();
    });
    this.timer = setInterval(() => void this.housekeeping(), HOUSEKEEPING_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.housekeeping(true);
  }

  limitFor(plan: Plan): number {
    if (plan === 'pro') return this.config.QUOTA_PRO;
    if (plan === 'enterprise') return this.config.QUOTA_ENTERPRISE > 0 ? this.config.QUOTA_ENTERPRISE : Number.POSITIVE_INFINITY;
    return this.config.QUOTA_FREE;
  }

  /** The plan of an app, from memory (invalidated on every replica when it changes). */
  planOf(appId: string): Plan | Promise<Plan> {
    const cached = this.plans.get(appId);
    if (cached) return cached;
    return this.apps.planOf(appId).then((plan) => {
      this.plans.set(appId, plan);
      return plan;
    });
  }

  /**
   * Counts one request against the environment's monthly quota and sets the X-RateLimit-* headers on the
   * reply (the given one, or the current request's); 429 `Monthly quota exceeded` when the month is spent.
   * Synchronous while a lease covers the request.
   */
  consume(environmentId: string, plan: Plan, reply?: FastifyReply): QuotaDecision | Promise<QuotaDecision> | undefined {
    if (!this.config.QUOTAS_ENABLED) return undefined;
    const now = this.clock.now();
    const limit = this.limitFor(plan);
    const counter = this.counter(environmentId, now);
    counter.lastUsed = now.getTime();
    if (counter.leased > 0) {
      counter.leased--;
      if (counter.leased < leaseSize(limit - counter.knownTotal) / 4 && !counter.inflight) void this.reserve(counter, limit, now);
      return this.admit(counter, limit, now, reply);
    }
    return this.consumeSlow(counter, limit, now, reply);
  }

  /**
   * Requests served this month per environment. This replica's own recent counts are added to the store
   * first, so successive reports never go down, whichever replica answers them.
   */
  async usage(environmentIds: string[], plan: Plan): Promise<Map<string, EnvironmentUsage>> {
    const now = this.clock.now();
    const month = monthOf(now);
    const keys = environmentIds.map((id) => servedKey(id, month));
    let values: number[];
    try {
      const read = (async () => {
        await Promise.all(environmentIds.map((id) => this.flushServed(this.counters.get(counterKey(id, month)), now)));
        return this.store.get(keys);
      })();
      values = await Promise.race([read, timeout(STORE_TIMEOUT_MS * 4).then(() => Promise.reject(new Error('timeout')))]);
    } catch {
      values = keys.map(() => 0);
    }
    const limit = this.limitFor(plan);
    return new Map(
      environmentIds.map((id, i) => {
        const pending = this.counters.get(counterKey(id, month))?.served ?? 0;
        return [id, { month, used: values[i] + pending, limit: Number.isFinite(limit) ? limit : null }];
      }),
    );
  }

  private async flushServed(counter: Counter | undefined, now: Date): Promise<void> {
    if (!counter || counter.served === 0) return;
    const amount = counter.served;
    counter.served = 0;
    try {
      await this.store.add(counter.servedKey, amount, nextMonthStart(now));
      this.storeAnswered();
    } catch (err) {
      counter.served += amount;
      this.storeFailed(err as Error);
    }
  }

  private async consumeSlow(counter: Counter, limit: number, now: Date, reply?: FastifyReply): Promise<QuotaDecision> {
    for (let attempt = 0; attempt < 3; attempt++) {
      // Spent, and known to be spent a moment ago: refuse without asking the store again.
      if (counter.knownTotal >= limit && Date.now() - counter.knownAt < HOUSEKEEPING_MS && counter.unsynced === 0) break;
      const answered = await Promise.race([this.reserve(counter, limit, now), timeout(STORE_TIMEOUT_MS)]);
      if (counter.leased > 0) {
        counter.leased--;
        return this.admit(counter, limit, now, reply);
      }
      if (!answered) {
        counter.unsynced++;
        return this.admit(counter, limit, now, reply);
      }
      if (counter.knownTotal >= limit) break;
    }
    this.rejections++;
    const decision = this.decision(counter, limit, now);
    const retryAfter = Math.max(1, Math.ceil((nextMonthStart(now).getTime() - now.getTime()) / 1000));
    throw new DomainError(429, 'Monthly quota exceeded', {}, { ...this.headers(decision), 'retry-after': String(retryAfter) });
  }

  /** Reserves a lease (and flushes unsynced counts) in one store call; resolves false when the store failed. */
  private reserve(counter: Counter, limit: number, now: Date): Promise<boolean> {
    if (counter.inflight) return counter.inflight;
    const block = leaseSize(limit - counter.knownTotal);
    const flushed = counter.unsynced;
    counter.unsynced = 0;
    counter.inflight = this.store
      .add(counter.key, block + flushed, nextMonthStart(now))
      .then(
        (total) => {
          this.storeAnswered();
          const grant = granted(limit, total, block);
          counter.leased += grant;
          counter.knownTotal = total;
          counter.knownAt = Date.now();
          if (grant < block) this.giveBack(counter, block - grant, now);
          return true;
        },
        (err: Error) => {
          counter.unsynced += flushed;
          this.storeFailed(err);
          return false;
        },
      )
      .finally(() => {
        counter.inflight = undefined;
      });
    return counter.inflight;
  }

  private giveBack(counter: Counter, amount: number, now: Date): void {
    counter.knownTotal -= amount;
    this.store.add(counter.key, -amount, nextMonthStart(now)).catch((err: Error) => {
      // The reservation stays counted: `used` is overstated by at most one lease until the month ends.
      this.storeFailed(err);
    });
  }

  private admit(counter: Counter, limit: number, now: Date, reply?: FastifyReply): QuotaDecision {
    counter.served++;
    const decision = this.decision(counter, limit, now);
    const target = reply ?? RequestContext.reply();
    if (target && decision.limit !== null) {
      target
        .header('x-ratelimit-limit', String(decision.limit))
        .header('x-ratelimit-remaining', String(decision.remaining))
        .header('x-ratelimit-reset', this.period.resetHeader);
    }
    return decision;
  }

  private decision(counter: Counter, limit: number, now: Date): QuotaDecision {
    const reset = now.getTime() >= this.period.startMs && now.getTime() < this.period.endMs ? this.period.reset : Math.floor(nextMonthStart(now).getTime() / 1000);
    if (!Number.isFinite(limit)) return { limit: null, remaining: null, reset };
    const used = counter.knownTotal - counter.leased + counter.unsynced;
    return { limit, remaining: Math.max(0, limit - used), reset };
  }

  private headers(d: QuotaDecision): Record<string, string> {
    return { 'x-ratelimit-limit': String(d.limit), 'x-ratelimit-remaining': String(d.remaining), 'x-ratelimit-reset': String(d.reset) };
  }

  private counter(environmentId: string, now: Date): Counter {
    const nowMs = now.getTime();
    if (nowMs >= this.period.endMs || nowMs < this.period.startMs) {
      const end = nextMonthStart(now);
      const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
      const reset = Math.floor(end.getTime() / 1000);
      this.period = { month: monthOf(now), startMs: start, endMs: end.getTime(), reset, resetHeader: String(reset) };
    }
    const month = this.period.month;
    const cached = this.current.get(environmentId);
    if (cached && cached.month === month) return cached;
    const key = counterKey(environmentId, month);
    let counter = this.counters.get(key);
    if (!counter) {
      counter = { key, servedKey: servedKey(environmentId, month), month, served: 0, leased: 0, knownTotal: 0, knownAt: 0, unsynced: 0, lastUsed: 0 };
      this.counters.set(key, counter);
    }
    this.current.set(environmentId, counter);
    return counter;
  }

  private storeAnswered(): void {
    if (this.storeDown) {
      this.storeDown = false;
      this.logger.log('Quota store reachable again: local counts are being added to it');
    }
  }

  private storeFailed(err: Error): void {
    if (!this.storeDown) {
      this.storeDown = true;
      this.logger.warn(`Quota store unavailable, serving and counting locally: ${err.message}`);
    }
  }

  /** Adds local counts to the store, returns idle leases, forgets past months. */
  private async housekeeping(all = false): Promise<void> {
    const now = this.clock.now();
    const month = monthOf(now);
    const work: Promise<unknown>[] = [];
    for (const [key, counter] of this.counters) {
      if (counter.inflight) continue;
      if (counter.unsynced > 0) {
        const amount = counter.unsynced;
        counter.unsynced = 0;
        work.push(
          this.store.add(key, amount, nextMonthStart(now)).then(
            (total) => {
              this.storeAnswered();
              counter.knownTotal = total;
              counter.knownAt = Date.now();
            },
            (err: Error) => {
              counter.unsynced += amount;
              this.storeFailed(err);
            },
          ),
        );
      }
      work.push(this.flushServed(counter, now));
      if (counter.leased > 0 && (all || counter.month !== month || now.getTime() - counter.lastUsed > IDLE_LEASE_MS)) {
        const amount = counter.leased;
        counter.leased = 0;
        this.giveBack(counter, amount, now);
      }
      if (counter.month !== month && counter.unsynced === 0 && counter.served === 0) {
        this.counters.delete(key);
        for (const [env, c] of this.current) if (c === counter) this.current.delete(env);
      }
    }
    await Promise.all(work);
  }
}
