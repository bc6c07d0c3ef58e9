import type { Response } from 'supertest';
import { sharedServices, startApp, TestApp } from './support/app';
import { aFlag, aKey, aMember, TestAppRecord, TestUser, unique } from './support/factories';
import { TestSession } from './support/session';

/** Tenant limits, set low: each refusal is 409 `… limit reached (N)`, changes nothing, and parallel writes cannot overshoot. */
describe('Tenant limits', () => {
  const s = TestSession.perSuite(
    { LIMIT_FLAGS_PER_ENV: '5', LIMIT_TARGETS_PER_FLAG: '3', LIMIT_ENVS_PER_APP: '5', LIMIT_KEYS_PER_ENV: '3', LIMIT_APPS_PER_USER: '3' },
    { user: false },
  );
  let user: TestUser;
  // A user per test: each may own only three apps.
  beforeEach(async () => {
    user = await s.newUser();
  });

  const env = (a: TestAppRecord, name = 'production') => ({ appId: a.id, env: name });
  const flagsOf = async (a: TestAppRecord, name = 'production') =>
    (await s.http().get('/api/v1/flags').query(env(a, name)).set(user.auth).expect(200)).body.data as Record<string, unknown>;
  const versionOf = async (a: TestAppRecord, name = 'production') =>
    (
      await s
        .http()
        .get('/api/v1/changes')
        .query({ ...env(a, name), limit: 1 })
        .set(user.auth)
        .expect(200)
    ).body.data[0]?.version ?? 0;
  const newFlag = (a: TestAppRecord, key = unique('f'), name = 'production') =>
    s
      .http()
      .post('/api/v1/flags')
      .set(user.auth)
      .send({ ...env(a, name), key, type: 'bool', value: true });
  /** Of parallel requests at limit − 1, exactly one gets through; the others are refused by the limit. */
  const expectOneWins = (responses: Response[], error: string) => {
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = responses.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(responses.length - 1);
    for (const r of refused) expect([r.status, r.body]).toEqual([409, { error }]);
  };

  describe('flags per environment', () => {
    it('refuses the flag past the limit, changing nothing, per environment; deleting one makes room', async () => {
      const a = await s.newApp(user);
      for (let i = 0; i < 5; i++) await aFlag(s, user, a, 'production', { key: `f${i}` });
      const res = await newFlag(a, 'one-too-many').expect(409);
      expect(res.body).toEqual({ error: 'Flags per environment limit reached (5)' });
      expect(Object.keys(await flagsOf(a)).sort()).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
      expect(await versionOf(a)).toBe(5);
      await newFlag(a, 'elsewhere', 'staging').expect(201);
      await s
        .http()
        .delete('/api/v1/flags')
        .query({ ...env(a), key: 'f0' })
        .set(user.auth)
        .expect(200);
      await newFlag(a, 'one-too-many').expect(201);
      expect(Object.keys(await flagsOf(a))).toHaveLength(5);
    });

    it('lets exactly one of 10 parallel creates at limit − 1 through', async () => {
      const a = await s.newApp(user);
      for (let i = 0; i < 4; i++) await aFlag(s, user, a, 'production', { key: `f${i}` });
      const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => newFlag(a, `race-${i}`)));
      expectOneWins(responses, 'Flags per environment limit reached (5)');
      expect(Object.keys(await flagsOf(a))).toHaveLength(5);
      expect(await versionOf(a)).toBe(5);
    });

    it('still lets a rollback restore a set that fitted', async () => {
      const a = await s.newApp(user);
      for (let i = 0; i < 5; i++) await aFlag(s, user, a, 'production', { key: `f${i}` });
      await s
        .http()
        .delete('/api/v1/flags')
        .query({ ...env(a), key: 'f4' })
        .set(user.auth)
        .expect(200);
      await newFlag(a, 'f5').expect(201);
      const res = await s
        .http()
        .post('/api/v1/envs/rollback')
        .set(user.auth)
        .send({ ...env(a), version: 5 })
        .expect(200);
      expect(res.body.data).toEqual({ version: 8, restored: 2 });
      expect(Object.keys(await flagsOf(a)).sort()).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    });
  });

  describe('targets per flag', () => {
    const targetsOf = async (a: TestAppRecord, key: string) =>
      (await s.http().get(`/api/v1/flags/${key}/targets`).query(env(a)).set(user.auth).expect(200)).body.data as {
        users: Record<string, unknown>;
        companies: Record<string, unknown>;
      };

    it('refuses a batch that takes a flag past the limit as a whole; replacing, removing and other flags are fine', async () => {
      const a = await s.newApp(user);
      await aFlag(s, user, a, 'production', { key: 'beta' });
      await aFlag(s, user, a, 'production', { key: 'other' });
      const url = `/api/apps/${a.id}/flags/specific-targets/${a.envs.production}`;
      const patch = (updates: object[]) => s.http().patch(url).set(user.auth).send({ updates });
      await patch([
        { flagKey: 'beta', value: true, userId: 'u1' },
        { flagKey: 'beta', value: true, userId: 'u2' },
        { flagKey: 'beta', value: true, companyId: 'c1' },
      ]).expect(200);
      const before = await versionOf(a);

      const refused = await patch([
        { flagKey: 'other', value: true, userId: 'u1' },
        { flagKey: 'beta', value: true, userId: 'u3' },
      ]).expect(409);
      // Reflag's route answers Reflag's error body (which has no place for the flag key).
      expect(refused.body).toEqual({ error: { code: 'not_possible', message: 'Targets per flag limit reached (3)' } });
      expect(await versionOf(a)).toBe(before);
      expect(await targetsOf(a, 'beta')).toEqual({ key: 'beta', users: { u1: true, u2: true }, companies: { c1: true } });
      expect(await targetsOf(a, 'other')).toEqual({ key: 'other', users: {}, companies: {} });

      // At the limit: changing a value, or removing one to add another in the same batch, is allowed.
      await patch([{ flagKey: 'beta', value: false, userId: 'u1' }]).expect(200);
      await patch([
        { flagKey: 'beta', value: null, userId: 'u2' },
        { flagKey: 'beta', value: true, userId: 'u3' },
      ]).expect(200);
      await patch([{ flagKey: 'other', value: true, userId: 'u1' }]).expect(200);
      expect(await targetsOf(a, 'beta')).toEqual({ key: 'beta', users: { u1: false, u3: true }, companies: { c1: true } });
      expect(await versionOf(a)).toBe(before + 3);
    });

    it('refuses one batch that alone exceeds the limit', async () => {
      const a = await s.newApp(user);
      await aFlag(s, user, a, 'production', { key: 'beta' });
      const url = `/api/apps/${a.id}/flags/specific-targets/${a.envs.production}`;
      const updates = ['a', 'b', 'c', 'd'].map((id) => ({ flagKey: 'beta', value: true, companyId: id }));
      expect((await s.http().patch(url).set(user.auth).send({ updates }).expect(409)).body).toEqual({
        error: { code: 'not_possible', message: 'Targets per flag limit reached (3)' },
      });
      expect(await targetsOf(a, 'beta')).toEqual({ key: 'beta', users: {}, companies: {} });
    });
  });

  describe('environments per app', () => {
    const newEnv = (a: TestAppRecord, name = unique('e')) => s.http().post('/api/v1/envs').set(user.auth).send({ appId: a.id, name });
    const envCount = async (a: TestAppRecord) =>
      (await s.http().get('/api/v1/envs').query({ appId: a.id }).set(user.auth).expect(200)).body.data.length;

    it('counts the three defaults, refuses the environment past the limit, and has room again after a delete', async () => {
      const a = await s.newApp(user);
      await newEnv(a, 'qa').expect(201);
      await newEnv(a, 'demo').expect(201);
      expect((await newEnv(a, 'extra').expect(409)).body).toEqual({ error: 'Environments per app limit reached (5)' });
      expect(await envCount(a)).toBe(5);
      await s.http().delete('/api/v1/envs').query({ appId: a.id, env: 'demo' }).set(user.auth).expect(200);
      await newEnv(a, 'extra').expect(201);
    });

    it('lets exactly one of 10 parallel creates at limit − 1 through', async () => {
      const a = await s.newApp(user);
      await newEnv(a).expect(201);
      expectOneWins(await Promise.all(Array.from({ length: 10 }, () => newEnv(a))), 'Environments per app limit reached (5)');
      expect(await envCount(a)).toBe(5);
    });
  });

  describe('active keys per environment', () => {
    const newKey = (a: TestAppRecord, name = 'production') =>
      s
        .http()
        .post('/api/v1/keys')
        .set(user.auth)
        .send({ ...env(a, name), type: 'sdk' });
    const keyCount = async (a: TestAppRecord) =>
      (await s.http().get('/api/v1/keys').query(env(a)).set(user.auth).expect(200)).body.data.length;

    it('refuses the key past the limit; revoked keys do not count', async () => {
      const a = await s.newApp(user);
      const first = await aKey(s, user, a);
      await aKey(s, user, a);
      await aKey(s, user, a);
      expect((await newKey(a).expect(409)).body).toEqual({ error: 'Active keys per environment limit reached (3)' });
      expect(await keyCount(a)).toBe(3);
      await newKey(a, 'staging').expect(201);
      await s.http().delete('/api/v1/keys').query({ keyId: first.id }).set(user.auth).expect(200);
      await newKey(a).expect(201);
      expect(await keyCount(a)).toBe(3);
      // The refused key was never created: the audit shows four creations in production and one in staging.
      const audit = await s.http().get(`/api/v1/apps/${a.id}/audit`).set(user.auth).expect(200);
      expect(audit.body.data.filter((e: { action: string }) => e.action === 'runtime_key.created')).toHaveLength(5);
    });

    it('lets exactly one of 10 parallel creates at limit − 1 through', async () => {
      const a = await s.newApp(user);
      await aKey(s, user, a);
      await aKey(s, user, a);
      expectOneWins(await Promise.all(Array.from({ length: 10 }, () => newKey(a))), 'Active keys per environment limit reached (3)');
      expect(await keyCount(a)).toBe(3);
    });
  });

  describe('apps per user', () => {
    const newApp = (u: TestUser) =>
      s
        .http()
        .post('/api/v1/apps')
        .set(u.auth)
        .send({ name: unique('app') });
    const appCount = async (u: TestUser) => (await s.http().get('/api/v1/apps').set(u.auth).expect(200)).body.data.length;

    it('counts the apps a user owns, not those they are a member of; deleting one makes room', async () => {
      const owner = await s.newUser();
      const other = await s.newUser();
      const theirs = await s.newApp(other);
      await aMember(s, other, theirs, owner, 'owner');
      const mine = [await s.newApp(owner), await s.newApp(owner), await s.newApp(owner)];
      expect((await newApp(owner).expect(409)).body).toEqual({ error: 'Apps per user limit reached (3)' });
      expect(await appCount(owner)).toBe(4);
      await s.http().delete(`/api/v1/apps/${mine[0].id}`).set(owner.auth).expect(200);
      await newApp(owner).expect(201);
    });

    it('lets exactly one of 10 parallel creates at limit − 1 through', async () => {
      const owner = await s.newUser();
      await s.newApp(owner);
      await s.newApp(owner);
      expectOneWins(await Promise.all(Array.from({ length: 10 }, () => newApp(owner))), 'Apps per user limit reached (3)');
      expect(await appCount(owner)).toBe(3);
    });
  });

  describe('a limit lowered since (two configurations on one database)', () => {
    let lowered: TestApp;
    beforeAll(async () => {
      lowered = await startApp({ ...sharedServices(), LIMIT_FLAGS_PER_ENV: '3', LIMIT_TARGETS_PER_FLAG: '1' });
    });
    afterAll(() => lowered.close());

    it('refuses a rollback that would grow what is already over it, and allows one that does not', async () => {
      const before = await TestSession.start(sharedServices());
      try {
        const { user: owner, appRecord: a } = before;
        for (let i = 0; i < 5; i++) await aFlag(before, owner, a, 'production', { key: `f${i}` });
        const url = `/api/apps/${a.id}/flags/specific-targets/${a.envs.production}`;
        await before
          .http()
          .patch(url)
          .set(owner.auth)
          .send({
            updates: [
              { flagKey: 'f0', value: true, userId: 'u1' },
              { flagKey: 'f0', value: true, userId: 'u2' },
            ],
          })
          .expect(200);
        for (const key of ['f3', 'f4'])
          await before.http().delete('/api/v1/flags').query({ appId: a.id, env: 'production', key }).set(owner.auth).expect(200);
        await before
          .http()
          .patch(url)
          .set(owner.auth)
          .send({ updates: [{ flagKey: 'f0', value: null, userId: 'u2' }] })
          .expect(200);
        // Now at version 9: three flags (f0 with one target), where the lowered limits allow exactly that.
        const rollback = (version: number) =>
          lowered.http().post('/api/v1/envs/rollback').set(owner.auth).send({ appId: a.id, env: 'production', version });
        expect((await rollback(5).expect(409)).body).toEqual({ error: 'Flags per environment limit reached (3)' });
        expect((await rollback(8).expect(409)).body).toEqual({ error: 'Targets per flag limit reached (1)', key: 'f0' });
        const flags = await lowered.http().get('/api/v1/flags').query({ appId: a.id, env: 'production' }).set(owner.auth).expect(200);
        expect(Object.keys(flags.body.data).sort()).toEqual(['f0', 'f1', 'f2']);
        expect((await rollback(3).expect(200)).body.data).toEqual({ version: 10, restored: 1 });
      } finally {
        await before.close();
      }
    });
  });
});
