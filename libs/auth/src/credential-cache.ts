import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig, CLUSTER_BUS, type ClusterBus } from '@superflag/core';
import type { Principal } from './principal';

/**
 * Verified credentials are re-read from the database after this long at the latest. Revocation does not wait
 * for it: it is pushed to every replica through the cluster bus.
 */
export const VERIFIED_TTL_MS = 30_000;
/**
 * How long a hash that matched no usable credential is answered 401 without a query. Safe to cache: secrets are
 * 256 random bits generated when the credential is created, so nobody can present one before it exists, and
 * revoked or expired credentials never come back. Short anyway, so a mistake here heals on its own.
 */
export const UNKNOWN_TTL_MS = 30_000;
/** Bounds the memory a flood of random credentials can take (about 150 bytes an entry). */
export const UNKNOWN_MAX = 10_000;

export interface VerifiedCredential {
  principal: Principal;
  expiresAt: number | null;
  checkedAt: number;
}

/**
 * Each replica's memory of management credentials by sha256: the verified ones (at most CACHE_MAX_KEYS) and the
 * unknown ones (a bounded negative cache), both evicted oldest-first. A verified entry is re-inserted whenever it
 * is re-read, so the oldest entry is also roughly the least recently used one.
 */
@Injectable()
export class CredentialCache implements OnModuleInit {
  private readonly verified = new Map<string, VerifiedCredential>();
  private readonly unknown = new Map<string, number>();
  private readonly maxVerified: number;

  constructor(
    config: AppConfig,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
  ) {
    this.maxVerified = config.CACHE_MAX_KEYS;
  }

  onModuleInit(): void {
    // `token-revoked` carries the hash of either credential kind: both live in the one cache.
    this.bus.subscribe((event) => {
      if (event.type === 'token-revoked') this.verified.delete(event.tokenHash);
      if (event.type === 'resync') {
        this.verified.clear();
        this.unknown.clear();
      }
    });
  }

  /** A verified credential checked less than VERIFIED_TTL_MS ago. */
  verifiedAt(hash: string, now: number): VerifiedCredential | undefined {
    const entry = this.verified.get(hash);
    return entry && now - entry.checkedAt < VERIFIED_TTL_MS ? entry : undefined;
  }

  remember(hash: string, entry: VerifiedCredential): void {
    this.unknown.delete(hash);
    this.verified.delete(hash);
    if (this.verified.size >= this.maxVerified) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(hash, entry);
  }

  isUnknown(hash: string, now: number): boolean {
    const until = this.unknown.get(hash);
    if (until === undefined) return false;
    if (until > now) return true;
    this.unknown.delete(hash);
    return false;
  }

  rememberUnknown(hash: string, now: number): void {
    this.verified.delete(hash);
    this.unknown.delete(hash);
    if (this.unknown.size >= UNKNOWN_MAX) this.unknown.delete(this.unknown.keys().next().value as string);
    this.unknown.set(hash, now + UNKNOWN_TTL_MS);
  }

  /** A credential just created here (see UNKNOWN_TTL_MS for why other replicas need not hear of it). */
  created(hash: string): void {
    this.unknown.delete(hash);
  }

  /** Drops revoked credentials from every replica's cache; resolves once they all have (or after the bus's bounded wait). */
  async forget(hashes: readonly string[]): Promise<void> {
    for (const hash of hashes) this.verified.delete(hash);
    await Promise.all(hashes.map((tokenHash) => this.bus.publish({ type: 'token-revoked', tokenHash }, { confirm: true })));
  }

  get sizes(): { verified: number; unknown: number } {
    return { verified: this.verified.size, unknown: this.unknown.size };
  }
}
