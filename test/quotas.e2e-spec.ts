import { Clock } from '@superflag/core';
import { replicasPerSuite } from './support/app';
import { aKey, anApp, aUser, TestAppRecord, TestUser } from './support/factories';
import { TestSession } from './support/session';
import { SseClient } from './support/sse';

const NEXT_MONTH = (now: Date) => Math.floor(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) / 1000);

describe('monthly quotas', () => {
  const adminEmail = `ops-${Date.now()}@example.com`;
  // The operator is the bootstrap account (ADMIN_EMAIL/ADMIN_PASSWORD), made an operator at start-up.
  const s = TestSession.perSuite({
    QUOTA_FREE: '20',
    QUOTA_PRO: '40',
    ADMIN_EMAIL: adminEmail.toUpperCase(),
    ADMIN_PASSWORD: 'operator-password',
  });
  let admin: TestUser;
  beforeAll(async () => {
    admin = await s.login(adminEmail, 'operator-password');
  });

  const config = (key: { auth: { Authorization: string } }) => s.configFor(key);

  it('admits exactly QUOTA_FREE requests per environment a month, then 429 with Retry-After; headers on every counted response', async () => {
    const app = await s.newApp();
    const key = await s.key('production', 'sdk', app);
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
    const mgmt = await s.http().get('/api/v1/flags').query({ appId: app.id, env: 'production' }).set(s.user.auth).expect(429);
    expect(mgmt.body).toEqual({ error: 'Monthly quota exceeded' });
    const staging = await s.http().get('/api/v1/flags').query({ appId: app.id, env: 'staging' }).set(s.user.auth).expect(200);
    expect(staging.headers['x-ratelimit-limit']).toBe('20');
    expect(staging.headers['x-ratelimit-remaining']).toBe('19');
  });

  it('counts management requests, 304s and streams; not requests refused for auth', async () => {
    const app = await s.newApp();
    const key = await s.key('staging', 'pub', app); // 1
    const q = { appId: app.id, env: 'staging' };
    await s.flag('staging', { key: 'f' }, app); // 2
    const first = await config(key).expect(200); // 3
    await config(key).set('If-None-Match', first.headers.etag).expect(304); // 4
    const stranger = await s.newUser();
    await s.http().get('/api/v1/flags').query(q).set(stranger.auth).expect(404); // not counted
    await s
      .http()
      .get('/api/v1/config')
      .set('Authorization', `Bearer pub_stg_${'Z'.repeat(43)}`)
      .expect(401); // not counted
    await s.http().get('/api/v1/changes').query(q).set(s.user.auth).expect(200); // 5
    const stream = await SseClient.connect(`${await s.url()}/api/v1/config/stream`, key.auth); // 6
    expect(stream.headers['x-ratelimit-remaining']).toBe('14');
    stream.close();
    const usage = await s.http().get('/api/v1/usage').query(q).set(s.user.auth).expect(200);
    expect(usage.body).toEqual({ data: { month: new Date().toISOString().slice(0, 7), used: 6, limit: 20, plan: 'free' } });
  });

  it('neither counts nor refuses with 429 a request the validation pipe refuses: it gets its 400', async () => {
    const app = await s.newApp();
    const q = { appId: app.id, env: 'development' };
    const used = async () => (await s.http().get('/api/v1/usage').query(q).set(s.user.auth).expect(200)).body.data.used as number;
    const malformed = async () => {
      // Each names the environment (appId + env) well enough to be counted, and breaks a rule of its DTO.
      const unknownField = await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...q, key: 'f', value: true, bogus: 1 });
      expect(unknownField.status).toBe(400);
      expect(unknownField.body.error).toBe('Unknown field: bogus');
      const wrongType = await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...q, key: 'f', clientEnabled: 'yes' });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body.error).toBe('clientEnabled must be a boolean value');
      const badQuery = await s
        .http()
        .get('/api/v1/flags')
        .query({ ...q, bogus: '1' })
        .set(s.user.auth);
      expect(badQuery.status).toBe(400);
      expect(badQuery.body.error).toBe('Unknown field: bogus');
    };
    await s.flag('development', { key: 'f', type: 'bool', value: false }, app); // 1
    await malformed();
    expect(await used()).toBe(1);
    for (let i = 2; i <= 20; i++) await s.http().get('/api/v1/flags').query(q).set(s.user.auth).expect(200);
    expect((await s.http().get('/api/v1/flags').query(q).set(s.user.auth).expect(429)).body).toEqual({ error: 'Monthly quota exceeded' });
    // Over quota, a malformed request is still answered with what is wrong with it, and still costs nothing.
    await malformed();
    expect(await used()).toBe(20);
    // The kill switch is still counted and served.
    await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ ...q, key: 'f', value: true })
      .expect(200);
    expect(await used()).toBe(21);
  });

  it('reports usage for every environment of an app', async () => {
    const app = await s.newApp();
    const key = await s.key('development', 'sdk', app);
    await config(key).expect(200);
    await config(key).expect(200);
    const res = await s.http().get('/api/v1/usage').query({ appId: app.id }).set(s.user.auth).expect(200);
    const month = new Date().toISOString().slice(0, 7);
    expect(res.body.data).toEqual([
      { env: 'development', environmentId: app.envs.development, month, used: 3, limit: 20, plan: 'free' },
      { env: 'staging', environmentId: app.envs.staging, month, used: 0, limit: 20, plan: 'free' },
      { env: 'production', environmentId: app.envs.production, month, used: 0, limit: 20, plan: 'free' },
    ]);
    const stranger = await s.newUser();
    expect((await s.http().get('/api/v1/usage').query({ appId: app.id }).set(stranger.auth).expect(404)).body).toEqual({
      error: 'App not found',
    });
  });

  it('lets only operators change a plan, and the new limit applies at once', async () => {
    const app = await s.newApp();
    const key = await s.key('production', 'sdk', app);
    for (let i = 0; i < 19; i++) await config(key).expect(200);
    await config(key).expect(429);
    const denied = await s.http().patch(`/api/v1/apps/${app.id}/plan`).set(s.user.auth).send({ plan: 'pro' }).expect(403);
    expect(denied.body).toEqual({ error: 'Insufficient permissions' });
    const bad = await s.http().patch(`/api/v1/apps/${app.id}/plan`).set(admin.auth).send({ plan: 'platinum' }).expect(400);
    expect(bad.body.error).toBe('plan must be one of: free, pro, enterprise');
    expect((await s.http().patch('/api/v1/apps/app_nope/plan').set(admin.auth).send({ plan: 'pro' }).expect(404)).body).toEqual({
      error: 'App not found',
    });
    const ok = await s.http().patch(`/api/v1/apps/${app.id}/plan`).set(admin.auth).send({ plan: 'pro' }).expect(200);
    expect(ok.body).toEqual({ data: { id: app.id, name: app.name, plan: 'pro', limit: 40 } });
    const res = await config(key).expect(200);
    expect(res.headers['x-ratelimit-limit']).toBe('40');
    await s.http().patch(`/api/v1/apps/${app.id}/plan`).set(admin.auth).send({ plan: 'enterprise' }).expect(200);
    const unlimited = await config(key).expect(200);
    expect(unlimited.headers['x-ratelimit-limit']).toBeUndefined();
    const usage = await s.http().get('/api/v1/usage').query({ appId: app.id, env: 'production' }).set(s.user.auth).expect(200);
    expect(usage.body.data).toMatchObject({ plan: 'enterprise', limit: null, used: 22 });
  });

  it('starts a new month with a fresh quota (injected clock)', async () => {
    const app = await s.newApp();
    const key = await s.key('production', 'sdk', app);
    for (let i = 0; i < 19; i++) await config(key).expect(200);
    await config(key).expect(429);
    const clock = s.get(Clock);
    const real = clock.now.bind(clock);
    const now = new Date();
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 0, 5));
    clock.now = () => nextMonth;
    try {
      const res = await config(key).expect(200);
      expect(res.headers['x-ratelimit-remaining']).toBe('19');
      expect(res.headers['x-ratelimit-reset']).toBe(String(NEXT_MONTH(nextMonth)));
      const usage = await s.http().get('/api/v1/usage').query({ appId: app.id, env: 'production' }).set(s.user.auth).expect(200);
      expect(usage.body.data).toMatchObject({ month: nextMonth.toISOString().slice(0, 7), used: 1 });
    } finally {
      clock.now = real;
    }
  });
});

describe('burst limits', () => {
  // Process-local counters (REDIS_URL unset): these tiny limits must not leak into other test files through the shared Redis.
  const s = TestSession.perSuite(
    { BURST_TOKEN_LIMIT: '5', BURST_IP_LIMIT: '3', BURST_KEY_LIMIT: '4', TRUST_PROXY: 'true', REDIS_URL: '' },
    { user: false },
  );

  it('limits a cli_ token per minute with 429 Too many requests, distinct from the monthly quota', async () => {
    const user = await s.newUser();
    for (let i = 0; i < 5; i++) await s.http().get('/api/v1/apps').set(user.auth).expect(200);
    const res = await s.http().get('/api/v1/apps').set(user.auth).expect(429);
    expect(res.body).toEqual({ error: 'Too many requests' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const other = await s
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '10.9.9.1')
      .send({ email: user.email, password: user.password })
      .expect(200);
    await s.http().get('/api/v1/apps').set('Authorization', `Bearer ${other.body.data.token}`).expect(200);
  });

  it('limits anonymous routes per client IP', async () => {
    const ip = `10.${Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 200)}.7`;
    for (let i = 0; i < 3; i++) {
      await s
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email: `nobody${i}@example.com`, password: 'whatever-1' })
        .expect(401);
    }
    const res = await s
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ email: 'nobody@example.com', password: 'whatever-1' })
      .expect(429);
    expect(res.body).toEqual({ error: 'Too many requests' });
  });

  it('limits a runtime key when BURST_KEY_LIMIT is set', async () => {
    const { user, app } = await s.newUserWithApp();
    const key = await aKey(s, user, app, 'production', 'sdk');
    for (let i = 0; i < 4; i++) await s.configFor(key).expect(200);
    const res = await s.configFor(key).expect(429);
    expect(res.body).toEqual({ error: 'Too many requests' });
  });
});

describe('one quota shared by two replicas', () => {
  const [a, b] = replicasPerSuite(2, { QUOTA_FREE: '300' });
  let user: TestUser;
  let app: TestAppRecord;
  beforeAll(async () => {
    user = await aUser(a);
    app = await anApp(a, user);
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
