import { aFlag } from './support/factories';
import { TestSession } from './support/session';

describe('flags: the seed examples', () => {
  const s = TestSession.perSuite();

  it('create → update → delete → bulk, each raising the version by exactly 1, field by field', async () => {
    const created = await s
      .http()
      .post('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'production', key: 'new-feature', type: 'bool', value: true, clientEnabled: true })
      .expect(201);
    expect(created.body).toEqual({ data: { version: 1, flag: { type: 'bool', value: true, clientEnabled: true } } });

    await s
      .http()
      .post('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'production', key: 'dark-mode', type: 'bool', value: true, clientEnabled: true })
      .expect(201);
    await s
      .http()
      .post('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'production', key: 'api-url', type: 'string', value: 'https://api.example.com' })
      .expect(201);

    const updated = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'production', key: 'dark-mode', value: false })
      .expect(200);
    expect(updated.body).toEqual({ data: { version: 4, flag: { type: 'bool', value: false, clientEnabled: true } } });

    const listed = await s.http().get('/api/v1/flags').query(s.at('production')).set(s.user.auth).expect(200);
    expect(listed.body).toEqual({
      data: {
        'api-url': { type: 'string', value: 'https://api.example.com', clientEnabled: false },
        'dark-mode': { type: 'bool', value: false, clientEnabled: true },
        'new-feature': { type: 'bool', value: true, clientEnabled: true },
      },
    });
    expect(Object.keys(listed.body.data)).toEqual(['api-url', 'dark-mode', 'new-feature']);
    expect(listed.headers.etag).toBe('"4"');

    await s
      .http()
      .post('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'production', key: 'old-feature', type: 'bool', value: true })
      .expect(201);
    const deleted = await s
      .http()
      .delete('/api/v1/flags')
      .query({ appId: s.appId, env: 'production', key: 'old-feature' })
      .set(s.user.auth)
      .expect(200);
    expect(deleted.body).toEqual({ data: { version: 6 } });

    for (const [key, type, value] of [
      ['feature-a', 'bool', false],
      ['feature-b', 'bool', true],
      ['api-timeout', 'number', 10],
    ] as const) {
      await s.http().post('/api/v1/flags').set(s.user.auth).send({ appId: s.appId, env: 'production', key, type, value }).expect(201);
    }
    const bulk = await s
      .http()
      .patch('/api/v1/flags/bulk')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'production', flags: { 'feature-a': true, 'feature-b': false, 'api-timeout': 30 } })
      .expect(200);
    expect(bulk.body).toEqual({ data: { version: 10, updated: 3 } });
    const after = await s.http().get('/api/v1/flags').query(s.at('production')).set(s.user.auth).expect(200);
    expect(after.body.data['feature-a']).toEqual({ type: 'bool', value: true, clientEnabled: false });
    expect(after.body.data['feature-b']).toEqual({ type: 'bool', value: false, clientEnabled: false });
    expect(after.body.data['api-timeout']).toEqual({ type: 'number', value: 30, clientEnabled: false });
    expect(after.body.data['old-feature']).toBeUndefined();
    expect(after.headers.etag).toBe('"10"');
  });

  it('accepts POST /flags/bulk too', async () => {
    const a = await s.newApp();
    await s.flag('staging', { key: 'x', type: 'number', value: 1 }, a);
    const res = await s
      .http()
      .post('/api/v1/flags/bulk')
      .set(s.user.auth)
      .send({ appId: a.id, env: 'staging', flags: { x: 2 } })
      .expect(200);
    expect(res.body).toEqual({ data: { version: 2, updated: 1 } });
  });

  it('the seed JavaScript example: create app, then create flag', async () => {
    const appRes = await s
      .http()
      .post('/api/v1/apps')
      .set(s.user.auth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: `seed-js-${Date.now()}` }))
      .expect(201);
    const { data: created } = appRes.body;
    const flagRes = await s
      .http()
      .post('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: created.id, env: 'production', key: 'dark-mode', type: 'bool', value: true, clientEnabled: true })
      .expect(201);
    expect(flagRes.body.data.version).toBe(1);
  });
});

describe('flags: types, values and validation', () => {
  const s = TestSession.perSuite();

  const create = (body: Record<string, unknown>) =>
    s
      .http()
      .post('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'development', ...body });
  const list = async (env = 'development') =>
    (await s.http().get('/api/v1/flags').query({ appId: s.appId, env }).set(s.user.auth).expect(200)).body.data;

  it('round-trips every type exactly, keeping 0, "", false and nested json', async () => {
    const json = { nested: { list: [1, 'two', null, { deep: true }], empty: {}, unicode: 'héllo ✓', n: -0.5 } };
    await create({ key: 'zero', type: 'number', value: 0 }).expect(201);
    await create({ key: 'empty', type: 'string', value: '' }).expect(201);
    await create({ key: 'off', type: 'bool', value: false }).expect(201);
    await create({ key: 'cfg', type: 'json', value: json }).expect(201);
    await create({ key: 'arr', type: 'json', value: [] }).expect(201);
    await create({ key: 'big', type: 'number', value: 1.7976931348623157e308 }).expect(201);
    const data = await list();
    expect(data.zero).toEqual({ type: 'number', value: 0, clientEnabled: false });
    expect(data.empty).toEqual({ type: 'string', value: '', clientEnabled: false });
    expect(data.off).toEqual({ type: 'bool', value: false, clientEnabled: false });
    expect(data.cfg.value).toEqual(json);
    expect(data.arr.value).toEqual([]);
    expect(data.big.value).toBe(1.7976931348623157e308);
    const one = await s.http().get('/api/v1/flags/cfg').query(s.at('development')).set(s.user.auth).expect(200);
    expect(one.body.data).toEqual({
      key: 'cfg',
      type: 'json',
      value: json,
      clientEnabled: false,
      description: null,
      rollout: null,
      version: expect.any(Number),
    });
  });

  it.each(
    [
      [{ key: 'k1', type: 'boolean', value: true }, 'Invalid flag type'],
      [{ key: 'k1', type: 'bool', value: 'true' }, 'Invalid value for flag type bool'],
      [{ key: 'k1', type: 'bool', value: null }, 'Invalid value for flag type bool'],
      [{ key: 'k1', type: 'number', value: '42' }, 'Invalid value for flag type number'],
      [{ key: 'k1', type: 'string', value: 5 }, 'Invalid value for flag type string'],
      [{ key: 'k1', type: 'string', value: 'x'.repeat(65 * 1024) }, 'Invalid value for flag type string'], // > 64 KiB
      [{ key: 'k1', type: 'json', value: 'text' }, 'Invalid value for flag type json'],
      [{ key: 'k1', type: 'json', value: 3 }, 'Invalid value for flag type json'],
      [{ key: 'k1', type: 'json', value: { blob: 'y'.repeat(65 * 1024) } }, 'Invalid value for flag type json'],
      [{ key: 'k1', type: 'bool' }, 'value is required'],
      [{ key: 'k1', value: true }, 'type is required'],
      [{ type: 'bool', value: true }, 'key is required'],
      [
        { key: '-starts-with-dash', type: 'bool', value: true },
        "key must be 1-128 characters of letters, digits, '.', '_' and '-', starting with a letter or digit",
      ],
      [
        { key: 'has space', type: 'bool', value: true },
        "key must be 1-128 characters of letters, digits, '.', '_' and '-', starting with a letter or digit",
      ],
      [
        { key: 'k'.repeat(129), type: 'bool', value: true },
        "key must be 1-128 characters of letters, digits, '.', '_' and '-', starting with a letter or digit",
      ],
      [{ key: 'k1', type: 'bool', value: true, clientEnabled: 'yes' }, 'clientEnabled must be a boolean value'],
      [{ key: 'k1', type: 'bool', value: true, colour: 'red' }, 'Unknown field: colour'],
    ].map(([body, error]) => [error as string, body as Record<string, unknown>] as const),
  )('rejects an invalid create (case %#) with 400 %s and changes nothing', async (error, body) => {
    const before = await s.http().get('/api/v1/flags').query(s.at('staging')).set(s.user.auth).expect(200);
    const res = await s
      .http()
      .post('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'staging', ...body })
      .expect(400);
    expect(res.body.error).toBe(error);
    const after = await s.http().get('/api/v1/flags').query(s.at('staging')).set(s.user.auth).expect(200);
    expect(after.body).toEqual(before.body);
    expect(after.headers.etag).toBe(before.headers.etag);
  });

  it('accepts keys of 128 characters with dots, dashes and underscores; keys are case-sensitive', async () => {
    const long = `A${'b.c_d-'.repeat(21)}x`.slice(0, 128);
    await create({ key: long, type: 'bool', value: true }).expect(201);
    await create({ key: 'Case', type: 'bool', value: true }).expect(201);
    await create({ key: 'case', type: 'bool', value: false }).expect(201);
    const data = await list();
    expect(data[long].value).toBe(true);
    expect(data.Case.value).toBe(true);
    expect(data.case.value).toBe(false);
  });

  it('refuses a duplicate key in one environment (409) but allows it in another', async () => {
    await create({ key: 'dup', type: 'bool', value: true }).expect(201);
    const res = await create({ key: 'dup', type: 'string', value: 'x' }).expect(409);
    expect(res.body).toEqual({ error: 'Flag already exists' });
    await s
      .http()
      .post('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'production', key: 'dup', type: 'string', value: 'x' })
      .expect(201);
    expect((await list()).dup).toEqual({ type: 'bool', value: true, clientEnabled: false });
  });

  it('updates clientEnabled and description alone, and changes type only with a value of the new type', async () => {
    await create({ key: 'typed', type: 'bool', value: true }).expect(201);
    const client = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'development', key: 'typed', clientEnabled: true })
      .expect(200);
    expect(client.body.data.flag).toEqual({ type: 'bool', value: true, clientEnabled: true });
    const noValue = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'development', key: 'typed', type: 'number' })
      .expect(400);
    expect(noValue.body).toEqual({ error: 'type can only change together with a value of the new type' });
    const wrongValue = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'development', key: 'typed', type: 'number', value: true })
      .expect(400);
    expect(wrongValue.body).toEqual({ error: 'Invalid value for flag type number' });
    const oldTypeWrong = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'development', key: 'typed', value: 3 })
      .expect(400);
    expect(oldTypeWrong.body).toEqual({ error: 'Invalid value for flag type bool' });
    const retyped = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'development', key: 'typed', type: 'number', value: 3 })
      .expect(200);
    expect(retyped.body.data.flag).toEqual({ type: 'number', value: 3, clientEnabled: true });
    const described = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'development', key: 'typed', description: 'A number now' })
      .expect(200);
    expect(described.body.data.version).toBe(retyped.body.data.version + 1);
    const one = await s.http().get('/api/v1/flags/typed').query(s.at('development')).set(s.user.auth).expect(200);
    expect(one.body.data.description).toBe('A number now');
    const nothing = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'development', key: 'typed' })
      .expect(400);
    expect(nothing.body.error).toMatch(/^Nothing to update/);
  });

  it('answers 404 Flag not found for unknown keys on get, update and delete', async () => {
    const q = s.at('development');
    expect((await s.http().get('/api/v1/flags/nope').query(q).set(s.user.auth).expect(404)).body).toEqual({ error: 'Flag not found' });
    expect(
      (
        await s
          .http()
          .patch('/api/v1/flags')
          .set(s.user.auth)
          .send({ ...q, key: 'nope', value: true })
          .expect(404)
      ).body,
    ).toEqual({ error: 'Flag not found' });
    expect(
      (
        await s
          .http()
          .delete('/api/v1/flags')
          .query({ ...q, key: 'nope' })
          .set(s.user.auth)
          .expect(404)
      ).body,
    ).toEqual({ error: 'Flag not found' });
  });

  it('answers 404 for an unknown environment, by name or id', async () => {
    const byName = await s.http().get('/api/v1/flags').query(s.at('qa')).set(s.user.auth).expect(404);
    expect(byName.body).toEqual({ error: 'Environment not found' });
    const foreign = await s.newApp();
    const byForeignId = await s
      .http()
      .get('/api/v1/flags')
      .query({ appId: s.appId, env: foreign.envs.production })
      .set(s.user.auth)
      .expect(404);
    expect(byForeignId.body).toEqual({ error: 'Environment not found' });
    await s.http().get('/api/v1/flags').query({ appId: s.appId, env: s.envs.production }).set(s.user.auth).expect(200);
  });

  it('serves 304 for a matching If-None-Match and the new list after a write', async () => {
    const first = await s.http().get('/api/v1/flags').query(s.at('production')).set(s.user.auth).expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"\d+"$/);
    const cached = await s.http().get('/api/v1/flags').query(s.at('production')).set(s.user.auth).set('If-None-Match', etag).expect(304);
    expect(cached.text).toBe('');
    await s.flag('production', { key: 'etag-bump' });
    const fresh = await s.http().get('/api/v1/flags').query(s.at('production')).set(s.user.auth).set('If-None-Match', etag).expect(200);
    expect(fresh.headers.etag).toBe(`"${Number(JSON.parse(etag)) + 1}"`);
    expect(fresh.body.data['etag-bump']).toBeDefined();
  });
});

describe('flags: bulk updates are all or nothing', () => {
  const s = TestSession.perSuite();
  beforeAll(async () => {
    await s.flag('production', { key: 'a', type: 'bool', value: false });
    await s.flag('production', { key: 'b', type: 'number', value: 1 });
    await s.flag('production', { key: 'c', type: 'json', value: { v: 1 } });
  });

  const snapshot = async () => {
    const res = await s.http().get('/api/v1/flags').query(s.at('production')).set(s.user.auth).expect(200);
    return { etag: res.headers.etag, data: res.body.data };
  };
  const bulk = (flags: unknown) => s.http().patch('/api/v1/flags/bulk').set(s.user.auth).send({ appId: s.appId, env: 'production', flags });

  it('names the first unknown key with 404 and changes nothing', async () => {
    const before = await snapshot();
    const res = await bulk({ a: true, ghost: 1, b: 'wrong' }).expect(404);
    expect(res.body).toEqual({ error: 'Flag not found: ghost', key: 'ghost' });
    expect(await snapshot()).toEqual(before);
  });

  it('names the first value of the wrong type with 400 and changes nothing', async () => {
    const before = await snapshot();
    const res = await bulk({ a: true, b: 'two', c: 'nope' }).expect(400);
    expect(res.body).toEqual({ error: 'Invalid value for flag type number: b', key: 'b' });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an empty batch, a non-object and more than 1000 keys', async () => {
    expect((await bulk({}).expect(400)).body.error).toBe('flags must contain at least one flag');
    expect((await bulk([true]).expect(400)).body.error).toBe('flags must be an object of key → value');
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, true]));
    expect((await bulk(many).expect(400)).body.error).toBe('flags may contain at most 1000 flags');
  });

  it('applies a good batch as one version', async () => {
    const before = await snapshot();
    const res = await bulk({ a: true, b: 2, c: [1, 2] }).expect(200);
    expect(res.body.data).toEqual({ version: Number(JSON.parse(before.etag)) + 1, updated: 3 });
    const after = await snapshot();
    expect(after.data).toEqual({
      a: { type: 'bool', value: true, clientEnabled: false },
      b: { type: 'number', value: 2, clientEnabled: false },
      c: { type: 'json', value: [1, 2], clientEnabled: false },
    });
  });
});

describe('flags: optimistic concurrency', () => {
  const s = TestSession.perSuite();

  it('applies a write whose If-Match / expectedVersion is current, and refuses a stale one with 412', async () => {
    const { version } = await s.flag('production', { key: 'cc', type: 'number', value: 1 });
    const ok = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .set('If-Match', `"${version}"`)
      .send({ appId: s.appId, env: 'production', key: 'cc', value: 2 })
      .expect(200);
    expect(ok.body.data.version).toBe(version + 1);
    expect(ok.headers.etag).toBe(`"${version + 1}"`);

    const stale = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .set('If-Match', `"${version}"`)
      .send({ appId: s.appId, env: 'production', key: 'cc', value: 3 })
      .expect(412);
    expect(stale.body).toEqual({ error: 'Version conflict', currentVersion: version + 1 });
    const staleBody = await s
      .http()
      .post('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'production', key: 'new', type: 'bool', value: true, expectedVersion: version })
      .expect(412);
    expect(staleBody.body).toEqual({ error: 'Version conflict', currentVersion: version + 1 });
    const staleDelete = await s
      .http()
      .delete('/api/v1/flags')
      .query({ appId: s.appId, env: 'production', key: 'cc' })
      .set(s.user.auth)
      .set('If-Match', `"${version}"`)
      .expect(412);
    expect(staleDelete.body.currentVersion).toBe(version + 1);
    const staleBulk = await s
      .http()
      .patch('/api/v1/flags/bulk')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'production', flags: { cc: 9 }, expectedVersion: 0 })
      .expect(412);
    expect(staleBulk.body.currentVersion).toBe(version + 1);

    const one = await s.http().get('/api/v1/flags/cc').query(s.at('production')).set(s.user.auth).expect(200);
    expect(one.body.data).toMatchObject({ value: 2, version: version + 1 });
  });

  it('rejects a malformed If-Match and a disagreeing pair with 400', async () => {
    await s.flag('staging', { key: 'm', type: 'number', value: 1 });
    const bad = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .set('If-Match', 'banana')
      .send({ appId: s.appId, env: 'staging', key: 'm', value: 2 })
      .expect(400);
    expect(bad.body.error).toMatch(/^If-Match must be/);
    const both = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .set('If-Match', '"1"')
      .send({ appId: s.appId, env: 'staging', key: 'm', value: 2, expectedVersion: 2 })
      .expect(400);
    expect(both.body).toEqual({ error: 'expectedVersion and If-Match disagree' });
  });
});

describe('flags: isolation and scopes', () => {
  const s = TestSession.perSuite({}, { user: false });

  it('keeps environments of one app and apps of one user apart', async () => {
    const user = await s.newUser();
    const app1 = await s.newApp(user);
    const app2 = await s.newApp(user);
    await aFlag(s, user, app1, 'production', { key: 'shared-key', value: true });
    await aFlag(s, user, app1, 'staging', { key: 'shared-key', value: false });
    const prod = await s.http().get('/api/v1/flags').query({ appId: app1.id, env: 'production' }).set(user.auth).expect(200);
    const stg = await s.http().get('/api/v1/flags').query({ appId: app1.id, env: 'staging' }).set(user.auth).expect(200);
    const dev = await s.http().get('/api/v1/flags').query({ appId: app1.id, env: 'development' }).set(user.auth).expect(200);
    const other = await s.http().get('/api/v1/flags').query({ appId: app2.id, env: 'production' }).set(user.auth).expect(200);
    expect(prod.body.data['shared-key'].value).toBe(true);
    expect(stg.body.data['shared-key'].value).toBe(false);
    expect(dev.body.data).toEqual({});
    expect(other.body.data).toEqual({});
    expect([prod.headers.etag, stg.headers.etag, dev.headers.etag]).toEqual(['"1"', '"1"', '"0"']);
  });

  it("hides another user's app behind 404 on every flag route and changes nothing", async () => {
    const owner = await s.newUser();
    const intruder = await s.newUser();
    const app = await s.newApp(owner);
    await aFlag(s, owner, app, 'production', { key: 'secret', value: true });
    const q = { appId: app.id, env: 'production' };
    const attempts = await Promise.all([
      s.http().get('/api/v1/flags').query(q).set(intruder.auth),
      s.http().get('/api/v1/flags/secret').query(q).set(intruder.auth),
      s
        .http()
        .post('/api/v1/flags')
        .set(intruder.auth)
        .send({ ...q, key: 'x', type: 'bool', value: true }),
      s
        .http()
        .patch('/api/v1/flags')
        .set(intruder.auth)
        .send({ ...q, key: 'secret', value: false }),
      s
        .http()
        .delete('/api/v1/flags')
        .query({ ...q, key: 'secret' })
        .set(intruder.auth),
      s
        .http()
        .patch('/api/v1/flags/bulk')
        .set(intruder.auth)
        .send({ ...q, flags: { secret: false } }),
      s.http().get('/api/v1/changes').query(q).set(intruder.auth),
      s
        .http()
        .post('/api/v1/envs/rollback')
        .set(intruder.auth)
        .send({ ...q, version: 0 }),
    ]);
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'App not found' });
    }
    const mine = await s.http().get('/api/v1/flags').query(q).set(owner.auth).expect(200);
    expect(mine.body.data).toEqual({ secret: { type: 'bool', value: true, clientEnabled: false } });
    expect(mine.headers.etag).toBe('"1"');
  });

  it('requires flags:read to read and flags:write to write', async () => {
    const { user, app } = await s.newUserWithApp();
    const ro = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set(user.auth)
      .send({ name: 'ro', scopes: ['flags:read'] })
      .expect(201);
    const readOnly = { Authorization: `Bearer ${ro.body.data.token}` };
    await s.http().get('/api/v1/flags').query({ appId: app.id, env: 'production' }).set(readOnly).expect(200);
    const res = await s
      .http()
      .post('/api/v1/flags')
      .set(readOnly)
      .send({ appId: app.id, env: 'production', key: 'k', type: 'bool', value: true })
      .expect(403);
    expect(res.body).toEqual({ error: 'Insufficient permissions' });
    const apps = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set(user.auth)
      .send({ name: 'apps', scopes: ['apps:read'] })
      .expect(201);
    await s
      .http()
      .get('/api/v1/flags')
      .query({ appId: app.id, env: 'production' })
      .set({ Authorization: `Bearer ${apps.body.data.token}` })
      .expect(403);
  });
});
