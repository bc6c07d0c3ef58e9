import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppsService } from '@superflag/apps';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig, Clock, CLUSTER_BUS, type ClusterBus, RATE_LIMIT_STORE, tooManyRequests } from '@superflag/core';
import { BASE_LEASE, granted, leaseSize, monthOf, nextLeaseWant, nextMonthStart, type Plan } from './quota-math';
import { counterId, counterKey, type QuotaStore, servedKey } from './quota-store';
import type { UsageStore } from './usage.store';

/** Injection token of the counter store (Redis when configured, process memory otherwise). */
export const QUOTA_STORE = Symbol('QUOTA_STORE');
/** Injection token of the durable usage (PostgreSQL). */
export const USAGE_STORE = Symbol('USAGE_STORE');

/** A store slower than this is treated as down for the request at hand: it is served and counted locally. */
const STORE_TIMEOUT_MS = 50;
/** Leases unused for this long go back to the shared counter, so `used` stays close to what was served. */
const IDLE_LEASE_MS = 2_000;
const HOUSEKEEPING_MS = 1_000;
/** Counter restores asked for within this window share one PostgreSQL statement, up to RESTORE_BATCH environments. */
const RESTORE_WINDOW_MS = 2;
const RESTORE_BATCH = 500;

/**
 * What the quota says about one request; the HTTP layer turns it into X-RateLimit-* headers, or a 429 when it
 * is not admitted (quota-http.ts). On the synchronous path it is the counter's own object, rewritten by the
 * next request of that environment: read it at once, never keep it.
 */
export interface QuotaDecision {
  /** false: the month's quota is spent and the request is refused. */
  admitted: boolean;
  /** null: unlimited. */
  limit: number | null;
  remaining: number | null;
  /** Epoch seconds of the next month's start (UTC). */
  reset: number;
  /** `reset` as header text, made once a month. */
  resetHeader: string;
  /** Seconds until the counters reset: the Retry-After of a refusal (0 when admitted). */
  retryAfter: number;
}

export interface EnvironmentUsage {
  month: string;
  used: number;
  limit: number | null;
}

interface Counter {
  id: string;
  environmentId: string;
  key: string;
  servedKey: string;
  month: string;
  /** Requests served here and not yet added to the store's served counter. */
  served: number;
  /** Requests served here and not yet written to PostgreSQL (decreased only once a write commits). */
  unpersisted: number;
  /** Part of `unpersisted` in a write that has not answered yet. */
  persisting: number;
  /** Requests this replica reserved in the store and has not served yet. */
  leased: number;
  /** The store's value at its last answer (it includes this replica's outstanding lease). */
  knownTotal: number;
  knownAt: number;
  /** The highest served count seen (store or PostgreSQL): a store answering less has lost data. */
  knownServed: number;
  /** Requests served while the store was unreachable; added to it when it answers again. */
  unsynced: number;
  lastUsed: number;
  /** Whether the store holds this replica's registration of the counter (see QuotaStore). */
  registered: boolean;
  /** The store must be brought back up to the durable count before the next reservation. */
  needsRestore: boolean;
  /** Restored without PostgreSQL's count (it was down): done again once it answers. */
  durablePending: boolean;
  inflight?: Promise<boolean>;
  /** `inflight`, or false once it has taken STORE_TIMEOUT_MS: what every request waiting for it awaits (one timer). */
  deadline?: Promise<boolean>;
  /** The lease size this replica wants, from how fast it serves the environment (nextLeaseWant). */
  wanted: number;
  /** When the last lease was asked for (epoch ms; 0: never). */
  leasedAt: number;
  /** The next lease is reserved once `leased` falls below this (half the last lease): early enough that a renewal answers first. */
  renewBelow: number;
  /** Rewritten by every admitted request: the hot path allocates no decision. */
  decision: QuotaDecision;
}

function timeout(ms: number): Promise<false> {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms).unref());
}

/**
 * Monthly request quotas per environment, shared by every replica through one counter per environment and
 * month. Replicas reserve leases from the counter, sized by how fast they serve (100 requests to start, up to
 * MAX_LEASE; smaller near the limit, 1 at the very end), renew them once half is spent, and serve from them without I/O, so the config hot path rarely waits for Redis and replicas
 * together never admit more than the limit. When the store is down or slow the request is served anyway
 * (fail open) and counted locally until the store answers again.
 *
 * Redis is not the record: every replica adds what it served to PostgreSQL every USAGE_PERSIST_MS, and a
 * counter the store lost (flush, restart, failover, eviction) is restored from there, taking the larger.
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
  /** Plans replaced by a plan-changed event: used if the reload fails (PostgreSQL down). */
  private readonly previousPlans = new Map<string, Plan>();
  /** Apps whose cached plan is to be reloaded (after a resync); it is served until a reload succeeds. */
  private readonly stalePlans = new Set<string>();
  private reloadingPlans = false;
  /** The highest usage each environment was reported at, so reports never go down (servedKey → used). */
  private readonly reported = new Map<string, number>();
  private storeDown = false;
  private databaseDown = false;
  private persisting?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private persistTimer?: NodeJS.Timeout;
  /** Requests refused because the month's quota was spent (exported as a metric). */
  rejections = 0;
  /** Restores waiting for PostgreSQL's count: month → environment → waiters (see durableServed). */
  private restoring = new Map<string, Map<string, Array<{ resolve: (served: number) => void; reject: (err: unknown) => void }>>>();
  private restoreTimer?: NodeJS.Timeout;

  constructor(
    @Inject(QUOTA_STORE) private readonly store: QuotaStore,
    @Inject(USAGE_STORE) private readonly usageStore: UsageStore,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly apps: AppsService,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    @Inject(RATE_LIMIT_STORE) private readonly burstStore: ThrottlerStorage,
  ) {}

  /** Whether runtime keys have a per-minute burst limit (off by default: SDKs legitimately send thousands a second). */
  /** Whether runtime requests are counted against monthly quotas (QUOTAS_ENABLED). */
  get enabled(): boolean {
    return this.config.QUOTAS_ENABLED;
  }

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
      if (event.type === 'plan-changed') {
        // The next request reloads it (the change must apply at once); the old plan covers a failed reload.
        const known = this.plans.get(event.appId);
        if (known) this.previousPlans.set(event.appId, known);
        this.plans.delete(event.appId);
      }
      if (event.type === 'resync') {
        for (const appId of this.plans.keys()) this.stalePlans.add(appId);
        void this.reloadPlans();
      }
    });
    this.timer = setInterval(() => void this.housekeeping(), HOUSEKEEPING_MS).unref();
    this.persistTimer = setInterval(() => void this.persist(), this.config.USAGE_PERSIST_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.persistTimer);
    await this.housekeeping(true);
    await this.persist();
    await this.persist();
    const holding = [...this.counters.values()].some((c) => c.leased > 0 || c.served > 0 || c.unsynced > 0);
    // A registration left behind (the store did not take everything back) is given back by the others after LEASE_TTL_MS.
    if (!holding) await this.store.unregister().catch(() => undefined);
  }

  limitFor(plan: Plan): number {
    if (plan === 'pro') return this.config.QUOTA_PRO;
    if (plan === 'enterprise') return this.config.QUOTA_ENTERPRISE > 0 ? this.config.QUOTA_ENTERPRISE : Number.POSITIVE_INFINITY;
    return this.config.QUOTA_FREE;
  }

  /** The plan of an app, from memory (invalidated on every replica when it changes; kept while PostgreSQL is down). */
  planOf(appId: string): Plan | Promise<Plan> {
    const cached = this.plans.get(appId);
    if (cached) return cached;
    return this.apps.planOf(appId).then(
      (plan) => {
        this.plans.set(appId, plan);
        this.previousPlans.delete(appId);
        return plan;
      },
      (err: unknown) => {
        const known = this.previousPlans.get(appId);
        if (!known) throw err;
        // Serve the last known plan without asking again per request; housekeeping retries the reload.
        this.plans.set(appId, known);
        this.stalePlans.add(appId);
        return known;
      },
    );
  }

  /**
   * Counts one request against the environment's monthly quota and says whether it is admitted: not when the
   * month is spent, except for an `exempt` request (the kill switch: @QuotaExempt() routes), which is counted
   * and never refused. Synchronous while a lease covers the request; undefined when quotas are off.
   */
  consume(environmentId: string, plan: Plan, exempt = false): QuotaDecision | Promise<QuotaDecision> | undefined {
    if (!this.config.QUOTAS_ENABLED) return undefined;
    const now = this.clock.now();
    const limit = this.limitFor(plan);
    const counter = this.counter(environmentId, now);
    counter.lastUsed = now.getTime();
    if (counter.leased > 0) return this.fromLease(counter, limit, now);
    return this.consumeSlow(counter, limit, now, exempt);
  }

  /** Serves one request from the counter's lease (leased > 0), reserving the next lease early when it runs low. */
  private fromLease(counter: Counter, limit: number, now: Date): QuotaDecision {
    counter.leased--;
    if (counter.leased < counter.renewBelow && !counter.inflight) void this.reserve(counter, limit, now);
    return this.admit(counter, limit, now);
  }

  /** The app's plan if it is in memory (no load started): for callers that must not wait. */
  knownPlanOf(appId: string): Plan | undefined {
    return this.plans.get(appId);
  }

  /**
   * `consume` when it can decide at once and admits: a lease of this replica covers the request. Otherwise
   * undefined, and nothing was counted (the caller takes the path that may wait: `consume`). null: quotas are off.
   */
  consumeLeased(environmentId: string, plan: Plan): QuotaDecision | null | undefined {
    if (!this.config.QUOTAS_ENABLED) return null;
    const now = this.clock.now();
    const nowMs = now.getTime();
    if (nowMs < this.period.startMs || nowMs >= this.period.endMs) return undefined;
    const counter = this.current.get(environmentId);
    if (!counter || counter.month !== this.period.month || counter.leased <= 0) return undefined;
    counter.lastUsed = nowMs;
    return this.fromLease(counter, this.limitFor(plan), now);
  }

  /** Whether consumeLeased would admit a request of the environment now (a lease covers it); counts nothing. */
  hasLease(environmentId: string): boolean {
    if (!this.config.QUOTAS_ENABLED) return true;
    const nowMs = this.clock.now().getTime();
    if (nowMs < this.period.startMs || nowMs >= this.period.endMs) return false;
    const counter = this.current.get(environmentId);
    return counter !== undefined && counter.month === this.period.month && counter.leased > 0;
  }

  /**
   * Requests served this month per environment: the larger of the store's count and PostgreSQL's (each plus
   * this replica's counts not yet added to it), and never less than reported before. This replica's own
   * recent counts are added to the store first, so successive reports agree whichever replica answers them.
   */
  async usage(environmentIds: string[], plan: Plan): Promise<Map<string, EnvironmentUsage>> {
    const now = this.clock.now();
    const month = monthOf(now);
    const keys = environmentIds.map((id) => servedKey(id, month));
    const shared = (async () => {
      await Promise.all(environmentIds.map((id) => this.flushServed(this.counters.get(counterKey(id, month)), now)));
      return this.store.get(keys);
    })();
    const [values, durable] = await Promise.all([
      Promise.race([shared, timeout(STORE_TIMEOUT_MS * 4)]).catch(() => false as const),
      this.usageStore.served(environmentIds, month).then(
        (rows) => {
          this.databaseAnswered();
          return rows;
        },
        (err: Error) => {
          this.databaseFailed(err);
          return new Map<string, number>();
        },
      ),
    ]);
    const limit = this.limitFor(plan);
    return new Map(
      environmentIds.map((id, i) => {
        const counter = this.counters.get(counterKey(id, month));
        const fromStore = (values ? values[i] : 0) + (counter?.served ?? 0);
        // A write in flight may or may not be in PostgreSQL's count yet: leave it out (a lower bound).
        const fromDatabase = (durable.get(id) ?? 0) + (counter ? counter.unpersisted - counter.persisting : 0);
        const used = Math.max(fromStore, fromDatabase, this.reported.get(keys[i]) ?? 0);
        this.reported.set(keys[i], used);
        return [id, { month, used, limit: Number.isFinite(limit) ? limit : null }];
      }),
    );
  }

  /** Writes what this replica served since its last write to PostgreSQL, in one statement; kept for the next try on failure. */
  persist(): Promise<void> {
    this.persisting ??= this.writeUsage().finally(() => {
      this.persisting = undefined;
    });
    return this.persisting;
  }

  private async writeUsage(): Promise<void> {
    const batch = [...this.counters.values()].filter((c) => c.unpersisted > 0).map((counter) => ({ counter, amount: counter.unpersisted }));
    if (batch.length === 0) return;
    for (const b of batch) b.counter.persisting = b.amount;
    try {
      await this.usageStore.add(batch.map((b) => ({ environmentId: b.counter.environmentId, month: b.counter.month, served: b.amount })));
      for (const b of batch) b.counter.unpersisted -= b.amount;
      this.databaseAnswered();
    } catch (err) {
      this.databaseFailed(err as Error);
    } finally {
      for (const b of batch) b.counter.persisting = 0;
    }
  }

  private async flushServed(counter: Counter | undefined, now: Date): Promise<void> {
    if (!counter || counter.served === 0 || counter.needsRestore || counter.inflight) return;
    const amount = counter.served;
    counter.served = 0;
    try {
      const total = await this.store.addServed(counter.id, amount, nextMonthStart(now), counter.registered);
      this.storeAnswered();
      if (total === null) {
        counter.served += amount;
        counter.needsRestore = true;
      } else if (total < counter.knownServed + amount) {
        // The served key was lost (evicted) but not this replica's registration: restore it, this amount included.
        counter.knownServed += amount;
        counter.needsRestore = true;
      } else {
        counter.knownServed = total;
        counter.registered = true;
      }
    } catch (err) {
      counter.served += amount;
      this.storeFailed(err as Error);
    }
  }

  private async consumeSlow(counter: Counter, limit: number, now: Date, exempt: boolean): Promise<QuotaDecision> {
    for (let attempt = 0; attempt < 4; attempt++) {
      // Spent, and known to be spent a moment ago: refuse without asking the store again.
      if (counter.knownTotal >= limit && this.clock.now().getTime() - counter.knownAt < HOUSEKEEPING_MS && counter.unsynced === 0) break;
      const answered = await this.reserveWithin(counter, limit, now);
      if (counter.leased > 0) {
        counter.leased--;
        return { ...this.admit(counter, limit, now) };
      }
      if (!answered) {
        counter.unsynced++;
        return { ...this.admit(counter, limit, now) };
      }
      if (counter.knownTotal >= limit && !counter.needsRestore) break;
    }
    if (exempt) {
      // The kill switch (@QuotaExempt routes): served and counted past the limit, so `used` stays what was served.
      counter.unsynced++;
      return { ...this.admit(counter, limit, now) };
    }
    this.rejections++;
    const refused = this.decide({ ...counter.decision }, counter, limit, now);
    refused.admitted = false;
    refused.retryAfter = Math.max(1, Math.ceil((nextMonthStart(now).getTime() - now.getTime()) / 1000));
    return refused;
  }

  /**
   * Reserves a lease (and flushes unsynced counts) in one store call, or first restores a counter the store
   * lost; resolves false when the store failed. One call per counter at a time, so a restore never races a
   * reservation's registration.
   */
  private reserve(counter: Counter, limit: number, now: Date): Promise<boolean> {
    if (counter.inflight) return counter.inflight;
    counter.inflight = (counter.needsRestore ? this.restore(counter, now) : this.lease(counter, limit, now)).finally(() => {
      counter.inflight = undefined;
    });
    counter.deadline = Promise.race([counter.inflight, timeout(STORE_TIMEOUT_MS)]);
    return counter.inflight;
  }

  /**
   * `reserve`, given up on STORE_TIMEOUT_MS after the store call started: the requests waiting for one call
   * share its timer, and once it is late every request until it answers is served at once and counted locally.
   */
  private reserveWithin(counter: Counter, limit: number, now: Date): Promise<boolean> {
    void this.reserve(counter, limit, now);
    return counter.deadline!;
  }

  private lease(counter: Counter, limit: number, now: Date): Promise<boolean> {
    const askedAt = this.clock.now().getTime();
    if (counter.leasedAt > 0) counter.wanted = nextLeaseWant(counter.wanted, askedAt - counter.leasedAt);
    counter.leasedAt = askedAt;
    const block = leaseSize(limit - counter.knownTotal, counter.wanted);
    counter.renewBelow = block / 2;
    const flushed = counter.unsynced;
    counter.unsynced = 0;
    return this.store.reserve(counter.id, block + flushed, nextMonthStart(now), counter.registered).then(
      (total) => {
        this.storeAnswered();
        if (total === null || total - block - flushed < counter.knownServed) {
          // The store lost this counter: no lease from a count that starts again at zero. When the reservation
          // was applied anyway (only the key was lost), the restore takes it back through the registration.
          if (total === null) counter.unsynced += flushed;
          else counter.registered = true;
          counter.needsRestore = true;
          return true;
        }
        counter.registered = true;
        const grant = granted(limit, total, block);
        counter.leased += grant;
        counter.knownTotal = total;
        counter.knownAt = this.clock.now().getTime();
        if (grant < block) void this.giveBack(counter, block - grant, now);
        return true;
      },
      (err: Error) => {
        counter.unsynced += flushed;
        this.storeFailed(err);
        return false;
      },
    );
  }

  /**
   * Brings the store's counter up to what is known durably (PostgreSQL) and locally, taking the larger, and
   * registers this replica's outstanding lease again, so the count never goes down and a spent quota stays spent.
   */
  private async restore(counter: Counter, now: Date): Promise<boolean> {
    let durable = 0;
    let fromDatabase = false;
    try {
      durable = await this.durableServed(counter.environmentId, counter.month);
      fromDatabase = true;
      this.databaseAnswered();
    } catch (err) {
      this.databaseFailed(err as Error);
    }
    // Counts already in PostgreSQL but still on their way to the store would otherwise be counted twice.
    const ahead = fromDatabase ? Math.max(0, counter.served - (counter.unpersisted - counter.persisting)) : 0;
    const floor = Math.max(durable - ahead, counter.knownServed);
    const own = counter.leased + counter.served - counter.unsynced;
    try {
      const restored = await this.store.restore(counter.id, floor, own, nextMonthStart(now));
      this.storeAnswered();
      counter.knownTotal = restored.total;
      counter.knownServed = restored.served;
      counter.knownAt = this.clock.now().getTime();
      counter.registered = true;
      counter.needsRestore = false;
      counter.durablePending = !fromDatabase;
      return true;
    } catch (err) {
      this.storeFailed(err as Error);
      return false;
    }
  }

  /**
   * PostgreSQL's count of one environment's month, asked for together with the others asked for within
   * RESTORE_WINDOW_MS (one statement per month and batch): a replica starting cold restores a counter for every
   * environment it serves, and must not send one query each.
   */
  private durableServed(environmentId: string, month: string): Promise<number> {
    return new Promise((resolve, reject) => {
      let byEnvironment = this.restoring.get(month);
      if (!byEnvironment) this.restoring.set(month, (byEnvironment = new Map()));
      const waiters = byEnvironment.get(environmentId);
      if (waiters) waiters.push({ resolve, reject });
      else byEnvironment.set(environmentId, [{ resolve, reject }]);
      this.restoreTimer ??= setTimeout(() => this.flushRestores(), RESTORE_WINDOW_MS);
    });
  }

  private flushRestores(): void {
    this.restoreTimer = undefined;
    const batches = this.restoring;
    this.restoring = new Map();
    for (const [month, byEnvironment] of batches) {
      const ids = [...byEnvironment.keys()];
      for (let i = 0; i < ids.length; i += RESTORE_BATCH) {
        const chunk = ids.slice(i, i + RESTORE_BATCH);
        this.usageStore.served(chunk, month).then(
          (served) => {
            for (const id of chunk) for (const w of byEnvironment.get(id)!) w.resolve(served.get(id) ?? 0);
          },
          (err: unknown) => {
            for (const id of chunk) for (const w of byEnvironment.get(id)!) w.reject(err);
          },
        );
      }
    }
  }

  private giveBack(counter: Counter, amount: number, now: Date): Promise<void> {
    counter.knownTotal -= amount;
    // Skipped by the store when this replica's registration is gone (given back by another replica, or lost).
    return this.store.reserve(counter.id, -amount, nextMonthStart(now), true).then(
      () => this.storeAnswered(),
      (err: Error) => {
        // The reservation stays counted: `used` is overstated by at most one lease until a restore or the month's end.
        this.storeFailed(err);
      },
    );
  }

  private admit(counter: Counter, limit: number, now: Date): QuotaDecision {
    counter.served++;
    counter.unpersisted++;
    const decision = this.decide(counter.decision, counter, limit, now);
    decision.admitted = true;
    decision.retryAfter = 0;
    return decision;
  }

  /** Writes the counter's standing into `target` (no allocation while `now` is in the cached month). */
  private decide(target: QuotaDecision, counter: Counter, limit: number, now: Date): QuotaDecision {
    const inPeriod = now.getTime() >= this.period.startMs && now.getTime() < this.period.endMs;
    target.reset = inPeriod ? this.period.reset : Math.floor(nextMonthStart(now).getTime() / 1000);
    target.resetHeader = inPeriod ? this.period.resetHeader : String(target.reset);
    if (!Number.isFinite(limit)) {
      target.limit = null;
      target.remaining = null;
      return target;
    }
    const used = counter.knownTotal - counter.leased + counter.unsynced;
    target.limit = limit;
    target.remaining = Math.max(0, limit - used);
    return target;
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
      // A counter new to this process starts from PostgreSQL's count: the store may have lost it, or (process
      // memory) never had it before this process started.
      counter = {
        id: counterId(environmentId, month),
        environmentId,
        key,
        servedKey: servedKey(environmentId, month),
        month,
        served: 0,
        unpersisted: 0,
        persisting: 0,
        leased: 0,
        knownTotal: 0,
        knownAt: 0,
        knownServed: 0,
        unsynced: 0,
        lastUsed: 0,
        wanted: BASE_LEASE,
        leasedAt: 0,
        renewBelow: BASE_LEASE / 4,
        registered: false,
        needsRestore: true,
        durablePending: false,
        decision: { admitted: true, limit: null, remaining: null, reset: 0, resetHeader: '', retryAfter: 0 },
      };
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

  private databaseAnswered(): void {
    if (this.databaseDown) {
      this.databaseDown = false;
      this.logger.log('Usage written to PostgreSQL again');
    }
  }

  private databaseFailed(err: Error): void {
    if (!this.databaseDown) {
      this.databaseDown = true;
      this.logger.warn(`Usage could not be written to PostgreSQL, kept for the next try: ${err.message}`);
    }
  }

  /** Reloads plans marked stale one by one; stops at the first failure (PostgreSQL down) and tries again later. */
  private async reloadPlans(): Promise<void> {
    if (this.reloadingPlans) return;
    this.reloadingPlans = true;
    try {
      for (const appId of [...this.stalePlans]) {
        const plan = await this.apps.planOf(appId);
        // A plan-changed event meanwhile dropped the entry: the next request loads the new plan.
        if (this.plans.has(appId)) this.plans.set(appId, plan);
        this.stalePlans.delete(appId);
        this.previousPlans.delete(appId);
      }
    } catch {
      // Kept stale: the known plans go on being served.
    } finally {
      this.reloadingPlans = false;
    }
  }

  /**
   * Adds local counts to the store, returns idle leases, restores lost counters, renews this replica's
   * heartbeat (giving back the leases of replicas that stopped), forgets past months.
   */
  private async housekeeping(all = false): Promise<void> {
    const now = this.clock.now();
    const month = monthOf(now);
    const work: Promise<unknown>[] = [];
    if (this.stalePlans.size > 0) void this.reloadPlans();
    for (const [key, counter] of this.counters) {
      if (counter.inflight) continue;
      if (counter.durablePending && !this.databaseDown && counter.month === month) counter.needsRestore = true;
      if (counter.needsRestore) {
        // Restore first: counts added to a store that lost the counter would be lost with it.
        work.push(this.reserve(counter, Number.POSITIVE_INFINITY, now));
        continue;
      }
      if (counter.unsynced > 0) {
        const amount = counter.unsynced;
        counter.unsynced = 0;
        work.push(
          this.store.reserve(counter.id, amount, nextMonthStart(now), counter.registered).then(
            (total) => {
              this.storeAnswered();
              if (total === null) {
                counter.unsynced += amount;
                counter.needsRestore = true;
                return;
              }
              counter.registered = true;
              counter.knownTotal = total;
              counter.knownAt = this.clock.now().getTime();
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
        work.push(this.giveBack(counter, amount, now));
      }
      if (counter.month !== month && counter.unsynced === 0 && counter.served === 0 && counter.leased === 0 && counter.unpersisted === 0) {
        this.counters.delete(key);
        for (const [env, c] of this.current) if (c === counter) this.current.delete(env);
        work.push(this.store.forget(counter.id).catch(() => undefined));
      }
    }
    for (const key of this.reported.keys()) if (!key.endsWith(month)) this.reported.delete(key);
    if (!all) {
      work.push(
        this.store.heartbeat().then(
          (reclaimed) => {
            if (reclaimed > 0)
              this.logger.warn(`Gave back the quota leases of ${reclaimed} replica(s) that stopped without returning them`);
          },
          (err: Error) => this.storeFailed(err),
        ),
      );
    }
    await Promise.all(work);
  }
}
