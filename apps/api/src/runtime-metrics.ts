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
    metrics.counter(
      'superflag_config_cache_misses_total',
      'Runtime config reads that waited for the environment to be loaded from the database',
      () => snapshots.misses,
    );
    metrics.counter(
      'superflag_config_load_statements_total',
      'Statements issued to load environment snapshots (loads asked for together share one, up to 100 environments each)',
      () => snapshots.loadStatements,
    );
    metrics.counter(
      'superflag_config_loaded_environments_total',
      'Environment snapshots loaded from the database (first reads, changes, revalidation)',
      () => snapshots.environmentsLoaded,
    );
    metrics.gauge(
      'superflag_config_snapshots_stale',
      'Environments served from a snapshot whose last reload from the database failed',
      () => snapshots.staleCount,
    );
    metrics.gauge(
      'superflag_config_snapshot_stale_seconds',
      'How long the stalest of those snapshots has been served without a successful reload (0: none)',
      () => snapshots.oldestStaleSeconds(),
    );
    metrics.counter(
      'superflag_config_reload_failures_total',
      'Snapshot reloads from the database that failed (each backs off further)',
      () => snapshots.reloadFailures,
    );
    metrics.counter(
      'superflag_config_stale_reads_total',
      'Runtime config reads answered from a stale snapshot because its reload failed',
      () => snapshots.staleReads,
    );
    metrics.gauge(
      'superflag_config_cache_bytes',
      'Estimated memory held by cached environment snapshots (bounded by CACHE_MEMORY_MB)',
      () => snapshots.bytes,
    );
    metrics.gauge('superflag_config_cache_environments', 'Environments whose snapshot is cached on this replica', () => snapshots.size);
    metrics.counter(
      'superflag_config_cache_evictions_total',
      'Environment snapshots evicted (least recently read first) to stay within CACHE_MEMORY_MB',
      () => snapshots.evictions,
    );
    metrics.gauge('superflag_sse_connections', 'Open Server-Sent Events config streams on this replica', () => streams.size);
    metrics.counter(
      'superflag_sse_dropped_total',
      'SSE streams dropped because their unsent output passed SSE_MAX_BUFFER_BYTES (slow consumers)',
      () => streams.dropped,
    );
    metrics.counter(
      'superflag_sse_refused_total',
      'SSE streams refused by LIMIT_STREAMS_PER_KEY (429) or LIMIT_STREAMS (503)',
      () => streams.refused,
    );
    metrics.counter(
      'superflag_quota_rejections_total',
      'Runtime requests refused with 429 because the monthly quota was spent',
      () => quotas.rejections,
    );
  }
}
