import { hashPassword, needsRehash, PASSWORD_PARAMS, verifyPassword } from '@superflag/core';

describe('password hashing (scrypt)', () => {
  it('hashes at N=2^17, r=8, p=1 in the self-describing format, salted, and verifies (NFC-normalised)', async () => {
    expect(PASSWORD_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
    const a = await hashPassword('caf\u00e9 secret');
    const b = await hashPassword('caf\u00e9 secret');
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('cafe\u0301 secret', a)).toBe(true);
    expect(await verifyPassword('cafe secret', a)).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  it('still verifies hashes made with the older parameters (N=2^15) and asks for them to be rehashed', async () => {
    const old = await hashPassword('old password', { N: 32768, r: 8, p: 1 });
    expect(old.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('old password', old)).toBe(true);
    expect(await verifyPassword('wrong password', old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
  });

  it('queues hashes beyond the concurrent bound instead of failing them', async () => {
    const passwords = ['one password', 'two password', 'three password', 'four password', 'five password'];
    const hashes = await Promise.all(passwords.map((p) => hashPassword(p, { N: 1024, r: 8, p: 1 })));
    expect(await Promise.all(passwords.map((p, i) => verifyPassword(p, hashes[i])))).toEqual([true, true, true, true, true]);
  });

  it.each([
    ['not a hash', 'plain-text'],
    ['another algorithm', '$2b$12$abcdefghijklmnopqrstuv'],
    ['N not a power of two', 'scrypt$100000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['N beyond the bound (memory)', 'scrypt$4194304$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['a missing part', 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA=='],
  ])('refuses %s without throwing, and wants it replaced', async (_, stored) => {
    expect(await verifyPassword('anything', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(true);
  });
});
