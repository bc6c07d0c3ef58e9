import { actorOf, type AppKeyPrincipal, requireUser, type UserPrincipal } from '../src/principal';

const user: UserPrincipal = { kind: 'user', userId: 'usr_1', tokenId: 'tok_1', scopes: new Set(['flags:read']) };
const appKey: AppKeyPrincipal = { kind: 'appKey', appKeyId: 'mk_1', appId: 'app_1', createdBy: 'usr_1', scopes: new Set(['flags:write']) };

describe('principals', () => {
  it('records a user by user and token, and an app key by the key alone (never as its creator)', () => {
    expect(actorOf(user)).toEqual({ userId: 'usr_1', tokenId: 'tok_1', appKeyId: null });
    expect(actorOf(appKey)).toEqual({ userId: null, tokenId: null, appKeyId: 'mk_1' });
  });

  it('refuses an app key where only a user may act', () => {
    expect(requireUser(user)).toBe(user);
    let refused: unknown;
    try {
      requireUser(appKey);
    } catch (err) {
      refused = err;
    }
    expect(refused).toEqual(expect.objectContaining({ status: 403, message: 'Insufficient permissions' }));
  });
});
