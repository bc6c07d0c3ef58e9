import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppsService, AuditLog, eventActor } from '@superflag/apps';
import type { Principal } from '@superflag/auth';
import {
  AppConfig,
  badRequest,
  Clock,
  CLUSTER_BUS,
  type ClusterBus,
  DomainError,
  DomainEvents,
  hashSecret,
  IdGenerator,
  limitReached,
  newSecret,
  notFound,
  type Page,
  type PageRequest,
  Transactions,
} from '@superflag/core';
import { EnvironmentsService } from '@superflag/environments';
import type { ApiKey, KeyType } from './api-key.entity';
import { ApiKeyStore } from './api-key.store';
import { KEY_TYPES, keyPrefix, looksLikeKey } from './key-format';

/** What a runtime key grants: read access to one environment, filtered by type. */
export interface VerifiedKey {
  keyId: string;
  appId: string;
  environmentId: string;
  type: KeyType;
  keyHash: string;
}

/**
 * Unknown keys (hashes not found) are remembered briefly, so clients repeating a revoked or mistyped key cost no
 * query each; fresh random guesses are bounded by the failed-authentication limit instead. A key created since is
 * dropped from every replica's list by its key-created event (and the TTL bounds a missed event).
 */
const NEGATIVE_TTL_MS = 5_000;
const NEGATIVE_MAX = 50_000;
/** Safety net for missed revocation events (e.g. a Redis blip): cached keys are re-checked this often. */
const REVALIDATE_MS = 5_000;
const TOUCH_INTERVAL_MS = 60_000;
/** lastUsedAt writes are gathered this long and sent as one statement (per TOUCH_CHUNK keys), not one per key. */
export const TOUCH_FLUSH_MS = 1_000;
const TOUCH_CHUNK = 5_000;
/** Key ids per revalidation statement. */
const REVALIDATE_CHUNK = 1000;
/** Hashes per lookup statement: keys not in memory are looked up together (see `lookup`). */
export const LOOKUP_BATCH = 1000;

interface Lookup {
  resolve: (key: VerifiedKey | null) => void;
  reject: (err: unknown) => void;
}

@Injectable()
export class KeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Keys');
  /**
   * Verified keys, bounded by CACHE_MAX_KEYS. Least recently used first in Map order, at the granularity of
   * TOUCH_INTERVAL_MS: a key is moved to the end when its lastUsedAt is written, so the hot path does no
   * extra work; past the bound the first (least recently used) entry goes.
   */
  private readonly valid = new Map<string, VerifiedKey & { lastTouched: number }>();
  /** The key each connection presented last (cachedFor); gone with the connection. */
  private readonly lastByHolder = new WeakMap<object, { secret: string; key: VerifiedKey & { lastTouched: number } }>();
  /** Hashes not found → until when; insertion order is expiry order (one TTL). */
  private readonly unknown = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  /** Hashes waiting for the next lookup statement, and whether one is scheduled or in flight. */
  private lookups = new Map<string, Lookup[]>();
  private lookupScheduled = false;
  private lookupsInFlight = 0;
  /** Key id → time of use not yet written (one UPDATE per TOUCH_FLUSH_MS for all of them). */
  private touches = new Map<string, Date>();
  private touchTimer?: NodeJS.Timeout;

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly transactions: Transactions,
    private readonly events: DomainEvents,
    private readonly apps: AppsService,
    private readonly auditLog: AuditLog,
    private readonly environments: EnvironmentsService,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe((event) => {
      if (event.type === 'key-revoked') this.forget(event.keyHash);
      if (event.type === 'key-created') this.unknown.delete(event.keyHash);
      if (event.type === 'resync') void this.revalidate();
    });
    this.timer = setInterval(() => void this.revalidate(), REVALIDATE_MS).unref();
  }

  /** Before the database closes: the uses gathered since the last write are written. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flushTouches();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearTimeout(this.touchTimer);
    this.touchTimer = undefined;
  }

  /** Active keys, oldest first: all of them, or one page. */
  async list(principal: Principal, appId: string, envRef: string, page?: PageRequest): Promise<Page<ApiKey>> {
    const env = await this.environments.resolve(principal, appId, envRef, 'read');
    return this.keys.pageActive(env.id, page);
  }

  /** A new key of the environment; its secret is in the answer only (just its sha256 is kept). */
  async create(
    principal: Principal,
    appId: string,
    envRef: string,
    type: unknown,
    name?: string,
  ): Promise<{ key: ApiKey; secret: string }> {
    if (!KEY_TYPES.includes(type as KeyType)) throw badRequest('Invalid key type');
    const { key, secret, env } = await this.transactions.run(async (tx) => {
      // The environment's row lock (the one versioned flag writes take) makes count-then-insert atomic among
      // parallel creates; revoked keys do not count.
      const env = await this.environments.resolve(principal, appId, envRef, 'write', { tx, lock: true });
      if ((await this.keys.countActive(env.id, tx)) >= this.config.LIMIT_KEYS_PER_ENV) {
        throw limitReached('Active keys per environment', this.config.LIMIT_KEYS_PER_ENV);
      }
      const prefix = keyPrefix(type as KeyType, env.name);
      const secret = newSecret(prefix);
      const key = await this.keys.insert(
        {
          id: this.ids.next('key'),
          appId,
          environmentId: env.id,
          type: type as KeyType,
          name: name ?? null,
          prefix,
          keyHash: hashSecret(secret),
          last4: secret.slice(-4),
          lastUsedAt: null,
          revokedAt: null,
        },
        tx,
      );
      await this.auditLog.record(tx, appId, principal, 'runtime_key.created', {
        keyId: key.id,
        type: key.type,
        environmentId: env.id,
        env: env.name,
      });
      return { key, secret, env };
    });
    // Not confirmed: a replica that missed it lets the negative entry expire (NEGATIVE_TTL_MS).
    await this.bus.publish({ type: 'key-created', keyHash: key.keyHash });
    this.events.emit('key.created', { appId, environmentId: env.id, keyId: key.id, type: key.type, actor: eventActor(principal) });
    return { key, secret };
  }

  /**
   * Revokes a key of an app the caller may write to; a key of an app they are not a member of is "not found", a
   * member without the right gets 403. Every replica stops accepting it.
   */
  async revoke(principal: Principal, keyId: string): Promise<void> {
    const key = await this.keys.findActive(keyId);
    if (!key) throw notFound('Key');
    try {
      await this.apps.authorize(principal, key.appId, 'write');
    } catch (err) {
      throw err instanceof DomainError && err.status === 403 ? err : notFound('Key');
    }
    const revoked = await this.transactions.run(async (tx) => {
      if (!(await this.keys.revoke(key.id, this.clock.now(), tx))) return false;
      await this.auditLog.record(tx, key.appId, principal, 'runtime_key.revoked', {
        keyId: key.id,
        type: key.type,
        environmentId: key.environmentId,
      });
      return true;
    });
    if (!revoked) throw notFound('Key');
    this.forget(key.keyHash);
    await this.bus.publish({ type: 'key-revoked', keyId: key.id, keyHash: key.keyHash }, { confirm: true });
    this.events.emit('key.revoked', { appId: key.appId, environmentId: key.environmentId, keyId: key.id, actor: eventActor(principal) });
  }

  /** The runtime's hot path: a key verified before, from memory (synchronously), or undefined. */
  cached(secret: string): VerifiedKey | undefined {
    if (!looksLikeKey(secret)) return undefined;
    const cached = this.valid.get(hashSecret(secret));
    if (!cached) return undefined;
    const now = Date.now();
    if (now - cached.lastTouched > TOUCH_INTERVAL_MS) this.touch(cached, now);
    return cached;
  }

  /**
   * `cached(secret)` for a secret presented by `holder` (a connection): a client sends the same key on every request
   * of its connection, so the key found last time is reused without hashing the secret again, as long as it is
   * still the verified key in memory (a revocation or eviction drops it there, and so here on the next request).
   * The secret is compared with the one the same connection sent before: it learns nothing it did not send.
   */
  cachedFor(holder: object, secret: string): VerifiedKey | undefined {
    const last = this.lastByHolder.get(holder);
    if (last && last.secret === secret) {
      const cached = this.valid.get(last.key.keyHash);
      if (cached === last.key) {
        const now = Date.now();
        if (now - cached.lastTouched > TOUCH_INTERVAL_MS) this.touch(cached, now);
        return cached;
      }
    }
    const key = this.cached(secret);
    if (key) this.lastByHolder.set(holder, { secret, key: key as VerifiedKey & { lastTouched: number } });
    return key;
  }

  /**
   * The full key check: memory first (synchronously, no promise on the hot path), then the list of hashes
   * recently not found (null, no query), then the database.
   */
  verify(secret: string): VerifiedKey | null | Promise<VerifiedKey | null> {
    if (!looksLikeKey(secret)) return null;
    const keyHash = hashSecret(secret);
    const cached = this.valid.get(keyHash);
    const now = Date.now();
    if (cached) {
      if (now - cached.lastTouched > TOUCH_INTERVAL_MS) this.touch(cached, now);
      return cached;
    }
    const unknownUntil = this.unknown.get(keyHash);
    if (unknownUntil !== undefined) {
      if (unknownUntil > now) return null;
      this.unknown.delete(keyHash);
    }
    return this.lookup(keyHash);
  }

  /**
   * Keys not in memory are looked up together, one statement for all the hashes waiting: with no lookup in flight
   * at the end of this event-loop turn (a lone request waits for no window), else as soon as the one in flight
   * answers. A replica starting cold sees a burst of first requests with as many different keys: they cost a
   * statement per LOOKUP_BATCH, not one each.
   */
  private lookup(keyHash: string): Promise<VerifiedKey | null> {
    return new Promise((resolve, reject) => {
      const waiting = this.lookups.get(keyHash);
      if (waiting) waiting.push({ resolve, reject });
      else this.lookups.set(keyHash, [{ resolve, reject }]);
      this.scheduleLookup();
    });
  }

  private scheduleLookup(): void {
    if (this.lookupScheduled || this.lookupsInFlight > 0 || this.lookups.size === 0) return;
    this.lookupScheduled = true;
    setImmediate(() => this.flushLookups());
  }

  private flushLookups(): void {
    this.lookupScheduled = false;
    const batch = this.lookups;
    this.lookups = new Map();
    const hashes = [...batch.keys()];
    for (let i = 0; i < hashes.length; i += LOOKUP_BATCH) {
      const chunk = hashes.slice(i, i + LOOKUP_BATCH);
      this.lookupsInFlight++;
      this.keys
        .findActiveByHash(chunk)
        .then(
          (found) => {
            const now = Date.now();
            const byHash = new Map(found.map((key) => [key.keyHash, key]));
            for (const hash of chunk) {
              const verified = this.verified(hash, byHash.get(hash), now);
              for (const w of batch.get(hash)!) w.resolve(verified);
            }
          },
          (err: unknown) => {
            for (const hash of chunk) for (const w of batch.get(hash)!) w.reject(err);
          },
        )
        .finally(() => {
          this.lookupsInFlight--;
          this.scheduleLookup();
        });
    }
  }

  /** Remembers a lookup's answer: the key verified (cached within CACHE_MAX_KEYS), or its hash as unknown for NEGATIVE_TTL_MS. */
  private verified(keyHash: string, key: ApiKey | undefined, now: number): VerifiedKey | null {
    if (!key) {
      this.unknown.delete(keyHash);
      while (this.unknown.size >= NEGATIVE_MAX) this.unknown.delete(this.unknown.keys().next().value!);
      this.unknown.set(keyHash, now + NEGATIVE_TTL_MS);
      return null;
    }
    const verified = { keyId: key.id, appId: key.appId, environmentId: key.environmentId, type: key.type, keyHash, lastTouched: 0 };
    // Verified meanwhile through another path (a revalidation race): keep one entry, so the bound counts keys.
    this.valid.delete(keyHash);
    while (this.valid.size >= this.config.CACHE_MAX_KEYS) this.evictLeastRecent();
    this.valid.set(keyHash, verified);
    this.touch(verified, now);
    return verified;
  }

  /** Drops the least recently used key from memory (it is verified again on its next use; its streams stay open). */
  private evictLeastRecent(): void {
    const first = this.valid.keys().next();
    if (!first.done) this.valid.delete(first.value);
  }

  private touch(key: VerifiedKey & { lastTouched: number }, now: number): void {
    key.lastTouched = now;
    // Moved to the end: Map order is then least recently used first (see `valid`).
    if (this.valid.get(key.keyHash) === key) {
      this.valid.delete(key.keyHash);
      this.valid.set(key.keyHash, key);
    }
    this.touches.set(key.keyId, new Date(now));
    if (!this.touchTimer) {
      this.touchTimer = setTimeout(() => {
        this.touchTimer = undefined;
        void this.flushTouches();
      }, TOUCH_FLUSH_MS);
      this.touchTimer.unref();
    }
  }

  /** Writes the uses gathered: one statement per TOUCH_CHUNK keys. lastUsedAt is informative: a failed write is logged, not retried. */
  private async flushTouches(): Promise<void> {
    if (this.touches.size === 0) return;
    const uses = [...this.touches];
    this.touches = new Map();
    for (let i = 0; i < uses.length; i += TOUCH_CHUNK) {
      try {
        await this.keys.touch(new Map(uses.slice(i, i + TOUCH_CHUNK)));
      } catch (err) {
        this.logger.warn(`lastUsedAt not saved for ${Math.min(TOUCH_CHUNK, uses.length - i)} key(s): ${(err as Error).message}`);
      }
    }
  }

  private forget(keyHash: string): void {
    this.valid.delete(keyHash);
  }

  /**
   * Drops cached keys that were revoked or deleted (with their environment or app) while this replica was not told.
   * Checked in bounded chunks (one statement carries at most 65,535 parameters); keys of a chunk whose query
   * failed stay cached until the next round: an outage must not log every client out.
   */
  private async revalidate(): Promise<void> {
    if (this.valid.size === 0 || !this.keys.connected) return;
    const cached = [...this.valid.entries()];
    let firstError: Error | undefined;
    let failed = 0;
    for (let i = 0; i < cached.length; i += REVALIDATE_CHUNK) {
      const chunk = cached.slice(i, i + REVALIDATE_CHUNK);
      try {
        const alive = await this.keys.activeAmong(chunk.map(([, k]) => k.keyId));
        for (const [hash, key] of chunk) {
          if (alive.has(key.keyId)) continue;
          this.forget(hash);
          // Its revocation event was missed (or it went with its environment): announced again, so that this
          // replica's open streams of it close (the runtime listens for key-revoked) and no replica keeps it.
          void this.bus.publish({ type: 'key-revoked', keyId: key.keyId, keyHash: hash });
        }
      } catch (err) {
        firstError ??= err as Error;
        failed++;
      }
    }
    if (firstError) this.logger.warn(`Key revalidation failed for ${failed} chunk(s) of ${REVALIDATE_CHUNK}: ${firstError.message}`);
  }
}
