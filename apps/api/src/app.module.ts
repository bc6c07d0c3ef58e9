import { DynamicModule, Module } from '@nestjs/common';
import { AppsModule } from '@superflag/apps';
import { AuthModule } from '@superflag/auth';
import { AppConfig, CoreModule, LoggingModule, type LogOptions } from '@superflag/core';
import { EnvironmentsModule } from '@superflag/environments';
import { FlagsModule } from '@superflag/flags';
import { KeysModule } from '@superflag/keys';
import { QuotasModule } from '@superflag/quotas';
import { RuntimeModule } from '@superflag/runtime';
import { MIGRATIONS } from '../../../migrations';
import { RuntimeMetrics } from './runtime-metrics';

/** The API deployable: the feature libs composed over the core infrastructure. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, log: LogOptions = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [LoggingModule.forRoot(config, log), CoreModule.forRoot(config, MIGRATIONS), AuthModule, QuotasModule, AppsModule, EnvironmentsModule, FlagsModule, KeysModule, RuntimeModule],
      providers: [RuntimeMetrics],
    };
  }
}
