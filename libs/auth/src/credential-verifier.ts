import { Injectable, Logger } from '@nestjs/common';
import { Clock, hashSecret, notAuthenticated } from '@superflag/core';
import { CredentialCache } from './credential-cache';
import type { Principal } from './principal';
import { TokensService } from './tokens.service';

/** A user's `cli_` token or an app's `mgmt_` key: the two management credentials. */
const CREDENTIAL_PATTERN = /^Bearer\s+((cli|mgmt)_[0-9A-Za-z]{43})\s*$/;
/** lastUsedAt is informative; writing it at most once a minute keeps the management path free of a write per request. */
const TOUCH_INTERVAL_MS = 60_000;
/** A session's expiry slides on use, but is written at most once an hour: a day's use costs ~24 writes, not one per request. */
export const SLIDE_INTERVAL_MS = 3_600_000;

/** A credential row as authentication needs it, whichever kind and table it came from. */
export interface StoredCredential {
  principal: Principal;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  /** A session token, whose expiry slides on use. */
  session: boolean;
  /** Saves when it was used (and, for a session, its new expiry). */
  touch: (at: Date, expiresAt?: Date) => Promise<unknown>;
}

/** Where one kind of management credential is found by the sha256 of its secret; null when none is unrevoked. */
export interface CredentialSource {
  find(hash: string): Promise<StoredCredential | null>;
}

/**
 * Resolves `Authorization: Bearer cli_…` (a user) or `Bearer mgmt_…` (an app's key) to a principal, through each
 * replica's CredentialCache. cli_ tokens are this lib's (TokensService); mgmt_ keys belong to apps (libs/apps,
 * which depends on this lib, never the reverse), so libs/apps hands in their source at start-up.
 */
@Injectable()
export class CredentialVerifier {
  private readonly logger = new Logger('Auth');
  private appKeys: CredentialSource | null = null;

  constructor(
    private readonly cache: CredentialCache,
    private readonly clock: Clock,
    private readonly tokens: TokensService,
  ) {}

  /** Where mgmt_ keys are looked up; until it is set (a deployable without libs/apps), a mgmt_ key gets 401. */
  serveAppKeys(source: CredentialSource): void {
    this.appKeys = source;
  }

  /**
   * The caller, or 401 for anything missing, garbled, unknown, revoked or expired. Unknown hashes are remembered
   * for a while, so a flood of made-up credentials does not cost a query each.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const match = authorization ? CREDENTIAL_PATTERN.exec(authorization) : null;
    if (!match) throw notAuthenticated();
    const hash = hashSecret(match[1]);
    const now = this.clock.now().getTime();
    const cached = this.cache.verifiedAt(hash, now);
    if (cached) {
      if (cached.expiresAt !== null && cached.expiresAt <= now) throw notAuthenticated();
      return cached.principal;
    }
    if (this.cache.isUnknown(hash, now)) throw notAuthenticated();
    const source = match[2] === 'cli' ? this.tokens : this.appKeys;
    const stored = source ? await source.find(hash) : null;
    if (!stored || (stored.expiresAt && stored.expiresAt.getTime() <= now)) {
      this.cache.rememberUnknown(hash, now);
      throw notAuthenticated();
    }
    let expiresAt = stored.expiresAt;
    const slide = stored.session ? this.tokens.sessionExpiry(now) : null;
    if (slide && (!expiresAt || slide.getTime() - expiresAt.getTime() >= SLIDE_INTERVAL_MS)) {
      // Awaited: the cache (here and on other replicas, which re-read the row) must not hold an expiry the row lacks.
      try {
        await stored.touch(new Date(now), slide);
        expiresAt = slide;
      } catch (err) {
        this.logger.warn(`Session expiry not extended: ${(err as Error).message}`);
      }
    } else if (!stored.lastUsedAt || now - stored.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      stored.touch(new Date(now)).catch((err: Error) => this.logger.warn(`lastUsedAt not saved: ${err.message}`));
    }
    this.cache.remember(hash, { principal: stored.principal, expiresAt: expiresAt?.getTime() ?? null, checkedAt: now });
    return stored.principal;
  }

  /** A credential just created here: answered at once, even if its hash was refused before (see UNKNOWN_TTL_MS). */
  issued(hash: string): void {
    this.cache.created(hash);
  }

  /** Drops revoked credentials from every replica's cache; resolves once they all have (or after the bus's bounded wait). */
  revoked(hashes: readonly string[]): Promise<void> {
    return this.cache.forget(hashes);
  }
}
