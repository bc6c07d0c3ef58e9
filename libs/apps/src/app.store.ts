import { Injectable } from '@nestjs/common';
import type { Principal } from '@superflag/auth';
import { type Transaction, Transactions, uniquely } from '@superflag/core';
import type { AppRole } from './app-rights';
import { App } from './app.entity';
import { withMembership } from './membership-query';

export interface AppWithRole {
  app: App;
  role: AppRole;
}

const NAME_TAKEN = 'App name already exists';

/** Persistence of apps: every query of the `apps` table. */
@Injectable()
export class AppStore {
  constructor(private readonly transactions: Transactions) {}

  /** The app with the caller's role in it; undefined when it does not exist or the caller is no member. */
  async withRole(principal: Principal, appId: string, tx?: Transaction): Promise<AppWithRole | undefined> {
    const qb = this.transactions.manager(tx).createQueryBuilder(App, 'app').where('app.id = :appId', { appId });
    const { entities, raw } = await withMembership(qb, 'app.id', principal).getRawAndEntities();
    const app = entities[0];
    return app ? { app, role: (raw[0] as { member_role: AppRole }).member_role } : undefined;
  }

  /** Every app the caller is a member of, oldest first, with the caller's role. */
  async listFor(principal: Principal): Promise<AppWithRole[]> {
    const qb = this.transactions.manager().createQueryBuilder(App, 'app').orderBy('app.created_at', 'ASC').addOrderBy('app.id', 'ASC');
    const { entities, raw } = await withMembership(qb, 'app.id', principal).getRawAndEntities();
    const roles = new Map((raw as Array<{ app_id: string; member_role: AppRole }>).map((r) => [r.app_id, r.member_role]));
    return entities.map((app) => ({ app, role: roles.get(app.id)! }));
  }

  /** Locks the app's row until `tx` ends (nothing when it does not exist). */
  async lock(appId: string, tx: Transaction): Promise<void> {
    await this.transactions
      .manager(tx)
      .createQueryBuilder(App, 'app')
      .select('app.id')
      .where('app.id = :appId', { appId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** The app, its row locked until `tx` ends. */
  findLocked(appId: string, tx: Transaction): Promise<App | null> {
    return this.transactions.manager(tx).findOne(App, { where: { id: appId }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Serialises the app creations of one owner until `tx` ends: the user has no row of this lib to lock, so a
   * transaction-scoped advisory lock on their id stands in for it.
   */
  async lockOwner(ownerId: string, tx: Transaction): Promise<void> {
    await this.transactions.manager(tx).query('SELECT pg_advisory_xact_lock(hashtext($1))', [`apps-owned-by:${ownerId}`]);
  }

  countOwnedBy(ownerId: string, tx: Transaction): Promise<number> {
    return this.transactions.manager(tx).countBy(App, { ownerId });
  }

  insert(values: Pick<App, 'id' | 'name' | 'ownerId'>, tx: Transaction): Promise<App> {
    const manager = this.transactions.manager(tx);
    return uniquely(NAME_TAKEN, () => manager.save(manager.create(App, values)));
  }

  rename(app: App, name: string): Promise<App> {
    app.name = name;
    return uniquely(NAME_TAKEN, () => this.transactions.manager().save(app));
  }

  setPlan(app: App, plan: App['plan'], tx: Transaction): Promise<App> {
    app.plan = plan;
    return this.transactions.manager(tx).save(app);
  }

  async planOf(appId: string): Promise<App['plan'] | undefined> {
    return (await this.transactions.manager().findOne(App, { select: { id: true, plan: true }, where: { id: appId } }))?.plan;
  }

  /** Its members, environments and everything under them go with it (ON DELETE CASCADE). */
  async delete(appId: string, tx: Transaction): Promise<void> {
    await this.transactions.manager(tx).delete(App, { id: appId });
  }
}
