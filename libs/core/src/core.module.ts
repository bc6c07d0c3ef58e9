import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { Clock } from './clock';
import { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import type { MigrationList } from './database/data-source-options';
import { DependencyMonitor } from './health/dependency-monitor';
import { HealthController } from './health/health.controller';
import { AuthFailureLimiter } from './http/auth-failure-limiter';
import { FastLane } from './http/fast-lane';
import { RequestHooks } from './http/request-hooks';
import { DatabasePoolMetrics } from './metrics/database-pool.metrics';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { HttpDrain } from './shutdown/http-drain';
import { CLUSTER_BUS, type ClusterBus, LocalClusterBus, RedisClusterBus } from './events/cluster-bus';
import { IdGenerator } from './ids';
import { DomainEvents } from './events/domain-events';
import { Transactions } from './database/transactions';
import { closeRedis, openRedis, REDIS, type RedisClient } from './redis/redis';
import { RedisThrottlerStorage } from './redis/redis-throttler.storage';

/** Injection token of the rate-limit counter store (Redis when configured, process memory otherwise). */
export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

class RedisLifecycle implements OnApplicationShutdown {
  constructor(
    @Optional() @Inject(REDIS) private readonly redis: RedisClient | null,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    if (this.redis) await closeRedis(this.redis);
  }
}

/**
 * Shared infrastructure every feature module relies on: validated config, clock, ids, database, Redis,
 * rate-limit storage, health checks, metrics and the shutdown drain. Global, so feature libs inject these
 * without importing it.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, migrations: MigrationList): DynamicModule {
    return {
      module: CoreModule,
      imports: [DatabaseModule.forRoot(migrations)],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: AppConfig, useValue: config },
        Clock,
        IdGenerator,
        DomainEvents,
        Transactions,
        MetricsService,
        DatabasePoolMetrics,
        DependencyMonitor,
        HttpDrain,
        RequestHooks,
        FastLane,
        AuthFailureLimiter,
        // Never blocks start-up on Redis: an unreachable one is reported once and connected in the background.
        { provide: REDIS, useFactory: () => (config.REDIS_URL ? openRedis(config.REDIS_URL) : null) },
        {
          provide: CLUSTER_BUS,
          inject: [REDIS],
          useFactory: async (redis: RedisClient | null): Promise<ClusterBus> => {
            if (!redis) return new LocalClusterBus();
            const bus = new RedisClusterBus(redis);
            await bus.start();
            return bus;
          },
        },
        RedisLifecycle,
        ThrottlerStorageService,
        {
          provide: RATE_LIMIT_STORE,
          inject: [REDIS, ThrottlerStorageService],
          useFactory: (redis: RedisClient | null, memory: ThrottlerStorageService) =>
            redis ? new RedisThrottlerStorage(redis, memory) : memory,
        },
      ],
      exports: [
        AppConfig,
        Clock,
        IdGenerator,
        DomainEvents,
        Transactions,
        REDIS,
        RATE_LIMIT_STORE,
        CLUSTER_BUS,
        DatabaseModule,
        MetricsService,
        HttpDrain,
        FastLane,
        DependencyMonitor,
        AuthFailureLimiter,
      ],
    };
  }
}
