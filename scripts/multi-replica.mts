// `npm run replicas`: three replicas of the built server (dist/apps/api/src/main.js), as separate processes, on
// one fresh PostgreSQL database and the local Redis, checked for what running several replicas promises:
// changes and revocations reach every replica within the second, one monthly quota is shared exactly,
// migrations run once, and a replica killed mid-load loses no acknowledged write. Exits 1 on the first failure.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { PG, REDIS_URL } from '../bench/support.mts';

const QUOTA = 200;
const PROPAGATION_MS = 1000;
const { MIGRATIONS } = createRequire(import.meta.url)('../dist/migrations/index.js') as { MIGRATIONS: unknown[] };

class CheckFailed extends Error {}
function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new CheckFailed(message);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const started = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

function createDatabase(): { url: string; drop: () => void } {
  const name = `superflag_replicas_${process.pid}_${Date.now()}`;
  execFileSync('psql', [`${PG}/postgres`, '-qc', `CREATE DATABASE ${name}`]);
  return {
    url: `${PG}/${name}`,
    drop: () => execFileSync('psql', [`${PG}/postgres`, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]),
  };
}

// ---- replicas ----

interface Replica {
  name: string;
  url: string;
  child: ChildProcess;
  log: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function spawnReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { name, url: `http://127.0.0.1:${port}`, child, log: () => log, exited };
}

async function waitReady(replica: Replica): Promise<void> {
  for (let i = 0; i < 600; i++) {
    check(replica.child.exitCode === null, `${replica.name} exited during start-up (${replica.child.exitCode}):\n${replica.log()}`);
    if (
      await fetch(`${replica.url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  throw new CheckFailed(`${replica.name} not ready after 60 s:\n${replica.log()}`);
}

// ---- HTTP ----

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped API JSON: each caller reads the fields its route returns
async function api(replica: Replica, method: string, path: string, token?: string, body?: unknown): Promise<any> {
  const res = await fetch(replica.url + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  check(res.ok, `${replica.name}: ${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const config = (replica: Replica, key: string) => fetch(`${replica.url}/api/v1/config`, { headers: { authorization: `Bearer ${key}` } });

interface SseEvent {
  event: string;
  data: string;
}

/** A Server-Sent Events client that keeps every event, for "did this arrive within the second" checks. */
class Stream {
  readonly events: SseEvent[] = [];
  ended = false;
  private buffer = '';
  private wake: () => void = () => undefined;
  private req?: ClientRequest;

  static open(url: string, headers: Record<string, string> = {}): Promise<Stream> {
    const stream = new Stream();
    return new Promise((resolve, reject) => {
      stream.req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        if (res.statusCode !== 200) return reject(new CheckFailed(`stream ${url} → ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => stream.feed(chunk));
        res.on('end', () => ((stream.ended = true), stream.wake()));
        res.on('error', () => ((stream.ended = true), stream.wake()));
        resolve(stream);
      });
      stream.req.on('error', reject);
      stream.req.end();
    });
  }

  async next(predicate: (e: SseEvent) => boolean, withinMs: number, what: string): Promise<SseEvent> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      check(
        !this.ended && Date.now() < deadline,
        `${what}: not within ${withinMs} ms (events: ${JSON.stringify(this.events.map((e) => e.event))})`,
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.wake = () => (clearTimeout(timer), resolve());
      });
    }
  }

  async endedWithin(ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.ended) {
      check(Date.now() < deadline, `${what}: stream still open after ${ms} ms`);
      await sleep(10);
    }
  }

  close(): void {
    this.req?.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = [...block.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join('\n');
      if (data) this.events.push({ event, data });
    }
    this.wake();
  }
}

// ---- the checks ----

async function main(): Promise<number> {
  const db = createDatabase();
  const replicas: Replica[] = [];
  try {
    const email = `replicas-${Date.now()}@example.com`;
    // The operator (the ADMIN_EMAIL bootstrap account) lifts the quota of the app the kill check writes to: its
    // writes count too.
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      QUOTA_FREE: String(QUOTA),
      ADMIN_EMAIL: email,
      ADMIN_PASSWORD: 'replicas password',
      BURST_TOKEN_LIMIT: '0',
      BURST_IP_LIMIT: '0',
      LOGIN_RATE_LIMIT: '100000',
    };
    // Started together, so all three reach the migrations at once: the advisory lock must let one run them.
    replicas.push(...(await Promise.all(['A', 'B', 'C'].map((name) => spawnReplica(name, env)))));
    await Promise.all(replicas.map(waitReady));
    const [a, b, c] = replicas;
    say(`3 replicas ready on one database (${db.url.replace(/^.*\//, '')}) and ${REDIS_URL}`);

    // Migrations ran once.
    const [rows, distinct] = execFileSync('psql', [db.url, '-tAc', 'SELECT count(*), count(DISTINCT name) FROM schema_migrations'], {
      encoding: 'utf8',
    })
      .trim()
      .split('|')
      .map(Number);
    check(
      rows === MIGRATIONS.length && distinct === MIGRATIONS.length,
      `schema_migrations has ${rows} rows (${distinct} distinct), expected ${MIGRATIONS.length}`,
    );
    say(`✓ migrations applied once: ${rows} rows in schema_migrations for ${MIGRATIONS.length} migrations`);

    const { data: session } = await api(a, 'POST', '/api/v1/auth/login', undefined, { email, password: 'replicas password' });
    const token: string = session.token;

    // A change written through any replica is served by every other one, by request and by stream, within 1 s.
    {
      const { data: app } = await api(a, 'POST', '/api/v1/apps', token, { name: 'propagation' });
      const q = { appId: app.id, env: 'production' };
      await api(a, 'POST', '/api/v1/flags', token, { ...q, key: 'rollout', type: 'number', value: 0 });
      const { data: key } = await api(b, 'POST', '/api/v1/keys', token, { ...q, type: 'sdk' });
      const opened = await Promise.all(
        replicas.map((r) => Stream.open(`${r.url}/api/v1/config/stream`, { authorization: `Bearer ${key.key}` })),
      );
      for (const s of opened) await s.next((e) => e.event === 'config', 2000, 'initial config event');
      let slowest = 0;
      for (const [i, writer] of replicas.entries()) {
        const value = (i + 1) * 10;
        const written = Date.now();
        const { data } = await api(writer, 'PATCH', '/api/v1/flags', token, { ...q, key: 'rollout', value });
        const version: number = data.version;
        for (const [j, reader] of replicas.entries()) {
          if (j === i) continue;
          for (;;) {
            const res = await config(reader, key.key);
            const body = (await res.json()) as { data: { version: number; flags: Record<string, unknown> } };
            if (body.data.version >= version) {
              check(
                body.data.flags.rollout === value,
                `${reader.name} serves rollout=${JSON.stringify(body.data.flags.rollout)} at version ${body.data.version}, expected ${value}`,
              );
              break;
            }
            check(
              Date.now() - written < PROPAGATION_MS,
              `${reader.name} still serves version ${body.data.version} ${PROPAGATION_MS} ms after version ${version} was written through ${writer.name}`,
            );
            await sleep(5);
          }
          await opened[j].next(
            (e) => e.event === 'config' && JSON.parse(e.data).version === version,
            PROPAGATION_MS - (Date.now() - written),
            `${reader.name}'s stream: version ${version} written through ${writer.name}`,
          );
          slowest = Math.max(slowest, Date.now() - written);
        }
      }
      opened.forEach((s) => s.close());
      say(`✓ a write through each replica was served by the other two (config and stream) within ${slowest} ms`);
    }

    // A revoked key is refused by every replica at once, and its streams end.
    {
      const { data: app } = await api(a, 'POST', '/api/v1/apps', token, { name: 'revocation' });
      const q = { appId: app.id, env: 'production' };
      const { data: key } = await api(a, 'POST', '/api/v1/keys', token, { ...q, type: 'pub' });
      for (const r of replicas) check((await config(r, key.key)).status === 200, `${r.name} refused a fresh key`);
      const streams = await Promise.all([b, c].map((r) => Stream.open(`${r.url}/api/v1/config/stream?key=${encodeURIComponent(key.key)}`)));
      for (const s of streams) await s.next((e) => e.event === 'config', 2000, 'initial config event');
      await api(a, 'DELETE', `/api/v1/keys?keyId=${key.id}`, token);
      const statuses = await Promise.all(replicas.map(async (r) => [r.name, (await config(r, key.key)).status] as const));
      check(
        statuses.every(([, s]) => s === 401),
        `right after the revocation returned: ${statuses.map(([n, s]) => `${n} ${s}`).join(', ')} (expected 401 everywhere)`,
      );
      for (const [i, s] of streams.entries()) {
        await s.next((e) => e.event === 'revoked', PROPAGATION_MS, `${[b, c][i].name}'s stream of the revoked key`);
        await s.endedWithin(PROPAGATION_MS, `${[b, c][i].name}'s stream of the revoked key`);
      }
      say('✓ a key revoked through A was refused by A, B and C at once; its streams on B and C got `revoked` and ended');
    }

    // One monthly quota, shared: across replicas, exactly QUOTA requests are admitted.
    {
      const { data: app } = await api(a, 'POST', '/api/v1/apps', token, { name: 'quota' });
      const { data: key } = await api(a, 'POST', '/api/v1/keys', token, { appId: app.id, env: 'production', type: 'sdk' });
      const first = await config(a, key.key);
      check(
        first.status === 200 && first.headers.get('x-ratelimit-limit') === String(QUOTA),
        `quota probe: ${first.status}, limit ${first.headers.get('x-ratelimit-limit')}`,
      );
      // What is left after the key's creation and this probe, both counted.
      const left = Number(first.headers.get('x-ratelimit-remaining'));
      let admitted = 0;
      let refused = 0;
      const refusedInARow = new Map(replicas.map((r) => [r.name, 0]));
      let sent = 0;
      const worker = async (w: number) => {
        for (let i = w; [...refusedInARow.values()].some((n) => n < 5); i++) {
          const r = replicas[i % replicas.length];
          sent++;
          const res = await config(r, key.key);
          await res.arrayBuffer();
          if (res.status === 200) {
            admitted++;
            refusedInARow.set(r.name, 0);
          } else {
            check(res.status === 429, `${r.name} answered ${res.status} during the quota run`);
            refused++;
            refusedInARow.set(r.name, refusedInARow.get(r.name)! + 1);
          }
          check(sent < QUOTA * 20, `quota run did not end after ${sent} requests (admitted ${admitted})`);
        }
      };
      await Promise.all(Array.from({ length: 9 }, (_, w) => worker(w)));
      // Unused leases go back to the shared counter after 2 s idle: nothing more may be admitted then either.
      await sleep(2500);
      for (const r of replicas) for (let i = 0; i < 3; i++) if ((await config(r, key.key)).status === 200) admitted++;
      check(admitted === left, `replicas together admitted ${admitted} requests for the ${left} left of QUOTA_FREE=${QUOTA}`);
      say(
        `✓ one quota of ${QUOTA} shared by 3 replicas: ${QUOTA - left} counted before the run + ${admitted} admitted = ${QUOTA}; ${refused} refused with 429`,
      );
    }

    // Killing a replica mid-load loses no acknowledged write.
    {
      const { data: app } = await api(a, 'POST', '/api/v1/apps', token, { name: 'kill' });
      await api(b, 'PATCH', `/api/v1/apps/${app.id}/plan`, token, { plan: 'enterprise' });
      const q = { appId: app.id, env: 'production' };
      const acknowledged: string[] = [];
      let killedAt = Number.POSITIVE_INFINITY;
      let stop = false;
      const failures: string[] = [];
      const writer = async (w: number) => {
        for (let i = 0; !stop; i++) {
          const r = replicas[(w + i) % replicas.length];
          const key = `w${w}-${i}`;
          try {
            const res = await fetch(`${r.url}/api/v1/flags`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify({ ...q, key, type: 'number', value: i }),
            });
            await res.arrayBuffer();
            if (res.status === 201) acknowledged.push(key);
            else failures.push(`${r.name} ${key}: HTTP ${res.status}`);
          } catch (err) {
            // Only the killed replica may fail, and only by its connections going away.
            if (r !== c || Date.now() < killedAt) failures.push(`${r.name} ${key}: ${(err as Error).message}`);
          }
        }
      };
      const writers = Array.from({ length: 6 }, (_, w) => writer(w));
      await sleep(1500);
      killedAt = Date.now();
      c.child.kill('SIGKILL');
      await c.exited;
      await sleep(1500);
      stop = true;
      await Promise.all(writers);
      check(failures.length === 0, `writes failed other than on the killed replica: ${failures.slice(0, 5).join('; ')}`);
      const { data: flags } = await api(a, 'GET', `/api/v1/flags?appId=${app.id}&env=production`, token);
      const missing = acknowledged.filter((key) => !(key in flags));
      check(missing.length === 0, `${missing.length} acknowledged writes missing after C was killed: ${missing.slice(0, 10).join(', ')}`);
      check(acknowledged.length > 30, `only ${acknowledged.length} writes acknowledged: the load did not run`);
      say(`✓ C killed (SIGKILL) mid-load: all ${acknowledged.length} acknowledged writes are in the database`);
    }

    // The survivors shut down cleanly.
    for (const r of [a, b]) r.child.kill('SIGTERM');
    const exits = await Promise.all([a, b].map((r) => r.exited));
    check(
      exits.every((e) => e.code === 0),
      `A and B exited with ${JSON.stringify(exits)} on SIGTERM, expected 0`,
    );
    const errors = replicas.flatMap((r) =>
      r
        .log()
        .split('\n')
        .filter((l) => /"level":"(error|fatal)"|duplicate key|already exists/.test(l))
        .map((l) => `${r.name}: ${l}`),
    );
    check(errors.length === 0, `errors in the replicas' logs:\n${errors.slice(0, 10).join('\n')}`);
    say('✓ no error in any replica log; A and B exited 0 on SIGTERM');
    return 0;
  } catch (err) {
    if (!(err instanceof CheckFailed)) throw err;
    console.error(`\nFAILED: ${err.message}`);
    for (const r of replicas) console.error(`\n--- ${r.name} (last lines) ---\n${r.log().split('\n').slice(-15).join('\n')}`);
    return 1;
  } finally {
    for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(replicas.map((r) => r.exited));
    db.drop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
