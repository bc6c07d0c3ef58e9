import { createHash } from 'node:crypto';
import { replicasPerSuite } from './support/app';
import { aFlag, ALL_SCOPES, aManagementKey, anApp, aUser } from './support/factories';
import { TestSession } from './support/session';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("apps' management keys (mgmt_)", () => {
  const s = TestSession.perSuite({}, { user: false });

  it('creates a key whose secret is shown once and stored only as its hash, and lists it without the secret', async () => {
    const { user: owner, app } = await s.newUserWithApp();
    const res = await s
      .http()
      .post(`/api/v1/apps/${app.id}/api-keys`)
      .set(owner.auth)
      .send({ name: 'back-office', scopes: ['flags:write', 'flags:read'] })
      .expect(201);
    expect(res.body).toEqual({
      data: {
        id: expect.stringMatching(/^mk_[0-9A-Za-z]{16}$/),
        name: 'back-office',
        scopes: ['flags:read', 'flags:write'],
        createdBy: owner.id,
        createdAt: expect.any(String),
        expiresAt: null,
        lastUsedAt: null,
        key: expect.stringMatching(/^mgmt_[0-9A-Za-z]{43}$/),
      },
    });
    const { key: secret, ...listed } = res.body.data;
    const rows = await s.query('SELECT * FROM management_keys WHERE id = $1', [listed.id]);
    expect(rows[0].key_hash).toBe(sha256(secret));
    expect(JSON.stringify(rows)).not.toContain(secret.slice(5));

    expect((await s.http().get(`/api/v1/apps/${app.id}/api-keys`).set(owner.auth).expect(200)).body).toEqual({ data: [listed] });
    await s
      .http()
      .get('/api/v1/flags')
      .query({ appId: app.id, env: 'production' })
      .set({ Authorization: `Bearer ${secret}` })
      .expect(200);
    const after = (await s.http().get(`/api/v1/apps/${app.id}/api-keys`).set(owner.auth).expect(200)).body.data[0];
    expect(after.lastUsedAt).toEqual(expect.any(String));
    expect(JSON.stringify(after)).not.toContain(secret);
  });

  it.each([
    [{ name: 'x' }, 'scopes is required'],
    [{ name: 'x', scopes: [] }, 'scopes must contain at least one scope'],
    [{ name: 'x', scopes: ['flags:admin'] }, `each value in scopes must be one of: ${ALL_SCOPES.join(', ')}`],
    [{ scopes: ['flags:read'] }, 'name is required'],
    [{ name: 'x', scopes: ['flags:read'], expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt must be in the future'],
    [{ name: 'x', scopes: ['flags:read'], expiresAt: 'soon' }, 'expiresAt must be an ISO 8601 date-time'],
  ])('rejects key body %j with 400 and creates nothing', async (body, error) => {
    const { user: owner, app } = await s.newUserWithApp();
    expect((await s.http().post(`/api/v1/apps/${app.id}/api-keys`).set(owner.auth).send(body).expect(400)).body.error).toBe(error);
    expect((await s.http().get(`/api/v1/apps/${app.id}/api-keys`).set(owner.auth).expect(200)).body.data).toEqual([]);
  });

  it('cannot carry a scope the creating token lacks, so a narrowed token cannot widen itself', async () => {
    const { user: owner, app } = await s.newUserWithApp();
    const tok = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set(owner.auth)
      .send({ name: 'ci', scopes: ['keys:write', 'keys:read', 'flags:read'] })
      .expect(201);
    const narrowed = { Authorization: `Bearer ${tok.body.data.token}` };
    const res = await s
      .http()
      .post(`/api/v1/apps/${app.id}/api-keys`)
      .set(narrowed)
      .send({ name: 'wider', scopes: ['flags:write'] })
      .expect(403);
    expect(res.body).toEqual({ error: 'Insufficient permissions' });
    await s
      .http()
      .post(`/api/v1/apps/${app.id}/api-keys`)
      .set(narrowed)
      .send({ name: 'same', scopes: ['flags:read'] })
      .expect(201);
    expect(
      (await s.http().get(`/api/v1/apps/${app.id}/api-keys`).set(owner.auth).expect(200)).body.data.map((k: { name: string }) => k.name),
    ).toEqual(['same']);
  });

  it('works on every environment of its app and records itself as the actor of each change', async () => {
    const { user: owner, app } = await s.newUserWithApp();
    const key = await aManagementKey(s, owner, app, { scopes: ['flags:read', 'flags:write'] });
    for (const env of ['development', 'staging', 'production']) {
      await s
        .http()
        .post('/api/v1/flags')
        .set(key.auth)
        .send({ appId: app.id, env, key: 'from-ci', type: 'bool', value: true, changeDescription: 'by the key' })
        .expect(201);
    }
    const changes = await s.http().get('/api/v1/changes').query({ appId: app.id, env: app.envs.staging }).set(key.auth).expect(200);
    expect(changes.body.data).toEqual([
      expect.objectContaining({
        version: 1,
        action: 'create',
        keys: ['from-ci'],
        changeDescription: 'by the key',
        actor: { userId: null, tokenId: null, appKeyId: key.id },
      }),
    ]);
    await aFlag(s, owner, app, 'staging');
    const mine = await s.http().get('/api/v1/changes').query({ appId: app.id, env: 'staging' }).set(owner.auth).expect(200);
    expect(mine.body.data[0].actor).toEqual({ userId: owner.id, tokenId: expect.stringMatching(/^tok_/), appKeyId: null });
  });

  it('is limited to its app: any other app is 404, and GET /apps lists just its app', async () => {
    const { user: owner, app } = await s.newUserWithApp();
    const other = await s.newApp(owner);
    const key = await aManagementKey(s, owner, app);
    for (const res of await Promise.all([
      s.http().get(`/api/v1/apps/${other.id}`).set(key.auth),
      s.http().get('/api/v1/flags').query({ appId: other.id, env: 'production' }).set(key.auth),
      s.http().post('/api/v1/flags').set(key.auth).send({ appId: other.id, env: 'production', key: 'x', type: 'bool', value: true }),
      s.http().get('/api/v1/envs').query({ appId: other.id }).set(key.auth),
    ])) {
      expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { error: 'App not found' } });
    }
    expect((await s.http().get('/api/v1/apps').set(key.auth).expect(200)).body).toEqual({
      data: [{ id: app.id, name: app.name, createdAt: expect.any(String), role: 'editor' }],
    });
    expect(
      (await s.http().get('/api/v1/flags').query({ appId: other.id, env: 'production' }).set(owner.auth).expect(200)).body.data,
    ).toEqual({});
  });

  it('cannot manage the app, its members or management keys, nor use account routes (403)', async () => {
    const owner = await s.newUser();
    const grace = await s.newUser();
    const app = await s.newApp(owner);
    const key = await aManagementKey(s, owner, app);
    const attempts = [
      s.http().get(`/api/v1/apps/${app.id}/members`),
      s.http().post(`/api/v1/apps/${app.id}/members`).send({ email: grace.email, role: 'owner' }),
      s.http().get(`/api/v1/apps/${app.id}/api-keys`),
      s
        .http()
        .post(`/api/v1/apps/${app.id}/api-keys`)
        .send({ name: 'child', scopes: ['flags:read'] }),
      s.http().delete(`/api/v1/apps/${app.id}/api-keys/${key.id}`),
      s.http().get(`/api/v1/apps/${app.id}/audit`),
      s.http().patch(`/api/v1/apps/${app.id}`).send({ name: 'renamed' }),
      s.http().delete(`/api/v1/apps/${app.id}`),
      s.http().post('/api/v1/envs').send({ appId: app.id, name: 'qa' }),
      s.http().post('/api/v1/apps').send({ name: 'new-app' }),
      s.http().get('/api/v1/auth/me'),
      s.http().get('/api/v1/auth/tokens'),
      s.http().post('/api/v1/auth/tokens').send({ name: 'escape' }),
      s.http().delete('/api/v1/auth/tokens/tok_whatever0000000'),
      s.http().post('/api/v1/auth/logout'),
      s.http().patch(`/api/v1/apps/${app.id}/plan`).send({ plan: 'enterprise' }),
    ];
    for (const attempt of attempts) {
      const { method, url } = attempt;
      const res = await attempt.set(key.auth);
      expect({ method, url, status: res.status, body: res.body }).toEqual({
        method,
        url,
        status: 403,
        body: { error: 'Insufficient permissions' },
      });
    }
    // Nothing changed, and the key still works.
    expect((await s.http().get(`/api/v1/apps/${app.id}/members`).set(owner.auth).expect(200)).body.data).toHaveLength(1);
    expect(
      (await s.http().get(`/api/v1/apps/${app.id}/api-keys`).set(owner.auth).expect(200)).body.data.map((k: { id: string }) => k.id),
    ).toEqual([key.id]);
    expect((await s.http().get('/api/v1/apps').set(owner.auth).expect(200)).body.data.map((a: { name: string }) => a.name)).toEqual([
      app.name,
    ]);
    await s.http().get(`/api/v1/apps/${app.id}`).set(key.auth).expect(200);
  });

  it('is held to its scopes: a flags:read key reads flags but cannot write them or touch runtime keys', async () => {
    const { user: owner, app } = await s.newUserWithApp();
    const { key: flagKey } = await aFlag(s, owner, app);
    const key = await aManagementKey(s, owner, app, { scopes: ['flags:read'] });
    await s.http().get(`/api/v1/flags/${flagKey}`).query({ appId: app.id, env: 'production' }).set(key.auth).expect(200);
    for (const res of await Promise.all([
      s.http().patch('/api/v1/flags').set(key.auth).send({ appId: app.id, env: 'production', key: flagKey, value: false }),
      s.http().get('/api/v1/keys').query({ appId: app.id, env: 'production' }).set(key.auth),
      s.http().get(`/api/v1/apps/${app.id}`).set(key.auth),
    ])) {
      expect({ status: res.status, body: res.body }).toEqual({ status: 403, body: { error: 'Insufficient permissions' } });
    }
    expect(
      (await s.http().get('/api/v1/flags').query({ appId: app.id, env: 'production' }).set(owner.auth).expect(200)).body.data[flagKey]
        .value,
    ).toBe(true);
  });

  it('is refused (401) from the request after it is revoked', async () => {
    const { user: owner, app } = await s.newUserWithApp();
    const key = await aManagementKey(s, owner, app);
    const keep = await aManagementKey(s, owner, app);
    await s.http().get('/api/v1/flags').query({ appId: app.id, env: 'production' }).set(key.auth).expect(200);
    expect((await s.http().delete(`/api/v1/apps/${app.id}/api-keys/${key.id}`).set(owner.auth).expect(200)).body).toEqual({
      data: { success: true },
    });
    expect((await s.http().get('/api/v1/flags').query({ appId: app.id, env: 'production' }).set(key.auth).expect(401)).body).toEqual({
      error: 'Not authenticated',
    });
    expect(
      (await s.http().get(`/api/v1/apps/${app.id}/api-keys`).set(owner.auth).expect(200)).body.data.map((k: { id: string }) => k.id),
    ).toEqual([keep.id]);
    await s.http().get('/api/v1/flags').query({ appId: app.id, env: 'production' }).set(keep.auth).expect(200);
    expect((await s.http().delete(`/api/v1/apps/${app.id}/api-keys/${key.id}`).set(owner.auth).expect(404)).body).toEqual({
      error: 'API key not found',
    });
    // A key of another app is not found through this one.
    const other = await s.newApp(owner);
    expect((await s.http().delete(`/api/v1/apps/${other.id}/api-keys/${keep.id}`).set(owner.auth).expect(404)).body).toEqual({
      error: 'API key not found',
    });
    await s.http().get('/api/v1/flags').query({ appId: app.id, env: 'production' }).set(keep.auth).expect(200);
  });

  it('is refused (401) once it has expired', async () => {
    const { user: owner, app } = await s.newUserWithApp();
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const key = await aManagementKey(s, owner, app, { expiresAt });
    expect((await s.http().get(`/api/v1/apps/${app.id}/api-keys`).set(owner.auth).expect(200)).body.data[0].expiresAt).toBe(expiresAt);
    await s.http().get(`/api/v1/apps/${app.id}`).set(key.auth).expect(200);
    await sleep(1600);
    expect((await s.http().get(`/api/v1/apps/${app.id}`).set(key.auth).expect(401)).body).toEqual({ error: 'Not authenticated' });
  });

  it('rejects garbled and unknown mgmt_ keys with 401', async () => {
    for (const header of ['Bearer mgmt_short', `Bearer mgmt_${'A'.repeat(43)}`, `mgmt_${'A'.repeat(43)}`]) {
      expect((await s.http().get('/api/v1/apps').set({ Authorization: header }).expect(401)).body).toEqual({ error: 'Not authenticated' });
    }
  });

  it('keeps working when its creator is demoted, and acts as an editor whoever created it', async () => {
    const {
      owner,
      app,
      members: [grace],
    } = await s.newTeam('owner');
    const key = await aManagementKey(s, grace, app);
    await s.http().patch(`/api/v1/apps/${app.id}/members/${grace.id}`).set(owner.auth).send({ role: 'viewer' }).expect(200);
    await s
      .http()
      .post('/api/v1/flags')
      .set(key.auth)
      .send({ appId: app.id, env: 'production', key: 'still-works', type: 'bool', value: true })
      .expect(201);
    expect((await s.http().get(`/api/v1/apps/${app.id}/api-keys`).set(owner.auth).expect(200)).body.data[0].createdBy).toBe(grace.id);
  });
});

describe('the Reflag management API example with a mgmt_ key', () => {
  const s = TestSession.perSuite({}, { user: false });

  it('PATCH /api/apps/${appId}/flags/specific-targets/${envId} turns a flag on for one company', async () => {
    const { user: owner, app: created } = await s.newUserWithApp();
    await aFlag(s, owner, created, 'production', { key: 'new-checkout-flow', value: false });
    const apiToken = (await aManagementKey(s, owner, created, { scopes: ['flags:write'] })).key;
    const appId = created.id;
    const envId = created.envs.production;

    const res = await s
      .http()
      .patch(`/api/apps/${appId}/flags/specific-targets/${envId}`)
      .set('Content-Type', 'application/json')
      .set('Authorization', `Bearer ${apiToken}`)
      .send(
        JSON.stringify({
          updates: [{ flagKey: 'new-checkout-flow', value: true, companyId: 'acme-corp' }],
          changeDescription: 'Enabled new checkout flow for Acme Corp in prod',
        }),
      );
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: {
        data: [
          {
            flagKey: 'new-checkout-flow',
            version: 2,
            updatedAt: expect.any(String),
            specificTargets: { true: { companyIds: ['acme-corp'], userIds: [] } },
          },
        ],
      },
    });

    const targets = await s
      .http()
      .get('/api/v1/flags/new-checkout-flow/targets')
      .query({ appId, env: 'production' })
      .set(owner.auth)
      .expect(200);
    expect(targets.body.data.companies).toEqual({ 'acme-corp': true });
    const changes = await s.http().get('/api/v1/changes').query({ appId, env: 'production' }).set(owner.auth).expect(200);
    expect(changes.body.data[0]).toEqual(
      expect.objectContaining({
        changeDescription: 'Enabled new checkout flow for Acme Corp in prod',
        actor: { userId: null, tokenId: null, appKeyId: expect.stringMatching(/^mk_/) },
      }),
    );
    // Reading needs flags:read, which this key was not given.
    expect(
      (await s.http().get('/api/v1/flags').query({ appId, env: 'production' }).set('Authorization', `Bearer ${apiToken}`).expect(403)).body,
    ).toEqual({
      error: 'Insufficient permissions',
    });
  });
});

describe('mgmt_ keys across replicas', () => {
  const [a, b] = replicasPerSuite();

  it('refuses on B, at once, a key revoked through A (B had it cached)', async () => {
    const owner = await aUser(a);
    const app = await anApp(a, owner);
    const key = await aManagementKey(a, owner, app);
    await b.http().get(`/api/v1/apps/${app.id}`).set(key.auth).expect(200);
    await a.http().delete(`/api/v1/apps/${app.id}/api-keys/${key.id}`).set(owner.auth).expect(200);
    expect((await b.http().get(`/api/v1/apps/${app.id}`).set(key.auth).expect(401)).body).toEqual({ error: 'Not authenticated' });
    expect((await a.http().get(`/api/v1/apps/${app.id}`).set(key.auth).expect(401)).body).toEqual({ error: 'Not authenticated' });
  });
});
