import { Injectable } from '@nestjs/common';
import { type App, type AppRole, withMembership } from '@superflag/apps';
import type { Principal } from '@superflag/auth';
import { type Transaction, Transactions, uniquely } from '@superflag/core';
import { In } from 'typeorm';
import { Environment } from './environment.entity';

const ENV_ID = /^env_[0-9A-Za-z]{1,28}$/;

/** An environment found for a member of its app, with the member's role and the app's plan. */
export interface MemberEnvironment {
  environment: Environment;
  role: AppRole;
  plan: App['plan'];
}

type ShapeParameter = 'appId' | 'envRef' | 'memberUserId' | 'memberAppId';

/** A row of findForMember's statement: the environment's columns as TypeORM aliases them, the role and the plan. */
interface MemberRow {
  env_id: string;
  env_app_id: string;
  env_name: string;
  env_version: number;
  env_created_at: Date;
  member_role: AppRole;
  app_plan: App['plan'];
}

/** Persistence of environments: every query of the `environments` table. */
@Injectable()
export class EnvironmentStore {
  /** findForMember's statements, by shape (see shapeOf). */
  private readonly shapes = new Map<string, { sql: string; parameters: ShapeParameter[] }>();

  constructor(private readonly transactions: Transactions) {}

  /** The app's environments: the defaults in their order, then the others as they were added. */
  ordered(appId: string): Promise<Environment[]> {
    return this.transactions
      .manager()
      .createQueryBuilder(Environment, 'env')
      .where('env.app_id = :appId', { appId })
      .orderBy(`CASE env.name WHEN 'development' THEN 0 WHEN 'staging' THEN 1 WHEN 'production' THEN 2 ELSE 3 END`)
      .addOrderBy('env.created_at', 'ASC')
      .addOrderBy('env.name', 'ASC')
      .getMany();
  }

  async idsOf(appId: string, tx: Transaction): Promise<string[]> {
    return (await this.transactions.manager(tx).find(Environment, { select: { id: true }, where: { appId } })).map((e) => e.id);
  }

  count(appId: string, tx: Transaction): Promise<number> {
    return this.transactions.manager(tx).countBy(Environment, { appId });
  }

  /** The new environments as stored; 409 when the app already has one of that name. */
  async insert(rows: Array<Pick<Environment, 'id' | 'appId' | 'name'>>, tx: Transaction): Promise<Environment[]> {
    const manager = this.transactions.manager(tx);
    const entities = rows.map((row) => manager.create(Environment, { ...row, version: 0 }));
    await uniquely('Environment already exists', () => manager.insert(Environment, entities));
    return entities;
  }

  async delete(id: string): Promise<void> {
    await this.transactions.manager().delete(Environment, { id });
  }

  /** Current versions of the environments of `ids` that exist (one statement). */
  async versions(ids: readonly string[]): Promise<Array<Pick<Environment, 'id' | 'version'>>> {
    return this.transactions.manager().find(Environment, { select: { id: true, version: true }, where: { id: In([...ids]) } });
  }

  /**
   * One query checks membership and loads (and with `lock`, locks FOR UPDATE) an environment named (`production`)
   * or by id (`env_…`): the write path's hot spot. Names may look like ids (`env_qa` fits both patterns): a value
   * shaped like an id is looked up as both, and an exact id wins, else the name. Ids are 16 random mixed-case
   * characters, so in practice every environment is reachable by its name and by its id alike. Undefined when
   * there is no such environment or the caller is no member of the app.
   */
  async findForMember(
    principal: Principal,
    appId: string,
    envRef: string,
    options: { tx?: Transaction; lock?: boolean } = {},
  ): Promise<MemberEnvironment | undefined> {
    const byId = ENV_ID.test(envRef);
    const shape = this.shapeOf(principal.kind, byId, options.lock === true);
    const values: Record<ShapeParameter, string> = {
      appId,
      envRef,
      memberUserId: principal.kind === 'appKey' ? '' : principal.userId,
      memberAppId: principal.kind === 'appKey' ? principal.appId : '',
    };
    const raw: MemberRow[] = await this.transactions.manager(options.tx).query(
      shape.sql,
      shape.parameters.map((name) => values[name]),
    );
    const row = raw.find((r) => r.env_id === envRef) ?? raw[0];
    if (!row) return undefined;
    const environment = Object.assign(new Environment(), {
      id: row.env_id,
      appId: row.env_app_id,
      name: row.env_name,
      version: row.env_version,
      createdAt: row.env_created_at,
    });
    return { environment, role: row.member_role, plan: row.app_plan };
  }

  /**
   * findForMember's statement for one kind of caller, kind of reference and lock: built by TypeORM's query builder
   * once and kept (the builder costs more CPU than the round trip on the write path), with the order of its
   * parameters, found by building it with placeholder values.
   */
  private shapeOf(kind: Principal['kind'], byId: boolean, lock: boolean): { sql: string; parameters: ShapeParameter[] } {
    const name = `${kind}:${byId}:${lock}`;
    let shape = this.shapes.get(name);
    if (shape) return shape;
    const placeholder = (parameter: ShapeParameter) => `\u0000${parameter}`;
    const qb = this.transactions
      .manager()
      .createQueryBuilder(Environment, 'env')
      .where('env.app_id = :appId', { appId: placeholder('appId') })
      .andWhere(byId ? '(env.id = :envRef OR env.name = :envRef)' : 'env.name = :envRef', { envRef: placeholder('envRef') });
    const principal =
      kind === 'appKey'
        ? ({ kind, appId: placeholder('memberAppId') } as Principal)
        : ({ kind, userId: placeholder('memberUserId') } as Principal);
    withMembership(qb, 'env.app_id', principal);
    if (lock) qb.setLock('pessimistic_write', undefined, ['env']);
    const [sql, parameters] = qb.getQueryAndParameters();
    shape = { sql, parameters: parameters.map((p) => String(p).slice(1) as ShapeParameter) };
    this.shapes.set(name, shape);
    return shape;
  }
}
