import { Reflector } from '@nestjs/core';
import { REQUIRED_SCOPES } from '@superflag/auth';
import { DomainError, QUOTA_EXEMPT } from '@superflag/core';
import { MemoryQuotaStore } from '../src/quota-store';
import { QuotaGuard, rightOfScopes } from '../src/quota.guard';
import { QuotasService } from '../src/quotas.service';
import { MemoryUsageStore } from './fakes';

const ENV = { id: 'env_prod', appId: 'app_1', name: 'production', version: 0, createdAt: new Date() };

/** The guard over a real QuotasService (process-memory store) and an environments fake that knows one member. */
function guarded(limit: number) {
  const clock = { now: () => new Date('2026-11-10T12:00:00Z') };
  const config = { QUOTAS_ENABLED: true, QUOTA_FREE: limit, QUOTA_PRO: limit, QUOTA_ENTERPRISE: 0, BURST_KEY_LIMIT: 0 };
  const quotas = new QuotasService(
    new MemoryQuotaStore(),
    new MemoryUsageStore(),
    config as never,
    clock as never,
    {} as never,
    {} as never,
    {} as never,
  );
  const lookups: string[] = [];
  const environments = {
    findAuthorized: async (principal: { userId: string }, appId: string, env: string, right: string) => {
      lookups.push(`${appId}/${env}/${right}`);
      const allowed = principal.userId === 'usr_owner' || (principal.userId === 'usr_viewer' && right === 'read');
      return allowed && appId === 'app_1' && env === 'production' ? { environmentId: ENV.id, role: 'owner', plan: 'free' } : null;
    },
  };
  const guard = new QuotaGuard(new Reflector(), environments as never, quotas);
  return { guard, quotas, lookups };
}

/** A route handler with its metadata, and a request naming production in its query. */
function call(guard: QuotaGuard, options: { user?: string; scopes?: string[]; exempt?: boolean; query?: Record<string, unknown> }) {
  const handler = () => undefined;
  Reflect.defineMetadata(REQUIRED_SCOPES, options.scopes ?? ['flags:read'], handler);
  if (options.exempt) Reflect.defineMetadata(QUOTA_EXEMPT, true, handler);
  const headers: Record<string, string> = {};
  const reply = { header: (name: string, value: string) => ((headers[name] = value), reply) };
  const request = {
    principal: options.user ? { kind: 'user', userId: options.user } : undefined,
    query: options.query ?? { appId: 'app_1', env: 'production' },
  };
  const context = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
    getHandler: () => handler,
    getClass: () => class Controller {},
  };
  const result = guard.canActivate(context as never);
  return { result, headers };
}

describe('QuotaGuard', () => {
  it('counts an authorised management request naming an environment and sets the X-RateLimit-* headers', async () => {
    const { guard, quotas } = guarded(5);
    const { result, headers } = call(guard, { user: 'usr_owner' });
    expect(await result).toBe(true);
    expect(headers).toEqual({
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '4',
      'x-ratelimit-reset': String(Date.UTC(2026, 11, 1) / 1000),
    });
    expect((await quotas.usage([ENV.id], 'free')).get(ENV.id)!.used).toBe(1);
  });

  it('refuses with 429 and the headers once the month is spent; exempt routes are counted and pass', async () => {
    const { guard, quotas } = guarded(2);
    for (let i = 0; i < 2; i++) await call(guard, { user: 'usr_owner' }).result;
    const refused = await Promise.resolve(call(guard, { user: 'usr_owner' }).result).catch((err: DomainError) => err);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ status: 429, message: 'Monthly quota exceeded' });
    expect((refused as DomainError).headers).toMatchObject({ 'x-ratelimit-remaining': '0', 'retry-after': expect.stringMatching(/^\d+$/) });
    expect(await call(guard, { user: 'usr_owner', scopes: ['flags:write'], exempt: true }).result).toBe(true);
    expect((await quotas.usage([ENV.id], 'free')).get(ENV.id)!.used).toBe(3);
  });

  it('passes uncounted what the handler will refuse or what names no environment; runtime requests synchronously', async () => {
    const { guard, quotas, lookups } = guarded(5);
    expect(await call(guard, { user: 'usr_stranger' }).result).toBe(true);
    // A viewer writing: the route needs `write`, which the service refuses with 403.
    expect(await call(guard, { user: 'usr_viewer', scopes: ['flags:write'] }).result).toBe(true);
    expect(call(guard, { user: 'usr_owner', query: { appId: 'app_1' } }).result).toBe(true);
    expect(call(guard, { query: { appId: 'app_1', env: 'production' } }).result).toBe(true);
    expect(lookups).toEqual(['app_1/production/read', 'app_1/production/write']);
    expect((await quotas.usage([ENV.id], 'free')).get(ENV.id)!.used).toBe(0);
  });

  it('asks for the right the route scope stands for', () => {
    expect(rightOfScopes(['flags:read'])).toBe('read');
    expect(rightOfScopes(['keys:write'])).toBe('write');
    expect(rightOfScopes(['apps:write'])).toBe('manage');
  });
});
