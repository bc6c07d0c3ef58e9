import { randomBytes } from 'node:crypto';
import { KeysService } from '@superflag/keys';
import { startApp } from './support/app';
import { aKey } from './support/factories';
import { redisPerSuite } from './support/redis-server';
import { TestSession } from './support/session';

/** A client address of this test's own (TRUST_PROXY=1 takes it from the last X-Forwarded-For hop). */
const anAddress = () => `10.${randomBytes(3).join('.')}`;
/** What a client behind the one trusted proxy sends: anything it likes on the left, then the proxy appends its address. */
const via = (address: string, spoofed = anAddress()) => ({ 'X-Forwarded-For': `${spoofed}, ${address}` });
const base62 = (n: number) =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^0-9A-Za-z]/g, '')
    .padEnd(n, 'x')
    .slice(0, n);
const randomKey = (type: 'pub' | 'sdk') => `${type}_prod_${base62(43)}`;
const randomToken = () => `cli_${base62(43)}`;

describe('runtime burst limits: pub_ keys per key and address', () => {
  const s = TestSession.perSuite({ BURST_PUB_IP_LIMIT: '5', BURST_KEY_LIMIT: '8', TRUST_PROXY: '1', QUOTA_FREE: '1000' }, { user: false });

  it('answers 429 past BURST_PUB_IP_LIMIT per key and address; refused requests cost no quota; sdk_ keys and other addresses unaffected', async () => {
    const { user, app } = await s.newUserWithApp();
    const pub = await aKey(s, user, app, 'production', 'pub'); // 1
    const sdk = await aKey(s, user, app, 'production', 'sdk'); // 2
    const a = anAddress();
    // The spoofed leftmost hop changes on every request: the limit still sees one address.
    for (let i = 0; i < 5; i++) await s.configFor(pub).set(via(a)).expect(200); // 3..7
    for (let i = 0; i < 10; i++) {
      const refused = await s.configFor(pub).set(via(a)).expect(429);
      expect(refused.body).toEqual({ error: 'Too many requests' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      // A burst refusal is not a quota answer: no quota headers.
      expect(refused.headers['x-ratelimit-remaining']).toBeUndefined();
    }
    // The same key from another address has its own budget.
    await s.configFor(pub).set(via(anAddress())).expect(200); // 8
    // sdk_ keys are not limited per address (BURST_KEY_LIMIT, off by default, is their own limit: 8 here).
    for (let i = 0; i < 8; i++) await s.configFor(sdk).set(via(a)).expect(200); // 9..16
    const keyBurst = await s.configFor(sdk).set(via(a)).expect(429);
    expect(keyBurst.body).toEqual({ error: 'Too many requests' });
    await s.configFor(sdk).set(via(a)).expect(429);

    const usage = await s.http().get('/api/v1/usage').query({ appId: app.id, env: 'production' }).set(user.auth).expect(200);
    expect(usage.body.data.used).toBe(16);
  });
});

describe('failed authentications per address', () => {
  const s = TestSession.perSuite({ BURST_AUTH_FAIL_IP_LIMIT: '5', TRUST_PROXY: '1', LOGIN_RATE_LIMIT: '3' }, { user: false });
  let keys: KeysService;
  let lookups: jest.SpyInstance;
  beforeAll(() => {
    keys = s.get(KeysService);
    // The store KeysService asks for keys it has not verified: each call is one database lookup.
    lookups = jest.spyOn((keys as unknown as { keys: { findActiveByHash: (...args: unknown[]) => unknown } }).keys, 'findActiveByHash');
  });
  beforeEach(() => lookups.mockClear());

  it('refuses unknown runtime keys with 429 past the limit, before any lookup; keys verified before keep working', async () => {
    const { user, app } = await s.newUserWithApp();
    const good = await aKey(s, user, app, 'production', 'sdk');
    const address = anAddress();
    await s.configFor(good).set(via(address)).expect(200);
    lookups.mockClear();
    for (let i = 0; i < 5; i++) {
      const res = await s
        .http()
        .get('/api/v1/config')
        .set('Authorization', `Bearer ${randomKey(i % 2 ? 'pub' : 'sdk')}`)
        .set(via(address))
        .expect(401);
      expect(res.body).toEqual({ error: 'Not authenticated' });
    }
    expect(lookups).toHaveBeenCalledTimes(5);
    for (let i = 0; i < 20; i++) {
      const res = await s.http().get('/api/v1/config').set('X-API-Key', randomKey('sdk')).set(via(address)).expect(429);
      expect(res.body).toEqual({ error: 'Too many requests' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(lookups).toHaveBeenCalledTimes(5);
    // A key this replica verified before is served from memory, even to a blocked address (one NAT, many clients).
    await s.configFor(good).set(via(address)).expect(200);
    // Other addresses are not affected.
    await s
      .http()
      .get('/api/v1/config')
      .set('Authorization', `Bearer ${randomKey('sdk')}`)
      .set(via(anAddress()))
      .expect(401);
  });

  it('asks the database once for an unknown key repeated (negative cache)', async () => {
    const address = anAddress();
    const stale = randomKey('pub');
    for (let i = 0; i < 4; i++) await s.http().get('/api/v1/config').set('Authorization', `Bearer ${stale}`).set(via(address)).expect(401);
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('limits unknown management credentials the same way, sharing the count with runtime keys', async () => {
    const address = anAddress();
    for (let i = 0; i < 3; i++)
      await s.http().get('/api/v1/apps').set('Authorization', `Bearer ${randomToken()}`).set(via(address)).expect(401);
    for (let i = 0; i < 2; i++)
      await s
        .http()
        .get('/api/v1/config')
        .set('Authorization', `Bearer ${randomKey('sdk')}`)
        .set(via(address))
        .expect(401);
    const mgmt = await s.http().get('/api/v1/apps').set('Authorization', `Bearer ${randomToken()}`).set(via(address)).expect(429);
    expect(mgmt.body).toEqual({ error: 'Too many requests' });
    expect(Number(mgmt.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await s
      .http()
      .get('/api/v1/config')
      .set('Authorization', `Bearer ${randomKey('pub')}`)
      .set(via(address))
      .expect(429);
    // Another address still gets the plain 401.
    await s.http().get('/api/v1/apps').set('Authorization', `Bearer ${randomToken()}`).set(via(anAddress())).expect(401);
  });

  it('with TRUST_PROXY=1, a spoofed leftmost X-Forwarded-For does not give a client a fresh login budget', async () => {
    const address = anAddress();
    // A different email each time: only the per-address counter can trip.
    for (let i = 0; i < 3; i++) {
      await s
        .http()
        .post('/api/v1/auth/login')
        .set(via(address))
        .send({ email: `nobody-${address}-${i}@example.com`, password: 'wrong-password' })
        .expect(401);
    }
    const res = await s
      .http()
      .post('/api/v1/auth/login')
      .set(via(address))
      .send({ email: `nobody-${address}-x@example.com`, password: 'wrong-password' })
      .expect(429);
    expect(res.body).toEqual({ error: 'Too many login attempts' });
    // The address the proxy appended is what counts: another one is not throttled, whatever it puts on the left.
    await s
      .http()
      .post('/api/v1/auth/login')
      .set(via(anAddress(), address))
      .send({ email: `nobody-${address}-y@example.com`, password: 'wrong-password' })
      .expect(401);
  });
});

describe('TRUST_PROXY as a list of proxies', () => {
  it('with a list of proxy addresses, only hops from those proxies are believed', async () => {
    const t = await startApp({ TRUST_PROXY: '127.0.0.1/32', LOGIN_RATE_LIMIT: '2' });
    try {
      const address = anAddress();
      for (let i = 0; i < 2; i++) {
        await t
          .http()
          .post('/api/v1/auth/login')
          .set(via(address))
          .send({ email: `list-${address}-${i}@example.com`, password: 'wrong-password' })
          .expect(401);
      }
      await t
        .http()
        .post('/api/v1/auth/login')
        .set(via(address))
        .send({ email: `list-${address}-x@example.com`, password: 'wrong-password' })
        .expect(429);
    } finally {
      await t.close();
    }
  });
});

describe('login throttling while Redis is down', () => {
  const redis = redisPerSuite();
  const s = TestSession.perSuite(() => ({ REDIS_URL: redis.url, LOGIN_RATE_LIMIT: '3', TRUST_PROXY: '1' }), { user: false });
  afterAll(() => redis.stop());

  it('keeps counting in the replica (fails closed, not open)', async () => {
    const user = await s.newUser();
    await redis.server.stop();
    const address = anAddress();
    for (let i = 0; i < 3; i++) {
      await s.http().post('/api/v1/auth/login').set(via(address)).send({ email: user.email, password: 'wrong-password' }).expect(401);
    }
    const res = await s
      .http()
      .post('/api/v1/auth/login')
      .set(via(address))
      .send({ email: user.email, password: user.password })
      .expect(429);
    expect(res.body).toEqual({ error: 'Too many login attempts' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Per email too: the right password from another address is still refused for this email this minute.
    await s.http().post('/api/v1/auth/login').set(via(anAddress())).send({ email: user.email, password: user.password }).expect(429);
  });
});
