import { AppConfig, type ClusterBus, type ClusterEvent } from '@superflag/core';
import { CredentialCache, UNKNOWN_MAX, UNKNOWN_TTL_MS, VERIFIED_TTL_MS } from '../src/credential-cache';

class FakeBus implements ClusterBus {
  readonly published: ClusterEvent[] = [];
  private handler?: (event: ClusterEvent) => void;
  async publish(event: ClusterEvent): Promise<void> {
    this.published.push(event);
    this.handler?.(event);
  }
  subscribe(handler: (event: ClusterEvent) => void): void {
    this.handler = handler;
  }
  async close(): Promise<void> {}
}

const principal = { kind: 'user' as const, userId: 'usr_1', tokenId: 'tok_1', scopes: new Set<never>() };

function aCache(maxKeys = 100) {
  const bus = new FakeBus();
  const cache = new CredentialCache(Object.assign(new AppConfig(), { CACHE_MAX_KEYS: maxKeys }), bus);
  cache.onModuleInit();
  return { cache, bus };
}

describe('credential cache', () => {
  it('remembers an unknown hash for UNKNOWN_TTL_MS only', () => {
    const { cache } = aCache();
    cache.rememberUnknown('h', 1_000);
    expect(cache.isUnknown('h', 1_000 + UNKNOWN_TTL_MS - 1)).toBe(true);
    expect(cache.isUnknown('h', 1_000 + UNKNOWN_TTL_MS)).toBe(false);
    expect(cache.sizes.unknown).toBe(0);
  });

  it('keeps at most UNKNOWN_MAX unknown hashes, dropping the oldest', () => {
    const { cache } = aCache();
    for (let i = 0; i <= UNKNOWN_MAX; i++) cache.rememberUnknown(`h${i}`, 0);
    expect(cache.sizes.unknown).toBe(UNKNOWN_MAX);
    expect(cache.isUnknown('h0', 1)).toBe(false);
    expect(cache.isUnknown(`h${UNKNOWN_MAX}`, 1)).toBe(true);
  });

  it('never refuses a credential created (or verified) after its hash was remembered as unknown', () => {
    const { cache } = aCache();
    cache.rememberUnknown('a', 0);
    cache.created('a');
    expect(cache.isUnknown('a', 1)).toBe(false);
    cache.rememberUnknown('b', 0);
    cache.remember('b', { principal, expiresAt: null, checkedAt: 1 });
    expect(cache.isUnknown('b', 2)).toBe(false);
    expect(cache.verifiedAt('b', 2)?.principal).toBe(principal);
  });

  it('re-checks a verified credential after VERIFIED_TTL_MS and keeps at most CACHE_MAX_KEYS, oldest out first', () => {
    const { cache } = aCache(100);
    cache.remember('v', { principal, expiresAt: null, checkedAt: 0 });
    expect(cache.verifiedAt('v', VERIFIED_TTL_MS - 1)).toBeDefined();
    expect(cache.verifiedAt('v', VERIFIED_TTL_MS)).toBeUndefined();
    for (let i = 0; i < 100; i++) cache.remember(`k${i}`, { principal, expiresAt: null, checkedAt: 0 });
    expect(cache.sizes.verified).toBe(100);
    expect(cache.verifiedAt('v', 1)).toBeUndefined();
    expect(cache.verifiedAt('k99', 1)).toBeDefined();
  });

  it('forgets revoked credentials here and announces each one on the bus, confirmed', async () => {
    const { cache, bus } = aCache();
    cache.remember('x', { principal, expiresAt: null, checkedAt: 0 });
    cache.remember('y', { principal, expiresAt: null, checkedAt: 0 });
    await cache.forget(['x', 'y']);
    expect(cache.verifiedAt('x', 1)).toBeUndefined();
    expect(cache.verifiedAt('y', 1)).toBeUndefined();
    expect(bus.published).toEqual([
      { type: 'token-revoked', tokenHash: 'x' },
      { type: 'token-revoked', tokenHash: 'y' },
    ]);
  });

  it('drops everything on resync (events may have been missed)', async () => {
    const { cache, bus } = aCache();
    cache.remember('v', { principal, expiresAt: null, checkedAt: 0 });
    cache.rememberUnknown('u', 0);
    await bus.publish({ type: 'resync' });
    expect(cache.sizes).toEqual({ verified: 0, unknown: 0 });
  });
});
