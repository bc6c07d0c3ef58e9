import { Clock } from '@superflag/core';
import { sharedServices, startApp, TestApp } from './support/app';
import { aFlag, aKey, anApp, aUser, TestAppRecord, TestUser } from './support/factories';
import { SseClient } from './support/sse';

const NEXT_MONTH = (now: Date) => Math.floor(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) / 1000);

describe('monthly quotas', () => {
  let t: TestApp;
  let admin: TestUser;
  let user: TestUser;
  const adminEmail = `ops-${Date.now()}@example.com`;
  beforeAll(async () => {
    // The operator is the bootstrap account (ADMIN_EMAIL/ADMIN_PASSWORD), made an operator at start-up.
    t = await startApp({ QUOTA_FREE: '20', QUOTA_PRO: '40', ADMIN_EMAIL: adminEmail.toUpperCase(), ADMIN_PASSWORD: 'operator-password' });
    const res = await t.http().post('/api/v1/auth/login').send({ email: adminEmail, password: 'operator-password' }).expect(200);
    admin = { id: res.body.data.user.id, email: adminEmail, password: 'operator-password', token: res.body.data.token, auth: { Authorization: `Bearer ${res.body.data.token}` } };
    user = await aUser(t);
  });
  afterAll(() => t.close());

  const config = (key: { auth: { Authorization: string } }) => t.http().get('/api/v1/config').set(key.auth);

  it('admits exactly QUOTA_FREE requests per environment a month, then 429 with Retry-After; headers on every counted response', async () => {
    const app = await anApp(t, user);
    const key = await aKey(t, user, app, 'production', 'sdk');
    const reset = String(NEXT_MONTH(new Date()));
    // Creating the key was request 1 against production's quota.
    for (let i = 2; i <= 20; i++) {
      const res = await config(key).expect(200);
      expect(res.headers['x-ratelimit-limit']).toBe('20');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(20 - i));
      expect(res.headers['x-ratelimit-reset']).toBe(reset);
    }
    const over = await config(key).expect(429);
    expect(over.body).toEqual({ error: 'Monthly quota exceeded' });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(31 * 24 * 3600);
    expect(over.headers['x-ratelimit-remaining']).toBe('0');
    // Management requests naming the environment share the quota; other environments are untouched.
    const mgmt = await t.http().get('/api/v1/flags').query({ appId: app.id, env: 'production' }).set(user.auth).expect(429);
    expect(mgmt.body).toEqual({ error: 'Monthly quota exceeded' });
    const staging = await t.http().get('/api/v1/flags').query({ appId: app.id, env: 'staging' }).set(user.auth).expect(200);
    expect(staging.headers['x-ratelimit-limit']).toBe('20');
    expect(staging.headers['x-ratelimit-remaining']).toBe('19');
  });

  it('counts management requests, 304s and streams; not requests refused for auth', async () => {
    const app = await anApp(t, user);
    const key = await aKey(t, user, app, 'staging', 'pub'); // 1
    const q = { appId: app.id, env: 'staging' };
    await aFlag(t, user, app, 'staging', { key: 'f' }); // 2
    const first = await config(key).expect(200); // 3
    await config(key).set('If-None-Match', first.headers.etag).expect(304); // 4
    const stranger = await aUser(t);
    await t.http().get('/api/v1/flags').query(q).set(stranger.auth).expect(404); // not counted
    await t.http().get('/api/v1/config').set('Authorization', `Bearer pub_stg_${'Z'.repeat(43)}`).expect(401); // not counted
    await t.http().get('/api/v1/changes').query(q).set(user.auth).expect(200); // 5
    const stream = await SseClient.connect(`${await t.url()}/api/v1/config/stream`, key.auth); // 6
    expect(stream.headers['x-ratelimit-remaining']).toBe('14');
    stream.close();
    const usage = await t.http().get('/api/v1/usage').query(q).set(user.auth).expect(200);
    expect(usage.body).toEqual({ data: { month: new Date().toISOString().slice(0, 7), used: 6, limit: 20, plan: 'free' } });
  });

  it('reports usage for every environment of an app', async () => {
    const app = await anApp(t, user);
    const key = await aKey(t, user, app, 'development', 'sdk');
    await config(key).expect(200);
    await config(key).expect(200);
    const res = await t.http().get('/api/v1/usage').query({ appId: app.id }).set(user.auth).expect(200);
    const month = new Date().toISOString().slice(0, 7);
    expect(res.body.data).toEqual([
      { env: 'development', environmentId: app.envs.development, month, used: 3, limit: 20, plan: 'free' },
      { env: 'staging', environmentId: app.envs.staging, month, used: 0, limit: 20, plan: 'free' },
      { env: 'production', environmentId: app.envs.production, month, used: 0, limit: 20, plan: 'free' },
    ]);
    const stranger = await aUser(t);
    expect((await t.http().get('/api/v1/usage').query({ appId: app.id }).set(stranger.auth).expect(404)).body).toEqual({ error: 'App not found' });
  });

  it('lets only operators change a plan, and the new limit applies at once', async () => {
    const app = await anApp(t, user);
    const key = await aKey(t, user, app, 'production', 'sdk');
    for (let i = 0; i < 19; i++) await config(key).expect(200);
    await config(key).expect(429);
    const denied = await t.http().patch(`/api/v1/apps/${app.id}/plan`).set(user.auth).send({ plan: 'pro' }).expect(403);
    expect(denied.body).toEqual({ error: 'Insufficient permissions' });
    const bad = await t.http().patch(`/api/v1/apps/${app.id}/plan`).set(admin.auth).send({ plan: 'platinum' }).expect(400);
    expect(bad.body.error).toBe('plan must be one of: free, pro, enterprise');
    expect((await t.http().patch('/api/v1/apps/app_nope/plan').set(admin.auth).send({ plan: 'pro' }).expect(404)).body).toEqual({ error: 'App not found' });
    const ok = await t.http().patch(`/api/v1/apps/${app.id}/plan`).set(admin.auth).send({ plan: 'pro' }).expect(200);
    expect(ok.body).toEqual({ data: { id: app.id, name: app.name, plan: 'pro', limit: 40 } });
    const res = await config(key).expect(200);
    expect(res.headers['x-ratelimit-limit']).toBe('40');
    await t.http().patch(`/api/v1/apps/${app.id}/plan`).set(admin.auth).send({ plan: 'enterprise' }).expect(200);
    const unlimited = await config(key).expect(200);
    expect(unlimited.headers['x-ratelimit-limit']).toBeUndefined();
    const usage = await t.http().get('/api/v1/usage').query({ appId: app.id, env: 'production' }).set(user.auth).expect(200);
    expect(usage.body.data).toMatchObject({ plan: 'enterprise', limit: null, used: 22 });
  });

  it('starts a new month with a fresh quota (injected clock)', async () => {
    const app = await anApp(t, user);
    const key = await aKey(t, user, app, 'production', 'sdk');
    for (let i = 0; i < 19; i++) await config(key).expect(200);
    await config(key).expect(429);
    const clock = t.app.get(Clock);
    const real = clock.now.bind(clock);
    const now = new Date();
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 0, 5));
    clock.now = () => nextMonth;
    try {
      const res = await config(key).expect(200);
      expect(res.headers['x-ratelimit-remaining']).toBe('19');
      expect(res.headers['x-ratelimit-reset']).toBe(String(NEXT_MONTH(nextMonth)));
      const usage = await t.http().get('/api/v1/usage').query({ appId: app.id, env: 'production' }).set(user.auth).expect(200);
      expect(usage.body.data).toMatchObject({ month: nextMonth.toISOString().slice(0, 7), used: 1 });
    } finally {
      clock.now = real;
    }
  });
});

describe('burst limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Process-local counters (REDIS_URL unset): these tiny limits must not leak into other test files through the shared Redis.
    t = await startApp({ BURST_TOKEN_LIMIT: '5', BURST_IP_LIMIT: '3', BURST_KEY_LIMIT: '4', TRUST_PROXY: 'true', REDIS_URL: '' });
  });
  afterAll(() => t.close());

  it('limits a cli_ token per minute with 429 Too many requests, distinct from the monthly quota', async () => {
    const user = await aUser(t);
    for (let i = 0; i < 5; i++) await t.http().get('/api/v1/apps').set(user.auth).expect(200);
    const res = await t.http().get('/api/v1/apps').set(user.auth).expect(429);
    expect(res.body).toEqual({ error: 'Too many requests' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const other = await t.http().post('/api/v1/auth/login').set('X-Forwarded-For', '10.9.9.1').send({ email: user.email, password: user.password }).expect(200);
    await t.http().get('/api/v1/apps').set('Authorization', `Bearer ${other.body.data.token}`).expect(200);
  });

  it('limits anonymous routes per client IP', async () => {
    const ip = `10.${Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 200)}.7`;
    for (let i = 0; i < 3; i++) {
      await t.http().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email: `nobody${i}@example.com`, password: 'whatever-1' }).expect(401);
    }
    const res = await t.http().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email: 'nobody@example.com', password: 'whatever-1' }).expect(429);
    expect(res.body).toEqual({ error: 'Too many requests' });
  });

  it('limits a runtime key when BURST_KEY_LIMIT is set', async () => {
    const user = await aUser(t);
    const app = await anApp(t, user);
    const key = await aKey(t, user, app, 'production', 'sdk');
    for (let i = 0; i < 4; i++) await t.http().get('/api/v1/config').set(key.auth).expect(200);
    const res = await t.http().get('/api/v1/config').set(key.auth).expect(429);
    expect(res.body).toEqual({ error: 'Too many requests' });
  });
});

describe('one quota shared by two replicas', () => {
  let a: TestApp;
  let b: TestApp;
  let user: TestUser;
  let app: TestAppRecord;
  beforeAll(async () => {
    const env = { ...sharedServices(), QUOTA_FREE: '300' };
    [a, b] = await Promise.all([startApp(env), startApp(env)]);
    user = await aUser(a);
    app = await anApp(a, user);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('admits exactly the limit between them, concurrently', async () => {
    const key = await aKey(a, user, app, 'production', 'sdk');
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async (_, w) => {
        for (let i = 0; i < 40; i++) statuses.push((await (w % 2 ? a : b).http().get('/api/v1/config').set(key.auth)).status);
      }),
    );
    // Creating the key was one request of the 300.
    expect(statuses.filter((s) => s === 200)).toHaveLength(299);
    expect(statuses.filter((s) => s === 429)).toHaveLength(101);
    // Each replica adds what it served to the shared count every second; within two, usage is exact.
    const deadline = Date.now() + 2500;
    let used = 0;
    while (Date.now() < deadline && used !== 300) {
      used = (await b.http().get('/api/v1/usage').query({ appId: app.id, env: 'production' }).set(user.auth).expect(200)).body.data.used;
    }
    expect(used).toBe(300);
  });
});
