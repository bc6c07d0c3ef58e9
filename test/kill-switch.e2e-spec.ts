import { aFlag, aKey, aManagementKey } from './support/factories';
import { TestSession } from './support/session';

/**
 * Issue 13: once an environment's monthly quota is spent, runtime reads get 429, but the owner can still turn
 * flags off, roll back, change targets, revoke the abused keys and tokens, and an operator can raise the plan.
 */
describe('kill switch over quota', () => {
  const QUOTA = 10;
  const s = TestSession.perSuite({ QUOTA_FREE: String(QUOTA), QUOTA_PRO: '1000' }, { user: false, operator: true });

  it('refuses runtime reads and management reads, never the owner’s writes, revocations or the plan change', async () => {
    const { user: owner, app } = await s.newUserWithApp();
    const q = { appId: app.id, env: 'production' };
    const flag = await aFlag(s, owner, app, 'production', { key: 'checkout', value: true, clientEnabled: true }); // 1
    const reader = await aKey(s, owner, app, 'production', 'sdk'); // 2
    const abused = await aKey(s, owner, app, 'production', 'pub'); // 3
    const mgmt = await aManagementKey(s, owner, app);
    const ci = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set(owner.auth)
      .send({ name: 'ci', scopes: ['flags:read'] })
      .expect(201);
    // The abused browser key spends the rest of the month.
    for (let i = 4; i <= QUOTA; i++) await s.configFor(abused).expect(200);
    const spent = await s.configFor(reader).expect(429);
    expect(spent.body).toEqual({ error: 'Monthly quota exceeded' });
    expect((await s.http().get('/api/v1/flags').query(q).set(owner.auth).expect(429)).body).toEqual({ error: 'Monthly quota exceeded' });

    // Turn the flag off, in each of the ways a flag is written.
    const off = await s
      .http()
      .patch('/api/v1/flags')
      .set(owner.auth)
      .send({ ...q, key: flag.key, value: false })
      .expect(200);
    expect(off.body.data.flag).toMatchObject({ value: false, clientEnabled: true });
    await s
      .http()
      .patch('/api/v1/flags/bulk')
      .set(owner.auth)
      .send({ ...q, flags: { checkout: false } })
      .expect(200);
    await s
      .http()
      .post('/api/v1/flags')
      .set(owner.auth)
      .send({ ...q, key: 'maintenance', type: 'bool', value: true })
      .expect(201);
    await s
      .http()
      .delete('/api/v1/flags')
      .query({ ...q, key: 'maintenance' })
      .set(owner.auth)
      .expect(200);
    await s
      .http()
      .patch(`/api/apps/${app.id}/flags/specific-targets/${app.envs.production}`)
      .set(owner.auth)
      .send({ updates: [{ flagKey: 'checkout', value: true, userId: 'qa-1' }] })
      .expect(200);
    // Back to version 1, right after the flag was created.
    const rollback = await s
      .http()
      .post('/api/v1/envs/rollback')
      .set(owner.auth)
      .send({ ...q, version: 1 })
      .expect(200);
    expect(rollback.body.data).toEqual({ version: 7, restored: 1 });

    // Revoke what leaked.
    expect((await s.http().delete('/api/v1/keys').query({ keyId: abused.id }).set(owner.auth).expect(200)).body).toEqual({
      data: { success: true },
    });
    await s.http().delete(`/api/v1/apps/${app.id}/api-keys/${mgmt.id}`).set(owner.auth).expect(200);
    await s.http().delete(`/api/v1/auth/tokens/${ci.body.data.id}`).set(owner.auth).expect(200);

    // Still refused for the runtime until the plan changes; the revoked key is refused for what it is.
    expect((await s.configFor(reader).expect(429)).body).toEqual({ error: 'Monthly quota exceeded' });
    expect((await s.configFor(abused).expect(401)).body).toEqual({ error: 'Not authenticated' });
    await s.http().get('/api/v1/apps').set(mgmt.auth).expect(401);
    await s.http().get('/api/v1/apps').set('Authorization', `Bearer ${ci.body.data.token}`).expect(401);

    const plan = await s.http().patch(`/api/v1/apps/${app.id}/plan`).set(s.operator.auth).send({ plan: 'pro' }).expect(200);
    expect(plan.body.data).toMatchObject({ plan: 'pro', limit: 1000 });
    await s.configFor(reader).expect(200);
    const flags = await s.http().get('/api/v1/flags').query(q).set(owner.auth).expect(200);
    expect(Object.keys(flags.body.data)).toEqual(['checkout']);
    expect(flags.body.data.checkout).toMatchObject({ value: true, clientEnabled: true });
    // The kill-switch writes were counted (management calls count), only never refused.
    const usage = await s.http().get('/api/v1/usage').query(q).set(owner.auth).expect(200);
    expect(usage.body.data.used).toBeGreaterThan(QUOTA);
  });
});
