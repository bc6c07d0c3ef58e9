import { randomBytes } from 'node:crypto';
import { LOOKUP_BATCH, TOUCH_FLUSH_MS } from '../src/keys.service';
import { createFakeKeys } from './fakes';

const unknownKey = () =>
  `sdk_prod_${randomBytes(43)
    .toString('base64')
    .replace(/[^0-9A-Za-z]/g, 'x')
    .slice(0, 43)}`;
const turn = () => new Promise((resolve) => setImmediate(resolve));
/** Resolves at the first turn where `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await turn();
}

/** Keys created in production, and the store's lookups held until released (a database that takes its time). */
async function withKeys(n: number) {
  const fake = await createFakeKeys({ keysPerEnv: n });
  const secrets: string[] = [];
  for (let i = 0; i < n; i++) secrets.push((await fake.keys.create(fake.owner, fake.app.id, 'production', 'sdk')).secret);
  const find = fake.store.findActiveByHash.bind(fake.store);
  const held: Array<() => void> = [];
  let hold = false;
  fake.store.findActiveByHash = (hashes) => {
    const answer = find(hashes);
    if (!hold) return answer;
    return new Promise((resolve) => held.push(() => resolve(answer)));
  };
  return { ...fake, secrets, held, holdLookups: (on: boolean) => (hold = on) };
}

describe('KeysService lookups of keys not in memory', () => {
  afterEach(() => jest.useRealTimers());

  it('looks a lone key up at once, in one statement, and serves it from memory afterwards', async () => {
    const { keys, store, secrets } = await withKeys(1);
    const verified = await keys.verify(secrets[0]);
    expect(verified).toMatchObject({ type: 'sdk' });
    expect(store.lookups).toHaveLength(1);
    expect(keys.verify(secrets[0])).toBe(verified);
    expect(keys.cached(secrets[0])).toBe(verified);
    expect(store.lookups).toHaveLength(1);
  });

  it('gathers the keys asked for while a lookup is in flight into the next statement', async () => {
    const { keys, store, secrets, held, holdLookups } = await withKeys(80);
    holdLookups(true);
    const first = keys.verify(secrets[0]) as Promise<unknown>;
    await turn();
    expect(store.lookups).toHaveLength(1);
    // The others arrive one per turn while the first is out, a few of them twice, one unknown.
    const stranger = unknownKey();
    const rest: Array<Promise<unknown>> = [];
    for (const secret of [...secrets.slice(1), secrets[1], secrets[2], stranger]) {
      rest.push(Promise.resolve(keys.verify(secret)));
      await turn();
    }
    expect(store.lookups).toHaveLength(1);
    held.shift()!();
    await first;
    await until(() => store.lookups.length > 1);
    expect(store.lookups).toHaveLength(2);
    expect(store.lookups[1]).toHaveLength(80);
    held.shift()!();
    const answers = await Promise.all(rest);
    expect(answers.slice(0, 81).every((k) => k !== null)).toBe(true);
    expect(answers.at(-1)).toBeNull();
    // The unknown one is remembered: no statement for it while its negative entry lasts.
    expect(keys.verify(stranger)).toBeNull();
    expect(store.lookups).toHaveLength(2);
    expect(store.lookups.length).toBeLessThanOrEqual(Math.ceil(81 / LOOKUP_BATCH) + 1);
  });

  it('fails the keys of a failed statement (the caller answers 503), and looks them up again next time', async () => {
    const { keys, store, secrets } = await withKeys(2);
    const find = store.findActiveByHash.bind(store);
    store.findActiveByHash = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const failed = secrets.map((s) => Promise.resolve(keys.verify(s)).catch((err: Error) => err.message));
    expect(await Promise.all(failed)).toEqual(['connect ECONNREFUSED 127.0.0.1:5432', 'connect ECONNREFUSED 127.0.0.1:5432']);
    store.findActiveByHash = find;
    expect(await keys.verify(secrets[0])).toMatchObject({ type: 'sdk' });
  });
});

describe('KeysService lastUsedAt', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it(`writes the uses of many keys in one statement per ${TOUCH_FLUSH_MS} ms, not one per key`, async () => {
    const { keys, store, secrets } = await withKeys(60);
    await Promise.all(secrets.map((s) => keys.verify(s)));
    expect(store.touches).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(TOUCH_FLUSH_MS);
    expect(store.touches).toHaveLength(1);
    expect([...store.touches[0].keys()].sort()).toEqual(store.rows.map((k) => k.id).sort());
    expect(store.rows.every((k) => k.lastUsedAt instanceof Date)).toBe(true);
    // Used again within the minute: nothing more to write.
    for (const s of secrets) keys.cached(s);
    await jest.advanceTimersByTimeAsync(TOUCH_FLUSH_MS);
    expect(store.touches).toHaveLength(1);
  });

  it('writes the uses not yet written before shutting down', async () => {
    const { keys, store, secrets } = await withKeys(3);
    await Promise.all(secrets.map((s) => keys.verify(s)));
    await keys.beforeApplicationShutdown();
    keys.onApplicationShutdown();
    expect(store.touches).toHaveLength(1);
    expect(store.touches[0].size).toBe(3);
  });
});
