import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuthService, type Principal } from '@superflag/auth';
import { badRequest, conflict, notFound, type Page, type PageRequest, readCreatedPage } from '@superflag/core';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AppMember } from './app-member.entity';
import type { AppRole } from './app-rights';
import { App } from './app.entity';
import { AppsService } from './apps.service';
import { AuditLog } from './audit-log';

export interface MemberWithEmail {
  member: AppMember;
  email: string;
}

const LAST_OWNER = 'An app must keep at least one owner';

/** Who may act on an app, as what. Owners only; an app always keeps at least one owner. */
@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apps: AppsService,
    private readonly auth: AuthService,
    private readonly auditLog: AuditLog,
  ) {}

  /** Members in the order they joined: all of them, or one page. */
  async list(principal: Principal, appId: string, page?: PageRequest): Promise<Page<MemberWithEmail>> {
    await this.apps.authorize(principal, appId, 'manage');
    const qb = this.dataSource.manager.createQueryBuilder(AppMember, 'member').where('member.app_id = :appId', { appId });
    const { items, nextCursor } = await readCreatedPage(qb, 'member', 'user_id', page);
    const emails = await this.auth.emailsOf(items.map((m) => m.userId));
    return { items: items.map((member) => ({ member, email: emails.get(member.userId) ?? '' })), nextCursor };
  }

  /** Adds an existing user by email: 404 when there is no such user, 409 when they are already a member. */
  async add(principal: Principal, appId: string, email: string, role: AppRole): Promise<MemberWithEmail> {
    try {
      return await this.change(principal, appId, async (manager) => {
        const user = await this.auth.findUserByEmail(email, manager);
        if (!user) throw notFound('User');
        if (await manager.existsBy(AppMember, { appId, userId: user.id })) throw conflict('User is already a member');
        await manager.insert(AppMember, { appId, userId: user.id, role });
        await this.auditLog.record(manager, appId, principal, 'member.added', { userId: user.id, email: user.email, role });
        return { member: await manager.findOneByOrFail(AppMember, { appId, userId: user.id }), email: user.email };
      });
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string })?.code === '23505') throw conflict('User is already a member');
      throw err;
    }
  }

  async updateRole(principal: Principal, appId: string, userId: string, role: AppRole): Promise<MemberWithEmail> {
    return this.change(principal, appId, async (manager) => {
      const member = await this.memberOf(manager, appId, userId);
      const email = await this.emailOf(manager, userId);
      if (member.role === role) return { member, email };
      if (member.role === 'owner') await this.keepAnOwner(manager, appId);
      await manager.update(AppMember, { appId, userId }, { role });
      await this.auditLog.record(manager, appId, principal, 'member.role_changed', { userId, email, from: member.role, to: role });
      member.role = role;
      return { member, email };
    });
  }

  /**
   * Removes a member and revokes the app's mgmt_ keys they created, in one transaction: what someone set up
   * must not keep their access once they are gone. Each revocation is audited; every replica refuses the keys
   * by the time this returns.
   */
  async remove(principal: Principal, appId: string, userId: string): Promise<void> {
    const revoked = await this.change(principal, appId, async (manager) => {
      const member = await this.memberOf(manager, appId, userId);
      if (member.role === 'owner') await this.keepAnOwner(manager, appId);
      await manager.delete(AppMember, { appId, userId });
      await this.auditLog.record(manager, appId, principal, 'member.removed', { userId, email: await this.emailOf(manager, userId), role: member.role });
      const keys = await this.auth.revokeManagementKeysCreatedBy(manager, appId, userId);
      for (const key of keys) {
        await this.auditLog.record(manager, appId, principal, 'management_key.revoked', { keyId: key.id, name: key.name, reason: 'creator removed from the app' });
      }
      return keys;
    });
    await this.auth.forgetCredentials(revoked.map((k) => k.keyHash));
  }

  /**
   * Runs a change of membership with the app's row locked, so changes to one app's members happen one at a time:
   * two owners demoting each other at once cannot leave the app without an owner. The caller is authorised after
   * the lock, so a just-removed owner cannot act on what they saw before.
   */
  private change<T>(principal: Principal, appId: string, apply: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.createQueryBuilder(App, 'app').select('app.id').where('app.id = :appId', { appId }).setLock('pessimistic_write').getOne();
      await this.apps.authorize(principal, appId, 'manage', manager);
      return apply(manager);
    });
  }

  private async memberOf(manager: EntityManager, appId: string, userId: string): Promise<AppMember> {
    const member = await manager.findOneBy(AppMember, { appId, userId });
    if (!member) throw notFound('Member');
    return member;
  }

  /** Called before an owner stops being one: refuses when they are the last. */
  private async keepAnOwner(manager: EntityManager, appId: string): Promise<void> {
    const owners = await manager.countBy(AppMember, { appId, role: 'owner' });
    if (owners <= 1) throw badRequest(LAST_OWNER);
  }

  private async emailOf(manager: EntityManager, userId: string): Promise<string> {
    return (await this.auth.emailsOf([userId], manager)).get(userId) ?? '';
  }
}
