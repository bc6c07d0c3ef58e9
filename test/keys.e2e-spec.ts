import { TestSession } from './support/session';

describe('API keys', () => {
  const s = TestSession.perSuite();

  it('creates keys with the seed shape, shown once, prefixed by type and environment', async () => {
    const pub = await s.http().post('/api/v1/keys').set(s.user.auth).send({ appId: s.appId, env: 'production', type: 'pub' }).expect(201);
    expect(pub.body).toEqual({
      data: {
        id: expect.stringMatching(/^key_[0-9A-Za-z]{16}$/),
        type: 'pub',
        key: expect.stringMatching(/^pub_prod_[0-9A-Za-z]{43}$/),
        createdAt: expect.any(String),
      },
    });
    const sdkDev = await s
      .http()
      .post('/api/v1/keys')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'development', type: 'sdk', name: 'backend' })
      .expect(201);
    expect(sdkDev.body.data.key).toMatch(/^sdk_dev_[0-9A-Za-z]{43}$/);
    const stg = await s.http().post('/api/v1/keys').set(s.user.auth).send({ appId: s.appId, env: 'staging', type: 'pub' }).expect(201);
    expect(stg.body.data.key).toMatch(/^pub_stg_/);
    await s.http().post('/api/v1/envs').set(s.user.auth).send({ appId: s.appId, name: 'qa-eu' }).expect(201);
    const qa = await s.http().post('/api/v1/keys').set(s.user.auth).send({ appId: s.appId, env: 'qa-eu', type: 'sdk' }).expect(201);
    expect(qa.body.data.key).toMatch(/^sdk_qa-eu_[0-9A-Za-z]{43}$/);
  });

  it('lists keys with the seed shape and never the secret again', async () => {
    const a = await s.newApp();
    const pub = await s.key('production', 'pub', a);
    const sdk = await s.key('production', 'sdk', a);
    const res = await s.http().get('/api/v1/keys').query({ appId: a.id, env: 'production' }).set(s.user.auth).expect(200);
    expect(res.body.data).toEqual([
      {
        id: pub.id,
        type: 'pub',
        prefix: 'pub_prod_',
        createdAt: expect.any(String),
        name: null,
        last4: pub.key.slice(-4),
        lastUsedAt: null,
      },
      {
        id: sdk.id,
        type: 'sdk',
        prefix: 'sdk_prod_',
        createdAt: expect.any(String),
        name: null,
        last4: sdk.key.slice(-4),
        lastUsedAt: null,
      },
    ]);
    const everything = JSON.stringify([
      res.body,
      (await s.http().get('/api/v1/keys').query({ appId: a.id, env: 'staging' }).set(s.user.auth)).body,
      (await s.http().get('/docs-json')).body,
    ]);
    expect(everything).not.toContain(pub.key);
    expect(everything).not.toContain(sdk.key);
    const dataSource = s.get((await import('typeorm')).DataSource);
    const rows = await dataSource.query('SELECT * FROM api_keys WHERE app_id = $1', [a.id]);
    expect(JSON.stringify(rows)).not.toContain(pub.key.slice(9));
    expect(rows.every((r: { key_hash: string }) => /^[0-9a-f]{64}$/.test(r.key_hash))).toBe(true);
  });

  it('rejects an invalid type with 400 Invalid key type', async () => {
    for (const type of ['admin', '', 1, null]) {
      const res = await s.http().post('/api/v1/keys').set(s.user.auth).send({ appId: s.appId, env: 'production', type }).expect(400);
      expect(res.body).toEqual({ error: 'Invalid key type' });
    }
    const missing = await s.http().post('/api/v1/keys').set(s.user.auth).send(s.at('production')).expect(400);
    expect(missing.body.error).toBe('type is required');
  });

  it('revokes a key with the seed shape; it is refused on the next request and vanishes from the list', async () => {
    const a = await s.newApp();
    const key = await s.key('production', 'sdk', a);
    await s.configFor(key).expect(200);
    const res = await s.http().delete('/api/v1/keys').query({ keyId: key.id }).set(s.user.auth).expect(200);
    expect(res.body).toEqual({ data: { success: true } });
    expect((await s.configFor(key).expect(401)).body).toEqual({ error: 'Not authenticated' });
    expect((await s.http().get('/api/v1/keys').query({ appId: a.id, env: 'production' }).set(s.user.auth)).body.data).toEqual([]);
    expect((await s.http().delete('/api/v1/keys').query({ keyId: key.id }).set(s.user.auth).expect(404)).body).toEqual({
      error: 'Key not found',
    });
  });

  it("answers 404 Key not found for another user's key and leaves it working", async () => {
    const other = await s.newUser();
    const key = await s.key('production', 'pub');
    const res = await s.http().delete('/api/v1/keys').query({ keyId: key.id }).set(other.auth).expect(404);
    expect(res.body).toEqual({ error: 'Key not found' });
    expect((await s.http().delete('/api/v1/keys').query({ keyId: 'key_unknown' }).set(other.auth).expect(404)).body).toEqual({
      error: 'Key not found',
    });
    await s.configFor(key).expect(200);
    const list = await s.http().get('/api/v1/keys').query(s.at('production')).set(other.auth).expect(404);
    expect(list.body).toEqual({ error: 'App not found' });
    const create = await s.http().post('/api/v1/keys').set(other.auth).send({ appId: s.appId, env: 'production', type: 'sdk' }).expect(404);
    expect(create.body).toEqual({ error: 'App not found' });
  });

  it('requires keys:read / keys:write', async () => {
    const tok = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set(s.user.auth)
      .send({ name: 'flags', scopes: ['flags:read', 'flags:write'] })
      .expect(201);
    const limited = { Authorization: `Bearer ${tok.body.data.token}` };
    await s.http().get('/api/v1/keys').query(s.at('production')).set(limited).expect(403);
    await s.http().post('/api/v1/keys').set(limited).send({ appId: s.appId, env: 'production', type: 'pub' }).expect(403);
  });

  it('refuses runtime keys on management routes with 401', async () => {
    const key = await s.key('production', 'sdk');
    expect((await s.http().get('/api/v1/apps').set(key.auth).expect(401)).body).toEqual({ error: 'Not authenticated' });
    await s.http().get('/api/v1/flags').query(s.at('production')).set(key.auth).expect(401);
  });

  it('the seed Python example: POST /keys with appId, env and type', async () => {
    const res = await s
      .http()
      .post('/api/v1/keys')
      .set('Authorization', `Bearer ${s.user.token}`)
      .send({ appId: s.appId, env: 'production', type: 'pub' })
      .expect(201);
    expect(res.body.data.key).toMatch(/^pub_prod_/);
  });
});
