import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions, MigrationList } from './data-source-options';
import { runMigrations } from './run-migrations';

/** TypeORM on PostgreSQL or the embedded engine; the schema is brought up to date before anything is served. */
@Module({})
export class DatabaseModule {
  static forRoot(migrations: MigrationList): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config, migrations), autoLoadEntities: true }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await runMigrations(dataSource, !('url' in options! && options.url));
            return dataSource;
          },
        }),
      ],
    };
  }
}
