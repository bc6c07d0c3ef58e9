import { DomainError, type DomainEventMap } from '@superflag/core';
import { embeddedFlags, type EmbeddedFlags, PRINCIPAL } from './support/embedded-flags';

type FlagChanged = DomainEventMap['flag.changed'];

describe('VersionedWrite on the embedded database', () => {
  let db: EmbeddedFlags;
  let heard: FlagChanged[];
  /** What happened, in order: `commit` when a transaction has committed, `event` when flag.changed is heard. */
  let log: string[];

  beforeAll(async () => {
    db = await embeddedFlags();
    const run = db.transactions.run.bind(db.transactions);
    db.transactions.run = (async (work, isolation) => {
      const result = await run(work, isolation);
      log.push('commit');
      return result;
    }) as typeof db.transactions.run;
    db.events.on('flag.changed', (payload) => {
      log.push('event');
      heard.push(payload);
    });
  });
  afterAll(() => db.close());
  beforeEach(() => {
    heard = [];
    log = [];
  });

  const rows = async (sql: string, params: unknown[]) => (await db.dataSource.query(sql, params)) as Array<Record<string, unknown>>;

  it('raises the version by exactly 1, records the change and announces it once committed', async () => {
    const ref = await db.environment();
    const { version, result } = await db.versioned.run(PRINCIPAL, ref, 'bulk', { changeDescription: 'why' }, async () => ({
      diffs: [
        { key: 'b', targetType: 'user', targetId: 'u1', before: null, after: true },
        { key: 'a', before: null, after: null },
        { key: 'b', before: null, after: null },
      ],
      result: 'done',
    }));
    expect({ version, result }).toEqual({ version: 1, result: 'done' });
    expect(await db.version(ref.env)).toBe(1);
    const [change] = await db.history.list(PRINCIPAL, ref, 10);
    expect(change).toMatchObject({
      version: 1,
      action: 'bulk',
      actorUserId: 'usr_unit',
      actorTokenId: 'tok_unit',
      actorAppKeyId: null,
      changeDescription: 'why',
      rolledBackTo: null,
    });
    expect(change.diffs).toHaveLength(3);
    expect(log).toEqual(['commit', 'event']);
    expect(heard).toEqual([
      {
        appId: 'app_unit',
        environmentId: ref.env,
        version: 1,
        keys: ['b', 'a'],
        kind: 'bulk',
        actor: { type: 'user', id: 'usr_unit' },
        description: 'why',
      },
    ]);
  });

  it('gives every write of the services its own next version, with no gaps or repeats under concurrency', async () => {
    const ref = await db.environment();
    await db.flags.create(PRINCIPAL, ref, { key: 'n', type: 'number', value: 0 });
    const versions = await Promise.all(
      Array.from({ length: 8 }, (_, i) => db.flags.update(PRINCIPAL, ref, { key: 'n', value: i + 1 }).then((r) => r.version)),
    );
    expect(versions.sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await db.version(ref.env)).toBe(9);
    const recorded = await rows(`SELECT version FROM flag_changes WHERE environment_id = $1 ORDER BY version`, [ref.env]);
    expect(recorded.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(heard.map((e) => e.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('announces only committed data: a subscriber reads the new version and its change record', async () => {
    const ref = await db.environment();
    let seen: Promise<unknown[]> | undefined;
    const off = db.events.on('flag.changed', () => {
      seen = Promise.all([
        db.version(ref.env),
        rows(`SELECT action FROM flag_changes WHERE environment_id = $1`, [ref.env]),
        rows(`SELECT key FROM flags WHERE environment_id = $1`, [ref.env]),
      ]);
    });
    try {
      await db.flags.create(PRINCIPAL, ref, { key: 'on', type: 'bool', value: true });
    } finally {
      off();
    }
    expect(await seen).toEqual([1, [{ action: 'create' }], [{ key: 'on' }]]);
  });

  it('changes nothing and announces nothing when the change throws, even after it wrote', async () => {
    const ref = await db.environment();
    const failure = new DomainError(400, 'No');
    await expect(
      db.versioned.run(PRINCIPAL, ref, 'create', {}, async (tx) => {
        await db.transactions
          .manager(tx)
          .query(`INSERT INTO flags (id, environment_id, key, type, value) VALUES ('flg_unit_x', $1, 'x', 'bool', 'true')`, [ref.env]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await db.version(ref.env)).toBe(0);
    expect(await rows(`SELECT id FROM flags WHERE environment_id = $1`, [ref.env])).toEqual([]);
    expect(await rows(`SELECT id FROM flag_changes WHERE environment_id = $1`, [ref.env])).toEqual([]);
    expect(heard).toEqual([]);
    expect(log).not.toContain('event');
  });

  it('refuses with 412 and the current version when the environment moved on, before applying anything', async () => {
    const ref = await db.environment();
    await db.flags.create(PRINCIPAL, ref, { key: 'a', type: 'bool', value: true });
    heard = [];
    let applied = false;
    const refused = db.versioned.run(PRINCIPAL, ref, 'update', { expectedVersion: 0 }, async () => {
      applied = true;
      return { diffs: [], result: undefined };
    });
    await expect(refused).rejects.toMatchObject({ status: 412, message: 'Version conflict', extra: { currentVersion: 1 } });
    expect(applied).toBe(false);
    expect(heard).toEqual([]);
    expect(
      (await db.versioned.run(PRINCIPAL, ref, 'update', { expectedVersion: 1 }, async () => ({ diffs: [], result: 'ok' }))).version,
    ).toBe(2);
  });

  it('records a rollback with the version it restored', async () => {
    const ref = await db.environment();
    await db.flags.create(PRINCIPAL, ref, { key: 'a', type: 'number', value: 1 });
    await db.flags.update(PRINCIPAL, ref, { key: 'a', value: 2 });
    expect(await db.history.rollback(PRINCIPAL, ref, 1, { changeDescription: 'back' })).toEqual({ version: 3, restored: 1 });
    const [latest] = await db.history.list(PRINCIPAL, ref, 1);
    expect(latest).toMatchObject({ version: 3, action: 'rollback', rolledBackTo: 1, changeDescription: 'back' });
    expect(heard.at(-1)).toMatchObject({ version: 3, kind: 'rollback', keys: ['a'], description: 'back' });
    expect((await db.flags.get(PRINCIPAL, ref, 'a')).flag.value).toBe(1);
  });

  it('combines writes that arrive while one is in flight: one commit, each its own version, result, error and event', async () => {
    const ref = await db.environment();
    await db.flags.create(PRINCIPAL, ref, { key: 'n', type: 'number', value: 0 });
    log = [];
    heard = [];
    const failure = new DomainError(400, 'No');
    // The first write starts its own transaction; the next five queue behind it and are applied in one more.
    const writes = [
      db.flags.update(PRINCIPAL, ref, { key: 'n', value: 1 }),
      db.flags.update(PRINCIPAL, ref, { key: 'n', value: 2 }),
      db.versioned.run(PRINCIPAL, ref, 'create', {}, async (tx) => {
        // Wrote, then failed: its savepoint takes back what it wrote, the others keep theirs.
        await db.transactions
          .manager(tx)
          .query(`INSERT INTO flags (id, environment_id, key, type, value) VALUES ('flg_unit_combined', $1, 'ghost', 'bool', 'true')`, [
            ref.env,
          ]);
        throw failure;
      }),
      db.flags.update(PRINCIPAL, ref, { key: 'n', value: 3, expectedVersion: 1 }),
      db.flags.update(PRINCIPAL, ref, { key: 'n', value: 4 }),
      db.flags.update(PRINCIPAL, ref, { key: 'missing', value: 4 }),
    ];
    const settled = await Promise.allSettled(writes);
    expect(settled.map((r) => (r.status === 'fulfilled' ? r.value.version : (r.reason as DomainError).status))).toEqual([
      2, 3, 400, 412, 4, 404,
    ]);
    expect((settled[2] as PromiseRejectedResult).reason).toBe(failure);
    expect((settled[3] as PromiseRejectedResult).reason).toMatchObject({ extra: { currentVersion: 3 } });
    expect(log).toEqual(['commit', 'event', 'commit', 'event', 'event']);
    expect(heard.map((e) => e.version)).toEqual([2, 3, 4]);
    expect(await db.version(ref.env)).toBe(4);
    expect((await db.flags.get(PRINCIPAL, ref, 'n')).flag.value).toBe(4);
    expect(await rows(`SELECT key FROM flags WHERE environment_id = $1 ORDER BY key`, [ref.env])).toEqual([{ key: 'n' }]);
    const recorded = await rows(`SELECT version FROM flag_changes WHERE environment_id = $1 ORDER BY version`, [ref.env]);
    expect(recorded.map((r) => r.version)).toEqual([1, 2, 3, 4]);
  });

  it('applies a combined batch in which every write succeeds without savepoints, checking each caller once', async () => {
    const ref = await db.environment();
    await db.flags.create(PRINCIPAL, ref, { key: 'n', type: 'number', value: 0 });
    log = [];
    heard = [];
    const savepoint = jest.spyOn(db.transactions, 'savepoint');
    const resolve = jest.spyOn(db.environments, 'resolve');
    try {
      const versions = await Promise.all([1, 2, 3, 4, 5, 6].map((value) => db.flags.update(PRINCIPAL, ref, { key: 'n', value })));
      expect(versions.map((v) => v.version)).toEqual([2, 3, 4, 5, 6, 7]);
      expect(savepoint).not.toHaveBeenCalled();
      // The first write's own transaction, then one for the five combined (one caller: one check).
      expect(resolve).toHaveBeenCalledTimes(2);
    } finally {
      savepoint.mockRestore();
      resolve.mockRestore();
    }
    expect(log).toEqual(['commit', 'event', 'commit', 'event', 'event', 'event', 'event', 'event']);
    expect(heard.map((e) => e.version)).toEqual([2, 3, 4, 5, 6, 7]);
    expect((await db.flags.get(PRINCIPAL, ref, 'n')).flag.value).toBe(6);
    const recorded = await rows(`SELECT version FROM flag_changes WHERE environment_id = $1 ORDER BY version`, [ref.env]);
    expect(recorded.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('reads the flags of a combined batch of updates once and writes them, the version and the changes in one statement', async () => {
    const ref = await db.environment();
    for (const key of ['a', 'b', 'c']) await db.flags.create(PRINCIPAL, ref, { key, type: 'number', value: 0 });
    const statements: string[] = [];
    const query = db.dataSource.driver.createQueryRunner.bind(db.dataSource.driver);
    const spy = jest.spyOn(db.dataSource.driver, 'createQueryRunner').mockImplementation((...args) => {
      const runner = query(...args);
      const run = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: unknown[]) => {
        statements.push(sql.trim().split(/\s+/).slice(0, 3).join(' '));
        return (run as (...a: unknown[]) => unknown)(sql, ...rest);
      }) as typeof runner.query;
      return runner;
    });
    let results: Array<{ version: number; flag: { key: string; value: unknown } }>;
    try {
      const writes: Array<[string, number]> = [
        ['a', 1],
        ['b', 2],
        ['a', 3],
        ['c', 4],
        ['b', 5],
      ];
      results = await Promise.all(writes.map(([key, value]) => db.flags.update(PRINCIPAL, ref, { key, value })));
    } finally {
      spy.mockRestore();
    }
    expect(results.map((r) => r.version)).toEqual([4, 5, 6, 7, 8]);
    expect(results.map((r) => [r.flag.key, r.flag.value])).toEqual([
      ['a', 1],
      ['b', 2],
      ['a', 3],
      ['c', 4],
      ['b', 5],
    ]);
    // The first write alone (lock, read, write, version); then the four combined: lock, one read, one write.
    const combined = statements.slice(statements.lastIndexOf('START TRANSACTION'));
    expect(combined).toHaveLength(5);
    expect(combined[2]).toMatch(/^SELECT id, environment_id/);
    expect(combined[3]).toMatch(/^WITH saved AS/);
    expect(combined[4]).toBe('COMMIT');
    // Each change record chains on the one before it, per key, under its own version.
    const recorded = await rows(`SELECT version, diffs FROM flag_changes WHERE environment_id = $1 AND version > 3 ORDER BY version`, [
      ref.env,
    ]);
    expect(
      recorded.map((r) => [
        r.version,
        (r.diffs as Array<{ key: string; before: { value: unknown }; after: { value: unknown } }>).map((d) => [
          d.key,
          d.before.value,
          d.after.value,
        ]),
      ]),
    ).toEqual([
      [4, [['a', 0, 1]]],
      [5, [['b', 0, 2]]],
      [6, [['a', 1, 3]]],
      [7, [['c', 0, 4]]],
      [8, [['b', 2, 5]]],
    ]);
    const values = await rows(`SELECT key, value FROM flags WHERE environment_id = $1 ORDER BY key`, [ref.env]);
    expect(values.map((r) => [r.key, r.value])).toEqual([
      ['a', 3],
      ['b', 5],
      ['c', 4],
    ]);
    expect(await db.version(ref.env)).toBe(8);
  });

  it('keeps a failed update of a deferred batch its own: the others commit with consecutive versions, it changes nothing', async () => {
    const ref = await db.environment();
    for (const key of ['a', 'b']) await db.flags.create(PRINCIPAL, ref, { key, type: 'number', value: 0 });
    heard = [];
    const settled = await Promise.allSettled([
      db.flags.update(PRINCIPAL, ref, { key: 'a', value: 1 }),
      db.flags.update(PRINCIPAL, ref, { key: 'b', value: 2 }),
      db.flags.update(PRINCIPAL, ref, { key: 'a', value: 'not a number' }),
      db.flags.update(PRINCIPAL, ref, { key: 'missing', value: 3 }),
      db.flags.update(PRINCIPAL, ref, { key: 'a', value: 4, expectedVersion: 4 }),
      db.flags.update(PRINCIPAL, ref, { key: 'b', value: 5, expectedVersion: 99 }),
    ]);
    expect(settled.map((r) => (r.status === 'fulfilled' ? r.value.version : (r.reason as DomainError).status))).toEqual([
      3, 4, 400, 404, 5, 412,
    ]);
    expect(heard.map((e) => e.version)).toEqual([3, 4, 5]);
    const values = await rows(`SELECT key, value FROM flags WHERE environment_id = $1 ORDER BY key`, [ref.env]);
    expect(values.map((r) => [r.key, r.value])).toEqual([
      ['a', 4],
      ['b', 2],
    ]);
    const recorded = await rows(`SELECT version FROM flag_changes WHERE environment_id = $1 ORDER BY version`, [ref.env]);
    expect(recorded.map((r) => r.version)).toEqual([1, 2, 3, 4, 5]);
    expect(await db.version(ref.env)).toBe(5);
  });

  it('fails every combined write when their shared commit fails, and announces none', async () => {
    const ref = await db.environment();
    await db.flags.create(PRINCIPAL, ref, { key: 'n', type: 'number', value: 0 });
    heard = [];
    const run = db.transactions.run;
    const broken = new Error('commit failed');
    let calls = 0;
    // The second transaction (the combined one) throws after its work ran, as a failed COMMIT would.
    db.transactions.run = (async (work, isolation) => {
      calls++;
      if (calls === 2) {
        await run((tx) => work(tx).then(() => Promise.reject(broken)), isolation);
      }
      return run(work, isolation);
    }) as typeof db.transactions.run;
    try {
      const settled = await Promise.allSettled([1, 2, 3].map((value) => db.flags.update(PRINCIPAL, ref, { key: 'n', value })));
      expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
      expect((settled[1] as PromiseRejectedResult).reason).toBe(broken);
    } finally {
      db.transactions.run = run;
    }
    expect(heard.map((e) => e.version)).toEqual([2]);
    expect(await db.version(ref.env)).toBe(2);
  });
});
