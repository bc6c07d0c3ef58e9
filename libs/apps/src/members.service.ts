import { Injectable } from '@nestjs/common';
import { AuthService, type Principal } from '@superflag/auth';
import { badRequest, conflict, DomainEvents, notFound, type Page, type PageRequest, type Transaction, Transactions } from '@superflag/core';
import type { AppMember } from './app-member.entity';
import type { AppRole } from './app-rights';
import { AppsService } from './apps.service';
import { AuditLog } from './audit-log';
import { eventActor } from './event-actor';
import { ManagementKeysService } from './management-keys.service';
import { MemberStore } from './member.store';
import { MembershipCache } from './membership-cache';

export interface MemberWithEmail {
  member: AppMember;
  email: string;
}

const LAST_OWNER = 'An app must keep at least one owner';

/** Who may act on an app, as what. Owners only; an app always keeps at least one owner. */
@Injectable()
export class MembersService {
  constructor(
    private readonly store: MemberStore,
    private readonly transactions: Transactions,
    private readonly apps: AppsService,
    private readonly auth: AuthService,
    private readonly auditLog: AuditLog,
    private readonly managementKeys: ManagementKeysService,
    private readonly events: DomainEvents,
    private readonly membership: MembershipCache,
  ) {}

  /** Members in the order they joined: all of them, or one page. */
  async list(principal: Principal, appId: string, page?: PageRequest): Promise<Page<MemberWithEmail>> {
    await this.apps.authorize(principal, appId, 'manage');
    const { items, nextCursor } = await this.store.page(appId, page);
    const emails = await this.auth.emailsOf(items.map((m) => m.userId));
    return { items: items.map((member) => ({ member, email: emails.get(member.userId) ?? '' })), nextCursor };
  }

  /** Adds an existing user by email: 404 when there is no such user, 409 when they are already a member. */
  async add(principal: Principal, appId: string, email: string, role: AppRole): Promise<MemberWithEmail> {
    const added = await this.change(principal, appId, async (tx) => {
      const user = await this.auth.findUserByEmail(email, tx);
      if (!user) throw notFound('User');
      if (await this.store.exists(appId, user.id, tx)) throw conflict('User is already a member');
      const member = await this.store.insert({ appId, userId: user.id, role }, tx);
      await this.auditLog.record(tx, appId, principal, 'member.added', { userId: user.id, email: user.email, role });
      return { member, email: user.email };
    });
    this.membership.forgetApp(appId);
    this.events.emit('member.added', { appId, userId: added.member.userId, role, actor: eventActor(principal) });
    return added;
  }

  async updateRole(principal: Principal, appId: string, userId: string, role: AppRole): Promise<MemberWithEmail> {
    const changed = await this.change(principal, appId, async (tx) => {
      const member = await this.memberOf(appId, userId, tx);
      const email = await this.emailOf(userId, tx);
      if (member.role === role) return { member, email };
      if (member.role === 'owner') await this.keepAnOwner(appId, tx);
      await this.store.setRole(appId, userId, role, tx);
      await this.auditLog.record(tx, appId, principal, 'member.role_changed', { userId, email, from: member.role, to: role });
      member.role = role;
      return { member, email };
    });
    this.membership.forgetApp(appId);
    return changed;
  }

  /**
   * Removes a member and revokes the app's mgmt_ keys they created, in one transaction: what someone set up
   * must not keep their access once they are gone. Each revocation is audited; every replica refuses the keys
   * by the time this returns.
   */
  async remove(principal: Principal, appId: string, userId: string): Promise<void> {
    const revoked = await this.change(principal, appId, async (tx) => {
      const member = await this.memberOf(appId, userId, tx);
      if (member.role === 'owner') await this.keepAnOwner(appId, tx);
      await this.store.delete(appId, userId, tx);
      await this.auditLog.record(tx, appId, principal, 'member.removed', {
        userId,
        email: await this.emailOf(userId, tx),
        role: member.role,
      });
      return this.managementKeys.revokeCreatedBy(principal, appId, userId, tx);
    });
    this.membership.forgetApp(appId);
    await this.managementKeys.forgetRevoked(revoked);
    this.events.emit('member.removed', { appId, userId, actor: eventActor(principal) });
  }

  /**
   * Runs a change of membership with the app's row locked, so changes to one app's members happen one at a time:
   * two owners demoting each other at once cannot leave the app without an owner.
   */
  private change<T>(principal: Principal, appId: string, apply: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.transactions.run(async (tx) => {
      await this.apps.authorizeLocked(principal, appId, 'manage', tx);
      return apply(tx);
    });
  }

  private async memberOf(appId: string, userId: string, tx: Transaction): Promise<AppMember> {
    const member = await this.store.find(appId, userId, tx);
    if (!member) throw notFound('Member');
    return member;
  }

  /** Called before an owner stops being one: refuses when they are the last. */
  private async keepAnOwner(appId: string, tx: Transaction): Promise<void> {
    if ((await this.store.countOwners(appId, tx)) <= 1) throw badRequest(LAST_OWNER);
  }

  private async emailOf(userId: string, tx: Transaction): Promise<string> {
    return (await this.auth.emailsOf([userId], tx)).get(userId) ?? '';
  }
}
