import { startApp, TestApp } from './support/app';
import { aFlag, anApp, aUser, TestAppRecord, TestUser } from './support/factories';

describe('flags: change history and rollback', () => {
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    t = await startApp();
    user = await aUser(t);
  });
  afterAll(() => t.close());

  const flagsOf = async (app: TestAppRecord, env = 'production') => {
    const res = await t.http().get('/api/v1/flags').query({ appId: app.id, env }).set(user.auth).expect(200);
    return { version: Number(JSON.parse(res.headers.etag)), flags: res.body.data };
  };

  it('records every write with version, action, keys, before/after, actor and description, newest first', async () => {
    const app = await anApp(t, user);
    const q = { appId: app.id, env: 'production' };
    await t.http().post('/api/v1/flags').set(user.auth).send({ ...q, key: 'dark-mode', type: 'bool', value: true, description: 'Dark theme', changeDescription: 'launch dark mode' }).expect(201);
    await t.http().patch('/api/v1/flags').set(user.auth).send({ ...q, key: 'dark-mode', value: false, changeDescription: 'roll back dark mode' }).expect(200);
    await aFlag(t, user, app, 'production', { key: 'limit', type: 'number', value: 1 });
    await t.http().patch('/api/v1/flags/bulk').set(user.auth).send({ ...q, flags: { 'dark-mode': true, limit: 5 } }).expect(200);
    await t.http().delete('/api/v1/flags').query({ ...q, key: 'limit' }).set(user.auth).expect(200);

    const me = (await t.http().get('/api/v1/auth/me').set(user.auth)).body.data.user;
    const tokens = (await t.http().get('/api/v1/auth/tokens').set(user.auth)).body.data;
    const res = await t.http().get('/api/v1/changes').query(q).set(user.auth).expect(200);
    expect(res.body.nextBefore).toBeNull();
    const changes = res.body.data;
    expect(changes.map((c: { version: number; action: string }) => [c.version, c.action])).toEqual([
      [5, 'delete'], [4, 'bulk'], [3, 'create'], [2, 'update'], [1, 'create'],
    ]);
    expect(changes[4]).toEqual({
      id: expect.stringMatching(/^chg_/),
      version: 1,
      action: 'create',
      keys: ['dark-mode'],
      changes: [{ key: 'dark-mode', before: null, after: { type: 'bool', value: true, clientEnabled: false, description: 'Dark theme', rollout: null } }],
      actor: { userId: me.id, tokenId: expect.stringMatching(/^tok_/), appKeyId: null },
      changeDescription: 'launch dark mode',
      rolledBackTo: null,
      createdAt: expect.any(String),
    });
    expect(tokens.map((x: { id: string }) => x.id)).toContain(changes[4].actor.tokenId);
    expect(changes[3].changes[0]).toEqual({
      key: 'dark-mode',
      before: { type: 'bool', value: true, clientEnabled: false, description: 'Dark theme', rollout: null },
      after: { type: 'bool', value: false, clientEnabled: false, description: 'Dark theme', rollout: null },
    });
    expect(changes[3].changeDescription).toBe('roll back dark mode');
    expect(changes[1].keys).toEqual(['dark-mode', 'limit']);
    expect(changes[0].changes).toEqual([{ key: 'limit', before: { type: 'number', value: 5, clientEnabled: false, description: null, rollout: null }, after: null }]);
  });

  it('paginates with limit and the before cursor', async () => {
    const app = await anApp(t, user);
    for (let i = 0; i < 7; i++) await aFlag(t, user, app, 'staging', { key: `k${i}` });
    const q = { appId: app.id, env: 'staging' };
    const page1 = await t.http().get('/api/v1/changes').query({ ...q, limit: 3 }).set(user.auth).expect(200);
    expect(page1.body.data.map((c: { version: number }) => c.version)).toEqual([7, 6, 5]);
    expect(page1.body.nextBefore).toBe(5);
    const page2 = await t.http().get('/api/v1/changes').query({ ...q, limit: 3, before: 5 }).set(user.auth).expect(200);
    expect(page2.body.data.map((c: { version: number }) => c.version)).toEqual([4, 3, 2]);
    const page3 = await t.http().get('/api/v1/changes').query({ ...q, limit: 3, before: page2.body.nextBefore }).set(user.auth).expect(200);
    expect(page3.body.data.map((c: { version: number }) => c.version)).toEqual([1]);
    expect(page3.body.nextBefore).toBeNull();
    expect((await t.http().get('/api/v1/changes').query({ ...q, limit: 0 }).set(user.auth).expect(400)).body.error).toBe('limit must not be less than 1');
    expect((await t.http().get('/api/v1/changes').query({ ...q, limit: 500 }).set(user.auth).expect(400)).body.error).toBe('limit must not be greater than 200');
    expect((await t.http().get('/api/v1/changes').query({ ...q, before: 'x' }).set(user.auth).expect(400)).body.error).toBe('before must be an integer number');
  });

  it('restores the whole flag set of an earlier version exactly, as one new recorded write', async () => {
    const app = await anApp(t, user);
    const q = { appId: app.id, env: 'production' };
    await aFlag(t, user, app, 'production', { key: 'a', type: 'bool', value: true, clientEnabled: true });
    await aFlag(t, user, app, 'production', { key: 'b', type: 'json', value: { x: [1, 2] } });
    await t.http().patch('/api/v1/flags').set(user.auth).send({ ...q, key: 'a', description: 'kept' }).expect(200);
    const atThree = await flagsOf(app);
    expect(atThree.version).toBe(3);

    await t.http().patch('/api/v1/flags').set(user.auth).send({ ...q, key: 'a', value: false, clientEnabled: false, description: null, rollout: null }).expect(200);
    await t.http().delete('/api/v1/flags').query({ ...q, key: 'b' }).set(user.auth).expect(200);
    await aFlag(t, user, app, 'production', { key: 'c', type: 'string', value: 'new' });
    await t.http().patch('/api/v1/flags').set(user.auth).send({ ...q, key: 'c', type: 'number', value: 7 }).expect(200);
    expect((await flagsOf(app)).version).toBe(7);

    const res = await t.http().post('/api/v1/envs/rollback').set(user.auth).send({ ...q, version: 3, changeDescription: 'back to v3' }).expect(200);
    expect(res.body).toEqual({ data: { version: 8, restored: 3 } });
    const restored = await flagsOf(app);
    expect(restored).toEqual({ version: 8, flags: atThree.flags });
    const a = await t.http().get('/api/v1/flags/a').query(q).set(user.auth).expect(200);
    expect(a.body.data.description).toBe('kept');

    const history = (await t.http().get('/api/v1/changes').query({ ...q, limit: 1 }).set(user.auth).expect(200)).body.data[0];
    expect(history).toMatchObject({ version: 8, action: 'rollback', rolledBackTo: 3, changeDescription: 'back to v3', keys: ['a', 'b', 'c'] });

    // Rolling back to 0 empties the environment; rolling "forward" to 7 brings back that state.
    await t.http().post('/api/v1/envs/rollback').set(user.auth).send({ ...q, version: 0 }).expect(200);
    expect((await flagsOf(app)).flags).toEqual({});
    await t.http().post('/api/v1/envs/rollback').set(user.auth).send({ ...q, version: 7 }).expect(200);
    expect((await flagsOf(app)).flags).toEqual({
      a: { type: 'bool', value: false, clientEnabled: false },
      c: { type: 'number', value: 7, clientEnabled: false },
    });
  });

  it('refuses a rollback to a version that does not exist yet, and honours expectedVersion', async () => {
    const app = await anApp(t, user);
    const q = { appId: app.id, env: 'development' };
    await aFlag(t, user, app, 'development', { key: 'a' });
    const future = await t.http().post('/api/v1/envs/rollback').set(user.auth).send({ ...q, version: 5 }).expect(400);
    expect(future.body).toEqual({ error: 'version must be between 0 and 1' });
    const negative = await t.http().post('/api/v1/envs/rollback').set(user.auth).send({ ...q, version: -1 }).expect(400);
    expect(negative.body.error).toBe('version must not be less than 0');
    const stale = await t.http().post('/api/v1/envs/rollback').set(user.auth).send({ ...q, version: 0, expectedVersion: 0 }).expect(412);
    expect(stale.body).toEqual({ error: 'Version conflict', currentVersion: 1 });
    expect((await flagsOf(app, 'development')).version).toBe(1);
  });
});
