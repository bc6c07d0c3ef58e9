import type { CredentialVerifier, Scope, UserPrincipal } from '@superflag/auth';
import { Clock, hashSecret, type Transaction } from '@superflag/core';
import type { AuditLog } from '../src/audit-log';
import type { ManagementKey } from '../src/management-key.entity';
import type { ManagementKeyStore, NewManagementKey } from '../src/management-key.store';
import { ManagementKeysService } from '../src/management-keys.service';
import { createFakeApps } from './fakes';

type Contract<T> = { [K in keyof T]: T[K] };

class MemoryManagementKeyStore implements Contract<ManagementKeyStore> {
  rows: ManagementKey[] = [];
  async findUnrevokedByHash(keyHash: string) {
    return this.rows.find((k) => k.keyHash === keyHash && !k.revokedAt) ?? null;
  }
  async touch(id: string, at: Date) {
    for (const k of this.rows) if (k.id === id) k.lastUsedAt = at;
  }
  async listUnrevoked(appId: string) {
    return this.rows.filter((k) => k.appId === appId && !k.revokedAt).reverse();
  }
  async findUnrevoked(appId: string, id: string) {
    const key = this.rows.find((k) => k.appId === appId && k.id === id && !k.revokedAt);
    return key ? { ...key } : null;
  }
  async insert(key: NewManagementKey) {
    const row: ManagementKey = { ...key, createdAt: new Date(), lastUsedAt: null, revokedAt: null };
    this.rows.push(row);
    return { ...row };
  }
  async markRevoked(id: string, at: Date) {
    const key = this.rows.find((k) => k.id === id && !k.revokedAt);
    if (key) key.revokedAt = at;
    return Boolean(key);
  }
  async revokeCreatedBy(appId: string, userId: string, at: Date) {
    const keys = this.rows.filter((k) => k.appId === appId && k.createdBy === userId && !k.revokedAt);
    for (const k of keys) k.revokedAt = at;
    return keys.map((k) => ({ ...k }));
  }
}

const owner = (scopes: Scope[]): UserPrincipal => ({ kind: 'user', userId: 'usr_owner', tokenId: 'tok_owner', scopes: new Set(scopes) });
const ALL: Scope[] = ['apps:read', 'apps:write', 'flags:read', 'flags:write', 'keys:read', 'keys:write', 'tokens:write'];

function setup() {
  const fake = createFakeApps();
  fake.appStore.apps.push({ id: 'app_1', name: 'shop', ownerId: 'usr_owner', plan: 'free', createdAt: new Date(), updatedAt: new Date() });
  fake.memberStore.rows.push(
    { appId: 'app_1', userId: 'usr_owner', role: 'owner', createdAt: new Date() },
    { appId: 'app_1', userId: 'usr_editor', role: 'editor', createdAt: new Date() },
  );
  const store = new MemoryManagementKeyStore();
  const credentials = { serveAppKeys: jest.fn(), issued: jest.fn(), revoked: jest.fn(async () => undefined) };
  const auditLog = {
    record: async (_tx: Transaction, appId: string, _p: unknown, action: string, details: Record<string, unknown>) =>
      void fake.audit.push({ appId, action, details }),
  };
  const keys = new ManagementKeysService(
    store as unknown as ManagementKeyStore,
    fake.transactions as never,
    fake.apps,
    auditLog as unknown as AuditLog,
    credentials as unknown as CredentialVerifier,
    new Clock(),
  );
  keys.onModuleInit();
  return { ...fake, store, credentials, keys };
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    const { status, message } = err as { status: number; message: string };
    return { status, message };
  }
  throw new Error('expected a refusal');
}

describe('ManagementKeysService (over fakes)', () => {
  it('plugs itself in as the guard’s source of mgmt_ keys, which act as their app’s key within their scopes', async () => {
    const s = setup();
    expect(s.credentials.serveAppKeys).toHaveBeenCalledWith(s.keys);
    const { key, secret } = await s.keys.create(owner(ALL), 'app_1', { name: 'ci', scopes: ['flags:write', 'apps:read'] });
    expect(s.credentials.issued).toHaveBeenCalledWith(hashSecret(secret));
    const found = await s.keys.find(hashSecret(secret));
    expect(found).toMatchObject({ expiresAt: null, session: false });
    expect(found!.principal).toEqual({
      kind: 'appKey',
      appKeyId: key.id,
      appId: 'app_1',
      createdBy: 'usr_owner',
      scopes: new Set(['apps:read', 'flags:write']),
    });
    expect(await s.keys.find(hashSecret('mgmt_other'))).toBeNull();
  });

  it('mints keys with the caller’s scopes at most (403), app scopes only (400), expiring in the future (400), audited', async () => {
    const s = setup();
    expect(await refusal(s.keys.create(owner(['keys:write', 'flags:read']), 'app_1', { name: 'ci', scopes: ['flags:write'] }))).toEqual({
      status: 403,
      message: 'Insufficient permissions',
    });
    expect(await refusal(s.keys.create(owner(ALL), 'app_1', { name: 'ci', scopes: ['tokens:write'] }))).toEqual({
      status: 400,
      message: 'scopes of an app key must be among: apps:read, apps:write, flags:read, flags:write, keys:read, keys:write',
    });
    expect(
      await refusal(s.keys.create(owner(ALL), 'app_1', { name: 'ci', scopes: ['flags:read'], expiresAt: new Date(Date.now() - 1) })),
    ).toEqual({
      status: 400,
      message: 'expiresAt must be in the future',
    });
    expect(s.store.rows).toEqual([]);
    const expiresAt = new Date(Date.now() + 86_400_000);
    const { key } = await s.keys.create(owner(ALL), 'app_1', { name: 'ci', scopes: ['keys:read', 'flags:read', 'keys:read'], expiresAt });
    expect(key).toMatchObject({
      id: expect.stringMatching(/^mk_[0-9A-Za-z]{16}$/),
      scopes: ['flags:read', 'keys:read'],
      createdBy: 'usr_owner',
      expiresAt,
    });
    expect(s.audit).toEqual([
      {
        appId: 'app_1',
        action: 'management_key.created',
        details: { keyId: key.id, name: 'ci', scopes: ['flags:read', 'keys:read'], expiresAt: expiresAt.toISOString() },
      },
    ]);
  });

  it('leaves minting, listing and revoking to owners (an editor gets 403, a stranger 404)', async () => {
    const s = setup();
    const editor: UserPrincipal = { ...owner(ALL), userId: 'usr_editor' };
    const stranger: UserPrincipal = { ...owner(ALL), userId: 'usr_stranger' };
    expect(await refusal(s.keys.create(editor, 'app_1', { name: 'ci', scopes: ['flags:read'] }))).toEqual({
      status: 403,
      message: 'Insufficient permissions',
    });
    expect(await refusal(s.keys.list(stranger, 'app_1'))).toEqual({ status: 404, message: 'App not found' });
  });

  it('revokes a key once (404 after), and every key of a member who leaves, each audited and forgotten by every replica', async () => {
    const s = setup();
    const a = await s.keys.create(owner(ALL), 'app_1', { name: 'a', scopes: ['flags:read'] });
    const b = await s.keys.create(owner(ALL), 'app_1', { name: 'b', scopes: ['flags:read'] });
    await s.keys.revoke(owner(ALL), 'app_1', a.key.id);
    expect(s.credentials.revoked).toHaveBeenCalledWith([a.key.keyHash]);
    expect(await refusal(s.keys.revoke(owner(ALL), 'app_1', a.key.id))).toEqual({ status: 404, message: 'API key not found' });
    expect((await s.keys.list(owner(ALL), 'app_1')).map((k) => k.id)).toEqual([b.key.id]);
    s.audit.length = 0;
    const revoked = await s.keys.revokeCreatedBy(owner(ALL), 'app_1', 'usr_owner', {} as Transaction);
    expect(revoked.map((k) => k.id)).toEqual([b.key.id]);
    expect(s.audit).toEqual([
      { appId: 'app_1', action: 'management_key.revoked', details: { keyId: b.key.id, name: 'b', reason: 'creator removed from the app' } },
    ]);
    await s.keys.forgetRevoked(revoked);
    expect(s.credentials.revoked).toHaveBeenLastCalledWith([b.key.keyHash]);
  });
});
