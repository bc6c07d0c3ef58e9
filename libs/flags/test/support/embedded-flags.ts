import type { Principal } from '@superflag/auth';
import {
  type AppConfig,
  dataSourceOptions,
  DomainEvents,
  IdGenerator,
  notFound,
  runMigrations,
  type Transaction,
  Transactions,
} from '@superflag/core';
import type { Environment, EnvironmentsService } from '@superflag/environments';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../../migrations';
import { FlagChange } from '../../src/flag-change.entity';
import { FlagChangeStore } from '../../src/flag-change.store';
import { FlagTarget } from '../../src/flag-target.entity';
import { FlagTargetStore } from '../../src/flag-target.store';
import { Flag } from '../../src/flag.entity';
import { FlagStore } from '../../src/flag.store';
import { FlagsService } from '../../src/flags.service';
import { HistoryService } from '../../src/history.service';
import { TargetsService } from '../../src/targets.service';
import { VersionedWrite } from '../../src/versioned-write';

export const PRINCIPAL: Principal = { kind: 'user', userId: 'usr_unit', tokenId: 'tok_unit', scopes: new Set() };

/**
 * The environment rows a versioned write relies on, on the real tables: lock the row (FOR UPDATE), raise its version.
 * Membership and rights are the environments lib's (and the e2e tests'); here every environment is writable.
 */
class TableEnvironments {
  constructor(private readonly transactions: Transactions) {}

  async resolve(
    _principal: Principal,
    _appId: string,
    envRef: string,
    _right: string,
    options: { tx?: Transaction; lock?: boolean } = {},
  ): Promise<Environment> {
    const rows: Environment[] = await this.transactions
      .manager(options.tx)
      .query(`SELECT id, app_id AS "appId", name, version FROM environments WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`, [envRef]);
    if (!rows[0]) throw notFound('Environment');
    return rows[0];
  }

  async bumpVersion(tx: Transaction, env: Environment): Promise<number> {
    const manager = this.transactions.manager(tx);
    await manager.query(`UPDATE environments SET version = version + 1 WHERE id = $1`, [env.id]);
    env.version = (await manager.query(`SELECT version FROM environments WHERE id = $1`, [env.id]))[0].version;
    return env.version;
  }
}

/**
 * The flags lib's real services and stores on an in-memory embedded PostgreSQL (PGlite) with every migration,
 * for unit tests of their rules. Each test takes a fresh environment from `environment()`.
 */
export async function embeddedFlags(limits: { LIMIT_FLAGS_PER_ENV?: number; LIMIT_TARGETS_PER_FLAG?: number } = {}) {
  const config = { DATA_DIR: 'memory://', LIMIT_FLAGS_PER_ENV: 100, LIMIT_TARGETS_PER_FLAG: 100, ...limits } as AppConfig;
  const dataSource = await new DataSource({
    ...dataSourceOptions(config, MIGRATIONS),
    entities: [Flag, FlagTarget, FlagChange],
  }).initialize();
  await runMigrations(dataSource, true);
  await dataSource.query(`INSERT INTO users (id, email, password_hash) VALUES ('usr_unit', 'unit@example.com', 'x')`);
  await dataSource.query(`INSERT INTO apps (id, name, owner_id) VALUES ('app_unit', 'unit', 'usr_unit')`);

  const transactions = new Transactions(dataSource);
  const events = new DomainEvents();
  const ids = new IdGenerator();
  const environments = new TableEnvironments(transactions) as unknown as EnvironmentsService;
  const flagStore = new FlagStore(transactions);
  const targetStore = new FlagTargetStore(transactions);
  const changeStore = new FlagChangeStore(transactions);
  const versioned = new VersionedWrite(transactions, environments, changeStore, flagStore, events, ids);
  let n = 0;
  return {
    /** The limits the services read on every write: lower one to stand in for a limit lowered since. */
    config,
    dataSource,
    transactions,
    events,
    versioned,
    environments,
    changes: changeStore,
    flags: new FlagsService(flagStore, targetStore, versioned, transactions, environments, ids, config),
    targets: new TargetsService(flagStore, targetStore, versioned, environments, config, transactions),
    history: new HistoryService(flagStore, targetStore, changeStore, versioned, environments, ids, config),
    /** A new, empty environment at version 0, as the ref writes take. */
    async environment(): Promise<{ appId: string; env: string }> {
      const id = `env_unit${++n}`;
      await dataSource.query(`INSERT INTO environments (id, app_id, name) VALUES ($1, 'app_unit', $2)`, [id, `e${n}`]);
      return { appId: 'app_unit', env: id };
    },
    async version(environmentId: string): Promise<number> {
      return (await dataSource.query(`SELECT version FROM environments WHERE id = $1`, [environmentId]))[0].version;
    },
    close: () => dataSource.destroy(),
  };
}

export type EmbeddedFlags = Awaited<ReturnType<typeof embeddedFlags>>;
