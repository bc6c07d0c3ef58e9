import { Injectable } from '@nestjs/common';
import { notAuthenticated } from '@superflag/core';
import { KeysService, type VerifiedKey } from '@superflag/keys';
import type { FastifyRequest } from 'fastify';

const BEARER = /^Bearer\s+(\S+)\s*$/;

/**
 * Authenticates runtime calls by their pub_/sdk_ key: `Authorization: Bearer <key>` or `X-API-Key: <key>`;
 * where browsers cannot set headers (EventSource), a pub_ key may come as `?key=`. Anything else,
 * cli_ tokens included, is 401 Not authenticated.
 */
@Injectable()
export class RuntimeKeyAuth {
  constructor(private readonly keys: KeysService) {}

  authenticate(request: FastifyRequest, options: { allowQueryKey?: boolean } = {}): VerifiedKey | Promise<VerifiedKey> {
    const fromHeader = BEARER.exec(request.headers.authorization ?? '')?.[1] ?? headerValue(request.headers['x-api-key']);
    const fromQuery = options.allowQueryKey ? (request.query as { key?: unknown })?.key : undefined;
    const secret = fromHeader ?? (typeof fromQuery === 'string' && fromQuery.startsWith('pub_') ? fromQuery : undefined);
    if (!secret) throw notAuthenticated();
    const key = this.keys.verify(secret);
    if (key instanceof Promise) return key.then(orRefuse);
    return orRefuse(key);
  }
}

function orRefuse(key: VerifiedKey | null): VerifiedKey {
  if (!key) throw notAuthenticated();
  return key;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.trim() : undefined;
}
