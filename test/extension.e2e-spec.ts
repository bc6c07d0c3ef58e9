import { flagChangeFeed } from '../examples/flag-change-feed/src';
import { aFlag, aManagementKey, unique } from './support/factories';
import { until } from './support/poll';
import { TestSession } from './support/session';

/**
 * The example extension (examples/flag-change-feed) composed into the real app: its migration runs with the
 * project's, its recorder hears the domain events, its route sits behind the shared guard.
 */
describe('Extension: flag change feed', () => {
  const s = TestSession.perSuite({}, { extensions: [flagChangeFeed], timeoutMs: 60_000 });

  const feed = (appId: string, auth: { Authorization: string }, query: Record<string, string> = {}) =>
    s.http().get(`/api/v1/apps/${appId}/change-feed`).query(query).set(auth);

  /** The feed once it holds `count` entries: the recorder writes after the response, so the test polls. */
  async function feedOf(appId: string, auth: { Authorization: string }, count: number) {
    const res = await until(
      () => feed(appId, auth),
      (r) => r.status !== 200 || r.body.data.length >= count,
      10_000,
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(count);
    return res.body.data as Array<Record<string, unknown>>;
  }

  it("applies the extension's migration with the project's, recorded like them", async () => {
    const rows: Array<{ name: string }> = await s.query(`SELECT name FROM schema_migrations ORDER BY timestamp`);
    const names = rows.map((r) => r.name);
    expect(names).toContain('ChangeFeed1796170320265');
    expect(names.indexOf('ChangeFeed1796170320265')).toBeGreaterThan(names.indexOf('JsonKeyOrder1764000800000'));
  });

  it('documents its route in the OpenAPI document of the app that loads it', async () => {
    const doc = (await s.http().get('/docs-json').expect(200)).body;
    const operation = doc.paths['/api/v1/apps/{id}/change-feed'].get;
    expect(operation.tags).toEqual(['Change feed']);
    expect(operation.security).toEqual([{ cli: [] }, { mgmt: [] }]);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
  });

  it('records each flag write of the app, newest first, with version, kind, keys, actor and description', async () => {
    const key = unique('flag');
    const created = await s
      .http()
      .post('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'production', key, type: 'bool', value: false, changeDescription: 'dark launch' })
      .expect(201);
    const updated = await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: s.appId, env: 'production', key, value: true })
      .expect(200);

    const entries = await feedOf(s.appId, s.user.auth, 2);
    expect(entries).toEqual([
      {
        id: expect.any(Number),
        event: 'flag.changed',
        environmentId: s.envs.production,
        actor: { type: 'user', id: s.user.id },
        details: { version: updated.body.data.version, kind: 'update', keys: [key], description: null },
        at: expect.any(String),
      },
      {
        id: expect.any(Number),
        event: 'flag.changed',
        environmentId: s.envs.production,
        actor: { type: 'user', id: s.user.id },
        details: { version: created.body.data.version, kind: 'create', keys: [key], description: 'dark launch' },
        at: expect.any(String),
      },
    ]);
    expect(entries[0].id as number).toBeGreaterThan(entries[1].id as number);
    expect(Date.parse(entries[0].at as string)).toBeGreaterThanOrEqual(Date.parse(entries[1].at as string));
  });

  it('pages with limit and cursor, as every list does', async () => {
    const own = await s.newApp();
    for (let i = 0; i < 3; i++) await s.flag('staging', {}, own);
    const all = await feedOf(own.id, s.user.auth, 3);

    const first = await feed(own.id, s.user.auth, { limit: '2' }).expect(200);
    expect(first.body.data).toEqual(all.slice(0, 2));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await feed(own.id, s.user.auth, { limit: '2', cursor: first.body.nextCursor }).expect(200);
    expect(second.body).toEqual({ data: all.slice(2), nextCursor: null });

    const unpaged = await feed(own.id, s.user.auth).expect(200);
    expect(unpaged.body).toEqual({ data: all, nextCursor: null });
    await feed(own.id, s.user.auth, { cursor: 'not-a-cursor' }).expect(400, { error: 'Invalid cursor' });
    const tooMany = await feed(own.id, s.user.auth, { limit: '0' }).expect(400);
    expect(tooMany.body.error).toEqual(expect.any(String));
  });

  it('records an app key as the actor', async () => {
    const own = await s.newApp();
    const mk = await aManagementKey(s, s.user, own, { scopes: ['flags:write', 'flags:read'] });
    await s
      .http()
      .post('/api/v1/flags')
      .set(mk.auth)
      .send({ appId: own.id, env: 'development', key: unique('flag'), type: 'bool', value: true })
      .expect(201);

    const [entry] = await feedOf(own.id, mk.auth, 1);
    expect(entry.actor).toEqual({ type: 'management_key', id: mk.id });
  });

  it('shows key revocations only to credentials that may read keys', async () => {
    const own = await s.newApp();
    const runtimeKey = await s.key('production', 'sdk', own);
    await s.flag('production', {}, own);
    await s.http().delete('/api/v1/keys').query({ keyId: runtimeKey.id }).set(s.user.auth).expect(200);

    const everything = await feedOf(own.id, s.user.auth, 2);
    expect(everything[0]).toEqual({
      id: expect.any(Number),
      event: 'key.revoked',
      environmentId: own.envs.production,
      actor: { type: 'user', id: s.user.id },
      details: { keyId: runtimeKey.id },
      at: expect.any(String),
    });
    expect(everything[1].event).toBe('flag.changed');

    const flagsOnly = await aManagementKey(s, s.user, own, { scopes: ['flags:read'] });
    const seen = await feed(own.id, flagsOnly.auth).expect(200);
    expect(seen.body.data).toEqual([everything[1]]);
  });

  it('needs flags:read (403 without it) and a credential (401)', async () => {
    const noFlags = await s.managementKey({ scopes: ['apps:read', 'keys:read'] });
    await feed(s.appId, noFlags.auth).expect(403, { error: 'Insufficient permissions' });
    await s.http().get(`/api/v1/apps/${s.appId}/change-feed`).expect(401, { error: 'Not authenticated' });

    const cli = await s
      .http()
      .post('/api/v1/auth/tokens')
      .set(s.user.auth)
      .send({ name: unique('ci'), scopes: ['apps:read'] })
      .expect(201);
    await feed(s.appId, { Authorization: `Bearer ${cli.body.data.token}` }).expect(403, { error: 'Insufficient permissions' });
  });

  it("lets every member read it, and answers another tenant's app with 404, as for an app that does not exist", async () => {
    const viewer = await s.asMember('viewer');
    await feed(s.appId, viewer.auth).expect(200);

    const stranger = await s.newUser();
    await feed(s.appId, stranger.auth).expect(404, { error: 'App not found' });
    await feed(unique('app'), s.user.auth).expect(404, { error: 'App not found' });

    const otherApp = await s.newApp(stranger);
    const otherKey = await aManagementKey(s, stranger, otherApp, { scopes: ['flags:read', 'keys:read'] });
    await feed(s.appId, otherKey.auth).expect(404, { error: 'App not found' });
  });

  it("keeps each app's entries to itself", async () => {
    const mine = await s.newApp();
    const stranger = await s.newUser();
    const theirs = await s.newApp(stranger);
    const { key: myKey } = await s.flag('production', {}, mine);
    await aFlag(s, stranger, theirs);

    const [entry] = await feedOf(mine.id, s.user.auth, 1);
    expect(entry.details).toMatchObject({ keys: [myKey] });
    await feedOf(theirs.id, stranger.auth, 1);
  });

  it('records nothing for a write that failed', async () => {
    const own = await s.newApp();
    const { key, version } = await s.flag('production', {}, own);
    await s
      .http()
      .patch('/api/v1/flags')
      .set(s.user.auth)
      .send({ appId: own.id, env: 'production', key, value: false, expectedVersion: version - 1 })
      .expect(412);
    // A later write's entry arriving proves the recorder has caught up: the failed write's would have come first.
    await s.flag('production', {}, own);
    const entries = await feedOf(own.id, s.user.auth, 2);
    expect(entries.map((e) => (e.details as { kind: string }).kind)).toEqual(['create', 'create']);
  });

  it("deletes an app's entries with the app", async () => {
    const own = await s.newApp();
    await s.flag('production', {}, own);
    await feedOf(own.id, s.user.auth, 1);

    await s.http().delete(`/api/v1/apps/${own.id}`).set(s.user.auth).expect(200);

    await feed(own.id, s.user.auth).expect(404, { error: 'App not found' });
    const rows: unknown[] = await s.query(`SELECT id FROM change_feed_entries WHERE app_id = $1`, [own.id]);
    expect(rows).toEqual([]);
  });
});
