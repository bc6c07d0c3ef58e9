import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '@superflag/core';
import { QuotasService } from '@superflag/quotas';
import { ConfigSnapshots, ConfigStreams } from '@superflag/runtime';

/**
 * The feature libs' own numbers on /metrics. Wired here, where the app composes the libs, so `core` (which owns
 * the registry) never depends on a feature; each value is read from its owner at scrape time.
 */
@Injectable()
export class RuntimeMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly snapshots: ConfigSnapshots,
    private readonly streams: ConfigStreams,
    private readonly quotas: QuotasService,
  ) {}

  onModuleInit(): void {
    const { metrics, snapshots, streams, quotas } = this;
    metrics.counter('superflag_config_cache_hits_total', 'Runtime config reads served from the in-memory snapshot', () => snapshots.hits);
    metrics.counter('superflag_config_cache_misses_total', 'Runtime config reads that waited for the environment to be loaded from the database', () => snapshots.misses);
    metrics.gauge('superflag_sse_connections', 'Open Server-Sent Events config streams on this replica', () => streams.size);
    metrics.counter('superflag_quota_rejections_total', 'Runtime requests refused with 429 because the monthly quota was spent', () => quotas.rejections);
  }
}
