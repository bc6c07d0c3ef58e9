// Write → visible elsewhere (issue 15): 3 replicas (child processes) on one PostgreSQL database and one Redis. A flag
// write goes to one replica (each in turn); the bench times how long until the other two serve the new version, both
// through GET /api/v1/config (polled every 2 ms) and on an SSE stream held open on each of them.
import { performance } from 'node:perf_hooks';
import { median, type BenchOptions, type Measurement, type Section } from './report.mts';
import { account, call, createDatabase, percentile, REDIS_URL, runtimeKey, startServer, type Server } from './support.mts';

const PORTS = [4230, 4231, 4232];
const POLL_MS = 2;
const TIMEOUT_MS = 10_000;

/** An SSE stream of `/api/v1/config/stream` that notes when it first saw each version (the event id). */
class VersionStream {
  private readonly seen = new Map<number, number>();
  private readonly waiting: Array<{ version: number; resolve: (at: number) => void }> = [];
  private readonly abort = new AbortController();

  private constructor() {}

  static async open(server: Server, key: string): Promise<VersionStream> {
    const stream = new VersionStream();
    const res = await fetch(`${server.url}/api/v1/config/stream`, {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
      signal: stream.abort.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`stream → ${res.status}`);
    const first = new Promise<void>((resolve) => stream.waiting.push({ version: 0, resolve: () => resolve() }));
    void stream.read(res.body);
    await first;
    return stream;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of body) {
        const at = performance.now();
        buffered += decoder.decode(chunk, { stream: true });
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const id = /^id: (\d+)$/.exec(line);
          if (id) this.saw(Number(id[1]), at);
        }
      }
    } catch {
      // aborted at the end
    }
  }

  private saw(version: number, at: number): void {
    if (!this.seen.has(version)) this.seen.set(version, at);
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i].version <= version) {
        this.waiting[i].resolve(at);
        this.waiting.splice(i, 1);
      }
    }
  }

  /** When a version ≥ `version` arrived (at once if it already has). */
  when(version: number): Promise<number> {
    for (const [v, at] of this.seen) if (v >= version) return Promise.resolve(at);
    return new Promise((resolve) => this.waiting.push({ version, resolve }));
  }

  close(): void {
    this.abort.abort();
  }
}

/** Polls a replica's config until it serves `version` or later; resolves with when it first did. */
async function polled(server: Server, key: string, version: number): Promise<number> {
  const deadline = performance.now() + TIMEOUT_MS;
  while (performance.now() < deadline) {
    const res = await fetch(`${server.url}/api/v1/config`, { headers: { authorization: `Bearer ${key}` } });
    const at = performance.now();
    const body = (await res.json()) as { data?: { version?: number } };
    if ((body.data?.version ?? -1) >= version) return at;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`version ${version} not served by ${server.url} within ${TIMEOUT_MS} ms`);
}

const within = <T,>(p: Promise<T>, what: string) =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${TIMEOUT_MS} ms`)), TIMEOUT_MS))]);

export async function benchPropagation(opts: BenchOptions): Promise<Section[]> {
  const database = createDatabase();
  const replicas: Server[] = [];
  const streams: VersionStream[][] = [];
  try {
    // One after the other: the first applies the migrations, the others find them applied.
    for (const port of PORTS) replicas.push(await startServer({ DATABASE_URL: database.url, REDIS_URL }, port));
    const { token, appId } = await account(replicas[0]);
    const key = await runtimeKey(replicas[0], token, appId, 'production');
    await call(replicas[0].url, 'POST', '/api/v1/flags', token, { appId, env: 'production', key: 'p', type: 'number', value: 0 });
    for (const replica of replicas) await polled(replica, key, 0); // each has loaded the environment once
    for (const replica of replicas) streams.push([await VersionStream.open(replica, key)]);

    const writes = opts.quick ? 20 : 60;
    const config = { p50: [] as number[], p99: [] as number[] };
    const sse = { p50: [] as number[], p99: [] as number[] };
    const writeLatency: number[] = [];
    let value = 0;
    for (let run = 0; run < opts.runs; run++) {
      const viaConfig: number[] = [];
      const viaStream: number[] = [];
      for (let i = 0; i < writes; i++) {
        const writer = i % replicas.length;
        const others = replicas.map((_, r) => r).filter((r) => r !== writer);
        const t0 = performance.now();
        const { data } = await call(replicas[writer].url, 'PATCH', '/api/v1/flags', token, {
          appId,
          env: 'production',
          key: 'p',
          value: ++value,
        });
        writeLatency.push(performance.now() - t0);
        const version = data.version as number;
        const [c, s] = await Promise.all([
          Promise.all(others.map((r) => polled(replicas[r], key, version))),
          Promise.all(others.map((r) => within(streams[r][0].when(version), `stream of replica ${r + 1}`))),
        ]);
        viaConfig.push(...c.map((at) => at - t0));
        viaStream.push(...s.map((at) => at - t0));
        await new Promise((r) => setTimeout(r, 20)); // writes apart: each is timed on its own
      }
      const sc = [...viaConfig].sort((a, b) => a - b);
      const ss = [...viaStream].sort((a, b) => a - b);
      config.p50.push(Number(percentile(sc, 50).toFixed(1)));
      config.p99.push(Number(percentile(sc, 99).toFixed(1)));
      sse.p50.push(Number(percentile(ss, 50).toFixed(1)));
      sse.p99.push(Number(percentile(ss, 99).toFixed(1)));
    }
    const wl = [...writeLatency].sort((a, b) => a - b);
    const rows: Measurement[] = [
      {
        name: 'Write → new version in GET /api/v1/config on the 2 other replicas, p99',
        unit: 'ms',
        samples: config.p99,
        goal: '≤ 100 ms',
        pass: median(config.p99) <= 100,
        detail: `p50 ${config.p50.join(' / ')} ms; ${writes} writes per run, each observed on 2 replicas, polled every ${POLL_MS} ms`,
      },
      {
        name: 'Write → new version on an SSE stream of each other replica, p99',
        unit: 'ms',
        samples: sse.p99,
        goal: '≤ 100 ms',
        pass: median(sse.p99) <= 100,
        detail: `p50 ${sse.p50.join(' / ')} ms; the write itself took p50 ${percentile(wl, 50).toFixed(1)}, p99 ${percentile(wl, 99).toFixed(1)} ms`,
      },
    ];
    return [
      {
        title: 'Write propagation across replicas',
        description:
          `${replicas.length} service processes on one PostgreSQL database and one Redis (the cluster bus). Each flag write goes to one ` +
          'replica in turn; times run from sending the write (so they include the write itself) until each of the other two serves ' +
          'the new version: by GET /api/v1/config (sdk key, polled) and as an event on an SSE stream held open on each replica.',
        rows,
      },
    ];
  } finally {
    for (const list of streams) for (const s of list) s.close();
    await Promise.all(replicas.map((r) => r.stop()));
    database.drop();
  }
}
