import { Logger } from '@nestjs/common';
import { DomainError, LocalClusterBus } from '@superflag/core';
import type { EnvironmentsService } from '@superflag/environments';
import type { FlagsService, RuntimeFlag } from '@superflag/flags';
import { Backoff, BACKOFF_MAX_MS } from '../src/backoff';
import { ConfigSnapshots } from '../src/config-snapshots';
import type { Snapshot } from '../src/snapshot';

/** A database of environment versions that can go down, counting every query the snapshots make. */
class FakeDatabase {
  up = true;
  loads = 0;
  readonly versions = new Map<string, number>();

  readonly flags = {
    onFlagsChanged: () => undefined,
    loadEnvironment: async (id: string): Promise<{ version: number; flags: RuntimeFlag[] } | null> => {
      this.loads++;
      if (!this.up) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      const version = this.versions.get(id);
      return version === undefined ? null : { version, flags: [] };
    },
  } as unknown as FlagsService;

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

// The failures these tests provoke are logged as warnings: expected here, noise in the output.
beforeAll(() => Logger.overrideLogger(false));

describe('ConfigSnapshots when reloads fail', () => {
  let db: FakeDatabase;
  let snapshots: ConfigSnapshots;
  let pushed: Snapshot[];

  beforeEach(() => {
    jest.useFakeTimers();
    // The top of each jitter window: delays of exactly 250, 500, 1000 … ms.
    jest.spyOn(Math, 'random').mockReturnValue(1);
    db = new FakeDatabase();
    db.versions.set(ENV, 1);
    snapshots = new ConfigSnapshots(db.flags, db.environments, new LocalClusterBus());
    snapshots.onModuleInit();
    pushed = [];
    snapshots.onSnapshot((s) => pushed.push(s));
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
      snapshots.get(ENV);
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
        snapshots.get(ENV);
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
    snapshots.onEnvironmentGone((id) => gone.push(id));
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
