import { DynamicModule, Module, type Type } from '@nestjs/common';
import { AppsModule } from '@superflag/apps';
import { AuthModule } from '@superflag/auth';
import { AppConfig, CoreModule, LoggingModule, type LogOptions } from '@superflag/core';
import { EnvironmentsModule } from '@superflag/environments';
import { FlagsModule } from '@superflag/flags';
import { KeysModule } from '@superflag/keys';
import { QuotasModule } from '@superflag/quotas';
import { ReflagModule } from '@superflag/reflag';
import { RuntimeModule } from '@superflag/runtime';
import { WebhooksModule } from '@superflag/webhooks';
import type { MigrationInterface } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { RuntimeMetrics } from './runtime-metrics';

/**
 * A team's own Nest module, composed into the API beside the libs without forking this app (docs/extending.md;
 * examples/flag-change-feed is a worked one). Its controllers sit behind the same global auth guard, it may
 * inject what the libs export (AppsService, DomainEvents, Clock, …) and its entities join the one data source.
 */
export interface ApiExtension {
  module: Type<unknown> | DynamicModule;
  /** Its schema changes: applied with the project's, in timestamp order, under the same advisory lock. */
  migrations?: readonly MigrationClass[];
}

export type MigrationClass = new () => MigrationInterface;

/** TypeORM's rule: a migration class name ends with its JavaScript timestamp, which orders it. */
const timestampOf = (migration: MigrationClass) => Number(/(\d{13})$/.exec(migration.name)?.[1] ?? NaN);

/**
 * The project's migrations and every extension's, in one timestamp order. Refuses at start-up what TypeORM
 * would get wrong silently: `schema_migrations` records migrations by name, so a second class of the same
 * name would count as applied and never run.
 */
export function migrationsWith(extensions: readonly ApiExtension[]): MigrationClass[] {
  const all: MigrationClass[] = [...MIGRATIONS, ...extensions.flatMap((e) => e.migrations ?? [])];
  const names = new Set<string>();
  for (const migration of all) {
    if (Number.isNaN(timestampOf(migration)))
      throw new Error(`Migration ${migration.name} must end its class name with a 13-digit timestamp`);
    if (names.has(migration.name)) throw new Error(`Two migrations are named ${migration.name}`);
    names.add(migration.name);
  }
  return all.sort((a, b) => timestampOf(a) - timestampOf(b));
}

/** The API deployable: the feature libs composed over the core infrastructure, then any extensions. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, log: LogOptions = {}, extensions: readonly ApiExtension[] = []): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        LoggingModule.forRoot(config, log),
        CoreModule.forRoot(config, migrationsWith(extensions)),
        AuthModule,
        QuotasModule,
        AppsModule,
        EnvironmentsModule,
        FlagsModule,
        KeysModule,
        RuntimeModule,
        WebhooksModule,
        ReflagModule,
        ...extensions.map((e) => e.module),
      ],
      providers: [RuntimeMetrics],
    };
  }
}
