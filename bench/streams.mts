// SSE fan-out: N open `GET /api/v1/config/stream` streams on ONE replica (PostgreSQL + Redis), then one flag
// write: how long until every stream has the new `config` event, what the streams cost in server memory, how
// long they take to open. Beside it, the same fan-out by a bare Fastify server writing the same bytes to N
// held responses (bench/baseline-server.mts, `sse: true`): the ceiling for Node on this machine.
// The streams are held by two child processes on raw sockets (bench/stream-client.mts); StreamClients and
// streamRequest are exported for other scenarios that watch streams (e.g. propagation across replicas).
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { median, type BenchOptions, type Measurement, type Section } from './report.mts';
import { account, call, percentile, runtimeKey, startBaseline, startPostgresServer, type Server, type ServerMemory } from './support.mts';

const FLAGS = 50;
const CLIENTS = 2;
/** Streams each client opens at a time (more only fills the listen backlog: the server accepts them one by one). */
const OPEN_CONCURRENCY = 64;
const DELIVERY_GOAL_MS = 1000;
/** The default LIMIT_STREAMS_PER_KEY. */
const STREAMS_PER_KEY = 1000;

const now = () => Number(process.hrtime.bigint()) / 1e6;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

interface Opened {
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  openMs: number;
  openLatencies: number[];
}

interface FanOut {
  /** Per stream, ms from the start of the write (service) or publish (baseline) to the event's arrival, sorted. */
  latencies: number[];
  missing: number;
  closed: number;
  /** How long the write (or publish) request itself took to answer. */
  answeredMs: number;
}

/** Two processes holding `count` streams between them, opened and watched together. */
export class StreamClients {
  private readonly children: ChildProcess[] = [];

  constructor() {
    for (let i = 0; i < CLIENTS; i++)
      this.children.push(
        fork(new URL('./stream-client.mts', import.meta.url).pathname, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
      );
  }

  private async ask<T>(message: (i: number) => object, reply: string): Promise<T[]> {
    return Promise.all(
      this.children.map(async (child, i) => {
        const answer = new Promise<T>((resolve, reject) => {
          const onMessage = (m: { type: string }) => {
            if (m.type !== reply) return;
            child.off('message', onMessage);
            child.off('exit', onExit);
            resolve(m as T);
          };
          const onExit = (code: number | null) => reject(new Error(`stream client exited with ${code}`));
          child.on('message', onMessage);
          child.once('exit', onExit);
        });
        child.send(message(i));
        return answer;
      }),
    );
  }

  async open(port: number, requests: string[], count: number): Promise<Opened> {
    const per = (i: number) => Math.floor(count / CLIENTS) + (i < count % CLIENTS ? 1 : 0);
    const answers = await this.ask<Opened>(
      (i) => ({ type: 'open', port, requests, count: per(i), concurrency: OPEN_CONCURRENCY }),
      'opened',
    );
    const statuses: Record<string, number> = {};
    for (const a of answers) for (const [k, v] of Object.entries(a.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
    return {
      ok: answers.reduce((n, a) => n + a.ok, 0),
      failed: answers.reduce((n, a) => n + a.failed, 0),
      statuses,
      openMs: Math.max(...answers.map((a) => a.openMs)),
      openLatencies: answers.flatMap((a) => a.openLatencies).sort((a, b) => a - b),
    };
  }

  /** Sends the change (`write`, timed from its start) and waits for the `events`-th config event on every stream. */
  async fanOut(events: number, write: () => Promise<void>, timeoutMs: number): Promise<FanOut> {
    const delivered = this.ask<{ times: (number | null)[]; closed: number }>(() => ({ type: 'expect', events, timeoutMs }), 'delivered');
    await sleep(50); // the children have their expectation before the change (arrival times are recorded regardless)
    const start = now();
    await write();
    const answeredMs = now() - start;
    const answers = await delivered;
    const times = answers.flatMap((a) => a.times);
    const latencies = times.filter((t): t is number => t !== null).map((t) => t - start);
    latencies.sort((a, b) => a - b);
    return { latencies, missing: times.length - latencies.length, closed: answers.reduce((n, a) => n + a.closed, 0), answeredMs };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        if (child.connected) child.send({ type: 'close' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

export const streamRequest = (port: number, path: string, key?: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${key ? `Authorization: Bearer ${key}\r\n` : ''}Accept: text/event-stream\r\n\r\n`;

async function flagsFor(server: Server, token: string, appId: string, env: string): Promise<void> {
  const keys = Array.from({ length: FLAGS }, (_, i) => `team-${i % 7}.feature-${String(i).padStart(4, '0')}-rollout`);
  for (let i = 0; i < keys.length; i += 10)
    await Promise.all(
      keys.slice(i, i + 10).map((key, j) =>
        call(server.url, 'POST', '/api/v1/flags', token, {
          appId,
          env,
          key,
          ...((i + j) % 3 === 0
            ? { type: 'bool', value: (i + j) % 2 === 0 }
            : (i + j) % 3 === 1
              ? { type: 'string', value: `https://service-${i + j}.eu-west-1.example.com/api/v2/endpoint?region=eu` }
              : { type: 'number', value: (i + j) * 7 }),
          clientEnabled: true,
          description: 'benchmark flag',
        }),
      ),
    );
}

/** The `config` event a new stream gets, as sent (the baseline sends the same bytes). */
async function firstEvent(server: Server, key: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/config/stream`, { headers: { authorization: `Bearer ${key}` } });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error('the stream ended before its first config event');
    text += decoder.decode(value, { stream: true });
    const start = text.indexOf('event: config\n');
    const end = start === -1 ? -1 : text.indexOf('\n\n', start);
    if (end !== -1) {
      await reader.cancel();
      return text.slice(start, end + 2);
    }
  }
}

/** Per run: how long the write request took to answer, and any stream that did not get the event. */
const summary = (f: FanOut) =>
  `${f.answeredMs.toFixed(0)} ms${f.missing ? ` (${f.missing} streams never got it)` : ''}${f.closed ? ` (${f.closed} closed)` : ''}`;

/** The last stream's arrival, or Infinity when some never got it (a missed delivery cannot meet any goal). */
const allDelivered = (f: FanOut) => (f.missing > 0 ? Infinity : (f.latencies.at(-1) ?? Infinity));

export async function benchStreams(opts: BenchOptions): Promise<Section[]> {
  const count = opts.quick ? 1_000 : 10_000;
  const fanOuts = Math.max(1, opts.runs);
  const timeoutMs = 30_000;

  // The service: limits raised just above the bench's streams (the defaults are 10,000 per replica, 1,000 per key).
  // Keys of both types, at most STREAMS_PER_KEY streams each: the default per-key limit holds; only the replica limit
  // (default 10,000, exactly the bench's count) is raised a little, for the stream that samples the event.
  const keyCount = Math.max(2, Math.ceil(count / STREAMS_PER_KEY));
  const server = await startPostgresServer({ LIMIT_STREAMS: String(count + 100) }, 4310, {
    inspect: true,
  });
  const service: FanOut[] = [];
  let opened: Opened;
  let before: { rssBytes: number; heapUsedBytes: number };
  let after: { rssBytes: number; heapUsedBytes: number };
  let event: string;
  let clients = new StreamClients();
  try {
    const { token, appId } = await account(server);
    await flagsFor(server, token, appId, 'production');
    const keys: string[] = [];
    for (let i = 0; i < keyCount; i++) keys.push(await runtimeKey(server, token, appId, 'production', i % 2 === 0 ? 'sdk' : 'pub'));
    event = await firstEvent(server, keys[0]);
    await sleep(1000);
    before = await server.memory({ gc: true });
    opened = await clients.open(
      server.port,
      keys.map((key) => streamRequest(server.port, '/api/v1/config/stream', key)),
      count,
    );
    if (opened.ok !== count) throw new Error(`only ${opened.ok} of ${count} streams opened: ${JSON.stringify(opened.statuses)}`);
    await sleep(2000);
    after = await server.memory({ gc: true });
    for (let run = 0; run < fanOuts; run++) {
      await sleep(500);
      const value = run % 2 === 0; // flag 0 is a bool created `true`: false, true, false… each write is a change
      service.push(
        await clients.fanOut(
          run + 2,
          () =>
            call(server.url, 'PATCH', '/api/v1/flags', token, {
              appId,
              env: 'production',
              key: 'team-0.feature-0000-rollout',
              value: !value,
            }),
          timeoutMs,
        ),
      );
    }
  } finally {
    await clients.close();
    await server.stop();
  }

  // The baseline: the same number of held responses and an event of the same size, written by bare Fastify.
  const baselineFanOuts: FanOut[] = [];
  let baselineBefore: ServerMemory;
  let baselineAfter: ServerMemory;
  const baseline = await startBaseline([{ method: 'GET', path: '/stream', body: event!, sse: true }]);
  clients = new StreamClients();
  try {
    await sleep(1000);
    baselineBefore = await baseline.memory();
    const baselineOpened = await clients.open(baseline.port, [streamRequest(baseline.port, '/stream')], count);
    if (baselineOpened.ok !== count) throw new Error(`baseline: only ${baselineOpened.ok} of ${count} streams opened`);
    await sleep(2000);
    baselineAfter = await baseline.memory();
    for (let run = 0; run < fanOuts; run++) {
      await sleep(500);
      baselineFanOuts.push(
        await clients.fanOut(
          run + 2,
          async () => {
            const res = await fetch(`${baseline.url}/__publish`, { method: 'POST' });
            if (res.status !== 204) throw new Error(`baseline publish → ${res.status}`);
          },
          timeoutMs,
        ),
      );
    }
  } finally {
    await clients.close();
    await baseline.stop();
  }

  const rows: Measurement[] = [
    {
      name: `Change delivered to all ${count.toLocaleString('en')} streams (write start → last stream)`,
      unit: 'ms',
      samples: service.map(allDelivered),
      baselineName: 'bare Fastify writing the same bytes to as many held responses',
      baselineSamples: baselineFanOuts.map(allDelivered),
      goal: `≤ ${DELIVERY_GOAL_MS} ms`,
      pass: median(service.map(allDelivered)) <= DELIVERY_GOAL_MS,
      detail: `the write answered in ${service.map(summary).join(', ')}; the baseline's publish in ${baselineFanOuts.map(summary).join(', ')}`,
    },
    {
      name: 'Delivery p99 across streams',
      unit: 'ms',
      samples: service.map((f) => percentile(f.latencies, 99)),
      baselineName: 'bare Fastify',
      baselineSamples: baselineFanOuts.map((f) => percentile(f.latencies, 99)),
    },
    {
      name: 'Delivery p50 across streams',
      unit: 'ms',
      samples: service.map((f) => percentile(f.latencies, 50)),
      baselineName: 'bare Fastify',
      baselineSamples: baselineFanOuts.map((f) => percentile(f.latencies, 50)),
    },
    {
      name: `Time to open ${count.toLocaleString('en')} streams (${CLIENTS} clients × ${OPEN_CONCURRENCY} at a time)`,
      unit: 's',
      samples: [opened!.openMs / 1000],
      detail:
        `${Math.round(count / (opened!.openMs / 1000))} streams/s; per stream p50 ${percentile(opened!.openLatencies, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(opened!.openLatencies, 99).toFixed(0)} ms; refused/failed ${opened!.failed}`,
    },
    {
      name: 'Server RSS per open stream',
      unit: 'KB',
      samples: [(after!.rssBytes - before!.rssBytes) / count / 1024],
      baselineName: 'bare Fastify',
      baselineSamples: [(baselineAfter!.rssBytes - baselineBefore!.rssBytes) / count / 1024],
      detail: `RSS ${mb(before!.rssBytes)} → ${mb(after!.rssBytes)} MB (baseline ${mb(baselineBefore!.rssBytes)} → ${mb(baselineAfter!.rssBytes)} MB)`,
    },
    {
      name: 'Server V8 heap per open stream (after a full GC)',
      unit: 'KB',
      samples: [(after!.heapUsedBytes - before!.heapUsedBytes) / count / 1024],
      baselineName: 'bare Fastify',
      baselineSamples: [(baselineAfter!.heapUsedBytes - baselineBefore!.heapUsedBytes) / count / 1024],
      detail:
        `heap used ${mb(before!.heapUsedBytes)} → ${mb(after!.heapUsedBytes)} MB (baseline ${mb(baselineBefore!.heapUsedBytes)} → ` +
        `${mb(baselineAfter!.heapUsedBytes)} MB)`,
    },
  ];
  return [
    {
      title: `SSE fan-out: ${count.toLocaleString('en')} streams on one replica`,
      description:
        `${count.toLocaleString('en')} \`GET /api/v1/config/stream\` streams (${keyCount} keys, sdk and pub alternately, ` +
        `${Math.ceil(count / keyCount)} streams each; ${FLAGS} flags, all client-enabled; LIMIT_STREAMS raised to ${count + 100}) on one replica on PostgreSQL + Redis, held by ${CLIENTS} client processes on raw ` +
        `sockets that timestamp each \`config\` event on the system's monotonic clock. Then ${fanOuts === 1 ? 'one flag write' : `${fanOuts} flag writes, one per run`} ` +
        '(`PATCH /api/v1/flags`), timed from the start of the request to the arrival of the new event on every stream. ' +
        'Memory: the server process before opening the streams and 2 s after the last opened, each after a full GC (through ' +
        'the inspector; the baseline with --expose-gc; RSS from /proc, heap used from V8). Baseline: bare Fastify holding as many responses, writing the same ' +
        'event bytes to each, received by the same clients; ratio = service / baseline (above 1: slower). Every process ' +
        'shares the cores, so on 2 cores the clients and the kernel take a good part of the delivery time.',
      rows,
    },
  ];
}
