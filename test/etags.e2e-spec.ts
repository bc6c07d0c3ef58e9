import { startApp, TestApp } from './support/app';
import { aFlag, aKey, anApp, aUser, TestAppRecord, TestUser } from './support/factories';

/**
 * Runtime ETags name the environment: versions count per environment, so two environments at the same version
 * used to answer the same ETag (`"1-sdk"`) and a client that switched keys could be told 304 for the other
 * environment's flags.
 */
describe('runtime ETags across environments', () => {
  let t: TestApp;
  let user: TestUser;
  let app: TestAppRecord;
  let other: TestAppRecord;
  beforeAll(async () => {
    t = await startApp();
    user = await aUser(t);
    app = await anApp(t, user);
    other = await anApp(t, user);
    // Three environments at version 1, each with a different value.
    await aFlag(t, user, app, 'production', { key: 'color', type: 'string', value: 'red', clientEnabled: true });
    await aFlag(t, user, app, 'staging', { key: 'color', type: 'string', value: 'green', clientEnabled: true });
    await aFlag(t, user, other, 'production', { key: 'color', type: 'string', value: 'blue', clientEnabled: true });
  });
  afterAll(() => t.close());

  it.each(['sdk', 'pub'] as const)('config: a %s key gets 200, not 304, for the ETag of another environment at the same version', async (type) => {
    const keys = [await aKey(t, user, app, 'production', type), await aKey(t, user, app, 'staging', type), await aKey(t, user, other, 'production', type)];
    const reads = await Promise.all(keys.map((k) => t.http().get('/api/v1/config').set(k.auth).expect(200)));
    expect(reads.map((r) => r.body.data)).toEqual([
      { version: 1, flags: { color: 'red' } },
      { version: 1, flags: { color: 'green' } },
      { version: 1, flags: { color: 'blue' } },
    ]);
    const etags = reads.map((r) => r.headers.etag as string);
    for (const etag of etags) expect(etag).toMatch(new RegExp(`^"1-${type}-[\\w-]{10}"$`));
    expect(new Set(etags).size).toBe(3);

    for (let i = 0; i < keys.length; i++) {
      // Its own ETag: 304.
      await t.http().get('/api/v1/config').set(keys[i].auth).set('If-None-Match', etags[i]).expect(304);
      // Another environment's (same version, same key type): the full body of its own environment.
      const switched = await t.http().get('/api/v1/config').set(keys[i].auth).set('If-None-Match', etags[(i + 1) % 3]).expect(200);
      expect(switched.body.data).toEqual(reads[i].body.data);
      expect(switched.headers.etag).toBe(etags[i]);
    }
  });

  it('config: the ETag is stable for an environment and version (every replica, every read) and changes with either', async () => {
    const key = await aKey(t, user, other, 'staging', 'sdk');
    const first = await t.http().get('/api/v1/config').set(key.auth).expect(200);
    const again = await t.http().get('/api/v1/config').set(key.auth).expect(200);
    expect(again.headers.etag).toBe(first.headers.etag);
    await aFlag(t, user, other, 'staging', { key: 'new', type: 'bool', value: true });
    const changed = await t.http().get('/api/v1/config').set(key.auth).set('If-None-Match', first.headers.etag).expect(200);
    expect(changed.headers.etag).toBe(first.headers.etag.replace(/^"0-/, '"1-'));
  });

  it('OFREP bulk: the same context in another environment at the same version is 200 with that environment\'s flags', async () => {
    const prod = await aKey(t, user, app, 'production', 'pub');
    const elsewhere = await aKey(t, user, other, 'production', 'pub');
    const body = { context: { targetingKey: 'user-1' } };
    const a = await t.http().post('/ofrep/v1/evaluate/flags').set(prod.auth).send(body).expect(200);
    const b = await t.http().post('/ofrep/v1/evaluate/flags').set(elsewhere.auth).send(body).expect(200);
    expect(a.headers.etag).toMatch(/^"1-pub-/);
    expect(b.headers.etag).toMatch(/^"1-pub-/);
    expect(a.headers.etag).not.toBe(b.headers.etag);

    await t.http().post('/ofrep/v1/evaluate/flags').set(prod.auth).set('If-None-Match', a.headers.etag).send(body).expect(304);
    const switched = await t.http().post('/ofrep/v1/evaluate/flags').set(elsewhere.auth).set('If-None-Match', a.headers.etag).send(body).expect(200);
    expect(switched.body.flags).toEqual([expect.objectContaining({ key: 'color', value: 'blue' })]);
    expect(switched.headers.etag).toBe(b.headers.etag);
  });
});
