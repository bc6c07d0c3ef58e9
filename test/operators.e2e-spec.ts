import { Logger } from '@nestjs/common';
import { AuthService } from '@superflag/auth';
import { aManagementKey, anApp, TestUser, unique } from './support/factories';
import { TestSession } from './support/session';

interface AuditRow {
  action: string;
  userId: string;
  email: string;
  actorUserId: string | null;
  actorTokenId: string | null;
  details: Record<string, unknown>;
}

describe('operators are accounts, not strings', () => {
  const adminCreds = { email: `${unique('boss')}@example.com`, password: 'bootstrap-password-1' };
  // Listed the old way: signing up with it must grant nothing.
  const listedEmail = `${unique('listed')}@example.com`;
  const s = TestSession.perSuite(
    { ADMIN_EMAIL: adminCreds.email, ADMIN_PASSWORD: adminCreds.password, ADMIN_EMAILS: listedEmail },
    { user: false },
  );
  let admin: TestUser;
  beforeAll(async () => {
    admin = await s.login(adminCreds.email, adminCreds.password);
  });

  const auditOf = async (userId: string): Promise<AuditRow[]> =>
    ((await s.http().get('/api/v1/operators/audit').set(admin.auth).expect(200)).body.data as AuditRow[]).filter(
      (e) => e.userId === userId,
    );
  const plan = (as: TestUser, appId: string, value: string) =>
    s.http().patch(`/api/v1/apps/${appId}/plan`).set(as.auth).send({ plan: value });

  it('makes the ADMIN_EMAIL bootstrap account an operator at start-up, recorded once as the bootstrap', async () => {
    const list = await s.http().get('/api/v1/operators').set(admin.auth).expect(200);
    expect(list.body.data).toEqual(expect.arrayContaining([{ id: admin.id, email: admin.email, createdAt: expect.any(String) }]));
    const { app } = await s.newUserWithApp();
    expect((await plan(admin, app.id, 'pro').expect(200)).body.data).toMatchObject({ id: app.id, plan: 'pro' });
    // A second start-up (another replica) changes nothing and records nothing.
    await s.get(AuthService).onApplicationBootstrap();
    expect(await auditOf(admin.id)).toEqual([
      {
        id: expect.any(Number),
        action: 'operator.granted',
        userId: admin.id,
        email: admin.email,
        actorUserId: null,
        actorTokenId: null,
        details: { via: 'ADMIN_EMAIL' },
        createdAt: expect.any(String),
      },
    ]);
  });

  it('marks an account that already existed when it becomes ADMIN_EMAIL, keeping its password', async () => {
    const { user: existing, app } = await s.newUserWithApp();
    expect((await plan(existing, app.id, 'pro').expect(403)).body).toEqual({ error: 'Insufficient permissions' });
    const saved = { email: s.config.ADMIN_EMAIL, password: s.config.ADMIN_PASSWORD };
    Object.assign(s.config, { ADMIN_EMAIL: existing.email.toUpperCase(), ADMIN_PASSWORD: 'a-different-password' });
    try {
      await s.get(AuthService).onApplicationBootstrap();
    } finally {
      Object.assign(s.config, { ADMIN_EMAIL: saved.email, ADMIN_PASSWORD: saved.password });
    }
    await plan(existing, app.id, 'pro').expect(200);
    await s.http().post('/api/v1/auth/login').send({ email: existing.email, password: existing.password }).expect(200);
    await s.http().post('/api/v1/auth/login').send({ email: existing.email, password: 'a-different-password' }).expect(401);
    await s.http().delete(`/api/v1/operators/${existing.id}`).set(admin.auth).expect(200);
  });

  it('grants nothing to whoever signs up with an address listed in ADMIN_EMAILS, and warns at start-up that it is ignored', async () => {
    const res = await s.http().post('/api/v1/auth/signup').send({ email: listedEmail, password: 'first-to-sign-up' }).expect(201);
    const squatter = { Authorization: `Bearer ${res.body.data.token}` };
    const app = await anApp(s, { ...admin, auth: squatter });
    expect((await s.http().patch(`/api/v1/apps/${app.id}/plan`).set(squatter).send({ plan: 'enterprise' }).expect(403)).body).toEqual({
      error: 'Insufficient permissions',
    });
    expect((await s.http().get('/api/v1/operators').set(squatter).expect(403)).body).toEqual({ error: 'Insufficient permissions' });
    const list = await s.http().get('/api/v1/operators').set(admin.auth).expect(200);
    expect(list.body.data.map((o: { email: string }) => o.email)).not.toContain(listedEmail);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      await s.get(AuthService).onApplicationBootstrap();
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^ADMIN_EMAILS is ignored .*POST \/api\/v1\/operators/));
    } finally {
      warn.mockRestore();
    }
  });

  it('lets an operator grant and withdraw operator rights, each recorded with its actor, effective at once', async () => {
    const { user: ops, app } = await s.newUserWithApp();
    await plan(ops, app.id, 'pro').expect(403);

    const granted = await s.http().post('/api/v1/operators').set(admin.auth).send({ email: ops.email.toUpperCase() }).expect(201);
    expect(granted.body).toEqual({ data: { id: ops.id, email: ops.email, createdAt: expect.any(String) } });
    await plan(ops, app.id, 'pro').expect(200);
    // The new operator can see and grant too.
    expect((await s.http().get('/api/v1/operators').set(ops.auth).expect(200)).body.data.map((o: { id: string }) => o.id)).toEqual(
      expect.arrayContaining([admin.id, ops.id]),
    );
    expect((await s.http().post('/api/v1/operators').set(admin.auth).send({ email: ops.email }).expect(409)).body).toEqual({
      error: 'User is already an operator',
    });

    const withdrawn = await s.http().delete(`/api/v1/operators/${ops.id}`).set(admin.auth).expect(200);
    expect(withdrawn.body).toEqual({ data: { success: true } });
    expect((await plan(ops, app.id, 'free').expect(403)).body).toEqual({ error: 'Insufficient permissions' });
    expect((await s.http().post('/api/v1/operators').set(ops.auth).send({ email: ops.email }).expect(403)).body).toEqual({
      error: 'Insufficient permissions',
    });
    expect((await s.http().delete(`/api/v1/operators/${ops.id}`).set(admin.auth).expect(404)).body).toEqual({
      error: 'Operator not found',
    });

    expect(await auditOf(ops.id)).toEqual([
      expect.objectContaining({
        action: 'operator.revoked',
        userId: ops.id,
        email: ops.email,
        actorUserId: admin.id,
        actorTokenId: expect.stringMatching(/^tok_/),
      }),
      expect.objectContaining({
        action: 'operator.granted',
        userId: ops.id,
        email: ops.email,
        actorUserId: admin.id,
        actorTokenId: expect.stringMatching(/^tok_/),
      }),
    ]);
  });

  it('refuses non-operators, app keys, unknown accounts and bad input', async () => {
    const { user, app } = await s.newUserWithApp();
    const key = await aManagementKey(s, user, app);
    for (const req of [
      () => s.http().get('/api/v1/operators').set(user.auth),
      () => s.http().post('/api/v1/operators').set(user.auth).send({ email: user.email }),
      () => s.http().delete(`/api/v1/operators/${admin.id}`).set(user.auth),
      () => s.http().get('/api/v1/operators/audit').set(user.auth),
      () => s.http().get('/api/v1/operators').set(key.auth),
    ]) {
      expect((await req().expect(403)).body).toEqual({ error: 'Insufficient permissions' });
    }
    await s.http().get('/api/v1/operators').expect(401);
    expect(
      (
        await s
          .http()
          .post('/api/v1/operators')
          .set(admin.auth)
          .send({ email: `${unique('nobody')}@example.com` })
          .expect(404)
      ).body,
    ).toEqual({ error: 'User not found' });
    expect((await s.http().post('/api/v1/operators').set(admin.auth).send({ email: 'not-an-email' }).expect(400)).body.error).toBe(
      'email must be an email address',
    );
    expect((await s.http().post('/api/v1/operators').set(admin.auth).send({}).expect(400)).body.error).toMatch(/^email /);
    // Nothing above granted anything.
    await s.http().get('/api/v1/operators').set(user.auth).expect(403);
  });
});
