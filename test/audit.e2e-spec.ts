import { startApp, TestApp } from './support/app';
import { aKey, aManagementKey, aMember, anApp, aUser, TestAppRecord, TestUser, unique } from './support/factories';

describe('audit of access', () => {
  let t: TestApp;
  const operatorEmail = `${unique('ops')}@example.com`;
  let operator: TestUser;
  beforeAll(async () => {
    // The operator is the bootstrap account (ADMIN_EMAIL/ADMIN_PASSWORD), made an operator at start-up.
    t = await startApp({ ADMIN_EMAIL: operatorEmail, ADMIN_PASSWORD: 'correct horse battery' });
    const res = await t.http().post('/api/v1/auth/login').send({ email: operatorEmail, password: 'correct horse battery' }).expect(200);
    operator = { id: res.body.data.user.id, email: operatorEmail, password: '', token: res.body.data.token, auth: { Authorization: `Bearer ${res.body.data.token}` } };
  });
  afterAll(() => t.close());

  const audit = async (app: TestAppRecord, as: TestUser, query: Record<string, number> = {}) => (await t.http().get(`/api/v1/apps/${app.id}/audit`).query(query).set(as.auth).expect(200)).body;

  it('records member, management key, runtime key and plan changes with their actor, newest first', async () => {
    const owner = await aUser(t);
    const grace = await aUser(t);
    const app = await anApp(t, owner);
    const me = { userId: owner.id, tokenId: expect.stringMatching(/^tok_/), appKeyId: null };

    await aMember(t, owner, app, grace, 'viewer');
    await t.http().patch(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).send({ role: 'editor' }).expect(200);
    const mk = await aManagementKey(t, owner, app, { name: 'back-office', scopes: ['keys:write'] });
    const runtimeKey = await t.http().post('/api/v1/keys').set(mk.auth).send({ appId: app.id, env: 'staging', type: 'pub' }).expect(201);
    await t.http().delete('/api/v1/keys').query({ keyId: runtimeKey.body.data.id }).set(grace.auth).expect(200);
    await t.http().delete(`/api/v1/apps/${app.id}/api-keys/${mk.id}`).set(owner.auth).expect(200);
    await t.http().delete(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).expect(200);
    await t.http().patch(`/api/v1/apps/${app.id}/plan`).set(operator.auth).send({ plan: 'pro' }).expect(200);

    const body = await audit(app, owner);
    expect(body).toEqual({
      data: [
        { id: expect.any(Number), action: 'plan.changed', actor: { userId: operator.id, tokenId: expect.stringMatching(/^tok_/), appKeyId: null }, details: { from: 'free', to: 'pro' }, createdAt: expect.any(String) },
        { id: expect.any(Number), action: 'member.removed', actor: me, details: { userId: grace.id, email: grace.email, role: 'editor' }, createdAt: expect.any(String) },
        { id: expect.any(Number), action: 'management_key.revoked', actor: me, details: { keyId: mk.id, name: 'back-office' }, createdAt: expect.any(String) },
        {
          id: expect.any(Number), action: 'runtime_key.revoked', actor: { userId: grace.id, tokenId: expect.stringMatching(/^tok_/), appKeyId: null },
          details: { keyId: runtimeKey.body.data.id, type: 'pub', environmentId: app.envs.staging }, createdAt: expect.any(String),
        },
        {
          id: expect.any(Number), action: 'runtime_key.created', actor: { userId: null, tokenId: null, appKeyId: mk.id },
          details: { keyId: runtimeKey.body.data.id, type: 'pub', environmentId: app.envs.staging, env: 'staging' }, createdAt: expect.any(String),
        },
        { id: expect.any(Number), action: 'management_key.created', actor: me, details: { keyId: mk.id, name: 'back-office', scopes: ['keys:write'], expiresAt: null }, createdAt: expect.any(String) },
        { id: expect.any(Number), action: 'member.role_changed', actor: me, details: { userId: grace.id, email: grace.email, from: 'viewer', to: 'editor' }, createdAt: expect.any(String) },
        { id: expect.any(Number), action: 'member.added', actor: me, details: { userId: grace.id, email: grace.email, role: 'viewer' }, createdAt: expect.any(String) },
      ],
      nextBefore: null,
    });
    const ids = body.data.map((e: { id: number }) => e.id);
    expect([...ids].sort((x: number, y: number) => y - x)).toEqual(ids);
    expect(JSON.stringify(body)).not.toContain(mk.key);
  });

  it('records nothing for requests that were refused or changed nothing', async () => {
    const owner = await aUser(t);
    const grace = await aUser(t);
    const app = await anApp(t, owner);
    await aMember(t, owner, app, grace, 'viewer');
    await t.http().patch(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).send({ role: 'viewer' }).expect(200);
    await t.http().patch(`/api/v1/apps/${app.id}/members/${owner.id}`).set(owner.auth).send({ role: 'viewer' }).expect(400);
    await t.http().post('/api/v1/keys').set(grace.auth).send({ appId: app.id, env: 'production', type: 'sdk' }).expect(403);
    await t.http().post(`/api/v1/apps/${app.id}/api-keys`).set(grace.auth).send({ name: 'x', scopes: ['flags:read'] }).expect(403);
    await t.http().patch(`/api/v1/apps/${app.id}/plan`).set(operator.auth).send({ plan: 'free' }).expect(200);
    expect((await audit(app, owner)).data.map((e: { action: string }) => e.action)).toEqual(['member.added']);
  });

  it('pages newest first with limit and the before cursor, and keeps each app to itself', async () => {
    const owner = await aUser(t);
    const app = await anApp(t, owner);
    const other = await anApp(t, owner);
    await aKey(t, owner, other);
    for (const env of ['development', 'staging', 'production']) await aKey(t, owner, app, env);
    await aManagementKey(t, owner, app);

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
    const owner = await aUser(t);
    const app = await anApp(t, owner);
    expect((await t.http().get(`/api/v1/apps/${app.id}/audit`).query(query).set(owner.auth).expect(400)).body.error).toBe(error);
  });

  it('is for owners only', async () => {
    const owner = await aUser(t);
    const editor = await aUser(t);
    const stranger = await aUser(t);
    const app = await anApp(t, owner);
    await aMember(t, owner, app, editor, 'editor');
    expect((await t.http().get(`/api/v1/apps/${app.id}/audit`).set(editor.auth).expect(403)).body).toEqual({ error: 'Insufficient permissions' });
    expect((await t.http().get(`/api/v1/apps/${app.id}/audit`).set(stranger.auth).expect(404)).body).toEqual({ error: 'App not found' });
  });
});
