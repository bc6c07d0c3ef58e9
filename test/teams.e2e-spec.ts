import { sharedServices } from './support/app';
import { aFlag, aMember, TestAppRecord, TestUser } from './support/factories';
import { TestSession } from './support/session';

describe('members and roles', () => {
  const s = TestSession.perSuite({}, { user: false });

  const members = async (app: TestAppRecord, as: TestUser) =>
    (await s.http().get(`/api/v1/apps/${app.id}/members`).set(as.auth).expect(200)).body.data as Array<{
      userId: string;
      email: string;
      role: string;
    }>;

  it('adds an existing user by email, lists members with their roles, and shows the app in their list with their role', async () => {
    const owner = await s.newUser();
    const grace = await s.newUser();
    const app = await s.newApp(owner);
    const added = await s
      .http()
      .post(`/api/v1/apps/${app.id}/members`)
      .set(owner.auth)
      .send({ email: `  ${grace.email.toUpperCase()}`.trim(), role: 'editor' })
      .expect(201);
    expect(added.body).toEqual({ data: { userId: grace.id, email: grace.email, role: 'editor', createdAt: expect.any(String) } });

    expect(await members(app, owner)).toEqual([
      { userId: owner.id, email: owner.email, role: 'owner', createdAt: expect.any(String) },
      { userId: grace.id, email: grace.email, role: 'editor', createdAt: expect.any(String) },
    ]);
    const hers = await s.newApp(grace);
    const list = await s.http().get('/api/v1/apps').set(grace.auth).expect(200);
    expect(list.body.data).toEqual([
      { id: app.id, name: app.name, createdAt: expect.any(String), role: 'editor' },
      { id: hers.id, name: hers.name, createdAt: expect.any(String), role: 'owner' },
    ]);
  });

  it('answers 404 User not found for an unknown email and 409 for an existing member, changing nothing', async () => {
    const owner = await s.newUser();
    const grace = await s.newUser();
    const app = await s.newApp(owner);
    const unknown = await s
      .http()
      .post(`/api/v1/apps/${app.id}/members`)
      .set(owner.auth)
      .send({ email: 'nobody-here@example.com', role: 'viewer' })
      .expect(404);
    expect(unknown.body).toEqual({ error: 'User not found' });
    await aMember(s, owner, app, grace, 'viewer');
    const again = await s
      .http()
      .post(`/api/v1/apps/${app.id}/members`)
      .set(owner.auth)
      .send({ email: grace.email, role: 'editor' })
      .expect(409);
    expect(again.body).toEqual({ error: 'User is already a member' });
    const self = await s
      .http()
      .post(`/api/v1/apps/${app.id}/members`)
      .set(owner.auth)
      .send({ email: owner.email, role: 'viewer' })
      .expect(409);
    expect(self.body).toEqual({ error: 'User is already a member' });
    expect((await members(app, owner)).map((m) => [m.userId, m.role])).toEqual([
      [owner.id, 'owner'],
      [grace.id, 'viewer'],
    ]);
  });

  it.each([
    [{ email: 'a@example.com', role: 'admin' }, 'role must be one of: owner, editor, viewer'],
    [{ email: 'a@example.com' }, 'role is required'],
    [{ email: 'not-an-email', role: 'viewer' }, 'email must be an email address'],
    [{ role: 'viewer' }, 'email is required'],
    [{ email: 'a@example.com', role: 'viewer', extra: 1 }, 'Unknown field: extra'],
  ])('rejects member body %j with 400', async (body, error) => {
    const { user: owner, app } = await s.newUserWithApp();
    expect((await s.http().post(`/api/v1/apps/${app.id}/members`).set(owner.auth).send(body).expect(400)).body.error).toBe(error);
    expect(await members(app, owner)).toHaveLength(1);
  });

  it("changes a member's role, which takes effect on their next request", async () => {
    const owner = await s.newUser();
    const grace = await s.newUser();
    const app = await s.newApp(owner);
    const { key } = await aFlag(s, owner, app);
    await aMember(s, owner, app, grace, 'viewer');
    const refused = await s
      .http()
      .patch('/api/v1/flags')
      .set(grace.auth)
      .send({ appId: app.id, env: 'production', key, value: false })
      .expect(403);
    expect(refused.body).toEqual({ error: 'Insufficient permissions' });

    const promoted = await s
      .http()
      .patch(`/api/v1/apps/${app.id}/members/${grace.id}`)
      .set(owner.auth)
      .send({ role: 'editor' })
      .expect(200);
    expect(promoted.body).toEqual({ data: { userId: grace.id, email: grace.email, role: 'editor', createdAt: expect.any(String) } });
    await s.http().patch('/api/v1/flags').set(grace.auth).send({ appId: app.id, env: 'production', key, value: false }).expect(200);
    // An editor still cannot do what only owners do.
    expect((await s.http().patch(`/api/v1/apps/${app.id}`).set(grace.auth).send({ name: 'taken-over' }).expect(403)).body).toEqual({
      error: 'Insufficient permissions',
    });
    expect((await s.http().get(`/api/v1/apps/${app.id}/members`).set(grace.auth).expect(403)).body).toEqual({
      error: 'Insufficient permissions',
    });

    await s.http().patch(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).send({ role: 'owner' }).expect(200);
    expect((await members(app, grace)).map((m) => m.role)).toEqual(['owner', 'owner']);
    const missing = await s
      .http()
      .patch(`/api/v1/apps/${app.id}/members/usr_notamember00000`)
      .set(owner.auth)
      .send({ role: 'viewer' })
      .expect(404);
    expect(missing.body).toEqual({ error: 'Member not found' });
  });

  it('removes a member, who then cannot see the app at all', async () => {
    const {
      owner,
      app,
      members: [grace],
    } = await s.newTeam('editor');
    await s.http().get(`/api/v1/apps/${app.id}`).set(grace.auth).expect(200);
    expect((await s.http().delete(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).expect(200)).body).toEqual({
      data: { success: true },
    });
    expect((await s.http().get(`/api/v1/apps/${app.id}`).set(grace.auth).expect(404)).body).toEqual({ error: 'App not found' });
    expect((await s.http().get('/api/v1/apps').set(grace.auth).expect(200)).body.data).toEqual([]);
    expect((await members(app, owner)).map((m) => m.userId)).toEqual([owner.id]);
    expect((await s.http().delete(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).expect(404)).body).toEqual({
      error: 'Member not found',
    });
  });

  it('never lets the last owner be demoted or removed (400), but a second owner can leave', async () => {
    const owner = await s.newUser();
    const grace = await s.newUser();
    const app = await s.newApp(owner);
    for (const req of [
      s.http().patch(`/api/v1/apps/${app.id}/members/${owner.id}`).set(owner.auth).send({ role: 'editor' }),
      s.http().delete(`/api/v1/apps/${app.id}/members/${owner.id}`).set(owner.auth),
    ]) {
      const res = await req;
      expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { error: 'An app must keep at least one owner' } });
    }
    expect(await members(app, owner)).toEqual([expect.objectContaining({ userId: owner.id, role: 'owner' })]);

    await aMember(s, owner, app, grace, 'owner');
    // The first owner leaves; now grace is the last one.
    await s.http().delete(`/api/v1/apps/${app.id}/members/${owner.id}`).set(owner.auth).expect(200);
    expect((await s.http().get(`/api/v1/apps/${app.id}`).set(owner.auth).expect(404)).body).toEqual({ error: 'App not found' });
    expect(
      (await s.http().patch(`/api/v1/apps/${app.id}/members/${grace.id}`).set(grace.auth).send({ role: 'viewer' }).expect(400)).body,
    ).toEqual({
      error: 'An app must keep at least one owner',
    });
    expect(await members(app, grace)).toEqual([expect.objectContaining({ userId: grace.id, role: 'owner' })]);
  });

  it("requires the token's scopes as well as the role: an owner's flags-only token cannot manage members", async () => {
    const owner = await s.newUser();
    const grace = await s.newUser();
    const app = await s.newApp(owner);
    const tok = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set(owner.auth)
      .send({ name: 'flags-only', scopes: ['flags:read', 'flags:write'] })
      .expect(201);
    const limited = { Authorization: `Bearer ${tok.body.data.token}` };
    const res = await s.http().post(`/api/v1/apps/${app.id}/members`).set(limited).send({ email: grace.email, role: 'viewer' }).expect(403);
    expect(res.body).toEqual({ error: 'Insufficient permissions' });
    expect(await members(app, owner)).toHaveLength(1);
  });

  it('lets a viewer read everything but change nothing, and an editor change flags and runtime keys', async () => {
    const {
      app,
      members: [viewer, editor],
    } = await s.newTeam('viewer', 'editor');
    const { key } = await aFlag(s, editor, app, 'staging', { type: 'number', value: 1 });
    const flags = await s.http().get('/api/v1/flags').query({ appId: app.id, env: 'staging' }).set(viewer.auth).expect(200);
    expect(flags.body.data).toEqual({ [key]: { type: 'number', value: 1, clientEnabled: false } });
    const runtimeKey = await s
      .http()
      .post('/api/v1/keys')
      .set(editor.auth)
      .send({ appId: app.id, env: 'staging', type: 'pub' })
      .expect(201);
    const listed = await s.http().get('/api/v1/keys').query({ appId: app.id, env: 'staging' }).set(viewer.auth).expect(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: runtimeKey.body.data.id, last4: runtimeKey.body.data.key.slice(-4) })]);
    expect(JSON.stringify(listed.body)).not.toContain(runtimeKey.body.data.key);
    const revoke = await s.http().delete('/api/v1/keys').query({ keyId: runtimeKey.body.data.id }).set(viewer.auth).expect(403);
    expect(revoke.body).toEqual({ error: 'Insufficient permissions' });
    await s.http().delete('/api/v1/keys').query({ keyId: runtimeKey.body.data.id }).set(editor.auth).expect(200);
    const env = await s.http().post('/api/v1/envs').set(editor.auth).send({ appId: app.id, name: 'qa' }).expect(403);
    expect(env.body).toEqual({ error: 'Insufficient permissions' });
  });
});

describe('members on PostgreSQL, concurrently', () => {
  const s = TestSession.perSuite(sharedServices(), { user: false });

  it('keeps an owner when two owners demote each other at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([s.newUser(), s.newUser()]);
      const app = await s.newApp(a);
      await aMember(s, a, app, b, 'owner');
      const [byA, byB] = await Promise.all([
        s.http().patch(`/api/v1/apps/${app.id}/members/${b.id}`).set(a.auth).send({ role: 'viewer' }),
        s.http().patch(`/api/v1/apps/${app.id}/members/${a.id}`).set(b.auth).send({ role: 'viewer' }),
      ]);
      // Changes to one app's members happen one at a time: whichever went second was no longer an owner.
      expect([byA.status, byB.status].sort()).toEqual([200, 403]);
      const winner = byA.status === 200 ? a : b;
      const roles = (await s.http().get(`/api/v1/apps/${app.id}/members`).set(winner.auth).expect(200)).body.data
        .map((m: { role: string }) => m.role)
        .sort();
      expect(roles).toEqual(['owner', 'viewer']);
    }
  });
});
