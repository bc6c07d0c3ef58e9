// Shared helpers of the benchmark: a fresh PostgreSQL database, the real service as a child process (on
// PostgreSQL + Redis or on the embedded engine), bare-Fastify baselines, JSON calls, the machine's description.
//
// Exports (scenario modules use these; signatures are stable, additions only):
//   DIST                                   built app root: env SUPERFLAG_DIST (default `dist`), so a bench can run a private build
//   MAIN                                   `${DIST}/apps/api/src/main.js`, the server every start* function spawns
//   PG, REDIS_URL                          env BENCH_PG (default postgres://postgres@127.0.0.1:5432), env REDIS_URL (default local 6379)
//   createDatabase(): { url, drop() }      a fresh empty PostgreSQL database; drop() removes it (WITH FORCE)
//   freePort(): Promise<number>            a port free right now on 127.0.0.1 (the kernel picks it)
//   interface Server { url, port, process, stop(): Promise<void>, memory(options?): Promise<ServerMemory> }
//                                          memory(): RSS (/proc) and V8 heap used (GET /metrics); memory({ gc: true })
//                                          first collects garbage and reads the heap through the inspector (start the
//                                          server with options.inspect: true), for per-item memory figures
//   BENCH_ENV                              the settings every bench server gets unless overridden: quotas far above any
//                                          load, burst limits off, LOG_LEVEL=warn (logs still built and filtered)
//   startServer(env, port, options?)       the service with `env` over process.env and BENCH_ENV; give it DATABASE_URL
//                                          and REDIS_URL for PostgreSQL + Redis (REDIS_URL is inherited if set)
//   startEmbeddedServer(env, port, options?): Promise<Server & { dataDir }>
//                                          the service on the embedded engine: DATABASE_URL and REDIS_URL removed,
//                                          DATA_DIR a fresh temp directory (removed by stop())
//   startPostgresServer(env, port, options?): Promise<Server & { database }>
//                                          the service on a fresh database + REDIS_URL; stop() also drops the database
//                                          unless options.keepDatabase (then call server.database.drop() yourself)
//   interface StartOptions { nodeArgs?: string[] (e.g. ['--cpu-prof']); readyTimeoutMs?: number (default 120 s); keepDatabase?: boolean;
//                            inspect?: boolean (--inspect on a free 127.0.0.1 port, so memory({ gc: true }) can force a GC) }
//   interface BaselineRoute { method: 'GET'|'POST'|'PATCH'|'PUT'|'DELETE'; path; body?: string|Buffer (bytes answered);
//                             file?: string (bytes answered, read from a file); status?: number (default 200);
//                             headers?: Record<string,string> (content-type defaults to application/json; charset=utf-8);
//                             etag?: string (sent as ETag; a matching If-None-Match gets 304);
//                             sse?: boolean (GET held open as an event stream, sent the bytes on open and on every
//                             `POST /__publish`, which answers 204 once it has written them to every open stream) }
//   startBaseline(routes, port?): Promise<{ url, port, process, stop(), memory(): Promise<ServerMemory> (after a full GC) }>
//                                          bare Fastify 5 in a child process (bench/baseline-server.mts) answering each
//                                          route with fixed bytes; JSON request bodies are parsed like the service does
//   call(url, method, path, token?, body?) JSON call; throws on non-2xx
//   account(server): Promise<{ token, appId }>  a fresh user (signup) with one app (`production`, `staging`, `development` envs)
//   runtimeKey(server, token, appId, env, type?): Promise<string>  a new sdk_ (default) or pub_ key of that environment
//   percentile(sorted, p), machine(): string, machineInfo(): MachineInfo (cores, CPU, RAM, Node, PostgreSQL, Redis)
//   processMemory(pid): { rssBytes } from /proc (Linux)
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export const DIST = process.env.SUPERFLAG_DIST ?? 'dist';
export const MAIN = resolve(DIST, 'apps/api/src/main.js');
export const PG = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Every request of a bench is counted by quotas (they stay on) but none is refused, and no burst limit applies. */
export const BENCH_ENV: Record<string, string> = {
  LOG_LEVEL: 'warn',
  LOGIN_RATE_LIMIT: '100000',
  QUOTA_FREE: '2000000000',
  BURST_TOKEN_LIMIT: '0',
  BURST_IP_LIMIT: '0',
  BURST_PUB_IP_LIMIT: '0',
  BURST_AUTH_FAIL_IP_LIMIT: '0',
  PASSWORD_SCRYPT_LOG_N: '14',
};

let databases = 0;
export function createDatabase(): { url: string; drop: () => void } {
  const name = `superflag_bench_${Date.now()}_${process.pid}_${databases++}`;
  execFileSync('psql', [`${PG}/postgres`, '-qc', `CREATE DATABASE ${name}`]);
  return {
    url: `${PG}/${name}`,
    drop: () => execFileSync('psql', [`${PG}/postgres`, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]),
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface ServerMemory {
  rssBytes: number;
  /** V8 heap in use: after a full GC through the inspector with { gc: true }, else prom-client's nodejs_heap_size_used_bytes (NaN if unavailable). */
  heapUsedBytes: number;
}

export interface Server {
  url: string;
  port: number;
  process: ChildProcess;
  stop: () => Promise<void>;
  memory: (options?: { gc?: boolean }) => Promise<ServerMemory>;
}

export interface StartOptions {
  nodeArgs?: string[];
  readyTimeoutMs?: number;
  keepDatabase?: boolean;
  inspect?: boolean;
}

/** One DevTools-protocol session with a child's inspector (Node's global WebSocket). */
class Inspector {
  private next = 1;
  private readonly waiting = new Map<number, (result: unknown) => void>();

  private readonly socket: WebSocket;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
      if (message.id !== undefined) this.waiting.get(message.id)?.(message.result);
    });
  }

  static async connect(port: number): Promise<Inspector> {
    const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
    const socket = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve, { once: true });
      socket.addEventListener('error', reject, { once: true });
    });
    return new Inspector(socket);
  }

  send<T>(method: string): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve) => {
      this.waiting.set(id, (result) => {
        this.waiting.delete(id);
        resolve(result as T);
      });
      this.socket.send(JSON.stringify({ id, method }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

export function processMemory(pid: number): { rssBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return { rssBytes: kb * 1024 };
}

async function metricValue(url: string, name: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
  } catch {
    return NaN;
  }
}

/** Starts MAIN (run `npm run build` first, or point SUPERFLAG_DIST at a build) and waits for readiness. */
export async function startServer(env: Record<string, string>, port: number, options: StartOptions = {}): Promise<Server> {
  return spawnServer({ ...process.env, ...BENCH_ENV, ...env }, port, options);
}

async function spawnServer(env: NodeJS.ProcessEnv, port: number, options: StartOptions): Promise<Server> {
  const inspectPort = options.inspect ? await freePort() : 0;
  const inspectArgs = options.inspect ? [`--inspect=127.0.0.1:${inspectPort}`] : [];
  const child = spawn(process.execPath, [...inspectArgs, ...(options.nodeArgs ?? []), MAIN], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', options.inspect ? 'pipe' : 'inherit'],
  });
  // The inspector announces itself on stderr: only the server's own lines are passed on.
  child.stderr?.on('data', (chunk: Buffer) => {
    const lines = chunk
      .toString()
      .split('\n')
      .filter((l) => l && !/^(Debugger (listening|attached|ending)|For help, see: https:\/\/nodejs.org)/.test(l));
    if (lines.length) process.stderr.write(lines.join('\n') + '\n');
  });
  const url = `http://127.0.0.1:${port}`;
  let inspector: Inspector | undefined;
  const stop = async () => {
    // A process with a debugger attached waits for it to leave before it exits.
    inspector?.close();
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server ${MAIN} exited with ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server ${MAIN} on port ${port} not ready within ${options.readyTimeoutMs ?? 120_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (options.inspect) inspector = await Inspector.connect(inspectPort);
  return {
    url,
    port,
    process: child,
    stop,
    memory: async ({ gc = false } = {}) => {
      if (!gc)
        return { rssBytes: processMemory(child.pid!).rssBytes, heapUsedBytes: await metricValue(url, 'nodejs_heap_size_used_bytes') };
      if (!inspector) throw new Error('memory({ gc: true }) needs the server started with { inspect: true }');
      await inspector.send('HeapProfiler.collectGarbage');
      await inspector.send('HeapProfiler.collectGarbage');
      const { usedSize } = await inspector.send<{ usedSize: number }>('Runtime.getHeapUsage');
      return { rssBytes: processMemory(child.pid!).rssBytes, heapUsedBytes: usedSize };
    },
  };
}

export async function startEmbeddedServer(
  env: Record<string, string>,
  port: number,
  options: StartOptions = {},
): Promise<Server & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'superflag-bench-data-'));
  const base: NodeJS.ProcessEnv = { ...process.env, ...BENCH_ENV, DATA_DIR: dataDir, ...env };
  delete base.DATABASE_URL;
  delete base.REDIS_URL;
  let server: Server;
  try {
    server = await spawnServer(base, port, options);
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...server,
    dataDir,
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startPostgresServer(
  env: Record<string, string>,
  port: number,
  options: StartOptions = {},
): Promise<Server & { database: { url: string; drop: () => void } }> {
  const database = createDatabase();
  let server: Server;
  try {
    server = await startServer({ DATABASE_URL: database.url, REDIS_URL, ...env }, port, options);
  } catch (err) {
    database.drop();
    throw err;
  }
  return {
    ...server,
    database,
    stop: async () => {
      await server.stop();
      if (!options.keepDatabase) database.drop();
    },
  };
}

export interface BaselineRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: string | Buffer;
  file?: string;
  status?: number;
  headers?: Record<string, string>;
  etag?: string;
  sse?: boolean;
}

export interface Baseline {
  url: string;
  port: number;
  process: ChildProcess;
  stop: () => Promise<void>;
  /** RSS and heap used after a full GC. */
  memory: () => Promise<ServerMemory>;
}

/** Bare Fastify answering `routes` with fixed bytes, in its own process (so it gets a core like the service). */
export async function startBaseline(routes: BaselineRoute[], port = 0): Promise<Baseline> {
  const dir = mkdtempSync(join(tmpdir(), 'superflag-baseline-'));
  const spec = routes.map((r, i) => {
    let file = r.file;
    if (r.body !== undefined) writeFileSync((file = join(dir, `body-${i}`)), r.body);
    return { method: r.method, path: r.path, file, status: r.status ?? 200, headers: r.headers ?? {}, etag: r.etag, sse: r.sse };
  });
  const specFile = join(dir, 'routes.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const child = fork(new URL('./baseline-server.mts', import.meta.url).pathname, [String(port), '--routes', specFile], {
    stdio: 'inherit',
    execArgv: [...process.execArgv, '--expose-gc'],
  });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`baseline server exited with ${code}`);
    }),
  ])) as [{ port: number }];
  return {
    url: `http://127.0.0.1:${message.port}`,
    port: message.port,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill();
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
    memory: async () => {
      const reply = new Promise<ServerMemory>((resolve) => {
        const onMessage = (m: { type?: string } & ServerMemory) => {
          if (m.type !== 'memory') return;
          child.off('message', onMessage);
          resolve({ rssBytes: m.rssBytes, heapUsedBytes: m.heapUsedBytes });
        };
        child.on('message', onMessage);
      });
      child.send('memory');
      return reply;
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped API JSON: each caller reads the fields its route returns
export async function call(url: string, method: string, path: string, token?: string, body?: unknown): Promise<any> {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

let accounts = 0;
export async function account(server: Pick<Server, 'url'>): Promise<{ token: string; appId: string }> {
  const { data: session } = await call(server.url, 'POST', '/api/v1/auth/signup', undefined, {
    email: `bench-${Date.now()}-${process.pid}-${accounts++}@example.com`,
    password: 'bench-password',
  });
  const { data: app } = await call(server.url, 'POST', '/api/v1/apps', session.token, { name: `bench-${accounts}` });
  return { token: session.token, appId: app.id };
}

export async function runtimeKey(
  server: Pick<Server, 'url'>,
  token: string,
  appId: string,
  env: string,
  type: 'sdk' | 'pub' = 'sdk',
): Promise<string> {
  const { data } = await call(server.url, 'POST', '/api/v1/keys', token, { appId, env, type });
  return data.key;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export interface MachineInfo {
  cores: number;
  cpu: string;
  ramGiB: number;
  node: string;
  postgres: string;
  redis: string;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  const run = (cmd: string, args: string[], pick: (out: string) => string | undefined) => {
    try {
      return pick(execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) ?? 'unknown';
    } catch {
      return 'unavailable';
    }
  };
  return {
    cores: c.length,
    cpu: c[0]?.model.trim() ?? 'unknown CPU',
    ramGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: run('psql', [`${PG}/postgres`, '-tAc', 'SHOW server_version'], (o) => o.trim().split(' ')[0]),
    redis: run('redis-cli', ['-u', REDIS_URL, 'INFO', 'server'], (o) => /redis_version:(\S+)/.exec(o)?.[1]),
  };
}

export function machine(): string {
  const m = machineInfo();
  return `${m.cores} cores (${m.cpu}), ${m.ramGiB} GiB RAM, Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}`;
}
