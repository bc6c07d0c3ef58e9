import { Logger } from '@nestjs/common';
import type { ClusterEvent } from '@superflag/core';
import { MemoryQuotaStore, type QuotaStore } from '../src/quota-store';
import { QuotasService } from '../src/quotas.service';
import { MemoryUsageStore, SharedStore } from './fakes';

const MONTH = '2026-11';
const ENV = 'env_durable';

interface Replica {
  q: QuotasService;
  housekeeping: (all?: boolean) => Promise<void>;
  emit: (event: ClusterEvent) => void;
}

function replica(
  store: QuotaStore,
  usage: MemoryUsageStore,
  limit = 100_000,
  apps: { planOf: (id: string) => Promise<string> } = { planOf: async () => 'free' },
): Replica {
  const clock = { now: () => new Date('2026-11-10T12:00:00Z') };
  const config = {
    QUOTAS_ENABLED: true,
    QUOTA_FREE: limit,
    QUOTA_PRO: limit * 2,
    QUOTA_ENTERPRISE: 0,
    BURST_KEY_LIMIT: 0,
    USAGE_PERSIST_MS: 5000,
  };
  const handlers: Array<(e: ClusterEvent) => void> = [];
  const bus = { subscribe: (h: (e: ClusterEvent) => void) => handlers.push(h), publish: async () => undefined };
  const q = new QuotasService(store, usage, config as never, clock as never, apps as never, bus as never, {} as never);
  q.onModuleInit();
  // Timers are driven by hand here.
  const timers = q as unknown as { timer: NodeJS.Timeout; persistTimer: NodeJS.Timeout; housekeeping: (all?: boolean) => Promise<void> };
  clearInterval(timers.timer);
  clearInterval(timers.persistTimer);
  return { q, housekeeping: (all) => timers.housekeeping.call(q, all), emit: (e) => handlers.forEach((h) => h(e)) };
}

async function serve(r: Replica, n: number): Promise<number> {
  let admitted = 0;
  for (let i = 0; i < n; i++) {
    if ((await r.q.consume(ENV, 'free'))!.admitted) admitted++;
  }
  return admitted;
}

const used = async (r: Replica) => (await r.q.usage([ENV], 'free')).get(ENV)!.used;

describe('durable usage', () => {
  it('writes served counts to PostgreSQL as deltas, and keeps them while it is down (one warning)', async () => {
    const usage = new MemoryUsageStore();
    const a = replica(new MemoryQuotaStore(), usage);
    await serve(a, 30);
    await a.q.persist();
    expect(usage.rows.get(`${ENV}:${MONTH}`)).toBe(30);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    usage.down = true;
    await serve(a, 10);
    await a.q.persist();
    await a.q.persist();
    expect(warn.mock.calls.filter(([m]) => String(m).startsWith('Usage could not be written'))).toHaveLength(1);
    warn.mockRestore();
    usage.down = false;
    await a.q.persist();
    expect(usage.rows.get(`${ENV}:${MONTH}`)).toBe(40);
    await a.q.persist();
    expect(usage.rows.get(`${ENV}:${MONTH}`)).toBe(40);
  });

  it('restores counters the store lost from PostgreSQL, taking the larger, without counting anything twice', async () => {
    const shared = new SharedStore();
    const usage = new MemoryUsageStore();
    const a = replica(shared.view('a'), usage);
    await serve(a, 62);
    await a.housekeeping();
    await a.q.persist();
    expect(await used(a)).toBe(62);
    shared.flushAll();
    expect(await used(a)).toBe(62);
    const b = replica(shared.view('b'), usage);
    expect(await used(b)).toBe(62);
    await serve(a, 3);
    // Each run (every second): finds the registration gone, restores, then adds the 3.
    for (let i = 0; i < 3; i++) await a.housekeeping();
    expect(await used(b)).toBe(65);
    const [reserved, served] = await shared.view('x').get([`sf:quota:${ENV}:${MONTH}`, `sf:quota-served:${ENV}:${MONTH}`]);
    expect(served).toBe(65);
    // Reservations cover what was served plus a's outstanding lease.
    expect(reserved).toBeGreaterThanOrEqual(65);
  });

  it('keeps a quota spent before the loss spent after it, on the replica that spent it and on a fresh one', async () => {
    const shared = new SharedStore();
    const usage = new MemoryUsageStore();
    const a = replica(shared.view('a'), usage, 25);
    expect(await serve(a, 30)).toBe(25);
    await a.housekeeping();
    await a.q.persist();
    shared.flushAll();
    await new Promise((r) => setTimeout(r, 1100)); // past the replica's "known spent a moment ago" shortcut
    expect(await serve(a, 5)).toBe(0);
    expect(await serve(replica(shared.view('b'), usage, 25), 5)).toBe(0);
    expect(await used(a)).toBe(25);
  });

  it('starts the process-memory store from PostgreSQL after a restart (no Redis)', async () => {
    const usage = new MemoryUsageStore();
    const first = replica(new MemoryQuotaStore(), usage, 25);
    expect(await serve(first, 20)).toBe(20);
    await first.q.onApplicationShutdown();
    const second = replica(new MemoryQuotaStore(), usage, 25);
    expect(await used(second)).toBe(20);
    expect(await serve(second, 10)).toBe(5);
    expect(await used(second)).toBe(25);
  });
});

describe('leases of a replica that stopped', () => {
  it('are given back by another replica once its heartbeat expired, so reservations match what was served', async () => {
    const shared = new SharedStore();
    const usage = new MemoryUsageStore();
    const a = replica(shared.view('a'), usage);
    const b = replica(shared.view('b'), usage);
    await serve(a, 5);
    await a.housekeeping();
    await serve(a, 2); // served, never reported: lost with the replica
    await serve(b, 3);
    await b.housekeeping();
    const counter = `sf:quota:${ENV}:${MONTH}`;
    const servedKey = `sf:quota-served:${ENV}:${MONTH}`;
    // a stops here (no housekeeping any more) holding 93 reserved requests.
    expect(shared.values.get(counter)).toBe(200);
    shared.now += 5_000;
    await b.housekeeping();
    expect(shared.values.get(counter)).toBe(200);
    shared.now += 6_000;
    await b.housekeeping();
    // What a reported as served stays; its lease and its unreported counts are given back.
    expect(shared.values.get(servedKey)).toBe(8);
    expect(shared.values.get(counter)).toBe(8 + 97);
    await b.housekeeping(true);
    expect(shared.values.get(counter)).toBe(8);
    expect(await used(b)).toBe(8);
  });
});

describe('plan cache', () => {
  it('keeps serving known plans while PostgreSQL is down, after a resync and after a plan change', async () => {
    let down = false;
    let plan = 'pro';
    const apps = { planOf: async () => (down ? Promise.reject(new Error('connect ECONNREFUSED')) : plan) };
    const r = replica(new MemoryQuotaStore(), new MemoryUsageStore(), 10, apps);
    expect(await r.q.planOf('app_1')).toBe('pro');
    down = true;
    r.emit({ type: 'resync' });
    expect(r.q.planOf('app_1')).toBe('pro');
    r.emit({ type: 'plan-changed', appId: 'app_1' });
    expect(await r.q.planOf('app_1')).toBe('pro');
    // Kept in memory: the next request does not ask PostgreSQL again.
    expect(r.q.planOf('app_1')).toBe('pro');
    await expect(r.q.planOf('app_unknown')).rejects.toThrow('ECONNREFUSED');
    down = false;
    plan = 'enterprise';
    await r.housekeeping();
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.q.planOf('app_1')).toBe('enterprise');
  });
});
