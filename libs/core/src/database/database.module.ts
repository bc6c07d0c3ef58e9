import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions, MigrationList } from './data-source-options';
import { runMigrations } from './run-migrations';

/** The options the app's data source is built from, with what its factory needs to migrate first. */
type ServingOptions = TypeOrmModuleOptions & { migrateWith?: DataSourceOptions };

/** TypeORM on PostgreSQL or the embedded engine; the schema is brought up to date before anything is served. */
@Module({})
export class DatabaseModule {
  static forRoot(migrations: MigrationList): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig): ServingOptions => ({
            ...dataSourceOptions(config, migrations, 'serve'),
            autoLoadEntities: true,
            migrateWith: config.DATABASE_URL ? dataSourceOptions(config, migrations, 'migrate') : undefined,
          }),
          dataSourceFactory: async (options) => {
            const { migrateWith, ...serving } = options as ServingOptions;
            if (migrateWith) {
              // PostgreSQL: on a pool of its own without the serving pool's statement and read timeouts,
              // which a long migration, or the wait for another replica's, would trip.
              const migrator = await new DataSource(migrateWith).initialize();
              try {
                await runMigrations(migrator, false);
              } finally {
                await migrator.destroy();
              }
              return new DataSource(serving as DataSourceOptions).initialize();
            }
            // The embedded engine is one in-process database: a second data source would open another.
            const dataSource = await new DataSource(serving as DataSourceOptions).initialize();
            await runMigrations(dataSource, true);
            return dataSource;
          },
        }),
      ],
    };
  }
}
