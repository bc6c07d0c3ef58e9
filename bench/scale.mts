// Scale (issue 15): 10,000 environments × 50 flags warm on one replica (PostgreSQL + Redis): heap per warm environment
// beyond its payload bytes (after full GCs through the inspector), the cold start (first read of every environment,
// 200 at a time) with the database statements it cost, RSS against CACHE_MEMORY_MB; and 1,000 flags in one environment
// against bare Fastify serving the same bytes. Environments, flags and keys are written straight into the database
// (the API would take minutes to create 500,000 flags); the service then only ever reads them.
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import pg from 'pg';
import { CONNECTIONS, pairedRow, READ_ENV } from './reads.mts';
import type { BenchOptions, Measurement, Section } from './report.mts';
import { account, startBaseline, startPostgresServer, type Baseline } from './support.mts';

const FLAGS = 50;
const LARGE_FLAGS = 1000;
const COLD_CONCURRENCY = 200;
/** The service's default cache bound, stated so the figure below is checked against it. */
const CACHE_MEMORY_MB = 256;
const GOAL_KB_PER_ENV = 10;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const secret = (prefix: string) => prefix + Array.from(randomBytes(43), (b) => BASE62[b % 62]).join('');
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The same shapes as bench/reads.mts's flags (~57 bytes of JSON each), in SQL. */
const FLAG_ROWS = (envExpr: string, idExpr: string, count: number) => `
  SELECT ${idExpr}, ${envExpr}, 'team-' || (j % 7) || '.feature-' || lpad(j::text, 4, '0') || '-rollout',
         CASE j % 3 WHEN 0 THEN 'bool' WHEN 1 THEN 'string' ELSE 'number' END,
         CASE j % 3 WHEN 0 THEN to_jsonb(j % 2 = 0)
                    WHEN 1 THEN to_jsonb('https://service-' || j || '.eu-west-1.example.com/api/v2/endpoint?region=eu')
                    ELSE to_jsonb(j * 7) END,
         j % 2 = 0
    FROM generate_series(0, ${count - 1}) j`;

async function seed(db: pg.Client, appId: string, environments: number): Promise<{ keys: string[]; pubKey: string; largeKey: string }> {
  const ids = Array.from({ length: environments }, (_, i) => `envbench${String(i).padStart(6, '0')}`);
  await db.query(`INSERT INTO environments (id, app_id, name, version) SELECT id, $1, 'scale-' || id, 1 FROM unnest($2::text[]) id`, [
    appId,
    ids,
  ]);
  await db.query(
    `
    INSERT INTO flags (id, environment_id, key, type, value, client_enabled)
    SELECT 'f' || e.n || '_' || s.j, e.id, s.key, s.type, s.value, s.client_enabled
      FROM (SELECT id, row_number() OVER () AS n FROM unnest($1::text[]) id) e,
           (SELECT j, key, type, value, client_enabled FROM (${FLAG_ROWS("''", 'j', FLAGS)}) t(j, env, key, type, value, client_enabled)) s`,
    [ids],
  );
  const keys = ids.map(() => secret('sdk_scale_'));
  const pubKey = secret('pub_scale_');
  const insertKeys = (envIds: string[], secrets: string[], type: string) =>
    db.query(
      `INSERT INTO api_keys (id, app_id, environment_id, type, prefix, key_hash, last4)
       SELECT 'k' || left(md5(h), 31), $1, e, $2, $3, h, right(h, 4) FROM unnest($4::text[], $5::text[]) AS t(e, h)`,
      [appId, type, `${type}_scale_`, envIds, secrets.map(sha256)],
    );
  for (let i = 0; i < ids.length; i += 5000) await insertKeys(ids.slice(i, i + 5000), keys.slice(i, i + 5000), 'sdk');
  await insertKeys([ids[0]], [pubKey], 'pub');
  // One environment of 1,000 flags.
  await db.query(`INSERT INTO environments (id, app_id, name, version) VALUES ('envbenchlarge', $1, 'scale-large', 1)`, [appId]);
  await db.query(`INSERT INTO flags (id, environment_id, key, type, value, client_enabled)
    SELECT 'fl_' || j, 'envbenchlarge', key, type, value, client_enabled FROM (${FLAG_ROWS("''", 'j', LARGE_FLAGS)}) t(j, env, key, type, value, client_enabled)`);
  const largeKey = secret('sdk_scale_');
  await insertKeys(['envbenchlarge'], [largeKey], 'sdk');
  await db.query('ANALYZE');
  return { keys, pubKey, largeKey };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

const transactions = async (db: pg.Client) =>
  Number((await db.query(`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`)).rows[0].n);

/** Reads every key's config once, `concurrency` at a time over kept-alive connections; returns the payload bytes of the first. */
async function readAll(url: string, keys: string[], concurrency: number): Promise<{ failures: number; bytes: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const { hostname, port } = new URL(url);
  const get = (key: string) =>
    new Promise<{ status: number; bytes: number }>((resolve, reject) => {
      const req = request({ agent, hostname, port, path: '/api/v1/config', headers: { authorization: `Bearer ${key}` } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  let next = 0;
  let failures = 0;
  let bytes = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < keys.length) {
          const i = next++;
          const res = await get(keys[i]).catch(() => ({ status: 0, bytes: 0 }));
          if (res.status !== 200) failures++;
          if (i === 0) bytes = res.bytes;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { failures, bytes };
}

export async function benchScale(opts: BenchOptions): Promise<Section[]> {
  const environments = opts.quick ? 1000 : 10_000;
  const server = await startPostgresServer({ ...READ_ENV, CACHE_MEMORY_MB: String(CACHE_MEMORY_MB) }, 4110, { inspect: true });
  const db = new pg.Client({ connectionString: server.database.url });
  let baseline: Baseline | undefined;
  try {
    await db.connect();
    const { appId } = await account(server);
    console.log(`  scale: writing ${environments} environments × ${FLAGS} flags, ${LARGE_FLAGS} flags in one more…`);
    const { keys, pubKey, largeKey } = await seed(db, appId, environments);

    const before = await server.memory({ gc: true });
    const statements0 = await metric(server.url, 'superflag_config_load_statements_total');
    const loaded0 = await metric(server.url, 'superflag_config_loaded_environments_total');
    const xact0 = await transactions(db);
    console.log(`  scale: cold start, first read of ${environments} environments, ${COLD_CONCURRENCY} at a time…`);
    const t0 = performance.now();
    const cold = await readAll(server.url, keys, COLD_CONCURRENCY);
    const coldSeconds = (performance.now() - t0) / 1000;
    const xact = (await transactions(db)) - xact0;
    const statements = (await metric(server.url, 'superflag_config_load_statements_total')) - statements0;
    const loaded = (await metric(server.url, 'superflag_config_loaded_environments_total')) - loaded0;
    // Warm: every environment read again, from memory.
    const t1 = performance.now();
    const warm = await readAll(server.url, keys, COLD_CONCURRENCY);
    const warmSeconds = (performance.now() - t1) / 1000;
    const after = await server.memory({ gc: true });
    const cached = await metric(server.url, 'superflag_config_cache_environments');
    const estimated = await metric(server.url, 'superflag_config_cache_bytes');
    const pubBytes = (await (await fetch(`${server.url}/api/v1/config`, { headers: { authorization: `Bearer ${pubKey}` } })).arrayBuffer())
      .byteLength;
    // What each cached environment holds that is payload: its sdk_ and pub_ bodies (the pub_ one measured on one environment).
    const payload = cold.bytes + pubBytes;
    const perEnv = (after.heapUsedBytes - before.heapUsedBytes) / environments;
    const beyondKb = (perEnv - payload) / 1024;
    const rssGrowthMb = (after.rssBytes - before.rssBytes) / 2 ** 20;

    const rows: Measurement[] = [
      {
        name: `heap per warm environment beyond its payload (${FLAGS} flags, ${cold.bytes} + ${pubBytes} B of sdk_/pub_ bodies)`,
        unit: 'KB',
        samples: [beyondKb],
        goal: `≤ ${GOAL_KB_PER_ENV} KB`,
        pass: beyondKb <= GOAL_KB_PER_ENV && cached >= environments,
        detail:
          `heap after full GCs ${(before.heapUsedBytes / 2 ** 20).toFixed(0)} → ${(after.heapUsedBytes / 2 ** 20).toFixed(0)} MB for ${environments} environments ` +
          `(${(perEnv / 1024).toFixed(1)} KB each, key cache and quota counter included); ${cached} cached; the cache's own estimate ${(estimated / environments / 1024).toFixed(1)} KB each`,
      },
      {
        name: `cold start: first read of ${environments} environments, ${COLD_CONCURRENCY} concurrent`,
        unit: 's',
        samples: [coldSeconds],
        goal: 'snapshot loads batched (≤ 1 statement per 10 environments), no failure',
        pass: cold.failures === 0 && statements <= environments / 10,
        detail:
          `${statements} snapshot statements for ${loaded} environments loaded; ${xact} database transactions in all during the cold start ` +
          `(key verification and quota counters included: ${(xact / environments).toFixed(2)} per environment); failures ${cold.failures}; ` +
          `warm re-read of all ${warmSeconds.toFixed(1)} s (failures ${warm.failures})`,
      },
      {
        name: `RSS growth with ${environments} warm environments`,
        unit: 'MB',
        samples: [rssGrowthMb],
        goal: `≤ CACHE_MEMORY_MB (${CACHE_MEMORY_MB} MB)`,
        pass: rssGrowthMb <= CACHE_MEMORY_MB,
        detail: `RSS ${(before.rssBytes / 2 ** 20).toFixed(0)} → ${(after.rssBytes / 2 ** 20).toFixed(0)} MB`,
      },
    ];

    const large = { url: `${server.url}/api/v1/config`, headers: { authorization: `Bearer ${largeKey}` } };
    const res = await fetch(large.url, { headers: large.headers });
    const body = Buffer.from(await res.arrayBuffer());
    baseline = await startBaseline([{ method: 'GET', path: '/large', body, etag: res.headers.get('etag') ?? undefined }]);
    console.log(`  scale: ${LARGE_FLAGS} flags in one environment (${body.length} B)…`);
    rows.push(
      await pairedRow(
        {
          name: `config, ${LARGE_FLAGS} flags (${body.length} B), 200`,
          server,
          target: large,
          baseline,
          baselineTarget: { url: `${baseline.url}/large` },
          goalRatio: 0.5,
        },
        opts,
        Math.min(opts.seconds, 2),
      ),
    );
    return [
      {
        title: 'Scale: many environments on one replica',
        description:
          `One replica on PostgreSQL + Redis, CACHE_MEMORY_MB=${CACHE_MEMORY_MB} (the default), quotas on, LOG_LEVEL=info; ${environments} environments of ${FLAGS} ` +
          `flags and one sdk_ key each, written into the database directly. Heap is V8's after two full GCs (inspector), before the first ` +
          `read and after every environment was read twice; RSS from /proc. Database transactions from pg_stat_database. ` +
          `The ${LARGE_FLAGS}-flag row: autocannon, ${CONNECTIONS} connections, against bare Fastify answering the same bytes.`,
        rows,
      },
    ];
  } finally {
    await db.end().catch(() => undefined);
    await baseline?.stop();
    await server.stop();
  }
}
