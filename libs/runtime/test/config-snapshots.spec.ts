import { Logger } from '@nestjs/common';
import { type AppConfig, type ClusterEvent, DomainError, DomainEvents, LocalClusterBus } from '@superflag/core';
import type { EnvironmentsService } from '@superflag/environments';
import { Backoff, BACKOFF_MAX_MS } from '../src/backoff';
import { ConfigSnapshots } from '../src/config-snapshots';
import type { EnvironmentReadModel, RuntimeFlag } from '../src/environment-read-model';
import type { Snapshot } from '../src/snapshot';
import { SnapshotEvents } from '../src/snapshot-events';

/** A database of environment versions that can go down, counting every query the snapshots make. */
class FakeDatabase {
  up = true;
  loads = 0;
  readonly versions = new Map<string, number>();
  /** Length of the one string flag an environment listed here holds (others have no flags). */
  readonly payload = new Map<string, number>();

  readonly readModel = {
    load: async (id: string): Promise<{ version: number; flags: RuntimeFlag[] } | null> => {
      this.loads++;
      if (!this.up) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      const version = this.versions.get(id);
      if (version === undefined) return null;
      const size = this.payload.get(id);
      return { version, flags: size === undefined ? [] : [stringFlag('big', `${id}:`.padEnd(size, 'x'))] };
    },
  } as unknown as EnvironmentReadModel;

  /** Ids listed here are left out of versionsOf's answer, as when their chunk's query fails. */
  readonly unchecked = new Set<string>();
  readonly environments = {
    versionsOf: async (ids: string[]) => {
      if (!this.up) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return new Map(ids.filter((id) => !this.unchecked.has(id)).map((id) => [id, this.versions.get(id) ?? null]));
    },
  } as unknown as EnvironmentsService;
}

const ENV = 'env_a';

function stringFlag(key: string, value: string): RuntimeFlag {
  return { key, type: 'string', value, clientEnabled: false, rollout: null, users: new Map(), companies: new Map() };
}

// The failures these tests provoke are logged as warnings: expected here, noise in the output.
beforeAll(() => Logger.overrideLogger(false));

describe('ConfigSnapshots when reloads fail', () => {
  let db: FakeDatabase;
  let snapshots: ConfigSnapshots;
  let events: SnapshotEvents;
  let pushed: Snapshot[];

  beforeEach(() => {
    jest.useFakeTimers();
    // The top of each jitter window: delays of exactly 250, 500, 1000 … ms.
    jest.spyOn(Math, 'random').mockReturnValue(1);
    db = new FakeDatabase();
    db.versions.set(ENV, 1);
    events = new SnapshotEvents();
    snapshots = new ConfigSnapshots(db.readModel, db.environments, events, new DomainEvents(), new LocalClusterBus(), {
      CACHE_MEMORY_MB: 256,
    } as AppConfig);
    snapshots.onModuleInit();
    pushed = [];
    events.on('snapshot', (s) => pushed.push(s));
  });

  afterEach(() => {
    snapshots.onApplicationShutdown();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  /** Loads ENV at version 1 and takes the database down with version 2 committed but not yet loaded. */
  async function staleAtVersion1(): Promise<void> {
    expect((await snapshots.get(ENV))!.version).toBe(1);
    pushed.length = 0;
    db.up = false;
    db.versions.set(ENV, 2);
    snapshots.invalidate(ENV, 2);
    await jest.advanceTimersByTimeAsync(0);
  }

  it('serves a fresh snapshot synchronously, without a query', async () => {
    const first = await snapshots.get(ENV);
    const loads = db.loads;
    expect(snapshots.get(ENV)).toBe(first);
    expect(db.loads).toBe(loads);
  });

  it('keeps serving the last snapshot, synchronously and without a query per read, when its reload fails', async () => {
    await staleAtVersion1();
    expect(db.loads).toBe(2);
    for (let i = 0; i < 1000; i++) {
      const s = snapshots.get(ENV);
      expect(s).not.toBeInstanceOf(Promise);
      expect((s as Snapshot).version).toBe(1);
    }
    expect(db.loads).toBe(2);
    expect(snapshots.staleCount).toBe(1);
    expect(snapshots.reloadFailures).toBe(1);
    expect(snapshots.staleReads).toBe(1000);
    await jest.advanceTimersByTimeAsync(100);
    expect(snapshots.oldestStaleSeconds()).toBeCloseTo(0.1, 2);
  });

  it('answers requests that were waiting on the failing reload with the stale snapshot, not an error', async () => {
    expect((await snapshots.get(ENV))!.version).toBe(1);
    db.up = false;
    db.versions.set(ENV, 2);
    // Raised by a write on this replica: the next reads wait for the reload (read-your-writes)…
    snapshots.invalidate(ENV, 2);
    const waiting = [snapshots.get(ENV), snapshots.get(ENV), snapshots.get(ENV)];
    expect(waiting[0]).toBeInstanceOf(Promise);
    // …and get what there is when it fails.
    for (const s of await Promise.all(waiting)) expect(s!.version).toBe(1);
    expect(db.loads).toBe(2);
  });

  it('retries with exponential backoff up to 10 s, single flight, then refreshes by itself when the database is back', async () => {
    await staleAtVersion1();
    const attemptsAt: number[] = [];
    let last = db.loads;
    for (let t = 0; t < 40_000; t += 50) {
      await jest.advanceTimersByTimeAsync(50);
      void snapshots.get(ENV);
      snapshots.invalidate(ENV, 2);
      if (db.loads !== last) attemptsAt.push(t + 50);
      last = db.loads;
    }
    // 250, +500, +1000, +2000, +4000, +8000, then every 10 s; every read and event in between cost nothing.
    expect(attemptsAt.slice(0, 8)).toEqual([250, 750, 1750, 3750, 7750, 15_750, 25_750, 35_750]);
    expect(attemptsAt).toHaveLength(8);
    expect(pushed).toHaveLength(0);

    db.up = true;
    await jest.advanceTimersByTimeAsync(BACKOFF_MAX_MS);
    expect(snapshots.get(ENV)).toMatchObject({ version: 2 });
    expect(pushed.map((s) => s.version)).toEqual([2]);
    expect(snapshots.staleCount).toBe(0);
    expect(snapshots.oldestStaleSeconds()).toBe(0);
  });

  it('refreshes a stale snapshot at the next revalidation once the database answers, before the backoff ends', async () => {
    await staleAtVersion1();
    // Let the backoff grow past the revalidation period.
    await jest.advanceTimersByTimeAsync(16_000);
    db.up = true;
    db.versions.set(ENV, 3);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(snapshots.get(ENV)).toMatchObject({ version: 3 });
    expect(snapshots.staleCount).toBe(0);
  });

  it('answers 503 with Retry-After for an environment never loaded, failing fast inside the backoff window', async () => {
    db.up = false;
    const first = snapshots.get(ENV);
    await expect(first).rejects.toMatchObject({ status: 503, message: 'Service unavailable', headers: { 'retry-after': '1' } });
    expect(db.loads).toBe(1);
    for (let i = 0; i < 100; i++) {
      let thrown: unknown;
      try {
        void snapshots.get(ENV);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(DomainError);
      expect((thrown as DomainError).status).toBe(503);
    }
    expect(db.loads).toBe(1);
    expect(snapshots.staleCount).toBe(0);

    // Past the window one read tries again; the ones arriving meanwhile still fail fast.
    await jest.advanceTimersByTimeAsync(250);
    const retry = snapshots.get(ENV);
    expect(() => snapshots.get(ENV)).toThrow(DomainError);
    await expect(retry).rejects.toMatchObject({ status: 503 });
    expect(db.loads).toBe(2);

    db.up = true;
    await jest.advanceTimersByTimeAsync(500);
    expect(await snapshots.get(ENV)).toMatchObject({ version: 1 });
  });

  it('keeps an entry whose revalidation chunk failed, and drops one the database says is gone', async () => {
    await snapshots.get(ENV);
    db.versions.set('env_b', 7);
    await snapshots.get('env_b');
    const gone: string[] = [];
    events.on('environment-gone', (id) => gone.push(id));
    db.versions.delete(ENV);
    db.versions.delete('env_b');
    db.unchecked.add('env_b');
    await jest.advanceTimersByTimeAsync(5_000);
    expect(gone).toEqual([ENV]);
    expect(snapshots.get('env_b')).toMatchObject({ version: 7 });
  });

  it('repairs a missed invalidation at the next revalidation', async () => {
    await snapshots.get(ENV);
    pushed.length = 0;
    db.versions.set(ENV, 5);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(snapshots.get(ENV)).toMatchObject({ version: 5 });
    expect(pushed.map((s) => s.version)).toEqual([5]);
  });
});

describe('ConfigSnapshots within CACHE_MEMORY_MB', () => {
  /** ~400 kB estimated per environment (body, its SSE event and compressed forms, the value): two fit in 1 MiB, three do not. */
  const SIZE = 100_000;
  let db: FakeDatabase;
  let snapshots: ConfigSnapshots;
  let queried: string[][];

  beforeEach(() => {
    jest.useFakeTimers();
    db = new FakeDatabase();
    queried = [];
    const versionsOf = db.environments.versionsOf.bind(db.environments);
    db.environments.versionsOf = (ids: string[]) => {
      queried.push(ids);
      return versionsOf(ids);
    };
    for (const id of ['env_a', 'env_b', 'env_c', 'env_d']) {
      db.versions.set(id, 1);
      db.payload.set(id, SIZE);
    }
    snapshots = new ConfigSnapshots(db.readModel, db.environments, new SnapshotEvents(), new DomainEvents(), new LocalClusterBus(), {
      CACHE_MEMORY_MB: 1,
    } as AppConfig);
    snapshots.onModuleInit();
  });

  afterEach(() => {
    snapshots.onApplicationShutdown();
    jest.useRealTimers();
  });

  const valueOf = (s: Snapshot | null) => (s!.flag('sdk', 'big')!.value as string).slice(0, 6);

  it('estimates each snapshot by its payloads and evicts the least recently read environment past the budget', async () => {
    const a = (await snapshots.get('env_a'))!;
    expect(a.bytes).toBeGreaterThan(3 * SIZE);
    expect(a.bytes).toBeLessThan(5 * SIZE);
    expect(snapshots.bytes).toBe(a.bytes);
    await snapshots.get('env_b');
    // env_a read since env_b: env_b is the least recently read when env_c arrives.
    void snapshots.get('env_a');
    await snapshots.get('env_c');
    expect(snapshots.evictions).toBe(1);
    expect(snapshots.size).toBe(2);
    expect(snapshots.bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(snapshots.get('env_a')).toBe(a);
    expect(snapshots.get('env_c')).not.toBeInstanceOf(Promise);

    // Evicted: forgotten until asked. No reload on its change event, not in the revalidation query…
    const loads = db.loads;
    snapshots.invalidate('env_b', 2);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(db.loads).toBe(loads);
    expect(queried.at(-1)!.sort()).toEqual(['env_a', 'env_c']);
    // …then loaded again, correctly, on its next read (a miss), evicting the next least recently read.
    db.versions.set('env_b', 2);
    const b = snapshots.get('env_b');
    expect(b).toBeInstanceOf(Promise);
    expect(await b).toMatchObject({ version: 2 });
    expect(valueOf(await b)).toBe('env_b:');
    expect(snapshots.evictions).toBe(2);
    expect(snapshots.size).toBe(2);
  });

  it('counts reads, not refreshes, as use: an environment that only changes is evicted first', async () => {
    await snapshots.get('env_a');
    await snapshots.get('env_b');
    db.versions.set('env_a', 2);
    snapshots.invalidate('env_a', 2);
    await jest.advanceTimersByTimeAsync(0);
    await snapshots.get('env_c');
    expect(snapshots.evictions).toBe(1);
    expect(snapshots.get('env_b')).not.toBeInstanceOf(Promise);
    expect(snapshots.get('env_a')).toBeInstanceOf(Promise);
  });

  it('never evicts an environment retained by open streams, even when it is the least recently read', async () => {
    snapshots.retainWhile((id) => id === 'env_a');
    const a = await snapshots.get('env_a');
    await snapshots.get('env_b');
    await snapshots.get('env_c');
    await snapshots.get('env_d');
    expect(snapshots.get('env_a')).toBe(a);
    expect(snapshots.evictions).toBe(2);
    expect(snapshots.bytes).toBeLessThanOrEqual(1024 * 1024);
    // Every environment still reads correctly, loaded again when it was evicted.
    for (const id of ['env_a', 'env_b', 'env_c', 'env_d']) expect(valueOf(await snapshots.get(id))).toBe(`${id}:`);
  });

  it('keeps serving a stale snapshot within the budget while the database is down', async () => {
    await snapshots.get('env_a');
    await snapshots.get('env_b');
    db.up = false;
    snapshots.invalidate('env_a', 2);
    await jest.advanceTimersByTimeAsync(0);
    expect(snapshots.get('env_a')).toMatchObject({ version: 1 });
    await expect(snapshots.get('env_c')).rejects.toMatchObject({ status: 503 });
    expect(snapshots.evictions).toBe(0);
    expect(snapshots.get('env_a')).toMatchObject({ version: 1 });
    expect(snapshots.staleCount).toBe(1);
  });

  it('accounts for snapshots replaced by reloads and environments removed', async () => {
    await snapshots.get('env_a');
    const before = snapshots.bytes;
    db.versions.set('env_a', 2);
    db.payload.set('env_a', SIZE / 2);
    snapshots.invalidate('env_a', 2);
    await jest.advanceTimersByTimeAsync(0);
    expect(snapshots.get('env_a')).toMatchObject({ version: 2 });
    expect(snapshots.bytes).toBe((snapshots.get('env_a') as Snapshot).bytes);
    expect(snapshots.bytes).toBeLessThan(before);
    db.versions.delete('env_a');
    await jest.advanceTimersByTimeAsync(5_000);
    expect(snapshots.bytes).toBe(0);
  });
});

describe('ConfigSnapshots and change events', () => {
  let db: FakeDatabase;
  let domainEvents: DomainEvents;
  let bus: LocalClusterBus;
  let snapshots: ConfigSnapshots;
  let published: ClusterEvent[];
  let pushed: Snapshot[];

  beforeEach(async () => {
    db = new FakeDatabase();
    db.versions.set(ENV, 1);
    domainEvents = new DomainEvents();
    bus = new LocalClusterBus();
    published = [];
    bus.subscribe((e) => published.push(e));
    const events = new SnapshotEvents();
    pushed = [];
    events.on('snapshot', (s) => pushed.push(s));
    snapshots = new ConfigSnapshots(db.readModel, db.environments, events, domainEvents, bus, { CACHE_MEMORY_MB: 256 } as AppConfig);
    snapshots.onModuleInit();
    await snapshots.get(ENV);
    pushed.length = 0;
  });

  afterEach(() => snapshots.onApplicationShutdown());

  const flagChanged = (version: number) =>
    domainEvents.emit('flag.changed', {
      appId: 'app_1',
      environmentId: ENV,
      version,
      keys: ['f'],
      kind: 'update',
      actor: null,
      description: null,
    });

  it('reloads on flag.changed from this replica, before the next read, and tells the other replicas with flags-changed', async () => {
    db.versions.set(ENV, 2);
    flagChanged(2);
    expect(published).toEqual([{ type: 'flags-changed', environmentId: ENV, version: 2 }]);
    // Read-your-writes: the write's own replica waits for the reload rather than serving version 1.
    const next = snapshots.get(ENV);
    expect(next).toBeInstanceOf(Promise);
    expect(await next).toMatchObject({ version: 2 });
    expect(pushed.map((s) => s.version)).toEqual([2]);
  });

  it("reloads on another replica's flags-changed without republishing it", async () => {
    db.versions.set(ENV, 3);
    await bus.publish({ type: 'flags-changed', environmentId: ENV, version: 3 });
    expect(await snapshots.get(ENV)).toMatchObject({ version: 3 });
    expect(published).toHaveLength(1);
  });

  it('stops listening on shutdown', () => {
    snapshots.onApplicationShutdown();
    flagChanged(2);
    expect(published).toEqual([]);
  });
});

describe('Backoff', () => {
  it('doubles from 250 ms to 10 s, with jitter in the upper half of each window, and resets on success', () => {
    let draw = 0;
    const backoff = new Backoff(() => draw);
    expect(backoff.waiting(0)).toBe(false);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(() => backoff.failed(0))).toEqual([125, 250, 500, 1000, 2000, 4000, 5000, 5000]);
    draw = 1;
    expect(backoff.failed(1000)).toBe(10_000);
    expect(backoff.waiting(10_999)).toBe(true);
    expect(backoff.retryAfterSeconds(1000)).toBe(10);
    expect(backoff.waiting(11_000)).toBe(false);
    backoff.succeeded();
    expect(backoff.failures).toBe(0);
    expect(backoff.failed(0)).toBe(250);
  });
});
