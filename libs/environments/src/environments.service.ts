import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type AppRight, type AppRole, AppsService, roleAllows } from '@superflag/apps';
import type { Principal } from '@superflag/auth';
import { AppConfig, badRequest, conflict, IdGenerator, limitReached, notFound } from '@superflag/core';
import { type Plan, QuotasService } from '@superflag/quotas';
import { EntityManager, In, QueryFailedError, Repository } from 'typeorm';
import { Environment } from './environment.entity';

/** Created with every app, in the same transaction; they cannot be deleted. */
export const DEFAULT_ENVIRONMENTS = ['development', 'staging', 'production'] as const;
const ENV_ID = /^env_[0-9A-Za-z]{1,28}$/;
/** Ids per statement in versionsOf: far below PostgreSQL's 65,535 parameters, small enough to stay a quick index scan. */
export const VERSIONS_CHUNK = 1000;

@Injectable()
export class EnvironmentsService implements OnModuleInit {
  private readonly logger = new Logger('Environments');

  constructor(
    @InjectRepository(Environment) private readonly environments: Repository<Environment>,
    private readonly apps: AppsService,
    private readonly ids: IdGenerator,
    private readonly quotas: QuotasService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.apps.onAppCreated(async (manager, app) => {
      await manager.insert(
        Environment,
        DEFAULT_ENVIRONMENTS.map((name) => ({ id: this.ids.next('env'), appId: app.id, name, version: 0 })),
      );
    });
  }

  async list(principal: Principal, appId: string): Promise<Environment[]> {
    return (await this.listWithApp(principal, appId)).environments;
  }

  /** The app's environments and its plan (for usage reports). */
  async listWithApp(principal: Principal, appId: string): Promise<{ environments: Environment[]; plan: Plan }> {
    const { app } = await this.apps.authorize(principal, appId, 'read');
    return { environments: await this.ordered(appId), plan: app.plan };
  }

  private ordered(appId: string): Promise<Environment[]> {
    return this.environments
      .createQueryBuilder('env')
      .where('env.app_id = :appId', { appId })
      .orderBy(`CASE env.name WHEN 'development' THEN 0 WHEN 'staging' THEN 1 WHEN 'production' THEN 2 ELSE 3 END`)
      .addOrderBy('env.created_at', 'ASC')
      .addOrderBy('env.name', 'ASC')
      .getMany();
  }

  async create(principal: Principal, appId: string, name: string): Promise<Environment> {
    try {
      return await this.environments.manager.transaction(async (manager) => {
        // The app's row lock makes count-then-insert atomic among parallel creates (the defaults count too).
        await this.apps.authorizeLocked(principal, appId, 'manage', manager);
        if ((await manager.countBy(Environment, { appId })) >= this.config.LIMIT_ENVS_PER_APP) {
          throw limitReached('Environments per app', this.config.LIMIT_ENVS_PER_APP);
        }
        return manager.save(manager.create(Environment, { id: this.ids.next('env'), appId, name, version: 0 }));
      });
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string })?.code === '23505') {
        throw conflict('Environment already exists');
      }
      throw err;
    }
  }

  async delete(principal: Principal, appId: string, envRef: string): Promise<void> {
    const env = await this.resolve(principal, appId, envRef, 'manage');
    if ((DEFAULT_ENVIRONMENTS as readonly string[]).includes(env.name)) {
      throw badRequest('Default environments cannot be deleted');
    }
    await this.environments.delete({ id: env.id });
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
        const rows = await this.environments.find({ select: { id: true, version: true }, where: { id: In(chunk) } });
        for (const id of chunk) versions.set(id, null);
        for (const row of rows) versions.set(row.id, row.version);
      } catch (err) {
        firstError ??= err;
        failed++;
      }
    }
    if (failed > 0 && versions.size === 0) throw firstError;
    if (failed > 0) this.logger.warn(`Environment versions: ${failed} chunk(s) of ${VERSIONS_CHUNK} ids failed (${(firstError as Error).message})`);
    return versions;
  }

  /**
   * Raises the environment's version by exactly 1 and returns the new value. Call it inside the transaction
   * that holds the row lock from `resolve(…, lock)`, together with the write it versions.
   */
  async bumpVersion(manager: EntityManager, env: Environment): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .update(Environment)
      .set({ version: () => 'version + 1' })
      .where('id = :id', { id: env.id })
      .returning('version')
      .execute();
    env.version = (result.raw as Array<{ version: number }>)[0].version;
    return env.version;
  }

  /**
   * An environment of an app the caller may act on with `right`, named (`production`) or by id (`env_…`).
   * Inside a transaction pass its manager; `lock` takes the row lock (`FOR UPDATE`) that serialises versioned writes.
   * The request is counted against the environment's monthly quota unless `count: false` (429 when spent, except
   * on the owner's kill-switch routes, marked @QuotaExempt() in their controllers: see QuotasService.consume).
   */
  async resolve(
    principal: Principal,
    appId: string,
    envRef: string,
    right: AppRight,
    options: { manager?: EntityManager; lock?: boolean; count?: boolean } = {},
  ): Promise<Environment> {
    const repo = options.manager ? options.manager.getRepository(Environment) : this.environments;
    // One query checks membership and loads (and, for writes, locks) the environment: the write path's hot spot.
    // Names may look like ids (`env_qa` fits both patterns): a value shaped like an id is looked up as both, and
    // an exact id wins, else the name. Ids are 16 random mixed-case characters, so in practice every environment is
    // reachable by its name and by its id alike.
    const qb = repo
      .createQueryBuilder('env')
      .where('env.app_id = :appId', { appId })
      .andWhere(ENV_ID.test(envRef) ? '(env.id = :envRef OR env.name = :envRef)' : 'env.name = :envRef', { envRef });
    this.apps.withMembership(qb, 'env.app_id', principal);
    if (options.lock) qb.setLock('pessimistic_write', undefined, ['env']);
    const { entities, raw } = await qb.getRawAndEntities();
    const env = entities.find((e) => e.id === envRef) ?? entities[0];
    const row = (env && (raw as Array<{ env_id: string }>).find((r) => r.env_id === env.id)) as { member_role: AppRole; app_plan: Plan } | undefined;
    if (env && row && roleAllows(row.member_role, right)) {
      // A management request naming an environment counts against its monthly quota (once authorised).
      if (options.count !== false) await this.quotas.consume(env.id, row.app_plan);
      return env;
    }
    // Say why: unknown or foreign app (404), missing right (403), or unknown environment (404).
    await this.apps.authorize(principal, appId, right, options.manager);
    if (!env) throw notFound('Environment');
    return env;
  }
}
