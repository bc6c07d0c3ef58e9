import { Injectable, Logger } from '@nestjs/common';
import { type AppRight, AppsService, eventActor, MembershipCache, roleAllows } from '@superflag/apps';
import type { Principal } from '@superflag/auth';
import {
  AppConfig,
  badRequest,
  Clock,
  DomainEvents,
  IdGenerator,
  limitReached,
  notFound,
  type Transaction,
  Transactions,
} from '@superflag/core';
import type { Environment } from './environment.entity';
import { EnvironmentStore, type MemberEnvironment } from './environment.store';

/** Created with every app, in the same transaction; they cannot be deleted. */
export const DEFAULT_ENVIRONMENTS = ['development', 'staging', 'production'] as const;
/** Ids per statement in versionsOf: far below PostgreSQL's 65,535 parameters, small enough to stay a quick index scan. */
export const VERSIONS_CHUNK = 1000;

export type { MemberEnvironment } from './environment.store';

/** What the quota guard learns about a request's environment: its id, the caller's role and the app's plan. */
export interface AuthorizedEnvironment {
  environmentId: string;
  role: MemberEnvironment['role'];
  plan: MemberEnvironment['plan'];
}

@Injectable()
export class EnvironmentsService {
  private readonly logger = new Logger('Environments');

  constructor(
    private readonly store: EnvironmentStore,
    private readonly transactions: Transactions,
    private readonly apps: AppsService,
    private readonly ids: IdGenerator,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly access: MembershipCache,
    private readonly clock: Clock,
  ) {
    // The app's environments are gone: so is every caller's access to them.
    events.on('app.deleted', ({ appId }) => access.forgetApp(appId));
  }

  async list(principal: Principal, appId: string): Promise<Environment[]> {
    return (await this.listWithApp(principal, appId)).environments;
  }

  /** The app's environments and its plan (for usage reports). */
  async listWithApp(principal: Principal, appId: string): Promise<{ environments: Environment[]; plan: MemberEnvironment['plan'] }> {
    const { app } = await this.apps.authorize(principal, appId, 'read');
    return { environments: await this.store.ordered(appId), plan: app.plan };
  }

  async create(principal: Principal, appId: string, name: string): Promise<Environment> {
    const env = await this.transactions.run(async (tx) => {
      // The app's row lock makes count-then-insert atomic among parallel creates (the defaults count too).
      await this.apps.authorizeLocked(principal, appId, 'manage', tx);
      if ((await this.store.count(appId, tx)) >= this.config.LIMIT_ENVS_PER_APP) {
        throw limitReached('Environments per app', this.config.LIMIT_ENVS_PER_APP);
      }
      return (await this.store.insert([{ id: this.ids.next('env'), appId, name }], tx))[0];
    });
    this.access.forgetApp(appId);
    this.events.emit('environment.created', { appId, environmentId: env.id, name: env.name, actor: eventActor(principal) });
    return env;
  }

  /** The default environments of a new app, inside the transaction that creates it (AppLifecycle announces them). */
  createDefaults(appId: string, tx: Transaction): Promise<Environment[]> {
    return this.store.insert(
      DEFAULT_ENVIRONMENTS.map((name) => ({ id: this.ids.next('env'), appId, name })),
      tx,
    );
  }

  /** Ids of the app's environments, inside `tx` (read before the app is deleted, for `app.deleted`). */
  idsOf(appId: string, tx: Transaction): Promise<string[]> {
    return this.store.idsOf(appId, tx);
  }

  async delete(principal: Principal, appId: string, envRef: string): Promise<void> {
    const env = await this.resolve(principal, appId, envRef, 'manage');
    if ((DEFAULT_ENVIRONMENTS as readonly string[]).includes(env.name)) {
      throw badRequest('Default environments cannot be deleted');
    }
    await this.store.delete(env.id);
    this.access.forgetApp(appId);
    this.events.emit('environment.deleted', { appId: env.appId, environmentId: env.id, name: env.name, actor: eventActor(principal) });
  }

  /**
   * Current versions of the given environments, for the runtime cache's safety net (called with every cached id
   * every few seconds). `null`: checked, and deleted. Absent: not checked, because its chunk's query failed; the
   * caller keeps what it has. Ids go in bounded chunks: one statement may carry at most 65,535 parameters, and a
   * smaller statement is cheaper to retry. Rejects only when no chunk could be read at all.
   */
  async versionsOf(ids: readonly string[]): Promise<Map<string, number | null>> {
    const versions = new Map<string, number | null>();
    let firstError: unknown;
    let failed = 0;
    for (let i = 0; i < ids.length; i += VERSIONS_CHUNK) {
      const chunk = ids.slice(i, i + VERSIONS_CHUNK);
      try {
        const rows = await this.store.versions(chunk);
        for (const id of chunk) versions.set(id, null);
        for (const row of rows) versions.set(row.id, row.version);
      } catch (err) {
        firstError ??= err;
        failed++;
      }
    }
    if (failed > 0 && versions.size === 0) throw firstError;
    if (failed > 0)
      this.logger.warn(`Environment versions: ${failed} chunk(s) of ${VERSIONS_CHUNK} ids failed (${(firstError as Error).message})`);
    return versions;
  }

  /**
   * An environment of an app the caller may act on with `right`, named (`production`) or by id (`env_…`).
   * Inside a transaction pass it; `lock` takes the row lock (`FOR UPDATE`) that serialises versioned writes.
   * Counting the request against the monthly quota is the request pipeline's (libs/quotas QuotaGuard), not this.
   */
  async resolve(
    principal: Principal,
    appId: string,
    envRef: string,
    right: AppRight,
    options: { tx?: Transaction; lock?: boolean } = {},
  ): Promise<Environment> {
    const found = await this.store.findForMember(principal, appId, envRef, options);
    if (found && roleAllows(found.role, right)) return found.environment;
    // Say why: unknown or foreign app (404), missing right (403), or unknown environment (404).
    await this.apps.authorize(principal, appId, right, options.tx);
    if (!found) throw notFound('Environment');
    return found.environment;
  }

  /**
   * The environment's id, the caller's role and the app's plan when the caller may act on it with `right`; null
   * otherwise, without saying why (the route's own handler does). For the quota guard, which counts only
   * authorised requests: answered from this replica's MembershipCache when it can (see there for how fresh).
   */
  async findAuthorized(principal: Principal, appId: string, envRef: string, right: AppRight): Promise<AuthorizedEnvironment | null> {
    const now = this.clock.now().getTime();
    let access: AuthorizedEnvironment | undefined = this.access.get(principal, appId, envRef, now);
    if (!access) {
      const epoch = this.access.epoch;
      const found = await this.store.findForMember(principal, appId, envRef);
      if (!found) return null;
      access = { environmentId: found.environment.id, role: found.role, plan: found.plan };
      this.access.remember(principal, appId, envRef, access, now, epoch);
    }
    return roleAllows(access.role, right) ? access : null;
  }
}
