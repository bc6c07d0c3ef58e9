import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from './support/app';
import { aFlag, aKey, anApp, aUser } from './support/factories';
import { TestSession } from './support/session';

describe('targeting: specific targets (Reflag-compatible)', () => {
  const s = TestSession.perSuite();
  beforeAll(async () => {
    await s.flag('production', { key: 'new-checkout-flow', type: 'bool', value: false, clientEnabled: true });
  });

  const reflagError = (code: string, message: string) => ({ error: { code, message } });
  const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  const evaluateFor = async (key: { auth: { Authorization: string } }, context: Record<string, unknown>) =>
    (await s.http().post('/api/v1/evaluate').set(key.auth).send({ context }).expect(200)).body.data;

  it("runs the seed's Reflag example verbatim against the running server", async () => {
    const appId = s.appId;
    const envId = s.envs.production;
    const apiToken = s.user.token;
    const response = await fetch(`${await s.url()}/api/apps/${appId}/flags/specific-targets/${envId}`, {
      method: 'PATCH',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${apiToken}`,
      },
      body: JSON.stringify({
        updates: [
          {
            flagKey: 'new-checkout-flow',
            value: true,
            companyId: 'acme-corp',
          },
        ],
        changeDescription: 'Enabled new checkout flow for Acme Corp in prod',
      }),
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    // Reflag's answer: the targeting of every flag the request touched, as of the new version.
    expect(body).toEqual({
      data: [
        { flagKey: 'new-checkout-flow', version: 2, updatedAt: iso, specificTargets: { true: { companyIds: ['acme-corp'], userIds: [] } } },
      ],
    });

    const targets = await s
      .http()
      .get('/api/v1/flags/new-checkout-flow/targets')
      .query({ appId, env: 'production' })
      .set(s.user.auth)
      .expect(200);
    expect(targets.body).toEqual({ data: { key: 'new-checkout-flow', users: {}, companies: { 'acme-corp': true } } });
    const change = (await s.http().get('/api/v1/changes').query({ appId, env: 'production', limit: 1 }).set(s.user.auth)).body.data[0];
    expect(change).toMatchObject({
      version: 2,
      action: 'targets',
      keys: ['new-checkout-flow'],
      changes: [{ key: 'new-checkout-flow', targetType: 'company', targetId: 'acme-corp', before: null, after: true }],
      changeDescription: 'Enabled new checkout flow for Acme Corp in prod',
    });

    const key = await s.key('production', 'pub');
    expect((await evaluateFor(key, { companyId: 'acme-corp', userId: 'someone' })).flags['new-checkout-flow']).toEqual({
      value: true,
      reason: 'TARGETING_MATCH',
      variant: 'company-target',
    });
    expect((await evaluateFor(key, { companyId: 'globex' })).flags['new-checkout-flow']).toEqual({
      value: false,
      reason: 'DEFAULT',
      variant: 'default',
    });
  });

  it('puts user overrides before company overrides, and removes one with null', async () => {
    const a = await s.newApp();
    await s.flag('staging', { key: 'beta', type: 'string', value: 'off' }, a);
    const url = `/api/apps/${a.id}/flags/specific-targets/${a.envs.staging}`;
    const res = await s
      .http()
      .patch(url)
      .set(s.user.auth)
      .send({
        updates: [
          { flagKey: 'beta', value: 'company', companyId: 'acme' },
          { flagKey: 'beta', value: 'user', userId: 'u1' },
        ],
      })
      .expect(200);
    expect(res.body.data).toEqual([
      {
        flagKey: 'beta',
        version: 2,
        updatedAt: iso,
        specificTargets: { '"company"': { companyIds: ['acme'], userIds: [] }, '"user"': { companyIds: [], userIds: ['u1'] } },
      },
    ]);
    const key = await s.key('staging', 'sdk', a);
    expect((await evaluateFor(key, { userId: 'u1', companyId: 'acme' })).flags.beta).toMatchObject({
      value: 'user',
      reason: 'TARGETING_MATCH',
    });
    expect((await evaluateFor(key, { userId: 'u2', companyId: 'acme' })).flags.beta).toMatchObject({
      value: 'company',
      reason: 'TARGETING_MATCH',
    });
    await s
      .http()
      .patch(url)
      .set(s.user.auth)
      .send({ updates: [{ flagKey: 'beta', value: null, userId: 'u1' }] })
      .expect(200);
    expect((await evaluateFor(key, { userId: 'u1', companyId: 'acme' })).flags.beta).toMatchObject({ value: 'company' });
    const targets = await s.http().get('/api/v1/flags/beta/targets').query({ appId: a.id, env: 'staging' }).set(s.user.auth).expect(200);
    expect(targets.body.data).toEqual({ key: 'beta', users: {}, companies: { acme: 'company' } });
  });

  it('is all or nothing and validates every update', async () => {
    const a = await s.newApp();
    await s.flag('production', { key: 'n', type: 'number', value: 1 }, a);
    const url = `/api/apps/${a.id}/flags/specific-targets/${a.envs.production}`;
    const patch = (body: unknown) =>
      s
        .http()
        .patch(url)
        .set(s.user.auth)
        .send(body as object);
    expect(
      (
        await patch({
          updates: [
            { flagKey: 'n', value: 2, userId: 'u' },
            { flagKey: 'n', value: 'two', userId: 'v' },
          ],
        }).expect(400)
      ).body,
    ).toEqual(reflagError('invalid_request', 'Invalid value for flag type number: n'));
    expect(
      (
        await patch({
          updates: [
            { flagKey: 'n', value: 2, userId: 'u' },
            { flagKey: 'ghost', value: 1, userId: 'v' },
          ],
        }).expect(404)
      ).body,
    ).toEqual(reflagError('not_found', 'Flag not found: ghost'));
    expect((await patch({ updates: [{ flagKey: 'n', value: 2 }] }).expect(400)).body.error.message).toBe(
      'updates[0] must have exactly one of userId or companyId',
    );
    expect((await patch({ updates: [{ flagKey: 'n', value: 2, userId: 'u', companyId: 'c' }] }).expect(400)).body.error.message).toBe(
      'updates[0] must have exactly one of userId or companyId',
    );
    expect((await patch({ updates: [] }).expect(400)).body.error.message).toBe('updates must contain at least 1 elements');
    expect((await patch({}).expect(400)).body.error.message).toBe('updates is required');
    expect((await patch({ updates: [{ flagKey: 'n', value: 2, userId: 'x'.repeat(257) }] }).expect(400)).body.error.message).toMatch(
      /userId must be shorter/,
    );
    const targets = await s.http().get('/api/v1/flags/n/targets').query({ appId: a.id, env: 'production' }).set(s.user.auth).expect(200);
    expect(targets.body.data.users).toEqual({});
    const flags = await s.http().get('/api/v1/flags').query({ appId: a.id, env: 'production' }).set(s.user.auth);
    expect(flags.headers.etag).toBe('"1"');
  });

  it("answers 404 for another user's app and for an environment of another app", async () => {
    const stranger = await s.newUser();
    const res = await s
      .http()
      .patch(`/api/apps/${s.appId}/flags/specific-targets/${s.envs.production}`)
      .set(stranger.auth)
      .send({ updates: [{ flagKey: 'new-checkout-flow', value: true, userId: 'me' }] })
      .expect(404);
    expect(res.body).toEqual(reflagError('not_found', 'App not found'));
    const other = await s.newApp();
    const wrongEnv = await s
      .http()
      .patch(`/api/apps/${s.appId}/flags/specific-targets/${other.envs.production}`)
      .set(s.user.auth)
      .send({ updates: [{ flagKey: 'new-checkout-flow', value: true, userId: 'me' }] })
      .expect(404);
    expect(wrongEnv.body).toEqual(reflagError('not_found', 'Environment not found'));
  });

  it('restores overrides with a rollback, including those of a deleted flag', async () => {
    const a = await s.newApp();
    const q = { appId: a.id, env: 'production' };
    await s.flag('production', { key: 'f', type: 'bool', value: false }, a);
    const url = `/api/apps/${a.id}/flags/specific-targets/${a.envs.production}`;
    await s
      .http()
      .patch(url)
      .set(s.user.auth)
      .send({
        updates: [
          { flagKey: 'f', value: true, companyId: 'acme' },
          { flagKey: 'f', value: true, userId: 'u1' },
        ],
      })
      .expect(200); // v2
    await s
      .http()
      .patch(url)
      .set(s.user.auth)
      .send({ updates: [{ flagKey: 'f', value: null, companyId: 'acme' }] })
      .expect(200); // v3
    await s
      .http()
      .delete('/api/v1/flags')
      .query({ ...q, key: 'f' })
      .set(s.user.auth)
      .expect(200); // v4
    await s
      .http()
      .post('/api/v1/envs/rollback')
      .set(s.user.auth)
      .send({ ...q, version: 2 })
      .expect(200);
    const targets = await s.http().get('/api/v1/flags/f/targets').query(q).set(s.user.auth).expect(200);
    expect(targets.body.data).toEqual({ key: 'f', users: { u1: true }, companies: { acme: true } });
    await s
      .http()
      .post('/api/v1/envs/rollback')
      .set(s.user.auth)
      .send({ ...q, version: 1 })
      .expect(200);
    expect((await s.http().get('/api/v1/flags/f/targets').query(q).set(s.user.auth)).body.data).toEqual({
      key: 'f',
      users: {},
      companies: {},
    });
  });
});

describe('targeting: rollouts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'superflag-rollout-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('buckets keys stably across restarts and only adds keys when the percentage rises', async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const first = await startApp({ DATABASE_URL: '', DATA_DIR: dataDir });
    let auth: { Authorization: string };
    let answers10: boolean[];
    try {
      const user = await aUser(first);
      const app = await anApp(first, user);
      await aFlag(first, user, app, 'production', { key: 'checkout', type: 'bool', value: false });
      const set = await first
        .http()
        .patch('/api/v1/flags')
        .set(user.auth)
        .send({ appId: app.id, env: 'production', key: 'checkout', rollout: { percentage: 10, value: true } })
        .expect(200);
      expect(set.body.data.flag).toEqual({ type: 'bool', value: false, clientEnabled: false });
      const one = await first.http().get('/api/v1/flags/checkout').query({ appId: app.id, env: 'production' }).set(user.auth).expect(200);
      expect(one.body.data.rollout).toEqual({ percentage: 10, value: true });
      auth = (await aKey(first, user, app, 'production', 'sdk')).auth;
      answers10 = await Promise.all(
        keys.map(async (k) => {
          const r = (
            await first
              .http()
              .post('/api/v1/evaluate')
              .set(auth)
              .send({ context: { targetingKey: k } })
              .expect(200)
          ).body.data.flags.checkout;
          expect(r.reason).toBe('SPLIT');
          return r.value as boolean;
        }),
      );
      const share = answers10.filter(Boolean).length / keys.length;
      expect(share).toBeGreaterThan(0.02);
      expect(share).toBeLessThan(0.2);
      await first
        .http()
        .patch('/api/v1/flags')
        .set(user.auth)
        .send({ appId: app.id, env: 'production', key: 'checkout', rollout: { percentage: 30, value: true } })
        .expect(200);
      const answers30 = await Promise.all(
        keys.map(
          async (k) =>
            (
              await first
                .http()
                .post('/api/v1/evaluate')
                .set(auth)
                .send({ context: { targetingKey: k } })
            ).body.data.flags.checkout.value as boolean,
        ),
      );
      answers10.forEach((inAt10, i) => {
        if (inAt10) expect(answers30[i]).toBe(true);
      });
      expect(answers30.filter(Boolean).length).toBeGreaterThan(answers10.filter(Boolean).length);
      await first
        .http()
        .patch('/api/v1/flags')
        .set(user.auth)
        .send({ appId: app.id, env: 'production', key: 'checkout', rollout: { percentage: 10, value: true } })
        .expect(200);
    } finally {
      await first.close();
    }
    const second = await startApp({ DATABASE_URL: '', DATA_DIR: dataDir });
    try {
      const again = await Promise.all(
        keys.map(
          async (k) =>
            (
              await second
                .http()
                .post('/api/v1/evaluate')
                .set(auth)
                .send({ context: { targetingKey: k } })
            ).body.data.flags.checkout.value as boolean,
        ),
      );
      expect(again).toEqual(answers10);
      const noKey = (await second.http().post('/api/v1/evaluate').set(auth).send({ context: {} }).expect(200)).body.data.flags.checkout;
      expect(noKey).toEqual({ value: false, reason: 'DEFAULT', variant: 'default' });
    } finally {
      await second.close();
    }
  });

  it('validates rollouts', async () => {
    const s = await TestSession.start();
    try {
      await s.flag('production', { key: 'n', type: 'number', value: 1 });
      const patch = (rollout: unknown) =>
        s
          .http()
          .patch('/api/v1/flags')
          .set(s.user.auth)
          .send({ ...s.at('production'), key: 'n', rollout });
      expect((await patch({ percentage: 101, value: 2 }).expect(400)).body.error).toBe('rollout.percentage must be a number from 0 to 100');
      expect((await patch({ percentage: 50, value: 'x' }).expect(400)).body.error).toBe(
        'Invalid value for flag type number: rollout.value',
      );
      expect((await patch({ percentage: 50 }).expect(400)).body.error).toBe('Invalid value for flag type number: rollout.value');
      expect((await patch('half').expect(400)).body.error).toBe('rollout must be an object {percentage, value} or null');
      await patch({ percentage: 50, value: 2 }).expect(200);
      const retype = await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ ...s.at('production'), key: 'n', type: 'string', value: 's' })
        .expect(400);
      expect(retype.body.error).toBe('The rollout value does not fit the new type: give a new rollout (or null) too');
      await patch(null).expect(200);
      expect((await s.http().get('/api/v1/flags/n').query(s.at('production')).set(s.user.auth)).body.data.rollout).toBeNull();
    } finally {
      await s.close();
    }
  });
});
