import { TestAppRecord } from './support/factories';
import { TestSession } from './support/session';

describe('flags: change history and rollback', () => {
  const s = TestSession.perSuite();

  const flagsOf = async (app: TestAppRecord, env = 'production') => {
    const res = await s.http().get('/api/v1/flags').query({ appId: app.id, env }).set(s.user.auth).expect(200);
    return { version: Number(JSON.parse(res.headers.etag)), flags: res.body.data };
  };

  it('records every write with version, action, keys, before/after, actor and description, newest first', async () => {
    const app = await s.newApp();
    const q = { appId: app.id, env: 'production' };
    await s
      .http()
      .post('/api/v1/flags')
      .set(s.user.auth)
      .send({ ...q, key: 'dark-mode', type: 'bool', value: true, description: 'Dark theme', changeDescription: 'launch dark mode' })
      .expect(201);
    await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ ...q, key: 'dark-mode', value: false, changeDescription: 'roll back dark mode' })
      .expect(200);
    await s.flag('production', { key: 'limit', type: 'number', value: 1 }, app);
    await s
      .http()
      .patch('/api/v1/flags/bulk')
      .set(s.user.auth)
      .send({ ...q, flags: { 'dark-mode': true, limit: 5 } })
      .expect(200);
    await s
      .http()
      .delete('/api/v1/flags')
      .query({ ...q, key: 'limit' })
      .set(s.user.auth)
      .expect(200);

    const me = (await s.http().get('/api/v1/auth/me').set(s.user.auth)).body.data.user;
    const tokens = (await s.http().get('/api/v1/auth/tokens').set(s.user.auth)).body.data;
    const res = await s.http().get('/api/v1/changes').query(q).set(s.user.auth).expect(200);
    expect(res.body.nextBefore).toBeNull();
    const changes = res.body.data;
    expect(changes.map((c: { version: number; action: string }) => [c.version, c.action])).toEqual([
      [5, 'delete'],
      [4, 'bulk'],
      [3, 'create'],
      [2, 'update'],
      [1, 'create'],
    ]);
    expect(changes[4]).toEqual({
      id: expect.stringMatching(/^chg_/),
      version: 1,
      action: 'create',
      keys: ['dark-mode'],
      changes: [
        {
          key: 'dark-mode',
          before: null,
          after: { type: 'bool', value: true, clientEnabled: false, description: 'Dark theme', rollout: null },
        },
      ],
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
    expect(changes[0].changes).toEqual([
      { key: 'limit', before: { type: 'number', value: 5, clientEnabled: false, description: null, rollout: null }, after: null },
    ]);
  });

  it('paginates with limit and the before cursor', async () => {
    const app = await s.newApp();
    for (let i = 0; i < 7; i++) await s.flag('staging', { key: `k${i}` }, app);
    const q = { appId: app.id, env: 'staging' };
    const page1 = await s
      .http()
      .get('/api/v1/changes')
      .query({ ...q, limit: 3 })
      .set(s.user.auth)
      .expect(200);
    expect(page1.body.data.map((c: { version: number }) => c.version)).toEqual([7, 6, 5]);
    expect(page1.body.nextBefore).toBe(5);
    const page2 = await s
      .http()
      .get('/api/v1/changes')
      .query({ ...q, limit: 3, before: 5 })
      .set(s.user.auth)
      .expect(200);
    expect(page2.body.data.map((c: { version: number }) => c.version)).toEqual([4, 3, 2]);
    const page3 = await s
      .http()
      .get('/api/v1/changes')
      .query({ ...q, limit: 3, before: page2.body.nextBefore })
      .set(s.user.auth)
      .expect(200);
    expect(page3.body.data.map((c: { version: number }) => c.version)).toEqual([1]);
    expect(page3.body.nextBefore).toBeNull();
    expect(
      (
        await s
          .http()
          .get('/api/v1/changes')
          .query({ ...q, limit: 0 })
          .set(s.user.auth)
          .expect(400)
      ).body.error,
    ).toBe('limit must not be less than 1');
    expect(
      (
        await s
          .http()
          .get('/api/v1/changes')
          .query({ ...q, limit: 500 })
          .set(s.user.auth)
          .expect(400)
      ).body.error,
    ).toBe('limit must not be greater than 200');
    expect(
      (
        await s
          .http()
          .get('/api/v1/changes')
          .query({ ...q, before: 'x' })
          .set(s.user.auth)
          .expect(400)
      ).body.error,
    ).toBe('before must be an integer number');
  });

  it('restores the whole flag set of an earlier version exactly, as one new recorded write', async () => {
    const app = await s.newApp();
    const q = { appId: app.id, env: 'production' };
    await s.flag('production', { key: 'a', type: 'bool', value: true, clientEnabled: true }, app);
    await s.flag('production', { key: 'b', type: 'json', value: { x: [1, 2] } }, app);
    await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ ...q, key: 'a', description: 'kept' })
      .expect(200);
    const atThree = await flagsOf(app);
    expect(atThree.version).toBe(3);

    await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ ...q, key: 'a', value: false, clientEnabled: false, description: null, rollout: null })
      .expect(200);
    await s
      .http()
      .delete('/api/v1/flags')
      .query({ ...q, key: 'b' })
      .set(s.user.auth)
      .expect(200);
    await s.flag('production', { key: 'c', type: 'string', value: 'new' }, app);
    await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ ...q, key: 'c', type: 'number', value: 7 })
      .expect(200);
    expect((await flagsOf(app)).version).toBe(7);

    const res = await s
      .http()
      .post('/api/v1/envs/rollback')
      .set(s.user.auth)
      .send({ ...q, version: 3, changeDescription: 'back to v3' })
      .expect(200);
    expect(res.body).toEqual({ data: { version: 8, restored: 3 } });
    const restored = await flagsOf(app);
    expect(restored).toEqual({ version: 8, flags: atThree.flags });
    const a = await s.http().get('/api/v1/flags/a').query(q).set(s.user.auth).expect(200);
    expect(a.body.data.description).toBe('kept');

    const history = (
      await s
        .http()
        .get('/api/v1/changes')
        .query({ ...q, limit: 1 })
        .set(s.user.auth)
        .expect(200)
    ).body.data[0];
    expect(history).toMatchObject({
      version: 8,
      action: 'rollback',
      rolledBackTo: 3,
      changeDescription: 'back to v3',
      keys: ['a', 'b', 'c'],
    });

    // Rolling back to 0 empties the environment; rolling "forward" to 7 brings back that state.
    await s
      .http()
      .post('/api/v1/envs/rollback')
      .set(s.user.auth)
      .send({ ...q, version: 0 })
      .expect(200);
    expect((await flagsOf(app)).flags).toEqual({});
    await s
      .http()
      .post('/api/v1/envs/rollback')
      .set(s.user.auth)
      .send({ ...q, version: 7 })
      .expect(200);
    expect((await flagsOf(app)).flags).toEqual({
      a: { type: 'bool', value: false, clientEnabled: false },
      c: { type: 'number', value: 7, clientEnabled: false },
    });
  });

  it('refuses a rollback to a version that does not exist yet, and honours expectedVersion', async () => {
    const app = await s.newApp();
    const q = { appId: app.id, env: 'development' };
    await s.flag('development', { key: 'a' }, app);
    const future = await s
      .http()
      .post('/api/v1/envs/rollback')
      .set(s.user.auth)
      .send({ ...q, version: 5 })
      .expect(400);
    expect(future.body).toEqual({ error: 'version must be between 0 and 1' });
    const negative = await s
      .http()
      .post('/api/v1/envs/rollback')
      .set(s.user.auth)
      .send({ ...q, version: -1 })
      .expect(400);
    expect(negative.body.error).toBe('version must not be less than 0');
    const stale = await s
      .http()
      .post('/api/v1/envs/rollback')
      .set(s.user.auth)
      .send({ ...q, version: 0, expectedVersion: 0 })
      .expect(412);
    expect(stale.body).toEqual({ error: 'Version conflict', currentVersion: 1 });
    expect((await flagsOf(app, 'development')).version).toBe(1);
  });
});
