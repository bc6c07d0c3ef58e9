import type { ThrottlerStorage } from '@nestjs/throttler';
import { DomainError, loadConfig } from '@superflag/core';
import { LoginLimiter } from '../src/login-limiter';

const record = (totalHits: number) => ({ totalHits, timeToExpire: 42, isBlocked: false, timeToBlockExpire: 0 });

describe('LoginLimiter', () => {
  const config = loadConfig({ LOGIN_RATE_LIMIT: '3' });

  it('refuses past LOGIN_RATE_LIMIT by email or by address, with the window as Retry-After', async () => {
    const hits = new Map<string, number>();
    const store: ThrottlerStorage = {
      increment: async (key: string) => {
        hits.set(key, (hits.get(key) ?? 0) + 1);
        return record(hits.get(key)!);
      },
    };
    const limiter = new LoginLimiter(store, config);
    for (let i = 0; i < 3; i++) await limiter.check(`u${i}@example.com`, '10.0.0.1');
    const err = await limiter.check('other@example.com', '10.0.0.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ status: 429, message: 'Too many login attempts', headers: { 'retry-after': '42' } });
  });

  it('fails closed: a store that fails refuses the attempt with 503 instead of letting it through uncounted', async () => {
    const store: ThrottlerStorage = { increment: () => Promise.reject(new Error('connection reset')) };
    const err = await new LoginLimiter(store, config).check('a@example.com', '10.0.0.1').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, message: 'Service unavailable', headers: { 'retry-after': '1' } });
  });
});
