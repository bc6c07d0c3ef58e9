import { Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { AppsModule } from '@superflag/apps';
import { AuthModule } from '@superflag/auth';
import { EnvironmentsModule } from '@superflag/environments';
import { AppConfig, RATE_LIMIT_STORE, REDIS, type RedisClient } from '@superflag/core';
import { BurstGuard, burstSkips } from './burst.guard';
import { PlansController } from './plans.controller';
import { QuotaGuard } from './quota.guard';
import { MemoryQuotaStore, RedisQuotaStore } from './quota-store';
import { QUOTA_STORE, QuotasService, USAGE_STORE } from './quotas.service';
import { UsageController } from './usage.controller';
import { UsageService } from './usage.service';
import { PgUsageStore } from './usage.store';

const MINUTE = 60_000;

/** Monthly quotas per environment (counted on management routes by QuotaGuard), usage, operator plan changes, and burst limits per token and per IP. */
@Module({
  imports: [
    AppsModule,
    AuthModule,
    EnvironmentsModule,
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, RATE_LIMIT_STORE, Reflector],
      useFactory: (config: AppConfig, storage: ThrottlerStorage, reflector: Reflector) => {
        const skip = burstSkips(reflector);
        return {
          storage,
          setHeaders: false,
          throttlers: [
            { name: 'token', ttl: MINUTE, limit: config.BURST_TOKEN_LIMIT, skipIf: (c) => config.BURST_TOKEN_LIMIT === 0 || skip.token(c) },
            { name: 'ip', ttl: MINUTE, limit: config.BURST_IP_LIMIT, skipIf: (c) => config.BURST_IP_LIMIT === 0 || skip.ip(c) },
          ],
        };
      },
    }),
  ],
  controllers: [PlansController, UsageController],
  providers: [
    QuotasService,
    UsageService,
    {
      provide: QUOTA_STORE,
      inject: [REDIS],
      useFactory: (redis: RedisClient | null) => (redis ? new RedisQuotaStore(redis) : new MemoryQuotaStore()),
    },
    { provide: USAGE_STORE, useClass: PgUsageStore },
    { provide: APP_GUARD, useClass: BurstGuard },
    // After the burst limits: a request they refuse costs no quota.
    { provide: APP_GUARD, useClass: QuotaGuard },
  ],
  exports: [QuotasService],
})
export class QuotasModule {}
