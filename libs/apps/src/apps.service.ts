import { Injectable } from '@nestjs/common';
import { type Principal, requireUser } from '@superflag/auth';
import { AppConfig, DomainEvents, forbidden, IdGenerator, limitReached, notFound, type Transaction, Transactions } from '@superflag/core';
import { type AppRight, roleAllows } from './app-rights';
import type { App } from './app.entity';
import { AppStore, type AppWithRole } from './app.store';
import type { AuditEvent } from './audit-event.entity';
import { AuditLog } from './audit-log';
import { eventActor } from './event-actor';
import { MemberStore } from './member.store';

export type { AppWithRole } from './app.store';

/**
 * Apps and who may act on them. Creating and deleting an app is AppLifecycle's (libs/environments): an app is
 * never without its default environments, which this lib does not know of.
 */
@Injectable()
export class AppsService {
  constructor(
    private readonly store: AppStore,
    private readonly members: MemberStore,
    private readonly transactions: Transactions,
    private readonly ids: IdGenerator,
    private readonly auditLog: AuditLog,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
  ) {}

  /**
   * The app if the caller is a member whose role grants `right`. A non-member gets 404, exactly as for an
   * app that does not exist, so nobody learns that another tenant's app exists.
   */
  async authorize(principal: Principal, appId: string, right: AppRight, tx?: Transaction): Promise<AppWithRole> {
    const found = await this.store.withRole(principal, appId, tx);
    if (!found) throw notFound('App');
    if (!roleAllows(found.role, right)) throw forbidden();
    return found;
  }

  /**
   * `authorize` with the app's row locked until `tx` ends: changes that count what an app holds (its
   * environments, its owners) take it, so parallel ones cannot overshoot a limit. The caller is authorised after
   * the lock, so a just-removed owner cannot act on what they saw before.
   */
  async authorizeLocked(principal: Principal, appId: string, right: AppRight, tx: Transaction): Promise<AppWithRole> {
    await this.store.lock(appId, tx);
    return this.authorize(principal, appId, right, tx);
  }

  /** Every app the caller is a member of (an app key: its own app), oldest first, with the caller's role. */
  list(principal: Principal): Promise<AppWithRole[]> {
    return this.store.listFor(principal);
  }

  /**
   * A new app owned by the calling user, with its owner membership, inside the caller's transaction (an app key
   * cannot create apps: it belongs to one). The caller adds the app's contents in the same transaction and
   * announces `app.created` once it committed.
   */
  async create(principal: Principal, name: string, tx: Transaction): Promise<App> {
    const user = requireUser(principal);
    // Serialised per owner, so parallel creations cannot overshoot LIMIT_APPS_PER_USER.
    await this.store.lockOwner(user.userId, tx);
    if ((await this.store.countOwnedBy(user.userId, tx)) >= this.config.LIMIT_APPS_PER_USER) {
      throw limitReached('Apps per user', this.config.LIMIT_APPS_PER_USER);
    }
    const app = await this.store.insert({ id: this.ids.next('app'), name, ownerId: user.userId }, tx);
    await this.members.insert({ appId: app.id, userId: user.userId, role: 'owner' }, tx);
    return app;
  }

  get(principal: Principal, appId: string): Promise<AppWithRole> {
    return this.authorize(principal, appId, 'read');
  }

  async rename(principal: Principal, appId: string, name: string): Promise<App> {
    const { app } = await this.authorize(principal, appId, 'manage');
    if (app.name === name) return app;
    return this.store.rename(app, name);
  }

  /** The app's plan; `free` for an app that no longer exists (its environments are gone with it). */
  async planOf(appId: string): Promise<App['plan']> {
    return (await this.store.planOf(appId)) ?? 'free';
  }

  /** Sets an app's plan and records it in the app's audit (operators only: the caller checks). */
  async setPlan(principal: Principal, appId: string, plan: App['plan']): Promise<App> {
    let previous: App['plan'] = plan;
    const app = await this.transactions.run(async (tx) => {
      const app = await this.store.findLocked(appId, tx);
      if (!app) throw notFound('App');
      previous = app.plan;
      if (app.plan === plan) return app;
      await this.auditLog.record(tx, app.id, principal, 'plan.changed', { from: app.plan, to: plan });
      return this.store.setPlan(app, plan, tx);
    });
    if (previous !== plan) this.events.emit('plan.changed', { appId: app.id, plan, previous, actor: eventActor(principal) });
    return app;
  }

  /** The app's audit of access, newest first (owners only). */
  async audit(principal: Principal, appId: string, limit: number, before?: number | string): Promise<AuditEvent[]> {
    await this.authorize(principal, appId, 'manage');
    return this.auditLog.page(appId, limit, before);
  }

  /**
   * Deletes the app (owners only) inside the caller's transaction; its members, environments and everything
   * under them go with it. The caller announces `app.deleted` once it committed.
   */
  async delete(principal: Principal, appId: string, tx: Transaction): Promise<void> {
    await this.authorizeLocked(principal, appId, 'manage', tx);
    await this.store.delete(appId, tx);
  }
}
