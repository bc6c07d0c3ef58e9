import { DataSource } from 'typeorm';
import { flagChangeFeed } from '../examples/flag-change-feed/src';
import { startApp, type TestApp } from './support/app';
import { aFlag, aKey, aManagementKey, aMember, anApp, aUser, type TestAppRecord, type TestUser, unique } from './support/factories';
import { until } from './support/poll';

/**
 * The example extension (examples/flag-change-feed) composed into the real app: its migration runs with the
 * project's, its recorder hears the domain events, its route sits behind the shared guard.
 */
describe('Extension: flag change feed', () => {
  let t: TestApp;
  let owner: TestUser;
  let app: TestAppRecord;

  const feed = (appId: string, auth: { Authorization: string }, query: Record<string, string> = {}) =>
    t.http().get(`/api/v1/apps/${appId}/change-feed`).query(query).set(auth);

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

  beforeAll(async () => {
    t = await startApp({}, { extensions: [flagChangeFeed] });
    owner = await aUser(t);
    app = await anApp(t, owner);
  }, 60_000);
  afterAll(() => t.close());

  it("applies the extension's migration with the project's, recorded like them", async () => {
    const rows: Array<{ name: string }> = await t.app.get(DataSource).query(`SELECT name FROM schema_migrations ORDER BY timestamp`);
    const names = rows.map((r) => r.name);
    expect(names).toContain('ChangeFeed1796170320265');
    expect(names.indexOf('ChangeFeed1796170320265')).toBeGreaterThan(names.indexOf('JsonKeyOrder1764000800000'));
  });

  it('documents its route in the OpenAPI document of the app that loads it', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    const operation = doc.paths['/api/v1/apps/{id}/change-feed'].get;
    expect(operation.tags).toEqual(['Change feed']);
    expect(operation.security).toEqual([{ cli: [] }, { mgmt: [] }]);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
  });

  it('records each flag write of the app, newest first, with version, kind, keys, actor and description', async () => {
    const key = unique('flag');
    const created = await t
      .http()
      .post('/api/v1/flags')
      .set(owner.auth)
      .send({ appId: app.id, env: 'production', key, type: 'bool', value: false, changeDescription: 'dark launch' })
      .expect(201);
    const updated = await t
      .http()
      .patch('/api/v1/flags')
      .set(owner.auth)
      .send({ appId: app.id, env: 'production', key, value: true })
      .expect(200);

    const entries = await feedOf(app.id, owner.auth, 2);
    expect(entries).toEqual([
      {
        id: expect.any(Number),
        event: 'flag.changed',
        environmentId: app.envs.production,
        actor: { type: 'user', id: owner.id },
        details: { version: updated.body.data.version, kind: 'update', keys: [key], description: null },
        at: expect.any(String),
      },
      {
        id: expect.any(Number),
        event: 'flag.changed',
        environmentId: app.envs.production,
        actor: { type: 'user', id: owner.id },
        details: { version: created.body.data.version, kind: 'create', keys: [key], description: 'dark launch' },
        at: expect.any(String),
      },
    ]);
    expect(entries[0].id as number).toBeGreaterThan(entries[1].id as number);
    expect(Date.parse(entries[0].at as string)).toBeGreaterThanOrEqual(Date.parse(entries[1].at as string));
  });

  it('pages with limit and cursor, as every list does', async () => {
    const own = await anApp(t, owner);
    for (let i = 0; i < 3; i++) await aFlag(t, owner, own, 'staging');
    const all = await feedOf(own.id, owner.auth, 3);

    const first = await feed(own.id, owner.auth, { limit: '2' }).expect(200);
    expect(first.body.data).toEqual(all.slice(0, 2));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await feed(own.id, owner.auth, { limit: '2', cursor: first.body.nextCursor }).expect(200);
    expect(second.body).toEqual({ data: all.slice(2), nextCursor: null });

    const unpaged = await feed(own.id, owner.auth).expect(200);
    expect(unpaged.body).toEqual({ data: all, nextCursor: null });
    await feed(own.id, owner.auth, { cursor: 'not-a-cursor' }).expect(400, { error: 'Invalid cursor' });
    const tooMany = await feed(own.id, owner.auth, { limit: '0' }).expect(400);
    expect(tooMany.body.error).toEqual(expect.any(String));
  });

  it('records an app key as the actor', async () => {
    const own = await anApp(t, owner);
    const mk = await aManagementKey(t, owner, own, { scopes: ['flags:write', 'flags:read'] });
    await t
      .http()
      .post('/api/v1/flags')
      .set(mk.auth)
      .send({ appId: own.id, env: 'development', key: unique('flag'), type: 'bool', value: true })
      .expect(201);

    const [entry] = await feedOf(own.id, mk.auth, 1);
    expect(entry.actor).toEqual({ type: 'management_key', id: mk.id });
  });

  it('shows key revocations only to credentials that may read keys', async () => {
    const own = await anApp(t, owner);
    const runtimeKey = await aKey(t, owner, own, 'production');
    await aFlag(t, owner, own, 'production');
    await t.http().delete('/api/v1/keys').query({ keyId: runtimeKey.id }).set(owner.auth).expect(200);

    const everything = await feedOf(own.id, owner.auth, 2);
    expect(everything[0]).toEqual({
      id: expect.any(Number),
      event: 'key.revoked',
      environmentId: own.envs.production,
      actor: { type: 'user', id: owner.id },
      details: { keyId: runtimeKey.id },
      at: expect.any(String),
    });
    expect(everything[1].event).toBe('flag.changed');

    const flagsOnly = await aManagementKey(t, owner, own, { scopes: ['flags:read'] });
    const seen = await feed(own.id, flagsOnly.auth).expect(200);
    expect(seen.body.data).toEqual([everything[1]]);
  });

  it('needs flags:read (403 without it) and a credential (401)', async () => {
    const noFlags = await aManagementKey(t, owner, app, { scopes: ['apps:read', 'keys:read'] });
    await feed(app.id, noFlags.auth).expect(403, { error: 'Insufficient permissions' });
    await t.http().get(`/api/v1/apps/${app.id}/change-feed`).expect(401, { error: 'Not authenticated' });

    const cli = await t
      .http()
      .post('/api/v1/auth/tokens')
      .set(owner.auth)
      .send({ name: unique('ci'), scopes: ['apps:read'] })
      .expect(201);
    await feed(app.id, { Authorization: `Bearer ${cli.body.data.token}` }).expect(403, { error: 'Insufficient permissions' });
  });

  it("lets every member read it, and answers another tenant's app with 404, as for an app that does not exist", async () => {
    const viewer = await aUser(t);
    await aMember(t, owner, app, viewer, 'viewer');
    await feed(app.id, viewer.auth).expect(200);

    const stranger = await aUser(t);
    await feed(app.id, stranger.auth).expect(404, { error: 'App not found' });
    await feed(unique('app'), owner.auth).expect(404, { error: 'App not found' });

    const otherApp = await anApp(t, stranger);
    const otherKey = await aManagementKey(t, stranger, otherApp, { scopes: ['flags:read', 'keys:read'] });
    await feed(app.id, otherKey.auth).expect(404, { error: 'App not found' });
  });

  it("keeps each app's entries to itself", async () => {
    const mine = await anApp(t, owner);
    const stranger = await aUser(t);
    const theirs = await anApp(t, stranger);
    const { key: myKey } = await aFlag(t, owner, mine);
    await aFlag(t, stranger, theirs);

    const [entry] = await feedOf(mine.id, owner.auth, 1);
    expect(entry.details).toMatchObject({ keys: [myKey] });
    await feedOf(theirs.id, stranger.auth, 1);
  });

  it('records nothing for a write that failed', async () => {
    const own = await anApp(t, owner);
    const { key, version } = await aFlag(t, owner, own);
    await t
      .http()
      .patch('/api/v1/flags')
      .set(owner.auth)
      .send({ appId: own.id, env: 'production', key, value: false, expectedVersion: version - 1 })
      .expect(412);
    // A later write's entry arriving proves the recorder has caught up: the failed write's would have come first.
    await aFlag(t, owner, own);
    const entries = await feedOf(own.id, owner.auth, 2);
    expect(entries.map((e) => (e.details as { kind: string }).kind)).toEqual(['create', 'create']);
  });

  it("deletes an app's entries with the app", async () => {
    const own = await anApp(t, owner);
    await aFlag(t, owner, own);
    await feedOf(own.id, owner.auth, 1);

    await t.http().delete(`/api/v1/apps/${own.id}`).set(owner.auth).expect(200);

    await feed(own.id, owner.auth).expect(404, { error: 'App not found' });
    const rows: unknown[] = await t.app.get(DataSource).query(`SELECT id FROM change_feed_entries WHERE app_id = $1`, [own.id]);
    expect(rows).toEqual([]);
  });
});
