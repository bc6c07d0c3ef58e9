import fc from 'fast-check';
import { TestAppRecord, TestUser, unique } from './support/factories';
import { TestSession } from './support/session';

/**
 * Every route of the OpenAPI document gets random bodies, queries and path parameters (nulls, NULs, lone
 * surrogates, deep nesting, numbers beyond a double or an int4, wrong types, extra fields, real ids mixed in) with
 * a valid credential: the answer is 2xx, or 4xx with `{"error": string}` (OFREP's own error shape on its
 * routes), never 5xx; and after a 4xx the app's apps, environments, versions, keys, members and tokens read
 * back the same through the API. Bounded by a time budget, whatever the machine.
 */

interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  security: string[];
  query: string[];
  pathParams: string[];
  body?: Schema;
}
interface Schema {
  $ref?: string;
  type?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
}

/** Streams never end by themselves, and OPTIONS is the CORS preflight (no body, no query). */
const SKIPPED = /\/stream$/;
/** Success would take the fuzzing user's credential or app away: these run as a throwaway user, renewed after a 2xx. */
const DESTRUCTIVE = new Set([
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/tokens/revoke-all',
  'POST /api/v1/auth/password',
  'DELETE /api/v1/apps/{id}',
]);
const BUDGET_MS = 30_000;
const RUNS_PER_ROUTE = 40;

const HUGE = '\u0001HUGE\u0001';
const NEG_HUGE = '\u0001NEGHUGE\u0001';
/** JSON text, with the markers above written as numbers beyond a double (JSON.stringify cannot write them). */
const toJson = (v: unknown) =>
  (JSON.stringify(v) ?? '').replaceAll(JSON.stringify(HUGE), '1e400').replaceAll(JSON.stringify(NEG_HUGE), '-1e999');

const nest = (depth: number): unknown => (depth === 0 ? 'x' : [nest(depth - 1)]);
const evil = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    '',
    ' ',
    'a\u0000b',
    '\u0000',
    'x\ud800',
    '\udfff',
    '😀',
    HUGE,
    NEG_HUGE,
    1e20,
    2 ** 31,
    -1,
    0,
    1.5,
    -0,
    true,
    false,
    [],
    {},
    'x'.repeat(70_000),
    nest(40),
    nest(300),
    { a: nest(33) },
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
);
const evilString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '%00',
    'a%00b',
    '%ED%A0%80',
    '%FF',
    '%F0%9F%98%80',
    'x'.repeat(129),
    'x'.repeat(600),
    '..',
    '1e400',
    '-1',
    '99999999999999999999',
    'null',
    'production',
    'env_qa',
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);

const s = TestSession.perSuite({ QUOTA_FREE: '100000000', QUOTA_PRO: '100000000' });
let member: TestUser;
let sdk: { key: string; auth: { Authorization: string } };
let victimKeyId: string;
let victimMgmtKeyId: string;
let throwaway: { user: TestUser; app: TestAppRecord };

/** A path segment: a value a URL cannot carry (a lone surrogate) becomes one it can. */
/** A value as text: String() throws for objects without a prototype (which `evil` makes). */
const asText = (v: unknown): string => {
  try {
    return String(v);
  } catch {
    return JSON.stringify(v) ?? '';
  }
};
const encodePathValue = (v: unknown): string => {
  try {
    return encodeURIComponent(asText(v));
  } catch {
    return encodeURIComponent(asText(v).replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  }
};

/** Plausible values by field name, so random requests also reach the code behind validation. */
const real = (name: string, own: TestAppRecord = s.appRecord): fc.Arbitrary<unknown> => {
  switch (name) {
    case 'appId':
    case 'id':
      return fc.constant(own.id);
    case 'env':
      return fc.constantFrom('production', 'staging', 'qa', own.envs.production);
    case 'envId':
      return fc.constant(own.envs.production);
    case 'key':
    case 'flagKey':
      return fc.constantFrom('known', 'known-json', 'missing');
    case 'type':
      return fc.constantFrom('bool', 'string', 'number', 'json', 'sdk', 'pub');
    case 'value':
      return fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.boolean(), fc.integer());
    case 'userId':
      return fc.constantFrom(member.id, s.user.id, 'user-42');
    case 'companyId':
      return fc.constantFrom('acme-corp', 'c-1');
    case 'webhookId':
      return fc.constantFrom('whk_missing', 'whk_0000000000000000');
    case 'keyId':
      return fc.constantFrom(victimKeyId, victimMgmtKeyId);
    case 'email':
      return fc.constantFrom(member.email, `${unique('nobody')}@example.com`);
    case 'role':
      return fc.constantFrom('viewer', 'editor', 'owner');
    case 'scopes':
      return fc.subarray(['flags:read', 'flags:write', 'apps:read', 'keys:read']);
    case 'version':
    case 'expectedVersion':
    case 'limit':
      return fc.integer({ min: 0, max: 60 });
    case 'percentage':
      return fc.double({ min: 0, max: 100, noNaN: true });
    case 'name':
      return fc.constant(unique('n'));
    case 'expiresAt':
      return fc.constantFrom(
        new Date(Date.now() + 86_400_000).toISOString(),
        '+275760-09-13T00:00:00.000Z',
        '-271821-04-20T00:00:00.000Z',
        '2000-01-01',
        'soon',
      );
    case 'flags':
      return fc.dictionary(fc.constantFrom('known', 'known-json', 'missing'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 });
    case 'context':
      return fc.record({ targetingKey: fc.oneof(fc.string(), evil), userId: evil }, { requiredKeys: [] });
    default:
      return evil;
  }
};

let schemas: Record<string, Schema> = {};
const resolve = (schema: Schema): Schema => (schema.$ref ? schemas[schema.$ref.split('/').pop()!] : schema);

function bodyOf(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const resolved = resolve(schema);
  if (resolved.type === 'array' && resolved.items && depth < 2)
    return fc.oneof(fc.array(bodyOf(resolved.items, depth + 1), { maxLength: 3 }), evil);
  if (!resolved.properties || depth > 2) return evil;
  const fields = Object.fromEntries(
    Object.entries(resolved.properties).map(([name, p]) => [
      name,
      fc.oneof({ weight: 3, arbitrary: p.$ref || p.items?.$ref ? bodyOf(p, depth + 1) : real(name) }, { weight: 2, arbitrary: evil }),
    ]),
  );
  const object = fc.record({ ...fields, [`extra${depth}`]: evil }, { requiredKeys: [] });
  return depth === 0 ? fc.oneof({ weight: 8, arbitrary: object }, { weight: 1, arbitrary: evil }) : object;
}

/** What must not move on a 4xx, read through the API. Last-used times and sliding expiries move on every use by design. */
async function snapshot(): Promise<string> {
  const get = async (path: string, query: Record<string, string> = {}) => {
    const res = await s.http().get(path).query(query).set(s.user.auth);
    return { status: res.status, data: res.body.data };
  };
  const envs = await get('/api/v1/envs', { appId: s.appId });
  const names = ((envs.data ?? []) as Array<{ name: string }>).map((e) => e.name);
  // Every flag write raises its environment's version, so versions stand for the flags (read in full for one).
  const [versions, keys, flags, apps, mgmtKeys, members, tokens] = await Promise.all([
    Promise.all(names.map(async (env) => (await get('/api/v1/changes', { appId: s.appId, env, limit: '1' })).data?.[0]?.version ?? 0)),
    Promise.all(names.map((env) => get('/api/v1/keys', { appId: s.appId, env }))),
    get('/api/v1/flags', s.at('production')),
    get('/api/v1/apps'),
    get(`/api/v1/apps/${s.appId}/api-keys`),
    get(`/api/v1/apps/${s.appId}/members`),
    get('/api/v1/auth/tokens'),
  ]);
  return JSON.stringify({ envs, versions, keys, flags, apps, mgmtKeys, members, tokens }, (k, v) =>
    k === 'lastUsedAt' || k === 'expiresAt' ? undefined : v,
  );
}

async function newThrowaway() {
  const u = await s.newUser();
  throwaway = { user: u, app: await s.newApp(u) };
}

/**
 * After a 2xx, the app's owner and its viewer as they started. Once a role change has made the viewer an owner too,
 * the owner may remove or demote itself (a 2xx), and every later request of the run would then be refused: the
 * member, an owner by then, puts the owner back first, then the owner puts the member back as a viewer.
 */
async function healMembers(): Promise<void> {
  const members = (auth: Record<string, string>) => s.http().get(`/api/v1/apps/${s.appId}/members`).set(auth);
  const roleOf = (list: Array<{ userId: string; role: string }>, id: string) => list.find((m) => m.userId === id)?.role;
  let res = await members(s.user.auth);
  if (res.status !== 200) {
    const mine = (await members(member.auth).expect(200)).body.data;
    if (roleOf(mine, s.user.id) === undefined)
      await s.http().post(`/api/v1/apps/${s.appId}/members`).set(member.auth).send({ email: s.user.email, role: 'owner' }).expect(201);
    else await s.http().patch(`/api/v1/apps/${s.appId}/members/${s.user.id}`).set(member.auth).send({ role: 'owner' }).expect(200);
    res = await members(s.user.auth);
  }
  const list = res.body.data as Array<{ userId: string; role: string }>;
  const role = roleOf(list, member.id);
  if (role === undefined)
    await s.http().post(`/api/v1/apps/${s.appId}/members`).set(s.user.auth).send({ email: member.email, role: 'viewer' }).expect(201);
  else if (role !== 'viewer')
    await s.http().patch(`/api/v1/apps/${s.appId}/members/${member.id}`).set(s.user.auth).send({ role: 'viewer' }).expect(200);
}

/** After a 2xx, put back what other requests aim at (a rollback or delete may have removed the flags, a member change the owner). */
async function heal(): Promise<void> {
  await healMembers();
  for (const [key, type, value] of [
    ['known', 'number', 1],
    ['known-json', 'json', { b: 1, a: [1] }],
  ] as const) {
    const res = await s.http().get(`/api/v1/flags/${key}`).query(s.at('production')).set(s.user.auth);
    if (res.status === 404) await s.flag('production', { key, type, value });
  }
}

describe('every route: random input never causes a 5xx, and a refused request changes nothing', () => {
  const operations: Operation[] = [];
  beforeAll(async () => {
    member = await s.asMember('viewer');
    await s.http().post('/api/v1/envs').set(s.user.auth).send({ appId: s.appId, name: 'qa' }).expect(201);
    await heal();
    sdk = await s.key('production', 'sdk');
    victimKeyId = (await s.key('staging', 'pub')).id;
    victimMgmtKeyId = (await s.managementKey()).id;
    await newThrowaway();
    const doc = (await s.http().get('/docs-json').expect(200)).body;
    schemas = doc.components.schemas;
    for (const [path, methods] of Object.entries(
      doc.paths as Record<
        string,
        Record<
          string,
          {
            security?: Array<Record<string, unknown>>;
            parameters?: Array<{ in: string; name: string }>;
            requestBody?: { content: Record<string, { schema: Schema }> };
          }
        >
      >,
    )) {
      for (const [method, op] of Object.entries(methods)) {
        if (method === 'options' || SKIPPED.test(path)) continue;
        operations.push({
          method: method as Operation['method'],
          path,
          security: (op.security ?? []).flatMap((scheme) => Object.keys(scheme)),
          query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
          pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
          body: op.requestBody?.content['application/json']?.schema,
        });
      }
    }
  });

  it('covers the whole document', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'PATCH /api/v1/flags',
        'POST /api/v1/flags',
        'GET /api/v1/flags/{key}',
        'POST /ofrep/v1/evaluate/flags/{key}',
      ]),
    );
  });

  it(
    'answers 2xx or 4xx with an error body, and 4xx leaves everything as it was',
    async () => {
      const deadline = Date.now() + BUDGET_MS;
      const perRoute = BUDGET_MS / operations.length;
      let before = await snapshot();
      let calls = 0;
      const statuses = new Map<number, number>();
      for (const op of operations) {
        const name = `${op.method.toUpperCase()} ${op.path}`;
        const destructive = DESTRUCTIVE.has(name);
        const runtime = op.security.includes('key');
        const request = fc.record({
          path: fc.tuple(
            ...op.pathParams.map((p) =>
              fc.oneof(
                { weight: 3, arbitrary: real(p, destructive ? throwaway.app : s.appRecord).map(encodePathValue) },
                { weight: 2, arbitrary: evilString },
              ),
            ),
          ),
          query: fc.record(
            {
              ...Object.fromEntries(
                op.query.map((q) => [
                  q,
                  fc.oneof(
                    real(q).map(asText),
                    evilString.map(decodeURIComponentSafe),
                    fc.array(fc.string({ maxLength: 3 }), { minLength: 2, maxLength: 2 }),
                  ),
                ]),
              ),
              extra: fc.string({ maxLength: 5 }),
            },
            { requiredKeys: [] },
          ),
          body: op.body ? bodyOf(op.body) : fc.option(evil, { nil: undefined }),
        });
        // Each route gets its share of the budget (what one leaves over goes to the next): runs past it return at once.
        const routeDeadline = Math.min(deadline, Date.now() + perRoute);
        await fc.assert(
          fc.asyncProperty(request, async ({ path, query, body }) => {
            if (Date.now() > routeDeadline) return;
            let i = 0;
            const url = op.path.replace(/\{[^}]+\}/g, () => path[i++]);
            const auth = runtime ? sdk.auth : destructive ? throwaway.user.auth : op.security.length ? s.user.auth : {};
            let req = s
              .http()
              [op.method](url)
              .set(auth)
              .query(query as Record<string, string>);
            if (body !== undefined && op.method !== 'get' && op.method !== 'delete')
              req = req.set('Content-Type', 'application/json').send(toJson(body));
            const res = await req;
            calls++;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const what = `${name} ${url} ${JSON.stringify(query)} ${toJson(body)?.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`;
            if (res.status >= 500 || res.status < 200 || (res.status >= 300 && res.status < 400))
              throw new Error(`unexpected status: ${what}`);
            if (res.status >= 400) {
              const ofrepError = op.path.startsWith('/ofrep/') && typeof res.body.errorCode === 'string';
              // Reflag's routes (/api/apps/…, /api/bootstrap) answer Reflag's {"error": {"code", "message"}}.
              const reflagError =
                op.path.startsWith('/api/') && !op.path.startsWith('/api/v1/') && typeof res.body.error?.message === 'string';
              if (!ofrepError && !reflagError && typeof res.body.error !== 'string') throw new Error(`error body without "error": ${what}`);
              // A GET changes nothing by design (and is not snapshotted, to spend the budget on writes).
              const after = op.method === 'get' ? before : await snapshot();
              if (after !== before) throw new Error(`a ${res.status} changed state: ${what}\nbefore ${before}\nafter  ${after}`);
            } else {
              if (destructive) await newThrowaway();
              await heal();
              before = await snapshot();
            }
          }),
          { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
        );
      }
      // Enough requests to mean something, on any machine: at least a few per route.
      expect(calls).toBeGreaterThan(operations.length * 3);
      expect([...statuses.keys()].some((status) => status >= 200 && status < 300)).toBe(true);
    },
    BUDGET_MS + 30_000,
  );
});

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
