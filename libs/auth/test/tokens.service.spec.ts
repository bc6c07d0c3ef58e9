import { Logger } from '@nestjs/common';
import type { UserPrincipal } from '../src/principal';
import { SCOPES } from '../src/scopes';
import { createFakeAuth, type FakeAuth, refusal } from './fakes';

const PASSWORD = 'correct horse battery';
const DAY_MS = 86_400_000;

async function userWith(f: FakeAuth, email = 'a@example.com') {
  const session = await f.auth.signup(email, PASSWORD);
  const principal = (await f.credentials.authenticate(`Bearer ${session.secret}`)) as UserPrincipal;
  return { ...session, principal };
}

const narrowed = (principal: UserPrincipal, scopes: UserPrincipal['scopes'] extends ReadonlySet<infer S> ? S[] : never): UserPrincipal => ({
  ...principal,
  scopes: new Set(scopes),
});

describe('TokensService (over fake stores)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  describe('minting a token from another', () => {
    it("defaults to the caller's scopes and expiry, in the canonical scope order", async () => {
      const f = createFakeAuth();
      const { principal, token: parent } = await userWith(f);
      const caller = narrowed(principal, ['flags:write', 'apps:read']);
      const { token, secret } = await f.tokens.create(caller, 'ci', undefined, undefined);
      expect(token).toMatchObject({ name: 'ci', scopes: ['apps:read', 'flags:write'], session: false, expiresAt: parent.expiresAt });
      expect(secret).toMatch(/^cli_/);
      expect(f.stores.users.locks).toContain(principal.userId);
    });

    it('refuses scopes beyond the caller’s, naming them', async () => {
      const f = createFakeAuth();
      const { principal } = await userWith(f);
      const caller = narrowed(principal, ['flags:read', 'tokens:write']);
      expect(await refusal(f.tokens.create(caller, 'ci', ['flags:read', 'flags:write', 'keys:write'], undefined))).toEqual({
        status: 400,
        message: "scopes may not exceed the calling token's scopes (not allowed: flags:write, keys:write)",
      });
    });

    it('refuses an expiry in the past or after the caller’s, and never outlives it', async () => {
      const f = createFakeAuth();
      const { principal, token: parent } = await userWith(f);
      const now = f.clock.now().getTime();
      expect(await refusal(f.tokens.create(principal, 'ci', undefined, new Date(now)))).toEqual({
        status: 400,
        message: 'expiresAt must be in the future',
      });
      const later = new Date(parent.expiresAt!.getTime() + 1);
      expect(await refusal(f.tokens.create(principal, 'ci', undefined, later))).toEqual({
        status: 400,
        message: `expiresAt may not be later than the calling token's expiry (${parent.expiresAt!.toISOString()})`,
      });
      const sooner = new Date(now + DAY_MS);
      expect((await f.tokens.create(principal, 'ci', undefined, sooner)).token.expiresAt).toEqual(sooner);
    });

    it('may mint an expiring token from one that never expires', async () => {
      const f = createFakeAuth();
      const { principal } = await userWith(f);
      const forever = await f.tokens.create(principal, 'forever', undefined, undefined);
      f.stores.tokens.rows.find((t) => t.id === forever.token.id)!.expiresAt = null;
      const child = { ...principal, tokenId: forever.token.id };
      expect((await f.tokens.create(child, 'child', undefined, undefined)).token.expiresAt).toBeNull();
      const at = new Date(f.clock.now().getTime() + 400 * DAY_MS);
      expect((await f.tokens.create(child, 'bounded', undefined, at)).token.expiresAt).toEqual(at);
    });

    it('refuses at LIMIT_TOKENS_PER_USER active tokens; revoked and expired ones do not count', async () => {
      const f = createFakeAuth({ LIMIT_TOKENS_PER_USER: 3 });
      const { principal } = await userWith(f);
      const short = await f.tokens.create(principal, 'short', undefined, new Date(f.clock.now().getTime() + 1000));
      const gone = await f.tokens.create(principal, 'gone', undefined, undefined);
      expect(await refusal(f.tokens.create(principal, 'one too many', undefined, undefined))).toEqual({
        status: 409,
        message: 'Token limit reached (3)',
      });
      await f.tokens.revoke(principal, gone.token.id);
      await f.tokens.create(principal, 'in its place', undefined, undefined);
      f.clock.advance(1000);
      await f.tokens.create(principal, `after ${short.token.name} expired`, undefined, undefined);
      expect(await refusal(f.tokens.create(principal, 'one too many', undefined, undefined))).toEqual({
        status: 409,
        message: 'Token limit reached (3)',
      });
    });
  });

  describe('sessions at the token limit', () => {
    it('revoke the least recently used session to make room, and every replica forgets it', async () => {
      const f = createFakeAuth({ LIMIT_TOKENS_PER_USER: 3 });
      const first = await userWith(f);
      f.clock.advance(60_000);
      const second = await f.auth.login('a@example.com', PASSWORD, 'ip');
      f.clock.advance(60_000);
      const third = await f.auth.login('a@example.com', PASSWORD, 'ip');
      f.clock.advance(60_000);
      // The oldest session is used now: the second, never used since it was issued, is the least recently used.
      await f.credentials.authenticate(`Bearer ${first.secret}`);
      const forget = jest.spyOn(f.cache, 'forget');
      const fourth = await f.auth.login('a@example.com', PASSWORD, 'ip');
      expect(forget).toHaveBeenCalledWith([second.token.tokenHash]);
      const revoked = f.stores.tokens.rows.filter((t) => t.revokedAt).map((t) => t.id);
      expect(revoked).toEqual([second.token.id]);
      expect(await refusal(f.credentials.authenticate(`Bearer ${second.secret}`))).toEqual({ status: 401, message: 'Not authenticated' });
      for (const s of [first, third, fourth]) await f.credentials.authenticate(`Bearer ${s.secret}`);
    });

    it('never push out minted tokens: a user whose limit is all minted tokens is refused, and nothing changes', async () => {
      const f = createFakeAuth({ LIMIT_TOKENS_PER_USER: 2 });
      const { principal, token } = await userWith(f);
      await f.tokens.create(principal, 'ci', undefined, undefined);
      await f.tokens.revoke(principal, token.id);
      await f.tokens.create({ ...principal, tokenId: f.stores.tokens.rows[1].id }, 'ci-2', undefined, undefined);
      const before = structuredClone(f.stores.tokens.rows);
      expect(await refusal(f.auth.login('a@example.com', PASSWORD, 'ip'))).toEqual({ status: 409, message: 'Token limit reached (2)' });
      expect(f.stores.tokens.rows).toEqual(before);
    });

    it('carry every scope and expire LOGIN_TOKEN_TTL_DAYS after issue', async () => {
      const f = createFakeAuth({ LOGIN_TOKEN_TTL_DAYS: 7 });
      const { token } = await userWith(f);
      expect(token.scopes).toEqual([...SCOPES]);
      expect(token.expiresAt).toEqual(new Date(f.clock.now().getTime() + 7 * DAY_MS));
    });
  });

  it('revokes one token (404 for another user’s or an unknown one), or all but the calling one', async () => {
    const f = createFakeAuth();
    const a = await userWith(f);
    const b = await userWith(f, 'b@example.com');
    expect(await refusal(f.tokens.revoke(a.principal, b.token.id))).toEqual({ status: 404, message: 'Token not found' });
    await f.tokens.create(a.principal, 'ci', undefined, undefined);
    await f.tokens.create(a.principal, 'ci-2', undefined, undefined);
    expect(await f.tokens.revokeAll(a.principal, true)).toBe(2);
    expect(f.stores.tokens.rows.filter((t) => t.userId === a.user.id && !t.revokedAt).map((t) => t.id)).toEqual([a.token.id]);
    expect(await f.tokens.revokeAll(a.principal, false)).toBe(1);
    expect(await refusal(f.credentials.authenticate(`Bearer ${a.secret}`))).toEqual({ status: 401, message: 'Not authenticated' });
    await f.credentials.authenticate(`Bearer ${b.secret}`);
  });
});
