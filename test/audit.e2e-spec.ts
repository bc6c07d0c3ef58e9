import { aKey, aManagementKey, aMember, TestAppRecord, TestUser } from './support/factories';
import { TestSession } from './support/session';

describe('audit of access', () => {
  const s = TestSession.perSuite({}, { user: false, operator: true });

  const audit = async (app: TestAppRecord, as: TestUser, query: Record<string, number> = {}) =>
    (await s.http().get(`/api/v1/apps/${app.id}/audit`).query(query).set(as.auth).expect(200)).body;

  it('records member, management key, runtime key and plan changes with their actor, newest first', async () => {
    const owner = await s.newUser();
    const grace = await s.newUser();
    const app = await s.newApp(owner);
    const me = { userId: owner.id, tokenId: expect.stringMatching(/^tok_/), appKeyId: null };

    await aMember(s, owner, app, grace, 'viewer');
    await s.http().patch(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).send({ role: 'editor' }).expect(200);
    const mk = await aManagementKey(s, owner, app, { name: 'back-office', scopes: ['keys:write'] });
    const runtimeKey = await s.http().post('/api/v1/keys').set(mk.auth).send({ appId: app.id, env: 'staging', type: 'pub' }).expect(201);
    await s.http().delete('/api/v1/keys').query({ keyId: runtimeKey.body.data.id }).set(grace.auth).expect(200);
    await s.http().delete(`/api/v1/apps/${app.id}/api-keys/${mk.id}`).set(owner.auth).expect(200);
    await s.http().delete(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).expect(200);
    await s.http().patch(`/api/v1/apps/${app.id}/plan`).set(s.operator.auth).send({ plan: 'pro' }).expect(200);

    const body = await audit(app, owner);
    expect(body).toEqual({
      data: [
        {
          id: expect.any(Number),
          action: 'plan.changed',
          actor: { userId: s.operator.id, tokenId: expect.stringMatching(/^tok_/), appKeyId: null },
          details: { from: 'free', to: 'pro' },
          createdAt: expect.any(String),
        },
        {
          id: expect.any(Number),
          action: 'member.removed',
          actor: me,
          details: { userId: grace.id, email: grace.email, role: 'editor' },
          createdAt: expect.any(String),
        },
        {
          id: expect.any(Number),
          action: 'management_key.revoked',
          actor: me,
          details: { keyId: mk.id, name: 'back-office' },
          createdAt: expect.any(String),
        },
        {
          id: expect.any(Number),
          action: 'runtime_key.revoked',
          actor: { userId: grace.id, tokenId: expect.stringMatching(/^tok_/), appKeyId: null },
          details: { keyId: runtimeKey.body.data.id, type: 'pub', environmentId: app.envs.staging },
          createdAt: expect.any(String),
        },
        {
          id: expect.any(Number),
          action: 'runtime_key.created',
          actor: { userId: null, tokenId: null, appKeyId: mk.id },
          details: { keyId: runtimeKey.body.data.id, type: 'pub', environmentId: app.envs.staging, env: 'staging' },
          createdAt: expect.any(String),
        },
        {
          id: expect.any(Number),
          action: 'management_key.created',
          actor: me,
          details: { keyId: mk.id, name: 'back-office', scopes: ['keys:write'], expiresAt: null },
          createdAt: expect.any(String),
        },
        {
          id: expect.any(Number),
          action: 'member.role_changed',
          actor: me,
          details: { userId: grace.id, email: grace.email, from: 'viewer', to: 'editor' },
          createdAt: expect.any(String),
        },
        {
          id: expect.any(Number),
          action: 'member.added',
          actor: me,
          details: { userId: grace.id, email: grace.email, role: 'viewer' },
          createdAt: expect.any(String),
        },
      ],
      nextBefore: null,
    });
    const ids = body.data.map((e: { id: number }) => e.id);
    expect([...ids].sort((x: number, y: number) => y - x)).toEqual(ids);
    expect(JSON.stringify(body)).not.toContain(mk.key);
  });

  it('records nothing for requests that were refused or changed nothing', async () => {
    const {
      owner,
      app,
      members: [grace],
    } = await s.newTeam('viewer');
    await s.http().patch(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).send({ role: 'viewer' }).expect(200);
    await s.http().patch(`/api/v1/apps/${app.id}/members/${owner.id}`).set(owner.auth).send({ role: 'viewer' }).expect(400);
    await s.http().post('/api/v1/keys').set(grace.auth).send({ appId: app.id, env: 'production', type: 'sdk' }).expect(403);
    await s
      .http()
      .post(`/api/v1/apps/${app.id}/api-keys`)
      .set(grace.auth)
      .send({ name: 'x', scopes: ['flags:read'] })
      .expect(403);
    await s.http().patch(`/api/v1/apps/${app.id}/plan`).set(s.operator.auth).send({ plan: 'free' }).expect(200);
    expect((await audit(app, owner)).data.map((e: { action: string }) => e.action)).toEqual(['member.added']);
  });

  it('pages newest first with limit and the before cursor, and keeps each app to itself', async () => {
    const { user: owner, app } = await s.newUserWithApp();
    const other = await s.newApp(owner);
    await aKey(s, owner, other);
    for (const env of ['development', 'staging', 'production']) await aKey(s, owner, app, env);
    await aManagementKey(s, owner, app);

    const first = await audit(app, owner, { limit: 2 });
    expect(first.data.map((e: { action: string; details: { env?: string } }) => [e.action, e.details.env])).toEqual([
      ['management_key.created', undefined],
      ['runtime_key.created', 'production'],
    ]);
    expect(first.nextBefore).toBe(first.data[1].id);
    const second = await audit(app, owner, { limit: 2, before: first.nextBefore });
    expect(second.data.map((e: { details: { env?: string } }) => e.details.env)).toEqual(['staging', 'development']);
    const third = await audit(app, owner, { limit: 2, before: second.nextBefore });
    expect(third).toEqual({ data: [], nextBefore: null, nextCursor: null });
    expect((await audit(other, owner)).data).toHaveLength(1);
  });

  it.each([
    [{ limit: 0 }, 'limit must not be less than 1'],
    [{ limit: 201 }, 'limit must not be greater than 200'],
    [{ before: 'x' }, 'before must be an integer number'],
  ])('validates the query %j', async (query, error) => {
    const { user: owner, app } = await s.newUserWithApp();
    expect((await s.http().get(`/api/v1/apps/${app.id}/audit`).query(query).set(owner.auth).expect(400)).body.error).toBe(error);
  });

  it('is for owners only', async () => {
    const {
      app,
      members: [editor],
    } = await s.newTeam('editor');
    const stranger = await s.newUser();
    expect((await s.http().get(`/api/v1/apps/${app.id}/audit`).set(editor.auth).expect(403)).body).toEqual({
      error: 'Insufficient permissions',
    });
    expect((await s.http().get(`/api/v1/apps/${app.id}/audit`).set(stranger.auth).expect(404)).body).toEqual({ error: 'App not found' });
  });
});
