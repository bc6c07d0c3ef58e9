import { Injectable } from '@nestjs/common';
import { AuthFailureLimiter, DomainError, notAuthenticated } from '@superflag/core';
import { KeysService, type VerifiedKey } from '@superflag/keys';
import type { FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { serviceUnavailable } from './backoff';

const BEARER = /^Bearer\s+(\S+)\s*$/;

/**
 * Authenticates runtime calls by their pub_/sdk_ key: `Authorization: Bearer <key>` or `X-API-Key: <key>`;
 * where browsers cannot set headers (EventSource), a pub_ key may come as `?key=`. Anything else,
 * cli_ tokens included, is 401 Not authenticated. Keys verified before keep working from memory while PostgreSQL is
 * down; a key not seen yet cannot be checked then, which is 503 (retry), not 401 (the client would drop a good key).
 *
 * Every 401 counts as a failed authentication of the client address (BURST_AUTH_FAIL_IP_LIMIT); past the limit,
 * keys not already verified in memory get 429 before any lookup. A key verified before is still served to that
 * address: behind one NAT, a few stale browsers must not take the flags away from everyone else.
 */
@Injectable()
export class RuntimeKeyAuth {
  constructor(
    private readonly keys: KeysService,
    private readonly failures: AuthFailureLimiter,
  ) {}

  authenticate(request: FastifyRequest, options: { allowQueryKey?: boolean } = {}): VerifiedKey | Promise<VerifiedKey> {
    const fromHeader = secretOf(request.headers);
    const fromQuery = options.allowQueryKey ? (request.query as { key?: unknown })?.key : undefined;
    const secret = fromHeader ?? (typeof fromQuery === 'string' && fromQuery.startsWith('pub_') ? fromQuery : undefined);
    const known = secret ? this.keys.cached(secret) : undefined;
    if (known) return known;
    const ip = request.ip;
    this.failures.check(ip);
    if (!secret) return this.refuse(ip);
    const key = this.keys.verify(secret);
    if (key instanceof Promise) return key.then((k) => k ?? this.refuse(ip), unavailable);
    return key ?? this.refuse(ip);
  }

  /**
   * The key of a request that presents one already verified in memory (header forms only), found without hashing it
   * again when its connection presented it before; undefined otherwise, with nothing counted (see `authenticate`).
   */
  known(request: IncomingMessage): VerifiedKey | undefined {
    const secret = secretOf(request.headers);
    return secret ? this.keys.cachedFor(request.socket, secret) : undefined;
  }

  private refuse(ip: string): never {
    this.failures.failed(ip);
    throw notAuthenticated();
  }
}

function unavailable(err: unknown): never {
  throw err instanceof DomainError ? err : serviceUnavailable(1);
}

function secretOf(headers: IncomingHttpHeaders): string | undefined {
  return BEARER.exec(headers.authorization ?? '')?.[1] ?? headerValue(headers['x-api-key']);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.trim() : undefined;
}
