import { DomainError } from '@superflag/core';
import { aUser, createFakeApps } from './fakes';

const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (err: DomainError) => err.status,
  );

async function appWithOwner() {
  const fake = createFakeApps({ users: { usr_owner: 'owner@example.com', usr_grace: 'grace@example.com', usr_alan: 'alan@example.com' } });
  const owner = aUser('usr_owner');
  const app = await fake.transactions.run((tx) => fake.apps.create(owner, 'shop', tx));
  return { ...fake, owner, app };
}

describe('MembersService rules', () => {
  it('adds a user by email with their role, once; unknown emails are 404', async () => {
    const { members, owner, app, emitted, audit } = await appWithOwner();
    const added = await members.add(owner, app.id, 'grace@example.com', 'editor');
    expect(added).toMatchObject({ email: 'grace@example.com', member: { userId: 'usr_grace', role: 'editor' } });
    expect(await status(members.add(owner, app.id, 'grace@example.com', 'viewer'))).toBe(409);
    expect(await status(members.add(owner, app.id, 'nobody@example.com', 'viewer'))).toBe(404);
    expect(audit.map((a) => a.action)).toEqual(['member.added']);
    expect(emitted).toEqual([
      { name: 'member.added', payload: { appId: app.id, userId: 'usr_grace', role: 'editor', actor: { type: 'user', id: 'usr_owner' } } },
    ]);
  });

  it('never lets the last owner go, by demotion or removal; a second owner makes it possible', async () => {
    const { members, owner, app, emitted } = await appWithOwner();
    expect(await status(members.updateRole(owner, app.id, 'usr_owner', 'editor'))).toBe(400);
    expect(await status(members.remove(owner, app.id, 'usr_owner'))).toBe(400);
    await members.add(owner, app.id, 'alan@example.com', 'owner');
    await members.updateRole(owner, app.id, 'usr_owner', 'viewer');
    const alan = aUser('usr_alan');
    expect(await status(members.remove(alan, app.id, 'usr_alan'))).toBe(400);
    await members.remove(alan, app.id, 'usr_owner');
    expect(emitted.map((e) => e.name)).toEqual(['member.added', 'member.removed']);
  });

  it('is for owners only: editors get 403, strangers 404 as if the app did not exist', async () => {
    const { members, owner, app } = await appWithOwner();
    await members.add(owner, app.id, 'grace@example.com', 'editor');
    expect(await status(members.add(aUser('usr_grace'), app.id, 'alan@example.com', 'viewer'))).toBe(403);
    expect(await status(members.list(aUser('usr_alan'), app.id))).toBe(404);
    expect(await status(members.remove(owner, app.id, 'usr_alan'))).toBe(404);
  });
});

describe('AppsService rules', () => {
  it('creates an app with its owner as owner member, within the per-user limit', async () => {
    const fake = createFakeApps({ appsPerUser: 1 });
    const owner = aUser('usr_1');
    const app = await fake.transactions.run((tx) => fake.apps.create(owner, 'one', tx));
    expect(fake.memberStore.rows).toEqual([expect.objectContaining({ appId: app.id, userId: 'usr_1', role: 'owner' })]);
    expect(await status(fake.transactions.run((tx) => fake.apps.create(owner, 'two', tx)))).toBe(409);
  });

  it('announces a plan change once it is made, with the plan before', async () => {
    const fake = createFakeApps();
    const owner = aUser('usr_1');
    const app = await fake.transactions.run((tx) => fake.apps.create(owner, 'one', tx));
    await fake.apps.setPlan(owner, app.id, 'pro');
    await fake.apps.setPlan(owner, app.id, 'pro');
    expect(fake.emitted).toEqual([
      { name: 'plan.changed', payload: { appId: app.id, plan: 'pro', previous: 'free', actor: { type: 'user', id: 'usr_1' } } },
    ]);
    expect(fake.audit.map((a) => a.details)).toEqual([{ from: 'free', to: 'pro' }]);
  });
});
