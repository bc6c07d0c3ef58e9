import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEASE_TTL_MS, QuotasService } from '@superflag/quotas';
import { DataSource } from 'typeorm';
import { replicasPerSuite, sharedServices, startApp, type TestApp } from './support/app';
import { aKey, anApp, aUser, type TestAppRecord, type TestUser } from './support/factories';
import { until } from './support/poll';
import { redisPerSuite } from './support/redis-server';
import { TestSession } from './support/session';

const month = () => new Date().toISOString().slice(0, 7);

const usageOf = async (t: TestApp, user: TestUser, app: TestAppRecord, env = 'production') =>
  (await t.http().get('/api/v1/usage').query({ appId: app.id, env }).set(user.auth).expect(200)).body.data.used as number;

/** What PostgreSQL holds for an environment this month (0 without a row). */
async function durable(t: TestApp, environmentId: string): Promise<number> {
  const rows: Array<{ served: string }> = await t.app
    .get(DataSource)
    .query('SELECT served FROM environment_usage WHERE environment_id = $1 AND month = $2', [environmentId, month()]);
  return Number(rows[0]?.served ?? 0);
}

describe('Redis loses its data: usage and quotas are restored from PostgreSQL', () => {
  const redis = redisPerSuite();
  const s = TestSession.perSuite(() => ({
    DATABASE_URL: sharedServices().DATABASE_URL,
    REDIS_URL: redis.url,
    QUOTA_FREE: '30',
    USAGE_PERSIST_MS: '200',
  }));
  afterAll(() => redis.stop());

  it('reports at least as much after FLUSHALL, and the next requests continue from there', async () => {
    const app = await s.newApp();
    const key = await s.key('production', 'sdk', app); // 1
    for (let i = 0; i < 19; i++) await s.configFor(key).expect(200); // 20
    expect(await usageOf(s, s.user, app)).toBe(20);
    expect(
      await until(
        () => durable(s, app.envs.production),
        (n) => n === 20,
        5_000,
      ),
    ).toBe(20);

    await redis.admin.flushAll();
    expect(await redis.admin.dbSize()).toBe(0);
    expect(await usageOf(s, s.user, app)).toBe(20);
    const res = await s.configFor(key).expect(200); // 21
    expect(res.headers['x-ratelimit-remaining']).toBe('9');
    // Usage never goes down on the way, and settles at exactly what was served once the counter is restored.
    let last = 20;
    const settled = await until(
      async () => {
        const used = await usageOf(s, s.user, app);
        expect(used).toBeGreaterThanOrEqual(last);
        last = used;
        return used;
      },
      (used) => used === 21,
      5_000,
    );
    expect(settled).toBe(21);
    expect(
      await until(
        async () => Number(await redis.admin.get(`sf:quota-served:${app.envs.production}:${month()}`)),
        (n) => n === 21,
        5_000,
      ),
    ).toBe(21);
    expect(
      await until(
        () => durable(s, app.envs.production),
        (n) => n === 21,
        5_000,
      ),
    ).toBe(21);
  });

  it('keeps refusing an environment whose quota was spent before FLUSHALL', async () => {
    const app = await s.newApp();
    const key = await s.key('staging', 'sdk', app); // 1
    for (let i = 0; i < 29; i++) await s.configFor(key).expect(200); // 30
    await s.configFor(key).expect(429);
    expect(
      await until(
        () => durable(s, app.envs.staging),
        (n) => n === 30,
        5_000,
      ),
    ).toBe(30);

    await redis.admin.flushAll();
    // Past the replica's one-second memory of "spent": every answer now comes from the restored counter.
    const end = Date.now() + 2_000;
    while (Date.now() < end) {
      const over = await s.configFor(key);
      expect(over.status).toBe(429);
      expect(over.body).toEqual({ error: 'Monthly quota exceeded' });
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await usageOf(s, s.user, app, 'staging')).toBe(30);
    expect(Number(await redis.admin.get(`sf:quota:${app.envs.staging}:${month()}`))).toBeGreaterThanOrEqual(30);
  });
});

describe('a replica that dies holding a lease', () => {
  const redis = redisPerSuite();
  const [a, b] = replicasPerSuite(2, () => ({ REDIS_URL: redis.url, QUOTA_FREE: '100000' }));
  afterAll(() => redis.stop());

  it('has its lease given back by another replica within the TTL, so reservations return to what was served', async () => {
    const user = await aUser(a);
    const app = await anApp(a, user);
    const key = await aKey(a, user, app, 'production', 'sdk'); // 1, on a: a reserves a lease of 100
    for (let i = 0; i < 4; i++) await a.http().get('/api/v1/config').set(key.auth).expect(200); // 5
    const counter = `sf:quota:${app.envs.production}:${month()}`;
    const served = `sf:quota-served:${app.envs.production}:${month()}`;
    const read = async () => (await redis.admin.mGet([counter, served])).map((v) => Number(v ?? 0));
    expect(await until(read, ([, s]) => s === 5, 3_000)).toEqual([100, 5]);

    // A crash: a's housekeeping (heartbeat, give-backs) stops; its 95 reserved requests are never returned by it.
    const quotas = a.app.get(QuotasService) as unknown as { timer: NodeJS.Timeout; persistTimer: NodeJS.Timeout };
    clearInterval(quotas.timer);
    clearInterval(quotas.persistTimer);
    const crashedAt = Date.now();

    for (let i = 0; i < 3; i++) await b.http().get('/api/v1/config').set(key.auth).expect(200); // 8
    // b returns its own idle lease after 2 s; a's stays counted until its heartbeat expires.
    const leaked = await until(read, ([c, s]) => s === 8 && c === s + 95, 5_000);
    expect(leaked).toEqual([103, 8]);
    expect(Date.now() - crashedAt).toBeLessThan(LEASE_TTL_MS);

    const reconciled = await until(read, ([c, s]) => c === s, LEASE_TTL_MS + 5_000);
    expect(reconciled).toEqual([8, 8]);
    expect(Date.now() - crashedAt).toBeGreaterThanOrEqual(LEASE_TTL_MS - 1_000);
    expect(await usageOf(b, user, app)).toBe(8);
    const res = await b.http().get('/api/v1/config').set(key.auth).expect(200); // 9
    expect(res.headers['x-ratelimit-remaining']).toBe(String(100000 - 9));
  }, 40_000);
});

describe('a process restart on the embedded database without Redis', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'superflag-usage-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keeps the month's usage and quota", async () => {
    const env = { DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir, QUOTA_FREE: '25' };
    const first = await startApp(env);
    const user = await aUser(first);
    const app = await anApp(first, user);
    const key = await aKey(first, user, app, 'production', 'sdk'); // 1
    for (let i = 0; i < 19; i++) await first.http().get('/api/v1/config').set(key.auth).expect(200); // 20
    await first.close(); // final write to PostgreSQL on shutdown

    const second = await startApp(env);
    try {
      expect(await usageOf(second, user, app)).toBe(20);
      const res = await second.http().get('/api/v1/config').set(key.auth).expect(200); // 21
      expect(res.headers['x-ratelimit-remaining']).toBe('4');
      for (let i = 0; i < 4; i++) await second.http().get('/api/v1/config').set(key.auth).expect(200); // 25
      await second.http().get('/api/v1/config').set(key.auth).expect(429);
      expect(await usageOf(second, user, app)).toBe(25);
    } finally {
      await second.close();
    }
    // Two boots of the embedded engine on disk (initdb, every migration) take most of it.
  }, 90_000);
});
