import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MetricsService } from './metrics.service';

/** What `pg.Pool` reports, and what the embedded engine's one-connection pool mirrors. */
interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/**
 * The database pool as Prometheus gauges. On PostgreSQL it is the `pg` pool behind TypeORM; on the embedded
 * engine it is its single connection, handed to one holder at a time (busy = a query or transaction runs).
 */
@Injectable()
export class DatabasePoolMetrics implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const pool = () => (this.dataSource.driver as unknown as { master?: PoolCounts }).master;
    this.metrics.labelledGauge(
      'superflag_db_pool_connections',
      'Database connections of this replica, by state (idle, busy)',
      'state',
      () => {
        const p = pool();
        const total = p?.totalCount ?? 0;
        const idle = p?.idleCount ?? 0;
        return { idle, busy: total - idle };
      },
    );
    this.metrics.gauge(
      'superflag_db_pool_waiting_clients',
      'Queries waiting for a free database connection',
      () => pool()?.waitingCount ?? 0,
    );
    this.metrics.gauge(
      'superflag_db_pool_max_connections',
      'Largest size of the database pool (DATABASE_POOL_SIZE; 1 on the embedded engine)',
      () => pool()?.options?.max ?? 1,
    );
  }
}
