import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type Principal, requireUser } from '@superflag/auth';
import { AppConfig, conflict, forbidden, IdGenerator, limitReached, notFound } from '@superflag/core';
import { DataSource, EntityManager, ObjectLiteral, QueryFailedError, Repository, SelectQueryBuilder } from 'typeorm';
import { AppMember } from './app-member.entity';
import { APP_KEY_ROLE, AppRight, roleAllows, type AppRole } from './app-rights';
import { App } from './app.entity';
import type { AuditEvent } from './audit-event.entity';
import { AuditLog } from './audit-log';

/** Runs inside the transaction that creates an app (environments use it to create the defaults). */
export type AppCreatedHook = (manager: EntityManager, app: App) => Promise<void>;

export interface AppWithRole {
  app: App;
  role: AppRole;
}

const isUniqueViolation = (err: unknown) =>
  err instanceof QueryFailedError && (err.driverError as { code?: string } | undefined)?.code === '23505';

@Injectable()
export class AppsService {
  private readonly createdHooks: AppCreatedHook[] = [];

  constructor(
    @InjectRepository(App) private readonly apps: Repository<App>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ids: IdGenerator,
    private readonly auditLog: AuditLog,
    private readonly config: AppConfig,
  ) {}

  /** Lets other modules add rows in the same transaction as a new app, so an app never exists half-made. */
  onAppCreated(hook: AppCreatedHook): void {
    this.createdHooks.push(hook);
  }

  /**
   * The app if the caller is a member whose role grants `right`. A non-member gets 404, exactly as for an
   * app that does not exist, so nobody learns that another tenant's app exists.
   */
  async authorize(principal: Principal, appId: string, right: AppRight, manager: EntityManager = this.dataSource.manager): Promise<AppWithRole> {
    const qb = manager.createQueryBuilder(App, 'app').where('app.id = :appId', { appId });
    const row = await this.withMembership(qb, 'app.id', principal).getRawAndEntities();
    const app = row.entities[0];
    if (!app) throw notFound('App');
    const role = row.raw[0].member_role as AppRole;
    if (!roleAllows(role, right)) throw forbidden();
    return { app, role };
  }

  /**
   * `authorize` with the app's row locked until the transaction of `manager` ends: changes that count what an app
   * holds (its environments) take it, so parallel ones cannot overshoot a limit.
   */
  async authorizeLocked(principal: Principal, appId: string, right: AppRight, manager: EntityManager): Promise<AppWithRole> {
    await manager.createQueryBuilder(App, 'app').select('app.id').where('app.id = :appId', { appId }).setLock('pessimistic_write').getOne();
    return this.authorize(principal, appId, right, manager);
  }

  /**
   * Restricts a query to rows of apps the caller is a member of (joined on `appIdColumn`) and selects the
   * caller's role as `member_role` (and the app's plan as `app_plan`), so a feature can check access in the same query that loads its rows.
   * An app's mgmt_ key is a member of exactly its own app, as an editor. When it finds nothing, call
   * `authorize` to learn why (404 app / 403 right).
   */
  withMembership<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, appIdColumn: string, principal: Principal): SelectQueryBuilder<T> {
    if (principal.kind === 'appKey') {
      return qb
        .innerJoin(App, 'member_app', `member_app.id = ${appIdColumn} AND member_app.id = :memberAppId`, { memberAppId: principal.appId })
        .addSelect(`'${APP_KEY_ROLE}'`, 'member_role')
        .addSelect('member_app.plan', 'app_plan');
    }
    return qb
      .innerJoin(AppMember, 'member', `member.app_id = ${appIdColumn} AND member.user_id = :memberUserId`, { memberUserId: principal.userId })
      .innerJoin(App, 'member_app', `member_app.id = ${appIdColumn}`)
      .addSelect('member.role', 'member_role')
      .addSelect('member_app.plan', 'app_plan');
  }

  /** Every app the caller is a member of (an app key: its own app), oldest first, with the caller's role. */
  async list(principal: Principal): Promise<AppWithRole[]> {
    const qb = this.apps.createQueryBuilder('app').orderBy('app.created_at', 'ASC').addOrderBy('app.id', 'ASC');
    const rows = await this.withMembership(qb, 'app.id', principal).getRawAndEntities();
    const roles = new Map(rows.raw.map((r: { app_id: string; member_role: AppRole }) => [r.app_id, r.member_role]));
    return rows.entities.map((app) => ({ app, role: roles.get(app.id)! }));
  }

  /** A new app, owned by the calling user (an app key cannot create apps: it belongs to one). */
  async create(principal: Principal, name: string): Promise<App> {
    const user = requireUser(principal);
    try {
      return await this.dataSource.transaction(async (manager) => {
        // The user has no row of this lib to lock: a transaction-scoped advisory lock on their id serialises their
        // app creations, so parallel ones cannot overshoot LIMIT_APPS_PER_USER.
        await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`apps-owned-by:${user.userId}`]);
        if ((await manager.countBy(App, { ownerId: user.userId })) >= this.config.LIMIT_APPS_PER_USER) {
          throw limitReached('Apps per user', this.config.LIMIT_APPS_PER_USER);
        }
        const app = await manager.save(manager.create(App, { id: this.ids.next('app'), name, ownerId: user.userId }));
        await manager.insert(AppMember, { appId: app.id, userId: user.userId, role: 'owner' });
        for (const hook of this.createdHooks) await hook(manager, app);
        return app;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('App name already exists');
      throw err;
    }
  }

  async get(principal: Principal, appId: string): Promise<AppWithRole> {
    return this.authorize(principal, appId, 'read');
  }

  async rename(principal: Principal, appId: string, name: string): Promise<App> {
    const { app } = await this.authorize(principal, appId, 'manage');
    if (app.name === name) return app;
    try {
      app.name = name;
      return await this.apps.save(app);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('App name already exists');
      throw err;
    }
  }

  async planOf(appId: string): Promise<App['plan']> {
    const app = await this.apps.findOne({ select: { id: true, plan: true }, where: { id: appId } });
    return app?.plan ?? 'free';
  }

  /** Sets an app's plan and records it in the app's audit (operators only: the caller checks). */
  async setPlan(principal: Principal, appId: string, plan: App['plan']): Promise<App> {
    return this.dataSource.transaction(async (manager) => {
      const app = await manager.findOne(App, { where: { id: appId }, lock: { mode: 'pessimistic_write' } });
      if (!app) throw notFound('App');
      if (app.plan === plan) return app;
      await this.auditLog.record(manager, app.id, principal, 'plan.changed', { from: app.plan, to: plan });
      app.plan = plan;
      return manager.save(app);
    });
  }

  /** The app's audit of access, newest first (owners only). */
  async audit(principal: Principal, appId: string, limit: number, before?: number | string): Promise<AuditEvent[]> {
    await this.authorize(principal, appId, 'manage');
    return this.auditLog.page(appId, limit, before);
  }

  /** Deletes the app; its members, environments and everything under them go with it (ON DELETE CASCADE). */
  async delete(principal: Principal, appId: string): Promise<void> {
    await this.authorize(principal, appId, 'manage');
    await this.apps.delete({ id: appId });
  }
}
