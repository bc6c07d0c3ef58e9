import { type AuthFailureLimiter, type Clock, DomainError, hashSecret, type Transactions } from '@superflag/core';
import { OfrepStreamTokens, parseStreamToken, STREAM_TOKEN_WINDOW_S, streamToken } from '../src/ofrep-stream-tokens';

const SECRET = 'sdk_prod_0123456789012345678901234567890123456789abc';
const KEY = { keyId: 'key_0123456789abcdef', appId: 'app_1', environmentId: 'env_1', type: 'sdk' as const, keyHash: hashSecret(SECRET) };
const row = { id: KEY.keyId, app_id: 'app_1', environment_id: 'env_1', type: 'sdk', key_hash: KEY.keyHash };
const HOUR = STREAM_TOKEN_WINDOW_S;

describe('OfrepStreamTokens', () => {
  let now: number;
  let rows: unknown[];
  let failing: Error | undefined;
  let failures: string[];
  let tokens: OfrepStreamTokens;

  beforeEach(() => {
    now = 1_800_000_000; // a window boundary is a multiple of an hour
    rows = [row];
    failing = undefined;
    failures = [];
    const transactions = {
      manager: () => ({ query: async () => (failing ? Promise.reject(failing) : rows) }),
    } as unknown as Transactions;
    const limiter = { check: () => undefined, failed: (ip: string) => failures.push(ip) } as unknown as AuthFailureLimiter;
    tokens = new OfrepStreamTokens(transactions, limiter, { now: () => new Date(now * 1000) } as Clock);
  });

  const refusal = (token: string) =>
    tokens.verify(token, '10.0.0.1').then(
      () => 'accepted',
      (err: DomainError) => `${err.status} ${err.message}`,
    );

  it('mints the same token all window long, valid until the end of the next window', () => {
    now = Math.ceil(now / HOUR) * HOUR + 10;
    const first = tokens.mint(KEY);
    now += HOUR - 20;
    expect(tokens.mint(KEY)).toBe(first);
    const { expiresAt } = parseStreamToken(first)!;
    expect(expiresAt - now).toBeGreaterThanOrEqual(HOUR);
    expect(expiresAt - now).toBeLessThanOrEqual(2 * HOUR);
    now += 20;
    expect(tokens.mint(KEY)).not.toBe(first);
    expect(first).not.toContain(SECRET);
  });

  it('reuses the token minted for a key within a window, and it is the token the key and expiry give', () => {
    const first = tokens.mint(KEY);
    expect(tokens.mint(KEY)).toBe(first);
    expect(first).toBe(streamToken(KEY.keyId, KEY.keyHash, parseStreamToken(first)!.expiresAt));
    // Another key (another cached object) gets its own token.
    const other = { ...KEY, keyId: 'key_fedcba9876543210' };
    expect(tokens.mint(other)).not.toBe(first);
    expect(tokens.mint(other)).toBe(streamToken(other.keyId, other.keyHash, parseStreamToken(first)!.expiresAt));
  });

  it('accepts its own tokens, for the key they name', async () => {
    await expect(tokens.verify(tokens.mint(KEY), '10.0.0.1')).resolves.toEqual(KEY);
  });

  it('refuses expired, too long-lived, forged, malformed tokens and revoked or pub_ keys, each a failed authentication', async () => {
    const token = tokens.mint(KEY);
    const { expiresAt, signature } = parseStreamToken(token)!;
    const cases: Record<string, string> = {
      expired: streamToken(KEY.keyId, KEY.keyHash, now),
      'too long-lived': streamToken(KEY.keyId, KEY.keyHash, now + 3 * HOUR),
      'signed with another key': streamToken(KEY.keyId, hashSecret('another secret'), expiresAt),
      'expiry moved': `${KEY.keyId}.${expiresAt + 1}.${signature}`,
      malformed: `${KEY.keyId}.${expiresAt}`,
      'the secret itself': SECRET,
    };
    for (const [name, bad] of Object.entries(cases))
      expect({ name, result: await refusal(bad) }).toEqual({ name, result: '401 Not authenticated' });
    rows = [];
    expect(await refusal(token)).toBe('401 Not authenticated');
    rows = [{ ...row, type: 'pub' }];
    expect(await refusal(token)).toBe('401 Not authenticated');
    expect(failures).toHaveLength(Object.keys(cases).length + 2);
  });

  it('answers 503 when the key cannot be read (the client retries; its key is not called bad)', async () => {
    failing = new Error('connection refused');
    expect(await refusal(tokens.mint(KEY))).toBe('503 Service unavailable');
    expect(failures).toEqual([]);
  });
});
