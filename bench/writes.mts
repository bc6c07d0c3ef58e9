// Write path (issue 15): PATCH /api/v1/flags on PostgreSQL + Redis, sequential and 10 concurrent writers on one
// environment, against a bare `pg` transaction running the statements the service runs for that write (as
// PostgreSQL's log_statement shows them), measured in the same run, interleaved; and a 1,000-value bulk update.
// Besides latency, the sequential rows report the service's CPU per write (from /proc), which a loaded machine
// disturbs far less than wall time.
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuMicros } from './reads.mts';
import { median, type BenchOptions, type Measurement, type Section } from './report.mts';
import { account, call, percentile, startPostgresServer } from './support.mts';

const PORT = 4210;
const WRITERS = 10;
const BULK = 1000;

/**
 * The statements of one `PATCH /api/v1/flags` value update, in one transaction, as the service sends them:
 * the environment locked together with the caller's membership, the flag read, its row written, and the version
 * raised by one together with the change record (one statement). Parameters are bound the same way (extended protocol, unnamed statements).
 */
async function bareWrite(
  client: pg.Client,
  ids: { appId: string; env: string; userId: string; tokenId: string },
  key: string,
  value: number,
) {
  await client.query('START TRANSACTION');
  try {
    const env = await client.query<{ env_id: string; env_version: number }>(
      `SELECT "env"."id" AS "env_id", "env"."app_id" AS "env_app_id", "env"."name" AS "env_name", "env"."version" AS "env_version", "env"."created_at" AS "env_created_at", "member"."role" AS "member_role", "member"."app_id" AS "member_app_id", "member"."user_id" AS "member_user_id", "member_app"."plan" AS "app_plan", "member_app"."id" AS "member_app_id" FROM "environments" "env" INNER JOIN "app_members" "member" ON "member"."app_id" = "env"."app_id" AND "member"."user_id" = $1  INNER JOIN "apps" "member_app" ON "member_app"."id" = "env"."app_id" WHERE "env"."app_id" = $2 AND "env"."name" = $3 FOR UPDATE OF env`,
      [ids.userId, ids.appId, ids.env],
    );
    const environmentId = env.rows[0].env_id;
    const flag = await client.query<{ Flag_id: string; Flag_type: string; Flag_value: unknown }>(
      `SELECT "Flag"."id" AS "Flag_id", "Flag"."environment_id" AS "Flag_environment_id", "Flag"."key" AS "Flag_key", "Flag"."type" AS "Flag_type", "Flag"."value" AS "Flag_value", "Flag"."client_enabled" AS "Flag_client_enabled", "Flag"."description" AS "Flag_description", "Flag"."rollout" AS "Flag_rollout", "Flag"."created_at" AS "Flag_created_at", "Flag"."updated_at" AS "Flag_updated_at" FROM "flags" "Flag" WHERE (("Flag"."environment_id" = $1) AND ("Flag"."key" = $2)) LIMIT 1`,
      [environmentId, key],
    );
    const row = flag.rows[0];
    await client.query(
      `UPDATE flags AS f SET type = v.type, value = v.value, client_enabled = v.client_enabled, description = v.description, rollout = v.rollout, updated_at = now()
         FROM json_to_recordset($1::json) AS v(id varchar, type varchar, value json, client_enabled boolean, description text, rollout json)
        WHERE f.id = v.id`,
      [JSON.stringify([{ id: row.Flag_id, type: row.Flag_type, value, client_enabled: false, description: null, rollout: null }])],
    );
    await client.query(
      `WITH bumped AS (UPDATE environments SET version = version + 1 WHERE id = $2 RETURNING version)
       INSERT INTO flag_changes (id, environment_id, version, action, diffs, actor_user_id, actor_token_id, actor_app_key_id, change_description, rolled_back_to)
       SELECT $1, $2, bumped.version, $3, $4::json, $5, $6, $7, $8, $9 FROM bumped
       RETURNING version`,
      [
        `chg_bench${Math.random().toString(36).slice(2, 14)}`,
        environmentId,
        'update',
        JSON.stringify([{ key, before: { type: 'number', value: row.Flag_value }, after: { type: 'number', value } }]),
        ids.userId,
        ids.tokenId,
        null,
        null,
        null,
      ],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

const sortedCopy = (xs: number[]) => [...xs].sort((a, b) => a - b);
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

export async function benchWrites(opts: BenchOptions): Promise<Section[]> {
  const server = await startPostgresServer({}, PORT);
  const clients: pg.Client[] = [];
  try {
    const { token, appId } = await account(server);
    const pid = server.process.pid!;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const patch = async (env: string, key: string, value: number) => {
      const res = await fetch(`${server.url}/api/v1/flags`, { method: 'PATCH', headers, body: JSON.stringify({ appId, env, key, value }) });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`PATCH /api/v1/flags → ${res.status}`);
    };
    // The service writes `staging`, the bare transactions `development`: each its own environment row and versions.
    await call(server.url, 'POST', '/api/v1/flags', token, { appId, env: 'staging', key: 'seq', type: 'number', value: 0 });
    await call(server.url, 'POST', '/api/v1/flags', token, { appId, env: 'development', key: 'seq', type: 'number', value: 0 });
    for (let w = 0; w < WRITERS; w++) {
      await call(server.url, 'POST', '/api/v1/flags', token, { appId, env: 'staging', key: `w${w}`, type: 'number', value: 0 });
      await call(server.url, 'POST', '/api/v1/flags', token, { appId, env: 'development', key: `w${w}`, type: 'number', value: 0 });
    }
    for (let i = 0; i < WRITERS; i++) {
      const client = new pg.Client({ connectionString: server.database.url });
      await client.connect();
      clients.push(client);
    }
    const db = clients[0];
    const user = await db.query<{ user_id: string; id: string }>(`SELECT user_id, id FROM cli_tokens ORDER BY created_at DESC LIMIT 1`);
    const bareIds = { appId, env: 'development', userId: user.rows[0].user_id, tokenId: user.rows[0].id };

    // Sequential: chunks of the service and of the bare transaction alternate, so both see the same machine.
    const count = opts.quick ? 400 : 1500;
    const chunk = 50;
    const seq = { p50: [] as number[], p99: [] as number[], bareP50: [] as number[], bareP99: [] as number[], cpu: [] as number[] };
    let value = 0;
    for (let i = 0; i < 200; i++) {
      await patch('staging', 'seq', ++value); // warm-up: JIT, pools, plan caches
      await bareWrite(db, bareIds, 'seq', value);
    }
    for (let run = 0; run < opts.runs; run++) {
      const service: number[] = [];
      const bare: number[] = [];
      let cpu = 0;
      for (let done = 0; done < count; done += chunk) {
        const before = cpuMicros(pid);
        for (let i = 0; i < chunk; i++) {
          const t0 = performance.now();
          await patch('staging', 'seq', ++value);
          service.push(performance.now() - t0);
        }
        cpu += cpuMicros(pid) - before;
        for (let i = 0; i < chunk; i++) {
          const t0 = performance.now();
          await bareWrite(db, bareIds, 'seq', value);
          bare.push(performance.now() - t0);
        }
      }
      const s = sortedCopy(service);
      const b = sortedCopy(bare);
      seq.p50.push(round(percentile(s, 50)));
      seq.p99.push(round(percentile(s, 99)));
      seq.bareP50.push(round(percentile(b, 50)));
      seq.bareP99.push(round(percentile(b, 99)));
      seq.cpu.push(Math.round(cpu / count));
    }

    // 10 concurrent writers on one environment: the service (autocannon), then 10 bare clients doing the same.
    const conc = { rate: [] as number[], bare: [] as number[], p99: [] as number[], errors: 0 };
    for (let run = 0; run < opts.runs; run++) {
      let n = 0;
      const r = await autocannon({
        url: `${server.url}/api/v1/flags`,
        connections: WRITERS,
        duration: opts.seconds,
        method: 'PATCH',
        headers,
        requests: [
          { setupRequest: (req) => ({ ...req, body: JSON.stringify({ appId, env: 'staging', key: `w${n % WRITERS}`, value: n++ }) }) },
        ],
      });
      conc.rate.push(round(r.requests.average, 0));
      conc.p99.push(r.latency.p99);
      conc.errors += r.errors + r.non2xx;
      let writes = 0;
      const until = performance.now() + opts.seconds * 1000;
      await Promise.all(
        clients.map(async (client, w) => {
          while (performance.now() < until) {
            await bareWrite(client, bareIds, `w${w}`, writes);
            writes++;
          }
        }),
      );
      conc.bare.push(round(writes / opts.seconds, 0));
    }

    // One bulk update of 1,000 flags' values (one transaction, one version).
    // The bulk route only updates: the flags are created first, by as many clients as there are writers.
    let created = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (created < BULK) {
          const key = `b${created++}`;
          await call(server.url, 'POST', '/api/v1/flags', token, { appId, env: 'production', key, type: 'number', value: 0 });
        }
      }),
    );
    const bulk: number[] = [];
    for (let run = 0; run < (opts.quick ? 3 : 10); run++) {
      const flags = Object.fromEntries(Array.from({ length: BULK }, (_, j) => [`b${j}`, run + 1]));
      const t0 = performance.now();
      await call(server.url, 'PATCH', '/api/v1/flags/bulk', token, { appId, env: 'production', flags });
      bulk.push(performance.now() - t0);
    }

    // The invariant the lock protects, checked after all of it: one change record per version, no gaps.
    const check = await db.query<{ version: number; changes: string; top: number | null }>(
      `SELECT e.version, count(c.id) AS changes, max(c.version) AS top FROM environments e LEFT JOIN flag_changes c ON c.environment_id = e.id
        WHERE e.app_id = $1 AND e.name = 'staging' GROUP BY e.version`,
      [appId],
    );
    const { version, changes, top } = check.rows[0];
    const gapFree = Number(changes) === version && top === version;

    const ratio = median(seq.p50) / median(seq.bareP50);
    const rows: Measurement[] = [
      {
        name: 'Sequential PATCH /api/v1/flags, median',
        unit: 'ms',
        samples: seq.p50,
        baselineName: 'the same statements as one bare pg transaction',
        baselineSamples: seq.bareP50,
        goal: '≤ 2 × baseline, ≤ 3 ms on a quiet machine',
        pass: ratio <= 2 && median(seq.p50) <= 3,
        detail: `${count} writes per run; service CPU per write ${seq.cpu.join(' / ')} µs; ratio ${round(ratio)}`,
      },
      {
        name: 'Sequential PATCH /api/v1/flags, p99',
        unit: 'ms',
        samples: seq.p99,
        baselineName: 'bare pg transaction, p99',
        baselineSamples: seq.bareP99,
        goal: '≤ 10 ms',
        pass: median(seq.p99) <= 10,
      },
      {
        name: `${WRITERS} concurrent writers on one environment`,
        unit: 'writes/s',
        samples: conc.rate,
        baselineName: `${WRITERS} bare pg clients, same transaction, one environment`,
        baselineSamples: conc.bare,
        goal: '≥ 800 writes/s',
        pass: median(conc.rate) >= 800,
        detail: `p99 ${conc.p99.join(' / ')} ms; errors/non-2xx ${conc.errors}; versions gap-free (${version} versions, ${changes} change records): ${gapFree ? 'yes' : 'NO'}`,
      },
      {
        name: `Bulk update of ${BULK} values (PATCH /api/v1/flags/bulk)`,
        unit: 'ms',
        samples: [round(median(bulk))],
        goal: '≤ 50 ms',
        pass: median(bulk) <= 50,
        detail: `${bulk.length} updates: min ${round(Math.min(...bulk))}, max ${round(Math.max(...bulk))} ms`,
      },
    ];
    if (!gapFree) throw new Error(`versions not gap-free: version ${version}, ${changes} changes, top ${top}`);
    return [
      {
        title: 'Flag writes (PATCH /api/v1/flags on PostgreSQL + Redis)',
        description:
          'One service process on a fresh database (quotas on and counted, burst limits off), written to over HTTP by one client, then by ' +
          `${WRITERS} concurrent clients (autocannon) on one environment. The baseline is a bare node-postgres client running, as one ` +
          'transaction, the statements the service runs for the same write (the environment row locked with the membership check, ' +
          'the flag read, its update, the version bump, the change record), interleaved with the service in chunks of 50 so both ' +
          'see the same machine. Concurrent writers of one environment serialise on its row lock (versions stay gap-free, checked after the run).',
        rows,
      },
    ];
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await server.stop();
  }
}
