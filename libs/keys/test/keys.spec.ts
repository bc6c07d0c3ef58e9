import type { DomainError } from '@superflag/core';
import { aUser } from '../../apps/test/fakes';
import { createFakeKeys } from './fakes';

const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (err: DomainError) => err.status,
  );

describe('KeysService rules', () => {
  it('returns the secret once and keeps only its hash; the key is announced after it is stored', async () => {
    const { keys, store, owner, app, emitted, published, hashSecret } = await createFakeKeys();
    const { key, secret } = await keys.create(owner, app.id, 'production', 'sdk', 'server');
    expect(secret).toMatch(/^sdk_prod_[0-9A-Za-z]{43}$/);
    expect(store.rows[0]).toMatchObject({ id: key.id, keyHash: hashSecret(secret), last4: secret.slice(-4), prefix: 'sdk_prod_' });
    expect(JSON.stringify(store.rows)).not.toContain(secret);
    expect((await keys.list(owner, app.id, 'production')).items.map((k) => k.id)).toEqual([key.id]);
    expect(published).toEqual([{ type: 'key-created', keyHash: hashSecret(secret) }]);
    expect(emitted.at(-1)).toEqual({
      name: 'key.created',
      payload: { appId: app.id, environmentId: key.environmentId, keyId: key.id, type: 'sdk', actor: { type: 'user', id: 'usr_owner' } },
    });
    expect(JSON.stringify(emitted)).not.toContain(secret);
  });

  it('refuses past LIMIT_KEYS_PER_ENV active keys; a revoked key frees its place', async () => {
    const { keys, owner, app, emitted } = await createFakeKeys({ keysPerEnv: 2 });
    const first = await keys.create(owner, app.id, 'staging', 'pub');
    await keys.create(owner, app.id, 'staging', 'pub');
    expect(await status(keys.create(owner, app.id, 'staging', 'pub'))).toBe(409);
    await keys.create(owner, app.id, 'production', 'pub');
    await keys.revoke(owner, first.key.id);
    expect(emitted.at(-1)).toMatchObject({ name: 'key.revoked', payload: { keyId: first.key.id } });
    await keys.create(owner, app.id, 'staging', 'pub');
    expect(await status(keys.revoke(owner, first.key.id))).toBe(404);
  });

  it('refuses bad types and strangers without telling them the key exists', async () => {
    const { keys, owner, app } = await createFakeKeys();
    expect(await status(keys.create(owner, app.id, 'production', 'admin'))).toBe(400);
    const { key } = await keys.create(owner, app.id, 'production', 'pub');
    expect(await status(keys.revoke(aUser('usr_stranger'), key.id))).toBe(404);
    expect(await status(keys.create(aUser('usr_stranger'), app.id, 'production', 'pub'))).toBe(404);
  });
});
