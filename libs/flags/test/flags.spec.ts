import { embeddedFlags, type EmbeddedFlags, PRINCIPAL } from './support/embedded-flags';

/** Flag writes on the real stores and tables: the flags limit under the environment lock, and values stored as given. */
describe('FlagsService', () => {
  let db: EmbeddedFlags;
  beforeAll(async () => (db = await embeddedFlags({ LIMIT_FLAGS_PER_ENV: 3 })));
  afterAll(() => db.close());

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (err) => ({ status: err.status, message: err.message }),
    );

  it('creates at most LIMIT_FLAGS_PER_ENV flags however many creates race, and each key once', async () => {
    const ref = await db.environment();
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e', 'a'].map((key) => db.flags.create(PRINCIPAL, ref, { key, type: 'bool', value: true })),
    );
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.message);
    expect(refused.sort()).toEqual([
      'Flag already exists',
      'Flags per environment limit reached (3)',
      'Flags per environment limit reached (3)',
    ]);
    expect((await db.flags.list(PRINCIPAL, ref)).flags.size).toBe(3);
    expect(await db.version(ref.env)).toBe(3);
  });

  it('stores json values with their key order through create, update, bulk and rollback', async () => {
    const ref = await db.environment();
    const text = async () => JSON.stringify((await db.flags.get(PRINCIPAL, ref, 'cfg')).flag.value);
    await db.flags.create(PRINCIPAL, ref, { key: 'cfg', type: 'json', value: { z: 1, a: { y: 2, b: 3 } } });
    expect(await text()).toBe('{"z":1,"a":{"y":2,"b":3}}');
    await db.flags.update(PRINCIPAL, ref, { key: 'cfg', value: { m: [{ q: 1, c: 2 }], d: 0 } });
    expect(await text()).toBe('{"m":[{"q":1,"c":2}],"d":0}');
    await db.flags.bulkUpdate(PRINCIPAL, ref, { cfg: { b: 1, a: 2 } }, {});
    expect(await text()).toBe('{"b":1,"a":2}');
    await db.history.rollback(PRINCIPAL, ref, 1, {});
    expect(await text()).toBe('{"z":1,"a":{"y":2,"b":3}}');
  });

  it('bulk-updates all or nothing, naming the first bad key', async () => {
    const ref = await db.environment();
    await db.flags.create(PRINCIPAL, ref, { key: 'n', type: 'number', value: 1 });
    expect(await failure(db.flags.bulkUpdate(PRINCIPAL, ref, { n: 2, missing: 3 }, {}))).toEqual({
      status: 404,
      message: 'Flag not found: missing',
    });
    expect(await failure(db.flags.bulkUpdate(PRINCIPAL, ref, { n: 'two' }, {}))).toEqual({
      status: 400,
      message: 'Invalid value for flag type number: n',
    });
    expect((await db.flags.get(PRINCIPAL, ref, 'n')).flag.value).toBe(1);
    expect(await db.version(ref.env)).toBe(1);
  });
});
