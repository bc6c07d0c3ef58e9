import { Injectable, OnModuleInit } from '@nestjs/common';
import {
  APP_KEY_SCOPES,
  type CredentialSource,
  CredentialVerifier,
  type Principal,
  requireUser,
  SCOPES,
  type Scope,
  type StoredCredential,
  type UserPrincipal,
} from '@superflag/auth';
import {
  badRequest,
  Clock,
  forbidden,
  hashSecret,
  newSecret,
  notFound,
  randomBase62,
  type Transaction,
  Transactions,
} from '@superflag/core';
import { AppsService } from './apps.service';
import { AuditLog } from './audit-log';
import type { ManagementKey } from './management-key.entity';
import { ManagementKeyStore } from './management-key.store';

export interface ManagementKeyInput {
  name: string;
  scopes: Scope[];
  expiresAt?: Date;
}

export interface IssuedManagementKey {
  key: ManagementKey;
  secret: string;
}

/**
 * An app's mgmt_ keys (Reflag-style management API keys): minted, listed and revoked by the app's owners, revoked
 * with their creator's membership, and found by the auth guard through CredentialVerifier (this is their source:
 * auth cannot import apps). The cache every replica keeps of verified credentials is auth's.
 */
@Injectable()
export class ManagementKeysService implements CredentialSource, OnModuleInit {
  constructor(
    private readonly store: ManagementKeyStore,
    private readonly transactions: Transactions,
    private readonly apps: AppsService,
    private readonly auditLog: AuditLog,
    private readonly credentials: CredentialVerifier,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.credentials.serveAppKeys(this);
  }

  /** The unrevoked key behind a secret's hash, as the guard needs it: an editor of its one app, within its scopes. */
  async find(keyHash: string): Promise<StoredCredential | null> {
    const key = await this.store.findUnrevokedByHash(keyHash);
    if (!key) return null;
    return {
      principal: { kind: 'appKey', appKeyId: key.id, appId: key.appId, createdBy: key.createdBy, scopes: new Set(key.scopes) },
      expiresAt: key.expiresAt,
      lastUsedAt: key.lastUsedAt,
      session: false,
      touch: (at) => this.store.touch(key.id, at),
    };
  }

  async list(principal: Principal, appId: string): Promise<ManagementKey[]> {
    await this.apps.authorize(principal, appId, 'manage');
    return this.store.listUnrevoked(appId);
  }

  /**
   * Mints a key (owners only). Like a token, a key can only carry scopes the minting token has, so a narrowed CI
   * token cannot widen itself through a key.
   */
  create(principal: Principal, appId: string, input: ManagementKeyInput): Promise<IssuedManagementKey> {
    return this.transactions.run(async (tx) => {
      await this.apps.authorize(principal, appId, 'manage', tx);
      const issued = await this.issue(requireUser(principal), appId, input, tx);
      const { key } = issued;
      await this.auditLog.record(tx, appId, principal, 'management_key.created', {
        keyId: key.id,
        name: key.name,
        scopes: key.scopes,
        expiresAt: key.expiresAt?.toISOString() ?? null,
      });
      return issued;
    });
  }

  /** Revokes a key of the app: by the time this returns, every replica refuses it. */
  async revoke(principal: Principal, appId: string, keyId: string): Promise<void> {
    const key = await this.transactions.run(async (tx) => {
      await this.apps.authorize(principal, appId, 'manage', tx);
      const found = await this.store.findUnrevoked(appId, keyId, tx);
      if (!found) throw notFound('API key');
      found.revokedAt = this.clock.now();
      if (!(await this.store.markRevoked(found.id, found.revokedAt, tx))) throw notFound('API key');
      await this.auditLog.record(tx, appId, principal, 'management_key.revoked', { keyId: found.id, name: found.name });
      return found;
    });
    // After the commit: a replica re-reading the key from now on sees it revoked.
    await this.credentials.revoked([key.keyHash]);
  }

  /**
   * Revokes, inside the caller's transaction, the app's keys a user created, each audited (when they leave the app,
   * what they set up must not keep their access). Pass the result to `forgetRevoked` once it has committed.
   */
  async revokeCreatedBy(principal: Principal, appId: string, userId: string, tx: Transaction): Promise<ManagementKey[]> {
    const keys = await this.store.revokeCreatedBy(appId, userId, this.clock.now(), tx);
    for (const key of keys) {
      await this.auditLog.record(tx, appId, principal, 'management_key.revoked', {
        keyId: key.id,
        name: key.name,
        reason: 'creator removed from the app',
      });
    }
    return keys;
  }

  /** Drops revoked keys from every replica's cache; resolves once they all have (or after the bus's bounded wait). */
  forgetRevoked(keys: readonly ManagementKey[]): Promise<void> {
    return this.credentials.revoked(keys.map((k) => k.keyHash));
  }

  private async issue(principal: UserPrincipal, appId: string, input: ManagementKeyInput, tx: Transaction): Promise<IssuedManagementKey> {
    const scopes = [...new Set(input.scopes)];
    if (scopes.some((s) => !principal.scopes.has(s))) throw forbidden();
    if (scopes.some((s) => !APP_KEY_SCOPES.includes(s)))
      throw badRequest(`scopes of an app key must be among: ${APP_KEY_SCOPES.join(', ')}`);
    if (input.expiresAt && input.expiresAt.getTime() <= this.clock.now().getTime()) throw badRequest('expiresAt must be in the future');
    const secret = newSecret('mgmt_');
    const keyHash = hashSecret(secret);
    const key = await this.store.insert(
      {
        // mk_: tells a management key apart from a runtime key (key_…) wherever ids are shown.
        id: `mk_${randomBase62(16)}`,
        appId,
        name: input.name,
        keyHash,
        scopes: SCOPES.filter((s) => scopes.includes(s)),
        createdBy: principal.userId,
        expiresAt: input.expiresAt ?? null,
      },
      tx,
    );
    this.credentials.issued(keyHash);
    return { key, secret };
  }
}
