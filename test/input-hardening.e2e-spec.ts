import { unique } from './support/factories';
import { TestSession } from './support/session';

/**
 * Input edge cases that used to answer 500 (issue 13, item 6): nulls for optional fields, NUL bytes, lone
 * surrogates, deep JSON, huge numbers, the longest valid key in a path, environment names that look like ids,
 * and JSON key order through every read path.
 */
describe('input hardening', () => {
  const s = TestSession.perSuite({ QUOTA_FREE: '1000000' });

  const prod = () => s.at('production');
  const flagOf = (key: string) =>
    s
      .http()
      .get(`/api/v1/flags/${encodeURIComponent(key)}`)
      .query(prod())
      .set(s.user.auth);
  /** The environment's version: that of its newest change. */
  const version = async () =>
    ((
      await s
        .http()
        .get('/api/v1/changes')
        .query({ ...prod(), limit: 1 })
        .set(s.user.auth)
        .expect(200)
    ).body.data[0]?.version ?? 0) as number;
  /** Sends `text` as the raw JSON body (for what JSON.stringify cannot produce: 1e400, lone surrogates). */
  const raw = (method: 'post' | 'patch', path: string, text: string) =>
    s.http()[method](path).set(s.user.auth).set('Content-Type', 'application/json').send(text);

  describe('null for an optional field is refused unless the field documents what null means', () => {
    it('PATCH with clientEnabled: null is a 400 and changes nothing', async () => {
      const { key } = await s.flag('production', { clientEnabled: true });
      const before = await version();
      const res = await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...prod(), key, clientEnabled: null })
        .expect(400);
      expect(res.body).toEqual({ error: 'clientEnabled must not be null' });
      expect((await flagOf(key).expect(200)).body.data.clientEnabled).toBe(true);
      expect(await version()).toBe(before);
    });

    it('null on other optional fields: 400 naming the field', async () => {
      const { key } = await s.flag();
      for (const field of ['value', 'type', 'changeDescription', 'expectedVersion']) {
        const res = await s
          .http()
          .patch('/api/v1/flags')
          .set(s.user.auth)
          .send({ ...prod(), key, [field]: null })
          .expect(400);
        expect(res.body).toEqual({ error: `${field} must not be null` });
      }
      const create = await s
        .http()
        .post('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...prod(), key: unique('f'), type: 'bool', value: true, description: null })
        .expect(400);
      expect(create.body).toEqual({ error: 'description must not be null' });
      const token = await s.http().post('/api/v1/auth/tokens').set(s.user.auth).send({ name: 'ci', expiresAt: null }).expect(400);
      expect(token.body).toEqual({ error: 'expiresAt must not be null' });
      const target = await s
        .http()
        .patch(`/api/apps/${s.appId}/flags/specific-targets/${s.envs.production}`)
        .set(s.user.auth)
        .send({ updates: [{ flagKey: key, value: true, userId: 'u1', companyId: null }] })
        .expect(400);
      // Reflag's route answers Reflag's error body (libs/reflag).
      expect(target.body).toEqual({ error: { code: 'invalid_request', message: 'updates.0.companyId must not be null' } });
    });

    it('documented nulls keep their meaning: description and rollout clear, a target value removes the override', async () => {
      const { key } = await s.flag();
      await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...prod(), key, description: 'd', rollout: { percentage: 5, value: false } })
        .expect(200);
      await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...prod(), key, description: null, rollout: null })
        .expect(200);
      const after = await flagOf(key).expect(200);
      expect(after.body.data).toMatchObject({ description: null, rollout: null });
      await s
        .http()
        .patch(`/api/apps/${s.appId}/flags/specific-targets/${s.envs.production}`)
        .set(s.user.auth)
        .send({ updates: [{ flagKey: key, value: null, userId: 'u1' }] })
        .expect(200);
    });
  });

  describe('strings PostgreSQL cannot store are refused', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['a NUL in the key', { key: 'a\u0000b' }, 'key must not contain NUL characters'],
      ['a NUL in the description', { description: 'x\u0000' }, 'description must not contain NUL characters'],
      ['a NUL in a string value', { type: 'string', value: 'x\u0000y' }, 'value must not contain NUL characters'],
      ['a NUL deep in a json value', { type: 'json', value: { a: [{ b: 'x\u0000' }] } }, 'value.a.0.b must not contain NUL characters'],
      ['a NUL in a json object key', { type: 'json', value: { 'k\u0000': 1 } }, 'value must not contain NUL characters (in a key)'],
      [
        'a NUL in a rollout value',
        { type: 'json', value: {}, rollout: { percentage: 1, value: { s: '\u0000' } } },
        'rollout.value.s must not contain NUL characters',
      ],
    ];
    it.each(cases)('%s: 400, nothing created', async (_name, fields, error) => {
      const before = await version();
      const key = unique('nul');
      const res = await s
        .http()
        .post('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...prod(), key, type: 'bool', value: true, ...fields })
        .expect(400);
      expect(res.body).toEqual({ error });
      expect(await version()).toBe(before);
      await flagOf(key).expect(404);
    });

    it('a NUL in a query or path parameter: 400', async () => {
      const q = await s.http().get('/api/v1/flags').query({ appId: s.appId, env: 'prod\u0000' }).set(s.user.auth).expect(400);
      expect(q.body).toEqual({ error: 'env must not contain NUL characters' });
      const p = await s.http().get('/api/v1/flags/a%00b').query(prod()).set(s.user.auth).expect(400);
      expect(p.body).toEqual({ error: 'key must not contain NUL characters' });
      const a = await s.http().get('/api/v1/apps/app%00x').set(s.user.auth).expect(400);
      expect(a.body).toEqual({ error: 'id must not contain NUL characters' });
    });

    it('lone surrogates (in strings, json values and their keys): 400', async () => {
      const key = unique('sur');
      const description = await raw(
        'post',
        '/api/v1/flags',
        `{"appId":"${s.appId}","env":"production","key":"${key}","type":"bool","value":true,"description":"a\\ud800b"}`,
      ).expect(400);
      expect(description.body).toEqual({ error: 'description must not contain a lone surrogate (invalid UTF-16)' });
      const value = await raw(
        'post',
        '/api/v1/flags',
        `{"appId":"${s.appId}","env":"production","key":"${key}","type":"json","value":{"x":["\\udc00"]}}`,
      ).expect(400);
      expect(value.body).toEqual({ error: 'value.x.0 must not contain a lone surrogate (invalid UTF-16)' });
      const objectKey = await raw(
        'post',
        '/api/v1/flags',
        `{"appId":"${s.appId}","env":"production","key":"${key}","type":"json","value":{"\\ud83d":1}}`,
      ).expect(400);
      expect(objectKey.body).toEqual({ error: 'value must not contain a lone surrogate (invalid UTF-16) (in a key)' });
      // A proper pair is fine.
      await raw(
        'post',
        '/api/v1/flags',
        `{"appId":"${s.appId}","env":"production","key":"${key}","type":"string","value":"\\ud83d\\ude00"}`,
      ).expect(201);
      expect((await flagOf(key).expect(200)).body.data.value).toBe('😀');
    });
  });

  describe('deep JSON and huge numbers', () => {
    const nest = (depth: number): unknown => (depth === 0 ? 1 : { d: nest(depth - 1) });

    it('json values nest at most 32 levels', async () => {
      const ok = unique('deep');
      await s
        .http()
        .post('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...prod(), key: ok, type: 'json', value: nest(32) })
        .expect(201);
      const res = await s
        .http()
        .post('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...prod(), key: unique('deep'), type: 'json', value: nest(33) })
        .expect(400);
      expect(res.body).toEqual({ error: 'value nests deeper than 32 levels' });
      const bulk = await s
        .http()
        .patch('/api/v1/flags/bulk')
        .set(s.user.auth)
        .send({ ...prod(), flags: { [ok]: nest(34) } })
        .expect(400);
      expect(bulk.body.error).toBe(`flags.${ok} nests deeper than 32 levels`);
    });

    it('a body nested far deeper than any DTO is refused before validation', async () => {
      const res = await s
        .http()
        .post('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...prod(), key: unique('deep'), type: 'json', value: true, extra: nest(200) })
        .expect(400);
      expect(typeof res.body.error).toBe('string');
    });

    it('numbers beyond a double (1e400 parses to Infinity) are refused, not stored as null', async () => {
      const key = unique('big');
      const res = await raw(
        'post',
        '/api/v1/flags',
        `{"appId":"${s.appId}","env":"production","key":"${key}","type":"json","value":{"n":1e400}}`,
      ).expect(400);
      expect(res.body).toEqual({ error: 'value.n must be a finite number' });
      const num = await raw(
        'post',
        '/api/v1/flags',
        `{"appId":"${s.appId}","env":"production","key":"${key}","type":"number","value":-1e999}`,
      ).expect(400);
      expect(num.body).toEqual({ error: 'value must be a finite number' });
      await flagOf(key).expect(404);
    });

    it('integers beyond PostgreSQL integer columns: 400, not an SQL error', async () => {
      const { key } = await s.flag();
      const patch = await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...prod(), key, value: false, expectedVersion: 1e20 })
        .expect(400);
      expect(patch.body.error).toMatch(/^expectedVersion must not be greater than 2147483647/);
      const rollback = await s
        .http()
        .post('/api/v1/envs/rollback')
        .set(s.user.auth)
        .send({ ...prod(), version: 2 ** 31 })
        .expect(400);
      expect(rollback.body.error).toMatch(/^version must not be greater than 2147483647/);
      const changes = await s
        .http()
        .get('/api/v1/changes')
        .query({ ...prod(), before: '100000000000000000000' })
        .set(s.user.auth)
        .expect(400);
      expect(changes.body.error).toMatch(/^before must not be greater than 2147483647/);
      const audit = await s.http().get(`/api/v1/apps/${s.appId}/audit`).query({ before: '1e17' }).set(s.user.auth).expect(400);
      expect(audit.body.error).toMatch(/^before must not be greater than/);
    });
  });

  it('dates at the ends of what JavaScript can hold (beyond PostgreSQL timestamptz at one end): 201 or 400, never 500', async () => {
    for (const expiresAt of [
      '+275760-09-13T00:00:00.000Z',
      '-271821-04-20T00:00:00.000Z',
      '0000-01-01T00:00:00Z',
      '+999999-01-01T00:00:00Z',
    ]) {
      const token = await s
        .http()
        .post('/api/v1/auth/tokens')
        .set(s.user.auth)
        .send({ name: unique('t'), expiresAt });
      const key = await s
        .http()
        .post(`/api/v1/apps/${s.appId}/api-keys`)
        .set(s.user.auth)
        .send({ name: unique('k'), scopes: ['flags:read'], expiresAt });
      for (const res of [token, key]) {
        expect([201, 400]).toContain(res.status);
        if (res.status === 400) expect(typeof res.body.error).toBe('string');
      }
    }
  });

  describe('the longest valid flag key works on every route that takes one', () => {
    it('128 characters (and URL-encoded forms of a key) reach GET, targets, OFREP, DELETE', async () => {
      const key = `k${'x'.repeat(126)}.`;
      expect(key).toHaveLength(128);
      await s.flag('production', { key, type: 'bool', value: true });
      expect((await flagOf(key).expect(200)).body.data.key).toBe(key);
      // Every character percent-encoded: 384 characters on the wire.
      const encoded = [...key].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
      expect((await s.http().get(`/api/v1/flags/${encoded}`).query(prod()).set(s.user.auth).expect(200)).body.data.key).toBe(key);
      await s.http().get(`/api/v1/flags/${key}/targets`).query(prod()).set(s.user.auth).expect(200);
      const sdk = await s.key('production', 'sdk');
      const ofrep = await s.http().post(`/ofrep/v1/evaluate/flags/${key}`).set(sdk.auth).send({ context: {} }).expect(200);
      expect(ofrep.body).toMatchObject({ key, value: true });
      await s
        .http()
        .delete('/api/v1/flags')
        .query({ ...prod(), key })
        .set(s.user.auth)
        .expect(200);
      await flagOf(key).expect(404);
    });

    it('a 129-character key is a 400 for the key rule, not a 414', async () => {
      const res = await s
        .http()
        .delete('/api/v1/flags')
        .query({ ...prod(), key: 'k'.repeat(129) })
        .set(s.user.auth)
        .expect(400);
      expect(typeof res.body.error).toBe('string');
    });
  });

  describe('environment names that look like ids', () => {
    it('an environment named env_qa is reachable by its name and by its id', async () => {
      const created = await s.http().post('/api/v1/envs').set(s.user.auth).send({ appId: s.appId, name: 'env_qa' }).expect(201);
      const id = created.body.data.id as string;
      const { key } = await s.flag('env_qa');
      const byName = await s.http().get('/api/v1/flags').query(s.at('env_qa')).set(s.user.auth).expect(200);
      expect(Object.keys(byName.body.data)).toEqual([key]);
      const byId = await s.http().get('/api/v1/flags').query({ appId: s.appId, env: id }).set(s.user.auth).expect(200);
      expect(Object.keys(byId.body.data)).toEqual([key]);
      await s.http().delete('/api/v1/envs').query(s.at('env_qa')).set(s.user.auth).expect(200);
      await s.http().get('/api/v1/flags').query({ appId: s.appId, env: id }).set(s.user.auth).expect(404);
    });
  });

  describe('JSON flag values keep their key order', () => {
    const value = { colors: ['red', 'green'], n: 1, nested: { z: { y: 1, b: [{ q: 1, a: 2 }] }, a: null }, 'b-key': true };
    const rollout = { percentage: 50, value: { zeta: 1, alpha: 2 } };
    const order = (json: string) => JSON.stringify(JSON.parse(json));

    it('through the management API, config, OFREP and history', async () => {
      const key = unique('ordered');
      await s
        .http()
        .post('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...prod(), key, type: 'json', value, rollout, clientEnabled: true })
        .expect(201);
      const target = { m: 1, c: { y: 2, x: 3 } };
      await s
        .http()
        .patch(`/api/apps/${s.appId}/flags/specific-targets/${s.envs.production}`)
        .set(s.user.auth)
        .send({ updates: [{ flagKey: key, value: target, userId: 'u-1' }] })
        .expect(200);

      const one = await flagOf(key).expect(200);
      expect(JSON.stringify(one.body.data.value)).toBe(JSON.stringify(value));
      expect(JSON.stringify(one.body.data.rollout)).toBe(JSON.stringify(rollout));
      const list = await s.http().get('/api/v1/flags').query(prod()).set(s.user.auth).expect(200);
      expect(JSON.stringify(list.body.data[key].value)).toBe(JSON.stringify(value));
      const targets = await s.http().get(`/api/v1/flags/${key}/targets`).query(prod()).set(s.user.auth).expect(200);
      expect(JSON.stringify(targets.body.data.users['u-1'])).toBe(JSON.stringify(target));

      const sdk = await s.key('production', 'sdk');
      const config = await s.configFor(sdk).expect(200);
      expect(order(config.text)).toContain(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
      const ofrep = await s.http().post(`/ofrep/v1/evaluate/flags/${key}`).set(sdk.auth).send({ context: {} }).expect(200);
      expect(JSON.stringify(ofrep.body.value)).toBe(JSON.stringify(value));
      const targeted = await s
        .http()
        .post(`/ofrep/v1/evaluate/flags/${key}`)
        .set(sdk.auth)
        .send({ context: { targetingKey: 'u-1' } })
        .expect(200);
      expect(JSON.stringify(targeted.body.value)).toBe(JSON.stringify(target));

      const history = await s.http().get('/api/v1/changes').query(prod()).set(s.user.auth).expect(200);
      const [targetChange, createChange] = history.body.data;
      expect(JSON.stringify(createChange.changes[0].after.value)).toBe(JSON.stringify(value));
      expect(JSON.stringify(createChange.changes[0].after.rollout)).toBe(JSON.stringify(rollout));
      expect(JSON.stringify(targetChange.changes[0].after)).toBe(JSON.stringify(target));
    });

    it('through updates, bulk updates and a rollback', async () => {
      // Its own app: the rollback restores the whole environment.
      const own = await s.newApp();
      const ref = { appId: own.id, env: 'production' };
      const read = async (key: string) =>
        JSON.stringify((await s.http().get(`/api/v1/flags/${key}`).query(ref).set(s.user.auth).expect(200)).body.data.value);
      const key = unique('ordered');
      const first = await s
        .http()
        .post('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...ref, key, type: 'json', value: { z: 0, a: 0 } })
        .expect(201);
      await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...ref, key, value })
        .expect(200);
      expect(await read(key)).toBe(JSON.stringify(value));
      const bulkValue = { y: 1, x: { k: 1, e: 2 } };
      await s
        .http()
        .patch('/api/v1/flags/bulk')
        .set(s.user.auth)
        .send({ ...ref, flags: { [key]: bulkValue } })
        .expect(200);
      expect(await read(key)).toBe(JSON.stringify(bulkValue));
      await s
        .http()
        .post('/api/v1/envs/rollback')
        .set(s.user.auth)
        .send({ ...ref, version: first.body.data.version })
        .expect(200);
      expect(await read(key)).toBe(JSON.stringify({ z: 0, a: 0 }));
    });
  });
});
