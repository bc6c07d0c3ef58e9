import { Logger } from '@nestjs/common';
import { hashPassword } from '@superflag/core';
import { createFakeAuth, refusal, TEST_PASSWORD_PARAMS } from './fakes';

const PASSWORD = 'correct horse battery';

describe('AuthService (over fake stores)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('signs up with a normalised email, a hashed password and a session carrying every scope; never an operator', async () => {
    const f = createFakeAuth();
    const session = await f.auth.signup('  Ada@Example.COM ', PASSWORD);
    expect(session.user).toMatchObject({ email: 'ada@example.com', isOperator: false });
    expect(f.stores.users.rows[0].passwordHash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(session.secret).toMatch(/^cli_[0-9A-Za-z]{43}$/);
    expect(session.token).toMatchObject({ userId: session.user.id, session: true, name: 'signup' });
    expect(session.token.scopes).toEqual([
      'apps:read',
      'apps:write',
      'flags:read',
      'flags:write',
      'keys:read',
      'keys:write',
      'tokens:write',
    ]);
  });

  it('refuses signup when disabled, and a taken email with 409', async () => {
    expect(await refusal(createFakeAuth({ SIGNUP_ENABLED: false }).auth.signup('a@example.com', PASSWORD))).toEqual({
      status: 403,
      message: 'Signup is disabled',
    });
    const f = createFakeAuth();
    await f.auth.signup('a@example.com', PASSWORD);
    expect(await refusal(f.auth.signup('A@example.com', PASSWORD))).toEqual({ status: 409, message: 'Email already registered' });
    expect(f.stores.users.rows).toHaveLength(1);
  });

  it('creates the account and its session together or not at all', async () => {
    const f = createFakeAuth({ LIMIT_TOKENS_PER_USER: 0 });
    expect(await refusal(f.auth.signup('a@example.com', PASSWORD))).toEqual({ status: 409, message: 'Token limit reached (0)' });
    expect(f.stores.users.rows).toEqual([]);
    expect(f.stores.tokens.rows).toEqual([]);
  });

  it('answers a wrong password and an unknown email alike (401), throttled by email and address, issuing nothing', async () => {
    const f = createFakeAuth();
    await f.auth.signup('a@example.com', PASSWORD);
    const before = f.stores.tokens.rows.length;
    expect(await refusal(f.auth.login('a@example.com', 'wrong password', '10.0.0.1'))).toEqual({
      status: 401,
      message: 'Invalid email or password',
    });
    expect(await refusal(f.auth.login('nobody@example.com', PASSWORD, '10.0.0.1'))).toEqual({
      status: 401,
      message: 'Invalid email or password',
    });
    expect(f.limiter.checks).toEqual([
      { email: 'a@example.com', ip: '10.0.0.1' },
      { email: 'nobody@example.com', ip: '10.0.0.1' },
    ]);
    expect(f.stores.tokens.rows).toHaveLength(before);
    const session = await f.auth.login(' A@EXAMPLE.com', PASSWORD, '10.0.0.1');
    expect(session.token).toMatchObject({ name: 'login', session: true });
  });

  it('rehashes a password stored with older parameters on a successful login only, and only once', async () => {
    const f = createFakeAuth();
    const { user } = await f.auth.signup('a@example.com', PASSWORD);
    const old = await hashPassword(PASSWORD, { ...TEST_PASSWORD_PARAMS, N: 2 ** 8 });
    f.stores.users.rows[0].passwordHash = old;
    await refusal(f.auth.login('a@example.com', 'wrong password', 'ip'));
    expect(f.stores.users.rows[0].passwordHash).toBe(old);
    const session = await f.auth.login('a@example.com', PASSWORD, 'ip');
    const renewed = f.stores.users.rows[0].passwordHash;
    expect(renewed).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(session.user.passwordHash).toBe(renewed);
    await f.auth.login('a@example.com', PASSWORD, 'ip');
    expect(f.stores.users.rows.find((u) => u.id === user.id)!.passwordHash).toBe(renewed);
  });

  it('does not overwrite a password changed while a rehash was computed', async () => {
    const f = createFakeAuth();
    await f.auth.signup('a@example.com', PASSWORD);
    f.stores.users.rows[0].passwordHash = await hashPassword(PASSWORD, { ...TEST_PASSWORD_PARAMS, N: 2 ** 8 });
    const hash = f.passwords.hash.bind(f.passwords);
    jest.spyOn(f.passwords, 'hash').mockImplementationOnce(async (password) => {
      const renewed = await hash(password);
      f.stores.users.rows[0].passwordHash = 'changed meanwhile';
      return renewed;
    });
    await f.auth.login('a@example.com', PASSWORD, 'ip');
    expect(f.stores.users.rows[0].passwordHash).toBe('changed meanwhile');
  });

  it('changes a password with the current one, revoking every other token of the user and keeping the calling one', async () => {
    const f = createFakeAuth();
    const first = await f.auth.signup('a@example.com', PASSWORD);
    const second = await f.auth.login('a@example.com', PASSWORD, 'ip');
    const caller = await f.credentials.authenticate(`Bearer ${first.secret}`);
    if (caller.kind !== 'user') throw new Error('a user was expected');
    expect(await refusal(f.auth.changePassword(caller, 'wrong', 'new password 1', 'ip'))).toEqual({
      status: 400,
      message: 'currentPassword is incorrect',
    });
    expect(await f.auth.changePassword(caller, PASSWORD, 'new password 1', 'ip')).toBe(1);
    expect(f.stores.tokens.rows.find((t) => t.id === second.token.id)!.revokedAt).not.toBeNull();
    expect(f.stores.tokens.rows.find((t) => t.id === first.token.id)!.revokedAt).toBeNull();
    await expect(f.credentials.authenticate(`Bearer ${first.secret}`)).resolves.toMatchObject({ userId: first.user.id });
    expect(await refusal(f.credentials.authenticate(`Bearer ${second.secret}`))).toEqual({ status: 401, message: 'Not authenticated' });
    expect(await refusal(f.auth.login('a@example.com', PASSWORD, 'ip'))).toEqual({ status: 401, message: 'Invalid email or password' });
    await f.auth.login('a@example.com', 'new password 1', 'ip');
  });

  it('creates the ADMIN_EMAIL account once and makes it an operator, recorded once', async () => {
    const f = createFakeAuth({ ADMIN_EMAIL: 'Ops@Example.com', ADMIN_PASSWORD: PASSWORD });
    await f.auth.onApplicationBootstrap();
    await f.auth.onApplicationBootstrap();
    expect(f.stores.users.rows).toEqual([expect.objectContaining({ email: 'ops@example.com', isOperator: true })]);
    expect(f.stores.operators.events).toEqual([
      expect.objectContaining({ action: 'operator.granted', email: 'ops@example.com', actorUserId: null, details: { via: 'ADMIN_EMAIL' } }),
    ]);
    await f.auth.login('ops@example.com', PASSWORD, 'ip');
  });
});
