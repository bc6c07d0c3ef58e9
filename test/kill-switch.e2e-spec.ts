import { startApp, TestApp } from './support/app';
import { aFlag, aKey, aManagementKey, anApp, aUser, TestUser, unique } from './support/factories';

/**
 * Issue 13: once an environment's monthly quota is spent, runtime reads get 429, but the owner can still turn
 * flags off, roll back, change targets, revoke the abused keys and tokens, and an operator can raise the plan.
 */
describe('kill switch over quota', () => {
  const QUOTA = 10;
  let t: TestApp;
  let operator: TestUser;
  const operatorEmail = `${unique('operator')}@example.com`;
  beforeAll(async () => {
    t = await startApp({ QUOTA_FREE: String(QUOTA), QUOTA_PRO: '1000', ADMIN_EMAIL: operatorEmail, ADMIN_PASSWORD: 'operator-password' });
    const login = await t.http().post('/api/v1/auth/login').send({ email: operatorEmail, password: 'operator-password' }).expect(200);
    operator = { id: login.body.data.user.id, email: operatorEmail, password: 'operator-password', token: login.body.data.token, auth: { Authorization: `Bearer ${login.body.data.token}` } };
  });
  afterAll(() => t.close());

  it('refuses runtime reads and management reads, never the owner’s writes, revocations or the plan change', async () => {
    const owner = await aUser(t);
    const app = await anApp(t, owner);
    const q = { appId: app.id, env: 'production' };
    const flag = await aFlag(t, owner, app, 'production', { key: 'checkout', value: true, clientEnabled: true }); // 1
    const reader = await aKey(t, owner, app, 'production', 'sdk'); // 2
    const abused = await aKey(t, owner, app, 'production', 'pub'); // 3
    const mgmt = await aManagementKey(t, owner, app);
    const ci = await t.http().post('/api/v1/auth/tokens').set(owner.auth).send({ name: 'ci', scopes: ['flags:read'] }).expect(201);
    // The abused browser key spends the rest of the month.
    for (let i = 4; i <= QUOTA; i++) await t.http().get('/api/v1/config').set(abused.auth).expect(200);
    const spent = await t.http().get('/api/v1/config').set(reader.auth).expect(429);
    expect(spent.body).toEqual({ error: 'Monthly quota exceeded' });
    expect((await t.http().get('/api/v1/flags').query(q).set(owner.auth).expect(429)).body).toEqual({ error: 'Monthly quota exceeded' });

    // Turn the flag off, in each of the ways a flag is written.
    const off = await t.http().patch('/api/v1/flags').set(owner.auth).send({ ...q, key: flag.key, value: false }).expect(200);
    expect(off.body.data.flag).toMatchObject({ value: false, clientEnabled: true });
    await t.http().patch('/api/v1/flags/bulk').set(owner.auth).send({ ...q, flags: { checkout: false } }).expect(200);
    await t.http().post('/api/v1/flags').set(owner.auth).send({ ...q, key: 'maintenance', type: 'bool', value: true }).expect(201);
    await t.http().delete('/api/v1/flags').query({ ...q, key: 'maintenance' }).set(owner.auth).expect(200);
    await t.http().patch(`/api/apps/${app.id}/flags/specific-targets/${app.envs.production}`).set(owner.auth)
      .send({ updates: [{ flagKey: 'checkout', value: true, userId: 'qa-1' }] }).expect(200);
    // Back to version 1, right after the flag was created.
    const rollback = await t.http().post('/api/v1/envs/rollback').set(owner.auth).send({ ...q, version: 1 }).expect(200);
    expect(rollback.body.data).toEqual({ version: 7, restored: 1 });

    // Revoke what leaked.
    expect((await t.http().delete('/api/v1/keys').query({ keyId: abused.id }).set(owner.auth).expect(200)).body).toEqual({ data: { success: true } });
    await t.http().delete(`/api/v1/apps/${app.id}/api-keys/${mgmt.id}`).set(owner.auth).expect(200);
    await t.http().delete(`/api/v1/auth/tokens/${ci.body.data.id}`).set(owner.auth).expect(200);

    // Still refused for the runtime until the plan changes; the revoked key is refused for what it is.
    expect((await t.http().get('/api/v1/config').set(reader.auth).expect(429)).body).toEqual({ error: 'Monthly quota exceeded' });
    expect((await t.http().get('/api/v1/config').set(abused.auth).expect(401)).body).toEqual({ error: 'Not authenticated' });
    await t.http().get('/api/v1/apps').set(mgmt.auth).expect(401);
    await t.http().get('/api/v1/apps').set('Authorization', `Bearer ${ci.body.data.token}`).expect(401);

    const plan = await t.http().patch(`/api/v1/apps/${app.id}/plan`).set(operator.auth).send({ plan: 'pro' }).expect(200);
    expect(plan.body.data).toMatchObject({ plan: 'pro', limit: 1000 });
    await t.http().get('/api/v1/config').set(reader.auth).expect(200);
    const flags = await t.http().get('/api/v1/flags').query(q).set(owner.auth).expect(200);
    expect(Object.keys(flags.body.data)).toEqual(['checkout']);
    expect(flags.body.data.checkout).toMatchObject({ value: true, clientEnabled: true });
    // The kill-switch writes were counted (management calls count), only never refused.
    const usage = await t.http().get('/api/v1/usage').query(q).set(owner.auth).expect(200);
    expect(usage.body.data.used).toBeGreaterThan(QUOTA);
  });
});
