import { getRepositoryToken } from '@nestjs/typeorm';
import { Clock, hashPassword } from '@superflag/core';
import { DataSource, Repository } from 'typeorm';
import { CliToken } from '../libs/auth/src/cli-token.entity';
import { ManagementKey } from '../libs/apps/src/management-key.entity';
import { replicasPerSuite, startApp, TestApp } from './support/app';
import { aManagementKey, aMember, anApp, aUser, TestUser, unique } from './support/factories';
import { TestSession } from './support/session';

const DAY = 86_400_000;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const randomSecret = (prefix: string) =>
  `${prefix}${unique('')
    .replace(/[^0-9a-z]/gi, '')
    .padEnd(43, 'Q')
    .slice(0, 43)}`;

/** Moves the app's clock (token expiry reads it) for the duration of `body`. */
async function at<T>(t: TestApp, when: number, body: () => Promise<T>): Promise<T> {
  const clock = t.app.get(Clock);
  const real = clock.now.bind(clock);
  clock.now = () => new Date(when);
  try {
    return await body();
  } finally {
    clock.now = real;
  }
}

describe('credential lifecycle', () => {
  const s = TestSession.perSuite({ PASSWORD_SCRYPT_LOG_N: '17' }, { user: false });

  const mint = (as: { Authorization: string }, body: Record<string, unknown>) => s.http().post('/api/v1/auth/tokens').set(as).send(body);
  const tokensOf = async (user: TestUser) =>
    (await s.http().get('/api/v1/auth/tokens').set(user.auth).expect(200)).body.data as Array<{
      id: string;
      name: string;
      expiresAt: string | null;
    }>;

  it('needs tokens:write to manage tokens: a flags:read token mints, lists and revokes nothing (403), but can log itself out', async () => {
    const user = await s.newUser();
    const ro = (await mint(user.auth, { name: 'ro', scopes: ['flags:read'] }).expect(201)).body.data;
    const roAuth = bearer(ro.token);
    const ids = async () => (await tokensOf(user)).map((x) => x.id);
    const before = await ids();
    for (const req of [
      () => mint(roAuth, { name: 'escape' }),
      () => mint(roAuth, { name: 'escape', scopes: ['flags:read'] }),
      () => s.http().get('/api/v1/auth/tokens').set(roAuth),
      () => s.http().delete(`/api/v1/auth/tokens/${before[0]}`).set(roAuth),
      () => s.http().post('/api/v1/auth/tokens/revoke-all').set(roAuth).send({}),
    ]) {
      expect((await req().expect(403)).body).toEqual({ error: 'Insufficient permissions' });
    }
    expect(await ids()).toEqual(before);
    await s.http().post('/api/v1/auth/logout').set(roAuth).expect(200);
    await s.http().get('/api/v1/auth/me').set(roAuth).expect(401);
  });

  it("bounds a child token by its parent: scopes refused (400), expiry refused past the parent's and inherited when not given", async () => {
    const user = await s.newUser();
    const parentExpiry = new Date(Date.now() + 2 * DAY).toISOString();
    const parent = (await mint(user.auth, { name: 'ci', scopes: ['flags:read', 'tokens:write'], expiresAt: parentExpiry }).expect(201)).body
      .data;
    const asParent = bearer(parent.token);
    const listed = async () => (await tokensOf(user)).map(({ id, name, expiresAt }) => ({ id, name, expiresAt }));
    const before = await listed();

    expect((await mint(asParent, { name: 'wider', scopes: ['flags:read', 'flags:write'] }).expect(400)).body).toEqual({
      error: "scopes may not exceed the calling token's scopes (not allowed: flags:write)",
    });
    const later = new Date(Date.now() + 3 * DAY).toISOString();
    expect((await mint(asParent, { name: 'longer', expiresAt: later }).expect(400)).body).toEqual({
      error: `expiresAt may not be later than the calling token's expiry (${parentExpiry})`,
    });
    expect(await listed()).toEqual(before);

    const inherited = (await mint(asParent, { name: 'child' }).expect(201)).body.data;
    expect(inherited).toMatchObject({ scopes: ['flags:read', 'tokens:write'], expiresAt: parentExpiry });
    const sooner = new Date(Date.now() + DAY).toISOString();
    expect((await mint(asParent, { name: 'short', scopes: ['flags:read'], expiresAt: sooner }).expect(201)).body.data).toMatchObject({
      scopes: ['flags:read'],
      expiresAt: sooner,
    });
    // A grandchild is bounded by its own parent, hence by every ancestor.
    expect((await mint(bearer(inherited.token), { name: 'grandchild', expiresAt: later }).expect(400)).body.error).toMatch(
      /^expiresAt may not be later/,
    );
  });

  it('expires a session LOGIN_TOKEN_TTL_DAYS after its last use, extending it at most once an hour; minted tokens do not slide', async () => {
    const user = await s.newUser();
    const [session] = await tokensOf(user);
    const t0 = Date.parse(session.expiresAt!) - 90 * DAY;
    expect(Math.abs(t0 - Date.now())).toBeLessThan(60_000);
    const minted = (await mint(user.auth, { name: 'fixed', expiresAt: new Date(t0 + 89.5 * DAY).toISOString() }).expect(201)).body.data;

    // Day 89: used, so it now lasts until day 89 + 90.
    const day89 = t0 + 89 * DAY;
    const afterUse = await at(s, day89, async () => {
      await s.http().get('/api/v1/auth/me').set(user.auth).expect(200);
      await s.http().get('/api/v1/auth/me').set(bearer(minted.token)).expect(200);
      return tokensOf(user);
    });
    expect(afterUse.find((x) => x.id === session.id)!.expiresAt).toBe(new Date(day89 + 90 * DAY).toISOString());
    expect(afterUse.find((x) => x.id === minted.id)!.expiresAt).toBe(minted.expiresAt);

    // Used again ten minutes later: not written again (at most once an hour).
    const tenMinutesLater = await at(s, day89 + 10 * 60_000, () => tokensOf(user));
    expect(tenMinutesLater.find((x) => x.id === session.id)!.expiresAt).toBe(new Date(day89 + 90 * DAY).toISOString());

    // Day 100: past the first expiry, still valid; the minted token has expired.
    await at(s, t0 + 100 * DAY, async () => {
      await s.http().get('/api/v1/auth/me').set(user.auth).expect(200);
      expect((await s.http().get('/api/v1/auth/me').set(bearer(minted.token)).expect(401)).body).toEqual({ error: 'Not authenticated' });
    });
    // Unused for 90 days after its last use: refused.
    await at(s, t0 + 100 * DAY + 90 * DAY + 60_000, async () => {
      expect((await s.http().get('/api/v1/auth/me').set(user.auth).expect(401)).body).toEqual({ error: 'Not authenticated' });
    });
  });

  it('shows expiresAt on login, and a shorter LOGIN_TOKEN_TTL_DAYS applies to new sessions', async () => {
    const short = await startApp({ LOGIN_TOKEN_TTL_DAYS: '1' });
    try {
      const user = await aUser(short);
      const login = await short.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
      expect(Object.keys(login.body.data)).toEqual(['user', 'token', 'expiresAt']);
      const ttl = Date.parse(login.body.data.expiresAt) - Date.now();
      expect(ttl).toBeGreaterThan(DAY - 60_000);
      expect(ttl).toBeLessThanOrEqual(DAY);
      await at(short, Date.now() + DAY + 60_000, async () => {
        await short.http().get('/api/v1/auth/me').set(bearer(login.body.data.token)).expect(401);
      });
    } finally {
      await short.close();
    }
  });

  it('revokes every token with revoke-all: all but the calling one with keepCurrent, all of them by default', async () => {
    const user = await s.newUser();
    const other = (await s.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200)).body.data
      .token;
    const ci = (await mint(user.auth, { name: 'ci' }).expect(201)).body.data.token;
    const bystander = await s.newUser();

    const kept = await s.http().post('/api/v1/auth/tokens/revoke-all').set(user.auth).send({ keepCurrent: true }).expect(200);
    expect(kept.body).toEqual({ data: { revoked: 2 } });
    await s.http().get('/api/v1/auth/me').set(user.auth).expect(200);
    await s.http().get('/api/v1/auth/me').set(bearer(other)).expect(401);
    await s.http().get('/api/v1/auth/me').set(bearer(ci)).expect(401);
    expect((await tokensOf(user)).length).toBe(1);

    const all = await s.http().post('/api/v1/auth/tokens/revoke-all').set(user.auth).send({}).expect(200);
    expect(all.body).toEqual({ data: { revoked: 1 } });
    await s.http().get('/api/v1/auth/me').set(user.auth).expect(401);
    await s.http().get('/api/v1/auth/me').set(bystander.auth).expect(200);
    expect(
      (await s.http().post('/api/v1/auth/tokens/revoke-all').set(bystander.auth).send({ keepCurrent: 'yes' }).expect(400)).body.error,
    ).toMatch(/^keepCurrent /);
  });

  it('changes the password with the current one, revoking every other token of the user', async () => {
    const user = await s.newUser();
    const other = (await s.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200)).body.data
      .token;
    const ci = (await mint(user.auth, { name: 'ci', scopes: ['flags:read'] }).expect(201)).body.data.token;

    const wrong = await s
      .http()
      .post('/api/v1/auth/password')
      .set(user.auth)
      .send({ currentPassword: 'not-it', newPassword: 'a brand new password' })
      .expect(400);
    expect(wrong.body).toEqual({ error: 'currentPassword is incorrect' });
    expect(
      (
        await s
          .http()
          .post('/api/v1/auth/password')
          .set(user.auth)
          .send({ currentPassword: user.password, newPassword: 'short' })
          .expect(400)
      ).body.error,
    ).toMatch(/^newPassword /);
    await s.http().get('/api/v1/auth/me').set(bearer(other)).expect(200);

    const changed = await s
      .http()
      .post('/api/v1/auth/password')
      .set(user.auth)
      .send({ currentPassword: user.password, newPassword: 'a brand new password' })
      .expect(200);
    expect(changed.body).toEqual({ data: { revoked: 2 } });
    await s.http().get('/api/v1/auth/me').set(user.auth).expect(200);
    await s.http().get('/api/v1/auth/me').set(bearer(other)).expect(401);
    await s.http().get('/api/v1/auth/me').set(bearer(ci)).expect(401);
    await s.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(401);
    await s.http().post('/api/v1/auth/login').send({ email: user.email, password: 'a brand new password' }).expect(200);
  });

  it('revokes the mgmt_ keys a member created when they are removed from the app, and audits each revocation', async () => {
    const owner = await s.newUser();
    const leaver = await s.newUser();
    const app = await s.newApp(owner);
    const other = await s.newApp(leaver);
    await aMember(s, owner, app, leaver, 'owner');
    const theirs = await aManagementKey(s, leaver, app, { name: 'leaver-ci' });
    const elsewhere = await aManagementKey(s, leaver, other, { name: 'own-app' });
    const ours = await aManagementKey(s, owner, app, { name: 'owner-ci' });
    await s.http().get('/api/v1/envs').query({ appId: app.id }).set(theirs.auth).expect(200);

    await s.http().delete(`/api/v1/apps/${app.id}/members/${leaver.id}`).set(owner.auth).expect(200);
    expect((await s.http().get('/api/v1/envs').query({ appId: app.id }).set(theirs.auth).expect(401)).body).toEqual({
      error: 'Not authenticated',
    });
    await s.http().get('/api/v1/envs').query({ appId: app.id }).set(ours.auth).expect(200);
    await s.http().get('/api/v1/envs').query({ appId: other.id }).set(elsewhere.auth).expect(200);
    const keys = (await s.http().get(`/api/v1/apps/${app.id}/api-keys`).set(owner.auth).expect(200)).body.data;
    expect(keys.map((k: { id: string }) => k.id)).toEqual([ours.id]);
    const audit = (await s.http().get(`/api/v1/apps/${app.id}/audit`).set(owner.auth).expect(200)).body.data;
    expect(audit.slice(0, 2)).toEqual([
      expect.objectContaining({
        action: 'management_key.revoked',
        actor: { userId: owner.id, tokenId: expect.any(String), appKeyId: null },
        details: { keyId: theirs.id, name: 'leaver-ci', reason: 'creator removed from the app' },
      }),
      expect.objectContaining({ action: 'member.removed', details: expect.objectContaining({ userId: leaver.id }) }),
    ]);
  });

  it('rehashes a password stored with older scrypt parameters on the next successful login', async () => {
    const user = await s.newUser();
    const db = s.get(DataSource);
    const old = await hashPassword(user.password, { N: 2 ** 14, r: 8, p: 1 });
    await db.query('UPDATE users SET password_hash = $1 WHERE id = $2', [old, user.id]);
    await s.http().post('/api/v1/auth/login').send({ email: user.email, password: 'wrong password' }).expect(401);
    expect((await db.query('SELECT password_hash FROM users WHERE id = $1', [user.id]))[0].password_hash).toBe(old);
    await s.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
    const [{ password_hash: now }] = await db.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(now).toMatch(/^scrypt\$131072\$8\$1\$/);
    await s.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
    expect((await db.query('SELECT password_hash FROM users WHERE id = $1', [user.id]))[0].password_hash).toBe(now);
  });

  it('pages the token list with limit and cursor; without them the shape is unchanged', async () => {
    const user = await s.newUser();
    for (let i = 0; i < 4; i++) await mint(user.auth, { name: `t${i}` }).expect(201);
    const whole = await s.http().get('/api/v1/auth/tokens').set(user.auth).expect(200);
    expect(Object.keys(whole.body)).toEqual(['data']);
    expect(whole.body.data).toHaveLength(5);
    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const res = await s
        .http()
        .get('/api/v1/auth/tokens')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(user.auth)
        .expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['data', 'nextCursor']);
      sizes.push(res.body.data.length);
      seen.push(...res.body.data.map((x: { id: string }) => x.id));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(whole.body.data.map((x: { id: string }) => x.id));
    expect((await s.http().get('/api/v1/auth/tokens').query({ limit: 0 }).set(user.auth).expect(400)).body.error).toMatch(/^limit /);
    expect((await s.http().get('/api/v1/auth/tokens').query({ cursor: 'not!a!cursor' }).set(user.auth).expect(400)).body).toEqual({
      error: 'Invalid cursor',
    });
  });

  it('answers unknown cli_ and mgmt_ credentials from a bounded negative cache: one query per unknown credential, not per request', async () => {
    const tokens = s.app.get<Repository<CliToken>>(getRepositoryToken(CliToken));
    const keys = s.app.get<Repository<ManagementKey>>(getRepositoryToken(ManagementKey));
    const tokenLookups = jest.spyOn(tokens, 'findOneBy');
    const keyLookups = jest.spyOn(keys, 'findOneBy');
    try {
      const unknownCli = bearer(randomSecret('cli_'));
      const unknownMgmt = bearer(randomSecret('mgmt_'));
      for (let i = 0; i < 5; i++) {
        expect((await s.http().get('/api/v1/apps').set(unknownCli).expect(401)).body).toEqual({ error: 'Not authenticated' });
        await s.http().get('/api/v1/apps').set(unknownMgmt).expect(401);
      }
      expect(tokenLookups).toHaveBeenCalledTimes(1);
      expect(keyLookups).toHaveBeenCalledTimes(1);

      // A revoked token joins it once refused; a token created afterwards works at once.
      const user = await s.newUser();
      const temp = (await mint(user.auth, { name: 'temp' }).expect(201)).body.data;
      await s.http().get('/api/v1/auth/me').set(bearer(temp.token)).expect(200);
      await s.http().delete(`/api/v1/auth/tokens/${temp.id}`).set(user.auth).expect(200);
      tokenLookups.mockClear();
      for (let i = 0; i < 3; i++) await s.http().get('/api/v1/auth/me').set(bearer(temp.token)).expect(401);
      expect(tokenLookups).toHaveBeenCalledTimes(1);
      const fresh = (await mint(user.auth, { name: 'fresh' }).expect(201)).body.data;
      await s.http().get('/api/v1/auth/me').set(bearer(fresh.token)).expect(200);
    } finally {
      tokenLookups.mockRestore();
      keyLookups.mockRestore();
    }
  });
});

describe('token limit (LIMIT_TOKENS_PER_USER)', () => {
  const s = TestSession.perSuite({ LIMIT_TOKENS_PER_USER: '3' }, { user: false });

  const ids = async (auth: { Authorization: string }) =>
    ((await s.http().get('/api/v1/auth/tokens').set(auth).expect(200)).body.data as Array<{ id: string }>).map((x) => x.id).sort();

  it('refuses minting past the limit with 409 and changes nothing; login makes room by revoking the least recently used session', async () => {
    const user = await s.newUser();
    const first = (await s.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'a' }).expect(201)).body.data;
    await s.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'b' }).expect(201);
    const full = await ids(user.auth);
    expect(full).toHaveLength(3);
    expect((await s.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'c' }).expect(409)).body).toEqual({
      error: 'Token limit reached (3)',
    });
    expect(await ids(user.auth)).toEqual(full);

    const login = await s.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
    const session = bearer(login.body.data.token);
    // The signup session made room; the minted tokens were kept.
    await s.http().get('/api/v1/auth/me').set(user.auth).expect(401);
    const after = await ids(session);
    expect(after).toHaveLength(3);
    expect(after).toContain(first.id);

    // With nothing but minted tokens, login is refused rather than breaking someone's CI.
    const asFirst = bearer(first.token);
    await s
      .http()
      .delete(`/api/v1/auth/tokens/${after.find((id) => !full.includes(id))}`)
      .set(asFirst)
      .expect(200);
    await s.http().post('/api/v1/auth/tokens').set(asFirst).send({ name: 'c' }).expect(201);
    expect((await s.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(409)).body).toEqual({
      error: 'Token limit reached (3)',
    });
    expect(await ids(asFirst)).toHaveLength(3);
  });

  it('counts expired and revoked tokens out', async () => {
    const user = await s.newUser();
    const soon = new Date(Date.now() + 60_000).toISOString();
    await s.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'short', expiresAt: soon }).expect(201);
    const b = (await s.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'b' }).expect(201)).body.data;
    await s.http().delete(`/api/v1/auth/tokens/${b.id}`).set(user.auth).expect(200);
    await s.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'c' }).expect(201);
    await s.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'd' }).expect(409);
    await at(s, Date.now() + 120_000, () => s.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'd' }).expect(201));
  });
});

describe('revocation across replicas', () => {
  const [a, b] = replicasPerSuite();

  it('revoke-all, password change and member removal are refused on the other replica by the time they answer', async () => {
    const user = await aUser(a);
    const ci = (await a.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'ci' }).expect(201)).body.data.token;
    const second = (await a.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200)).body.data
      .token;
    // Cached as valid on replica b.
    await b.http().get('/api/v1/auth/me').set(bearer(ci)).expect(200);
    await b.http().get('/api/v1/auth/me').set(bearer(second)).expect(200);
    await a.http().post('/api/v1/auth/tokens/revoke-all').set(bearer(second)).send({ keepCurrent: true }).expect(200);
    await b.http().get('/api/v1/auth/me').set(bearer(ci)).expect(401);
    await b.http().get('/api/v1/auth/me').set(user.auth).expect(401);
    await b.http().get('/api/v1/auth/me').set(bearer(second)).expect(200);

    const third = (await a.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200)).body.data
      .token;
    await b.http().get('/api/v1/auth/me').set(bearer(third)).expect(200);
    await a
      .http()
      .post('/api/v1/auth/password')
      .set(bearer(second))
      .send({ currentPassword: user.password, newPassword: 'replicated password' })
      .expect(200);
    await b.http().get('/api/v1/auth/me').set(bearer(third)).expect(401);

    const owner = await aUser(a);
    const app = await anApp(a, owner);
    const leaver = await aUser(a);
    await aMember(a, owner, app, leaver, 'owner');
    const key = await aManagementKey(a, leaver, app);
    await b.http().get('/api/v1/envs').query({ appId: app.id }).set(key.auth).expect(200);
    await a.http().delete(`/api/v1/apps/${app.id}/members/${leaver.id}`).set(owner.auth).expect(200);
    await b.http().get('/api/v1/envs').query({ appId: app.id }).set(key.auth).expect(401);
  });
});
