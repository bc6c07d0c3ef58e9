import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { notAuthenticated } from '../errors/domain-error';
import { constantTimeEqual, hashSecret } from '../hashing';

/** The label a request gets when no route matched (404s): raw URLs would make one series per scanner probe. */
export const UNMATCHED_ROUTE = 'unmatched';

const BEARER = /^Bearer\s+(\S+)\s*$/;
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One method + route + status: its count, latency sum, and latency histogram (per bucket, not cumulative). */
interface RequestSeries {
  labels: { method: string; route: string; status: string };
  count: number;
  sum: number;
  buckets: number[];
}

interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * The replica's Prometheus registry: HTTP requests by route pattern and status, process metrics, and gauges
 * or counters other modules register, each read from its owner when /metrics is scraped. Request series are
 * plain numbers kept here (three map lookups and a few additions per request) and handed to the registry at
 * scrape time: prom-client's own counters and histograms hash their label set on every update.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  /** route → method → status → series */
  private readonly requests = new Map<string, Map<string, Map<number, RequestSeries>>>();

  constructor(private readonly config: AppConfig) {
    collectDefaultMetrics({ register: this.registry });
    const series = () =>
      [...this.requests.values()].flatMap((byMethod) => [...byMethod.values()]).flatMap((byStatus) => [...byStatus.values()]);
    this.expose(
      'superflag_http_requests_total',
      'HTTP requests answered, by method, route pattern and status (499: the client went away first)',
      'counter',
      () => series().map((s) => ({ labels: s.labels, value: s.count })),
    );
    const histogram = 'superflag_http_request_duration_seconds';
    this.expose(
      histogram,
      'HTTP request latency from arrival to the end of the response, by method, route pattern and status (SSE: the stream lifetime)',
      'histogram',
      () =>
        series().flatMap((s) => {
          let cumulative = 0;
          return [
            ...DURATION_BUCKETS.map((le, i) => ({
              metricName: `${histogram}_bucket`,
              labels: { ...s.labels, le },
              value: (cumulative += s.buckets[i]),
            })),
            { metricName: `${histogram}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count },
            { metricName: `${histogram}_sum`, labels: s.labels, value: s.sum },
            { metricName: `${histogram}_count`, labels: s.labels, value: s.count },
          ];
        }),
    );
  }

  /** Called once per request, when its response closes. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.requests.get(route);
    if (!byMethod) this.requests.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let s = byStatus.get(status);
    if (!s)
      byStatus.set(
        status,
        (s = { labels: { method, route, status: String(status) }, count: 0, sum: 0, buckets: DURATION_BUCKETS.map(() => 0) }),
      );
    s.count++;
    s.sum += seconds;
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]) i++;
    if (i < DURATION_BUCKETS.length) s.buckets[i]++;
  }

  /** A gauge whose value is read from its owner at scrape time. */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** Gauges with one label, read together at scrape time. */
  labelledGauge<L extends string>(name: string, help: string, label: L, read: () => Record<string, number>): void {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect() {
        for (const [value, n] of Object.entries(read())) this.set({ [label]: value } as Record<L, string>, n);
      },
    });
  }

  /** A counter kept by its owner as a plain number that only grows; exported as a Prometheus counter. */
  counter(name: string, help: string, read: () => number): void {
    let exported = 0;
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        const current = read();
        if (current > exported) this.inc(current - exported);
        exported = Math.max(exported, current);
      },
    });
  }

  /** METRICS_TOKEN, when set, is required as `Authorization: Bearer <token>`. */
  authorize(authorization: string | undefined): void {
    const expected = this.config.METRICS_TOKEN;
    if (expected === '') return;
    const given = BEARER.exec(authorization ?? '')?.[1];
    // Compared as hashes: equal lengths, so the comparison says nothing about the token's length.
    if (!given || !constantTimeEqual(hashSecret(given), hashSecret(expected))) throw notAuthenticated();
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Registers a metric whose samples are computed at scrape time, in the shape prom-client's own metrics give. */
  private expose(name: string, help: string, type: 'counter' | 'histogram', samples: () => Sample[]): void {
    const metric = { name, help, type, aggregator: 'sum', get: () => ({ name, help, type, aggregator: 'sum', values: samples() }) };
    this.registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  }
}
