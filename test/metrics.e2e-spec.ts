/**
 * GET /metrics: Prometheus text, request counts and latency by route pattern and status, config cache hits
 * and misses, open SSE streams, quota rejections, the database pool and process metrics; METRICS_TOKEN when
 * set; no cli_ token, no quota.
 */
import { loadConfig } from '@superflag/core';
import { startApp } from './support/app';
import { aFlag, aKey } from './support/factories';
import { TestSession } from './support/session';
import { SseClient } from './support/sse';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/** The value of one sample: `name` with exactly these labels (any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.keys(found).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => found[k] === v))
      return Number(m[3]);
  }
  return undefined;
}

describe('metrics', () => {
  const s = TestSession.perSuite({ METRICS_TOKEN, QUOTA_FREE: '12', QUOTAS_ENABLED: 'true' }, { user: false });

  const scrape = async () => {
    const res = await s.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    return res.text;
  };

  it('requires METRICS_TOKEN as a Bearer token when it is set, and no cli_ token', async () => {
    const user = await s.newUser();
    expect((await s.http().get('/metrics').expect(401)).body).toEqual({ error: 'Not authenticated' });
    await s.http().get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789abcdeX').expect(401);
    await s.http().get('/metrics').set(user.auth).expect(401);
    const res = await s.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('counts requests and their latency by route pattern, method and status', async () => {
    const { user, app } = await s.newUserWithApp();
    const { key } = await aFlag(s, user, app, 'staging', { key: 'checkout-v2' });
    const before =
      sample(await scrape(), 'superflag_http_requests_total', { method: 'GET', route: '/api/v1/flags/:key', status: '200' }) ?? 0;
    for (let i = 0; i < 3; i++)
      await s.http().get(`/api/v1/flags/${key}`).query({ appId: app.id, env: 'staging' }).set(user.auth).expect(200);
    await s.http().get('/api/v1/flags/no-such-flag').query({ appId: app.id, env: 'staging' }).set(user.auth).expect(404);
    await s.http().get('/definitely/not/a/route').expect(404);

    const text = await scrape();
    expect(sample(text, 'superflag_http_requests_total', { method: 'GET', route: '/api/v1/flags/:key', status: '200' })).toBe(before + 3);
    expect(
      sample(text, 'superflag_http_requests_total', { method: 'GET', route: '/api/v1/flags/:key', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'superflag_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/flags/:key', status: '200' }),
    ).toBe(before + 3);
    expect(
      sample(text, 'superflag_http_request_duration_seconds_bucket', {
        method: 'GET',
        route: '/api/v1/flags/:key',
        status: '200',
        le: '+Inf',
      }),
    ).toBe(before + 3);
    expect(sample(text, 'superflag_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    // Raw URLs never become labels.
    expect(text).not.toContain('checkout-v2');
    expect(text).not.toContain('/definitely/not');
    expect(text).toMatch(/^# TYPE superflag_http_request_duration_seconds histogram$/m);
  });

  it('reports config cache hits and misses, open SSE streams and quota rejections', async () => {
    const { user, app } = await s.newUserWithApp();
    await aFlag(s, user, app, 'production', { key: 'banner', clientEnabled: true });
    const sdk = await aKey(s, user, app, 'production', 'sdk');
    const pub = await aKey(s, user, app, 'production', 'pub');
    const start = await scrape();
    const hits0 = sample(start, 'superflag_config_cache_hits_total')!;
    const misses0 = sample(start, 'superflag_config_cache_misses_total')!;
    const rejected0 = sample(start, 'superflag_quota_rejections_total')!;
    expect([hits0, misses0, rejected0].every(Number.isFinite)).toBe(true);

    for (let i = 0; i < 4; i++) await s.configFor(sdk).expect(200);
    const stream = await SseClient.connect(`${await s.url()}/api/v1/config/stream?key=${pub.key}`);
    try {
      await stream.next((e) => e.event === 'config', 2000);
      const open = await scrape();
      expect(sample(open, 'superflag_sse_connections')).toBe(1);
      expect(sample(open, 'superflag_config_cache_misses_total')).toBeGreaterThanOrEqual(misses0 + 1);
      expect(sample(open, 'superflag_config_cache_hits_total')).toBeGreaterThanOrEqual(hits0 + 3);
      expect(
        sample(open, 'superflag_http_requests_total', { method: 'GET', route: '/api/v1/config', status: '200' }),
      ).toBeGreaterThanOrEqual(4);

      // QUOTA_FREE=12 per environment and month (key creation and flag writes count too): spend it, then twice 429.
      let status = 200;
      for (let i = 0; status === 200 && i < 20; i++) status = (await s.configFor(sdk)).status;
      expect(status).toBe(429);
      await s.configFor(sdk).expect(429);
      const spent = await scrape();
      expect(sample(spent, 'superflag_quota_rejections_total')).toBe(rejected0 + 2);
      expect(
        sample(spent, 'superflag_http_requests_total', { method: 'GET', route: '/api/v1/config', status: '429' }),
      ).toBeGreaterThanOrEqual(2);
    } finally {
      stream.close();
    }
    for (let i = 0; i < 100 && sample(await scrape(), 'superflag_sse_connections') !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    const closed = await scrape();
    expect(sample(closed, 'superflag_sse_connections')).toBe(0);
    // The stream is counted once it ends, under its route.
    expect(
      sample(closed, 'superflag_http_requests_total', { method: 'GET', route: '/api/v1/config/stream', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('reports the database pool and the process', async () => {
    const text = await scrape();
    const idle = sample(text, 'superflag_db_pool_connections', { state: 'idle' });
    const busy = sample(text, 'superflag_db_pool_connections', { state: 'busy' });
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(idle! + busy!).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'superflag_db_pool_waiting_clients')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'superflag_db_pool_max_connections')).toBe(s.config.DATABASE_URL ? s.config.DATABASE_POOL_SIZE : 1);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'superflag_http_requests_in_flight')).toBeGreaterThanOrEqual(1);
  });

  it('reports whether each dependency answers (redis only when REDIS_URL is set), as the readiness body does', async () => {
    const text = await scrape();
    expect(text).toMatch(/^# TYPE superflag_dependency_up gauge$/m);
    expect(sample(text, 'superflag_dependency_up', { dependency: 'database' })).toBe(1);
    const ready = (await s.http().get('/health/ready').expect(200)).body;
    if (s.config.REDIS_URL) expect(sample(text, 'superflag_dependency_up', { dependency: 'redis' })).toBe(ready.redis === 'up' ? 1 : 0);
    else expect(sample(text, 'superflag_dependency_up', { dependency: 'redis' })).toBeUndefined();
  });

  it('is documented in OpenAPI as text/plain behind the optional metrics bearer scheme', async () => {
    const doc = (await s.http().get('/docs-json').expect(200)).body;
    const op = doc.paths['/metrics'].get;
    expect(Object.keys(op.responses['200'].content)).toEqual(['text/plain']);
    expect(op.security).toEqual([{ metrics: [] }]);
    expect(doc.components.securitySchemes.metrics).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
  });
});

describe('METRICS_TOKEN', () => {
  it('is optional (empty: /metrics is open), at least 16 characters when set, and never echoed in the error', () => {
    expect(loadConfig({}).METRICS_TOKEN).toBe('');
    expect(loadConfig({ METRICS_TOKEN: METRICS_TOKEN }).METRICS_TOKEN).toBe(METRICS_TOKEN);
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).toThrow(
      'Invalid configuration: METRICS_TOKEN=(hidden) METRICS_TOKEN must be longer than or equal to 16 characters',
    );
  });
});

describe('metrics without METRICS_TOKEN', () => {
  it('are open', async () => {
    const t = await startApp({ METRICS_TOKEN: '' });
    try {
      const res = await t.http().get('/metrics').expect(200);
      expect(res.text).toContain('# TYPE superflag_http_requests_total counter');
    } finally {
      await t.close();
    }
  });
});
