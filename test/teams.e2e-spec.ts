import { sharedServices, startApp, TestApp } from './support/app';
import { aFlag, aMember, anApp, aUser, TestAppRecord, TestUser } from './support/factories';

describe('members and roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const members = async (app: TestAppRecord, as: TestUser) =>
    (await t.http().get(`/api/v1/apps/${app.id}/members`).set(as.auth).expect(200)).body.data as Array<{ userId: string; email: string; role: string }>;

  it('adds an existing user by email, lists members with their roles, and shows the app in their list with their role', async () => {
    const owner = await aUser(t);
    const grace = await aUser(t);
    const app = await anApp(t, owner);
    const added = await t.http().post(`/api/v1/apps/${app.id}/members`).set(owner.auth).send({ email: `  ${grace.email.toUpperCase()}`.trim(), role: 'editor' }).expect(201);
    expect(added.body).toEqual({ data: { userId: grace.id, email: grace.email, role: 'editor', createdAt: expect.any(String) } });

    expect(await members(app, owner)).toEqual([
      { userId: owner.id, email: owner.email, role: 'owner', createdAt: expect.any(String) },
      { userId: grace.id, email: grace.email, role: 'editor', createdAt: expect.any(String) },
    ]);
    const hers = await anApp(t, grace);
    const list = await t.http().get('/api/v1/apps').set(grace.auth).expect(200);
    expect(list.body.data).toEqual([
      { id: app.id, name: app.name, createdAt: expect.any(String), role: 'editor' },
      { id: hers.id, name: hers.name, createdAt: expect.any(String), role: 'owner' },
    ]);
  });

  it('answers 404 User not found for an unknown email and 409 for an existing member, changing nothing', async () => {
    const owner = await aUser(t);
    const grace = await aUser(t);
    const app = await anApp(t, owner);
    const unknown = await t.http().post(`/api/v1/apps/${app.id}/members`).set(owner.auth).send({ email: 'nobody-here@example.com', role: 'viewer' }).expect(404);
    expect(unknown.body).toEqual({ error: 'User not found' });
    await aMember(t, owner, app, grace, 'viewer');
    const again = await t.http().post(`/api/v1/apps/${app.id}/members`).set(owner.auth).send({ email: grace.email, role: 'editor' }).expect(409);
    expect(again.body).toEqual({ error: 'User is already a member' });
    const self = await t.http().post(`/api/v1/apps/${app.id}/members`).set(owner.auth).send({ email: owner.email, role: 'viewer' }).expect(409);
    expect(self.body).toEqual({ error: 'User is already a member' });
    expect((await members(app, owner)).map((m) => [m.userId, m.role])).toEqual([[owner.id, 'owner'], [grace.id, 'viewer']]);
  });

  it.each([
    [{ email: 'a@example.com', role: 'admin' }, 'role must be one of: owner, editor, viewer'],
    [{ email: 'a@example.com' }, 'role is required'],
    [{ email: 'not-an-email', role: 'viewer' }, 'email must be an email address'],
    [{ role: 'viewer' }, 'email is required'],
    [{ email: 'a@example.com', role: 'viewer', extra: 1 }, 'Unknown field: extra'],
  ])('rejects member body %j with 400', async (body, error) => {
    const owner = await aUser(t);
    const app = await anApp(t, owner);
    expect((await t.http().post(`/api/v1/apps/${app.id}/members`).set(owner.auth).send(body).expect(400)).body.error).toBe(error);
    expect(await members(app, owner)).toHaveLength(1);
  });

  it("changes a member's role, which takes effect on their next request", async () => {
    const owner = await aUser(t);
    const grace = await aUser(t);
    const app = await anApp(t, owner);
    const { key } = await aFlag(t, owner, app);
    await aMember(t, owner, app, grace, 'viewer');
    const refused = await t.http().patch('/api/v1/flags').set(grace.auth).send({ appId: app.id, env: 'production', key, value: false }).expect(403);
    expect(refused.body).toEqual({ error: 'Insufficient permissions' });

    const promoted = await t.http().patch(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).send({ role: 'editor' }).expect(200);
    expect(promoted.body).toEqual({ data: { userId: grace.id, email: grace.email, role: 'editor', createdAt: expect.any(String) } });
    await t.http().patch('/api/v1/flags').set(grace.auth).send({ appId: app.id, env: 'production', key, value: false }).expect(200);
    // An editor still cannot do what only owners do.
    expect((await t.http().patch(`/api/v1/apps/${app.id}`).set(grace.auth).send({ name: 'taken-over' }).expect(403)).body).toEqual({ error: 'Insufficient permissions' });
    expect((await t.http().get(`/api/v1/apps/${app.id}/members`).set(grace.auth).expect(403)).body).toEqual({ error: 'Insufficient permissions' });

    await t.http().patch(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).send({ role: 'owner' }).expect(200);
    expect((await members(app, grace)).map((m) => m.role)).toEqual(['owner', 'owner']);
    const missing = await t.http().patch(`/api/v1/apps/${app.id}/members/usr_notamember00000`).set(owner.auth).send({ role: 'viewer' }).expect(404);
    expect(missing.body).toEqual({ error: 'Member not found' });
  });

  it('removes a member, who then cannot see the app at all', async () => {
    const owner = await aUser(t);
    const grace = await aUser(t);
    const app = await anApp(t, owner);
    await aMember(t, owner, app, grace, 'editor');
    await t.http().get(`/api/v1/apps/${app.id}`).set(grace.auth).expect(200);
    expect((await t.http().delete(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).expect(200)).body).toEqual({ data: { success: true } });
    expect((await t.http().get(`/api/v1/apps/${app.id}`).set(grace.auth).expect(404)).body).toEqual({ error: 'App not found' });
    expect((await t.http().get('/api/v1/apps').set(grace.auth).expect(200)).body.data).toEqual([]);
    expect((await members(app, owner)).map((m) => m.userId)).toEqual([owner.id]);
    expect((await t.http().delete(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).expect(404)).body).toEqual({ error: 'Member not found' });
  });

  it('never lets the last owner be demoted or removed (400), but a second owner can leave', async () => {
    const owner = await aUser(t);
    const grace = await aUser(t);
    const app = await anApp(t, owner);
    for (const req of [
      t.http().patch(`/api/v1/apps/${app.id}/members/${owner.id}`).set(owner.auth).send({ role: 'editor' }),
      t.http().delete(`/api/v1/apps/${app.id}/members/${owner.id}`).set(owner.auth),
    ]) {
      const res = await req;
      expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { error: 'An app must keep at least one owner' } });
    }
    expect(await members(app, owner)).toEqual([expect.objectContaining({ userId: owner.id, role: 'owner' })]);

    await aMember(t, owner, app, grace, 'owner');
    // The first owner leaves; now grace is the last one.
    await t.http().delete(`/api/v1/apps/${app.id}/members/${owner.id}`).set(owner.auth).expect(200);
    expect((await t.http().get(`/api/v1/apps/${app.id}`).set(owner.auth).expect(404)).body).toEqual({ error: 'App not found' });
    expect((await t.http().patch(`/api/v1/apps/${app.id}/members/${grace.id}`).set(grace.auth).send({ role: 'viewer' }).expect(400)).body).toEqual({
      error: 'An app must keep at least one owner',
    });
    expect(await members(app, grace)).toEqual([expect.objectContaining({ userId: grace.id, role: 'owner' })]);
  });

  it("requires the token's scopes as well as the role: an owner's flags-only token cannot manage members", async () => {
    const owner = await aUser(t);
    const grace = await aUser(t);
    const app = await anApp(t, owner);
    const tok = await t.http().post('/api/v1/auth/tokens').set(owner.auth).send({ name: 'flags-only', scopes: ['flags:read', 'flags:write'] }).expect(201);
    const limited = { Authorization: `Bearer ${tok.body.data.token}` };
    const res = await t.http().post(`/api/v1/apps/${app.id}/members`).set(limited).send({ email: grace.email, role: 'viewer' }).expect(403);
    expect(res.body).toEqual({ error: 'Insufficient permissions' });
    expect(await members(app, owner)).toHaveLength(1);
  });

  it('lets a viewer read everything but change nothing, and an editor change flags and runtime keys', async () => {
    const owner = await aUser(t);
    const viewer = await aUser(t);
    const editor = await aUser(t);
    const app = await anApp(t, owner);
    await aMember(t, owner, app, viewer, 'viewer');
    await aMember(t, owner, app, editor, 'editor');
    const { key } = await aFlag(t, editor, app, 'staging', { type: 'number', value: 1 });
    const flags = await t.http().get('/api/v1/flags').query({ appId: app.id, env: 'staging' }).set(viewer.auth).expect(200);
    expect(flags.body.data).toEqual({ [key]: { type: 'number', value: 1, clientEnabled: false } });
    const runtimeKey = await t.http().post('/api/v1/keys').set(editor.auth).send({ appId: app.id, env: 'staging', type: 'pub' }).expect(201);
    const listed = await t.http().get('/api/v1/keys').query({ appId: app.id, env: 'staging' }).set(viewer.auth).expect(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: runtimeKey.body.data.id, last4: runtimeKey.body.data.key.slice(-4) })]);
    expect(JSON.stringify(listed.body)).not.toContain(runtimeKey.body.data.key);
    const revoke = await t.http().delete('/api/v1/keys').query({ keyId: runtimeKey.body.data.id }).set(viewer.auth).expect(403);
    expect(revoke.body).toEqual({ error: 'Insufficient permissions' });
    await t.http().delete('/api/v1/keys').query({ keyId: runtimeKey.body.data.id }).set(editor.auth).expect(200);
    const env = await t.http().post('/api/v1/envs').set(editor.auth).send({ appId: app.id, name: 'qa' }).expect(403);
    expect(env.body).toEqual({ error: 'Insufficient permissions' });
  });
});

describe('members on PostgreSQL, concurrently', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(sharedServices());
  });
  afterAll(() => t.close());

  it('keeps an owner when two owners demote each other at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([aUser(t), aUser(t)]);
      const app = await anApp(t, a);
      await aMember(t, a, app, b, 'owner');
      const [byA, byB] = await Promise.all([
        t.http().patch(`/api/v1/apps/${app.id}/members/${b.id}`).set(a.auth).send({ role: 'viewer' }),
        t.http().patch(`/api/v1/apps/${app.id}/members/${a.id}`).set(b.auth).send({ role: 'viewer' }),
      ]);
      // Changes to one app's members happen one at a time: whichever went second was no longer an owner.
      expect([byA.status, byB.status].sort()).toEqual([200, 403]);
      const winner = byA.status === 200 ? a : b;
      const roles = (await t.http().get(`/api/v1/apps/${app.id}/members`).set(winner.auth).expect(200)).body.data.map((m: { role: string }) => m.role).sort();
      expect(roles).toEqual(['owner', 'viewer']);
    }
  });
});
