import { startApp, TestApp } from './support/app';
import { anApp, aUser, unique } from './support/factories';

describe('apps and environments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('creates an app with the seed shape and its three environments at version 0', async () => {
    const user = await aUser(t);
    const name = unique('my-new-app');
    const res = await t.http().post('/api/v1/apps').set(user.auth).send({ name }).expect(201);
    expect(res.body).toEqual({ data: { id: expect.stringMatching(/^app_[0-9A-Za-z]{16}$/), name, createdAt: expect.any(String) } });
    const envs = await t.http().get('/api/v1/envs').query({ appId: res.body.data.id }).set(user.auth).expect(200);
    expect(envs.body).toEqual({
      data: ['development', 'staging', 'production'].map((n) => ({ id: expect.stringMatching(/^env_[0-9A-Za-z]{16}$/), name: n, appId: res.body.data.id })),
    });
    const dataSource = t.app.get((await import('typeorm')).DataSource);
    const versions = await dataSource.query('SELECT name, version FROM environments WHERE app_id = $1 ORDER BY name', [res.body.data.id]);
    expect(versions).toEqual([
      { name: 'development', version: 0 },
      { name: 'production', version: 0 },
      { name: 'staging', version: 0 },
    ]);
  });

  it('lists only the caller\'s apps, oldest first, with the seed fields and the caller\'s role', async () => {
    const user = await aUser(t);
    const other = await aUser(t);
    const a = await anApp(t, user);
    const b = await anApp(t, user);
    await anApp(t, other);
    const res = await t.http().get('/api/v1/apps').set(user.auth).expect(200);
    expect(res.body.data).toEqual([
      { id: a.id, name: a.name, createdAt: expect.any(String), role: 'owner' },
      { id: b.id, name: b.name, createdAt: expect.any(String), role: 'owner' },
    ]);
  });

  it('gets, renames and deletes an app; deleting cascades to its environments', async () => {
    const user = await aUser(t);
    const app = await anApp(t, user);
    const got = await t.http().get(`/api/v1/apps/${app.id}`).set(user.auth).expect(200);
    expect(got.body.data).toEqual({ id: app.id, name: app.name, createdAt: expect.any(String) });
    const renamed = await t.http().patch(`/api/v1/apps/${app.id}`).set(user.auth).send({ name: 'renamed_app-1' }).expect(200);
    expect(renamed.body.data).toEqual({ id: app.id, name: 'renamed_app-1', createdAt: got.body.data.createdAt });
    expect((await t.http().get(`/api/v1/apps/${app.id}`).set(user.auth).expect(200)).body.data.name).toBe('renamed_app-1');
    expect((await t.http().delete(`/api/v1/apps/${app.id}`).set(user.auth).expect(200)).body).toEqual({ data: { success: true } });
    expect((await t.http().get(`/api/v1/apps/${app.id}`).set(user.auth).expect(404)).body).toEqual({ error: 'App not found' });
    expect((await t.http().get('/api/v1/envs').query({ appId: app.id }).set(user.auth).expect(404)).body).toEqual({ error: 'App not found' });
    const dataSource = t.app.get((await import('typeorm')).DataSource);
    expect(await dataSource.query('SELECT count(*)::int AS n FROM environments WHERE app_id = $1', [app.id])).toEqual([{ n: 0 }]);
  });

  it('keeps app names unique per owner (409), but two owners may use the same name', async () => {
    const user = await aUser(t);
    const other = await aUser(t);
    const app = await anApp(t, user);
    const dup = await t.http().post('/api/v1/apps').set(user.auth).send({ name: app.name }).expect(409);
    expect(dup.body).toEqual({ error: 'App name already exists' });
    const second = await anApp(t, user);
    const rename = await t.http().patch(`/api/v1/apps/${second.id}`).set(user.auth).send({ name: app.name }).expect(409);
    expect(rename.body).toEqual({ error: 'App name already exists' });
    expect((await t.http().get(`/api/v1/apps/${second.id}`).set(user.auth).expect(200)).body.data.name).toBe(second.name);
    await t.http().post('/api/v1/apps').set(other.auth).send({ name: app.name }).expect(201);
  });

  it.each([
    [{}, 'name is required'],
    [{ name: '' }, 'name must be 1-64 characters of a-z, 0-9, - and _'],
    [{ name: 'Has Spaces' }, 'name must be 1-64 characters of a-z, 0-9, - and _'],
    [{ name: 'x'.repeat(65) }, 'name must be 1-64 characters of a-z, 0-9, - and _'],
    [{ name: 12 }, 'name must be a string'],
    [{ name: 'ok', owner: 'me' }, 'Unknown field: owner'],
  ])('rejects app body %j with 400 and creates nothing', async (body, error) => {
    const user = await aUser(t);
    const res = await t.http().post('/api/v1/apps').set(user.auth).send(body).expect(400);
    expect(res.body.error).toBe(error);
    expect((await t.http().get('/api/v1/apps').set(user.auth).expect(200)).body.data).toEqual([]);
  });

  it('adds and deletes extra environments; the defaults cannot be deleted', async () => {
    const user = await aUser(t);
    const app = await anApp(t, user);
    const qa = await t.http().post('/api/v1/envs').set(user.auth).send({ appId: app.id, name: 'qa' }).expect(201);
    expect(qa.body.data).toEqual({ id: expect.stringMatching(/^env_/), name: 'qa', appId: app.id });
    const dup = await t.http().post('/api/v1/envs').set(user.auth).send({ appId: app.id, name: 'qa' }).expect(409);
    expect(dup.body).toEqual({ error: 'Environment already exists' });
    const list = await t.http().get('/api/v1/envs').query({ appId: app.id }).set(user.auth).expect(200);
    expect(list.body.data.map((e: { name: string }) => e.name)).toEqual(['development', 'staging', 'production', 'qa']);

    for (const name of ['development', 'staging', 'production']) {
      const res = await t.http().delete('/api/v1/envs').query({ appId: app.id, env: name }).set(user.auth).expect(400);
      expect(res.body).toEqual({ error: 'Default environments cannot be deleted' });
    }
    const byId = await t.http().delete('/api/v1/envs').query({ appId: app.id, env: app.envs.production }).set(user.auth).expect(400);
    expect(byId.body).toEqual({ error: 'Default environments cannot be deleted' });

    expect((await t.http().delete('/api/v1/envs').query({ appId: app.id, env: qa.body.data.id }).set(user.auth).expect(200)).body).toEqual({ data: { success: true } });
    expect((await t.http().delete('/api/v1/envs').query({ appId: app.id, env: 'qa' }).set(user.auth).expect(404)).body).toEqual({ error: 'Environment not found' });
    const after = await t.http().get('/api/v1/envs').query({ appId: app.id }).set(user.auth).expect(200);
    expect(after.body.data.map((e: { name: string }) => e.name)).toEqual(['development', 'staging', 'production']);
  });

  it('validates environment requests', async () => {
    const user = await aUser(t);
    const app = await anApp(t, user);
    expect((await t.http().get('/api/v1/envs').set(user.auth).expect(400)).body.error).toBe('appId is required');
    expect((await t.http().post('/api/v1/envs').set(user.auth).send({ appId: app.id, name: 'Bad Name' }).expect(400)).body.error).toMatch(/^name must be/);
    expect((await t.http().delete('/api/v1/envs').query({ appId: app.id }).set(user.auth).expect(400)).body.error).toBe('env is required');
    expect((await t.http().get('/api/v1/envs').query({ appId: app.id, extra: 1 }).set(user.auth).expect(400)).body.error).toBe('Unknown field: extra');
    expect((await t.http().get(`/api/v1/envs?appId=${app.id}&appId=${app.id}`).set(user.auth).expect(400)).body.error).toBe('appId must be given once');
  });

  it('hides every app of another user behind 404 App not found on every route', async () => {
    const owner = await aUser(t);
    const intruder = await aUser(t);
    const app = await anApp(t, owner);
    const attempts = [
      t.http().get(`/api/v1/apps/${app.id}`).set(intruder.auth),
      t.http().patch(`/api/v1/apps/${app.id}`).set(intruder.auth).send({ name: 'stolen' }),
      t.http().delete(`/api/v1/apps/${app.id}`).set(intruder.auth),
      t.http().get('/api/v1/envs').query({ appId: app.id }).set(intruder.auth),
      t.http().post('/api/v1/envs').set(intruder.auth).send({ appId: app.id, name: 'sneaky' }),
      t.http().delete('/api/v1/envs').query({ appId: app.id, env: 'production' }).set(intruder.auth),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'App not found' });
    }
    const unknown = await t.http().get('/api/v1/apps/app_doesnotexist0000').set(intruder.auth).expect(404);
    expect(unknown.body).toEqual({ error: 'App not found' });
    // Nothing changed for the owner.
    const mine = await t.http().get(`/api/v1/apps/${app.id}`).set(owner.auth).expect(200);
    expect(mine.body.data.name).toBe(app.name);
    const envs = await t.http().get('/api/v1/envs').query({ appId: app.id }).set(owner.auth).expect(200);
    expect(envs.body.data).toHaveLength(3);
  });

  it('requires apps:read / apps:write scopes', async () => {
    const user = await aUser(t);
    const app = await anApp(t, user);
    const tok = await t.http().post('/api/v1/auth/tokens').set(user.auth).send({ name: 'flags-only', scopes: ['flags:read'] }).expect(201);
    const limited = { Authorization: `Bearer ${tok.body.data.token}` };
    for (const res of await Promise.all([
      t.http().get('/api/v1/apps').set(limited),
      t.http().get('/api/v1/envs').query({ appId: app.id }).set(limited),
      t.http().delete(`/api/v1/apps/${app.id}`).set(limited),
    ])) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: 'Insufficient permissions' });
    }
    await t.http().get(`/api/v1/apps/${app.id}`).set(user.auth).expect(200);
  });
});
