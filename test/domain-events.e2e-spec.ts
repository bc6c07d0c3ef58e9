import { DomainEvents, type DomainEvent, type DomainEventMap, type DomainEventName } from '@superflag/core';
import { aFlag, aKey, aManagementKey, aMember, type TestAppRecord, type TestUser, unique } from './support/factories';
import { TestSession } from './support/session';

/**
 * The extension API (docs/extending.md): each write announces its event once, with the documented payload, after
 * its transaction committed; a write that fails announces nothing. Each handler below reads the change back
 * through the API while the event is being delivered: if an event went out before the commit, that read would
 * not see it (and on rollback, the event would announce something that never happened).
 */

interface Recorded {
  name: DomainEventName;
  payload: DomainEvent['payload'];
  /** What the read-back of this event's kind saw, started from inside the handler. */
  seen: Promise<unknown>;
}

type ReadBack = { [K in DomainEventName]: (payload: DomainEventMap[K]) => Promise<unknown> };

describe('Domain events', () => {
  const s = TestSession.perSuite({ LIMIT_ENVS_PER_APP: '4', LIMIT_KEYS_PER_ENV: '2' }, { operator: true, timeoutMs: 60_000 });
  const recorded: Recorded[] = [];

  const get = (path: string, query: Record<string, string> = {}) => s.http().get(path).query(query).set(s.user.auth);

  /** Each event's change as the API shows it, read by the owner of the app it happened in. */
  const readBack: ReadBack = {
    // Also straight from the database, asked at once on a connection of its own: the API's read comes later (over
    // HTTP, after authentication), so on PostgreSQL only this one would catch an event sent before the commit.
    'flag.changed': async (p) => {
      const stored = s.query<{ version: number }>('SELECT version FROM environments WHERE id = $1', [p.environmentId]);
      const served = await get('/api/v1/flags', { appId: p.appId, env: p.environmentId });
      return { stored: Number((await stored)[0]?.version), served: Number(JSON.parse(served.headers.etag)) };
    },
    'environment.created': async (p) => (await get('/api/v1/envs', { appId: p.appId })).body.data.map((e: { id: string }) => e.id),
    'environment.deleted': async (p) => (await get('/api/v1/envs', { appId: p.appId })).body.data.map((e: { id: string }) => e.id),
    'key.created': async (p) =>
      (await get('/api/v1/keys', { appId: p.appId, env: p.environmentId })).body.data.map((k: { id: string }) => k.id),
    'key.revoked': async (p) =>
      (await get('/api/v1/keys', { appId: p.appId, env: p.environmentId })).body.data.map((k: { id: string }) => k.id),
    'app.created': async (p) => (await get(`/api/v1/apps/${p.appId}`)).status,
    'app.deleted': async (p) => (await get(`/api/v1/apps/${p.appId}`)).status,
    'member.added': async (p) => (await get(`/api/v1/apps/${p.appId}/members`)).body.data.map((m: { userId: string }) => m.userId),
    'member.removed': async (p) => (await get(`/api/v1/apps/${p.appId}/members`)).body.data.map((m: { userId: string }) => m.userId),
    'plan.changed': async (p) => (await get(`/api/v1/apps/${p.appId}/audit`, { limit: '1' })).body.data[0]?.details,
  };

  /** Runs a write and returns the events it emitted: all of them, announced by the time its response arrived. */
  async function emittedBy<T>(write: () => PromiseLike<T>): Promise<{ result: T; events: Recorded[] }> {
    const from = recorded.length;
    const result = await write();
    return { result, events: recorded.slice(from) };
  }

  /** The one event of `name` the write emitted (failing the test when there is none, or more than one). */
  function only<K extends DomainEventName>(events: Recorded[], name: K): { payload: DomainEventMap[K]; seen: Promise<unknown> } {
    const matching = events.filter((e) => e.name === name);
    expect(matching.map((e) => e.name)).toEqual([name]);
    return matching[0] as unknown as { payload: DomainEventMap[K]; seen: Promise<unknown> };
  }

  const byUser = (user: TestUser) => ({ type: 'user', id: user.id });

  beforeAll(() => {
    s.get(DomainEvents).onAny((event) => {
      const read = readBack[event.name] as (payload: DomainEvent['payload']) => Promise<unknown>;
      // A failed read is the value seen (the assertion shows it), never an unhandled rejection.
      recorded.push({ name: event.name, payload: event.payload, seen: read(event.payload).catch((err: unknown) => err) });
    });
  });
  // Set-up writes emit too: their read-backs finish before the next test, and before the app closes under them.
  afterEach(() => Promise.all(recorded.map((r) => r.seen)));

  describe('flag.changed', () => {
    let app: TestAppRecord;
    beforeAll(async () => {
      app = await s.newApp();
    });

    it('is emitted once by a create, with the new version, the key, the actor and the change description', async () => {
      const key = unique('flag');
      const { result, events } = await emittedBy(() =>
        s
          .http()
          .post('/api/v1/flags')
          .set(s.user.auth)
          .send({ appId: app.id, env: 'production', key, type: 'bool', value: true, changeDescription: 'launch' })
          .expect(201),
      );
      const event = only(events, 'flag.changed');
      expect(events).toHaveLength(1);
      expect(event.payload).toEqual({
        appId: app.id,
        environmentId: app.envs.production,
        version: result.body.data.version,
        keys: [key],
        kind: 'create',
        actor: byUser(s.user),
        description: 'launch',
      });
      expect(await event.seen).toEqual({ stored: result.body.data.version, served: result.body.data.version });
    });

    it('is emitted once by an update through an app key, naming the key as the actor', async () => {
      const { key } = await aFlag(s, s.user, app, 'staging');
      const mk = await aManagementKey(s, s.user, app, { scopes: ['flags:write', 'flags:read'] });
      const { result, events } = await emittedBy(() =>
        s.http().patch('/api/v1/flags').set(mk.auth).send({ appId: app.id, env: 'staging', key, value: false }).expect(200),
      );
      const event = only(events, 'flag.changed');
      expect(event.payload).toEqual({
        appId: app.id,
        environmentId: app.envs.staging,
        version: result.body.data.version,
        keys: [key],
        kind: 'update',
        actor: { type: 'management_key', id: mk.id },
        description: null,
      });
      expect(await event.seen).toEqual({ stored: result.body.data.version, served: result.body.data.version });
    });

    it('is emitted once by a delete', async () => {
      const { key } = await aFlag(s, s.user, app, 'development');
      const { result, events } = await emittedBy(() =>
        s.http().delete('/api/v1/flags').query({ appId: app.id, env: 'development', key }).set(s.user.auth).expect(200),
      );
      const event = only(events, 'flag.changed');
      expect(event.payload).toMatchObject({
        appId: app.id,
        environmentId: app.envs.development,
        version: result.body.data.version,
        keys: [key],
        kind: 'delete',
      });
      expect(await event.seen).toEqual({ stored: result.body.data.version, served: result.body.data.version });
    });

    it('is emitted once by a bulk write of many flags, naming each', async () => {
      const keys = [(await aFlag(s, s.user, app)).key, (await aFlag(s, s.user, app)).key, (await aFlag(s, s.user, app)).key];
      const { result, events } = await emittedBy(() =>
        s
          .http()
          .patch('/api/v1/flags/bulk')
          .set(s.user.auth)
          .send({ appId: app.id, env: 'production', flags: Object.fromEntries(keys.map((k) => [k, false])) })
          .expect(200),
      );
      const event = only(events, 'flag.changed');
      expect(event.payload).toMatchObject({
        appId: app.id,
        environmentId: app.envs.production,
        version: result.body.data.version,
        kind: 'bulk',
        actor: byUser(s.user),
      });
      expect([...event.payload.keys].sort()).toEqual([...keys].sort());
      expect(await event.seen).toEqual({ stored: result.body.data.version, served: result.body.data.version });
    });

    it('is emitted once by a targets write', async () => {
      const { key } = await aFlag(s, s.user, app, 'production');
      const { result, events } = await emittedBy(() =>
        s
          .http()
          .patch(`/api/apps/${app.id}/flags/specific-targets/${app.envs.production}`)
          .set(s.user.auth)
          .send({ updates: [{ flagKey: key, userId: 'user-42', value: false }] })
          .expect(200),
      );
      const event = only(events, 'flag.changed');
      expect(event.payload).toMatchObject({
        appId: app.id,
        environmentId: app.envs.production,
        version: result.body.data[0].version,
        keys: [key],
        kind: 'targets',
      });
      expect(await event.seen).toEqual({ stored: result.body.data[0].version, served: result.body.data[0].version });
    });

    it('is emitted once by a rollback, naming the flags it restored', async () => {
      const own = await s.newApp();
      const first = await aFlag(s, s.user, own, 'production');
      const second = await aFlag(s, s.user, own, 'production');
      const { result, events } = await emittedBy(() =>
        s
          .http()
          .post('/api/v1/envs/rollback')
          .set(s.user.auth)
          .send({ appId: own.id, env: 'production', version: first.version })
          .expect(200),
      );
      const event = only(events, 'flag.changed');
      expect(event.payload).toMatchObject({
        appId: own.id,
        environmentId: own.envs.production,
        version: result.body.data.version,
        keys: [second.key],
        kind: 'rollback',
      });
      expect(await event.seen).toEqual({ stored: result.body.data.version, served: result.body.data.version });
    });

    it('is not emitted by a write that fails: a version conflict (412), an existing key (409), an unknown flag (404)', async () => {
      const { key, version } = await aFlag(s, s.user, app, 'production');
      const { events } = await emittedBy(async () => {
        await s
          .http()
          .patch('/api/v1/flags')
          .set(s.user.auth)
          .send({ appId: app.id, env: 'production', key, value: false, expectedVersion: version - 1 })
          .expect(412);
        await s
          .http()
          .post('/api/v1/flags')
          .set(s.user.auth)
          .send({ appId: app.id, env: 'production', key, type: 'bool', value: true })
          .expect(409);
        await s
          .http()
          .delete('/api/v1/flags')
          .query({ appId: app.id, env: 'production', key: unique('missing') })
          .set(s.user.auth)
          .expect(404);
        await s
          .http()
          .patch('/api/v1/flags/bulk')
          .set(s.user.auth)
          .send({ appId: app.id, env: 'production', flags: { [key]: 'not a bool' } })
          .expect(400);
      });
      expect(events).toEqual([]);
    });
  });

  describe('app.created and app.deleted', () => {
    it('app.created is emitted once, with the owner, followed by environment.created for each default environment', async () => {
      const name = unique('app');
      const { result, events } = await emittedBy(() => s.http().post('/api/v1/apps').set(s.user.auth).send({ name }).expect(201));
      const appId = result.body.data.id;
      const event = only(events, 'app.created');
      expect(event.payload).toEqual({ appId, name, ownerId: s.user.id });
      expect(await event.seen).toBe(200);

      const envs = (await get('/api/v1/envs', { appId })).body.data as Array<{ id: string; name: string }>;
      const created = events.filter((e) => e.name === 'environment.created').map((e) => e.payload);
      expect(created).toEqual(
        expect.arrayContaining(envs.map((env) => ({ appId, environmentId: env.id, name: env.name, actor: byUser(s.user) }))),
      );
      expect(created).toHaveLength(envs.length);
      expect(events.map((e) => e.name)).toEqual(['app.created', ...envs.map(() => 'environment.created')]);
    });

    it('app.created is not emitted when the name is taken (409)', async () => {
      const app = await s.newApp();
      const { events } = await emittedBy(() => s.http().post('/api/v1/apps').set(s.user.auth).send({ name: app.name }).expect(409));
      expect(events).toEqual([]);
    });

    it('app.deleted is emitted once, with every environment the app had, and nothing else', async () => {
      const app = await s.newApp();
      const { events } = await emittedBy(() => s.http().delete(`/api/v1/apps/${app.id}`).set(s.user.auth).expect(200));
      const event = only(events, 'app.deleted');
      expect(events).toHaveLength(1);
      expect(event.payload).toEqual({
        appId: app.id,
        environmentIds: expect.arrayContaining(Object.values(app.envs)),
        actor: byUser(s.user),
      });
      expect(event.payload.environmentIds).toHaveLength(Object.values(app.envs).length);
      expect(await event.seen).toBe(404);
    });

    it('app.deleted is not emitted when an editor tries (403) or the app is unknown (404)', async () => {
      const app = await s.newApp();
      const editor = await s.newUser();
      await aMember(s, s.user, app, editor, 'editor');
      const { events } = await emittedBy(async () => {
        await s.http().delete(`/api/v1/apps/${app.id}`).set(editor.auth).expect(403);
        await s
          .http()
          .delete(`/api/v1/apps/${unique('app')}`)
          .set(s.user.auth)
          .expect(404);
      });
      expect(events).toEqual([]);
    });
  });

  describe('environment.created and environment.deleted', () => {
    it('environment.created is emitted once by adding an environment', async () => {
      const app = await s.newApp();
      const { result, events } = await emittedBy(() =>
        s.http().post('/api/v1/envs').set(s.user.auth).send({ appId: app.id, name: 'qa' }).expect(201),
      );
      const event = only(events, 'environment.created');
      expect(events).toHaveLength(1);
      expect(event.payload).toEqual({ appId: app.id, environmentId: result.body.data.id, name: 'qa', actor: byUser(s.user) });
      expect(await event.seen).toContain(result.body.data.id);
    });

    it('environment.created is not emitted past the limit (409) or for a name the app has (409)', async () => {
      const app = await s.newApp();
      await s.http().post('/api/v1/envs').set(s.user.auth).send({ appId: app.id, name: 'qa' }).expect(201);
      const { events } = await emittedBy(async () => {
        await s.http().post('/api/v1/envs').set(s.user.auth).send({ appId: app.id, name: 'qa' }).expect(409);
        const over = await s.http().post('/api/v1/envs').set(s.user.auth).send({ appId: app.id, name: 'perf' }).expect(409);
        expect(over.body).toEqual({ error: 'Environments per app limit reached (4)' });
      });
      expect(events).toEqual([]);
    });

    it('environment.deleted is emitted once by deleting an added environment', async () => {
      const app = await s.newApp();
      const created = await s.http().post('/api/v1/envs').set(s.user.auth).send({ appId: app.id, name: 'qa' }).expect(201);
      const { events } = await emittedBy(() =>
        s.http().delete('/api/v1/envs').query({ appId: app.id, env: 'qa' }).set(s.user.auth).expect(200),
      );
      const event = only(events, 'environment.deleted');
      expect(events).toHaveLength(1);
      expect(event.payload).toEqual({ appId: app.id, environmentId: created.body.data.id, name: 'qa', actor: byUser(s.user) });
      expect(await event.seen).not.toContain(created.body.data.id);
    });

    it('environment.deleted is not emitted for a default environment (400) or an unknown one (404)', async () => {
      const app = await s.newApp();
      const { events } = await emittedBy(async () => {
        await s.http().delete('/api/v1/envs').query({ appId: app.id, env: 'production' }).set(s.user.auth).expect(400);
        await s.http().delete('/api/v1/envs').query({ appId: app.id, env: 'nowhere' }).set(s.user.auth).expect(404);
      });
      expect(events).toEqual([]);
    });
  });

  describe('key.created and key.revoked', () => {
    it('key.created is emitted once, with the key id and type, never its secret', async () => {
      const app = await s.newApp();
      const { result, events } = await emittedBy(() =>
        s.http().post('/api/v1/keys').set(s.user.auth).send({ appId: app.id, env: 'production', type: 'pub' }).expect(201),
      );
      const event = only(events, 'key.created');
      expect(events).toHaveLength(1);
      expect(event.payload).toEqual({
        appId: app.id,
        environmentId: app.envs.production,
        keyId: result.body.data.id,
        type: 'pub',
        actor: byUser(s.user),
      });
      expect(JSON.stringify(event.payload)).not.toContain(result.body.data.key);
      expect(await event.seen).toContain(result.body.data.id);
    });

    it('key.created is not emitted past the limit (409) or for an unknown environment (404)', async () => {
      const app = await s.newApp();
      await aKey(s, s.user, app);
      await aKey(s, s.user, app);
      const { events } = await emittedBy(async () => {
        await s.http().post('/api/v1/keys').set(s.user.auth).send({ appId: app.id, env: 'production', type: 'sdk' }).expect(409);
        await s.http().post('/api/v1/keys').set(s.user.auth).send({ appId: app.id, env: 'nowhere', type: 'sdk' }).expect(404);
      });
      expect(events).toEqual([]);
    });

    it('key.revoked is emitted once by a revocation, and not by revoking it again (404)', async () => {
      const app = await s.newApp();
      const key = await aKey(s, s.user, app, 'staging');
      const { events } = await emittedBy(() => s.http().delete('/api/v1/keys').query({ keyId: key.id }).set(s.user.auth).expect(200));
      const event = only(events, 'key.revoked');
      expect(events).toHaveLength(1);
      expect(event.payload).toEqual({ appId: app.id, environmentId: app.envs.staging, keyId: key.id, actor: byUser(s.user) });
      expect(await event.seen).not.toContain(key.id);

      const again = await emittedBy(() => s.http().delete('/api/v1/keys').query({ keyId: key.id }).set(s.user.auth).expect(404));
      expect(again.events).toEqual([]);
    });
  });

  describe('member.added and member.removed', () => {
    it('member.added is emitted once, with the role, and not again for a member (409) or an unknown email (404)', async () => {
      const app = await s.newApp();
      const viewer = await s.newUser();
      const { events } = await emittedBy(() =>
        s.http().post(`/api/v1/apps/${app.id}/members`).set(s.user.auth).send({ email: viewer.email, role: 'viewer' }).expect(201),
      );
      const event = only(events, 'member.added');
      expect(events).toHaveLength(1);
      expect(event.payload).toEqual({ appId: app.id, userId: viewer.id, role: 'viewer', actor: byUser(s.user) });
      expect(await event.seen).toContain(viewer.id);

      const failed = await emittedBy(async () => {
        await s.http().post(`/api/v1/apps/${app.id}/members`).set(s.user.auth).send({ email: viewer.email, role: 'editor' }).expect(409);
        await s
          .http()
          .post(`/api/v1/apps/${app.id}/members`)
          .set(s.user.auth)
          .send({ email: `${unique('nobody')}@example.com`, role: 'editor' })
          .expect(404);
      });
      expect(failed.events).toEqual([]);
    });

    it('member.removed is emitted once, and not for the last owner (400) or a non-member (404)', async () => {
      const app = await s.newApp();
      const editor = await s.newUser();
      await aMember(s, s.user, app, editor, 'editor');
      const { events } = await emittedBy(() => s.http().delete(`/api/v1/apps/${app.id}/members/${editor.id}`).set(s.user.auth).expect(200));
      const event = only(events, 'member.removed');
      expect(events).toHaveLength(1);
      expect(event.payload).toEqual({ appId: app.id, userId: editor.id, actor: byUser(s.user) });
      expect(await event.seen).not.toContain(editor.id);

      const failed = await emittedBy(async () => {
        await s.http().delete(`/api/v1/apps/${app.id}/members/${s.user.id}`).set(s.user.auth).expect(400);
        await s.http().delete(`/api/v1/apps/${app.id}/members/${editor.id}`).set(s.user.auth).expect(404);
      });
      expect(failed.events).toEqual([]);
    });
  });

  describe('plan.changed', () => {
    it('is emitted once by an operator, with the plan before and after, and not for the plan it has, a bad plan (400) or a non-operator (403)', async () => {
      const app = await s.newApp();
      const { events } = await emittedBy(() =>
        s.http().patch(`/api/v1/apps/${app.id}/plan`).set(s.operator.auth).send({ plan: 'pro' }).expect(200),
      );
      const event = only(events, 'plan.changed');
      expect(events).toHaveLength(1);
      expect(event.payload).toEqual({ appId: app.id, plan: 'pro', previous: 'free', actor: byUser(s.operator) });
      expect(await event.seen).toEqual({ from: 'free', to: 'pro' });

      const failed = await emittedBy(async () => {
        await s.http().patch(`/api/v1/apps/${app.id}/plan`).set(s.operator.auth).send({ plan: 'pro' }).expect(200);
        await s.http().patch(`/api/v1/apps/${app.id}/plan`).set(s.operator.auth).send({ plan: 'platinum' }).expect(400);
        await s.http().patch(`/api/v1/apps/${app.id}/plan`).set(s.user.auth).send({ plan: 'enterprise' }).expect(403);
      });
      expect(failed.events).toEqual([]);
    });
  });
});
