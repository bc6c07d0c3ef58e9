import { randomBytes } from 'node:crypto';
import type { TestApp } from './app';

export const unique = (prefix = 'x') => `${prefix}-${randomBytes(6).toString('hex')}`;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  auth: { Authorization: string };
}

export async function aUser(t: TestApp): Promise<TestUser> {
  const email = `${unique('user')}@example.com`;
  const password = 'correct horse battery';
  const res = await t.http().post('/api/v1/auth/signup').send({ email, password }).expect(201);
  const token = res.body.data.token as string;
  return { id: res.body.data.user.id, email, password, token, auth: { Authorization: `Bearer ${token}` } };
}

/** Logs an existing account in (the bootstrap ADMIN_EMAIL operator, say) and returns it with its new cli_ token. */
export async function aLogin(t: TestApp, email: string, password: string): Promise<TestUser> {
  const res = await t.http().post('/api/v1/auth/login').send({ email, password }).expect(200);
  const token = res.body.data.token as string;
  return { id: res.body.data.user.id, email, password, token, auth: { Authorization: `Bearer ${token}` } };
}

export interface TestAppRecord {
  id: string;
  name: string;
  envs: Record<string, string>;
}

export async function anApp(t: TestApp, user: TestUser, name = unique('app')): Promise<TestAppRecord> {
  const res = await t.http().post('/api/v1/apps').set(user.auth).send({ name }).expect(201);
  const envs = await t.http().get('/api/v1/envs').query({ appId: res.body.data.id }).set(user.auth).expect(200);
  return { id: res.body.data.id, name, envs: Object.fromEntries(envs.body.data.map((e: { id: string; name: string }) => [e.name, e.id])) };
}

export interface FlagSpec {
  key?: string;
  type?: 'bool' | 'string' | 'number' | 'json';
  value?: unknown;
  clientEnabled?: boolean;
}

/** Creates a flag through the API and returns its key and the environment version after the write. */
export async function aFlag(
  t: TestApp,
  user: TestUser,
  app: TestAppRecord,
  env = 'production',
  spec: FlagSpec = {},
): Promise<{ key: string; version: number }> {
  const key = spec.key ?? unique('flag');
  const res = await t
    .http()
    .post('/api/v1/flags')
    .set(user.auth)
    .send({ appId: app.id, env, key, type: spec.type ?? 'bool', value: spec.value ?? true, clientEnabled: spec.clientEnabled ?? false })
    .expect(201);
  return { key, version: res.body.data.version };
}

/** Creates a runtime key through the API and returns the secret and its id. */
export async function aKey(
  t: TestApp,
  user: TestUser,
  app: TestAppRecord,
  env = 'production',
  type: 'pub' | 'sdk' = 'sdk',
): Promise<{ id: string; key: string; auth: { Authorization: string } }> {
  const res = await t.http().post('/api/v1/keys').set(user.auth).send({ appId: app.id, env, type }).expect(201);
  return { id: res.body.data.id, key: res.body.data.key, auth: { Authorization: `Bearer ${res.body.data.key}` } };
}

export type TestRole = 'owner' | 'editor' | 'viewer';

/** Makes `member` a member of `app` with `role`, through the API as `owner`. */
export async function aMember(t: TestApp, owner: TestUser, app: TestAppRecord, member: TestUser, role: TestRole): Promise<void> {
  await t.http().post(`/api/v1/apps/${app.id}/members`).set(owner.auth).send({ email: member.email, role }).expect(201);
}

export interface TestManagementKey {
  id: string;
  key: string;
  auth: { Authorization: string };
}

export const ALL_SCOPES = ['apps:read', 'apps:write', 'flags:read', 'flags:write', 'keys:read', 'keys:write'] as const;

/** Creates an app's mgmt_ key through the API as `owner` (every scope unless told) and returns its secret and id. */
export async function aManagementKey(
  t: TestApp,
  owner: TestUser,
  app: TestAppRecord,
  options: { scopes?: readonly string[]; name?: string; expiresAt?: string } = {},
): Promise<TestManagementKey> {
  const res = await t
    .http()
    .post(`/api/v1/apps/${app.id}/api-keys`)
    .set(owner.auth)
    .send({
      name: options.name ?? unique('mk'),
      scopes: options.scopes ?? ALL_SCOPES,
      ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
    })
    .expect(201);
  return { id: res.body.data.id, key: res.body.data.key, auth: { Authorization: `Bearer ${res.body.data.key}` } };
}
