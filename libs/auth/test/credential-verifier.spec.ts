import { Logger } from '@nestjs/common';
import { hashSecret, newSecret } from '@superflag/core';
import { VERIFIED_TTL_MS } from '../src/credential-cache';
import { SLIDE_INTERVAL_MS, type StoredCredential } from '../src/credential-verifier';
import { createFakeAuth, type FakeAuth, refusal } from './fakes';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const UNAUTHENTICATED = { status: 401, message: 'Not authenticated' };

async function aSession(f: FakeAuth) {
  const session = await f.auth.signup('a@example.com', 'correct horse battery');
  return { ...session, bearer: `Bearer ${session.secret}`, row: () => f.stores.tokens.rows.find((t) => t.id === session.token.id)! };
}

describe('CredentialVerifier (over fake stores)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('refuses a missing or garbled header without a lookup', async () => {
    const f = createFakeAuth();
    for (const header of [
      undefined,
      '',
      'cli_x',
      `Basic ${newSecret('cli_')}`,
      `Bearer ${newSecret('cli_')}x`,
      `Bearer ${newSecret('pub_')}`,
    ]) {
      expect(await refusal(f.credentials.authenticate(header))).toEqual(UNAUTHENTICATED);
    }
    expect(f.stores.tokens.lookups).toBe(0);
  });

  it('slides a session’s expiry on use, writing it at most hourly and awaiting the write', async () => {
    const f = createFakeAuth({ LOGIN_TOKEN_TTL_DAYS: 30 });
    const s = await aSession(f);
    const issuedExpiry = s.token.expiresAt!.getTime();
    f.clock.advance(59 * MINUTE_MS);
    await f.credentials.authenticate(s.bearer);
    expect(s.row().expiresAt!.getTime()).toBe(issuedExpiry);
    expect(f.stores.tokens.touches.at(-1)).toEqual({ id: s.token.id, at: f.clock.now(), expiresAt: undefined });

    f.clock.advance(SLIDE_INTERVAL_MS - 59 * MINUTE_MS);
    await f.credentials.authenticate(s.bearer);
    expect(s.row().expiresAt!.getTime()).toBe(f.clock.now().getTime() + 30 * DAY_MS);
    const touches = f.stores.tokens.touches.length;

    // Within the cache's TTL the credential is not even re-read; past it, a use less than an hour later writes no expiry.
    f.clock.advance(VERIFIED_TTL_MS - 1);
    await f.credentials.authenticate(s.bearer);
    expect(f.stores.tokens.touches).toHaveLength(touches);
    f.clock.advance(30 * MINUTE_MS);
    await f.credentials.authenticate(s.bearer);
    expect(f.stores.tokens.touches.slice(touches)).toEqual([{ id: s.token.id, at: f.clock.now(), expiresAt: undefined }]);
  });

  it('lets a session whose expiry could not be extended in, with the expiry the row still has', async () => {
    const f = createFakeAuth({ LOGIN_TOKEN_TTL_DAYS: 1 });
    const s = await aSession(f);
    f.stores.tokens.failTouches = true;
    f.clock.advance(2 * SLIDE_INTERVAL_MS);
    await expect(f.credentials.authenticate(s.bearer)).resolves.toMatchObject({ kind: 'user', tokenId: s.token.id });
    expect(f.cache.verifiedAt(hashSecret(s.secret), f.clock.now().getTime())?.expiresAt).toBe(s.token.expiresAt!.getTime());
    f.clock.advance(DAY_MS - 2 * SLIDE_INTERVAL_MS);
    expect(await refusal(f.credentials.authenticate(s.bearer))).toEqual(UNAUTHENTICATED);
  });

  it('refuses an expired token and remembers it as unknown: one lookup, not one per request', async () => {
    const f = createFakeAuth({ LOGIN_TOKEN_TTL_DAYS: 1 });
    const s = await aSession(f);
    f.clock.advance(DAY_MS);
    for (let i = 0; i < 3; i++) expect(await refusal(f.credentials.authenticate(s.bearer))).toEqual(UNAUTHENTICATED);
    expect(f.stores.tokens.lookups).toBe(1);
  });

  it('answers mgmt_ keys from the source libs/apps plugs in, and 401 while there is none', async () => {
    const f = createFakeAuth();
    const secret = newSecret('mgmt_');
    expect(await refusal(f.credentials.authenticate(`Bearer ${secret}`))).toEqual(UNAUTHENTICATED);
    f.cache.created(hashSecret(secret));
    const touched: Date[] = [];
    const key: StoredCredential = {
      principal: { kind: 'appKey', appKeyId: 'mk_1', appId: 'app_1', createdBy: 'usr_1', scopes: new Set(['flags:read']) },
      expiresAt: null,
      lastUsedAt: null,
      session: false,
      touch: async (at) => touched.push(at),
    };
    const find = jest.fn(async (hash: string) => (hash === hashSecret(secret) ? key : null));
    f.credentials.serveAppKeys({ find });
    await expect(f.credentials.authenticate(`Bearer ${secret}`)).resolves.toBe(key.principal);
    await expect(f.credentials.authenticate(`Bearer ${secret}`)).resolves.toBe(key.principal);
    expect(find).toHaveBeenCalledTimes(1);
    expect(touched).toEqual([f.clock.now()]);
    expect(f.stores.tokens.lookups).toBe(0);

    await f.credentials.revoked([hashSecret(secret)]);
    find.mockResolvedValue(null);
    expect(await refusal(f.credentials.authenticate(`Bearer ${secret}`))).toEqual(UNAUTHENTICATED);
  });
});
