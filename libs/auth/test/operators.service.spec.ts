import { Logger } from '@nestjs/common';
import type { UserPrincipal } from '../src/principal';
import { createFakeAuth, type FakeAuth, refusal } from './fakes';

async function account(f: FakeAuth, email: string): Promise<UserPrincipal> {
  const { secret } = await f.auth.signup(email, 'correct horse battery');
  return (await f.credentials.authenticate(`Bearer ${secret}`)) as UserPrincipal;
}

describe('OperatorsService (over fake stores)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  async function withOperator() {
    const f = createFakeAuth({ ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'correct horse battery' });
    await f.auth.onApplicationBootstrap();
    const session = await f.auth.login('ops@example.com', 'correct horse battery', 'ip');
    const ops = (await f.credentials.authenticate(`Bearer ${session.secret}`)) as UserPrincipal;
    return { f, ops };
  }

  it('lets operators only list, grant, withdraw and read the audit', async () => {
    const { f } = await withOperator();
    const user = await account(f, 'user@example.com');
    for (const call of [
      f.operators.list(user),
      f.operators.grant(user, 'user@example.com'),
      f.operators.revoke(user, user.userId),
      f.operators.audit(user),
    ]) {
      expect(await refusal(call)).toEqual({ status: 403, message: 'Insufficient permissions' });
    }
    expect(f.stores.operators.events).toHaveLength(1);
  });

  it('grants an existing account once (404 unknown, 409 already), recording who did it', async () => {
    const { f, ops } = await withOperator();
    const user = await account(f, 'user@example.com');
    expect(await refusal(f.operators.grant(ops, 'nobody@example.com'))).toEqual({ status: 404, message: 'User not found' });
    expect(await f.operators.grant(ops, ' User@Example.com ')).toMatchObject({ id: user.userId, isOperator: true });
    expect(await refusal(f.operators.grant(ops, 'user@example.com'))).toEqual({ status: 409, message: 'User is already an operator' });
    expect((await f.operators.list(ops)).map((u) => u.email)).toEqual(['ops@example.com', 'user@example.com']);
    expect((await f.operators.audit(ops))[0]).toMatchObject({
      action: 'operator.granted',
      userId: user.userId,
      actorUserId: ops.userId,
      actorTokenId: ops.tokenId,
      details: {},
    });
  });

  it('never withdraws the last operator, not even by themselves; a withdrawn operator cannot act', async () => {
    const { f, ops } = await withOperator();
    expect(await refusal(f.operators.revoke(ops, ops.userId))).toEqual({ status: 400, message: 'At least one operator must remain' });
    const other = await account(f, 'other@example.com');
    await f.operators.grant(ops, 'other@example.com');
    await f.operators.revoke(other, ops.userId);
    expect(await refusal(f.operators.revoke(ops, other.userId))).toEqual({ status: 403, message: 'Insufficient permissions' });
    expect(await refusal(f.operators.revoke(other, ops.userId))).toEqual({ status: 404, message: 'Operator not found' });
    expect((await f.operators.audit(other)).map((e) => e.action)).toEqual(['operator.revoked', 'operator.granted', 'operator.granted']);
  });
});
