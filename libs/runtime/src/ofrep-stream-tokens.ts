import { Injectable } from '@nestjs/common';
import { AuthFailureLimiter, Clock, constantTimeEqual, DomainError, notAuthenticated, Transactions } from '@superflag/core';
import type { KeyType, VerifiedKey } from '@superflag/keys';
import { createHmac } from 'node:crypto';
import { serviceUnavailable } from './backoff';

/**
 * Tokens are minted per window of this many seconds and expire at the end of the next one: every bulk call within
 * a window hands out the same token (so the bulk answer, and its ETag, stay the same), and a token lives between
 * one and two windows. A stream opened with it stays open past its expiry (revocation still closes it); a client
 * reconnecting later gets 401, re-fetches the bulk evaluation, and gets a fresh token with a new ETag.
 */
export const STREAM_TOKEN_WINDOW_S = 3600;

const TOKEN = /^(key_[0-9A-Za-z]{16})\.(\d{10})\.([0-9A-Za-z_-]{43})$/;

/**
 * An sdk_ key's stream token: `<key id>.<expiry, epoch seconds>.<HMAC-SHA256>`, the HMAC keyed by the key's stored
 * hash (sha256 of its secret) over the id and the expiry. No server secret to configure or share between replicas:
 * every replica can read the hash, only someone holding the secret (or the database) could compute it, and the token
 * dies with its key (a revoked key is not found).
 */
export function streamToken(keyId: string, keyHash: string, expiresAt: number): string {
  return `${keyId}.${expiresAt}.${signature(keyId, keyHash, expiresAt)}`;
}

function signature(keyId: string, keyHash: string, expiresAt: number): string {
  return createHmac('sha256', keyHash).update(`superflag-ofrep-stream:v1:${keyId}:${expiresAt}`).digest('base64url');
}

/** A token's parts when it is well-formed; its signature is checked once the key's hash is known. */
export function parseStreamToken(token: string): { keyId: string; expiresAt: number; signature: string } | undefined {
  const match = TOKEN.exec(token);
  return match ? { keyId: match[1], expiresAt: Number(match[2]), signature: match[3] } : undefined;
}

interface KeyRow {
  id: string;
  app_id: string;
  environment_id: string;
  type: KeyType;
  key_hash: string;
}

/**
 * Authenticates OFREP event streams of sdk_ keys, which EventSource cannot send as a header and which must never
 * travel in a URL: the bulk evaluation mints a short-lived token, the stream URL carries it. Verifying reads the
 * key by id (one primary-key lookup per stream opened, not per event); a malformed, expired, forged or revoked
 * token is 401 and counts as a failed authentication of the address (BURST_AUTH_FAIL_IP_LIMIT).
 */
@Injectable()
export class OfrepStreamTokens {
  constructor(
    private readonly transactions: Transactions,
    private readonly failures: AuthFailureLimiter,
    private readonly clock: Clock,
  ) {}

  /**
   * The token last minted for each verified key (the cached key objects of KeysService), with its expiry: every
   * bulk call of a window asks for the same one, which then costs a lookup instead of an HMAC.
   */
  private readonly minted = new WeakMap<VerifiedKey, { expiresAt: number; token: string }>();

  /** A token for the key's streams, the same one all window long (see STREAM_TOKEN_WINDOW_S). */
  mint(key: VerifiedKey): string {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const expiresAt = (Math.floor(now / STREAM_TOKEN_WINDOW_S) + 2) * STREAM_TOKEN_WINDOW_S;
    const last = this.minted.get(key);
    if (last && last.expiresAt === expiresAt) return last.token;
    const token = streamToken(key.keyId, key.keyHash, expiresAt);
    this.minted.set(key, { expiresAt, token });
    return token;
  }

  async verify(token: string, address: string): Promise<VerifiedKey> {
    this.failures.check(address);
    const parsed = parseStreamToken(token);
    const now = Math.floor(this.clock.now().getTime() / 1000);
    // Never longer than a token is minted for: a far expiry is a forgery, not worth a lookup.
    if (!parsed || parsed.expiresAt <= now || parsed.expiresAt > now + 2 * STREAM_TOKEN_WINDOW_S) return this.refuse(address);
    let rows: KeyRow[];
    try {
      rows = await this.transactions
        .manager()
        .query(`SELECT id, app_id, environment_id, type, key_hash FROM api_keys WHERE id = $1 AND revoked_at IS NULL`, [parsed.keyId]);
    } catch (err) {
      throw err instanceof DomainError ? err : serviceUnavailable(1);
    }
    const row = rows[0];
    if (!row || row.type !== 'sdk' || !constantTimeEqual(parsed.signature, signature(row.id, row.key_hash, parsed.expiresAt))) {
      return this.refuse(address);
    }
    return { keyId: row.id, appId: row.app_id, environmentId: row.environment_id, type: row.type, keyHash: row.key_hash };
  }

  private refuse(address: string): never {
    this.failures.failed(address);
    throw notAuthenticated();
  }
}
