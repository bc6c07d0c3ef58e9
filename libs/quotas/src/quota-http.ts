import { DomainError } from '@superflag/core';
import type { FastifyReply } from 'fastify';
import type { QuotaDecision } from './quotas.service';

/**
 * The HTTP side of a quota decision, for the two places that count requests (QuotaGuard on management routes,
 * RuntimeAccess on runtime routes): X-RateLimit-* headers on every counted response of a limited plan, and the
 * 429 of a refusal with the same headers and Retry-After. Throws on a refusal; otherwise writes the headers
 * synchronously (the decision is only valid until the next request of its environment).
 */
export function applyQuotaDecision(decision: QuotaDecision | undefined, reply: FastifyReply): void {
  if (!decision) return;
  if (!decision.admitted) throw quotaExceeded(decision);
  if (decision.limit === null) return;
  reply
    .header('x-ratelimit-limit', String(decision.limit))
    .header('x-ratelimit-remaining', String(decision.remaining))
    .header('x-ratelimit-reset', decision.resetHeader);
}

function quotaExceeded(d: QuotaDecision): DomainError {
  return new DomainError(
    429,
    'Monthly quota exceeded',
    {},
    {
      'x-ratelimit-limit': String(d.limit),
      'x-ratelimit-remaining': String(d.remaining),
      'x-ratelimit-reset': d.resetHeader,
      'retry-after': String(d.retryAfter),
    },
  );
}
