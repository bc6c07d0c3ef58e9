import type { Test } from 'supertest';
import { aFlag, aKey, aManagementKey, aMember, TestAppRecord, TestManagementKey, TestUser, unique } from './support/factories';
import { TestSession } from './support/session';

/**
 * Who may call which management route on which app. The expected status of every cell is derived from the one
 * declarative list ROUTES (the route's scope and the right it needs in the app) and the role → rights table of
 * the spec; a route a mgmt_ key can reach that is missing from ROUTES fails the first test.
 */

type Right = 'read' | 'write' | 'manage';
type Scope = 'apps:read' | 'apps:write' | 'flags:read' | 'flags:write' | 'keys:read' | 'keys:write';
type Who = 'owner' | 'editor' | 'viewer' | 'non-member' | 'mgmt key';

const SCOPES: Scope[] = ['apps:read', 'apps:write', 'flags:read', 'flags:write', 'keys:read', 'keys:write'];
const WHO: Who[] = ['owner', 'editor', 'viewer', 'non-member', 'mgmt key'];
/** The spec: viewer → read; editor → read, write; owner → everything; an app's mgmt_ key acts as an editor. */
const RIGHTS: Record<Who, Right[]> = {
  owner: ['read', 'write', 'manage'],
  editor: ['read', 'write'],
  viewer: ['read'],
  'non-member': [],
  'mgmt key': ['read', 'write'],
};

/** One app with something of everything in it, so every route has something to act on. */
interface World {
  app: TestAppRecord;
  flagKey: string;
  runtimeKeyId: string;
  mgmtKey: TestManagementKey;
  /** A second mgmt_ key, for the revoke route. */
  victimKeyId: string;
  /** mgmt_ keys with exactly one scope. */
  scoped: Record<Scope, TestManagementKey>;
  /** A webhook (to a closed local port), created last so it hears none of the world's set-up. */
  webhookId: string;
}

interface RouteSpec {
  /** `METHOD /path` exactly as the OpenAPI document names it. */
  route: string;
  scope: Scope;
  right: Right;
  ok: number;
  /** The 404 body for an app the caller cannot see, when not "App not found". */
  notFound?: string;
  /** A Reflag-compatible route (libs/reflag): errors in Reflag's shape, `{"error":{"code","message"}}`. */
  reflag?: boolean;
  /** The success body, when not `{"data": …}` (Reflag answers some objects bare). */
  okBody?: unknown;
  send: (w: World) => Test;
}

// Burst limits off: one token makes a few thousand requests here.
const s = TestSession.perSuite(
  // Webhooks to 127.0.0.1 (a closed port): allowed, one attempt each.
  {
    BURST_TOKEN_LIMIT: '0',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_SECRET_KEY: 'access-matrix-webhook-key-32-characters',
    WEBHOOK_MAX_ATTEMPTS: '1',
  },
  { user: false },
);
const http = () => s.http();

const ROUTES: RouteSpec[] = [
  { route: 'GET /api/v1/apps/{id}', scope: 'apps:read', right: 'read', ok: 200, send: (w) => http().get(`/api/v1/apps/${w.app.id}`) },
  {
    route: 'PATCH /api/v1/apps/{id}',
    scope: 'apps:write',
    right: 'manage',
    ok: 200,
    send: (w) =>
      http()
        .patch(`/api/v1/apps/${w.app.id}`)
        .send({ name: unique('renamed') }),
  },
  {
    route: 'DELETE /api/v1/apps/{id}',
    scope: 'apps:write',
    right: 'manage',
    ok: 200,
    send: (w) => http().delete(`/api/v1/apps/${w.app.id}`),
  },
  {
    route: 'GET /api/v1/envs',
    scope: 'apps:read',
    right: 'read',
    ok: 200,
    send: (w) => http().get('/api/v1/envs').query({ appId: w.app.id }),
  },
  {
    route: 'POST /api/v1/envs',
    scope: 'apps:write',
    right: 'manage',
    ok: 201,
    send: (w) => http().post('/api/v1/envs').send({ appId: w.app.id, name: 'extra' }),
  },
  {
    route: 'DELETE /api/v1/envs',
    scope: 'apps:write',
    right: 'manage',
    ok: 200,
    send: (w) => http().delete('/api/v1/envs').query({ appId: w.app.id, env: 'qa' }),
  },
  {
    route: 'GET /api/v1/flags',
    scope: 'flags:read',
    right: 'read',
    ok: 200,
    send: (w) => http().get('/api/v1/flags').query({ appId: w.app.id, env: 'production' }),
  },
  {
    route: 'GET /api/v1/flags/{key}',
    scope: 'flags:read',
    right: 'read',
    ok: 200,
    send: (w) => http().get(`/api/v1/flags/${w.flagKey}`).query({ appId: w.app.id, env: 'production' }),
  },
  {
    route: 'POST /api/v1/flags',
    scope: 'flags:write',
    right: 'write',
    ok: 201,
    send: (w) => http().post('/api/v1/flags').send({ appId: w.app.id, env: 'production', key: 'new-flag', type: 'bool', value: true }),
  },
  {
    route: 'PATCH /api/v1/flags',
    scope: 'flags:write',
    right: 'write',
    ok: 200,
    send: (w) => http().patch('/api/v1/flags').send({ appId: w.app.id, env: 'production', key: w.flagKey, value: false }),
  },
  {
    route: 'DELETE /api/v1/flags',
    scope: 'flags:write',
    right: 'write',
    ok: 200,
    send: (w) => http().delete('/api/v1/flags').query({ appId: w.app.id, env: 'production', key: w.flagKey }),
  },
  {
    route: 'PATCH /api/v1/flags/bulk',
    scope: 'flags:write',
    right: 'write',
    ok: 200,
    send: (w) =>
      http()
        .patch('/api/v1/flags/bulk')
        .send({ appId: w.app.id, env: 'production', flags: { [w.flagKey]: false } }),
  },
  {
    route: 'POST /api/v1/flags/bulk',
    scope: 'flags:write',
    right: 'write',
    ok: 200,
    send: (w) =>
      http()
        .post('/api/v1/flags/bulk')
        .send({ appId: w.app.id, env: 'production', flags: { [w.flagKey]: false } }),
  },
  {
    route: 'GET /api/v1/changes',
    scope: 'flags:read',
    right: 'read',
    ok: 200,
    send: (w) => http().get('/api/v1/changes').query({ appId: w.app.id, env: 'production' }),
  },
  {
    route: 'POST /api/v1/envs/rollback',
    scope: 'flags:write',
    right: 'write',
    ok: 200,
    send: (w) => http().post('/api/v1/envs/rollback').send({ appId: w.app.id, env: 'production', version: 0 }),
  },
  {
    route: 'PATCH /api/apps/{appId}/flags/specific-targets/{envId}',
    scope: 'flags:write',
    right: 'write',
    ok: 200,
    send: (w) =>
      http()
        .patch(`/api/apps/${w.app.id}/flags/specific-targets/${w.app.envs.production}`)
        .send({ updates: [{ flagKey: w.flagKey, value: true, companyId: 'acme-corp' }] }),
    reflag: true,
  },
  {
    route: 'GET /api/apps/{appId}',
    scope: 'apps:read',
    right: 'read',
    ok: 200,
    reflag: true,
    okBody: expect.objectContaining({ id: expect.any(String), environments: expect.any(Array) }),
    send: (w) => http().get(`/api/apps/${w.app.id}`),
  },
  {
    route: 'GET /api/apps/{appId}/environments',
    scope: 'apps:read',
    right: 'read',
    ok: 200,
    reflag: true,
    send: (w) => http().get(`/api/apps/${w.app.id}/environments`),
  },
  {
    route: 'GET /api/apps/{appId}/flags',
    scope: 'flags:read',
    right: 'read',
    ok: 200,
    reflag: true,
    send: (w) => http().get(`/api/apps/${w.app.id}/flags`),
  },
  {
    route: 'GET /api/apps/{appId}/features',
    scope: 'flags:read',
    right: 'read',
    ok: 200,
    reflag: true,
    send: (w) => http().get(`/api/apps/${w.app.id}/features`).query({ envId: w.app.envs.production, includeRemoteConfigs: 'true' }),
  },
  {
    route: 'GET /api/apps/{appId}/flags/{flagKey}/targeting/{envId}',
    scope: 'flags:read',
    right: 'read',
    ok: 200,
    reflag: true,
    okBody: expect.objectContaining({ flagKey: expect.any(String), specificTargets: expect.any(Object) }),
    send: (w) => http().get(`/api/apps/${w.app.id}/flags/${w.flagKey}/targeting/${w.app.envs.production}`),
  },
  {
    route: 'GET /api/apps/{appId}/envs/{envId}/companies/{companyId}/flags',
    scope: 'flags:read',
    right: 'read',
    ok: 200,
    reflag: true,
    send: (w) => http().get(`/api/apps/${w.app.id}/envs/${w.app.envs.production}/companies/acme-corp/flags`),
  },
  {
    route: 'PATCH /api/apps/{appId}/envs/{envId}/companies/{companyId}/flags',
    scope: 'flags:write',
    right: 'write',
    ok: 200,
    reflag: true,
    send: (w) =>
      http()
        .patch(`/api/apps/${w.app.id}/envs/${w.app.envs.production}/companies/acme-corp/flags`)
        .send({ updates: [{ flagKey: w.flagKey, specificTargetValue: true }] }),
  },
  {
    route: 'GET /api/apps/{appId}/envs/{envId}/users/{userId}/flags',
    scope: 'flags:read',
    right: 'read',
    ok: 200,
    reflag: true,
    send: (w) => http().get(`/api/apps/${w.app.id}/envs/${w.app.envs.production}/users/user-42/flags`),
  },
  {
    route: 'PATCH /api/apps/{appId}/envs/{envId}/users/{userId}/flags',
    scope: 'flags:write',
    right: 'write',
    ok: 200,
    reflag: true,
    send: (w) =>
      http()
        .patch(`/api/apps/${w.app.id}/envs/${w.app.envs.production}/users/user-42/flags`)
        .send({ updates: [{ flagKey: w.flagKey, specificTargetValue: true }] }),
  },
  {
    route: 'GET /api/v1/flags/{key}/targets',
    scope: 'flags:read',
    right: 'read',
    ok: 200,
    send: (w) => http().get(`/api/v1/flags/${w.flagKey}/targets`).query({ appId: w.app.id, env: 'production' }),
  },
  {
    route: 'GET /api/v1/keys',
    scope: 'keys:read',
    right: 'read',
    ok: 200,
    send: (w) => http().get('/api/v1/keys').query({ appId: w.app.id, env: 'production' }),
  },
  {
    route: 'POST /api/v1/keys',
    scope: 'keys:write',
    right: 'write',
    ok: 201,
    send: (w) => http().post('/api/v1/keys').send({ appId: w.app.id, env: 'production', type: 'sdk' }),
  },
  {
    route: 'DELETE /api/v1/keys',
    scope: 'keys:write',
    right: 'write',
    ok: 200,
    notFound: 'Key not found',
    send: (w) => http().delete('/api/v1/keys').query({ keyId: w.runtimeKeyId }),
  },
  {
    route: 'GET /api/v1/apps/{id}/members',
    scope: 'apps:read',
    right: 'manage',
    ok: 200,
    send: (w) => http().get(`/api/v1/apps/${w.app.id}/members`),
  },
  {
    route: 'POST /api/v1/apps/{id}/members',
    scope: 'apps:write',
    right: 'manage',
    ok: 201,
    send: (w) => http().post(`/api/v1/apps/${w.app.id}/members`).send({ email: users.newcomer.email, role: 'viewer' }),
  },
  {
    route: 'PATCH /api/v1/apps/{id}/members/{userId}',
    scope: 'apps:write',
    right: 'manage',
    ok: 200,
    send: (w) => http().patch(`/api/v1/apps/${w.app.id}/members/${users.spare.id}`).send({ role: 'editor' }),
  },
  {
    route: 'DELETE /api/v1/apps/{id}/members/{userId}',
    scope: 'apps:write',
    right: 'manage',
    ok: 200,
    send: (w) => http().delete(`/api/v1/apps/${w.app.id}/members/${users.spare.id}`),
  },
  {
    route: 'GET /api/v1/apps/{id}/api-keys',
    scope: 'keys:read',
    right: 'manage',
    ok: 200,
    send: (w) => http().get(`/api/v1/apps/${w.app.id}/api-keys`),
  },
  {
    route: 'POST /api/v1/apps/{id}/api-keys',
    scope: 'keys:write',
    right: 'manage',
    ok: 201,
    send: (w) =>
      http()
        .post(`/api/v1/apps/${w.app.id}/api-keys`)
        .send({ name: 'ci', scopes: ['flags:read'] }),
  },
  {
    route: 'DELETE /api/v1/apps/{id}/api-keys/{keyId}',
    scope: 'keys:write',
    right: 'manage',
    ok: 200,
    send: (w) => http().delete(`/api/v1/apps/${w.app.id}/api-keys/${w.victimKeyId}`),
  },
  {
    route: 'GET /api/v1/apps/{id}/audit',
    scope: 'apps:read',
    right: 'manage',
    ok: 200,
    send: (w) => http().get(`/api/v1/apps/${w.app.id}/audit`),
  },
  {
    route: 'GET /api/v1/apps/{id}/webhooks',
    scope: 'apps:read',
    right: 'manage',
    ok: 200,
    send: (w) => http().get(`/api/v1/apps/${w.app.id}/webhooks`),
  },
  {
    route: 'POST /api/v1/apps/{id}/webhooks',
    scope: 'apps:write',
    right: 'manage',
    ok: 201,
    send: (w) => http().post(`/api/v1/apps/${w.app.id}/webhooks`).send({ url: 'http://127.0.0.1:9/new' }),
  },
  {
    route: 'DELETE /api/v1/apps/{id}/webhooks/{webhookId}',
    scope: 'apps:write',
    right: 'manage',
    ok: 200,
    send: (w) => http().delete(`/api/v1/apps/${w.app.id}/webhooks/${w.webhookId}`),
  },
  {
    route: 'GET /api/v1/apps/{id}/webhooks/{webhookId}/deliveries',
    scope: 'apps:read',
    right: 'manage',
    ok: 200,
    send: (w) => http().get(`/api/v1/apps/${w.app.id}/webhooks/${w.webhookId}/deliveries`),
  },
  {
    route: 'POST /api/v1/apps/{id}/webhooks/{webhookId}/test',
    scope: 'apps:write',
    right: 'manage',
    ok: 201,
    send: (w) => http().post(`/api/v1/apps/${w.app.id}/webhooks/${w.webhookId}/test`),
  },
  {
    route: 'GET /api/v1/usage',
    scope: 'flags:read',
    right: 'read',
    ok: 200,
    send: (w) => http().get('/api/v1/usage').query({ appId: w.app.id }),
  },
];

/** Routes a mgmt_ key may call that are not about one app, tested on their own below. */
const NOT_APP_SCOPED = ['GET /api/v1/apps', 'GET /api/bootstrap', 'GET /api/apps'];

const mutates = (r: RouteSpec) => !r.route.startsWith('GET ');

interface Expectation {
  status: number;
  body?: unknown;
}

/** The error body of the route's family: the project's `{"error": message}`, or Reflag's on its routes. */
const errorBody = (r: RouteSpec, status: 403 | 404, message: string) =>
  r.reflag ? { error: { code: status === 404 ? 'not_found' : 'unauthorized', message } } : { error: message };

function expected(r: RouteSpec, who: Who, target: 'own app' | 'foreign app'): Expectation {
  if (target === 'foreign app' || who === 'non-member') return { status: 404, body: errorBody(r, 404, r.notFound ?? 'App not found') };
  if (!RIGHTS[who].includes(r.right)) return { status: 403, body: errorBody(r, 403, 'Insufficient permissions') };
  return { status: r.ok };
}

function expectedForScope(r: RouteSpec, scope: Scope): Expectation {
  if (r.scope !== scope) return { status: 403, body: errorBody(r, 403, 'Insufficient permissions') };
  return expected(r, 'mgmt key', 'own app');
}

let users: Record<'owner' | 'editor' | 'viewer' | 'spare' | 'newcomer' | 'nonMember' | 'stranger', TestUser>;
/** Used by cases that change nothing (reads, refusals); cases that succeed in changing something get a fresh world. */
let shared: World;
/** An app none of the callers belongs to. */
let foreign: World;
let foreignBefore: unknown;

async function aWorld(owner: TestUser, withMembers: boolean): Promise<World> {
  const app = await s.newApp(owner);
  if (withMembers) {
    await Promise.all([
      aMember(s, owner, app, users.editor, 'editor'),
      aMember(s, owner, app, users.viewer, 'viewer'),
      aMember(s, owner, app, users.spare, 'viewer'),
    ]);
  }
  const [flag, runtimeKey, mgmtKey, victim] = await Promise.all([
    aFlag(s, owner, app),
    aKey(s, owner, app),
    aManagementKey(s, owner, app),
    aManagementKey(s, owner, app, { scopes: ['flags:read'] }),
    http().post('/api/v1/envs').set(owner.auth).send({ appId: app.id, name: 'qa' }).expect(201),
  ]);
  const scoped = Object.fromEntries(
    await Promise.all(SCOPES.map(async (scope) => [scope, await aManagementKey(s, owner, app, { scopes: [scope] })])),
  ) as Record<Scope, TestManagementKey>;
  const webhook = await http().post(`/api/v1/apps/${app.id}/webhooks`).set(owner.auth).send({ url: 'http://127.0.0.1:9/hook' }).expect(201);
  return { app, flagKey: flag.key, runtimeKeyId: runtimeKey.id, mgmtKey, victimKeyId: victim.id, scoped, webhookId: webhook.body.data.id };
}

function credentials(who: Who, w: World): { Authorization: string } {
  switch (who) {
    case 'owner':
      return users.owner.auth;
    case 'editor':
      return users.editor.auth;
    case 'viewer':
      return users.viewer.auth;
    case 'non-member':
      return users.nonMember.auth;
    case 'mgmt key':
      return w.mgmtKey.auth;
  }
}

/** Everything the routes can change in a world, read back through the API by its owner. */
async function snapshot(w: World, owner: TestUser): Promise<unknown> {
  // lastUsedAt is left out: using a key touches it (at most once a minute), whether or not the request was allowed.
  const withoutLastUse = (body: unknown): unknown => JSON.parse(JSON.stringify(body), (k, v) => (k === 'lastUsedAt' ? undefined : v));
  const get = async (url: string, query: Record<string, string> = {}) => {
    const res = await http().get(url).query(query).set(owner.auth);
    return { status: res.status, etag: res.headers.etag, body: withoutLastUse(res.body) };
  };
  const env = { appId: w.app.id, env: 'production' };
  return Promise.all([
    get(`/api/v1/apps/${w.app.id}`),
    get('/api/v1/envs', { appId: w.app.id }),
    get('/api/v1/flags', env),
    get('/api/v1/keys', env),
    get(`/api/v1/apps/${w.app.id}/members`),
    get(`/api/v1/apps/${w.app.id}/api-keys`),
    get(`/api/v1/apps/${w.app.id}/webhooks`),
    get(`/api/v1/apps/${w.app.id}/webhooks/${w.webhookId}/deliveries`),
  ]);
}

/** Sends the request and checks its status and error body; a change must show in the world exactly when it succeeded. */
async function check(r: RouteSpec, w: World, owner: TestUser, auth: { Authorization: string }, want: Expectation): Promise<void> {
  const before = mutates(r) ? await snapshot(w, owner) : undefined;
  const res = await r.send(w).set(auth);
  expect({ status: res.status, body: res.body }).toEqual({
    status: want.status,
    body: want.body ?? r.okBody ?? expect.objectContaining({ data: expect.anything() }),
  });
  if (!before) return;
  const after = await snapshot(w, owner);
  if (want.status < 300) expect(after).not.toEqual(before);
  else expect(after).toEqual(before);
}

beforeAll(async () => {
  const [owner, editor, viewer, spare, newcomer, nonMember, stranger] = await Promise.all(Array.from({ length: 7 }, () => s.newUser()));
  users = { owner, editor, viewer, spare, newcomer, nonMember, stranger };
  [shared, foreign] = await Promise.all([aWorld(owner, true), aWorld(stranger, false)]);
  foreignBefore = await snapshot(foreign, stranger);
});

describe('access matrix', () => {
  it('lists every management route a mgmt_ key can reach (add new routes to ROUTES)', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    const reachable = Object.entries(doc.paths as Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>)
      .flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => op.security?.some((s) => 'mgmt' in s))
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      )
      .filter((route) => !NOT_APP_SCOPED.includes(route))
      .sort();
    expect(reachable).toEqual(ROUTES.map((r) => r.route).sort());
  });

  const cells = ROUTES.flatMap((r) =>
    WHO.flatMap((who) => (['own app', 'foreign app'] as const).map((target) => ({ r, who, target, want: expected(r, who, target) }))),
  );
  it.each(cells.map((c) => [c.r.route, c.who, c.target, c.want.status, c]))(
    '%s as %s on %s → %i',
    async (_route, _who, _target, _status, { r, who, target, want }) => {
      if (target === 'foreign app') {
        // The caller's own credentials (a mgmt_ key: one of another app) against an app they cannot see.
        const res = await r.send(foreign).set(credentials(who, shared));
        expect({ status: res.status, body: res.body }).toEqual({ status: want.status, body: want.body });
        return;
      }
      const w = want.status < 300 && mutates(r) ? await aWorld(users.owner, true) : shared;
      await check(r, w, users.owner, credentials(who, w), want);
    },
  );

  const scopeCells = ROUTES.flatMap((r) => SCOPES.map((scope) => ({ r, scope, want: expectedForScope(r, scope) })));
  it.each(scopeCells.map((c) => [c.r.route, c.scope, c.want.status, c]))(
    '%s with a mgmt_ key scoped to %s → %i',
    async (_route, _scope, _status, { r, scope, want }) => {
      const w = want.status < 300 && mutates(r) ? await aWorld(users.owner, true) : shared;
      await check(r, w, users.owner, w.scoped[scope].auth, want);
    },
  );

  it('changed nothing in the foreign app', async () => {
    expect(await snapshot(foreign, users.stranger)).toEqual(foreignBefore);
  });
});
