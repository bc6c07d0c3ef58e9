import type { Transactions } from '@superflag/core';
import { EnvironmentReadModel, LOAD_BATCH, LOAD_CONCURRENCY, LOAD_STALL_MS } from '../src/environment-read-model';

/** One load statement sent, answered when the test says so. */
interface Statement {
  ids: string[];
  answer(): void;
  fail(err: Error): void;
}

/** PostgreSQL as the read model sees it: every statement recorded and held until answered (each environment: version 1, one flag). */
class FakeDatabase {
  readonly statements: Statement[] = [];
  /** Environments the database does not have. */
  readonly missing = new Set<string>();
  /** Answer every statement as soon as it arrives. */
  auto = false;
  readonly transactions = {
    manager: () => ({
      query: (_sql: string, [ids]: [string[]]) =>
        new Promise((resolve, reject) => {
          const rows = ids
            .filter((id) => !this.missing.has(id))
            .map((id) => ({
              id,
              version: 1,
              key: 'checkout',
              type: 'bool',
              value: true,
              client_enabled: true,
              rollout: null,
              targets: null,
            }));
          const statement = { ids, answer: () => resolve(rows), fail: reject };
          this.statements.push(statement);
          if (this.auto) statement.answer();
        }),
    }),
  } as unknown as Transactions;

  /** Resolves once `n` statements have been sent. */
  async sent(n: number): Promise<void> {
    while (this.statements.length < n) await new Promise((resolve) => setImmediate(resolve));
  }
}

const ids = (n: number, prefix = 'env') => Array.from({ length: n }, (_, i) => `${prefix}_${i}`);

describe('EnvironmentReadModel batching', () => {
  let db: FakeDatabase;
  let readModel: EnvironmentReadModel;

  beforeEach(() => {
    // Timers are frozen: a load that waited for one (a window, a stall) would never go out.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    db = new FakeDatabase();
    readModel = new EnvironmentReadModel(db.transactions);
  });

  afterEach(() => jest.useRealTimers());

  it('sends a lone load at once, without waiting for a window', async () => {
    db.auto = true;
    const data = await readModel.load('env_a');
    expect(data).toMatchObject({ version: 1, flags: [{ key: 'checkout', value: true }] });
    expect(db.statements.map((s) => s.ids)).toEqual([['env_a']]);
    expect(readModel.statements).toBe(1);
    expect(readModel.loaded).toBe(1);
  });

  it('sends loads asked for in the same turn together, an environment asked for twice once', async () => {
    db.auto = true;
    const loads = [...ids(3), 'env_0'].map((id) => readModel.load(id));
    expect((await Promise.all(loads)).every((d) => d?.version === 1)).toBe(true);
    expect(db.statements.map((s) => s.ids)).toEqual([['env_0', 'env_1', 'env_2']]);
  });

  it(`gathers every load asked for while ${LOAD_CONCURRENCY} batches are in flight into the next one: N cold reads cost at most ceil(N / batch) + ${LOAD_CONCURRENCY} statements`, async () => {
    const N = 250;
    const early = ids(LOAD_CONCURRENCY, 'env_early');
    // Cold reads arriving one by one, each in its own turn: the first ones go out alone, at once…
    const loads: Array<Promise<unknown>> = [];
    for (const [i, id] of early.entries()) {
      loads.push(readModel.load(id));
      await db.sent(i + 1);
    }
    // …the others wait while those are out, however many turns they arrive in.
    for (const id of ids(N - LOAD_CONCURRENCY)) {
      loads.push(readModel.load(id));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(db.statements.map((s) => s.ids)).toEqual(early.map((id) => [id]));
    db.statements[0].answer();
    await db.sent(LOAD_CONCURRENCY + 1);
    // All of them, in full batches, sent together the moment one answered.
    const rest = N - LOAD_CONCURRENCY;
    expect(db.statements.slice(LOAD_CONCURRENCY).map((s) => s.ids.length)).toEqual([LOAD_BATCH, LOAD_BATCH, rest - 2 * LOAD_BATCH]);
    for (const s of db.statements.slice(1)) s.answer();
    expect((await Promise.all(loads)).every((d) => d !== null)).toBe(true);
    expect(db.statements.length).toBeLessThanOrEqual(Math.ceil(N / LOAD_BATCH) + LOAD_CONCURRENCY);
    expect(readModel.statements).toBe(db.statements.length);
    expect(readModel.loaded).toBe(N);
  });

  it('fails only the waiters of the statement that failed; the next batch goes out as usual', async () => {
    const loads = ids(LOAD_BATCH + 10).map((id) =>
      readModel.load(id).then(
        (d) => d?.version ?? null,
        (err: Error) => err.message,
      ),
    );
    await db.sent(2);
    db.statements[0].fail(new Error('connection reset'));
    db.statements[1].answer();
    const results = await Promise.all(loads);
    expect(results.slice(0, LOAD_BATCH).every((r) => r === 'connection reset')).toBe(true);
    expect(results.slice(LOAD_BATCH).every((r) => r === 1)).toBe(true);
    expect(readModel.statements).toBe(2);
    expect(readModel.loaded).toBe(10);

    db.auto = true;
    expect(await readModel.load('env_0')).toMatchObject({ version: 1 });
    expect(readModel.statements).toBe(3);
  });

  it('answers an environment that does not exist with null', async () => {
    db.auto = true;
    db.missing.add('env_gone');
    const [gone, there] = await Promise.all([readModel.load('env_gone'), readModel.load('env_a')]);
    expect(gone).toBeNull();
    expect(there).toMatchObject({ version: 1 });
    expect(readModel.statements).toBe(1);
    expect(readModel.loaded).toBe(1);
  });

  it(`stops holding the next batch behind ones that have not answered within ${LOAD_STALL_MS} ms`, async () => {
    const stalled: Array<Promise<unknown>> = [];
    for (const [i, id] of ids(LOAD_CONCURRENCY, 'env_stalled').entries()) {
      stalled.push(readModel.load(id));
      await db.sent(i + 1);
    }
    const next = readModel.load('env_next');
    await new Promise((resolve) => setImmediate(resolve));
    expect(db.statements).toHaveLength(LOAD_CONCURRENCY);
    jest.advanceTimersByTime(LOAD_STALL_MS);
    await db.sent(LOAD_CONCURRENCY + 1);
    expect(db.statements[LOAD_CONCURRENCY].ids).toEqual(['env_next']);
    db.statements[LOAD_CONCURRENCY].answer();
    expect(await next).toMatchObject({ version: 1 });
    // The stalled ones still get their own answers when they come.
    for (const s of db.statements.slice(0, LOAD_CONCURRENCY)) s.answer();
    expect((await Promise.all(stalled)).every((d) => d !== null)).toBe(true);
    expect(readModel.statements).toBe(LOAD_CONCURRENCY + 1);
  });
});
