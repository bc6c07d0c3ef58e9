// Runtime reads (issue 15): GET /api/v1/config (200 and 304, 50 and 20 flags), POST /api/v1/evaluate and the OFREP bulk
// evaluation, each against bare Fastify answering the same bytes, measured pair by pair in the same run; on the
// embedded default (no DATABASE_URL) and on PostgreSQL + Redis, quotas on, LOG_LEVEL=info (the default: one request
// line per request is written). Besides req/s, each row reports the server's CPU time per request beside the
// baseline's (from /proc), which a loaded machine disturbs far less than throughput.
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import type { BenchOptions, Measurement, Section } from './report.mts';
import { median } from './report.mts';
import {
  account,
  call,
  runtimeKey,
  startBaseline,
  startEmbeddedServer,
  startPostgresServer,
  type Baseline,
  type BaselineRoute,
  type Server,
} from './support.mts';

export const CONNECTIONS = 50;
/** What the service runs with here: the defaults, except quotas far above the load (counted, never refused). */
export const READ_ENV = { LOG_LEVEL: 'info' };

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU (user + system) per request, µs. */
  cpuUs: number;
  wrong: number;
}

/** CPU time (user + system) a process has used, µs (Linux /proc, clock ticks of 10 ms). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

export interface Target {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** The status every answer must have (200 by default). */
  status?: number;
}

/** One autocannon load on `target`, with the CPU its server process used meanwhile. */
export async function load(target: Target, pid: number, seconds: number): Promise<Load> {
  const before = cpuMicros(pid);
  const r = await autocannon({
    url: target.url,
    method: target.method ?? 'GET',
    headers: target.headers,
    body: target.body,
    connections: CONNECTIONS,
    duration: seconds,
  });
  const cpu = cpuMicros(pid) - before;
  const expected = target.status ?? 200;
  const right = (r.statusCodeStats as Record<string, { count: number }> | undefined)?.[String(expected)]?.count ?? 0;
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuUs: r.requests.total > 0 ? cpu / r.requests.total : NaN,
    wrong: r.requests.total - right + r.errors,
  };
}

export async function warm(target: Target): Promise<void> {
  await autocannon({
    url: target.url,
    method: target.method ?? 'GET',
    headers: target.headers,
    body: target.body,
    connections: CONNECTIONS,
    duration: 1,
  });
}

export interface PairSpec {
  name: string;
  server: Server;
  target: Target;
  baseline: Baseline;
  baselineTarget: Target;
  /** Ratio the median must reach. */
  goalRatio: number;
  /** p99 bound (ms) the median must meet, when the goal has one. */
  p99Ms?: number;
}

/** `runs` paired loads (baseline and service back to back, the order alternating), as one Measurement row. */
export async function pairedRow(spec: PairSpec, opts: BenchOptions, seconds: number): Promise<Measurement> {
  await warm(spec.target);
  await warm(spec.baselineTarget);
  const service: Load[] = [];
  const base: Load[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const runBase = () => load(spec.baselineTarget, spec.baseline.process.pid!, seconds);
    const runService = () => load(spec.target, spec.server.process.pid!, seconds);
    if (i % 2 === 0) {
      base.push(await runBase());
      service.push(await runService());
    } else {
      service.push(await runService());
      base.push(await runBase());
    }
  }
  const ratio = median(service.map((s, i) => s.rps / base[i].rps));
  const p99 = median(service.map((s) => s.p99));
  const wrong = service.reduce((n, s) => n + s.wrong, 0);
  const pass = ratio >= spec.goalRatio && (spec.p99Ms === undefined || p99 <= spec.p99Ms) && wrong === 0;
  const cpu = median(service.map((s) => s.cpuUs));
  const cpuBase = median(base.map((s) => s.cpuUs));
  return {
    name: spec.name,
    unit: 'req/s',
    samples: service.map((s) => s.rps),
    baselineName: 'bare Fastify, same bytes',
    baselineSamples: base.map((s) => s.rps),
    goal: `≥ ${spec.goalRatio.toFixed(2)} of baseline${spec.p99Ms !== undefined ? `, p99 ≤ ${spec.p99Ms} ms` : ''}`,
    pass,
    detail:
      `p50 ${median(service.map((s) => s.p50))} ms, p99 ${p99} ms (baseline p99 ${median(base.map((s) => s.p99))} ms); ` +
      `server CPU ${cpu.toFixed(0)} µs/request vs baseline ${cpuBase.toFixed(0)} µs (CPU ratio ${(cpuBase / cpu).toFixed(2)}); ` +
      `unexpected statuses/errors ${wrong}`,
  };
}

/** Flag keys and values in the shape of a real application's flags (~57 bytes of JSON per flag). */
export function flagSpecs(count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({
    key: `team-${i % 7}.feature-${String(i).padStart(4, '0')}-rollout`,
    ...(i % 3 === 0
      ? { type: 'bool', value: i % 2 === 0 }
      : i % 3 === 1
        ? { type: 'string', value: `https://service-${i}.eu-west-1.example.com/api/v2/endpoint?region=eu` }
        : { type: 'number', value: i * 7 }),
    clientEnabled: i % 2 === 0,
    description: 'benchmark flag',
  }));
}

/** Creates `count` flags in an environment, 20 requests at a time; returns their keys. */
export async function createFlags(server: Server, token: string, appId: string, env: string, count: number): Promise<string[]> {
  const specs = flagSpecs(count);
  for (let i = 0; i < specs.length; i += 20) {
    await Promise.all(specs.slice(i, i + 20).map((spec) => call(server.url, 'POST', '/api/v1/flags', token, { appId, env, ...spec })));
  }
  return specs.map((s) => s.key as string);
}

/** What the evaluation rows evaluate: 5 overrides (3 for the user, 2 for the company) and a 50 % rollout, all on bool flags. */
export async function addTargeting(server: Server, token: string, appId: string, envId: string, keys: string[]): Promise<void> {
  const bools = keys.filter((_, i) => i % 3 === 0);
  await call(server.url, 'PATCH', `/api/apps/${appId}/flags/specific-targets/${envId}`, token, {
    updates: [
      ...bools.slice(0, 3).map((flagKey) => ({ flagKey, value: true, userId: 'user-42' })),
      ...bools.slice(3, 5).map((flagKey) => ({ flagKey, value: true, companyId: 'acme-corp' })),
    ],
  });
  await call(server.url, 'PATCH', '/api/v1/flags', token, {
    appId,
    env: 'production',
    key: bools[5],
    rollout: { percentage: 50, value: true },
  });
}

export const CONTEXT = JSON.stringify({ context: { targetingKey: 'user-42', companyId: 'acme-corp', plan: 'pro' } });
const JSON_HEADERS = { 'content-type': 'application/json' };

async function bytesOf(target: Target): Promise<{ body: Buffer; etag: string | null }> {
  const res = await fetch(target.url, { method: target.method ?? 'GET', headers: target.headers, body: target.body });
  if (res.status !== 200) throw new Error(`${target.method ?? 'GET'} ${target.url} → ${res.status}`);
  return { body: Buffer.from(await res.arrayBuffer()), etag: res.headers.get('etag') };
}

async function backend(kind: 'embedded' | 'postgres', opts: BenchOptions, seconds: number, port: number): Promise<Section> {
  const server = kind === 'embedded' ? await startEmbeddedServer(READ_ENV, port) : await startPostgresServer(READ_ENV, port);
  let baseline: Baseline | undefined;
  try {
    const { token, appId } = await account(server);
    const keys = await createFlags(server, token, appId, 'production', 50);
    const { data: envs } = await call(server.url, 'GET', `/api/v1/envs?appId=${appId}`, token);
    const production = (envs as Array<{ id: string; name: string }>).find((e) => e.name === 'production')!.id;
    await addTargeting(server, token, appId, production, keys);
    const sdk = { authorization: `Bearer ${await runtimeKey(server, token, appId, 'production')}` };
    const config: Target = { url: `${server.url}/api/v1/config`, headers: sdk };
    const c50 = await bytesOf(config);
    const routes: BaselineRoute[] = [
      { method: 'GET', path: '/c50', body: c50.body, etag: c50.etag!, headers: { 'cache-control': 'no-cache' } },
    ];
    const rows: Array<Omit<PairSpec, 'baseline' | 'server'>> = [
      { name: `config, 50 flags (${c50.body.length} B), 200`, target: config, baselineTarget: { url: '/c50' }, goalRatio: 0.8, p99Ms: 8 },
      {
        name: 'config, 50 flags, 304 (If-None-Match)',
        target: { ...config, headers: { ...sdk, 'if-none-match': c50.etag! }, status: 304 },
        baselineTarget: { url: '/c50', headers: { 'if-none-match': c50.etag! }, status: 304 },
        goalRatio: 0.8,
        p99Ms: 8,
      },
    ];
    if (kind === 'embedded') {
      await createFlags(server, token, appId, 'staging', 20);
      const staging: Target = {
        url: config.url,
        headers: { authorization: `Bearer ${await runtimeKey(server, token, appId, 'staging')}` },
      };
      const c20 = await bytesOf(staging);
      routes.push({ method: 'GET', path: '/c20', body: c20.body, etag: c20.etag!, headers: { 'cache-control': 'no-cache' } });
      rows.push({
        name: `config, 20 flags (${c20.body.length} B), 200`,
        target: staging,
        baselineTarget: { url: '/c20' },
        goalRatio: 0.8,
        p99Ms: 8,
      });
    } else {
      const evaluate: Target = {
        url: `${server.url}/api/v1/evaluate`,
        method: 'POST',
        headers: { ...sdk, ...JSON_HEADERS },
        body: CONTEXT,
      };
      const ofrep: Target = { ...evaluate, url: `${server.url}/ofrep/v1/evaluate/flags` };
      const e = await bytesOf(evaluate);
      const o = await bytesOf(ofrep);
      routes.push({ method: 'POST', path: '/evaluate', body: e.body }, { method: 'POST', path: '/ofrep', body: o.body });
      const post = (path: string): Target => ({ url: path, method: 'POST', headers: JSON_HEADERS, body: CONTEXT });
      rows.push(
        {
          name: `evaluate, 50 flags, 5 overrides, a rollout (${e.body.length} B)`,
          target: evaluate,
          baselineTarget: post('/evaluate'),
          goalRatio: 0.6,
        },
        { name: `OFREP bulk, same flags (${o.body.length} B)`, target: ofrep, baselineTarget: post('/ofrep'), goalRatio: 0.6 },
      );
    }
    baseline = await startBaseline(routes);
    const measured: Measurement[] = [];
    for (const row of rows) {
      console.log(`  reads (${kind}): ${row.name}…`);
      const b = baseline;
      measured.push(
        await pairedRow(
          { ...row, server, baseline: b, baselineTarget: { ...row.baselineTarget, url: b.url + row.baselineTarget.url } },
          opts,
          seconds,
        ),
      );
    }
    return {
      title: kind === 'embedded' ? 'Runtime reads, embedded default (no DATABASE_URL)' : 'Runtime reads, PostgreSQL + Redis',
      description:
        `autocannon, ${CONNECTIONS} connections, ${opts.runs} pairs of ${seconds} s loads, sdk_ key, quotas on (counted, never refused), LOG_LEVEL=info ` +
        '(a request line per request). Each run measures bare Fastify answering the same bytes (bench/baseline-server.mts) and the ' +
        'service back to back; the ratio is per pair. Server CPU per request is read from /proc for both processes.' +
        (kind === 'postgres'
          ? ' Evaluation: context {targetingKey, companyId} against 50 flags with 3 user overrides, 2 company overrides and a 50 % rollout.'
          : ''),
      rows: measured,
    };
  } finally {
    await baseline?.stop();
    await server.stop();
  }
}

/** Pairs per read row in a full run: more than the other scenarios' 3 runs, because a read pair is the noisiest measurement here. */
export const READ_PAIRS = 5;
/** Seconds per read load in a full run. */
export const READ_SECONDS = 3;

export async function benchReads(opts: BenchOptions): Promise<Section[]> {
  // Seven paired rows on two backends, 5 pairs of 3 s loads each in a full run (about 4 minutes). The machine's speed
  // drifts in phases of seconds to minutes: bare Fastify's own CPU per request moved between 14 and 29 µs between
  // consecutive 4 s loads, and the service's by as much, so one pair's ratio can move by 0.3 either way. More, shorter
  // pairs give the median more samples of the same drift; each pair is still back to back, in alternating order.
  const seconds = Math.min(opts.seconds, READ_SECONDS);
  const pairs: BenchOptions = opts.quick ? opts : { ...opts, runs: Math.max(opts.runs, READ_PAIRS) };
  return [await backend('embedded', pairs, seconds, 4101), await backend('postgres', pairs, seconds, 4102)];
}
