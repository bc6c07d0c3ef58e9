import { aUser } from '../../apps/test/fakes';
import type { DomainError } from '@superflag/core';
import { environmentsWith } from './fakes';

const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (err: DomainError) => err.status,
  );
const owner = aUser('usr_owner');

describe('AppLifecycle', () => {
  it('creates an app with development, staging and production in one transaction, then announces them', async () => {
    const fake = environmentsWith();
    const runs = fake.transactions.runs;
    const app = await fake.lifecycle.create(owner, 'shop');
    expect(fake.transactions.runs).toBe(runs + 1);
    expect((await fake.environments.list(owner, app.id)).map((e) => e.name)).toEqual(['development', 'staging', 'production']);
    expect(fake.emitted.map((e) => e.name)).toEqual(['app.created', 'environment.created', 'environment.created', 'environment.created']);
    expect(fake.emitted[0].payload).toEqual({ appId: app.id, name: 'shop', ownerId: 'usr_owner' });
  });

  it('announces nothing when the app cannot be created (apps per user)', async () => {
    const fake = environmentsWith({}, { appsPerUser: 0 });
    expect(await status(fake.lifecycle.create(owner, 'shop'))).toBe(409);
    expect(fake.emitted).toEqual([]);
    expect(fake.envStore.rows).toEqual([]);
  });

  it('deletes an app (owners only) and names its environments in app.deleted', async () => {
    const fake = environmentsWith();
    const app = await fake.lifecycle.create(owner, 'shop');
    const ids = fake.envStore.rows.map((e) => e.id);
    expect(await status(fake.lifecycle.delete(aUser('usr_stranger'), app.id))).toBe(404);
    await fake.lifecycle.delete(owner, app.id);
    expect(fake.emitted.at(-1)).toEqual({
      name: 'app.deleted',
      payload: { appId: app.id, environmentIds: ids, actor: { type: 'user', id: 'usr_owner' } },
    });
  });
});

describe('EnvironmentsService rules', () => {
  it('adds environments up to LIMIT_ENVS_PER_APP (the defaults count), names unique per app', async () => {
    const fake = environmentsWith({}, { envsPerApp: 4 });
    const app = await fake.lifecycle.create(owner, 'shop');
    const qa = await fake.environments.create(owner, app.id, 'qa');
    expect(fake.emitted.at(-1)).toEqual({
      name: 'environment.created',
      payload: { appId: app.id, environmentId: qa.id, name: 'qa', actor: { type: 'user', id: 'usr_owner' } },
    });
    expect(await status(fake.environments.create(owner, app.id, 'qa2'))).toBe(409);
    await fake.environments.delete(owner, app.id, 'qa');
    expect(await status(fake.environments.create(owner, app.id, 'staging'))).toBe(409);
  });

  it('never deletes a default environment; resolves by name or id', async () => {
    const fake = environmentsWith();
    const app = await fake.lifecycle.create(owner, 'shop');
    expect(await status(fake.environments.delete(owner, app.id, 'production'))).toBe(400);
    const prod = await fake.environments.resolve(owner, app.id, 'production', 'read');
    expect(await fake.environments.resolve(owner, app.id, prod.id, 'manage')).toBe(prod);
    expect(await status(fake.environments.resolve(owner, app.id, 'nope', 'read'))).toBe(404);
  });

  it('finds an environment for the quota only for members with the right', async () => {
    const fake = environmentsWith();
    const app = await fake.lifecycle.create(owner, 'shop');
    expect(await fake.environments.findAuthorized(owner, app.id, 'staging', 'manage')).toMatchObject({
      environment: { name: 'staging' },
      plan: 'free',
    });
    expect(await fake.environments.findAuthorized(aUser('usr_x'), app.id, 'staging', 'read')).toBeNull();
  });
});
