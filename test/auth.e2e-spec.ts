import { unique } from './support/factories';
import { TestSession } from './support/session';

describe('auth: accounts and cli_ tokens', () => {
  const s = TestSession.perSuite({}, { user: false });

  it('signs up with the documented shape and a working cli_ token carrying every scope', async () => {
    const email = `${unique('Ada')}@Example.com`;
    const res = await s.http().post('/api/v1/auth/signup').send({ email, password: 'password-123' }).expect(201);
    expect(Object.keys(res.body)).toEqual(['data']);
    expect(res.body.data.user).toEqual({
      id: expect.stringMatching(/^usr_[0-9A-Za-z]{16}$/),
      email: email.toLowerCase(),
      createdAt: expect.any(String),
    });
    expect(new Date(res.body.data.user.createdAt).toISOString()).toBe(res.body.data.user.createdAt);
    expect(res.body.data.token).toMatch(/^cli_[0-9A-Za-z]{43}$/);
    // A session token: it expires LOGIN_TOKEN_TTL_DAYS (90 by default) after its last use.
    expect(Object.keys(res.body.data)).toEqual(['user', 'token', 'expiresAt']);
    expect(Date.parse(res.body.data.expiresAt) - Date.now()).toBeGreaterThan(89 * 86_400_000);
    expect(Date.parse(res.body.data.expiresAt) - Date.now()).toBeLessThanOrEqual(90 * 86_400_000);
    const me = await s.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${res.body.data.token}`).expect(200);
    expect(me.body.data).toEqual({
      user: res.body.data.user,
      scopes: ['apps:read', 'apps:write', 'flags:read', 'flags:write', 'keys:read', 'keys:write', 'tokens:write'],
    });
  });

  it('refuses a second account with the same email (case-insensitive) with 409', async () => {
    const user = await s.newUser();
    const res = await s
      .http()
      .post('/api/v1/auth/signup')
      .send({ email: user.email.toUpperCase(), password: 'another-password' })
      .expect(409);
    expect(res.body).toEqual({ error: 'Email already registered' });
  });

  it.each([
    [{ email: 'not-an-email', password: 'password-123' }, 'email must be an email address'],
    [{ email: 'a@b.co', password: 'short' }, 'password must be longer than or equal to 8 characters'],
    [{ email: 'a@b.co' }, 'password is required'],
    [{ email: 42, password: 'password-123' }, 'email must be an email address'],
    [{ email: 'a@b.co', password: 'password-123', admin: true }, 'Unknown field: admin'],
  ])('rejects bad signup input %j with a 400 naming the field', async (body, error) => {
    const res = await s.http().post('/api/v1/auth/signup').send(body).expect(400);
    expect(res.body.error).toBe(error);
    expect(res.body.details ?? [res.body.error]).toEqual(expect.arrayContaining([error]));
  });

  it('logs in with the right password and refuses a wrong one or an unknown email with the same 401', async () => {
    const user = await s.newUser();
    const ok = await s.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
    expect(ok.body.data.user.id).toBe(user.id);
    expect(ok.body.data.token).toMatch(/^cli_/);
    expect(ok.body.data.token).not.toBe(user.token);
    const wrong = await s.http().post('/api/v1/auth/login').send({ email: user.email, password: 'wrong-password' }).expect(401);
    const unknown = await s
      .http()
      .post('/api/v1/auth/login')
      .send({ email: `${unique('nobody')}@example.com`, password: 'whatever-1' })
      .expect(401);
    expect(wrong.body).toEqual({ error: 'Invalid email or password' });
    expect(unknown.body).toEqual(wrong.body);
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a garbled token', 'Bearer cli_nope'],
    ['an unknown token', `Bearer cli_${'A'.repeat(43)}`],
    ['a key instead of a token', `Bearer pub_prod_${'A'.repeat(43)}`],
  ])('answers 401 Not authenticated for %s', async (_, header) => {
    const req = s.http().get('/api/v1/apps');
    const res = await (header ? req.set('Authorization', header) : req).expect(401);
    expect(res.body).toEqual({ error: 'Not authenticated' });
  });

  it('creates a narrowed token shown once, lists tokens without secrets, and enforces scopes with 403', async () => {
    const user = await s.newUser();
    const session = (await s.http().get('/api/v1/auth/tokens').set(user.auth).expect(200)).body.data[0];
    const created = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set(user.auth)
      .send({ name: 'ci', scopes: ['apps:read'] })
      .expect(201);
    // Without an expiry of its own, a minted token ends with the session that minted it (never later).
    expect(created.body.data).toEqual({
      id: expect.stringMatching(/^tok_/),
      name: 'ci',
      scopes: ['apps:read'],
      createdAt: expect.any(String),
      expiresAt: session.expiresAt,
      lastUsedAt: null,
      token: expect.stringMatching(/^cli_[0-9A-Za-z]{43}$/),
    });
    const ci = { Authorization: `Bearer ${created.body.data.token}` };
    await s.http().get('/api/v1/apps').set(ci).expect(200);
    const denied = await s
      .http()
      .post('/api/v1/apps')
      .set(ci)
      .send({ name: unique('app') })
      .expect(403);
    expect(denied.body).toEqual({ error: 'Insufficient permissions' });
    const apps = await s.http().get('/api/v1/apps').set(user.auth).expect(200);
    expect(apps.body.data).toEqual([]);

    const list = await s.http().get('/api/v1/auth/tokens').set(user.auth).expect(200);
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([created.body.data.id]));
    expect(JSON.stringify(list.body)).not.toContain(created.body.data.token);
    expect(JSON.stringify(list.body)).not.toContain(user.token);
    for (const tok of list.body.data)
      expect(Object.keys(tok).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'scopes']);
  });

  it('does not let a narrowed token mint a wider one', async () => {
    const user = await s.newUser();
    const narrow = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set(user.auth)
      .send({ name: 'ro', scopes: ['flags:read', 'tokens:write'] })
      .expect(201);
    const res = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set('Authorization', `Bearer ${narrow.body.data.token}`)
      .send({ name: 'wide', scopes: ['apps:write'] })
      .expect(400);
    expect(res.body).toEqual({ error: "scopes may not exceed the calling token's scopes (not allowed: apps:write)" });
    const same = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set('Authorization', `Bearer ${narrow.body.data.token}`)
      .send({ name: 'same' })
      .expect(201);
    expect(same.body.data.scopes).toEqual(['flags:read', 'tokens:write']);
  });

  it('rejects invalid token requests with 400', async () => {
    const user = await s.newUser();
    const badScope = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set(user.auth)
      .send({ name: 'x', scopes: ['root'] })
      .expect(400);
    expect(badScope.body.error).toMatch(/^each value in scopes must be one of/);
    const past = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set(user.auth)
      .send({ name: 'x', expiresAt: '2001-01-01T00:00:00Z' })
      .expect(400);
    expect(past.body).toEqual({ error: 'expiresAt must be in the future' });
    const badDate = await s.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'x', expiresAt: 'tomorrow' }).expect(400);
    expect(badDate.body.error).toBe('expiresAt must be an ISO 8601 date-time');
    const noName = await s.http().post('/api/v1/auth/tokens').set(user.auth).send({}).expect(400);
    expect(noName.body.error).toMatch(/^name /);
  });

  it('revokes a token so that the very next request with it is refused', async () => {
    const user = await s.newUser();
    const created = await s.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'temp' }).expect(201);
    const temp = { Authorization: `Bearer ${created.body.data.token}` };
    await s.http().get('/api/v1/apps').set(temp).expect(200);
    const del = await s.http().delete(`/api/v1/auth/tokens/${created.body.data.id}`).set(user.auth).expect(200);
    expect(del.body).toEqual({ data: { success: true } });
    expect((await s.http().get('/api/v1/apps').set(temp).expect(401)).body).toEqual({ error: 'Not authenticated' });
    const again = await s.http().delete(`/api/v1/auth/tokens/${created.body.data.id}`).set(user.auth).expect(404);
    expect(again.body).toEqual({ error: 'Token not found' });
    const list = await s.http().get('/api/v1/auth/tokens').set(user.auth).expect(200);
    expect(list.body.data.map((x: { id: string }) => x.id)).not.toContain(created.body.data.id);
  });

  it("cannot revoke another user's token (404, and the token keeps working)", async () => {
    const a = await s.newUser();
    const b = await s.newUser();
    const tokens = await s.http().get('/api/v1/auth/tokens').set(a.auth).expect(200);
    const res = await s.http().delete(`/api/v1/auth/tokens/${tokens.body.data[0].id}`).set(b.auth).expect(404);
    expect(res.body).toEqual({ error: 'Token not found' });
    await s.http().get('/api/v1/auth/me').set(a.auth).expect(200);
  });

  it('logs out by revoking the calling token only', async () => {
    const user = await s.newUser();
    const second = await s.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
    const res = await s.http().post('/api/v1/auth/logout').set(user.auth).expect(200);
    expect(res.body).toEqual({ data: { success: true } });
    await s.http().get('/api/v1/auth/me').set(user.auth).expect(401);
    await s.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${second.body.data.token}`).expect(200);
  });

  it('stops accepting a token once it has expired', async () => {
    const user = await s.newUser();
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const created = await s.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'short', expiresAt }).expect(201);
    expect(created.body.data.expiresAt).toBe(expiresAt);
    const auth = { Authorization: `Bearer ${created.body.data.token}` };
    await s.http().get('/api/v1/auth/me').set(auth).expect(200);
    const clock = s.get((await import('@superflag/core')).Clock);
    const real = clock.now.bind(clock);
    clock.now = () => new Date(Date.now() + 60_000);
    try {
      expect((await s.http().get('/api/v1/auth/me').set(auth).expect(401)).body).toEqual({ error: 'Not authenticated' });
    } finally {
      clock.now = real;
    }
  });
});

describe('auth: login throttling', () => {
  // TRUST_PROXY so each test can act from its own client IP (the limiter's store may be shared with other test files).
  const s = TestSession.perSuite({ LOGIN_RATE_LIMIT: '3', TRUST_PROXY: 'true' }, { user: false });
  const randomIp = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

  it('answers 429 with Retry-After after LOGIN_RATE_LIMIT attempts a minute for one email, from any IP', async () => {
    const user = await s.newUser();
    for (let i = 0; i < 3; i++) {
      await s
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', randomIp())
        .send({ email: user.email, password: 'wrong-password' })
        .expect(401);
    }
    const res = await s
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', randomIp())
      .send({ email: user.email, password: user.password })
      .expect(429);
    expect(res.body).toEqual({ error: 'Too many login attempts' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('answers 429 after LOGIN_RATE_LIMIT attempts a minute from one IP, whatever the email', async () => {
    const ip = randomIp();
    for (let i = 0; i < 3; i++) {
      await s
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email: `${unique('guess')}@example.com`, password: 'wrong-password' })
        .expect(401);
    }
    const user = await s.newUser();
    const res = await s
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ email: user.email, password: user.password })
      .expect(429);
    expect(res.body).toEqual({ error: 'Too many login attempts' });
    await s
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', randomIp())
      .send({ email: user.email, password: user.password })
      .expect(200);
  });
});

describe('auth: closed signup with an admin user', () => {
  const admin = { email: `${unique('admin')}@example.com`, password: 'admin-password-1' };
  const s = TestSession.perSuite({ SIGNUP_ENABLED: 'false', ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password }, { user: false });

  it('refuses signup with 403 Signup is disabled', async () => {
    const res = await s
      .http()
      .post('/api/v1/auth/signup')
      .send({ email: `${unique('u')}@example.com`, password: 'password-123' })
      .expect(403);
    expect(res.body).toEqual({ error: 'Signup is disabled' });
  });

  it('created the ADMIN_EMAIL user at start-up, idempotently', async () => {
    const res = await s.http().post('/api/v1/auth/login').send(admin).expect(200);
    expect(res.body.data.user.email).toBe(admin.email);
    const auth = s.get((await import('@superflag/auth')).AuthService);
    await auth.onApplicationBootstrap();
    await s.http().post('/api/v1/auth/login').send(admin).expect(200);
  });
});
