import { Injectable } from '@nestjs/common';
import { type App, type AppRole, membershipSql } from '@superflag/apps';
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

/** Persistence of environments: every query of the `environments` table. */
@Injectable()
export class EnvironmentStore {
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
    // Plain SQL, not a query builder: this runs once per write (and per uncached management request), and
    // building the query anew each time cost more CPU than its round trip.
    const member = membershipSql('env.app_id', principal, 3);
    const rows: MemberEnvironmentRow[] = await this.transactions.manager(options.tx).query(
      `SELECT env.id, env.app_id, env.name, env.version, env.created_at, ${member.columns}
         FROM environments env ${member.joins}
        WHERE env.app_id = $1 AND ${ENV_ID.test(envRef) ? '(env.id = $2 OR env.name = $2)' : 'env.name = $2'}${options.lock ? ' FOR UPDATE OF env' : ''}`,
      [appId, envRef, ...member.params],
    );
    const row = rows.find((r) => r.id === envRef) ?? rows[0];
    if (!row) return undefined;
    const environment = Object.assign(new Environment(), {
      id: row.id,
      appId: row.app_id,
      name: row.name,
      version: row.version,
      createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
    });
    return { environment, role: row.member_role, plan: row.app_plan };
  }
}

interface MemberEnvironmentRow {
  id: string;
  app_id: string;
  name: string;
  version: number;
  created_at: Date | string;
  member_role: AppRole;
  app_plan: App['plan'];
}
