import fc from 'fast-check';
import crypto from 'node:crypto';
import { constantTimeEqual, hashPassword, hashSecret, verifyPassword } from '../src/hashing';
import { IdGenerator, newSecret, randomBase62 } from '../src/ids';

describe('ids and secrets', () => {
  it('makes prefixed base62 ids of the documented length', () => {
    const ids = new IdGenerator();
    fc.assert(
      fc.property(fc.constantFrom('app', 'env', 'usr', 'tok', 'key') as fc.Arbitrary<'app'>, (prefix) => {
        expect(ids.next(prefix)).toMatch(new RegExp(`^${prefix}_[0-9A-Za-z]{16}$`));
      }),
    );
  });

  it('makes secrets with at least 32 bytes of entropy and no repeats', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const s = newSecret('cli_');
      expect(s).toMatch(/^cli_[0-9A-Za-z]{43}$/);
      seen.add(s);
    }
    expect(seen.size).toBe(2000);
  });

  it('draws from the CSPRNG in 4 KB blocks, not once per id (a call per id cost 3-4 µs on every write)', () => {
    const fill = jest.spyOn(crypto, 'randomFillSync');
    const bytes = jest.spyOn(crypto, 'randomBytes');
    try {
      const ids = new IdGenerator();
      const made = new Set(Array.from({ length: 1000 }, () => ids.next('chg')));
      expect(made.size).toBe(1000);
      // 16,000 characters take about 16,500 bytes (those >= 248 are drawn again): 4 or 5 blocks.
      expect(fill.mock.calls.length).toBeGreaterThanOrEqual(4);
      expect(fill.mock.calls.length).toBeLessThanOrEqual(5);
      expect(bytes).not.toHaveBeenCalled();
    } finally {
      fill.mockRestore();
      bytes.mockRestore();
    }
  });

  it('draws base62 characters uniformly (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (const ch of randomBase62(62_000)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(200);
  });

  it('hashes secrets with sha256 and compares in constant time', () => {
    expect(hashSecret('cli_abc')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecret('cli_abc')).toBe(hashSecret('cli_abc'));
    expect(hashSecret('cli_abc')).not.toBe(hashSecret('cli_abd'));
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('passwords', () => {
  it('hashes with scrypt, a per-user salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsf', a)).toBe(false);
    expect(await verifyPassword('correct horse', 'garbage')).toBe(false);
  });

  it('treats canonically equivalent unicode passwords alike', async () => {
    const composed = 'caf\u00e9-password';
    const decomposed = 'cafe\u0301-password';
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });
});
