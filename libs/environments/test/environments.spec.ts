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
    const staging = await fake.environments.resolve(owner, app.id, 'staging', 'read');
    expect(await fake.environments.findAuthorized(owner, app.id, 'staging', 'manage')).toEqual({
      environmentId: staging.id,
      role: 'owner',
      plan: 'free',
    });
    expect(await fake.environments.findAuthorized(aUser('usr_x'), app.id, 'staging', 'read')).toBeNull();
  });

  it('answers the quota guard from memory until access to the app changes on this replica', async () => {
    const fake = environmentsWith({}, { users: { usr_ed: 'ed@example.com' } });
    const app = await fake.lifecycle.create(owner, 'shop');
    let lookups = 0;
    const findForMember = fake.envStore.findForMember.bind(fake.envStore);
    fake.envStore.findForMember = (...args) => (lookups++, findForMember(...args));
    await fake.members.add(owner, app.id, 'ed@example.com', 'editor');
    const ed = aUser('usr_ed');
    expect(await fake.environments.findAuthorized(ed, app.id, 'staging', 'write')).toMatchObject({ role: 'editor' });
    expect(await fake.environments.findAuthorized(ed, app.id, 'staging', 'read')).toMatchObject({ role: 'editor' });
    expect(lookups).toBe(1);
    await fake.members.updateRole(owner, app.id, 'usr_ed', 'viewer');
    expect(await fake.environments.findAuthorized(ed, app.id, 'staging', 'write')).toBeNull();
    expect(lookups).toBe(2);
    await fake.members.remove(owner, app.id, 'usr_ed');
    expect(await fake.environments.findAuthorized(ed, app.id, 'staging', 'read')).toBeNull();
    // No member: asked about every time, so whoever is added next is counted at once.
    expect(await fake.environments.findAuthorized(ed, app.id, 'staging', 'read')).toBeNull();
    expect(lookups).toBe(4);
    // An environment deleted and added again under its name is a new id.
    await fake.environments.create(owner, app.id, 'qa');
    const qa = await fake.environments.findAuthorized(owner, app.id, 'qa', 'read');
    await fake.environments.delete(owner, app.id, 'qa');
    const again = await fake.environments.create(owner, app.id, 'qa');
    expect((await fake.environments.findAuthorized(owner, app.id, 'qa', 'read'))?.environmentId).toBe(again.id);
    expect(again.id).not.toBe(qa?.environmentId);
  });
});
