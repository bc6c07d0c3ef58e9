// Read path: GET /api/v1/config with an sdk key (200 and 304), beside bare Fastify serving the same bytes.
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, type Server } from './support.mts';

export interface LoadResult {
  requestsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  bytes: number;
}

export interface ConfigResults {
  sdkKey: string;
  connections: number;
  seconds: number;
  payloadBytes: number;
  baseline: LoadResult;
  config: LoadResult;
  notModified: LoadResult;
  large: { flags: number; payloadBytes: number; config: LoadResult };
}

const CONNECTIONS = 50;
const SECONDS = 10;

async function load(url: string, headers: Record<string, string>, expectStatus = 200): Promise<LoadResult> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers, expectBody: undefined });
  const wrong = expectStatus === 200 ? r.non2xx : r.requests.total - (r.statusCodeStats?.['304']?.count ?? 0);
  return {
    requestsPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: wrong,
    errors: r.errors,
    bytes: r.throughput.average,
  };
}

async function environmentWithFlags(server: Server, token: string, appId: string, env: string, count: number): Promise<string> {
  if (env !== 'production' && env !== 'staging' && env !== 'development')
    await call(server.url, 'POST', '/api/v1/envs', token, { appId, name: env });
  const keys = Array.from({ length: count }, (_, i) => `team-${i % 7}.feature-${String(i).padStart(4, '0')}-rollout`);
  for (let i = 0; i < keys.length; i += 20) {
    await Promise.all(
      keys.slice(i, i + 20).map((key, j) =>
        call(server.url, 'POST', '/api/v1/flags', token, {
          appId,
          env,
          key,
          ...((i + j) % 3 === 0
            ? { type: 'bool', value: (i + j) % 2 === 0 }
            : (i + j) % 3 === 1
              ? { type: 'string', value: `https://service-${i + j}.eu-west-1.example.com/api/v2/endpoint?region=eu` }
              : { type: 'number', value: (i + j) * 7 }),
          clientEnabled: (i + j) % 2 === 0,
          description: 'benchmark flag',
        }),
      ),
    );
  }
  const { data } = await call(server.url, 'POST', '/api/v1/keys', token, { appId, env, type: 'sdk' });
  return data.key;
}

export async function benchConfig(server: Server, token: string, appId: string): Promise<ConfigResults> {
  const key = await environmentWithFlags(server, token, appId, 'production', 50);
  const headers = { authorization: `Bearer ${key}` };
  const res = await fetch(`${server.url}/api/v1/config`, { headers });
  const payload = Buffer.from(await res.arrayBuffer());
  const etag = res.headers.get('etag')!;

  const payloadFile = join(tmpdir(), `superflag-bench-${process.pid}.json`);
  writeFileSync(payloadFile, payload);
  const baselineProcess = fork(new URL('./baseline-server.mts', import.meta.url).pathname, ['3902', payloadFile], { stdio: 'inherit' });
  await once(baselineProcess, 'message');
  try {
    console.log('  warm-up…');
    await autocannon({ url: `${server.url}/api/v1/config`, connections: CONNECTIONS, duration: 3, headers });
    await autocannon({ url: 'http://127.0.0.1:3902/api/v1/config', connections: CONNECTIONS, duration: 3 });
    console.log('  baseline…');
    const baseline = await load('http://127.0.0.1:3902/api/v1/config', {});
    console.log('  config 200…');
    const config = await load(`${server.url}/api/v1/config`, headers);
    console.log('  config 304…');
    const notModified = await load(`${server.url}/api/v1/config`, { ...headers, 'if-none-match': etag }, 304);

    console.log('  1000 flags…');
    const largeKey = await environmentWithFlags(server, token, appId, 'large', 1000);
    const largeHeaders = { authorization: `Bearer ${largeKey}` };
    const largePayload = Buffer.from(await (await fetch(`${server.url}/api/v1/config`, { headers: largeHeaders })).arrayBuffer());
    await autocannon({ url: `${server.url}/api/v1/config`, connections: CONNECTIONS, duration: 2, headers: largeHeaders });
    const large = await load(`${server.url}/api/v1/config`, largeHeaders);
    return {
      sdkKey: key,
      connections: CONNECTIONS,
      seconds: SECONDS,
      payloadBytes: payload.length,
      baseline,
      config,
      notModified,
      large: { flags: 1000, payloadBytes: largePayload.length, config: large },
    };
  } finally {
    baselineProcess.kill();
  }
}

/** The 50-flag config read alone, against an already prepared database (another replica of the same service). */
export async function benchConfigOnly(server: Server, key: string): Promise<LoadResult> {
  const headers = { authorization: `Bearer ${key}` };
  await autocannon({ url: `${server.url}/api/v1/config`, connections: CONNECTIONS, duration: 3, headers });
  return load(`${server.url}/api/v1/config`, headers);
}
