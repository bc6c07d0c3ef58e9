import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuthService, type IssuedManagementKey, type ManagementKey, type ManagementKeyInput, type Principal, requireUser } from '@superflag/auth';
import { DataSource } from 'typeorm';
import { AppsService } from './apps.service';
import { AuditLog } from './audit-log';

/**
 * An app's mgmt_ keys (Reflag-style management API keys): minted, listed and revoked by the app's owners. The
 * credential itself (hashing, verification, the cache every replica keeps) belongs to AuthService.
 */
@Injectable()
export class ManagementKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apps: AppsService,
    private readonly auth: AuthService,
    private readonly auditLog: AuditLog,
  ) {}

  async list(principal: Principal, appId: string): Promise<ManagementKey[]> {
    await this.apps.authorize(principal, appId, 'manage');
    return this.auth.listManagementKeys(appId);
  }

  create(principal: Principal, appId: string, input: ManagementKeyInput): Promise<IssuedManagementKey> {
    return this.dataSource.transaction(async (manager) => {
      await this.apps.authorize(principal, appId, 'manage', manager);
      const issued = await this.auth.issueManagementKey(manager, requireUser(principal), appId, input);
      const { key } = issued;
      await this.auditLog.record(manager, appId, principal, 'management_key.created', {
        keyId: key.id, name: key.name, scopes: key.scopes, expiresAt: key.expiresAt?.toISOString() ?? null,
      });
      return issued;
    });
  }

  /** Revokes a key of the app: by the time this returns, every replica refuses it. */
  async revoke(principal: Principal, appId: string, keyId: string): Promise<void> {
    const key = await this.dataSource.transaction(async (manager) => {
      await this.apps.authorize(principal, appId, 'manage', manager);
      const revoked = await this.auth.revokeManagementKey(manager, appId, keyId);
      await this.auditLog.record(manager, appId, principal, 'management_key.revoked', { keyId: revoked.id, name: revoked.name });
      return revoked;
    });
    // After the commit: a replica re-reading the key from now on sees it revoked.
    await this.auth.forgetCredential(key.keyHash);
  }
}
