import { TestSession } from './support/session';

/**
 * Reflag's Management API at its own paths (`/api/…`), in its shapes: what its SDK, its CLI and scripts written
 * against its documentation send, answered from this service's apps, environments, flags and overrides.
 */
describe('Reflag Management API compatibility', () => {
  const s = TestSession.perSuite({ BURST_TOKEN_LIMIT: '0' });
  const reflagError = (code: string, message: string) => ({ error: { code, message } });
  const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  /** The environments of an app as Reflag lists them, in creation order. */
  const envHeaders = (envs: Record<string, string>, versions: Record<string, number> = {}) =>
    ['development', 'staging', 'production'].map((name, order) => ({
      id: envs[name],
      name,
      isProduction: name === 'production',
      order,
      flagStateVersion: versions[name] ?? 0,
    }));

  describe('apps, environments and the bootstrap', () => {
    it('bootstraps the Reflag CLI: the caller as the org, its apps with their environments, production marked', async () => {
      const { user, app } = await s.newUserWithApp();
      const other = await s.newApp(user);
      const res = await s.http().get('/api/bootstrap').set(user.auth).expect(200);
      const org = { id: user.id, name: user.email };
      expect(res.body).toEqual({
        org: {
          ...org,
          featureKeyFormat: 'custom',
          apps: [
            { org, id: app.id, name: app.name, demo: false, flagKeyFormat: 'custom', environments: envHeaders(app.envs) },
            { org, id: other.id, name: other.name, demo: false, flagKeyFormat: 'custom', environments: envHeaders(other.envs) },
          ],
        },
        user: { id: user.id, name: user.email, email: user.email },
      });
    });

    it("with an app's mgmt_ key: just its app, the owner's account as the org", async () => {
      const { user, app } = await s.newUserWithApp();
      await s.newApp(user);
      const key = await s
        .http()
        .post(`/api/v1/apps/${app.id}/api-keys`)
        .set(user.auth)
        .send({ name: 'ci', scopes: ['apps:read'] });
      const auth = { Authorization: `Bearer ${key.body.data.key}` };
      const res = await s.http().get('/api/bootstrap').set(auth).expect(200);
      expect(res.body.org.id).toBe(user.id);
      expect(res.body.org.apps.map((a: { id: string }) => a.id)).toEqual([app.id]);
      expect(res.body.user).toEqual({ id: key.body.data.id, name: `Management key ${key.body.data.id}`, email: user.email });
      const apps = await s.http().get('/api/apps').set(auth).expect(200);
      expect(apps.body).toEqual({ data: [res.body.org.apps[0]] });
    });

    it('lists and gets apps and their environments in Reflag’s shapes', async () => {
      await s.flag('production', { key: 'v-bump' });
      const list = await s.http().get('/api/apps').query({ orgId: 'ignored' }).set(s.user.auth).expect(200);
      const mine = list.body.data.find((a: { id: string }) => a.id === s.appId);
      expect(mine).toEqual({
        org: { id: s.user.id, name: s.user.email },
        id: s.appId,
        name: s.appRecord.name,
        demo: false,
        flagKeyFormat: 'custom',
        environments: envHeaders(s.envs, { production: 1 }),
      });
      const one = await s.http().get(`/api/apps/${s.appId}`).set(s.user.auth).expect(200);
      expect(one.body).toEqual({ ...mine, stages: [], segments: [] });

      const envs = await s.http().get(`/api/apps/${s.appId}/environments`).set(s.user.auth).expect(200);
      expect(envs.body).toEqual({ data: envHeaders(s.envs, { production: 1 }), sortOrder: 'asc', sortBy: 'order' });
      const byName = await s
        .http()
        .get(`/api/apps/${s.appId}/environments`)
        .query({ sortBy: 'name', sortOrder: 'desc' })
        .set(s.user.auth)
        .expect(200);
      expect(byName.body.data.map((e: { name: string }) => e.name)).toEqual(['staging', 'production', 'development']);
      expect(byName.body).toMatchObject({ sortOrder: 'desc', sortBy: 'name' });
      const bad = await s.http().get(`/api/apps/${s.appId}/environments`).query({ sortBy: 'color' }).set(s.user.auth).expect(400);
      expect(bad.body).toEqual(reflagError('invalid_request', 'sortBy must be name or order'));
    });

    it("lists an app's flags once per key across its environments", async () => {
      const a = await s.newApp();
      await s.flag('development', { key: 'only-dev' }, a);
      await s.flag('production', { key: 'both', type: 'string', value: 'x' }, a);
      await s.flag('development', { key: 'both', type: 'string', value: 'y' }, a);
      const res = await s.http().get(`/api/apps/${a.id}/flags`).set(s.user.auth).expect(200);
      const header = (key: string) => ({
        id: key,
        key,
        name: key,
        archived: false,
        stale: false,
        permanent: false,
        codeRefsCleanedUp: false,
        noRecentChecks: false,
        createdAt: iso,
      });
      expect(res.body).toEqual({
        data: [header('both'), header('only-dev')],
        totalCount: 2,
        pageSize: 2,
        pageIndex: 0,
        sortBy: 'key',
        sortOrder: 'asc',
      });
    });
  });

  describe('features of an environment (what the Reflag CLI reads)', () => {
    it('lists the flags, and with includeRemoteConfigs gives typed flags their values as variants', async () => {
      const a = await s.newApp();
      await s.flag('production', { key: 'dark-mode', type: 'bool', value: false });
      await s.flag('production', { key: 'dark-mode', type: 'bool', value: false }, a);
      await s.flag('production', { key: 'theme', type: 'string', value: 'light' }, a);
      await s.flag('production', { key: 'limit', type: 'number', value: 10 }, a);
      await s.flag('production', { key: 'checkout', type: 'json', value: { steps: 3, provider: 'stripe' } }, a);
      await s
        .http()
        .patch(`/api/apps/${a.id}/flags/specific-targets/${a.envs.production}`)
        .set(s.user.auth)
        .send({
          updates: [
            { flagKey: 'theme', value: 'dark', userId: 'u1' },
            { flagKey: 'theme', value: 'light', userId: 'u2' },
            { flagKey: 'checkout', value: { steps: 2, provider: 'adyen', express: true }, companyId: 'acme' },
          ],
        })
        .expect(200);
      // As the CLI sends it: every query parameter of its FlagsQuerySchema, booleans as text.
      const query = { envId: a.envs.production, sortBy: 'key', sortOrder: 'asc', includeRemoteConfigs: 'true' };
      const res = await s.http().get(`/api/apps/${a.id}/features`).query(query).set(s.user.auth).expect(200);
      const feature = (key: string, type: string, payloads: Array<[string, unknown]>) => ({
        id: key,
        key,
        name: key,
        description: null,
        stage: null,
        type,
        remoteConfigs: payloads.length ? [{ key, variants: payloads.map(([k, payload]) => ({ variant: { key: k, payload } })) }] : [],
      });
      expect(res.body).toEqual({
        data: [
          feature('checkout', 'json', [
            ['default', { steps: 3, provider: 'stripe' }],
            ['target-1', { steps: 2, provider: 'adyen', express: true }],
          ]),
          feature('dark-mode', 'bool', []),
          feature('limit', 'number', [['default', 10]]),
          feature('theme', 'string', [
            ['default', 'light'],
            ['target-1', 'dark'],
          ]),
        ],
        metadata: {},
        totalCount: 4,
        pageIndex: 0,
        pageSize: 4,
        sortBy: 'key',
        sortOrder: 'asc',
      });
      const plain = await s
        .http()
        .get(`/api/apps/${a.id}/features`)
        .query({ ...query, includeRemoteConfigs: 'false', sortOrder: 'desc', pageSize: 3, pageIndex: 0 })
        .set(s.user.auth)
        .expect(200);
      expect(plain.body.data.map((f: { key: string; remoteConfigs: unknown[] }) => [f.key, f.remoteConfigs])).toEqual([
        ['theme', []],
        ['limit', []],
        ['dark-mode', []],
      ]);
      expect(plain.body).toMatchObject({ totalCount: 4, pageSize: 3, pageIndex: 0, sortOrder: 'desc' });
      const missing = await s.http().get(`/api/apps/${a.id}/features`).set(s.user.auth).expect(400);
      expect(missing.body).toEqual(reflagError('invalid_request', 'envId is required'));
      const unknown = await s.http().get(`/api/apps/${a.id}/features`).query({ envId: 'env_nope' }).set(s.user.auth).expect(404);
      expect(unknown.body).toEqual(reflagError('not_found', 'Environment not found'));
    });
  });

  describe('specific targets', () => {
    it("runs Reflag's documented example verbatim and answers {data: [flagTargeting]}, one version with its description", async () => {
      const a = await s.newApp();
      await s.flag('production', { key: 'new-checkout-flow', type: 'bool', value: false }, a);
      const apiToken = (
        await s
          .http()
          .post(`/api/v1/apps/${a.id}/api-keys`)
          .set(s.user.auth)
          .send({ name: 'm', scopes: ['flags:write'] })
      ).body.data.key;
      const appId = a.id;
      const envId = a.envs.production;
      const response = await fetch(`${await s.url()}/api/apps/${appId}/flags/specific-targets/${envId}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiToken}` },
        body: JSON.stringify({
          updates: [{ flagKey: 'new-checkout-flow', value: true, companyId: 'acme-corp' }],
          changeDescription: 'Enabled new checkout flow for Acme Corp in prod',
        }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: Array<Record<string, unknown>> };
      expect(body).toEqual({
        data: [
          {
            flagKey: 'new-checkout-flow',
            version: 2,
            updatedAt: iso,
            specificTargets: { true: { companyIds: ['acme-corp'], userIds: [] } },
          },
        ],
      });
      const changes = await s.http().get('/api/v1/changes').query({ appId, env: 'production' }).set(s.user.auth).expect(200);
      expect(changes.body.data).toHaveLength(2);
      expect(changes.body.data[0]).toMatchObject({
        version: 2,
        action: 'targets',
        changeDescription: 'Enabled new checkout flow for Acme Corp in prod',
        changes: [{ key: 'new-checkout-flow', targetType: 'company', targetId: 'acme-corp', before: null, after: true }],
      });

      const read = await s.http().get(`/api/apps/${appId}/flags/new-checkout-flow/targeting/${envId}`).set(s.user.auth).expect(200);
      expect(read.body).toEqual({ ...body.data[0], updatedAt: iso });
    });

    it('keeps non-boolean values: the key of specificTargets is the value as JSON', async () => {
      const a = await s.newApp();
      await s.flag('staging', { key: 'color', type: 'string', value: 'red' }, a);
      await s.flag('staging', { key: 'limit', type: 'number', value: 1 }, a);
      await s.flag('staging', { key: 'cfg', type: 'json', value: { a: 1 } }, a);
      await s.flag('staging', { key: 'on', type: 'bool', value: false }, a);
      const res = await s
        .http()
        .patch(`/api/apps/${a.id}/flags/specific-targets/staging`)
        .set(s.user.auth)
        .send({
          updates: [
            { flagKey: 'color', value: 'blue', userId: 'u2' },
            { flagKey: 'color', value: 'blue', companyId: 'acme' },
            { flagKey: 'color', value: 'green', userId: 'u1' },
            { flagKey: 'limit', value: 3, userId: 'u1' },
            { flagKey: 'cfg', value: { b: [2] }, companyId: 'acme' },
            { flagKey: 'on', value: false, userId: 'u1' },
            { flagKey: 'on', value: true, userId: 'u2' },
          ],
        })
        .expect(200);
      const targeting = (flagKey: string, specificTargets: object) => ({ flagKey, version: 5, updatedAt: iso, specificTargets });
      expect(res.body).toEqual({
        data: [
          targeting('color', { '"blue"': { companyIds: ['acme'], userIds: ['u2'] }, '"green"': { companyIds: [], userIds: ['u1'] } }),
          targeting('limit', { '3': { companyIds: [], userIds: ['u1'] } }),
          targeting('cfg', { '{"b":[2]}': { companyIds: ['acme'], userIds: [] } }),
          targeting('on', { false: { companyIds: [], userIds: ['u1'] }, true: { companyIds: [], userIds: ['u2'] } }),
        ],
      });
      // The runtime serves them.
      const key = await s.key('staging', 'sdk', a);
      const flags = (
        await s
          .http()
          .post('/api/v1/evaluate')
          .set(key.auth)
          .send({ context: { userId: 'u1', companyId: 'acme' } })
      ).body.data.flags;
      expect([flags.color.value, flags.limit.value, flags.cfg.value, flags.on.value]).toEqual(['green', 3, { b: [2] }, false]);

      const removed = await s
        .http()
        .patch(`/api/apps/${a.id}/flags/specific-targets/${a.envs.staging}`)
        .set(s.user.auth)
        .send({ updates: [{ flagKey: 'color', value: null, userId: 'u1' }] })
        .expect(200);
      expect(removed.body.data).toEqual(
        [targeting('color', { '"blue"': { companyIds: ['acme'], userIds: ['u2'] } })].map((t) => ({ ...t, version: 6 })),
      );
      const none = await s.http().get(`/api/apps/${a.id}/flags/limit/targeting/staging`).set(s.user.auth).expect(200);
      // A read names the environment's current version: the write to another flag raised it too.
      expect(none.body).toEqual({ ...targeting('limit', { '3': { companyIds: [], userIds: ['u1'] } }), version: 6 });
      expect((await s.http().get(`/api/apps/${a.id}/flags/ghost/targeting/staging`).set(s.user.auth).expect(404)).body).toEqual(
        reflagError('not_found', 'Flag not found'),
      );
    });

    it("is all or nothing, and answers errors in Reflag's shape with the project's statuses and messages", async () => {
      const a = await s.newApp();
      await s.flag('production', { key: 'n', type: 'number', value: 1 }, a);
      const url = `/api/apps/${a.id}/flags/specific-targets/${a.envs.production}`;
      const patch = (body: object) => s.http().patch(url).set(s.user.auth).send(body);
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
      expect((await patch({ updates: [{ flagKey: 'n', value: 2 }] }).expect(400)).body).toEqual(
        reflagError('invalid_request', 'updates[0] must have exactly one of userId or companyId'),
      );
      expect((await patch({ updates: [] }).expect(400)).body).toEqual(
        reflagError('invalid_request', 'updates must contain at least 1 elements'),
      );
      expect((await patch({}).expect(400)).body).toEqual(reflagError('invalid_request', 'updates is required'));
      const several = await patch({ updates: [{ flagKey: 'n', value: 2, userId: 'x'.repeat(257), extra: 1 }] }).expect(400);
      expect(several.body).toEqual({
        error: { code: 'invalid_request', message: 'Unknown field: updates.0.extra' },
        issues: {
          'updates.0.extra': ['Unknown field: updates.0.extra'],
          'updates.0.userId': ['updates.0.userId must be shorter than or equal to 256 characters'],
        },
      });
      const stale = await s
        .http()
        .patch(url)
        .set(s.user.auth)
        .set('If-Match', '"0"')
        .send({ updates: [{ flagKey: 'n', value: 2, userId: 'u' }] });
      expect({ status: stale.status, body: stale.body }).toEqual({ status: 412, body: reflagError('not_possible', 'Version conflict') });
      const flags = await s.http().get('/api/v1/flags').query({ appId: a.id, env: 'production' }).set(s.user.auth);
      expect(flags.headers.etag).toBe('"1"');
      expect((await s.http().get(`/api/apps/${a.id}/flags/n/targeting/production`).set(s.user.auth)).body.specificTargets).toEqual({});
    });
  });

  describe('flags of a company or a user', () => {
    it('lists every flag with its value for the entity and its specific value; PATCH sets and removes them in one version', async () => {
      const a = await s.newApp();
      await s.flag('production', { key: 'beta', type: 'bool', value: false }, a);
      await s.flag('production', { key: 'plan', type: 'string', value: 'basic' }, a);
      const base = `/api/apps/${a.id}/envs/${a.envs.production}/companies/acme/flags`;
      const entityFlag = (key: string, value: unknown, specific: unknown) => ({
        id: key,
        key,
        name: key,
        createdAt: iso,
        value,
        specificTargetValue: specific,
        specificallyTargetedValue: specific,
        firstExposureAt: null,
        lastExposureAt: null,
        lastCheckAt: null,
        exposureCount: 0,
        firstTrackAt: null,
        lastTrackAt: null,
        trackCount: 0,
      });
      const page = (data: unknown[]) => ({ data, totalCount: data.length, pageSize: data.length, pageIndex: 0 });
      expect((await s.http().get(base).set(s.user.auth).expect(200)).body).toEqual(
        page([entityFlag('beta', false, null), entityFlag('plan', 'basic', null)]),
      );

      const set = await s
        .http()
        .patch(base)
        .set(s.user.auth)
        .send({
          updates: [
            { flagKey: 'beta', specificTargetValue: true },
            { flagKey: 'plan', specificallyTargetedValue: 'enterprise' },
          ],
          changeDescription: 'Acme beta',
          notifications: ['slack'],
        })
        .expect(200);
      expect(set.body).toEqual(page([entityFlag('beta', true, true), entityFlag('plan', 'enterprise', 'enterprise')]));
      const changes = await s.http().get('/api/v1/changes').query({ appId: a.id, env: 'production', limit: 1 }).set(s.user.auth);
      expect(changes.body.data[0]).toMatchObject({ version: 3, action: 'targets', changeDescription: 'Acme beta' });

      // Reflag API 2.0's name for it, and null removes.
      const unset = await s
        .http()
        .patch(base)
        .set(s.user.auth)
        .send({ updates: [{ flagKey: 'beta', value: null }] })
        .expect(200);
      expect(unset.body.data[0]).toEqual(entityFlag('beta', false, null));
      expect((await s.http().get(`/api/apps/${a.id}/flags/plan/targeting/production`).set(s.user.auth)).body.specificTargets).toEqual({
        '"enterprise"': { companyIds: ['acme'], userIds: [] },
      });

      const both = await s
        .http()
        .patch(base)
        .set(s.user.auth)
        .send({ updates: [{ flagKey: 'beta', specificTargetValue: true, value: true }] });
      expect({ status: both.status, body: both.body }).toEqual({
        status: 400,
        body: reflagError('invalid_request', 'updates[0] must have exactly one of specificTargetValue, specificallyTargetedValue, value'),
      });
      const partial = await s
        .http()
        .patch(base)
        .set(s.user.auth)
        .send({
          updates: [
            { flagKey: 'beta', specificTargetValue: true },
            { flagKey: 'plan', specificTargetValue: 7 },
          ],
        })
        .expect(400);
      expect(partial.body).toEqual(reflagError('invalid_request', 'Invalid value for flag type string: plan'));
      expect((await s.http().get(base).set(s.user.auth)).body.data[0].specificTargetValue).toBeNull();
    });

    it("resolves a user's value as the runtime does (user override, then rollout bucket), by environment id or name", async () => {
      const a = await s.newApp();
      await s.flag('staging', { key: 'split', type: 'bool', value: false }, a);
      await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ appId: a.id, env: 'staging', key: 'split', rollout: { percentage: 100, value: true } })
        .expect(200);
      const user = await s.http().get(`/api/apps/${a.id}/envs/staging/users/u-9/flags`).set(s.user.auth).expect(200);
      expect(user.body.data[0]).toMatchObject({ key: 'split', value: true, specificTargetValue: null });
      const company = await s.http().get(`/api/apps/${a.id}/envs/${a.envs.staging}/companies/c-9/flags`).set(s.user.auth).expect(200);
      expect(company.body.data[0]).toMatchObject({ key: 'split', value: false, specificTargetValue: null });
      await s
        .http()
        .patch(`/api/apps/${a.id}/envs/staging/users/u-9/flags`)
        .set(s.user.auth)
        .send({ updates: [{ flagKey: 'split', specificTargetValue: false }] })
        .expect(200);
      const overridden = await s.http().get(`/api/apps/${a.id}/envs/staging/users/u-9/flags`).set(s.user.auth).expect(200);
      expect(overridden.body.data[0]).toMatchObject({ value: false, specificTargetValue: false });
      const long = await s
        .http()
        .get(`/api/apps/${a.id}/envs/staging/users/${'x'.repeat(257)}/flags`)
        .set(s.user.auth)
        .expect(400);
      expect(long.body).toEqual(reflagError('invalid_request', 'userId must be at most 256 characters'));
    });
  });

  describe('authentication and tenancy', () => {
    const routes = (appId: string, envId: string): Array<[string, string, object?]> => [
      ['get', `/api/apps/${appId}`],
      ['get', `/api/apps/${appId}/environments`],
      ['get', `/api/apps/${appId}/flags`],
      ['get', `/api/apps/${appId}/features?envId=${envId}`],
      ['get', `/api/apps/${appId}/flags/f/targeting/${envId}`],
      ['patch', `/api/apps/${appId}/flags/specific-targets/${envId}`, { updates: [{ flagKey: 'f', value: true, userId: 'u' }] }],
      ['get', `/api/apps/${appId}/envs/${envId}/companies/c/flags`],
      ['patch', `/api/apps/${appId}/envs/${envId}/companies/c/flags`, { updates: [{ flagKey: 'f', specificTargetValue: true }] }],
      ['get', `/api/apps/${appId}/envs/${envId}/users/u/flags`],
      ['patch', `/api/apps/${appId}/envs/${envId}/users/u/flags`, { updates: [{ flagKey: 'f', specificTargetValue: true }] }],
    ];
    const call = (method: string, url: string, body?: object) => {
      const req = method === 'get' ? s.http().get(url) : s.http().patch(url);
      return body ? req.send(body) : req;
    };

    it("answers 404 for another tenant's app, to a cli_ token and to another app's mgmt_ key alike, and changes nothing", async () => {
      const { user: stranger, app: theirs } = await s.newUserWithApp();
      await s.flag('production', { key: 'f' }, theirs).catch(() => undefined);
      await s
        .http()
        .post('/api/v1/flags')
        .set(stranger.auth)
        .send({ appId: theirs.id, env: 'production', key: 'f', type: 'bool', value: true });
      const ownKey = await s.managementKey();
      for (const auth of [s.user.auth, ownKey.auth]) {
        for (const [method, url, body] of routes(theirs.id, theirs.envs.production)) {
          const res = await call(method, url, body).set(auth);
          expect({ method, url, status: res.status, body: res.body }).toEqual({
            method,
            url,
            status: 404,
            body: reflagError('not_found', 'App not found'),
          });
        }
      }
      const version = await s.http().get('/api/v1/flags').query({ appId: theirs.id, env: 'production' }).set(stranger.auth);
      expect(version.headers.etag).toBe('"1"');
    });

    it('serves mgmt_ keys and cli_ tokens alike, within their scopes; 401 and 403 in Reflag’s shape; /api/v1 keeps its own', async () => {
      const a = await s.newApp();
      await s.flag('production', { key: 'f', type: 'bool', value: false }, a);
      const scoped = async (scopes: string[]) => {
        const res = await s
          .http()
          .post(`/api/v1/apps/${a.id}/api-keys`)
          .set(s.user.auth)
          .send({ name: `k${scopes.length}`, scopes });
        return { Authorization: `Bearer ${res.body.data.key}` };
      };
      const all = await scoped(['apps:read', 'flags:read', 'flags:write']);
      const readOnly = await scoped(['flags:read']);
      for (const [method, url, body] of routes(a.id, a.envs.production)) {
        for (const auth of [s.user.auth, all]) {
          const res = await call(method, url, body).set(auth);
          expect({ url, method, status: res.status }).toEqual({ url, method, status: 200 });
        }
        const res = await call(method, url, body).set(readOnly);
        const allowed = method === 'get' && !url.endsWith(a.id) && !url.endsWith('/environments');
        expect({ url, method, status: res.status, body: allowed ? undefined : res.body }).toEqual({
          url,
          method,
          status: allowed ? 200 : 403,
          body: allowed ? undefined : reflagError('unauthorized', 'Insufficient permissions'),
        });
      }
      expect((await s.http().get('/api/bootstrap').expect(401)).body).toEqual(reflagError('unauthenticated', 'Not authenticated'));
      expect((await s.http().get('/api/apps').set('Authorization', 'Bearer mgmt_nope').expect(401)).body).toEqual(
        reflagError('unauthenticated', 'Not authenticated'),
      );
      // The project's own routes keep the project's error body.
      expect((await s.http().get('/api/v1/apps').expect(401)).body).toEqual({ error: 'Not authenticated' });
      expect((await s.http().get(`/api/v1/apps/${a.id}`).set(readOnly).expect(403)).body).toEqual({ error: 'Insufficient permissions' });
    });

    it('a viewer reads but cannot write (403), an editor writes', async () => {
      const viewer = await s.asMember('viewer');
      const editor = await s.asMember('editor');
      await s.flag('production', { key: 'member-flag', type: 'bool', value: false });
      const url = `/api/apps/${s.appId}/envs/${s.envs.production}/users/u/flags`;
      await s.http().get(url).set(viewer.auth).expect(200);
      const denied = await s
        .http()
        .patch(url)
        .set(viewer.auth)
        .send({ updates: [{ flagKey: 'member-flag', specificTargetValue: true }] });
      expect({ status: denied.status, body: denied.body }).toEqual({
        status: 403,
        body: reflagError('unauthorized', 'Insufficient permissions'),
      });
      await s
        .http()
        .patch(url)
        .set(editor.auth)
        .send({ updates: [{ flagKey: 'member-flag', specificTargetValue: true }] })
        .expect(200);
    });
  });
});
