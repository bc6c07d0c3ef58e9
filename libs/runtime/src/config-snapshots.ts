import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig, CLUSTER_BUS, type ClusterBus, DomainEvents } from '@superflag/core';
import { EnvironmentsService } from '@superflag/environments';
import { Backoff, serviceUnavailable } from './backoff';
import { EnvironmentReadModel } from './environment-read-model';
import { Snapshot } from './snapshot';
import { SnapshotEvents } from './snapshot-events';

interface Entry {
  snapshot?: Snapshot;
  /** Highest version this replica has heard of; a snapshot older than this is reloaded before use. */
  wanted: number;
  loading?: Promise<Snapshot | null>;
  /** Reload failures in a row. While any, the snapshot is served as it is (stale-if-error) and reloads back off. */
  backoff: Backoff;
  /** When the current run of failures began (epoch ms): how long a stale snapshot has been served. */
  staleSince?: number;
  /** The backed-off reload of a stale snapshot, so it refreshes once the database is back without waiting for an event. */
  retry?: NodeJS.Timeout;
  /** The read counter at its last read: least recently used first when the cache is past its budget. */
  used: number;
  /** The snapshot's bytes as last added to `bytes` (0 while it has none). */
  counted: number;
}

/** Safety net for missed change events (Redis blip): cached versions are compared with the database this often. */
const REVALIDATE_MS = 5_000;
const MAX_RELOADS = 5;

/** Whether an environment must stay cached (it has open streams), whatever the budget. */
export type RetainPredicate = (environmentId: string) => boolean;

/** Past the budget, evict down to this share of it, so that each further load does not evict (and sort) again. */
const EVICT_TO = 0.9;

const ignore = () => undefined;

/**
 * The runtime's in-memory copy of each served environment. Reads never touch PostgreSQL in the steady state;
 * a write (here: its `flag.changed` domain event, synchronously after commit; elsewhere: the cluster bus's
 * `flags-changed`) marks the environment's snapshot stale and it is reloaded once (single flight), then announced
 * on SnapshotEvents for open streams to push.
 *
 * When a reload fails (PostgreSQL down), the last snapshot keeps being served: an old flag set beats no flag
 * set for every client application. Reloads then back off (250 ms doubling to 10 s, jittered) and reads stop
 * waiting for them. An environment never loaded has nothing to serve: it answers 503 with Retry-After, and
 * within the backoff window without asking the database again.
 *
 * The cache is bounded by CACHE_MEMORY_MB (each snapshot's estimated bytes): past it, the least recently read
 * environments without open streams are evicted, after a load and at each revalidation. An evicted environment is
 * forgotten entirely (no reloads, no events) until it is read again. Reads only stamp a counter on their entry;
 * ordering happens at eviction time, so the hot path stays one Map lookup.
 */
@Injectable()
export class ConfigSnapshots implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ConfigSnapshots');
  private readonly entries = new Map<string, Entry>();
  private readonly retainers: RetainPredicate[] = [];
  private readonly budgetBytes: number;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private reads = 0;
  /** Estimated bytes of the cached snapshots. */
  bytes = 0;
  evictions = 0;
  hits = 0;
  misses = 0;
  /** Reads answered from a snapshot whose reload failed (also counted in `hits`). */
  staleReads = 0;
  reloadFailures = 0;

  constructor(
    private readonly readModel: EnvironmentReadModel,
    private readonly environments: EnvironmentsService,
    private readonly events: SnapshotEvents,
    private readonly domainEvents: DomainEvents,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    config: AppConfig,
  ) {
    this.budgetBytes = config.CACHE_MEMORY_MB * 1024 * 1024;
  }

  onModuleInit(): void {
    // Heard once, on the replica that wrote; the other replicas hear of it through the cluster bus.
    this.unsubscribe = this.domainEvents.on('flag.changed', ({ environmentId, version }) => {
      this.invalidate(environmentId, version);
      void this.bus.publish({ type: 'flags-changed', environmentId, version });
    });
    this.bus.subscribe((event) => {
      if (event.type === 'flags-changed') this.invalidate(event.environmentId, event.version);
      if (event.type === 'resync') void this.revalidate();
    });
    this.timer = setInterval(() => {
      this.evictPastBudget();
      void this.revalidate();
    }, REVALIDATE_MS).unref();
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    clearInterval(this.timer);
    for (const entry of this.entries.values()) clearTimeout(entry.retry);
  }

  /** Environments for which `predicate` holds are never evicted. */
  retainWhile(predicate: RetainPredicate): void {
    this.retainers.push(predicate);
  }

  /** SQL statements the read model sent to load snapshots (failed ones included), and the environments they loaded: see EnvironmentReadModel for how loads share them. */
  get loadStatements(): number {
    return this.readModel.statements;
  }

  get environmentsLoaded(): number {
    return this.readModel.loaded;
  }

  /** Environments cached on this replica. */
  get size(): number {
    return this.entries.size;
  }

  /** Environments served from a snapshot whose last reload failed. */
  get staleCount(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.snapshot && entry.staleSince !== undefined) n++;
    return n;
  }

  /** How long the stalest of them has been served without a successful reload (0 when none). */
  oldestStaleSeconds(now = Date.now()): number {
    let oldest = now;
    for (const entry of this.entries.values())
      if (entry.snapshot && entry.staleSince !== undefined) oldest = Math.min(oldest, entry.staleSince);
    return (now - oldest) / 1000;
  }

  /**
   * The current snapshot: from memory when fresh, else loaded once however many requests wait for it. After a
   * failed reload: the stale snapshot at once, or (never loaded) a 503, thrown synchronously within the backoff window.
   */
  get(environmentId: string): Snapshot | Promise<Snapshot | null> {
    const entry = this.entries.get(environmentId);
    if (entry?.snapshot && entry.snapshot.version >= entry.wanted) {
      this.hits++;
      entry.used = ++this.reads;
      if (entry.snapshot.bytes !== entry.counted) this.recount(entry, entry.snapshot);
      return entry.snapshot;
    }
    return this.afterMiss(environmentId, entry);
  }

  /** The environment's snapshot when it is in memory and current, without counting a read (see countRead); else undefined. */
  current(environmentId: string): Snapshot | undefined {
    const entry = this.entries.get(environmentId);
    return entry?.snapshot && entry.snapshot.version >= entry.wanted ? entry.snapshot : undefined;
  }

  /** Counts a read answered from `current`'s snapshot, as `get` counts its own: a hit, and the most recently used. */
  countRead(environmentId: string): void {
    const entry = this.entries.get(environmentId);
    if (!entry) return;
    this.hits++;
    entry.used = ++this.reads;
    if (entry.snapshot && entry.snapshot.bytes !== entry.counted) this.recount(entry, entry.snapshot);
  }

  invalidate(environmentId: string, version: number): void {
    const entry = this.entries.get(environmentId);
    if (!entry) return; // never served here: nothing to refresh
    if (version <= entry.wanted && (entry.snapshot?.version ?? -1) >= version) return;
    entry.wanted = Math.max(entry.wanted, version);
    // While the database is failing, the backed-off retry (or the next read past the window) picks the change up.
    if (entry.backoff.waiting(Date.now())) return;
    // Refresh now rather than on the next read, so open streams get the change within the second.
    this.refresh(environmentId);
  }

  private afterMiss(environmentId: string, entry: Entry | undefined): Snapshot | Promise<Snapshot | null> {
    if (entry && entry.backoff.failures > 0) {
      // The last reload failed: answer now instead of queueing behind a reload that is likely to fail as well.
      if (entry.snapshot) {
        this.hits++;
        this.staleReads++;
        entry.used = ++this.reads;
        return entry.snapshot;
      }
      const now = Date.now();
      if (entry.loading || entry.backoff.waiting(now)) throw serviceUnavailable(entry.backoff.retryAfterSeconds(now));
    }
    this.misses++;
    // A read: unlike the refreshes that change events and revalidation start, it makes the environment recently used.
    if (entry) entry.used = ++this.reads;
    return this.reload(environmentId);
  }

  /** A reload nobody waits for: its failure is already logged and counted. */
  private refresh(environmentId: string): void {
    this.reload(environmentId).catch(ignore);
  }

  private reload(environmentId: string): Promise<Snapshot | null> {
    let entry = this.entries.get(environmentId);
    if (!entry) {
      entry = { wanted: 0, backoff: new Backoff(), used: ++this.reads, counted: 0 };
      this.entries.set(environmentId, entry);
    }
    if (entry.loading) return entry.loading;
    const target = entry;
    target.loading = (async () => {
      const previous = target.snapshot?.version;
      try {
        for (let i = 0; i < MAX_RELOADS; i++) {
          const data = await this.readModel.load(environmentId);
          if (!data) {
            this.drop(environmentId, target);
            return null;
          }
          this.store(environmentId, target, new Snapshot(environmentId, data.version, data.flags));
          if (data.version >= target.wanted) break;
        }
        const snapshot = target.snapshot!;
        target.wanted = Math.max(target.wanted, snapshot.version);
        if (target.backoff.failures > 0) this.recovered(environmentId, target);
        return snapshot;
      } catch (err) {
        return this.failed(environmentId, target, err as Error);
      } finally {
        target.loading = undefined;
        this.evictPastBudget(target);
        const snapshot = target.snapshot;
        if (snapshot && snapshot.version !== previous && this.entries.get(environmentId) === target) {
          this.events.emit('snapshot', snapshot);
        }
      }
    })();
    return target.loading;
  }

  /** Serves the stale snapshot (and schedules the next attempt) or, with none, fails with 503. */
  private failed(environmentId: string, entry: Entry, err: Error): Snapshot {
    const now = Date.now();
    this.reloadFailures++;
    const first = entry.backoff.failures === 0;
    const delay = entry.backoff.failed(now);
    if (!entry.snapshot) {
      if (first) this.logger.warn(`Environment ${environmentId} could not be loaded: ${err.message}`);
      throw serviceUnavailable(delay / 1000);
    }
    entry.staleSince ??= now;
    if (first)
      this.logger.warn(
        `Environment ${environmentId}: reload failed (${err.message}); serving its snapshot at version ${entry.snapshot.version} until it succeeds`,
      );
    clearTimeout(entry.retry);
    entry.retry = setTimeout(() => {
      entry.retry = undefined;
      if (this.entries.get(environmentId) === entry) this.refresh(environmentId);
    }, delay).unref();
    return entry.snapshot;
  }

  private recovered(environmentId: string, entry: Entry): void {
    this.logger.log(`Environment ${environmentId} reloaded after ${entry.backoff.failures} failed attempt(s)`);
    entry.backoff.succeeded();
    entry.staleSince = undefined;
    clearTimeout(entry.retry);
    entry.retry = undefined;
  }

  private drop(environmentId: string, entry: Entry): void {
    clearTimeout(entry.retry);
    if (this.entries.get(environmentId) !== entry) return;
    this.remove(environmentId, entry);
    this.events.emit('environment-gone', environmentId);
  }

  /** Only entries in the map count towards `bytes`: one removed while its load was in flight is no longer counted. */
  private store(environmentId: string, entry: Entry, snapshot: Snapshot): void {
    entry.snapshot = snapshot;
    if (this.entries.get(environmentId) === entry) this.recount(entry, snapshot);
  }

  /** Brings `bytes` up to date with what the entry's snapshot holds now (it grows as evaluation answers are made). */
  private recount(entry: Entry, snapshot: Snapshot): void {
    const now = snapshot.bytes;
    this.bytes += now - entry.counted;
    entry.counted = now;
  }

  private remove(environmentId: string, entry: Entry): void {
    this.entries.delete(environmentId);
    this.bytes -= entry.counted;
    entry.counted = 0;
  }

  /**
   * Past the budget: evicts the least recently read environments down to EVICT_TO of it. Never one being loaded
   * (requests wait on it), nor `loaded` (just loaded for a reader), nor one with open streams (they need its next
   * snapshot pushed): with only those left the cache may stay above its budget.
   */
  private evictPastBudget(loaded?: Entry): void {
    if (this.bytes <= this.budgetBytes) return;
    const candidates: Array<[string, Entry]> = [];
    for (const item of this.entries) {
      const [id, entry] = item;
      // Without a snapshot it holds nothing, and forgetting it would forget its backoff too.
      if (entry.snapshot && entry !== loaded && !entry.loading && !this.retainers.some((retain) => retain(id))) candidates.push(item);
    }
    candidates.sort((a, b) => a[1].used - b[1].used);
    const target = this.budgetBytes * EVICT_TO;
    for (const [id, entry] of candidates) {
      if (this.bytes <= target) break;
      clearTimeout(entry.retry);
      this.remove(id, entry);
      this.evictions++;
    }
  }

  private async revalidate(): Promise<void> {
    if (this.entries.size === 0) return;
    let versions: Map<string, number | null>;
    try {
      versions = await this.environments.versionsOf([...this.entries.keys()]);
    } catch (err) {
      this.logger.warn(`Snapshot revalidation failed: ${(err as Error).message}`);
      return;
    }
    for (const [id, entry] of this.entries) {
      // Not in the answer: its chunk failed (or it was first served since the query began); next round.
      if (!versions.has(id)) continue;
      const current = versions.get(id);
      if (current === null) {
        this.drop(id, entry);
      } else if (current !== entry.snapshot?.version) {
        entry.wanted = Math.max(entry.wanted, current!);
        // The database just answered: no reason to wait out a failed reload's backoff.
        this.refresh(id);
      }
    }
  }
}
