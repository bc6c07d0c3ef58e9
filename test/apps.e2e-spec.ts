import { unique } from './support/factories';
import { TestSession } from './support/session';

describe('apps and environments', () => {
  const s = TestSession.perSuite({}, { user: false });

  it('creates an app with the seed shape and its three environments at version 0', async () => {
    const user = await s.newUser();
    const name = unique('my-new-app');
    const res = await s.http().post('/api/v1/apps').set(user.auth).send({ name }).expect(201);
    expect(res.body).toEqual({ data: { id: expect.stringMatching(/^app_[0-9A-Za-z]{16}$/), name, createdAt: expect.any(String) } });
    const envs = await s.http().get('/api/v1/envs').query({ appId: res.body.data.id }).set(user.auth).expect(200);
    expect(envs.body).toEqual({
      data: ['development', 'staging', 'production'].map((n) => ({
        id: expect.stringMatching(/^env_[0-9A-Za-z]{16}$/),
        name: n,
        appId: res.body.data.id,
      })),
    });
    const dataSource = s.get((await import('typeorm')).DataSource);
    const versions = await dataSource.query('SELECT name, version FROM environments WHERE app_id = $1 ORDER BY name', [res.body.data.id]);
    expect(versions).toEqual([
      { name: 'development', version: 0 },
      { name: 'production', version: 0 },
      { name: 'staging', version: 0 },
    ]);
  });

  it("lists only the caller's apps, oldest first, with the seed fields and the caller's role", async () => {
    const user = await s.newUser();
    const other = await s.newUser();
    const a = await s.newApp(user);
    const b = await s.newApp(user);
    await s.newApp(other);
    const res = await s.http().get('/api/v1/apps').set(user.auth).expect(200);
    expect(res.body.data).toEqual([
      { id: a.id, name: a.name, createdAt: expect.any(String), role: 'owner' },
      { id: b.id, name: b.name, createdAt: expect.any(String), role: 'owner' },
    ]);
  });

  it('gets, renames and deletes an app; deleting cascades to its environments', async () => {
    const { user, app } = await s.newUserWithApp();
    const got = await s.http().get(`/api/v1/apps/${app.id}`).set(user.auth).expect(200);
    expect(got.body.data).toEqual({ id: app.id, name: app.name, createdAt: expect.any(String) });
    const renamed = await s.http().patch(`/api/v1/apps/${app.id}`).set(user.auth).send({ name: 'renamed_app-1' }).expect(200);
    expect(renamed.body.data).toEqual({ id: app.id, name: 'renamed_app-1', createdAt: got.body.data.createdAt });
    expect((await s.http().get(`/api/v1/apps/${app.id}`).set(user.auth).expect(200)).body.data.name).toBe('renamed_app-1');
    expect((await s.http().delete(`/api/v1/apps/${app.id}`).set(user.auth).expect(200)).body).toEqual({ data: { success: true } });
    expect((await s.http().get(`/api/v1/apps/${app.id}`).set(user.auth).expect(404)).body).toEqual({ error: 'App not found' });
    expect((await s.http().get('/api/v1/envs').query({ appId: app.id }).set(user.auth).expect(404)).body).toEqual({
      error: 'App not found',
    });
    const dataSource = s.get((await import('typeorm')).DataSource);
    expect(await dataSource.query('SELECT count(*)::int AS n FROM environments WHERE app_id = $1', [app.id])).toEqual([{ n: 0 }]);
  });

  it('keeps app names unique per owner (409), but two owners may use the same name', async () => {
    const user = await s.newUser();
    const other = await s.newUser();
    const app = await s.newApp(user);
    const dup = await s.http().post('/api/v1/apps').set(user.auth).send({ name: app.name }).expect(409);
    expect(dup.body).toEqual({ error: 'App name already exists' });
    const second = await s.newApp(user);
    const rename = await s.http().patch(`/api/v1/apps/${second.id}`).set(user.auth).send({ name: app.name }).expect(409);
    expect(rename.body).toEqual({ error: 'App name already exists' });
    expect((await s.http().get(`/api/v1/apps/${second.id}`).set(user.auth).expect(200)).body.data.name).toBe(second.name);
    await s.http().post('/api/v1/apps').set(other.auth).send({ name: app.name }).expect(201);
  });

  it.each([
    [{}, 'name is required'],
    [{ name: '' }, 'name must be 1-64 characters of a-z, 0-9, - and _'],
    [{ name: 'Has Spaces' }, 'name must be 1-64 characters of a-z, 0-9, - and _'],
    [{ name: 'x'.repeat(65) }, 'name must be 1-64 characters of a-z, 0-9, - and _'],
    [{ name: 12 }, 'name must be a string'],
    [{ name: 'ok', owner: 'me' }, 'Unknown field: owner'],
  ])('rejects app body %j with 400 and creates nothing', async (body, error) => {
    const user = await s.newUser();
    const res = await s.http().post('/api/v1/apps').set(user.auth).send(body).expect(400);
    expect(res.body.error).toBe(error);
    expect((await s.http().get('/api/v1/apps').set(user.auth).expect(200)).body.data).toEqual([]);
  });

  it('adds and deletes extra environments; the defaults cannot be deleted', async () => {
    const { user, app } = await s.newUserWithApp();
    const qa = await s.http().post('/api/v1/envs').set(user.auth).send({ appId: app.id, name: 'qa' }).expect(201);
    expect(qa.body.data).toEqual({ id: expect.stringMatching(/^env_/), name: 'qa', appId: app.id });
    const dup = await s.http().post('/api/v1/envs').set(user.auth).send({ appId: app.id, name: 'qa' }).expect(409);
    expect(dup.body).toEqual({ error: 'Environment already exists' });
    const list = await s.http().get('/api/v1/envs').query({ appId: app.id }).set(user.auth).expect(200);
    expect(list.body.data.map((e: { name: string }) => e.name)).toEqual(['development', 'staging', 'production', 'qa']);

    for (const name of ['development', 'staging', 'production']) {
      const res = await s.http().delete('/api/v1/envs').query({ appId: app.id, env: name }).set(user.auth).expect(400);
      expect(res.body).toEqual({ error: 'Default environments cannot be deleted' });
    }
    const byId = await s.http().delete('/api/v1/envs').query({ appId: app.id, env: app.envs.production }).set(user.auth).expect(400);
    expect(byId.body).toEqual({ error: 'Default environments cannot be deleted' });

    expect((await s.http().delete('/api/v1/envs').query({ appId: app.id, env: qa.body.data.id }).set(user.auth).expect(200)).body).toEqual({
      data: { success: true },
    });
    expect((await s.http().delete('/api/v1/envs').query({ appId: app.id, env: 'qa' }).set(user.auth).expect(404)).body).toEqual({
      error: 'Environment not found',
    });
    const after = await s.http().get('/api/v1/envs').query({ appId: app.id }).set(user.auth).expect(200);
    expect(after.body.data.map((e: { name: string }) => e.name)).toEqual(['development', 'staging', 'production']);
  });

  it('validates environment requests', async () => {
    const { user, app } = await s.newUserWithApp();
    expect((await s.http().get('/api/v1/envs').set(user.auth).expect(400)).body.error).toBe('appId is required');
    expect((await s.http().post('/api/v1/envs').set(user.auth).send({ appId: app.id, name: 'Bad Name' }).expect(400)).body.error).toMatch(
      /^name must be/,
    );
    expect((await s.http().delete('/api/v1/envs').query({ appId: app.id }).set(user.auth).expect(400)).body.error).toBe('env is required');
    expect((await s.http().get('/api/v1/envs').query({ appId: app.id, extra: 1 }).set(user.auth).expect(400)).body.error).toBe(
      'Unknown field: extra',
    );
    expect((await s.http().get(`/api/v1/envs?appId=${app.id}&appId=${app.id}`).set(user.auth).expect(400)).body.error).toBe(
      'appId must be given once',
    );
  });

  it('hides every app of another user behind 404 App not found on every route', async () => {
    const owner = await s.newUser();
    const intruder = await s.newUser();
    const app = await s.newApp(owner);
    const attempts = [
      s.http().get(`/api/v1/apps/${app.id}`).set(intruder.auth),
      s.http().patch(`/api/v1/apps/${app.id}`).set(intruder.auth).send({ name: 'stolen' }),
      s.http().delete(`/api/v1/apps/${app.id}`).set(intruder.auth),
      s.http().get('/api/v1/envs').query({ appId: app.id }).set(intruder.auth),
      s.http().post('/api/v1/envs').set(intruder.auth).send({ appId: app.id, name: 'sneaky' }),
      s.http().delete('/api/v1/envs').query({ appId: app.id, env: 'production' }).set(intruder.auth),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'App not found' });
    }
    const unknown = await s.http().get('/api/v1/apps/app_doesnotexist0000').set(intruder.auth).expect(404);
    expect(unknown.body).toEqual({ error: 'App not found' });
    // Nothing changed for the owner.
    const mine = await s.http().get(`/api/v1/apps/${app.id}`).set(owner.auth).expect(200);
    expect(mine.body.data.name).toBe(app.name);
    const envs = await s.http().get('/api/v1/envs').query({ appId: app.id }).set(owner.auth).expect(200);
    expect(envs.body.data).toHaveLength(3);
  });

  it('requires apps:read / apps:write scopes', async () => {
    const { user, app } = await s.newUserWithApp();
    const tok = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set(user.auth)
      .send({ name: 'flags-only', scopes: ['flags:read'] })
      .expect(201);
    const limited = { Authorization: `Bearer ${tok.body.data.token}` };
    for (const res of await Promise.all([
      s.http().get('/api/v1/apps').set(limited),
      s.http().get('/api/v1/envs').query({ appId: app.id }).set(limited),
      s.http().delete(`/api/v1/apps/${app.id}`).set(limited),
    ])) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: 'Insufficient permissions' });
    }
    await s.http().get(`/api/v1/apps/${app.id}`).set(user.auth).expect(200);
  });
});
